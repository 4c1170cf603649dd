//! Documents registered for a handover, and each reviewer's decision on them.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::{Change, Db};
use crate::base::error::{Error, Result};
use crate::domain::model::{Classification, DocumentDecision};

/// A document registered for transfer.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: crate::domain::model::DocumentId,
    pub path: String,
    pub file_name: String,
    pub category: String,
    pub classification: Classification,
    pub format: String,
    pub sha256: String,
    pub size: i64,
    pub added_at: String,
    /// The CRC-32 of its bytes when added (`None`: added before the register kept it).
    #[serde(skip)]
    pub crc32: Option<u32>,
    /// The bundle it came in, for a document received from a sender (`None`: this register's own).
    pub received_from: Option<String>,
}

fn doc_row(r: &Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        path: r.get(1)?,
        file_name: r.get(2)?,
        category: r.get(3)?,
        classification: super::code_cell(r, 4)?,
        format: r.get(5)?,
        sha256: r.get(6)?,
        size: r.get(7)?,
        added_at: r.get(8)?,
        crc32: r.get(9)?,
        received_from: r.get(10)?,
    })
}

const DOC_COLS: &str =
    "id, path, file_name, category, classification, format, sha256, size, added_at, crc32, received_from";

/// Insert a document.
pub fn insert_document(conn: &Change<'_>, d: &Document) -> Result<()> {
    conn.prepare_cached(&format!("INSERT INTO documents({DOC_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"))?
        .execute(params![
            d.id,
            d.path,
            d.file_name,
            d.category,
            d.classification.as_str(),
            d.format,
            d.sha256,
            d.size,
            d.added_at,
            d.crc32,
            d.received_from
        ])?;
    Ok(())
}

/// A received document rewritten in place (an erased person redacted from it): its new digests.
pub fn set_content(conn: &Change<'_>, id: &str, sha256: &str, size: i64, crc32: u32) -> Result<()> {
    conn.prepare_cached("UPDATE documents SET sha256 = ?2, size = ?3, crc32 = ?4 WHERE id = ?1")?
        .execute(params![id, sha256, size, crc32])?;
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
    pub document_id: crate::domain::model::DocumentId,
    pub controller: String,
    pub decision: DocumentDecision,
    pub reviewer: String,
    pub note: String,
    pub source_sha256: String,
    pub redacted_sha256: Option<String>,
    pub redacted_copy_path: Option<String>,
    pub redacted_copy_sha256: Option<String>,
    pub reviewed_at: String,
    /// The reviewer chose to redact possible names of people in no register too.
    pub redact_unknown_names: bool,
}

/// Insert a review.
pub fn insert_review(conn: &Change<'_>, r: &Review) -> Result<()> {
    conn.prepare_cached("INSERT INTO document_reviews(id, document_id, controller, decision, reviewer, note, source_sha256, redacted_sha256,
            redacted_copy_path, redacted_copy_sha256, reviewed_at, redact_unknown_names) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)")?.execute(params![
            r.id,
            r.document_id,
            r.controller,
            r.decision.as_str(),
            r.reviewer,
            r.note,
            r.source_sha256,
            r.redacted_sha256,
            r.redacted_copy_path,
            r.redacted_copy_sha256,
            r.reviewed_at,
            r.redact_unknown_names
        ],
    )?;
    Ok(())
}

/// The latest review of a document for a controller.
pub fn latest_review(conn: &Db, document_id: &str, controller: &str) -> Result<Option<Review>> {
    Ok(conn
        .prepare_cached("SELECT id, document_id, controller, decision, reviewer, note, source_sha256, redacted_sha256, redacted_copy_path,
                    redacted_copy_sha256, reviewed_at, redact_unknown_names
             FROM document_reviews WHERE document_id = ?1 AND controller = ?2 ORDER BY reviewed_at DESC, rowid DESC LIMIT 1")?.query_row([document_id, controller],
            |r| {
                Ok(Review {
                    id: r.get(0)?,
                    document_id: r.get(1)?,
                    controller: r.get(2)?,
                    decision: super::code_cell(r, 3)?,
                    reviewer: r.get(4)?,
                    note: r.get(5)?,
                    source_sha256: r.get(6)?,
                    redacted_sha256: r.get(7)?,
                    redacted_copy_path: r.get(8)?,
                    redacted_copy_sha256: r.get(9)?,
                    reviewed_at: r.get(10)?,
                    redact_unknown_names: r.get(11)?,
                })
            },
        )
        .optional()?)
}
