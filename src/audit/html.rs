//! The one HTML escaper, for every page the tool writes (the handover letter, the data protection
//! lead's report and Art 30 record): text and attribute values alike.

/// Escape `s` for HTML text or a double- or single-quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            super::escape(r#"<b a="1">Tom & 'Jo'</b>"#),
            "&lt;b a=&quot;1&quot;&gt;Tom &amp; &#39;Jo&#39;&lt;/b&gt;"
        );
        assert_eq!(super::escape("Siân Lloyd"), "Siân Lloyd");
    }
}
