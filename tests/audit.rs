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
