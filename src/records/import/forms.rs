//! A campaign's answers from a form tool's export (Google Forms, Microsoft Forms, Typeform,
//! Jotform) or from paper slips keyed into a CSV, all or nothing. The columns are found by the
//! titles `campaign form` gives: the code ("Your code", or a hidden field "code"), each question
//! ("Q1 purpose ...", or for paper the purpose's code as the header), and the optional "Someone
//! helped me", "Someone signed for me" and "Stop sending me letters". Each row's time is the
//! tool's own column, read with its zone (a zone-less time needs `--zone`).
//!
//! Per row: an unknown code or a wrong check character is refused (naming the line); a blank is
//! no answer (never consent); both boxes ticked is spoiled; a reply after the closing day, one
//! signed for by someone (without registered authority) or noting a capacity concern goes to the
//! data protection lead for review (R9, R21), not into consent; "stop sending me letters" records
//! an objection to the campaign's uses and to marketing, and suppresses the address.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::{Counts, CsvFile, CsvRow, Problems};
use crate::base::error::{Error, Result};
use crate::domain::model::{CampaignAnswer, TextFormat, normalise_email};
use crate::records::campaign::{Reply, record};
use crate::register::campaigns::{self, AskedUse, Campaign};
use crate::register::catalogue::{self, RegisterLookup};
use crate::register::{Change, people};

/// The tool an export comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormTool {
    GoogleForms,
    MicrosoftForms,
    Typeform,
    Jotform,
    Paper,
}

impl FormTool {
    /// The column that holds when the person answered, and whether its times are UTC.
    fn time_column(self) -> (&'static str, bool) {
        match self {
            FormTool::GoogleForms => ("Timestamp", false),
            FormTool::MicrosoftForms => ("Completion time", false),
            FormTool::Typeform => ("Submit Date (UTC)", true),
            FormTool::Jotform => ("Submission Date", false),
            FormTool::Paper => ("date_written", false),
        }
    }
}

/// How to read a time that states no zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    London,
    Utc,
}

/// What the import needs besides the file.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    pub tool: FormTool,
    pub zone: Option<Zone>,
    /// Who keyed the paper slips in.
    pub keyed_by: &'a str,
}

/// The title prefix of question `n` (1-based) about `purpose`: "Q1 disclose_to_successor".
pub fn question_prefix(n: usize, purpose: &str) -> String {
    format!("Q{n} {purpose}")
}

/// The optional columns' titles.
pub const HELPED: &str = "Someone helped me";
pub const SIGNED_FOR: &str = "Someone signed for me";
pub const STOP_LETTERS: &str = "Stop sending me letters";
/// The code's title on a form.
pub const CODE: &str = "Your code";
/// A notice campaign's one question: the objection.
pub const OBJECT: &str = "I object";

fn starts(header: &str, prefix: &str) -> bool {
    header.trim().to_lowercase().starts_with(&prefix.to_lowercase())
}

/// The column whose header starts with any of `prefixes` (case-insensitive).
fn find(file: &CsvFile, prefixes: &[&str]) -> Option<usize> {
    file.headers.iter().position(|h| prefixes.iter().any(|p| starts(h, p)))
}

/// A time as the tool writes it: RFC 3339; Google Forms' `2026/12/04 10:15:32 am GMT+1`; or a
/// zone-less `2026-12-04 10:15:32`, `2026/12/04 10:15:32`, `04/12/2026 10:15` (day first) or
/// Excel's day number, read in `zone`; paper's `2026-12-04` (a London day: the end of it).
pub fn parse_time(text: &str, zone: Option<Zone>) -> std::result::Result<DateTime<Utc>, String> {
    let t = text.trim();
    if let Some(at) = crate::domain::model::parse_timestamp(t) {
        return Ok(at);
    }
    // A date written on a slip is a day in London: the end of it.
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(crate::domain::deadline::end_of_day_london(d));
    }
    let (body, offset) = split_zone(t);
    let naive = parse_naive(body).ok_or_else(|| format!("'{t}' is not a time this import reads"))?;
    match (offset, zone) {
        (Some(minutes), _) => Ok(Utc.from_utc_datetime(&naive) - Duration::minutes(minutes)),
        (None, Some(Zone::Utc)) => Ok(Utc.from_utc_datetime(&naive)),
        (None, Some(Zone::London)) => {
            let guess = Utc.from_utc_datetime(&naive);
            Ok(guess - Duration::hours(crate::domain::deadline::london_offset_hours(guess - Duration::hours(1))))
        }
        (None, None) => Err(format!("'{t}' gives no time zone: say how to read it with --zone london or --zone utc")),
    }
}

