//! Every value a bundle carries beyond the plan's decisions, read from the register once, when the
//! plan is made for a bundle: the consent history and other bases of the people who go, the
//! mailing list's addresses, the suppression list with its key, the accounts with their sealed
//! secrets, the documents' files, the audit log's head and both controllers. `bundle::write`
//! writes from the plan and this, and never reads the register itself, so the bundle holds exactly
//! what was planned.

use std::collections::{BTreeMap, HashSet};

use crate::base::error::Result;
use crate::domain::consent::CarriedConsent;
use crate::register::accounts::{self, Account};
use crate::register::catalogue::{self, Controller};
use crate::register::evidence::{self, BasisEvent};
use crate::register::merkle::Hash;
use crate::register::{Db, audit, documents, people, setting, suppression};

use super::plan::Plan;

/// A document's file as registered (and, for a reviewed redacted copy, the copy).
#[derive(Debug, Clone)]
pub struct CarriedDocument {
    /// Where the registered file is.
    pub path: String,
    /// Its SHA-256 when registered (or last reviewed).
    pub sha256: String,
    /// Its CRC-32 when registered (`None`: registered before the register kept it).
    pub crc32: Option<u32>,
    /// Its size in bytes when registered.
    pub size: u64,
    /// The reviewer's redacted copy, for a document whose state is `redacted_copy`.
    pub redacted_copy_path: Option<String>,
}

/// An account with its secret as sealed in the register (opened only while the bundle is written).
pub struct CarriedAccount {
    /// The account's record.
    pub account: Account,
    /// The secret, age-encrypted to the register's custodians.
    pub sealed_secret: Vec<u8>,
}

/// The values a bundle carries; see the module documentation.
pub struct Carried {
    /// Consent events of the people who go, as the bundle's `consent-events.jsonl` holds them.
    pub consent_events: Vec<CarriedConsent>,
    /// Other lawful bases of the people who go.
    pub bases: Vec<BasisEvent>,
    /// The statements and notices the carried consent events and the mailing list cite, each
    /// version in every format, with its text (Art 7(1): the receiver can show what was said).
    pub texts: Vec<serde_json::Value>,
    /// Mailing-list rows: email, name, attributes (reference and consent evidence, JSON).
    pub mailing_list: Vec<Vec<String>>,
    /// The suppression list: each entry's point under this bundle's scalar, and since when.
    pub suppression: Vec<Vec<String>>,
    /// The scalar made for this bundle, hex.
    pub suppression_key_hex: String,
    /// Entries that have only a hash (inherited from an older bundle): they cannot be re-keyed.
    pub suppression_not_carried: usize,
    /// Every account, with its sealed secret.
    pub accounts: Vec<CarriedAccount>,
    /// The community's name.
    pub community: String,
    /// The included documents' files, by document id.
    pub documents: BTreeMap<crate::domain::model::DocumentId, CarriedDocument>,
    /// The audit log's size and Merkle root, for the signed checkpoint.
    pub audit_head: (u64, Hash),
    /// The sending controller (this register's own).
    pub from: Controller,
    /// The receiving controller.
    pub to: Controller,
}

