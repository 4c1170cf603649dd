//! `handover person ...`.

use serde::Serialize;

use super::{import_text, refused};
use crate::Ctx;
use crate::audit::access::{SubjectAccess, subject_access};
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::model::{StakeholderGroup, fmt_ts};
use crate::domain::people::RawPerson;
use crate::entry::cli::{ExportConsentArgs, ImportFormat, PersonCmd, PersonFields as PersonFlags};
use crate::entry::output::Outcome;
use crate::records::Upsert;
use crate::records::import::exports::{self, ExportKind, ListFacts};
use crate::records::import::own::{self, DIVERSITY_COLUMNS, PEOPLE_COLUMNS};
use crate::records::import::{self, CsvFile};
use crate::records::status::{StatusLine, status_lines};
use crate::register::people::Person;
use crate::register::suppression::keyed_hash;
use crate::register::{Register, people, suppression};

/// The record flags give: the stored person's values (for an edit) with the given flags over them.
fn raw_from_flags(reference: Option<String>, f: &PersonFlags, base: Option<&Person>) -> RawPerson {
    let mut raw = base.map(|b| RawPerson::of(&b.reference, b)).unwrap_or_default();
    raw.overlay(&serde_json::json!({ "ref": reference }));
    raw.overlay(&serde_json::to_value(f).unwrap_or_default());
    raw
}

fn person_line(p: &Person) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.reference.clone(),
        p.name.clone().unwrap_or_else(|| if p.erased_at.is_some() { "[erased]".into() } else { "-".into() }),
        p.email.clone().unwrap_or_else(|| "-".into()),
        p.stakeholder_group.map_or_else(|| "-".into(), |g| g.as_str().to_string()),
        p.hub.clone().unwrap_or_else(|| "-".into()),
    ]
}

