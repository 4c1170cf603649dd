//! Importing a verified bundle into the receiving group's own register, in one transaction: a new
//! register (the receiving controller becomes its own, the sender a controller beside it), or an
//! existing register of that group, into which a follow-up bundle merges (people matched by
//! normalised email; a bundle id is imported once). People, roles, consent history and bases as
//! they were sent; the suppression list with the sender's key (so the group keeps honouring it);
//! accounts with their secrets re-encrypted to the group's custodians; documents into a folder
//! beside the register. Tasks: the group's Art 14 privacy notice to everyone new to it (due a
//! month after the transfer, or at its first message to them if that is earlier) and a rotation
//! task per account (R18).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Months, Utc};

use super::layout;
use super::read::Contents;
use crate::base::error::{Error, Result};
use crate::domain::consent::{CarriedConsent, ConsentEvent};
use crate::domain::model::{
    AccountAccess, Basis, BasisAction, ControllerKind, Designation, Method, PersonId, RoleKind, TextFormat, fmt_ts,
    new_id, normalise_email, parse_timestamp,
};
use crate::register::catalogue::Controller;
use crate::register::evidence::BasisEvent;
use crate::register::people::Person;
use crate::register::people::Role;
use crate::register::{Change, accounts, catalogue, evidence, imports, people, set_setting, suppression, tasks};

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Imported {
    pub register: String,
    pub documents_folder: String,
    pub bundle_id: String,
    /// The sending controller.
    pub from: String,
    /// Whether the bundle was merged into an existing register.
    pub merged: bool,
    /// The people the bundle carries who are now in the register: matched or added.
    pub people: usize,
    /// Of `people`, those already in the register (matched by normalised email).
    pub matched_people: usize,
    /// Of `people`, those added to the register.
    pub added_people: usize,
    /// People the bundle carries who were not taken, by reason: `erased_here` (this register
    /// erased them), `email_changed_here` (this register holds them under another email, so the
    /// sender's record is out of date). Subscribers whose address this register suppresses keep
    /// their record but get no marketing consent from the bundle: `suppressed_here`. Consent
    /// events and bases for a purpose this register does not hold: `unknown_purpose`. Accounts
    /// this register rotated or gave a new secret, whose secret the bundle's does not replace:
    /// `account_secret_kept`.
    pub skipped: std::collections::BTreeMap<&'static str, usize>,
    pub consent_events: usize,
    pub accounts: usize,
    pub documents: usize,
    pub suppression_entries: usize,
    pub tasks: Vec<crate::domain::model::TaskId>,
}

fn s(v: &serde_json::Value, k: &str) -> Option<String> {
    v.get(k).and_then(|x| x.as_str()).map(String::from)
}

fn list(v: &serde_json::Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(|x| x.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

fn lines(c: &Contents, name: &str) -> Result<Vec<serde_json::Value>> {
    let bytes =
        c.files.get(name).ok_or_else(|| Error::BundleContent { file: name.to_string(), why: "missing".into() })?;
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .map_err(|_| Error::BundleContent { file: name.to_string(), why: "a line is not JSON".into() })
        })
        .collect()
}

/// Insert a person received in a bundle. Only confirmed adults in England and Wales are ever sent
/// (R21), so that is what they are recorded as; the source names the bundle. The person keeps the
/// sender's reference when this register has no such reference, and gets this register's next
/// one otherwise; the sender's reference is remembered for that sender either way.
fn insert_received(
    c: &Change<'_>,
    file: &str,
    sender: &str,
    row: &serde_json::Value,
    source: &str,
    now: &str,
) -> Result<PersonId> {
    let id = PersonId::new();
    let source_ref = s(row, "ref").filter(|r| !r.trim().is_empty());
    let reference = match &source_ref {
        Some(r) if !r.starts_with("per_") && !r.starts_with("erased-") && people::person(c, r)?.is_none() => r.clone(),
        _ => people::next_ref(c)?,
    };
    // What the sender may say of a person is checked as the group's own inputs are; what it may
    // not (jurisdiction, age, source, notes) is set here.
    let mut raw = crate::domain::people::RawPerson::from_fn(|col| s(row, col).unwrap_or_default());
    raw.overlay(&serde_json::json!({
        "ref": "", "jurisdiction": "england_wales", "adult_confirmed": "yes", "source": source,
        "joined_on": "", "notes": "",
    }));
    let details = crate::domain::people::validate_with(&raw, false)
        .map_err(|ps| Error::BundleContent {
            file: file.to_string(),
            why: format!("a person's {}: {}", ps[0].0, ps[0].1),
        })?
        .details;
    let mut p = Person { id: id.clone(), reference, details, created_at: now.to_string(), erased_at: None };
    people::insert_person(c, &mut p)?;
    if let Some(r) = &source_ref {
        people::record_received_ref(c, sender, r, &p.id)?;
    }
    Ok(p.id)
}

