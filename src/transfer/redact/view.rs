//! Redaction on the text a reader sees. A name can be written so that its bytes differ from the
//! name: decomposed accents (NFD "Siân"), a soft hyphen or a zero-width character inside it, an
//! HTML entity (`Si&acirc;n`, `&#64;` in an address), split by inline tags (`Vik<span>ram</span>`)
//! or by Markdown emphasis (`**Vik**ram`). The text is read as a reader sees it (entities decoded,
//! tags and invisible characters left out, accents composed, emphasis marks dropped), each of its
//! characters mapped back to the bytes it came from; what is found there is replaced in the bytes,
//! the tags between the pieces of a name kept so the markup stays whole.

use unicode_normalization::UnicodeNormalization;

use super::{Finding, Redactor};

/// Characters a reader never sees: soft hyphen, zero-width space, joiners, word joiner, BOM.
fn invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// An HTML named entity for a letter a name may hold (`acirc`, `Eacute`, `ouml`, `ccedil`,
/// `szlig`…) or a no-break space, as its character.
fn html_entity(name: &str) -> Option<char> {
    let special = match name {
        "nbsp" => Some(' '),
        "szlig" => Some('ß'),
        "aelig" => Some('æ'),
        "AElig" => Some('Æ'),
        "oslash" => Some('ø'),
        "Oslash" => Some('Ø'),
        "eth" => Some('ð'),
        "thorn" => Some('þ'),
        _ => None,
    };
    if special.is_some() {
        return special;
    }
    let mut chars = name.chars();
    let base = chars.next().filter(char::is_ascii_alphabetic)?;
    let mark = match chars.as_str() {
        "acute" => '\u{301}',
        "grave" => '\u{300}',
        "circ" => '\u{302}',
        "tilde" => '\u{303}',
        "uml" => '\u{308}',
        "ring" => '\u{30a}',
        "cedil" => '\u{327}',
        "caron" => '\u{30c}',
        _ => return None,
    };
    let composed: String = [base, mark].into_iter().nfc().collect();
    let mut it = composed.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Whether the bytes need a reader's view at all: plain text without any of what makes bytes
/// differ from what is read is redacted as it is (the fast path, for large plain files).
pub(super) fn needs_view(text: &str, markup: bool) -> bool {
    let b = text.as_bytes();
    if markup && b.iter().any(|x| matches!(x, b'<' | b'&' | b'*' | b'_')) {
        return true;
    }
    // Only the lead bytes of the characters that matter are looked at (a byte scan: large plain
    // files are most of the work): U+00AD (C2), U+0300-U+036F (CC, CD), U+200B-U+2060 (E2), U+FEFF (EF).
    b.iter().enumerate().any(|(i, x)| {
        matches!(x, 0xC2 | 0xCC | 0xCD | 0xE2 | 0xEF)
            && text
                .get(i..)
                .and_then(|t| t.chars().next())
                .is_some_and(|c| invisible(c) || ('\u{300}'..='\u{36f}').contains(&c))
    })
}

/// The text as read, and for each of its characters the byte range of the source it stands for.
pub(super) struct View {
    pub(super) text: String,
    /// For each byte of `text` that starts a character: the source range, in character order.
    spans: Vec<(usize, usize, usize)>,
}

pub(super) fn view(src: &str, markup: bool) -> View {
    let mut text = String::with_capacity(src.len());
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    let mut attrs: Vec<(char, usize, usize)> = Vec::new();
    let mut i = 0;
    let push = |text: &mut String, spans: &mut Vec<(usize, usize, usize)>, c: char, a: usize, z: usize| {
        spans.push((text.len(), a, z));
        text.push(c);
    };
    while i < src.len() {
        let c = src[i..].chars().next().unwrap_or_default();
        let len = c.len_utf8();
        if invisible(c) {
            // Part of the character before it: replaced with it, never left behind.
            if let Some(last) = spans.last_mut() {
                last.2 = i + len;
            }
            i += len;
            continue;
        }
        if markup && c == '<' {
            // A tag: not read as text. A block-level one ends a word (read as a space that stands
            // for no bytes). Its attribute values (a link's `mailto:`, a title, an image's alt
            // text) are read after the text, each on its own line, so they never break a name in it.
            let end = src[i..].find('>').map_or(src.len(), |g| i + g + 1);
            let tag = &src[i..end];
            let mut t = 0;
            while let Some(eq) = tag[t..].find('=') {
                let v = t + eq + 1;
                let Some(q) = tag[v..].chars().next().filter(|q| *q == '"' || *q == '\'') else {
                    t = v;
                    continue;
                };
                let Some(close) = tag[v + 1..].find(q) else { break };
                let value = &tag[v + 1..v + 1 + close];
                let base = i + v + 1;
                attrs.push(('\n', base, base));
                for (k, ch) in value.char_indices() {
                    attrs.push((ch, base + k, base + k + ch.len_utf8()));
                }
                t = v + 1 + close + 1;
            }
            let name: String = src[i + 1..end]
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(
                name.as_str(),
                "p" | "br"
                    | "div"
                    | "li"
                    | "tr"
                    | "td"
                    | "th"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "ul"
                    | "ol"
                    | "table"
            ) {
                push(&mut text, &mut spans, ' ', i, i);
            }
            i = end;
            continue;
        }
        if markup && c == '&' {
            // An entity, decoded: it stands for its whole source.
            if let Some(semi) = src[i..].find(';').filter(|s| *s <= 10) {
                let decoded = html_entity(&src[i + 1..i + semi])
                    .map_or_else(|| crate::base::xml::decode(&src[i..=i + semi]), String::from);
                let mut chars = decoded.chars();
                if let (Some(d), None) = (chars.next(), chars.next())
                    && decoded != src[i..=i + semi]
                {
                    push(&mut text, &mut spans, d, i, i + semi + 1);
                    i += semi + 1;
                    continue;
                }
            }
        }
        if markup && (c == '*' || c == '_') {
            // Emphasis marks: `*` always, `_` at a word's edge (an address may hold one inside).
            let prev = src[..i].chars().next_back();
            let next = src[i + 1..].chars().next();
            let edge = !(prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric));
            if c == '*' || edge {
                i += 1;
                continue;
            }
        }
        if ('\u{300}'..='\u{36f}').contains(&c)
            && let Some(&(at, a, _)) = spans.last()
        {
            // A combining accent: composed with the character before it, which then stands for both.
            let composed: String = text[at..].chars().chain(std::iter::once(c)).nfc().collect();
            text.truncate(at);
            spans.pop();
            let mut chars = composed.chars();
            if let (Some(one), None) = (chars.next(), chars.next()) {
                push(&mut text, &mut spans, one, a, i + len);
            } else {
                // Nothing composes: kept as written.
                for (k, ch) in composed.chars().enumerate() {
                    let (ca, cz) = if k == 0 { (a, i) } else { (i, i + len) };
                    push(&mut text, &mut spans, ch, ca, cz);
                }
            }
            i += len;
            continue;
        }
        push(&mut text, &mut spans, c, i, i + len);
        i += len;
    }
    for (c, a, z) in attrs.into_iter().chain(std::iter::once(('\n', src.len(), src.len()))) {
        push(&mut text, &mut spans, c, a, z);
    }
    View { text, spans }
}

