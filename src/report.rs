//! The data protection lead's report (`audit report`): consent coverage, refreshes due, legitimate
//! interests, proxy consents, transfers, deadlines, requests, complaints, incidents, suppression,
//! and the statistical outputs released. Counts only, unless `detail` asks for person ids. Rendered
//! as text, JSON or one self-contained, accessible HTML page.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::Serialize;

use crate::consent::{Status, expiry, status};
use crate::error::Result;
use crate::html::escape as esc;
use crate::model::{PersonId, fmt_ts, parse_timestamp};
use crate::register::{audit, catalogue, evidence, governance, people, setting, suppression, tasks, transfers};

/// One purpose and controller's consent coverage.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub purpose: String,
    pub controller: String,
    pub granted: usize,
    pub withdrawn: usize,
    pub refused: usize,
    pub expired: usize,
    pub none: usize,
    /// With `--detail`: the people withdrawn, refused or expired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<BTreeMap<String, Vec<String>>>,
}

/// Consents in force that lapse within the window.
#[derive(Debug, Clone, Serialize)]
pub struct RefreshDue {
    pub purpose: String,
    pub controller: String,
    pub count: usize,
    pub earliest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<Vec<String>>,
}

/// People relying on legitimate interests for a purpose.
#[derive(Debug, Clone, Serialize)]
pub struct Interests {
    pub purpose: String,
    pub people: usize,
    pub notice_sent: usize,
    pub objected: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objected_people: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub without_notice: Option<Vec<String>>,
}

/// Consents given on someone's behalf.
#[derive(Debug, Clone, Serialize)]
pub struct Proxy {
    pub total: usize,
    pub by_authority: BTreeMap<String, usize>,
    pub verified: usize,
    pub unverified: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<serde_json::Value>>,
}

/// Open obligations.
#[derive(Debug, Clone, Serialize)]
pub struct Deadlines {
    pub open: usize,
    pub overdue: usize,
    /// Open tasks by kind: count, overdue, earliest due.
    pub by_kind: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<serde_json::Value>>,
    /// Open tasks by day and kind: `{due, kind, count, overdue}` (counts only), for the timeline.
    pub timeline: Vec<serde_json::Value>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub generated_at: String,
    pub community: String,
    pub controller: String,
    pub to: Option<String>,
    pub detail: bool,
    pub audit_log: serde_json::Value,
    pub people: usize,
    pub coverage: Vec<Coverage>,
    pub refresh_due_90_days: Vec<RefreshDue>,
    pub legitimate_interests: Vec<Interests>,
    pub proxy_consents: Proxy,
    /// The accounts the register holds, with their rotation state and who pays until when.
    pub accounts: Vec<serde_json::Value>,
    /// The data protection lead's reviews in force, by reason: how many let people go, how many
    /// hold them back, how many are signed (with `detail`, each review with the person's reference).
    pub reviews: Vec<serde_json::Value>,
    pub transfers: Vec<transfers::TransferView>,
    pub deadlines: Deadlines,
    pub requests: serde_json::Value,
    pub complaints: serde_json::Value,
    pub incidents: serde_json::Value,
    pub suppression: serde_json::Value,
    pub statistics_released: Vec<serde_json::Value>,
    /// Consent in force at the end of each of the last twelve months (and now), per purpose and
    /// controller with any consent: `{purpose, controller, points: [{date, granted}]}`.
    pub consent_over_time: Vec<serde_json::Value>,
    /// Names for the codes the pages show: purposes and controllers.
    #[serde(skip)]
    pub names: BTreeMap<String, String>,
}

fn st(s: Status) -> &'static str {
    s.as_str()
}

