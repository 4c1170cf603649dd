//! A large plain-text document redacted a window at a time, so that memory stays bounded whatever
//! its size: the windows are read three times (the withheld and erased people named in full, then
//! the included people who share a name with them, then the redaction itself), each window a few
//! MiB with a margin after it, so that a name that starts before a window's end is read whole. The
//! result is the one the whole-text redaction gives: the same shorter mentions (taken from the
//! whole document), every finding that starts in a window applied there.
//!
//! Plain text and CSV only: there a name never hides in markup that could straddle a window's end.

use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::{Finding, Redactor, Report, view};
use crate::base::error::{Error, Result};

/// Each window's length before its margin.
pub const WINDOW: usize = 4 << 20;
/// The margin read after each window, so that what starts in it is read whole.
const MARGIN: usize = 64 << 10;
/// Documents from this size are streamed; smaller ones are redacted whole.
pub const STREAM_FROM: u64 = 8 << 20;

/// Whether documents of `format` are streamed when large.
pub fn streams(format: &str) -> bool {
    matches!(format, "txt" | "csv")
}

/// What a streamed redaction found: counts by kind and detector, the first findings (lines of the
/// whole document), and how many in all.
#[derive(Debug, Default)]
pub struct Streamed {
    pub counts: Report,
    pub first: Vec<Finding>,
    pub total: usize,
}

/// The document's windows: `[start, start + len)` where the window ends at a line end (a blank
/// line if there is one in its second half), `len + margin` bytes read, on char boundaries.
struct Windows<'f> {
    file: &'f std::fs::File,
    size: usize,
    buf: Vec<u8>,
    window: usize,
}

impl Windows<'_> {
    /// Read the window at `start`: its text (with the margin) and the offset where it ends.
    fn at(&mut self, start: usize, format: &str) -> Result<(&str, usize)> {
        let want = (self.size - start).min(self.window + MARGIN);
        self.buf.resize(want, 0);
        self.file.read_exact_at(&mut self.buf, start as u64).map_err(|e| Error::io("read", "the document", e))?;
        // The margin ends on a char boundary; a broken sequence elsewhere is not text.
        let mut end = want;
        if start + want < self.size {
            while end > 0 && end > want.saturating_sub(4) && (self.buf[end - 1] & 0xC0) == 0x80 {
                end -= 1;
            }
            if end > 0 && self.buf[end - 1] >= 0xC0 {
                end -= 1;
            }
        }
        let text = std::str::from_utf8(&self.buf[..end]).map_err(|_| Error::DocumentUnreadable {
            format: format.to_string(),
            why: "it is not UTF-8 text".into(),
        })?;
        if start + end >= self.size {
            return Ok((text, text.len()));
        }
        let limit = self.window.min(text.len());
        let head = &text.as_bytes()[..limit];
        let cut = memchr_rfind(head, b"\n\n", limit / 2)
            .map(|i| i + 2)
            .or_else(|| head.iter().rposition(|b| *b == b'\n').map(|i| i + 1))
            .unwrap_or_else(|| (1..=limit).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(limit));
        Ok((text, cut))
    }
}

/// What a reader sees in a window: the text itself, or (invisible characters, decomposed
/// accents) its view.
fn seen(text: &str) -> std::borrow::Cow<'_, str> {
    if view::needs_view(text, false) { std::borrow::Cow::Owned(view::view(text, false).text) } else { text.into() }
}

/// The last `needle` in `hay` at or after `from`.
fn memchr_rfind(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    (from..=hay.len().saturating_sub(needle.len())).rev().find(|&i| hay[i..].starts_with(needle))
}

/// Redact the document at `path` (of `format`, see [`streams`]) into `out`, a window at a time;
/// the first `keep` findings are kept with their lines.
pub fn redact_file(r: &Redactor, format: &str, path: &Path, out: &mut dyn Write, keep: usize) -> Result<Streamed> {
    redact_file_in(r, format, path, out, keep, WINDOW)
}

