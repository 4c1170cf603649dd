//! Asking and telling people: the campaign gate, and `consent request-list`, which uses it.

use crate::util::TestEnv;

/// The demo's register, run on by `h(&[...])`.
fn demo() -> (TestEnv, String) {
    let env = TestEnv::new();
    env.ok(&["demo", "--out", "demo", "--quiet"]);
    let reg = env.path().join("demo/handover.db").display().to_string();
    (env, reg)
}

/// `campaign new ID` telling the demo's group's pre-disclosure notice (PD-2026), closing
/// 2027-01-10, with `extra` flags.
pub(crate) fn tell_campaign(id: &str, extra: &[&str]) -> Vec<String> {
    let mut a = vec!["campaign", "new", id, "--kind", "notice", "--to", "kscop-steering-group"];
    a.extend(["--notice", "PD-2026", "--closes", "2027-01-10"]);
    a.extend(extra);
    a.into_iter().map(str::to_string).collect()
}

/// The demo's register with the campaign "join" (see [`join_campaign`]) started.
fn joined() -> (TestEnv, String) {
    let (env, reg) = demo();
    let mut args = vec!["--register".to_string(), reg.clone()];
    args.extend(join_campaign("join", &[]));
    env.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
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

/// `campaign new ID` asking about the disclosure to the demo's group (DS-2025), closing
/// 2027-01-10, with `extra` flags.
pub(crate) fn join_campaign(id: &str, extra: &[&str]) -> Vec<String> {
    let mut a = vec!["campaign", "new", id, "--kind", "consent", "--to", "kscop-steering-group"];
    a.extend(["--ask", "disclose_to_successor=DS-2025", "--closes", "2027-01-10"]);
    a.extend(extra);
    a.into_iter().map(str::to_string).collect()
}

/// The references `campaign plan --json` puts on `channel`.
pub(crate) fn on_channel(plan: &serde_json::Value, channel: &str) -> Vec<String> {
    plan["data"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["channel"] == channel)
        .map(|p| p["ref"].as_str().unwrap().to_string())
        .collect()
}

/// The SHA-256 of `bytes`, hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
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
    let campaigns =
        || env.ok(&["--register", &reg, "campaign", "list", "--json"]).json()["data"].as_array().unwrap().len();
    let before = campaigns();
    refused(&["2026-12-10", "--ask", "disclose_to_successor=DS-2025"], "at least 28 days");
    refused(&["2027-01-10", "--ask", "successor_newsletter=SN-2025"], "has no easy_read text");
    refused(&["2027-01-10", "--ask", "disclose_to_successor=NL-2021"], "is for newsletter, not disclose_to_successor");
    refused(&["2027-01-10", "--ask", "newsletter=NL-2021"], "needs exactly kscop-steering-group");
    refused(&["2027-01-10", "--ask", "nonsense=DS-2025"], "not a purpose");
    refused(&["2027-01-10", "--ask", "disclose_to_successor=DS-2025", "--form-url", "http://x"], "https://");
    assert_eq!(campaigns(), before, "nothing was recorded");

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

/// The email channel's rows carry each person's code and form link; an answer given with a code
/// becomes a consent grant or refusal naming the campaign (with the statement and notice people
/// were shown), moves the person in the campaign's plan and the transfer plan, and a mistyped or
/// unknown code, a late or future answer, or a use the campaign does not ask about is refused.
#[test]
fn answers_by_code_are_consent_evidence_and_change_the_plan() {
    let (env, reg) = demo();
    let h = |a: &[&str]| {
        let mut args = vec!["--register", reg.as_str()];
        args.extend(a);
        env.run(&args)
    };
    let ok = |a: &[&str]| {
        let r = h(a);
        assert_eq!(r.code, 0, "{a:?}: {}", r.stderr);
        r
    };
    let new = join_campaign("join", &["--form-url", "https://forms.example.org/j?x=1"]);
    ok(&new.iter().map(String::as_str).collect::<Vec<_>>());
    ok(&["campaign", "mail-merge", "join", "--format", "mailchimp", "--out", "mm.csv"]);
    let mm = std::fs::read_to_string(env.path().join("mm.csv")).unwrap();
    let again = h(&["campaign", "mail-merge", "join", "--format", "mailchimp", "--out", "mm.csv"]);
    assert!(again.stderr.contains("exists already"), "never overwritten: {}", again.stderr);
    let mut lines = mm.lines();
    assert_eq!(lines.next(), Some("Email Address,First Name,Last Name,CODE,FORMURL"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let plan = ok(&["campaign", "plan", "join", "--json"]).json();
    let email_refs: Vec<&serde_json::Value> =
        plan["data"]["people"].as_array().unwrap().iter().filter(|p| p["channel"] == "email").collect();
    assert_eq!(rows.len(), email_refs.len(), "one row per person on the email channel");
    for r in &rows {
        assert!(r[3].len() == 14 && r[4].ends_with(&format!("&code={}", r[3])), "{r:?}");
    }
    // Each person on it now has their code in the plan.
    assert!(email_refs.iter().all(|p| p["code"].as_str().is_some_and(|c| c.len() == 14)));
    let (yes_code, no_code) = (rows[0][3], rows[1][3]);
    let reply = |code: &str, answer: &str, at: &str| {
        h(&[
            "campaign",
            "reply",
            "join",
            "--code",
            code,
            "--answer",
            answer,
            "--method",
            "paper_signed",
            "--at",
            at,
            "--recorded-by",
            "fac",
        ])
    };
    let refused = |r: crate::util::Run, why: &str| {
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(why), "{why}: {}", r.stderr);
    };
    let typo: String =
        yes_code.chars().enumerate().map(|(i, c)| if i == 0 { if c == 'A' { 'B' } else { 'A' } } else { c }).collect();
    refused(reply(&typo, "disclose_to_successor=yes", "2026-11-24"), "check character");
    refused(reply("0000-0000-0000", "disclose_to_successor=yes", "2026-11-24"), "carries 0000-0000-0000");
    refused(reply(yes_code, "successor_newsletter=yes", "2026-11-24"), "does not ask about");
    refused(reply(yes_code, "disclose_to_successor=maybe", "2026-11-24"), "yes or no");
    refused(reply(yes_code, "disclose_to_successor=yes", "2026-12-24"), "in the future");
    let status = || ok(&["campaign", "status", "join", "--json"]).json()["data"]["uses"][0].clone();
    assert_eq!(status()["no_answer"], rows.len());
    assert_eq!(reply(&yes_code.to_lowercase().replace('-', " "), "disclose_to_successor=yes", "2026-11-24").code, 0);
    assert_eq!(reply(no_code, "disclose_to_successor=no", "2026-11-24").code, 0);
    let s = status();
    assert_eq!((s["yes"].as_u64(), s["no"].as_u64()), (Some(1), Some(1)), "{s}");
    let refs: Vec<String> = rows[..2]
        .iter()
        .map(|r| {
            let row = plan["data"]["people"].as_array().unwrap().iter().find(|p| p["code"] == r[3]).unwrap();
            row["ref"].as_str().unwrap().to_string()
        })
        .collect();
    // The evidence: the statement and notice shown, the method, the campaign and code.
    let history = ok(&["consent", "history", &refs[0], "--json"]).json();
    let event = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["purpose"] == "disclose_to_successor"
                && e["evidence_ref"].as_str().is_some_and(|r| r.starts_with("campaign join"))
        })
        .unwrap_or_else(|| panic!("{history}"))
        .clone();
    assert_eq!(event["statement_version"], "DS-2025");
    assert_eq!(event["statement_format"], "standard");
    assert_eq!(event["notice_version"], "PN-2025");
    assert_eq!(event["method"], "paper_signed");
    let after = ok(&["campaign", "plan", "join", "--json"]).json();
    let reason =
        |r: &str| after["data"]["people"].as_array().unwrap().iter().find(|p| p["ref"] == r).unwrap()["reason"].clone();
    assert_eq!(reason(&refs[0]), "already_consented");
    assert_eq!(reason(&refs[1]), "already_answered");
    let transfer = ok(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let person =
        |r: &str| transfer["data"]["people"].as_array().unwrap().iter().find(|p| p["ref"] == r).unwrap().clone();
    assert_eq!(person(&refs[0])["register"]["reason"], "consent_names_receiver");
    assert_eq!(person(&refs[1])["register"]["reason"], "consent_refused");
    ok(&["campaign", "close", "join"]);
    refused(reply(rows[2][3], "disclose_to_successor=yes", "2026-11-24"), "is closed");
}

/// A person's communication needs (standard, easy_read, large_print) are kept, read from
/// people.csv when the column is there (a file without it imports as before), and checked.
#[test]
fn communication_needs_are_recorded_and_checked() {
    let env = TestEnv::with_texts();
    let csv = "ref,name,email,phone,organisation,stakeholder_group,hub,jurisdiction,adult_confirmed,source,joined_on,notes,communication_needs\n\
               Z0001,Synthetic One,one@example.org,,,member,North,england_wales,yes,form,2024-01-01,,easy_read\n\
               Z0002,Synthetic Two,two@example.org,,,member,North,england_wales,yes,form,2024-01-01,,\n";
    let file = env.write("people.csv", csv);
    env.ok(&["person", "import", &file]);
    let show = |r: &str| env.ok(&["person", "show", r, "--json"]).json()["data"]["communication_needs"].clone();
    assert_eq!(show("Z0001"), "easy_read");
    assert_eq!(show("Z0002"), serde_json::Value::Null);
    env.ok(&["person", "edit", "Z0002", "--communication-needs", "large_print"]);
    assert_eq!(show("Z0002"), "large_print");
    let bad = env.run(&["person", "edit", "Z0002", "--communication-needs", "braille"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("unknown need; use standard, easy_read, large_print"), "{}", bad.stderr);
    assert_eq!(show("Z0002"), "large_print", "nothing changed");
}

/// `campaign letters` writes the post channel's letters in each person's format with their code
/// (issued then), lists who gets which and how, refuses a wrong address file or a folder that has
/// letters already (writing nothing), and an answer on an easy-read slip is evidence of the
/// easy-read statement.
#[test]
fn letters_go_in_each_persons_format_and_their_answers_say_so() {
    let (env, reg) = joined();
    let h = crate::bundle::on(&env, &reg);
    let post = on_channel(&h(&["campaign", "plan", "join", "--json"]).json(), "post");
    assert_eq!(h(&["person", "edit", &post[0], "--communication-needs", "easy_read"]).code, 0);
    let wrong = env.write("wrong.csv", "ref,address\nZ9999,1 Nowhere\n");
    let r = h(&["campaign", "letters", "join", "--out", "l1", "--addresses", &wrong]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("row 2: no person Z9999"), "{}", r.stderr);
    assert!(!env.path().join("l1").join("letters.csv").exists());
    let addresses = env.write("addresses.csv", &format!("ref,address\n{},\"1 Example Street\nAB1 2CD\"\n", post[0]));
    let r = h(&["campaign", "letters", "join", "--out", "l1", "--addresses", &addresses, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = std::fs::read_to_string(env.path().join("l1/letters.csv")).unwrap();
    let first = list.lines().find(|l| l.starts_with(&format!("{},", post[0]))).unwrap().to_string();
    let cells: Vec<&str> = first.split(',').collect();
    assert_eq!((cells[2], cells[3]), ("easy_read", "post"), "{first}");
    let easy = std::fs::read_to_string(env.path().join("l1/letters-easy-read.html")).unwrap();
    assert!(easy.contains("1 Example Street<br>AB1 2CD") && easy.contains(cells[1]), "the address, and the code");
    let lines: Vec<&str> = list.lines().skip(1).collect();
    assert_eq!(lines.len(), post.len(), "everyone on the post channel is listed");
    assert!(lines.iter().any(|l| l.ends_with(",hub")) && lines.iter().any(|l| l.ends_with(",no_contact_route")));
    // Nothing is written over: the same folder again is refused.
    let again = h(&["campaign", "letters", "join", "--out", "l1"]);
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    // The person's slip, typed in: the consent event says the easy-read statement was shown.
    let slip = |code: &str, extra: &[&str]| {
        let mut a = vec!["campaign", "reply", "join", "--code", code, "--answer", "disclose_to_successor=yes"];
        a.extend(["--method", "paper_signed", "--at", "2026-11-24", "--recorded-by", "fac"]);
        a.extend(extra);
        h(&a)
    };
    let r = slip(cells[1], &["--support-given", "read with a support worker"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let history = h(&["consent", "history", &post[0], "--json"]).json();
    let event = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["evidence_ref"].as_str().is_some_and(|r| r.starts_with("campaign join")))
        .unwrap()
        .clone();
    assert_eq!(event["statement_format"], "easy_read", "{event}");
    assert_eq!(event["support_given"], "read with a support worker");
    // The letter they answered is named by its digest: the one printed, byte for byte.
    let section = easy.split("<section class=\"letter\">").find(|s| s.contains(cells[1])).unwrap();
    let letter = format!("<section class=\"letter\">{}", section.split("</section>").next().unwrap()) + "</section>\n";
    let sha = sha256_hex(letter.as_bytes());
    assert!(event["evidence_ref"].as_str().unwrap().contains(&format!("letter sha256 {}", &sha[..16])), "{event}");
    // A revoked code is refused.
    let other =
        lines.iter().find(|l| (l.ends_with(",hub") || l.ends_with(",post")) && !l.starts_with(&post[0])).unwrap();
    let other_code = other.split(',').nth(1).unwrap();
    assert_eq!(h(&["campaign", "revoke", "join", "--code", other_code, "--reason", "letter lost"]).code, 0);
    let r = slip(other_code, &[]);
    assert!(r.stderr.contains("was revoked"), "{}", r.stderr);
}

/// Letters need someone to contact (to ask, or to change one's mind): without the campaign's
/// contact or the controller's, none are written.
#[test]
fn letters_without_a_contact_are_refused() {
    let env = TestEnv::with_fixtures();
    let new = join_campaign("join", &[]);
    env.ok(&new.iter().map(String::as_str).collect::<Vec<_>>());
    let r = env.run(&["campaign", "letters", "join", "--out", "letters"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("the letters need a contact"), "{}", r.stderr);
    assert!(!env.path().join("letters").exists(), "nothing was written");
}

/// The answers from a form tool's export, all or nothing: a yes or no is consent evidence, a
/// blank no answer, both boxes spoiled, a signed-for answer for review; "stop sending me letters"
/// records an objection and a suppression; a mistyped or unknown code refuses the whole file.
#[test]
fn form_exports_import_all_or_nothing() {
    let (env, reg) = joined();
    let h = crate::bundle::on(&env, &reg);
    let titles = h(&["campaign", "form", "join", "--out", "form.html", "--json"]).json()["data"]["titles"].clone();
    let titles: Vec<String> = titles.as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    assert_eq!(titles[0], "Your code");
    assert!(titles[1].starts_with("Q1 disclose_to_successor May "), "{titles:?}");
    assert!(std::fs::read_to_string(env.path().join("form.html")).unwrap().contains("Your email"));
    assert_eq!(h(&["campaign", "mail-merge", "join", "--format", "mailpoet", "--out", "mm.csv"]).code, 0);
    let mm = std::fs::read_to_string(env.path().join("mm.csv")).unwrap();
    let codes: Vec<String> = mm.lines().skip(1).map(|l| l.split(',').nth(3).unwrap().to_string()).collect();
    let plan = h(&["campaign", "plan", "join", "--json"]).json();
    let ref_of = |code: &str| {
        plan["data"]["people"].as_array().unwrap().iter().find(|p| p["code"] == code).unwrap()["ref"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Google Forms: the header is the titles, with Timestamp first.
    let header = format!("Timestamp,{},\"{}\",{},{},{}", titles[0], titles[1], titles[2], titles[3], titles[4]);
    let rows = [
        format!("2026/11/20 10:15:32 am GMT,{},Yes,,,", codes[0]),
        format!("2026/11/20 11:15:32 am GMT,{},No,,,Yes", codes[1]),
        format!("2026/11/20 12:15:32 pm GMT,{},Yes,,her son,", codes[2]),
        format!("2026/11/20 1:15:32 pm GMT,{},\"Yes, No\",,,", codes[3]),
        format!("2026/11/20 2:15:32 pm GMT,{},,my sister,,", codes[4]),
    ];
    // A mistyped code and an unknown one: the whole file is refused, naming each line.
    let typo: String = codes[5].chars().rev().collect();
    let bad = env.write(
        "bad.csv",
        &format!(
            "{header}\n{}\n2026/11/20 3:00:00 pm GMT,{typo},Yes,,,\n2026/11/20 3:00:00 pm GMT,0000-0000-0000,Yes,,,\n",
            rows[0]
        ),
    );
    let r = h(&["campaign", "import", "join", &bad, "--from", "google-forms"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("bad.csv:3") && r.stderr.contains("bad.csv:4"), "{}", r.stderr);
    let status = || h(&["campaign", "status", "join", "--json"]).json()["data"]["uses"][0].clone();
    assert_eq!(status()["yes"], 0, "nothing of a refused file is kept");
    let good = env.write("responses.csv", &format!("{header}\n{}\n", rows.join("\n")));
    let r = h(&["campaign", "import", "join", &good, "--from", "google-forms", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counts = &r.json()["data"]["counts"];
    assert_eq!((counts["yes"].as_i64(), counts["no"].as_i64()), (Some(1), Some(1)), "{counts}");
    assert_eq!((counts["review"].as_i64(), counts["spoiled"].as_i64()), (Some(1), Some(1)), "{counts}");
    assert_eq!((counts["no answer"].as_i64(), counts["stop letters"].as_i64()), (Some(1), Some(1)), "{counts}");
    let s = status();
    assert_eq!(
        (s["yes"].as_u64(), s["no"].as_u64(), s["spoiled"].as_u64(), s["review"].as_u64()),
        (Some(1), Some(1), Some(1), Some(1))
    );
    // The yes is evidence: the time with its zone, the file's digest and row, the code.
    let history = h(&["consent", "history", &ref_of(&codes[0]), "--json"]).json();
    let yes = history["data"].as_array().unwrap().iter().find(|e| e["context"] == "campaign join").unwrap().clone();
    assert_eq!(yes["at"], "2026-11-20T10:15:32Z");
    assert_eq!(yes["method"], "online_checkbox");
    let evidence = yes["evidence_ref"].as_str().unwrap();
    assert!(
        evidence.contains(&codes[0]) && evidence.contains("responses.csv sha256 ") && evidence.contains("row 2"),
        "{evidence}"
    );
    // Signed for by someone else: not consent.
    let signed = h(&["consent", "history", &ref_of(&codes[2]), "--json"]).json();
    assert!(!signed["data"].as_array().unwrap().iter().any(|e| e["context"] == "campaign join"), "{signed}");
    // Stop sending me letters: objected, suppressed, and not asked again.
    let after = h(&["campaign", "plan", "join", "--json"]).json();
    let row = after["data"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ref"] == ref_of(&codes[1]).as_str())
        .unwrap()
        .clone();
    assert_eq!(row["reason"], "objected", "{row}");
    let shown = h(&["person", "show", &ref_of(&codes[1]), "--json"]).json();
    assert!(shown["data"]["suppressed"].as_str().is_some_and(|s| s.contains("objected")), "{shown}");
    // The same file again changes nothing.
    let again = h(&["campaign", "import", "join", &good, "--from", "google-forms"]);
    assert!(again.stdout.contains("was imported before"), "{}", again.stdout);
    // The data protection lead's report: the campaign, its answers and their evidence, and who
    // its gate asks today and why.
    let report = h(&["audit", "report", "--json"]).json();
    let k = report["data"]["campaigns"][0].clone();
    assert_eq!(k["campaign"], "join");
    let u = &k["uses"][0];
    assert_eq!((u["yes"].as_u64(), u["no"].as_u64(), u["evidence"].as_u64()), (Some(1), Some(1), Some(2)), "{k}");
    assert!(k["audience_today"]["not_asked"]["objected"].as_u64().is_some_and(|n| n >= 1), "{k}");
    let text = h(&["audit", "report"]).stdout;
    assert!(text.contains("Campaigns") && text.contains("Campaign audience today"), "{text}");
}

/// Typeform's times are UTC and its code a hidden field; a zone-less export needs --zone; paper
/// slips need who keyed them, and a hub form is matched by email.
#[test]
fn typeform_jotform_and_paper_read_their_own_columns() {
    let (env, reg) = joined();
    let h = crate::bundle::on(&env, &reg);
    assert_eq!(h(&["campaign", "mail-merge", "join", "--format", "listmonk", "--out", "mm.csv"]).code, 0);
    let mm = std::fs::read_to_string(env.path().join("mm.csv")).unwrap();
    let codes: Vec<String> = mm
        .lines()
        .skip(1)
        .map(|l| l.split("\"\"code\"\":\"\"").nth(1).unwrap().split('"').next().unwrap().to_string())
        .collect();
    let tf = env.write(
        "tf.csv",
        &format!("#,Q1 disclose_to_successor May we?,Start Date (UTC),Submit Date (UTC),code\nabc,Yes,2026-11-20 09:00:00,2026-11-20 09:01:00,{}\n", codes[0]),
    );
    let r = h(&["campaign", "import", "join", &tf, "--from", "typeform", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["data"]["counts"]["yes"], 1);
    let jf = env.write(
        "jf.csv",
        &format!("Submission Date,Your code,Q1 disclose_to_successor May we?\n2026-11-20 09:00:00,{},No\n", codes[1]),
    );
    let r = h(&["campaign", "import", "join", &jf, "--from", "jotform"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("--zone"), "{}", r.stderr);
    assert_eq!(h(&["campaign", "import", "join", &jf, "--from", "jotform", "--zone", "london"]).code, 0);
    // Paper: a hub form keyed in by email, and a slip with its code.
    let m1 = h(&["person", "show", "M0001", "--json"]).json()["data"]["email"].as_str().unwrap().to_string();
    let paper = env.write(
        "paper.csv",
        &format!("code,email,disclose_to_successor,date_written,helped_by\n,{m1},yes,2026-11-19,a support worker\n{},,both,2026-11-19,\n", codes[2]),
    );
    let r = h(&["campaign", "import", "join", &paper, "--from", "paper"]);
    assert!(r.stderr.contains("--keyed-by"), "{}", r.stderr);
    let r = h(&["campaign", "import", "join", &paper, "--from", "paper", "--keyed-by", "fac", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counts = &r.json()["data"]["counts"];
    assert_eq!((counts["yes"].as_i64(), counts["spoiled"].as_i64()), (Some(1), Some(1)), "{counts}");
    let history = h(&["consent", "history", "M0001", "--json"]).json();
    let e = history["data"].as_array().unwrap().iter().find(|e| e["context"] == "campaign join").unwrap().clone();
    assert_eq!((e["method"].as_str(), e["support_given"].as_str()), (Some("paper_signed"), Some("a support worker")));
    assert!(e["evidence_ref"].as_str().unwrap().contains("keyed by fac"), "{e}");
}

/// The send log records who was sent what per person, and refuses an email to anyone the gate
/// did not put on email that day; reminders go only to those sent something who have not
/// answered, re-checked against the gate (an unsubscribe since drops a person out), one each;
/// the campaign's tasks are made with it and closed by it.
#[test]
fn sends_are_logged_per_person_and_reminders_respect_the_gate() {
    let (env, reg) = joined();
    let h = crate::bundle::on(&env, &reg);
    let tasks = || h(&["tasks", "list", "--all", "--json"]).json()["data"].as_array().unwrap().clone();
    let open: Vec<String> = tasks()
        .iter()
        .filter(|t| t["subject"] == "join" && t["done_at"].is_null())
        .map(|t| t["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(open, ["campaign_reminder", "campaign_close"], "the campaign's two dates");
    assert_eq!(h(&["campaign", "mail-merge", "join", "--format", "mailchimp", "--out", "mm.csv"]).code, 0);
    assert_eq!(h(&["campaign", "letters", "join", "--out", "l1"]).code, 0);
    let mm = std::fs::read_to_string(env.path().join("mm.csv")).unwrap();
    let letters = std::fs::read_to_string(env.path().join("l1/letters.csv")).unwrap();
    // An email row for someone on the post channel: refused, naming the line; nothing kept.
    let post_ref = letters.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    let wrong = env.write("wrong.csv", &format!("ref,channel,sent_at\n{post_ref},email,2026-11-20\n"));
    let r = h(&["campaign", "send-log", "join", &wrong]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("wrong.csv:2") && r.stderr.contains("PECR reg 22"), "{}", r.stderr);
    let with_date = |text: &str, at: &str| {
        let mut lines = text.lines();
        let mut out = format!("{},sent_at\n", lines.next().unwrap());
        for l in lines {
            out.push_str(&format!("{l},{at}\n"));
        }
        out
    };
    let sent_mail = env.write("mm-sent.csv", &with_date(&mm, "2026-11-20T09:00:00Z"));
    let sent_post = env.write("letters-sent.csv", &with_date(&letters, "2026-11-20"));
    assert_eq!(h(&["campaign", "send-log", "join", &sent_mail]).code, 0);
    assert_eq!(h(&["campaign", "send-log", "join", &sent_post]).code, 0);
    let status = h(&["campaign", "status", "join", "--json"]).json();
    let emails = mm.lines().count() - 1;
    assert_eq!(status["data"]["sent"]["email"], emails, "{status}");
    // One answers; one unsubscribes (suppressed since): neither is reminded.
    let codes: Vec<&str> = mm.lines().skip(1).map(|l| l.split(',').nth(3).unwrap()).collect();
    let r = h(&[
        "campaign",
        "reply",
        "join",
        "--code",
        codes[0],
        "--answer",
        "disclose_to_successor=no",
        "--method",
        "email_reply",
        "--at",
        "2026-11-21",
        "--recorded-by",
        "fac",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let gone_email = mm.lines().nth(2).unwrap().split(',').next().unwrap().to_string();
    let plan = h(&["campaign", "plan", "join", "--json"]).json();
    let gone = plan["data"]["people"].as_array().unwrap().iter().find(|p| p["code"] == codes[1]).unwrap()["ref"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        h(&[
            "basis",
            "object",
            "--person",
            &gone,
            "--purpose",
            "disclose_to_successor",
            "--decided-by",
            "dp",
            "--at",
            "2026-11-22T10:00:00Z"
        ])
        .code,
        0
    );
    let r = h(&["campaign", "remind", "join", "--out", "r1", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.json()["data"].clone();
    assert_eq!(d["emails"], emails - 2, "{d}");
    assert_eq!(d["skipped"]["objected"], 1, "{d}");
    let rows = std::fs::read_to_string(env.path().join("r1/reminder-email.csv")).unwrap();
    assert!(!rows.contains(codes[0]) && !rows.contains(&gone_email), "neither the answered nor the objector");
    let reminder = std::fs::read_to_string(env.path().join("r1/reminder-letters-standard.html")).unwrap();
    assert!(reminder.contains("A reminder."));
    assert!(tasks().iter().any(|t| t["kind"] == "campaign_reminder" && !t["done_at"].is_null()), "the task is done");
    // Logged as reminders, they are not reminded again (one each by default).
    let sent = env.write("r1-sent.csv", &with_date(&rows, "2026-11-23T09:00:00Z"));
    assert_eq!(h(&["campaign", "send-log", "join", &sent, "--reminder"]).code, 0);
    let again = h(&["campaign", "remind", "join", "--out", "r2", "--json"]).json();
    assert_eq!(again["data"]["emails"], 0, "{again}");
    assert_eq!(again["data"]["skipped"]["reminded_enough"], emails - 2, "{again}");
    assert_eq!(h(&["campaign", "close", "join"]).code, 0);
    assert!(tasks().iter().filter(|t| t["subject"] == "join").all(|t| !t["done_at"].is_null()));
    let late = h(&["campaign", "remind", "join", "--out", "r3"]);
    assert!(late.stderr.contains("is closed"), "{}", late.stderr);
}

/// A notice campaign's send is the notice's delivery, person by person: the objection window of
/// legitimate interests runs from it (R10/R11), and its email rows need no marketing consent.
#[test]
fn a_notice_campaigns_sends_start_each_persons_objection_window() {
    let (env, reg) = demo();
    let h = crate::bundle::on(&env, &reg);
    let reason = |r: &str| {
        let plan = h(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
        plan["data"]["people"].as_array().unwrap().iter().find(|p| p["ref"] == r).unwrap()["register"]["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let plan = h(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let waiting: Vec<String> = plan["data"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["register"]["reason"] == "notice_not_sent")
        .map(|p| p["ref"].as_str().unwrap().to_string())
        .collect();
    assert!(waiting.len() >= 2, "{waiting:?}");
    let new = tell_campaign("tell", &[]);
    assert_eq!(h(&new.iter().map(String::as_str).collect::<Vec<_>>()).code, 0);
    let told = h(&["campaign", "plan", "tell", "--json"]).json();
    let row =
        told["data"]["people"].as_array().unwrap().iter().find(|p| p["ref"] == waiting[0].as_str()).unwrap().clone();
    assert_ne!(row["channel"], "not_asked", "{row}");
    let log = env.write("told.csv", &format!("ref,sent_at\n{},2026-11-20\n", waiting[0]));
    let r = h(&["campaign", "send-log", "tell", &log, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["data"]["counts"]["notices_sent"], 1);
    assert_eq!(reason(&waiting[0]), "objection_window_open", "told: the window runs from the send");
    assert_eq!(reason(&waiting[1]), "notice_not_sent", "not told yet");
}

/// A notice campaign's letters tell the notice, with a slip to object; an objection by its code
/// is recorded against each use the notice announces, and the plan holds the person back.
#[test]
fn a_notice_campaigns_slip_is_an_objection() {
    let (env, reg) = demo();
    let h = crate::bundle::on(&env, &reg);
    let new = tell_campaign("tell", &[]);
    assert_eq!(h(&new.iter().map(String::as_str).collect::<Vec<_>>()).code, 0);
    let r = h(&["campaign", "letters", "tell", "--out", "told"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(env.path().join("told/letters-standard.html")).unwrap();
    assert!(
        page.contains("I object to my details going to") && page.contains("Service message"),
        "the notice and its slip"
    );
    let list = std::fs::read_to_string(env.path().join("told/letters.csv")).unwrap();
    let row: Vec<&str> = list.lines().nth(1).unwrap().split(',').collect();
    let reply = |how: &[&str]| {
        let mut a = vec!["campaign", "reply", "tell", "--code", row[1]];
        a.extend(how);
        a.extend(["--method", "paper_signed", "--at", "2026-11-24", "--recorded-by", "fac"]);
        h(&a)
    };
    let asked = reply(&["--answer", "disclose_to_successor=no"]);
    assert!(asked.stderr.contains("--object"), "{}", asked.stderr);
    let r = reply(&["--object"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let status = h(&["campaign", "status", "tell", "--json"]).json();
    assert_eq!(status["data"]["objections"], 1, "{status}");
    let plan = h(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let p = plan["data"]["people"].as_array().unwrap().iter().find(|p| p["ref"] == row[0]).unwrap().clone();
    assert_eq!(p["register"]["reason"], "objected", "{p}");
}

/// Microsoft Forms' Excel export (its times have no zone: --zone says how to read them), and a
/// reply after the campaign's closing day, which goes to review rather than into consent.
#[test]
fn microsoft_forms_xlsx_and_a_late_answer() {
    use std::io::Write;
    let (env, reg) = demo();
    let h = crate::bundle::on(&env, &reg);
    // Closing as early as allowed: 28 days from the tests' day, 2026-11-25.
    let mut new = vec!["--register".to_string(), reg.clone()];
    new.extend(join_campaign("join", &[]).into_iter().map(|a| if a == "2027-01-10" { "2026-12-23".into() } else { a }));
    env.ok(&new.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(h(&["campaign", "mail-merge", "join", "--format", "mailpoet", "--out", "mm.csv"]).code, 0);
    let mm = std::fs::read_to_string(env.path().join("mm.csv")).unwrap();
    let codes: Vec<&str> = mm.lines().skip(1).map(|l| l.split(',').nth(3).unwrap()).collect();
    // A minimal .xlsx as Microsoft Forms writes it: the header, then one row per response, the
    // completion time as Excel's day number (46350.5 is 24 November 2026, noon).
    let cell = |r: usize, c: char, v: &str| format!("<c r=\"{c}{r}\" t=\"inlineStr\"><is><t>{v}</t></is></c>");
    let header =
        ["ID", "Start time", "Completion time", "Email", "Name", "Your code", "Q1 disclose_to_successor May we?"];
    let mut sheet = String::from("<worksheet><sheetData><row r=\"1\">");
    for (i, t) in header.iter().enumerate() {
        sheet.push_str(&cell(1, (b'A' + i as u8) as char, t));
    }
    sheet.push_str("</row>");
    for (n, (code, answer)) in [(codes[0], "Yes"), (codes[1], "No")].iter().enumerate() {
        let r = n + 2;
        sheet.push_str(&format!(
            "<row r=\"{r}\">{}<c r=\"C{r}\"><v>46350.5</v></c>{}{}</row>",
            cell(r, 'A', &r.to_string()),
            cell(r, 'F', code),
            cell(r, 'G', answer)
        ));
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut bytes = Vec::new();
    {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        for (n, b) in [("xl/workbook.xml", "<workbook/>"), ("xl/worksheets/sheet1.xml", sheet.as_str())] {
            w.start_file(n, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(b.as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }
    std::fs::write(env.path().join("responses.xlsx"), &bytes).unwrap();
    let r = h(&["campaign", "import", "join", "responses.xlsx", "--from", "microsoft-forms"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("--zone"), "{}", r.stderr);
    let r =
        h(&["campaign", "import", "join", "responses.xlsx", "--from", "microsoft-forms", "--zone", "london", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counts = r.json()["data"]["counts"].clone();
    assert_eq!((counts["yes"].as_i64(), counts["no"].as_i64()), (Some(1), Some(1)), "{counts}");
    // Three weeks after it closed, a late answer arrives: kept for review, not consent.
    let late = env.write(
        "late.csv",
        &format!("Timestamp,Your code,Q1 disclose_to_successor May we?\n2027-01-05 10:00:00 GMT,{},Yes\n", codes[2]),
    );
    let out = env
        .command(&["--register", &reg, "campaign", "import", "join", &late, "--from", "google-forms", "--json"])
        .env("HANDOVER_TEST_NOW", "2027-01-10T12:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["data"]["counts"]["review"], 1, "{report}");
    assert!(report["data"]["counts"]["yes"].is_null(), "a late yes is not consent: {report}");
}

/// Paper objection slips for a notice campaign, keyed in: each ticked "I object" is an objection.
#[test]
fn notice_objection_slips_import() {
    let (env, reg) = demo();
    let h = crate::bundle::on(&env, &reg);
    let new = tell_campaign("tell", &[]);
    assert_eq!(h(&new.iter().map(String::as_str).collect::<Vec<_>>()).code, 0);
    assert_eq!(h(&["campaign", "letters", "tell", "--out", "told"]).code, 0);
    let list = std::fs::read_to_string(env.path().join("told/letters.csv")).unwrap();
    let rows: Vec<Vec<&str>> = list.lines().skip(1).take(2).map(|l| l.split(',').collect()).collect();
    let slips = env.write(
        "slips.csv",
        &format!("code,object,date_written\n{},yes,2026-11-24\n{},,2026-11-24\n", rows[0][1], rows[1][1]),
    );
    let r = h(&["campaign", "import", "tell", &slips, "--from", "paper", "--keyed-by", "fac", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counts = r.json()["data"]["counts"].clone();
    assert_eq!((counts["objected"].as_i64(), counts["no objection"].as_i64()), (Some(1), Some(1)), "{counts}");
    let plan = h(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let p = plan["data"]["people"].as_array().unwrap().iter().find(|p| p["ref"] == rows[0][0]).unwrap().clone();
    assert_eq!(p["register"]["reason"], "objected", "{p}");
}
