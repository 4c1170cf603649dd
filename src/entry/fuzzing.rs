//! Entry points for the fuzz targets in `fuzz/` and for replaying their corpora and regressions
//! in the ordinary tests. Each takes arbitrary bytes and must never panic, hang or write outside
//! its scratch folder; what it returns does not matter.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::records::import::{self, own};
use crate::register::Register;

/// Where the targets keep their per-process scratch files: under the crate's own `target/`, so
/// that fuzz runs and the replay tests leave nothing behind in the system's temporary folder.
fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("fuzz-scratch")
}

/// A scratch register shared by the CSV targets: a community with both controllers and the
/// fixture community's statements and notices, so that rows can get past the first checks.
fn register() -> &'static Mutex<(Register, PathBuf)> {
    static REG: OnceLock<Mutex<(Register, PathBuf)>> = OnceLock::new();
    REG.get_or_init(|| {
        let dir = scratch().join(format!("handover-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let db = dir.join("fuzz.db");
        let fx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let run = |args: &[&str]| {
            let mut full = vec!["handover", "--quiet", "--register", db.to_str().unwrap_or("")];
            full.extend(args);
            use clap::Parser;
            crate::run(crate::entry::cli::Cli::parse_from(full));
        };
        run(&["init", "--community", "Fuzz", "--controller", "Brightwater Trust"]);
        run(&["controller", "add", "--name", "KSCoP Steering Group", "--kind", "unincorporated_association"]);
        if let Ok(index) = std::fs::read_to_string(fx.join("texts/index.csv")) {
            for line in index.lines().skip(1) {
                let c: Vec<&str> = line.split(',').collect();
                if c.len() < 8 {
                    continue;
                }
                let file = fx.join(c[6]).display().to_string();
                let mut args =
                    vec![c[0], "add", "--version", c[1], "--format", c[3], "--file", &file, "--effective-from", c[4]];
                if c[0] == "statement" {
                    args.extend(["--purpose", c[2], "--controllers", c[7]]);
                }
                run(&args);
            }
        }
        run(&["person", "add", "--ref", "F1", "--name", "Fuzz One", "--email", "one@example.org"]);
        let reg = Register::open(&db, "fuzz").expect("the scratch register opens");
        Mutex::new((reg, dir))
    })
}

/// The own CSV importers, chosen by the first byte, run as dry runs (rolled back).
pub fn own_csv(data: &[u8]) {
    let Some((&which, bytes)) = data.split_first() else { return };
    type Importer = fn(
        &crate::register::Change<'_>,
        &import::CsvFile,
        &mut import::Problems,
        &mut import::Counts,
    ) -> crate::base::error::Result<()>;
    let (columns, importer): (&[&str], Importer) = match which % 6 {
        0 => (own::PEOPLE_COLUMNS, own::import_people),
        1 => (own::CONSENT_COLUMNS, own::import_consent),
        2 => (own::ROLES_COLUMNS, own::import_roles),
        3 => (own::BASES_COLUMNS, own::import_bases),
        4 => (own::NOTICES_SENT_COLUMNS, own::import_notices_sent),
        _ => (own::DIVERSITY_COLUMNS, own::import_diversity),
    };
    let Ok(csv) = import::parse_csv("fuzz.csv", bytes, false) else { return };
    if import::require_columns(&csv, columns, crate::records::import::own::CONSENT_OPTIONAL, "fuzz").is_err() {
        return;
    }
    let mut guard = register().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let sha = csv.sha256.clone();
    let _ = import::run(&mut guard.0, crate::now(), "fuzz", "fuzz.csv", &sha, true, |c, p, n| importer(c, &csv, p, n));
}

/// The spreadsheet reader (MailPoet and form exports as .xlsx): any bytes are a table or a
/// refusal within its bounds, never a panic or an unbounded allocation.
pub fn xlsx(data: &[u8]) {
    if crate::records::import::xlsx::is_xlsx(data) {
        let _ = crate::records::import::xlsx::read("fuzz.xlsx", data);
    }
}

/// The docx redactor: any bytes are a redacted copy or a refusal within its bounds.
pub fn docx(data: &[u8]) {
    let r = crate::transfer::redact::Redactor::new(
        &[crate::transfer::redact::Withheld {
            id: "per_000000000001".into(),
            name: Some("Fuzz Person".into()),
            email: Some("fuzz@example.org".into()),
            phone: None,
        }],
        &[],
        None,
    );
    let _ = crate::transfer::docx::redact(data, &r);
}

/// The export importers (Mailchimp zip or CSV, listmonk, MailPoet, WordPress.com), as dry runs.
pub fn export(data: &[u8]) {
    let files = if import::exports::is_zip(data) {
        match import::exports::mailchimp_zip("fuzz.zip", data) {
            Ok(f) => f,
            Err(_) => return,
        }
    } else {
        match import::parse_csv("fuzz.csv", data, true) {
            Ok(f) => vec![f],
            Err(_) => return,
        }
    };
    let kind = if import::exports::is_zip(data) {
        import::exports::ExportKind::Mailchimp
    } else {
        match files.first().and_then(import::exports::detect_csv) {
            Some(k) => k,
            None => return,
        }
    };
    let facts = import::exports::ListFacts {
        map: Vec::new(),
        list: None,
        purpose: "newsletter".into(),
        controllers: "brightwater-trust".into(),
        statement_version: "NL-2021".into(),
        statement_format: String::new(),
        notice_version: "PN-2021".into(),
        method: "online_checkbox".into(),
        without_consent: false,
    };
    let mut guard = register().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let sha = import::sha256_hex(data);
    let _ = import::run(&mut guard.0, crate::now(), "fuzz", "fuzz", &sha, true, |c, p, n| {
        import::exports::import(c, kind, &files, &sha, &facts, p, n)
    });
}

/// The bundle's zip reader over a (decrypted) stream, with small limits.
pub fn zip_stream(data: &[u8]) {
    use crate::bundle::zipstream::{Limits, Reader};
    let limits = Limits { max_entry: 1 << 20, max_total: 4 << 20, max_ratio: 200, max_entries: 1000 };
    let mut r = Reader::new(data, limits);
    for _ in 0..2000 {
        match r.next(|_, _| Ok(())) {
            Ok(Some(_)) => {}
            _ => break,
        }
    }
}

/// `bag verify` on a folder made from the input: files separated by NUL as `name\0content\0…`
/// (names kept inside the scratch folder).
pub fn bag(data: &[u8]) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = scratch().join(format!(
        "handover-fuzz-bag-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let mut parts = data.split(|b| *b == 0);
    while let (Some(name), Some(content)) = (parts.next(), parts.next()) {
        let name = String::from_utf8_lossy(name);
        let safe: Vec<&str> =
            name.split('/').filter(|c| !c.is_empty() && *c != "." && *c != ".." && !c.contains('\\')).take(4).collect();
        if safe.is_empty() {
            continue;
        }
        let path = safe.iter().fold(dir.clone(), |p, c| p.join(c));
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&path, content);
    }
    let _ = crate::bundle::bagit::verify_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a hostile sender controls once a bundle is decrypted, driven through `bundle import`
/// (which verifies first) into a scratch register. The input is the bag's files as
/// `path\0content\0…` (paths inside the bag's folder, kept as given: hostile names are the
/// point); the harness then does what a thief of the sender's signing key would: lists the
/// `data/` files in `handover.json`, writes the BagIt manifests, signs `handover.json` with the
/// TEST-ONLY key, zips, encrypts to the TEST-ONLY age key and signs the ciphertext. Panics (so
/// the fuzzer reports it) on an internal error (exit 3) or on any file written outside the run's
/// own folder. Returns whether the bag was imported (the seed is; a mutation seldom is).
pub fn hostile_bag(data: &[u8]) -> bool {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    struct Keys {
        sign: crate::base::keys::SigningKey,
        public: minisign::PublicKey,
        identities: Vec<age::x25519::Identity>,
        recipient: age::x25519::Recipient,
    }
    static KEYS: OnceLock<Keys> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let fx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys");
        let identities = crate::base::keys::load_identities(&fx.join("age-keygen-test.key")).expect("the test age key");
        Keys {
            sign: crate::base::keys::SigningKey::load(&fx.join("minisign-test.key")).expect("the test signing key"),
            public: crate::base::keys::load_public_key(fx.join("minisign-test.pub").to_str().unwrap_or(""))
                .expect("the test public key"),
            recipient: identities[0].to_public(),
            identities,
        }
    });
    let mut bag: std::collections::BTreeMap<String, Vec<u8>> = std::collections::BTreeMap::new();
    let mut parts = data.split(|b| *b == 0);
    while let (Some(name), Some(content)) = (parts.next(), parts.next()) {
        bag.insert(String::from_utf8_lossy(name).into_owned(), content.to_vec());
    }
    let mut manifest: serde_json::Value =
        bag.get("handover.json").and_then(|m| serde_json::from_slice(m).ok()).unwrap_or_else(|| serde_json::json!({}));
    if !manifest.is_object() {
        return false;
    }
    let approve = |t: &[u8]| keys.sign.sign(t, "fuzz approval").ok();
    let public = keys.sign.public_base64();
    if rebag(&mut bag, &mut manifest, |m| keys.sign.sign(m, "fuzz").ok(), Some((&public, &approve))).is_none() {
        return false;
    }
    let mut w = crate::bundle::zipstream::Writer::new(Vec::new());
    for (rel, bytes) in &bag {
        if w.add_bytes(&format!("bag/{rel}"), bytes, true).is_err() {
            return false;
        }
    }
    let Ok(zip) = w.finish() else { return false };
    let Ok(ciphertext) = crate::records::vault::encrypt(std::slice::from_ref(&keys.recipient), &zip) else {
        return false;
    };
    // One root per call (tests replay in parallel threads of one process); the run deep inside
    // it, so that a write climbing out of the run lands in the root and is seen.
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let root = scratch().join(format!("handover-fuzz-hostile-{}-{n}", std::process::id()));
    let run = root.join("1/2/3/run");
    let _ = std::fs::remove_dir_all(&root);
    if std::fs::create_dir_all(&run).is_err() {
        return false;
    }
    let file = run.join("b.zip.age");
    let Ok(outer) = keys.sign.sign(&ciphertext[..], "fuzz") else { return false };
    if std::fs::write(&file, &ciphertext).is_err() || std::fs::write(run.join("b.zip.age.minisig"), outer).is_err() {
        return false;
    }
    let into = run.join("g").join("register.db");
    let result = crate::bundle::receive::receive(&crate::bundle::receive::Request {
        file: &file,
        identities: &keys.identities,
        signer: &keys.public,
        into: &into,
        custodians: std::slice::from_ref(&keys.recipient),
        key: &|| Ok(keys.sign.clone()),
        approver: &|v| {
            v.approver_checked = true;
            Ok(())
        },
        first_message: None,
        actor: "fuzz",
        now: crate::now(),
        progress: false,
        max_expand: crate::bundle::read::DEFAULT_MAX_EXPAND,
    });
    if let Err(e) = &result {
        assert!(e.exit_code() != crate::entry::exit::ExitCode::Internal, "an internal error: {e}");
    }
    // Nothing outside the run's folder: every file under the root is under it.
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut all = Vec::new();
    walk(&root, &mut all);
    let outside: Vec<&PathBuf> = all.iter().filter(|p| !p.starts_with(&run)).collect();
    assert!(outside.is_empty(), "written outside the run's folder: {outside:?}");
    let _ = std::fs::remove_dir_all(&root);
    matches!(result, Ok(crate::bundle::receive::Received::Imported { .. }))
}

