//! `handover account ...`: accounts handed over, their secrets encrypted to the custodians.

use std::io::{IsTerminal, Write};

use age::secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::Ctx;
use crate::base::encode::table;
use crate::base::error::{Error, Result};
use crate::base::keys;
use crate::domain::model::fmt_ts;
use crate::entry::cli::AccountCmd;
use crate::entry::output::Outcome;
use crate::register::accounts::Account;
use crate::register::{accounts, tasks};

fn read_secret(file: Option<&std::path::Path>) -> Result<Zeroizing<String>> {
    if let Some(path) = file {
        let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| Error::io("read", path, e))?);
        let s = std::str::from_utf8(&bytes)
            .map_err(|_| Error::bad("--secret-file", "the secret file must be UTF-8 text"))?;
        if s.trim().is_empty() {
            return Err(Error::bad("--secret-file", "the secret file is empty"));
        }
        return Ok(Zeroizing::new(s.to_string()));
    }
    let password = keys::prompt_secret("Password")?.ok_or_else(|| Error::bad("password", "a password is required"))?;
    // Typed twice: a typing slip stored here would lock the group out of the account.
    let again = keys::prompt_secret("The same password again")?;
    if again.as_ref().map(ExposeSecret::expose_secret) != Some(password.expose_secret()) {
        return Err(Error::bad("password", "the two passwords you typed differ: nothing was stored; run it again"));
    }
    let codes = keys::prompt_secret("Recovery codes (Enter for none)")?;
    let notes = keys::prompt_secret("Secret notes (Enter for none)")?;
    let mut s = Zeroizing::new(format!("password: {}\n", password.expose_secret()));
    if let Some(c) = codes {
        s.push_str(&format!("recovery codes: {}\n", c.expose_secret()));
    }
    if let Some(n) = notes {
        s.push_str(&format!("notes: {}\n", n.expose_secret()));
    }
    Ok(s)
}

fn line(a: &Account) -> Vec<String> {
    let missing = a.steps_missing();
    let done: Vec<&str> = a.rotation_steps().iter().copied().filter(|s| !missing.contains(s)).collect();
    vec![
        a.id.to_string(),
        a.service.clone(),
        a.url.clone(),
        a.login.clone(),
        a.paid_until.clone().unwrap_or_else(|| "-".into()),
        if done.is_empty() { "-".into() } else { done.join(",") },
    ]
}