/// How an import goes.
pub struct Options<'a> {
    /// The group's custodians (age recipients) for account secrets.
    pub custodians: &'a [age::x25519::Recipient],
    /// When the bundle was made.
    pub transfer_at: DateTime<Utc>,
    /// Merge into the existing register (a follow-up bundle) rather than fill a new one.
    pub merge: bool,
    /// When the group will first message the people received, if before a month is out.
    pub first_message: Option<chrono::NaiveDate>,
    /// The SHA-256 of the bundle file as verified.
    pub ciphertext_sha256: String,
    /// The bundle's name (its file name without `.zip.age`).
    pub bundle_name: String,
    /// The age recipients it was opened with (the group's own).
    pub recipients: Vec<String>,
}

/// Where a person the bundle carries goes in this register.
enum Placement {
    /// Already here: the person with the same normalised email.
    Known(PersonId),
    /// Not here: added.
    New,
    /// Not taken, for this reason (see [`Imported::skipped`]).
    Skip(&'static str),
}

/// Place a person the bundle carries. People are matched by normalised email only: a sender's
/// reference means nothing here, and is used only to recognise a person this register erased
/// (by the erasure's keyed hash of the email) or holds under another email now.
fn place(c: &Change<'_>, sender: &str, email: Option<&str>, source_ref: Option<&str>) -> Result<Placement> {
    if let Some(norm) = email.map(normalise_email).filter(|e| !e.is_empty()) {
        if crate::records::is_erased_email(c, &norm)? {
            return Ok(Placement::Skip("erased_here"));
        }
        if let Some(p) = people::person_by_email(c, &norm)? {
            return Ok(Placement::Known(p.id));
        }
    }
    if let Some(pid) = source_ref.map(|r| people::received_ref(c, sender, r)).transpose()?.flatten() {
        let here = people::person_required(c, &pid)?;
        return Ok(Placement::Skip(if here.erased_at.is_some() { "erased_here" } else { "email_changed_here" }));
    }
    Ok(Placement::New)
}

/// Write the imported data in one transaction (a new register, or a merge into the group's own).
pub fn apply(c: &Change<'_>, contents: &Contents, o: &Options<'_>) -> Result<Imported> {
    let m = &contents.manifest;
    let (custodians, transfer_at, merge) = (o.custodians, o.transfer_at, o.merge);
    let now = fmt_ts(c.now);
    let st = Step {
        c,
        contents,
        m,
        merge,
        now: now.clone(),
        source: format!("bundle {} from {}", m.bundle_id, m.from),
        src: format!("bundle:{}", m.bundle_id),
    };
    set_up(&st)?;
    let mut skipped = Skipped::new();
    let (texts, versions) = texts_received(&st)?;
    let (rows_matched, rows_added, ids) = people_and_roles(&st, &mut skipped)?;
    let (list_matched, list_added, mut events) = mailing_list(&st, &versions, &mut skipped)?;
    let (matched, added) = (rows_matched + list_matched, rows_added + list_added);
    let (rows, people) = (rows_matched + rows_added, matched + added);
    events += consent_history(&st, &ids, &versions, &mut skipped)?;
    other_bases(&st, &ids, &mut skipped)?;
    let suppression = inherit_suppression(&st)?;
    let (accounts, mut tasks) = accounts_to_rotate(&st, custodians, &mut skipped)?;
    // Art 14: everyone new to the group, within a month, and at the latest at its first message.
    let new_people = added;
    if new_people > 0 {
        let month = transfer_at.date_naive().checked_add_months(Months::new(1)).unwrap_or(transfer_at.date_naive());
        let due = o.first_message.map_or(month, |f| f.min(month)).to_string();
        let (t, _) = tasks::add_task(
            c,
            "art14_notice",
            &m.bundle_id,
            &format!(
                "Send the {new_people} people received from {} in bundle {} (register and mailing list) your privacy notice: who you are, the source of their details, the categories received, their rights",
                m.from, m.bundle_id
            ),
            "Art 14(3): within one month of receiving the data, and at the latest with your first message to them",
            &due,
            &now,
        )?;
        tasks.push(t);
    }
    // The receiving side's record of the transfer: the sender is the other party.
    crate::register::transfers::insert_received(
        c,
        &crate::register::transfers::Transfer {
            id: m.bundle_id.as_str().into(),
            controller: m.from.clone(),
            name: o.bundle_name.clone(),
            state: crate::domain::model::TransferState::Received,
            created_at: m.created_at.clone(),
            plan_digest: m.plan_digest.clone(),
            ciphertext_sha256: o.ciphertext_sha256.clone(),
            signer_key_id: m.signer_key_id.clone(),
            recipients: o.recipients.clone(),
            counts: serde_json::json!({ "register": rows, "mailing_list": m.counts["mailing_list_included"], "documents": contents.documents.len(), "accounts": accounts, "register_by_reason": m.counts["register_by_reason"], "mailing_list_by_reason": m.counts["mailing_list_by_reason"] }),
        },
    )?;
    crate::register::transfers::set_receipt_at(c, &m.bundle_id, &now)?;
    imports::record_import(
        c,
        &m.bundle_id,
        "bundle",
        &m.bundle_id,
        &serde_json::json!({ "people": people, "matched": matched, "events": events }),
        c.now,
    )?;
    c.audit(
        "bundle.import",
        &m.bundle_id,
        serde_json::json!({ "from": m.from, "merged": merge, "people": people, "matched_people": matched, "added_people": added, "skipped": skipped, "consent_events": events, "texts": texts, "accounts": accounts, "documents": contents.documents.len(), "suppression": suppression }),
    )?;
    Ok(Imported {
        register: String::new(),
        documents_folder: String::new(),
        bundle_id: m.bundle_id.clone(),
        from: m.from.clone(),
        merged: merge,
        people,
        matched_people: matched,
        added_people: added,
        skipped,
        consent_events: events,
        accounts,
        documents: contents.documents.len(),
        suppression_entries: suppression,
        tasks,
    })
}

/// People not taken, by reason.
type Skipped = std::collections::BTreeMap<&'static str, usize>;

/// What every step of an import reads: the change, the verified contents, whether the bundle merges
/// into an existing register, and the texts recorded as the source of what it brings.
struct Step<'a, 'c> {
    c: &'a Change<'c>,
    contents: &'a Contents,
    m: &'a super::write::Manifest,
    merge: bool,
    now: String,
    /// "bundle ID from SLUG", the people's source.
    source: String,
    /// "bundle:ID", the consent events' source.
    src: String,
}

/// A new register: its settings, both controllers (the receiver its own) and the purpose
/// catalogue; a merge adds only a controller it does not have.
fn set_up(st: &Step<'_, '_>) -> Result<()> {
    let Step { c, m, merge, ref now, .. } = *st;
    if !merge {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| Error::NoRandomSource { why: e.to_string() })?;
        set_setting(c, "community", &m.community)?;
        set_setting(c, "hash_key", &hex::encode(key))?;
        set_setting(c, "objection_window_days", "28")?;
        set_setting(c, "tombstone_years", "6")?;
        set_setting(c, "created_at", now)?;
    }
    for ce in &m.controllers {
        if merge && catalogue::controller(c, &ce.slug)?.is_some() {
            continue;
        }
        catalogue::insert_controller(
            c,
            &Controller {
                id: ce.slug.clone(),
                slug: ce.slug.clone(),
                name: ce.name.clone(),
                // Verification has checked the code; one not known here is refused, never guessed.
                kind: ControllerKind::parse(&ce.kind).ok_or_else(|| Error::BundleContent {
                    file: layout::MANIFEST.to_string(),
                    why: format!("a controller's legal form is not one of {}", ControllerKind::list()),
                })?,
                is_self: ce.role == "to" && !merge,
                contact: ce.contact.clone(),
                accountable_person: None,
                ico_fee_status: None,
                dsa_ref: None,
                dpia_ref: None,
                created_at: now.clone(),
            },
        )?;
        // The group is this data's controller from the day its register is built: no statement
        // in its name is effective before (unless it records an earlier start itself).
        if ce.role == "to" && !merge {
            catalogue::set_since(c, &ce.slug, &now[..10])?;
        }
    }
    if !merge {
        let sender = m.controllers.iter().find(|c| c.role == "from").map_or(m.from.as_str(), |c| c.name.as_str());
        crate::register::catalogue::seed_received_purposes(c, sender)?;
    }
    Ok(())
}

