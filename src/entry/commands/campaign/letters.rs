//! `campaign letters`: the post channel's letters, streamed one person at a time into one page per
//! format, with the list of who got which; the codes issued in the same step.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use super::{audience, code_key, open_campaign};
use crate::Ctx;
use crate::audit::asking;
use crate::base::error::{Error, Result};
use crate::domain::model::{CampaignChannel, CampaignKind, CommunicationNeeds, TextFormat, fmt_ts};
use crate::entry::output::Outcome;
use crate::register::campaigns::{self, Campaign};
use crate::register::{Db, catalogue};

/// The page each format's letters go into (after `prefix`: "" or "reminder-").
fn file_of(prefix: &str, needs: CommunicationNeeds) -> String {
    let format = match needs {
        CommunicationNeeds::Standard => "standard",
        CommunicationNeeds::LargePrint => "large-print",
        CommunicationNeeds::EasyRead => "easy-read",
    };
    format!("{prefix}letters-{format}.html")
}

/// The statement format a letter in `needs` shows.
fn shown(needs: CommunicationNeeds) -> TextFormat {
    if needs == CommunicationNeeds::EasyRead { TextFormat::EasyRead } else { TextFormat::Standard }
}

/// Postal addresses by person reference, from `ref` and `address` (lines split at line breaks) or
/// `address_1`..`address_5` and `postcode`. A reference not in the register refuses the file.
fn read_addresses(reg: &Db, path: &Path) -> Result<BTreeMap<String, Vec<String>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let file = crate::records::import::parse_csv(&name, &bytes, false)?;
    let bad = |why: String| Error::ImportFormat {
        file: name.clone(),
        why,
        hint: "give a CSV with a ref column and address (or address_1 .. address_5 and postcode) columns".into(),
    };
    let ref_col =
        ["ref", "person_ref"].into_iter().find(|c| file.has(c)).ok_or_else(|| bad("it has no ref column".into()))?;
    let parts: Vec<String> = std::iter::once("address".to_string())
        .chain((1..=5).map(|i| format!("address_{i}")))
        .chain(std::iter::once("postcode".to_string()))
        .filter(|c| file.has(c))
        .collect();
    if parts.is_empty() {
        return Err(bad("it has no address columns".into()));
    }
    let mut out = BTreeMap::new();
    for (i, row) in file.rows.iter().enumerate() {
        let reference = file.get(row, ref_col).trim().to_string();
        if reference.is_empty() {
            continue;
        }
        if crate::register::people::person(reg, &reference)?.is_none() {
            return Err(bad(format!("row {}: no person {reference} in the register", i + 2)));
        }
        let lines: Vec<String> = parts
            .iter()
            .flat_map(|c| file.get(row, c).lines().map(|l| l.trim().to_string()).collect::<Vec<_>>())
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            out.insert(reference, lines);
        }
    }
    Ok(out)
}

/// `campaign letters`.
pub fn letters(ctx: &Ctx, id: &str, out: &Path, addresses: Option<&Path>) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let k = campaigns::campaign(&reg, id)?;
    open_campaign(ctx, &k)?;
    let post: Vec<_> =
        audience(ctx, &reg, &k)?.into_iter().filter(|(_, g)| g.channel == CampaignChannel::Post).collect();
    let w = write_letters(ctx, &reg, &k, post, out, addresses, "")?;
    let at = fmt_ts(ctx.now);
    reg.change(ctx.now, |c| {
        for i in &w.issued {
            campaigns::issue(c, &k.id, &i.as_issue(), &at)?;
        }
        c.audit(
            "campaign.letters",
            &k.id,
            serde_json::json!({ "letters": w.issued.len(), "by_format": w.counts, "no_contact_route": w.unreachable }),
        )
    })?;
    let text = format!("wrote {} letter(s) into {}: {}\n", w.issued.len(), out.display(), w.summary());
    w.staged.publish()?;
    let data = serde_json::json!({
        "campaign": k.id,
        "letters": w.issued.len(),
        "by_format": w.counts,
        "no_contact_route": w.unreachable,
        "folder": out.display().to_string(),
    });
    Ok(Outcome::new("campaign_letters", data, text).note(
        "print each page on A4 (one letter per page); letters.csv says who gets which and how; record who was sent what with `handover campaign send-log` (letters.csv with a sent_at column), and each slip that comes back with `handover campaign reply`",
    ))
}

