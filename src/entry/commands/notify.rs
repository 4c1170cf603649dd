//! Art 19 after a transfer: `transfer notify` writes the sender's signed notification of the
//! changes owed to a receiver; `notification apply` checks it and applies it at the receiver.

use std::path::Path;

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::domain::consent::ConsentEvent;
use crate::domain::model::{ConsentAction, fmt_ts};
use crate::entry::cli::NotificationCmd;
use crate::entry::output::Outcome;
use crate::register::transfers::{self, Owed};
use crate::register::{catalogue, evidence, imports, people};

/// The notification's format name.
const FORMAT: &str = "handover-notification";

/// A signed notification: who tells whom what.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Notification {
    format: String,
    format_version: u32,
    id: String,
    from: String,
    to: String,
    created_at: String,
    signer_key_id: String,
    /// Its number among the sender's notifications to this receiver, from 1 (applied in order).
    sequence: u64,
    changes: Vec<Owed>,
}

/// `transfer notify --to SLUG --sign-key KEY --out DIR`.
pub fn notify(
    ctx: &Ctx,
    reg: &mut crate::register::Register,
    to: &str,
    sign_key: &Path,
    out: &Path,
) -> Result<Outcome> {
    if catalogue::controller(reg, to)?.is_none() {
        return Err(Error::NotFound { kind: "controller", id: to.to_string() });
    }
    let owed = transfers::owed(reg, to)?;
    if owed.is_empty() {
        return Err(Error::bad(
            "--to",
            format!("nothing is owed to {to}: no change since its bundles concerns what it holds"),
        ));
    }
    let key = crate::base::keys::SigningKey::load(sign_key)?;
    super::approver::refuse_approver_key(reg, &key.key_id(), "notification")?;
    let n = Notification {
        format: FORMAT.into(),
        format_version: 1,
        id: crate::domain::model::new_id("ntf"),
        from: catalogue::self_controller(reg)?.slug,
        to: to.to_string(),
        created_at: fmt_ts(ctx.now),
        signer_key_id: key.key_id(),
        sequence: crate::register::audit::count_with(reg, "transfer.notify", "to", to)? + 1,
        changes: owed.clone(),
    };
    let bytes = serde_json::to_vec_pretty(&n).map_err(|e| Error::Internal(e.to_string()))?;
    let sig = key.sign(&bytes[..], &format!("Art 19 notification {} from {} to {to}", n.id, n.from))?;
    std::fs::create_dir_all(out).map_err(|e| Error::io("create the folder", out, e))?;
    let file = out.join(format!("{}.notification.json", n.id));
    // It names people and may carry corrected details: owner-only, never overwritten.
    let mut staged = crate::base::staged::Staged::new();
    staged.write(&file, 0o600, &bytes)?;
    staged.write(&out.join(format!("{}.notification.json.minisig", n.id)), 0o644, sig.as_bytes())?;
    let closed = reg.change(ctx.now, |c| {
        let closed = transfers::mark_notified(c, &owed, &n.id, &fmt_ts(c.now), c.actor)?;
        super::approver::note_signed(c, &n.signer_key_id, "notification")?;
        c.audit(
            "transfer.notify",
            &n.id,
            serde_json::json!({ "to": to, "changes": owed.len(), "tasks_closed": closed }),
        )?;
        Ok(closed)
    })?;
    staged.publish()?;
    let text = format!(
        "wrote {} (+ .minisig): {} change(s) for {to}; {closed} Art 19 task(s) closed. Send both files to {to}: they apply it with `handover notification apply`\n",
        file.display(),
        owed.len()
    );
    Ok(Outcome::new(
        "notification_written",
        serde_json::json!({ "id": n.id, "to": to, "file": file.display().to_string(), "changes": owed.len(), "tasks_closed": closed }),
        text,
    ))
}