/// Run a person subcommand.
pub fn run(ctx: &Ctx, cmd: PersonCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        PersonCmd::Add { reference, fields } => {
            let raw = raw_from_flags(reference.clone(), &fields, None);
            let f = crate::domain::people::validate(&raw).map_err(|ps| refused("(new)", ps))?;
            // The checks run inside the change, which holds the write lock from its start: of two
            // adds of one person at the same moment, exactly one adds and the other is refused.
            let id = reg.change(ctx.now, |c| {
                if let Some(r) = &reference
                    && let Some(p) = people::person(c, r)?
                {
                    return Err(Error::DuplicateRef { reference: r.clone(), existing: p.id.to_string() });
                }
                if let Some(e) = &f.email_norm
                    && let Some(p) = people::person_by_email(c, e)?
                {
                    return Err(Error::DuplicateEmail { existing: p.id.to_string() });
                }
                let (_, id) = crate::records::upsert_person(c, &f)?.map_err(|ps| refused("(new)", ps))?;
                c.audit("person.add", &id, serde_json::json!({}))?;
                Ok(id)
            })?;
            let p = people::person_required(&reg, &id)?;
            let text = format!("added person {} (ref {})\n", p.id, p.reference);
            Ok(Outcome::new("person", p, text))
        }
        PersonCmd::Import { input: crate::entry::cli::ImportFile { file, dry_run }, format, consent } => {
            import_file(ctx, &mut reg, &file, format, dry_run, consent)
        }
        PersonCmd::List => {
            let list = people::people(&reg)?;
            let rows: Vec<Vec<String>> = list.iter().map(person_line).collect();
            let text =
                format!("{}{} people\n", table(&["ID", "REF", "NAME", "EMAIL", "GROUP", "HUB"], &rows), list.len());
            Ok(Outcome::new("person_list", list, text))
        }
        PersonCmd::Show { id } => {
            let p = people::person_required(&reg, &id)?;
            let view = show(&reg, &p, ctx.now)?;
            let text = show_text(&view);
            Ok(Outcome::new("person_view", view, text))
        }
        PersonCmd::Edit { id, fields } => {
            let p = people::person_required(&reg, &id)?;
            if p.erased_at.is_some() {
                return Err(Error::Erased { person: p.id.to_string() });
            }
            let raw = raw_from_flags(None, &fields, Some(&p));
            let f = crate::domain::people::validate(&raw).map_err(|ps| refused(&p.reference, ps))?;
            if let Some(e) = &f.email_norm
                && let Some(q) = people::person_by_email(&reg, e)?
                && q.id != p.id
            {
                return Err(Error::DuplicateEmail { existing: q.id.to_string() });
            }
            let outcome = reg.change(ctx.now, |c| {
                let (u, _) = crate::records::upsert_person(c, &f)?.map_err(|ps| refused(&p.reference, ps))?;
                if u == Upsert::Updated {
                    c.audit("person.edit", &p.id, serde_json::json!({}))?;
                }
                Ok(u)
            })?;
            let p2 = people::person_required(&reg, &p.id)?;
            let text = match outcome {
                Upsert::Updated => format!("person {} updated\n", p.reference),
                _ => format!("person {}: nothing to change\n", p.reference),
            };
            Ok(Outcome::new("person", p2, text))
        }
        PersonCmd::Export { id, out } => {
            let p = people::person_required(&reg, &id)?;
            let export = subject_access(&reg, &p, ctx.now)?;
            let text = export_text(&export);
            if let Some(path) = out {
                let body = if ctx.style.json {
                    serde_json::to_string_pretty(&serde_json::json!({ "type": "person_export", "data": &export }))
                        .map_err(|e| Error::Internal(e.to_string()))?
                } else {
                    text.clone()
                };
                crate::base::keys::write_new(&path, 0o600, body.as_bytes())?;
                reg.change(ctx.now, |c| c.audit("person.export", &p.id, serde_json::json!({})))?;
                return Ok(Outcome::new(
                    "file_written",
                    serde_json::json!({ "path": path.display().to_string() }),
                    format!("wrote {}\n", path.display()),
                ));
            }
            reg.change(ctx.now, |c| c.audit("person.export", &p.id, serde_json::json!({})))?;
            Ok(Outcome::new("person_export", export, text))
        }
        PersonCmd::Hold { id, reason } | PersonCmd::Release { id, reason } if reason.trim().is_empty() => {
            Err(Error::bad("--reason", format!("say why {id} is held or released")))
        }
        PersonCmd::Hold { id, reason } => {
            let p = people::person_required(&reg, &id)?;
            if p.erased_at.is_some() {
                return Err(Error::Erased { person: p.id.to_string() });
            }
            let hold = reg.change(ctx.now, |c| {
                let hold = crate::register::retention::place_hold(c, p.id.as_str(), reason.trim(), &ctx.actor)?;
                c.audit("person.hold", &p.id, serde_json::json!({ "hold": hold, "reason": reason.trim() }))?;
                Ok(hold)
            })?;
            let text = format!(
                "{} is held: nothing of theirs is altered or destroyed until `handover person release {}`\n",
                p.reference, p.reference
            );
            Ok(Outcome::new("person_hold", serde_json::json!({ "ref": p.reference, "held": true, "hold": hold }), text))
        }
        PersonCmd::Release { id, reason } => {
            let p = people::person_required(&reg, &id)?;
            let n = reg.change(ctx.now, |c| {
                let n = crate::register::retention::release_holds(c, p.id.as_str(), reason.trim(), &ctx.actor)?;
                if n > 0 {
                    c.audit("person.release", &p.id, serde_json::json!({ "released": n, "reason": reason.trim() }))?;
                }
                Ok(n)
            })?;
            if n == 0 {
                return Err(Error::bad("ID", format!("{} has no hold in force", p.reference)));
            }
            let text = format!("{}: {n} hold(s) released\n", p.reference);
            Ok(Outcome::new(
                "person_hold",
                serde_json::json!({ "ref": p.reference, "held": false, "hold": null }),
                text,
            ))
        }
        PersonCmd::Erase { id, reason } => {
            if reason.trim().is_empty() {
                return Err(Error::bad("--reason", "say why the person is erased (e.g. the request reference)"));
            }
            let p = people::person_required(&reg, &id)?;
            if p.erased_at.is_some() {
                return Err(Error::Erased { person: p.id.to_string() });
            }
            let mut staged = crate::base::staged::Staged::new();
            let (expires, docs) = reg.change(ctx.now, |c| {
                let (expires, docs) = super::erasure::erase(c, &p, reason.trim(), &mut staged)?;
                c.audit(
                    "person.erase",
                    &p.id,
                    serde_json::json!({ "tombstone_expires": fmt_ts(expires), "documents_rewritten": docs.rewritten, "documents_to_check": docs.to_check }),
                )?;
                Ok((expires, docs))
            })?;
            staged.replace()?;
            reg.checkpoint()?;
            let data = serde_json::json!({ "id": p.id, "erased_at": fmt_ts(ctx.now), "tombstone_expires": fmt_ts(expires), "documents": docs });
            let mut text = format!(
                "person {} erased: identifying data removed from every table; a tombstone (keyed hash) keeps them off every list until {}\n",
                p.id,
                expires.date_naive()
            );
            if docs.rewritten > 0 {
                text.push_str(&format!(
                    "  taken out of {} received document(s), each rewritten (`handover document list`)\n",
                    docs.rewritten
                ));
            }
            if docs.to_check > 0 {
                text.push_str(&format!(
                    "  {} received document(s) cannot be redacted by the tool: a task names them to check by hand (`handover tasks list`)\n",
                    docs.to_check
                ));
            }
            Ok(Outcome::new("person_erased", data, text)
                .note("if this person's data went to another controller, tell that controller (Art 19)"))
        }
        PersonCmd::SetDiversity { id, category, value } => {
            let p = people::person_required(&reg, &id)?;
            if p.erased_at.is_some() {
                return Err(Error::Erased { person: p.id.to_string() });
            }
            let changed = reg.change(ctx.now, |c| {
                let changed = crate::records::apply_diversity(c, &p, &category, &value)?
                    .map_err(|ps| refused(&p.reference, ps))?;
                if changed {
                    c.audit("person.set_diversity", &p.id, serde_json::json!({ "category": category.trim() }))?;
                }
                Ok(changed)
            })?;
            let data = serde_json::json!({ "id": p.id, "category": category.trim(), "changed": changed });
            Ok(Outcome::new("diversity_set", data, format!("person {}: {} recorded\n", p.reference, category.trim())))
        }
    }
}

