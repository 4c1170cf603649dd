//! Verifying a bundle, every layer in one pass, failing closed and naming the first layer that
//! fails: outer signature (by the expected signer, over the ciphertext) → decryption → zip entries
//! (paths, duplicates, links, sizes) → inner signature over `handover.json` → every payload file's
//! SHA-256 and size against it, and no file it does not list → the shape of every JSON and CSV file
//! → the rules (R1, R3) re-checked on the content. Nothing is written while verifying: the zip is
//! read from the decrypted stream, not from a plaintext temporary file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::layout;
use super::write::{FileEntry, Manifest};
use super::zipstream::{Limits, Reader};
use crate::domain::model::VerifyLayer;

/// The outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub valid: bool,
    /// The first layer that failed: outer_signature, decryption, zip, inner_signature, contents,
    /// schemas, rules, approval.
    pub layer: Option<VerifyLayer>,
    pub file: Option<String>,
    pub why: Option<String>,
    pub bundle_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub files: usize,
    pub payload_bytes: u64,
    /// SHA-256 of the bundle file as read, taken in the same pass as the signature check.
    pub ciphertext_sha256: Option<String>,
    /// Who approved the plan (the data protection lead's registered name), and the id and
    /// fingerprint of the key whose signature verified (computed from that key, never taken from
    /// the approval's own fields).
    pub approved_by: Option<String>,
    pub approver_key_id: Option<String>,
    pub approver_fingerprint: Option<String>,
    /// That key (RW…), for the receiver to compare with the one it trusts.
    pub approver_public_key: Option<String>,
    /// Whether the receiver has checked that key with the data protection lead (it trusts it as
    /// the approver for this sender, or gave it with `--approver`).
    pub approver_checked: bool,
}

pub(super) struct Fail(pub(super) VerifyLayer, pub(super) Option<String>, pub(super) String);

/// A bundle opened once, with its signature read once: every pass (the outer signature, the
/// contents check, the extraction) reads this one open file, each at its own offset, so a file
/// swapped under the same name between the passes is never read.
pub struct Opened {
    file: std::sync::Arc<std::fs::File>,
    size: u64,
    name: String,
    /// The `.minisig` beside it, as read when the bundle was opened (`Err`: why it could not be).
    sig: Result<String, String>,
}

impl Opened {
    /// Open `bundle` and read the signature beside it.
    pub fn open(bundle: &Path) -> std::io::Result<Opened> {
        let file = std::fs::File::open(bundle)?;
        let size = file.metadata()?.len();
        let name = bundle.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let sig = match crate::base::keys::read_small(&bundle.with_file_name(layout::signature_file(&name))) {
            Ok(text) => Ok(text.to_string()),
            Err(crate::base::error::Error::Io { .. }) => Err("the signature file is missing".into()),
            Err(e) => Err(e.to_string()),
        };
        Ok(Opened { file: std::sync::Arc::new(file), size, name, sig })
    }

    /// A reader of the whole file from `from`, independent of every other reader of it.
    fn reader(&self, from: u64) -> At {
        At { file: self.file.clone(), pos: from }
    }
}

/// A reader of an [`Opened`] file at its own offset (`pread`).
struct At {
    file: std::sync::Arc<std::fs::File>,
    pos: u64,
}

impl std::io::Read for At {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

pub(super) const MAX_KEPT: usize = 256 << 20;

/// How far a bundle's contents may expand: at most this many times the bundle's own size (its
/// ciphertext), and never refused under [`EXPAND_FLOOR`]. Documents are mostly compressed already
/// and the structured files compress about 5 to 10 times; a zip bomb goes far beyond.
pub const DEFAULT_MAX_EXPAND: u64 = 20;
/// Contents up to this size are never refused for their expansion (64 MiB).
pub const EXPAND_FLOOR: u64 = 64 << 20;

/// The zip limits for a bundle of `size` bytes: the total its entries declare is at most
/// `max_expand` times that (or [`EXPAND_FLOOR`]), checked before any entry is read.
pub fn limits_for(size: u64, max_expand: u64) -> Limits {
    let d = Limits::default();
    Limits { max_total: size.saturating_mul(max_expand).max(EXPAND_FLOOR).min(d.max_total), ..d }
}

/// Verify `bundle` (with `bundle.minisig` beside it), its contents expanding at most `max_expand`
/// times its size.
pub fn verify(
    bundle: &Path,
    identities: &[age::x25519::Identity],
    signer: &minisign::PublicKey,
    progress: bool,
    max_expand: u64,
) -> Verification {
    match Opened::open(bundle) {
        Ok(o) => verify_opened(&o, identities, signer, progress, max_expand),
        Err(_) => {
            let mut v = blank();
            v.layer = Some(VerifyLayer::OuterSignature);
            v.file = Some(bundle.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()));
            v.why = Some("the bundle cannot be read".into());
            v
        }
    }
}

