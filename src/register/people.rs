//! People, their roles and diversity answers, and erasure of their identifying fields.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, ToSql, params};
use serde::Serialize;

use super::{Change, Db, with_fresh_id};
use crate::base::error::{Error, Result};
use crate::domain::model::{Designation, PersonId, RoleKind, fmt_ts};
use crate::domain::people::Details;

// ---------------------------------------------------------------- people

/// A person in the register: the register's bookkeeping around their [`Details`] (which it
/// dereferences to).
#[derive(Clone, Serialize)]
pub struct Person {
    /// The register's id for the person.
    pub id: PersonId,
    /// Their reference (e.g. M0042), unique in the register.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Their details.
    #[serde(flatten)]
    pub details: Details,
    /// When the record was made.
    pub created_at: String,
    /// When they were erased or anonymised.
    pub erased_at: Option<String>,
}

impl std::ops::Deref for Person {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.details
    }
}

impl std::ops::DerefMut for Person {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.details
    }
}

impl std::fmt::Debug for Person {
    // Never print identifying fields through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person").field("id", &self.id).field("ref", &self.reference).finish_non_exhaustive()
    }
}

/// The register's columns for a person's [`Details`], written once: the select, insert and
/// update statements and the row reader all follow this list.
macro_rules! details_columns {
    ($($field:ident),* $(,)?) => {
        const DETAILS_COLS: &[&str] = &[$(stringify!($field)),*];

        fn details_row(r: &Row<'_>, first: usize) -> rusqlite::Result<Details> {
            let mut at = first;
            let mut next = || {
                at += 1;
                at - 1
            };
            Ok(Details { $($field: r.get(next())?,)* })
        }

        fn details_params(d: &Details) -> Vec<&dyn ToSql> {
            vec![$(&d.$field),*]
        }
    };
}

details_columns!(
    name,
    email,
    email_norm,
    phone,
    organisation,
    stakeholder_group,
    hub,
    jurisdiction,
    adult_confirmed,
    source,
    joined_on,
    notes,
    communication_needs,
);

/// `id, ref, <details>, created_at, erased_at`: a person's row.
fn person_cols() -> String {
    format!("id, ref, {}, created_at, erased_at", DETAILS_COLS.join(", "))
}

fn person_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        reference: r.get(1)?,
        details: details_row(r, 2)?,
        created_at: r.get(2 + DETAILS_COLS.len())?,
        erased_at: r.get(3 + DETAILS_COLS.len())?,
    })
}

/// `?1,?2,...,?n`.
fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(",")
}

/// Insert a person; `p.id` is drawn again if it is already taken.
pub fn insert_person(conn: &Change<'_>, p: &mut Person) -> Result<()> {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!("INSERT INTO people({}) VALUES ({})", person_cols(), placeholders(DETAILS_COLS.len() + 4))
    });
    p.id = PersonId::from(
        with_fresh_id(&p.id, |id| {
            let mut values: Vec<&dyn ToSql> = vec![&id, &p.reference];
            values.extend(details_params(&p.details));
            values.extend([&p.created_at as &dyn ToSql, &p.erased_at]);
            conn.prepare_cached(&SQL)?.execute(values.as_slice())
        })?
        .0,
    );
    Ok(())
}

/// Overwrite a person's editable fields: the reference and the details.
pub fn update_person(conn: &Change<'_>, p: &Person) -> Result<()> {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let set: Vec<String> = DETAILS_COLS.iter().enumerate().map(|(i, c)| format!("{c}=?{}", i + 3)).collect();
        format!("UPDATE people SET ref=?2, {} WHERE id=?1", set.join(", "))
    });
    let mut values: Vec<&dyn ToSql> = vec![&p.id, &p.reference];
    values.extend(details_params(&p.details));
    conn.prepare_cached(&SQL)?.execute(values.as_slice())?;
    Ok(())
}

