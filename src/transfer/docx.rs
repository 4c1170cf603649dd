//! Redaction of Word documents (docx): the same detectors as text, applied to the body, headers,
//! footers, footnotes, endnotes, comments, tracked insertions and deletions, the authors of
//! comments and tracked changes, and the document properties (author, last modified by).
//!
//! Text in a paragraph is spread over runs (`<w:r>`) with their own formatting, and a name can be
//! split across runs ("Siân" in bold, " O'Neill" not). Each paragraph's text nodes (`<w:t>`,
//! `<w:delText>`) are joined, the detectors run on the joined text, and each replacement is written
//! into the first node it touches while the rest of the match is removed from the following nodes;
//! runs, their formatting and every other part of the file are left as they were.

use std::io::{Read, Write};

use super::redact::{Finding, Redactor};
use crate::base::error::{Error, Result};

/// The parts whose text is redacted (part names compare without regard to case, as OPC says).
fn is_text_part(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let xml = std::path::Path::new(&name).extension().is_some_and(|e| e == "xml");
    name == "word/document.xml"
        || name == "word/footnotes.xml"
        || name == "word/endnotes.xml"
        || name == "word/comments.xml"
        || name == "word/glossary/document.xml"
        || (name.starts_with("word/header") && xml)
        || (name.starts_with("word/footer") && xml)
}

/// Every other XML part that can carry a name or an address: the people who commented or edited
/// (`word/people.xml`, comment extensions), document variables (`word/settings.xml`), the
/// glossary's own parts, the document properties (core, app: company and manager; custom) and
/// custom XML data. Their attribute values and element text are redacted.
fn is_markup_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let xml = std::path::Path::new(&lower).extension().is_some_and(|e| e == "xml");
    // A part's relationships (`word/_rels/document.xml.rels`) hold the targets of its hyperlinks:
    // a `mailto:` address or a profile link Word follows.
    let rels = lower.starts_with("word/") && std::path::Path::new(&lower).extension().is_some_and(|e| e == "rels");
    rels || xml
        && !is_text_part(name)
        && (lower.starts_with("word/") || lower.starts_with("docprops/") || lower.starts_with("customxml/"))
        && !lower.contains("/_rels/")
        && !matches!(
            lower.as_str(),
            "word/styles.xml"
                | "word/fonttable.xml"
                | "word/numbering.xml"
                | "word/websettings.xml"
                | "word/theme/theme1.xml"
        )
}

/// Redact a markup part: every attribute value, and every element's text, through the redactor.
/// (Values that are not names or addresses, ids and formatting, come through untouched.)
fn redact_markup(xml: &str, r: &Redactor) -> (String, Vec<Finding>) {
    redact_markup_where(xml, r, |_| true, |_| true)
}

/// In a text part, what its paragraphs' text does not hold but Word shows or follows: field codes
/// (`w:instrText`, e.g. `HYPERLINK "mailto:…"`, and `w:fldSimple/@w:instr`) and pictures'
/// alternative text and titles (`wp:docPr/@descr`, `@title`).
fn redact_fields(xml: &str, r: &Redactor) -> (String, Vec<Finding>) {
    redact_markup_where(
        xml,
        r,
        |attr| matches!(attr, "w:instr" | "descr" | "title"),
        |element| element == "w:instrText",
    )
}

