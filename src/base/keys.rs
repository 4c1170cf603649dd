//! Keys: age X25519 identities and recipients (encryption), minisign key pairs (signatures),
//! passphrases, and fingerprints to read aloud.
//!
//! File formats are those of the outside tools, so their keys work here and ours work there:
//! an age identity file is exactly what `age-keygen` writes, a minisign key pair exactly what
//! `minisign -G` writes. Signatures are minisign's prehashed format (`ED`) with a trusted comment.
//!
//! # Secrets
//! Passphrases and secret keys are held as `SecretString` / zeroized buffers; `Debug` of every
//! secret-bearing type here prints nothing secret. Passphrases come from `HANDOVER_PASSPHRASE_FILE`
//! (a file whose first line is the passphrase), `HANDOVER_PASSPHRASE`, or the terminal; never argv.
//!
//! # Fingerprints
//! A fingerprint is the first 8 bytes of the SHA-256 of the public key (the `age1…` string for age,
//! the 32-byte Ed25519 key for minisign), as four groups of four hex digits, e.g. `3F9A 2C7E 1B4D 88E0`.
//! Read it aloud over the phone; the other side runs `handover keys show` on the key they were
//! sent and compares all sixteen characters.

use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::base::error::{Error, Result};

/// Env var naming a file whose first line is the passphrase (for automation).
pub const PASSPHRASE_FILE_ENV: &str = "HANDOVER_PASSPHRASE_FILE";
/// Env var holding the passphrase itself (for automation; prefer the file).
pub const PASSPHRASE_ENV: &str = "HANDOVER_PASSPHRASE";

/// Sixteen hex digits in groups of four, from the SHA-256 of `public`.
pub fn fingerprint(public: &[u8]) -> String {
    let h = hex::encode_upper(&Sha256::digest(public)[..8]);
    format!("{} {} {} {}", &h[0..4], &h[4..8], &h[8..12], &h[12..16])
}

/// A minisign key id as minisign prints it (16 upper-case hex digits).
pub fn key_id(keynum: &[u8]) -> String {
    let mut b = [0u8; 8];
    b.copy_from_slice(&keynum[..8]);
    format!("{:016X}", u64::from_le_bytes(b))
}

pub use super::locked::passphrase;
use super::locked::{decrypt_identity, encrypt_identity, is_protected_identity, unlock};

/// Read a secret value from the terminal (hidden), or `None` when left empty.
pub fn prompt_secret(label: &str) -> Result<Option<SecretString>> {
    let v = Zeroizing::new(
        rpassword::prompt_password(format!("{label}: "))
            .map_err(|_| Error::NoPassphrase { why: "no terminal to ask on (use --secret-file)".into() })?,
    );
    Ok((!v.is_empty()).then(|| SecretString::from(v.to_string())))
}

/// Write a new file with `mode`, never overwriting.
pub fn write_new(path: &Path, mode: u32, body: &[u8]) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| Error::io("create", path, e))?;
    f.write_all(body).map_err(|e| Error::io("write", path, e))?;
    f.sync_all().map_err(|e| Error::io("write", path, e))
}

/// The public halves of a new key set, and where its files are.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewKeys {
    /// The age identity (secret) file, 0600.
    pub age_identity_file: String,
    /// The age recipient (public) file.
    pub age_recipient_file: String,
    /// The age recipient, `age1…`.
    pub age_recipient: String,
    /// The recipient's fingerprint, to read aloud.
    pub age_fingerprint: String,
    /// The minisign secret key file, 0600.
    pub minisign_secret_key_file: String,
    /// The minisign public key file.
    pub minisign_public_key_file: String,
    /// The minisign public key, `RW…`.
    pub minisign_public_key: String,
    /// The minisign key id.
    pub minisign_key_id: String,
    /// The public key's fingerprint, to read aloud.
    pub minisign_fingerprint: String,
    /// Whether the secret files are protected by a passphrase.
    pub protected: bool,
}

