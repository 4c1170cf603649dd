//! What `handover` remembers for the person using it, in the standard per-user folder
//! (`$XDG_CONFIG_HOME/handover`, else `~/.config/handover`; owner-only):
//!
//! - `keys/`: their own keys, as `keys new` writes them without `--out` (`handover-age.key`,
//!   `handover-minisign.key` and their `.pub` halves). Every command that needs the user's age
//!   identity or signing key takes these when no flag names one.
//! - `trusted-senders.json`: senders' public signing keys whose fingerprints were checked
//!   (`keys trust`, or the first `receive --from`), so later bundles need no `--signer`.
//! - `register.json`: the register in use (`handover use`, and `receive` sets it), so that
//!   `--register` and `HANDOVER_REGISTER` are only needed to override it.
//!
//! Every file is written whole under a temporary name and renamed into place.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::error::{Error, Result};

/// The label of the keys kept in the standard folder.
pub const LABEL: &str = "handover";

/// The per-user folder (not created here).
pub fn config_dir() -> Result<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy()
        .map_err(|e| Error::bad("HOME", format!("cannot find your home folder ({e}): set HOME or XDG_CONFIG_HOME")))?;
    Ok(base.config_dir().join("handover"))
}

/// The standard folder for the user's own keys.
pub fn keys_dir() -> Result<PathBuf> {
    Ok(config_dir()?.join("keys"))
}

/// Create the per-user folder and `sub` inside it, owner-only (0700).
pub fn make_dir(sub: Option<&str>) -> Result<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let base = config_dir()?;
    let dir = sub.map_or_else(|| base.clone(), |s| base.join(s));
    for d in [&base, &dir] {
        if !d.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(d)
                .map_err(|e| Error::io("create the folder", d, e))?;
        }
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io("create the folder", d, e))?;
    }
    Ok(dir)
}

/// One of the user's own key files in the standard folder: `handover-SUFFIX`, else the one
/// `LABEL-SUFFIX` there is (`keys new --name LABEL` made it); several with other labels are named
/// for the user to choose with the flag.
fn find_own(suffix: &str, flag: &str) -> Result<Option<PathBuf>> {
    let Ok(dir) = keys_dir() else { return Ok(None) };
    let standard = dir.join(format!("{LABEL}-{suffix}"));
    if standard.is_file() {
        return Ok(Some(standard));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(&format!("-{suffix}"))))
        .collect();
    found.sort();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(Error::bad(
            flag,
            format!(
                "your keys folder has several: {}; say which with {flag}",
                found.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// One of the user's own public key files in the keys folder (`age.pub`, `minisign.pub`).
pub fn own_public_file(suffix: &str, flag: &str) -> Result<PathBuf> {
    find_own(suffix, flag)?.ok_or_else(|| missing_key(flag, "public key"))
}

/// The user's own age identity: the flag's, else the standard folder's.
pub fn identity(flag: Option<PathBuf>, name: &str) -> Result<PathBuf> {
    match flag {
        Some(f) => Ok(f),
        None => find_own("age.key", name)?.ok_or_else(|| missing_key(name, "age identity (encryption key)")),
    }
}

/// The user's own signing key: the flag's, else the standard folder's.
pub fn sign_key(flag: Option<PathBuf>, name: &str) -> Result<PathBuf> {
    match flag {
        Some(f) => Ok(f),
        None => find_own("minisign.key", name)?.ok_or_else(|| missing_key(name, "signing key")),
    }
}

/// The user's own public signing key from the standard folder, if there is one.
pub fn own_public_key() -> Option<minisign::PublicKey> {
    find_own("minisign.pub", "--sign-key")
        .ok()
        .flatten()
        .and_then(|p| crate::base::keys::load_public_key(&p.display().to_string()).ok())
}

fn missing_key(flag: &str, what: &'static str) -> Error {
    let dir = keys_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| "~/.config/handover/keys".into());
    Error::KeyMissing { flag: flag.to_string(), what, dir }
}

/// A sender whose public signing key was checked and is trusted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Trusted {
    /// Who the sender is, in the user's words.
    pub name: String,
    /// The minisign public key (`RW…`).
    pub public_key: String,
    /// Its key id, as minisign prints it.
    pub key_id: String,
    /// Its fingerprint, as `keys show` prints it.
    pub fingerprint: String,
    /// When it was trusted.
    pub trusted_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustedFile {
    format: String,
    senders: Vec<Trusted>,
    /// The approvers' keys, each for one sender (absent in files from before approvers were
    /// pinned).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    approvers: Vec<TrustedApprover>,
}

/// A data protection lead's key, checked with them, trusted to approve one sender's transfers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrustedApprover {
    pub name: String,
    pub public_key: String,
    pub key_id: String,
    pub fingerprint: String,
    /// The key id of the sender whose transfers it approves.
    pub approver_for: String,
    pub trusted_at: String,
}

const TRUSTED: &str = "trusted-senders.json";
const REGISTER: &str = "register.json";

fn read_json<T: serde::de::DeserializeOwned>(name: &str) -> Result<Option<T>> {
    let p = config_dir()?.join(name);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", &p, e)),
    };
    serde_json::from_str(&text).map(Some).map_err(|e| Error::SettingsDamaged { path: p.clone(), why: e.to_string() })
}

