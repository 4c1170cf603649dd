//! An erasure reaches the documents a register received: each received document that mentions
//! the person (found as redaction finds a withheld person: full name, first name alone, title and
//! surname, email, phone) is rewritten without them, and one whose format cannot be redacted is
//! named for the group to check by hand. Worked out before the person's details are blanked (the
//! clear text is needed to find them, and is never kept).

use std::path::PathBuf;

use crate::base::error::Result;
use crate::register::Db;
use crate::register::documents::{self, Document};
use crate::transfer::plan::{read_source, redact_bytes, redactable};
use crate::transfer::redact::{Redactor, Withheld};

/// A received document's new content, without the erased person.
pub struct Rewrite {
    pub document: Document,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
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

/// The received documents' rewrites for erasing `who` (their name, email and phone in clear).
pub fn received(conn: &Db, who: &Withheld) -> Result<Documents> {
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
        let Some((bytes, _)) = read_source(std::path::Path::new(&d.path)) else {
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
        out.rewrites.push(Rewrite { path: PathBuf::from(&d.path), document: d, bytes: new, sha256, crc32, mentions });
    }
    Ok(out)
}
