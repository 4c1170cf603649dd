//! Typed queries for documents, their reviews, and plan approvals.

use super::{Change, Db};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Error, Result};

/// A document registered for transfer.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: String,
    pub path: String,
    pub file_name: String,
    pub category: String,
    pub classification: String,
    pub format: String,
    pub sha256: String,
    pub size: i64,
    pub added_at: String,
}

fn doc_row(r: &Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        path: r.get(1)?,
        file_name: r.get(2)?,
        category: r.get(3)?,
        classification: r.get(4)?,
        format: r.get(5)?,
        sha256: r.get(6)?,
        size: r.get(7)?,
        added_at: r.get(8)?,
    })
}

const DOC_COLS: &str = "id, path, file_name, category, classification, format, sha256, size, added_at";

/// Insert a document.
pub fn insert_document(conn: &Db, d: &Document) -> Result<()> {
    conn.prepare_cached(&format!("INSERT INTO documents({DOC_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"))?.execute(
        params![d.id, d.path, d.file_name, d.category, d.classification, d.format, d.sha256, d.size, d.added_at],
    )?;
    Ok(())
}

/// Every document.
pub fn documents(conn: &Db) -> Result<Vec<Document>> {
    let mut st = conn.prepare(&format!("SELECT {DOC_COLS} FROM documents ORDER BY added_at, file_name, id"))?;
    Ok(st.query_map([], doc_row)?.collect::<Result<Vec<_>, _>>()?)
}

/// One document or `NotFound`.
pub fn document(conn: &Db, id: &str) -> Result<Document> {
    conn.prepare_cached(&format!("SELECT {DOC_COLS} FROM documents WHERE id = ?1"))?
        .query_row([id], doc_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { kind: "document", id: id.to_string() })
}

/// A document with the same path and content, if already registered.
pub fn document_by_source(conn: &Db, path: &str, sha256: &str) -> Result<Option<Document>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {DOC_COLS} FROM documents WHERE path = ?1 AND sha256 = ?2"))?
        .query_row([path, sha256], doc_row)
        .optional()?)
}

/// A review of a document for a receiving controller.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: String,
    pub document_id: String,
    pub controller: String,
    pub decision: String,
    pub reviewer: String,
    pub note: String,
    pub source_sha256: String,
    pub redacted_sha256: Option<String>,
    pub redacted_copy_path: Option<String>,
    pub redacted_copy_sha256: Option<String>,
    pub reviewed_at: String,
}

/// Insert a review.
pub fn insert_review(conn: &Db, r: &Review) -> Result<()> {
    conn.prepare_cached("INSERT INTO document_reviews(id, document_id, controller, decision, reviewer, note, source_sha256, redacted_sha256,
            redacted_copy_path, redacted_copy_sha256, reviewed_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")?.execute(params![
            r.id,
            r.document_id,
            r.controller,
            r.decision,
            r.reviewer,
            r.note,
            r.source_sha256,
            r.redacted_sha256,
            r.redacted_copy_path,
            r.redacted_copy_sha256,
            r.reviewed_at
        ],
    )?;
    Ok(())
}

/// The latest review of a document for a controller.
pub fn latest_review(conn: &Db, document_id: &str, controller: &str) -> Result<Option<Review>> {
    Ok(conn
        .prepare_cached("SELECT id, document_id, controller, decision, reviewer, note, source_sha256, redacted_sha256, redacted_copy_path,
                    redacted_copy_sha256, reviewed_at
             FROM document_reviews WHERE document_id = ?1 AND controller = ?2 ORDER BY reviewed_at DESC, rowid DESC LIMIT 1")?.query_row([document_id, controller],
            |r| {
                Ok(Review {
                    id: r.get(0)?,
                    document_id: r.get(1)?,
                    controller: r.get(2)?,
                    decision: r.get(3)?,
                    reviewer: r.get(4)?,
                    note: r.get(5)?,
                    source_sha256: r.get(6)?,
                    redacted_sha256: r.get(7)?,
                    redacted_copy_path: r.get(8)?,
                    redacted_copy_sha256: r.get(9)?,
                    reviewed_at: r.get(10)?,
                })
            },
        )
        .optional()?)
}

