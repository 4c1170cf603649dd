//! Files imported before, by SHA-256, so that an import is never applied twice.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Change, Db};
use crate::base::error::Result;
use crate::domain::model::fmt_ts;

/// When a file with this SHA-256 was imported before, and as what.
pub fn import_seen(conn: &Db, sha256: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT kind, imported_at FROM imports WHERE sha256 = ?1")?
        .query_row([sha256], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Record an import.
pub fn record_import(
    conn: &Change<'_>,
    sha256: &str,
    kind: &str,
    file_name: &str,
    counts: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO imports(sha256, kind, file_name, imported_at, counts) VALUES (?1,?2,?3,?4,?5)",
    )?
    .execute(params![sha256, kind, file_name, fmt_ts(now), counts.to_string()])?;
    Ok(())
}

/// How many notifications from `from` this register applied.
pub fn notifications_applied(conn: &Db, from: &str) -> Result<u64> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM imports WHERE kind = 'notification' AND json_extract(counts, '$.from') = ?1",
        )?
        .query_row([from], |r| r.get::<_, i64>(0))
        .map(|n| u64::try_from(n).unwrap_or_default())?)
}
