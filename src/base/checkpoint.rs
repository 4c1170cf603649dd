//! Audit checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint):
//!
//! ```text
//! <origin>
//! <log size>
//! <root hash, base64>
//!
//! — <key name> <base64(key id || Ed25519 signature)>
//! ```
//!
//! The key name is the origin line (`handover/SLUG/audit`), as tlog-checkpoint says it should be;
//! checkpoints from before named the key by the slug alone, and readers take either.
//!
//! The key is the sender's minisign signing key (Ed25519); the key id is the first four bytes of
//! SHA-256(key name || 0x0A || 0x01 || public key). The root is the RFC 6962 Merkle root of the
//! audit log (`register::merkle`), so a later log can be proved to extend it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, Verifier};
use sha2::{Digest, Sha256};

/// The body of a checkpoint.
pub fn body(origin: &str, size: i64, root: &[u8]) -> String {
    format!("{origin}\n{size}\n{}\n", STANDARD.encode(root))
}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A, 0x01]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Sign a body with an Ed25519 seed; returns the whole signed note.
pub fn sign(body: &str, name: &str, seed: &[u8; 32]) -> String {
    let key = ed25519_dalek::SigningKey::from_bytes(seed);
    let public = key.verifying_key().to_bytes();
    let sig = key.sign(body.as_bytes()).to_bytes();
    let mut blob = key_id(name, &public).to_vec();
    blob.extend(sig);
    format!("{body}\n\u{2014} {name} {}\n", STANDARD.encode(blob))
}

/// Verify a signed note by `name` with an Ed25519 public key; returns the body.
pub fn verify(note: &str, name: &str, public: &[u8; 32]) -> Option<String> {
    let (body, sigs) = note.split_once("\n\n")?;
    let body = format!("{body}\n");
    let vk = ed25519_dalek::VerifyingKey::from_bytes(public).ok()?;
    let id = key_id(name, public);
    for line in sigs.lines() {
        let rest = line.strip_prefix("\u{2014} ")?;
        let (n, b64) = rest.split_once(' ')?;
        if n != name {
            continue;
        }
        let blob = STANDARD.decode(b64).ok()?;
        if blob.len() != 68 || blob[..4] != id {
            continue;
        }
        let sig = ed25519_dalek::Signature::from_slice(&blob[4..]).ok()?;
        if vk.verify(body.as_bytes(), &sig).is_ok() {
            return Some(body);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify() {
        let seed = [7u8; 32];
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let b = body("handover/org/audit", 42, &[1u8; 32]);
        let note = sign(&b, "org", &seed);
        assert!(note.contains("\n\n\u{2014} org "));
        assert_eq!(verify(&note, "org", &public).as_deref(), Some(b.as_str()));
        assert!(verify(&note.replace("42", "43"), "org", &public).is_none());
    }
}
