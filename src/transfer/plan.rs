//! The plan: one function decides, for a receiving controller and a date, everything that would
//! go — person by person, field by field, document by document — with a reason for everything held
//! back, and the blockers that stop a bundle. The bundle writes exactly this plan.
//!
//! The plan's digest covers every decision, the field lists, what was stripped, the documents'
//! redacted contents and the accounts; an approval records the digest, so any change to the plan
//! needs approving again.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::redact::{self, Redactor, Withheld};
use super::rules::{self, BasisFact, ConsentFact, Decision, Decisions, NoticeFact, PersonFacts, Policy};
use super::sdc::{self, Table};
use crate::error::{Error, Result};
use crate::model::{Designation, StakeholderGroup, fmt_ts, parse_timestamp};
use crate::register::suppression::keyed_hash;
use crate::register::{accounts, catalogue, documents, evidence, people, setting, transfers};

/// Every person field the register holds, in display order.
pub const FIELDS: &[&str] = &[
    "name",
    "email",
    "phone",
    "organisation",
    "stakeholder_group",
    "hub",
    "roles",
    "jurisdiction",
    "adult_confirmed",
    "source",
    "joined_on",
    "notes",
    "diversity",
];
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
    pub role: String,
    pub hub: Option<String>,
    pub from: String,
    pub to: Option<String>,
    pub designation: Option<String>,
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
    pub id: String,
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
    pub id: String,
    pub file_name: String,
    pub category: String,
    pub classification: String,
    pub format: String,
    pub included: bool,
    /// as_is, redacted, redacted_copy, reviewed_withhold, not_reviewed, review_out_of_date, changed_on_disk, missing.
    pub state: String,
    pub redactions: redact::Report,
    #[serde(skip)]
    pub redacted_sha256: Option<String>,
}

/// An account's plan: it goes, and the receiver must rotate it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountPlan {
    pub id: String,
    pub service: String,
    pub url: String,
    pub personal_data: Option<String>,
    pub paid_by: Option<String>,
    pub paid_until: Option<String>,
    pub rotation_task: &'static str,
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
    /// Register rows of included people (carried fields only); not in the JSON plan.
    #[serde(skip)]
    pub rows: Vec<Row>,
    /// The redactor for this plan's documents.
    #[serde(skip)]
    pub redactor: std::sync::Arc<Redactor>,
}

/// The stable list of reason codes with their meaning.
pub fn reason_codes() -> &'static [(&'static str, &'static str)] {
    rules::REASONS
}

fn lists(purpose_fields: &[String]) -> FieldLists {
    let carried: Vec<String> = FIELDS
        .iter()
        .filter(|f| purpose_fields.iter().any(|p| p == *f) && !NEVER_PER_PERSON.contains(f))
        .map(|f| f.to_string())
        .collect();
    let dropped = FIELDS.iter().filter(|f| !carried.iter().any(|c| c == *f)).map(|f| f.to_string()).collect();
    FieldLists { carried, dropped }
}

/// The format of a file, from its name.
pub fn format_of(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "txt" | "text" => "txt",
        "md" | "markdown" => "md",
        "csv" => "csv",
        "html" | "htm" => "html",
        "json" => "json",
        "docx" => "docx",
        "pdf" => "pdf",
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "tif" | "tiff" => "image",
        "mp4" | "mov" | "avi" | "mkv" | "webm" | "mp3" | "wav" | "m4a" => "video",
        "pptx" | "ppt" => "pptx",
        _ => "other",
    }
}

/// Whether the tool can redact a format itself.
pub fn redactable(format: &str) -> bool {
    matches!(format, "txt" | "md" | "csv" | "html" | "json" | "docx")
}

/// Redact a document's bytes. Text must be UTF-8; JSON must still parse afterwards.
pub fn redact_bytes(format: &str, bytes: &[u8], r: &Redactor) -> Result<(Vec<u8>, Vec<super::docx::PartFinding>)> {
    if format == "docx" {
        return super::docx::redact(bytes, r);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| Error::Internal("document is not UTF-8 text".into()))?;
    let (out, f) = r.redact(text);
    if format == "json"
        && serde_json::from_str::<serde_json::Value>(text).is_ok()
        && serde_json::from_str::<serde_json::Value>(&out).is_err()
    {
        return Err(Error::Internal("redaction broke the JSON document".into()));
    }
    Ok((out.into_bytes(), f.into_iter().map(|f| (String::new(), f)).collect()))
}

