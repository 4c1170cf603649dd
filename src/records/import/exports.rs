//! Importers for real exports people have: Mailchimp audience exports, listmonk subscriber
//! exports, MailPoet exports and WordPress.com subscriber lists (formats in FORMATS.md).
//!
//! An export cannot show what people were told, so the operator names the purpose, controllers,
//! statement version, notice version and method; naming the statement version also confirms that
//! the form told people they can withdraw (R7). Rows without opt-in evidence are refused rather
//! than given invented consent (`--without-consent` imports them as people only, with no consent).
//! Unsubscribed, cleaned (bounced) and blocklisted rows go to the suppression list as keyed
//! hashes, never onto the list; a person already in the register also gets a withdrawal event.

use std::io::Read;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{Counts, CsvFile, Problems, bump, parse_csv};
use crate::base::error::{Error, Result};
use crate::domain::consent::RawConsent;
use crate::domain::model::{email_looks_valid, fmt_ts, normalise_email};
use crate::domain::people::PersonFields;
use crate::records::{Upsert, apply_consent, is_erased_email, upsert_person};
use crate::register::{Change, people, suppression};

/// What the operator says about the list the export came from.
#[derive(Debug, Clone)]
pub struct ListFacts {
    pub purpose: String,
    pub controllers: String,
    pub statement_version: String,
    /// The form of the statement the signup form showed (empty: not recorded).
    pub statement_format: String,
    pub notice_version: String,
    pub method: String,
    pub without_consent: bool,
    /// Columns mapped by hand (`--map COLUMN=FIELD`): a merge field the import does not know.
    pub map: Vec<(String, String)>,
    /// The list the purpose covers, in an export of several (MailPoet's `List`).
    pub list: Option<String>,
}

/// What `--map` may map a column to.
pub const MAP_FIELDS: &[&str] = &["name", "first_name", "last_name", "phone", "ignore"];

/// Mailchimp's own columns and its default merge fields' labels: everything else in a Mailchimp
/// file is a merge field the import does not read unless mapped.
const MAILCHIMP_KNOWN: &[&str] = &[
    "Email Address",
    "First Name",
    "Last Name",
    "Name",
    "Phone Number",
    "Address",
    "Birthday",
    "Company",
    "MEMBER_RATING",
    "OPTIN_TIME",
    "OPTIN_IP",
    "CONFIRM_TIME",
    "CONFIRM_IP",
    "LATITUDE",
    "LONGITUDE",
    "GMTOFF",
    "DSTOFF",
    "TIMEZONE",
    "CC",
    "REGION",
    "LAST_CHANGED",
    "LEID",
    "EUID",
    "NOTES",
    "TAGS",
    "UNSUB_TIME",
    "UNSUB_CAMPAIGN_TITLE",
    "UNSUB_CAMPAIGN_ID",
    "UNSUB_REASON",
    "UNSUB_REASON_OTHER",
    "CLEAN_TIME",
    "CLEAN_CAMPAIGN_TITLE",
    "CLEAN_CAMPAIGN_ID",
    "SSL",
    "SMS Phone Number",
    "SMS_OPTIN_TIME",
];

/// The columns of an export's files that the import neither reads nor was told about with
/// `--map`, in the order they first appear (so that nothing is dropped without a word).
pub fn unmapped_columns(kind: ExportKind, files: &[CsvFile], map: &[(String, String)]) -> Vec<String> {
    if kind != ExportKind::Mailchimp {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for f in files {
        for h in &f.headers {
            if !h.is_empty()
                && !MAILCHIMP_KNOWN.contains(&h.as_str())
                && !map.iter().any(|(c, _)| c == h)
                && !out.contains(h)
            {
                out.push(h.clone());
            }
        }
    }
    out
}

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Mailchimp,
    Listmonk,
    Mailpoet,
    WordpressCom,
}

impl ExportKind {
    /// The name used in audit entries and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Mailchimp => "mailchimp",
            ExportKind::Listmonk => "listmonk",
            ExportKind::Mailpoet => "mailpoet",
            ExportKind::WordpressCom => "wordpress_com",
        }
    }
}

