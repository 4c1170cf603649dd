//! `handover transfer plan|approve`.

use std::fmt::Write as _;

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::domain::model::{TransferState, fmt_ts};
use crate::entry::cli::TransferCmd;
use crate::entry::output::Outcome;
use crate::register::{catalogue, imports, people, transfers};
use crate::transfer::plan::{self, Plan, Request};

/// The date a plan is for: `--at` or today (London).
pub fn plan_date(ctx: &Ctx, at: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    at.unwrap_or_else(|| {
        (ctx.now + chrono::Duration::hours(crate::domain::deadline::london_offset_hours(ctx.now))).date_naive()
    })
}

/// The receiving controller: `--to`, or the only receiving controller there is.
pub fn receiver(conn: &crate::register::Db, to: Option<&str>) -> Result<String> {
    if let Some(t) = to {
        return Ok(t.to_string());
    }
    let others: Vec<_> = catalogue::controllers(conn)?.into_iter().filter(|c| !c.is_self).collect();
    match others.as_slice() {
        [one] => Ok(one.slug.clone()),
        [] => Err(Error::bad("--to", "there is no receiving controller yet: add one with `handover controller add`")),
        _ => Err(Error::bad("--to", "there is more than one receiving controller: name one")),
    }
}

fn text(p: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "transfer plan: {} -> {} ({}), as at the end of {} (Europe/London)",
        p.from, p.receiver.slug, p.receiver.name, p.date
    );
    let _ = writeln!(s, "people in the register: {}", p.totals.people);
    for (label, key, n, by) in [
        (
            "register entries (details, roles, consent history)",
            "register",
            p.totals.register_included,
            &p.totals.register_by_reason,
        ),
        (
            "mailing list (the receiver's own newsletter)",
            "mailing_list",
            p.totals.mailing_list_included,
            &p.totals.mailing_list_by_reason,
        ),
    ] {
        let _ = writeln!(s, "\n{label}: {n} go");
        let mut rows: Vec<(&String, &usize)> = by.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (reason, count) in rows {
            let included = p.people.iter().any(|x| {
                let d = if key == "register" { &x.register.decision } else { &x.mailing_list.decision };
                d.reason == reason && d.included
            });
            let _ = writeln!(s, "  {:>5}  {:<36} {}", count, reason, if included { "goes" } else { "held back" });
        }
        let f = &p.fields[key];
        let _ = writeln!(s, "  fields carried: {}", f.carried.join(", "));
        let _ = writeln!(s, "  fields dropped: {}", f.dropped.join(", "));
    }
    let _ = writeln!(
        s,
        "\nspecial category: {} field(s) stripped or generalised for included people; {} special-category record(s) go (explicit consent names the receiver)",
        p.totals.fields_stripped, p.totals.special_category_records_included
    );
    if !p.reviews.is_empty() {
        let _ = writeln!(s, "\nreviews in force (the latest per person and reason):");
        for r in &p.reviews {
            let _ = writeln!(
                s,
                "  {}  {:<10} {:<22} {:<5} by {}{}: {}",
                &r.at[..10],
                r.person_ref,
                r.reason,
                r.decision,
                r.by,
                r.signer_key_id.as_ref().map_or_else(String::new, |k| format!(" (signed {k})")),
                r.note
            );
        }
    }
    let _ = writeln!(s, "\ndocuments: {} of {} go", p.totals.documents_included, p.documents.len());
    for d in &p.documents {
        let n: usize = d.redactions.values().sum();
        let _ =
            writeln!(s, "  {}  {:<28} {:<9} {:<20} {} redaction(s)", d.id, d.file_name, d.classification, d.state, n);
    }
    let _ = writeln!(s, "\naccounts: {} (the receiver gets a rotation task for each)", p.accounts.len());
    for a in &p.accounts {
        let _ = writeln!(s, "  {}  {:<15} {}  ({})", a.id, a.service, a.url, a.access);
        for f in &a.recovery_flags {
            let _ = writeln!(s, "    ! {f}");
        }
    }
    let _ = writeln!(s, "\naggregates (k = {}; counts rounded to 5):", p.aggregates.first().map_or(10, |t| t.k));
    for t in &p.aggregates {
        match &t.withheld {
            Some(w) => {
                let _ = writeln!(s, "  {}: withheld ({w})", t.name);
            }
            None => {
                let cells: Vec<String> = t
                    .cells
                    .iter()
                    .map(|c| format!("{} {}", c.category, c.count.map_or("*".to_string(), |n| n.to_string())))
                    .collect();
                let _ = writeln!(s, "  {} (total {}): {}", t.name, t.total.unwrap_or(0), cells.join(", "));
            }
        }
    }
    if p.blockers.is_empty() {
        let _ = writeln!(s, "\nno blockers: a bundle may be made from this plan");
    } else {
        let _ = writeln!(s, "\nblockers ({}): no bundle until these are resolved", p.blockers.len());
        for b in &p.blockers {
            let _ = writeln!(s, "  - {}: {}", b.code, b.message);
        }
    }
    let _ = writeln!(s, "\nplan digest: {}", p.digest);
    if let Some(a) = &p.approval {
        let _ = writeln!(
            s,
            "last approval: by {} at {}{}",
            a.approver,
            a.approved_at,
            if a.digest == p.digest { " (this plan)" } else { " (an earlier plan)" }
        );
    }
    s
}

