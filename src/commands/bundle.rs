//! `handover bundle create`.

use crate::Ctx;
use crate::bundle::receive::Received;
use crate::cli::BundleCmd;
use crate::error::{Error, Result};
use crate::keys::{self, SigningKey};
use crate::model::{fmt_ts, slugify};
use crate::output::Outcome;
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
        BundleCmd::Verify { file, identity, signer, max_expand } => {
            return verify(ctx, &file, &identity, &signer, max_expand);
        }
        BundleCmd::Import { file, identity, signer, into, custodians, sign_key, first_message, max_expand } => {
            let args = ImportArgs {
                file: &file,
                identity: &identity,
                signer: &signer,
                into: &into,
                custodians: &custodians,
                sign_key: &sign_key,
                first_message,
                max_expand,
            };
            return import(ctx, &args);
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
    let key = SigningKey::load(&sign_key)?;
    let ids = match &identity {
        Some(i) => Some(keys::load_identities(i)?),
        None => None,
    };
    std::fs::create_dir_all(&out).map_err(|e| Error::io("create the folder", &out, e))?;
    let bundle_id = crate::model::TransferId::new();
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
            state: crate::model::TransferState::Created,
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
            let went: Vec<(crate::model::PersonId, String)> = p
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

/// The usual mistakes with a bundle's inputs, named for what they are before anything is opened:
/// the transfer record or the signature given as the bundle, the signature not beside it, and the
/// receiver's own signing key given as the signer (`own`: its public key, when known).
fn usual_mistakes(
    file: &std::path::Path,
    identity: &std::path::Path,
    signer: &minisign::PublicKey,
    own: Option<&minisign::PublicKey>,
) -> Result<()> {
    let name = file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let beside = |what: &str| file.with_file_name(what).display().to_string();
    if name.ends_with(".transfer.json") || name.ends_with(".transfer.json.minisig") {
        let bundle = name.split(".transfer.json").next().unwrap_or_default();
        return Err(Error::bad(
            "FILE",
            format!(
                "this is the transfer record for the data protection lead, not the bundle: give {}",
                beside(&format!("{bundle}.zip.age"))
            ),
        ));
    }
    if let Some(bundle) = name.strip_suffix(".minisig") {
        return Err(Error::bad(
            "FILE",
            format!(
                "this is the bundle's signature, not the bundle: give {} (the signature stays beside it)",
                beside(bundle)
            ),
        ));
    }
    if !file.is_file() {
        return Err(Error::io("read", file, std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    let sig = beside(&format!("{name}.minisig"));
    if !std::path::Path::new(&sig).is_file() {
        return Err(Error::bad(
            "FILE",
            format!(
                "the signature {sig} is not beside the bundle: save the .minisig file the sender sent in the same folder, under that name, and run this again"
            ),
        ));
    }
    // Your own key: the minisign public key beside your age identity (the same label), or the one
    // this import signs its receipt with.
    let stem = identity.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let own_beside = stem
        .strip_suffix("-age.key")
        .map(|label| identity.with_file_name(format!("{label}-minisign.pub")))
        .and_then(|p| keys::load_public_key(&p.display().to_string()).ok());
    if own.into_iter().chain(own_beside.as_ref()).any(|o| o.keynum() == signer.keynum()) {
        return Err(Error::bad(
            "--signer",
            "this is your own signing key: use the sender's public key (the fingerprint you checked with them by phone)",
        ));
    }
    Ok(())
}

fn verify(
    ctx: &Ctx,
    file: &std::path::Path,
    identity: &std::path::Path,
    signer: &str,
    max_expand: u64,
) -> Result<Outcome> {
    let pk = keys::load_public_key(signer)?;
    let ids = keys::load_identities(identity)?;
    usual_mistakes(file, identity, &pk, None)?;
    let v = crate::bundle::read::verify(file, &ids, &pk, !ctx.style.quiet, max_expand);
    if v.valid {
        let text = format!(
            "VALID bundle {} from {} to {}: outer signature, decryption, zip, inner signature, {} files ({} bytes), schemas and rules all check\n  approved by {} (key {}): the approval covers every value it carries\n",
            v.bundle_id.as_deref().unwrap_or("?"),
            v.from.as_deref().unwrap_or("?"),
            v.to.as_deref().unwrap_or("?"),
            v.files,
            v.payload_bytes,
            v.approved_by.as_deref().unwrap_or("?"),
            v.approver_key_id.as_deref().unwrap_or("?"),
        );
        return Ok(Outcome::new("bundle_verify", v, text));
    }
    Ok(failed(
        v,
        "INVALID bundle",
        "do not import it; ask the sender for a new bundle, and check the signer's fingerprint with them by phone",
    ))
}

/// A bundle that failed a layer: which layer, where and why (exit 1).
fn failed(v: crate::bundle::read::Verification, head: &str, note: &str) -> Outcome {
    let text = format!(
        "{head}: {} failed{}: {}\n",
        v.layer.map_or("?", crate::model::VerifyLayer::as_str),
        v.file.as_ref().map(|f| format!(" at {f}")).unwrap_or_default(),
        v.why.as_deref().unwrap_or("")
    );
    let mut o = Outcome::new("bundle_verify", v, text);
    o.exit = crate::exit::ExitCode::CheckFailed;
    o.note(note)
}

struct ImportArgs<'a> {
    file: &'a std::path::Path,
    identity: &'a std::path::Path,
    signer: &'a str,
    into: &'a std::path::Path,
    custodians: &'a [String],
    sign_key: &'a std::path::Path,
    first_message: Option<chrono::NaiveDate>,
    max_expand: u64,
}

fn import(ctx: &Ctx, a: &ImportArgs<'_>) -> Result<Outcome> {
    let signer = keys::load_public_key(a.signer)?;
    let identities = keys::load_identities(a.identity)?;
    let own = keys::load_public_key(
        &a.sign_key
            .with_file_name(
                a.sign_key.file_name().map(|n| n.to_string_lossy().replace(".key", ".pub")).unwrap_or_default(),
            )
            .display()
            .to_string(),
    )
    .ok();
    usual_mistakes(a.file, a.identity, &signer, own.as_ref())?;
    let key = SigningKey::load(a.sign_key)?;
    let custodians = a.custodians.iter().map(|c| keys::recipient_arg(c, "--custodian")).collect::<Result<Vec<_>>>()?;
    let received = crate::bundle::receive::receive(&crate::bundle::receive::Request {
        file: a.file,
        identities: &identities,
        signer: &signer,
        into: a.into,
        custodians: &custodians,
        key: &key,
        first_message: a.first_message,
        actor: &ctx.actor,
        now: ctx.now,
        progress: !ctx.style.quiet,
        max_expand: a.max_expand,
    })?;
    let (imported, receipt, leftovers) = match received {
        Received::Imported { imported, receipt, leftovers_removed } => (imported, receipt, leftovers_removed),
        Received::Refused(v) => {
            return Ok(failed(v, "NOT imported", "nothing was written; ask the sender for a new bundle"));
        }
    };
    let text = format!(
        "{} bundle {} from {} into {}: {} people ({} already known), {} consent events, {} account(s), {} document(s) in {}\n\
         tasks: your privacy notice to everyone received (Art 14, due within a month) and {} account rotation(s): see `handover --register {} tasks list`\n\
         receipt to send back: {} (+ .minisig)\n",
        if imported.merged { "merged" } else { "imported" },
        imported.bundle_id,
        imported.from,
        imported.register,
        imported.people,
        imported.matched_people,
        imported.consent_events,
        imported.accounts,
        imported.documents,
        imported.documents_folder,
        imported.accounts,
        imported.register,
        receipt.display()
    );
    let mut text = text;
    if !imported.skipped.is_empty() {
        let why: Vec<String> = imported.skipped.iter().map(|(k, n)| format!("{n} {}", k.replace('_', " "))).collect();
        text.push_str(&format!("not taken: {} (see `--json` for what each means)\n", why.join(", ")));
    }
    let o = Outcome::new("bundle_import", imported, text);
    Ok(if leftovers > 0 {
        o.note(format!("removed {leftovers} temporary file(s) an earlier import left when it was stopped"))
    } else {
        o
    })
}
