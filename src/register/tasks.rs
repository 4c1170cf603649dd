//! Tasks: obligations with a due date (privacy notices, rotations, Art 19 notifications, ...).

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::{Change, Db};
use crate::base::error::{Error, Result};
use crate::domain::model::TaskId;

/// A task: an obligation with a due date.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: TaskId,
    pub kind: String,
    pub subject: String,
    pub title: String,
    pub reason: String,
    pub due: String,
    pub created_at: String,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

/// Create a task unless an open one of the same kind exists for the subject. Returns its id.
pub fn add_task(
    conn: &Change<'_>,
    kind: &str,
    subject: &str,
    title: &str,
    reason: &str,
    due: &str,
    at: &str,
) -> Result<(TaskId, bool)> {
    let open: Option<TaskId> = conn
        .prepare_cached("SELECT id FROM tasks WHERE kind = ?1 AND subject = ?2 AND done_at IS NULL")?
        .query_row([kind, subject], |r| r.get(0))
        .optional()?;
    if let Some(id) = open {
        return Ok((id, false));
    }
    let id = TaskId::new();
    conn.prepare_cached(
        "INSERT INTO tasks(id, kind, subject, title, reason, due, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7)",
    )?
    .execute(params![id, kind, subject, title, reason, due, at])?;
    Ok((id, true))
}

fn task_row(r: &Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        id: r.get(0)?,
        kind: r.get(1)?,
        subject: r.get(2)?,
        title: r.get(3)?,
        reason: r.get(4)?,
        due: r.get(5)?,
        created_at: r.get(6)?,
        done_at: r.get(7)?,
        done_by: r.get(8)?,
    })
}

/// Tasks: open ones first by due date, then done ones.
pub fn tasks(conn: &Db, include_done: bool) -> Result<Vec<Task>> {
    let mut st = conn.prepare(
        "SELECT id, kind, subject, title, reason, due, created_at, done_at, done_by FROM tasks
         WHERE ?1 = 1 OR done_at IS NULL ORDER BY done_at IS NOT NULL, due, created_at, id",
    )?;
    Ok(st.query_map([include_done], task_row)?.collect::<Result<Vec<_>, _>>()?)
}

/// Mark a task done; false when it was already done.
pub fn finish_task(conn: &Change<'_>, id: &str, at: &str, by: &str) -> Result<bool> {
    let exists: Option<Option<String>> =
        conn.prepare_cached("SELECT done_at FROM tasks WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    match exists {
        None => Err(Error::NotFound { kind: "task", id: id.to_string() }),
        Some(Some(_)) => Ok(false),
        Some(None) => {
            conn.prepare_cached("UPDATE tasks SET done_at = ?2, done_by = ?3 WHERE id = ?1")?
                .execute(params![id, at, by])?;
            Ok(true)
        }
    }
}

/// The open task of a kind for a subject, if any.
pub fn open_task(conn: &Db, kind: &str, subject: &str) -> Result<Option<Task>> {
    Ok(conn
        .prepare_cached("SELECT id, kind, subject, title, reason, due, created_at, done_at, done_by FROM tasks WHERE kind = ?1 AND subject = ?2 AND done_at IS NULL")?.query_row([kind, subject],
            task_row,
        )
        .optional()?)
}

/// Create the open task of a kind for a subject, or move its due date and title when it exists.
pub fn set_task(
    conn: &Change<'_>,
    kind: &str,
    subject: &str,
    title: &str,
    reason: &str,
    due: &str,
    at: &str,
) -> Result<TaskId> {
    let (id, created) = add_task(conn, kind, subject, title, reason, due, at)?;
    if !created {
        conn.prepare_cached("UPDATE tasks SET due = ?2, title = ?3 WHERE id = ?1")?.execute(params![id, due, title])?;
    }
    Ok(id)
}

/// Mark the open task of a kind for a subject done, if there is one.
pub fn finish_open(conn: &Change<'_>, kind: &str, subject: &str, at: &str, by: &str) -> Result<bool> {
    match open_task(conn, kind, subject)? {
        Some(t) => finish_task(conn, &t.id, at, by),
        None => Ok(false),
    }
}
