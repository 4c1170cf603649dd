//! The transfer rules as a pure function: for one person and one receiving controller at a
//! moment, may their register entry go, and may they be on the receiver's mailing list?
//!
//! Nothing here does I/O; [`PersonFacts`] holds everything the decision reads. The rules are
//! DESIGN.md §4 and GDPR.md R1–R3, R5, R21:
//!
//! 1. Both outputs: an erased person never goes (`erased`, or `suppressed` for an address on the
//!    suppression list because its person was erased); a restriction in force (`restricted`), a
//!    person not confirmed adult (`adult_not_confirmed`) or outside England & Wales
//!    (`jurisdiction_review`) is held back for review, as is a person whose deciding consent notes
//!    a capacity concern (`capacity_query`) or cites a statement whose named controllers were never
//!    recorded (`statement_unrecorded`; a grant counts only for the controllers its statement names).
//! 2. `register`: a `disclose_to_successor` basis naming the receiver. The person's latest word
//!    decides, whoever they told: a withdrawal or refusal (Art 7(3)) or an objection (Art 21)
//!    naming the outgoing controller (the disclosure is its processing), the receiver or no
//!    controller stops it (`consent_withdrawn`, `consent_refused`, `objected`) unless they
//!    consented to the receiver after it. If any consent event for that purpose concerns the
//!    receiver, consent decides (granted: `consent_names_receiver`; otherwise also
//!    `consent_expired`) — a basis is never swapped from consent to legitimate interests.
//!    Otherwise legitimate interests with an LIA reference naming the receiver and a logged
//!    notice announcing the receiver (`notice_not_sent`) sent at least the objection window before
//!    the date (`objection_window_open`; included: `legitimate_interests_notified`).
//! 3. `mailing_list`: a `successor_newsletter` consent naming the receiver (R1), decided like
//!    consent above; the outgoing controller's own newsletter consent never carries over
//!    (`marketing_consent_not_for_receiver`); an objection to direct marketing (Art 21(3)) told to
//!    either side, or marketing suppression (an unsubscribe, a cleaned or blocked address), newer
//!    than that consent excludes (`objected`, `suppressed`): a consent given after them is the
//!    person's latest word and stands. Marketing suppression never holds back the register
//!    disclosure. No email, no list (`no_email`).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::domain::consent::{self, EventView, Status};
use crate::domain::model::ConsentAction;

/// The reasons a decision gives when the output goes; every other reason holds it back.
pub const GOES: &[&str] = &["consent_names_receiver", "legitimate_interests_notified"];

/// Every reason code a decision can carry. Stable: scripts and reports rely on them.
pub const REASONS: &[(&str, &str)] = &[
    ("consent_names_receiver", "a consent in force names the receiver"),
    (
        "legitimate_interests_notified",
        "legitimate interests (LIA recorded), the notice naming the receiver sent and the objection window passed",
    ),
    ("no_basis_for_receiver", "no consent or other basis names the receiver"),
    ("consent_withdrawn", "the consent naming the receiver was withdrawn"),
    ("consent_refused", "the person refused consent naming the receiver"),
    ("consent_expired", "the consent naming the receiver is past its refresh period"),
    ("objected", "the person objected"),
    ("objection_window_open", "the notice naming the receiver was sent less than the objection window ago"),
    ("notice_not_sent", "legitimate interests, but no notice naming the receiver has been logged for this person"),
    ("adult_not_confirmed", "not confirmed as 18 or over: for the data protection lead to review"),
    ("jurisdiction_review", "not in England and Wales (or unknown): for the data protection lead to review"),
    ("erased", "erased"),
    ("restricted", "processing is restricted"),
    (
        "marketing_consent_not_for_receiver",
        "only the outgoing controller's own newsletter consent: it never carries over (PECR)",
    ),
    ("suppressed", "the address is on the suppression list"),
    ("capacity_query", "the deciding consent notes a capacity concern: for the data protection lead to review"),
    (
        "statement_unrecorded",
        "the deciding consent cites a statement whose named controllers were never recorded: record them (`statement controllers`) or review",
    ),
    ("no_email", "no email address, or one a mail tool would drop"),
];

