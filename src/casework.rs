//! The data protection lead's casework: complaints and incidents, with the tasks their deadlines
//! create and close. The commands check the input and write the audit entry; these functions keep
//! the records and their tasks in step, inside the caller's change.

use chrono::NaiveDate;

use crate::error::Result;
use crate::model::{fmt_ts, new_id};
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
    let due = crate::deadline::complaint_ack_due(received).to_string();
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
    g::insert_incident(c, n)?;
    if n.ico == "undecided" {
        let due = crate::deadline::breach_report_due(n.discovered_at);
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
