//! `handover consent ...`.

use super::refused;
use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::consent::RawConsent;
use crate::domain::model::{fmt_ts, parse_moment};
use crate::entry::cli::{ConsentCmd, ConsentFields};
use crate::entry::output::Outcome;
use crate::records::import::own;
use crate::register::{catalogue, evidence, people};

fn raw<'a>(f: &ConsentFields, action: &'a str) -> RawConsent<'a> {
    RawConsent {
        purpose: (f.purpose.clone()).into(),
        action: action.into(),
        controllers: (f.controllers.join(";")).into(),
        channels: (f.channels.join(";")).into(),
        method: (f.method.clone().unwrap_or_default()).into(),
        evidence_ref: (f.evidence_ref.clone().unwrap_or_default()).into(),
        at: (f.at.clone()).into(),
        recorded_by: (f.recorded_by.clone()).into(),
        context: (f.context.clone().unwrap_or_default()).into(),
        ..RawConsent::default()
    }
}

fn record(ctx: &Ctx, f: &ConsentFields, raw: RawConsent<'_>) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let p = people::person_required(&reg, &f.person)?;
    if p.erased_at.is_some() {
        return Err(Error::Erased { person: p.id.to_string() });
    }
    let action = raw.action.clone();
    let id = reg.change(ctx.now, |c| {
        let id =
            crate::records::apply_consent(c, &crate::register::catalogue::RegisterLookup::new(c), &p, &raw, "direct")?
                .map_err(|ps| refused(&p.reference, ps))?;
        if let Some(id) = &id {
            c.audit(
                &format!("consent.{action}"),
                &p.id,
                serde_json::json!({ "event": id, "purpose": raw.purpose.trim() }),
            )?;
        }
        Ok(id)
    })?;
    let text = match &id {
        Some(id) => format!("recorded {action} {id} for {} ({})\n", p.id, raw.purpose.trim()),
        None => format!("an identical {action} is already recorded for {}; nothing changed\n", p.id),
    };
    let event = match &id {
        Some(id) => evidence::consents(&reg, Some(&p.id), None)?.into_iter().find(|e| &e.id == id),
        None => None,
    };
    Ok(Outcome::new("consent_event", event, text))
}

