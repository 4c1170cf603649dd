//! The register: a SQLite file, the only place SQL lives.
//!
//! [`Register`] owns the connection; the rest of the crate reaches it only through [`Db`] (reads)
//! and [`Change`] (one transaction), whose SQL methods are private to this module. The queries are
//! free functions grouped by table:
//!
//! | module | tables |
//! | --- | --- |
//! | [`people`] | people, roles, diversity answers; erasure and anonymisation of a person |
//! | [`evidence`] | consent events, other lawful bases (objections, restrictions), notices sent |
//! | [`catalogue`] | controllers, purposes, statements and notices; the lookups imports make |
//! | [`suppression`] | the suppression list and its keys, erasure tombstones |
//! | [`imports`] | files imported before (by SHA-256) |
//! | [`transfers`] | plan approvals, transfers made and received, the people each carried, Art 19 tasks |
//! | [`documents`] | registered documents and their reviews |
//! | [`accounts`] | custodians, accounts with sealed secrets, rotations |
//! | [`tasks`] | tasks with due dates |
//! | [`governance`] | rights requests, complaints, incidents, assessments, bank holidays |
//! | [`retention`] | what is past the retention policy; the anonymising writes |
//! | [`audit`], [`merkle`] | the hash-chained audit log and its Merkle tree |
//! | [`image`] | the whole register as one in-memory image (backup and restore) |
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

pub(crate) mod accounts;
pub(crate) mod approvers;
pub mod audit;
pub(crate) mod campaigns;
pub(crate) mod catalogue;
pub(crate) mod documents;
pub(crate) mod evidence;
pub(crate) mod governance;
pub(crate) mod image;
pub(crate) mod imports;
pub mod merkle;
pub(crate) mod people;
pub(crate) mod retention;
pub(crate) mod reviews;
pub(crate) mod suppression;
pub(crate) mod tasks;
#[cfg(test)]
mod tests;
pub(crate) mod transfers;

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::base::error::{Error, Result};

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
    include_str!("migrations/0007_received_refs.sql"),
    include_str!("migrations/0008_email_norm.sql"),
    include_str!("migrations/0009_incident_closed.sql"),
    include_str!("migrations/0010_admin_accounts.sql"),
    include_str!("migrations/0011_statement_controllers.sql"),
    include_str!("migrations/0012_reviews.sql"),
    include_str!("migrations/0013_signed_approvals.sql"),
    include_str!("migrations/0014_suppression_points.sql"),
    include_str!("migrations/0015_erased_identifiers.sql"),
    include_str!("migrations/0016_art19_changes.sql"),
    include_str!("migrations/0017_review_unknown_names.sql"),
    include_str!("migrations/0018_transfer_dates.sql"),
    include_str!("migrations/0019_statement_format.sql"),
    include_str!("migrations/0020_document_crc.sql"),
    include_str!("migrations/0021_campaigns.sql"),
    include_str!("migrations/0022_communication_needs.sql"),
    include_str!("migrations/0023_holds.sql"),
    include_str!("migrations/0024_incident_events.sql"),
    include_str!("migrations/0025_separation_of_duties.sql"),
    include_str!("migrations/0026_received_documents.sql"),
    include_str!("migrations/0027_account_locations.sql"),
    include_str!("migrations/0028_audience_checks.sql"),
    include_str!("migrations/0029_controller_since.sql"),
    include_str!("migrations/0030_approval_bundle.sql"),
];

/// The migration after which [`renormalise_emails`] runs (its number, 1-based).
const EMAIL_NORM_MIGRATION: usize = 8;

/// The migration after which [`suppression_points`] runs (its number, 1-based).
const SUPPRESSION_POINT_MIGRATION: usize = 14;

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

/// Stores the model's closed code lists and id types as their text. A code the binary does not
/// know reads as an error naming the column's value, never as a default.
macro_rules! sql_text {
    (@to $t:ty) => {
        impl rusqlite::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }
    };
    (codes: $($t:ty),+ $(,)?) => {$(
        sql_text!(@to $t);
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                <$t>::parse(s).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(format!("'{s}' is not a {}", stringify!($t)).into())
                })
            }
        }
    )+};
    (ids: $($t:ty),+ $(,)?) => {$(
        sql_text!(@to $t);
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                Ok(<$t>::from(v.as_str()?))
            }
        }
    )+};
}

