//! A small zip writer and a streaming zip reader for bundles.
//!
//! A bundle's zip is written straight into the age encryptor and read straight out of the
//! decryptor, so neither side can seek. Common streaming writers mark entries with a data
//! descriptor (sizes after the data), which a streaming reader cannot skip safely; this writer
//! instead puts the CRC and sizes in every local header: a file is read once for its CRC and SHA-256
//! and once to copy it (stored), and a deflated entry is compressed before its header is written.
//! Entries use UTF-8 names, a fixed 1980-01-01 timestamp (reproducible bundles) and Unix mode 0644.
//! Sizes and offsets are limited to 4 GiB (no zip64).
//!
//! The reader takes local headers in order and refuses, before producing any data: encrypted
//! entries, data descriptors, methods other than stored and deflate, names that are absolute, hold a
//! backslash, `..`, empty or control-character components, duplicate or case-colliding names, and
//! entries over the size or compression-ratio limits; it counts the bytes it inflates against the
//! declared size (so a lying header cannot make a zip bomb) and checks each entry's CRC. After the
//! last entry it reads the central directory and refuses links and any disagreement with the local
//! headers.

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const DOS_DATE_1980: u16 = (1 << 5) | 1;
const FLAG_UTF8: u16 = 1 << 11;

/// What one written entry was.
#[derive(Debug, Clone)]
pub struct Written {
    /// Its name in the zip.
    pub name: String,
    /// Its uncompressed size in bytes.
    pub size: u64,
    /// The SHA-256 of its uncompressed bytes, hex.
    pub sha256: String,
}

struct Central {
    name: String,
    method: u16,
    crc: u32,
    csize: u32,
    size: u32,
    offset: u32,
}

struct Counting<W: Write> {
    inner: W,
    pos: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn too_big() -> io::Error {
    io::Error::other("an entry or the archive is larger than 4 GiB (zip64 is not supported)")
}

fn u32_of(n: u64) -> io::Result<u32> {
    u32::try_from(n).map_err(|_| too_big())
}

/// The writer.
pub struct Writer<W: Write> {
    w: Counting<W>,
    entries: Vec<Central>,
    names: HashSet<String>,
    progress: Option<Box<dyn FnMut(u64)>>,
}

impl<W: Write> Writer<W> {
    /// Start an archive.
    pub fn new(inner: W) -> Writer<W> {
        Writer { w: Counting { inner, pos: 0 }, entries: Vec::new(), names: HashSet::new(), progress: None }
    }

    /// Call `f` with the number of input bytes as each piece is written (for a progress display).
    pub fn on_progress(&mut self, f: impl FnMut(u64) + 'static) {
        self.progress = Some(Box::new(f));
    }

    fn advance(&mut self, n: usize) {
        if let Some(f) = &mut self.progress {
            f(n as u64);
        }
    }

