//! `campaign ...`: the gate decides who may be asked and how; the register keeps each campaign.

use std::collections::BTreeMap;

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::model::{CampaignAnswer, CampaignChannel, CampaignKind, TextFormat, fmt_ts};
use crate::entry::cli::CampaignCmd;
use crate::entry::output::Outcome;
use crate::register::campaigns::{self, AskedUse, Campaign};
use crate::register::{Db, catalogue};
use crate::transfer::campaign as gate;

mod answers;
mod letters;
mod mail;
mod remind;

use answers::{Reply, form, import_answers, reply};
use letters::Written;
use mail::{mail_merge, send_log};
use remind::remind;

/// The least time people get to answer (GDPR.md R14: a reasonable time; the objection window).
const MIN_DAYS_OPEN: i64 = 28;

pub fn run(ctx: &Ctx, cmd: CampaignCmd) -> Result<Outcome> {
    match cmd {
        CampaignCmd::New { id, kind, to, ask, notice, closes, contact, form_url } => {
            let mut reg = ctx.open()?;
            let kind: CampaignKind = crate::entry::commands::code_arg("--kind", &kind)?;
            let k = new_campaign(ctx, &reg, NewCampaign { id, kind, to, ask, notice, closes, contact, form_url })?;
            reg.change(ctx.now, |c| {
                campaigns::insert(c, &k)?;
                // Its two dates: the reminders (two weeks before it closes), and the close.
                let closes = chrono::NaiveDate::parse_from_str(&k.closes_on, "%Y-%m-%d")
                    .map_err(|_| Error::Internal("a closing day that does not read".into()))?;
                let at = fmt_ts(ctx.now);
                if k.kind == CampaignKind::Consent {
                    crate::register::tasks::add_task(
                        c,
                        "campaign_reminder",
                        &k.id,
                        &format!("Send the reminders of campaign {} (`handover campaign remind {} --out DIR`)", k.id, k.id),
                        "one reminder to those who have not answered, checked against the gate again",
                        &(closes - chrono::Duration::days(14)).to_string(),
                        &at,
                    )?;
                }
                crate::register::tasks::add_task(
                    c,
                    "campaign_close",
                    &k.id,
                    &format!("Close campaign {} once its last answers are recorded (`handover campaign close {}`)", k.id, k.id),
                    "its closing day has come: answers after it are not this campaign's",
                    &k.closes_on,
                    &at,
                )?;
                c.audit(
                    "campaign.new",
                    &k.id,
                    serde_json::json!({ "kind": k.kind, "to": k.controller, "asks": k.asks, "notice": k.notice_version, "closes_on": k.closes_on }),
                )
            })?;
            let text =
                format!("campaign {} ({}) for {}: {}; closes {}\n", k.id, k.kind, k.controller, what(&k), k.closes_on);
            Ok(Outcome::new("campaign", k.clone(), text)
                .note(format!("see who is asked and how with `handover campaign plan {}`", k.id)))
        }
        CampaignCmd::Plan { id } => {
            let reg = ctx.open()?;
            let k = campaigns::campaign(&reg, &id)?;
            plan(ctx, &reg, &k)
        }
        CampaignCmd::MailMerge { id, format, out } => mail_merge(ctx, &id, format, &out),
        CampaignCmd::Form { id, out } => form(ctx, &id, &out),
        CampaignCmd::Remind { id, out, addresses, format, max } => {
            remind(ctx, &id, &out, addresses.as_deref(), format, max)
        }
        CampaignCmd::Revoke { id, code, reason } => {
            let mut reg = ctx.open()?;
            let k = campaigns::campaign(&reg, &id)?;
            let code = crate::domain::reply_code::parse(&code).map_err(|b| Error::bad("--code", b.to_string()))?;
            if reason.trim().is_empty() {
                return Err(Error::bad("--reason", "say why the code is revoked"));
            }
            if campaigns::by_code(&reg, &k.id, &code)?.is_none() {
                return Err(Error::bad("--code", format!("no letter or email of campaign {id} carries {code}")));
            }
            let revoked = reg.change(ctx.now, |c| {
                let done = campaigns::revoke(c, &k.id, &code, &fmt_ts(ctx.now))?;
                if done {
                    c.audit("campaign.revoke", &k.id, serde_json::json!({ "code": code, "reason": reason }))?;
                }
                Ok(done)
            })?;
            let text = if revoked {
                format!("revoked {code} in campaign {id}: answers with it are refused from now on\n")
            } else {
                format!("{code} was revoked already; nothing changed\n")
            };
            Ok(Outcome::new(
                "campaign_revoke",
                serde_json::json!({ "campaign": id, "code": code, "revoked": revoked }),
                text,
            ))
        }
        CampaignCmd::SendLog { id, file, reminder, dry_run } => send_log(ctx, &id, &file, reminder, dry_run),
        CampaignCmd::Import { id, file, from, zone, keyed_by, dry_run } => {
            import_answers(ctx, &id, &file, from, zone, keyed_by.as_deref(), dry_run)
        }
        CampaignCmd::Letters { id, out, addresses } => letters::letters(ctx, &id, &out, addresses.as_deref()),
        CampaignCmd::Reply { id, code, answer, object, method, at, recorded_by, support_given } => {
            reply(ctx, &id, Reply { code, answers: answer, object, method, at, recorded_by, support_given })
        }
        CampaignCmd::Status { id } => {
            let reg = ctx.open()?;
            let k = campaigns::campaign(&reg, &id)?;
            status(&reg, &k)
        }
        CampaignCmd::Close { id } => {
            let mut reg = ctx.open()?;
            let k = campaigns::campaign(&reg, &id)?;
            if k.closed_at.is_some() {
                return Err(Error::bad("ID", format!("campaign {id} is closed already")));
            }
            reg.change(ctx.now, |c| {
                campaigns::close(c, &id, &fmt_ts(ctx.now))?;
                for kind in ["campaign_close", "campaign_reminder"] {
                    crate::register::tasks::finish_open(c, kind, &id, &fmt_ts(ctx.now), &ctx.actor)?;
                }
                c.audit("campaign.close", &id, serde_json::json!({}))
            })?;
            let k = campaigns::campaign(&reg, &id)?;
            status(&reg, &k).map(|o| {
                o.note(format!(
                    "campaign {id} is closed: no more answers are recorded for it; plan the transfer again (`handover transfer plan --to {}`) to see what the answers changed",
                    k.controller
                ))
            })
        }
        CampaignCmd::List => {
            let reg = ctx.open()?;
            let list = campaigns::campaigns(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|k| {
                    vec![
                        k.id.clone(),
                        k.kind.to_string(),
                        k.controller.clone(),
                        what(k),
                        k.closes_on.clone(),
                        if k.closed_at.is_some() { "closed".into() } else { "open".into() },
                    ]
                })
                .collect();
            let text = table(&["ID", "KIND", "TO", "ASKS / TELLS", "CLOSES", "STATE"], &rows);
            Ok(Outcome::new("campaign_list", list, text))
        }
    }
}