/// Verify a bundle opened once (see [`Opened`]).
pub fn verify_opened(
    bundle: &Opened,
    identities: &[age::x25519::Identity],
    signer: &minisign::PublicKey,
    progress: bool,
    max_expand: u64,
) -> Verification {
    let mut v = blank();
    match run(bundle, identities, signer, &mut v, progress, max_expand) {
        Ok(()) => v.valid = true,
        Err(Fail(layer, file, why)) => {
            v.layer = Some(layer);
            v.file = file;
            v.why = Some(why);
        }
    }
    v
}

/// A verification with nothing found yet.
fn blank() -> Verification {
    Verification {
        valid: false,
        layer: None,
        file: None,
        why: None,
        bundle_id: None,
        from: None,
        to: None,
        files: 0,
        payload_bytes: 0,
        ciphertext_sha256: None,
        approved_by: None,
        approver_key_id: None,
        approver_fingerprint: None,
        approver_public_key: None,
        approver_checked: false,
    }
}

fn run(
    bundle: &Opened,
    identities: &[age::x25519::Identity],
    signer: &minisign::PublicKey,
    v: &mut Verification,
    progress: bool,
    max_expand: u64,
) -> Result<(), Fail> {
    let name = bundle.name.clone();
    // 1. The outer signature, over the ciphertext, by the expected signer.
    let sig = bundle
        .sig
        .clone()
        .map_err(|why| Fail(VerifyLayer::OuterSignature, Some(layout::signature_file(&name)), why))?;
    // The signature's verdict comes first: nothing the bundle holds is decrypted or parsed until
    // the sender's key is known to have signed these bytes (the SHA-256 is taken in the same pass).
    // The file is read and its SHA-256 taken on the other core, while this one takes the
    // signature's hash of the same bytes.
    let hashing = Hashing { inner: bundle.reader(0), sha: Sha256::new(), ended: false };
    let (outer, hashed) = crate::base::ahead::read_ahead(hashing, |r| {
        crate::base::keys::verify(signer, &sig, BufReader::with_capacity(1 << 20, r))
    });
    // The digest of the whole file, when it was read to its end.
    v.ciphertext_sha256 = hashed.ended.then(|| hex::encode(hashed.sha.finalize()));
    if let Err(e) = outer {
        return Err(Fail(VerifyLayer::OuterSignature, Some(name), e.to_string()));
    }
    let size = bundle.size;
    contents(
        bundle,
        &name,
        identities,
        signer,
        v,
        crate::base::progress::Progress::new("verify", size, progress),
        limits_for(size, max_expand),
    )
}

/// A reader that hashes what it reads.
struct Hashing<R> {
    inner: R,
    sha: Sha256,
    /// Whether it was read to its end.
    ended: bool,
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        self.ended |= n == 0 && !buf.is_empty();
        Ok(n)
    }
}

/// A reader that counts what it reads into a progress display.
struct Counted<R> {
    inner: R,
    progress: crate::base::progress::Progress,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}

