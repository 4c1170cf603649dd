//! `handover register backup|restore`: an encrypted, consistent copy of the whole register.
//!
//! The backup is taken with SQLite's online backup into memory and serialised there, then
//! age-encrypted to the custodians and written to a temporary file that is renamed into place:
//! no plaintext copy of the register touches the disk, and an interrupted run leaves nothing
//! under the final name.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

use rusqlite::{Connection, MAIN_DB, OpenFlags};

use crate::Ctx;
use crate::cli::RegisterCmd;
use crate::error::{Error, Result};
use crate::import::sha256_hex;
use crate::output::Outcome;
use crate::register::{self, Register, vault as q};

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

/// Mark a database image as using a rollback journal (file format bytes 18 and 19 = 1) so that
/// SQLite can open it in memory; the restored register is switched back to WAL when opened.
fn rollback_journal_header(image: &mut [u8]) {
    if image.len() > 19 && image.starts_with(b"SQLite format 3\0") {
        image[18] = 1;
        image[19] = 1;
    }
}

/// Run a register subcommand.
pub fn run(ctx: &Ctx, cmd: RegisterCmd) -> Result<Outcome> {
    match cmd {
        RegisterCmd::Backup { out } => {
            let mut reg = ctx.open()?;
            let recipients = q::current_recipients(reg.conn())?;
            if recipients.is_empty() {
                return Err(Error::NoCustodians);
            }
            let mut mem = Connection::open_in_memory()?;
            {
                let backup = rusqlite::backup::Backup::new(reg.conn(), &mut mem)?;
                backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
            }
            let mut image = zeroize::Zeroizing::new(mem.serialize(MAIN_DB)?.to_vec());
            rollback_journal_header(&mut image);
            drop(mem);
            let ct = crate::vault::encrypt(&recipients, &image)?;
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
            let ids = crate::keys::load_identities(&identity)?;
            let ct = std::fs::read(&file).map_err(|e| Error::io("read", &file, e))?;
            let mut image = crate::vault::decrypt(&ids, &ct, &format!("backup '{}'", file.display()))?;
            rollback_journal_header(&mut image);
            let mut mem = Connection::open_in_memory()?;
            mem.deserialize_read_exact(MAIN_DB, &image[..], image.len(), true).map_err(|_| Error::RegisterInvalid {
                path: file.clone(),
                why: "the backup does not hold a SQLite database".into(),
            })?;
            let app: i64 = mem.query_row("PRAGMA application_id", [], |r| r.get(0))?;
            if app != register::APPLICATION_ID {
                return Err(Error::RegisterInvalid {
                    path: file.clone(),
                    why: "the backup is not of a handover register".into(),
                });
            }
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&into)
                .map_err(|e| Error::io("create", &into, e))?;
            let done = (|| -> Result<()> {
                let mut dst = Connection::open_with_flags(&into, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
                let backup = rusqlite::backup::Backup::new(&mem, &mut dst)?;
                backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
                Ok(())
            })();
            if let Err(e) = done {
                let _ = std::fs::remove_file(&into);
                return Err(e);
            }
            let mut restored = Register::open(&into, &ctx.actor)?;
            let chain = register::audit::verify(restored.conn())?;
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
