//! A spreadsheet (XLSX, as MailPoet exports) read as a table: its first worksheet's cells, shared
//! strings and inline strings, the first row the header. Read here with the zip reader the tool
//! already has: a spreadsheet crate would bring a second zip version and a text-encoding library
//! for the one sheet of strings an export holds.

use std::io::Read;

use super::{CsvFile, CsvRow, sha256_hex};
use crate::base::error::{Error, Result};

/// Whether zip bytes are a spreadsheet (it has a workbook part).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok_and(|z| z.index_for_name("xl/workbook.xml").is_some())
}

/// The text between the tags of an XML fragment, entities decoded.
fn texts(xml: &str, tag: &str) -> String {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // `<t>` or `<t xml:space="preserve">`, not `<tc…>`.
        if !after.starts_with('>') && !after.starts_with(' ') {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        if after[..gt].ends_with('/') {
            rest = &after[gt + 1..];
            continue;
        }
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push_str(&crate::base::xml::decode(&body[..end]));
        rest = &body[end + close.len()..];
    }
    out
}

/// An attribute's value in a start tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let end = tag[i..].find('"')?;
    Some(&tag[i..i + end])
}

/// The most columns and rows a spreadsheet has (Excel's own limits), and the most cells a sheet
/// may hold here: a file that claims more is refused, never allocated.
const MAX_COLUMNS: usize = 16_384;
const MAX_ROWS: usize = 1_048_576;
const MAX_CELLS: usize = 20_000_000;

/// A part may expand to at most this many times the whole file's size, and never beyond
/// [`MAX_PART`] (the zip bomb bound, as the bundle reader has); parts under [`PART_FLOOR`] always pass.
const MAX_EXPAND: u64 = 100;
const MAX_PART: u64 = 512 << 20;
const PART_FLOOR: u64 = 16 << 20;

/// A cell reference's column, 0-based ("C7" → 2); `None` past [`MAX_COLUMNS`].
fn column(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference.bytes().take_while(u8::is_ascii_alphabetic).take(4).collect();
    if letters.is_empty() {
        return None;
    }
    let n = letters.iter().fold(0usize, |n, c| n * 26 + usize::from(c.to_ascii_uppercase() - b'A' + 1));
    (n <= MAX_COLUMNS).then(|| n - 1)
}