/// Which kind of file is being imported.
enum Detected {
    People(CsvFile),
    Diversity(CsvFile),
    Export(ExportKind, Vec<CsvFile>),
}

fn detect(display: &str, bytes: &[u8], format: ImportFormat) -> Result<Detected> {
    // MailPoet's spreadsheet export: its first sheet, read as the CSV would be.
    if exports::is_zip(bytes) && import::xlsx::is_xlsx(bytes) {
        if !matches!(format, ImportFormat::Auto | ImportFormat::Mailpoet) {
            return Err(Error::ImportFormat {
                file: display.into(),
                why: "this is a spreadsheet; handover reads MailPoet's spreadsheet export".into(),
                hint: "use --format mailpoet, or export the list as CSV".into(),
            });
        }
        let file = import::xlsx::read(display, bytes)?;
        if exports::detect_csv(&file) != Some(ExportKind::Mailpoet) && format == ImportFormat::Auto {
            return Err(Error::ImportFormat {
                file: display.into(),
                why: "the spreadsheet's header is not a MailPoet export's".into(),
                hint: "name the format with --format mailpoet, or export the list as CSV".into(),
            });
        }
        return Ok(Detected::Export(ExportKind::Mailpoet, vec![file]));
    }
    if exports::is_zip(bytes) {
        if !matches!(format, ImportFormat::Auto | ImportFormat::Mailchimp) {
            return Err(Error::ImportFormat {
                file: display.into(),
                why: "this is a zip file; only Mailchimp exports are read as zips".into(),
                hint: "use --format mailchimp, or give the CSV file itself".into(),
            });
        }
        return Ok(Detected::Export(ExportKind::Mailchimp, exports::mailchimp_zip(display, bytes)?));
    }
    let file = import::parse_csv(display, bytes, false)?;
    let has_exact = |cols: &[&str]| cols.len() == file.headers.len() && cols.iter().all(|c| file.has(c));
    // The tool's own people.csv: every column it needs, and otherwise only columns it may have.
    let optional = crate::records::import::own::optional_columns("people.csv");
    let is_people = PEOPLE_COLUMNS.iter().all(|c| file.has(c))
        && file.headers.iter().all(|h| PEOPLE_COLUMNS.contains(&h.as_str()) || optional.contains(&h.as_str()));
    let kind = match format {
        ImportFormat::Auto => {
            if is_people {
                return Ok(Detected::People(file));
            }
            if has_exact(DIVERSITY_COLUMNS) {
                return Ok(Detected::Diversity(file));
            }
            exports::detect_csv(&file).ok_or_else(|| Error::ImportFormat {
                file: display.into(),
                why: "the header matches no format handover reads".into(),
                hint: format!(
                    "people.csv needs exactly: {} (and may add {}); or name the format with --format (see `handover person import --help`)",
                    PEOPLE_COLUMNS.join(","),
                    optional.join(",")
                ),
            })?
        }
        ImportFormat::People => {
            import::require_columns(&file, PEOPLE_COLUMNS, optional, "people.csv")?;
            return Ok(Detected::People(file));
        }
        ImportFormat::Diversity => {
            import::require_columns(&file, DIVERSITY_COLUMNS, &[], "diversity.csv")?;
            return Ok(Detected::Diversity(file));
        }
        ImportFormat::Mailchimp => ExportKind::Mailchimp,
        ImportFormat::Listmonk => ExportKind::Listmonk,
        ImportFormat::Mailpoet => ExportKind::Mailpoet,
        ImportFormat::WordpressCom => ExportKind::WordpressCom,
    };
    let file = if kind == ExportKind::Mailpoet { import::parse_csv(display, bytes, true)? } else { file };
    Ok(Detected::Export(kind, vec![file]))
}

