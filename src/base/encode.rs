//! Encoders for what the tool writes and prints: aligned text tables, CSV (every cell a spreadsheet
//! would run kept as text), pretty JSON. No I/O: callers write the bytes.

use serde::Serialize;

use crate::base::error::Error;

/// What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Format rows as an aligned text table.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
    }
    let mut s = String::new();
    let line = |cells: Vec<&str>, s: &mut String| {
        let n = cells.len();
        for (i, c) in cells.into_iter().enumerate() {
            s.push_str(c);
            if i + 1 < n {
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.push('\n');
    };
    line(headers.to_vec(), &mut s);
    for r in rows {
        line(r.iter().map(String::as_str).collect(), &mut s);
    }
    s
}

/// A value as one shell word, to paste: as it is when it holds nothing a shell would split or
/// expand, else in single quotes.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+,:@=".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A CSV file in memory: the header, then the rows. Every CSV the tool writes goes through here.
pub fn csv_bytes(header: &[&str], rows: &[Vec<String>]) -> crate::base::error::Result<Vec<u8>> {
    // Writing into memory cannot fail; an error here is a bug.
    let bug = |e: csv::Error| Error::Internal(format!("csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(bug)?;
    for r in rows {
        w.write_record(r.iter().map(|c| neutralise(c).into_owned())).map_err(bug)?;
    }
    w.into_inner().map_err(|e| Error::Internal(format!("csv: {e}")))
}

/// A CSV cell that a spreadsheet would read as a formula gets a leading `'`, so it stays text
/// (OWASP's rule against CSV injection); any other cell is unchanged.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A value as pretty-printed JSON bytes (for the files the tool writes).
pub fn json_pretty<T: Serialize + ?Sized>(value: &T) -> crate::base::error::Result<Vec<u8>> {
    // The tool's own types serialise to JSON without fail; an error here is a bug.
    serde_json::to_vec_pretty(value).map_err(|e| Error::Internal(format!("json: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cell_a_spreadsheet_would_run_stays_text() {
        let csv = super::csv_bytes(
            &["name", "note"],
            &[vec!["=HYPERLINK(\"http://x\")".into(), "-2+3".into()], vec!["Ann".into(), "ok".into()]],
        )
        .unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text, "name,note\n\"'=HYPERLINK(\"\"http://x\"\")\",'-2+3\nAnn,ok\n");
        for start in ["+", "@", "\t", "\r"] {
            assert!(super::neutralise(&format!("{start}x")).starts_with('\''), "{start:?}");
        }
    }
}