/// People with their roles: a person whose email the register has already is matched, not added
/// again, and gets only the roles it does not hold. Returns people, matched, and the sender's
/// person ids mapped to this register's.
/// Returns how many were matched and added, and the sender's person ids mapped to this register's.
fn people_and_roles(st: &Step<'_, '_>, skipped: &mut Skipped) -> Result<(usize, usize, HashMap<String, PersonId>)> {
    let Step { c, contents, m, ref now, ref source, .. } = *st;
    // People: only confirmed adults in England and Wales are ever sent (R21).
    let (mut matched, mut added) = (0, 0);
    let mut ids: HashMap<String, PersonId> = HashMap::new();
    for row in lines(contents, layout::PEOPLE)? {
        let old = s(&row, "id").unwrap_or_default();
        let (id, had) = match place(c, &m.from, s(&row, "email").as_deref(), s(&row, "ref").as_deref())? {
            Placement::Known(id) => {
                matched += 1;
                if let Some(r) = s(&row, "ref") {
                    people::record_received_ref(c, &m.from, &r, &id)?;
                }
                let had = people::roles(c, Some(&id))?;
                (id, had)
            }
            Placement::New => {
                added += 1;
                (insert_received(c, layout::PEOPLE, &m.from, &row, source, now)?, Vec::new())
            }
            Placement::Skip(why) => {
                *skipped.entry(why).or_default() += 1;
                continue;
            }
        };
        for r in row.get("roles").and_then(|r| r.as_array()).into_iter().flatten() {
            // Verification has checked every code; one not known here is refused, never guessed.
            let role = s(r, "role").as_deref().and_then(RoleKind::parse).ok_or_else(|| Error::BundleContent {
                file: layout::PEOPLE.to_string(),
                why: format!("a role is not one of {}", RoleKind::list()),
            })?;
            let designation = match s(r, "designation") {
                None => None,
                Some(d) => Some(Designation::parse(&d).ok_or_else(|| Error::BundleContent {
                    file: layout::PEOPLE.to_string(),
                    why: format!("a role's designation is not one of {}", Designation::list()),
                })?),
            };
            let same = |x: &Role| x.role == role && x.hub == s(r, "hub") && x.from == s(r, "from").unwrap_or_default();
            if had.iter().any(same) {
                continue;
            }
            people::insert_role(
                c,
                &mut Role {
                    id: new_id("rol"),
                    person_id: id.clone(),
                    person_ref: String::new(),
                    role,
                    hub: s(r, "hub"),
                    from: s(r, "from").unwrap_or_default(),
                    to: s(r, "to"),
                    designation,
                    special: false,
                },
                c.now,
            )?;
        }
        ids.insert(old, id);
    }
    Ok((matched, added, ids))
}

