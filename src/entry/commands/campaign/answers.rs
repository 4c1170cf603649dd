//! `campaign reply`, `campaign import` and `campaign form`: the answers, by hand or from a form.

use std::collections::BTreeMap;

use super::*;

/// `campaign reply`'s flags.
pub(super) struct Reply {
    pub(super) code: String,
    pub(super) answers: Vec<String>,
    pub(super) object: bool,
    pub(super) method: String,
    pub(super) at: String,
    pub(super) recorded_by: String,
    pub(super) support_given: Option<String>,
}

/// `campaign reply`: one person's answers, each a consent grant or refusal naming the campaign.
pub(super) fn reply(ctx: &Ctx, id: &str, r: Reply) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let k = campaigns::campaign(&reg, id)?;
    match (k.kind, r.object) {
        (CampaignKind::Notice, false) => {
            return Err(Error::bad(
                "--object",
                format!("campaign {id} tells people: its reply is an objection (--object)"),
            ));
        }
        (CampaignKind::Consent, true) => {
            return Err(Error::bad(
                "--answer",
                format!("campaign {id} asks: give each answer with --answer PURPOSE=yes|no"),
            ));
        }
        _ => {}
    }
    if k.closed_at.is_some() {
        return Err(Error::bad(
            "ID",
            format!("campaign {id} is closed: record a later answer with `handover consent record`"),
        ));
    }
    let code = crate::domain::reply_code::parse(&r.code).map_err(|b| Error::bad("--code", b.to_string()))?;
    let issued = campaigns::by_code(&reg, &k.id, &code)?.ok_or_else(|| {
        Error::bad("--code", format!("no letter or email of campaign {id} carries {code}: check it against the slip"))
    })?;
    if issued.revoked_at.is_some() {
        return Err(Error::bad("--code", format!("{code} was revoked: ask the person again with a new letter")));
    }
    let at = crate::domain::model::parse_moment(&r.at)
        .ok_or_else(|| Error::bad("--at", "must be a date (2026-03-01) or an ISO 8601 timestamp"))?;
    if at > ctx.now {
        return Err(Error::bad("--at", "is in the future: give the day the person answered"));
    }
    let closes = chrono::NaiveDate::parse_from_str(&k.closes_on, "%Y-%m-%d")
        .map_err(|_| Error::Internal(format!("campaign {id} closes on an unreadable day")))?;
    if at > crate::domain::deadline::end_of_day_london(closes) {
        return Err(Error::bad(
            "--at",
            format!(
                "the answer came after the campaign closed ({}): record it with `handover consent record` instead",
                k.closes_on
            ),
        ));
    }
    if r.recorded_by.trim().is_empty() {
        return Err(Error::bad("--recorded-by", "say who recorded it (a role or initials)"));
    }
    let mut answers: Vec<(&AskedUse, bool)> = Vec::new();
    for a in &r.answers {
        let Some((purpose, yes)) = a.split_once('=') else {
            return Err(Error::bad("--answer", format!("'{a}' is not PURPOSE=yes|no")));
        };
        let yes = match yes.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" => true,
            "no" | "n" => false,
            _ => {
                return Err(Error::bad(
                    "--answer",
                    format!("'{a}': the answer is yes or no (a blank is no answer: leave it out)"),
                ));
            }
        };
        let Some(ask) = k.asks.iter().find(|x| x.purpose == purpose.trim()) else {
            return Err(Error::bad("--answer", format!("campaign {id} does not ask about '{}'", purpose.trim())));
        };
        if answers.iter().any(|(x, _)| x.purpose == ask.purpose) {
            return Err(Error::bad("--answer", format!("{} is answered twice", ask.purpose)));
        }
        answers.push((ask, yes));
    }
    let person = crate::register::people::person_required(&reg, &issued.person_id)?;
    if person.erased_at.is_some() {
        return Err(Error::Erased { person: person.id.to_string() });
    }
    let source = format!("reply by hand ({})", r.method);
    let reply = crate::records::campaign::Reply {
        method: &r.method,
        at,
        recorded_by: &r.recorded_by,
        support_given: r.support_given.as_deref(),
        format: issued.statement_format,
        code: Some(&code),
        letter_sha256: issued.letter_sha256.as_deref(),
        source: &source,
    };
    if r.object {
        let kept = reg.change(ctx.now, |c| {
            let out = crate::records::campaign::object(c, &k, &person, &reply)?
                .map_err(|ps| crate::entry::commands::refused(&person.reference, ps))?;
            c.audit("campaign.reply", &k.id, serde_json::json!({ "person": person.id, "objected": true }))?;
            Ok(out)
        })?;
        let text = format!("{}: objected ({} use(s) the notice announces)\n", person.reference, kept.len());
        return Ok(Outcome::new(
            "campaign_reply",
            serde_json::json!({ "campaign": k.id, "ref": person.reference, "answers": kept }),
            text,
        ));
    }
    let given: Vec<(&AskedUse, CampaignAnswer, Option<String>)> = answers
        .iter()
        .map(|(ask, yes)| (*ask, if *yes { CampaignAnswer::Yes } else { CampaignAnswer::No }, None))
        .collect();
    let recorded = reg.change(ctx.now, |c| {
        let lookup = catalogue::RegisterLookup::new(c);
        let out = crate::records::campaign::record(c, &lookup, &k, &person, &given, &reply)?
            .map_err(|ps| crate::entry::commands::refused(&person.reference, ps))?;
        c.audit(
            "campaign.reply",
            &k.id,
            serde_json::json!({ "person": person.id, "answers": out.iter().map(|a| (a.purpose.clone(), a.answer)).collect::<BTreeMap<_, _>>() }),
        )?;
        Ok(out)
    })?;
    let text = recorded
        .iter()
        .map(|a| {
            format!(
                "{}: {} {} ({})\n",
                person.reference,
                a.purpose,
                a.answer,
                a.consent_event.as_deref().unwrap_or("already recorded")
            )
        })
        .collect::<String>();
    Ok(Outcome::new(
        "campaign_reply",
        serde_json::json!({ "campaign": k.id, "ref": person.reference, "answers": recorded }),
        text,
    ))
}

