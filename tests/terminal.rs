//! What a volunteer sees on a terminal, driven through a pseudo-terminal: the passphrase for new
//! keys asked twice, the sender's fingerprint to compare (a "no" imports nothing), where to keep
//! the register (Enter takes the community's folder), and the signing key's passphrase asked only
//! after everything else was checked.

use rexpect::session::{PtySession, spawn_command};

use crate::util::TestEnv;

const PASS: &str = "a long passphrase for the group";

/// The binary on a pseudo-terminal, as the user runs it (no HANDOVER_REGISTER, the folder's own
/// per-user settings).
fn on_terminal(env: &TestEnv, args: &[&str]) -> PtySession {
    let mut c = env.command(args);
    c.env_remove("HANDOVER_REGISTER");
    spawn_command(c, Some(60_000)).expect("start handover on a pseudo-terminal")
}

/// Wait for the end and return how it ended, as the wait status reads.
fn ended(mut p: PtySession) -> String {
    let _ = p.exp_eof();
    format!("{:?}", p.process().wait().expect("wait"))
}

#[test]
fn a_volunteer_on_a_terminal_confirms_the_fingerprint_and_takes_the_default_folder() {
    let env = TestEnv::new();
    let demo = env.path().join("demo");
    env.ok(&["demo", "--out", demo.to_str().unwrap()]);

    // Keys with a passphrase, asked twice on the terminal.
    let mut p = on_terminal(&env, &["keys", "new"]);
    p.exp_string("Passphrase for the new keys:").unwrap();
    p.send_line(PASS).unwrap();
    p.exp_string("gain").unwrap();
    p.send_line(PASS).unwrap();
    let status = ended(p);
    assert!(status.contains("Exited") && status.ends_with(", 0)"), "{status}");
    let keys = env.path().join(".config/handover/keys");
    let shown = env.run_user(&["keys", "show", keys.join("handover-minisign.key").to_str().unwrap()]);
    assert!(!shown.stdout.contains("not passphrase-protected"), "{}", shown.stdout);

    // The group's recipient goes to the sender, who encrypts to it.
    std::fs::create_dir_all(env.path().join("group")).unwrap();
    std::fs::copy(keys.join("handover-age.pub"), env.path().join("group/group-age.pub")).unwrap();
    let bundle = crate::group::bundle(&env, &demo, "out").display().to_string();
    let from = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let folder = env.path().join("kent-and-sussex-community-of-practice");

    // The fingerprint does not match what the sender read out: nothing is imported.
    let mut p = on_terminal(&env, &["receive", &bundle, "--from", &from]);
    p.exp_string("Fingerprint:").unwrap();
    p.exp_string("Is it the same? Type yes or no:").unwrap();
    p.send_line("no").unwrap();
    p.exp_string("nothing was imported").unwrap();
    let status = ended(p);
    assert!(status.ends_with(", 2)"), "{status}");
    assert!(!folder.exists(), "a refusal writes nothing");

    // It matches: asked where to keep the register (Enter: the community's folder), then the
    // passphrase, last.
    let mut p = on_terminal(&env, &["receive", &bundle, "--from", &from]);
    p.exp_string("Is it the same? Type yes or no:").unwrap();
    p.send_line("yes").unwrap();
    p.exp_string("Your name, as your register's log should record what you do").unwrap();
    p.send_line("Sam Volunteer").unwrap();
    p.exp_string("Where should your group's register be kept?").unwrap();
    p.send_line("").unwrap();
    // The age identity is locked with the same passphrase: asked when the bundle is opened, and
    // the signing key (for the receipt) opens with it, not asked again.
    p.exp_string("Passphrase for the age identity").unwrap();
    p.send_line(PASS).unwrap();
    // The data protection lead's key: its fingerprint shown, compared, confirmed.
    p.exp_string("The plan was approved by dp-lead").unwrap();
    p.exp_string("Is it the same? Type yes or no:").unwrap();
    p.send_line("yes").unwrap();
    p.exp_string("Send these two files back to Brightwater Trust").unwrap();
    p.exp_string("is now trusted as Brightwater Trust's approver").unwrap();
    let status = ended(p);
    assert!(status.ends_with(", 0)"), "{status}");
    assert!(folder.join("register.db").is_file());
    assert!(folder.join("HANDOVER-LETTER-easy-read.html").is_file());
    // What the volunteer does is logged under their name, from the import on.
    let log = env.run_user(&["audit", "log", "--json"]).json();
    let actors: std::collections::BTreeSet<&str> =
        log["data"].as_array().unwrap().iter().filter_map(|e| e["actor"].as_str()).collect();
    assert_eq!(actors.into_iter().collect::<Vec<_>>(), ["Sam Volunteer"], "{log}");

    // The passwords are locked: `account reveal` asks for the passphrase, and a wrong one shows nothing.
    let identity = std::fs::read_to_string(keys.join("handover-age.key")).unwrap();
    assert!(identity.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"), "the identity is passphrase-protected");
    assert!(!identity.contains("AGE-SECRET-KEY"));
    let mut p = on_terminal(&env, &["account", "reveal", "wordpress"]);
    for _ in 0..3 {
        p.exp_string("Passphrase for the age identity").unwrap();
        p.send_line("not the passphrase").unwrap();
    }
    p.exp_string("the passphrase does not open").unwrap();
    assert!(ended(p).ends_with(", 2)"));
    let mut p = on_terminal(&env, &["account", "reveal", "wordpress"]);
    p.exp_string("Passphrase for the age identity").unwrap();
    p.send_line(PASS).unwrap();
    p.exp_string("demo-only-password-7f3a").unwrap();
    assert!(ended(p).ends_with(", 0)"));
    // age itself opens it with the passphrase (its passphrase-protected identity format) when
    // keys new wrote it; here the public half beside it is what `keys show` reads, unasked.
    let shown = env.run_user(&["keys", "show", keys.join("handover-age.key").to_str().unwrap(), "--json"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert_eq!(shown.json()["data"][0]["protected"], true, "{}", shown.stdout);
}

/// Making an account safe on a terminal: the new password is asked twice (a slip stores nothing),
/// and recording every step at once names each step and asks first (a "no" records nothing).
#[test]
fn a_new_password_is_typed_twice_and_all_steps_are_confirmed() {
    let env = TestEnv::new();
    env.ok(&["demo", "--out", "demo"]);
    let reg = "demo/steering-group/register.db";
    let key = "demo/steering-group-keys/steering-group-age.key";
    let mut p = on_terminal(&env, &["--register", reg, "account", "update-secret", "wordpress"]);
    p.exp_string("Password:").unwrap();
    p.send_line("new-secret-1").unwrap();
    p.exp_string("The same password again:").unwrap();
    p.send_line("new-secret-2").unwrap();
    p.exp_string("the two passwords you typed differ").unwrap();
    assert!(ended(p).ends_with(", 2)"));
    let mut p = on_terminal(&env, &["--register", reg, "account", "update-secret", "wordpress"]);
    p.exp_string("Password:").unwrap();
    p.send_line("new-secret-1").unwrap();
    p.exp_string("The same password again:").unwrap();
    p.send_line("new-secret-1").unwrap();
    p.exp_string("Recovery codes").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Secret notes").unwrap();
    p.send_line("").unwrap();
    assert!(ended(p).ends_with(", 0)"));
    let shown = env.ok(&["--register", reg, "account", "reveal", "wordpress", "--identity", key, "--out", "w.txt"]);
    assert!(shown.code == 0);
    assert!(std::fs::read_to_string(env.path().join("w.txt")).unwrap().contains("new-secret-1"));
    // Every step at once: named, then asked.
    let before = env.ok(&["--register", reg, "account", "show", "wordpress", "--json"]).stdout;
    let mut p = on_terminal(&env, &["--register", reg, "account", "rotate-done", "wordpress", "--what", "all"]);
    p.exp_string("see the current password").unwrap();
    p.exp_string("Is every one of them done at the service?").unwrap();
    p.send_line("no").unwrap();
    p.exp_string("nothing was recorded").unwrap();
    assert!(ended(p).ends_with(", 2)"));
    assert_eq!(env.ok(&["--register", reg, "account", "show", "wordpress", "--json"]).stdout, before);
}

/// A folder typed at `receive`'s question as `~/…` is in the home folder, as a shell reads it; no
/// folder named `~` is made.
#[test]
fn a_folder_typed_with_a_tilde_is_in_the_home_folder() {
    let (env, demo) = crate::group::ready_group();
    let bundle = crate::group::bundle(&env, &demo, "out").display().to_string();
    let from = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    let mut p = on_terminal(&env, &["receive", &bundle, "--from", &from, "--approver", &dp]);
    p.exp_string("Is it the same? Type yes or no:").unwrap();
    p.send_line("yes").unwrap();
    p.exp_string("Your name").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Where should your group's register be kept?").unwrap();
    p.send_line("~/Documents/kscop").unwrap();
    p.exp_string("Send these two files back").unwrap();
    assert!(ended(p).ends_with(", 0)"));
    // The tests' HOME is their own folder.
    assert!(env.path().join("Documents/kscop/register.db").is_file());
    assert!(!env.path().join("~").exists(), "no folder named ~");
}

/// A mistyped passphrase is asked again (three tries in all), not a start-again.
#[test]
fn a_mistyped_passphrase_is_asked_again() {
    let env = TestEnv::new();
    let mut p = on_terminal(&env, &["keys", "new", "--out", "k", "--name", "k"]);
    p.exp_string("Passphrase for the new keys:").unwrap();
    p.send_line(PASS).unwrap();
    p.exp_string("gain").unwrap();
    p.send_line(PASS).unwrap();
    assert!(ended(p).ends_with(", 0)"));
    env.write("f.txt", "text");
    let mut p = on_terminal(&env, &["keys", "sign", "f.txt", "--sign-key", "k/k-minisign.key"]);
    p.exp_string("Passphrase for").unwrap();
    p.send_line("not it").unwrap();
    p.exp_string("try again").unwrap();
    p.exp_string("Passphrase for").unwrap();
    p.send_line(PASS).unwrap();
    assert!(ended(p).ends_with(", 0)"));
    assert!(env.path().join("f.txt.minisig").is_file());
}

/// A local user who can write to the bundle's folder swaps the file while `receive` waits for the
/// data protection lead's fingerprint, after every check: bytes written into the file are caught
/// (nothing is imported); a file renamed over it changes nothing (the file opened and verified is
/// the one imported).
#[test]
fn a_bundle_swapped_while_receive_waits_is_not_what_is_imported() {
    let (env, demo) = crate::group::ready_group();
    let genuine = crate::group::bundle(&env, &demo, "out");
    let from = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let genuine_id = env.ok(&["bundle", "verify", genuine.to_str().unwrap(), "--signer", &from, "--json"]).json();
    // Someone else's bundle to the same group, signed by a key the group never checked.
    let other = env.path().join("other");
    env.ok(&["demo", "--out", other.to_str().unwrap()]);
    let forged = crate::group::bundle(&env, &other, "forged");
    let forged_bytes = std::fs::read(&forged).unwrap();
    let genuine_bytes = std::fs::read(&genuine).unwrap();
    let sig = |p: &std::path::Path| p.with_file_name(format!("{}.minisig", p.file_name().unwrap().to_str().unwrap()));
    let file = genuine.display().to_string();
    // Waits at the approver's fingerprint, having checked the bundle; `swap` runs there.
    let run = |into: &str, swap: &dyn Fn()| {
        let mut p = on_terminal(&env, &["receive", &file, "--from", &from, "--into", into]);
        p.exp_string("Is it the same? Type yes or no:").unwrap();
        p.send_line("yes").unwrap();
        p.exp_string("Your name, as your register's log should record what you do").unwrap();
        p.send_line("").unwrap();
        p.exp_string("The plan was approved by dp-lead").unwrap();
        p.exp_string("Is it the same? Type yes or no:").unwrap();
        swap();
        p.send_line("yes").unwrap();
        let out = p.exp_eof().unwrap();
        (out, format!("{:?}", p.process().wait().expect("wait")))
    };

    // Written into the same file: the bytes read to import are not the ones verified.
    let (out, status) = run("g1/register.db", &|| std::fs::write(&genuine, &forged_bytes).unwrap());
    assert!(status.ends_with(", 2)"), "{status}: {out}");
    assert!(out.contains("changed while it was being read"), "{out}");
    assert!(!env.path().join("g1/register.db").exists(), "nothing was imported: {out}");

    // Renamed over it, signature too: the file opened is the one imported.
    std::fs::write(&genuine, &genuine_bytes).unwrap();
    let (out, status) = run("g2/register.db", &|| {
        std::fs::rename(&forged, &genuine).unwrap();
        std::fs::rename(sig(&forged), sig(&genuine)).unwrap();
    });
    assert!(status.ends_with(", 0)"), "{status}: {out}");
    let id = genuine_id["data"]["bundle_id"].as_str().unwrap();
    let received = env.ok(&["--register", "g2/register.db", "transfer", "list", "--json"]).stdout;
    assert!(received.contains(id), "the genuine bundle was imported: {received}");
    let forged_id = env
        .ok(&[
            "bundle",
            "verify",
            &file,
            "--signer",
            other.join("keys/facilitator-minisign.pub").to_str().unwrap(),
            "--json",
        ])
        .json();
    let forged_id = forged_id["data"]["bundle_id"].as_str().unwrap();
    assert!(!received.contains(forged_id), "{received}");
}

/// The age identity `keys new` locks with the passphrase is age's own passphrase-encrypted
/// identity file: Debian's `age -d -i` opens it with that passphrase.
#[test]
fn the_locked_age_identity_opens_in_age_itself() {
    let env = TestEnv::new();
    let made =
        env.command(&["keys", "new", "--out", "k", "--name", "k"]).env("HANDOVER_PASSPHRASE", PASS).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let recipient = std::fs::read_to_string(env.path().join("k/k-age.pub")).unwrap();
    let enc = crate::util::tool("age")
        .args(["-r", recipient.trim(), "-o"])
        .arg(env.path().join("m.age"))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"a message for the group\n")?;
            c.wait()
        })
        .unwrap();
    assert!(enc.success());
    let mut c = crate::util::tool("age");
    c.current_dir(env.path()).args(["-d", "-i", "k/k-age.key", "m.age"]);
    let mut p = spawn_command(c, Some(60_000)).expect("start age on a pseudo-terminal");
    p.exp_string("passphrase").unwrap();
    p.send_line(PASS).unwrap();
    p.exp_string("a message for the group").unwrap();
    assert!(ended(p).ends_with(", 0)"));
}

