//! The suppression list (keyed hashes of emails kept off marketing) and erasure tombstones.
//!
//! Each entry is held twice over: an HMAC-SHA256 of the normalised email under the register's
//! hash key (what older registers and bundles have), and a point `k·H(email)` on ristretto255
//! under the register's own suppression scalar `k` (`H` hashes to the group with SHA-512). The
//! point can be re-keyed without the email: a bundle carries `k_b·k⁻¹·P = k_b·H(email)` with a
//! scalar `k_b` made for that bundle, so the receiver can check addresses against the list while
//! the register's own keys never leave it; and the receiver re-keys what it gets to its own scalar.

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use hmac::{Hmac, Mac};
use rusqlite::{OptionalExtension, params};
use sha2::Sha256;

use super::{Change, Db, setting};
use crate::base::error::{Error, Result};

/// Add a normalised email to the suppression list, as its keyed hash and its point (first reason
/// wins; an entry that had only a hash gains its point).
pub fn suppress_email(conn: &Change<'_>, email_norm: &str, reason: &str, at: &str, source: &str) -> Result<bool> {
    let hash = keyed_hash(conn, email_norm)?;
    let point = blind(&own_scalar(conn)?, email_norm);
    // Inherited with a bundle (under another hash key): already on the list.
    let inherited = conn
        .prepare_cached("SELECT 1 FROM suppression WHERE point = ?1 AND hash <> ?2")?
        .query_row(params![point, hash], |_| Ok(()))
        .optional()?;
    if inherited.is_some() {
        return Ok(false);
    }
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO suppression(hash, reason, at, source, point) VALUES (?1,?2,?3,?4,?5)")?
        .execute(params![hash, reason, at, source, point])?;
    conn.prepare_cached("UPDATE suppression SET point = ?2 WHERE hash = ?1 AND point IS NULL")?
        .execute(params![hash, point])?;
    Ok(n == 1)
}

/// Add an entry received as a point under a bundle's scalar, re-keyed to this register's own.
/// Its reason is not known (a bundle does not say why): `suppressed`. `None` for a point that is
/// not one.
pub fn suppress_point(
    conn: &Change<'_>,
    point_hex: &str,
    bundle_scalar: &Scalar,
    at: &str,
    source: &str,
) -> Result<Option<bool>> {
    let Some(own) = rekey(point_hex, bundle_scalar, &own_scalar(conn)?) else { return Ok(None) };
    if conn
        .prepare_cached("SELECT 1 FROM suppression WHERE point = ?1")?
        .query_row([&own], |_| Ok(()))
        .optional()?
        .is_some()
    {
        return Ok(Some(false));
    }
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO suppression(hash, reason, at, source, point) VALUES (?1,'suppressed',?2,?3,?4)",
        )?
        .execute(params![format!("point:{own}"), at, source, own])?;
    Ok(Some(n == 1))
}

/// The hash-to-group of a normalised email.
fn base(email_norm: &str) -> RistrettoPoint {
    RistrettoPoint::hash_from_bytes::<sha2::Sha512>(email_norm.as_bytes())
}

/// `k·H(email)`, compressed, hex.
pub fn blind(k: &Scalar, email_norm: &str) -> String {
    hex::encode((k * base(email_norm)).compress().to_bytes())
}

/// Whether `hex_point` is a valid compressed ristretto255 point.
pub fn is_point(hex_point: &str) -> bool {
    hex::decode(hex_point)
        .ok()
        .and_then(|b| CompressedRistretto::from_slice(&b).ok())
        .and_then(|c| c.decompress())
        .is_some()
}

/// A point under scalar `from` re-keyed to scalar `to` (`to·from⁻¹·P`), hex; `None` if it is not a
/// valid point.
pub fn rekey(point_hex: &str, from: &Scalar, to: &Scalar) -> Option<String> {
    let bytes = hex::decode(point_hex).ok()?;
    let p = CompressedRistretto::from_slice(&bytes).ok()?.decompress()?;
    Some(hex::encode((to * from.invert() * p).compress().to_bytes()))
}

