//! Rendering: an [`Outcome`] as text or as one JSON document on stdout; diagnostics on stderr.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::base::error::Error;
use crate::entry::cli::ColorChoice;

/// What a command produced: a kind (the JSON envelope's `type`), data, and readable text.
#[derive(Debug)]
pub struct Outcome {
    /// The envelope type, e.g. `person_list`.
    pub kind: &'static str,
    /// The JSON `data`: a value, or (for large results) the result itself, serialised only when
    /// JSON is asked for.
    data: Data,
    /// The text rendering (already formatted, newline-terminated or empty).
    pub text: String,
    /// Extra notes for stderr (warnings), shown unless --quiet.
    pub notes: Vec<String>,
    /// The exit code: `CheckFailed` when a check ran and the answer is no.
    pub exit: crate::entry::exit::ExitCode,
}

enum Data {
    Value(serde_json::Value),
    Owned(Box<dyn OwnedData + Send>),
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Data::Value(v) => v.fmt(f),
            Data::Owned(_) => f.write_str("(kept until printed)"),
        }
    }
}

/// A result kept as it is until it is printed.
trait OwnedData {
    fn value(&self) -> serde_json::Value;
    fn write_envelope(&self, kind: &str, out: &mut dyn Write) -> serde_json::Result<()>;
}

impl<T: Serialize> OwnedData for T {
    fn value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
    fn write_envelope(&self, kind: &str, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, &Envelope { data: self, kind })
    }
}

/// What `--json` prints: `{"data": …, "type": …}`.
#[derive(Serialize)]
struct Envelope<'a, T: ?Sized> {
    data: &'a T,
    #[serde(rename = "type")]
    kind: &'a str,
}

impl Outcome {
    /// Build an outcome from serialisable data and its text.
    pub fn new(kind: &'static str, data: impl Serialize, text: impl Into<String>) -> Outcome {
        let data = Data::Value(serde_json::to_value(data).unwrap_or(serde_json::Value::Null));
        Outcome { kind, data, text: text.into(), notes: Vec::new(), exit: crate::entry::exit::ExitCode::Ok }
    }

    /// Build an outcome that keeps `data` as it is and serialises it only for `--json`, straight
    /// to the output (for results too large to copy into a JSON value first, such as a plan).
    pub fn owned(kind: &'static str, data: impl Serialize + Send + 'static, text: impl Into<String>) -> Outcome {
        Outcome {
            kind,
            data: Data::Owned(Box::new(data)),
            text: text.into(),
            notes: Vec::new(),
            exit: crate::entry::exit::ExitCode::Ok,
        }
    }

    /// Done with: large kept data is freed on another thread.
    pub fn release(self) {
        if matches!(self.data, Data::Owned(_)) {
            crate::base::drop_later(self.data);
        }
    }

    /// The JSON `data`.
    pub fn data(&self) -> std::borrow::Cow<'_, serde_json::Value> {
        match &self.data {
            Data::Value(v) => std::borrow::Cow::Borrowed(v),
            Data::Owned(d) => std::borrow::Cow::Owned(d.value()),
        }
    }

    /// Add a note printed on stderr.
    pub fn note(mut self, n: impl Into<String>) -> Outcome {
        self.notes.push(n.into());
        self
    }
}

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// JSON output.
    pub json: bool,
    /// Quiet.
    pub quiet: bool,
    /// Colour on stderr.
    pub color: bool,
}

impl Style {
    /// Decide colour from the flag, NO_COLOR, and whether stderr is a terminal.
    pub fn new(json: bool, quiet: bool, color: ColorChoice) -> Style {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
                    && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true)
            }
        };
        Style { json, quiet, color }
    }
}

/// Escape control, bidi and zero-width characters in text bound for a terminal (every human-readable
/// line the tool prints: a name or id from data can carry `ESC]0;…BEL` or `ESC[2J`).
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' => {
                format!("\\u{{{:x}}}", c as u32)
            }
            c => c.to_string(),
        })
        .collect()
}

/// Print an outcome. A broken pipe is not an error.
pub fn print(outcome: &Outcome, style: Style) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    // Buffered: the standard output's own buffer flushes at every line, and pretty JSON has many.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    if style.json {
        match &outcome.data {
            Data::Value(v) => serde_json::to_writer_pretty(&mut out, &Envelope { data: v, kind: outcome.kind })?,
            Data::Owned(d) => d.write_envelope(outcome.kind, &mut out)?,
        }
        writeln!(out)?;
    } else if !outcome.text.is_empty() && (!style.quiet || is_data(outcome.kind)) {
        // Escaped wherever it goes: a pipe often ends in a terminal or a pager that obeys escapes.
        let text = sanitize(&outcome.text);
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
    }
    out.flush()?;
    if !style.quiet {
        for n in &outcome.notes {
            eprintln!("{}: {}", paint(style, "33", "note"), sanitize(n));
        }
    }
    Ok(())
}

/// Outcomes whose text is the data asked for (printed even with --quiet); the others only confirm
/// a change, which --quiet leaves unsaid.
fn is_data(kind: &str) -> bool {
    kind.ends_with("_list")
        || matches!(
            kind,
            "person_view"
                | "person_export"
                | "consent_history"
                | "audit_log"
                | "audit_verify"
                | "audit_report"
                | "ropa"
                | "completions"
                | "man"
        )
}

fn paint(style: Style, code: &str, s: &str) -> String {
    if style.color { format!("\x1b[1;{code}m{s}\x1b[0m") } else { s.to_string() }
}

/// Print an error: the first line says what and why, row details follow, then the hint line.
pub fn print_error(e: &Error, style: Style) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}: {}", paint(style, "31", "error"), sanitize(&e.to_string()));
    for row in e.details() {
        let _ = writeln!(err, "  {}", sanitize(&row.to_string()));
    }
    let _ = writeln!(err, "{}: {}", paint(style, "36", "hint"), sanitize(&e.hint()));
}
