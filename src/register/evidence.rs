//! Consent events (append-only), other lawful bases with objections and restrictions, and
//! privacy notices sent.

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};
use serde::Serialize;

use super::catalogue::RegisterLookup;
use super::{Change, Db, Stored, json_list, with_fresh_id};
use crate::base::error::Result;
use crate::domain::consent::{ConsentEvent, EventView};
use crate::domain::model::{
    AuthorityKind, Basis, BasisAction, Channel, ConsentAction, ConsentKind, EventId, GivenBy, PersonId, fmt_ts,
};

// ---------------------------------------------------------------- consent events

/// A stored consent event, as shown by `consent history`: the typed [`ConsentEvent`] with what
/// the register adds (its id, the person's reference, the statement's digest, where it came from).
#[derive(Clone, Serialize)]
pub struct StoredConsent {
    pub id: EventId,
    pub person_id: PersonId,
    pub person_ref: String,
    #[serde(flatten)]
    pub event: ConsentEvent,
    /// `standard`, or `explicit` when it names special categories.
    pub consent_kind: ConsentKind,
    pub statement_sha256: Option<String>,
    pub source: String,
    pub recorded_at: String,
}

impl std::fmt::Debug for StoredConsent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredConsent").field("id", &self.id).field("event", &self.event).finish_non_exhaustive()
    }
}

impl StoredConsent {
    /// The view the status function needs.
    pub fn view(&self) -> EventView {
        EventView { action: self.event.action, controllers: self.event.controllers.clone().into(), at: self.event.at }
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
    c: &Change<'_>,
    person_id: &str,
    e: &ConsentEvent,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Option<EventId>> {
    insert_consent_in(c, &RegisterLookup::new(c), person_id, e, source, now)
}

const INSERT_CONSENT: &str = "INSERT INTO consent_events(id, person_id, purpose, action, controllers, channels, consent_kind,
    special_categories, statement_version, statement_sha256, notice_version, method, evidence_ref, at, recorded_by, given_by,
    authority_kind, authority_ref, verified_by, verified_at, support_given, told_can_withdraw, context, source,
    natural_key, recorded_at, capacity_concern, capacity_assessment, statement_format)
 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29)
 ON CONFLICT(natural_key) DO NOTHING";

