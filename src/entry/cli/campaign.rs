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
        /// The notice a notice campaign sends.
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
}