/// One row of an export, mapped to what it means.
#[derive(Debug, Clone)]
enum Mapped {
    /// On the list. `grant` carries the time and evidence of the opt-in, when the export shows one.
    Subscriber {
        email: String,
        name: String,
        phone: String,
        joined: Option<String>,
        grant: Option<(DateTime<Utc>, String)>,
        why_no_evidence: &'static str,
    },
    /// Off the list: suppression (and a withdrawal if the person is in the register).
    Suppressed { email: String, reason: &'static str, at: Option<DateTime<Utc>>, evidence: String },
    /// Off this one list only (MailPoet's per-list status): a withdrawal for the list's purpose and
    /// controllers if the person is in the register; never address-wide suppression.
    LeftList { email: String, evidence: String },
    /// Counted, not imported.
    Ignored(&'static str),
}

struct Entry {
    file: String,
    line: usize,
    row: Mapped,
}

/// Parse a `YYYY-MM-DD HH:MM:SS` export time (assumed UTC; the assumption goes into the evidence).
fn export_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Some(t) = crate::domain::model::parse_timestamp(s) {
        return Some(t);
    }
    // "DATE TIME[.frac] [±HHMM [ZONE]] [m=…]": Go's Time.String() (listmonk) carries the offset
    // after the time; Mailchimp and MailPoet write bare times in UTC.
    let mut parts = s.split_whitespace();
    let (date, time) = (parts.next()?, parts.next()?);
    let local = NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M:%S%.f").ok()?;
    let offset = match parts.next() {
        Some(o)
            if o.len() == 5
                && (o.starts_with('+') || o.starts_with('-'))
                && o[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            let (h, m): (i32, i32) = (o[1..3].parse().ok()?, o[3..5].parse().ok()?);
            let secs = (h * 3600 + m * 60) * if o.starts_with('-') { -1 } else { 1 };
            chrono::FixedOffset::east_opt(secs)?
        }
        _ => chrono::FixedOffset::east_opt(0)?,
    };
    Some(local.and_local_timezone(offset).single()?.with_timezone(&Utc))
}

/// Detect an export from a CSV header.
pub fn detect_csv(file: &CsvFile) -> Option<ExportKind> {
    let h: Vec<&str> = file.headers.iter().map(String::as_str).collect();
    if h == ["uuid", "email", "name", "attributes", "status", "created_at", "updated_at"] {
        return Some(ExportKind::Listmonk);
    }
    if h.contains(&"Email Address") && (h.contains(&"LEID") || h.contains(&"EUID") || h.contains(&"OPTIN_TIME")) {
        return Some(ExportKind::Mailchimp);
    }
    if h.contains(&"Email") && (h.contains(&"Global status") || h.contains(&"List")) {
        return Some(ExportKind::Mailpoet);
    }
    // WordPress.com's subscriber list: one column, with or without a header line.
    if h.len() == 1 && (h[0].to_lowercase().contains("email") || crate::domain::model::email_looks_valid(h[0].trim())) {
        return Some(ExportKind::WordpressCom);
    }
    None
}

/// Whether bytes are a zip file.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Mailchimp status from a file name: `subscribed_members_export_<id>.csv`,
/// `subscribed_email_audience_export_<id>.csv`, ... Unknown prefixes are refused.
fn mailchimp_status(name: &str) -> Option<&'static str> {
    let base = name.rsplit('/').next().unwrap_or(name);
    for (prefix, status) in [
        ("nonsubscribed_", "nonsubscribed"),
        ("unsubscribed_", "unsubscribed"),
        ("subscribed_", "subscribed"),
        ("cleaned_", "cleaned"),
        ("sms_only_", "sms_only"),
    ] {
        if let Some(rest) = base.strip_prefix(prefix)
            && (rest.starts_with("members_export_")
                || rest.starts_with("email_audience_export_")
                || rest.starts_with("audience_export_"))
            && has_extension(base, "csv")
        {
            return Some(status);
        }
    }
    None
}

/// Largest zip entry read (bytes), against zip bombs.
const MAX_ENTRY: u64 = 256 * 1024 * 1024;

