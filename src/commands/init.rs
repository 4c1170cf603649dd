//! `handover init`.

use crate::Ctx;
use crate::cli::InitArgs;
use crate::error::{Error, Result};
use crate::model::{fmt_ts, slugify};
use crate::output::Outcome;
use crate::register::catalogue::Controller;
use crate::register::catalogue::Purpose;
use crate::register::{Register, catalogue, set_setting};

/// A seeded purpose: code, name, channels, special category, direct marketing, refresh months, fields.
pub type SeedPurpose =
    (&'static str, &'static str, &'static [&'static str], bool, bool, Option<u32>, &'static [&'static str]);

/// The purpose catalogue seeded at init (GDPR.md §1.4): code, name, channels, special category,
/// direct marketing, refresh months, fields carried.
pub const PURPOSES: &[SeedPurpose] = &[
    ("newsletter", "The outgoing controller's email newsletter", &["email"], false, true, Some(24), &["name", "email"]),
    (
        "disclose_to_successor",
        "Disclose contact details and roles to the named successor",
        &[],
        false,
        false,
        Some(24),
        &["name", "email", "phone", "organisation", "stakeholder_group", "hub", "roles"],
    ),
    (
        "successor_newsletter",
        "The successor's own email newsletter",
        &["email"],
        false,
        true,
        Some(24),
        &["name", "email"],
    ),
    ("photos_video", "Photos and video of the person", &[], true, false, Some(24), &["name"]),
    ("diversity_monitoring", "Diversity monitoring (special category)", &[], true, false, Some(24), &[]),
    (
        "public_listing",
        "Public listing as a champion (name, hub, contact)",
        &[],
        false,
        false,
        Some(24),
        &["name", "hub", "email"],
    ),
    (
        "lived_experience_designation",
        "Recording a lived-experience designation",
        &[],
        true,
        false,
        Some(24),
        &["roles"],
    ),
    (
        "governance_contact",
        "Steering-group governance contact",
        &["email", "phone", "post"],
        false,
        false,
        Some(24),
        &["name", "email", "phone", "roles"],
    ),
    (
        "member_directory",
        "Member directory visible to other members",
        &[],
        false,
        false,
        Some(24),
        &["name", "organisation", "hub"],
    ),
    ("attendance_records", "Attendance and hub activity records", &[], false, false, Some(24), &["name", "hub"]),
    ("quotes_case_studies", "Quotes or case studies in reports", &[], false, false, Some(24), &["name"]),
];

/// Seed the purpose catalogue into a new register.
pub fn seed_purposes(conn: &crate::register::Change<'_>) -> Result<()> {
    for (code, name, channels, special, marketing, refresh, fields) in PURPOSES {
        catalogue::insert_purpose(
            conn,
            &Purpose {
                id: code.to_string(),
                code: code.to_string(),
                name: name.to_string(),
                channels: channels.iter().map(|s| s.to_string()).collect(),
                special: *special,
                marketing: *marketing,
                refresh_months: *refresh,
                fields: fields.iter().map(|s| s.to_string()).collect(),
            },
        )?;
    }
    Ok(())
}

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
        let r = crate::keys::recipient_arg(c, "--custodian")?.to_string();
        if !custodians.contains(&r) {
            custodians.push(r);
        }
    }
    let mut reg = Register::create(&ctx.register, &ctx.actor)?;
    let now = ctx.now;
    let result = reg.change(now, |c| {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| Error::Internal(format!("no random source: {e}")))?;
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
                kind: a.controller_kind.clone(),
                is_self: true,
                contact: None,
                accountable_person: None,
                ico_fee_status: None,
                dsa_ref: None,
                dpia_ref: None,
                created_at: fmt_ts(now),
            },
        )?;
        seed_purposes(c)?;
        for r in &custodians {
            crate::register::accounts::add_custodian(c, r, None, &fmt_ts(now))?;
        }
        c.audit(
            "init",
            &slug,
            serde_json::json!({ "controller": slug, "purposes": PURPOSES.len(), "custodians": custodians.len() }),
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
        "purposes": PURPOSES.len(),
        "custodians": custodians.len(),
    });
    Ok(Outcome::new(
        "init",
        data,
        format!(
            "created register {} for {} (controller {slug}, {} purposes)\nThe register will hold special-category data: keep it on an encrypted disk.\n",
            ctx.register.display(),
            a.community.trim(),
            PURPOSES.len()
        ),
    ))
}