/// A consent event as the rules see it.
#[derive(Debug, Clone)]
pub struct ConsentFact {
    pub id: String,
    /// Shared: a large register has a million events and a handful of purposes.
    pub purpose: std::sync::Arc<str>,
    pub view: EventView,
    /// A capacity concern noted with the event (`None`: not stated).
    pub capacity_concern: Option<bool>,
    /// When an event noting a capacity concern was written into the register (`None` for the
    /// others): a review covers only what was recorded before it, whatever date the event bears.
    pub recorded_at: Option<DateTime<Utc>>,
    pub special_categories: Vec<String>,
    /// A grant citing a statement whose named controllers were never recorded (a register from
    /// before they were): for the data protection lead to review.
    pub statement_unrecorded: bool,
}

/// A basis event as the rules see it.
#[derive(Debug, Clone)]
pub struct BasisFact {
    pub purpose: String,
    pub action: crate::domain::model::BasisAction,
    pub basis: Option<crate::domain::model::Basis>,
    pub controllers: Vec<String>,
    pub assessment_ref: Option<String>,
    pub at: DateTime<Utc>,
}

/// A logged notice delivery, with what that notice version announces (`controller:purpose`).
#[derive(Debug, Clone)]
pub struct NoticeFact {
    pub sent_at: DateTime<Utc>,
    pub announces: Vec<String>,
}

/// Everything the decision reads about one person.
#[derive(Debug, Clone, Default)]
pub struct PersonFacts {
    pub erased: bool,
    pub adult_confirmed: bool,
    pub jurisdiction: crate::domain::model::Jurisdiction,
    pub has_email: bool,
    /// On the suppression list: the reason and since when (`erased` keeps the person out of
    /// everything; any other reason is marketing suppression, for the mailing list only).
    pub suppressed: Option<(String, DateTime<Utc>)>,
    pub consents: Vec<ConsentFact>,
    pub bases: Vec<BasisFact>,
    pub notices: Vec<NoticeFact>,
    /// The data protection lead's reviews of this person.
    pub reviews: Vec<ReviewFact>,
}

/// A recorded review: the reason it resolves, whether the person may go, and when it was made.
#[derive(Debug, Clone)]
pub struct ReviewFact {
    pub reason: String,
    pub go: bool,
    pub at: DateTime<Utc>,
}

/// What the decision needs to know beyond the person.
#[derive(Debug, Clone)]
pub struct Policy {
    pub receiver: String,
    pub own: String,
    pub at: DateTime<Utc>,
    pub objection_window_days: i64,
    /// Refresh months of the purposes the rules read.
    pub refresh: std::collections::HashMap<String, Option<u32>>,
}

/// One output's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub included: bool,
    pub reason: &'static str,
    /// The consent event the decision rests on, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
}

impl Decision {
    fn yes(reason: &'static str, consent_id: Option<String>) -> Decision {
        Decision { included: true, reason, consent_id }
    }
    fn no(reason: &'static str) -> Decision {
        Decision { included: false, reason, consent_id: None }
    }
}

/// Both outputs' decisions for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decisions {
    pub register: Decision,
    pub mailing_list: Decision,
}

fn restricted(f: &PersonFacts, at: DateTime<Utc>) -> bool {
    let mut purposes: Vec<&str> = f.bases.iter().map(|b| b.purpose.as_str()).collect();
    purposes.sort_unstable();
    purposes.dedup();
    purposes.iter().any(|p| {
        f.bases
            .iter()
            .filter(|b| {
                b.purpose == *p
                    && b.at <= at
                    && (b.action == crate::domain::model::BasisAction::Restrict
                        || b.action == crate::domain::model::BasisAction::LiftRestriction)
            })
            .max_by_key(|b| (b.at, b.action == crate::domain::model::BasisAction::Restrict))
            .is_some_and(|b| b.action == crate::domain::model::BasisAction::Restrict)
    })
}

