//! Domain value lists and small helpers shared by the register, the rules and the imports.
//!
//! Every code here is a contract: CSV files, `--json` output and scripts use these exact snake_case
//! strings. Codes may be added; none is ever renamed or removed.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use unicode_normalization::UnicodeNormalization;

/// Defines a closed list of snake_case codes with parsing and listing.
macro_rules! codes {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $var),+ }
        #[allow(dead_code, reason = "every code list gets the same API; not every list uses all of it")]
        impl $name {
            /// Every code, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The code as written in files and output.
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $s),+ } }
            /// Parse a code; `None` when it is not one of [`Self::ALL`].
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$var),)+ _ => None } }
            /// The codes joined with ", " for messages.
            pub fn list() -> String { Self::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ") }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not one of {}", $name::list())))
            }
        }
        impl Code for $name {
            fn parse_code(s: &str) -> Option<Self> { $name::parse(s) }
            fn codes() -> String { $name::list() }
        }
    };
}

/// A closed list of codes (every [`codes!`] list): what reading a stored code needs.
pub trait Code: Sized + Copy {
    /// Parse a code; `None` when it is not one of the list.
    fn parse_code(s: &str) -> Option<Self>;
    /// The codes joined with ", " for messages.
    fn codes() -> String;
}

/// Serde helpers for times as the register and every file write them (RFC 3339, seconds, `Z`).
pub mod ts {
    use chrono::{DateTime, Utc};

    /// Serialise a time as [`super::fmt_ts`] writes it.
    pub fn serialize<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::fmt_ts(*t))
    }

    /// Read a time as [`super::parse_timestamp`] reads it.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        super::parse_timestamp(&s).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 time with a zone"))
    }

    /// The same for an optional time.
    pub mod option {
        use chrono::{DateTime, Utc};

        /// Serialise an optional time (`null` when absent).
        pub fn serialize<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&super::super::fmt_ts(*t)),
                None => s.serialize_none(),
            }
        }

        /// Read an optional time (`null` or absent: `None`).
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
            let s = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(d)?;
            s.map(|s| {
                super::super::parse_timestamp(&s)
                    .ok_or_else(|| serde::de::Error::custom("not an RFC 3339 time with a zone"))
            })
            .transpose()
        }
    }
}

codes!(
    /// Stakeholder group of a person.
    StakeholderGroup {
        Professional = "professional", FamilyCarer = "family_carer", LivedExperience = "lived_experience",
        Education = "education", Health = "health", SocialCare = "social_care", Provider = "provider",
        Commissioner = "commissioner", Member = "member", Other = "other",
    }
);

impl Default for Jurisdiction {
    /// Not known until the person or a record says.
    fn default() -> Self {
        Jurisdiction::Unknown
    }
}

impl StakeholderGroup {
    /// Groups that reveal health (the person's own, or a relative's for family carers): special category.
    pub fn is_special(self) -> bool {
        matches!(self, StakeholderGroup::LivedExperience | StakeholderGroup::FamilyCarer)
    }
}

codes!(
    /// Where a person lives, for the law that governs capacity and consent (R21).
    Jurisdiction {
        EnglandWales = "england_wales", Scotland = "scotland", NorthernIreland = "northern_ireland",
        Eu = "eu", Other = "other", Unknown = "unknown",
    }
);

codes!(
    /// Legal form of a controller.
    ControllerKind {
        Charity = "charity", Cio = "cio", Company = "company",
        UnincorporatedAssociation = "unincorporated_association", Other = "other",
    }
);

codes!(
    /// Contact channel a consent covers.
    Channel { Email = "email", Sms = "sms", Post = "post", Phone = "phone" }
);

codes!(
    /// How a consent, withdrawal or refusal was given.
    Method {
        PaperSigned = "paper_signed", OnlineCheckbox = "online_checkbox", OralNote = "oral_note",
        EasyReadForm = "easy_read_form", EmailReply = "email_reply",
    }
);

