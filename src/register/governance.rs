//! The data protection lead's records: rights requests with their clocks, complaints, incidents,
//! assessments, and bank holidays added to the built-in table.

use super::{Change, Db};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::base::error::{Error, Result};
use crate::domain::deadline::{Calendar, Clock};
use crate::domain::model::RequestState;

/// A rights request.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub id: String,
    pub kind: String,
    pub person_id: Option<String>,
    pub received_on: String,
    pub channel: Option<String>,
    pub state: RequestState,
    pub deadline: Option<String>,
    pub outcome: Option<String>,
    pub closed_on: Option<String>,
    pub created_at: String,
    pub events: Vec<RequestEvent>,
}

/// One event on a request's clock.
#[derive(Debug, Clone, Serialize)]
pub struct RequestEvent {
    pub event: String,
    pub on_date: String,
    pub note: Option<String>,
    pub recorded_at: String,
}

fn request_row(r: &Row<'_>) -> rusqlite::Result<Request> {
    Ok(Request {
        id: r.get(0)?,
        kind: r.get(1)?,
        person_id: r.get(2)?,
        received_on: r.get(3)?,
        channel: r.get(4)?,
        state: super::code_cell(r, 5)?,
        deadline: r.get(6)?,
        outcome: r.get(7)?,
        closed_on: r.get(8)?,
        created_at: r.get(9)?,
        events: Vec::new(),
    })
}

const REQUEST_COLS: &str = "id, kind, person_id, received_on, channel, state, deadline, outcome, closed_on, created_at";

