//! The data protection lead: the audit log and reports, tasks, rights requests, complaints, incidents, retention, assessments.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::entry::cli::args::date_arg;

/// `audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Recompute the hash chain; with --checkpoint, also prove the log extends a checkpoint issued
    /// earlier (RFC 6962 consistency proof). Exit 1 if any entry was altered, removed or reordered.
    Verify {
        /// A checkpoint written earlier by `audit checkpoint` (or carried in a bundle or receipt).
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// The minisign public key (RW… or .pub file) that signed the checkpoint; without it the
        /// checkpoint's signature is not checked.
        #[arg(long, requires = "checkpoint")]
        signer: Option<String>,
    },
    /// The data protection lead's report: consent coverage, refreshes due, legitimate interests,
    /// proxy consents, transfers, deadlines (overdue first), requests, complaints, incidents,
    /// suppression and the statistics released. Counts only unless --detail.
    Report {
        /// Only transfers (and coverage) for this receiving controller.
        #[arg(long)]
        to: Option<String>,
        /// text, json or html (one self-contained, printable page).
        #[arg(long, default_value = "text", value_parser = ["text", "json", "html"])]
        format: String,
        /// Write it to this file (never overwritten; mode 0600) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// List person ids as well as counts (keep such a copy as securely as the register).
        #[arg(long)]
        detail: bool,
    },
    /// The Art 30 record of processing activities, generated from the register, for the data
    /// protection lead to check, complete and keep.
    Ropa {
        /// text, json or html (one self-contained, printable page).
        #[arg(long, default_value = "text", value_parser = ["text", "json", "html"])]
        format: String,
        /// Write it to this file (never overwritten) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a signed checkpoint of the audit log (C2SP tlog-checkpoint: origin, size, RFC 6962
    /// Merkle root), for the data protection lead to keep and check later with `audit verify --checkpoint`.
    Checkpoint {
        /// The minisign secret key to sign it with (Ed25519).
        /// Default: the one in your keys folder.
        #[arg(long)]
        sign_key: Option<PathBuf>,
        /// The checkpoint file to write (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// List audit entries.
    Log,
}

/// `tasks ...`.
#[derive(Debug, Subcommand)]
pub enum TasksCmd {
    /// List open tasks (due first).
    List {
        /// Only tasks past their due date.
        #[arg(long)]
        overdue: bool,
        /// Include done tasks.
        #[arg(long)]
        all: bool,
    },
    /// Bring the tasks that follow from the register's state up to date: consents the register's
    /// controller relies on that lapse within 90 days (one task per purpose), and a retention run
    /// when something is past the policy. Run it weekly (the other tasks are made as things happen).
    Sync,
    /// Mark a task done.
    Done {
        /// Task id.
        id: String,
    },
}

/// `request ...`.
#[derive(Debug, Subcommand)]
pub enum RequestCmd {
    /// Log a rights request; its deadline is one month from receipt (or from the proof of identity).
    Open {
        /// access, erasure, rectification, restriction, objection or portability.
        #[arg(long, value_parser = ["access", "erasure", "rectification", "restriction", "objection", "portability"])]
        kind: String,
        /// The person (id or ref), when known.
        #[arg(long)]
        person: Option<String>,
        /// The day it arrived (YYYY-MM-DD), even if not a working day.
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        received: NaiveDate,
        /// How it arrived (email, letter, phone, in person, social media...).
        #[arg(long)]
        channel: Option<String>,
        /// Proof of identity is awaited: the clock starts when it arrives (`request resume`).
        #[arg(long)]
        awaiting_identity: bool,
        /// A note (no more personal data than needed).
        #[arg(long)]
        note: Option<String>,
    },
    /// Stop the clock while clarification is awaited.
    Pause {
        /// Request id.
        id: String,
        /// The day the clarification was asked for.
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        date: NaiveDate,
        /// What was asked.
        #[arg(long)]
        reason: String,
    },
    /// Restart the clock: the clarification, or the proof of identity, arrived.
    Resume {
        /// Request id.
        id: String,
        /// The day it arrived.
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        date: NaiveDate,
    },
    /// Extend by two months (complex or numerous requests): only with the notice to the person
    /// sent before the first deadline.
    Extend {
        /// Request id.
        id: String,
        /// The day the extension notice was sent.
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        notice_sent: NaiveDate,
        /// Why the extension is needed (told to the person).
        #[arg(long)]
        reason: String,
    },
    /// Close a request with its outcome.
    Close {
        /// Request id.
        id: String,
        /// The day it was answered.
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        date: NaiveDate,
        /// What was done (e.g. "copy sent by email", "erased", "refused: manifestly unfounded").
        #[arg(long)]
        outcome: String,
    },
    /// List requests (open ones first, by deadline).
    List {
        /// Only open requests.
        #[arg(long)]
        open: bool,
    },
    /// One request and its clock.
    Show {
        /// Request id.
        id: String,
    },
    /// The bank holidays the clocks use (England & Wales: a built-in table for 2023-2030, the
    /// rules for later years); add one-off days from a file of `YYYY-MM-DD,Name` lines.
    Holidays {
        /// A file of `YYYY-MM-DD,Name` lines to add.
        #[arg(long, value_name = "FILE")]
        add: Option<PathBuf>,
    },
}

/// `complaint ...`.
#[derive(Debug, Subcommand)]
pub enum ComplaintCmd {
    /// Log a complaint; acknowledgement is due within 30 days.
    Open {
        /// The day it arrived (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        received: NaiveDate,
        /// The person complaining (id or ref), when in the register.
        #[arg(long)]
        person: Option<String>,
        /// What it is about (no more personal data than needed).
        #[arg(long)]
        summary: String,
    },
    /// Record the acknowledgement.
    Ack {
        /// Complaint id.
        id: String,
        /// The day it was acknowledged.
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        date: NaiveDate,
    },
    /// Close a complaint with its outcome.
    Close {
        /// Complaint id.
        id: String,
        /// The day it was closed.
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        date: NaiveDate,
        /// The outcome.
        #[arg(long)]
        outcome: String,
    },
    /// List complaints.
    List,
}

/// `incident ...`.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum IncidentCmd {
    /// Record an incident: what happened, when it was discovered, what and who it affects, and
    /// whether it was reported to the ICO (and why not).
    Record {
        /// What happened.
        #[arg(long)]
        what: String,
        /// When it was discovered (ISO 8601, e.g. 2026-11-25T09:30:00Z, or `now`): the 72-hour clock
        /// starts here.
        #[arg(long, value_name = "TIME", value_parser = crate::entry::cli::args::time_arg)]
        discovered: String,
        /// When it happened, if known.
        #[arg(long, value_name = "TIME", value_parser = crate::entry::cli::args::time_arg)]
        occurred: Option<String>,
        /// A category of data affected (repeatable): contact, consent, special, credentials, documents...
        #[arg(long = "data", required = true)]
        data: Vec<String>,
        /// How many people are affected (an estimate is fine).
        #[arg(long)]
        people: u32,
        /// reported, not_reported, or undecided (a task then falls due at the 72-hour mark).
        #[arg(long, value_parser = ["reported", "not_reported", "undecided"])]
        ico: String,
        /// The report, who was told, notes.
        #[command(flatten)]
        follow: IncidentFollowUp,
    },
    /// Update an incident: the decision about the ICO (it alone closes the 72-hour task), when it
    /// was reported, who was told, notes; --close once its handling is over.
    Update {
        /// The incident's id.
        id: String,
        /// reported or not_reported.
        #[arg(long, value_parser = ["reported", "not_reported"])]
        ico: Option<String>,
        /// The report, who was told, notes (replacing the earlier notes).
        #[command(flatten)]
        follow: IncidentFollowUp,
        /// Close it: its handling is over.
        #[arg(long)]
        close: bool,
    },
    /// List incidents (newest first), with the 72-hour mark.
    List,
}

