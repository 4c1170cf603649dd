//! The steering group's side, as volunteers do it: keys in the standard folder, one `receive`,
//! letters they can read, `next`, the mailing list from their own register, and no flags for
//! what the tool can remember.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::util::TestEnv;

/// The demo's register (plan approved) and the group's keys made where volunteers keep them.
pub(crate) fn ready_group() -> (TestEnv, PathBuf) {
    let env = TestEnv::new();
    let demo = env.path().join("demo");
    env.ok(&["demo", "--out", demo.to_str().unwrap()]);
    let k = env.ok(&["keys", "new", "--unprotected", "--json"]).json();
    let keys = env.path().join(".config/handover/keys");
    assert_eq!(k["data"]["age_identity_file"], keys.join("handover-age.key").display().to_string());
    // The group's recipient goes to the sender, who encrypts to it.
    std::fs::create_dir_all(env.path().join("group")).unwrap();
    std::fs::copy(keys.join("handover-age.pub"), env.path().join("group/group-age.pub")).unwrap();
    (env, demo)
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777
}

pub(crate) fn bundle(env: &TestEnv, demo: &Path, out: &str) -> PathBuf {
    env.path().join(crate::bundle::create(env, demo, out)["data"]["bundle"].as_str().unwrap())
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(files(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn a_volunteer_receives_with_one_command_and_runs_the_community_without_flags() {
    let (env, demo) = ready_group();
    let keys = env.path().join(".config/handover/keys");
    assert_eq!(mode(&keys), 0o700);
    assert_eq!(mode(&keys.join("handover-age.key")), 0o600);
    assert_eq!(mode(&keys.join("handover-minisign.key")), 0o600);
    let first = bundle(&env, &demo, "out1");
    let sender = demo.join("keys/facilitator-minisign.pub").display().to_string();

    // The first time, the sender's key is needed: the refusal says which key signed it.
    let r = env.run_user(&["receive", first.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not one of your trusted senders") && r.stderr.contains("--from"), "{}", r.stderr);
    assert!(!env.path().join("kent-and-sussex-community-of-practice").exists(), "a refusal writes nothing");

    // One command: verified, imported, letters and receipt beside the register.
    // The data protection lead's approval is by a key the group has not checked: refused, with
    // what to do, and nothing written.
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--from", &sender]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("which you have not checked") && r.stderr.contains("--approver"), "{}", r.stderr);
    assert!(!env.path().join("kent-and-sussex-community-of-practice").exists(), "a refusal writes nothing");
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--from", &sender, "--approver", &dp]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Fingerprint:"), "the fingerprint to compare is shown: {}", r.stderr);
    assert!(r.stdout.contains("is now trusted as Brightwater Trust's approver"), "{}", r.stdout);
    let folder = env.path().join("kent-and-sussex-community-of-practice");
    let register = folder.join("register.db");
    assert!(register.is_file(), "the register is in a folder named after the community: {}", r.stdout);
    for f in ["HANDOVER-LETTER.html", "HANDOVER-LETTER-easy-read.html"] {
        assert_eq!(mode(&folder.join(f)), 0o600, "{f} is owner-only");
    }
    assert_eq!(mode(&folder.join("register-documents")), 0o700);
    let receipt = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".receipt.json"))
        .expect("a receipt");
    assert!(r.stdout.contains(&format!("{receipt}.minisig")), "{}", r.stdout);
    assert!(r.stdout.contains("Send these two files back to Brightwater Trust"), "{}", r.stdout);
    assert!(r.stdout.contains("handover next"), "{}", r.stdout);
    // Nothing else in clear: no mailing list or account secret was written out.
    for f in files(&folder) {
        let name = f.file_name().unwrap().to_string_lossy().to_lowercase();
        let csv = f.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        assert!(!csv && !name.contains("accounts"), "{name} is in the clear");
    }

    // The letter: names, dates in words, reasons in words, what to send back and to whom.
    let letter = std::fs::read_to_string(folder.join("HANDOVER-LETTER.html")).unwrap();
    // Dates are kept whole on a printed line: read the words without that markup.
    let letter = letter.replace("<span style=\"white-space:nowrap\">", "").replace("</span>", "");
    assert!(letter.contains("Brightwater Trust") && !letter.contains("brightwater-trust"), "{letter}");
    assert!(letter.contains("by 25 December 2026"), "the privacy notice date in words");
    assert!(letter.contains("by 9 December 2026"), "the account date in words");
    assert!(letter.contains(&format!("{receipt}.minisig")));
    assert!(letter.contains("dataprotection@brightwater.example"), "the sender's contact");
    for jargon in ["LIA", "objection window", "no_basis_for_receiver", "consent_names_receiver"] {
        assert!(!letter.contains(jargon), "{jargon} in the letter");
    }
    let easy = std::fs::read_to_string(folder.join("HANDOVER-LETTER-easy-read.html")).unwrap();
    assert!(easy.contains("<svg") && easy.contains("25 December 2026"));
    for page in [folder.join("HANDOVER-LETTER.html"), folder.join("HANDOVER-LETTER-easy-read.html")] {
        let check = crate::util::tool("python3")
            .arg(crate::util::root().join("tests/files/check_html.py"))
            .arg(&page)
            .output()
            .unwrap();
        assert!(check.status.success(), "{}: {}", page.display(), String::from_utf8_lossy(&check.stdout));
    }

    // The register is remembered: no --register, no HANDOVER_REGISTER.
    let people = env.run_user(&["person", "list", "--json"]);
    assert_eq!(people.code, 0, "{}", people.stderr);
    assert!(!people.json()["data"].as_array().unwrap().is_empty());
    let used = env.run_user(&["use", "--json"]).json();
    assert_eq!(used["data"]["register"], register.display().to_string());
    // A wrong --register names the one remembered, never `init`.
    let wrong = env.run_user(&["--register", "elsewhere.db", "person", "list"]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stderr.contains(&register.display().to_string()) && !wrong.stderr.contains("init"),
        "{}",
        wrong.stderr
    );

    // `next`, and `handover` alone: soonest first, dates in words, the command for each.
    let next = env.run_user(&["next"]);
    assert_eq!(next.code, 0, "{}", next.stderr);
    let rotate = next.stdout.find("by 9 December 2026").expect("the rotation date");
    let notice = next.stdout.find("by 25 December 2026").expect("the privacy notice date");
    assert!(rotate < notice, "soonest first:\n{}", next.stdout);
    // Each account's path, in order: see the password, change and store it, then each step,
    // recorded as it is done; never "everything at once".
    let reveal = next.stdout.find("handover account reveal").expect("how to see the current password");
    let store = next.stdout.find("handover account update-secret").expect("how to store the new one");
    let recorded = next.stdout.find("--what password").expect("recording the password step");
    assert!(reveal < store && store < recorded, "{}", next.stdout);
    for step in ["--what recovery", "--what 2fa", "--what admins"] {
        assert!(next.stdout.contains(step), "{step}: {}", next.stdout);
    }
    assert!(!next.stdout.contains("--what all"), "{}", next.stdout);
    assert!(next.stdout.contains("send the receipt back to Brightwater Trust"), "{}", next.stdout);
    // One member's key opens the passwords: the others are offered a place.
    assert!(next.stdout.contains("handover custodian add THEIR-age.pub"), "{}", next.stdout);
    // A paid-until date is said as a date, and the command closes the task.
    let tasks = env.run_user(&["tasks", "list", "--json"]).json();
    let paid = tasks["data"].as_array().unwrap().iter().find(|t| t["kind"] == "account_paid_until").unwrap().clone();
    assert!(paid["title"].as_str().unwrap().contains("only until 2027-04-30"), "{paid}");
    assert!(next.stdout.contains(&format!("handover tasks done {}", paid["id"].as_str().unwrap())), "{}", next.stdout);
    // Run on another register than the one remembered, every command names it.
    let demo_reg = demo.join("handover.db").display().to_string();
    let other = env.run_user(&["--register", &demo_reg, "next"]);
    let commands: Vec<&str> = other.stdout.lines().map(str::trim).filter(|l| l.starts_with("handover ")).collect();
    assert!(!commands.is_empty() && commands.iter().all(|c| c.starts_with("handover --register ")), "{}", other.stdout);
    assert!(next.stdout.contains("handover notice send-list --received"), "{}", next.stdout);
    // Telling everyone starts from the notice template, when the group has no notice yet.
    let template = next.stdout.find("handover notice template").expect("the notice template first");
    assert!(template < next.stdout.find("handover notice send-list").unwrap(), "{}", next.stdout);
    let t = env.run_user(&["notice", "template", "--out", "."]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    let notice = std::fs::read_to_string(env.path().join("privacy-notice.txt")).unwrap();
    for part in
        ["Brightwater Trust passed your details", "KSCoP", "Information Commissioner's Office", "How long we keep them"]
    {
        assert!(notice.contains(part), "{part}:\n{notice}");
    }
    assert!(env.path().join("privacy-notice-easy-read.txt").is_file());
    assert_eq!(env.run_user(&["notice", "template", "--out", "."]).code, 2, "never overwritten");
    let steps = env.run_user(&["next", "--json"]).json();
    assert!(steps["data"]["steps"].as_array().unwrap().len() >= 2, "{steps}");
    crate::hints::assert_next_commands_parse(&steps);
    let bare = env.run_user(&[]);
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    assert_eq!(bare.stdout, next.stdout);

    // The sender is trusted now: the follow-up needs no --from and merges into the register in use.
    let trusted = env.run_user(&["keys", "trusted", "--json"]).json();
    assert_eq!(trusted["data"][0]["name"], "Brightwater Trust", "{trusted}");
    let second = bundle(&env, &demo, "out2");
    let r = env.run_user(&["receive", second.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.json()["data"].clone();
    assert_eq!(d["imported"]["merged"], true, "{d}");
    assert_eq!(d["register"], register.display().to_string());
    assert!(
        d["letter"]
            .as_str()
            .unwrap()
            .ends_with(&format!("HANDOVER-LETTER-{}.html", d["imported"]["bundle_id"].as_str().unwrap()))
    );
    assert!(folder.join("HANDOVER-LETTER.html").is_file(), "the first letter stays");
}

#[test]
fn the_mailing_list_comes_from_the_groups_register_on_the_day() {
    let (env, demo) = ready_group();
    let first = bundle(&env, &demo, "out1");
    let sender = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let r = env.run_user(&[
        "receive",
        first.to_str().unwrap(),
        "--from",
        &sender,
        "--approver",
        &dp,
        "--into",
        "g/register.db",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expected = {
        let reg = demo.join("handover.db").display().to_string();
        let plan = env.ok(&["--register", &reg, "transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
        plan["data"]["totals"]["mailing_list_included"].as_u64().unwrap() as usize
    };
    let export = |format: &str| {
        let r = env.run_user(&["mailing-list", "export", "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut rd = csv::ReaderBuilder::new().from_reader(r.stdout.as_bytes());
        let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        (header, rows)
    };
    let (h, rows) = export("listmonk");
    assert_eq!(h, ["email", "name", "attributes"]);
    assert_eq!(rows.len(), expected);
    let attrs: serde_json::Value = serde_json::from_str(&rows[0][2]).unwrap();
    assert!(attrs["consent"]["consent_id"].is_string() && attrs["consent"]["at"].is_string(), "{attrs}");
    let (h, rows) = export("mailchimp");
    assert_eq!(h, ["Email Address", "First Name", "Last Name", "Tags", "Consent Date", "Consent Statement"]);
    assert_eq!(rows.len(), expected);
    // One tag for the source; the consent evidence in columns, not a tag per consent date.
    let tags: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[3]).collect();
    assert_eq!(tags.into_iter().collect::<Vec<_>>(), ["\"handover\""], "one tag");
    assert!(rows.iter().all(|r| r[4].len() == 10), "{:?}", &rows[0]);
    let (h, rows) = export("mailpoet");
    assert_eq!(&h[..3], ["email", "first_name", "last_name"]);
    assert_eq!(rows.len(), expected);
    // A name a spreadsheet would run as a formula stays text in every format.
    let listed = rows[1][0].to_string();
    let who = env.run_user(&["person", "list", "--json"]).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == listed.as_str())
        .unwrap()["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let e = env.run_user(&["person", "edit", &who, "--name", "@SUM(1+1) =HYPERLINK(x)"]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    for format in ["listmonk", "mailchimp", "mailpoet"] {
        let (_, rows) = export(format);
        let row = rows.iter().find(|r| &r[0] == listed.as_str()).unwrap();
        assert!(row.iter().all(|c| !c.starts_with(['=', '@', '+', '-'])), "{format}: {row:?}");
        assert!(row.iter().any(|c| c.starts_with("'@SUM")), "{format}: {row:?}");
    }
    // Someone withdraws: the next export leaves them out.
    let email = rows[0][0].to_string();
    let person = env.run_user(&["person", "list", "--json"]).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == email.as_str())
        .unwrap()["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let w = env.run_user(&[
        "consent",
        "withdraw",
        "--person",
        &person,
        "--purpose",
        "successor_newsletter",
        "--at",
        "now",
        "--recorded-by",
        "sg",
        "--channels",
        "email",
    ]);
    assert_eq!(w.code, 0, "{}", w.stderr);
    let (_, rows) = export("listmonk");
    assert_eq!(rows.len(), expected - 1);
    assert!(rows.iter().all(|r| r[0] != email), "the person who withdrew is left out");
    // --out writes a new owner-only file, and never over an old list.
    let out = env.run_user(&["mailing-list", "export", "--format", "listmonk", "--out", "list.csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mode(&env.path().join("list.csv")), 0o600);
    let again = env.run_user(&["mailing-list", "export", "--format", "listmonk", "--out", "list.csv"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
}

#[test]
fn the_usual_receiving_mistakes_are_named() {
    let (env, demo) = ready_group();
    let first = bundle(&env, &demo, "out1");
    let own = env.path().join(".config/handover/keys/handover-minisign.pub").display().to_string();
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--from", &own]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("this is your own signing key"), "{}", r.stderr);
    let receipt_like = env.write("bdl_0.receipt.json", "{}");
    let r = env.run_user(&["receive", &receipt_like]);
    assert!(r.stderr.contains("this is a receipt"), "{}", r.stderr);
    // Another key than the sender's: named as a key mix-up, never "ask for a new bundle".
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--from", &dp, "--into", "x/register.db"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not by the key you gave") && !r.stderr.contains("new bundle"), "{}", r.stderr);
    // Not encrypted to the identity given: named as such.
    env.ok(&["keys", "new", "--out", "other", "--name", "other", "--unprotected"]);
    let sender = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let r = env.run_user(&[
        "receive",
        first.to_str().unwrap(),
        "--from",
        &sender,
        "--identity",
        "other/other-age.key",
        "--into",
        "x/register.db",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not encrypted to your key") && !r.stderr.contains("new bundle"), "{}", r.stderr);
    assert!(!env.path().join("x").exists(), "a refusal writes nothing");
    // The approver's key: never the sender's own, and the one given must be the approval's.
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--from", &sender, "--approver", &sender]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("the sender's own signing key"), "{}", r.stderr);
    let r = env.run_user(&[
        "receive",
        first.to_str().unwrap(),
        "--from",
        &sender,
        "--approver",
        "other/other-minisign.pub",
        "--into",
        "x/register.db",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not by the data protection lead's key you gave"), "{}", r.stderr);
    assert!(!env.path().join("x").exists(), "a refusal writes nothing");
    // A name with a terminal escape in it is refused: it would be printed at every receive.
    let r = env.run_user(&["keys", "trust", &sender, "--name", "Brightwater\u{1b}]0;owned\u{7}"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("may not hold control characters"), "{}", r.stderr);
    // A key trusted under a name: refused when it is your own, and kept once.
    let r = env.run_user(&["keys", "trust", &own, "--name", "Us"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("your own signing key"), "{}", r.stderr);
    env.run_user(&["keys", "trust", &sender, "--name", "Brightwater Trust"]);
    let again = env.run_user(&["keys", "trust", &sender, "--name", "Brightwater Trust"]);
    assert!(again.stdout.contains("already trusted"), "{}", again.stdout);
    // Trusted beforehand, the sender and its approver: no --from or --approver is needed.
    let r = env.run_user(&["keys", "trust", &dp, "--name", "DP lead", "--approver-for", "Brightwater Trust"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--into", "g/register.db"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn everyday_commands_for_the_group_and_the_sender() {
    let (env, demo) = ready_group();
    let first = bundle(&env, &demo, "out1");
    let sender_pub = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let sender = crate::bundle::on(&env, demo.join("handover.db").to_str().unwrap().to_string().leak());
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let receive = ["receive", first.to_str().unwrap(), "--from", &sender_pub, "--approver", &dp];
    let r = env.run_user(&[&receive[..], &["--into", "g/register.db", "--json"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.json()["data"]["imported"]["bundle_id"].as_str().unwrap().to_string();
    let added = r.json()["data"]["imported"]["added_people"].as_u64().unwrap() as usize;

    // The receiver's view of the transfer: the file's name, who it was encrypted to, who came.
    let show = env.run_user(&["transfer", "show", &id]);
    assert!(show.stdout.contains("kent-and-sussex-community-of-practice-2026-11-25.zip.age"), "{}", show.stdout);
    assert!(show.stdout.contains(&format!("{added} people came")), "{}", show.stdout);
    assert!(show.stdout.contains("encrypted to age1"), "{}", show.stdout);
    assert!(show.stdout.contains("received: 2026-11-25"), "{}", show.stdout);

    // Accounts by their service; every step at once; the new password stored, the old one gone.
    let accounts = env.run_user(&["account", "list", "--json"]).json();
    let service = accounts["data"][0]["service"].as_str().unwrap().to_string();
    let url = accounts["data"][0]["url"].as_str().unwrap().to_string();
    let login = accounts["data"][0]["login"].as_str().unwrap().to_string();
    let new = env.write("new-password.txt", "password: a new one only the group knows\n");
    let up = env.run_user(&["account", "update-secret", &service, "--secret-file", &new]);
    assert_eq!(up.code, 0, "{}", up.stderr);
    let identity = env.path().join(".config/handover/keys/handover-age.key").display().to_string();
    env.run_user(&["account", "reveal", &service, "--identity", &identity, "--out", "shown.txt"]);
    assert_eq!(
        std::fs::read_to_string(env.path().join("shown.txt")).unwrap(),
        "password: a new one only the group knows\n"
    );
    let dup = env.run_user(&[
        "account",
        "add",
        "--service",
        &service,
        "--url",
        &url,
        "--login",
        &login,
        "--secret-file",
        &new,
    ]);
    assert_eq!(dup.code, 2, "an exact duplicate is refused: {}", dup.stderr);
    assert!(dup.stderr.contains("in the register already") && dup.stderr.contains("update-secret"), "{}", dup.stderr);
    let done = env.run_user(&["account", "rotate-done", &service, "--what", "all", "--json"]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let tasks = env.run_user(&["tasks", "list", "--json"]).json();
    assert!(!tasks["data"].as_array().unwrap().iter().any(|t| t["kind"] == "rotate_account"), "{tasks}");

    // Before anyone is told: the mailing list says who has not had the group's notice (Art
    // 14(3)(b): at the latest with the first message), and the task cannot be closed by hand.
    let warned = env.run_user(&["mailing-list", "export", "--format", "listmonk"]);
    assert_eq!(warned.code, 0, "{}", warned.stderr);
    assert!(warned.stderr.contains("have not been given your privacy notice yet"), "{}", warned.stderr);
    let art14 = env.run_user(&["tasks", "list", "--json"]).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "art14_notice")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let by_hand = env.run_user(&["tasks", "done", &art14]);
    assert_eq!(by_hand.code, 2, "{}", by_hand.stderr);
    assert!(by_hand.stderr.contains("notice send-log"), "{}", by_hand.stderr);
    // The group's privacy notice (Art 14): who must get it, and the task closes itself once the
    // send log covers everyone.
    let text = env.write("our-notice.txt", "We are the steering group. Your details came from Brightwater Trust.");
    env.run_user(&["notice", "add", "--version", "SG-PN-1", "--file", &text, "--effective-from", "2026-11-25"]);
    let list = env.run_user(&["notice", "send-list", "--received", &id, "--out", "send-list.csv"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let mut rd = csv::Reader::from_path(env.path().join("send-list.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), added);
    assert!(rows.iter().all(|r| &r[3] == "SG-PN-1"), "your own latest notice");
    // The send list comes back as the send log: the same file, with the day (or time) each went
    // filled in as people write it.
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        ["person_ref", "email", "name", "notice_version", "sent_at", "channel"]
    );
    let log = |rows: &[csv::StringRecord], when: &str| {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["person_ref", "email", "name", "notice_version", "sent_at", "channel"]).unwrap();
        for r in rows {
            w.write_record([&r[0], &r[1], &r[2], &r[3], when, &r[5]]).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    };
    // Half first: the task stays open; then the rest: it closes. (Sent just after the receipt, at
    // the clock the tests run at, within the skew a future date is allowed.)
    let half = rows.len() / 2;
    env.write("bad.csv", &log(&rows[..half], "25th November"));
    let bad = env.run_user(&["notice", "send-log", "bad.csv"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("5/12/2026 (day first)"), "an example in the error: {}", bad.stderr);
    env.write("sent-1.csv", &log(&rows[..half], "25/11/2026"));
    let first = env.run_user(&["notice", "send-log", "sent-1.csv"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.contains("notices_sent"), "{}{}", first.stdout, first.stderr);
    let open = |env: &TestEnv| {
        env.run_user(&["tasks", "list", "--json"]).json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "art14_notice")
    };
    assert!(open(&env));
    let rest = env.run_user(&["notice", "send-list", "--received", &id]);
    assert_eq!(rest.stdout.lines().count() - 1, rows.len() - half, "only those not yet sent");
    env.write("sent-2.csv", &log(&rows[half..], "2026-11-25 12:01"));
    let closed = env.run_user(&["notice", "send-log", "sent-2.csv"]);
    assert!(closed.stdout.contains("privacy_notice_tasks_closed"), "{}", closed.stdout);
    assert!(!open(&env));

    // Completion: written beside the register; a second run says what exists and what to do.
    let c = env.run_user(&["transfer", "complete", "--bundle", &id]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let statement = env.path().join(format!("g/{id}.complete.json"));
    assert!(statement.is_file() && env.path().join(format!("g/{id}.complete.json.minisig")).is_file());
    assert!(c.stdout.contains("Send both to Brightwater Trust"), "{}", c.stdout);
    let again = env.run_user(&["transfer", "complete", "--bundle", &id]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists") && again.stderr.contains("send it"), "{}", again.stderr);

    // The sender records the statement, then the receipt that came late: both dates are kept.
    let group_pub = env.path().join(".config/handover/keys/handover-minisign.pub").display().to_string();
    let st = sender(&["transfer", "confirm", "--statement", statement.to_str().unwrap(), "--signer", &group_pub]);
    assert_eq!(st.code, 0, "{}", st.stderr);
    let receipt = env.path().join(format!("g/{id}.receipt.json"));
    let rc = sender(&["transfer", "confirm", "--receipt", receipt.to_str().unwrap(), "--signer", &group_pub]);
    assert_eq!(rc.code, 0, "{}", rc.stderr);
    assert!(rc.stdout.contains("is recorded too"), "{}", rc.stdout);
    let v = sender(&["transfer", "show", &id, "--json"]).json();
    assert!(v["data"]["receipt_at"].is_string() && v["data"]["completed_at"].is_string(), "{v}");

    // A bundle made again by mistake is voided: not counted, and nothing is owed for it.
    let second = crate::bundle::create(&env, &demo, "out2");
    let id2 = second["data"]["bundle_id"].as_str().unwrap().to_string();
    let refused = sender(&["transfer", "void", &id, "--reason", "oops"]);
    assert_eq!(refused.code, 2, "a received bundle is not voided: {}", refused.stderr);
    let void = sender(&["transfer", "void", &id2, "--reason", "made twice"]);
    assert_eq!(void.code, 0, "{}", void.stderr);
    let report = sender(&["audit", "report", "--json"]).json();
    let ids: Vec<&str> =
        report["data"]["transfers"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&id.as_str()) && !ids.contains(&id2.as_str()), "{ids:?}");
    assert!(sender(&["transfer", "list"]).stdout.contains("void"));

    // A time as a date alone is the start of that day in London; `now` is now.
    let inc = env.run_user(&[
        "incident",
        "record",
        "--what",
        "a laptop was lost",
        "--discovered",
        "2026-07-01",
        "--data",
        "contact",
        "--people",
        "3",
        "--ico",
        "not_reported",
        "--reason",
        "the disk is encrypted",
        "--json",
    ]);
    assert_eq!(inc.code, 0, "{}", inc.stderr);
    assert_eq!(inc.json()["data"]["discovered_at"], "2026-06-30T23:00:00Z", "midnight in London in summer");
}

/// A sender with a new key, under a name already trusted with the old one: received (the keys were
/// checked by phone), and the new key kept apart by its id; it never ends "nothing was changed"
/// after the import changed something.
#[test]
fn a_sender_with_a_new_key_is_received_and_kept_apart() {
    let (env, demo) = ready_group();
    let first = bundle(&env, &demo, "out1");
    env.ok(&["keys", "new", "--out", "old", "--name", "old", "--unprotected"]);
    assert_eq!(env.run_user(&["keys", "trust", "old/old-minisign.pub", "--name", "Brightwater Trust"]).code, 0);
    let sender = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let r = env.run_user(&[
        "receive",
        first.to_str().unwrap(),
        "--from",
        &sender,
        "--approver",
        &dp,
        "--into",
        "g/register.db",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let trusted = env.run_user(&["keys", "trusted"]).stdout;
    assert!(trusted.contains("Brightwater Trust (key "), "{trusted}");
}
