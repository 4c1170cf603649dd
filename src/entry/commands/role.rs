//! `handover role ...`.

use super::refused;
use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::model::parse_date;
use crate::entry::cli::RoleCmd;
use crate::entry::output::Outcome;
use crate::records::import::own;
use crate::register::people;

/// Run a role subcommand.
pub fn run(ctx: &Ctx, cmd: RoleCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        RoleCmd::Assign { person, role, hub, from, designation } => {
            let p = people::person_required(&reg, &person)?;
            if p.erased_at.is_some() {
                return Err(Error::Erased { person: p.id.to_string() });
            }
            let id = reg.change(ctx.now, |c| {
                let id = crate::records::apply_role(
                    c,
                    &p,
                    &role,
                    hub.as_deref().unwrap_or(""),
                    &from,
                    "",
                    designation.as_deref().unwrap_or(""),
                )?
                .map_err(|ps| refused(&p.reference, ps))?;
                if let Some(id) = &id {
                    c.audit("role.assign", &p.id, serde_json::json!({ "role_id": id, "role": role }))?;
                }
                Ok(id)
            })?;
            match id {
                Some(id) => {
                    let r = people::role(&reg, &id)?;
                    Ok(Outcome::new("role", r, format!("role {id}: {} {role} from {from}\n", p.reference)))
                }
                None => Ok(Outcome::new(
                    "role",
                    serde_json::Value::Null,
                    format!("{} already holds that role from {from}; nothing changed\n", p.reference),
                )),
            }
        }
        RoleCmd::End { id, to } => {
            let r = people::role(&reg, &id)?.ok_or(Error::NotFound { kind: "role", id: id.clone() })?;
            if parse_date(&r.from).is_some_and(|f| to < f) {
                return Err(Error::bad("--to", "the end date is before the role's start date"));
            }
            reg.change(ctx.now, |c| {
                people::end_role(c, &id, &to.to_string())?;
                c.audit("role.end", &r.person_id, serde_json::json!({ "role_id": id }))
            })?;
            let r = people::role(&reg, &id)?;
            Ok(Outcome::new("role", r, format!("role {id} ends {to}\n")))
        }
        RoleCmd::List { current, at, person } => {
            let pid = match &person {
                Some(p) => Some(people::person_required(&reg, p)?.id),
                None => None,
            };
            let day = match at {
                Some(a) => a,
                None => ctx.now.date_naive(),
            };
            let list: Vec<_> = people::roles(&reg, pid.as_deref())?
                .into_iter()
                .filter(|r| {
                    !current
                        || (parse_date(&r.from).is_some_and(|f| f <= day)
                            && r.to.as_deref().and_then(parse_date).is_none_or(|t| t >= day))
                })
                .collect();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        r.person_ref.clone(),
                        r.role.to_string(),
                        r.hub.clone().unwrap_or_else(|| "-".into()),
                        r.from.clone(),
                        r.to.clone().unwrap_or_else(|| "-".into()),
                        r.designation
                            .map(|d| if r.special { format!("{d} (special)") } else { d.to_string() })
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let text = table(&["ID", "PERSON", "ROLE", "HUB", "FROM", "TO", "DESIGNATION"], &rows);
            Ok(Outcome::new("role_list", list, text))
        }
        RoleCmd::Import(crate::entry::cli::ImportFile { file, dry_run }) => {
            super::import_own_csv(ctx, &file, dry_run, "roles", own::ROLES_COLUMNS, "roles.csv", own::import_roles)
        }
    }
}