fn facts(file: &str, a: &ExportConsentArgs) -> Result<ListFacts> {
    let missing: Vec<&str> = [
        ("--purpose", &a.purpose),
        ("--controllers", &a.controllers),
        ("--statement-version", &a.statement_version),
        ("--notice-version", &a.notice_version),
        ("--method", &a.method),
    ]
    .iter()
    .filter(|(_, v)| v.as_deref().is_none_or(|s| s.trim().is_empty()))
    .map(|(k, _)| *k)
    .collect();
    if !missing.is_empty() {
        return Err(Error::ExportNeedsFacts { file: file.to_string(), missing: missing.join(", ") });
    }
    Ok(ListFacts {
        purpose: a.purpose.clone().unwrap_or_default(),
        controllers: a.controllers.clone().unwrap_or_default(),
        statement_version: a.statement_version.clone().unwrap_or_default(),
        statement_format: a.statement_format.clone().unwrap_or_default(),
        notice_version: a.notice_version.clone().unwrap_or_default(),
        method: a.method.clone().unwrap_or_default(),
        without_consent: a.without_consent,
        map: a
            .map
            .iter()
            .map(|m| {
                let (c, f) = m.split_once('=').ok_or_else(|| Error::bad("--map", "write it as COLUMN=FIELD"))?;
                if !exports::MAP_FIELDS.contains(&f.trim()) {
                    return Err(Error::bad(
                        "--map",
                        format!("'{f}' is not a field it can map to: {}", exports::MAP_FIELDS.join(", ")),
                    ));
                }
                Ok((c.trim().to_string(), f.trim().to_string()))
            })
            .collect::<Result<_>>()?,
        list: a.list.clone().filter(|l| !l.trim().is_empty()),
    })
}

fn import_file(
    ctx: &Ctx,
    reg: &mut Register,
    path: &std::path::Path,
    format: ImportFormat,
    dry_run: bool,
    consent: ExportConsentArgs,
) -> Result<Outcome> {
    let bytes = import::read_bytes(path)?;
    let display = import::display_name(path);
    let sha = import::sha256_hex(&bytes);
    let report = match detect(&display, &bytes, format)? {
        Detected::People(file) => {
            import::run(reg, ctx.now, "people", &display, &sha, dry_run, |c, p, n| own::import_people(c, &file, p, n))?
        }
        Detected::Diversity(file) => import::run(reg, ctx.now, "diversity", &display, &sha, dry_run, |c, p, n| {
            own::import_diversity(c, &file, p, n)
        })?,
        Detected::Export(kind, files) => {
            let facts = facts(&display, &consent)?;
            if let Some((c, _)) = facts.map.iter().find(|(c, _)| !files.iter().any(|f| f.has(c))) {
                return Err(Error::bad("--map", format!("the file has no column '{c}'")));
            }
            let unmapped = exports::unmapped_columns(kind, &files, &facts.map);
            let mut report = import::run(reg, ctx.now, kind.as_str(), &display, &sha, dry_run, |c, p, n| {
                exports::import(c, kind, &files, &sha, &facts, p, n)
            })?;
            report.unmapped_columns = unmapped;
            report
        }
    };
    let text = import_text(&display, &report);
    let mut o = Outcome::new("import", report.clone(), text);
    if !report.unmapped_columns.is_empty() {
        o = o.note(format!(
            "column(s) not read: {}; map one with --map COLUMN=name|first_name|last_name|phone, or --map COLUMN=ignore",
            report.unmapped_columns.join(", ")
        ));
    }
    Ok(o)
}

