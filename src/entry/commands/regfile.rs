//! `handover register backup|restore`: an encrypted, consistent copy of the whole register.
//!
//! The backup is taken with SQLite's online backup into memory and serialised there ([`crate::register::image`]), then
//! age-encrypted to the custodians and written to a temporary file that is renamed into place:
//! no plaintext copy of the register touches the disk, and an interrupted run leaves nothing
//! under the final name.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::entry::cli::RegisterCmd;
use crate::entry::output::Outcome;
use crate::records::import::sha256_hex;
use crate::register::{self, Register, accounts};

/// Write a new file atomically (temp file, fsync, then linked into place; never over an existing file), mode 0600.
pub(crate) fn atomic_write(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    if path.exists() {
        return Err(Error::io("create", path, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().map_or("backup".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| Error::io("create", &tmp, e))?;
        f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| Error::io("write", &tmp, e))?;
        std::fs::hard_link(&tmp, path).map_err(|e| Error::io("create", path, e))
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Run a register subcommand.
pub fn run(ctx: &Ctx, cmd: RegisterCmd) -> Result<Outcome> {
    match cmd {
        RegisterCmd::Backup { out } => {
            let mut reg = ctx.open()?;
            let recipients = accounts::current_recipients(&reg)?;
            if recipients.is_empty() {
                return Err(Error::NoCustodians);
            }
            let image = reg.image()?;
            let ct = crate::records::vault::encrypt(&recipients, &image)?;
            atomic_write(&out, &ct)?;
            let sha = sha256_hex(&ct);
            reg.change(ctx.now, |c| {
                c.audit("register.backup", &sha, serde_json::json!({ "sha256": sha, "custodians": recipients.len() }))
            })?;
            let data = serde_json::json!({ "path": out.display().to_string(), "sha256": sha, "bytes": ct.len(), "custodians": recipients.len() });
            Ok(Outcome::new(
                "backup",
                data,
                format!(
                    "wrote {} ({} bytes, encrypted to {} custodian(s))\n",
                    out.display(),
                    ct.len(),
                    recipients.len()
                ),
            ))
        }
        RegisterCmd::Restore { file, identity, into } => {
            if into.exists() {
                return Err(Error::RegisterExists { path: into });
            }
            let identity = crate::entry::home::identity(identity, "--identity")?;
            let ids = crate::base::keys::load_identities(&identity)?;
            let ct = std::fs::read(&file).map_err(|e| Error::io("read", &file, e))?;
            let mut image = crate::records::vault::decrypt(&ids, &ct, &format!("backup '{}'", file.display()))?;
            register::image::restore(&mut image, &file, &into)?;
            let mut restored = Register::open(&into, &ctx.actor)?;
            let chain = register::audit::verify(&restored)?;
            let entries = chain.entries;
            restored.change(ctx.now, |c| {
                c.audit("register.restore", &sha256_hex(&ct), serde_json::json!({ "entries_before": entries }))
            })?;
            let mut o = Outcome::new(
                "restore",
                serde_json::json!({ "register": into.display().to_string(), "audit_valid": chain.broken.is_none(), "entries": entries }),
                format!("restored into {} ({} audit entries)\n", into.display(), entries),
            );
            if let Some((seq, why)) = chain.broken {
                o = o.note(format!("the restored audit log is broken at entry {seq}: {why}"));
            }
            Ok(o)
        }
    }
}