/// Read the CSV entries of a Mailchimp export zip.
pub fn mailchimp_zip(display: &str, bytes: &[u8]) -> Result<Vec<CsvFile>> {
    let bad = |why: String| Error::ImportFormat {
        file: display.to_string(),
        why,
        hint: "give the zip exactly as Mailchimp exported it (Audience → Export audience)".into(),
    };
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| bad("not a readable zip file".into()))?;
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| bad(format!("entry {i} cannot be read")))?;
        let name = entry.name().map_err(|_| bad(format!("entry {i} has an unreadable name")))?.to_string();
        if entry.is_dir() || !has_extension(&name, "csv") {
            continue;
        }
        if mailchimp_status(&name).is_none() {
            return Err(bad(format!(
                "entry '{name}' is not a Mailchimp status file (subscribed, unsubscribed, cleaned, nonsubscribed)"
            )));
        }
        if entry.size() > MAX_ENTRY {
            return Err(bad(format!("entry '{name}' is larger than {} MiB", MAX_ENTRY / 1024 / 1024)));
        }
        let mut buf = Vec::new();
        (&mut entry)
            .take(MAX_ENTRY + 1)
            .read_to_end(&mut buf)
            .map_err(|_| bad(format!("entry '{name}' cannot be read")))?;
        if buf.len() as u64 > MAX_ENTRY {
            return Err(bad(format!("entry '{name}' expands beyond {} MiB", MAX_ENTRY / 1024 / 1024)));
        }
        files.push(parse_csv(&name, &buf, false)?);
    }
    if files.is_empty() {
        return Err(bad("the zip holds no Mailchimp CSV files".into()));
    }
    Ok(files)
}

/// The Mailchimp columns the import reads.
const MAILCHIMP_READ: &[&str] = &[
    "Email Address",
    "First Name",
    "Last Name",
    "Name",
    "Phone Number",
    "OPTIN_TIME",
    "CONFIRM_TIME",
    "UNSUB_TIME",
    "CLEAN_TIME",
    "EUID",
    "LEID",
];

fn mailchimp_rows(file: &CsvFile, zip_sha: &str, map: &[(String, String)], problems: &mut Problems) -> Vec<Entry> {
    let Some(status) = mailchimp_status(&file.name) else {
        problems.add_in(
            &file.name,
            1,
            "",
            "file name does not show a Mailchimp status (subscribed_..., unsubscribed_..., cleaned_...)",
        );
        return Vec::new();
    };
    if !file.has("Email Address") {
        problems.add_in(&file.name, 1, "Email Address", "missing column");
        return Vec::new();
    }
    if let Err(e) = file.repeats_agree(MAILCHIMP_READ) {
        problems.add_in(&file.name, 1, "", e.to_string().trim_start_matches(&format!("{}: ", file.name)).to_string());
        return Vec::new();
    }
    let mut out = Vec::new();
    for row in &file.rows {
        let g = |k: &str| file.get(row, k).to_string();
        // A field from the column mapped to it by hand, else from Mailchimp's own column.
        let field = |f: &str, own: &str| match map.iter().find(|(c, t)| t == f && file.has(c)) {
            Some((c, _)) => file.get(row, c).to_string(),
            None => g(own),
        };
        let email = g("Email Address");
        let evidence = format!(
            "mailchimp export sha256:{zip_sha} entry {} line {}; EUID {}; LEID {}; OPTIN_TIME {}; CONFIRM_TIME {}; times assumed UTC",
            file.name,
            row.line,
            g("EUID"),
            g("LEID"),
            g("OPTIN_TIME"),
            g("CONFIRM_TIME")
        );
        let mapped = match status {
            "subscribed" => {
                let optin = export_time(&g("OPTIN_TIME"));
                let confirm = export_time(&g("CONFIRM_TIME"));
                let name = if file.has("Name") || map.iter().any(|(_, t)| t == "name") {
                    field("name", "Name")
                } else {
                    format!("{} {}", field("first_name", "First Name"), field("last_name", "Last Name"))
                        .trim()
                        .to_string()
                };
                let grant = match (optin, confirm) {
                    (Some(o), Some(c)) if c > o => Some((c, format!("{evidence}; double opt-in"))),
                    (Some(o), _) => Some((o, format!("{evidence}; single opt-in"))),
                    // Mailchimp's timestamp_opt is the confirmation: a row with only CONFIRM_TIME
                    // is a confirmed opt-in.
                    (None, Some(c)) => {
                        Some((c, format!("{evidence}; confirmed opt-in (CONFIRM_TIME; no OPTIN_TIME in the export)")))
                    }
                    (None, None) => None,
                };
                Mapped::Subscriber {
                    email,
                    name,
                    phone: field("phone", "Phone Number").trim_start_matches('\'').to_string(),
                    joined: optin.or(confirm).map(|t| t.date_naive().to_string()),
                    grant,
                    why_no_evidence: "listed as subscribed but OPTIN_TIME and CONFIRM_TIME are empty: added by an admin or an import, so there is no opt-in evidence",
                }
            }
            "unsubscribed" => {
                Mapped::Suppressed { email, reason: "unsubscribed", at: export_time(&g("UNSUB_TIME")), evidence }
            }
            "cleaned" => Mapped::Suppressed { email, reason: "bounced", at: export_time(&g("CLEAN_TIME")), evidence },
            _ => Mapped::Ignored("rows_not_opted_in"),
        };
        out.push(Entry { file: file.name.clone(), line: row.line, row: mapped });
    }
    out
}

