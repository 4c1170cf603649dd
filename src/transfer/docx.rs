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
use crate::error::{Error, Result};

/// The parts whose text is redacted (part names compare without regard to case, as OPC says).
fn is_text_part(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let xml = std::path::Path::new(&name).extension().is_some_and(|e| e == "xml");
    name == "word/document.xml"
        || name == "word/footnotes.xml"
        || name == "word/endnotes.xml"
        || name == "word/comments.xml"
        || (name.starts_with("word/header") && xml)
        || (name.starts_with("word/footer") && xml)
}

fn xml_decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(j) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let ent = &tail[1..j];
        let decoded = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=j]),
        }
        rest = &tail[j + 1..];
    }
    out.push_str(rest);
    out
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
    let b = xml.as_bytes();
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
                let text = xml_decode(&xml[tag_end..content_end]);
                if let Some(g) = groups.last_mut() {
                    g.push(Node { content_start: tag_end, content_end, open_tag: (start, tag_end), text });
                }
                i = content_end + close_tag.len();
                continue;
            }
        }
        i = tag_end;
        let _ = b;
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
            let mut first = true;
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
                first = false;
            }
            let _ = first;
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
            let value = xml_decode(&xml[vs..vs + len]);
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

/// Redact `dc:creator` and `cp:lastModifiedBy` in the core properties.
fn redact_core(xml: &str, r: &Redactor) -> (String, Vec<Finding>) {
    let mut out = xml.to_string();
    let mut findings = Vec::new();
    for tag in ["dc:creator", "cp:lastModifiedBy"] {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        if let (Some(a), Some(z)) = (out.find(&open), out.find(&close)) {
            let vs = a + open.len();
            if vs <= z {
                let value = xml_decode(&out[vs..z]);
                let (red, f) = r.redact(&value);
                if !f.is_empty() {
                    out.replace_range(vs..z, &xml_encode(&red));
                    findings.extend(f);
                }
            }
        }
    }
    (out, findings)
}

/// A finding and the part of the docx it was in.
pub type PartFinding = (String, Finding);

/// Redact a docx held in memory. Returns the new file and the findings, each with its part.
pub fn redact(bytes: &[u8], r: &Redactor) -> Result<(Vec<u8>, Vec<PartFinding>)> {
    let bad = |why: &str| Error::DocumentUnreadable { format: "docx".into(), why: why.into() };
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| bad("not a readable docx (zip)"))?;
    // The shorter mentions are the document's: a person named in full in the body is found by
    // first name in a comment or a footnote too.
    let mut all = String::new();
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).map_err(|_| bad("a zip entry cannot be read"))?;
        let name = entry.name().map_err(|_| bad("a zip entry's name cannot be read"))?.to_string();
        if is_text_part(&name) {
            let mut xml = String::new();
            entry.read_to_string(&mut xml).map_err(|_| bad("part is not UTF-8 XML"))?;
            for nodes in paragraphs(&xml) {
                all.extend(nodes.iter().map(|n| n.text.as_str()));
                all.push('\n');
            }
        }
    }
    let short = r.short_mentions(&all);
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
            let rewrite = is_text_part(&name) || name == "docProps/core.xml";
            if !rewrite {
                let entry = zin.by_index_raw(i).map_err(|_| bad("a zip entry cannot be read"))?;
                zout.raw_copy_file(entry).map_err(|_| bad("a part cannot be copied"))?;
                continue;
            }
            let mut entry = zin.by_index(i).map_err(|_| bad("a zip entry cannot be read"))?;
            let method = entry.compression();
            let mut xml = String::new();
            entry.read_to_string(&mut xml).map_err(|_| bad("part is not UTF-8 XML"))?;
            drop(entry);
            let (new_xml, f) =
                if name == "docProps/core.xml" { redact_core(&xml, r) } else { redact_part(&xml, r, &short) };
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
}