/// `campaign import`: a form export or keyed paper slips, all or nothing.
pub(super) fn import_answers(
    ctx: &Ctx,
    id: &str,
    file: &std::path::Path,
    from: crate::entry::cli::FormSource,
    zone: Option<crate::entry::cli::TimeZoneArg>,
    keyed_by: Option<&str>,
    dry_run: bool,
) -> Result<Outcome> {
    use crate::entry::cli::{FormSource, TimeZoneArg};
    use crate::records::import::forms::{self, FormTool, Zone};
    let mut reg = ctx.open()?;
    let k = campaigns::campaign(&reg, id)?;
    if k.closed_at.is_some() {
        return Err(Error::bad(
            "ID",
            format!("campaign {id} is closed: record a later answer with `handover consent record`"),
        ));
    }
    let tool = match from {
        FormSource::GoogleForms => FormTool::GoogleForms,
        FormSource::MicrosoftForms => FormTool::MicrosoftForms,
        FormSource::Typeform => FormTool::Typeform,
        FormSource::Jotform => FormTool::Jotform,
        FormSource::Paper => FormTool::Paper,
    };
    let keyed_by = match (tool, keyed_by.map(str::trim).filter(|s| !s.is_empty())) {
        (FormTool::Paper, None) => {
            return Err(Error::bad("--keyed-by", "say who keyed the paper slips in (a role or initials)"));
        }
        (_, k) => k.unwrap_or("form"),
    };
    let zone = zone.map(|z| match z {
        TimeZoneArg::London => Zone::London,
        TimeZoneArg::Utc => Zone::Utc,
    });
    let bytes = crate::records::import::read_bytes(file)?;
    let display = crate::records::import::display_name(file);
    let csv = if crate::records::import::xlsx::is_xlsx(&bytes) {
        crate::records::import::xlsx::read(&display, &bytes)?
    } else {
        crate::records::import::parse_csv(&display, &bytes, false)?
    };
    let options = forms::Options { tool, zone, keyed_by };
    let sha = csv.sha256.clone();
    let r = crate::records::import::run(&mut reg, ctx.now, "campaign_answers", &display, &sha, dry_run, |c, p, n| {
        forms::import(c, &k, &csv, &options, p, n)
    })?;
    let text = crate::entry::commands::import_text(&display, &r);
    Ok(Outcome::new("import", r, text))
}