/// Whether a person's words name, for a transfer, either side of it: no controller (everyone),
/// the outgoing controller (the disclosure is its processing) or the receiver.
fn names_either(controllers: &[String], p: &Policy) -> bool {
    controllers.is_empty() || controllers.iter().any(|c| c == &p.receiver || c == &p.own)
}

/// The latest objection (Art 21) to any of `purposes` told to either side of the transfer, if any.
pub(crate) fn last_objection(f: &PersonFacts, purposes: &[&str], p: &Policy) -> Option<DateTime<Utc>> {
    f.bases
        .iter()
        .filter(|b| {
            b.action == crate::domain::model::BasisAction::Object
                && purposes.contains(&b.purpose.as_str())
                && b.at <= p.at
                && names_either(&b.controllers, p)
        })
        .map(|b| b.at)
        .max()
}

/// Whether a later word of the person's stands over an earlier one: a grant dated after it.
pub(crate) fn outlived(grant: Option<&ConsentFact>, word: Option<DateTime<Utc>>) -> bool {
    match word {
        None => true,
        Some(w) => grant.is_some_and(|g| g.view.at > w),
    }
}

/// The consent decision for a purpose and controller: the status and the deciding grant.
pub(crate) fn consent_for<'a>(
    f: &'a PersonFacts,
    purpose: &str,
    controller: &str,
    p: &Policy,
) -> (Status, Option<&'a ConsentFact>) {
    let events: Vec<&ConsentFact> = f.consents.iter().filter(|c| &*c.purpose == purpose).collect();
    // A withdrawal or refusal told to the outgoing controller counts as told to the receiver too:
    // the person has said no to the processing the transfer is (Art 7(3)).
    let views: Vec<EventView> = events
        .iter()
        .map(|c| {
            let mut v = c.view.clone();
            if v.action != ConsentAction::Grant && v.controllers.iter().any(|x| x == &p.own) {
                v.controllers =
                    v.controllers.iter().cloned().chain([controller.to_string()]).collect::<Vec<_>>().into();
            }
            v
        })
        .collect();
    let refresh = p.refresh.get(purpose).copied().flatten();
    let status = consent::status(&views, controller, refresh, p.at);
    let grant = events
        .iter()
        .filter(|c| {
            c.view.action == ConsentAction::Grant
                && c.view.at <= p.at
                && c.view.controllers.iter().any(|x| x == controller)
        })
        .max_by_key(|c| c.view.at)
        .copied();
    (status, grant)
}

/// Whether the data protection lead's latest review of `reason` for this person lets them go,
/// made no earlier than `since` (what it reviewed: a review of an earlier concern does not cover a
/// later one).
fn cleared(f: &PersonFacts, reason: &str, since: Option<DateTime<Utc>>) -> bool {
    f.reviews
        .iter()
        .filter(|r| r.reason == reason)
        .max_by_key(|r| r.at)
        .is_some_and(|r| r.go && since.is_none_or(|s| r.at >= s))
}

/// When the person's latest statement about capacity (on any consent event) noted a concern, if
/// it did.
fn capacity_since(f: &PersonFacts, p: &Policy) -> Option<DateTime<Utc>> {
    f.consents
        .iter()
        .filter(|c| c.capacity_concern.is_some() && c.view.at <= p.at)
        .max_by_key(|c| c.view.at)
        .filter(|c| c.capacity_concern == Some(true))
        .map(ConsentFact::seen_from)
}

impl ConsentFact {
    /// From when a review can have seen this event: when it happened, or when it was recorded if
    /// that was later (a concern written in after a review, dated before it, is not covered).
    fn seen_from(&self) -> DateTime<Utc> {
        self.recorded_at.map_or(self.view.at, |r| r.max(self.view.at))
    }
}