/// Mailing-list subscribers who did not come with a register entry, and every subscriber's
/// consent naming this group. Returns the subscribers matched and added (those not also register rows) and the consent events recorded.
fn mailing_list(st: &Step<'_, '_>, versions: &Versions, skipped: &mut Skipped) -> Result<(usize, usize, usize)> {
    let Step { c, contents, m, ref now, ref source, .. } = *st;
    let suppression = crate::register::suppression::Suppression::new(c)?;
    // Mailing-list subscribers who did not come with a register entry: name, email, and the
    // consent they gave (naming this group), so the group can show it (Art 7(1)).
    let (mut matched, mut list_people, mut events) = (0, 0, 0);
    let src = format!("bundle:{}", m.bundle_id);
    let refs: std::collections::HashSet<String> =
        lines(contents, layout::PEOPLE)?.iter().filter_map(|r| s(r, "ref")).collect();
    if let Some(bytes) = contents.files.get(layout::MAILING_LIST) {
        let mut rdr = csv::Reader::from_reader(&bytes[..]);
        for r in rdr.records().flatten() {
            let attrs: serde_json::Value = serde_json::from_str(r.get(2).unwrap_or("{}")).unwrap_or_default();
            let reference = s(&attrs, "ref").unwrap_or_else(|| new_id("ref"));
            let email = r.get(0).unwrap_or("").to_string();
            // A subscriber who also came as a register row was placed (and counted) with it.
            let counted = refs.contains(&reference);
            let pid = match place(c, &m.from, Some(&email), Some(&reference))? {
                Placement::Known(id) => {
                    if !counted {
                        matched += 1;
                        people::record_received_ref(c, &m.from, &reference, &id)?;
                    }
                    id
                }
                Placement::Skip(why) => {
                    if !counted {
                        *skipped.entry(why).or_default() += 1;
                    }
                    continue;
                }
                Placement::New => {
                    let name = r.get(1).filter(|n| !n.is_empty());
                    let id = insert_received(
                        c,
                        layout::MAILING_LIST,
                        &m.from,
                        &serde_json::json!({ "ref": reference, "name": name, "email": email }),
                        source,
                        now,
                    )?;
                    list_people += 1;
                    id
                }
            };
            // This register's own suppression list (an unsubscribe or erasure here, or one inherited
            // with an earlier bundle) outranks a consent the sender holds: no marketing grant.
            if suppression.check(c, &normalise_email(&email))?.is_some() {
                *skipped.entry("suppressed_here").or_default() += 1;
                continue;
            }
            let ev = &attrs["consent"];
            let Some(at) = s(ev, "at").as_deref().and_then(parse_timestamp) else { continue };
            let grant = ConsentEvent {
                statement_version: versions.of("statement", s(ev, "statement_version")),
                notice_version: versions.of("notice", s(ev, "notice_version")),
                method: s(ev, "method").as_deref().and_then(Method::parse),
                evidence_ref: s(ev, "evidence_ref"),
                ..ConsentEvent::self_grant(
                    "successor_newsletter",
                    list(ev, "controllers"),
                    at,
                    format!("{} (sent in bundle {})", m.from, m.bundle_id),
                )
            };
            if evidence::insert_consent(c, &pid, &grant, &src, c.now)?.is_some() {
                events += 1;
            }
        }
    }
    Ok((matched, list_people, events))
}

