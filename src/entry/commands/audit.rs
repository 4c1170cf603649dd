//! `handover audit ...`.

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::Result;
use crate::entry::cli::AuditCmd;
use crate::entry::exit::ExitCode;
use crate::entry::output::Outcome;
use crate::register::audit;

fn verify(
    reg: &crate::register::Register,
    checkpoint: Option<&std::path::Path>,
    signer: Option<&str>,
) -> Result<Outcome> {
    let v = audit::verify(reg)?;
    let (size, root) = audit::tree_head(reg)?;
    let mut data = serde_json::json!({
        "valid": v.broken.is_none(),
        "entries": v.entries,
        "head": v.head,
        "root": hex::encode(root),
        "first_broken": v.broken.as_ref().map(|(seq, why)| serde_json::json!({ "seq": seq, "why": why })),
        "checkpoint": null,
    });
    let mut text = match &v.broken {
        None => format!("audit log intact: {} entries, Merkle root {}\n", size, hex::encode(root)),
        Some((seq, why)) => format!("audit log BROKEN at entry {seq}: {why}\n"),
    };
    // Every evidence row is read as the tool reads it: a value it cannot read is listed here
    // (commands that need it stop on it).
    let unreadable = crate::register::evidence::unreadable(reg)?;
    for u in &unreadable {
        text.push_str(&format!(
            "cannot read {} row {}, column {}: {}\n",
            u.table.replace('_', " "),
            u.row,
            u.column,
            u.why
        ));
    }
    data["unreadable"] =
        serde_json::to_value(&unreadable).map_err(|e| crate::base::error::Error::Internal(e.to_string()))?;
    let mut ok = v.broken.is_none() && unreadable.is_empty();
    data["valid"] = ok.into();
    // What failed decides what to say: a broken chain, a checkpoint the log no longer extends
    // (entries it vouched for were changed), or only a checkpoint signed by someone else.
    let mut advice: Option<&str> = v.broken.as_ref().map(|_| {
        "the register was changed outside handover; restore it from a backup and report this to your data protection lead"
    });
    if !unreadable.is_empty() {
        advice = advice.or(Some(
            "the register holds values handover did not write (restored from another tool, damaged, or edited outside handover): restore it from a backup with `handover register restore`, or have each row listed repaired; commands that need these rows stop until then",
        ));
    }
    if let Some(path) = checkpoint {
        let note = std::fs::read_to_string(path).map_err(|e| crate::base::error::Error::io("read", path, e))?;
        let cp = audit::parse_checkpoint(&note).ok_or_else(|| {
            crate::base::error::Error::bad(
                "--checkpoint",
                format!("{} is not a checkpoint (origin, size, root; signature)", path.display()),
            )
        })?;
        let signature = match signer {
            None => "not checked",
            Some(s) => {
                let pk = crate::base::keys::load_public_key(s)?;
                let name = note
                    .split_once("\n\n")
                    .and_then(|(_, sigs)| sigs.lines().next())
                    .and_then(|l| l.strip_prefix("\u{2014} "))
                    .and_then(|l| l.split_once(' '))
                    .map(|(n, _)| n.to_string())
                    .unwrap_or_default();
                if crate::base::checkpoint::verify(&note, &name, &crate::base::keys::ed25519_public(&pk)).is_some() {
                    "verified"
                } else {
                    "bad"
                }
            }
        };
        let e = audit::extends(reg, &cp)?;
        let own_origin = audit::origin(&crate::register::catalogue::self_controller(reg)?.slug);
        if signature == "bad" {
            ok = false;
            text.push_str(&format!("checkpoint {}: its signature is not by the given key\n", path.display()));
            advice = advice.or(Some(
                "the checkpoint is signed by a different key: give --signer the public key of whoever made it (the data protection lead's, or the group's for a cosigned receipt), and compare its fingerprint with `handover keys show`",
            ));
        } else if cp.origin != own_origin {
            ok = false;
            text.push_str(&format!("checkpoint {} is of another register ({})\n", path.display(), cp.origin));
            advice = advice.or(Some("this checkpoint was made for another register: check it against that register"));
        } else if e.extends {
            text.push_str(&format!(
                "the log extends the checkpoint of {} entries unchanged (consistency proof of {} hashes checks; signature {signature})\n",
                e.checkpoint_size,
                e.proof.len()
            ));
        } else {
            ok = false;
            text.push_str(&format!("checkpoint {} NOT matched: {}\n", path.display(), e.why.as_deref().unwrap_or("")));
            advice = advice.or(Some(
                "entries it vouched for were changed or removed since the checkpoint (changed outside handover, or a register restored from an older copy): report this to your data protection lead, and compare with your backups",
            ));
        }
        data["checkpoint"] = serde_json::json!({ "path": path.display().to_string(), "origin": cp.origin, "signature": signature, "extends": e.extends, "checkpoint_size": e.checkpoint_size, "checkpoint_root": e.checkpoint_root, "log_size": e.log_size, "log_root": e.log_root, "proof": e.proof, "why": e.why });
        data["valid"] = ok.into();
    }
    let mut o = Outcome::new("audit_verify", data, text);
    if !ok {
        o.exit = ExitCode::CheckFailed;
        if let Some(a) = advice {
            o = o.note(a);
        }
    }
    Ok(o)
}

