//! The register's own mailing list (a receiving group's newsletter), decided by the same rules as
//! the list a bundle carries, with who is left off for a reason the group can resolve.

use chrono::{DateTime, Utc};

use super::facts::facts;
use super::{Evidence, Facts, Policy};
use crate::base::error::Result;
use crate::register::{catalogue, people};
use crate::transfer::rules;

/// People left off the register's own mailing list for a reason the group can resolve:
/// (reference, reason code).
pub type LeftOut = Vec<(String, &'static str)>;

/// The reasons a person whose consent is in force is still left off the list: something only the
/// group can resolve (and how).
pub const LEFT_OUT_FIXABLE: &[(&str, &str)] = &[
    ("adult_not_confirmed", "not confirmed as an adult: person edit REF --adult-confirmed yes, once checked"),
    (
        "jurisdiction_review",
        "not known to live in England or Wales: person edit REF --jurisdiction england_wales, once checked",
    ),
    ("capacity_query", "a capacity concern to review: review record"),
    ("statement_unrecorded", "the statement's controllers are not recorded: statement controllers"),
    ("no_email", "no usable email address"),
];

/// The register's own mailing list at `now`: everyone whose consent to the register's own
/// controller for its newsletter (`successor_newsletter`) is in force, with no objection to direct
/// marketing or suppression since, and an address a mail tool takes; each with the evidence of
/// that consent. The same rules decide it as decide the mailing list a bundle carries. With it,
/// the people whose consent is in force but who are left off for a reason the group can resolve:
/// (reference, reason code).
pub fn own_mailing_list_with_left_out(
    conn: &crate::register::Db,
    now: DateTime<Utc>,
) -> Result<(Vec<(people::Person, Evidence)>, LeftOut)> {
    let own = catalogue::self_controller(conn)?;
    let purposes = catalogue::purposes(conn)?;
    let refresh = purposes.iter().map(|p| (p.code.clone(), p.refresh_months)).collect();
    let policy =
        Policy { receiver: own.slug.clone(), own: own.slug.clone(), at: now, objection_window_days: 0, refresh };
    let people = people::people(conn)?;
    let Facts { of, evidence, .. } = facts(conn, &people)?;
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    for p in people {
        let Some(f) = of.get(p.id.as_str()) else { continue };
        let d = rules::decide(f, &policy).mailing_list;
        if !d.included {
            // Only someone whose yes is in force, held off for a reason the group can resolve.
            let (status, _) = rules::consent_for(f, "successor_newsletter", &policy.receiver, &policy);
            if status == crate::domain::consent::Status::Granted
                && let Some((code, _)) = LEFT_OUT_FIXABLE.iter().find(|(c, _)| *c == d.reason)
            {
                left_out.push((p.reference.clone(), *code));
            }
            continue;
        }
        if let Some(e) = d.consent_id.as_ref().and_then(|id| evidence.get(id)) {
            let e = e.clone();
            out.push((p, e));
        }
    }
    Ok((out, left_out))
}
