//! A person's subject access export (Art 15; portability, Art 20): everything held on them, with
//! the texts they were shown and the registered documents that mention them.

use serde::Serialize;

use crate::base::error::Result;
use crate::domain::model::fmt_ts;
use crate::records::status::{StatusLine, status_lines};
use crate::register::people::Person;
use crate::register::{Register, catalogue, evidence, people, suppression};

/// Everything held on a person, for a subject access request (Art 15) or portability (Art 20).
#[derive(Debug, Serialize)]
pub struct SubjectAccess {
    pub generated_at: String,
    pub controller: catalogue::Controller,
    pub person: Person,
    pub purposes: Vec<catalogue::Purpose>,
    pub roles: Vec<people::Role>,
    pub consent_events: Vec<evidence::StoredConsent>,
    pub consent_status: Vec<StatusLine>,
    pub bases: Vec<evidence::BasisEvent>,
    pub notices_sent: Vec<evidence::NoticeSent>,
    pub diversity: Vec<serde_json::Value>,
    pub suppressed: Option<String>,
    pub sources: Vec<String>,
    pub recipients: Vec<serde_json::Value>,
    /// How long each kind of record is kept (months; 0: not deleted by age).
    pub retention: Vec<serde_json::Value>,
    /// How many years a note of an erasure (a keyed hash) is kept.
    pub tombstone_years: u32,
    /// Automated decision-making (Art 22).
    pub automated_decisions: &'static str,
    /// The statements and notices the person was shown, with their texts.
    pub texts_shown: Vec<serde_json::Value>,
    /// The registered documents that mention them (their name, email or phone).
    pub documents: Vec<serde_json::Value>,
    /// The data protection lead's reviews of them.
    pub reviews: Vec<crate::register::reviews::Review>,
    pub rights: Vec<&'static str>,
}

/// The registered documents that mention the person by name, email or phone, found as redaction
/// finds them (a document that cannot be read is listed as such: it may mention them).
fn documents_mentioning(conn: &Register, p: &Person) -> Result<Vec<serde_json::Value>> {
    use crate::transfer::plan::{read_source, redact_bytes, redactable};
    use crate::transfer::redact::{Redactor, Withheld};
    if p.name.is_none() && p.email.is_none() && p.phone.is_none() {
        return Ok(Vec::new());
    }
    let me = Withheld { id: p.id.clone(), name: p.name.clone(), email: p.email.clone(), phone: p.phone.clone() };
    let r = Redactor::new(&[me], &[], None);
    let mut out = Vec::new();
    for d in crate::register::documents::documents(conn)? {
        let entry = |mentions: serde_json::Value| serde_json::json!({ "id": d.id, "file_name": d.file_name, "category": d.category, "mentions": mentions });
        if !redactable(&d.format) {
            out.push(entry(serde_json::json!("not searchable (checked by hand)")));
            continue;
        }
        // Their full name, email and phone, and their shorter mentions (first name alone, title
        // and surname) in a document that names them in full.
        let theirs = |detector: &str| detector.starts_with("register_") || detector.starts_with("short_mention");
        let path = std::path::Path::new(&d.path);
        let counted = if crate::transfer::plan::streamed(&d.format, path) {
            // A large text, read a window at a time.
            let mut sink = std::io::sink();
            crate::transfer::redact::stream::redact_file(&r, &d.format, path, &mut sink, 0).ok().map(|s| {
                s.counts
                    .iter()
                    .filter(|(k, _)| k.split_once('/').is_some_and(|(_, det)| theirs(det)))
                    .map(|(_, n)| n)
                    .sum()
            })
        } else {
            read_source(path)
                .and_then(|(bytes, _)| redact_bytes(&d.format, &bytes, &r).ok())
                .map(|(_, found)| found.iter().filter(|(_, f)| theirs(f.detector)).count())
        };
        match counted {
            Some(0) => {}
            Some(n) => out.push(entry(serde_json::json!(n))),
            None => out.push(entry(serde_json::json!("unreadable: checked by hand"))),
        }
    }
    Ok(out)
}