    fn header(&mut self, name: &str, method: u16, crc: u32, csize: u32, size: u32) -> io::Result<()> {
        if !self.names.insert(name.to_lowercase()) {
            return Err(io::Error::other(format!("duplicate entry name {name}")));
        }
        let offset = u32_of(self.w.pos)?;
        let n = name.as_bytes();
        let mut h = Vec::with_capacity(30 + n.len());
        h.extend(LOCAL.to_le_bytes());
        h.extend(20u16.to_le_bytes());
        h.extend(FLAG_UTF8.to_le_bytes());
        h.extend(method.to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(DOS_DATE_1980.to_le_bytes());
        h.extend(crc.to_le_bytes());
        h.extend(csize.to_le_bytes());
        h.extend(size.to_le_bytes());
        h.extend((n.len() as u16).to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(n);
        self.w.write_all(&h)?;
        self.entries.push(Central { name: name.to_string(), method, crc, csize, size, offset });
        Ok(())
    }

    /// Add an entry from memory, deflated or stored.
    pub fn add_bytes(&mut self, name: &str, data: &[u8], deflate: bool) -> io::Result<Written> {
        let crc = crc32fast::hash(data);
        let size = u32_of(data.len() as u64)?;
        let sha256 = hex::encode(Sha256::digest(data));
        if deflate {
            let mut enc =
                flate2::write::DeflateEncoder::new(Vec::with_capacity(data.len() / 2), flate2::Compression::new(2));
            enc.write_all(data)?;
            let c = enc.finish()?;
            self.header(name, 8, crc, u32_of(c.len() as u64)?, size)?;
            self.w.write_all(&c)?;
        } else {
            self.header(name, 0, crc, size, size)?;
            self.w.write_all(data)?;
        }
        self.advance(data.len());
        Ok(Written { name: name.to_string(), size: data.len() as u64, sha256 })
    }

    /// Add a file, stored: one pass for its CRC and SHA-256, one to copy it (the copy is checked
    /// against the first pass, so a file changed meanwhile is refused). Memory stays flat.
    pub fn add_file(&mut self, name: &str, path: &Path) -> io::Result<Written> {
        let mut buf = vec![0u8; 1 << 20];
        let (mut crc, mut size) = (crc32fast::Hasher::new(), 0u64);
        let mut f = std::fs::File::open(path)?;
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            crc.update(&buf[..n]);
            size += n as u64;
        }
        self.add_file_known(name, path, size, crc.finalize())
    }

    /// Add a file, stored, whose size and CRC are known (taken when it was registered): the header
    /// is written first and the file read once, its CRC and SHA-256 taken as it is copied. A file
    /// whose bytes no longer give that size and CRC is refused (the caller compares the SHA-256
    /// with the one registered); the entry written so far is in a temporary file the caller
    /// removes on error. Memory stays flat.
    pub fn add_file_known(&mut self, name: &str, path: &Path, size: u64, crc: u32) -> io::Result<Written> {
        let s32 = u32_of(size)?;
        let mut f = std::fs::File::open(path)?;
        self.header(name, 0, crc, s32, s32)?;
        let mut buf = vec![0u8; 1 << 20];
        let (mut again, mut sha, mut copied) = (crc32fast::Hasher::new(), Sha256::new(), 0u64);
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            if copied + n as u64 > size {
                return Err(not_as_registered(path));
            }
            again.update(&buf[..n]);
            sha.update(&buf[..n]);
            copied += n as u64;
            self.w.write_all(&buf[..n])?;
            self.advance(n);
        }
        if copied != size || again.finalize() != crc {
            return Err(not_as_registered(path));
        }
        Ok(Written { name: name.to_string(), size, sha256: hex::encode(sha.finalize()) })
    }

    /// Add an entry, stored, whose bytes `fill` writes (twice: once for its size and CRC, once into
    /// the zip; a second pass that gives other bytes is refused). Memory stays flat: for content
    /// made as it is written, such as a large document redacted a window at a time.
    pub fn add_stored_from(
        &mut self,
        name: &str,
        mut fill: impl FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<Written> {
        let mut first = Tally::default();
        fill(&mut first)?;
        let (size, crc) = (first.size, first.crc.finalize());
        let s32 = u32_of(size)?;
        self.header(name, 0, crc, s32, s32)?;
        let mut second = Through { w: self, tally: Tally::default(), sha: Sha256::new() };
        fill(&mut second)?;
        let Through { tally, sha, .. } = second;
        if tally.size != size || tally.crc.finalize() != crc {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{name} changed while it was written")));
        }
        Ok(Written { name: name.to_string(), size, sha256: hex::encode(sha.finalize()) })
    }

    /// Write the central directory and return the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        let cd_start = u32_of(self.w.pos)?;
        let mut cd = Vec::new();
        for e in &self.entries {
            let n = e.name.as_bytes();
            cd.extend(CENTRAL.to_le_bytes());
            cd.extend(0x031Eu16.to_le_bytes());
            cd.extend(20u16.to_le_bytes());
            cd.extend(FLAG_UTF8.to_le_bytes());
            cd.extend(e.method.to_le_bytes());
            cd.extend(0u16.to_le_bytes());
            cd.extend(DOS_DATE_1980.to_le_bytes());
            cd.extend(e.crc.to_le_bytes());
            cd.extend(e.csize.to_le_bytes());
            cd.extend(e.size.to_le_bytes());
            cd.extend((n.len() as u16).to_le_bytes());
            cd.extend([0u8; 8]);
            cd.extend((0o100644u32 << 16).to_le_bytes());
            cd.extend(e.offset.to_le_bytes());
            cd.extend(n);
        }
        self.w.write_all(&cd)?;
        let count = u16::try_from(self.entries.len()).map_err(|_| io::Error::other("more than 65535 entries"))?;
        let mut end = Vec::new();
        end.extend(END.to_le_bytes());
        end.extend([0u8; 4]);
        end.extend(count.to_le_bytes());
        end.extend(count.to_le_bytes());
        end.extend(u32_of(cd.len() as u64)?.to_le_bytes());
        end.extend(cd_start.to_le_bytes());
        end.extend(0u16.to_le_bytes());
        self.w.write_all(&end)?;
        self.w.flush()?;
        Ok(self.w.inner)
    }
}

/// Limits against zip bombs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest uncompressed entry.
    pub max_entry: u64,
    /// Largest total of uncompressed entries.
    pub max_total: u64,
    /// Largest uncompressed/compressed ratio for an entry over 1 MiB.
    pub max_ratio: u64,
    /// Most entries.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entry: 8 << 30, max_total: 64 << 30, max_ratio: 200, max_entries: 100_000 }
    }
}

