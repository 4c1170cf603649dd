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
    /// Where the answer was read from: "reply by hand (oral_note)", or a file, its digest and row.
    pub source: &'a str,
}

/// The consent event a yes or no to `ask` makes.
fn raw(conn: &Db, k: &Campaign, ask: &AskedUse, yes: bool, r: &Reply<'_>) -> Result<RawConsent> {
    let controllers = catalogue::statement_controllers(conn, &ask.statement_version)?.unwrap_or_default();
    let channels = catalogue::purpose(conn, &ask.purpose)?.map(|p| p.channels).unwrap_or_default();
    let evidence = match r.code {
        Some(code) => format!("campaign {} code {code}; {}", k.id, r.source),
        None => format!("campaign {}; {}", k.id, r.source),
    };
    Ok(RawConsent {
        purpose: ask.purpose.clone(),
        action: if yes { "grant" } else { "refuse" }.into(),
        controllers: controllers.join(";"),
        channels: channels.join(";"),
        statement_version: ask.statement_version.clone(),
        statement_format: r.format.as_str().into(),
        notice_version: k.notice_version.clone().unwrap_or_default(),
        method: r.method.into(),
        evidence_ref: evidence,
        at: fmt_ts(r.at),
        recorded_by: r.recorded_by.into(),
        support_given: r.support_given.unwrap_or_default().into(),
        // Every letter, email and form of a campaign says the person can change their mind.
        told_can_withdraw: "yes".into(),
        context: format!("campaign {}", k.id),
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
