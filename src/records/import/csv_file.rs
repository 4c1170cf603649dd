//! A CSV file read into memory: its digest, its header checked, its rows given one at a time
//! (parsed on the other core for a large file) with the physical line each starts on.

use super::sha256_hex;
use crate::base::error::{Error, Result};

/// A CSV file read into memory: its name, digest, header and rows.
#[derive(Debug, Clone)]
pub struct CsvFile {
    /// The file name (or zip entry name) used in messages.
    pub name: String,
    /// SHA-256 of the raw bytes, hex.
    pub sha256: String,
    /// Header cells, trimmed.
    pub headers: Vec<String>,
    /// Data rows, when they are held ([`parse_csv`]); empty when they are read as they are
    /// needed ([`parse_csv_by_row`], see [`CsvFile::each_row`]).
    pub rows: Vec<CsvRow>,
    /// The file's text, read a row at a time by [`CsvFile::each_row`].
    text: Option<Text>,
}

/// A CSV file's text (its UTF-8 bytes, without a byte-order mark) and where its lines start.
#[derive(Clone)]
struct Text {
    bytes: Vec<u8>,
    start: usize,
    lines: Lines,
}

impl std::fmt::Debug for Text {
    // The text holds personal data: never print it through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text").field("bytes", &self.bytes.len()).finish_non_exhaustive()
    }
}

/// One data row with its line number.
#[derive(Clone)]
pub struct CsvRow {
    /// 1-based line where the row starts.
    pub line: usize,
    /// Cells, in header order.
    pub cells: Vec<String>,
}

impl CsvRow {
    /// The cell at a column found by [`CsvFile::column`] ("" when there is none).
    pub fn cell(&self, column: Option<usize>) -> &str {
        column.and_then(|i| self.cells.get(i)).map_or("", String::as_str)
    }
}

impl std::fmt::Debug for CsvRow {
    // Cells hold personal data: never print them through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvRow").field("line", &self.line).finish_non_exhaustive()
    }
}

impl CsvFile {
    /// A file whose rows are already read (a spreadsheet's sheet).
    pub fn held(name: &str, sha256: String, headers: Vec<String>, rows: Vec<CsvRow>) -> CsvFile {
        CsvFile { name: name.to_string(), sha256, headers, rows, text: None }
    }

    /// Every data row, in order, to `each`: the rows held, or those of the text parsed one at a
    /// time (a million-row file is then never held as a million rows). A file whose rows do not
    /// all have one cell per column is refused, after the last row, naming the first.
    pub fn each_row(&self, mut each: impl FnMut(&CsvRow) -> Result<()>) -> Result<()> {
        self.each_row_prepared(|_| (), |row, ()| each(row))
    }

    /// [`CsvFile::each_row`], each row with what `prepare` made of it. A large file is parsed
    /// and prepared on the other core while this one takes what is ready: `prepare` is the part
    /// of the work that needs nothing but the row (checking its values), `each` the part that
    /// needs this thread (storing it).
    pub fn each_row_prepared<T: Send>(
        &self,
        prepare: impl Fn(&CsvRow) -> T + Sync,
        mut each: impl FnMut(&CsvRow, &T) -> Result<()>,
    ) -> Result<()> {
        match &self.text {
            None => self.rows.iter().try_for_each(|row| each(row, &prepare(row))),
            Some(t) if t.bytes.len() - t.start > PARSE_ASIDE => self.rows_parsed_aside(t, prepare, each),
            Some(t) => {
                let mut row = CsvRow { line: 0, cells: Vec::new() };
                let ragged = self.parse_rows(t, |rec, line| {
                    fill(&mut row, rec, line);
                    each(&row, &prepare(&row))
                })?;
                self.no_ragged(&ragged)
            }
        }
    }