/// Read what a bundle of `plan` carries.
pub fn read(db: &Db, plan: &Plan) -> Result<Carried> {
    let included: HashSet<&str> =
        plan.people.iter().filter(|x| x.register.decision.included).map(|x| x.id.as_str()).collect();
    // Only what concerns the receiver goes: events and bases naming it; and for each purpose of
    // a person's that concerns the receiver (one with an event or basis naming it), their later
    // word whoever they told it to: withdrawals, refusals, objections and restrictions (a no
    // told to the charity binds the receiver too; Art 7(3), Art 21). An objection to direct
    // marketing travels with any marketing purpose. The charity's own photos or diversity
    // consents, with their special categories, stay.
    let receiver = plan.receiver.slug.as_str();
    let names = |controllers: &[String]| controllers.iter().any(|c| c == receiver);
    let all_events: Vec<evidence::StoredConsent> =
        evidence::consents(db, None, None)?.into_iter().filter(|c| included.contains(c.person_id.as_str())).collect();
    let all_bases: Vec<BasisEvent> =
        evidence::bases(db, None)?.into_iter().filter(|b| included.contains(b.person_id.as_str())).collect();
    let marketing: HashSet<String> =
        crate::register::catalogue::purposes(db)?.into_iter().filter(|p| p.marketing).map(|p| p.code).collect();
    let mut concerned: HashSet<(String, String)> = HashSet::new();
    for (person, purpose, controllers) in all_events
        .iter()
        .map(|c| (c.person_id.as_str(), c.event.purpose.as_str(), &c.event.controllers))
        .chain(all_bases.iter().map(|b| (b.person_id.as_str(), b.purpose.as_str(), &b.controllers)))
    {
        if names(controllers) {
            concerned.insert((person.to_string(), purpose.to_string()));
            if marketing.contains(purpose) {
                for m in &marketing {
                    concerned.insert((person.to_string(), m.clone()));
                }
            }
        }
    }
    let concerns = |person: &str, purpose: &str, controllers: &[String], yes: bool| {
        names(controllers)
            || (!yes && (controllers.is_empty() || concerned.contains(&(person.to_string(), purpose.to_string()))))
    };
    let consent_events: Vec<CarriedConsent> = all_events
        .into_iter()
        .filter(|c| {
            concerns(
                c.person_id.as_str(),
                &c.event.purpose,
                &c.event.controllers,
                c.event.action == crate::domain::model::ConsentAction::Grant,
            )
        })
        .map(|c| CarriedConsent::of(&c.id, &c.person_id, &c.event, c.statement_sha256))
        .collect();
    let bases = all_bases
        .into_iter()
        .filter(|b| {
            concerns(
                b.person_id.as_str(),
                &b.purpose,
                &b.controllers,
                b.action == crate::domain::model::BasisAction::Record,
            )
        })
        .collect();
    let mut mailing_list = Vec::new();
    for pp in plan.people.iter().filter(|x| x.mailing_list.decision.included) {
        let person = people::person_required(db, &pp.id)?;
        let attributes = serde_json::json!({ "ref": pp.reference, "consent": pp.mailing_list.evidence });
        mailing_list.push(vec![
            person.email.clone().unwrap_or_default(),
            person.name.clone().unwrap_or_default(),
            attributes.to_string(),
        ]);
    }
    // Re-keyed to a scalar made for this bundle: the register's keys never leave it, and the list
    // does not say why an address is on it.
    let bundle_scalar = suppression::new_scalar();
    let (suppression, suppression_not_carried) = suppression::bundle_rows(db, &bundle_scalar)?;
    let mut carried_accounts = Vec::new();
    for account in accounts::accounts(db)? {
        let sealed_secret = accounts::secret(db, &account.id)?;
        carried_accounts.push(CarriedAccount { account, sealed_secret });
    }
    let texts = cited_texts(db, &consent_events, &mailing_list)?;
    let mut docs = BTreeMap::new();
    for d in plan.documents.iter().filter(|d| d.included) {
        let doc = documents::document(db, &d.id)?;
        let redacted_copy_path = if d.state == crate::domain::model::DocumentState::RedactedCopy {
            documents::latest_review(db, &d.id, &plan.receiver.slug)?.and_then(|r| r.redacted_copy_path)
        } else {
            None
        };
        docs.insert(
            d.id.clone(),
            CarriedDocument {
                path: doc.path,
                sha256: doc.sha256,
                crc32: doc.crc32,
                size: u64::try_from(doc.size).unwrap_or_default(),
                redacted_copy_path,
            },
        );
    }
    Ok(Carried {
        consent_events,
        bases,
        texts,
        mailing_list,
        suppression,
        suppression_key_hex: hex::encode(bundle_scalar.to_bytes()),
        suppression_not_carried,
        accounts: carried_accounts,
        community: setting(db, "community")?.unwrap_or_default(),
        documents: docs,
        audit_head: audit::tree_head(db)?,
        from: catalogue::self_controller(db)?,
        to: catalogue::controller(db, &plan.receiver.slug)?.ok_or_else(|| crate::base::error::Error::NotFound {
            kind: "controller",
            id: plan.receiver.slug.clone(),
        })?,
    })
}

/// The statements and notices `events` (and the mailing list's consent evidence) cite: every
/// format of each version, with its purpose, effective date, named controllers and text.
fn cited_texts(db: &Db, events: &[CarriedConsent], mailing_list: &[Vec<String>]) -> Result<Vec<serde_json::Value>> {
    let mut wanted: std::collections::BTreeSet<(&str, String)> = std::collections::BTreeSet::new();
    for e in events {
        wanted.extend(e.statement_version.iter().map(|v| ("statement", v.clone())));
        wanted.extend(e.notice_version.iter().map(|v| ("notice", v.clone())));
    }
    let evidence: Vec<serde_json::Value> = mailing_list
        .iter()
        .filter_map(|row| row.get(2).and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()))
        .map(|a| a["consent"].clone())
        .collect();
    for e in &evidence {
        for (kind, key) in [("statement", "statement_version"), ("notice", "notice_version")] {
            if let Some(v) = e[key].as_str() {
                wanted.insert((kind, v.to_string()));
            }
        }
    }
    let mut out = Vec::new();
    for kind in ["statement", "notice"] {
        let versions = catalogue::texts(db, kind)?;
        for (k, version) in wanted.iter().filter(|(k, _)| *k == kind) {
            for (format, sha256, text) in catalogue::text_bodies(db, k, version)? {
                let Some(v) = versions.iter().find(|t| t.version == *version && t.format.as_str() == format) else {
                    continue;
                };
                out.push(serde_json::json!({
                    "kind": kind, "version": version, "format": format, "purpose": v.purpose,
                    "effective_from": v.effective_from, "controllers": v.controllers, "sha256": sha256, "text": text,
                }));
            }
        }
    }
    Ok(out)
}
