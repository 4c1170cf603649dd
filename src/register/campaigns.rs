//! Campaigns: what each asks (or tells), to whom, until when, and the codes issued to people.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Change, Db, Stored};
use crate::base::error::{Error, Result};
use crate::domain::model::{CampaignAnswer, CampaignChannel, CampaignKind, TextFormat};

/// One use a consent campaign asks about, with the statement version the person is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskedUse {
    pub purpose: String,
    pub statement_version: String,
}

/// A campaign.
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub id: String,
    pub kind: CampaignKind,
    /// The receiving controller it asks or tells about.
    pub controller: String,
    pub asks: Vec<AskedUse>,
    pub notice_version: Option<String>,
    /// The last day answers count (YYYY-MM-DD, London).
    pub closes_on: String,
    pub contact: Option<String>,
    pub form_url: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub closed_at: Option<String>,
}

const COLS: &str =
    "id, kind, controller, asks, notice_version, closes_on, contact, form_url, created_at, created_by, closed_at";

fn read(r: &rusqlite::Row<'_>) -> Result<Campaign> {
    let id: String = r.get(0)?;
    let v = Stored { table: "campaigns", row: &id };
    let kind: String = r.get(1)?;
    let asks: String = r.get(3)?;
    let asks = serde_json::from_str(&asks)
        .map_err(|_| v.bad("asks", &asks, "a JSON list of {\"purpose\", \"statement_version\"}"))?;
    Ok(Campaign {
        kind: v.code("kind", &kind)?,
        controller: r.get(2)?,
        asks,
        notice_version: r.get(4)?,
        closes_on: r.get(5)?,
        contact: r.get(6)?,
        form_url: r.get(7)?,
        created_at: r.get(8)?,
        created_by: r.get(9)?,
        closed_at: r.get(10)?,
        id,
    })
}

/// Record a new campaign.
pub fn insert(c: &Change<'_>, k: &Campaign) -> Result<()> {
    let asks = serde_json::to_string(&k.asks).map_err(|e| Error::Internal(e.to_string()))?;
    c.prepare_cached(&format!("INSERT INTO campaigns({COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"))?.execute(
        params![
            k.id,
            k.kind.as_str(),
            k.controller,
            asks,
            k.notice_version,
            k.closes_on,
            k.contact,
            k.form_url,
            k.created_at,
            k.created_by,
            k.closed_at
        ],
    )?;
    Ok(())
}

/// One campaign, if there is one by that id.
pub fn find(conn: &Db, id: &str) -> Result<Option<Campaign>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLS} FROM campaigns WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    rows.next()?.map(read).transpose()
}

/// One campaign or `NotFound`.
pub fn campaign(conn: &Db, id: &str) -> Result<Campaign> {
    find(conn, id)?.ok_or_else(|| Error::NotFound { kind: "campaign", id: id.to_string() })
}

/// Every campaign, oldest first.
pub fn campaigns(conn: &Db) -> Result<Vec<Campaign>> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM campaigns ORDER BY created_at, id"))?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read(r)?);
    }
    Ok(out)
}

/// A code issued to a person in a campaign.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedCode {
    pub person_id: String,
    pub code: String,
    pub channel: CampaignChannel,
    /// The format of the statements sent with it (what the person was shown).
    pub statement_format: TextFormat,
    /// The SHA-256 of the person's letter, as printed (`None`: by email).
    pub letter_sha256: Option<String>,
    pub issued_at: String,
    pub revoked_at: Option<String>,
}

const CODE_COLS: &str = "person_id, code, channel, issued_at, revoked_at, statement_format, letter_sha256";

fn issued(r: &rusqlite::Row<'_>) -> Result<IssuedCode> {
    let code: String = r.get(1)?;
    let v = Stored { table: "campaign_codes", row: &code };
    let channel: String = r.get(2)?;
    let format: String = r.get(5)?;
    Ok(IssuedCode {
        person_id: r.get(0)?,
        channel: v.code("channel", &channel)?,
        statement_format: v.code("statement_format", &format)?,
        issued_at: r.get(3)?,
        revoked_at: r.get(4)?,
        letter_sha256: r.get(6)?,
        code,
    })
}

/// Every code issued in a campaign.
pub fn codes(conn: &Db, campaign_id: &str) -> Result<Vec<IssuedCode>> {
    let mut st =
        conn.prepare_cached(&format!("SELECT {CODE_COLS} FROM campaign_codes WHERE campaign_id = ?1 ORDER BY code"))?;
    let mut rows = st.query([campaign_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(issued(r)?);
    }
    Ok(out)
}

/// The code issued as `code` in a campaign, if it was.
pub fn by_code(conn: &Db, campaign_id: &str, code: &str) -> Result<Option<IssuedCode>> {
    let mut st =
        conn.prepare_cached(&format!("SELECT {CODE_COLS} FROM campaign_codes WHERE campaign_id = ?1 AND code = ?2"))?;
    let mut rows = st.query([campaign_id, code])?;
    rows.next()?.map(issued).transpose()
}

/// The code issued to a person in a campaign, if any (revoked or not).
pub fn code_of(conn: &Db, campaign_id: &str, person_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT code FROM campaign_codes WHERE campaign_id = ?1 AND person_id = ?2")?
        .query_row([campaign_id, person_id], |r| r.get(0))
        .optional()?)
}

