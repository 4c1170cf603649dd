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

/// A page made ready to print, in its text (never inside a tag, a `<style>` or a `<title>`): a
/// date ("30 April 2027", "2027-04-30") is kept on one line, and text quoted between backticks
/// (a command, as the terminal shows it) is set as `<code>`, never printed with its backticks.
pub fn print_ready(page: &str) -> String {
    static DATE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let date = DATE.get_or_init(|| {
        regex::Regex::new(
            r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b|\b\d{4}-\d{2}-\d{2}\b",
        )
        .unwrap_or_else(|_| unreachable!("a fixed pattern"))
    });
    let mut out = String::with_capacity(page.len() + page.len() / 16);
    let mut rest = page;
    let mut raw_until: Option<&str> = None;
    while !rest.is_empty() {
        // A tag, copied as it is.
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            let lower = tag.to_ascii_lowercase();
            if let Some(close) = raw_until {
                if lower.starts_with(close) {
                    raw_until = None;
                }
            } else if lower.starts_with("<style") {
                raw_until = Some("</style");
            } else if lower.starts_with("<title") {
                raw_until = Some("</title");
            } else if lower.starts_with("<code") {
                raw_until = Some("</code");
            }
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        rest = &rest[end..];
        if raw_until.is_some() {
            out.push_str(text);
            continue;
        }
        // Backtick pairs become code; a lone one stays as it is.
        let pieces = text.split('`');
        let mut in_code = false;
        let mut first = true;
        let count = text.matches('`').count();
        let pairs = count / 2 * 2;
        let mut seen = 0;
        for piece in pieces {
            if !first {
                seen += 1;
                if seen <= pairs {
                    out.push_str(if in_code { "</code>" } else { "<code>" });
                    in_code = !in_code;
                } else {
                    out.push('`');
                }
            }
            first = false;
            if in_code {
                out.push_str(piece);
            } else {
                let mut last = 0;
                for m in date.find_iter(piece) {
                    out.push_str(&piece[last..m.start()]);
                    out.push_str("<span style=\"white-space:nowrap\">");
                    out.push_str(m.as_str());
                    out.push_str("</span>");
                    last = m.end();
                }
                out.push_str(&piece[last..]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_stay_whole_and_backticks_become_code_in_text_only() {
        let page = "<title>`t` 1 May 2026</title><style>a{}</style><p>Due 30 April 2027, or 2027-04-30: run `handover next` now ` alone</p><p title=\"2027-04-30\">x</p>";
        let ready = super::print_ready(page);
        assert!(ready.starts_with("<title>`t` 1 May 2026</title><style>a{}</style>"), "{ready}");
        assert!(ready.contains("Due <span style=\"white-space:nowrap\">30 April 2027</span>, or <span style=\"white-space:nowrap\">2027-04-30</span>"), "{ready}");
        assert!(ready.contains("run <code>handover next</code> now ` alone"), "{ready}");
        assert!(ready.contains("<p title=\"2027-04-30\">x</p>"), "{ready}");
    }

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            super::escape(r#"<b a="1">Tom & 'Jo'</b>"#),
            "&lt;b a=&quot;1&quot;&gt;Tom &amp; &#39;Jo&#39;&lt;/b&gt;"
        );
        assert_eq!(super::escape("Siân Lloyd"), "Siân Lloyd");
    }
}
