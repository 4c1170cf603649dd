//! The tamper-evident audit log: a hash chain over `audit_log` rows.
//!
//! Each entry's `hash` is the SHA-256 of the canonical JSON array
//! `[seq, at, actor, action, subject, details, prev_hash]`, and `prev_hash` is the previous entry's
//! `hash` (64 zeros for the first). Changing, deleting or reordering any entry breaks the chain
//! from that entry on; [`verify`] names the first broken entry.

use super::{Change, Db};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::base::error::Result;
use crate::domain::model::fmt_ts;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Its place in the log, from 1.
    pub seq: i64,
    /// When the change was made.
    pub at: String,
    /// Who made it.
    pub actor: String,
    /// What was done (`person.add`, `bundle.import`, ...).
    pub action: String,
    /// The id of what it concerns (never a name or email).
    pub subject: String,
    /// Codes and counts (never personal data).
    pub details: serde_json::Value,
    /// The previous entry's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This entry's hash, over the fields above.
    pub hash: String,
}

/// The hash of an entry's content.
pub fn entry_hash(seq: i64, at: &str, actor: &str, action: &str, subject: &str, details: &str, prev: &str) -> String {
    let canonical = serde_json::json!([seq, at, actor, action, subject, details, prev]).to_string();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Append one entry.
pub fn append(
    conn: &Change<'_>,
    now: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    details: &serde_json::Value,
) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = fmt_ts(now);
    let details = details.to_string();
    let hash = entry_hash(seq, &at, actor, action, subject, &details, &prev);
    conn.prepare_cached("INSERT INTO audit_log(seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")?.execute(rusqlite::params![seq, at, actor, action, subject, details, prev, hash],
    )?;
    Ok(())
}

/// The subjects of the entries with this action, newest first.
pub fn subjects_of(conn: &Db, action: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached("SELECT subject FROM audit_log WHERE action = ?1 ORDER BY seq DESC")?
        .query_map([action], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?)
}

/// How many entries of `action` name `value` under the details' key `key`.
pub fn count_with(conn: &Db, action: &str, key: &str, value: &str) -> Result<u64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM audit_log WHERE action = ?1 AND json_extract(details, '$.' || ?2) = ?3")?
        .query_row([action, key, value], |r| r.get::<_, i64>(0))
        .map(|n| u64::try_from(n).unwrap_or_default())?)
}

