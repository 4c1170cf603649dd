//! `handover approver ...`: who may approve a transfer plan (minisign public keys), and the
//! separation of duties between approving and sending (see `register::approvers`).

use std::path::Path;

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::base::keys::{SigningKey, key_id};
use crate::domain::model::fmt_ts;
use crate::entry::cli::ApproverCmd;
use crate::entry::output::Outcome;
use crate::register::approvers::{self, Approver};
use crate::register::{Change, Db};

/// Refuse to sign `what` (a bundle, a receipt, a notification, a completion statement) with a
/// key that approves plans for this register: whoever approves does not also send.
pub(crate) fn refuse_approver_key(conn: &Db, key: &str, what: &str) -> Result<()> {
    if let Some(a) = approvers::current_with_key(conn, key)? {
        return Err(Error::bad(
            "--sign-key",
            format!(
                "key {key} is {}'s approver key: a {what} is signed with the sender's own key, never an approver's (whoever approves a transfer does not also send it); give the sender's key",
                a.name
            ),
        ));
    }
    Ok(())
}

/// Note, in the same change that records them, that this register signed `what` with `key`.
pub(crate) fn note_signed(c: &Change<'_>, key: &str, what: &str) -> Result<()> {
    approvers::note_signing_key(c, key, what, &fmt_ts(c.now))
}

/// The key a change to the approvers is signed with, refused before any passphrase is asked when
/// its public half beside it is not one that may sign the change.
fn signer(sign_key: &Path, allowed: &[(String, String)], why: &str) -> Result<SigningKey> {
    allowed_key(sign_key, allowed, &|id| Error::bad("--sign-key", format!("key {id} may not sign this change: {why}")))
}

/// A secret key that must be one of `allowed` (key id, public key): refused with `refuse` before
/// any passphrase is asked when the public half beside it is not, and again once it is loaded.
pub(super) fn allowed_key(
    sign_key: &Path,
    allowed: &[(String, String)],
    refuse: &dyn Fn(&str) -> Error,
) -> Result<SigningKey> {
    if let Some(pk) = super::receive::public_beside(sign_key) {
        let id = key_id(pk.keynum());
        if !allowed.iter().any(|(k, _)| *k == id) {
            return Err(refuse(&id));
        }
    }
    let key = SigningKey::load(sign_key)?;
    if !allowed.iter().any(|(k, p)| *k == key.key_id() && *p == key.public_base64()) {
        return Err(refuse(&key.key_id()));
    }
    Ok(key)
}

fn register_name(reg: &Db) -> String {
    crate::register::catalogue::self_controller(reg).map(|c| c.slug).unwrap_or_default()
}

