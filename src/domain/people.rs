//! Validation of person records, shared by `person add|edit` and every importer.

use crate::domain::model::{
    CommunicationNeeds, Jurisdiction, StakeholderGroup, email_looks_valid, normalise_email, parse_date, parse_yes_no,
};

/// The columns of a person record as `people.csv` and the flags of `person add|edit` give it, in
/// `people.csv`'s order: `ref` and every field of [`Details`] a person can type (not the
/// normalised email the register derives).
pub const COLUMNS: &[&str] = &[
    "ref",
    "name",
    "email",
    "phone",
    "organisation",
    "stakeholder_group",
    "hub",
    "jurisdiction",
    "adult_confirmed",
    "source",
    "joined_on",
    "notes",
    "communication_needs",
];

/// A person as written in `people.csv`, given as flags or carried in a bundle: raw text keyed by
/// [`COLUMNS`] (a column not given is empty).
#[derive(Debug, Clone, Default)]
pub struct RawPerson {
    values: std::collections::BTreeMap<&'static str, String>,
}

impl RawPerson {
    /// A record whose columns `get` gives.
    pub fn from_fn(mut get: impl FnMut(&str) -> String) -> Self {
        RawPerson { values: COLUMNS.iter().map(|c| (*c, get(c))).collect() }
    }

    /// A stored person's values as the text a person would type: the start of an edit.
    pub fn of(reference: &str, d: &Details) -> Self {
        let stored = serde_json::to_value(d).unwrap_or_default();
        RawPerson::from_fn(|c| match (c, &stored[c]) {
            ("ref", _) => reference.to_string(),
            (_, serde_json::Value::String(s)) => s.clone(),
            (_, serde_json::Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
            _ => String::new(),
        })
    }

    /// The text of one column (empty when not given).
    pub fn get(&self, column: &str) -> &str {
        self.values.get(column).map_or("", String::as_str)
    }

    /// Set every column `given` names (a JSON object of column to text; null leaves a column
    /// as it was). A key that is no column is a bug in the caller.
    pub fn overlay(&mut self, given: &serde_json::Value) {
        for (k, v) in given.as_object().into_iter().flatten() {
            let column = COLUMNS.iter().find(|c| **c == k.as_str());
            debug_assert!(column.is_some(), "{k} is not a person column");
            if let (Some(c), Some(v)) = (column, v.as_str()) {
                self.values.insert(c, v.to_string());
            }
        }
    }
}

/// A person's details: everything the register holds about a person besides its own
/// bookkeeping (id, reference, when the record was made and erased). One shape for validation,
/// the register's row, an update's comparison and the plan. A field is added here, in
/// [`COLUMNS`] and [`validate`], in the register's column list (`register::people`, with its
/// migration) and as a `person add|edit` flag; the CSV import, bundles, edits and the plan follow.
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
    /// How they need written words (`None`: not recorded; letters use the standard form).
    pub communication_needs: Option<CommunicationNeeds>,
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
    validate_with(raw, true)
}

