//! Who may approve a plan, and the keys that may never: separation of duties.
//!
//! An approver is a registered minisign public key (the data protection lead's). Every change to
//! the approvers is signed: the first approver by their own key (the data protection lead proves
//! they hold it), every later addition or removal by a current approver's key, and the signature
//! is kept beside the change. A key this register has signed with (a bundle and the checkpoint it
//! carries, an audit checkpoint, a receipt, an Art 19 notification, a completion statement) is
//! kept in `signing_keys` and can never become an approver; an approver's key is refused for
//! those (R27). So whoever sends cannot also approve what is sent.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Change, Db};
use crate::base::error::Result;

/// Someone who may approve a plan: a registered minisign public key.
#[derive(Debug, Clone, Serialize)]
pub struct Approver {
    pub key_id: String,
    pub public_key: String,
    pub name: String,
    pub added_at: String,
    pub removed_at: Option<String>,
    /// The key id that signed the addition (their own for the first approver); `None` for an
    /// approver registered before additions were signed.
    pub added_by: Option<String>,
    /// The key id that signed the removal.
    pub removed_by: Option<String>,
    #[serde(skip)]
    pub add_signature: Option<String>,
}

impl Approver {
    /// Whether the approver may approve today.
    pub fn current(&self) -> bool {
        self.removed_at.is_none()
    }
}

/// The canonical text a change to the approvers is signed over.
pub fn change_text(register: &str, change: &str, key_id: &str, public_key: &str, name: &str, at: &str) -> String {
    serde_json::json!({
        "format": "handover-approver-change", "register": register, "change": change, "key_id": key_id,
        "public_key": public_key, "name": name, "at": at,
    })
    .to_string()
}

/// Register an approver (or re-admit a removed one), with who signed the addition.
pub fn add(conn: &Change<'_>, a: &Approver) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO approvers(key_id, public_key, name, added_at, added_by, add_signature) VALUES (?1,?2,?3,?4,?5,?6)
             ON CONFLICT(key_id) DO UPDATE SET removed_at = NULL, removed_by = NULL, remove_signature = NULL,
                 name = excluded.name, added_at = excluded.added_at, added_by = excluded.added_by,
                 add_signature = excluded.add_signature
             WHERE removed_at IS NOT NULL",
        )?
        .execute(params![a.key_id, a.public_key, a.name, a.added_at, a.added_by, a.add_signature])?
        == 1)
}

/// Mark an approver removed, with who signed the removal.
pub fn remove(conn: &Change<'_>, key_id: &str, at: &str, by: &str, signature: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE approvers SET removed_at = ?2, removed_by = ?3, remove_signature = ?4
             WHERE key_id = ?1 AND removed_at IS NULL",
        )?
        .execute(params![key_id, at, by, signature])?
        == 1)
}

/// Every approver (current ones first).
pub fn approvers(conn: &Db) -> Result<Vec<Approver>> {
    let mut st = conn.prepare_cached(
        "SELECT key_id, public_key, name, added_at, removed_at, added_by, removed_by, add_signature FROM approvers
         ORDER BY removed_at IS NOT NULL, added_at",
    )?;
    Ok(st
        .query_map([], |r| {
            Ok(Approver {
                key_id: r.get(0)?,
                public_key: r.get(1)?,
                name: r.get(2)?,
                added_at: r.get(3)?,
                removed_at: r.get(4)?,
                added_by: r.get(5)?,
                removed_by: r.get(6)?,
                add_signature: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The current approver holding a key, if one does.
pub fn current_with_key(conn: &Db, key_id: &str) -> Result<Option<Approver>> {
    Ok(approvers(conn)?.into_iter().find(|a| a.current() && a.key_id == key_id))
}

/// The approvers whose signature counts today: current, and never a key this register signed a
/// transfer's papers with.
pub fn may_approve(conn: &Db) -> Result<Vec<Approver>> {
    let mut out = Vec::new();
    for a in approvers(conn)? {
        if a.current() && signed_papers(conn, &a.key_id)?.is_none() {
            out.push(a);
        }
    }
    Ok(out)
}

/// What the papers a key signed for this register are, if it signed any: `bundle`, `checkpoint`,
/// `receipt`, `notification` or `completion` (the first it signed).
pub fn signed_papers(conn: &Db, key_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT first_use FROM signing_keys WHERE key_id = ?1")?
        .query_row([key_id], |r| r.get(0))
        .optional()?)
}

/// Note that this register signed `what` with a key (kept from its first use).
pub fn note_signing_key(conn: &Change<'_>, key_id: &str, what: &str, at: &str) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO signing_keys(key_id, first_use, first_at) VALUES (?1,?2,?3)")?
        .execute(params![key_id, what, at])?;
    Ok(())
}
