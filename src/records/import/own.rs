//! The tool's own CSV formats: people, consent, roles, bases, notices sent, diversity. Each row
//! goes into the register through [`crate::records`], the one write path.

use std::borrow::Cow;

use super::{Counts, CsvFile, CsvRow, Problems, bump};
use crate::base::error::Result;
use crate::domain::consent::{RawConsent, validate};
use crate::domain::people::RawPerson;
use crate::records::{
    Upsert, apply_basis, apply_diversity, apply_notice_sent, apply_role, resolve_person, store_consent, upsert_person,
};
use crate::register::Change;
use crate::register::catalogue::{CatalogueSnapshot, RegisterLookup};
use crate::register::people::Person;

// Column sets of the tool's own CSV formats (exact; order as documented).

/// `people.csv`'s required columns: the person record's, less the optional ones it ends with.
pub const PEOPLE_COLUMNS: &[&str] =
    crate::domain::people::COLUMNS.split_at(crate::domain::people::COLUMNS.len() - PEOPLE_OPTIONAL.len()).0;
/// `consent.csv` columns.
pub const CONSENT_COLUMNS: &[&str] = &[
    "person_ref",
    "email",
    "purpose",
    "action",
    "controllers",
    "channels",
    "statement_version",
    "notice_version",
    "method",
    "evidence_ref",
    "at",
    "recorded_by",
    "given_by",
    "authority_kind",
    "authority_ref",
    "verified_by",
    "verified_at",
    "support_given",
    "told_can_withdraw",
    "special_categories",
];
/// `consent.csv` columns a file may add: a capacity concern noted with the consent (`yes`/`no`),
/// the reference of the capacity assessment, if one was made,
/// and the form of the statement shown (`standard`, `easy_read`, `audio_script`).
pub const CONSENT_OPTIONAL: &[&str] = &["capacity_concern", "capacity_assessment", "statement_format"];

/// The optional columns of one of the tool's own formats, by its file name.
pub fn optional_columns(format: &str) -> &'static [&'static str] {
    match format {
        "consent.csv" => CONSENT_OPTIONAL,
        // Added later: a file without it is read as it always was.
        "people.csv" => PEOPLE_OPTIONAL,
        // The send list `notice send-list` writes has the name on it, to address the letters.
        "notices-sent.csv" => &["name"],
        _ => &[],
    }
}

/// `people.csv`'s columns that may be left out (added later).
const PEOPLE_OPTIONAL: &[&str] = &["communication_needs"];

/// `roles.csv` columns.
pub const ROLES_COLUMNS: &[&str] = &["person_ref", "email", "role", "hub", "from", "to", "designation"];
/// `bases.csv` columns.
pub const BASES_COLUMNS: &[&str] =
    &["person_ref", "email", "purpose", "basis", "controllers", "assessment_ref", "decided_by", "decided_at", "action"];
/// `notices-sent.csv` columns.
pub const NOTICES_SENT_COLUMNS: &[&str] = &["person_ref", "email", "notice_version", "sent_at", "channel"];
/// `diversity.csv` columns.
pub const DIVERSITY_COLUMNS: &[&str] = &["person_ref", "email", "category", "value"];

fn raw_person(file: &CsvFile, row: &super::CsvRow) -> RawPerson {
    RawPerson::from_fn(|c| file.get(row, c).into())
}

/// Import `people.csv`.
pub fn import_people(c: &Change<'_>, file: &CsvFile, problems: &mut Problems, counts: &mut Counts) -> Result<()> {
    let mut seen_email = std::collections::HashMap::new();
    let mut seen_ref = std::collections::HashMap::new();
    file.each_row(|row| {
        let fields = match crate::domain::people::validate(&raw_person(file, row)) {
            Ok(f) => f,
            Err(ps) => {
                for (col, msg) in ps {
                    problems.add(row.line, col, msg);
                }
                return Ok(());
            }
        };
        if let Some(e) = &fields.email_norm
            && let Some(first) = seen_email.insert(e.clone(), row.line)
        {
            problems.add(row.line, "email", format!("duplicate email (same address as line {first})"));
            return Ok(());
        }
        if let Some(r) = &fields.reference
            && let Some(first) = seen_ref.insert(r.clone(), row.line)
        {
            problems.add(row.line, "ref", format!("duplicate ref (same as line {first})"));
            return Ok(());
        }
        match upsert_person(c, &fields)? {
            Ok((Upsert::New, _)) => bump(counts, "people_added"),
            Ok((Upsert::Updated, _)) => bump(counts, "people_updated"),
            Ok((Upsert::Unchanged, _)) => bump(counts, "people_unchanged"),
            Err(ps) => ps.into_iter().for_each(|(col, msg)| problems.add(row.line, col, msg)),
        }
        Ok(())
    })
}

