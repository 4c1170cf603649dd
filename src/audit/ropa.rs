//! The Art 30 record of processing activities, generated from the register (`audit ropa`), for the
//! data protection lead to check, complete and keep: the controller, each purpose as a processing
//! activity with its lawful bases (and Art 9 condition), the categories of people and of data, the
//! recipients, the assessments cited and the retention; the recipients and transfers; the
//! retention schedule; the security measures the tool itself applies.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::audit::report::{Doc, Section};
use crate::base::error::Result;
use crate::domain::model::fmt_ts;
use crate::register::{catalogue, evidence, people, setting, transfers};

/// One processing activity (a purpose).
#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    pub purpose: String,
    pub name: String,
    pub lawful_bases: Vec<String>,
    pub art9_condition: Option<String>,
    pub data_categories: Vec<String>,
    pub people_categories: Vec<String>,
    pub people: usize,
    pub recipients: Vec<String>,
    pub assessments: Vec<String>,
    pub retention: String,
}

/// How a special-category activity without an Art 9 condition for everyone on it begins.
const NO_ART9: &str = "none recorded";

/// The record.
#[derive(Debug, Clone, Serialize)]
pub struct Ropa {
    pub generated_at: String,
    pub community: String,
    pub controller: catalogue::Controller,
    pub activities: Vec<Activity>,
    pub recipients: Vec<serde_json::Value>,
    /// The controllers this register received people from, with the bundles (Art 14(2)(f)).
    pub sources: Vec<serde_json::Value>,
    /// The accounts and systems that hold the community's data (Art 30(1)(g), Art 32).
    pub accounts: Vec<serde_json::Value>,
    pub international_transfers: String,
    pub retention_schedule: Vec<serde_json::Value>,
    pub security_measures: Vec<String>,
}

/// The measures the tool applies, whatever the register holds.
pub const SECURITY_MEASURES: &[&str] = &[
    "Register file readable by its owner only (0600); foreign keys, secure_delete and a write-ahead log; every change in one transaction",
    "Account secrets encrypted at rest to named custodians (age, X25519); shown only on a terminal or written to a new 0600 file",
    "Backups encrypted to the custodians; no plaintext copy written to disk",
    "Tamper-evident audit log (hash chain and RFC 6962 Merkle tree, signed checkpoints) holding ids only, never names or contact details",
    "Erasure removes identifying fields and keeps a keyed-hash tombstone (HMAC-SHA256) on the suppression list",
    "Transfers as age-encrypted bundles to the receiver's keys, signed (minisign, Ed25519) inside and out; the transfer record holds counts only",
    "Fields minimised per purpose; special-category data only with explicit consent naming the receiver; statistics only as protected aggregates",
];

