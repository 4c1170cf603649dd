//! Transcript tests: `tests/transcripts/*.txt` hold commands with their exact output.
//!
//! Format, one item per line:
//! - `# ...` a comment;
//! - `$ args...` run `handover args...` (double quotes group words; `$FIXTURES` and `$FILES`
//!   expand to the fixture folder and `tests/files`); its stdout and stderr must match the `>` and
//!   `!` lines that follow exactly, and its exit code the `? N` line (0 when absent);
//! - `$~ args...` a setup step: only its exit code (0) is checked;
//! - `> text` an expected stdout line, `! text` an expected stderr line; `[..]` matches any text
//!   within a line (ids, timestamps, hashes).
//!
//! Each file runs in a fresh empty folder, its commands in order.

use crate::util::{TestEnv, root};

fn split_args(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// Whether `actual` matches `pattern`, where `[..]` matches any run of characters.
fn matches(pattern: &str, actual: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == actual;
    }
    let mut rest = actual;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(pos) = rest.find(part) else {
                return false;
            };
            rest = &rest[pos + part.len()..];
        }
    }
    true
}

struct Step {
    line: usize,
    args: Vec<String>,
    setup: bool,
    stdout: Vec<String>,
    stderr: Vec<String>,
    code: i32,
}

fn parse(text: &str) -> Vec<Step> {
    let fixtures = root().join("fixtures").display().to_string();
    let files = root().join("tests/files").display().to_string();
    let mut steps: Vec<Step> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let expand = |s: &str| s.replace("$FIXTURES", &fixtures).replace("$FILES", &files);
        if let Some(rest) = line.strip_prefix("$~ ") {
            steps.push(Step {
                line: n + 1,
                args: split_args(&expand(rest)),
                setup: true,
                stdout: vec![],
                stderr: vec![],
                code: 0,
            });
        } else if let Some(rest) = line.strip_prefix("$ ") {
            steps.push(Step {
                line: n + 1,
                args: split_args(&expand(rest)),
                setup: false,
                stdout: vec![],
                stderr: vec![],
                code: 0,
            });
        } else if let Some(s) = steps.last_mut() {
            if let Some(rest) = line.strip_prefix("> ").or(if line == ">" { Some("") } else { None }) {
                s.stdout.push(rest.to_string());
            } else if let Some(rest) = line.strip_prefix("! ").or(if line == "!" { Some("") } else { None }) {
                s.stderr.push(rest.to_string());
            } else if let Some(rest) = line.strip_prefix("? ") {
                s.code = rest.trim().parse().expect("exit code");
            }
        }
    }
    steps
}

fn check_lines(file: &str, step: &Step, which: &str, expected: &[String], actual: &str) -> Option<String> {
    let actual: Vec<&str> = actual.lines().collect();
    let ok = expected.len() == actual.len() && expected.iter().zip(&actual).all(|(e, a)| matches(e, a));
    (!ok).then(|| {
        format!(
            "{file}:{}: `handover {}` {which} differs\n--- expected\n{}\n--- actual\n{}\n",
            step.line,
            step.args.join(" "),
            expected.join("\n"),
            actual.join("\n")
        )
    })
}

#[test]
fn transcripts() {
    let dir = root().join("tests/transcripts");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 5, "transcripts missing");
    let mut failures = Vec::new();
    let mut count = 0;
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let env = TestEnv::new();
        for step in parse(&std::fs::read_to_string(path).unwrap()) {
            let args: Vec<&str> = step.args.iter().map(String::as_str).collect();
            let r = env.run(&args);
            count += 1;
            if r.code != step.code {
                failures.push(format!(
                    "{name}:{}: `handover {}` exited {} (expected {})\nstdout: {}\nstderr: {}",
                    step.line,
                    step.args.join(" "),
                    r.code,
                    step.code,
                    r.stdout,
                    r.stderr
                ));
                continue;
            }
            if step.setup {
                continue;
            }
            failures.extend(check_lines(&name, &step, "stdout", &step.stdout, &r.stdout));
            failures.extend(check_lines(&name, &step, "stderr", &step.stderr, &r.stderr));
        }
    }
    assert!(failures.is_empty(), "{} of {count} transcript steps failed:\n\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn wildcard_matching() {
    assert!(matches("id [..] done", "id per_123 done"));
    assert!(matches("[..]", "anything"));
    assert!(!matches("id [..] done", "id per_123 undone!"));
    assert!(matches("a[..]b[..]c", "a1b2c"));
}
