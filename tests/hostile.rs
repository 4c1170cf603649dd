//! Bundles from a sender whose signing key was stolen: every layer signs and encrypts correctly,
//! and what the bag says is hostile. `bundle verify` refuses each (exit 1, naming the layer and
//! the file) and `bundle import` writes nothing, anywhere.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::bundle::{Bag, create, import_run, open_bag, ready, seal};
use crate::util::TestEnv;

/// Rebuild a bundle as a thief holding the sender's signing key would: decrypt, let `edit` change
/// the bag's files and `handover.json`, then list the files again, redo the BagIt manifests, sign
/// `handover.json`, zip, encrypt to the group and sign the ciphertext.
fn forge(env: &TestEnv, demo: &Path, bundle: &Path, out: &str, edit: impl Fn(&mut Bag, &mut Value)) -> PathBuf {
    forge_with(env, demo, bundle, out, false, edit)
}

/// Sign `bytes` with a key file (through `keys sign`); the `.minisig` text.
fn sign_with(env: &TestEnv, key: &str, bytes: &[u8]) -> Option<String> {
    std::fs::write(env.path().join("forged.json"), bytes).unwrap();
    let _ = std::fs::remove_file(env.path().join("forged.json.minisig"));
    env.ok(&["keys", "sign", "forged.json", "--sign-key", key]);
    std::fs::read_to_string(env.path().join("forged.json.minisig")).ok()
}

/// As [`forge`], by someone who also holds the approver's key when `approved` (the data
/// protection lead's approval is signed afresh over the edited values).
fn forge_with(
    env: &TestEnv,
    demo: &Path,
    bundle: &Path,
    out: &str,
    approved: bool,
    edit: impl Fn(&mut Bag, &mut Value),
) -> PathBuf {
    let dp = demo.join("keys/dp-lead-minisign");
    let approver = approved.then(|| dp.display().to_string());
    forge_approved_by(env, demo, bundle, out, approver.as_deref(), edit)
}

/// As [`forge`], the approval signed afresh with the key pair at `approver` (`X` for `X.pub` and
/// `X.key`) when one is given.
fn forge_approved_by(
    env: &TestEnv,
    demo: &Path,
    bundle: &Path,
    out: &str,
    approver: Option<&str>,
    edit: impl Fn(&mut Bag, &mut Value),
) -> PathBuf {
    let (top, mut bag) = open_bag(env, bundle);
    let mut manifest: Value = serde_json::from_slice(&bag["handover.json"]).unwrap();
    edit(&mut bag, &mut manifest);
    let key = demo.join("keys/facilitator-minisign.key").display().to_string();
    let public = approver.map(|a| {
        let text = std::fs::read_to_string(format!("{a}.pub")).unwrap();
        text.lines().find(|l| l.starts_with("RW")).unwrap().to_string()
    });
    let secret = approver.map(|a| format!("{a}.key")).unwrap_or_default();
    let approve = |t: &[u8]| sign_with(env, &secret, t);
    let signed = handover::fuzzing::rebag(
        &mut bag,
        &mut manifest,
        |m| sign_with(env, &key, m),
        public.as_deref().map(|p| (p, &approve as &dyn Fn(&[u8]) -> Option<String>)),
    );
    assert!(signed.is_some(), "the forged manifest was signed");
    seal(env, demo, &top, &bag, out)
}