/// Refuse, before anything is asked or written, a label that is not a plain word or keys that
/// exist already in `dir`.
pub fn check_new(dir: &Path, label: &str) -> Result<()> {
    if label.is_empty() || label.contains('/') || label.starts_with('.') {
        return Err(Error::bad("--name", "a label is a plain file-name word, e.g. steering-group"));
    }
    for suffix in ["age.key", "age.pub", "minisign.key", "minisign.pub"] {
        let f = dir.join(format!("{label}-{suffix}"));
        if f.exists() {
            return Err(Error::bad(
                "--out",
                format!(
                    "{} already exists: handover never overwrites keys; keep using them, or give another --out folder or --name",
                    f.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Make an age identity and a minisign key pair in `dir` (created if missing), files named
/// `LABEL-age.key`, `LABEL-age.pub`, `LABEL-minisign.key`, `LABEL-minisign.pub`.
pub fn generate(
    dir: &Path,
    label: &str,
    pass: Option<SecretString>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<NewKeys> {
    if label.is_empty() || label.contains('/') || label.starts_with('.') {
        return Err(Error::bad("--name", "a label is a plain file-name word, e.g. steering-group"));
    }
    check_new(dir, label)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let files = [
        dir.join(format!("{label}-age.key")),
        dir.join(format!("{label}-age.pub")),
        dir.join(format!("{label}-minisign.key")),
        dir.join(format!("{label}-minisign.pub")),
    ];
    for f in &files {
        if f.exists() {
            return Err(Error::io("create", f, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
        }
    }
    let id = age::x25519::Identity::generate();
    let recipient = id.to_public().to_string();
    let identity_text = Zeroizing::new(format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        id.to_string().expose_secret()
    ));
    let protected = pass.is_some();
    // The identity opens every account secret: with a passphrase, it is kept as age's own
    // passphrase-encrypted identity file (which `age -d -i` opens too), under the same passphrase.
    let identity_file = match &pass {
        Some(p) => Zeroizing::new(encrypt_identity(identity_text.as_bytes(), p)?),
        None => Zeroizing::new(identity_text.to_string()),
    };
    let kp = match pass {
        Some(p) => minisign::KeyPair::generate_encrypted_keypair(Some(p.expose_secret().to_string())),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| Error::KeyGeneration { why: e.to_string() })?;
    let pk_b64 = kp.pk.to_base64();
    let kid = key_id(kp.pk.keynum());
    let sk_box = Zeroizing::new(
        kp.sk
            .to_box(Some("minisign encrypted secret key"))
            .map_err(|e| Error::KeyGeneration { why: e.to_string() })?
            .to_string(),
    );
    write_new(&files[0], 0o600, identity_file.as_bytes())?;
    write_new(&files[1], 0o644, format!("{recipient}\n").as_bytes())?;
    write_new(&files[2], 0o600, sk_box.as_bytes())?;
    write_new(&files[3], 0o644, format!("untrusted comment: minisign public key {kid}\n{pk_b64}\n").as_bytes())?;
    Ok(NewKeys {
        age_identity_file: files[0].display().to_string(),
        age_recipient_file: files[1].display().to_string(),
        age_fingerprint: fingerprint(recipient.as_bytes()),
        age_recipient: recipient,
        minisign_secret_key_file: files[2].display().to_string(),
        minisign_public_key_file: files[3].display().to_string(),
        minisign_fingerprint: fingerprint(&ed25519_bytes(&kp.pk)),
        minisign_public_key: pk_b64,
        minisign_key_id: kid,
        protected,
    })
}

fn ed25519_bytes(pk: &minisign::PublicKey) -> Vec<u8> {
    // PublicKey::to_bytes is sig_alg (2) || keynum (8) || ed25519 key (32).
    pk.to_bytes()[10..].to_vec()
}

/// What a key file holds, as far as its public half goes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyInfo {
    /// age_identity, age_recipient, minisign_public_key, minisign_secret_key.
    pub kind: String,
    /// The public half: an `age1…` recipient or a minisign public key (base64).
    pub public: String,
    /// The minisign key id, for minisign keys.
    pub key_id: Option<String>,
    /// The fingerprint to read aloud.
    pub fingerprint: String,
    /// For a minisign secret key: whether it is passphrase-protected.
    pub protected: Option<bool>,
}

/// The most a key, passphrase or signature file may hold: far more than any real one, so that a
/// device or a huge file named by mistake (`--sign-key /dev/zero`) is refused at once, not read.
pub const SMALL_FILE_LIMIT: u64 = 64 * 1024;

/// Read a small text file (a key, a passphrase file, a signature), refusing one over
/// [`SMALL_FILE_LIMIT`] or not UTF-8 without reading further.
pub fn read_small(path: &Path) -> Result<Zeroizing<String>> {
    use std::io::Read;
    // A FIFO, a device or a folder is never a key: opening a FIFO would wait for a writer for ever.
    let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
    if !meta.is_file() {
        return Err(key_error(path, "it is not a regular file, so it is not a key or signature file"));
    }
    let f = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut bytes = Zeroizing::new(Vec::new());
    f.take(SMALL_FILE_LIMIT + 1).read_to_end(&mut bytes).map_err(|e| Error::io("read", path, e))?;
    if bytes.len() as u64 > SMALL_FILE_LIMIT {
        return Err(key_error(
            path,
            format!("it holds more than {} KiB, so it is not a key or signature file", SMALL_FILE_LIMIT / 1024),
        ));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| key_error(path, "it is not text, so it is not a key or signature file"))?;
    Ok(Zeroizing::new(text.to_string()))
}

pub(super) fn key_error(path: &Path, why: impl Into<String>) -> Error {
    Error::KeyFile { path: path.to_path_buf(), why: why.into() }
}

/// Read a key file made by this tool, `age-keygen` or `minisign -G`.
pub fn show(path: &Path) -> Result<Vec<KeyInfo>> {
    let file = read_small(path)?;
    let protected_identity = is_protected_identity(&file);
    let text = if protected_identity {
        // Its public half is the `.pub` file beside it (what is sent); else the passphrase opens it.
        let beside = path.to_string_lossy().strip_suffix(".key").map(|p| std::path::PathBuf::from(format!("{p}.pub")));
        if let Some(public) = beside.filter(|p| p.is_file())
            && let Ok(mut info) = show(&public)
            && info.iter().all(|i| i.kind == "age_recipient")
        {
            for i in &mut info {
                i.kind = "age_identity".into();
                i.protected = Some(true);
            }
            return Ok(info);
        }
        unlock("the age identity", path, |p| decrypt_identity(&file, p, path))?
    } else {
        file
    };
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if lines.iter().any(|l| l.starts_with("AGE-SECRET-KEY-1")) {
        let mut out = Vec::new();
        for l in lines.iter().filter(|l| l.starts_with("AGE-SECRET-KEY-1")) {
            let id = age::x25519::Identity::from_str(l)
                .map_err(|_| key_error(path, "an AGE-SECRET-KEY line is malformed"))?;
            let r = id.to_public().to_string();
            out.push(KeyInfo {
                kind: "age_identity".into(),
                fingerprint: fingerprint(r.as_bytes()),
                public: r,
                key_id: None,
                protected: Some(protected_identity),
            });
        }
        return Ok(out);
    }
    if !lines.is_empty() && lines.iter().all(|l| l.starts_with("age1")) {
        return lines
            .iter()
            .map(|l| {
                let r = parse_recipient(l).map_err(|_| key_error(path, "an age1 recipient is malformed"))?;
                let s = r.to_string();
                Ok(KeyInfo {
                    kind: "age_recipient".into(),
                    fingerprint: fingerprint(s.as_bytes()),
                    public: s,
                    key_id: None,
                    protected: None,
                })
            })
            .collect();
    }
    if let Some(first) = text.lines().next()
        && first.starts_with("untrusted comment:")
    {
        if let Ok(pk) = load_public_key_text(&text) {
            return Ok(vec![public_info(&pk)]);
        }
        let (_, pk, protected) = unlock_secret_key(&text, path)?;
        let mut info = public_info(&pk);
        info.kind = "minisign_secret_key".into();
        info.protected = Some(protected);
        return Ok(vec![info]);
    }
    Err(key_error(path, "not an age identity, age recipient or minisign key"))
}

/// Unlock a minisign secret key file's text: unprotected keys directly (including `minisign -G -W`
/// keys, whose checksum field minisign leaves empty), protected ones with a passphrase.
fn unlock_secret_key(text: &str, path: &Path) -> Result<(minisign::SecretKey, minisign::PublicKey, bool)> {
    let not_key = || key_error(path, "not a minisign secret key");
    let sk_box = minisign::SecretKeyBox::from_string(text).map_err(|_| not_key())?;
    let encoded = text.lines().nth(1).ok_or_else(not_key)?.trim();
    let raw = Zeroizing::new(base64_decode(encoded).ok_or_else(not_key)?);
    // Layout: sig_alg(2) kdf_alg(2) chk_alg(2) salt(32) ops(8) mem(8) keynum(8) sk(64) chk(32).
    if raw.len() != 158 || &raw[0..2] != b"Ed" {
        return Err(not_key());
    }
    let protected = raw[2..4] != [0, 0];
    let sk = if protected {
        unlock("the signing key", path, |pass| {
            Ok(minisign::SecretKey::from_box(sk_box.clone(), Some(pass.expose_secret().to_string())).ok())
        })?
    } else {
        minisign::SecretKey::from_unencrypted_box(sk_box)
            .or_else(|_| minisign::SecretKey::from_bytes(&raw))
            .map_err(|_| key_error(path, "the secret key is corrupted"))?
    };
    let pk = minisign::PublicKey::from_secret_key(&sk).map_err(|_| key_error(path, "the secret key is corrupted"))?;
    // The two halves of the key must agree: sign and verify a probe.
    let probe = minisign::sign(Some(&pk), &sk, std::io::Cursor::new(b"probe"), Some("probe"), None);
    if probe.is_err() {
        return Err(key_error(path, "the secret key is corrupted"));
    }
    Ok((sk, pk, protected))
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A minisign public key's fingerprint, as `keys show` prints it.
pub fn signer_fingerprint(pk: &minisign::PublicKey) -> String {
    fingerprint(&ed25519_bytes(pk))
}

fn public_info(pk: &minisign::PublicKey) -> KeyInfo {
    KeyInfo {
        kind: "minisign_public_key".into(),
        public: pk.to_base64(),
        key_id: Some(key_id(pk.keynum())),
        fingerprint: fingerprint(&ed25519_bytes(pk)),
        protected: None,
    }
}

/// Parse an `age1…` recipient.
pub fn parse_recipient(s: &str) -> std::result::Result<age::x25519::Recipient, String> {
    age::x25519::Recipient::from_str(s.trim()).map_err(std::string::ToString::to_string)
}

/// An `age1…` recipient given as the string itself or as a file holding it (e.g. `LABEL-age.pub`).
pub fn recipient_arg(arg: &str, flag: &str) -> Result<age::x25519::Recipient> {
    if let Ok(r) = parse_recipient(arg) {
        return Ok(r);
    }
    let path = Path::new(arg);
    if path.is_file() {
        let text = read_small(path)?;
        if let Some(r) =
            text.lines().map(str::trim).find(|l| l.starts_with("age1")).and_then(|l| parse_recipient(l).ok())
        {
            return Ok(r);
        }
    }
    Err(Error::bad(flag, "not an age X25519 recipient (age1…) or a file holding one"))
}

fn load_public_key_text(text: &str) -> std::result::Result<minisign::PublicKey, ()> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("untrusted comment:")).ok_or(())?;
    minisign::PublicKey::from_base64(line).map_err(|_| ())
}

/// A minisign public key from the key string itself (`RW…`) or a `.pub` file.
pub fn load_public_key(arg: &str) -> Result<minisign::PublicKey> {
    if let Ok(pk) = minisign::PublicKey::from_base64(arg.trim()) {
        return Ok(pk);
    }
    let path = Path::new(arg);
    let text = read_small(path)?;
    load_public_key_text(&text)
        .map_err(|_| key_error(path, "not a minisign public key (expected a .pub file or an RW… key string)"))
}

/// A signing key, unlocked.
#[derive(Clone)]
pub struct SigningKey {
    sk: minisign::SecretKey,
    pk: minisign::PublicKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("key_id", &key_id(self.pk.keynum())).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Load a minisign secret key file, asking for its passphrase when it is protected.
    pub fn load(path: &Path) -> Result<SigningKey> {
        let text = read_small(path)?;
        let (sk, pk, _) = unlock_secret_key(&text, path)?;
        let key = SigningKey { sk, pk };
        // A file edited by hand (or by an attacker) can carry a checksum that matches and a
        // public half that does not: refused here, with the file named, not when signing.
        let (seed, public) = key.ed25519();
        if ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key().to_bytes() != public {
            return Err(Error::KeyFile {
                path: path.to_path_buf(),
                why: "the key is damaged: its public half does not match its secret half".into(),
            });
        }
        Ok(key)
    }

    /// The Ed25519 seed of the key (for signed notes), and its public key.
    pub fn ed25519(&self) -> ([u8; 32], [u8; 32]) {
        // SecretKey::to_bytes: sig_alg(2) kdf_alg(2) chk_alg(2) salt(32) ops(8) mem(8) keynum(8) sk(64) chk(32);
        // sk is the seed followed by the public key.
        let raw = Zeroizing::new(self.sk.to_bytes());
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&raw[62..94]);
        let mut public = [0u8; 32];
        public.copy_from_slice(&ed25519_bytes(&self.pk));
        (seed, public)
    }

    /// The public key as its `RW…` string.
    pub fn public_base64(&self) -> String {
        self.pk.to_base64()
    }

    /// The key id (16 hex digits) of this key.
    pub fn key_id(&self) -> String {
        key_id(self.pk.keynum())
    }

    /// Sign `data` (prehashed) with a trusted comment; returns the `.minisig` text.
    pub fn sign(&self, mut data: impl Read, trusted_comment: &str) -> Result<String> {
        let mut h = Prehash::default();
        std::io::copy(&mut data, &mut h).map_err(|e| Error::io("read", "what is being signed", e))?;
        self.sign_prehashed(&h.finish(), trusted_comment)
    }

    /// Sign data whose BLAKE2b-512 digest was computed as it was written (minisign's prehashed
    /// `ED` form, which `minisign -Vm` checks): Ed25519 over the digest, then a global signature
    /// over that signature and the trusted comment.
    pub fn sign_prehashed(&self, digest: &[u8; 64], trusted_comment: &str) -> Result<String> {
        use base64::Engine;
        use ed25519_dalek::Signer;
        if trusted_comment.contains('\n') {
            return Err(Error::bad("--trusted-comment", "a trusted comment is one line"));
        }
        let (seed, public) = self.ed25519();
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        if key.verifying_key().to_bytes() != public {
            return Err(Error::Internal("the signing key's halves do not match".into()));
        }
        let sig = key.sign(digest).to_bytes();
        let mut boxed = Vec::with_capacity(74);
        boxed.extend_from_slice(b"ED");
        boxed.extend_from_slice(self.pk.keynum());
        boxed.extend_from_slice(&sig);
        let mut global = sig.to_vec();
        global.extend_from_slice(trusted_comment.as_bytes());
        let global = key.sign(&global).to_bytes();
        let b64 = base64::engine::general_purpose::STANDARD;
        Ok(format!(
            "untrusted comment: signature from handover\n{}\ntrusted comment: {trusted_comment}\n{}\n",
            b64.encode(boxed),
            b64.encode(global)
        ))
    }
}

/// The BLAKE2b-512 digest minisign signs, computed from what is written through it
/// (`blake2b_simd`: AVX2 where the processor has it, chosen at run time).
pub struct Prehash(blake2b_simd::State);

impl Default for Prehash {
    fn default() -> Prehash {
        Prehash(blake2b_simd::State::new())
    }
}

impl Prehash {
    /// The digest of everything written.
    pub fn finish(self) -> [u8; 64] {
        *self.0.finalize().as_array()
    }
}

impl Write for Prehash {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Why a signature was refused.
/// Why a signature does not check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadSignature {
    /// The signature file cannot be parsed.
    Malformed,
    /// Made by another key.
    OtherKey {
        /// The key that made the signature.
        signature_key_id: String,
        /// The key expected.
        expected_key_id: String,
    },
    /// The legacy (non-prehashed) format is not accepted.
    Legacy,
    /// The data or the trusted comment does not match.
    Mismatch,
}

impl std::fmt::Display for BadSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadSignature::Malformed => f.write_str("the signature file is malformed"),
            BadSignature::OtherKey { signature_key_id, expected_key_id } => {
                write!(f, "signed by key {signature_key_id}, not by the expected key {expected_key_id}")
            }
            BadSignature::Legacy => f.write_str("legacy (non-prehashed) signatures are not accepted"),
            BadSignature::Mismatch => f.write_str("the signature does not match the file or its trusted comment"),
        }
    }
}

/// Verify a `.minisig` text over `data` with `pk`; returns the trusted comment.
pub fn verify(
    pk: &minisign::PublicKey,
    signature: &str,
    mut data: impl Read,
) -> std::result::Result<String, BadSignature> {
    let (sig_alg, keynum, sig, trusted, global) = parse_signature(signature).ok_or(BadSignature::Malformed)?;
    if keynum != pk.keynum() {
        return Err(BadSignature::OtherKey { signature_key_id: key_id(&keynum), expected_key_id: key_id(pk.keynum()) });
    }
    if sig_alg != *b"ED" {
        return Err(BadSignature::Legacy);
    }
    let key = ed25519_dalek::VerifyingKey::from_bytes(&ed25519_public(pk)).map_err(|_| BadSignature::Malformed)?;
    let mut h = Prehash::default();
    std::io::copy(&mut data, &mut h).map_err(|_| BadSignature::Mismatch)?;
    let mut signed_comment = sig.to_vec();
    signed_comment.extend_from_slice(trusted.as_bytes());
    let ok = key.verify_strict(&h.finish(), &ed25519_dalek::Signature::from_bytes(&sig)).is_ok()
        && key.verify_strict(&signed_comment, &ed25519_dalek::Signature::from_bytes(&global)).is_ok();
    if ok { Ok(trusted) } else { Err(BadSignature::Mismatch) }
}

/// The parts of a `.minisig` text: algorithm, key number, signature, trusted comment, global signature.
type SignatureParts = ([u8; 2], [u8; 8], [u8; 64], String, [u8; 64]);

fn parse_signature(text: &str) -> Option<SignatureParts> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut lines = text.lines();
    lines.next()?.strip_prefix("untrusted comment:")?;
    let boxed = b64.decode(lines.next()?.trim()).ok()?;
    let trusted = lines.next()?.strip_prefix("trusted comment: ")?.to_string();
    let global = b64.decode(lines.next()?.trim()).ok()?;
    if boxed.len() != 74 || global.len() != 64 || lines.any(|l| !l.trim().is_empty()) {
        return None;
    }
    Some((
        boxed[..2].try_into().ok()?,
        boxed[2..10].try_into().ok()?,
        boxed[10..].try_into().ok()?,
        trusted,
        global.try_into().ok()?,
    ))
}

/// The Ed25519 public key inside a minisign public key.
pub fn ed25519_public(pk: &minisign::PublicKey) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&ed25519_bytes(pk));
    out
}

