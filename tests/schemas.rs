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

/// The `--json` outputs one test collects, by their envelope's type, to validate against
/// `schemas/output/<type>.schema.json`.
struct Outputs {
    dir: TestEnv,
    n: usize,
    by_type: BTreeMap<String, Vec<PathBuf>>,
}

impl Outputs {
    fn new() -> Outputs {
        Outputs { dir: TestEnv::new(), n: 0, by_type: BTreeMap::new() }
    }

    /// Keep one command's stdout, which must be one JSON document with a type.
    fn save(&mut self, stdout: &str) {
        let v: serde_json::Value = serde_json::from_str(stdout).expect("--json output is one JSON document");
        let t = v["type"].as_str().expect("envelope has a type").to_string();
        self.n += 1;
        let p = self.dir.path().join(format!("out-{}-{t}.json", self.n));
        std::fs::write(&p, stdout).unwrap();
        self.add(&t, p);
    }

    /// Keep a file a command wrote, as a document of type `t`.
    fn add(&mut self, t: &str, path: PathBuf) {
        self.by_type.entry(t.to_string()).or_default().push(path);
    }

    /// Every kept document matches its type's schema, and the types kept are exactly `expected`
    /// (so the list of types each test covers, which `every_output_schema_is_exercised` reads,
    /// cannot claim one it does not produce).
    fn check(self, expected: &[&str]) {
        let got: Vec<&str> = self.by_type.keys().map(String::as_str).collect();
        let mut want = expected.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "the output types this test produces");
        let schema_dir = root().join("schemas/output");
        let mut failures = Vec::new();
        for (t, files) in &self.by_type {
            let schema = schema_dir.join(format!("{t}.schema.json"));
            assert!(schema.is_file(), "no schema for output type '{t}'");
            let (ok, out) = validate(&schema, files);
            if !ok {
                failures.push(format!("{t}: {out}"));
            }
        }
        assert!(failures.is_empty(), "outputs that do not match their schema:\n{}", failures.join("\n"));
    }
}

const REGISTER_TYPES: &[&str] = &[
    "audit_log",
    "audit_verify",
    "basis_event",
    "basis_list",
    "completions",
    "consent_event",
    "consent_history",
    "controller",
    "controller_list",
    "diversity_set",
    "file_written",
    "import",
    "init",
    "man",
    "notice",
    "notice_list",
    "person",
    "person_erased",
    "person_export",
    "person_hold",
    "person_list",
    "person_view",
    "purpose_list",
    "role",
    "role_list",
    "statement",
    "statement_list",
];
const GOVERNANCE_TYPES: &[&str] = &[
    "assessment",
    "assessment_list",
    "complaint",
    "complaint_list",
    "holidays",
    "incident",
    "incident_list",
    "retention_policy",
    "retention_run",
    "review",
    "review_list",
    "rights_request",
    "rights_request_list",
    "task_sync",
];
const VAULT_TYPES: &[&str] = &[
    "account",
    "account_audience_checked",
    "account_list",
    "account_location",
    "account_reveal",
    "audit_checkpoint",
    "audit_verify",
    "backup",
    "custodian_change",
    "custodian_list",
    "key_list",
    "keys_new",
    "restore",
    "signature",
    "signature_check",
    "task_done",
    "task_list",
];
const TRANSFER_TYPES: &[&str] = &[
    "bag_verify",
    "campaign",
    "campaign_form",
    "campaign_letters",
    "campaign_list",
    "campaign_plan",
    "campaign_reminders",
    "campaign_reply",
    "campaign_revoke",
    "campaign_rows",
    "campaign_status",
    "document_list",
    "document_review",
    "purpose",
    "redaction_preview",
    "request_list",
    "send_list",
    "approver",
    "approver_list",
    "transfer_approval",
    "transfer_explain",
    "transfer_plan",
];
const BUNDLE_TYPES: &[&str] = &[
    "audit_report",
    "notification_applied",
    "notification_written",
    "bundle_created",
    "bundle_dry_run",
    "bundle_import",
    "bundle_verify",
    "demo",
    "ropa",
    "transfer_list",
    "transfer_state",
    "transfer_view",
];