/// The labels the sender's statement and notice versions have here, by (kind, version).
struct Versions(HashMap<(String, String), String>);

impl Versions {
    /// The label here of the sender's `version` of `kind` (its own label unless it was renamed).
    fn of(&self, kind: &str, version: Option<String>) -> Option<String> {
        version.map(|v| self.0.get(&(kind.to_string(), v.clone())).cloned().unwrap_or(v))
    }
}

/// The statements and notices the bundle carries, stored as this register's own texts so that it
/// can show what each person was told (Art 7(1)). A version this register already holds with the
/// same text in every format it brings is that one; a label this register uses for other wording
/// is stored as "VERSION (SENDER)". Returns how many texts were stored and the labels.
fn texts_received(st: &Step<'_, '_>) -> Result<(usize, Versions)> {
    let Step { c, contents, m, .. } = *st;
    let rows = if contents.files.contains_key(layout::TEXTS) { lines(contents, layout::TEXTS)? } else { Vec::new() };
    let mut by_version: std::collections::BTreeMap<(String, String), Vec<&serde_json::Value>> =
        std::collections::BTreeMap::new();
    for r in &rows {
        if let (Some(k), Some(v)) = (s(r, "kind"), s(r, "version")) {
            by_version.entry((k, v)).or_default().push(r);
        }
    }
    let mut labels = HashMap::new();
    let mut stored = 0;
    for ((kind, version), formats) in by_version {
        if kind == "statement"
            && formats
                .iter()
                .any(|r| s(r, "purpose").is_none_or(|p| catalogue::purpose(c, &p).ok().flatten().is_none()))
        {
            // A purpose this register does not know: its consent events are skipped too.
            continue;
        }
        let held = catalogue::text_bodies(c, &kind, &version)?;
        let same = formats.iter().all(|r| {
            held.iter()
                .all(|(f, sha, _)| s(r, "format").as_deref() != Some(f) || s(r, "sha256").as_deref() == Some(sha))
        });
        let label = if same { version.clone() } else { format!("{version} ({})", m.from) };
        for r in formats {
            let format = s(r, "format").as_deref().and_then(TextFormat::parse).ok_or_else(|| Error::BundleContent {
                file: layout::TEXTS.to_string(),
                why: format!("a text's format is not one of {}", TextFormat::list()),
            })?;
            if catalogue::text_exists(c, &kind, &label, format.as_str())? {
                continue;
            }
            let v = catalogue::TextVersion {
                id: format!("{label}/{format}"),
                version: label.clone(),
                format,
                purpose: s(r, "purpose"),
                sha256: s(r, "sha256").unwrap_or_default(),
                effective_from: s(r, "effective_from").unwrap_or_default(),
                announces: Vec::new(),
                controllers: r.get("controllers").and_then(|x| x.as_array()).map(|_| list(r, "controllers")),
            };
            let body = s(r, "text").unwrap_or_default();
            if kind == "statement" {
                catalogue::insert_statement(c, &v, &body, c.now)?;
            } else {
                catalogue::insert_notice(c, &v, &body, c.now)?;
            }
            stored += 1;
        }
        labels.insert((kind, version), label);
    }
    Ok((stored, Versions(labels)))
}