/// What a campaign asks (its uses and statements) or tells (its notice), in one line.
fn what(k: &Campaign) -> String {
    match k.kind {
        CampaignKind::Consent => format!(
            "{} (notice {})",
            k.asks.iter().map(|a| format!("{}={}", a.purpose, a.statement_version)).collect::<Vec<_>>().join(", "),
            k.notice_version.as_deref().unwrap_or("-")
        ),
        CampaignKind::Notice => format!("notice {}", k.notice_version.as_deref().unwrap_or("")),
    }
}

/// `campaign new`'s flags.
struct NewCampaign {
    id: String,
    kind: CampaignKind,
    to: String,
    ask: Vec<String>,
    notice: Option<String>,
    closes: chrono::NaiveDate,
    contact: Option<String>,
    form_url: Option<String>,
}

/// Check a new campaign's flags against the register: each refusal names the flag and what to do.
fn new_campaign(ctx: &Ctx, reg: &Db, n: NewCampaign) -> Result<Campaign> {
    let id_ok = !n.id.is_empty()
        && n.id.len() <= 40
        && n.id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && n.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return Err(Error::bad("ID", "use lower case letters, digits and - (at most 40), e.g. join-2026"));
    }
    if campaigns::find(reg, &n.id)?.is_some() {
        return Err(Error::bad("ID", format!("a campaign named {} exists already: choose another name", n.id)));
    }
    let own = catalogue::self_controller(reg)?;
    let receiver =
        catalogue::controller(reg, &n.to)?.ok_or_else(|| Error::NotFound { kind: "controller", id: n.to.clone() })?;
    if receiver.is_self {
        return Err(Error::bad("--to", "that is this register's own controller: name the receiving controller"));
    }
    let today = crate::domain::deadline::london_date(ctx.now);
    if n.closes < today + chrono::Duration::days(MIN_DAYS_OPEN) {
        return Err(Error::bad(
            "--closes",
            format!(
                "people need at least {MIN_DAYS_OPEN} days to answer: close on {} or later",
                today + chrono::Duration::days(MIN_DAYS_OPEN)
            ),
        ));
    }
    if let Some(u) = &n.form_url
        && !u.starts_with("https://")
    {
        return Err(Error::bad("--form-url", "give the form's https:// address"));
    }
    let mut asks = Vec::new();
    let mut notice = n.notice.clone();
    match n.kind {
        CampaignKind::Consent => {
            if n.ask.is_empty() {
                return Err(Error::bad("--ask", "name each use to ask about: --ask disclose_to_successor=DS-2025"));
            }
            let statements = catalogue::texts(reg, "statement")?;
            for a in &n.ask {
                let Some((purpose, version)) = a.split_once('=') else {
                    return Err(Error::bad("--ask", format!("'{a}' is not PURPOSE=STATEMENT_VERSION")));
                };
                let (purpose, version) = (purpose.trim(), version.trim());
                gate::asks(reg, &[purpose.to_string()])?;
                if asks.iter().any(|x: &AskedUse| x.purpose == purpose) {
                    return Err(Error::bad("--ask", format!("{purpose} is asked twice")));
                }
                let texts: Vec<&catalogue::TextVersion> = statements.iter().filter(|t| t.version == version).collect();
                check_statement(ctx, &texts, purpose, version, &own.slug, &receiver.slug)?;
                asks.push(AskedUse { purpose: purpose.to_string(), statement_version: version.to_string() });
            }
            // The privacy notice the letters point to, recorded with every answer: the one given,
            // else the latest in effect that announces nothing (the general notice).
            let notices = catalogue::texts(reg, "notice")?;
            let effective: Vec<&catalogue::TextVersion> =
                notices.iter().filter(|t| in_effect(&t.effective_from, ctx) == Some(true)).collect();
            notice = match &n.notice {
                Some(v) if effective.iter().any(|t| &t.version == v) => Some(v.clone()),
                Some(v) => {
                    return Err(Error::bad(
                        "--notice",
                        format!("no notice {v} in effect: add it with `handover notice add`"),
                    ));
                }
                None => effective
                    .iter()
                    .rev()
                    .find(|t| t.announces.is_empty())
                    .or(effective.last())
                    .map(|t| t.version.clone()),
            };
            if notice.is_none() {
                return Err(Error::bad(
                    "--notice",
                    "no privacy notice is in effect: add yours with `handover notice add` (every answer records the notice people had)",
                ));
            }
        }
        CampaignKind::Notice => {
            if !n.ask.is_empty() {
                return Err(Error::bad("--ask", "a notice campaign tells, it does not ask: use --kind consent to ask"));
            }
            let Some(v) = &n.notice else {
                return Err(Error::bad("--notice", "name the notice version to send: --notice PD-2026"));
            };
            let notices = catalogue::texts(reg, "notice")?;
            let Some(t) = notices.iter().find(|t| &t.version == v) else {
                return Err(Error::bad("--notice", format!("no notice {v}: add it with `handover notice add`")));
            };
            if in_effect(&t.effective_from, ctx).is_none_or(|e| !e) {
                return Err(Error::bad("--notice", format!("notice {v} is not in effect yet ({})", t.effective_from)));
            }
        }
    }
    Ok(Campaign {
        id: n.id,
        kind: n.kind,
        controller: receiver.slug,
        asks,
        notice_version: notice,
        closes_on: n.closes.to_string(),
        contact: n.contact.filter(|c| !c.trim().is_empty()),
        form_url: n.form_url,
        created_at: fmt_ts(ctx.now),
        created_by: ctx.actor.clone(),
        closed_at: None,
    })
}

