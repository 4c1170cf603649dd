//! Transfers: plan approvals, transfers made and received, the people each carried.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Change, Db, Stored};
use crate::base::error::Result;
use crate::domain::model::{Direction, TransferId, TransferState};

/// An approval of a plan, signed by an approver over the plan's digest and the digest of every
/// value the bundle will carry.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The plan's digest (its decisions).
    pub digest: String,
    /// The approver's name, as registered with `approver add`.
    pub approver: String,
    pub approved_at: String,
    /// The digest of every value the bundle carries (`bundle::values`); `None` in an approval
    /// made before approvals were signed.
    pub values_digest: Option<String>,
    pub signer_key_id: Option<String>,
    /// The approver's minisign public key (RW…).
    pub public_key: Option<String>,
    /// The minisign signature of [`Approval::signed_text`].
    pub signature: Option<String>,
    /// The id of the one bundle this approval is for (`None` in an approval made before approvals
    /// named their bundle: such an approval makes no bundle).
    #[serde(default)]
    pub bundle_id: Option<String>,
}

impl Approval {
    /// The canonical text the approver signs: who approved what, for which transfer.
    pub fn signed_text(&self, from: &str, to: &str) -> String {
        serde_json::json!({
            "format": "handover-approval", "format_version": 1, "from": from, "to": to,
            "plan_digest": self.digest, "values_digest": self.values_digest, "approver": self.approver,
            "approved_at": self.approved_at, "bundle_id": self.bundle_id,
        })
        .to_string()
    }

    /// Whether it is signed, and the signature verifies with its public key.
    pub fn signature_holds(&self, from: &str, to: &str) -> bool {
        let (Some(pk), Some(sig)) = (&self.public_key, &self.signature) else { return false };
        // Only the key string itself: never a path (an approval may come from a bundle).
        let Ok(pk) = minisign::PublicKey::from_base64(pk.trim()) else { return false };
        crate::base::keys::verify(&pk, sig, self.signed_text(from, to).as_bytes()).is_ok()
    }
}

/// Record an approval.
pub fn insert_approval(conn: &Change<'_>, controller: &str, a: &Approval) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO approvals(id, controller, digest, approver, approved_at, values_digest, signer_key_id, public_key, signature, bundle_id)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    )?
    .execute(params![
        crate::domain::model::new_id("apr"),
        controller,
        a.digest,
        a.approver,
        a.approved_at,
        a.values_digest,
        a.signer_key_id,
        a.public_key,
        a.signature,
        a.bundle_id
    ])?;
    Ok(())
}

/// The latest approval for a controller.
pub fn latest_approval(conn: &Db, controller: &str) -> Result<Option<Approval>> {
    Ok(conn
        .prepare_cached(
            "SELECT digest, approver, approved_at, values_digest, signer_key_id, public_key, signature, bundle_id FROM approvals
             WHERE controller = ?1 ORDER BY approved_at DESC, rowid DESC LIMIT 1",
        )?
        .query_row([controller], |r| {
            Ok(Approval {
                digest: r.get(0)?,
                approver: r.get(1)?,
                approved_at: r.get(2)?,
                values_digest: r.get(3)?,
                signer_key_id: r.get(4)?,
                public_key: r.get(5)?,
                signature: r.get(6)?,
                bundle_id: r.get(7)?,
            })
        })
        .optional()?)
}

/// A transfer made from this register.
#[derive(Debug, Clone, Serialize)]
pub struct Transfer {
    pub id: TransferId,
    pub controller: String,
    pub name: String,
    pub state: TransferState,
    pub created_at: String,
    pub plan_digest: String,
    pub ciphertext_sha256: String,
    pub signer_key_id: String,
    pub recipients: Vec<String>,
    pub counts: serde_json::Value,
}

/// Record a transfer.
pub fn insert_transfer(conn: &Change<'_>, t: &Transfer) -> Result<()> {
    conn.prepare_cached("INSERT INTO transfers(id, controller, name, state, created_at, plan_digest, ciphertext_sha256, signer_key_id, recipients, counts)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")?.execute(params![
            t.id,
            t.controller,
            t.name,
            t.state,
            t.created_at,
            t.plan_digest,
            t.ciphertext_sha256,
            t.signer_key_id,
            serde_json::to_string(&t.recipients).unwrap_or_default(),
            t.counts.to_string()
        ],
    )?;
    Ok(())
}

