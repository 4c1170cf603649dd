//! Validation of person records, shared by `person add|edit` and every importer.

use crate::model::{Jurisdiction, StakeholderGroup, email_looks_valid, normalise_email, parse_date, parse_yes_no};

/// A person as written in `people.csv` or given as flags: raw strings keyed by column.
#[derive(Debug, Clone, Default)]
pub struct RawPerson {
    pub reference: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub organisation: String,
    pub stakeholder_group: String,
    pub hub: String,
    pub jurisdiction: String,
    pub adult_confirmed: String,
    pub source: String,
    pub joined_on: String,
    pub notes: String,
}

/// A validated person record (without id and timestamps).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct PersonFields {
    pub reference: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub email_norm: Option<String>,
    pub phone: Option<String>,
    pub organisation: Option<String>,
    pub stakeholder_group: Option<String>,
    pub hub: Option<String>,
    pub jurisdiction: String,
    pub adult_confirmed: bool,
    pub source: Option<String>,
    pub joined_on: Option<String>,
    pub notes: Option<String>,
}

impl std::fmt::Debug for PersonFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonFields").field("reference", &self.reference).finish_non_exhaustive()
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Validate a raw person. Problems are (column, message) pairs; messages never quote values.
pub fn validate(raw: &RawPerson) -> Result<PersonFields, Vec<(&'static str, String)>> {
    let mut p: Vec<(&'static str, String)> = Vec::new();
    let name = raw.name.trim().to_string();
    if name.is_empty() {
        p.push(("name", "a name is required".into()));
    }
    let email = opt(&raw.email);
    if let Some(e) = &email
        && !email_looks_valid(e)
    {
        p.push(("email", "not an email address (one bare address, like name@example.org)".into()));
    }
    let stakeholder_group = opt(&raw.stakeholder_group);
    if let Some(g) = &stakeholder_group
        && StakeholderGroup::parse(g).is_none()
    {
        p.push(("stakeholder_group", format!("unknown group; use {}", StakeholderGroup::list())));
    }
    let jurisdiction = opt(&raw.jurisdiction).unwrap_or_else(|| "unknown".into());
    if Jurisdiction::parse(&jurisdiction).is_none() {
        p.push(("jurisdiction", format!("unknown jurisdiction; use {}", Jurisdiction::list())));
    }
    let adult_confirmed = match raw.adult_confirmed.trim() {
        "" => false,
        s => parse_yes_no(s).unwrap_or_else(|| {
            p.push(("adult_confirmed", "must be yes or no".into()));
            false
        }),
    };
    let joined_on = opt(&raw.joined_on);
    if let Some(d) = &joined_on
        && parse_date(d).is_none()
    {
        p.push(("joined_on", "must be a date like 2024-03-01".into()));
    }
    let reference = opt(&raw.reference);
    if let Some(r) = &reference
        && (r.starts_with("erased-") || r.starts_with("per_"))
    {
        p.push(("ref", "references starting with erased- or per_ are reserved".into()));
    }
    if !p.is_empty() {
        return Err(p);
    }
    Ok(PersonFields {
        reference,
        name,
        email_norm: email.as_deref().map(normalise_email),
        email: email.map(|e| e.trim().to_string()),
        phone: opt(&raw.phone),
        organisation: opt(&raw.organisation),
        stakeholder_group,
        hub: opt(&raw.hub),
        jurisdiction,
        adult_confirmed,
        source: opt(&raw.source),
        joined_on,
        notes: opt(&raw.notes),
    })
}
