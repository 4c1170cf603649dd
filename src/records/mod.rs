//! The single path by which a record enters the register: people, consent events, roles, other
//! lawful bases, notices sent and diversity answers. The command line, every importer and the
//! bundle import call these functions; they validate a record against the rules (R7–R9, R12) and
//! the register, store it, and return row problems as `(column, message)` pairs that never quote
//! a value.
//!
//! It is also the records layer: [`import`] reads the tool's own CSV formats and real exports
//! (Mailchimp, listmonk, MailPoet, WordPress.com) into the register through these functions, all
//! or nothing; [`campaign`] records a campaign's answers; [`casework`] keeps complaints and incidents with their tasks; [`retention`] applies
//! the retention policy; [`vault`] seals account secrets. SQL lives below, in `register`.

pub(crate) mod campaign;
pub(crate) mod casework;
pub mod import;
pub(crate) mod retention;
pub(crate) mod status;
pub mod vault;

use crate::register::transfers::Change19;
use chrono::{DateTime, Utc};

use crate::base::error::Result;
use crate::domain::consent::{self, RawConsent, Status};
use crate::domain::model::{
    Basis, BasisAction, Channel, ConsentAction, Designation, PersonId, RoleKind, SpecialCategory, fmt_ts, new_id,
    normalise_email, parse_date, parse_timestamp, split_list,
};
use crate::domain::people::PersonFields;
use crate::register::catalogue::RegisterLookup;
use crate::register::evidence::{BasisEvent, NoticeSent};
use crate::register::people::{Person, Role};
use crate::register::suppression::keyed_hash;
use crate::register::{Change, catalogue, evidence, people, suppression};

/// Row problems: (column, message).
pub type RowProblems = Vec<(&'static str, String)>;

/// What happened to a person record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// A new person.
    New,
    /// An existing person's fields changed.
    Updated,
    /// Nothing to change.
    Unchanged,
}

/// Whether a normalised email belongs to an erased person.
pub fn is_erased_email(conn: &crate::register::Db, email_norm: &str) -> Result<bool> {
    let h = keyed_hash(conn, email_norm)?;
    suppression::tombstoned(conn, &h)
}

fn to_person(id: PersonId, f: &PersonFields, reference: String, created_at: String) -> Person {
    Person { id, reference, details: f.details.clone(), created_at, erased_at: None }
}

/// Add a new person, or update the one with the same ref (or, without a ref, the same email).
pub fn upsert_person(c: &Change<'_>, f: &PersonFields) -> Result<std::result::Result<(Upsert, PersonId), RowProblems>> {
    let mut problems = RowProblems::new();
    if let Some(e) = &f.email_norm
        && is_erased_email(c, e)?
    {
        problems.push(("email", "this address belongs to an erased person and cannot be added back".into()));
        return Ok(Err(problems));
    }
    let by_ref = match &f.reference {
        Some(r) => people::person(c, r)?,
        None => None,
    };
    let by_email = match &f.email_norm {
        Some(e) => people::person_by_email(c, e)?,
        None => None,
    };
    let existing = match (&f.reference, by_ref, by_email) {
        (Some(_), Some(p), Some(q)) if p.id != q.id => {
            problems.push(("email", format!("this email already belongs to person {}", q.reference)));
            return Ok(Err(problems));
        }
        (Some(_), None, Some(q)) => {
            problems.push(("email", format!("this email already belongs to person {} (a different ref)", q.reference)));
            return Ok(Err(problems));
        }
        (Some(_), Some(p), _) => Some(p),
        (None, _, Some(q)) => Some(q),
        _ => None,
    };
    match existing {
        Some(p) if p.erased_at.is_some() => {
            problems.push(("ref", "this reference belongs to an erased person".into()));
            Ok(Err(problems))
        }
        Some(p) => {
            let updated = to_person(p.id.clone(), f, p.reference.clone(), p.created_at.clone());
            if updated.details == p.details {
                Ok(Ok((Upsert::Unchanged, p.id)))
            } else {
                people::update_person(c, &updated)?;
                let fields = carried_changes(c, &p, &updated)?;
                let change =
                    Change19 { what: "rectification", purpose: None, controllers: &[], fields: Some(fields), at: None };
                crate::register::transfers::art19(c, &p.id, &change, c.now)?;
                Ok(Ok((Upsert::Updated, p.id)))
            }
        }
        None => {
            let reference = match &f.reference {
                Some(r) => r.clone(),
                None => people::next_ref(c)?,
            };
            let mut p = to_person(PersonId::new(), f, reference, fmt_ts(c.now));
            people::insert_person(c, &mut p)?;
            Ok(Ok((Upsert::New, p.id)))
        }
    }
}

