//! `handover tasks ...`.

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::Result;
use crate::domain::model::fmt_ts;
use crate::entry::cli::TasksCmd;
use crate::entry::output::Outcome;
use crate::register::tasks;

/// Run a tasks subcommand.
pub fn run(ctx: &Ctx, cmd: TasksCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        TasksCmd::List { overdue, all } => {
            let today = ctx.now.date_naive().to_string();
            let list: Vec<_> = tasks::tasks(&reg, all)?
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
                    vec![t.id.to_string(), t.due.clone(), state, t.title.clone()]
                })
                .collect();
            let text = table(&["ID", "DUE", "STATE", "TASK"], &rows);
            Ok(Outcome::new("task_list", list, text))
        }
        TasksCmd::Sync => {
            let r = crate::audit::report::build(&reg, ctx.now, None, false)?;
            let own = r.controller.clone();
            let due = crate::records::retention::due(&reg, ctx.now)?;
            let pending: usize =
                due.counts().iter().filter(|(k, _)| **k != "transfer_wind_down_kept").map(|(_, n)| n).sum();
            let today = ctx.now.date_naive().to_string();
            let (mut set, mut closed) = (0, 0);
            reg.change(ctx.now, |c| {
                let now = fmt_ts(c.now);
                let mut wanted = std::collections::BTreeSet::new();
                // A renewal marked done stays done for the people it was about (the same first
                // lapse); a later lapse is a new task.
                let done: Vec<(String, String)> = tasks::tasks(c, true)?
                    .into_iter()
                    .filter(|t| t.kind == "consent_refresh" && t.done_at.is_some())
                    .map(|t| (t.subject, t.due))
                    .collect();
                for d in r.refresh_due_90_days.iter().filter(|d| d.controller == own) {
                    wanted.insert(d.purpose.clone());
                    if done.iter().any(|(s, due)| *s == d.purpose && *due == d.earliest) {
                        continue;
                    }
                    tasks::set_task(
                        c,
                        "consent_refresh",
                        &d.purpose,
                        &format!(
                            "Ask {} people to renew their consent for \"{}\" ({}) before it lapses (first on {})",
                            d.count,
                            crate::register::catalogue::purpose(c, &d.purpose)?
                                .map_or_else(|| d.purpose.clone(), |p| p.name),
                            d.purpose,
                            d.earliest
                        ),
                        "consent is refreshed at the purpose's period or treated as expired (GDPR.md §1.5)",
                        &d.earliest,
                        &now,
                    )?;
                    set += 1;
                }
                for t in tasks::tasks(c, false)?
                    .into_iter()
                    .filter(|t| t.kind == "consent_refresh" && !wanted.contains(&t.subject))
                {
                    closed +=
                        usize::from(tasks::finish_task(c, &t.id, &now, "tasks sync: nothing lapses within 90 days")?);
                }
                if pending > 0 {
                    tasks::set_task(
                        c,
                        "retention_run",
                        "register",
                        &format!("Run `handover retention run`: {pending} record(s) are past the retention policy"),
                        "storage limitation: delete or anonymise what is past its period (R20)",
                        &today,
                        &now,
                    )?;
                    set += 1;
                }
                c.audit("tasks.sync", "tasks", serde_json::json!({ "set": set, "closed": closed }))
            })?;
            let data = serde_json::json!({ "set": set, "closed": closed });
            Ok(Outcome::new(
                "task_sync",
                data,
                format!(
                    "{set} task(s) created or brought up to date, {closed} no longer needed closed: see `handover tasks list`\n"
                ),
            ))
        }
        TasksCmd::Done { id } => {
            let newly = reg.change(ctx.now, |c| {
                // Some tasks close only with what they ask for, never by hand.
                if let Some(t) = tasks::tasks(c, false)?.into_iter().find(|t| t.id == id.as_str())
                    && let Some(how) = closed_by(&t.kind, &t.subject)
                {
                    return Err(crate::base::error::Error::bad("ID", format!("this task closes when {how}")));
                }
                let newly = tasks::finish_task(c, &id, &fmt_ts(c.now), c.actor)?;
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

/// How a task that cannot be closed by hand is closed, by its kind.
fn closed_by(kind: &str, subject: &str) -> Option<String> {
    match kind {
        "rotate_account" => Some(format!(
            "every rotation step is recorded: `handover account rotate-done {subject} --what password|recovery|2fa|admins`"
        )),
        "breach_report" => Some(format!(
            "the decision is recorded: `handover incident update {subject} --ico reported --reported-at TIME` or `--ico not_reported --reason TEXT`"
        )),
        // Art 14: only the record that the notice went to everyone closes it.
        "art14_notice" => Some(format!(
            "everyone the bundle brought has been sent your privacy notice: `handover notice send-list --received {subject}`, send it, then `handover notice send-log FILE`"
        )),
        "campaign_reminder" => Some(format!("the reminders are made: `handover campaign remind {subject} --out DIR`")),
        "campaign_close" => Some(format!("the campaign is closed: `handover campaign close {subject}`")),
        "transfer_close" => Some(format!(
            "the wind-down date is set: `handover transfer close {subject}` with the agreed `--delete-after` date"
        )),
        _ => None,
    }
}
