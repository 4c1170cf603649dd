//! The demo: the story so far, run on the synthetic fixture community, through the same
//! commands a facilitator would type. Everything it writes goes into one new folder.

mod campaign;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::domain::consent;
use crate::entry::cli::Cli;
use crate::entry::output::{Outcome, Style};
use crate::register::{catalogue, evidence, people, suppression};

/// The fixture folder shipped with the source tree.
pub fn default_fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

const OWN: &str = "brightwater-trust";
const RECEIVER: &str = "kscop-steering-group";

/// How the demo runs one parsed command line: the command dispatcher, passed in by the caller
/// so that this module does not depend on the commands that depend on it.
pub type Dispatch = fn(&Ctx, crate::entry::cli::Command) -> Result<Outcome>;

struct Runner {
    ctx: Ctx,
    log: String,
    dispatch: Dispatch,
}

impl Runner {
    /// A step on another register than the facilitator's (the steering group's).
    fn step_on(&mut self, register: &Path, what: &str, args: &[&str]) -> Result<Outcome> {
        let own = std::mem::replace(&mut self.ctx.register, register.to_path_buf());
        let shown = register.display().to_string();
        let mut full = vec!["--register", shown.as_str()];
        full.extend(args);
        let result = self.step(what, &full);
        self.ctx.register = own;
        result
    }

    fn step(&mut self, what: &str, args: &[&str]) -> Result<Outcome> {
        let cli = Cli::try_parse_from(std::iter::once("handover").chain(args.iter().copied()))
            .map_err(|e| Error::Internal(format!("demo step '{what}' has bad arguments: {e}")))?;
        // Each line can be pasted as it is: the register named, every value one shell word.
        let mut shown: Vec<String> = Vec::new();
        if !args.contains(&"--register") {
            shown.extend(["--register".to_string(), self.ctx.register.display().to_string()]);
        }
        shown.extend(args.iter().map(|a| (*a).to_string()));
        let shown: Vec<String> = shown.iter().map(|a| crate::base::encode::shell_word(a)).collect();
        let _ = writeln!(self.log, "- {what}: `handover {}`", shown.join(" "));
        (self.dispatch)(&self.ctx, cli.command.unwrap_or(crate::entry::cli::Command::Next))
    }
}

