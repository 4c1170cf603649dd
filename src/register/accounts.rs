//! The credential vault's rows: custodians (the age recipients secrets are sealed to), accounts
//! with their sealed secrets, and rotations.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::{Change, Db};
use crate::base::error::{Error, Result};
use crate::domain::model::AccountAccess;

/// A custodian: an age recipient that can open the register's secrets.
#[derive(Debug, Clone, Serialize)]
pub struct Custodian {
    pub id: String,
    pub recipient: String,
    pub label: Option<String>,
    pub fingerprint: String,
    pub added_at: String,
    pub removed_at: Option<String>,
}

fn custodian_row(r: &Row<'_>) -> rusqlite::Result<Custodian> {
    let recipient: String = r.get(0)?;
    Ok(Custodian {
        id: recipient.clone(),
        fingerprint: crate::base::keys::fingerprint(recipient.as_bytes()),
        recipient,
        label: r.get(1)?,
        added_at: r.get(2)?,
        removed_at: r.get(3)?,
    })
}

/// Every custodian, current first.
pub fn custodians(conn: &Db, current_only: bool) -> Result<Vec<Custodian>> {
    let mut st = conn.prepare(
        "SELECT recipient, label, added_at, removed_at FROM custodians WHERE ?1 = 0 OR removed_at IS NULL
         ORDER BY removed_at IS NOT NULL, added_at, recipient",
    )?;
    Ok(st.query_map([current_only], custodian_row)?.collect::<Result<Vec<_>, _>>()?)
}

/// The current custodians' recipients.
pub fn current_recipients(conn: &Db) -> Result<Vec<age::x25519::Recipient>> {
    custodians(conn, true)?
        .iter()
        .map(|c| {
            crate::base::keys::parse_recipient(&c.recipient)
                .map_err(|e| Error::RegisterDamaged { why: format!("a custodian's recipient is not valid: {e}") })
        })
        .collect()
}

/// Add (or re-add) a custodian.
pub fn add_custodian(conn: &Change<'_>, recipient: &str, label: Option<&str>, at: &str) -> Result<bool> {
    let n = conn.prepare_cached("INSERT INTO custodians(recipient, label, added_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(recipient) DO UPDATE SET removed_at = NULL, added_at = excluded.added_at, label = COALESCE(excluded.label, label)
         WHERE removed_at IS NOT NULL")?.execute(params![recipient, label, at],
    )?;
    Ok(n == 1)
}

/// Mark a custodian removed.
pub fn remove_custodian(conn: &Change<'_>, recipient: &str, at: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE custodians SET removed_at = ?2 WHERE recipient = ?1 AND removed_at IS NULL")?
        .execute(params![recipient, at])?
        == 1)
}

/// An account (its secret stays encrypted; it is never part of this struct).
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: crate::domain::model::AccountId,
    pub service: String,
    pub url: String,
    pub login: String,
    pub personal_data: Option<String>,
    pub paid_by: Option<String>,
    pub paid_until: Option<String>,
    pub recovery_email: Option<String>,
    pub recovery_phone: Option<String>,
    pub two_factor: Option<String>,
    pub secret_recipients: Vec<String>,
    pub created_at: String,
    pub secret_updated_at: String,
    pub rotations: Vec<Rotation>,
    /// `password` or `admins` (see [`crate::domain::model::rotation_steps`]).
    pub access: AccountAccess,
    /// The outgoing controller's people with admin rights (an `admins` account).
    pub admins_outgoing: Vec<String>,
    /// The incoming controller's people to be made admins (an `admins` account).
    pub admins_incoming: Vec<String>,
}

impl Account {
    /// The rotation steps this account needs.
    pub fn rotation_steps(&self) -> &'static [&'static str] {
        crate::domain::model::rotation_steps(self.access)
    }

    /// Whether a secret is sealed for it (an `admins` account has none).
    pub fn has_secret(&self) -> bool {
        self.access != AccountAccess::Admins
    }

    /// What its rotation task asks, in words.
    pub fn rotation_title(&self) -> String {
        if self.has_secret() {
            format!(
                "Rotate the {} account {}: password, recovery email and phone, two-factor, remove the old admins",
                self.service, self.url
            )
        } else {
            let list = |v: &[String]| if v.is_empty() { "(none listed)".to_string() } else { v.join(", ") };
            format!(
                "Change the admins of the {} {}: make {} admins, then remove {}",
                self.service,
                self.url,
                list(&self.admins_incoming),
                list(&self.admins_outgoing)
            )
        }
    }

    /// The steps still to record.
    pub fn steps_missing(&self) -> Vec<&'static str> {
        self.rotation_steps().iter().copied().filter(|s| !self.rotations.iter().any(|r| r.what == *s)).collect()
    }
}

/// A recorded rotation step.
#[derive(Debug, Clone, Serialize)]
pub struct Rotation {
    pub what: String,
    pub done_at: String,
    pub done_by: String,
}

const ACCOUNT_COLS: &str = "id, service, url, login, personal_data, paid_by, paid_until, recovery_email, recovery_phone, two_factor, secret_recipients, created_at, secret_updated_at, access, admins_outgoing, admins_incoming";

fn account_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        service: r.get(1)?,
        url: r.get(2)?,
        login: r.get(3)?,
        personal_data: r.get(4)?,
        paid_by: r.get(5)?,
        paid_until: r.get(6)?,
        recovery_email: r.get(7)?,
        recovery_phone: r.get(8)?,
        two_factor: r.get(9)?,
        secret_recipients: super::list_cell(r, 10)?,
        created_at: r.get(11)?,
        secret_updated_at: r.get(12)?,
        rotations: Vec::new(),
        access: super::code_cell(r, 13)?,
        admins_outgoing: super::list_cell(r, 14)?,
        admins_incoming: super::list_cell(r, 15)?,
    })
}