/// Validate a raw person, with or without a name (a mailing-list subscriber a bundle carries may
/// have none).
pub fn validate_with(raw: &RawPerson, name_required: bool) -> Result<PersonFields, Vec<(&'static str, String)>> {
    let mut p: Vec<(&'static str, String)> = Vec::new();
    let name = raw.get("name").trim().to_string();
    if name.is_empty() && name_required {
        p.push(("name", "a name is required".into()));
    }
    let email = opt(raw.get("email"));
    if let Some(e) = &email
        && !email_looks_valid(e)
    {
        p.push(("email", "not an email address (one bare address, like name@example.org)".into()));
    }
    let stakeholder_group = opt(raw.get("stakeholder_group")).and_then(|g| {
        let parsed = StakeholderGroup::parse(&g);
        if parsed.is_none() {
            p.push(("stakeholder_group", format!("unknown group; use {}", StakeholderGroup::list())));
        }
        parsed
    });
    let communication_needs = opt(raw.get("communication_needs")).and_then(|g| {
        let parsed = CommunicationNeeds::parse(&g);
        if parsed.is_none() {
            p.push(("communication_needs", format!("unknown need; use {}", CommunicationNeeds::list())));
        }
        parsed
    });
    let jurisdiction = match opt(raw.get("jurisdiction")) {
        None => Jurisdiction::Unknown,
        Some(j) => Jurisdiction::parse(&j).unwrap_or_else(|| {
            p.push(("jurisdiction", format!("unknown jurisdiction; use {}", Jurisdiction::list())));
            Jurisdiction::Unknown
        }),
    };
    let adult_confirmed = match raw.get("adult_confirmed").trim() {
        "" => false,
        s => parse_yes_no(s).unwrap_or_else(|| {
            p.push(("adult_confirmed", "must be yes or no".into()));
            false
        }),
    };
    let joined_on = opt(raw.get("joined_on"));
    if let Some(d) = &joined_on
        && parse_date(d).is_none()
    {
        p.push(("joined_on", crate::domain::model::NOT_A_DATE.into()));
    }
    let reference = opt(raw.get("ref"));
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
            name: (!name.is_empty()).then_some(name),
            email_norm: email.as_deref().map(normalise_email),
            email: email.map(|e| e.trim().to_string()),
            phone: opt(raw.get("phone")),
            organisation: opt(raw.get("organisation")),
            stakeholder_group,
            hub: opt(raw.get("hub")),
            jurisdiction,
            adult_confirmed,
            source: opt(raw.get("source")),
            joined_on,
            notes: opt(raw.get("notes")),
            communication_needs,
        },
    })
}

// ---------------------------------------------------------------- what erasure keeps

/// The values redaction keeps of an erased or anonymised person, normalised as it matches them:
/// `(kind, value)` for a name of two or more words, an email, a phone of ten or more digits.
pub fn erasable(name: Option<&str>, email: Option<&str>, phone: Option<&str>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(n) = name.filter(|n| n.split_whitespace().count() >= 2) {
        out.push(("name", name_key(n)));
        out.push(("name_first", name_key(n).split(' ').next().unwrap_or_default().to_string()));
    }
    if let Some(e) = email.filter(|e| !e.trim().is_empty()) {
        out.push(("email", normalise_email(e)));
    }
    if let Some(d) = phone.map(phone_digits).filter(|d| d.len() >= 10) {
        out.push(("phone", d));
    }
    out
}

/// A name as the register keys it: words joined by one space, lower case, straight apostrophes.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            key.push(if c == '’' { '\'' } else { c });
        }
    }
    key
}

/// The digits of a phone number, for matching recorded numbers in any format.
pub fn phone_digits(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    match d.strip_prefix("44") {
        Some(rest) if s.trim_start().starts_with('+') => format!("0{}", rest.trim_start_matches('0')),
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_person_read_back_as_text_validates_to_the_same_details() {
        let given = RawPerson::from_fn(|c| {
            match c {
                "ref" => "M0007",
                "name" => "Synthetic Person",
                "email" => "Synthetic.Person@Example.org",
                "phone" => "07700 900000",
                "organisation" => "Example Trust",
                "stakeholder_group" => "family_carer",
                "hub" => "North",
                "jurisdiction" => "scotland",
                "adult_confirmed" => "yes",
                "source" => "sign-up form",
                "joined_on" => "2024-03-01",
                "notes" => "a note",
                "communication_needs" => "easy_read",
                _ => "",
            }
            .to_string()
        });
        let first = validate(&given).unwrap();
        // Every column is set, so a column the text form forgot would show here.
        assert!(COLUMNS.iter().all(|c| !given.get(c).is_empty()));
        let again = validate(&RawPerson::of("M0007", &first.details)).unwrap();
        assert!(again == first, "the text form of stored details must validate to the same details");
    }

    #[test]
    fn flags_overlay_only_what_they_give() {
        let mut raw = RawPerson::from_fn(|c| format!("old {c}"));
        raw.overlay(&serde_json::json!({ "phone": "new", "hub": null }));
        assert_eq!(raw.get("phone"), "new");
        assert_eq!(raw.get("hub"), "old hub");
    }
}
