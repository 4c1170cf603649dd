//! Bundles against the outside tools: Debian's age and minisign, Info-ZIP's unzip, PyPI's bagit
//! and check-jsonschema.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{TestEnv, root, tool};

/// The demo's register (reviewed and approved plan) and a receiving group's keys.
pub(crate) fn ready() -> (TestEnv, PathBuf) {
    let env = TestEnv::new();
    let demo = env.path().join("demo");
    env.ok(&["demo", "--out", demo.to_str().unwrap()]);
    env.ok(&["keys", "new", "--out", "group", "--name", "group", "--unprotected"]);
    (env, demo)
}

/// Run `bundle create` from the demo's register to the group's key (named twice: duplicates are
/// removed), with `extra` arguments (a `--sign-key` among them replaces the facilitator's).
pub(crate) fn create_run(env: &TestEnv, demo: &Path, out: &str, extra: &[&str]) -> crate::util::Run {
    let reg = demo.join("handover.db").display().to_string();
    let sk = match extra.iter().position(|a| *a == "--sign-key") {
        Some(i) => extra[i + 1].to_string(),
        None => demo.join("keys/facilitator-minisign.key").display().to_string(),
    };
    let extra: Vec<&str> = match extra.iter().position(|a| *a == "--sign-key") {
        Some(i) => extra.iter().enumerate().filter(|(j, _)| *j != i && *j != i + 1).map(|(_, a)| *a).collect(),
        None => extra.to_vec(),
    };
    approve_again_if_used(env, &reg, demo);
    let id = demo.join("keys/facilitator-age.key").display().to_string();
    let mut args = vec![
        "--register",
        reg.as_str(),
        "bundle",
        "create",
        "--to",
        "kscop-steering-group",
        "--recipient",
        "group/group-age.pub",
        "--recipient",
        "group/group-age.pub",
        "--sign-key",
        sk.as_str(),
        "--identity",
        id.as_str(),
        "--out",
        out,
    ];
    args.extend(extra);
    env.run(&args)
}