codes!(
    /// Who gave the consent.
    GivenBy { SelfGiven = "self", LpaAttorney = "lpa_attorney", Deputy = "deputy", Parent = "parent" }
);

codes!(
    /// The legal authority of a proxy (R9).
    AuthorityKind {
        LpaHealthWelfare = "lpa_health_welfare", CourtDeputy = "court_deputy",
        ParentalResponsibility = "parental_responsibility",
    }
);

codes!(
    /// Where a rights request stands: its clock running (`open`, `extended`), stopped
    /// (`awaiting_identity`, `paused` for clarification) or answered (`closed`).
    RequestState {
        Open = "open", AwaitingIdentity = "awaiting_identity", Paused = "paused", Extended = "extended",
        Closed = "closed",
    }
);

codes!(
    /// How a handed-over account is made safe: a shared login whose secret is sealed in the vault
    /// (`password`), or the people with admin rights change and nothing secret is held (`admins`).
    AccountAccess { Password = "password", Admins = "admins" }
);

codes!(
    /// Which way a transfer went, as this register sees it.
    Direction { Sent = "sent", Received = "received" }
);

codes!(
    /// What personal data a document holds, as whoever registered it classified it.
    Classification { None = "none", Personal = "personal", Special = "special" }
);

codes!(
    /// A reviewer's decision on a document for a receiver.
    DocumentDecision { Include = "include", Withhold = "withhold" }
);

codes!(
    /// Whether a consent is ordinary or explicit (Art 9(2)(a): it names special categories).
    ConsentKind { Standard = "standard", Explicit = "explicit" }
);

codes!(
    /// Kind of consent event.
    ConsentAction { Grant = "grant", Withdraw = "withdraw", Refuse = "refuse" }
);

codes!(
    /// Special categories of personal data (Art 9) a consent or diversity answer can name.
    SpecialCategory {
        Ethnicity = "ethnicity", Disability = "disability", Religion = "religion",
        SexualOrientation = "sexual_orientation", Health = "health",
    }
);

codes!(
    /// A role in the community.
    RoleKind {
        SteeringChair = "steering_chair", SteeringCoChair = "steering_co_chair",
        SteeringMember = "steering_member", SteeringSecretary = "steering_secretary",
        Champion = "champion", Coordinator = "coordinator", Facilitator = "facilitator",
    }
);

codes!(
    /// A role designation; some reveal health and are special category.
    Designation { LivedExperience = "lived_experience", FamilyCarer = "family_carer", Professional = "professional" }
);

impl Designation {
    /// Whether the designation reveals health (special category).
    pub fn is_special(self) -> bool {
        matches!(self, Designation::LivedExperience | Designation::FamilyCarer)
    }
}

codes!(
    /// A lawful basis other than consent.
    Basis { LegitimateInterests = "legitimate_interests", Contract = "contract", LegalObligation = "legal_obligation" }
);

codes!(
    /// Kind of basis event.
    BasisAction { Record = "record", Object = "object", Restrict = "restrict", LiftRestriction = "lift_restriction" }
);

codes!(
    /// How a person needs written words: the standard form, easy read (short sentences with a
    /// picture per point), or large print.
    CommunicationNeeds { Standard = "standard", EasyRead = "easy_read", LargePrint = "large_print" }
);

codes!(
    /// What a campaign does: ask for consent, or tell people (a notice, whose reply is an
    /// objection).
    CampaignKind { Consent = "consent", Notice = "notice" }
);

codes!(
    /// How a campaign reaches a person: by email (only with the sender's own email-marketing
    /// consent), by post or hand-out at their hub, or not at all (with the reason).
    CampaignChannel { Email = "email", Post = "post", NotAsked = "not_asked" }
);

codes!(
    /// A campaign answer to one use: yes and no are consent events; spoiled (both boxes ticked,
    /// unreadable) and review (signed for without registered authority, a capacity concern) wait
    /// for the data protection lead.
    CampaignAnswer { Yes = "yes", No = "no", Spoiled = "spoiled", Review = "review" }
);

