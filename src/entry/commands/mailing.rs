//! `handover mailing-list export`: the group's own mailing list, from its register at the moment of
//! sending, as the CSV each mail tool's importer takes (FORMATS.md 1.5, 2.1, 3.2).

use crate::Ctx;
use crate::base::error::{Error, Result};
use crate::entry::cli::{MailTool, MailingListCmd};
use crate::entry::output::Outcome;

/// First name and last name from a name held whole: the first word, and the rest.
pub(crate) fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    // "Smith, Jane" is written surname first.
    if let Some((last, first)) = name.split_once(',') {
        return (first.trim().to_string(), last.trim().to_string());
    }
    // A title is neither name: "Dr. Jane Smith" is Jane Smith.
    let titles = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "cllr", "rev", "sir", "dame"];
    let mut words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 1 && titles.contains(&words[0].trim_end_matches('.').to_lowercase().as_str()) {
        words.remove(0);
        // "Mr Khan": the one name left is a surname.
        if words.len() == 1 {
            return (String::new(), words[0].to_string());
        }
    }
    match words.split_first() {
        Some((first, rest)) => (first.to_string(), rest.join(" ")),
        None => (String::new(), String::new()),
    }
}

/// An address with its domain in ASCII: MailPoet's importer takes ASCII domains only, so an
/// international one is written in its punycode form (the same address).
fn ascii_domain(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) if !domain.is_ascii() => format!("{local}@{}", crate::domain::model::idna_domain(domain)),
        _ => email.to_string(),
    }
}

/// The rows of one format: its header, then one row per person.
fn table(
    tool: MailTool,
    list: &[(crate::register::people::Person, crate::transfer::plan::Evidence)],
) -> Vec<Vec<String>> {
    let header: &[&str] = match tool {
        MailTool::Listmonk => &["email", "name", "attributes"],
        MailTool::Mailchimp => {
            &["Email Address", "First Name", "Last Name", "Tags", "Consent Date", "Consent Statement"]
        }
        MailTool::Mailpoet => &["email", "first_name", "last_name", "consent_at", "consent_statement"],
    };
    let mut rows = vec![header.iter().map(|h| (*h).to_string()).collect::<Vec<_>>()];
    for (p, e) in list {
        let email = p.email.clone().unwrap_or_default();
        let name = p.name.clone().unwrap_or_default();
        let day = e.at.get(..10).unwrap_or(&e.at).to_string();
        let statement = e.statement_version.clone().unwrap_or_default();
        rows.push(match tool {
            MailTool::Listmonk => {
                let attributes = serde_json::json!({ "ref": p.reference, "consent": e });
                vec![email, name, attributes.to_string()]
            }
            MailTool::Mailchimp => {
                let (first, last) = split_name(&name);
                // One tag for where the contact came from; the consent evidence in its own columns
                // (mapped to merge fields at import), not a tag per consent date.
                vec![email, first, last, "\"handover\"".into(), day, statement]
            }
            MailTool::Mailpoet => {
                let (first, last) = split_name(&name);
                vec![ascii_domain(&email), first, last, e.at.clone(), statement]
            }
        });
    }
    rows
}

