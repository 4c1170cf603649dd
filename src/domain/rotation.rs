//! Making a handed-over account safe, step by step, in the order a volunteer does it: see the
//! current password, change it at the service and store the new one, then the recovery details,
//! two-step sign-in and the outgoing people; an admins account (a Facebook group) has its admins
//! changed. Each step is in plain words with the command that does or records it; `next` and both
//! letters show the same path.

use super::model::AccountAccess;

/// One step on an account's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What to do, in plain words.
    pub what: String,
    /// The command that does it, or records it done.
    pub command: String,
}

/// Where at the service each thing is changed, in words (or its page, where it is known).
pub fn service_page(service: &str) -> &'static str {
    match service {
        "wordpress" => "the site's dashboard (Users, then Profile)",
        "website" => "the site's admin pages",
        "facebook_group" => "the group's settings (Admins and moderators)",
        "twitter_x" => "x.com/settings/password",
        "youtube" => "myaccount.google.com/security",
        "vimeo" => "vimeo.com/settings/account",
        "mailchimp" => "Mailchimp's Profile, then Settings, then Security",
        "domain_registrar" => "the registrar's account security page",
        "email_inbox" => "the mail provider's security settings",
        _ => "the service's own security settings",
    }
}

/// The steps still to do for an account, in order. `missing` are the rotation steps not yet
/// recorded (`password`, `recovery`, `2fa`, `admins`); `outgoing` and `incoming` the people whose
/// access goes and comes.
pub fn path(
    id: &str,
    service: &str,
    access: AccountAccess,
    missing: &[&str],
    outgoing: &[String],
    incoming: &[String],
) -> Vec<Step> {
    let name = super::words::service(service);
    let page = service_page(service);
    let record = |what: &str| format!("handover account rotate-done {id} --what {what}");
    let people = |v: &[String], none: &str| if v.is_empty() { none.to_string() } else { v.join(", ") };
    let mut out = Vec::new();
    if access == AccountAccess::Admins {
        if missing.contains(&"admins") {
            out.push(Step {
                what: format!(
                    "{name}: make yourselves admins ({}) at {page}, then remove the charity's ({}); when both are done, record it",
                    people(incoming, "your group's people"),
                    people(outgoing, "the charity's people")
                ),
                command: record("admins"),
            });
        }
        return out;
    }
    if missing.contains(&"password") {
        out.push(Step {
            what: format!("{name}: see the current password, to sign in with it"),
            command: format!("handover account reveal {id}"),
        });
        out.push(Step {
            what: format!("{name}: change the password at {page}, then store the new one here"),
            command: format!("handover account update-secret {id}"),
        });
        out.push(Step { what: format!("{name}: record the password changed"), command: record("password") });
    }
    if missing.contains(&"recovery") {
        out.push(Step {
            what: format!("{name}: change the recovery email and phone at {page} to your group's own, then record it"),
            command: record("recovery"),
        });
    }
    if missing.contains(&"2fa") {
        out.push(Step {
            what: format!("{name}: turn on two-step sign-in with a phone or app of your group's, then record it"),
            command: record("2fa"),
        });
    }
    if missing.contains(&"admins") {
        out.push(Step {
            what: format!(
                "{name}: remove the charity's people ({}) from the account's users and admins, then record it",
                people(outgoing, "anyone of theirs")
            ),
            command: record("admins"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_account_starts_with_seeing_the_password_and_never_records_all_at_once() {
        let steps =
            path("acc_1", "wordpress", AccountAccess::Password, &["password", "recovery", "2fa", "admins"], &[], &[]);
        let commands: Vec<&str> = steps.iter().map(|s| s.command.as_str()).collect();
        assert_eq!(commands[0], "handover account reveal acc_1");
        assert_eq!(commands[1], "handover account update-secret acc_1");
        assert!(commands.iter().all(|c| !c.contains("--what all")), "{commands:?}");
        assert_eq!(steps.len(), 6);
        // What is recorded already is not asked again.
        assert_eq!(path("acc_1", "wordpress", AccountAccess::Password, &["2fa"], &[], &[]).len(), 1);
        let fb =
            path("acc_2", "facebook_group", AccountAccess::Admins, &["admins"], &["Fac".into()], &["Chair".into()]);
        assert!(
            fb[0].what.contains("make yourselves admins (Chair)") && fb[0].what.contains("remove the charity's (Fac)")
        );
    }
}
