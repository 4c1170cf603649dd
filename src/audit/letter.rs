//! The receiving group's handover letters, in plain English and in easy read: what came, who was
//! held back and why (in words), what to do first with each date written out, which file to send
//! back and to whom. Both are one self-contained HTML page that prints on A4: no script, no
//! outside resources, pictures as inline SVG.

use crate::audit::pictures;
use chrono::NaiveDate;

use crate::audit::html::escape as esc;

/// What the letters say.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The community's name.
    pub community: String,
    /// The sending organisation's name.
    pub from: String,
    /// How to reach the sending organisation, if it gave a contact.
    pub from_contact: Option<String>,
    /// The receiving group's name.
    pub to: String,
    /// The bundle's id.
    pub bundle_id: String,
    /// The day the bundle was made.
    pub made: NaiveDate,
    /// The day it was received (`None` in the copy inside the bundle).
    pub received: Option<NaiveDate>,
    /// People whose details came.
    pub people: usize,
    /// People on the group's own mailing list.
    pub mailing_list: usize,
    /// Documents that came.
    pub documents: usize,
    /// What redaction took out of them before they went (names, emails, phone numbers and other
    /// details of people who were not to go), in all.
    pub redactions: usize,
    /// The accounts that came: (id, service, address, whether it has a password to change).
    pub accounts: Vec<(String, String, String, bool)>,
    /// For each of [`Facts::accounts`], the day it is paid until, if that was recorded.
    pub paid_until: Vec<Option<String>>,
    /// People held back, by reason code (only reasons for holding back).
    pub held_back: Vec<(String, usize)>,
    /// When the privacy notice is due.
    pub notice_due: NaiveDate,
    /// When the accounts must be secured.
    pub rotation_due: NaiveDate,
    /// The receipt's file name, when there is one to send back.
    pub receipt: Option<String>,
}