/// All entries in order.
pub fn entries(conn: &Db) -> Result<Vec<Entry>> {
    let mut st =
        conn.prepare("SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq")?;
    let rows = st.query_map([], |r| {
        let details: String = r.get(5)?;
        Ok(Entry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            details: serde_json::from_str(&details).unwrap_or(serde_json::Value::String(details)),
            prev_hash: r.get(6)?,
            hash: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Outcome of checking the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Number of entries checked.
    pub entries: i64,
    /// The hash of the last entry (the chain head), if any.
    pub head: Option<String>,
    /// The first broken entry's sequence number and why, if the chain is broken.
    pub broken: Option<(i64, String)>,
}

/// Recompute the chain and report the first broken entry.
pub fn verify(conn: &Db) -> Result<Verification> {
    let mut st =
        conn.prepare("SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq")?;
    let mut rows = st.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1i64;
    let mut count = 0i64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let (at, actor, action, subject, details, prev_hash, hash): (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        ) = (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
        count += 1;
        let broken = if seq != expected_seq {
            Some(format!("expected entry {expected_seq} here: an entry was deleted or inserted"))
        } else if prev_hash != prev {
            Some("its prev_hash does not match the entry before it".to_string())
        } else if entry_hash(seq, &at, &actor, &action, &subject, &details, &prev_hash) != hash {
            Some("its content does not match its hash: it was altered".to_string())
        } else {
            None
        };
        if let Some(why) = broken {
            return Ok(Verification { entries: count, head: None, broken: Some((seq, why)) });
        }
        prev = hash;
        expected_seq += 1;
    }
    Ok(Verification { entries: count, head: (count > 0).then_some(prev), broken: None })
}

/// The Merkle tree's leaf hashes: one per entry, over the entry's chain hash.
pub fn leaves(conn: &Db) -> Result<Vec<super::merkle::Hash>> {
    let mut st = conn.prepare("SELECT hash FROM audit_log ORDER BY seq")?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for h in rows {
        let h = h?;
        out.push(super::merkle::leaf(&hex::decode(&h).unwrap_or_else(|_| h.into_bytes())));
    }
    Ok(out)
}

/// The log's size and Merkle root now.
pub fn tree_head(conn: &Db) -> Result<(u64, super::merkle::Hash)> {
    let l = leaves(conn)?;
    Ok((l.len() as u64, super::merkle::root(&l)))
}

/// The origin line of this register's checkpoints.
pub fn origin(controller_slug: &str) -> String {
    format!("handover/{controller_slug}/audit")
}

/// A checkpoint's body, as read back: origin, size and root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointBody {
    /// Whose log it is: `handover/SLUG/audit`.
    pub origin: String,
    /// How many entries the log had.
    pub size: u64,
    /// The Merkle root of those entries.
    pub root: super::merkle::Hash,
}

/// Parse a C2SP checkpoint (signed note); `None` when it is not one.
pub fn parse_checkpoint(note: &str) -> Option<CheckpointBody> {
    use base64::Engine;
    let (body, _) = note.split_once("\n\n")?;
    let mut lines = body.lines();
    let origin = lines.next()?.to_string();
    let size = lines.next()?.parse().ok()?;
    let root = base64::engine::general_purpose::STANDARD.decode(lines.next()?).ok()?.try_into().ok()?;
    Some(CheckpointBody { origin, size, root })
}

/// How the log now stands against a checkpoint issued earlier.
#[derive(Debug, Clone, Serialize)]
pub struct Extension {
    /// The log extends the checkpointed one, unchanged.
    pub extends: bool,
    /// How many entries the checkpointed log had.
    pub checkpoint_size: u64,
    /// Its Merkle root, hex.
    pub checkpoint_root: String,
    /// How many entries the log has now.
    pub log_size: u64,
    /// Its Merkle root now, hex.
    pub log_root: String,
    /// The RFC 6962 consistency proof from the checkpoint's tree to the log's (hex), which anyone
    /// holding both roots can check.
    pub proof: Vec<String>,
    /// Why the log does not extend the checkpoint, when it does not.
    pub why: Option<String>,
}

/// Check that the log extends `cp`: the tree of its first `cp.size` entries has the checkpoint's
/// root, and the consistency proof to the current tree verifies.
pub fn extends(conn: &Db, cp: &CheckpointBody) -> Result<Extension> {
    use super::merkle;
    let l = leaves(conn)?;
    let n = l.len() as u64;
    let log_root = merkle::root(&l);
    let mut e = Extension {
        extends: false,
        checkpoint_size: cp.size,
        checkpoint_root: hex::encode(cp.root),
        log_size: n,
        log_root: hex::encode(log_root),
        proof: Vec::new(),
        why: None,
    };
    if n < cp.size {
        e.why = Some(format!(
            "the log has {n} entries but the checkpoint covers {}: entries were deleted from its end",
            cp.size
        ));
        return Ok(e);
    }
    let m = cp.size as usize;
    let proof = merkle::consistency_proof(m, &l);
    e.proof = proof.iter().map(hex::encode).collect();
    if merkle::root(&l[..m]) != cp.root || !merkle::verify_consistency(cp.size, n, &cp.root, &log_root, &proof) {
        e.why = Some(format!(
            "the first {m} entries no longer match the checkpoint: an entry was edited, deleted, inserted or reordered"
        ));
        return Ok(e);
    }
    e.extends = true;
    Ok(e)
}