/// Layers 2 onwards: decryption, the zip, the inner signature, the contents and the rules.
fn contents(
    bundle: &Opened,
    name: &str,
    identities: &[age::x25519::Identity],
    signer: &minisign::PublicKey,
    v: &mut Verification,
    progress: crate::base::progress::Progress,
    limits: Limits,
) -> Result<(), Fail> {
    let name = name.to_string();
    // 2. Decryption.
    let f = bundle.reader(0);
    let ids: Vec<&dyn age::Identity> = identities.iter().map(|i| i as &dyn age::Identity).collect();
    let plain = crate::records::vault::open(Counted { inner: f, progress }, &ids)
        .map_err(|e| Fail(VerifyLayer::Decryption, Some(name.clone()), e.why().to_string()))?;
    // 3. The zip, read from the decrypted stream (decrypted on the other core, a few chunks
    // ahead: each chunk still only after its tag checks).
    let (entries, _) = crate::base::ahead::read_ahead(plain, |plain| read_zip(&mut Reader::new(plain, limits)));
    let Entries { tags, kept, payload } = entries?;
    // 4. The inner signature.
    let m = signed_manifest(&tags, signer)?;
    v.bundle_id = Some(m.bundle_id.clone());
    v.from = Some(m.from.clone());
    v.to = Some(m.to.clone());
    // 5. Every payload file against the signed manifest, and nothing else.
    payload_as_signed(&m, &tags, &payload)?;
    v.files = m.files.len();
    v.payload_bytes = m.files.iter().map(|f| f.size).sum();
    // 6. Shapes and 7. rules.
    super::check::shapes_and_rules(&m, &tags, &kept)?;
    // 8. The data protection lead's approval covers exactly what arrived.
    let a = approval(&m, &kept, &payload)?;
    v.approved_by = Some(a.approver.clone());
    // The key that verified the approval's signature names it.
    if let Some(pk) = a.public_key.as_deref().and_then(|k| minisign::PublicKey::from_base64(k.trim()).ok()) {
        v.approver_key_id = Some(crate::base::keys::key_id(pk.keynum()));
        v.approver_fingerprint = Some(crate::base::keys::signer_fingerprint(&pk));
        v.approver_public_key = Some(pk.to_base64());
    }
    Ok(())
}

/// Layer 8: the signed approval in the manifest holds (its signature, by the key it names), is
/// of this plan, and its values digest is that of the values the bag carries.
fn approval<'a>(
    m: &'a Manifest,
    kept: &BTreeMap<String, Vec<u8>>,
    payload: &BTreeMap<String, (u64, String)>,
) -> Result<&'a crate::register::transfers::Approval, Fail> {
    let fail = |why: &str| Fail(VerifyLayer::Approval, Some(layout::MANIFEST.into()), why.to_string());
    let a = m.approval.as_ref().ok_or_else(|| fail("the bundle carries no approval by the data protection lead"))?;
    if !a.signature_holds(&m.from, &m.to) {
        return Err(fail("the approval's signature does not hold"));
    }
    if a.digest != m.plan_digest {
        return Err(fail("the approval is of another plan"));
    }
    if a.bundle_id.as_deref() != Some(m.bundle_id.as_str()) {
        return Err(fail(
            "the approval is for another bundle: one approval makes one bundle, and this one was not approved",
        ));
    }
    // Separation of duties: the key that signed the bundle cannot approve it.
    let approver_key = a.public_key.as_deref().and_then(|k| minisign::PublicKey::from_base64(k.trim()).ok());
    if approver_key.is_some_and(|k| crate::base::keys::key_id(k.keynum()) == m.signer_key_id) {
        return Err(fail(
            "the approval is signed by the key that signed the bundle: a sender cannot approve their own transfer",
        ));
    }
    let accounts: Vec<serde_json::Value> =
        kept.get(layout::ACCOUNTS).and_then(|b| serde_json::from_slice(b).ok()).unwrap_or_default();
    let documents: Vec<(String, String)> = payload
        .iter()
        .filter(|(p, _)| p.starts_with(layout::DOCUMENTS))
        .map(|(p, (_, sha))| (p.clone(), sha.clone()))
        .collect();
    let got = super::values::digest(|name| kept.get(name).map(Vec::as_slice), &accounts, &documents);
    if a.values_digest.as_deref() != Some(got.as_str()) {
        return Err(fail("the values the bundle carries are not the ones the data protection lead approved"));
    }
    Ok(a)
}

/// What the zip holds: the tag files and the structured payload files (in memory), and every
/// payload file's size and SHA-256.
struct Entries {
    tags: BTreeMap<String, Vec<u8>>,
    kept: BTreeMap<String, Vec<u8>>,
    payload: BTreeMap<String, (u64, String)>,
}