/// The pseudonym key for a receiver (stable for the register and receiver).
pub fn pseudonym_key(conn: &crate::register::Db, receiver: &str) -> Result<Vec<u8>> {
    Ok(hex::decode(keyed_hash(conn, &format!("pseudonym-key:{receiver}"))?).unwrap_or_default())
}

/// What the rules read, for every person; whose consent history carries support notes or
/// authority references (stripped from what goes); and the evidence of every consent to the
/// mailing list's purpose, by consent id.
struct Facts {
    of: HashMap<String, PersonFacts>,
    history: HashMap<String, (bool, bool)>,
    evidence: HashMap<String, Evidence>,
}

/// The purpose whose consent puts a person on the mailing list that goes.
const MAILING_LIST_PURPOSE: &str = "successor_newsletter";

/// Consent rows copied out of SQLite, for another thread: the text of a batch of rows in one
/// buffer (checked to be UTF-8 once, there), and each row's fields as spans of it.
#[derive(Default)]
struct RowBatch {
    text: Vec<u8>,
    rows: Vec<(Spans, bool)>,
}

/// Where each text field of a [`evidence::ConsentRow`] is in a batch's text (`None` for NULL).
type Spans = [Option<(u32, u32)>; 13];

impl RowBatch {
    const ROWS: usize = 4096;

    fn push(&mut self, c: &evidence::ConsentRowBytes<'_>) {
        let text = &mut self.text;
        let spans = c.text.map(|f| {
            f.map(|v| {
                let start = text.len() as u32;
                text.extend_from_slice(v);
                (start, text.len() as u32)
            })
        });
        self.rows.push((spans, c.has_authority_ref));
    }

    /// Row `i`, reading `text` (this batch's text, checked); `None` if a field does not fall on
    /// character boundaries (its own bytes were not UTF-8).
    fn row<'a>(&self, text: &'a str, i: usize) -> Option<evidence::ConsentRow<'a>> {
        let (spans, has_authority_ref) = &self.rows[i];
        let mut fields = [None; 13];
        for (f, span) in fields.iter_mut().zip(spans) {
            if let Some((a, b)) = span {
                *f = Some(text.get(*a as usize..*b as usize)?);
            }
        }
        Some(evidence::ConsentRow::from_fields(fields, *has_authority_ref))
    }
}

/// Turns consent rows into each person's facts.
struct FactsBuilder {
    map: HashMap<String, PersonFacts>,
    history: HashMap<String, (bool, bool)>,
    evidence: HashMap<String, Evidence>,
    // Purposes and controller lists repeat across a million events: each distinct one is kept once.
    purposes: HashMap<String, std::sync::Arc<str>>,
    lists: HashMap<String, std::sync::Arc<[String]>>,
    /// A batch whose text was not UTF-8 (the register was written by something else).
    not_utf8: bool,
}

impl FactsBuilder {
    fn new(map: HashMap<String, PersonFacts>) -> FactsBuilder {
        FactsBuilder {
            map,
            history: HashMap::new(),
            evidence: HashMap::new(),
            purposes: HashMap::new(),
            lists: HashMap::new(),
            not_utf8: false,
        }
    }

    fn add(&mut self, c: evidence::ConsentRow<'_>) {
        if c.purpose == MAILING_LIST_PURPOSE {
            let owned = |v: Option<&str>| v.map(str::to_string);
            let e = Evidence {
                consent_id: c.id.to_string(),
                statement_version: owned(c.statement_version),
                statement_sha256: owned(c.statement_sha256),
                notice_version: owned(c.notice_version),
                at: c.at.to_string(),
                method: owned(c.method),
                evidence_ref: owned(c.evidence_ref),
                controllers: crate::register::parse_list(c.controllers),
            };
            self.evidence.insert(e.consent_id.clone(), e);
        }
        if c.support_given.is_some() || c.has_authority_ref {
            let e = self.history.entry(c.person_id.to_string()).or_default();
            e.0 |= c.support_given.is_some();
            e.1 |= c.has_authority_ref;
        }
        let Some(f) = self.map.get_mut(c.person_id) else { return };
        let (Some(action), Some(at)) = (crate::model::ConsentAction::parse(c.action), parse_timestamp(c.at)) else {
            return;
        };
        let purpose = match self.purposes.get(c.purpose) {
            Some(p) => p.clone(),
            None => self.purposes.entry(c.purpose.to_string()).or_insert_with(|| c.purpose.into()).clone(),
        };
        let controllers = match self.lists.get(c.controllers) {
            Some(l) => l.clone(),
            None => self
                .lists
                .entry(c.controllers.to_string())
                .or_insert_with(|| crate::register::parse_list(c.controllers).into())
                .clone(),
        };
        f.consents.push(ConsentFact {
            id: c.id.to_string(),
            purpose,
            view: crate::consent::EventView { action, controllers, at },
            support_given: c.support_given.map(str::to_string),
            special_categories: crate::register::parse_list(c.special_categories),
        });
    }
}

