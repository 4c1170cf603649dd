//! Typed queries. Every SQL string of the tool lives in this module or its siblings.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use super::Db;
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::consent::{ConsentEvent, EventView, Lookup, PurposeInfo};
use crate::error::{Error, Result};
use crate::model::{Channel, ConsentAction, fmt_ts, parse_timestamp};

fn json_list(v: &[impl AsRef<str>]) -> String {
    serde_json::to_string(&v.iter().map(|s| s.as_ref()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

pub fn parse_list(s: &str) -> Vec<String> {
    // Most lists in a large register are empty or hold one plain slug: no JSON parser for those.
    match s.strip_prefix("[\"").and_then(|r| r.strip_suffix("\"]")) {
        _ if s == "[]" => Vec::new(),
        Some(one) if !one.contains(['"', '\\']) => vec![one.to_string()],
        _ => serde_json::from_str(s).unwrap_or_default(),
    }
}

// ---------------------------------------------------------------- controllers

/// A controller: the outgoing organisation or a receiving group.
#[derive(Debug, Clone, Serialize)]
pub struct Controller {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub is_self: bool,
    pub contact: Option<String>,
    pub accountable_person: Option<String>,
    pub ico_fee_status: Option<String>,
    pub dsa_ref: Option<String>,
    pub dpia_ref: Option<String>,
    pub created_at: String,
}

const CONTROLLER_COLS: &str =
    "slug, name, kind, is_self, contact, accountable_person, ico_fee_status, dsa_ref, dpia_ref, created_at";

fn controller_row(r: &Row<'_>) -> rusqlite::Result<Controller> {
    let slug: String = r.get(0)?;
    Ok(Controller {
        id: slug.clone(),
        slug,
        name: r.get(1)?,
        kind: r.get(2)?,
        is_self: r.get(3)?,
        contact: r.get(4)?,
        accountable_person: r.get(5)?,
        ico_fee_status: r.get(6)?,
        dsa_ref: r.get(7)?,
        dpia_ref: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// Insert a controller.
pub fn insert_controller(conn: &Db, c: &Controller) -> Result<()> {
    if controller(conn, &c.slug)?.is_some() {
        return Err(Error::DuplicateController { slug: c.slug.clone() });
    }
    conn.prepare_cached(&format!(
        "INSERT INTO controllers({CONTROLLER_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
    ))?
    .execute(params![
        c.slug,
        c.name,
        c.kind,
        c.is_self,
        c.contact,
        c.accountable_person,
        c.ico_fee_status,
        c.dsa_ref,
        c.dpia_ref,
        c.created_at
    ])?;
    Ok(())
}

/// Update a controller's editable fields (all of them, as given).
pub fn update_controller(conn: &Db, c: &Controller) -> Result<()> {
    conn.prepare_cached("UPDATE controllers SET name=?2, kind=?3, contact=?4, accountable_person=?5, ico_fee_status=?6, dsa_ref=?7, dpia_ref=?8 WHERE slug=?1")?.execute(params![c.slug, c.name, c.kind, c.contact, c.accountable_person, c.ico_fee_status, c.dsa_ref, c.dpia_ref],
    )?;
    Ok(())
}

/// One controller by slug.
pub fn controller(conn: &Db, slug: &str) -> Result<Option<Controller>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {CONTROLLER_COLS} FROM controllers WHERE slug = ?1"))?
        .query_row([slug], controller_row)
        .optional()?)
}

/// Every controller, the register's own first.
pub fn controllers(conn: &Db) -> Result<Vec<Controller>> {
    let mut st = conn.prepare(&format!("SELECT {CONTROLLER_COLS} FROM controllers ORDER BY is_self DESC, slug"))?;
    Ok(st.query_map([], controller_row)?.collect::<Result<Vec<_>, _>>()?)
}

/// The register's own (outgoing) controller.
pub fn self_controller(conn: &Db) -> Result<Controller> {
    conn.prepare_cached(&format!("SELECT {CONTROLLER_COLS} FROM controllers WHERE is_self = 1"))?
        .query_row([], controller_row)
        .optional()?
        .ok_or_else(|| Error::Internal("register has no own controller".into()))
}

// ---------------------------------------------------------------- purposes

/// A purpose in the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Purpose {
    pub id: String,
    pub code: String,
    pub name: String,
    pub channels: Vec<String>,
    pub special: bool,
    pub marketing: bool,
    pub refresh_months: Option<u32>,
    pub fields: Vec<String>,
}

/// Insert a purpose (used by `init`).
pub fn insert_purpose(conn: &Db, p: &Purpose) -> Result<()> {
    conn.prepare_cached("INSERT INTO purposes(code, name, channels, special, marketing, refresh_months, fields) VALUES (?1,?2,?3,?4,?5,?6,?7)")?.execute(params![p.code, p.name, json_list(&p.channels), p.special, p.marketing, p.refresh_months, json_list(&p.fields)],
    )?;
    Ok(())
}

fn purpose_row(r: &Row<'_>) -> rusqlite::Result<Purpose> {
    let code: String = r.get(0)?;
    Ok(Purpose {
        id: code.clone(),
        code,
        name: r.get(1)?,
        channels: parse_list(&r.get::<_, String>(2)?),
        special: r.get(3)?,
        marketing: r.get(4)?,
        refresh_months: r.get(5)?,
        fields: parse_list(&r.get::<_, String>(6)?),
    })
}

/// The purpose catalogue.
pub fn purposes(conn: &Db) -> Result<Vec<Purpose>> {
    let mut st = conn.prepare(
        "SELECT code, name, channels, special, marketing, refresh_months, fields FROM purposes ORDER BY rowid",
    )?;
    Ok(st.query_map([], purpose_row)?.collect::<Result<Vec<_>, _>>()?)
}

/// One purpose.
pub fn purpose(conn: &Db, code: &str) -> Result<Option<Purpose>> {
    Ok(conn
        .prepare_cached(
            "SELECT code, name, channels, special, marketing, refresh_months, fields FROM purposes WHERE code = ?1",
        )?
        .query_row([code], purpose_row)
        .optional()?)
}

// ---------------------------------------------------------------- people

/// A person in the register.
#[derive(Clone, Serialize)]
pub struct Person {
    pub id: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(skip)]
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
    pub created_at: String,
    pub erased_at: Option<String>,
}

impl std::fmt::Debug for Person {
    // Never print identifying fields through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person").field("id", &self.id).field("ref", &self.reference).finish_non_exhaustive()
    }
}

const PERSON_COLS: &str = "id, ref, name, email, email_norm, phone, organisation, stakeholder_group, hub, jurisdiction, adult_confirmed, source, joined_on, notes, created_at, erased_at";

fn person_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        reference: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        email_norm: r.get(4)?,
        phone: r.get(5)?,
        organisation: r.get(6)?,
        stakeholder_group: r.get(7)?,
        hub: r.get(8)?,
        jurisdiction: r.get(9)?,
        adult_confirmed: r.get(10)?,
        source: r.get(11)?,
        joined_on: r.get(12)?,
        notes: r.get(13)?,
        created_at: r.get(14)?,
        erased_at: r.get(15)?,
    })
}

