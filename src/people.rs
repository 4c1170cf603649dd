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

/// A person's details: everything the register holds about a person besides its own
/// bookkeeping (id, reference, when the record was made and erased). One shape for validation,
/// the register's row, an update's comparison and the plan; a field is added here, in
/// [`validate`], in the register's column list and in the CSV and flag inputs.
#[derive(Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Details {
    /// The person's name (`None` only once erased).
    pub name: Option<String>,
    /// Their email address as given.
    pub email: Option<String>,
    /// The email normalised for matching (never shown).
    #[serde(skip)]
    pub email_norm: Option<String>,
    /// Their phone number.
    pub phone: Option<String>,
    /// The organisation they work for.
    pub organisation: Option<String>,
    /// Their stakeholder group.
    pub stakeholder_group: Option<StakeholderGroup>,
    /// The local hub they belong to.
    pub hub: Option<String>,
    /// Where they live, for the law that governs capacity and consent (R21).
    pub jurisdiction: Jurisdiction,
    /// Whether they are confirmed to be an adult.
    pub adult_confirmed: bool,
    /// Where their details came from.
    pub source: Option<String>,
    /// The day they joined (YYYY-MM-DD).
    pub joined_on: Option<String>,
    /// The facilitator's notes (never transferred).
    pub notes: Option<String>,
}

impl std::fmt::Debug for Details {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Details").finish_non_exhaustive()
    }
}

/// A validated person record: the reference it gives (if any) and its details.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct PersonFields {
    /// The reference the record gives; a new person without one gets the next free reference.
    pub reference: Option<String>,
    /// The details.
    pub details: Details,
}

impl std::ops::Deref for PersonFields {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.details
    }
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
    let stakeholder_group = opt(&raw.stakeholder_group).and_then(|g| {
        let parsed = StakeholderGroup::parse(&g);
        if parsed.is_none() {
            p.push(("stakeholder_group", format!("unknown group; use {}", StakeholderGroup::list())));
        }
        parsed
    });
    let jurisdiction = match opt(&raw.jurisdiction) {
        None => Jurisdiction::Unknown,
        Some(j) => Jurisdiction::parse(&j).unwrap_or_else(|| {
            p.push(("jurisdiction", format!("unknown jurisdiction; use {}", Jurisdiction::list())));
            Jurisdiction::Unknown
        }),
    };
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
        p.push(("joined_on", crate::model::NOT_A_DATE.into()));
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
        details: Details {
            name: Some(name),
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
        },
    })
}