/// A trailing zone (`GMT`, `UTC`, `BST`, `GMT+1`, `GMT+01:00`, `+01:00`) as minutes east of UTC.
fn split_zone(t: &str) -> (&str, Option<i64>) {
    let Some((body, last)) = t.rsplit_once(' ') else { return (t, None) };
    let z = last.to_ascii_uppercase();
    let offset = |s: &str| -> Option<i64> {
        if s.is_empty() {
            return Some(0);
        }
        let (sign, rest) = match s.as_bytes()[0] {
            b'+' => (1, &s[1..]),
            b'-' => (-1, &s[1..]),
            _ => return None,
        };
        let (h, m) = match rest.split_once(':') {
            Some((h, m)) => (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?),
            None => (rest.parse::<i64>().ok()?, 0),
        };
        (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
    };
    let minutes = match z.as_str() {
        "BST" => Some(60),
        _ if z.starts_with("GMT") || z.starts_with("UTC") => offset(&z[3..]),
        _ if z.starts_with('+') || z.starts_with('-') => offset(&z),
        _ => None,
    };
    match minutes {
        Some(m) => (body, Some(m)),
        None => (t, None),
    }
}

fn parse_naive(t: &str) -> Option<NaiveDateTime> {
    const FORMATS: &[&str] = &[
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %I:%M:%S %p",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ];
    let upper = t.to_ascii_uppercase();
    if let Some(n) = FORMATS.iter().find_map(|f| NaiveDateTime::parse_from_str(&upper, f).ok()) {
        return Some(n);
    }
    // Excel's day number (days since 1899-12-30, the fraction the time of day).
    let days: f64 = t.parse().ok().filter(|d| (20_000.0..80_000.0).contains(d))?;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    Some(base + Duration::seconds((days * 86_400.0).round() as i64))
}

/// One cell's answer: yes, no, both (spoiled), or blank (no answer).
fn answer(cell: &str) -> std::result::Result<Option<CampaignAnswer>, ()> {
    let words: Vec<String> =
        cell.split([',', ';', '/']).map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect();
    let yes = words.iter().any(|w| w == "yes" || w == "y");
    let no = words.iter().any(|w| w == "no" || w == "n");
    if words.iter().any(|w| !matches!(w.as_str(), "yes" | "y" | "no" | "n" | "both")) {
        return Err(());
    }
    Ok(match (yes, no, words.iter().any(|w| w == "both")) {
        (_, _, true) | (true, true, _) => Some(CampaignAnswer::Spoiled),
        (true, false, false) => Some(CampaignAnswer::Yes),
        (false, true, false) => Some(CampaignAnswer::No),
        (false, false, false) => None,
    })
}

/// A row's cell in column `col` (empty when there is no such column), trimmed.
fn cell(row: &CsvRow, col: Option<usize>) -> &str {
    col.and_then(|i| row.cells.get(i)).map_or("", |s| s.trim())
}

fn yes(cell: &str) -> bool {
    matches!(cell.trim().to_lowercase().as_str(), "yes" | "y" | "true" | "x" | "stop" | "yes, stop")
}

/// Import the answers in `file` to campaign `k`.
pub fn import(
    c: &Change<'_>,
    k: &Campaign,
    file: &CsvFile,
    o: &Options<'_>,
    problems: &mut Problems,
    counts: &mut Counts,
) -> Result<()> {
    let refuse = |why: String| Error::ImportFormat {
        file: file.name.clone(),
        why,
        hint: format!("give the titles `handover campaign form {}` lists to the form's questions", k.id),
    };
    let code_col = find(file, &[CODE, "code"]);
    let email_col = (o.tool == FormTool::Paper).then(|| find(file, &["email"])).flatten();
    if code_col.is_none() && email_col.is_none() {
        return Err(refuse("it has no code column (\"Your code\")".into()));
    }
    let (time_title, utc) = o.tool.time_column();
    let time_col = find(file, &[time_title]).ok_or_else(|| refuse(format!("it has no \"{time_title}\" column")))?;
    let mut asks: Vec<(&AskedUse, usize)> = Vec::new();
    for (i, ask) in k.asks.iter().enumerate() {
        let prefix = question_prefix(i + 1, &ask.purpose);
        let col = find(file, &[&prefix])
            .or_else(|| (o.tool == FormTool::Paper).then(|| find(file, &[&ask.purpose])).flatten())
            .ok_or_else(|| refuse(format!("it has no column for question {} (\"{prefix} ...\")", i + 1)))?;
        asks.push((ask, col));
    }
    // A notice campaign asks one thing: whether the person objects (any time: never late).
    let notice = k.kind == crate::domain::model::CampaignKind::Notice;
    let object_col = if notice {
        Some(find(file, &[OBJECT, "object"]).ok_or_else(|| refuse(format!("it has no \"{OBJECT}\" column")))?)
    } else {
        None
    };
    let helped = find(file, &[HELPED, "helped_by"]);
    let signed_for = find(file, &[SIGNED_FOR, "signed_for_by"]);
    let stop = find(file, &[STOP_LETTERS, "stop_letters"]);
    let capacity = find(file, &["capacity_concern"]);
    let zone = if utc { Some(Zone::Utc) } else { o.zone };
    let closes = NaiveDate::parse_from_str(&k.closes_on, "%Y-%m-%d")
        .map_err(|_| refuse("the campaign's closing day does not read".into()))?;
    let closes_at = crate::domain::deadline::end_of_day_london(closes);
    let lookup = RegisterLookup::new(c);
    let short_sha = &file.sha256[..16];
    let method = if o.tool == FormTool::Paper { "paper_signed" } else { "online_checkbox" };
    let marketing: Vec<String> = catalogue::purposes(c)?.into_iter().filter(|p| p.marketing).map(|p| p.code).collect();
    for row in &file.rows {
        let line = row.line;
        let before = problems.len();
        // Whose answer: their code, or on a hub form their email.
        let mut format = TextFormat::Standard;
        let code_text = cell(row, code_col);
        let mut code = None;
        let mut letter = None;
        let person = if !code_text.is_empty() {
            match crate::domain::reply_code::parse(code_text) {
                Err(b) => {
                    problems.add(line, "code", b.to_string());
                    None
                }
                Ok(typed) => match campaigns::by_code(c, &k.id, &typed)? {
                    None => {
                        problems.add(
                            line,
                            "code",
                            format!("no letter or email of campaign {} carries this code", k.id),
                        );
                        None
                    }
                    Some(issued) if issued.revoked_at.is_some() => {
                        problems.add(line, "code", "this code was revoked");
                        None
                    }
                    Some(issued) => {
                        format = issued.statement_format;
                        letter = issued.letter_sha256.clone();
                        code = Some(typed);
                        people::person(c, &issued.person_id)?
                    }
                },
            }
        } else {
            let email = cell(row, email_col);
            if email.is_empty() {
                problems.add(line, "code", "no code (or, on a hub form, no email): whose answer is it?");
                None
            } else {
                let found = people::person_by_email(c, &normalise_email(email))?;
                if found.is_none() {
                    problems.add(line, "email", "no one in the register has this address");
                }
                found
            }
        };
        let written = cell(row, Some(time_col));
        let at = match parse_time(written, zone) {
            // A day written today: answered by now.
            Ok(t)
                if t > c.now
                    && NaiveDate::parse_from_str(written, "%Y-%m-%d")
                        .is_ok_and(|d| d == crate::domain::deadline::london_date(c.now)) =>
            {
                Some(c.now)
            }
            Ok(t) if t > c.now => {
                problems.add(line, time_title, "is in the future");
                None
            }
            Ok(t) => Some(t),
            Err(why) => {
                problems.add(line, time_title, why);
                None
            }
        };
        let mut given = Vec::new();
        for (ask, col) in &asks {
            match answer(cell(row, Some(*col))) {
                Ok(Some(a)) => given.push((*ask, a, None)),
                Ok(None) => {}
                Err(()) => {
                    problems.add(line, "answer", format!("question about {}: the answer is yes or no", ask.purpose));
                }
            }
        }
        if problems.len() > before {
            continue;
        }
        let (Some(person), Some(at)) = (person, at) else { continue };
        if person.erased_at.is_some() {
            problems.add(line, "code", "this person has been erased");
            continue;
        }
        // What goes to the data protection lead instead of into consent.
        let review = if at > closes_at {
            Some(format!("late: answered after the campaign closed on {}", k.closes_on))
        } else if !cell(row, signed_for).is_empty() {
            Some("signed for by someone else, without registered authority to consent for them (R9)".into())
        } else if yes(cell(row, capacity)) {
            Some("a capacity concern was noted with the answer (R21)".into())
        } else {
            None
        };
        if let Some(note) = &review {
            for g in &mut given {
                if g.1 != CampaignAnswer::Spoiled {
                    g.1 = CampaignAnswer::Review;
                }
                g.2 = Some(note.clone());
            }
        }
        for g in &mut given {
            if g.1 == CampaignAnswer::Spoiled {
                g.2 = Some("both boxes ticked".into());
            }
        }
        let source = match o.tool {
            FormTool::Paper => format!("{} sha256 {short_sha} row {line}, keyed by {}", file.name, o.keyed_by),
            _ => format!("{} sha256 {short_sha} row {line}", file.name),
        };
        let helped_by = cell(row, helped);
        let reply = Reply {
            method,
            at,
            recorded_by: if o.tool == FormTool::Paper { o.keyed_by } else { "form" },
            support_given: (!helped_by.is_empty()).then_some(helped_by),
            format,
            code: code.as_deref(),
            letter_sha256: letter.as_deref(),
            source: &source,
        };
        if notice {
            if yes(cell(row, object_col)) {
                match crate::records::campaign::object(c, k, &person, &reply)? {
                    Err(ps) => {
                        for (col, msg) in ps {
                            problems.add(line, col, msg);
                        }
                        continue;
                    }
                    Ok(_) => *counts.entry("objected").or_default() += 1,
                }
            } else {
                *counts.entry("no objection").or_default() += 1;
            }
        }
        match record(c, &lookup, k, &person, &given, &reply)? {
            Err(ps) => {
                for (col, msg) in ps {
                    problems.add(line, col, msg);
                }
                continue;
            }
            Ok(kept) => {
                for a in &kept {
                    *counts.entry(a.answer.as_str()).or_default() += 1;
                }
            }
        }
        if given.is_empty() && !notice {
            *counts.entry("no answer").or_default() += 1;
        }
        if yes(cell(row, stop)) {
            // Art 21(3): an objection to direct marketing stops letters too; to every use the
            // campaign asked about as well, so no campaign asks again.
            let mut purposes: Vec<&str> = k.asks.iter().map(|a| a.purpose.as_str()).collect();
            purposes.extend(marketing.iter().map(String::as_str));
            purposes.sort_unstable();
            purposes.dedup();
            for p in purposes {
                if let Err(ps) = crate::records::apply_basis(
                    c,
                    &person,
                    p,
                    "object",
                    "",
                    "",
                    "",
                    o.keyed_by,
                    &crate::domain::model::fmt_ts(at),
                )? {
                    for (col, msg) in ps {
                        problems.add(line, col, msg);
                    }
                }
            }
            if let Some(e) = &person.email_norm {
                crate::register::suppression::suppress_email(
                    c,
                    e,
                    "objected",
                    &crate::domain::model::fmt_ts(at),
                    &source,
                )?;
            }
            *counts.entry("stop letters").or_default() += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_with_their_zone() {
        let t = |s: &str, z| parse_time(s, z).map(crate::domain::model::fmt_ts);
        assert_eq!(t("2026/12/04 10:15:32 am GMT", None).as_deref(), Ok("2026-12-04T10:15:32Z"));
        assert_eq!(t("2026/07/04 10:15:32 pm GMT+1", None).as_deref(), Ok("2026-07-04T21:15:32Z"));
        assert_eq!(t("2026-07-04 10:15:32", Some(Zone::London)).as_deref(), Ok("2026-07-04T09:15:32Z"));
        assert_eq!(t("2026-12-04 10:15:32", Some(Zone::London)).as_deref(), Ok("2026-12-04T10:15:32Z"));
        assert_eq!(t("04/12/2026 10:15", Some(Zone::Utc)).as_deref(), Ok("2026-12-04T10:15:00Z"));
        assert_eq!(t("2026-12-04T10:15:32+01:00", None).as_deref(), Ok("2026-12-04T09:15:32Z"));
        assert_eq!(t("46360.5", Some(Zone::Utc)).as_deref(), Ok("2026-12-04T12:00:00Z"));
        assert!(t("2026-12-04 10:15:32", None).unwrap_err().contains("--zone"));
        assert!(t("next tuesday", Some(Zone::Utc)).is_err());
        assert_eq!(t("2026-07-04", None).as_deref(), Ok("2026-07-04T22:59:59Z"), "a London day");
    }

    #[test]
    fn a_blank_is_no_answer_and_both_is_spoiled() {
        assert_eq!(answer(""), Ok(None));
        assert_eq!(answer("Yes"), Ok(Some(CampaignAnswer::Yes)));
        assert_eq!(answer(" no "), Ok(Some(CampaignAnswer::No)));
        assert_eq!(answer("Yes;No"), Ok(Some(CampaignAnswer::Spoiled)));
        assert_eq!(answer("both"), Ok(Some(CampaignAnswer::Spoiled)));
        assert_eq!(answer("maybe"), Err(()));
    }
}
