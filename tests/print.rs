//! The pages people print, printed: the group's two letters, and the data protection lead's
//! report and Art 30 record (at the sender and at the receiver), each printed to PDF by headless
//! Chromium on A4 and checked: no word beyond the page's edge, no word of the page missing from
//! the print (a column cut off), and no more pages than a reader would expect.

use std::path::Path;

use crate::util::{TestEnv, root, tool};

fn printed_well(work: &Path, page: &Path, max_pages: u32) -> serde_json::Value {
    let out = tool("python3")
        .arg(root().join("tests/files/print_check.py"))
        .arg(work)
        .arg(max_pages.to_string())
        .arg(page)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{} does not print well on A4: {stdout}{}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap()
}

#[test]
fn letters_reports_and_the_art30_record_print_on_a4() {
    // Chromium and the PDF tools are needed: fail loudly when they are missing.
    tool("chromium");
    tool("pdftotext");
    let (env, demo) = crate::group::ready_group();
    let reg = demo.join("handover.db").display().to_string();
    let bundle = crate::group::bundle(&env, &demo, "out").display().to_string();
    let from = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let r =
        env.run_user(&["receive", &bundle, "--from", &from, "--approver", &dp, "--into", "g/register.db", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (args, file) in [
        (vec!["--register", reg.as_str(), "audit", "report"], "sender-report.html"),
        (vec!["--register", reg.as_str(), "audit", "ropa"], "sender-ropa.html"),
        (vec!["--register", "g/register.db", "audit", "report"], "group-report.html"),
        (vec!["--register", "g/register.db", "audit", "ropa"], "group-ropa.html"),
    ] {
        let mut a = args.clone();
        a.extend(["--format", "html", "--out", file]);
        env.ok(&a);
    }
    let work = env.path().join("print");
    let g = env.path().join("g");
    for (page, max) in [
        (g.join("HANDOVER-LETTER.html"), 3),
        (g.join("HANDOVER-LETTER-easy-read.html"), 4),
        (demo.join("campaign/letters/letters-easy-read.html"), 4),
        (env.path().join("sender-report.html"), 8),
        (env.path().join("sender-ropa.html"), 6),
        (env.path().join("group-report.html"), 8),
        (env.path().join("group-ropa.html"), 6),
    ] {
        let p = printed_well(&work, &page, max);
        assert_eq!(p["a4"], true, "{p}");
    }
    // What a reader reads is words, not the tool's codes.
    let report = std::fs::read_to_string(env.path().join("sender-report.html")).unwrap();
    assert!(report.contains("Lasting power of attorney for health and welfare"), "the authority in words");
    for code in ["lpa health welfare", "lpa_health_welfare", ">not_asked<"] {
        assert!(!report.contains(code), "{code} in the report");
    }
    let group = std::fs::read_to_string(env.path().join("group-report.html")).unwrap();
    assert!(!group.contains("successor&#39;s own") && group.contains("Our own email newsletter"), "the group's view");
    // The Art 30 record's wide table prints in landscape.
    let ropa = printed_well(&work, &env.path().join("sender-ropa.html"), 6);
    assert!(ropa["width"].as_f64().unwrap() > ropa["height"].as_f64().unwrap(), "{ropa}");
}

/// The print check's verdict on a page that must fail it.
fn printed_badly(env: &TestEnv, page: &str) -> serde_json::Value {
    let out = tool("python3")
        .arg(root().join("tests/files/print_check.py"))
        .arg(env.path().join("print"))
        .arg("5")
        .arg(page)
        .output()
        .unwrap();
    assert!(!out.status.success());
    serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap()
}

/// The check itself catches a page whose last column is cut off, and one not set for A4.
#[test]
fn the_print_check_catches_a_cut_off_column() {
    let env = TestEnv::new();
    let page = env.write(
        "wide.html",
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head><body><table style=\"min-width:1400px\"><caption>c</caption><tr><th scope=\"col\">alpha</th><td style=\"width:900px\">bravo</td><td>lastcolumnword</td></tr></table></body></html>",
    );
    let v = printed_badly(&env, &page);
    assert_eq!(v["missing"], serde_json::json!(["lastcolumnword"]), "{v}");
    assert_eq!(v["a4"], false);
    // A date split over two lines, and a command printed with its backticks.
    let page = env.write(
        "raw.html",
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title><style>@page{size:A4}</style></head><body><div style=\"width:3em\">due 30 April 2027</div><p>run `handover next` today</p></body></html>",
    );
    let v = printed_badly(&env, &page);
    assert_eq!(v["split_dates"], serde_json::json!(["30 April 2027"]), "{v}");
    assert_eq!(v["raw"].as_array().unwrap().len(), 1, "{v}");
}

/// A campaign's letters print on A4: a standard letter on one page each (its reply slip whole),
/// an easy-read or large-print one on at most two; each format's page holds only its letters.
#[test]
fn campaign_letters_print_on_a4_one_letter_a_page() {
    tool("chromium");
    tool("pdftotext");
    let env = TestEnv::new();
    env.ok(&["demo", "--out", "demo", "--quiet"]);
    let reg = env.path().join("demo/handover.db").display().to_string();
    let h = |a: &[&str]| {
        let mut args = vec!["--register", reg.as_str()];
        args.extend(a);
        env.ok(&args)
    };
    let new = crate::campaign::join_campaign("join", &["--contact", "the hub office, 01632 960000"]);
    h(&new.iter().map(String::as_str).collect::<Vec<_>>());
    let post = crate::campaign::on_channel(&h(&["campaign", "plan", "join", "--json"]).json(), "post");
    h(&["person", "edit", &post[0], "--communication-needs", "easy_read"]);
    h(&["person", "edit", &post[1], "--communication-needs", "large_print"]);
    let addresses =
        env.write("addresses.csv", &format!("ref,address_1,postcode\n{},1 Example Street,AB1 2CD\n", post[0]));
    let r = h(&["campaign", "letters", "join", "--out", "letters", "--addresses", &addresses, "--json"]).json();
    let standard = r["data"]["by_format"]["standard"].as_u64().unwrap() as u32;
    assert_eq!(r["data"]["by_format"]["easy_read"], 1, "{r}");
    assert_eq!(r["data"]["by_format"]["large_print"], 1, "{r}");
    let dir = env.path().join("letters");
    let work = env.path().join("print");
    h(&["campaign", "form", "join", "--out", "letters/hub-form.html"]);
    for (file, max) in [
        ("letters-standard.html", standard),
        ("letters-easy-read.html", 2),
        ("letters-large-print.html", 2),
        ("hub-form.html", 1),
    ] {
        let p = printed_well(&work, &dir.join(file), max);
        assert_eq!(p["a4"], true, "{file}: {p}");
    }
}
