//! Pure consent rules: what a valid consent event is (R7–R9), and the status a person has for a
//! purpose and a controller at a moment, derived from append-only events.
//!
//! Nothing here does I/O. The register answers lookups through [`Lookup`]; commands and imports
//! pass raw values in ([`RawConsent`]) so that the command line and every CSV importer share one
//! validation path with the same column names.
//!
//! # Status
//!
//! For one person, one purpose and one controller, at moment `t`:
//! - only events at or before `t` count;
//! - a grant counts when it names the controller; a withdrawal or refusal counts when it names the
//!   controller or names none (none means every controller);
//! - the latest counting event decides; when a grant and a withdrawal (or refusal) share a
//!   timestamp, the withdrawal (or refusal) wins;
//! - a deciding grant older than the purpose's refresh period is `expired` (at exactly
//!   grant + period it has expired; months are calendar months, clamped to the month's last day).

use chrono::{DateTime, Months, Utc};
use serde::Serialize;
use std::borrow::Cow;

mod carried;

pub use carried::CarriedConsent;

use crate::domain::model::{
    AuthorityKind, Channel, ConsentAction, ConsentKind, GivenBy, Method, SpecialCategory, TextFormat, parse_timestamp,
    parse_yes_no, split_list,
};

/// Derived status of a person for a purpose and controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A grant naming the controller is in force.
    Granted,
    /// The latest event is a withdrawal.
    Withdrawn,
    /// The latest event is a refusal.
    Refused,
    /// The latest event is a grant older than the refresh period.
    Expired,
    /// No event concerns this controller.
    None,
}

impl Status {
    /// The code as written in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Granted => "granted",
            Status::Withdrawn => "withdrawn",
            Status::Refused => "refused",
            Status::Expired => "expired",
            Status::None => "none",
        }
    }
}

/// The part of a consent event the status function needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView {
    /// Grant, withdraw or refuse.
    pub action: ConsentAction,
    /// Named controllers (empty on a withdrawal or refusal means all); shared, since a large
    /// register has a million events and a handful of distinct lists.
    pub controllers: std::sync::Arc<[String]>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

fn concerns(e: &EventView, controller: &str) -> bool {
    match e.action {
        ConsentAction::Grant => e.controllers.iter().any(|c| c == controller),
        ConsentAction::Withdraw | ConsentAction::Refuse => {
            e.controllers.is_empty() || e.controllers.iter().any(|c| c == controller)
        }
    }
}

fn rank(a: ConsentAction) -> u8 {
    match a {
        ConsentAction::Grant => 0,
        ConsentAction::Refuse => 1,
        ConsentAction::Withdraw => 2,
    }
}

/// When a grant made at `at` expires, given a refresh period in months (`None`: never).
pub fn expiry(at: DateTime<Utc>, refresh_months: Option<u32>) -> Option<DateTime<Utc>> {
    refresh_months.filter(|m| *m > 0).and_then(|m| at.checked_add_months(Months::new(m)))
}

/// The status of one person for one purpose and `controller` at `now`, from that person's events
/// for that purpose (in any order).
pub fn status(events: &[EventView], controller: &str, refresh_months: Option<u32>, now: DateTime<Utc>) -> Status {
    let latest =
        events.iter().filter(|e| e.at <= now && concerns(e, controller)).max_by_key(|e| (e.at, rank(e.action)));
    match latest {
        None => Status::None,
        Some(e) => match e.action {
            ConsentAction::Withdraw => Status::Withdrawn,
            ConsentAction::Refuse => Status::Refused,
            ConsentAction::Grant => match expiry(e.at, refresh_months) {
                Some(exp) if now >= exp => Status::Expired,
                _ => Status::Granted,
            },
        },
    }
}

/// What the rules need to know about a purpose.
#[derive(Debug, Clone)]
pub struct PurposeInfo {
    /// Consent for it must be explicit and name special categories (R8).
    pub special: bool,
    /// Channels it may use; empty means the purpose is not a contact purpose.
    pub channels: Vec<Channel>,
}