/// An entry as read.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its name in the zip.
    pub name: String,
    /// Its uncompressed size in bytes.
    pub size: u64,
    /// The zip compression method (0 stored, 8 deflated).
    pub method: u16,
}

/// Why a zip stream was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn refuse<T>(s: impl Into<String>) -> Result<T, Refused> {
    Err(Refused(s.into()))
}

/// Check an entry name: relative, forward slashes, no `..`, no empty or control components.
pub fn name_ok(name: &str) -> Result<(), Refused> {
    if name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains(':') && name.as_bytes().get(1) == Some(&b':')
    {
        return refuse(format!("entry name {name:?} is absolute or uses backslashes"));
    }
    if name.chars().any(char::is_control) {
        return refuse(format!("entry name {name:?} holds control characters"));
    }
    for c in name.trim_end_matches('/').split('/') {
        if c.is_empty() || c == ".." || c == "." {
            return refuse(format!("entry name {name:?} has an empty, . or .. component"));
        }
    }
    Ok(())
}

fn read_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn read_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// A streaming reader.
pub struct Reader<R: Read> {
    r: R,
    limits: Limits,
    seen: Vec<(String, u32, u64)>,
    lower: HashSet<String>,
    total: u64,
    done: bool,
}

impl<R: Read> Reader<R> {
    /// Read from a stream.
    pub fn new(r: R, limits: Limits) -> Reader<R> {
        Reader { r, limits, seen: Vec::new(), lower: HashSet::new(), total: 0, done: false }
    }

