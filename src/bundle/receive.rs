//! The receiving side of a bundle, end to end: verify every layer, stage the documents and (for a
//! first import) the new register under names nobody can guess, change the register and stage the
//! signed receipt in one transaction, close the register (its log checkpointed into the main
//! file), and only then rename everything into place. A run that fails at any step leaves nothing
//! under a final name and no temporary file; one that was killed leaves temporary files that the
//! next import into that folder removes. Imports into one folder take turns: a second one started
//! while the first runs is refused, and leaves nothing.

use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use super::import::{self, Imported, Options};
use super::read::{self, Contents, Verification};
use super::write::Manifest;
use crate::base::error::{Error, Result};
use crate::base::keys::SigningKey;
use crate::base::staged::{Staged, temp_name};
use crate::domain::model::fmt_ts;
use crate::register::Register;

/// What to receive, and into what.
pub struct Request<'a> {
    /// The encrypted bundle.
    pub file: &'a Path,
    /// The group's identities, to decrypt it.
    pub identities: &'a [age::x25519::Identity],
    /// The sender's signing key, checked against both signatures.
    pub signer: &'a minisign::PublicKey,
    /// The register to create, or the group's own register to merge into.
    pub into: &'a Path,
    /// The custodians account secrets are re-encrypted to.
    pub custodians: &'a [age::x25519::Recipient],
    /// Loads the group's signing key, for the receipt: called once every layer verified and the
    /// register can take the bundle, so that a passphrase is asked last.
    pub key: &'a dyn Fn() -> Result<SigningKey>,
    /// Decides whether the approval's key is one the group checked with the data protection lead
    /// (marking the verification checked), once every layer verified and before anything is
    /// written; an error refuses the bundle.
    pub approver: &'a dyn Fn(&mut Verification) -> Result<()>,
    /// The day of the group's first message to the people received, if sooner than a month.
    pub first_message: Option<NaiveDate>,
    /// Who runs the import (recorded in the audit log).
    pub actor: &'a str,
    /// The time of the import.
    pub now: DateTime<Utc>,
    /// Show progress while verifying.
    pub progress: bool,
    /// How many times its own size a bundle's contents may expand.
    pub max_expand: u64,
}

/// How a receive ended.
pub enum Received {
    /// A layer failed to verify: nothing was written.
    Refused(Verification),
    /// Imported, with the receipt to send back.
    Imported {
        /// What the import did.
        imported: Imported,
        /// Where the signed receipt is (its signature beside it as `.minisig`).
        receipt: PathBuf,
        /// Temporary files of earlier imports that were stopped part-way, removed first.
        leftovers_removed: usize,
        /// The handover letters written beside the register: plain English, and easy read.
        letters: (PathBuf, PathBuf),
        /// The bundle's signed manifest (the controllers, the counts held back by reason).
        manifest: Box<Manifest>,
    },
}