/// Run a mailing-list subcommand.
pub fn run(ctx: &Ctx, cmd: MailingListCmd) -> Result<Outcome> {
    let MailingListCmd::Export { format, out } = cmd;
    if let Some(o) = out.as_ref().filter(|o| o.exists()) {
        return Err(Error::bad(
            "--out",
            format!(
                "{} exists already: a mailing list is made fresh on the day you send; delete the old one (it may list people who have said no since) or give another --out",
                o.display()
            ),
        ));
    }
    let reg = ctx.open()?;
    let (list, left_out) = crate::transfer::plan::own_mailing_list_with_left_out(&reg, ctx.now)?;
    // Said, never silent: people whose yes is in force but who are held off, and what resolves it.
    let left_note = (!left_out.is_empty()).then(|| {
        let mut by: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
        for (r, code) in &left_out {
            by.entry(code).or_default().push(r.clone());
        }
        let parts: Vec<String> = by
            .iter()
            .map(|(code, refs)| {
                let how =
                    crate::transfer::plan::LEFT_OUT_FIXABLE.iter().find(|(c, _)| c == code).map_or("", |(_, h)| *h);
                let shown = refs.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
                format!("{} ({shown}{}): {how}", refs.len(), if refs.len() > 8 { ", ..." } else { "" })
            })
            .collect();
        format!("{} people whose consent is in force are left out: {}", left_out.len(), parts.join("; "))
    });
    let rows = table(format, &list);
    // The one CSV encoder: a name such as =HYPERLINK(…) or @SUM(…) stays text in a spreadsheet.
    let (header, body) = rows.split_first().ok_or_else(|| Error::Internal("a mailing list has no header".into()))?;
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let bytes = crate::base::encode::csv_bytes(&header, body)?;
    let tool = match format {
        MailTool::Listmonk => "listmonk",
        MailTool::Mailchimp => "mailchimp",
        MailTool::Mailpoet => "mailpoet",
    };
    // Art 14(3)(b): people whose details came in a bundle are given this group's privacy notice
    // at the latest with the first message: say who on the list has not had it yet.
    let mut untold: Vec<String> = Vec::new();
    for t in crate::register::tasks::tasks(&reg, false)?.into_iter().filter(|t| t.kind == "art14_notice") {
        let outstanding: std::collections::HashSet<String> =
            crate::records::art14_outstanding(&reg, &t.subject)?.into_iter().map(|p| p.id.to_string()).collect();
        untold
            .extend(list.iter().filter(|(p, _)| outstanding.contains(p.id.as_str())).map(|(p, _)| p.reference.clone()));
    }
    untold.sort();
    untold.dedup();
    let warning = (!untold.is_empty()).then(|| {
        format!(
            "{} people on this list have not been given your privacy notice yet ({}): Art 14(3)(b) needs it at the latest with your first message, so send it with this one or before (`handover notice send-list --received BUNDLE_ID`, then `handover notice send-log FILE`)",
            untold.len(),
            untold.iter().take(10).cloned().collect::<Vec<_>>().join(", ") + if untold.len() > 10 { ", ..." } else { "" }
        )
    });
    let mut reg = reg;
    reg.change(ctx.now, |c| {
        c.audit("mailing_list.export", tool, serde_json::json!({ "people": list.len() }))?;
        Ok(())
    })?;
    match out {
        Some(path) => {
            crate::base::keys::write_new(&path, 0o600, &bytes)?;
            let text = format!(
                "wrote {} ({} people whose consent to your newsletter is in force today, for {tool}); import them as subscribed (listmonk: confirmed), and delete the file once imported\n",
                path.display(),
                list.len()
            );
            let o = Outcome::new(
                "mailing_list_export",
                serde_json::json!({ "file": path.display().to_string(), "format": tool, "people": list.len() }),
                text,
            );
            let o = match left_note.clone() {
                Some(n) => o.note(n),
                None => o,
            };
            Ok(match warning {
                Some(w) => o.note(w),
                None => o,
            })
        }
        None => {
            let text = String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?;
            let o = Outcome::new(
                "mailing_list",
                serde_json::json!({ "file": null, "format": tool, "people": list.len() }),
                text,
            );
            let o = match left_note {
                Some(n) => o.note(n),
                None => o,
            };
            Ok(match warning {
                Some(w) => o.note(w),
                None => o,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_split_at_the_first_space() {
        assert_eq!(super::split_name("Ada  Example Lovelace"), ("Ada".into(), "Example Lovelace".into()));
        assert_eq!(super::split_name("Cher"), ("Cher".into(), String::new()));
        assert_eq!(super::split_name("Dr. Jane Smith"), ("Jane".into(), "Smith".into()), "titles apart");
        assert_eq!(super::split_name("Smith, Jane"), ("Jane".into(), "Smith".into()), "surname first");
        assert_eq!(super::split_name("Mr Khan"), (String::new(), "Khan".into()));
    }

    #[test]
    fn an_international_domain_is_written_as_punycode_for_mailpoet() {
        assert_eq!(super::ascii_domain("anna@bücher.example"), "anna@xn--bcher-kva.example");
        assert_eq!(super::ascii_domain("a@example.org"), "a@example.org");
    }
}