/// Lookups the validation needs from the register.
pub trait Lookup {
    /// The purpose, if it exists.
    fn purpose(&self, code: &str) -> Option<std::sync::Arc<PurposeInfo>>;
    /// Whether a controller slug exists.
    fn controller_exists(&self, slug: &str) -> bool;
    /// Earliest effective moment of a statement version for a purpose, if that version exists.
    fn statement_effective(&self, version: &str, purpose: &str) -> Option<DateTime<Utc>>;
    /// Earliest effective moment of a notice version, if it exists.
    fn notice_effective(&self, version: &str) -> Option<DateTime<Utc>>;
    /// The controllers a statement version's wording names; `None` if never recorded.
    fn statement_controllers(&self, version: &str) -> Option<std::sync::Arc<[String]>>;
    /// The formats a statement version's text is held in.
    fn statement_formats(&self, version: &str) -> Vec<TextFormat>;
}

/// A consent event as written in `consent.csv` or given as flags: raw strings, keyed by column
/// (borrowed from the row where they can be: an import reads a million of them).
#[derive(Debug, Clone, Default)]
pub struct RawConsent<'a> {
    pub purpose: Cow<'a, str>,
    pub action: Cow<'a, str>,
    pub controllers: Cow<'a, str>,
    pub channels: Cow<'a, str>,
    pub statement_version: Cow<'a, str>,
    /// `standard`, `easy_read` or `audio_script`: the form of the statement shown (optional).
    pub statement_format: Cow<'a, str>,
    pub notice_version: Cow<'a, str>,
    pub method: Cow<'a, str>,
    pub evidence_ref: Cow<'a, str>,
    pub at: Cow<'a, str>,
    pub recorded_by: Cow<'a, str>,
    pub given_by: Cow<'a, str>,
    pub authority_kind: Cow<'a, str>,
    pub authority_ref: Cow<'a, str>,
    pub verified_by: Cow<'a, str>,
    pub verified_at: Cow<'a, str>,
    pub support_given: Cow<'a, str>,
    /// `yes` or `no`: whether a concern about the person's capacity to make this decision was noted.
    pub capacity_concern: Cow<'a, str>,
    /// The reference of the capacity assessment made, if any.
    pub capacity_assessment: Cow<'a, str>,
    pub told_can_withdraw: Cow<'a, str>,
    pub special_categories: Cow<'a, str>,
    pub context: Cow<'a, str>,
}

/// A consent event: validated before it is stored, and read back typed from the register (a stored
/// value that does not read stops the command, never skipped). Serialised with the names and codes
/// of `consent.csv` and `consent history --json`.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ConsentEvent {
    pub purpose: String,
    pub action: ConsentAction,
    pub controllers: Vec<String>,
    pub channels: Vec<Channel>,
    pub statement_version: Option<String>,
    /// The form of the statement the person was shown (`None`: not recorded).
    pub statement_format: Option<TextFormat>,
    pub notice_version: Option<String>,
    pub method: Option<Method>,
    pub evidence_ref: Option<String>,
    #[serde(with = "crate::domain::model::ts")]
    pub at: DateTime<Utc>,
    pub recorded_by: String,
    pub given_by: GivenBy,
    pub authority_kind: Option<AuthorityKind>,
    pub authority_ref: Option<String>,
    pub verified_by: Option<String>,
    #[serde(with = "crate::domain::model::ts::option")]
    pub verified_at: Option<DateTime<Utc>>,
    pub support_given: Option<String>,
    /// A capacity concern noted (`None`: not stated).
    pub capacity_concern: Option<bool>,
    /// The capacity assessment's reference.
    pub capacity_assessment: Option<String>,
    pub told_can_withdraw: bool,
    pub special_categories: Vec<SpecialCategory>,
    pub context: Option<String>,
}

impl ConsentEvent {
    /// A grant the person gave themselves, by email, told they can withdraw, with no statement,
    /// notice or evidence named yet (a caller adds what it has).
    pub fn self_grant(purpose: &str, controllers: Vec<String>, at: DateTime<Utc>, recorded_by: String) -> ConsentEvent {
        ConsentEvent {
            purpose: purpose.to_string(),
            action: ConsentAction::Grant,
            controllers,
            channels: vec![Channel::Email],
            statement_version: None,
            statement_format: None,
            notice_version: None,
            method: None,
            evidence_ref: None,
            at,
            recorded_by,
            given_by: GivenBy::SelfGiven,
            authority_kind: None,
            authority_ref: None,
            verified_by: None,
            verified_at: None,
            support_given: None,
            capacity_concern: None,
            capacity_assessment: None,
            told_can_withdraw: true,
            special_categories: Vec::new(),
            context: None,
        }
    }
}

