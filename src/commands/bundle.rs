//! `handover bundle create`.

use crate::Ctx;
use crate::cli::BundleCmd;
use crate::error::{Error, Result};
use crate::keys::{self, SigningKey};
use crate::model::{fmt_ts, slugify};
use crate::output::Outcome;
use crate::register::{docs, setting};
use crate::transfer::plan::{self, Request};

/// Run a bundle subcommand.
pub fn run(ctx: &Ctx, cmd: BundleCmd) -> Result<Outcome> {
    let (to, recipients, recipients_file, sign_key, out, identity, dry_run) = match cmd {
        BundleCmd::Create { to, recipients, recipients_file, sign_key, out, identity, dry_run } => {
            (to, recipients, recipients_file, sign_key, out, identity, dry_run)
        }
        BundleCmd::Verify { file, identity, signer } => return verify(&file, &identity, &signer),
    };
    let mut reg = ctx.open()?;
    let p = plan::make(
        reg.conn(),
        &Request { receiver: to.clone(), date: super::transfer::plan_date(ctx, None)?, pseudonymise: false },
        ctx.now,
    )?;
    let mut rs: Vec<age::x25519::Recipient> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |r: age::x25519::Recipient| {
        if seen.insert(r.to_string()) {
            rs.push(r);
        }
    };
    for r in &recipients {
        add(keys::recipient_arg(r, "--recipient")?);
    }
    if let Some(f) = &recipients_file {
        let text = std::fs::read_to_string(f).map_err(|e| Error::io("read", f, e))?;
        for (i, l) in
            text.lines().enumerate().map(|(i, l)| (i, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        {
            add(keys::parse_recipient(l)
                .map_err(|_| Error::bad("--recipients-file", format!("line {} is not an age recipient", i + 1)))?);
        }
    }
    if rs.is_empty() {
        return Err(Error::bad("--recipient", "name at least one age recipient of the receiving group"));
    }
    let community = setting(reg.conn(), "community")?.unwrap_or_default();
    let name = format!("{}-{}", slugify(&community), p.date);
    if dry_run {
        let text = format!(
            "dry run, nothing written: {name}.zip.age for {to}, {} register entries, {} mailing-list rows, {} documents, {} accounts, {} recipient(s); blockers: {}\n",
            p.totals.register_included,
            p.totals.mailing_list_included,
            p.totals.documents_included,
            p.totals.accounts,
            rs.len(),
            if p.blockers.is_empty() {
                "none".to_string()
            } else {
                p.blockers.iter().map(|b| b.code).collect::<Vec<_>>().join(", ")
            }
        );
        return Ok(Outcome::new(
            "bundle_dry_run",
            serde_json::json!({ "name": name, "totals": p.totals, "blockers": p.blockers }),
            text,
        ));
    }
    if !p.blockers.is_empty() {
        return Err(Error::Blocked {
            codes: p.blockers.iter().map(|b| b.code.to_string()).collect::<Vec<_>>().join(", "),
        });
    }
    let key = SigningKey::load(&sign_key)?;
    let ids = match &identity {
        Some(i) => Some(keys::load_identities(i)?),
        None => None,
    };
    std::fs::create_dir_all(&out).map_err(|e| Error::io("create the folder", &out, e))?;
    let bundle_id = crate::model::new_id("bdl");
    let req = crate::bundle::write::Request {
        plan: &p,
        recipients: rs,
        sign_key: &key,
        identity: ids,
        out: &out,
        name,
        bundle_id: bundle_id.clone(),
        now: ctx.now,
    };
    let created = crate::bundle::write::create(reg.conn(), &req)?;
    let t = docs::Transfer {
        id: bundle_id.clone(),
        controller: to.clone(),
        name: req.name.clone(),
        state: "created".into(),
        created_at: fmt_ts(ctx.now),
        plan_digest: p.digest.clone(),
        ciphertext_sha256: created.ciphertext_sha256.clone(),
        signer_key_id: key.key_id(),
        recipients: created.recipients.clone(),
        counts: serde_json::json!({ "register": p.totals.register_included, "mailing_list": p.totals.mailing_list_included, "documents": p.totals.documents_included, "accounts": p.totals.accounts }),
    };
    reg.change(ctx.now, |c| {
        docs::insert_transfer(c, &t)?;
        c.audit("bundle.create", &bundle_id, serde_json::json!({ "to": to, "ciphertext_sha256": t.ciphertext_sha256, "recipients": t.recipients, "counts": t.counts }))
    })?;
    let text = format!(
        "wrote {}\n  signature {}\n  transfer record {} (+ .minisig)\nencrypted to {} recipient(s): {}\n",
        created.bundle,
        created.signature,
        created.transfer_record,
        created.recipients.len(),
        created.recipients.join(", ")
    );
    Ok(Outcome::new("bundle_created", created, text))
}

fn verify(file: &std::path::Path, identity: &std::path::Path, signer: &str) -> Result<Outcome> {
    let pk = keys::load_public_key(signer)?;
    let ids = keys::load_identities(identity)?;
    if !file.is_file() {
        return Err(Error::io("read", file, std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    let v = crate::bundle::read::verify(file, &ids, &pk);
    if v.valid {
        let text = format!(
            "VALID bundle {} from {} to {}: outer signature, decryption, zip, inner signature, {} files ({} bytes), schemas and rules all check\n",
            v.bundle_id.as_deref().unwrap_or("?"),
            v.from.as_deref().unwrap_or("?"),
            v.to.as_deref().unwrap_or("?"),
            v.files,
            v.payload_bytes
        );
        return Ok(Outcome::new("bundle_verify", v, text));
    }
    let text = format!(
        "INVALID bundle: {} failed{}: {}\n",
        v.layer.unwrap_or("?"),
        v.file.as_ref().map(|f| format!(" at {f}")).unwrap_or_default(),
        v.why.as_deref().unwrap_or("")
    );
    let mut o = Outcome::new("bundle_verify", v, text);
    o.exit = crate::exit::ExitCode::CheckFailed;
    Ok(o.note(
        "do not import it; ask the sender for a new bundle, and check the signer's fingerprint with them by phone",
    ))
}
