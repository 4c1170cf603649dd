//! `handover completions` and `handover man`: generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Error, Result};
use crate::output::Outcome;

/// Shell completions on stdout.
pub fn completions(a: CompletionsArgs) -> Result<Outcome> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "handover", &mut buf);
    let text = String::from_utf8(buf).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Outcome::new("completions", serde_json::json!({ "shell": a.shell.to_string() }), text))
}

/// The man page (roff) on stdout.
pub fn man() -> Result<Outcome> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf).map_err(|e| Error::Internal(e.to_string()))?;
    let text = String::from_utf8(buf).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Outcome::new("man", serde_json::json!({}), text))
}
