//! The plan: one function decides, for a receiving controller and a date, everything that would
//! go — person by person, field by field, document by document — with a reason for everything held
//! back, and the blockers that stop a bundle. The bundle writes exactly this plan.
//!
//! The plan's digest covers every decision, the field lists, what was stripped, the documents'
//! redacted contents and the accounts; an approval records the digest, so any change to the plan
//! needs approving again.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::redact::{self, Redactor, Withheld};
use super::rules::{self, Decision, Decisions, Policy};
use super::sdc::{self, Table};
use crate::base::error::Result;
use crate::domain::model::{Designation, StakeholderGroup, fmt_ts};
use crate::register::suppression::keyed_hash;
use crate::register::{accounts, catalogue, documents, people, setting, transfers};

/// Every person field the register holds, in display order: a person's columns (without the
/// reference), their roles and their diversity answers.
pub static FIELDS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut f: Vec<&str> = crate::domain::people::COLUMNS.iter().copied().filter(|c| *c != "ref").collect();
    let at = f.iter().position(|c| *c == "hub").map_or(f.len(), |i| i + 1);
    f.insert(at, "roles");
    f.push("diversity");
    f
});
/// Fields that never go per person whatever a purpose lists: free text (may reveal health) and
/// diversity answers (aggregates only, R4).
pub const NEVER_PER_PERSON: &[&str] = &["notes", "diversity"];

/// What the caller asks for.
#[derive(Debug, Clone)]
pub struct Request {
    pub receiver: String,
    pub date: NaiveDate,
    pub pseudonymise: bool,
    /// Check stored documents by their size only and leave their SHA-256 to the caller, which
    /// reads them anyway (`bundle create` hashes every file as it writes it and refuses one whose
    /// digest is not the registered one): one read of each file instead of two.
    pub defer_file_hashes: bool,
}

/// The receiving controller as the plan shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Receiver {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub dsa_ref: Option<String>,
    pub dpia_ref: Option<String>,
}

/// A field stripped or generalised for one person (R3), never silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stripped {
    pub field: String,
    /// `generalised` (to the value in `to`) or `stripped`.
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub reason: String,
}

/// A role as it goes to the receiver.
#[derive(Debug, Clone, Serialize)]
pub struct RoleOut {
    pub role: crate::domain::model::RoleKind,
    pub hub: Option<String>,
    pub from: String,
    pub to: Option<String>,
    pub designation: Option<Designation>,
}

/// The consent evidence a mailing-list row rests on (Art 7(1)).
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub consent_id: String,
    pub statement_version: Option<String>,
    pub statement_sha256: Option<String>,
    pub notice_version: Option<String>,
    pub at: String,
    pub method: Option<String>,
    pub evidence_ref: Option<String>,
    pub controllers: Vec<String>,
}

/// One output's decision with what it carries.
#[derive(Debug, Clone, Serialize)]
pub struct Output {
    #[serde(flatten)]
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// One person's plan.
#[derive(Debug, Clone, Serialize)]
pub struct PersonPlan {
    pub id: crate::domain::model::PersonId,
    #[serde(rename = "ref")]
    pub reference: String,
    pub register: Output,
    pub mailing_list: Output,
    pub stripped: Vec<Stripped>,
    pub roles: Vec<RoleOut>,
}

/// A value that goes in a register row, by field.
pub type Row = BTreeMap<&'static str, serde_json::Value>;

/// A document's plan.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentPlan {
    pub id: crate::domain::model::DocumentId,
    pub file_name: String,
    pub category: String,
    pub classification: crate::domain::model::Classification,
    pub format: String,
    pub included: bool,
    /// Whether and how it goes.
    pub state: crate::domain::model::DocumentState,
    pub redactions: redact::Report,
    #[serde(skip)]
    pub redacted_sha256: Option<String>,
    /// Possible names of people in no register are redacted too (the reviewer's choice).
    pub redact_unknown_names: bool,
}