fn in_effect(effective_from: &str, ctx: &Ctx) -> Option<bool> {
    crate::domain::model::parse_timestamp(effective_from).map(|e| e <= ctx.now)
}

/// A statement a campaign shows: it exists for the purpose, is in effect, names exactly the
/// controllers the use needs (the disclosure: both sides; any other use: the receiver), and exists
/// in the standard and easy-read formats.
fn check_statement(
    ctx: &Ctx,
    texts: &[&catalogue::TextVersion],
    purpose: &str,
    version: &str,
    own: &str,
    receiver: &str,
) -> Result<()> {
    let bad = |why: String| Err(Error::bad("--ask", why));
    let Some(first) = texts.first() else {
        return bad(format!("no statement {version}: add it with `handover statement add`"));
    };
    if first.purpose.as_deref() != Some(purpose) {
        return bad(format!("statement {version} is for {}, not {purpose}", first.purpose.as_deref().unwrap_or("-")));
    }
    if in_effect(&first.effective_from, ctx).is_none_or(|e| !e) {
        return bad(format!("statement {version} is not in effect yet ({})", first.effective_from));
    }
    let mut needed = vec![receiver.to_string()];
    if purpose == "disclose_to_successor" {
        needed.push(own.to_string());
    }
    needed.sort();
    let mut named = first.controllers.clone().unwrap_or_default();
    named.sort();
    if first.controllers.is_none() {
        return bad(format!(
            "statement {version} has no controllers recorded: record them with `handover statement controllers`"
        ));
    }
    if named != needed {
        return bad(format!(
            "statement {version} names {}, but asking about {purpose} for {receiver} needs exactly {}",
            named.join(", "),
            needed.join(", ")
        ));
    }
    for f in [TextFormat::Standard, TextFormat::EasyRead] {
        if !texts.iter().any(|t| t.format == f) {
            return bad(format!(
                "statement {version} has no {f} text: people who need it would be asked without it; add it with `handover statement add --version {version} --format {f} ...`"
            ));
        }
    }
    Ok(())
}

