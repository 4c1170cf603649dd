//! The letters of a campaign: one printable A4 letter per person asked by post or at their hub,
//! in the standard form, large print, or easy read (one idea per short sentence, 16 pt, a picture
//! per point), each with its tear-off reply slip. A letter names the person, both organisations,
//! asks each use as one question with Yes and No boxes under the statement's own words in the
//! person's format, says that they do not have to say yes and can change their mind (with the
//! contact), gives the reply date in words, and has a line for who helped. The slip repeats the
//! code and the questions, never the name. The pages are written one letter at a time (the
//! caller streams them to a file): [`head`], a [`letter`] per person, [`tail`].

use chrono::NaiveDate;

use crate::audit::html::escape as esc;
use crate::audit::letter::{PRINT_CSS, date_words};
use crate::audit::pictures;
use crate::domain::model::CommunicationNeeds;

/// What every letter of a campaign says.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub community: String,
    /// The sender (outgoing controller), by name.
    pub from: String,
    /// The receiver, by name.
    pub to: String,
    /// Who to contact, as printed.
    pub contact: String,
    pub closes: NaiveDate,
    pub written: NaiveDate,
    /// The privacy notice version the letter points to.
    pub notice: String,
    /// A reminder: the person was written to before and has not answered.
    pub reminder: bool,
    /// For a notice campaign: the notice the letter tells (and whose slip is an objection).
    pub tells: Option<Notice>,
}

/// The notice a notice campaign's letter tells: its version and words.
#[derive(Debug, Clone)]
pub struct Notice {
    pub version: String,
    pub text: String,
}

/// One use asked about: its purpose, its name, and the statement's words in the letter's format.
#[derive(Debug, Clone)]
pub struct Question {
    pub purpose: String,
    pub name: String,
    pub statement: String,
}

/// One person's letter.
#[derive(Debug, Clone)]
pub struct Recipient<'a> {
    pub name: &'a str,
    /// The postal address's lines, when one was given (read for printing only).
    pub address: Option<&'a [String]>,
    /// The hub to hand the letter out at, when there is no address.
    pub hub: Option<&'a str>,
    pub code: &'a str,
    pub questions: Vec<&'a Question>,
}

