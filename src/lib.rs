//! handover: hand a community's register, mailing list, accounts and documents to a new
//! controller lawfully, under UK GDPR and PECR.
//!
//! # Map
//!
//! The folders are the layers. A module names only modules of its own layer or of the layers below
//! it; `tests/layout.rs` holds every folder to that (and SQL to `register`, and every source file
//! to 800 lines). From the top:
//!
//! **Entry** ([`entry`]). [`entry::cli`] holds the clap definitions and the value parsers of dates
//! and times; [`run`] builds a [`Ctx`] and hands the parsed command to [`entry::commands`], one
//! module per noun, each parsing its arguments, calling the layers below and returning an
//! [`entry::output::Outcome`]. [`entry::demo`] runs the fixture story through the same
//! dispatcher; [`entry::output`] and [`entry::exit`] render results, errors (with hints) and exit
//! codes; [`entry::home`] keeps what is remembered per user; [`entry::fuzzing`] opens the parsers
//! to the fuzz targets.
//!
//! **The four nouns**, each a folder; within this layer bundle names transfer, audit and records;
//! audit names transfer and records; transfer names records; records names none of the others.
//! - Bundle ([`bundle`]): [`bundle::write`] writes the plan as a signed, encrypted BagIt bag
//!   ([`bundle::layout`] names its files); [`bundle::read`] verifies every layer, with
//!   [`bundle::check`] and [`bundle::schema`] checking what it holds; [`bundle::receive`] runs the
//!   receiving side end to end (lock, stage, one transaction, receipt, publish) and
//!   [`bundle::import`] is what it writes into the receiver's register; [`bundle::bagit`] checks
//!   any bag.
//! - Audit ([`audit`]): the pages people read and print: [`audit::report`] and [`audit::ropa`],
//!   the data protection lead's report and Art 30 record; [`audit::access`], a person's subject
//!   access export; [`audit::letter`], the receiving group's letters; [`audit::asking`], a
//!   campaign's letters and hub form, with [`audit::pictures`]; [`audit::charts`] and
//!   [`audit::html`]. The hash-chained log itself is
//!   storage: [`register::audit`].
//! - Transfer ([`transfer`]): [`transfer::plan`] decides, person by person and item by item, what
//!   may go to a named receiver and why the rest is held back ([`transfer::rules`]);
//!   [`transfer::campaign`] who may be asked about a receiver, and how (email, post, not asked);
//!   [`transfer::redact`] and [`transfer::docx`] redact documents ([`transfer::redact::stream`]:
//!   large texts a window at a time); [`transfer::sdc`] the published
//!   statistics; [`transfer::carried`] reads every value a bundle of the plan carries;
//!   [`transfer::lifecycle`] checks the group's receipt and rotation statement;
//!   [`transfer::plan::explain`] says what each of a person's events bears on in a plan.
//! - Records ([`records`]): the one path by which a person, consent event, role, basis, notice
//!   delivery or diversity answer enters the register (and [`records::erase`] the one way out);
//!   [`records::import`] reads the tool's own CSV formats and real exports into it, all or
//!   nothing (a campaign's answers from form exports: [`records::import::forms`]; a CSV file read a
//!   row at a time, a large one parsed on the other core: `records::import::csv_file`);
//!   [`records::campaign`] records a campaign's answers and sends; [`records::casework`] keeps
//!   complaints and incidents with their tasks;
//!   [`records::retention`] applies the retention policy; [`records::vault`] seals account
//!   secrets; [`records::status`] derives a person's consent status.
//!
//! **Storage** ([`register`]). It owns the SQLite connection: the only place SQL lives, with its
//! migrations, one module per group of tables, and the audit log. Reads take a [`register::Db`];
//! writes take a [`register::Change`], one transaction with its audit entry. Every stored value
//! is read back as the type it was written as; one that does not read stops the command
//! ([`register::Stored`]).
//!
//! **Domain** ([`domain`]): rules and values, no I/O. [`domain::consent`] (R7–R9, the status of a
//! consent at a moment, the consent event a bundle carries), [`domain::people`] (a person's
//! fields, what erasure keeps), [`domain::deadline`] (statutory clocks, bank holidays, London
//! days), [`domain::model`] (the closed code lists and small parsers), [`domain::reply_code`] (a
//! campaign's codes), [`domain::words`] (codes in words).
//!
//! **Base** ([`base`]): what every layer may use. [`base::error`] (the one error type, every
//! variant with its hint), [`base::staged`] (files written whole or not at all), [`base::keys`]
//! (age and minisign keys), [`base::locked`] (the passphrases that lock them),
//! [`base::checkpoint`] (signed notes), [`base::progress`],
//! [`base::encode`] (tables, CSV, JSON), [`base::xml`] and [`base::ahead`] (a reader read ahead
//! on the other core).