/// Run an approver subcommand.
pub fn run(ctx: &Ctx, cmd: ApproverCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        ApproverCmd::Add { public_key, name, sign_key } => {
            if name.trim().is_empty() {
                return Err(Error::bad("--name", "give the approver's name"));
            }
            let pk = crate::base::keys::load_public_key(&public_key)?;
            let id = key_id(pk.keynum());
            let sender = |what: &str| {
                Error::bad(
                    "PUBLIC_KEY",
                    format!(
                        "key {id} {what}: a key that sends can never approve (separation of duties); the data protection lead makes a key of their own with `handover keys new --name dp-lead` and registers its .pub"
                    ),
                )
            };
            if let Some(what) = approvers::signed_papers(&reg, &id)? {
                return Err(sender(&format!("signed a {what} for this register")));
            }
            if crate::entry::home::own_public_key().is_some_and(|own| key_id(own.keynum()) == id) {
                return Err(sender("is this computer's own signing key (the keys folder's), which signs bundles"));
            }
            let current: Vec<Approver> = approvers::approvers(&reg)?.into_iter().filter(Approver::current).collect();
            let first = current.is_empty();
            let allowed: Vec<(String, String)> = if first {
                vec![(id.clone(), pk.to_base64())]
            } else {
                current.iter().map(|a| (a.key_id.clone(), a.public_key.clone())).collect()
            };
            let why = if first {
                format!("the first approver signs their own registration: give the secret half of key {id}")
            } else {
                format!(
                    "a new approver is added by a current approver ({}): give their secret key",
                    current.iter().map(|a| format!("{} {}", a.name, a.key_id)).collect::<Vec<_>>().join(", ")
                )
            };
            let key = signer(&sign_key, &allowed, &why)?;
            let at = fmt_ts(ctx.now);
            let text = approvers::change_text(&register_name(&reg), "add", &id, &pk.to_base64(), name.trim(), &at);
            let signature = key.sign(text.as_bytes(), &format!("approver {id} added by {}", key.key_id()))?;
            let a = Approver {
                key_id: id.clone(),
                public_key: pk.to_base64(),
                name: name.trim().to_string(),
                added_at: at,
                removed_at: None,
                added_by: Some(key.key_id()),
                removed_by: None,
                add_signature: Some(signature),
            };
            reg.change(ctx.now, |c| {
                if !approvers::add(c, &a)? {
                    return Err(Error::bad("PUBLIC_KEY", format!("key {} is an approver already", a.key_id)));
                }
                c.audit(
                    "approver.add",
                    &a.key_id,
                    serde_json::json!({ "name": a.name, "signed_by": a.added_by, "first": first }),
                )
            })?;
            let how = if first {
                "the first approver, registered with their own signature".to_string()
            } else {
                format!("added with the signature of key {}", key.key_id())
            };
            let text = format!(
                "{} may now approve plans with key {} (fingerprint {}): {how}\n",
                a.name,
                a.key_id,
                crate::base::keys::fingerprint(a.public_key.as_bytes())
            );
            Ok(Outcome::new("approver", a, text))
        }
        ApproverCmd::Remove { key_id: removed, sign_key } => {
            let removed = removed.trim().to_ascii_uppercase();
            let current: Vec<Approver> = approvers::approvers(&reg)?.into_iter().filter(Approver::current).collect();
            let Some(gone) = current.iter().find(|a| a.key_id == removed).cloned() else {
                return Err(Error::NotFound { kind: "approver", id: removed });
            };
            if current.len() == 1 {
                return Err(Error::bad(
                    "KEY_ID",
                    format!(
                        "{} is the only approver: register the next data protection lead first (`handover approver add PUBKEY --name NAME --sign-key KEY`, signed by {}), then remove this one",
                        gone.name, gone.name
                    ),
                ));
            }
            let allowed: Vec<(String, String)> =
                current.iter().map(|a| (a.key_id.clone(), a.public_key.clone())).collect();
            let key = signer(&sign_key, &allowed, "an approver is removed with a current approver's signature")?;
            let at = fmt_ts(ctx.now);
            let text =
                approvers::change_text(&register_name(&reg), "remove", &removed, &gone.public_key, &gone.name, &at);
            let signature = key.sign(text.as_bytes(), &format!("approver {removed} removed by {}", key.key_id()))?;
            reg.change(ctx.now, |c| {
                if !approvers::remove(c, &removed, &at, &key.key_id(), &signature)? {
                    return Err(Error::NotFound { kind: "approver", id: removed.clone() });
                }
                c.audit("approver.remove", &removed, serde_json::json!({ "signed_by": key.key_id() }))
            })?;
            let a = approvers::approvers(&reg)?.into_iter().find(|a| a.key_id == removed);
            Ok(Outcome::new(
                "approver",
                a,
                format!(
                    "key {removed} may no longer approve plans (removed with the signature of key {})\n",
                    key.key_id()
                ),
            ))
        }
        ApproverCmd::List => {
            let list = approvers::approvers(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.key_id.clone(),
                        a.name.clone(),
                        a.added_at[..10].to_string(),
                        match &a.added_by {
                            Some(k) if *k == a.key_id => "own signature".into(),
                            Some(k) => k.clone(),
                            None => "unsigned (before 2026-12)".into(),
                        },
                        a.removed_at.as_ref().map_or_else(|| "-".into(), |r| r[..10].to_string()),
                    ]
                })
                .collect();
            Ok(Outcome::new(
                "approver_list",
                list.clone(),
                table(&["KEY ID", "NAME", "ADDED", "ADDED BY", "REMOVED"], &rows),
            ))
        }
    }
}
