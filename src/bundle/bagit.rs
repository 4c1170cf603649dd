//! BagIt (RFC 8493) fixity checks of a bag in a folder: the periodic check a receiver runs on the
//! documents it keeps for years.
//!
//! What is checked, in order, failing on the first problem:
//! - `bagit.txt`: present, no byte-order mark, exactly `BagIt-Version: M.N` and
//!   `Tag-File-Character-Encoding: ENC` (no space before the colon). Versions 1.0, 0.97 and 0.96
//!   are read; older ones are refused as unsupported. Tag files may be UTF-8, ISO-8859-1 or UTF-16.
//! - at least one payload manifest `manifest-ALG.txt` (md5, sha1, sha224, sha256, sha384, sha512);
//!   every line `CHECKSUM PATH`; paths percent-decode only `%0D`, `%0A`, `%25`; a path that is
//!   absolute, starts with `~`, climbs out with `..`, or (for a payload manifest) lies outside
//!   `data/` is refused; a path listed twice is refused (1.0), or a warning when the checksums
//!   agree (older versions).
//! - every file under `data/` is listed in every payload manifest, every listed file exists (a
//!   listed file missing because it is a system file like `.DS_Store`, or differs only in case
//!   from a listed file that exists, is a warning), and every checksum matches;
//! - tag manifests `tagmanifest-ALG.txt`: listed tag files exist and match;
//! - `bag-info.txt`: when present, its `Payload-Oxum` (octets.files) matches the payload;
//! - `fetch.txt`: paths must be inside `data/`.
//!
//! Warnings (the bag is still valid): md5 or sha1 only, `./` in manifest paths, md5sum's `*`
//! marker, duplicate lines with the same checksum, names listed twice in different Unicode
//! normalisations, missing system files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;

use serde::Serialize;
use sha2::Digest;
use unicode_normalization::UnicodeNormalization;

/// The outcome of a check.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub valid: bool,
    pub version: Option<String>,
    pub payload_files: usize,
    pub payload_bytes: u64,
    pub algorithms: Vec<String>,
    /// The first problem, when not valid.
    pub error: Option<String>,
    pub warnings: Vec<String>,
}

