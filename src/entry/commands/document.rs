//! `handover document ...` and `handover redact preview`.

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::model::{Classification, DocumentDecision, fmt_ts, new_id};
use crate::entry::cli::{DocumentCmd, RedactCmd};
use crate::entry::output::Outcome;
use crate::register::documents;
use crate::register::documents::Document;
use crate::register::documents::Review;
use crate::transfer::plan::{self, Request, file_digests, format_of, hash_file, read_source, redactable};

/// Run a document subcommand.
pub fn run(ctx: &Ctx, cmd: DocumentCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        DocumentCmd::Add { paths, category, classification } => {
            let mut added = Vec::new();
            let mut docs_out = Vec::new();
            for path in &paths {
                let abs = std::fs::canonicalize(path).map_err(|e| Error::io("read", path, e))?;
                if !abs.is_file() {
                    return Err(Error::bad("PATH", format!("'{}' is not a file", path.display())));
                }
                let (sha, crc32) =
                    file_digests(&abs).ok_or_else(|| Error::io("read", &abs, std::io::Error::other("unreadable")))?;
                let size = std::fs::metadata(&abs).map_err(|e| Error::io("read", &abs, e))?.len();
                let file_name = abs.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                let abs_s = abs.display().to_string();
                if let Some(d) = documents::document_by_source(&reg, &abs_s, &sha)? {
                    docs_out.push(d);
                    continue;
                }
                let d = Document {
                    id: crate::domain::model::DocumentId::new(),
                    path: abs_s,
                    format: format_of(&file_name).to_string(),
                    file_name,
                    category: category.clone(),
                    classification: super::code_arg("--classification", &classification)?,
                    sha256: sha,
                    size: size as i64,
                    added_at: fmt_ts(ctx.now),
                    crc32: Some(crc32),
                    received_from: None,
                };
                added.push(d.clone());
                docs_out.push(d);
            }
            reg.change(ctx.now, |c| {
                for d in &added {
                    documents::insert_document(c, d)?;
                }
                c.audit(
                    "document.add",
                    &format!("{} document(s)", added.len()),
                    serde_json::json!({ "ids": added.iter().map(|d| d.id.clone()).collect::<Vec<_>>() }),
                )
            })?;
            let mut text = String::new();
            for d in &docs_out {
                let fresh = added.iter().any(|a| a.id == d.id);
                text.push_str(&format!(
                    "{} {} ({}, {}, {}){}\n",
                    d.id,
                    d.file_name,
                    d.format,
                    d.category,
                    d.classification,
                    if fresh { "" } else { " already registered" }
                ));
            }
            let mut o = Outcome::new("document_list", docs_out.clone(), text);
            if docs_out.iter().any(|d| d.classification != Classification::None && !redactable(&d.format)) {
                o = o.note("handover cannot redact some of these formats: a personal one needs an include review, a special one a reviewed --redacted-copy");
            }
            Ok(o)
        }
        DocumentCmd::List => {
            let list = documents::documents(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|d| {
                    let state = match hash_file(std::path::Path::new(&d.path)) {
                        None => "missing",
                        Some(s) if s != d.sha256 => "changed on disk",
                        _ => "ok",
                    };
                    vec![
                        d.id.to_string(),
                        d.file_name.clone(),
                        d.format.clone(),
                        d.category.clone(),
                        d.classification.to_string(),
                        state.into(),
                    ]
                })
                .collect();
            let text = table(&["ID", "FILE", "FORMAT", "CATEGORY", "CLASSIFICATION", "FILE STATE"], &rows);
            Ok(Outcome::new("document_list", list, text))
        }
        DocumentCmd::Review {
            id,
            decision,
            reviewer,
            note,
            to,
            redacted_copy,
            pseudonymise,
            redact_unknown_names,
            keep_unknown_names,
        } => {
            let decision: DocumentDecision = super::code_arg("--decision", &decision)?;
            let d = documents::document(&reg, &id)?;
            let redact_unknown_names = unknown_names_redacted(&d, redact_unknown_names, keep_unknown_names);
            let to = super::transfer::receiver(&reg, to.as_deref())?;
            let sha = hash_file(std::path::Path::new(&d.path))
                .ok_or_else(|| Error::bad("ID", format!("{} cannot be read at its recorded path", d.id)))?;
            if sha != d.sha256 {
                return Err(Error::bad(
                    "ID",
                    format!("{} changed on disk since it was added; add the new version as a new document", d.id),
                ));
            }
            if reviewer.trim().is_empty() || note.trim().is_empty() {
                return Err(Error::bad("--reviewer/--note", "say who reviewed it and what they checked"));
            }
            let mut redacted_sha256 = None;
            let (mut copy_path, mut copy_sha) = (None, None);
            // A document classified none is redacted and reviewed like any other once it is found
            // to mention people (the plan holds it back until then).
            if redactable(&d.format) {
                let req = Request {
                    receiver: to.clone(),
                    date: super::transfer::plan_date(ctx, None),
                    pseudonymise,
                    defer_file_hashes: false,
                };
                // The redaction reviewed: the plan's, with possible names redacted if so chosen.
                let r = plan::redactor(&reg, &req)?.as_ref().clone().with_unknown_names(redact_unknown_names);
                let path = std::path::Path::new(&d.path);
                let unreadable = |_| Error::bad("ID", format!("{} could not be read as {}", d.id, d.format));
                redacted_sha256 = Some(if plan::streamed(&d.format, path) {
                    plan::redacted_digest_streamed(&d.format, path, &r).map_err(unreadable)?.0
                } else {
                    let (bytes, _) = read_source(path)
                        .ok_or_else(|| Error::bad("ID", format!("{} cannot be read at its recorded path", d.id)))?;
                    let (red, _) = plan::redact_bytes(&d.format, &bytes, &r).map_err(unreadable)?;
                    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&red))
                });
            } else if let Some(c) = &redacted_copy {
                let abs = std::fs::canonicalize(c).map_err(|e| Error::io("read", c, e))?;
                let s = hash_file(&abs).ok_or_else(|| Error::io("read", &abs, std::io::Error::other("unreadable")))?;
                copy_path = Some(abs.display().to_string());
                copy_sha = Some(s);
            } else if d.classification == Classification::Special && decision == DocumentDecision::Include {
                return Err(Error::bad(
                    "--redacted-copy",
                    format!(
                        "{} is special category in a format handover cannot redact ({}): include it only as a reviewed, redacted copy",
                        d.id, d.format
                    ),
                ));
            }
            let r = Review {
                id: new_id("rev"),
                document_id: d.id.clone(),
                controller: to.clone(),
                decision,
                reviewer: reviewer.trim().into(),
                note: note.trim().into(),
                source_sha256: sha,
                redacted_sha256,
                redacted_copy_path: copy_path,
                redacted_copy_sha256: copy_sha,
                reviewed_at: fmt_ts(ctx.now),
                redact_unknown_names,
            };
            reg.change(ctx.now, |c| {
                documents::insert_review(c, &r)?;
                c.audit("document.review", &d.id, serde_json::json!({ "to": to, "decision": decision }))
            })?;
            let text = format!("{}: {decision} for {to}, reviewed by {}\n", d.id, r.reviewer);
            Ok(Outcome::new("document_review", r, text))
        }
    }
}

