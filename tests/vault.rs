//! The credential vault, custodians, tasks and register backups, checked against Debian's age.

use crate::util::{TestEnv, fixtures, tool};

const PASSWORD: &str = "Kx9-website-admin-Pa55word!";

fn setup() -> (TestEnv, String, String) {
    let env = TestEnv::new();
    env.ok(&["keys", "new", "--out", "k", "--name", "fac", "--unprotected"]);
    env.ok(&["keys", "new", "--out", "k", "--name", "dpl", "--unprotected"]);
    let r1 = std::fs::read_to_string(env.path().join("k/fac-age.pub")).unwrap().trim().to_string();
    let r2 = std::fs::read_to_string(env.path().join("k/dpl-age.pub")).unwrap().trim().to_string();
    env.ok(&["init", "--community", "C", "--controller", "Brightwater Trust", "--custodian", &r1, "--custodian", &r2]);
    (env, r1, r2)
}

fn add_account(env: &TestEnv) -> String {
    let secret = env.write("secret.txt", PASSWORD);
    let r = env.ok(&[
        "account",
        "add",
        "--service",
        "wordpress",
        "--url",
        "https://kscop.example.org/wp-admin",
        "--login",
        "admin",
        "--personal-data",
        "website user accounts",
        "--paid-by",
        "Brightwater Trust",
        "--paid-until",
        "2027-04-30",
        "--secret-file",
        &secret,
        "--json",
    ]);
    std::fs::remove_file(env.path().join("secret.txt")).unwrap();
    r.json()["data"]["id"].as_str().unwrap().to_string()
}

fn stored_secret(env: &TestEnv, id: &str) -> Vec<u8> {
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    conn.query_row("SELECT secret FROM accounts WHERE id = ?1", [id], |r| r.get(0)).unwrap()
}

fn age_decrypt(identity: &std::path::Path, ciphertext: &[u8]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let ct = dir.path().join("ct.age");
    std::fs::write(&ct, ciphertext).unwrap();
    tool("age").arg("-d").arg("-i").arg(identity).arg(&ct).output().unwrap()
}

#[test]
fn a_vault_secret_opens_with_age_and_the_custodian_identity() {
    let (env, _, _) = setup();
    let id = add_account(&env);
    let out = age_decrypt(&env.path().join("k/dpl-age.key"), &stored_secret(&env, &id));
    assert!(out.status.success(), "age -d failed: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), PASSWORD);
}

#[test]
fn a_file_encrypted_by_age_opens_in_handover() {
    // A register backup decrypted by age -d, re-encrypted by age -r to a custodian, restores here.
    let (env, r1, _) = setup();
    add_account(&env);
    env.ok(&["register", "backup", "--out", "b.age"]);
    let plain = tool("age")
        .args(["-d", "-i", "k/fac-age.key", "-o", "b.sqlite", "b.age"])
        .current_dir(env.path())
        .output()
        .unwrap();
    assert!(plain.status.success(), "{}", String::from_utf8_lossy(&plain.stderr));
    let enc = tool("age").args(["-r", &r1, "-o", "b2.age", "b.sqlite"]).current_dir(env.path()).output().unwrap();
    assert!(enc.status.success());
    env.ok(&["register", "restore", "b2.age", "--identity", "k/fac-age.key", "--into", "restored.db"]);
    let list = env.ok(&["--register", "restored.db", "account", "list", "--json"]).json();
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    env.ok(&["--register", "restored.db", "audit", "verify"]);
    // The age-keygen fixture identity opens what is encrypted to its recipient.
    let fx = fixtures().join("keys");
    let fx_rec = std::fs::read_to_string(fx.join("age-keygen-test.pub")).unwrap();
    let enc =
        tool("age").args(["-r", fx_rec.trim(), "-o", "b3.age", "b.sqlite"]).current_dir(env.path()).output().unwrap();
    assert!(enc.status.success());
    env.ok(&[
        "register",
        "restore",
        "b3.age",
        "--identity",
        fx.join("age-keygen-test.key").to_str().unwrap(),
        "--into",
        "r3.db",
    ]);
    let wrong = env.run(&["register", "restore", "b3.age", "--identity", "k/fac-age.key", "--into", "r4.db"]);
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("none of the given identities can open it"), "{}", wrong.stderr);
    assert!(!env.path().join("r4.db").exists());
}