/// Resolve a row's person or record the problem.
fn row_person(c: &Change<'_>, file: &CsvFile, row: &super::CsvRow, problems: &mut Problems) -> Result<Option<Person>> {
    match resolve_person(c, file.get(row, "person_ref"), file.get(row, "email"))? {
        Ok(p) => Ok(Some(p)),
        Err(ps) => {
            ps.into_iter().for_each(|(col, msg)| problems.add(row.line, col, msg));
            Ok(None)
        }
    }
}

/// Import `consent.csv`.
pub fn import_consent(c: &Change<'_>, file: &CsvFile, problems: &mut Problems, counts: &mut Counts) -> Result<()> {
    let source = format!("import:{}", file.sha256);
    // Nothing here adds to the suppression list: it is read once, not once a row.
    let lookup = RegisterLookup::new(c).list_fixed();
    // A person's events usually come together: keep the last person found for the next row.
    let mut last: Option<((String, String), Person)> = None;
    // A million rows: each column is found in the header once, not once a row.
    let col = |name: &str| file.column(name);
    let (person_ref, email) = (col("person_ref"), col("email"));
    let cols: [Option<usize>; 21] = [
        "purpose",
        "action",
        "controllers",
        "channels",
        "statement_version",
        "statement_format",
        "notice_version",
        "method",
        "evidence_ref",
        "at",
        "recorded_by",
        "given_by",
        "authority_kind",
        "authority_ref",
        "verified_by",
        "verified_at",
        "support_given",
        "capacity_concern",
        "capacity_assessment",
        "told_can_withdraw",
        "special_categories",
    ]
    .map(col);
    // The rows are checked against the catalogue read once, on the other core for a large file,
    // as if the person were an adult (a row for someone not confirmed as one is checked again).
    let catalogue = CatalogueSnapshot::new(c)?;
    let now = c.now;
    let check = |row: &CsvRow, adult: bool| validate(&raw_consent(row, &cols), adult, now, &catalogue);
    crate::register::evidence::with_bulk_consent(c, file.rows_about(), || {
        file.each_row_prepared(
            |row| check(row, true),
            |row, checked| {
                let same = last.as_ref().is_some_and(|((r, e), _)| r == row.cell(person_ref) && e == row.cell(email));
                if !same {
                    let key = (row.cell(person_ref).to_string(), row.cell(email).to_string());
                    let Some(p) = row_person(c, file, row, problems)? else {
                        return Ok(());
                    };
                    last = Some((key, p));
                }
                // Borrowed, not cloned: a person's record is a dozen strings, and a million rows.
                let Some((_, person)) = &last else { return Ok(()) };
                let again;
                let checked = if person.adult_confirmed {
                    checked
                } else {
                    again = check(row, false);
                    &again
                };
                match store_consent(c, &lookup, person, checked, &source)? {
                    Ok(Some(_)) => bump(counts, "events_added"),
                    Ok(None) => bump(counts, "events_unchanged"),
                    Err(ps) => ps.into_iter().for_each(|(col, msg)| problems.add(row.line, col, msg)),
                }
                Ok(())
            },
        )
    })
}

/// A `consent.csv` row's values, borrowed (a million rows), its columns found by
/// [`import_consent`] in the order of its list.
fn raw_consent<'r>(row: &'r CsvRow, cols: &[Option<usize>; 21]) -> RawConsent<'r> {
    let g = |i: usize| Cow::Borrowed(row.cell(cols[i]));
    RawConsent {
        purpose: g(0),
        action: g(1),
        controllers: g(2),
        channels: g(3),
        statement_version: g(4),
        statement_format: g(5),
        notice_version: g(6),
        method: g(7),
        evidence_ref: g(8),
        at: g(9),
        recorded_by: g(10),
        given_by: g(11),
        authority_kind: g(12),
        authority_ref: g(13),
        verified_by: g(14),
        verified_at: g(15),
        support_given: g(16),
        capacity_concern: g(17),
        capacity_assessment: g(18),
        told_can_withdraw: g(19),
        special_categories: g(20),
        context: "".into(),
    }
}