/// The consent history of the people received; returns the events recorded.
fn consent_history(
    st: &Step<'_, '_>,
    ids: &HashMap<String, PersonId>,
    versions: &Versions,
    skipped: &mut Skipped,
) -> Result<usize> {
    let Step { c, contents, m, ref src, .. } = *st;
    let own = catalogue::self_controller(c)?.slug;
    let mut events = 0;
    for (i, e) in lines(contents, layout::CONSENT_EVENTS)?.into_iter().enumerate() {
        // Verification has checked every line against the schema; one this type does not read
        // is refused, never skipped or read as a grant.
        let e: CarriedConsent = serde_json::from_value(e).map_err(|why| Error::BundleContent {
            file: layout::CONSENT_EVENTS.to_string(),
            why: format!("line {} is not a consent event: {why}", i + 1),
        })?;
        let Some(pid) = ids.get(&e.person_id).cloned() else { continue };
        let (statement, notice) = (e.statement_version.clone(), e.notice_version.clone());
        let mut ev = e.into_event(
            format!("{} (sent in bundle {})", m.from, m.bundle_id),
            &m.from,
            versions.of("statement", statement),
            versions.of("notice", notice),
        );
        // A no told to the sender binds this register too (the person said no to what reached
        // it): recorded as naming both, with who was told.
        if ev.action != crate::domain::model::ConsentAction::Grant {
            ev.controllers = told_us_too(ev.controllers, &m.from, &own);
            if ev.controllers.iter().any(|c| c == &own) && ev.context.is_none() {
                ev.context = Some(format!("told to {} and carried to us in bundle {}", m.from, m.bundle_id));
            }
        }
        if catalogue::purpose(c, &ev.purpose)?.is_none() {
            *skipped.entry("unknown_purpose").or_default() += 1;
            continue;
        }
        if evidence::insert_consent(c, &pid, &ev, src, c.now)?.is_some() {
            events += 1;
        }
    }
    Ok(events)
}

/// A person's no (a withdrawal, refusal, objection or restriction) as this register records it:
/// told to the sender, it names this register as well; naming nobody, it binds everyone already.
fn told_us_too(mut controllers: Vec<String>, sender: &str, own: &str) -> Vec<String> {
    if controllers.iter().any(|c| c == sender) && !controllers.iter().any(|c| c == own) {
        controllers.push(own.to_string());
    }
    controllers
}

