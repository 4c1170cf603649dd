//! The data protection lead's logs: request clocks (R19), complaints, incidents, assessments.

use crate::util::TestEnv;

/// `incident record` of a synthetic breach (its --ico and report to follow).
const INCIDENT: [&str; 10] = [
    "incident",
    "record",
    "--what",
    "list sent to the wrong group",
    "--discovered",
    "2026-11-24T09:00:00Z",
    "--data",
    "contact",
    "--people",
    "40",
];

fn data(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.push("--json");
    env.ok(&a).json()["data"].clone()
}

fn open_tasks(env: &TestEnv, kind: &str) -> Vec<serde_json::Value> {
    data(env, &["tasks", "list"]).as_array().unwrap().iter().filter(|t| t["kind"] == kind).cloned().collect()
}

#[test]
fn a_request_clock_starts_with_identity_pauses_and_extends() {
    let env = TestEnv::with_texts();
    env.ok(&["person", "add", "--ref", "R1", "--name", "Req One", "--email", "req@example.org"]);
    let r = data(
        &env,
        &["request", "open", "--kind", "access", "--person", "R1", "--received", "2026-11-02", "--awaiting-identity"],
    );
    let id = r["id"].as_str().unwrap().to_string();
    assert_eq!((r["state"].as_str(), r["deadline"].as_str()), (Some("awaiting_identity"), None));
    assert!(open_tasks(&env, "request_deadline").is_empty(), "no clock, no deadline yet");
    // Identity arrives on 5 November: one month on is Saturday 5 December, so Monday 7 December.
    let r = data(&env, &["request", "resume", &id, "--date", "2026-11-05"]);
    assert_eq!(r["deadline"], "2026-12-07");
    assert_eq!(open_tasks(&env, "request_deadline")[0]["due"], "2026-12-07");
    // Paused four days for clarification.
    let r = data(&env, &["request", "pause", &id, "--date", "2026-11-10", "--reason", "which years?"]);
    assert_eq!(r["state"], "paused");
    let again = env.run(&["request", "pause", &id, "--date", "2026-11-11", "--reason", "x"]);
    assert_eq!(again.code, 2, "the clock is already stopped");
    let early = env.run(&["request", "resume", &id, "--date", "2026-11-09"]);
    assert_eq!(early.code, 2, "the clock restarts no earlier than it stopped: {}", early.stderr);
    let r = data(&env, &["request", "resume", &id, "--date", "2026-11-14"]);
    assert_eq!(r["deadline"], "2026-12-09");
    // A pause dated before the clock last restarted (overlapping the earlier one) is refused.
    let before = env.audit_len();
    let overlap = env.run(&["request", "pause", &id, "--date", "2026-11-12", "--reason", "again"]);
    assert_eq!(overlap.code, 2, "{}", overlap.stderr);
    assert!(overlap.stderr.contains("pauses never overlap"), "{}", overlap.stderr);
    let before_identity = env.run(&["request", "pause", &id, "--date", "2026-11-03", "--reason", "x"]);
    assert_eq!(before_identity.code, 2, "{}", before_identity.stderr);
    assert_eq!(env.audit_len(), before);
    // Extended by two months, the notice sent before the first deadline.
    let r = data(&env, &["request", "extend", &id, "--notice-sent", "2026-11-20", "--reason", "many records"]);
    assert_eq!((r["state"].as_str(), r["deadline"].as_str()), (Some("extended"), Some("2027-02-09")));
    // Once extended, the three months are the most: a pause no longer moves the deadline.
    let after_ext = env.run(&["request", "pause", &id, "--date", "2026-11-21", "--reason", "more"]);
    assert_eq!(after_ext.code, 2, "{}", after_ext.stderr);
    assert!(after_ext.stderr.contains("the most the law allows"), "{}", after_ext.stderr);
    assert_eq!(open_tasks(&env, "request_deadline")[0]["due"], "2027-02-09");
    let r = data(&env, &["request", "close", &id, "--date", "2026-11-24", "--outcome", "copy sent"]);
    assert_eq!(r["state"], "closed");
    assert!(open_tasks(&env, "request_deadline").is_empty(), "closing the request closes its task");
    let late = env.run(&["request", "pause", &id, "--date", "2026-11-24", "--reason", "x"]);
    assert_eq!(late.code, 2);
    // An extension notice after the first deadline is refused, and nothing changes.
    let r = data(&env, &["request", "open", "--kind", "erasure", "--received", "2026-09-01"]);
    let id2 = r["id"].as_str().unwrap().to_string();
    assert_eq!(r["deadline"], "2026-10-01");
    let before = env.audit_len();
    let ext = env.run(&["request", "extend", &id2, "--notice-sent", "2026-11-01", "--reason", "late"]);
    assert_eq!(ext.code, 2);
    assert!(ext.stderr.contains("before the first deadline (2026-10-01)"), "{}", ext.stderr);
    assert_eq!(env.audit_len(), before);
    let overdue = data(&env, &["tasks", "list", "--overdue"]);
    assert!(overdue.as_array().unwrap().iter().any(|t| t["subject"] == id2.as_str()), "{overdue}");
    // Future dates and bad dates are refused.
    assert_eq!(env.run(&["request", "open", "--kind", "access", "--received", "2027-01-01"]).code, 2);
    assert_eq!(env.run(&["request", "open", "--kind", "access", "--received", "1 Nov"]).code, 2);
    // Added bank holidays move the deadline.
    let hol = env.write("hol.csv", "# one-off\n2026-12-07,A one-off bank holiday\n");
    env.ok(&["request", "holidays", "--add", &hol]);
    let r = data(&env, &["request", "open", "--kind", "access", "--received", "2026-11-07"]);
    assert_eq!(r["deadline"], "2026-12-08");
    let bad = env.write("bad.csv", "07/12/2026,x\n");
    assert_eq!(env.run(&["request", "holidays", "--add", &bad]).code, 2);
}