/// As [`redact_file`], with windows of `window` bytes (the tests use small ones).
pub fn redact_file_in(
    r: &Redactor,
    format: &str,
    path: &Path,
    out: &mut dyn Write,
    keep: usize,
    window: usize,
) -> Result<Streamed> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let size = file.metadata().map_err(|e| Error::io("read", path, e))?.len() as usize;
    let mut w = Windows { file: &file, size, buf: Vec::new(), window: window.max(1024) };
    let markup = false;
    // 1. The withheld and erased people named in full.
    let mut names = std::collections::HashSet::new();
    let mut pos = 0;
    while pos < size {
        let (text, cut) = w.at(pos, format)?;
        r.full_names_in(&seen(text), &mut names);
        pos += cut;
    }
    // 2. The included people who share a name with them, as the document spells them.
    let short = r.short_mentions_of(&names, |re| {
        let mut found = std::collections::BTreeSet::new();
        let mut pos = 0;
        while pos < size {
            let Ok((text, cut)) = w.at(pos, format) else { break };
            let text = seen(text);
            for m in re.find_iter(&text) {
                if super::whole_word(&text, m.start(), m.end()) {
                    found.insert(m.as_str().to_string());
                }
            }
            pos += cut;
        }
        found.into_iter().collect()
    });
    // 3. The redaction: each window's findings that start before its end are applied; the next
    // window starts after the last of them.
    let mut result = Streamed::default();
    let (mut pos, mut lines_before) = (0usize, 0usize);
    while pos < size {
        let (text, cut) = w.at(pos, format)?;
        let needs = view::needs_view(text, markup);
        // A window read through a view is taken to its end (a line end): its view maps back.
        let (body, findings, next) = if needs {
            let (red, f) = view::redact_with(r, &text[..cut], markup, Some(&short));
            (red, f, cut)
        } else {
            let found = r.find_in(text, &short);
            let mut red = String::with_capacity(cut);
            let (mut at, mut end) = (0, cut);
            let mut applied = Vec::new();
            for f in found.into_iter().filter(|f| f.start < cut) {
                if !f.flag {
                    red.push_str(&text[at..f.start]);
                    red.push_str(&f.replacement);
                    at = f.end;
                }
                end = end.max(f.end);
                applied.push(f);
            }
            red.push_str(&text[at..end]);
            (red, applied, end)
        };
        out.write_all(body.as_bytes()).map_err(|e| Error::io("write", "the redacted copy", e))?;
        for mut f in findings {
            result.total += 1;
            *result.counts.entry(format!("{}/{}", f.kind, f.detector)).or_insert(0) += 1;
            if result.first.len() < keep {
                f.line += lines_before;
                result.first.push(f);
            }
        }
        lines_before += text.as_bytes()[..next].iter().filter(|b| **b == b'\n').count();
        pos += next;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Windows of any size give the bytes and the findings the whole-text redaction gives: a name
    /// across a window's end, shorter mentions of someone named in full in another window, an
    /// included person sharing a first name, accents written decomposed.
    #[test]
    fn small_windows_give_what_the_whole_text_gives() {
        let w = |id: &str, name: &str| super::super::Withheld {
            id: id.into(),
            name: Some(name.into()),
            email: Some(format!("{id}@example.org")),
            phone: None,
        };
        let r = Redactor::new(&[w("a", "Priya Shah"), w("b", "Siân Lloyd")], &["Priya Patel".to_string()], None)
            .with_unknown_names(true);
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&format!("Line {i}: the hub met; a@example.org wrote.\n"));
            if i == 37 {
                text.push_str("Priya\nShah and Sian Lloyd came; Temitope Danso too.\n\n");
            }
            if i == 300 {
                text.push_str("Later Priya Patel and Priya spoke; Mrs Shah's note; Sia\u{302}n agreed.\n");
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.txt");
        std::fs::write(&path, &text).unwrap();
        let (whole, found) = view::redact(&r, &text, false);
        for window in [1024, 1500, 4096, 1 << 20] {
            let mut out = Vec::new();
            let s = redact_file_in(&r, "txt", &path, &mut out, usize::MAX, window).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), whole, "window {window}");
            assert_eq!(s.total, found.len(), "window {window}");
            let lines: Vec<(usize, &str)> = s.first.iter().map(|f| (f.line, f.detector)).collect();
            let want: Vec<(usize, &str)> = found.iter().map(|f| (f.line, f.detector)).collect();
            assert_eq!(lines, want, "window {window}");
        }
        assert!(!whole.contains("Shah") && !whole.contains("Temitope") && whole.contains("Priya Patel"), "{whole}");
    }
}