/// A transfer by its bundle id.
pub fn transfer(conn: &Db, id: &str) -> Result<Option<Transfer>> {
    Ok(conn
        .prepare_cached("SELECT id, controller, name, state, created_at, plan_digest, ciphertext_sha256, signer_key_id, recipients, counts FROM transfers WHERE id = ?1")?.query_row([id],
            |r| {
                Ok(Transfer {
                    id: r.get(0)?,
                    controller: r.get(1)?,
                    name: r.get(2)?,
                    state: r.get(3)?,
                    created_at: r.get(4)?,
                    plan_digest: r.get(5)?,
                    ciphertext_sha256: r.get(6)?,
                    signer_key_id: r.get(7)?,
                    recipients: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
                    counts: serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default(),
                })
            },
        )
        .optional()?)
}

/// A transfer as the data protection lead sees it: the record, whether it went stale, its
/// wind-down date, how many people went, and its open Art 19 notifications.
#[derive(Debug, Clone, Serialize)]
pub struct TransferView {
    #[serde(flatten)]
    pub transfer: Transfer,
    /// `sent` from this register, or `received` into it (the other party is `controller`).
    pub direction: Direction,
    pub stale: bool,
    pub delete_after: Option<String>,
    pub closed_at: Option<String>,
    /// When the receipt arrived (at the receiver: when the bundle was imported).
    pub receipt_at: Option<String>,
    /// When the rotation statement completed it.
    pub completed_at: Option<String>,
    /// When it was voided (a bundle made by mistake: not counted as a transfer), and why.
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
    /// People who went (sent), or who came (received).
    pub people: i64,
    pub art19_open: i64,
}

/// Every transfer, newest first.
pub fn transfers(conn: &Db) -> Result<Vec<TransferView>> {
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM transfers ORDER BY created_at DESC, id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|id| transfer_view(conn, id)).collect()
}

/// One transfer, with what the data protection lead needs beside it.
pub fn transfer_view(conn: &Db, id: &str) -> Result<TransferView> {
    let t = transfer(conn, id)?
        .ok_or_else(|| crate::base::error::Error::NotFound { kind: "transfer", id: id.to_string() })?;
    type Row = (i64, Option<String>, Option<String>, String, [Option<String>; 4]);
    let (stale, delete_after, closed_at, direction, [receipt_at, completed_at, voided_at, void_reason]): Row = conn
        .prepare_cached(
            "SELECT stale, delete_after, closed_at, direction, receipt_at, completed_at, voided_at, void_reason FROM transfers WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?]))
        })?;
    // The receiver holds no list of who came in a transfer: the bundle's count says.
    let direction: Direction = Stored { table: "transfers", row: id }.code("direction", &direction)?;
    let people = if direction == Direction::Received {
        t.counts["register"].as_i64().unwrap_or(0)
    } else {
        conn.prepare_cached("SELECT COUNT(*) FROM transfer_people WHERE transfer_id = ?1")?
            .query_row([id], |r| r.get(0))?
    };
    let art19_open = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM tasks WHERE kind = 'art19_notify' AND done_at IS NULL AND subject LIKE ?1 || ':%'",
        )?
        .query_row([id], |r| r.get(0))?;
    Ok(TransferView {
        transfer: t,
        direction,
        stale: stale != 0,
        delete_after,
        closed_at,
        receipt_at,
        completed_at,
        voided_at,
        void_reason,
        people,
        art19_open,
    })
}

/// Whether a transfer was sent from this register (not received into it).
pub fn sent(conn: &Db, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT direction = 'sent' FROM transfers WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

/// Record a bundle received into this register (the sender is `t.controller`).
pub fn insert_received(conn: &Change<'_>, t: &Transfer) -> Result<()> {
    insert_transfer(conn, t)?;
    conn.prepare_cached("UPDATE transfers SET direction = 'received' WHERE id = ?1")?.execute([&t.id])?;
    Ok(())
}

/// Move a transfer to a new state.
pub fn set_transfer_state(conn: &Change<'_>, id: &str, state: TransferState) -> Result<()> {
    conn.prepare_cached("UPDATE transfers SET state = ?2 WHERE id = ?1")?.execute(params![id, state])?;
    Ok(())
}

/// Record when the receipt arrived, unless it was recorded before (a receipt that comes after
/// the rotation statement is still recorded). Returns whether it was new.
pub fn set_receipt_at(conn: &Change<'_>, id: &str, at: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE transfers SET receipt_at = ?2 WHERE id = ?1 AND receipt_at IS NULL")?
        .execute(params![id, at])?
        > 0)
}