/// `notification apply FILE --signer KEY`.
pub fn apply(ctx: &Ctx, cmd: NotificationCmd) -> Result<Outcome> {
    let NotificationCmd::Apply { file, signer } = cmd;
    let pk = crate::base::keys::load_public_key(&signer)?;
    let bytes = std::fs::read(&file).map_err(|e| Error::io("read", &file, e))?;
    let sig_path = Path::new(&format!("{}.minisig", file.display())).to_path_buf();
    let sig = std::fs::read_to_string(&sig_path).map_err(|e| Error::io("read", &sig_path, e))?;
    let refused = |why: String| Error::NotificationRefused { why };
    crate::base::keys::verify(&pk, &sig, &bytes[..]).map_err(|e| refused(e.to_string()))?;
    let n: Notification =
        serde_json::from_slice(&bytes).map_err(|e| refused(format!("it is not a handover notification ({e})")))?;
    if n.format != FORMAT || n.format_version != 1 {
        return Err(refused("it is not a handover notification this version reads".into()));
    }
    let mut reg = ctx.open()?;
    let own = catalogue::self_controller(&reg)?;
    if n.to != own.slug {
        return Err(refused(format!("it is for {}, and this register is {}'s", n.to, own.slug)));
    }
    // Only the key the sender's bundles came signed with speaks for it.
    let pinned: Vec<String> = transfers::transfers(&reg)?
        .into_iter()
        .filter(|t| t.direction == crate::domain::model::Direction::Received && t.transfer.controller == n.from)
        .map(|t| t.transfer.signer_key_id)
        .collect();
    let key_id = crate::base::keys::key_id(pk.keynum());
    if !pinned.contains(&key_id) {
        return Err(refused(if pinned.is_empty() {
            format!(
                "this register received no bundle from {}: a notification is applied only from a sender it received people from",
                n.from
            )
        } else {
            format!(
                "it is signed by key {key_id}, not by the key {}'s bundles were signed with ({}): ask them which key they sign with",
                n.from,
                pinned.join(", ")
            )
        }));
    }
    let mut applied: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut not_held = 0;
    let mut not_taken: Vec<String> = Vec::new();
    let mut staged = crate::base::staged::Staged::new();
    let mut documents = super::erasure::DocumentsErased::default();
    reg.change(ctx.now, |c| {
        // In order and once each: checked inside the change, so two applies take turns.
        if imports::import_seen(c, &n.id)?.is_some() {
            return Err(refused(format!("notification {} was applied once already", n.id)));
        }
        let expected = imports::notifications_applied(c, &n.from)? + 1;
        if n.sequence < expected {
            return Err(refused(format!(
                "it is notification {} from {}, and number {} is due: it was applied already, or a newer one replaced what it says",
                n.sequence,
                n.from,
                expected
            )));
        }
        if n.sequence > expected {
            return Err(refused(format!(
                "it is notification {} from {}, and number {expected} has not been applied yet: apply the notifications in order (ask {} for number {expected} if you do not have it)",
                n.sequence, n.from, n.from
            )));
        }
        let source = format!("notification {} from {}", n.id, n.from);
        for ch in &n.changes {
            let Some(pid) = people::received_ref(c, &n.from, &ch.reference)? else {
                not_held += 1;
                continue;
            };
            let Some(person) = people::person(c, pid.as_str())?.filter(|p| p.erased_at.is_none()) else {
                not_held += 1;
                continue;
            };
            let at = crate::domain::model::parse_timestamp(&ch.at).unwrap_or(c.now);
            let known_purpose = |p: &Option<String>| -> Result<Option<String>> {
                Ok(p.clone().filter(|p| catalogue::purpose(c, p).ok().flatten().is_some()))
            };
            match ch.what.as_str() {
                "withdrawal" => {
                    let Some(purpose) = known_purpose(&ch.purpose)? else { continue };
                    let e = ConsentEvent {
                        action: ConsentAction::Withdraw,
                        ..ConsentEvent::self_grant(&purpose, vec![own.slug.clone()], at, source.clone())
                    };
                    evidence::insert_consent(c, &person.id, &e, &format!("notification:{}", n.id), c.now)?;
                }
                "objection" | "restriction" => {
                    let Some(purpose) = known_purpose(&ch.purpose)? else { continue };
                    let mut b = evidence::BasisEvent {
                        id: crate::domain::model::new_id("bas"),
                        person_id: person.id.clone(),
                        person_ref: person.reference.clone(),
                        purpose,
                        action: if ch.what == "objection" {
                            crate::domain::model::BasisAction::Object
                        } else {
                            crate::domain::model::BasisAction::Restrict
                        },
                        basis: None,
                        controllers: vec![own.slug.clone()],
                        assessment_ref: None,
                        decided_by: source.clone(),
                        decided_at: fmt_ts(at),
                    };
                    evidence::insert_basis(c, &mut b, c.now)?;
                }
                "rectification" => {
                    let fields = ch.fields.as_ref().and_then(|f| f.as_object()).cloned().unwrap_or_default();
                    let current = crate::domain::people::RawPerson::of(&person.reference, &person.details);
                    let raw = crate::domain::people::RawPerson::from_fn(|col| {
                        match fields.get(col).and_then(|v| v.as_str()) {
                            Some(v) => v.to_string(),
                            None => current.get(col).to_string(),
                        }
                    });
                    let f = crate::domain::people::validate(&raw).map_err(|ps| {
                        Error::bad(
                            "FILE",
                            format!(
                                "notification refused: a correction for {} is not valid ({})",
                                ch.reference,
                                ps.iter().map(|(k, m)| format!("{k}: {m}")).collect::<Vec<_>>().join("; ")
                            ),
                        )
                    })?;
                    // A correction never brings back an address this register erased or keeps off
                    // its lists, nor takes another person's.
                    if let Some(norm) = f.details.email.as_deref().map(crate::domain::model::normalise_email)
                        && person.email_norm.as_deref() != Some(norm.as_str())
                    {
                        let why = if let Some(other) =
                            people::person_by_email(c, &norm)?.filter(|o| o.id != person.id)
                        {
                            Some(format!(
                                "the correction gives {} the email address of another person here ({}): ask {} to check it",
                                ch.reference, other.reference, n.from
                            ))
                        } else if crate::register::suppression::Suppression::new(c)?.check(c, &norm)?.is_some() {
                            Some(format!(
                                "the correction gives {} an address this register erased or keeps off every list: it is not taken back",
                                ch.reference
                            ))
                        } else {
                            None
                        };
                        if let Some(why) = why {
                            // Not taken, and said; the rest of the notification applies, in order.
                            not_taken.push(why);
                            *applied.entry("rectification_not_taken").or_default() += 1;
                            continue;
                        }
                    }
                    let mut updated = person.clone();
                    updated.details = f.details.clone();
                    people::update_person(c, &updated)?;
                }
                "erasure" => {
                    // Art 19 tells the recipient; it does not decide for it. A person who has
                    // given this register a consent directly since the erasure is its own
                    // relationship: kept, with a task for the group to decide.
                    let direct_since = evidence::consents(c, Some(&person.id), None)?.into_iter().any(|e| {
                        e.event.action == ConsentAction::Grant
                            && e.event.at > at
                            && e.event.controllers.contains(&own.slug)
                            && !e.source.starts_with("bundle:")
                            && !e.source.starts_with("notification:")
                    });
                    if direct_since {
                        crate::register::tasks::add_task(
                            c,
                            "art19_decide",
                            person.id.as_str(),
                            &format!(
                                "{} asked {} to be erased on {}, but has given you a consent directly since: decide whether to erase them (`handover person erase {} --reason TEXT`) or keep them",
                                n.from,
                                person.reference,
                                &ch.at[..ch.at.len().min(10)],
                                person.reference
                            ),
                            "Art 19 tells you of the erasure; the person's later word to you is yours to weigh",
                            &(c.now + chrono::Duration::days(30)).date_naive().to_string(),
                            &fmt_ts(c.now),
                        )?;
                        *applied.entry("erasure_held_for_you").or_default() += 1;
                        continue;
                    }
                    let (_, docs) = super::erasure::erase(
                        c,
                        &person,
                        &format!("erasure told by {} (Art 19, notification {})", n.from, n.id),
                        &mut staged,
                    )?;
                    documents.rewritten += docs.rewritten;
                    documents.to_check += docs.to_check;
                }
                other => {
                    return Err(refused(format!("it asks for '{other}', which is not a change this version applies")));
                }
            }
            *applied
                .entry(match ch.what.as_str() {
                    "withdrawal" => "withdrawal",
                    "objection" => "objection",
                    "restriction" => "restriction",
                    "rectification" => "rectification",
                    _ => "erasure",
                })
                .or_default() += 1;
        }
        imports::record_import(
            c,
            &n.id,
            "notification",
            &n.id,
            &serde_json::json!({ "from": n.from, "changes": n.changes.len(), "sequence": n.sequence }),
            c.now,
        )?;
        c.audit(
            "notification.apply",
            &n.id,
            serde_json::json!({ "from": n.from, "applied": applied, "not_held": not_held, "documents": documents }),
        )
    })?;
    staged.replace()?;
    let mut text = format!("notification {} from {} applied:", n.id, n.from);
    for (k, v) in &applied {
        text.push_str(&format!(" {v} {k}(s);"));
    }
    text.push_str(&format!(" {not_held} about people this register does not hold\n"));
    for why in &not_taken {
        text.push_str(&format!("  not taken: {why}\n"));
    }
    if documents.rewritten > 0 {
        text.push_str(&format!("  erased people taken out of {} received document(s)\n", documents.rewritten));
    }
    if documents.to_check > 0 {
        text.push_str(&format!(
            "  {} received document(s) cannot be redacted by the tool: a task names them to check by hand\n",
            documents.to_check
        ));
    }
    Ok(Outcome::new(
        "notification_applied",
        serde_json::json!({ "id": n.id, "from": n.from, "applied": applied, "not_held": not_held, "documents": documents }),
        text,
    ))
}
