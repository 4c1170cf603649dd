//! The register: init, controllers and purposes, people, roles, statements and notices, consent, other lawful bases.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use crate::domain::model::{ControllerKind, TextFormat};
use crate::entry::cli::args::date_arg;

/// A file to import, all or nothing (the arguments every `import` shares).
#[derive(Debug, Args)]
pub struct ImportFile {
    /// The file.
    pub file: PathBuf,
    /// Show what would change and change nothing.
    #[arg(long)]
    pub dry_run: bool,
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
    #[arg(long, default_value = "charity", value_parser = super::codes(ControllerKind::ALL, ControllerKind::as_str))]
    pub controller_kind: String,
    /// An age recipient (age1…, or a file holding one) that may open the register's secrets. Repeatable.
    #[arg(long = "custodian", value_name = "AGE_RECIPIENT")]
    pub custodians: Vec<String>,
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
    /// When the organisation began as a controller of this data (YYYY-MM-DD): no consent statement
    /// in its name is effective before it.
    #[arg(long, value_parser = crate::entry::cli::args::date_arg, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
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
        #[arg(long, value_parser = super::codes(ControllerKind::ALL, ControllerKind::as_str))]
        kind: String,
        /// The controller's optional fields.
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
        #[arg(long, value_parser = super::codes(ControllerKind::ALL, ControllerKind::as_str))]
        kind: Option<String>,
        /// The controller's optional fields.
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

/// Person fields shared by add and edit, named as `people.csv`'s columns.
#[derive(Debug, Args, Default, serde::Serialize)]
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
    /// How they need written words: standard, easy_read or large_print (a campaign's letter to
    /// them is written so).
    #[arg(long)]
    pub communication_needs: Option<String>,
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
    /// The form of that statement the signup form showed: standard, easy_read or audio_script.
    #[arg(long)]
    pub statement_format: Option<String>,
    /// Privacy notice version in force.
    #[arg(long)]
    pub notice_version: Option<String>,
    /// Method (online_checkbox for web signup forms).
    #[arg(long)]
    pub method: Option<String>,
    /// Import rows without opt-in evidence as people only, with no consent (instead of refusing them).
    #[arg(long)]
    pub without_consent: bool,
    /// Read a column the import does not know (a localised merge field such as `Vorname`) as a
    /// field: COLUMN=name|first_name|last_name|phone, or COLUMN=ignore to leave it out knowingly.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// In a MailPoet export of several lists, the list the purpose covers (its `List` value).
    #[arg(long, value_name = "NAME")]
    pub list: Option<String>,
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
        /// The person's fields.
        #[command(flatten)]
        fields: PersonFields,
    },
    /// Import people from a file: people.csv, diversity.csv, or a Mailchimp, listmonk, MailPoet or
    /// WordPress.com export (all-or-nothing).
    Import {
        /// The file, and whether to change nothing.
        #[command(flatten)]
        input: ImportFile,
        /// The file's format.
        #[arg(long, value_enum, default_value_t = ImportFormat::Auto)]
        format: ImportFormat,
        /// What the export's signup form told people.
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
        /// The person's fields.
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
    /// Place a legal hold: nothing of the person's is altered or destroyed (retention, the
    /// wind-down after a transfer) until it is released (a claim, an investigation; DPA 2018 s173).
    Hold {
        /// Person id or ref.
        id: String,
        /// Why (kept in the register and the audit log: no more personal data than needed).
        #[arg(long)]
        reason: String,
    },
    /// Release a person's legal holds.
    Release {
        /// Person id or ref.
        id: String,
        /// Why they are released.
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
        #[arg(long, value_parser = date_arg)]
        to: NaiveDate,
    },
    /// List roles.
    List {
        /// Only roles held today (or at --at).
        #[arg(long)]
        current: bool,
        /// The date for --current (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg)]
        at: Option<NaiveDate>,
        /// Only this person's roles.
        #[arg(long)]
        person: Option<String>,
    },
    /// Import roles.csv (all-or-nothing).
    Import(ImportFile),
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
        #[arg(long, value_parser = super::codes(TextFormat::ALL, TextFormat::as_str))]
        format: String,
        /// The text file.
        #[arg(long)]
        file: PathBuf,
        /// First day it was used (YYYY-MM-DD; default today).
        #[arg(long, value_parser = date_arg)]
        effective_from: Option<NaiveDate>,
        /// The controllers its wording names, as slugs (comma- or semicolon-separated): a consent
        /// citing it may name only these.
        #[arg(long, value_name = "SLUG[,SLUG]")]
        controllers: String,
    },
    /// Record the controllers an older statement's wording names (once: for a statement stored
    /// before they were recorded, whose consents the plan holds back for review until then).
    Controllers {
        /// The statement version.
        version: String,
        /// The controllers its wording names, as slugs (comma- or semicolon-separated).
        #[arg(long, value_name = "SLUG[,SLUG]")]
        set: String,
    },
    /// List statement versions.
    List,
}