/// Run a transfer subcommand.
pub fn run(ctx: &Ctx, cmd: TransferCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        TransferCmd::Plan { to, at, explain: who, pseudonymise } => {
            let req = Request { receiver: to, date: plan_date(ctx, at), pseudonymise, defer_file_hashes: false };
            let p = plan::make(&reg, &req)?;
            if let Some(who) = who {
                let (t, considered) = plan::explain::explain(&reg, &p, &who)?;
                let person = people::person_required(&reg, &who)?;
                let mut data = serde_json::to_value(p.people.iter().find(|x| person.id == x.id)).unwrap_or_default();
                data["considered"] = serde_json::Value::Array(considered);
                return Ok(Outcome::new("transfer_explain", data, t));
            }
            let t = text(&p);
            Ok(Outcome::owned("transfer_plan", p, t))
        }
        TransferCmd::Confirm { receipt: None, statement: Some(statement), signer } => {
            confirm_statement(ctx, &mut reg, &statement, &signer)
        }
        TransferCmd::Confirm { receipt: None, statement: None, .. } => {
            Err(Error::bad("--receipt", "give --receipt FILE or --statement FILE"))
        }
        TransferCmd::Complete { bundle, sign_key, out } => {
            let out = out.unwrap_or_else(|| {
                ctx.register.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| ".".into(), Into::into)
            });
            complete(ctx, &mut reg, &bundle, &crate::entry::home::sign_key(sign_key, "--sign-key")?, &out)
        }
        TransferCmd::Confirm { receipt: Some(receipt), statement: _, signer } => {
            let (t, r) = crate::transfer::lifecycle::check_receipt(&reg, &receipt, &signer)?;
            let id = t.id.to_string();
            let received_at = r["received_at"].as_str().unwrap_or_default().to_string();
            let Some(next) = t.state.on_receipt() else {
                // A receipt that comes after the rotation statement is still recorded.
                let new = reg.change(ctx.now, |c| {
                    let new = transfers::set_receipt_at(c, &id, &received_at)?;
                    if new {
                        c.audit(
                            "transfer.received",
                            &id,
                            serde_json::json!({ "receiver_key_id": r["receiver_key_id"], "received_at": r["received_at"], "after": t.state }),
                        )?;
                    }
                    Ok(new)
                })?;
                let text = if new {
                    format!(
                        "transfer {id} is already {}; its receipt (received at {received_at}) is recorded too\n",
                        t.state
                    )
                } else {
                    format!("transfer {id} is already {} and its receipt was recorded before\n", t.state)
                };
                return Ok(Outcome::new("transfer_state", serde_json::json!({ "id": id, "state": t.state }), text));
            };
            reg.change(ctx.now, |c| {
                transfers::set_transfer_state(c, &id, next)?;
                transfers::set_receipt_at(c, &id, &received_at)?;
                c.audit(
                    "transfer.received",
                    &id,
                    serde_json::json!({ "receiver_key_id": r["receiver_key_id"], "received_at": r["received_at"] }),
                )
            })?;
            Ok(Outcome::new(
                "transfer_state",
                serde_json::json!({ "id": id, "state": next }),
                format!(
                    "transfer {id}: receipt verified and recorded (received by {} at {})\n",
                    t.controller,
                    r["received_at"].as_str().unwrap_or("?")
                ),
            ))
        }
        TransferCmd::List => {
            let reg = ctx.open()?;
            let list = transfers::transfers(&reg)?;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|v| {
                    let t = &v.transfer;
                    vec![
                        t.id.to_string(),
                        t.created_at[..10].to_string(),
                        format!(
                            "{} {}",
                            if v.direction == crate::domain::model::Direction::Sent { "to" } else { "from" },
                            t.controller
                        ),
                        match &v.voided_at {
                            Some(_) => "void".to_string(),
                            None => format!("{}{}", t.state, if v.stale { " (stale)" } else { "" }),
                        },
                        t.counts["register"].to_string(),
                        t.counts["mailing_list"].to_string(),
                        v.art19_open.to_string(),
                    ]
                })
                .collect();
            let text = crate::base::encode::table(
                &["ID", "DATE", "OTHER PARTY", "STATE", "REGISTER", "LIST", "ART19 OWED"],
                &rows,
            );
            Ok(Outcome::new("transfer_list", list, text))
        }
        TransferCmd::Void { id, reason } => void(ctx, &id, &reason),
        TransferCmd::Close { id, delete_after } => {
            let mut reg = ctx.open()?;
            let v = transfers::transfer_view(&reg, &id)?;
            if v.direction != crate::domain::model::Direction::Sent {
                return Err(Error::bad(
                    "ID",
                    format!("transfer {id} was received into this register; only the sender closes it"),
                ));
            }
            if v.transfer.state != TransferState::Complete {
                return Err(Error::bad(
                    "ID",
                    format!(
                        "transfer {id} is {}: close it once the receiving group's rotation statement is recorded (`transfer confirm --statement`)",
                        v.transfer.state
                    ),
                ));
            }
            let date = delete_after;
            if date < ctx.now.date_naive() {
                return Err(Error::bad("--delete-after", "is in the past: give today or a later day"));
            }
            reg.change(ctx.now, |c| {
                transfers::close_transfer(c, &id, &date.to_string())?;
                crate::register::tasks::finish_open(c, "transfer_close", &id, &fmt_ts(c.now), c.actor)?;
                crate::register::tasks::set_task(
                    c,
                    "retention_run",
                    &id,
                    &format!("Run `handover retention run` to wind down transfer {id}"),
                    "storage limitation: delete what is no longer needed after the handover (R20)",
                    &date.succ_opt().unwrap_or(date).to_string(),
                    &fmt_ts(c.now),
                )?;
                c.audit("transfer.close", &id, serde_json::json!({ "delete_after": date.to_string() }))
            })?;
            let v = transfers::transfer_view(&reg, &id)?;
            let text = format!(
                "transfer {id} closed: after {date}, `handover retention run` anonymises the {} people who went, except anyone the charity still has its own relationship with (a legal obligation, another basis of its own not objected to, a consent in force naming it) and anyone waiting for an answer (an open request or complaint, a current role, a legal hold); see who with `handover retention run --dry-run`\n",
                v.people
            );
            Ok(Outcome::new("transfer_view", v, text))
        }
        TransferCmd::Show { id } => show(ctx, &id),
        TransferCmd::Notify { to, sign_key, out } => {
            super::notify::notify(ctx, &mut reg, &to, &crate::entry::home::sign_key(sign_key, "--sign-key")?, &out)
        }
        TransferCmd::Approve { to, sign_key, pseudonymise } => {
            let sign_key = crate::entry::home::sign_key(sign_key, "--sign-key")?;
            // Whose key it is can be told from its public half beside it, before any passphrase.
            let approvers = crate::register::approvers::may_approve(&reg)?;
            let not_approver = |id: &str| {
                Error::bad(
                    "--sign-key",
                    format!(
                        "key {id} is not a registered approver: the data protection lead registers it with `handover approver add PUBKEY --name NAME --sign-key KEY`"
                    ),
                )
            };
            if let Some(pk) = super::receive::public_beside(&sign_key) {
                let id = crate::base::keys::key_id(pk.keynum());
                if !approvers.iter().any(|a| a.key_id == id) {
                    return Err(not_approver(&id));
                }
            }
            let req =
                Request { receiver: to.clone(), date: plan_date(ctx, None), pseudonymise, defer_file_hashes: false };
            let p = plan::make(&reg, &req)?;
            // The approval covers every value the bundle will carry, not only the decisions.
            let carried = crate::transfer::carried::read(&reg, &p)?;
            // The passphrase is asked last, once the plan and what it carries are read.
            let key = crate::base::keys::SigningKey::load(&sign_key)?;
            let approver = approvers
                .into_iter()
                .find(|a| a.key_id == key.key_id() && a.public_key == key.public_base64())
                .ok_or_else(|| not_approver(&key.key_id()))?;
            let mut a = transfers::Approval {
                digest: p.digest.clone(),
                approver: approver.name.clone(),
                approved_at: fmt_ts(ctx.now),
                values_digest: Some(crate::bundle::write::values_digest(&p, &carried)?),
                signer_key_id: Some(key.key_id()),
                public_key: Some(key.public_base64()),
                signature: None,
                // One approval, one bundle: its id is signed with the rest.
                bundle_id: Some(crate::domain::model::TransferId::new().to_string()),
            };
            let text = a.signed_text(&p.from, &to);
            a.signature = Some(key.sign(text.as_bytes(), &format!("approval of the plan for {to} by {}", a.approver))?);
            reg.change(ctx.now, |c| {
                transfers::insert_approval(c, &to, &a)?;
                c.audit("transfer.approve", &to, serde_json::json!({ "digest": a.digest, "values_digest": a.values_digest, "bundle_id": a.bundle_id, "approver": a.approver, "signer_key_id": a.signer_key_id, "register_included": p.totals.register_included, "mailing_list_included": p.totals.mailing_list_included }))
            })?;
            let others: Vec<&str> = p
                .blockers
                .iter()
                .filter(|b| {
                    !matches!(b.code, "not_approved" | "approval_out_of_date" | "approval_not_signed" | "approval_used")
                })
                .map(|b| b.code)
                .collect();
            let mut o = Outcome::new(
                "transfer_approval",
                serde_json::json!({ "to": to, "digest": a.digest, "values_digest": a.values_digest, "approver": a.approver, "signer_key_id": a.signer_key_id, "approved_at": a.approved_at, "remaining_blockers": others, "bundle_id": a.bundle_id }),
                format!(
                    "plan {} for {to} approved by {}, signed with key {}: it covers every value the bundle will carry ({}), for one bundle, {}\n",
                    &a.digest[..16],
                    a.approver,
                    key.key_id(),
                    &a.values_digest.as_deref().unwrap_or_default()[..16],
                    a.bundle_id.as_deref().unwrap_or_default()
                ),
            );
            if !others.is_empty() {
                o = o.note(format!("other blockers remain: {}", others.join(", ")));
            }
            Ok(o)
        }
    }
}

