//! Retention's queries: what is past the policy, and the anonymising writes (the rules of what
//! counts as inactive live in `crate::records::retention`).

use super::{Change, Db};
use crate::base::error::Result;
use crate::domain::model::fmt_ts;

/// The text that replaces a closed complaint's summary when its retention period ends.
pub const REMOVED_SUMMARY: &str = "[removed: retention period ended]";

fn ids(db: &Db, sql: &str, arg: &str) -> Result<Vec<String>> {
    let mut st = db.prepare(sql)?;
    let v = st.query_map([arg], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Transfers whose wind-down date (`delete_after`) is on or before `today` and not yet wound down:
/// (transfer id, delete_after).
pub fn wind_downs_due(db: &Db, today: &str) -> Result<Vec<(String, String)>> {
    let mut st = db.prepare(
        "SELECT id, delete_after FROM transfers WHERE delete_after IS NOT NULL AND delete_after <= ?1 AND wound_down_at IS NULL",
    )?;
    let v = st.query_map([today], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// The people a transfer carried who are not erased, by id.
pub fn transfer_people_present(db: &Db, transfer_id: &str) -> Result<Vec<String>> {
    ids(
        db,
        "SELECT tp.person_id FROM transfer_people tp JOIN people p ON p.id = tp.person_id WHERE tp.transfer_id = ?1 AND p.erased_at IS NULL ORDER BY tp.person_id",
        transfer_id,
    )
}

/// People whose tombstone expires on or before `today`.
pub fn expired_tombstones(db: &Db, today: &str) -> Result<Vec<String>> {
    ids(db, "SELECT person_id FROM tombstones WHERE expires <= ?1 ORDER BY person_id", today)
}

/// Closed rights requests, closed on or before `date`, that still name a person or a channel.
pub fn closed_requests_before(db: &Db, date: &str) -> Result<Vec<String>> {
    ids(
        db,
        "SELECT id FROM requests WHERE state = 'closed' AND closed_on <= ?1 AND (person_id IS NOT NULL OR channel IS NOT NULL) ORDER BY id",
        date,
    )
}

/// Complaints closed on or before `date` whose summary is still there.
pub fn closed_complaints_before(db: &Db, date: &str) -> Result<Vec<String>> {
    let mut st = db.prepare(
        "SELECT id FROM complaints WHERE closed_on IS NOT NULL AND closed_on <= ?1 AND summary != ?2 ORDER BY id",
    )?;
    let v = st.query_map([date, REMOVED_SUMMARY], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Mark a transfer's wind-down as done.
pub fn mark_wound_down(c: &Change<'_>, transfer_id: &str) -> Result<()> {
    c.execute("UPDATE transfers SET wound_down_at = ?2 WHERE id = ?1", rusqlite::params![transfer_id, fmt_ts(c.now)])?;
    Ok(())
}

/// Delete an expired tombstone and the erasure's suppression entry.
pub fn drop_tombstone(c: &Change<'_>, person_id: &str) -> Result<()> {
    c.execute(
        "DELETE FROM suppression WHERE reason = 'erased' AND hash = (SELECT hash FROM tombstones WHERE person_id = ?1)",
        [person_id],
    )?;
    c.execute("DELETE FROM tombstones WHERE person_id = ?1", [person_id])?;
    Ok(())
}

/// Remove a closed request's link to its person and its channel.
pub fn unlink_request(c: &Change<'_>, id: &str) -> Result<()> {
    c.execute("UPDATE requests SET person_id = NULL, channel = NULL WHERE id = ?1", [id])?;
    Ok(())
}

/// Remove a closed complaint's link to its person and its summary.
pub fn unlink_complaint(c: &Change<'_>, id: &str) -> Result<()> {
    c.execute("UPDATE complaints SET person_id = NULL, summary = ?2 WHERE id = ?1", [id, REMOVED_SUMMARY])?;
    Ok(())
}

/// Place a legal hold on a person.
pub fn place_hold(c: &Change<'_>, person_id: &str, reason: &str, by: &str) -> Result<String> {
    let id = crate::domain::model::new_id("hld");
    c.prepare_cached("INSERT INTO holds(id, person_id, reason, placed_by, placed_at) VALUES (?1,?2,?3,?4,?5)")?
        .execute([id.as_str(), person_id, reason, by, &fmt_ts(c.now)])?;
    Ok(id)
}

/// Release a person's legal holds in force; returns how many were released.
pub fn release_holds(c: &Change<'_>, person_id: &str, reason: &str, by: &str) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE holds SET released_by = ?2, released_at = ?3, release_reason = ?4 WHERE person_id = ?1 AND released_at IS NULL",
    )?
    .execute([person_id, by, &fmt_ts(c.now), reason])?)
}

/// Why each person must be kept as they are for now (DPA 2018 s173: nothing altered or destroyed
/// while someone waits for an answer): an open rights request, an open complaint, a current
/// role, a legal hold in force. By person id.
pub fn waiting(db: &Db, today: &str) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    let queries: [(&str, &str); 4] = [
        (
            "SELECT person_id, 'open rights request (' || kind || ', ' || id || ')' FROM requests
             WHERE person_id IS NOT NULL AND state != 'closed'",
            "",
        ),
        (
            "SELECT person_id, 'open complaint (' || id || ')' FROM complaints WHERE person_id IS NOT NULL AND closed_on IS NULL",
            "",
        ),
        (
            "SELECT person_id, 'current role (' || role || ')' FROM roles WHERE to_date IS NULL OR to_date >= ?1",
            "today",
        ),
        ("SELECT person_id, 'legal hold: ' || reason FROM holds WHERE released_at IS NULL", ""),
    ];
    for (sql, param) in queries {
        let mut st = db.prepare_cached(sql)?;
        let rows: Vec<(String, String)> = if param.is_empty() {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        } else {
            st.query_map([today], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        };
        for (pid, why) in rows {
            out.entry(pid).or_default().push(why);
        }
    }
    Ok(out)
}
