//! The receiving side's commands: `receive` (the group's one step), `bundle verify` and
//! `bundle import`. Inputs are checked for the usual mistakes before anything is opened, keys come
//! from the user's keys folder and trusted senders when no flag names them, and a passphrase is
//! asked only once everything else was checked.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::base::keys::{self, SigningKey};
use crate::bundle::receive::Received;
use crate::entry::cli::ReceiveArgs;
use crate::entry::home::{self, Trusted};
use crate::entry::output::Outcome;

/// What a bundle is received with, as given (flags) before defaults are applied.
pub struct Inputs {
    pub file: PathBuf,
    pub identity: Option<PathBuf>,
    pub signer: Option<String>,
    /// The flag that names the signer (`--signer`, or `--from` for `receive`).
    pub signer_flag: &'static str,
    /// The approver's key as given (`--approver`).
    pub approver: Option<String>,
    pub into: Option<PathBuf>,
    pub custodians: Vec<String>,
    pub sign_key: Option<PathBuf>,
    pub first_message: Option<chrono::NaiveDate>,
    pub max_expand: u64,
}

/// The bundle file itself: the transfer record or a signature given as the bundle, a missing
/// file, the signature not beside it.
fn check_bundle_file(file: &Path) -> Result<()> {
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
    if name.ends_with(".receipt.json") || name.ends_with(".receipt.json.minisig") {
        return Err(Error::bad(
            "FILE",
            "this is a receipt (it goes back to the sender), not a bundle: give the .zip.age file the sender sent",
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
    if !Path::new(&sig).is_file() {
        return Err(Error::bad(
            "FILE",
            format!(
                "the signature {sig} is not beside the bundle: save the .minisig file the sender sent in the same folder, under that name, and run this again"
            ),
        ));
    }
    Ok(())
}

/// The sender's key: the flag's, else the trusted sender whose key signed the bundle.
fn signer_for(flag: Option<&str>, flag_name: &str, file: &Path) -> Result<(minisign::PublicKey, Option<Trusted>)> {
    if let Some(arg) = flag {
        let pk = keys::load_public_key(arg)?;
        let trusted = home::trusted_by_key(&pk)?;
        return Ok((pk, trusted));
    }
    let sig_path = PathBuf::from(format!("{}.minisig", file.display()));
    let text = keys::read_small(&sig_path)?;
    let keynum = minisign::SignatureBox::from_string(&text)
        .map(|b| keys::key_id(b.keynum()))
        .map_err(|_| Error::bad("FILE", format!("{} is not a minisign signature", sig_path.display())))?;
    let trusted = home::trusted()?;
    match trusted.iter().find(|t| t.key_id == keynum) {
        Some(t) => Ok((keys::load_public_key(&t.public_key)?, Some(t.clone()))),
        None => Err(Error::bad(
            flag_name,
            format!(
                "this bundle is signed by key {keynum}, which is not one of your trusted senders: give {flag_name} with the sender's public key (their .pub file or RW… string), and compare its fingerprint with the one they read out to you"
            ),
        )),
    }
}

/// The keys given: the group's own signing key as the signer.
fn check_keys(identity: &Path, signer: &minisign::PublicKey, own: Option<&minisign::PublicKey>) -> Result<()> {
    // Your own key: the minisign public key beside your age identity (the same label), the one
    // this import signs its receipt with, or the one in your keys folder.
    let stem = identity.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let own_beside = stem
        .strip_suffix("-age.key")
        .map(|label| identity.with_file_name(format!("{label}-minisign.pub")))
        .and_then(|p| keys::load_public_key(&p.display().to_string()).ok());
    let folder = home::own_public_key();
    if own.into_iter().chain(own_beside.as_ref()).chain(folder.as_ref()).any(|o| o.keynum() == signer.keynum()) {
        return Err(Error::bad(
            "--signer",
            "this is your own signing key: use the sender's public key (the fingerprint you checked with them by phone)",
        ));
    }
    Ok(())
}

/// The public key beside a secret key file (`X.key` → `X.pub`), if there is one.
pub(super) fn public_beside(sign_key: &Path) -> Option<minisign::PublicKey> {
    let name = sign_key.file_name()?.to_string_lossy().replace(".key", ".pub");
    keys::load_public_key(&sign_key.with_file_name(name).display().to_string()).ok()
}

/// How the approval's key is checked against the one the group checked with the data protection
/// lead: the key given with `--approver`, else the approver trusted for this sender, else (asked on
/// a terminal) the fingerprint the user compares. `receive` remembers a key given or confirmed
/// after a successful import.
struct ApproverCheck<'a> {
    given: Option<minisign::PublicKey>,
    sender: &'a minisign::PublicKey,
    ask: bool,
    to_trust: std::cell::RefCell<Option<(minisign::PublicKey, String)>>,
}

impl<'a> ApproverCheck<'a> {
    fn new(flag: Option<&str>, sender: &'a minisign::PublicKey, ask: bool) -> Result<ApproverCheck<'a>> {
        let given = flag.map(keys::load_public_key).transpose()?;
        if given.as_ref().is_some_and(|g| g.keynum() == sender.keynum()) {
            return Err(Error::bad(
                "--approver",
                "this is the sender's own signing key: the approver's is the data protection lead's, a different key",
            ));
        }
        Ok(ApproverCheck { given, sender, ask, to_trust: std::cell::RefCell::new(None) })
    }

    fn check(&self, v: &mut crate::bundle::read::Verification) -> Result<()> {
        let pk =
            v.approver_public_key.as_deref().and_then(|k| minisign::PublicKey::from_base64(k).ok()).ok_or_else(
                || Error::bad("FILE", "the bundle's approval names no key: ask the sender for a new bundle"),
            )?;
        let id = keys::key_id(pk.keynum());
        let fp = keys::signer_fingerprint(&pk);
        let name = v.approved_by.clone().unwrap_or_else(|| "the data protection lead".into());
        if let Some(g) = &self.given {
            if g.to_base64() != pk.to_base64() {
                return Err(Error::bad(
                    "--approver",
                    format!(
                        "the approval is signed by key {id} (fingerprint {fp}), not by the data protection lead's key you gave ({}): nothing was imported; call them and check which key they approve with",
                        keys::key_id(g.keynum())
                    ),
                ));
            }
            v.approver_checked = true;
            *self.to_trust.borrow_mut() = Some((pk, name));
            return Ok(());
        }
        if home::approver_trusted(&keys::key_id(self.sender.keynum()), &pk)?.is_some() {
            v.approver_checked = true;
            return Ok(());
        }
        if self.ask && interactive() {
            eprintln!(
                "The plan was approved by {}, with key {id}.\n  Fingerprint: {fp}\nCompare it with the fingerprint the sender's data protection lead read out to you, all sixteen characters.",
                crate::entry::output::sanitize(&name)
            );
            let answer = ask("Is it the same? Type yes or no: ")?;
            if answer.eq_ignore_ascii_case("yes") || answer.eq_ignore_ascii_case("y") {
                v.approver_checked = true;
                *self.to_trust.borrow_mut() = Some((pk, name));
                return Ok(());
            }
            return Err(Error::bad(
                "--approver",
                "you said the fingerprint is not the one the data protection lead read out: nothing was imported; call them and check which key they approve with",
            ));
        }
        Err(Error::bad(
            "--approver",
            format!(
                "the approval is signed by key {id} (fingerprint {fp}), which you have not checked: nothing was imported; call the sender's data protection lead, compare the fingerprint, then run this again with --approver and their public key"
            ),
        ))
    }

    /// Remember the key given or confirmed as this sender's approver (after a successful import).
    fn remember(&self, now: chrono::DateTime<chrono::Utc>) -> Result<Option<home::TrustedApprover>> {
        let Some((pk, name)) = self.to_trust.borrow_mut().take() else { return Ok(None) };
        Ok(match home::trust_approver(&pk, &crate::entry::output::sanitize(&name), self.sender, now)? {
            home::Trust::Added(a) => Some(a),
            home::Trust::Already(_) => None,
        })
    }
}

/// `bundle verify`.
pub fn verify(
    ctx: &Ctx,
    file: &Path,
    identity: Option<PathBuf>,
    signer: Option<&str>,
    approver: Option<&str>,
    max_expand: u64,
) -> Result<Outcome> {
    let (identity, ids, pk, _) = opened_with(file, identity, signer, "--signer")?;
    check_keys(&identity, &pk, None)?;
    let check = ApproverCheck::new(approver, &pk, false)?;
    let mut v = crate::bundle::read::verify(file, &ids, &pk, !ctx.style.quiet, max_expand);
    if v.valid {
        let unchecked = match check.check(&mut v) {
            Ok(()) => None,
            // A key given that is not the approval's is a failed check; one merely not yet
            // checked is said, and the import asks for it.
            Err(e) if check.given.is_some() => {
                v.valid = false;
                v.layer = Some(crate::domain::model::VerifyLayer::Approval);
                v.file = Some(crate::bundle::layout::MANIFEST.into());
                v.why = Some(e.to_string());
                return Ok(failed(
                    v,
                    "INVALID bundle",
                    "nothing was written: check the data protection lead's key with them by phone",
                ));
            }
            Err(_) => Some(
                "  the approver's key is not one you have checked: compare its fingerprint with the sender's data protection lead by phone, then give it with --approver (the import refuses it until then)\n",
            ),
        };
        let text = format!(
            "VALID bundle {} from {} to {}: outer signature, decryption, zip, inner signature, {} files ({} bytes), schemas and rules all check\n  approved by {} (key {}, fingerprint {}): the approval covers every value it carries except the account secrets\n{}",
            v.bundle_id.as_deref().unwrap_or("?"),
            v.from.as_deref().unwrap_or("?"),
            v.to.as_deref().unwrap_or("?"),
            v.files,
            v.payload_bytes,
            v.approved_by.as_deref().unwrap_or("?"),
            v.approver_key_id.as_deref().unwrap_or("?"),
            v.approver_fingerprint.as_deref().unwrap_or("?"),
            unchecked.unwrap_or_default(),
        );
        return Ok(Outcome::new("bundle_verify", v, text));
    }
    let note = advice(&v, file, &pk);
    Ok(failed(v, "INVALID bundle", &note))
}

/// What to do about a bundle that failed a layer, by what failed: a key mix-up is named as one
/// ("ask the sender for a new bundle" only when its bytes are really bad).
fn advice(v: &crate::bundle::read::Verification, file: &Path, signer: &minisign::PublicKey) -> String {
    use crate::domain::model::VerifyLayer;
    match v.layer {
        Some(VerifyLayer::OuterSignature) => {
            let sig = keys::read_small(&PathBuf::from(format!("{}.minisig", file.display()))).ok();
            let signed_by = sig.and_then(|t| minisign::SignatureBox::from_string(&t).ok()).map(|b| keys::key_id(b.keynum()));
            match signed_by {
                Some(id) if id != keys::key_id(signer.keynum()) => format!(
                    "nothing was written: the bundle is signed by key {id}, not by the key you gave ({}): check with the sender by phone which key they sign with, and give that one",
                    keys::key_id(signer.keynum())
                ),
                _ => "nothing was written: the bundle was changed after it was signed (damaged on the way, or tampered with): ask the sender to send it again".into(),
            }
        }
        Some(VerifyLayer::Decryption) => "nothing was written: the bundle is not encrypted to your key: give the identity whose public key (age1…) you sent the sender, or send them your public key again (`handover keys show`) and ask them to make the bundle for it".into(),
        _ => "nothing was written: the bundle is damaged or was made wrongly: ask the sender for a new bundle, and check the signer's fingerprint with them by phone".into(),
    }
}

/// A bundle that failed a layer: which layer, where and why (exit 1).
fn failed(v: crate::bundle::read::Verification, head: &str, note: &str) -> Outcome {
    let text = format!(
        "{head}: {} failed{}: {}\n",
        v.layer.map_or("?", crate::domain::model::VerifyLayer::as_str),
        v.file.as_ref().map(|f| format!(" at {f}")).unwrap_or_default(),
        v.why.as_deref().unwrap_or("")
    );
    let mut o = Outcome::new("bundle_verify", v, text);
    o.exit = crate::entry::exit::ExitCode::CheckFailed;
    o.note(note)
}

/// What a successful import leaves for `receive` to say.
pub struct Done {
    pub imported: crate::bundle::import::Imported,
    pub receipt: PathBuf,
    pub letters: (PathBuf, PathBuf),
    pub manifest: Box<crate::bundle::write::Manifest>,
    pub signer: minisign::PublicKey,
    pub trusted: Option<Trusted>,
    /// The approver's key newly remembered for this sender, if it was.
    pub approver: Option<home::TrustedApprover>,
}

/// The bundle file checked for the usual mistakes, then what opens it: the identity (the flag's or
/// the keys folder's) and the sender's key (the flag's, or the trusted sender's that signed it).
fn opened_with(
    file: &Path,
    identity: Option<PathBuf>,
    signer: Option<&str>,
    signer_flag: &str,
) -> Result<(PathBuf, Vec<age::x25519::Identity>, minisign::PublicKey, Option<Trusted>)> {
    check_bundle_file(file)?;
    let identity = home::identity(identity, "--identity")?;
    let (pk, trusted) = signer_for(signer, signer_flag, file)?;
    let ids = keys::load_identities(&identity)?;
    Ok((identity, ids, pk, trusted))
}

/// Resolved inputs, checked for the usual mistakes. The identity is opened (its passphrase
/// asked, when it has one) only when the bundle is, after every question `receive` asks.
struct Resolved {
    identity: PathBuf,
    own_custodian: bool,
    signer: minisign::PublicKey,
    trusted: Option<Trusted>,
    sign_key: PathBuf,
    custodians: Vec<age::x25519::Recipient>,
}

fn resolve(a: &Inputs, own_custodian: bool) -> Result<Resolved> {
    check_bundle_file(&a.file)?;
    let identity = home::identity(a.identity.clone(), "--identity")?;
    let (signer, trusted) = signer_for(a.signer.as_deref(), a.signer_flag, &a.file)?;
    let sign_key = home::sign_key(a.sign_key.clone(), "--sign-key")?;
    check_keys(&identity, &signer, public_beside(&sign_key).as_ref()).map_err(|e| match e {
        Error::BadValue { why, .. } => Error::bad(a.signer_flag, why),
        e => e,
    })?;
    let custodians = a.custodians.iter().map(|c| keys::recipient_arg(c, "--custodian")).collect::<Result<Vec<_>>>()?;
    Ok(Resolved { identity, own_custodian, signer, trusted, sign_key, custodians })
}

impl Resolved {
    /// The identities that open the bundle, and the custodians its secrets are sealed to (this
    /// member's own key among them for `receive`).
    fn open(&self) -> Result<(Vec<age::x25519::Identity>, Vec<age::x25519::Recipient>)> {
        let ids = keys::load_identities(&self.identity)?;
        let mut custodians = self.custodians.clone();
        if self.own_custodian {
            for id in &ids {
                let r = id.to_public();
                if !custodians.iter().any(|c| c.to_string() == r.to_string()) {
                    custodians.push(r);
                }
            }
        }
        Ok((ids, custodians))
    }
}

/// Import with resolved inputs into `into`. `Err(outcome)`: a layer failed, nothing was written.
/// The approval's key is checked with `ask` allowed on a terminal (`receive`).
fn import_into(
    ctx: &Ctx,
    a: &Inputs,
    r: Resolved,
    into: &Path,
    ask: bool,
) -> Result<std::result::Result<(Done, usize), Box<Outcome>>> {
    let sign_key = r.sign_key.clone();
    let load_key = move || SigningKey::load(&sign_key);
    let check = ApproverCheck::new(a.approver.as_deref(), &r.signer, ask)?;
    let approver = |v: &mut crate::bundle::read::Verification| check.check(v);
    let (ids, custodians) = r.open()?;
    let received = crate::bundle::receive::receive(&crate::bundle::receive::Request {
        file: &a.file,
        identities: &ids,
        signer: &r.signer,
        into,
        custodians: &custodians,
        key: &load_key,
        approver: &approver,
        first_message: a.first_message,
        actor: &ctx.actor,
        now: ctx.now,
        progress: !ctx.style.quiet,
        max_expand: a.max_expand,
    })?;
    match received {
        Received::Imported { imported, receipt, letters, leftovers_removed, manifest } => {
            // `receive` remembers the keys it was given or shown; `bundle import` names them each time.
            let approver = if ask { check.remember(ctx.now)? } else { None };
            Ok(Ok((
                Done { imported, receipt, letters, manifest, signer: r.signer.clone(), trusted: r.trusted, approver },
                leftovers_removed,
            )))
        }
        Received::Refused(v) => {
            let note = advice(&v, &a.file, &r.signer);
            Ok(Err(Box::new(failed(v, "NOT imported", &note))))
        }
    }
}

/// `bundle import`: the outcome, and what was done when the import succeeded.
pub fn import(ctx: &Ctx, a: Inputs) -> Result<(Outcome, Option<Done>)> {
    let r = resolve(&a, false)?;
    let into = a.into.clone().ok_or_else(|| Error::bad("--into", "name the group's register"))?;
    let (done, leftovers) = match import_into(ctx, &a, r, &into, false)? {
        Ok(d) => d,
        Err(refused) => return Ok((*refused, None)),
    };
    let imported = &done.imported;
    let mut text = format!(
        "{} bundle {} from {} into {}: {} people ({} already known), {} consent events, {} account(s), {} document(s) in {}\n\
         tasks: your privacy notice to everyone received (Art 14, due within a month) and {} account rotation(s): see `handover --register {} next`\n\
         letters: {} and {}\n\
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
        done.letters.0.display(),
        done.letters.1.display(),
        done.receipt.display()
    );
    if !imported.skipped.is_empty() {
        let why: Vec<String> = imported
            .skipped
            .iter()
            .map(|(k, n)| match *k {
                "account_secret_kept" => format!("{n} account secret(s) you had changed (yours kept)"),
                _ => format!("{n} {}", k.replace('_', " ")),
            })
            .collect();
        text.push_str(&format!("not taken: {} (see `--json` for what each means)\n", why.join(", ")));
    }
    let o = Outcome::new("bundle_import", imported.clone(), text);
    let o = if leftovers > 0 {
        o.note(format!("removed {leftovers} temporary file(s) an earlier import left when it was stopped"))
    } else {
        o
    };
    Ok((o, Some(done)))
}

/// Whether to talk with the person: both standard input and standard error are terminals.
fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Ask a question on standard error and read one line of answer.
fn ask(question: &str) -> Result<String> {
    eprint!("{question}");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| Error::io("read", "standard input", e))?;
    Ok(line.trim().to_string())
}

/// The receiving controller the outer signature's trusted comment names, to know which register
/// a follow-up belongs to. Read without hashing the bundle: it only picks a default, and the full
/// verification that follows refuses a bundle whose comment was changed.
fn bundle_to(file: &Path) -> Option<String> {
    let sig = keys::read_small(&PathBuf::from(format!("{}.minisig", file.display()))).ok()?;
    let comment = minisign::SignatureBox::from_string(&sig).ok()?.trusted_comment().ok()?;
    let rest = comment.split(" to ").nth(1)?;
    rest.split_whitespace().next().map(str::to_string)
}

/// The community's folder name, from the bundle's file name (`COMMUNITY-YYYY-MM-DD.zip.age`).
fn community_folder(file: &Path) -> String {
    let name = file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let stem = name.split(".zip.age").next().unwrap_or(&name).split(".pass").next().unwrap_or_default().to_string();
    let bytes = stem.as_bytes();
    // Drop a trailing -YYYY-MM-DD.
    let stem = if bytes.len() > 11
        && bytes[bytes.len() - 11] == b'-'
        && crate::domain::model::parse_date(&stem[stem.len() - 10..]).is_some()
    {
        stem[..stem.len() - 11].to_string()
    } else {
        stem
    };
    // A folder name only: never `.`, `..` or a hidden name (a file called `...zip.age` would
    // otherwise put the register in the folder above).
    let stem = stem.trim_start_matches('.').to_string();
    if stem.is_empty() { "community".into() } else { stem }
}

/// Where `receive` keeps the register: the flag's; else the register in use, when the bundle is
/// for its group (a follow-up); else asked on a terminal, with COMMUNITY/register.db as the answer
/// taken without one.
fn where_to(ctx: &Ctx, a: &Inputs, to: Option<&str>) -> Result<PathBuf> {
    if let Some(p) = &a.into {
        // A `~` the shell left alone (quoted) is still the home folder.
        let p = typed_folder(&p.to_string_lossy());
        if let Some(service) = synced(&p) {
            eprintln!("{}", synced_note(&p, service));
        }
        return Ok(p);
    }
    if let (Some(to), Some(current)) = (to, home::remembered_register().filter(|p| p.is_file())) {
        let own = crate::register::Register::open(&current, &ctx.actor)
            .and_then(|r| crate::register::catalogue::self_controller(&r));
        if own.is_ok_and(|c| c.slug == to) {
            return Ok(current);
        }
    }
    let default = PathBuf::from(community_folder(&a.file)).join("register.db");
    if !interactive() {
        return Ok(default);
    }
    let answer = ask(&format!(
        "Where should your group's register be kept? Press Enter for {} or type a folder: ",
        default.display()
    ))?;
    if answer.is_empty() {
        return Ok(default);
    }
    let p = typed_folder(&answer);
    if let Some(service) = synced(&p) {
        eprintln!("{}", synced_note(&p, service));
        let again = ask("Keep it there all the same? Type yes or no: ")?;
        if !again.eq_ignore_ascii_case("yes") && !again.eq_ignore_ascii_case("y") {
            return Err(Error::bad(
                "--into",
                "nothing was imported: run `handover receive` again and give a folder only this computer has",
            ));
        }
    }
    Ok(if p.extension().is_some_and(|e| e == "db") { p } else { p.join("register.db") })
}

/// Why a register in a synced folder is a risk.
fn synced_note(p: &Path, service: &str) -> String {
    format!(
        "Note: {} looks like a {service} folder. A register there is copied to {service}'s servers and to every device signed in to it: keep it in a folder only this computer has.",
        p.display()
    )
}

/// A folder as a person types it: `~` is their home folder (as a shell reads it).
fn typed_folder(answer: &str) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match (answer.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h,
        (Some(rest), Some(h)) if rest.starts_with('/') => h.join(rest.trim_start_matches('/')),
        _ => PathBuf::from(answer),
    }
}

/// The file-sync service a folder is in, if its path says so.
fn synced(p: &Path) -> Option<&'static str> {
    let text = p.display().to_string().to_ascii_lowercase();
    [
        ("dropbox", "Dropbox"),
        ("onedrive", "OneDrive"),
        ("google drive", "Google Drive"),
        ("googledrive", "Google Drive"),
        ("icloud", "iCloud"),
        ("mobile documents", "iCloud"),
        ("box sync", "Box"),
    ]
    .iter()
    .find(|(k, _)| text.contains(k))
    .map(|(_, name)| *name)
}