fn confirm_statement(
    ctx: &Ctx,
    reg: &mut crate::register::Register,
    path: &std::path::Path,
    signer: &str,
) -> Result<Outcome> {
    let (t, r) = crate::transfer::lifecycle::check_statement(reg, path, signer)?;
    let id = t.id.to_string();
    let Some(next) = t.state.on_rotation_statement() else {
        return Ok(Outcome::new(
            "transfer_state",
            serde_json::json!({ "id": id, "state": t.state }),
            format!("transfer {id} is already complete\n"),
        ));
    };
    reg.change(ctx.now, |c| {
        transfers::set_transfer_state(c, &id, next)?;
        transfers::set_completed_at(
            c,
            &id,
            r["completed_at"].as_str().unwrap_or(&crate::domain::model::fmt_ts(c.now)),
        )?;
        // The disclosure is made: the wind-down is the next duty (storage limitation, R20).
        crate::register::tasks::add_task(
            c,
            "transfer_close",
            &id,
            &format!(
                "Agree with the data protection lead when to wind down transfer {id}, then close it with `handover transfer close {id}` and that date (`--delete-after`)"
            ),
            "storage limitation: once the handover is complete, keep only what the charity still needs (R20)",
            &(c.now + chrono::Duration::days(30)).date_naive().to_string(),
            &crate::domain::model::fmt_ts(c.now),
        )?;
        c.audit(
            "transfer.complete",
            &id,
            serde_json::json!({ "accounts": r["accounts"].as_array().map_or(0, Vec::len) }),
        )
    })?;
    Ok(Outcome::new(
        "transfer_state",
        serde_json::json!({ "id": id, "state": next }),
        format!("transfer {id}: every account rotated; the transfer is complete\n"),
    ))
}

