//! Keys and signatures, checked against the outside tools (Debian's age and minisign).

use std::os::unix::fs::PermissionsExt;

use crate::util::{TestEnv, fixtures, tool};

fn key(name: &str) -> String {
    fixtures().join("keys").join(name).display().to_string()
}

#[test]
fn keys_new_writes_tool_compatible_files_and_never_overwrites() {
    let env = TestEnv::new();
    let r = env.ok(&["keys", "new", "--out", "k", "--name", "group", "--unprotected", "--json"]).json();
    let d = &r["data"];
    assert!(d["age_recipient"].as_str().unwrap().starts_with("age1"));
    assert_eq!(d["age_fingerprint"].as_str().unwrap().len(), 19);
    let dir = env.path().join("k");
    for (f, mode) in [
        ("group-age.key", 0o600),
        ("group-minisign.key", 0o600),
        ("group-age.pub", 0o644),
        ("group-minisign.pub", 0o644),
    ] {
        let m = std::fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(m, mode, "{f}");
    }
    // The age identity is exactly what age-keygen writes: age-keygen -y reads it back.
    let y = tool("age-keygen").arg("-y").arg(dir.join("group-age.key")).output().unwrap();
    assert!(y.status.success());
    assert_eq!(String::from_utf8_lossy(&y.stdout).trim(), d["age_recipient"].as_str().unwrap());
    // The public key file is exactly minisign's.
    let pubfile = std::fs::read_to_string(dir.join("group-minisign.pub")).unwrap();
    assert_eq!(
        pubfile,
        format!(
            "untrusted comment: minisign public key {}\n{}\n",
            d["minisign_key_id"].as_str().unwrap(),
            d["minisign_public_key"].as_str().unwrap()
        )
    );
    let again = env.run(&["keys", "new", "--out", "k", "--name", "group", "--unprotected"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert!(again.stderr.contains("never overwrites"), "{}", again.stderr);
}

#[test]
fn a_protected_key_needs_its_passphrase_and_minisign_reads_it() {
    let env = TestEnv::new();
    let pass = env.write("pass.txt", "a long test passphrase\n");
    let run = |args: &[&str], pass_file: Option<&str>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_handover"));
        c.args(args)
            .current_dir(env.path())
            .env("HANDOVER_TEST_NOW", "2026-11-25T12:00:00Z")
            .env_remove("HANDOVER_PASSPHRASE");
        match pass_file {
            Some(p) => c.env("HANDOVER_PASSPHRASE_FILE", p),
            None => c.env_remove("HANDOVER_PASSPHRASE_FILE"),
        };
        c.stdin(std::process::Stdio::null()).output().unwrap()
    };
    let out = run(&["keys", "new", "--out", "k", "--name", "p"], Some(&pass));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let show = run(&["keys", "show", "k/p-minisign.key", "--json"], Some(&pass));
    assert!(show.status.success());
    let wrong = env.write("wrong.txt", "not it\n");
    let bad = run(&["keys", "show", "k/p-minisign.key"], Some(&wrong));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the passphrase does not open"));
    // minisign itself signs with our protected key, reading the passphrase on stdin.
    let doc = env.write("doc.txt", "minutes of the steering group\n");
    let mut child = tool("minisign")
        .args(["-S", "-s", "k/p-minisign.key", "-m", &doc])
        .current_dir(env.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"a long test passphrase\n").unwrap();
    assert!(child.wait().unwrap().success(), "minisign could not use our protected key");
    env.ok(&["keys", "verify", &doc, "--signer", "k/p-minisign.pub"]);
}

#[test]
fn keys_show_reads_keys_made_by_the_outside_tools() {
    let env = TestEnv::new();
    let age = env.ok(&["keys", "show", &key("age-keygen-test.key"), "--json"]).json();
    let recipient = std::fs::read_to_string(key("age-keygen-test.pub")).unwrap();
    assert_eq!(age["data"][0]["public"], recipient.trim());
    assert_eq!(age["data"][0]["kind"], "age_identity");
    let rec = env.ok(&["keys", "show", &key("age-keygen-test.pub"), "--json"]).json();
    assert_eq!(rec["data"][0]["fingerprint"], age["data"][0]["fingerprint"]);
    let pk = env.ok(&["keys", "show", &key("minisign-test.pub"), "--json"]).json();
    let sk = env.ok(&["keys", "show", &key("minisign-test.key"), "--json"]).json();
    assert_eq!(pk["data"][0]["key_id"], sk["data"][0]["key_id"]);
    assert_eq!(pk["data"][0]["fingerprint"], sk["data"][0]["fingerprint"]);
    let pub_text = std::fs::read_to_string(key("minisign-test.pub")).unwrap();
    assert!(pub_text.contains(pk["data"][0]["key_id"].as_str().unwrap()), "key id differs from minisign's");
    let not_a_key = env.write("x.txt", "hello\n");
    let r = env.run(&["keys", "show", &not_a_key]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not an age identity, age recipient or minisign key"));
}

#[test]
fn our_signatures_verify_in_minisign_and_theirs_in_ours() {
    let env = TestEnv::new();
    env.ok(&["keys", "new", "--out", "k", "--name", "s", "--unprotected"]);
    let doc = env.write("record.json", "{\"transfer\": 1}\n");
    env.ok(&["keys", "sign", &doc, "--sign-key", "k/s-minisign.key", "--trusted-comment", "transfer record 1"]);
    let v = tool("minisign").args(["-Vm", &doc, "-p", "k/s-minisign.pub"]).current_dir(env.path()).output().unwrap();
    assert!(v.status.success(), "minisign -Vm refused our signature: {}", String::from_utf8_lossy(&v.stderr));
    assert!(String::from_utf8_lossy(&v.stdout).contains("transfer record 1"));
    // A signature made by minisign -S with a minisign -G key verifies in handover.
    let doc2 = env.write("theirs.txt", "signed by the outside tool\n");
    let s = tool("minisign")
        .args(["-S", "-s", &key("minisign-test.key"), "-m", &doc2, "-t", "from minisign"])
        .output()
        .unwrap();
    assert!(s.status.success());
    let ok = env.ok(&["keys", "verify", &doc2, "--signer", &key("minisign-test.pub"), "--json"]).json();
    assert_eq!(ok["data"]["valid"], true);
    assert_eq!(ok["data"]["trusted_comment"], "from minisign");
    // A key made by minisign -G -W signs in handover, and minisign accepts the signature.
    let doc3 = env.write("ours-with-their-key.txt", "signed by handover with a minisign key\n");
    env.ok(&["keys", "sign", &doc3, "--sign-key", &key("minisign-test.key")]);
    let v = tool("minisign").args(["-Vm", &doc3, "-p", &key("minisign-test.pub")]).output().unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    // By the key string as well as the file.
    let pk_line = std::fs::read_to_string(key("minisign-test.pub")).unwrap().lines().nth(1).unwrap().to_string();
    env.ok(&["keys", "verify", &doc2, "--signer", &pk_line]);
}

#[test]
fn tampering_and_other_keys_are_refused() {
    let env = TestEnv::new();
    env.ok(&["keys", "new", "--out", "k", "--name", "s", "--unprotected"]);
    let doc = env.write("doc.txt", "the agreed text\n");
    env.ok(&["keys", "sign", &doc, "--sign-key", "k/s-minisign.key", "--trusted-comment", "version 1"]);
    let sig_path = format!("{doc}.minisig");
    let original_doc = std::fs::read(&doc).unwrap();
    let original_sig = std::fs::read_to_string(&sig_path).unwrap();
    let verify = || env.run(&["keys", "verify", &doc, "--signer", "k/s-minisign.pub", "--json"]);
    assert_eq!(verify().code, 0);
    // A flipped byte in the file.
    let mut d = original_doc.clone();
    d[3] ^= 0x01;
    std::fs::write(&doc, &d).unwrap();
    assert_eq!(verify().code, 1);
    std::fs::write(&doc, &original_doc).unwrap();
    // A flipped character in the signature line (line 2) and in the trusted comment (line 3).
    let lines: Vec<&str> = original_sig.lines().collect();
    let flip = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        let i = c.len() / 2;
        c[i] = if c[i] == 'A' { 'B' } else { 'A' };
        c.into_iter().collect::<String>()
    };
    for (i, _) in lines.iter().enumerate().skip(1).take(3) {
        let mut l: Vec<String> = lines.iter().map(std::string::ToString::to_string).collect();
        l[i] = flip(&l[i]);
        std::fs::write(&sig_path, l.join("\n") + "\n").unwrap();
        let r = verify();
        assert_eq!(r.code, 1, "a change on signature line {} was not refused", i + 1);
        assert_eq!(r.json()["data"]["valid"], false);
    }
    std::fs::write(&sig_path, &original_sig).unwrap();
    assert_eq!(verify().code, 0);
    // Another key: refused, naming both key ids.
    let r = env.run(&["keys", "verify", &doc, "--signer", &key("minisign-test.pub")]);
    assert_eq!(r.code, 1);
    let theirs = env.ok(&["keys", "show", &key("minisign-test.pub"), "--json"]).json()["data"][0]["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    let ours = env.ok(&["keys", "show", "k/s-minisign.pub", "--json"]).json()["data"][0]["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(r.stdout.contains(&format!("signed by key {ours}, not by the expected key {theirs}")), "{}", r.stdout);
}

/// A key or signature file is small: a device or a huge file named by mistake is refused at once
/// (`--sign-key /dev/zero` once hung), with the reason, and nothing changes.
#[test]
fn a_huge_key_file_is_refused_without_being_read() {
    let env = TestEnv::new();
    let big = env.path().join("big.key");
    std::fs::write(&big, vec![b'A'; 200 * 1024]).unwrap();
    for args in [
        vec!["keys", "show", big.to_str().unwrap()],
        vec!["keys", "show", "/dev/zero"],
        vec!["keys", "sign", "big.key", "--sign-key", "/dev/zero"],
    ] {
        let r = env.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        // A device is refused before it is opened; a regular file by its size.
        let why = if args.contains(&"/dev/zero") { "not a regular file" } else { "more than 64 KiB" };
        assert!(r.stderr.contains(why), "{args:?}: {}", r.stderr);
    }
}

/// A FIFO given as a key is refused at once, never waited on (opening one blocks until a writer
/// comes).
#[test]
fn a_fifo_given_as_a_key_is_refused_at_once() {
    let env = TestEnv::new();
    let fifo = env.path().join("key.fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::write(env.path().join("Cargo.toml"), "x").unwrap();
    let mut child = env
        .command(&["keys", "sign", "Cargo.toml", "--sign-key", fifo.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let status = status.expect("the command waited on the FIFO");
    assert_eq!(status.code(), Some(2));
    let out = child.wait_with_output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a regular file"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Keys made under a name of the volunteer's own are found without flags; with several pairs, the
/// error names them and the flag that chooses.
#[test]
fn keys_made_under_another_name_are_found() {
    let env = TestEnv::new();
    let made = env.run_user(&["keys", "new", "--name", "alice", "--unprotected"]);
    assert_eq!(made.code, 0);
    assert!(env.path().join(".config/handover/keys/alice-age.key").is_file());
    // The keys folder is hidden: the two public files to send are copied where they can be found.
    for f in ["alice-age.pub", "alice-minisign.pub"] {
        assert!(env.path().join("handover-public-keys").join(f).is_file(), "{f}");
    }
    assert!(made.stdout.contains("Send these two files"), "{}", made.stdout);
    let ex = env.run_user(&["keys", "export-public", "--out", "to-send"]);
    assert_eq!(ex.code, 0, "{}", ex.stderr);
    assert!(
        env.path().join("to-send/alice-age.pub").is_file() && env.path().join("to-send/alice-minisign.pub").is_file()
    );
    env.write("f.txt", "text");
    let r = env.run_user(&["keys", "sign", "f.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.run_user(&["keys", "new", "--name", "bob", "--unprotected"]).code, 0);
    env.write("g.txt", "text");
    let r = env.run_user(&["keys", "sign", "g.txt"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("alice-minisign.key") && r.stderr.contains("bob-minisign.key"), "{}", r.stderr);
    assert!(r.stderr.contains("--sign-key"), "{}", r.stderr);
}