/// `notice ...`.
#[derive(Debug, Subcommand)]
pub enum NoticeCmd {
    /// Write a privacy notice to fill in, for a group that received people (Art 14): who you are,
    /// where the details came from, what you hold and use them for and why, how long you keep
    /// them, their rights and how to complain to the ICO. In plain English and easy read; fill in
    /// what is in [square brackets], then store each with `notice add`.
    Template {
        /// The folder to write `privacy-notice.txt` and `privacy-notice-easy-read.txt` into
        /// (never overwritten).
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Add a privacy notice version.
    Add {
        /// Version label.
        #[arg(long)]
        version: String,
        /// The text file.
        #[arg(long)]
        file: PathBuf,
        /// standard, easy_read or audio_script.
        #[arg(long, default_value = "standard", value_parser = super::codes(TextFormat::ALL, TextFormat::as_str))]
        format: String,
        /// First day it was in force (YYYY-MM-DD; default today).
        #[arg(long, value_parser = date_arg)]
        effective_from: Option<NaiveDate>,
        /// A controller and purpose this notice announces (SLUG:PURPOSE), e.g. the pre-disclosure
        /// notice naming the receiving group. Repeatable.
        #[arg(long, value_name = "SLUG:PURPOSE")]
        announces: Vec<String>,
    },
    /// List notice versions.
    List,
    /// Write the CSV of people who must be sent a notice: the sender's pre-disclosure notice
    /// naming a receiver (--to, a neutral service message, not marketing), or the receiving
    /// group's own privacy notice to everyone a bundle brought (--received, Art 14).
    #[command(group(clap::ArgGroup::new("who").required(true).args(["to", "received"])))]
    SendList {
        /// The receiving controller (the sender's pre-disclosure notice).
        #[arg(long, requires = "notice")]
        to: Option<String>,
        /// The bundle id: everyone it brought who has not been sent your privacy notice since.
        #[arg(long, value_name = "BUNDLE_ID")]
        received: Option<String>,
        /// The notice version to send (with --to it must announce the receiver; with --received,
        /// default: your latest notice).
        #[arg(long)]
        notice: Option<String>,
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
    /// When: ISO 8601 with time and zone (2024-03-01T10:00:00Z), a date alone (the start of that
    /// day in London), or `now`.
    #[arg(long, value_parser = crate::entry::cli::args::time_arg)]
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
        /// The consent event's fields.
        #[command(flatten)]
        fields: ConsentFields,
        /// Consent statement version shown.
        #[arg(long)]
        statement_version: Option<String>,
        /// The form of the statement shown: standard, easy_read or audio_script (an easy-read
        /// form is evidence of its own).
        #[arg(long)]
        statement_format: Option<String>,
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
        /// When the authority was checked: ISO 8601 with zone, a date alone, or `now`.
        #[arg(long, value_parser = crate::entry::cli::args::time_arg)]
        verified_at: Option<String>,
        /// Support given to decide (supporter's role, easy read, extra time).
        #[arg(long)]
        support_given: Option<String>,
        /// Whether a concern about the person's capacity to make this decision was noted (yes or
        /// no): a yes holds them back for the data protection lead's review (`review record`).
        #[arg(long, value_parser = ["yes", "no"])]
        capacity_concern: Option<String>,
        /// The capacity assessment's reference, if one was made.
        #[arg(long)]
        capacity_assessment: Option<String>,
        /// Special categories an explicit consent covers (;-separated).
        #[arg(long)]
        special_categories: Option<String>,
    },
    /// Record a withdrawal (no controllers: every controller).
    Withdraw {
        /// The consent event's fields.
        #[command(flatten)]
        fields: ConsentFields,
    },
    /// Record a refusal.
    Refuse {
        /// The consent event's fields.
        #[command(flatten)]
        fields: ConsentFields,
    },
    /// Import consent.csv (all-or-nothing).
    Import(ImportFile),
    /// Write the CSV of people the outgoing controller may lawfully email to invite to join the
    /// receiver's list: those the campaign gate puts on email (the sender's own email-marketing
    /// consent in force; no unsubscribe, bounce, objection or restriction since; not erased; not
    /// already answered). `handover campaign plan` shows everyone else and why (R14).
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
    /// When: ISO 8601 with zone, a date alone (the start of that day in London), or `now`.
    #[arg(long, value_parser = crate::entry::cli::args::time_arg)]
    pub at: String,
}

/// `basis ...`.
#[derive(Debug, Subcommand)]
pub enum BasisCmd {
    /// Record a lawful basis other than consent.
    Record {
        /// Whose basis, for which purpose.
        #[command(flatten)]
        target: BasisTarget,
        /// legitimate_interests, contract, legal_obligation.
        #[arg(long)]
        basis: String,
        /// The LIA's reference (legitimate interests), the agreement's (contract), or the law that
        /// imposes the obligation (legal obligation, e.g. "Charities Act 2011 s130").
        #[arg(long)]
        assessment_ref: Option<String>,
    },
    /// Record an objection (Art 21).
    Object {
        /// Whose basis, for which purpose.
        #[command(flatten)]
        target: BasisTarget,
    },
    /// Record a restriction of processing (Art 18).
    Restrict {
        /// Whose basis, for which purpose.
        #[command(flatten)]
        target: BasisTarget,
    },
    /// Lift a restriction.
    LiftRestriction {
        /// Whose basis, for which purpose.
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
    Import(ImportFile),
}