/// One person's letter: their id, code, the statement format it shows and its digest.
pub(super) struct Lettered {
    person_id: String,
    code: String,
    format: TextFormat,
    sha256: String,
}

impl Lettered {
    /// The code's issue, with the letter.
    pub(super) fn as_issue(&self) -> campaigns::Issue<'_> {
        campaigns::Issue {
            person_id: &self.person_id,
            code: &self.code,
            channel: CampaignChannel::Post,
            format: self.format,
            letter_sha256: Some(&self.sha256),
        }
    }
}

/// Letters written (under temporary names, published by the caller once the register has
/// recorded them): the codes to issue, the count per format, and who has no contact route.
pub(super) struct Written {
    pub(super) staged: crate::base::staged::Staged,
    pub(super) issued: Vec<Lettered>,
    pub(super) counts: BTreeMap<String, usize>,
    pub(super) unreachable: usize,
}

impl Written {
    /// "2 easy_read, 40 standard; 3 with no address and no hub".
    pub(super) fn summary(&self) -> String {
        Written::summary_of(&self.counts, self.unreachable)
    }

    /// [`Written::summary`] of counts per format and those with no contact route.
    pub(super) fn summary_of(counts: &BTreeMap<String, usize>, unreachable: usize) -> String {
        let mut s = if counts.is_empty() {
            "none".to_string()
        } else {
            counts.iter().map(|(f, n)| format!("{n} {f}")).collect::<Vec<_>>().join(", ")
        };
        if unreachable > 0 {
            s.push_str(&format!("; {unreachable} with no address and no hub (listed in the list)"));
        }
        s
    }
}

