//! Imports on the fixture community and on real export formats.

use crate::util::{FACTS, TestEnv, fixtures};

fn count(r: &serde_json::Value, key: &str) -> i64 {
    r["data"]["counts"][key].as_i64().unwrap_or(0)
}

#[test]
fn fixture_community_imports_completely() {
    let env = TestEnv::with_texts();
    let f = |n: &str| fixtures().join(n).display().to_string();
    let p = env.ok(&["person", "import", &f("people.csv"), "--json"]).json();
    assert_eq!(count(&p, "people_added"), 856);
    let c = env.ok(&["consent", "import", &f("consent.csv"), "--json"]).json();
    let rows = std::fs::read_to_string(fixtures().join("consent.csv")).unwrap().lines().count() as i64 - 1;
    assert_eq!(count(&c, "events_added"), rows);
    let list = env.ok(&["person", "list", "--json"]).json();
    let people = list["data"].as_array().unwrap();
    assert_eq!(people.len(), 856);
    assert!(people.iter().all(|p| p["id"].is_string() && p["ref"].is_string()));
    let roles = env.ok(&["role", "import", &f("roles.csv"), "--json"]).json();
    assert_eq!(count(&roles, "roles_added_or_ended"), 11);
    let current = env.ok(&["role", "list", "--current", "--json"]).json();
    // The coordinator's role ended on 2026-03-31.
    assert_eq!(current["data"].as_array().unwrap().len(), 10);
    let co_chair = current["data"].as_array().unwrap().iter().find(|r| r["role"] == "steering_co_chair").unwrap();
    assert_eq!(co_chair["designation"], "lived_experience");
    assert_eq!(co_chair["special"], true);
}

#[test]
fn importing_twice_changes_nothing() {
    let env = TestEnv::with_fixtures();
    let before = env.audit_len();
    let f = fixtures().join("consent.csv").display().to_string();
    let again = env.ok(&["consent", "import", &f, "--json"]).json();
    assert_eq!(again["data"]["already_imported"], true);
    // A different file with overlapping rows adds only what is new.
    let text = std::fs::read_to_string(&f).unwrap();
    let mut lines: Vec<&str> = text.lines().take(30).collect();
    lines.push("");
    let partial = env.write("consent-part.csv", &lines.join("\n"));
    let r = env.ok(&["consent", "import", &partial, "--json"]).json();
    assert_eq!(count(&r, "events_unchanged"), 29);
    assert_eq!(count(&r, "events_added"), 0);
    assert_eq!(env.audit_len(), before + 1);
}

#[test]
fn a_bad_row_changes_nothing_and_dry_run_writes_nothing() {
    let env = TestEnv::with_texts();
    let before = env.audit_len();
    let people = std::fs::read_to_string(fixtures().join("people.csv")).unwrap();
    let mut lines: Vec<String> = people.lines().map(String::from).collect();
    lines[500] = lines[500].replacen("@example", "-at-example", 1);
    let bad = env.write("people-one-bad.csv", &(lines.join("\n") + "\n"));
    let r = env.run(&["person", "import", &bad]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("people-one-bad.csv:501:email: not an email address"), "{}", r.stderr);
    assert_eq!(env.ok(&["person", "list", "--json"]).json()["data"].as_array().unwrap().len(), 0);
    let dry =
        env.ok(&["person", "import", fixtures().join("people.csv").to_str().unwrap(), "--dry-run", "--json"]).json();
    assert_eq!(dry["data"]["dry_run"], true);
    assert_eq!(count(&dry, "people_added"), 856);
    assert_eq!(env.ok(&["person", "list", "--json"]).json()["data"].as_array().unwrap().len(), 0);
    assert_eq!(env.audit_len(), before);
}

#[test]
fn mailchimp_export_maps_statuses_and_refuses_invented_consent() {
    let env = TestEnv::with_texts();
    let zip = fixtures().join("exports/mailchimp-audience-export.zip").display().to_string();
    let mut args = vec!["person", "import", zip.as_str(), "--json"];
    args.extend(FACTS);
    let refused = env.run(&args);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("OPTIN_TIME and CONFIRM_TIME are empty"), "{}", refused.stderr);
    assert_eq!(env.ok(&["person", "list", "--json"]).json()["data"].as_array().unwrap().len(), 0);
    args.push("--without-consent");
    let r = env.ok(&args).json();
    assert_eq!(count(&r, "grants_added"), 42);
    assert_eq!(count(&r, "people_without_consent"), 6);
    assert_eq!(count(&r, "suppressed_unsubscribed"), 6);
    assert_eq!(count(&r, "suppressed_bounced"), 6);
    // Unsubscribed and cleaned rows are not people on the list.
    assert_eq!(env.ok(&["person", "list", "--json"]).json()["data"].as_array().unwrap().len(), 48);
    // Evidence names the file's SHA-256 and row.
    let hist = env.ok(&["consent", "history", "--json"]).json();
    let e = &hist["data"][0];
    assert!(e["evidence_ref"].as_str().unwrap().contains(&format!("sha256:{}", r["data"]["sha256"].as_str().unwrap())));
    assert!(e["evidence_ref"].as_str().unwrap().contains(" line "));
}