/// A person by id or by reference.
pub fn person(conn: &Db, id_or_ref: &str) -> Result<Option<Person>> {
    // Written once: an import asks for a hundred thousand people.
    static SQL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("SELECT {} FROM people WHERE id = ?1 OR ref = ?1", person_cols()));
    Ok(conn.prepare_cached(&SQL)?.query_row([id_or_ref], person_row).optional()?)
}

/// A person by id or reference, or a `NotFound` error.
pub fn person_required(conn: &Db, id_or_ref: &str) -> Result<Person> {
    person(conn, id_or_ref)?.ok_or_else(|| Error::NotFound { kind: "person", id: id_or_ref.to_string() })
}

/// A person by normalised email.
pub fn person_by_email(conn: &Db, email_norm: &str) -> Result<Option<Person>> {
    static SQL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("SELECT {} FROM people WHERE email_norm = ?1", person_cols()));
    Ok(conn.prepare_cached(&SQL)?.query_row([email_norm], person_row).optional()?)
}

/// Every person, by reference.
pub fn people(conn: &Db) -> Result<Vec<Person>> {
    let mut st = conn.prepare(&format!("SELECT {} FROM people ORDER BY ref", person_cols()))?;
    Ok(st.query_map([], person_row)?.collect::<Result<Vec<_>, _>>()?)
}

/// Count of people (live, erased).
pub fn people_counts(conn: &Db) -> Result<(i64, i64)> {
    Ok(conn.prepare_cached("SELECT COUNT(*) FILTER (WHERE erased_at IS NULL), COUNT(*) FILTER (WHERE erased_at IS NOT NULL) FROM people")?.query_row([],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The next free automatic reference (`P0001`, `P0002`, ...).
pub fn next_ref(conn: &Db) -> Result<String> {
    let n: i64 = conn.prepare_cached("SELECT COUNT(*) FROM people")?.query_row([], |r| r.get(0))?;
    let mut i = n + 1;
    loop {
        let r = format!("P{i:04}");
        if person(conn, &r)?.is_none() {
            return Ok(r);
        }
        i += 1;
    }
}

// ---------------------------------------------------------------- roles

/// A role held by a person.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    pub id: String,
    pub person_id: PersonId,
    pub person_ref: String,
    pub role: RoleKind,
    pub hub: Option<String>,
    pub from: String,
    pub to: Option<String>,
    pub designation: Option<Designation>,
    pub special: bool,
}

/// Insert a role; `r.id` is drawn again if it is already taken.
pub fn insert_role(conn: &Change<'_>, r: &mut Role, now: DateTime<Utc>) -> Result<()> {
    r.id = with_fresh_id(&r.id, |id| {
        conn.prepare_cached("INSERT INTO roles(id, person_id, role, hub, from_date, to_date, designation, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")?
            .execute(params![id, r.person_id, r.role.as_str(), r.hub, r.from, r.to, r.designation.map(Designation::as_str), fmt_ts(now)])
    })?
    .0;
    Ok(())
}

/// Set a role's end date.
pub fn end_role(conn: &Change<'_>, id: &str, to: &str) -> Result<()> {
    conn.prepare_cached("UPDATE roles SET to_date = ?2 WHERE id = ?1")?.execute(params![id, to])?;
    Ok(())
}

/// Every role row, each read as [`roles`] reads it (for `audit verify`, which lists what does not
/// read).
pub(super) fn each_role(conn: &Db, mut each: impl FnMut(Result<Role>) -> Result<()>) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT r.id, r.person_id, r.role, r.hub, r.from_date, r.to_date, r.designation, p.ref
         FROM roles r JOIN people p ON p.id = r.person_id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        each(role_row(r))?;
    }
    Ok(())
}

