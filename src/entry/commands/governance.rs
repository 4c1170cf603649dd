//! `handover request|complaint|incident|assessment ...`: the data protection lead's logs.

use chrono::NaiveDate;

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::model::RequestState;
use crate::domain::model::{fmt_ts, new_id, parse_date, parse_timestamp};
use crate::entry::cli::{AssessmentCmd, ComplaintCmd, IncidentCmd, IncidentFollowUp, RequestCmd};
use crate::entry::output::Outcome;
use crate::records::casework;
use crate::register::{
    catalogue,
    governance::{self as g, Request},
    people, tasks,
};

fn not_future(ctx: &Ctx, flag: &str, d: NaiveDate) -> Result<NaiveDate> {
    if d > ctx.now.date_naive() {
        return Err(Error::bad(flag, format!("{d} is in the future: give the day it happened")));
    }
    Ok(d)
}

fn person_id(reg: &crate::register::Register, person: Option<&str>) -> Result<Option<crate::domain::model::PersonId>> {
    match person {
        Some(p) => Ok(Some(people::person_required(reg, p)?.id)),
        None => Ok(None),
    }
}

fn request_text(r: &Request) -> String {
    let mut t = format!(
        "request {} ({}) received {}: {}, deadline {}\n",
        r.id,
        r.kind,
        r.received_on,
        r.state,
        r.deadline.as_deref().unwrap_or("not started (awaiting proof of identity)")
    );
    for e in &r.events {
        t.push_str(&format!(
            "  {} {}{}\n",
            e.on_date,
            e.event,
            e.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
        ));
    }
    t
}

fn open_request(reg: &crate::register::Register, id: &str) -> Result<Request> {
    let r = g::request(reg, id)?;
    if r.state == RequestState::Closed {
        return Err(Error::bad("ID", format!("request {id} is closed ({})", r.outcome.as_deref().unwrap_or(""))));
    }
    Ok(r)
}