fn complete(
    ctx: &Ctx,
    reg: &mut crate::register::Register,
    bundle: &str,
    sign_key: &std::path::Path,
    out: &std::path::Path,
) -> Result<Outcome> {
    let conn = &reg;
    if imports::import_seen(conn, bundle)?.is_none() {
        return Err(Error::NotFound { kind: "imported bundle", id: bundle.to_string() });
    }
    // Every account is rotated when each of its steps is recorded: a rotation task closed by
    // hand is not evidence.
    let open: Vec<String> = crate::register::accounts::accounts(conn)?
        .into_iter()
        .filter_map(|a| {
            let missing = a.steps_missing();
            (!missing.is_empty()).then(|| format!("{} ({})", a.id, missing.join(", ")))
        })
        .collect();
    if !open.is_empty() {
        return Err(Error::bad(
            "--bundle",
            format!(
                "{} account(s) still to rotate: {}: record each step with `handover account rotate-done`",
                open.len(),
                open.join("; ")
            ),
        ));
    }
    let sender = catalogue::controllers(conn)?.into_iter().find(|c| !c.is_self);
    let from = sender.as_ref().map(|c| c.slug.clone()).unwrap_or_default();
    let from_name = sender.as_ref().map_or_else(|| from.clone(), |c| c.name.clone());
    let path = out.join(format!("{bundle}.complete.json"));
    let sig_path = out.join(format!("{bundle}.complete.json.minisig"));
    if let Some(there) = [&path, &sig_path].into_iter().find(|p| p.exists()) {
        return Err(Error::bad(
            "--out",
            format!(
                "{} already exists: it was written when this was run before; send it and its .minisig to {from_name}, or move both aside to write them again",
                there.display()
            ),
        ));
    }
    // The passphrase is asked last, once everything else was checked.
    let key = crate::base::keys::SigningKey::load(sign_key)?;
    super::approver::refuse_approver_key(conn, &key.key_id(), "completion statement")?;
    let own = catalogue::self_controller(conn)?;
    let accounts: Vec<serde_json::Value> = crate::register::accounts::accounts(conn)?
        .into_iter()
        .map(|a| serde_json::json!({ "id": a.id, "service": a.service, "rotations": a.rotations }))
        .collect();
    let statement = serde_json::json!({
        "format": "handover-rotation-statement",
        "format_version": 1,
        "bundle_id": bundle,
        "from": from,
        "to": own.slug,
        "completed_at": crate::domain::model::fmt_ts(ctx.now),
        "signer_key_id": key.key_id(),
        "accounts": accounts,
    });
    let bytes = crate::base::encode::json_pretty(&statement)?;
    let sig = key.sign(&bytes[..], &format!("rotation statement for bundle {bundle}"))?;
    std::fs::create_dir_all(out).map_err(|e| Error::io("create the folder", out, e))?;
    // Both files are staged, the register records the statement, then both are renamed into place.
    let mut staged = crate::base::staged::Staged::new();
    staged.write(&path, 0o644, &bytes)?;
    staged.write(&sig_path, 0o644, sig.as_bytes())?;
    reg.change(ctx.now, |c| {
        if let Some(t) = transfers::transfer(c, bundle)?
            && !transfers::sent(c, bundle)?
            && let Some(next) = t.state.on_rotation_statement()
        {
            transfers::set_transfer_state(c, bundle, next)?;
        }
        transfers::set_completed_at(c, bundle, &crate::domain::model::fmt_ts(c.now))?;
        super::approver::note_signed(c, &key.key_id(), "completion")?;
        c.audit("transfer.complete_statement", bundle, serde_json::json!({ "accounts": accounts.len() }))
    })?;
    staged.publish()?;
    Ok(Outcome::new(
        "file_written",
        serde_json::json!({ "path": path.display().to_string() }),
        format!(
            "every account is rotated: wrote {} and {}\nSend both to {from_name}: they show the handover is complete.\n",
            path.display(),
            sig_path.display()
        ),
    ))
}

