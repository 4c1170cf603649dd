//! Every command the tool names to its users (in a hint, a note, a letter, `--help` or a doc
//! comment: any `` `handover ...` `` in src/) is one the command line accepts: its subcommands and
//! flags exist and its fixed values are allowed. Placeholders (`{...}`, NAME, FILE) stand for any
//! value; `a|b` names each of a and b; a command named without its required arguments is still a
//! command that exists.

use clap::Parser;
use clap::error::ErrorKind;

use crate::util::root;

fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The commands one mention stands for: alternatives expanded, placeholders filled.
fn expand(mention: &str) -> Vec<Vec<String>> {
    let mut variants: Vec<Vec<String>> = vec![Vec::new()];
    let placeholder = regex::Regex::new(r"\{[^}]*\}").unwrap();
    for word in mention.split_whitespace() {
        let word = word.trim_matches(|c| c == '[' || c == ']');
        if word == "..." || word.is_empty() {
            continue;
        }
        let word = placeholder.replace_all(word, "x1").into_owned();
        let options: Vec<String> = if word.contains('|') && !word.starts_with('-') {
            word.split('|').map(String::from).collect()
        } else {
            vec![word]
        };
        variants = variants
            .into_iter()
            .flat_map(|v| {
                options.iter().map(move |o| {
                    let mut v = v.clone();
                    v.push(o.clone());
                    v
                })
            })
            .collect();
    }
    variants
}

/// Whether the command line accepts `args` (after `handover`) as a command that exists: its
/// required arguments may be missing, and a placeholder may stand where a fixed value is wanted.
pub(crate) fn parses(args: &[String]) -> Result<(), String> {
    let argv = std::iter::once("handover".to_string()).chain(args.iter().cloned());
    let Err(e) = handover::cli::Cli::try_parse_from(argv) else { return Ok(()) };
    let placeholder = e.kind() == ErrorKind::InvalidValue && e.to_string().contains("'x1'");
    let fine = placeholder
        || matches!(
            e.kind(),
            ErrorKind::MissingRequiredArgument
                | ErrorKind::MissingSubcommand
                | ErrorKind::DisplayHelp
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                | ErrorKind::DisplayVersion
        );
    if fine { Ok(()) } else { Err(e.to_string().lines().next().unwrap_or_default().to_string()) }
}

/// `handover next` names the exact command for each step: each one is accepted as it stands.
pub(crate) fn assert_next_commands_parse(next: &serde_json::Value) {
    for step in next["data"]["steps"].as_array().unwrap() {
        let command = step["command"].as_str().unwrap();
        let args: Vec<String> = command.split_whitespace().skip(1).map(String::from).collect();
        let argv = std::iter::once("handover".to_string()).chain(args.iter().cloned());
        if let Err(e) = handover::cli::Cli::try_parse_from(argv) {
            panic!("`{command}` from `handover next` is refused: {e}");
        }
    }
}

#[test]
fn every_command_the_tool_names_exists() {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let mention = regex::Regex::new(r"`handover( [^`]*)?`").unwrap();
    let mut checked = 0;
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for m in mention.captures_iter(&text) {
            let rest = m.get(1).map_or("", |r| r.as_str());
            for args in expand(rest) {
                // A subcommand given as a placeholder (`handover {} list`) names no one command.
                if args.first().is_some_and(|a| a == "x1") {
                    continue;
                }
                checked += 1;
                if let Err(why) = parses(&args) {
                    bad.push(format!(
                        "{}: `handover {}`: {why}",
                        f.strip_prefix(root()).unwrap().display(),
                        args.join(" ")
                    ));
                }
            }
        }
    }
    assert!(checked > 80, "only {checked} mentions found: is the pattern right?");
    assert!(bad.is_empty(), "commands named that the command line refuses:\n{}", bad.join("\n"));
}

/// Words as a shell splits them: quotes group, a `#` outside quotes starts a comment.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut any) = (Vec::new(), String::new(), None::<char>, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, '#') if word.is_empty() => break,
            (None, c) if c.is_whitespace() => {
                if any || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        words.push(word);
    }
    words
}

/// The commands a document shows: each `handover …` line of a code block (continued lines joined)
/// and each inline `` `handover …` ``, as arguments after `handover`, placeholders (SLUG,
/// BUNDLE_ID, ...) filled.
fn doc_commands(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let placeholder = |w: String| {
        let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() > 1 && letters.chars().all(char::is_uppercase) && !w.starts_with('-') {
            "x1".to_string()
        } else {
            w
        }
    };
    let words = |s: &str| -> Vec<String> {
        // A redirection or a pipe ends the command.
        let ws = shell_words(s);
        let end = ws.iter().position(|w| [">", ">>", "|", ";", "&&"].contains(&w.as_str())).unwrap_or(ws.len());
        ws[..end].iter().filter(|w| *w != "..." && *w != "…").cloned().map(placeholder).collect()
    };
    let mut in_block = false;
    let mut pending: Option<(usize, String)> = None;
    let inline = regex::Regex::new(r"`handover( [^`]*)?`").unwrap();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            let start = pending.take().or_else(|| line.starts_with("handover ").then(|| (i + 1, String::new())));
            if let Some((n, mut joined)) = start {
                let l = line.strip_prefix("handover ").filter(|_| joined.is_empty()).unwrap_or(line);
                match l.trim_end().strip_suffix('\\') {
                    Some(part) => {
                        joined.push_str(part);
                        joined.push(' ');
                        pending = Some((n, joined));
                    }
                    None => {
                        joined.push_str(l);
                        out.push((n, words(&joined)));
                    }
                }
            }
            continue;
        }
        for m in inline.captures_iter(line) {
            let rest = m.get(1).map_or("", |r| r.as_str());
            out.push((i + 1, words(rest)));
        }
    }
    out
}

/// Every command README.md and HANDOVER.md show a user is one the command line accepts.
#[test]
fn every_command_the_docs_show_exists() {
    let mut bad = Vec::new();
    let mut checked = 0;
    for doc in ["README.md", "HANDOVER.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        for (line, args) in doc_commands(&text) {
            checked += 1;
            if let Err(why) = parses(&args) {
                bad.push(format!("{doc}:{line}: `handover {}`: {why}", args.join(" ")));
            }
        }
    }
    assert!(checked > 120, "only {checked} commands found: is the pattern right?");
    assert!(bad.is_empty(), "commands the docs show that the command line refuses:\n{}", bad.join("\n"));
}