/// Build the record at `now`.
pub fn build(conn: &crate::register::Db, now: chrono::DateTime<chrono::Utc>) -> Result<Ropa> {
    let own = catalogue::self_controller(conn)?;
    let people: BTreeMap<crate::domain::model::PersonId, people::Person> =
        people::people(conn)?.into_iter().filter(|p| p.erased_at.is_none()).map(|p| (p.id.clone(), p)).collect();
    let consents = evidence::consents(conn, None, None)?;
    let bases = evidence::bases(conn, None)?;
    let policy = crate::records::retention::policy(conn)?;
    let transfers: Vec<_> = transfers::transfers(conn)?.into_iter().filter(|t| t.voided_at.is_none()).collect();
    let sent = |t: &&transfers::TransferView| t.direction == crate::domain::model::Direction::Sent;
    let has_sent = transfers.iter().any(|t| sent(&t));
    let mut activities = Vec::new();
    for p in catalogue::purposes(conn)? {
        // Disclosing to a successor is the sender's activity: a register that only received has
        // the consents to it as history, not as something it does.
        if p.code == "disclose_to_successor" && !has_sent && !transfers.is_empty() {
            continue;
        }
        let mut lawful: BTreeSet<String> = BTreeSet::new();
        let mut who: BTreeSet<crate::domain::model::PersonId> = BTreeSet::new();
        let mut groups: BTreeSet<String> = BTreeSet::new();
        let mut recipients: BTreeSet<String> = BTreeSet::new();
        let mut assessments: BTreeSet<String> = BTreeSet::new();
        let mut explicit: BTreeSet<crate::domain::model::PersonId> = BTreeSet::new();
        for c in consents.iter().filter(|c| c.event.purpose == p.code && people.contains_key(&c.person_id)) {
            let is_explicit = c.consent_kind == crate::domain::model::ConsentKind::Explicit;
            lawful.insert(if is_explicit { "explicit consent".into() } else { "consent".into() });
            if is_explicit {
                explicit.insert(c.person_id.clone());
            }
            who.insert(c.person_id.clone());
            recipients.extend(c.event.controllers.iter().filter(|x| **x != own.slug).cloned());
        }
        for b in bases.iter().filter(|b| {
            b.purpose == p.code
                && b.action == crate::domain::model::BasisAction::Record
                && people.contains_key(&b.person_id)
        }) {
            if let Some(basis) = &b.basis {
                lawful.insert(basis.as_str().replace('_', " "));
            }
            who.insert(b.person_id.clone());
            recipients.extend(b.controllers.iter().filter(|x| **x != own.slug).cloned());
            assessments.extend(b.assessment_ref.clone());
        }
        if who.is_empty() {
            continue;
        }
        for id in &who {
            if let Some(g) = people.get(id).and_then(|x| x.stakeholder_group.map(|g| g.as_str().to_string())) {
                groups.insert(g.replace('_', " "));
            }
        }
        let by_consent = lawful.iter().any(|b| b.ends_with("consent"));
        activities.push(Activity {
            purpose: p.code.clone(),
            name: p.name.clone(),
            lawful_bases: lawful.into_iter().collect(),
            // The condition is claimed only for the people it is recorded for.
            art9_condition: {
                let without = who.iter().filter(|id| !explicit.contains(*id)).count();
                match (p.special, explicit.is_empty(), without) {
                    (true, _, n) if n > 0 => Some(format!(
                        "{NO_ART9}: {n} of {} people rest on a basis that is not an Art 9 condition",
                        who.len()
                    )),
                    (_, false, _) => Some("Art 9(2)(a) explicit consent".to_string()),
                    _ => None,
                }
            },
            data_categories: data_categories(&p.code, &p.fields),
            people_categories: groups.into_iter().collect(),
            people: who.len(),
            recipients: recipients.into_iter().collect(),
            assessments: assessments.into_iter().collect(),
            retention: match p.refresh_months.filter(|_| by_consent) {
                Some(m) => format!(
                    "consent refreshed every {m} months; people with nothing in force anonymised after {} months",
                    policy["inactive_people"]
                ),
                None => format!("people with nothing in force anonymised after {} months", policy["inactive_people"]),
            },
        });
    }
    // Recipients by direction: whom this register sent to, or whom its own activities name; the
    // controllers it received from are its sources, not its recipients.
    let named: BTreeSet<String> = activities.iter().flat_map(|a| a.recipients.iter().cloned()).collect();
    let mut recipients: Vec<serde_json::Value> = Vec::new();
    let mut sources: Vec<serde_json::Value> = Vec::new();
    for c in catalogue::controllers(conn)?.into_iter().filter(|c| !c.is_self) {
        let list = |dir: crate::domain::model::Direction| -> Vec<String> {
            transfers
                .iter()
                .filter(|t| t.transfer.controller == c.slug && t.direction == dir)
                .map(|t| format!("{} ({}, {})", t.transfer.id, &t.transfer.created_at[..10], t.transfer.state))
                .collect()
        };
        let (out, came) =
            (list(crate::domain::model::Direction::Sent), list(crate::domain::model::Direction::Received));
        if !out.is_empty() || named.contains(&c.slug) {
            recipients.push(serde_json::json!({ "slug": c.slug, "name": c.name, "kind": c.kind, "dsa_ref": c.dsa_ref, "dpia_ref": c.dpia_ref, "transfers": out }));
        }
        if !came.is_empty() {
            sources.push(serde_json::json!({ "slug": c.slug, "name": c.name, "bundles": came }));
        }
    }
    // One schedule: each kind of record once, with the months that apply to it (tombstones keep
    // their own expiry, set at erasure from the register's tombstone years).
    let tombstone_months =
        setting(conn, "tombstone_years")?.and_then(|y| y.parse::<u32>().ok()).map_or(72, |y| y.saturating_mul(12));
    let retention_schedule = crate::records::retention::KINDS
        .iter()
        .filter(|(k, _, _)| *k != "tombstones")
        .map(|(k, _, what)| serde_json::json!({ "kind": k, "months": policy[*k], "what": what }))
        .chain(std::iter::once(serde_json::json!({ "kind": "erasure_tombstones", "months": tombstone_months, "what": "keyed-hash tombstones kept after erasure so the person is never re-added, then deleted with their suppression entry" })))
        .collect();
    // A handed-over account is rotated by the group: its completion statement says so.
    let completed = transfers.iter().filter(sent).filter_map(|t| t.completed_at.as_deref()).max();
    let locations = crate::register::accounts::locations(conn)?;
    let accounts: Vec<serde_json::Value> = crate::register::accounts::accounts(conn)?
        .into_iter()
        .map(|a| {
            let missing = a.steps_missing();
            let rotation = if let (true, Some(on)) = (a.rotations.is_empty(), completed) {
                format!("handed over; rotated by the receiving group (its completion statement of {})", &on[..10])
            } else if a.rotations.is_empty() {
                format!("not rotated (needs {})", a.rotation_steps().join(", "))
            } else if missing.is_empty() {
                format!("rotated ({})", a.rotations.iter().map(|r| &r.done_at[..10]).max().unwrap_or_default())
            } else {
                format!("partly rotated (still {})", missing.join(", "))
            };
            let l = locations.get(a.id.as_str());
            serde_json::json!({ "id": a.id, "service": a.service, "url": a.url, "personal_data": a.personal_data,
                "paid_by": a.paid_by, "paid_until": a.paid_until, "access": a.access, "rotation": rotation,
                "country": l.map(|l| l.country.clone()), "processor": l.map(|l| l.processor), "safeguard": l.and_then(|l| l.safeguard.clone()) })
        })
        .collect();
    activities.extend(own_records(conn, &policy)?);
    let international_transfers = international(&accounts);
    Ok(Ropa {
        generated_at: fmt_ts(now),
        community: setting(conn, "community")?.unwrap_or_default(),
        controller: own,
        activities,
        recipients,
        accounts,
        international_transfers,
        sources,
        retention_schedule,
        security_measures: SECURITY_MEASURES.iter().map(std::string::ToString::to_string).collect(),
    })
}

