//! A one-line progress display on stderr, shown only when stderr is a terminal (and not with
//! `--quiet`); redrawn at most ten times a second and wiped when done, so logs and pipes never
//! see it.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Progress of one long step, in bytes.
pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    last: Option<Instant>,
    shown: bool,
}

impl Progress {
    /// A display for `total` bytes; inert unless `enabled` and stderr is a terminal.
    pub fn new(label: &str, total: u64, enabled: bool) -> Progress {
        let on = enabled && std::io::stderr().is_terminal();
        Progress { label: label.to_string(), total, done: 0, last: on.then(Instant::now), shown: false }
    }

    /// Count `n` more bytes done.
    pub fn add(&mut self, n: u64) {
        self.done += n;
        let Some(last) = self.last else { return };
        if last.elapsed() < Duration::from_millis(100) {
            return;
        }
        self.last = Some(Instant::now());
        let pct = (self.done.min(self.total) * 100).checked_div(self.total).unwrap_or(100);
        let mb = |b: u64| b as f64 / 1e6;
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "\r\x1b[2K{}: {pct:>3}% ({:.1} of {:.1} MB)", self.label, mb(self.done), mb(self.total));
        let _ = e.flush();
        self.shown = true;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
