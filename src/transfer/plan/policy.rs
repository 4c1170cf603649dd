//! The policy the rules decide with, for a receiver on a date, and everyone's facts with it.

use super::*;
use crate::base::error::{Error, Result};
use crate::register::{catalogue, people};

/// The receiving controller named `slug` (never this register's own), this register's own, and
/// the policy the rules decide with for it at the end of `date` (London).
pub(super) fn sides(
    conn: &crate::register::Db,
    slug: &str,
    date: NaiveDate,
    purposes: &[catalogue::Purpose],
) -> Result<(catalogue::Controller, catalogue::Controller, Policy)> {
    let own = catalogue::self_controller(conn)?;
    let receiver = catalogue::controller(conn, slug)?
        .ok_or_else(|| Error::NotFound { kind: "controller", id: slug.to_string() })?;
    if receiver.is_self {
        return Err(Error::bad("--to", "that is this register's own controller: name the receiving controller"));
    }
    let at = crate::domain::deadline::end_of_day_london(date);
    let window: i64 = setting(conn, "objection_window_days")?.and_then(|s| s.parse().ok()).unwrap_or(28);
    let refresh = purposes.iter().map(|p| (p.code.clone(), p.refresh_months)).collect();
    let policy =
        Policy { receiver: receiver.slug.clone(), own: own.slug.clone(), at, objection_window_days: window, refresh };
    Ok((own, receiver, policy))
}

/// Everyone, what the rules read about each (by person id), and the policy for the receiver
/// `slug` on `date`: a campaign asks with the same facts the plan decides with.
pub fn people_facts(
    conn: &crate::register::Db,
    slug: &str,
    date: NaiveDate,
) -> Result<(Vec<people::Person>, HashMap<String, rules::PersonFacts>, Policy)> {
    let purposes = catalogue::purposes(conn)?;
    let (_, _, policy) = sides(conn, slug, date, &purposes)?;
    let people = people::people(conn)?;
    let facts = facts(conn, &people)?.of;
    Ok((people, facts, policy))
}
