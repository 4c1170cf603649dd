//! `handover keys ...`.

use std::path::PathBuf;

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::base::keys::{self, SigningKey};
use crate::entry::cli::KeysCmd;
use crate::entry::exit::ExitCode;
use crate::entry::output::Outcome;

/// Run a keys subcommand.
pub fn run(ctx: &Ctx, cmd: KeysCmd) -> Result<Outcome> {
    match cmd {
        KeysCmd::New { out, name, unprotected } => {
            let in_keys_folder = out.is_none();
            let out = match out {
                Some(o) => o,
                None => crate::entry::home::make_dir(Some("keys"))?,
            };
            // Everything else is checked before the passphrase is asked.
            keys::check_new(&out, &name)?;
            let pass = if unprotected { None } else { Some(keys::passphrase("the new keys", true)?) };
            let k = keys::generate(&out, &name, pass, ctx.now)?;
            let text = format!(
                "wrote {}, {} (secret: keep them private and backed up)\n\
                 and {}, {} (public: give these to whoever sends you files or checks your signatures)\n\n\
                 encryption (age) recipient: {}\n  fingerprint: {}\n\
                 signing (minisign) public key: {}\n  key id: {}\n  fingerprint: {}\n\n\
                 Read both fingerprints aloud to the other side by phone or in person; they run\n\
                 `handover keys show FILE` on the public files you sent and compare all sixteen characters.\n{}",
                k.age_identity_file,
                k.minisign_secret_key_file,
                k.age_recipient_file,
                k.minisign_public_key_file,
                k.age_recipient,
                k.age_fingerprint,
                k.minisign_public_key,
                k.minisign_key_id,
                k.minisign_fingerprint,
                if k.protected {
                    "Both secret keys are locked with your passphrase: it is asked whenever one is used.\n"
                } else {
                    "The secret keys are NOT passphrase-protected (--unprotected).\n"
                }
            );
            // The keys folder is hidden: the two public files to send are copied where they can be
            // found (and attached to an email).
            let mut text = text;
            if in_keys_folder && let Some(home) = std::env::var_os("HOME").map(std::path::PathBuf::from) {
                let visible = home.join("handover-public-keys");
                std::fs::create_dir_all(&visible).map_err(|e| Error::io("create the folder", &visible, e))?;
                let mut sent = Vec::new();
                for f in [&k.age_recipient_file, &k.minisign_public_key_file] {
                    let from = std::path::Path::new(f);
                    let to = visible.join(from.file_name().unwrap_or_default());
                    if !to.exists() {
                        std::fs::copy(from, &to).map_err(|e| Error::io("copy into", &to, e))?;
                    }
                    sent.push(to.display().to_string());
                }
                text.push_str(&format!(
                    "\nSend these two files (copies, in a folder you can find):\n  {}\n  {}\n",
                    sent[0], sent[1]
                ));
            }
            Ok(Outcome::new("keys_new", k, text))
        }
        KeysCmd::Show { file } => {
            let infos = keys::show(&file)?;
            let mut text = String::new();
            for i in &infos {
                text.push_str(&format!("{}: {}\n", i.kind.replace('_', " "), i.public));
                if let Some(id) = &i.key_id {
                    text.push_str(&format!("  key id: {id}\n"));
                }
                text.push_str(&format!("  fingerprint: {}\n", i.fingerprint));
                if i.protected == Some(false) {
                    text.push_str("  not passphrase-protected\n");
                }
            }
            Ok(Outcome::new("key_list", infos, text))
        }
        KeysCmd::Sign { file, sign_key, trusted_comment } => {
            let sign_key = crate::entry::home::sign_key(sign_key, "--sign-key")?;
            let sig_path = PathBuf::from(format!("{}.minisig", file.display()));
            let data = std::fs::File::open(&file).map_err(|e| Error::io("read", &file, e))?;
            if sig_path.exists() {
                return Err(Error::io("create", &sig_path, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
            }
            let key = SigningKey::load(&sign_key)?;
            let name = crate::records::import::display_name(&file);
            let comment = trusted_comment.unwrap_or_else(|| format!("timestamp:{}\tfile:{name}", ctx.now.timestamp()));
            let sig = key.sign(std::io::BufReader::new(data), &comment)?;
            keys::write_new(&sig_path, 0o644, sig.as_bytes())?;
            let data = serde_json::json!({ "signature": sig_path.display().to_string(), "key_id": key.key_id(), "trusted_comment": comment });
            Ok(Outcome::new("signature", data, format!("wrote {} (key {})\n", sig_path.display(), key.key_id())))
        }
        KeysCmd::Trust { public_key, name, approver_for: Some(sender) } => {
            let pk = keys::load_public_key(&public_key)?;
            let senders = crate::entry::home::trusted()?;
            let s = senders
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(sender.trim()) || t.key_id.eq_ignore_ascii_case(sender.trim()))
                .ok_or_else(|| {
                    Error::bad(
                        "--approver-for",
                        format!("'{sender}' is not one of your trusted senders: trust the sender first (`handover keys trusted` lists them)"),
                    )
                })?;
            let sender_pk = keys::load_public_key(&s.public_key)?;
            let (a, added) = match crate::entry::home::trust_approver(&pk, &name, &sender_pk, ctx.now)? {
                crate::entry::home::Trust::Added(a) => (a, true),
                crate::entry::home::Trust::Already(a) => (a, false),
            };
            let text = format!(
                "{} {} (key {}, fingerprint {}) as {}'s approver: their bundles' approvals must be signed by it\n",
                if added { "trusted" } else { "already trusted" },
                a.name,
                a.key_id,
                a.fingerprint,
                s.name
            );
            Ok(Outcome::new("trusted_approver", a, text))
        }
        KeysCmd::Trust { public_key, name, approver_for: None } => {
            let pk = keys::load_public_key(&public_key)?;
            let (t, added) = match crate::entry::home::trust(&pk, &name, ctx.now)? {
                crate::entry::home::Trust::Added(t) => (t, true),
                crate::entry::home::Trust::Already(t) => (t, false),
            };
            let text = if added {
                format!(
                    "trusted {} (key {}, fingerprint {}): their bundles need no --signer or --from
",
                    t.name, t.key_id, t.fingerprint
                )
            } else {
                format!(
                    "already trusted as {} (key {}, fingerprint {})
",
                    t.name, t.key_id, t.fingerprint
                )
            };
            Ok(Outcome::new("trusted_sender", t, text))
        }
        KeysCmd::ExportPublic { out } => {
            let age = crate::entry::home::own_public_file("age.pub", "--identity")?;
            let sign = crate::entry::home::own_public_file("minisign.pub", "--sign-key")?;
            std::fs::create_dir_all(&out).map_err(|e| Error::io("create the folder", &out, e))?;
            let mut copied = Vec::new();
            for from in [age, sign] {
                let to = out.join(from.file_name().unwrap_or_default());
                keys::write_new(&to, 0o644, &std::fs::read(&from).map_err(|e| Error::io("read", &from, e))?)?;
                copied.push(to.display().to_string());
            }
            let text = format!(
                "copied your two public key files, the ones to send:\n  {}\n  {}\n(public: email is fine; then read the fingerprints aloud by phone)\n",
                copied[0], copied[1]
            );
            Ok(Outcome::new("files_written", serde_json::json!({ "files": copied }), text))
        }
        KeysCmd::Trusted => {
            let all = crate::entry::home::trusted()?;
            let mut text = String::new();
            if all.is_empty() {
                text.push_str("no trusted senders yet: `handover keys trust PUBKEY --name NAME` once you have checked a fingerprint
");
            }
            let approvers = crate::entry::home::trusted_approvers()?;
            for t in &all {
                text.push_str(&format!(
                    "{}: key {}, fingerprint {}, since {}
",
                    t.name, t.key_id, t.fingerprint, t.trusted_at
                ));
                for a in approvers.iter().filter(|a| a.approver_for == t.key_id) {
                    text.push_str(&format!(
                        "  approver {}: key {}, fingerprint {}, since {}\n",
                        a.name, a.key_id, a.fingerprint, a.trusted_at
                    ));
                }
            }
            Ok(Outcome::new("trusted_sender_list", all, text))
        }
        KeysCmd::Verify { file, signer, signature } => {
            let pk = keys::load_public_key(&signer)?;
            let sig_path = signature.unwrap_or_else(|| PathBuf::from(format!("{}.minisig", file.display())));
            let sig = crate::base::keys::read_small(&sig_path)?.to_string();
            let data = std::fs::File::open(&file).map_err(|e| Error::io("read", &file, e))?;
            let expected = keys::key_id(pk.keynum());
            match keys::verify(&pk, &sig, std::io::BufReader::new(data)) {
                Ok(comment) => {
                    let data = serde_json::json!({ "valid": true, "key_id": expected, "trusted_comment": comment, "why": null });
                    Ok(Outcome::new(
                        "signature_check",
                        data,
                        format!("valid signature by key {expected}\ntrusted comment: {comment}\n"),
                    ))
                }
                Err(why) => {
                    let data = serde_json::json!({ "valid": false, "key_id": expected, "trusted_comment": null, "why": why.to_string() });
                    let mut o = Outcome::new("signature_check", data, format!("signature REFUSED: {why}\n"));
                    o.exit = ExitCode::CheckFailed;
                    Ok(o.note("do not trust this file; ask the sender to sign it again with the key whose fingerprint you confirmed"))
                }
            }
        }
    }
}
