//! `handover audit ...`.

use crate::Ctx;
use crate::cli::AuditCmd;
use crate::error::Result;
use crate::exit::ExitCode;
use crate::output::{Outcome, table};
use crate::register::audit;

/// Run an audit subcommand.
pub fn run(ctx: &Ctx, cmd: AuditCmd) -> Result<Outcome> {
    let reg = ctx.open()?;
    match cmd {
        AuditCmd::Verify => {
            let v = audit::verify(reg.conn())?;
            let data = serde_json::json!({
                "valid": v.broken.is_none(),
                "entries": v.entries,
                "head": v.head,
                "first_broken": v.broken.as_ref().map(|(seq, why)| serde_json::json!({ "seq": seq, "why": why })),
            });
            match &v.broken {
                None => Ok(Outcome::new(
                    "audit_verify",
                    data,
                    format!("audit log intact: {} entries, head {}\n", v.entries, v.head.as_deref().unwrap_or("-")),
                )),
                Some((seq, why)) => {
                    let mut o = Outcome::new("audit_verify", data, format!("audit log BROKEN at entry {seq}: {why}\n"));
                    o.exit = ExitCode::CheckFailed;
                    Ok(o.note("the register was changed outside handover; restore it from a backup and report this to your data protection lead"))
                }
            }
        }
        AuditCmd::Log => {
            let entries = audit::entries(reg.conn())?;
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| vec![e.seq.to_string(), e.at.clone(), e.actor.clone(), e.action.clone(), e.subject.clone()])
                .collect();
            let text = table(&["SEQ", "AT", "ACTOR", "ACTION", "SUBJECT"], &rows);
            Ok(Outcome::new("audit_log", entries, text))
        }
    }
}