/// Insert an account with its encrypted secret.
pub fn insert_account(conn: &Change<'_>, a: &Account, secret: &[u8]) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO accounts({ACCOUNT_COLS}, secret) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)"
    ))?
    .execute(params![
        a.id,
        a.service,
        a.url,
        a.login,
        a.personal_data,
        a.paid_by,
        a.paid_until,
        a.recovery_email,
        a.recovery_phone,
        a.two_factor,
        serde_json::to_string(&a.secret_recipients).unwrap_or_default(),
        a.created_at,
        a.secret_updated_at,
        a.access.as_str(),
        serde_json::to_string(&a.admins_outgoing).unwrap_or_default(),
        serde_json::to_string(&a.admins_incoming).unwrap_or_default(),
        secret
    ])?;
    Ok(())
}

/// Replace an account's encrypted secret.
pub fn set_secret(conn: &Change<'_>, id: &str, secret: &[u8], recipients: &[String], at: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE accounts SET secret = ?2, secret_recipients = ?3, secret_updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, secret, serde_json::to_string(recipients).unwrap_or_default(), at])?;
    Ok(())
}

/// Every account, with its rotation steps.
pub fn accounts(conn: &Db) -> Result<Vec<Account>> {
    let mut st = conn.prepare(&format!("SELECT {ACCOUNT_COLS} FROM accounts ORDER BY created_at, id"))?;
    let mut list = st.query_map([], account_row)?.collect::<Result<Vec<_>, _>>()?;
    let mut rs = conn.prepare(
        "SELECT what, done_at, done_by FROM account_rotations WHERE account_id = ?1 ORDER BY done_at, rowid",
    )?;
    for a in &mut list {
        a.rotations = rs
            .query_map([&a.id], |r| Ok(Rotation { what: r.get(0)?, done_at: r.get(1)?, done_by: r.get(2)? }))?
            .collect::<Result<Vec<_>, _>>()?;
    }
    Ok(list)
}

/// One account, or `NotFound`.
pub fn account(conn: &Db, id: &str) -> Result<Account> {
    accounts(conn)?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| Error::NotFound { kind: "account", id: id.to_string() })
}

/// An account's encrypted secret.
pub fn secret(conn: &Db, id: &str) -> Result<Vec<u8>> {
    conn.prepare_cached("SELECT secret FROM accounts WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound { kind: "account", id: id.to_string() })
}

/// Record a rotation step.
pub fn add_rotation(conn: &Change<'_>, account_id: &str, what: &str, at: &str, by: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO account_rotations(id, account_id, what, done_at, done_by) VALUES (?1,?2,?3,?4,?5)",
    )?
    .execute(params![crate::domain::model::new_id("rot"), account_id, what, at, by])?;
    Ok(())
}

/// Where an account's service keeps its data.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    /// ISO 3166-1 alpha-2 (`GB` for the UK).
    pub country: String,
    /// The service processes personal data on the controller's behalf (Art 28).
    pub processor: bool,
    /// The safeguard relied on outside the UK (adequacy regulations, the IDTA, the UK Addendum).
    pub safeguard: Option<String>,
}

/// Record (or correct) where an account's service keeps its data.
pub fn set_location(conn: &Change<'_>, account: &str, l: &Location, at: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO account_locations(account_id, country, processor, safeguard, recorded_at) VALUES (?1,?2,?3,?4,?5)
         ON CONFLICT(account_id) DO UPDATE SET country = excluded.country, processor = excluded.processor,
             safeguard = excluded.safeguard, recorded_at = excluded.recorded_at",
    )?
    .execute(params![account, l.country, l.processor, l.safeguard, at])?;
    Ok(())
}

/// Every recorded location, by account id.
pub fn locations(conn: &Db) -> Result<std::collections::HashMap<String, Location>> {
    let mut st = conn.prepare_cached("SELECT account_id, country, processor, safeguard FROM account_locations")?;
    Ok(st
        .query_map([], |r| {
            Ok((r.get(0)?, Location { country: r.get(1)?, processor: r.get(2)?, safeguard: r.get(3)? }))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The services whose accounts hold an audience (a mailing list): handed over whole, they carry
/// everyone on it, whatever the plan decided.
pub const MAILING_SERVICES: &[&str] = &["mailchimp", "email_inbox"];

/// Record the data protection lead's check of a mailing-service account's audience.
pub fn add_audience_check(conn: &Change<'_>, account: &str, how: &str, note: &str, by: &str, at: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO account_audience_checks(id, account_id, how, note, by_name, at) VALUES (?1,?2,?3,?4,?5,?6)",
    )?
    .execute(params![crate::domain::model::new_id("aud"), account, how, note, by, at])?;
    Ok(())
}

/// When each account's audience was last checked.
pub fn audience_checked(conn: &Db) -> Result<std::collections::HashMap<String, String>> {
    let mut st = conn.prepare_cached("SELECT account_id, max(at) FROM account_audience_checks GROUP BY account_id")?;
    Ok(st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?)
}

/// When the register last recorded a consent or basis event (anything that can change who the
/// plan holds back).
pub fn last_decision_change(conn: &Db) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT max(at) FROM (SELECT max(recorded_at) AS at FROM consent_events UNION ALL SELECT max(recorded_at) FROM bases)",
        )?
        .query_row([], |r| r.get(0))?)
}