#[test]
fn suppressed_addresses_cannot_be_added_to_marketing() {
    let env = TestEnv::with_texts();
    let zip = fixtures().join("exports/mailchimp-audience-export.zip").display().to_string();
    let mut args = vec!["person", "import", zip.as_str(), "--without-consent"];
    args.extend(FACTS);
    env.ok(&args);
    // An unsubscribed address from the export, added back as a person and given a newsletter consent.
    let bytes = std::fs::read(fixtures().join("exports/mailchimp-audience-export.zip")).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut unsub = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        if f.name().unwrap().starts_with("unsubscribed_") {
            std::io::Read::read_to_string(&mut f, &mut unsub).unwrap();
        }
    }
    let email = unsub.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    env.ok(&[
        "person",
        "add",
        "--ref",
        "U1",
        "--name",
        "Came Back",
        "--email",
        &email,
        "--adult-confirmed",
        "yes",
        "--jurisdiction",
        "england_wales",
    ]);
    let r = env.run(&[
        "consent",
        "record",
        "--person",
        "U1",
        "--purpose",
        "newsletter",
        "--controllers",
        "brightwater-trust",
        "--channels",
        "email",
        "--at",
        "2026-06-01T10:00:00Z",
        "--recorded-by",
        "fac",
        "--method",
        "online_checkbox",
        "--evidence-ref",
        "EV",
        "--statement-version",
        "NL-2021",
        "--notice-version",
        "PN-2021",
        "--told-can-withdraw",
        "yes",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("on the suppression list (unsubscribed)"), "{}", r.stderr);
    // A non-marketing purpose is still possible.
    env.ok(&[
        "consent",
        "record",
        "--person",
        "U1",
        "--purpose",
        "disclose_to_successor",
        "--controllers",
        "kscop-steering-group",
        "--at",
        "2026-06-01T10:00:00Z",
        "--recorded-by",
        "fac",
        "--method",
        "paper_signed",
        "--evidence-ref",
        "EV",
        "--statement-version",
        "DS-2025",
        "--notice-version",
        "PN-2025",
        "--told-can-withdraw",
        "yes",
    ]);
    // The plan keeps the suppressed address off the mailing list that goes.
    let p = env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", "U1", "--json"]).json();
    assert_eq!(p["data"]["mailing_list"]["reason"], "suppressed", "{}", p["data"]);
    // Marketing suppression is for marketing: the register disclosure the person consented to goes.
    assert_eq!(p["data"]["register"]["reason"], "consent_names_receiver", "{}", p["data"]);
    // A fresh consent to the group's own newsletter, given after the unsubscribe, is their latest
    // word: recorded, and it puts them on the group's list. The charity's own newsletter stays shut.
    let later = |purpose: &str, controller: &str, statement: &str| {
        env.run(&[
            "consent",
            "record",
            "--person",
            "U1",
            "--purpose",
            purpose,
            "--controllers",
            controller,
            "--channels",
            "email",
            "--at",
            "2026-11-20T10:00:00Z",
            "--recorded-by",
            "fac",
            "--method",
            "online_checkbox",
            "--evidence-ref",
            "EV-later",
            "--statement-version",
            statement,
            "--notice-version",
            "PN-2025",
            "--told-can-withdraw",
            "yes",
        ])
    };
    let r = later("successor_newsletter", "kscop-steering-group", "SN-2025");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = env.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", "U1", "--json"]).json();
    assert_eq!(p["data"]["mailing_list"]["reason"], "consent_names_receiver", "{}", p["data"]);
    let r = later("newsletter", "brightwater-trust", "NL-2021");
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn fixture_statuses_at_a_date() {
    let env = TestEnv::with_fixtures();
    // M0001 (the chair) consented to the newsletter in 2019; at the end of 2020 it was in force.
    let h = env.ok(&["consent", "history", "M0001", "--purpose", "newsletter", "--at", "2020-12-31"]).stdout;
    assert!(h.contains("newsletter               brightwater-trust        granted"), "{h}");
    let h = env.ok(&["consent", "history", "M0001", "--purpose", "newsletter", "--at", "2026-11-25"]).stdout;
    assert!(h.contains("expired"), "{h}");
    let show = env.ok(&["person", "show", "M0002", "--json"]).json();
    let sc: Vec<&str> =
        show["data"]["special_category_fields"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(sc.contains(&"stakeholder_group") && sc.contains(&"roles.designation"), "{sc:?}");
}

/// Exports saved on another system often come as `.CSV`: a Mailchimp zip whose files end in upper
/// case is read as the same export.
#[test]
fn a_mailchimp_export_with_upper_case_file_names_is_read() {
    let env = TestEnv::with_texts();
    let bytes = std::fs::read(fixtures().join("exports/mailchimp-audience-export.zip")).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let upper = env.path().join("export.ZIP");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&upper).unwrap());
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().replace(".csv", ".CSV");
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut body).unwrap();
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, &body).unwrap();
    }
    w.finish().unwrap();
    let upper = upper.display().to_string();
    let mut args = vec!["person", "import", upper.as_str(), "--format", "mailchimp", "--without-consent", "--json"];
    args.extend(FACTS);
    let r = env.ok(&args).json();
    assert_eq!(count(&r, "grants_added"), 42);
    assert_eq!(count(&r, "suppressed_unsubscribed"), 6);
    assert_eq!(count(&r, "suppressed_bounced"), 6);
}