/// A date in words: "27 December 2026".
pub fn date_words(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The people held back, in the order of the table: most first.
fn held_back_rows(f: &Facts) -> Vec<(&'static str, usize)> {
    let mut rows: Vec<(&'static str, usize)> =
        f.held_back.iter().filter(|(_, n)| *n > 0).map(|(c, n)| (crate::domain::words::held_back(c), *n)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows
}

fn people(n: usize) -> String {
    crate::domain::words::count(n, "person", "people")
}

pub(crate) const PRINT_CSS: &str = "@page{size:A4;margin:18mm 16mm}\
*{box-sizing:border-box}\
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
body{margin:0 auto;max-width:46rem;padding:1.5rem;color:#111;background:#fff;overflow-wrap:anywhere}\
table{border-collapse:collapse;width:100%;table-layout:fixed}\
th,td{border:1px solid #777;padding:.35em .6em;text-align:left;vertical-align:top}\
@media print{body{padding:0;max-width:none}h2{break-after:avoid}li,tr,.step{break-inside:avoid}}";

/// The handover letter in plain English.
pub fn plain(f: &Facts) -> String {
    let from = esc(&f.from);
    let mut held = String::new();
    let rows = held_back_rows(f);
    for (why, n) in &rows {
        held.push_str(&format!("<tr><td>{}</td><td class=\"n\">{}</td></tr>\n", esc(why), n));
    }
    let held_total: usize = rows.iter().map(|(_, n)| n).sum();
    let held_section = if rows.is_empty() {
        "<p>Nobody was held back.</p>\n".to_string()
    } else {
        format!(
            "<p>{} could not be passed on to you. You have no details of them, only how many there are and why:</p>\n\
             <table><caption>People whose details did not come, by reason</caption><colgroup><col style=\"width:80%\"><col style=\"width:20%\"></colgroup>\n<thead><tr><th scope=\"col\">Why their details did not come</th><th scope=\"col\">People</th></tr></thead>\n<tbody>\n{held}</tbody></table>\n\
             <p>Do not try to find these people or add them yourselves. If one of them gets in touch and asks to join, add them then, with their agreement.</p>\n",
            people(held_total)
        )
    };
    // Each account's whole path, in order, each step with its command (the same as `next`).
    let accounts: String = f
        .accounts
        .iter()
        .map(|(id, service, url, has_secret)| {
            let access = if *has_secret {
                crate::domain::model::AccountAccess::Password
            } else {
                crate::domain::model::AccountAccess::Admins
            };
            let steps = crate::domain::rotation::path(
                id,
                service,
                access,
                crate::domain::model::rotation_steps(access),
                &[],
                &[],
            );
            let items: String =
                steps.iter().map(|s| format!("<li>{}: <code>{}</code></li>", esc(&s.what), esc(&s.command))).collect();
            let paid = f
                .accounts
                .iter()
                .position(|a| a.0 == *id)
                .and_then(|i| f.paid_until.get(i).cloned().flatten())
                .and_then(|d| crate::domain::model::parse_date(&d))
                .map(|d| format!(" It is paid for only until {}: arrange who pays from then.", date_words(d)))
                .unwrap_or_default();
            format!(
                "<li><strong>{}</strong> ({}):{paid}<ol>{items}</ol></li>\n",
                esc(&crate::domain::words::service(service)),
                esc(url)
            )
        })
        .collect();
    let contact = f
        .from_contact
        .as_ref()
        .map(|c| format!(" You can reach them at <strong>{}</strong>.", esc(c)))
        .unwrap_or_default();
    let send_back = match &f.receipt {
        Some(r) => format!(
            "Send these two files back to {from} by email: <strong>{r}</strong> and <strong>{r}.minisig</strong>. They show that everything arrived safely. They hold no one's details.{contact}",
            r = esc(r)
        ),
        None => format!(
            "When you have received this, <code>handover receive</code> writes a receipt for you to send back to {from}.{contact}"
        ),
    };
    let received = f.received.map(|d| format!(" You received it on {}.", date_words(d))).unwrap_or_default();
    crate::audit::html::print_ready(&format!(
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Your handover from {from}</title>\n<style>{PRINT_CSS}body{{font-family:Arial,Helvetica,sans-serif;font-size:12pt;line-height:1.5}}h1{{font-size:1.6em}}h2{{font-size:1.25em;margin-top:1.6em}}td.n{{text-align:right}}.step{{margin:.6em 0}}.date{{font-weight:bold;white-space:nowrap}}</style></head>\n<body>\n\
         <h1>Your handover: {community}</h1>\n\
         <p>{from} has handed {the_community} over to {to}. This letter says what you received and what you need to do. It was made on {made}.{received}</p>\n\
         <h2>What to do first</h2>\n<ol>\n\
         <li class=\"step\">{send_back}</li>\n\
         <li class=\"step\">Make every account safe, <span class=\"date\">by {rotation}</span>. Until then, people at {from} can still get into them.<ul>\n{accounts}</ul></li>\n\
         <li class=\"step\">Write to everyone you received, <span class=\"date\">by {notice}</span>, and before you send them anything else. Say:<ul>\n\
         <li>who you are, and how to contact you;</li>\n\
         <li>that their details came from {from}, and which details you hold;</li>\n\
         <li>what you will use them for, and on what lawful basis (for your newsletter: their consent);</li>\n\
         <li>how long you will keep them;</li>\n\
         <li>their rights: to see their details, correct them, have them erased, object, say no or unsubscribe at any time, and complain to the Information Commissioner's Office (ico.org.uk, 0303 123 1113).</li>\n\
         </ul><code>handover notice template</code> writes one for you to fill in, and <code>handover notice send-list --received {bundle_id}</code> lists who to write to.</li>\n\
         <li class=\"step\">Run <code>handover next</code> at any time to see what is left to do, soonest first.</li>\n\
         </ol>\n\
         <h2>What you received</h2>\n<ul>\n\
         <li>The details of {people_n}: their names, how to contact them, their roles, and what each agreed to.</li>\n\
         <li>{mailing} on your own mailing list. Each one agreed to get emails from you. When you send a newsletter, run <code>handover mailing-list export</code> on the day, so that anyone who has said no since is left out.</li>\n\
         <li>{docs_line}</li>\n\
         <li>{acc} (listed above).</li>\n</ul>\n\
         <h2>Who was held back, and why</h2>\n{held_section}\
         <h2>Keys you checked</h2>\n<p>You accepted this handover because it was signed with {from}'s key and approved with its data protection lead's key, and you compared both fingerprints with them by phone. Your computer remembers both. If a later bundle is signed or approved with another key, it is refused: call {from} and compare the fingerprints again before you accept it.</p>\n\
         <h2>Keep this safe</h2>\n<p>Your register holds people's details. Keep it on a computer only your group uses, and keep a backup with <code>handover register backup</code>. The passwords in it are locked: only your group's key opens them.</p>\n\
         <p class=\"small\">Reference for the data protection lead: bundle {bundle_id}.</p>\n\
         </body></html>\n",
        community = esc(&f.community),
        the_community = esc(&the_community(&f.community)),
        to = esc(&f.to),
        made = date_words(f.made),
        rotation = date_words(f.rotation_due),
        notice = date_words(f.notice_due),
        people_n = people(f.people),
        mailing = people(f.mailing_list),
        docs_line = docs_line(f, &from),
        acc = crate::domain::words::count(f.accounts.len(), "account", "accounts"),
        bundle_id = esc(&f.bundle_id),
    ))
}

/// "the X community", unless the name says so already ("the Kent Community of Practice").
fn the_community(name: &str) -> String {
    let lower = name.to_lowercase();
    if lower.contains("community") || lower.contains("group") || lower.contains("network") {
        format!("the {name}")
    } else {
        format!("the {name} community")
    }
}

/// What the letter can truly say of the documents: what redaction took out and that the data
/// protection lead checked each one; never that nothing was missed.
fn docs_line(f: &Facts, from: &str) -> String {
    let docs = crate::domain::words::count(f.documents, "document", "documents");
    if f.documents == 0 {
        return format!("{docs}.");
    }
    let taken = if f.redactions == 0 {
        "Nothing in them needed taking out".to_string()
    } else {
        format!(
            "Before they were sent, {} about people who were not to come to you (names, emails, phone numbers and the like) were taken out, the names of people mentioned who are in nobody's list of members too (unless the reviewer kept one after reading it)",
            crate::domain::words::count(f.redactions, "detail", "details")
        )
    };
    format!(
        "{docs}. {taken}, and {from}'s data protection lead checked each document. If you find someone's details that should not be there, tell {from} and do not use them."
    )
}

/// The easy-read letter: one idea per short sentence, large type, plenty of space, a picture
/// beside each key point.
pub fn easy_read(f: &Facts) -> String {
    let from = esc(&f.from);
    let mut blocks: Vec<(String, Vec<String>)> = vec![
        (
            pictures::parcel(),
            vec![
                format!("{from} has given {} to you.", esc(&the_community(&f.community))),
                "This letter tells you what came.".into(),
                "It tells you what to do next.".into(),
            ],
        ),
        (
            pictures::people(),
            vec![
                format!("You now have the details of {}.", people(f.people)),
                format!("{} said yes to emails from you.", people(f.mailing_list)),
            ],
        ),
    ];
    let held: usize = held_back_rows(f).iter().map(|(_, n)| n).sum();
    if held > 0 {
        blocks.push((
            pictures::stop(),
            vec![
                format!("The details of {} did not come.", people(held)),
                "The other letter says why.".into(),
                "Do not look for them.".into(),
            ],
        ));
    }
    if let Some(r) = &f.receipt {
        blocks.push((
            pictures::send_back(),
            vec![
                format!("Send two files back to {from}."),
                format!("They are called {} and {}.minisig.", esc(r), esc(r)),
                "They say it all came safely.".into(),
            ],
        ));
    }
    if !f.accounts.is_empty() {
        blocks.push((
            pictures::padlock(),
            vec![
                {
                    let passwords = f.accounts.iter().filter(|a| a.3).count();
                    let admins = f.accounts.len() - passwords;
                    match (passwords, admins) {
                        (1, 0) => "Change the password of your account.".into(),
                        (n, 0) => format!("Change the passwords of {n} accounts."),
                        (0, 1) => "Make your group the admins of your account.".into(),
                        (0, n) => format!("Make your group the admins of {n} accounts."),
                        (1, _) => "Change the password of 1 account. Change the admins of the others.".into(),
                        (n, _) => format!("Change the passwords of {n} accounts. Change the admins of the others."),
                    }
                },
                "First see the old password. Then change it. Then save the new one.".into(),
                format!("Do this by {}.", date_words(f.rotation_due)),
                "Then only your group can get in.".into(),
            ],
        ));
    }
    blocks.push((
        pictures::envelope(),
        vec![
            "Write to everyone you got.".into(),
            "Say who you are.".into(),
            format!("Say their details came from {from}."),
            "Tell them how to say no.".into(),
        ],
    ));
    blocks.push((
        pictures::calendar(),
        vec![format!("Write to them by {}.", date_words(f.notice_due)), "Do this before any other email.".into()],
    ));
    let body: String = blocks
        .iter()
        .map(|(pic, lines)| {
            format!(
                "<div class=\"point\">{pic}<div class=\"words\">{}</div></div>\n",
                lines.iter().map(|l| format!("<p>{l}</p>")).collect::<String>()
            )
        })
        .collect();
    let contact =
        f.from_contact.as_ref().map(|c| format!("<p>Questions? Contact {from} at {}.</p>", esc(c))).unwrap_or_default();
    crate::audit::html::print_ready(&format!(
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Your handover: easy read</title>\n<style>{PRINT_CSS}body{{font-family:Arial,Helvetica,sans-serif;font-size:16pt;line-height:1.6}}h1{{font-size:1.7em}}.point{{display:flex;gap:1.2em;align-items:flex-start;margin:1.4em 0;break-inside:avoid}}.pic{{flex:0 0 auto;width:3.6em;height:3.6em}}.words p{{margin:.2em 0 .5em}}</style></head>\n<body>\n\
         <h1>Your handover</h1>\n{body}{contact}\n</body></html>\n"
    ))
}

/// The average number of words per sentence in the easy-read letter's text (for its tests).
#[cfg(test)]
pub fn words_per_sentence(html: &str) -> f64 {
    let mut text = String::new();
    let mut in_tag = false;
    let body = html.split("<body>").nth(1).unwrap_or(html);
    let body = body.split("<title>").map(|p| p.split_once("</title>").map_or(p, |(_, rest)| rest)).collect::<String>();
    for ch in body.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let sentences: Vec<&str> =
        text.split(['.', '?', '!']).map(str::trim).filter(|s| s.split_whitespace().count() > 0).collect();
    let words: usize = sentences.iter().map(|s| s.split_whitespace().count()).sum();
    if sentences.is_empty() { 0.0 } else { words as f64 / sentences.len() as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            community: "Example Community of Practice".into(),
            from: "Example Charity".into(),
            from_contact: Some("dpo@charity.example".into()),
            to: "Example Steering Group".into(),
            bundle_id: "bdl_0123456789ab".into(),
            made: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            received: NaiveDate::from_ymd_opt(2026, 11, 27),
            people: 40,
            mailing_list: 31,
            documents: 3,
            redactions: 7,
            accounts: vec![("acc_0123456789ab".into(), "website".into(), "https://example.org".into(), true)],
            paid_until: vec![Some("2027-04-30".into())],
            held_back: vec![("consent_refused".into(), 2), ("consent_names_receiver".into(), 0)],
            notice_due: NaiveDate::from_ymd_opt(2026, 12, 27).unwrap(),
            rotation_due: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
            receipt: Some("bdl_0123456789ab.receipt.json".into()),
        }
    }

    #[test]
    fn the_plain_letter_has_dates_in_words_and_no_codes() {
        let html = plain(&facts());
        // Each date is kept on one line in print.
        let whole = |d: &str| format!("by <span style=\"white-space:nowrap\">{d}</span>");
        assert!(html.contains(&whole("27 December 2026")), "{html}");
        assert!(html.contains(&whole("4 December 2026")));
        assert!(html.contains("They said no to their details going to you."));
        for code in ["consent_refused", "consent_names_receiver", "LIA", "objection window", "example-charity"] {
            assert!(!html.contains(code), "{code} in the letter");
        }
        assert!(html.contains("bdl_0123456789ab.receipt.json.minisig") && html.contains("dpo@charity.example"));
        assert!(html.contains("handed the Example Community of Practice over"), "not 'Practice community'");
        assert!(html.contains("notice send-list --received bdl_0123456789ab"), "the command with its flag");
        assert_eq!(the_community("Riverside"), "the Riverside community");
        assert!(html.contains(&format!("paid for only until {}", &whole("30 April 2027")[3..])), "the paid-until date");
        // It says what redaction did and who checked, not that nothing was missed.
        assert!(html.contains("7 details about people who were not to come to you"), "{html}");
        assert!(html.contains("data protection lead checked each document"));
        assert!(!html.contains("have been taken out."));
        // The telling checklist names what Art 13/14 asks: purposes and basis, how long, the ICO.
        for part in ["on what lawful basis", "how long you will keep them", "Information Commissioner"] {
            assert!(html.contains(part), "{part} missing");
        }
    }

    #[test]
    fn the_easy_read_letter_keeps_sentences_short_and_has_pictures() {
        let html = easy_read(&facts());
        let avg = words_per_sentence(&html);
        assert!(avg <= 12.0, "{avg} words per sentence");
        assert!(html.matches("<svg").count() >= 5);
        assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
        assert!(html.contains("27 December 2026"));
    }
}