/// An account's plan: it goes, and the receiver must rotate it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountPlan {
    pub id: crate::domain::model::AccountId,
    pub service: String,
    pub url: String,
    pub personal_data: Option<String>,
    pub paid_by: Option<String>,
    pub paid_until: Option<String>,
    /// `password` or `admins`.
    pub access: crate::domain::model::AccountAccess,
    /// What the receiver must do, in words.
    pub rotation_task: String,
    /// Recovery details that still lead to the outgoing controller (its domain or its staff).
    pub recovery_flags: Vec<String>,
    /// A mailing service's audience goes whole: how many people with an email address the plan
    /// keeps off the mailing list (its audience may hold them), and when the data protection lead
    /// last checked the audience (`account audience-checked`). `None` for other services.
    pub audience: Option<Audience>,
}

/// What a mailing-service account's audience may carry beyond the plan.
#[derive(Debug, Clone, Serialize)]
pub struct Audience {
    pub held_back: usize,
    /// When its audience was checked, if since the last change to who is held back.
    pub checked_at: Option<String>,
}

/// Something that stops a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    pub code: &'static str,
    pub subject: String,
    pub message: String,
}

/// The fields each output carries and drops.
#[derive(Debug, Clone, Serialize)]
pub struct FieldLists {
    pub carried: Vec<String>,
    pub dropped: Vec<String>,
}

/// Totals.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub people: usize,
    pub register_included: usize,
    pub mailing_list_included: usize,
    pub register_by_reason: BTreeMap<String, usize>,
    pub mailing_list_by_reason: BTreeMap<String, usize>,
    pub fields_stripped: usize,
    pub special_category_records_included: usize,
    pub documents_included: usize,
    pub accounts: usize,
}

/// The whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub receiver: Receiver,
    pub from: String,
    pub date: String,
    pub at: String,
    pub objection_window_days: i64,
    pub digest: String,
    pub totals: Totals,
    pub fields: BTreeMap<String, FieldLists>,
    pub people: Vec<PersonPlan>,
    pub documents: Vec<DocumentPlan>,
    pub accounts: Vec<AccountPlan>,
    pub aggregates: Vec<Table>,
    pub blockers: Vec<Blocker>,
    pub approval: Option<transfers::Approval>,
    /// The data protection lead's reviews in force (the latest per person and reason).
    pub reviews: Vec<crate::register::reviews::Review>,
    /// Register rows of included people (carried fields only); not in the JSON plan.
    #[serde(skip)]
    pub rows: Vec<Row>,
    /// The redactor for this plan's documents.
    #[serde(skip)]
    pub redactor: std::sync::Arc<Redactor>,
}

fn lists(purpose_fields: &[String]) -> FieldLists {
    let carried: Vec<String> = FIELDS
        .iter()
        .filter(|f| purpose_fields.iter().any(|p| p == *f) && !NEVER_PER_PERSON.contains(f))
        .map(std::string::ToString::to_string)
        .collect();
    let dropped =
        FIELDS.iter().filter(|f| !carried.iter().any(|c| c == *f)).map(std::string::ToString::to_string).collect();
    FieldLists { carried, dropped }
}

mod digest;
mod docs;
pub mod explain;
mod facts;
mod governance;
mod own_list;
mod policy;

use digest::digest_of;
use docs::document_plan;
pub use docs::{
    file_digests, format_of, hash_file, read_source, redact_bytes, redactable, redacted_digest_streamed, streamed,
};
use facts::{Facts, facts};
pub use own_list::{LEFT_OUT_FIXABLE, own_mailing_list_with_left_out};
pub use policy::people_facts;
use policy::sides;

/// The pseudonym key for a receiver (stable for the register and receiver).
pub fn pseudonym_key(conn: &crate::register::Db, receiver: &str) -> Result<Vec<u8>> {
    Ok(hex::decode(keyed_hash(conn, &format!("pseudonym-key:{receiver}"))?).unwrap_or_default())
}

fn value(v: &Option<String>) -> serde_json::Value {
    v.as_ref().map_or(serde_json::Value::Null, |s| serde_json::Value::String(s.clone()))
}

/// Make the plan. Reads the register and the document files; writes nothing.
pub fn make(conn: &crate::register::Db, req: &Request) -> Result<Plan> {
    make_with(conn, req, true)
}

