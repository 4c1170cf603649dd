//! Writing a bundle (format v1): the plan's contents as a BagIt bag in a zip, written straight into
//! the age encryptor (no plaintext on disk), then signed.
//!
//! Files written side by side in the output folder, each to a temporary name first and renamed
//! into place only when complete: `NAME.zip.age`, `NAME.zip.age.minisig` (over the ciphertext),
//! `NAME.transfer.json` and its `.minisig` (the transfer record: counts, no personal data).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::layout;
use super::zipstream::{Writer, Written};
use crate::base::encode::{csv_bytes, json_pretty};
use crate::base::error::{Error, Result};
use crate::base::keys::SigningKey;
use crate::domain::model::{DocumentState, fmt_ts};
use crate::register::audit;
use crate::transfer::carried::{Carried, CarriedAccount};
use crate::transfer::plan::{self, Plan};

/// The bundle format version this writer produces.
pub const FORMAT_VERSION: u32 = 1;

/// Formats stored rather than deflated (already compressed).
fn compressed(name: &str) -> bool {
    let ext = std::path::Path::new(name).extension().map(std::ffi::OsStr::to_ascii_lowercase);
    matches!(plan::format_of(name), "docx" | "pdf" | "image" | "video" | "pptx")
        || ext.is_some_and(|e| e == "zip" || e == "gz")
}

/// One payload file in handover.json.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// A controller named in `handover.json`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ControllerEntry {
    pub slug: String,
    pub name: String,
    pub kind: String,
    /// `from` or `to`.
    pub role: String,
    /// How to reach the organisation (the sender's contact, for the receiving group's letter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// The signed manifest inside the bag (`handover.json`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub bundle_id: String,
    pub created_at: String,
    pub from: String,
    pub to: String,
    /// The community and both controllers (organisations: no personal data).
    pub community: String,
    pub controllers: Vec<ControllerEntry>,
    pub signer_key_id: String,
    pub plan_digest: String,
    pub fields: serde_json::Value,
    pub counts: serde_json::Value,
    pub files: Vec<FileEntry>,
    pub audit_checkpoint: String,
    /// The data protection lead's signed approval of the plan and of every value carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<crate::register::transfers::Approval>,
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub bundle_id: String,
    pub bundle: String,
    pub signature: String,
    pub transfer_record: String,
    pub transfer_record_signature: String,
    pub ciphertext_sha256: String,
    pub recipients: Vec<String>,
    pub files: usize,
    pub payload_bytes: u64,
    /// The passphrase copy, when one was asked for.
    pub passphrase_copy: Option<String>,
}

struct Temp(PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn jsonl<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut out = Vec::new();
    for r in rows {
        if let Ok(s) = serde_json::to_string(&r) {
            out.extend(s.as_bytes());
            out.push(b'\n');
        }
    }
    out
}

/// The letter inside the bag: the same plain-English letter the receiving group gets beside its
/// register, with the deadlines counted from the day the bundle was made (the latest they can be).
fn letter(p: &Plan, carried: &Carried, bundle_id: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let made = now.date_naive();
    crate::audit::letter::plain(&crate::audit::letter::Facts {
        community: carried.community.clone(),
        from: carried.from.name.clone(),
        from_contact: carried.from.contact.clone(),
        to: p.receiver.name.clone(),
        bundle_id: bundle_id.to_string(),
        made,
        received: None,
        people: p.totals.register_included,
        mailing_list: p.totals.mailing_list_included,
        documents: p.totals.documents_included,
        redactions: p.documents.iter().filter(|d| d.included).map(|d| d.redactions.values().sum::<usize>()).sum(),
        accounts: p
            .accounts
            .iter()
            .map(|a| {
                (
                    a.id.to_string(),
                    a.service.clone(),
                    a.url.clone(),
                    a.access != crate::domain::model::AccountAccess::Admins,
                )
            })
            .collect(),
        paid_until: p.accounts.iter().map(|a| a.paid_until.clone()).collect(),
        held_back: held_back(&p.totals.register_by_reason),
        notice_due: made.checked_add_months(chrono::Months::new(1)).unwrap_or(made),
        rotation_due: made + chrono::Duration::days(14),
        receipt: None,
    })
}

