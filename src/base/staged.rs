//! Files written under temporary names beside their final ones, then renamed into place together:
//! a run that fails or is stopped before [`Staged::publish`] leaves nothing under a final name,
//! and its temporary files are removed when the [`Staged`] is dropped.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::base::error::{Error, Result};

/// A temporary name beside `final_path` that nobody can guess: `.NAME.tmp-RANDOM`.
pub fn temp_name(final_path: &Path) -> Result<PathBuf> {
    let mut r = [0u8; 8];
    getrandom::fill(&mut r).map_err(|e| Error::NoRandomSource { why: e.to_string() })?;
    let name = final_path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    Ok(final_path.with_file_name(format!(".{name}.tmp-{}", hex::encode(r))))
}

/// Files staged for publishing together.
#[derive(Default)]
pub struct Staged {
    /// (temporary path, final path), in the order they were written.
    files: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    /// Nothing staged yet.
    pub fn new() -> Staged {
        Staged::default()
    }

    /// Write `bytes` (synced to disk) under a new temporary name beside `final_path`, with `mode`;
    /// the temporary file is created exclusively, never through a planted link.
    pub fn write(&mut self, final_path: &Path, mode: u32, bytes: &[u8]) -> Result<()> {
        let (mut f, tmp) = self.create(final_path, mode)?;
        f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| Error::io("write", &tmp, e))
    }

    /// A new temporary file beside `final_path` (created exclusively, with `mode`), for a file
    /// written piece by piece, and its temporary path; published with the others. The caller
    /// syncs it when it is complete.
    pub fn create(&mut self, final_path: &Path, mode: u32) -> Result<(std::fs::File, PathBuf)> {
        let tmp = temp_name(final_path)?;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
            .map_err(|e| Error::io("create", &tmp, e))?;
        self.files.push((tmp.clone(), final_path.to_path_buf()));
        Ok((f, tmp))
    }

    /// Take back a file staged with [`Staged::create`] that is not to be published after all: its
    /// temporary file is removed.
    pub fn discard(&mut self, tmp: &Path) {
        if let Some(i) = self.files.iter().position(|(t, _)| t == tmp) {
            let (t, _) = self.files.remove(i);
            let _ = std::fs::remove_file(t);
        }
    }

    /// Rename every staged file into place. Refuses, before renaming any, if a final name exists;
    /// if a rename fails, the files already renamed are removed again.
    pub fn publish(mut self) -> Result<()> {
        if let Some((_, taken)) = self.files.iter().find(|(_, f)| f.exists()) {
            return Err(Error::io("create", taken, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
        }
        let mut done: Vec<PathBuf> = Vec::new();
        for (tmp, fin) in &self.files {
            if let Err(e) = std::fs::rename(tmp, fin) {
                for d in &done {
                    let _ = std::fs::remove_file(d);
                }
                return Err(Error::io("rename into", fin, e));
            }
            done.push(fin.clone());
        }
        self.files.clear();
        Ok(())
    }

    /// Rename every staged file into place over what is there (a settings file rewritten whole:
    /// a reader sees the old file or the new one, never part of either).
    pub fn replace(mut self) -> Result<()> {
        for (tmp, fin) in &self.files {
            std::fs::rename(tmp, fin).map_err(|e| Error::io("rename into", fin, e))?;
        }
        self.files.clear();
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (tmp, _) in &self.files {
            let _ = std::fs::remove_file(tmp);
        }
    }
}
