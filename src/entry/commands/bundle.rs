//! `handover bundle create`.

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::base::keys::{self, SigningKey};
use crate::domain::model::{fmt_ts, slugify};
use crate::entry::cli::BundleCmd;
use crate::entry::output::Outcome;
use crate::register::{setting, transfers};
use crate::transfer::plan::{self, Request};

/// Run a bundle subcommand.
pub fn run(ctx: &Ctx, cmd: BundleCmd) -> Result<Outcome> {
    let (to, recipients, recipients_file, sign_key, out, identity, dry_run, passphrase_copy, passphrase_out) = match cmd
    {
        BundleCmd::Create {
            to,
            recipients,
            recipients_file,
            sign_key,
            out,
            identity,
            dry_run,
            passphrase_copy,
            passphrase_out,
        } => {
            // The passphrase is a secret: shown only on a terminal, or written to a new owner-only
            // file; never to a log or a pipe. Checked before anything else is done.
            if passphrase_copy && passphrase_out.is_none() && !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                return Err(Error::bad(
                    "--passphrase-copy",
                    "the passphrase is shown only on a terminal; give --passphrase-out FILE to write it to a new owner-only file",
                ));
            }
            if let Some(f) = passphrase_out.as_ref().filter(|f| f.exists()) {
                return Err(Error::io("create", f, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
            }
            (to, recipients, recipients_file, sign_key, out, identity, dry_run, passphrase_copy, passphrase_out)
        }
        BundleCmd::Verify { file, identity, signer, approver, max_expand } => {
            return super::receive::verify(ctx, &file, identity, signer.as_deref(), approver.as_deref(), max_expand);
        }
        BundleCmd::Import {
            file,
            identity,
            signer,
            approver,
            into,
            custodians,
            sign_key,
            first_message,
            max_expand,
        } => {
            let args = super::receive::Inputs {
                file,
                identity,
                signer,
                signer_flag: "--signer",
                approver,
                into: Some(into),
                custodians,
                sign_key,
                first_message,
                max_expand,
            };
            return super::receive::import(ctx, args).map(|(o, _)| o);
        }
    };
    let reg = ctx.open()?;
    let p = plan::make(
        &reg,
        &Request {
            receiver: to.clone(),
            date: super::transfer::plan_date(ctx, None),
            pseudonymise: false,
            defer_file_hashes: true,
        },
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
    let community = setting(&reg, "community")?.unwrap_or_default();
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
    let carried = crate::transfer::carried::read(&reg, &p)?;
    // The approval signed every value: an email or a consent edited since is not approved.
    let values = crate::bundle::write::values_digest(&p, &carried)?;
    if p.approval.as_ref().and_then(|a| a.values_digest.as_deref()) != Some(values.as_str()) {
        return Err(Error::ApprovalStale {
            what: "a person's details, a consent or basis, a mailing-list entry, an account or a document".into(),
        });
    }
    let key = SigningKey::load(&crate::entry::home::sign_key(sign_key, "--sign-key")?)?;
    // Whoever approved the plan does not also send it.
    if p.approval.as_ref().and_then(|a| a.signer_key_id.as_deref()) == Some(key.key_id().as_str()) {
        return Err(Error::bad(
            "--sign-key",
            format!(
                "key {} approved this plan: a bundle is signed with the sender's own key, never the approver's",
                key.key_id()
            ),
        ));
    }
    super::approver::refuse_approver_key(&reg, &key.key_id(), "bundle")?;
    // The sender's own identity opens the account secrets: the flag's, else the keys folder's.
    let identity = identity.or_else(|| crate::entry::home::identity(None, "--identity").ok());
    let ids = match &identity {
        Some(i) => Some(keys::load_identities(i)?),
        None => None,
    };
    std::fs::create_dir_all(&out).map_err(|e| Error::io("create the folder", &out, e))?;
    // The bundle takes the id the approval signed (the plan has no blockers, so it names one not made yet).
    let bundle_id = crate::domain::model::TransferId::from(
        p.approval.as_ref().and_then(|a| a.bundle_id.as_deref()).unwrap_or_default(),
    );
    let passphrase = if passphrase_copy { Some(generate_passphrase()?) } else { None };
    // A passphrase file is written first, so that no copy exists whose passphrase was lost.
    if let (Some(p), Some(f)) = (&passphrase, &passphrase_out) {
        keys::write_new(f, 0o600, format!("{}\n", p.as_str()).as_bytes())?;
    }
    let req = crate::bundle::write::Request {
        carried: &carried,
        passphrase: passphrase.as_ref().map(|p| age::secrecy::SecretString::from(p.to_string())),
        progress: !ctx.style.quiet,
        plan: &p,
        recipients: rs,
        sign_key: &key,
        identity: ids,
        out: &out,
        name,
        bundle_id: bundle_id.to_string(),
        now: ctx.now,
    };
    let record = |created: &crate::bundle::write::Created| -> Result<()> {
        let t = transfers::Transfer {
            id: bundle_id.clone(),
            controller: to.clone(),
            name: req.name.clone(),
            state: crate::domain::model::TransferState::Created,
            created_at: fmt_ts(ctx.now),
            plan_digest: p.digest.clone(),
            ciphertext_sha256: created.ciphertext_sha256.clone(),
            signer_key_id: key.key_id(),
            recipients: created.recipients.clone(),
            counts: serde_json::json!({ "register": p.totals.register_included, "mailing_list": p.totals.mailing_list_included, "documents": p.totals.documents_included, "accounts": p.totals.accounts, "register_by_reason": p.totals.register_by_reason, "mailing_list_by_reason": p.totals.mailing_list_by_reason }),
        };
        // A second connection: the plan's reads hold the first.
        let mut w = crate::register::Register::open(&ctx.register, &ctx.actor)?;
        w.change(ctx.now, |c| {
            transfers::insert_transfer(c, &t)?;
            super::approver::note_signed(c, &t.signer_key_id, "bundle")?;
            let went: Vec<(crate::domain::model::PersonId, String)> = p
                .people
                .iter()
                .filter(|x| x.register.decision.included || x.mailing_list.decision.included)
                .map(|x| (x.id.clone(), x.reference.clone()))
                .collect();
            transfers::add_transfer_people(c, &bundle_id, &went)?;
            // The statistical outputs released, with their thresholds (the statistical output log).
            let statistics: Vec<serde_json::Value> = p
                .aggregates
                .iter()
                .map(|a| serde_json::json!({ "name": a.name, "k": a.k, "rounding": a.rounding, "cells": a.cells.len(), "suppressed": a.cells.iter().filter(|c| c.suppressed.is_some()).count(), "withheld": a.withheld }))
                .collect();
            c.audit("bundle.create", &bundle_id, serde_json::json!({ "to": to, "ciphertext_sha256": t.ciphertext_sha256, "recipients": t.recipients, "counts": t.counts, "statistics": statistics }))
        })
    };
    let not_carried = carried.suppression_not_carried;
    let created = match crate::bundle::write::create(&req, record) {
        Ok(c) => c,
        Err(e) => {
            if let Some(f) = &passphrase_out {
                let _ = std::fs::remove_file(f);
            }
            return Err(e);
        }
    };
    let text = format!(
        "wrote {}\n  signature {}\n  transfer record {} (+ .minisig)\nencrypted to {} recipient(s): {}\n",
        created.bundle,
        created.signature,
        created.transfer_record,
        created.recipients.len(),
        created.recipients.join(", ")
    );
    if let (Some(p), Some(copy), None) = (&passphrase, &created.passphrase_copy, &passphrase_out) {
        // Shown once, on the terminal's error stream: never in JSON, never stored.
        eprintln!(
            "passphrase for {copy} (shown once; not stored anywhere; send it by phone or post, never with the file):\n  {}",
            p.as_str()
        );
    }
    let mut o = Outcome::new("bundle_created", created, text);
    if not_carried > 0 {
        o = o.note(format!(
            "{not_carried} suppression entr(y/ies) inherited from a bundle of an older version hold only a hash and could not be passed on"
        ));
    }
    Ok(o)
}

/// A passphrase of 32 characters from a 32-letter alphabet without look-alikes (160 bits), in
/// groups of four to read aloud.
fn generate_passphrase() -> Result<zeroize::Zeroizing<String>> {
    const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz023456789";
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut bytes[..]).map_err(|e| Error::NoRandomSource { why: e.to_string() })?;
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[(*b & 31) as usize] as char).collect();
    Ok(zeroize::Zeroizing::new(chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")))
}