/// Find the person a row names by `person_ref` and/or `email`.
pub fn resolve_person(
    conn: &crate::register::Db,
    reference: &str,
    email: &str,
) -> Result<std::result::Result<Person, RowProblems>> {
    let reference = reference.trim();
    let email = email.trim();
    let by_ref = if reference.is_empty() { None } else { people::person(conn, reference)? };
    let by_email = if email.is_empty() { None } else { people::person_by_email(conn, &normalise_email(email))? };
    let found = match (reference.is_empty(), email.is_empty()) {
        (true, true) => {
            return Ok(Err(vec![("person_ref", "person_ref or email is required".into())]));
        }
        (false, _) if by_ref.is_none() => {
            return Ok(Err(vec![("person_ref", "no person with this ref".into())]));
        }
        (true, false) if by_email.is_none() => {
            let msg = if is_erased_email(conn, &normalise_email(email))? {
                "this address belongs to an erased person"
            } else {
                "no person with this email"
            };
            return Ok(Err(vec![("email", msg.into())]));
        }
        _ => match (by_ref, by_email) {
            (Some(p), Some(q)) if p.id != q.id => {
                return Ok(Err(vec![("email", "person_ref and email name different people".into())]));
            }
            (Some(p), _) => p,
            (None, Some(q)) => q,
            (None, None) => return Ok(Err(vec![("person_ref", "no such person".into())])),
        },
    };
    if found.erased_at.is_some() {
        return Ok(Err(vec![("person_ref", "this person has been erased".into())]));
    }
    Ok(Ok(found))
}

/// Validate and store a consent event for a person (R7–R9, R12). Returns the new event id, or
/// `None` when an identical event was already recorded.
pub fn apply_consent(
    c: &Change<'_>,
    lookup: &RegisterLookup<'_>,
    person: &Person,
    raw: &RawConsent,
    source: &str,
) -> Result<std::result::Result<Option<crate::domain::model::EventId>, RowProblems>> {
    store_consent(c, lookup, person, &consent::validate(raw, person.adult_confirmed, c.now, lookup), source)
}

/// [`apply_consent`] for an event already validated for `person` (an import validates its rows
/// on another thread): the suppression list, then storing it.
pub fn store_consent(
    c: &Change<'_>,
    lookup: &RegisterLookup<'_>,
    person: &Person,
    validated: &std::result::Result<consent::ConsentEvent, Vec<consent::Problem>>,
    source: &str,
) -> Result<std::result::Result<Option<crate::domain::model::EventId>, RowProblems>> {
    let event = match validated {
        Ok(e) => e,
        Err(ps) => return Ok(Err(ps.iter().map(|p| (p.column, p.message.clone())).collect())),
    };
    // A suppressed address gets no marketing consent, except a fresh one given after the
    // suppression to another controller's list (an unsubscribe from this controller's newsletter
    // says nothing about a later yes to the group's); an erased person gets none at all.
    let names_self = |cs: &[String]| -> Result<bool> {
        for c in cs {
            if lookup.is_self(c)? {
                return Ok(true);
            }
        }
        Ok(false)
    };
    if event.action == ConsentAction::Grant
        && lookup.marketing(&event.purpose)? == Some(true)
        && let Some(e) = &person.email_norm
        && let Some((reason, since)) = lookup.suppressed(e)?
        && (reason == "erased"
            || names_self(&event.controllers)?
            || crate::domain::model::parse_timestamp(&since).is_none_or(|s| event.at <= s))
    {
        return Ok(Err(vec![(
            "purpose",
            format!(
                "this address is on the suppression list{}; it cannot be added to a marketing purpose",
                // An entry inherited with a bundle does not say why.
                if reason == "suppressed" { String::new() } else { format!(" ({reason})") }
            ),
        )]));
    }
    let id = evidence::insert_consent_in(c, lookup, &person.id, event, source, c.now)?;
    if id.is_some() && event.action == ConsentAction::Withdraw {
        let change = Change19 {
            what: "withdrawal",
            purpose: Some(&event.purpose),
            controllers: &event.controllers,
            fields: None,
            at: Some(event.at),
        };
        crate::register::transfers::art19(c, &person.id, &change, c.now)?;
    }
    Ok(Ok(id))
}