/// What `incident record` and `incident update` both take: the report to the ICO, who was told,
/// notes.
#[derive(Debug, Args)]
pub struct IncidentFollowUp {
    /// When it was reported to the ICO.
    #[arg(long, value_name = "TIME", value_parser = crate::entry::cli::args::time_arg)]
    pub reported_at: Option<String>,
    /// Why it was not reported (required with not_reported), or the ICO's reference and decision.
    #[arg(long)]
    pub reason: Option<String>,
    /// Whether the people affected were told: yes, no, not_needed.
    #[arg(long, value_parser = ["yes", "no", "not_needed"])]
    pub people_told: Option<String>,
    /// Anything else.
    #[arg(long)]
    pub notes: Option<String>,
}

/// `retention ...`.
#[derive(Debug, Subcommand)]
pub enum RetentionCmd {
    /// Show the policy (months per kind of record), or change it.
    Policy {
        /// KIND=MONTHS, e.g. inactive_people=36 (0 turns a kind off). Repeatable.
        #[arg(long = "set", value_name = "KIND=MONTHS")]
        set: Vec<String>,
    },
    /// Delete or anonymise what is past the policy, and wind down closed transfers whose date
    /// has come; logs counts and kinds, never content.
    Run {
        /// Show what would go, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also write a signed deletion record (counts and kinds) for the data protection lead.
        #[arg(long, value_name = "FILE", requires = "sign_key")]
        record: Option<PathBuf>,
        /// The minisign secret key to sign the deletion record with.
        #[arg(long, requires = "record")]
        sign_key: Option<PathBuf>,
    },
}