/// An account named by its id, or by its service when only one account has that service.
fn find(reg: &crate::register::Db, name: &str) -> Result<Account> {
    let all = accounts::accounts(reg)?;
    if let Some(a) = all.iter().find(|a| a.id == name) {
        return Ok(a.clone());
    }
    let key = name.trim().to_lowercase().replace('-', "_");
    let by_service: Vec<&Account> = all.iter().filter(|a| a.service == key).collect();
    match by_service.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::NotFound { kind: "account", id: name.to_string() }),
        many => Err(Error::bad(
            "ID",
            format!(
                "{} accounts are {name}: name one by its id ({})",
                many.len(),
                many.iter().map(|a| format!("{} {}", a.id, a.url)).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// Run an account subcommand.
pub fn run(ctx: &Ctx, cmd: AccountCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        AccountCmd::Add {
            service,
            url,
            login,
            personal_data,
            paid_by,
            paid_until,
            recovery_email,
            recovery_phone,
            two_factor,
            secret_file,
            admin_change,
            admins_outgoing,
            admins_incoming,
        } => {
            if url.trim().is_empty() {
                return Err(Error::bad("--url", "give the login or admin address"));
            }
            if login.trim().is_empty() {
                return Err(Error::bad("--login", "give the login name"));
            }
            let names = |v: Vec<String>, flag: &str| -> Result<Vec<String>> {
                let v: Vec<String> = v.into_iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect();
                if admin_change && v.is_empty() {
                    return Err(Error::bad(flag, "name at least one admin: the rotation is checked against the list"));
                }
                Ok(v)
            };
            // The same account twice (same service, address and login) is refused before any
            // secret is asked for.
            if let Some(same) = accounts::accounts(&reg)?
                .iter()
                .find(|a| a.service == service && a.url.eq_ignore_ascii_case(url.trim()) && a.login == login.trim())
            {
                return Err(Error::bad(
                    "--url",
                    format!(
                        "this account is in the register already as {}: to store a new password, run `handover account update-secret {}`",
                        same.id, same.id
                    ),
                ));
            }
            let admins_outgoing = names(admins_outgoing, "--admins-outgoing")?;
            let admins_incoming = names(admins_incoming, "--admins-incoming")?;
            let (recipients, ct) = if admin_change {
                (Vec::new(), Vec::new())
            } else {
                let recipients = accounts::current_recipients(&reg)?;
                if recipients.is_empty() {
                    return Err(Error::NoCustodians);
                }
                let secret = read_secret(secret_file.as_deref())?;
                let ct = crate::records::vault::encrypt(&recipients, secret.as_bytes())?;
                drop(secret);
                (recipients, ct)
            };
            let now = fmt_ts(ctx.now);
            let nonempty = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            let a = Account {
                id: crate::domain::model::AccountId::new(),
                service,
                url: url.trim().into(),
                login: login.trim().into(),
                personal_data: nonempty(personal_data),
                paid_by: nonempty(paid_by),
                paid_until: paid_until.map(|d| d.to_string()),
                recovery_email: nonempty(recovery_email),
                recovery_phone: nonempty(recovery_phone),
                two_factor: nonempty(two_factor),
                secret_recipients: recipients.iter().map(std::string::ToString::to_string).collect(),
                created_at: now.clone(),
                secret_updated_at: now,
                rotations: Vec::new(),
                access: if admin_change {
                    crate::domain::model::AccountAccess::Admins
                } else {
                    crate::domain::model::AccountAccess::Password
                },
                admins_outgoing,
                admins_incoming,
            };
            let own_domain = crate::records::recovery_on_outgoing(&reg, &a)?;
            reg.change(ctx.now, |c| {
                accounts::insert_account(c, &a, &ct)?;
                crate::records::paid_until_tasks(c, &a)?;
                c.audit(
                    "account.add",
                    &a.id,
                    serde_json::json!({ "service": a.service, "custodians": a.secret_recipients.len() }),
                )
            })?;
            let text = if a.has_secret() {
                format!(
                    "account {} ({}) added; its secret is encrypted to {} custodian(s)\n",
                    a.id,
                    a.service,
                    a.secret_recipients.len()
                )
            } else {
                format!(
                    "account {} ({}) added; access passes by changing its admins, so no secret is held\n",
                    a.id, a.service
                )
            };
            let mut o = Outcome::new("account", a, text);
            for why in own_domain {
                o = o.note(why);
            }
            Ok(o)
        }
        AccountCmd::Location { id, country, processor, safeguard } => {
            location(ctx, &mut reg, &id, &country, processor, safeguard)
        }
        AccountCmd::AudienceChecked { id, how, note } => audience_checked(ctx, &mut reg, &id, &how, &note),
        AccountCmd::List => {
            let list = accounts::accounts(&reg)?;
            let rows: Vec<Vec<String>> = list.iter().map(line).collect();
            let text = table(&["ID", "SERVICE", "URL", "LOGIN", "PAID UNTIL", "ROTATED"], &rows);
            Ok(Outcome::new("account_list", list, text))
        }
        AccountCmd::Show { id } => {
            let a = find(&reg, &id)?;
            let o = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
            let mut text = format!("account {} ({})\n", a.id, a.service);
            for (k, v) in [
                ("url", a.url.clone()),
                ("login", a.login.clone()),
                ("personal data held", o(&a.personal_data)),
                ("paid by", o(&a.paid_by)),
                ("paid until", o(&a.paid_until)),
                ("recovery email", o(&a.recovery_email)),
                ("recovery phone", o(&a.recovery_phone)),
                ("two-factor", o(&a.two_factor)),
                (
                    "secret",
                    if a.has_secret() {
                        format!(
                            "encrypted to {} custodian(s), updated {}",
                            a.secret_recipients.len(),
                            a.secret_updated_at
                        )
                    } else {
                        "none: access passes by changing the admins".into()
                    },
                ),
                (
                    "admins outgoing",
                    if a.admins_outgoing.is_empty() { "-".into() } else { a.admins_outgoing.join(", ") },
                ),
                (
                    "admins incoming",
                    if a.admins_incoming.is_empty() { "-".into() } else { a.admins_incoming.join(", ") },
                ),
            ] {
                text.push_str(&format!("  {k:<19} {v}\n"));
            }
            text.push_str("rotation:\n");
            for step in a.rotation_steps() {
                let done = a.rotations.iter().rev().find(|r| r.what == *step);
                text.push_str(&format!(
                    "  {step:<9} {}\n",
                    done.map_or("not yet".to_string(), |r| format!("done {} by {}", &r.done_at[..10], r.done_by))
                ));
            }
            Ok(Outcome::new("account", a, text))
        }
        AccountCmd::Reveal { id, identity, out } => {
            let a = find(&reg, &id)?;
            if !a.has_secret() {
                return Err(Error::bad(
                    "ID",
                    format!(
                        "account {id} has no secret: access passes by changing its admins ({})",
                        a.rotation_title()
                    ),
                ));
            }
            if out.is_none() && (ctx.style.json || !std::io::stdout().is_terminal()) {
                return Err(Error::bad(
                    "--out",
                    "a secret is printed only to a terminal, never into a pipe, a file by redirection or JSON",
                ));
            }
            let identity = crate::entry::home::identity(identity, "--identity")?;
            let ids = keys::load_identities(&identity)?;
            let ct = accounts::secret(&reg, &a.id)?;
            let plain = crate::records::vault::decrypt(&ids, &ct, &format!("the secret of account {}", a.id))?;
            match &out {
                Some(path) => keys::write_new(path, 0o600, &plain)?,
                None => {
                    let mut so = std::io::stdout().lock();
                    so.write_all(&plain).and_then(|_| so.flush()).map_err(|e| Error::io("write", "stdout", e))?;
                    if !plain.ends_with(b"\n") {
                        let _ = writeln!(so);
                    }
                }
            }
            drop(plain);
            let to = if out.is_some() { "file" } else { "terminal" };
            reg.change(ctx.now, |c| c.audit("account.reveal", &a.id, serde_json::json!({ "to": to })))?;
            let data = serde_json::json!({ "id": a.id, "revealed_to": to, "path": out.as_ref().map(|p| p.display().to_string()) });
            let text = match &out {
                Some(p) => {
                    format!("secret of account {} written to {} (0600); delete it when done\n", a.id, p.display())
                }
                None => String::new(),
            };
            Ok(Outcome::new("account_reveal", data, text))
        }
        AccountCmd::UpdateSecret { id, secret_file } => update_secret(ctx, &mut reg, &id, secret_file.as_deref()),
        AccountCmd::RotateDone { id, what } => rotate_done(ctx, &mut reg, &id, &what),
    }
}

fn update_secret(
    ctx: &Ctx,
    reg: &mut crate::register::Register,
    id: &str,
    secret_file: Option<&std::path::Path>,
) -> Result<Outcome> {
    let a = find(reg, id)?;
    if !a.has_secret() {
        return Err(Error::bad("ID", format!("account {} has no secret: access passes by changing its admins", a.id)));
    }
    let recipients = accounts::current_recipients(reg)?;
    if recipients.is_empty() {
        return Err(Error::NoCustodians);
    }
    let secret = read_secret(secret_file)?;
    let ct = crate::records::vault::encrypt(&recipients, secret.as_bytes())?;
    drop(secret);
    let names: Vec<String> = recipients.iter().map(std::string::ToString::to_string).collect();
    reg.change(ctx.now, |c| {
        accounts::set_secret(c, &a.id, &ct, &names, &fmt_ts(c.now))?;
        c.audit("account.secret_updated", &a.id, serde_json::json!({ "custodians": names.len() }))
    })?;
    // The old ciphertext's pages are zeroed (secure_delete) and the log folded in: it is
    // kept nowhere.
    reg.checkpoint()?;
    let a = accounts::account(reg, &a.id)?;
    let text = format!(
        "account {} ({}): the new secret is stored, encrypted to {} custodian(s); the old one is gone\n",
        a.id,
        a.service,
        names.len()
    );
    Ok(Outcome::new("account", a, text))
}

fn rotate_done(ctx: &Ctx, reg: &mut crate::register::Register, id: &str, what: &str) -> Result<Outcome> {
    let a = find(reg, id)?;
    let id = a.id.to_string();
    let steps: Vec<String> = if what == "all" {
        // Everything at once is recorded only knowingly: on a terminal, each step is named and
        // the user says yes.
        if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            eprintln!("This records every step for the {} account {} as done:", a.service, a.url);
            for step in crate::domain::rotation::path(
                a.id.as_str(),
                &a.service,
                a.access,
                a.rotation_steps(),
                &a.admins_outgoing,
                &a.admins_incoming,
            ) {
                eprintln!("  - {}", step.what);
            }
            eprint!("Is every one of them done at the service? Type yes or no: ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| Error::io("read", "standard input", e))?;
            if !matches!(line.trim().to_ascii_lowercase().as_str(), "yes" | "y") {
                return Err(Error::bad(
                    "--what",
                    "nothing was recorded: record each step as you do it (`handover next` lists them)",
                ));
            }
        }
        a.rotation_steps().iter().map(|s| (*s).to_string()).collect()
    } else {
        vec![what.to_string()]
    };
    if !a.rotation_steps().contains(&steps[0].as_str()) {
        return Err(Error::bad(
            "--what",
            format!(
                "account {id} has no {what} to rotate: access passes by changing its admins; record --what admins once they are changed"
            ),
        ));
    }
    let completed = reg.change(ctx.now, |c| {
        for step in &steps {
            accounts::add_rotation(c, &a.id, step, &fmt_ts(c.now), c.actor)?;
            c.audit("account.rotate", &a.id, serde_json::json!({ "what": step }))?;
        }
        // A rotation task is done when every step has been recorded since it was created.
        if let Some(t) = tasks::open_task(c, "rotate_account", &a.id)? {
            let after = accounts::account(c, &a.id)?;
            let all = after
                .rotation_steps()
                .iter()
                .all(|s| after.rotations.iter().any(|r| r.what == *s && r.done_at >= t.created_at));
            if all {
                tasks::finish_task(c, &t.id, &fmt_ts(c.now), c.actor)?;
                c.audit("tasks.done", &t.id, serde_json::json!({ "kind": t.kind }))?;
                return Ok(Some(t.id));
            }
        }
        Ok(None)
    })?;
    let a = accounts::account(reg, &id)?;
    let mut text = format!("account {} ({}): {} recorded\n", a.id, a.service, steps.join(", "));
    if let Some(t) = &completed {
        text.push_str(&format!("every rotation step is done: task {t} closed\n"));
    }
    Ok(Outcome::new("account", a, text))
}

/// `account location`: where an account's service keeps its data.
fn location(
    ctx: &Ctx,
    reg: &mut crate::register::Register,
    id: &str,
    country: &str,
    processor: bool,
    safeguard: Option<String>,
) -> Result<Outcome> {
    let a = find(reg, id)?;
    let country = country.trim().to_ascii_uppercase();
    let country = if country == "UK" { "GB".to_string() } else { country };
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Error::bad(
            "--country",
            format!("'{country}' is not a two-letter country code: GB for the UK, US, IE…"),
        ));
    }
    let l = accounts::Location {
        country,
        processor,
        safeguard: safeguard.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
    };
    reg.change(ctx.now, |c| {
        accounts::set_location(c, &a.id, &l, &fmt_ts(c.now))?;
        c.audit(
            "account.location",
            &a.id,
            serde_json::json!({ "country": l.country, "processor": l.processor, "safeguard": l.safeguard }),
        )
    })?;
    let mut text = format!(
        "account {} ({}) keeps its data in {}{}\n",
        a.id,
        a.service,
        l.country,
        if l.processor { ", as a processor for you" } else { "" }
    );
    let mut o = Outcome::new(
        "account_location",
        serde_json::json!({ "account": a.id, "country": l.country, "processor": l.processor, "safeguard": l.safeguard }),
        String::new(),
    );
    if l.country != "GB" && l.safeguard.is_none() {
        text.push_str("  outside the UK with no safeguard recorded: the Art 30 record lists it as a gap\n");
        o = o.note("give --safeguard: what the transfer relies on (adequacy regulations, the IDTA, the UK Addendum, the UK Extension to the EU-US Data Privacy Framework)");
    }
    o.text = text;
    Ok(o)
}

/// `account audience-checked`: the data protection lead's check of a mailing service's audience.
fn audience_checked(
    ctx: &Ctx,
    reg: &mut crate::register::Register,
    id: &str,
    how: &str,
    note: &str,
) -> Result<Outcome> {
    let a = find(reg, id)?;
    if !accounts::MAILING_SERVICES.contains(&a.service.as_str()) {
        return Err(Error::bad(
            "ID",
            format!("{} is a {} account, not a mailing service: it has no audience to check", a.id, a.service),
        ));
    }
    if note.trim().is_empty() {
        return Err(Error::bad("--note", "say what was done and checked"));
    }
    reg.change(ctx.now, |c| {
        accounts::add_audience_check(c, &a.id, how, note.trim(), c.actor, &fmt_ts(c.now))?;
        c.audit("account.audience_checked", &a.id, serde_json::json!({ "how": how }))
    })?;
    Ok(Outcome::new(
        "account_audience_checked",
        serde_json::json!({ "account": a.id, "how": how, "at": fmt_ts(ctx.now) }),
        format!(
            "the audience of {} ({}) is recorded as {}: the plan no longer stops on it until who is held back changes\n",
            a.id,
            a.service,
            how.replace('_', " ")
        ),
    ))
}