fn events(conn: &Db, id: &str) -> Result<Vec<RequestEvent>> {
    let mut st =
        conn.prepare("SELECT event, on_date, note, recorded_at FROM request_events WHERE request_id = ?1 ORDER BY id")?;
    let rows = st.query_map([id], |r| {
        Ok(RequestEvent { event: r.get(0)?, on_date: r.get(1)?, note: r.get(2)?, recorded_at: r.get(3)? })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// One request with its events.
pub fn request(conn: &Db, id: &str) -> Result<Request> {
    let mut r = conn
        .query_row(&format!("SELECT {REQUEST_COLS} FROM requests WHERE id = ?1"), [id], request_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { kind: "request", id: id.to_string() })?;
    r.events = events(conn, id)?;
    Ok(r)
}

/// All requests, open ones first by deadline.
pub fn requests(conn: &Db) -> Result<Vec<Request>> {
    let mut st = conn.prepare(&format!(
        "SELECT {REQUEST_COLS} FROM requests ORDER BY state = 'closed', deadline IS NULL, deadline, received_on, id"
    ))?;
    let mut list = st.query_map([], request_row)?.collect::<Result<Vec<_>, _>>()?;
    for r in &mut list {
        r.events = events(conn, &r.id)?;
    }
    Ok(list)
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The clock a request's events leave, and its state.
pub fn clock(events: &[RequestEvent]) -> (Clock, RequestState) {
    let mut c = Clock { started: None, paused_days: 0, paused_since: None, extended: false };
    let mut state = RequestState::Open;
    for e in events {
        let on = date(&e.on_date);
        match e.event.as_str() {
            "opened" => {
                c.started = on;
                state = RequestState::Open;
            }
            "opened_awaiting_identity" => state = RequestState::AwaitingIdentity,
            "identity_received" => {
                c.started = on;
                state = RequestState::Open;
            }
            "paused" => {
                c.paused_since = on;
                state = RequestState::Paused;
            }
            "resumed" => {
                if let (Some(p), Some(r)) = (c.paused_since.take(), on) {
                    c.paused_days += (r - p).num_days().max(0);
                }
                state = if c.extended { RequestState::Extended } else { RequestState::Open };
            }
            "extended" => {
                c.extended = true;
                if state == RequestState::Open {
                    state = RequestState::Extended;
                }
            }
            "closed" => state = RequestState::Closed,
            _ => {}
        }
    }
    (c, state)
}

/// Append an event and bring the request's state, deadline and task up to date.
pub fn add_event(
    c: &super::Change<'_>,
    id: &str,
    event: &str,
    on: NaiveDate,
    note: Option<&str>,
    cal: &Calendar,
) -> Result<Request> {
    c.execute(
        "INSERT INTO request_events(request_id, event, on_date, note, recorded_at) VALUES (?1,?2,?3,?4,?5)",
        params![id, event, on.to_string(), note, crate::domain::model::fmt_ts(c.now)],
    )?;
    let r = request(c, id)?;
    let (clock, state) = clock(&r.events);
    let deadline = clock.deadline(cal, c.now.date_naive()).map(|d| d.to_string());
    c.execute("UPDATE requests SET state = ?2, deadline = ?3 WHERE id = ?1", params![id, state.as_str(), deadline])?;
    let now = crate::domain::model::fmt_ts(c.now);
    if state == RequestState::Closed {
        super::tasks::finish_open(c, "request_deadline", id, &now, c.actor)?;
    } else if let Some(d) = &deadline {
        let paused = if state == RequestState::Paused {
            " (paused: the date moves on each day until clarification arrives)"
        } else {
            ""
        };
        super::tasks::set_task(
            c,
            "request_deadline",
            id,
            &format!("Answer the {} request {id}{paused}", r.kind),
            "Art 12(3): without undue delay and within one month of receipt (R19)",
            d,
            &now,
        )?;
    }
    request(c, id)
}

/// A request as it arrives.
pub struct NewRequest<'a> {
    pub kind: &'a str,
    pub person_id: Option<&'a str>,
    pub received: NaiveDate,
    pub channel: Option<&'a str>,
    pub awaiting_identity: bool,
    pub note: Option<&'a str>,
}

/// Open a request.
pub fn open_request(c: &super::Change<'_>, n: &NewRequest<'_>, cal: &Calendar) -> Result<Request> {
    let id = crate::domain::model::new_id("req");
    c.execute(
        "INSERT INTO requests(id, kind, person_id, received_on, channel, state, created_at) VALUES (?1,?2,?3,?4,?5,'open',?6)",
        params![id, n.kind, n.person_id, n.received.to_string(), n.channel, crate::domain::model::fmt_ts(c.now)],
    )?;
    let event = if n.awaiting_identity { "opened_awaiting_identity" } else { "opened" };
    add_event(c, &id, event, n.received, n.note, cal)
}

/// Bank holidays added to the register.
pub fn added_holidays(conn: &Db) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare("SELECT on_date, name FROM bank_holidays ORDER BY on_date")?;
    Ok(st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?)
}

/// The calendar: the built-in table and the added days.
pub fn calendar(conn: &Db) -> Result<Calendar> {
    Ok(Calendar::new(added_holidays(conn)?.iter().filter_map(|(d, _)| date(d))))
}

/// A complaint about how personal data was handled.
#[derive(Debug, Clone, Serialize)]
pub struct Complaint {
    pub id: String,
    pub received_on: String,
    pub person_id: Option<String>,
    pub summary: String,
    pub ack_due: String,
    pub acked_on: Option<String>,
    pub outcome: Option<String>,
    pub closed_on: Option<String>,
    pub created_at: String,
}

/// All complaints, open ones first.
pub fn complaints(conn: &Db) -> Result<Vec<Complaint>> {
    let mut st = conn.prepare(
        "SELECT id, received_on, person_id, summary, ack_due, acked_on, outcome, closed_on, created_at FROM complaints
         ORDER BY closed_on IS NOT NULL, ack_due, id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Complaint {
            id: r.get(0)?,
            received_on: r.get(1)?,
            person_id: r.get(2)?,
            summary: r.get(3)?,
            ack_due: r.get(4)?,
            acked_on: r.get(5)?,
            outcome: r.get(6)?,
            closed_on: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// One complaint.
pub fn complaint(conn: &Db, id: &str) -> Result<Complaint> {
    complaints(conn)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::NotFound { kind: "complaint", id: id.into() })
}

/// A personal data breach or other incident.
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub id: String,
    pub what: String,
    pub occurred_at: Option<String>,
    pub discovered_at: String,
    pub data: Vec<String>,
    pub people: i64,
    pub ico: String,
    pub ico_reported_at: Option<String>,
    pub ico_reason: Option<String>,
    /// The 72-hour mark after discovery.
    pub report_due: String,
    /// Reported within 72 hours of discovery (null while undecided or not reported).
    pub reported_in_time: Option<bool>,
    pub people_told: Option<String>,
    pub notes: Option<String>,
    pub created_at: String,
    /// When its handling was closed.
    pub closed_at: Option<String>,
    /// Every change since it was recorded, oldest first: field, old and new value, when, by whom.
    pub events: Vec<IncidentEvent>,
}

/// One change to an incident.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentEvent {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub at: String,
    pub by: String,
}

/// Record one change to an incident (append-only).
pub fn insert_incident_event(c: &Change<'_>, id: &str, e: &IncidentEvent) -> Result<()> {
    c.prepare_cached("INSERT INTO incident_events(incident_id, field, old, new, at, by) VALUES (?1,?2,?3,?4,?5,?6)")?
        .execute(params![id, e.field, e.old, e.new, e.at, e.by])?;
    Ok(())
}

fn incident_events(conn: &Db, id: &str) -> Result<Vec<IncidentEvent>> {
    let mut st =
        conn.prepare_cached("SELECT field, old, new, at, by FROM incident_events WHERE incident_id = ?1 ORDER BY id")?;
    Ok(st
        .query_map([id], |r| {
            Ok(IncidentEvent { field: r.get(0)?, old: r.get(1)?, new: r.get(2)?, at: r.get(3)?, by: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// All incidents, newest first.
pub fn incidents(conn: &Db) -> Result<Vec<Incident>> {
    let mut st = conn.prepare(
        "SELECT id, what, occurred_at, discovered_at, data, people, ico, ico_reported_at, ico_reason, people_told, notes, created_at, closed_at
         FROM incidents ORDER BY discovered_at DESC, id",
    )?;
    let rows = st.query_map([], |r| {
        let data: String = r.get(4)?;
        let discovered: String = r.get(3)?;
        let reported: Option<String> = r.get(7)?;
        let due = crate::domain::model::parse_timestamp(&discovered).map(crate::domain::deadline::breach_report_due);
        Ok(Incident {
            id: r.get(0)?,
            what: r.get(1)?,
            occurred_at: r.get(2)?,
            report_due: due.map(crate::domain::model::fmt_ts).unwrap_or_default(),
            reported_in_time: reported
                .as_deref()
                .and_then(crate::domain::model::parse_timestamp)
                .zip(due)
                .map(|(at, due)| at <= due),
            discovered_at: discovered,
            data: serde_json::from_str(&data).unwrap_or_default(),
            people: r.get(5)?,
            ico: r.get(6)?,
            ico_reported_at: reported,
            ico_reason: r.get(8)?,
            people_told: r.get(9)?,
            notes: r.get(10)?,
            created_at: r.get(11)?,
            closed_at: r.get(12)?,
            events: Vec::new(),
        })
    })?;
    let mut out = rows.collect::<Result<Vec<_>, _>>()?;
    for i in &mut out {
        i.events = incident_events(conn, &i.id)?;
    }
    Ok(out)
}

/// A registered assessment (LIA, DPIA or APD).
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub reference: String,
    pub version: String,
    pub kind: String,
    pub approver: String,
    pub file_name: String,
    pub sha256: String,
    pub approved_on: String,
    pub created_at: String,
}

/// All assessments.
pub fn assessments(conn: &Db) -> Result<Vec<Assessment>> {
    let mut st = conn.prepare(
        "SELECT ref, version, kind, approver, file_name, sha256, approved_on, created_at FROM assessments ORDER BY ref, version",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Assessment {
            reference: r.get(0)?,
            version: r.get(1)?,
            kind: r.get(2)?,
            approver: r.get(3)?,
            file_name: r.get(4)?,
            sha256: r.get(5)?,
            approved_on: r.get(6)?,
            created_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Whether an assessment reference is registered (any version).
/// The kinds of the assessments registered under a reference (one per version registered).
pub fn assessment_kinds(conn: &Db, reference: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached("SELECT DISTINCT kind FROM assessments WHERE ref = ?1")?;
    Ok(st.query_map([reference], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
}

/// The day an assessment was first approved (its earliest registered version), if registered.
pub fn assessment_approved_on(conn: &Db, reference: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT MIN(approved_on) FROM assessments WHERE ref = ?1")?
        .query_row([reference], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Whether an assessment with this reference is registered.
pub fn assessment_exists(conn: &Db, reference: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM assessments WHERE ref = ?1", [reference], |_| Ok(())).optional()?.is_some())
}

/// Record a request's outcome and the day it closed (the `closed` event is added beside it).
pub fn close_request(c: &Change<'_>, id: &str, outcome: &str, on: &str) -> Result<()> {
    c.execute("UPDATE requests SET outcome = ?2, closed_on = ?3 WHERE id = ?1", params![id, outcome, on])?;
    Ok(())
}

/// Add (or rename) bank holidays: (date, name).
pub fn add_holidays(c: &Change<'_>, days: &[(String, String)]) -> Result<()> {
    for (d, n) in days {
        c.execute("INSERT OR REPLACE INTO bank_holidays(on_date, name) VALUES (?1, ?2)", params![d, n])?;
    }
    Ok(())
}

/// Record a new complaint.
pub fn insert_complaint(
    c: &Change<'_>,
    id: &str,
    received_on: &str,
    person_id: Option<&str>,
    summary: &str,
    ack_due: &str,
) -> Result<()> {
    c.execute(
        "INSERT INTO complaints(id, received_on, person_id, summary, ack_due, created_at) VALUES (?1,?2,?3,?4,?5,?6)",
        params![id, received_on, person_id, summary, ack_due, crate::domain::model::fmt_ts(c.now)],
    )?;
    Ok(())
}

/// Record the day a complaint was acknowledged.
pub fn ack_complaint(c: &Change<'_>, id: &str, on: &str) -> Result<()> {
    c.execute("UPDATE complaints SET acked_on = ?2 WHERE id = ?1", params![id, on])?;
    Ok(())
}

/// Close a complaint (acknowledging it on the same day if it was not yet).
pub fn close_complaint(c: &Change<'_>, id: &str, on: &str, outcome: &str) -> Result<()> {
    c.execute(
        "UPDATE complaints SET closed_on = ?2, outcome = ?3, acked_on = COALESCE(acked_on, ?2) WHERE id = ?1",
        params![id, on, outcome],
    )?;
    Ok(())
}

/// A new incident, as `incident record` takes it.
pub struct NewIncident<'a> {
    pub id: &'a str,
    pub what: &'a str,
    pub occurred_at: Option<&'a str>,
    pub discovered_at: chrono::DateTime<chrono::Utc>,
    pub data: &'a [String],
    pub people: i64,
    pub ico: &'a str,
    pub ico_reported_at: Option<chrono::DateTime<chrono::Utc>>,
    pub ico_reason: Option<&'a str>,
    pub people_told: Option<&'a str>,
    pub notes: Option<&'a str>,
}

/// What an update to an incident sets (a field left `None` stays as it was).
#[derive(Debug, Default)]
pub struct IncidentUpdate<'a> {
    pub ico: Option<&'a str>,
    pub ico_reported_at: Option<DateTime<Utc>>,
    pub ico_reason: Option<&'a str>,
    pub people_told: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Update an incident.
pub fn update_incident(c: &Change<'_>, id: &str, u: &IncidentUpdate<'_>) -> Result<()> {
    c.prepare_cached(
        "UPDATE incidents SET ico = COALESCE(?2, ico), ico_reported_at = COALESCE(?3, ico_reported_at),
            ico_reason = COALESCE(?4, ico_reason), people_told = COALESCE(?5, people_told),
            notes = COALESCE(?6, notes), closed_at = COALESCE(?7, closed_at) WHERE id = ?1",
    )?
    .execute(params![
        id,
        u.ico,
        u.ico_reported_at.map(crate::domain::model::fmt_ts),
        u.ico_reason,
        u.people_told,
        u.notes,
        u.closed_at.map(crate::domain::model::fmt_ts)
    ])?;
    Ok(())
}

/// Record a new incident.
pub fn insert_incident(c: &Change<'_>, n: &NewIncident<'_>) -> Result<()> {
    use crate::domain::model::fmt_ts;
    c.execute(
        "INSERT INTO incidents(id, what, occurred_at, discovered_at, data, people, ico, ico_reported_at, ico_reason, people_told, notes, created_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
        params![
            n.id,
            n.what,
            n.occurred_at,
            fmt_ts(n.discovered_at),
            serde_json::to_string(n.data).unwrap_or_default(),
            n.people,
            n.ico,
            n.ico_reported_at.map(fmt_ts),
            n.ico_reason,
            n.people_told,
            n.notes,
            fmt_ts(c.now)
        ],
    )?;
    Ok(())
}

/// Register an assessment.
pub fn insert_assessment(c: &Change<'_>, a: &Assessment) -> Result<()> {
    c.execute(
        "INSERT INTO assessments(ref, version, kind, approver, file_name, sha256, approved_on, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
        params![a.reference, a.version, a.kind, a.approver, a.file_name, a.sha256, a.approved_on, a.created_at],
    )?;
    Ok(())
}