/// CSV files are read strictly: a row with too few or too many cells, or a quote that is never
/// closed, refuses the file with its line (the csv reader once took such rows, shifting columns
/// or swallowing the rest of the file into one cell); dates outside 1900–2100 are refused.
#[test]
fn ragged_rows_open_quotes_and_far_dates_are_refused_with_the_line() {
    let env = TestEnv::with_texts();
    let header =
        "ref,name,email,phone,organisation,stakeholder_group,hub,jurisdiction,adult_confirmed,source,joined_on,notes\n";
    let good = "G1,Synthetic Good,g1@example.org,,,member,,england_wales,yes,form,2024-01-01,\n";
    for (body, why) in [
        (format!("{good}G2,Synthetic Short,g2@example.org\n"), "line 3 has 3 cells, the header has 12"),
        (
            format!("{good}G3,Synthetic Long,g3@example.org,,,member,,england_wales,yes,form,2024-01-01,,extra\n"),
            "line 3 has 13 cells",
        ),
        (
            format!("G4,\"Synthetic Open,g4@example.org,,,member,,england_wales,yes,form,2024-01-01,\n{good}"),
            "line 2: a quoted cell is never closed",
        ),
        (
            "G5,Synthetic Early,g5@example.org,,,member,,england_wales,yes,form,0024-01-01,\n".to_string(),
            "joined_on: not a date",
        ),
        (
            "G6,Synthetic Late,g6@example.org,,,member,,england_wales,yes,form,2240-01-01,\n".to_string(),
            "joined_on: not a date",
        ),
    ] {
        let f = env.path().join("people.csv");
        std::fs::write(&f, format!("{header}{body}")).unwrap();
        let r = env.run(&["person", "import", f.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{why}: {}", r.stderr);
        assert!(r.stderr.contains(why), "wanted '{why}': {}", r.stderr);
        let list = env.ok(&["person", "list", "--json"]).json();
        assert_eq!(list["data"].as_array().unwrap().len(), 0, "{why}: nothing imported");
    }
    env.ok(&["person", "add", "--ref", "X1", "--name", "Synthetic Champion"]);
    let r =
        env.run(&["role", "assign", "--person", "X1", "--role", "champion", "--hub", "North", "--from", "1850-01-01"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a date"), "{}", r.stderr);
    env.ok(&["role", "assign", "--person", "X1", "--role", "champion", "--hub", "North", "--from", "2024-01-01"]);
}

/// A Mailchimp export with localised merge fields: they are named in a warning, never dropped
/// silently, and `--map` reads them.
#[test]
fn unmapped_mailchimp_columns_are_named_and_can_be_mapped() {
    let env = TestEnv::with_texts();
    let csv = env.write(
        "subscribed_email_audience_export_d1e2f3.csv",
        "Email Address,Vorname,Nachname,Telefonnummer,OPTIN_TIME,CONFIRM_TIME,LEID,EUID\r\n\
         anna.k@example.org,Anna,Kowalski,01632 960321,2024-05-01 10:00:00,2024-05-01 10:05:00,1,e1\r\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["person", "import", csv.as_str(), "--format", "mailchimp", "--json"];
        args.extend(FACTS);
        args.extend(extra);
        env.run(&args)
    };
    let dry = run(&["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(dry.json()["data"]["unmapped_columns"], serde_json::json!(["Vorname", "Nachname", "Telefonnummer"]));
    assert!(dry.stderr.contains("column(s) not read: Vorname, Nachname, Telefonnummer"), "{}", dry.stderr);
    assert_eq!(run(&["--map", "Vorname=birthday"]).code, 2, "only fields it can map to");
    assert_eq!(run(&["--map", "Spitzname=name"]).code, 2, "only columns the file has");
    let r = run(&["--map", "Vorname=first_name", "--map", "Nachname=last_name", "--map", "Telefonnummer=phone"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.json()["data"].get("unmapped_columns").is_none());
    let p = env.ok(&["person", "list", "--json"]).json()["data"][0].clone();
    assert_eq!(p["name"], "Anna Kowalski", "{p}");
    assert_eq!(p["phone"], "01632 960321", "{p}");
}

/// MailPoet writes one row per subscriber per list: a per-list unsubscribe is that list's, only
/// the global status is suppression, the outcome does not depend on row order, and the list the
/// purpose covers must be named when there are several.
#[test]
fn mailpoet_per_list_status_applies_to_its_list_only() {
    let env = TestEnv::with_texts();
    let head = "\u{feff}\"Email\",\"First name\",\"Last name\",\"Subscription time\",\"Confirmation time\",\"List status\",\"Global status\",\"List\"\n";
    let rows = [
        "\"a@example.org\",\"Ann\",\"Ash\",\"2022-04-01 10:00:00\",\"2022-04-01 10:05:00\",\"subscribed\",\"subscribed\",\"Newsletter\"",
        "\"a@example.org\",\"Ann\",\"Ash\",\"2022-04-01 10:00:00\",\"2022-04-01 10:05:00\",\"unsubscribed\",\"subscribed\",\"Events\"",
        "\"b@example.org\",\"Bo\",\"C:\\\",\"2022-04-01 10:00:00\",\"2022-04-01 10:05:00\",\"unsubscribed\",\"subscribed\",\"Newsletter\"",
        "\"c@example.org\",\"Cy\",\"Dee\",\"2022-04-01 10:00:00\",\"2022-04-01 10:05:00\",\"subscribed\",\"unsubscribed\",\"Events\"",
    ];
    let run = |name: &str, lines: &[&str], extra: &[&str]| {
        let text = format!("{head}{}\n", lines.join("\n"));
        let file = env.write(name, &text);
        let mut args = vec!["person", "import", file.as_str(), "--format", "mailpoet", "--dry-run", "--json"];
        args.extend(FACTS);
        args.extend(extra);
        env.run(&args)
    };
    let several = run("mp.csv", &rows, &[]);
    assert_eq!(several.code, 2);
    assert!(several.stderr.contains("several lists (Newsletter, Events)"), "{}", several.stderr);
    let r = run("mp.csv", &rows, &["--list", "Newsletter"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = &r.json()["data"]["counts"];
    assert_eq!(c["grants_added"], 1, "{c}");
    assert_eq!(c["suppressed_unsubscribed"], 1, "only the global unsubscribe is suppression: {c}");
    assert_eq!(c["left_the_list"], 1, "{c}");
    assert_eq!(c["rows_of_other_lists"], 1, "{c}");
    let mut reversed = rows.to_vec();
    reversed.reverse();
    let again = run("mp2.csv", &reversed, &["--list", "Newsletter"]);
    assert_eq!(again.json()["data"]["counts"], *c, "the outcome does not depend on row order");
    // An export without the status columns is refused for that reason.
    let subset =
        env.write("subset.csv", "\"Email\",\"First name\",\"List\"\n\"a@example.org\",\"Ann\",\"Newsletter\"\n");
    let mut args = vec!["person", "import", subset.as_str(), "--format", "mailpoet", "--dry-run"];
    args.extend(FACTS);
    let s = env.run(&args);
    assert_eq!(s.code, 2);
    assert!(s.stderr.contains("export again with the subscribers' status fields selected"), "{}", s.stderr);
}
