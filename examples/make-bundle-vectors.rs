//! Writes the committed bundle test vectors under `fixtures/bundles/`: one genuine bundle of the
//! demo community and, made from it, bundles that are wrong at each layer, with `expect.txt`
//! saying which layer `bundle verify` must name for each. The people in them are the fixture
//! community's invented people.
//!
//! Signed with the TEST-ONLY key `fixtures/keys/minisign-test.key` and encrypted to the TEST-ONLY
//! identity `fixtures/keys/age-keygen-test.key` (the "group"). age encryption is randomised, so
//! each run writes different bytes with the same meaning: run it only when the format changes.
//!
//! Run: `cargo run --example make-bundle-vectors` (from the repository root).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::Parser;

fn handover(args: &[&str]) {
    let mut full = vec!["handover", "--quiet"];
    full.extend(args);
    let code = handover::run(handover::cli::Cli::parse_from(full));
    assert_eq!(code, 0, "handover {args:?} failed");
}

fn age_encrypt(recipient: &age::x25519::Recipient, plain: &[u8]) -> Vec<u8> {
    let enc = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = enc.wrap_output(&mut out).unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
    out
}

/// A zip entry as the vectors need it, including the malformed kinds the writer will not make.
struct Raw {
    name: String,
    data: Vec<u8>,
    deflate: bool,
    mode: u32,
    /// Declare this uncompressed size instead of the real one.
    lie_size: Option<u32>,
}

fn raw(name: &str, data: &[u8]) -> Raw {
    Raw { name: name.into(), data: data.to_vec(), deflate: true, mode: 0o100644, lie_size: None }
}

