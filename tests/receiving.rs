//! The receiving side under follow-up bundles and faults: a second bundle from the same sender,
//! runs killed part-way, a disk that fills up during an import.

use std::path::{Path, PathBuf};

use crate::bundle::{create, import_run, ready};
use crate::util::TestEnv;

#[test]
fn a_follow_up_bundle_merges_into_the_groups_register() {
    let (env, demo) = ready();
    let first = create(&env, &demo, "out1");
    let second = create(&env, &demo, "out2");
    let path = |r: &serde_json::Value| env.path().join(r["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let import = |bundle: &Path, into: &str, extra: &[&str]| {
        let mut args = vec!["--json"];
        args.extend(extra);
        import_run(&env, bundle, &pk, into, &args)
    };
    let r = import(
        &path(&first),
        "g/register.db",
        &["--custodian", "group/group-age.pub", "--first-message", "2026-12-03"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let people = r.json()["data"]["people"].as_i64().unwrap();
    let tasks =
        |env: &TestEnv| env.ok(&["--register", "g/register.db", "tasks", "list", "--json"]).json()["data"].clone();
    let t = tasks(&env);
    let art14: Vec<&serde_json::Value> = t.as_array().unwrap().iter().filter(|t| t["kind"] == "art14_notice").collect();
    assert_eq!(art14.len(), 1);
    assert_eq!(art14[0]["due"], "2026-12-03", "the first message comes before the month is out");
    let before =
        env.ok(&["--register", "g/register.db", "audit", "log", "--json"]).json()["data"].as_array().unwrap().len();
    // The same bundle twice: refused, nothing changed.
    let again = import(&path(&first), "g/register.db", &[]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("imported once"), "{}", again.stderr);
    // A register of another controller: refused.
    env.ok(&["--register", "other.db", "init", "--controller", "Someone Else", "--community", "X"]);
    let wrong = import(&path(&second), "other.db", &[]);
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    assert!(wrong.stderr.contains("the bundle is for kscop-steering-group"), "{}", wrong.stderr);
    let after =
        env.ok(&["--register", "g/register.db", "audit", "log", "--json"]).json()["data"].as_array().unwrap().len();
    assert_eq!(before, after, "refused imports change nothing");
    // The statements the consents cite came with them: the group can show what each person
    // was told (Art 7(1)), and every received consent names its statement's digest.
    let texts = env.ok(&["--register", "g/register.db", "statement", "list", "--json"]).json();
    let ds = texts["data"].as_array().unwrap().iter().find(|t| t["version"] == "DS-2025").unwrap().clone();
    assert_eq!(ds["controllers"], serde_json::json!(["brightwater-trust", "kscop-steering-group"]), "{ds}");
    let conn = rusqlite::Connection::open(env.path().join("g/register.db")).unwrap();
    let unlinked: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM consent_events WHERE statement_version IS NOT NULL AND statement_sha256 IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unlinked, 0, "every received consent names its statement's text");
    // The group's own wording under a label the sender also uses is kept apart.
    conn.execute(
        "UPDATE statements SET body = 'our own words', sha256 = ?1 WHERE version = 'SN-2025'",
        ["0".repeat(64)],
    )
    .unwrap();
    drop(conn);
    // The follow-up: everyone is matched by email, nobody is added twice, no new Art 14 notice is
    // owed, the account's secret is replaced (and its rotation is still owed), the documents join the folder.
    let r = import(&path(&second), "g/register.db", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = &r.json()["data"];
    assert_eq!(d["merged"], true);
    assert_eq!(d["people"].as_i64().unwrap(), people);
    assert_eq!(d["matched_people"].as_i64().unwrap(), people);
    let listed =
        env.ok(&["--register", "g/register.db", "person", "list", "--json"]).json()["data"].as_array().unwrap().len();
    assert_eq!(listed as i64, people, "nobody was added twice");
    let t = tasks(&env);
    assert_eq!(t.as_array().unwrap().iter().filter(|t| t["kind"] == "art14_notice").count(), 1);
    assert_eq!(
        t.as_array().unwrap().iter().filter(|t| t["kind"] == "rotate_account").count(),
        1,
        "the rotation still owed is one open task"
    );
    // The same documents came again, unchanged: kept once.
    let docs = std::fs::read_dir(env.path().join("g/register-documents")).unwrap().count();
    assert_eq!(docs, 4);
    let texts = env.ok(&["--register", "g/register.db", "statement", "list"]).stdout;
    assert!(texts.contains("SN-2025 (brightwater-trust)"), "{texts}");
    env.ok(&["--register", "g/register.db", "audit", "verify"]);
}

/// Kill -9 `bundle create` and `bundle import` at times spread over their runs: afterwards no
/// bundle or register exists under its final name unless it is complete (and, for a bundle,
/// recorded in the sender's register), the registers pass `audit verify`, and no leftover file
/// holds plaintext.
#[test]
fn killed_runs_leave_nothing_half_done() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    // A document large enough that a run takes a while.
    let big = env.path().join("recording.mp4");
    let mut bytes = vec![0u8; 48 << 20];
    let mut x: u64 = 7;
    for b in bytes.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    std::fs::write(&big, &bytes).unwrap();
    drop(bytes);
    let doc =
        env.ok(&["--register", &reg, "document", "add", "--classification", "none", big.to_str().unwrap(), "--json"]);
    let doc = doc.json()["data"][0]["id"].as_str().unwrap().to_string();
    // A video the tool cannot search goes once someone has read it (watched it) and said so.
    env.ok(&[
        "--register",
        &reg,
        "document",
        "review",
        &doc,
        "--decision",
        "include",
        "--reviewer",
        "dp",
        "--note",
        "watched",
    ]);
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    env.ok(&["--register", &reg, "transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]);
    let sk = demo.join("keys/facilitator-minisign.key").display().to_string();
    let id = demo.join("keys/facilitator-age.key").display().to_string();
    let create_cmd = |out: &str| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_handover"));
        c.args(["--register", &reg, "bundle", "create", "--to", "kscop-steering-group"])
            .args(["--recipient", "group/group-age.pub", "--sign-key", &sk, "--identity", &id, "--out", out, "--quiet"])
            .current_dir(env.path())
            .env("HANDOVER_TEST_NOW", "2026-11-25T12:00:00Z")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    // How long a whole run takes, to spread the kills over it.
    let t0 = std::time::Instant::now();
    assert!(create_cmd("full").status().unwrap().success());
    let full = t0.elapsed();
    let no_plaintext = |dir: &Path| {
        for e in std::fs::read_dir(dir).into_iter().flatten() {
            let p = e.unwrap().path();
            let head: Vec<u8> = std::fs::read(&p).unwrap().into_iter().take(4).collect();
            assert_ne!(head, b"PK\x03\x04", "{} holds a plaintext zip", p.display());
        }
    };
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let mut published = 0;
    for i in 0..12u32 {
        let out = format!("k{i}");
        let mut child = create_cmd(&out).spawn().unwrap();
        std::thread::sleep(full * i / 10);
        let _ = child.kill();
        let _ = child.wait();
        let dir = env.path().join(&out);
        no_plaintext(&dir);
        let bundle = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with(".zip.age"));
        if let Some(b) = bundle {
            // Published: it is whole, and the register knows it.
            published += 1;
            let v = env.run(&[
                "bundle",
                "verify",
                b.to_str().unwrap(),
                "--identity",
                "group/group-age.key",
                "--signer",
                &pk,
            ]);
            assert_eq!(v.code, 0, "kill {i}: a published bundle verifies: {}", v.stdout);
            let sha = crate::util::sha256_file(&b);
            let log = env.ok(&["--register", &reg, "audit", "log", "--json"]).stdout;
            assert!(log.contains(&sha), "kill {i}: the register records the published bundle");
        }
        env.ok(&["--register", &reg, "audit", "verify"]);
    }
    eprintln!("{published} of 12 killed runs had published their bundle");
    assert!(published < 12, "some kills landed before the end");
    // Import, killed: no register under the final name unless complete.
    let b = std::fs::read_dir(env.path().join("full"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".zip.age"))
        .unwrap();
    for i in 0..8u32 {
        let into = format!("g{i}/register.db");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handover"))
            .args(["bundle", "import", b.to_str().unwrap(), "--identity", "group/group-age.key", "--signer", &pk])
            .args([
                "--into",
                &into,
                "--custodian",
                "group/group-age.pub",
                "--sign-key",
                "group/group-minisign.key",
                "--quiet",
            ])
            .current_dir(env.path())
            .env("HANDOVER_TEST_NOW", "2026-11-25T12:00:00Z")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full * i / 6);
        let _ = child.kill();
        let _ = child.wait();
        let path = env.path().join(&into);
        if path.exists() {
            // Complete: the group is its controller and its tasks are there.
            env.ok(&["--register", &into, "audit", "verify"]);
            let ctl = env.ok(&["--register", &into, "controller", "list", "--json"]).json();
            assert_eq!(ctl["data"][0]["slug"], "kscop-steering-group", "import kill {i}");
            let tasks = env.ok(&["--register", &into, "tasks", "list", "--json"]).json();
            assert!(tasks["data"].as_array().unwrap().iter().any(|t| t["kind"] == "art14_notice"), "import kill {i}");
        }
    }
}

/// A sender's reference means nothing in the receiving group's register: people are matched by
/// email only. The group's own member who happens to carry a reference the sender also uses keeps
/// their own record (and gets no consent they never gave); a person the group erased is not
/// brought back by a follow-up bundle; a person whose email the group corrected is not added twice
/// and the follow-up does not fail; the import says what it matched, added and skipped, and why.
#[test]
fn a_follow_up_bundle_matches_people_by_email_and_respects_the_groups_own_changes() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let plan = env.ok(&["--register", &reg, "transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let people = plan["data"]["people"].as_array().unwrap();
    let list_only = people.iter().find(|p| p["mailing_list"]["included"] == true).expect("someone on the mailing list");
    let in_register: Vec<&serde_json::Value> =
        people.iter().filter(|p| p["register"]["included"] == true && p["ref"] != list_only["ref"]).collect();
    let email_of = |r: &str| {
        env.ok(&["--register", &reg, "person", "show", r, "--json"]).json()["data"]["email"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let list_ref = list_only["ref"].as_str().unwrap().to_string();
    let list_email = email_of(&list_ref);
    let first = create(&env, &demo, "out1");
    let second = create(&env, &demo, "out2");
    let path = |r: &serde_json::Value| env.path().join(r["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let g = ["--register", "g.db"];
    let run = |args: &[&str]| env.ok(&[&g[..], args].concat());
    // The group's own register, with its own member who happens to have the sender's reference.
    env.ok(&["--register", "g.db", "init", "--community", "KSCoP", "--controller", "KSCoP Steering Group"]);
    run(&["person", "add", "--ref", &list_ref, "--name", "Own Member", "--email", "own.member@example.org"]);
    let r = import_run(&env, &path(&first), &pk, "g.db", &["--custodian", "group/group-age.pub", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let own = run(&["person", "show", &list_ref, "--json"]).json();
    assert_eq!(own["data"]["email"], "own.member@example.org", "the group's own member is untouched");
    let own_consents = run(&["consent", "history", &list_ref, "--json"]).json();
    assert_eq!(own_consents["data"].as_array().map_or(0, Vec::len), 0, "no consent attached to the wrong person");
    let listed = run(&["person", "list", "--json"]).json();
    let sender_person = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == list_email.as_str())
        .expect("the sender's subscriber was added as a person of their own")
        .clone();
    assert_ne!(sender_person["ref"], list_ref.as_str(), "a taken reference is not reused");
    let theirs = run(&["consent", "history", sender_person["id"].as_str().unwrap(), "--json"]).json();
    assert!(
        theirs["data"].as_array().unwrap().iter().any(|e| e["purpose"] == "successor_newsletter"),
        "the subscriber's own consent came with them: {theirs}"
    );
    // The group erases one person it received and corrects another's email.
    let erased = in_register[0]["ref"].as_str().unwrap();
    let erased_email = email_of(erased);
    let erased_here = listed["data"].as_array().unwrap().iter().find(|p| p["email"] == erased_email.as_str()).unwrap();
    run(&["person", "erase", erased_here["id"].as_str().unwrap(), "--reason", "asked the group"]);
    let corrected = in_register[1]["ref"].as_str().unwrap();
    let corrected_email = email_of(corrected);
    let corrected_here =
        listed["data"].as_array().unwrap().iter().find(|p| p["email"] == corrected_email.as_str()).unwrap();
    run(&["person", "edit", corrected_here["id"].as_str().unwrap(), "--email", "new.address@example.org"]);
    let count_before = run(&["person", "list", "--json"]).json()["data"].as_array().unwrap().len();
    // The follow-up bundle: it neither fails nor undoes either change.
    let r = import_run(&env, &path(&second), &pk, "g.db", &["--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = &r.json()["data"];
    assert_eq!(d["skipped"]["erased_here"], 1, "{d}");
    assert_eq!(d["skipped"]["email_changed_here"], 1, "{d}");
    assert_eq!(d["added_people"], 0, "{d}");
    let after = run(&["person", "list", "--json"]).json();
    let after = after["data"].as_array().unwrap();
    assert_eq!(after.len(), count_before, "nobody added");
    assert!(
        !after.iter().any(|p| p["email"] == erased_email.as_str() || p["email"] == corrected_email.as_str()),
        "an erased person or a corrected address came back"
    );
    run(&["audit", "verify"]);
}

/// Mounts a small tmpfs for the life of the value (root only); unmounts it when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// Whether a tmpfs can be mounted here (root only, asked of `id -u`); says so when not.
    fn possible() -> bool {
        let uid = String::from_utf8(std::process::Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
        let root = uid.trim() == "0";
        if !root {
            eprintln!("skipped: mounting a small tmpfs needs root");
        }
        root
    }

    fn mount(at: &Path, size: &str) -> SmallDisk {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(at)
            .status()
            .expect("run mount");
        assert!(ok.success(), "mount a {size} tmpfs at {}", at.display());
        SmallDisk(at.to_path_buf())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// A first `bundle import` onto a disk that fills up, at sizes that make it fail at different
/// steps: it either completes (register, documents and receipt all there and the register sound)
/// or fails with "no space left" and leaves nothing at all: no register, no stray -wal or -shm, no
/// temporary files, no empty receipt. (A full disk once left a corrupt register under its final
/// name.) Needs root to mount a tmpfs; as another user only this case is skipped, and says so.
#[test]
fn a_full_disk_during_a_first_import_leaves_nothing_or_everything() {
    if !SmallDisk::possible() {
        return;
    }
    let (env, demo) = ready();
    let first = create(&env, &demo, "out");
    let bundle = env.path().join(first["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let mut outcomes = Vec::new();
    for size in ["32k", "96k", "200k", "400k", "700k", "1m", "2m", "8m"] {
        let at = env.path().join(format!("disk-{size}"));
        let _disk = SmallDisk::mount(&at, size);
        let into = at.join("register.db");
        let r = import_run(&env, &bundle, &pk, into.to_str().unwrap(), &["--custodian", "group/group-age.pub"]);
        let mut left: Vec<String> =
            std::fs::read_dir(&at).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        if r.code == 0 {
            outcomes.push("complete");
            assert!(into.is_file() && at.join("register-documents").is_dir(), "{size}: {left:?}");
            let receipts = left.iter().filter(|n| n.ends_with(".receipt.json") || n.ends_with(".minisig")).count();
            assert_eq!(receipts, 2, "{size}: {left:?}");
            assert!(left.iter().all(|n| !n.starts_with('.')), "{size}: temporary files left: {left:?}");
            env.ok(&["--register", into.to_str().unwrap(), "audit", "verify"]);
        } else {
            outcomes.push("refused");
            assert_eq!(r.code, 2, "{size}: a full disk is not a bug:\n{}", r.stderr);
            assert!(
                r.stderr.contains("No space left") || r.stderr.contains("no space left") || r.stderr.contains("full"),
                "{size}: {}",
                r.stderr
            );
            assert!(left.is_empty(), "{size}: a failed import left {left:?}");
        }
    }
    assert!(outcomes.contains(&"refused") && outcomes.contains(&"complete"), "{outcomes:?}");
}

/// `bundle create` into a folder on a disk that fills up, at sizes that make it fail at different
/// steps: a failed run leaves no file in the folder and the sender's register records no transfer;
/// once there is room, the same command succeeds (no stray `.minisig` blocks it).
#[test]
fn a_full_disk_during_bundle_create_records_nothing_and_blocks_no_rerun() {
    if !SmallDisk::possible() {
        return;
    }
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let transfers =
        || env.ok(&["--register", &reg, "transfer", "list", "--json"]).json()["data"].as_array().unwrap().len();
    let mut refused = 0;
    for size in ["8k", "40k", "80k", "120k", "200k"] {
        let at = env.path().join(format!("out-{size}"));
        let disk = SmallDisk::mount(&at, size);
        let before = transfers();
        let r = crate::bundle::create_run(&env, &demo, at.to_str().unwrap(), &[]);
        if r.code != 0 {
            refused += 1;
            assert_eq!(r.code, 2, "{size}: a full disk is not a bug:\n{}", r.stderr);
            let left: Vec<String> = std::fs::read_dir(&at)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert!(left.is_empty(), "{size}: a failed create left {left:?}");
            assert_eq!(transfers(), before, "{size}: the register recorded a transfer that was never published");
            // With room, the same command goes through.
            let ok = std::process::Command::new("mount").args(["-o", "remount,size=16m"]).arg(&at).status().unwrap();
            assert!(ok.success());
            let again = crate::bundle::create_run(&env, &demo, at.to_str().unwrap(), &[]);
            assert_eq!(again.code, 0, "{size}: the rerun failed:\n{}", again.stderr);
            assert_eq!(transfers(), before + 1);
        }
        drop(disk);
    }
    assert!(refused > 0, "no size made bundle create fail");
}

/// Everything `bundle import` writes is the group's alone (register and receipt 0600, the
/// documents folder 0700, each document 0600), whatever the umask: under umask 000 documents
/// were once written 0666.
#[test]
fn what_an_import_writes_is_owner_only_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let (env, demo) = ready();
    let first = create(&env, &demo, "out");
    let bundle = env.path().join(first["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; exec '{}' bundle import '{}' --identity group/group-age.key --signer '{pk}' --approver '{dp}' --into g/register.db --custodian group/group-age.pub --sign-key group/group-minisign.key",
            env!("CARGO_BIN_EXE_handover"),
            bundle.display()
        ))
        .current_dir(env.path())
        .env("HANDOVER_TEST_NOW", "2026-11-25T12:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let g = env.path().join("g");
    assert_eq!(mode(&g), 0o700, "the folder made for the register is the group's alone");
    assert_eq!(mode(&g.join("register.db")), 0o600);
    assert_eq!(mode(&g.join("register-documents")), 0o700);
    for e in std::fs::read_dir(g.join("register-documents")).unwrap() {
        let p = e.unwrap().path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    let receipts: Vec<PathBuf> = std::fs::read_dir(&g)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".receipt.json"))
        .collect();
    assert_eq!(receipts.len(), 2);
    for r in receipts {
        assert_eq!(mode(&r), 0o600, "{}", r.display());
    }
}

/// `person import` into a register on a disk that fills up: refused with the storage error
/// (exit 2, not 3), and the register is as it was.
#[test]
fn a_full_disk_during_person_import_changes_nothing() {
    if !SmallDisk::possible() {
        return;
    }
    let env = TestEnv::with_texts();
    let size = std::fs::metadata(env.register()).unwrap().len();
    let at = env.path().join("disk");
    let _disk = SmallDisk::mount(&at, &format!("{}k", size / 1024 + 48));
    std::fs::copy(env.register(), at.join("r.db")).unwrap();
    let reg = at.join("r.db").display().to_string();
    let count = |env: &TestEnv| {
        env.ok(&["--register", &reg, "person", "list", "--json"]).json()["data"].as_array().unwrap().len()
    };
    let before = count(&env);
    let people = crate::util::fixtures().join("people.csv").display().to_string();
    let r = env.run(&["--register", &reg, "person", "import", &people]);
    assert_eq!(r.code, 2, "a full disk is not a bug:\n{}", r.stderr);
    assert!(r.stderr.contains("No space left on device") || r.stderr.contains("disk is full"), "{}", r.stderr);
    assert_eq!(count(&env), before, "a refused import changed the register");
    env.ok(&["--register", &reg, "audit", "verify"]);
    // A disk with no room at all: SQLite says "disk I/O error" (it cannot grow its log); the
    // command says what it is.
    let _ = std::fs::write(at.join("filler"), vec![0u8; 4 << 20]);
    let r = env.run(&["--register", &reg, "person", "import", &people]);
    assert_eq!(r.code, 2, "a full disk is not a bug:\n{}", r.stderr);
    assert!(r.stderr.contains("No space left on device"), "the cause is named: {}", r.stderr);
    std::fs::remove_file(at.join("filler")).unwrap();
    assert_eq!(count(&env), before, "a refused import changed the register");
}

/// Temporary files: a killed import's leftovers (under the names the tool gives them) are removed
/// by the next import into that folder, which says so; a link planted under a temporary name is
/// removed, never followed; an import started while another runs into the same folder is refused
/// (exit 2) and leaves nothing.
#[test]
fn imports_into_one_folder_take_turns_and_clear_what_a_killed_one_left() {
    let (env, demo) = ready();
    let first = create(&env, &demo, "out");
    let bundle = env.path().join(first["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let g = env.path().join("g");
    std::fs::create_dir_all(g.join(".register-documents.tmp-00000000000000aa")).unwrap();
    std::fs::write(g.join(".register-documents.tmp-00000000000000aa/draft.pdf"), b"half").unwrap();
    std::fs::write(g.join(".register.db.tmp-00000000000000bb"), b"half").unwrap();
    std::fs::write(g.join(".register.db.tmp-00000000000000bb-wal"), b"half").unwrap();
    std::fs::write(g.join(".bnd_x.receipt.json.tmp-00000000000000cc"), b"half").unwrap();
    // Something of the group's own in the same folder, and a link aimed at it planted under an
    // import's temporary name: the link goes, what it points at stays.
    let keep = g.join("minutes.txt");
    std::fs::write(&keep, b"the group's own file").unwrap();
    std::os::unix::fs::symlink(&keep, g.join(".register.db.tmp-12345")).unwrap();
    // Another import holds the folder: this one is refused and writes nothing.
    let held = std::fs::File::open(&g).unwrap();
    held.lock().unwrap();
    let before: Vec<_> = std::fs::read_dir(&g).unwrap().map(|e| e.unwrap().file_name()).collect();
    let r = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("another bundle import into"), "{}", r.stderr);
    let after: Vec<_> = std::fs::read_dir(&g).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before.len(), after.len(), "a refused import leaves the folder as it was");
    held.unlock().unwrap();
    drop(held);
    let r = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("removed 5 temporary file(s)"), "{}", r.stderr);
    assert_eq!(std::fs::read(&keep).unwrap(), b"the group's own file", "the planted link was not followed");
    let left: Vec<String> = std::fs::read_dir(&g)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "leftovers remain: {left:?}");
    env.ok(&["--register", "g/register.db", "audit", "verify"]);
}

/// The documents a bundle brings are part of the group's register: listed with the bundle they
/// came in, named in a person's subject access export when they mention them, and an erasure
/// takes the person out of each (a new version; the old bytes gone) or, for a format the tool
/// cannot redact, names it in a task to check by hand.
#[test]
fn received_documents_are_registered_and_an_erasure_reaches_them() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = crate::bundle::on(&env, &reg);
    // Synthetic people: M0001 and M0002 both go to the group.
    let notes = env.write(
        "hub-notes.txt",
        "Hub notes (synthetic test document).\nZoë Adeyemi chaired. Zoë said the venue works; Ms Adeyemi will write from zoe.adeyemi34@example.net.\nOliver Singh took the notes.\n",
    );
    let pdf = env.write("report.pdf", "%PDF-1.4 a synthetic annual report\n");
    for (file, class) in [(&notes, "personal"), (&pdf, "none")] {
        let d = s(&["document", "add", file, "--classification", class, "--category", "minutes", "--json"]);
        assert_eq!(d.code, 0, "{}", d.stderr);
        let id = d.json()["data"][0]["id"].as_str().unwrap().to_string();
        let r = s(&["document", "review", &id, "--decision", "include", "--reviewer", "dp-lead", "--note", "read"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    assert_eq!(s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]).code, 0);
    let created = create(&env, &demo, "out");
    let bundle = env.path().join(created["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let r = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = crate::bundle::on(&env, "g/register.db");
    let docs = g(&["document", "list", "--json"]).json();
    let docs = docs["data"].as_array().unwrap().clone();
    assert_eq!(docs.len(), 6, "the demo's four and these two: {docs:?}");
    assert!(docs.iter().all(|d| d["received_from"] == created["data"]["bundle_id"]), "{docs:?}");
    let received = docs.iter().find(|d| d["file_name"].as_str().unwrap().ends_with("hub-notes.txt")).unwrap();
    let path = std::path::PathBuf::from(received["path"].as_str().unwrap());
    assert!(std::fs::read_to_string(&path).unwrap().contains("Zoë Adeyemi"));
    // The subject access export names the document that mentions her.
    let sar = g(&["person", "export", "M0001", "--json"]).json();
    let named: Vec<&serde_json::Value> = sar["data"]["documents"].as_array().unwrap().iter().collect();
    assert!(named.iter().any(|d| d["id"] == received["id"] && d["mentions"].as_i64() >= Some(3)), "{named:?}");
    // Erased at the group: every form of her name and her email leave the document; Oliver stays.
    let e = g(&["person", "erase", "M0001", "--reason", "asked the group", "--json"]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    assert_eq!(e.json()["data"]["documents"]["rewritten"], 1, "{}", e.stdout);
    assert_eq!(e.json()["data"]["documents"]["to_check"], 1, "{}", e.stdout);
    let after = std::fs::read_to_string(&path).unwrap();
    for gone in ["Zoë", "Adeyemi", "zoe.adeyemi34"] {
        assert!(!after.contains(gone), "{gone} is still in the received document:\n{after}");
    }
    assert!(after.contains("Oliver Singh took the notes"), "{after}");
    assert!(
        !std::fs::read_dir(path.parent().unwrap()).unwrap().any(|f| f
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp-"))
    );
    // The register keeps the new version's digest, and the log the change.
    let listed = g(&["document", "list", "--json"]).json();
    let now = listed["data"].as_array().unwrap().iter().find(|d| d["id"] == received["id"]).unwrap().clone();
    assert_eq!(now["sha256"].as_str().unwrap(), crate::util::sha256_file(&path));
    assert_ne!(now["sha256"], received["sha256"]);
    let log = g(&["audit", "log", "--json"]).stdout;
    assert!(log.contains("document.erasure"), "{log}");
    // The PDF cannot be searched: a task names it.
    let tasks = g(&["tasks", "list", "--json"]).json();
    let t = tasks["data"].as_array().unwrap().iter().find(|t| t["kind"] == "erasure_documents").cloned();
    assert!(t.is_some_and(|t| t["title"].as_str().unwrap().contains("report.pdf")), "{tasks}");
}

/// A group's register is its controller's from the day it is built: a consent statement in the
/// group's name dated before that is refused (consents under it would claim a yes the group could
/// not have asked for), unless the group records that it began earlier.
#[test]
fn a_groups_statement_is_never_effective_before_the_group_was_a_controller() {
    let env = TestEnv::new();
    env.ok(&["demo", "--out", "demo"]);
    let g = crate::bundle::on(&env, "demo/steering-group/register.db");
    let text = env.write("sg.txt", "Yes, send me the steering group's newsletter (synthetic).\n");
    let add = ["statement", "add", "--version", "SG-1", "--purpose", "successor_newsletter", "--format", "standard"];
    let early =
        g(&[&add[..], &["--file", &text, "--effective-from", "2024-01-01", "--controllers", "kscop-steering-group"]]
            .concat());
    assert_eq!(early.code, 2, "{}", early.stderr);
    assert!(early.stderr.contains("before kscop-steering-group was a controller of this data"), "{}", early.stderr);
    assert_eq!(g(&["controller", "edit", "kscop-steering-group", "--since", "2023-06-01"]).code, 0);
    let ok =
        g(&[&add[..], &["--file", &text, "--effective-from", "2024-01-01", "--controllers", "kscop-steering-group"]]
            .concat());
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

/// A follow-up keeps what the group changed: a secret the group stored (it changed the password)
/// is never replaced by the charity's older one from a later bundle, and the import says so.
#[test]
fn a_follow_up_never_replaces_a_secret_the_group_changed() {
    let (env, demo) = ready();
    let first = create(&env, &demo, "out1");
    let second = create(&env, &demo, "out2");
    let path = |r: &serde_json::Value| env.path().join(r["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let r = import_run(&env, &path(&first), &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = crate::bundle::on(&env, "g/register.db");
    let new = env.write("new.txt", "the-group's-own-new-password");
    let u = g(&["account", "update-secret", "wordpress", "--secret-file", &new]);
    assert_eq!(u.code, 0, "{}", u.stderr);
    let r = import_run(&env, &path(&second), &pk, "g/register.db", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 account secret(s) you had changed (yours kept)"), "{}", r.stdout);
    let log = g(&["audit", "log", "--json"]).stdout;
    assert!(log.contains("\"account_secret_kept\":1") || log.contains("account_secret_kept"), "{log}");
    let out = g(&["account", "reveal", "wordpress", "--identity", "group/group-age.key", "--out", "shown.txt"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(env.path().join("shown.txt")).unwrap(), "the-group's-own-new-password");
}

/// An import killed after its commit and before its receipt and letters got their names loses
/// nothing: the next import into that folder (even a refused one) puts them in place.
#[test]
fn a_receipt_staged_before_a_kill_after_the_commit_is_put_in_place() {
    let (env, demo) = ready();
    let first = create(&env, &demo, "out1");
    let second = create(&env, &demo, "out2");
    let path = |r: &serde_json::Value| env.path().join(r["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    assert_eq!(import_run(&env, &path(&first), &pk, "g/register.db", &["--custodian", "group/group-age.pub"]).code, 0);
    assert_eq!(import_run(&env, &path(&second), &pk, "g/register.db", &[]).code, 0);
    let id = second["data"]["bundle_id"].as_str().unwrap().to_string();
    let g = env.path().join("g");
    // As a kill between the commit and the renames leaves them: staged under temporary names.
    let names = [
        format!("{id}.receipt.json"),
        format!("{id}.receipt.json.minisig"),
        format!("HANDOVER-LETTER-{id}.html"),
        format!("HANDOVER-LETTER-{id}-easy-read.html"),
    ];
    for n in &names {
        std::fs::rename(g.join(n), g.join(format!(".{n}.tmp-0a1b2c3d"))).unwrap();
    }
    let again = import_run(&env, &path(&second), &pk, "g/register.db", &[]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("imported once"), "{}", again.stderr);
    // A first import of it into a second register in the same folder is refused, and leaves the
    // first register's receipt alone.
    let other = import_run(&env, &path(&second), &pk, "g/other.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert!(other.stderr.contains("imported into another register here"), "{}", other.stderr);
    assert!(!g.join("other.db").exists());
    for n in &names {
        assert!(g.join(n).is_file(), "{n} was not put back");
    }
    let left: Vec<String> = std::fs::read_dir(&g)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