/// The redactor a plan would use, without redacting the documents to plan them (for previews,
/// which redact the documents they show themselves).
pub fn redactor(conn: &crate::register::Db, req: &Request) -> Result<std::sync::Arc<Redactor>> {
    Ok(make_with(conn, req, false)?.redactor)
}

fn make_with(conn: &crate::register::Db, req: &Request, with_documents: bool) -> Result<Plan> {
    let purposes = catalogue::purposes(conn)?;
    let (own, receiver, policy) = sides(conn, &req.receiver, req.date, &purposes)?;
    let at = policy.at;
    let k: u32 = setting(conn, "sdc_k")?.and_then(|s| s.parse().ok()).unwrap_or(sdc::DEFAULT_K);
    let purpose_fields =
        |code: &str| purposes.iter().find(|p| p.code == code).map(|p| p.fields.clone()).unwrap_or_default();
    let mut fields = BTreeMap::new();
    fields.insert("register".to_string(), lists(&purpose_fields("disclose_to_successor")));
    fields.insert("mailing_list".to_string(), lists(&purpose_fields("successor_newsletter")));
    let reg_fields = fields["register"].carried.clone();

    let people = people::people(conn)?;
    let Facts { of: facts, history: history_of, evidence: mut evidence_of } = facts(conn, &people)?;
    let roles = people::roles(conn, None)?;
    // Each person's roles, looked up once rather than scanned per person.
    let mut roles_of: HashMap<&str, Vec<&people::Role>> = HashMap::new();
    for r in &roles {
        roles_of.entry(r.person_id.as_str()).or_default().push(r);
    }

    let mut plans = Vec::new();
    let mut rows = Vec::new();
    let mut withheld = Vec::new();
    let mut keep_names = Vec::new();
    let mut special_included = 0;
    for p in &people {
        let f = &facts[p.id.as_str()];
        let Decisions { register, mailing_list } = rules::decide(f, &policy);
        let evidence =
            mailing_list.consent_id.as_ref().filter(|_| mailing_list.included).and_then(|id| evidence_of.remove(id));
        let mut stripped = Vec::new();
        let mut person_roles = Vec::new();
        if register.included {
            let health_ok = rules::designation_consented(f, &policy);
            let person_roles_in: &[&people::Role] = roles_of.get(p.id.as_str()).map_or(&[], Vec::as_slice);
            let history = history_of.get(p.id.as_str()).copied().unwrap_or_default();
            let (row, s, r, special) = register_row(p, &reg_fields, health_ok, person_roles_in, history);
            stripped = s;
            person_roles = r;
            special_included += special;
            rows.push(row);
            if let Some(n) = &p.name {
                keep_names.push(n.clone());
            }
        } else if !f.erased {
            withheld.push(Withheld {
                id: p.id.clone(),
                name: p.name.clone(),
                email: p.email.clone(),
                phone: p.phone.clone(),
            });
        }
        plans.push(PersonPlan {
            id: p.id.clone(),
            reference: p.reference.clone(),
            register: Output { decision: register, evidence: None },
            mailing_list: Output { decision: mailing_list, evidence },
            stripped,
            roles: person_roles,
        });
    }

    crate::base::drop_later(facts);
    // Documents.
    let key = if req.pseudonymise { Some(pseudonym_key(conn, &receiver.slug)?) } else { None };
    // Erased people too: their names, emails and phones are gone from the register, kept only as
    // keyed hashes for this.
    let erased = crate::transfer::redact::Erased::new(
        &crate::register::setting(conn, "hash_key")?.unwrap_or_default(),
        people::erased_identifiers(conn)?,
    );
    let redactor = Redactor::new(&withheld, &keep_names, key.as_deref()).with_erased(erased);
    let mut documents = Vec::new();
    let mut blockers = Vec::new();
    let docs = if with_documents { documents::documents(conn)? } else { Vec::new() };
    // Each document's review first (it may ask for possible names of people in no register to be
    // redacted too), then each document read and scanned once, then decided. (The redactor splits
    // a long text across the cores itself: scanning two documents at once gained nothing and held
    // twice the bytes.)
    let mut reviews = Vec::with_capacity(docs.len());
    for d in &docs {
        reviews.push(documents::latest_review(conn, &d.id, &receiver.slug)?);
    }
    let with_unknown = reviews
        .iter()
        .any(|r| r.as_ref().is_some_and(|r| r.redact_unknown_names))
        .then(|| redactor.clone().with_unknown_names(true));
    for (d, review) in docs.iter().zip(reviews) {
        let r = match (&with_unknown, review.as_ref().is_some_and(|r| r.redact_unknown_names)) {
            (Some(u), true) => u,
            _ => &redactor,
        };
        let scanned = docs::scan(d, r, req.defer_file_hashes);
        documents.push(document_plan(d, review, scanned, req.defer_file_hashes, &mut blockers));
    }

    let mut accounts = Vec::new();
    for a in accounts::accounts(conn)? {
        accounts.push(AccountPlan {
            recovery_flags: crate::records::recovery_on_outgoing(conn, &a)?,
            rotation_task: a.rotation_title(),
            id: a.id,
            service: a.service,
            url: a.url,
            personal_data: a.personal_data,
            paid_by: a.paid_by,
            paid_until: a.paid_until,
            access: a.access,
            audience: None,
        });
    }

    audiences(conn, &people, &plans, &mut accounts, &mut blockers)?;
    let aggregates = aggregates(conn, &people, k, at)?;

    let totals = totals(&plans, &documents, accounts.len(), special_included);

    let digest = digest_of(&receiver.slug, &fields, &plans, &documents, &accounts);
    let approval = transfers::latest_approval(conn, &receiver.slug)?;
    let approvers = crate::register::approvers::may_approve(conn)?;
    let assessments = crate::register::governance::assessments(conn)?;
    // One approval makes one bundle: the one it names, once.
    let made = match approval.as_ref().and_then(|a| a.bundle_id.as_deref()) {
        Some(id) => transfers::transfer(conn, id)?.map(|t| t.id.to_string()),
        None => None,
    };
    let approval_of = governance::Approved { approval: approval.as_ref(), made: made.as_deref() };
    blockers.extend(governance::blockers(&receiver, &own.slug, &digest, &approval_of, &approvers, &assessments));
    Ok(Plan {
        receiver: Receiver {
            slug: receiver.slug,
            name: receiver.name,
            kind: receiver.kind.to_string(),
            dsa_ref: receiver.dsa_ref,
            dpia_ref: receiver.dpia_ref,
        },
        from: own.slug,
        date: req.date.to_string(),
        at: fmt_ts(at),
        objection_window_days: policy.objection_window_days,
        digest,
        totals,
        fields,
        people: plans,
        documents,
        accounts,
        aggregates,
        blockers,
        approval,
        reviews: crate::register::reviews::latest(conn)?,
        rows,
        redactor: std::sync::Arc::new(redactor),
    })
}