/// One approval makes one bundle: when the demo's latest approval has made its bundle already, its
/// data protection lead approves the plan again, as they would for each new bundle.
pub(crate) fn approve_again_if_used(env: &TestEnv, reg: &str, demo: &Path) {
    let plan = env.run(&["--register", reg, "transfer", "plan", "--to", "kscop-steering-group", "--json"]);
    let used = plan.stdout.contains("\"approval_used\"");
    if used {
        let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
        env.ok(&["--register", reg, "transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]);
    }
}

/// Run `bundle import` of `bundle` as the group.
pub(crate) fn import_run(env: &TestEnv, bundle: &Path, signer: &str, into: &str, extra: &[&str]) -> crate::util::Run {
    let mut args = vec![
        "bundle",
        "import",
        bundle.to_str().unwrap(),
        "--identity",
        "group/group-age.key",
        "--signer",
        signer,
        "--into",
        into,
        "--sign-key",
        "group/group-minisign.key",
    ];
    // The data protection lead's key, as the group checked it by phone (the demo's).
    let approver = approver_of(bundle);
    if !extra.contains(&"--approver") {
        args.extend(["--approver", approver.as_str()]);
    }
    args.extend(extra);
    env.run(&args)
}

/// The demo's data protection lead's public key file, beside the demo that made `bundle`.
pub(crate) fn approver_of(bundle: &Path) -> String {
    let mut dir = bundle.parent();
    while let Some(d) = dir {
        let k = d.join("demo/keys/dp-lead-minisign.pub");
        if k.is_file() {
            return k.display().to_string();
        }
        dir = d.parent();
    }
    panic!("no demo data protection lead key above {}", bundle.display())
}

/// Run commands against one register: `on(&env, &reg)(&["person", "list"])`.
pub(crate) fn on<'a>(env: &'a TestEnv, reg: &'a str) -> impl Fn(&[&str]) -> crate::util::Run + 'a {
    move |args: &[&str]| {
        let mut a = vec!["--register", reg];
        a.extend(args);
        env.run(&a)
    }
}

/// `consent record` of a yes to the group's own newsletter, given to the group directly, citing
/// (statement, notice).
fn group_newsletter_yes<'a>(person: &'a str, at: &'a str, texts: (&'a str, &'a str)) -> Vec<&'a str> {
    let mut a = vec!["consent", "record", "--person", person, "--purpose", "successor_newsletter"];
    a.extend(["--controllers", "kscop-steering-group", "--channels", "email", "--at", at, "--recorded-by", "group"]);
    a.extend(["--method", "online_checkbox", "--evidence-ref", "form", "--told-can-withdraw", "yes"]);
    a.extend(["--statement-version", texts.0, "--notice-version", texts.1]);
    a
}

pub(crate) fn create(env: &TestEnv, demo: &Path, out: &str) -> serde_json::Value {
    let r = create_run(env, demo, out, &["--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

pub(crate) fn ok(cmd: &mut std::process::Command) -> String {
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "{:?} failed: {}{}",
        cmd,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn a_bundle_opens_in_the_outside_tools() {
    let (env, demo) = ready();
    let r = create(&env, &demo, "out");
    let d = &r["data"];
    assert_eq!(d["recipients"].as_array().unwrap().len(), 1, "duplicate recipients are removed");
    let bundle = PathBuf::from(d["bundle"].as_str().unwrap());
    let bundle = if bundle.is_absolute() { bundle } else { env.path().join(bundle) };
    let mut names: Vec<String> = std::fs::read_dir(env.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "only the four bundle files, no temporary or plaintext file: {names:?}");
    let pk = demo.join("keys/facilitator-minisign.pub");
    ok(tool("minisign").arg("-Vm").arg(&bundle).arg("-p").arg(&pk));
    let record = env.path().join("out").join(names.iter().find(|n| n.ends_with(".transfer.json")).unwrap());
    ok(tool("minisign").arg("-Vm").arg(&record).arg("-p").arg(&pk));
    ok(tool("age").args(["-d", "-i", "group/group-age.key", "-o", "b.zip"]).arg(&bundle).current_dir(env.path()));
    ok(tool("unzip").args(["-q", "b.zip", "-d", "x"]).current_dir(env.path()));
    let bag = std::fs::read_dir(env.path().join("x")).unwrap().next().unwrap().unwrap().path();
    ok(tool("bagit.py").arg("--validate").arg(&bag));
    ok(tool("minisign").arg("-Vm").arg(bag.join("handover.json")).arg("-p").arg(&pk));
    env.ok(&["bag", "verify", bag.to_str().unwrap()]);
    ok(tool("check-jsonschema")
        .arg("--schemafile")
        .arg(root().join("schemas/bundle/handover.schema.json"))
        .arg(bag.join("handover.json")));
    ok(tool("check-jsonschema")
        .arg("--schemafile")
        .arg(root().join("schemas/bundle/transfer-record.schema.json"))
        .arg(&record));
    // Every structured file in the bag matches its schema (the ones `bundle verify` builds in),
    // checked by the outside validator; JSON Lines and the mailing list's attributes one by one.
    for (schema, file) in [
        ("accounts", "data/accounts.json"),
        ("aggregates", "data/aggregates.json"),
        ("suppression-key", "data/suppression-key.json"),
        ("redaction-report", "redaction-report.json"),
    ] {
        ok(tool("check-jsonschema")
            .arg("--schemafile")
            .arg(root().join(format!("schemas/bundle/{schema}.schema.json")))
            .arg(bag.join(file)));
    }
    let mut each: Vec<(&str, Vec<String>)> = Vec::new();
    for (schema, file) in [
        ("people", "data/register/people.jsonl"),
        ("consent-event", "data/register/consent-events.jsonl"),
        ("basis", "data/register/bases.jsonl"),
    ] {
        each.push((schema, std::fs::read_to_string(bag.join(file)).unwrap().lines().map(String::from).collect()));
    }
    let mut rdr = csv::Reader::from_path(bag.join("data/mailing-list.csv")).unwrap();
    each.push(("mailing-list-attributes", rdr.records().map(|r| r.unwrap()[2].to_string()).collect()));
    for (schema, rows) in each {
        assert!(!rows.is_empty(), "{schema}: the demo bundle has rows to check");
        let dir = env.path().join(format!("rows-{schema}"));
        std::fs::create_dir_all(&dir).unwrap();
        let files: Vec<PathBuf> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let f = dir.join(format!("{i}.json"));
                std::fs::write(&f, row).unwrap();
                f
            })
            .collect();
        ok(tool("check-jsonschema")
            .arg("--schemafile")
            .arg(root().join(format!("schemas/bundle/{schema}.schema.json")))
            .args(&files));
    }
    // Only consent and basis events that concern the group go: naming it, or a no naming nobody.
    for file in ["data/register/consent-events.jsonl", "data/register/bases.jsonl"] {
        for line in std::fs::read_to_string(bag.join(file)).unwrap().lines() {
            let e: serde_json::Value = serde_json::from_str(line).unwrap();
            let cs = e["controllers"].as_array().unwrap();
            let yes = e["action"] == "grant" || e["action"] == "record";
            assert!(
                cs.iter().any(|c| c == "kscop-steering-group") || (!yes && cs.is_empty()),
                "{file} carries an event that is not the group's business: {e}"
            );
        }
    }
    // A person who went can see who has their details now (Art 15(1)(c)).
    let reg = demo.join("handover.db").display().to_string();
    let sar = env.ok(&["--register", &reg, "person", "export", "M0001", "--json"]).json();
    let to: Vec<&str> =
        sar["data"]["recipients"].as_array().unwrap().iter().filter_map(|r| r["controller"].as_str()).collect();
    assert!(to.contains(&"kscop-steering-group"), "{to:?}");
    // The letter's "held back" table lists only reasons for holding back.
    let letter = std::fs::read_to_string(bag.join("data/HANDOVER-LETTER.html")).unwrap();
    let held = letter.split("Who was held back").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(held.contains("They did not agree to their details going to you."), "{held}");
    // In words: no reason codes (those who went have none to show).
    assert!(!held.contains('_'), "the held-back table shows codes: {held}");
    // The mailing list is listmonk's import format and every row carries its consent evidence.
    let list = std::fs::read_to_string(bag.join("data/mailing-list.csv")).unwrap();
    assert!(list.starts_with("email,name,attributes\n"));
    assert!(list.lines().skip(1).all(|l| l.contains("consent_id") && l.contains("kscop-steering-group")));
    // The transfer record holds counts, never a member's address.
    let rec = std::fs::read_to_string(&record).unwrap();
    assert!(!list.lines().skip(1).any(|l| rec.contains(l.split(',').next().unwrap())));
    assert!(!rec.contains("demo-only-password"));
    // The account secret is inside the encrypted bag only.
    assert!(std::fs::read_to_string(bag.join("data/accounts.json")).unwrap().contains("demo-only-password-7f3a"));
    // The register records the transfer.
    let log = env.ok(&["--register", demo.join("handover.db").to_str().unwrap(), "audit", "log", "--json"]).stdout;
    assert!(log.contains("bundle.create"));
    // The same bundle again is refused: nothing is overwritten.
    let again = create_run(&env, &demo, "out", &[]);
    assert_eq!(again.code, 2, "{}", again.stderr);
}

#[test]
fn a_plan_with_blockers_writes_no_bundle() {
    let env = TestEnv::with_fixtures();
    env.ok(&["keys", "new", "--out", "k", "--name", "s", "--unprotected"]);
    let create = |extra: &[&str]| {
        let mut args = vec![
            "bundle",
            "create",
            "--to",
            "kscop-steering-group",
            "--recipient",
            "k/s-age.pub",
            "--sign-key",
            "k/s-minisign.key",
            "--out",
            "out",
        ];
        args.extend(extra);
        env.run(&args)
    };
    let r = create(&[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the plan has blockers (no_data_sharing_agreement, no_dpia, not_approved)"),
        "{}",
        r.stderr
    );
    assert!(!env.path().join("out").exists() || std::fs::read_dir(env.path().join("out")).unwrap().next().is_none());
    let dry = create(&["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stdout.starts_with("dry run, nothing written"));
}

/// A bag's files by their path inside its folder.
pub(crate) type Bag = std::collections::BTreeMap<String, Vec<u8>>;

/// Decrypt a bundle with the group's key: its bag's folder name and files.
pub(crate) fn open_bag(env: &TestEnv, bundle: &Path) -> (String, Bag) {
    let plain =
        tool("age").args(["-d", "-i", "group/group-age.key"]).arg(bundle).current_dir(env.path()).output().unwrap();
    assert!(plain.status.success(), "age -d: {}", String::from_utf8_lossy(&plain.stderr));
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(plain.stdout)).unwrap();
    let mut bag = Bag::new();
    let mut top = String::new();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let (t, rel) = name.split_once('/').unwrap();
        top = t.to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        bag.insert(rel.to_string(), data);
    }
    (top, bag)
}

/// Zip a bag as it stands, encrypt it to the group and sign the ciphertext with the sender's key
/// (as a thief of that key could).
pub(crate) fn seal(env: &TestEnv, demo: &Path, top: &str, bag: &Bag, out: &str) -> PathBuf {
    let mut w = handover::bundle::zipstream::Writer::new(Vec::new());
    for (rel, bytes) in bag {
        w.add_bytes(&format!("{top}/{rel}"), bytes, true).unwrap();
    }
    std::fs::write(env.path().join("sealed.zip"), w.finish().unwrap()).unwrap();
    let rec = std::fs::read_to_string(env.path().join("group/group-age.pub")).unwrap();
    let out_path = env.path().join(out);
    let enc =
        tool("age").args(["-r", rec.trim(), "-o"]).arg(&out_path).arg("sealed.zip").current_dir(env.path()).status();
    assert!(enc.unwrap().success());
    let key = demo.join("keys/facilitator-minisign.key").display().to_string();
    env.ok(&["keys", "sign", out_path.to_str().unwrap(), "--sign-key", &key]);
    out_path
}

/// Rebuild a bundle as an attacker holding the receiver's key and the sender's signing key would:
/// decrypt, change the zip with `edit`, re-encrypt to the receiver, sign the new ciphertext.
fn tamper(
    env: &TestEnv,
    demo: &Path,
    bundle: &Path,
    out: &str,
    edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>,
    extra: Option<(&str, &[u8])>,
) -> PathBuf {
    let (top, bag) = open_bag(env, bundle);
    let mut changed = Bag::new();
    for (rel, data) in bag {
        if let Some(new) = edit(&format!("{top}/{rel}"), data) {
            changed.insert(rel, new);
        }
    }
    if let Some((rel, data)) = extra {
        changed.insert(rel.to_string(), data.to_vec());
    }
    seal(env, demo, &top, &changed, out)
}

#[test]
fn verify_names_the_first_failing_layer() {
    let (env, demo) = ready();
    let r = create(&env, &demo, "out");
    let bundle = env.path().join(r["data"]["bundle"].as_str().unwrap());
    let bundle = if bundle.exists() { bundle } else { PathBuf::from(r["data"]["bundle"].as_str().unwrap()) };
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let verify = |file: &Path, identity: &str, signer: &str| {
        let r = env.run(&[
            "bundle",
            "verify",
            file.to_str().unwrap(),
            "--identity",
            identity,
            "--signer",
            signer,
            "--json",
        ]);
        (r.code, r.json()["data"].clone())
    };
    let (code, v) = verify(&bundle, "group/group-age.key", &pk);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["valid"], true);
    // Someone else's age key: the bundle was not encrypted to it.
    env.ok(&["keys", "new", "--out", "other", "--name", "other", "--unprotected"]);
    let (code, v) = verify(&bundle, "other/other-age.key", &pk);
    assert_eq!((code, v["layer"].as_str()), (1, Some("decryption")));
    let (code, v) = verify(
        &bundle,
        "group/group-age.key",
        crate::util::fixtures().join("keys/minisign-test.pub").to_str().unwrap(),
    );
    assert_eq!((code, v["layer"].as_str()), (1, Some("outer_signature")));
    assert!(v["why"].as_str().unwrap().contains("not by the expected key"));
    // Flipped bytes anywhere in the ciphertext.
    let original = std::fs::read(&bundle).unwrap();
    let sig = std::fs::read(format!("{}.minisig", bundle.display())).unwrap();
    let copy = env.path().join("flip.zip.age");
    std::fs::write(env.path().join("flip.zip.age.minisig"), &sig).unwrap();
    for i in 0..40usize {
        let pos = (i * 7919 + 13) % original.len();
        let mut b = original.clone();
        b[pos] ^= 1 << (i % 8);
        std::fs::write(&copy, &b).unwrap();
        let (code, v) = verify(&copy, "group/group-age.key", &pk);
        assert_eq!((code, v["layer"].as_str()), (1, Some("outer_signature")), "flip at {pos}");
    }
    // Inner layers: re-encrypted and outer-signed with the genuine sender key, so only the inner
    // checks can catch them.
    let doc = tamper(
        &env,
        &demo,
        &bundle,
        "doc.zip.age",
        |n, d| Some(if n.contains("/data/documents/") && n.ends_with("minutes.txt") { b"changed".to_vec() } else { d }),
        None,
    );
    let (code, v) = verify(&doc, "group/group-age.key", &pk);
    assert_eq!((code, v["layer"].as_str()), (1, Some("contents")), "{v}");
    let man = tamper(
        &env,
        &demo,
        &bundle,
        "man.zip.age",
        |n, d| {
            Some(if n.ends_with("/handover.json") {
                String::from_utf8(d).unwrap().replace("\"accounts\": 1", "\"accounts\": 2").into_bytes()
            } else {
                d
            })
        },
        None,
    );
    let (code, v) = verify(&man, "group/group-age.key", &pk);
    assert_eq!((code, v["layer"].as_str()), (1, Some("inner_signature")), "{v}");
    let extra = tamper(&env, &demo, &bundle, "extra.zip.age", |_, d| Some(d), Some(("data/extra.txt", b"smuggled")));
    let (code, v) = verify(&extra, "group/group-age.key", &pk);
    assert_eq!((code, v["layer"].as_str()), (1, Some("contents")), "{v}");
    assert_eq!(v["file"], "data/extra.txt");
    let missing = tamper(
        &env,
        &demo,
        &bundle,
        "missing.zip.age",
        |n, d| if n.ends_with("/data/aggregates.json") { None } else { Some(d) },
        None,
    );
    let (code, v) = verify(&missing, "group/group-age.key", &pk);
    assert_eq!((code, v["layer"].as_str()), (1, Some("contents")), "{v}");
    // Bad usage is 2, not 1.
    let r = env.run(&["bundle", "verify", bundle.to_str().unwrap(), "--identity", "nope.key", "--signer", &pk]);
    assert_eq!(r.code, 2);
}

#[test]
#[allow(clippy::too_many_lines, reason = "one bundle followed from import to the sender's wind-down")]
fn the_receiving_group_imports_the_bundle() {
    let (env, demo) = ready();
    let r = create(&env, &demo, "out");
    let bundle = env.path().join(r["data"]["bundle"].as_str().unwrap());
    let bundle = if bundle.exists() { bundle } else { PathBuf::from(r["data"]["bundle"].as_str().unwrap()) };
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let import = |into: &str, extra: &[&str]| import_run(&env, &bundle, &pk, into, extra);
    // Without custodians the account secrets have nowhere to go: refused, nothing left behind.
    let r = import("g1/register.db", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!env.path().join("g1/register.db").exists());
    assert!(!env.path().join("g1/register-documents").exists());
    let r = import("g/register.db", &["--custodian", "group/group-age.pub", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = &r.json()["data"];
    assert_eq!(d["accounts"], 1);
    assert_eq!(d["documents"], 4);
    let people = d["people"].as_i64().unwrap();
    assert!(people >= 320, "{people}");
    let g = |args: &[&str]| {
        let mut a = vec!["--register", "g/register.db"];
        a.extend(args);
        env.ok(&a)
    };
    // The group's own register: it is the controller now, with its tasks.
    let ctl = g(&["controller", "list", "--json"]).json();
    assert_eq!(ctl["data"][0]["slug"], "kscop-steering-group");
    assert_eq!(ctl["data"][0]["is_self"], true);
    let tasks = g(&["tasks", "list", "--json"]).json();
    let kinds: Vec<&str> = tasks["data"].as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"art14_notice") && kinds.contains(&"rotate_account"), "{kinds:?}");
    // The charity pays the hosting until 2027-04-30: the group is reminded 30 days before and on the day.
    let due = |kind: &str| {
        tasks["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["kind"] == kind)
            .map(|t| t["due"].as_str().unwrap().to_string())
    };
    assert_eq!(due("account_paid_until_soon").as_deref(), Some("2027-03-31"), "{kinds:?}");
    assert_eq!(due("account_paid_until").as_deref(), Some("2027-04-30"), "{kinds:?}");
    let art14 = tasks["data"].as_array().unwrap().iter().find(|t| t["kind"] == "art14_notice").unwrap();
    assert_eq!(art14["due"], "2026-12-25", "a month after the transfer");
    g(&["audit", "verify"]);
    // Proxy consents the sender verified count as verified here too (the authority's reference
    // stays with the sender; the record says so).
    let proxy = &g(&["audit", "report", "--json"]).json()["data"]["proxy_consents"];
    assert!(proxy["total"].as_u64().unwrap() > 0, "{proxy}");
    assert_eq!(proxy["unverified"], 0, "{proxy}");
    // The group's register shows the transfer as received from the sender.
    let tl = g(&["transfer", "list", "--json"]).json();
    assert_eq!(
        (tl["data"][0]["direction"].as_str(), tl["data"][0]["controller"].as_str()),
        (Some("received"), Some("brightwater-trust"))
    );
    assert_eq!(tl["data"][0]["state"], "received");
    // The secret is now the group's: its custodian key opens it.
    let acc = g(&["account", "list", "--json"]).json()["data"][0]["id"].as_str().unwrap().to_string();
    g(&["account", "reveal", &acc, "--identity", "group/group-age.key", "--out", "secret.txt"]);
    assert_eq!(std::fs::read_to_string(env.path().join("secret.txt")).unwrap(), "demo-only-password-7f3a");
    // The mailing list came with its evidence: every subscriber's consent names the group.
    let hist = g(&["consent", "history", "--purpose", "successor_newsletter", "--json"]).json();
    let grants: Vec<&serde_json::Value> =
        hist["data"].as_array().unwrap().iter().filter(|e| e["action"] == "grant").collect();
    assert!(!grants.is_empty());
    assert!(grants.iter().all(|e| e["controllers"].as_array().unwrap().iter().any(|c| c == "kscop-steering-group")));
    // A person erased at the sender cannot be added to the group's marketing: the sender's
    // suppression list came with the bundle (re-keyed, and without saying why).
    let erased_email = std::fs::read_to_string(crate::util::fixtures().join("people.csv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("M0100,"))
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .to_string();
    let txt = env.write("sn.txt", "Yes, the steering group may email me.\n");
    // The group ran its own list before the handover: it says since when.
    g(&["controller", "edit", "kscop-steering-group", "--since", "2026-01-01"]);
    g(&[
        "statement",
        "add",
        "--version",
        "G1",
        "--purpose",
        "successor_newsletter",
        "--format",
        "standard",
        "--file",
        &txt,
        "--effective-from",
        "2026-01-01",
        "--controllers",
        "kscop-steering-group",
    ]);
    g(&["notice", "add", "--version", "GN1", "--file", &txt, "--effective-from", "2026-01-01"]);
    g(&["person", "add", "--ref", "NEW1", "--name", "Returning Person", "--email", &erased_email]);
    let mut a = vec!["--register", "g/register.db"];
    a.extend(group_newsletter_yes("NEW1", "2026-11-20T10:00:00Z", ("G1", "GN1")));
    let r = env.run(&a);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("this address is on the suppression list; it cannot"), "{}", r.stderr);
    // Someone the group adds itself says yes; not yet confirmed as an adult (the `person add`
    // default), they are left off the mailing list, and the export says who and what resolves it.
    g(&["person", "add", "--ref", "NEW2", "--name", "New Member", "--email=new.member@example.org"]);
    let mut a = vec!["--register", "g/register.db"];
    a.extend(group_newsletter_yes("NEW2", "2026-11-20T10:00:00Z", ("G1", "GN1")));
    assert_eq!(env.run(&a).code, 0);
    let export = g(&["mailing-list", "export", "--format", "listmonk"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert!(!export.stdout.contains("new.member@example.org"));
    assert!(
        export.stderr.contains("people whose consent is in force are left out")
            && export.stderr.contains("NEW2")
            && export.stderr.contains("--adult-confirmed yes"),
        "{}",
        export.stderr
    );
    // The signed receipt verifies with minisign and carries the cosigned checkpoint.
    let receipt = std::fs::read_dir(env.path().join("g"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".receipt.json"))
        .unwrap();
    ok(tool("minisign").arg("-Vm").arg(&receipt).arg("-p").arg(env.path().join("group/group-minisign.pub")));
    let rec: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&receipt).unwrap()).unwrap();
    let cosigned = rec["sender_checkpoint_cosigned"].as_str().unwrap();
    assert_eq!(cosigned.matches('\u{2014}').count(), 2);
    // Each signature's key name is its signer's origin line (C2SP tlog-checkpoint).
    assert!(cosigned.starts_with("handover/brightwater-trust/audit\n"), "{cosigned}");
    assert!(cosigned.contains("\n\u{2014} handover/brightwater-trust/audit "), "{cosigned}");
    assert!(cosigned.contains("\n\u{2014} handover/kscop-steering-group/audit "), "{cosigned}");
    // The sender verifies and records the receipt; a receipt signed by another key is refused.
    let sender = demo.join("handover.db").display().to_string();
    let wrong = env.run(&[
        "--register",
        &sender,
        "transfer",
        "confirm",
        "--receipt",
        receipt.to_str().unwrap(),
        "--signer",
        &pk,
    ]);
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    assert!(wrong.stderr.contains("receipt refused"), "{}", wrong.stderr);
    let group_pub = env.path().join("group/group-minisign.pub").display().to_string();
    let ok_ = env.run(&[
        "--register",
        &sender,
        "transfer",
        "confirm",
        "--receipt",
        receipt.to_str().unwrap(),
        "--signer",
        &group_pub,
        "--json",
    ]);
    assert_eq!(ok_.code, 0, "{}", ok_.stderr);
    assert_eq!(ok_.json()["data"]["state"], "received");
    let log = env.ok(&["--register", &sender, "audit", "log", "--json"]).stdout;
    assert!(log.contains("transfer.received"));
    // Completion: refused while an account is not rotated; then the group's signed statement,
    // recorded by the sender.
    let bundle_id = rec["bundle_id"].as_str().unwrap().to_string();
    let early = env.run(&[
        "--register",
        "g/register.db",
        "transfer",
        "complete",
        "--bundle",
        &bundle_id,
        "--sign-key",
        "group/group-minisign.key",
    ]);
    assert_eq!(early.code, 2);
    assert!(early.stderr.contains("still to rotate"), "{}", early.stderr);
    // Closing the rotation task by hand is not evidence: refused.
    let tasks = g(&["tasks", "list", "--json"]).json();
    let rot = tasks["data"].as_array().unwrap().iter().find(|t| t["kind"] == "rotate_account").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let by_hand = env.run(&["--register", "g/register.db", "tasks", "done", &rot]);
    assert_eq!(by_hand.code, 2, "{}", by_hand.stdout);
    assert!(by_hand.stderr.contains("rotate-done"), "{}", by_hand.stderr);
    // A statement signed by the group's key that shows no rotations is refused by the sender.
    let forged = env.path().join(format!("{bundle_id}.complete.json"));
    std::fs::write(
        &forged,
        serde_json::to_vec_pretty(&serde_json::json!({
            "format": "handover-rotation-statement", "format_version": 1, "bundle_id": bundle_id,
            "from": "brightwater-trust", "to": "kscop-steering-group", "completed_at": "2026-11-25T12:00:00Z",
            "signer_key_id": "0000000000000000", "accounts": [{ "id": acc, "service": "wordpress", "rotations": [] }],
        }))
        .unwrap(),
    )
    .unwrap();
    env.ok(&["keys", "sign", forged.to_str().unwrap(), "--sign-key", "group/group-minisign.key"]);
    let empty = env.run(&[
        "--register",
        &sender,
        "transfer",
        "confirm",
        "--statement",
        forged.to_str().unwrap(),
        "--signer",
        &group_pub,
    ]);
    assert_eq!(empty.code, 1, "{}{}", empty.stdout, empty.stderr);
    assert!(empty.stderr.contains("does not show account"), "{}", empty.stderr);
    std::fs::remove_file(&forged).unwrap();
    std::fs::remove_file(format!("{}.minisig", forged.display())).unwrap();
    // The data protection lead's report shows each account's rotation state.
    let rotated = |g: &dyn Fn(&[&str]) -> crate::util::Run| {
        g(&["audit", "report", "--json"]).json()["data"]["accounts"][0]["rotated"].clone()
    };
    assert_eq!(rotated(&g), false);
    for what in ["password", "recovery", "2fa", "admins"] {
        g(&["account", "rotate-done", &acc, "--what", what]);
    }
    assert_eq!(rotated(&g), true);
    g(&[
        "transfer",
        "complete",
        "--bundle",
        &bundle_id,
        "--sign-key",
        "group/group-minisign.key",
        "--out",
        "statements",
    ]);
    let statement = env.path().join(format!("statements/{bundle_id}.complete.json"));
    ok(tool("minisign").arg("-Vm").arg(&statement).arg("-p").arg(env.path().join("group/group-minisign.pub")));
    let seen = env.ok(&["--register", "g/register.db", "transfer", "show", &bundle_id, "--json"]).json();
    assert_eq!(seen["data"]["state"], "complete", "the group's own record of the transfer is complete too");
    let done = env.ok(&[
        "--register",
        &sender,
        "transfer",
        "confirm",
        "--statement",
        statement.to_str().unwrap(),
        "--signer",
        &group_pub,
        "--json",
    ]);
    assert_eq!(done.json()["data"]["state"], "complete");
    // The sender's wind-down: after the date, everyone who went is anonymised, except a person
    // the sender must keep under a recorded legal obligation.
    let s = |args: &[&str]| {
        let mut a = vec!["--register", sender.as_str()];
        a.extend(args);
        env.ok(&a)
    };
    s(&[
        "basis",
        "record",
        "--person",
        "M0001",
        "--purpose",
        "governance_contact",
        "--basis",
        "legal_obligation",
        "--assessment-ref",
        "Charities Act 2011 s130",
        "--controllers",
        "brightwater-trust",
        "--decided-by",
        "dp-lead",
        "--at",
        "2026-11-20T10:00:00Z",
    ]);
    let early = env.run(&["--register", &sender, "transfer", "close", &bundle_id, "--delete-after", "2026-01-01"]);
    assert_eq!(early.code, 2, "a date in the past is refused");
    s(&["transfer", "close", &bundle_id, "--delete-after", "2026-11-25"]);
    let people_before = s(&["person", "list", "--json"]).json()["data"].as_array().unwrap().len();
    let dry = s(&["retention", "run", "--dry-run", "--json"]).json();
    let went = dry["data"]["counts"]["transfer_wind_down_people"].as_u64().unwrap();
    let kept = dry["data"]["counts"]["transfer_wind_down_kept"].as_u64().unwrap();
    // The sender keeps its own live relationships (its newsletter consents in force, its
    // governance-contact basis, a legal obligation); everyone else who went is anonymised.
    assert!(went > 150 && kept > 1 && went + kept >= 320, "{dry}");
    let nameless =
        |list: serde_json::Value| list["data"].as_array().unwrap().iter().filter(|p| p["name"].is_null()).count();
    let nameless_before = nameless(s(&["person", "list", "--json"]).json());
    assert_eq!(s(&["person", "list", "--json"]).json()["data"].as_array().unwrap().len(), people_before);
    let m2 = s(&["person", "show", "M0002", "--json"]).json();
    assert!(!m2["data"]["name"].is_null(), "a dry run changes nothing");
    let m2 = m2["data"]["id"].as_str().unwrap().to_string();
    let sk = demo.join("keys/facilitator-minisign.key").display().to_string();
    let run = s(&["retention", "run", "--record", "deletion.json", "--sign-key", &sk, "--json"]).json();
    assert_eq!(run["data"]["counts"]["transfer_wind_down_people"].as_u64().unwrap(), went);
    ok(tool("minisign")
        .arg("-Vm")
        .arg(env.path().join("deletion.json"))
        .arg("-p")
        .arg(demo.join("keys/facilitator-minisign.pub")));
    ok(tool("check-jsonschema")
        .arg("--schemafile")
        .arg(root().join("schemas/retention/deletion-record.schema.json"))
        .arg(env.path().join("deletion.json")));
    let record = std::fs::read_to_string(env.path().join("deletion.json")).unwrap();
    assert!(!record.contains("per_") && !record.contains("@example."), "counts and kinds only");
    let inactive = run["data"]["counts"]["inactive_people"].as_u64().unwrap();
    assert_eq!(
        nameless(s(&["person", "list", "--json"]).json()) as u64,
        nameless_before as u64 + went + inactive,
        "anonymised"
    );
    assert!(
        !s(&["person", "show", &m2, "--json"]).json()["data"]["name"].is_null(),
        "kept: a basis of the sender's own"
    );
    assert!(!s(&["person", "show", "M0001", "--json"]).json()["data"]["name"].is_null(), "kept: legal obligation");
    let again = s(&["retention", "run", "--json"]).json();
    assert_eq!(again["data"]["counts"]["transfer_wind_down_people"], 0, "a wind-down runs once");
    s(&["audit", "verify"]);
    // The same register is never overwritten.
    let again = import("g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(again.code, 2);
}

#[test]
fn changes_after_a_transfer_create_art19_tasks() {
    let (env, demo) = ready();
    let r = create(&env, &demo, "out");
    let bundle_id = r["data"]["bundle_id"].as_str().unwrap().to_string();
    let reg = demo.join("handover.db").display().to_string();
    let g = |args: &[&str]| {
        let mut a = vec!["--register", reg.as_str()];
        a.extend(args);
        env.ok(&a)
    };
    // The demo made a transfer of its own: count only this bundle's tasks.
    let ours = |v: serde_json::Value| {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == "art19_notify" && t["subject"].as_str().unwrap().starts_with(&bundle_id))
            .count()
    };
    let before = ours(g(&["tasks", "list", "--json"]).json());
    let withdraw = |purpose: &str, extra: &[&str]| {
        let mut a = vec!["consent", "withdraw", "--person", "M0002", "--purpose", purpose, "--recorded-by", "fac"];
        a.extend(["--channels", "email"]);
        a.extend(extra);
        g(&a)
    };
    // M0002 and M0003 went to the group; M0600 did not (no basis).
    withdraw("successor_newsletter", &["--at", "2026-11-24T10:00:00Z"]);
    g(&["person", "edit", "M0002", "--phone", "01632 960999"]);
    g(&["person", "erase", "M0003", "--reason", "request ER-9"]);
    assert_eq!(ours(g(&["tasks", "list", "--json"]).json()) - before, 3);
    let conn = rusqlite::Connection::open(demo.join("handover.db")).unwrap();
    let stale: i64 = conn.query_row("SELECT stale FROM transfers WHERE id = ?1", [&bundle_id], |r| r.get(0)).unwrap();
    assert_eq!(stale, 1);
    drop(conn);
    g(&["person", "edit", "M0600", "--hub", "Medway"]);
    assert_eq!(
        ours(g(&["tasks", "list", "--json"]).json()) - before,
        3,
        "a person who did not go needs no Art 19 notification"
    );
    // What the group never held needs no notification: a note (never carried), a consent only
    // the charity relied on. An objection after the transfer does.
    g(&["person", "edit", "M0002", "--notes", "prefers phone calls"]);
    withdraw("photos_video", &["--controllers", "brightwater-trust", "--at", "2026-11-24T11:00:00Z"]);
    assert_eq!(ours(g(&["tasks", "list", "--json"]).json()) - before, 3, "irrelevant changes made tasks");
    g(&[
        "basis",
        "object",
        "--person",
        "M0002",
        "--purpose",
        "disclose_to_successor",
        "--controllers",
        "kscop-steering-group",
        "--decided-by",
        "fac",
        "--at",
        "2026-11-24T12:00:00Z",
    ]);
    let tasks = g(&["tasks", "list", "--json"]).json();
    assert_eq!(ours(tasks.clone()) - before, 4);
    // Tasks name the person as the group holds them: their reference in the bundle.
    let titles: Vec<String> = tasks["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "art19_notify")
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect();
    assert!(titles.iter().all(|t| !t.contains("per_")), "{titles:?}");
    assert!(
        titles.iter().any(|t| t.contains("M0003")),
        "the erased person is named by the reference the group holds: {titles:?}"
    );
    // The group has the bundle; the facilitator sends the signed notification, which closes the tasks.
    let bundle = env.path().join(r["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let imp = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(imp.code, 0, "{}", imp.stderr);
    let sk = demo.join("keys/facilitator-minisign.key").display().to_string();
    let n = g(&["transfer", "notify", "--to", "kscop-steering-group", "--sign-key", &sk, "--out", "notes", "--json"]);
    let file = n.json()["data"]["file"].as_str().unwrap().to_string();
    assert_eq!(ours(g(&["tasks", "list", "--json"]).json()), 0, "the notification closes the tasks");
    let again = env.run(&[
        "--register",
        &reg,
        "transfer",
        "notify",
        "--to",
        "kscop-steering-group",
        "--sign-key",
        &sk,
        "--out",
        "notes",
    ]);
    assert_eq!(again.code, 2, "nothing more is owed: {}", again.stderr);
    // At the group: a notification signed by another key is refused; the sender's is applied once.
    let group = on(&env, "g/register.db");
    let wrong = group(&["notification", "apply", &file, "--signer", "group/group-minisign.pub"]);
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    // Signed by a key the group names but that never signed the sender's bundles: refused.
    let dp_sk = demo.join("keys/dp-lead-minisign.key").display().to_string();
    let copy = env.path().join("notes/other.notification.json");
    std::fs::copy(env.path().join(&file), &copy).unwrap();
    env.ok(&["keys", "sign", copy.to_str().unwrap(), "--sign-key", &dp_sk]);
    let dp_pub = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let unpinned = group(&["notification", "apply", copy.to_str().unwrap(), "--signer", &dp_pub]);
    assert_eq!(unpinned.code, 2, "{}", unpinned.stderr);
    assert!(
        unpinned.stderr.contains("not by the key brightwater-trust's bundles were signed with"),
        "{}",
        unpinned.stderr
    );
    let applied = group(&["notification", "apply", &file, "--signer", &pk, "--json"]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let a = &applied.json()["data"]["applied"];
    assert!(a["withdrawal"].as_u64().unwrap() >= 1 && a["erasure"].as_u64().unwrap() >= 1, "{a}");
    let m2 = group(&["person", "show", "M0002", "--json"]).json();
    assert_eq!(m2["data"]["phone"], "01632 960999", "{m2}");
    let hist = group(&["consent", "history", "M0002", "--json"]).json();
    assert!(
        hist["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "withdraw" && e["purpose"] == "successor_newsletter"),
        "{hist}"
    );
    let bases = group(&["basis", "list", "--json"]).json();
    assert!(
        bases["data"].as_array().unwrap().iter().any(|b| b["action"] == "object" && b["person_ref"] == "M0002"),
        "{bases}"
    );
    assert_eq!(group(&["person", "show", "M0003"]).code, 2, "M0003 was erased at the group too");
    let twice = group(&["notification", "apply", &file, "--signer", &pk]);
    assert_eq!(twice.code, 2, "{}", twice.stderr);
    assert!(twice.stderr.contains("applied once already"), "{}", twice.stderr);
    // Art 19 tells the group; it does not decide for it: a person erased at the charity who has
    // since given the group a consent directly is kept there, with a task to decide.
    g(&["person", "erase", "M0005", "--reason", "request ER-10"]);
    let direct = group(&group_newsletter_yes("M0005", "2026-11-25T12:03:00Z", ("SN-2025", "PN-2025")));
    assert_eq!(direct.code, 0, "{}", direct.stderr);
    let n2 = g(&["transfer", "notify", "--to", "kscop-steering-group", "--sign-key", &sk, "--out", "notes2", "--json"]);
    let file2 = n2.json()["data"]["file"].as_str().unwrap().to_string();
    // A third before the second is applied: notifications go in order, each once. Its correction
    // would give M0004 the address of a person the group added itself: not taken, and said.
    let own = group(&["person", "add", "--ref", "G1", "--name", "Group Own", "--email=group.own@example.org"]);
    assert_eq!(own.code, 0, "{}", own.stderr);
    g(&["person", "edit", "M0004", "--email=group.own@example.org"]);
    let n3 = g(&["transfer", "notify", "--to", "kscop-steering-group", "--sign-key", &sk, "--out", "notes3", "--json"]);
    let file3 = n3.json()["data"]["file"].as_str().unwrap().to_string();
    let early = group(&["notification", "apply", &file3, "--signer", &pk]);
    assert_eq!(early.code, 2, "{}", early.stderr);
    assert!(early.stderr.contains("number 2 has not been applied yet"), "{}", early.stderr);
    let applied = group(&["notification", "apply", &file2, "--signer", &pk, "--json"]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let third = group(&["notification", "apply", &file3, "--signer", &pk]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert!(
        third.stdout.contains("not taken: the correction gives M0004 the email address of another person here (G1)"),
        "{}",
        third.stdout
    );
    let m4 = group(&["person", "show", "M0004", "--json"]).json();
    assert_ne!(m4["data"]["email"], "group.own@example.org", "{m4}");
    // (One change per transfer that carried the person: held each time.)
    assert!(applied.json()["data"]["applied"]["erasure_held_for_you"].as_u64() >= Some(1), "{}", applied.stdout);
    assert_eq!(group(&["person", "show", "M0005"]).code, 0, "kept at the group");
    let tasks = group(&["tasks", "list", "--json"]).json();
    assert!(tasks["data"].as_array().unwrap().iter().any(|t| t["kind"] == "art19_decide"), "{tasks}");
}

/// The demo ready, with a synthetic report (stored, classification none) added and the plan
/// approved again: the environment, the demo folder, the register and the report's path.
fn ready_with_report() -> (TestEnv, PathBuf, String, String) {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let pdf = env.write("report.pdf", "%PDF-1.4 a synthetic annual report\n");
    let id = env
        .ok(&[
            "--register",
            &reg,
            "document",
            "add",
            &pdf,
            "--classification",
            "none",
            "--category",
            "report",
            "--json",
        ])
        .json()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A PDF the tool cannot search goes once someone has read it and recorded so.
    let plan = env.ok(&["--register", &reg, "transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    assert!(
        plan["data"]["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["code"] == "document_not_searchable" && b["subject"] == id.as_str()),
        "{}",
        plan["data"]["blockers"]
    );
    env.ok(&[
        "--register",
        &reg,
        "document",
        "review",
        &id,
        "--decision",
        "include",
        "--reviewer",
        "dp",
        "--note",
        "read: no names",
    ]);
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    env.ok(&["--register", &reg, "transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]);
    (env, demo, reg, pdf)
}

#[test]
fn a_document_changed_after_the_plan_is_refused_as_it_is_written() {
    // `bundle create` takes a stored document's digest as it writes it (the plan checks only its
    // size): a file edited in place, same size, refuses the whole bundle and records nothing.
    let (env, demo, reg, pdf) = ready_with_report();
    let transfers =
        || env.ok(&["--register", &reg, "transfer", "list", "--json"]).json()["data"].as_array().unwrap().len();
    let before = transfers();
    std::fs::write(&pdf, "%PDF-1.4 a synthetic annual rep0rt\n").unwrap();
    let r = create_run(&env, &demo, "out", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("(report.pdf) changed on disk since it was added"), "{}", r.stderr);
    assert!(std::fs::read_dir(env.path().join("out")).map(|mut d| d.next().is_none()).unwrap_or(true));
    assert_eq!(transfers(), before);
    // Put back as it was registered, the same approval goes through.
    std::fs::write(&pdf, "%PDF-1.4 a synthetic annual report\n").unwrap();
    create(&env, &demo, "out");
}

/// A stored document is read once, its entry header written from the CRC kept at `document add`;
/// one registered before the CRC was kept is read twice and bundled all the same; a CRC that is
/// not the file's refuses the bundle as a changed document.
#[test]
fn a_stored_document_is_written_from_its_registered_crc() {
    let (env, demo, reg, _) = ready_with_report();
    let sql = |q: &str| rusqlite::Connection::open(&reg).unwrap().execute_batch(q).unwrap();
    let crc: i64 = rusqlite::Connection::open(&reg)
        .unwrap()
        .query_row("SELECT crc32 FROM documents WHERE file_name = 'report.pdf'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(crc, i64::from(crc32(b"%PDF-1.4 a synthetic annual report\n")));
    sql("UPDATE documents SET crc32 = (crc32 + 1) % 4294967296 WHERE file_name = 'report.pdf'");
    let r = create_run(&env, &demo, "wrong", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("(report.pdf) changed on disk since it was added"), "{}", r.stderr);
    sql("UPDATE documents SET crc32 = NULL WHERE file_name = 'report.pdf'");
    let older = create(&env, &demo, "older");
    sql(&format!("UPDATE documents SET crc32 = {crc} WHERE file_name = 'report.pdf'"));
    let once = create(&env, &demo, "once");
    for (out, r) in [("older", older), ("once", once)] {
        let bundle = env.path().join(r["data"]["bundle"].as_str().unwrap());
        let zip = format!("{out}.zip");
        ok(tool("age").args(["-d", "-i", "group/group-age.key", "-o", &zip]).arg(&bundle).current_dir(env.path()));
        let listed = ok(tool("unzip").args(["-t", &zip]).current_dir(env.path()));
        assert!(listed.contains("report.pdf") && listed.contains("No errors detected"), "{listed}");
    }
}

/// The CRC-32 (IEEE) of `bytes`, bit by bit: the zip format's own, computed here independently.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
        }
    }
    !c
}

#[test]
fn a_passphrase_copy_opens_with_its_passphrase_only() {
    let (env, demo) = ready();
    // Standard error here is a pipe, not a terminal: the passphrase is not printed to it.
    let refused = create_run(&env, &demo, "pc", &["--passphrase-copy"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--passphrase-out FILE"), "{}", refused.stderr);
    assert!(!env.path().join("pc").exists(), "a refused run wrote nothing");
    let r = create_run(&env, &demo, "pc", &["--passphrase-copy", "--passphrase-out", "pass.txt", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pass_file = env.path().join("pass.txt");
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&pass_file).unwrap().permissions()) & 0o777,
        0o600
    );
    let pass = std::fs::read_to_string(&pass_file).unwrap().trim().to_string();
    assert!(!r.stderr.contains(&pass), "the passphrase went to the file only");
    assert_eq!(pass.len(), 39, "32 characters in 8 groups: {pass}");
    assert!(!r.stdout.contains(&pass), "the passphrase must not be in the JSON output");
    let copy = PathBuf::from(r.json()["data"]["passphrase_copy"].as_str().unwrap());
    let copy = if copy.is_absolute() { copy } else { env.path().join(copy) };
    ok(tool("minisign").arg("-Vm").arg(&copy).arg("-p").arg(demo.join("keys/facilitator-minisign.pub")));
    let open = |p: &str| -> Option<Vec<u8>> {
        let mut id = age::scrypt::Identity::new(age::secrecy::SecretString::from(p.to_string()));
        id.set_max_work_factor(20);
        let f = std::fs::File::open(&copy).unwrap();
        let dec = age::Decryptor::new(std::io::BufReader::new(f)).ok()?;
        let mut r = dec.decrypt(std::iter::once(&id as &dyn age::Identity)).ok()?;
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut r, &mut out).ok()?;
        Some(out)
    };
    assert!(open("not the passphrase").is_none());
    let zip_bytes = open(&pass).expect("the passphrase opens the copy");
    let z = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    assert!(z.len() >= 19, "{}", z.len());
}

/// The seed community's accounts: a Twitter login whose recovery email is on the charity's domain
/// (flagged), and a closed Facebook group that passes by changing its admins (no secret held,
/// one rotation step).
#[test]
#[allow(clippy::too_many_lines, reason = "one account's journey from sender to receiver, step by step")]
fn an_admins_account_travels_without_a_secret_and_recovery_on_the_charity_is_flagged() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = on(&env, &reg);
    assert_eq!(s(&["controller", "edit", "brightwater-trust", "--contact", "dp@brightwater.example.org"]).code, 0);
    let secret = env.write("tw.txt", "tw-demo-password");
    let tw = s(&[
        "account",
        "add",
        "--service",
        "twitter_x",
        "--url",
        "https://x.example/kscop",
        "--login",
        "kscop",
        "--recovery-email",
        "Comms@Brightwater.Example.org",
        "--secret-file",
        &secret,
        "--json",
    ]);
    assert_eq!(tw.code, 0, "{}", tw.stderr);
    assert!(tw.stderr.contains("recovery email is on Brightwater Trust's domain"), "{}", tw.stderr);
    // A facilitator's own phone as the recovery phone: flagged too.
    let staff = s(&["person", "add", "--name", "Facilitator One", "--phone", "01632 960123", "--json"]);
    let staff_id = staff.json()["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(s(&["role", "assign", "--person", &staff_id, "--role", "facilitator", "--from", "2024-01-01"]).code, 0);
    let yt = s(&[
        "account",
        "add",
        "--service",
        "youtube",
        "--url",
        "https://video.example/kscop",
        "--login",
        "kscop",
        "--recovery-phone",
        "+44 1632 960123",
        "--secret-file",
        &env.write("yt.txt", "yt-demo-password"),
    ]);
    assert!(yt.stderr.contains("recovery phone belongs to Brightwater Trust's facilitator"), "{}", yt.stderr);
    // Without the admin lists: refused before anything is asked.
    let bare = s(&["account", "add", "--service", "facebook_group", "--url", "u", "--login", "l", "--admin-change"]);
    assert_eq!(bare.code, 2, "{}", bare.stderr);
    let fb = s(&[
        "account",
        "add",
        "--service",
        "facebook_group",
        "--url",
        "https://facebook.example/groups/kscop",
        "--login",
        "group settings",
        "--admin-change",
        "--admins-outgoing",
        "Facilitator One",
        "--admins-incoming",
        "Chair A, Secretary B",
        "--json",
    ]);
    assert_eq!(fb.code, 0, "{}", fb.stderr);
    let fb_id = fb.json()["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(fb.json()["data"]["access"], "admins");
    assert_eq!(fb.json()["data"]["secret_recipients"].as_array().unwrap().len(), 0);
    let conn = rusqlite::Connection::open(demo.join("handover.db")).unwrap();
    let held: Vec<u8> = conn.query_row("SELECT secret FROM accounts WHERE id = ?1", [&fb_id], |r| r.get(0)).unwrap();
    assert!(held.is_empty(), "no secret is held for an admins account");
    drop(conn);
    let reveal = s(&["account", "reveal", &fb_id, "--identity", "x", "--out", "f.txt"]);
    assert_eq!(reveal.code, 2);
    assert!(reveal.stderr.contains("has no secret"), "{}", reveal.stderr);
    let plan = s(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let flags: Vec<String> = plan["data"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["recovery_flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(flags.len(), 2, "{flags:?}");
    assert!(!flags.iter().any(|f| f.contains("Comms@") || f.contains("960123")), "the flags name no address or number");
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    assert_eq!(s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]).code, 0);
    let r = create(&env, &demo, "out");
    let record = std::fs::read_to_string(env.path().join(r["data"]["transfer_record"].as_str().unwrap())).unwrap();
    assert!(!record.contains("Facilitator One") && !record.contains("Chair A"), "no admins' names in the record");
    let bundle = env.path().join(r["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let imp = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(imp.code, 0, "{}", imp.stderr);
    let g = |args: &[&str]| {
        let mut a = vec!["--register", "g/register.db"];
        a.extend(args);
        env.run(&a)
    };
    let got = g(&["account", "show", &fb_id, "--json"]).json();
    assert_eq!(got["data"]["access"], "admins");
    assert_eq!(got["data"]["admins_incoming"], serde_json::json!(["Chair A", "Secretary B"]));
    let tasks = g(&["tasks", "list", "--json"]).json();
    let task = tasks["data"].as_array().unwrap().iter().find(|t| t["subject"] == fb_id.as_str()).unwrap().clone();
    assert!(
        task["title"].as_str().unwrap().contains("make Chair A, Secretary B admins, then remove Facilitator One"),
        "{task}"
    );
    let wrong = g(&["account", "rotate-done", &fb_id, "--what", "password"]);
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("record --what admins"), "{}", wrong.stderr);
    let done = g(&["account", "rotate-done", &fb_id, "--what", "admins"]);
    assert!(done.stdout.contains("every rotation step is done"), "{}", done.stdout);
    let report = g(&["audit", "report", "--json"]).json();
    let row =
        report["data"]["accounts"].as_array().unwrap().iter().find(|a| a["id"] == fb_id.as_str()).unwrap().clone();
    assert_eq!(row["rotated"], true, "{row}");
}

/// A mailing-service account goes with its whole audience: with anyone held back from the mailing
/// list, the plan stops until the data protection lead records the audience checked (cleaned, or
/// exported and deleted), and again after a later change to who is held back.
#[test]
fn a_mailing_service_account_carries_no_one_the_plan_holds_back_unchecked() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = on(&env, &reg);
    let secret = env.write("mc.txt", "mc-demo-password");
    let mc = s(&["account", "add", "--service", "mailchimp", "--url", "https://mc.example/kscop", "--login", "kscop"]);
    assert_eq!(mc.code, 2, "a secret is needed: {}", mc.stderr);
    let mc = s(&[
        "account",
        "add",
        "--service",
        "mailchimp",
        "--url",
        "https://mc.example/kscop",
        "--login",
        "kscop",
        "--personal-data",
        "the newsletter audience",
        "--secret-file",
        &secret,
        "--json",
    ]);
    assert_eq!(mc.code, 0, "{}", mc.stderr);
    let id = mc.json()["data"]["id"].as_str().unwrap().to_string();
    let plan = || s(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let blocked = |p: &serde_json::Value| {
        p["data"]["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["code"] == "audience_unchecked" && b["subject"] == id.as_str())
    };
    let p = plan();
    assert!(blocked(&p), "{}", p["data"]["blockers"]);
    let acc = p["data"]["accounts"].as_array().unwrap().iter().find(|a| a["id"] == id.as_str()).unwrap().clone();
    assert!(acc["audience"]["held_back"].as_u64().unwrap() > 0, "{acc}");
    let wrong = s(&["account", "audience-checked", "wordpress", "--how", "cleaned", "--note", "n"]);
    assert_eq!(wrong.code, 2, "a website has no audience: {}", wrong.stderr);
    let ok = s(&[
        "account",
        "audience-checked",
        &id,
        "--how",
        "cleaned",
        "--note",
        "held-back people archived in Mailchimp",
        "--json",
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(!blocked(&plan()), "{}", plan()["data"]["blockers"]);
    // A withdrawal after the check changes who is held back: checked again.
    let w = env
        .command(&[
            "--register",
            &reg,
            "consent",
            "withdraw",
            "--person",
            "M0001",
            "--purpose",
            "successor_newsletter",
            "--at",
            "2026-11-25T12:03:00Z",
            "--recorded-by",
            "fac",
            "--method",
            "email_reply",
        ])
        .env("HANDOVER_TEST_NOW", "2026-11-25T12:04:00Z")
        .output()
        .unwrap();
    assert!(w.status.success(), "{}", String::from_utf8_lossy(&w.stderr));
    let later = env
        .command(&["--register", &reg, "transfer", "plan", "--to", "kscop-steering-group", "--json"])
        .env("HANDOVER_TEST_NOW", "2026-11-25T12:05:00Z")
        .output()
        .unwrap();
    let p: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert!(blocked(&p), "{}", p["data"]["blockers"]);
}

/// Whoever sends does not approve: a key that signed a bundle for this register, or this
/// computer's own signing key, is never registered as an approver; a bundle is never signed with
/// the key that approved its plan.
#[test]
fn the_approver_is_not_the_sender() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = on(&env, &reg);
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    let sender = demo.join("keys/facilitator-minisign.pub").display().to_string();
    approve_again_if_used(&env, &reg, &demo);
    let before = s(&["audit", "log", "--json"]).json()["data"].as_array().unwrap().len();
    let r = s(&["approver", "add", &sender, "--name", "me", "--sign-key", &dp]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("signed a bundle for this register"), "{}", r.stderr);
    // The bundle is refused when signed with the approver's key, before anything is written.
    let own = create_run(&env, &demo, "out", &["--sign-key", &dp]);
    assert_eq!(own.code, 2, "{}", own.stderr);
    assert!(own.stderr.contains("never the approver's"), "{}", own.stderr);
    assert!(!env.path().join("out").exists() || std::fs::read_dir(env.path().join("out")).unwrap().next().is_none());
    assert_eq!(s(&["audit", "log", "--json"]).json()["data"].as_array().unwrap().len(), before);
    // The register vouches for its own log with its own key: never the approver's, and a key that
    // signed a checkpoint never becomes an approver (R27).
    let cp = s(&["audit", "checkpoint", "--sign-key", &dp, "--out", "cp.txt"]);
    assert_eq!(cp.code, 2, "{}", cp.stderr);
    assert!(cp.stderr.contains("is dp-lead's approver key"), "{}", cp.stderr);
    assert_eq!(env.run(&["keys", "new", "--out", "w", "--name", "witness", "--unprotected"]).code, 0);
    assert_eq!(s(&["audit", "checkpoint", "--sign-key", "w/witness-minisign.key", "--out", "cp.txt"]).code, 0);
    let r = s(&["approver", "add", "w/witness-minisign.pub", "--name", "w", "--sign-key", &dp]);
    assert!(r.stderr.contains("signed a checkpoint for this register"), "{}", r.stderr);
    // On a register that never sent: this computer's own signing key signs its bundles.
    env.ok(&["--register", "new.db", "init", "--community", "c", "--controller", "c"]);
    env.ok(&["keys", "new", "--unprotected"]);
    let keys_dir = env.path().join(".config/handover/keys");
    let own_pub = keys_dir.join("handover-minisign.pub").display().to_string();
    let own_key = keys_dir.join("handover-minisign.key").display().to_string();
    let r = env.run(&["--register", "new.db", "approver", "add", &own_pub, "--name", "me", "--sign-key", &own_key]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("this computer's own signing key"), "{}", r.stderr);
}

/// One approval makes one bundle: `transfer approve` names the bundle's id and signs it, `bundle
/// create` makes that bundle, and a second bundle needs a second approval (`approval_used`).
#[test]
fn one_approval_makes_one_bundle() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = on(&env, &reg);
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    let a = s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp, "--json"]).json();
    let id = a["data"]["bundle_id"].as_str().unwrap().to_string();
    let first = create(&env, &demo, "out");
    assert_eq!(first["data"]["bundle_id"].as_str(), Some(id.as_str()), "{first}");
    let plan = s(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let used: Vec<&Value> =
        plan["data"]["blockers"].as_array().unwrap().iter().filter(|b| b["code"] == "approval_used").collect();
    assert_eq!(used.len(), 1, "{plan}");
    assert!(used[0]["message"].as_str().unwrap().contains(&id), "{plan}");
    // Straight to `bundle create`, no new approval: refused, nothing written.
    let args = ["bundle", "create", "--to", "kscop-steering-group", "--recipient", "group/group-age.pub"];
    let sk = demo.join("keys/facilitator-minisign.key").display().to_string();
    let second = s(&[&args[..], &["--sign-key", &sk, "--out", "second"]].concat());
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(second.stderr.contains("approval_used"), "{}", second.stderr);
    assert!(!env.path().join("second").read_dir().is_ok_and(|mut d| d.next().is_some()), "nothing was written");
    // A new approval, a new id.
    let next = create(&env, &demo, "third");
    assert_ne!(next["data"]["bundle_id"].as_str(), Some(id.as_str()), "{next}");
}

/// The approval is the data protection lead's signature over the plan and every value it carries:
/// an email edited after it is not shipped; only a registered approver's key approves; an
/// approval without a signature (as older versions recorded) no longer counts.
#[test]
fn an_approval_covers_every_value_and_only_a_registered_approver_signs_it() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = on(&env, &reg);
    approve_again_if_used(&env, &reg, &demo);
    // An email edited after the approval: the decisions are the same, the values are not.
    assert_eq!(s(&["person", "edit", "M0001", "--email=m0001.new@example.org"]).code, 0);
    let blockers =
        s(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json()["data"]["blockers"].clone();
    assert_eq!(blockers.as_array().unwrap().len(), 0, "{blockers}");
    let stale = create_run(&env, &demo, "out", &[]);
    assert_eq!(stale.code, 2, "{}", stale.stderr);
    assert!(stale.stderr.contains("changed since the plan was approved"), "{}", stale.stderr);
    assert!(!env.path().join("out").read_dir().is_ok_and(|mut d| d.next().is_some()), "nothing was written");
    // A key that is not a registered approver cannot approve.
    env.ok(&["keys", "new", "--out", "k", "--name", "someone", "--unprotected"]);
    let other = s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", "k/someone-minisign.key"]);
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert!(other.stderr.contains("is not a registered approver"), "{}", other.stderr);
    // A protected key that is not an approver is refused before its passphrase is asked for
    // (there is no terminal here: asking would fail with "no passphrase").
    let made = env
        .command(&["keys", "new", "--out", "k", "--name", "guarded"])
        .env("HANDOVER_PASSPHRASE", "a passphrase for the test")
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let guarded = s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", "k/guarded-minisign.key"]);
    assert_eq!(guarded.code, 2, "{}", guarded.stderr);
    assert!(guarded.stderr.contains("is not a registered approver"), "{}", guarded.stderr);
    // The data protection lead approves again: the bundle is written, and carries the approval.
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    assert_eq!(s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]).code, 0);
    let r = create(&env, &demo, "out");
    let bundle = env.path().join(r["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let v = env.ok(&[
        "bundle",
        "verify",
        bundle.to_str().unwrap(),
        "--identity",
        "group/group-age.key",
        "--signer",
        &pk,
        "--json",
    ]);
    assert_eq!(v.json()["data"]["approved_by"], "dp-lead");
    let codes = || -> Vec<String> {
        let plan = s(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
        plan["data"]["blockers"].as_array().unwrap().iter().map(|b| b["code"].as_str().unwrap().to_string()).collect()
    };
    // That approval made its bundle; a new one is for the next.
    assert_eq!(codes(), ["approval_used"]);
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    assert_eq!(s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]).code, 0);
    // Removing the approver withdraws their approvals; registering them again restores them.
    // Every change to the approvers is signed by a current approver, and the last one cannot go.
    let approvers = s(&["approver", "list", "--json"]).json();
    let key_id = approvers["data"][0]["key_id"].as_str().unwrap().to_string();
    let last = s(&["approver", "remove", &key_id, "--sign-key", &dp]);
    assert_eq!(last.code, 2, "{}", last.stderr);
    assert!(last.stderr.contains("is the only approver"), "{}", last.stderr);
    assert_eq!(env.run(&["keys", "new", "--out", "dp2", "--name", "dp2", "--unprotected"]).code, 0);
    let unsigned =
        s(&["approver", "add", "dp2/dp2-minisign.pub", "--name", "next dp", "--sign-key", "dp2/dp2-minisign.key"]);
    assert_eq!(unsigned.code, 2, "a second approver cannot sign their own registration: {}", unsigned.stderr);
    assert!(unsigned.stderr.contains("added by a current approver (dp-lead"), "{}", unsigned.stderr);
    assert_eq!(s(&["approver", "add", "dp2/dp2-minisign.pub", "--name", "next dp", "--sign-key", &dp]).code, 0);
    assert_eq!(s(&["approver", "remove", &key_id, "--sign-key", "dp2/dp2-minisign.key"]).code, 0);
    assert!(codes().contains(&"approval_not_signed".to_string()), "{:?}", codes());
    let dp_pub = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    assert_eq!(s(&["approver", "add", &dp_pub, "--name", "dp-lead", "--sign-key", "dp2/dp2-minisign.key"]).code, 0);
    assert!(codes().is_empty(), "{:?}", codes());
    let log = s(&["audit", "log", "--json"]).json();
    let adds: Vec<&serde_json::Value> =
        log["data"].as_array().unwrap().iter().filter(|e| e["action"] == "approver.add").collect();
    assert_eq!(adds.len(), 3, "{adds:?}");
    assert_eq!(adds[0]["details"]["first"], true, "the first approver's registration says so: {:?}", adds[0]);
    assert_eq!(adds[2]["details"]["first"], false, "{:?}", adds[2]);
    // An approval recorded without a signature no longer counts.
    let conn = rusqlite::Connection::open(demo.join("handover.db")).unwrap();
    conn.execute(
        "INSERT INTO approvals(id, controller, digest, approver, approved_at) SELECT 'apr_unsigned', controller, digest, 'typed name', '2099-01-01T00:00:00Z' FROM approvals LIMIT 1",
        [],
    )
    .unwrap();
    drop(conn);
    assert!(codes().contains(&"approval_not_signed".to_string()), "{:?}", codes());
}

/// The suppression list goes undifferentiated (never why an address is kept off) and under a
/// scalar made for each bundle (never the register's own keys); the receiver re-keys it to its own
/// and keeps those addresses off its lists.
#[test]
fn the_suppression_list_goes_rekeyed_for_each_bundle_and_says_nothing_of_why() {
    let (env, demo) = ready();
    let bag = |out: &str| {
        let r = create(&env, &demo, out);
        let (_, bag) = open_bag(&env, &env.path().join(r["data"]["bundle"].as_str().unwrap()));
        (r, bag)
    };
    let (first, one) = bag("out1");
    let (_, two) = bag("out2");
    let list = String::from_utf8(one["data/suppression.csv"].clone()).unwrap();
    assert!(list.starts_with("point,at\n"), "{list}");
    assert!(!list.contains("erased") && !list.contains("unsubscribed"), "the list says why: {list}");
    assert_eq!(list.lines().count(), 14, "the demo's 13 entries: {list}");
    // Every entry bears one date, so none (an erasure on the bundle's day) stands out by it.
    let dates: std::collections::BTreeSet<&str> = list.lines().skip(1).filter_map(|l| l.split(',').nth(1)).collect();
    assert_eq!(dates.len(), 1, "{list}");
    let key = |b: &Bag| {
        serde_json::from_slice::<serde_json::Value>(&b["data/suppression-key.json"]).unwrap()["scalar_hex"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_ne!(key(&one), key(&two), "a scalar made for each bundle");
    assert_ne!(one["data/suppression.csv"], two["data/suppression.csv"]);
    let conn = rusqlite::Connection::open(demo.join("handover.db")).unwrap();
    for setting in ["hash_key", "suppression_scalar"] {
        let own: String = conn.query_row("SELECT value FROM settings WHERE key = ?1", [setting], |r| r.get(0)).unwrap();
        assert_ne!(own, key(&one), "the register's {setting} left it");
    }
    drop(conn);
    // The group keeps the addresses off its own lists: the unsubscribed and bounced addresses of
    // the sender's Mailchimp export are already suppressed there.
    let bundle = env.path().join(first["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let r = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = on(&env, "g/register.db");
    let text = env.write("st.txt", "Yes, the steering group may email me. (synthetic)\n");
    // The group says it ran its own list since 2015 (its statement could not be older otherwise).
    assert_eq!(g(&["controller", "edit", "kscop-steering-group", "--since", "2015-01-01"]).code, 0);
    let st = ["statement", "add", "--version", "G-2015", "--purpose", "successor_newsletter", "--format", "standard"];
    assert_eq!(
        g(&[&st[..], &["--file", &text, "--effective-from", "2015-01-01", "--controllers", "kscop-steering-group"]]
            .concat())
        .code,
        0
    );
    assert_eq!(
        g(&["notice", "add", "--version", "GN-2015", "--file", &text, "--effective-from", "2015-01-01"]).code,
        0
    );
    let export = crate::util::fixtures().join("exports/mailchimp-audience-export.zip").display().to_string();
    let dry = g(&[
        "person",
        "import",
        &export,
        "--purpose",
        "successor_newsletter",
        "--controllers",
        "kscop-steering-group",
        "--statement-version",
        "G-2015",
        "--notice-version",
        "GN-2015",
        "--method",
        "online_checkbox",
        "--without-consent",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(dry.json()["data"]["counts"]["already_suppressed"], 12, "{}", dry.stdout);
}

/// The usual mistakes on the receiving side are named for what they are, and change nothing: the
/// transfer record or the signature given as the bundle, the signature not beside the bundle, the
/// public half of the age key as the identity, the group's own signing key as the signer.
#[test]
fn the_usual_mistakes_are_named_not_alarmed_about() {
    let (env, demo) = ready();
    let r = create(&env, &demo, "out");
    let bundle = env.path().join(r["data"]["bundle"].as_str().unwrap());
    let record = env.path().join(r["data"]["transfer_record"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let verify = |file: &std::path::Path, identity: &str, signer: &str| {
        env.run(&["bundle", "verify", file.to_str().unwrap(), "--identity", identity, "--signer", signer])
    };
    let as_record = verify(&record, "group/group-age.key", &pk);
    assert_eq!(as_record.code, 2, "{}", as_record.stderr);
    assert!(as_record.stderr.contains("this is the transfer record"), "{}", as_record.stderr);
    let sig = std::path::PathBuf::from(format!("{}.minisig", bundle.display()));
    let as_sig = verify(&sig, "group/group-age.key", &pk);
    assert!(as_sig.stderr.contains("this is the bundle's signature"), "{}", as_sig.stderr);
    let public = verify(&bundle, "group/group-age.pub", &pk);
    assert_eq!(public.code, 2);
    assert!(public.stderr.contains("public half"), "{}", public.stderr);
    let own = verify(&bundle, "group/group-age.key", "group/group-minisign.pub");
    assert_eq!(own.code, 2);
    assert!(own.stderr.contains("your own signing key"), "{}", own.stderr);
    let own_import = import_run(&env, &bundle, "group/group-minisign.pub", "g/register.db", &[]);
    assert!(own_import.stderr.contains("your own signing key"), "{}", own_import.stderr);
    // The signature left behind: say where it belongs, not that the bundle is bad.
    let moved = env.path().join("elsewhere.zip.age");
    std::fs::copy(&bundle, &moved).unwrap();
    let lonely = verify(&moved, "group/group-age.key", &pk);
    assert_eq!(lonely.code, 2, "{}", lonely.stderr);
    assert!(lonely.stderr.contains("is not beside the bundle"), "{}", lonely.stderr);
    assert!(!lonely.stderr.contains("new bundle"), "{}", lonely.stderr);
    assert!(!env.path().join("g").exists(), "nothing was written");
}

/// The form of the statement a person was shown goes with their consent, and the group's register
/// records it as the sender did.
#[test]
fn the_statement_format_travels_with_the_consent() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = |args: &[&str]| {
        let mut a = vec!["--register", reg.as_str()];
        a.extend(args);
        env.ok(&a)
    };
    s(&[
        "consent",
        "record",
        "--person",
        "M0002",
        "--purpose",
        "disclose_to_successor",
        "--controllers",
        "brightwater-trust;kscop-steering-group",
        "--channels",
        "email",
        "--at",
        "2026-11-20T10:00:00Z",
        "--recorded-by",
        "hub champion",
        "--method",
        "easy_read_form",
        "--evidence-ref",
        "EV-ER-1",
        "--statement-version",
        "DS-2025",
        "--statement-format",
        "easy_read",
        "--notice-version",
        "PN-2025",
        "--told-can-withdraw",
        "yes",
    ]);
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]);
    let r = create(&env, &demo, "out");
    let bundle = PathBuf::from(r["data"]["bundle"].as_str().unwrap());
    let bundle = if bundle.is_absolute() { bundle } else { env.path().join(bundle) };
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let r = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hist = env.ok(&["--register", "g/register.db", "consent", "history", "M0002", "--json"]).json();
    let ours: Vec<&serde_json::Value> =
        hist["data"].as_array().unwrap().iter().filter(|e| e["evidence_ref"] == "EV-ER-1").collect();
    assert_eq!(ours.len(), 1, "{hist}");
    assert_eq!(ours[0]["statement_format"], "easy_read");
    // The others were recorded without one, and say so.
    assert!(hist["data"].as_array().unwrap().iter().any(|e| e["statement_format"].is_null()));
}

/// A person's "no" travels with them: a withdrawal, a refusal and an objection to the group's
/// newsletter, each told to the charity only, go with the people the bundle carries, and the
/// group's own mailing list leaves them off (PECR reg 22, Art 7(3), Art 21(3)).
#[test]
fn a_no_told_to_the_charity_reaches_the_group() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = on(&env, &reg);
    let plan = s(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let listed: Vec<String> = plan["data"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["mailing_list"]["included"] == true && p["register"]["included"] == true)
        .map(|p| p["ref"].as_str().unwrap().to_string())
        .take(3)
        .collect();
    assert_eq!(listed.len(), 3);
    let email = |r: &str| s(&["person", "show", r, "--json"]).json()["data"]["email"].as_str().unwrap().to_lowercase();
    let emails: Vec<String> = listed.iter().map(|r| email(r)).collect();
    let at = "2026-11-20T10:00:00Z";
    let told_charity = ["--controllers", "brightwater-trust", "--at", at];
    for (r, action) in [(&listed[0], "withdraw"), (&listed[1], "refuse")] {
        let mut a = vec!["consent", action, "--person", r, "--purpose", "successor_newsletter"];
        a.extend(told_charity);
        a.extend(["--recorded-by", "fac", "--channels", "email"]);
        assert_eq!(s(&a).code, 0, "{action}");
    }
    let mut a = vec!["basis", "object", "--person", &listed[2], "--purpose", "successor_newsletter"];
    a.extend(told_charity);
    a.extend(["--decided-by", "dp"]);
    assert_eq!(s(&a).code, 0);
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    assert_eq!(s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]).code, 0);
    let r = create(&env, &demo, "out");
    let bundle = env.path().join(r["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let r = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = on(&env, "g/register.db");
    let list = g(&["mailing-list", "export", "--format", "listmonk"]).stdout.to_lowercase();
    for (r, e) in listed.iter().zip(&emails) {
        assert!(!list.contains(e.as_str()), "{r} said no to the charity but is on the group's list");
    }
    // Still in the group's register (their details went on another basis), each with their no.
    for r in &listed {
        let status = g(&["person", "show", r, "--json"]).json();
        let newsletter = status["data"]["consent_status"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["purpose"] == "successor_newsletter" && c["controller"] == "kscop-steering-group")
            .cloned();
        assert!(newsletter.as_ref().is_none_or(|c| c["status"] != "granted"), "{r}: {newsletter:?}");
    }
}

/// A large text document (over 8 MiB) goes through plan, review and bundle a window at a time:
/// the bundle carries the redaction the data protection lead previewed and approved, byte for
/// byte, and the group receives it without the withheld person's name.
#[test]
fn a_large_text_document_is_redacted_a_window_at_a_time_into_the_bundle() {
    let (env, demo) = ready();
    let reg = demo.join("handover.db").display().to_string();
    let s = on(&env, &reg);
    let plan = s(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).json();
    let held = plan["data"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["register"]["included"] == false && p["mailing_list"]["included"] == false)
        .map(|p| p["ref"].as_str().unwrap().to_string())
        .expect("someone held back");
    let name = s(&["person", "show", &held, "--json"]).json()["data"]["name"].as_str().unwrap().to_string();
    // Someone who goes, named too: later erased at the group.
    let goes = plan["data"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["register"]["included"] == true)
        .map(|p| p["ref"].as_str().unwrap().to_string())
        .unwrap();
    let goes_name = s(&["person", "show", &goes, "--json"]).json()["data"]["name"].as_str().unwrap().to_string();
    let mut text = String::with_capacity(9 << 20);
    let mut n = 0;
    while text.len() < (9 << 20) {
        n += 1;
        text.push_str(&format!("Line {n}: the hub met and agreed the spring plan.\n"));
        if n % 7919 == 0 {
            text.push_str(&format!("{name} sent apologies; {goes_name} chaired.\n"));
        }
    }
    let doc = env.write("big-notes.txt", &text);
    let id =
        s(&["document", "add", &doc, "--classification", "personal", "--category", "minutes", "--json"]).json()["data"]
            [0]["id"]
            .as_str()
            .unwrap()
            .to_string();
    let preview = env.path().join("big-preview.txt");
    s(&["redact", "preview", &id, "--out", preview.to_str().unwrap()]);
    let review = ["document", "review", &id, "--decision", "include", "--reviewer", "dp", "--note", "read it all"];
    assert_eq!(s(&review).code, 0);
    let dp = demo.join("keys/dp-lead-minisign.key").display().to_string();
    assert_eq!(s(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp]).code, 0);
    let made = create(&env, &demo, "out");
    let bundle = env.path().join(made["data"]["bundle"].as_str().unwrap());
    let pk = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let r = import_run(&env, &bundle, &pk, "g/register.db", &["--custodian", "group/group-age.pub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let received = std::fs::read_dir(env.path().join("g/register-documents"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with("big-notes.txt"))
        .expect("the large document arrived")
        .path();
    let got = std::fs::read(&received).unwrap();
    assert_eq!(got, std::fs::read(&preview).unwrap(), "the bundle carries what was previewed");
    let got = String::from_utf8(got).unwrap();
    assert!(!got.contains(&name), "the withheld person's name went");
    assert_eq!(got.matches(&format!("[name withheld] sent apologies; {goes_name} chaired.")).count(), n / 7919);
    // Erased at the group: the large received document is rewritten without them, a window at a
    // time, and the register records its new digest.
    let g = on(&env, "g/register.db");
    assert_eq!(g(&["person", "erase", &goes, "--reason", "asked the group"]).code, 0);
    let after = std::fs::read_to_string(&received).unwrap();
    assert!(!after.contains(&goes_name), "the erased person's name went");
    assert_eq!(after.matches("[name withheld] sent apologies; [name withheld] chaired.").count(), n / 7919);
    let docs = g(&["document", "list", "--json"]).json();
    let doc = docs["data"].as_array().unwrap().iter().find(|d| d["path"] == received.to_str().unwrap()).cloned();
    let sha = crate::util::sha256_file(&received);
    assert_eq!(doc.map(|d| d["sha256"].clone()), Some(serde_json::json!(sha)), "{docs}");
}
