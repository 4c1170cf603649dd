//! The C2SP CCTV age test vectors (tests/vectors/age-cctv) through handover's
//! one decrypt path (`vault::open`, which the bundle reader and the vault use): every success
//! vector decrypts to its payload hash, every failure vector fails, and no vector releases more
//! plaintext than it allows. Vectors for recipient types the age crate lacks (ML-KEM hybrid) are
//! counted as unsupported, never as passed.

use std::io::Read;
use std::str::FromStr;

use sha2::Digest;

struct Vector {
    name: String,
    expect: String,
    payload: Option<String>,
    identities: Vec<String>,
    passphrases: Vec<String>,
    body: Vec<u8>,
}

fn parse(name: &str, bytes: &[u8]) -> Option<Vector> {
    let split = bytes.windows(2).position(|w| w == b"\n\n")?;
    let header = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut body = bytes[split + 2..].to_vec();
    let mut v = Vector {
        name: name.to_string(),
        expect: String::new(),
        payload: None,
        identities: Vec::new(),
        passphrases: Vec::new(),
        body: Vec::new(),
    };
    for line in header.lines() {
        let (k, val) = line.split_once(": ")?;
        match k {
            "expect" => v.expect = val.to_string(),
            "payload" => v.payload = Some(val.to_string()),
            "identity" => v.identities.push(val.to_string()),
            "passphrase" => v.passphrases.push(val.to_string()),
            "compressed" if val == "zlib" => {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(&body[..]).read_to_end(&mut out).ok()?;
                body = out;
            }
            "armored" | "file key" | "comment" => {}
            _ => return None, // an unknown key: the README says to ignore the file
        }
    }
    v.body = body;
    Some(v)
}

#[test]
fn every_cctv_age_vector_through_the_decrypt_path() {
    let dir = crate::util::root().join("tests/vectors/age-cctv/testdata");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the CCTV age vectors are missing at {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut passed, mut unsupported, mut failures) = (0, Vec::new(), Vec::new());
    for name in &names {
        let Some(v) = parse(name, &std::fs::read(dir.join(name)).unwrap()) else { continue };
        let mut x25519 = Vec::new();
        let mut supported = true;
        for i in &v.identities {
            match age::x25519::Identity::from_str(i) {
                Ok(id) => x25519.push(id),
                Err(_) => supported = false,
            }
        }
        if !supported {
            unsupported.push(v.name.clone());
            continue;
        }
        let scrypt: Vec<age::scrypt::Identity> =
            v.passphrases.iter().map(|p| handover::vault::passphrase_identity(p)).collect();
        let mut ids: Vec<&dyn age::Identity> = x25519.iter().map(|i| i as &dyn age::Identity).collect();
        ids.extend(scrypt.iter().map(|i| i as &dyn age::Identity));
        let mut released = Vec::new();
        let outcome = match handover::vault::open(&v.body[..], &ids) {
            Err(handover::vault::OpenError::NoMatch) => "no match".to_string(),
            Err(e) => format!("header: {e:?}"),
            Ok(mut r) => {
                let mut buf = [0u8; 4096];
                loop {
                    match r.read(&mut buf) {
                        Ok(0) => break "success".to_string(),
                        Ok(n) => released.extend_from_slice(&buf[..n]),
                        Err(e) => break format!("payload: {e}"),
                    }
                }
            }
        };
        let released_hash = hex::encode(sha2::Sha256::digest(&released));
        let ok_outcome = match v.expect.as_str() {
            "success" => outcome == "success",
            // The age crate reports a passphrase that does not open the file as a header error, not
            // as "no match": both stop before any plaintext.
            "no match" => outcome == "no match" || (!v.passphrases.is_empty() && outcome.starts_with("header")),
            _ => {
                outcome != "success" && outcome != "no match" || (v.expect == "header failure" && outcome == "no match")
            }
        };
        let ok_release = match &v.payload {
            Some(p) => *p == released_hash,
            None => released.is_empty(),
        };
        if ok_outcome && ok_release {
            passed += 1;
        } else {
            failures.push(format!(
                "{}: expected {} (payload {:?}), got {outcome} releasing {} bytes ({released_hash})",
                v.name,
                v.expect,
                v.payload,
                released.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{} of the CCTV vectors failed:\n{}", failures.len(), failures.join("\n"));
    assert!(
        unsupported.iter().all(|n| n.contains("hybrid")),
        "only ML-KEM hybrid vectors may be unsupported: {unsupported:?}"
    );
    assert!(passed >= 100, "{passed} vectors passed, {} unsupported", unsupported.len());
    eprintln!("CCTV age vectors: {passed} passed, {} unsupported (ML-KEM hybrid)", unsupported.len());
}