/// Load the age identities in a file (as written by `age-keygen` or `keys new`; a
/// passphrase-protected one asks for its passphrase).
pub fn load_identities(path: &Path) -> Result<Vec<age::x25519::Identity>> {
    let file = read_small(path)?;
    let text = if is_protected_identity(&file) {
        unlock("the age identity", path, |p| decrypt_identity(&file, p, path))?
    } else {
        file
    };
    let ids: Vec<age::x25519::Identity> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .map(|l| age::x25519::Identity::from_str(l).map_err(|_| key_error(path, "an AGE-SECRET-KEY line is malformed")))
        .collect::<Result<_>>()?;
    if ids.is_empty() {
        if text.lines().any(|l| l.trim().starts_with("age1")) {
            return Err(key_error(path, "this is the public half of an age key: use the .key file beside it"));
        }
        return Err(key_error(path, "no AGE-SECRET-KEY line: this is not an age identity file"));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A secret key file whose public half was changed is refused when it is loaded, naming the
    /// file (a key error, exit 2), never at signing time as an internal error.
    #[test]
    fn a_key_whose_halves_differ_is_refused_at_load() {
        use base64::Engine;
        let fx = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys/minisign-test.key");
        let text = std::fs::read_to_string(&fx).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut raw = b64.decode(text.lines().nth(1).unwrap()).unwrap();
        assert_eq!(raw.len(), 158, "an unencrypted minisign secret key");
        assert!(SigningKey::load(&fx).is_ok());
        raw[100] ^= 1; // inside the public half of the Ed25519 key (bytes 94..126)
        if raw[126..].iter().any(|b| *b != 0) {
            let mut h = blake2b_simd::Params::new();
            let digest = h.hash_length(32).to_state().update(&raw[0..2]).update(&raw[54..126]).finalize();
            raw[126..].copy_from_slice(digest.as_bytes());
        }
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.key");
        std::fs::write(&bad, format!("untrusted comment: test\n{}\n", b64.encode(&raw))).unwrap();
        match SigningKey::load(&bad) {
            Err(Error::KeyFile { path, .. }) => assert_eq!(path, bad),
            Err(e) => panic!("refused for another reason: {e}"),
            Ok(k) => panic!("loaded; signing says {:?}", k.sign(&b"x"[..], "t").err().map(|e| e.to_string())),
        }
    }

    #[test]
    fn fingerprints_are_grouped() {
        let f = fingerprint(b"age1example");
        assert_eq!(f.len(), 19);
        assert_eq!(f.split(' ').count(), 4);
    }

    #[test]
    fn sign_and_verify_round_trip_and_tamper() {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        let key = SigningKey { pk: kp.pk.clone(), sk: kp.sk };
        let sig = key.sign(std::io::Cursor::new(b"hello"), "trusted: test").unwrap();
        assert_eq!(verify(&kp.pk, &sig, std::io::Cursor::new(b"hello")).unwrap(), "trusted: test");
        assert_eq!(verify(&kp.pk, &sig, std::io::Cursor::new(b"hellO")), Err(BadSignature::Mismatch));
        let tampered = sig.replace("trusted: test", "trusted: tesT");
        assert_eq!(verify(&kp.pk, &tampered, std::io::Cursor::new(b"hello")), Err(BadSignature::Mismatch));
        let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        assert!(matches!(verify(&other.pk, &sig, std::io::Cursor::new(b"hello")), Err(BadSignature::OtherKey { .. })));
        assert!(!format!("{key:?}").contains(&kp.pk.to_base64()[..10]) || format!("{key:?}").starts_with("SigningKey"));
    }

    #[test]
    fn signatures_agree_with_the_minisign_crate_both_ways() {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        let key = SigningKey { pk: kp.pk.clone(), sk: kp.sk.clone() };
        let data = vec![7u8; 300_000];
        let ours = key.sign(&data[..], "ours").unwrap();
        let boxed = minisign::SignatureBox::from_string(&ours).unwrap();
        minisign::verify(&kp.pk, &boxed, std::io::Cursor::new(&data), true, false, false).unwrap();
        let theirs = minisign::sign(Some(&kp.pk), &kp.sk, &data[..], Some("theirs"), None).unwrap().into_string();
        assert_eq!(verify(&kp.pk, &theirs, &data[..]).unwrap(), "theirs");
        let mut h = Prehash::default();
        h.write_all(&data).unwrap();
        let pre = key.sign_prehashed(&h.finish(), "ours").unwrap();
        assert_eq!(pre, ours, "Ed25519 is deterministic: the prehashed path signs the same bytes");
        let legacy = theirs.replacen(&theirs.lines().nth(1).unwrap()[..2], "RW", 1);
        assert!(verify(&kp.pk, &legacy, &data[..]).is_err());
        assert_eq!(verify(&kp.pk, "not a signature", &data[..]), Err(BadSignature::Malformed));
    }
}