fn listmonk_rows(file: &CsvFile) -> Vec<Entry> {
    file.rows
        .iter()
        .map(|row| {
            let g = |k: &str| file.get(row, k).to_string();
            let mapped = match g("status").as_str() {
                "blocklisted" => Mapped::Suppressed {
                    email: g("email"),
                    reason: "blocklisted",
                    at: export_time(&g("updated_at")),
                    evidence: format!("listmonk export sha256:{} line {}", file.sha256, row.line),
                },
                _ => Mapped::Subscriber {
                    email: g("email"),
                    name: g("name"),
                    phone: String::new(),
                    joined: export_time(&g("created_at")).map(|t| t.date_naive().to_string()),
                    grant: None,
                    why_no_evidence: "a listmonk export holds no opt-in evidence (list subscriptions are not in it)",
                },
            };
            Entry { file: file.name.clone(), line: row.line, row: mapped }
        })
        .collect()
}

fn mailpoet_rows(file: &CsvFile, list: Option<&str>, problems: &mut Problems) -> Vec<Entry> {
    if !file.has("Email") {
        problems.add(1, "Email", "missing column");
        return Vec::new();
    }
    // The status columns are chosen when exporting: without them nothing can be said of anyone.
    for col in ["Global status", "List status"] {
        if !file.has(col) {
            problems.add(1, col, "missing column: export again with the subscribers' status fields selected");
            return Vec::new();
        }
    }
    // One row per subscriber per list: the purpose covers one list.
    let mut lists: Vec<&str> = Vec::new();
    for row in &file.rows {
        let l = file.get(row, "List");
        if !lists.contains(&l) {
            lists.push(l);
        }
    }
    let chosen = match (list, lists.as_slice()) {
        (Some(l), _) if lists.iter().any(|x| x.eq_ignore_ascii_case(l)) => Some(l),
        (Some(l), _) => {
            problems.add(1, "List", format!("no list '{l}' in the file; it holds: {}", lists.join(", ")));
            return Vec::new();
        }
        (None, [] | [_]) => None,
        (None, _) => {
            problems.add(
                1,
                "List",
                format!(
                    "the file holds several lists ({}): say which one the purpose covers with --list NAME",
                    lists.join(", ")
                ),
            );
            return Vec::new();
        }
    };
    file.rows
        .iter()
        .map(|row| {
            let g = |k: &str| file.get(row, k).to_string();
            let evidence = format!(
                "mailpoet export sha256:{} line {}; list {}; Subscription time {}; Confirmation time {}; times assumed UTC",
                file.sha256,
                row.line,
                g("List"),
                g("Subscription time"),
                g("Confirmation time")
            );
            let global = g("Global status");
            let this_list = chosen.is_none_or(|l| g("List").eq_ignore_ascii_case(l));
            let mapped = match global.as_str() {
                // Address-wide: the subscriber left MailPoet altogether, or bounced.
                "unsubscribed" => Mapped::Suppressed { email: g("Email"), reason: "unsubscribed", at: None, evidence },
                "bounced" => Mapped::Suppressed { email: g("Email"), reason: "bounced", at: None, evidence },
                _ if !this_list => Mapped::Ignored("rows_of_other_lists"),
                "subscribed" if g("List status") == "unsubscribed" => Mapped::LeftList { email: g("Email"), evidence },
                "subscribed" => {
                    let confirmed = export_time(&g("Confirmation time"));
                    let subscribed = export_time(&g("Subscription time"));
                    let grant = confirmed
                        .map(|t| (t, format!("{evidence}; double opt-in")))
                        .or_else(|| subscribed.map(|t| (t, format!("{evidence}; subscription time"))));
                    Mapped::Subscriber {
                        email: g("Email"),
                        name: format!("{} {}", g("First name"), g("Last name")).trim().to_string(),
                        phone: String::new(),
                        joined: subscribed.map(|t| t.date_naive().to_string()),
                        grant,
                        why_no_evidence: "subscribed but with no subscription or confirmation time",
                    }
                }
                _ => Mapped::Subscriber {
                    email: g("Email"),
                    name: format!("{} {}", g("First name"), g("Last name")).trim().to_string(),
                    phone: String::new(),
                    joined: None,
                    grant: None,
                    why_no_evidence: "MailPoet status unconfirmed or inactive: never a consent",
                },
            };
            Entry { file: file.name.clone(), line: row.line, row: mapped }
        })
        .collect()
}