    /// Read the next entry, passing its data to `sink` in chunks; `None` after the last entry
    /// (the central directory has then been read and checked).
    pub fn next(&mut self, mut sink: impl FnMut(&Entry, &[u8]) -> io::Result<()>) -> Result<Option<Entry>, Refused> {
        if self.done {
            return Ok(None);
        }
        let mut sig = [0u8; 4];
        self.r.read_exact(&mut sig).or_else(|_| refuse("the zip ends before its central directory"))?;
        match u32::from_le_bytes(sig) {
            LOCAL => {}
            CENTRAL => {
                self.central(sig)?;
                self.done = true;
                return Ok(None);
            }
            END if self.seen.is_empty() => {
                self.done = true;
                return refuse("the zip is empty");
            }
            _ => return refuse("not a zip stream (bad header)"),
        }
        let mut h = [0u8; 26];
        self.r.read_exact(&mut h).or_else(|_| refuse("a local header is cut short"))?;
        let flags = read_u16(&h, 2);
        let method = read_u16(&h, 4);
        let crc = read_u32(&h, 10);
        let csize = u64::from(read_u32(&h, 14));
        let size = u64::from(read_u32(&h, 18));
        let (nlen, xlen) = (read_u16(&h, 22) as usize, read_u16(&h, 24) as usize);
        let mut name = vec![0u8; nlen];
        self.r.read_exact(&mut name).or_else(|_| refuse("an entry name is cut short"))?;
        let mut extra = vec![0u8; xlen];
        self.r.read_exact(&mut extra).or_else(|_| refuse("an extra field is cut short"))?;
        let name = String::from_utf8(name).or_else(|_| refuse("an entry name is not UTF-8"))?;
        name_ok(&name)?;
        if flags & 1 != 0 {
            return refuse(format!("{name} is encrypted"));
        }
        if flags & (1 << 3) != 0 {
            return refuse(format!("{name} uses a data descriptor (sizes after the data)"));
        }
        if method != 0 && method != 8 {
            return refuse(format!("{name} uses compression method {method}"));
        }
        if method == 0 && csize != size {
            return refuse(format!("{name}: stored entry sizes disagree"));
        }
        if !self.lower.insert(name.to_lowercase()) {
            return refuse(format!("{name} appears twice (or twice in different case)"));
        }
        if self.seen.len() >= self.limits.max_entries {
            return refuse("too many entries");
        }
        if size > self.limits.max_entry {
            return refuse(format!("{name} is larger than the limit"));
        }
        if size > (1 << 20) && size / csize.max(1) > self.limits.max_ratio {
            return refuse(format!("{name} compresses more than {}:1 (a zip bomb?)", self.limits.max_ratio));
        }
        self.total += size;
        if self.total > self.limits.max_total {
            return refuse("the entries add up to more than the limit");
        }
        let entry = Entry { name: name.clone(), size, method };
        let mut raw = (&mut self.r).take(csize);
        let mut crc_h = crc32fast::Hasher::new();
        let mut produced = 0u64;
        let mut buf = vec![0u8; 1 << 16];
        let mut pump = |src: &mut dyn Read| -> Result<(), Refused> {
            loop {
                let n = src.read(&mut buf).or_else(|_| refuse(format!("{name}: its data is damaged")))?;
                if n == 0 {
                    return Ok(());
                }
                produced += n as u64;
                if produced > size {
                    return refuse(format!("{name} holds more data than its header says (a zip bomb?)"));
                }
                crc_h.update(&buf[..n]);
                sink(&entry, &buf[..n]).or_else(|e| refuse(format!("{name}: {e}")))?;
            }
        };
        if method == 8 {
            let mut dec = flate2::read::DeflateDecoder::new(&mut raw);
            pump(&mut dec)?;
            // Whatever compressed bytes the decoder did not consume must not hide more data.
            let mut rest = Vec::new();
            raw.read_to_end(&mut rest).or_else(|_| refuse(format!("{name}: its data is cut short")))?;
            if rest.iter().any(|b| *b != 0) {
                return refuse(format!("{name}: trailing data after its compressed stream"));
            }
        } else {
            pump(&mut raw)?;
        }
        if raw.limit() != 0 {
            return refuse(format!("{name}: its data is cut short"));
        }
        if produced != size || crc_h.finalize() != crc {
            return refuse(format!("{name}: its size or CRC does not match its header"));
        }
        self.seen.push((name, crc, size));
        Ok(Some(entry))
    }