/// The plan's totals: people, decisions by reason, fields stripped, special-category values that
/// went, documents and accounts.
/// A mailing service handed over carries its whole audience: with anyone held back from the
/// mailing list, the data protection lead checks it first (cleans them out, or exports and deletes
/// the audience), after the last change to who is held back.
fn audiences(
    conn: &crate::register::Db,
    people: &[people::Person],
    plans: &[PersonPlan],
    accounts: &mut [AccountPlan],
    blockers: &mut Vec<Blocker>,
) -> Result<()> {
    if !accounts.iter().any(|a| accounts::MAILING_SERVICES.contains(&a.service.as_str())) {
        return Ok(());
    }
    let emailed: std::collections::HashSet<&str> =
        people.iter().filter(|p| p.email.is_some()).map(|p| p.id.as_str()).collect();
    let held_back =
        plans.iter().filter(|p| !p.mailing_list.decision.included && emailed.contains(p.id.as_str())).count();
    let checked = accounts::audience_checked(conn)?;
    let changed = accounts::last_decision_change(conn)?.unwrap_or_default();
    for a in accounts.iter_mut().filter(|a| accounts::MAILING_SERVICES.contains(&a.service.as_str())) {
        let checked_at = checked.get(a.id.as_str()).filter(|at| **at >= changed).cloned();
        if held_back > 0 && checked_at.is_none() {
            blockers.push(Blocker {
                code: "audience_unchecked",
                subject: a.id.to_string(),
                message: format!(
                    "the {} account goes with its whole audience, which may hold {held_back} people the plan keeps off the mailing list: clean them out of it, or export and delete it, then `handover account audience-checked {} --how cleaned --note TEXT`",
                    a.service, a.id
                ),
            });
        }
        a.audience = Some(Audience { held_back, checked_at });
    }
    Ok(())
}