/// Record when the rotation statement completed the transfer, unless recorded before.
pub fn set_completed_at(conn: &Change<'_>, id: &str, at: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE transfers SET completed_at = ?2 WHERE id = ?1 AND completed_at IS NULL")?
        .execute(params![id, at])?
        > 0)
}

/// Void a bundle made by mistake: it is not counted as a transfer, and changes to its people owe
/// its receiver nothing.
pub fn void_transfer(conn: &Change<'_>, id: &str, at: &str, reason: &str) -> Result<()> {
    conn.prepare_cached("UPDATE transfers SET voided_at = ?2, void_reason = ?3, stale = 0 WHERE id = ?1")?
        .execute(params![id, at, reason])?;
    conn.prepare_cached("DELETE FROM art19_changes WHERE transfer_id = ?1 AND notified_in IS NULL")?.execute([id])?;
    Ok(())
}

/// Record who went in a transfer.
pub fn add_transfer_people(
    conn: &Change<'_>,
    transfer_id: &str,
    people: &[(crate::domain::model::PersonId, String)],
) -> Result<()> {
    let mut st =
        conn.prepare("INSERT OR IGNORE INTO transfer_people(transfer_id, person_id, ref) VALUES (?1, ?2, ?3)")?;
    for (p, reference) in people {
        st.execute(params![transfer_id, p, reference])?;
    }
    Ok(())
}

/// Close a completed transfer: the day its wind-down is due.
pub fn close_transfer(c: &Change<'_>, id: &str, delete_after: &str) -> Result<()> {
    c.execute(
        "UPDATE transfers SET delete_after = ?2, closed_at = ?3 WHERE id = ?1",
        params![id, delete_after, crate::domain::model::fmt_ts(c.now)],
    )?;
    Ok(())
}

/// A change after a transfer that the receiver must be told of (Art 19, R11).
#[derive(Debug, Clone)]
pub struct Change19<'a> {
    /// withdrawal, erasure, rectification, restriction or objection.
    pub what: &'static str,
    /// The purpose it concerns (a withdrawal, objection or restriction).
    pub purpose: Option<&'a str>,
    /// The controllers the person's words named (empty: everyone).
    pub controllers: &'a [String],
    /// A rectification: the carried fields changed, with their new values.
    pub fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// When the person said it (a withdrawal's or objection's own time); `None`: now.
    pub at: Option<DateTime<Utc>>,
}

/// Whether a change concerns what a transfer to `receiver` carried: the register entry (its
/// carried fields, the consent history of the purposes that concern the receiver) and the
/// mailing list. A withdrawal of a consent only the sender relied on (photos, say), or the edit
/// of a note that never travels, concerns nothing the receiver holds.
fn relevant(c: &Change19<'_>, receiver: &str, own: &str) -> bool {
    let names = |x: &str| c.controllers.is_empty() || c.controllers.iter().any(|y| y == x);
    match c.what {
        "erasure" | "restriction" => true,
        "rectification" => c.fields.as_ref().is_some_and(|f| !f.is_empty()),
        _ => match c.purpose {
            Some("disclose_to_successor" | "successor_newsletter" | "newsletter") => names(receiver) || names(own),
            Some(_) => names(receiver),
            None => true,
        },
    }
}

