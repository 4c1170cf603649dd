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
    let r = env.run_user(&["receive", &bundle, "--from", &from, "--into", "g/register.db", "--json"]);
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
        (env.path().join("sender-report.html"), 8),
        (env.path().join("sender-ropa.html"), 6),
        (env.path().join("group-report.html"), 8),
        (env.path().join("group-ropa.html"), 6),
    ] {
        let p = printed_well(&work, &page, max);
        assert_eq!(p["a4"], true, "{p}");
    }
    // The Art 30 record's wide table prints in landscape.
    let ropa = printed_well(&work, &env.path().join("sender-ropa.html"), 6);
    assert!(ropa["width"].as_f64().unwrap() > ropa["height"].as_f64().unwrap(), "{ropa}");
}

/// The check itself catches a page whose last column is cut off, and one not set for A4.
#[test]
fn the_print_check_catches_a_cut_off_column() {
    let env = TestEnv::new();
    let page = env.write(
        "wide.html",
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head><body><table style=\"min-width:1400px\"><caption>c</caption><tr><th scope=\"col\">alpha</th><td style=\"width:900px\">bravo</td><td>lastcolumnword</td></tr></table></body></html>",
    );
    let out = tool("python3")
        .arg(root().join("tests/files/print_check.py"))
        .arg(env.path().join("print"))
        .arg("5")
        .arg(&page)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let v: serde_json::Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(v["missing"], serde_json::json!(["lastcolumnword"]), "{v}");
    assert_eq!(v["a4"], false);
}