/// Validate and store a role.
pub fn apply_role(
    c: &Change<'_>,
    person: &Person,
    role: &str,
    hub: &str,
    from: &str,
    to: &str,
    designation: &str,
) -> Result<std::result::Result<Option<String>, RowProblems>> {
    let mut p = RowProblems::new();
    let kind = RoleKind::parse(role.trim());
    let designation_v = Designation::parse(designation.trim());
    if kind.is_none() {
        p.push(("role", format!("unknown role; use {}", RoleKind::list())));
    }
    let hub = hub.trim();
    if kind == Some(RoleKind::Champion) && hub.is_empty() {
        p.push(("hub", "a champion runs a hub: name it".into()));
    }
    let from_d = parse_date(from);
    if from_d.is_none() {
        p.push(("from", format!("required, and {}", crate::domain::model::NOT_A_DATE)));
    }
    let to = to.trim();
    if !to.is_empty() {
        match parse_date(to) {
            None => p.push(("to", crate::domain::model::NOT_A_DATE.into())),
            Some(t) if from_d.is_some_and(|f| t < f) => p.push(("to", "the end date is before the start date".into())),
            _ => {}
        }
    }
    let designation = designation.trim();
    if !designation.is_empty() && Designation::parse(designation).is_none() {
        p.push(("designation", format!("unknown designation; use {}", Designation::list())));
    }
    let Some(kind) = kind.filter(|_| p.is_empty()) else {
        return Ok(Err(p));
    };
    let existing = people::roles(c, Some(&person.id))?
        .into_iter()
        .find(|r| r.role == kind && r.hub.as_deref().unwrap_or("") == hub && r.from == from.trim());
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    if let Some(r) = existing {
        if r.to.as_deref().unwrap_or("") != to && !to.is_empty() {
            people::end_role(c, &r.id, to)?;
            return Ok(Ok(Some(r.id)));
        }
        return Ok(Ok(None));
    }
    let mut r = Role {
        id: new_id("rol"),
        person_id: person.id.clone(),
        person_ref: person.reference.clone(),
        role: kind,
        hub: nonempty(hub),
        from: from.trim().to_string(),
        to: nonempty(to),
        designation: designation_v,
        special: false,
    };
    people::insert_role(c, &mut r, c.now)?;
    Ok(Ok(Some(r.id)))
}

/// Whether an event's time is ahead of the clock beyond the skew allowed (as consents are checked).
fn future(t: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    t > now + chrono::Duration::minutes(consent::CLOCK_SKEW_MINUTES)
}