/// An approval of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub digest: String,
    pub approver: String,
    pub approved_at: String,
}

/// Record an approval.
pub fn insert_approval(conn: &Db, controller: &str, a: &Approval) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO approvals(id, controller, digest, approver, approved_at) VALUES (?1,?2,?3,?4,?5)",
    )?
    .execute(params![crate::model::new_id("apr"), controller, a.digest, a.approver, a.approved_at])?;
    Ok(())
}

/// The latest approval for a controller.
pub fn latest_approval(conn: &Db, controller: &str) -> Result<Option<Approval>> {
    Ok(conn
        .prepare_cached("SELECT digest, approver, approved_at FROM approvals WHERE controller = ?1 ORDER BY approved_at DESC, rowid DESC LIMIT 1")?.query_row([controller],
            |r| Ok(Approval { digest: r.get(0)?, approver: r.get(1)?, approved_at: r.get(2)? }),
        )
        .optional()?)
}

/// Replace a purpose's field list.
pub fn set_purpose_fields(conn: &Db, code: &str, fields: &[String]) -> Result<()> {
    conn.prepare_cached("UPDATE purposes SET fields = ?2 WHERE code = ?1")?
        .execute(params![code, serde_json::to_string(fields).unwrap_or_else(|_| "[]".into())])?;
    Ok(())
}

/// A transfer made from this register.
#[derive(Debug, Clone, Serialize)]
pub struct Transfer {
    pub id: String,
    pub controller: String,
    pub name: String,
    pub state: String,
    pub created_at: String,
    pub plan_digest: String,
    pub ciphertext_sha256: String,
    pub signer_key_id: String,
    pub recipients: Vec<String>,
    pub counts: serde_json::Value,
}

/// Record a transfer.
pub fn insert_transfer(conn: &Db, t: &Transfer) -> Result<()> {
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
    pub direction: String,
    pub stale: bool,
    pub delete_after: Option<String>,
    pub closed_at: Option<String>,
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
    let t =
        transfer(conn, id)?.ok_or_else(|| crate::error::Error::NotFound { kind: "transfer", id: id.to_string() })?;
    let (stale, delete_after, closed_at, direction): (i64, Option<String>, Option<String>, String) = conn
        .prepare_cached("SELECT stale, delete_after, closed_at, direction FROM transfers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let people = conn
        .prepare_cached("SELECT COUNT(*) FROM transfer_people WHERE transfer_id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let art19_open = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM tasks WHERE kind = 'art19_notify' AND done_at IS NULL AND subject LIKE ?1 || ':%'",
        )?
        .query_row([id], |r| r.get(0))?;
    Ok(TransferView { transfer: t, direction, stale: stale != 0, delete_after, closed_at, people, art19_open })
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
pub fn insert_received(conn: &Db, t: &Transfer) -> Result<()> {
    insert_transfer(conn, t)?;
    conn.prepare_cached("UPDATE transfers SET direction = 'received' WHERE id = ?1")?.execute([&t.id])?;
    Ok(())
}

/// Move a transfer to a new state.
pub fn set_transfer_state(conn: &Db, id: &str, state: &str) -> Result<()> {
    conn.prepare_cached("UPDATE transfers SET state = ?2 WHERE id = ?1")?.execute(params![id, state])?;
    Ok(())
}

/// Record who went in a transfer.
pub fn add_transfer_people(conn: &Db, transfer_id: &str, people: &[String]) -> Result<()> {
    let mut st = conn.prepare("INSERT OR IGNORE INTO transfer_people(transfer_id, person_id) VALUES (?1, ?2)")?;
    for p in people {
        st.execute(params![transfer_id, p])?;
    }
    Ok(())
}

/// Close a completed transfer: the day its wind-down is due.
pub fn close_transfer(c: &Change<'_>, id: &str, delete_after: &str) -> Result<()> {
    c.execute(
        "UPDATE transfers SET delete_after = ?2, closed_at = ?3 WHERE id = ?1",
        params![id, delete_after, crate::model::fmt_ts(c.now)],
    )?;
    Ok(())
}
