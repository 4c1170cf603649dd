//! Command-line definitions (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes: 0 ok; 1 checked and the answer is no (a verify or audit check failed);
2 bad usage or bad input (nothing was changed); 3 internal error (a bug: please report it).
Environment: HANDOVER_REGISTER (register path), HANDOVER_ACTOR (who is acting), NO_COLOR.";

/// Hand a community's register, mailing list, accounts and documents to a new controller lawfully
/// (UK GDPR and PECR): register, plan, bundle, receive, audit.
#[derive(Debug, Parser)]
#[command(name = "handover", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after any subcommand.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// The register file.
    #[arg(long, global = true, env = "HANDOVER_REGISTER", default_value = "handover.db", value_name = "PATH")]
    pub register: PathBuf,
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
    Consent(ConsentCmd),
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
    /// The register of assessments (LIA, DPIA, APD) that bases, controllers and plans cite.
    #[command(subcommand)]
    Assessment(AssessmentCmd),
    /// The retention policy and its runs (R20): delete or anonymise what is past it.
    #[command(subcommand)]
    Retention(RetentionCmd),
    /// Encrypted backup and restore of the whole register.
    #[command(subcommand, name = "register")]
    RegisterFile(RegisterCmd),
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

/// `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The community's name (e.g. "Kent and Sussex Community of Practice").
    #[arg(long)]
    pub community: String,
    /// The outgoing controller's legal name.
    #[arg(long)]
    pub controller: String,
    /// The outgoing controller's slug (default: from its name).
    #[arg(long)]
    pub controller_slug: Option<String>,
    /// The outgoing controller's legal form.
    #[arg(long, default_value = "charity", value_parser = controller_kinds())]
    pub controller_kind: String,
    /// An age recipient (age1…, or a file holding one) that may open the register's secrets. Repeatable.
    #[arg(long = "custodian", value_name = "AGE_RECIPIENT")]
    pub custodians: Vec<String>,
}

fn controller_kinds() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::model::ControllerKind::ALL.iter().map(|k| k.as_str()))
}

/// Optional controller fields shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct ControllerFields {
    /// Contact (a role address, e.g. steering@example.org).
    #[arg(long)]
    pub contact: Option<String>,
    /// The accountable person (officer) for data protection.
    #[arg(long)]
    pub accountable_person: Option<String>,
    /// ICO data protection fee status (e.g. "paid ZA123456", "exempt: not-for-profit").
    #[arg(long)]
    pub ico_fee_status: Option<String>,
    /// Data sharing agreement reference.
    #[arg(long)]
    pub dsa_ref: Option<String>,
    /// DPIA reference.
    #[arg(long)]
    pub dpia_ref: Option<String>,
}

/// `controller ...`.
#[derive(Debug, Subcommand)]
pub enum ControllerCmd {
    /// Add a controller (e.g. the receiving steering group).
    Add {
        /// Legal name.
        #[arg(long)]
        name: String,
        /// Slug (default: the name in lower case, other characters as hyphens).
        #[arg(long)]
        slug: Option<String>,
        /// Legal form.
        #[arg(long, value_parser = controller_kinds())]
        kind: String,
        #[command(flatten)]
        fields: ControllerFields,
    },
    /// List controllers.
    List,
    /// Change a controller's details.
    Edit {
        /// The controller's slug.
        slug: String,
        /// New legal name.
        #[arg(long)]
        name: Option<String>,
        /// New legal form.
        #[arg(long, value_parser = controller_kinds())]
        kind: Option<String>,
        #[command(flatten)]
        fields: ControllerFields,
    },
}

/// `purpose ...`.
#[derive(Debug, Subcommand)]
pub enum PurposeCmd {
    /// List the purpose catalogue.
    List,
    /// Set the person fields a purpose carries to a receiver (R5): name, email, phone,
    /// organisation, stakeholder_group, hub, roles, jurisdiction, adult_confirmed, source, joined_on.
    Fields {
        /// Purpose code.
        code: String,
        /// Comma-separated field list.
        #[arg(long)]
        set: String,
    },
}