/// The other lawful bases (and objections, restrictions) of the people received.
fn other_bases(st: &Step<'_, '_>, ids: &HashMap<String, PersonId>, skipped: &mut Skipped) -> Result<()> {
    let Step { c, contents, m, .. } = *st;
    let own = catalogue::self_controller(c)?.slug;
    for b in lines(contents, layout::BASES)? {
        let Some(pid) = s(&b, "person_id").and_then(|o| ids.get(&o).cloned()) else { continue };
        // A purpose this register does not hold cannot carry a basis here: counted, not stored.
        if catalogue::purpose(c, s(&b, "purpose").as_deref().unwrap_or(""))?.is_none() {
            *skipped.entry("unknown_purpose").or_default() += 1;
            continue;
        }
        let action = s(&b, "action").as_deref().and_then(BasisAction::parse);
        let controllers = match action {
            // An objection or restriction told to the sender binds this register too.
            Some(BasisAction::Object | BasisAction::Restrict | BasisAction::LiftRestriction) => {
                told_us_too(list(&b, "controllers"), &m.from, &own)
            }
            _ => list(&b, "controllers"),
        };
        evidence::insert_basis(
            c,
            &mut BasisEvent {
                id: new_id("bas"),
                person_id: pid,
                person_ref: String::new(),
                purpose: s(&b, "purpose").unwrap_or_default(),
                // Verification has checked every code; one not known here is never read as a
                // basis.
                action: s(&b, "action").as_deref().and_then(BasisAction::parse).ok_or_else(|| {
                    Error::BundleContent {
                        file: layout::BASES.to_string(),
                        why: "a basis event's action is not record, object, restrict or lift_restriction".into(),
                    }
                })?,
                basis: match s(&b, "basis") {
                    None => None,
                    Some(x) => Some(Basis::parse(&x).ok_or_else(|| Error::BundleContent {
                        file: layout::BASES.to_string(),
                        why: format!("a basis event's basis is not one of {}", Basis::list()),
                    })?),
                },
                controllers,
                assessment_ref: s(&b, "assessment_ref"),
                decided_by: s(&b, "decided_by").unwrap_or_default(),
                decided_at: s(&b, "decided_at").unwrap_or_default(),
            },
            c.now,
        )?;
    }
    Ok(())
}

/// The sender's suppression list, re-keyed from the bundle's scalar to this register's own (the
/// list says only that an address is kept off, never why); returns the entries added.
fn inherit_suppression(st: &Step<'_, '_>) -> Result<usize> {
    let Step { c, contents, m, .. } = *st;
    let key_doc: serde_json::Value =
        serde_json::from_slice(contents.files.get(layout::SUPPRESSION_KEY).map(Vec::as_slice).unwrap_or(b"{}"))
            .map_err(|_| Error::BundleContent { file: layout::SUPPRESSION_KEY.into(), why: "not JSON".into() })?;
    let Some(scalar) = s(&key_doc, "scalar_hex").as_deref().and_then(suppression::scalar_from_hex) else {
        return Err(Error::BundleContent { file: layout::SUPPRESSION_KEY.into(), why: "no valid scalar".into() });
    };
    let mut added = 0;
    if let Some(bytes) = contents.files.get(layout::SUPPRESSION) {
        let mut rdr = csv::Reader::from_reader(&bytes[..]);
        for r in rdr.records().flatten() {
            let source = format!("inherited: {}", m.from);
            match suppression::suppress_point(c, r.get(0).unwrap_or(""), &scalar, r.get(1).unwrap_or(""), &source)? {
                Some(true) => added += 1,
                Some(false) => {}
                None => {
                    return Err(Error::BundleContent {
                        file: layout::SUPPRESSION.into(),
                        why: "an entry is not a valid point".into(),
                    });
                }
            }
        }
    }
    Ok(added)
}