/// A capacity concern not yet cleared by a review: on the deciding grant, or the person's latest.
pub(crate) fn capacity_held(f: &PersonFacts, grant: Option<&ConsentFact>, p: &Policy) -> bool {
    let on_grant = grant.filter(|g| g.capacity_concern == Some(true)).map(ConsentFact::seen_from);
    let held = match on_grant.max(capacity_since(f, p)) {
        Some(since) => !cleared(f, "capacity_query", Some(since)),
        None => false,
    };
    // A concern written in after the review that let the person go, whatever date it bears, is
    // one the review never saw.
    held || f.reviews.iter().filter(|r| r.reason == "capacity_query").max_by_key(|r| r.at).is_some_and(|r| {
        r.go && f
            .consents
            .iter()
            .any(|c| c.capacity_concern == Some(true) && c.view.at <= p.at && c.recorded_at.is_some_and(|at| at > r.at))
    })
}

fn from_consent(status: Status, grant: Option<&ConsentFact>, f: &PersonFacts, p: &Policy) -> Decision {
    match status {
        Status::Granted if capacity_held(f, grant, p) => Decision::no("capacity_query"),
        Status::Granted
            if grant
                .is_some_and(|g| g.statement_unrecorded && !cleared(f, "statement_unrecorded", Some(g.view.at))) =>
        {
            Decision::no("statement_unrecorded")
        }
        Status::Granted => Decision::yes("consent_names_receiver", grant.map(|g| g.id.clone())),
        Status::Withdrawn => Decision::no("consent_withdrawn"),
        Status::Refused => Decision::no("consent_refused"),
        Status::Expired => Decision::no("consent_expired"),
        Status::None => Decision::no("no_basis_for_receiver"),
    }
}

pub(crate) fn common(f: &PersonFacts, p: &Policy) -> Option<Decision> {
    if f.erased {
        return Some(Decision::no("erased"));
    }
    if restricted(f, p.at) {
        return Some(Decision::no("restricted"));
    }
    if f.suppressed.as_ref().is_some_and(|(reason, _)| reason == "erased") {
        return Some(Decision::no("suppressed"));
    }
    if !f.adult_confirmed && !cleared(f, "adult_not_confirmed", None) {
        return Some(Decision::no("adult_not_confirmed"));
    }
    if f.jurisdiction != crate::domain::model::Jurisdiction::EnglandWales && !cleared(f, "jurisdiction_review", None) {
        return Some(Decision::no("jurisdiction_review"));
    }
    None
}

/// Decide both outputs for one person.
pub fn decide(f: &PersonFacts, p: &Policy) -> Decisions {
    if let Some(d) = common(f, p) {
        return Decisions { register: d.clone(), mailing_list: d };
    }
    Decisions { register: register(f, p), mailing_list: mailing_list(f, p) }
}

fn register(f: &PersonFacts, p: &Policy) -> Decision {
    const PURPOSE: &str = "disclose_to_successor";
    let (status, grant) = consent_for(f, PURPOSE, &p.receiver, p);
    // An objection told to either side stops the disclosure, unless the person consented again
    // after it (their latest word).
    if !outlived(grant, last_objection(f, &[PURPOSE], p)) {
        return Decision::no("objected");
    }
    if status != Status::None {
        return from_consent(status, grant, f, p);
    }
    let li = f.bases.iter().any(|b| {
        b.purpose == PURPOSE
            && b.action == crate::domain::model::BasisAction::Record
            && b.basis == Some(crate::domain::model::Basis::LegitimateInterests)
            && b.assessment_ref.as_deref().is_some_and(|r| !r.is_empty())
            && b.controllers.iter().any(|c| c == &p.receiver)
            && b.at <= p.at
    });
    if !li {
        return Decision::no("no_basis_for_receiver");
    }
    // Legitimate interests rests on the balance the LIA struck for people in general: a capacity
    // concern noted for this person is reviewed by the data protection lead first.
    if capacity_held(f, None, p) {
        return Decision::no("capacity_query");
    }
    let announce = format!("{}:{PURPOSE}", p.receiver);
    let first_sent =
        f.notices.iter().filter(|n| n.sent_at <= p.at && n.announces.contains(&announce)).map(|n| n.sent_at).min();
    match first_sent {
        None => Decision::no("notice_not_sent"),
        Some(sent) if sent + Duration::days(p.objection_window_days) > p.at => Decision::no("objection_window_open"),
        Some(_) => Decision::yes("legitimate_interests_notified", None),
    }
}

