//! `handover review ...`: the data protection lead's decisions on people the plan holds back.

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::domain::model::fmt_ts;
use crate::entry::cli::ReviewCmd;
use crate::entry::output::Outcome;
use crate::register::{people, reviews};

fn rows(list: &[reviews::Review]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|r| {
            vec![
                r.at[..10].to_string(),
                r.person_ref.clone(),
                r.reason.clone(),
                r.decision.clone(),
                r.by.clone(),
                r.signer_key_id.clone().map_or_else(|| "-".into(), |k| format!("signed {k}")),
                r.note.clone(),
            ]
        })
        .collect();
    table(&["DATE", "PERSON", "REASON", "DECISION", "BY", "SIGNED", "NOTE"], &rows)
}

/// Run a review subcommand.
pub fn run(ctx: &Ctx, cmd: ReviewCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        ReviewCmd::Record { person, reason, decision, by, note, sign_key } => {
            let p = people::person_required(&reg, &person)?;
            if p.erased_at.is_some() {
                return Err(Error::bad("--person", format!("{person} was erased: there is nothing to review")));
            }
            if by.trim().is_empty() || note.trim().is_empty() {
                return Err(Error::bad("--note", "say who decided (--by) and what was checked (--note)"));
            }
            let key = sign_key.as_deref().map(crate::base::keys::SigningKey::load).transpose()?;
            let mut r = reviews::Review {
                id: crate::domain::model::new_id("rev"),
                person_id: p.id.clone(),
                person_ref: p.reference.clone(),
                reason,
                decision,
                by: by.trim().to_string(),
                note: note.trim().to_string(),
                at: fmt_ts(ctx.now),
                signer_key_id: None,
                signature: None,
            };
            if let Some(k) = &key {
                let text = r.signed_text();
                r.signature = Some(k.sign(text.as_bytes(), &format!("handover review {}", r.id))?);
                r.signer_key_id = Some(k.key_id());
            }
            reg.change(ctx.now, |c| {
                reviews::insert(c, &r)?;
                c.audit(
                    "review.record",
                    &r.id,
                    serde_json::json!({ "person": r.person_id, "reason": r.reason, "decision": r.decision, "by": r.by, "signed": r.signer_key_id }),
                )
            })?;
            let text = format!(
                "review {}: {} {} for {} ({}){}\n",
                r.id,
                r.decision,
                r.reason,
                r.person_ref,
                r.by,
                r.signer_key_id.as_ref().map_or_else(String::new, |k| format!(", signed by key {k}"))
            );
            Ok(Outcome::new("review", r, text))
        }
        ReviewCmd::List { person } => {
            let pid = person.as_deref().map(|p| people::person_required(&reg, p)).transpose()?.map(|p| p.id);
            let list = reviews::reviews(&reg, pid.as_deref())?;
            let text = rows(&list);
            Ok(Outcome::new("review_list", list, text))
        }
    }
}