/// A document in the chosen format: html, json (the same envelope as --json) or text.
fn render<T: serde::Serialize>(
    kind: &str,
    data: &T,
    format: &str,
    html: impl FnOnce() -> String,
    text: impl FnOnce() -> String,
) -> Result<String> {
    Ok(match format {
        "html" => html(),
        "json" => {
            serde_json::to_string_pretty(&serde_json::json!({ "type": kind, "data": data }))
                .map_err(|e| crate::base::error::Error::Internal(e.to_string()))?
                + "\n"
        }
        _ => text(),
    })
}

/// Print the document, or write it to a new file.
fn deliver<T: serde::Serialize>(
    kind: &'static str,
    data: T,
    body: String,
    format: &str,
    out: Option<std::path::PathBuf>,
) -> Result<Outcome> {
    match out {
        Some(path) => {
            super::regfile::atomic_write(&path, body.as_bytes())?;
            let text = format!("{} ({format}) written to {}\n", kind.replace('_', " "), path.display());
            Ok(Outcome::new("file_written", serde_json::json!({ "path": path.display().to_string() }), text))
        }
        None => Ok(Outcome::new(kind, data, body)),
    }
}

/// Run an audit subcommand.
pub fn run(ctx: &Ctx, cmd: AuditCmd) -> Result<Outcome> {
    let reg = ctx.open()?;
    match cmd {
        AuditCmd::Verify { checkpoint, signer } => verify(&reg, checkpoint.as_deref(), signer.as_deref()),
        AuditCmd::Report { to, format, out, detail } => {
            if let Some(t) = &to
                && crate::register::catalogue::controller(&reg, t)?.is_none()
            {
                return Err(crate::base::error::Error::NotFound { kind: "controller", id: t.clone() });
            }
            let r = crate::audit::report::build(&reg, ctx.now, to.as_deref(), detail)?;
            let body = render(
                "audit_report",
                &r,
                &format,
                || crate::audit::report::html(&r),
                || crate::audit::report::text(&r),
            )?;
            deliver("audit_report", r, body, &format, out)
        }
        AuditCmd::Ropa { format, out } => {
            let r = crate::audit::ropa::build(&reg, ctx.now)?;
            let doc = crate::audit::ropa::doc(&r);
            let body = render(
                "ropa",
                &r,
                &format,
                || crate::audit::report::render_html(&doc),
                || crate::audit::report::render_text(&doc),
            )?;
            deliver("ropa", r, body, &format, out)
        }
        AuditCmd::Checkpoint { sign_key, out } => {
            let sign_key = crate::entry::home::sign_key(sign_key, "--sign-key")?;
            let v = audit::verify(&reg)?;
            if let Some((seq, why)) = v.broken {
                return Err(crate::base::error::Error::bad(
                    "audit log",
                    format!("entry {seq} is broken ({why}): a checkpoint would vouch for a damaged log"),
                ));
            }
            if out.exists() {
                return Err(crate::base::error::Error::io(
                    "create",
                    &out,
                    std::io::Error::from(std::io::ErrorKind::AlreadyExists),
                ));
            }
            let own = crate::register::catalogue::self_controller(&reg)?;
            let (size, root) = audit::tree_head(&reg)?;
            // The passphrase is asked last, once everything else was checked.
            let key = crate::base::keys::SigningKey::load(&sign_key)?;
            // The register vouches for its own log: an approver's key never signs it (R27).
            super::approver::refuse_approver_key(&reg, &key.key_id(), "checkpoint")?;
            let (seed, _) = key.ed25519();
            let origin = audit::origin(&own.slug);
            let note = crate::base::checkpoint::sign(
                &crate::base::checkpoint::body(&origin, size as i64, &root),
                &origin,
                &seed,
            );
            crate::base::keys::write_new(&out, 0o644, note.as_bytes())?;
            let mut reg = reg;
            reg.change(ctx.now, |c| {
                super::approver::note_signed(c, &key.key_id(), "checkpoint")?;
                c.audit(
                    "audit.checkpoint",
                    &out.display().to_string(),
                    serde_json::json!({ "size": size, "root": hex::encode(root), "key_id": key.key_id() }),
                )
            })?;
            let data = serde_json::json!({ "path": out.display().to_string(), "origin": audit::origin(&own.slug), "size": size, "root": hex::encode(root), "signer_key_id": key.key_id() });
            let text = format!(
                "checkpoint of {size} entries written to {} (root {}); keep it: `handover audit verify --checkpoint {}` proves later that nothing before it changed\n",
                out.display(),
                hex::encode(root),
                out.display()
            );
            Ok(Outcome::new("audit_checkpoint", data, text))
        }
        AuditCmd::Log => {
            let entries = audit::entries(&reg)?;
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| vec![e.seq.to_string(), e.at.clone(), e.actor.clone(), e.action.clone(), e.subject.clone()])
                .collect();
            let text = table(&["SEQ", "AT", "ACTOR", "ACTION", "SUBJECT"], &rows);
            Ok(Outcome::new("audit_log", entries, text))
        }
    }
}
