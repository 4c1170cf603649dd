//! `handover controller ...` and `handover purpose list`.

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::model::{fmt_ts, slugify};
use crate::entry::cli::{ControllerCmd, ControllerFields, PurposeCmd};
use crate::entry::output::Outcome;
use crate::register::catalogue;
use crate::register::catalogue::Controller;

fn apply(c: &mut Controller, f: ControllerFields) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let mut set = |slot: &mut Option<String>, v: Option<String>, name: &'static str| {
        if let Some(v) = v {
            let v = (!v.trim().is_empty()).then(|| v.trim().to_string());
            if *slot != v {
                *slot = v;
                changed.push(name);
            }
        }
    };
    set(&mut c.contact, f.contact, "contact");
    set(&mut c.accountable_person, f.accountable_person, "accountable_person");
    set(&mut c.ico_fee_status, f.ico_fee_status, "ico_fee_status");
    set(&mut c.dsa_ref, f.dsa_ref, "dsa_ref");
    set(&mut c.dpia_ref, f.dpia_ref, "dpia_ref");
    changed
}

/// Run a controller subcommand.
/// A cited DPIA and data sharing agreement must be in the assessments register, each of its own
/// kind ("TBC", or an LIA cited as the DPIA, were once accepted).
fn check_refs(conn: &crate::register::Db, c: &Controller) -> Result<()> {
    for (flag, kind, r) in [("--dpia-ref", "dpia", &c.dpia_ref), ("--dsa-ref", "dsa", &c.dsa_ref)] {
        let Some(r) = r else { continue };
        let kinds = crate::register::governance::assessment_kinds(conn, r)?;
        if !kinds.iter().any(|k| k == kind) {
            let why = if kinds.is_empty() {
                format!("{r} is not in the assessments register")
            } else {
                format!("{r} is registered as {}, not as {kind}", kinds.join(", "))
            };
            return Err(Error::bad(
                flag,
                format!("{why}: add it first with `handover assessment add --kind {kind} --ref {r} ...`"),
            ));
        }
    }
    Ok(())
}

pub fn run(ctx: &Ctx, cmd: ControllerCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        ControllerCmd::Add { name, slug, kind, fields } => {
            if name.trim().is_empty() {
                return Err(Error::bad("--name", "the controller needs a legal name"));
            }
            let slug = slug.unwrap_or_else(|| slugify(&name));
            if slug.is_empty() || slugify(&slug) != slug {
                return Err(Error::bad("--slug", "a slug is lower-case letters and digits joined by single hyphens"));
            }
            let mut c = Controller {
                id: slug.clone(),
                slug: slug.clone(),
                name: name.trim().to_string(),
                kind: super::code_arg("--kind", &kind)?,
                is_self: false,
                contact: None,
                accountable_person: None,
                ico_fee_status: None,
                dsa_ref: None,
                dpia_ref: None,
                created_at: fmt_ts(ctx.now),
            };
            let since = fields.since;
            apply(&mut c, fields);
            check_refs(&reg, &c)?;
            reg.change(ctx.now, |t| {
                catalogue::insert_controller(t, &c)?;
                if let Some(d) = since {
                    catalogue::set_since(t, &c.slug, &d.to_string())?;
                }
                t.audit("controller.add", &c.slug, serde_json::json!({ "kind": c.kind }))
            })?;
            let text = format!("added controller {} ({})\n", c.slug, c.kind);
            Ok(Outcome::new("controller", c, text))
        }
        ControllerCmd::List => {
            let list = catalogue::controllers(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    vec![
                        c.slug.clone(),
                        c.name.clone(),
                        c.kind.to_string(),
                        if c.is_self { "this register's".into() } else { "other".into() },
                        c.dsa_ref.clone().unwrap_or_else(|| "-".into()),
                        c.dpia_ref.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let text = table(&["SLUG", "NAME", "KIND", "ROLE", "DSA", "DPIA"], &rows);
            Ok(Outcome::new("controller_list", list, text))
        }
        ControllerCmd::Edit { slug, name, kind, fields } => {
            let mut c =
                catalogue::controller(&reg, &slug)?.ok_or(Error::NotFound { kind: "controller", id: slug.clone() })?;
            let since = fields.since;
            let mut changed = apply(&mut c, fields);
            if since.is_some() {
                changed.push("since");
            }
            if let Some(n) = name.filter(|n| !n.trim().is_empty() && n.trim() != c.name) {
                c.name = n.trim().to_string();
                changed.push("name");
            }
            if let Some(k) = kind.map(|k| super::code_arg("--kind", &k)).transpose()?.filter(|k| *k != c.kind) {
                c.kind = k;
                changed.push("kind");
            }
            if changed.is_empty() {
                return Ok(Outcome::new("controller", c, format!("controller {slug}: nothing to change\n")));
            }
            if changed.contains(&"dpia_ref") || changed.contains(&"dsa_ref") {
                check_refs(&reg, &c)?;
            }
            reg.change(ctx.now, |t| {
                catalogue::update_controller(t, &c)?;
                if let Some(d) = since {
                    catalogue::set_since(t, &slug, &d.to_string())?;
                }
                t.audit("controller.edit", &slug, serde_json::json!({ "fields": changed }))
            })?;
            let text = format!("controller {slug}: changed {}\n", changed.join(", "));
            Ok(Outcome::new("controller", c, text))
        }
    }
}

/// `purpose list`.
pub fn purposes(ctx: &Ctx, cmd: PurposeCmd) -> Result<Outcome> {
    let reg = ctx.open()?;
    match cmd {
        PurposeCmd::List => {
            let list = catalogue::purposes(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    vec![
                        p.code.clone(),
                        if p.channels.is_empty() { "-".into() } else { p.channels.join(";") },
                        if p.special { "yes".into() } else { "no".into() },
                        if p.marketing { "yes".into() } else { "no".into() },
                        p.refresh_months.map_or("-".into(), |m| format!("{m} months")),
                        p.name.clone(),
                    ]
                })
                .collect();
            let text = table(&["CODE", "CHANNELS", "SPECIAL", "MARKETING", "REFRESH", "NAME"], &rows);
            Ok(Outcome::new("purpose_list", list, text))
        }
        PurposeCmd::Fields { code, set } => {
            let mut reg = reg;
            let p = catalogue::purpose(&reg, &code)?.ok_or(Error::NotFound { kind: "purpose", id: code.clone() })?;
            let fields: Vec<String> = set.split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect();
            for f in &fields {
                if crate::transfer::plan::NEVER_PER_PERSON.contains(&f.as_str()) {
                    return Err(Error::bad(
                        "--set",
                        format!("'{f}' never goes per person (free text and diversity answers are special category)"),
                    ));
                }
                if !crate::transfer::plan::FIELDS.contains(&f.as_str()) {
                    return Err(Error::bad(
                        "--set",
                        format!("unknown field '{f}'; use {}", crate::transfer::plan::FIELDS.join(", ")),
                    ));
                }
            }
            reg.change(ctx.now, |c| {
                crate::register::catalogue::set_purpose_fields(c, &p.code, &fields)?;
                c.audit("purpose.fields", &p.code, serde_json::json!({ "fields": fields }))
            })?;
            let p = catalogue::purpose(&reg, &code)?;
            Ok(Outcome::new("purpose", p, format!("{code} carries: {}\n", fields.join(", "))))
        }
    }
}