codes!(
    /// Format of a statement or notice text.
    TextFormat { Standard = "standard", EasyRead = "easy_read", AudioScript = "audio_script" }
);

codes!(
    /// Where a transfer stands. A sent transfer is `created` when its bundle is written, `received`
    /// when the receiver's signed receipt is recorded, and `complete` when the receiver's signed
    /// statement that every account was rotated is recorded; a transfer received into this
    /// register starts as `received` and is `complete` once this register's own statement is
    /// written.
    TransferState { Created = "created", Received = "received", Complete = "complete" }
);

impl TransferState {
    /// The state after the receiver's signed receipt is recorded; `None` when a receipt no longer
    /// moves it (it was received or completed already).
    pub fn on_receipt(self) -> Option<TransferState> {
        match self {
            TransferState::Created => Some(TransferState::Received),
            TransferState::Received | TransferState::Complete => None,
        }
    }

    /// The state after the rotation statement is recorded; `None` when complete already.
    pub fn on_rotation_statement(self) -> Option<TransferState> {
        match self {
            TransferState::Created | TransferState::Received => Some(TransferState::Complete),
            TransferState::Complete => None,
        }
    }
}

/// The one message for a value that is not a date, on the command line or in a file's row.
pub const NOT_A_DATE: &str = "not a date: write it as YYYY-MM-DD, for example 2026-03-01 (years 1900 to 2100)";

codes!(
    /// Where a document stands in a plan: whether and how it goes.
    DocumentState {
        /// Goes as it is (classified as holding no personal data).
        AsIs = "as_is",
        /// Goes redacted on the way, as reviewed.
        Redacted = "redacted",
        /// Goes as the reviewer's own redacted copy.
        RedactedCopy = "redacted_copy",
        /// Goes unredacted: the reviewer decided so.
        ReviewedInclude = "reviewed_include",
        /// Held back: the reviewer decided so.
        ReviewedWithhold = "reviewed_withhold",
        /// Held back until reviewed.
        NotReviewed = "not_reviewed",
        /// Held back: the review is older than the document or the plan.
        ReviewOutOfDate = "review_out_of_date",
        /// Held back: the file changed since it was registered.
        ChangedOnDisk = "changed_on_disk",
        /// Held back: the file is gone.
        Missing = "missing",
        /// Held back: the file cannot be read for redaction.
        Unreadable = "unreadable",
    }
);

codes!(
    /// The layers `bundle verify` checks, in order; a failure names the first that failed.
    VerifyLayer {
        OuterSignature = "outer_signature", Decryption = "decryption", Zip = "zip",
        InnerSignature = "inner_signature", Contents = "contents", Schemas = "schemas", Rules = "rules",
        Approval = "approval",
    }
);