/// The register's commands, on the fixture community and in a fresh register.
#[test]
fn register_outputs_match_their_schemas() {
    let env = TestEnv::with_fixtures();
    let fx = |n: &str| fixtures().join(n).display().to_string();
    let sar = env.path().join("sar.json").display().to_string();
    let commands: Vec<Vec<String>> = [
        vec!["controller", "list"],
        vec!["controller", "edit", "kscop-steering-group", "--dsa-ref", "DSA-2026-01"],
        vec!["purpose", "list"],
        vec!["person", "list"],
        vec!["person", "show", "M0002"],
        vec!["person", "export", "M0002"],
        vec!["person", "export", "M0003", "--out", &sar],
        vec!["person", "add", "--name", "New Person", "--email", "new.person@example.org"],
        vec!["person", "set-diversity", "M0027", "--category", "ethnicity", "--value", "mixed"],
        vec!["person", "hold", "M0027", "--reason", "a claim"],
        vec!["person", "release", "M0027", "--reason", "settled"],
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
    let mut out = Outputs::new();
    for c in &commands {
        let mut args: Vec<&str> = c.iter().map(String::as_str).collect();
        args.push("--json");
        let r = env.ok(&args);
        out.save(&r.stdout);
    }
    // init and the demo, in fresh folders.
    let fresh = TestEnv::new();
    out.save(&fresh.ok(&["init", "--community", "C", "--controller", "Org", "--json"]).stdout);
    out.save(&fresh.ok(&["controller", "add", "--name", "Group", "--kind", "other", "--json"]).stdout);
    let t = fresh.write("s.txt", "statement text\n");
    out.save(
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
                "--controllers",
                "org",
                "--json",
            ])
            .stdout,
    );
    out.save(
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
    );
    out.save(&fresh.ok(&["person", "add", "--ref", "A", "--name", "A", "--json"]).stdout);
    out.save(
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
    );
    // The SAR file written with --out --json is a person_export document.
    out.add("person_export", PathBuf::from(&sar));

    out.check(REGISTER_TYPES);
}

/// The data protection lead's logs: requests and their clocks, complaints, incidents,
/// assessments, retention, tasks.
#[test]
fn governance_outputs_match_their_schemas() {
    let mut out = Outputs::new();
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
    out.save(&open);
    out.save(&j(&["request", "resume", &rid, "--date", "2026-11-05"]));
    out.save(&j(&["request", "pause", &rid, "--date", "2026-11-10", "--reason", "which years?"]));
    out.save(&j(&["request", "resume", &rid, "--date", "2026-11-14"]));
    out.save(&j(&["request", "extend", &rid, "--notice-sent", "2026-11-20", "--reason", "many records"]));
    out.save(&j(&["request", "list"]));
    out.save(&j(&["request", "close", &rid, "--date", "2026-11-24", "--outcome", "copy sent by email"]));
    out.save(&j(&["request", "show", &rid]));
    let hol = dp.write("hol.csv", "2031-01-01,New Year's Day\n");
    out.save(&j(&["request", "holidays", "--add", &hol]));
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
    out.save(&c);
    out.save(&j(&["complaint", "ack", &cid, "--date", "2026-11-03"]));
    out.save(&j(&["complaint", "close", &cid, "--date", "2026-11-20", "--outcome", "removed; apology sent"]));
    out.save(&j(&["complaint", "list"]));
    out.save(&j(&[
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
    ]));
    out.save(&j(&[
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
    ]));
    out.save(&j(&["incident", "list"]));
    let lia = dp.write("lia.txt", "LIA-2027-01\n");
    out.save(&j(&[
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
    ]));
    out.save(&j(&["assessment", "list"]));
    dp.ok(&["keys", "new", "--out", "k", "--name", "dpl", "--unprotected"]);
    dp.ok(&["approver", "add", "k/dpl-minisign.pub", "--name", "dp", "--sign-key", "k/dpl-minisign.key"]);
    out.save(&j(&[
        "review",
        "record",
        "--person",
        "R1",
        "--reason",
        "jurisdiction_review",
        "--decision",
        "go",
        "--by",
        "dp",
        "--note",
        "lives in England",
        "--sign-key",
        "k/dpl-minisign.key",
    ]));
    out.save(&j(&["review", "list"]));
    out.save(&j(&["retention", "policy", "--set", "closed_requests=36"]));
    out.save(&j(&["retention", "run", "--dry-run"]));
    out.save(&j(&["retention", "run"]));
    out.save(&j(&["tasks", "sync"]));

    out.check(GOVERNANCE_TYPES);
}

