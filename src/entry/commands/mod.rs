//! One module per noun. Commands are thin: typed arguments in, an [`Outcome`] out.

pub mod account;
pub mod approver;
pub mod audit;
pub mod bag;
pub mod basis;
pub mod bundle;
pub mod campaign;
pub mod consent;
pub mod controller;
pub mod custodian;
pub mod demo;
pub mod document;
pub mod erasure;
pub mod governance;
pub mod init;
pub mod keys;
pub mod mailing;
pub mod meta;
pub mod next;
pub mod notify;
pub mod person;
pub mod receive;
pub mod regfile;
pub mod review;
pub mod role;
pub mod tasks;
pub mod text;
pub mod transfer;

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::entry::cli::Command;
use crate::entry::output::Outcome;
use crate::records::RowProblems;
use crate::records::import::{self, Counts, CsvFile, Problems};
use crate::register::Change;

/// Run one command.
pub fn dispatch(ctx: &Ctx, command: Command) -> Result<Outcome> {
    match command {
        Command::Init(a) => init::run(ctx, a),
        Command::Receive(a) => receive::receive(ctx, a),
        Command::Next => next::run(ctx),
        Command::Use(a) => meta::use_register(ctx, a),
        Command::MailingList(c) => mailing::run(ctx, c),
        Command::Controller(c) => controller::run(ctx, c),
        Command::Purpose(c) => controller::purposes(ctx, c),
        Command::Person(c) => person::run(ctx, c),
        Command::Role(c) => role::run(ctx, c),
        Command::Statement(c) => text::statement(ctx, c),
        Command::Notice(c) => text::notice(ctx, c),
        Command::Consent(c) => consent::run(ctx, *c),
        Command::Basis(c) => basis::run(ctx, c),
        Command::Audit(c) => audit::run(ctx, c),
        Command::Keys(c) => keys::run(ctx, c),
        Command::Custodian(c) => custodian::run(ctx, c),
        Command::Account(c) => account::run(ctx, c),
        Command::Tasks(c) => tasks::run(ctx, c),
        Command::Request(c) => governance::request(ctx, c),
        Command::Complaint(c) => governance::complaint(ctx, c),
        Command::Campaign(c) => campaign::run(ctx, c),
        Command::Incident(c) => governance::incident(ctx, c),
        Command::Approver(c) => approver::run(ctx, c),
        Command::Notification(c) => notify::apply(ctx, c),
        Command::Review(c) => review::run(ctx, c),
        Command::Assessment(c) => governance::assessment(ctx, c),
        Command::Retention(c) => governance::retention(ctx, c),
        Command::RegisterFile(c) => regfile::run(ctx, c),
        Command::Transfer(c) => transfer::run(ctx, c),
        Command::Document(c) => document::run(ctx, c),
        Command::Redact(c) => document::redact(ctx, c),
        Command::Bag(c) => bag::run(c),
        Command::Bundle(c) => bundle::run(ctx, c),
        Command::Demo(a) => demo::run(ctx, a),
        Command::Completions(a) => meta::completions(a),
        Command::Man => meta::man(),
    }
}

/// Turn row problems from a command-line record into one refusal: the first line names every
/// problem by its flag, the hint says how to fix the first.
pub fn refused(person: &str, problems: RowProblems) -> Error {
    let why =
        problems.iter().map(|(col, msg)| format!("--{}: {msg}", col.replace('_', "-"))).collect::<Vec<_>>().join("; ");
    let hint = match problems.first() {
        Some((col, _)) => {
            format!("correct --{} and run the command again; nothing was recorded", col.replace('_', "-"))
        }
        None => "nothing was recorded".into(),
    };
    Error::RecordRefused { person: person.to_string(), why, hint }
}

/// Import one of the tool's own CSV formats: read, check the header, run the importer
/// all-or-nothing, report.
pub fn import_own_csv(
    ctx: &Ctx,
    file: &std::path::Path,
    dry_run: bool,
    kind: &str,
    columns: &[&str],
    format_name: &str,
    importer: fn(&Change<'_>, &CsvFile, &mut Problems, &mut Counts) -> Result<()>,
) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let bytes = import::read_bytes(file)?;
    let display = import::display_name(file);
    // The tool's own files can run to a million rows: read a row at a time.
    let csv = import::parse_csv_by_row(&display, bytes)?;
    import::require_columns(&csv, columns, import::own::optional_columns(format_name), format_name)?;
    let sha = csv.sha256.clone();
    let r = import::run(&mut reg, ctx.now, kind, &display, &sha, dry_run, |c, p, n| importer(c, &csv, p, n))?;
    let text = import_text(&display, &r);
    Ok(Outcome::new("import", r, text))
}

/// A CSV list of people for a mail-out: written to a new 0600 file, or returned for stdout.
/// Returns the text for stdout (empty when written to a file).
pub fn people_list_csv(out: Option<&std::path::Path>, header: &[&str], rows: &[Vec<String>]) -> Result<String> {
    let bytes = crate::base::encode::csv_bytes(header, rows)?;
    match out {
        Some(path) => {
            crate::base::keys::write_new(path, 0o600, &bytes)?;
            Ok(String::new())
        }
        None => Ok(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

/// Render an import report as text.
pub fn import_text(file: &str, r: &crate::records::import::ImportReport) -> String {
    if r.already_imported {
        return format!("{file}: this exact file (sha256 {}) was imported before; nothing changed\n", &r.sha256[..16]);
    }
    let mut s = format!("{}{file} ({})\n", if r.dry_run { "dry run, nothing written: " } else { "imported " }, r.kind);
    for (k, v) in &r.counts {
        s.push_str(&format!("  {k}: {v}\n"));
    }
    s
}

/// A code of one of the tool's lists given for `flag` (clap has already offered the list).
pub fn code_arg<T: crate::domain::model::Code>(flag: &str, value: &str) -> Result<T> {
    T::parse_code(value.trim()).ok_or_else(|| Error::bad(flag, format!("must be one of {}", T::codes())))
}