    /// [`CsvFile::each_row_prepared`] with the text parsed and the rows prepared on another
    /// thread, a batch at a time, while `each` takes the batches already made. The batches go
    /// back to the parser to be filled again: a row's strings are reused, as in line, and what
    /// was prepared is dropped where it was made (memory freed by the thread that took it, not
    /// across threads). The rows reach `each` in the file's order, and the outcome is the
    /// in-line one: the first error `each` returns, or the file's.
    fn rows_parsed_aside<T: Send>(
        &self,
        t: &Text,
        prepare: impl Fn(&CsvRow) -> T + Sync,
        mut each: impl FnMut(&CsvRow, &T) -> Result<()>,
    ) -> Result<()> {
        const BATCH: usize = 256;
        type Batch<T> = (Vec<CsvRow>, Vec<T>);
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch<T>>(2);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch<T>>();
        std::thread::scope(|s| {
            let prepare = &prepare;
            let parser = s.spawn(move || {
                let (mut batch, mut n): (Batch<T>, usize) = ((Vec::new(), Vec::new()), 0);
                let parsed = self.parse_rows(t, |rec, line| {
                    if n == batch.0.len() {
                        batch.0.push(CsvRow { line: 0, cells: Vec::new() });
                    }
                    fill(&mut batch.0[n], rec, line);
                    batch.1.push(prepare(&batch.0[n]));
                    n += 1;
                    if n == BATCH {
                        let mut next = empty_rx.try_recv().unwrap_or_default();
                        next.1.clear();
                        // The taker has stopped (its `each` failed): so does the parser.
                        full_tx
                            .send(std::mem::replace(&mut batch, next))
                            .map_err(|_| Error::Internal("the rows' taker stopped".into()))?;
                        n = 0;
                    }
                    Ok(())
                });
                batch.0.truncate(n);
                if n > 0 && parsed.is_ok() {
                    let _ = full_tx.send(batch);
                }
                parsed
            });
            let mut taken = Ok(());
            'batches: for batch in &full_rx {
                for (row, made) in batch.0.iter().zip(&batch.1) {
                    if let Err(e) = each(row, made) {
                        taken = Err(e);
                        break 'batches;
                    }
                }
                let _ = empty_tx.send(batch);
            }
            drop(full_rx);
            let parsed = parser.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            taken?;
            self.no_ragged(&parsed?)
        })
    }

    /// Parse the text's records, passing each non-blank one with one cell per column to `each`
    /// with its line; the rows that have another number of cells are skipped and returned.
    fn parse_rows(
        &self,
        t: &Text,
        mut each: impl FnMut(&csv::StringRecord, usize) -> Result<()>,
    ) -> Result<Vec<String>> {
        let text = &t.bytes[t.start..];
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text);
        let mut ragged: Vec<String> = Vec::new();
        let mut rec = csv::StringRecord::new();
        while rdr.read_record(&mut rec).map_err(|e| csv_error(&self.name, &e, &t.lines))? {
            let line = record_line(text, &rec, &t.lines);
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if rec.len() != self.headers.len() {
                ragged.push(format!("line {line} has {} cells", rec.len()));
                continue;
            }
            each(&rec, line)?;
        }
        Ok(ragged)
    }

    /// A file whose rows do not all have one cell per column is refused, naming the first.
    fn no_ragged(&self, ragged: &[String]) -> Result<()> {
        match ragged.first() {
            Some(first) => Err(ragged_error(&self.name, first, ragged.len(), self.headers.len())),
            None => Ok(()),
        }
    }

    /// How many rows the file has, about (its lines less the header; a quoted cell may hold a
    /// line break).
    pub fn rows_about(&self) -> usize {
        match &self.text {
            Some(t) => t.lines.0.len().saturating_sub(1),
            None => self.rows.len(),
        }
    }

    /// Where a column is in the header, for [`CsvRow::cell`] (`None`: the file has no such column).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// A cell by column name ("" when the column is absent or the row short).
    pub fn get<'a>(&self, row: &'a CsvRow, column: &str) -> &'a str {
        self.headers.iter().position(|h| h == column).and_then(|i| row.cells.get(i)).map_or("", |s| s.as_str())
    }

    /// Whether the header has this column.
    pub fn has(&self, column: &str) -> bool {
        self.headers.iter().any(|h| h == column)
    }

    /// Columns the header names more than once, with their 1-based positions.
    pub fn repeated(&self) -> Vec<(&str, Vec<usize>)> {
        let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, h) in self.headers.iter().enumerate().filter(|(_, h)| !h.is_empty()) {
            match out.iter_mut().find(|(n, _)| *n == h.as_str()) {
                Some((_, at)) => at.push(i + 1),
                None => out.push((h.as_str(), vec![i + 1])),
            }
        }
        out.retain(|(_, at)| at.len() > 1);
        out
    }

    /// A repeated column that is needed is read when every row's copies agree; refused otherwise,
    /// naming both positions and the first line where they differ. Repeats of other columns are
    /// left alone (Mailchimp repeats `UNSUB_REASON` in exports of re-subscribed audiences).
    pub fn repeats_agree(&self, needed: &[&str]) -> Result<()> {
        for (name, at) in self.repeated().into_iter().filter(|(n, _)| needed.contains(n)) {
            for row in &self.rows {
                let values: Vec<&str> = at.iter().map(|i| row.cells.get(i - 1).map_or("", String::as_str)).collect();
                if values.iter().any(|v| *v != values[0]) {
                    return Err(Error::ImportFormat {
                        file: self.name.clone(),
                        why: format!(
                            "column '{name}' appears at positions {} and line {} has different values in them",
                            at.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and "),
                            row.line
                        ),
                        hint: "keep one copy of the column (the one the exporting tool filled in) and import again"
                            .into(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The line on which a quoted cell opens and is never closed, if one is.
fn unclosed_quote(text: &str, lines: &Lines) -> Option<usize> {
    // Bytes, not characters: a quote, comma and line break are ASCII, and no byte of a multi-byte
    // UTF-8 character is. Only quotes change anything: the search jumps from one to the next.
    let b = text.as_bytes();
    let (mut opened, mut quoted, mut i) = (0, false, 0);
    while let Some(at) = memchr::memchr(b'"', &b[i..]).map(|o| i + o) {
        i = at + 1;
        if !quoted {
            // A quote opens a cell only at its start; elsewhere it is part of the cell.
            if at == 0 || matches!(b[at - 1], b',' | b'\n' | b'\r') {
                quoted = true;
                opened = lines.at(at);
            }
        } else if b.get(at + 1) == Some(&b'"') {
            i = at + 2;
        } else {
            quoted = false;
        }
    }
    quoted.then_some(opened)
}

/// MailPoet's quoting made RFC 4180, byte for byte the same length (line numbers stay): inside a
/// quoted cell `\"` is a quote written with a backslash (`""`), except where the quote ends the
/// cell (a delimiter, a line break or the end follows): then the cell ends in a backslash.
fn backslash_to_doubled(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut quoted, mut at_start, mut i) = (false, true, 0);
    let ends_cell = |j: usize| matches!(b.get(j), None | Some(b',' | b'\r' | b'\n'));
    for (j, c) in text.char_indices() {
        if j < i {
            continue;
        }
        i = j + c.len_utf8();
        match (quoted, c) {
            (false, '"') if at_start => quoted = true,
            (true, '\\') if b.get(j + 1) == Some(&b'"') && !ends_cell(j + 2) => {
                out.push_str("\"\"");
                i = j + 2;
                at_start = false;
                continue;
            }
            (true, '"') if b.get(j + 1) == Some(&b'"') => {
                out.push_str("\"\"");
                i = j + 2;
                continue;
            }
            (true, '"') => quoted = false,
            _ => {}
        }
        out.push(c);
        at_start = !quoted && matches!(c, ',' | '\n' | '\r');
    }
    out
}

/// A text larger than this is parsed on another thread ([`CsvFile::each_row`]).
const PARSE_ASIDE: usize = 1 << 20;

/// A record's cells into a row, trimmed, the row's strings reused.
fn fill(row: &mut CsvRow, rec: &csv::StringRecord, line: usize) {
    row.line = line;
    row.cells.resize_with(rec.len(), String::new);
    for (cell, c) in row.cells.iter_mut().zip(rec.iter()) {
        cell.clear();
        cell.push_str(c.trim());
    }
}

/// Where each physical line of a text starts, whatever its line endings (CRLF, LF or a bare CR):
/// the line a byte offset is on, the header being line 1.
#[derive(Clone)]
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn of(text: &str) -> Lines {
        let b = text.as_bytes();
        let mut starts = vec![0];
        // The line feed of a CRLF, already counted with its CR.
        let mut after_cr = usize::MAX;
        for i in memchr::memchr2_iter(b'\r', b'\n', b) {
            if i == after_cr {
                continue;
            }
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                after_cr = i + 1;
                starts.push(i + 2);
            } else {
                starts.push(i + 1);
            }
        }
        Lines(starts)
    }

    /// The 1-based physical line of a byte offset.
    pub(crate) fn at(&self, byte: usize) -> usize {
        self.0.partition_point(|s| *s <= byte)
    }
}

/// Parse CSV bytes. `backslash_quotes`: the file escapes `"` as `\"` (MailPoet). Strict: every row
/// has one cell per column and every quoted cell is closed, or the file is refused with the line.
pub fn parse_csv(name: &str, bytes: &[u8], backslash_quotes: bool) -> Result<CsvFile> {
    let sha256 = sha256_hex(bytes);
    let text = utf8(name, bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let owned;
    let text = if backslash_quotes {
        owned = backslash_to_doubled(text);
        owned.as_str()
    } else {
        text
    };
    let lines = Lines::of(text);
    let headers = headers(name, text, &lines)?;
    let mut file = CsvFile {
        name: name.to_string(),
        sha256,
        headers,
        rows: Vec::new(),
        text: Some(Text { bytes: text.as_bytes().to_vec(), start: 0, lines }),
    };
    let mut rows = Vec::new();
    file.each_row(|r| {
        rows.push(r.clone());
        Ok(())
    })?;
    file.rows = rows;
    file.text = None;
    Ok(file)
}

/// [`parse_csv`] for a file read a row at a time ([`CsvFile::each_row`]): the header and the
/// quoting are checked here; the rows, as they are read. The file's own bytes are kept (no copy),
/// never a row per line: a million-row `consent.csv` takes its own size in memory, not eight times
/// it.
pub fn parse_csv_by_row(name: &str, bytes: Vec<u8>) -> Result<CsvFile> {
    // The digest on the other core while this one checks the text (a large file's two passes).
    let (sha256, checked) = std::thread::scope(|s| {
        let digest = (bytes.len() > 1 << 20).then(|| s.spawn(|| sha256_hex(&bytes)));
        let checked = utf8(name, &bytes).and_then(|text| {
            let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
            let lines = Lines::of(&text[start..]);
            let headers = headers(name, &text[start..], &lines)?;
            Ok((start, lines, headers))
        });
        let sha256 = match digest {
            Some(d) => d.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            None => sha256_hex(&bytes),
        };
        (sha256, checked)
    });
    let (start, lines, headers) = checked?;
    Ok(CsvFile { name: name.to_string(), sha256, headers, rows: Vec::new(), text: Some(Text { bytes, start, lines }) })
}

fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| Error::ImportFormat {
        file: name.to_string(),
        why: format!("not UTF-8 text (bad byte at offset {})", e.valid_up_to()),
        hint: "save the file as UTF-8 CSV and import it again".into(),
    })
}

/// The header of a CSV text (trimmed), after checking that it has one and that no quoted cell is
/// left open.
fn headers(name: &str, text: &str, lines: &Lines) -> Result<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_error(name, &e, lines))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    if headers.iter().all(std::string::String::is_empty) {
        return Err(Error::ImportFormat {
            file: name.into(),
            why: "the file is empty or has no header row".into(),
            hint: "the first line must name the columns".into(),
        });
    }
    if let Some(line) = unclosed_quote(text, lines) {
        return Err(Error::ImportFormat {
            file: name.into(),
            why: format!("line {line}: a quoted cell is never closed (the rest of the file would run into it)"),
            hint: "close the quote, or write a quote inside a cell as two quotes (\"\")".into(),
        });
    }
    Ok(headers)
}

/// The physical line a record starts on (the reader counts only line feeds, and may place a
/// record at the line feed of a CRLF before it).
fn record_line(text: &[u8], rec: &csv::StringRecord, lines: &Lines) -> usize {
    rec.position().map_or(0, |p| {
        let mut at = p.byte() as usize;
        while at < text.len() && matches!(text[at], b'\r' | b'\n') {
            at += 1;
        }
        lines.at(at)
    })
}

fn ragged_error(name: &str, first: &str, count: usize, columns: usize) -> Error {
    let more = if count > 1 { format!(" (and {} more rows)", count - 1) } else { String::new() };
    Error::ImportFormat {
        file: name.into(),
        why: format!("{first}, the header has {columns}{more}"),
        hint: "every row needs one cell per column: check for a missing or extra comma, or a comma inside an unquoted cell".into(),
    }
}

fn csv_error(name: &str, e: &csv::Error, lines: &Lines) -> Error {
    let line = e.position().map_or(0, |p| lines.at(p.byte() as usize));
    Error::ImportFormat {
        file: name.to_string(),
        why: format!("not readable as CSV near line {line}"),
        hint: "check quoting on that line (a quote inside a cell is written twice: \"\")".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scans as a byte loop reads them, one byte at a time: what the quick ones must agree with.
    fn lines_byte_by_byte(b: &[u8]) -> Vec<usize> {
        let (mut starts, mut i) = (vec![0], 0);
        while i < b.len() {
            match b[i] {
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' | b'\n' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        starts
    }

    fn unclosed_byte_by_byte(b: &[u8], lines: &Lines) -> Option<usize> {
        let (mut opened, mut quoted, mut at_start, mut i) = (0, false, true, 0);
        while i < b.len() {
            let c = b[i];
            match (quoted, c) {
                (false, b'"') if at_start => {
                    quoted = true;
                    opened = lines.at(i);
                }
                (true, b'"') if b.get(i + 1) == Some(&b'"') => i += 1,
                (true, b'"') => quoted = false,
                _ => {}
            }
            at_start = !quoted && matches!(c, b',' | b'\n' | b'\r');
            i += 1;
        }
        quoted.then_some(opened)
    }

    /// A text larger than [`PARSE_ASIDE`], its rows numbered: CRLF and LF line ends, blank lines,
    /// quoted cells holding a comma or a line break. Returns the text and each row's line and
    /// cells.
    fn large_text(ragged_at: &[usize]) -> (String, Vec<(usize, Vec<String>)>) {
        let mut text = String::from("a,b,c\r\n");
        let (mut line, mut rows) = (2, Vec::new());
        for i in 0..30_000 {
            if i % 997 == 0 {
                text.push('\n');
                line += 1;
            }
            if ragged_at.contains(&i) {
                text.push_str(&format!("{i},only two\n"));
                line += 1;
                continue;
            }
            let (b, c) = (format!("row {i}, quoted"), format!("two\nlines {i}"));
            text.push_str(&format!("{i},\"{b}\",\"{c}\"{}", if i % 2 == 0 { "\r\n" } else { "\n" }));
            rows.push((line, vec![i.to_string(), b, c]));
            line += 2;
        }
        assert!(text.len() > PARSE_ASIDE);
        (text, rows)
    }

    #[test]
    fn a_large_file_parsed_aside_gives_every_row_in_order_with_its_line() {
        let (text, expected) = large_text(&[]);
        let file = parse_csv_by_row("big.csv", text.into_bytes()).unwrap();
        let mut seen = Vec::new();
        // What was made of each row on the parser's thread comes with that row.
        file.each_row_prepared(
            |r| format!("{}:{}", r.line, r.cells[0]),
            |r, made| {
                assert_eq!(made, &format!("{}:{}", r.line, r.cells[0]));
                seen.push((r.line, r.cells.clone()));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen.len(), expected.len());
        assert!(seen == expected, "first difference at {:?}", seen.iter().zip(&expected).position(|(a, b)| a != b));
    }

    #[test]
    fn a_large_file_parsed_aside_stops_at_the_first_error_and_names_its_first_ragged_row() {
        let (text, expected) = large_text(&[12_345, 20_000]);
        let file = parse_csv_by_row("big.csv", text.into_bytes()).unwrap();
        let mut n = 0;
        let e = file
            .each_row(|_| {
                n += 1;
                Ok(())
            })
            .unwrap_err();
        assert_eq!(n, expected.len(), "every good row is given before the file is refused");
        let why = e.to_string();
        assert!(why.contains("has 2 cells, the header has 3 (and 1 more rows)"), "{why}");
        // The taker's own error is the outcome, and no row after it is taken.
        let mut n = 0;
        let e = file
            .each_row(|r| {
                n += 1;
                if r.cells[0] == "5000" { Err(Error::Internal("stop here".into())) } else { Ok(()) }
            })
            .unwrap_err();
        assert_eq!((n, e.to_string().contains("stop here")), (5_001, true), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn line_starts_and_open_quotes_are_found_as_a_byte_loop_finds_them(
            text in proptest::collection::vec(proptest::sample::select(vec!['a', '"', ',', '\r', '\n', 'é']), 0..64)
        ) {
            let text: String = text.into_iter().collect();
            let lines = Lines::of(&text);
            proptest::prop_assert_eq!(&lines.0, &lines_byte_by_byte(text.as_bytes()));
            proptest::prop_assert_eq!(unclosed_quote(&text, &lines), unclosed_byte_by_byte(text.as_bytes(), &lines));
        }
    }

    #[test]
    fn mailpoet_backslash_quotes_are_read_as_mailpoet_writes_them() {
        let text = "\"Email\",\"First name\",\"Last name\"\n\"a@example.org\",\"Sam \\\"Sammy\\\"\",\"Quinn\"\n\"b@example.org\",\"C:\\\",\"Ends\\\"\n";
        let f = parse_csv("m.csv", text.as_bytes(), true).unwrap();
        assert_eq!(f.rows[0].cells, ["a@example.org", "Sam \"Sammy\"", "Quinn"]);
        assert_eq!(
            f.rows[1].cells,
            ["b@example.org", "C:\\", "Ends\\"],
            "a value ending in a backslash keeps its columns"
        );
        assert_eq!(backslash_to_doubled(text).len(), text.len());
    }

    /// Lines are physical lines, the header line 1, whatever the line endings or quoted newlines.
    #[test]
    fn line_numbers_are_physical_lines_whatever_the_endings() {
        for eol in ["\n", "\r\n", "\r"] {
            let text = ["email,note", "a@example.org,one", "b@example.org,\"two", "lines\"", "c@example.org,three", ""]
                .join(eol);
            let f = parse_csv("t.csv", text.as_bytes(), false).unwrap();
            let got: Vec<usize> = f.rows.iter().map(|r| r.line).collect();
            assert_eq!(got, [2, 3, 5], "{eol:?}");
            let bad = ["email,note", "a@example.org,one", "b@example.org", ""].join(eol);
            let e = parse_csv("t.csv", bad.as_bytes(), false).unwrap_err().to_string();
            assert!(e.contains("line 3 has 1 cells"), "{eol:?}: {e}");
            let open = ["email,note", "a@example.org,one", "b@example.org,\"never closed", ""].join(eol);
            let e = parse_csv("t.csv", open.as_bytes(), false).unwrap_err().to_string();
            assert!(e.contains("line 3: a quoted cell is never closed"), "{eol:?}: {e}");
        }
    }
}