/// Keys, custodians, accounts, tasks, backups.
#[test]
fn vault_outputs_match_their_schemas() {
    let mut out = Outputs::new();
    let v = TestEnv::new();
    out.save(&v.ok(&["keys", "new", "--out", "k", "--name", "a", "--unprotected", "--json"]).stdout);
    out.save(&v.ok(&["keys", "new", "--out", "k", "--name", "b", "--unprotected", "--json"]).stdout);
    out.save(&v.ok(&["keys", "show", "k/a-minisign.key", "--json"]).stdout);
    let ra = std::fs::read_to_string(v.path().join("k/a-age.pub")).unwrap().trim().to_string();
    let rb = std::fs::read_to_string(v.path().join("k/b-age.pub")).unwrap().trim().to_string();
    v.ok(&["init", "--community", "C", "--controller", "Org", "--custodian", &ra]);
    let doc = v.write("doc.txt", "text\n");
    out.save(&v.ok(&["keys", "sign", &doc, "--sign-key", "k/a-minisign.key", "--json"]).stdout);
    out.save(&v.ok(&["keys", "verify", &doc, "--signer", "k/a-minisign.pub", "--json"]).stdout);
    out.save(&v.ok(&["audit", "checkpoint", "--sign-key", "k/a-minisign.key", "--out", "cp.txt", "--json"]).stdout);
    out.save(&v.ok(&["audit", "verify", "--checkpoint", "cp.txt", "--signer", "k/a-minisign.pub", "--json"]).stdout);
    let secret = v.write("s.txt", "pw");
    out.save(
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
    );
    let mc = ["account", "add", "--service", "mailchimp", "--url", "https://mc.example", "--login", "k"];
    v.ok(&[&mc[..], &["--secret-file", &secret]].concat());
    out.save(
        &v.ok(&["account", "audience-checked", "mailchimp", "--how", "cleaned", "--note", "checked", "--json"]).stdout,
    );
    let acc = v.ok(&["account", "list", "--json"]);
    let acc_id = acc.json()["data"][0]["id"].as_str().unwrap().to_string();
    out.save(&acc.stdout);
    out.save(
        &v.ok(&["account", "location", &acc_id, "--country", "US", "--processor", "--safeguard", "IDTA", "--json"])
            .stdout,
    );
    out.save(&v.ok(&["custodian", "add", &rb, "--identity", "k/a-age.key", "--json"]).stdout);
    out.save(&v.ok(&["custodian", "remove", &rb, "--identity", "k/a-age.key", "--json"]).stdout);
    out.save(&v.ok(&["custodian", "list", "--json"]).stdout);
    out.save(&v.ok(&["account", "reveal", &acc_id, "--identity", "k/a-age.key", "--out", "r.txt", "--json"]).stdout);
    out.save(&v.ok(&["account", "rotate-done", &acc_id, "--what", "password", "--json"]).stdout);
    let tasks = v.ok(&["tasks", "list", "--json"]);
    let task_id = tasks.json()["data"][0]["id"].as_str().unwrap().to_string();
    out.save(&tasks.stdout);
    // A rotation task closes with its steps, not by hand; once closed, `tasks done` says so.
    for what in ["recovery", "2fa", "admins"] {
        v.ok(&["account", "rotate-done", &acc_id, "--what", what]);
    }
    out.save(&v.ok(&["tasks", "done", &task_id, "--json"]).stdout);
    out.save(&v.ok(&["register", "backup", "--out", "b.age", "--json"]).stdout);
    out.save(&v.ok(&["register", "restore", "b.age", "--identity", "k/a-age.key", "--into", "c.db", "--json"]).stdout);
    out.check(VAULT_TYPES);
}

