//! Who may be asked, and how: the campaign gate, a pure function over the facts the plan decides
//! with ([`PersonFacts`]), so a campaign never asks someone the plan would hold back for a reason
//! asking cannot change. GDPR.md R14 and the ICO's PECR guidance:
//!
//! 1. **Not asked** (one reason each): erased (or an address suppressed because its person was
//!    erased); processing restricted; not confirmed adult or outside England and Wales (for the
//!    data protection lead first); an objection in force, told to either side, to a use the
//!    campaign asks about, to the disclosure to the receiver (which every such use starts with), or
//!    to direct marketing when it asks about a marketing use (Art 21(3): that stops letters too); a capacity concern not cleared by a review (`supported_conversation`:
//!    offer a supported conversation, never a form). Then each use is asked only if asking can
//!    change something: not when the person already refused or withdrew it for the receiver
//!    (`already_answered`: their no stands, and they are not asked again), not when a consent
//!    naming the receiver is in force (`already_consented`), and not when another lawful basis
//!    already covers it (`other_basis`: do not ask for consent you do not need). A person with
//!    nothing left to ask is not asked, with the first of those reasons that applies.
//! 2. **Email** only with the sender's own email-marketing consent in force (a marketing purpose
//!    whose channels include email, naming the sender), an address, and no unsubscribe,
//!    suppression, bounce or objection to marketing since that consent (PECR reg 22: an email
//!    asking for consent to marketing is marketing itself).
//! 3. **Post** (or a hand-out at the person's hub) for everyone else who may be asked: outside
//!    PECR, on legitimate interests, the letter itself being the notice; with the reason email is
//!    not used.

use serde::Serialize;

pub use crate::domain::model::CampaignChannel as Channel;

use crate::domain::consent::Status;
use crate::transfer::rules::{
    Decision, PersonFacts, Policy, capacity_held, common, consent_for, last_objection, outlived,
};

/// The purpose of the disclosure to the receiver itself.
const DISCLOSURE: &str = "disclose_to_successor";

/// One use a campaign asks about: a purpose, for the receiver, and whether it is marketing.
#[derive(Debug, Clone)]
pub struct Ask {
    pub purpose: String,
    pub marketing: bool,
}

/// The gate's answer for one person: the channel, its one reason, and the uses to ask about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gate {
    pub channel: Channel,
    pub reason: &'static str,
    /// The purposes this person is asked about (empty when not asked).
    pub asks: Vec<String>,
}

/// Every reason the gate gives. Stable: scripts and reports rely on them.
pub const REASONS: &[(&str, &str)] = &[
    ("email_marketing_consent", "the sender's own email-marketing consent is in force: asked by email"),
    ("notice_by_email", "told by email (a notice is not marketing: no marketing consent is needed)"),
    ("notice_by_post", "no address that takes mail (none, bounced or cleaned): told by post or at their hub"),
    ("no_email", "no email address: asked by post or at their hub"),
    (
        "no_email_marketing_consent",
        "no email-marketing consent from the sender in force: asked by post or at their hub",
    ),
    (
        "email_suppressed",
        "the address is on the suppression list (unsubscribed, cleaned or bounced): asked by post or at their hub",
    ),
    ("email_objected", "objected to direct marketing by email: asked by post or at their hub"),
    ("erased", "erased"),
    ("restricted", "processing is restricted"),
    ("adult_not_confirmed", "not confirmed as 18 or over: for the data protection lead to review first"),
    ("jurisdiction_review", "not in England and Wales (or unknown): for the data protection lead to review first"),
    ("objected", "objected to this use, or to direct marketing (Art 21(3) stops letters too)"),
    ("supported_conversation", "a capacity concern is noted: offer a supported conversation, not a form"),
    ("already_answered", "already refused or withdrew this for the receiver: their no stands"),
    ("already_consented", "already holds a consent in force naming the receiver"),
    ("other_basis", "a lawful basis other than consent already covers this use: consent is not needed"),
];

/// The text of a gate reason.
pub fn reason_text(code: &str) -> &'static str {
    REASONS.iter().find(|(c, _)| *c == code).map_or("", |(_, t)| t)
}

fn not_asked(reason: &'static str) -> Gate {
    Gate { channel: Channel::NotAsked, reason, asks: Vec::new() }
}

