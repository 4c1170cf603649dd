//! Test helpers: a temporary working folder with a register, and a way to run the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture folder.
pub fn fixtures() -> PathBuf {
    root().join("fixtures")
}

/// What the newsletter came with: a purpose, its controllers, the texts, the method.
pub const FACTS: &[&str] = &[
    "--purpose",
    "newsletter",
    "--controllers",
    "brightwater-trust",
    "--statement-version",
    "NL-2017",
    "--notice-version",
    "PN-2017",
    "--method",
    "online_checkbox",
];

/// The statement and notice a consent to the disclosure cites in the fixtures, and that the
/// person was told they can withdraw: the end of a `consent record`.
pub const TOLD_DS_2025: [&str; 6] =
    ["--statement-version", "DS-2025", "--notice-version", "PN-2025", "--told-can-withdraw", "yes"];

/// A temporary folder the binary runs in, with `handover.db` as its register.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

/// What one run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl TestEnv {
    /// An empty folder.
    pub fn new() -> TestEnv {
        TestEnv { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The register path.
    pub fn register(&self) -> PathBuf {
        self.path().join("handover.db")
    }

    /// The binary, set up to run in the folder: a fixed clock and actor, and the folder's own
    /// per-user settings (`.config`), never the real user's.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_handover"));
        c.args(args)
            .current_dir(self.path())
            .env("HANDOVER_REGISTER", "handover.db")
            .env("HANDOVER_ACTOR", "tester")
            .env("NO_COLOR", "1")
            .env("HANDOVER_TEST_NOW", "2026-11-25T12:00:00Z")
            .env("XDG_CONFIG_HOME", self.path().join(".config"))
            .env("HOME", self.path())
            .env_remove("USER");
        c
    }

    /// Run the binary with these arguments in the folder.
    pub fn run(&self, args: &[&str]) -> Run {
        Self::finish(self.command(args).output().expect("run handover"))
    }

    /// Run the binary as a user does, with no HANDOVER_REGISTER: the register is the one
    /// remembered (`handover use`, `handover receive`), else handover.db.
    pub fn run_user(&self, args: &[&str]) -> Run {
        Self::finish(self.command(args).env_remove("HANDOVER_REGISTER").output().expect("run handover"))
    }

    /// As [`TestEnv::run_user`], with environment variables set (a passphrase, as if typed).
    pub fn run_user_with(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut c = self.command(args);
        c.env_remove("HANDOVER_REGISTER");
        for (k, v) in vars {
            c.env(k, v);
        }
        Self::finish(c.output().expect("run handover"))
    }

    fn finish(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Run and require exit 0.
    pub fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, 0, "handover {args:?} failed:\nstdout: {}\nstderr: {}", r.stdout, r.stderr);
        r
    }

    /// Write a file in the folder and return its path as a string.
    pub fn write(&self, name: &str, body: &str) -> String {
        let p = self.path().join(name);
        std::fs::write(&p, body).expect("write test file");
        p.display().to_string()
    }

    /// A register with the two controllers and the fixture statements and notices (a copy of one
    /// built once per test process).
    pub fn with_texts() -> TestEnv {
        static TEMPLATE: std::sync::OnceLock<TestEnv> = std::sync::OnceLock::new();
        TEMPLATE.get_or_init(|| TestEnv::build_texts(TestEnv::template_dir())).copy()
    }

    /// A register with the whole fixture community imported (a copy of one built once per test
    /// process: the imports are the slowest set-up the tests share).
    pub fn with_fixtures() -> TestEnv {
        static TEMPLATE: std::sync::OnceLock<TestEnv> = std::sync::OnceLock::new();
        TEMPLATE.get_or_init(|| TestEnv::build_fixtures(TestEnv::build_texts(TestEnv::template_dir()))).copy()
    }

    /// A folder for a template register, under the build's own scratch folder (a template lives as
    /// long as the test process, so it is not in /tmp). Its name starts with the process id; the
    /// templates of processes that have ended are removed.
    fn template_dir() -> TestEnv {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("register-templates");
        std::fs::create_dir_all(&base).expect("create the templates folder");
        for e in std::fs::read_dir(&base).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let pid = name.split('-').next().unwrap_or_default();
            if !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let dir = tempfile::Builder::new().prefix(&format!("{}-", std::process::id())).tempdir_in(&base);
        TestEnv { dir: dir.expect("template dir") }
    }

    /// A new folder holding a copy of this one's register.
    fn copy(&self) -> TestEnv {
        let env = TestEnv::new();
        for name in ["handover.db", "handover.db-wal"] {
            let from = self.path().join(name);
            if from.exists() {
                std::fs::copy(&from, env.path().join(name)).expect("copy the template register");
            }
        }
        env
    }

    fn build_texts(env: TestEnv) -> TestEnv {
        env.ok(&["init", "--community", "Test Community", "--controller", "Brightwater Trust"]);
        env.ok(&["controller", "add", "--name", "KSCoP Steering Group", "--kind", "unincorporated_association"]);
        let fx = fixtures();
        let index = std::fs::read_to_string(fx.join("texts/index.csv")).unwrap();
        for line in index.lines().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            let file = fx.join(c[6]).display().to_string();
            let mut args =
                vec![c[0], "add", "--version", c[1], "--format", c[3], "--file", &file, "--effective-from", c[4]];
            if c[0] == "statement" {
                args.extend(["--purpose", c[2], "--controllers", c[7]]);
            } else if !c[5].is_empty() {
                args.extend(["--announces", c[5]]);
            }
            env.ok(&args);
        }
        let index = std::fs::read_to_string(fx.join("assessments/index.csv")).unwrap();
        for line in index.lines().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            let file = fx.join(c[5]).display().to_string();
            env.ok(&[
                "assessment",
                "add",
                "--kind",
                c[0],
                "--ref",
                c[1],
                "--version",
                c[2],
                "--approver",
                c[3],
                "--approved-on",
                c[4],
                "--file",
                &file,
            ]);
        }
        env
    }

    fn build_fixtures(env: TestEnv) -> TestEnv {
        let fx = fixtures();
        let f = |n: &str| fx.join(n).display().to_string();
        env.ok(&["person", "import", &f("people.csv")]);
        env.ok(&["consent", "import", &f("consent.csv")]);
        env.ok(&["role", "import", &f("roles.csv")]);
        env.ok(&["basis", "import", &f("bases.csv")]);
        env.ok(&["notice", "send-log", &f("notices-sent.csv")]);
        env.ok(&["person", "import", &f("diversity.csv")]);
        env
    }

    /// Number of audit entries (a proxy for "did anything change").
    pub fn audit_len(&self) -> usize {
        self.ok(&["audit", "log", "--json"]).json()["data"].as_array().map_or(0, Vec::len)
    }
}

/// Run an outside tool the tests need; fail loudly when it is missing.
pub fn tool(name: &str) -> Command {
    let found =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file())).unwrap_or(false);
    assert!(found, "the outside tool '{name}' is not installed: run .ci/run (it installs what the tests need)");
    Command::new(name)
}

/// The SHA-256 of a file, in hex.
pub fn sha256_file(path: &std::path::Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}