/// Import `roles.csv`.
pub fn import_roles(c: &Change<'_>, file: &CsvFile, problems: &mut Problems, counts: &mut Counts) -> Result<()> {
    file.each_row(|row| {
        let Some(person) = row_person(c, file, row, problems)? else {
            return Ok(());
        };
        let g = |k: &str| file.get(row, k);
        match apply_role(c, &person, g("role"), g("hub"), g("from"), g("to"), g("designation"))? {
            Ok(Some(_)) => bump(counts, "roles_added_or_ended"),
            Ok(None) => bump(counts, "roles_unchanged"),
            Err(ps) => ps.into_iter().for_each(|(col, msg)| problems.add(row.line, col, msg)),
        }
        Ok(())
    })
}

/// Import `bases.csv`.
pub fn import_bases(c: &Change<'_>, file: &CsvFile, problems: &mut Problems, counts: &mut Counts) -> Result<()> {
    file.each_row(|row| {
        let Some(person) = row_person(c, file, row, problems)? else {
            return Ok(());
        };
        let g = |k: &str| file.get(row, k);
        match apply_basis(
            c,
            &person,
            g("purpose"),
            g("action"),
            g("basis"),
            g("controllers"),
            g("assessment_ref"),
            g("decided_by"),
            g("decided_at"),
        )? {
            Ok(true) => bump(counts, "events_added"),
            Ok(false) => bump(counts, "events_unchanged"),
            Err(ps) => ps.into_iter().for_each(|(col, msg)| problems.add(row.line, col, msg)),
        }
        Ok(())
    })
}

/// Import the notice send log, then close each Art 14 task whose received people have all been
/// sent a notice since their bundle came (in the same transaction).
pub fn import_notices_sent_closing_art14(
    c: &Change<'_>,
    file: &CsvFile,
    problems: &mut Problems,
    counts: &mut Counts,
) -> Result<()> {
    import_notices_sent(c, file, problems, counts)?;
    if problems.is_empty() {
        let closed = crate::records::close_covered_art14(c)?;
        if !closed.is_empty() {
            counts.insert("privacy_notice_tasks_closed", closed.len() as i64);
        }
    }
    Ok(())
}

/// Import `notices-sent.csv`.
pub fn import_notices_sent(c: &Change<'_>, file: &CsvFile, problems: &mut Problems, counts: &mut Counts) -> Result<()> {
    file.each_row(|row| {
        let Some(person) = row_person(c, file, row, problems)? else {
            return Ok(());
        };
        let g = |k: &str| file.get(row, k);
        match apply_notice_sent(c, &person, g("notice_version"), g("sent_at"), g("channel"))? {
            Ok(true) => bump(counts, "deliveries_added"),
            Ok(false) => bump(counts, "deliveries_unchanged"),
            Err(ps) => ps.into_iter().for_each(|(col, msg)| problems.add(row.line, col, msg)),
        }
        Ok(())
    })
}

/// Import `diversity.csv`.
pub fn import_diversity(c: &Change<'_>, file: &CsvFile, problems: &mut Problems, counts: &mut Counts) -> Result<()> {
    file.each_row(|row| {
        let Some(person) = row_person(c, file, row, problems)? else {
            return Ok(());
        };
        match apply_diversity(c, &person, file.get(row, "category"), file.get(row, "value"))? {
            Ok(true) => bump(counts, "answers_set"),
            Ok(false) => bump(counts, "answers_unchanged"),
            Err(ps) => ps.into_iter().for_each(|(col, msg)| problems.add(row.line, col, msg)),
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    /// `people.csv`'s columns, required and optional, are every column of a person record.
    #[test]
    fn people_columns_are_the_person_record() {
        let all: Vec<&str> = super::PEOPLE_COLUMNS.iter().chain(super::PEOPLE_OPTIONAL).copied().collect();
        assert_eq!(all, crate::domain::people::COLUMNS);
    }
}