/// Validate and store a basis event (record, object, restrict, lift_restriction).
#[allow(clippy::too_many_arguments)]
pub fn apply_basis(
    c: &Change<'_>,
    person: &Person,
    purpose: &str,
    action: &str,
    basis: &str,
    controllers: &str,
    assessment_ref: &str,
    decided_by: &str,
    decided_at: &str,
) -> Result<std::result::Result<bool, RowProblems>> {
    let mut p = RowProblems::new();
    let action_v = match action.trim() {
        "" => Some(BasisAction::Record),
        s => BasisAction::parse(s),
    };
    if action_v.is_none() {
        p.push(("action", format!("use {}", BasisAction::list())));
    }
    let purpose_info = catalogue::purpose(c, purpose.trim())?;
    if purpose_info.is_none() {
        p.push(("purpose", "unknown purpose code (see `handover purpose list`)".into()));
    }
    let cs = split_list(controllers);
    for slug in &cs {
        if catalogue::controller(c, slug)?.is_none() {
            p.push(("controllers", format!("unknown controller '{slug}'")));
        }
    }
    let basis_v = match basis.trim() {
        "" => None,
        s => {
            let b = Basis::parse(s);
            if b.is_none() {
                p.push(("basis", format!("use {} (consent is recorded with `consent record`)", Basis::list())));
            }
            b
        }
    };
    if action_v == Some(BasisAction::Record) {
        // PECR reg 22: marketing by email or text needs consent; no other basis will do.
        if purpose_info.as_ref().is_some_and(|i| i.marketing) && basis_v.is_some() {
            p.push((
                "basis",
                "this purpose is electronic marketing, which needs consent (PECR reg 22): record it with `consent record`".into(),
            ));
        }
        // Art 9: special category data needs a condition as well as a basis; the one this tool
        // records is explicit consent (9(2)(a)), so no other basis is taken for such a purpose.
        if purpose_info.as_ref().is_some_and(|i| i.special) && basis_v.is_some() {
            p.push((
                "basis",
                "this purpose is special category data (Art 9): it rests on explicit consent, recorded with `consent record ... --special-categories`; a lawful basis alone is no Art 9 condition".into(),
            ));
        }
        if basis_v.is_none() && basis.trim().is_empty() {
            p.push(("basis", "which lawful basis is required".into()));
        }
        let kinds = crate::register::governance::assessment_kinds(c, assessment_ref.trim())?;
        if basis_v == Some(Basis::Contract) && kinds.iter().any(|k| k == "lia") {
            p.push((
                "assessment_ref",
                format!(
                    "{} is a legitimate interests assessment: a contract is cited by the agreement's own reference",
                    assessment_ref.trim()
                ),
            ));
        }
        if basis_v == Some(Basis::LegalObligation) && (assessment_ref.trim().is_empty() || !kinds.is_empty()) {
            p.push((
                "assessment_ref",
                "a legal obligation names the law that imposes it (e.g. \"Charities Act 2011 s130\"), not an assessment".into(),
            ));
        }
        if cs.is_empty() {
            p.push(("controllers", "name the controller(s) relying on this basis".into()));
        }
        if assessment_ref.trim().is_empty() && matches!(basis_v, Some(Basis::LegitimateInterests | Basis::Contract)) {
            p.push((
                "assessment_ref",
                "legitimate interests needs its LIA reference (a contract its agreement reference)".into(),
            ));
        } else if basis_v == Some(Basis::LegitimateInterests)
            && !crate::register::governance::assessment_exists(c, assessment_ref.trim())?
        {
            p.push((
                "assessment_ref",
                format!(
                    "{} is not in the assessments register: add the LIA first with `handover assessment add --kind lia`",
                    assessment_ref.trim()
                ),
            ));
        }
    }
    if decided_by.trim().is_empty() {
        p.push(("decided_by", "who decided or recorded it is required".into()));
    }
    let at = parse_timestamp(decided_at);
    match at {
        None => p.push(("decided_at", "must be an ISO 8601 timestamp with time and zone".into())),
        Some(t) if future(t, c.now) => {
            p.push(("decided_at", "is dated in the future; record it when it has happened".into()));
        }
        Some(_) => {}
    }
    // The balancing test comes before the decision that rests on it.
    if basis_v == Some(Basis::LegitimateInterests)
        && let Some(at) = at
        && let Some(approved) = crate::register::governance::assessment_approved_on(c, assessment_ref.trim())?
        && approved.as_str() > at.date_naive().to_string().as_str()
    {
        p.push((
            "assessment_ref",
            format!(
                "{} was approved on {approved}, after this decision: an LIA comes before the decision it supports",
                assessment_ref.trim()
            ),
        ));
    }
    if !p.is_empty() {
        return Ok(Err(p));
    }
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let mut b = BasisEvent {
        id: new_id("bas"),
        person_id: person.id.clone(),
        person_ref: person.reference.clone(),
        purpose: purpose.trim().to_string(),
        action: action_v.unwrap_or(crate::domain::model::BasisAction::Record),
        basis: basis_v,
        controllers: cs,
        assessment_ref: nonempty(assessment_ref),
        decided_by: decided_by.trim().to_string(),
        decided_at: at.map(fmt_ts).unwrap_or_default(),
    };
    let new = evidence::insert_basis(c, &mut b, c.now)?;
    let what = match b.action {
        crate::domain::model::BasisAction::Restrict => Some("restriction"),
        crate::domain::model::BasisAction::Object => Some("objection"),
        _ => None,
    };
    if let (true, Some(what)) = (new, what) {
        let change = Change19 {
            what,
            purpose: Some(&b.purpose),
            controllers: &b.controllers,
            fields: None,
            at: crate::domain::model::parse_timestamp(&b.decided_at),
        };
        crate::register::transfers::art19(c, &person.id, &change, c.now)?;
    }
    Ok(Ok(new))
}