/// `request ...`.
pub fn request(ctx: &Ctx, cmd: RequestCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let cal = g::calendar(&reg)?;
    let event = |reg: &mut crate::register::Register, id: &str, ev: &str, on: NaiveDate, note: Option<&str>| {
        reg.change(ctx.now, |c| {
            let r = g::add_event(c, id, ev, on, note, &cal)?;
            c.audit(&format!("request.{ev}"), id, serde_json::json!({ "on": on.to_string(), "deadline": r.deadline }))?;
            Ok(r)
        })
    };
    match cmd {
        RequestCmd::Open { kind, person, received, channel, awaiting_identity, note } => {
            let received = not_future(ctx, "--received", received)?;
            let pid = person_id(&reg, person.as_deref())?;
            let r = reg.change(ctx.now, |c| {
                let n = g::NewRequest {
                    kind: &kind,
                    person_id: pid.as_deref(),
                    received,
                    channel: channel.as_deref(),
                    awaiting_identity,
                    note: note.as_deref(),
                };
                let r = g::open_request(c, &n, &cal)?;
                c.audit("request.open", &r.id, serde_json::json!({ "kind": kind, "person": pid, "received": received.to_string(), "deadline": r.deadline }))?;
                Ok(r)
            })?;
            Ok(Outcome::new("rights_request", r.clone(), request_text(&r)))
        }
        RequestCmd::Pause { id, date, reason } => {
            let r = open_request(&reg, &id)?;
            if r.state == RequestState::Paused || r.state == RequestState::AwaitingIdentity {
                return Err(Error::bad("ID", format!("request {id}'s clock is already stopped ({})", r.state)));
            }
            let on = not_future(ctx, "--date", date)?;
            // A pause starts the day clarification is asked for: not before the clock last
            // (re)started, so pauses never overlap, and not once the request is extended or its
            // first deadline passed (the law's three months are the most a request can take).
            let (clock, _) = g::clock(&r.events);
            if clock.extended {
                return Err(Error::bad(
                    "ID",
                    format!(
                        "request {id} is extended: its three months are the most the law allows, and a clarification asked now does not stop the clock"
                    ),
                ));
            }
            let restarted = r
                .events
                .iter()
                .filter(|e| matches!(e.event.as_str(), "opened" | "identity_received" | "resumed"))
                .filter_map(|e| parse_date(&e.on_date))
                .max();
            if let Some(since) = restarted.filter(|s| on < *s) {
                return Err(Error::bad(
                    "--date",
                    format!(
                        "{on} is before the clock last started, on {since}: a pause starts the day the clarification was asked for, and pauses never overlap"
                    ),
                ));
            }
            if let Some(first) = clock.first_deadline(&cal, on).filter(|f| on > *f) {
                return Err(Error::bad(
                    "--date",
                    format!(
                        "{on} is after the request's deadline ({first}): clarification is asked for within the month, not after it"
                    ),
                ));
            }
            let r = event(&mut reg, &id, "paused", on, Some(&reason))?;
            Ok(Outcome::new("rights_request", r.clone(), request_text(&r)))
        }
        RequestCmd::Resume { id, date } => {
            let r = open_request(&reg, &id)?;
            let ev = match r.state {
                RequestState::AwaitingIdentity => "identity_received",
                RequestState::Paused => "resumed",
                s => return Err(Error::bad("ID", format!("request {id}'s clock is running ({s}): nothing to resume"))),
            };
            let on = not_future(ctx, "--date", date)?;
            // The clock restarts no earlier than it stopped.
            let stopped = r.events.last().and_then(|e| parse_date(&e.on_date)).unwrap_or(on);
            let stopped =
                if ev == "identity_received" { parse_date(&r.received_on).unwrap_or(stopped) } else { stopped };
            if on < stopped {
                return Err(Error::bad(
                    "--date",
                    format!("{on} is before the clock stopped, on {stopped}: give the day the answer arrived"),
                ));
            }
            let r = event(&mut reg, &id, ev, on, None)?;
            Ok(Outcome::new("rights_request", r.clone(), request_text(&r)))
        }
        RequestCmd::Extend { id, notice_sent, reason } => {
            let r = open_request(&reg, &id)?;
            let on = not_future(ctx, "--notice-sent", notice_sent)?;
            let (clock, _) = g::clock(&r.events);
            if clock.extended {
                return Err(Error::bad("ID", format!("request {id} is already extended")));
            }
            let first = clock
                .first_deadline(&cal, on)
                .ok_or_else(|| Error::bad("ID", "the clock has not started (proof of identity awaited)"))?;
            if on > first {
                return Err(Error::bad(
                    "--notice-sent",
                    format!(
                        "the extension notice must be sent before the first deadline ({first}); it can no longer be extended"
                    ),
                ));
            }
            let r = event(&mut reg, &id, "extended", on, Some(&reason))?;
            Ok(Outcome::new("rights_request", r.clone(), request_text(&r)))
        }
        RequestCmd::Close { id, date, outcome } => {
            open_request(&reg, &id)?;
            let on = not_future(ctx, "--date", date)?;
            let r = reg.change(ctx.now, |c| {
                g::close_request(c, &id, &outcome, &on.to_string())?;
                let r = g::add_event(c, &id, "closed", on, Some(&outcome), &cal)?;
                c.audit("request.closed", &id, serde_json::json!({ "on": on.to_string(), "deadline": r.deadline, "in_time": r.deadline.as_deref().is_none_or(|d| on.to_string().as_str() <= d) }))?;
                Ok(r)
            })?;
            Ok(Outcome::new("rights_request", r.clone(), request_text(&r)))
        }
        RequestCmd::List { open } => {
            let today = ctx.now.date_naive().to_string();
            let list: Vec<Request> =
                g::requests(&reg)?.into_iter().filter(|r| !open || r.state != RequestState::Closed).collect();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|r| {
                    let late =
                        r.state != RequestState::Closed && r.deadline.as_deref().is_some_and(|d| d < today.as_str());
                    vec![
                        r.id.clone(),
                        r.kind.clone(),
                        r.received_on.clone(),
                        if late { "OVERDUE".into() } else { r.state.to_string() },
                        r.deadline.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            Ok(Outcome::new(
                "rights_request_list",
                list,
                table(&["ID", "KIND", "RECEIVED", "STATE", "DEADLINE"], &rows),
            ))
        }
        RequestCmd::Show { id } => {
            let r = g::request(&reg, &id)?;
            Ok(Outcome::new("rights_request", r.clone(), request_text(&r)))
        }
        RequestCmd::Holidays { add } => {
            if let Some(file) = add {
                let text = std::fs::read_to_string(&file).map_err(|e| Error::io("read", &file, e))?;
                let mut days = Vec::new();
                for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
                    let (d, name) = line.split_once(',').unwrap_or((line, "bank holiday"));
                    let d = parse_date(d.trim()).ok_or_else(|| {
                        Error::bad(
                            "--add",
                            format!(
                                "{} line {}: '{}' is not a date (YYYY-MM-DD,Name)",
                                file.display(),
                                i + 1,
                                d.trim()
                            ),
                        )
                    })?;
                    days.push((d.to_string(), name.trim().to_string()));
                }
                reg.change(ctx.now, |c| {
                    g::add_holidays(c, &days)?;
                    c.audit("request.holidays", &file.display().to_string(), serde_json::json!({ "added": days.len() }))
                })?;
            }
            let mut all: Vec<(String, String, &str)> = crate::domain::deadline::BANK_HOLIDAYS_EW
                .iter()
                .map(|(d, n)| (d.to_string(), n.to_string(), "built in"))
                .collect();
            all.extend(g::added_holidays(&reg)?.into_iter().map(|(d, n)| (d, n, "added")));
            all.sort();
            let rows: Vec<Vec<String>> =
                all.iter().map(|(d, n, s)| vec![d.clone(), n.clone(), s.to_string()]).collect();
            let data: Vec<serde_json::Value> =
                all.iter().map(|(d, n, s)| serde_json::json!({ "date": d, "name": n, "source": s })).collect();
            Ok(Outcome::new("holidays", data, table(&["DATE", "NAME", "SOURCE"], &rows)))
        }
    }
}

/// `complaint ...`.
pub fn complaint(ctx: &Ctx, cmd: ComplaintCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let text = |c: &g::Complaint| {
        format!(
            "complaint {} received {}: acknowledgement due {}{}{}\n",
            c.id,
            c.received_on,
            c.ack_due,
            c.acked_on.as_deref().map(|d| format!(", acknowledged {d}")).unwrap_or_default(),
            c.closed_on.as_deref().map(|d| format!(", closed {d}")).unwrap_or_default()
        )
    };
    match cmd {
        ComplaintCmd::Open { received, person, summary } => {
            let received = not_future(ctx, "--received", received)?;
            if summary.trim().is_empty() {
                return Err(Error::bad("--summary", "say what the complaint is about"));
            }
            let pid = person_id(&reg, person.as_deref())?;
            let id = reg.change(ctx.now, |c| {
                let (id, due): (String, String) = casework::open_complaint(c, received, pid.as_deref(), &summary)?;
                c.audit(
                    "complaint.open",
                    &id,
                    serde_json::json!({ "received": received.to_string(), "ack_due": due }),
                )?;
                Ok(id)
            })?;
            let c = g::complaint(&reg, &id)?;
            Ok(Outcome::new("complaint", c.clone(), text(&c)))
        }
        ComplaintCmd::Ack { id, date } => {
            let c0 = g::complaint(&reg, &id)?;
            if c0.acked_on.is_some() {
                return Err(Error::bad("ID", format!("complaint {id} was acknowledged already")));
            }
            let on = not_future(ctx, "--date", date)?;
            reg.change(ctx.now, |c| {
                casework::ack_complaint(c, &id, on)?;
                c.audit(
                    "complaint.ack",
                    &id,
                    serde_json::json!({ "on": on.to_string(), "in_time": on.to_string() <= c0.ack_due }),
                )
            })?;
            let c = g::complaint(&reg, &id)?;
            Ok(Outcome::new("complaint", c.clone(), text(&c)))
        }
        ComplaintCmd::Close { id, date, outcome } => {
            let c0 = g::complaint(&reg, &id)?;
            if c0.closed_on.is_some() {
                return Err(Error::bad("ID", format!("complaint {id} is closed already")));
            }
            let on = not_future(ctx, "--date", date)?;
            reg.change(ctx.now, |c| {
                casework::close_complaint(c, &id, on, &outcome)?;
                c.audit("complaint.close", &id, serde_json::json!({ "on": on.to_string() }))
            })?;
            let c = g::complaint(&reg, &id)?;
            Ok(Outcome::new("complaint", c.clone(), text(&c)))
        }
        ComplaintCmd::List => {
            let list = g::complaints(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.received_on.clone(),
                        c.ack_due.clone(),
                        c.acked_on.clone().unwrap_or_else(|| "-".into()),
                        c.closed_on.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            Ok(Outcome::new("complaint_list", list, table(&["ID", "RECEIVED", "ACK DUE", "ACKED", "CLOSED"], &rows)))
        }
    }
}

/// `incident ...`.
pub fn incident(ctx: &Ctx, cmd: IncidentCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        IncidentCmd::Record {
            what,
            discovered,
            occurred,
            data,
            people,
            ico,
            follow: IncidentFollowUp { reported_at, reason, people_told, notes },
        } => {
            let ts = |flag: &str, s: &str| {
                parse_timestamp(s)
                    .ok_or_else(|| Error::bad(flag, format!("'{s}' is not a time: write it as 2026-11-25T09:30:00Z")))
            };
            let disc = ts("--discovered", &discovered)?;
            if disc > ctx.now {
                return Err(Error::bad("--discovered", "is in the future"));
            }
            if let Some(o) = &occurred {
                ts("--occurred", o)?;
            }
            let reported = match (&*ico, &reported_at) {
                ("reported", Some(r)) => Some(ts("--reported-at", r)?),
                ("reported", None) => return Err(Error::bad("--reported-at", "say when it was reported to the ICO")),
                (_, Some(_)) => return Err(Error::bad("--reported-at", "only with --ico reported")),
                _ => None,
            };
            if ico == "not_reported" && reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(Error::bad(
                    "--reason",
                    "record why it was not reported (Art 33(5): every breach and every decision not to report is documented)",
                ));
            }
            if what.trim().is_empty() {
                return Err(Error::bad("--what", "say what happened"));
            }
            let id = new_id("inc");
            reg.change(ctx.now, |c| {
                casework::record_incident(
                    c,
                    &g::NewIncident {
                        id: &id,
                        what: &what,
                        occurred_at: occurred.as_deref(),
                        discovered_at: disc,
                        data: &data,
                        people: i64::from(people),
                        ico: &ico,
                        ico_reported_at: reported,
                        ico_reason: reason.as_deref(),
                        people_told: people_told.as_deref(),
                        notes: notes.as_deref(),
                    },
                )?;
                c.audit(
                    "incident.record",
                    &id,
                    serde_json::json!({ "discovered": fmt_ts(disc), "ico": ico, "people": people, "data": data }),
                )
            })?;
            let inc = g::incidents(&reg)?
                .into_iter()
                .find(|i| i.id == id)
                .ok_or(Error::NotFound { kind: "incident", id: id.clone() })?;
            let text = format!(
                "incident {id} recorded; 72-hour mark {}{}\n",
                inc.report_due,
                match inc.reported_in_time {
                    Some(true) => ": reported in time",
                    Some(false) => ": reported LATE (record the reasons for the delay with the ICO report)",
                    None if ico == "undecided" => ": a task reminds you to decide",
                    None => "",
                }
            );
            Ok(Outcome::new("incident", inc, text))
        }
        IncidentCmd::Update {
            id,
            ico,
            follow: IncidentFollowUp { reported_at, reason, people_told, notes },
            close,
        } => {
            let reported = match &reported_at {
                Some(r) => Some(parse_timestamp(r).ok_or_else(|| {
                    Error::bad("--reported-at", format!("'{r}' is not a time: write it as 2026-11-25T09:30:00Z"))
                })?),
                None => None,
            };
            if reported.is_some_and(|r| r > ctx.now) {
                return Err(Error::bad("--reported-at", "is in the future"));
            }
            let update = g::IncidentUpdate {
                ico: ico.as_deref(),
                ico_reported_at: reported,
                ico_reason: reason.as_deref(),
                people_told: people_told.as_deref(),
                notes: notes.as_deref(),
                closed_at: close.then_some(ctx.now),
            };
            let inc = reg.change(ctx.now, |c| {
                let known = g::incidents(c)?.into_iter().find(|i| i.id == id).map_or(0, |i| i.events.len());
                let inc = casework::update_incident(c, &id, &update)?;
                // The log keeps each change: codes and times with their old and new values; free
                // text (the reason, notes) only that it changed.
                let changes: Vec<serde_json::Value> = inc.events[known.min(inc.events.len())..]
                    .iter()
                    .map(|e| match e.field.as_str() {
                        "notes" | "ico_reason" => serde_json::json!({ "field": e.field, "changed": true }),
                        _ => serde_json::json!({ "field": e.field, "old": e.old, "new": e.new }),
                    })
                    .collect();
                c.audit(
                    "incident.update",
                    &id,
                    serde_json::json!({ "ico": inc.ico, "reported_in_time": inc.reported_in_time, "closed": close, "changes": changes }),
                )?;
                Ok(inc)
            })?;
            let text = format!(
                "incident {id}: ICO {}{}{}\n",
                inc.ico,
                match inc.reported_in_time {
                    Some(true) => ", reported in time",
                    Some(false) => ", reported LATE (record the reasons for the delay with the ICO report)",
                    None => "",
                },
                if inc.closed_at.is_some() { "; closed" } else { "" }
            );
            Ok(Outcome::new("incident", inc, text))
        }
        IncidentCmd::List => {
            let list = g::incidents(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|i| {
                    vec![i.id.clone(), i.discovered_at.clone(), i.ico.clone(), i.people.to_string(), i.what.clone()]
                })
                .collect();
            Ok(Outcome::new("incident_list", list, table(&["ID", "DISCOVERED", "ICO", "PEOPLE", "WHAT"], &rows)))
        }
    }
}