/// [`insert_consent`] with the lookups of an import (statement digests remembered).
pub fn insert_consent_in(
    conn: &Change<'_>,
    lookup: &RegisterLookup<'_>,
    person_id: &str,
    e: &ConsentEvent,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Option<EventId>> {
    // The insert is held by the lookups: they must be this transaction's.
    assert!(lookup.reads(conn), "consent lookups of another connection");
    let key = consent_natural_key(person_id, e);
    let first = EventId::new();
    let sha = match &e.statement_version {
        Some(v) => lookup.statement_sha(v, e.statement_format)?,
        None => None,
    };
    let kind = e.kind().as_str();
    let (id, inserted) = with_fresh_id(&first, |id| {
        lookup.with_statement(INSERT_CONSENT, |st| {
            st.execute(params![
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
                e.method.map(crate::domain::model::Method::as_str),
                e.evidence_ref,
                fmt_ts(e.at),
                e.recorded_by,
                e.given_by.as_str(),
                e.authority_kind.map(crate::domain::model::AuthorityKind::as_str),
                e.authority_ref,
                e.verified_by,
                e.verified_at.map(fmt_ts),
                e.support_given,
                e.told_can_withdraw,
                e.context,
                source,
                key,
                fmt_ts(now),
                e.capacity_concern,
                e.capacity_assessment,
                e.statement_format.map(crate::domain::model::TextFormat::as_str),
            ])
        })
    })?;
    // An event already recorded (the same natural key) is not recorded twice.
    Ok((inserted == 1).then_some(EventId::from(id)))
}

/// Run `f`, which records about `rows` consent events, with the index of events by person built
/// once at its end when there are many (one sort instead of a write per event all over the index;
/// the import reads nothing through it). It is dropped and built in `c`'s transaction: if `f`
/// fails, the rollback puts it back as it was.
pub fn with_bulk_consent<R>(c: &Change<'_>, rows: usize, f: impl FnOnce() -> Result<R>) -> Result<R> {
    const MANY: usize = 50_000;
    if rows < MANY {
        return f();
    }
    c.execute("DROP INDEX consent_person", [])?;
    let out = f()?;
    // The sort that builds it is held to 16 MiB (it spills to a temporary file past that), and the
    // pages the import cached are let go first, so that the two are never both held.
    c.pragma_update("cache_size", -16_384)?;
    c.execute("PRAGMA shrink_memory", [])?;
    c.execute("CREATE INDEX consent_person ON consent_events(person_id, purpose)", [])?;
    Ok(out)
}

/// The columns of a [`StoredConsent`], with the person's reference, for [`stored_consent`].
const CONSENT_SELECT: &str =
    "SELECT c.id, c.person_id, p.ref, c.purpose, c.action, c.controllers, c.channels, c.consent_kind, c.special_categories,
            c.statement_version, c.statement_sha256, c.notice_version, c.method, c.evidence_ref, c.at, c.recorded_by,
            c.given_by, c.authority_kind, c.authority_ref, c.verified_by, c.verified_at, c.support_given,
            c.told_can_withdraw, c.context, c.source, c.recorded_at, c.capacity_concern, c.capacity_assessment,
            c.statement_format
     FROM consent_events c JOIN people p ON p.id = c.person_id";

fn stored_consent(r: &Row<'_>) -> Result<StoredConsent> {
    let id: String = r.get(0)?;
    let v = Stored { table: "consent_events", row: &id };
    let text = |i: usize| r.get::<_, String>(i);
    let opt = |i: usize| r.get::<_, Option<String>>(i);
    let consent_kind = v.code("consent_kind", &text(7)?)?;
    let event = ConsentEvent {
        purpose: text(3)?,
        action: v.code("action", &text(4)?)?,
        controllers: v.list("controllers", &text(5)?)?,
        channels: v.codes("channels", &text(6)?)?,
        special_categories: v.codes("special_categories", &text(8)?)?,
        statement_version: opt(9)?,
        statement_format: v.code_opt("statement_format", opt(28)?.as_deref())?,
        notice_version: opt(11)?,
        method: v.code_opt("method", opt(12)?.as_deref())?,
        evidence_ref: opt(13)?,
        at: v.time("at", &text(14)?)?,
        recorded_by: text(15)?,
        given_by: v.code("given_by", &text(16)?)?,
        authority_kind: v.code_opt("authority_kind", opt(17)?.as_deref())?,
        authority_ref: opt(18)?,
        verified_by: opt(19)?,
        verified_at: v.time_opt("verified_at", opt(20)?.as_deref())?,
        support_given: opt(21)?,
        told_can_withdraw: r.get(22)?,
        context: opt(23)?,
        capacity_concern: r.get(26)?,
        capacity_assessment: opt(27)?,
    };
    Ok(StoredConsent {
        person_id: r.get(1)?,
        person_ref: text(2)?,
        event,
        consent_kind,
        statement_sha256: opt(10)?,
        source: text(24)?,
        recorded_at: text(25)?,
        id: EventId::from(id),
    })
}

/// Consent events, optionally of one person and/or one purpose, in time order. A stored value that
/// does not read stops the read ([`Stored`]).
pub fn consents(conn: &Db, person_id: Option<&str>, purpose: Option<&str>) -> Result<Vec<StoredConsent>> {
    let mut st = conn.prepare_cached(&format!(
        "{CONSENT_SELECT} WHERE (?1 IS NULL OR c.person_id = ?1) AND (?2 IS NULL OR c.purpose = ?2) ORDER BY p.ref, c.at, c.rowid"
    ))?;
    let mut rows = st.query(params![person_id, purpose])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(stored_consent(r)?);
    }
    Ok(out)
}