/// Validate and store a notice delivery.
pub fn apply_notice_sent(
    c: &Change<'_>,
    person: &Person,
    version: &str,
    sent_at: &str,
    channel: &str,
) -> Result<std::result::Result<bool, RowProblems>> {
    let mut p = RowProblems::new();
    let lookup = RegisterLookup::new(c);
    // As people write it: a time with its zone, a day (UK order too), or a London time.
    let when = crate::domain::deadline::parse_when(sent_at);
    let effective = consent::Lookup::notice_effective(&lookup, version.trim());
    // A day alone: sent that day, at the latest at its end (now, for today): the later moment is
    // the one nothing is claimed early by.
    let at = when.map(|(t, day_only)| {
        if day_only {
            crate::domain::deadline::end_of_day_london(crate::domain::deadline::london_date(t)).min(c.now)
        } else {
            t
        }
    });
    match effective {
        None => p.push(("notice_version", "no notice with this version".into())),
        Some(eff) if at.is_some_and(|a| a < eff) => {
            p.push(("sent_at", "before this notice version took effect".into()));
        }
        _ => {}
    }
    match at {
        None => p.push(("sent_at", format!("when it was sent: {}", crate::domain::deadline::WHEN_EXAMPLES))),
        Some(t) if future(t, c.now) => {
            p.push(("sent_at", "is dated in the future; record it when it has been sent".into()));
        }
        Some(_) => {}
    }
    let channel = Channel::parse(channel.trim());
    if channel.is_none() {
        p.push(("channel", format!("use {}", Channel::list())));
    }
    let Some(channel) = channel.filter(|_| p.is_empty()) else {
        return Ok(Err(p));
    };
    let mut n = NoticeSent {
        id: new_id("nts"),
        person_id: person.id.clone(),
        person_ref: person.reference.clone(),
        notice_version: version.trim().to_string(),
        sent_at: at.map(fmt_ts).unwrap_or_default(),
        channel,
    };
    Ok(Ok(evidence::insert_notice_sent(c, &mut n, c.now)?))
}

/// The id of the explicit consent for diversity monitoring naming `category` that is in force
/// for the register's own controller at `now`, if any.
pub fn diversity_consent(
    conn: &crate::register::Db,
    person: &Person,
    category: SpecialCategory,
    now: DateTime<Utc>,
) -> Result<Option<crate::domain::model::EventId>> {
    let own = catalogue::self_controller(conn)?;
    let refresh = catalogue::purpose(conn, "diversity_monitoring")?.and_then(|p| p.refresh_months);
    let events = evidence::consents(conn, Some(&person.id), Some("diversity_monitoring"))?;
    let views: Vec<_> = events.iter().map(crate::register::evidence::StoredConsent::view).collect();
    if consent::status(&views, &own.slug, refresh, now) != Status::Granted {
        return Ok(None);
    }
    // The deciding grant must name the category.
    let grant = events
        .iter()
        .filter(|e| {
            e.event.action == crate::domain::model::ConsentAction::Grant && e.event.controllers.contains(&own.slug)
        })
        .filter(|e| e.event.at <= now)
        .max_by(|a, b| a.event.at.cmp(&b.event.at));
    Ok(grant
        .filter(|g| g.event.special_categories.iter().any(|c| c.as_str() == category.as_str()))
        .map(|g| g.id.clone()))
}

/// Validate and store a diversity answer.
pub fn apply_diversity(
    c: &Change<'_>,
    person: &Person,
    category: &str,
    value: &str,
) -> Result<std::result::Result<bool, RowProblems>> {
    let Some(cat) = SpecialCategory::parse(category.trim()) else {
        return Ok(Err(vec![("category", format!("use {}", SpecialCategory::list()))]));
    };
    if value.trim().is_empty() {
        return Ok(Err(vec![("value", "an answer is required (use prefer_not_to_say if that was the answer)".into())]));
    }
    match diversity_consent(c, person, cat, c.now)? {
        None => Ok(Err(vec![(
            "category",
            "no explicit consent for diversity_monitoring naming this category is in force for this person".into(),
        )])),
        Some(consent_id) => {
            Ok(Ok(people::set_diversity(c, &person.id, cat.as_str(), value.trim(), &consent_id, c.now)?))
        }
    }
}