/// Gather the facts the rules read, for every person.
fn facts(conn: &crate::register::Db, people: &[people::Person]) -> Result<Facts> {
    let mut announces: HashMap<String, Vec<String>> = HashMap::new();
    for t in catalogue::texts(conn, "notice")? {
        announces.entry(t.version).or_default().extend(t.announces);
    }
    let mut map: HashMap<String, PersonFacts> = HashMap::with_capacity(people.len());
    let suppression = crate::register::suppression::Suppression::snapshot(conn)?;
    for p in people {
        let suppressed = match &p.email_norm {
            Some(e) => suppression.check(e).is_some(),
            None => false,
        };
        map.insert(
            p.id.clone(),
            PersonFacts {
                erased: p.erased_at.is_some(),
                adult_confirmed: p.adult_confirmed,
                jurisdiction: p.jurisdiction.clone(),
                has_email: p.email.is_some(),
                suppressed,
                ..PersonFacts::default()
            },
        );
    }
    // A million events at scale: this thread steps SQLite and copies each row into a batch; a
    // second turns the batches into each person's facts, so the two halves of the work overlap.
    let builder = FactsBuilder::new(map);
    let FactsBuilder { mut map, history, evidence, .. } = std::thread::scope(|s| -> Result<FactsBuilder> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<RowBatch>(4);
        let worker = s.spawn(move || {
            let mut builder = builder;
            for batch in rx {
                let Ok(text) = std::str::from_utf8(&batch.text) else {
                    builder.not_utf8 = true;
                    continue;
                };
                for i in 0..batch.rows.len() {
                    match batch.row(text, i) {
                        Some(row) => builder.add(row),
                        None => builder.not_utf8 = true,
                    }
                }
            }
            builder
        });
        let mut batch = RowBatch::default();
        let stopped = || Error::Internal("the thread reading consent events stopped".into());
        let read = evidence::each_consent_row(conn, MAILING_LIST_PURPOSE, |c| {
            batch.push(&c);
            if batch.rows.len() == RowBatch::ROWS {
                tx.send(std::mem::take(&mut batch)).map_err(|_| stopped())?;
            }
            Ok(())
        });
        let last = if batch.rows.is_empty() { Ok(()) } else { tx.send(batch).map_err(|_| stopped()) };
        drop(tx);
        let builder = worker.join().map_err(|_| stopped())?;
        read?;
        last?;
        if builder.not_utf8 {
            return Err(Error::Internal("a consent event in the register is not UTF-8 text".into()));
        }
        Ok(builder)
    })?;
    for b in evidence::bases(conn, None)? {
        if let (Some(at), Some(f)) = (parse_timestamp(&b.decided_at), map.get_mut(&b.person_id)) {
            f.bases.push(BasisFact {
                purpose: b.purpose,
                action: b.action,
                basis: b.basis,
                controllers: b.controllers,
                assessment_ref: b.assessment_ref,
                at,
            });
        }
    }
    for n in evidence::notices_sent(conn, None)? {
        if let (Some(at), Some(f)) = (parse_timestamp(&n.sent_at), map.get_mut(&n.person_id)) {
            f.notices.push(NoticeFact {
                announces: announces.get(&n.notice_version).cloned().unwrap_or_default(),
                version: n.notice_version,
                sent_at: at,
            });
        }
    }
    Ok(Facts { of: map, history, evidence })
}

