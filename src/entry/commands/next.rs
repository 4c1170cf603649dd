//! `handover next` (and `handover` alone): what to do next, in plain words, soonest first, each
//! with its date and the exact command to run; for whoever runs it, from the register's tasks and
//! transfers. Without a register, how to begin.

use chrono::NaiveDate;
use serde::Serialize;

use crate::Ctx;
use crate::audit::letter::date_words;
use crate::base::error::Result;
use crate::entry::output::Outcome;
use crate::register::{Register, catalogue, tasks, transfers};

/// One thing to do.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The date it is due by, if it has one (YYYY-MM-DD).
    pub due: Option<String>,
    /// Whether the date has passed.
    pub overdue: bool,
    /// What to do, in plain words.
    pub what: String,
    /// The command that does it (or records it done).
    pub command: String,
}

/// What `next` found.
#[derive(Debug, Serialize)]
pub struct Next {
    /// The register read, if there is one.
    pub register: Option<String>,
    /// Things to do, soonest first (those without a date last).
    pub steps: Vec<Step>,
}

/// The plain words and command for an open task.
fn task_step(t: &tasks::Task, today: NaiveDate) -> (String, String) {
    let s = &t.subject;
    match t.kind.as_str() {
        "art14_notice" => (
            "Write to everyone you received: who you are, where their details came from, how to say no".into(),
            format!("handover notice send-list --received {s} --out send-list.csv"),
        ),
        "rotate_account" => (t.title.clone(), format!("handover account rotate-done {s} --what all")),
        "art19_notify" => (
            format!("Tell {s} about the changes people asked for since the handover"),
            format!("handover transfer notify --to {s} --out ."),
        ),
        "breach_report" => (
            "Decide whether to report the incident to the ICO (72 hours)".into(),
            format!("handover incident update {s} --ico not_reported --reason \"why it need not be reported\""),
        ),
        "complaint_ack" => ("Acknowledge the complaint".into(), format!("handover complaint ack {s} --date {today}")),
        "request_deadline" => ("Answer the rights request".into(), format!("handover request show {s}")),
        "retention_run" => ("Delete what is past the retention policy".into(), "handover retention run".into()),
        // Closed by hand once someone pays on: the command that records it.
        "account_paid_until_soon" | "account_paid_until" => (t.title.clone(), format!("handover tasks done {}", t.id)),
        // Tasks that close only by what they ask for: the command that shows what to do.
        "transfer_close" => (t.title.clone(), format!("handover transfer show {s}")),
        "campaign_reminder" => (t.title.clone(), format!("handover campaign remind {s} --out reminders")),
        "campaign_close" => (t.title.clone(), format!("handover campaign close {s}")),
        "retention_hold" | "art19_decide" => (t.title.clone(), format!("handover person show {s}")),
        _ => (t.title.clone(), format!("handover tasks done {}", t.id)),
    }
}

