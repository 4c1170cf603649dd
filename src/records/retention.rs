//! Storage limitation (R20): the register's retention policy, what is past it, and applying it.
//!
//! Kinds and their documented defaults (months; `retention policy --set KIND=MONTHS` changes them,
//! 0 turns a kind off):
//!
//! - `inactive_people` (24): a person with nothing in force — no consent granted to anyone, no
//!   other lawful basis recorded without an objection, no current role — and no consent or basis
//!   event, role or registration within the period is anonymised (identifying fields removed, as
//!   erasure does; a person who had opted out of marketing has their address's keyed hash put on
//!   the suppression list first, as `opted_out`, so that the opt-out outlives the record).
//! - `tombstones` (each tombstone's own expiry, set at erasure): the tombstone and its suppression
//!   entry are deleted.
//! - `closed_requests` (24): a closed rights request loses its link to the person and its channel.
//! - `closed_complaints` (24): a closed complaint loses its link to the person and its summary.
//!
//! And the sender's wind-down after a completed transfer (`transfer close --delete-after`): on
//! that date, the people who went in it are anonymised unless the sender still has a live
//! relationship of its own with them: a `legal_obligation` basis naming it (gift-aid or
//! safeguarding records it must keep), another basis of its own not objected to since, or a
//! consent in force naming it, for a purpose other than the transfer's own.
//!
//! The audit log, consent and request events and incidents are kept: they hold no more than ids
//! and are the evidence of lawful processing (Art 5(2)); a person's evidence references are removed
//! when the person is anonymised.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Months, Utc};
use serde::Serialize;

use crate::base::error::Result;
use crate::domain::consent::Status;
use crate::domain::model::{PersonId, fmt_ts};
use crate::register::{Change, catalogue, evidence, people, retention as rq, set_setting, setting};

/// The kinds a policy covers, with their default periods in months.
pub const KINDS: &[(&str, u32, &str)] = &[
    ("inactive_people", 24, "people with nothing in force and no activity: anonymised"),
    (
        "tombstones",
        0,
        "erasure tombstones past their own expiry (set at erasure): deleted with their suppression entry",
    ),
    ("closed_requests", 24, "closed rights requests: the link to the person and the channel removed"),
    ("closed_complaints", 24, "closed complaints: the link to the person and the summary removed"),
];

/// The policy: months per kind (`tombstones` uses each tombstone's own expiry; 0 turns a kind off,
/// except for tombstones, whose 0 means "at their expiry").
pub fn policy(conn: &crate::register::Db) -> Result<BTreeMap<String, u32>> {
    let mut p = BTreeMap::new();
    for (k, d, _) in KINDS {
        let v = setting(conn, &format!("retention.{k}"))?.and_then(|v| v.parse().ok()).unwrap_or(*d);
        p.insert((*k).to_string(), v);
    }
    Ok(p)
}

/// Change one kind's period (at most [`MAX_MONTHS`]).
pub fn set_policy(c: &Change<'_>, kind: &str, months: u32) -> Result<()> {
    if months > MAX_MONTHS {
        return Err(crate::base::error::Error::bad(
            "--set",
            format!("{kind}={months}: a period is at most {MAX_MONTHS} months (100 years)"),
        ));
    }
    set_setting(c, &format!("retention.{kind}"), &months.to_string())
}

/// What a run would do.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Due {
    pub inactive_people: Vec<PersonId>,
    pub tombstones: Vec<String>,
    pub closed_requests: Vec<String>,
    pub closed_complaints: Vec<String>,
    /// Transfers whose wind-down date has come: (transfer id, people to anonymise, people kept).
    pub transfers: Vec<WindDown>,
    /// People who would be anonymised but are kept because someone is waiting for an answer
    /// (DPA 2018 s173), with why.
    pub held: Vec<Held>,
}

/// A person kept as they are for now, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Held {
    #[serde(skip)]
    pub id: PersonId,
    #[serde(rename = "ref")]
    pub reference: String,
    pub reasons: Vec<String>,
}

/// One transfer's wind-down.
#[derive(Debug, Clone, Serialize)]
pub struct WindDown {
    pub transfer: String,
    pub delete_after: String,
    pub anonymise: Vec<PersonId>,
    /// Kept because a recorded legal basis of the sender's own still needs them.
    pub kept: Vec<PersonId>,
    /// Kept for now because someone is waiting for an answer: the wind-down stays due for them.
    pub held: Vec<PersonId>,
}

impl Due {
    /// Counts by kind.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("inactive_people", self.inactive_people.len()),
            ("tombstones", self.tombstones.len()),
            ("closed_requests", self.closed_requests.len()),
            ("closed_complaints", self.closed_complaints.len()),
            ("transfer_wind_down_people", self.transfers.iter().map(|t| t.anonymise.len()).sum()),
            ("transfer_wind_down_kept", self.transfers.iter().map(|t| t.kept.len() + t.held.len()).sum()),
            ("held", self.held.len()),
        ])
    }
}