fn mailing_list(f: &PersonFacts, p: &Policy) -> Decision {
    if !f.has_email {
        return Decision::no("no_email");
    }
    let (status, grant) = consent_for(f, "successor_newsletter", &p.receiver, p);
    // An objection to direct marketing (Art 21(3)) told to either side, or an unsubscribe or other
    // marketing suppression, stops it unless the person consented to the receiver's list after it.
    if !outlived(grant, last_objection(f, &["successor_newsletter", "newsletter"], p)) {
        return Decision::no("objected");
    }
    if !outlived(grant, f.suppressed.as_ref().map(|(_, at)| *at)) {
        return Decision::no("suppressed");
    }
    if status == Status::None {
        let (own, _) = consent_for(f, "newsletter", &p.own, p);
        if own == Status::Granted {
            return Decision::no("marketing_consent_not_for_receiver");
        }
    }
    from_consent(status, grant, f, p)
}

/// The purpose whose consent lets a lived-experience designation (and the `lived_experience`
/// stakeholder group) go to a receiver.
pub const DESIGNATION_PURPOSE: &str = "lived_experience_designation";

/// Whether the person holds an explicit consent in force to the lived-experience designation,
/// naming the receiver and health (R3): then that designation and the `lived_experience` group
/// may go. A consent to anything else (photos naming health, say) unlocks nothing; and nothing
/// unlocks `family_carer`, which reveals a relative's health the member cannot consent to for them.
pub fn designation_consented(f: &PersonFacts, p: &Policy) -> bool {
    let (status, grant) = consent_for(f, DESIGNATION_PURPOSE, &p.receiver, p);
    status == Status::Granted && grant.is_some_and(|g| g.special_categories.iter().any(|c| c == "health"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
    }

    fn policy(at: DateTime<Utc>) -> Policy {
        let mut refresh = std::collections::HashMap::new();
        for p in ["disclose_to_successor", "successor_newsletter", "newsletter"] {
            refresh.insert(p.to_string(), Some(24));
        }
        Policy { receiver: "sg".into(), own: "own".into(), at, objection_window_days: 28, refresh }
    }

    fn grant(purpose: &str, controllers: &[&str], at: DateTime<Utc>) -> ConsentFact {
        ConsentFact {
            id: format!("con_{purpose}"),
            purpose: purpose.into(),
            view: EventView {
                action: ConsentAction::Grant,
                controllers: controllers.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().into(),
                at,
            },
            capacity_concern: None,
            recorded_at: None,
            statement_unrecorded: false,
            special_categories: vec![],
        }
    }

    fn base() -> PersonFacts {
        PersonFacts {
            adult_confirmed: true,
            jurisdiction: crate::domain::model::Jurisdiction::EnglandWales,
            has_email: true,
            ..Default::default()
        }
    }

    #[test]
    fn charity_newsletter_never_carries_over() {
        let mut f = base();
        f.consents.push(grant("newsletter", &["own"], t(2026, 1, 1)));
        let d = decide(&f, &policy(t(2026, 6, 1)));
        assert_eq!(d.mailing_list, Decision::no("marketing_consent_not_for_receiver"));
        f.consents.push(grant("successor_newsletter", &["sg"], t(2026, 2, 1)));
        assert!(decide(&f, &policy(t(2026, 6, 1))).mailing_list.included);
    }

    fn objection(purpose: &str, controllers: &[&str], at: DateTime<Utc>) -> BasisFact {
        BasisFact {
            purpose: purpose.into(),
            action: crate::domain::model::BasisAction::Object,
            basis: None,
            controllers: controllers.iter().map(std::string::ToString::to_string).collect(),
            assessment_ref: None,
            at,
        }
    }

    /// A withdrawal or an objection told only to the outgoing charity stops the disclosure to the
    /// receiver; a consent given after it is the person's latest word and stands.
    #[test]
    fn a_no_told_to_the_charity_stops_the_disclosure_until_a_later_yes() {
        let mut f = base();
        f.consents.push(grant("disclose_to_successor", &["own", "sg"], t(2026, 1, 1)));
        assert!(decide(&f, &policy(t(2026, 6, 1))).register.included);
        let mut withdrawn = f.clone();
        let mut w = grant("disclose_to_successor", &["own"], t(2026, 2, 1));
        w.view.action = ConsentAction::Withdraw;
        withdrawn.consents.push(w);
        assert_eq!(decide(&withdrawn, &policy(t(2026, 6, 1))).register.reason, "consent_withdrawn");
        let mut objected = f.clone();
        objected.bases.push(objection("disclose_to_successor", &["own"], t(2026, 2, 1)));
        assert_eq!(decide(&objected, &policy(t(2026, 6, 1))).register.reason, "objected");
        // Both orders: a consent after the objection stands.
        objected.consents.push(grant("disclose_to_successor", &["sg"], t(2026, 3, 1)));
        assert!(decide(&objected, &policy(t(2026, 6, 1))).register.included);
        // An objection told to a third controller is not about this transfer.
        let mut other = f.clone();
        other.bases.push(objection("disclose_to_successor", &["other"], t(2026, 2, 1)));
        assert!(decide(&other, &policy(t(2026, 6, 1))).register.included);
    }

    /// An objection to direct marketing newer than the consent to the receiver's list stops it;
    /// a consent after the objection stands. Marketing suppression keeps people off the list
    /// only, never off the register disclosure they consented to; an erasure keeps them off both.
    #[test]
    fn marketing_objections_and_suppression_reach_only_the_mailing_list() {
        let mut f = base();
        f.consents.push(grant("successor_newsletter", &["sg"], t(2026, 1, 1)));
        f.consents.push(grant("disclose_to_successor", &["sg"], t(2026, 1, 1)));
        let mut objected = f.clone();
        objected.bases.push(objection("newsletter", &["own"], t(2026, 2, 1)));
        let d = decide(&objected, &policy(t(2026, 6, 1)));
        assert_eq!(d.mailing_list.reason, "objected");
        assert!(d.register.included);
        objected.consents.push(grant("successor_newsletter", &["sg"], t(2026, 3, 1)));
        assert!(decide(&objected, &policy(t(2026, 6, 1))).mailing_list.included);
        let mut unsubscribed = f.clone();
        unsubscribed.suppressed = Some(("unsubscribed".into(), t(2026, 2, 1)));
        let d = decide(&unsubscribed, &policy(t(2026, 6, 1)));
        assert_eq!(d.mailing_list.reason, "suppressed");
        assert!(d.register.included, "marketing suppression does not hold back the register");
        unsubscribed.consents.push(grant("successor_newsletter", &["sg"], t(2026, 3, 1)));
        assert!(decide(&unsubscribed, &policy(t(2026, 6, 1))).mailing_list.included);
        let mut erased = f.clone();
        erased.suppressed = Some(("erased".into(), t(2026, 2, 1)));
        let d = decide(&erased, &policy(t(2026, 6, 1)));
        assert!(!d.register.included && !d.mailing_list.included);
    }

    #[test]
    fn legitimate_interests_needs_notice_and_window() {
        let mut f = base();
        f.bases.push(BasisFact {
            purpose: "disclose_to_successor".into(),
            action: crate::domain::model::BasisAction::Record,
            basis: Some(crate::domain::model::Basis::LegitimateInterests),
            controllers: vec!["sg".into()],
            assessment_ref: Some("LIA-1".into()),
            at: t(2026, 1, 1),
        });
        assert_eq!(decide(&f, &policy(t(2026, 6, 1))).register.reason, "notice_not_sent");
        f.notices.push(NoticeFact { sent_at: t(2026, 2, 1), announces: vec!["sg:disclose_to_successor".into()] });
        assert_eq!(decide(&f, &policy(t(2026, 2, 28))).register.reason, "objection_window_open");
        // Exactly 28 days later (same time of day): the window has passed.
        assert!(decide(&f, &policy(t(2026, 3, 1))).register.included);
        f.bases.push(BasisFact {
            purpose: "disclose_to_successor".into(),
            action: crate::domain::model::BasisAction::Object,
            basis: None,
            controllers: vec![],
            assessment_ref: None,
            at: t(2026, 2, 10),
        });
        assert_eq!(decide(&f, &policy(t(2026, 6, 1))).register.reason, "objected");
    }

    fn arb_facts() -> impl Strategy<Value = PersonFacts> {
        let ev = (0usize..3, 0usize..3, prop::collection::vec(0usize..3, 0..3), 0i64..900).prop_map(|(p, a, cs, d)| {
            let purpose = ["disclose_to_successor", "successor_newsletter", "newsletter"][p];
            let action = [ConsentAction::Grant, ConsentAction::Withdraw, ConsentAction::Refuse][a];
            let controllers = cs.into_iter().map(|c| ["sg", "own", "other"][c].to_string()).collect::<Vec<_>>().into();
            ConsentFact {
                id: format!("c{d}"),
                purpose: purpose.into(),
                view: EventView { action, controllers, at: t(2024, 1, 1) + Duration::days(d) },
                capacity_concern: None,
                recorded_at: None,
                statement_unrecorded: false,
                special_categories: vec![],
            }
        });
        let basis = (0usize..4, 0usize..4, 0usize..3, 0i64..900).prop_map(|(a, named, p, d)| BasisFact {
            purpose: ["disclose_to_successor", "newsletter", "successor_newsletter"][p].into(),
            action: crate::domain::model::BasisAction::ALL[a],
            basis: Some(crate::domain::model::Basis::LegitimateInterests),
            controllers: match named {
                0 => vec![],
                n => vec![["sg", "own", "other"][n - 1].into()],
            },
            assessment_ref: Some("LIA".into()),
            at: t(2024, 1, 1) + Duration::days(d),
        });
        let suppression = prop_oneof![
            Just(None),
            (0usize..2, 0i64..900).prop_map(|(r, d)| Some((
                ["erased", "unsubscribed"][r].to_string(),
                t(2024, 1, 1) + Duration::days(d)
            ))),
        ];
        let notice = (0i64..900, any::<bool>()).prop_map(|(d, names)| NoticeFact {
            sent_at: t(2024, 1, 1) + Duration::days(d),
            announces: if names {
                vec!["sg:disclose_to_successor".into()]
            } else {
                vec!["other:disclose_to_successor".into()]
            },
        });
        (
            prop::collection::vec(ev, 0..8),
            prop::collection::vec(basis, 0..4),
            prop::collection::vec(notice, 0..3),
            any::<bool>(),
            any::<bool>(),
            suppression,
            prop_oneof![
                Just(crate::domain::model::Jurisdiction::EnglandWales),
                Just(crate::domain::model::Jurisdiction::Scotland),
                Just(crate::domain::model::Jurisdiction::Unknown)
            ],
            any::<bool>(),
        )
            .prop_map(|(consents, bases, notices, erased, adult, suppressed, j, email)| PersonFacts {
                erased,
                adult_confirmed: adult,
                jurisdiction: j,
                has_email: email,
                suppressed,
                consents,
                bases,
                notices,
                reviews: Vec::new(),
            })
    }

    proptest! {
        /// R1: nobody is on the mailing list without a successor_newsletter consent in force naming the receiver.
        #[test]
        fn mailing_list_needs_consent_naming_receiver(f in arb_facts(), day in 0i64..1000) {
            let p = policy(t(2024, 1, 1) + Duration::days(day));
            let d = decide(&f, &p);
            if d.mailing_list.included {
                let views: Vec<EventView> = f.consents.iter().filter(|c| &*c.purpose == "successor_newsletter").map(|c| c.view.clone()).collect();
                prop_assert_eq!(consent::status(&views, "sg", Some(24), p.at), Status::Granted);
                prop_assert!(f.has_email);
            }
        }

        /// R2 and R21: no output includes anyone erased, not adult, outside E&W, restricted, or
        /// suppressed because erased.
        #[test]
        fn excluded_states_never_go(f in arb_facts(), day in 0i64..1000) {
            let p = policy(t(2024, 1, 1) + Duration::days(day));
            let d = decide(&f, &p);
            for out in [&d.register, &d.mailing_list] {
                if out.included {
                    prop_assert!(!f.erased && f.adult_confirmed && f.jurisdiction == crate::domain::model::Jurisdiction::EnglandWales);
                    prop_assert!(f.suppressed.as_ref().is_none_or(|(r, _)| r != "erased"));
                    prop_assert!(!restricted(&f, p.at));
                }
            }
        }

        /// The person's latest word decides, whoever they told: when the newest of their grants
        /// naming the receiver, their withdrawals and refusals and their objections told to the
        /// receiver, the outgoing controller or everyone is a no, the output does not go; a
        /// marketing suppression counts as a no for the mailing list only.
        #[test]
        fn the_latest_word_decides_whoever_heard_it(f in arb_facts(), day in 0i64..1000) {
            let p = policy(t(2024, 1, 1) + Duration::days(day));
            let d = decide(&f, &p);
            let either = |cs: &[String]| cs.is_empty() || cs.iter().any(|c| c == "sg" || c == "own");
            // (time, is a yes) of every word about a purpose, the newest last; a yes wins a tie
            // only if nothing else was said that moment.
            let words = |purpose: &str, objections: &[&str], marketing: bool| {
                let mut w: Vec<(DateTime<Utc>, bool)> = Vec::new();
                for c in f.consents.iter().filter(|c| &*c.purpose == purpose && c.view.at <= p.at) {
                    match c.view.action {
                        ConsentAction::Grant if c.view.controllers.iter().any(|x| x == "sg") => w.push((c.view.at, true)),
                        ConsentAction::Grant => {}
                        _ if either(&c.view.controllers) => w.push((c.view.at, false)),
                        _ => {}
                    }
                }
                for b in f.bases.iter().filter(|b| b.action == crate::domain::model::BasisAction::Object && objections.contains(&b.purpose.as_str()) && b.at <= p.at && either(&b.controllers)) {
                    w.push((b.at, false));
                }
                if marketing && let Some((_, at)) = &f.suppressed {
                    w.push((*at, false));
                }
                w.sort_by_key(|(at, yes)| (*at, *yes));
                w
            };
            if d.register.included {
                let w = words("disclose_to_successor", &["disclose_to_successor"], false);
                prop_assert!(w.last().is_none_or(|(_, yes)| *yes), "the register went after a no: {:?}", w);
            }
            if d.mailing_list.included {
                let w = words("successor_newsletter", &["successor_newsletter", "newsletter"], true);
                prop_assert!(w.last().is_some_and(|(_, yes)| *yes), "the mailing list went after a no: {:?}", w);
            }
        }

        /// The objection window boundary: included exactly from sent + window on.
        #[test]
        fn window_boundary(offset in -5i64..5, window in 1i64..60) {
            let mut f = base();
            f.bases.push(BasisFact { purpose: "disclose_to_successor".into(), action: crate::domain::model::BasisAction::Record, basis: Some(crate::domain::model::Basis::LegitimateInterests), controllers: vec!["sg".into()], assessment_ref: Some("L".into()), at: t(2025, 1, 1) });
            let sent = t(2025, 6, 1);
            f.notices.push(NoticeFact { sent_at: sent, announces: vec!["sg:disclose_to_successor".into()] });
            let mut p = policy(sent + Duration::days(window) + Duration::seconds(offset));
            p.objection_window_days = window;
            let d = decide(&f, &p);
            prop_assert_eq!(d.register.included, offset >= 0);
        }
    }
}
