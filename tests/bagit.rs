//! `bag verify` against the Library of Congress BagIt conformance suite, kept in
//! tests/vectors/bagit-conformance: every 1.0 and 0.97 case, linux-only included, must come out
//! as the suite says (valid and warning: exit 0, warning with a warning on stderr; invalid and
//! linux-only: exit 1).

use crate::util::{TestEnv, root};

#[test]
fn the_bagit_conformance_suite() {
    let suite = root().join("tests/vectors/bagit-conformance");
    assert!(suite.is_dir(), "the BagIt conformance suite is missing at {}", suite.display());
    let env = TestEnv::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    for version in ["v1.0", "v0.97"] {
        for (kind, want, want_warning) in
            [("valid", 0, false), ("warning", 0, true), ("invalid", 1, false), ("linux-only", 1, false)]
        {
            let dir = suite.join(version).join(kind);
            let Ok(rd) = std::fs::read_dir(&dir) else { continue };
            let mut cases: Vec<_> =
                rd.filter_map(std::result::Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
            cases.sort();
            for case in cases {
                let r = env.run(&["bag", "verify", case.to_str().unwrap()]);
                checked += 1;
                let warned = r.stderr.contains("warning:");
                if r.code != want || (want_warning && !warned) {
                    failures.push(format!(
                        "{version}/{kind}/{}: exit {} (want {want}), warning printed: {warned}\n{}{}",
                        case.file_name().unwrap().to_string_lossy(),
                        r.code,
                        r.stdout,
                        r.stderr
                    ));
                }
            }
        }
    }
    assert!(checked >= 40, "only {checked} conformance cases found");
    assert!(
        failures.is_empty(),
        "{} of {checked} conformance cases came out wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn older_versions_are_refused_clearly() {
    let case = root().join("tests/vectors/bagit-conformance/v0.93/valid/basic-bag");
    assert!(case.join("bagit.txt").is_file(), "no v0.93 case in the conformance suite at {}", case.display());
    let env = TestEnv::new();
    let r = env.run(&["bag", "verify", case.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("is not supported"), "{}", r.stdout);
}

#[test]
fn a_tampered_bag_is_refused() {
    let env = TestEnv::new();
    let bag = env.path().join("bag");
    std::fs::create_dir_all(bag.join("data/docs")).unwrap();
    std::fs::write(bag.join("bagit.txt"), "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n").unwrap();
    std::fs::write(bag.join("data/docs/minutes.txt"), "minutes\n").unwrap();
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(b"minutes\n"));
    std::fs::write(bag.join("manifest-sha256.txt"), format!("{sha}  data/docs/minutes.txt\n")).unwrap();
    std::fs::write(bag.join("bag-info.txt"), "Payload-Oxum: 8.1\n").unwrap();
    let ok = env.run(&["bag", "verify", bag.to_str().unwrap(), "--json"]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert_eq!(ok.json()["data"]["valid"], true);
    std::fs::write(bag.join("data/docs/minutes.txt"), "minutes!\n").unwrap();
    let bad = env.run(&["bag", "verify", bag.to_str().unwrap()]);
    assert_eq!(bad.code, 1);
    assert!(bad.stdout.contains("does not match its sha256 checksum"), "{}", bad.stdout);
    std::fs::write(bag.join("data/docs/minutes.txt"), "minutes\n").unwrap();
    std::fs::write(bag.join("data/extra.txt"), "x").unwrap();
    let extra = env.run(&["bag", "verify", bag.to_str().unwrap()]);
    assert_eq!(extra.code, 1);
    assert!(extra.stdout.contains("not listed in manifest-sha256.txt"), "{}", extra.stdout);
}