/// An approver's public key (`RW…`) and a function that signs with its secret key.
pub type Approve<'a> = (&'a str, &'a dyn Fn(&[u8]) -> Option<String>);

/// Make a bag's files consistent again after an edit, as a holder of the sender's signing key
/// could: list every `data/` file in `manifest` (size and SHA-256), with `approve` sign a fresh
/// approval of the values (a holder of an approver's key too), rewrite the BagIt payload and tag
/// manifests, and put `manifest` in as `handover.json` with the signature `sign` makes of it.
/// `None` when a signature fails. (The hostile-bag target and the tests that forge bundles share it.)
pub fn rebag(
    bag: &mut std::collections::BTreeMap<String, Vec<u8>>,
    manifest: &mut serde_json::Value,
    sign: impl FnOnce(&[u8]) -> Option<String>,
    approve: Option<Approve<'_>>,
) -> Option<()> {
    use sha2::{Digest, Sha256};
    let sha = |b: &[u8]| hex::encode(Sha256::digest(b));
    let data = || bag.iter().filter(|(k, _)| k.starts_with("data/"));
    manifest["files"] =
        data().map(|(k, v)| serde_json::json!({ "path": k, "size": v.len(), "sha256": sha(v) })).collect();
    if let Some((public_key, sign_approval)) = approve {
        // An approval of exactly these values, signed by the key given.
        let accounts: Vec<serde_json::Value> =
            bag.get(crate::bundle::layout::ACCOUNTS).and_then(|b| serde_json::from_slice(b).ok()).unwrap_or_default();
        let documents: Vec<(String, String)> = data()
            .filter(|(k, _)| k.starts_with(crate::bundle::layout::DOCUMENTS))
            .map(|(k, v)| (k.clone(), sha(v)))
            .collect();
        let values = crate::bundle::values::digest(|n| bag.get(n).map(Vec::as_slice), &accounts, &documents);
        let pk = minisign::PublicKey::from_base64(public_key).ok()?;
        let mut a = crate::register::transfers::Approval {
            digest: manifest["plan_digest"].as_str().unwrap_or_default().to_string(),
            approver: "approver".into(),
            approved_at: manifest["created_at"].as_str().unwrap_or_default().to_string(),
            values_digest: Some(values),
            signer_key_id: Some(crate::base::keys::key_id(pk.keynum())),
            public_key: Some(public_key.to_string()),
            signature: None,
            bundle_id: manifest["bundle_id"].as_str().map(str::to_string),
        };
        let text =
            a.signed_text(manifest["from"].as_str().unwrap_or_default(), manifest["to"].as_str().unwrap_or_default());
        a.signature = Some(sign_approval(text.as_bytes())?);
        manifest["approval"] = serde_json::to_value(&a).ok()?;
    }
    let payload: String = data().map(|(k, v)| format!("{}  {k}\n", sha(v))).collect();
    bag.insert("manifest-sha256.txt".into(), payload.into_bytes());
    let m = serde_json::to_vec_pretty(manifest).ok()?;
    let sig = sign(&m)?;
    bag.insert("handover.json".into(), m);
    bag.insert("handover.json.minisig".into(), sig.into_bytes());
    let tags: String = bag
        .iter()
        .filter(|(k, _)| !k.starts_with("data/") && k.as_str() != "tagmanifest-sha256.txt")
        .map(|(k, v)| format!("{}  {k}\n", sha(v)))
        .collect();
    bag.insert("tagmanifest-sha256.txt".into(), tags.into_bytes());
    Some(())
}