/// Person fields shared by add and edit.
#[derive(Debug, Args, Default)]
pub struct PersonFields {
    /// Full name.
    #[arg(long)]
    pub name: Option<String>,
    /// Email address (matched case-insensitively).
    #[arg(long)]
    pub email: Option<String>,
    /// Phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Organisation.
    #[arg(long)]
    pub organisation: Option<String>,
    /// Stakeholder group (professional, family_carer, lived_experience, education, health,
    /// social_care, provider, commissioner, member, other).
    #[arg(long)]
    pub stakeholder_group: Option<String>,
    /// Local hub.
    #[arg(long)]
    pub hub: Option<String>,
    /// Jurisdiction (england_wales, scotland, northern_ireland, eu, other, unknown).
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// Confirmed 18 or over: yes or no.
    #[arg(long)]
    pub adult_confirmed: Option<String>,
    /// Where the record came from.
    #[arg(long)]
    pub source: Option<String>,
    /// Date joined (YYYY-MM-DD).
    #[arg(long)]
    pub joined_on: Option<String>,
    /// Free-text notes (treated as special category; never transferred).
    #[arg(long)]
    pub notes: Option<String>,
}

/// Flags every export-format import needs: what people were told (an export cannot show it).
#[derive(Debug, Args, Default, Clone)]
pub struct ExportConsentArgs {
    /// Purpose the list was for (e.g. newsletter).
    #[arg(long)]
    pub purpose: Option<String>,
    /// Controllers the subscription named (;-separated slugs).
    #[arg(long)]
    pub controllers: Option<String>,
    /// Consent statement version shown on the signup form.
    #[arg(long)]
    pub statement_version: Option<String>,
    /// Privacy notice version in force.
    #[arg(long)]
    pub notice_version: Option<String>,
    /// Method (online_checkbox for web signup forms).
    #[arg(long)]
    pub method: Option<String>,
    /// Import rows without opt-in evidence as people only, with no consent (instead of refusing them).
    #[arg(long)]
    pub without_consent: bool,
}

/// Import formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ImportFormat {
    /// Detect from the file's header (or zip contents).
    Auto,
    /// handover's people.csv.
    People,
    /// handover's diversity.csv.
    Diversity,
    /// A Mailchimp audience export zip (or one of its CSV files).
    Mailchimp,
    /// A listmonk subscriber export (subscribers.csv).
    Listmonk,
    /// A MailPoet (WordPress) subscriber export.
    Mailpoet,
    /// A WordPress.com / Jetpack subscriber export (email only).
    WordpressCom,
}

/// `person ...`.
#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    /// Add a person.
    Add {
        /// Your reference for the person (default: the next P0001-style number).
        #[arg(long = "ref")]
        reference: Option<String>,
        #[command(flatten)]
        fields: PersonFields,
    },
    /// Import people from a file: people.csv, diversity.csv, or a Mailchimp, listmonk, MailPoet or
    /// WordPress.com export (all-or-nothing).
    Import {
        /// The file.
        file: PathBuf,
        /// The file's format.
        #[arg(long, value_enum, default_value_t = ImportFormat::Auto)]
        format: ImportFormat,
        /// Show what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        consent: ExportConsentArgs,
    },
    /// List people.
    List,
    /// Show one person (by id or ref).
    Show {
        /// Person id or ref.
        id: String,
    },
    /// Change a person's details (rectification).
    Edit {
        /// Person id or ref.
        id: String,
        #[command(flatten)]
        fields: PersonFields,
    },
    /// Everything held on a person (subject access), as JSON or readable text.
    Export {
        /// Person id or ref.
        id: String,
        /// Write to this file instead of stdout (created 0600, never overwritten).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Erase a person: identifying data removed everywhere, a tombstone and suppression kept.
    Erase {
        /// Person id or ref.
        id: String,
        /// Why (e.g. "erasure request 2026-03"); kept in the tombstone, not in the audit log.
        #[arg(long)]
        reason: String,
    },
    /// Record a diversity-monitoring answer (needs explicit consent naming the category).
    SetDiversity {
        /// Person id or ref.
        id: String,
        /// Category: ethnicity, disability, religion, sexual_orientation, health.
        #[arg(long)]
        category: String,
        /// The answer.
        #[arg(long)]
        value: String,
    },
}

