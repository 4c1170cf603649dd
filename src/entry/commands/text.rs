//! `handover statement ...` and `handover notice ...`: versioned texts people were shown.

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::entry::cli::{NoticeCmd, StatementCmd};
use crate::records::import::{self, own};
use chrono::NaiveDate;

use crate::base::encode::table;
use crate::domain::model::{TextFormat, fmt_ts};
use crate::entry::output::Outcome;
use crate::register::catalogue::TextVersion;
use crate::register::{catalogue, people};

fn read_text(path: &std::path::Path) -> Result<(String, String)> {
    let bytes = import::read_bytes(path)?;
    let sha = import::sha256_hex(&bytes);
    let body = String::from_utf8(bytes).map_err(|_| Error::bad("--file", "the text must be UTF-8"))?;
    if body.trim().is_empty() {
        return Err(Error::bad("--file", "the file is empty"));
    }
    Ok((sha, body))
}

fn effective(ctx: &Ctx, s: Option<NaiveDate>) -> Result<String> {
    let d = s.unwrap_or_else(|| ctx.now.date_naive());
    Ok(fmt_ts(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()))
}

fn check_format(f: &str) -> Result<()> {
    TextFormat::parse(f).map(|_| ()).ok_or_else(|| Error::bad("--format", format!("use {}", TextFormat::list())))
}

fn list_text(list: &[TextVersion], notice: bool) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                t.version.clone(),
                t.format.to_string(),
                if notice {
                    t.announces.join(" ")
                } else {
                    let names =
                        t.controllers.as_ref().map_or_else(|| "controllers not recorded".to_string(), |c| c.join(","));
                    format!("{} ({names})", t.purpose.clone().unwrap_or_default())
                },
                t.effective_from[..10].to_string(),
                t.sha256[..16].to_string(),
            ]
        })
        .collect();
    table(
        &["VERSION", "FORMAT", if notice { "ANNOUNCES" } else { "PURPOSE (CONTROLLERS)" }, "EFFECTIVE", "SHA256"],
        &rows,
    )
}

/// Controller slugs from a comma- or semicolon-separated list: each registered, at least one.
fn named_controllers(reg: &crate::register::Db, list: &str, flag: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> =
        list.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
    out.sort();
    out.dedup();
    if out.is_empty() {
        return Err(Error::bad(flag, "name at least one controller the statement's wording names"));
    }
    for slug in &out {
        if catalogue::controller(reg, slug)?.is_none() {
            return Err(Error::NotFound { kind: "controller", id: slug.clone() });
        }
    }
    Ok(out)
}