/// A role as [`roles`] selects it, its codes read (a designation that does not read stops the
/// read: never taken for one that reveals nothing).
fn role_row(r: &Row<'_>) -> Result<Role> {
    let id: String = r.get(0)?;
    let v = super::Stored { table: "roles", row: &id };
    let designation: Option<Designation> = v.code_opt("designation", r.get::<_, Option<String>>(6)?.as_deref())?;
    Ok(Role {
        person_id: r.get(1)?,
        person_ref: r.get(7)?,
        role: v.code("role", &r.get::<_, String>(2)?)?,
        hub: r.get(3)?,
        from: r.get(4)?,
        to: r.get(5)?,
        special: designation.is_some_and(Designation::is_special),
        designation,
        id,
    })
}

/// Roles, optionally only those of one person.
pub fn roles(conn: &Db, person_id: Option<&str>) -> Result<Vec<Role>> {
    let mut st = conn.prepare(
        "SELECT r.id, r.person_id, r.role, r.hub, r.from_date, r.to_date, r.designation, p.ref
         FROM roles r JOIN people p ON p.id = r.person_id
         WHERE ?1 IS NULL OR r.person_id = ?1 ORDER BY p.ref, r.from_date, r.role",
    )?;
    let mut rows = st.query([person_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(role_row(r)?);
    }
    Ok(out)
}

/// One role.
pub fn role(conn: &Db, id: &str) -> Result<Option<Role>> {
    Ok(roles(conn, None)?.into_iter().find(|r| r.id == id))
}

// ---------------------------------------------------------------- diversity

/// Set (or replace) a person's answer for one diversity category.
pub fn set_diversity(
    conn: &Change<'_>,
    person_id: &str,
    category: &str,
    value: &str,
    consent_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let same: Option<String> = conn
        .prepare_cached("SELECT value FROM diversity WHERE person_id = ?1 AND category = ?2")?
        .query_row([person_id, category], |r| r.get(0))
        .optional()?;
    if same.as_deref() == Some(value) {
        return Ok(false);
    }
    conn.prepare_cached("INSERT INTO diversity(person_id, category, value, consent_id, set_at) VALUES (?1,?2,?3,?4,?5)
         ON CONFLICT(person_id, category) DO UPDATE SET value = excluded.value, consent_id = excluded.consent_id, set_at = excluded.set_at")?.execute(params![person_id, category, value, consent_id, fmt_ts(now)],
    )?;
    Ok(true)
}

/// A person's diversity answers as (category, value).
pub fn diversity(conn: &Db, person_id: &str) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare("SELECT category, value FROM diversity WHERE person_id = ?1 ORDER BY category")?;
    Ok(st.query_map([person_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?)
}

/// The ids of people who have diversity answers.
pub fn people_with_diversity(conn: &Db) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT DISTINCT person_id FROM diversity ORDER BY person_id")?;
    Ok(st.query_map([], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?)
}

/// Erase a person: blank every identifying field in every table, keep non-identifying facts,
/// write a tombstone. The caller adds the suppression entry and the audit entry.
pub fn erase_person(
    conn: &Change<'_>,
    p: &Person,
    hash: &str,
    reason: &str,
    basis: &str,
    expires: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = fmt_ts(now);
    strip_person(conn, &p.id, now)?;
    conn.prepare_cached(
        "INSERT INTO tombstones(person_id, hash, erased_at, reason, basis, expires) VALUES (?1,?2,?3,?4,?5,?6)",
    )?
    .execute(params![p.id, hash, at, reason, basis, expires])?;
    Ok(())
}

/// Remove everything that could single a person out (erasure, or anonymisation when a retention
/// period ends): name, contact details, organisation, hub, source and notes; their reference
/// (replaced by `erased-` and their internal id), stakeholder group, jurisdiction, adult
/// confirmation and joining date; their roles (with designations) and diversity answers; the
/// evidence references, support notes, capacity notes and authority references of their consent
/// events, and the reviews of them. Their name, email and phone stay only as keyed hashes, for
/// redaction to keep them out of later documents. In a
/// steering group of three, "the co-chair since 2023 with lived experience" is a person, and
/// health data. What stays: the internal id, when and why they were erased, and their consent
/// events' purposes, actions and dates (counted for nothing).
pub fn strip_person(conn: &Change<'_>, person_id: &str, now: DateTime<Utc>) -> Result<()> {
    let at = fmt_ts(now);
    // What redaction needs to keep them out of later documents, as keyed hashes only.
    let held: Option<(Option<String>, Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT name, email_norm, phone FROM people WHERE id = ?1")?
        .query_row([person_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((name, email, phone)) = held {
        let key = super::setting(conn, "hash_key")?.unwrap_or_default();
        let mut keep = conn.prepare_cached(
            "INSERT OR IGNORE INTO erased_identifiers(person_id, kind, hash, words) VALUES (?1,?2,?3,?4)",
        )?;
        for (kind, value) in crate::domain::people::erasable(name.as_deref(), email.as_deref(), phone.as_deref()) {
            let words = (kind == "name").then(|| value.split(' ').count() as i64);
            keep.execute(params![person_id, kind, super::suppression::hash_with(&key, &value)?, words])?;
        }
    }
    conn.prepare_cached(
        "UPDATE people SET name = NULL, email = NULL, email_norm = NULL, phone = NULL, organisation = NULL,
            notes = NULL, source = NULL, hub = NULL, stakeholder_group = NULL, joined_on = NULL, communication_needs = NULL,
            jurisdiction = 'unknown', adult_confirmed = 0, ref = 'erased-' || substr(id, 5), erased_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![person_id, at])?;
    conn.prepare_cached(
        "UPDATE consent_events SET evidence_ref = CASE WHEN evidence_ref IS NULL THEN NULL ELSE '[erased]' END,
            support_given = NULL, authority_ref = CASE WHEN authority_ref IS NULL THEN NULL ELSE '[erased]' END,
            context = NULL, capacity_concern = NULL, capacity_assessment = NULL WHERE person_id = ?1",
    )?
    .execute([person_id])?;
    // Corrections owed to a receiver carry the old person's details: only what changed stays.
    conn.prepare_cached("UPDATE art19_changes SET detail = NULL WHERE person_id = ?1")?.execute([person_id])?;
    // Reviews say why someone was held back (their capacity, where they live): they go too.
    conn.prepare_cached("DELETE FROM reviews WHERE person_id = ?1")?.execute([person_id])?;
    conn.prepare_cached("DELETE FROM diversity WHERE person_id = ?1")?.execute([person_id])?;
    conn.prepare_cached("DELETE FROM roles WHERE person_id = ?1")?.execute([person_id])?;
    conn.prepare_cached("DELETE FROM received_refs WHERE person_id = ?1")?.execute([person_id])?;
    Ok(())
}

/// The person of this register a sender's reference stands for (see `received_refs`).
pub fn received_ref(conn: &Db, sender: &str, source_ref: &str) -> Result<Option<PersonId>> {
    Ok(conn
        .prepare_cached("SELECT person_id FROM received_refs WHERE controller = ?1 AND source_ref = ?2")?
        .query_row([sender, source_ref], |r| r.get(0))
        .optional()?)
}

/// Record which person of this register a sender's reference stands for.
pub fn record_received_ref(conn: &Change<'_>, sender: &str, source_ref: &str, person_id: &PersonId) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO received_refs(controller, source_ref, person_id) VALUES (?1, ?2, ?3)
         ON CONFLICT(controller, source_ref) DO UPDATE SET person_id = excluded.person_id",
    )?
    .execute(params![sender, source_ref, person_id])?;
    Ok(())
}

/// The erased and anonymised people's identifiers kept for redaction: (kind, keyed hash, words).
pub fn erased_identifiers(conn: &Db) -> Result<Vec<(String, String, Option<i64>)>> {
    let mut st = conn.prepare_cached("SELECT kind, hash, words FROM erased_identifiers")?;
    Ok(st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?)
}