/// `role ...`.
#[derive(Debug, Subcommand)]
pub enum RoleCmd {
    /// Give a person a role.
    Assign {
        /// Person id or ref.
        #[arg(long)]
        person: String,
        /// steering_chair, steering_co_chair, steering_member, steering_secretary, champion, coordinator, facilitator.
        #[arg(long)]
        role: String,
        /// Hub (required for champions).
        #[arg(long)]
        hub: Option<String>,
        /// Start date (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Designation, e.g. lived_experience (special category).
        #[arg(long)]
        designation: Option<String>,
    },
    /// End a role.
    End {
        /// Role id.
        id: String,
        /// End date (YYYY-MM-DD).
        #[arg(long)]
        to: String,
    },
    /// List roles.
    List {
        /// Only roles held today (or at --at).
        #[arg(long)]
        current: bool,
        /// The date for --current (YYYY-MM-DD).
        #[arg(long)]
        at: Option<String>,
        /// Only this person's roles.
        #[arg(long)]
        person: Option<String>,
    },
    /// Import roles.csv (all-or-nothing).
    Import {
        /// The file.
        file: PathBuf,
        /// Show what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `statement ...`.
#[derive(Debug, Subcommand)]
pub enum StatementCmd {
    /// Add a consent statement version (its text is kept with its SHA-256).
    Add {
        /// Version label (e.g. 2024-03).
        #[arg(long)]
        version: String,
        /// Purpose code it asks consent for.
        #[arg(long)]
        purpose: String,
        /// standard, easy_read or audio_script.
        #[arg(long)]
        format: String,
        /// The text file.
        #[arg(long)]
        file: PathBuf,
        /// First day it was used (YYYY-MM-DD; default today).
        #[arg(long)]
        effective_from: Option<String>,
    },
    /// List statement versions.
    List,
}

/// `notice ...`.
#[derive(Debug, Subcommand)]
pub enum NoticeCmd {
    /// Add a privacy notice version.
    Add {
        /// Version label.
        #[arg(long)]
        version: String,
        /// The text file.
        #[arg(long)]
        file: PathBuf,
        /// standard, easy_read or audio_script.
        #[arg(long, default_value = "standard")]
        format: String,
        /// First day it was in force (YYYY-MM-DD; default today).
        #[arg(long)]
        effective_from: Option<String>,
        /// A controller and purpose this notice announces (SLUG:PURPOSE), e.g. the pre-disclosure
        /// notice naming the receiving group. Repeatable.
        #[arg(long, value_name = "SLUG:PURPOSE")]
        announces: Vec<String>,
    },
    /// List notice versions.
    List,
    /// Write the CSV of people who must be sent the pre-disclosure notice naming a receiver (a
    /// neutral service message, not marketing).
    SendList {
        /// The receiving controller.
        #[arg(long)]
        to: String,
        /// The notice version to send (it must announce the receiver).
        #[arg(long)]
        notice: String,
        /// Write here (never overwritten) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import the log of which notice went to whom (notices-sent.csv).
    SendLog {
        /// The file.
        file: PathBuf,
        /// Show what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Every field of a consent event, as flags.
#[derive(Debug, Args, Default)]
pub struct ConsentFields {
    /// Person id or ref.
    #[arg(long)]
    pub person: String,
    /// Exactly one purpose code.
    #[arg(long)]
    pub purpose: String,
    /// Named controllers (;-separated slugs; repeatable).
    #[arg(long)]
    pub controllers: Vec<String>,
    /// Channels (;-separated: email, sms, post, phone; repeatable).
    #[arg(long)]
    pub channels: Vec<String>,
    /// When (ISO 8601 with time and zone, e.g. 2024-03-01T10:00:00Z).
    #[arg(long)]
    pub at: String,
    /// Who recorded it.
    #[arg(long)]
    pub recorded_by: String,
    /// How: paper_signed, online_checkbox, oral_note, easy_read_form, email_reply.
    #[arg(long)]
    pub method: Option<String>,
    /// Where the evidence is kept.
    #[arg(long)]
    pub evidence_ref: Option<String>,
    /// Event or hub where it was given.
    #[arg(long)]
    pub context: Option<String>,
}

/// `consent ...`.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum ConsentCmd {
    /// Record a consent (grant) with its evidence (R7–R9 are enforced).
    Record {
        #[command(flatten)]
        fields: ConsentFields,
        /// Consent statement version shown.
        #[arg(long)]
        statement_version: Option<String>,
        /// Privacy notice version in force.
        #[arg(long)]
        notice_version: Option<String>,
        /// The person was told they can withdraw at any time: yes (required).
        #[arg(long)]
        told_can_withdraw: Option<String>,
        /// self (default), lpa_attorney, deputy, parent.
        #[arg(long)]
        given_by: Option<String>,
        /// lpa_health_welfare, court_deputy, parental_responsibility.
        #[arg(long)]
        authority_kind: Option<String>,
        /// OPG or court order reference.
        #[arg(long)]
        authority_ref: Option<String>,
        /// Who checked the authority.
        #[arg(long)]
        verified_by: Option<String>,
        /// When the authority was checked (ISO 8601 with zone).
        #[arg(long)]
        verified_at: Option<String>,
        /// Support given to decide (supporter's role, easy read, extra time).
        #[arg(long)]
        support_given: Option<String>,
        /// Special categories an explicit consent covers (;-separated).
        #[arg(long)]
        special_categories: Option<String>,
    },
    /// Record a withdrawal (no controllers: every controller).
    Withdraw {
        #[command(flatten)]
        fields: ConsentFields,
    },
    /// Record a refusal.
    Refuse {
        #[command(flatten)]
        fields: ConsentFields,
    },
    /// Import consent.csv (all-or-nothing).
    Import {
        /// The file.
        file: PathBuf,
        /// Show what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the CSV of people the outgoing controller may lawfully invite to join the receiver's
    /// list: only those with a valid newsletter consent for it (R14).
    RequestList {
        /// The receiving controller.
        #[arg(long)]
        to: String,
        /// Write here (never overwritten) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Consent events and derived status, for one person or everyone.
    History {
        /// Person id or ref (default: everyone).
        id: Option<String>,
        /// Only this purpose.
        #[arg(long)]
        purpose: Option<String>,
        /// Status as at this date or timestamp (default: now).
        #[arg(long)]
        at: Option<String>,
    },
}

/// Fields of a basis event.
#[derive(Debug, Args)]
pub struct BasisTarget {
    /// Person id or ref.
    #[arg(long)]
    pub person: String,
    /// Purpose code.
    #[arg(long)]
    pub purpose: String,
    /// Controllers (;-separated slugs; repeatable). For objections and restrictions, none means all.
    #[arg(long)]
    pub controllers: Vec<String>,
    /// Who decided or recorded it.
    #[arg(long)]
    pub decided_by: String,
    /// When (ISO 8601 with zone).
    #[arg(long)]
    pub at: String,
}

/// `basis ...`.
#[derive(Debug, Subcommand)]
pub enum BasisCmd {
    /// Record a lawful basis other than consent.
    Record {
        #[command(flatten)]
        target: BasisTarget,
        /// legitimate_interests, contract, legal_obligation.
        #[arg(long)]
        basis: String,
        /// The assessment (LIA) or agreement reference.
        #[arg(long)]
        assessment_ref: Option<String>,
    },
    /// Record an objection (Art 21).
    Object {
        #[command(flatten)]
        target: BasisTarget,
    },
    /// Record a restriction of processing (Art 18).
    Restrict {
        #[command(flatten)]
        target: BasisTarget,
    },
    /// Lift a restriction.
    LiftRestriction {
        #[command(flatten)]
        target: BasisTarget,
    },
    /// List basis events.
    List {
        /// Only this person.
        #[arg(long)]
        person: Option<String>,
    },
    /// Import bases.csv (all-or-nothing).
    Import {
        /// The file.
        file: PathBuf,
        /// Show what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

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
        #[arg(long)]
        sign_key: PathBuf,
        /// The checkpoint file to write (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// List audit entries.
    Log,
}

/// `keys ...`.
#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// Make an age identity (encryption) and a minisign key pair (signing) in a folder.
    New {
        /// Folder to write the keys into (created if missing; files are never overwritten).
        #[arg(long)]
        out: PathBuf,
        /// Label for the file names (LABEL-age.key, LABEL-age.pub, LABEL-minisign.key, LABEL-minisign.pub).
        #[arg(long, default_value = "handover")]
        name: String,
        /// Do not protect the signing key with a passphrase (for automation only).
        #[arg(long)]
        unprotected: bool,
    },
    /// Show the public half and fingerprint of a key file (ours, age-keygen's or minisign's).
    Show {
        /// The key file.
        file: PathBuf,
    },
    /// Sign a file (minisign prehashed format); writes FILE.minisig.
    Sign {
        /// The file to sign.
        file: PathBuf,
        /// The minisign secret key file.
        #[arg(long)]
        sign_key: PathBuf,
        /// The trusted comment (signed too).
        #[arg(long)]
        trusted_comment: Option<String>,
    },
    /// Verify a file's signature by the expected signer; exit 1 if it does not verify.
    Verify {
        /// The signed file.
        file: PathBuf,
        /// The signer's minisign public key: the RW… string or a .pub file.
        #[arg(long)]
        signer: String,
        /// The signature file (default: FILE.minisig).
        #[arg(long)]
        signature: Option<PathBuf>,
    },
}

/// `custodian ...`.
#[derive(Debug, Subcommand)]
pub enum CustodianCmd {
    /// Add a custodian; existing secrets are re-encrypted to include them.
    Add {
        /// The custodian's age recipient (age1…), or a file holding it (e.g. LABEL-age.pub).
        recipient: String,
        /// A label (a role, e.g. "dp-lead").
        #[arg(long)]
        label: Option<String>,
        /// An age identity of a current custodian, needed to re-encrypt existing secrets.
        #[arg(long)]
        identity: Option<PathBuf>,
    },
    /// Remove a custodian; every secret is re-encrypted to the others, and rotation tasks are created.
    Remove {
        /// The custodian's age recipient (age1…), or a file holding it.
        recipient: String,
        /// An age identity of a remaining custodian, needed to re-encrypt the secrets.
        #[arg(long)]
        identity: Option<PathBuf>,
    },
    /// List custodians.
    List,
}

/// Service codes.
pub const SERVICES: &[&str] = &[
    "website",
    "wordpress",
    "facebook_group",
    "twitter_x",
    "youtube",
    "vimeo",
    "mailchimp",
    "domain_registrar",
    "email_inbox",
    "other",
];

/// `account ...`.
#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Add an account; its password, recovery codes and notes are read from the terminal or --secret-file.
    Add {
        /// website, wordpress, facebook_group, twitter_x, youtube, vimeo, mailchimp, domain_registrar, email_inbox, other.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(SERVICES))]
        service: String,
        /// The login or admin URL.
        #[arg(long)]
        url: String,
        /// The login name.
        #[arg(long)]
        login: String,
        /// What personal data the account holds (e.g. "the group's member list").
        #[arg(long)]
        personal_data: Option<String>,
        /// Who pays for it.
        #[arg(long)]
        paid_by: Option<String>,
        /// Until when it is paid (YYYY-MM-DD).
        #[arg(long)]
        paid_until: Option<String>,
        /// Recovery email address.
        #[arg(long)]
        recovery_email: Option<String>,
        /// Recovery phone number.
        #[arg(long)]
        recovery_phone: Option<String>,
        /// Two-factor method (e.g. "authenticator app on the facilitator's phone").
        #[arg(long = "two-factor")]
        two_factor: Option<String>,
        /// Read the secret from this file (its whole UTF-8 content is the secret).
        #[arg(long)]
        secret_file: Option<PathBuf>,
    },
    /// List accounts (never their secrets).
    List,
    /// Show one account (never its secret).
    Show {
        /// Account id.
        id: String,
    },
    /// Print an account's secret to a terminal, or write it to a new file (0600).
    Reveal {
        /// Account id.
        id: String,
        /// A custodian's age identity file.
        #[arg(long)]
        identity: PathBuf,
        /// Write the secret here instead (created 0600, never overwritten).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Record a rotation step done on an account.
    RotateDone {
        /// Account id.
        id: String,
        /// password, recovery (email and phone), 2fa, admins (outgoing admins removed).
        #[arg(long, value_parser = ["password", "recovery", "2fa", "admins"])]
        what: String,
    },
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
        #[arg(long, value_name = "DATE")]
        received: String,
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
        #[arg(long, value_name = "DATE")]
        date: String,
        /// What was asked.
        #[arg(long)]
        reason: String,
    },
    /// Restart the clock: the clarification, or the proof of identity, arrived.
    Resume {
        /// Request id.
        id: String,
        /// The day it arrived.
        #[arg(long, value_name = "DATE")]
        date: String,
    },
    /// Extend by two months (complex or numerous requests): only with the notice to the person
    /// sent before the first deadline.
    Extend {
        /// Request id.
        id: String,
        /// The day the extension notice was sent.
        #[arg(long, value_name = "DATE")]
        notice_sent: String,
        /// Why the extension is needed (told to the person).
        #[arg(long)]
        reason: String,
    },
    /// Close a request with its outcome.
    Close {
        /// Request id.
        id: String,
        /// The day it was answered.
        #[arg(long, value_name = "DATE")]
        date: String,
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
    /// The bank holidays the clocks use (built in: England & Wales 2023-2030); add more from a
    /// file of `YYYY-MM-DD,Name` lines.
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
        #[arg(long, value_name = "DATE")]
        received: String,
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
        #[arg(long, value_name = "DATE")]
        date: String,
    },
    /// Close a complaint with its outcome.
    Close {
        /// Complaint id.
        id: String,
        /// The day it was closed.
        #[arg(long, value_name = "DATE")]
        date: String,
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
        /// When it was discovered (ISO 8601, e.g. 2026-11-25T09:30:00Z): the 72-hour clock starts here.
        #[arg(long, value_name = "TIME")]
        discovered: String,
        /// When it happened, if known.
        #[arg(long, value_name = "TIME")]
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
        /// When it was reported to the ICO.
        #[arg(long, value_name = "TIME")]
        reported_at: Option<String>,
        /// Why it was not reported (required with not_reported), or the ICO's reference.
        #[arg(long)]
        reason: Option<String>,
        /// Whether the people affected were told: yes, no, not_needed.
        #[arg(long, value_parser = ["yes", "no", "not_needed"])]
        people_told: Option<String>,
        /// Anything else.
        #[arg(long)]
        notes: Option<String>,
    },
    /// List incidents (newest first), with the 72-hour mark.
    List,
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

/// `assessment ...`.
#[derive(Debug, Subcommand)]
pub enum AssessmentCmd {
    /// Register an assessment document (its SHA-256 is kept).
    Add {
        /// lia (legitimate interests), dpia (impact assessment) or apd (appropriate policy document).
        #[arg(long, value_parser = ["lia", "dpia", "apd"])]
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
        #[arg(long, value_name = "DATE")]
        approved_on: Option<String>,
    },
    /// List assessments.
    List,
}

/// `register ...`.
#[derive(Debug, Subcommand)]
pub enum RegisterCmd {
    /// Write a consistent copy of the register, age-encrypted to the custodians.
    Backup {
        /// The backup file (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into a new register file.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// A custodian's age identity file.
        #[arg(long)]
        identity: PathBuf,
        /// The new register file (must not exist).
        #[arg(long)]
        into: PathBuf,
    },
}

/// `transfer ...`.
#[derive(Debug, Subcommand)]
pub enum TransferCmd {
    /// Decide person by person and item by item what may go to a receiving controller. Writes nothing.
    Plan {
        /// The receiving controller's slug.
        #[arg(long)]
        to: String,
        /// Plan as at the end of this day, Europe/London (default: today). Never changes the register.
        #[arg(long)]
        at: Option<String>,
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
        #[arg(long)]
        sign_key: PathBuf,
        /// The folder to write the statement into.
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// List transfers (newest first): receiver, state, counts, Art 19 notifications still owed.
    List,
    /// The sender's wind-down after a completed transfer: from DATE, `retention run` anonymises
    /// the people who went, except those a recorded legal obligation of the sender still needs.
    Close {
        /// The transfer (bundle) id.
        id: String,
        /// The day after which the sender deletes what it no longer needs (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        delete_after: String,
    },
    /// One transfer as the data protection lead and the receiving side see it.
    Show {
        /// The transfer (bundle) id.
        id: String,
    },
    /// Record the data protection lead's approval of the current plan (its digest).
    Approve {
        /// The receiving controller's slug.
        #[arg(long)]
        to: String,
        /// Who approves (the data protection lead).
        #[arg(long)]
        approver: String,
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
        #[arg(long)]
        sign_key: PathBuf,
        /// The folder to write the bundle into.
        #[arg(long)]
        out: PathBuf,
        /// A custodian's age identity, to open the account secrets the bundle carries.
        #[arg(long)]
        identity: Option<PathBuf>,
        /// Show the plan's summary and the files, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also write a separate copy encrypted with a generated passphrase (shown once), for a
        /// receiver without keys. Send the passphrase by another channel.
        #[arg(long)]
        passphrase_copy: bool,
    },
    /// Verify a bundle, then import it into the receiving group's register (a new one, or its
    /// existing one for a follow-up bundle: people are matched by email, a bundle goes in once),
    /// and write a signed receipt to send back.
    Import {
        /// The bundle (NAME.zip.age; NAME.zip.age.minisig beside it).
        file: PathBuf,
        /// The receiving group's age identity file.
        #[arg(long)]
        identity: PathBuf,
        /// The sender's minisign public key: the RW… string or a .pub file.
        #[arg(long)]
        signer: String,
        /// The group's register: created when it does not exist; an existing one must belong to
        /// the receiving controller, and the bundle merges into it.
        #[arg(long)]
        into: PathBuf,
        /// An age recipient (or a file holding one) to encrypt the account secrets to. Repeatable.
        #[arg(long = "custodian", value_name = "AGE_RECIPIENT")]
        custodians: Vec<String>,
        /// The receiving group's minisign secret key, to sign the receipt.
        #[arg(long)]
        sign_key: PathBuf,
        /// The date of your first message to the people received, if it comes before a month is
        /// out: your privacy notice (Art 14) is due by then.
        #[arg(long, value_name = "DATE")]
        first_message: Option<String>,
    },
    /// Check every layer of a bundle and name the first that fails; exit 1 if it is not valid.
    Verify {
        /// The bundle (NAME.zip.age; NAME.zip.age.minisig beside it).
        file: PathBuf,
        /// The receiving group's age identity file.
        #[arg(long)]
        identity: PathBuf,
        /// The sender's minisign public key: the RW… string or a .pub file.
        #[arg(long)]
        signer: String,
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        super::Cli::command().debug_assert();
    }
}
