//! Erased people, as redaction looks for them: only keyed hashes of their names, emails and
//! phones are kept.

use hmac::{Hmac, Mac};
use regex::Regex;
use sha2::Sha256;

use super::whole_word;
use crate::domain::people::name_key;

/// A keyed hash as compared: the HMAC-SHA256's 32 bytes (stored as hex).
type Mac32 = [u8; 32];

/// Erased people's names, emails and phones as keyed hashes (HMAC-SHA256 with the register's
/// hash key), matched against what a text holds: every email and phone found, and every run of
/// words as long as an erased name (tried only where its first word's hash is known).
#[derive(Clone)]
pub struct Erased {
    key: Hmac<Sha256>,
    names: std::collections::HashSet<Mac32>,
    first_words: std::collections::HashSet<Mac32>,
    lengths: std::collections::BTreeSet<usize>,
    emails: std::collections::HashSet<Mac32>,
    phones: std::collections::HashSet<Mac32>,
}

impl Erased {
    /// From the register's hash key (hex) and its rows `(kind, hash, words)`; `None` when there is
    /// nothing to look for.
    pub fn new(key_hex: &str, rows: Vec<(String, String, Option<i64>)>) -> Option<Erased> {
        let key = Hmac::<Sha256>::new_from_slice(&hex::decode(key_hex).ok()?).ok()?;
        let mut e = Erased {
            key,
            names: Default::default(),
            first_words: Default::default(),
            lengths: Default::default(),
            emails: Default::default(),
            phones: Default::default(),
        };
        for (kind, hash, words) in rows {
            // A stored hash that is not 32 bytes of hex cannot match anything: it is left out.
            let Some(hash) = hex::decode(&hash).ok().and_then(|b| Mac32::try_from(b).ok()) else { continue };
            match kind.as_str() {
                "name" => {
                    e.names.insert(hash);
                    e.lengths.extend(words.and_then(|w| usize::try_from(w).ok()));
                }
                "name_first" => {
                    e.first_words.insert(hash);
                }
                "email" => {
                    e.emails.insert(hash);
                }
                "phone" => {
                    e.phones.insert(hash);
                }
                _ => {}
            }
        }
        (!(e.names.is_empty() && e.emails.is_empty() && e.phones.is_empty())).then_some(e)
    }

    /// Whether a normalised email is an erased person's.
    pub(super) fn has_email(&self, normalised: &str) -> bool {
        self.emails.contains(&self.hash(normalised))
    }

    /// Whether a phone's digits are an erased person's.
    pub(super) fn has_phone(&self, digits: &str) -> bool {
        self.phones.contains(&self.hash(digits))
    }

    fn hash(&self, value: &str) -> Mac32 {
        let mut mac = self.key.clone();
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Runs of words in `text` that are an erased name: (start, end).
    pub(super) fn names_in(&self, text: &str) -> Vec<(usize, usize)> {
        static WORD: std::sync::LazyLock<Regex> =
            std::sync::LazyLock::new(|| Regex::new(r"[\p{L}\p{M}][\p{L}\p{M}'’\-]*").expect("word pattern"));
        let mut out = Vec::new();
        if self.names.is_empty() {
            return out;
        }
        let words: Vec<(usize, usize)> = WORD.find_iter(text).map(|m| (m.start(), m.end())).collect();
        // A text repeats its words: each distinct word is hashed once (a keyed hash per word of a
        // long text was most of the time a bundle took).
        let mut first: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
        for (i, &(start, end)) in words.iter().enumerate() {
            let word = &text[start..end];
            let known = match first.get(word) {
                Some(k) => *k,
                None => *first.entry(word).or_insert_with(|| self.first_words.contains(&self.hash(&name_key(word)))),
            };
            if !known {
                continue;
            }
            for &n in &self.lengths {
                let Some(&(_, last_end)) = words.get(i + n - 1) else { continue };
                // Only whitespace between the words, as a name is written.
                let spaced = words[i..i + n].windows(2).all(|w| {
                    let gap = &text[w[0].1..w[1].0];
                    !gap.is_empty() && gap.chars().all(char::is_whitespace)
                });
                if spaced
                    && whole_word(text, start, last_end)
                    && self.names.contains(&self.hash(&name_key(&text[start..last_end])))
                {
                    out.push((start, last_end));
                }
            }
        }
        out
    }
}