/// `campaign form`: the printable hub form, and the titles an online form's questions take.
pub(super) fn form(ctx: &Ctx, id: &str, out: &std::path::Path) -> Result<Outcome> {
    use crate::records::import::forms;
    if out.exists() {
        return Err(Error::bad("--out", format!("{} exists already: give a new file", out.display())));
    }
    let reg = ctx.open()?;
    let k = campaigns::campaign(&reg, id)?;
    if k.kind != CampaignKind::Consent {
        return Err(Error::bad("ID", format!("campaign {id} tells people; a form asks for consent")));
    }
    let own = catalogue::self_controller(&reg)?;
    let to = catalogue::controller(&reg, &k.controller)?
        .ok_or_else(|| Error::NotFound { kind: "controller", id: k.controller.clone() })?;
    let facts = crate::audit::asking::Campaign {
        community: crate::register::setting(&reg, "community")?.unwrap_or_default(),
        from: own.name.clone(),
        to: to.name.clone(),
        contact: k.contact.clone().or(own.contact.clone()).unwrap_or_default(),
        closes: chrono::NaiveDate::parse_from_str(&k.closes_on, "%Y-%m-%d")
            .map_err(|_| Error::Internal(format!("campaign {id} closes on an unreadable day")))?,
        written: crate::domain::deadline::london_date(ctx.now),
        notice: k.notice_version.clone().unwrap_or_default(),
        reminder: false,
        tells: None,
    };
    let mut questions = Vec::new();
    for ask in &k.asks {
        let name = catalogue::purpose(&reg, &ask.purpose)?.map_or_else(|| ask.purpose.clone(), |p| p.name);
        let statement = catalogue::text_bodies(&reg, "statement", &ask.statement_version)?
            .into_iter()
            .find(|(f, _, _)| f == "standard")
            .map(|(_, _, b)| b.trim().to_string())
            .unwrap_or_default();
        questions.push(crate::audit::asking::Question { purpose: ask.purpose.clone(), name, statement });
    }
    let mut titles = vec![forms::CODE.to_string()];
    for (i, q) in questions.iter().enumerate() {
        titles.push(format!(
            "{} {}",
            forms::question_prefix(i + 1, &q.purpose),
            crate::audit::asking::question_text(&facts, q)
        ));
    }
    titles.extend([forms::HELPED.to_string(), forms::SIGNED_FOR.to_string(), forms::STOP_LETTERS.to_string()]);
    let page = crate::audit::asking::hub_form(&facts, &questions.iter().collect::<Vec<_>>());
    crate::base::keys::write_new(out, 0o644, page.as_bytes())?;
    let mut text = format!(
        "wrote {} (print copies for hub meetings)\n\nquestion titles for an online form, in this order:\n",
        out.display()
    );
    for t in &titles {
        text.push_str(&format!("  {t}\n"));
    }
    text.push_str(&format!(
        "\nthe questions take the answers Yes and No; \"{}\" is a short answer (a hidden field named code in Typeform), filled in from each person's link",
        forms::CODE
    ));
    let data = serde_json::json!({ "campaign": k.id, "path": out.display().to_string(), "titles": titles });
    Ok(Outcome::new("campaign_form", data, text))
}