sql_text!(
    codes: crate::domain::model::TransferState,
    crate::domain::model::StakeholderGroup,
    crate::domain::model::Jurisdiction,
    crate::domain::model::CommunicationNeeds,
);
sql_text!(
    ids: crate::domain::model::PersonId,
    crate::domain::model::TransferId,
    crate::domain::model::DocumentId,
    crate::domain::model::AccountId,
    crate::domain::model::TaskId,
    crate::domain::model::EventId
);

/// An open register.
pub struct Register {
    db: Db,
    path: PathBuf,
    actor: String,
    /// Opened read-only: the file, its folder or its disk cannot be written.
    read_only: bool,
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

/// A path as the path part of an SQLite `file:` URI: `%`, `?` and `#` percent-encoded.
fn uri_path(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.to_string_lossy().replace('%', "%25").replace('?', "%3f").replace('#', "%23")
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    // Imports run the same few statements per row: keep them all prepared.
    conn.set_prepared_statement_cache_capacity(256);
    if mode != "wal" {
        // Some network shares cannot hold SQLite's write-ahead log.
        return Err(Error::bad(
            "--register",
            format!(
                "the register's file system cannot keep SQLite's write-ahead log (journal mode {mode}): keep the register on a local disk"
            ),
        ));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // A community register of 100,000 people is a few hundred MB: a larger page cache.
    conn.pragma_update(None, "cache_size", -32_768)?;
    Ok(())
}

/// Recompute the matching form of every address that is not plain ASCII (see
/// [`crate::domain::model::normalise_email`]). Where two people's addresses now match, the later keeps
/// its old form (the register never merges people by itself) and `person list` shows both.
/// After migration 14: make the register's suppression scalar, and give every suppression entry
/// whose email the register still holds (a person who unsubscribed, say) its point. An erased
/// person's entry keeps only its hash: the email is gone.
fn suppression_points(tx: &Transaction<'_>) -> Result<()> {
    let k = suppression::new_scalar();
    tx.execute(
        "INSERT OR IGNORE INTO settings(key, value) VALUES ('suppression_scalar', ?1)",
        [hex::encode(k.to_bytes())],
    )?;
    let key: Option<String> = tx.query_row("SELECT value FROM settings WHERE key = 'hash_key'", [], |r| r.get(0)).ok();
    let Some(key) = key else { return Ok(()) };
    let emails: Vec<String> = tx
        .prepare("SELECT email_norm FROM people WHERE email_norm IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE suppression SET point = ?2 WHERE hash = ?1 AND point IS NULL")?;
    for e in emails {
        update.execute([suppression::hash_with(&key, &e)?, suppression::blind(&k, &e)])?;
    }
    Ok(())
}

fn renormalise_emails(tx: &Transaction<'_>) -> Result<()> {
    let rows: Vec<(String, String)> = tx
        .prepare(
            "SELECT id, email FROM people WHERE email IS NOT NULL AND email GLOB '*[^ -~]*' ORDER BY created_at, id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE OR IGNORE people SET email_norm = ?2 WHERE id = ?1")?;
    for (id, email) in rows {
        update.execute([id, crate::domain::model::normalise_email(&email)])?;
    }
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
        if i + 1 == EMAIL_NORM_MIGRATION {
            renormalise_emails(&tx)?;
        }
        if i + 1 == SUPPRESSION_POINT_MIGRATION {
            suppression_points(&tx)?;
        }
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
        let mut conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        configure(&conn)?;
        migrate(&mut conn, path)?;
        Ok(Register { db: Db { conn }, path: path.to_path_buf(), actor: actor.to_string(), read_only: false })
    }

    /// Open an existing register, migrating it forward if it is older than this binary. A
    /// register that cannot be written (a read-only file, folder or disk) is opened read-only:
    /// it can be read, and a change is refused with [`Error::RegisterReadOnly`].
    pub fn open(path: &Path, actor: &str) -> Result<Register> {
        if !path.is_file() {
            return Err(Error::RegisterMissing { path: path.to_path_buf(), remembered: None });
        }
        match Self::open_writable(path, actor) {
            Err(Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)))
                if matches!(f.code, rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly) =>
            {
                Self::open_read_only(path, actor)
            }
            other => other,
        }
    }

    /// Open a register that cannot be written. When SQLite cannot keep its shared-memory file
    /// beside it (a read-only folder or disk), the file is read as immutable: nothing else can
    /// be changing it there either.
    fn open_read_only(path: &Path, actor: &str) -> Result<Register> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let uri = |extra: &str| format!("file:{}?mode=ro{extra}", uri_path(path));
        let check = |conn: &Connection| -> rusqlite::Result<(i64, i64)> {
            let app = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
            Ok((app, conn.query_row("PRAGMA user_version", [], |r| r.get(0))?))
        };
        let conn = Connection::open_with_flags(uri(""), flags)?;
        let (conn, (app, version)) = match check(&conn) {
            Ok(v) => (conn, v),
            Err(_) => {
                let conn = Connection::open_with_flags(uri("&immutable=1"), flags)?;
                let v = check(&conn)?;
                (conn, v)
            }
        };
        if app != APPLICATION_ID {
            return Err(Error::RegisterInvalid { path: path.to_path_buf(), why: "not made by handover".into() });
        }
        if version > SCHEMA_VERSION {
            return Err(Error::RegisterTooNew { path: path.to_path_buf(), found: version, known: SCHEMA_VERSION });
        }
        if version < SCHEMA_VERSION {
            // Reading it needs the upgrade, which needs writing.
            return Err(Error::RegisterReadOnly { path: path.to_path_buf() });
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(Register { db: Db { conn }, path: path.to_path_buf(), actor: actor.to_string(), read_only: true })
    }

    fn open_writable(path: &Path, actor: &str) -> Result<Register> {
        let mut conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
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
        Ok(Register { db: Db { conn }, path: path.to_path_buf(), actor: actor.to_string(), read_only: false })
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
        if self.read_only {
            return Err(Error::RegisterReadOnly { path: self.path.clone() });
        }
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

    /// Before one large transaction (an import): a larger page cache (64 MiB at most), so fewer
    /// pages are spilled to the write-ahead log and read back mid-transaction. (256 MiB made a
    /// million-event import 8 % faster and its peak memory 460 MiB instead of 240 MiB.)
    pub fn cache_for_bulk_change(&self) -> Result<()> {
        self.db.pragma_update("cache_size", -65_536)?;
        Ok(())
    }

    /// Close the register with everything in its main file: the write-ahead log checkpointed into
    /// it and truncated, then the connection closed, each checked. Before a register built under a
    /// temporary name is renamed into place, this is what makes the rename carry all of it (a
    /// checkpoint left to the implicit close could fail unseen on a full disk, leaving committed
    /// pages in a `-wal` file under the temporary name).
    pub fn close(self) -> Result<()> {
        self.checkpoint()?;
        self.db.conn.close().map_err(|(_, e)| Error::Sqlite(e))
    }

    /// Checkpoint and truncate the WAL, so erased values do not linger there.
    pub fn checkpoint(&self) -> Result<()> {
        self.db.conn.prepare_cached("PRAGMA wal_checkpoint(TRUNCATE)")?.query_row([], |_| Ok(()))?;
        Ok(())
    }
}