/// `redact preview`.
/// How many findings per document the text of `redact preview` lists.
const TEXT_FINDINGS: usize = 200;

/// Whether possible names of people in no register are redacted in `d`: by default in a personal
/// or special document (where they were measured to be people: bench/README.md), in one classified
/// none only when asked; `--keep-unknown-names` leaves them, listed.
fn unknown_names_redacted(d: &Document, redact: bool, keep: bool) -> bool {
    !keep && (redact || d.classification != crate::domain::model::Classification::None)
}

pub fn redact(ctx: &Ctx, cmd: RedactCmd) -> Result<Outcome> {
    let reg = ctx.open()?;
    let RedactCmd::Preview { doc, to, pseudonymise, out, redact_unknown_names, keep_unknown_names } = cmd;
    let to = super::transfer::receiver(&reg, to.as_deref())?;
    let req = Request {
        receiver: to.clone(),
        date: super::transfer::plan_date(ctx, None),
        pseudonymise,
        defer_file_hashes: false,
    };
    let base = plan::redactor(&reg, &req)?;
    let (listing, redacting) =
        (base.as_ref().clone().with_unknown_names(false), base.as_ref().clone().with_unknown_names(true));
    let redactor_for = |d: &Document| {
        if unknown_names_redacted(d, redact_unknown_names, keep_unknown_names) { &redacting } else { &listing }
    };
    let targets: Vec<Document> = match &doc {
        Some(id) => vec![documents::document(&reg, id)?],
        None => documents::documents(&reg)?,
    };
    let mut findings = Vec::new();
    let mut reports = Vec::new();
    let mut text = String::new();
    for d in &targets {
        if !redactable(&d.format) {
            reports.push(serde_json::json!({ "document": d.id, "redactable": false, "counts": {} }));
            text.push_str(&format!(
                "{} {}: {} cannot be redacted by handover (review it by hand)\n",
                d.id, d.file_name, d.format
            ));
            continue;
        }
        // A large text document is read a window at a time, its redacted copy written as it goes.
        let (found, report, total, mut staged) = match preview_streamed(d, redactor_for(d), out.as_deref(), ctx)? {
            Some(s) => s,
            None => {
                let (bytes, _) = read_source(std::path::Path::new(&d.path))
                    .ok_or_else(|| Error::bad("DOC", format!("{} cannot be read at its recorded path", d.id)))?;
                let (redacted, found) = plan::redact_bytes(&d.format, &bytes, redactor_for(d))
                    .map_err(|_| Error::bad("DOC", format!("{} could not be read as {}", d.id, d.format)))?;
                let report = crate::transfer::redact::report(found.iter().map(|(_, f)| f));
                let total = found.len();
                let mut staged = None;
                if let Some(path) = &out {
                    let mut st = crate::base::staged::Staged::new();
                    st.write(path, 0o600, &redacted)?;
                    staged = Some(st);
                }
                (found, report, total, staged)
            }
        };
        text.push_str(&format!("{} {}: {} finding(s)\n", d.id, d.file_name, total));
        for (i, (part, f)) in found.iter().enumerate() {
            // Text lists the first findings for reading; --json carries every one.
            if i < TEXT_FINDINGS {
                let place =
                    if part.is_empty() { format!("line {}", f.line) } else { format!("{part} paragraph {}", f.line) };
                text.push_str(&format!("  {place}: {} ({}) -> {}\n", f.kind, f.detector, f.replacement));
            } else if i == TEXT_FINDINGS {
                text.push_str(&format!(
                    "  … and {} more (counts per kind below; `--json` lists every finding)\n",
                    total - TEXT_FINDINGS
                ));
            }
            if ctx.style.json {
                findings.push(serde_json::json!({ "document": d.id, "part": part, "line": f.line, "kind": f.kind, "detector": f.detector, "replacement": f.replacement }));
            }
        }
        if total > TEXT_FINDINGS {
            for (kind, n) in &report {
                text.push_str(&format!("  {kind}: {n}\n"));
            }
        }
        reports.push(serde_json::json!({ "document": d.id, "redactable": true, "counts": report }));
        if let (Some(path), Some(st)) = (&out, staged.take()) {
            st.publish()?;
            text.push_str(&format!(
                "  redacted copy written to {} (0600): read it, then record your review\n",
                path.display()
            ));
        }
    }
    let data = serde_json::json!({ "to": to, "findings": findings, "reports": reports });
    Ok(Outcome::new("redaction_preview", data, text))
}