#[test]
fn complaints_incidents_and_assessments() {
    let env = TestEnv::with_texts();
    let c = data(&env, &["complaint", "open", "--received", "2026-11-01", "--summary", "emailed after unsubscribing"]);
    assert_eq!(c["ack_due"], "2026-12-01");
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(open_tasks(&env, "complaint_ack")[0]["due"], "2026-12-01");
    data(&env, &["complaint", "ack", &id, "--date", "2026-11-03"]);
    assert!(open_tasks(&env, "complaint_ack").is_empty());
    assert_eq!(env.run(&["complaint", "ack", &id, "--date", "2026-11-04"]).code, 2);
    // An incident not reported must say why; undecided ones get a task at the 72-hour mark.
    let base = INCIDENT;
    let mut no_reason = base.to_vec();
    no_reason.extend(["--ico", "not_reported"]);
    let r = env.run(&no_reason);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("why it was not reported"), "{}", r.stderr);
    let mut undecided = base.to_vec();
    undecided.extend(["--ico", "undecided"]);
    let i = data(&env, &undecided);
    assert_eq!(i["report_due"], "2026-11-27T09:00:00Z");
    assert_eq!(open_tasks(&env, "breach_report")[0]["due"], "2026-11-27");
    let mut late = base.to_vec();
    late.extend(["--ico", "reported", "--reported-at", "2026-11-28T09:00:00Z"]);
    let r = env.run(&late);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // reported after the 72-hour mark: recorded as late
    let list = data(&env, &["incident", "list"]);
    assert!(list.as_array().unwrap().iter().any(|i| i["reported_in_time"] == false));
    // An assessment version is registered once; a cited LIA must be registered.
    let f = env.write("lia.txt", "LIA\n");
    let add = [
        "assessment",
        "add",
        "--kind",
        "lia",
        "--ref",
        "LIA-X",
        "--version",
        "1",
        "--approver",
        "dp",
        "--file",
        f.as_str(),
    ];
    env.ok(&add);
    assert_eq!(env.run(&add).code, 2);
    env.ok(&["person", "add", "--ref", "P1", "--name", "P One"]);
    let cite = |r: &str| {
        env.run(&[
            "basis",
            "record",
            "--person",
            "P1",
            "--purpose",
            "governance_contact",
            "--basis",
            "legitimate_interests",
            "--controllers",
            "brightwater-trust",
            "--assessment-ref",
            r,
            "--decided-by",
            "dp",
            "--at",
            "2026-11-25T11:00:00Z",
        ])
    };
    let r = cite("LIA-NOPE");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not in the assessments register"), "{}", r.stderr);
    assert_eq!(cite("LIA-X").code, 0);
}

#[test]
fn retention_anonymises_what_is_past_the_policy_and_logs_counts_only() {
    let env = TestEnv::with_fixtures();
    let p = data(&env, &["retention", "policy"]);
    assert_eq!(p.as_array().unwrap().iter().find(|k| k["kind"] == "inactive_people").unwrap()["months"], 24);
    let dry = data(&env, &["retention", "run", "--dry-run"]);
    let inactive = dry["counts"]["inactive_people"].as_u64().unwrap();
    assert!(inactive > 0, "{dry}");
    // tasks sync turns what is due into tasks: consents lapsing within 90 days, and the run.
    let sync = data(&env, &["tasks", "sync"]);
    assert!(sync["set"].as_u64().unwrap() >= 2, "{sync}");
    let refresh = open_tasks(&env, "consent_refresh");
    assert!(refresh.iter().any(|t| t["subject"] == "newsletter"), "{refresh:?}");
    assert_eq!(open_tasks(&env, "retention_run").len(), 1);
    // Turned off, nothing is due of that kind; a bad setting is refused.
    data(&env, &["retention", "policy", "--set", "inactive_people=0"]);
    assert_eq!(data(&env, &["retention", "run", "--dry-run"])["counts"]["inactive_people"], 0);
    assert_eq!(env.run(&["retention", "policy", "--set", "everything=1"]).code, 2);
    assert_eq!(env.run(&["retention", "policy", "--set", "inactive_people=soon"]).code, 2);
    data(&env, &["retention", "policy", "--set", "inactive_people=24"]);
    // A request closed long ago, and a tombstone past its expiry.
    let r = data(&env, &["request", "open", "--kind", "access", "--person", "M0005", "--received", "2024-01-02"]);
    let rid = r["id"].as_str().unwrap().to_string();
    data(&env, &["request", "close", &rid, "--date", "2024-01-20", "--outcome", "copy sent"]);
    env.ok(&["person", "erase", "M0006", "--reason", "asked to be forgotten"]);
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    conn.execute("UPDATE tombstones SET expires = '2026-01-01'", []).unwrap();
    drop(conn);
    let supp_before = data(&env, &["audit", "report"])["suppression"]["entries"].as_u64().unwrap();
    let listed = |env: &TestEnv| {
        data(env, &["person", "list"]).as_array().unwrap().iter().filter(|p| p["erased_at"].is_null()).count()
    };
    let live_before = listed(&env);
    let run = data(&env, &["retention", "run"]);
    assert_eq!(run["counts"]["inactive_people"].as_u64().unwrap(), inactive);
    assert_eq!(run["counts"]["tombstones"], 1);
    assert_eq!(run["counts"]["closed_requests"], 1);
    assert_eq!(listed(&env) as u64, live_before as u64 - inactive);
    assert_eq!(data(&env, &["request", "show", &rid])["person_id"], serde_json::Value::Null);
    let after = data(&env, &["audit", "report"]);
    // The expired erasure's entry went; the opt-outs of the people anonymised stay, as opted_out.
    let opted_out = after["suppression"]["by_reason"]["opted_out"].as_u64().unwrap_or(0);
    assert!(opted_out > 0, "{after}");
    assert_eq!(after["suppression"]["entries"].as_u64().unwrap(), supp_before - 1 + opted_out);
    assert_eq!(after["suppression"]["erasures"], 0);
    // The audit log has counts and kinds, never who.
    let log = env.ok(&["audit", "log", "--json"]).stdout;
    let entry = log.lines().skip_while(|l| !l.contains("retention.run")).take(40).collect::<String>();
    assert!(!entry.contains("per_"), "{entry}");
    assert!(open_tasks(&env, "retention_run").is_empty(), "the run finishes its task");
    // Nothing more is due.
    let again = data(&env, &["retention", "run", "--dry-run"]);
    assert!(again["counts"].as_object().unwrap().values().all(|v| v == 0), "{again}");
    env.ok(&["audit", "verify"]);
}