/// Of the plan's counts by reason, those that held people back.
pub fn held_back<'a>(by_reason: impl IntoIterator<Item = (&'a String, &'a usize)>) -> Vec<(String, usize)> {
    by_reason
        .into_iter()
        .filter(|(r, _)| !crate::transfer::rules::GOES.contains(&r.as_str()))
        .map(|(r, n)| (r.clone(), *n))
        .collect()
}

/// A file of the bag held in memory: its path in the bag and its bytes.
type NamedBytes = (String, Vec<u8>);

/// Everything `create` needs.
pub struct Request<'a> {
    pub plan: &'a Plan,
    /// The values the plan's bundle carries, read with it.
    pub carried: &'a Carried,
    pub recipients: Vec<age::x25519::Recipient>,
    pub sign_key: &'a SigningKey,
    pub identity: Option<Vec<age::x25519::Identity>>,
    pub out: &'a Path,
    pub name: String,
    pub bundle_id: String,
    pub now: chrono::DateTime<chrono::Utc>,
    /// A passphrase for a separate, scrypt-only copy.
    pub passphrase: Option<age::secrecy::SecretString>,
    /// Show progress on stderr (when it is a terminal).
    pub progress: bool,
}

/// A document is bundled only as it was registered (or reviewed): its digest, taken as it is
/// written, must be the recorded one; otherwise the whole bundle is refused.
fn unchanged(id: &str, file_name: &str, got: &str, recorded: &str) -> Result<()> {
    if got == recorded {
        return Ok(());
    }
    Err(Error::DocumentChanged { id: id.to_string(), file_name: file_name.to_string() })
}

