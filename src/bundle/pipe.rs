//! Pipeline stages on their own threads, joined by bounded channels, so that deflating and hashing
//! the plaintext, encrypting it, and hashing and writing the ciphertext overlap on the cores there
//! are. Memory stays flat: at most `DEPTH` chunks of `CHUNK` bytes wait between two stages.

use std::io::{self, Write};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

use crate::base::keys::Prehash;

const CHUNK: usize = 256 << 10;
const DEPTH: usize = 8;

/// A writer whose bytes are written, on another thread, into an inner writer; `finish` hands back
/// what the thread's `finish` made of it (or the first error it met).
pub struct Stage<R: Send + 'static> {
    tx: Option<SyncSender<Vec<u8>>>,
    buf: Vec<u8>,
    handle: Option<JoinHandle<io::Result<R>>>,
}

impl<R: Send + 'static> Stage<R> {
    /// Start a thread that writes every chunk into `inner`, then calls `finish` on it.
    pub fn spawn<W, F>(name: &str, inner: W, finish: F) -> io::Result<Stage<R>>
    where
        W: Write + Send + 'static,
        F: FnOnce(W) -> io::Result<R> + Send + 'static,
    {
        let (tx, rx) = sync_channel::<Vec<u8>>(DEPTH);
        let handle = std::thread::Builder::new().name(name.to_string()).spawn(move || {
            let mut w = inner;
            for chunk in rx {
                w.write_all(&chunk)?;
            }
            finish(w)
        })?;
        Ok(Stage { tx: Some(tx), buf: Vec::with_capacity(CHUNK), handle: Some(handle) })
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        let sent = self.tx.as_ref().map(|tx| tx.send(chunk).is_ok()).unwrap_or(false);
        if sent { Ok(()) } else { Err(self.failure()) }
    }

    /// The stage's thread stopped: its error.
    fn failure(&mut self) -> io::Error {
        self.tx = None;
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(Err(e))) => e,
            Some(Err(_)) => io::Error::other("a bundle-writing thread panicked"),
            _ => io::Error::other("a bundle-writing stage stopped early"),
        }
    }

    /// Send what is left, close the channel and wait for the thread's result.
    pub fn finish(mut self) -> io::Result<R> {
        self.send()?;
        self.tx = None;
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(io::Error::other("a bundle-writing thread panicked")),
            None => Err(io::Error::other("a bundle-writing stage was finished twice")),
        }
    }
}

impl<R: Send + 'static> Write for Stage<R> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buf.len();
        let n = room.min(data.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl<R: Send + 'static> Drop for Stage<R> {
    /// An abandoned stage (an error elsewhere) closes its channel and waits for its thread, so
    /// nothing is still writing when the temporary file is removed.
    fn drop(&mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The ciphertext end: writes the file and, as it goes, the SHA-256 that the transfer record and
/// receipt name. A helper thread syncs what is written every few tens of megabytes, so the disk
/// writes overlap the work and the closing `fsync` has little left to do.
pub struct HashedFile {
    file: io::BufWriter<std::fs::File>,
    sha: Sha256,
    since_sync: u64,
    syncer: Option<(SyncSender<()>, JoinHandle<io::Result<()>>)>,
}

/// A finished ciphertext file and its digests.
pub struct Hashed {
    pub file: std::fs::File,
    pub sha256: String,
    pub prehash: [u8; 64],
}

/// How much is written between two background syncs.
const SYNC_EVERY: u64 = 32 << 20;

impl HashedFile {
    pub fn new(file: std::fs::File) -> io::Result<HashedFile> {
        let clone = file.try_clone()?;
        let (tx, rx) = sync_channel::<()>(1);
        let handle = std::thread::Builder::new().name("sync".into()).spawn(move || {
            for () in rx {
                clone.sync_data()?;
            }
            Ok(())
        })?;
        Ok(HashedFile {
            // Chunks arrive whole (CHUNK bytes): a buffer smaller than a chunk lets them through
            // to the file without another copy, and gathers only the last, short one.
            file: io::BufWriter::with_capacity(64 << 10, file),
            sha: Sha256::new(),
            since_sync: 0,
            syncer: Some((tx, handle)),
        })
    }

    /// Flush and sync the file; return it with its SHA-256 (the prehash is the encrypting stage's).
    fn finish(mut self) -> io::Result<(std::fs::File, String)> {
        self.stop_syncer()?;
        let file = self.file.into_inner().map_err(std::io::IntoInnerError::into_error)?;
        file.sync_all()?;
        Ok((file, hex::encode(self.sha.finalize())))
    }

    fn stop_syncer(&mut self) -> io::Result<()> {
        match self.syncer.take() {
            Some((tx, handle)) => {
                drop(tx);
                handle.join().map_err(|_| io::Error::other("the sync thread panicked"))?
            }
            None => Ok(()),
        }
    }
}

impl Write for HashedFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.file.write_all(data)?;
        self.sha.update(data);
        self.since_sync += data.len() as u64;
        if self.since_sync >= SYNC_EVERY {
            self.file.flush()?;
            self.since_sync = 0;
            // A sync still running is enough: this request is dropped, not queued.
            if let Some((tx, _)) = &self.syncer {
                let _ = tx.try_send(());
            }
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The ciphertext as it leaves the age stream: hashed for the minisign signature (BLAKE2b-512) on
/// the encrypting thread, then passed on. Hashing here, not beside the SHA-256 at the file end,
/// shares the work between the two threads evenly.
struct Prehashing<W> {
    inner: W,
    pre: Prehash,
}

impl<W: Write> Write for Prehashing<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(data)?;
        self.pre.write_all(&data[..n])?;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// An age stream on its own thread writing into a hashed file on a third: what `write` gives is
/// plaintext; `finish` returns the ciphertext's file and digests.
pub fn encrypting(encryptor: age::Encryptor, file: std::fs::File) -> io::Result<Stage<Hashed>> {
    let sink = Stage::spawn("ciphertext", HashedFile::new(file)?, HashedFile::finish)?;
    let age_w = encryptor.wrap_output(Prehashing { inner: sink, pre: Prehash::default() })?;
    Stage::spawn("encrypt", age_w, |w| {
        let Prehashing { inner, pre } = w.finish()?;
        let (file, sha256) = inner.finish()?;
        Ok(Hashed { file, sha256, prehash: pre.finish() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_passes_every_byte_in_order_and_reports_the_inner_error() {
        let s = Stage::spawn("t", Vec::new(), Ok).unwrap();
        let mut s = s;
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        for piece in data.chunks(7919) {
            s.write_all(piece).unwrap();
        }
        assert_eq!(s.finish().unwrap(), data);

        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut s = Stage::spawn("t", Full, |_| Ok(())).unwrap();
        let mut err = None;
        for _ in 0..100 {
            if let Err(e) = s.write_all(&[0u8; 65536]) {
                err = Some(e);
                break;
            }
        }
        let e = err.unwrap_or_else(|| s.finish().unwrap_err());
        assert_eq!(e.kind(), io::ErrorKind::StorageFull, "{e}");
    }
}