/// `statement ...`.
pub fn statement(ctx: &Ctx, cmd: StatementCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        StatementCmd::Add { version, purpose, format, file, effective_from, controllers } => {
            let controllers = named_controllers(&reg, &controllers, "--controllers")?;
            check_format(&format)?;
            if version.trim().is_empty() {
                return Err(Error::bad("--version", "give the version a label"));
            }
            if catalogue::purpose(&reg, &purpose)?.is_none() {
                return Err(Error::NotFound { kind: "purpose", id: purpose });
            }
            if catalogue::text_exists(&reg, "statement", &version, &format)? {
                return Err(Error::DuplicateVersion { kind: "statement", version, format });
            }
            let (sha, body) = read_text(&file)?;
            let effective_from = effective(ctx, effective_from)?;
            // A statement is never shown in an organisation's name before it was a controller.
            for slug in &controllers {
                if let Some(since) = catalogue::since(&reg, slug)?.filter(|s| effective_from[..10] < *s.as_str()) {
                    return Err(Error::bad(
                        "--effective-from",
                        format!(
                            "{} is before {slug} was a controller of this data (since {since}): no statement was shown in its name then; if the organisation did use it earlier, record when it began with controller edit --since",
                            &effective_from[..10]
                        ),
                    ));
                }
            }
            let v = TextVersion {
                id: format!("{version}/{format}"),
                version: version.clone(),
                format: super::code_arg("--format", &format)?,
                purpose: Some(purpose),
                sha256: sha,
                effective_from,
                announces: Vec::new(),
                controllers: Some(controllers),
            };
            reg.change(ctx.now, |c| {
                catalogue::insert_statement(c, &v, &body, ctx.now)?;
                c.audit("statement.add", &v.id, serde_json::json!({ "sha256": v.sha256, "controllers": v.controllers }))
            })?;
            let text = format!(
                "statement {} ({}) for {} naming {} stored, sha256 {}\n",
                v.version,
                v.format,
                v.purpose.clone().unwrap_or_default(),
                v.controllers.clone().unwrap_or_default().join(", "),
                v.sha256
            );
            Ok(Outcome::new("statement", v, text))
        }
        StatementCmd::Controllers { version, set } => {
            let controllers = named_controllers(&reg, &set, "--set")?;
            let mut rows = catalogue::texts(&reg, "statement")?;
            rows.retain(|t| t.version == version);
            if rows.is_empty() {
                return Err(Error::NotFound { kind: "statement", id: version });
            }
            if let Some(done) = rows.iter().find_map(|t| t.controllers.clone()) {
                return Err(Error::bad(
                    "--set",
                    format!(
                        "statement {version} already names {}: what a statement named is evidence and is not changed",
                        done.join(", ")
                    ),
                ));
            }
            reg.change(ctx.now, |c| {
                catalogue::set_statement_controllers(c, &version, &controllers)?;
                c.audit("statement.controllers", &version, serde_json::json!({ "controllers": controllers }))
            })?;
            let mut rows = catalogue::texts(&reg, "statement")?;
            rows.retain(|t| t.version == version);
            let text = format!("statement {version} names {}\n", controllers.join(", "));
            Ok(Outcome::new("statement_list", rows, text))
        }
        StatementCmd::List => {
            let list = catalogue::texts(&reg, "statement")?;
            let text = list_text(&list, false);
            Ok(Outcome::new("statement_list", list, text))
        }
    }
}

