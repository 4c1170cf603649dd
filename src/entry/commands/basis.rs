//! `handover basis ...`: other lawful bases, objections, restrictions.

use super::refused;
use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::entry::cli::{BasisCmd, BasisTarget};
use crate::entry::output::Outcome;
use crate::records::import::own;
use crate::register::{evidence, people};

fn event(ctx: &Ctx, t: &BasisTarget, action: &str, basis: &str, assessment_ref: &str) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let p = people::person_required(&reg, &t.person)?;
    if p.erased_at.is_some() {
        return Err(Error::Erased { person: p.id.to_string() });
    }
    let new = reg.change(ctx.now, |c| {
        let new = crate::records::apply_basis(
            c,
            &p,
            &t.purpose,
            action,
            basis,
            &t.controllers.join(";"),
            assessment_ref,
            &t.decided_by,
            &t.at,
        )?
        .map_err(|ps| refused(&p.reference, ps))?;
        if new {
            c.audit(&format!("basis.{action}"), &p.id, serde_json::json!({ "purpose": t.purpose }))?;
        }
        Ok(new)
    })?;
    let text = if new {
        let what = match action {
            "record" => "lawful basis recorded",
            "object" => "objection recorded",
            "restrict" => "restriction recorded",
            _ => "restriction lifted",
        };
        format!("{what} for {} ({})\n", p.id, t.purpose)
    } else {
        format!("an identical {action} is already recorded for {}; nothing changed\n", p.id)
    };
    let data = serde_json::json!({ "person": p.id, "purpose": t.purpose, "action": action, "new": new });
    Ok(Outcome::new("basis_event", data, text))
}

/// Run a basis subcommand.
pub fn run(ctx: &Ctx, cmd: BasisCmd) -> Result<Outcome> {
    match cmd {
        BasisCmd::Record { target, basis, assessment_ref } => {
            event(ctx, &target, "record", &basis, assessment_ref.as_deref().unwrap_or(""))
        }
        BasisCmd::Object { target } => event(ctx, &target, "object", "", ""),
        BasisCmd::Restrict { target } => event(ctx, &target, "restrict", "", ""),
        BasisCmd::LiftRestriction { target } => event(ctx, &target, "lift_restriction", "", ""),
        BasisCmd::List { person } => {
            let reg = ctx.open()?;
            let pid = match &person {
                Some(p) => Some(people::person_required(&reg, p)?.id),
                None => None,
            };
            let list = evidence::bases(&reg, pid.as_deref())?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|b| {
                    vec![
                        b.person_ref.clone(),
                        b.decided_at[..10].to_string(),
                        b.action.to_string(),
                        b.purpose.clone(),
                        b.basis.map_or_else(|| "-".into(), |x| x.to_string()),
                        if b.controllers.is_empty() { "(all)".into() } else { b.controllers.join(";") },
                        b.assessment_ref.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let text = table(&["PERSON", "AT", "ACTION", "PURPOSE", "BASIS", "CONTROLLERS", "ASSESSMENT"], &rows);
            Ok(Outcome::new("basis_list", list, text))
        }
        BasisCmd::Import(crate::entry::cli::ImportFile { file, dry_run }) => {
            super::import_own_csv(ctx, &file, dry_run, "bases", own::BASES_COLUMNS, "bases.csv", own::import_bases)
        }
    }
}
