//! Redaction of text: the identifiers of everyone who is not going to the receiver, and patterns
//! that identify anyone.
//!
//! Detectors, in priority order when matches overlap:
//! - `register_name`: the full name of a person in the register who is not included in the
//!   receiver's register output — case-insensitive, whole words (Unicode-aware: "Siân",
//!   "O'Neill" with either apostrophe, "Lloyd-Evans"), any run of white space between the parts,
//!   never inside other words (a person "Mark Field" does not touch "market field");
//! - `register_email`, `register_phone`: that person's email and phone as recorded;
//! - `email`: any email address; `nhs_number`: ten digits whose modulus-11 check digit is valid;
//!   `ni_number`: a National Insurance number; `phone`: a GB phone number in any common format;
//!   `postcode`: a UK postcode.
//!
//! Included people's names stay. Replacements are typed placeholders (`[name withheld]`,
//! `[email withheld]`, ...) or, with a pseudonym key, `[person 3f9a]` for every identifier of one
//! register person (so one person stays one placeholder) and `[email 81c2]`-style for others.
//! Reports count findings by kind and detector, never values.

mod erased;
mod names;
mod short;
pub mod stream;
pub mod view;

use crate::domain::people::{name_key, phone_digits};
pub use erased::Erased;
use names::{ENGLISH_WORDS, capitalised, fold_into, given_name, is_place_word, names_a_place};
use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use std::borrow::Cow;

use regex::Regex;
use serde::Serialize;
use sha2::Sha256;
use std::collections::HashMap;

use crate::domain::model::normalise_email;

/// A person whose identifiers must not reach the receiver.
#[derive(Clone)]
pub struct Withheld {
    pub id: crate::domain::model::PersonId,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl std::fmt::Debug for Withheld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Withheld").field("id", &self.id).finish_non_exhaustive()
    }
}

/// One thing found and replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// name, email, phone, nhs_number, ni_number, postcode.
    pub kind: &'static str,
    /// The detector that found it.
    pub detector: &'static str,
    /// 1-based line of the original text.
    pub line: usize,
    /// What replaced it (nothing, for a mention flagged for the reviewer).
    pub replacement: Cow<'static, str>,
    /// Flagged for the reviewer, not replaced: a short mention an included person shares.
    #[serde(skip)]
    pub flag: bool,
    #[serde(skip)]
    pub start: usize,
    #[serde(skip)]
    pub end: usize,
}

/// Counts by kind and detector (never values).
pub type Report = BTreeMap<String, usize>;

/// Summarise findings as `kind/detector` counts.
pub fn report<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Report {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in findings {
        *counts.entry((f.kind, f.detector)).or_default() += 1;
    }
    counts.into_iter().map(|((k, d), n)| (format!("{k}/{d}"), n)).collect()
}

/// A possible match: start, end, priority (lower wins), kind, detector, register person.
type Candidate<'a> = (usize, usize, u8, &'static str, &'static str, Option<&'a str>);

/// Texts at least this long are searched on two threads.
const PARALLEL_FROM: usize = 64 << 10;

/// A compiled redactor for one receiver's plan.
#[derive(Clone)]
pub struct Redactor {
    names: Option<Regex>,
    name_owner: BTreeMap<String, crate::domain::model::PersonId>,
    known_emails: BTreeMap<String, crate::domain::model::PersonId>,
    known_phones: BTreeMap<String, crate::domain::model::PersonId>,
    email: Regex,
    phone: Regex,
    nhs: Regex,
    ni: Regex,
    postcode: Regex,
    key: Option<Vec<u8>>,
    erased: Option<Erased>,
    /// The included people's names (keys): their first names and surnames are not redacted alone.
    keep: std::collections::HashSet<String>,
    /// Their surnames: a title and one of them ("Mrs Wójcik") may be an included person.
    keep_surnames: std::collections::HashSet<String>,
    /// Possible names of people in no register: redacted (true) or only listed for the reviewer.
    redact_unknown: bool,
    /// Replace only the withheld and erased people's own mentions (an erasure rewriting a
    /// document): every other finding is listed, not replaced.
    only_people: bool,
}