/// Transfers outside the UK, from where each account's service keeps its data (`account
/// location`): stated only as recorded.
fn international(accounts: &[serde_json::Value]) -> String {
    let mut out = Vec::new();
    let mut unknown = 0;
    for a in accounts {
        match a["country"].as_str() {
            Some("GB") => {}
            Some(c) => out.push(format!(
                "{} ({}) keeps data in {c}: {}",
                a["service"].as_str().unwrap_or_default(),
                a["id"].as_str().unwrap_or_default(),
                a["safeguard"]
                    .as_str()
                    .map_or_else(|| "no safeguard recorded".to_string(), |s| format!("safeguard: {s}"))
            )),
            None if !a["personal_data"].is_null() => unknown += 1,
            None => {}
        }
    }
    if unknown > 0 {
        out.push(format!(
            "{unknown} account(s) holding personal data with no location recorded (`handover account location ID --country CODE`)"
        ));
    }
    if out.is_empty() {
        return "None: every account holding personal data keeps it in the UK, as recorded. Bundles go only to the receiving controllers listed.".into();
    }
    out.join("; ")
}

/// The activities every register carries out on its own records, where it has them: the
/// suppression list, rights requests, complaints and incidents.
fn own_records(conn: &crate::register::Db, policy: &BTreeMap<String, u32>) -> Result<Vec<Activity>> {
    let mut out = Vec::new();
    let suppressed: i64 = crate::register::suppression::suppression_counts(conn)?.iter().map(|(_, n)| *n).sum();
    let requests = crate::register::governance::requests(conn)?.len();
    let complaints = crate::register::governance::complaints(conn)?.len();
    let incidents = crate::register::governance::incidents(conn)?.len();
    let months = |k: &str| policy.get(k).copied().unwrap_or_default();
    for (n, code, name, basis, data, retention) in [
        (
            usize::try_from(suppressed).unwrap_or_default(),
            "suppression_list",
            "Keeping people off every list (suppression)",
            "legal obligation (PECR reg 22; Art 17 and 21(3))",
            "a keyed hash of the email address, why and when",
            "kept while the register is used; tombstones after erasure for their own years".to_string(),
        ),
        (
            requests,
            "rights_requests",
            "Answering rights requests",
            "legal obligation (UK GDPR Art 12-22)",
            "the request, its dates and outcome, the person it concerns",
            format!("closed requests kept {} months", months("closed_requests")),
        ),
        (
            complaints,
            "complaints",
            "Handling complaints",
            "legal obligation (DPA 2018 s164A)",
            "the complaint, its dates and outcome",
            format!("closed complaints kept {} months", months("closed_complaints")),
        ),
        (
            incidents,
            "incidents",
            "Recording personal data breaches",
            "legal obligation (UK GDPR Art 33(5))",
            "what happened, when, the data and people affected, the ICO decision",
            "kept as the breach log (Art 33(5)): the retention policy does not delete it".to_string(),
        ),
    ] {
        if n == 0 {
            continue;
        }
        out.push(Activity {
            purpose: code.into(),
            name: name.into(),
            lawful_bases: vec![basis.into()],
            art9_condition: None,
            data_categories: vec![data.into()],
            people_categories: Vec::new(),
            people: n,
            recipients: Vec::new(),
            assessments: Vec::new(),
            retention,
        });
    }
    Ok(out)
}