fn totals(plans: &[PersonPlan], documents: &[DocumentPlan], accounts: usize, special_included: usize) -> Totals {
    let mut totals = Totals {
        people: plans.len(),
        register_included: 0,
        mailing_list_included: 0,
        register_by_reason: BTreeMap::new(),
        mailing_list_by_reason: BTreeMap::new(),
        fields_stripped: plans.iter().map(|p| p.stripped.len()).sum(),
        special_category_records_included: special_included,
        documents_included: documents.iter().filter(|d| d.included).count(),
        accounts,
    };
    for p in plans {
        totals.register_included += usize::from(p.register.decision.included);
        totals.mailing_list_included += usize::from(p.mailing_list.decision.included);
        *totals.register_by_reason.entry(p.register.decision.reason.to_string()).or_default() += 1;
        *totals.mailing_list_by_reason.entry(p.mailing_list.decision.reason.to_string()).or_default() += 1;
    }

    totals
}

/// The register row of a person who goes: the fields the disclosure purpose carries, with a
/// stakeholder group or role designation that reveals health generalised or stripped unless an
/// explicit consent names health and the receiver (`health_ok`); their roles; and their consent
/// history's support notes and authority references marked as stripped (`history`: whether they
/// have any). Returns the row, what was stripped and why, the roles that go, and how many
/// special-category values went.
/// Why a special-category value did not go (R3).
fn special_reason(value: &str) -> String {
    if value == "family_carer" {
        "family_carer reveals a relative's health, which the member cannot consent to for them: never goes".into()
    } else {
        format!(
            "{value} reveals health; no explicit consent to the {} names health and the receiver",
            rules::DESIGNATION_PURPOSE
        )
    }
}

fn register_row(
    p: &people::Person,
    reg_fields: &[String],
    health_ok: bool,
    roles: &[&people::Role],
    history: (bool, bool),
) -> (Row, Vec<Stripped>, Vec<RoleOut>, usize) {
    let mut stripped = Vec::new();
    let mut person_roles = Vec::new();
    let mut special_included = 0;
    let mut row = Row::new();
    row.insert("id", p.id.clone().into());
    row.insert("ref", p.reference.clone().into());
    // Every carried field but the stakeholder group is the person's detail as it is.
    let details = serde_json::to_value(&p.details).unwrap_or_default();
    for field in reg_fields {
        let Some(key) = FIELDS.iter().copied().find(|f| f == field) else { continue };
        let v = match key {
            "stakeholder_group" => {
                let g = p.stakeholder_group;
                let may_go = g != Some(StakeholderGroup::FamilyCarer) && health_ok;
                if g.is_some_and(StakeholderGroup::is_special) && !may_go {
                    stripped.push(Stripped {
                        field: "stakeholder_group".into(),
                        action: "generalised",
                        to: Some("member".into()),
                        reason: special_reason(g.map_or("", StakeholderGroup::as_str)),
                    });
                    "member".into()
                } else {
                    if g.is_some_and(StakeholderGroup::is_special) {
                        special_included += 1;
                    }
                    value(&g.map(|g| g.as_str().to_string()))
                }
            }
            _ => match details.get(key) {
                Some(v) => v.clone(),
                None => continue,
            },
        };
        row.insert(key, v);
    }
    if reg_fields.iter().any(|f| f == "roles") {
        for r in roles {
            let mut designation = r.designation;
            if designation.is_some_and(Designation::is_special) {
                if health_ok && designation != Some(Designation::FamilyCarer) {
                    special_included += 1;
                } else {
                    stripped.push(Stripped {
                        field: "roles.designation".into(),
                        action: "stripped",
                        to: None,
                        reason: special_reason(designation.map_or("", Designation::as_str)),
                    });
                    designation = None;
                }
            }
            person_roles.push(RoleOut {
                role: r.role,
                hub: r.hub.clone(),
                from: r.from.clone(),
                to: r.to.clone(),
                designation,
            });
        }
        row.insert("roles", serde_json::to_value(&person_roles).unwrap_or_default());
    }
    // Consent history goes without support notes or proxy authority references (they reveal capacity).
    let (support, authority) = history;
    if support {
        stripped.push(Stripped {
            field: "consent_history.support_given".into(),
            action: "stripped",
            to: None,
            reason: "reveals capacity".into(),
        });
    }
    if authority {
        stripped.push(Stripped {
            field: "consent_history.authority_ref".into(),
            action: "stripped",
            to: None,
            reason: "reveals capacity; only the kind of authority and when it was verified go".into(),
        });
    }
    (row, stripped, person_roles, special_included)
}

