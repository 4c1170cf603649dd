//! Reading ahead on the other core: a reader whose own work is heavy (decrypting, hashing) is
//! read on a second thread, a few chunks ahead of the thread that takes its bytes (unzipping,
//! hashing again, writing), so that a pass over a large file takes the time of the slower of the
//! two, not their sum.

use std::io::Read;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

/// How much is read at a time, and how many chunks may wait.
const CHUNK: usize = 256 << 10;
const DEPTH: usize = 4;

enum Message {
    Chunk(Vec<u8>),
    /// The inner reader's end: without it, a reader that stopped (a panic) is not taken for one
    /// that finished.
    End,
    Failed(std::io::Error),
}

/// Run `f` with a reader of what `inner` gives, `inner` being read on another thread ahead of
/// `f`. Returns what `f` returns and `inner` as the reading thread left it (read to its end when
/// `f` read to the end; otherwise read further than `f` took, by at most a few chunks). An error
/// from `inner` reaches `f` in its place in the stream, and again on every later read: nothing
/// after it is given, and it is never taken for the end.
pub fn read_ahead<R: Read + Send, T>(inner: R, f: impl FnOnce(&mut dyn Read) -> T) -> (T, R) {
    let (full_tx, full_rx) = sync_channel::<Message>(DEPTH);
    let (empty_tx, empty_rx) = channel::<Vec<u8>>();
    std::thread::scope(|s| {
        let reader = s.spawn(move || fill(inner, &full_tx, &empty_rx));
        let mut ahead = Ahead { rx: full_rx, back: empty_tx, chunk: Vec::new(), at: 0, ended: None };
        let out = f(&mut ahead);
        // The reading thread stops at its next chunk once no one takes them.
        drop(ahead);
        (out, reader.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
}

/// The reading thread: chunks of `inner` to `full` until its end, an error, or no taker.
fn fill<R: Read>(mut inner: R, full: &SyncSender<Message>, empty: &Receiver<Vec<u8>>) -> R {
    loop {
        let mut buf = empty.try_recv().unwrap_or_default();
        buf.resize(CHUNK, 0);
        let mut n = 0;
        // A whole chunk where the reader gives one (a decrypting reader gives 64 KiB at a time).
        let got = loop {
            match inner.read(&mut buf[n..]) {
                Ok(0) => break Ok(()),
                Ok(k) => {
                    n += k;
                    if n == buf.len() {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        buf.truncate(n);
        let message = match got {
            Ok(()) if n == 0 => Message::End,
            Ok(()) => Message::Chunk(buf),
            Err(e) if n == 0 => Message::Failed(e),
            Err(e) => {
                // What was read before the error is given first, then the error.
                if full.send(Message::Chunk(buf)).is_err() {
                    return inner;
                }
                Message::Failed(e)
            }
        };
        let last = !matches!(message, Message::Chunk(_));
        if full.send(message).is_err() || last {
            return inner;
        }
    }
}

/// The taking side: the chunks in order.
struct Ahead {
    rx: Receiver<Message>,
    back: Sender<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
    /// How the stream ended: `Ok` at its end, the error otherwise (given again on every read).
    ended: Option<Result<(), (std::io::ErrorKind, String)>>,
}

impl Read for Ahead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match &self.ended {
                Some(Ok(())) => return Ok(0),
                Some(Err((kind, why))) => return Err(std::io::Error::new(*kind, why.clone())),
                None => {}
            }
            let message = self.rx.recv().unwrap_or_else(|_| {
                Message::Failed(std::io::Error::other("the reading thread stopped before the end"))
            });
            match message {
                Message::Chunk(next) => {
                    let used = std::mem::replace(&mut self.chunk, next);
                    let _ = self.back.send(used);
                    self.at = 0;
                }
                Message::End => self.ended = Some(Ok(())),
                Message::Failed(e) => self.ended = Some(Err((e.kind(), e.to_string()))),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of `data` in odd-sized pieces that fails at `fail_at`, if given.
    struct Pieces {
        data: Vec<u8>,
        at: usize,
        fail_at: Option<usize>,
    }

    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.fail_at.is_some_and(|f| self.at >= f) {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "damaged chunk"));
            }
            let end = self.data.len().min(self.at + buf.len().min(7_777)).min(self.fail_at.unwrap_or(usize::MAX));
            let n = end - self.at;
            buf[..n].copy_from_slice(&self.data[self.at..end]);
            self.at = end;
            Ok(n)
        }
    }

    fn data() -> Vec<u8> {
        (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn every_byte_arrives_in_order_and_the_reader_comes_back_at_its_end() {
        let (out, inner) = read_ahead(Pieces { data: data(), at: 0, fail_at: None }, |r| {
            let mut all = Vec::new();
            r.read_to_end(&mut all).map(|_| all)
        });
        assert!(out.unwrap() == data());
        assert_eq!(inner.at, inner.data.len());
    }

    #[test]
    fn an_error_arrives_in_its_place_and_again_never_as_the_end() {
        let fail_at = 1_000_003;
        let (out, _) = read_ahead(Pieces { data: data(), at: 0, fail_at: Some(fail_at) }, |r| {
            let mut all = Vec::new();
            let first = r.read_to_end(&mut all);
            let again = r.read(&mut [0; 16]);
            (all.len(), first.map_err(|e| e.kind()), again.map_err(|e| e.kind()))
        });
        let kind = std::io::ErrorKind::InvalidData;
        assert_eq!(out, (fail_at, Err(kind), Err(kind)), "every byte before it, then the error, twice");
    }

    #[test]
    fn a_taker_that_stops_early_stops_the_reading() {
        let (n, inner) = read_ahead(Pieces { data: data(), at: 0, fail_at: None }, |r| r.read(&mut [0; 10]).unwrap());
        assert_eq!(n, 10);
        assert!(inner.at < inner.data.len(), "read no further than a few chunks ahead");
        assert!(inner.at <= (DEPTH + 2) * CHUNK);
    }
}