/// minisign signature parsing and checking, against the TEST-ONLY key in fixtures/keys/minisign-test.pub;
/// the input is a signature, three newlines, then the signed text.
pub fn signature(data: &[u8]) {
    let pk = minisign::PublicKey::from_base64("RWQ2dhoXDwXfOhIBdDB0ZQm6PGth1x+NnRBxGB4pExg8F3HDtuNfITnZ")
        .expect("a valid test public key");
    let text = String::from_utf8_lossy(data);
    let (sig, body) = text.split_once("\n\n\n").unwrap_or((&text, ""));
    let _ = crate::base::keys::verify(&pk, sig, body.as_bytes());
}

/// Key files: age identities and recipients, minisign public and secret keys. The caller sets
/// `HANDOVER_PASSPHRASE` so that a protected key is tried with it, never with a prompt.
pub fn key_file(data: &[u8]) {
    let dir = scratch().join(format!("handover-fuzz-key-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("key");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let _ = crate::base::keys::load_identities(&path);
    let _ = crate::base::keys::recipient_arg(&String::from_utf8_lossy(data), "--recipient");
    let _ = crate::base::keys::load_public_key(path.to_str().unwrap_or(""));
    let _ = crate::base::keys::show(&path);
}

/// Run every file under `dir` through `f` (corpus and regression replay).
pub fn replay(dir: &Path, f: fn(&[u8])) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Ok(bytes) = std::fs::read(e.path()) {
            f(&bytes);
            n += 1;
        }
    }
    n
}