/// The folder the register is in.
fn folder_of(into: &Path) -> &Path {
    into.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Hold the folder for this import: imports into one folder take turns. The lock is the
/// operating system's (released when the process ends, however it ends), so nothing is left to
/// clear by hand.
fn lock_folder(into: &Path) -> Result<File> {
    let dir = folder_of(into);
    // A folder made for the register is the group's alone (0700), whatever the umask.
    if !dir.as_os_str().is_empty() && !dir.exists() {
        owner_only_dir(dir)?;
    }
    let f = File::open(dir).map_err(|e| Error::io("open", dir, e))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::bad(
            "--into",
            format!(
                "another bundle import into {} is running; wait for it to finish, then run this again",
                dir.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io("lock", dir, e)),
    }
}

/// Whether a file name is a temporary name an import into `into` makes: the register's, its
/// documents folder's, or a receipt's.
fn is_import_temp(name: &str, into: &Path, docs: &Path) -> bool {
    let base = |p: &Path| p.file_name().map(|n| format!(".{}.tmp-", n.to_string_lossy())).unwrap_or_default();
    let Some(rest) = name.strip_prefix('.') else { return false };
    name.starts_with(&base(into))
        || name.starts_with(&base(docs))
        || [".receipt.json.tmp-", ".receipt.json.minisig.tmp-"].iter().any(|t| rest.contains(t))
        || (rest.starts_with("HANDOVER-LETTER") && rest.contains(".html.tmp-"))
}

/// The final name of a receipt or letter an import staged (`.NAME.tmp-RANDOM` → `NAME`).
fn staged_final(name: &str) -> Option<&str> {
    let rest = name.strip_prefix('.')?;
    let (final_name, _) = rest.rsplit_once(".tmp-")?;
    (final_name.contains(".receipt.json") || final_name.starts_with("HANDOVER-LETTER")).then_some(final_name)
}

/// Clear what earlier imports into this folder left when they were killed. A receipt or letter an
/// import wrote before its commit, whose bundle the register holds but whose file never got its
/// name (killed between the commit and the rename), is put in place: the receipt is not lost.
/// Everything else is removed. Called with the folder locked, so no other import's files are
/// touched. Returns how many were cleared.
fn remove_leftovers(into: &Path, docs: &Path, existing: Option<&Register>) -> Result<usize> {
    let dir = folder_of(into);
    let mut removed = 0;
    for e in std::fs::read_dir(dir).map_err(|e| Error::io("read", dir, e))?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !is_import_temp(&name, into, docs) {
            continue;
        }
        let p = e.path();
        if let (Some(reg), Some(final_name)) = (existing, staged_final(&name)) {
            // The bundle it belongs to: `ID.receipt.json…`, or `HANDOVER-LETTER-ID….html` (a
            // follow-up's letters; a first import's are renamed before its register is).
            let bundle = match final_name.strip_prefix("HANDOVER-LETTER-") {
                Some(rest) => rest.trim_end_matches(".html").trim_end_matches("-easy-read"),
                None => final_name.split(".receipt.json").next().unwrap_or_default(),
            };
            let imported = bundle.starts_with("bdl_") && crate::register::imports::import_seen(reg, bundle)?.is_some();
            let target = dir.join(final_name);
            if imported && !target.exists() && e.file_type().is_ok_and(|t| t.is_file()) {
                std::fs::rename(&p, &target).map_err(|e| Error::io("rename into", &target, e))?;
                removed += 1;
                continue;
            }
        }
        // Never follow a link: a link is removed itself.
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        let gone = if is_dir { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
        gone.map_err(|e| Error::io("remove the leftover", &p, e))?;
        removed += 1;
    }
    Ok(removed)
}

/// Make a folder (and any missing parents) whose last part is owner-only (0700), whatever the
/// umask. The last part is created here, never one that was there already.
pub fn owner_only_dir(path: &Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    std::fs::DirBuilder::new().mode(0o700).create(path).map_err(|e| Error::io("create the folder", path, e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io("create the folder", path, e))
}

/// Refuse a bundle the register it would merge into cannot take: one for another group, or one
/// imported before.
fn check_merge(reg: &Register, into: &Path, v: &Verification) -> Result<()> {
    let own = crate::register::catalogue::self_controller(reg)?;
    if Some(own.slug.as_str()) != v.to.as_deref() {
        return Err(Error::bad(
            "--into",
            format!(
                "{} is the register of {}, but the bundle is for {}: import it into that group's register",
                into.display(),
                own.slug,
                v.to.as_deref().unwrap_or("?")
            ),
        ));
    }
    let id = v.bundle_id.clone().unwrap_or_default();
    if let Some((_, at)) = crate::register::imports::import_seen(reg, &id)? {
        return Err(Error::bad(
            "FILE",
            format!("bundle {id} was imported into {} on {at}; a bundle is imported once", into.display()),
        ));
    }
    Ok(())
}

/// A follow-up's documents join the folder: one already there unchanged is kept once; one there
/// with other content is refused before anything changes.
fn check_documents_fit(contents: &Contents, docs: &Path) -> Result<()> {
    for (_, p) in &contents.documents {
        let target = docs.join(p.file_name().unwrap_or_default());
        if target.exists() && crate::transfer::plan::hash_file(&target) != crate::transfer::plan::hash_file(p) {
            return Err(Error::bad(
                "FILE",
                format!(
                    "{} is already in the documents folder with other content: move it aside (or rename it) and import again",
                    target.display()
                ),
            ));
        }
    }
    Ok(())
}

/// The temporary names of one import, removed on drop unless published.
struct Temps {
    docs: PathBuf,
    register: Option<PathBuf>,
}

impl Drop for Temps {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.docs);
        if let Some(r) = &self.register {
            for ext in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{ext}", r.display()));
            }
        }
    }
}

/// Verify a bundle and import it: see the module documentation. A folder made for the register is
/// removed again when nothing was imported into it.
pub fn receive(r: &Request<'_>) -> Result<Received> {
    let dir = folder_of(r.into);
    let made = !dir.exists();
    let result = receive_in(r);
    if made && !matches!(result, Ok(Received::Imported { .. })) {
        // Empty unless another run wrote into it meanwhile: then it stays.
        let _ = std::fs::remove_dir(dir);
    }
    result
}