/// Run `insert` with the id `first`, and again with a new id of the same prefix while the id is
/// already taken (SQLite's primary-key constraint), up to eight tries; returns the id used. Ids are
/// random (`new_id`), so a repeat is rare but, in a register of a million events, not negligible:
/// it must neither fail an import nor, under an `ON CONFLICT`, pass the row off as one already
/// recorded.
fn with_fresh_id<T>(first: &str, mut insert: impl FnMut(&str) -> rusqlite::Result<T>) -> Result<(String, T)> {
    const TRIES: usize = 8;
    let mut id = first.to_string();
    for _ in 1..TRIES {
        match insert(&id) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                id = crate::model::new_id(first.split_once('_').map_or("id", |(prefix, _)| prefix));
            }
            done => return Ok((id, done?)),
        }
    }
    let done = insert(&id)?;
    Ok((id, done))
}

/// Insert a person; `p.id` is drawn again if it is already taken.
pub fn insert_person(conn: &Db, p: &mut Person) -> Result<()> {
    p.id = with_fresh_id(&p.id, |id| {
        conn.prepare_cached(&format!(
            "INSERT INTO people({PERSON_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)"
        ))?
        .execute(params![
            id,
            p.reference,
            p.name,
            p.email,
            p.email_norm,
            p.phone,
            p.organisation,
            p.stakeholder_group,
            p.hub,
            p.jurisdiction,
            p.adult_confirmed,
            p.source,
            p.joined_on,
            p.notes,
            p.created_at,
            p.erased_at
        ])
    })?
    .0;
    Ok(())
}

/// Overwrite a person's editable fields.
pub fn update_person(conn: &Db, p: &Person) -> Result<()> {
    conn.prepare_cached("UPDATE people SET ref=?2, name=?3, email=?4, email_norm=?5, phone=?6, organisation=?7, stakeholder_group=?8, hub=?9, jurisdiction=?10, adult_confirmed=?11, source=?12, joined_on=?13, notes=?14 WHERE id=?1")?.execute(params![
            p.id, p.reference, p.name, p.email, p.email_norm, p.phone, p.organisation, p.stakeholder_group, p.hub,
            p.jurisdiction, p.adult_confirmed, p.source, p.joined_on, p.notes
        ],
    )?;
    Ok(())
}

/// A person by id or by reference.
pub fn person(conn: &Db, id_or_ref: &str) -> Result<Option<Person>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PERSON_COLS} FROM people WHERE id = ?1 OR ref = ?1"))?
        .query_row([id_or_ref], person_row)
        .optional()?)
}

/// A person by id or reference, or a `NotFound` error.
pub fn person_required(conn: &Db, id_or_ref: &str) -> Result<Person> {
    person(conn, id_or_ref)?.ok_or_else(|| Error::NotFound { kind: "person", id: id_or_ref.to_string() })
}

/// A person by normalised email.
pub fn person_by_email(conn: &Db, email_norm: &str) -> Result<Option<Person>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PERSON_COLS} FROM people WHERE email_norm = ?1"))?
        .query_row([email_norm], person_row)
        .optional()?)
}

/// Every person, by reference.
pub fn people(conn: &Db) -> Result<Vec<Person>> {
    let mut st = conn.prepare(&format!("SELECT {PERSON_COLS} FROM people ORDER BY ref"))?;
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
    pub person_id: String,
    pub person_ref: String,
    pub role: String,
    pub hub: Option<String>,
    pub from: String,
    pub to: Option<String>,
    pub designation: Option<String>,
    pub special: bool,
}

/// Insert a role; `r.id` is drawn again if it is already taken.
pub fn insert_role(conn: &Db, r: &mut Role, now: DateTime<Utc>) -> Result<()> {
    r.id = with_fresh_id(&r.id, |id| {
        conn.prepare_cached("INSERT INTO roles(id, person_id, role, hub, from_date, to_date, designation, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")?
            .execute(params![id, r.person_id, r.role, r.hub, r.from, r.to, r.designation, fmt_ts(now)])
    })?
    .0;
    Ok(())
}