/// What a code is issued with: the channel, the statement format shown and (for a letter) the
/// letter's SHA-256.
#[derive(Debug, Clone)]
pub struct Issue<'a> {
    pub person_id: &'a str,
    pub code: &'a str,
    pub channel: CampaignChannel,
    pub format: TextFormat,
    pub letter_sha256: Option<&'a str>,
}

/// Record the code issued to a person, with the channel and statement format it went by (and the
/// letter's digest); a person who has one keeps it (reminders reuse it), with the latest letter's
/// digest.
pub fn issue(c: &Change<'_>, campaign_id: &str, i: &Issue<'_>, at: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO campaign_codes(campaign_id, person_id, code, channel, statement_format, issued_at, letter_sha256)
         VALUES (?1,?2,?3,?4,?5,?6,?7)
         ON CONFLICT(campaign_id, person_id) DO UPDATE SET letter_sha256 = COALESCE(excluded.letter_sha256, letter_sha256)",
    )?
    .execute(params![campaign_id, i.person_id, i.code, i.channel.as_str(), i.format.as_str(), at, i.letter_sha256])?;
    Ok(())
}

/// Revoke a code: answers with it are refused from now on. Returns whether it was in force.
pub fn revoke(c: &Change<'_>, campaign_id: &str, code: &str, at: &str) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE campaign_codes SET revoked_at = ?3 WHERE campaign_id = ?1 AND code = ?2 AND revoked_at IS NULL",
        )?
        .execute([campaign_id, code, at])?;
    Ok(n == 1)
}

/// Mark a campaign closed.
pub fn close(c: &Change<'_>, id: &str, at: &str) -> Result<()> {
    c.prepare_cached("UPDATE campaigns SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL")?.execute([id, at])?;
    Ok(())
}

/// One answer a campaign received, to one use.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub id: String,
    pub person_id: String,
    pub purpose: String,
    pub answer: CampaignAnswer,
    pub consent_event: Option<String>,
    pub method: String,
    pub at: String,
    pub source: String,
    pub note: Option<String>,
    pub recorded_at: String,
}

/// Record an answer.
pub fn insert_answer(c: &Change<'_>, campaign_id: &str, a: &Answer) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO campaign_answers(id, campaign_id, person_id, purpose, answer, consent_event, method, at, source, note, recorded_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    )?
    .execute(params![
        a.id,
        campaign_id,
        a.person_id,
        a.purpose,
        a.answer.as_str(),
        a.consent_event,
        a.method,
        a.at,
        a.source,
        a.note,
        a.recorded_at
    ])?;
    Ok(())
}

/// Every answer a campaign received, in the order recorded.
pub fn answers(conn: &Db, campaign_id: &str) -> Result<Vec<Answer>> {
    let mut st = conn.prepare_cached(
        "SELECT id, person_id, purpose, answer, consent_event, method, at, source, note, recorded_at
         FROM campaign_answers WHERE campaign_id = ?1 ORDER BY recorded_at, id",
    )?;
    let mut rows = st.query([campaign_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let v = Stored { table: "campaign_answers", row: &id };
        let answer: String = r.get(3)?;
        out.push(Answer {
            person_id: r.get(1)?,
            purpose: r.get(2)?,
            answer: v.code("answer", &answer)?,
            consent_event: r.get(4)?,
            method: r.get(5)?,
            at: r.get(6)?,
            source: r.get(7)?,
            note: r.get(8)?,
            recorded_at: r.get(9)?,
            id,
        });
    }
    Ok(out)
}

/// One send: an invitation or a reminder that went to a person.
#[derive(Debug, Clone, Serialize)]
pub struct Send {
    pub person_id: String,
    pub channel: CampaignChannel,
    /// `invitation` or `reminder`.
    pub what: String,
    pub sent_at: String,
    pub source: String,
}

/// Record a send (the same person, kind and moment again changes nothing). Returns whether it
/// was new.
pub fn insert_send(c: &Change<'_>, campaign_id: &str, s: &Send) -> Result<bool> {
    let n = c
        .prepare_cached(
            "INSERT INTO campaign_sends(id, campaign_id, person_id, channel, what, sent_at, source, recorded_at)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(campaign_id, person_id, what, sent_at) DO NOTHING",
        )?
        .execute(params![
            crate::domain::model::new_id("snd"),
            campaign_id,
            s.person_id,
            s.channel.as_str(),
            s.what,
            s.sent_at,
            s.source,
            crate::domain::model::fmt_ts(c.now)
        ])?;
    Ok(n == 1)
}

/// Every send of a campaign, oldest first.
pub fn sends(conn: &Db, campaign_id: &str) -> Result<Vec<Send>> {
    let mut st = conn.prepare_cached(
        "SELECT person_id, channel, what, sent_at, source FROM campaign_sends WHERE campaign_id = ?1 ORDER BY sent_at, person_id",
    )?;
    let mut rows = st.query([campaign_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let person_id: String = r.get(0)?;
        let v = Stored { table: "campaign_sends", row: &person_id };
        let channel: String = r.get(1)?;
        out.push(Send {
            channel: v.code("channel", &channel)?,
            what: r.get(2)?,
            sent_at: r.get(3)?,
            source: r.get(4)?,
            person_id,
        });
    }
    Ok(out)
}