fn receive_in(r: &Request<'_>) -> Result<Received> {
    let into = r.into;
    let docs = import::documents_folder(into);
    let _lock = lock_folder(into)?;
    // An existing register is the group's own: the bundle merges into it.
    let existing = if into.exists() { Some(Register::open(into, r.actor)?) } else { None };
    let leftovers_removed = remove_leftovers(into, &docs, existing.as_ref())?;
    // The bundle is opened once: what is verified is what is extracted and imported, whatever
    // happens to the file's name meanwhile.
    let opened = read::Opened::open(r.file).map_err(|e| Error::io("read", r.file, e))?;
    let mut v = read::verify_opened(&opened, r.identities, r.signer, r.progress, r.max_expand);
    if !v.valid {
        return Ok(Received::Refused(v));
    }
    (r.approver)(&mut v)?;
    if let Some(reg) = &existing {
        check_merge(reg, into, &v)?;
    } else if docs.exists() {
        return Err(Error::io("create", &docs, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
    }
    let fresh = existing.is_none();
    let temps = Temps { docs: temp_name(&docs)?, register: if fresh { Some(temp_name(into)?) } else { None } };
    owner_only_dir(&temps.docs)?;
    let contents = read::extract(&opened, r.identities, &temps.docs, r.max_expand, r.progress)
        .map_err(|why| Error::Decrypt { what: format!("bundle '{}'", r.file.display()), why })?;
    // Every check verification made holds for these bytes: the same ciphertext, the same id.
    if Some(&contents.ciphertext_sha256) != v.ciphertext_sha256.as_ref()
        || Some(&contents.manifest.bundle_id) != v.bundle_id.as_ref()
    {
        return Err(Error::bad(
            "FILE",
            format!(
                "{} changed while it was being read: nothing was imported; keep the bundle in a folder only you can write to, and receive it again",
                r.file.display()
            ),
        ));
    }
    if !fresh {
        check_documents_fit(&contents, &docs)?;
    }
    let opts = Options {
        custodians: r.custodians,
        transfer_at: crate::domain::model::parse_timestamp(&contents.manifest.created_at).unwrap_or(r.now),
        merge: !fresh,
        first_message: r.first_message,
        ciphertext_sha256: v.ciphertext_sha256.clone().unwrap_or_default(),
        bundle_name: r
            .file
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".zip.age").to_string())
            .unwrap_or_default(),
        recipients: r.identities.iter().map(|i| i.to_public().to_string()).collect(),
    };
    let m = &contents.manifest;
    let dir = folder_of(into);
    let receipt_path = dir.join(format!("{}.receipt.json", m.bundle_id));
    let receipt_sig = dir.join(format!("{}.receipt.json.minisig", m.bundle_id));
    let letters = letter_paths(dir, &m.bundle_id);
    // Another register in this folder took this bundle: its receipt is its own, never replaced
    // (nor removed by a failure here).
    if let Some(taken) = [&receipt_path, &receipt_sig].into_iter().find(|p| p.exists()) {
        return Err(Error::bad(
            "--into",
            format!(
                "{} is already in this folder: the bundle was imported into another register here; give a folder of its own",
                taken.display()
            ),
        ));
    }
    // What a failed publish may remove: only names this import would have created.
    let ours: Vec<PathBuf> =
        [&receipt_path, &receipt_sig, &letters.0, &letters.1].into_iter().filter(|p| !p.exists()).cloned().collect();
    // The register is changed, and the receipt staged beside it, in one transaction: if the
    // receipt cannot be written, nothing is imported. A new register is closed (its log
    // checkpointed into the main file) before anything is renamed into place.
    let key = (r.key)()?;
    let mut staged = Staged::new();
    let mut reg = match (existing, &temps.register) {
        (Some(reg), _) => reg,
        (None, Some(tmp)) => Register::create(tmp, r.actor)?,
        (None, None) => unreachable!("a first import has a temporary register"),
    };
    let imported = reg.change(r.now, |c| {
        let imported = import::apply(c, &contents, &opts)?;
        // The documents are the group's too: registered where they will be once published.
        super::documents::register(c, &contents, &std::path::absolute(&docs).unwrap_or_else(|_| docs.clone()))?;
        // Whoever approves transfers for this register does not also sign its receipts.
        if crate::register::approvers::current_with_key(c, &key.key_id())?.is_some() {
            return Err(Error::bad(
                "--sign-key",
                format!("key {} is an approver's key: a receipt is signed with the group's own key", key.key_id()),
            ));
        }
        crate::register::approvers::note_signing_key(
            c,
            &key.key_id(),
            "receipt",
            &crate::domain::model::fmt_ts(c.now),
        )?;
        let (receipt, sig) = receipt(&key, m, &v, &imported, r.now)?;
        staged.write(&receipt_path, 0o600, &receipt)?;
        staged.write(&receipt_sig, 0o600, sig.as_bytes())?;
        let facts = letter_facts(c, &contents, &imported, r.now, &receipt_path)?;
        staged.write(&letters.0, 0o600, crate::audit::letter::plain(&facts).as_bytes())?;
        staged.write(&letters.1, 0o600, crate::audit::letter::easy_read(&facts).as_bytes())?;
        Ok(imported)
    })?;
    reg.close()?;
    publish(into, &docs, &temps, staged, &contents).inspect_err(|_| {
        if fresh {
            // Nothing of a first import stays under a final name.
            for p in &ours {
                let _ = std::fs::remove_file(p);
            }
            let _ = std::fs::remove_dir_all(&docs);
        }
    })?;
    let mut imported = imported;
    imported.register = into.display().to_string();
    imported.documents_folder = docs.display().to_string();
    Ok(Received::Imported {
        imported,
        receipt: receipt_path,
        letters,
        leftovers_removed,
        manifest: Box::new(contents.manifest),
    })
}

