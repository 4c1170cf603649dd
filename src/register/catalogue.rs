//! The catalogue: controllers, purposes, and the statement and notice texts people are shown;
//! and the lookups an import makes of them.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::{Change, Db, code_cell, json_list, list_cell};
use crate::base::error::{Error, Result};
use crate::domain::consent::{Lookup, PurposeInfo};
use crate::domain::model::{Channel, ControllerKind, TextFormat, fmt_ts, parse_timestamp};

// ---------------------------------------------------------------- controllers

/// A controller: the outgoing organisation or a receiving group.
#[derive(Debug, Clone, Serialize)]
pub struct Controller {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub kind: ControllerKind,
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
        kind: code_cell(r, 2)?,
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
pub fn insert_controller(conn: &Change<'_>, c: &Controller) -> Result<()> {
    if controller(conn, &c.slug)?.is_some() {
        return Err(Error::DuplicateController { slug: c.slug.clone() });
    }
    conn.prepare_cached(&format!(
        "INSERT INTO controllers({CONTROLLER_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
    ))?
    .execute(params![
        c.slug,
        c.name,
        c.kind.as_str(),
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

/// Record when an organisation began as a controller of this register's data.
pub fn set_since(conn: &Change<'_>, slug: &str, since: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO controller_since(slug, since) VALUES (?1,?2) ON CONFLICT(slug) DO UPDATE SET since = excluded.since",
    )?
    .execute(params![slug, since])?;
    Ok(())
}

/// When an organisation began as a controller here, if recorded (YYYY-MM-DD).
pub fn since(conn: &Db, slug: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT since FROM controller_since WHERE slug = ?1")?
        .query_row([slug], |r| r.get(0))
        .optional()?)
}

/// Update a controller's editable fields (all of them, as given).
pub fn update_controller(conn: &Change<'_>, c: &Controller) -> Result<()> {
    conn.prepare_cached("UPDATE controllers SET name=?2, kind=?3, contact=?4, accountable_person=?5, ico_fee_status=?6, dsa_ref=?7, dpia_ref=?8 WHERE slug=?1")?.execute(params![c.slug, c.name, c.kind.as_str(), c.contact, c.accountable_person, c.ico_fee_status, c.dsa_ref, c.dpia_ref],
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
        .ok_or_else(|| Error::RegisterDamaged { why: "it names no controller of its own".into() })
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
pub fn insert_purpose(conn: &Change<'_>, p: &Purpose) -> Result<()> {
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
        channels: list_cell(r, 2)?,
        special: r.get(3)?,
        marketing: r.get(4)?,
        refresh_months: r.get(5)?,
        fields: list_cell(r, 6)?,
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

/// Replace a purpose's field list.
pub fn set_purpose_fields(conn: &Change<'_>, code: &str, fields: &[String]) -> Result<()> {
    conn.prepare_cached("UPDATE purposes SET fields = ?2 WHERE code = ?1")?
        .execute(params![code, serde_json::to_string(fields).unwrap_or_else(|_| "[]".into())])?;
    Ok(())
}

/// A seeded purpose: code, name, channels, special category, direct marketing, refresh months, fields.
pub type SeedPurpose =
    (&'static str, &'static str, &'static [&'static str], bool, bool, Option<u32>, &'static [&'static str]);

/// The purpose catalogue seeded at init (GDPR.md §1.4): code, name, channels, special category,
/// direct marketing, refresh months, fields carried.
pub const PURPOSES: &[SeedPurpose] = &[
    ("newsletter", "The outgoing controller's email newsletter", &["email"], false, true, Some(24), &["name", "email"]),
    (
        "disclose_to_successor",
        "Disclose contact details and roles to the named successor",
        &[],
        false,
        false,
        Some(24),
        &["name", "email", "phone", "organisation", "stakeholder_group", "hub", "roles"],
    ),
    (
        "successor_newsletter",
        "The successor's own email newsletter",
        &["email"],
        false,
        true,
        Some(24),
        &["name", "email"],
    ),
    ("photos_video", "Photos and video of the person", &[], true, false, Some(24), &["name"]),
    ("diversity_monitoring", "Diversity monitoring (special category)", &[], true, false, Some(24), &[]),
    (
        "public_listing",
        "Public listing as a champion (name, hub, contact)",
        &[],
        false,
        false,
        Some(24),
        &["name", "hub", "email"],
    ),
    (
        "lived_experience_designation",
        "Recording a lived-experience designation",
        &[],
        true,
        false,
        Some(24),
        &["roles"],
    ),
    (
        "governance_contact",
        "Steering-group governance contact",
        &["email", "phone", "post"],
        false,
        false,
        Some(24),
        &["name", "email", "phone", "roles"],
    ),
    (
        "member_directory",
        "Member directory visible to other members",
        &[],
        false,
        false,
        Some(24),
        &["name", "organisation", "hub"],
    ),
    ("attendance_records", "Attendance and hub activity records", &[], false, false, Some(24), &["name", "hub"]),
    ("quotes_case_studies", "Quotes or case studies in reports", &[], false, false, Some(24), &["name"]),
];

/// Seed the purpose catalogue into a register built from a bundle, named from the receiving
/// group's point of view: the sender's newsletter and disclosure are the sender's, the
/// successor's newsletter is the group's own.
pub fn seed_received_purposes(conn: &Change<'_>, sender: &str) -> Result<()> {
    seed_purposes(conn)?;
    for (code, name) in [
        ("newsletter", format!("{sender}'s email newsletter")),
        (
            "disclose_to_successor",
            format!("Keeping the contact details and roles {sender} gave us, to run the community"),
        ),
        ("successor_newsletter", "Our own email newsletter".to_string()),
    ] {
        conn.prepare_cached("UPDATE purposes SET name = ?2 WHERE code = ?1")?.execute(params![code, name])?;
    }
    Ok(())
}

/// Seed the purpose catalogue into a new register.
pub fn seed_purposes(conn: &Change<'_>) -> Result<()> {
    for (code, name, channels, special, marketing, refresh, fields) in PURPOSES {
        insert_purpose(
            conn,
            &Purpose {
                id: code.to_string(),
                code: code.to_string(),
                name: name.to_string(),
                channels: channels.iter().map(std::string::ToString::to_string).collect(),
                special: *special,
                marketing: *marketing,
                refresh_months: *refresh,
                fields: fields.iter().map(std::string::ToString::to_string).collect(),
            },
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------- statements and notices

/// A consent statement or privacy notice version.
#[derive(Debug, Clone, Serialize)]
pub struct TextVersion {
    pub id: String,
    pub version: String,
    pub format: TextFormat,
    pub purpose: Option<String>,
    pub sha256: String,
    pub effective_from: String,
    pub announces: Vec<String>,
    /// For a statement: the controllers its wording names (`None`: never recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controllers: Option<Vec<String>>,
}

/// Insert a statement version.
pub fn insert_statement(conn: &Change<'_>, v: &TextVersion, body: &str, now: DateTime<Utc>) -> Result<()> {
    let controllers = v.controllers.as_ref().map(|c| serde_json::to_string(c).unwrap_or_default());
    conn.prepare_cached("INSERT INTO statements(version, format, purpose, sha256, body, effective_from, created_at, controllers) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")?.execute(params![v.version, v.format.as_str(), v.purpose, v.sha256, body, v.effective_from, fmt_ts(now), controllers],
    )?;
    Ok(())
}

/// Record the controllers a statement version's wording names, in every format, where they were
/// never recorded. Returns how many rows changed (0: unknown version, or already recorded).
pub fn set_statement_controllers(conn: &Change<'_>, version: &str, controllers: &[String]) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE statements SET controllers = ?2 WHERE version = ?1 AND controllers IS NULL")?
        .execute(params![version, serde_json::to_string(controllers).unwrap_or_default()])?)
}

/// The controllers a statement version names: `None` when the version is unknown or, in any of
/// its formats, they were never recorded; otherwise the union over its formats.
pub fn statement_controllers(conn: &Db, version: &str) -> Result<Option<Vec<String>>> {
    let mut st = conn.prepare_cached("SELECT controllers FROM statements WHERE version = ?1")?;
    let rows: Vec<Option<String>> = st.query_map([version], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if rows.is_empty() || rows.iter().any(Option::is_none) {
        return Ok(None);
    }
    let mut all: Vec<String> = Vec::new();
    for list in rows.iter().flatten() {
        all.extend(super::Stored { table: "statements", row: version }.list("controllers", list)?);
    }
    all.sort();
    all.dedup();
    Ok(Some(all))
}

/// Insert a notice version with what it announces (`controller:purpose`).
pub fn insert_notice(conn: &Change<'_>, v: &TextVersion, body: &str, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO notices(version, format, sha256, body, effective_from, created_at) VALUES (?1,?2,?3,?4,?5,?6)",
    )?
    .execute(params![v.version, v.format.as_str(), v.sha256, body, v.effective_from, fmt_ts(now)])?;
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

/// The text of a statement (`kind` = "statement") or notice version, in each format it has:
/// (format, SHA-256, text).
pub fn text_bodies(conn: &Db, kind: &str, version: &str) -> Result<Vec<(String, String, String)>> {
    let table = if kind == "statement" { "statements" } else { "notices" };
    let mut st =
        conn.prepare_cached(&format!("SELECT format, sha256, body FROM {table} WHERE version = ?1 ORDER BY format"))?;
    Ok(st.query_map([version], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?)
}

/// Every statement (`kind` = "statement") or notice version.
pub fn texts(conn: &Db, kind: &str) -> Result<Vec<TextVersion>> {
    let sql = if kind == "statement" {
        "SELECT version, format, purpose, sha256, effective_from, controllers FROM statements ORDER BY effective_from, version, format"
    } else {
        "SELECT version, format, NULL, sha256, effective_from, NULL FROM notices ORDER BY effective_from, version, format"
    };
    let mut st = conn.prepare(sql)?;
    let mut out = st
        .query_map([], |r| {
            let version: String = r.get(0)?;
            let format: TextFormat = code_cell(r, 1)?;
            Ok(TextVersion {
                id: format!("{version}/{format}"),
                version,
                format,
                purpose: r.get(2)?,
                sha256: r.get(3)?,
                effective_from: r.get(4)?,
                announces: Vec::new(),
                controllers: match r.get::<_, Option<String>>(5)? {
                    Some(_) => Some(list_cell(r, 5)?),
                    None => None,
                },
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

/// The SHA-256 and format of every text of a statement version.
pub fn statement_texts(conn: &Db, version: &str) -> Result<Vec<(String, TextFormat)>> {
    // Plain lookups, ordered by the caller: SQLite re-prepares a cached statement with ORDER BY …
    // LIMIT or MIN() over a bound key on every run, which imports pay per row.
    let mut st = conn.prepare_cached("SELECT sha256, format FROM statements WHERE version = ?1")?;
    let mut rows = st.query([version])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let format: String = r.get(1)?;
        let v = super::Stored { table: "statements", row: version };
        out.push((r.get(0)?, v.code("format", &format)?));
    }
    Ok(out)
}

/// The SHA-256 of the text of a statement version the person was shown: the format given, else
/// the standard text (or the only one).
pub fn pick_statement_sha(texts: &[(String, TextFormat)], format: Option<TextFormat>) -> Option<String> {
    let want = |f: TextFormat| texts.iter().find(|(_, x)| *x == f);
    match format {
        Some(f) => want(f),
        None => want(TextFormat::Standard).or(texts.first()),
    }
    .map(|(sha, _)| sha.clone())
}

/// The earliest effective date among rows of a text table matching the query.
fn earliest(conn: &Db, sql: &str, params: impl rusqlite::Params) -> Option<DateTime<Utc>> {
    let mut st = conn.prepare_cached(sql).ok()?;
    let dates: Vec<String> = st.query_map(params, |r| r.get(0)).ok()?.filter_map(std::result::Result::ok).collect();
    dates.iter().min().and_then(|d| parse_timestamp(d))
}

/// Lookups for consent validation, answered by the register.
pub struct RegisterLookup<'a> {
    conn: &'a Db,
    /// Answers already given: within one transaction purposes, controllers and texts stay put,
    /// and an import asks the same few questions for every row.
    memo: std::cell::RefCell<LookupMemo>,
    /// Statements held for the life of the lookups, found by the address of their text (an import
    /// runs the same insert a million times: no hashing of its text a row).
    held: std::cell::RefCell<Vec<(&'static str, rusqlite::CachedStatement<'a>)>>,
}

#[derive(Default)]
struct LookupMemo {
    purposes: HashMap<String, Option<Arc<PurposeInfo>>>,
    controllers: HashMap<String, bool>,
    /// By version, then purpose.
    statements: HashMap<String, HashMap<String, Option<DateTime<Utc>>>>,
    notices: HashMap<String, Option<DateTime<Utc>>>,
    suppression: Option<std::rc::Rc<super::suppression::Suppression>>,
    marketing: HashMap<String, Option<bool>>,
    statement_texts: HashMap<String, Rc<Vec<(String, TextFormat)>>>,
    statement_controllers: HashMap<String, Option<Arc<[String]>>>,
    /// The last address checked against the suppression list, with its keyed hashes.
    last_hashed: Option<(String, Vec<String>)>,
    /// The suppression list read whole, when the caller adds nothing to it while these lookups
    /// live ([`RegisterLookup::list_fixed`]), with the last address checked and its answer.
    fixed_list: Option<std::rc::Rc<super::suppression::SuppressionSnapshot>>,
    list_is_fixed: bool,
    last_checked: Option<(String, Option<(String, String)>)>,
}

impl<'a> RegisterLookup<'a> {
    /// Lookups against `conn`, remembered for the life of this value.
    pub fn new(conn: &'a Db) -> RegisterLookup<'a> {
        RegisterLookup { conn, memo: std::cell::RefCell::new(LookupMemo::default()), held: Default::default() }
    }

    /// These lookups for a caller that adds nothing to the suppression list while they live (a
    /// consent import): the list is then read once, whole, instead of a query for every row.
    #[must_use]
    pub fn list_fixed(mut self) -> RegisterLookup<'a> {
        self.memo.get_mut().list_is_fixed = true;
        self
    }

    /// Whether these lookups answer from `conn` (a write through [`RegisterLookup::with_statement`]
    /// must go to the transaction it is for).
    pub(super) fn reads(&self, conn: &Db) -> bool {
        std::ptr::eq(self.conn, conn)
    }

    /// Run `f` with the statement for `sql`, prepared once for the life of these lookups.
    pub(super) fn with_statement<R>(
        &self,
        sql: &'static str,
        f: impl FnOnce(&mut rusqlite::Statement<'a>) -> rusqlite::Result<R>,
    ) -> rusqlite::Result<R> {
        let mut held = self.held.borrow_mut();
        let i = match held.iter().position(|(s, _)| std::ptr::eq(*s, sql)) {
            Some(i) => i,
            None => {
                held.push((sql, self.conn.prepare_cached(sql)?));
                held.len() - 1
            }
        };
        f(&mut held[i].1)
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

    /// The texts of a statement version (see [`statement_texts`]).
    pub fn statement_texts(&self, version: &str) -> Result<Rc<Vec<(String, TextFormat)>>> {
        self.remember(|m| &mut m.statement_texts, version, |c| statement_texts(c, version).map(Rc::new))
    }

    /// The SHA-256 of the text of a statement version in `format` (see [`pick_statement_sha`]).
    pub fn statement_sha(&self, version: &str, format: Option<TextFormat>) -> Result<Option<String>> {
        Ok(pick_statement_sha(&self.statement_texts(version)?, format))
    }

    /// Whether a controller slug is the register's own controller.
    pub fn is_self(&self, slug: &str) -> Result<bool> {
        Ok(self_controller(self.conn)?.slug == slug)
    }

    /// Whether a normalised email is on the suppression list (its keys read once); the reason and
    /// since when.
    pub fn suppressed(&self, email_norm: &str) -> Result<Option<(String, String)>> {
        if self.memo.borrow().list_is_fixed {
            return self.suppressed_in_fixed_list(email_norm);
        }
        let existing = self.memo.borrow().suppression.clone();
        let s = match existing {
            Some(s) => s,
            None => {
                let s = std::rc::Rc::new(super::suppression::Suppression::new(self.conn)?);
                self.memo.borrow_mut().suppression = Some(s.clone());
                s
            }
        };
        if self.memo.borrow().last_hashed.as_ref().is_none_or(|(e, _)| e != email_norm) {
            let h = s.hashes_of(email_norm);
            self.memo.borrow_mut().last_hashed = Some((email_norm.to_string(), h));
        }
        let memo = self.memo.borrow();
        let hashes = memo.last_hashed.as_ref().map_or(&[][..], |(_, h)| h.as_slice());
        s.check_hashed(self.conn, email_norm, hashes)
    }

    /// [`RegisterLookup::suppressed`] against the list read once ([`RegisterLookup::list_fixed`]).
    fn suppressed_in_fixed_list(&self, email_norm: &str) -> Result<Option<(String, String)>> {
        let mut memo = self.memo.borrow_mut();
        if let Some((e, answer)) = &memo.last_checked
            && e == email_norm
        {
            return Ok(answer.clone());
        }
        let list = match &memo.fixed_list {
            Some(l) => l.clone(),
            None => {
                let l = std::rc::Rc::new(super::suppression::Suppression::snapshot(self.conn)?);
                memo.fixed_list = Some(l.clone());
                l
            }
        };
        let answer = list.entry(email_norm).map(|(r, at)| (r.to_string(), at.to_string()));
        memo.last_checked = Some((email_norm.to_string(), answer.clone()));
        Ok(answer)
    }
}

impl Lookup for RegisterLookup<'_> {
    fn purpose(&self, code: &str) -> Option<Arc<PurposeInfo>> {
        let load = |c: &Db| {
            Ok(purpose(c, code).ok().flatten().map(|p| {
                Arc::new(PurposeInfo {
                    special: p.special,
                    channels: p.channels.iter().filter_map(|c| Channel::parse(c)).collect(),
                })
            }))
        };
        self.remember(|m| &mut m.purposes, code, load).ok().flatten()
    }
    fn controller_exists(&self, slug: &str) -> bool {
        let load = |c: &Db| Ok(controller(c, slug).ok().flatten().is_some());
        self.remember(|m| &mut m.controllers, slug, load).unwrap_or(false)
    }
    fn statement_effective(&self, version: &str, purpose: &str) -> Option<DateTime<Utc>> {
        if let Some(v) = self.memo.borrow().statements.get(version).and_then(|by| by.get(purpose)) {
            return *v;
        }
        let v = earliest(
            self.conn,
            "SELECT effective_from FROM statements WHERE version = ?1 AND purpose = ?2",
            [version, purpose],
        );
        self.memo.borrow_mut().statements.entry(version.to_string()).or_default().insert(purpose.to_string(), v);
        v
    }
    fn notice_effective(&self, version: &str) -> Option<DateTime<Utc>> {
        let load = |c: &Db| Ok(earliest(c, "SELECT effective_from FROM notices WHERE version = ?1", [version]));
        self.remember(|m| &mut m.notices, version, load).ok().flatten()
    }
    fn statement_controllers(&self, version: &str) -> Option<Arc<[String]>> {
        let load = |c: &Db| Ok(statement_controllers(c, version)?.map(Arc::from));
        // A list that does not read counts as never recorded: the grant is held for review.
        self.remember(|m| &mut m.statement_controllers, version, load).ok().flatten()
    }

    fn statement_formats(&self, version: &str) -> Vec<TextFormat> {
        self.statement_texts(version).map(|t| t.iter().map(|(_, f)| *f).collect()).unwrap_or_default()
    }
}

/// The answers consent validation needs, read whole from the register (its purposes, controllers,
/// statements and notices: a few dozen rows), so that rows can be validated on another thread
/// while this one stores them. Each answer is the one [`RegisterLookup`] gives, asked for every
/// key the register holds; a key it does not hold has the answer an absent row gives. The caller
/// changes none of these tables while the snapshot is used (a consent import does not).
pub struct CatalogueSnapshot {
    purposes: HashMap<String, Arc<PurposeInfo>>,
    controllers: std::collections::HashSet<String>,
    /// By version, then purpose.
    statements: HashMap<String, HashMap<String, DateTime<Utc>>>,
    notices: HashMap<String, DateTime<Utc>>,
    statement_controllers: HashMap<String, Arc<[String]>>,
    statement_formats: HashMap<String, Vec<TextFormat>>,
}

impl CatalogueSnapshot {
    /// Read the catalogue through [`RegisterLookup`].
    pub fn new(conn: &Db) -> Result<CatalogueSnapshot> {
        let lookup = RegisterLookup::new(conn);
        let column = |sql: &str| -> Result<Vec<String>> {
            Ok(conn.prepare(sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
        };
        let mut snapshot = CatalogueSnapshot {
            purposes: HashMap::new(),
            controllers: std::collections::HashSet::new(),
            statements: HashMap::new(),
            notices: HashMap::new(),
            statement_controllers: HashMap::new(),
            statement_formats: HashMap::new(),
        };
        for code in column("SELECT code FROM purposes")? {
            if let Some(p) = lookup.purpose(&code) {
                snapshot.purposes.insert(code, p);
            }
        }
        for slug in column("SELECT slug FROM controllers")? {
            if lookup.controller_exists(&slug) {
                snapshot.controllers.insert(slug);
            }
        }
        let pairs: Vec<(String, String)> = conn
            .prepare("SELECT DISTINCT version, purpose FROM statements")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (version, purpose) in pairs {
            if let Some(at) = lookup.statement_effective(&version, &purpose) {
                snapshot.statements.entry(version).or_default().insert(purpose, at);
            }
        }
        for version in column("SELECT DISTINCT version FROM notices")? {
            if let Some(at) = lookup.notice_effective(&version) {
                snapshot.notices.insert(version, at);
            }
        }
        for version in column("SELECT DISTINCT version FROM statements")? {
            if let Some(cs) = lookup.statement_controllers(&version) {
                snapshot.statement_controllers.insert(version.clone(), cs);
            }
            snapshot.statement_formats.insert(version.clone(), lookup.statement_formats(&version));
        }
        Ok(snapshot)
    }
}

impl Lookup for CatalogueSnapshot {
    fn purpose(&self, code: &str) -> Option<Arc<PurposeInfo>> {
        self.purposes.get(code).cloned()
    }
    fn controller_exists(&self, slug: &str) -> bool {
        self.controllers.contains(slug)
    }
    fn statement_effective(&self, version: &str, purpose: &str) -> Option<DateTime<Utc>> {
        self.statements.get(version).and_then(|by| by.get(purpose)).copied()
    }
    fn notice_effective(&self, version: &str) -> Option<DateTime<Utc>> {
        self.notices.get(version).copied()
    }
    fn statement_controllers(&self, version: &str) -> Option<Arc<[String]>> {
        self.statement_controllers.get(version).cloned()
    }
    fn statement_formats(&self, version: &str) -> Vec<TextFormat> {
        self.statement_formats.get(version).cloned().unwrap_or_default()
    }
}