/// Set a role's end date.
pub fn end_role(conn: &Db, id: &str, to: &str) -> Result<()> {
    conn.prepare_cached("UPDATE roles SET to_date = ?2 WHERE id = ?1")?.execute(params![id, to])?;
    Ok(())
}

fn role_row(r: &Row<'_>) -> rusqlite::Result<Role> {
    let designation: Option<String> = r.get(6)?;
    let special = designation
        .as_deref()
        .and_then(crate::model::Designation::parse)
        .is_some_and(crate::model::Designation::is_special);
    Ok(Role {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_ref: r.get(7)?,
        role: r.get(2)?,
        hub: r.get(3)?,
        from: r.get(4)?,
        to: r.get(5)?,
        designation,
        special,
    })
}

/// Roles, optionally only those of one person.
pub fn roles(conn: &Db, person_id: Option<&str>) -> Result<Vec<Role>> {
    let mut st = conn.prepare(
        "SELECT r.id, r.person_id, r.role, r.hub, r.from_date, r.to_date, r.designation, p.ref
         FROM roles r JOIN people p ON p.id = r.person_id
         WHERE ?1 IS NULL OR r.person_id = ?1 ORDER BY p.ref, r.from_date, r.role",
    )?;
    Ok(st.query_map([person_id], role_row)?.collect::<Result<Vec<_>, _>>()?)
}

/// One role.
pub fn role(conn: &Db, id: &str) -> Result<Option<Role>> {
    Ok(roles(conn, None)?.into_iter().find(|r| r.id == id))
}

// ---------------------------------------------------------------- statements and notices

/// A consent statement or privacy notice version.
#[derive(Debug, Clone, Serialize)]
pub struct TextVersion {
    pub id: String,
    pub version: String,
    pub format: String,
    pub purpose: Option<String>,
    pub sha256: String,
    pub effective_from: String,
    pub announces: Vec<String>,
}

/// Insert a statement version.
pub fn insert_statement(conn: &Db, v: &TextVersion, body: &str, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("INSERT INTO statements(version, format, purpose, sha256, body, effective_from, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7)")?.execute(params![v.version, v.format, v.purpose, v.sha256, body, v.effective_from, fmt_ts(now)],
    )?;
    Ok(())
}

/// Insert a notice version with what it announces (`controller:purpose`).
pub fn insert_notice(conn: &Db, v: &TextVersion, body: &str, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO notices(version, format, sha256, body, effective_from, created_at) VALUES (?1,?2,?3,?4,?5,?6)",
    )?
    .execute(params![v.version, v.format, v.sha256, body, v.effective_from, fmt_ts(now)])?;
    for a in &v.announces {
        if let Some((c, p)) = a.split_once(':') {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO notice_announces(notice_version, controller, purpose) VALUES (?1,?2,?3)",
            )?
            .execute(params![v.version, c, p])?;
        }
    }
    Ok(())
}