impl ConsentEvent {
    /// `explicit` when it names special categories (Art 9(2)(a)), else `standard`.
    pub fn kind(&self) -> ConsentKind {
        if self.special_categories.is_empty() { ConsentKind::Standard } else { ConsentKind::Explicit }
    }
}

impl std::fmt::Debug for ConsentEvent {
    // Evidence references, support notes and authority references can identify a person or reveal
    // capacity: never print them through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentEvent")
            .field("purpose", &self.purpose)
            .field("action", &self.action)
            .field("controllers", &self.controllers)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

/// One rule broken, with the column (CSV name) it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The column, as in `consent.csv`.
    pub column: &'static str,
    /// What is wrong.
    pub message: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// How far ahead of the clock an event may be dated (two computers' clocks seldom agree exactly).
pub const CLOCK_SKEW_MINUTES: i64 = 5;

/// The time of an event: a timestamp with a zone, not ahead of the clock beyond the skew allowed.
fn event_time(raw: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    match raw.trim() {
        "" => Err("the time of the event is required".into()),
        s => match parse_timestamp(s) {
            None => Err("must be an ISO 8601 timestamp with time and zone, e.g. 2024-03-01T10:00:00Z".into()),
            Some(t) if t > now + chrono::Duration::minutes(CLOCK_SKEW_MINUTES) => {
                Err("the event is dated in the future; record it when it has happened".into())
            }
            Some(t) => Ok(t),
        },
    }
}

/// Why a grant names a controller its statement's wording does not (the person agreed to what
/// the wording said, so a controller it does not name cannot rely on the consent); `None` when
/// it names none beyond, or the statement's controllers were never recorded.
fn beyond_statement(version: &str, controllers: &[String], lookup: &dyn Lookup) -> Option<String> {
    let named = lookup.statement_controllers(version)?;
    let beyond: Vec<&str> = controllers
        .iter()
        .map(String::as_str)
        .filter(|c| lookup.controller_exists(c) && !named.iter().any(|n| n == c))
        .collect();
    (!beyond.is_empty()).then(|| {
        format!(
            "statement {version} names only {}: the person was not asked about {}",
            if named.is_empty() { "no controller".to_string() } else { named.join(", ") },
            beyond.join(", ")
        )
    })
}

/// The capacity fields: a concern noted (`yes`/`no`) and the assessment's reference, which needs
/// the concern stated with it.
fn capacity(raw: &RawConsent, bad: &mut impl FnMut(&'static str, String)) -> (Option<bool>, Option<String>) {
    let concern = match raw.capacity_concern.trim() {
        "" => None,
        s => parse_yes_no(s).or_else(|| {
            bad("capacity_concern", "must be yes or no".into());
            None
        }),
    };
    let assessment = opt(&raw.capacity_assessment);
    if assessment.is_some() && concern.is_none() {
        bad("capacity_concern", "say whether a capacity concern was noted (yes or no) with the assessment".into());
    }
    (concern, assessment)
}

/// The form of the statement shown, if given: one of the formats, of a statement version given,
/// which the register holds in that form (a version it does not hold is refused on its own).
fn statement_format(
    raw: &RawConsent,
    version: Option<&str>,
    lookup: &dyn Lookup,
    bad: &mut impl FnMut(&'static str, String),
) -> Option<TextFormat> {
    let format = match raw.statement_format.trim() {
        "" => return None,
        s => TextFormat::parse(s).or_else(|| {
            bad("statement_format", format!("must be one of {}", TextFormat::list()));
            None
        })?,
    };
    match version {
        None => bad("statement_format", "give the statement version the format is of".into()),
        Some(v) => {
            let held = lookup.statement_formats(v);
            if !held.is_empty() && !held.contains(&format) {
                bad(
                    "statement_format",
                    format!(
                        "statement {v} has no {format} text (add it with `handover statement add --format {format}`)"
                    ),
                );
            }
        }
    }
    Some(format)
}

/// Validate a raw consent event against R7 (grants: every required field), R8 (explicit consent
/// for special-category purposes), R9 (proxy authority) and the register's catalogues.
/// `person_adult` is whether the person is confirmed 18 or over; events more than
/// [`CLOCK_SKEW_MINUTES`] after `now` are refused as future-dated.
pub fn validate(
    raw: &RawConsent<'_>,
    person_adult: bool,
    now: DateTime<Utc>,
    lookup: &dyn Lookup,
) -> Result<ConsentEvent, Vec<Problem>> {
    let mut p = Vec::new();
    let mut bad = |column: &'static str, message: String| p.push(Problem { column, message });

    let action = match raw.action.trim() {
        "" => Some(ConsentAction::Grant),
        s => ConsentAction::parse(s).or_else(|| {
            bad("action", format!("must be one of {}", ConsentAction::list()));
            None
        }),
    };
    let purpose_code = raw.purpose.trim().to_string();
    let purpose = if purpose_code.is_empty() {
        bad("purpose", "exactly one purpose is required".into());
        None
    } else if purpose_code.contains(';') || purpose_code.contains(',') {
        bad("purpose", "a consent covers exactly one purpose; record one event per purpose".into());
        None
    } else {
        let info = lookup.purpose(&purpose_code);
        if info.is_none() {
            bad("purpose", "unknown purpose code (see `handover purpose list`)".into());
        }
        info
    };
    let controllers = split_list(&raw.controllers);
    for c in &controllers {
        if !lookup.controller_exists(c) {
            bad("controllers", format!("unknown controller '{c}' (see `handover controller list`)"));
        }
    }
    let mut channels = Vec::new();
    for c in split_list(&raw.channels) {
        match Channel::parse(&c) {
            Some(ch) => {
                if let Some(info) = &purpose
                    && !info.channels.is_empty()
                    && !info.channels.contains(&ch)
                {
                    bad("channels", format!("channel '{ch}' is not one this purpose uses"));
                }
                channels.push(ch);
            }
            None => bad("channels", format!("unknown channel '{c}'; use {}", Channel::list())),
        }
    }
    let at = event_time(&raw.at, now).map_err(|why| bad("at", why)).ok();
    let recorded_by = raw.recorded_by.trim().to_string();
    if recorded_by.is_empty() {
        bad("recorded_by", "who recorded the event is required".into());
    }
    let method = match raw.method.trim() {
        "" => None,
        s => Method::parse(s).or_else(|| {
            bad("method", format!("unknown method; use {}", Method::list()));
            None
        }),
    };
    let given_by = match raw.given_by.trim() {
        "" | "self" => GivenBy::SelfGiven,
        "supporter" | "family" | "advocate" | "carer" | "support_worker" => {
            bad(
                "given_by",
                "a supporter, family member or advocate has no authority to consent for someone; record the person's own consent (given_by self) with support_given".into(),
            );
            GivenBy::SelfGiven
        }
        s => GivenBy::parse(s).unwrap_or_else(|| {
            bad("given_by", format!("unknown value; use {}", GivenBy::list()));
            GivenBy::SelfGiven
        }),
    };
    let mut special_categories = Vec::new();
    for c in split_list(&raw.special_categories) {
        match SpecialCategory::parse(&c) {
            Some(sc) => special_categories.push(sc),
            None => bad("special_categories", format!("unknown category '{c}'; use {}", SpecialCategory::list())),
        }
    }
    let statement_version = opt(&raw.statement_version);
    let statement_format = statement_format(raw, statement_version.as_deref(), lookup, &mut bad);
    let notice_version = opt(&raw.notice_version);
    let evidence_ref = opt(&raw.evidence_ref);
    let authority_ref = opt(&raw.authority_ref);
    let verified_by = opt(&raw.verified_by);
    let verified_at = match raw.verified_at.trim() {
        "" => None,
        s => match parse_timestamp(s) {
            None => {
                bad("verified_at", "must be an ISO 8601 timestamp with time and zone".into());
                None
            }
            Some(v) if at.is_some_and(|at| v > at) => {
                bad(
                    "verified_at",
                    "the authority must be verified before the consent it supports is recorded as given".into(),
                );
                Some(v)
            }
            Some(v) => Some(v),
        },
    };
    let (capacity_concern, capacity_assessment) = capacity(raw, &mut bad);
    let told = match raw.told_can_withdraw.trim() {
        "" => None,
        s => parse_yes_no(s).or_else(|| {
            bad("told_can_withdraw", "must be yes or no".into());
            None
        }),
    };
    let authority_kind = match raw.authority_kind.trim() {
        "" => None,
        "lpa_property_financial" | "lpa_property_and_financial" => {
            bad(
                "authority_kind",
                "a property-and-financial LPA does not cover consent to data processing; only a health-and-welfare LPA, a court deputy or parental responsibility does".into(),
            );
            None
        }
        s => AuthorityKind::parse(s).or_else(|| {
            bad("authority_kind", format!("unknown authority; use {}", AuthorityKind::list()));
            None
        }),
    };

    if action == Some(ConsentAction::Grant) {
        // R7: every field, exactly one purpose, at least one controller, told they can withdraw.
        if controllers.is_empty() {
            bad("controllers", "a consent must name at least one controller that relies on it".into());
        }
        match statement_version.as_deref() {
            None => bad("statement_version", "required: the version of the consent statement the person saw".into()),
            Some(v) => {
                if let Some(why) = beyond_statement(v, &controllers, lookup) {
                    bad("controllers", why);
                }
            }
        }
        if notice_version.is_none() {
            bad("notice_version", "required: the privacy notice version in force".into());
        }
        if method.is_none() && raw.method.trim().is_empty() {
            bad("method", format!("required: how consent was given ({})", Method::list()));
        }
        if evidence_ref.is_none() {
            bad("evidence_ref", "required: where the evidence is (form, scan, note)".into());
        }
        match told {
            Some(true) => {}
            Some(false) => {
                bad("told_can_withdraw", "consent is valid only if the person was told they can withdraw".into());
            }
            None => bad("told_can_withdraw", "required and must be yes (it is never assumed)".into()),
        }
        if let Some(info) = &purpose {
            if !info.channels.is_empty() && raw.channels.trim().is_empty() {
                bad("channels", "required for a contact purpose: which channels the consent covers".into());
            }
            // R8: explicit consent names its special categories.
            if info.special && special_categories.is_empty() {
                bad(
                    "special_categories",
                    "this purpose is special category: the consent must be explicit and name the categories it covers"
                        .into(),
                );
            }
        }
        if let (Some(v), Some(at)) = (&statement_version, at) {
            // A statement or notice takes effect on a London date, at the start of that day.
            match lookup
                .statement_effective(v, &purpose_code)
                .map(|e| crate::domain::deadline::start_of_day_london(e.date_naive()))
            {
                None if purpose.is_some() => bad(
                    "statement_version",
                    "no statement with this version for this purpose (add it with `handover statement add`)".into(),
                ),
                Some(eff) if at < eff => {
                    bad("statement_version", "the event is dated before this statement version took effect".into());
                }
                _ => {}
            }
        }
        if let (Some(v), Some(at)) = (&notice_version, at) {
            match lookup.notice_effective(v).map(|e| crate::domain::deadline::start_of_day_london(e.date_naive())) {
                None => bad("notice_version", "no notice with this version (add it with `handover notice add`)".into()),
                Some(eff) if at < eff => {
                    bad("notice_version", "the event is dated before this notice version took effect".into());
                }
                _ => {}
            }
        }
        // R9: proxies need legal authority, verified.
        if given_by != GivenBy::SelfGiven {
            let expected = match given_by {
                GivenBy::LpaAttorney => AuthorityKind::LpaHealthWelfare,
                GivenBy::Deputy => AuthorityKind::CourtDeputy,
                _ => AuthorityKind::ParentalResponsibility,
            };
            match authority_kind {
                None if raw.authority_kind.trim().is_empty() => {
                    bad("authority_kind", format!("a consent given by {given_by} needs authority_kind {expected}"));
                }
                Some(k) if k != expected => {
                    bad("authority_kind", format!("given_by {given_by} needs authority_kind {expected}, not {k}"));
                }
                _ => {}
            }
            if authority_ref.is_none() {
                bad("authority_ref", "a proxy consent needs the OPG or court order reference".into());
            }
            if verified_by.is_none() {
                bad("verified_by", "a proxy consent needs who verified the authority".into());
            }
            if verified_at.is_none() {
                bad("verified_at", "a proxy consent needs when the authority was verified".into());
            }
            if given_by == GivenBy::Parent && person_adult {
                bad("given_by", "a parent can consent only for a person not confirmed as an adult".into());
            }
        }
    } else if action.is_some() {
        // Withdrawing (or refusing) must be as easy as giving: person, purpose, at, recorded_by,
        // and a method or a channel.
        if method.is_none() && channels.is_empty() && raw.method.trim().is_empty() {
            bad("method", "say how the withdrawal or refusal arrived: a method or a channel".into());
        }
    }

    if !p.is_empty() {
        return Err(p);
    }
    let (Some(action), Some(at)) = (action, at) else {
        return Err(vec![Problem { column: "action", message: "invalid event".into() }]);
    };
    Ok(ConsentEvent {
        purpose: purpose_code,
        action,
        controllers,
        channels,
        statement_version,
        statement_format,
        notice_version,
        method,
        evidence_ref,
        at,
        recorded_by,
        given_by,
        authority_kind,
        authority_ref,
        verified_by,
        verified_at,
        support_given: opt(&raw.support_given),
        capacity_concern,
        capacity_assessment,
        told_can_withdraw: told.unwrap_or(false),
        special_categories,
        context: opt(&raw.context),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(days: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::days(days)
    }

    fn ev(action: ConsentAction, controllers: &[&str], at: DateTime<Utc>) -> EventView {
        EventView {
            action,
            controllers: controllers.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().into(),
            at,
        }
    }

    #[test]
    fn tie_goes_to_withdrawal() {
        let e = [ev(ConsentAction::Grant, &["a"], t(1)), ev(ConsentAction::Withdraw, &[], t(1))];
        assert_eq!(status(&e, "a", None, t(2)), Status::Withdrawn);
    }

    #[test]
    fn grant_for_other_controller_does_not_count() {
        let e = [ev(ConsentAction::Grant, &["b"], t(1))];
        assert_eq!(status(&e, "a", None, t(2)), Status::None);
    }

    #[test]
    fn expiry_is_calendar_months() {
        let g = Utc.with_ymd_and_hms(2022, 1, 31, 12, 0, 0).unwrap();
        let e = [ev(ConsentAction::Grant, &["a"], g)];
        // 1 month after 31 January 2022 is 28 February 2022 (clamped).
        let exp = Utc.with_ymd_and_hms(2022, 2, 28, 12, 0, 0).unwrap();
        assert_eq!(status(&e, "a", Some(1), exp - chrono::Duration::seconds(1)), Status::Granted);
        assert_eq!(status(&e, "a", Some(1), exp), Status::Expired);
    }

    fn arb_event() -> impl Strategy<Value = EventView> {
        (0u8..3, proptest::collection::vec(prop_oneof![Just("a"), Just("b")], 0..3), 0i64..60).prop_map(|(a, cs, d)| {
            let action = [ConsentAction::Grant, ConsentAction::Withdraw, ConsentAction::Refuse][a as usize];
            ev(action, &cs, t(d))
        })
    }

    proptest! {
        /// The latest concerning event decides; ties go to withdrawal/refusal.
        #[test]
        fn latest_event_decides(events in proptest::collection::vec(arb_event(), 0..12), now in 0i64..70) {
            let now = t(now);
            let s = status(&events, "a", None, now);
            let concerning: Vec<_> = events.iter().filter(|e| e.at <= now && concerns(e, "a")).collect();
            match concerning.iter().map(|e| e.at).max() {
                None => prop_assert_eq!(s, Status::None),
                Some(last) => {
                    let at_last: Vec<_> = concerning.iter().filter(|e| e.at == last).collect();
                    let expected = if at_last.iter().any(|e| e.action == ConsentAction::Withdraw) {
                        Status::Withdrawn
                    } else if at_last.iter().any(|e| e.action == ConsentAction::Refuse) {
                        Status::Refused
                    } else {
                        Status::Granted
                    };
                    prop_assert_eq!(s, expected);
                }
            }
        }

        /// A withdrawal is never undone except by a later grant naming the controller.
        #[test]
        fn withdrawal_needs_later_grant(events in proptest::collection::vec(arb_event(), 0..12), w in 0i64..60, now in 0i64..70) {
            let mut all = events.clone();
            all.push(ev(ConsentAction::Withdraw, &[], t(w)));
            let now = t(now);
            if now >= t(w) {
                let later_grant = all.iter().any(|e| e.action == ConsentAction::Grant && e.at > t(w) && e.at <= now && concerns(e, "a"));
                let s = status(&all, "a", None, now);
                if !later_grant {
                    prop_assert_ne!(s, Status::Granted);
                }
            }
        }

        /// Expiry: a deciding grant is granted before grant + refresh and expired from then on.
        #[test]
        fn expiry_by_refresh(g in 0i64..400, months in 1u32..30, after in -40i64..2000) {
            let events = [ev(ConsentAction::Grant, &["a"], t(g))];
            let now = t(g + after);
            let s = status(&events, "a", Some(months), now);
            let exp = t(g).checked_add_months(Months::new(months)).unwrap();
            if now < t(g) { prop_assert_eq!(s, Status::None) }
            else if now >= exp { prop_assert_eq!(s, Status::Expired) }
            else { prop_assert_eq!(s, Status::Granted) }
        }
    }
}
