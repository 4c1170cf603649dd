//! Account secrets encrypted at rest to the register's custodians (age, X25519).
//!
//! A secret is stored only as an age ciphertext whose recipients are the custodians at the time
//! it was written; the SQLite file, the audit log, `--json` output and errors never hold it in
//! clear. Every encryption uses a fresh file key, so re-encrypting after a custodian leaves gives
//! ciphertexts the departed custodian's key cannot open (though they may have kept copies of what
//! they could read before: those secrets must be rotated).

use std::io::{Read, Write};

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Encrypt `plaintext` to every recipient.
pub fn encrypt(recipients: &[age::x25519::Recipient], plaintext: &[u8]) -> Result<Vec<u8>> {
    if recipients.is_empty() {
        return Err(Error::NoCustodians);
    }
    let enc = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| Error::Internal(format!("age encryptor: {e}")))?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let mut w = enc.wrap_output(&mut out).map_err(|e| Error::Internal(format!("age encrypt: {e}")))?;
    w.write_all(plaintext).map_err(|e| Error::Internal(format!("age encrypt: {e}")))?;
    w.finish().map_err(|e| Error::Internal(format!("age encrypt: {e}")))?;
    Ok(out)
}

/// Decrypt with any of `identities`. `what` names the object for the error message.
pub fn decrypt(identities: &[age::x25519::Identity], ciphertext: &[u8], what: &str) -> Result<Zeroizing<Vec<u8>>> {
    let refused = |why: &str| Error::Decrypt { what: what.to_string(), why: why.to_string() };
    let dec = age::Decryptor::new(ciphertext).map_err(|_| refused("it is not an age file"))?;
    let mut r = dec.decrypt(identities.iter().map(|i| i as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => refused("none of the given identities can open it"),
        _ => refused("it is damaged"),
    })?;
    let mut out = Zeroizing::new(Vec::new());
    r.read_to_end(&mut out).map_err(|_| refused("it is damaged (authentication failed)"))?;
    Ok(out)
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