/// What the sender's redaction took out of the documents, in all (its redaction report's counts).
fn redactions(contents: &Contents) -> usize {
    super::documents::redaction_report(contents)
        .values()
        .filter_map(|d| d["redactions"].as_object())
        .flat_map(|r| r.values().filter_map(serde_json::Value::as_u64))
        .map(|n| usize::try_from(n).unwrap_or_default())
        .sum()
}

/// Rename what an import staged into place: the receipt, then the documents and (for a first
/// import) the register.
fn publish(into: &Path, docs: &Path, temps: &Temps, staged: Staged, contents: &Contents) -> Result<()> {
    if let Some(tmp_reg) = &temps.register {
        if into.exists() {
            return Err(Error::RegisterExists { path: into.to_path_buf() });
        }
        staged.publish()?;
        std::fs::rename(&temps.docs, docs).map_err(|e| Error::io("rename into", docs, e))?;
        std::fs::rename(tmp_reg, into).map_err(|e| Error::io("rename into", into, e))?;
        return Ok(());
    }
    staged.publish()?;
    if !docs.exists() {
        owner_only_dir(docs)?;
    }
    for (_, p) in &contents.documents {
        let target = docs.join(p.file_name().unwrap_or_default());
        if !target.exists() {
            std::fs::rename(p, &target).map_err(|e| Error::io("rename into", &target, e))?;
        }
    }
    Ok(())
}

/// The letters' names beside the register: `HANDOVER-LETTER.html` and
/// `HANDOVER-LETTER-easy-read.html`, or, when a bundle before this one left letters there, the
/// same names with this bundle's id (the earlier letters stay as they were).
fn letter_paths(dir: &Path, bundle_id: &str) -> (PathBuf, PathBuf) {
    let first = (dir.join("HANDOVER-LETTER.html"), dir.join("HANDOVER-LETTER-easy-read.html"));
    if !first.0.exists() && !first.1.exists() {
        return first;
    }
    (
        dir.join(format!("HANDOVER-LETTER-{bundle_id}.html")),
        dir.join(format!("HANDOVER-LETTER-{bundle_id}-easy-read.html")),
    )
}