/// A thief holding the sender's key approves with a key of their own: `bundle verify` names the
/// key that verified (never an id the approval claims), and the import refuses an approval by a
/// key the group did not check with the data protection lead.
#[test]
fn an_approval_by_a_key_the_group_did_not_check_is_refused() {
    let (env, demo) = ready();
    let bundle = create(&env, &demo, "out");
    let bundle = env.path().join(bundle["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    assert_eq!(env.run(&["keys", "new", "--out", "thief", "--name", "thief", "--unprotected"]).code, 0);
    // An email changed, under an approval the thief signs.
    let thief = env.path().join("thief/thief-minisign").display().to_string();
    let forged = forge_approved_by(&env, &demo, &bundle, "thief.zip.age", Some(&thief), |b, _| {
        let list = String::from_utf8(b["data/mailing-list.csv"].clone()).unwrap();
        let first = list.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
        b.insert("data/mailing-list.csv".into(), list.replacen(&first, "injected@example.org", 1).into_bytes());
    });
    let thief_id = env.ok(&["keys", "show", "thief/thief-minisign.pub", "--json"]).json();
    let v = env.run(&[
        "bundle",
        "verify",
        forged.to_str().unwrap(),
        "--identity",
        "group/group-age.key",
        "--signer",
        &pk,
        "--json",
    ]);
    let v = v.json();
    assert_eq!(v["data"]["approver_checked"], false, "{v}");
    assert_eq!(
        v["data"]["approver_key_id"].as_str(),
        thief_id["data"][0]["key_id"].as_str(),
        "the id shown is the verifying key's: {v} {thief_id}"
    );
    let r = import_run(&env, &forged, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("not by the data protection lead's key you gave"), "{}", r.stderr);
    assert!(!env.path().join("g").exists(), "nothing written");
}

/// A thief holding only the sender's key cannot approve with it: an approval signed by the key
/// that signed the bundle is refused at the approval layer, and nothing is imported.
#[test]
fn an_approval_by_the_bundles_own_signing_key_is_refused() {
    let (env, demo) = ready();
    let bundle = create(&env, &demo, "out");
    let bundle = env.path().join(bundle["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let own = demo.join("keys/facilitator-minisign").display().to_string();
    let forged = forge_approved_by(&env, &demo, &bundle, "self-approved.zip.age", Some(&own), |_, _| {});
    let args = ["bundle", "verify", forged.to_str().unwrap(), "--identity", "group/group-age.key", "--signer", &pk];
    let v = env.run(&[&args[..], &["--json"]].concat());
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert_eq!(v.json()["data"]["layer"], "approval", "{}", v.stdout);
    assert!(v.stdout.contains("signed by the key that signed the bundle"), "{}", v.stdout);
    let r = import_run(&env, &forged, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(!env.path().join("g").exists());
}

/// One approval makes one bundle: a thief holding the sender's key who re-sends the genuine bundle
/// under a new id, the data protection lead's approval kept as it was, is refused at the approval
/// layer, before and after the genuine bundle was imported, and nothing is written.
#[test]
fn a_genuine_approval_is_not_reused_under_another_bundle_id() {
    let (env, demo) = ready();
    let bundle = create(&env, &demo, "out");
    let id = bundle["data"]["bundle_id"].as_str().unwrap().to_string();
    let bundle = env.path().join(bundle["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let replay = forge(&env, &demo, &bundle, "replay.zip.age", |_, m| m["bundle_id"] = json!("bdl_0123456789ab"));
    let args = ["bundle", "verify", replay.to_str().unwrap(), "--identity", "group/group-age.key", "--signer", &pk];
    let v = env.run(&[&args[..], &["--json"]].concat());
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert_eq!(v.json()["data"]["layer"], "approval", "{}", v.stdout);
    assert!(v.stdout.contains("the approval is for another bundle"), "{}", v.stdout);
    let r = import_run(&env, &replay, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(!env.path().join("g").exists(), "nothing written");
    // The genuine one imports; its replay under a new id, after it, still changes nothing.
    let ok = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains(&id), "{}", ok.stdout);
    let db = env.path().join("g/register.db");
    let before = std::fs::read(&db).unwrap();
    let again = import_run(&env, &replay, &pk, "g/register.db", &[]);
    assert_eq!(again.code, 1, "{}{}", again.stdout, again.stderr);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the register is unchanged");
}

/// Every file under `dir`, recursively.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten() {
        let p = e.unwrap().path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(tree(&p));
        }
        out.push(p);
    }
    out.sort();
    out
}

fn jsonl(rows: &[Value]) -> Vec<u8> {
    rows.iter().map(|r| format!("{r}\n")).collect::<String>().into_bytes()
}

fn lines_of(bag: &Bag, file: &str) -> Vec<Value> {
    String::from_utf8_lossy(&bag[file]).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The bag path of a plain-text document.
fn text_document(bag: &Bag) -> String {
    bag.keys()
        .find(|k| k.starts_with("data/documents/") && Path::new(k).extension().is_some_and(|e| e == "txt"))
        .unwrap()
        .clone()
}

fn rename_document(bag: &mut Bag, to: &dyn Fn(&str) -> String) {
    let old = text_document(bag);
    let bytes = bag.remove(&old).unwrap();
    let new = to(&old);
    bag.insert(new, bytes);
}

#[test]
#[allow(clippy::too_many_lines, reason = "one case per hostile value, each a few lines")]
fn a_stolen_sender_key_cannot_make_the_receiver_write_anything() {
    let (env, demo) = ready();
    let first = create(&env, &demo, "out");
    let bundle = env.path().join(first["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    type Edit = Box<dyn Fn(&mut Bag, &mut Value)>;
    let people = "data/register/people.jsonl";
    let events = "data/register/consent-events.jsonl";
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        ("bundle id that climbs out", Box::new(|_, m| m["bundle_id"] = json!("../../x")), "schemas", "handover.json"),
        ("bundle id that is absolute", Box::new(|_, m| m["bundle_id"] = json!("/tmp/x")), "schemas", "handover.json"),
        (
            "bundle id with a terminal escape",
            Box::new(|_, m| m["bundle_id"] = json!("bdl_\u{1b}[2J")),
            "schemas",
            "handover.json",
        ),
        (
            "a manifest time that is no time",
            Box::new(|_, m| m["created_at"] = json!("soon")),
            "schemas",
            "handover.json",
        ),
        ("two senders", Box::new(|_, m| m["controllers"][1]["role"] = json!("from")), "rules", "handover.json"),
        (
            "a receiver that is the sender",
            Box::new(|_, m| {
                m["to"] = m["from"].clone();
                m["controllers"][1]["slug"] = m["from"].clone();
            }),
            "rules",
            "handover.json",
        ),
        (
            "controllers that are not the ones named",
            Box::new(|_, m| m["controllers"][0]["slug"] = json!("someone-else")),
            "rules",
            "handover.json",
        ),
        (
            "an unknown consent action",
            Box::new(move |b, _| {
                let mut rows = lines_of(b, events);
                rows[0]["action"] = json!("gift");
                b.insert(events.into(), jsonl(&rows));
            }),
            "schemas",
            events,
        ),
        (
            "a consent time that is no time",
            Box::new(move |b, _| {
                let mut rows = lines_of(b, events);
                rows[0]["at"] = json!("2026-13-45T99:00:00Z");
                b.insert(events.into(), jsonl(&rows));
            }),
            "schemas",
            events,
        ),
        (
            "an event of a person the bundle does not carry",
            Box::new(move |b, _| {
                let mut rows = lines_of(b, events);
                rows[0]["person_id"] = json!("per_000000000000");
                b.insert(events.into(), jsonl(&rows));
            }),
            "rules",
            events,
        ),
        (
            "two people with one email",
            Box::new(move |b, _| {
                let mut rows = lines_of(b, people);
                rows[1]["email"] = json!(rows[0]["email"].as_str().unwrap().to_uppercase());
                b.insert(people.into(), jsonl(&rows));
            }),
            "rules",
            people,
        ),
        (
            "a family carer's group, which reveals a relative's health",
            Box::new(move |b, _| {
                let mut rows = lines_of(b, people);
                rows[0]["stakeholder_group"] = json!("family_carer");
                b.insert(people.into(), jsonl(&rows));
            }),
            "rules",
            people,
        ),
        (
            "a field the schema does not have",
            Box::new(|b, _| {
                let mut a: Value = serde_json::from_slice(&b["data/accounts.json"]).unwrap();
                a[0]["backdoor"] = json!(true);
                b.insert("data/accounts.json".into(), serde_json::to_vec(&a).unwrap());
            }),
            "schemas",
            "data/accounts.json",
        ),
        (
            "one subscriber twice",
            Box::new(|b, _| {
                let list = String::from_utf8(b["data/mailing-list.csv"].clone()).unwrap();
                let row = list.lines().nth(1).unwrap().to_string();
                b.insert("data/mailing-list.csv".into(), format!("{list}{row}\n").into_bytes());
            }),
            "rules",
            "data/mailing-list.csv",
        ),
        (
            "a document in a sub-folder",
            Box::new(|b, _| rename_document(b, &|old| old.replace("data/documents/", "data/documents/sub/"))),
            "schemas",
            "handover.json",
        ),
        (
            "a document name of 300 characters",
            Box::new(|b, _| rename_document(b, &|old| format!("{old}{}", "x".repeat(300)))),
            "schemas",
            "handover.json",
        ),
        (
            "a document name with a right-to-left override",
            Box::new(|b, _| rename_document(b, &|old| old.replace(".txt", "\u{202e}fdp.txt"))),
            "schemas",
            "handover.json",
        ),
        (
            "a decomposed document name",
            Box::new(|b, _| rename_document(b, &|old| old.replace(".txt", "-cafe\u{301}.txt"))),
            "rules",
            "",
        ),
        (
            "two document names that look the same",
            Box::new(|b, _| {
                let old = text_document(b);
                let bytes = b[&old].clone();
                // The same name with a fullwidth first letter: another file, the same to a reader.
                let (dir, name) = old.split_at(old.find('-').unwrap() + 1);
                let mut look_alike = name.chars();
                let first = char::from_u32(look_alike.next().unwrap() as u32 - 0x21 + 0xFF01).unwrap();
                b.insert(format!("{dir}{first}{}", look_alike.as_str()), bytes);
            }),
            "rules",
            "",
        ),
        (
            "an empty document",
            Box::new(|b, _| {
                let old = b.keys().find(|k| k.starts_with("data/documents/")).unwrap().clone();
                b.insert(old, Vec::new());
            }),
            "rules",
            "",
        ),
        // The data protection lead approved the values, not only the decisions: a well-formed
        // edit the approver never saw is refused.
        (
            "an email edited after the approval",
            Box::new(move |b, _| {
                let mut rows = lines_of(b, people);
                let i = rows.iter().position(|r| r["email"].is_string()).unwrap();
                rows[i]["email"] = json!("someone.else@example.org");
                b.insert(people.into(), jsonl(&rows));
            }),
            "approval",
            "handover.json",
        ),
        (
            "an account's address changed",
            Box::new(|b, _| {
                let mut a: Value = serde_json::from_slice(&b["data/accounts.json"]).unwrap();
                a[0]["url"] = json!("https://elsewhere.example/wp-admin");
                b.insert("data/accounts.json".into(), serde_json::to_vec(&a).unwrap());
            }),
            "approval",
            "handover.json",
        ),
        (
            "no approval",
            Box::new(|_, m| drop(m.as_object_mut().unwrap().remove("approval"))),
            "approval",
            "handover.json",
        ),
        // The suppression list's entries are re-keyed for each bundle, but how many there are is
        // approved: emptied, it would let the group email people who said no.
        (
            "the suppression list emptied",
            Box::new(|b, _| drop(b.insert("data/suppression.csv".into(), b"point,at\n".to_vec()))),
            "approval",
            "handover.json",
        ),
    ];
    for (i, (what, edit, layer, file)) in cases.iter().enumerate() {
        let forged = forge(&env, &demo, &bundle, &format!("f{i}.zip.age"), edit);
        let v = env.run(&[
            "bundle",
            "verify",
            forged.to_str().unwrap(),
            "--identity",
            "group/group-age.key",
            "--signer",
            &pk,
            "--json",
        ]);
        assert_eq!(v.code, 1, "{what}: verify must refuse it: {}{}", v.stdout, v.stderr);
        let d = &v.json()["data"];
        assert_eq!(d["layer"], *layer, "{what}: {d}");
        if !file.is_empty() {
            assert_eq!(d["file"], *file, "{what}: {d}");
        }
        assert!(!v.stdout.contains('\u{1b}') && !v.stderr.contains('\u{1b}'), "{what}: an escape reached the terminal");
        let before = tree(env.path());
        let into = format!("g{i}/register.db");
        let r = import_run(&env, &forged, &pk, &into, &["--custodian", "group/group-age.pub"]);
        assert_eq!(r.code, 1, "{what}: import must refuse it: {}{}", r.stdout, r.stderr);
        let after: Vec<PathBuf> =
            tree(env.path()).into_iter().filter(|p| !p.starts_with(env.path().join(format!("g{i}")))).collect();
        assert_eq!(before, after, "{what}: import wrote outside its folder");
        assert!(!env.path().join(format!("g{i}")).exists(), "{what}: import left its folder or files");
    }
}

/// A bundle whose contents expand to far more than it weighs (each entry under the per-entry
/// ratio limit, the whole many times the ciphertext) is refused before anything is written;
/// `--max-expand` lets a receiver who expects it take it.
#[test]
fn contents_may_expand_only_so_far_beyond_what_was_sent() {
    let (env, demo) = ready();
    let first = create(&env, &demo, "out");
    let bundle = env.path().join(first["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    // 72 MiB that deflates about 30 times: one byte in 64 varies.
    let mut big = vec![0u8; 72 << 20];
    let mut x: u32 = 1;
    for b in big.iter_mut().step_by(64) {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let bomb = forge_with(&env, &demo, &bundle, "bomb.zip.age", true, |b, _| {
        let name = text_document(b).replace(".txt", "-large.txt");
        b.insert(name, big.clone());
    });
    let ciphertext = std::fs::metadata(&bomb).unwrap().len();
    assert!(ciphertext * 20 < 72 << 20, "the forged bundle is small enough to test the limit");
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "bundle",
            "verify",
            bomb.to_str().unwrap(),
            "--identity",
            "group/group-age.key",
            "--signer",
            &pk,
            "--json",
        ];
        args.extend(extra);
        env.run(&args)
    };
    let v = verify(&[]);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert_eq!(v.json()["data"]["layer"], "zip");
    assert!(v.json()["data"]["why"].as_str().unwrap().contains("more than the limit"), "{}", v.stdout);
    let r = import_run(&env, &bomb, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!env.path().join("g").exists());
    let v = verify(&["--max-expand", "100"]);
    assert_eq!(v.code, 0, "with --max-expand 100 it is taken: {}", v.stdout);
}
