//! The data protection lead's report: counts by default, person ids only with --detail, overdue
//! deadlines first, and an HTML page that parses as one self-contained, accessible document.

use crate::util::{TestEnv, root, tool};

fn check_html(path: &std::path::Path) -> String {
    let o = tool("python3").arg(root().join("tests/files/check_html.py")).arg(path).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{} does not pass the HTML check:\n{out}", path.display());
    out
}

#[test]
fn the_report_counts_names_nobody_and_puts_overdue_first() {
    let env = TestEnv::new();
    env.ok(&["demo", "--out", "demo"]);
    let reg = ["--register", "demo/handover.db"];
    let run = |args: &[&str]| {
        let mut a = reg.to_vec();
        a.extend(args);
        env.ok(&a)
    };
    // An overdue request and a complaint, so the deadlines section has something to order.
    run(&["request", "open", "--kind", "access", "--received", "2026-09-01"]);
    run(&["complaint", "open", "--received", "2026-11-20", "--summary", "newsletter after unsubscribing"]);
    let r = run(&["audit", "report", "--json"]).json();
    let d = &r["data"];
    assert_eq!(d["detail"], false);
    assert!(d["people"].as_u64().unwrap() > 800);
    assert_eq!(d["audit_log"]["chain_intact"], true);
    let cov = d["coverage"].as_array().unwrap();
    let sn = cov
        .iter()
        .find(|c| c["purpose"] == "successor_newsletter" && c["controller"] == "kscop-steering-group")
        .unwrap();
    assert!(sn["granted"].as_u64().unwrap() > 100, "{sn}");
    assert!(cov.iter().all(|c| c.get("people").is_none()), "counts only by default");
    let t = &d["transfers"][0];
    assert_eq!(t["controller"], "kscop-steering-group");
    assert!(t["counts"]["register_by_reason"].as_object().is_some_and(|o| !o.is_empty()), "{t}");
    assert!(
        !d["statistics_released"].as_array().unwrap().is_empty(),
        "the bundle's aggregates are in the statistical output log"
    );
    assert!(d["statistics_released"].as_array().unwrap().iter().all(|s| s["k"].as_u64().unwrap() >= 5));
    assert_eq!(d["deadlines"]["by_kind"][0]["kind"], "request_deadline", "overdue first: {}", d["deadlines"]);
    assert_eq!(d["requests"]["overdue"], 1);
    assert_eq!(d["complaints"]["open"], 1);
    let li = d["legitimate_interests"].as_array().unwrap();
    assert!(li.iter().any(|i| i["purpose"] == "disclose_to_successor" && i["objected"].as_u64().unwrap() > 0));
    // Counts only: no person id, name or email anywhere in the text or HTML.
    let text = run(&["audit", "report"]).stdout;
    assert!(text.starts_with("Data protection report: Kent and Sussex Community of Practice"));
    assert!(text.find("== Deadlines and tasks").unwrap() < text.find("== Consent coverage").unwrap());
    run(&["audit", "report", "--format", "html", "--out", "report.html"]);
    let html = std::fs::read_to_string(env.path().join("report.html")).unwrap();
    for t in [&text, &html] {
        assert!(!t.contains("per_") && !t.contains("@example."), "a counts-only report names someone");
    }
    let tables = check_html(&env.path().join("report.html"));
    assert!(tables.contains("tables"), "{tables}");
    assert!(html.contains("<caption>People by consent status, per purpose and controller"));
    // It opens with what needs attention, in words, and shows its charts as inline SVG.
    let attention = html.find("<h2>Needs attention</h2>").expect("a needs-attention summary");
    assert!(attention < html.find("<h2>Deadlines and tasks</h2>").unwrap(), "the summary comes first");
    assert!(
        html.contains(
            "Overdue since <span style=\"white-space:nowrap\">2026-10-01</span>: 1 × Answer a rights request."
        ),
        "{html}"
    );
    assert!(text.contains("== Needs attention\n- "), "{text}");
    assert_eq!(html.matches("<svg viewBox").count(), 2, "consent over time and the deadline timeline");
    assert!(html.contains("Consent in force by purpose and controller"));
    // Codes as words: no task kinds, plan reasons or slugs in the tables.
    for code in ["request_deadline", "consent_names_receiver", "no_basis_for_receiver", "kscop-steering-group"] {
        assert!(!html.contains(code), "{code} shown as a code");
    }
    let over_time = d["consent_over_time"].as_array().unwrap();
    let sn_now = over_time
        .iter()
        .find(|c| c["purpose"] == "successor_newsletter" && c["controller"] == "kscop-steering-group")
        .unwrap()["points"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["granted"]
        .clone();
    assert_eq!(sn_now, sn["granted"], "the chart's last point is the coverage today");
    // Never over an existing file.
    let again = env.run(&["--register", "demo/handover.db", "audit", "report", "--out", "report.html"]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    // --detail lists ids, and its HTML passes the same checks.
    let detail = run(&["audit", "report", "--detail", "--json"]).json();
    let dd = &detail["data"];
    assert!(dd["coverage"][0]["people"].is_object());
    assert!(dd["deadlines"]["tasks"][0]["overdue"] == true, "{}", dd["deadlines"]);
    run(&["audit", "report", "--detail", "--format", "html", "--out", "detail.html"]);
    check_html(&env.path().join("detail.html"));
    assert!(std::fs::read_to_string(env.path().join("detail.html")).unwrap().contains("per_"));
    // --format json --out writes the same envelope; --to filters transfers.
    run(&["audit", "report", "--format", "json", "--out", "report.json"]);
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(file["type"], "audit_report");
    let other = run(&["audit", "report", "--to", "brightwater-trust", "--json"]).json();
    assert!(other["data"]["transfers"].as_array().unwrap().is_empty());
    assert_eq!(env.run(&["--register", "demo/handover.db", "audit", "report", "--to", "nobody"]).code, 2);
    // The Art 30 record: every purpose in use, with its bases, recipients and assessments.
    let ropa = run(&["audit", "ropa", "--json"]).json();
    let acts = ropa["data"]["activities"].as_array().unwrap();
    let ds = acts.iter().find(|a| a["purpose"] == "disclose_to_successor").unwrap();
    assert!(ds["lawful_bases"].as_array().unwrap().iter().any(|b| b == "legitimate interests"), "{ds}");
    assert_eq!(ds["recipients"][0], "kscop-steering-group");
    assert_eq!(ds["assessments"][0], "LIA-2026-02");
    let dm = acts.iter().find(|a| a["purpose"] == "diversity_monitoring").unwrap();
    assert_eq!(dm["art9_condition"], "Art 9(2)(a) explicit consent");
    assert_eq!(ropa["data"]["recipients"][0]["dpia_ref"], "DPIA-2026-01");
    // The systems that hold the data: every account, what it holds, who pays, its rotation.
    let acc = &ropa["data"]["accounts"][0];
    assert_eq!(acc["service"], "wordpress", "{acc}");
    assert_eq!(acc["personal_data"], "website user accounts and comments");
    assert_eq!(acc["paid_until"], "2027-04-30");
    // The sender's report says so too: made safe by the group, by its signed statement.
    let acc_r = &d["accounts"][0];
    assert_eq!(
        (acc_r["rotated"].as_bool(), acc_r["rotated_by_receiver"].as_str()),
        (Some(true), Some("2026-11-25")),
        "{acc_r}"
    );
    // The demo's transfer is complete: the group's statement says the account was rotated.
    assert!(acc["rotation"].as_str().unwrap().starts_with("handed over; rotated by the receiving group"), "{acc}");
    // Nothing recorded about where the services keep data: the record says so, and claims no UK.
    let intl = ropa["data"]["international_transfers"].as_str().unwrap();
    assert!(intl.contains("no location recorded") && !intl.contains("in the UK"), "{intl}");
    let acc_id = acc["id"].as_str().unwrap().to_string();
    run(&["account", "location", &acc_id, "--country", "US", "--processor"]);
    let ropa2 = run(&["audit", "ropa", "--json"]).json();
    let intl = ropa2["data"]["international_transfers"].as_str().unwrap();
    assert!(intl.contains("keeps data in US: no safeguard recorded"), "{intl}");
    assert_eq!(ropa2["data"]["accounts"][0]["processor"], true);
    // Its own records are activities too, and the sender has no sources.
    let codes: Vec<&str> = acts.iter().filter_map(|a| a["purpose"].as_str()).collect();
    assert!(codes.contains(&"suppression_list"), "{codes:?}");
    assert!(ropa["data"]["sources"].as_array().unwrap().is_empty());
    // The group's record: the charity is where the data came from, not a recipient, and the
    // disclosure to the successor is not the group's activity.
    let group = env.ok(&["--register", "demo/steering-group/register.db", "audit", "ropa", "--json"]).json();
    assert_eq!(group["data"]["sources"][0]["slug"], "brightwater-trust", "{}", group["data"]["sources"]);
    let g_acts: Vec<&str> =
        group["data"]["activities"].as_array().unwrap().iter().filter_map(|a| a["purpose"].as_str()).collect();
    assert!(!g_acts.contains(&"disclose_to_successor"), "{g_acts:?}");
    assert!(
        !group["data"]["recipients"].as_array().unwrap().iter().any(|r| r["slug"] == "brightwater-trust"),
        "{}",
        group["data"]["recipients"]
    );
    run(&["audit", "ropa", "--format", "html", "--out", "ropa.html"]);
    check_html(&env.path().join("ropa.html"));
    let ropa_text = run(&["audit", "ropa"]).stdout;
    assert!(ropa_text.starts_with("Record of processing activities (Art 30): Brightwater Trust"));
    assert!(ropa_text.contains("https://kscop.example.org/wp-admin"), "{ropa_text}");
    assert!(!ropa_text.contains("per_") && !ropa_text.contains("@example."));
    // The letter in every bundle passes the same HTML checks.
    let bundle = std::fs::read_dir(env.path().join("demo/bundle"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".zip.age"))
        .unwrap();
    let plain = tool("age")
        .args(["-d", "-i", "demo/steering-group-keys/steering-group-age.key", "-o", "b.zip"])
        .arg(&bundle)
        .current_dir(env.path())
        .status()
        .unwrap();
    assert!(plain.success());
    let letter =
        tool("unzip").args(["-p", "b.zip", "*/data/HANDOVER-LETTER.html"]).current_dir(env.path()).output().unwrap();
    assert!(letter.status.success());
    std::fs::write(env.path().join("letter.html"), &letter.stdout).unwrap();
    check_html(&env.path().join("letter.html"));
}