/// `notice ...`.
pub fn notice(ctx: &Ctx, cmd: NoticeCmd) -> Result<Outcome> {
    let mut reg = ctx.open()?;
    match cmd {
        NoticeCmd::Template { out } => template(ctx, &mut reg, &out),
        NoticeCmd::Add { version, file, format, effective_from, announces } => {
            check_format(&format)?;
            if version.trim().is_empty() {
                return Err(Error::bad("--version", "give the version a label"));
            }
            for a in &announces {
                let Some((slug, purpose)) = a.split_once(':') else {
                    return Err(Error::bad(
                        "--announces",
                        "write it as SLUG:PURPOSE, e.g. steering-group:disclose_to_successor",
                    ));
                };
                if catalogue::controller(&reg, slug)?.is_none() {
                    return Err(Error::NotFound { kind: "controller", id: slug.to_string() });
                }
                if catalogue::purpose(&reg, purpose)?.is_none() {
                    return Err(Error::NotFound { kind: "purpose", id: purpose.to_string() });
                }
            }
            if catalogue::text_exists(&reg, "notice", &version, &format)? {
                return Err(Error::DuplicateVersion { kind: "notice", version, format });
            }
            let (sha, body) = read_text(&file)?;
            let v = TextVersion {
                id: format!("{version}/{format}"),
                version,
                format: super::code_arg("--format", &format)?,
                purpose: None,
                sha256: sha,
                effective_from: effective(ctx, effective_from)?,
                announces,
                controllers: None,
            };
            reg.change(ctx.now, |c| {
                catalogue::insert_notice(c, &v, &body, ctx.now)?;
                c.audit("notice.add", &v.id, serde_json::json!({ "sha256": v.sha256, "announces": v.announces }))
            })?;
            let text = format!("notice {} ({}) stored, sha256 {}\n", v.version, v.format, v.sha256);
            Ok(Outcome::new("notice", v, text))
        }
        NoticeCmd::List => {
            let list = catalogue::texts(&reg, "notice")?;
            let text = list_text(&list, true);
            Ok(Outcome::new("notice_list", list, text))
        }
        NoticeCmd::SendList { received: Some(bundle), notice, out, .. } => {
            let texts = catalogue::texts(&reg, "notice")?;
            let notice = match notice {
                Some(n) if texts.iter().any(|t| t.version == n) => n,
                Some(n) => return Err(Error::NotFound { kind: "notice", id: n }),
                // Your latest own notice: the last one `notice add` stored (a bundle's texts are
                // the sender's).
                None => crate::register::audit::subjects_of(&reg, "notice.add")?
                    .iter()
                    .find_map(|id| texts.iter().find(|t| &t.id == id).map(|t| t.version.clone()))
                    .ok_or_else(|| {
                        Error::bad(
                            "--notice",
                            "your register has no privacy notice of its own yet: add yours first with `handover notice add`",
                        )
                    })?,
            };
            let people = crate::records::art14_outstanding(&reg, &bundle)?;
            let (rows, text) = send_list(ctx, &mut reg, &bundle, &notice, people.iter(), out.as_deref())?;
            let data = serde_json::json!({ "to": null, "received": bundle, "notice": notice, "people": rows.len(), "path": out.as_ref().map(|p| p.display().to_string()) });
            Ok(Outcome::new("send_list", data, text).note(format!(
                "{} people you received must be sent your privacy notice {notice} (who you are, where their details came from, their rights); after sending, import the send log with `handover notice send-log`: the task closes itself once everyone is covered",
                rows.len()
            )))
        }
        NoticeCmd::SendList { to, notice, out, .. } => {
            let (Some(to), Some(notice)) = (to, notice) else {
                return Err(Error::bad("--to", "give --to SLUG --notice VERSION, or --received BUNDLE_ID"));
            };
            let announces = format!("{to}:disclose_to_successor");
            let texts = catalogue::texts(&reg, "notice")?;
            if !texts.iter().any(|t| t.version == notice) {
                return Err(Error::NotFound { kind: "notice", id: notice });
            }
            if !texts.iter().any(|t| t.version == notice && t.announces.contains(&announces)) {
                return Err(Error::bad(
                    "--notice",
                    format!(
                        "notice {notice} does not announce {announces}; add one with `handover notice add --announces {announces}`"
                    ),
                ));
            }
            let req = crate::transfer::plan::Request {
                receiver: to.clone(),
                date: super::transfer::plan_date(ctx, None),
                pseudonymise: false,
                defer_file_hashes: false,
            };
            let p = crate::transfer::plan::make(&reg, &req)?;
            let mut people_due = Vec::new();
            for pp in p.people.iter().filter(|x| x.register.decision.reason == "notice_not_sent") {
                people_due.push(people::person_required(&reg, &pp.id)?);
            }
            let (rows, text) = send_list(ctx, &mut reg, &to, &notice, people_due.iter(), out.as_deref())?;
            let data = serde_json::json!({ "to": to, "notice": notice, "people": rows.len(), "path": out.as_ref().map(|p| p.display().to_string()) });
            Ok(Outcome::new("send_list", data, text).note(format!(
                "{} people relying on legitimate interests must be sent notice {notice} (a neutral service message, not marketing); after sending, import the delivery log with `handover notice send-log`",
                rows.len()
            )))
        }
        NoticeCmd::SendLog { file, dry_run } => super::import_own_csv(
            ctx,
            &file,
            dry_run,
            "notices_sent",
            own::NOTICES_SENT_COLUMNS,
            "notices-sent.csv",
            own::import_notices_sent_closing_art14,
        ),
    }
}