/// Findings of one document with their parts, the counts by kind, how many in all, and the
/// redacted copy staged for `--out`.
type Previewed = (
    Vec<crate::transfer::docx::PartFinding>,
    crate::transfer::redact::Report,
    usize,
    Option<crate::base::staged::Staged>,
);

/// A large plain-text document previewed a window at a time (`None`: not one to stream): memory
/// stays bounded whatever its size; text lists its first findings, `--json` every one.
fn preview_streamed(
    d: &Document,
    r: &crate::transfer::redact::Redactor,
    out: Option<&std::path::Path>,
    ctx: &Ctx,
) -> Result<Option<Previewed>> {
    use crate::transfer::redact::stream;
    let path = std::path::Path::new(&d.path);
    let big = std::fs::metadata(path).is_ok_and(|m| m.len() >= stream::STREAM_FROM);
    if !stream::streams(&d.format) || !big {
        return Ok(None);
    }
    let keep = if ctx.style.json { usize::MAX } else { TEXT_FINDINGS + 1 };
    let unreadable = |_| Error::bad("DOC", format!("{} could not be read as {}", d.id, d.format));
    let (s, staged) = match out {
        Some(target) => {
            let mut st = crate::base::staged::Staged::new();
            let (file, _) = st.create(target, 0o600)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            let s = stream::redact_file(r, &d.format, path, &mut w, keep).map_err(unreadable)?;
            w.into_inner()
                .map_err(std::io::IntoInnerError::into_error)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io("write", target, e))?;
            (s, Some(st))
        }
        None => (stream::redact_file(r, &d.format, path, &mut std::io::sink(), keep).map_err(unreadable)?, None),
    };
    Ok(Some((s.first.into_iter().map(|f| (String::new(), f)).collect(), s.counts, s.total, staged)))
}
