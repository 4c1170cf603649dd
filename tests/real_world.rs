//! The corpus in `fixtures/real-world/`: files shaped like real exports and documents (headers and
//! quirks cited in its README.md; invented people), each with its expected outcome.

use crate::util::{FACTS, TestEnv, fixtures, tool};

fn real(name: &str) -> String {
    fixtures().join("real-world").join(name).display().to_string()
}

fn import(env: &TestEnv, file: &str, extra: &[&str]) -> crate::util::Run {
    let mut args = vec!["person", "import", file, "--json"];
    args.extend(FACTS);
    args.extend(extra);
    env.run(&args)
}

#[test]
fn a_resubscribed_mailchimp_audience_with_localised_fields() {
    let env = TestEnv::with_texts();
    let zip = real("mailchimp-resubscribed-audience.zip");
    // Without --map: the German labels are named, not dropped silently.
    let dry = import(&env, &zip, &["--without-consent", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(dry.json()["data"]["unmapped_columns"], serde_json::json!(["Vorname", "Nachname", "Telefonnummer"]));
    let r = import(
        &env,
        &zip,
        &[
            "--without-consent",
            "--map",
            "Vorname=first_name",
            "--map",
            "Nachname=last_name",
            "--map",
            "Telefonnummer=phone",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = &r.json()["data"]["counts"];
    // Greta (single/double opt-in), Jonas (CONFIRM_TIME alone: confirmed opt-in); Lena (no time) as a person only.
    assert_eq!(c["grants_added"], 2, "{c}");
    assert_eq!(c["people_without_consent"], 1, "{c}");
    assert_eq!(c["suppressed_unsubscribed"], 1, "the repeated UNSUB columns did not stop the file: {c}");
    assert_eq!(c["suppressed_bounced"], 1, "{c}");
    let hist = env.ok(&["consent", "history", "--json"]).json();
    let evidence: Vec<&str> =
        hist["data"].as_array().unwrap().iter().map(|e| e["evidence_ref"].as_str().unwrap()).collect();
    assert!(evidence.iter().any(|e| e.contains("line 2;")), "physical lines under CRLF: {evidence:?}");
    assert!(evidence.iter().any(|e| e.contains("line 3;") && e.contains("confirmed opt-in")), "{evidence:?}");
    let greta = env.ok(&["person", "list", "--json"]).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == "greta.vogel@example.de")
        .unwrap()
        .clone();
    assert_eq!(greta["name"], "Greta Vogel", "{greta}");
}

#[test]
fn a_bare_cr_file_reports_the_physical_line() {
    let env = TestEnv::with_texts();
    let r =
        import(&env, &real("subscribed_email_audience_export_bare_cr.csv"), &["--format", "mailchimp", "--dry-run"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(":3:email"), "{}", r.stderr);
}

#[test]
fn a_mailpoet_export_of_two_lists_and_one_without_status() {
    let env = TestEnv::with_texts();
    let file = real("MailPoet_export_3kd8s7.csv");
    let several = import(&env, &file, &["--dry-run"]);
    assert_eq!(several.code, 2);
    assert!(several.stderr.contains("several lists (Newsletter, Events)"), "{}", several.stderr);
    let r = import(&env, &file, &["--list", "Newsletter", "--without-consent"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = &r.json()["data"]["counts"];
    assert_eq!(c["grants_added"], 1, "{c}");
    assert_eq!(c["left_the_list"], 1, "{c}");
    assert_eq!(c["suppressed_unsubscribed"], 1, "only the global unsubscribe: {c}");
    assert_eq!(c["people_without_consent"], 1, "{c}");
    let people = env.ok(&["person", "list", "--json"]).json();
    let names: Vec<&str> = people["data"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    assert!(names.contains(&"Priya \"Pree\" Nair"), "MailPoet's \\\" read as a quote: {names:?}");
    assert!(!env.ok(&["person", "list"]).stdout.contains("C:"), "a backslash-ended value kept its columns");
    // The same export as a spreadsheet gives the same outcome.
    let fresh = TestEnv::with_texts();
    let x = import(&fresh, &real("MailPoet_export_3kd8s7.xlsx"), &["--list", "Newsletter", "--without-consent"]);
    assert_eq!(x.code, 0, "{}", x.stderr);
    assert_eq!(x.json()["data"]["counts"], *c, "the spreadsheet reads as the CSV does");
    let subset = import(&env, &real("MailPoet_export_subset_9x2.csv"), &["--format", "mailpoet", "--dry-run"]);
    assert_eq!(subset.code, 2);
    assert!(subset.stderr.contains("status fields selected"), "{}", subset.stderr);
}

#[test]
fn listmonk_times_keep_their_offsets_and_a_headerless_list_keeps_its_first_address() {
    let env = TestEnv::with_texts();
    let r = import(&env, &real("listmonk-subscribers-export.csv"), &["--without-consent"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let people = env.ok(&["person", "list", "--json"]).json();
    let joined = |email: &str| {
        people["data"].as_array().unwrap().iter().find(|p| p["email"] == email).unwrap()["joined_on"].clone()
    };
    assert_eq!(joined("aled.jones@example.org"), "2024-06-30", "00:15 at +0100 is the day before in UTC");
    assert_eq!(r.json()["data"]["counts"]["suppressed_unsubscribed"], 1, "{}", r.stdout);
    let wp = import(
        &env,
        &real("wordpress-com-subscribers-noheader.csv"),
        &["--without-consent", "--format", "wordpress-com"],
    );
    assert_eq!(wp.code, 0, "{}", wp.stderr);
    assert_eq!(wp.json()["data"]["counts"]["people_added"], 3, "{}", wp.stdout);
}

#[test]
fn a_docx_with_a_people_part_is_redacted_in_every_part() {
    let env = TestEnv::with_texts();
    env.ok(&[
        "person",
        "add",
        "--ref",
        "W1",
        "--name",
        "Rhiannon Price",
        "--email=rhiannon.price@example.org",
        "--phone",
        "01632 960555",
    ]);
    let docx = real("minutes-with-people-part.docx");
    env.ok(&["document", "add", &docx, "--classification", "personal", "--category", "minutes"]);
    let id = env.ok(&["document", "list", "--json"]).json()["data"][0]["id"].as_str().unwrap().to_string();
    let out = env.path().join("redacted.docx");
    // Amelia Khan is in no register: listed, not redacted, so that the check below sees her kept.
    env.ok(&["redact", "preview", &id, "--keep-unknown-names", "--out", out.to_str().unwrap()]);
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut f, &mut text).unwrap();
        for gone in ["Rhiannon", "Price", "rhiannon.price", "960555", "ct1 2ab"] {
            assert!(!text.contains(gone), "{name} still holds {gone}");
        }
        if name == "word/document.xml" {
            assert!(text.contains("Amelia Khan") && text.contains("会议记录：和[name withheld]的书"), "{text}");
        }
    }
    // Every part still parses, and python-docx opens it and reads its paragraphs.
    let check = tool("python3")
        .arg("-c")
        .arg("import sys, zipfile, xml.dom.minidom as m, docx\nz = zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist():\n    m.parseString(z.read(n))\nd = docx.Document(sys.argv[1])\nprint(len(d.paragraphs))")
        .arg(&out)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "3", "the three paragraphs are still there");
}
