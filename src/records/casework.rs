//! The data protection lead's casework: complaints and incidents, with the tasks their deadlines
//! create and close. The commands check the input and write the audit entry; these functions keep
//! the records and their tasks in step, inside the caller's change.

use chrono::NaiveDate;

use crate::base::error::Result;
use crate::domain::model::{fmt_ts, new_id};
use crate::register::governance::{self as g, NewIncident};
use crate::register::{Change, tasks};

/// Open a complaint received on `received` and the task to acknowledge it within 30 days.
/// Returns the complaint's id and the acknowledgement's due date.
pub fn open_complaint(
    c: &Change<'_>,
    received: NaiveDate,
    person_id: Option<&str>,
    summary: &str,
) -> Result<(String, String)> {
    let id = new_id("cmp");
    let due = crate::domain::deadline::complaint_ack_due(received).to_string();
    g::insert_complaint(c, &id, &received.to_string(), person_id, summary, &due)?;
    tasks::set_task(
        c,
        "complaint_ack",
        &id,
        &format!("Acknowledge complaint {id}"),
        "complaints: acknowledge receipt within 30 days (from 19 June 2026)",
        &due,
        &fmt_ts(c.now),
    )?;
    Ok((id, due))
}

/// Record a complaint's acknowledgement and close its task.
pub fn ack_complaint(c: &Change<'_>, id: &str, on: NaiveDate) -> Result<()> {
    g::ack_complaint(c, id, &on.to_string())?;
    tasks::finish_open(c, "complaint_ack", id, &fmt_ts(c.now), c.actor)?;
    Ok(())
}

/// Close a complaint (an unacknowledged one counts as acknowledged that day) and its task.
pub fn close_complaint(c: &Change<'_>, id: &str, on: NaiveDate, outcome: &str) -> Result<()> {
    g::close_complaint(c, id, &on.to_string(), outcome)?;
    tasks::finish_open(c, "complaint_ack", id, &fmt_ts(c.now), c.actor)?;
    Ok(())
}

/// Record an incident; while the decision to report it to the ICO is `undecided`, a task keeps
/// the 72-hour mark (Art 33) in view.
pub fn record_incident(c: &Change<'_>, n: &NewIncident<'_>) -> Result<()> {
    if let Some(r) = n.ico_reported_at
        && r < n.discovered_at
    {
        return Err(crate::base::error::Error::bad(
            "--reported-at",
            "is before the breach was discovered: a report comes after discovery (check both times)",
        ));
    }
    g::insert_incident(c, n)?;
    if n.ico == "undecided" {
        let due = crate::domain::deadline::breach_report_due(n.discovered_at);
        tasks::set_task(
            c,
            "breach_report",
            n.id,
            &format!(
                "Decide whether incident {} is reported to the ICO (72 hours from discovery: {})",
                n.id,
                fmt_ts(due)
            ),
            "Art 33: report without undue delay and, where feasible, within 72 hours",
            &due.date_naive().to_string(),
            &fmt_ts(c.now),
        )?;
    }
    Ok(())
}

/// Update an incident: the decision about reporting it to the ICO (which closes the 72-hour task;
/// only a decision does), who was told, notes, and closing it (only once the decision is made).
pub fn update_incident(c: &Change<'_>, id: &str, u: &g::IncidentUpdate<'_>) -> Result<g::Incident> {
    let inc = g::incidents(c)?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| crate::base::error::Error::NotFound { kind: "incident", id: id.to_string() })?;
    if inc.closed_at.is_some() {
        return Err(crate::base::error::Error::bad(
            "ID",
            format!("incident {id} is closed; record a new incident for anything new"),
        ));
    }
    // A report to the ICO is final: never back to "not reported", its time never moved.
    if inc.ico == "reported" {
        if u.ico.is_some_and(|i| i != "reported") {
            return Err(crate::base::error::Error::bad(
                "--ico",
                format!(
                    "incident {id} was reported to the ICO on {}: a report to the ICO is final; record anything the ICO told you with --reason or --notes",
                    inc.ico_reported_at.as_deref().unwrap_or("-")
                ),
            ));
        }
        if let Some(r) = u.ico_reported_at
            && Some(fmt_ts(r)) != inc.ico_reported_at
        {
            return Err(crate::base::error::Error::bad(
                "--reported-at",
                format!(
                    "incident {id} was reported at {}: the time of a report is final",
                    inc.ico_reported_at.as_deref().unwrap_or("-")
                ),
            ));
        }
    }
    if let (Some(r), Some(d)) = (u.ico_reported_at, crate::domain::model::parse_timestamp(&inc.discovered_at))
        && r < d
    {
        return Err(crate::base::error::Error::bad(
            "--reported-at",
            format!("is before the breach was discovered ({}): a report comes after discovery", inc.discovered_at),
        ));
    }
    let ico = u.ico.unwrap_or(&inc.ico);
    if ico == "reported" && u.ico_reported_at.is_none() && inc.ico_reported_at.is_none() {
        return Err(crate::base::error::Error::bad("--reported-at", "say when it was reported to the ICO"));
    }
    if ico == "not_reported" && u.ico_reason.or(inc.ico_reason.as_deref()).is_none_or(|r| r.trim().is_empty()) {
        return Err(crate::base::error::Error::bad(
            "--reason",
            "record why it was not reported (Art 33(5): every breach and every decision not to report is documented)",
        ));
    }
    if u.closed_at.is_some() && ico == "undecided" {
        return Err(crate::base::error::Error::bad(
            "--close",
            "decide first whether it is reported to the ICO (--ico reported or not_reported)",
        ));
    }
    // Every change kept as an event, with the old and new values.
    let changes: [(&str, Option<String>, Option<String>); 6] = [
        ("ico", Some(inc.ico.clone()), u.ico.map(str::to_string)),
        ("ico_reported_at", inc.ico_reported_at.clone(), u.ico_reported_at.map(fmt_ts)),
        ("ico_reason", inc.ico_reason.clone(), u.ico_reason.map(str::to_string)),
        ("people_told", inc.people_told.clone(), u.people_told.map(str::to_string)),
        ("notes", inc.notes.clone(), u.notes.map(str::to_string)),
        ("closed_at", inc.closed_at.clone(), u.closed_at.map(fmt_ts)),
    ];
    for (field, old, new) in changes {
        if new.is_some() && new != old {
            let e = g::IncidentEvent { field: field.into(), old, new, at: fmt_ts(c.now), by: c.actor.to_string() };
            g::insert_incident_event(c, id, &e)?;
        }
    }
    g::update_incident(c, id, u)?;
    if ico != "undecided" {
        tasks::finish_open(c, "breach_report", id, &fmt_ts(c.now), c.actor)?;
    }
    g::incidents(c)?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| crate::base::error::Error::NotFound { kind: "incident", id: id.to_string() })
}