fn zip_raw(entries: &[Raw]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let crc = crc32fast::hash(&e.data);
        let body = if e.deflate {
            let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
            enc.write_all(&e.data).unwrap();
            enc.finish().unwrap()
        } else {
            e.data.clone()
        };
        let size = e.lie_size.unwrap_or(e.data.len() as u32);
        let method: u16 = if e.deflate { 8 } else { 0 };
        let offset = out.len() as u32;
        let n = e.name.as_bytes();
        let fixed = |h: &mut Vec<u8>| {
            h.extend(20u16.to_le_bytes());
            h.extend(0x0800u16.to_le_bytes());
            h.extend(method.to_le_bytes());
            h.extend(0u16.to_le_bytes());
            h.extend(0x0021u16.to_le_bytes());
            h.extend(crc.to_le_bytes());
            h.extend((body.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((n.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes());
        };
        out.extend(0x04034b50u32.to_le_bytes());
        fixed(&mut out);
        out.extend(n);
        out.extend(&body);
        central.extend(0x02014b50u32.to_le_bytes());
        central.extend((0x0300u16 | 20).to_le_bytes());
        fixed(&mut central);
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend((e.mode << 16).to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(n);
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x06054b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The bag's files (relative to its top folder), and that folder's name.
fn unzip(plain: &[u8]) -> (String, BTreeMap<String, Vec<u8>>) {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(plain)).unwrap();
    let mut files = BTreeMap::new();
    let mut top = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let (t, rel) = name.split_once('/').unwrap();
        top = t.to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        files.insert(rel.to_string(), data);
    }
    (top, files)
}

fn sha(b: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b))
}

/// Rebuild a consistent bag as someone holding the sender's signing key would: payload entries in
/// handover.json, both manifests, and handover.json signed again.
fn rebag(files: &mut BTreeMap<String, Vec<u8>>, key: &handover::keys::SigningKey) {
    let mut m: serde_json::Value = serde_json::from_slice(&files["handover.json"]).unwrap();
    let payload: Vec<(String, Vec<u8>)> =
        files.iter().filter(|(k, _)| k.starts_with("data/")).map(|(k, v)| (k.clone(), v.clone())).collect();
    m["files"] = payload
        .iter()
        .map(|(p, b)| serde_json::json!({ "path": p, "size": b.len(), "sha256": sha(b) }))
        .collect::<Vec<_>>()
        .into();
    let mbytes = serde_json::to_vec_pretty(&m).unwrap();
    let msig = key.sign(&mbytes[..], &format!("handover.json of bundle {}", m["bundle_id"].as_str().unwrap())).unwrap();
    files.insert("handover.json".into(), mbytes);
    files.insert("handover.json.minisig".into(), msig.into_bytes());
    let manifest: String = payload.iter().map(|(p, b)| format!("{}  {p}\n", sha(b))).collect();
    files.insert("manifest-sha256.txt".into(), manifest.into_bytes());
    let tags: String = files
        .iter()
        .filter(|(k, _)| !k.starts_with("data/") && k.as_str() != "tagmanifest-sha256.txt")
        .map(|(k, v)| format!("{}  {k}\n", sha(v)))
        .collect();
    files.insert("tagmanifest-sha256.txt".into(), tags.into_bytes());
}

fn zip_of(top: &str, files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    zip_raw(&files.iter().map(|(k, v)| raw(&format!("{top}/{k}"), v)).collect::<Vec<_>>())
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let keys = root.join("fixtures/keys");
    let out = root.join("fixtures/bundles");
    let tmp = std::env::temp_dir().join(format!("handover-vectors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let s = |p: &Path| p.display().to_string();
    let demo = tmp.join("demo");
    handover(&["demo", "--out", &s(&demo)]);
    let bdir = tmp.join("b");
    // The demo made its bundle: one approval makes one bundle, so the data protection lead approves again.
    handover(&[
        "--register",
        &s(&demo.join("handover.db")),
        "transfer",
        "approve",
        "--to",
        "kscop-steering-group",
        "--sign-key",
        &s(&demo.join("keys/dp-lead-minisign.key")),
    ]);
    handover(&[
        "--register",
        &s(&demo.join("handover.db")),
        "bundle",
        "create",
        "--to",
        "kscop-steering-group",
        "--recipient",
        &s(&keys.join("age-keygen-test.pub")),
        "--sign-key",
        &s(&keys.join("minisign-test.key")),
        "--identity",
        &s(&demo.join("keys/facilitator-age.key")),
        "--out",
        &s(&bdir),
    ]);
    let genuine = std::fs::read_dir(&bdir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".zip.age"))
        .unwrap();
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let key = handover::keys::SigningKey::load(&keys.join("minisign-test.key")).unwrap();
    let group_text = std::fs::read_to_string(keys.join("age-keygen-test.pub")).unwrap();
    let group = age::x25519::Recipient::from_str(group_text.lines().find(|l| l.starts_with("age1")).unwrap()).unwrap();
    let ids = handover::keys::load_identities(&keys.join("age-keygen-test.key")).unwrap();
    let ciphertext = std::fs::read(&genuine).unwrap();
    let plain = {
        let dec = age::Decryptor::new(&ciphertext[..]).unwrap();
        let mut r = dec.decrypt(ids.iter().map(|i| i as &dyn age::Identity)).unwrap();
        let mut v = Vec::new();
        r.read_to_end(&mut v).unwrap();
        v
    };
    let (top, files) = unzip(&plain);
    let mut expect =
        String::from("# vector  expected-layer (valid = exit 0; any other = exit 1, naming that layer)  what it is\n");
    let mut put = |name: &str, ct: &[u8], sig: Option<String>, layer: &str, what: &str| {
        std::fs::write(out.join(name), ct).unwrap();
        let sig = sig.unwrap_or_else(|| key.sign(ct, &format!("vector {name}")).unwrap());
        std::fs::write(out.join(format!("{name}.minisig")), sig).unwrap();
        expect.push_str(&format!("{name} {layer} {what}\n"));
    };
    let signed_zip = |z: Vec<u8>| age_encrypt(&group, &z);

    put(
        "valid.zip.age",
        &ciphertext,
        Some(std::fs::read_to_string(format!("{}.minisig", genuine.display())).unwrap()),
        "valid",
        "the genuine bundle",
    );
    let mut flipped = ciphertext.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x10;
    put(
        "flipped-byte.zip.age",
        &flipped,
        Some(std::fs::read_to_string(format!("{}.minisig", genuine.display())).unwrap()),
        "outer_signature",
        "one bit of the ciphertext changed after signing",
    );
    // An attacker who knows the group's public key re-encrypts altered contents and signs with
    // their own key.
    let attacker = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let mut evil = files.clone();
    evil.insert("data/mailing-list.csv".into(), b"email,name,attributes\nvictim@example.org,V,{}\n".to_vec());
    let evil_ct = signed_zip(zip_of(&top, &evil));
    let evil_sig =
        minisign::sign(Some(&attacker.pk), &attacker.sk, &evil_ct[..], Some("attacker"), None).unwrap().into_string();
    put(
        "reencrypted-by-attacker.zip.age",
        &evil_ct,
        Some(evil_sig),
        "outer_signature",
        "re-encrypted and signed by another key",
    );
    let other = age::x25519::Identity::generate().to_public();
    put("wrong-recipient.zip.age", &age_encrypt(&other, &plain), None, "decryption", "encrypted to someone else's key");
    put("not-age.zip.age", &plain, None, "decryption", "a plain zip, not an age file");
    // The zip layer (signed by the sender's key, so only the zip checks catch them).
    let with = |extra: Raw| {
        let mut entries: Vec<Raw> = files.iter().map(|(k, v)| raw(&format!("{top}/{k}"), v)).collect();
        entries.push(extra);
        signed_zip(zip_raw(&entries))
    };
    let cases: Vec<(&str, Raw, &str)> = vec![
        ("dotdot.zip.age", raw(&format!("{top}/../escape.txt"), b"x"), "an entry name with .."),
        ("absolute.zip.age", raw("/etc/escape.txt", b"x"), "an absolute entry name"),
        ("backslash.zip.age", raw(&format!("{top}\\..\\escape.txt"), b"x"), "an entry name with backslashes"),
        ("duplicate.zip.age", raw(&format!("{top}/bagit.txt"), b"BagIt-Version: 1.0\n"), "an entry twice"),
        ("case-collision.zip.age", raw(&format!("{top}/BAGIT.TXT"), b"x"), "two names that differ only in case"),
        (
            "symlink.zip.age",
            Raw { mode: 0o120777, deflate: false, ..raw(&format!("{top}/data/link"), b"/etc/passwd") },
            "a symbolic link",
        ),
        ("bomb-ratio.zip.age", raw(&format!("{top}/data/zeros.txt"), &vec![0u8; 16 << 20]), "16 MiB of zeros in 16 KB"),
        (
            "bomb-lying-size.zip.age",
            Raw { lie_size: Some(1000), ..raw(&format!("{top}/data/zeros2.txt"), &vec![0u8; 4 << 20]) },
            "an entry that inflates beyond its declared size",
        ),
    ];
    let mut zip_cases = Vec::new();
    for (name, e, what) in cases {
        zip_cases.push((name, with(e), what));
    }
    for (name, ct, what) in zip_cases {
        put(name, &ct, None, "zip", what);
    }
    // Inner layers, re-encrypted and outer-signed by the sender's key.
    let mut doc = files.clone();
    let d = doc.keys().find(|k| k.starts_with("data/documents/")).unwrap().clone();
    doc.insert(d, b"changed after signing".to_vec());
    put(
        "document-changed.zip.age",
        &signed_zip(zip_of(&top, &doc)),
        None,
        "contents",
        "a document changed after the manifest was signed",
    );
    let mut man = files.clone();
    let text = String::from_utf8(man["handover.json"].clone()).unwrap().replace("\"to\": \"kscop", "\"to\": \"zzscop");
    man.insert("handover.json".into(), text.into_bytes());
    put(
        "manifest-edited.zip.age",
        &signed_zip(zip_of(&top, &man)),
        None,
        "inner_signature",
        "handover.json edited after signing",
    );
    let mut extra = files.clone();
    extra.insert("data/smuggled.txt".into(), b"not in the manifest".to_vec());
    put(
        "unlisted-file.zip.age",
        &signed_zip(zip_of(&top, &extra)),
        None,
        "contents",
        "a payload file the manifest does not list",
    );
    // Consistent, re-signed bags whose contents break the schemas or the rules: what a bundle made
    // by something other than handover (or a stolen signing key) could hold.
    let mut shape = files.clone();
    let people = String::from_utf8(shape["data/register/people.jsonl"].clone()).unwrap();
    let first = people.lines().next().unwrap().replacen('{', "{\"date_of_birth\":\"1970-01-01\",", 1);
    shape.insert(
        "data/register/people.jsonl".into(),
        format!("{first}\n{}", people.split_once('\n').unwrap().1).into_bytes(),
    );
    rebag(&mut shape, &key);
    put(
        "schema-extra-field.zip.age",
        &signed_zip(zip_of(&top, &shape)),
        None,
        "schemas",
        "a person with a field outside the schema",
    );
    let mut rule = files.clone();
    let list = String::from_utf8(rule["data/mailing-list.csv"].clone()).unwrap();
    let broken = list.replacen("kscop-steering-group", "brightwater-trust", 1);
    assert_ne!(broken, list, "the mailing list names the receiver in its consent evidence");
    rule.insert("data/mailing-list.csv".into(), broken.into_bytes());
    rebag(&mut rule, &key);
    put(
        "rule-consent-not-naming-receiver.zip.age",
        &signed_zip(zip_of(&top, &rule)),
        None,
        "rules",
        "a subscriber whose consent does not name the receiver (R1)",
    );
    // Well-formed, re-signed with the sender's key, but not what the data protection lead approved.
    let mut edited = files.clone();
    let list = String::from_utf8(edited["data/mailing-list.csv"].clone()).unwrap();
    let at = list.find('@').unwrap();
    let start = list[..at].rfind('\n').unwrap() + 1;
    let changed = format!("{}someone.else{}", &list[..start], &list[at..]);
    edited.insert("data/mailing-list.csv".into(), changed.into_bytes());
    rebag(&mut edited, &key);
    put(
        "approval-values-edited.zip.age",
        &signed_zip(zip_of(&top, &edited)),
        None,
        "approval",
        "a subscriber's address edited after the data protection lead approved the values",
    );
    // The genuine approval, re-used under another bundle id (a replay of the transfer).
    let mut replayed = files.clone();
    let mut m: serde_json::Value = serde_json::from_slice(&replayed["handover.json"]).unwrap();
    m["bundle_id"] = "bdl_0123456789ab".into();
    replayed.insert("handover.json".into(), serde_json::to_vec_pretty(&m).unwrap());
    rebag(&mut replayed, &key);
    put(
        "approval-other-bundle.zip.age",
        &signed_zip(zip_of(&top, &replayed)),
        None,
        "approval",
        "the genuine approval carried under another bundle id",
    );
    let mut resigned = files.clone();
    rebag(&mut resigned, &key);
    put(
        "rebagged-valid.zip.age",
        &signed_zip(zip_of(&top, &resigned)),
        None,
        "valid",
        "the same contents re-bagged consistently (checks the vector builder)",
    );
    std::fs::write(out.join("expect.txt"), expect).unwrap();
    std::fs::write(
        out.join("README.md"),
        "# Bundle test vectors (TEST-ONLY keys, invented people)\n\n\
         Written by `cargo run --example make-bundle-vectors`. Each `*.zip.age` has its `.minisig`;\n\
         `expect.txt` names the layer `bundle verify` must report (`valid`: exit 0). Verify them with\n\
         `--identity fixtures/keys/age-keygen-test.key --signer fixtures/keys/minisign-test.pub`.\n\
         The zip-layer and inner-layer vectors are signed with the sender's (test) key, so that only\n\
         the deeper checks can catch them; `schemas` and `rules` vectors are consistently re-bagged and\n\
         re-signed, as a bundle made by other software, or with a stolen key, could be; the `approval`\n\
         vectors too, but their values, or their bundle id, are not the ones the data protection lead's\n\
         signed approval covers.\n",
    )
    .unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
    println!("wrote {}", out.display());
}