/// Defines an id type: a random id with a fixed prefix (`new_id`), kept as its text, that reads
/// as a `&str` wherever one is taken and serialises as its text.
macro_rules! id_type {
    ($(#[$m:meta])* $name:ident = $prefix:literal) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);
        impl $name {
            /// A new random id.
            pub fn new() -> Self {
                $name(new_id($prefix))
            }
            /// The id's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }
        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
        impl From<$name> for serde_json::Value {
            fn from(id: $name) -> serde_json::Value {
                serde_json::Value::String(id.0)
            }
        }
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

id_type!(
    /// A person's id in a register (`per_…`).
    PersonId = "per"
);
id_type!(
    /// A transfer's id: the bundle's id (`bdl_…`).
    TransferId = "bdl"
);
id_type!(
    /// A registered document's id (`doc_…`).
    DocumentId = "doc"
);
id_type!(
    /// An account's id (`acc_…`).
    AccountId = "acc"
);
id_type!(
    /// A task's id (`tsk_…`).
    TaskId = "tsk"
);
id_type!(
    /// A consent event's id (`con_…`).
    EventId = "con"
);

/// The steps that rotate an account handed over (R18): password, recovery email and phone,
/// two-factor, outgoing admins removed. An account is rotated when all four are recorded.
pub const ROTATION_STEPS: &[&str] = &["password", "recovery", "2fa", "admins"];

/// The one step for an account passed on by changing its admins (a Facebook group has no
/// password of its own): the incoming admins added and the outgoing ones removed.
pub const ADMIN_STEPS: &[&str] = &["admins"];

/// The rotation steps an account of this access kind needs: `password` (a shared login whose
/// secret is sealed in the vault) or `admins` (the people with admin rights change; nothing
/// secret is held).
pub fn rotation_steps(access: AccountAccess) -> &'static [&'static str] {
    match access {
        AccountAccess::Admins => ADMIN_STEPS,
        AccountAccess::Password => ROTATION_STEPS,
    }
}

/// Normalise an email for matching: trimmed and lower-cased; the local part in Unicode NFC; the
/// domain as IDNA (UTS #46) maps it: compatibility forms folded (fullwidth `ｅｘａｍｐｌｅ` is
/// `example`), ideographic full stops read as dots, ignorable characters (soft hyphen, zero-width)
/// dropped, and every non-ASCII label written as its ASCII `xn--` form, so that `bücher.example`
/// and `xn--bcher-kva.example` are one domain. An ASCII address is only lower-cased, so stored
/// hashes of ASCII addresses are unchanged.
pub fn normalise_email(email: &str) -> String {
    let t = email.trim();
    if t.is_ascii() {
        // Nothing to map: skip the normalisers (imports and redaction call this per row).
        return t.to_ascii_lowercase();
    }
    match t.rsplit_once('@') {
        Some((local, domain)) => format!("{}@{}", local.nfc().collect::<String>().to_lowercase(), idna_domain(domain)),
        None => t.nfc().collect::<String>().to_lowercase(),
    }
}

/// A domain as UTS #46 maps it, in its ASCII (`xn--`) form; see [`normalise_email`].
pub(crate) fn idna_domain(domain: &str) -> String {
    let mapped: String = domain
        .nfkc()
        .flat_map(char::to_lowercase)
        .filter(
            |c| !matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{fe00}'..='\u{fe0f}'),
        )
        .map(|c| if matches!(c, '\u{3002}' | '\u{ff0e}' | '\u{ff61}') { '.' } else { c })
        .collect();
    let mapped: String = mapped.nfc().collect();
    mapped
        .split('.')
        .map(|label| if label.is_ascii() { label.to_string() } else { format!("xn--{}", punycode(label)) })
        .collect::<Vec<_>>()
        .join(".")
}

/// Punycode (RFC 3492) of one label: its ASCII letters, a `-`, then the other characters coded.
fn punycode(label: &str) -> String {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    fn adapt(delta: u32, points: u32, first: bool) -> u32 {
        let mut delta = if first { delta / 700 } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + 38)
    }
    fn digit(d: u32) -> char {
        char::from(if d < 26 { b'a' + d as u8 } else { b'0' + (d - 26) as u8 })
    }
    let input: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut h) = (128u32, 0u32, 72u32, basic);
    while (h as usize) < input.len() {
        let Some(m) = input.iter().copied().filter(|c| *c >= n).min() else { break };
        delta = delta.saturating_add((m - n).saturating_mul(h + 1));
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.saturating_add(1);
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.saturating_add(1);
        n += 1;
    }
    out
}

/// A light syntactic check of an email address: one `@`, non-empty local part and a dotted domain,
/// no spaces or angle brackets. Deliverability is not the register's business.
pub fn email_looks_valid(email: &str) -> bool {
    let e = email.trim();
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        // What common mail software refuses, or a receiver's mail tool would drop silently: a
        // `mailto:` link pasted whole, dots at either end of the local part or two in a row,
        // comments in brackets, and characters nobody can see (controls, NUL, zero-width
        // characters, soft hyphens, byte-order marks).
        && !e.to_ascii_lowercase().starts_with("mailto:")
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !e.contains("..")
        && !e.contains(['(', ')'])
        && !e.chars().any(|c| c.is_control() || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}'))
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',' || c == ';')
        // A first character a spreadsheet reads as a formula (OWASP's CSV injection list): the
        // address would go into every CSV the tool writes.
        && !e.starts_with(crate::base::encode::FORMULA_STARTS)
}