/// Who must be sent a notice, as CSV rows (to a new owner-only file or for stdout), the list
/// audited as made. Returns the rows and the text for stdout.
fn send_list<'a>(
    ctx: &Ctx,
    reg: &mut crate::register::Register,
    subject: &str,
    notice: &str,
    people: impl Iterator<Item = &'a crate::register::people::Person>,
    out: Option<&std::path::Path>,
) -> Result<(Vec<Vec<String>>, String)> {
    let rows: Vec<Vec<String>> = people
        .map(|p| {
            vec![
                p.reference.clone(),
                p.email.clone().unwrap_or_default(),
                p.name.clone().unwrap_or_default(),
                notice.to_string(),
                String::new(),
                if p.email.is_some() { "email" } else { "post" }.to_string(),
            ]
        })
        .collect();
    // The send log's own columns, `sent_at` left for the day each went (then `notice send-log`
    // takes the file back as it is).
    let text =
        super::people_list_csv(out, &["person_ref", "email", "name", "notice_version", "sent_at", "channel"], &rows)?;
    reg.change(ctx.now, |c| {
        c.audit("notice.send_list", subject, serde_json::json!({ "notice": notice, "people": rows.len() }))
    })?;
    Ok((rows, text))
}

/// `notice template`: the group's privacy notice to fill in, from what its register holds.
fn template(ctx: &Ctx, reg: &mut crate::register::Register, out: &std::path::Path) -> Result<Outcome> {
    let own = catalogue::self_controller(reg)?;
    let controllers = catalogue::controllers(reg)?;
    let sources: Vec<String> = crate::register::transfers::transfers(reg)?
        .into_iter()
        .filter(|t| t.direction == crate::domain::model::Direction::Received)
        .filter_map(|t| controllers.iter().find(|c| c.slug == t.transfer.controller).map(|c| c.name.clone()))
        .fold(Vec::new(), |mut v, n| {
            if !v.contains(&n) {
                v.push(n);
            }
            v
        });
    // What the group holds people for: the purposes its consents and bases name it for.
    let mut uses: Vec<(String, String)> = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let bases = crate::register::evidence::bases(reg, None)?;
    for p in catalogue::purposes(reg)? {
        let consented = crate::register::evidence::consents(reg, None, Some(&p.code))?.iter().any(|c| {
            c.event.controllers.contains(&own.slug) && c.event.action == crate::domain::model::ConsentAction::Grant
        });
        let based = bases
            .iter()
            .filter(|b| b.purpose == p.code && b.controllers.contains(&own.slug))
            .filter_map(|b| b.basis)
            .map(|b| b.as_str().replace('_', " "))
            .next();
        let basis = match (consented, based) {
            (true, _) => "your consent, which you can take back at any time".to_string(),
            (false, Some(b)) => b,
            (false, None) => continue,
        };
        uses.push((p.name.clone(), basis));
        for f in &p.fields {
            let f = crate::domain::words::plain(f);
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    let facts = crate::audit::notice::Facts {
        group: own.name.clone(),
        contact: own.contact.clone(),
        sources,
        uses,
        details: fields,
        keep_months: crate::records::retention::policy(reg)?.get("inactive_people").copied().unwrap_or(24),
    };
    std::fs::create_dir_all(out).map_err(|e| Error::io("create the folder", out, e))?;
    let plain = out.join("privacy-notice.txt");
    let easy = out.join("privacy-notice-easy-read.txt");
    let mut staged = crate::base::staged::Staged::new();
    staged.write(&plain, 0o644, crate::audit::notice::plain(&facts).as_bytes())?;
    staged.write(&easy, 0o644, crate::audit::notice::easy_read(&facts).as_bytes())?;
    staged.publish()?;
    reg.change(ctx.now, |c| c.audit("notice.template", &own.slug, serde_json::json!({})))?;
    let text = format!(
        "wrote {} and {}: fill in what is in [square brackets], then store both:\n  handover notice add --version OUR-PN-1 --file {}\n  handover notice add --version OUR-PN-1 --format easy_read --file {}\n",
        plain.display(),
        easy.display(),
        plain.display(),
        easy.display()
    );
    Ok(Outcome::new(
        "files_written",
        serde_json::json!({ "files": [plain.display().to_string(), easy.display().to_string()] }),
        text,
    ))
}
