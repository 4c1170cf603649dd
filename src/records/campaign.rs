//! A campaign's answers entering the register: each yes or no is a consent grant or refusal (the
//! evidence, through [`crate::records::apply_consent`] like any other), kept with the campaign;
//! a spoiled or for-review answer is kept with the campaign only, for the data protection lead.
//! One path for an answer typed by hand (`campaign reply`) and one imported from a form export.

use chrono::{DateTime, Utc};

use crate::base::error::Result;
use crate::domain::consent::RawConsent;
use crate::domain::model::{CampaignAnswer, TextFormat, fmt_ts, new_id};
use crate::records::RowProblems;
use crate::register::campaigns::{self, Answer, AskedUse, Campaign};
use crate::register::catalogue::{self, RegisterLookup};
use crate::register::people::Person;
use crate::register::{Change, Db};

/// How and when an answer came, and what the person was shown.
#[derive(Debug, Clone)]
pub struct Reply<'a> {
    /// `paper_signed`, `email_reply`, `oral_note`, `online_checkbox`.
    pub method: &'a str,
    pub at: DateTime<Utc>,
    pub recorded_by: &'a str,
    pub support_given: Option<&'a str>,
    /// The format of the statements the person was shown (the letter's, or standard).
    pub format: TextFormat,
    /// The code they answered with, when they had one.
    pub code: Option<&'a str>,
    /// The SHA-256 of the letter they answered (a letter's slip, or the letter's code online).
    pub letter_sha256: Option<&'a str>,
    /// Where the answer was read from: "reply by hand (oral_note)", or a file, its digest and row.
    pub source: &'a str,
}

/// The consent event a yes or no to `ask` makes.
fn raw<'r>(conn: &Db, k: &Campaign, ask: &AskedUse, yes: bool, r: &Reply<'r>) -> Result<RawConsent<'r>> {
    let controllers = catalogue::statement_controllers(conn, &ask.statement_version)?.unwrap_or_default();
    let channels = catalogue::purpose(conn, &ask.purpose)?.map(|p| p.channels).unwrap_or_default();
    let letter = r.letter_sha256.map(|s| format!("; letter sha256 {}", &s[..s.len().min(16)])).unwrap_or_default();
    let evidence = match r.code {
        Some(code) => format!("campaign {} code {code}{letter}; {}", k.id, r.source),
        None => format!("campaign {}; {}", k.id, r.source),
    };
    Ok(RawConsent {
        purpose: (ask.purpose.clone()).into(),
        action: if yes { "grant" } else { "refuse" }.into(),
        controllers: (controllers.join(";")).into(),
        channels: (channels.join(";")).into(),
        statement_version: (ask.statement_version.clone()).into(),
        statement_format: r.format.as_str().into(),
        notice_version: (k.notice_version.clone().unwrap_or_default()).into(),
        method: r.method.into(),
        evidence_ref: (evidence).into(),
        at: (fmt_ts(r.at)).into(),
        recorded_by: r.recorded_by.into(),
        support_given: r.support_given.unwrap_or_default().into(),
        // Every letter, email and form of a campaign says the person can change their mind.
        told_can_withdraw: "yes".into(),
        context: (format!("campaign {}", k.id)).into(),
        ..RawConsent::default()
    })
}

/// Record a person's answers to a campaign's uses: a yes or no as consent evidence, a spoiled or
/// for-review answer (with its note) for the data protection lead. Returns the answers kept, or
/// the row's problems (the consent rules refused it; nothing of it is kept).
pub fn record(
    c: &Change<'_>,
    lookup: &RegisterLookup<'_>,
    k: &Campaign,
    person: &Person,
    given: &[(&AskedUse, CampaignAnswer, Option<String>)],
    r: &Reply<'_>,
) -> Result<std::result::Result<Vec<Answer>, RowProblems>> {
    let mut out = Vec::new();
    for (ask, answer, note) in given {
        let event = match answer {
            CampaignAnswer::Yes | CampaignAnswer::No => {
                let raw = raw(c, k, ask, *answer == CampaignAnswer::Yes, r)?;
                match crate::records::apply_consent(c, lookup, person, &raw, &format!("campaign {}", k.id))? {
                    Ok(id) => id.map(|i| i.to_string()),
                    Err(problems) => return Ok(Err(problems)),
                }
            }
            CampaignAnswer::Spoiled | CampaignAnswer::Review => None,
        };
        let a = Answer {
            id: new_id("ans"),
            person_id: person.id.to_string(),
            purpose: ask.purpose.clone(),
            answer: *answer,
            consent_event: event,
            method: r.method.to_string(),
            at: fmt_ts(r.at),
            source: r.source.to_string(),
            note: note.clone(),
            recorded_at: fmt_ts(c.now),
        };
        campaigns::insert_answer(c, &k.id, &a)?;
        out.push(a);
    }
    Ok(Ok(out))
}

