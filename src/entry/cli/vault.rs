//! Keys, custodians, accounts with their secrets, and register backups.

use std::path::PathBuf;

use clap::Subcommand;

/// `keys ...`.
#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// Make an age identity (encryption) and a minisign key pair (signing) in a folder.
    New {
        /// Folder to write the keys into (created if missing; files are never overwritten).
        /// Default: your keys folder ($XDG_CONFIG_HOME/handover/keys, else
        /// ~/.config/handover/keys), where every command finds them without a flag.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Label for the file names (LABEL-age.key, LABEL-age.pub, LABEL-minisign.key, LABEL-minisign.pub).
        #[arg(long, default_value = "handover")]
        name: String,
        /// Do not protect the keys with a passphrase (for automation only). Without it, the one
        /// passphrase asked locks both: the signing key (minisign's format) and the age identity
        /// (age's passphrase-encrypted identity format, which `age -d -i` opens too).
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
        /// The minisign secret key file (default: the one in your keys folder).
        #[arg(long)]
        sign_key: Option<PathBuf>,
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
    /// Trust a sender's public signing key, once its fingerprint was read aloud and compared:
    /// their bundles then need no --signer.
    Trust {
        /// The sender's minisign public key: the RW… string or their .pub file.
        #[arg(value_name = "PUBKEY")]
        public_key: String,
        /// Who the sender is (e.g. the charity's name); with --approver-for, the data protection
        /// lead's name.
        #[arg(long)]
        name: String,
        /// Trust the key as the approver of this trusted sender's transfers (its name or key id):
        /// the key of the data protection lead whose approval its bundles must carry.
        #[arg(long, value_name = "SENDER")]
        approver_for: Option<String>,
    },
    /// List the senders you trust, and their approvers, with their fingerprints.
    Trusted,
    /// Copy your two public key files (the ones to send: `…-age.pub` and `…-minisign.pub`) from
    /// your keys folder into a folder you can find, and say which they are.
    ExportPublic {
        /// Where to put the copies (never overwritten).
        #[arg(long, default_value = ".")]
        out: PathBuf,
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
        /// An age identity of a current custodian, needed to re-encrypt existing secrets
        /// (default: the one in your keys folder).
        #[arg(long)]
        identity: Option<PathBuf>,
    },
    /// Remove a custodian; every secret is re-encrypted to the others, and rotation tasks are created.
    Remove {
        /// The custodian's age recipient (age1…), or a file holding it.
        recipient: String,
        /// An age identity of a remaining custodian, needed to re-encrypt the secrets (default:
        /// the one in your keys folder).
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
        #[arg(long, value_parser = crate::entry::cli::args::date_arg)]
        paid_until: Option<chrono::NaiveDate>,
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
        #[arg(long, conflicts_with = "admin_change")]
        secret_file: Option<PathBuf>,
        /// Access passes by changing the admins, not a password (a Facebook group): no secret is
        /// asked for or held; give --admins-outgoing and --admins-incoming.
        #[arg(long, requires_all = ["admins_outgoing", "admins_incoming"])]
        admin_change: bool,
        /// The outgoing admins to remove (names, comma-separated), with --admin-change.
        #[arg(long, value_delimiter = ',', value_name = "NAMES", requires = "admin_change")]
        admins_outgoing: Vec<String>,
        /// The incoming admins to add (names, comma-separated), with --admin-change.
        #[arg(long, value_delimiter = ',', value_name = "NAMES", requires = "admin_change")]
        admins_incoming: Vec<String>,
    },
    /// Record where an account's service keeps its data, and whether it processes personal data
    /// for you: the Art 30 record lists processors and transfers outside the UK from these.
    Location {
        /// Account id, or its service when only one account has it.
        id: String,
        /// Where the data is kept: ISO 3166-1 two-letter code (GB for the UK, US, IE...).
        #[arg(long)]
        country: String,
        /// The service processes personal data on your behalf (a mailing service, a web host).
        #[arg(long)]
        processor: bool,
        /// Outside the UK: the safeguard relied on (e.g. "UK Extension to the EU-US Data Privacy
        /// Framework", "IDTA", "adequacy regulations").
        #[arg(long)]
        safeguard: Option<String>,
    },
    /// Record that a mailing-service account's audience holds no one the plan keeps off the
    /// mailing list (the data protection lead cleaned it, or exported and deleted it): the plan's
    /// `audience_unchecked` blocker clears until who is held back changes again.
    AudienceChecked {
        /// Account id, or its service when only one account has it.
        id: String,
        /// cleaned (the held-back people taken out of the audience) or exported_and_deleted.
        #[arg(long, value_parser = ["cleaned", "exported_and_deleted"])]
        how: String,
        /// What was done and checked.
        #[arg(long)]
        note: String,
    },
    /// List accounts (never their secrets).
    List,
    /// Show one account (never its secret).
    Show {
        /// Account id, or its service (e.g. website) when only one account has it.
        id: String,
    },
    /// Print an account's secret to a terminal, or write it to a new file (0600).
    Reveal {
        /// Account id, or its service (e.g. website) when only one account has it.
        id: String,
        /// A custodian's age identity file.
        /// Default: the one in your keys folder.
        #[arg(long)]
        identity: Option<PathBuf>,
        /// Write the secret here instead (created 0600, never overwritten).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Record a rotation step done on an account (an --admin-change account has one: admins).
    RotateDone {
        /// Account id, or its service (e.g. website) when only one account has it.
        id: String,
        /// password, recovery (email and phone), 2fa, admins (incoming admins added, outgoing
        /// removed), or all (every step the account has).
        #[arg(long, value_parser = ["password", "recovery", "2fa", "admins", "all"])]
        what: String,
    },
    /// Store an account's new password after you changed it (read from the terminal or
    /// --secret-file); the old one is overwritten, kept nowhere.
    UpdateSecret {
        /// Account id, or its service (e.g. website) when only one account has it.
        id: String,
        /// Read the new secret from this file (its whole UTF-8 content is the secret).
        #[arg(long)]
        secret_file: Option<PathBuf>,
    },
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
        /// Default: the one in your keys folder.
        #[arg(long)]
        identity: Option<PathBuf>,
        /// The new register file (must not exist).
        #[arg(long)]
        into: PathBuf,
    },
}
