//! A person's consent status, purpose by purpose and controller by controller, derived from their
//! events (what `person show` and `consent history` print).

use serde::Serialize;

use crate::base::error::Result;
use crate::domain::model::fmt_ts;
use crate::register::{catalogue, evidence, people};

/// Status of one purpose for one controller.
#[derive(Debug, Clone, Serialize)]
pub struct StatusLine {
    pub purpose: String,
    pub controller: String,
    pub status: String,
    pub since: Option<String>,
    pub review_due: Option<String>,
}

/// Derived consent status for every purpose and controller a person's events mention.
pub fn status_lines(
    conn: &crate::register::Db,
    person_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<StatusLine>> {
    if people::person(conn, person_id)?.is_some_and(|p| p.erased_at.is_some()) {
        // An erased person has no live status: the events stay only as non-identifying history.
        return Ok(Vec::new());
    }
    let events = evidence::consents(conn, Some(person_id), None)?;
    let objections: Vec<evidence::BasisEvent> = evidence::bases(conn, Some(person_id))?
        .into_iter()
        .filter(|b| b.action == crate::domain::model::BasisAction::Object)
        .collect();
    let controllers: Vec<String> = catalogue::controllers(conn)?.into_iter().map(|c| c.slug).collect();
    let mut purposes: Vec<String> = events.iter().map(|e| e.event.purpose.clone()).collect();
    purposes.dedup();
    purposes.sort();
    purposes.dedup();
    let mut out = Vec::new();
    for purpose in purposes {
        let refresh = catalogue::purpose(conn, &purpose)?.and_then(|p| p.refresh_months);
        let evs: Vec<_> = events.iter().filter(|e| e.event.purpose == purpose).collect();
        let views: Vec<_> = evs.iter().map(|e| e.view()).collect();
        let own = catalogue::self_controller(conn)?.slug;
        for ctl in &controllers {
            let mentioned = evs.iter().any(|e| e.event.controllers.contains(ctl));
            let all_withdrawn = ctl == &own && evs.iter().all(|e| e.event.controllers.is_empty());
            if !mentioned && !all_withdrawn {
                continue;
            }
            let st = crate::domain::consent::status(&views, ctl, refresh, now);
            let deciding = views
                .iter()
                .filter(|v| {
                    v.at <= now
                        && (v.controllers.is_empty() && v.action != crate::domain::model::ConsentAction::Grant
                            || v.controllers.contains(ctl))
                })
                .max_by_key(|v| v.at);
            // A consent in force with a newer objection (Art 21) to the same use, naming this
            // controller or nobody: the person's last word is the objection.
            let objected = objections
                .iter()
                .filter(|b| {
                    b.purpose == purpose
                        && (b.controllers.is_empty() || b.controllers.contains(ctl))
                        && crate::domain::model::parse_timestamp(&b.decided_at).is_some_and(|t| t <= now)
                })
                .filter_map(|b| crate::domain::model::parse_timestamp(&b.decided_at))
                .max()
                .filter(|t| st == crate::domain::consent::Status::Granted && deciding.is_some_and(|d| *t > d.at));
            if let Some(t) = objected {
                out.push(StatusLine {
                    purpose: purpose.clone(),
                    controller: ctl.clone(),
                    status: "objected".into(),
                    since: Some(fmt_ts(t)),
                    review_due: None,
                });
                continue;
            }
            let review_due = match (st, deciding) {
                (crate::domain::consent::Status::Granted, Some(d)) => {
                    crate::domain::consent::expiry(d.at, refresh).map(fmt_ts)
                }
                _ => None,
            };
            out.push(StatusLine {
                purpose: purpose.clone(),
                controller: ctl.clone(),
                status: st.as_str().into(),
                since: deciding.map(|d| fmt_ts(d.at)),
                review_due,
            });
        }
    }
    Ok(out)
}