/// A fresh random scalar.
pub fn new_scalar() -> Scalar {
    let mut wide = [0u8; 64];
    getrandom::fill(&mut wide).expect("the operating system's random source is available");
    Scalar::from_bytes_mod_order_wide(&wide)
}

/// A scalar from its hex form (canonical, not zero).
pub fn scalar_from_hex(hex_scalar: &str) -> Option<Scalar> {
    let bytes: [u8; 32] = hex::decode(hex_scalar).ok()?.try_into().ok()?;
    Option::<Scalar>::from(Scalar::from_canonical_bytes(bytes)).filter(|s| *s != Scalar::ZERO)
}

/// The register's own suppression scalar.
pub fn own_scalar(conn: &Db) -> Result<Scalar> {
    setting(conn, "suppression_scalar")?
        .as_deref()
        .and_then(scalar_from_hex)
        .ok_or_else(|| Error::RegisterDamaged { why: "it has no suppression scalar".into() })
}

/// The suppression list for a bundle: every entry with a point, re-keyed to `bundle` (undifferentiated:
/// the point and since when, never why), sorted; and how many entries had no point (hashes
/// inherited from an older bundle) and so cannot go.
pub fn bundle_rows(conn: &Db, bundle: &Scalar) -> Result<(Vec<Vec<String>>, usize)> {
    let own = own_scalar(conn)?;
    let mut st = conn.prepare("SELECT point, at FROM suppression")?;
    let rows: Vec<(Option<String>, String)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    // Every entry goes with one date, the newest entry's day: an entry's own date would single
    // out the erasure made on the day of the bundle among years of unsubscribes. The receiver
    // treats each as suppressed from then (never earlier than it was).
    let as_of = rows.iter().map(|(_, at)| at.get(..10).unwrap_or(at)).max().map(|d| format!("{d}T23:59:59Z"));
    let mut out = Vec::new();
    let mut legacy = 0;
    for (point, _) in &rows {
        match point.as_deref().and_then(|p| rekey(p, &own, bundle)) {
            Some(q) => out.push(vec![q, as_of.clone().unwrap_or_default()]),
            None => legacy += 1,
        }
    }
    out.sort();
    Ok((out, legacy))
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
    /// The register's scalar, when the list holds entries known only by their point (received
    /// with a bundle): only those need an address's point, which costs a hash to the curve and a
    /// scalar multiplication; every other entry is found by its keyed hash.
    scalar: Option<Scalar>,
}