/// Build the report at `now`.
pub fn build(conn: &crate::register::Db, now: DateTime<Utc>, to: Option<&str>, detail: bool) -> Result<Report> {
    let own = catalogue::self_controller(conn)?;
    let controllers: Vec<String> = match to {
        Some(t) => vec![own.slug.clone(), t.to_string()],
        None => catalogue::controllers(conn)?.into_iter().map(|c| c.slug).collect(),
    };
    let purposes = catalogue::purposes(conn)?;
    let people: Vec<people::Person> = people::people(conn)?.into_iter().filter(|p| p.erased_at.is_none()).collect();
    let live: BTreeSet<&str> = people.iter().map(|p| p.id.as_str()).collect();
    let views = consent_views(conn)?;
    let (coverage, refresh, over_time) = coverage(&purposes, &controllers, &people, &views, now, detail);

    // Legitimate interests: the latest record per person and purpose, objections and notices.
    let sent: BTreeSet<PersonId> = evidence::notices_sent(conn, None)?.into_iter().map(|n| n.person_id).collect();
    let mut li: BTreeMap<String, (BTreeSet<PersonId>, BTreeSet<PersonId>)> = BTreeMap::new();
    for b in evidence::bases(conn, None)?.into_iter().filter(|b| live.contains(b.person_id.as_str())) {
        let entry = li.entry(b.purpose.clone()).or_default();
        match (b.action, b.basis) {
            (crate::model::BasisAction::Record, Some(crate::model::Basis::LegitimateInterests)) => {
                entry.0.insert(b.person_id);
            }
            (crate::model::BasisAction::Object, _) => {
                entry.1.insert(b.person_id);
            }
            _ => {}
        }
    }
    let legitimate_interests: Vec<Interests> = li
        .into_iter()
        .filter(|(_, (relying, _))| !relying.is_empty())
        .map(|(purpose, (relying, objected))| {
            let objected: Vec<String> = relying.intersection(&objected).map(PersonId::to_string).collect();
            let without: Vec<String> = relying.iter().filter(|p| !sent.contains(*p)).map(PersonId::to_string).collect();
            Interests {
                purpose,
                people: relying.len(),
                notice_sent: relying.len() - without.len(),
                objected: objected.len(),
                objected_people: detail.then_some(objected),
                without_notice: detail.then_some(without),
            }
        })
        .collect();

    // Proxy consents.
    let mut proxy = Proxy { total: 0, by_authority: BTreeMap::new(), verified: 0, unverified: 0, events: None };
    let mut proxy_events = Vec::new();
    for c in evidence::proxy_rows(conn)?.into_iter().filter(|c| live.contains(c.person_id.as_str())) {
        proxy.total += 1;
        *proxy.by_authority.entry(c.authority_kind.clone().unwrap_or_else(|| "none".into())).or_default() += 1;
        if c.verified_at.is_some() && c.authority_ref_recorded {
            proxy.verified += 1;
        } else {
            proxy.unverified += 1;
        }
        proxy_events.push(serde_json::json!({ "person_id": c.person_id, "purpose": c.purpose, "given_by": c.given_by, "authority_kind": c.authority_kind, "authority_ref_recorded": c.authority_ref_recorded, "verified_at": c.verified_at }));
    }
    if detail {
        proxy.events = Some(proxy_events);
    }

    let transfers: Vec<transfers::TransferView> = transfers::transfers(conn)?
        .into_iter()
        // A voided bundle (made by mistake, never received) is not a transfer.
        .filter(|t| t.voided_at.is_none())
        .filter(|t| to.is_none_or(|to| t.transfer.controller == to))
        .collect();

    // Deadlines: open tasks, overdue first.
    let today = now.date_naive().to_string();
    let open: Vec<tasks::Task> = tasks::tasks(conn, false)?;
    let mut kinds: BTreeMap<String, (usize, usize, String)> = BTreeMap::new();
    for t in &open {
        let e = kinds.entry(t.kind.clone()).or_insert((0, 0, t.due.clone()));
        e.0 += 1;
        e.1 += usize::from(t.due < today);
        if t.due < e.2 {
            e.2 = t.due.clone();
        }
    }
    let mut by_kind: Vec<serde_json::Value> = kinds
        .into_iter()
        .map(|(k, (n, late, earliest))| serde_json::json!({ "kind": k, "open": n, "overdue": late, "earliest_due": earliest }))
        .collect();
    by_kind.sort_by_key(|v| (v["overdue"].as_u64() == Some(0), v["earliest_due"].as_str().unwrap_or("").to_string()));
    let mut task_list: Vec<&tasks::Task> = open.iter().collect();
    task_list.sort_by_key(|t| (t.due >= today, t.due.clone()));
    let deadlines = Deadlines {
        open: open.len(),
        overdue: open.iter().filter(|t| t.due < today).count(),
        by_kind,
        timeline: {
            let mut by: BTreeMap<(String, String), usize> = BTreeMap::new();
            for t in &open {
                *by.entry((t.due.clone(), t.kind.clone())).or_default() += 1;
            }
            by.into_iter()
                .map(|((due, kind), count)| serde_json::json!({ "due": due, "kind": kind, "count": count, "overdue": due < today }))
                .collect()
        },
        tasks: detail.then(|| {
            task_list
                .iter()
                .map(|t| serde_json::json!({ "id": t.id, "kind": t.kind, "due": t.due, "overdue": t.due < today, "title": t.title }))
                .collect()
        }),
    };

    let reqs = governance::requests(conn)?;
    let closed_late = reqs
        .iter()
        .filter(|r| r.state == "closed")
        .filter(|r| matches!((&r.closed_on, &r.deadline), (Some(c), Some(d)) if c > d))
        .count();
    let mut req_kinds: BTreeMap<String, usize> = BTreeMap::new();
    for r in reqs.iter().filter(|r| r.state != "closed") {
        *req_kinds.entry(r.kind.clone()).or_default() += 1;
    }
    let requests = serde_json::json!({
        "open": reqs.iter().filter(|r| r.state != "closed").count(),
        "overdue": reqs.iter().filter(|r| r.state != "closed" && r.deadline.as_deref().is_some_and(|d| d < today.as_str())).count(),
        "awaiting_identity": reqs.iter().filter(|r| r.state == "awaiting_identity").count(),
        "paused": reqs.iter().filter(|r| r.state == "paused").count(),
        "closed": reqs.iter().filter(|r| r.state == "closed").count(),
        "closed_late": closed_late,
        "open_by_kind": req_kinds,
    });
    let comps = governance::complaints(conn)?;
    let complaints = serde_json::json!({
        "open": comps.iter().filter(|c| c.closed_on.is_none()).count(),
        "ack_overdue": comps.iter().filter(|c| c.acked_on.is_none() && c.ack_due < today).count(),
        "acked_late": comps.iter().filter(|c| c.acked_on.as_ref().is_some_and(|a| *a > c.ack_due)).count(),
        "closed": comps.iter().filter(|c| c.closed_on.is_some()).count(),
    });
    let incs = governance::incidents(conn)?;
    let incidents = serde_json::json!({
        "total": incs.len(),
        "reported": incs.iter().filter(|i| i.ico == "reported").count(),
        "reported_late": incs.iter().filter(|i| i.reported_in_time == Some(false)).count(),
        "not_reported": incs.iter().filter(|i| i.ico == "not_reported").count(),
        "undecided": incs.iter().filter(|i| i.ico == "undecided").count(),
        "undecided_past_72_hours": incs.iter().filter(|i| i.ico == "undecided" && parse_timestamp(&i.report_due).is_some_and(|d| d < now)).count(),
    });

    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let supp = suppression::suppression_rows(conn)?;
    for (_, r, _) in &supp {
        *reasons.entry(r.clone()).or_default() += 1;
    }
    let erasures: i64 = suppression::tombstone_count(conn)?;
    let inherited = setting(conn, "inherited_hash_keys")?
        .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
        .map_or(0, |v| v.len());
    let suppression = serde_json::json!({ "entries": supp.len(), "by_reason": reasons, "erasures": erasures, "inherited_keys": inherited });

    let mut statistics = Vec::new();
    for e in audit::entries(conn)?.into_iter().filter(|e| e.action == "bundle.create") {
        if to.is_some_and(|t| e.details["to"].as_str() != Some(t)) {
            continue;
        }
        for s in e.details["statistics"].as_array().into_iter().flatten() {
            let mut s = s.clone();
            s["bundle"] = e.subject.clone().into();
            s["released_at"] = e.at.clone().into();
            s["to"] = e.details["to"].clone();
            statistics.push(s);
        }
    }
    let chain = audit::verify(conn)?;
    let (size, root) = audit::tree_head(conn)?;
    Ok(Report {
        generated_at: fmt_ts(now),
        community: setting(conn, "community")?.unwrap_or_default(),
        controller: own.slug,
        to: to.map(String::from),
        detail,
        audit_log: serde_json::json!({ "entries": size, "merkle_root": hex::encode(root), "chain_intact": chain.broken.is_none() }),
        people: people.len(),
        coverage,
        refresh_due_90_days: refresh,
        legitimate_interests,
        proxy_consents: proxy,
        accounts: crate::register::accounts::accounts(conn)?
            .into_iter()
            .map(|a| {
                let missing = a.steps_missing();
                let done: Vec<&str> = a.rotation_steps().iter().copied().filter(|s| !missing.contains(s)).collect();
                serde_json::json!({ "id": a.id, "service": a.service, "paid_by": a.paid_by, "paid_until": a.paid_until,
                    "access": a.access, "rotation_steps_done": done, "rotated": missing.is_empty() })
            })
            .collect(),
        reviews: review_rows(conn, detail)?,
        transfers,
        deadlines,
        requests,
        complaints,
        incidents,
        suppression,
        statistics_released: statistics,
        consent_over_time: over_time,
        names: purposes
            .iter()
            .map(|p| (p.code.clone(), p.name.clone()))
            .chain(catalogue::controllers(conn)?.into_iter().map(|c| (c.slug, c.name)))
            .collect(),
    })
}

