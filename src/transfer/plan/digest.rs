//! The plan's digest: canonical JSON of every decision, streamed into SHA-256.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::docs::HashWriter;
use super::*;
use crate::transfer::rules::{self};

pub(super) fn digest_of(
    receiver: &str,
    fields: &BTreeMap<String, FieldLists>,
    people: &[PersonPlan],
    documents: &[DocumentPlan],
    accounts: &[AccountPlan],
) -> String {
    // The canonical form is compact JSON with every object's keys in sorted order (as a
    // `serde_json::Value` writes them), streamed into the hash rather than built in memory:
    // a plan of 100,000 people would otherwise be copied twice more just to be hashed.
    #[derive(Serialize)]
    struct CanonDecision<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        consent_id: Option<&'a str>,
        included: bool,
        reason: &'a str,
    }
    #[derive(Serialize)]
    struct CanonStripped<'a> {
        action: &'a str,
        field: &'a str,
        reason: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        to: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct CanonFields<'a> {
        carried: &'a [String],
        dropped: &'a [String],
    }
    fn decision(d: &rules::Decision) -> CanonDecision<'_> {
        CanonDecision { consent_id: d.consent_id.as_deref(), included: d.included, reason: d.reason }
    }
    let mut h = HashWriter(Sha256::new());
    let mut write = || -> serde_json::Result<()> {
        let accounts: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
        h.0.update(b"{\"accounts\":");
        serde_json::to_writer(&mut h, &accounts)?;
        h.0.update(b",\"documents\":");
        let docs: Vec<_> = documents.iter().map(|d| (&d.id, d.included, &d.state, &d.redacted_sha256)).collect();
        serde_json::to_writer(&mut h, &docs)?;
        h.0.update(b",\"fields\":");
        let f: BTreeMap<&str, CanonFields<'_>> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), CanonFields { carried: &v.carried, dropped: &v.dropped }))
            .collect();
        serde_json::to_writer(&mut h, &f)?;
        h.0.update(b",\"people\":[");
        for (i, p) in people.iter().enumerate() {
            if i > 0 {
                h.0.update(b",");
            }
            let stripped: Vec<CanonStripped<'_>> = p
                .stripped
                .iter()
                .map(|s| CanonStripped { action: s.action, field: &s.field, reason: &s.reason, to: s.to.as_deref() })
                .collect();
            serde_json::to_writer(
                &mut h,
                &(&p.id, decision(&p.register.decision), decision(&p.mailing_list.decision), stripped),
            )?;
        }
        h.0.update(b"],\"receiver\":");
        serde_json::to_writer(&mut h, receiver)?;
        h.0.update(b"}");
        Ok(())
    };
    // Writing into a hash cannot fail.
    let _ = write();
    hex::encode(h.0.finalize())
}