/// Layer 3, the zip, read from the decrypted stream: one top folder, nothing outside `data/` but the
/// format's tag files; every payload file hashed as it streams.
fn read_zip<R: std::io::Read>(zip: &mut Reader<R>) -> Result<Entries, Fail> {
    let mut bag: Option<String> = None;
    let mut tags: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut kept: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut payload: BTreeMap<String, (u64, String)> = BTreeMap::new();
    loop {
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf: Vec<u8> = Vec::new();
        let mut keep = false;
        let mut overflow = false;
        let entry = zip
            .next(|e, chunk| {
                if size == 0 && buf.is_empty() {
                    let rel = e.name.split_once('/').map_or("", |(_, r)| r);
                    keep = layout::TAG_FILES.contains(&rel) || layout::KEPT.contains(&rel);
                }
                hasher.update(chunk);
                size += chunk.len() as u64;
                if keep {
                    if buf.len() + chunk.len() > MAX_KEPT {
                        overflow = true;
                    } else {
                        buf.extend_from_slice(chunk);
                    }
                }
                Ok(())
            })
            .map_err(|e| Fail(VerifyLayer::Zip, None, e.0))?;
        let Some(entry) = entry else { break };
        let (top, rel) = entry.name.split_once('/').ok_or_else(|| {
            Fail(VerifyLayer::Zip, Some(entry.name.clone()), "every entry must be inside the bag's folder".into())
        })?;
        match &bag {
            None => bag = Some(top.to_string()),
            Some(b) if b != top => {
                return Err(Fail(
                    VerifyLayer::Zip,
                    Some(entry.name.clone()),
                    "entries from more than one top folder".into(),
                ));
            }
            _ => {}
        }
        if overflow {
            return Err(Fail(VerifyLayer::Zip, Some(rel.to_string()), "a tag file is too large".into()));
        }
        if rel.starts_with(layout::DATA) {
            if layout::KEPT.contains(&rel) {
                kept.insert(rel.to_string(), buf);
            }
            payload.insert(rel.to_string(), (size, hex::encode(hasher.finalize())));
        } else if layout::TAG_FILES.contains(&rel) {
            tags.insert(rel.to_string(), buf);
        } else {
            return Err(Fail(
                VerifyLayer::Contents,
                Some(rel.to_string()),
                "a file outside data/ that the bundle format does not have".into(),
            ));
        }
    }
    Ok(Entries { tags, kept, payload })
}

/// Layer 4, the inner signature over `handover.json` by the expected signer, and the manifest's
/// format.
fn signed_manifest(tags: &BTreeMap<String, Vec<u8>>, signer: &minisign::PublicKey) -> Result<Manifest, Fail> {
    let manifest_bytes = tags
        .get(layout::MANIFEST)
        .ok_or_else(|| Fail(VerifyLayer::InnerSignature, Some(layout::MANIFEST.into()), "missing".into()))?;
    let manifest_sig = tags
        .get(layout::MANIFEST_SIG)
        .ok_or_else(|| Fail(VerifyLayer::InnerSignature, Some(layout::MANIFEST_SIG.into()), "missing".into()))?;
    let sig_text = String::from_utf8(manifest_sig.clone())
        .map_err(|_| Fail(VerifyLayer::InnerSignature, Some(layout::MANIFEST_SIG.into()), "not text".into()))?;
    crate::base::keys::verify(signer, &sig_text, std::io::Cursor::new(manifest_bytes))
        .map_err(|e| Fail(VerifyLayer::InnerSignature, Some(layout::MANIFEST.into()), e.to_string()))?;
    super::check::manifest(manifest_bytes)
}