/// What the plan's rules read of one consent event (no evidence text), borrowed from the row.
#[derive(Debug, Clone, Copy)]
pub struct ConsentRow<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub purpose: &'a str,
    pub action: &'a str,
    /// The controllers as stored (a JSON list): read them with [`ConsentRow::controllers`].
    pub controllers: &'a str,
    pub at: &'a str,
    pub support_given: Option<&'a str>,
    pub has_authority_ref: bool,
    /// A capacity concern noted with the event (`None`: not stated).
    pub capacity_concern: Option<bool>,
    /// The special categories as stored (a JSON list).
    pub special_categories: &'a str,
    /// The statement version the event cites (every event: the plan checks what it names).
    pub statement_version: Option<&'a str>,
    /// The rest of the evidence a consent carries (what the mailing list shows of it), for events
    /// of the purpose [`each_consent_row`] is asked about; `None` for the others.
    pub statement_sha256: Option<&'a str>,
    pub notice_version: Option<&'a str>,
    pub method: Option<&'a str>,
    pub evidence_ref: Option<&'a str>,
    /// When it was written into this register, for events that note a capacity concern (a review
    /// covers only what was recorded before it); `None` for the others.
    pub recorded_at: Option<&'a str>,
}

impl<'a> ConsentRow<'a> {
    /// The row from its text fields in [`ConsentRowBytes`] order.
    pub fn from_fields(
        f: [Option<&'a str>; 14],
        has_authority_ref: bool,
        capacity_concern: Option<bool>,
    ) -> ConsentRow<'a> {
        ConsentRow {
            id: f[0].unwrap_or_default(),
            person_id: f[1].unwrap_or_default(),
            purpose: f[2].unwrap_or_default(),
            action: f[3].unwrap_or_default(),
            controllers: f[4].unwrap_or_default(),
            at: f[5].unwrap_or_default(),
            support_given: f[6],
            has_authority_ref,
            capacity_concern,
            special_categories: f[7].unwrap_or_default(),
            statement_version: f[8],
            statement_sha256: f[9],
            notice_version: f[10],
            method: f[11],
            evidence_ref: f[12],
            recorded_at: f[13],
        }
    }
}

impl<'a> ConsentRow<'a> {
    /// The row, for naming it in an error.
    pub fn stored(&self) -> Stored<'a> {
        Stored { table: "consent_events", row: self.id }
    }

    /// Grant, withdraw or refuse; a stored action that is none of these stops the read.
    pub fn action(&self) -> Result<ConsentAction> {
        self.stored().code("action", self.action)
    }

    /// When it happened.
    pub fn at(&self) -> Result<DateTime<Utc>> {
        self.stored().time("at", self.at)
    }

    /// When it was written into this register, where the read keeps it (see [`ConsentRow::recorded_at`]).
    pub fn recorded(&self) -> Result<Option<DateTime<Utc>>> {
        self.recorded_at.map(|v| self.stored().time("recorded_at", v)).transpose()
    }

    /// The controllers it names.
    pub fn controllers(&self) -> Result<Vec<String>> {
        self.stored().list("controllers", self.controllers)
    }

    /// The special categories it names (their codes).
    pub fn special_categories(&self) -> Result<Vec<String>> {
        let v = self.stored();
        let list = v.list("special_categories", self.special_categories)?;
        for c in &list {
            v.code::<crate::domain::model::SpecialCategory>("special_categories", c)?;
        }
        Ok(list)
    }
}

/// The columns of [`ConsentRowBytes::text`], for naming one in an error.
const CONSENT_ROW_COLUMNS: [&str; 14] = [
    "id",
    "person_id",
    "purpose",
    "action",
    "controllers",
    "at",
    "support_given",
    "special_categories",
    "statement_version",
    "statement_sha256",
    "notice_version",
    "method",
    "evidence_ref",
    "recorded_at",
];

/// A consent row as SQLite holds it: the text fields of [`ConsentRow`] in its order, as bytes not
/// yet checked to be UTF-8 (whoever keeps them checks them, once for many rows).
pub struct ConsentRowBytes<'a> {
    pub text: [Option<&'a [u8]>; 14],
    pub has_authority_ref: bool,
    pub capacity_concern: Option<bool>,
}