/// Erase a person (Art 17): blank every identifying field in every table, keep a tombstone (the
/// keyed hash of their email, or of their id when they had none) until the register's
/// `tombstone_years` setting (6 years by default) has passed, put the hash on the suppression list
/// so no list takes them back, and create an Art 19 task for every transfer that carried them.
/// Returns when the tombstone expires. The caller checks that the person is not erased already.
pub fn erase(c: &Change<'_>, p: &Person, reason: &str) -> Result<DateTime<Utc>> {
    let years: u32 = crate::register::setting(c, "tombstone_years")?.and_then(|s| s.parse().ok()).unwrap_or(6);
    // A period past the calendar's end keeps the tombstone for ever (never "now", which would let
    // the person back in at once).
    let expires = c.now.checked_add_months(chrono::Months::new(years.saturating_mul(12))).unwrap_or_else(|| {
        chrono::NaiveDate::from_ymd_opt(9999, 12, 31).map_or(c.now, |d| d.and_time(chrono::NaiveTime::MIN).and_utc())
    });
    let key = p.email_norm.clone().unwrap_or_else(|| format!("person:{}", p.id));
    let hash = keyed_hash(c, &key)?;
    people::erase_person(
        c,
        p,
        &hash,
        reason,
        "Art 17(3)(b) and Art 5(2): kept to honour the erasure and keep the person off every list",
        &fmt_ts(expires),
        c.now,
    )?;
    suppression::suppress_email(c, &key, "erased", &fmt_ts(c.now), "erasure")?;
    let change = Change19 { what: "erasure", purpose: None, controllers: &[], fields: None, at: None };
    crate::register::transfers::art19(c, &p.id, &change, c.now)?;
    Ok(expires)
}

/// Reminders for an account someone has paid for up to a date (hosting the charity keeps paying
/// for a while after the handover, say): one 30 days before, to arrange who pays next, and one on
/// the day. Returns the tasks made (none without a date).
pub fn paid_until_tasks(
    c: &Change<'_>,
    a: &crate::register::accounts::Account,
) -> Result<Vec<crate::domain::model::TaskId>> {
    let Some(until) = a.paid_until.as_deref().and_then(crate::domain::model::parse_date) else { return Ok(Vec::new()) };
    let who = a.paid_by.as_deref().unwrap_or("its current payer");
    let soon = until - chrono::Duration::days(30);
    let mut made = Vec::new();
    for (kind, due, title) in [
        (
            "account_paid_until_soon",
            soon,
            format!(
                "The {} account {} is paid by {who} until {until}: arrange who pays from then, or move it",
                a.service, a.url
            ),
        ),
        (
            "account_paid_until",
            until,
            format!(
                "The {} account {} is paid by {who} only until {until}: once someone pays from then, mark this done",
                a.service, a.url
            ),
        ),
    ] {
        let t = crate::register::tasks::set_task(
            c,
            kind,
            &a.id,
            &title,
            "an account that lapses takes the community's website or group with it",
            &due.to_string(),
            &fmt_ts(c.now),
        )?;
        made.push(t);
    }
    Ok(made)
}

