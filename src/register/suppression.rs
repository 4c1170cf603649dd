//! The suppression list (keyed hashes of emails kept off marketing) and erasure tombstones.

use hmac::{Hmac, Mac};
use rusqlite::{OptionalExtension, params};
use sha2::Sha256;

use super::{Change, Db, setting};
use crate::error::{Error, Result};

/// Add a keyed hash to the suppression list (first reason wins; later ones are kept out).
pub fn suppress(conn: &Change<'_>, hash: &str, reason: &str, at: &str, source: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO suppression(hash, reason, at, source) VALUES (?1,?2,?3,?4)")?
        .execute(params![hash, reason, at, source])?;
    Ok(n == 1)
}

/// The suppression reason for a keyed hash, if suppressed.
pub fn suppressed(conn: &Db, hash: &str) -> Result<Option<String>> {
    Ok(suppressed_since(conn, hash)?.map(|(reason, _)| reason))
}

/// The suppression reason for a keyed hash and since when, if suppressed.
pub fn suppressed_since(conn: &Db, hash: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT reason, at FROM suppression WHERE hash = ?1")?
        .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Whether a keyed hash belongs to an erased person (a tombstone).
pub fn tombstoned(conn: &Db, hash: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM tombstones WHERE hash = ?1")?
        .query_row([hash], |_| Ok(()))
        .optional()?
        .is_some())
}

/// How many erasure tombstones the register holds.
pub fn tombstone_count(conn: &Db) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM tombstones", [], |r| r.get(0))?)
}

/// Every suppression entry as (hash, reason, at).
pub fn suppression_rows(conn: &Db) -> Result<Vec<(String, String, String)>> {
    let mut st = conn.prepare("SELECT hash, reason, at FROM suppression ORDER BY hash")?;
    Ok(st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?)
}

/// Suppression counts by reason.
pub fn suppression_counts(conn: &Db) -> Result<Vec<(String, i64)>> {
    let mut st = conn.prepare("SELECT reason, COUNT(*) FROM suppression GROUP BY reason ORDER BY reason")?;
    Ok(st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?)
}

/// The suppression list's hash keys (the register's own first, then any inherited with a
/// bundle), read once for checking many addresses: an import or a plan checks every row.
pub struct Suppression {
    keys: Vec<Hmac<Sha256>>,
}

impl Suppression {
    pub fn new(conn: &Db) -> Result<Suppression> {
        let own =
            setting(conn, "hash_key")?.ok_or_else(|| Error::RegisterDamaged { why: "it has no hash key".into() })?;
        let inherited: Vec<String> =
            setting(conn, "inherited_hash_keys")?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        let keys = std::iter::once(own).chain(inherited).map(|k| hash_key(&k)).collect::<Result<Vec<_>>>()?;
        Ok(Suppression { keys })
    }

    /// The keyed hashes of a normalised email, one per key, in order.
    fn hashes<'a>(&'a self, email_norm: &'a str) -> impl Iterator<Item = String> + 'a {
        self.keys.iter().map(move |key| keyed(key, email_norm))
    }

    /// The whole list as it stands, for checking many addresses against a register that does not
    /// change meanwhile (a plan): one read of the table instead of a query per address, and no
    /// hashing at all when the list is empty.
    pub fn snapshot(conn: &Db) -> Result<SuppressionSnapshot> {
        let keys = Suppression::new(conn)?;
        let mut st = conn.prepare("SELECT hash, reason, at FROM suppression")?;
        let list = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get::<_, String>(1)?, r.get::<_, String>(2)?))))?
            .collect::<rusqlite::Result<std::collections::HashMap<_, _>>>()?;
        Ok(SuppressionSnapshot { keys, list })
    }

    /// Whether a normalised email is suppressed under any of the keys; returns the reason.
    pub fn check(&self, conn: &Db, email_norm: &str) -> Result<Option<String>> {
        Ok(self.check_since(conn, email_norm)?.map(|(reason, _)| reason))
    }

    /// Whether a normalised email is suppressed under any of the keys; the reason and since when.
    pub fn check_since(&self, conn: &Db, email_norm: &str) -> Result<Option<(String, String)>> {
        for hash in self.hashes(email_norm) {
            if let Some(r) = suppressed_since(conn, &hash)? {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }
}

/// The suppression list read whole, with its keys (see [`Suppression::snapshot`]).
pub struct SuppressionSnapshot {
    keys: Suppression,
    /// Hash to (reason, since when).
    list: std::collections::HashMap<String, (String, String)>,
}

impl SuppressionSnapshot {
    /// Whether a normalised email is on the list under any of the keys; the reason and since when.
    pub fn entry(&self, email_norm: &str) -> Option<(&str, &str)> {
        if self.list.is_empty() {
            return None;
        }
        self.keys.hashes(email_norm).find_map(|hash| self.list.get(&hash).map(|(r, at)| (r.as_str(), at.as_str())))
    }
}

/// The keyed hash of a normalised email: HMAC-SHA256 with the register's secret, hex.
pub fn keyed_hash(conn: &Db, email_norm: &str) -> Result<String> {
    let secret =
        setting(conn, "hash_key")?.ok_or_else(|| Error::RegisterDamaged { why: "it has no hash key".into() })?;
    Ok(keyed(&hash_key(&secret)?, email_norm))
}

/// An HMAC-SHA256 key from its hex form (the register's own, or one inherited with a bundle).
fn hash_key(hex_key: &str) -> Result<Hmac<Sha256>> {
    let key = hex::decode(hex_key).map_err(|_| Error::RegisterDamaged { why: "a hash key is not hex".into() })?;
    Hmac::<Sha256>::new_from_slice(&key)
        .map_err(|_| Error::RegisterDamaged { why: "a hash key has the wrong length".into() })
}

/// The keyed hash of a normalised email under one key, hex.
fn keyed(key: &Hmac<Sha256>, email_norm: &str) -> String {
    let mut mac = key.clone();
    mac.update(email_norm.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
