//! What the rules read about every person, gathered in one scan of the consent events (on a
//! second thread), with their bases, notices and the mailing list's evidence.

use std::collections::HashMap;

use super::*;
use crate::base::error::{Error, Result};
use crate::register::{catalogue, evidence, people};
use crate::transfer::rules::{BasisFact, ConsentFact, NoticeFact, PersonFacts, ReviewFact};

/// What the rules read, for every person; whose consent history carries support notes or
/// authority references (stripped from what goes); and the evidence of every consent to the
/// mailing list's purpose, by consent id.
pub(super) struct Facts {
    pub(super) of: HashMap<String, PersonFacts>,
    pub(super) history: HashMap<String, (bool, bool)>,
    pub(super) evidence: HashMap<String, Evidence>,
}

/// The purpose whose consent puts a person on the mailing list that goes.
const MAILING_LIST_PURPOSE: &str = "successor_newsletter";

/// Consent rows copied out of SQLite, for another thread: the text of a batch of rows in one
/// buffer (checked to be UTF-8 once, there), and each row's fields as spans of it.
#[derive(Default)]
struct RowBatch {
    text: Vec<u8>,
    rows: Vec<(Spans, bool, Option<bool>)>,
}

/// Where each text field of a [`evidence::ConsentRow`] is in a batch's text (`None` for NULL).
type Spans = [Option<(u32, u32)>; 14];

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
        self.rows.push((spans, c.has_authority_ref, c.capacity_concern));
    }

    /// Row `i`, reading `text` (this batch's text, checked); `None` if a field does not fall on
    /// character boundaries (its own bytes were not UTF-8).
    fn row<'a>(&self, text: &'a str, i: usize) -> Option<evidence::ConsentRow<'a>> {
        let (spans, has_authority_ref, capacity_concern) = &self.rows[i];
        let mut fields = [None; 14];
        for (f, span) in fields.iter_mut().zip(spans) {
            if let Some((a, b)) = span {
                *f = Some(text.get(*a as usize..*b as usize)?);
            }
        }
        Some(evidence::ConsentRow::from_fields(fields, *has_authority_ref, *capacity_concern))
    }

    /// Row `i` as SQLite gave it, for naming the field that is not UTF-8.
    fn bytes(&self, i: usize) -> evidence::ConsentRowBytes<'_> {
        let (spans, has_authority_ref, capacity_concern) = &self.rows[i];
        evidence::ConsentRowBytes {
            text: spans.map(|s| s.map(|(a, b)| &self.text[a as usize..b as usize])),
            has_authority_ref: *has_authority_ref,
            capacity_concern: *capacity_concern,
        }
    }

    /// The error for a batch whose text is not UTF-8: its first row that is not, named.
    fn not_utf8(&self) -> Error {
        (0..self.rows.len())
            .find_map(|i| self.bytes(i).row().err())
            .unwrap_or_else(|| Error::RegisterDamaged { why: "a consent event is not UTF-8 text".into() })
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
    /// The controllers each statement version names (`None`: never recorded).
    statements: HashMap<String, Option<Vec<String>>>,
    /// A grant's controllers as its statement allows them, by (controllers, statement version).
    allowed: HashMap<(String, String), std::sync::Arc<[String]>>,
    /// The first stored value that did not read (the plan stops on it, never skips it).
    unreadable: Option<Error>,
}

impl FactsBuilder {
    fn new(map: HashMap<String, PersonFacts>, statements: HashMap<String, Option<Vec<String>>>) -> FactsBuilder {
        FactsBuilder {
            map,
            history: HashMap::new(),
            evidence: HashMap::new(),
            purposes: HashMap::new(),
            lists: HashMap::new(),
            statements,
            allowed: HashMap::new(),
            unreadable: None,
        }
    }