fn steps(reg: &Register, today: NaiveDate) -> Result<Vec<Step>> {
    let mut out: Vec<Step> = Vec::new();
    let open = tasks::tasks(reg, false)?;
    let rotations_open = open.iter().any(|k| k.kind == "rotate_account");
    let accounts = crate::register::accounts::accounts(reg)?;
    for t in open {
        let due = crate::domain::model::parse_date(&t.due);
        let dated = |what: String, command: String| Step {
            due: due.map(|d| d.to_string()),
            overdue: due.is_some_and(|d| d < today),
            what,
            command,
        };
        // An account to make safe: its whole path, in order, each step with its command.
        if t.kind == "rotate_account"
            && let Some(a) = accounts.iter().find(|a| a.id.as_str() == t.subject)
        {
            let missing = a.steps_missing();
            let path = crate::domain::rotation::path(
                a.id.as_str(),
                &a.service,
                a.access,
                &missing,
                &a.admins_outgoing,
                &a.admins_incoming,
            );
            out.extend(path.into_iter().map(|s| dated(s.what, s.command)));
            continue;
        }
        // Telling everyone received (Art 14): a group with no notice of its own starts from the
        // template, stores it, lists who to send it to, then records the list back with the dates.
        if t.kind == "art14_notice" {
            if crate::register::audit::subjects_of(reg, "notice.add")?.is_empty() {
                out.push(dated(
                    "Write your privacy notice from the template (plain and easy read): fill in what is in [square brackets]"
                        .into(),
                    "handover notice template --out .".into(),
                ));
                out.push(dated(
                    "Store your notice (the easy-read one too, with --format easy_read)".into(),
                    "handover notice add --version OUR-PN-1 --file privacy-notice.txt".into(),
                ));
            }
            let (what, command) = task_step(&t, today);
            out.push(dated(what, command));
            out.push(dated(
                "Once sent, fill in the day each went in the list's sent_at column, and record it: the task closes when everyone is covered"
                    .into(),
                "handover notice send-log send-list.csv".into(),
            ));
            continue;
        }
        let (what, command) = task_step(&t, today);
        out.push(dated(what, command));
    }
    // The accounts' passwords open with one member's key only: the others add theirs.
    let secrets = accounts.iter().any(crate::register::accounts::Account::has_secret);
    if secrets && crate::register::accounts::custodians(reg, true)?.len() == 1 {
        out.push(Step {
            due: None,
            overdue: false,
            what: "Only one key opens the accounts' passwords: add each other member's key (their …-age.pub file), so the group is not locked out if one of you leaves".into(),
            command: "handover custodian add THEIR-age.pub".into(),
        });
    }
    let name = |slug: &str| -> String {
        catalogue::controller(reg, slug).ok().flatten().map_or_else(|| slug.to_string(), |c| c.name)
    };
    for v in transfers::transfers(reg)?.into_iter().filter(|v| v.voided_at.is_none()) {
        let t = &v.transfer;
        let who = name(&t.controller);
        match (v.direction, t.state) {
            (crate::domain::model::Direction::Sent, crate::domain::model::TransferState::Created) => out.push(Step {
                due: None,
                overdue: false,
                what: format!("Wait for {who}'s receipt for bundle {}; when it comes, record it", t.id),
                command: format!("handover transfer confirm --receipt {}.receipt.json --signer THEIR_KEY.pub", t.id),
            }),
            (crate::domain::model::Direction::Sent, crate::domain::model::TransferState::Received) => out.push(Step {
                due: None,
                overdue: false,
                what: format!("Wait for {who}'s statement that every account is made safe; when it comes, record it"),
                command: format!("handover transfer confirm --statement {}.complete.json --signer THEIR_KEY.pub", t.id),
            }),
            (crate::domain::model::Direction::Received, crate::domain::model::TransferState::Received)
                if rotations_open =>
            {
                // The sender waits for it: said until the handover is complete.
                out.push(Step {
                    due: None,
                    overdue: false,
                    what: format!(
                        "If you have not yet: send the receipt back to {who} ({}.receipt.json and its .minisig, beside your register)",
                        t.id
                    ),
                    command: format!("handover transfer show {}", t.id),
                });
            }
            (crate::domain::model::Direction::Received, crate::domain::model::TransferState::Received) => {
                out.push(Step {
                    due: None,
                    overdue: false,
                    what: format!("Tell {who} that every account is now yours: send them the signed statement"),
                    command: format!("handover transfer complete --bundle {}", t.id),
                });
            }
            _ => {}
        }
    }
    // Soonest first; those without a date last, in the order found.
    out.sort_by(|a, b| match (&a.due, &b.due) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(out)
}

/// How to begin, without a register.
fn begin() -> Next {
    let mut steps = Vec::new();
    if crate::entry::home::own_public_key().is_none() {
        steps.push(Step {
            due: None,
            overdue: false,
            what: "Make your keys (once): send the two .pub files to whoever sends you a bundle".into(),
            command: "handover keys new".into(),
        });
    }
    steps.push(Step {
        due: None,
        overdue: false,
        what: "If you were sent a bundle: receive it (the first time, with the sender's public key)".into(),
        command: "handover receive BUNDLE.zip.age --from SENDER-minisign.pub".into(),
    });
    steps.push(Step {
        due: None,
        overdue: false,
        what: "If your group already has a register: use it from now on".into(),
        command: "handover use PATH".into(),
    });
    steps.push(Step {
        due: None,
        overdue: false,
        what: "If you are handing a community over: start a register".into(),
        command: "handover init --community NAME --controller NAME".into(),
    });
    Next { register: None, steps }
}

/// `handover next`.
pub fn run(ctx: &Ctx) -> Result<Outcome> {
    let next = if ctx.register.is_file() {
        let reg = ctx.open()?;
        let today = crate::domain::deadline::london_date(ctx.now);
        let mut steps = steps(&reg, today)?;
        // A register other than the one remembered (`--register`): every command names it, so
        // each runs as printed.
        let abs = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        if crate::entry::home::remembered_register().map(|r| abs(&r)) != Some(abs(&ctx.register)) {
            let named = format!(
                "handover --register {} ",
                crate::base::encode::shell_word(&ctx.register.display().to_string())
            );
            for s in &mut steps {
                if let Some(rest) = s.command.strip_prefix("handover ") {
                    s.command = format!("{named}{rest}");
                }
            }
        }
        Next { register: Some(ctx.register.display().to_string()), steps }
    } else {
        begin()
    };
    let mut text = String::new();
    match &next.register {
        Some(r) => text.push_str(&format!("What to do next ({r}):\n")),
        None => text.push_str(&format!("There is no register at {}. To begin:\n", ctx.register.display())),
    }
    if next.steps.is_empty() {
        text.push_str("  Nothing is due. Run `handover tasks sync` once a week to keep the list up to date.\n");
    }
    for (i, s) in next.steps.iter().enumerate() {
        let when = match s.due.as_deref().and_then(crate::domain::model::parse_date) {
            Some(d) if s.overdue => format!("OVERDUE since {}: ", date_words(d)),
            Some(d) => format!("by {}: ", date_words(d)),
            None => String::new(),
        };
        text.push_str(&format!("{}. {when}{}\n   {}\n", i + 1, s.what, s.command));
    }
    Ok(Outcome::new("next", next, text))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    /// The command `next` gives for every kind of task is one the command line accepts.
    #[test]
    fn every_task_kind_names_a_command_that_parses() {
        for kind in [
            "art14_notice",
            "rotate_account",
            "art19_notify",
            "breach_report",
            "complaint_ack",
            "request_deadline",
            "retention_run",
            "account_paid_until_soon",
            "account_paid_until",
            "consent_refresh",
            "transfer_close",
            "campaign_reminder",
            "campaign_close",
            "retention_hold",
            "art19_decide",
            "erasure_documents",
        ] {
            let t = crate::register::tasks::Task {
                id: "tsk_000000000001".into(),
                kind: kind.into(),
                subject: "sub_1".into(),
                title: "t".into(),
                reason: "r".into(),
                due: "2026-12-01".into(),
                created_at: "2026-11-01T00:00:00Z".into(),
                done_at: None,
                done_by: None,
            };
            let (_, command) = super::task_step(&t, chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
            let argv = shell_words(&command);
            if let Err(e) = crate::entry::cli::Cli::try_parse_from(argv) {
                panic!("{kind}: `{command}` is refused: {e}");
            }
        }
    }

    /// Split a command as a shell would (double quotes group words).
    fn shell_words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        for ch in s.chars() {
            match ch {
                '"' => quoted = !quoted,
                ' ' if !quoted => {
                    if !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                }
                c => cur.push(c),
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }
}