fn wordpress_rows(file: &CsvFile) -> Vec<Entry> {
    // A list saved without a header starts with an address: that line is a subscriber too.
    let first = file
        .headers
        .first()
        .filter(|h| file.headers.len() == 1 && crate::domain::model::email_looks_valid(h.trim()))
        .map(|h| super::CsvRow { line: 1, cells: vec![h.clone()] });
    first
        .iter()
        .chain(&file.rows)
        .map(|row| Entry {
            file: file.name.clone(),
            line: row.line,
            row: Mapped::Subscriber {
                email: row.cells.first().cloned().unwrap_or_default(),
                name: String::new(),
                phone: String::new(),
                joined: None,
                grant: None,
                why_no_evidence: "a WordPress.com subscriber list holds only addresses: no date, method or wording",
            },
        })
        .collect()
}

/// Map the files of an export to entries.
pub fn import(
    c: &Change<'_>,
    kind: ExportKind,
    files: &[CsvFile],
    sha: &str,
    facts: &ListFacts,
    problems: &mut Problems,
    counts: &mut Counts,
) -> Result<()> {
    let mut entries = Vec::new();
    for f in files {
        entries.extend(match kind {
            ExportKind::Mailchimp => mailchimp_rows(f, sha, &facts.map, problems),
            ExportKind::Listmonk => listmonk_rows(f),
            ExportKind::Mailpoet => mailpoet_rows(f, facts.list.as_deref(), problems),
            ExportKind::WordpressCom => wordpress_rows(f),
        });
    }
    let source = format!("import:{sha}");
    let source_label = format!("{}:{}", kind.as_str(), &sha[..12]);
    let lookup = crate::register::catalogue::RegisterLookup::new(c);
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for e in entries {
        let email = match &e.row {
            Mapped::Subscriber { email, .. } | Mapped::Suppressed { email, .. } | Mapped::LeftList { email, .. } => {
                email.clone()
            }
            Mapped::Ignored(what) => {
                bump(counts, what);
                continue;
            }
        };
        if !email_looks_valid(&email) {
            problems.add_in(&e.file, e.line, "email", "not an email address");
            continue;
        }
        let norm = normalise_email(&email);
        if let Some(first) = seen.get(&norm)
            && kind != ExportKind::Mailpoet
        {
            problems.add_in(&e.file, e.line, "email", format!("duplicate email (same address as line {first})"));
            continue;
        }
        seen.insert(norm.clone(), e.line);
        match e.row {
            Mapped::Suppressed { reason, at, evidence, .. } => {
                let at = at.unwrap_or(c.now);
                if suppression::suppress_email(c, &norm, reason, &fmt_ts(at), &source_label)? {
                    bump(counts, if reason == "bounced" { "suppressed_bounced" } else { "suppressed_unsubscribed" });
                } else {
                    bump(counts, "already_suppressed");
                }
                if reason != "bounced"
                    && let Some(p) = people::person_by_email(c, &norm)?
                {
                    let raw = RawConsent {
                        purpose: (facts.purpose.clone()).into(),
                        action: "withdraw".into(),
                        controllers: (String::new()).into(),
                        channels: "email".into(),
                        evidence_ref: (evidence).into(),
                        at: (fmt_ts(at)).into(),
                        recorded_by: (c.actor.to_string()).into(),
                        ..RawConsent::default()
                    };
                    match apply_consent(c, &lookup, &p, &raw, &source)? {
                        Ok(Some(_)) => bump(counts, "withdrawals_added"),
                        Ok(None) => {}
                        Err(ps) => ps.into_iter().for_each(|(col, m)| problems.add_in(&e.file, e.line, col, m)),
                    }
                }
            }
            Mapped::LeftList { evidence, .. } => {
                bump(counts, "left_the_list");
                if let Some(p) = people::person_by_email(c, &norm)? {
                    let raw = RawConsent {
                        purpose: (facts.purpose.clone()).into(),
                        action: "withdraw".into(),
                        controllers: (facts.controllers.clone()).into(),
                        channels: "email".into(),
                        evidence_ref: (evidence).into(),
                        at: (fmt_ts(c.now)).into(),
                        recorded_by: (c.actor.to_string()).into(),
                        ..RawConsent::default()
                    };
                    match apply_consent(c, &lookup, &p, &raw, &source)? {
                        Ok(Some(_)) => bump(counts, "withdrawals_added"),
                        Ok(None) => {}
                        Err(ps) => ps.into_iter().for_each(|(col, m)| problems.add_in(&e.file, e.line, col, m)),
                    }
                }
            }
            Mapped::Subscriber { email, name, phone, joined, grant, why_no_evidence } => {
                if grant.is_none() && !facts.without_consent {
                    problems.add_in(
                        &e.file,
                        e.line,
                        "",
                        format!("{why_no_evidence}; no consent is invented (use --without-consent to import such rows as people only)"),
                    );
                    continue;
                }
                if is_erased_email(c, &norm)? {
                    problems.add_in(
                        &e.file,
                        e.line,
                        "email",
                        "this address belongs to an erased person and cannot be added back",
                    );
                    continue;
                }
                let person = match people::person_by_email(c, &norm)? {
                    Some(p) => {
                        bump(counts, "people_matched");
                        p
                    }
                    None => {
                        let fields = PersonFields {
                            reference: None,
                            details: crate::domain::people::Details {
                                name: Some(name),
                                email_norm: Some(norm.clone()),
                                email: Some(email.trim().to_string()),
                                phone: (!phone.is_empty()).then_some(phone),
                                jurisdiction: crate::domain::model::Jurisdiction::Unknown,
                                source: Some(source_label.clone()),
                                joined_on: joined,
                                ..crate::domain::people::Details::default()
                            },
                        };
                        match upsert_person(c, &fields)? {
                            Ok((Upsert::New, id)) => {
                                bump(counts, "people_added");
                                people::person_required(c, &id)?
                            }
                            Ok((_, id)) => people::person_required(c, &id)?,
                            Err(ps) => {
                                ps.into_iter().for_each(|(col, m)| problems.add_in(&e.file, e.line, col, m));
                                continue;
                            }
                        }
                    }
                };
                let Some((at, evidence)) = grant else {
                    bump(counts, "people_without_consent");
                    continue;
                };
                let raw = RawConsent {
                    purpose: (facts.purpose.clone()).into(),
                    action: "grant".into(),
                    controllers: (facts.controllers.clone()).into(),
                    channels: "email".into(),
                    statement_version: (facts.statement_version.clone()).into(),
                    statement_format: (facts.statement_format.clone()).into(),
                    notice_version: (facts.notice_version.clone()).into(),
                    method: (facts.method.clone()).into(),
                    evidence_ref: (evidence).into(),
                    at: (fmt_ts(at)).into(),
                    recorded_by: (c.actor.to_string()).into(),
                    told_can_withdraw: "yes".into(),
                    ..RawConsent::default()
                };
                match apply_consent(c, &lookup, &person, &raw, &source)? {
                    Ok(Some(_)) => bump(counts, "grants_added"),
                    Ok(None) => bump(counts, "grants_unchanged"),
                    Err(ps) => ps.into_iter().for_each(|(col, m)| problems.add_in(&e.file, e.line, col, m)),
                }
            }
            Mapped::Ignored(_) => {}
        }
    }
    Ok(())
}

