//! `campaign mail-merge` and `campaign send-log`: the email channel's rows, and who was sent what.

use std::collections::BTreeMap;

use super::*;

/// `campaign mail-merge`: the email channel's rows, each person's code issued now (or reused).
pub(super) fn mail_merge(
    ctx: &Ctx,
    id: &str,
    format: crate::entry::cli::MailTool,
    out: &std::path::Path,
) -> Result<Outcome> {
    if out.exists() {
        return Err(Error::bad(
            "--out",
            format!("{} exists already: make the rows fresh on the day you send, to another file", out.display()),
        ));
    }
    let mut reg = ctx.open()?;
    let k = campaigns::campaign(&reg, id)?;
    open_campaign(ctx, &k)?;
    let email: Vec<_> =
        audience(ctx, &reg, &k)?.into_iter().filter(|(_, g)| g.channel == CampaignChannel::Email).collect();
    let (bytes, issued) = email_rows(&reg, &k, &email, format)?;
    crate::base::keys::write_new(out, 0o600, &bytes)?;
    let at = fmt_ts(ctx.now);
    let recorded = reg.change(ctx.now, |c| {
        for (person, code) in &issued {
            let issue = campaigns::Issue {
                person_id: person,
                code,
                channel: CampaignChannel::Email,
                format: TextFormat::Standard,
                letter_sha256: None,
            };
            campaigns::issue(c, &k.id, &issue, &at)?;
        }
        c.audit(
            "campaign.mail_merge",
            &k.id,
            serde_json::json!({ "people": issued.len(), "format": format!("{format:?}").to_lowercase() }),
        )
    });
    if let Err(e) = recorded {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    let data = serde_json::json!({ "campaign": k.id, "people": issued.len(), "path": out.display().to_string() });
    let text =
        format!("wrote {} ({} people on the email channel today, each with their code)\n", out.display(), issued.len());
    Ok(Outcome::new("campaign_rows", data, text).note(
        "import the file into the mail tool for this one send, then delete it; record each answer with `handover campaign reply`",
    ))
}

/// `campaign send-log`: each send recorded per person, an email checked against the gate that day.
pub(super) fn send_log(ctx: &Ctx, id: &str, file: &std::path::Path, reminder: bool, dry_run: bool) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let k = campaigns::campaign(&reg, id)?;
    let bytes = crate::records::import::read_bytes(file)?;
    let display = crate::records::import::display_name(file);
    let csv = crate::records::import::parse_csv(&display, &bytes, false)?;
    let asked: Vec<String> = k.asks.iter().map(|a| a.purpose.clone()).collect();
    let uses = gate::asks(&reg, &asked)?;
    // The gate's email channel, worked out once per day the log names.
    let mut by_day: BTreeMap<chrono::NaiveDate, std::collections::HashSet<String>> = BTreeMap::new();
    let mut allowed = |db: &Db, person: &str, day: chrono::NaiveDate| -> Result<bool> {
        if let std::collections::btree_map::Entry::Vacant(e) = by_day.entry(day) {
            let audience = match k.kind {
                CampaignKind::Consent => gate::audience(db, &k.controller, day, &uses)?,
                CampaignKind::Notice => gate::told(db, &k.controller, day)?,
            };
            e.insert(
                audience
                    .into_iter()
                    .filter(|(_, g)| g.channel == CampaignChannel::Email)
                    .map(|(p, _)| p.id.to_string())
                    .collect(),
            );
        }
        Ok(by_day[&day].contains(person))
    };
    let sha = csv.sha256.clone();
    let kind = if reminder { "campaign_reminders_sent" } else { "campaign_sends" };
    let r = crate::records::import::run(&mut reg, ctx.now, kind, &display, &sha, dry_run, |c, p, n| {
        crate::records::campaign::log_sends(c, &k, &csv, reminder, &mut allowed, p, n)
    })?;
    let text = crate::entry::commands::import_text(&display, &r);
    Ok(Outcome::new("import", r, text))
}

/// Codes to issue: (person id, code).
pub(super) type Issued = Vec<(String, String)>;

/// The mail tool's rows for `people` (those with an address), each with their code (issued
/// before, or made now) and form link: the CSV, and the codes to issue.
pub(super) fn email_rows(
    reg: &Db,
    k: &Campaign,
    people: &[(crate::register::people::Person, crate::transfer::campaign::Gate)],
    format: crate::entry::cli::MailTool,
) -> Result<(Vec<u8>, Issued)> {
    use crate::entry::cli::MailTool;
    let key = code_key(reg)?;
    let mut issued = Vec::new();
    let mut rows = Vec::new();
    for (p, g) in people.iter().filter(|(p, _)| p.email.is_some()) {
        let code = match campaigns::code_of(reg, &k.id, p.id.as_str())? {
            Some(c) => c,
            None => crate::domain::reply_code::make(&key, &k.id, p.id.as_str()),
        };
        let link = k.form_url.as_ref().map(|u| {
            let sep = if u.contains('?') { '&' } else { '?' };
            format!("{u}{sep}code={code}")
        });
        let email = p.email.clone().unwrap_or_default();
        let name = p.name.clone().unwrap_or_default();
        let (first, last) = crate::entry::commands::mailing::split_name(&name);
        let link = link.unwrap_or_default();
        rows.push(match format {
            MailTool::Listmonk => {
                let attributes =
                    serde_json::json!({ "code": code, "form_url": link, "asks": g.asks, "campaign": k.id });
                vec![email, name, attributes.to_string()]
            }
            MailTool::Mailchimp => vec![email, first, last, code.clone(), link],
            MailTool::Mailpoet => vec![email, first, last, code.clone(), link],
        });
        issued.push((p.id.to_string(), code));
    }
    let header: &[&str] = match format {
        MailTool::Listmonk => &["email", "name", "attributes"],
        MailTool::Mailchimp => &["Email Address", "First Name", "Last Name", "CODE", "FORMURL"],
        MailTool::Mailpoet => &["email", "first_name", "last_name", "code", "form_url"],
    };
    Ok((crate::base::encode::csv_bytes(header, &rows)?, issued))
}