/// The longest period a policy may set: 100 years.
pub const MAX_MONTHS: u32 = 1200;

/// The moment `months` before `now`; `None` when that is before the calendar can say, which
/// means the period never ends (never "now", which would put everything past it).
fn before(now: DateTime<Utc>, months: u32) -> Option<String> {
    now.checked_sub_months(Months::new(months)).map(fmt_ts)
}

/// Work out what is past the policy at `now`.
pub fn due(conn: &crate::register::Db, now: DateTime<Utc>) -> Result<Due> {
    let p = policy(conn)?;
    let own = catalogue::self_controller(conn)?;
    let mut d = Due::default();
    let today = now.date_naive().to_string();
    let people: Vec<people::Person> = people::people(conn)?.into_iter().filter(|p| p.erased_at.is_none()).collect();
    let consents = evidence::consents(conn, None, None)?;
    let bases = evidence::bases(conn, None)?;
    let roles = people::roles(conn, None)?;
    // Wind-downs first: their people are not counted again as inactive.
    let mut wound: BTreeSet<PersonId> = BTreeSet::new();
    let closing = rq::wind_downs_due(conn, &today)?;
    // The sender keeps its own live relationships: a legal obligation, another basis of its own
    // not objected to, or a consent in force naming it, for a purpose of its own (not the
    // transfer's own purposes).
    let transfer_purposes = ["disclose_to_successor", "successor_newsletter"];
    let refresh: BTreeMap<String, Option<u32>> =
        catalogue::purposes(conn)?.into_iter().map(|p| (p.code, p.refresh_months)).collect();
    let keeps = |pid: &str| {
        let own_purpose = |purpose: &str| !transfer_purposes.contains(&purpose);
        let basis = bases.iter().any(|b| {
            b.person_id == pid
                && b.action == crate::domain::model::BasisAction::Record
                && b.controllers.contains(&own.slug)
                && own_purpose(&b.purpose)
                && (b.basis == Some(crate::domain::model::Basis::LegalObligation)
                    || !bases.iter().any(|o| {
                        o.person_id == pid
                            && o.action == crate::domain::model::BasisAction::Object
                            && o.purpose == b.purpose
                            && o.decided_at > b.decided_at
                    }))
        });
        let consent = refresh.iter().filter(|(code, _)| own_purpose(code)).any(|(code, months)| {
            let views: Vec<_> = consents
                .iter()
                .filter(|c| c.person_id == pid && &c.event.purpose == code)
                .map(evidence::StoredConsent::view)
                .collect();
            crate::domain::consent::status(&views, &own.slug, *months, now) == Status::Granted
        });
        basis || consent
    };
    // Nothing is altered or destroyed while someone waits for an answer (DPA 2018 s173).
    let waiting = rq::waiting(conn, &today)?;
    let reference: BTreeMap<&str, &str> = people.iter().map(|p| (p.id.as_str(), p.reference.as_str())).collect();
    let mut held: BTreeMap<PersonId, Held> = BTreeMap::new();
    let mut hold = |id: &PersonId| {
        let Some(reasons) = waiting.get(id.as_str()) else { return false };
        held.entry(id.clone()).or_insert_with(|| Held {
            id: id.clone(),
            reference: reference.get(id.as_str()).map_or_else(|| id.to_string(), |r| (*r).to_string()),
            reasons: reasons.clone(),
        });
        true
    };
    for (tid, after) in closing {
        let ids = rq::transfer_people_present(conn, &tid)?;
        let (kept, rest): (Vec<PersonId>, Vec<PersonId>) =
            ids.into_iter().map(PersonId::from).partition(|id| keeps(id));
        let (held_here, anonymise): (Vec<PersonId>, Vec<PersonId>) = rest.into_iter().partition(|id| hold(id));
        wound.extend(anonymise.iter().cloned());
        wound.extend(held_here.iter().cloned());
        d.transfers.push(WindDown { transfer: tid, delete_after: after, anonymise, kept, held: held_here });
    }
    if p["inactive_people"] > 0
        && let Some(cutoff) = before(now, p["inactive_people"])
    {
        let purposes = catalogue::purposes(conn)?;
        let refresh: BTreeMap<&str, Option<u32>> =
            purposes.iter().map(|p| (p.code.as_str(), p.refresh_months)).collect();
        let controllers: Vec<String> = catalogue::controllers(conn)?.into_iter().map(|c| c.slug).collect();
        let mut by_person: BTreeMap<&str, Vec<&evidence::StoredConsent>> = BTreeMap::new();
        for c in &consents {
            by_person.entry(c.person_id.as_str()).or_default().push(c);
        }
        for person in &people {
            if wound.contains(&person.id) {
                continue;
            }
            // The last sign of a relationship: consent and basis events, roles, joining; the
            // register's own record date only when there is none (an import is not activity).
            let events = by_person.get(person.id.as_str()).cloned().unwrap_or_default();
            let mut last: Option<String> = person.joined_on.clone();
            let mut seen = |t: &str| {
                if last.as_deref().is_none_or(|l| t > l) {
                    last = Some(t.to_string());
                }
            };
            events.iter().for_each(|e| seen(&fmt_ts(e.event.at)));
            bases.iter().filter(|b| b.person_id == person.id).for_each(|b| seen(&b.decided_at));
            for r in roles.iter().filter(|r| r.person_id == person.id) {
                seen(r.to.as_deref().unwrap_or(today.as_str()));
                seen(&r.from);
            }
            let last = last.unwrap_or_else(|| person.created_at.clone());
            if last.as_str() > cutoff.as_str() || roles.iter().any(|r| r.person_id == person.id && r.to.is_none()) {
                continue;
            }
            let granted = purposes.iter().any(|pp| {
                let views: Vec<_> = events.iter().filter(|e| e.event.purpose == pp.code).map(|e| e.view()).collect();
                controllers.iter().any(|c| {
                    crate::domain::consent::status(&views, c, refresh.get(pp.code.as_str()).copied().flatten(), now)
                        == Status::Granted
                })
            });
            let objected: BTreeSet<&str> = bases
                .iter()
                .filter(|b| b.person_id == person.id && b.action == crate::domain::model::BasisAction::Object)
                .map(|b| b.purpose.as_str())
                .collect();
            let basis_in_force = bases.iter().any(|b| {
                b.person_id == person.id
                    && b.action == crate::domain::model::BasisAction::Record
                    && !objected.contains(b.purpose.as_str())
            });
            if !granted && !basis_in_force && !hold(&person.id) {
                d.inactive_people.push(person.id.clone());
            }
        }
    }
    d.held = held.into_values().collect();
    d.tombstones = rq::expired_tombstones(conn, &today)?;
    if p["closed_requests"] > 0
        && let Some(cutoff) = before(now, p["closed_requests"])
    {
        d.closed_requests = rq::closed_requests_before(conn, &cutoff[..10])?;
    }
    if p["closed_complaints"] > 0
        && let Some(cutoff) = before(now, p["closed_complaints"])
    {
        d.closed_complaints = rq::closed_complaints_before(conn, &cutoff[..10])?;
    }
    Ok(d)
}