/// Whether a basis other than consent covers `purpose` for the receiver: legitimate interests
/// with an assessment, a contract or a legal obligation, recorded naming the receiver, when no
/// consent event for the purpose concerns the receiver (a basis never replaces consent already
/// sought).
fn other_basis(f: &PersonFacts, purpose: &str, p: &Policy) -> bool {
    let consent_sought =
        f.consents.iter().any(|c| &*c.purpose == purpose && c.view.controllers.iter().any(|x| x == &p.receiver));
    !consent_sought
        && f.bases.iter().any(|b| {
            b.purpose == purpose
                && b.action == crate::domain::model::BasisAction::Record
                && b.at <= p.at
                && b.controllers.iter().any(|c| c == &p.receiver)
                && match b.basis {
                    Some(crate::domain::model::Basis::LegitimateInterests) => {
                        b.assessment_ref.as_deref().is_some_and(|r| !r.trim().is_empty())
                    }
                    Some(_) => true,
                    None => false,
                }
        })
}

/// Decide how one person may be asked about `asks` for `p.receiver`. `email_marketing` is the
/// sender's own email-marketing purposes (marketing, with email among their channels).
pub fn gate(f: &PersonFacts, asks: &[Ask], email_marketing: &[&str], p: &Policy) -> Gate {
    if let Some(Decision { reason, .. }) = common(f, p) {
        return not_asked(if reason == "suppressed" { "erased" } else { reason });
    }
    let mut left = Vec::new();
    let mut skipped: Option<&'static str> = None;
    let rank =
        |r: &str| ["objected", "already_answered", "already_consented", "other_basis"].iter().position(|x| *x == r);
    for a in asks {
        // An objection to this use, to the disclosure to the receiver (every use the receiver
        // makes of a person's details starts with it), or (for a marketing use) to direct
        // marketing, told to either side; one outlived by a later consent to the receiver is no
        // longer the last word.
        let mut objected_to = vec![a.purpose.as_str(), DISCLOSURE];
        if a.marketing {
            objected_to.extend(email_marketing);
        }
        let (status, grant) = consent_for(f, &a.purpose, &p.receiver, p);
        let why = if !outlived(grant, last_objection(f, &objected_to, p)) {
            Some("objected")
        } else {
            match status {
                Status::Refused | Status::Withdrawn => Some("already_answered"),
                Status::Granted => Some("already_consented"),
                Status::Expired | Status::None if other_basis(f, &a.purpose, p) => Some("other_basis"),
                Status::Expired | Status::None => None,
            }
        };
        match why {
            None => left.push(a.purpose.clone()),
            Some(r) => {
                if skipped.is_none_or(|s| rank(r) < rank(s)) {
                    skipped = Some(r);
                }
            }
        }
    }
    if left.is_empty() {
        return not_asked(skipped.unwrap_or("already_consented"));
    }
    if capacity_held(f, None, p) {
        return not_asked("supported_conversation");
    }
    let (channel, reason) = email_route(f, email_marketing, p);
    Gate { channel, reason, asks: left }
}

/// How a person is told (a notice campaign): everyone not erased, by email where they have an
/// address that takes mail (a notice is not marketing, so an unsubscribe does not stop it), by post
/// or at their hub otherwise.
pub fn tell(f: &PersonFacts, p: &Policy) -> Gate {
    if f.erased || f.suppressed.as_ref().is_some_and(|(r, _)| r == "erased") {
        return not_asked("erased");
    }
    let undeliverable = f.suppressed.as_ref().is_some_and(|(r, at)| (r == "bounced" || r == "cleaned") && *at <= p.at);
    if f.has_email && !undeliverable {
        Gate { channel: Channel::Email, reason: "notice_by_email", asks: Vec::new() }
    } else {
        Gate { channel: Channel::Post, reason: "notice_by_post", asks: Vec::new() }
    }
}

/// Whether the person may be emailed: the sender's own email-marketing consent in force, an
/// address, and no suppression or objection to marketing since that consent.
fn email_route(f: &PersonFacts, email_marketing: &[&str], p: &Policy) -> (Channel, &'static str) {
    if !f.has_email {
        return (Channel::Post, "no_email");
    }
    let mut best = None;
    for purpose in email_marketing {
        let (status, grant) = consent_for(f, purpose, &p.own, p);
        if status == Status::Granted && grant.is_some() {
            best = best.max(grant.map(|g| g.view.at));
        }
    }
    let Some(since) = best else { return (Channel::Post, "no_email_marketing_consent") };
    if f.suppressed.as_ref().is_some_and(|(_, at)| *at >= since) {
        return (Channel::Post, "email_suppressed");
    }
    if last_objection(f, email_marketing, p).is_some_and(|o| o >= since) {
        return (Channel::Post, "email_objected");
    }
    (Channel::Email, "email_marketing_consent")
}

/// The uses a campaign asks about, as the catalogue has them. An unknown purpose is refused.
pub fn asks(conn: &crate::register::Db, purposes: &[String]) -> crate::base::error::Result<Vec<Ask>> {
    purposes
        .iter()
        .map(|code| match crate::register::catalogue::purpose(conn, code)? {
            Some(p) => Ok(Ask { purpose: p.code, marketing: p.marketing }),
            None => Err(crate::base::error::Error::bad(
                "--ask",
                format!("'{code}' is not a purpose in the catalogue (see `handover purpose list`)"),
            )),
        })
        .collect()
}