fn counts(o: &Outcome) -> String {
    o.data()["counts"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// Run the demo into `out`.
pub fn run(ctx: &Ctx, out: &Path, fixtures: Option<&Path>, dispatch: Dispatch) -> Result<Outcome> {
    let fx = fixtures.map(Path::to_path_buf).unwrap_or_else(default_fixtures);
    if !fx.join("people.csv").is_file() {
        return Err(Error::bad("--fixtures", format!("no people.csv in '{}'", fx.display())));
    }
    if out.exists() && std::fs::read_dir(out).map_err(|e| Error::io("read", out, e))?.next().is_some() {
        return Err(Error::bad(
            "--out",
            format!(
                "'{}' is not empty (an earlier demo?): the demo writes only into a new or empty folder; delete it (rm -r {}) or give another --out",
                out.display(),
                out.display()
            ),
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io("create the folder", out, e))?;
    let register = out.join("handover.db");
    let sub = Ctx {
        register: register.clone(),
        actor: "demo-facilitator".into(),
        now: ctx.now,
        style: Style { json: false, quiet: true, color: false },
    };
    let mut r = Runner { ctx: sub, log: String::new(), dispatch };

    let p = Paths { fx_dir: fx, out: out.to_path_buf(), keys_dir: out.join("keys"), register: register.clone() };
    let texts = set_up(&mut r, &p)?;
    let Imports { people, consents, roles, bases, sent, diversity, mailchimp, again } = import_files(&mut r, &p)?;
    consent_then_withdrawal(&mut r, ctx.now)?;
    let refused = erase_and_refuse_readding(&mut r, &p)?;
    let asked = campaign::small_campaign(&mut r, &p, ctx.now)?;
    let (added, docs_dir) = accounts_and_documents(&mut r, &p)?;
    let (blockers_before, plan) = review_and_approve(&mut r, &p, &added)?;
    let Handover { group_dir, bundles, bundle_file, created, verified, imported, group_register } =
        bundle_and_receive(&mut r, &p)?;
    let completed = receipt_rotation_and_completion(&mut r, &p, &group_dir, &group_register, &imported)?;
    let backup = out.join("register-backup.db.age");
    r.step(
        "back up the register, encrypted to the custodians",
        &["register", "backup", "--out", &backup.display().to_string()],
    )?;
    let verify = r.step("verify the audit log", &["audit", "verify"])?;

    let summary = coverage(&p, ctx.now)?;
    let keys_dir = &p.keys_dir;

    let mut text = String::new();
    let _ = writeln!(text, "handover demo: the synthetic Kent and Sussex community (everyone in it is invented)\n");
    let _ = writeln!(text, "steps:\n{}", r.log);
    let _ = writeln!(text, "what happened:");
    let _ = writeln!(text, "  {texts} statement and notice versions stored with their SHA-256");
    for (what, o) in [
        ("people", &people),
        ("consent", &consents),
        ("roles", &roles),
        ("bases", &bases),
        ("notices sent", &sent),
        ("diversity", &diversity),
        ("mailchimp", &mailchimp),
    ] {
        let _ = writeln!(text, "  {what}: {}", counts(o));
    }
    let _ = writeln!(text, "  second import of people.csv: already imported = {}", again.data()["already_imported"]);
    let _ = writeln!(text, "  re-adding the erased person was refused: {refused}");
    let _ = writeln!(text, "  audit log: {}", verify.text.trim());
    let _ = writeln!(
        text,
        "\nasking people (campaign join-2026; letters and answers in {}):\n{}",
        p.out.join("campaign").display(),
        indent(asked.text.trim())
    );
    let _ = writeln!(text, "\nconsent coverage now:\n{}", indent(&summary));
    let t = &plan["totals"];
    let _ = writeln!(
        text,
        "transfer plan to {RECEIVER}: {} register entries and {} mailing-list subscribers go; {} fields stripped or generalised; {} documents; {} account(s)",
        t["register_included"],
        t["mailing_list_included"],
        t["fields_stripped"],
        t["documents_included"],
        t["accounts"]
    );
    let _ = writeln!(
        text,
        "  blockers before review and approval: {blockers_before}; after: {}",
        plan["blockers"].as_array().map_or(0, Vec::len)
    );
    let _ = writeln!(
        text,
        "  see it all with `{} --register {} transfer plan --to {RECEIVER}` (or add --explain M0002)\n",
        program(),
        register.display()
    );
    let _ = writeln!(text, "files:\n  register: {}", register.display());
    let _ = writeln!(text, "  keys (demo only, no passphrase): {}", keys_dir.display());
    let _ = writeln!(text, "  documents: {}", docs_dir.display());
    let _ = writeln!(text, "  encrypted backup: {}", backup.display());
    let _ = writeln!(
        text,
        "  bundle: {} (+ .minisig, transfer record and its .minisig in {})",
        bundle_file,
        bundles.display()
    );
    let _ = writeln!(text, "  steering group's keys (demo only, no passphrase): {}", group_dir.display());
    let _ = writeln!(text, "  the steering group's register: {}", group_register.display());
    let _ = writeln!(text, "\nthe steering group's check: {}", verified.text.trim());
    let _ = writeln!(text, "the steering group's import: {}", imported.text.trim());
    let _ = writeln!(text, "the transfer now: {}", completed.text.trim());
    let group_folder = group_register.parent().unwrap_or(out);
    let _ = writeln!(
        text,
        "\nthe steering group's letters (open them in a browser, or print them):\n  {}\n  {}",
        group_folder.join("HANDOVER-LETTER.html").display(),
        group_folder.join("HANDOVER-LETTER-easy-read.html").display()
    );
    let prog = program();
    let _ = writeln!(
        text,
        "\nnext: look around with `{prog} --register {} person list` or `{prog} --register {} next`,\n\
         and read the data protection lead's report: `{prog} --register {} audit report --format html --out report.html`",
        register.display(),
        group_register.display(),
        register.display()
    );
    let data = serde_json::json!({
        "register": register.display().to_string(),
        "people": people.data(), "consent": consents.data(), "roles": roles.data(), "bases": bases.data(),
        "notices_sent": sent.data(), "diversity": diversity.data(), "mailchimp": mailchimp.data(),
        "erased_readd_refused": true,
        "plan": plan["totals"],
        "bundle": created.data(),
        "bundle_verify": verified.data(),
        "bundle_import": imported.data(),
        "transfer": completed.data(),
        "blockers": plan["blockers"],
        "campaign": asked.data(),
        "audit": verify.data(),
    });
    Ok(Outcome::new("demo", data, text))
}

/// The demo's folders: the fixtures it reads, the folder it writes, the facilitator's keys and
/// the register.
struct Paths {
    fx_dir: PathBuf,
    out: PathBuf,
    keys_dir: PathBuf,
    register: PathBuf,
}

impl Paths {
    /// A fixture file's path, as a command-line argument.
    fn fx(&self, name: &str) -> String {
        self.fx_dir.join(name).display().to_string()
    }
}

/// The facilitator's keys, the register with both controllers, the statements and notices, and
/// the assessments; returns how many texts were stored.
fn set_up(r: &mut Runner, p: &Paths) -> Result<usize> {
    // Keys for the demo's facilitator (unprotected: a demo only; real keys get a passphrase).
    r.step(
        "make the facilitator's keys (demo only: no passphrase)",
        &["keys", "new", "--out", &p.keys_dir.display().to_string(), "--name", "facilitator", "--unprotected"],
    )?;
    let recipient = p.keys_dir.join("facilitator-age.pub").display().to_string();
    r.step(
        "create the register",
        &[
            "init",
            "--community",
            "Kent and Sussex Community of Practice",
            "--controller",
            "Brightwater Trust",
            "--custodian",
            &recipient,
        ],
    )?;
    r.step(
        "record how to reach the charity (an office address, not a person's)",
        &["controller", "edit", OWN, "--contact", "dataprotection@brightwater.example"],
    )?;
    r.step(
        "add the receiving steering group",
        &[
            "controller",
            "add",
            "--name",
            "KSCoP Steering Group",
            "--kind",
            "unincorporated_association",
            "--contact",
            "steering@example.org",
        ],
    )?;
    // Statements and notices from the fixture index.
    let index = std::fs::read_to_string(p.fx_dir.join("texts/index.csv"))
        .map_err(|e| Error::io("read", p.fx_dir.join("texts/index.csv"), e))?;
    let mut texts = 0;
    for line in index.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let [kind, version, purpose, format, eff, announces, file, controllers] = c[..] else {
            continue;
        };
        let path = p.fx(file);
        let mut args =
            vec![kind, "add", "--version", version, "--format", format, "--file", &path, "--effective-from", eff];
        if kind == "statement" {
            args.extend(["--purpose", purpose, "--controllers", controllers]);
        } else if !announces.is_empty() {
            args.extend(["--announces", announces]);
        }
        r.step(&format!("store {kind} {version} ({format})"), &args)?;
        texts += 1;
    }
    // The assessments the bases and the receiver's DPIA cite.
    let index = std::fs::read_to_string(p.fx_dir.join("assessments/index.csv"))
        .map_err(|e| Error::io("read", p.fx_dir.join("assessments/index.csv"), e))?;
    for line in index.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let [kind, reference, version, approver, approved, file] = c[..] else {
            continue;
        };
        let path = p.fx(file);
        r.step(
            &format!("register assessment {reference}"),
            &[
                "assessment",
                "add",
                "--kind",
                kind,
                "--ref",
                reference,
                "--version",
                version,
                "--approver",
                approver,
                "--approved-on",
                approved,
                "--file",
                &path,
            ],
        )?;
    }
    Ok(texts)
}

/// What each import reported.
struct Imports {
    people: Outcome,
    consents: Outcome,
    roles: Outcome,
    bases: Outcome,
    sent: Outcome,
    diversity: Outcome,
    mailchimp: Outcome,
    again: Outcome,
}

/// The member register, its evidence and a real export, imported all or nothing (and people.csv a
/// second time, which changes nothing).
fn import_files(r: &mut Runner, p: &Paths) -> Result<Imports> {
    let people = r.step("import the member register", &["person", "import", &p.fx("people.csv")])?;
    let consents = r.step("import consent evidence", &["consent", "import", &p.fx("consent.csv")])?;
    let roles = r.step("import roles", &["role", "import", &p.fx("roles.csv")])?;
    let bases = r.step("import other lawful bases and objections", &["basis", "import", &p.fx("bases.csv")])?;
    let sent = r.step("import the notice delivery log", &["notice", "send-log", &p.fx("notices-sent.csv")])?;
    let diversity =
        r.step("import diversity answers (explicit consent checked)", &["person", "import", &p.fx("diversity.csv")])?;
    let mailchimp = r.step(
        "import the Mailchimp audience export",
        &[
            "person",
            "import",
            &p.fx("exports/mailchimp-audience-export.zip"),
            "--purpose",
            "newsletter",
            "--controllers",
            OWN,
            "--statement-version",
            "NL-2017",
            "--notice-version",
            "PN-2017",
            "--method",
            "online_checkbox",
            "--without-consent",
        ],
    )?;
    let again =
        r.step("import the member register again (changes nothing)", &["person", "import", &p.fx("people.csv")])?;

    Ok(Imports { people, consents, roles, bases, sent, diversity, mailchimp, again })
}

/// A consent recorded, then withdrawn: withdrawal is as easy as giving.
fn consent_then_withdrawal(r: &mut Runner, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    // Record a consent, then withdraw it: withdrawal is as easy as giving.
    let at_grant = (now - chrono::Duration::days(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let at_withdraw = (now - chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    r.step(
        "record a consent to the steering group's newsletter",
        &[
            "consent",
            "record",
            "--person",
            "M0004",
            "--purpose",
            "successor_newsletter",
            "--controllers",
            RECEIVER,
            "--channels",
            "email",
            "--at",
            &at_grant,
            "--recorded-by",
            "demo-facilitator",
            "--method",
            "paper_signed",
            "--evidence-ref",
            "DEMO-FORM-1",
            "--statement-version",
            "SN-2025",
            "--notice-version",
            "PN-2025",
            "--told-can-withdraw",
            "yes",
        ],
    )?;
    r.step(
        "record its withdrawal",
        &[
            "consent",
            "withdraw",
            "--person",
            "M0004",
            "--purpose",
            "successor_newsletter",
            "--at",
            &at_withdraw,
            "--recorded-by",
            "demo-facilitator",
            "--channels",
            "email",
        ],
    )?;
    Ok(())
}

/// A person erased, then a file adding them back (under another reference) refused; returns the
/// refusal.
fn erase_and_refuse_readding(r: &mut Runner, p: &Paths) -> Result<String> {
    // Erase a person, then show that a file adding them back is refused.
    let victim = "M0100";
    let row = std::fs::read_to_string(p.fx_dir.join("people.csv"))
        .map_err(|e| Error::io("read", p.fx_dir.join("people.csv"), e))?
        .lines()
        .find(|l| l.starts_with(&format!("{victim},")))
        .map(String::from)
        .ok_or_else(|| Error::bad("--fixtures", "its people.csv has no person M0100, whom the demo erases"))?;
    r.step("erase a person (erasure request)", &["person", "erase", victim, "--reason", "erasure request DEMO-1"])?;
    let readd = p.out.join("re-add-erased-person.csv");
    let header =
        "ref,name,email,phone,organisation,stakeholder_group,hub,jurisdiction,adult_confirmed,source,joined_on,notes";
    // A different reference, so only the email (matched by its keyed hash) can catch it.
    let row = row.replacen(victim, "NEW-1", 1);
    std::fs::write(&readd, format!("{header}\n{row}\n")).map_err(|e| Error::io("write", &readd, e))?;
    let refused = match r.step("try to add the erased person back", &["person", "import", &readd.display().to_string()])
    {
        Err(Error::ImportRefused { rows, .. }) => {
            rows.first().map(std::string::ToString::to_string).unwrap_or_default()
        }
        Err(e) => return Err(e),
        Ok(_) => return Err(Error::Internal("the erased person was added back".into())),
    };
    std::fs::remove_file(&readd).map_err(|e| Error::io("remove", &readd, e))?;
    Ok(refused)
}

/// The website account (its password sealed to the custodians) and the documents that change
/// hands; returns what `document add` reported and the documents' folder.
fn accounts_and_documents(r: &mut Runner, p: &Paths) -> Result<(Outcome, PathBuf)> {
    // The accounts and documents that change hands.
    let secret = p.out.join("website-password.txt");
    std::fs::write(&secret, "demo-only-password-7f3a").map_err(|e| Error::io("write", &secret, e))?;
    r.step(
        "record the website account (its password encrypted to the custodians)",
        &[
            "account",
            "add",
            "--service",
            "wordpress",
            "--url",
            "https://kscop.example.org/wp-admin",
            "--login",
            "kscop-admin",
            "--personal-data",
            "website user accounts and comments",
            "--paid-by",
            "Brightwater Trust",
            "--paid-until",
            "2027-04-30",
            "--secret-file",
            &secret.display().to_string(),
        ],
    )?;
    std::fs::remove_file(&secret).map_err(|e| Error::io("remove", &secret, e))?;
    let docs_dir = p.out.join("documents");
    std::fs::create_dir_all(&docs_dir).map_err(|e| Error::io("create the folder", &docs_dir, e))?;
    let mut doc_paths = Vec::new();
    for name in ["minutes.txt", "notes.md", "page.html", "minutes.docx"] {
        let to = docs_dir.join(name);
        std::fs::copy(p.fx_dir.join("redaction").join(name), &to).map_err(|e| Error::io("copy", &to, e))?;
        doc_paths.push(to.display().to_string());
    }
    let mut add = vec!["document", "add", "--classification", "personal", "--category", "minutes"];
    add.extend(doc_paths.iter().map(String::as_str));
    let added = r.step("register the documents to hand over", &add)?;
    Ok((added, docs_dir))
}

/// The agreement and DPIA recorded, the plan made, every document reviewed, the plan approved and
/// made again; returns the blockers before review and the final plan.
fn review_and_approve(r: &mut Runner, p: &Paths, added: &Outcome) -> Result<(usize, serde_json::Value)> {
    r.step(
        "record the data sharing agreement and DPIA",
        &["controller", "edit", RECEIVER, "--dsa-ref", "DSA-2026-01", "--dpia-ref", "DPIA-2026-01"],
    )?;
    let first = r.step("plan the transfer (nothing is written)", &["transfer", "plan", "--to", RECEIVER])?;
    let blockers_before = first.data()["blockers"].as_array().map_or(0, Vec::len);
    for d in added.data().as_array().into_iter().flatten() {
        let id = d["id"].as_str().unwrap_or_default().to_string();
        r.step(
            &format!("review document {id} after its redaction"),
            &[
                "document",
                "review",
                &id,
                "--decision",
                "include",
                "--reviewer",
                "dp-lead",
                "--note",
                "redaction checked line by line",
            ],
        )?;
    }
    let keys = p.keys_dir.display().to_string();
    r.step(
        "the data protection lead makes a signing key (demo only: no passphrase)",
        &["keys", "new", "--out", &keys, "--name", "dp-lead", "--unprotected"],
    )?;
    let dp_pub = p.keys_dir.join("dp-lead-minisign.pub").display().to_string();
    let dp_key = p.keys_dir.join("dp-lead-minisign.key").display().to_string();
    r.step(
        "register the data protection lead as the approver (the first signs their own registration)",
        &["approver", "add", &dp_pub, "--name", "dp-lead", "--sign-key", &dp_key],
    )?;
    r.step(
        "the data protection lead approves the plan, signing it with their key",
        &["transfer", "approve", "--to", RECEIVER, "--sign-key", &dp_key],
    )?;
    let plan = r.step("plan again", &["transfer", "plan", "--to", RECEIVER])?.data().into_owned();
    Ok((blockers_before, plan))
}

/// The steering group's side: its keys, the bundle written to them, verified and imported.
struct Handover {
    group_dir: PathBuf,
    bundles: PathBuf,
    bundle_file: String,
    created: Outcome,
    verified: Outcome,
    imported: Outcome,
    group_register: PathBuf,
}

/// The steering group makes its keys; the bundle is written to them, and they verify and import it.
fn bundle_and_receive(r: &mut Runner, p: &Paths) -> Result<Handover> {
    // The receiving group's keys, the bundle, and the group's check of it.
    let group_dir = p.out.join("steering-group-keys");
    let group_dir_s = group_dir.display().to_string();
    r.step(
        "the steering group makes its keys (demo only: no passphrase)",
        &["keys", "new", "--out", &group_dir_s, "--name", "steering-group", "--unprotected"],
    )?;
    let bundles = p.out.join("bundle");
    let bundles_s = bundles.display().to_string();
    let sign_key = p.keys_dir.join("facilitator-minisign.key").display().to_string();
    let identity = p.keys_dir.join("facilitator-age.key").display().to_string();
    let group_pub = group_dir.join("steering-group-age.pub").display().to_string();
    let created = r.step(
        "write the bundle, encrypted to the steering group and signed",
        &[
            "bundle",
            "create",
            "--to",
            RECEIVER,
            "--recipient",
            &group_pub,
            "--sign-key",
            &sign_key,
            "--identity",
            &identity,
            "--out",
            &bundles_s,
        ],
    )?;
    let bundle_file = created.data()["bundle"].as_str().unwrap_or_default().to_string();
    let verified = r.step(
        "the steering group verifies every layer of the bundle",
        &[
            "bundle",
            "verify",
            &bundle_file,
            "--identity",
            &group_dir.join("steering-group-age.key").display().to_string(),
            "--signer",
            &p.keys_dir.join("facilitator-minisign.pub").display().to_string(),
        ],
    )?;
    let group_register = p.out.join("steering-group").join("register.db");
    let imported = r.step(
        "the steering group imports it into its own register (the approval by the data protection lead's key it checked by phone), and signs a receipt",
        &[
            "bundle",
            "import",
            &bundle_file,
            "--identity",
            &group_dir.join("steering-group-age.key").display().to_string(),
            "--signer",
            &p.keys_dir.join("facilitator-minisign.pub").display().to_string(),
            "--approver",
            &p.keys_dir.join("dp-lead-minisign.pub").display().to_string(),
            "--into",
            &group_register.display().to_string(),
            "--custodian",
            &group_pub,
            "--sign-key",
            &group_dir.join("steering-group-minisign.key").display().to_string(),
        ],
    )?;
    Ok(Handover { group_dir, bundles, bundle_file, created, verified, imported, group_register })
}

/// The rest of the story: the facilitator records the group's receipt; the group makes every
/// account safe and signs the statement that completes the transfer; the facilitator records it.
/// Returns the sender's view of the transfer at the end.
fn receipt_rotation_and_completion(
    r: &mut Runner,
    p: &Paths,
    group_dir: &Path,
    group_register: &Path,
    imported: &Outcome,
) -> Result<Outcome> {
    let id = imported.data()["bundle_id"].as_str().unwrap_or_default().to_string();
    let folder = group_register.parent().unwrap_or(&p.out).to_path_buf();
    let group_pub = group_dir.join("steering-group-minisign.pub").display().to_string();
    let receipt = folder.join(format!("{id}.receipt.json")).display().to_string();
    r.step(
        "the facilitator checks the group's signed receipt and records it",
        &["transfer", "confirm", "--receipt", &receipt, "--signer", &group_pub],
    )?;
    let accounts =
        r.step_on(group_register, "the steering group lists the accounts it received", &["account", "list"])?;
    let ids: Vec<String> =
        accounts.data().as_array().into_iter().flatten().filter_map(|a| a["id"].as_str().map(String::from)).collect();
    for a in &ids {
        r.step_on(
            group_register,
            "the steering group changes the password, recovery details and two-step sign-in, removes the charity's admins, and records it",
            &["account", "rotate-done", a, "--what", "all"],
        )?;
    }
    let sign_key = group_dir.join("steering-group-minisign.key").display().to_string();
    r.step_on(
        group_register,
        "the steering group signs the statement that every account is theirs now",
        &["transfer", "complete", "--bundle", &id, "--sign-key", &sign_key],
    )?;
    let statement = folder.join(format!("{id}.complete.json")).display().to_string();
    r.step(
        "the facilitator checks the statement and records the transfer complete",
        &["transfer", "confirm", "--statement", &statement, "--signer", &group_pub],
    )?;
    r.step("the transfer as the data protection lead sees it", &["transfer", "show", &id])
}

/// How to run this program in a hint: `handover` when that name on PATH is this program,
/// otherwise the path that runs it (before `cargo install --path .`, say).
fn program() -> String {
    let Ok(me) = std::env::current_exe().and_then(std::fs::canonicalize) else { return "handover".into() };
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|d| std::fs::canonicalize(d.join("handover")).is_ok_and(|p| p == me))
    });
    if on_path {
        return "handover".into();
    }
    let cwd = std::env::current_dir().ok().and_then(|d| std::fs::canonicalize(d).ok());
    match cwd.and_then(|d| me.strip_prefix(&d).ok().map(Path::to_path_buf)) {
        Some(rel) => format!("./{}", rel.display()),
        None => me.display().to_string(),
    }
}

/// Consent coverage by purpose and controller, and the suppression list, as the register now has them.
fn coverage(p: &Paths, now: chrono::DateTime<chrono::Utc>) -> Result<String> {
    // Summary: consent coverage by purpose and controller.
    let reg = crate::register::Register::open(&p.register, "demo-facilitator")?;
    let conn = &reg;
    let mut summary = String::new();
    let (live, erased) = people::people_counts(conn)?;
    let _ = writeln!(summary, "people: {live} in the register, {erased} erased");
    for (purpose, controller) in [
        ("newsletter", OWN),
        ("disclose_to_successor", RECEIVER),
        ("successor_newsletter", RECEIVER),
        ("diversity_monitoring", OWN),
    ] {
        let refresh = catalogue::purpose(conn, purpose)?.and_then(|p| p.refresh_months);
        let events = evidence::consents(conn, None, Some(purpose))?;
        let mut by: std::collections::BTreeMap<&str, i64> = Default::default();
        let mut i = 0;
        while i < events.len() {
            let pid = &events[i].person_id;
            let mut views = Vec::new();
            while i < events.len() && &events[i].person_id == pid {
                views.push(events[i].view());
                i += 1;
            }
            *by.entry(consent::status(&views, controller, refresh, now).as_str()).or_default() += 1;
        }
        let parts: Vec<String> = by.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(summary, "{purpose} for {controller}: {}", parts.join(", "));
    }
    for (reason, n) in suppression::suppression_counts(conn)? {
        let _ = writeln!(summary, "suppressed ({reason}): {n}");
    }

    Ok(summary)
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}