/// Whether a statement or notice version/format exists.
pub fn text_exists(conn: &Db, kind: &str, version: &str, format: &str) -> Result<bool> {
    let table = if kind == "statement" { "statements" } else { "notices" };
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE version = ?1 AND format = ?2"))?
        .query_row([version, format], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every statement (`kind` = "statement") or notice version.
pub fn texts(conn: &Db, kind: &str) -> Result<Vec<TextVersion>> {
    let sql = if kind == "statement" {
        "SELECT version, format, purpose, sha256, effective_from FROM statements ORDER BY effective_from, version, format"
    } else {
        "SELECT version, format, NULL, sha256, effective_from FROM notices ORDER BY effective_from, version, format"
    };
    let mut st = conn.prepare(sql)?;
    let mut out = st
        .query_map([], |r| {
            let version: String = r.get(0)?;
            let format: String = r.get(1)?;
            Ok(TextVersion {
                id: format!("{version}/{format}"),
                version,
                format,
                purpose: r.get(2)?,
                sha256: r.get(3)?,
                effective_from: r.get(4)?,
                announces: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    if kind != "statement" {
        let mut st = conn.prepare(
            "SELECT controller || ':' || purpose FROM notice_announces WHERE notice_version = ?1 ORDER BY 1",
        )?;
        for t in &mut out {
            t.announces = st.query_map([&t.version], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        }
    }
    Ok(out)
}

/// The SHA-256 of the standard-format (else any) text of a statement version.
pub fn statement_sha(conn: &Db, version: &str) -> Result<Option<String>> {
    // Plain lookups, ordered here: SQLite re-prepares a cached statement with ORDER BY … LIMIT or
    // MIN() over a bound key on every run, which imports pay per row.
    let mut st = conn.prepare_cached("SELECT sha256, format FROM statements WHERE version = ?1")?;
    let rows: Vec<(String, String)> =
        st.query_map([version], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows.iter().find(|(_, f)| f == "standard").or(rows.first()).map(|(sha, _)| sha.clone()))
}

/// The earliest effective date among rows of a text table matching the query.
fn earliest(conn: &Db, sql: &str, params: impl rusqlite::Params) -> Option<DateTime<Utc>> {
    let mut st = conn.prepare_cached(sql).ok()?;
    let dates: Vec<String> = st.query_map(params, |r| r.get(0)).ok()?.filter_map(|d| d.ok()).collect();
    dates.iter().min().and_then(|d| parse_timestamp(d))
}

/// Lookups for consent validation, answered by the register.
pub struct RegisterLookup<'a> {
    conn: &'a Db,
    /// Answers already given: within one transaction purposes, controllers and texts stay put,
    /// and an import asks the same few questions for every row.
    memo: std::cell::RefCell<LookupMemo>,
}

#[derive(Default)]
struct LookupMemo {
    purposes: HashMap<String, Option<PurposeInfo>>,
    controllers: HashMap<String, bool>,
    statements: HashMap<(String, String), Option<DateTime<Utc>>>,
    notices: HashMap<String, Option<DateTime<Utc>>>,
    suppression: Option<std::rc::Rc<super::Suppression>>,
    marketing: HashMap<String, Option<bool>>,
    statement_shas: HashMap<String, Option<String>>,
}

impl<'a> RegisterLookup<'a> {
    /// Lookups against `conn`, remembered for the life of this value.
    pub fn new(conn: &'a Db) -> RegisterLookup<'a> {
        RegisterLookup { conn, memo: std::cell::RefCell::new(LookupMemo::default()) }
    }

    /// An answer remembered in `pick` under `key`, or loaded and remembered.
    fn remember<V: Clone>(
        &self,
        pick: impl Fn(&mut LookupMemo) -> &mut HashMap<String, V>,
        key: &str,
        load: impl FnOnce(&Db) -> Result<V>,
    ) -> Result<V> {
        if let Some(v) = pick(&mut self.memo.borrow_mut()).get(key) {
            return Ok(v.clone());
        }
        let v = load(self.conn)?;
        pick(&mut self.memo.borrow_mut()).insert(key.to_string(), v.clone());
        Ok(v)
    }

    /// Whether a purpose is registered (`None` if not) and is marketing.
    pub fn marketing(&self, code: &str) -> Result<Option<bool>> {
        self.remember(|m| &mut m.marketing, code, |c| Ok(purpose(c, code)?.map(|p| p.marketing)))
    }

    /// The SHA-256 of a statement version's text (see [`statement_sha`]).
    pub fn statement_sha(&self, version: &str) -> Result<Option<String>> {
        self.remember(|m| &mut m.statement_shas, version, |c| statement_sha(c, version))
    }

    /// Whether a normalised email is on the suppression list (its keys read once); the reason.
    pub fn suppressed(&self, email_norm: &str) -> Result<Option<String>> {
        let existing = self.memo.borrow().suppression.clone();
        let s = match existing {
            Some(s) => s,
            None => {
                let s = std::rc::Rc::new(super::Suppression::new(self.conn)?);
                self.memo.borrow_mut().suppression = Some(s.clone());
                s
            }
        };
        s.check(self.conn, email_norm)
    }
}

impl Lookup for RegisterLookup<'_> {
    fn purpose(&self, code: &str) -> Option<PurposeInfo> {
        let load = |c: &Db| {
            Ok(purpose(c, code).ok().flatten().map(|p| PurposeInfo {
                special: p.special,
                channels: p.channels.iter().filter_map(|c| Channel::parse(c)).collect(),
            }))
        };
        self.remember(|m| &mut m.purposes, code, load).ok().flatten()
    }
    fn controller_exists(&self, slug: &str) -> bool {
        let load = |c: &Db| Ok(controller(c, slug).ok().flatten().is_some());
        self.remember(|m| &mut m.controllers, slug, load).unwrap_or(false)
    }
    fn statement_effective(&self, version: &str, purpose: &str) -> Option<DateTime<Utc>> {
        let key = (version.to_string(), purpose.to_string());
        if let Some(v) = self.memo.borrow().statements.get(&key) {
            return *v;
        }
        let v = earliest(
            self.conn,
            "SELECT effective_from FROM statements WHERE version = ?1 AND purpose = ?2",
            [version, purpose],
        );
        self.memo.borrow_mut().statements.insert(key, v);
        v
    }
    fn notice_effective(&self, version: &str) -> Option<DateTime<Utc>> {
        let load = |c: &Db| Ok(earliest(c, "SELECT effective_from FROM notices WHERE version = ?1", [version]));
        self.remember(|m| &mut m.notices, version, load).ok().flatten()
    }
}

// ---------------------------------------------------------------- consent events

/// A stored consent event, as shown by `consent history`.
#[derive(Clone, Serialize)]
pub struct StoredConsent {
    pub id: String,
    pub person_id: String,
    pub person_ref: String,
    pub purpose: String,
    pub action: String,
    pub controllers: Vec<String>,
    pub channels: Vec<String>,
    pub consent_kind: String,
    pub special_categories: Vec<String>,
    pub statement_version: Option<String>,
    pub statement_sha256: Option<String>,
    pub notice_version: Option<String>,
    pub method: Option<String>,
    pub evidence_ref: Option<String>,
    pub at: String,
    pub recorded_by: String,
    pub given_by: String,
    pub authority_kind: Option<String>,
    pub authority_ref: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    pub support_given: Option<String>,
    pub told_can_withdraw: bool,
    pub context: Option<String>,
    pub source: String,
    pub recorded_at: String,
}

impl std::fmt::Debug for StoredConsent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredConsent").field("id", &self.id).field("purpose", &self.purpose).finish_non_exhaustive()
    }
}

impl StoredConsent {
    /// The view the status function needs.
    pub fn view(&self) -> Option<EventView> {
        Some(EventView {
            action: ConsentAction::parse(&self.action)?,
            controllers: self.controllers.clone().into(),
            at: parse_timestamp(&self.at)?,
        })
    }
}

/// The natural key of a consent event: re-importing the same event changes nothing.
pub fn consent_natural_key(person_id: &str, e: &ConsentEvent) -> String {
    let mut cs = e.controllers.clone();
    cs.sort();
    format!("{person_id}|{}|{}|{}|{}", e.purpose, e.action, cs.join(";"), fmt_ts(e.at))
}

/// Insert a consent event unless an identical one (by natural key) exists. Returns the new id,
/// or `None` when it was already there.
pub fn insert_consent(
    conn: &Db,
    person_id: &str,
    e: &ConsentEvent,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    insert_consent_in(&RegisterLookup::new(conn), person_id, e, source, now)
}

/// [`insert_consent`] with the lookups of an import (statement digests remembered).
pub fn insert_consent_in(
    lookup: &RegisterLookup<'_>,
    person_id: &str,
    e: &ConsentEvent,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let conn = lookup.conn;
    let key = consent_natural_key(person_id, e);
    let first = crate::model::new_id("con");
    let sha = match &e.statement_version {
        Some(v) => lookup.statement_sha(v)?,
        None => None,
    };
    let kind = if e.special_categories.is_empty() { "standard" } else { "explicit" };
    let (id, inserted) = with_fresh_id(&first, |id| {
        conn.prepare_cached("INSERT INTO consent_events(id, person_id, purpose, action, controllers, channels, consent_kind, special_categories,
            statement_version, statement_sha256, notice_version, method, evidence_ref, at, recorded_by, given_by,
            authority_kind, authority_ref, verified_by, verified_at, support_given, told_can_withdraw, context, source,
            natural_key, recorded_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26)
         ON CONFLICT(natural_key) DO NOTHING")?.execute(params![
            id,
            person_id,
            e.purpose,
            e.action.as_str(),
            json_list(&e.controllers),
            json_list(&e.channels.iter().map(|c| c.as_str()).collect::<Vec<_>>()),
            kind,
            json_list(&e.special_categories.iter().map(|c| c.as_str()).collect::<Vec<_>>()),
            e.statement_version,
            sha,
            e.notice_version,
            e.method.map(|m| m.as_str()),
            e.evidence_ref,
            fmt_ts(e.at),
            e.recorded_by,
            e.given_by.as_str(),
            e.authority_kind.map(|a| a.as_str()),
            e.authority_ref,
            e.verified_by,
            e.verified_at.map(fmt_ts),
            e.support_given,
            e.told_can_withdraw,
            e.context,
            source,
            key,
            fmt_ts(now),
        ],
    )
    })?;
    // An event already recorded (the same natural key) is not recorded twice.
    Ok((inserted == 1).then_some(id))
}

/// The columns of a [`StoredConsent`], with the person's reference, for [`stored_consent`].
const CONSENT_SELECT: &str =
    "SELECT c.id, c.person_id, p.ref, c.purpose, c.action, c.controllers, c.channels, c.consent_kind, c.special_categories,
            c.statement_version, c.statement_sha256, c.notice_version, c.method, c.evidence_ref, c.at, c.recorded_by,
            c.given_by, c.authority_kind, c.authority_ref, c.verified_by, c.verified_at, c.support_given,
            c.told_can_withdraw, c.context, c.source, c.recorded_at
     FROM consent_events c JOIN people p ON p.id = c.person_id";

fn stored_consent(r: &Row<'_>) -> rusqlite::Result<StoredConsent> {
    Ok(StoredConsent {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_ref: r.get(2)?,
        purpose: r.get(3)?,
        action: r.get(4)?,
        controllers: parse_list(&r.get::<_, String>(5)?),
        channels: parse_list(&r.get::<_, String>(6)?),
        consent_kind: r.get(7)?,
        special_categories: parse_list(&r.get::<_, String>(8)?),
        statement_version: r.get(9)?,
        statement_sha256: r.get(10)?,
        notice_version: r.get(11)?,
        method: r.get(12)?,
        evidence_ref: r.get(13)?,
        at: r.get(14)?,
        recorded_by: r.get(15)?,
        given_by: r.get(16)?,
        authority_kind: r.get(17)?,
        authority_ref: r.get(18)?,
        verified_by: r.get(19)?,
        verified_at: r.get(20)?,
        support_given: r.get(21)?,
        told_can_withdraw: r.get(22)?,
        context: r.get(23)?,
        source: r.get(24)?,
        recorded_at: r.get(25)?,
    })
}

/// Consent events, optionally of one person and/or one purpose, in time order.
pub fn consents(conn: &Db, person_id: Option<&str>, purpose: Option<&str>) -> Result<Vec<StoredConsent>> {
    let mut st = conn.prepare_cached(&format!(
        "{CONSENT_SELECT} WHERE (?1 IS NULL OR c.person_id = ?1) AND (?2 IS NULL OR c.purpose = ?2) ORDER BY p.ref, c.at, c.rowid"
    ))?;
    let rows = st.query_map(params![person_id, purpose], stored_consent)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// One consent event by id.
pub fn consent_by_id(conn: &Db, id: &str) -> Result<Option<StoredConsent>> {
    Ok(conn.prepare_cached(&format!("{CONSENT_SELECT} WHERE c.id = ?1"))?.query_row([id], stored_consent).optional()?)
}

/// What the plan's rules read of one consent event (no evidence text), borrowed from the row.
#[derive(Debug, Clone, Copy)]
pub struct ConsentRow<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub purpose: &'a str,
    pub action: &'a str,
    /// The controllers as stored (a JSON list): [`parse_list`] them where needed.
    pub controllers: &'a str,
    pub at: &'a str,
    pub support_given: Option<&'a str>,
    pub has_authority_ref: bool,
    /// The special categories as stored (a JSON list).
    pub special_categories: &'a str,
    /// The evidence a consent carries (what the mailing list shows of it), for events of the
    /// purpose [`each_consent_row`] is asked about; `None` for the others.
    pub statement_version: Option<&'a str>,
    pub statement_sha256: Option<&'a str>,
    pub notice_version: Option<&'a str>,
    pub method: Option<&'a str>,
    pub evidence_ref: Option<&'a str>,
}

impl<'a> ConsentRow<'a> {
    /// The row from its text fields in [`ConsentRowBytes`] order.
    pub fn from_fields(f: [Option<&'a str>; 13], has_authority_ref: bool) -> ConsentRow<'a> {
        ConsentRow {
            id: f[0].unwrap_or_default(),
            person_id: f[1].unwrap_or_default(),
            purpose: f[2].unwrap_or_default(),
            action: f[3].unwrap_or_default(),
            controllers: f[4].unwrap_or_default(),
            at: f[5].unwrap_or_default(),
            support_given: f[6],
            has_authority_ref,
            special_categories: f[7].unwrap_or_default(),
            statement_version: f[8],
            statement_sha256: f[9],
            notice_version: f[10],
            method: f[11],
            evidence_ref: f[12],
        }
    }
}

/// A consent row as SQLite holds it: the text fields of [`ConsentRow`] in its order, as bytes not
/// yet checked to be UTF-8 (whoever keeps them checks them, once for many rows).
pub struct ConsentRowBytes<'a> {
    pub text: [Option<&'a [u8]>; 13],
    pub has_authority_ref: bool,
}

/// Every consent event in the light form the plan reads, handed to `each` as it is read
/// (unordered; nothing is copied that `each` does not keep), with the evidence of the events of
/// purpose `evidence_for`.
pub fn each_consent_row(
    conn: &Db,
    evidence_for: &str,
    mut each: impl FnMut(ConsentRowBytes<'_>) -> Result<()>,
) -> Result<()> {
    let mut st = conn.prepare_cached(
        "SELECT id, person_id, purpose, action, controllers, at, support_given, special_categories,
                CASE WHEN purpose = ?1 THEN statement_version END, CASE WHEN purpose = ?1 THEN statement_sha256 END,
                CASE WHEN purpose = ?1 THEN notice_version END, CASE WHEN purpose = ?1 THEN method END,
                CASE WHEN purpose = ?1 THEN evidence_ref END, authority_ref IS NOT NULL FROM consent_events",
    )?;
    let mut rows = st.query([evidence_for])?;
    while let Some(r) = rows.next()? {
        let mut text: [Option<&[u8]>; 13] = [None; 13];
        for (i, t) in text.iter_mut().enumerate() {
            *t = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Text(b) => Some(b),
                other => {
                    return Err(rusqlite::Error::InvalidColumnType(i, format!("{i}"), other.data_type()).into());
                }
            };
        }
        each(ConsentRowBytes { text, has_authority_ref: r.get(13)? })?;
    }
    Ok(())
}

// ---------------------------------------------------------------- bases, objections, restrictions

/// A basis event (record, object, restrict, lift_restriction).
#[derive(Debug, Clone, Serialize)]
pub struct BasisEvent {
    pub id: String,
    pub person_id: String,
    pub person_ref: String,
    pub purpose: String,
    pub action: String,
    pub basis: Option<String>,
    pub controllers: Vec<String>,
    pub assessment_ref: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
}

/// Insert a basis event unless an identical one exists; returns whether it was new (`b.id` is
/// drawn again if it is already taken).
pub fn insert_basis(conn: &Db, b: &mut BasisEvent, now: DateTime<Utc>) -> Result<bool> {
    let mut cs = b.controllers.clone();
    cs.sort();
    let key = format!("{}|{}|{}|{}|{}", b.person_id, b.purpose, b.action, cs.join(";"), b.decided_at);
    let (id, n) = with_fresh_id(&b.id, |id| {
        conn.prepare_cached("INSERT INTO bases(id, person_id, purpose, action, basis, controllers, assessment_ref, decided_by, decided_at, natural_key, recorded_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT(natural_key) DO NOTHING")?.execute(params![
            id, b.person_id, b.purpose, b.action, b.basis, json_list(&b.controllers), b.assessment_ref, b.decided_by,
            b.decided_at, key, fmt_ts(now)
        ])
    })?;
    b.id = id;
    Ok(n == 1)
}

/// Basis events, optionally of one person.
pub fn bases(conn: &Db, person_id: Option<&str>) -> Result<Vec<BasisEvent>> {
    let mut st = conn.prepare(
        "SELECT b.id, b.person_id, p.ref, b.purpose, b.action, b.basis, b.controllers, b.assessment_ref, b.decided_by, b.decided_at
         FROM bases b JOIN people p ON p.id = b.person_id WHERE ?1 IS NULL OR b.person_id = ?1 ORDER BY p.ref, b.decided_at, b.rowid",
    )?;
    let rows = st.query_map([person_id], |r| {
        Ok(BasisEvent {
            id: r.get(0)?,
            person_id: r.get(1)?,
            person_ref: r.get(2)?,
            purpose: r.get(3)?,
            action: r.get(4)?,
            basis: r.get(5)?,
            controllers: parse_list(&r.get::<_, String>(6)?),
            assessment_ref: r.get(7)?,
            decided_by: r.get(8)?,
            decided_at: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

// ---------------------------------------------------------------- notices sent

/// A logged delivery of a notice to a person.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeSent {
    pub id: String,
    pub person_id: String,
    pub person_ref: String,
    pub notice_version: String,
    pub sent_at: String,
    pub channel: String,
}

/// Insert a delivery record unless identical; returns whether it was new (`n.id` is drawn again
/// if it is already taken).
pub fn insert_notice_sent(conn: &Db, n: &mut NoticeSent, now: DateTime<Utc>) -> Result<bool> {
    let key = format!("{}|{}|{}|{}", n.person_id, n.notice_version, n.sent_at, n.channel);
    let (id, c) = with_fresh_id(&n.id, |id| {
        conn.prepare_cached("INSERT INTO notices_sent(id, person_id, notice_version, sent_at, channel, natural_key, recorded_at) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(natural_key) DO NOTHING")?
            .execute(params![id, n.person_id, n.notice_version, n.sent_at, n.channel, key, fmt_ts(now)])
    })?;
    n.id = id;
    Ok(c == 1)
}

/// Notices sent, optionally to one person.
pub fn notices_sent(conn: &Db, person_id: Option<&str>) -> Result<Vec<NoticeSent>> {
    let mut st = conn.prepare(
        "SELECT n.id, n.person_id, p.ref, n.notice_version, n.sent_at, n.channel FROM notices_sent n JOIN people p ON p.id = n.person_id
         WHERE ?1 IS NULL OR n.person_id = ?1 ORDER BY p.ref, n.sent_at",
    )?;
    let rows = st.query_map([person_id], |r| {
        Ok(NoticeSent {
            id: r.get(0)?,
            person_id: r.get(1)?,
            person_ref: r.get(2)?,
            notice_version: r.get(3)?,
            sent_at: r.get(4)?,
            channel: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

// ---------------------------------------------------------------- diversity

/// Set (or replace) a person's answer for one diversity category.
pub fn set_diversity(
    conn: &Db,
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

// ---------------------------------------------------------------- suppression and tombstones

/// Add a keyed hash to the suppression list (first reason wins; later ones are kept out).
pub fn suppress(conn: &Db, hash: &str, reason: &str, at: &str, source: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO suppression(hash, reason, at, source) VALUES (?1,?2,?3,?4)")?
        .execute(params![hash, reason, at, source])?;
    Ok(n == 1)
}

/// The suppression reason for a keyed hash, if suppressed.
pub fn suppressed(conn: &Db, hash: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT reason FROM suppression WHERE hash = ?1")?
        .query_row([hash], |r| r.get(0))
        .optional()?)
}

/// Whether a keyed hash belongs to an erased person (a tombstone).
pub fn tombstoned(conn: &Db, hash: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM tombstones WHERE hash = ?1")?
        .query_row([hash], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every suppression entry as (hash, reason, at).
/// How many erasure tombstones the register holds.
pub fn tombstone_count(conn: &Db) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM tombstones", [], |r| r.get(0))?)
}

pub fn suppression_rows(conn: &Db) -> Result<Vec<(String, String, String)>> {
    let mut st = conn.prepare("SELECT hash, reason, at FROM suppression ORDER BY hash")?;
    Ok(st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?)
}

/// Suppression counts by reason.
pub fn suppression_counts(conn: &Db) -> Result<Vec<(String, i64)>> {
    let mut st = conn.prepare("SELECT reason, COUNT(*) FROM suppression GROUP BY reason ORDER BY reason")?;
    Ok(st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?)
}

/// Erase a person: blank every identifying field in every table, keep non-identifying facts,
/// write a tombstone. The caller adds the suppression entry and the audit entry.
pub fn erase_person(
    conn: &Db,
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

/// Remove every identifying field of a person (erasure, or anonymisation when a retention period
/// ends): name, contact details, organisation, hub, source and notes, evidence references, support
/// notes and authority references of their consent events, and their diversity answers.
/// Non-identifying facts (purposes, actions, dates, roles) stay.
pub fn strip_person(conn: &Db, person_id: &str, now: DateTime<Utc>) -> Result<()> {
    let at = fmt_ts(now);
    conn.prepare_cached(
        "UPDATE people SET name = NULL, email = NULL, email_norm = NULL, phone = NULL, organisation = NULL,
            notes = NULL, source = NULL, hub = NULL, erased_at = ?2 WHERE id = ?1",
    )?
    .execute(params![person_id, at])?;
    conn.prepare_cached(
        "UPDATE consent_events SET evidence_ref = CASE WHEN evidence_ref IS NULL THEN NULL ELSE '[erased]' END,
            support_given = NULL, authority_ref = CASE WHEN authority_ref IS NULL THEN NULL ELSE '[erased]' END,
            context = NULL WHERE person_id = ?1",
    )?
    .execute([person_id])?;
    conn.prepare_cached("DELETE FROM diversity WHERE person_id = ?1")?.execute([person_id])?;
    conn.prepare_cached("UPDATE roles SET hub = NULL WHERE person_id = ?1")?.execute([person_id])?;
    Ok(())
}

// ---------------------------------------------------------------- imports

/// When a file with this SHA-256 was imported before, and as what.
pub fn import_seen(conn: &Db, sha256: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT kind, imported_at FROM imports WHERE sha256 = ?1")?
        .query_row([sha256], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Record an import.
pub fn record_import(
    conn: &Db,
    sha256: &str,
    kind: &str,
    file_name: &str,
    counts: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO imports(sha256, kind, file_name, imported_at, counts) VALUES (?1,?2,?3,?4,?5)",
    )?
    .execute(params![sha256, kind, file_name, fmt_ts(now), counts.to_string()])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::forced_ids;
    use crate::register::Register;

    fn person(id: &str, reference: &str) -> Person {
        Person {
            id: id.into(),
            reference: reference.into(),
            name: None,
            email: None,
            email_norm: None,
            phone: None,
            organisation: None,
            stakeholder_group: None,
            hub: None,
            jurisdiction: "england_wales".into(),
            adult_confirmed: true,
            source: None,
            joined_on: None,
            notes: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            erased_at: None,
        }
    }

    fn basis(id: &str, person_id: &str, purpose: &str) -> BasisEvent {
        BasisEvent {
            id: id.into(),
            person_id: person_id.into(),
            person_ref: String::new(),
            purpose: purpose.into(),
            action: "record".into(),
            basis: Some("legitimate_interests".into()),
            controllers: vec!["trust".into()],
            assessment_ref: None,
            decided_by: "dpl".into(),
            decided_at: "2026-01-02T00:00:00Z".into(),
        }
    }

    fn notice(id: &str, person_id: &str, sent_at: &str) -> NoticeSent {
        NoticeSent {
            id: id.into(),
            person_id: person_id.into(),
            person_ref: String::new(),
            notice_version: "1".into(),
            sent_at: sent_at.into(),
            channel: "email".into(),
        }
    }

    fn grant(purpose: &str) -> ConsentEvent {
        let at = parse_timestamp("2026-01-03T00:00:00Z").unwrap();
        ConsentEvent::self_grant(purpose, vec!["trust".into()], at, "facilitator".into())
    }

    fn count(conn: &Db, table: &str) -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    }

    /// Random ids can repeat. A row whose id is taken gets a new one: it is neither refused (which
    /// would fail a whole import) nor, under `ON CONFLICT`, mistaken for a row already recorded.
    #[test]
    fn a_taken_id_is_drawn_again_and_the_row_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let reg = Register::create(&dir.path().join("r.db"), "test").unwrap();
        let conn: &Db = &reg;
        // Only the ids are under test here, not the rows they refer to.
        conn.pragma_update("foreign_keys", false).unwrap();
        let now = parse_timestamp("2026-01-04T00:00:00Z").unwrap();

        let mut a = person("per_000000000001", "M0001");
        insert_person(conn, &mut a).unwrap();
        forced_ids::push(&["per_000000000002"]);
        let mut b = person("per_000000000001", "M0002");
        insert_person(conn, &mut b).unwrap();
        assert_eq!(b.id, "per_000000000002");
        assert_eq!(count(conn, "people"), 2);

        let mut r1 = Role {
            id: "rol_000000000001".into(),
            person_id: a.id.clone(),
            person_ref: String::new(),
            role: "champion".into(),
            hub: None,
            from: "2026-01-01".into(),
            to: None,
            designation: None,
            special: false,
        };
        insert_role(conn, &mut r1.clone(), now).unwrap();
        forced_ids::push(&["rol_000000000002"]);
        r1.person_id = b.id.clone();
        insert_role(conn, &mut r1, now).unwrap();
        assert_eq!(r1.id, "rol_000000000002");

        assert!(insert_basis(conn, &mut basis("bas_000000000001", &a.id, "newsletter"), now).unwrap());
        // The first new draw is taken too: drawn again.
        forced_ids::push(&["bas_000000000001", "bas_000000000003"]);
        let mut other = basis("bas_000000000001", &a.id, "events");
        assert!(insert_basis(conn, &mut other, now).unwrap(), "a new basis with a taken id was taken for a duplicate");
        assert_eq!(other.id, "bas_000000000003");
        // A real duplicate (the same natural key, a free id) is still recognised as one.
        assert!(!insert_basis(conn, &mut basis("bas_000000000009", &a.id, "newsletter"), now).unwrap());
        assert_eq!(count(conn, "bases"), 2);

        assert!(insert_notice_sent(conn, &mut notice("nts_000000000001", &a.id, "2026-01-05T00:00:00Z"), now).unwrap());
        forced_ids::push(&["nts_000000000002"]);
        let mut later = notice("nts_000000000001", &a.id, "2026-02-05T00:00:00Z");
        assert!(insert_notice_sent(conn, &mut later, now).unwrap());
        assert_eq!(later.id, "nts_000000000002");
        assert_eq!(count(conn, "notices_sent"), 2);

        forced_ids::push(&["con_000000000001"]);
        assert_eq!(
            insert_consent(conn, &a.id, &grant("newsletter"), "direct", now).unwrap().as_deref(),
            Some("con_000000000001")
        );
        forced_ids::push(&["con_000000000001", "con_000000000002"]);
        assert_eq!(
            insert_consent(conn, &a.id, &grant("events"), "direct", now).unwrap().as_deref(),
            Some("con_000000000002")
        );
        forced_ids::push(&["con_000000000003"]);
        assert_eq!(insert_consent(conn, &a.id, &grant("events"), "direct", now).unwrap(), None, "the same event twice");
        assert_eq!(count(conn, "consent_events"), 2);

        // Only a taken id is drawn again; any other refusal comes through at once, and so does a
        // run of taken ids that never ends.
        let err = insert_person(conn, &mut person("per_000000000009", "M0001")).unwrap_err();
        assert!(err.to_string().contains("people.ref"), "{err}");
        forced_ids::push(&["per_000000000001"; 7]);
        let err = insert_person(conn, &mut person("per_000000000001", "M0003")).unwrap_err();
        assert!(err.to_string().contains("people.id"), "{err}");
        assert_eq!(count(conn, "people"), 2);
    }
}
