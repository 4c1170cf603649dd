//! `handover bag verify`.

use crate::base::error::{Error, Result};
use crate::bundle::bagit;
use crate::entry::cli::BagCmd;
use crate::entry::exit::ExitCode;
use crate::entry::output::Outcome;

/// Run a bag subcommand.
pub fn run(cmd: BagCmd) -> Result<Outcome> {
    let BagCmd::Verify { dir } = cmd;
    if !dir.is_dir() {
        return Err(Error::bad("DIR", format!("'{}' is not a folder", dir.display())));
    }
    let r = bagit::verify_dir(&dir);
    let mut o = match &r.error {
        None => Outcome::new(
            "bag_verify",
            &r,
            format!(
                "valid bag (BagIt {}): {} payload file(s), {} bytes, checked with {}\n",
                r.version.as_deref().unwrap_or("?"),
                r.payload_files,
                r.payload_bytes,
                r.algorithms.join(", ")
            ),
        ),
        Some(why) => {
            let mut o = Outcome::new("bag_verify", &r, format!("INVALID bag: {why}\n"));
            o.exit = ExitCode::CheckFailed;
            o
        }
    };
    for w in &r.warnings {
        o = o.note(format!("warning: {w}"));
    }
    Ok(o)
}
