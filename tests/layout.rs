//! The house rules of the source tree, checked: SQL and the SQLite crate live only in
//! `src/register/` (the error type may name SQLite's error, to convert it), and no source file
//! grows past the size a reader can hold.

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
            let sqlite_crate = line.contains("rusqlite") && rel != "error.rs";
            if sqlite_crate || sql.is_match(line) {
                found.push(format!("src/{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "SQL or rusqlite outside src/register/:\n{}", found.join("\n"));
}
