//! The register file: permissions, schema versions, erasure that leaves nothing behind.

use std::os::unix::fs::PermissionsExt;

use crate::util::{TestEnv, fixtures};

#[test]
fn register_is_created_0600_in_wal_mode() {
    let env = TestEnv::with_texts();
    let mode = std::fs::metadata(env.register()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    let jm: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(jm, "wal");
}

#[test]
fn newer_register_is_refused() {
    let env = TestEnv::with_texts();
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let r = env.run(&["person", "list"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("has schema version 999, newer than this handover"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: upgrade handover"), "{}", r.stderr);
}

#[test]
fn opening_twice_migrates_nothing() {
    let env = TestEnv::with_texts();
    env.ok(&["person", "list"]);
    env.ok(&["person", "list"]);
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, handover::register::SCHEMA_VERSION);
}

#[test]
fn consent_events_are_append_only_in_the_file() {
    let env = TestEnv::with_fixtures();
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    assert!(conn.execute("DELETE FROM consent_events", []).is_err());
    assert!(conn.execute("UPDATE consent_events SET action = 'grant'", []).is_err());
}

#[test]
fn erasure_leaves_no_identifying_bytes_in_the_files() {
    let env = TestEnv::with_fixtures();
    let show = env.ok(&["person", "show", "M0002", "--json"]).json();
    let name = show["data"]["name"].as_str().unwrap().to_string();
    let email = show["data"]["email"].as_str().unwrap().to_string();
    let id = show["data"]["id"].as_str().unwrap().to_string();
    env.ok(&["person", "erase", "M0002", "--reason", "request ER-2"]);
    let mut bytes = std::fs::read(env.register()).unwrap();
    for ext in ["handover.db-wal", "handover.db-shm"] {
        if let Ok(b) = std::fs::read(env.path().join(ext)) {
            bytes.extend(b);
        }
    }
    let hay = String::from_utf8_lossy(&bytes);
    assert!(!hay.contains(&email), "the erased email lingers in the register files");
    assert!(!hay.contains(&name), "the erased name lingers in the register files");
    let after = env.ok(&["person", "show", &id, "--json"]).json();
    assert!(after["data"]["name"].is_null() && after["data"]["email"].is_null());
    assert!(after["data"]["erased_at"].is_string());
    // Roles single a person out in a small group: they go. What consent events were for and when
    // stays (counted for nothing).
    assert!(after["data"]["roles"].as_array().unwrap().is_empty());
    let hist = env.ok(&["consent", "history", &id, "--json"]).json();
    assert!(!hist["data"].as_array().unwrap().is_empty());
    for e in hist["data"].as_array().unwrap() {
        assert!(e["support_given"].is_null());
        assert!(e["evidence_ref"].is_null() || e["evidence_ref"] == "[erased]");
    }
}

#[test]
fn subject_access_export_holds_everything() {
    let env = TestEnv::with_fixtures();
    let x = env.ok(&["person", "export", "M0002", "--json"]).json();
    let d = &x["data"];
    assert_eq!(d["person"]["ref"], "M0002");
    assert!(!d["consent_events"].as_array().unwrap().is_empty());
    assert!(!d["roles"].as_array().unwrap().is_empty());
    assert!(!d["purposes"].as_array().unwrap().is_empty());
    assert!(d["rights"].as_array().unwrap().len() >= 6);
    let text = env.ok(&["person", "export", "M0002"]).stdout;
    assert!(text.starts_with("What Brightwater Trust holds about you"));
    assert!(text.contains("Your rights"));
    // Art 15(1): how long things are kept, that no automated decision is made about them, and
    // the texts they were shown.
    assert!(!d["retention"].as_array().unwrap().is_empty());
    assert!(d["automated_decisions"].as_str().unwrap().contains("Art 22"));
    let texts = d["texts_shown"].as_array().unwrap();
    assert!(texts.iter().any(|t| t["kind"] == "statement" && !t["text"].as_str().unwrap().is_empty()), "{texts:?}");
    for heading in ["How long we keep things", "Automated decisions", "What you were told"] {
        assert!(text.contains(heading), "the letter leaves out {heading}");
    }
    // The letter names every detail held, the ones a person rarely thinks of too (Art 15).
    for label in ["Jurisdiction:", "Adult confirmed:", "Source:", "Joined on:", "Notes:"] {
        assert!(text.contains(label), "the letter leaves out {label}\n{text}");
    }
    // The documents registered that mention them, and the reviews of them, are held too.
    env.ok(&["person", "add", "--ref", "AK1", "--name", "Amelia Khan", "--email=amelia.k@example.org"]);
    let minutes = fixtures().join("redaction/minutes.txt").display().to_string();
    env.ok(&["document", "add", &minutes, "--classification", "personal", "--category", "minutes"]);
    env.ok(&[
        "review",
        "record",
        "--person",
        "AK1",
        "--reason",
        "adult_not_confirmed",
        "--decision",
        "hold",
        "--by",
        "dp-lead",
        "--note",
        "age not known",
    ]);
    let ak = env.ok(&["person", "export", "AK1", "--json"]).json();
    assert_eq!(ak["data"]["documents"][0]["file_name"], "minutes.txt", "{}", ak["data"]["documents"]);
    assert_eq!(ak["data"]["reviews"][0]["decision"], "hold");
    let ak_text = env.ok(&["person", "export", "AK1"]).stdout;
    assert!(ak_text.contains("Documents that mention you") && ak_text.contains("minutes.txt"), "{ak_text}");
    assert_eq!(d["documents"].as_array().unwrap().len(), 0, "M0002 is in no document");
    let out = env.path().join("sar.txt");
    env.ok(&["person", "export", "M0002", "--out", out.to_str().unwrap()]);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let again = env.run(&["person", "export", "M0002", "--out", out.to_str().unwrap()]);
    assert_eq!(again.code, 2, "an existing file is never overwritten");
}

#[test]
fn help_documents_exit_codes_and_generated_docs_work() {
    let env = TestEnv::new();
    let help = env.ok(&["--help"]).stdout;
    assert!(help.contains("Exit codes: 0 ok; 1 checked and the answer is no"));
    let bash = env.ok(&["completions", "bash"]).stdout;
    assert!(bash.contains("_handover()"));
    let man = env.ok(&["man"]).stdout;
    assert!(man.starts_with(".ie") || man.contains(".TH handover"), "{}", &man[..200.min(man.len())]);
    // Global flags are accepted before or after the subcommand.
    let a = env.run(&["--json", "person", "list"]);
    let b = env.run(&["person", "list", "--json"]);
    assert_eq!(a.code, 2);
    assert_eq!(a.stderr, b.stderr);
}

#[test]
fn a_busy_register_is_refused_cleanly_and_unchanged() {
    let env = TestEnv::with_texts();
    let before = env.audit_len();
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let r = env.run(&["person", "add", "--name", "Blocked Person"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: the register could not be read or written: database is locked"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: check the file is not open in another program"), "{}", r.stderr);
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    assert_eq!(env.audit_len(), before);
}

#[test]
fn quiet_keeps_data_and_drops_confirmations() {
    let env = TestEnv::with_texts();
    let r = env.ok(&["person", "add", "--name", "Quiet Person", "--quiet"]);
    assert_eq!(r.stdout, "");
    let list = env.ok(&["-q", "person", "list"]);
    assert!(list.stdout.contains("Quiet Person"));
}

#[test]
fn a_version_1_register_is_upgraded() {
    let env = TestEnv::new();
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    conn.pragma_update(None, "application_id", handover::register::APPLICATION_ID).unwrap();
    conn.execute_batch(include_str!("../src/register/migrations/0001_register.sql")).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute_batch(
        "INSERT INTO settings VALUES ('hash_key', '00'), ('community', 'Old');
         INSERT INTO controllers(slug, name, kind, is_self, created_at) VALUES ('old-org', 'Old Org', 'charity', 1, '2025-01-01T00:00:00Z');",
    )
    .unwrap();
    // An address with an international domain, matched as the old versions did (NFC, lower case).
    conn.execute(
        "INSERT INTO people(id, ref, name, email, email_norm, jurisdiction, adult_confirmed, created_at)
         VALUES ('per_000000000001', 'M1', 'Synthetic Old', 'anna@Bücher.example', 'anna@bücher.example', 'unknown', 0, '2025-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
    // A consent whose support note mentions capacity, and a statement from before controllers
    // were recorded.
    conn.execute_batch(
        "INSERT INTO purposes VALUES ('newsletter', 'Newsletter', '[\"email\"]', 0, 1, NULL, '[]');
         INSERT INTO statements VALUES ('S1', 'standard', 'newsletter', 'ab', 'text', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
         INSERT INTO consent_events(id, person_id, purpose, action, controllers, channels, consent_kind, special_categories,
             at, recorded_by, given_by, support_given, told_can_withdraw, source, natural_key, recorded_at)
         VALUES ('con_000000000001', 'per_000000000001', 'newsletter', 'grant', '[\"old-org\"]', '[\"email\"]', 'standard', '[]',
             '2025-02-01T00:00:00Z', 'fac', 'self', 'Capacity queried by the hub lead', 1, 'direct', 'k1', '2025-02-01T00:00:00Z');",
    )
    .unwrap();
    drop(conn);
    env.ok(&["controller", "list"]);
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    let concern: Option<i64> = conn.query_row("SELECT capacity_concern FROM consent_events", [], |r| r.get(0)).unwrap();
    assert_eq!(concern, Some(1), "a note that named a capacity concern keeps it as the field");
    let named: Option<String> = conn.query_row("SELECT controllers FROM statements", [], |r| r.get(0)).unwrap();
    assert_eq!(named, None, "what an old statement named is not guessed");
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, handover::register::SCHEMA_VERSION);
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM tasks", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
    let norm: String = conn.query_row("SELECT email_norm FROM people", [], |r| r.get(0)).unwrap();
    assert_eq!(norm, "anna@xn--bcher-kva.example", "the upgrade matches international domains as IDNA does");
}

/// Every date flag is parsed by one parser with one message, before the register is opened:
/// a bad date is a usage error (exit 2) that changes nothing.
#[test]
fn a_bad_date_on_any_flag_gets_the_same_message_and_changes_nothing() {
    let env = TestEnv::with_texts();
    let before = env.audit_len();
    for args in [
        &["complaint", "open", "--received", "2026-02-30", "--summary", "late reply"][..],
        &["role", "end", "rol_000000000001", "--to", "31/03/2026"],
        &["transfer", "close", "bdl_000000000001", "--delete-after", "next week"],
        &[
            "statement",
            "add",
            "--purpose",
            "newsletter",
            "--version",
            "9",
            "--file",
            "x.txt",
            "--effective-from",
            "2026-1-1x",
            "--controllers",
            "brightwater-trust",
        ],
        &[
            "account",
            "add",
            "--service",
            "website",
            "--url",
            "https://x.example",
            "--login",
            "a",
            "--paid-until",
            "2026-10-32",
        ],
    ] {
        let r = env.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("not a date: write it as YYYY-MM-DD"), "{args:?}: {}", r.stderr);
    }
    assert_eq!(env.audit_len(), before);
}

/// A register damaged outside handover (here: its hash key deleted by hand) is reported as damaged,
/// with the way to recover, and exits 4 (a damaged register): only a bug in handover exits 3.
#[test]
fn a_damaged_register_is_named_as_such_not_as_a_bug() {
    let env = TestEnv::with_texts();
    let db = rusqlite::Connection::open(env.register()).unwrap();
    db.execute("DELETE FROM settings WHERE key = 'hash_key'", []).unwrap();
    drop(db);
    let r = env.run(&["person", "add", "--name", "Test Person", "--email", "test.person@example.org"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("the register is damaged: it has no hash key"), "{}", r.stderr);
    assert!(r.stderr.contains("handover register restore"), "{}", r.stderr);
}

/// Ten `person add` of one email at the same moment: exactly one adds the person (and one audit
/// entry says so); the others are refused as duplicates. (Six once said "added".)
#[test]
fn simultaneous_adds_of_one_person_add_it_once() {
    let env = TestEnv::with_texts();
    let before = env.audit_len();
    let children: Vec<std::process::Child> = (0..10)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_handover"))
                .args(["person", "add", "--name", "Same Person", "--email", "same.person@example.org"])
                .current_dir(env.path())
                .env("HANDOVER_REGISTER", "handover.db")
                .env("HANDOVER_ACTOR", "tester")
                .env("HANDOVER_TEST_NOW", "2026-11-25T12:00:00Z")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let codes: Vec<i32> = children.into_iter().map(|c| c.wait_with_output().unwrap().status.code().unwrap()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 2), "{codes:?}");
    let people = env.ok(&["person", "list", "--json"]).json()["data"].as_array().unwrap().len();
    assert_eq!(people, 1);
    assert_eq!(env.audit_len(), before + 1, "one audit entry for the one person added");
}

/// An email that starts like a spreadsheet formula is refused where it comes in (it would go into
/// every CSV the tool writes); the CSVs the tool writes neutralise any cell that starts like one.
#[test]
fn a_formula_never_reaches_a_csv() {
    let env = TestEnv::with_texts();
    for email in ["=cmd@example.org", "+1@example.org", "-x@example.org", "@x@example.org"] {
        let flag = format!("--email={email}");
        let r = env.run(&["person", "add", "--name", "Formula Test", &flag]);
        assert_eq!(r.code, 2, "{email}: {}", r.stderr);
        assert!(r.stderr.contains("not an email address"), "{email}: {}", r.stderr);
    }
    // A name that starts like a formula is kept as the person gave it, and written as text.
    env.ok(&["person", "add", "--ref", "F1", "--name", "=1+1", "--email", "formula.name@example.org"]);
    let shown = env.ok(&["person", "show", "F1", "--json"]).json();
    assert_eq!(shown["data"]["name"], "=1+1");
}

/// Addresses a receiver's mail tool would drop are refused where they come in, with the reason:
/// a pasted `mailto:` link, doubled or dangling dots, a comment, an invisible character.
#[test]
fn an_email_mail_software_would_drop_is_refused() {
    let env = TestEnv::with_texts();
    let before = env.audit_len();
    for email in [
        "mailto:ann@example.org",
        "ann..lee@example.org",
        "ann.@example.org",
        "ann(x)@example.org",
        "an\u{200b}n@example.org",
    ] {
        let flag = format!("--email={email}");
        let r = env.run(&["person", "add", "--name", "Ann Example", &flag]);
        assert_eq!(r.code, 2, "{email:?}: {}", r.stderr);
        assert!(r.stderr.contains("not an email address"), "{email:?}: {}", r.stderr);
    }
    assert_eq!(env.audit_len(), before);
}

/// Names, ids and anything else from data are printed with control characters escaped, piped or
/// not: a name carrying `ESC]0;…BEL` once retitled the terminal of whoever listed the register.
#[test]
fn what_data_says_never_drives_the_terminal() {
    let env = TestEnv::with_texts();
    let name = "Eve\u{1b}]0;pwned\u{7}\u{1b}[2J Example";
    env.ok(&["person", "add", "--ref", "E1", "--name", name, "--email=eve@example.org"]);
    for args in [&["person", "list"][..], &["person", "show", "E1"], &["person", "export", "E1"]] {
        let r = env.ok(args);
        assert!(!r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'), "{args:?}: {:?}", r.stdout);
        assert!(r.stdout.contains("Eve\\u{1b}]0;pwned"), "{args:?}: the name is shown, escaped: {}", r.stdout);
    }
    let r = env.run(&["person", "show", "\u{1b}[2Jnobody"]);
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains('\u{1b}'), "{:?}", r.stderr);
    // JSON keeps the value as it is (JSON escapes it).
    let j = env.ok(&["person", "show", "E1", "--json"]).json();
    assert_eq!(j["data"]["name"], name);
}

/// A register on a read-only disk (or, for a user other than root, in a read-only folder) can be
/// read: lists, views and the audit check work; a change is refused with a one-line reason (exit
/// 2), not "unable to open database file".
#[test]
fn a_read_only_register_can_be_read() {
    let env = TestEnv::with_texts();
    let dir = env.path().join("ro");
    let root = String::from_utf8(std::process::Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
    let as_root = root.trim() == "0";
    std::fs::create_dir_all(&dir).unwrap();
    if as_root {
        // Root writes through file modes: only a read-only mount stops it.
        let ok =
            std::process::Command::new("mount").args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"]).arg(&dir).status();
        assert!(ok.unwrap().success(), "mount a tmpfs");
    }
    let reg = dir.join("handover.db");
    let reg_s = reg.to_str().unwrap();
    env.ok(&["--register", reg_s, "init", "--community", "RO", "--controller", "Brightwater Trust"]);
    env.ok(&[
        "--register",
        reg_s,
        "person",
        "add",
        "--ref",
        "R1",
        "--name",
        "Synthetic Reader",
        "--email=r1@example.org",
    ]);
    if as_root {
        let ok = std::process::Command::new("mount").args(["-o", "remount,ro"]).arg(&dir).status();
        assert!(ok.unwrap().success(), "remount read-only");
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&reg, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let list = env.run(&["--register", reg_s, "person", "list"]);
    let show = env.run(&["--register", reg_s, "person", "show", "R1"]);
    let audit = env.run(&["--register", reg_s, "audit", "verify"]);
    let add = env.run(&["--register", reg_s, "person", "add", "--ref", "R2", "--name", "Another"]);
    if as_root {
        let _ = std::process::Command::new("umount").arg(&dir).status();
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("Synthetic Reader"));
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    assert_eq!(add.code, 2, "{}", add.stderr);
    assert!(add.stderr.contains("is read-only: it can be read, not changed"), "{}", add.stderr);
}

/// An erased person stays out whatever the form of their address's domain: fullwidth letters, an
/// ideographic full stop, a soft hyphen, or the `xn--` form of an international domain (IDNA,
/// UTS #46); and one person is not added twice under two forms of one domain.
#[test]
fn an_erased_address_stays_out_in_every_form_of_its_domain() {
    let env = TestEnv::with_texts();
    env.ok(&["person", "add", "--ref", "V1", "--name", "Synthetic Erased", "--email=vee@example.org"]);
    env.ok(&["person", "erase", "V1", "--reason", "asked to be forgotten"]);
    // Refused as the erased person's address, or (invisible characters, a dot a mail tool would
    // not read) as no address at all: never let back in.
    for (form, why) in [
        ("vee@ｅｘａｍｐｌｅ.org", "erased"),
        ("vee@ｅｘａｍｐｌｅ。org", "not an email address"),
        ("VEE@EXAMPLE.ORG", "erased"),
        ("vee@exam\u{ad}ple.org", "not an email address"),
        ("vee@example。org", "not an email address"),
    ] {
        let r = env.run(&["person", "add", "--ref", "V2", "--name", "Back Again", &format!("--email={form}")]);
        assert_eq!(r.code, 2, "{form:?} was let back in: {}", r.stdout);
        assert!(r.stderr.contains(why), "{form:?}: {}", r.stderr);
    }
    env.ok(&["person", "add", "--ref", "B1", "--name", "Synthetic Reader", "--email=anna@bücher.example"]);
    let r =
        env.run(&["person", "add", "--ref", "B2", "--name", "Synthetic Twin", "--email=anna@xn--bcher-kva.example"]);
    assert_eq!(r.code, 2, "one domain in two forms is one address: {}", r.stdout);
}

/// After erasure nothing singles the person out: in a steering group of three, "the co-chair
/// since 2023 with lived experience" is a person (and health data). Their reference, group,
/// hub, joining date, roles and designations go; what stays is the internal id, the erasure,
/// and what their consent events were for and when. The erased record cannot be changed.
#[test]
fn an_erased_person_keeps_nothing_that_singles_them_out() {
    let env = TestEnv::with_texts();
    env.ok(&[
        "person",
        "add",
        "--ref",
        "S2",
        "--name",
        "Synthetic Co-chair",
        "--email=cochair@example.org",
        "--stakeholder-group",
        "lived_experience",
        "--hub",
        "Medway",
        "--joined-on",
        "2023-04-01",
        "--organisation",
        "Example Trust",
    ]);
    env.ok(&[
        "role",
        "assign",
        "--person",
        "S2",
        "--role",
        "steering_co_chair",
        "--from",
        "2023-04-01",
        "--designation",
        "lived_experience",
    ]);
    let id = env.ok(&["person", "show", "S2", "--json"]).json()["data"]["id"].as_str().unwrap().to_string();
    env.ok(&["person", "erase", "S2", "--reason", "erasure request ER-7"]);
    let shown = env.ok(&["person", "show", &id, "--json"]).json();
    let d = &shown["data"];
    for (field, gone) in [
        ("ref", "S2"),
        ("stakeholder_group", "lived_experience"),
        ("hub", "Medway"),
        ("joined_on", "2023-04-01"),
        ("organisation", "Example Trust"),
    ] {
        assert_ne!(d[field], gone, "{field} kept after erasure: {d}");
    }
    let text = env.ok(&["person", "show", &id]).stdout;
    for gone in ["S2", "lived_experience", "co_chair", "2023-04-01", "Medway"] {
        assert!(!text.contains(gone), "'{gone}' is still shown:\n{text}");
    }
    let roles = env.ok(&["role", "list", "--json"]).json();
    assert!(roles["data"].as_array().unwrap().iter().all(|r| r["person_id"] != id.as_str()), "{roles}");
    assert!(env.run(&["person", "show", "S2"]).code == 2, "the old reference no longer finds them");
    for args in [
        &["person", "edit", &id, "--name", "New Name"][..],
        &["person", "erase", &id, "--reason", "again"],
        &[
            "consent",
            "withdraw",
            "--person",
            &id,
            "--purpose",
            "newsletter",
            "--at",
            "2026-04-01T10:00:00Z",
            "--recorded-by",
            "fac",
            "--channels",
            "email",
        ],
    ] {
        let r = env.run(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains("has been erased"), "{args:?}: {}", r.stderr);
    }
}

/// A consent records which format of the statement the person was shown (an easy-read form is
/// evidence of its own): the digest is that format's text, a format the version does not have is
/// refused, and a consent without one says so (null), as every consent recorded before did.
#[test]
fn a_consent_records_the_format_of_the_statement_shown() {
    let new = || {
        let env = TestEnv::with_texts();
        env.ok(&[
            "person",
            "add",
            "--ref",
            "T1",
            "--name",
            "Test One",
            "--email",
            "one@example.org",
            "--adult-confirmed",
            "yes",
        ]);
        env
    };
    let grant = |env: &TestEnv, format: Option<&str>| {
        let mut a = vec![
            "consent",
            "record",
            "--person",
            "T1",
            "--purpose",
            "newsletter",
            "--controllers",
            "brightwater-trust",
            "--channels",
            "email",
            "--at",
            "2024-03-01T10:00:00Z",
            "--recorded-by",
            "fac",
            "--method",
            "easy_read_form",
            "--evidence-ref",
            "EV-1",
            "--statement-version",
            "NL-2021",
            "--notice-version",
            "PN-2021",
            "--told-can-withdraw",
            "yes",
            "--json",
        ];
        if let Some(f) = format {
            a.extend(["--statement-format", f]);
        }
        env.run(&a)
    };
    let sha = |format: &str| {
        crate::util::sha256_file(&crate::util::fixtures().join(format!("texts/statement-NL-2021-{format}.txt")))
    };
    let env = new();
    let r = grant(&env, Some("easy_read"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = r.json()["data"].clone();
    assert_eq!(e["statement_format"], "easy_read");
    assert_eq!(e["statement_sha256"], sha("easy_read").as_str());
    let history = env.ok(&["consent", "history", "T1", "--json"]).json();
    assert_eq!(history["data"][0]["statement_format"], "easy_read");

    // NL-2017 has no easy-read text: refused, with the column named.
    let r = env.run(&[
        "consent",
        "record",
        "--person",
        "T1",
        "--purpose",
        "newsletter",
        "--controllers",
        "brightwater-trust",
        "--channels",
        "email",
        "--at",
        "2024-03-02T10:00:00Z",
        "--recorded-by",
        "fac",
        "--method",
        "paper_signed",
        "--evidence-ref",
        "EV-2",
        "--statement-version",
        "NL-2017",
        "--statement-format",
        "easy_read",
        "--notice-version",
        "PN-2017",
        "--told-can-withdraw",
        "yes",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--statement-format") && r.stderr.contains("easy_read"), "{}", r.stderr);
    let r = grant(&env, Some("large_print"));
    assert_eq!(r.code, 2, "{}", r.stderr);

    // Without the flag: not recorded (null), and the digest is the standard text's, as before.
    let r = grant(&new(), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = r.json()["data"].clone();
    assert!(e["statement_format"].is_null(), "{e}");
    assert_eq!(e["statement_sha256"], sha("standard").as_str());
}

/// An objection, a restriction, a basis or a notice delivery cannot be dated in the future (as a
/// consent cannot): a future objection would hold a person back only from a date to come, and
/// let the plan send them today.
#[test]
fn bases_and_notice_deliveries_are_never_dated_in_the_future() {
    let env = TestEnv::with_fixtures();
    for action in ["object", "restrict"] {
        let r = env.run(&[
            "basis",
            action,
            "--person",
            "M0002",
            "--purpose",
            "newsletter",
            "--decided-by",
            "dp",
            "--at",
            "2030-01-01T10:00:00Z",
        ]);
        assert_eq!(r.code, 2, "{action}: {}", r.stderr);
        assert!(r.stderr.contains("dated in the future"), "{action}: {}", r.stderr);
    }
    let log = env.write(
        "sent.csv",
        "person_ref,email,notice_version,sent_at,channel\nM0002,,PN-2025,2031-01-01T10:00:00Z,email\n",
    );
    let r = env.run(&["notice", "send-log", &log]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("dated in the future"), "{}", r.stderr);
    let ok = env.run(&[
        "basis",
        "object",
        "--person",
        "M0002",
        "--purpose",
        "newsletter",
        "--decided-by",
        "dp",
        "--at",
        "2026-11-25T12:03:00Z",
    ]);
    assert_eq!(ok.code, 0, "within the clock's skew: {}", ok.stderr);
}

/// A special-category purpose rests on explicit consent, the one Art 9 condition the tool
/// records: another basis for it is refused, a contract is not cited by an LIA, a legal obligation
/// names its law, and the Art 30 record claims explicit consent only for the people it covers.
#[test]
fn special_categories_need_an_art9_condition_and_each_basis_its_own_reference() {
    let env = TestEnv::with_fixtures();
    let basis = |purpose: &str, basis: &str, reference: &str| {
        let mut a = vec!["basis", "record", "--person", "M0003", "--purpose", purpose, "--basis", basis];
        a.extend(["--controllers", "brightwater-trust", "--decided-by", "dp", "--at", "2026-11-20T10:00:00Z"]);
        if !reference.is_empty() {
            a.extend(["--assessment-ref", reference]);
        }
        env.run(&a)
    };
    let before = env.audit_len();
    for purpose in ["lived_experience_designation", "diversity_monitoring"] {
        for (b, r) in
            [("legitimate_interests", "LIA-2023-01"), ("contract", "AGR-1"), ("legal_obligation", "Equality Act 2010")]
        {
            let run = basis(purpose, b, r);
            assert_eq!(run.code, 2, "{purpose} on {b}: {}", run.stderr);
            assert!(run.stderr.contains("no Art 9 condition"), "{purpose} on {b}: {}", run.stderr);
        }
    }
    let lia_contract = basis("governance_contact", "contract", "LIA-2023-01");
    assert!(lia_contract.stderr.contains("a contract is cited by the agreement"), "{}", lia_contract.stderr);
    let no_law = basis("governance_contact", "legal_obligation", "");
    assert!(no_law.stderr.contains("names the law that imposes it"), "{}", no_law.stderr);
    assert_eq!(env.audit_len(), before, "nothing was recorded");
    assert_eq!(basis("governance_contact", "legal_obligation", "Charities Act 2011 s130").code, 0);
    // A basis an older version took for a special-category purpose: the record says no condition.
    let conn = rusqlite::Connection::open(env.path().join("handover.db")).unwrap();
    conn.execute(
        "INSERT INTO bases(id, person_id, purpose, action, basis, controllers, assessment_ref, decided_by, decided_at, natural_key, recorded_at)
         SELECT 'bas_legacy00001', id, 'lived_experience_designation', 'record', 'legitimate_interests', '[\"brightwater-trust\"]', 'LIA-2023-01', 'dp', '2026-01-01T00:00:00Z', 'legacy-1', '2026-01-01T00:00:00Z' FROM people WHERE ref = 'M0004'",
        [],
    )
    .unwrap();
    drop(conn);
    let ropa = env.ok(&["audit", "ropa", "--json"]).json();
    let act = ropa["data"]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["purpose"] == "lived_experience_designation")
        .unwrap()
        .clone();
    let cond = act["art9_condition"].as_str().unwrap();
    assert!(cond.starts_with("none recorded"), "{act}");
    let text = env.ok(&["audit", "ropa"]).stdout;
    assert!(text.contains("no Art 9 condition recorded"), "{text}");
}

/// A subject access answer says what is true: a consent with a newer objection is "objected",
/// the note kept after an erasure is kept for its years (not "until you ask us to erase it"), and
/// purposes are in words.
#[test]
fn a_subject_access_answer_says_what_is_true() {
    let env = TestEnv::with_fixtures();
    env.ok(&[
        "basis",
        "object",
        "--person",
        "M0002",
        "--purpose",
        "successor_newsletter",
        "--controllers",
        "kscop-steering-group",
        "--decided-by",
        "dp",
        "--at",
        "2026-11-24T10:00:00Z",
    ]);
    let text = env.ok(&["person", "export", "M0002"]).stdout;
    assert!(text.contains("successor newsletter for kscop-steering-group: objected"), "{text}");
    assert!(!text.contains("until you ask us to erase it"), "{text}");
    assert!(text.contains("for 6 years"), "{text}");
    assert!(!text.contains("disclose_to_successor"), "purposes in words: {text}");
}