/// As [`redact_markup`], for the attributes (by name) and the element text (by the element it is
/// in) that `attr_ok` and `text_ok` choose.
fn redact_markup_where(
    xml: &str,
    r: &Redactor,
    attr_ok: impl Fn(&str) -> bool,
    text_ok: impl Fn(&str) -> bool,
) -> (String, Vec<Finding>) {
    let mut out = String::with_capacity(xml.len());
    let mut element = String::new();
    let mut findings = Vec::new();
    let mut redact = |raw: &str, out: &mut String, attr: bool| {
        let value = crate::base::xml::decode(raw);
        let (red, f) = r.redact(&value);
        if f.is_empty() {
            out.push_str(raw);
        } else {
            out.push_str(&if attr { attr_encode(&red) } else { xml_encode(&red) });
            findings.extend(f);
        }
    };
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        // Text before the tag.
        if lt > 0 {
            if text_ok(&element) {
                redact(&rest[..lt], &mut out, false);
            } else {
                out.push_str(&rest[..lt]);
            }
        }
        let Some(gt) = rest[lt..].find('>') else {
            out.push_str(&rest[lt..]);
            rest = "";
            break;
        };
        let tag = &rest[lt..=lt + gt];
        // Attribute values, in double or single quotes, of elements (not declarations or comments).
        if tag.starts_with("<?") || tag.starts_with("<!") {
            out.push_str(tag);
        } else {
            // The element whose text follows: this one when it opens, none once it closes.
            element = if tag.starts_with("</") || tag.ends_with("/>") {
                String::new()
            } else {
                tag[1..].split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or_default().to_string()
            };
            let mut t = tag;
            while let Some(eq) = t.find('=') {
                let after = &t[eq + 1..];
                let q = after.chars().next().filter(|c| *c == '"' || *c == '\'');
                let Some(q) = q else {
                    out.push_str(&t[..=eq]);
                    t = after;
                    continue;
                };
                let Some(end) = after[1..].find(q) else { break };
                let name = t[..eq].rsplit(|c: char| c.is_whitespace()).next().unwrap_or_default();
                out.push_str(&t[..eq + 2]);
                if attr_ok(name) {
                    redact(&after[1..=end], &mut out, true);
                } else {
                    out.push_str(&after[1..=end]);
                }
                out.push(q);
                t = &after[end + 2..];
            }
            out.push_str(t);
        }
        rest = &rest[lt + gt + 1..];
    }
    if !rest.is_empty() && text_ok(&element) {
        redact(rest, &mut out, false);
    } else {
        out.push_str(rest);
    }
    (out, findings)
}

