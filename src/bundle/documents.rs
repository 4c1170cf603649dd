//! The documents a bundle brings become part of the receiving register: each is registered where
//! the import puts it, with its digests, its classification as the sender's redaction report
//! gives it (the report names no category: `other`), and the bundle it came in. So `document list` shows them, a
//! subject access export lists the ones that mention the person, and an erasure redacts the person
//! from them.

use std::path::Path;

use crate::base::error::Result;
use crate::domain::model::{Classification, fmt_ts};
use crate::register::Change;
use crate::register::documents::{self, Document};

use super::layout;
use super::read::Contents;

/// Register each document of `contents` at its place in `folder` (one already registered there
/// with the same content is kept once). Returns how many were registered.
pub fn register(c: &Change<'_>, contents: &Contents, folder: &Path) -> Result<usize> {
    let report = redaction_report(contents);
    let mut added = 0;
    for (bag_path, staged) in &contents.documents {
        let file_name = staged.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let place = folder.join(&file_name).display().to_string();
        let Some((sha256, crc32)) = crate::transfer::plan::file_digests(staged) else { continue };
        if documents::document_by_source(c, &place, &sha256)?.is_some() {
            continue;
        }
        let entry = report.get(bag_path.as_str());
        let field = |k: &str| entry.and_then(|e| e[k].as_str()).unwrap_or_default().to_string();
        // What the sender said it was; a document it did not describe may mention people.
        let classification = match field("classification").as_str() {
            "none" => Classification::None,
            "special" => Classification::Special,
            _ => Classification::Personal,
        };
        let size = std::fs::metadata(staged).map(|m| m.len()).unwrap_or_default();
        documents::insert_document(
            c,
            &Document {
                id: crate::domain::model::DocumentId::new(),
                path: place,
                format: crate::transfer::plan::format_of(&file_name).to_string(),
                file_name,
                category: "other".into(),
                classification,
                sha256,
                size: i64::try_from(size).unwrap_or(i64::MAX),
                added_at: fmt_ts(c.now),
                crc32: Some(crc32),
                received_from: Some(contents.manifest.bundle_id.clone()),
            },
        )?;
        added += 1;
    }
    Ok(added)
}

/// The sender's redaction report in the bag: each document's classification, state and counts of
/// what was taken out (empty when the bag has none).
pub fn redaction_report(contents: &Contents) -> serde_json::Map<String, serde_json::Value> {
    contents.files.get(layout::REDACTION_REPORT).and_then(|b| serde_json::from_slice(b).ok()).unwrap_or_default()
}
