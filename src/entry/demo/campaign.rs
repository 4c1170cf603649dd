//! The demo's small campaign: asking the community whether their details may go to the steering
//! group, by email where the charity may email them and by letter otherwise; two people who need
//! easy read get it; a Google Forms export and two keyed-in paper slips come back; the plan then
//! counts their answers.

use std::path::Path;

use super::{Paths, RECEIVER, Runner};
use crate::base::error::{Error, Result};
use crate::entry::output::Outcome;

/// The campaign's name in the demo.
const ID: &str = "join-2026";

/// A file the demo writes (its answers and send logs, as a facilitator would have them).
fn write(path: &Path, body: &str) -> Result<String> {
    std::fs::write(path, body).map_err(|e| Error::io("write", path, e))?;
    Ok(path.display().to_string())
}

/// The references and codes of the people a campaign's plan puts on `channel`, with codes.
fn coded(plan: &Outcome, channel: &str) -> Vec<(String, String)> {
    plan.data()["people"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["channel"] == channel)
        .filter_map(|p| Some((p["ref"].as_str()?.to_string(), p["code"].as_str()?.to_string())))
        .collect()
}

/// A CSV's rows with a `sent_at` column added.
fn with_sent_at(csv: &str, at: &str) -> String {
    let mut lines = csv.lines();
    let mut out = format!("{},sent_at\n", lines.next().unwrap_or_default());
    for l in lines {
        out.push_str(&format!("{l},{at}\n"));
    }
    out
}

/// Run the campaign; returns its status at the end.
pub(super) fn small_campaign(r: &mut Runner, p: &Paths, now: chrono::DateTime<chrono::Utc>) -> Result<Outcome> {
    let dir = p.out.join("campaign");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    let today = crate::domain::deadline::london_date(now);
    let closes = (today + chrono::Duration::days(35)).to_string();
    r.step(
        "start a campaign asking whether details may go to the steering group",
        &[
            "campaign",
            "new",
            ID,
            "--kind",
            "consent",
            "--to",
            RECEIVER,
            "--ask",
            "disclose_to_successor=DS-2025",
            "--closes",
            &closes,
            "--contact",
            "the hub office, 01632 960000",
            "--form-url",
            "https://forms.example.org/join-2026",
        ],
    )?;
    let plan = r.step("see who may be asked, how, and why not", &["campaign", "plan", ID])?;
    // Two people on the post channel need easy read: their letters come in it.
    let post: Vec<String> = plan.data()["people"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["channel"] == "post")
        .filter_map(|p| p["ref"].as_str().map(str::to_string))
        .take(2)
        .collect();
    for reference in &post {
        r.step(
            "record that a person needs easy read",
            &["person", "edit", reference, "--communication-needs", "easy_read"],
        )?;
    }
    let letters = dir.join("letters");
    let letters_s = letters.display().to_string();
    r.step("print the letters (post and hub hand-out)", &["campaign", "letters", ID, "--out", &letters_s])?;
    let email = dir.join("email.csv").display().to_string();
    r.step(
        "make the email rows for the mail tool",
        &["campaign", "mail-merge", ID, "--format", "mailchimp", "--out", &email],
    )?;
    // Both were sent the day before yesterday.
    let sent = crate::domain::model::fmt_ts(now - chrono::Duration::days(2));
    let read = |f: &Path| std::fs::read_to_string(f).map_err(|e| Error::io("read", f, e));
    let letters_log = write(&dir.join("letters-sent.csv"), &with_sent_at(&read(&letters.join("letters.csv"))?, &sent))?;
    let email_log = write(&dir.join("email-sent.csv"), &with_sent_at(&read(Path::new(&email))?, &sent))?;
    r.step("log the letters sent", &["campaign", "send-log", ID, &letters_log])?;
    r.step("log the emails sent", &["campaign", "send-log", ID, &email_log])?;
    let plan = r.step("see the codes issued", &["campaign", "plan", ID])?;
    // Answers: three from the online form (two yes, one no), two slips by post (one yes, with
    // help; one with both boxes ticked).
    let by_email = coded(&plan, "email");
    let by_post = coded(&plan, "post");
    let (Some(e), Some(l)) = (by_email.get(..3), by_post.get(..2)) else {
        return Err(Error::Internal("the demo community has too few people to ask".into()));
    };
    let when = (now - chrono::Duration::days(1)).format("%Y/%m/%d %-I:%M:%S %P GMT").to_string();
    let form = format!(
        "Timestamp,Your code,Q1 disclose_to_successor May we pass your details on?,Someone helped me,Someone signed for me,Stop sending me letters\n\
         {when},{},Yes,,,\n{when},{},Yes,,,\n{when},{},No,,,\n",
        e[0].1, e[1].1, e[2].1
    );
    let form = write(&dir.join("google-forms-responses.csv"), &form)?;
    r.step("import the online form's answers", &["campaign", "import", ID, &form, "--from", "google-forms"])?;
    let slips = format!(
        "code,disclose_to_successor,date_written,helped_by\n{},yes,{today},a support worker\n{},both,{today},\n",
        l[0].1, l[1].1
    );
    let slips = write(&dir.join("paper-slips.csv"), &slips)?;
    r.step(
        "key in the paper slips",
        &["campaign", "import", ID, &slips, "--from", "paper", "--keyed-by", "demo-facilitator"],
    )?;
    r.step("see where the campaign stands", &["campaign", "status", ID])
}
