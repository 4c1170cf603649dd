//! The steering group's side, as volunteers do it: keys in the standard folder, one `receive`,
//! letters they can read, `next`, the mailing list from their own register, and no flags for
//! what the tool can remember.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::bundle::create_run;
use crate::util::TestEnv;

/// The demo's register (plan approved) and the group's keys made where volunteers keep them.
fn ready_group() -> (TestEnv, PathBuf) {
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

fn bundle(env: &TestEnv, demo: &Path, out: &str) -> PathBuf {
    let r = create_run(env, demo, out, &["--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    env.path().join(r.json()["data"]["bundle"].as_str().unwrap())
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
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--from", &sender]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Fingerprint:"), "the fingerprint to compare is shown: {}", r.stderr);
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
    assert!(letter.contains("Brightwater Trust") && !letter.contains("brightwater-trust"), "{letter}");
    assert!(letter.contains("by 25 December 2026"), "the privacy notice date in words");
    assert!(letter.contains("by 9 December 2026"), "the account date in words");
    assert!(letter.contains(&format!("{receipt}.minisig")));
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
    assert!(next.stdout.contains("handover account rotate-done") && next.stdout.contains("--what all"));
    assert!(next.stdout.contains("handover notice send-list --received"), "{}", next.stdout);
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
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--from", &sender, "--into", "g/register.db", "--json"]);
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
    assert_eq!(h, ["Email Address", "First Name", "Last Name", "Tags"]);
    assert_eq!(rows.len(), expected);
    assert!(rows[0][3].starts_with("\"consent "), "{:?}", &rows[0]);
    let (h, rows) = export("mailpoet");
    assert_eq!(&h[..3], ["email", "first_name", "last_name"]);
    assert_eq!(rows.len(), expected);
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
    // A key trusted under a name: refused when it is your own, and kept once.
    let r = env.run_user(&["keys", "trust", &own, "--name", "Us"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("your own signing key"), "{}", r.stderr);
    let sender = demo.join("keys/facilitator-minisign.pub").display().to_string();
    env.run_user(&["keys", "trust", &sender, "--name", "Brightwater Trust"]);
    let again = env.run_user(&["keys", "trust", &sender, "--name", "Brightwater Trust"]);
    assert!(again.stdout.contains("already trusted"), "{}", again.stdout);
    // Trusted beforehand: no --from is needed.
    let r = env.run_user(&["receive", first.to_str().unwrap(), "--into", "g/register.db"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