/// Whether a file name ends in `.ext`, in any case (exports are often named `.CSV`).
fn has_extension(name: &str, ext: &str) -> bool {
    std::path::Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_times_keep_their_offsets() {
        let t = |s: &str| export_time(s).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        assert_eq!(t("2024-07-01 00:15:00 +0100 +0100").as_deref(), Some("2024-06-30T23:15:00Z"));
        assert_eq!(t("2024-07-01 00:15:00.123456 +0100 BST").as_deref(), Some("2024-06-30T23:15:00Z"));
        assert_eq!(t("2024-01-05 09:00:00 -0500 EST m=+0.000001").as_deref(), Some("2024-01-05T14:00:00Z"));
        assert_eq!(t("2024-07-01 00:15:00 +0000 UTC").as_deref(), Some("2024-07-01T00:15:00Z"));
        assert_eq!(t("2024-07-01 00:15:00").as_deref(), Some("2024-07-01T00:15:00Z"));
        assert_eq!(t("2024-07-01T00:15:00+01:00").as_deref(), Some("2024-06-30T23:15:00Z"));
        assert_eq!(t("yesterday"), None);
    }

    #[test]
    fn mailchimp_repeated_columns_and_confirm_only_opt_ins() {
        let head = "Email Address,First Name,OPTIN_TIME,CONFIRM_TIME,UNSUB_TIME,UNSUB_REASON,UNSUB_REASON,LEID,EUID";
        let csv = |rows: &str| format!("{head}\r\n{rows}");
        let file = |name: &str, text: &str| crate::records::import::parse_csv(name, text.as_bytes(), false).unwrap();
        // A repeated column the import does not read: left alone.
        let f = file(
            "unsubscribed_email_audience_export_a1.csv",
            &csv("a@example.org,A,,,2024-05-01 10:00:00,NORMAL,OTHER,1,e1\r\n"),
        );
        let mut p = Problems::new("x");
        assert_eq!(mailchimp_rows(&f, "00".repeat(32).as_str(), &[], &mut p).len(), 1);
        assert!(p.rows.is_empty());
        // A repeated column it reads: taken if the copies agree, refused naming both if not.
        let head2 = "Email Address,OPTIN_TIME,UNSUB_TIME,UNSUB_TIME,LEID,EUID";
        let same = file(
            "unsubscribed_email_audience_export_b2.csv",
            &format!("{head2}\na@example.org,,2024-05-01 10:00:00,2024-05-01 10:00:00,1,e\n"),
        );
        let mut p = Problems::new("x");
        assert_eq!(mailchimp_rows(&same, "00", &[], &mut p).len(), 1);
        let differ = file(
            "unsubscribed_email_audience_export_b2.csv",
            &format!("{head2}\na@example.org,,2024-05-01 10:00:00,2024-06-01 10:00:00,1,e\n"),
        );
        let mut p = Problems::new("x");
        assert!(mailchimp_rows(&differ, "00", &[], &mut p).is_empty());
        assert!(p.rows[0].message.contains("positions 3 and 4 and line 2"), "{}", p.rows[0].message);
        // Subscribed with CONFIRM_TIME only: a confirmed opt-in at that time, on the physical line.
        let f =
            file("subscribed_email_audience_export_a1.csv", &csv("a@example.org,A,,2024-05-01 10:00:00,,,,1,e1\r\n"));
        let rows = mailchimp_rows(&f, "00", &[], &mut Problems::new("x"));
        let Mapped::Subscriber { grant: Some((at, evidence)), .. } = &rows[0].row else { panic!("no grant") };
        assert_eq!(at.to_rfc3339(), "2024-05-01T10:00:00+00:00");
        assert!(evidence.contains("confirmed opt-in") && evidence.contains("line 2"), "{evidence}");
    }

    #[test]
    fn a_wordpress_list_without_a_header_keeps_its_first_address() {
        for (text, n) in
            [("emailme@example.org\nb@example.org\n", 2), ("Email\nemailme@example.org\nb@example.org\n", 2)]
        {
            let f = crate::records::import::parse_csv("subscribers.csv", text.as_bytes(), false).unwrap();
            assert_eq!(detect_csv(&f), Some(ExportKind::WordpressCom));
            let rows = wordpress_rows(&f);
            assert_eq!(rows.len(), n, "{text}");
            assert!(matches!(&rows[0].row, Mapped::Subscriber { email, .. } if email == "emailme@example.org"));
            assert_eq!(rows[0].line, if text.starts_with("Email") { 2 } else { 1 });
        }
    }
}