fn void(ctx: &Ctx, id: &str, reason: &str) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    let v = transfers::transfer_view(&reg, id)?;
    if v.direction != crate::domain::model::Direction::Sent {
        return Err(Error::bad(
            "ID",
            format!("transfer {id} was received into this register; only its sender voids it"),
        ));
    }
    if let Some(at) = &v.voided_at {
        return Err(Error::bad("ID", format!("transfer {id} was voided on {}", &at[..10])));
    }
    if let Some(at) = &v.receipt_at {
        return Err(Error::bad(
            "ID",
            format!(
                "{} received transfer {id} (receipt of {}): it holds the data, so the transfer stands; if it went by mistake, treat it as an incident with `handover incident record`",
                v.transfer.controller,
                &at[..10]
            ),
        ));
    }
    if reason.trim().is_empty() {
        return Err(Error::bad("--reason", "say why in a few words, e.g. \"made twice; the other bundle was sent\""));
    }
    let closed = reg.change(ctx.now, |c| {
        transfers::void_transfer(c, id, &fmt_ts(c.now), reason.trim())?;
        let mut closed = 0;
        for t in crate::register::tasks::tasks(c, false)?
            .into_iter()
            .filter(|t| t.kind == "art19_notify" && t.subject.starts_with(&format!("{id}:")))
        {
            crate::register::tasks::finish_task(c, &t.id, &fmt_ts(c.now), c.actor)?;
            closed += 1;
        }
        c.audit("transfer.void", id, serde_json::json!({ "reason": reason.trim(), "art19_tasks_closed": closed }))?;
        Ok(closed)
    })?;
    let v = transfers::transfer_view(&reg, id)?;
    let mut text = format!(
        "transfer {id} voided: it is not counted as a transfer; delete {}.zip.age and its files if you still have them\n",
        v.transfer.name
    );
    if closed > 0 {
        text.push_str(&format!(
            "{closed} Art 19 task(s) for it closed: nothing is owed for a bundle that was never received\n"
        ));
    }
    Ok(Outcome::new("transfer_view", v, text))
}

