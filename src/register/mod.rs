//! The register: a SQLite file, the only place SQL lives.
//!
//! # Invariants
//! - Every command that changes the register does so in one transaction ([`Register::change`])
//!   that also appends exactly one entry to `audit_log` (an import is one entry, with the file's
//!   SHA-256 and counts).
//! - Consent events are append-only; triggers in the schema refuse deletes and updates of their
//!   deciding columns. Only erasure blanks identifying columns.
//! - The audit log never holds a name, email or phone: subjects are ids, details are codes and counts.
//!
//! # Erasure
//! `secure_delete` is on, so freed pages are zeroed; after an erasure the WAL is checkpointed and
//! truncated so the erased values do not linger in the write-ahead log either.
//!
//! # Locking
//! WAL mode; one writer at a time. Writers use `BEGIN IMMEDIATE` so a second writer fails fast
//! with "busy" instead of deadlocking.
//!
//! # Compatibility
//! Migrations are an ordered, append-only list keyed on `PRAGMA user_version`. Never remove,
//! reorder or edit a shipped migration; never drop or repurpose a column. A register whose
//! `user_version` is newer than this binary knows is refused.

pub mod audit;
pub mod docs;
pub mod governance;
pub mod image;
pub mod merkle;
pub mod queries;
pub mod retention;
pub mod vault;

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use sha2::Sha256;

use crate::error::{Error, Result};

/// `PRAGMA application_id` of a handover register ("HNDV").
pub const APPLICATION_ID: i64 = 0x484E_4456;

/// The ordered, append-only migrations.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_register.sql"),
    include_str!("migrations/0002_vault.sql"),
    include_str!("migrations/0003_transfer.sql"),
    include_str!("migrations/0004_transfers.sql"),
    include_str!("migrations/0005_transfer_people.sql"),
    include_str!("migrations/0006_governance.sql"),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The register's connection, as the rest of the crate sees it: a handle that the query
/// functions of this module's children take. Only `register/` can run SQL on it (its methods
/// are private to this module), so every statement lives here. Reads take `&Db`; a
/// [`Register`] and a [`Change`] both dereference to one.
pub struct Db {
    conn: Connection,
}

impl Db {
    pub(in crate::register) fn prepare(&self, sql: &str) -> rusqlite::Result<rusqlite::Statement<'_>> {
        self.conn.prepare(sql)
    }
    pub(in crate::register) fn prepare_cached(&self, sql: &str) -> rusqlite::Result<rusqlite::CachedStatement<'_>> {
        self.conn.prepare_cached(sql)
    }
    pub(in crate::register) fn execute<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.conn.execute(sql, params)
    }
    pub(in crate::register) fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.conn.query_row(sql, params, f)
    }
    pub(in crate::register) fn pragma_update<V: rusqlite::ToSql>(&self, name: &str, value: V) -> rusqlite::Result<()> {
        self.conn.pragma_update(None, name, value)
    }
}

/// An open register.
pub struct Register {
    db: Db,
    path: PathBuf,
    actor: String,
}

impl std::ops::Deref for Register {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

/// A change in progress: the open transaction, who makes it and when. The functions that write
/// take a `&Change`, so the register is changed only inside a transaction; reads go through its
/// [`Db`].
pub struct Change<'a> {
    tx: Transaction<'a>,
    db: &'a Db,
    /// Who is making the change (for the audit log).
    pub actor: &'a str,
    /// When the change is made.
    pub now: DateTime<Utc>,
}