/// Layer 5, every payload file against the signed manifest (size and SHA-256, nothing missing,
/// nothing extra), with the BagIt declaration and manifests.
fn payload_as_signed(
    m: &Manifest,
    tags: &BTreeMap<String, Vec<u8>>,
    payload: &BTreeMap<String, (u64, String)>,
) -> Result<(), Fail> {
    let listed: BTreeMap<&str, &FileEntry> = m.files.iter().map(|f| (f.path.as_str(), f)).collect();
    if listed.len() != m.files.len() {
        return Err(Fail(VerifyLayer::Contents, Some(layout::MANIFEST.into()), "a file is listed twice".into()));
    }
    for (path, f) in &listed {
        match payload.get(*path) {
            None => {
                return Err(Fail(
                    VerifyLayer::Contents,
                    Some(path.to_string()),
                    "listed in handover.json but missing".into(),
                ));
            }
            Some((size, sha)) if *size != f.size || *sha != f.sha256 => {
                return Err(Fail(
                    VerifyLayer::Contents,
                    Some(path.to_string()),
                    "does not match its SHA-256 and size in handover.json".into(),
                ));
            }
            _ => {}
        }
    }
    if let Some(extra) = payload.keys().find(|p| !listed.contains_key(p.as_str())) {
        return Err(Fail(
            VerifyLayer::Contents,
            Some(extra.clone()),
            "in the bag but not listed in handover.json".into(),
        ));
    }
    for t in layout::TAG_FILES {
        if !tags.contains_key(*t) {
            return Err(Fail(VerifyLayer::Contents, Some((*t).to_string()), "missing".into()));
        }
    }
    let manifest_txt: BTreeSet<String> =
        String::from_utf8_lossy(&tags[layout::PAYLOAD_MANIFEST]).lines().map(String::from).collect();
    let expected: BTreeSet<String> = m.files.iter().map(|f| format!("{}  {}", f.sha256, f.path)).collect();
    if manifest_txt != expected {
        return Err(Fail(
            VerifyLayer::Contents,
            Some(layout::PAYLOAD_MANIFEST.into()),
            "disagrees with handover.json".into(),
        ));
    }
    for line in String::from_utf8_lossy(&tags[layout::TAG_MANIFEST]).lines() {
        let (sha, path) = line
            .split_once("  ")
            .ok_or_else(|| Fail(VerifyLayer::Contents, Some(layout::TAG_MANIFEST.into()), "malformed line".into()))?;
        let got = tags.get(path).map(|b| hex::encode(Sha256::digest(b)));
        if got.as_deref() != Some(sha) {
            return Err(Fail(
                VerifyLayer::Contents,
                Some(path.to_string()),
                "does not match tagmanifest-sha256.txt".into(),
            ));
        }
    }
    if tags[layout::BAGIT] != b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
        return Err(Fail(VerifyLayer::Contents, Some(layout::BAGIT.into()), "not the BagIt 1.0 declaration".into()));
    }
    Ok(())
}

/// A verified bundle's contents, read in a second pass: the manifest, the small data files in
/// memory, and the documents written into `docs_dir` (each checked against the manifest again, so a
/// file swapped between the passes is caught).
pub struct Contents {
    pub manifest: Manifest,
    pub files: BTreeMap<String, Vec<u8>>,
    pub documents: Vec<(String, std::path::PathBuf)>,
    /// The SHA-256 of the bundle file as this pass read it: the import goes ahead only when it is
    /// the one verification took.
    pub ciphertext_sha256: String,
}

/// A reader that adds what it reads to a shared digest, and counts where it got to.
struct Tapped<R> {
    inner: R,
    read: std::sync::Arc<std::sync::Mutex<(Sha256, u64)>>,
}

impl<R: std::io::Read> std::io::Read for Tapped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut g) = self.read.lock() {
            g.0.update(&buf[..n]);
            g.1 += n as u64;
        }
        Ok(n)
    }
}

/// Read a bundle that `verify` accepted.
pub fn extract(
    bundle: &Opened,
    identities: &[age::x25519::Identity],
    docs_dir: &Path,
    max_expand: u64,
    progress: bool,
) -> Result<Contents, String> {
    let size = bundle.size;
    // The ciphertext's digest is taken again as it is read, to compare with the verified one.
    let read = std::sync::Arc::new(std::sync::Mutex::new((Sha256::new(), 0u64)));
    let f = Tapped { inner: bundle.reader(0), read: read.clone() };
    let ids: Vec<&dyn age::Identity> = identities.iter().map(|i| i as &dyn age::Identity).collect();
    let counted = Counted { inner: f, progress: crate::base::progress::Progress::new("import", size, progress) };
    let plain = crate::records::vault::open(counted, &ids).map_err(|e| e.why().to_string())?;
    let limits = limits_for(size, max_expand);
    // Decrypted (and its ciphertext hashed) on the other core, a few chunks ahead of the unzipping,
    // hashing and writing here.
    let (unzipped, _) = crate::base::ahead::read_ahead(plain, |plain| unzip(plain, limits, docs_dir));
    let Unzipped { files, documents, digests } = unzipped?;
    let manifest: Manifest = serde_json::from_slice(files.get(layout::MANIFEST).ok_or("handover.json is missing")?)
        .map_err(|e| e.to_string())?;
    for f in &manifest.files {
        if digests.get(&f.path) != Some(&(f.size, f.sha256.clone())) {
            return Err(format!("{} changed between the check and the import", f.path));
        }
    }
    let ciphertext_sha256 = {
        let mut g = read.lock().map_err(|_| "the bundle's digest was lost".to_string())?;
        // Whatever the decryption did not need to read is in the digest too.
        let mut rest = bundle.reader(g.1);
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = std::io::Read::read(&mut rest, &mut buf).map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            g.0.update(&buf[..n]);
        }
        hex::encode(std::mem::take(&mut g.0).finalize())
    };
    Ok(Contents { manifest, files, documents, ciphertext_sha256 })
}