fn write_json<T: Serialize>(name: &str, value: &T) -> Result<PathBuf> {
    let dir = make_dir(None)?;
    let p = dir.join(name);
    let mut staged = crate::base::staged::Staged::new();
    staged.write(&p, 0o600, &crate::base::encode::json_pretty(value)?)?;
    staged.replace()?;
    Ok(p)
}

/// A name kept to show on a terminal later: plain text, no control characters (an escape
/// sequence in a name would drive the terminal it is printed on).
fn plain_name(name: &str) -> Result<()> {
    if name.chars().any(char::is_control) {
        return Err(Error::bad("--name", "a name is plain text: it may not hold control characters"));
    }
    Ok(())
}

/// The trusted senders.
pub fn trusted() -> Result<Vec<Trusted>> {
    Ok(read_json::<TrustedFile>(TRUSTED)?.map(|f| f.senders).unwrap_or_default())
}

/// The approver's key trusted for the sender with key id `sender`, if it is `pk`.
pub fn approver_trusted(sender: &str, pk: &minisign::PublicKey) -> Result<Option<TrustedApprover>> {
    let file = read_json::<TrustedFile>(TRUSTED)?.unwrap_or_default();
    Ok(file.approvers.into_iter().find(|a| a.approver_for == sender && a.public_key == pk.to_base64()))
}

/// Trust `pk` as the approver of the sender with key `sender`'s transfers. The sender's own key,
/// and the user's own, are refused: whoever sends never approves.
pub fn trust_approver(
    pk: &minisign::PublicKey,
    name: &str,
    sender: &minisign::PublicKey,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Trust<TrustedApprover>> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::bad("--name", "give the data protection lead's name"));
    }
    plain_name(name)?;
    if pk.keynum() == sender.keynum() || Some(pk.keynum()) == own_public_key().as_ref().map(minisign::PublicKey::keynum)
    {
        return Err(Error::bad(
            "PUBKEY",
            "this key signs bundles (the sender's, or your own): an approver's key is the data protection lead's own",
        ));
    }
    let mut file = read_json::<TrustedFile>(TRUSTED)?.unwrap_or_default();
    let sender_id = crate::base::keys::key_id(sender.keynum());
    if let Some(a) = file.approvers.iter().find(|a| a.approver_for == sender_id && a.public_key == pk.to_base64()) {
        return Ok(Trust::Already(a.clone()));
    }
    let a = TrustedApprover {
        name: name.to_string(),
        public_key: pk.to_base64(),
        key_id: crate::base::keys::key_id(pk.keynum()),
        fingerprint: crate::base::keys::signer_fingerprint(pk),
        approver_for: sender_id,
        trusted_at: crate::domain::model::fmt_ts(now),
    };
    file.approvers.push(a.clone());
    file.format = "handover-trusted-senders".into();
    write_json(TRUSTED, &file)?;
    Ok(Trust::Added(a))
}

