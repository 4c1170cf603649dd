//! `handover approver ...`: who may approve a transfer plan (minisign public keys).

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::model::fmt_ts;
use crate::entry::cli::ApproverCmd;
use crate::entry::output::Outcome;
use crate::register::transfers;

/// Run an approver subcommand.
pub fn run(ctx: &Ctx, cmd: ApproverCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        ApproverCmd::Add { public_key, name } => {
            if name.trim().is_empty() {
                return Err(Error::bad("--name", "give the approver's name"));
            }
            let pk = crate::base::keys::load_public_key(&public_key)?;
            let a = transfers::Approver {
                key_id: crate::base::keys::key_id(pk.keynum()),
                public_key: pk.to_base64(),
                name: name.trim().to_string(),
                added_at: fmt_ts(ctx.now),
                removed_at: None,
            };
            reg.change(ctx.now, |c| {
                if !transfers::add_approver(c, &a)? {
                    return Err(Error::bad("PUBLIC_KEY", format!("key {} is an approver already", a.key_id)));
                }
                c.audit("approver.add", &a.key_id, serde_json::json!({ "name": a.name }))
            })?;
            let text = format!(
                "{} may now approve plans with key {} (fingerprint {})\n",
                a.name,
                a.key_id,
                crate::base::keys::fingerprint(a.public_key.as_bytes())
            );
            Ok(Outcome::new("approver", a, text))
        }
        ApproverCmd::Remove { key_id } => {
            let key_id = key_id.trim().to_ascii_uppercase();
            reg.change(ctx.now, |c| {
                if !transfers::remove_approver(c, &key_id, &fmt_ts(c.now))? {
                    return Err(Error::NotFound { kind: "approver", id: key_id.clone() });
                }
                c.audit("approver.remove", &key_id, serde_json::json!({}))
            })?;
            let list = transfers::approvers(&reg)?;
            let a = list.into_iter().find(|a| a.key_id == key_id);
            Ok(Outcome::new("approver", a, format!("key {key_id} may no longer approve plans\n")))
        }
        ApproverCmd::List => {
            let list = transfers::approvers(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.key_id.clone(),
                        a.name.clone(),
                        a.added_at[..10].to_string(),
                        a.removed_at.as_ref().map_or_else(|| "-".into(), |r| r[..10].to_string()),
                    ]
                })
                .collect();
            Ok(Outcome::new("approver_list", list.clone(), table(&["KEY ID", "NAME", "ADDED", "REMOVED"], &rows)))
        }
    }
}