/// The statements the person's consents cite and the notices sent to them, each with its text.
fn texts_shown(conn: &Register, events: &[evidence::StoredConsent], person_id: &str) -> Result<Vec<serde_json::Value>> {
    let mut wanted: Vec<(&str, String)> = Vec::new();
    for e in events {
        if let Some(v) = &e.event.statement_version {
            wanted.push(("statement", v.clone()));
        }
        if let Some(v) = &e.event.notice_version {
            wanted.push(("notice", v.clone()));
        }
    }
    for n in evidence::notices_sent(conn, Some(person_id))? {
        wanted.push(("notice", n.notice_version.clone()));
    }
    wanted.sort();
    wanted.dedup();
    let mut out = Vec::new();
    for (kind, version) in wanted {
        for (format, sha256, text) in catalogue::text_bodies(conn, kind, &version)? {
            out.push(serde_json::json!({ "kind": kind, "version": version, "format": format, "sha256": sha256, "text": text }));
        }
    }
    Ok(out)
}

pub fn subject_access(reg: &Register, p: &Person, now: chrono::DateTime<chrono::Utc>) -> Result<SubjectAccess> {
    let conn = &reg;
    let events = evidence::consents(conn, Some(&p.id), None)?;
    let texts = texts_shown(conn, &events, &p.id)?;
    let mut used: Vec<String> = events.iter().map(|e| e.event.purpose.clone()).collect();
    let bases = evidence::bases(conn, Some(&p.id))?;
    used.extend(bases.iter().map(|b| b.purpose.clone()));
    let purposes = catalogue::purposes(conn)?.into_iter().filter(|pp| used.contains(&pp.code)).collect();
    let mut sources: Vec<String> = p.source.iter().cloned().collect();
    for e in &events {
        if !sources.contains(&e.source) {
            sources.push(e.source.clone());
        }
    }
    Ok(SubjectAccess {
        generated_at: fmt_ts(now),
        controller: catalogue::self_controller(conn)?,
        person: p.clone(),
        purposes,
        roles: people::roles(conn, Some(&p.id))?,
        consent_events: events,
        consent_status: status_lines(conn, &p.id, now)?,
        bases,
        notices_sent: evidence::notices_sent(conn, Some(&p.id))?,
        diversity: people::diversity(conn, &p.id)?
            .into_iter()
            .map(|(c, v)| serde_json::json!({ "category": c, "value": v }))
            .collect(),
        suppressed: match &p.email_norm {
            Some(e) => suppression::suppressed(conn, &suppression::keyed_hash(conn, e)?)?,
            None => None,
        },
        sources,
        recipients: crate::register::transfers::person_transfers(conn, &p.id)?
            .into_iter()
            .map(|(id, slug, name, at)| {
                serde_json::json!({ "transfer": id, "controller": slug, "name": name, "date": &at[..10.min(at.len())],
                    "what": "your register entry: the details its purpose carries, your roles and consent history" })
            })
            .collect(),
        tombstone_years: crate::register::setting(conn, "tombstone_years")?.and_then(|s| s.parse().ok()).unwrap_or(6),
        retention: crate::records::retention::policy(conn)?
            .into_iter()
            .map(|(kind, months)| serde_json::json!({ "kind": kind, "months": months }))
            .collect(),
        automated_decisions: "No decision with legal or similarly significant effect on you is made by automated means (Art 22). The transfer rules decide what may be passed on; a person checks and approves every transfer.",
        texts_shown: texts,
        documents: documents_mentioning(reg, p)?,
        reviews: crate::register::reviews::reviews(conn, Some(&p.id))?,
        rights: vec![
            "access (Art 15)",
            "rectification (Art 16)",
            "erasure (Art 17)",
            "restriction (Art 18)",
            "portability (Art 20)",
            "objection (Art 21)",
            "withdraw consent at any time (Art 7(3))",
            "complain to the ICO (ico.org.uk)",
        ],
    })
}