/// Read a setting.
pub fn setting(conn: &Db, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// Write a setting.
pub fn set_setting(conn: &Change<'_>, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

/// A list stored as a JSON array of strings.
pub(crate) fn json_list(v: &[impl AsRef<str>]) -> String {
    serde_json::to_string(&v.iter().map(std::convert::AsRef::as_ref).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

/// A list stored as a JSON array of strings, read back; `None` when it is not one.
pub fn parse_list(s: &str) -> Option<Vec<String>> {
    // Most lists in a large register are empty or hold one plain slug: no JSON parser for those.
    match s.strip_prefix("[\"").and_then(|r| r.strip_suffix("\"]")) {
        _ if s == "[]" => Some(Vec::new()),
        Some(one) if !one.contains(['"', '\\']) => Some(vec![one.to_string()]),
        _ => serde_json::from_str(s).ok(),
    }
}

/// Column `i` of a row, a list stored as a JSON array of strings; one that is not stops the read as
/// a damaged value (exit 4).
pub(crate) fn list_cell(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Vec<String>> {
    parse_list(&r.get::<_, String>(i)?).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            "a stored list is not a JSON array of strings".into(),
        )
    })
}

/// Column `i` of a row, a code of one of the tool's lists; one that is not stops the read as a
/// damaged value (exit 4).
pub(crate) fn code_cell<T: crate::domain::model::Code>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    T::parse_code(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("a stored code is not one of {}", T::codes()).into(),
        )
    })
}

