//! All-or-nothing imports.
//!
//! Every importer reads its whole file, then validates and applies every row inside one
//! transaction. Any bad row makes the whole import fail with every problem listed (file, line,
//! column) and the transaction rolled back, so the register is unchanged. A dry run does the same
//! work and always rolls back. A file whose SHA-256 was imported before changes nothing; rows are
//! also matched on natural keys, so overlapping files do not duplicate records.
//!
//! CSV files are read by header name, never by position; a file whose header set is not the
//! expected one is refused rather than guessed at.

pub(crate) mod exports;
pub(crate) mod forms;
pub mod own;
pub(crate) mod xlsx;

mod csv_file;
pub use csv_file::{CsvFile, CsvRow, parse_csv, parse_csv_by_row};

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::base::error::{Error, Result, RowError};
use crate::register::{Change, Register, imports};

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Read a whole file.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io("read", path, e))
}

/// The name of a path for messages.
pub fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Require exactly these columns (any order), and allow the `optional` ones.
pub fn require_columns(file: &CsvFile, expected: &[&str], optional: &[&str], format: &str) -> Result<()> {
    if let Some((h, at)) = file.repeated().first() {
        return Err(Error::ImportFormat {
            file: file.name.clone(),
            why: format!(
                "column '{h}' appears twice in the header (positions {})",
                at.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ")
            ),
            hint: "rename or remove the duplicate column; the importer reads columns by name".into(),
        });
    }
    let missing: Vec<&str> = expected.iter().copied().filter(|c| !file.has(c)).collect();
    let extra: Vec<&str> = file
        .headers
        .iter()
        .map(String::as_str)
        .filter(|h| !h.is_empty() && !expected.contains(h) && !optional.contains(h))
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return Ok(());
    }
    let mut why = format!("not a {format} file:");
    if !missing.is_empty() {
        why.push_str(&format!(" missing column(s) {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        why.push_str(&format!(
            "{} unexpected column(s) {}",
            if missing.is_empty() { "" } else { ";" },
            extra.join(", ")
        ));
    }
    Err(Error::ImportFormat {
        file: file.name.clone(),
        why,
        hint: if optional.is_empty() {
            format!("the header must be exactly: {}", expected.join(","))
        } else {
            format!("the header must be exactly: {} (optionally also {})", expected.join(","), optional.join(","))
        },
    })
}

/// Problems found while importing one file.
#[derive(Debug, Default)]
pub struct Problems {
    file: String,
    rows: Vec<RowError>,
}

impl Problems {
    /// A collector for one file.
    pub fn new(file: &str) -> Problems {
        Problems { file: file.to_string(), rows: Vec::new() }
    }
    /// Record a problem at a line and column.
    pub fn add(&mut self, line: usize, column: &str, message: impl Into<String>) {
        self.rows.push(RowError { file: self.file.clone(), line, column: column.to_string(), message: message.into() });
    }
    /// Record a problem in another file (a zip entry).
    pub fn add_in(&mut self, file: &str, line: usize, column: &str, message: impl Into<String>) {
        self.rows.push(RowError { file: file.to_string(), line, column: column.to_string(), message: message.into() });
    }
    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    /// Whether any problem was found.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Counts of what an import did (or would do).
pub type Counts = BTreeMap<&'static str, i64>;

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// What kind of file it was.
    pub kind: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Nothing was written (dry run).
    pub dry_run: bool,
    /// The same file was imported before; nothing changed.
    pub already_imported: bool,
    /// Counts by what happened.
    pub counts: Counts,
    /// Columns of an export the import neither reads nor was told about (`--map`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmapped_columns: Vec<String>,
}

/// Run an importer all-or-nothing: skip a file seen before, otherwise apply `f` inside one
/// transaction and keep it only if no problem was found and this is not a dry run. The audit entry
/// carries the file's SHA-256 and the counts, never a name or address.
pub fn run(
    reg: &mut Register,
    now: chrono::DateTime<chrono::Utc>,
    kind: &str,
    display: &str,
    sha256: &str,
    dry_run: bool,
    f: impl FnOnce(&Change<'_>, &mut Problems, &mut Counts) -> Result<()>,
) -> Result<ImportReport> {
    reg.cache_for_bulk_change()?;
    if let Some((_, _)) = imports::import_seen(reg, sha256)? {
        return Ok(ImportReport {
            unmapped_columns: Vec::new(),
            kind: kind.to_string(),
            sha256: sha256.to_string(),
            dry_run,
            already_imported: true,
            counts: Counts::new(),
        });
    }
    reg.change_or_trial(now, !dry_run, |c| {
        let mut problems = Problems::new(display);
        let mut counts = Counts::new();
        f(c, &mut problems, &mut counts)?;
        if !problems.is_empty() {
            let count = problems.rows.len();
            return Err(Error::ImportRefused { file: display.to_string(), count, rows: problems.rows });
        }
        let counts_json = serde_json::to_value(&counts).unwrap_or_default();
        imports::record_import(c, sha256, kind, display, &counts_json, now)?;
        c.audit(&format!("import.{kind}"), sha256, serde_json::json!({ "sha256": sha256, "counts": counts_json }))?;
        Ok(ImportReport {
            unmapped_columns: Vec::new(),
            kind: kind.to_string(),
            sha256: sha256.to_string(),
            dry_run,
            already_imported: false,
            counts,
        })
    })
}

/// Increment a count.
pub fn bump(counts: &mut Counts, key: &'static str) {
    *counts.entry(key).or_insert(0) += 1;
}