/// `assessment ...`.
pub fn assessment(ctx: &Ctx, cmd: AssessmentCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        AssessmentCmd::Add { kind, reference, version, approver, file, approved_on } => {
            if reference.trim().is_empty() || version.trim().is_empty() || approver.trim().is_empty() {
                return Err(Error::bad("--ref/--version/--approver", "give the reference, version and approver"));
            }
            let sha = crate::transfer::plan::hash_file(&file)
                .ok_or_else(|| Error::io("read", &file, std::io::Error::other("unreadable")))?;
            // An assessment is its document: an empty one records nothing that was assessed.
            let blank = std::fs::read(&file)
                .map(|b| b.iter().all(u8::is_ascii_whitespace))
                .map_err(|e| Error::io("read", &file, e))?;
            if blank {
                return Err(Error::bad(
                    "--file",
                    format!("{} is empty: register the assessment document itself, as approved", file.display()),
                ));
            }
            let approved = match approved_on {
                Some(d) => d,
                None => ctx.now.date_naive(),
            };
            let exists = g::assessments(&reg)?.iter().any(|a| a.reference == reference && a.version == version);
            if exists {
                return Err(Error::bad("--version", format!("{reference} version {version} is registered already")));
            }
            let a = g::Assessment {
                reference: reference.clone(),
                version,
                kind,
                approver,
                file_name: file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                sha256: sha,
                approved_on: approved.to_string(),
                created_at: fmt_ts(ctx.now),
            };
            reg.change(ctx.now, |c| {
                g::insert_assessment(c, &a)?;
                c.audit(
                    "assessment.add",
                    &a.reference,
                    serde_json::json!({ "version": a.version, "kind": a.kind, "sha256": a.sha256 }),
                )
            })?;
            let text = format!(
                "{} {} ({}) registered, approved by {} on {}, sha256 {}\n",
                a.reference, a.version, a.kind, a.approver, a.approved_on, a.sha256
            );
            Ok(Outcome::new("assessment", a, text))
        }
        AssessmentCmd::List => {
            let list = g::assessments(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.reference.clone(),
                        a.version.clone(),
                        a.kind.clone(),
                        a.approver.clone(),
                        a.approved_on.clone(),
                    ]
                })
                .collect();
            Ok(Outcome::new("assessment_list", list, table(&["REF", "VERSION", "KIND", "APPROVER", "APPROVED"], &rows)))
        }
    }
}

