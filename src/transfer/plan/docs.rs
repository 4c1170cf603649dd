//! Documents in a plan: their format, whether and how they are redacted, their digests, and each
//! one's state and decision for the receiver.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::*;
use crate::base::error::{Error, Result};
use crate::domain::model::{Classification, DocumentDecision, DocumentState};
use crate::register::documents;
use crate::transfer::redact::{self, Redactor};

/// The format of a file, from its name.
pub fn format_of(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "txt" | "text" => "txt",
        "md" | "markdown" => "md",
        "csv" => "csv",
        "html" | "htm" => "html",
        "json" => "json",
        "docx" => "docx",
        "pdf" => "pdf",
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "tif" | "tiff" => "image",
        "mp4" | "mov" | "avi" | "mkv" | "webm" | "mp3" | "wav" | "m4a" => "video",
        "pptx" | "ppt" => "pptx",
        _ => "other",
    }
}

/// Whether the tool can redact a format itself.
pub fn redactable(format: &str) -> bool {
    matches!(format, "txt" | "md" | "csv" | "html" | "json" | "docx")
}

/// Redact a document's bytes. Text must be UTF-8; JSON must still parse afterwards.
pub fn redact_bytes(
    format: &str,
    bytes: &[u8],
    r: &Redactor,
) -> Result<(Vec<u8>, Vec<crate::transfer::docx::PartFinding>)> {
    if format == "docx" {
        return crate::transfer::docx::redact(bytes, r);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::DocumentUnreadable { format: format.to_string(), why: "it is not UTF-8 text".into() })?;
    // Text, Markdown and HTML are read as a reader sees them (entities, tags, invisible
    // characters, composed accents); CSV and JSON as they are.
    let (out, f) = match format {
        "txt" => super::super::redact::view::redact(r, text, false),
        "md" | "html" => super::super::redact::view::redact(r, text, true),
        _ => r.redact(text),
    };
    if format == "json"
        && serde_json::from_str::<serde_json::Value>(text).is_ok()
        && serde_json::from_str::<serde_json::Value>(&out).is_err()
    {
        return Err(Error::DocumentUnreadable {
            format: format.to_string(),
            why: "redacting it would break its JSON; review it by hand (`document review`)".into(),
        });
    }
    Ok((out.into_bytes(), f.into_iter().map(|f| (String::new(), f)).collect()))
}