/// Why an account's recovery details still lead to the outgoing controller: a recovery email on
/// the domain of its contact address, or the email or phone of someone holding a facilitator
/// role (its staff). Each is a reason the `recovery` rotation step matters; empty when neither.
pub fn recovery_on_outgoing(db: &crate::register::Db, a: &crate::register::accounts::Account) -> Result<Vec<String>> {
    let own = crate::register::catalogue::self_controller(db)?;
    let domain = |e: &str| crate::domain::model::normalise_email(e).rsplit_once('@').map(|(_, d)| d.to_string());
    let mut why = Vec::new();
    let email = a.recovery_email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if let (Some(e), Some(own_domain)) = (email, own.contact.as_deref().and_then(domain))
        && domain(e).is_some_and(|d| d == own_domain || d.ends_with(&format!(".{own_domain}")))
    {
        why.push(format!(
            "account {}: its recovery email is on {}'s domain ({own_domain}); the incoming group must change it (rotation step recovery)",
            a.id, own.name
        ));
    }
    // A phone number as its digits, the UK's +44 or 0044 read as the leading 0.
    let digits = |s: &str| {
        let d: String = s.chars().filter(char::is_ascii_digit).collect();
        match d.strip_prefix("0044").or_else(|| d.strip_prefix("44").filter(|_| s.trim_start().starts_with('+'))) {
            Some(rest) => format!("0{rest}"),
            None => d,
        }
    };
    let phone = a.recovery_phone.as_deref().map(digits).filter(|p| p.len() >= 6);
    let staff: std::collections::BTreeSet<crate::domain::model::PersonId> = crate::register::people::roles(db, None)?
        .into_iter()
        .filter(|r| r.role == RoleKind::Facilitator && r.to.is_none())
        .map(|r| r.person_id)
        .collect();
    for pid in staff {
        let Some(p) = crate::register::people::person(db, pid.as_str())? else { continue };
        let same_email =
            email.is_some_and(|e| p.email_norm.as_deref() == Some(crate::domain::model::normalise_email(e).as_str()));
        let same_phone = phone.is_some() && p.phone.as_deref().map(digits) == phone;
        if same_email || same_phone {
            let what = if same_email { "recovery email" } else { "recovery phone" };
            why.push(format!(
                "account {}: its {what} belongs to {}'s facilitator {}; the incoming group must change it (rotation step recovery)",
                a.id, own.name, p.reference
            ));
        }
    }
    Ok(why)
}

/// The fields a transfer can carry (the register entry's and the mailing list's) that an edit
/// changed, with their new values.
fn carried_changes(
    c: &Change<'_>,
    before: &Person,
    after: &Person,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut carried: Vec<String> = Vec::new();
    for code in ["disclose_to_successor", "successor_newsletter"] {
        if let Some(p) = crate::register::catalogue::purpose(c, code)? {
            carried.extend(p.fields);
        }
    }
    let (old, new) = (
        crate::domain::people::RawPerson::of(&before.reference, &before.details),
        crate::domain::people::RawPerson::of(&after.reference, &after.details),
    );
    Ok(crate::domain::people::COLUMNS
        .iter()
        .filter(|col| carried.iter().any(|f| f == *col) && old.get(col) != new.get(col))
        .map(|col| ((*col).to_string(), serde_json::Value::String(new.get(col).to_string())))
        .collect())
}

/// The people a bundle brought into this register who have not been sent a privacy notice since
/// it came (Art 14): everyone it added (their source names the bundle), not erased, with no
/// notice logged as sent at or after the import.
pub fn art14_outstanding(conn: &crate::register::Db, bundle_id: &str) -> Result<Vec<Person>> {
    let since = crate::register::tasks::tasks(conn, true)?
        .into_iter()
        .filter(|t| t.kind == "art14_notice" && t.subject == bundle_id)
        .map(|t| t.created_at)
        .min();
    let Some(since) = since else {
        return Err(crate::base::error::Error::NotFound { kind: "received bundle", id: bundle_id.to_string() });
    };
    let prefix = format!("bundle {bundle_id} ");
    let sent: std::collections::HashSet<String> = evidence::notices_sent(conn, None)?
        .into_iter()
        .filter(|n| n.sent_at >= since)
        .map(|n| n.person_id.to_string())
        .collect();
    Ok(people::people(conn)?
        .into_iter()
        .filter(|p| p.erased_at.is_none())
        .filter(|p| p.source.as_deref().is_some_and(|s| s.starts_with(&prefix)))
        .filter(|p| !sent.contains(p.id.as_str()))
        .collect())
}

/// Close each open Art 14 task whose bundle's people have all been sent a notice since; returns
/// the tasks closed.
pub fn close_covered_art14(c: &Change<'_>) -> Result<Vec<String>> {
    let mut closed = Vec::new();
    for t in crate::register::tasks::tasks(c, false)?.into_iter().filter(|t| t.kind == "art14_notice") {
        if art14_outstanding(c, &t.subject)?.is_empty() {
            crate::register::tasks::finish_task(c, &t.id, &crate::domain::model::fmt_ts(c.now), c.actor)?;
            c.audit("tasks.done", &t.id, serde_json::json!({ "kind": t.kind, "by": "notice send log" }))?;
            closed.push(t.id.to_string());
        }
    }
    Ok(closed)
}
