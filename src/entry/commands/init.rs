//! `handover init`.

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::domain::model::{fmt_ts, slugify};
use crate::entry::cli::InitArgs;
use crate::entry::output::Outcome;
use crate::register::catalogue::Controller;
use crate::register::{Register, catalogue, set_setting};

/// Create the register.
pub fn run(ctx: &Ctx, a: InitArgs) -> Result<Outcome> {
    if a.community.trim().is_empty() {
        return Err(Error::bad("--community", "the community needs a name"));
    }
    let slug = a.controller_slug.clone().unwrap_or_else(|| slugify(&a.controller));
    if slug.is_empty() || slugify(&slug) != slug {
        return Err(Error::bad(
            "--controller-slug",
            "a slug is lower-case letters and digits joined by single hyphens",
        ));
    }
    let mut custodians = Vec::new();
    for c in &a.custodians {
        let r = crate::base::keys::recipient_arg(c, "--custodian")?.to_string();
        if !custodians.contains(&r) {
            custodians.push(r);
        }
    }
    let mut reg = Register::create(&ctx.register, &ctx.actor)?;
    let now = ctx.now;
    let result = reg.change(now, |c| {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| Error::NoRandomSource { why: e.to_string() })?;
        set_setting(c, "community", a.community.trim())?;
        set_setting(c, "hash_key", &hex::encode(key))?;
        set_setting(c, "objection_window_days", "28")?;
        set_setting(c, "tombstone_years", "6")?;
        set_setting(c, "created_at", &fmt_ts(now))?;
        catalogue::insert_controller(
            c,
            &Controller {
                id: slug.clone(),
                slug: slug.clone(),
                name: a.controller.trim().to_string(),
                kind: super::code_arg("--controller-kind", &a.controller_kind)?,
                is_self: true,
                contact: None,
                accountable_person: None,
                ico_fee_status: None,
                dsa_ref: None,
                dpia_ref: None,
                created_at: fmt_ts(now),
            },
        )?;
        catalogue::seed_purposes(c)?;
        for r in &custodians {
            crate::register::accounts::add_custodian(c, r, None, &fmt_ts(now))?;
        }
        c.audit(
            "init",
            &slug,
            serde_json::json!({ "controller": slug, "purposes": catalogue::PURPOSES.len(), "custodians": custodians.len() }),
        )
    });
    if let Err(e) = result {
        drop(reg);
        let _ = std::fs::remove_file(&ctx.register);
        return Err(e);
    }
    let data = serde_json::json!({
        "register": ctx.register.display().to_string(),
        "community": a.community.trim(),
        "controller": slug,
        "purposes": catalogue::PURPOSES.len(),
        "custodians": custodians.len(),
    });
    Ok(Outcome::new(
        "init",
        data,
        format!(
            "created register {} for {} (controller {slug}, {} purposes)\nThe register will hold special-category data: keep it on an encrypted disk.\n",
            ctx.register.display(),
            a.community.trim(),
            catalogue::PURPOSES.len()
        ),
    ))
}
