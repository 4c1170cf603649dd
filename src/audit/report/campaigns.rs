//! A campaign's standing, for `campaign status` and the data protection lead's report.

use std::collections::BTreeMap;

use crate::base::error::Result;
use crate::domain::model::{CampaignAnswer, CampaignKind};
use crate::register::Db;
use crate::register::campaigns::{self, Campaign};

/// Where a campaign stands, from what the register holds: the codes issued and the sends logged
/// per channel, the reminders, and per use each person's latest answer (yes, no, spoiled, in
/// review) and who has not answered, with how many answers are consent events (the evidence).
pub fn campaign_summary(reg: &Db, k: &Campaign) -> Result<serde_json::Value> {
    let codes = campaigns::codes(reg, &k.id)?;
    let answers = campaigns::answers(reg, &k.id)?;
    let mut issued: BTreeMap<&str, usize> = BTreeMap::new();
    for c in codes.iter().filter(|c| c.revoked_at.is_none()) {
        *issued.entry(c.channel.as_str()).or_default() += 1;
    }
    let total: usize = issued.values().sum();
    // Who the send log shows was sent an invitation, by channel, and who was sent a reminder.
    let sends = campaigns::sends(reg, &k.id)?;
    let mut sent: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    let mut reminded = std::collections::BTreeSet::new();
    for s in &sends {
        if s.what == "reminder" {
            reminded.insert(s.person_id.as_str());
        } else {
            sent.entry(s.channel.as_str()).or_default().insert(s.person_id.as_str());
        }
    }
    let sent: BTreeMap<&str, usize> = sent.into_iter().map(|(c, p)| (c, p.len())).collect();
    let mut uses = Vec::new();
    for ask in &k.asks {
        // Each person's latest answer to this use counts.
        let mut latest: BTreeMap<&str, &campaigns::Answer> = BTreeMap::new();
        for a in answers.iter().filter(|a| a.purpose == ask.purpose) {
            latest.insert(a.person_id.as_str(), a);
        }
        let count = |w: CampaignAnswer| latest.values().filter(|a| a.answer == w).count();
        uses.push(serde_json::json!({
            "purpose": ask.purpose,
            "statement_version": ask.statement_version,
            "yes": count(CampaignAnswer::Yes),
            "no": count(CampaignAnswer::No),
            "spoiled": count(CampaignAnswer::Spoiled),
            "review": count(CampaignAnswer::Review),
            "no_answer": total.saturating_sub(latest.len()),
            "evidence": latest.values().filter(|a| a.consent_event.is_some()).count(),
        }));
    }
    let objections: std::collections::BTreeSet<&str> = answers
        .iter()
        .filter(|a| k.kind == CampaignKind::Notice && a.answer == CampaignAnswer::No)
        .map(|a| a.person_id.as_str())
        .collect();
    Ok(serde_json::json!({
        "objections": objections.len(),
        "campaign": k.id,
        "kind": k.kind,
        "to": k.controller,
        "closes_on": k.closes_on,
        "closed": k.closed_at.is_some(),
        "issued": issued,
        "sent": sent,
        "reminded": reminded.len(),
        "uses": uses,
    }))
}

/// Every campaign's summary, with (for one still open) who its gate asks today, by channel and
/// reason.
pub fn campaigns_section(reg: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<serde_json::Value>> {
    let today = crate::domain::deadline::london_date(now);
    let mut out = Vec::new();
    for k in campaigns::campaigns(reg)? {
        let mut v = campaign_summary(reg, &k)?;
        if k.closed_at.is_none() {
            let asked: Vec<String> = k.asks.iter().map(|a| a.purpose.clone()).collect();
            let audience = match k.kind {
                CampaignKind::Consent => crate::transfer::campaign::audience(
                    reg,
                    &k.controller,
                    today,
                    &crate::transfer::campaign::asks(reg, &asked)?,
                )?,
                CampaignKind::Notice => crate::transfer::campaign::told(reg, &k.controller, today)?,
            };
            let mut by: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
            for (p, g) in &audience {
                if p.erased_at.is_none() {
                    *by.entry(g.channel.to_string()).or_default().entry(g.reason).or_default() += 1;
                }
            }
            v["audience_today"] = serde_json::to_value(by).unwrap_or_default();
        }
        out.push(v);
    }
    Ok(out)
}