/// Write the bundle from the plan and what it carries (it never reads the register).
/// Everything is written under temporary names first; `on_written` (the register's record of the
/// transfer) runs once all of it is complete, and only then are the files renamed into place, the
/// bundle itself last: a run stopped at any point leaves no bundle that the register does not know.
pub fn create(req: &Request<'_>, on_written: impl FnOnce(&Created) -> Result<()>) -> Result<Created> {
    let p = req.plan;
    let carried = req.carried;
    let bag = req.name.clone();
    let final_bundle = req.out.join(layout::bundle_file(&req.name));
    for f in [&final_bundle] {
        if f.exists() {
            return Err(Error::io("create", f, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
        }
    }
    // Payload contents held in memory are the small structured files; documents stream from disk
    // or are redacted one at a time.
    let small = small_files(req)?;

    // Write: zip (this thread: deflate, CRC, SHA-256 of the plaintext) → age (a second thread,
    // which also takes the BLAKE2b prehash the signature covers) → the temp file (a third: its
    // SHA-256).
    let tmp = Temp(crate::base::staged::temp_name(&final_bundle)?);
    let create = |path: &Path| {
        std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| Error::io("create", path, e))
    };
    let enc = age::Encryptor::with_recipients(req.recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| Error::Encrypt { why: e.to_string() })?;
    let age_w = super::pipe::encrypting(enc, create(&tmp.0)?).map_err(|e| Error::io("write", &tmp.0, e))?;
    // The passphrase copy: the same zip, written at the same time into a second age stream whose
    // only recipient is the passphrase (scrypt, fixed work factor 2^18 as Go age uses).
    let pass_final = req.out.join(layout::passphrase_copy_file(&req.name));
    let pass_tmp = Temp(crate::base::staged::temp_name(&pass_final)?);
    let pass_w = match &req.passphrase {
        None => None,
        Some(p) => {
            let mut r = age::scrypt::Recipient::new(p.clone());
            r.set_work_factor(18);
            let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .map_err(|e| Error::Encrypt { why: e.to_string() })?;
            Some(super::pipe::encrypting(enc, create(&pass_tmp.0)?).map_err(|e| Error::io("write", &pass_tmp.0, e))?)
        }
    };
    let mut zip = Writer::new(Tee { a: age_w, b: pass_w });
    let total: u64 = small.iter().map(|(_, b)| b.len() as u64).sum::<u64>()
        + p.documents
            .iter()
            .filter(|d| d.included)
            .filter_map(|d| carried.documents.get(&d.id))
            .filter_map(|d| std::fs::metadata(&d.path).ok())
            .map(|m| m.len())
            .sum::<u64>();
    let mut progress = crate::base::progress::Progress::new("bundle", total, req.progress);
    zip.on_progress(move |n| progress.add(n));
    let io = |e: std::io::Error| Error::io("write", &tmp.0, e);
    let mut files: Vec<Written> = Vec::new();
    for (path, bytes) in &small {
        let w = zip.add_bytes(&format!("{bag}/{path}"), bytes, true).map_err(io)?;
        files.push(Written { name: path.clone(), ..w });
    }
    let report = write_documents(&mut zip, req, &bag, &mut files, &io)?;

    // Tag files: the signed manifest, BagIt declarations and manifests.
    let (tags, counts, payload_bytes) = tag_files(req, &files, &report)?;
    for (n, b) in &tags {
        zip.add_bytes(&format!("{bag}/{n}"), b, true).map_err(io)?;
    }
    let Tee { a: age_w, b: pass_w } = zip.finish().map_err(io)?;
    let pass = match pass_w {
        Some(w) => Some(w.finish().map_err(|e| Error::io("write", &pass_tmp.0, e))?),
        None => None,
    };
    let done = age_w.finish().map_err(io)?;
    drop(done.file);

    // Sign the ciphertext (its digests were taken as it was written), then publish everything.
    let ct_sha = done.sha256;
    let sig = req.sign_key.sign_prehashed(
        &done.prehash,
        &format!("bundle {} from {} to {} sha256 {ct_sha}", req.bundle_id, p.from, p.receiver.slug),
    )?;
    let recipients: Vec<String> =
        req.recipients.iter().map(|r| crate::base::keys::fingerprint(r.to_string().as_bytes())).collect();
    let record = transfer_record(req, &counts, &ct_sha, &recipients);
    let record_bytes = json_pretty(&record)?;
    let record_sig = req.sign_key.sign(&record_bytes[..], &format!("transfer record {}", req.bundle_id))?;
    let paths = [
        req.out.join(layout::signature_file(&layout::bundle_file(&req.name))),
        req.out.join(layout::transfer_record_file(&req.name)),
        req.out.join(layout::signature_file(&layout::transfer_record_file(&req.name))),
    ];
    for p in paths.iter().chain([&final_bundle]) {
        if p.exists() {
            return Err(Error::io("create", p, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
        }
    }
    // Every file is written (under a temporary name) before the register records the transfer, and
    // only renames remain after it: a full disk fails the run before the register knows of it, and
    // leaves nothing (no stray .minisig) that would block the next run.
    let mut staged = crate::base::staged::Staged::new();
    if let Some(pass) = &pass {
        let psig = req.sign_key.sign_prehashed(
            &pass.prehash,
            &format!("passphrase copy of bundle {} from {} to {}", req.bundle_id, p.from, p.receiver.slug),
        )?;
        if pass_final.exists() {
            return Err(Error::io("create", &pass_final, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
        }
        staged.write(
            &req.out.join(layout::signature_file(&layout::passphrase_copy_file(&req.name))),
            0o644,
            psig.as_bytes(),
        )?;
    }
    staged.write(&paths[0], 0o644, sig.as_bytes())?;
    staged.write(&paths[1], 0o644, &record_bytes)?;
    staged.write(&paths[2], 0o644, record_sig.as_bytes())?;
    let created = Created {
        bundle_id: req.bundle_id.clone(),
        bundle: final_bundle.display().to_string(),
        signature: paths[0].display().to_string(),
        transfer_record: paths[1].display().to_string(),
        transfer_record_signature: paths[2].display().to_string(),
        ciphertext_sha256: ct_sha,
        recipients,
        files: files.len(),
        payload_bytes,
        passphrase_copy: pass.as_ref().map(|_| pass_final.display().to_string()),
    };
    on_written(&created)?;
    staged.publish()?;
    if pass.is_some() {
        std::fs::rename(&pass_tmp.0, &pass_final).map_err(|e| Error::io("rename into", &pass_final, e))?;
    }
    std::fs::rename(&tmp.0, &final_bundle).map_err(|e| Error::io("rename into", &final_bundle, e))?;
    Ok(created)
}

/// The bag's tag files: the signed manifest (with the audit log's signed checkpoint) and its
/// signature, the redaction report, and the BagIt declaration, metadata and manifests. Returns
/// them with the counts the manifest states and the payload's size.
fn tag_files(
    req: &Request<'_>,
    files: &[Written],
    report: &BTreeMap<String, serde_json::Value>,
) -> Result<(Vec<NamedBytes>, serde_json::Value, u64)> {
    let (p, carried) = (req.plan, req.carried);
    let (size, root) = carried.audit_head;
    let (seed, _) = req.sign_key.ed25519();
    // The key name is the origin line, as C2SP tlog-checkpoint says it should be.
    let origin = audit::origin(&p.from);
    let checkpoint =
        crate::base::checkpoint::sign(&crate::base::checkpoint::body(&origin, size as i64, &root), &origin, &seed);
    let counts = serde_json::json!({
        "register_included": p.totals.register_included,
        "mailing_list_included": p.totals.mailing_list_included,
        "register_by_reason": p.totals.register_by_reason,
        "mailing_list_by_reason": p.totals.mailing_list_by_reason,
        "fields_stripped": p.totals.fields_stripped,
        "special_category_records_included": p.totals.special_category_records_included,
        "documents": p.totals.documents_included,
        "accounts": p.totals.accounts,
    });
    let manifest = Manifest {
        format: "handover-bundle".into(),
        format_version: FORMAT_VERSION,
        bundle_id: req.bundle_id.clone(),
        created_at: fmt_ts(req.now),
        from: p.from.clone(),
        to: p.receiver.slug.clone(),
        community: carried.community.clone(),
        controllers: {
            let own = carried.from.clone();
            vec![
                ControllerEntry {
                    slug: own.slug,
                    name: own.name,
                    kind: own.kind.to_string(),
                    role: "from".into(),
                    contact: own.contact,
                },
                ControllerEntry {
                    slug: p.receiver.slug.clone(),
                    name: p.receiver.name.clone(),
                    kind: p.receiver.kind.clone(),
                    role: "to".into(),
                    contact: None,
                },
            ]
        },
        signer_key_id: req.sign_key.key_id(),
        plan_digest: p.digest.clone(),
        fields: serde_json::to_value(&p.fields).unwrap_or_default(),
        counts: counts.clone(),
        files: files
            .iter()
            .map(|w| FileEntry { path: w.name.clone(), size: w.size, sha256: w.sha256.clone() })
            .collect(),
        audit_checkpoint: checkpoint,
        approval: p.approval.clone(),
    };
    let manifest_bytes = json_pretty(&manifest)?;
    let manifest_sig = req.sign_key.sign(&manifest_bytes[..], &format!("handover.json of bundle {}", req.bundle_id))?;
    let redaction = serde_json::to_vec_pretty(report).unwrap_or_default();
    let payload_bytes: u64 = files.iter().map(|w| w.size).sum();
    let manifest_txt: String = files.iter().map(|w| format!("{}  {}\n", w.sha256, w.name)).collect();
    let bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string();
    let bag_info = format!(
        "Bag-Software-Agent: handover {}\nBagging-Date: {}\nExternal-Identifier: {}\nSource-Organization: {}\nPayload-Oxum: {}.{}\n",
        env!("CARGO_PKG_VERSION"),
        req.now.date_naive(),
        req.bundle_id,
        carried.from.name.replace(['\n', '\r'], " "),
        payload_bytes,
        files.len()
    );
    let mut tags: Vec<(String, Vec<u8>)> = vec![
        (layout::MANIFEST.into(), manifest_bytes),
        (layout::MANIFEST_SIG.into(), manifest_sig.into_bytes()),
        (layout::REDACTION_REPORT.into(), redaction),
        (layout::PAYLOAD_MANIFEST.into(), manifest_txt.into_bytes()),
        (layout::BAGIT.into(), bagit.into_bytes()),
        (layout::BAG_INFO.into(), bag_info.into_bytes()),
    ];
    let tag_manifest: String = tags
        .iter()
        .map(|(n, b)| format!("{}  {n}\n", hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b))))
        .collect();
    tags.push((layout::TAG_MANIFEST.into(), tag_manifest.into_bytes()));
    Ok((tags, counts, payload_bytes))
}

/// The signed transfer record for the data protection lead: who, when, on what basis, what went
/// (counts, fields, documents, accounts), the approval and the bundle's digest. No personal data.
fn transfer_record(
    req: &Request<'_>,
    counts: &serde_json::Value,
    ct_sha: &str,
    recipients: &[String],
) -> serde_json::Value {
    let (p, carried) = (req.plan, req.carried);
    serde_json::json!({
        "format": "handover-transfer-record",
        "format_version": FORMAT_VERSION,
        "transfer_id": req.bundle_id,
        "created_at": fmt_ts(req.now),
        "from": serde_json::to_value(&carried.from).unwrap_or_default(),
        "to": serde_json::to_value(&carried.to).unwrap_or_default(),
        "plan_date": p.date,
        "plan_digest": p.digest,
        "approval": p.approval,
        "lawful_basis": { "register": "disclose_to_successor: consent naming the receiver, or legitimate interests with LIA and notice", "mailing_list": "successor_newsletter: consent naming the receiver" },
        "fields": p.fields,
        "counts": counts,
        // Accounts without the admins' names or the recovery details: no personal data here.
        "accounts": p.accounts.iter().map(|a| serde_json::json!({ "id": a.id, "service": a.service, "url": a.url, "paid_by": a.paid_by, "paid_until": a.paid_until, "access": a.access })).collect::<Vec<_>>(),
        "documents": p.documents.iter().filter(|d| d.included).map(|d| serde_json::json!({ "id": d.id, "classification": d.classification, "state": d.state, "redactions": d.redactions })).collect::<Vec<_>>(),
        "bundle": { "file": layout::bundle_file(&req.name), "ciphertext_sha256": ct_sha, "signer_key_id": req.sign_key.key_id(), "recipient_fingerprints": recipients },
        "receiver_art14_notice_due": (req.now.date_naive().checked_add_months(chrono::Months::new(1))).map(|d| d.to_string()),
    })
}

/// A document's name in the bag: Unicode NFC, letters, digits, `.`, `-` and `_` only (anything
/// else becomes `_`), at most 100 characters with its extension kept. What `bundle verify` accepts.
pub(crate) fn bag_name(file_name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let safe: Vec<char> =
        file_name.nfc().map(|c| if c.is_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    if safe.len() <= 100 {
        return safe.into_iter().collect();
    }
    let ext: Vec<char> = match safe.iter().rposition(|c| *c == '.') {
        Some(dot) if safe.len() - dot <= 12 => safe[dot..].to_vec(),
        _ => Vec::new(),
    };
    safe[..100 - ext.len()].iter().chain(ext.iter()).collect()
}

/// The included documents, into the zip: redacted on the way, or the reviewer's redacted copy, or
/// as they are; each refused unless its digest is the one registered or reviewed. Returns the
/// redaction report (counts per document, never the text).
fn write_documents<W: std::io::Write>(
    zip: &mut Writer<W>,
    req: &Request<'_>,
    bag: &str,
    files: &mut Vec<Written>,
    io: &dyn Fn(std::io::Error) -> Error,
) -> Result<BTreeMap<String, serde_json::Value>> {
    let (p, carried) = (req.plan, req.carried);
    let mut report = BTreeMap::new();
    for d in p.documents.iter().filter(|d| d.included) {
        let doc = carried
            .documents
            .get(&d.id)
            .ok_or_else(|| Error::Internal(format!("document {} is planned but not carried", d.id)))?;
        let path = format!("{}{}-{}", layout::DOCUMENTS, d.id, bag_name(&d.file_name));
        let w = match d.state {
            DocumentState::Redacted => {
                let with_unknown;
                let r = if d.redact_unknown_names {
                    with_unknown = p.redactor.as_ref().clone().with_unknown_names(true);
                    &with_unknown
                } else {
                    p.redactor.as_ref()
                };
                let source = Path::new(&doc.path);
                if plan::streamed(&d.format, source) {
                    // A large text: redacted a window at a time, twice (its size and CRC, then
                    // into the zip, stored), so memory stays flat whatever its size.
                    let sha = plan::hash_file(source)
                        .ok_or_else(|| Error::bad("document", format!("{} cannot be read", d.id)))?;
                    unchanged(&d.id, &d.file_name, &sha, &doc.sha256)?;
                    let w = zip
                        .add_stored_from(&format!("{bag}/{path}"), |out| {
                            crate::transfer::redact::stream::redact_file(r, &d.format, source, out, 0)
                                .map(|_| ())
                                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
                        })
                        .map_err(|e| match e.kind() {
                            std::io::ErrorKind::InvalidData => {
                                Error::DocumentChanged { id: d.id.to_string(), file_name: d.file_name.clone() }
                            }
                            _ => io(e),
                        })?;
                    unchanged(&d.id, &d.file_name, &w.sha256, d.redacted_sha256.as_deref().unwrap_or_default())?;
                    w
                } else {
                    let (bytes, sha) = plan::read_source(source)
                        .ok_or_else(|| Error::bad("document", format!("{} cannot be read", d.id)))?;
                    unchanged(&d.id, &d.file_name, &sha, &doc.sha256)?;
                    let (red, _) = plan::redact_bytes(&d.format, &bytes, r)?;
                    zip.add_bytes(&format!("{bag}/{path}"), &red, !compressed(&d.file_name)).map_err(io)?
                }
            }
            DocumentState::RedactedCopy => {
                let r =
                    doc.redacted_copy_path.as_deref().ok_or_else(|| Error::Internal("redacted copy missing".into()))?;
                let w = zip.add_file(&format!("{bag}/{path}"), Path::new(&r)).map_err(io)?;
                unchanged(&d.id, &d.file_name, &w.sha256, d.redacted_sha256.as_deref().unwrap_or_default())?;
                w
            }
            // Text is deflated (held in memory up to DEFLATE_IN_MEMORY; larger files are stored,
            // since every local header carries its sizes); compressed formats are stored.
            _ if !compressed(&d.file_name)
                && std::fs::metadata(&doc.path).is_ok_and(|m| m.len() <= DEFLATE_IN_MEMORY) =>
            {
                let bytes = std::fs::read(&doc.path).map_err(|e| Error::io("read", Path::new(&doc.path), e))?;
                let w = zip.add_bytes(&format!("{bag}/{path}"), &bytes, true).map_err(io)?;
                unchanged(&d.id, &d.file_name, &w.sha256, &doc.sha256)?;
                w
            }
            // Stored: read once when its CRC was kept at `document add`, twice otherwise.
            _ => {
                let (name, file) = (format!("{bag}/{path}"), Path::new(&doc.path));
                let w = match doc.crc32 {
                    Some(crc) => zip.add_file_known(&name, file, doc.size, crc),
                    None => zip.add_file(&name, file),
                }
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::InvalidData => {
                        Error::DocumentChanged { id: d.id.to_string(), file_name: d.file_name.clone() }
                    }
                    _ => io(e),
                })?;
                unchanged(&d.id, &d.file_name, &w.sha256, &doc.sha256)?;
                w
            }
        };
        report.insert(path.clone(), serde_json::json!({ "document": d.id, "classification": d.classification, "state": d.state, "redactions": d.redactions }));
        files.push(Written { name: path, ..w });
    }

    Ok(report)
}

/// The bag's structured payload files, held in memory: people, consent history, bases, the mailing
/// list, the suppression list and its key, the accounts (their secrets opened with the custodian's
/// identity), the statistics and the letter.
/// The bag's value files ([`super::values::FILES`]): people, consent events, bases, the texts
/// they cite, mailing list, statistics.
pub(crate) fn value_files(p: &Plan, carried: &Carried) -> Result<Vec<NamedBytes>> {
    Ok(vec![
        (layout::PEOPLE.into(), jsonl(&p.rows)),
        (layout::CONSENT_EVENTS.into(), jsonl(&carried.consent_events)),
        (layout::BASES.into(), jsonl(&carried.bases)),
        (layout::TEXTS.into(), jsonl(&carried.texts)),
        (layout::MAILING_LIST.into(), csv_bytes(&["email", "name", "attributes"], &carried.mailing_list)?),
        (layout::AGGREGATES.into(), serde_json::to_vec_pretty(&p.aggregates).unwrap_or_default()),
    ])
}

/// An account as `accounts.json` carries it, without its secret.
fn account_value(a: &crate::register::accounts::Account) -> serde_json::Value {
    serde_json::json!({
        "id": a.id, "service": a.service, "url": a.url, "login": a.login, "personal_data": a.personal_data,
        "paid_by": a.paid_by, "paid_until": a.paid_until, "recovery_email": a.recovery_email,
        "recovery_phone": a.recovery_phone, "two_factor": a.two_factor, "access": a.access,
        "admins_outgoing": a.admins_outgoing, "admins_incoming": a.admins_incoming,
    })
}

/// Where each included document goes in the bag, with the SHA-256 of what is written there.
fn planned_documents(p: &Plan, carried: &Carried) -> Vec<(String, String)> {
    p.documents
        .iter()
        .filter(|d| d.included)
        .map(|d| {
            let path = format!("{}{}-{}", layout::DOCUMENTS, d.id, bag_name(&d.file_name));
            let sha = match d.state {
                DocumentState::Redacted | DocumentState::RedactedCopy => d.redacted_sha256.clone(),
                _ => carried.documents.get(&d.id).map(|c| c.sha256.clone()),
            };
            (path, sha.unwrap_or_default())
        })
        .collect()
}

/// The digest of every value a bundle of this plan carries (see [`super::values`]).
pub(crate) fn values_digest(p: &Plan, carried: &Carried) -> Result<String> {
    let files = value_files(p, carried)?;
    let accounts: Vec<serde_json::Value> = carried.accounts.iter().map(|c| account_value(&c.account)).collect();
    let suppression = csv_bytes(&["point", "at"], &carried.suppression)?;
    Ok(super::values::digest(
        |name| {
            if name == layout::SUPPRESSION {
                return Some(suppression.as_slice());
            }
            files.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice())
        },
        &accounts,
        &planned_documents(p, carried),
    ))
}

fn small_files(req: &Request<'_>) -> Result<Vec<NamedBytes>> {
    let p = req.plan;
    let carried = req.carried;
    let mut small = value_files(p, carried)?;
    small.push((layout::SUPPRESSION.into(), csv_bytes(&["point", "at"], &carried.suppression)?));
    let key = &carried.suppression_key_hex;
    small.push((
        layout::SUPPRESSION_KEY.into(),
        serde_json::to_vec_pretty(&serde_json::json!({ "algorithm": "ristretto255: the scalar times the point SHA-512 hashes the normalised email to (trimmed, NFC, lower case, IDNA domain), compressed, hex", "scalar_hex": key }))
            .unwrap_or_default(),
    ));
    let mut accounts = Vec::new();
    for CarriedAccount { account: a, sealed_secret } in &carried.accounts {
        let secret = if a.has_secret() {
            let ids = req.identity.as_ref().ok_or_else(|| {
                Error::bad(
                    "--identity",
                    "the bundle carries account secrets: give a custodian's age identity to open them",
                )
            })?;
            let plain = crate::records::vault::decrypt(ids, sealed_secret, &format!("the secret of account {}", a.id))?;
            String::from_utf8_lossy(&plain).into_owned()
        } else {
            String::new()
        };
        let mut v = account_value(a);
        v["secret"] = serde_json::Value::String(secret);
        accounts.push(v);
    }
    small.push((layout::ACCOUNTS.into(), serde_json::to_vec_pretty(&accounts).unwrap_or_default()));
    small.push((layout::LETTER.into(), letter(p, carried, &req.bundle_id, req.now).into_bytes()));

    Ok(small)
}

/// Text documents up to this size are deflated in memory; larger ones are stored.
const DEFLATE_IN_MEMORY: u64 = 16 << 20;

/// Writes to two writers at once (the bundle and its passphrase copy).
struct Tee<A: Write, B: Write> {
    a: A,
    b: Option<B>,
}

impl<A: Write, B: Write> Write for Tee<A, B> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.a.write_all(buf)?;
        if let Some(b) = &mut self.b {
            b.write_all(buf)?;
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.a.flush()?;
        if let Some(b) = &mut self.b {
            b.flush()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_document_keeps_a_name_verify_accepts() {
        assert_eq!(super::bag_name("Minutes 2024 (draft).docx"), "Minutes_2024__draft_.docx");
        // Decomposed (as macOS writes names) becomes composed.
        assert_eq!(super::bag_name("Cafe\u{301}.txt"), "Caf\u{e9}.txt");
        // Invisible and direction-changing characters go.
        assert_eq!(super::bag_name("a\u{202e}b\u{200b}.pdf"), "a_b_.pdf");
        let long = super::bag_name(&format!("{}.pdf", "x".repeat(300)));
        assert_eq!(long.chars().count(), 100);
        assert_eq!(&long[long.len() - 4..], ".pdf");
    }
}
