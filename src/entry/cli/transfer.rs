//! Transfers, documents and redaction, bundles and bags, the demo, shell completions.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::entry::cli::args::date_arg;

/// `transfer ...`.
#[derive(Debug, Subcommand)]
pub enum TransferCmd {
    /// Decide person by person and item by item what may go to a receiving controller. Writes nothing.
    Plan {
        /// The receiving controller's slug.
        #[arg(long)]
        to: String,
        /// Plan as at the end of this day, Europe/London (default: today). Never changes the register.
        #[arg(long, value_parser = date_arg)]
        at: Option<NaiveDate>,
        /// Show the evidence behind one person's decisions (id or ref).
        #[arg(long)]
        explain: Option<String>,
        /// Replace identifiers with keyed pseudonyms instead of typed placeholders.
        #[arg(long)]
        pseudonymise: bool,
    },
    /// Record the receiving group's signed receipt (state: received) or its signed statement that
    /// every account is rotated (state: complete).
    Confirm {
        /// The receipt (BUNDLE_ID.receipt.json; its .minisig beside it).
        #[arg(long, required_unless_present = "statement", conflicts_with = "statement")]
        receipt: Option<PathBuf>,
        /// The rotation statement (BUNDLE_ID.complete.json; its .minisig beside it).
        #[arg(long)]
        statement: Option<PathBuf>,
        /// The receiving group's minisign public key: the RW… string or a .pub file.
        #[arg(long)]
        signer: String,
    },
    /// On the receiving group's register: once every handed-over account is rotated, write the
    /// signed statement that completes the transfer, to send back.
    Complete {
        /// The bundle id (see `handover audit log`, or the receipt's name).
        #[arg(long)]
        bundle: String,
        /// The receiving group's minisign secret key.
        /// Default: the one in your keys folder.
        #[arg(long)]
        sign_key: Option<PathBuf>,
        /// The folder to write the statement into (default: the register's folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List transfers (newest first): receiver, state, counts, Art 19 notifications still owed.
    List,
    /// Void a bundle made by mistake (never sent, or made again): it is no longer counted as a
    /// transfer and changes to its people owe its receiver nothing. Refused once its receipt came.
    Void {
        /// The transfer (bundle) id.
        id: String,
        /// Why, in a few words (recorded in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// The sender's wind-down after a completed transfer: from DATE, `retention run` anonymises
    /// the people who went, except those a recorded legal obligation of the sender still needs.
    Close {
        /// The transfer (bundle) id.
        id: String,
        /// The day after which the sender deletes what it no longer needs (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        delete_after: NaiveDate,
    },
    /// One transfer as the data protection lead and the receiving side see it.
    Show {
        /// The transfer (bundle) id.
        id: String,
    },
    /// Write a signed notification of the withdrawals, erasures, rectifications, restrictions and
    /// objections owed to a receiver since its bundles (Art 19), and close those tasks.
    Notify {
        /// The receiving controller's slug.
        #[arg(long)]
        to: String,
        /// The sender's minisign secret key (the one its bundles are signed with).
        /// Default: the one in your keys folder.
        #[arg(long, value_name = "KEY")]
        sign_key: Option<PathBuf>,
        /// The folder to write `ID.notification.json` and its `.minisig` into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Record the data protection lead's approval of the current plan (its digest), for one bundle.
    ///
    /// The approval signs the plan's digest, the digest of every value the bundle will carry, and
    /// the id of the one bundle it is for: `bundle create` makes that bundle once; another bundle
    /// needs another approval.
    Approve {
        /// The receiving controller's slug.
        #[arg(long)]
        to: String,
        /// The approver's minisign secret key (the data protection lead's, registered with
        /// `approver add`): the approval is a signature over the plan and every value it carries.
        /// Default: the one in your keys folder.
        #[arg(long, value_name = "KEY")]
        sign_key: Option<PathBuf>,
        /// Replace identifiers with keyed pseudonyms (as the plan will).
        #[arg(long)]
        pseudonymise: bool,
    },
}

/// Document categories.
pub const DOCUMENT_CATEGORIES: &[&str] = &["report", "minutes", "charter", "presentation", "blog", "video", "other"];

/// `document ...`.
#[derive(Debug, Subcommand)]
pub enum DocumentCmd {
    /// Register documents for handover, with a category and a personal-data classification.
    Add {
        /// The files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// report, minutes, charter, presentation, blog, video, other.
        #[arg(long, default_value = "other", value_parser = clap::builder::PossibleValuesParser::new(DOCUMENT_CATEGORIES))]
        category: String,
        /// none, personal or special.
        #[arg(long, value_parser = ["none", "personal", "special"])]
        classification: String,
    },
    /// List documents.
    List,
    /// Record a review of a document for a receiver, after its automated redaction.
    Review {
        /// Document id.
        id: String,
        /// include or withhold.
        #[arg(long, value_parser = ["include", "withhold"])]
        decision: String,
        /// Who reviewed it.
        #[arg(long)]
        reviewer: String,
        /// What was checked.
        #[arg(long)]
        note: String,
        /// The receiving controller (needed when there is more than one).
        #[arg(long)]
        to: Option<String>,
        /// A reviewed, manually redacted copy (for formats the tool cannot redact).
        #[arg(long)]
        redacted_copy: Option<PathBuf>,
        /// The review is of the pseudonymised redaction.
        #[arg(long)]
        pseudonymise: bool,
        /// Redact the possible names of people in no register too (`possible_name` in the
        /// preview). The default for a document classified personal or special; for one
        /// classified none, only with this flag.
        #[arg(long, conflicts_with = "keep_unknown_names")]
        redact_unknown_names: bool,
        /// Leave the possible names of people in no register in a personal or special document,
        /// the reviewer having read each one (they are listed, not redacted).
        #[arg(long)]
        keep_unknown_names: bool,
    },
}

/// `redact ...`.
#[derive(Debug, Subcommand)]
pub enum RedactCmd {
    /// Every finding (document, line, kind, detector, replacement) for a receiver's plan; never values.
    Preview {
        /// One document id (default: every document).
        doc: Option<String>,
        /// The receiving controller (needed when there is more than one).
        #[arg(long)]
        to: Option<String>,
        /// Use keyed pseudonyms instead of typed placeholders.
        #[arg(long)]
        pseudonymise: bool,
        /// Write the redacted text of DOC to this file (never overwritten) to read it before reviewing.
        #[arg(long, requires = "doc")]
        out: Option<PathBuf>,
        /// Redact possible names of people in no register in every document, a document
        /// classified none too (personal and special documents have them redacted by default).
        #[arg(long, conflicts_with = "keep_unknown_names")]
        redact_unknown_names: bool,
        /// List the possible names of people in no register without redacting them, in every
        /// document (to see the text as it would be with `document review --keep-unknown-names`).
        #[arg(long)]
        keep_unknown_names: bool,
    },
}

/// `bundle ...`.
#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Write the plan as an encrypted, signed bundle (refused while the plan has blockers).
    Create {
        /// The receiving controller's slug.
        #[arg(long)]
        to: String,
        /// An age recipient (age1…, or a file holding one) the bundle is encrypted to. Repeatable.
        #[arg(long = "recipient", value_name = "RECIPIENT")]
        recipients: Vec<String>,
        /// A file of age recipients, one per line (# comments allowed).
        #[arg(long)]
        recipients_file: Option<PathBuf>,
        /// The sender's minisign secret key.
        /// Default: the one in your keys folder.
        #[arg(long)]
        sign_key: Option<PathBuf>,
        /// The folder to write the bundle into.
        #[arg(long)]
        out: PathBuf,
        /// A custodian's age identity, to open the account secrets the bundle carries.
        #[arg(long)]
        identity: Option<PathBuf>,
        /// Show the plan's summary and the files, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also write a separate copy encrypted with a generated passphrase (shown once, on a
        /// terminal), for a receiver without keys. Send the passphrase by another channel.
        #[arg(long)]
        passphrase_copy: bool,
        /// With --passphrase-copy: write the passphrase to this new file (owner-only) instead of
        /// showing it; needed when standard error is not a terminal.
        #[arg(long, value_name = "FILE", requires = "passphrase_copy")]
        passphrase_out: Option<PathBuf>,
    },
    /// Verify a bundle, then import it into the receiving group's register (a new one, or its
    /// existing one for a follow-up bundle: people are matched by email, a bundle goes in once),
    /// and write a signed receipt to send back.
    Import {
        /// The bundle (NAME.zip.age; NAME.zip.age.minisig beside it).
        file: PathBuf,
        /// The receiving group's age identity file (default: the one in your keys folder).
        #[arg(long)]
        identity: Option<PathBuf>,
        /// The sender's minisign public key: the RW… string or a .pub file (default: the trusted
        /// sender whose key signed the bundle).
        #[arg(long)]
        signer: Option<String>,
        /// The sender's data protection lead's public key (RW… or .pub), checked with them: the
        /// approval must be signed by it (default: the approver you trust for this sender). It is
        /// then remembered as that sender's approver.
        #[arg(long, value_name = "PUBKEY")]
        approver: Option<String>,
        /// The group's register: created when it does not exist; an existing one must belong to
        /// the receiving controller, and the bundle merges into it.
        #[arg(long)]
        into: PathBuf,
        /// An age recipient (or a file holding one) to encrypt the account secrets to. Repeatable.
        #[arg(long = "custodian", value_name = "AGE_RECIPIENT")]
        custodians: Vec<String>,
        /// The receiving group's minisign secret key, to sign the receipt (default: the one in
        /// your keys folder).
        #[arg(long)]
        sign_key: Option<PathBuf>,
        /// The date of your first message to the people received, if it comes before a month is
        /// out: your privacy notice (Art 14) is due by then.
        #[arg(long, value_name = "DATE", value_parser = crate::entry::cli::args::date_arg)]
        first_message: Option<chrono::NaiveDate>,
        /// Refuse a bundle whose contents would expand to more than this many times its own
        /// size (a zip bomb); contents up to 64 MiB are always allowed.
        #[arg(long, value_name = "TIMES", default_value_t = crate::bundle::read::DEFAULT_MAX_EXPAND, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        max_expand: u64,
    },
    /// Check every layer of a bundle and name the first that fails; exit 1 if it is not valid.
    Verify {
        /// The bundle (NAME.zip.age; NAME.zip.age.minisig beside it).
        file: PathBuf,
        /// The receiving group's age identity file (default: the one in your keys folder).
        #[arg(long)]
        identity: Option<PathBuf>,
        /// The sender's minisign public key: the RW… string or a .pub file (default: the trusted
        /// sender whose key signed the bundle).
        #[arg(long)]
        signer: Option<String>,
        /// The sender's data protection lead's public key (RW… or .pub): the approval must be
        /// signed by it (default: the approver you trust for this sender, if any).
        #[arg(long, value_name = "PUBKEY")]
        approver: Option<String>,
        /// Refuse a bundle whose contents would expand to more than this many times its own
        /// size (a zip bomb); contents up to 64 MiB are always allowed.
        #[arg(long, value_name = "TIMES", default_value_t = crate::bundle::read::DEFAULT_MAX_EXPAND, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        max_expand: u64,
    },
}

/// `bag ...`.
#[derive(Debug, Subcommand)]
pub enum BagCmd {
    /// Check every file of a bag in a folder against its manifests; exit 1 if anything is wrong.
    Verify {
        /// The bag's folder (the one holding bagit.txt).
        dir: PathBuf,
    },
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder to write the demo's register and files into (created; must be empty or new).
    #[arg(long)]
    pub out: PathBuf,
    /// Folder holding the fixture community (default: fixtures/ beside the binary's source).
    #[arg(long)]
    pub fixtures: Option<PathBuf>,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
