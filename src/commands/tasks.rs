//! `handover tasks ...`.

use crate::Ctx;
use crate::cli::TasksCmd;
use crate::error::Result;
use crate::model::fmt_ts;
use crate::output::{Outcome, table};
use crate::register::vault as q;

/// Run a tasks subcommand.
pub fn run(ctx: &Ctx, cmd: TasksCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        TasksCmd::List { overdue, all } => {
            let today = ctx.now.date_naive().to_string();
            let list: Vec<_> = q::tasks(reg.conn(), all)?
                .into_iter()
                .filter(|t| !overdue || (t.done_at.is_none() && t.due < today))
                .collect();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|t| {
                    let state = match &t.done_at {
                        Some(d) => format!("done {}", &d[..10]),
                        None if t.due < today => "OVERDUE".into(),
                        None => "open".into(),
                    };
                    vec![t.id.clone(), t.due.clone(), state, t.title.clone()]
                })
                .collect();
            let text = table(&["ID", "DUE", "STATE", "TASK"], &rows);
            Ok(Outcome::new("task_list", list, text))
        }
        TasksCmd::Done { id } => {
            let newly = reg.change(ctx.now, |c| {
                let newly = q::finish_task(c, &id, &fmt_ts(c.now), c.actor)?;
                if newly {
                    c.audit("tasks.done", &id, serde_json::json!({}))?;
                }
                Ok(newly)
            })?;
            let data = serde_json::json!({ "id": id, "changed": newly });
            Ok(Outcome::new(
                "task_done",
                data,
                if newly { format!("task {id} done\n") } else { format!("task {id} was already done\n") },
            ))
        }
    }
}
