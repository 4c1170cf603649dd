//! Account secrets encrypted at rest to the register's custodians (age, X25519).
//!
//! A secret is stored only as an age ciphertext whose recipients are the custodians at the time
//! it was written; the SQLite file, the audit log, `--json` output and errors never hold it in
//! clear. Every encryption uses a fresh file key, so re-encrypting after a custodian leaves gives
//! ciphertexts the departed custodian's key cannot open (though they may have kept copies of what
//! they could read before: those secrets must be rotated).

use std::io::{Read, Write};

use zeroize::Zeroizing;

use crate::base::error::{Error, Result};

/// Encrypt `plaintext` to every recipient.
pub fn encrypt(recipients: &[age::x25519::Recipient], plaintext: &[u8]) -> Result<Vec<u8>> {
    if recipients.is_empty() {
        return Err(Error::NoCustodians);
    }
    let enc = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| Error::Encrypt { why: e.to_string() })?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let failed = |e: std::io::Error| Error::Encrypt { why: e.to_string() };
    let mut w = enc.wrap_output(&mut out).map_err(failed)?;
    w.write_all(plaintext).map_err(failed)?;
    w.finish().map_err(failed)?;
    Ok(out)
}

/// Decrypt with any of `identities`. `what` names the object for the error message.
pub fn decrypt(identities: &[age::x25519::Identity], ciphertext: &[u8], what: &str) -> Result<Zeroizing<Vec<u8>>> {
    let refused = |why: &str| Error::Decrypt { what: what.to_string(), why: why.to_string() };
    let ids: Vec<&dyn age::Identity> = identities.iter().map(|i| i as &dyn age::Identity).collect();
    let mut r = open(ciphertext, &ids).map_err(|e| refused(e.why()))?;
    let mut out = Zeroizing::new(Vec::new());
    r.read_to_end(&mut out).map_err(|_| refused("it is damaged (authentication failed)"))?;
    Ok(out)
}

/// Why an age file could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// Not an age file (or its armour is damaged).
    NotAge,
    /// None of the identities can open it.
    NoMatch,
    /// Its header is damaged or its MAC does not check.
    Header,
}

impl OpenError {
    /// A one-line reason.
    pub fn why(self) -> &'static str {
        match self {
            OpenError::NotAge => "it is not an age file",
            OpenError::NoMatch => "none of the given identities can open it",
            OpenError::Header => "its header is damaged",
        }
    }
}

/// The one way handover opens an age file: binary or ASCII-armoured, with any identities
/// (X25519 keys; a passphrase for a passphrase copy). The reader releases plaintext only a chunk at
/// a time, each after its authentication tag checks; a damaged chunk is an error from `read`, and
/// nothing after it is released.
pub fn open<'a, R: std::io::Read + 'a>(
    input: R,
    identities: &[&dyn age::Identity],
) -> std::result::Result<impl std::io::Read + 'a, OpenError> {
    use std::io::{BufRead, Read};
    // Whitespace before an armoured file is allowed; the armour reader wants its first line first.
    let mut raw = std::io::BufReader::with_capacity(1 << 20, input);
    let buf = raw.fill_buf().map_err(|_| OpenError::NotAge)?;
    let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if n > 0 && buf.get(n) == Some(&b'-') {
        raw.consume(n);
    }
    let mut plain = std::io::BufReader::with_capacity(1 << 16, age::armor::ArmoredReader::new(raw));
    // The header, checked strictly before the age crate sees it: the crate accepts a recipient
    // stanza with no body, or without its final short line, which the age spec (and the CCTV
    // vectors) refuse.
    let mut header = Vec::new();
    loop {
        let before = header.len();
        let n = plain.by_ref().take(64 << 10).read_until(b'\n', &mut header).map_err(|_| OpenError::NotAge)?;
        if n == 0 || header.len() > 1 << 20 {
            return Err(OpenError::NotAge);
        }
        if header[before..].starts_with(b"---") {
            break;
        }
    }
    check_header(&header)?;
    let dec = age::Decryptor::new_buffered(std::io::BufReader::new(std::io::Cursor::new(header).chain(plain)))
        .map_err(|_| OpenError::Header)?;
    dec.decrypt(identities.iter().copied()).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => OpenError::NoMatch,
        _ => OpenError::Header,
    })
}

/// The age v1 header's shape: the version line, then stanzas (`-> ` line, then body lines of 64
/// base64 characters ending with one shorter line, possibly empty), then the MAC line.
fn check_header(h: &[u8]) -> std::result::Result<(), OpenError> {
    let text = std::str::from_utf8(h).map_err(|_| OpenError::Header)?;
    let mut lines = text.split_inclusive('\n');
    if lines.next() != Some("age-encryption.org/v1\n") {
        return Err(OpenError::NotAge);
    }
    let mut in_body = false;
    for line in lines {
        let l = line.strip_suffix('\n').ok_or(OpenError::Header)?;
        if in_body {
            if l.len() > 64 {
                return Err(OpenError::Header);
            }
            if l.len() < 64 {
                in_body = false;
            }
            continue;
        }
        if l.starts_with("---") {
            return Ok(());
        }
        if !l.starts_with("-> ") {
            return Err(OpenError::Header);
        }
        in_body = true;
    }
    Err(OpenError::Header)
}

/// A passphrase identity as handover opens one: scrypt work factor at most 2^22, as Go age allows.
pub fn passphrase_identity(passphrase: &str) -> age::scrypt::Identity {
    let mut id = age::scrypt::Identity::new(passphrase.to_string().into());
    id.set_max_work_factor(22);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_identity() {
        let a = age::x25519::Identity::generate();
        let b = age::x25519::Identity::generate();
        let ct = encrypt(&[a.to_public()], b"s3cret").unwrap();
        assert_eq!(&decrypt(&[a], &ct, "x").unwrap()[..], b"s3cret");
        assert!(matches!(decrypt(&[b], &ct, "x"), Err(Error::Decrypt { .. })));
    }
}
