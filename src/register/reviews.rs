//! The data protection lead's reviews of people the plan holds back for review: one row per
//! decision, append-only; the latest for a person and reason stands.

use rusqlite::{Row, params};
use serde::Serialize;

use super::{Change, Db};
use crate::base::error::Result;

/// The reasons a review can resolve: what the plan holds back for a person to look at.
pub const REVIEWABLE: &[&str] =
    &["jurisdiction_review", "adult_not_confirmed", "capacity_query", "statement_unrecorded"];

/// A recorded review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: String,
    pub person_id: crate::domain::model::PersonId,
    pub person_ref: String,
    pub reason: String,
    /// `go` (the person may go despite the reason) or `hold`.
    pub decision: String,
    pub by: String,
    pub note: String,
    pub at: String,
    /// The minisign key id that signed it, if it was signed.
    pub signer_key_id: Option<String>,
    #[serde(skip)]
    pub signature: Option<String>,
    /// Whether it is signed by an approver whose signature counts today (`approver list`), and the
    /// signature holds. Only such a review lets a person go.
    pub approver_signed: bool,
}

impl Review {
    /// The canonical JSON a review's signature covers.
    pub fn signed_text(&self) -> String {
        serde_json::json!({
            "format": "handover-review", "id": self.id, "person_id": self.person_id, "reason": self.reason,
            "decision": self.decision, "by": self.by, "note": self.note, "at": self.at,
        })
        .to_string()
    }

    /// The approver among `approvers` whose key signed it, if one did and the signature holds.
    pub fn signed_by<'a>(&self, approvers: &'a [super::approvers::Approver]) -> Option<&'a super::approvers::Approver> {
        let (key, sig) = (self.signer_key_id.as_ref()?, self.signature.as_ref()?);
        let a = approvers.iter().find(|a| a.key_id == *key)?;
        let pk = minisign::PublicKey::from_base64(a.public_key.trim()).ok()?;
        crate::base::keys::verify(&pk, sig, self.signed_text().as_bytes()).is_ok().then_some(a)
    }
}

fn row(r: &Row<'_>) -> rusqlite::Result<Review> {
    Ok(Review {
        id: r.get(0)?,
        person_id: r.get(1)?,
        person_ref: r.get(2)?,
        reason: r.get(3)?,
        decision: r.get(4)?,
        by: r.get(5)?,
        note: r.get(6)?,
        at: r.get(7)?,
        signer_key_id: r.get(8)?,
        signature: r.get(9)?,
        approver_signed: false,
    })
}

/// Record a review.
pub fn insert(conn: &Change<'_>, r: &Review) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO reviews(id, person_id, reason, decision, by_name, note, at, signer_key_id, signature)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    )?
    .execute(params![
        r.id,
        r.person_id,
        r.reason,
        r.decision,
        r.by,
        r.note,
        r.at,
        r.signer_key_id,
        r.signature
    ])?;
    Ok(())
}

/// Every review (of one person, if given), oldest first.
pub fn reviews(conn: &Db, person_id: Option<&str>) -> Result<Vec<Review>> {
    let mut st = conn.prepare_cached(
        "SELECT r.id, r.person_id, p.ref, r.reason, r.decision, r.by_name, r.note, r.at, r.signer_key_id, r.signature
         FROM reviews r JOIN people p ON p.id = r.person_id
         WHERE ?1 IS NULL OR r.person_id = ?1 ORDER BY r.at, r.rowid",
    )?;
    let mut reviews: Vec<Review> = st.query_map([person_id], row)?.collect::<rusqlite::Result<_>>()?;
    let approvers = super::approvers::may_approve(conn)?;
    for r in &mut reviews {
        check(r)?;
        r.approver_signed = r.signed_by(&approvers).is_some();
    }
    Ok(reviews)
}

/// Every review as stored, unchecked (for `audit verify`, which lists what does not read).
pub(super) fn all_rows(conn: &Db) -> Result<Vec<Review>> {
    let mut st = conn.prepare(
        "SELECT r.id, r.person_id, p.ref, r.reason, r.decision, r.by_name, r.note, r.at, r.signer_key_id, r.signature
         FROM reviews r JOIN people p ON p.id = r.person_id",
    )?;
    Ok(st.query_map([], row)?.collect::<rusqlite::Result<_>>()?)
}

/// Whether a stored review reads: its time and its decision.
pub(super) fn check(r: &Review) -> Result<()> {
    let v = super::Stored { table: "reviews", row: &r.id };
    v.time("at", &r.at)?;
    if !matches!(r.decision.as_str(), "go" | "hold") {
        return Err(v.bad("decision", &r.decision, "go or hold"));
    }
    Ok(())
}

/// The review in force for each person and reason: the latest.
pub fn latest(conn: &Db) -> Result<Vec<Review>> {
    let mut out: Vec<Review> = Vec::new();
    for r in reviews(conn, None)? {
        out.retain(|x| !(x.person_id == r.person_id && x.reason == r.reason));
        out.push(r);
    }
    Ok(out)
}
