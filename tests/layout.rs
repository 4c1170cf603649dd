//! The house rules of the source tree, checked: the folders are the layers of the map in
//! `src/lib.rs`, and a module names no module of a layer above its own; SQL and the SQLite crate
//! live only in `src/register/` (the error type may name SQLite's error, to convert it); and no
//! source file grows past the size a reader can hold.

use crate::util::root;

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn sql_lives_only_in_the_register_module() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let sql = regex::Regex::new(r#""\s*(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|BEGIN|WITH)\s"#).unwrap();
    let mut found = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        if rel.starts_with("register/") {
            continue;
        }
        for (i, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            let sqlite_crate = line.contains("rusqlite") && rel != "base/error.rs";
            if sqlite_crate || sql.is_match(line) {
                found.push(format!("src/{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "SQL or rusqlite outside src/register/:\n{}", found.join("\n"));
}

/// Every CSV the tool writes goes through the one encoder, which neutralises cells a
/// spreadsheet would run as formulas (`base::encode::csv_bytes`): no other writer.
#[test]
fn every_csv_is_written_by_the_one_encoder() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        if rel == "base/encode.rs" {
            continue;
        }
        for (i, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            if line.contains("csv::Writer") {
                found.push(format!("src/{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "CSV written outside base::encode::csv_bytes:\n{}", found.join("\n"));
}

/// The layers, from the top: each folder with the `crate::` paths its files must not name (the
/// layers above it, and the names `lib.rs` re-exports from them for the library's callers).
const LAYERS: &[(&str, &[&str])] = &[
    ("entry/", &[]),
    ("bundle/", &["entry", "cli", "fuzzing", "Ctx", "run", "now"]),
    ("audit/", &["bundle", "entry", "cli", "fuzzing", "Ctx", "run", "now"]),
    ("transfer/", &["audit", "bundle", "entry", "cli", "fuzzing", "Ctx", "run", "now"]),
    ("records/", &["transfer", "audit", "bundle", "entry", "cli", "fuzzing", "Ctx", "run", "now"]),
    (
        "register/",
        &["records", "import", "vault", "transfer", "audit", "bundle", "entry", "cli", "fuzzing", "Ctx", "run", "now"],
    ),
    (
        "domain/",
        &[
            "register", "records", "import", "vault", "transfer", "audit", "bundle", "entry", "cli", "fuzzing", "Ctx",
            "run", "now",
        ],
    ),
    (
        "base/",
        &[
            "domain", "register", "records", "import", "vault", "transfer", "audit", "bundle", "entry", "cli",
            "fuzzing", "Ctx", "run", "now",
        ],
    ),
];

/// The module path of a source file (`src/records/import/own.rs` is `records::import::own`;
/// `mod.rs` is its folder's module).
fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.trim_end_matches(".rs").split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every path from the crate root a line names: `crate::a::b`, and `super::...` that climbs to
/// the root (from `module`), as the segment after the root.
fn root_paths(line: &str, module: &[String]) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    let mut out = Vec::new();
    static WORD: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let word = WORD.get_or_init(|| regex::Regex::new(r"\b(crate::|(?:super::)+)([A-Za-z_]\w*)").unwrap());
    for c in word.captures_iter(code) {
        let head = &c[1];
        let name = c[2].to_string();
        if head == "crate::" {
            out.push(name);
        } else {
            // `super` from a file's module names its parent; climbing as many levels as the
            // module is deep reaches the crate root.
            let ups = head.matches("super").count();
            if ups >= module.len() {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn every_folder_names_only_its_own_layer_and_those_below() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    let mut layered = 0;
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        let Some((layer, forbidden)) = LAYERS.iter().find(|(l, _)| rel.starts_with(l)) else { continue };
        layered += 1;
        let module = module_path(&rel);
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for name in root_paths(line, &module) {
                if forbidden.contains(&name.as_str()) {
                    found.push(format!("src/{rel}:{}: the {layer} layer names crate::{name}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(layered > 90, "only {layered} files are in a layer folder: the layout changed, change LAYERS with it");
    assert!(found.is_empty(), "a module names a layer above its own:\n{}", found.join("\n"));
    // Only the crate root is outside the folders.
    let loose: Vec<_> = files
        .iter()
        .map(|f| f.strip_prefix(&src).unwrap().to_string_lossy().into_owned())
        .filter(|r| !r.contains('/') && r != "lib.rs" && r != "main.rs")
        .collect();
    assert!(loose.is_empty(), "source files outside the layer folders: {loose:?}");
}

/// The rule checks what it says: a domain file naming the register, or climbing out of its
/// folder with `super`, is caught.
#[test]
fn the_layer_rule_catches_a_path_up() {
    let module = module_path("domain/consent.rs");
    assert_eq!(module, ["domain", "consent"]);
    assert_eq!(root_paths("use crate::register::Db;", &module), ["register"]);
    assert_eq!(root_paths("    let x = super::super::bundle::read(&y);", &module), ["bundle"]);
    assert!(root_paths("use super::model::Code;", &module).is_empty());
    assert!(root_paths("// see crate::register", &module).is_empty());
    assert_eq!(module_path("records/import/mod.rs"), ["records", "import"]);
}

#[test]
fn no_source_file_is_longer_than_a_reader_can_hold() {
    const MAX: usize = 800;
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX).then(|| format!("{} ({n} lines)", f.strip_prefix(&src).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "source files over {MAX} lines (split them by concern): {long:?}");
}