/// Parse an ISO 8601 timestamp with time and zone (`2024-03-01T10:20:30Z`, `...+01:00`).
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::<FixedOffset>::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
        .filter(|d| YEARS.contains(&chrono::Datelike::year(d)))
}

/// The years a date or time in the register may fall in: anything else is a typing slip (a
/// joining date of 0024 or 20240) and is refused.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Parse an ISO 8601 calendar date (`2024-03-01`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().filter(|d| YEARS.contains(&chrono::Datelike::year(d)))
}

/// Format a timestamp the way the register stores it: RFC 3339 in UTC with seconds.
pub fn fmt_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Parse yes/no.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    match s.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// A `--at`-style moment: a full timestamp, or a date meaning the end of that day (UTC).
pub fn parse_moment(s: &str) -> Option<DateTime<Utc>> {
    parse_timestamp(s).or_else(|| parse_date(s).and_then(|d| d.and_hms_opt(23, 59, 59)).map(|n| n.and_utc()))
}

/// A new random id with a readable prefix, e.g. `per_3f9a2c7e1b4d`. It carries 48 random bits, so
/// in a register of a million consent events two alike are possible (about 1 in 500 per import of
/// that size): inserts of bulk rows draw again when the id is taken (`queries::with_fresh_id`).
pub fn new_id(prefix: &str) -> String {
    #[cfg(test)]
    if let Some(id) = forced_ids::next() {
        return id;
    }
    let mut ids = IDS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let next = match *ids {
        Some(n) => n,
        None => random_start(),
    };
    *ids = Some((next + 1) & ID_MASK);
    format!("{prefix}_{next:012x}")
}

/// Ids are 48 bits, written as 12 hex digits.
const ID_MASK: u64 = (1 << 48) - 1;

/// The next id of this run of the tool. A run starts at a random 48-bit number and counts up
/// from it: ids made together sort together, so a million-row import appends to each index
/// instead of writing all over it (3.8 s of a 12.6 s import); the start stays unpredictable.
static IDS: std::sync::Mutex<Option<u64>> = std::sync::Mutex::new(None);

fn random_start() -> u64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    u64::from_le_bytes(b) & ID_MASK
}

/// Start again from a new random number: an id was found taken (another run's ids may follow on
/// from there), so the next ones are drawn elsewhere.
pub fn reseed_ids() {
    *IDS.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(random_start());
}

/// Ids a unit test makes `new_id` return next, to meet an id that is already taken.
#[cfg(test)]
pub mod forced_ids {
    use std::cell::RefCell;
    use std::collections::VecDeque;

    thread_local!(static NEXT: RefCell<VecDeque<String>> = const { RefCell::new(VecDeque::new()) });

    pub fn push(ids: &[&str]) {
        NEXT.with(|q| q.borrow_mut().extend(ids.iter().map(std::string::ToString::to_string)));
    }

    pub(super) fn next() -> Option<String> {
        NEXT.with(|q| q.borrow_mut().pop_front())
    }
}