/// The start of a page of letters in one format.
pub fn head(needs: CommunicationNeeds) -> String {
    let (title, size, extra) = match needs {
        CommunicationNeeds::Standard => ("Letters", "11pt", "p{margin:.35em 0}h2{margin:.7em 0 .2em}"),
        CommunicationNeeds::LargePrint => ("Letters in large print", "18pt", ""),
        CommunicationNeeds::EasyRead => (
            "Letters in easy read",
            "16pt",
            ".point{display:flex;gap:1em;align-items:flex-start;margin:.9em 0;break-inside:avoid}.pic{flex:0 0 auto;width:3.2em;height:3.2em}.words p{margin:.15em 0 .4em}",
        ),
    };
    format!(
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{PRINT_CSS}body{{font-family:Arial,Helvetica,sans-serif;font-size:{size};line-height:1.4}}\
         .letter{{break-after:page}}.letter:last-of-type{{break-after:auto}}h1{{font-size:1.35em}}h2{{font-size:1.1em;margin:1em 0 .3em}}\
         .statement{{border-left:4px solid #999;padding-left:.8em}}.boxes{{font-size:1.1em;letter-spacing:.05em}}\
         .slip{{border-top:2px dashed #333;margin-top:1.2em;padding-top:.6em;break-inside:avoid}}.line{{display:inline-block;min-width:12em;border-bottom:1px solid #333}}{extra}</style></head>\n<body>\n"
    )
}

/// The end of a page of letters.
pub fn tail() -> String {
    "</body></html>\n".into()
}

const BOXES: &str = "<p class=\"boxes\">&#9744; Yes &#160;&#160;&#160; &#9744; No</p>";

/// The question for a use, in the standard words.
fn question_standard(c: &Campaign, q: &Question) -> String {
    match q.purpose.as_str() {
        "disclose_to_successor" => format!(
            "May {} give your name and contact details to {}, so that {} can keep in touch with you about {}?",
            esc(&c.from),
            esc(&c.to),
            esc(&c.to),
            esc(&c.community)
        ),
        "successor_newsletter" => format!("May {} send you its newsletter by email?", esc(&c.to)),
        _ => format!("Do you agree to this: {}?", esc(&q.name)),
    }
}

/// The question for a use as a form's title gives it (the standard words).
pub fn question_text(c: &Campaign, q: &Question) -> String {
    // Titles are plain text: the escaping the page needs is undone.
    question_standard(c, q)
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Each question in the standard words, under the statement's own, with Yes and No boxes.
fn questions_html(c: &Campaign, questions: &[&Question]) -> String {
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            format!(
                "<h2>Question {}</h2><p>{}</p><div class=\"statement\"><p>{}</p></div>{BOXES}",
                i + 1,
                question_standard(c, q),
                esc(&q.statement)
            )
        })
        .collect()
}

/// A blank form for hub meetings: the person writes their name and email (matched by email when
/// keyed in), answers each question, and says who helped; printed one per person.
pub fn hub_form(c: &Campaign, questions: &[&Question]) -> String {
    let qs = questions_html(c, questions);
    format!(
        "{head}<section class=\"letter\"><h1>{community}: your details and {to}</h1>\n\
         <p>{from} has looked after {community}. From now on, {to} will run it. Please tell us what you want.</p>\n\
         <p>Your name: <span class=\"line\"></span></p><p>Your email: <span class=\"line\"></span></p>\n{qs}\n\
         <p><strong>You do not have to say yes.</strong> If you say no, or leave it blank, we will not take that as a yes.</p>\n\
         <p>You can change your mind at any time. Contact {contact}.</p>\n\
         <p>&#9744; Stop sending me letters</p>\n\
         <p>Signed: <span class=\"line\"></span> Date: <span class=\"line\"></span></p>\n\
         <p>Someone helped me: <span class=\"line\"></span></p>\n\
         <p>Someone signed for me (their name, and why): <span class=\"line\"></span></p>\n</section>\n{tail}",
        head = head(CommunicationNeeds::Standard),
        community = esc(&c.community),
        to = esc(&c.to),
        from = esc(&c.from),
        contact = esc(&c.contact),
        tail = tail(),
    )
}

/// The question for a use, in easy words.
fn question_easy(c: &Campaign, q: &Question) -> String {
    match q.purpose.as_str() {
        "disclose_to_successor" => format!("Can we give your name and contact details to {}?", esc(&c.to)),
        "successor_newsletter" => format!("Can {} send you emails?", esc(&c.to)),
        _ => format!("Is this OK with you: {}?", esc(&q.name)),
    }
}

/// Where the letter goes: the address block, or the hub it is handed out at.
fn to_block(r: &Recipient<'_>) -> String {
    match (r.address, r.hub) {
        (Some(lines), _) => format!(
            "<p class=\"address\">{}<br>{}</p>",
            esc(r.name),
            lines.iter().map(|l| esc(l)).collect::<Vec<_>>().join("<br>")
        ),
        (None, Some(hub)) => {
            format!("<p class=\"address\">{}<br>(to hand out at the {} hub)</p>", esc(r.name), esc(hub))
        }
        (None, None) => format!("<p class=\"address\">{}</p>", esc(r.name)),
    }
}

/// The tear-off slip: the code and the questions, never the name.
fn slip(c: &Campaign, r: &Recipient<'_>, easy: bool) -> String {
    let questions: String = r
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let text = if easy { question_easy(c, q) } else { question_standard(c, q) };
            format!("<p>{}. {text}</p>{BOXES}", i + 1)
        })
        .collect();
    format!(
        "<div class=\"slip\"><p><strong>Reply slip.</strong> Cut here and send this part back.</p>\
         <p>Code: <strong>{code}</strong></p>{questions}\
         <p>Signed: <span class=\"line\"></span> Date: <span class=\"line\"></span></p>\
         <p>Someone helped me: <span class=\"line\"></span></p>\
         <p>Send it back to: {contact}</p></div>\n",
        code = esc(r.code),
        contact = esc(&c.contact)
    )
}

/// One person's letter, in their format, as one page section.
pub fn letter(c: &Campaign, r: &Recipient<'_>, needs: CommunicationNeeds) -> String {
    match (&c.tells, needs) {
        (Some(n), CommunicationNeeds::EasyRead) => notice_easy_read(c, r, n),
        (Some(n), _) => notice_standard(c, r, n),
        (None, CommunicationNeeds::EasyRead) => easy_read(c, r),
        (None, _) => standard(c, r),
    }
}

/// A letter's start: where it goes, the date, the heading, and (in the standard form) "Dear".
fn opening(c: &Campaign, r: &Recipient<'_>, easy: bool) -> String {
    let to = to_block(r);
    let written = date_words(c.written);
    if easy {
        format!("<section class=\"letter\">{to}<p>{written}</p>\n<h1>Your details and {}</h1>\n", esc(&c.to))
    } else {
        format!(
            "<section class=\"letter\">{to}<p>{written}</p>\n<h1>{}: your details and {}</h1>\n<p>Dear {},</p>\n",
            esc(&c.community),
            esc(&c.to),
            esc(r.name)
        )
    }
}

/// A notice campaign's slip: the code, and a box to object (never the name).
fn objection_slip(c: &Campaign, r: &Recipient<'_>) -> String {
    format!(
        "<div class=\"slip\"><p><strong>Reply slip.</strong> Send this part back only if you object.</p>\
         <p>Code: <strong>{code}</strong></p>\
         <p>&#9744; I object to my details going to {to}.</p><p>&#9744; Stop sending me letters.</p>\
         <p>Signed: <span class=\"line\"></span> Date: <span class=\"line\"></span></p>\
         <p>Someone helped me: <span class=\"line\"></span></p>\
         <p>Send it back to: {contact}</p></div>\n",
        code = esc(r.code),
        to = esc(&c.to),
        contact = esc(&c.contact)
    )
}

fn notice_standard(c: &Campaign, r: &Recipient<'_>, n: &Notice) -> String {
    format!(
        "{opening}\
         <p>We are writing to tell you about a change. Please read this notice.</p>\n\
         <div class=\"statement\"><p>{text}</p></div>\n\
         <p><strong>You can object.</strong> Tick the box on the slip and send it back by <strong>{closes}</strong>, or contact {contact}. If you object, we will not pass your details on.</p>\n\
         <p>If you are happy with this, you do not need to do anything.</p>\n\
         <p>This is notice {version}. Our privacy notice ({notice}) says how we use your details. Ask us for a copy.</p>\n\
         {slip}</section>\n",
        opening = opening(c, r, false),
        text = esc(&n.text),
        closes = date_words(c.closes),
        contact = esc(&c.contact),
        version = esc(&n.version),
        notice = esc(&c.notice),
        slip = objection_slip(c, r),
    )
}

/// An easy-read point: a picture, and its short sentences beside it.
fn point(pic: String, lines: Vec<String>) -> String {
    format!(
        "<div class=\"point\">{pic}<div class=\"words\">{}</div></div>\n",
        lines.iter().map(|l| format!("<p>{l}</p>")).collect::<String>()
    )
}

fn notice_easy_read(c: &Campaign, r: &Recipient<'_>, n: &Notice) -> String {
    let body = [
        point(
            pictures::people(),
            vec![
                format!("Hello {}.", esc(r.name)),
                format!("{} has run your group.", esc(&c.from)),
                format!("Now {} will run it.", esc(&c.to)),
            ],
        ),
        point(pictures::envelope(), vec!["We want to give them your name and contact details.".into(), esc(&n.text)]),
        point(
            pictures::stop(),
            vec![
                "You can say no.".into(),
                "Tick the box on the slip.".into(),
                format!("Or contact {}.", esc(&c.contact)),
            ],
        ),
        point(pictures::calendar(), vec![format!("Send the slip back by {}.", date_words(c.closes))]),
        point(pictures::yes_or_no(), vec!["Happy with this?".into(), "Then you do not need to do anything.".into()]),
        point(pictures::helper(), vec!["Did someone help you?".into(), "Write their name on the slip.".into()]),
    ]
    .concat();
    format!("{opening}{body}{slip}</section>\n", opening = opening(c, r, true), slip = objection_slip(c, r),)
}

fn standard(c: &Campaign, r: &Recipient<'_>) -> String {
    let questions = questions_html(c, &r.questions);
    format!(
        "{opening}{again}\
         <p>{from} has looked after {community}. From now on, {to_name} will run it. We are writing to ask what you want.</p>\n\
         {questions}\n\
         <p><strong>You do not have to say yes.</strong> If you say no, or do not answer, we will not take that as a yes.</p>\n\
         <p>You can change your mind at any time. Contact {contact}.</p>\n\
         <p>Please send the slip back by <strong>{closes}</strong>.</p>\n\
         <p>Our privacy notice ({notice}) says how we use your details. Ask us for a copy.</p>\n\
         {slip}</section>\n",
        opening = opening(c, r, false),
        community = esc(&c.community),
        to_name = esc(&c.to),
        from = esc(&c.from),
        contact = esc(&c.contact),
        closes = date_words(c.closes),
        notice = esc(&c.notice),
        slip = slip(c, r, false),
        again = if c.reminder {
            "<p><strong>A reminder.</strong> We wrote to you before and have not had your answer. If you have sent it since, thank you: you need do nothing more.</p>\n"
        } else {
            ""
        },
    )
}

fn easy_read(c: &Campaign, r: &Recipient<'_>) -> String {
    let mut body = String::new();
    if c.reminder {
        body.push_str(&point(
            pictures::envelope(),
            vec![
                "We wrote to you before.".into(),
                "Did you send the slip back?".into(),
                "Then you can stop here.".into(),
            ],
        ));
    }
    body.push_str(&point(
        pictures::people(),
        vec![
            format!("Hello {}.", esc(r.name)),
            format!("{} has run your group.", esc(&c.from)),
            format!("Now {} will run it.", esc(&c.to)),
        ],
    ));
    for (i, q) in r.questions.iter().enumerate() {
        body.push_str(&point(
            pictures::question(),
            vec![format!("<strong>Question {}.</strong>", i + 1), question_easy(c, q), esc(&q.statement), BOXES.into()],
        ));
    }
    body.push_str(&point(
        pictures::yes_or_no(),
        vec!["You do not have to say yes.".into(), "Saying no is fine.".into(), "No answer is not a yes.".into()],
    ));
    body.push_str(&point(
        pictures::change(),
        vec!["You can change your mind.".into(), format!("Contact {}.", esc(&c.contact))],
    ));
    body.push_str(&point(pictures::calendar(), vec![format!("Send the slip back by {}.", date_words(c.closes))]));
    body.push_str(&point(
        pictures::helper(),
        vec!["Did someone help you?".into(), "Write their name on the slip.".into()],
    ));
    format!("{opening}{body}{slip}</section>\n", opening = opening(c, r, true), slip = slip(c, r, true),)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign() -> Campaign {
        Campaign {
            community: "Example Community of Practice".into(),
            from: "Example Charity".into(),
            to: "Example Steering Group".into(),
            contact: "the hub office, 01632 960000".into(),
            closes: NaiveDate::from_ymd_opt(2027, 1, 10).unwrap(),
            written: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            notice: "PN-2025".into(),
            reminder: false,
            tells: None,
        }
    }

    fn question() -> Question {
        Question {
            purpose: "disclose_to_successor".into(),
            name: "Disclosure to the successor".into(),
            statement: "The Steering Group will run the community soon. You can say no or change your mind.".into(),
        }
    }

    #[test]
    fn a_letter_says_what_the_law_needs_and_the_slip_carries_no_name() {
        let q = question();
        let address = vec!["1 Example Street".to_string(), "AB1 2CD".to_string()];
        let r = Recipient {
            name: "Synthetic Person",
            address: Some(&address),
            hub: None,
            code: "HQ05-NSH3-VG64",
            questions: vec![&q],
        };
        for needs in [CommunicationNeeds::Standard, CommunicationNeeds::EasyRead] {
            let html = letter(&campaign(), &r, needs);
            for must in [
                "Synthetic Person",
                "Example Charity",
                "Example Steering Group",
                "do not have to say yes",
                "change your mind",
                "the hub office, 01632 960000",
                "10 January 2027",
                "Someone helped me",
                "HQ05-NSH3-VG64",
                "&#9744; Yes",
                "You can say no or change your mind.",
            ] {
                assert!(html.contains(must), "{needs}: {must} missing");
            }
            let slip = html.split("class=\"slip\"").nth(1).unwrap();
            assert!(!slip.contains("Synthetic Person") && !slip.contains("Example Street"), "{needs}: {slip}");
            assert!(slip.contains("HQ05-NSH3-VG64"));
        }
    }

    /// A notice letter tells the notice and its slip is an objection, in either format.
    #[test]
    fn a_notice_letter_tells_and_its_slip_objects() {
        let mut c = campaign();
        c.tells = Some(Notice { version: "PD-2026".into(), text: "We plan to pass on your details.".into() });
        let r =
            Recipient { name: "Synthetic Person", address: None, hub: None, code: "HQ05-NSH3-VG64", questions: vec![] };
        for needs in [CommunicationNeeds::Standard, CommunicationNeeds::EasyRead] {
            let page = format!("{}{}{}", head(needs), letter(&c, &r, needs), tail());
            assert!(
                page.contains("We plan to pass on your details.") && page.contains("I object to my details going to")
            );
            assert!(!page.contains("Question 1"), "a notice asks nothing");
            if needs == CommunicationNeeds::EasyRead {
                let avg = crate::audit::letter::words_per_sentence(&page);
                assert!(avg <= 12.0, "{avg} words per sentence");
            }
        }
    }

    #[test]
    fn the_easy_read_letter_keeps_to_the_easy_read_rules() {
        let q = question();
        let r = Recipient {
            name: "Synthetic Person",
            address: None,
            hub: Some("North"),
            code: "HQ05-NSH3-VG64",
            questions: vec![&q],
        };
        let page = format!(
            "{}{}{}",
            head(CommunicationNeeds::EasyRead),
            letter(&campaign(), &r, CommunicationNeeds::EasyRead),
            tail()
        );
        let avg = crate::audit::letter::words_per_sentence(&page);
        assert!(avg <= 12.0, "{avg} words per sentence");
        assert!(page.contains("font-size:16pt"));
        assert!(page.matches("<svg").count() >= 6, "a picture per point");
        assert!(!page.contains("<script") && !page.contains("src=") && !page.contains("href="));
    }
}