/// `retention ...`.
pub fn retention(ctx: &Ctx, cmd: crate::entry::cli::RetentionCmd) -> Result<Outcome> {
    use crate::entry::cli::RetentionCmd;
    use crate::records::retention as ret;
    let mut reg = ctx.open()?;
    match cmd {
        RetentionCmd::Policy { set } => {
            let mut changes = Vec::new();
            for s in &set {
                let (k, m) = s.split_once('=').ok_or_else(|| {
                    Error::bad("--set", format!("'{s}': write it as KIND=MONTHS, e.g. inactive_people=36"))
                })?;
                if !ret::KINDS.iter().any(|(kind, _, _)| *kind == k) {
                    let kinds: Vec<&str> = ret::KINDS.iter().map(|(k, _, _)| *k).collect();
                    return Err(Error::bad("--set", format!("unknown kind '{k}': use {}", kinds.join(", "))));
                }
                let m: u32 = m.parse().map_err(|_| Error::bad("--set", format!("'{m}' is not a number of months")))?;
                if m > ret::MAX_MONTHS {
                    return Err(Error::bad(
                        "--set",
                        format!("{k}={m}: a period is at most {} months (100 years)", ret::MAX_MONTHS),
                    ));
                }
                changes.push((k.to_string(), m));
            }
            if !changes.is_empty() {
                reg.change(ctx.now, |c| {
                    for (k, m) in &changes {
                        ret::set_policy(c, k, *m)?;
                    }
                    c.audit("retention.policy", "policy", serde_json::json!({ "set": changes.iter().map(|(k, m)| serde_json::json!({ "kind": k, "months": m })).collect::<Vec<_>>() }))
                })?;
            }
            let p = ret::policy(&reg)?;
            let rows: Vec<Vec<String>> = ret::KINDS
                .iter()
                .map(|(k, _, what)| {
                    let m = p[*k];
                    let period = match (*k, m) {
                        ("tombstones", 0) => "own expiry".to_string(),
                        (_, 0) => "off".to_string(),
                        (_, m) => format!("{m} months"),
                    };
                    vec![k.to_string(), period, what.to_string()]
                })
                .collect();
            let data: Vec<serde_json::Value> = ret::KINDS
                .iter()
                .map(|(k, d, what)| serde_json::json!({ "kind": k, "months": p[*k], "default": d, "what": what }))
                .collect();
            Ok(Outcome::new("retention_policy", data, table(&["KIND", "PERIOD", "WHAT HAPPENS"], &rows)))
        }
        RetentionCmd::Run { dry_run, record, sign_key } => {
            if let Some(r) = &record
                && r.exists()
            {
                return Err(Error::io("create", r, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
            }
            let key = match &sign_key {
                Some(k) => Some(crate::base::keys::SigningKey::load(k)?),
                None => None,
            };
            let due = ret::due(&reg, ctx.now)?;
            let counts = due.counts();
            let transfers: Vec<serde_json::Value> = due
                .transfers
                .iter()
                .map(|t| serde_json::json!({ "transfer": t.transfer, "delete_after": t.delete_after, "people_anonymised": t.anonymise.len(), "people_kept": t.kept.len() }))
                .collect();
            let mut text = format!("retention {}:\n", if dry_run { "dry run, nothing changed" } else { "run" });
            for (k, n) in &counts {
                text.push_str(&format!("  {k}: {n}\n"));
            }
            let mut data = serde_json::json!({ "dry_run": dry_run, "counts": counts, "transfers": transfers, "held": due.held, "record": null });
            for h in &due.held {
                text.push_str(&format!("  kept for now: {} ({})\n", h.reference, h.reasons.join("; ")));
            }
            if dry_run {
                return Ok(Outcome::new("retention_run", data, text));
            }
            let policy = ret::policy(&reg)?;
            reg.change(ctx.now, |c| {
                ret::apply(c, &due)?;
                tasks::finish_open(c, "retention_run", "register", &fmt_ts(c.now), c.actor)?;
                for t in &due.transfers {
                    tasks::finish_open(c, "retention_run", &t.transfer, &fmt_ts(c.now), c.actor)?;
                }
                c.audit(
                    "retention.run",
                    "register",
                    serde_json::json!({ "counts": counts, "transfers": transfers, "policy": policy }),
                )
            })?;
            if let (Some(path), Some(key)) = (&record, &key) {
                let own = catalogue::self_controller(&reg)?;
                let (size, root) = crate::register::audit::tree_head(&reg)?;
                let doc = serde_json::json!({
                    "format": "handover-deletion-record",
                    "format_version": 1,
                    "controller": { "slug": own.slug, "name": own.name },
                    "run_at": fmt_ts(ctx.now),
                    "policy": policy,
                    "counts": counts,
                    "transfers": transfers,
                    "audit_log": { "entries": size, "merkle_root": hex::encode(root) },
                    "signer_key_id": key.key_id(),
                });
                let bytes = crate::base::encode::json_pretty(&doc)?;
                let sig = key.sign(&bytes[..], &format!("deletion record of {} at {}", own.slug, fmt_ts(ctx.now)))?;
                super::regfile::atomic_write(path, &bytes)?;
                let sig_path = std::path::PathBuf::from(format!("{}.minisig", path.display()));
                crate::base::keys::write_new(&sig_path, 0o644, sig.as_bytes())?;
                data["record"] = path.display().to_string().into();
                text.push_str(&format!("signed deletion record: {} (+ .minisig)\n", path.display()));
            }
            Ok(Outcome::new("retention_run", data, text))
        }
    }
}