fn show(ctx: &Ctx, id: &str) -> Result<Outcome> {
    let reg = ctx.open()?;
    let v = transfers::transfer_view(&reg, id)?;
    let t = &v.transfer;
    let sent = v.direction == crate::domain::model::Direction::Sent;
    let party = catalogue::controller(&reg, &t.controller)?.map_or_else(|| t.controller.clone(), |c| c.name);
    let state = match &v.voided_at {
        Some(at) => format!("VOID since {} ({})", &at[..10], v.void_reason.as_deref().unwrap_or("")),
        None => format!(
            "{}{}",
            t.state,
            if v.stale { " — STALE: people in it changed since; the receiver must be told (Art 19)" } else { "" }
        ),
    };
    let mut text = format!(
        "transfer {} {} {party} on {}: {state}\n  bundle {}.zip.age, ciphertext sha256 {}\n  signed by key {}; encrypted to {}\n  {} people {} (register {}, mailing list {}), {} document(s), {} account(s)\n",
        t.id,
        if sent { "to" } else { "from" },
        &t.created_at[..10],
        t.name,
        t.ciphertext_sha256,
        t.signer_key_id,
        if t.recipients.is_empty() { "-".to_string() } else { t.recipients.join(", ") },
        v.people,
        if sent { "went" } else { "came" },
        t.counts["register"],
        t.counts["mailing_list"],
        t.counts["documents"],
        t.counts["accounts"],
    );
    let _ = writeln!(
        text,
        "  {}: {}",
        if sent { "receipt from the group" } else { "received" },
        v.receipt_at.as_deref().map_or("not yet", |d| &d[..10])
    );
    let _ = writeln!(
        text,
        "  complete (every account made safe): {}",
        v.completed_at.as_deref().map_or("not yet", |d| &d[..10])
    );
    if v.art19_open > 0 {
        let _ = writeln!(text, "  {} Art 19 notification(s) still owed: `handover tasks list`", v.art19_open);
    }
    if let Some(d) = &v.delete_after {
        let _ = writeln!(text, "  wind-down: the sender deletes what it no longer needs after {d}");
    }
    Ok(Outcome::new("transfer_view", v, text))
}