/// What `person show` prints.
#[derive(Debug, Serialize)]
pub struct PersonView {
    #[serde(flatten)]
    pub person: Person,
    pub special_category_fields: Vec<String>,
    pub roles: Vec<people::Role>,
    pub consent_status: Vec<StatusLine>,
    pub diversity_categories: Vec<String>,
    pub suppressed: Option<String>,
}

fn special_fields(p: &Person, roles: &[people::Role], diversity: usize) -> Vec<String> {
    let mut v = Vec::new();
    if p.stakeholder_group.is_some_and(StakeholderGroup::is_special) {
        v.push("stakeholder_group".to_string());
    }
    if p.notes.is_some() {
        v.push("notes".to_string());
    }
    if roles.iter().any(|r| r.special) {
        v.push("roles.designation".to_string());
    }
    if diversity > 0 {
        v.push("diversity".to_string());
    }
    v
}

fn show(reg: &Register, p: &Person, now: chrono::DateTime<chrono::Utc>) -> Result<PersonView> {
    let conn = &reg;
    let roles = people::roles(conn, Some(&p.id))?;
    let diversity = people::diversity(conn, &p.id)?;
    let suppressed = match &p.email_norm {
        Some(e) => suppression::suppressed(conn, &keyed_hash(conn, e)?)?,
        None => None,
    };
    Ok(PersonView {
        special_category_fields: special_fields(p, &roles, diversity.len()),
        consent_status: status_lines(conn, &p.id, now)?,
        diversity_categories: diversity.into_iter().map(|(c, _)| c).collect(),
        roles,
        suppressed,
        person: p.clone(),
    })
}

fn show_text(v: &PersonView) -> String {
    let p = &v.person;
    let o = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    let mut s = format!("person {} (ref {})\n", p.id, p.reference);
    if p.erased_at.is_some() {
        s.push_str(&format!("  ERASED at {}\n", o(&p.erased_at)));
    }
    let raw = RawPerson::of(&p.reference, p);
    for col in &crate::domain::people::COLUMNS[1..] {
        let val = match (*col, raw.get(col)) {
            (_, "") => "-".to_string(),
            ("notes", _) => "(held; special category)".to_string(),
            (_, v) => v.to_string(),
        };
        s.push_str(&format!("  {:<19} {val}\n", col.replace('_', " ")));
    }
    if !v.special_category_fields.is_empty() {
        s.push_str(&format!("  special category   {}\n", v.special_category_fields.join(", ")));
    }
    if let Some(r) = &v.suppressed {
        s.push_str(&format!("  suppressed         {r}\n"));
    }
    s.push_str("roles:\n");
    if v.roles.is_empty() {
        s.push_str("  none\n");
    }
    for r in &v.roles {
        s.push_str(&format!(
            "  {} {}{} from {}{}{}\n",
            r.id,
            r.role,
            r.hub.as_ref().map(|h| format!(" ({h})")).unwrap_or_default(),
            r.from,
            r.to.as_ref().map(|t| format!(" to {t}")).unwrap_or_default(),
            r.designation.as_ref().map(|d| format!(", designation {d}")).unwrap_or_default()
        ));
    }
    s.push_str("consent:\n");
    if p.erased_at.is_some() {
        s.push_str("  erased: events are kept without identifying details and count for nothing\n");
    } else if v.consent_status.is_empty() {
        s.push_str("  no consent events\n");
    }
    for l in &v.consent_status {
        s.push_str(&format!(
            "  {:<24} {:<24} {:<9}{}\n",
            l.purpose,
            l.controller,
            l.status,
            l.review_due.as_ref().map(|d| format!(" review due {}", &d[..10])).unwrap_or_default()
        ));
    }
    s
}