impl std::ops::Deref for Change<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Change<'_> {
    /// Append the change's audit entry.
    pub fn audit(&self, action: &str, subject: &str, details: serde_json::Value) -> Result<()> {
        audit::append(self, self.now, self.actor, action, subject, &details)
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    // Imports run the same few statements per row: keep them all prepared.
    conn.set_prepared_statement_cache_capacity(256);
    if mode != "wal" {
        return Err(Error::Internal(format!("journal mode is {mode}, expected wal")));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // A community register of 100,000 people is a few hundred MB: a larger page cache.
    conn.pragma_update(None, "cache_size", -32_768)?;
    Ok(())
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.prepare_cached("PRAGMA user_version")?.query_row([], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Error::RegisterTooNew { path: path.to_path_buf(), found: version, known: SCHEMA_VERSION });
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

impl Register {
    /// Create a new register file (0600, never overwriting) and migrate it to the current schema.
    pub fn create(path: &Path, actor: &str) -> Result<Register> {
        if path.exists() {
            return Err(Error::RegisterExists { path: path.to_path_buf() });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
        }
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| Error::io("create", path, e))?;
        let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        configure(&conn)?;
        migrate(&mut conn, path)?;
        Ok(Register { db: Db { conn }, path: path.to_path_buf(), actor: actor.to_string() })
    }

    /// Open an existing register, migrating it forward if it is older than this binary.
    pub fn open(path: &Path, actor: &str) -> Result<Register> {
        if !path.is_file() {
            return Err(Error::RegisterMissing { path: path.to_path_buf() });
        }
        let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let app: i64 =
            conn.prepare_cached("PRAGMA application_id")?.query_row([], |r| r.get(0)).map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                    Error::RegisterInvalid { path: path.to_path_buf(), why: "not a SQLite database".into() }
                }
                // A full disk or another I/O failure is not a damaged register: say so.
                other => Error::Sqlite(other),
            })?;
        if app != APPLICATION_ID {
            return Err(Error::RegisterInvalid { path: path.to_path_buf(), why: "not made by handover".into() });
        }
        configure(&conn)?;
        migrate(&mut conn, path)?;
        Ok(Register { db: Db { conn }, path: path.to_path_buf(), actor: actor.to_string() })
    }

    /// The register's file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` in one immediate transaction; commit only if it succeeds.
    pub fn change<T>(&mut self, now: DateTime<Utc>, f: impl FnOnce(&Change<'_>) -> Result<T>) -> Result<T> {
        self.change_or_trial(now, true, f)
    }

    /// Run `f` in one immediate transaction; commit only if it succeeds and `commit` is true
    /// (a dry run rolls back what it did).
    pub fn change_or_trial<T>(
        &mut self,
        now: DateTime<Utc>,
        commit: bool,
        f: impl FnOnce(&Change<'_>) -> Result<T>,
    ) -> Result<T> {
        // `&mut self` keeps one change at a time; the transaction and the reads inside it share
        // the one connection.
        let db = &self.db;
        let tx = Transaction::new_unchecked(&db.conn, TransactionBehavior::Immediate)?;
        let change = Change { tx, db, actor: &self.actor, now };
        let out = f(&change)?;
        if commit {
            change.tx.commit()?;
        } else {
            change.tx.rollback()?;
        }
        Ok(out)
    }

    /// Before one large transaction (an import): a page cache that holds its pages (256 MiB at
    /// most), so they are not spilled to the write-ahead log mid-transaction.
    pub fn cache_for_bulk_change(&self) -> Result<()> {
        self.db.pragma_update("cache_size", -262_144)?;
        Ok(())
    }

    /// Checkpoint and truncate the WAL, so erased values do not linger there.
    pub fn checkpoint(&self) -> Result<()> {
        self.db.conn.prepare_cached("PRAGMA wal_checkpoint(TRUNCATE)")?.query_row([], |_| Ok(()))?;
        Ok(())
    }
}

/// After a transfer, a withdrawal, erasure, rectification or restriction for a person who went in
/// it must be passed on to the receiver (Art 19, R11): one task per transfer, and a transfer not yet
/// complete is marked stale. Returns how many tasks were created.
pub fn art19(conn: &Db, person_id: &str, what: &str, now: DateTime<Utc>) -> Result<usize> {
    let mut st = conn.prepare(
        "SELECT t.id, t.controller, t.state FROM transfers t JOIN transfer_people p ON p.transfer_id = t.id WHERE p.person_id = ?1",
    )?;
    let rows: Vec<(String, String, String)> =
        st.query_map([person_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    let mut n = 0;
    for (tid, controller, state) in rows {
        let (_, new) = vault::add_task(
            conn,
            "art19_notify",
            &format!("{tid}:{person_id}:{what}"),
            &format!(
                "Tell {controller} about the {what} for person {person_id} (Art 19): they received their data in transfer {tid}"
            ),
            "Art 19: recipients must be told of rectification, erasure or restriction (and withdrawal) unless impossible or disproportionate",
            &(now + chrono::Duration::days(7)).date_naive().to_string(),
            &crate::model::fmt_ts(now),
        )?;
        n += usize::from(new);
        if state != "complete" {
            conn.prepare_cached("UPDATE transfers SET stale = 1 WHERE id = ?1")?.execute([&tid])?;
        }
    }
    Ok(n)
}

/// Read a setting.
pub fn setting(conn: &Db, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// Write a setting.
pub fn set_setting(conn: &Db, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

/// Whether a normalised email is on the suppression list, under this register's own key or any
/// key inherited with a bundle (a person erased or unsubscribed at the sender stays off the
/// receiver's marketing too). Returns the reason.
pub fn suppressed_any(conn: &Db, email_norm: &str) -> Result<Option<String>> {
    Suppression::new(conn)?.check(conn, email_norm)
}

/// The suppression list's hash keys (the register's own first, then any inherited with a
/// bundle), read once for checking many addresses: an import or a plan checks every row.
pub struct Suppression {
    keys: Vec<Hmac<Sha256>>,
}

impl Suppression {
    pub fn new(conn: &Db) -> Result<Suppression> {
        let own = setting(conn, "hash_key")?.ok_or_else(|| Error::Internal("register has no hash key".into()))?;
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
        let mut st = conn.prepare("SELECT hash, reason FROM suppression")?;
        let list = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<std::collections::HashMap<_, _>>>()?;
        Ok(SuppressionSnapshot { keys, list })
    }

    /// Whether a normalised email is suppressed under any of the keys; returns the reason.
    pub fn check(&self, conn: &Db, email_norm: &str) -> Result<Option<String>> {
        for hash in self.hashes(email_norm) {
            if let Some(r) = queries::suppressed(conn, &hash)? {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }
}

/// The suppression list read whole, with its keys (see [`Suppression::snapshot`]).
pub struct SuppressionSnapshot {
    keys: Suppression,
    list: std::collections::HashMap<String, String>,
}

impl SuppressionSnapshot {
    /// Whether a normalised email is on the list under any of the keys; the reason.
    pub fn check(&self, email_norm: &str) -> Option<&str> {
        if self.list.is_empty() {
            return None;
        }
        self.keys.hashes(email_norm).find_map(|hash| self.list.get(&hash).map(String::as_str))
    }
}

/// The keyed hash of a normalised email: HMAC-SHA256 with the register's secret, hex.
pub fn keyed_hash(conn: &Db, email_norm: &str) -> Result<String> {
    let secret = setting(conn, "hash_key")?.ok_or_else(|| Error::Internal("register has no hash key".into()))?;
    Ok(keyed(&hash_key(&secret)?, email_norm))
}

/// An HMAC-SHA256 key from its hex form (the register's own, or one inherited with a bundle).
fn hash_key(hex_key: &str) -> Result<Hmac<Sha256>> {
    let key = hex::decode(hex_key).map_err(|_| Error::Internal("a register hash key is not hex".into()))?;
    Hmac::<Sha256>::new_from_slice(&key).map_err(|_| Error::Internal("bad hash key".into()))
}

/// The keyed hash of a normalised email under one key, hex.
fn keyed(key: &Hmac<Sha256>, email_norm: &str) -> String {
    let mut mac = key.clone();
    mac.update(email_norm.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