fn aggregates(conn: &crate::register::Db, people: &[people::Person], k: u32, at: DateTime<Utc>) -> Result<Vec<Table>> {
    let live: Vec<&people::Person> = people.iter().filter(|p| p.erased_at.is_none()).collect();
    let mut groups: Vec<(String, u32)> = StakeholderGroup::ALL.iter().map(|g| (g.as_str().to_string(), 0)).collect();
    groups.push(("not_recorded".into(), 0));
    for p in &live {
        let g = p.stakeholder_group.map_or("not_recorded", StakeholderGroup::as_str);
        if let Some(c) = groups.iter_mut().find(|(n, _)| *n == g) {
            c.1 += 1;
        }
    }
    let mut tables = vec![sdc::protect("stakeholder_group", &groups, k)];
    // Only people with diversity answers need their consent checked.
    let answered: std::collections::HashSet<String> = people::people_with_diversity(conn)?.into_iter().collect();
    let live: Vec<&people::Person> = live.into_iter().filter(|p| answered.contains(p.id.as_str())).collect();
    for cat in ["ethnicity", "disability", "religion", "sexual_orientation", "health"] {
        let mut values: BTreeMap<String, u32> = BTreeMap::new();
        for p in &live {
            let category = crate::domain::model::SpecialCategory::parse(cat)
                .unwrap_or(crate::domain::model::SpecialCategory::Health);
            if crate::records::diversity_consent(conn, p, category, at)?.is_none() {
                continue;
            }
            if let Some((_, v)) = people::diversity(conn, &p.id)?.into_iter().find(|(c, _)| c == cat) {
                *values.entry(v).or_default() += 1;
            }
        }
        if values.is_empty() {
            continue;
        }
        tables.push(sdc::protect(&format!("diversity.{cat}"), &values.into_iter().collect::<Vec<_>>(), k));
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    /// The digest as it was first defined: the canonical JSON built as a `serde_json::Value`.
    /// Approvals recorded with it must still match, so the streamed form must give the same bytes.
    fn digest_by_value(
        receiver: &str,
        fields: &BTreeMap<String, FieldLists>,
        people: &[PersonPlan],
        documents: &[DocumentPlan],
        accounts: &[AccountPlan],
    ) -> String {
        let doc: Vec<serde_json::Value> =
            documents.iter().map(|d| serde_json::json!([d.id, d.included, d.state, d.redacted_sha256])).collect();
        let canonical = serde_json::json!({
            "receiver": receiver,
            "fields": fields,
            "people": people.iter().map(|p| serde_json::json!([p.id, p.register.decision, p.mailing_list.decision, p.stripped])).collect::<Vec<_>>(),
            "documents": doc,
            "accounts": accounts.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
        });
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }

    #[test]
    fn the_streamed_digest_is_the_value_digest() {
        let out = |included, reason, consent_id: Option<&str>| Output {
            decision: Decision { included, reason, consent_id: consent_id.map(String::from) },
            evidence: None,
        };
        let people = [
            PersonPlan {
                id: "per_1".into(),
                reference: "M1".into(),
                register: out(true, "consent_names_receiver", Some("con_1")),
                mailing_list: out(false, "no_email", None),
                stripped: vec![
                    Stripped {
                        field: "stakeholder_group".into(),
                        action: "generalised",
                        to: Some("member".into()),
                        reason: "reveals \"health\"\n".into(),
                    },
                    Stripped {
                        field: "roles.designation".into(), action: "stripped", to: None, reason: "é ✓".into()
                    },
                ],
                roles: Vec::new(),
            },
            PersonPlan {
                id: "per_2".into(),
                reference: "M2".into(),
                register: out(false, "objected", None),
                mailing_list: out(true, "consent_names_receiver", Some("con_2")),
                stripped: Vec::new(),
                roles: Vec::new(),
            },
        ];
        let doc = |id: &str, included, sha: Option<&str>| DocumentPlan {
            id: id.into(),
            file_name: "f.txt".into(),
            category: "minutes".into(),
            classification: crate::domain::model::Classification::Personal,
            format: "txt".into(),
            included,
            state: crate::domain::model::DocumentState::Redacted,
            redactions: redact::Report::new(),
            redacted_sha256: sha.map(String::from),
            redact_unknown_names: false,
        };
        let documents = [doc("doc_1", true, Some("ab")), doc("doc_2", false, None)];
        let accounts = [AccountPlan {
            id: "acc_1".into(),
            service: "s".into(),
            url: "u".into(),
            personal_data: None,
            paid_by: None,
            paid_until: None,
            access: crate::domain::model::AccountAccess::Password,
            rotation_task: "rotate".into(),
            recovery_flags: Vec::new(),
            audience: None,
        }];
        let mut fields = BTreeMap::new();
        fields
            .insert("register".to_string(), FieldLists { carried: vec!["name".into()], dropped: vec!["notes".into()] });
        fields.insert("mailing_list".to_string(), FieldLists { carried: vec![], dropped: vec!["phone".into()] });
        for (p, d, a) in [(&people[..], &documents[..], &accounts[..]), (&[][..], &[][..], &[][..])] {
            assert_eq!(digest_of("sg", &fields, p, d, a), digest_by_value("sg", &fields, p, d, a));
        }
    }

    /// A register row carries exactly the purpose's fields, as the person has them, with a group
    /// that reveals health generalised when no explicit consent covers it.
    #[test]
    fn a_register_row_carries_the_fields_as_they_are() {
        let p = people::Person {
            id: "per_000000000001".into(),
            reference: "M0001".into(),
            details: crate::domain::people::Details {
                name: Some("Ann Example".into()),
                email: Some("ann@example.org".into()),
                email_norm: Some("ann@example.org".into()),
                phone: None,
                stakeholder_group: Some(StakeholderGroup::LivedExperience),
                jurisdiction: crate::domain::model::Jurisdiction::EnglandWales,
                adult_confirmed: true,
                joined_on: Some("2024-03-01".into()),
                notes: Some("never goes".into()),
                ..crate::domain::people::Details::default()
            },
            created_at: "2026-01-01T00:00:00Z".into(),
            erased_at: None,
        };
        let fields: Vec<String> =
            ["name", "email", "phone", "stakeholder_group", "jurisdiction", "adult_confirmed", "joined_on"]
                .iter()
                .map(|f| (*f).to_string())
                .collect();
        let (row, stripped, roles, special) = register_row(&p, &fields, false, &[], (false, false));
        let row = serde_json::to_value(&row).unwrap();
        assert_eq!(
            row,
            serde_json::json!({
                "id": "per_000000000001", "ref": "M0001", "name": "Ann Example", "email": "ann@example.org",
                "phone": null, "stakeholder_group": "member", "jurisdiction": "england_wales",
                "adult_confirmed": true, "joined_on": "2024-03-01"
            })
        );
        assert_eq!(stripped.len(), 1);
        assert_eq!(stripped[0].field, "stakeholder_group");
        assert!(roles.is_empty());
        assert_eq!(special, 0);
        let (row, stripped, _, special) = register_row(&p, &fields, true, &[], (false, false));
        assert_eq!(row["stakeholder_group"], "lived_experience");
        assert!(stripped.is_empty());
        assert_eq!(special, 1);
    }
}