impl Suppression {
    pub fn new(conn: &Db) -> Result<Suppression> {
        let own =
            setting(conn, "hash_key")?.ok_or_else(|| Error::RegisterDamaged { why: "it has no hash key".into() })?;
        let inherited: Vec<String> =
            setting(conn, "inherited_hash_keys")?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        let keys = std::iter::once(own).chain(inherited).map(|k| hash_key(&k)).collect::<Result<Vec<_>>>()?;
        let points_only: bool =
            conn.query_row("SELECT EXISTS(SELECT 1 FROM suppression WHERE hash LIKE 'point:%')", [], |r| r.get(0))?;
        let scalar =
            if points_only { setting(conn, "suppression_scalar")?.as_deref().and_then(scalar_from_hex) } else { None };
        Ok(Suppression { keys, scalar })
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
        let mut st = conn.prepare("SELECT hash, reason, at, point FROM suppression")?;
        let mut list = std::collections::HashMap::new();
        let mut points = std::collections::HashMap::new();
        for row in st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
        })? {
            let (hash, reason, at, point) = row?;
            if let Some(p) = point {
                points.insert(p, (reason.clone(), at.clone()));
            }
            list.insert(hash, (reason, at));
        }
        Ok(SuppressionSnapshot { keys, list, points })
    }

    /// Whether a normalised email is suppressed under any of the keys; returns the reason.
    pub fn check(&self, conn: &Db, email_norm: &str) -> Result<Option<String>> {
        Ok(self.check_since(conn, email_norm)?.map(|(reason, _)| reason))
    }

    /// Whether a normalised email is suppressed under any of the keys; the reason and since when.
    pub fn check_since(&self, conn: &Db, email_norm: &str) -> Result<Option<(String, String)>> {
        let hashes: Vec<String> = self.hashes(email_norm).collect();
        self.check_hashed(conn, email_norm, &hashes)
    }

    /// The keyed hashes of an address under every key (what [`Suppression::check_hashed`] takes).
    pub fn hashes_of(&self, email_norm: &str) -> Vec<String> {
        self.hashes(email_norm).collect()
    }

    /// [`Suppression::check_since`] with the address's keyed hashes already taken (an import
    /// checks one person's address for each of their rows; the list itself is read every time,
    /// since the import may add to it).
    pub fn check_hashed(&self, conn: &Db, email_norm: &str, hashes: &[String]) -> Result<Option<(String, String)>> {
        for hash in hashes {
            if let Some(r) = suppressed_since(conn, hash)? {
                return Ok(Some(r));
            }
        }
        if let Some(k) = &self.scalar {
            return Ok(conn
                .prepare_cached("SELECT reason, at FROM suppression WHERE point = ?1")?
                .query_row([blind(k, email_norm)], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?);
        }
        Ok(None)
    }
}

/// The suppression list read whole, with its keys (see [`Suppression::snapshot`]).
pub struct SuppressionSnapshot {
    keys: Suppression,
    /// Hash to (reason, since when).
    list: std::collections::HashMap<String, (String, String)>,
    /// Point to (reason, since when).
    points: std::collections::HashMap<String, (String, String)>,
}

impl SuppressionSnapshot {
    /// Whether a normalised email is on the list under any of the keys; the reason and since when.
    pub fn entry(&self, email_norm: &str) -> Option<(&str, &str)> {
        if self.list.is_empty() {
            return None;
        }
        let by_point = || {
            let k = self.keys.scalar.as_ref()?;
            self.points.get(&blind(k, email_norm)).map(|(r, at)| (r.as_str(), at.as_str()))
        };
        self.keys
            .hashes(email_norm)
            .find_map(|hash| self.list.get(&hash).map(|(r, at)| (r.as_str(), at.as_str())))
            .or_else(by_point)
    }
}

/// The keyed hash of a normalised email: HMAC-SHA256 with the register's secret, hex.
pub fn keyed_hash(conn: &Db, email_norm: &str) -> Result<String> {
    let secret =
        setting(conn, "hash_key")?.ok_or_else(|| Error::RegisterDamaged { why: "it has no hash key".into() })?;
    Ok(keyed(&hash_key(&secret)?, email_norm))
}

/// The keyed hash of a normalised email under a hex key.
pub fn hash_with(hex_key: &str, email_norm: &str) -> Result<String> {
    Ok(keyed(&hash_key(hex_key)?, email_norm))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_rekeyed_is_the_point_under_the_new_key_and_reveals_neither_key() {
        let (own, bundle, theirs) = (new_scalar(), new_scalar(), new_scalar());
        let email = "someone@example.org";
        let p = blind(&own, email);
        let q = rekey(&p, &own, &bundle).unwrap();
        assert_eq!(q, blind(&bundle, email), "the receiver checks an address with the bundle's scalar");
        assert_ne!(q, p);
        assert_eq!(rekey(&q, &bundle, &theirs).unwrap(), blind(&theirs, email));
        assert_ne!(blind(&bundle, "other@example.org"), q);
        assert!(rekey("00", &own, &bundle).is_none());
        assert!(scalar_from_hex(&"00".repeat(32)).is_none());
        assert_eq!(scalar_from_hex(&hex::encode(own.to_bytes())), Some(own));
    }
}
