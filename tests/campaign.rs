//! Asking and telling people: the campaign gate, and `consent request-list`, which uses it.

use crate::util::TestEnv;

/// The demo's register, run on by `h(&[...])`.
fn demo() -> (TestEnv, String) {
    let env = TestEnv::new();
    env.ok(&["demo", "--out", "demo", "--quiet"]);
    let reg = env.path().join("demo/handover.db").display().to_string();
    (env, reg)
}

/// Record `basis ACTION` (object, restrict) for a person and purpose, before the tests' today.
fn basis(env: &TestEnv, reg: &str, action: &str, person: &str, purpose: &str) {
    let at = "2026-11-20T10:00:00Z";
    env.ok(&[
        "--register",
        reg,
        "basis",
        action,
        "--person",
        person,
        "--purpose",
        purpose,
        "--decided-by",
        "dp",
        "--at",
        at,
    ]);
}

fn refs_in(csv: &str) -> Vec<String> {
    csv.lines().skip(1).filter_map(|l| l.split(',').next()).map(str::to_string).collect()
}

/// PECR reg 22 and Art 21: an objection or a restriction takes a person off the list of people who
/// may be emailed to ask, as the plan holds them back.
#[test]
fn request_list_leaves_out_who_objected_or_is_restricted() {
    let (env, reg) = demo();
    let h = |a: &[&str]| {
        let mut args = vec!["--register", reg.as_str()];
        args.extend(a);
        env.ok(&args)
    };
    let list = || refs_in(&h(&["consent", "request-list", "--to", "kscop-steering-group"]).stdout);
    let before = list();
    assert!(before.contains(&"M0022".to_string()) && before.contains(&"M0040".to_string()), "{before:?}");
    basis(&env, &reg, "object", "M0022", "disclose_to_successor");
    basis(&env, &reg, "restrict", "M0040", "newsletter");
    let after = list();
    assert!(!after.contains(&"M0022".to_string()), "objected: {after:?}");
    assert!(!after.contains(&"M0040".to_string()), "restricted: {after:?}");
    assert_eq!(after.len(), before.len() - 2, "nobody else changes");
    let plan = h(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let m22 = plan["data"]["people"].as_array().unwrap().iter().find(|p| p["ref"] == "M0022").unwrap().clone();
    assert_eq!(m22["register"]["reason"], "objected", "{m22}");
}

/// `campaign new` refuses what would ask people unlawfully or unfairly, each with its reason, and
/// records nothing; `campaign plan` then gives everyone one channel and one reason.
#[test]
fn a_campaign_asks_only_with_statements_fit_for_it() {
    let (env, reg) = demo();
    let run = |a: &[&str]| {
        let mut args = vec!["--register", reg.as_str(), "campaign", "new", "join"];
        args.extend(a);
        env.run(&args)
    };
    let to = ["--kind", "consent", "--to", "kscop-steering-group", "--closes"];
    let refused = |extra: &[&str], why: &str| {
        let mut a = to.to_vec();
        a.extend(extra);
        let r = run(&a);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(r.stderr.contains(why), "{extra:?}: {}", r.stderr);
    };
    refused(&["2026-12-10", "--ask", "disclose_to_successor=DS-2025"], "at least 28 days");
    refused(&["2027-01-10", "--ask", "successor_newsletter=SN-2025"], "has no easy_read text");
    refused(&["2027-01-10", "--ask", "disclose_to_successor=NL-2021"], "is for newsletter, not disclose_to_successor");
    refused(&["2027-01-10", "--ask", "newsletter=NL-2021"], "needs exactly kscop-steering-group");
    refused(&["2027-01-10", "--ask", "nonsense=DS-2025"], "not a purpose");
    refused(&["2027-01-10", "--ask", "disclose_to_successor=DS-2025", "--form-url", "http://x"], "https://");
    let list = env.ok(&["--register", &reg, "campaign", "list", "--json"]).json();
    assert_eq!(list["data"].as_array().unwrap().len(), 0, "nothing was recorded");

    let mut a = to.to_vec();
    a.extend(["2027-01-10", "--ask", "disclose_to_successor=DS-2025"]);
    assert_eq!(run(&a).code, 0);
    let again = run(&a);
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    basis(&env, &reg, "object", "M0022", "disclose_to_successor");
    let plan = env.ok(&["--register", &reg, "campaign", "plan", "join", "--json"]).json();
    let people = plan["data"]["people"].as_array().unwrap();
    let row = |r: &str| people.iter().find(|p| p["ref"] == r).unwrap().clone();
    assert_eq!(row("M0022")["channel"], "not_asked");
    assert_eq!(row("M0022")["reason"], "objected");
    // The email channel is exactly the people the request list names, for the same asks' gate.
    for p in people {
        let reason = p["reason"].as_str().unwrap();
        match p["channel"].as_str().unwrap() {
            "email" => assert_eq!(reason, "email_marketing_consent"),
            "post" => assert!(reason.starts_with("no_email") || reason.starts_with("email_"), "{p}"),
            _ => assert!(p["asks"].as_array().unwrap().is_empty(), "{p}"),
        }
    }
    let counts = &plan["data"]["counts"];
    let total: u64 = ["email", "post", "not_asked"].iter().map(|c| counts[c].as_u64().unwrap_or(0)).sum();
    assert_eq!(total as usize, people.len());
    // Writes nothing: the audit log has the same length after.
    let log = || env.ok(&["--register", &reg, "audit", "log", "--json"]).json()["data"].as_array().unwrap().len();
    let before = log();
    env.ok(&["--register", &reg, "campaign", "plan", "join"]);
    assert_eq!(log(), before);
}
