//! `campaign remind`: one more letter or email to those who were sent one and have not answered,
//! each re-checked against the gate today (anyone who unsubscribed, objected or was erased since
//! drops out), at most `--max` reminders each, never after the closing day.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::letters::write_letters;
use super::mail::email_rows;
use super::*;

/// `campaign remind`.
pub(super) fn remind(
    ctx: &Ctx,
    id: &str,
    out: &std::path::Path,
    addresses: Option<&std::path::Path>,
    format: crate::entry::cli::MailTool,
    max: u32,
) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let k = campaigns::campaign(&reg, id)?;
    open_campaign(ctx, &k)?;
    let email_file = out.join("reminder-email.csv");
    if email_file.exists() {
        return Err(Error::bad(
            "--out",
            format!("{} exists already: write each run's reminders into a new folder", email_file.display()),
        ));
    }
    let answered: HashSet<String> = campaigns::answers(&reg, &k.id)?.into_iter().map(|a| a.person_id).collect();
    let sent: HashSet<String> =
        campaigns::codes(&reg, &k.id)?.into_iter().filter(|c| c.revoked_at.is_none()).map(|c| c.person_id).collect();
    let mut reminders: HashMap<String, u32> = HashMap::new();
    for s in campaigns::sends(&reg, &k.id)?.into_iter().filter(|s| s.what == "reminder") {
        *reminders.entry(s.person_id).or_default() += 1;
    }
    let (mut post, mut email) = (Vec::new(), Vec::new());
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for (p, g) in audience(ctx, &reg, &k)? {
        let pid = p.id.to_string();
        if !sent.contains(&pid) || answered.contains(&pid) {
            continue;
        }
        if reminders.get(&pid).copied().unwrap_or(0) >= max {
            *skipped.entry("reminded_enough").or_default() += 1;
            continue;
        }
        match g.channel {
            CampaignChannel::Email => email.push((p, g)),
            CampaignChannel::Post => post.push((p, g)),
            // Unsubscribed, objected, restricted, erased or answered another way since.
            CampaignChannel::NotAsked => *skipped.entry(g.reason).or_default() += 1,
        }
    }
    let letters = write_letters(ctx, &reg, &k, post, out, addresses, "reminder-")?;
    let (rows, email_issued) = email_rows(&reg, &k, &email, format)?;
    let mut staged = letters.staged;
    if !email_issued.is_empty() {
        staged.write(&email_file, 0o600, &rows)?;
    }
    let at = fmt_ts(ctx.now);
    reg.change(ctx.now, |c| {
        for i in &letters.issued {
            campaigns::issue(c, &k.id, &i.as_issue(), &at)?;
        }
        crate::register::tasks::finish_open(c, "campaign_reminder", &k.id, &at, &ctx.actor)?;
        c.audit(
            "campaign.remind",
            &k.id,
            serde_json::json!({ "letters": letters.issued.len(), "emails": email_issued.len(), "skipped": skipped }),
        )
    })?;
    staged.publish()?;
    let mut text = format!(
        "reminders for campaign {} in {}: {} letter(s) ({}), {} email row(s)\n",
        k.id,
        out.display(),
        letters.issued.len(),
        Written::summary_of(&letters.counts, letters.unreachable),
        email_issued.len()
    );
    for (why, n) in &skipped {
        text.push_str(&format!("  not reminded: {n} {why}\n"));
    }
    let data = serde_json::json!({
        "campaign": k.id,
        "letters": letters.issued.len(),
        "emails": email_issued.len(),
        "skipped": skipped,
        "folder": out.display().to_string(),
    });
    Ok(Outcome::new("campaign_reminders", data, text).note(
        "send them, then record it with `handover campaign send-log ID FILE --reminder` (each person gets one reminder unless --max says more)",
    ))
}