    fn central(&mut self, first: [u8; 4]) -> Result<(), Refused> {
        let mut sig = first;
        let mut i = 0;
        loop {
            match u32::from_le_bytes(sig) {
                CENTRAL => {}
                END => break,
                _ => return refuse("the central directory is damaged"),
            }
            let mut h = [0u8; 42];
            self.r.read_exact(&mut h).or_else(|_| refuse("the central directory is cut short"))?;
            let crc = read_u32(&h, 12);
            let size = u64::from(read_u32(&h, 20));
            let (nlen, xlen, clen) = (read_u16(&h, 24) as usize, read_u16(&h, 26) as usize, read_u16(&h, 28) as usize);
            let external = read_u32(&h, 34);
            let mut rest = vec![0u8; nlen + xlen + clen];
            self.r.read_exact(&mut rest).or_else(|_| refuse("the central directory is cut short"))?;
            let name = String::from_utf8(rest[..nlen].to_vec()).or_else(|_| refuse("a central name is not UTF-8"))?;
            let mode = external >> 16;
            if mode & 0o170000 == 0o120000 {
                return refuse(format!("{name} is a symbolic link"));
            }
            match self.seen.get(i) {
                Some((n, c, s)) if *n == name && *c == crc && *s == size => {}
                _ => return refuse(format!("the central directory disagrees with the entries at {name}")),
            }
            i += 1;
            self.r.read_exact(&mut sig).or_else(|_| refuse("the central directory is cut short"))?;
        }
        if i != self.seen.len() {
            return refuse("the central directory lists fewer entries than the zip holds");
        }
        let mut end = [0u8; 18];
        self.r.read_exact(&mut end).or_else(|_| refuse("the end record is cut short"))?;
        let mut trailing = Vec::new();
        let _ = (&mut self.r).take(65_557).read_to_end(&mut trailing);
        Ok(())
    }
}

/// A file whose bytes are not the size and CRC it was registered with: `InvalidData`, which the
/// bundle writer reports as the document having changed.
/// A writer that only counts: size and CRC of what passes.
#[derive(Default)]
struct Tally {
    size: u64,
    crc: crc32fast::Hasher,
}

impl Write for Tally {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.size += buf.len() as u64;
        self.crc.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Into the zip, counted and hashed on the way.
struct Through<'z, W: Write> {
    w: &'z mut Writer<W>,
    tally: Tally,
    sha: Sha256,
}

impl<W: Write> Write for Through<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tally.write_all(buf)?;
        self.sha.update(buf);
        self.w.w.write_all(buf)?;
        self.w.advance(buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn not_as_registered(path: &Path) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{} is not as it was registered", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build() -> Vec<u8> {
        let mut w = Writer::new(Vec::new());
        w.add_bytes("bag/data/a.txt", b"hello hello hello hello", true).unwrap();
        w.add_bytes("bag/data/b.bin", &[1, 2, 3], false).unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn round_trip() {
        let z = build();
        let mut r = Reader::new(&z[..], Limits::default());
        let mut got = Vec::new();
        while let Some(e) = r
            .next(|_, b| {
                got.extend_from_slice(b);
                Ok(())
            })
            .unwrap()
        {
            assert!(e.name.starts_with("bag/data/"));
        }
        assert_eq!(got, b"hello hello hello hello\x01\x02\x03");
        // The zip crate reads it too.
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(z)).unwrap();
        assert_eq!(a.len(), 2);
        let mut s = String::new();
        a.by_name("bag/data/a.txt").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello hello hello hello");
    }

    proptest::proptest! {
        /// A flipped byte anywhere is either refused or leaves what is read unchanged
        /// (bytes the reader ignores, such as the end record's comment length).
        #[test]
        fn flipped_bytes_never_change_content_silently(pos in 0usize..200, bit in 0u8..8) {
            let z = build();
            let pos = pos % z.len();
            let mut bad = z.clone();
            bad[pos] ^= 1 << bit;
            let read = |bytes: &[u8]| -> Result<Vec<u8>, Refused> {
                let mut r = Reader::new(bytes, Limits::default());
                let mut out = Vec::new();
                while let Some(e) = r.next(|_, b| { out.extend_from_slice(b); Ok(()) })? {
                    out.extend_from_slice(e.name.as_bytes());
                }
                Ok(out)
            };
            let good = read(&z).unwrap();
            if let Ok(got) = read(&bad) {
                proptest::prop_assert_eq!(got, good);
            }
        }
    }

    #[test]
    fn bad_names_and_tampering_are_refused() {
        for bad in ["/abs", "a/../b", "a\\b", "a//b", "./a"] {
            assert!(name_ok(bad).is_err(), "{bad}");
        }
        let mut z = build();
        let at = z.len() / 3;
        z[at] ^= 0x40;
        let mut r = Reader::new(&z[..], Limits::default());
        let mut err = None;
        loop {
            match r.next(|_, _| Ok(())) {
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        assert!(err.is_some(), "a flipped byte went unnoticed");
    }
}
