//! Keys locked with a passphrase: the passphrase itself (from `HANDOVER_PASSPHRASE_FILE`,
//! `HANDOVER_PASSPHRASE` or the terminal, never argv), the one passphrase asked once per run for
//! every key it opens, and the age identity kept in age's own passphrase-encrypted identity format.

use std::io::IsTerminal;
use std::path::Path;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::keys::{PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, SMALL_FILE_LIMIT, key_error, read_small};
use crate::base::error::{Error, Result};

/// Get a passphrase: the env file, the env var, or the terminal (twice when `confirm`).
pub fn passphrase(purpose: &str, confirm: bool) -> Result<SecretString> {
    if let Some(path) = std::env::var_os(PASSPHRASE_FILE_ENV) {
        let text = read_small(Path::new(&path))?;
        let line = text.lines().next().unwrap_or("").to_string();
        if line.is_empty() {
            return Err(Error::NoPassphrase { why: format!("{PASSPHRASE_FILE_ENV} names an empty file") });
        }
        return Ok(SecretString::from(line));
    }
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        if p.is_empty() {
            return Err(Error::NoPassphrase { why: format!("{PASSPHRASE_ENV} is empty") });
        }
        return Ok(SecretString::from(p));
    }
    if !std::io::stdin().is_terminal() && !Path::new("/dev/tty").exists() {
        return Err(Error::NoPassphrase { why: "no terminal to ask on".into() });
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("Passphrase for {purpose}: "))
            .map_err(|_| Error::NoPassphrase { why: "no terminal to ask on".into() })?,
    );
    if first.is_empty() {
        return Err(Error::NoPassphrase { why: "an empty passphrase was given".into() });
    }
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Same passphrase again: ")
                .map_err(|_| Error::NoPassphrase { why: "no terminal to ask on".into() })?,
        );
        if *first != *again {
            return Err(Error::NoPassphrase { why: "the two passphrases differ".into() });
        }
    }
    Ok(SecretString::from(first.to_string()))
}

/// The first line of an ASCII-armoured age file: a passphrase-protected identity file.
const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";

/// Encrypt an identity file's text with a passphrase (scrypt, work factor 2^18 as Go age uses),
/// ASCII-armoured.
pub(super) fn encrypt_identity(text: &[u8], pass: &SecretString) -> Result<String> {
    use std::io::Write;
    let mut r = age::scrypt::Recipient::new(pass.clone());
    r.set_work_factor(18);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        .map_err(|e| Error::KeyGeneration { why: e.to_string() })?;
    let mut out = Vec::new();
    let armored = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(|e| Error::KeyGeneration { why: e.to_string() })?;
    let mut w = enc.wrap_output(armored).map_err(|e| Error::KeyGeneration { why: e.to_string() })?;
    w.write_all(text).map_err(|e| Error::KeyGeneration { why: e.to_string() })?;
    w.finish().and_then(age::armor::ArmoredWriter::finish).map_err(|e| Error::KeyGeneration { why: e.to_string() })?;
    String::from_utf8(out).map_err(|e| Error::KeyGeneration { why: e.to_string() })
}

/// The text of a passphrase-protected identity file, or `None` when the passphrase does not open it.
pub(super) fn decrypt_identity(armored: &str, pass: &SecretString, path: &Path) -> Result<Option<Zeroizing<String>>> {
    use std::io::Read;
    let reader = age::armor::ArmoredReader::new(armored.trim_start().as_bytes());
    let dec = age::Decryptor::new(reader)
        .map_err(|_| key_error(path, "the passphrase-protected identity file is damaged"))?;
    if !dec.is_scrypt() {
        return Err(key_error(path, "an age file that is not a passphrase-protected identity"));
    }
    let mut id = age::scrypt::Identity::new(pass.clone());
    id.set_max_work_factor(22);
    let mut r = match dec.decrypt(std::iter::once(&id as &dyn age::Identity)) {
        Ok(r) => r,
        Err(age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys) => return Ok(None),
        Err(_) => return Err(key_error(path, "the passphrase-protected identity file is damaged")),
    };
    let mut text = Zeroizing::new(String::new());
    r.by_ref()
        .take(SMALL_FILE_LIMIT)
        .read_to_string(&mut text)
        .map_err(|_| key_error(path, "the passphrase-protected identity file is damaged"))?;
    Ok(Some(text))
}

/// Whether a key file's text is passphrase-protected (an encrypted age identity).
pub fn is_protected_identity(text: &str) -> bool {
    text.trim_start().starts_with(ARMOR_BEGIN)
}

/// The passphrase that opened a key earlier in this run: one passphrase for the two keys `keys
/// new` made, asked once per command.
static OPENED_WITH: std::sync::Mutex<Option<SecretString>> = std::sync::Mutex::new(None);

/// Open a protected key: the passphrase that opened one earlier in this run first, then asked (a
/// wrong one typed on a terminal is asked again, up to three times in all; one from the
/// environment is tried once). `open` says whether a passphrase opens it.
pub(super) fn unlock<T>(what: &str, path: &Path, open: impl Fn(&SecretString) -> Result<Option<T>>) -> Result<T> {
    let earlier = OPENED_WITH.lock().ok().and_then(|g| g.clone());
    if let Some(p) = earlier
        && let Some(v) = open(&p)?
    {
        return Ok(v);
    }
    let typed = std::env::var_os(PASSPHRASE_FILE_ENV).is_none() && std::env::var_os(PASSPHRASE_ENV).is_none();
    let tries = if typed { 3 } else { 1 };
    for attempt in 1..=tries {
        let pass = passphrase(&format!("{what} {}", path.display()), false)?;
        if let Some(v) = open(&pass)? {
            if let Ok(mut g) = OPENED_WITH.lock() {
                *g = Some(pass);
            }
            return Ok(v);
        }
        if attempt < tries {
            eprintln!("That passphrase does not open the key; try again.");
        }
    }
    Err(Error::WrongPassphrase { path: path.to_path_buf() })
}