/// The transfer plan, documents and redaction, the lists for notices and consent requests, bags.
#[test]
fn transfer_outputs_match_their_schemas() {
    let mut out = Outputs::new();
    let t = TestEnv::with_fixtures();
    let doc = t.write("minutes.txt", "Minutes by a person, call 01632 960001.\n");
    let pdf = t.write("photos.pdf", "%PDF-1.4 synthetic\n");
    out.save(&t.ok(&["document", "add", &doc, &pdf, "--classification", "personal", "--json"]).stdout);
    let doc_id = t.ok(&["document", "list", "--json"]).json()["data"][0]["id"].as_str().unwrap().to_string();
    out.save(&t.ok(&["document", "list", "--json"]).stdout);
    out.save(&t.ok(&["redact", "preview", "--json"]).stdout);
    out.save(
        &t.ok(&["document", "review", &doc_id, "--decision", "include", "--reviewer", "dp", "--note", "ok", "--json"])
            .stdout,
    );
    out.save(&t.ok(&["purpose", "fields", "successor_newsletter", "--set", "name,email", "--json"]).stdout);
    out.save(&t.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--json"]).stdout);
    out.save(&t.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--explain", "M0002", "--json"]).stdout);
    t.ok(&["keys", "new", "--out", "k", "--name", "dpl", "--unprotected"]);
    out.save(
        &t.ok(&[
            "approver",
            "add",
            "k/dpl-minisign.pub",
            "--name",
            "dp-lead",
            "--sign-key",
            "k/dpl-minisign.key",
            "--json",
        ])
        .stdout,
    );
    out.save(&t.ok(&["approver", "list", "--json"]).stdout);
    out.save(
        &t.ok(&["transfer", "approve", "--to", "kscop-steering-group", "--sign-key", "k/dpl-minisign.key", "--json"])
            .stdout,
    );
    out.save(
        &t.ok(&["transfer", "plan", "--to", "kscop-steering-group", "--at", "2026-03-01", "--pseudonymise", "--json"])
            .stdout,
    );
    out.save(
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
    );
    out.save(&t.ok(&["consent", "request-list", "--to", "kscop-steering-group", "--out", "rl.csv", "--json"]).stdout);
    let new = crate::campaign::join_campaign(
        "join-2026",
        &["--form-url", "https://forms.example.org/join", "--contact", "the hub office", "--json"],
    );
    out.save(&t.ok(&new.iter().map(String::as_str).collect::<Vec<_>>()).stdout);
    let tell = crate::campaign::tell_campaign("tell-2026", &["--json"]);
    out.save(&t.ok(&tell.iter().map(String::as_str).collect::<Vec<_>>()).stdout);
    out.save(&t.ok(&["campaign", "plan", "join-2026", "--json"]).stdout);
    out.save(&t.ok(&["campaign", "plan", "tell-2026", "--json"]).stdout);
    out.save(&t.ok(&["campaign", "list", "--json"]).stdout);
    let rows = t.ok(&["campaign", "mail-merge", "join-2026", "--format", "mailpoet", "--out", "mm.csv", "--json"]);
    out.save(&rows.stdout);
    let mm = std::fs::read_to_string(t.path().join("mm.csv")).unwrap();
    let code = mm.lines().nth(1).expect("someone is on the email channel").split(',').nth(3).unwrap().to_string();
    out.save(
        &t.ok(&[
            "campaign",
            "reply",
            "join-2026",
            "--code",
            &code,
            "--answer",
            "disclose_to_successor=yes",
            "--method",
            "email_reply",
            "--at",
            "2026-11-24",
            "--recorded-by",
            "fac",
            "--json",
        ])
        .stdout,
    );
    out.save(&t.ok(&["campaign", "letters", "join-2026", "--out", "letters", "--json"]).stdout);
    out.save(&t.ok(&["campaign", "form", "join-2026", "--out", "form.html", "--json"]).stdout);
    let answers = t.write(
        "answers.csv",
        &format!("Submit Date (UTC),code,Q1 disclose_to_successor May we?\n2026-11-20 09:00:00,{code},No\n"),
    );
    // An import report is the register's own output type: checked against its schema here.
    let report = t.ok(&["campaign", "import", "join-2026", &answers, "--from", "typeform", "--json"]).stdout;
    let report_file = t.path().join("campaign-import.json");
    std::fs::write(&report_file, report).unwrap();
    let (ok, msg) = validate(&root().join("schemas/output/import.schema.json"), &[report_file]);
    assert!(ok, "campaign import: {msg}");
    out.save(&t.ok(&["campaign", "remind", "join-2026", "--out", "reminders", "--json"]).stdout);
    out.save(&t.ok(&["campaign", "status", "join-2026", "--json"]).stdout);
    out.save(&t.ok(&["campaign", "revoke", "join-2026", "--code", &code, "--reason", "letter lost", "--json"]).stdout);
    out.save(&t.ok(&["campaign", "close", "tell-2026", "--json"]).stdout);
    let bag = crate::util::root().join("tests/vectors/bagit-conformance/v1.0/valid/basicBag");
    out.save(&t.ok(&["bag", "verify", bag.to_str().unwrap(), "--json"]).stdout);
    out.check(TRANSFER_TYPES);
}

/// The demo, then bundles from its approved plan: create, verify, import, the receipt, the
/// transfer's record, and the data protection lead's report and Art 30 record.
#[test]
fn bundle_outputs_match_their_schemas() {
    let env = TestEnv::new();
    let demo_out = env.path().join("demo").display().to_string();
    let mut out = Outputs::new();
    out.save(&env.ok(&["demo", "--out", &demo_out, "--json"]).stdout);
    let demo_reg = env.path().join("demo/handover.db").display().to_string();
    let demo_keys = env.path().join("demo/keys");
    let sk = demo_keys.join("facilitator-minisign.key").display().to_string();
    let id = demo_keys.join("facilitator-age.key").display().to_string();
    // The receiving group's own keys (a sender importing its own bundle is refused).
    env.ok(&["keys", "new", "--out", "grp", "--name", "grp", "--unprotected"]);
    let rec = env.path().join("grp/grp-age.pub").display().to_string();
    let grp_id = env.path().join("grp/grp-age.key").display().to_string();
    let grp_sk = env.path().join("grp/grp-minisign.key").display().to_string();
    // The demo made its bundle; one approval makes one bundle, so the data protection lead approves again.
    let dp = demo_keys.join("dp-lead-minisign.key").display().to_string();
    let approve = ["--register", &demo_reg, "transfer", "approve", "--to", "kscop-steering-group", "--sign-key", &dp];
    env.ok(&approve);
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
        out.save(&env.ok(&args).stdout);
    }
    let bundle = std::fs::read_dir(env.path().join("bundles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "age"))
        .unwrap();
    out.save(
        &env.ok(&[
            "bundle",
            "verify",
            bundle.to_str().unwrap(),
            "--identity",
            &grp_id,
            "--signer",
            demo_keys.join("facilitator-minisign.pub").to_str().unwrap(),
            "--json",
        ])
        .stdout,
    );
    let demo_pub = demo_keys.join("facilitator-minisign.pub").display().to_string();
    let dp_pub = demo_keys.join("dp-lead-minisign.pub").display().to_string();
    let import_args = [
        "bundle",
        "import",
        bundle.to_str().unwrap(),
        "--identity",
        &grp_id,
        "--signer",
        &demo_pub,
        "--approver",
        &dp_pub,
        "--into",
        "imported/r.db",
        "--custodian",
        &rec,
        "--sign-key",
        &grp_sk,
        "--json",
    ];
    out.save(&env.ok(&import_args).stdout);
    let receipt = std::fs::read_dir(env.path().join("imported"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".receipt.json"))
        .unwrap();
    out.save(
        &env.ok(&[
            "--register",
            &demo_reg,
            "transfer",
            "confirm",
            "--receipt",
            receipt.to_str().unwrap(),
            "--signer",
            &env.path().join("grp/grp-minisign.pub").display().to_string(),
            "--json",
        ])
        .stdout,
    );
    out.save(&env.ok(&["--register", &demo_reg, "transfer", "list", "--json"]).stdout);
    let tid = bundle.file_name().unwrap().to_string_lossy().into_owned();
    let listed = env.ok(&["--register", &demo_reg, "transfer", "list", "--json"]).json();
    let tid = listed["data"][0]["id"].as_str().map_or(tid, String::from);
    out.save(&env.ok(&["--register", &demo_reg, "transfer", "show", &tid, "--json"]).stdout);
    out.save(&env.ok(&["--register", &demo_reg, "audit", "report", "--json"]).stdout);
    out.save(&env.ok(&["--register", &demo_reg, "audit", "ropa", "--json"]).stdout);
    env.ok(&["--register", &demo_reg, "audit", "ropa", "--format", "json", "--out", "ropa.json"]);
    out.save(&std::fs::read_to_string(env.path().join("ropa.json")).unwrap());
    out.save(&env.ok(&["--register", &demo_reg, "audit", "report", "--detail", "--json"]).stdout);
    env.ok(&["--register", &demo_reg, "audit", "report", "--format", "json", "--out", "report.json"]);
    out.save(&std::fs::read_to_string(env.path().join("report.json")).unwrap());
    // Art 19 after the transfer: the sender's signed notification (its own schema) and its
    // application at the receiver.
    env.ok(&["--register", &demo_reg, "person", "edit", "M0002", "--phone", "01632 960998"]);
    let n = env.ok(&[
        "--register",
        &demo_reg,
        "transfer",
        "notify",
        "--to",
        "kscop-steering-group",
        "--sign-key",
        &sk,
        "--out",
        "notes",
        "--json",
    ]);
    out.save(&n.stdout);
    let file = n.json()["data"]["file"].as_str().unwrap().to_string();
    let (ok, msg) = validate(&root().join("schemas/transfer/notification.schema.json"), &[env.path().join(&file)]);
    assert!(ok, "the notification file does not match its schema: {msg}");
    out.save(
        &env.ok(&["--register", "imported/r.db", "notification", "apply", &file, "--signer", &demo_pub, "--json"])
            .stdout,
    );
    out.check(BUNDLE_TYPES);
}

const GROUP_TYPES: &[&str] = &[
    "files_written",
    "mailing_list",
    "mailing_list_export",
    "next",
    "received",
    "register_in_use",
    "trusted_sender",
    "trusted_approver",
    "trusted_sender_list",
];

/// The group's commands, and the per-user files they keep (`schemas/home/`).
#[test]
fn group_outputs_match_their_schemas() {
    let (env, demo) = crate::group::ready_group();
    let mut out = Outputs::new();
    let bundle = crate::group::bundle(&env, &demo, "b").display().to_string();
    let sender = demo.join("keys/facilitator-minisign.pub").display().to_string();
    out.save(&env.run_user(&["next", "--json"]).stdout);
    out.save(&env.ok(&["keys", "trust", &sender, "--name", "Brightwater Trust", "--json"]).stdout);
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let approver = ["keys", "trust", &dp, "--name", "DP lead", "--approver-for", "Brightwater Trust", "--json"];
    out.save(&env.ok(&approver).stdout);
    out.save(&env.ok(&["keys", "trusted", "--json"]).stdout);
    let r = env.run_user(&["receive", &bundle, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out.save(&r.stdout);
    out.save(&env.run_user(&["use", "--json"]).stdout);
    out.save(&env.run_user(&["use", "--name", "Pat Volunteer", "--json"]).stdout);
    out.save(&env.run_user(&["notice", "template", "--out", "tpl", "--json"]).stdout);
    out.save(&env.run_user(&["next", "--json"]).stdout);
    out.save(&env.run_user(&["mailing-list", "export", "--format", "listmonk", "--json"]).stdout);
    out.save(&env.run_user(&["mailing-list", "export", "--format", "mailpoet", "--out", "l.csv", "--json"]).stdout);
    // The receipt and, once every account is made safe, the completion statement: the files the
    // group sends back match their schemas.
    let id = r.json()["data"]["imported"]["bundle_id"].as_str().unwrap().to_string();
    let folder =
        std::path::PathBuf::from(r.json()["data"]["register"].as_str().unwrap()).parent().unwrap().to_path_buf();
    for a in env.run_user(&["account", "list", "--json"]).json()["data"].as_array().unwrap() {
        env.run_user(&["account", "rotate-done", a["id"].as_str().unwrap(), "--what", "all"]);
    }
    let done = env.run_user(&["transfer", "complete", "--bundle", &id]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    for (schema, file) in [("receipt", format!("{id}.receipt.json")), ("complete", format!("{id}.complete.json"))] {
        let (ok, msg) = validate(&root().join(format!("schemas/transfer/{schema}.schema.json")), &[folder.join(&file)]);
        assert!(ok, "{file} does not match its schema: {msg}");
    }
    out.check(GROUP_TYPES);
    for (schema, file) in [("trusted-senders", "trusted-senders.json"), ("register-in-use", "register.json")] {
        let (ok, msg) = validate(
            &root().join(format!("schemas/home/{schema}.schema.json")),
            &[env.path().join(".config/handover").join(file)],
        );
        assert!(ok, "{file} does not match its schema: {msg}");
    }
}

/// Every output schema is exercised by one of the tests above.
#[test]
fn every_output_schema_is_exercised() {
    let covered: std::collections::BTreeSet<&str> =
        [REGISTER_TYPES, GOVERNANCE_TYPES, VAULT_TYPES, TRANSFER_TYPES, BUNDLE_TYPES, GROUP_TYPES]
            .concat()
            .into_iter()
            .collect();
    for entry in std::fs::read_dir(root().join("schemas/output")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let t = name.trim_end_matches(".schema.json");
        if t != "defs" {
            assert!(covered.contains(t), "schema {name} is not exercised by any command in these tests");
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
        let optional: Vec<&str> = s["x-optional-columns"]
            .as_array()
            .map(|v| v.iter().map(|c| c.as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(optional, optional_columns(&format!("{schema}.csv")), "{schema}: optional columns differ");
    }
}
