//! Reads fail closed: a value in the register that handover did not write (a register restored
//! from another tool, a damaged page, an edit outside handover) stops every command that needs it
//! with an error naming the row and what to do, and `audit verify` lists it. It is never skipped:
//! a withdrawal that cannot be read must not leave the person on the mailing list.

use crate::util::{Run, TestEnv};

/// The demo's register, and a way to run commands against it.
struct Demo {
    env: TestEnv,
    reg: String,
}

impl Demo {
    fn new() -> Demo {
        let env = TestEnv::new();
        env.ok(&["demo", "--out", "demo"]);
        let reg = env.path().join("demo/handover.db").display().to_string();
        Demo { env, reg }
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut a = vec!["--register", self.reg.as_str()];
        a.extend(args);
        self.env.run(&a)
    }

    fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, 0, "handover {args:?} failed:\n{}{}", r.stdout, r.stderr);
        r
    }

    /// Change stored rows as another tool would (the append-only trigger set aside).
    fn tamper(&self, sql: &str) {
        let conn = rusqlite::Connection::open(&self.reg).unwrap();
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS consent_events_no_update; {sql}")).unwrap();
    }

    /// One text value read from the register.
    fn query(&self, sql: &str) -> String {
        let conn = rusqlite::Connection::open(&self.reg).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Whether M0002 goes on the mailing list that goes to the group.
    fn m0002_on_the_mailing_list(&self) -> bool {
        let plan = self.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
        let people = plan["data"]["people"].as_array().unwrap();
        people.iter().find(|p| p["ref"] == "M0002").unwrap()["mailing_list"]["included"].as_bool().unwrap()
    }
}

/// The error of a command stopped by a damaged value: exit 4, the row and column named, and the
/// way to recover.
fn assert_damaged(r: &Run, row: &str, column: &str) {
    assert_eq!(r.code, 4, "expected exit 4 (damaged register):\n{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("the register holds a value handover cannot read"), "{}", r.stderr);
    assert!(r.stderr.contains(row), "the row {row} is not named:\n{}", r.stderr);
    assert!(r.stderr.contains(column), "the column {column} is not named:\n{}", r.stderr);
    assert!(r.stderr.contains("handover register restore"), "{}", r.stderr);
    assert!(r.stderr.contains("handover audit verify"), "{}", r.stderr);
}

/// The id of M0002's withdrawal from the group's newsletter, recorded as the facilitator would.
fn withdraw_m0002(d: &Demo) -> String {
    let r = d.ok(&[
        "consent",
        "withdraw",
        "--person",
        "M0002",
        "--purpose",
        "successor_newsletter",
        "--recorded-by",
        "fac",
        "--channels",
        "email",
        "--at",
        "2026-11-24T10:00:00Z",
        "--json",
    ]);
    r.json()["data"]["id"].as_str().unwrap().to_string()
}

#[test]
fn a_withdrawal_stored_in_another_spelling_stops_every_command_that_reads_consent() {
    let d = Demo::new();
    assert!(d.m0002_on_the_mailing_list());
    let id = withdraw_m0002(&d);
    assert!(!d.m0002_on_the_mailing_list());
    d.tamper(&format!("UPDATE consent_events SET action = 'Withdraw' WHERE id = '{id}';"));

    // The status, the plan, the history, the retention run and the report all stop.
    let show = d.run(&["person", "show", "M0002"]);
    assert!(!show.stdout.contains("granted"), "the status was shown from the events it could read:\n{}", show.stdout);
    assert_damaged(&show, &id, "action");
    assert_damaged(&d.run(&["transfer", "plan", "--to", "kscop-steering-group"]), &id, "action");
    assert_damaged(&d.run(&["consent", "history"]), &id, "action");
    assert_damaged(&d.run(&["retention", "run", "--dry-run"]), &id, "action");
    assert_damaged(&d.run(&["audit", "report"]), &id, "action");

    // audit verify answers no, and lists the row.
    let v = d.run(&["audit", "verify", "--json"]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    let v = v.json();
    assert_eq!(v["data"]["valid"], false);
    let rows = v["data"]["unreadable"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["table"], "consent_events");
    assert_eq!(rows[0]["row"], id.as_str());
    assert_eq!(rows[0]["column"], "action");
    let text = d.run(&["audit", "verify"]);
    assert!(text.stdout.contains(&id) && text.stdout.contains("action"), "{}", text.stdout);
    assert!(text.stderr.contains("handover register restore"), "{}", text.stderr);
}

#[test]
fn a_consent_time_or_controller_list_the_tool_cannot_read_is_named_never_skipped() {
    let d = Demo::new();
    let id = withdraw_m0002(&d);
    d.tamper(&format!("UPDATE consent_events SET at = '24/11/2026 10:00' WHERE id = '{id}';"));
    assert_damaged(&d.run(&["transfer", "plan", "--to", "kscop-steering-group"]), &id, "at");
    assert_damaged(&d.run(&["person", "show", "M0002"]), &id, "at");

    let d = Demo::new();
    let id = withdraw_m0002(&d);
    d.tamper(&format!("UPDATE consent_events SET controllers = '[\"kscop-steering-group\"' WHERE id = '{id}';"));
    assert_damaged(&d.run(&["transfer", "plan", "--to", "kscop-steering-group"]), &id, "controllers");
    let v = d.run(&["audit", "verify", "--json"]).json();
    assert_eq!(v["data"]["unreadable"][0]["column"], "controllers");
}

#[test]
fn an_objection_the_tool_cannot_read_stops_the_plan() {
    let d = Demo::new();
    d.ok(&[
        "basis",
        "object",
        "--person",
        "M0002",
        "--purpose",
        "disclose_to_successor",
        "--controllers",
        "kscop-steering-group",
        "--decided-by",
        "fac",
        "--at",
        "2026-11-24T12:00:00Z",
    ]);
    let id = d.query("SELECT id FROM bases WHERE action = 'object' AND decided_at = '2026-11-24T12:00:00Z'");
    d.tamper(&format!("UPDATE bases SET action = 'Object' WHERE id = '{id}';"));
    assert_damaged(&d.run(&["transfer", "plan", "--to", "kscop-steering-group"]), &id, "action");
    d.tamper(&format!("UPDATE bases SET action = 'object', decided_at = 'yesterday' WHERE id = '{id}';"));
    assert_damaged(&d.run(&["transfer", "plan", "--to", "kscop-steering-group"]), &id, "decided_at");
    let v = d.run(&["audit", "verify", "--json"]).json();
    assert_eq!(v["data"]["unreadable"][0]["table"], "bases");
}

/// A role's designation that does not read is never taken for one that reveals nothing: the plan
/// stops on it (M0002's lived-experience designation is special category, held back today).
#[test]
fn a_role_designation_the_tool_cannot_read_stops_the_plan() {
    let d = Demo::new();
    let id = d.query("SELECT r.id FROM roles r JOIN people p ON p.id = r.person_id WHERE p.ref = 'M0002'");
    d.tamper(&format!("UPDATE roles SET designation = 'Lived Experience' WHERE id = '{id}';"));
    assert_damaged(&d.run(&["transfer", "plan", "--to", "kscop-steering-group"]), &id, "designation");
    assert_damaged(&d.run(&["person", "show", "M0002"]), &id, "designation");
    let v = d.run(&["audit", "verify", "--json"]).json();
    assert_eq!(v["data"]["unreadable"][0]["table"], "roles", "{v}");
}