/// Before a person is anonymised: if they opted out of marketing (their latest word on a
/// marketing purpose is a withdrawal or refusal, or they objected to it), their address's keyed
/// hash goes on the suppression list (`opted_out`), so that a later list import cannot bring them
/// back to marketing once their name and address are gone.
fn keep_opt_out(c: &Change<'_>, id: &str, marketing: &BTreeSet<String>) -> Result<()> {
    let Some(person) = people::person(c, id)? else { return Ok(()) };
    let Some(email) = person.email_norm.as_deref() else { return Ok(()) };
    let events = evidence::consents(c, Some(id), None)?;
    let withdrew = marketing.iter().any(|purpose| {
        events.iter().filter(|e| &e.event.purpose == purpose).max_by(|a, b| a.event.at.cmp(&b.event.at)).is_some_and(
            |e| {
                e.event.action == crate::domain::model::ConsentAction::Withdraw
                    || e.event.action == crate::domain::model::ConsentAction::Refuse
            },
        )
    });
    let objected = evidence::bases(c, Some(id))?
        .iter()
        .any(|b| b.action == crate::domain::model::BasisAction::Object && marketing.contains(&b.purpose));
    if withdrew || objected {
        crate::register::suppression::suppress_email(c, email, "opted_out", &fmt_ts(c.now), "retention")?;
    }
    Ok(())
}

/// Apply what is due, in the caller's transaction.
pub fn apply(c: &Change<'_>, d: &Due) -> Result<()> {
    let marketing: BTreeSet<String> =
        catalogue::purposes(c)?.into_iter().filter(|p| p.marketing).map(|p| p.code).collect();
    for id in d.inactive_people.iter().chain(d.transfers.iter().flat_map(|t| t.anonymise.iter())) {
        keep_opt_out(c, id, &marketing)?;
        people::strip_person(c, id, c.now)?;
    }
    for t in &d.transfers {
        // A wind-down that kept someone for now stays due: the next run takes them once nothing
        // holds them.
        if t.held.is_empty() {
            rq::mark_wound_down(c, &t.transfer)?;
        }
    }
    let revisit = (c.now + chrono::Duration::days(30)).date_naive().to_string();
    for h in &d.held {
        crate::register::tasks::add_task(
            c,
            "retention_hold",
            h.id.as_str(),
            &format!("Revisit {}: kept from deletion because of {}", h.reference, h.reasons.join("; ")),
            "nothing is altered or destroyed while someone waits for an answer (DPA 2018 s173)",
            &revisit,
            &fmt_ts(c.now),
        )?;
    }
    for pid in &d.tombstones {
        rq::drop_tombstone(c, pid)?;
    }
    for id in &d.closed_requests {
        rq::unlink_request(c, id)?;
    }
    for id in &d.closed_complaints {
        rq::unlink_complaint(c, id)?;
    }
    Ok(())
}
