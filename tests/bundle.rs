//! Bundles against the outside tools: Debian's age and minisign, Info-ZIP's unzip, PyPI's bagit
//! and check-jsonschema.

use std::path::{Path, PathBuf};

use crate::util::{TestEnv, root, tool};

/// The demo's register (reviewed and approved plan) and a receiving group's keys.
fn ready() -> (TestEnv, PathBuf) {
    let env = TestEnv::new();
    let demo = env.path().join("demo");
    env.ok(&["demo", "--out", demo.to_str().unwrap()]);
    env.ok(&["keys", "new", "--out", "group", "--name", "group", "--unprotected"]);
    (env, demo)
}

fn create(env: &TestEnv, demo: &Path, out: &str) -> serde_json::Value {
    let reg = demo.join("handover.db");
    env.ok(&[
        "--register",
        reg.to_str().unwrap(),
        "bundle",
        "create",
        "--to",
        "kscop-steering-group",
        "--recipient",
        "group/group-age.pub",
        "--recipient",
        "group/group-age.pub",
        "--sign-key",
        demo.join("keys/facilitator-minisign.key").to_str().unwrap(),
        "--identity",
        demo.join("keys/facilitator-age.key").to_str().unwrap(),
        "--out",
        out,
        "--json",
    ])
    .json()
}

fn ok(cmd: &mut std::process::Command) -> String {
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
    let again = env.run(&[
        "--register",
        demo.join("handover.db").to_str().unwrap(),
        "bundle",
        "create",
        "--to",
        "kscop-steering-group",
        "--recipient",
        "group/group-age.pub",
        "--sign-key",
        demo.join("keys/facilitator-minisign.key").to_str().unwrap(),
        "--identity",
        demo.join("keys/facilitator-age.key").to_str().unwrap(),
        "--out",
        "out",
    ]);
    assert_eq!(again.code, 2, "{}", again.stderr);
}

#[test]
fn a_plan_with_blockers_writes_no_bundle() {
    let env = TestEnv::with_fixtures();
    env.ok(&["keys", "new", "--out", "k", "--name", "s", "--unprotected"]);
    let r = env.run(&[
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
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the plan has blockers (no_data_sharing_agreement, no_dpia, not_approved)"),
        "{}",
        r.stderr
    );
    assert!(!env.path().join("out").exists() || std::fs::read_dir(env.path().join("out")).unwrap().next().is_none());
    let dry = env.ok(&[
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
        "--dry-run",
    ]);
    assert!(dry.stdout.starts_with("dry run, nothing written"));
}