/// What the letters say, from the bundle and from the register as the import left it (the tasks'
/// due dates are the register's own).
fn letter_facts(
    c: &crate::register::Change<'_>,
    contents: &Contents,
    imported: &Imported,
    now: DateTime<Utc>,
    receipt: &Path,
) -> Result<crate::audit::letter::Facts> {
    let m = &contents.manifest;
    let party = |role: &str| m.controllers.iter().find(|c| c.role == role);
    let tasks = crate::register::tasks::tasks(c, false)?;
    let due = |kind: &str, subjects: &[String]| {
        tasks
            .iter()
            .filter(|t| t.kind == kind && (subjects.is_empty() || subjects.contains(&t.subject)))
            .filter_map(|t| crate::domain::model::parse_date(&t.due))
            .min()
    };
    let accounts: Vec<serde_json::Value> =
        serde_json::from_slice(contents.files.get(super::layout::ACCOUNTS).map(Vec::as_slice).unwrap_or(b"[]"))
            .unwrap_or_default();
    let field = |a: &serde_json::Value, k: &str| a.get(k).and_then(serde_json::Value::as_str).unwrap_or("").to_string();
    let ids: Vec<String> = accounts.iter().map(|a| field(a, "id")).collect();
    let today = crate::domain::deadline::london_date(now);
    let made = crate::domain::model::parse_timestamp(&m.created_at).map_or(today, crate::domain::deadline::london_date);
    let counts = |k: &str| m.counts.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0) as usize;
    let by_reason: std::collections::BTreeMap<String, usize> =
        serde_json::from_value(m.counts.get("register_by_reason").cloned().unwrap_or_default()).unwrap_or_default();
    Ok(crate::audit::letter::Facts {
        community: m.community.clone(),
        from: party("from").map_or_else(|| m.from.clone(), |c| c.name.clone()),
        from_contact: party("from").and_then(|c| c.contact.clone()),
        to: party("to").map_or_else(|| m.to.clone(), |c| c.name.clone()),
        bundle_id: m.bundle_id.clone(),
        made,
        received: Some(today),
        people: imported.people,
        mailing_list: counts("mailing_list_included"),
        documents: imported.documents,
        redactions: redactions(contents),
        accounts: accounts
            .iter()
            .map(|a| (field(a, "id"), field(a, "service"), field(a, "url"), field(a, "access") != "admins"))
            .collect(),
        paid_until: accounts.iter().map(|a| Some(field(a, "paid_until")).filter(|d| !d.is_empty())).collect(),
        held_back: super::write::held_back(&by_reason),
        notice_due: due("art14_notice", std::slice::from_ref(&m.bundle_id))
            .unwrap_or_else(|| made.checked_add_months(chrono::Months::new(1)).unwrap_or(made)),
        rotation_due: due("rotate_account", &ids).unwrap_or(today + chrono::Duration::days(14)),
        receipt: receipt.file_name().map(|n| n.to_string_lossy().into_owned()),
    })
}

/// The signed receipt for an imported bundle: its id and ciphertext digest, what was imported, and
/// the sender's audit checkpoint cosigned by the group. Returns the JSON and its `.minisig`.
fn receipt(
    key: &SigningKey,
    m: &Manifest,
    v: &Verification,
    imported: &Imported,
    now: DateTime<Utc>,
) -> Result<(Vec<u8>, String)> {
    let ct_sha = v.ciphertext_sha256.clone().unwrap_or_default();
    let body = m.audit_checkpoint.split_once("\n\n").map(|(b, _)| format!("{b}\n")).unwrap_or_default();
    let (seed, _) = key.ed25519();
    let cosigned = format!(
        "{}{}",
        m.audit_checkpoint,
        crate::base::checkpoint::sign(&body, &crate::register::audit::origin(&m.to), &seed)
            .split_once("\n\n")
            .map(|(_, sig)| sig.to_string())
            .unwrap_or_default()
    );
    let receipt = serde_json::json!({
        "format": "handover-receipt",
        "format_version": 1,
        "bundle_id": m.bundle_id,
        "ciphertext_sha256": ct_sha,
        "from": m.from,
        "to": m.to,
        "received_at": fmt_ts(now),
        "receiver_key_id": key.key_id(),
        "counts": { "people": imported.people, "consent_events": imported.consent_events, "accounts": imported.accounts, "documents": imported.documents },
        "sender_checkpoint_cosigned": cosigned,
    });
    let bytes = crate::base::encode::json_pretty(&receipt)?;
    let sig = key.sign(&bytes[..], &format!("receipt for bundle {}", m.bundle_id))?;
    Ok((bytes, sig))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_imports_own_temporary_names_count_as_leftovers() {
        let into = Path::new("/g/register.db");
        let docs = Path::new("/g/register-documents");
        for name in [
            ".register.db.tmp-0123456789abcdef",
            ".register-documents.tmp-0123456789abcdef",
            ".bnd_1.receipt.json.tmp-0123",
            ".bnd_1.receipt.json.minisig.tmp-0123",
            ".HANDOVER-LETTER.html.tmp-0123",
            ".HANDOVER-LETTER-bdl_0123456789ab-easy-read.html.tmp-0123",
        ] {
            assert!(is_import_temp(name, into, docs), "{name}");
        }
        for name in ["register.db", ".other.db.tmp-01", "bnd_1.receipt.json", ".bnd_1.age.tmp-01", "notes.txt"] {
            assert!(!is_import_temp(name, into, docs), "{name}");
        }
    }
}
