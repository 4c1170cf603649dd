//! The one error type of the tool.
//!
//! Every variant renders as one line saying what happened and why ([`Error`]'s `Display`), one line
//! saying what to do next ([`Error::hint`]) and carries its exit code ([`Error::exit_code`]).
//! No variant carries a person's name, email, phone or any secret: messages cite ids, file names,
//! line numbers and column names only.

use std::path::PathBuf;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem found in one row of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// File name as given on the command line (or the entry name inside a zip).
    pub file: String,
    /// 1-based line number in the file (the header is line 1).
    pub line: usize,
    /// Column name, or empty when the problem concerns the whole row.
    pub column: String,
    /// What is wrong, without quoting the cell's content.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

/// Everything that can go wrong, one variant per situation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No register file at the given path.
    #[error("no register at '{path}'")]
    RegisterMissing {
        /// The file or folder concerned.
        path: PathBuf,
        /// The register this user works with (`handover use`), when it is another: the entry
        /// fills it in, so that the hint can name it without reading settings itself.
        remembered: Option<PathBuf>,
    },
    /// `init` was asked to create a register that already exists.
    #[error("a register already exists at '{path}'; init never overwrites one")]
    RegisterExists {
        /// The file or folder concerned.
        path: PathBuf,
    },
    /// The register was written by a newer version of the tool.
    #[error("register '{path}' has schema version {found}, newer than this handover (knows up to {known})")]
    RegisterTooNew {
        /// The file or folder concerned.
        path: PathBuf,
        /// The schema version the file has.
        found: i64,
        /// The newest schema version this handover knows.
        known: i64,
    },
    /// The register can be read but not changed (a read-only file, folder or disk).
    #[error("register '{path}' is read-only: it can be read, not changed")]
    RegisterReadOnly {
        /// The file concerned.
        path: PathBuf,
    },
    /// The file is not a SQLite register of this tool.
    #[error("'{path}' is not a handover register ({why})")]
    RegisterInvalid {
        /// The file or folder concerned.
        path: PathBuf,
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// Any SQLite failure not covered by a more specific variant.
    #[error("the register could not be read or written: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("cannot {action} '{path}': {source}")]
    Io {
        /// What was being done: read, write, create, rename into, ...
        action: &'static str,
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A value given on the command line is not acceptable.
    #[error("{flag}: {}", split_advice(why).0)]
    BadValue {
        /// The flag or argument, as the user typed it.
        flag: String,
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// An object named on the command line does not exist.
    #[error("no {kind} '{id}' in the register")]
    NotFound {
        /// What kind of thing: person, controller, document, ...
        kind: &'static str,
        /// The id or reference given.
        id: String,
    },
    /// A second person would have the same normalised email.
    #[error("that email address already belongs to person {existing}")]
    DuplicateEmail {
        /// The person who has that email already.
        existing: String,
    },
    /// A second person would have the same reference.
    #[error("reference '{reference}' already belongs to person {existing}")]
    DuplicateRef {
        /// The reference given.
        reference: String,
        /// The person who has it already.
        existing: String,
    },
    /// A controller slug is taken.
    #[error("a controller with slug '{slug}' already exists")]
    DuplicateController {
        /// The slug.
        slug: String,
    },
    /// A statement or notice version is taken.
    #[error("{kind} version '{version}' in format {format} already exists")]
    DuplicateVersion {
        /// statement or notice.
        kind: &'static str,
        /// The version given.
        version: String,
        /// The format given.
        format: String,
    },
    /// A consent (or other record) breaks one of the rules R7–R9 or another record rule.
    #[error("refused for person {person}: {why}")]
    RecordRefused {
        /// The person the record was for (id).
        person: String,
        /// What is wrong, in words (never personal data).
        why: String,
        /// What to do next.
        hint: String,
    },
    /// An import file has bad rows; nothing was imported.
    #[error("{file}: {count} problem(s) found; nothing was imported")]
    ImportRefused {
        /// The file, as named on the command line or inside the bundle.
        file: String,
        /// How many problems were found.
        count: usize,
        /// Every problem, by line and column.
        rows: Vec<RowError>,
    },
    /// An import file is not in a format the tool reads.
    #[error("{file}: {why}")]
    ImportFormat {
        /// The file, as named on the command line or inside the bundle.
        file: String,
        /// What is wrong, in words (never personal data).
        why: String,
        /// What to do next.
        hint: String,
    },
    /// An export import lacks the facts an export cannot show.
    #[error("{file}: an export cannot show what people were told; missing {missing}")]
    ExportNeedsFacts {
        /// The file, as named on the command line or inside the bundle.
        file: String,
        /// The flags that say what people were told, still missing.
        missing: String,
    },
    /// A key file is not what it should be.
    #[error("'{path}': {why}")]
    KeyFile {
        /// The file or folder concerned.
        path: PathBuf,
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// A key is needed, none was given, and the user's keys folder has none.
    #[error("no {what} was given and there is none in your keys folder {dir}")]
    KeyMissing {
        /// The flag that names the key.
        flag: String,
        /// What key: "age identity", "signing key", ...
        what: &'static str,
        /// The keys folder looked in.
        dir: String,
    },
    /// One of the user's own settings files is not as handover writes it.
    #[error("{} is not as handover writes it ({why})", path.display())]
    SettingsDamaged {
        /// The settings file.
        path: PathBuf,
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// A sender's signed Art 19 notification does not check out, or was applied already.
    #[error("notification refused: {why}")]
    NotificationRefused {
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// A passphrase is needed and none could be had.
    #[error("no passphrase: {why}")]
    NoPassphrase {
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// The passphrase does not open the key.
    #[error("the passphrase does not open '{path}'")]
    WrongPassphrase {
        /// The file or folder concerned.
        path: PathBuf,
    },
    /// Secrets need at least one custodian.
    #[error("the register has no custodians to encrypt secrets to")]
    NoCustodians,
    /// An age ciphertext could not be opened.
    #[error("cannot open {what}: {why}")]
    Decrypt {
        /// What could not be opened (a bundle, a backup, a secret).
        what: String,
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// The plan has blockers: no bundle.
    #[error("the plan has blockers ({codes}); no bundle was written")]
    Blocked {
        /// The blockers' codes, comma-separated.
        codes: String,
    },
    /// What the bundle would carry is not what the data protection lead approved.
    #[error("the values the bundle would carry changed since the plan was approved ({what}); no bundle was written")]
    ApprovalStale {
        /// What changed, in words.
        what: String,
    },
    /// A document's file is not what was registered or reviewed when it came to be bundled.
    #[error("{id} ({file_name}) changed on disk since it was added or reviewed; no bundle was written")]
    DocumentChanged {
        /// The document's id.
        id: String,
        /// The document's file name.
        file_name: String,
    },
    /// A receipt does not check out.
    #[error("receipt refused: {why}")]
    ReceiptRefused {
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// The person has been erased: the operation needs identifying data that is gone.
    #[error("person {person} has been erased")]
    Erased {
        /// The erased person.
        person: String,
    },
    /// The register's own records are not as handover writes them (edited outside handover, or
    /// damaged on disk).
    #[error("the register is damaged: {why}")]
    RegisterDamaged {
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// A value stored in the register is not one handover writes (a register restored from
    /// another tool, a damaged page, an edit outside handover). The command that needed it stops:
    /// a value that cannot be read is never skipped, so a withdrawal is never lost.
    #[error("the register holds a value handover cannot read: {table} row {row}, column {column}: {why}")]
    StoredValue {
        /// The table (as `audit verify` lists it).
        table: &'static str,
        /// The row's id.
        row: String,
        /// The column.
        column: &'static str,
        /// What is wrong, in words (the value is quoted only when it is a short code or time).
        why: String,
    },
    /// The operating system's random number source failed.
    #[error("no random numbers could be had from the operating system: {why}")]
    NoRandomSource {
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// A key pair could not be made or written out.
    #[error("the key could not be made: {why}")]
    KeyGeneration {
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// Encrypting to the given recipients failed.
    #[error("encryption failed: {why}")]
    Encrypt {
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// A document cannot be read as its format says (for redaction).
    #[error("a document cannot be read as {format}: {why}")]
    DocumentUnreadable {
        /// The document's format (docx, txt, ...).
        format: String,
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// A verified bundle holds content its format does not allow.
    #[error("the bundle's {file} is not as the format allows: {why}")]
    BundleContent {
        /// The file, as named on the command line or inside the bundle.
        file: String,
        /// What is wrong, in words (never personal data).
        why: String,
    },
    /// A bug in handover.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A refusal written as "what is wrong: what to do" split in two at its first colon outside
/// brackets and quotes, so that the error line says what is wrong and the hint what to do.
pub fn split_advice(why: &str) -> (&str, Option<&str>) {
    let mut depth = 0i32;
    let mut quoted = false;
    for (i, ch) in why.char_indices() {
        match ch {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '"' | '`' => quoted = !quoted,
            ':' if depth == 0 && !quoted && why[i + 1..].starts_with(' ') => {
                let todo = why[i + 2..].trim();
                return if todo.is_empty() { (why, None) } else { (&why[..i], Some(todo)) };
            }
            _ => {}
        }
    }
    (why, None)
}

impl Error {
    /// Shorthand for a bad command-line value.
    pub fn bad(flag: impl Into<String>, why: impl Into<String>) -> Self {
        Error::BadValue { flag: flag.into(), why: why.into() }
    }

    /// Shorthand for an I/O error on a path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { action, path: path.into(), source }
    }

    /// The second line: what to do next.
    pub fn hint(&self) -> String {
        match self {
            Error::RegisterMissing { remembered, .. } => match remembered {
                Some(r) => format!(
                    "the register you use is {} (remembered by `handover use`): leave out --register and HANDOVER_REGISTER to use it, or run `handover use PATH` to switch",
                    r.display()
                ),
                None => "if your group has a register elsewhere, run `handover use PATH` once; to start a new one, run `handover init --community NAME --controller NAME`".into(),
            },
            Error::RegisterExists { .. } => "choose another --register path, or keep working with the existing register".into(),
            Error::RegisterTooNew { .. } => "upgrade handover to the version that wrote this register; never edit a register with an older tool".into(),
            Error::RegisterInvalid { .. } => "check the --register path; a register is created by `handover init`".into(),
            Error::RegisterReadOnly { .. } => "to change it, copy it (with `handover register backup`) somewhere you can write, or ask for write access to its file and folder; nothing was changed".into(),
            Error::Sqlite(_) if self.is_damaged_value() => DAMAGED_VALUE.into(),
            Error::Sqlite(_) => "check the file is not open in another program and the disk is not full; nothing was changed".into(),
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => {
                "choose another path: handover never overwrites an existing file".into()
            }
            Error::Io { .. } => "check the path exists and you may read (or write) it".into(),
            Error::BadValue { flag, why } => match split_advice(why).1 {
                Some(todo) => format!("{todo}; nothing was changed"),
                None => format!("see `handover help` for what {flag} accepts"),
            },
            Error::NotFound { kind, .. } => format!("list what exists with `handover {} list`", match *kind { "statement" | "notice" => "notice", "task" => "tasks", k => k }),
            Error::DuplicateEmail { existing } => format!("see that record with `handover person show {existing}`; to change it use `handover person edit {existing}`"),
            Error::DuplicateRef { existing, .. } => format!("see that record with `handover person show {existing}`, or give another --ref"),
            Error::DuplicateController { slug } => format!("see it with `handover controller list`, or change it with `handover controller edit {slug}`"),
            Error::DuplicateVersion { .. } => "versions are immutable evidence: give the new text a new --version".into(),
            Error::RecordRefused { hint, .. } => hint.clone(),
            Error::ImportRefused { .. } => "fix the rows listed above and import the file again; the register is unchanged".into(),
            Error::ImportFormat { hint, .. } => hint.clone(),
            Error::ExportNeedsFacts { .. } => "name what the signup form said, e.g. --purpose newsletter --controllers SLUG --statement-version V --notice-version V --method online_checkbox".into(),
            Error::KeyFile { .. } => "give the file written by `handover keys new`, `age-keygen` or `minisign -G`".into(),
            Error::KeyMissing { flag, .. } => {
                format!("give {flag} FILE, or make your keys there with `handover keys new`")
            }
            Error::SettingsDamaged { .. } => "move the file aside and set it again (`handover use PATH` for the register in use, `handover keys trust` for trusted senders)".into(),
            Error::NotificationRefused { .. } => "check --signer is the sender's public key (compare its fingerprint by phone) and that the notification is for this register; ask the sender for a new one if it was damaged; nothing was changed".into(),
            Error::NoPassphrase { .. } => "run in a terminal, or set HANDOVER_PASSPHRASE_FILE to a file holding the passphrase (never pass it as an argument)".into(),
            Error::WrongPassphrase { .. } => "check the passphrase (HANDOVER_PASSPHRASE_FILE or the terminal) and try again".into(),
            Error::NoCustodians => "add the age recipient of whoever may open the secrets: `handover custodian add age1…`".into(),
            Error::Decrypt { .. } => "give --identity the age identity file of a custodian (or recipient) it was encrypted to".into(),
            Error::Blocked { .. } => "see them with `handover transfer plan --to SLUG` and resolve each one".into(),
            Error::ApprovalStale { .. } => "check the plan again (`handover transfer plan --to SLUG`), then have the data protection lead approve it: `handover transfer approve --to SLUG --sign-key KEY`".into(),
            Error::DocumentChanged { .. } => "put the registered version back, or add the new one with `handover document add` (review it if it needs review), approve the plan again with `handover transfer approve`, then create the bundle".into(),
            Error::ReceiptRefused { .. } => "check you were given the receiving group's receipt and its public key (confirm its fingerprint by phone)".into(),
            Error::Erased { .. } => "an erased person cannot be changed; record a new person only with their fresh consent".into(),
            Error::RegisterDamaged { .. } => "restore the register from a backup with `handover register restore`; never edit the file outside handover".into(),
            Error::StoredValue { .. } => DAMAGED_VALUE.into(),
            Error::NoRandomSource { .. } => "try again; if it keeps failing, the machine's random number source (getrandom) needs fixing first".into(),
            Error::KeyGeneration { .. } => "try again; if a passphrase was given, check it is valid text".into(),
            Error::Encrypt { .. } => "check every --recipient is an age X25519 recipient (age1…) of the people who should open it".into(),
            Error::DocumentUnreadable { .. } => "check the file opens in its own program; register a readable copy, or review it with a redacted copy (`handover document review ID --redacted-copy FILE`)".into(),
            Error::BundleContent { .. } => "do not import it; ask the sender for a new bundle".into(),
            Error::Internal(_) => "this is a bug in handover, please report it with the command you ran (without personal data)".into(),
        }
    }

    /// Whether SQLite read a value that is not of the type handover stored there (a register
    /// edited or damaged outside handover).
    pub fn is_damaged_value(&self) -> bool {
        matches!(
            self,
            Error::Sqlite(
                rusqlite::Error::FromSqlConversionFailure(..)
                    | rusqlite::Error::InvalidColumnType(..)
                    | rusqlite::Error::IntegralValueOutOfRange(..)
                    | rusqlite::Error::Utf8Error(..)
            )
        )
    }

    /// Whether SQLite failed because of what it was given (not a register, busy or locked,
    /// read-only, not openable, a full disk or a failing one), not because of a bug.
    pub fn is_sqlite_input_failure(&self) -> bool {
        use rusqlite::ErrorCode as C;
        matches!(self, Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if matches!(f.code, C::NotADatabase | C::DatabaseBusy | C::DatabaseLocked | C::ReadOnly | C::CannotOpen | C::DiskFull | C::SystemIoFailure))
    }

    /// Whether SQLite failed to write to its storage (an I/O error or a full disk).
    pub fn is_storage_failure(&self) -> bool {
        matches!(self, Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if matches!(f.code, rusqlite::ErrorCode::SystemIoFailure | rusqlite::ErrorCode::DiskFull))
    }

    /// Row-level details (for refused imports), printed after the first line.
    pub fn details(&self) -> &[RowError] {
        match self {
            Error::ImportRefused { rows, .. } => rows,
            _ => &[],
        }
    }
}

/// What to do about a stored value handover cannot read.
const DAMAGED_VALUE: &str = "restore the register from a backup with `handover register restore`, or have the row repaired to a value handover writes; `handover audit verify` lists every such row; nothing was changed";