fn xml_encode(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn attr_encode(s: &str) -> String {
    xml_encode(s).replace('"', "&quot;")
}

/// A text node: where its content sits in the XML, and its decoded text.
struct Node {
    content_start: usize,
    content_end: usize,
    open_tag: (usize, usize),
    text: String,
}

/// Find the text nodes of a part, grouped by paragraph.
fn paragraphs(xml: &str) -> Vec<Vec<Node>> {
    let mut groups: Vec<Vec<Node>> = vec![Vec::new()];
    let mut i = 0;
    while let Some(off) = xml[i..].find('<') {
        let start = i + off;
        let Some(close) = xml[start..].find('>') else { break };
        let tag_end = start + close + 1;
        let tag = &xml[start..tag_end];
        let name_end = tag[1..].find(|c: char| c.is_whitespace() || c == '>' || c == '/').map_or(tag.len(), |n| n + 1);
        let name = &tag[1..name_end];
        if name == "/w:p" || name == "w:p" {
            if !groups.last().is_some_and(Vec::is_empty) {
                groups.push(Vec::new());
            }
        } else if (name == "w:t" || name == "w:delText") && !tag.ends_with("/>") {
            let close_tag = format!("</{name}>");
            if let Some(end_off) = xml[tag_end..].find(&close_tag) {
                let content_end = tag_end + end_off;
                let text = crate::base::xml::decode(&xml[tag_end..content_end]);
                if let Some(g) = groups.last_mut() {
                    g.push(Node { content_start: tag_end, content_end, open_tag: (start, tag_end), text });
                }
                i = content_end + close_tag.len();
                continue;
            }
        }
        i = tag_end;
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// Redact one XML part: paragraph text, then author attributes. Returns the new XML and findings
/// (their `line` is the paragraph's number in the part).
fn redact_part(xml: &str, r: &Redactor, short: &crate::transfer::redact::ShortMentions) -> (String, Vec<Finding>) {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut findings = Vec::new();
    for (pi, nodes) in paragraphs(xml).iter().enumerate() {
        let joined: String = nodes.iter().map(|n| n.text.as_str()).collect();
        let found = r.find_in(&joined, short);
        if found.is_empty() {
            continue;
        }
        let mut new_texts: Vec<String> = nodes.iter().map(|n| n.text.clone()).collect();
        // Work from the last finding back so node offsets stay valid.
        let mut bounds = Vec::new();
        let mut acc = 0;
        for n in nodes {
            bounds.push((acc, acc + n.text.len()));
            acc += n.text.len();
        }
        for f in found.iter().rev().filter(|f| !f.flag) {
            for (ni, (ns, ne)) in bounds.iter().enumerate() {
                if *ne <= f.start || *ns >= f.end {
                    continue;
                }
                let a = f.start.max(*ns) - ns;
                let z = f.end.min(*ne) - ns;
                let t = &new_texts[ni];
                // Only the first node touched gets the placeholder; later ones lose their part.
                let is_first = bounds[..ni].iter().all(|(s, e)| *e <= f.start || *s >= f.end);
                let insert = if is_first { f.replacement.as_ref() } else { "" };
                new_texts[ni] = format!("{}{}{}", &t[..a], insert, &t[z..]);
            }
        }
        for (n, t) in nodes.iter().zip(&new_texts) {
            if *t != n.text {
                edits.push((n.content_start, n.content_end, xml_encode(t)));
                let open = &xml[n.open_tag.0..n.open_tag.1];
                if open.starts_with("<w:t") && !open.contains("xml:space") {
                    edits.push((n.open_tag.0, n.open_tag.1, "<w:t xml:space=\"preserve\">".to_string()));
                }
            }
        }
        findings.extend(found.into_iter().map(|mut f| {
            f.line = pi + 1;
            f
        }));
    }
    // Authors and initials of comments and tracked changes.
    for attr in ["w:author=\"", "w:initials=\""] {
        let mut from = 0;
        while let Some(off) = xml[from..].find(attr) {
            let vs = from + off + attr.len();
            let Some(len) = xml[vs..].find('"') else { break };
            let value = crate::base::xml::decode(&xml[vs..vs + len]);
            let (red, f) = r.redact(&value);
            if !f.is_empty() {
                edits.push((vs, vs + len, attr_encode(&red)));
                findings.extend(f);
            }
            from = vs + len;
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(xml.len());
    let mut pos = 0;
    for (s, e, rep) in edits {
        if s < pos {
            continue;
        }
        out.push_str(&xml[pos..s]);
        out.push_str(&rep);
        pos = e;
    }
    out.push_str(&xml[pos..]);
    (out, findings)
}

/// A finding and the part of the docx it was in.
pub type PartFinding = (String, Finding);

/// The parts of a docx read, together, may expand to at most this many times the file's size,
/// never beyond [`MAX_TEXT`] (a zip bomb is refused, never read); under [`TEXT_FLOOR`] always.
const MAX_EXPAND: u64 = 50;
const MAX_TEXT: u64 = 256 << 20;
const TEXT_FLOOR: u64 = 16 << 20;

/// A part's text, read up to what is left of the budget (`left`, reduced by what was read).
fn read_part(entry: impl std::io::Read, left: &mut u64, limit: u64) -> Result<String> {
    let bad = |why: String| Error::DocumentUnreadable { format: "docx".into(), why };
    let mut buf = Vec::new();
    entry.take(*left + 1).read_to_end(&mut buf).map_err(|_| bad("a zip entry cannot be read".into()))?;
    if buf.len() as u64 > *left {
        return Err(bad(format!(
            "its parts expand to more than {} MiB (a damaged or hostile file): review it by hand, or add a redacted copy",
            limit >> 20
        )));
    }
    *left -= buf.len() as u64;
    String::from_utf8(buf).map_err(|_| bad("part is not UTF-8 XML".into()))
}

/// Redact a docx held in memory. Returns the new file and the findings, each with its part.
pub fn redact(bytes: &[u8], r: &Redactor) -> Result<(Vec<u8>, Vec<PartFinding>)> {
    let bad = |why: &str| Error::DocumentUnreadable { format: "docx".into(), why: why.into() };
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| bad("not a readable docx (zip)"))?;
    let limit = (bytes.len() as u64).saturating_mul(MAX_EXPAND).clamp(TEXT_FLOOR, MAX_TEXT);
    let mut left = limit;
    // The shorter mentions are the document's: a person named in full in the body is found by
    // first name in a comment or a footnote too.
    let mut all = String::new();
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).map_err(|_| bad("a zip entry cannot be read"))?;
        let name = entry.name().map_err(|_| bad("a zip entry's name cannot be read"))?.to_string();
        if is_text_part(&name) {
            let xml = read_part(&mut entry, &mut left, limit)?;
            for nodes in paragraphs(&xml) {
                all.extend(nodes.iter().map(|n| n.text.as_str()));
                all.push('\n');
            }
        }
    }
    let short = r.short_mentions(&all);
    // The rewrite reads the parts again, within the same bound.
    left = limit;
    let mut out = Vec::new();
    let mut findings = Vec::new();
    {
        let mut zout = zip::ZipWriter::new(std::io::Cursor::new(&mut out));
        for i in 0..zin.len() {
            let name = zin
                .by_index(i)
                .map_err(|_| bad("a zip entry cannot be read"))?
                .name()
                .map_err(|_| bad("a zip entry's name cannot be read"))?
                .to_string();
            let rewrite = is_text_part(&name) || is_markup_part(&name);
            if !rewrite {
                let entry = zin.by_index_raw(i).map_err(|_| bad("a zip entry cannot be read"))?;
                zout.raw_copy_file(entry).map_err(|_| bad("a part cannot be copied"))?;
                continue;
            }
            let mut entry = zin.by_index(i).map_err(|_| bad("a zip entry cannot be read"))?;
            let method = entry.compression();
            let xml = read_part(&mut entry, &mut left, limit)?;
            drop(entry);
            let (new_xml, f) = if is_text_part(&name) {
                let (text_done, mut f) = redact_part(&xml, r, &short);
                let (done, more) = redact_fields(&text_done, r);
                f.extend(more);
                (done, f)
            } else {
                redact_markup(&xml, r)
            };
            findings.extend(f.into_iter().map(|f| (name.clone(), f)));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(method)
                .last_modified_time(zip::DateTime::default());
            zout.start_file(name.as_str(), opts).map_err(|_| bad("the redacted copy cannot be written"))?;
            zout.write_all(new_xml.as_bytes()).map_err(|_| bad("the redacted copy cannot be written"))?;
        }
        zout.finish().map_err(|_| bad("the redacted copy cannot be written"))?;
    }
    Ok((out, findings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::redact::Withheld;

    /// A zip of these parts, in memory.
    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut bytes = Vec::new();
        {
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
            for (name, body) in parts {
                z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
                z.write_all(body).unwrap();
            }
            z.finish().unwrap();
        }
        bytes
    }

    /// Every part and attribute Word shows or follows is searched: a hyperlink's target in the
    /// relationships, field codes, a picture's alternative text and title.
    #[test]
    fn links_field_codes_and_alt_text_are_redacted_too() {
        use std::io::Read;
        let document = r#"<w:document><w:body><w:p><w:r><w:t>Minutes.</w:t></w:r>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "mailto:priya.shah@example.org" </w:instrText></w:r>
            <w:fldSimple w:instr=" HYPERLINK &quot;mailto:priya.shah@example.org&quot; "><w:r><w:t>write</w:t></w:r></w:fldSimple>
            <w:r><w:drawing><wp:docPr id="1" name="Picture 1" descr="Photo of Priya Shah at the hub" title="Priya Shah"/></w:drawing></w:r></w:p></w:body></w:document>"#;
        let rels = r#"<Relationships><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="mailto:priya.shah@example.org" TargetMode="External"/></Relationships>"#;
        let bytes =
            zip_of(&[("word/document.xml", document.as_bytes()), ("word/_rels/document.xml.rels", rels.as_bytes())]);
        let r = Redactor::new(
            &[Withheld {
                id: "p".into(),
                name: Some("Priya Shah".into()),
                email: Some("priya.shah@example.org".into()),
                phone: None,
            }],
            &[],
            None,
        );
        let (out, findings) = redact(&bytes, &r).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(out)).unwrap();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            assert!(!text.contains("priya.shah@example.org") && !text.contains("Priya Shah"), "{:?}: {text}", f.name());
        }
        assert!(findings.iter().any(|(part, _)| part == "word/_rels/document.xml.rels"), "{findings:?}");
    }

    /// A docx whose parts expand far beyond its size is refused by the bound, not read.
    #[test]
    fn a_docx_bomb_is_refused_within_bounds() {
        use std::io::Write;
        let mut bytes = Vec::new();
        {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
            w.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
            let chunk = vec![b' '; 1 << 20];
            for _ in 0..=(TEXT_FLOOR >> 20) {
                w.write_all(&chunk).unwrap();
            }
            w.finish().unwrap();
        }
        assert!(bytes.len() < 1 << 20, "a small file");
        let r = Redactor::new(&[], &[], None);
        match redact(&bytes, &r) {
            Err(Error::DocumentUnreadable { why, .. }) => assert!(why.contains("expand to more than"), "{why}"),
            other => panic!("not refused: {:?}", other.map(|o| o.0.len())),
        }
    }

    #[test]
    fn a_name_split_across_runs_is_redacted_and_runs_kept() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Thanks to Si</w:t></w:r><w:r><w:t xml:space="preserve">ân O&apos;Neill for </w:t></w:r><w:r><w:t>the minutes.</w:t></w:r></w:p></w:body></w:document>"#;
        let r = Redactor::new(
            &[Withheld { id: "p".into(), name: Some("Siân O'Neill".into()), email: None, phone: None }],
            &[],
            None,
        );
        let (out, f) = redact_part(xml, &r, &Default::default());
        assert_eq!(f.len(), 1);
        assert!(out.contains("<w:b/></w:rPr><w:t xml:space=\"preserve\">Thanks to [name withheld]</w:t>"), "{out}");
        assert!(out.contains("<w:t xml:space=\"preserve\"> for </w:t>"), "{out}");
        assert_eq!(out.matches("<w:r>").count(), 3);
    }

    /// Every part Word writes names into is redacted: a test walks every part afterwards.
    #[test]
    fn every_part_that_can_carry_a_name_is_redacted() {
        let parts: &[(&str, &str)] = &[
            ("[Content_Types].xml", r#"<?xml version="1.0"?><Types/>"#),
            (
                "word/document.xml",
                r#"<w:document><w:body><w:p><w:r><w:t>Minutes.</w:t></w:r></w:p></w:body></w:document>"#,
            ),
            (
                "word/people.xml",
                r#"<w15:people><w15:person w15:author="Jana Novak"><w15:presenceInfo w15:providerId="AD" w15:userId="S::jana.novak@example.org::1f2e"/></w15:person></w15:people>"#,
            ),
            (
                "word/comments.xml",
                r#"<w:comments><w:comment w:id="0" w:author="Jana Novak" w:initials="JN"><w:p><w:r><w:t>See me.</w:t></w:r></w:p></w:comment></w:comments>"#,
            ),
            (
                "word/commentsExtended.xml",
                r#"<w15:commentsEx><w15:commentEx w15:paraId="1A2B3C4D" w15:done="0"/></w15:commentsEx>"#,
            ),
            (
                "word/settings.xml",
                r#"<w:settings><w:rsids><w:rsidRoot w:val="00A1B2C3"/></w:rsids><w:docVars><w:docVar w:name="Owner" w:val="Jana Novak"/></w:docVars></w:settings>"#,
            ),
            (
                "word/glossary/document.xml",
                r#"<w:glossaryDocument><w:docParts><w:docPart><w:docPartBody><w:p><w:r><w:t>Signed: Jana Novak</w:t></w:r></w:p></w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>"#,
            ),
            (
                "docProps/core.xml",
                r#"<cp:coreProperties><dc:creator>Jana Novak</dc:creator><cp:lastModifiedBy>Jana Novak</cp:lastModifiedBy></cp:coreProperties>"#,
            ),
            (
                "docProps/app.xml",
                r#"<Properties><Company>Brightwater Trust</Company><Manager>Jana Novak</Manager><Pages>1</Pages></Properties>"#,
            ),
            (
                "docProps/custom.xml",
                r#"<Properties><property name="Reviewer"><vt:lpwstr>jana.novak@example.org</vt:lpwstr></property></Properties>"#,
            ),
            ("customXml/item1.xml", r#"<root><contact>Jana Novak, 01632 960456</contact></root>"#),
        ];
        let parts: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
        let bytes = zip_of(&parts);
        let r = Redactor::new(
            &[Withheld {
                id: "p".into(),
                name: Some("Jana Novak".into()),
                email: Some("jana.novak@example.org".into()),
                phone: Some("01632 960456".into()),
            }],
            &[],
            None,
        );
        let (out, findings) = redact(&bytes, &r).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(out)).unwrap();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            for needle in ["Jana", "Novak", "jana.novak", "960456"] {
                assert!(!text.contains(needle), "{name} still holds {needle}: {text}");
            }
        }
        let found: std::collections::BTreeSet<&str> = findings.iter().map(|(p, _)| p.as_str()).collect();
        for p in [
            "word/people.xml",
            "word/settings.xml",
            "word/glossary/document.xml",
            "docProps/app.xml",
            "docProps/custom.xml",
            "customXml/item1.xml",
        ] {
            assert!(found.contains(p), "no finding reported in {p}: {found:?}");
        }
    }
}
