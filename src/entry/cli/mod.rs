//! Command-line definitions (clap derive) and nothing else.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes: 0 ok; 1 checked and the answer is no (a verify or audit check failed);
2 bad usage or bad input (nothing was changed); 3 internal error (a bug: please report it);
4 the register is damaged (it holds a value handover cannot read: restore it from a backup).
Environment: HANDOVER_REGISTER (register path), HANDOVER_ACTOR (who is acting), NO_COLOR.";

/// Hand a community's register, mailing list, accounts and documents to a new controller lawfully
/// (UK GDPR and PECR): register, plan, bundle, receive, audit.
#[derive(Debug, Parser)]
#[command(name = "handover", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    /// The options every command takes.
    pub global: GlobalArgs,
    #[command(subcommand)]
    /// The command to run (without one: what to do next).
    pub command: Option<Command>,
}

/// Options accepted before or after any subcommand.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// The register file (default: the one `handover use` or `handover receive` remembered, else
    /// handover.db in this folder).
    #[arg(long, global = true, env = "HANDOVER_REGISTER", value_name = "PATH")]
    pub register: Option<PathBuf>,
    /// Print one JSON document {"type": ..., "data": ...} on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print nothing on success except requested data.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// When to use colour on stderr.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Who is acting, for the audit log (a role or initials; not a member's name).
    #[arg(long, global = true, env = "HANDOVER_ACTOR", value_name = "NAME")]
    pub actor: Option<String>,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Receive a bundle in one step: check every layer, import it into your group's register, and
    /// write your handover letters and the receipt to send back.
    Receive(ReceiveArgs),
    /// What to do next, soonest first, with the command for each.
    Next,
    /// Remember the register to use, so that no command needs --register.
    Use(UseArgs),
    /// The group's own mailing list, for its mail tool.
    #[command(subcommand)]
    MailingList(MailingListCmd),
    /// Create a new register for a community and its outgoing controller.
    Init(InitArgs),
    /// Organisations that hold the data: the outgoing one and receiving groups.
    #[command(subcommand)]
    Controller(ControllerCmd),
    /// The purpose catalogue (what data is used for).
    #[command(subcommand)]
    Purpose(PurposeCmd),
    /// People in the register.
    #[command(subcommand)]
    Person(PersonCmd),
    /// Roles people hold (steering group, champions, ...).
    #[command(subcommand)]
    Role(RoleCmd),
    /// Consent statement versions (the words people agreed to).
    #[command(subcommand)]
    Statement(StatementCmd),
    /// Privacy notice versions and the log of who was sent which.
    #[command(subcommand)]
    Notice(NoticeCmd),
    /// Consent as append-only evidence: record, withdraw, refuse, import, history.
    #[command(subcommand)]
    Consent(Box<ConsentCmd>),
    /// Lawful bases other than consent, objections and restrictions.
    #[command(subcommand)]
    Basis(BasisCmd),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Encryption and signing keys: make, show, sign, verify.
    #[command(subcommand)]
    Keys(KeysCmd),
    /// Who can open the register's secrets (age recipients).
    #[command(subcommand)]
    Custodian(CustodianCmd),
    /// Accounts handed over (website, social media, mailing service), secrets encrypted at rest.
    #[command(subcommand)]
    Account(AccountCmd),
    /// Obligations with due dates (rotate handed-over passwords, ...).
    #[command(subcommand)]
    Tasks(TasksCmd),
    /// Rights requests (access, erasure, ...) and their one-month clocks (R19).
    #[command(subcommand)]
    Request(RequestCmd),
    /// The data protection complaints log, with its 30-day acknowledgement clock.
    #[command(subcommand)]
    Complaint(ComplaintCmd),
    /// Personal data breaches and other incidents, with the 72-hour ICO clock.
    #[command(subcommand)]
    Incident(IncidentCmd),
    /// A sender's Art 19 notifications, applied at the receiver.
    #[command(subcommand)]
    Notification(NotificationCmd),
    /// Who may approve a transfer plan: the data protection lead's signing keys.
    #[command(subcommand)]
    Approver(ApproverCmd),
    /// The data protection lead's decisions on people the plan holds back for review.
    #[command(subcommand)]
    Review(ReviewCmd),
    /// The register of assessments (LIA, DPIA, APD) that bases, controllers and plans cite.
    #[command(subcommand)]
    Assessment(AssessmentCmd),
    /// The retention policy and its runs (R20): delete or anonymise what is past it.
    #[command(subcommand)]
    Retention(RetentionCmd),
    /// Encrypted backup and restore of the whole register.
    #[command(subcommand, name = "register")]
    RegisterFile(RegisterCmd),
    /// Ask people for consent, or tell them, about a receiver: who may be asked and how (email
    /// only with the sender's own marketing consent; post or hub hand-out otherwise).
    #[command(subcommand)]
    Campaign(CampaignCmd),
    /// Plan a transfer to a receiving controller, and approve the plan.
    #[command(subcommand)]
    Transfer(TransferCmd),
    /// Documents to hand over: add, review, list.
    #[command(subcommand)]
    Document(DocumentCmd),
    /// Redaction: see what would be replaced in documents.
    #[command(subcommand)]
    Redact(RedactCmd),
    /// BagIt fixity checks of a bag extracted to a folder (RFC 8493).
    #[command(subcommand)]
    Bag(BagCmd),
    /// The encrypted, signed bundle that changes hands.
    #[command(subcommand)]
    Bundle(BundleCmd),
    /// Run the demo on the synthetic fixture community into a folder.
    Demo(DemoArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

/// A clap value parser that accepts exactly the codes of one of the model's code lists, and lists
/// them in `--help` (flags whose values are also checked in CSV rows keep the shared validator,
/// so that one refusal lists every bad value).
fn codes<T: Copy + Send + Sync + 'static>(all: &'static [T], as_str: fn(T) -> &'static str) -> PossibleValuesParser {
    PossibleValuesParser::new(all.iter().map(move |c| as_str(*c)))
}

pub mod args;
mod campaign;
mod governance;
mod group;
mod register;
mod transfer;
mod vault;

pub use campaign::*;
pub use governance::*;
pub use group::*;
pub use register::*;
pub use transfer::*;
pub use vault::*;

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        super::Cli::command().debug_assert();
    }
}