fn value(v: &Option<String>) -> serde_json::Value {
    v.as_ref().map_or(serde_json::Value::Null, |s| serde_json::Value::String(s.clone()))
}

/// Make the plan. Reads the register and the document files; writes nothing.
pub fn make(conn: &crate::register::Db, req: &Request, now: DateTime<Utc>) -> Result<Plan> {
    make_with(conn, req, now, true)
}

/// The redactor a plan would use, without redacting the documents to plan them (for previews,
/// which redact the documents they show themselves).
pub fn redactor(conn: &crate::register::Db, req: &Request, now: DateTime<Utc>) -> Result<std::sync::Arc<Redactor>> {
    Ok(make_with(conn, req, now, false)?.redactor)
}

fn make_with(conn: &crate::register::Db, req: &Request, now: DateTime<Utc>, with_documents: bool) -> Result<Plan> {
    let own = catalogue::self_controller(conn)?;
    let receiver = catalogue::controller(conn, &req.receiver)?
        .ok_or_else(|| Error::NotFound { kind: "controller", id: req.receiver.clone() })?;
    if receiver.is_self {
        return Err(Error::bad("--to", "that is this register's own controller: name the receiving controller"));
    }
    let at = rules::end_of_day_london(req.date);
    let window: i64 = setting(conn, "objection_window_days")?.and_then(|s| s.parse().ok()).unwrap_or(28);
    let k: u32 = setting(conn, "sdc_k")?.and_then(|s| s.parse().ok()).unwrap_or(sdc::DEFAULT_K);
    let purposes = catalogue::purposes(conn)?;
    let refresh = purposes.iter().map(|p| (p.code.clone(), p.refresh_months)).collect();
    let policy =
        Policy { receiver: receiver.slug.clone(), own: own.slug.clone(), at, objection_window_days: window, refresh };
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
        let f = &facts[&p.id];
        let Decisions { register, mailing_list } = rules::decide(f, &policy);
        let evidence =
            mailing_list.consent_id.as_ref().filter(|_| mailing_list.included).and_then(|id| evidence_of.remove(id));
        let mut stripped = Vec::new();
        let mut person_roles = Vec::new();
        if register.included {
            let health_ok = rules::explicit_consent_for(f, "health", &policy);
            let mut row = Row::new();
            row.insert("id", p.id.clone().into());
            row.insert("ref", p.reference.clone().into());
            for field in &reg_fields {
                let (key, v) = match field.as_str() {
                    "name" => ("name", value(&p.name)),
                    "email" => ("email", value(&p.email)),
                    "phone" => ("phone", value(&p.phone)),
                    "organisation" => ("organisation", value(&p.organisation)),
                    "hub" => ("hub", value(&p.hub)),
                    "source" => ("source", value(&p.source)),
                    "joined_on" => ("joined_on", value(&p.joined_on)),
                    "jurisdiction" => ("jurisdiction", p.jurisdiction.clone().into()),
                    "adult_confirmed" => ("adult_confirmed", p.adult_confirmed.into()),
                    "stakeholder_group" => ("stakeholder_group", {
                        let g = p.stakeholder_group.clone();
                        if g.as_deref().and_then(StakeholderGroup::parse).is_some_and(StakeholderGroup::is_special)
                            && !health_ok
                        {
                            stripped.push(Stripped {
                                field: "stakeholder_group".into(),
                                action: "generalised",
                                to: Some("member".into()),
                                reason: format!(
                                    "{} reveals health; no explicit consent names health and the receiver",
                                    g.clone().unwrap_or_default()
                                ),
                            });
                            "member".into()
                        } else {
                            if g.as_deref().and_then(StakeholderGroup::parse).is_some_and(StakeholderGroup::is_special)
                            {
                                special_included += 1;
                            }
                            value(&g)
                        }
                    }),
                    _ => continue,
                };
                row.insert(key, v);
            }
            if reg_fields.iter().any(|f| f == "roles") {
                for r in roles_of.get(p.id.as_str()).into_iter().flatten() {
                    let mut designation = r.designation.clone();
                    if designation.as_deref().and_then(Designation::parse).is_some_and(Designation::is_special) {
                        if health_ok {
                            special_included += 1;
                        } else {
                            stripped.push(Stripped {
                                field: "roles.designation".into(),
                                action: "stripped",
                                to: None,
                                reason: format!(
                                    "{} reveals health; no explicit consent names health and the receiver",
                                    designation.clone().unwrap_or_default()
                                ),
                            });
                            designation = None;
                        }
                    }
                    person_roles.push(RoleOut {
                        role: r.role.clone(),
                        hub: r.hub.clone(),
                        from: r.from.clone(),
                        to: r.to.clone(),
                        designation,
                    });
                }
                row.insert("roles", serde_json::to_value(&person_roles).unwrap_or_default());
            }
            // Consent history goes without support notes or proxy authority references (they reveal capacity).
            let (support, authority) = history_of.get(p.id.as_str()).copied().unwrap_or_default();
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

    crate::drop_later(facts);
    // Documents.
    let key = if req.pseudonymise { Some(pseudonym_key(conn, &receiver.slug)?) } else { None };
    let redactor = Redactor::new(&withheld, &keep_names, key.as_deref());
    let mut documents = Vec::new();
    let mut blockers = Vec::new();
    for d in documents::documents(conn)?.into_iter().filter(|_| with_documents) {
        documents.push(document_plan(conn, &d, &receiver.slug, &redactor, req.defer_file_hashes, &mut blockers)?);
    }

    let accounts: Vec<AccountPlan> = accounts::accounts(conn)?
        .into_iter()
        .map(|a| AccountPlan {
            id: a.id,
            service: a.service,
            url: a.url,
            personal_data: a.personal_data,
            paid_by: a.paid_by,
            paid_until: a.paid_until,
            rotation_task: "rotate password, recovery email and phone, two-factor; remove outgoing admins",
        })
        .collect();

    let aggregates = aggregates(conn, &people, k, at)?;

    let mut totals = Totals {
        people: plans.len(),
        register_included: 0,
        mailing_list_included: 0,
        register_by_reason: BTreeMap::new(),
        mailing_list_by_reason: BTreeMap::new(),
        fields_stripped: plans.iter().map(|p| p.stripped.len()).sum(),
        special_category_records_included: special_included,
        documents_included: documents.iter().filter(|d| d.included).count(),
        accounts: accounts.len(),
    };
    for p in &plans {
        totals.register_included += usize::from(p.register.decision.included);
        totals.mailing_list_included += usize::from(p.mailing_list.decision.included);
        *totals.register_by_reason.entry(p.register.decision.reason.to_string()).or_default() += 1;
        *totals.mailing_list_by_reason.entry(p.mailing_list.decision.reason.to_string()).or_default() += 1;
    }

    let digest = digest_of(&receiver.slug, &fields, &plans, &documents, &accounts);
    if receiver.dsa_ref.is_none() {
        blockers.push(Blocker {
            code: "no_data_sharing_agreement",
            subject: receiver.slug.clone(),
            message: format!(
                "no data sharing agreement reference is recorded: `handover controller edit {} --dsa-ref REF`",
                receiver.slug
            ),
        });
    }
    if receiver.dpia_ref.is_none() {
        blockers.push(Blocker {
            code: "no_dpia",
            subject: receiver.slug.clone(),
            message: format!(
                "no DPIA reference is recorded: `handover controller edit {} --dpia-ref REF`",
                receiver.slug
            ),
        });
    }
    let approval = transfers::latest_approval(conn, &receiver.slug)?;
    match &approval {
        Some(a) if a.digest == digest => {}
        Some(_) => blockers.push(Blocker {
            code: "approval_out_of_date",
            subject: receiver.slug.clone(),
            message: format!("the plan changed since the data protection lead approved it: `handover transfer approve --to {} --approver NAME`", receiver.slug),
        }),
        None => blockers.push(Blocker {
            code: "not_approved",
            subject: receiver.slug.clone(),
            message: format!("the data protection lead has not approved this plan: `handover transfer approve --to {} --approver NAME`", receiver.slug),
        }),
    }
    let _ = now;
    Ok(Plan {
        receiver: Receiver {
            slug: receiver.slug,
            name: receiver.name,
            kind: receiver.kind,
            dsa_ref: receiver.dsa_ref,
            dpia_ref: receiver.dpia_ref,
        },
        from: own.slug,
        date: req.date.to_string(),
        at: fmt_ts(at),
        objection_window_days: window,
        digest,
        totals,
        fields,
        people: plans,
        documents,
        accounts,
        aggregates,
        blockers,
        approval,
        rows,
        redactor: std::sync::Arc::new(redactor),
    })
}

fn digest_of(
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

/// A writer into a SHA-256.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The SHA-256 of a file, read in pieces (memory stays flat), or `None` when it cannot be read.
pub fn hash_file(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match std::io::Read::read(&mut f, &mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(hex::encode(h.finalize()))
}

/// Read a file and its SHA-256, or `None` when it cannot be read.
pub fn read_source(path: &Path) -> Option<(Vec<u8>, String)> {
    let bytes = std::fs::read(path).ok()?;
    let sha = hex::encode(Sha256::digest(&bytes));
    Some((bytes, sha))
}

fn document_plan(
    conn: &crate::register::Db,
    d: &documents::Document,
    receiver: &str,
    r: &Redactor,
    defer: bool,
    blockers: &mut Vec<Blocker>,
) -> Result<DocumentPlan> {
    let mut plan = DocumentPlan {
        id: d.id.clone(),
        file_name: d.file_name.clone(),
        category: d.category.clone(),
        classification: d.classification.clone(),
        format: d.format.clone(),
        included: false,
        state: String::new(),
        redactions: redact::Report::new(),
        redacted_sha256: None,
    };
    let block = |blockers: &mut Vec<Blocker>, code: &'static str, msg: String| {
        blockers.push(Blocker { code, subject: d.id.clone(), message: msg })
    };
    // Deferred: a file of the registered size stands for the registered digest here; the caller
    // hashes it and refuses a mismatch. Redactable files are read below, so they are hashed now.
    let deferred = defer && !(redactable(&d.format) && d.classification != "none");
    let sha = if deferred {
        std::fs::metadata(&d.path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| if i64::try_from(m.len()).is_ok_and(|n| n == d.size) { d.sha256.clone() } else { String::new() })
    } else {
        hash_file(Path::new(&d.path))
    };
    let Some(sha) = sha else {
        plan.state = "missing".into();
        block(blockers, "document_missing", format!("{} ({}) cannot be read at its recorded path", d.id, d.file_name));
        return Ok(plan);
    };
    if sha != d.sha256 {
        plan.state = "changed_on_disk".into();
        block(
            blockers,
            "document_changed",
            format!(
                "{} ({}) changed on disk since it was added: add the new version as a new document",
                d.id, d.file_name
            ),
        );
        return Ok(plan);
    }
    if d.classification == "none" {
        plan.included = true;
        plan.state = "as_is".into();
        return Ok(plan);
    }
    let review = documents::latest_review(conn, &d.id, receiver)?;
    if redactable(&d.format) {
        let bytes = std::fs::read(&d.path).unwrap_or_default();
        let (out, findings) = match redact_bytes(&d.format, &bytes, r) {
            Ok(x) => x,
            Err(_) => {
                plan.state = "unreadable".into();
                block(
                    blockers,
                    "document_unreadable",
                    format!(
                        "{} ({}) could not be redacted as {}: review it and add a redacted copy",
                        d.id, d.file_name, d.format
                    ),
                );
                return Ok(plan);
            }
        };
        let red_sha = hex::encode(Sha256::digest(&out));
        plan.redactions = redact::report(findings.iter().map(|(_, f)| f));
        plan.redacted_sha256 = Some(red_sha.clone());
        match review {
            Some(rv) if rv.redacted_sha256.as_deref() == Some(red_sha.as_str()) && rv.source_sha256 == sha => {
                plan.included = rv.decision == "include";
                plan.state = if plan.included { "redacted".into() } else { "reviewed_withhold".into() };
            }
            Some(_) => {
                plan.state = "review_out_of_date".into();
                block(
                    blockers,
                    "document_review_out_of_date",
                    format!("{} ({}): its redaction changed since the review: review it again", d.id, d.file_name),
                );
            }
            None => {
                plan.state = "not_reviewed".into();
                block(
                    blockers,
                    "document_not_reviewed",
                    format!(
                        "{} ({}) is classified {} and has not been reviewed after redaction: `handover document review {}`",
                        d.id, d.file_name, d.classification, d.id
                    ),
                );
            }
        }
        return Ok(plan);
    }
    // Formats the tool cannot redact: a special document needs a reviewed redacted copy; a personal one an include review.
    match review {
        Some(rv) if rv.source_sha256 != sha => {
            plan.state = "review_out_of_date".into();
            block(
                blockers,
                "document_review_out_of_date",
                format!("{} ({}) changed since its review", d.id, d.file_name),
            );
        }
        Some(rv) if rv.decision == "withhold" => plan.state = "reviewed_withhold".into(),
        Some(rv) if rv.redacted_copy_path.is_some() => {
            let ok = rv
                .redacted_copy_path
                .as_deref()
                .and_then(|p| {
                    if defer {
                        Path::new(p).is_file().then(|| rv.redacted_copy_sha256.clone())?
                    } else {
                        hash_file(Path::new(p))
                    }
                })
                .is_some_and(|s| Some(s) == rv.redacted_copy_sha256);
            if ok {
                plan.included = true;
                plan.state = "redacted_copy".into();
                plan.redacted_sha256 = rv.redacted_copy_sha256.clone();
            } else {
                plan.state = "changed_on_disk".into();
                block(
                    blockers,
                    "document_changed",
                    format!("{} ({}): its reviewed redacted copy is missing or changed", d.id, d.file_name),
                );
            }
        }
        Some(_) if d.classification == "personal" => {
            plan.included = true;
            plan.state = "reviewed_include".into();
        }
        _ => {
            plan.state = "not_reviewed".into();
            let need = if d.classification == "special" { "a reviewed --redacted-copy" } else { "an include review" };
            block(
                blockers,
                "document_not_reviewed",
                format!(
                    "{} ({}) is {} in a format the tool cannot redact ({}): it needs {need}",
                    d.id, d.file_name, d.classification, d.format
                ),
            );
        }
    }
    Ok(plan)
}

fn aggregates(conn: &crate::register::Db, people: &[people::Person], k: u32, at: DateTime<Utc>) -> Result<Vec<Table>> {
    let live: Vec<&people::Person> = people.iter().filter(|p| p.erased_at.is_none()).collect();
    let mut groups: Vec<(String, u32)> = StakeholderGroup::ALL.iter().map(|g| (g.as_str().to_string(), 0)).collect();
    groups.push(("not_recorded".into(), 0));
    for p in &live {
        let g = p.stakeholder_group.clone().unwrap_or_else(|| "not_recorded".into());
        if let Some(c) = groups.iter_mut().find(|(n, _)| *n == g) {
            c.1 += 1;
        }
    }
    let mut tables = vec![sdc::protect("stakeholder_group", &groups, k)];
    // Only people with diversity answers need their consent checked.
    let answered: std::collections::HashSet<String> = people::people_with_diversity(conn)?.into_iter().collect();
    let live: Vec<&people::Person> = live.into_iter().filter(|p| answered.contains(&p.id)).collect();
    for cat in ["ethnicity", "disability", "religion", "sexual_orientation", "health"] {
        let mut values: BTreeMap<String, u32> = BTreeMap::new();
        for p in &live {
            let category = crate::model::SpecialCategory::parse(cat).unwrap_or(crate::model::SpecialCategory::Health);
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
            classification: "personal".into(),
            format: "txt".into(),
            included,
            state: "redacted".into(),
            redactions: redact::Report::new(),
            redacted_sha256: sha.map(String::from),
        };
        let documents = [doc("doc_1", true, Some("ab")), doc("doc_2", false, None)];
        let accounts = [AccountPlan {
            id: "acc_1".into(),
            service: "s".into(),
            url: "u".into(),
            personal_data: None,
            paid_by: None,
            paid_until: None,
            rotation_task: "rotate",
        }];
        let mut fields = BTreeMap::new();
        fields
            .insert("register".to_string(), FieldLists { carried: vec!["name".into()], dropped: vec!["notes".into()] });
        fields.insert("mailing_list".to_string(), FieldLists { carried: vec![], dropped: vec!["phone".into()] });
        for (p, d, a) in [(&people[..], &documents[..], &accounts[..]), (&[][..], &[][..], &[][..])] {
            assert_eq!(digest_of("sg", &fields, p, d, a), digest_by_value("sg", &fields, p, d, a));
        }
    }
}