/// Run a consent subcommand.
pub fn run(ctx: &Ctx, cmd: ConsentCmd) -> Result<Outcome> {
    match cmd {
        ConsentCmd::Record {
            fields,
            statement_version,
            statement_format,
            notice_version,
            told_can_withdraw,
            given_by,
            authority_kind,
            authority_ref,
            verified_by,
            verified_at,
            support_given,
            capacity_concern,
            capacity_assessment,
            special_categories,
        } => {
            let mut r = raw(&fields, "grant");
            r.statement_version = statement_version.unwrap_or_default().into();
            r.statement_format = statement_format.unwrap_or_default().into();
            r.notice_version = notice_version.unwrap_or_default().into();
            r.told_can_withdraw = told_can_withdraw.unwrap_or_default().into();
            r.given_by = given_by.unwrap_or_default().into();
            r.authority_kind = authority_kind.unwrap_or_default().into();
            r.authority_ref = authority_ref.unwrap_or_default().into();
            r.verified_by = verified_by.unwrap_or_default().into();
            r.verified_at = verified_at.unwrap_or_default().into();
            r.support_given = support_given.unwrap_or_default().into();
            r.capacity_concern = capacity_concern.unwrap_or_default().into();
            r.capacity_assessment = capacity_assessment.unwrap_or_default().into();
            r.special_categories = special_categories.unwrap_or_default().into();
            record(ctx, &fields, r)
        }
        ConsentCmd::Withdraw { fields } => record(ctx, &fields, raw(&fields, "withdraw")),
        ConsentCmd::Refuse { fields } => record(ctx, &fields, raw(&fields, "refuse")),
        ConsentCmd::Import(crate::entry::cli::ImportFile { file, dry_run }) => super::import_own_csv(
            ctx,
            &file,
            dry_run,
            "consent",
            own::CONSENT_COLUMNS,
            "consent.csv",
            own::import_consent,
        ),
        ConsentCmd::RequestList { to, out } => {
            let mut reg = ctx.open()?;
            let own = catalogue::self_controller(&reg)?;
            // The campaign gate, asking about the receiver's newsletter: only those it puts on
            // the email channel (the sender's own email-marketing consent in force, and nothing
            // since that stops it) may be emailed to ask (PECR reg 22, R14).
            let asks = crate::transfer::campaign::asks(&reg, &["successor_newsletter".to_string()])?;
            let today = crate::domain::deadline::london_date(ctx.now);
            let audience = crate::transfer::campaign::audience(&reg, &to, today, &asks)?;
            let mut rows = Vec::new();
            for (p, gate) in &audience {
                if gate.channel == crate::transfer::campaign::Channel::Email
                    && let Some(email) = &p.email
                {
                    rows.push(vec![p.reference.clone(), email.clone(), p.name.clone().unwrap_or_default()]);
                }
            }
            let text = super::people_list_csv(out.as_deref(), &["person_ref", "email", "name"], &rows)?;
            reg.change(ctx.now, |c| c.audit("consent.request_list", &to, serde_json::json!({ "people": rows.len() })))?;
            let data = serde_json::json!({ "to": to, "people": rows.len(), "path": out.as_ref().map(|p| p.display().to_string()) });
            Ok(Outcome::new("request_list", data, text).note(format!(
                "{} people hold an email-marketing consent for {} in force, with nothing since that stops it, and may be emailed to ask whether they will join {}'s list; record their answers with `handover consent import`. Nobody else may be emailed to ask (R14); `handover campaign plan` shows who may be asked by post instead, and why each other person is not asked.",
                rows.len(),
                own.slug,
                to
            )))
        }
        ConsentCmd::History { id, purpose, at } => {
            let reg = ctx.open()?;
            let now = match at {
                Some(a) => parse_moment(&a)
                    .ok_or_else(|| Error::bad("--at", "must be a date (2026-03-01) or an ISO 8601 timestamp"))?,
                None => ctx.now,
            };
            let pid = match &id {
                Some(i) => Some(people::person_required(&reg, i)?.id),
                None => None,
            };
            if let Some(p) = &purpose
                && catalogue::purpose(&reg, p)?.is_none()
            {
                return Err(Error::NotFound { kind: "purpose", id: p.clone() });
            }
            let events = evidence::consents(&reg, pid.as_deref(), purpose.as_deref())?;
            let rows: Vec<Vec<String>> = events
                .iter()
                .map(|e| {
                    vec![
                        e.id.to_string(),
                        e.person_ref.clone(),
                        fmt_ts(e.event.at)[..16].to_string(),
                        e.event.action.to_string(),
                        e.event.purpose.clone(),
                        if e.event.controllers.is_empty() { "(all)".into() } else { e.event.controllers.join(";") },
                        e.event.given_by.to_string(),
                        e.event.method.map_or_else(|| "-".into(), |m| m.to_string()),
                    ]
                })
                .collect();
            let mut text =
                table(&["ID", "PERSON", "AT", "ACTION", "PURPOSE", "CONTROLLERS", "GIVEN_BY", "METHOD"], &rows);
            // One person's history ends with their status at --at (text only: the JSON is the
            // events, and `person show --json` gives the status).
            if let Some(p) = &pid {
                let lines = crate::records::status::status_lines(&reg, p, now)?;
                text.push_str(&format!("status at {}:\n", crate::domain::model::fmt_ts(now)));
                if lines.is_empty() {
                    text.push_str("  none in force\n");
                }
                for l in &lines {
                    if purpose.as_deref().is_none_or(|p| p == l.purpose) {
                        text.push_str(&format!("  {:<24} {:<24} {}\n", l.purpose, l.controller, l.status));
                    }
                }
            }
            Ok(Outcome::new("consent_history", events, text))
        }
    }
}