/// Each purpose's events by person, as the status rules read them.
type Views = std::collections::HashMap<String, std::collections::HashMap<String, Vec<crate::consent::EventView>>>;

/// Every consent event in the light form the status rules read, by purpose and person: one scan
/// of the table (a million events at scale), each distinct controller list kept once.
fn consent_views(conn: &crate::register::Db) -> Result<Views> {
    let mut lists: std::collections::HashMap<String, std::sync::Arc<[String]>> = std::collections::HashMap::new();
    let mut out: Views = std::collections::HashMap::new();
    evidence::each_consent_row(conn, "", |row| {
        // A value that does not read stops the report: a withdrawal is never left out of a count.
        let row = row.row()?;
        let (person, purpose) = (row.person_id, row.purpose);
        let (action, at) = (row.action()?, row.at()?);
        let controllers = match lists.get(row.controllers) {
            Some(l) => l.clone(),
            None => {
                let l: std::sync::Arc<[String]> = row.controllers()?.into();
                lists.insert(row.controllers.to_string(), l.clone());
                l
            }
        };
        let by_person = match out.get_mut(purpose) {
            Some(m) => m,
            None => out.entry(purpose.to_string()).or_default(),
        };
        match by_person.get_mut(person) {
            Some(v) => v.push(crate::consent::EventView { action, controllers, at }),
            None => {
                by_person.insert(person.to_string(), vec![crate::consent::EventView { action, controllers, at }]);
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// Consent coverage per purpose and controller, the consents lapsing within 90 days, and the
/// consent in force at the end of each of the last twelve months.
fn coverage(
    purposes: &[catalogue::Purpose],
    controllers: &[String],
    people: &[people::Person],
    views: &Views,
    now: DateTime<Utc>,
    detail: bool,
) -> (Vec<Coverage>, Vec<RefreshDue>, Vec<serde_json::Value>) {
    let horizon = now + Duration::days(90);
    // The chart's moments: the end of each of the last twelve months, and now.
    let today = crate::transfer::rules::london_date(now);
    let mut moments: Vec<(chrono::NaiveDate, DateTime<Utc>)> = (1..=12)
        .rev()
        .filter_map(|k| {
            let first = today.with_day(1)?.checked_sub_months(chrono::Months::new(k - 1))?;
            let end = first.pred_opt()?;
            Some((end, crate::transfer::rules::end_of_day_london(end)))
        })
        .collect();
    moments.push((today, now));
    let mut over_time = Vec::new();
    let mut coverage = Vec::new();
    let mut refresh = Vec::new();
    for p in purposes {
        for ctl in controllers {
            let mut cov = Coverage {
                purpose: p.code.clone(),
                controller: ctl.clone(),
                granted: 0,
                withdrawn: 0,
                refused: 0,
                expired: 0,
                none: 0,
                people: None,
            };
            let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut due: Vec<(DateTime<Utc>, String)> = Vec::new();
            let mut in_force = vec![0usize; moments.len()];
            let of_purpose = views.get(p.code.as_str());
            for person in people {
                let Some(views) = of_purpose.and_then(|m| m.get(person.id.as_str())).filter(|v| !v.is_empty()) else {
                    cov.none += 1;
                    continue;
                };
                for (k, (_, at)) in moments.iter().enumerate() {
                    in_force[k] += usize::from(status(views, ctl, p.refresh_months, *at) == Status::Granted);
                }
                let s = status(views, ctl, p.refresh_months, now);
                match s {
                    Status::Granted => {
                        cov.granted += 1;
                        let last = views
                            .iter()
                            .filter(|v| v.at <= now && v.controllers.iter().any(|c| c == ctl))
                            .map(|v| v.at)
                            .max();
                        if let Some(exp) = last.and_then(|at| expiry(at, p.refresh_months))
                            && exp <= horizon
                        {
                            due.push((exp, person.id.to_string()));
                        }
                    }
                    Status::Withdrawn => cov.withdrawn += 1,
                    Status::Refused => cov.refused += 1,
                    Status::Expired => cov.expired += 1,
                    Status::None => cov.none += 1,
                }
                if matches!(s, Status::Withdrawn | Status::Refused | Status::Expired) {
                    ids.entry(st(s).to_string()).or_default().push(person.id.to_string());
                }
            }
            if cov.granted + cov.withdrawn + cov.refused + cov.expired == 0 {
                continue;
            }
            over_time.push(serde_json::json!({
                "purpose": p.code,
                "controller": ctl,
                "points": moments.iter().zip(&in_force).map(|((d, _), n)| serde_json::json!({ "date": d.to_string(), "granted": n })).collect::<Vec<_>>(),
            }));
            if detail {
                cov.people = Some(ids);
            }
            coverage.push(cov);
            if !due.is_empty() {
                due.sort();
                refresh.push(RefreshDue {
                    purpose: p.code.clone(),
                    controller: ctl.clone(),
                    count: due.len(),
                    earliest: due[0].0.date_naive().to_string(),
                    people: detail.then(|| due.iter().map(|(_, id)| id.clone()).collect()),
                });
            }
        }
    }
    (coverage, refresh, over_time)
}

/// The reviews in force, by reason (or each one, with `detail`).
fn review_rows(conn: &crate::register::Db, detail: bool) -> Result<Vec<serde_json::Value>> {
    let latest = crate::register::reviews::latest(conn)?;
    if detail {
        return Ok(latest
            .iter()
            .map(|r| serde_json::json!({ "reason": r.reason, "person": r.person_ref, "decision": r.decision, "by": r.by, "at": r.at, "signed": r.signer_key_id.is_some(), "note": r.note }))
            .collect());
    }
    let mut by: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for r in &latest {
        let e = by.entry(r.reason.as_str()).or_default();
        if r.decision == "go" {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
        e.2 += usize::from(r.signer_key_id.is_some());
    }
    Ok(by
        .into_iter()
        .map(|(reason, (go, hold, signed))| serde_json::json!({ "reason": reason, "go": go, "hold": hold, "signed": signed }))
        .collect())
}

fn n(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "-".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A section: a heading, a caption, column names and rows (what both renderers show).
pub(crate) struct Section {
    pub heading: &'static str,
    pub caption: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub empty: &'static str,
}

/// A purpose's or controller's name, from its code.
fn name(r: &Report, code: &str) -> String {
    r.names.get(code).cloned().unwrap_or_else(|| crate::words::plain(code))
}

fn sections(r: &Report) -> Vec<Section> {
    let mut s = Vec::new();
    s.push(Section {
        heading: "Deadlines and tasks",
        caption: format!("{} open task(s), {} overdue (overdue first)", r.deadlines.open, r.deadlines.overdue),
        columns: vec!["Task kind", "Open", "Overdue", "Earliest due"],
        rows: r
            .deadlines
            .by_kind
            .iter()
            .map(|k| {
                vec![crate::words::task_kind(&n(&k["kind"])), n(&k["open"]), n(&k["overdue"]), n(&k["earliest_due"])]
            })
            .collect(),
        empty: "No open tasks.",
    });
    if let Some(tasks) = &r.deadlines.tasks {
        s.push(Section {
            heading: "Open tasks (detail)",
            caption: "Every open task, overdue first".into(),
            columns: vec!["Due", "Overdue", "Task"],
            rows: tasks.iter().map(|t| vec![n(&t["due"]), n(&t["overdue"]), n(&t["title"])]).collect(),
            empty: "No open tasks.",
        });
    }
    s.push(Section {
        heading: "Consent coverage",
        caption: format!("People by consent status, per purpose and controller ({} people in the register)", r.people),
        columns: vec!["Purpose", "Controller", "Granted", "Withdrawn", "Refused", "Expired", "None"],
        rows: r
            .coverage
            .iter()
            .map(|c| {
                vec![
                    name(r, &c.purpose),
                    name(r, &c.controller),
                    c.granted.to_string(),
                    c.withdrawn.to_string(),
                    c.refused.to_string(),
                    c.expired.to_string(),
                    c.none.to_string(),
                ]
            })
            .collect(),
        empty: "No consent recorded.",
    });
    if r.detail {
        let mut rows = Vec::new();
        for c in &r.coverage {
            for (status, ids) in c.people.iter().flatten() {
                rows.push(vec![c.purpose.clone(), c.controller.clone(), status.clone(), ids.join(" ")]);
            }
        }
        for d in &r.refresh_due_90_days {
            rows.push(vec![
                d.purpose.clone(),
                d.controller.clone(),
                "refresh due".into(),
                d.people.clone().unwrap_or_default().join(" "),
            ]);
        }
        for i in &r.legitimate_interests {
            for (what, ids) in [("objected", &i.objected_people), ("no notice logged", &i.without_notice)] {
                if let Some(ids) = ids.as_ref().filter(|v| !v.is_empty()) {
                    rows.push(vec![i.purpose.clone(), "legitimate interests".into(), what.into(), ids.join(" ")]);
                }
            }
        }
        s.push(Section {
            heading: "People (detail)",
            caption: "Person ids behind the counts that need action".into(),
            columns: vec!["Purpose", "Controller or basis", "State", "People"],
            rows,
            empty: "Nobody.",
        });
    }
    s.push(Section {
        heading: "Consents due for refresh",
        caption: "Consents in force that lapse within 90 days".into(),
        columns: vec!["Purpose", "Controller", "People", "Earliest"],
        rows: r
            .refresh_due_90_days
            .iter()
            .map(|d| vec![name(r, &d.purpose), name(r, &d.controller), d.count.to_string(), d.earliest.clone()])
            .collect(),
        empty: "None within 90 days.",
    });
    s.push(Section {
        heading: "Legitimate interests",
        caption: "People relying on legitimate interests, with their notice and objection state".into(),
        columns: vec!["Purpose", "People", "Notice sent", "Objected"],
        rows: r
            .legitimate_interests
            .iter()
            .map(|i| vec![name(r, &i.purpose), i.people.to_string(), i.notice_sent.to_string(), i.objected.to_string()])
            .collect(),
        empty: "Nobody relies on legitimate interests.",
    });
    s.push(Section {
        heading: "Accounts",
        caption: format!(
            "{} account(s); {} with every rotation step recorded",
            r.accounts.len(),
            r.accounts.iter().filter(|a| a["rotated"] == true).count()
        ),
        columns: vec!["Account", "Service", "Rotation steps done", "Paid until"],
        rows: r
            .accounts
            .iter()
            .map(|a| {
                let steps: Vec<&str> =
                    a["rotation_steps_done"].as_array().into_iter().flatten().filter_map(|x| x.as_str()).collect();
                vec![
                    a["id"].as_str().unwrap_or("").to_string(),
                    crate::words::plain(a["service"].as_str().unwrap_or("")),
                    if steps.is_empty() { "none".into() } else { steps.join(", ") },
                    a["paid_until"].as_str().unwrap_or("-").to_string(),
                ]
            })
            .collect(),
        empty: "None.",
    });
    s.push(Section {
        heading: "Reviews",
        caption:
            "The data protection lead's decisions on people held back for review (the latest per person and reason)"
                .into(),
        columns: if r.detail {
            vec!["Reason", "Person", "Decision", "By", "Date", "Signed", "Note"]
        } else {
            vec!["Reason", "Go", "Held", "Signed"]
        },
        rows: r
            .reviews
            .iter()
            .map(|x| {
                let mut row: Vec<String> = if r.detail {
                    ["reason", "person", "decision", "by", "at", "signed", "note"].iter().map(|k| n(&x[*k])).collect()
                } else {
                    ["reason", "go", "hold", "signed"].iter().map(|k| n(&x[*k])).collect()
                };
                row[0] = crate::words::reason(&row[0]);
                row
            })
            .collect(),
        empty: "None recorded.",
    });
    s.extend(later_sections(r));
    s
}

/// The sections after the reviews: proxies, transfers, casework, suppression, statistics.
fn later_sections(r: &Report) -> Vec<Section> {
    let mut s = Vec::new();
    let p = &r.proxy_consents;
    s.push(Section {
        heading: "Consents given on someone's behalf",
        caption: format!(
            "{} proxy consent event(s): {} with authority evidence verified, {} without",
            p.total, p.verified, p.unverified
        ),
        columns: vec!["Authority", "Events"],
        rows: p.by_authority.iter().map(|(k, v)| vec![crate::words::plain(k), v.to_string()]).collect(),
        empty: "None.",
    });
    s.push(Section {
        heading: "Transfers",
        caption: "Every transfer, with what went and the receiving side's receipt".into(),
        columns: vec![
            "Bundle",
            "Date",
            "Other party",
            "State",
            "Receipt",
            "Complete",
            "Register",
            "Mailing list",
            "Art 19 owed",
        ],
        rows: r
            .transfers
            .iter()
            .map(|v| {
                let t = &v.transfer;
                let day = |d: &Option<String>| d.as_deref().and_then(|d| d.get(..10)).unwrap_or("not yet").to_string();
                vec![
                    t.id.to_string(),
                    t.created_at.get(..10).unwrap_or("").to_string(),
                    format!("{} {}", if v.direction == "sent" { "to" } else { "from" }, name(r, &t.controller)),
                    format!(
                        "{}{}",
                        crate::words::transfer_state(t.state.as_str()),
                        if v.stale { "; people in it changed since (Art 19)" } else { "" }
                    ),
                    day(&v.receipt_at),
                    day(&v.completed_at),
                    n(&t.counts["register"]),
                    n(&t.counts["mailing_list"]),
                    v.art19_open.to_string(),
                ]
            })
            .collect(),
        empty: "No transfers yet.",
    });
    s.push(Section {
        heading: "Who went, and who was held back",
        caption: "Each transfer's register decisions, by reason (counts only)".into(),
        columns: vec!["Bundle", "Decision", "People"],
        rows: r
            .transfers
            .iter()
            .flat_map(|v| {
                let id = v.transfer.id.to_string();
                v.transfer.counts["register_by_reason"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(k, n)| vec![id.clone(), crate::words::reason(k), n.to_string()])
            })
            .collect(),
        empty: "No transfers yet.",
    });
    let kv = |v: &serde_json::Value| -> Vec<Vec<String>> {
        v.as_object()
            .map(|o| o.iter().filter(|(_, x)| !x.is_object()).map(|(k, x)| vec![k.replace('_', " "), n(x)]).collect())
            .unwrap_or_default()
    };
    for (heading, caption, counts) in [
        ("Rights requests", "Requests and their one-month clocks", &r.requests),
        ("Complaints", "The complaints log (acknowledgement within 30 days)", &r.complaints),
        ("Incidents", "Breaches and other incidents (the ICO within 72 hours where reportable)", &r.incidents),
    ] {
        s.push(Section { heading, caption: caption.into(), columns: vec!["", "Count"], rows: kv(counts), empty: "" });
    }
    let mut supp = kv(&r.suppression);
    if let Some(o) = r.suppression["by_reason"].as_object() {
        supp.extend(o.iter().map(|(k, v)| vec![format!("suppressed: {}", crate::words::plain(k)), n(v)]));
    }
    s.push(Section {
        heading: "Suppression and erasure",
        caption: "Addresses that can never be re-added for marketing, and erasures".into(),
        columns: vec!["", "Count"],
        rows: supp,
        empty: "",
    });
    s.push(Section {
        heading: "Statistical outputs released",
        caption: "Aggregate tables sent in bundles, with their thresholds".into(),
        columns: vec!["Bundle", "Released", "To", "Table", "k", "Rounding", "Cells", "Suppressed", "Withheld"],
        rows: r
            .statistics_released
            .iter()
            .map(|t| {
                vec![
                    n(&t["bundle"]),
                    n(&t["released_at"]).get(..10).unwrap_or("").to_string(),
                    name(r, &n(&t["to"])),
                    n(&t["name"]),
                    n(&t["k"]),
                    n(&t["rounding"]),
                    n(&t["cells"]),
                    n(&t["suppressed"]),
                    n(&t["withheld"]),
                ]
            })
            .collect(),
        empty: "None released.",
    });
    s
}

/// A document of sections, as both renderers take it.
pub(crate) struct Doc {
    pub title: String,
    /// Lines under the title (plain text; escaped in HTML).
    pub intro: Vec<String>,
    /// What needs attention first, in words (shown before anything else; empty: nothing).
    pub attention: Vec<String>,
    /// Charts (HTML figures with inline SVG), shown after the summary.
    pub charts: Vec<String>,
    /// Print in landscape (wide tables).
    pub landscape: bool,
    pub sections: Vec<Section>,
}

fn report_doc(r: &Report) -> Doc {
    Doc {
        title: format!("Data protection report: {}", r.community),
        intro: vec![
            format!(
                "Controller {}{}. Generated {}.",
                r.controller,
                r.to.as_deref().map(|t| format!("; transfers to {t}")).unwrap_or_default(),
                r.generated_at
            ),
            format!(
                "Audit log: {} entries, Merkle root {}, hash chain {}.",
                n(&r.audit_log["entries"]),
                n(&r.audit_log["merkle_root"]),
                if r.audit_log["chain_intact"] == true { "intact" } else { "BROKEN" }
            ),
            if r.detail {
                "This copy lists person ids: keep it as securely as the register.".into()
            } else {
                "Counts only: no person is named.".into()
            },
        ],
        attention: attention(r),
        charts: charts(r),
        landscape: false,
        sections: sections(r),
    }
}

/// What needs the data protection lead's attention first, in words, most pressing first.
fn attention(r: &Report) -> Vec<String> {
    let mut a = Vec::new();
    if r.audit_log["chain_intact"] != true {
        a.push("The audit log's hash chain is BROKEN: the register was changed outside handover. Run `handover audit verify`.".into());
    }
    let count = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or(0);
    if count(&r.incidents, "undecided_past_72_hours") > 0 {
        a.push(format!(
            "{} incident(s) past the 72 hours with no decision about the ICO.",
            count(&r.incidents, "undecided_past_72_hours")
        ));
    }
    for k in &r.deadlines.by_kind {
        let late = k["overdue"].as_u64().unwrap_or(0);
        if late > 0 {
            a.push(format!(
                "Overdue since {}: {} × {}.",
                n(&k["earliest_due"]),
                late,
                crate::words::task_kind(&n(&k["kind"]))
            ));
        }
    }
    if count(&r.requests, "overdue") > 0 {
        a.push(format!("{} rights request(s) past their deadline.", count(&r.requests, "overdue")));
    }
    if count(&r.complaints, "ack_overdue") > 0 {
        a.push(format!("{} complaint(s) not acknowledged within 30 days.", count(&r.complaints, "ack_overdue")));
    }
    for v in &r.transfers {
        let t = &v.transfer;
        let who = name(r, &t.controller);
        if v.art19_open > 0 {
            a.push(format!(
                "Tell {who} about {} change(s) people asked for since bundle {} (Art 19).",
                v.art19_open, t.id
            ));
        }
        if v.direction == "sent" && v.receipt_at.is_none() {
            a.push(format!("No receipt yet from {who} for bundle {} (made {}).", t.id, &t.created_at[..10]));
        }
    }
    let received = r.transfers.iter().any(|v| v.direction == "received");
    let unrotated: Vec<String> = r
        .accounts
        .iter()
        .filter(|x| x["rotated"] != true)
        .map(|x| crate::words::plain(x["service"].as_str().unwrap_or("")))
        .collect();
    if received && !unrotated.is_empty() {
        a.push(format!("Accounts not yet made safe after the handover: {}.", unrotated.join(", ")));
    }
    let today = crate::model::parse_timestamp(&r.generated_at)
        .map_or(chrono::NaiveDate::MIN, crate::transfer::rules::london_date);
    let soon = (today + Duration::days(30)).to_string();
    for x in &r.accounts {
        if let Some(until) = x["paid_until"].as_str().filter(|u| *u <= soon.as_str()) {
            a.push(format!(
                "The {} account is paid only until {until}: decide who pays next.",
                crate::words::plain(x["service"].as_str().unwrap_or(""))
            ));
        }
    }
    let lapsing: usize = r.refresh_due_90_days.iter().map(|d| d.count).sum();
    if lapsing > 0 {
        let earliest = r.refresh_due_90_days.iter().map(|d| d.earliest.as_str()).min().unwrap_or("");
        a.push(format!(
            "{lapsing} consent(s) lapse within 90 days (the first on {earliest}): ask those people to renew."
        ));
    }
    if r.proxy_consents.unverified > 0 {
        a.push(format!(
            "{} consent(s) given on someone's behalf without the authority checked.",
            r.proxy_consents.unverified
        ));
    }
    for i in r.legitimate_interests.iter().filter(|i| i.notice_sent < i.people) {
        a.push(format!(
            "{} people rely on legitimate interests for {} without a notice logged.",
            i.people - i.notice_sent,
            name(r, &i.purpose)
        ));
    }
    a
}

/// The report's charts: consent in force by purpose over the last year, and the open deadlines on
/// a timeline.
fn charts(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(first) = r.consent_over_time.first() {
        let dates: Vec<chrono::NaiveDate> = first["points"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| crate::model::parse_date(p["date"].as_str().unwrap_or("")))
            .collect();
        let mut series: Vec<crate::charts::Series> = r
            .consent_over_time
            .iter()
            .map(|c| crate::charts::Series {
                label: format!(
                    "{} — {}",
                    name(r, c["purpose"].as_str().unwrap_or("")),
                    name(r, c["controller"].as_str().unwrap_or(""))
                ),
                values: c["points"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| p["granted"].as_u64().unwrap_or(0) as usize)
                    .collect(),
            })
            .filter(|s| s.values.iter().any(|v| *v > 0))
            .collect();
        // The eight largest today, so the legend stays readable.
        series.sort_by(|a, b| b.values.last().cmp(&a.values.last()));
        series.truncate(8);
        if !series.is_empty() {
            out.push(crate::charts::lines(
                "Consent in force by purpose and controller, at the end of each month over the last year",
                &dates,
                &series,
            ));
        }
    }
    let marks: Vec<crate::charts::Mark> = r
        .deadlines
        .timeline
        .iter()
        .filter_map(|t| {
            Some(crate::charts::Mark {
                row: crate::words::task_kind(t["kind"].as_str()?),
                due: crate::model::parse_date(t["due"].as_str()?)?,
                count: t["count"].as_u64().unwrap_or(1) as usize,
                overdue: t["overdue"] == true,
            })
        })
        .collect();
    if !marks.is_empty() {
        let today = crate::model::parse_timestamp(&r.generated_at)
            .map_or(chrono::NaiveDate::MIN, crate::transfer::rules::london_date);
        out.push(crate::charts::timeline(
            "Open deadlines by kind: each mark is a day something is due (larger for more; red when overdue)",
            today,
            &marks,
        ));
    }
    out
}

/// The report as plain text.
pub fn text(r: &Report) -> String {
    render_text(&report_doc(r))
}

/// The report as one self-contained, printable, accessible HTML page.
pub fn html(r: &Report) -> String {
    render_html(&report_doc(r))
}

/// A document as plain text: the title, the intro, then each section's heading, caption and table.
pub(crate) fn render_text(d: &Doc) -> String {
    let mut t = format!("{}\n", d.title);
    for line in &d.intro {
        let _ = writeln!(t, "{line}");
    }
    t.push_str("\n== Needs attention\n");
    if d.attention.is_empty() {
        t.push_str("Nothing needs attention today.\n");
    }
    for a in &d.attention {
        let _ = writeln!(t, "- {a}");
    }
    for s in &d.sections {
        let _ = write!(t, "\n== {}\n{}\n", s.heading, s.caption);
        if s.rows.is_empty() {
            if !s.empty.is_empty() {
                let _ = writeln!(t, "{}", s.empty);
            }
        } else {
            t.push_str(&crate::output::table(&s.columns, &s.rows));
        }
    }
    t
}

/// The pages' style: readable on screen, and on A4 every column fits (long words wrap, tables
/// take the page's width), charts scale, and nothing is split across pages that need not be.
const PAGE_CSS: &str = "*{box-sizing:border-box}body{font-family:Arial,Helvetica,sans-serif;font-size:11pt;max-width:62em;margin:2em auto;padding:0 1em;line-height:1.45;color:#111;overflow-wrap:anywhere}table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}caption{text-align:left;font-weight:bold;padding:.3em 0}th,td{border:1px solid #777;padding:.25em .5em;text-align:left;vertical-align:top;overflow-wrap:break-word}th{background:#eee}td.n{text-align:right}figure{margin:1em 0;break-inside:avoid}figure>svg{display:block;width:100%;max-width:46em;height:auto}.legend svg{display:inline-block;width:16px;height:8px;vertical-align:middle}figcaption{font-size:.9em;color:#333}.legend{list-style:none;padding:0;margin:.4em 0;columns:2;font-size:.9em}.legend li{break-inside:avoid}.attention{border-left:6px solid #D55E00;background:#fff4ec;padding:.1em 1em .4em;margin:1em 0}@media print{body{max-width:none;margin:0;padding:0;font-size:9pt}html{-webkit-print-color-adjust:exact;print-color-adjust:exact}thead{display:table-header-group}tr,figure,li{break-inside:avoid}h2{break-after:avoid}}";

/// A document as one self-contained, printable, accessible HTML page: one h1, h2 per section,
/// tables with captions and scoped header cells, no script, no outside resources.
pub(crate) fn render_html(d: &Doc) -> String {
    let mut h = String::from("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(h, "<title>{}</title>", esc(&d.title));
    let _ = writeln!(
        h,
        "<style>@page{{size:A4 {};margin:14mm 12mm}}{PAGE_CSS}</style>\n</head>\n<body>\n<main>",
        if d.landscape { "landscape" } else { "portrait" }
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&d.title));
    for line in &d.intro {
        let _ = writeln!(h, "<p>{}</p>", esc(line));
    }
    h.push_str("<section class=\"attention\">\n<h2>Needs attention</h2>\n");
    if d.attention.is_empty() {
        h.push_str("<p>Nothing needs attention today.</p>\n");
    } else {
        h.push_str("<ul>\n");
        for a in &d.attention {
            let _ = writeln!(h, "<li>{}</li>", esc(a));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
    if !d.charts.is_empty() {
        h.push_str("<section>\n<h2>At a glance</h2>\n");
        for c in &d.charts {
            h.push_str(c);
        }
        h.push_str("</section>\n");
    }
    for s in &d.sections {
        let _ = writeln!(h, "<section>\n<h2>{}</h2>", esc(s.heading));
        if s.rows.is_empty() && !s.empty.is_empty() {
            let _ = writeln!(h, "<p>{}</p>", esc(s.empty));
        } else {
            let _ = writeln!(h, "<table>\n<caption>{}</caption>\n<thead><tr>", esc(&s.caption));
            for c in &s.columns {
                let _ = write!(h, "<th scope=\"col\">{}</th>", esc(if c.is_empty() { "Item" } else { c }));
            }
            h.push_str("</tr></thead>\n<tbody>\n");
            for row in &s.rows {
                h.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    let numeric = !cell.is_empty() && cell.chars().all(|c| c.is_ascii_digit());
                    if i == 0 {
                        let _ = write!(h, "<th scope=\"row\">{}</th>", esc(cell));
                    } else {
                        let _ = write!(h, "<td{}>{}</td>", if numeric { " class=\"n\"" } else { "" }, esc(cell));
                    }
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</tbody>\n</table>\n");
        }
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}