    fn add(&mut self, c: evidence::ConsentRow<'_>) -> Result<()> {
        // Every value the rules read is read first: one that does not read stops the plan.
        let action = c.action()?;
        let at = c.at()?;
        let recorded_at = c.recorded()?;
        let special_categories = c.special_categories()?;
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
                controllers: c.controllers()?,
            };
            self.evidence.insert(e.consent_id.clone(), e);
        }
        if c.support_given.is_some() || c.has_authority_ref {
            let e = self.history.entry(c.person_id.to_string()).or_default();
            e.0 |= c.support_given.is_some();
            e.1 |= c.has_authority_ref;
        }
        let Some(f) = self.map.get_mut(c.person_id) else { return Ok(()) };
        let purpose = match self.purposes.get(c.purpose) {
            Some(p) => p.clone(),
            None => self.purposes.entry(c.purpose.to_string()).or_insert_with(|| c.purpose.into()).clone(),
        };
        let mut controllers = match self.lists.get(c.controllers) {
            Some(l) => l.clone(),
            None => {
                let l: std::sync::Arc<[String]> = c.controllers()?.into();
                self.lists.insert(c.controllers.to_string(), l.clone());
                l
            }
        };
        // A grant counts only for the controllers its statement's wording names (one recorded
        // before the check existed may name more); a statement whose controllers were never
        // recorded flags the grant for review.
        let mut statement_unrecorded = false;
        if let (crate::domain::model::ConsentAction::Grant, Some(v)) = (action, c.statement_version) {
            match self.statements.get(v) {
                Some(Some(named)) => {
                    let key = (c.controllers.to_string(), v.to_string());
                    controllers = match self.allowed.get(&key) {
                        Some(l) => l.clone(),
                        None => {
                            let l: std::sync::Arc<[String]> =
                                controllers.iter().filter(|x| named.contains(x)).cloned().collect();
                            self.allowed.insert(key, l.clone());
                            l
                        }
                    };
                }
                Some(None) => statement_unrecorded = true,
                None => {}
            }
        }
        f.consents.push(ConsentFact {
            id: c.id.to_string(),
            purpose,
            view: crate::domain::consent::EventView { action, controllers, at },
            capacity_concern: c.capacity_concern,
            recorded_at,
            special_categories,
            statement_unrecorded,
        });
        Ok(())
    }
}

/// Gather the facts the rules read, for every person.
pub(super) fn facts(conn: &crate::register::Db, people: &[people::Person]) -> Result<Facts> {
    let mut announces: HashMap<String, Vec<String>> = HashMap::new();
    for t in catalogue::texts(conn, "notice")? {
        announces.entry(t.version).or_default().extend(t.announces);
    }
    let mut map: HashMap<String, PersonFacts> = HashMap::with_capacity(people.len());
    let suppression = crate::register::suppression::Suppression::snapshot(conn)?;
    for p in people {
        // A suppression without a readable time counts as the newest word: no consent outlives it.
        let suppressed = p.email_norm.as_deref().and_then(|e| suppression.entry(e)).map(|(reason, at)| {
            (
                reason.to_string(),
                crate::domain::model::parse_timestamp(at).unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
            )
        });
        map.insert(
            p.id.to_string(),
            PersonFacts {
                erased: p.erased_at.is_some(),
                adult_confirmed: p.adult_confirmed,
                jurisdiction: p.jurisdiction,
                has_email: p.email.as_deref().is_some_and(crate::domain::model::email_looks_valid),
                suppressed,
                ..PersonFacts::default()
            },
        );
    }
    // A million events at scale: this thread steps SQLite and copies each row into a batch; a
    // second turns the batches into each person's facts, so the two halves of the work overlap.
    let mut statements: HashMap<String, Option<Vec<String>>> = HashMap::new();
    for t in catalogue::texts(conn, "statement")? {
        let e = statements.entry(t.version).or_insert_with(|| Some(Vec::new()));
        match (e.as_mut(), t.controllers) {
            (Some(list), Some(c)) => list.extend(c),
            _ => *e = None,
        }
    }
    let builder = FactsBuilder::new(map, statements);
    let FactsBuilder { mut map, history, evidence, .. } = std::thread::scope(|s| -> Result<FactsBuilder> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<RowBatch>(4);
        let worker = s.spawn(move || {
            let mut builder = builder;
            for batch in rx {
                if builder.unreadable.is_some() {
                    continue;
                }
                let Ok(text) = std::str::from_utf8(&batch.text) else {
                    builder.unreadable = Some(batch.not_utf8());
                    continue;
                };
                for i in 0..batch.rows.len() {
                    let added = match batch.row(text, i) {
                        Some(row) => builder.add(row),
                        None => Err(batch.not_utf8()),
                    };
                    if let Err(e) = added {
                        builder.unreadable = Some(e);
                        break;
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
        let mut builder = worker.join().map_err(|_| stopped())?;
        read?;
        last?;
        if let Some(e) = builder.unreadable.take() {
            return Err(e);
        }
        Ok(builder)
    })?;
    // Every stored time is read, never skipped: one that does not read stops the plan.
    for b in evidence::bases(conn, None)? {
        let at = b.at()?;
        if let Some(f) = map.get_mut(b.person_id.as_str()) {
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
        let at = n.at()?;
        if let Some(f) = map.get_mut(n.person_id.as_str()) {
            f.notices.push(NoticeFact {
                announces: announces.get(&n.notice_version).cloned().unwrap_or_default(),
                sent_at: at,
            });
        }
    }
    for r in crate::register::reviews::reviews(conn, None)? {
        let at = crate::register::Stored { table: "reviews", row: &r.id }.time("at", &r.at)?;
        if let Some(f) = map.get_mut(r.person_id.as_str()) {
            // Only a review signed by an approver lets a person go; any review may hold them.
            f.reviews.push(ReviewFact { reason: r.reason, go: r.decision == "go" && r.approver_signed, at });
        }
    }
    Ok(Facts { of: map, history, evidence })
}