/// Every trusted approver.
pub fn trusted_approvers() -> Result<Vec<TrustedApprover>> {
    Ok(read_json::<TrustedFile>(TRUSTED)?.map(|f| f.approvers).unwrap_or_default())
}

/// The trusted sender with this key, if any.
pub fn trusted_by_key(pk: &minisign::PublicKey) -> Result<Option<Trusted>> {
    let id = crate::base::keys::key_id(pk.keynum());
    Ok(trusted()?.into_iter().find(|t| t.key_id == id && t.public_key == pk.to_base64()))
}

/// What [`trust`] (or [`trust_approver`]) did.
pub enum Trust<T = Trusted> {
    /// The key was added.
    Added(T),
    /// The key was trusted already (under this name).
    Already(T),
}

/// Trust a sender's key under a name. A name already used for another key is refused: a sender
/// with a new key is trusted again under a new name, knowingly.
pub fn trust(pk: &minisign::PublicKey, name: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Trust> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::bad("--name", "give the sender's name, e.g. --name \"Example Charity\""));
    }
    plain_name(name)?;
    if Some(pk.keynum()) == own_public_key().as_ref().map(minisign::PublicKey::keynum) {
        return Err(Error::bad(
            "PUBKEY",
            "this is your own signing key: trust the sender's public key (the fingerprint you checked with them by phone)",
        ));
    }
    let mut senders = trusted()?;
    let key_id = crate::base::keys::key_id(pk.keynum());
    if let Some(t) = senders.iter().find(|t| t.key_id == key_id && t.public_key == pk.to_base64()) {
        return Ok(Trust::Already(t.clone()));
    }
    if let Some(t) = senders.iter().find(|t| t.name.eq_ignore_ascii_case(name)) {
        return Err(Error::bad(
            "--name",
            format!(
                "\"{}\" is already trusted with another key ({}): if they have a new key, check its fingerprint with them and trust it under another name",
                t.name, t.key_id
            ),
        ));
    }
    let t = Trusted {
        name: name.to_string(),
        public_key: pk.to_base64(),
        key_id,
        fingerprint: crate::base::keys::signer_fingerprint(pk),
        trusted_at: crate::domain::model::fmt_ts(now),
    };
    senders.push(t.clone());
    let approvers = read_json::<TrustedFile>(TRUSTED)?.map(|f| f.approvers).unwrap_or_default();
    write_json(TRUSTED, &TrustedFile { format: "handover-trusted-senders".into(), senders, approvers })?;
    Ok(Trust::Added(t))
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterFile {
    format: String,
    register: String,
    set_at: String,
    /// The name this user's actions are logged under (absent until given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actor: Option<String>,
}

/// The name this user's actions are logged under, if they gave one.
pub fn remembered_actor() -> Option<String> {
    read_json::<RegisterFile>(REGISTER).ok().flatten().and_then(|f| f.actor)
}

/// Remember the name this user's actions are logged under (kept with the register in use).
pub fn remember_actor(name: &str) -> Result<()> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::bad("--name", "give your name, as it should appear in the register's log"));
    }
    plain_name(name)?;
    let Some(mut f) = read_json::<RegisterFile>(REGISTER)? else {
        return Err(Error::bad(
            "--name",
            "no register is in use yet: give it with your name, `handover use PATH --name NAME`",
        ));
    };
    f.actor = Some(name.to_string());
    write_json(REGISTER, &f)?;
    Ok(())
}

/// The register in use, as `handover use` (or `receive`) remembered it.
pub fn remembered_register() -> Option<PathBuf> {
    read_json::<RegisterFile>(REGISTER).ok().flatten().map(|f| PathBuf::from(f.register))
}

/// Remember `path` (made absolute) as the register in use. Returns the path remembered.
pub fn remember_register(path: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<PathBuf> {
    let abs = std::path::absolute(path).map_err(|e| Error::io("find", path, e))?;
    write_json(
        REGISTER,
        &RegisterFile {
            format: "handover-register-in-use".into(),
            register: abs.display().to_string(),
            set_at: crate::domain::model::fmt_ts(now),
            actor: remembered_actor(),
        },
    )?;
    Ok(abs)
}