/// `notification ...`.
#[derive(Debug, Subcommand)]
pub enum NotificationCmd {
    /// Check a sender's signed Art 19 notification and apply it to the people received from them:
    /// withdrawals and objections recorded, restrictions recorded, rectifications made, erased
    /// people erased. All or nothing; a notification is applied once.
    Apply {
        /// The `ID.notification.json` file (its `.minisig` beside it).
        file: PathBuf,
        /// The sender's minisign public key: the RW… string or its .pub file.
        #[arg(long)]
        signer: String,
    },
}

/// `approver ...`.
#[derive(Debug, Subcommand)]
pub enum ApproverCmd {
    /// Register who may approve a plan: the data protection lead's minisign public key. The first
    /// approver signs their own registration (--sign-key is the secret half of PUBLIC_KEY); every
    /// later one is added with a current approver's signature. A key that signed a bundle, receipt,
    /// notification or completion statement for this register can never be an approver.
    Add {
        /// The public key: the RW… string or its .pub file.
        public_key: String,
        /// Their name (shown with every approval they sign).
        #[arg(long)]
        name: String,
        /// The secret key that signs the change: the new approver's own for the first, else a
        /// current approver's.
        #[arg(long, value_name = "KEY")]
        sign_key: PathBuf,
    },
    /// Remove an approver (their earlier approvals no longer count), with a current approver's
    /// signature.
    Remove {
        /// The key id (16 hex digits, from `approver list`).
        key_id: String,
        /// A current approver's secret key (the one removed may sign their own removal).
        #[arg(long, value_name = "KEY")]
        sign_key: PathBuf,
    },
    /// List approvers.
    List,
}

/// `review ...`.
#[derive(Debug, Subcommand)]
pub enum ReviewCmd {
    /// Record the data protection lead's decision on a person the plan holds back for review:
    /// `go` lets them go despite the reason, `hold` keeps them back. The latest decision stands.
    Record {
        /// The person (id or reference).
        #[arg(long)]
        person: String,
        /// What the plan held them back for.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::register::reviews::REVIEWABLE))]
        reason: String,
        /// go or hold.
        #[arg(long, value_parser = ["go", "hold"])]
        decision: String,
        /// Who decided (default: the approver's registered name, when signed).
        #[arg(long)]
        by: Option<String>,
        /// Why: what was checked (e.g. "capacity assessment CA-12: has capacity for this decision").
        #[arg(long)]
        note: String,
        /// Sign the decision with this minisign secret key: a registered approver's (the data
        /// protection lead's). Required for `go`: only an approver's signed review lets a person go.
        #[arg(long, value_name = "KEY")]
        sign_key: Option<PathBuf>,
    },
    /// List reviews (of one person, if given).
    List {
        /// The person (id or reference).
        #[arg(long)]
        person: Option<String>,
    },
}

/// `assessment ...`.
#[derive(Debug, Subcommand)]
pub enum AssessmentCmd {
    /// Register an assessment document (its SHA-256 is kept).
    Add {
        /// lia (legitimate interests), dpia (impact assessment), apd (appropriate policy document) or
        /// dsa (data sharing agreement).
        #[arg(long, value_parser = ["lia", "dpia", "apd", "dsa"])]
        kind: String,
        /// Its reference, as cited (e.g. LIA-2026-02).
        #[arg(long = "ref")]
        reference: String,
        /// Its version.
        #[arg(long)]
        version: String,
        /// Who approved it.
        #[arg(long)]
        approver: String,
        /// The document.
        #[arg(long)]
        file: PathBuf,
        /// The day it was approved (default: today).
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        approved_on: Option<NaiveDate>,
    },
    /// List assessments.
    List,
}