#![forbid(unsafe_code)]
#![deny(rustdoc::broken_intra_doc_links)]
// The crate is a command-line tool: its documentation is for the people who work on it, built with
// `cargo doc --document-private-items`, where the map above links every module.
#![allow(rustdoc::private_intra_doc_links)]

pub(crate) mod audit;
pub(crate) mod base;
pub mod bundle;
pub(crate) mod domain;
pub(crate) mod entry;
pub(crate) mod records;
pub mod register;
pub(crate) mod transfer;

// The library's outside callers (the binary, the fuzz targets, the examples and tests) keep the
// paths they have always used.
pub use base::{error, keys};
pub use entry::{cli, fuzzing};
pub use records::{import, vault};

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::entry::output::Style;

/// What every command gets: where the register is, who acts, when, how to print.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The register path.
    pub register: PathBuf,
    /// Who is acting (audit log).
    pub actor: String,
    /// The moment the command runs.
    pub now: DateTime<Utc>,
    /// Output style.
    pub style: Style,
}

impl Ctx {
    /// Open the register.
    pub fn open(&self) -> error::Result<register::Register> {
        register::Register::open(&self.register, &self.actor)
    }
}

/// The current time. Debug builds (never release builds) honour `HANDOVER_TEST_NOW` so that tests
/// are deterministic; a release build cannot be told to backdate its audit log.
pub fn now() -> DateTime<Utc> {
    #[cfg(debug_assertions)]
    if let Some(t) = std::env::var("HANDOVER_TEST_NOW").ok().and_then(|s| domain::model::parse_timestamp(&s)) {
        return t;
    }
    Utc::now()
}

/// SQLite reports a disk that filled up during a write as an I/O error: when the register's folder
/// has no room for even a small file, say so ("no space left on device") instead.
fn full_disk(e: error::Error, register: &std::path::Path) -> error::Error {
    if !e.is_storage_failure() {
        return e;
    }
    let dir = register.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let Ok(probe) = base::staged::temp_name(&dir.join("space-probe")) else { return e };
    let wrote = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &[0u8; 64 << 10]).and_then(|()| f.sync_all()));
    let _ = std::fs::remove_file(&probe);
    match wrote {
        Err(io) if io.kind() == std::io::ErrorKind::StorageFull => error::Error::io("write", register, io),
        _ => e,
    }
}

/// Run a parsed command line; returns the process exit code. Callable more than once per process.
pub fn run(cli: cli::Cli) -> i32 {
    let style = Style::new(cli.global.json, cli.global.quiet, cli.global.color);
    let actor = cli
        .global
        .actor
        .clone()
        .filter(|a| !a.trim().is_empty())
        .or_else(entry::home::remembered_actor)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    // The register: the flag's (or HANDOVER_REGISTER's), else the one remembered for this user,
    // else handover.db here.
    let register = cli
        .global
        .register
        .clone()
        .or_else(entry::home::remembered_register)
        .unwrap_or_else(|| PathBuf::from("handover.db"));
    let ctx = Ctx { register, actor, now: now(), style };
    let command = cli.command.unwrap_or(cli::Command::Next);
    match entry::commands::dispatch(&ctx, command) {
        Ok(outcome) => {
            let code = match entry::output::print(&outcome, style) {
                Ok(()) => outcome.exit.code(),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => entry::exit::ExitCode::Ok.code(),
                Err(e) => {
                    eprintln!("error: cannot write output: {e}");
                    entry::exit::ExitCode::Internal.code()
                }
            };
            outcome.release();
            code
        }
        Err(e) => {
            let e = full_disk(e, &ctx.register);
            // A missing register: the hint names the one this user works with, if it is another.
            let e = match e {
                error::Error::RegisterMissing { path, .. } => {
                    let remembered = entry::home::remembered_register().filter(|r| *r != path);
                    error::Error::RegisterMissing { path, remembered }
                }
                e => e,
            };
            entry::output::print_error(&e, style);
            e.exit_code().code()
        }
    }
}