/// Write a letter for each of `people` (after `prefix`: "" or "reminder-"), one page per format
/// and the list of who gets which, under temporary names in `out`.
pub(super) fn write_letters(
    ctx: &Ctx,
    reg: &Db,
    k: &Campaign,
    people: Vec<(crate::register::people::Person, crate::transfer::campaign::Gate)>,
    out: &Path,
    addresses: Option<&Path>,
    prefix: &str,
) -> Result<Written> {
    let id = &k.id;
    let own = catalogue::self_controller(reg)?;
    let to = catalogue::controller(reg, &k.controller)?
        .ok_or_else(|| Error::NotFound { kind: "controller", id: k.controller.clone() })?;
    let Some(contact) = k.contact.clone().or_else(|| own.contact.clone()).filter(|c| !c.trim().is_empty()) else {
        return Err(Error::bad(
            "ID",
            format!(
                "the letters need a contact for questions and changes of mind: set one with `handover controller edit {} --contact TEXT`",
                own.slug
            ),
        ));
    };
    let addresses = match addresses {
        Some(p) => Some(read_addresses(reg, p)?),
        None => None,
    };
    let list_name = format!("{prefix}letters.csv");
    std::fs::create_dir_all(out).map_err(|e| Error::io("create", out, e))?;
    for f in CommunicationNeeds::ALL.iter().map(|n| file_of(prefix, *n)).chain([list_name.clone()]) {
        if out.join(&f).exists() {
            return Err(Error::bad(
                "--out",
                format!("{} exists already: write each run's letters into a new folder", out.join(f).display()),
            ));
        }
    }
    // Each use's question and the statement's words in each format.
    let mut questions: BTreeMap<TextFormat, Vec<asking::Question>> = BTreeMap::new();
    for ask in &k.asks {
        let name = catalogue::purpose(reg, &ask.purpose)?.map_or_else(|| ask.purpose.clone(), |p| p.name);
        let bodies = catalogue::text_bodies(reg, "statement", &ask.statement_version)?;
        for format in [TextFormat::Standard, TextFormat::EasyRead] {
            let body = bodies.iter().find(|(f, _, _)| f == format.as_str()).map(|(_, _, b)| b.trim().to_string());
            let Some(statement) = body else {
                return Err(Error::bad("ID", format!("statement {} has no {format} text", ask.statement_version)));
            };
            questions.entry(format).or_default().push(asking::Question {
                purpose: ask.purpose.clone(),
                name: name.clone(),
                statement,
            });
        }
    }
    // A notice campaign's letter tells its notice (the standard words); its slip is an objection.
    // The privacy notice it points to is the latest general one in effect.
    let tells = match (k.kind, &k.notice_version) {
        (CampaignKind::Notice, Some(v)) => {
            let text = catalogue::text_bodies(reg, "notice", v)?
                .into_iter()
                .find(|(f, _, _)| f == "standard")
                .map(|(_, _, b)| b.trim().to_string())
                .ok_or_else(|| Error::bad("ID", format!("notice {v} has no standard text")))?;
            Some(asking::Notice { version: v.clone(), text })
        }
        _ => None,
    };
    let general_notice = catalogue::texts(reg, "notice")?
        .into_iter()
        .rfind(|t| {
            t.announces.is_empty()
                && crate::domain::model::parse_timestamp(&t.effective_from).is_some_and(|e| e <= ctx.now)
        })
        .map(|t| t.version)
        .unwrap_or_default();
    let facts = asking::Campaign {
        community: crate::register::setting(reg, "community")?.unwrap_or_default(),
        from: own.name.clone(),
        to: to.name.clone(),
        contact,
        closes: chrono::NaiveDate::parse_from_str(&k.closes_on, "%Y-%m-%d")
            .map_err(|_| Error::Internal(format!("campaign {id} closes on an unreadable day")))?,
        written: crate::domain::deadline::london_date(ctx.now),
        notice: tells.as_ref().map_or_else(|| k.notice_version.clone().unwrap_or_default(), |_| general_notice.clone()),
        reminder: !prefix.is_empty(),
        tells,
    };
    let key = code_key(reg)?;
    let mut staged = crate::base::staged::Staged::new();
    let mut pages: BTreeMap<CommunicationNeeds, (std::io::BufWriter<std::fs::File>, std::path::PathBuf)> =
        BTreeMap::new();
    let mut issued = Vec::new();
    let mut list = Vec::new();
    let mut unreachable = 0usize;
    let io = |p: &Path, e: std::io::Error| Error::io("write", p, e);
    for (p, g) in people {
        let address = addresses.as_ref().and_then(|a| a.get(&p.reference));
        let delivery = match (&addresses, address, p.hub.as_deref()) {
            (None, _, _) => "post_from_your_records",
            (Some(_), Some(_), _) => "post",
            (Some(_), None, Some(_)) => "hub",
            (Some(_), None, None) => {
                unreachable += 1;
                list.push(vec![p.reference.clone(), String::new(), String::new(), "no_contact_route".into()]);
                continue;
            }
        };
        let needs = p.communication_needs.unwrap_or(CommunicationNeeds::Standard);
        let code = match campaigns::code_of(reg, &k.id, p.id.as_str())? {
            Some(c) => c,
            None => crate::domain::reply_code::make(&key, &k.id, p.id.as_str()),
        };
        let format = shown(needs);
        let asked: Vec<&asking::Question> =
            questions.get(&format).into_iter().flatten().filter(|q| g.asks.contains(&q.purpose)).collect();
        let recipient = asking::Recipient {
            name: p.name.as_deref().unwrap_or_default(),
            address: address.map(Vec::as_slice),
            hub: if delivery == "hub" { p.hub.as_deref() } else { None },
            code: &code,
            questions: asked,
        };
        let (w, tmp) = match pages.entry(needs) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let (f, tmp) = staged.create(&out.join(file_of(prefix, needs)), 0o600)?;
                let mut w = std::io::BufWriter::new(f);
                w.write_all(asking::head(needs).as_bytes()).map_err(|e| io(&tmp, e))?;
                e.insert((w, tmp))
            }
        };
        let letter = asking::letter(&facts, &recipient, needs);
        w.write_all(letter.as_bytes()).map_err(|e| io(tmp, e))?;
        list.push(vec![p.reference.clone(), code.clone(), needs.to_string(), delivery.into()]);
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(letter.as_bytes()));
        issued.push(Lettered { person_id: p.id.to_string(), code, format, sha256 });
    }
    for (mut w, tmp) in pages.into_values() {
        w.write_all(asking::tail().as_bytes()).map_err(|e| io(&tmp, e))?;
        let f = w.into_inner().map_err(|e| io(&tmp, e.into_error()))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for row in &list {
        if !row[2].is_empty() {
            *counts.entry(row[2].clone()).or_default() += 1;
        }
    }
    let csv = crate::base::encode::csv_bytes(&["ref", "code", "format", "delivery"], &list)?;
    staged.write(&out.join(list_name), 0o600, &csv)?;
    Ok(Written { staged, issued, counts, unreachable })
}
