//! The data protection lead's report (`audit report`): consent coverage, refreshes due, legitimate
//! interests, proxy consents, transfers, deadlines, requests, complaints, incidents, suppression,
//! and the statistical outputs released. Counts only, unless `detail` asks for person ids. Rendered
//! as text, JSON or one self-contained, accessible HTML page.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::Serialize;

mod campaigns;
mod render;

pub(crate) use campaigns::{campaign_summary, campaigns_section};

pub(crate) use render::{Doc, Section, html, render_html, render_text, text};

use crate::base::error::Result;
use crate::domain::consent::{Status, expiry, status};
use crate::domain::model::{PersonId, RequestState, fmt_ts, parse_timestamp};
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
    /// Each campaign: codes issued and sends logged per channel, reminders, the answers per use
    /// with the consent events they made, and for an open one who its gate asks today and why.
    pub campaigns: Vec<serde_json::Value>,
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
    let (coverage, mut refresh, over_time) = coverage(&purposes, &controllers, &people, &views, now, detail);
    // Storage limitation: once a disclosure to the successor is complete, its consents are not
    // renewed (there is nothing left to disclose); in the successor's own register, the disclosure
    // that brought the people there is made already.
    let disclosed = transfers::transfers(conn)?.iter().any(|t| {
        t.voided_at.is_none()
            && match t.direction {
                crate::domain::model::Direction::Sent => {
                    t.transfer.state == crate::domain::model::TransferState::Complete
                }
                crate::domain::model::Direction::Received => true,
            }
    });
    if disclosed {
        refresh.retain(|d| d.purpose != "disclose_to_successor");
    }

    // Legitimate interests: the latest record per person and purpose, objections and notices.
    let sent: BTreeSet<PersonId> = evidence::notices_sent(conn, None)?.into_iter().map(|n| n.person_id).collect();
    let mut li: BTreeMap<String, (BTreeSet<PersonId>, BTreeSet<PersonId>)> = BTreeMap::new();
    for b in evidence::bases(conn, None)?.into_iter().filter(|b| live.contains(b.person_id.as_str())) {
        let entry = li.entry(b.purpose.clone()).or_default();
        match (b.action, b.basis) {
            (crate::domain::model::BasisAction::Record, Some(crate::domain::model::Basis::LegitimateInterests)) => {
                entry.0.insert(b.person_id);
            }
            (crate::domain::model::BasisAction::Object, _) => {
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
        *proxy
            .by_authority
            .entry(c.authority_kind.map_or_else(|| "none".to_string(), |k| k.to_string()))
            .or_default() += 1;
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
        .filter(|r| r.state == RequestState::Closed)
        .filter(|r| matches!((&r.closed_on, &r.deadline), (Some(c), Some(d)) if c > d))
        .count();
    let mut req_kinds: BTreeMap<String, usize> = BTreeMap::new();
    for r in reqs.iter().filter(|r| r.state != RequestState::Closed) {
        *req_kinds.entry(r.kind.clone()).or_default() += 1;
    }
    let requests = serde_json::json!({
        "open": reqs.iter().filter(|r| r.state != RequestState::Closed).count(),
        "overdue": reqs.iter().filter(|r| r.state != RequestState::Closed && r.deadline.as_deref().is_some_and(|d| d < today.as_str())).count(),
        "awaiting_identity": reqs.iter().filter(|r| r.state == RequestState::AwaitingIdentity).count(),
        "paused": reqs.iter().filter(|r| r.state == RequestState::Paused).count(),
        "closed": reqs.iter().filter(|r| r.state == RequestState::Closed).count(),
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
        accounts: {
            // Handed over and made safe by the group: its signed completion statement says so.
            let completed = transfers::transfers(conn)?
                .into_iter()
                .filter(|t| t.direction == crate::domain::model::Direction::Sent && t.voided_at.is_none())
                .filter_map(|t| t.completed_at)
                .max()
                .map(|d| d[..10].to_string());
            crate::register::accounts::accounts(conn)?
                .into_iter()
                .map(|a| {
                    let missing = a.steps_missing();
                    let by_group = completed.clone().filter(|_| !missing.is_empty());
                    let done: Vec<&str> = if by_group.is_some() {
                        a.rotation_steps().to_vec()
                    } else {
                        a.rotation_steps().iter().copied().filter(|s| !missing.contains(s)).collect()
                    };
                    serde_json::json!({ "id": a.id, "service": a.service, "paid_by": a.paid_by, "paid_until": a.paid_until,
                        "access": a.access, "rotation_steps_done": done, "rotated": missing.is_empty() || by_group.is_some(),
                        "rotated_by_receiver": by_group })
                })
                .collect()
        },
        reviews: review_rows(conn, detail)?,
        transfers,
        deadlines,
        requests,
        complaints,
        incidents,
        suppression,
        statistics_released: statistics,
        campaigns: campaigns_section(conn, now)?,
        consent_over_time: over_time,
        names: purposes
            .iter()
            .map(|p| (p.code.clone(), p.name.clone()))
            .chain(catalogue::controllers(conn)?.into_iter().map(|c| (c.slug, c.name)))
            .collect(),
    })
}

/// Each purpose's events by person, as the status rules read them.
type Views =
    std::collections::HashMap<String, std::collections::HashMap<String, Vec<crate::domain::consent::EventView>>>;

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
            Some(v) => v.push(crate::domain::consent::EventView { action, controllers, at }),
            None => {
                by_person
                    .insert(person.to_string(), vec![crate::domain::consent::EventView { action, controllers, at }]);
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
    let today = crate::domain::deadline::london_date(now);
    let mut moments: Vec<(chrono::NaiveDate, DateTime<Utc>)> = (1..=12)
        .rev()
        .filter_map(|k| {
            let first = today.with_day(1)?.checked_sub_months(chrono::Months::new(k - 1))?;
            let end = first.pred_opt()?;
            Some((end, crate::domain::deadline::end_of_day_london(end)))
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
            .map(|r| serde_json::json!({ "reason": r.reason, "person": r.person_ref, "decision": r.decision, "by": r.by, "at": r.at, "signed": r.approver_signed, "note": r.note }))
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
        e.2 += usize::from(r.approver_signed);
    }
    Ok(by
        .into_iter()
        .map(|(reason, (go, hold, signed))| serde_json::json!({ "reason": reason, "go": go, "hold": hold, "signed": signed }))
        .collect())
}