/// A writer into a SHA-256.
pub(super) struct HashWriter(pub(super) Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The SHA-256 of a file, read in pieces (memory stays flat), or `None` when it cannot be read.
pub fn hash_file(path: &Path) -> Option<String> {
    file_digests(path).map(|(sha, _)| sha)
}

/// The SHA-256 and CRC-32 of a file, taken in one read (the CRC lets a bundle write the file's
/// stored zip entry in one pass), or `None` when it cannot be read.
pub fn file_digests(path: &Path) -> Option<(String, u32)> {
    let mut f = std::fs::File::open(path).ok()?;
    let (mut h, mut crc) = (Sha256::new(), crc32fast::Hasher::new());
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match std::io::Read::read(&mut f, &mut buf) {
            Ok(0) => break,
            Ok(n) => {
                h.update(&buf[..n]);
                crc.update(&buf[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some((hex::encode(h.finalize()), crc.finalize()))
}

/// Read a file and its SHA-256, or `None` when it cannot be read.
pub fn read_source(path: &Path) -> Option<(Vec<u8>, String)> {
    let bytes = std::fs::read(path).ok()?;
    let sha = hex::encode(Sha256::digest(&bytes));
    Some((bytes, sha))
}

/// What reading a document gives, before the register is asked anything: its digest (`None`:
/// it cannot be read), and for a format the tool can redact, the digest and findings of its
/// redaction. Each document is read once, here.
pub(super) struct Scanned {
    sha: Option<String>,
    redacted: Option<Result<(String, redact::Report)>>,
}

/// Whether the document at `path` is redacted a window at a time (a large text or CSV file: see
/// [`redact::stream`]), so that memory stays bounded whatever its size.
pub fn streamed(format: &str, path: &Path) -> bool {
    redact::stream::streams(format) && std::fs::metadata(path).is_ok_and(|m| m.len() >= redact::stream::STREAM_FROM)
}

/// The SHA-256 of a document's redaction and its counts, read a window at a time.
pub fn redacted_digest_streamed(format: &str, path: &Path, r: &Redactor) -> Result<(String, redact::Report)> {
    let mut h = HashWriter(Sha256::new());
    let s = redact::stream::redact_file(r, format, path, &mut h, 0)?;
    Ok((hex::encode(h.0.finalize()), s.counts))
}

/// Read and scan one document with the redactor its review chose. Deferred: a file of the
/// registered size stands for the registered digest (the caller hashes it as it writes it and
/// refuses a mismatch); a redactable file is read all the same, to redact it.
pub(super) fn scan(d: &documents::Document, r: &Redactor, defer: bool) -> Scanned {
    if redactable(&d.format) {
        let path = Path::new(&d.path);
        if streamed(&d.format, path) {
            let Some(sha) = hash_file(path) else { return Scanned { sha: None, redacted: None } };
            return Scanned { sha: Some(sha), redacted: Some(redacted_digest_streamed(&d.format, path, r)) };
        }
        let Some((bytes, sha)) = read_source(path) else { return Scanned { sha: None, redacted: None } };
        let redacted = redact_bytes(&d.format, &bytes, r)
            .map(|(out, f)| (hex::encode(Sha256::digest(&out)), redact::report(f.iter().map(|(_, f)| f))));
        return Scanned { sha: Some(sha), redacted: Some(redacted) };
    }
    let sha = if defer {
        std::fs::metadata(&d.path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|m| if i64::try_from(m.len()).is_ok_and(|n| n == d.size) { d.sha256.clone() } else { String::new() })
    } else {
        hash_file(Path::new(&d.path))
    };
    Scanned { sha, redacted: None }
}

/// The document's plan, from its scan and its latest review for this receiver.
pub(super) fn document_plan(
    d: &documents::Document,
    review: Option<documents::Review>,
    scanned: Scanned,
    defer: bool,
    blockers: &mut Vec<Blocker>,
) -> DocumentPlan {
    let mut plan = DocumentPlan {
        id: d.id.clone(),
        file_name: d.file_name.clone(),
        category: d.category.clone(),
        classification: d.classification,
        format: d.format.clone(),
        included: false,
        state: DocumentState::NotReviewed,
        redactions: redact::Report::new(),
        redacted_sha256: None,
        redact_unknown_names: review.as_ref().is_some_and(|rv| rv.redact_unknown_names),
    };
    let block = |blockers: &mut Vec<Blocker>, code: &'static str, msg: String| {
        blockers.push(Blocker { code, subject: d.id.to_string(), message: msg });
    };
    let Scanned { sha, redacted } = scanned;
    let Some(sha) = sha else {
        plan.state = DocumentState::Missing;
        block(blockers, "document_missing", format!("{} ({}) cannot be read at its recorded path", d.id, d.file_name));
        return plan;
    };
    if sha != d.sha256 {
        plan.state = DocumentState::ChangedOnDisk;
        block(
            blockers,
            "document_changed",
            format!(
                "{} ({}) changed on disk since it was added: add the new version as a new document",
                d.id, d.file_name
            ),
        );
        return plan;
    }
    if d.classification == Classification::None && redacted.is_none() {
        // A format the tool cannot search (a PDF, an image): classified as holding nobody, it goes
        // only once someone has read it and recorded that (a review of these exact bytes).
        match review {
            Some(rv) if rv.source_sha256 == sha && rv.decision == DocumentDecision::Include => {
                plan.included = true;
                plan.state = DocumentState::AsIs;
            }
            Some(rv) if rv.source_sha256 == sha => plan.state = DocumentState::ReviewedWithhold,
            _ => block(
                blockers,
                "document_not_searchable",
                format!(
                    "{} ({}) is a {} the tool cannot search for names: read it, then record that it names nobody who may not go (`handover document review {}`), or classify it personal",
                    d.id, d.file_name, d.format, d.id
                ),
            ),
        }
        return plan;
    }
    if d.classification == Classification::None {
        // Classified as holding no personal data: scanned all the same. A finding makes it a
        // document to review like a personal one (or to reclassify).
        let mentions = matches!(&redacted, Some(Ok((_, counts))) if !counts.is_empty());
        if !mentions {
            plan.included = true;
            plan.state = DocumentState::AsIs;
            return plan;
        }
        if review.is_none() {
            plan.state = DocumentState::NotReviewed;
            block(
                blockers,
                "document_mentions_people",
                format!(
                    "{} ({}) is classified none but mentions people: reclassify it, or review it after redaction: `handover document review {}`",
                    d.id, d.file_name, d.id
                ),
            );
            return plan;
        }
    }
    if let Some(result) = redacted {
        let Ok((red_sha, counts)) = result else {
            plan.state = DocumentState::Unreadable;
            block(
                blockers,
                "document_unreadable",
                format!(
                    "{} ({}) could not be redacted as {}: review it and add a redacted copy",
                    d.id, d.file_name, d.format
                ),
            );
            return plan;
        };
        plan.redactions = counts;
        plan.redacted_sha256 = Some(red_sha.clone());
        match review {
            Some(rv) if rv.redacted_sha256.as_deref() == Some(red_sha.as_str()) && rv.source_sha256 == sha => {
                plan.included = rv.decision == DocumentDecision::Include;
                plan.state = if plan.included { DocumentState::Redacted } else { DocumentState::ReviewedWithhold };
            }
            Some(_) => {
                plan.state = DocumentState::ReviewOutOfDate;
                block(
                    blockers,
                    "document_review_out_of_date",
                    format!("{} ({}): its redaction changed since the review: review it again", d.id, d.file_name),
                );
            }
            None => {
                plan.state = DocumentState::NotReviewed;
                block(
                    blockers,
                    "document_not_reviewed",
                    format!(
                        "{} ({}) is classified {} and has not been reviewed after redaction: `handover document review {}`",
                        d.id, d.file_name, d.classification, d.id
                    ),
                );
            }
        }
        return plan;
    }
    // Formats the tool cannot redact: a special document needs a reviewed redacted copy; a personal one an include review.
    match review {
        Some(rv) if rv.source_sha256 != sha => {
            plan.state = DocumentState::ReviewOutOfDate;
            block(
                blockers,
                "document_review_out_of_date",
                format!("{} ({}) changed since its review", d.id, d.file_name),
            );
        }
        Some(rv) if rv.decision == DocumentDecision::Withhold => plan.state = DocumentState::ReviewedWithhold,
        Some(rv) if rv.redacted_copy_path.is_some() => {
            let ok = rv
                .redacted_copy_path
                .as_deref()
                .and_then(|p| {
                    if defer {
                        Path::new(p).is_file().then(|| rv.redacted_copy_sha256.clone())?
                    } else {
                        hash_file(Path::new(p))
                    }
                })
                .is_some_and(|s| Some(s) == rv.redacted_copy_sha256);
            if ok {
                plan.included = true;
                plan.state = DocumentState::RedactedCopy;
                plan.redacted_sha256 = rv.redacted_copy_sha256.clone();
            } else {
                plan.state = DocumentState::ChangedOnDisk;
                block(
                    blockers,
                    "document_changed",
                    format!("{} ({}): its reviewed redacted copy is missing or changed", d.id, d.file_name),
                );
            }
        }
        Some(_) if d.classification == Classification::Personal => {
            plan.included = true;
            plan.state = DocumentState::ReviewedInclude;
        }
        _ => {
            plan.state = DocumentState::NotReviewed;
            let need = if d.classification == Classification::Special {
                "a reviewed --redacted-copy"
            } else {
                "an include review"
            };
            block(
                blockers,
                "document_not_reviewed",
                format!(
                    "{} ({}) is {} in a format the tool cannot redact ({}): it needs {need}",
                    d.id, d.file_name, d.classification, d.format
                ),
            );
        }
    }
    plan
}