/// The shorter mentions of the withheld people a document names in full: their first names
/// alone, and a title with their surname. Made once per document ([`Redactor::short_mentions`])
/// and used for each of its parts.
#[derive(Debug, Default, Clone)]
pub struct ShortMentions {
    /// Word as the register keys it to (the person, whether to flag it rather than redact it: an
    /// included person named in the document shares it).
    first: HashMap<String, (crate::domain::model::PersonId, bool)>,
    surname: HashMap<String, (crate::domain::model::PersonId, bool)>,
    /// The included people named in the document, in full: their own names are not mentions.
    included: Option<Regex>,
}

/// The capitalised words of a text standing as whole words: (start, end).
fn capital_words(text: &str) -> Vec<(usize, usize)> {
    // A byte scan (lower-case ASCII, most of any text, is skipped a byte at a time): several times
    // faster than a regex with Unicode classes over the same text.
    let b = text.as_bytes();
    let in_word = |c: char| c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '\u{300}'..='\u{36f}');
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 && !c.is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let Some(first) = text[i..].chars().next() else { break };
        if !first.is_uppercase() {
            i += first.len_utf8();
            continue;
        }
        let mut end = i + first.len_utf8();
        for ch in text[end..].chars() {
            if !in_word(ch) {
                break;
            }
            end += ch.len_utf8();
        }
        if whole_word(text, i, end) {
            out.push((i, end));
        }
        i = end;
    }
    out
}

/// Whether what stands between a first name and the next word joins them as one person's name:
/// an opening bracket, a comma, or a middle initial (`K.`), with spaces.
fn joins_a_surname(gap: &str) -> bool {
    let g = gap.trim();
    matches!(g, "(" | "," | "[")
        || (g.len() <= 2 && g.chars().next().is_some_and(char::is_uppercase) && g.chars().skip(1).all(|c| c == '.'))
}

/// A word without a possessive suffix: `'s` or `’s`, or a lone `'`/`’` after a final s.
fn possessive_stem(word: &str) -> &str {
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = word.strip_suffix(suffix).filter(|s| !s.is_empty()) {
            return stem;
        }
    }
    for suffix in ['\'', '’'] {
        if let Some(stem) = word.strip_suffix(suffix).filter(|s| s.ends_with(['s', 'S'])) {
            return stem;
        }
    }
    word
}

/// A word lower-cased into `buf` (reused: no allocation per word), apostrophes straightened as
/// [`name_key`] does.
fn lower_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase).map(|c| if c == '’' { '\'' } else { c }));
    }
}

/// Whose the shorter mentions of an erased person are (no id is kept that could name them).
const ERASED_OWNER: &str = "erased";

/// The titles a surname follows.
const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "cllr", "councillor", "prof"];

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor").field("names", &self.name_owner.len()).finish_non_exhaustive()
    }
}

