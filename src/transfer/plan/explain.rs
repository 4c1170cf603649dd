//! `transfer plan --explain`: every consent, basis, notice and review of one person, with what
//! each bears on in the plan (the events its decisions rest on, and the outputs and checks the
//! others feed).

use std::fmt::Write as _;

use super::{PersonPlan, Plan};
use crate::base::error::{Error, Result};
use crate::domain::model::BasisAction;
use crate::register::{catalogue, evidence, people};

/// Every consent, basis, notice and review of a person, each with what it bears on in this plan:
/// `decides register` / `decides mailing list` for the events the decisions rest on, then the
/// outputs and checks each other one feeds (withdrawals, objections, restrictions, capacity,
/// the lived-experience designation, the objection window).
fn considered(
    conn: &crate::register::Db,
    p: &Plan,
    pp: &PersonPlan,
    person: &crate::register::people::Person,
) -> Result<Vec<serde_json::Value>> {
    let receiver = p.receiver.slug.as_str();
    let mut out = Vec::new();
    for c in evidence::consents(conn, Some(&person.id), None)? {
        let mut bears: Vec<&str> = Vec::new();
        if pp.register.decision.consent_id.as_deref() == Some(c.id.as_str()) {
            bears.push("decides register");
        }
        if pp.mailing_list.decision.consent_id.as_deref() == Some(c.id.as_str()) {
            bears.push("decides mailing list");
        }
        let names = |x: &str| c.event.controllers.is_empty() || c.event.controllers.iter().any(|y| y == x);
        match c.event.purpose.as_str() {
            "disclose_to_successor" if names(receiver) || names(&p.from) => bears.push("register"),
            "successor_newsletter" | "newsletter"
                if c.event.action != crate::domain::model::ConsentAction::Grant
                    || names(receiver)
                    || names(&p.from) =>
            {
                bears.push("mailing list");
            }
            crate::transfer::rules::DESIGNATION_PURPOSE if names(receiver) => {
                bears.push("lived-experience designation");
            }
            _ => {}
        }
        if c.event.capacity_concern.is_some() {
            bears.push("capacity");
        }
        bears.dedup();
        let detail = [
            c.event.statement_version.as_ref().map(|v| format!("statement {v}")),
            c.event.capacity_concern.map(|y| format!("capacity concern {}", if y { "yes" } else { "no" })),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        out.push(serde_json::json!({
            "kind": "consent", "id": c.id, "at": c.event.at, "what": c.event.action, "purpose": c.event.purpose,
            "controllers": c.event.controllers.join(";"), "detail": detail, "bears_on": bears,
        }));
    }
    for b in evidence::bases(conn, Some(&person.id))? {
        let mut bears: Vec<&str> = Vec::new();
        match (b.purpose.as_str(), b.action) {
            (_, BasisAction::Restrict | BasisAction::LiftRestriction) => bears.extend(["register", "mailing list"]),
            ("disclose_to_successor", _) => bears.push("register"),
            ("successor_newsletter" | "newsletter", BasisAction::Object) => bears.push("mailing list"),
            _ => {}
        }
        let detail = [b.basis.map(|x| x.to_string()), b.assessment_ref.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        out.push(serde_json::json!({
            "kind": "basis", "id": b.id, "at": b.decided_at, "what": b.action, "purpose": b.purpose,
            "controllers": b.controllers.join(";"), "detail": detail, "bears_on": bears,
        }));
    }
    let announces: Vec<(String, Vec<String>)> =
        catalogue::texts(conn, "notice")?.into_iter().map(|t| (t.version, t.announces)).collect();
    for n in evidence::notices_sent(conn, Some(&person.id))? {
        let names = announces.iter().any(|(v, a)| {
            *v == n.notice_version && a.iter().any(|x| x == &format!("{receiver}:disclose_to_successor"))
        });
        out.push(serde_json::json!({
            "kind": "notice", "id": n.notice_version, "at": n.sent_at, "what": "sent", "purpose": "",
            "controllers": "", "detail": format!("by {}", n.channel),
            "bears_on": if names { vec!["register (objection window)"] } else { Vec::new() },
        }));
    }
    for r in p.reviews.iter().filter(|r| r.person_id == person.id) {
        out.push(serde_json::json!({
            "kind": "review", "id": r.id, "at": r.at, "what": r.decision, "purpose": r.reason,
            "controllers": "", "detail": format!("by {}: {}", r.by, r.note), "bears_on": ["register", "mailing list"],
        }));
    }
    out.sort_by(|a, b| a["at"].as_str().cmp(&b["at"].as_str()));
    Ok(out)
}

pub fn explain(conn: &crate::register::Db, p: &Plan, who: &str) -> Result<(String, Vec<serde_json::Value>)> {
    let person = people::person_required(conn, who)?;
    let pp = p
        .people
        .iter()
        .find(|x| person.id == x.id)
        .ok_or_else(|| Error::NotFound { kind: "person", id: who.to_string() })?;
    let mut s = String::new();
    let _ = writeln!(s, "person {} (ref {}) for {}, as at the end of {}", pp.id, pp.reference, p.receiver.slug, p.date);
    let _ = writeln!(
        s,
        "  adult confirmed: {}; jurisdiction: {}; erased: {}",
        person.adult_confirmed,
        person.jurisdiction,
        person.erased_at.is_some()
    );
    for (label, out) in [("register", &pp.register), ("mailing list", &pp.mailing_list)] {
        let meaning =
            crate::transfer::rules::REASONS.iter().find(|(c, _)| *c == out.decision.reason).map_or("", |(_, m)| *m);
        let _ = writeln!(
            s,
            "{label}: {} — {} ({meaning})",
            if out.decision.included { "GOES" } else { "held back" },
            out.decision.reason
        );
        if let Some(e) = &out.evidence {
            let _ = writeln!(
                s,
                "  rests on consent {} at {}: statement {} (sha256 {}), notice {}, method {}, evidence {}, controllers {}",
                e.consent_id,
                e.at,
                e.statement_version.as_deref().unwrap_or("-"),
                e.statement_sha256.as_deref().map_or("-", |h| &h[..16]),
                e.notice_version.as_deref().unwrap_or("-"),
                e.method.as_deref().unwrap_or("-"),
                e.evidence_ref.as_deref().unwrap_or("-"),
                e.controllers.join(";")
            );
        }
    }
    let _ = writeln!(s, "evidence considered (what each bears on):");
    let considered = considered(conn, p, pp, &person)?;
    for c in &considered {
        let f = |k: &str| c[k].as_str().unwrap_or("").to_string();
        let bears: Vec<&str> = c["bears_on"].as_array().into_iter().flatten().filter_map(|x| x.as_str()).collect();
        let _ = writeln!(
            s,
            "  {} {} {} {}{}{} [{}]",
            f("kind"),
            &f("at")[..10.min(f("at").len())],
            f("what"),
            f("purpose"),
            if f("controllers").is_empty() { String::new() } else { format!(" for {}", f("controllers")) },
            if f("detail").is_empty() { String::new() } else { format!(" ({})", f("detail")) },
            if bears.is_empty() { "nothing in this transfer".to_string() } else { bears.join(", ") }
        );
    }
    for st in &pp.stripped {
        let _ = writeln!(
            s,
            "  {} {}{}: {}",
            st.field,
            st.action,
            st.to.as_ref().map(|t| format!(" to {t}")).unwrap_or_default(),
            st.reason
        );
    }
    Ok((s, considered))
}
