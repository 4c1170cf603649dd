//! handover: hand a community's register, mailing list, accounts and documents to a new
//! controller lawfully, under UK GDPR and PECR.
//!
//! # Map
//!
//! Where a change goes, by layer; a module calls only modules in its own layer or below.
//!
//! **Entry.** [`cli`] holds the clap definitions and nothing else; [`run`] builds a [`Ctx`] and
//! hands the parsed command to [`commands`], one module per noun, each parsing its arguments,
//! calling the layers below and returning an [`output::Outcome`]. [`demo`] runs the fixture story
//! through the same dispatcher, which it is given. [`output`], [`error`], [`exit`] and
//! [`progress`] render results, errors (with hints), exit codes and progress lines.
//!
//! **The four nouns.**
//! - Register: [`records`] is the one path by which a person, consent event, role, basis, notice
//!   delivery or diversity answer enters the register (and [`records::erase`] the one way out);
//!   [`import`] reads the tool's own CSV formats and real exports (Mailchimp, listmonk, MailPoet,
//!   WordPress.com) into it, all or nothing; [`casework`] keeps complaints and incidents with
//!   their tasks; [`retention`] applies the retention policy; [`vault`] seals account secrets.
//! - Transfer: [`transfer::plan`] decides, person by person and item by item, what may go to a
//!   named receiver and why the rest is held back ([`transfer::rules`]); [`transfer::redact`] and
//!   [`transfer::docx`] redact documents; [`transfer::sdc`] the published statistics;
//!   [`transfer::carried`] reads every value a bundle of the plan carries;
//!   [`transfer::lifecycle`] checks the group's receipt and rotation statement.
//! - Bundle: [`bundle::write`] writes the plan as a signed, encrypted BagIt bag
//!   ([`bundle::layout`] names its files); [`bundle::read`] verifies every layer;
//!   [`bundle::receive`] runs the receiving side end to end (lock, stage, one transaction,
//!   receipt, publish) and [`bundle::import`] is what it writes into the receiver's register;
//!   [`bundle::bagit`] checks any bag.
//! - Audit: [`report`] and [`ropa`] are the data protection lead's report and Art 30 record; the
//!   hash-chained log itself is [`register::audit`].
//!
//! **Rules and values, no I/O.** [`consent`] (R7–R9 and the status of a consent at a moment),
//! [`people`] (validation of a person's fields), [`deadline`] (statutory clocks and bank
//! holidays), [`model`] (the closed code lists and small parsers), [`keys`] (age and minisign keys).
//!
//! **Storage.** [`register`] owns the SQLite connection: the only place SQL lives, with its
//! migrations, one module per group of tables, and the audit log. Reads take a [`register::Db`];
//! writes take a [`register::Change`], one transaction with its audit entry.

#![forbid(unsafe_code)]
#![deny(rustdoc::broken_intra_doc_links)]
// The crate is a command-line tool: its documentation is for the people who work on it, built with
// `cargo doc --document-private-items`, where the map above links every module.
#![allow(rustdoc::private_intra_doc_links)]

pub mod bundle;
pub(crate) mod casework;
pub(crate) mod charts;
pub mod cli;
pub(crate) mod commands;
pub(crate) mod consent;
pub(crate) mod deadline;
pub mod error;
pub(crate) mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod home;
pub(crate) mod html;
pub mod import;
pub mod keys;
pub(crate) mod letter;
pub(crate) mod model;
pub(crate) mod output;
pub(crate) mod people;
pub(crate) mod progress;
pub(crate) mod records;
pub mod register;
pub(crate) mod report;
pub(crate) mod retention;
pub(crate) mod ropa;
pub(crate) mod schema;
pub(crate) mod staged;
pub(crate) mod transfer;
pub mod vault;
pub(crate) mod words;

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::output::Style;

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
    if let Some(t) = std::env::var("HANDOVER_TEST_NOW").ok().and_then(|s| model::parse_timestamp(&s)) {
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
    let Ok(probe) = staged::temp_name(&dir.join("space-probe")) else { return e };
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
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    // The register: the flag's (or HANDOVER_REGISTER's), else the one remembered for this user,
    // else handover.db here.
    let register =
        cli.global.register.clone().or_else(home::remembered_register).unwrap_or_else(|| PathBuf::from("handover.db"));
    let ctx = Ctx { register, actor, now: now(), style };
    let command = cli.command.unwrap_or(cli::Command::Next);
    match commands::dispatch(&ctx, command) {
        Ok(outcome) => {
            let code = match output::print(&outcome, style) {
                Ok(()) => outcome.exit.code(),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::ExitCode::Ok.code(),
                Err(e) => {
                    eprintln!("error: cannot write output: {e}");
                    exit::ExitCode::Internal.code()
                }
            };
            outcome.release();
            code
        }
        Err(e) => {
            let e = full_disk(e, &ctx.register);
            output::print_error(&e, style);
            e.exit_code().code()
        }
    }
}
pub(crate) mod demo;

/// Free a large value on another thread: a plan of 100,000 people is millions of small
/// allocations, and the answer need not wait while they are returned.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here, with the closure.
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
}