/// One person's line in a campaign's plan.
#[derive(serde::Serialize)]
struct PlanRow {
    #[serde(rename = "ref")]
    reference: String,
    channel: CampaignChannel,
    reason: &'static str,
    asks: Vec<String>,
    code: Option<String>,
}

/// `campaign plan`: the gate for everyone, today.
fn plan(ctx: &Ctx, reg: &Db, k: &Campaign) -> Result<Outcome> {
    let today = crate::domain::deadline::london_date(ctx.now);
    let audience = audience(ctx, reg, k)?;
    let codes: BTreeMap<String, String> = campaigns::codes(reg, &k.id)?
        .into_iter()
        .filter(|c| c.revoked_at.is_none())
        .map(|c| (c.person_id, c.code))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rows = Vec::new();
    for (p, g) in audience {
        if p.erased_at.is_some() {
            continue;
        }
        *counts.entry(g.channel.as_str()).or_default() += 1;
        *reasons.entry(g.reason).or_default() += 1;
        rows.push(PlanRow {
            code: codes.get(p.id.as_str()).cloned(),
            reference: p.reference,
            channel: g.channel,
            reason: g.reason,
            asks: g.asks,
        });
    }
    let mut text =
        format!("campaign {} ({}) for {}: {}; closes {}\n", k.id, k.kind, k.controller, what(k), k.closes_on);
    for c in CampaignChannel::ALL {
        text.push_str(&format!("  {:<10} {}\n", c.as_str(), counts.get(c.as_str()).copied().unwrap_or(0)));
    }
    text.push_str("\nreasons:\n");
    for (r, n) in &reasons {
        text.push_str(&format!("  {n:>5}  {r}: {}\n", gate::reason_text(r)));
    }
    text.push('\n');
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.reference.clone(),
                r.channel.to_string(),
                r.reason.to_string(),
                r.asks.join(" "),
                r.code.clone().unwrap_or_default(),
            ]
        })
        .collect();
    text.push_str(&table(&["REF", "CHANNEL", "REASON", "ASKS", "CODE"], &table_rows));
    let data = serde_json::json!({
        "campaign": k.id,
        "kind": k.kind,
        "to": k.controller,
        "date": today.to_string(),
        "counts": counts,
        "reasons": reasons,
        "people": rows,
    });
    Ok(Outcome::new("campaign_plan", data, text))
}