/// A person's objection to what a notice campaign's notice announces for the receiver: an
/// objection (Art 21) to each such use, told to the sender (so it counts for both sides), kept
/// with the campaign.
pub fn object(
    c: &Change<'_>,
    k: &Campaign,
    person: &Person,
    r: &Reply<'_>,
) -> Result<std::result::Result<Vec<Answer>, RowProblems>> {
    let version = k.notice_version.clone().unwrap_or_default();
    let prefix = format!("{}:", k.controller);
    let purposes: Vec<String> = catalogue::texts(c, "notice")?
        .into_iter()
        .filter(|t| t.version == version)
        .flat_map(|t| t.announces)
        .filter_map(|a| a.strip_prefix(&prefix).map(str::to_string))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for purpose in &purposes {
        if let Err(problems) =
            crate::records::apply_basis(c, person, purpose, "object", "", "", "", r.recorded_by, &fmt_ts(r.at))?
        {
            return Ok(Err(problems));
        }
        let a = Answer {
            id: new_id("ans"),
            person_id: person.id.to_string(),
            purpose: purpose.clone(),
            answer: CampaignAnswer::No,
            consent_event: None,
            method: r.method.to_string(),
            at: fmt_ts(r.at),
            source: r.source.to_string(),
            note: Some(format!("objected to notice {version}")),
            recorded_at: fmt_ts(c.now),
        };
        campaigns::insert_answer(c, &k.id, &a)?;
        out.push(a);
    }
    Ok(Ok(out))
}

/// Whether the gate put a person (by id) on the email channel on a London day (reading the
/// register it is given).
pub type EmailAllowed<'a> = dyn FnMut(&Db, &str, chrono::NaiveDate) -> Result<bool> + 'a;