impl ConsentRowBytes<'_> {
    /// The row with every text field checked to be UTF-8 (one that is not stops the read, naming it).
    pub fn row(&self) -> Result<ConsentRow<'_>> {
        let id = self.text[0].and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("(an id that is not text)");
        let mut fields = [None; 14];
        for (i, (f, b)) in fields.iter_mut().zip(self.text).enumerate() {
            if let Some(b) = b {
                *f = Some(std::str::from_utf8(b).map_err(|_| {
                    Stored { table: "consent_events", row: id }.bad(CONSENT_ROW_COLUMNS[i], "", "UTF-8 text")
                })?);
            }
        }
        Ok(ConsentRow::from_fields(fields, self.has_authority_ref, self.capacity_concern))
    }
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
                statement_version, CASE WHEN purpose = ?1 THEN statement_sha256 END,
                CASE WHEN purpose = ?1 THEN notice_version END, CASE WHEN purpose = ?1 THEN method END,
                CASE WHEN purpose = ?1 THEN evidence_ref END, CASE WHEN capacity_concern = 1 THEN recorded_at END,
                authority_ref IS NOT NULL, capacity_concern FROM consent_events",
    )?;
    let mut rows = st.query([evidence_for])?;
    while let Some(r) = rows.next()? {
        let mut text: [Option<&[u8]>; 14] = [None; 14];
        for (i, t) in text.iter_mut().enumerate() {
            *t = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Text(b) => Some(b),
                other => {
                    return Err(rusqlite::Error::InvalidColumnType(i, format!("{i}"), other.data_type()).into());
                }
            };
        }
        each(ConsentRowBytes { text, has_authority_ref: r.get(14)?, capacity_concern: r.get(15)? })?;
    }
    Ok(())
}

/// A consent given on someone's behalf, as the report counts it (no evidence text).
#[derive(Debug, Clone)]
pub struct ProxyRow {
    pub person_id: String,
    pub purpose: String,
    pub given_by: GivenBy,
    pub authority_kind: Option<AuthorityKind>,
    pub authority_ref_recorded: bool,
    pub verified_at: Option<String>,
}