/// After a transfer, a withdrawal, erasure, rectification, restriction or objection for a person
/// who went in it must be passed on to the receiver (Art 19, R11) when it concerns what the
/// receiver holds: each is recorded for `transfer notify`, with one task per transfer and person
/// naming them as the receiver knows them (their reference in the bundle), and a transfer not yet
/// complete is marked stale. Returns how many tasks were created.
pub fn art19(conn: &Change<'_>, person_id: &str, change: &Change19<'_>, now: DateTime<Utc>) -> Result<usize> {
    let mut st = conn.prepare_cached(
        "SELECT t.id, t.controller, t.state, COALESCE(p.ref, p.person_id) FROM transfers t
         JOIN transfer_people p ON p.transfer_id = t.id WHERE p.person_id = ?1 AND t.voided_at IS NULL",
    )?;
    let rows: Vec<(String, String, TransferState, String)> =
        st.query_map([person_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?;
    if rows.is_empty() {
        // Nobody was given this person's data (an import asks for every withdrawal it records).
        return Ok(0);
    }
    let own = super::catalogue::self_controller(conn)?.slug;
    let mut n = 0;
    for (tid, controller, state, reference) in rows {
        if !relevant(change, &controller, &own) {
            continue;
        }
        conn.prepare_cached(
            "INSERT INTO art19_changes(id, transfer_id, person_id, ref, what, purpose, detail, at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
        )?
        .execute(params![
            crate::domain::model::new_id("a19"),
            tid,
            person_id,
            reference,
            change.what,
            change.purpose,
            change.fields.as_ref().map(|f| serde_json::Value::Object(f.clone()).to_string()),
            crate::domain::model::fmt_ts(change.at.unwrap_or(now))
        ])?;
        let (_, new) = super::tasks::add_task(
            conn,
            "art19_notify",
            &format!("{tid}:{reference}:{}", change.what),
            &format!(
                "Tell {controller} about the {} for {reference} (their entry from bundle {tid}): `handover transfer notify --to {controller} --sign-key KEY --out DIR` (Art 19)",
                change.what
            ),
            "Art 19: recipients must be told of rectification, erasure or restriction (and withdrawal and objection) unless impossible or disproportionate",
            &(now + chrono::Duration::days(7)).date_naive().to_string(),
            &crate::domain::model::fmt_ts(now),
        )?;
        n += usize::from(new);
        if state != TransferState::Complete {
            conn.prepare_cached("UPDATE transfers SET stale = 1 WHERE id = ?1")?.execute([&tid])?;
        }
    }
    Ok(n)
}

/// A change owed to a receiver, as `transfer notify` sends it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Owed {
    #[serde(skip_serializing, default)]
    pub id: String,
    pub bundle_id: String,
    /// The person's reference as the bundle carried it.
    #[serde(rename = "ref")]
    pub reference: String,
    pub what: String,
    pub purpose: Option<String>,
    /// A rectification's new values of the carried fields.
    pub fields: Option<serde_json::Value>,
    pub at: String,
}

/// The changes not yet sent to a receiver, oldest first.
pub fn owed(conn: &Db, receiver: &str) -> Result<Vec<Owed>> {
    let mut st = conn.prepare(
        "SELECT a.id, a.transfer_id, a.ref, a.what, a.purpose, a.detail, a.at FROM art19_changes a
         JOIN transfers t ON t.id = a.transfer_id WHERE t.controller = ?1 AND t.direction = 'sent' AND a.notified_in IS NULL
         ORDER BY a.at, a.rowid",
    )?;
    Ok(st
        .query_map([receiver], |r| {
            Ok(Owed {
                id: r.get(0)?,
                bundle_id: r.get(1)?,
                reference: r.get(2)?,
                what: r.get(3)?,
                purpose: r.get(4)?,
                fields: r.get::<_, Option<String>>(5)?.and_then(|d| serde_json::from_str(&d).ok()),
                at: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Mark changes sent in a notification, and close the tasks they answer.
pub fn mark_notified(conn: &Change<'_>, owed: &[Owed], notification: &str, at: &str, by: &str) -> Result<usize> {
    let mut closed = 0;
    for o in owed {
        conn.prepare_cached("UPDATE art19_changes SET notified_in = ?2 WHERE id = ?1")?
            .execute([&o.id, notification])?;
        closed += conn
            .prepare_cached(
                "UPDATE tasks SET done_at = ?2, done_by = ?3 WHERE kind = 'art19_notify' AND subject = ?1 AND done_at IS NULL",
            )?
            .execute(params![format!("{}:{}:{}", o.bundle_id, o.reference, o.what), at, by])?;
    }
    Ok(closed)
}

/// The transfers that carried a person: (transfer id, receiving controller's slug and name, when).
pub fn person_transfers(conn: &Db, person_id: &str) -> Result<Vec<(String, String, String, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT t.id, t.controller, COALESCE(c.name, t.controller), t.created_at FROM transfer_people tp
         JOIN transfers t ON t.id = tp.transfer_id LEFT JOIN controllers c ON c.slug = t.controller
         WHERE tp.person_id = ?1 AND t.voided_at IS NULL ORDER BY t.created_at",
    )?;
    Ok(st
        .query_map([person_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?)
}