#[test]
fn the_password_never_appears_in_the_register_log_or_output() {
    let (env, _, r2) = setup();
    let mut outputs = String::new();
    let secret = env.write("secret.txt", PASSWORD);
    for args in [
        vec![
            "account",
            "add",
            "--service",
            "twitter_x",
            "--url",
            "https://x.com",
            "--login",
            "kscop",
            "--secret-file",
            &secret,
        ],
        vec![
            "account",
            "add",
            "--service",
            "facebook_group",
            "--url",
            "https://facebook.com/groups/kscop",
            "--login",
            "kscop",
            "--secret-file",
            &secret,
            "--json",
        ],
    ] {
        let r = env.ok(&args);
        outputs.push_str(&r.stdout);
        outputs.push_str(&r.stderr);
    }
    std::fs::remove_file(&secret).unwrap();
    let id = env.ok(&["account", "list", "--json"]).json()["data"][0]["id"].as_str().unwrap().to_string();
    for args in [
        vec!["account", "list"],
        vec!["account", "list", "--json"],
        vec!["account", "show", &id],
        vec!["account", "show", &id, "--json"],
        vec!["custodian", "remove", &r2, "--identity", "k/fac-age.key"],
        vec!["custodian", "list", "--json"],
        vec!["tasks", "list", "--json"],
        vec!["audit", "log", "--json"],
    ] {
        let r = env.ok(&args);
        outputs.push_str(&r.stdout);
        outputs.push_str(&r.stderr);
    }
    // A refused reveal (stdout is not a terminal) does not leak it either.
    let r = env.run(&["account", "reveal", &id, "--identity", "k/fac-age.key"]);
    assert_eq!(r.code, 2);
    outputs.push_str(&r.stdout);
    outputs.push_str(&r.stderr);
    assert!(!outputs.contains(PASSWORD), "the password appeared in command output");
    let mut files = std::fs::read(env.register()).unwrap();
    for ext in ["handover.db-wal", "handover.db-shm"] {
        if let Ok(b) = std::fs::read(env.path().join(ext)) {
            files.extend(b);
        }
    }
    let hay = String::from_utf8_lossy(&files);
    assert!(!hay.contains(PASSWORD), "the password is in the register file in clear");
    // And it is really there, encrypted: reveal to a file shows it, and the reveal is audited.
    env.ok(&["account", "reveal", &id, "--identity", "k/fac-age.key", "--out", "revealed.txt"]);
    assert_eq!(std::fs::read_to_string(env.path().join("revealed.txt")).unwrap(), PASSWORD);
    let log = env.ok(&["audit", "log", "--json"]).stdout;
    assert!(log.contains("account.reveal"));
    assert!(!log.contains(PASSWORD));
}

#[test]
fn removing_a_custodian_reencrypts_and_creates_rotation_tasks() {
    let (env, r1, r2) = setup();
    let id = add_account(&env);
    let before = stored_secret(&env, &id);
    assert!(age_decrypt(&env.path().join("k/dpl-age.key"), &before).status.success());
    let no_identity = env.run(&["custodian", "remove", &r2]);
    assert_eq!(no_identity.code, 2);
    let r = env.ok(&["custodian", "remove", &r2, "--identity", "k/fac-age.key", "--json"]);
    assert_eq!(r.json()["data"]["secrets_reencrypted"], 1);
    assert!(r.stderr.contains("may have kept copies"), "{}", r.stderr);
    let after = stored_secret(&env, &id);
    assert_ne!(before, after);
    assert!(
        !age_decrypt(&env.path().join("k/dpl-age.key"), &after).status.success(),
        "the removed custodian can still open it"
    );
    assert!(age_decrypt(&env.path().join("k/fac-age.key"), &after).status.success());
    let tasks = env.ok(&["tasks", "list", "--json"]).json();
    let t = &tasks["data"][0];
    assert_eq!(t["kind"], "rotate_account");
    assert_eq!(t["subject"], id.as_str());
    // The last custodian cannot be removed.
    let last = env.run(&["custodian", "remove", &r1, "--identity", "k/fac-age.key"]);
    assert_eq!(last.code, 2);
    // Every rotation step closes the task.
    for what in ["password", "recovery", "2fa"] {
        env.ok(&["account", "rotate-done", &id, "--what", what]);
    }
    let open = env.ok(&["tasks", "list", "--json"]).json();
    assert_eq!(open["data"].as_array().unwrap().iter().filter(|t| t["kind"] == "rotate_account").count(), 1);
    let done = env.ok(&["account", "rotate-done", &id, "--what", "admins"]);
    assert!(done.stdout.contains("every rotation step is done"));
    let kinds = |args: &[&str]| -> Vec<String> {
        env.ok(args).json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["kind"].as_str().unwrap().to_string())
            .collect()
    };
    // Left open: the reminders that the account is paid only until its date.
    assert_eq!(kinds(&["tasks", "list", "--json"]), ["account_paid_until_soon", "account_paid_until"]);
    assert_eq!(kinds(&["tasks", "list", "--all", "--json"]).iter().filter(|k| *k == "rotate_account").count(), 1);
}

#[test]
fn accounts_need_custodians_and_backups_hold_no_plaintext() {
    let env = TestEnv::new();
    env.ok(&["init", "--community", "C", "--controller", "Org"]);
    let secret = env.write("s.txt", "x");
    let r =
        env.run(&["account", "add", "--service", "website", "--url", "u", "--login", "l", "--secret-file", &secret]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no custodians"), "{}", r.stderr);
    let b = env.run(&["register", "backup", "--out", "b.age"]);
    assert_eq!(b.code, 2);
    let bad = env.run(&[
        "init",
        "--register",
        "x.db",
        "--community",
        "C",
        "--controller",
        "Org",
        "--custodian",
        "age1notakey",
    ]);
    assert_eq!(bad.code, 2);
    assert!(!env.path().join("x.db").exists());

    let (env, _, _) = setup();
    env.ok(&["person", "add", "--name", "Distinctive Name Ffion Marchbanks", "--email", "ffion@example.org"]);
    env.ok(&["register", "backup", "--out", "b.age"]);
    let bytes = std::fs::read(env.path().join("b.age")).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    assert!(!String::from_utf8_lossy(&bytes).contains("Marchbanks"));
    let again = env.run(&["register", "backup", "--out", "b.age"]);
    assert_eq!(again.code, 2, "a backup never overwrites");
    env.ok(&["register", "restore", "b.age", "--identity", "k/dpl-age.key", "--into", "copy.db"]);
    let people = env.ok(&["--register", "copy.db", "person", "list", "--json"]).json();
    assert_eq!(people["data"][0]["name"], "Distinctive Name Ffion Marchbanks");
    let log = env.ok(&["--register", "copy.db", "audit", "log", "--json"]).json();
    assert_eq!(log["data"].as_array().unwrap().last().unwrap()["action"], "register.restore");
}