/// What the import's pass took from the zip: the data files, the documents written (name in the
/// bag, where), and every entry's size and SHA-256.
struct Unzipped {
    files: BTreeMap<String, Vec<u8>>,
    documents: Vec<(String, std::path::PathBuf)>,
    digests: BTreeMap<String, (u64, String)>,
}

/// The import's pass over the decrypted zip: each document written into `docs_dir` as it
/// streams, each data file kept, every entry hashed.
fn unzip(plain: &mut dyn std::io::Read, limits: Limits, docs_dir: &Path) -> Result<Unzipped, String> {
    use std::io::Write;
    let mut zip = Reader::new(plain, limits);
    let mut files = BTreeMap::new();
    let mut documents = Vec::new();
    let mut digests: BTreeMap<String, (u64, String)> = BTreeMap::new();
    loop {
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = Vec::new();
        let mut out: Option<std::fs::File> = None;
        let mut target: Option<(String, std::path::PathBuf)> = None;
        let entry = zip
            .next(|e, chunk| {
                if size == 0 && out.is_none() && buf.is_empty() {
                    let rel = e.name.split_once('/').map_or("", |(_, r)| r).to_string();
                    if let Some(name) = rel.strip_prefix(layout::DOCUMENTS) {
                        // Verification refused any other name; a document is still never written
                        // outside the folder.
                        if name.is_empty() || name.contains('/') || name.starts_with('.') {
                            return Err(std::io::Error::other("a document name that is not a file name"));
                        }
                        let p = docs_dir.join(name);
                        out = Some({
                            use std::os::unix::fs::OpenOptionsExt;
                            // Owner-only whatever the umask: the documents hold personal data.
                            std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&p)?
                        });
                        target = Some((rel, p));
                    }
                }
                hasher.update(chunk);
                size += chunk.len() as u64;
                match &mut out {
                    Some(f) => f.write_all(chunk)?,
                    None => {
                        if buf.len() + chunk.len() > MAX_KEPT {
                            return Err(std::io::Error::other("a data file is too large to import"));
                        }
                        buf.extend_from_slice(chunk);
                    }
                }
                Ok(())
            })
            .map_err(|e| e.0)?;
        let Some(entry) = entry else { break };
        let rel = entry.name.split_once('/').map_or("", |(_, r)| r).to_string();
        digests.insert(rel.clone(), (size, hex::encode(hasher.finalize())));
        match target {
            Some(t) => documents.push(t),
            None => {
                files.insert(rel, buf);
            }
        }
    }
    Ok(Unzipped { files, documents, digests })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    /// A bundle swapped under its name after it was opened is never read: every pass reads the
    /// file that was opened, each from its own offset.
    #[test]
    fn an_opened_bundle_is_the_one_read_whatever_its_name_points_to_later() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.zip.age");
        std::fs::write(&path, b"genuine bytes, signed").unwrap();
        std::fs::write(dir.path().join("b.zip.age.minisig"), b"sig").unwrap();
        let opened = super::Opened::open(&path).unwrap();
        // Someone with write access to the folder swaps the file and its signature.
        std::fs::write(dir.path().join("other"), b"forged bytes, unsigned").unwrap();
        std::fs::rename(dir.path().join("other"), &path).unwrap();
        std::fs::write(dir.path().join("b.zip.age.minisig"), b"forged sig").unwrap();
        let (mut a, mut b) = (opened.reader(0), opened.reader(8));
        let mut first = Vec::new();
        a.read_to_end(&mut first).unwrap();
        let mut second = Vec::new();
        b.read_to_end(&mut second).unwrap();
        assert_eq!(first, b"genuine bytes, signed");
        assert_eq!(second, b"bytes, signed", "each reader keeps its own offset");
        assert_eq!(opened.sig.as_deref(), Ok("sig"), "the signature as it was when opened");
    }
}