const ALGORITHMS: &[&str] = &["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];
const SYSTEM_FILES: &[&str] = &[".DS_Store", "Thumbs.db", "desktop.ini", ".Trashes", ".Spotlight-V100", ".fseventsd"];

struct Fail(String);

fn fail<T>(msg: impl Into<String>) -> Result<T, Fail> {
    Err(Fail(msg.into()))
}

fn hash_file(alg: &str, path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    macro_rules! run {
        ($h:expr) => {{
            let mut h = $h;
            loop {
                let n = f.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
            hex::encode(h.finalize())
        }};
    }
    Ok(match alg {
        "md5" => run!(md5::Md5::new()),
        "sha1" => run!(sha1::Sha1::new()),
        "sha224" => run!(sha2::Sha224::new()),
        "sha256" => run!(sha2::Sha256::new()),
        "sha384" => run!(sha2::Sha384::new()),
        _ => run!(sha2::Sha512::new()),
    })
}

fn decode(bytes: &[u8], encoding: &str) -> Result<String, Fail> {
    let enc = encoding.trim().to_ascii_lowercase();
    match enc.as_str() {
        "utf-8" | "utf8" => {
            let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8(b.to_vec()).or_else(|_| fail("a tag file is not valid UTF-8"))
        }
        "iso-8859-1" | "latin-1" | "latin1" | "iso8859-1" => Ok(bytes.iter().map(|b| *b as char).collect()),
        "utf-16" | "utf-16le" | "utf-16be" => {
            let (le, body) = if bytes.starts_with(&[0xFF, 0xFE]) {
                (true, &bytes[2..])
            } else if bytes.starts_with(&[0xFE, 0xFF]) {
                (false, &bytes[2..])
            } else {
                (enc != "utf-16be", bytes)
            };
            let units: Vec<u16> = body
                .chunks_exact(2)
                .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
                .collect();
            String::from_utf16(&units).or_else(|_| fail("a tag file is not valid UTF-16"))
        }
        other => fail(format!("unsupported Tag-File-Character-Encoding '{other}'")),
    }
}

fn lines(text: &str) -> Vec<&str> {
    text.split(['\n', '\r']).filter(|l| !l.trim().is_empty()).collect()
}

/// Decode a manifest path: only %0D, %0A and %25 are escapes (RFC 8493 §2.1.3).
fn unescape(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut rest = p;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let code = tail.get(1..3).map(str::to_ascii_uppercase);
        match code.as_deref() {
            Some("0D") => out.push('\r'),
            Some("0A") => out.push('\n'),
            Some("25") => out.push('%'),
            _ => {
                out.push('%');
                rest = &tail[1..];
                continue;
            }
        }
        rest = &tail[3..];
    }
    out.push_str(rest);
    out
}

/// Check a manifest or fetch path; returns it relative to the bag, without a leading `./`.
fn safe_path(raw: &str, warnings: &mut Vec<String>, what: &str) -> Result<String, Fail> {
    let mut p = unescape(raw);
    if p.starts_with('/')
        || p.starts_with('\\')
        || p.starts_with('~')
        || p.get(1..3) == Some(":\\")
        || p.starts_with("\\\\")
    {
        return fail(format!("{what} lists a path outside the bag (absolute or ~): {}", raw.escape_debug()));
    }
    if p.contains('\\') {
        return fail(format!("{what} lists a path with a backslash: {}", raw.escape_debug()));
    }
    if let Some(stripped) = p.strip_prefix("./") {
        warnings.push(format!("{what} path starts with ./ (relative path notation)"));
        p = stripped.to_string();
    }
    if p.split('/').any(|c| c == ".." || c == ".") {
        return fail(format!("{what} lists a path that climbs out of the bag: {}", raw.escape_debug()));
    }
    Ok(p)
}

struct Entry {
    path: String,
    checksum: String,
}

fn read_manifest(
    dir: &Path,
    name: &str,
    encoding: &str,
    payload: bool,
    version: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Entry>, Fail> {
    let bytes = std::fs::read(dir.join(name)).or_else(|_| fail(format!("{name} cannot be read")))?;
    let text = decode(&bytes, encoding)?;
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut seen_nfc: HashMap<String, String> = HashMap::new();
    for line in lines(&text) {
        let line = line.trim_start_matches('\u{feff}');
        let Some(split) = line.find([' ', '\t']) else {
            return fail(format!("{name}: a line has no path"));
        };
        let checksum = line[..split].to_ascii_lowercase();
        let mut raw = line[split..].trim_start_matches([' ', '\t']);
        if let Some(r) = raw.strip_prefix('*') {
            warnings.push(format!("{name} uses md5sum's binary marker (*)"));
            raw = r;
        }
        if raw.is_empty() || !checksum.chars().all(|c| c.is_ascii_hexdigit()) {
            return fail(format!("{name}: a line is not 'CHECKSUM PATH'"));
        }
        let path = safe_path(raw, warnings, name)?;
        if payload && !path.starts_with("data/") {
            return fail(format!("{name} lists a file outside data/: {}", path.escape_debug()));
        }
        if !payload && path.starts_with("data/") {
            return fail(format!("{name} (a tag manifest) lists a payload file"));
        }
        if let Some(prev) = seen.get(&path) {
            if version == "1.0" || *prev != checksum {
                return fail(format!("{name} lists {} twice", path.escape_debug()));
            }
            warnings.push(format!("{name} lists {} twice with the same checksum", path.escape_debug()));
            continue;
        }
        let nfc: String = path.nfc().collect();
        if let Some(prev) = seen_nfc.get(&nfc) {
            if *prev != checksum {
                return fail(format!(
                    "{name} lists one name twice (different Unicode normalisation) with different checksums"
                ));
            }
            warnings.push(format!("{name} lists one name twice in different Unicode normalisations"));
            continue;
        }
        seen.insert(path.clone(), checksum.clone());
        seen_nfc.insert(nfc, checksum.clone());
        entries.push(Entry { path, checksum });
    }
    Ok(entries)
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, u64)>) -> Result<(), Fail> {
    let rd = std::fs::read_dir(dir).or_else(|_| fail(format!("cannot read {}", dir.display())))?;
    for e in rd {
        let e = e.or_else(|_| fail("cannot read a folder entry"))?;
        let ft = e.file_type().or_else(|_| fail("cannot read a file type"))?;
        let p = e.path();
        if ft.is_symlink() {
            return fail(format!(
                "{} is a symbolic link; a bag holds only files",
                p.strip_prefix(root).unwrap_or(&p).display()
            ));
        }
        if ft.is_dir() {
            walk(&p, root, out)?;
        } else {
            let rel = p.strip_prefix(root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
            let len = e.metadata().map(|m| m.len()).unwrap_or(0);
            out.push((rel, len));
        }
    }
    Ok(())
}

fn check(dir: &Path, report: &mut Report) -> Result<(), Fail> {
    let warnings = &mut report.warnings;
    let bagit = dir.join("bagit.txt");
    let bytes = std::fs::read(&bagit).or_else(|_| fail("bagit.txt is missing: this is not a bag"))?;
    if bytes.starts_with(b"\xEF\xBB\xBF") || bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return fail("bagit.txt starts with a byte-order mark, which RFC 8493 forbids");
    }
    let text = String::from_utf8(bytes).or_else(|_| fail("bagit.txt is not UTF-8"))?;
    let decl = lines(&text);
    let field = |line: Option<&&str>, label: &str| -> Result<String, Fail> {
        let l = line.ok_or_else(|| Fail(format!("bagit.txt has no {label} line")))?;
        let prefix = format!("{label}: ");
        l.strip_prefix(&prefix)
            .map(|v| v.trim().to_string())
            .ok_or_else(|| Fail(format!("bagit.txt: expected '{label}: …' exactly (no space before the colon)")))
    };
    let version = field(decl.first(), "BagIt-Version")?;
    let encoding = field(decl.get(1), "Tag-File-Character-Encoding")?;
    if decl.len() > 2 {
        return fail("bagit.txt has lines other than the version and the encoding");
    }
    match version.as_str() {
        "1.0" | "0.97" | "0.96" => {}
        v if v.split('.').count() == 2
            && v.split('.').all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())) =>
        {
            return fail(format!("BagIt version {v} is not supported (1.0, 0.97 and 0.96 are)"));
        }
        v => return fail(format!("'{}' is not a BagIt version", v.escape_debug())),
    }
    report.version = Some(version.clone());
    decode(b"", &encoding)?;
    if !dir.join("data").is_dir() {
        return fail("the payload folder data/ is missing");
    }
    let names: BTreeSet<String> = std::fs::read_dir(dir)
        .or_else(|_| fail("cannot read the bag folder"))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    let manifests: Vec<&str> =
        ALGORITHMS.iter().copied().filter(|a| names.contains(&format!("manifest-{a}.txt"))).collect();
    if manifests.is_empty() {
        return fail("no payload manifest (manifest-sha256.txt, …)");
    }
    for n in &names {
        if let Some(alg) = n.strip_prefix("manifest-").and_then(|s| s.strip_suffix(".txt"))
            && !ALGORITHMS.contains(&alg)
        {
            return fail(format!("{n}: unsupported checksum algorithm"));
        }
    }
    report.algorithms = manifests.iter().map(std::string::ToString::to_string).collect();
    if manifests.iter().all(|a| matches!(*a, "md5" | "sha1")) {
        warnings.push("only weak checksums (md5/sha1); RFC 8493 recommends sha256 or sha512".into());
    }

    // fetch.txt: only safe paths inside data/.
    let mut fetched: BTreeSet<String> = BTreeSet::new();
    if names.contains("fetch.txt") {
        let text =
            decode(&std::fs::read(dir.join("fetch.txt")).or_else(|_| fail("fetch.txt cannot be read"))?, &encoding)?;
        for l in lines(&text) {
            let mut parts = l.splitn(3, [' ', '\t']);
            let (_url, _len, path) = (parts.next(), parts.next(), parts.next());
            let path = path.ok_or_else(|| Fail("fetch.txt: a line is not 'URL LENGTH PATH'".into()))?;
            let p = safe_path(path.trim(), warnings, "fetch.txt")?;
            if !p.starts_with("data/") {
                return fail("fetch.txt lists a file outside data/");
            }
            fetched.insert(p);
        }
    }

    let mut files = Vec::new();
    walk(&dir.join("data"), dir, &mut files)?;
    let on_disk: BTreeMap<String, u64> = files.iter().cloned().collect();
    let on_disk_nfc: HashMap<String, String> =
        on_disk.keys().map(|k| (k.nfc().collect::<String>(), k.clone())).collect();
    let on_disk_lower: BTreeSet<String> = on_disk.keys().map(|k| k.to_lowercase()).collect();
    report.payload_files = on_disk.len();
    report.payload_bytes = on_disk.values().sum();

    // Listed files tolerated as absent (fetched, system files, case twins), counted for Payload-Oxum.
    let mut tolerated: BTreeSet<String> = BTreeSet::new();
    for alg in &manifests {
        let name = format!("manifest-{alg}.txt");
        let entries = read_manifest(dir, &name, &encoding, true, &version, warnings)?;
        let mut listed: BTreeSet<String> = BTreeSet::new();
        for e in &entries {
            let nfc: String = e.path.nfc().collect();
            let actual =
                on_disk.get_key_value(&e.path).map(|(k, _)| k.clone()).or_else(|| on_disk_nfc.get(&nfc).cloned());
            let Some(actual) = actual else {
                let base = e.path.rsplit('/').next().unwrap_or("");
                if fetched.contains(&e.path) {
                    warnings.push(format!(
                        "{} is listed in fetch.txt and not present (a holey bag)",
                        e.path.escape_debug()
                    ));
                } else if SYSTEM_FILES.contains(&base) || base.starts_with("._") {
                    warnings
                        .push(format!("{name} lists the system file {} which is not present", e.path.escape_debug()));
                } else if on_disk_lower.contains(&e.path.to_lowercase()) {
                    warnings.push(format!(
                        "{name} lists {} which differs only in case from a file present",
                        e.path.escape_debug()
                    ));
                } else {
                    return fail(format!("{name} lists {} but it is not in the bag", e.path.escape_debug()));
                }
                tolerated.insert(e.path.clone());
                continue;
            };
            let got = hash_file(alg, &dir.join(&actual))
                .or_else(|_| fail(format!("{} cannot be read", actual.escape_debug())))?;
            if got != e.checksum {
                return fail(format!("{} does not match its {alg} checksum in {name}", actual.escape_debug()));
            }
            listed.insert(actual);
        }
        for f in on_disk.keys() {
            if !listed.contains(f) {
                return fail(format!("{} is in data/ but not listed in {name}", f.escape_debug()));
            }
        }
    }

    for alg in ALGORITHMS {
        let name = format!("tagmanifest-{alg}.txt");
        if !names.contains(&name) {
            continue;
        }
        for e in read_manifest(dir, &name, &encoding, false, &version, warnings)? {
            let p = dir.join(&e.path);
            if !p.is_file() {
                return fail(format!("{name} lists the tag file {} but it is missing", e.path.escape_debug()));
            }
            let got = hash_file(alg, &p).or_else(|_| fail(format!("{} cannot be read", e.path.escape_debug())))?;
            if got != e.checksum {
                return fail(format!("the tag file {} does not match its {alg} checksum", e.path.escape_debug()));
            }
        }
    }

    if names.contains("bag-info.txt") {
        let text = decode(
            &std::fs::read(dir.join("bag-info.txt")).or_else(|_| fail("bag-info.txt cannot be read"))?,
            &encoding,
        )?;
        for l in lines(&text) {
            if l.starts_with([' ', '\t']) {
                continue;
            }
            let Some((label, value)) = l.split_once(':') else {
                return fail("bag-info.txt: a line is not 'Label: value'");
            };
            if label.trim() == "Payload-Oxum" {
                let expected = format!("{}.{}", report.payload_bytes, report.payload_files);
                let with_absent = report.payload_files + tolerated.len();
                if value.trim() == expected {
                } else if value.trim().split_once('.').is_some_and(|(_, n)| n == with_absent.to_string())
                    && !tolerated.is_empty()
                {
                    report.warnings.push(format!("Payload-Oxum {} counts files listed but absent", value.trim()));
                } else if fetched.is_empty() {
                    return fail(format!(
                        "Payload-Oxum is {} but the payload is {expected} (octets.files)",
                        value.trim()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Check a bag folder.
pub fn verify_dir(dir: &Path) -> Report {
    let mut report = Report {
        valid: false,
        version: None,
        payload_files: 0,
        payload_bytes: 0,
        algorithms: Vec::new(),
        error: None,
        warnings: Vec::new(),
    };
    match check(dir, &mut report) {
        Ok(()) => report.valid = true,
        Err(Fail(why)) => report.error = Some(why),
    }
    report.warnings.dedup();
    report
}
