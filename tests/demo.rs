//! The demo runs end to end on the fixtures.

use clap::Parser;

use crate::util::TestEnv;

#[test]
fn demo_runs_the_story() {
    let env = TestEnv::new();
    let out = env.path().join("demo");
    let r = env.ok(&["demo", "--out", out.to_str().unwrap()]);
    assert!(r.stdout.contains("everyone in it is invented"));
    assert!(r.stdout.contains("re-adding the erased person was refused"));
    assert!(r.stdout.contains("audit log: audit log intact"));
    assert!(r.stdout.contains("newsletter for brightwater-trust: expired"));
    assert!(r.stdout.contains("blockers before review and approval: 5; after: 0"), "{}", r.stdout);
    assert!(r.stdout.contains("the steering group's check: VALID bundle"), "{}", r.stdout);
    assert!(r.stdout.contains("the steering group's import: imported bundle"), "{}", r.stdout);
    assert!(out.join("handover.db").is_file());
    // Every step line can be pasted as it stands: it names its register, and its values are
    // shell words (parsed here as a POSIX shell splits them).
    let lines: Vec<&str> =
        r.stdout.lines().filter_map(|l| l.split_once(": `handover ")).map(|(_, c)| c.trim_end_matches('`')).collect();
    assert!(lines.len() > 20, "{}", r.stdout);
    for c in lines {
        let words = shell_split(c);
        assert!(words.first().is_some_and(|w| w == "--register"), "`handover {c}` names no register");
        let argv = std::iter::once("handover".to_string()).chain(words);
        assert!(handover::cli::Cli::try_parse_from(argv).is_ok(), "`handover {c}` does not parse as pasted");
    }
    // The whole story: the receipt recorded, every account made safe, the transfer complete.
    assert!(r.stdout.contains("the transfer now: transfer bdl_"), "{}", r.stdout);
    assert!(r.stdout.contains(": complete\n"), "{}", r.stdout);
    assert!(r.stdout.contains("receipt from the group: 2026-11-25"), "{}", r.stdout);
    assert!(out.join("steering-group/HANDOVER-LETTER-easy-read.html").is_file());
    // A small campaign: letters in two formats, a form export and paper slips, answers counted,
    // and the plan changed by them.
    assert!(r.stdout.contains("disclose_to_successor: yes 3, no 1,"), "{}", r.stdout);
    assert!(r.stdout.contains("spoiled 1"), "{}", r.stdout);
    for f in ["letters-standard.html", "letters-easy-read.html", "letters.csv"] {
        assert!(out.join("campaign/letters").join(f).is_file(), "{f}");
    }
    let reg = out.join("handover.db").display().to_string();
    let status = env.ok(&["--register", &reg, "campaign", "status", "join-2026", "--json"]).json();
    let plan = env.ok(&["--register", &reg, "transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let plan_people = plan["data"]["people"].as_array().unwrap().clone();
    let answered = env.ok(&["--register", &reg, "campaign", "plan", "join-2026", "--json"]).json();
    let said_yes: Vec<&str> = answered["data"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["reason"] == "already_consented" && p["code"].is_string())
        .map(|p| p["ref"].as_str().unwrap())
        .collect();
    assert_eq!(said_yes.len(), 3, "{status}");
    for r in said_yes {
        let row = plan_people.iter().find(|p| p["ref"] == r).unwrap();
        assert_eq!(row["register"]["reason"], "consent_names_receiver", "{row}");
    }
    // Its hints name a program that runs: `handover` is not on this PATH, so the path itself.
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_handover")).unwrap();
    assert!(r.stdout.contains(&format!("`{} --register", exe.display())), "{}", r.stdout);
    // The folder must be new or empty, and a rerun says what to do.
    let again = env.run(&["demo", "--out", out.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("is not empty"));
    assert!(again.stderr.contains("delete it (rm -r") && again.stderr.contains("another --out"), "{}", again.stderr);
}

/// Split a line as a POSIX shell does for plain and single-quoted words (what the demo prints).
fn shell_split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut any) = (false, false);
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}
