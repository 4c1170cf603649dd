//! The privacy notice a receiving group sends everyone it received (Art 14), as a template to fill
//! in: who we are, where the details came from, what we hold and use them for and on what basis,
//! how long we keep them, the rights (objecting and complaining to the ICO among them) and how to
//! reach us. In plain English and in easy read; what only the group knows is in [square brackets].

/// What the template is filled from.
pub struct Facts {
    /// The group's name, and how to reach it if recorded.
    pub group: String,
    pub contact: Option<String>,
    /// The organisations the details came from.
    pub sources: Vec<String>,
    /// The purposes the group holds details for, in words, each with its lawful basis in words.
    pub uses: Vec<(String, String)>,
    /// The kinds of details held, in words.
    pub details: Vec<String>,
    /// Months after which someone with nothing in force is removed.
    pub keep_months: u32,
}

fn list(items: &[String], empty: &str) -> String {
    if items.is_empty() { empty.to_string() } else { items.join(", ") }
}

/// The plain-English template.
pub fn plain(f: &Facts) -> String {
    let contact = f.contact.clone().unwrap_or_else(|| "[our email address, and a postal address]".into());
    let uses: String = if f.uses.is_empty() {
        "- [what you use their details for, and why you may]\n".into()
    } else {
        f.uses.iter().map(|(what, basis)| format!("- {what}: {basis}\n")).collect()
    };
    format!(
        "Privacy notice: {group}\n\n\
         Who we are\n\
         We are {group}, [a volunteer steering group]. We are now responsible for your details (the\n\
         \"controller\"). You can reach us at {contact}.\n\n\
         Where your details came from\n\
         {sources} passed your details to us when they handed the community over to us, on [date].\n\n\
         What we hold\n\
         {details}.\n\n\
         What we use them for, and why we may\n\
         {uses}\n\
         How long we keep them\n\
         While you take part. If nothing you agreed to is in force and we have not been in touch for\n\
         {months} months, we remove your details. We keep only a scrambled note of an email address\n\
         you asked us never to use again, so we do not add it by mistake.\n\n\
         Who else sees them\n\
         [Nobody outside the group / the services we use to send emails, e.g. our mailing service,\n\
         and where they keep data]. We do not sell your details.\n\n\
         Your rights\n\
         You can ask to see the details we hold about you, to correct them, or to delete them. You can\n\
         object to how we use them, and say no to our emails at any time (the link in every email,\n\
         or tell us). If you gave consent, you can take it back at any time. We answer within a month.\n\
         If you are unhappy with how we use your details, tell us first. You can also complain to the\n\
         Information Commissioner's Office: ico.org.uk/make-a-complaint, or 0303 123 1113.\n",
        group = f.group,
        sources = list(&f.sources, "[the organisation]"),
        details = list(&f.details, "[your name and email address]"),
        months = f.keep_months,
    )
}

/// The easy-read template: short sentences, one idea each.
pub fn easy_read(f: &Facts) -> String {
    let contact = f.contact.clone().unwrap_or_else(|| "[our email address]".into());
    format!(
        "About your details: {group}\n\n\
         We are {group}.\n\
         We look after your details now.\n\
         {sources} gave us your details.\n\
         They gave them to us on [date].\n\n\
         We have {details}.\n\
         We use them to send you news about the group.\n\
         We only email you if you said yes.\n\n\
         You can ask to see your details.\n\
         You can ask us to change them.\n\
         You can ask us to delete them.\n\
         You can say no to our emails at any time.\n\n\
         If nothing you said yes to is still in place, we delete your details after {months} months.\n\n\
         You can talk to us: {contact}.\n\
         Someone can help you do this.\n\
         If you are not happy, you can tell the ICO.\n\
         The ICO checks that groups use details fairly.\n\
         Phone the ICO on 0303 123 1113.\n",
        group = f.group,
        sources = list(&f.sources, "[the organisation]"),
        details = list(&f.details, "your name and email address"),
        months = f.keep_months,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_says_everything_art_14_asks_for() {
        let f = Facts {
            group: "Example Steering Group".into(),
            contact: None,
            sources: vec!["Example Charity".into()],
            uses: vec![("Our email newsletter".into(), "your consent".into())],
            details: vec!["your name".into(), "your email address".into()],
            keep_months: 24,
        };
        let t = plain(&f);
        for part in [
            "Who we are",
            "Example Charity passed your details to us",
            "Our email newsletter: your consent",
            "How long we keep them",
            "object",
            "Information Commissioner's Office",
            "[our email address",
        ] {
            assert!(t.contains(part), "{part} missing:\n{t}");
        }
        let e = easy_read(&f);
        let sentences: Vec<&str> = e.split(['.', '\n']).filter(|s| !s.trim().is_empty()).collect();
        let words: usize = sentences.iter().map(|s| s.split_whitespace().count()).sum();
        assert!(words / sentences.len() <= 8, "easy read: short sentences");
        assert!(e.contains("ICO"));
    }
}
