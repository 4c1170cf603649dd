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

/// A cell reference's column, 0-based ("C7" → 2).
fn column(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference.bytes().take_while(u8::is_ascii_alphabetic).collect();
    if letters.is_empty() {
        return None;
    }
    Some(letters.iter().fold(0usize, |n, c| n * 26 + usize::from(c.to_ascii_uppercase() - b'A' + 1)) - 1)
}

/// Read a spreadsheet's first worksheet as a table. Row numbers are the sheet's (header = 1).
pub fn read(name: &str, bytes: &[u8]) -> Result<CsvFile> {
    let bad = |why: &str| Error::ImportFormat {
        file: name.to_string(),
        why: why.to_string(),
        hint: "export the list again as CSV, or open and save it again as .xlsx".into(),
    };
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| bad("not a readable spreadsheet"))?;
    let mut part = |path: &str| -> Option<String> {
        let mut s = String::new();
        z.by_name(path).ok()?.read_to_string(&mut s).ok()?;
        Some(s)
    };
    let shared: Vec<String> = part("xl/sharedStrings.xml")
        .map(|x| x.split("<si>").skip(1).map(|si| texts(si.split("</si>").next().unwrap_or(""), "t")).collect())
        .unwrap_or_default();
    let sheet = part("xl/worksheets/sheet1.xml").ok_or_else(|| bad("the spreadsheet has no first worksheet"))?;
    let mut table: Vec<(usize, Vec<String>)> = Vec::new();
    for row in sheet.split("<row").skip(1) {
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
            let at = attr(tag, "r").and_then(column).unwrap_or(cells.len());
            if at >= cells.len() {
                cells.resize(at + 1, String::new());
            }
            cells[at] = value.trim().to_string();
        }
        table.push((number, cells));
    }
    let Some((_, headers)) = table.first().cloned() else { return Err(bad("the worksheet is empty")) };
    let width = headers.len();
    let rows = table
        .into_iter()
        .skip(1)
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .map(|(line, mut cells)| {
            cells.resize(width, String::new());
            CsvRow { line, cells }
        })
        .collect();
    Ok(CsvFile { name: name.to_string(), sha256: sha256_hex(bytes), headers, rows, text: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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