/// The group's first month as a new volunteer lives it: a fresh home folder, `keys new --name`,
/// `receive` into a `~` folder, then every command `next` names, run as printed (on a terminal
/// where it asks something), the volunteer doing only what a step asks of them (filling in the
/// notice, the dates sent, a co-member's key), until `next` has nothing left.
#[test]
fn the_first_month_runs_as_next_says_until_nothing_is_left() {
    let env = TestEnv::new();
    let demo = env.path().join("demo");
    env.ok(&["demo", "--out", demo.to_str().unwrap()]);
    let typed = [("HANDOVER_PASSPHRASE", PASS)];
    let user = |args: &[&str]| {
        let r = env.run_user_with(args, &typed);
        assert_eq!(r.code, 0, "handover {args:?}:\n{}{}", r.stdout, r.stderr);
        r
    };
    // No keys, no register: `next` says how to begin.
    let begin = user(&["next", "--json"]).json();
    assert_eq!(begin["data"]["steps"][0]["command"], "handover keys new", "{begin}");
    user(&["keys", "new", "--name", "sam"]);
    let public = env.path().join("handover-public-keys");
    std::fs::create_dir_all(env.path().join("group")).unwrap();
    std::fs::copy(public.join("sam-age.pub"), env.path().join("group/group-age.pub")).unwrap();
    let bundle = crate::group::bundle(&env, &demo, "out").display().to_string();
    let from = demo.join("keys/facilitator-minisign.pub").display().to_string();
    let dp = demo.join("keys/dp-lead-minisign.pub").display().to_string();
    user(&["receive", &bundle, "--from", &from, "--approver", &dp, "--into", "~/Documents/kscop/register.db"]);
    let folder = env.path().join("Documents/kscop");
    assert!(folder.join("register.db").is_file(), "the ~ folder is in the home folder");
    assert!(!env.path().join("~").exists());
    // A co-member's key, sent to the volunteer.
    env.ok(&["keys", "new", "--out", "co-chair", "--name", "co-chair", "--unprotected"]);

    let brackets = regex::Regex::new(r"\[[^\]]*\]").unwrap();
    let mut done: Vec<String> = Vec::new();
    for _ in 0..6 {
        let next = user(&["next", "--json"]).json();
        crate::hints::assert_next_commands_parse(&next);
        let steps = next["data"]["steps"].as_array().unwrap().clone();
        if steps.is_empty() {
            break;
        }
        let fresh: Vec<String> =
            steps.iter().map(|s| s["command"].as_str().unwrap().to_string()).filter(|c| !done.contains(c)).collect();
        assert!(!fresh.is_empty(), "next repeats steps already done: {next}");
        for command in fresh {
            let words: Vec<String> = command.split_whitespace().skip(1).map(String::from).collect();
            let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
            match (args[0], args[1]) {
                ("account", "reveal") => {
                    let mut c = env.command(&args);
                    c.env_remove("HANDOVER_REGISTER").env("HANDOVER_PASSPHRASE", PASS);
                    let mut p = spawn_command(c, Some(60_000)).unwrap();
                    p.exp_string("demo-only-password-7f3a").unwrap();
                    assert!(ended(p).ends_with(", 0)"), "{command}");
                }
                ("account", "update-secret") => {
                    let mut c = env.command(&args);
                    c.env_remove("HANDOVER_REGISTER").env("HANDOVER_PASSPHRASE", PASS);
                    let mut p = spawn_command(c, Some(60_000)).unwrap();
                    p.exp_string("Password:").unwrap();
                    p.send_line("the-group's-own-password").unwrap();
                    p.exp_string("The same password again:").unwrap();
                    p.send_line("the-group's-own-password").unwrap();
                    p.exp_string("Recovery codes").unwrap();
                    p.send_line("").unwrap();
                    p.exp_string("Secret notes").unwrap();
                    p.send_line("").unwrap();
                    assert!(ended(p).ends_with(", 0)"), "{command}");
                }
                ("notice", "template") => {
                    let r = user(&args);
                    // The volunteer fills in what is in [square brackets] in both.
                    for f in ["privacy-notice.txt", "privacy-notice-easy-read.txt"] {
                        let text = std::fs::read_to_string(env.path().join(f)).unwrap();
                        let filled = brackets.replace_all(&text, "(filled in)");
                        std::fs::write(env.path().join(f), filled.as_bytes()).unwrap();
                    }
                    // The easy-read one is stored as the template's own output says.
                    let easy = r.stdout.lines().find(|l| l.contains("--format easy_read")).unwrap().trim().to_string();
                    done.push(easy);
                }
                ("notice", "add") => {
                    user(&args);
                    let easy = done.iter().find(|c| c.contains("--format easy_read")).cloned().unwrap();
                    let words: Vec<&str> = easy.split_whitespace().skip(1).collect();
                    user(&words);
                }
                ("notice", "send-list") => {
                    user(&args);
                    // Sent by email that day: the volunteer fills in sent_at, as a UK date.
                    let path = env.path().join("send-list.csv");
                    let text = std::fs::read_to_string(&path).unwrap();
                    let mut lines = text.lines();
                    let header = lines.next().unwrap();
                    let at = header.split(',').position(|h| h == "sent_at").unwrap();
                    let mut out = format!("{header}\n");
                    for l in lines {
                        let mut cells: Vec<&str> = l.split(',').collect();
                        cells[at] = "25/11/2026";
                        out.push_str(&cells.join(","));
                        out.push('\n');
                    }
                    std::fs::write(&path, out).unwrap();
                }
                ("custodian", "add") => {
                    let key = env.path().join("co-chair/co-chair-age.pub").display().to_string();
                    args[2] = key.as_str();
                    user(&args);
                }
                _ => {
                    user(&args);
                }
            }
            done.push(command);
        }
    }
    let last = user(&["next"]);
    assert!(last.stdout.contains("Nothing is due"), "{}", last.stdout);
    let kinds: Vec<&str> = done.iter().filter_map(|c| c.split_whitespace().nth(1)).collect();
    for k in ["account", "notice", "tasks", "custodian", "transfer"] {
        assert!(kinds.contains(&k), "a {k} step was named and done: {done:?}");
    }
    assert!(done.iter().any(|c| c.contains("transfer complete")), "{done:?}");
    assert!(folder.read_dir().unwrap().flatten().any(|e| e.file_name().to_string_lossy().ends_with(".complete.json")));
    // Nothing done on the way is undone by the weekly sync: no renewal of the disclosure made.
    user(&["tasks", "sync"]);
    let tasks = user(&["tasks", "list", "--json"]).stdout;
    assert!(!tasks.contains("disclose_to_successor"), "{tasks}");
    // The group's own newsletter consents are renewed; a renewal marked done stays done.
    let tasks: serde_json::Value = serde_json::from_str(&tasks).unwrap();
    let renew = tasks["data"].as_array().unwrap().iter().find(|t| t["kind"] == "consent_refresh").unwrap().clone();
    assert!(renew["title"].as_str().unwrap().contains("\"Our own email newsletter\""), "{renew}");
    user(&["tasks", "done", renew["id"].as_str().unwrap()]);
    user(&["tasks", "sync"]);
    let open = user(&["tasks", "list", "--json"]).json();
    assert!(!open["data"].as_array().unwrap().iter().any(|t| t["kind"] == "consent_refresh"), "{open}");
}