/// The accounts, their secrets re-encrypted to the group's custodians, each with a rotation task.
/// Returns how many accounts came and the tasks made.
fn accounts_to_rotate(
    st: &Step<'_, '_>,
    custodians: &[age::x25519::Recipient],
    skipped: &mut Skipped,
) -> Result<(usize, Vec<crate::domain::model::TaskId>)> {
    let Step { c, contents, merge, ref now, .. } = *st;
    // Accounts, re-encrypted to the group's custodians, each with a rotation task.
    let accounts: Vec<serde_json::Value> =
        serde_json::from_slice(contents.files.get(layout::ACCOUNTS).map(Vec::as_slice).unwrap_or(b"[]"))
            .unwrap_or_default();
    let secrets = accounts.iter().any(|a| a.get("access").and_then(serde_json::Value::as_str) != Some("admins"));
    if !merge && secrets && custodians.is_empty() {
        return Err(Error::bad(
            "--custodian",
            "the bundle carries account secrets: name at least one custodian (age recipient) to encrypt them to",
        ));
    }
    for r in custodians {
        accounts::add_custodian(c, &r.to_string(), None, now)?;
    }
    // Merging: secrets go to every current custodian of the register, the new ones included.
    let custodians: Vec<age::x25519::Recipient> =
        if merge { accounts::current_recipients(c)? } else { custodians.to_vec() };
    if secrets && custodians.is_empty() {
        return Err(Error::bad("--custodian", "the register has no custodian to encrypt the account secrets to"));
    }
    let names: Vec<String> = custodians.iter().map(std::string::ToString::to_string).collect();
    let mut tasks = Vec::new();
    let due_rotation = (c.now + chrono::Duration::days(14)).date_naive().to_string();
    for a in &accounts {
        // Verification has checked the code; one not known here is refused, never guessed.
        let access = match s(a, "access") {
            None => AccountAccess::Password,
            Some(x) => AccountAccess::parse(&x).ok_or_else(|| Error::BundleContent {
                file: layout::ACCOUNTS.to_string(),
                why: format!("an account's access is not one of {}", AccountAccess::list()),
            })?,
        };
        let secret = zeroize::Zeroizing::new(s(a, "secret").unwrap_or_default());
        let ct = if access == AccountAccess::Admins {
            Vec::new()
        } else {
            crate::records::vault::encrypt(&custodians, secret.as_bytes())?
        };
        let names_of = |k: &str| -> Vec<String> {
            a.get(k)
                .and_then(serde_json::Value::as_array)
                .map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let acc = accounts::Account {
            id: s(a, "id").map_or_else(crate::domain::model::AccountId::new, crate::domain::model::AccountId::from),
            service: s(a, "service").unwrap_or_else(|| "other".into()),
            url: s(a, "url").unwrap_or_default(),
            login: s(a, "login").unwrap_or_default(),
            personal_data: s(a, "personal_data"),
            paid_by: s(a, "paid_by"),
            paid_until: s(a, "paid_until"),
            recovery_email: s(a, "recovery_email"),
            recovery_phone: s(a, "recovery_phone"),
            two_factor: s(a, "two_factor"),
            secret_recipients: if access == AccountAccess::Admins { Vec::new() } else { names.clone() },
            created_at: now.clone(),
            secret_updated_at: now.clone(),
            rotations: Vec::new(),
            admins_outgoing: names_of("admins_outgoing"),
            admins_incoming: names_of("admins_incoming"),
            access,
        };
        let held = if merge { accounts::accounts(c)?.into_iter().find(|a| a.id == acc.id) } else { None };
        if let Some(own) = held {
            // The group rotated it, or stored a new secret of its own: the sender's (older) one is
            // never taken over it, and the account needs no new rotation.
            let updated = crate::register::audit::subjects_of(c, "account.secret_updated")?;
            if !own.rotations.is_empty() || updated.iter().any(|s| *s == own.id.as_str()) {
                *skipped.entry("account_secret_kept").or_default() += 1;
                continue;
            }
            accounts::set_secret(c, &acc.id, &ct, &names, now)?;
        } else {
            accounts::insert_account(c, &acc, &ct)?;
        }
        let (t, _) = tasks::add_task(
            c,
            "rotate_account",
            &acc.id,
            &acc.rotation_title(),
            if acc.has_secret() {
                "handed over: the outgoing controller's people knew its secrets (R18)"
            } else {
                "handed over: the outgoing controller's people are still its admins (R18)"
            },
            &due_rotation,
            now,
        )?;
        tasks.push(t);
        tasks.extend(crate::records::paid_until_tasks(c, &acc)?);
    }
    Ok((accounts.len(), tasks))
}

/// The folder documents go into, beside the register.
pub fn documents_folder(register: &Path) -> PathBuf {
    let stem = register.file_stem().map_or_else(|| "register".into(), |s| s.to_string_lossy().into_owned());
    register.with_file_name(format!("{stem}-documents"))
}