/// Everyone in the register with how a notice campaign tells them ([`tell`]), on `date`.
pub fn told(
    conn: &crate::register::Db,
    slug: &str,
    date: chrono::NaiveDate,
) -> crate::base::error::Result<Vec<(crate::register::people::Person, Gate)>> {
    let (people, facts, policy) = crate::transfer::plan::people_facts(conn, slug, date)?;
    Ok(people
        .into_iter()
        .map(|person| {
            let g = facts.get(person.id.as_str()).map_or_else(|| not_asked("erased"), |f| tell(f, &policy));
            (person, g)
        })
        .collect())
}

/// Everyone in the register with the gate's answer for `asks` to the receiver `slug` on `date`
/// (the facts read from the register as the plan reads them), in the register's order.
pub fn audience(
    conn: &crate::register::Db,
    slug: &str,
    date: chrono::NaiveDate,
    asks: &[Ask],
) -> crate::base::error::Result<Vec<(crate::register::people::Person, Gate)>> {
    let (people, facts, policy) = crate::transfer::plan::people_facts(conn, slug, date)?;
    let purposes = crate::register::catalogue::purposes(conn)?;
    let email_marketing: Vec<&str> = purposes
        .iter()
        .filter(|p| p.marketing && p.channels.iter().any(|c| c == "email"))
        .map(|p| p.code.as_str())
        .collect();
    Ok(people
        .into_iter()
        .map(|person| {
            let gate = match facts.get(person.id.as_str()) {
                Some(f) => gate(f, asks, &email_marketing, &policy),
                None => not_asked("erased"),
            };
            (person, gate)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consent::EventView;
    use crate::domain::model::{BasisAction, ConsentAction};
    use crate::transfer::rules::{BasisFact, ConsentFact};
    use chrono::{DateTime, TimeZone, Utc};

    fn t(m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, 10, 0, 0).unwrap()
    }

    fn policy() -> Policy {
        let refresh = ["disclose_to_successor", "successor_newsletter", "newsletter"]
            .iter()
            .map(|p| (p.to_string(), Some(24)))
            .collect();
        Policy { receiver: "sg".into(), own: "own".into(), at: t(11, 1), objection_window_days: 28, refresh }
    }

    fn event(purpose: &str, action: ConsentAction, controllers: &[&str], at: DateTime<Utc>) -> ConsentFact {
        ConsentFact {
            id: format!("con_{purpose}_{at}"),
            purpose: purpose.into(),
            view: EventView {
                action,
                controllers: controllers.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().into(),
                at,
            },
            capacity_concern: None,
            recorded_at: None,
            statement_unrecorded: false,
            special_categories: vec![],
        }
    }

    fn basis(purpose: &str, action: BasisAction, controllers: &[&str], at: DateTime<Utc>) -> BasisFact {
        BasisFact {
            purpose: purpose.into(),
            action,
            basis: None,
            controllers: controllers.iter().map(std::string::ToString::to_string).collect(),
            assessment_ref: None,
            at,
        }
    }

    /// A person with an address and the charity's newsletter consent in force.
    fn subscriber() -> PersonFacts {
        PersonFacts {
            adult_confirmed: true,
            jurisdiction: crate::domain::model::Jurisdiction::EnglandWales,
            has_email: true,
            consents: vec![event("newsletter", ConsentAction::Grant, &["own"], t(3, 1))],
            ..Default::default()
        }
    }

    fn asks() -> Vec<Ask> {
        vec![
            Ask { purpose: "disclose_to_successor".into(), marketing: false },
            Ask { purpose: "successor_newsletter".into(), marketing: true },
        ]
    }

    fn ask(f: &PersonFacts) -> Gate {
        gate(f, &asks(), &["newsletter", "successor_newsletter"], &policy())
    }

    #[test]
    fn email_only_with_the_senders_own_email_marketing_consent() {
        let g = ask(&subscriber());
        assert_eq!((g.channel, g.reason), (Channel::Email, "email_marketing_consent"));
        assert_eq!(g.asks, ["disclose_to_successor", "successor_newsletter"]);
        let mut none = subscriber();
        none.consents.clear();
        assert_eq!((ask(&none).channel, ask(&none).reason), (Channel::Post, "no_email_marketing_consent"));
        let mut withdrawn = subscriber();
        withdrawn.consents.push(event("newsletter", ConsentAction::Withdraw, &["own"], t(4, 1)));
        assert_eq!(ask(&withdrawn).reason, "no_email_marketing_consent");
        let mut no_address = subscriber();
        no_address.has_email = false;
        assert_eq!((ask(&no_address).channel, ask(&no_address).reason), (Channel::Post, "no_email"));
    }

    /// An unsubscribe, bounce or objection to marketing since the consent moves the ask to post;
    /// an objection to marketing takes the marketing question off it (Art 21(3)).
    #[test]
    fn suppression_or_objection_since_the_consent_stops_email() {
        let mut s = subscriber();
        s.suppressed = Some(("unsubscribed".into(), t(5, 1)));
        assert_eq!((ask(&s).channel, ask(&s).reason), (Channel::Post, "email_suppressed"));
        let mut before = subscriber();
        before.suppressed = Some(("bounced".into(), t(2, 1)));
        assert_eq!(ask(&before).channel, Channel::Email, "a consent given after the bounce stands");
        let mut o = subscriber();
        o.bases.push(basis("newsletter", BasisAction::Object, &["own"], t(5, 1)));
        let g = ask(&o);
        assert_eq!((g.channel, g.reason), (Channel::Post, "email_objected"));
        assert_eq!(g.asks, ["disclose_to_successor"], "the marketing question is not asked");
    }

    #[test]
    fn not_asked_when_asking_cannot_change_anything() {
        let mut erased = subscriber();
        erased.erased = true;
        assert_eq!(ask(&erased), not_asked("erased"));
        let mut restricted = subscriber();
        restricted.bases.push(basis("newsletter", BasisAction::Restrict, &[], t(5, 1)));
        assert_eq!(ask(&restricted), not_asked("restricted"));
        let mut child = subscriber();
        child.adult_confirmed = false;
        assert_eq!(ask(&child), not_asked("adult_not_confirmed"));
        let mut objected = subscriber();
        objected.bases.push(basis("disclose_to_successor", BasisAction::Object, &["own"], t(5, 1)));
        assert_eq!(ask(&objected), not_asked("objected"), "the disclosure every use needs");
        let mut refused = subscriber();
        for p in ["disclose_to_successor", "successor_newsletter"] {
            refused.consents.push(event(p, ConsentAction::Refuse, &["sg"], t(5, 1)));
        }
        assert_eq!(ask(&refused), not_asked("already_answered"));
        let mut one_no = subscriber();
        one_no.consents.push(event("successor_newsletter", ConsentAction::Withdraw, &["own"], t(5, 1)));
        assert_eq!(ask(&one_no).asks, ["disclose_to_successor"], "a no told to the charity stands");
        let mut yes = subscriber();
        for p in ["disclose_to_successor", "successor_newsletter"] {
            yes.consents.push(event(p, ConsentAction::Grant, &["own", "sg"], t(5, 1)));
        }
        assert_eq!(ask(&yes), not_asked("already_consented"));
        let mut concern = subscriber();
        let mut c = event("newsletter", ConsentAction::Grant, &["own"], t(6, 1));
        c.capacity_concern = Some(true);
        concern.consents.push(c);
        assert_eq!(ask(&concern), not_asked("supported_conversation"));
    }

    /// The reasons the output's schema allows are the gate's, each with its text.
    #[test]
    fn the_plan_schema_lists_every_reason() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/output/campaign_plan.schema.json");
        let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut listed: Vec<&str> = schema["properties"]["data"]["properties"]["reasons"]["propertyNames"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let mut ours: Vec<&str> = REASONS
            .iter()
            .map(|(c, t)| {
                assert!(!t.is_empty());
                *c
            })
            .collect();
        listed.sort_unstable();
        ours.sort_unstable();
        assert_eq!(listed, ours);
    }

    /// Consent is not asked for where legitimate interests (with an assessment), a contract or a
    /// legal obligation already covers the use, unless consent was sought for it before.
    #[test]
    fn another_basis_means_consent_is_not_asked_for() {
        let li = |assessment: Option<&str>| {
            let mut f = subscriber();
            let mut b = basis("disclose_to_successor", BasisAction::Record, &["own", "sg"], t(4, 1));
            b.basis = Some(crate::domain::model::Basis::LegitimateInterests);
            b.assessment_ref = assessment.map(str::to_string);
            f.bases.push(b);
            f
        };
        let only = [Ask { purpose: "disclose_to_successor".into(), marketing: false }];
        let g = |f: &PersonFacts| gate(f, &only, &["newsletter"], &policy());
        assert_eq!(g(&li(Some("LIA-1"))), not_asked("other_basis"));
        assert_eq!(g(&li(None)).channel, Channel::Email, "no assessment: no basis");
        let mut sought = li(Some("LIA-1"));
        sought.consents.push(event("disclose_to_successor", ConsentAction::Grant, &["own", "sg"], t(1, 1)));
        sought.consents[1].view.at = Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(g(&sought).channel, Channel::Email, "an expired consent is asked again, not swapped");
    }
}