/// `handover receive`.
pub fn receive(ctx: &Ctx, args: ReceiveArgs) -> Result<Outcome> {
    let a = Inputs {
        file: args.file,
        identity: args.identity,
        signer: args.from,
        signer_flag: "--from",
        approver: args.approver,
        into: args.into,
        custodians: args.custodians,
        sign_key: args.sign_key,
        first_message: args.first_message,
        max_expand: args.max_expand,
    };
    let r = resolve(&a, true)?;
    let say = !ctx.style.quiet && !ctx.style.json;
    let key_id = keys::key_id(r.signer.keynum());
    let fingerprint = keys::signer_fingerprint(&r.signer);
    match &r.trusted {
        Some(t) => {
            if say {
                eprintln!(
                    "Signed by {} (key {key_id}, fingerprint {fingerprint}), a sender you trust.",
                    crate::entry::output::sanitize(&t.name)
                );
            }
        }
        None => {
            if say || interactive() {
                eprintln!(
                    "The bundle is signed by key {key_id}.\n  Fingerprint: {fingerprint}\nCompare it with the fingerprint the sender read out to you, all sixteen characters."
                );
            }
            if interactive() {
                let answer = ask("Is it the same? Type yes or no: ")?;
                if !answer.eq_ignore_ascii_case("yes") && !answer.eq_ignore_ascii_case("y") {
                    return Err(Error::bad(
                        "--from",
                        "you said the fingerprint is not the one the sender read out: nothing was imported; call the sender and check which key they sign with",
                    ));
                }
            }
        }
    }
    // Who is acting, for the register's log: asked once on a terminal, then remembered.
    let named = if interactive() && home::remembered_actor().is_none() {
        let n = ask("Your name, as your register's log should record what you do (Enter to skip): ")?;
        Some(crate::entry::output::sanitize(n.trim())).filter(|n| !n.is_empty())
    } else {
        None
    };
    let with_name;
    let ctx = match &named {
        Some(n) => {
            with_name = Ctx { actor: n.clone(), ..ctx.clone() };
            &with_name
        }
        None => ctx,
    };
    let to = bundle_to(&a.file);
    let into = where_to(ctx, &a, to.as_deref())?;
    let (done, leftovers) = match import_into(ctx, &a, r, &into, true)? {
        Ok(d) => d,
        Err(refused) => return Ok(*refused),
    };
    let register = home::remember_register(&into, ctx.now)?;
    if let Some(n) = &named {
        home::remember_actor(n)?;
    }
    let sender = done.manifest.controllers.iter().find(|c| c.role == "from");
    let sender_name = sender.map_or_else(|| done.manifest.from.clone(), |c| c.name.clone());
    // The import is done: remembering the sender must not fail now. A name trusted already with
    // another key (the sender has a new one) is kept apart by the new key's id.
    let newly_trusted = match &done.trusted {
        Some(_) => false,
        None => {
            let name = crate::entry::output::sanitize(&sender_name);
            let trusted = match home::trust(&done.signer, &name, ctx.now) {
                Ok(t) => t,
                Err(Error::BadValue { .. }) => {
                    let id = keys::key_id(done.signer.keynum());
                    home::trust(&done.signer, &format!("{name} (key {id})"), ctx.now)?
                }
                Err(e) => return Err(e),
            };
            matches!(trusted, home::Trust::Added(_))
        }
    };
    let contact = sender.and_then(|c| c.contact.clone()).map(|c| format!(" ({c})")).unwrap_or_default();
    let imported = &done.imported;
    let receipt_name = done.receipt.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let folder = done.receipt.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut text = format!(
        "Received the {community} handover from {sender_name}: {people} people, {ml} on your mailing list, {docs} document(s), {acc} account(s).\n\n\
         Your register: {register}\n  (remembered: later commands need no --register)\n\
         Read first:    {letter}\n  Easy read:   {easy}\n\
         Documents:     {docs_folder}\n\n\
         Send these two files back to {sender_name}{contact} by email:\n  {receipt}\n  {receipt}.minisig\n\
         They say the bundle arrived safely, and hold nobody's details.\n\n\
         Then run `handover next` to see what to do, soonest first.\n",
        community = done.manifest.community,
        people = imported.people,
        ml = done.manifest.counts.get("mailing_list_included").and_then(serde_json::Value::as_u64).unwrap_or(0),
        docs = imported.documents,
        acc = imported.accounts,
        register = register.display(),
        letter = done.letters.0.display(),
        easy = done.letters.1.display(),
        docs_folder = imported.documents_folder,
        receipt = folder.join(&receipt_name).display(),
    );
    if newly_trusted {
        text.push_str(&format!(
            "\n{sender_name}'s key {} is now a trusted sender: their next bundle needs no --from.\n",
            keys::key_id(done.signer.keynum())
        ));
    }
    if let Some(a) = &done.approver {
        text.push_str(&format!(
            "{}'s key {} is now trusted as {sender_name}'s approver: their next approval needs no --approver.\n",
            a.name, a.key_id
        ));
    }
    let data = serde_json::json!({
        "imported": imported,
        "register": register.display().to_string(),
        "letter": done.letters.0.display().to_string(),
        "letter_easy_read": done.letters.1.display().to_string(),
        "receipt": done.receipt.display().to_string(),
        "receipt_signature": format!("{}.minisig", done.receipt.display()),
        "send_to": sender_name,
        "sender_key_id": keys::key_id(done.signer.keynum()),
        "sender_fingerprint": keys::signer_fingerprint(&done.signer),
        "sender_newly_trusted": newly_trusted,
    });
    let o = Outcome::new("received", data, text);
    Ok(if leftovers > 0 {
        o.note(format!("removed {leftovers} temporary file(s) an earlier import left when it was stopped"))
    } else {
        o
    })
}

