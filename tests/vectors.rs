//! The committed bundle vectors (fixtures/bundles, written by `examples/make-bundle-vectors.rs`):
//! `bundle verify` names the expected layer for each, and `bundle import` of a bad one writes nothing.

use crate::util::{TestEnv, fixtures};

#[test]
fn every_committed_vector_fails_at_its_layer_and_imports_nothing() {
    let env = TestEnv::new();
    // The receiving side's own signing key for receipts (not the sender's test key).
    env.ok(&["keys", "new", "--out", "recv", "--name", "recv", "--unprotected"]);
    let recv_sk = env.path().join("recv/recv-minisign.key").display().to_string();
    let dir = fixtures().join("bundles");
    let keys = fixtures().join("keys");
    let identity = keys.join("age-keygen-test.key").display().to_string();
    let signer = keys.join("minisign-test.pub").display().to_string();
    let expect = std::fs::read_to_string(dir.join("expect.txt")).unwrap();
    let mut seen = 0;
    for line in expect.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut parts = line.splitn(3, ' ');
        let (name, layer) = (parts.next().unwrap(), parts.next().unwrap());
        let file = dir.join(name).display().to_string();
        let r = env.run(&["bundle", "verify", &file, "--identity", &identity, "--signer", &signer, "--json"]);
        let v = r.json()["data"].clone();
        if layer == "valid" {
            assert_eq!((r.code, v["valid"].as_bool()), (0, Some(true)), "{name}: {v}");
            continue;
        }
        assert_eq!((r.code, v["layer"].as_str()), (1, Some(layer)), "{name}: {v}");
        assert!(!v["why"].as_str().unwrap_or("").is_empty(), "{name} says why");
        let into = format!("reg-{seen}.db");
        let r = env.run(&[
            "bundle",
            "import",
            &file,
            "--identity",
            &identity,
            "--signer",
            &signer,
            "--into",
            &into,
            "--custodian",
            keys.join("age-keygen-test.pub").to_str().unwrap(),
            "--sign-key",
            &recv_sk,
        ]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(r.stdout.contains(&format!("NOT imported: {layer} failed")), "{name}: {}", r.stdout);
        let left: Vec<String> = std::fs::read_dir(env.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("reg-") || n.starts_with(".reg-") || n.ends_with(".receipt.json"))
            .collect();
        assert!(left.is_empty(), "{name} left {left:?}");
        seen += 1;
    }
    assert!(seen >= 15, "{seen} bad vectors");
}