fn export_text(x: &SubjectAccess) -> String {
    let p = &x.person;
    let o = |s: &Option<String>| s.clone().unwrap_or_else(|| "not held".into());
    let mut s = String::new();
    s.push_str(&format!("What {} holds about you\n", x.controller.name));
    s.push_str(&format!("Made on {}\n\n", &x.generated_at[..10]));
    s.push_str("Your details\n");
    let raw = RawPerson::of(&p.reference, p);
    for col in &crate::domain::people::COLUMNS[1..] {
        let mut label = col.replace('_', " ");
        label[..1].make_ascii_uppercase();
        let v = raw.get(col);
        s.push_str(&format!("  {label}: {}\n", if v.is_empty() { "not held" } else { v }));
    }
    let sources = if x.sources.is_empty() { "from you".into() } else { x.sources.join(", ") };
    s.push_str(&format!("  Where we got your details: {sources}\n"));
    s.push_str("\nYour roles\n");
    if x.roles.is_empty() {
        s.push_str("  none\n");
    }
    for r in &x.roles {
        s.push_str(&format!(
            "  {} {} from {}{}\n",
            r.role,
            o(&r.hub),
            r.from,
            r.to.as_ref().map(|t| format!(" to {t}")).unwrap_or_default()
        ));
    }
    s.push_str("\nWhat you agreed to, and what you said no to\n");
    if x.consent_events.is_empty() {
        s.push_str("  nothing recorded\n");
    }
    for e in &x.consent_events {
        s.push_str(&format!(
            "  {} {} {} (for {})\n",
            &fmt_ts(e.event.at)[..10],
            e.event.action,
            crate::domain::words::plain(&e.event.purpose),
            if e.event.controllers.is_empty() { "everyone".into() } else { e.event.controllers.join(", ") }
        ));
    }
    s.push_str("\nWhere things stand now\n");
    for l in &x.consent_status {
        s.push_str(&format!("  {} for {}: {}\n", crate::domain::words::plain(&l.purpose), l.controller, l.status));
    }
    if !x.bases.is_empty() {
        s.push_str("\nOther reasons we use your details\n");
        for b in &x.bases {
            s.push_str(&format!(
                "  {} {} {}\n",
                &b.decided_at[..10],
                b.action,
                b.basis.map_or_else(|| b.purpose.clone(), |x| x.to_string())
            ));
        }
    }
    if !x.diversity.is_empty() {
        s.push_str("\nDiversity answers you gave\n");
        for d in &x.diversity {
            s.push_str(&format!("  {}: {}\n", d["category"].as_str().unwrap_or(""), d["value"].as_str().unwrap_or("")));
        }
    }
    s.push_str("\nWho else has your details\n");
    if x.recipients.is_empty() {
        s.push_str("  nobody else\n");
    }
    for r in &x.recipients {
        let f = |k: &str| r[k].as_str().unwrap_or("").to_string();
        s.push_str(&format!("  {} ({}), on {}: {}\n", f("name"), f("controller"), f("date"), f("what")));
    }
    s.push_str("\nHow long we keep things\n");
    for r in &x.retention {
        let months = r["months"].as_u64().unwrap_or(0);
        let code = r["kind"].as_str().unwrap_or("");
        let kind = code.replace('_', " ");
        match (code, months) {
            ("tombstones", _) => s.push_str(&format!(
                "  if you ask us to erase your details: we keep only a note that we did (a keyed hash, never your name or address), for {} years, so that you are not added back by mistake\n",
                x.tombstone_years
            )),
            (_, 0) => s.push_str(&format!("  {kind}: no set period: kept while we need them for what they are for\n")),
            _ => s.push_str(&format!("  {kind}: {months} months\n")),
        }
    }
    s.push_str(&format!("\nAutomated decisions\n  {}\n", x.automated_decisions));
    if !x.texts_shown.is_empty() {
        s.push_str("\nWhat you were told (the statements and notices you were shown)\n");
        for t in &x.texts_shown {
            let f = |k: &str| t[k].as_str().unwrap_or("").to_string();
            s.push_str(&format!("  {} {} ({}):\n", f("kind"), f("version"), f("format")));
            for line in f("text").lines() {
                s.push_str(&format!("    {line}\n"));
            }
        }
    }
    if !x.documents.is_empty() {
        s.push_str("\nDocuments that mention you\n");
        for d in &x.documents {
            let f = |k: &str| d[k].as_str().unwrap_or("").to_string();
            let n = match &d["mentions"] {
                serde_json::Value::Number(n) => format!("{n} mention(s)"),
                other => other.as_str().unwrap_or("").to_string(),
            };
            s.push_str(&format!("  {} ({}): {n}\n", f("file_name"), f("category")));
        }
    }
    if !x.reviews.is_empty() {
        s.push_str("\nDecisions our data protection lead made about passing on your details\n");
        for r in &x.reviews {
            s.push_str(&format!("  {}: {} ({}): {}\n", &r.at[..10], r.decision, r.reason.replace('_', " "), r.note));
        }
    }
    s.push_str("\nYour rights\n");
    for r in &x.rights {
        s.push_str(&format!("  {r}\n"));
    }
    s
}
