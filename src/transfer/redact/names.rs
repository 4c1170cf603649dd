//! The evidence that a capitalised word is a name, or is not: the given names of many
//! communities, the words of an English dictionary, and the words that make a name a place or an
//! organisation ("Rose Hill", "St John Ambulance"). The lists are files beside this one; each says
//! where it came from.

use super::lower_into;

/// Common given names (see the file's header).
pub(super) static GIVEN_NAMES: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("given_names.txt").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect()
    });

/// English words (see the file's header): a capitalised word in none of them, followed by another
/// capitalised word, is a possible name even when its given name is on no list.
pub(super) static ENGLISH_WORDS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("english_words.txt").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect()
    });

/// Whether `word` is written as a name is: a capital letter, then at least one lower-case letter.
pub(super) fn capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

/// Words that make a capitalised pair a place or an organisation rather than a person
/// ("Victoria Park", "Grace Church", "Mark Twain Road").
const PLACE_WORDS: &[&str] = &[
    "road",
    "street",
    "lane",
    "avenue",
    "close",
    "court",
    "drive",
    "place",
    "square",
    "park",
    "gardens",
    "church",
    "chapel",
    "school",
    "college",
    "university",
    "academy",
    "centre",
    "center",
    "hospital",
    "surgery",
    "trust",
    "council",
    "group",
    "ltd",
    "limited",
    "plc",
    "day",
    "station",
    "library",
    "museum",
    "hill",
    "green",
    "hall",
    "hospice",
    "ward",
    "house",
    "way",
    "row",
    "terrace",
    "crescent",
    "grove",
    "walk",
    "mews",
    "bridge",
    "field",
    "fields",
    "wood",
    "common",
    "estate",
    "village",
    "farm",
    "mill",
    "market",
    "lodge",
    "foundation",
    "society",
    "association",
    "appeal",
    "aid",
    "ambulance",
    "charity",
    "fund",
    "memorial",
    "institute",
    "cic",
    "partnership",
    "network",
    "club",
    "clinic",
    "unit",
    "building",
    "gallery",
    "theatre",
    "arms",
    "inn",
    "palace",
    "dock",
    "quay",
    "castle",
    "abbey",
    "cathedral",
    "tower",
    "gate",
    "pier",
    "wharf",
    "harbour",
];

/// Words before a capitalised name that make it a place or an organisation ("St John Ambulance",
/// "Saint Helen's Hall").
const PLACE_PREFIXES: &[&str] = &["st", "st.", "saint", "port", "fort", "lake", "mount"];

/// Whether the word `w` (start, end) of `text` is a place word ([`PLACE_WORDS`]).
pub(super) fn is_place_word(text: &str, w: (usize, usize), buf: &mut String) -> bool {
    lower_into(&text[w.0..w.1], buf);
    PLACE_WORDS.contains(&buf.as_str())
}

/// Whether the capitalised words `words[first..=last]` of `text` name a place or an organisation:
/// a place word just after them ("Rose Hill", "Mary Seacole Ward") or a saint's or place prefix
/// just before ("St John").
pub(super) fn names_a_place(text: &str, words: &[(usize, usize)], first: usize, last: usize, buf: &mut String) -> bool {
    let close = |a: (usize, usize), b: (usize, usize)| {
        let gap = &text[a.1..b.0];
        !gap.is_empty() && gap.len() <= 2 && gap.bytes().all(|c| c == b' ')
    };
    // The place word may come after more capitalised words ("Martin Luther King Centre").
    let mut after = false;
    let mut prev = words[last];
    for &n in words.iter().skip(last + 1).take(3) {
        if !close(prev, n) {
            break;
        }
        if is_place_word(text, n, buf) {
            after = true;
            break;
        }
        if !capitalised(&text[n.0..n.1]) {
            break;
        }
        prev = n;
    }
    let before = first > 0 && {
        let p = words[first - 1];
        let gap = &text[p.1..words[first].0];
        let gap = gap.strip_prefix('.').unwrap_or(gap);
        !gap.is_empty() && gap.len() <= 2 && gap.bytes().all(|c| c == b' ') && {
            lower_into(&text[p.0..p.1], buf);
            PLACE_PREFIXES.contains(&buf.as_str())
        }
    };
    after || before
}

/// `word` as a given name is looked up: lower case, accents folded ("Siân" → "sian", "Zoë" →
/// "zoe"), a curly apostrophe straight.
pub(super) fn fold_into(word: &str, buf: &mut String) {
    use unicode_normalization::UnicodeNormalization;
    if word.is_ascii() {
        lower_into(word, buf);
        return;
    }
    buf.clear();
    buf.extend(
        word.nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase).map(
            |c| match c {
                '’' => '\'',
                'ł' => 'l',
                'ø' => 'o',
                'đ' => 'd',
                c => c,
            },
        ),
    );
}

/// Whether `folded` (see [`fold_into`]) is a common given name: itself, or the first part of a
/// hyphenated one ("Mary-Jane", "Jean-Baptiste").
pub(super) fn given_name(folded: &str) -> bool {
    GIVEN_NAMES.contains(folded) || folded.split_once('-').is_some_and(|(first, _)| GIVEN_NAMES.contains(first))
}
