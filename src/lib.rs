//! handover: hand a community's register, mailing list, accounts and documents to a new
//! controller lawfully, under UK GDPR and PECR.
//!
//! # Map
//! - [`cli`]: clap definitions only.
//! - [`commands`]: one module per noun; thin glue from typed arguments to an [`output::Outcome`].
//! - [`register`]: the SQLite register, the only place SQL lives; migrations; the audit log.
//! - [`consent`]: pure consent rules (R7–R9) and the status function; property-tested.
//! - [`people`]: validation of person records, shared by the command line and every importer.
//! - [`import`]: all-or-nothing importers for the tool's CSV formats and real exports
//!   (Mailchimp, listmonk, MailPoet, WordPress.com).
//! - [`output`], [`error`], [`exit`]: rendering, the error type, exit codes.
//!
//! Data flows one way: commands → (consent | people | import) → register.

#![forbid(unsafe_code)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod bundle;
pub mod casework;
pub mod cli;
pub mod commands;
pub mod consent;
pub mod deadline;
pub mod error;
pub mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod keys;
pub mod model;
pub mod output;
pub mod people;
pub mod progress;
pub mod records;
pub mod register;
pub mod report;
pub mod retention;
pub mod ropa;
pub mod transfer;
pub mod vault;

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
    let ctx = Ctx { register: cli.global.register.clone(), actor, now: now(), style };
    match commands::dispatch(&ctx, cli.command) {
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
            output::print_error(&e, style);
            e.exit_code().code()
        }
    }
}
pub mod demo;

/// Free a large value on another thread: a plan of 100,000 people is millions of small
/// allocations, and the answer need not wait while they are returned.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here, with the closure.
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
}