/// Every consent event given by someone other than the person.
pub fn proxy_rows(conn: &Db) -> Result<Vec<ProxyRow>> {
    let mut st = conn.prepare_cached(
        "SELECT c.person_id, c.purpose, c.given_by, c.authority_kind, c.authority_ref IS NOT NULL, c.verified_at
         FROM consent_events c LEFT JOIN people p ON p.id = c.person_id
         WHERE c.given_by != 'self' ORDER BY p.ref, c.at, c.rowid",
    )?;
    let rows = st.query_map([], |r| {
        Ok(ProxyRow {
            person_id: r.get(0)?,
            purpose: r.get(1)?,
            given_by: super::code_cell(r, 2)?,
            authority_kind: match r.get::<_, Option<String>>(3)? {
                Some(_) => Some(super::code_cell(r, 3)?),
                None => None,
            },
            authority_ref_recorded: r.get(4)?,
            verified_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

// ---------------------------------------------------------------- bases, objections, restrictions

/// A basis event (record, object, restrict, lift_restriction).
#[derive(Debug, Clone, Serialize)]
pub struct BasisEvent {
    pub id: String,
    pub person_id: PersonId,
    pub person_ref: String,
    pub purpose: String,
    pub action: BasisAction,
    pub basis: Option<Basis>,
    pub controllers: Vec<String>,
    pub assessment_ref: Option<String>,
    pub decided_by: String,
    /// When it was decided, as stored (checked to be a time when read).
    pub decided_at: String,
}

impl BasisEvent {
    /// When it was decided.
    pub fn at(&self) -> Result<DateTime<Utc>> {
        Stored { table: "bases", row: &self.id }.time("decided_at", &self.decided_at)
    }
}

/// Insert a basis event unless an identical one exists; returns whether it was new (`b.id` is
/// drawn again if it is already taken).
pub fn insert_basis(conn: &Change<'_>, b: &mut BasisEvent, now: DateTime<Utc>) -> Result<bool> {
    let mut cs = b.controllers.clone();
    cs.sort();
    let key = format!("{}|{}|{}|{}|{}", b.person_id, b.purpose, b.action, cs.join(";"), b.decided_at);
    let (id, n) = with_fresh_id(&b.id, |id| {
        conn.prepare_cached("INSERT INTO bases(id, person_id, purpose, action, basis, controllers, assessment_ref, decided_by, decided_at, natural_key, recorded_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT(natural_key) DO NOTHING")?.execute(params![
            id, b.person_id, b.purpose, b.action.as_str(), b.basis.map(Basis::as_str), json_list(&b.controllers), b.assessment_ref, b.decided_by,
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
    let mut rows = st.query([person_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(basis_row(r)?);
    }
    Ok(out)
}

/// A basis event as [`bases`] selects it, every code and time read.
fn basis_row(r: &Row<'_>) -> Result<BasisEvent> {
    let id: String = r.get(0)?;
    let v = Stored { table: "bases", row: &id };
    let decided_at: String = r.get(9)?;
    v.time("decided_at", &decided_at)?;
    Ok(BasisEvent {
        person_id: r.get(1)?,
        person_ref: r.get(2)?,
        purpose: r.get(3)?,
        action: v.code("action", &r.get::<_, String>(4)?)?,
        basis: v.code_opt("basis", r.get::<_, Option<String>>(5)?.as_deref())?,
        controllers: v.list("controllers", &r.get::<_, String>(6)?)?,
        assessment_ref: r.get(7)?,
        decided_by: r.get(8)?,
        decided_at,
        id,
    })
}

// ---------------------------------------------------------------- notices sent

/// A logged delivery of a notice to a person.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeSent {
    pub id: String,
    pub person_id: PersonId,
    pub person_ref: String,
    pub notice_version: String,
    pub sent_at: String,
    pub channel: Channel,
}

impl NoticeSent {
    /// When it was sent.
    pub fn at(&self) -> Result<DateTime<Utc>> {
        Stored { table: "notices_sent", row: &self.id }.time("sent_at", &self.sent_at)
    }
}

/// Insert a delivery record unless identical; returns whether it was new (`n.id` is drawn again
/// if it is already taken).
pub fn insert_notice_sent(conn: &Change<'_>, n: &mut NoticeSent, now: DateTime<Utc>) -> Result<bool> {
    let key = format!("{}|{}|{}|{}", n.person_id, n.notice_version, n.sent_at, n.channel.as_str());
    let (id, c) = with_fresh_id(&n.id, |id| {
        conn.prepare_cached("INSERT INTO notices_sent(id, person_id, notice_version, sent_at, channel, natural_key, recorded_at) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(natural_key) DO NOTHING")?
            .execute(params![id, n.person_id, n.notice_version, n.sent_at, n.channel.as_str(), key, fmt_ts(now)])
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
    let mut rows = st.query([person_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let channel = Stored { table: "notices_sent", row: &id }.code("channel", &r.get::<_, String>(5)?)?;
        out.push(NoticeSent {
            person_id: r.get(1)?,
            person_ref: r.get(2)?,
            notice_version: r.get(3)?,
            sent_at: r.get(4)?,
            channel,
            id,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- what does not read

/// A stored value handover cannot read, as `audit verify` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub table: &'static str,
    pub row: String,
    pub column: &'static str,
    pub why: String,
}

/// Every row of the evidence tables with a value that does not read (the first such value of
/// each row): consent events, bases, notices sent, roles and reviews.
pub fn unreadable(conn: &Db) -> Result<Vec<Unreadable>> {
    let mut out = Vec::new();
    let keep = |out: &mut Vec<Unreadable>, read: Result<()>| -> Result<()> {
        match read {
            Err(crate::base::error::Error::StoredValue { table, row, column, why }) => {
                out.push(Unreadable { table, row, column, why });
                Ok(())
            }
            other => other,
        }
    };
    let mut st = conn.prepare(CONSENT_SELECT)?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        keep(&mut out, stored_consent(r).map(drop))?;
    }
    let mut st = conn.prepare(
        "SELECT b.id, b.person_id, p.ref, b.purpose, b.action, b.basis, b.controllers, b.assessment_ref, b.decided_by, b.decided_at
         FROM bases b JOIN people p ON p.id = b.person_id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        keep(&mut out, basis_row(r).map(drop))?;
    }
    // A delivery whose channel does not read stops the list there: it is named, the rest unread.
    match notices_sent(conn, None) {
        Ok(sent) => {
            for n in sent {
                keep(&mut out, n.at().map(drop))?;
            }
        }
        Err(e) => keep(&mut out, Err(e))?,
    }
    super::people::each_role(conn, |r| keep(&mut out, r.map(drop)))?;
    for r in super::reviews::all_rows(conn)? {
        keep(&mut out, super::reviews::check(&r))?;
    }
    Ok(out)
}
