//! `handover completions` and `handover man`: generated from the clap definitions.

use clap::CommandFactory;

use crate::base::error::{Error, Result};
use crate::entry::cli::{Cli, CompletionsArgs};
use crate::entry::output::Outcome;

/// Shell completions on stdout.
pub fn completions(a: CompletionsArgs) -> Result<Outcome> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "handover", &mut buf);
    let text = String::from_utf8(buf).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Outcome::new("completions", serde_json::json!({ "shell": a.shell.to_string() }), text))
}

/// The man page (roff) on stdout.
pub fn man() -> Result<Outcome> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf).map_err(|e| Error::Internal(e.to_string()))?;
    let text = String::from_utf8(buf).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Outcome::new("man", serde_json::json!({}), text))
}

/// `handover use [PATH]`: remember the register to use, or show the one in use.
pub fn use_register(ctx: &crate::Ctx, a: crate::entry::cli::UseArgs) -> Result<Outcome> {
    if let Some(name) = a.name.as_ref().filter(|_| a.path.is_none()) {
        crate::entry::home::remember_actor(name)?;
        {
            let data = serde_json::json!({ "register": crate::entry::home::remembered_register().map(|p| p.display().to_string()) });
            return Ok(Outcome::new(
                "register_in_use",
                data,
                format!("your actions are now logged as {}\n", crate::entry::output::sanitize(name.trim())),
            ));
        }
    }
    let Some(path) = a.path else {
        let current = crate::entry::home::remembered_register();
        let text = match &current {
            Some(p) => format!("the register in use is {}\n", p.display()),
            None => "no register is remembered: `handover use PATH` remembers one\n".to_string(),
        };
        let data = serde_json::json!({ "register": current.map(|p| p.display().to_string()) });
        return Ok(Outcome::new("register_in_use", data, text));
    };
    // Only a register is remembered: opening it checks that it is one.
    let reg = crate::register::Register::open(&path, &ctx.actor)?;
    let own = crate::register::catalogue::self_controller(&reg)?;
    drop(reg);
    let abs = crate::entry::home::remember_register(&path, ctx.now)?;
    if let Some(name) = &a.name {
        crate::entry::home::remember_actor(name)?;
    }
    let text = format!(
        "using {} ({}) from now on: commands need no --register (--register or HANDOVER_REGISTER still override it)\n",
        abs.display(),
        own.name
    );
    Ok(Outcome::new("register_in_use", serde_json::json!({ "register": abs.display().to_string() }), text))
}