/// Read a spreadsheet's first worksheet as a table. Row numbers are the sheet's (header = 1).
pub fn read(name: &str, bytes: &[u8]) -> Result<CsvFile> {
    let bad = |why: &str| Error::ImportFormat {
        file: name.to_string(),
        why: why.to_string(),
        hint: "export the list again as CSV, or open and save it again as .xlsx".into(),
    };
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| bad("not a readable spreadsheet"))?;
    let limit = (bytes.len() as u64).saturating_mul(MAX_EXPAND).clamp(PART_FLOOR, MAX_PART);
    let too_big =
        format!("a part of the spreadsheet expands to more than {} MiB (a damaged or hostile file)", limit >> 20);
    // Each part is read up to the limit, whatever size its header claims.
    let mut part = |path: &str| -> Result<Option<String>> {
        let Ok(f) = z.by_name(path) else { return Ok(None) };
        let mut buf = Vec::new();
        f.take(limit + 1).read_to_end(&mut buf).map_err(|_| bad("a part of the spreadsheet cannot be read"))?;
        if buf.len() as u64 > limit {
            return Err(bad(&too_big));
        }
        String::from_utf8(buf).map(Some).map_err(|_| bad("a part of the spreadsheet is not UTF-8 text"))
    };
    let shared: Vec<String> = part("xl/sharedStrings.xml")?
        .map(|x| x.split("<si>").skip(1).map(|si| texts(si.split("</si>").next().unwrap_or(""), "t")).collect())
        .unwrap_or_default();
    let sheet = part("xl/worksheets/sheet1.xml")?.ok_or_else(|| bad("the spreadsheet has no first worksheet"))?;
    let mut table: Vec<(usize, Vec<String>)> = Vec::new();
    let mut cells_held = 0usize;
    for row in sheet.split("<row").skip(1) {
        if table.len() >= MAX_ROWS {
            return Err(bad(&format!("the worksheet has more than {MAX_ROWS} rows")));
        }
        let (Some(tag_end), true) = (row.find('>'), true) else { continue };
        let number: usize =
            attr(&format!(" {}", &row[..tag_end]), "r").and_then(|r| r.parse().ok()).unwrap_or(table.len() + 1);
        let body = row.split("</row>").next().unwrap_or("");
        let mut cells: Vec<String> = Vec::new();
        for c in body.split("<c").skip(1).filter(|c| c.starts_with(' ') || c.starts_with('>')) {
            let Some(gt) = c.find('>') else { continue };
            let tag = &c[..gt];
            let content = if tag.ends_with('/') { "" } else { c[gt + 1..].split("</c>").next().unwrap_or("") };
            let value = match attr(tag, "t") {
                Some("s") => texts(content, "v").trim().parse::<usize>().ok().and_then(|i| shared.get(i).cloned()),
                Some("inlineStr") => Some(texts(content, "t")),
                Some("b") => Some(if texts(content, "v").trim() == "1" { "TRUE" } else { "FALSE" }.to_string()),
                _ => Some(texts(content, "v")),
            }
            .unwrap_or_default();
            let at = match attr(tag, "r") {
                Some(r) => column(r).ok_or_else(|| {
                    bad(&format!("a cell is beyond the last column a spreadsheet has ({MAX_COLUMNS})"))
                })?,
                None => cells.len(),
            };
            if at >= MAX_COLUMNS {
                return Err(bad(&format!("a row has more than {MAX_COLUMNS} cells")));
            }
            if at >= cells.len() {
                cells_held += at + 1 - cells.len();
                if cells_held > MAX_CELLS {
                    return Err(bad(&format!("the worksheet has more than {MAX_CELLS} cells")));
                }
                cells.resize(at + 1, String::new());
            }
            cells[at] = value.trim().to_string();
        }
        table.push((number, cells));
    }
    let Some((_, headers)) = table.first().cloned() else { return Err(bad("the worksheet is empty")) };
    let width = headers.len();
    if width.saturating_mul(table.len()) > MAX_CELLS {
        return Err(bad(&format!("the worksheet has more than {MAX_CELLS} cells")));
    }
    let rows = table
        .into_iter()
        .skip(1)
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .map(|(line, mut cells)| {
            cells.resize(width, String::new());
            CsvRow { line, cells }
        })
        .collect();
    Ok(CsvFile::held(name, sha256_hex(bytes), headers, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn xlsx(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut bytes = Vec::new();
        {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
            for (n, b) in parts {
                w.start_file(*n, zip::write::SimpleFileOptions::default()).unwrap();
                w.write_all(b).unwrap();
            }
            w.finish().unwrap();
        }
        bytes
    }

    /// Hostile spreadsheets are refused by the limit they break, never allocated: a cell far
    /// past the last column, a column reference that would overflow, a part that expands past the
    /// bound, a sheet of more cells than the bound.
    #[test]
    fn a_hostile_spreadsheet_is_refused_within_bounds() {
        let sheet = |cells: &str| format!("<worksheet><sheetData><row r=\"1\">{cells}</row></sheetData></worksheet>");
        let why = |b: &[u8]| match read("x.xlsx", b) {
            Err(Error::ImportFormat { why, .. }) => why,
            other => panic!("not refused: {:?}", other.map(|f| f.headers.len())),
        };
        let far = xlsx(&[
            ("xl/workbook.xml", b"<w/>"),
            ("xl/worksheets/sheet1.xml", sheet(r#"<c r="ZZZZZZZZZZZZZZZ1"><v>1</v></c>"#).as_bytes()),
        ]);
        assert!(why(&far).contains("beyond the last column"), "{}", why(&far));
        let past = xlsx(&[
            ("xl/workbook.xml", b"<w/>"),
            ("xl/worksheets/sheet1.xml", sheet(r#"<c r="XFE1"><v>1</v></c>"#).as_bytes()),
        ]);
        assert!(why(&past).contains("beyond the last column"));
        let big = vec![b' '; (PART_FLOOR + 10) as usize];
        let bomb = xlsx(&[("xl/workbook.xml", b"<w/>"), ("xl/worksheets/sheet1.xml", &big)]);
        assert!(bomb.len() < 1 << 20, "a small file");
        assert!(why(&bomb).contains("expands to more than"), "{}", why(&bomb));
        let mut rows = String::from("<worksheet><sheetData>");
        for r in 1..=1300 {
            rows.push_str(&format!(r#"<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>"#));
        }
        rows.push_str("</sheetData></worksheet>");
        let wide = xlsx(&[("xl/workbook.xml", b"<w/>"), ("xl/worksheets/sheet1.xml", rows.as_bytes())]);
        assert!(why(&wide).contains("cells"), "{}", why(&wide));
    }

    #[test]
    fn a_mailpoet_spreadsheet_reads_as_its_table() {
        let sheet = r#"<worksheet><sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="inlineStr"><is><t>Global status</t></is></c><c r="E1" t="s"><v>3</v></c></row>
            <row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="inlineStr"><is><r><t>Sam </t></r><r><t xml:space="preserve">&quot;Sammy&quot;</t></r></is></c><c r="C2" t="s"><v>5</v></c><c r="D2" t="s"><v>5</v></c><c r="E2" t="s"><v>6</v></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>b@example.org</t></is></c><c r="E4" t="s"><v>6</v></c></row>
        </sheetData></worksheet>"#;
        let strings = r#"<sst><si><t>Email</t></si><si><t>First name</t></si><si><t>List status</t></si><si><t>List</t></si><si><t>a@example.org</t></si><si><t>subscribed</t></si><si><r><t>News</t></r><r><t>letter</t></r></si></sst>"#;
        let mut bytes = Vec::new();
        {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
            for (n, b) in [
                ("xl/workbook.xml", "<workbook/>"),
                ("xl/sharedStrings.xml", strings),
                ("xl/worksheets/sheet1.xml", sheet),
            ] {
                w.start_file(n, zip::write::SimpleFileOptions::default()).unwrap();
                w.write_all(b.as_bytes()).unwrap();
            }
            w.finish().unwrap();
        }
        assert!(is_xlsx(&bytes));
        let f = read("MailPoet_export.xlsx", &bytes).unwrap();
        assert_eq!(f.headers, ["Email", "First name", "List status", "Global status", "List"]);
        assert_eq!(f.rows[0].cells, ["a@example.org", "Sam \"Sammy\"", "subscribed", "subscribed", "Newsletter"]);
        assert_eq!(
            (f.rows[1].line, f.rows[1].cells[0].as_str(), f.rows[1].cells[4].as_str()),
            (4, "b@example.org", "Newsletter")
        );
    }
}