/// A retention period too long to subtract from today must never make everything "past" it:
/// periods over 100 years are refused, and a period that reaches before the calendar's start
/// means "never", not "now". (A period of 9,999,999 months once anonymised more people.)
#[test]
fn a_huge_retention_period_is_refused_and_a_long_one_anonymises_nobody_more() {
    let env = TestEnv::with_fixtures();
    let inactive = data(&env, &["retention", "run", "--dry-run"])["counts"]["inactive_people"].as_u64().unwrap();
    let before = env.audit_len();
    let r = env.run(&["retention", "policy", "--set", "inactive_people=9999999"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("at most 1200 months (100 years)"), "{}", r.stderr);
    assert_eq!(env.audit_len(), before, "a refused policy changes nothing");
    data(&env, &["retention", "policy", "--set", "inactive_people=1200"]);
    let long = data(&env, &["retention", "run", "--dry-run"])["counts"]["inactive_people"].as_u64().unwrap();
    assert!(long <= inactive, "a longer period anonymised more people: {long} > {inactive}");
    assert_eq!(long, 0, "nobody has been inactive for 100 years");
}

/// R3: a special-category field goes only on a consent to that data. A consent to photos naming
/// health once let a family carer's group and designation go. Only a consent to the
/// lived-experience designation, naming the receiver and health, lets that designation and the
/// `lived_experience` group go; `family_carer` reveals a relative's health, which the member
/// cannot consent to for them: it is always generalised.
#[test]
fn special_category_goes_only_on_a_consent_to_that_data() {
    let env = TestEnv::with_texts();
    let text = env.path().join("le.txt");
    std::fs::write(&text, "May we tell the steering group that you have lived experience? (synthetic text)\n").unwrap();
    env.ok(&[
        "statement",
        "add",
        "--version",
        "LE-2025",
        "--purpose",
        "lived_experience_designation",
        "--format",
        "standard",
    ]
    .into_iter()
    .chain(["--file", text.to_str().unwrap(), "--effective-from", "2025-01-01"])
    .chain(["--controllers", "brightwater-trust,kscop-steering-group"])
    .collect::<Vec<_>>());
    // A photos statement that names the receiver too (the fixtures' PV-2019 names the charity only).
    let pv = env.write("pv.txt", "Both groups may use photos of me, which may show my health. (synthetic text)\n");
    env.ok(&[
        "statement",
        "add",
        "--version",
        "PV-2026",
        "--purpose",
        "photos_video",
        "--format",
        "standard",
        "--file",
        &pv,
        "--effective-from",
        "2025-01-01",
        "--controllers",
        "brightwater-trust,kscop-steering-group",
    ]);
    for (r, group, designation) in
        [("F1", "family_carer", "family_carer"), ("L1", "lived_experience", "lived_experience")]
    {
        env.ok(&[
            "person",
            "add",
            "--ref",
            r,
            "--name",
            &format!("Synthetic {r}"),
            &format!("--email={r}@example.org"),
            "--stakeholder-group",
            group,
            "--adult-confirmed",
            "yes",
            "--jurisdiction",
            "england_wales",
        ]);
        env.ok(&[
            "role",
            "assign",
            "--person",
            r,
            "--role",
            "steering_member",
            "--from",
            "2024-01-01",
            "--designation",
            designation,
        ]);
    }
    let consent = |r: &str, purpose: &str, statement: &str, special: Option<&str>| {
        let mut a = vec![
            "consent",
            "record",
            "--person",
            r,
            "--purpose",
            purpose,
            "--controllers",
            "brightwater-trust;kscop-steering-group",
            "--channels",
            "email",
            "--at",
            "2026-06-01T10:00:00Z",
            "--recorded-by",
            "fac",
            "--method",
            "paper_signed",
            "--evidence-ref",
            "EV",
            "--statement-version",
            statement,
            "--notice-version",
            "PN-2025",
            "--told-can-withdraw",
            "yes",
        ];
        if let Some(s) = special {
            a.extend(["--special-categories", s]);
        }
        env.ok(&a);
    };
    let explain = |r: &str| {
        env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", r, "--json"]).json()["data"].clone()
    };
    let stripped = |d: &serde_json::Value| -> Vec<String> {
        d["stripped"].as_array().unwrap().iter().map(|s| s["field"].as_str().unwrap().to_string()).collect()
    };
    for r in ["F1", "L1"] {
        consent(r, "disclose_to_successor", "DS-2025", None);
        consent(r, "photos_video", "PV-2026", Some("health"));
        let d = explain(r);
        assert_eq!(d["register"]["included"], true, "{d}");
        let s = stripped(&d);
        assert!(
            s.contains(&"stakeholder_group".to_string()) && s.contains(&"roles.designation".to_string()),
            "{r}: a photos consent unlocked health data: {d}"
        );
        consent(r, "lived_experience_designation", "LE-2025", Some("health"));
    }
    let l1 = explain("L1");
    let s = stripped(&l1);
    assert!(
        !s.contains(&"stakeholder_group".to_string()) && !s.contains(&"roles.designation".to_string()),
        "L1 consented to that data: {s:?}"
    );
    // --explain shows every consent with what it bore on: the deciding one, the designation
    // consent, and the photos consent that bears on nothing in this transfer.
    let bears = |purpose: &str| -> Vec<String> {
        let c = l1["considered"].as_array().unwrap().iter().find(|c| c["purpose"] == purpose).unwrap().clone();
        c["bears_on"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
    };
    assert_eq!(bears("disclose_to_successor"), ["decides register", "register"]);
    assert_eq!(bears("lived_experience_designation"), ["lived-experience designation"]);
    assert!(bears("photos_video").is_empty());
    let text = env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", "L1"]).stdout;
    assert!(text.contains("photos_video") && text.contains("[nothing in this transfer]"), "{text}");
    let s = stripped(&explain("F1"));
    assert!(
        s.contains(&"stakeholder_group".to_string()) && s.contains(&"roles.designation".to_string()),
        "a relative's health never goes: {s:?}"
    );
}

/// Times that cannot be right are refused: an event more than a few minutes ahead of the clock
/// (19 hours ahead was once accepted), a proxy's authority verified after the consent it
/// supports. Statements take effect on London dates: a consent at 00:30 BST on the effective
/// day is in force (it was once refused as "before this statement took effect").
#[test]
fn times_that_cannot_be_right_are_refused_and_effective_dates_are_london_dates() {
    let env = TestEnv::with_texts();
    env.ok(&[
        "person",
        "add",
        "--ref",
        "C1",
        "--name",
        "Synthetic Clock",
        "--email=clock@example.org",
        "--adult-confirmed",
        "yes",
    ]);
    let text = env.path().join("nl.txt");
    std::fs::write(&text, "Our summer newsletter (synthetic text)\n").unwrap();
    env.ok(&[
        "statement",
        "add",
        "--version",
        "NL-2026",
        "--purpose",
        "newsletter",
        "--format",
        "standard",
        "--file",
        text.to_str().unwrap(),
        "--effective-from",
        "2026-06-01",
        "--controllers",
        "brightwater-trust",
    ]);
    let record = |at: &str, extra: &[&str]| {
        let mut a = vec![
            "consent",
            "record",
            "--person",
            "C1",
            "--purpose",
            "newsletter",
            "--controllers",
            "brightwater-trust",
            "--channels",
            "email",
            "--at",
            at,
            "--recorded-by",
            "fac",
            "--method",
            "online_checkbox",
            "--evidence-ref",
            "EV",
            "--statement-version",
            "NL-2026",
            "--notice-version",
            "PN-2025",
            "--told-can-withdraw",
            "yes",
        ];
        a.extend(extra);
        env.run(&a)
    };
    // The tests' clock stands at 2026-11-25T12:00:00Z.
    let r = record("2026-11-26T07:00:00Z", &[]);
    assert_eq!(r.code, 2, "19 hours ahead: {}", r.stdout);
    assert!(r.stderr.contains("in the future"), "{}", r.stderr);
    let r = record("2026-11-25T12:03:00Z", &[]);
    assert_eq!(r.code, 0, "three minutes of clock skew is allowed: {}", r.stderr);
    // 00:30 on 1 June in London is 23:30 UTC on 31 May.
    let r = record("2026-05-31T23:30:00Z", &[]);
    assert_eq!(r.code, 0, "in force from the start of the London day: {}", r.stderr);
    let r = record("2026-05-31T22:30:00Z", &[]);
    assert_eq!(r.code, 2, "an hour before, it was not: {}", r.stdout);
    // A proxy's authority checked after the consent it supports.
    let r = record(
        "2026-07-01T10:00:00Z",
        &[
            "--given-by",
            "lpa_attorney",
            "--authority-kind",
            "lpa_health_welfare",
            "--authority-ref",
            "LPA-1",
            "--verified-by",
            "fac",
            "--verified-at",
            "2026-07-02T10:00:00Z",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("must be verified before the consent"), "{}", r.stderr);
}

/// PECR reg 22: email marketing needs consent. Legitimate interests (or any basis but consent) for
/// a marketing purpose is refused; for another purpose it stands.
#[test]
fn legitimate_interests_is_no_basis_for_email_marketing() {
    let env = TestEnv::with_texts();
    env.ok(&["person", "add", "--ref", "P1", "--name", "Synthetic Reader", "--email=p1@example.org"]);
    let lia = env.path().join("lia.txt");
    std::fs::write(&lia, "Legitimate interests assessment (synthetic)\n").unwrap();
    env.ok(&[
        "assessment",
        "add",
        "--kind",
        "lia",
        "--ref",
        "LIA-9",
        "--version",
        "1",
        "--approver",
        "dpo",
        "--approved-on",
        "2026-01-01",
        "--file",
        lia.to_str().unwrap(),
    ]);
    let record = |purpose: &str| {
        env.run(&[
            "basis",
            "record",
            "--person",
            "P1",
            "--purpose",
            purpose,
            "--controllers",
            "brightwater-trust",
            "--decided-by",
            "dpo",
            "--at",
            "2026-02-01T10:00:00Z",
            "--basis",
            "legitimate_interests",
            "--assessment-ref",
            "LIA-9",
        ])
    };
    for marketing in ["newsletter", "successor_newsletter"] {
        let r = record(marketing);
        assert_eq!(r.code, 2, "{marketing}: {}", r.stdout);
        assert!(r.stderr.contains("PECR reg 22"), "{}", r.stderr);
    }
    let r = record("governance_contact");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // An LIA approved after the decision that cites it is refused.
    let late = env.path().join("late.txt");
    std::fs::write(&late, "A later LIA (synthetic)\n").unwrap();
    env.ok(&[
        "assessment",
        "add",
        "--kind",
        "lia",
        "--ref",
        "LIA-LATE",
        "--version",
        "1",
        "--approver",
        "dpo",
        "--approved-on",
        "2026-03-01",
        "--file",
        late.to_str().unwrap(),
    ]);
    let r = env.run(&[
        "basis",
        "record",
        "--person",
        "P1",
        "--purpose",
        "governance_contact",
        "--controllers",
        "brightwater-trust",
        "--decided-by",
        "dpo",
        "--at",
        "2026-02-01T10:00:00Z",
        "--basis",
        "legitimate_interests",
        "--assessment-ref",
        "LIA-LATE",
    ]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("after this decision"), "{}", r.stderr);
}

/// An opt-out outlives the record: a person who withdrew from the newsletter and is then
/// anonymised by `retention run` has their address's keyed hash kept on the suppression list, so
/// the same address added again cannot be given a marketing consent (it could before: the
/// anonymised record was forgotten with its opt-out).
#[test]
fn an_anonymised_opt_out_stays_on_the_suppression_list() {
    let env = TestEnv::with_texts();
    env.ok(&[
        "person",
        "add",
        "--ref",
        "O1",
        "--name",
        "Synthetic Optout",
        "--email=optout@example.org",
        "--joined-on",
        "2020-01-01",
    ]);
    let consent = |person: &str, verb: &str, at: &str| {
        let mut a = vec![
            "consent",
            verb,
            "--person",
            person,
            "--purpose",
            "newsletter",
            "--at",
            at,
            "--recorded-by",
            "fac",
            "--channels",
            "email",
        ];
        if verb == "record" {
            a.extend([
                "--controllers",
                "brightwater-trust",
                "--method",
                "online_checkbox",
                "--evidence-ref",
                "EV",
                "--statement-version",
                "NL-2017",
                "--notice-version",
                "PN-2017",
                "--told-can-withdraw",
                "yes",
            ]);
        }
        env.run(&a)
    };
    assert_eq!(consent("O1", "record", "2020-02-01T10:00:00Z").code, 0);
    assert_eq!(consent("O1", "withdraw", "2021-01-01T10:00:00Z").code, 0);
    let run = env.ok(&["retention", "run", "--json"]).json();
    assert!(run["data"]["counts"]["inactive_people"].as_u64().unwrap() >= 1, "{run}");
    env.ok(&["person", "add", "--ref", "O2", "--name", "Synthetic Again", "--email=optout@example.org"]);
    let r = consent("O2", "record", "2026-11-20T10:00:00Z");
    assert_eq!(r.code, 2, "the opt-out was forgotten: {}", r.stdout);
    assert!(r.stderr.contains("suppression list (opted_out)"), "{}", r.stderr);
}

/// An incident can be updated as its handling goes on: the decision about the ICO (which alone
/// closes the 72-hour task; `tasks done` on it is refused), when it was reported, and closing it
/// (only once decided). Once it was fixed at whatever `incident record` said.
#[test]
fn an_incident_is_updated_and_its_72_hour_task_closes_only_with_a_decision() {
    let env = TestEnv::with_texts();
    let r = env.ok(&[
        "incident",
        "record",
        "--what",
        "a list sent to the wrong group",
        "--discovered",
        "2026-11-24T09:00:00Z",
        "--data",
        "contact",
        "--people",
        "12",
        "--ico",
        "undecided",
        "--json",
    ]);
    let id = r.json()["data"]["id"].as_str().unwrap().to_string();
    let tasks = env.ok(&["tasks", "list", "--json"]).json();
    let task = tasks["data"].as_array().unwrap().iter().find(|t| t["kind"] == "breach_report").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env.run(&["tasks", "done", &task]);
    assert_eq!(r.code, 2, "the task closes with the decision, not by hand: {}", r.stdout);
    assert!(r.stderr.contains("incident update"), "{}", r.stderr);
    let r = env.run(&["incident", "update", &id, "--close"]);
    assert_eq!(r.code, 2, "closing before deciding: {}", r.stdout);
    let r = env.run(&["incident", "update", &id, "--ico", "reported"]);
    assert_eq!(r.code, 2, "reported needs when: {}", r.stdout);
    let u = env
        .ok(&[
            "incident",
            "update",
            &id,
            "--ico",
            "reported",
            "--reported-at",
            "2026-11-25T10:00:00Z",
            "--reason",
            "ICO ref IC-0001",
            "--json",
        ])
        .json();
    assert_eq!(u["data"]["ico"], "reported");
    assert_eq!(u["data"]["reported_in_time"], true);
    let open = env.ok(&["tasks", "list", "--json"]).json();
    assert!(open["data"].as_array().unwrap().iter().all(|t| t["kind"] != "breach_report"), "{open}");
    let closed = env.ok(&["incident", "update", &id, "--people-told", "yes", "--close", "--json"]).json();
    assert!(closed["data"]["closed_at"].is_string());
    assert_eq!(env.run(&["incident", "update", &id, "--notes", "more"]).code, 2, "a closed incident stays closed");
    env.ok(&["audit", "verify"]);
}

/// A consent names only the controllers its statement's wording names. A register from before
/// statements recorded them holds such consents back for review until `statement controllers`
/// records them, once; then a grant counts only for the controllers the wording names.
#[test]
fn a_consent_counts_only_for_the_controllers_its_statement_names() {
    let env = TestEnv::with_fixtures();
    let explain = |r: &str| {
        env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", r, "--json"]).json()["data"].clone()
    };
    // M0001 goes on a DS-2025 consent naming both controllers.
    let before = explain("M0001");
    assert_eq!(before["register"]["reason"], "consent_names_receiver", "{before}");
    // As a register migrated from before: DS-2025's controllers were never recorded.
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    conn.execute("UPDATE statements SET controllers = NULL WHERE version = 'DS-2025'", []).unwrap();
    drop(conn);
    let held = explain("M0001");
    assert_eq!(held["register"]["reason"], "statement_unrecorded", "{held}");
    assert_eq!(held["register"]["included"], false);
    let listed = env.ok(&["statement", "list"]).stdout;
    assert!(listed.contains("disclose_to_successor (controllers not recorded)"), "{listed}");
    // Recorded as naming the charity alone: the grant no longer names the receiver.
    let unknown = env.run(&["statement", "controllers", "DS-2025", "--set", "nobody"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    env.ok(&["statement", "controllers", "DS-2025", "--set", "brightwater-trust"]);
    let after = explain("M0001");
    assert_ne!(after["register"]["reason"], "consent_names_receiver", "{after}");
    assert_ne!(after["register"]["reason"], "statement_unrecorded", "{after}");
    // What a statement named is evidence: recorded once.
    let again = env.run(&["statement", "controllers", "DS-2025", "--set", "brightwater-trust,kscop-steering-group"]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("already names brightwater-trust"), "{}", again.stderr);
    let log = env.ok(&["audit", "log", "--json"]).stdout;
    assert!(log.contains("statement.controllers"));
}

/// Capacity is a structured field of a consent, checked on both routes; the data protection
/// lead resolves what the plan holds back for review with `review record`, and a review covers
/// only what it saw.
#[test]
#[allow(clippy::too_many_lines, reason = "one register, every kind of review in turn")]
fn reviews_resolve_what_the_plan_holds_back_and_capacity_is_a_field() {
    let env = TestEnv::with_fixtures();
    env.ok(&["keys", "new", "--out", "k", "--name", "dpl", "--unprotected"]);
    env.ok(&["approver", "add", "k/dpl-minisign.pub", "--name", "dp-lead", "--sign-key", "k/dpl-minisign.key"]);
    let plan = || env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json()["data"].clone();
    let reason = |r: &str| {
        env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", r, "--json"]).json()["data"]
            ["register"]["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let consent = |r: &str, purpose: &str, statement: &str, at: &str, extra: &[&str]| {
        let mut a = vec![
            "consent",
            "record",
            "--person",
            r,
            "--purpose",
            purpose,
            "--controllers",
            if purpose == "disclose_to_successor" {
                "brightwater-trust;kscop-steering-group"
            } else {
                "brightwater-trust"
            },
            "--channels",
            "email",
            "--at",
            at,
            "--recorded-by",
            "fac",
            "--method",
            "paper_signed",
            "--evidence-ref",
            "EV-CAP",
            "--statement-version",
            statement,
            "--notice-version",
            "PN-2025",
            "--told-can-withdraw",
            "yes",
        ];
        a.extend(extra);
        env.ok(&a);
    };
    // A note that mentions capacity is only a note now.
    consent(
        "M0001",
        "disclose_to_successor",
        "DS-2025",
        "2026-11-20T10:00:00Z",
        &["--support-given", "capacity discussed; fine"],
    );
    assert_eq!(reason("M0001"), "consent_names_receiver");
    // The field is what counts.
    consent(
        "M0001",
        "disclose_to_successor",
        "DS-2025",
        "2026-11-21T10:00:00Z",
        &["--capacity-concern", "yes", "--capacity-assessment", "CA-12"],
    );
    assert_eq!(reason("M0001"), "capacity_query");
    let half = env.run(&[
        "consent",
        "record",
        "--person",
        "M0001",
        "--purpose",
        "newsletter",
        "--controllers",
        "brightwater-trust",
        "--channels",
        "email",
        "--at",
        "2026-11-21T10:00:00Z",
        "--recorded-by",
        "fac",
        "--capacity-assessment",
        "CA-13",
    ]);
    assert_eq!(half.code, 2);
    assert!(half.stderr.contains("--capacity-concern: say whether"), "{}", half.stderr);
    // The data protection lead reviews it, signed: the person goes.
    let r = env.ok(&[
        "review",
        "record",
        "--person",
        "M0001",
        "--reason",
        "capacity_query",
        "--decision",
        "go",
        "--by",
        "dp-lead",
        "--note",
        "CA-12 found capacity for this decision",
        "--sign-key",
        "k/dpl-minisign.key",
        "--json",
    ]);
    assert!(r.json()["data"]["signer_key_id"].is_string());
    assert_eq!(reason("M0001"), "consent_names_receiver");
    let p = plan();
    assert_eq!(p["reviews"][0]["reason"], "capacity_query", "{}", p["reviews"]);
    // A concern written in after the review but dated before it is not covered by it either:
    // a review covers only what it saw.
    let mut late = env.command(&[
        "consent",
        "record",
        "--person",
        "M0001",
        "--purpose",
        "newsletter",
        "--controllers",
        "brightwater-trust",
        "--channels",
        "email",
        "--at",
        "2026-11-19T10:00:00Z",
        "--recorded-by",
        "fac",
        "--method",
        "paper_signed",
        "--evidence-ref",
        "EV-LATE",
        "--statement-version",
        "NL-2021",
        "--notice-version",
        "PN-2025",
        "--told-can-withdraw",
        "yes",
        "--capacity-concern",
        "yes",
    ]);
    let late = late.env("HANDOVER_TEST_NOW", "2026-11-26T09:00:00Z").output().unwrap();
    assert!(late.status.success(), "{}", String::from_utf8_lossy(&late.stderr));
    assert_eq!(reason("M0001"), "capacity_query");
    // A concern noted after the review is not covered by it.
    // (The tests' clock stands at 2026-11-25T12:00:00Z; two minutes on is within the clock skew.)
    consent("M0001", "disclose_to_successor", "DS-2025", "2026-11-25T12:02:00Z", &["--capacity-concern", "yes"]);
    assert_eq!(reason("M0001"), "capacity_query");
    // The legitimate-interests route checks capacity too.
    let li = p["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["register"]["reason"] == "legitimate_interests_notified")
        .unwrap()["ref"]
        .as_str()
        .unwrap()
        .to_string();
    consent(&li, "newsletter", "NL-2021", "2026-11-21T10:00:00Z", &["--capacity-concern", "yes"]);
    assert_eq!(reason(&li), "capacity_query");
    // Jurisdiction: held for review; a go lets them go, a later hold holds them again.
    env.ok(&["person", "edit", "M0002", "--jurisdiction", "scotland"]);
    assert_eq!(reason("M0002"), "jurisdiction_review");
    let review = |d: &str, key: Option<&str>| {
        let mut a = vec!["review", "record", "--person", "M0002", "--reason", "jurisdiction_review", "--decision", d];
        a.extend(["--by", "dp-lead", "--note", "UK GDPR applies; Scots law on capacity checked"]);
        if let Some(k) = key {
            a.extend(["--sign-key", k]);
        }
        env.run(&a)
    };
    // Only an approver's signed review lets a person go: unsigned, or signed by another key, it
    // is refused and records nothing.
    let unsigned = review("go", None);
    assert_eq!(unsigned.code, 2, "{}", unsigned.stderr);
    assert!(unsigned.stderr.contains("signed by the data protection lead"), "{}", unsigned.stderr);
    env.ok(&["keys", "new", "--out", "k", "--name", "other", "--unprotected"]);
    let other = review("go", Some("k/other-minisign.key"));
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert!(other.stderr.contains("is not an approver's"), "{}", other.stderr);
    assert_eq!(reason("M0002"), "jurisdiction_review");
    assert_eq!(review("go", Some("k/dpl-minisign.key")).code, 0);
    assert_eq!(reason("M0002"), "consent_names_receiver");
    assert_eq!(review("hold", None).code, 0);
    assert_eq!(reason("M0002"), "jurisdiction_review");
    let listed = env.ok(&["review", "list", "--person", "M0002"]).stdout;
    assert_eq!(listed.lines().count(), 3, "{listed}");
    // A review by an approver who is later removed no longer lets anyone go.
    env.ok(&["keys", "new", "--out", "k", "--name", "dp2", "--unprotected"]);
    env.ok(&["approver", "add", "k/dp2-minisign.pub", "--name", "deputy", "--sign-key", "k/dpl-minisign.key"]);
    assert_eq!(review("go", Some("k/dp2-minisign.key")).code, 0);
    assert_eq!(reason("M0002"), "consent_names_receiver");
    let deputy = env.ok(&["approver", "list", "--json"]).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "deputy")
        .unwrap()["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    env.ok(&["approver", "remove", &deputy, "--sign-key", "k/dpl-minisign.key"]);
    assert_eq!(reason("M0002"), "jurisdiction_review");
    let removed = env.ok(&["review", "list", "--person", "M0002", "--json"]).json();
    assert_eq!(removed["data"][2]["approver_signed"], false, "{removed}");
    let report = env.ok(&["audit", "report", "--json"]).json();
    let rows = report["data"]["reviews"].as_array().unwrap();
    assert!(
        rows.iter().any(|x| x["reason"] == "jurisdiction_review" && x["go"] == 1 && x["signed"] == 0),
        "a removed approver's signature is not counted as signed: {rows:?}"
    );
    assert!(rows.iter().any(|x| x["reason"] == "capacity_query" && x["signed"] == 1), "{rows:?}");
    let log = env.ok(&["audit", "log", "--json"]).stdout;
    assert_eq!(log.matches("review.record").count(), 4);
}

/// An address a mail tool would drop (a register from before the rule, say) never reaches the
/// receiver's mailing list: the person is held back from it as having no usable email.
#[test]
fn an_address_a_mail_tool_would_drop_never_reaches_the_mailing_list() {
    let env = TestEnv::with_fixtures();
    let list = |r: &str| {
        env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", r, "--json"]).json()["data"]
            ["mailing_list"]["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(list("M0001"), "consent_names_receiver");
    let conn = rusqlite::Connection::open(env.register()).unwrap();
    conn.execute("UPDATE people SET email = 'm0001..old@example.org' WHERE ref = 'M0001'", []).unwrap();
    drop(conn);
    assert_eq!(list("M0001"), "no_email");
}

/// DPA 2018 s173: nothing is destroyed while someone is waiting for an answer. The wind-down
/// after a transfer (and the inactive-people rule) keeps anyone with an open rights request, an
/// open complaint, a current role or a legal hold, says why, and makes a task to revisit them; a
/// released hold lets the next run anonymise the person.
#[test]
fn the_wind_down_keeps_anyone_waiting_for_an_answer() {
    let env = TestEnv::new();
    env.ok(&["demo", "--out", "demo", "--quiet"]);
    let reg = env.path().join("demo/handover.db").display().to_string();
    let s = crate::bundle::on(&env, &reg);
    let bundle = s(&["transfer", "list", "--json"]).json()["data"][0]["id"].as_str().unwrap().to_string();
    let closed = s(&["transfer", "close", &bundle, "--delete-after", "2026-11-25"]);
    assert_eq!(closed.code, 0, "{}", closed.stderr);
    assert!(closed.stdout.contains("anyone waiting for an answer"), "it says who is kept: {}", closed.stdout);
    let dry = || s(&["retention", "run", "--dry-run", "--json"]).json();
    let before = dry();
    let going = before["data"]["transfers"][0]["people_anonymised"].as_u64().unwrap();
    // Four who went and would be anonymised, each now waiting for something.
    let listed = s(&["person", "list", "--json"]).json();
    let refs: Vec<String> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["roles"].as_array().is_none_or(Vec::is_empty))
        .map(|p| p["ref"].as_str().unwrap().to_string())
        .filter(|r| r.starts_with('M'))
        .collect();
    let mut waiting = Vec::new();
    for r in &refs {
        // Someone the dry run would anonymise: the wind-down count drops when they are held.
        let held = s(&["person", "hold", r, "--reason", "probe", "--json"]);
        assert_eq!(held.code, 0, "{}", held.stderr);
        let now_going = dry()["data"]["transfers"][0]["people_anonymised"].as_u64().unwrap();
        assert_eq!(s(&["person", "release", r, "--reason", "probe over"]).code, 0);
        if now_going < going {
            waiting.push(r.clone());
        }
        if waiting.len() == 4 {
            break;
        }
    }
    assert_eq!(waiting.len(), 4, "four people who went and would be anonymised");
    assert_eq!(
        s(&["request", "open", "--kind", "access", "--person", &waiting[0], "--received", "2026-11-20"]).code,
        0
    );
    assert_eq!(
        s(&[
            "complaint",
            "open",
            "--received",
            "2026-11-20",
            "--person",
            &waiting[1],
            "--summary",
            "about the handover"
        ])
        .code,
        0
    );
    assert_eq!(
        s(&["role", "assign", "--person", &waiting[2], "--role", "steering_member", "--from", "2026-01-01"]).code,
        0
    );
    assert_eq!(s(&["person", "hold", &waiting[3], "--reason", "a solicitor's letter about a claim"]).code, 0);
    let d = dry();
    assert_eq!(d["data"]["transfers"][0]["people_anonymised"].as_u64().unwrap(), going - 4, "{d}");
    let held = d["data"]["held"].as_array().unwrap().clone();
    let why = |r: &str| {
        held.iter().find(|h| h["ref"] == r).unwrap_or_else(|| panic!("{r} not listed as held: {d}"))["reasons"]
            .to_string()
    };
    assert!(why(&waiting[0]).contains("open rights request"));
    assert!(why(&waiting[1]).contains("open complaint"));
    assert!(why(&waiting[2]).contains("current role"));
    assert!(why(&waiting[3]).contains("legal hold"));
    let run = s(&["retention", "run", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for r in &waiting {
        assert!(!s(&["person", "show", r, "--json"]).json()["data"]["name"].is_null(), "{r} kept");
    }
    let tasks = s(&["tasks", "list", "--json"]).json();
    let revisit = tasks["data"].as_array().unwrap().iter().filter(|t| t["kind"] == "retention_hold").count();
    assert_eq!(revisit, 4, "{tasks}");
    // A hold released: the wind-down is still due for those it kept, and the next run
    // anonymises the person released.
    assert_eq!(s(&["person", "release", &waiting[3], "--reason", "the claim was settled"]).code, 0);
    let next = dry();
    assert_eq!(next["data"]["transfers"][0]["people_anonymised"], 1, "{next}");
    let again = s(&["person", "hold", &waiting[3], "--reason", " "]);
    assert_eq!(again.code, 2, "a hold needs a reason");
}

/// The breach log is append-only: an ICO report is final (never back to "not reported", its time
/// never changed), a report is never dated before the breach was discovered, and every update is
/// kept as an event with the old and new values (the audit log too).
#[test]
fn the_breach_log_keeps_every_change_and_a_report_is_final() {
    let env = TestEnv::with_fixtures();
    let base = INCIDENT;
    let mut before = base.to_vec();
    before.extend(["--ico", "reported", "--reported-at", "2026-11-23T09:00:00Z"]);
    let r = env.run(&before);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("before the breach was discovered"), "{}", r.stderr);
    let mut undecided = base.to_vec();
    undecided.extend(["--ico", "undecided", "--json"]);
    let id = env.ok(&undecided).json()["data"]["id"].as_str().unwrap().to_string();
    let early = env.run(&["incident", "update", &id, "--ico", "reported", "--reported-at", "2026-11-24T08:00:00Z"]);
    assert_eq!(early.code, 2, "{}", early.stderr);
    assert!(early.stderr.contains("before the breach was discovered"), "{}", early.stderr);
    env.ok(&["incident", "update", &id, "--ico", "reported", "--reported-at", "2026-11-24T15:00:00Z"]);
    let back = env.run(&["incident", "update", &id, "--ico", "not_reported", "--reason", "changed our mind"]);
    assert_eq!(back.code, 2, "{}", back.stderr);
    assert!(back.stderr.contains("a report to the ICO is final"), "{}", back.stderr);
    let moved = env.run(&["incident", "update", &id, "--reported-at", "2026-11-24T10:00:00Z"]);
    assert_eq!(moved.code, 2, "{}", moved.stderr);
    env.ok(&["incident", "update", &id, "--people-told", "yes", "--notes", "all 40 written to"]);
    let list = env.ok(&["incident", "list", "--json"]).json();
    let inc = list["data"].as_array().unwrap().iter().find(|i| i["id"] == id.as_str()).unwrap().clone();
    assert_eq!(inc["ico"], "reported");
    assert_eq!(inc["ico_reported_at"], "2026-11-24T15:00:00Z");
    let events = inc["events"].as_array().unwrap();
    let changed: Vec<(&str, &str)> =
        events.iter().map(|e| (e["field"].as_str().unwrap(), e["new"].as_str().unwrap_or(""))).collect();
    assert!(
        changed.contains(&("ico", "reported")) && changed.contains(&("ico_reported_at", "2026-11-24T15:00:00Z")),
        "{inc}"
    );
    assert!(changed.contains(&("people_told", "yes")), "{inc}");
    let ico = events.iter().find(|e| e["field"] == "ico").unwrap();
    assert_eq!(ico["old"], "undecided", "{ico}");
    let log = env.ok(&["audit", "log", "--json"]).json();
    let updates: Vec<String> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "incident.update")
        .map(std::string::ToString::to_string)
        .collect();
    let decided = |u: &&String| u.contains("\"old\":\"undecided\"") && u.contains("\"new\":\"reported\"");
    assert!(updates.iter().any(|u| decided(&u)), "{updates:?}");
}

/// Once a transfer is complete: a task prompts its wind-down (closed by `transfer close`), and the
/// report stops asking to renew consents to the disclosure already made.
#[test]
fn a_completed_transfer_prompts_the_wind_down_and_no_renewals_for_it() {
    let env = TestEnv::new();
    env.ok(&["demo", "--out", "demo", "--quiet"]);
    let reg = env.path().join("demo/handover.db").display().to_string();
    let s = crate::bundle::on(&env, &reg);
    // A consent to the disclosure that would lapse within 90 days.
    let r = s(&[
        "consent",
        "record",
        "--person",
        "M0007",
        "--purpose",
        "disclose_to_successor",
        "--controllers",
        "brightwater-trust",
        "--controllers",
        "kscop-steering-group",
        "--at",
        "2025-01-10T10:00:00Z",
        "--recorded-by",
        "fac",
        "--method",
        "paper_signed",
        "--evidence-ref",
        "form 7",
    ]
    .into_iter()
    .chain(crate::util::TOLD_DS_2025)
    .collect::<Vec<_>>());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = s(&["audit", "report", "--json"]).json();
    let renew: Vec<&str> = report["data"]["refresh_due_90_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["purpose"].as_str().unwrap())
        .collect();
    assert!(!renew.contains(&"disclose_to_successor"), "the disclosure is made: {renew:?}");
    let tasks = || s(&["tasks", "list", "--json"]).json()["data"].as_array().unwrap().clone();
    let close = tasks().into_iter().find(|t| t["kind"] == "transfer_close").expect("a wind-down prompt");
    let bundle = close["subject"].as_str().unwrap().to_string();
    assert_eq!(s(&["transfer", "close", &bundle, "--delete-after", "2027-04-01"]).code, 0);
    assert!(!tasks().iter().any(|t| t["kind"] == "transfer_close"), "closed by transfer close");
}

/// A data sharing agreement or DPIA clears its blocker only when it is a document with something
/// in it: an empty file is refused, and one registered empty before (by an older version) does not
/// count.
#[test]
fn an_empty_assessment_clears_no_blocker() {
    let env = TestEnv::with_fixtures();
    let codes = || -> Vec<String> {
        env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json()["data"]["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["code"].as_str().unwrap().to_string())
            .collect()
    };
    env.ok(&["controller", "edit", "kscop-steering-group", "--dsa-ref", "DSA-2026-01"]);
    assert!(!codes().contains(&"no_data_sharing_agreement".to_string()), "{:?}", codes());
    let empty = env.write("empty-dsa.txt", " \n");
    let r = env.run(&[
        "assessment",
        "add",
        "--kind",
        "dsa",
        "--ref",
        "DSA-EMPTY",
        "--version",
        "1",
        "--approver",
        "dp",
        "--file",
        &empty,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is empty"), "{}", r.stderr);
    // One that an older version let in is not evidence of an agreement.
    let conn = rusqlite::Connection::open(env.path().join("handover.db")).unwrap();
    conn.execute(
        "INSERT INTO assessments(ref, version, kind, approver, file_name, sha256, approved_on, created_at) VALUES ('DSA-EMPTY', '1', 'dsa', 'dp', 'empty.txt', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', '2026-01-01', '2026-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
    drop(conn);
    env.ok(&["controller", "edit", "kscop-steering-group", "--dsa-ref", "DSA-EMPTY"]);
    assert!(codes().contains(&"no_data_sharing_agreement".to_string()), "{:?}", codes());
}