/// The categories of data a purpose uses, in words: its fields, and what the purpose itself
/// holds beyond them (images for photos, the diversity answers).
fn data_categories(purpose: &str, fields: &[String]) -> Vec<String> {
    let mut out: Vec<String> = match purpose {
        "photos_video" => vec!["images of the person (photographs and video)".into()],
        "diversity_monitoring" => vec![format!(
            "diversity answers (special category): {}",
            crate::domain::model::SpecialCategory::ALL
                .iter()
                .map(|c| crate::domain::words::plain(c.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )],
        _ => Vec::new(),
    };
    out.extend(fields.iter().map(|f| match f.as_str() {
        "stakeholder_group" => "stakeholder group".to_string(),
        "hub" => "local hub".to_string(),
        other => crate::domain::words::plain(other),
    }));
    if out.is_empty() {
        out.push("(none beyond the person's id)".into());
    }
    out
}

/// A recipient's name, from its slug.
fn recipient_name(r: &Ropa, slug: &str) -> String {
    r.recipients
        .iter()
        .chain(&r.sources)
        .find(|x| x["slug"] == slug)
        .and_then(|x| x["name"].as_str())
        .map_or_else(|| slug.to_string(), str::to_string)
}

/// What the data protection lead should see to first: gaps the record cannot fill itself.
fn attention(r: &Ropa) -> Vec<String> {
    let mut a = Vec::new();
    let c = &r.controller;
    for (what, v, command) in [
        ("contact", &c.contact, format!("`handover controller edit {} --contact TEXT`", c.slug)),
        (
            "accountable person",
            &c.accountable_person,
            format!("`handover controller edit {} --accountable-person ROLE`", c.slug),
        ),
        (
            "ICO fee or registration",
            &c.ico_fee_status,
            format!("`handover controller edit {} --ico-fee-status TEXT`", c.slug),
        ),
    ] {
        if v.is_none() {
            a.push(format!("The controller's {what} is not recorded: {command}."));
        }
    }
    for x in &r.recipients {
        if x["dsa_ref"].is_null() {
            a.push(format!("No data sharing agreement recorded for {}.", x["name"].as_str().unwrap_or_default()));
        }
    }
    for act in &r.activities {
        if act.art9_condition.as_deref().is_some_and(|c| c.starts_with(NO_ART9)) {
            a.push(format!(
                "{} is special category data and some people on it have no Art 9 condition recorded: record their explicit consent (a consent with its special categories named) or stop that processing.",
                act.name
            ));
        }
        if act.lawful_bases.iter().any(|b| b == "legitimate interests") && act.assessments.is_empty() {
            a.push(format!("{} relies on legitimate interests with no assessment (LIA) cited.", act.name));
        }
    }
    a
}

/// The record as a document for the text and HTML renderers.
pub(crate) fn doc(r: &Ropa) -> Doc {
    let c = &r.controller;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not recorded)".into());
    let join = |v: &[String]| if v.is_empty() { "-".to_string() } else { v.join(", ") };
    Doc {
        title: format!("Record of processing activities (Art 30): {}", c.name),
        intro: vec![
            format!("Community: {}. Generated {} from the register.", r.community, r.generated_at),
            "Check it, complete what the register cannot know (other systems, processors), and keep it.".into(),
        ],
        attention: attention(r),
        charts: Vec::new(),
        landscape: true,
        sections: vec![
            Section {
                heading: "The controller",
                caption: "Art 30(1)(a)".into(),
                columns: vec!["Item", "Value"],
                rows: vec![
                    vec!["Name".into(), c.name.clone()],
                    vec!["Legal form".into(), c.kind.as_str().replace('_', " ")],
                    vec!["Contact".into(), opt(&c.contact)],
                    vec!["Accountable person".into(), opt(&c.accountable_person)],
                    vec!["ICO fee / registration".into(), opt(&c.ico_fee_status)],
                ],
                empty: "",
            },
            Section {
                heading: "Processing activities",
                caption: "Art 30(1)(b)-(d), (f): purposes, lawful bases, categories of people and data, recipients, retention".into(),
                columns: vec!["Purpose", "Lawful bases", "Art 9", "Data", "People", "Recipients", "Assessments", "Retention"],
                rows: r
                    .activities
                    .iter()
                    .map(|a| {
                        vec![
                            format!("{} ({})", a.name, a.purpose),
                            join(&a.lawful_bases),
                            a.art9_condition.clone().unwrap_or_else(|| "-".into()),
                            join(&a.data_categories),
                            format!("{} ({})", a.people, join(&a.people_categories)),
                            join(&a.recipients.iter().map(|slug| recipient_name(r, slug)).collect::<Vec<_>>()),
                            join(&a.assessments),
                            a.retention.clone(),
                        ]
                    })
                    .collect(),
                empty: "No processing recorded yet.",
            },
            Section {
                heading: "Recipients and transfers",
                caption: "Art 30(1)(d)-(e): other controllers, their agreements, and what was sent".into(),
                columns: vec!["Recipient", "Kind", "DSA", "DPIA", "Transfers"],
                rows: r
                    .recipients
                    .iter()
                    .map(|x| {
                        let t: Vec<String> =
                            x["transfers"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect();
                        vec![
                            format!("{} ({})", x["name"].as_str().unwrap_or(""), x["slug"].as_str().unwrap_or("")),
                            x["kind"].as_str().unwrap_or("").replace('_', " "),
                            x["dsa_ref"].as_str().unwrap_or("-").to_string(),
                            x["dpia_ref"].as_str().unwrap_or("-").to_string(),
                            join(&t),
                        ]
                    })
                    .collect(),
                empty: "No other controller.",
            },
            Section {
                heading: "Where the data came from",
                caption: "Art 14(2)(f): the controllers this register received people from".into(),
                columns: vec!["Source", "Bundles"],
                rows: r
                    .sources
                    .iter()
                    .map(|x| {
                        let t: Vec<String> =
                            x["bundles"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect();
                        vec![format!("{} ({})", x["name"].as_str().unwrap_or(""), x["slug"].as_str().unwrap_or("")), join(&t)]
                    })
                    .collect(),
                empty: "Collected directly: nothing received from another controller.",
            },
            Section {
                heading: "Systems and accounts",
                caption: "Art 30(1)(g), Art 32: where the community's data is held, who pays, and whether access was rotated".into(),
                columns: vec!["Service", "Address", "Personal data held", "Where, processor", "Paid by", "Access", "Rotation"],
                rows: r
                    .accounts
                    .iter()
                    .map(|x| {
                        let s = |k: &str| x[k].as_str().unwrap_or("-").to_string();
                        let paid = match (x["paid_by"].as_str(), x["paid_until"].as_str()) {
                            (Some(b), Some(u)) => format!("{b} until {u}"),
                            (Some(b), None) => b.to_string(),
                            (None, Some(u)) => format!("until {u}"),
                            (None, None) => "-".into(),
                        };
                        let access = if x["access"] == "admins" { "admins change" } else { "shared password (sealed)" };
                        let place = match (x["country"].as_str(), x["processor"].as_bool()) {
                            (Some(c), Some(true)) => format!("{c}, processor"),
                            (Some(c), _) => c.to_string(),
                            (None, _) => "not recorded".into(),
                        };
                        vec![s("service").replace('_', " "), s("url"), s("personal_data"), place, paid, access.into(), s("rotation")]
                    })
                    .collect(),
                empty: "No accounts recorded.",
            },
            Section {
                heading: "International transfers",
                caption: "Art 30(1)(e)".into(),
                columns: vec!["Item", "Value"],
                rows: vec![vec!["Transfers outside the UK".into(), r.international_transfers.clone()]],
                empty: "",
            },
            Section {
                heading: "Retention schedule",
                caption: "Art 30(1)(f): the register's retention policy".into(),
                columns: vec!["Kind", "Months", "What happens"],
                rows: r
                    .retention_schedule
                    .iter()
                    .map(|x| vec![crate::domain::words::plain(x["kind"].as_str().unwrap_or("")), x["months"].to_string(), x["what"].as_str().unwrap_or("").to_string()])
                    .collect(),
                empty: "",
            },
            Section {
                heading: "Security measures",
                caption: "Art 30(1)(g): technical measures the tool applies".into(),
                columns: vec!["Measure"],
                rows: r.security_measures.iter().map(|m| vec![m.clone()]).collect(),
                empty: "",
            },
        ],
    }
}
