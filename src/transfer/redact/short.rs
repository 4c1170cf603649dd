//! The shorter mentions of the people a document names in full (their first names alone, a title
//! with their surname), taken from the whole document: its text at once, or its windows one by
//! one ([`super::stream`]).

use regex::Regex;

use super::{ERASED_OWNER, Redactor, ShortMentions, name_key, name_pattern, whole_word};

impl Redactor {
    /// The shorter mentions to look for in a document whose whole text is `text`: for each
    /// withheld person named there in full, their first name and surname; flagged instead where an
    /// included person named in the document has the same first name or surname.
    pub fn short_mentions(&self, text: &str) -> ShortMentions {
        let mut spans: Vec<(usize, usize)> = self
            .names
            .iter()
            .flat_map(|re| re.find_iter(text))
            .filter(|m| whole_word(text, m.start(), m.end()))
            .map(|m| (m.start(), m.end()))
            .collect();
        // An erased person named in full is found by the keyed hash of what the text says: their
        // shorter mentions are taken from those words, as a withheld person's are.
        spans.extend(self.erased.iter().flat_map(|e| e.names_in(text)));
        self.short_from(text, spans.iter().map(|(a, z)| &text[*a..*z]))
    }

    /// The shorter mentions, from the full names found in `text`.
    pub(super) fn short_from<'t>(&self, text: &str, names: impl Iterator<Item = &'t str>) -> ShortMentions {
        self.short_core(names, |re| {
            re.find_iter(text)
                .filter(|m| whole_word(text, m.start(), m.end()))
                .map(|m| m.as_str().to_string())
                .collect()
        })
    }

    /// The full names of withheld and erased people in `text`, each spelling once, added to `into`
    /// (a document read a window at a time: [`super::stream`]).
    pub fn full_names_in(&self, text: &str, into: &mut std::collections::HashSet<String>) {
        for m in self.names.iter().flat_map(|re| re.find_iter(text)) {
            if whole_word(text, m.start(), m.end()) && !into.contains(m.as_str()) {
                into.insert(m.as_str().to_string());
            }
        }
        for (a, z) in self.erased.iter().flat_map(|e| e.names_in(text)) {
            into.insert(text[a..z].to_string());
        }
    }

    /// The shorter mentions of a document read in windows: from the full names found in it, and
    /// `included_in`, which gives the spellings the document holds of a pattern (the included
    /// people who share a first name or surname with one of them).
    pub fn short_mentions_of(
        &self,
        names: &std::collections::HashSet<String>,
        included_in: impl FnMut(&Regex) -> Vec<String>,
    ) -> ShortMentions {
        self.short_core(names.iter().map(String::as_str), included_in)
    }

    fn short_core<'t>(
        &self,
        names: impl Iterator<Item = &'t str>,
        mut included_in: impl FnMut(&Regex) -> Vec<String>,
    ) -> ShortMentions {
        let mut out = ShortMentions::default();
        // A document names the same people again and again: each distinct spelling once.
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut named: Vec<(String, crate::domain::model::PersonId)> = Vec::new();
        for n in names {
            if !seen.insert(n) {
                continue;
            }
            let key = name_key(n);
            match self.name_owner.get(&key) {
                Some(id) => named.push((key, id.clone())),
                // Not a withheld person's: an erased person's, found by its keyed hash.
                None => named.push((key, crate::domain::model::PersonId::from(ERASED_OWNER))),
            }
        }
        if named.is_empty() {
            return out;
        }
        named.sort();
        named.dedup();
        let firsts: std::collections::HashSet<&str> = named.iter().filter_map(|(k, _)| k.split(' ').next()).collect();
        let lasts: std::collections::HashSet<&str> =
            named.iter().filter_map(|(k, _)| k.split(' ').next_back()).collect();
        // Only the included people who share a first name or surname with someone named matter;
        // of those, the ones named in this document.
        let sharing: Vec<&String> = self
            .keep
            .iter()
            .filter(|k| {
                k.split(' ').next().is_some_and(|f| firsts.contains(f))
                    || k.split(' ').next_back().is_some_and(|l| lasts.contains(l))
            })
            .collect();
        let mut included: Vec<&String> = Vec::new();
        if !sharing.is_empty() {
            let alts: Vec<String> = sharing.iter().map(|k| name_pattern(k)).collect();
            if let Ok(re) = Regex::new(&format!(r"(?i)(?:{})", alts.join("|"))) {
                for found in included_in(&re) {
                    let key = name_key(&found);
                    if let Some(k) = sharing.iter().find(|k| ***k == key) {
                        included.push(k);
                    }
                }
                out.included = Some(re);
            }
        }
        for (key, id) in named {
            let (Some(first), Some(last)) = (key.split(' ').next(), key.split(' ').next_back()) else { continue };
            let shares_first = included.iter().any(|k| k.split(' ').next() == Some(first));
            let shares_last = included.iter().any(|k| k.split(' ').next_back() == Some(last));
            out.first.entry(first.to_string()).or_insert((id.clone(), shares_first));
            out.surname.entry(last.to_string()).or_insert((id, shares_last));
        }
        out
    }
}