fn name_pattern(name: &str) -> String {
    name.split_whitespace()
        .map(|tok| {
            tok.chars()
                .map(|c| match c {
                    '\'' | '’' => "['’]".to_string(),
                    c => regex::escape(&c.to_string()),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(r"\s+")
}

/// Whether ten digits form a valid NHS number (modulus 11).
pub fn nhs_check(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 10 {
        return false;
    }
    let sum: u32 = d[..9].iter().enumerate().map(|(i, v)| v * (10 - i as u32)).sum();
    let check = 11 - (sum % 11);
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == d[9]
}

fn memchr_count(b: &[u8]) -> usize {
    b.iter().filter(|c| **c == b'\n').count()
}

/// Whether a match stands as whole words: no letter, digit or underscore just before or after it.
/// (Checked here rather than with Unicode `\b` in the patterns, which would keep the regex
/// engine off its fast automaton.)
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    // A letter just outside joins the match only if both are written the same way: a switch
    // between a spaced script (Latin) and one written without spaces (Chinese, Japanese, Thai, ...)
    // is a word boundary, so "和Kevin Mitchell的书" holds the name and "marketMark Field" does not.
    let joins = |outside: Option<char>, inside: Option<char>| match (outside, inside) {
        (Some(o), Some(i)) => word(o) && unspaced(o) == unspaced(i),
        _ => false,
    };
    !joins(text[..start].chars().next_back(), text[start..end].chars().next())
        && !joins(text[end..].chars().next(), text[start..end].chars().next_back())
}

/// Whether a character belongs to a script written without spaces between words: Chinese
/// (Han, Bopomofo), Japanese kana, Thai, Lao, Khmer, Myanmar. (Hangul is spaced, but names sit
/// next to particles: it counts too.)
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x3040..=0x30FF | 0x3100..=0x312F
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F
        | 0x20000..=0x2FFFF)
}

impl Redactor {
    /// Build a redactor for these withheld people, with typed placeholders or (with `key`) pseudonyms.
    pub fn new(withheld: &[Withheld], keep_names: &[String], key: Option<&[u8]>) -> Redactor {
        let keep: std::collections::HashSet<String> = keep_names.iter().map(|n| name_key(n)).collect();
        let mut name_owner = BTreeMap::new();
        let mut known_emails = BTreeMap::new();
        let mut known_phones = BTreeMap::new();
        for w in withheld {
            if let Some(n) = w.name.as_deref().filter(|n| n.split_whitespace().count() >= 2) {
                // A name shared with an included person is still withheld: privacy wins.
                name_owner.entry(name_key(n)).or_insert_with(|| w.id.clone());
            }
            if let Some(e) = &w.email {
                known_emails.insert(normalise_email(e), w.id.clone());
            }
            if let Some(p) = &w.phone {
                let d = phone_digits(p);
                if d.len() >= 10 {
                    known_phones.insert(d, w.id.clone());
                }
            }
        }
        let names = if name_owner.is_empty() {
            None
        } else {
            let mut keys: Vec<&String> = name_owner.keys().collect();
            keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
            let alts: Vec<String> = keys.iter().map(|k| name_pattern(k)).collect();
            regex::RegexBuilder::new(&format!(r"(?i)(?:{})", alts.join("|")))
                .size_limit(512 << 20)
                .dfa_size_limit(512 << 20)
                .build()
                .ok()
        };
        Redactor {
            names,
            name_owner,
            known_emails,
            known_phones,
            email: Regex::new(r"(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}").expect("email pattern"),
            phone: Regex::new(r"(?:\+44\s?(?:\(0\)\s?)?|\(0|0)\d[\d\s\-\)]{8,14}\d").expect("phone pattern"),
            nhs: Regex::new(r"\d{3}[ \-]?\d{3}[ \-]?\d{4}").expect("nhs pattern"),
            // People type these in lower case too.
            ni: Regex::new(r"(?i)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]").expect("ni pattern"),
            postcode: Regex::new(
                r"(?i)(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPS-UW]|[A-HK-Y]\d[ABEHMNPRV-Y]) ?\d[ABD-HJLNP-UW-Z]{2})",
            )
            .expect("postcode pattern"),
            key: key.map(<[u8]>::to_vec),
            erased: None,
            keep_surnames: keep.iter().filter_map(|k| k.rsplit(' ').next().map(str::to_string)).collect(),
            keep: keep.into_iter().collect(),
            redact_unknown: false,
            only_people: false,
        }
    }

    /// Redact possible names of people in no register too (otherwise they are only listed, as
    /// `possible_name`, for the reviewer).
    #[must_use]
    pub fn with_unknown_names(mut self, redact: bool) -> Redactor {
        self.redact_unknown = redact;
        self
    }

    /// Candidates for names of people in no register: a title followed by a capitalised word
    /// (and a second one), or a common given name followed by a capitalised word. Never a name the
    /// register knows (withheld ones are found already; included ones stay).
    fn possible<'a>(&self, text: &str, words: &[(usize, usize)]) -> Vec<Candidate<'a>> {
        let mut cands = Vec::new();
        let next_to = |a: (usize, usize), b: (usize, usize)| {
            let gap = &text[a.1..b.0];
            let gap = gap.strip_prefix('.').unwrap_or(gap);
            !gap.is_empty() && gap.len() <= 3 && gap.bytes().all(|c| c == b' ')
        };
        let mut lower = String::new();
        let mut other = String::new();
        let mut i = 0;
        while i + 1 < words.len() {
            let (w, next) = (words[i], words[i + 1]);
            // Most capitalised words start a sentence or a place: the cheap checks first.
            if w.1 - w.0 > 12 || !next_to(w, next) {
                i += 1;
                continue;
            }
            lower_into(&text[w.0..w.1], &mut lower);
            let titled = TITLES.contains(&lower.as_str());
            if !titled {
                fold_into(&text[w.0..w.1], &mut lower);
            }
            // A full stop between them is a title's ("Dr. Okonkwo"), never a sentence's end
            // ("… Hartley. Priya …").
            // A given name on the list, or a capitalised word no English dictionary has
            // ("Temitope", "Huw"): the evidence a name starts here.
            let first_name = titled
                || given_name(&lower)
                || (capitalised(&text[w.0..w.1])
                    && lower.split('-').all(|p| !p.is_empty() && p.chars().all(char::is_alphabetic))
                    && lower.split('-').any(|p| !ENGLISH_WORDS.contains(p)));
            if !first_name || (!titled && text[w.1..next.0].starts_with('.')) {
                i += 1;
                continue;
            }
            if text[next.0..next.1].chars().skip(1).any(char::is_lowercase) && !is_place_word(text, next, &mut other) {
                let mut end = next.1;
                let mut last = i + 1;
                // After a title, a first name and a surname: "Ms Ffion Pryce".
                if titled
                    && let Some(&third) = words.get(i + 2).filter(|t| next_to(next, **t))
                    && !is_place_word(text, third, &mut other)
                {
                    end = third.1;
                    last = i + 2;
                }
                // "Mark Twain Road", "Victoria Park", "St John Ambulance": a place or an
                // organisation, not a person.
                if names_a_place(text, words, i, last, &mut other) {
                    i += 1;
                    continue;
                }
                let start = w.0;
                let key = name_key(&text[if titled { next.0 } else { start }..end]);
                // A title and a surname alone may be someone who goes: listed, never redacted.
                let known = self.name_owner.contains_key(&key)
                    || self.keep.contains(&key)
                    || (titled && last == i + 1 && self.keep_surnames.contains(&key));
                if !known {
                    cands.push((start, end, 8, "name", "possible_name", None));
                    i += 2;
                    continue;
                }
            }
            i += 1;
        }
        cands
    }

    /// Candidates for the shorter mentions: a capitalised first name standing alone, and a title
    /// followed by a capitalised surname.
    fn short<'a>(&self, text: &str, words: &[(usize, usize)], s: &'a ShortMentions) -> Vec<Candidate<'a>> {
        let mut cands = Vec::new();
        if s.first.is_empty() {
            return cands;
        }
        let theirs: Vec<(usize, usize)> =
            s.included.iter().flat_map(|re| re.find_iter(text).map(|m| (m.start(), m.end()))).collect();
        let det = |flag: bool| if flag { "short_mention_to_check" } else { "short_mention" };
        let mut key = String::new();
        let mut next_key = String::new();
        for (i, &(a, z)) in words.iter().enumerate() {
            // Inside an included person's own name (the spans are in order: one search).
            let k = theirs.partition_point(|(_, tz)| *tz <= a);
            if theirs.get(k).is_some_and(|(ta, _)| *ta < z) {
                continue;
            }
            // A possessive is the name and a suffix ("Priya's", "Priya’s", "James'"): the name is
            // what is looked up and redacted, the suffix stays.
            let z_name = a + possessive_stem(&text[a..z]).len();
            lower_into(&text[a..z_name], &mut key);
            if let Some((id, flag)) = s.first.get(key.as_str()) {
                // "Rose Hill", "St Helen": a place named like them is listed for the reviewer, not
                // replaced.
                let place = names_a_place(text, words, i, i, &mut next_key);
                cands.push((a, z_name, 7, "name", det(*flag || place), Some(id.as_str())));
                // Their surname just after, in brackets, after a comma or after an initial
                // ("Priya (Shah)", "Priya, Shah", "Priya K. Shah") is part of the same mention.
                let initial = words.get(i + 1).is_some_and(|&(ia, iz)| text[ia..iz].chars().count() == 1);
                if let Some(&(na, nz)) = words.get(if initial { i + 2 } else { i + 1 })
                    && joins_a_surname(&text[z..na])
                {
                    let nz_name = na + possessive_stem(&text[na..nz]).len();
                    lower_into(&text[na..nz_name], &mut next_key);
                    if s.surname.get(next_key.as_str()).is_some_and(|(sid, _)| sid == id) {
                        cands.push((na, nz_name, 7, "name", det(*flag), Some(id.as_str())));
                    }
                }
            }
            if TITLES.contains(&key.as_str())
                && let Some(&(na, nz)) = words.get(i + 1)
                && text[z..na].trim_start_matches('.').chars().all(char::is_whitespace)
            {
                let nz_name = na + possessive_stem(&text[na..nz]).len();
                lower_into(&text[na..nz_name], &mut next_key);
                if let Some((id, flag)) = s.surname.get(next_key.as_str()) {
                    cands.push((a, nz_name, 6, "name", det(*flag), Some(id.as_str())));
                }
            }
        }
        cands
    }

    /// Replace only the withheld people's own mentions (their names, shorter mentions, emails and
    /// phones), as an erasure rewriting a document does; the rest is left as it was.
    #[must_use]
    pub fn only_people(mut self) -> Redactor {
        self.only_people = true;
        self
    }

    /// Also redact erased people's names, emails and phones (see [`Erased`]).
    #[must_use]
    pub fn with_erased(mut self, erased: Option<Erased>) -> Redactor {
        self.erased = erased;
        self
    }

    fn pseudonym(&self, prefix: &str, value: &str) -> Option<String> {
        let key = self.key.as_ref()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
        mac.update(value.as_bytes());
        Some(format!("[{prefix} {}]", &hex::encode(mac.finalize().into_bytes())[..4]))
    }

    fn replacement(&self, kind: &str, person: Option<&str>, value: &str) -> Cow<'static, str> {
        if let Some(p) = person.and_then(|id| self.pseudonym("person", id)) {
            return Cow::Owned(p);
        }
        let (label, withheld) = match kind {
            "name" => ("name", "[name withheld]"),
            "email" => ("email", "[email withheld]"),
            "phone" => ("phone", "[phone withheld]"),
            "nhs_number" => ("NHS number", "[NHS number withheld]"),
            "ni_number" => ("NI number", "[NI number withheld]"),
            _ => ("postcode", "[postcode withheld]"),
        };
        if self.key.is_none() {
            return Cow::Borrowed(withheld);
        }
        self.pseudonym(label, &value.to_lowercase()).map_or(Cow::Borrowed(withheld), Cow::Owned)
    }

    /// Find everything to redact in `text` (non-overlapping, in order). The register's names and
    /// emails are searched on a second thread while this one runs the other detectors; every
    /// detector sees the whole text, so the result does not depend on the split.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        self.find_with(text, None)
    }

    /// As [`Redactor::find`], with the shorter mentions of a whole document (for one of its parts).
    pub fn find_in(&self, text: &str, short: &ShortMentions) -> Vec<Finding> {
        self.find_with(text, Some(short))
    }

    /// Find, with a document's shorter mentions, or (`None`) those of `text` itself, taken from
    /// the full names this pass finds.
    fn find_with(&self, text: &str, short: Option<&ShortMentions>) -> Vec<Finding> {
        // Short texts (a docx paragraph, an attribute) are not worth a thread.
        let (mut cands, others) = if text.len() < PARALLEL_FROM {
            (self.named(text), self.numbers(text))
        } else {
            std::thread::scope(|s| {
                let names = s.spawn(|| self.named(text));
                let others = self.numbers(text);
                (names.join().unwrap_or_else(|p| std::panic::resume_unwind(p)), others)
            })
        };
        cands.extend(others);
        let own;
        let short = match short {
            Some(s) => s,
            None => {
                own = self.short_from(
                    text,
                    cands.iter().filter(|c| matches!(c.4, "register_name" | "erased_name")).map(|c| &text[c.0..c.1]),
                );
                &own
            }
        };
        // Words inside a name already found need no second look (a register name's own words).
        let mut taken: Vec<(usize, usize)> = cands.iter().filter(|c| c.3 == "name").map(|c| (c.0, c.1)).collect();
        taken.sort_unstable();
        let mut words = capital_words(text);
        let mut t = 0;
        words.retain(|&(a, z)| {
            while t < taken.len() && taken[t].1 <= a {
                t += 1;
            }
            taken.get(t).is_none_or(|(ta, _)| *ta >= z)
        });
        cands.extend(self.short(text, &words, short));
        cands.extend(self.possible(text, &words));
        self.resolve(text, cands)
    }

    /// Candidates from the register's names and from email addresses.
    fn named<'a>(&'a self, text: &str) -> Vec<Candidate<'a>> {
        let mut cands: Vec<Candidate<'a>> = Vec::new();
        if let Some(re) = &self.names {
            for m in re.find_iter(text) {
                if !whole_word(text, m.start(), m.end()) {
                    continue;
                }
                let owner = self.name_owner.get(&name_key(m.as_str())).map(crate::domain::model::PersonId::as_str);
                cands.push((m.start(), m.end(), 0, "name", "register_name", owner));
            }
        }
        for m in self.email.find_iter(text) {
            let norm = normalise_email(m.as_str());
            let known = self.known_emails.get(&norm).map(crate::domain::model::PersonId::as_str);
            let erased = known.is_none() && self.erased.as_ref().is_some_and(|e| e.has_email(&norm));
            let det = if known.is_some() {
                "register_email"
            } else if erased {
                "erased_email"
            } else {
                "email"
            };
            cands.push((m.start(), m.end(), if known.is_some() || erased { 1 } else { 2 }, "email", det, known));
        }
        if let Some(e) = &self.erased {
            for (start, end) in e.names_in(text) {
                cands.push((start, end, 0, "name", "erased_name", None));
            }
        }
        cands
    }

    /// Candidates from the number and postcode detectors.
    fn numbers<'a>(&'a self, text: &str) -> Vec<Candidate<'a>> {
        let mut cands: Vec<Candidate<'a>> = Vec::new();
        for m in self.nhs.find_iter(text) {
            if whole_word(text, m.start(), m.end()) && nhs_check(m.as_str()) {
                cands.push((m.start(), m.end(), 3, "nhs_number", "nhs_number", None));
            }
        }
        for m in self.ni.find_iter(text) {
            if !whole_word(text, m.start(), m.end()) {
                continue;
            }
            let s: String = m.as_str().chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
            if !matches!(&s[..2], "BG" | "GB" | "NK" | "KN" | "TN" | "NT" | "ZZ") {
                cands.push((m.start(), m.end(), 4, "ni_number", "ni_number", None));
            }
        }
        for m in self.phone.find_iter(text) {
            let (start, mut end) = (m.start(), m.end());
            // Trim a trailing ")" or separator the greedy class took.
            while end > start && !text.as_bytes()[end - 1].is_ascii_digit() {
                end -= 1;
            }
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit()) {
                continue;
            }
            let raw = &text[start..end];
            let digits = phone_digits(raw);
            if !(digits.len() == 11 && digits.starts_with('0')) {
                continue;
            }
            let known = self.known_phones.get(&digits).map(crate::domain::model::PersonId::as_str);
            let erased = known.is_none() && self.erased.as_ref().is_some_and(|e| e.has_phone(&digits));
            let det = if known.is_some() {
                "register_phone"
            } else if erased {
                "erased_phone"
            } else {
                "phone"
            };
            cands.push((start, end, if known.is_some() || erased { 1 } else { 5 }, "phone", det, known));
        }
        for m in self.postcode.find_iter(text).filter(|m| whole_word(text, m.start(), m.end())) {
            cands.push((m.start(), m.end(), 6, "postcode", "postcode", None));
        }
        cands
    }

    /// Resolve overlapping candidates (earliest first, then priority, then the longer) into findings.
    fn resolve(&self, text: &str, mut cands: Vec<Candidate<'_>>) -> Vec<Finding> {
        cands.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)).then(b.1.cmp(&a.1)));
        let flagged = |detector: &str| {
            let theirs = matches!(detector, "short_mention")
                || detector.starts_with("register_")
                || detector.starts_with("erased_");
            detector == "short_mention_to_check"
                || (detector == "possible_name" && !self.redact_unknown)
                || (self.only_people && !theirs)
        };
        // What is replaced is chosen first; what is only listed for the reviewer never hides a
        // replacement inside it ("Okafor-Reid Tamsin" listed keeps an erased "Tamsin" replaced).
        let mut chosen: Vec<(Candidate<'_>, bool)> = Vec::new();
        for pass in [false, true] {
            let mut taken: Vec<(usize, usize)> = chosen.iter().map(|(c, _)| (c.0, c.1)).collect();
            taken.sort_unstable();
            let mut last_end = 0;
            for c in cands.iter().filter(|c| flagged(c.4) == pass) {
                let overlaps = {
                    let k = taken.partition_point(|t| t.1 <= c.0);
                    taken.get(k).is_some_and(|t| t.0 < c.1)
                };
                if c.0 < last_end || overlaps {
                    continue;
                }
                chosen.push((*c, pass));
                last_end = c.1;
            }
        }
        chosen.sort_by_key(|(c, _)| c.0);
        let mut out = Vec::with_capacity(chosen.len());
        // Line numbers are counted incrementally: the chosen come in order of position.
        let (mut line, mut counted) = (1usize, 0usize);
        for ((start, end, _, kind, detector, person), flag) in chosen {
            line += memchr_count(&text.as_bytes()[counted..start]);
            counted = start;
            let replacement = if flag { Cow::Borrowed("") } else { self.replacement(kind, person, &text[start..end]) };
            out.push(Finding { kind, detector, line, replacement, flag, start, end });
        }
        out
    }

    /// Redact `text`; returns the new text and what was found.
    pub fn redact(&self, text: &str) -> (String, Vec<Finding>) {
        self.redact_with(text, None)
    }

    /// As [`Redactor::redact`], with a whole document's shorter mentions (`None`: those of `text`).
    pub fn redact_with(&self, text: &str, short: Option<&ShortMentions>) -> (String, Vec<Finding>) {
        let findings = self.find_with(text, short);
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for f in findings.iter().filter(|f| !f.flag) {
            out.push_str(&text[pos..f.start]);
            out.push_str(&f.replacement);
            pos = f.end;
        }
        out.push_str(&text[pos..]);
        (out, findings)
    }
}

#[cfg(test)]
mod tests;
