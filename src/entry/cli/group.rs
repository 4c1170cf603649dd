//! The receiving group's everyday commands: `receive`, `use`, `next`, `mailing-list`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// `receive`.
#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// The bundle (NAME.zip.age, with NAME.zip.age.minisig beside it).
    pub file: PathBuf,
    /// The sender's public signing key (their .pub file or the RW… string), needed the first
    /// time: its fingerprint is shown to compare with the one the sender read out to you, and it
    /// is then remembered as a trusted sender. Later bundles from them need no --from.
    #[arg(long, value_name = "PUBKEY")]
    pub from: Option<String>,
    /// The sender's data protection lead's public signing key (their .pub file or the RW…
    /// string), needed the first time: the approval must be signed by it. Its fingerprint is shown
    /// to compare with the one the data protection lead read out to you (asked on a terminal), and
    /// it is then remembered as that sender's approver.
    #[arg(long, value_name = "PUBKEY")]
    pub approver: Option<String>,
    /// Where to keep the group's register. Default: asked on a terminal; otherwise the register in
    /// use when the bundle is for it (a follow-up), else COMMUNITY/register.db in this folder.
    #[arg(long, value_name = "PATH")]
    pub into: Option<PathBuf>,
    /// The group's age identity (default: the one in your keys folder).
    #[arg(long)]
    pub identity: Option<PathBuf>,
    /// The group's signing key, to sign the receipt (default: the one in your keys folder).
    #[arg(long)]
    pub sign_key: Option<PathBuf>,
    /// Who else can open the account passwords (age recipients, or files holding them); you
    /// always can. Repeatable.
    #[arg(long = "custodian", value_name = "AGE_RECIPIENT")]
    pub custodians: Vec<String>,
    /// The date of your first message to the people received, if it comes before a month is
    /// out: your privacy notice is due by then.
    #[arg(long, value_name = "DATE", value_parser = crate::entry::cli::args::date_arg)]
    pub first_message: Option<chrono::NaiveDate>,
    /// Refuse a bundle whose contents would expand to more than this many times its own size.
    #[arg(long, value_name = "TIMES", default_value_t = crate::bundle::read::DEFAULT_MAX_EXPAND, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub max_expand: u64,
}

/// `use`.
#[derive(Debug, Args)]
pub struct UseArgs {
    /// The register to use from now on (without it: show the one in use).
    pub path: Option<PathBuf>,
    /// Your name, as the register's log should record your actions (kept with the register in
    /// use; `--actor` still overrides it).
    #[arg(long)]
    pub name: Option<String>,
}

/// `mailing-list ...`.
#[derive(Debug, Subcommand)]
pub enum MailingListCmd {
    /// Write the group's mailing list as the CSV a mail tool imports: only people whose consent
    /// to the group's newsletter is in force today and who are not suppressed. Run it on the day
    /// you send, so that anyone who said no since is left out.
    Export {
        /// The mail tool's import format.
        #[arg(long, value_enum)]
        format: MailTool,
        /// The new file to write, owner-only (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A mail tool whose import format `mailing-list export` writes.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MailTool {
    /// listmonk: email, name, attributes (JSON).
    Listmonk,
    /// Mailchimp: Email Address, First Name, Last Name, Tags.
    Mailchimp,
    /// MailPoet: email, first_name, last_name.
    Mailpoet,
}
