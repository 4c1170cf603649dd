//! The register as one in-memory image: taken for `register backup`, written back for
//! `register restore`. The image never touches the disk in clear.

use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use rusqlite::{Connection, MAIN_DB, OpenFlags};
use zeroize::Zeroizing;

use super::{APPLICATION_ID, Register};
use crate::base::error::{Error, Result};

/// Mark a database image as using a rollback journal (file format bytes 18 and 19 = 1) so that
/// SQLite can open it in memory; the restored register is switched back to WAL when opened.
fn rollback_journal_header(image: &mut [u8]) {
    if image.len() > 19 && image.starts_with(b"SQLite format 3\0") {
        image[18] = 1;
        image[19] = 1;
    }
}

impl Register {
    /// A consistent copy of the whole register, taken with SQLite's online backup into memory and
    /// serialised there.
    pub fn image(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut mem = Connection::open_in_memory()?;
        {
            let backup = rusqlite::backup::Backup::new(&self.db.conn, &mut mem)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        }
        let mut image = Zeroizing::new(mem.serialize(MAIN_DB)?.to_vec());
        rollback_journal_header(&mut image);
        Ok(image)
    }
}

/// Write an image taken by [`Register::image`] to a new file `into` (0600, never over an existing
/// file); `source` names where the image came from, for the error. On failure nothing is left.
pub fn restore(image: &mut [u8], source: &Path, into: &Path) -> Result<()> {
    rollback_journal_header(image);
    let mut mem = Connection::open_in_memory()?;
    mem.deserialize_read_exact(MAIN_DB, &image[..], image.len(), true).map_err(|_| Error::RegisterInvalid {
        path: source.to_path_buf(),
        why: "the backup does not hold a SQLite database".into(),
    })?;
    let app: i64 = mem.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app != APPLICATION_ID {
        return Err(Error::RegisterInvalid {
            path: source.to_path_buf(),
            why: "the backup is not of a handover register".into(),
        });
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(into)
        .map_err(|e| Error::io("create", into, e))?;
    let done = (|| -> Result<()> {
        let mut dst = Connection::open_with_flags(into, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let backup = rusqlite::backup::Backup::new(&mem, &mut dst)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        Ok(())
    })();
    if let Err(e) = done {
        let _ = std::fs::remove_file(into);
        return Err(e);
    }
    Ok(())
}
