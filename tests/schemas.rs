//! Every JSON document the tool writes, and every CSV format it reads, is validated against its
//! schema in `schemas/` with the outside validator `check-jsonschema` (installed by `.ci/run`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::util::{TestEnv, fixtures, root, tool};

fn validate(schema: &Path, instances: &[PathBuf]) -> (bool, String) {
    let out = tool("check-jsonschema")
        .arg("--schemafile")
        .arg(schema)
        .args(instances)
        .output()
        .expect("run check-jsonschema");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn every_json_output_matches_its_schema() {
    let env = TestEnv::with_fixtures();
    let fx = |n: &str| fixtures().join(n).display().to_string();
    let demo_out = env.path().join("demo").display().to_string();
    let sar = env.path().join("sar.json").display().to_string();
    let commands: Vec<Vec<String>> = [
        vec!["controller", "list"],
        vec!["controller", "edit", "kscop-steering-group", "--dsa-ref", "DSA-1"],
        vec!["purpose", "list"],
        vec!["person", "list"],
        vec!["person", "show", "M0002"],
        vec!["person", "export", "M0002"],
        vec!["person", "export", "M0003", "--out", &sar],
        vec!["person", "add", "--name", "New Person", "--email", "new.person@example.org"],
        vec!["person", "set-diversity", "M0027", "--category", "ethnicity", "--value", "mixed"],
        vec!["role", "list"],
        vec!["role", "assign", "--person", "M0012", "--role", "steering_member", "--from", "2026-01-01"],
        vec!["statement", "list"],
        vec!["notice", "list"],
        vec!["consent", "history", "M0001"],
        vec![
            "consent",
            "withdraw",
            "--person",
            "M0001",
            "--purpose",
            "newsletter",
            "--at",
            "2026-10-01T10:00:00Z",
            "--recorded-by",
            "fac",
            "--channels",
            "email",
        ],
        vec!["basis", "list"],
        vec![
            "basis",
            "object",
            "--person",
            "M0013",
            "--purpose",
            "disclose_to_successor",
            "--decided-by",
            "fac",
            "--at",
            "2026-10-01T10:00:00Z",
        ],
        vec!["consent", "import", &fx("consent.csv")],
        vec!["person", "erase", "M0200", "--reason", "request"],
        vec!["audit", "verify"],
        vec!["audit", "log"],
        vec!["completions", "bash"],
        vec!["man"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    let mut by_type: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut n = 0;
    let mut save = |stdout: &str, by_type: &mut BTreeMap<String, Vec<PathBuf>>| {
        let v: serde_json::Value = serde_json::from_str(stdout).expect("--json output is one JSON document");
        let t = v["type"].as_str().expect("envelope has a type").to_string();
        n += 1;
        let p = env.path().join(format!("out-{n}-{t}.json"));
        std::fs::write(&p, stdout).unwrap();
        by_type.entry(t).or_default().push(p);
    };
    for c in &commands {
        let mut args: Vec<&str> = c.iter().map(String::as_str).collect();
        args.push("--json");
        let r = env.ok(&args);
        save(&r.stdout, &mut by_type);
    }
    // init and the demo, in fresh folders.
    let fresh = TestEnv::new();
    save(&fresh.ok(&["init", "--community", "C", "--controller", "Org", "--json"]).stdout, &mut by_type);
    save(&fresh.ok(&["controller", "add", "--name", "Group", "--kind", "other", "--json"]).stdout, &mut by_type);
    save(&env.ok(&["demo", "--out", &demo_out, "--json"]).stdout, &mut by_type);
    let t = fresh.write("s.txt", "statement text\n");
    save(
        &fresh
            .ok(&[
                "statement",
                "add",
                "--version",
                "V1",
                "--purpose",
                "newsletter",
                "--format",
                "standard",
                "--file",
                &t,
                "--effective-from",
                "2026-01-01",
                "--json",
            ])
            .stdout,
        &mut by_type,
    );
    save(
        &fresh
            .ok(&[
                "notice",
                "add",
                "--version",
                "N1",
                "--file",
                &t,
                "--announces",
                "group:disclose_to_successor",
                "--effective-from",
                "2026-01-01",
                "--json",
            ])
            .stdout,
        &mut by_type,
    );
    save(&fresh.ok(&["person", "add", "--ref", "A", "--name", "A", "--json"]).stdout, &mut by_type);
    save(
        &fresh
            .ok(&[
                "consent",
                "record",
                "--person",
                "A",
                "--purpose",
                "newsletter",
                "--controllers",
                "org",
                "--channels",
                "email",
                "--at",
                &chrono_now(),
                "--recorded-by",
                "fac",
                "--method",
                "oral_note",
                "--evidence-ref",
                "note 1",
                "--statement-version",
                "V1",
                "--notice-version",
                "N1",
                "--told-can-withdraw",
                "yes",
                "--json",
            ])
            .stdout,
        &mut by_type,
    );
    // The data protection lead's logs: requests and their clocks, complaints, incidents, assessments.
    let dp = TestEnv::with_texts();
    dp.ok(&["person", "add", "--ref", "R1", "--name", "Req One", "--email", "req@example.org"]);
    let j = |args: &[&str]| {
        let mut a = args.to_vec();
        a.push("--json");
        dp.ok(&a).stdout
    };
    let open = j(&[
        "request",
        "open",
        "--kind",
        "access",
        "--person",
        "R1",
        "--received",
        "2026-11-02",
        "--awaiting-identity",
    ]);
    let rid = serde_json::from_str::<serde_json::Value>(&open).unwrap()["data"]["id"].as_str().unwrap().to_string();
    save(&open, &mut by_type);
    save(&j(&["request", "resume", &rid, "--date", "2026-11-05"]), &mut by_type);
    save(&j(&["request", "pause", &rid, "--date", "2026-11-10", "--reason", "which years?"]), &mut by_type);
    save(&j(&["request", "resume", &rid, "--date", "2026-11-14"]), &mut by_type);
    save(&j(&["request", "extend", &rid, "--notice-sent", "2026-11-20", "--reason", "many records"]), &mut by_type);
    save(&j(&["request", "list"]), &mut by_type);
    save(&j(&["request", "close", &rid, "--date", "2026-11-24", "--outcome", "copy sent by email"]), &mut by_type);
    save(&j(&["request", "show", &rid]), &mut by_type);
    let hol = dp.write("hol.csv", "2031-01-01,New Year's Day\n");
    save(&j(&["request", "holidays", "--add", &hol]), &mut by_type);
    let c = j(&[
        "complaint",
        "open",
        "--received",
        "2026-11-01",
        "--person",
        "R1",
        "--summary",
        "newsletter after unsubscribing",
    ]);
    let cid = serde_json::from_str::<serde_json::Value>(&c).unwrap()["data"]["id"].as_str().unwrap().to_string();
    save(&c, &mut by_type);
    save(&j(&["complaint", "ack", &cid, "--date", "2026-11-03"]), &mut by_type);
    save(&j(&["complaint", "close", &cid, "--date", "2026-11-20", "--outcome", "removed; apology sent"]), &mut by_type);
    save(&j(&["complaint", "list"]), &mut by_type);
    save(
        &j(&[
            "incident",
            "record",
            "--what",
            "bundle passphrase emailed with the file",
            "--discovered",
            "2026-11-24T09:00:00Z",
            "--data",
            "contact",
            "--data",
            "consent",
            "--people",
            "322",
            "--ico",
            "reported",
            "--reported-at",
            "2026-11-25T10:00:00Z",
            "--reason",
            "ICO ref IC-0000",
            "--people-told",
            "no",
        ]),
        &mut by_type,
    );
    save(
        &j(&[
            "incident",
            "record",
            "--what",
            "laptop lost (encrypted)",
            "--discovered",
            "2026-11-20T09:00:00Z",
            "--data",
            "contact",
            "--people",
            "856",
            "--ico",
            "not_reported",
            "--reason",
            "full-disk encryption: unlikely to result in a risk",
        ]),
        &mut by_type,
    );
    save(&j(&["incident", "list"]), &mut by_type);
    let lia = dp.write("lia.txt", "LIA-2027-01\n");
    save(
        &j(&[
            "assessment",
            "add",
            "--kind",
            "lia",
            "--ref",
            "LIA-2027-01",
            "--version",
            "1",
            "--approver",
            "dp",
            "--file",
            &lia,
        ]),
        &mut by_type,
    );
    save(&j(&["assessment", "list"]), &mut by_type);
    save(&j(&["retention", "policy", "--set", "closed_requests=36"]), &mut by_type);
    save(&j(&["retention", "run", "--dry-run"]), &mut by_type);
    save(&j(&["retention", "run"]), &mut by_type);
    save(&j(&["tasks", "sync"]), &mut by_type);

    // Keys, custodians, accounts, tasks, backups.
    let v = TestEnv::new();
    save(&v.ok(&["keys", "new", "--out", "k", "--name", "a", "--unprotected", "--json"]).stdout, &mut by_type);
    save(&v.ok(&["keys", "new", "--out", "k", "--name", "b", "--unprotected", "--json"]).stdout, &mut by_type);
    save(&v.ok(&["keys", "show", "k/a-minisign.key", "--json"]).stdout, &mut by_type);
    let ra = std::fs::read_to_string(v.path().join("k/a-age.pub")).unwrap().trim().to_string();
    let rb = std::fs::read_to_string(v.path().join("k/b-age.pub")).unwrap().trim().to_string();
    v.ok(&["init", "--community", "C", "--controller", "Org", "--custodian", &ra]);
    let doc = v.write("doc.txt", "text\n");
    save(&v.ok(&["keys", "sign", &doc, "--sign-key", "k/a-minisign.key", "--json"]).stdout, &mut by_type);
    save(&v.ok(&["keys", "verify", &doc, "--signer", "k/a-minisign.pub", "--json"]).stdout, &mut by_type);
    save(
        &v.ok(&["audit", "checkpoint", "--sign-key", "k/a-minisign.key", "--out", "cp.txt", "--json"]).stdout,
        &mut by_type,
    );
    save(
        &v.ok(&["audit", "verify", "--checkpoint", "cp.txt", "--signer", "k/a-minisign.pub", "--json"]).stdout,
        &mut by_type,
    );
    let secret = v.write("s.txt", "pw");
    save(
        &v.ok(&[
            "account",
            "add",
            "--service",
            "youtube",
            "--url",
            "https://youtube.com/@kscop",
            "--login",
            "kscop",
            "--secret-file",
            &secret,
            "--json",
        ])
        .stdout,
        &mut by_type,
    );
    let acc = v.ok(&["account", "list", "--json"]);
    let acc_id = acc.json()["data"][0]["id"].as_str().unwrap().to_string();
    save(&acc.stdout, &mut by_type);
    save(&v.ok(&["custodian", "add", &rb, "--identity", "k/a-age.key", "--json"]).stdout, &mut by_type);
    save(&v.ok(&["custodian", "remove", &rb, "--identity", "k/a-age.key", "--json"]).stdout, &mut by_type);
    save(&v.ok(&["custodian", "list", "--json"]).stdout, &mut by_type);
    save(
        &v.ok(&["account", "reveal", &acc_id, "--identity", "k/a-age.key", "--out", "r.txt", "--json"]).stdout,
        &mut by_type,
    );
    save(&v.ok(&["account", "rotate-done", &acc_id, "--what", "password", "--json"]).stdout, &mut by_type);
    let tasks = v.ok(&["tasks", "list", "--json"]);
    let task_id = tasks.json()["data"][0]["id"].as_str().unwrap().to_string();
    save(&tasks.stdout, &mut by_type);
    save(&v.ok(&["tasks", "done", &task_id, "--json"]).stdout, &mut by_type);
    save(&v.ok(&["register", "backup", "--out", "b.age", "--json"]).stdout, &mut by_type);
    save(
        &v.ok(&["register", "restore", "b.age", "--identity", "k/a-age.key", "--into", "c.db", "--json"]).stdout,
        &mut by_type,
    );
    // The transfer plan and documents.
    let t = TestEnv::with_fixtures();
    let doc = t.write("minutes.txt", "Minutes by a person, call 01632 960001.\n");
    let pdf = t.write("photos.pdf", "%PDF-1.4 synthetic\n");
    save(&t.ok(&["document", "add", &doc, &pdf, "--classification", "personal", "--json"]).stdout, &mut by_type);
    let doc_id = t.ok(&["document", "list", "--json"]).json()["data"][0]["id"].as_str().unwrap().to_string();
    save(&t.ok(&["document", "list", "--json"]).stdout, &mut by_type);
    save(&t.ok(&["redact", "preview", "--json"]).stdout, &mut by_type);
    save(
        &t.ok(&["document", "review", &doc_id, "--decision", "include", "--reviewer", "dp", "--note", "ok", "--json"])
            .stdout,
        &mut by_type,
    );
    save(&t.ok(&["purpose", "fields", "successor_newsletter", "--set", "name,email", "--json"]).stdout, &mut by_type);
    save(&t.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).stdout, &mut by_type);
    save(
        &t.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", "M0002", "--json"]).stdout,
        &mut by_type,
    );
    save(
        &t.ok(&["transfer", "approve", "--to", "kscop-steering-group", "--approver", "dp-lead", "--json"]).stdout,
        &mut by_type,
    );
    save(
        &t.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--at", "2026-03-01", "--pseudonymise", "--json"])
            .stdout,
        &mut by_type,
    );
    save(
        &t.ok(&[
            "notice",
            "send-list",
            "--to",
            "kscop-steering-group",
            "--notice",
            "PD-2026",
            "--out",
            "sl.csv",
            "--json",
        ])
        .stdout,
        &mut by_type,
    );
    save(
        &t.ok(&["consent", "request-list", "--to", "kscop-steering-group", "--out", "rl.csv", "--json"]).stdout,
        &mut by_type,
    );
    let bag = crate::util::root().join("tests/vectors/bagit-conformance/v1.0/valid/basicBag");
    save(&t.ok(&["bag", "verify", bag.to_str().unwrap(), "--json"]).stdout, &mut by_type);
    // Bundles, from the demo's approved plan.
    let demo_reg = env.path().join("demo/handover.db").display().to_string();
    let demo_keys = env.path().join("demo/keys");
    let sk = demo_keys.join("facilitator-minisign.key").display().to_string();
    let id = demo_keys.join("facilitator-age.key").display().to_string();
    let rec = demo_keys.join("facilitator-age.pub").display().to_string();
    for extra in [vec!["--dry-run"], vec![]] {
        let mut args = vec![
            "--register",
            &demo_reg,
            "bundle",
            "create",
            "--to",
            "kscop-steering-group",
            "--recipient",
            &rec,
            "--sign-key",
            &sk,
            "--identity",
            &id,
            "--out",
            "bundles",
            "--json",
        ];
        args.extend(extra);
        save(&env.ok(&args).stdout, &mut by_type);
    }
    let bundle = std::fs::read_dir(env.path().join("bundles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "age"))
        .unwrap();
    save(
        &env.ok(&[
            "bundle",
            "verify",
            bundle.to_str().unwrap(),
            "--identity",
            &id,
            "--signer",
            demo_keys.join("facilitator-minisign.pub").to_str().unwrap(),
            "--json",
        ])
        .stdout,
        &mut by_type,
    );
    let demo_pub = demo_keys.join("facilitator-minisign.pub").display().to_string();
    let import_args = [
        "bundle",
        "import",
        bundle.to_str().unwrap(),
        "--identity",
        &id,
        "--signer",
        &demo_pub,
        "--into",
        "imported/r.db",
        "--custodian",
        &rec,
        "--sign-key",
        &sk,
        "--json",
    ];
    save(&env.ok(&import_args).stdout, &mut by_type);
    let receipt = std::fs::read_dir(env.path().join("imported"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".receipt.json"))
        .unwrap();
    save(
        &env.ok(&[
            "--register",
            &demo_reg,
            "transfer",
            "confirm",
            "--receipt",
            receipt.to_str().unwrap(),
            "--signer",
            &demo_pub,
            "--json",
        ])
        .stdout,
        &mut by_type,
    );
    save(&env.ok(&["--register", &demo_reg, "transfer", "list", "--json"]).stdout, &mut by_type);
    let tid = bundle.file_name().unwrap().to_string_lossy().into_owned();
    let listed = env.ok(&["--register", &demo_reg, "transfer", "list", "--json"]).json();
    let tid = listed["data"][0]["id"].as_str().map_or(tid, String::from);
    save(&env.ok(&["--register", &demo_reg, "transfer", "show", &tid, "--json"]).stdout, &mut by_type);
    save(&env.ok(&["--register", &demo_reg, "audit", "report", "--json"]).stdout, &mut by_type);
    save(&env.ok(&["--register", &demo_reg, "audit", "ropa", "--json"]).stdout, &mut by_type);
    env.ok(&["--register", &demo_reg, "audit", "ropa", "--format", "json", "--out", "ropa.json"]);
    save(&std::fs::read_to_string(env.path().join("ropa.json")).unwrap(), &mut by_type);
    save(&env.ok(&["--register", &demo_reg, "audit", "report", "--detail", "--json"]).stdout, &mut by_type);
    env.ok(&["--register", &demo_reg, "audit", "report", "--format", "json", "--out", "report.json"]);
    save(&std::fs::read_to_string(env.path().join("report.json")).unwrap(), &mut by_type);
    // The SAR file written with --out --json is a person_export document.
    by_type.entry("person_export".into()).or_default().push(PathBuf::from(&sar));

    let schema_dir = root().join("schemas/output");
    let mut failures = Vec::new();
    for (t, files) in &by_type {
        let schema = schema_dir.join(format!("{t}.schema.json"));
        assert!(schema.is_file(), "no schema for output type '{t}'");
        let (ok, out) = validate(&schema, files);
        if !ok {
            failures.push(format!("{t}: {out}"));
        }
    }
    assert!(failures.is_empty(), "outputs that do not match their schema:\n{}", failures.join("\n"));
    // Every output schema is exercised.
    for entry in std::fs::read_dir(&schema_dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let t = name.trim_end_matches(".schema.json");
        if t != "defs" {
            assert!(by_type.contains_key(t), "schema {name} is not exercised by any command in this test");
        }
    }
}

fn chrono_now() -> String {
    "2026-11-20T10:00:00Z".to_string()
}

#[test]
fn the_validator_rejects_a_broken_document() {
    let env = TestEnv::with_texts();
    let r = env.ok(&["person", "add", "--ref", "X", "--name", "X", "--json"]);
    let mut v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v["data"]["jurisdiction"] = "atlantis".into();
    let p = env.path().join("broken.json");
    std::fs::write(&p, v.to_string()).unwrap();
    let (ok, _) = validate(&root().join("schemas/output/person.schema.json"), &[p]);
    assert!(!ok, "check-jsonschema accepted a document that breaks the schema");
}

#[test]
fn fixture_csv_files_match_their_column_schemas() {
    let env = TestEnv::new();
    for (schema, file) in [
        ("people", "people.csv"),
        ("consent", "consent.csv"),
        ("roles", "roles.csv"),
        ("bases", "bases.csv"),
        ("notices-sent", "notices-sent.csv"),
        ("diversity", "diversity.csv"),
    ] {
        let schema_path = root().join(format!("schemas/csv/{schema}.schema.json"));
        let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
        let columns: Vec<String> =
            s["x-columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
        let mut rdr = csv::Reader::from_path(fixtures().join(file)).unwrap();
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, columns, "{file}: header differs from {schema}.schema.json x-columns");
        let rows: Vec<serde_json::Value> = rdr
            .records()
            .map(|r| {
                let r = r.unwrap();
                serde_json::Value::Object(columns.iter().cloned().zip(r.iter().map(serde_json::Value::from)).collect())
            })
            .collect();
        let inst = env.path().join(format!("{schema}-rows.json"));
        // One instance per file: validate an array by wrapping the row schema.
        let wrapper = env.path().join(format!("{schema}-array.schema.json"));
        std::fs::write(
            &wrapper,
            serde_json::json!({ "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "array", "items": s }).to_string(),
        )
        .unwrap();
        std::fs::write(&inst, serde_json::Value::Array(rows).to_string()).unwrap();
        let (ok, out) = validate(&wrapper, &[inst]);
        assert!(ok, "{file} does not match {schema}.schema.json: {out}");
    }
    // The importers use the same column sets as the schemas.
    use handover::import::own::*;
    for (schema, cols) in [
        ("people", PEOPLE_COLUMNS),
        ("consent", CONSENT_COLUMNS),
        ("roles", ROLES_COLUMNS),
        ("bases", BASES_COLUMNS),
        ("notices-sent", NOTICES_SENT_COLUMNS),
        ("diversity", DIVERSITY_COLUMNS),
    ] {
        let s: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root().join(format!("schemas/csv/{schema}.schema.json"))).unwrap(),
        )
        .unwrap();
        let x: Vec<&str> = s["x-columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert_eq!(x, cols, "{schema}: importer columns differ from the schema");
    }
}