/// Make a slug: lower case, each run of other characters one hyphen, no leading or trailing hyphen.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in name.trim().nfc().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Split a `;`-separated list, dropping empty items and surrounding spaces.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_normalisation() {
        assert_eq!(normalise_email("  Alice.Example@Example.ORG "), "alice.example@example.org");
        // NFC: "e" + combining acute becomes "é".
        assert_eq!(normalise_email("Ame\u{301}lie@example.org"), "amélie@example.org");
    }

    #[test]
    fn email_domains_normalise_as_idna_does() {
        // Punycode as RFC 3492 and every browser write it.
        assert_eq!(punycode("bücher"), "bcher-kva");
        assert_eq!(punycode("münchen"), "mnchen-3ya");
        assert_eq!(punycode("例え"), "r8jz45g");
        assert_eq!(normalise_email("anna@Bücher.example"), "anna@xn--bcher-kva.example");
        assert_eq!(normalise_email("anna@xn--bcher-kva.example"), "anna@xn--bcher-kva.example");
        // Fullwidth letters and an ideographic full stop are the plain domain.
        assert_eq!(normalise_email("eve@ｅｘａｍｐｌｅ。org"), "eve@example.org");
        // A soft hyphen or zero-width space inside the domain is ignored.
        assert_eq!(normalise_email("eve@exam\u{ad}ple.org"), "eve@example.org");
        assert_eq!(normalise_email("eve@exa\u{200b}mple.org"), "eve@example.org");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Lantern Trust"), "lantern-trust");
        assert_eq!(slugify("  Kent & Sussex -- Steering Group! "), "kent-sussex-steering-group");
    }

    #[test]
    fn moments() {
        assert!(parse_timestamp("2024-03-01T10:20:30Z").is_some());
        assert!(parse_timestamp("2024-03-01").is_none());
        assert_eq!(fmt_ts(parse_moment("2024-03-01").unwrap()), "2024-03-01T23:59:59Z");
    }

    #[test]
    fn emails_mail_software_would_drop_are_refused() {
        for bad in [
            "mailto:ann@example.org",
            "MAILTO:ann@example.org",
            "ann..lee@example.org",
            ".ann@example.org",
            "ann.@example.org",
            "ann@example..org",
            "ann(comment)@example.org",
            "ann\u{0}@example.org",
            "an\u{200b}n@example.org",
            "ann@exam\u{ad}ple.org",
            "\u{feff}ann@example.org",
        ] {
            assert!(!email_looks_valid(bad), "{bad:?} was accepted");
        }
        for good in ["ann.lee@example.org", "ann+news@example.org", "o'brien@example.co.uk"] {
            assert!(email_looks_valid(good), "{good:?} was refused");
        }
    }

    #[test]
    fn email_check() {
        assert!(email_looks_valid("a@b.org"));
        assert!(!email_looks_valid("a b@b.org"));
        assert!(!email_looks_valid("Name <a@b.org>"));
        assert!(!email_looks_valid("nobody"));
    }

    #[test]
    fn a_transfer_moves_forward_only() {
        use TransferState::*;
        assert_eq!(Created.on_receipt(), Some(Received));
        assert_eq!(Received.on_receipt(), None);
        assert_eq!(Complete.on_receipt(), None, "a late receipt does not reopen a complete transfer");
        assert_eq!(Created.on_rotation_statement(), Some(Complete));
        assert_eq!(Received.on_rotation_statement(), Some(Complete));
        assert_eq!(Complete.on_rotation_statement(), None);
        assert_eq!(serde_json::to_value(Received).unwrap(), "received");
        assert_eq!(TransferState::parse("complete"), Some(Complete));
    }

    #[test]
    fn ids_read_as_their_text() {
        let id = PersonId::new();
        assert!(id.starts_with("per_") && id.len() == 16, "{id}");
        assert_eq!(serde_json::to_value(&id).unwrap(), serde_json::Value::String(id.to_string()));
        let same = PersonId::from(id.as_str());
        assert_eq!(same, id);
        let mut map = std::collections::HashMap::new();
        map.insert(id.clone(), 1);
        assert_eq!(map.get(id.as_str()), Some(&1), "a map keyed by ids is looked up by text");
        assert!(TransferId::new().starts_with("bdl_"));
        assert!(DocumentId::new().starts_with("doc_"));
        assert!(AccountId::new().starts_with("acc_"));
    }
}
