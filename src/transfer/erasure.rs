//! An erasure reaches the documents a register received: each received document that mentions
//! the person (found as redaction finds a withheld person: full name, first name alone, title and
//! surname, email, phone) is rewritten without them, and one whose format cannot be redacted is
//! named for the group to check by hand. Worked out before the person's details are blanked (the
//! clear text is needed to find them, and is never kept).

use std::path::PathBuf;

use crate::base::error::Result;
use crate::base::staged::Staged;
use crate::register::Db;
use crate::register::documents::{self, Document};
use crate::transfer::plan::{read_source, redact_bytes, redactable};
use crate::transfer::redact::{Redactor, Withheld};

/// A received document's new content, without the erased person: staged beside it, renamed into
/// place once the erasure is committed.
pub struct Rewrite {
    pub document: Document,
    pub size: u64,
    pub sha256: String,
    pub crc32: u32,
    /// How many mentions were taken out.
    pub mentions: usize,
}

/// What an erasure does to the received documents.
#[derive(Default)]
pub struct Documents {
    pub rewrites: Vec<Rewrite>,
    /// Received documents that cannot be searched or redacted (a PDF, an image, a missing file):
    /// for the group to check by hand.
    pub by_hand: Vec<Document>,
}

/// The received documents' rewrites for erasing `who` (their name, email and phone in clear),
/// each written into `staged` (a large text a window at a time).
pub fn received(conn: &Db, who: &Withheld, staged: &mut Staged) -> Result<Documents> {
    let mut out = Documents::default();
    if who.name.is_none() && who.email.is_none() && who.phone.is_none() {
        return Ok(out);
    }
    let r = Redactor::new(std::slice::from_ref(who), &[], None).only_people();
    for d in documents::documents(conn)?.into_iter().filter(|d| d.received_from.is_some()) {
        if !redactable(&d.format) {
            out.by_hand.push(d);
            continue;
        }
        let path = PathBuf::from(&d.path);
        if crate::transfer::plan::streamed(&d.format, &path) {
            match rewrite_streamed(&r, &d, &path, staged)? {
                Some((size, sha256, crc32, mentions)) => {
                    out.rewrites.push(Rewrite { document: d, size, sha256, crc32, mentions });
                }
                None if std::fs::metadata(&path).is_err() => out.by_hand.push(d),
                None => {}
            }
            continue;
        }
        let Some((bytes, _)) = read_source(&path) else {
            out.by_hand.push(d);
            continue;
        };
        let Ok((new, found)) = redact_bytes(&d.format, &bytes, &r) else {
            out.by_hand.push(d);
            continue;
        };
        let mentions = found.iter().filter(|(_, f)| !f.flag).count();
        if mentions == 0 || new == bytes {
            continue;
        }
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&new));
        let crc32 = crc32fast::hash(&new);
        staged.write(&path, 0o600, &new)?;
        out.rewrites.push(Rewrite { document: d, size: new.len() as u64, sha256, crc32, mentions });
    }
    Ok(out)
}

/// A large received text rewritten a window at a time into a staged file: its size, SHA-256, CRC
/// and the mentions taken out; `None` (nothing staged) when it does not mention them or cannot be
/// read.
fn rewrite_streamed(
    r: &Redactor,
    d: &Document,
    path: &std::path::Path,
    staged: &mut Staged,
) -> Result<Option<(u64, String, u32, usize)>> {
    use sha2::Digest;
    use std::io::Write;
    /// The staged file, its digests taken as it is written.
    struct Tee {
        file: std::io::BufWriter<std::fs::File>,
        sha: sha2::Sha256,
        crc: crc32fast::Hasher,
        size: u64,
    }
    impl Write for Tee {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.file.write_all(buf)?;
            self.sha.update(buf);
            self.crc.update(buf);
            self.size += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.file.flush()
        }
    }
    let (file, tmp) = staged.create(path, 0o600)?;
    let mut tee = Tee {
        file: std::io::BufWriter::with_capacity(1 << 20, file),
        sha: sha2::Sha256::new(),
        crc: crc32fast::Hasher::new(),
        size: 0,
    };
    let found = crate::transfer::redact::stream::redact_file(r, &d.format, path, &mut tee, 0);
    // Only their own mentions are replaced; everything else an erasure lists is left.
    let mentions: usize = found.as_ref().map_or(0, |s| {
        s.counts
            .iter()
            .filter(|(k, _)| {
                k.split_once('/').is_some_and(|(_, det)| {
                    det == "short_mention" || det.starts_with("register_") || det.starts_with("erased_")
                })
            })
            .map(|(_, n)| n)
            .sum()
    });
    let Tee { file, sha, crc, size } = tee;
    let synced = file.into_inner().map_err(std::io::IntoInnerError::into_error).and_then(|f| f.sync_all());
    if found.is_err() || mentions == 0 {
        staged.discard(&tmp);
        return Ok(None);
    }
    synced.map_err(|e| crate::base::error::Error::io("write", &tmp, e))?;
    Ok(Some((size, hex::encode(sha.finalize()), crc.finalize(), mentions)))
}