/// Record a send log: who was sent what, when, by which channel, all or nothing. A row names
/// its person by `ref` (or `person_ref`), `code` (`CODE`) or email (`email`, `Email Address`),
/// and when by `sent_at` (a time with its zone, or a London day); its channel is `channel`, or
/// the one the person's code was issued for. A person with no letter or email made in this
/// campaign, or an email row for someone the gate did not put on email that day, is refused by
/// line (PECR reg 22: the log must not show an email nobody could lawfully send).
pub fn log_sends(
    c: &Change<'_>,
    k: &Campaign,
    file: &crate::records::import::CsvFile,
    reminder: bool,
    email_allowed: &mut EmailAllowed<'_>,
    problems: &mut crate::records::import::Problems,
    counts: &mut crate::records::import::Counts,
) -> Result<()> {
    use crate::domain::model::{CampaignChannel, normalise_email};
    let col = |names: &[&str]| file.headers.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)));
    let refuse = |why: &str| {
        crate::base::error::Error::ImportFormat {
        file: file.name.clone(),
        why: why.into(),
        hint: "give the list the letters or mail-merge rows came in (letters.csv, or the mail tool's), with a sent_at column".into(),
    }
    };
    let sent_col = col(&["sent_at"]).ok_or_else(|| refuse("it has no sent_at column"))?;
    let ref_col = col(&["ref", "person_ref"]);
    let code_col = col(&["code"]);
    let email_col = col(&["email", "email address"]);
    if ref_col.is_none() && code_col.is_none() && email_col.is_none() {
        return Err(refuse("it has no ref, code or email column"));
    }
    let channel_col = col(&["channel"]);
    let issued: std::collections::HashMap<String, campaigns::IssuedCode> =
        campaigns::codes(c, &k.id)?.into_iter().map(|i| (i.person_id.clone(), i)).collect();
    let what = if reminder { "reminder" } else { "invitation" };
    let get = |row: &crate::records::import::CsvRow, i: Option<usize>| {
        i.and_then(|i| row.cells.get(i)).map_or("", |s| s.trim()).to_string()
    };
    for row in &file.rows {
        let line = row.line;
        let (r, code, email) = (get(row, ref_col), get(row, code_col), get(row, email_col));
        let person = if !r.is_empty() {
            crate::register::people::person(c, &r)?
        } else if !code.is_empty() {
            let typed = crate::domain::reply_code::parse(&code).ok();
            match typed.and_then(|t| issued.values().find(|i| i.code == t).map(|i| i.person_id.clone())) {
                Some(pid) => crate::register::people::person(c, &pid)?,
                None => None,
            }
        } else if !email.is_empty() {
            crate::register::people::person_by_email(c, &normalise_email(&email))?
        } else {
            None
        };
        let Some(person) = person else {
            problems.add(line, "ref", "no person in the register by this ref, code or email");
            continue;
        };
        // A consent campaign's letter or email carries a code made for the person; a notice
        // campaign's notice needs none (sent by post unless the row says email, or names them by it).
        let default_channel = match (issued.get(person.id.as_str()), k.kind) {
            (Some(code_of), _) => code_of.channel,
            (None, crate::domain::model::CampaignKind::Notice) if !email.is_empty() => CampaignChannel::Email,
            (None, crate::domain::model::CampaignKind::Notice) => CampaignChannel::Post,
            (None, crate::domain::model::CampaignKind::Consent) => {
                problems.add(line, "ref", format!("no letter or email of campaign {} was made for this person", k.id));
                continue;
            }
        };
        let channel = match get(row, channel_col).as_str() {
            "" => default_channel,
            s => match CampaignChannel::parse(s).filter(|c| *c != CampaignChannel::NotAsked) {
                Some(ch) => ch,
                None => {
                    problems.add(line, "channel", "use email or post");
                    continue;
                }
            },
        };
        let sent = get(row, Some(sent_col));
        let at = match crate::domain::model::parse_timestamp(&sent).or_else(|| {
            chrono::NaiveDate::parse_from_str(&sent, "%Y-%m-%d").ok().map(crate::domain::deadline::end_of_day_london)
        }) {
            Some(t) if t > c.now => {
                problems.add(line, "sent_at", "is in the future");
                continue;
            }
            Some(t) => t,
            None => {
                problems.add(line, "sent_at", "a time with its zone (2026-12-04T10:00:00Z) or a day (2026-12-04)");
                continue;
            }
        };
        if channel == CampaignChannel::Email
            && !email_allowed(c, person.id.as_str(), crate::domain::deadline::london_date(at))?
        {
            problems.add(
                line,
                "channel",
                "the campaign did not put this person on email that day (no email-marketing consent in force, or an unsubscribe or objection since): an email asking them would break PECR reg 22",
            );
            continue;
        }
        let s = campaigns::Send {
            person_id: person.id.to_string(),
            channel,
            what: what.into(),
            sent_at: fmt_ts(at),
            source: format!("{} sha256 {} row {line}", file.name, &file.sha256[..16]),
        };
        if campaigns::insert_send(c, &k.id, &s)? {
            *counts.entry(if channel == CampaignChannel::Email { "email" } else { "post" }).or_default() += 1;
        }
        // A notice campaign's send is the notice's delivery: the objection window (and an Art 14
        // task) runs from it, person by person.
        if let (crate::domain::model::CampaignKind::Notice, Some(version)) = (k.kind, &k.notice_version) {
            match crate::records::apply_notice_sent(c, &person, version, &s.sent_at, channel.as_str())? {
                Ok(true) => *counts.entry("notices_sent").or_default() += 1,
                Ok(false) => {}
                Err(ps) => {
                    for (col, msg) in ps {
                        problems.add(line, col, msg);
                    }
                }
            }
        }
    }
    if k.kind == crate::domain::model::CampaignKind::Notice && problems.is_empty() {
        let closed = crate::records::close_covered_art14(c)?;
        if !closed.is_empty() {
            counts.insert("privacy_notice_tasks_closed", closed.len() as i64);
        }
    }
    Ok(())
}