/// A campaign that may still take answers and send: not closed, and its closing day not past.
pub(super) fn open_campaign(ctx: &Ctx, k: &Campaign) -> Result<()> {
    if k.closed_at.is_some() {
        return Err(Error::bad("ID", format!("campaign {} is closed: start a new one to ask again", k.id)));
    }
    let today = crate::domain::deadline::london_date(ctx.now);
    if today.to_string() > k.closes_on {
        return Err(Error::bad(
            "ID",
            format!(
                "campaign {} closed on {}: close it (`handover campaign close {}`) and start a new one to ask again",
                k.id, k.closes_on, k.id
            ),
        ));
    }
    Ok(())
}

/// The register's key for reply codes (the one its keyed hashes use).
pub(super) fn code_key(reg: &Db) -> Result<Vec<u8>> {
    let hex_key = crate::register::setting(reg, "hash_key")?
        .ok_or_else(|| Error::RegisterDamaged { why: "it has no hash key".into() })?;
    hex::decode(hex_key).map_err(|_| Error::RegisterDamaged { why: "its hash key is not hex".into() })
}

/// Everyone with the gate's answer for the campaign today.
pub(super) fn audience(
    ctx: &Ctx,
    reg: &Db,
    k: &Campaign,
) -> Result<Vec<(crate::register::people::Person, gate::Gate)>> {
    let today = crate::domain::deadline::london_date(ctx.now);
    let asked: Vec<String> = k.asks.iter().map(|a| a.purpose.clone()).collect();
    let uses = gate::asks(reg, &asked)?;
    match k.kind {
        CampaignKind::Consent => gate::audience(reg, &k.controller, today, &uses),
        CampaignKind::Notice => gate::told(reg, &k.controller, today),
    }
}

/// `campaign status`: per channel the codes issued; per use the answers, and who has not answered.
fn status(reg: &Db, k: &Campaign) -> Result<Outcome> {
    let data = crate::audit::report::campaign_summary(reg, k)?;
    let counts = |key: &str| -> String {
        match data[key].as_object().filter(|o| !o.is_empty()) {
            None => "none".to_string(),
            Some(o) => o.iter().map(|(c, n)| format!("{n} by {c}")).collect::<Vec<_>>().join(", "),
        }
    };
    let (issued, sent) = (counts("issued"), counts("sent"));
    let reminded = data["reminded"].as_u64().unwrap_or(0);
    let uses = data["uses"].as_array().cloned().unwrap_or_default();
    let objections =
        if k.kind == CampaignKind::Notice { format!("  objections: {}\n", data["objections"]) } else { String::new() };
    let mut text = format!(
        "campaign {} ({}) for {}: closes {}{}\n  issued: {}\n  sent (by the send log): {}; reminded: {}\n",
        k.id,
        k.kind,
        k.controller,
        k.closes_on,
        if k.closed_at.is_some() { " (closed)" } else { "" },
        issued,
        sent,
        reminded
    );
    text.push_str(&objections);
    for u in &uses {
        text.push_str(&format!(
            "  {}: yes {}, no {}, no answer {}, spoiled {}, in review {}\n",
            u["purpose"].as_str().unwrap_or(""),
            u["yes"],
            u["no"],
            u["no_answer"],
            u["spoiled"],
            u["review"]
        ));
    }
    Ok(Outcome::new("campaign_status", data, text))
}
