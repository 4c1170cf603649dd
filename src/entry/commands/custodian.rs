//! `handover custodian ...`: who can open the register's secrets.

use std::path::Path;

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::base::keys;
use crate::domain::model::fmt_ts;
use crate::entry::cli::CustodianCmd;
use crate::entry::output::Outcome;
use crate::register::{Change, accounts, tasks};

/// Days given to rotate an account after its secret's exposure changed.
pub const ROTATION_DAYS: i64 = 14;

/// Re-encrypt every account secret to the current custodians, opening them with `identity`.
/// Returns how many secrets were re-encrypted.
pub fn reencrypt_all(c: &Change<'_>, identity: Option<&Path>) -> Result<usize> {
    let accounts: Vec<_> = accounts::accounts(c)?.into_iter().filter(accounts::Account::has_secret).collect();
    if accounts.is_empty() {
        return Ok(0);
    }
    let Some(identity) = identity else {
        return Err(Error::bad(
            "--identity",
            "the register holds account secrets: give a current custodian's age identity so they can be re-encrypted",
        ));
    };
    let ids = keys::load_identities(identity)?;
    let recipients = accounts::current_recipients(c)?;
    let names: Vec<String> = recipients.iter().map(std::string::ToString::to_string).collect();
    for a in &accounts {
        let ct = accounts::secret(c, &a.id)?;
        let plain = crate::records::vault::decrypt(&ids, &ct, &format!("the secret of account {}", a.id))?;
        let fresh = crate::records::vault::encrypt(&recipients, &plain)?;
        accounts::set_secret(c, &a.id, &fresh, &names, &fmt_ts(c.now))?;
    }
    Ok(accounts.len())
}

/// Run a custodian subcommand.
pub fn run(ctx: &Ctx, cmd: CustodianCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        CustodianCmd::Add { recipient, label, identity } => {
            let identity = identity.or_else(|| crate::entry::home::identity(None, "--identity").ok());
            let rs = keys::recipient_arg(&recipient, "RECIPIENT")?.to_string();
            let n = reg.change(ctx.now, |c| {
                if !accounts::add_custodian(c, &rs, label.as_deref(), &fmt_ts(c.now))? {
                    return Err(Error::bad("RECIPIENT", "already a custodian"));
                }
                let n = reencrypt_all(c, identity.as_deref())?;
                c.audit(
                    "custodian.add",
                    &keys::fingerprint(rs.as_bytes()),
                    serde_json::json!({ "secrets_reencrypted": n }),
                )?;
                Ok(n)
            })?;
            let data = serde_json::json!({ "recipient": rs, "fingerprint": keys::fingerprint(rs.as_bytes()), "secrets_reencrypted": n });
            let text = format!(
                "custodian added ({}); {n} secret(s) re-encrypted to include them\n",
                keys::fingerprint(rs.as_bytes())
            );
            Ok(Outcome::new("custodian_change", data, text))
        }
        CustodianCmd::Remove { recipient, identity } => {
            let identity = identity.or_else(|| crate::entry::home::identity(None, "--identity").ok());
            let rs = keys::recipient_arg(&recipient, "RECIPIENT")?.to_string();
            let (n, tasks) = reg.change(ctx.now, |c| {
                if !accounts::remove_custodian(c, &rs, &fmt_ts(c.now))? {
                    return Err(Error::NotFound { kind: "custodian", id: keys::fingerprint(rs.as_bytes()) });
                }
                if accounts::custodians(c, true)?.is_empty() {
                    return Err(Error::bad("RECIPIENT", "this is the last custodian: add another before removing it"));
                }
                let n = reencrypt_all(c, identity.as_deref())?;
                let due = (c.now + chrono::Duration::days(ROTATION_DAYS)).date_naive().to_string();
                let mut tasks = 0;
                for a in accounts::accounts(c)?.into_iter().filter(accounts::Account::has_secret) {
                    let (_, new) = tasks::add_task(
                        c,
                        "rotate_account",
                        &a.id,
                        &format!("Rotate the {} account {} (password, recovery, 2FA, admins)", a.service, a.id),
                        "a custodian who could read its secret was removed",
                        &due,
                        &fmt_ts(c.now),
                    )?;
                    tasks += usize::from(new);
                }
                c.audit(
                    "custodian.remove",
                    &keys::fingerprint(rs.as_bytes()),
                    serde_json::json!({ "secrets_reencrypted": n, "rotation_tasks": tasks }),
                )?;
                Ok((n, tasks))
            })?;
            let data = serde_json::json!({ "recipient": rs, "fingerprint": keys::fingerprint(rs.as_bytes()), "secrets_reencrypted": n, "rotation_tasks": tasks });
            let mut o = Outcome::new(
                "custodian_change",
                data,
                format!(
                    "custodian removed; {n} secret(s) re-encrypted to the remaining custodians; {tasks} rotation task(s) created\n"
                ),
            );
            if n > 0 {
                o = o.note("the removed custodian may have kept copies of the secrets they could read: rotate every account (see `handover tasks list`)");
            }
            Ok(o)
        }
        CustodianCmd::List => {
            let list = accounts::custodians(&reg, false)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    vec![
                        c.fingerprint.clone(),
                        c.label.clone().unwrap_or_else(|| "-".into()),
                        c.added_at[..10].to_string(),
                        c.removed_at.as_ref().map_or("current".into(), |r| format!("removed {}", &r[..10])),
                        c.recipient.clone(),
                    ]
                })
                .collect();
            let text = table(&["FINGERPRINT", "LABEL", "ADDED", "STATE", "RECIPIENT"], &rows);
            Ok(Outcome::new("custodian_list", list, text))
        }
    }
}