/// Reads one stored row's values as the types handover wrote them: a code, a time, a list. A value
/// that does not read is [`Error::StoredValue`] naming the table, row and column: the command that
/// needs it stops (never skips it), and `audit verify` lists it.
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    /// The table.
    pub table: &'static str,
    /// The row's id.
    pub row: &'a str,
}

impl Stored<'_> {
    /// The error for `value` in `column`, which should have been `expected`.
    pub fn bad(&self, column: &'static str, value: &str, expected: &str) -> Error {
        // A short code or time is quoted, so it can be found and repaired; anything else could be
        // personal data, and is not.
        let shown = !value.is_empty()
            && value.len() <= 40
            && value.is_ascii()
            && !value.contains('@')
            && (!value.contains(' ') || value.bytes().any(|b| b.is_ascii_digit()));
        let why = if shown { format!("'{value}' is not {expected}") } else { format!("the value is not {expected}") };
        Error::StoredValue { table: self.table, row: self.row.to_string(), column, why }
    }

    /// A code of one of the tool's lists.
    pub fn code<T: crate::domain::model::Code>(&self, column: &'static str, value: &str) -> Result<T> {
        T::parse_code(value).ok_or_else(|| self.bad(column, value, &format!("one of {}", T::codes())))
    }

    /// An optional code.
    pub fn code_opt<T: crate::domain::model::Code>(
        &self,
        column: &'static str,
        value: Option<&str>,
    ) -> Result<Option<T>> {
        value.map(|v| self.code(column, v)).transpose()
    }

    /// A time with its zone.
    pub fn time(&self, column: &'static str, value: &str) -> Result<DateTime<Utc>> {
        crate::domain::model::parse_timestamp(value)
            .ok_or_else(|| self.bad(column, value, "a time with its zone (e.g. 2024-03-01T10:00:00Z)"))
    }

    /// An optional time.
    pub fn time_opt(&self, column: &'static str, value: Option<&str>) -> Result<Option<DateTime<Utc>>> {
        value.map(|v| self.time(column, v)).transpose()
    }

    /// A list of strings, stored as a JSON array.
    pub fn list(&self, column: &'static str, value: &str) -> Result<Vec<String>> {
        parse_list(value).ok_or_else(|| self.bad(column, value, "a list (a JSON array of strings)"))
    }

    /// A list of codes.
    pub fn codes<T: crate::domain::model::Code>(&self, column: &'static str, value: &str) -> Result<Vec<T>> {
        self.list(column, value)?.iter().map(|c| self.code(column, c)).collect()
    }
}

/// Run `insert` with the id `first`, and again with a new id of the same prefix while the id is
/// already taken (SQLite's primary-key constraint), up to eight tries; returns the id used. Ids are
/// random (`new_id`), so a repeat is rare but, in a register of a million events, not negligible:
/// it must neither fail an import nor, under an `ON CONFLICT`, pass the row off as one already
/// recorded.
pub(crate) fn with_fresh_id<T>(
    first: &str,
    mut insert: impl FnMut(&str) -> rusqlite::Result<T>,
) -> Result<(String, T)> {
    const TRIES: usize = 8;
    let mut id = first.to_string();
    for _ in 1..TRIES {
        match insert(&id) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                crate::domain::model::reseed_ids();
                id = crate::domain::model::new_id(first.split_once('_').map_or("id", |(prefix, _)| prefix));
            }
            done => return Ok((id, done?)),
        }
    }
    let done = insert(&id)?;
    Ok((id, done))
}
