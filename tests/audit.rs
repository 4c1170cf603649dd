//! The audit log is tamper-evident: editing, deleting or reordering entries through the SQLite
//! file is detected by `audit verify` (exit 1).

use crate::util::TestEnv;

fn tampered(sql: &str) -> (i32, serde_json::Value) {
    let env = TestEnv::with_texts();
    env.ok(&["person", "add", "--ref", "T1", "--name", "Test One", "--email", "one@example.org"]);
    env.ok(&["person", "add", "--ref", "T2", "--name", "Test Two"]);
    assert_eq!(env.ok(&["audit", "verify"]).code, 0);
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    let r = env.run(&["audit", "verify", "--json"]);
    (r.code, r.json())
}

#[test]
fn intact_log_verifies() {
    let env = TestEnv::with_texts();
    let r = env.ok(&["audit", "verify", "--json"]);
    assert_eq!(r.json()["data"]["valid"], true);
    assert!(r.json()["data"]["entries"].as_i64().unwrap() > 5);
}

#[test]
fn edited_entry_is_detected() {
    let (code, v) = tampered("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3;");
    assert_eq!(code, 1);
    assert_eq!(v["data"]["valid"], false);
    assert_eq!(v["data"]["first_broken"]["seq"], 3);
}

#[test]
fn deleted_entry_is_detected() {
    let (code, v) = tampered("DELETE FROM audit_log WHERE seq = 4;");
    assert_eq!(code, 1);
    assert_eq!(v["data"]["first_broken"]["seq"], 5);
}

#[test]
fn reordered_entries_are_detected() {
    let (code, _) = tampered(
        "UPDATE audit_log SET seq = 1000 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 1000;",
    );
    assert_eq!(code, 1);
}

#[test]
fn rehashed_entry_still_breaks_the_chain() {
    // An attacker who recomputes the edited entry's own hash still breaks the next entry's link.
    let env = TestEnv::with_texts();
    env.ok(&["person", "add", "--ref", "T1", "--name", "Test One"]);
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    let (at, action, subject, details, prev): (String, String, String, String, String) = conn
        .query_row("SELECT at, action, subject, details, prev_hash FROM audit_log WHERE seq = 2", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    let canonical = serde_json::json!([2, at, "forged", action, subject, details, prev]).to_string();
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(canonical.as_bytes()));
    conn.execute("UPDATE audit_log SET actor = 'forged', hash = ?1 WHERE seq = 2", [hash]).unwrap();
    drop(conn);
    let r = env.run(&["audit", "verify", "--json"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["data"]["first_broken"]["seq"], 3);
}

#[test]
fn log_holds_no_personal_data() {
    let env = TestEnv::with_fixtures();
    env.ok(&["person", "erase", "M0100", "--reason", "request from Jane Doe"]);
    let log = env.ok(&["audit", "log", "--json"]).stdout;
    let people = std::fs::read_to_string(crate::util::fixtures().join("people.csv")).unwrap();
    for line in people.lines().skip(1).take(200) {
        let cells: Vec<&str> = line.split(',').collect();
        for cell in [cells[1], cells[2], cells[3]] {
            if cell.len() > 4 {
                assert!(!log.contains(cell), "audit log contains a personal value from people.csv");
            }
        }
    }
    assert!(!log.contains("Jane Doe"), "the erasure reason must stay out of the audit log");
}

/// Rewrite the whole hash chain after tampering, as someone with the file and this source would:
/// the chain alone then checks, so only a checkpoint issued earlier can show the change.
fn rechain(conn: &rusqlite::Connection) {
    let rows: Vec<(String, String, String, String, String)> = {
        let mut st = conn.prepare("SELECT at, actor, action, subject, details FROM audit_log ORDER BY seq").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    conn.execute("DELETE FROM audit_log", []).unwrap();
    let mut prev = handover::register::audit::GENESIS.to_string();
    for (i, (at, actor, action, subject, details)) in rows.iter().enumerate() {
        let seq = i as i64 + 1;
        let hash = handover::register::audit::entry_hash(seq, at, actor, action, subject, details, &prev);
        conn.execute(
            "INSERT INTO audit_log(seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            rusqlite::params![seq, at, actor, action, subject, details, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn a_checkpoint_catches_what_a_recomputed_chain_hides() {
    let attacks: &[(&str, &str)] = &[
        ("edit", "UPDATE audit_log SET subject = 'nobody' WHERE seq = 3;"),
        ("delete", "DELETE FROM audit_log WHERE seq = 2;"),
        (
            "reorder",
            "UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -1;",
        ),
        ("truncate", "DELETE FROM audit_log WHERE seq > 4;"),
    ];
    for (what, sql) in attacks {
        let env = TestEnv::with_texts();
        env.ok(&["keys", "new", "--out", "k", "--name", "dp", "--unprotected"]);
        env.ok(&["person", "add", "--ref", "T1", "--name", "Test One", "--email", "one@example.org"]);
        let cp =
            env.ok(&["audit", "checkpoint", "--sign-key", "k/dp-minisign.key", "--out", "cp.txt", "--json"]).json();
        let size = cp["data"]["size"].as_i64().unwrap();
        assert!(size > 4);
        env.ok(&["person", "add", "--ref", "T2", "--name", "Test Two"]);
        // Untouched: the log extends the checkpoint, and the proof is given.
        let v =
            env.ok(&["audit", "verify", "--checkpoint", "cp.txt", "--signer", "k/dp-minisign.pub", "--json"]).json();
        assert_eq!(v["data"]["checkpoint"]["extends"], true, "{v}");
        assert_eq!(v["data"]["checkpoint"]["signature"], "verified");
        assert!(!v["data"]["checkpoint"]["proof"].as_array().unwrap().is_empty());
        // Another key's checkpoint is refused.
        env.ok(&["keys", "new", "--out", "o", "--name", "other", "--unprotected"]);
        let bad = env.run(&["audit", "verify", "--checkpoint", "cp.txt", "--signer", "o/other-minisign.pub", "--json"]);
        assert_eq!(bad.code, 1);
        assert_eq!(bad.json()["data"]["checkpoint"]["signature"], "bad");
        // Named for what it is: a different signer, not a register changed behind handover's back.
        let bad = env.run(&["audit", "verify", "--checkpoint", "cp.txt", "--signer", "o/other-minisign.pub"]);
        assert!(bad.stderr.contains("signed by a different key"), "{}", bad.stderr);
        assert!(!bad.stderr.contains("changed outside handover"), "{}", bad.stderr);
        let conn = rusqlite::Connection::open(env.register()).unwrap();
        conn.execute_batch(sql).unwrap();
        rechain(&conn);
        drop(conn);
        let chain_only = env.run(&["audit", "verify", "--json"]);
        assert_eq!(chain_only.code, 0, "{what}: the recomputed chain alone checks");
        let r = env.run(&["audit", "verify", "--checkpoint", "cp.txt", "--signer", "k/dp-minisign.pub", "--json"]);
        assert_eq!(r.code, 1, "{what}: {}", r.stdout);
        let c = &r.json()["data"]["checkpoint"];
        assert_eq!(c["extends"], false, "{what}");
        let said = env.run(&["audit", "verify", "--checkpoint", "cp.txt", "--signer", "k/dp-minisign.pub"]);
        assert!(said.stderr.contains("entries it vouched for were changed or removed"), "{what}: {}", said.stderr);
        let why = c["why"].as_str().unwrap();
        if *what == "truncate" {
            assert!(why.contains("deleted from its end"), "{why}");
        } else {
            assert!(why.contains("no longer match the checkpoint"), "{why}");
        }
    }
}