/// Redact `src` as read: returns the new text and the findings (their places in the read text).
/// `markup` reads HTML and Markdown (entities, tags, emphasis); plain text only drops invisible
/// characters and composes accents.
pub fn redact(r: &Redactor, src: &str, markup: bool) -> (String, Vec<Finding>) {
    redact_with(r, src, markup, None)
}

/// As [`redact`], with a whole document's shorter mentions (`None`: those of `src`).
pub fn redact_with(
    r: &Redactor,
    src: &str,
    markup: bool,
    short: Option<&super::ShortMentions>,
) -> (String, Vec<Finding>) {
    if !needs_view(src, markup) {
        return r.redact_with(src, short);
    }
    let v = view(src, markup);
    let findings = match short {
        Some(s) => r.find_in(&v.text, s),
        None => r.find(&v.text),
    };
    // The source ranges each finding covers, as runs of touching ranges (a tag between them
    // separates two runs and is kept).
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for f in findings.iter().filter(|f| !f.flag) {
        let lo = v.spans.partition_point(|s| s.0 < f.start);
        let hi = v.spans.partition_point(|s| s.0 < f.end);
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for &(_, a, z) in &v.spans[lo..hi] {
            if a == z {
                continue;
            }
            match runs.last_mut() {
                Some(last) if last.1 == a => last.1 = z,
                _ => runs.push((a, z)),
            }
        }
        for (k, (a, z)) in runs.into_iter().enumerate() {
            edits.push((a, z, if k == 0 { f.replacement.to_string() } else { String::new() }));
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(src.len());
    let mut pos = 0;
    for (a, z, with) in edits {
        if a < pos {
            continue;
        }
        out.push_str(&src[pos..a]);
        out.push_str(&with);
        pos = z;
    }
    out.push_str(&src[pos..]);
    (out, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::redact::Withheld;

    fn r() -> Redactor {
        let w = |id: &str, name: &str, email: Option<&str>| Withheld {
            id: id.into(),
            name: Some(name.into()),
            email: email.map(String::from),
            phone: None,
        };
        Redactor::new(&[w("a", "Siân Jones", None), w("b", "Vikram Clarke", Some("vikram@example.org"))], &[], None)
    }

    #[test]
    fn a_name_is_found_however_its_bytes_are_written() {
        let nfd = "Si\u{61}\u{302}n Jones came.";
        assert_eq!(redact(&r(), nfd, false).0, "[name withheld] came.");
        let soft = "Vik\u{ad}ram Clarke and Vik\u{200b}ram Clarke.";
        assert_eq!(redact(&r(), soft, false).0, "[name withheld] and [name withheld].");
        let html = "<p>Si&acirc;n Jones and Si&#226;n Jones; write to vikram&#64;example.org.</p>";
        assert_eq!(
            redact(&r(), html, true).0,
            "<p>[name withheld] and [name withheld]; write to [email withheld].</p>"
        );
        let tags = "<p>Vik<span>ram</span> Clarke and Vikram <b>Clarke</b>.</p>";
        assert_eq!(redact(&r(), tags, true).0, "<p>[name withheld]<span></span> and [name withheld]<b></b>.</p>");
        // An underscore inside an address is part of it (found whole, as any address is).
        let md = "**Vik**ram Clarke and _Vikram Clarke_ wrote; jo_smith@example.org too.";
        assert_eq!(redact(&r(), md, true).0, "**[name withheld]** and _[name withheld]_ wrote; [email withheld] too.");
        // Plain text without any of it is read as it is.
        assert_eq!(redact(&r(), "Vikram Clarke.", false).0, "[name withheld].");
    }
}
