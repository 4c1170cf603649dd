//! `campaign ...`: asking and telling people, on paper and by email.

use chrono::NaiveDate;
use clap::Subcommand;

use crate::entry::cli::args::date_arg;

/// `campaign ...`.
#[derive(Debug, Subcommand)]
pub enum CampaignCmd {
    /// Start a campaign: ask people for consent about a receiver (`--kind consent --ask
    /// PURPOSE=STATEMENT_VERSION ...`), or tell them (`--kind notice --notice VERSION`). Each
    /// statement must be in effect, name exactly the controllers its purpose needs, and exist in
    /// standard and easy-read formats; it closes at least 28 days from today.
    New {
        /// The campaign's name (lower case letters, digits and -, e.g. join-2026).
        id: String,
        /// consent (ask) or notice (tell).
        #[arg(long, value_parser = super::codes(crate::domain::model::CampaignKind::ALL, crate::domain::model::CampaignKind::as_str))]
        kind: String,
        /// The receiving controller.
        #[arg(long)]
        to: String,
        /// A use to ask about and the statement version people are shown (repeatable):
        /// disclose_to_successor=DS-2025.
        #[arg(long, value_name = "PURPOSE=STATEMENT_VERSION")]
        ask: Vec<String>,
        /// The notice a notice campaign sends; for a consent campaign, the privacy notice its
        /// letters point to (default: the latest in effect that announces nothing).
        #[arg(long, value_name = "VERSION")]
        notice: Option<String>,
        /// The last day answers count (YYYY-MM-DD), at least 28 days from today.
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        closes: NaiveDate,
        /// Who people contact with questions or to change their mind, as printed on letters.
        #[arg(long)]
        contact: Option<String>,
        /// The online form people may answer on (https://).
        #[arg(long, value_name = "URL")]
        form_url: Option<String>,
    },
    /// Who is asked and how: each person's channel (email, post, not_asked), its one reason, the
    /// uses they are asked about and their code once issued. Writes nothing.
    Plan {
        /// The campaign.
        id: String,
    },
    /// Every campaign, with what it asks and when it closes.
    List,
    /// The email channel's rows for a mail tool: each person the gate puts on email today, with
    /// their code and form link (issued now; kept for reminders). Formula-safe.
    MailMerge {
        /// The campaign.
        id: String,
        /// The mail tool's import format.
        #[arg(long, value_enum)]
        format: crate::entry::cli::MailTool,
        /// The new file to write, owner-only (never overwritten).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// One printable A4 letter per person asked by post or at their hub, in their format (easy
    /// read, large print or standard, as their record says), each with a tear-off reply slip that
    /// carries their code and not their name; issues the codes. Writes letters-standard.html,
    /// letters-large-print.html, letters-easy-read.html (those with letters) and letters.csv (who
    /// got which, and how it reaches them) into the folder; never overwrites.
    Letters {
        /// The campaign.
        id: String,
        /// The folder to write into (made if missing).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Postal addresses to print (CSV: ref, then address or address_1..address_5 and
        /// postcode); read for printing only, never stored. Without it, letters are addressed
        /// by name only (for your own envelopes, or to hand out at a hub).
        #[arg(long, value_name = "FILE")]
        addresses: Option<std::path::PathBuf>,
    },
    /// A blank form to print for hub meetings (people write their name and email; matched by
    /// email when keyed in), and the exact titles to give an online form's questions so that its
    /// export imports itself.
    Form {
        /// The campaign.
        id: String,
        /// The new HTML file to write (never overwritten).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Import the answers from a form tool's export, or paper slips keyed into a CSV, all or
    /// nothing: each yes or no becomes consent evidence; blank is no answer; both boxes is
    /// spoiled; late, signed-for or capacity-concern answers go to review; "stop sending me
    /// letters" records an objection and suppresses the address.
    Import {
        /// The campaign.
        id: String,
        /// The export (CSV; Microsoft Forms' .xlsx too).
        file: std::path::PathBuf,
        /// Where it comes from.
        #[arg(long, value_enum)]
        from: FormSource,
        /// How to read times that give no zone (Jotform, Microsoft Forms, paper).
        #[arg(long, value_enum)]
        zone: Option<TimeZoneArg>,
        /// Who keyed the paper slips in (required with --from paper).
        #[arg(long)]
        keyed_by: Option<String>,
        /// Check everything and report, changing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Record who was sent what, when and how (the letters' letters.csv or the mail tool's list,
    /// with a sent_at column: a time with its zone, or a day), all or nothing. An email row for
    /// anyone the campaign did not put on email that day is refused.
    SendLog {
        /// The campaign.
        id: String,
        /// The send log (CSV).
        file: std::path::PathBuf,
        /// These were reminders, not the first invitations.
        #[arg(long)]
        reminder: bool,
        /// Check everything and report, changing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Reminders for those who were sent a letter or email and have not answered, each checked
    /// against the gate again today (anyone who unsubscribed, objected or was erased since drops
    /// out): reminder letters for the post channel, mail-tool rows for email. Never after the
    /// closing day; one reminder each unless --max says more.
    Remind {
        /// The campaign.
        id: String,
        /// The folder to write into (made if missing).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Postal addresses to print (as for `campaign letters`).
        #[arg(long, value_name = "FILE")]
        addresses: Option<std::path::PathBuf>,
        /// The mail tool's import format for the email rows.
        #[arg(long, value_enum, default_value = "mailchimp")]
        format: crate::entry::cli::MailTool,
        /// Reminders each person may get in all.
        #[arg(long, default_value_t = 1)]
        max: u32,
    },
    /// Revoke a person's code (a letter lost or sent to the wrong address): answers with it are
    /// refused from now on; the person can be sent a new letter in a new campaign.
    Revoke {
        /// The campaign.
        id: String,
        /// The code, as written.
        #[arg(long)]
        code: String,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Record one person's answer by hand (a phone call, an email reply, a slip): each use yes or
    /// no, as consent evidence naming the campaign and code; for a notice campaign, --object (an
    /// objection to each use the notice announces).
    Reply {
        /// The campaign.
        id: String,
        /// The person's code, as written (XXXX-XXXX-XXXX; case and dashes do not matter).
        #[arg(long)]
        code: String,
        /// A use and the answer (repeatable): successor_newsletter=yes.
        #[arg(long, value_name = "PURPOSE=yes|no", required_unless_present = "object")]
        answer: Vec<String>,
        /// A notice campaign's reply: the person objects (Art 21).
        #[arg(long, conflicts_with = "answer")]
        object: bool,
        /// How the answer came.
        #[arg(long, value_parser = ["paper_signed", "email_reply", "oral_note"])]
        method: String,
        /// When the person answered (a date, or a time with its zone).
        #[arg(long)]
        at: String,
        /// Who recorded it (a role or initials).
        #[arg(long)]
        recorded_by: String,
        /// The support the person had to answer, if any (e.g. "read with their support worker").
        #[arg(long)]
        support_given: Option<String>,
    },
    /// Where a campaign stands: per channel and per use, issued, yes, no, no answer, spoiled, in
    /// review. Silence records nothing.
    Status {
        /// The campaign.
        id: String,
    },
    /// Close a campaign: no answer is recorded after this; the plan already counts every yes and no.
    Close {
        /// The campaign.
        id: String,
    },
}

/// Where a campaign's answers come from.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum FormSource {
    /// Google Forms: Download responses (.csv); its Timestamp carries the zone.
    GoogleForms,
    /// Microsoft Forms: Open results in Excel (.xlsx) or CSV; Completion time (give --zone).
    MicrosoftForms,
    /// Typeform: Results, Download all responses (CSV); Submit Date (UTC).
    Typeform,
    /// Jotform: Download as CSV; Submission Date (give --zone).
    Jotform,
    /// Paper slips keyed into a CSV: code (or email, for hub forms), one column per purpose
    /// (yes, no, both or blank), date_written, and optionally helped_by, signed_for_by,
    /// capacity_concern, stop_letters.
    Paper,
}

/// How to read a time that gives no zone.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum TimeZoneArg {
    /// Europe/London (GMT in winter, BST in summer).
    London,
    /// UTC.
    Utc,
}