#[cfg(test)]
mod tests {
    /// The default folder is named after the bundle, and is never `.`, `..` or hidden.
    #[test]
    fn the_default_folder_is_a_plain_folder_name() {
        let f = |n: &str| super::community_folder(std::path::Path::new(n));
        assert_eq!(f("kscop-2026-11-25.zip.age"), "kscop");
        assert_eq!(f("...zip.age"), "community");
        assert_eq!(f("..x.zip.age"), "x");
        assert_eq!(f(".zip.age"), "community");
    }

    #[test]
    fn a_typed_folder_reads_tilde_as_home_and_a_synced_one_is_named() {
        let home = std::path::PathBuf::from(std::env::var_os("HOME").unwrap());
        assert_eq!(super::typed_folder("~/Documents/kscop"), home.join("Documents/kscop"));
        assert_eq!(super::typed_folder("~"), home);
        assert_eq!(super::typed_folder("g/x"), std::path::PathBuf::from("g/x"));
        assert_eq!(super::synced(std::path::Path::new("/home/a/Dropbox/kscop")), Some("Dropbox"));
        assert_eq!(super::synced(std::path::Path::new("/home/a/OneDrive - Charity/x")), Some("OneDrive"));
        assert_eq!(super::synced(std::path::Path::new("/home/a/Documents")), None);
    }
}
