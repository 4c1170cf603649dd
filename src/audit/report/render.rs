//! The report rendered: its sections as text tables or one self-contained, accessible HTML page
//! that opens with what needs attention, with inline SVG charts.

use std::fmt::Write as _;

use super::*;
use crate::audit::html::escape as esc;

fn n(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "-".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A section: a heading, a caption, column names and rows (what both renderers show).
pub(crate) struct Section {
    pub heading: &'static str,
    pub caption: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub empty: &'static str,
}

/// A purpose's or controller's name, from its code.
fn name(r: &Report, code: &str) -> String {
    r.names.get(code).cloned().unwrap_or_else(|| crate::domain::words::plain(code))
}

fn sections(r: &Report) -> Vec<Section> {
    let mut s = Vec::new();
    s.push(Section {
        heading: "Deadlines and tasks",
        caption: format!("{} open task(s), {} overdue (overdue first)", r.deadlines.open, r.deadlines.overdue),
        columns: vec!["Task kind", "Open", "Overdue", "Earliest due"],
        rows: r
            .deadlines
            .by_kind
            .iter()
            .map(|k| {
                vec![
                    crate::domain::words::task_kind(&n(&k["kind"])),
                    n(&k["open"]),
                    n(&k["overdue"]),
                    n(&k["earliest_due"]),
                ]
            })
            .collect(),
        empty: "No open tasks.",
    });
    if let Some(tasks) = &r.deadlines.tasks {
        s.push(Section {
            heading: "Open tasks (detail)",
            caption: "Every open task, overdue first".into(),
            columns: vec!["Due", "Overdue", "Task"],
            rows: tasks.iter().map(|t| vec![n(&t["due"]), n(&t["overdue"]), n(&t["title"])]).collect(),
            empty: "No open tasks.",
        });
    }
    s.push(Section {
        heading: "Consent coverage",
        caption: format!("People by consent status, per purpose and controller ({} people in the register)", r.people),
        columns: vec!["Purpose", "Controller", "Granted", "Withdrawn", "Refused", "Expired", "None"],
        rows: r
            .coverage
            .iter()
            .map(|c| {
                vec![
                    name(r, &c.purpose),
                    name(r, &c.controller),
                    c.granted.to_string(),
                    c.withdrawn.to_string(),
                    c.refused.to_string(),
                    c.expired.to_string(),
                    c.none.to_string(),
                ]
            })
            .collect(),
        empty: "No consent recorded.",
    });
    if r.detail {
        let mut rows = Vec::new();
        for c in &r.coverage {
            for (status, ids) in c.people.iter().flatten() {
                rows.push(vec![c.purpose.clone(), c.controller.clone(), status.clone(), ids.join(" ")]);
            }
        }
        for d in &r.refresh_due_90_days {
            rows.push(vec![
                d.purpose.clone(),
                d.controller.clone(),
                "refresh due".into(),
                d.people.clone().unwrap_or_default().join(" "),
            ]);
        }
        for i in &r.legitimate_interests {
            for (what, ids) in [("objected", &i.objected_people), ("no notice logged", &i.without_notice)] {
                if let Some(ids) = ids.as_ref().filter(|v| !v.is_empty()) {
                    rows.push(vec![i.purpose.clone(), "legitimate interests".into(), what.into(), ids.join(" ")]);
                }
            }
        }
        s.push(Section {
            heading: "People (detail)",
            caption: "Person ids behind the counts that need action".into(),
            columns: vec!["Purpose", "Controller or basis", "State", "People"],
            rows,
            empty: "Nobody.",
        });
    }
    s.push(Section {
        heading: "Consents due for refresh",
        caption: "Consents in force that lapse within 90 days".into(),
        columns: vec!["Purpose", "Controller", "People", "Earliest"],
        rows: r
            .refresh_due_90_days
            .iter()
            .map(|d| vec![name(r, &d.purpose), name(r, &d.controller), d.count.to_string(), d.earliest.clone()])
            .collect(),
        empty: "None within 90 days.",
    });
    s.push(Section {
        heading: "Legitimate interests",
        caption: "People relying on legitimate interests, with their notice and objection state".into(),
        columns: vec!["Purpose", "People", "Notice sent", "Objected"],
        rows: r
            .legitimate_interests
            .iter()
            .map(|i| vec![name(r, &i.purpose), i.people.to_string(), i.notice_sent.to_string(), i.objected.to_string()])
            .collect(),
        empty: "Nobody relies on legitimate interests.",
    });
    s.push(Section {
        heading: "Accounts",
        caption: format!(
            "{} account(s); {} with every rotation step recorded",
            r.accounts.len(),
            r.accounts.iter().filter(|a| a["rotated"] == true).count()
        ),
        columns: vec!["Account", "Service", "Rotation steps done", "Paid until"],
        rows: r
            .accounts
            .iter()
            .map(|a| {
                let steps: Vec<&str> =
                    a["rotation_steps_done"].as_array().into_iter().flatten().filter_map(|x| x.as_str()).collect();
                let done = match a["rotated_by_receiver"].as_str() {
                    Some(day) => format!("all, by the receiving group (its signed statement of {day})"),
                    None if steps.is_empty() => "none".into(),
                    None => steps.join(", "),
                };
                vec![
                    a["id"].as_str().unwrap_or("").to_string(),
                    crate::domain::words::service(a["service"].as_str().unwrap_or("")),
                    done,
                    a["paid_until"].as_str().unwrap_or("-").to_string(),
                ]
            })
            .collect(),
        empty: "None.",
    });
    s.push(Section {
        heading: "Reviews",
        caption:
            "The data protection lead's decisions on people held back for review (the latest per person and reason)"
                .into(),
        columns: if r.detail {
            vec!["Reason", "Person", "Decision", "By", "Date", "Signed", "Note"]
        } else {
            vec!["Reason", "Go", "Held", "Signed"]
        },
        rows: r
            .reviews
            .iter()
            .map(|x| {
                let mut row: Vec<String> = if r.detail {
                    ["reason", "person", "decision", "by", "at", "signed", "note"].iter().map(|k| n(&x[*k])).collect()
                } else {
                    ["reason", "go", "hold", "signed"].iter().map(|k| n(&x[*k])).collect()
                };
                row[0] = crate::domain::words::reason(&row[0]);
                row
            })
            .collect(),
        empty: "None recorded.",
    });
    s.extend(later_sections(r));
    s
}

/// The sections after the reviews: proxies, transfers, casework, suppression, statistics.
fn later_sections(r: &Report) -> Vec<Section> {
    let mut s = Vec::new();
    let p = &r.proxy_consents;
    s.push(Section {
        heading: "Consents given on someone's behalf",
        caption: format!(
            "{} proxy consent event(s): {} with authority evidence verified, {} without",
            p.total, p.verified, p.unverified
        ),
        columns: vec!["Authority", "Events"],
        rows: p.by_authority.iter().map(|(k, v)| vec![crate::domain::words::authority(k), v.to_string()]).collect(),
        empty: "None.",
    });
    s.push(Section {
        heading: "Transfers",
        caption: "Every transfer, with what went and the receiving side's receipt".into(),
        columns: vec![
            "Bundle",
            "Date",
            "Other party",
            "State",
            "Receipt",
            "Complete",
            "Register",
            "Mailing list",
            "Art 19 owed",
        ],
        rows: r
            .transfers
            .iter()
            .map(|v| {
                let t = &v.transfer;
                let day = |d: &Option<String>| d.as_deref().and_then(|d| d.get(..10)).unwrap_or("not yet").to_string();
                vec![
                    t.id.to_string(),
                    t.created_at.get(..10).unwrap_or("").to_string(),
                    format!(
                        "{} {}",
                        if v.direction == crate::domain::model::Direction::Sent { "to" } else { "from" },
                        name(r, &t.controller)
                    ),
                    format!(
                        "{}{}",
                        crate::domain::words::transfer_state(t.state.as_str()),
                        if v.stale { "; people in it changed since (Art 19)" } else { "" }
                    ),
                    day(&v.receipt_at),
                    day(&v.completed_at),
                    n(&t.counts["register"]),
                    n(&t.counts["mailing_list"]),
                    v.art19_open.to_string(),
                ]
            })
            .collect(),
        empty: "No transfers yet.",
    });
    s.push(Section {
        heading: "Who went, and who was held back",
        caption: "Each transfer's register decisions, by reason (counts only)".into(),
        columns: vec!["Bundle", "Decision", "People"],
        rows: r
            .transfers
            .iter()
            .flat_map(|v| {
                let id = v.transfer.id.to_string();
                v.transfer.counts["register_by_reason"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(k, n)| vec![id.clone(), crate::domain::words::reason(k), n.to_string()])
            })
            .collect(),
        empty: "No transfers yet.",
    });
    let kv = |v: &serde_json::Value| -> Vec<Vec<String>> {
        v.as_object()
            .map(|o| o.iter().filter(|(_, x)| !x.is_object()).map(|(k, x)| vec![k.replace('_', " "), n(x)]).collect())
            .unwrap_or_default()
    };
    for (heading, caption, counts) in [
        ("Rights requests", "Requests and their one-month clocks", &r.requests),
        ("Complaints", "The complaints log (acknowledgement within 30 days)", &r.complaints),
        ("Incidents", "Breaches and other incidents (the ICO within 72 hours where reportable)", &r.incidents),
    ] {
        s.push(Section { heading, caption: caption.into(), columns: vec!["", "Count"], rows: kv(counts), empty: "" });
    }
    let mut supp = kv(&r.suppression);
    if let Some(o) = r.suppression["by_reason"].as_object() {
        supp.extend(o.iter().map(|(k, v)| vec![format!("suppressed: {}", crate::domain::words::plain(k)), n(v)]));
    }
    s.push(Section {
        heading: "Suppression and erasure",
        caption: "Addresses that can never be re-added for marketing, and erasures".into(),
        columns: vec!["", "Count"],
        rows: supp,
        empty: "",
    });
    s.push(Section {
        heading: "Statistical outputs released",
        caption: "Aggregate tables sent in bundles, with their thresholds".into(),
        columns: vec!["Bundle", "Released", "To", "Table", "k", "Rounding", "Cells", "Suppressed", "Withheld"],
        rows: r
            .statistics_released
            .iter()
            .map(|t| {
                vec![
                    n(&t["bundle"]),
                    n(&t["released_at"]).get(..10).unwrap_or("").to_string(),
                    name(r, &n(&t["to"])),
                    n(&t["name"]),
                    n(&t["k"]),
                    n(&t["rounding"]),
                    n(&t["cells"]),
                    n(&t["suppressed"]),
                    n(&t["withheld"]),
                ]
            })
            .collect(),
        empty: "None released.",
    });
    let mut rows = Vec::new();
    let mut audience = Vec::new();
    for k in &r.campaigns {
        let per = |key: &str| {
            k[key].as_object().map_or_else(String::new, |o| {
                o.iter().map(|(c, v)| format!("{} {c}", n(v))).collect::<Vec<_>>().join(", ")
            })
        };
        let state = if k["closed"] == true { "closed" } else { "open" };
        for u in k["uses"].as_array().into_iter().flatten() {
            rows.push(vec![
                n(&k["campaign"]),
                name(r, &n(&k["to"])),
                format!("{} ({state})", n(&k["closes_on"])),
                per("issued"),
                per("sent"),
                n(&k["reminded"]),
                name(r, &n(&u["purpose"])),
                n(&u["yes"]),
                n(&u["no"]),
                n(&u["no_answer"]),
                n(&u["spoiled"]),
                n(&u["review"]),
                n(&u["evidence"]),
            ]);
        }
        for (channel, reasons) in k["audience_today"].as_object().into_iter().flatten() {
            for (reason, count) in reasons.as_object().into_iter().flatten() {
                audience.push(vec![
                    n(&k["campaign"]),
                    crate::domain::words::plain(channel),
                    crate::domain::words::plain(reason),
                    n(count),
                ]);
            }
        }
    }
    s.push(Section {
        heading: "Campaigns",
        caption: "Asking people: codes issued and sends logged by channel, reminders, and each question's answers (evidence: answers recorded as consent events)".into(),
        columns: vec![
            "Campaign", "To", "Closes", "Issued", "Sent", "Reminded", "Question", "Yes", "No", "No answer", "Spoiled",
            "In review", "Evidence",
        ],
        rows,
        empty: "No campaigns.",
    });
    if !audience.is_empty() {
        s.push(Section {
            heading: "Campaign audience today",
            caption: "Who each open campaign's gate asks today, by channel and reason".into(),
            columns: vec!["Campaign", "Channel", "Reason", "People"],
            rows: audience,
            empty: "",
        });
    }
    s
}

/// A document of sections, as both renderers take it.
pub(crate) struct Doc {
    pub title: String,
    /// Lines under the title (plain text; escaped in HTML).
    pub intro: Vec<String>,
    /// What needs attention first, in words (shown before anything else; empty: nothing).
    pub attention: Vec<String>,
    /// Charts (HTML figures with inline SVG), shown after the summary.
    pub charts: Vec<String>,
    /// Print in landscape (wide tables).
    pub landscape: bool,
    pub sections: Vec<Section>,
}

fn report_doc(r: &Report) -> Doc {
    Doc {
        title: format!("Data protection report: {}", r.community),
        intro: vec![
            format!(
                "Controller {}{}. Generated {}.",
                r.controller,
                r.to.as_deref().map(|t| format!("; transfers to {t}")).unwrap_or_default(),
                r.generated_at
            ),
            format!(
                "Audit log: {} entries, Merkle root {}, hash chain {}.",
                n(&r.audit_log["entries"]),
                n(&r.audit_log["merkle_root"]),
                if r.audit_log["chain_intact"] == true { "intact" } else { "BROKEN" }
            ),
            if r.detail {
                "This copy lists person ids: keep it as securely as the register.".into()
            } else {
                "Counts only: no person is named.".into()
            },
        ],
        attention: attention(r),
        charts: charts(r),
        landscape: false,
        sections: sections(r),
    }
}

/// What needs the data protection lead's attention first, in words, most pressing first.
fn attention(r: &Report) -> Vec<String> {
    let mut a = Vec::new();
    if r.audit_log["chain_intact"] != true {
        a.push("The audit log's hash chain is BROKEN: the register was changed outside handover. Run `handover audit verify`.".into());
    }
    let count = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or(0);
    if count(&r.incidents, "undecided_past_72_hours") > 0 {
        a.push(format!(
            "{} incident(s) past the 72 hours with no decision about the ICO.",
            count(&r.incidents, "undecided_past_72_hours")
        ));
    }
    for k in &r.deadlines.by_kind {
        let late = k["overdue"].as_u64().unwrap_or(0);
        if late > 0 {
            a.push(format!(
                "Overdue since {}: {} × {}.",
                n(&k["earliest_due"]),
                late,
                crate::domain::words::task_kind(&n(&k["kind"]))
            ));
        }
    }
    if count(&r.requests, "overdue") > 0 {
        a.push(format!("{} rights request(s) past their deadline.", count(&r.requests, "overdue")));
    }
    if count(&r.complaints, "ack_overdue") > 0 {
        a.push(format!("{} complaint(s) not acknowledged within 30 days.", count(&r.complaints, "ack_overdue")));
    }
    for v in &r.transfers {
        let t = &v.transfer;
        let who = name(r, &t.controller);
        if v.art19_open > 0 {
            a.push(format!(
                "Tell {who} about {} change(s) people asked for since bundle {} (Art 19).",
                v.art19_open, t.id
            ));
        }
        if v.direction == crate::domain::model::Direction::Sent && v.receipt_at.is_none() {
            a.push(format!("No receipt yet from {who} for bundle {} (made {}).", t.id, &t.created_at[..10]));
        }
    }
    let received = r.transfers.iter().any(|v| v.direction == crate::domain::model::Direction::Received);
    let unrotated: Vec<String> = r
        .accounts
        .iter()
        .filter(|x| x["rotated"] != true)
        .map(|x| crate::domain::words::plain(x["service"].as_str().unwrap_or("")))
        .collect();
    if received && !unrotated.is_empty() {
        a.push(format!("Accounts not yet made safe after the handover: {}.", unrotated.join(", ")));
    }
    let today = crate::domain::model::parse_timestamp(&r.generated_at)
        .map_or(chrono::NaiveDate::MIN, crate::domain::deadline::london_date);
    let soon = (today + Duration::days(30)).to_string();
    for x in &r.accounts {
        if let Some(until) = x["paid_until"].as_str().filter(|u| *u <= soon.as_str()) {
            a.push(format!(
                "The {} account is paid only until {until}: decide who pays next.",
                crate::domain::words::plain(x["service"].as_str().unwrap_or(""))
            ));
        }
    }
    let lapsing: usize = r.refresh_due_90_days.iter().map(|d| d.count).sum();
    if lapsing > 0 {
        let earliest = r.refresh_due_90_days.iter().map(|d| d.earliest.as_str()).min().unwrap_or("");
        a.push(format!(
            "{lapsing} consent(s) lapse within 90 days (the first on {earliest}): ask those people to renew."
        ));
    }
    if r.proxy_consents.unverified > 0 {
        a.push(format!(
            "{} consent(s) given on someone's behalf without the authority checked.",
            r.proxy_consents.unverified
        ));
    }
    for i in r.legitimate_interests.iter().filter(|i| i.notice_sent < i.people) {
        a.push(format!(
            "{} people rely on legitimate interests for {} without a notice logged.",
            i.people - i.notice_sent,
            name(r, &i.purpose)
        ));
    }
    a
}

/// The report's charts: consent in force by purpose over the last year, and the open deadlines on
/// a timeline.
fn charts(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(first) = r.consent_over_time.first() {
        let dates: Vec<chrono::NaiveDate> = first["points"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| crate::domain::model::parse_date(p["date"].as_str().unwrap_or("")))
            .collect();
        let mut series: Vec<crate::audit::charts::Series> = r
            .consent_over_time
            .iter()
            .map(|c| crate::audit::charts::Series {
                label: format!(
                    "{} — {}",
                    name(r, c["purpose"].as_str().unwrap_or("")),
                    name(r, c["controller"].as_str().unwrap_or(""))
                ),
                values: c["points"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| p["granted"].as_u64().unwrap_or(0) as usize)
                    .collect(),
            })
            .filter(|s| s.values.iter().any(|v| *v > 0))
            .collect();
        // The eight largest today, so the legend stays readable.
        series.sort_by(|a, b| b.values.last().cmp(&a.values.last()));
        series.truncate(8);
        if !series.is_empty() {
            out.push(crate::audit::charts::lines(
                "Consent in force by purpose and controller, at the end of each month over the last year",
                &dates,
                &series,
            ));
        }
    }
    let marks: Vec<crate::audit::charts::Mark> = r
        .deadlines
        .timeline
        .iter()
        .filter_map(|t| {
            Some(crate::audit::charts::Mark {
                row: crate::domain::words::task_kind(t["kind"].as_str()?),
                due: crate::domain::model::parse_date(t["due"].as_str()?)?,
                count: t["count"].as_u64().unwrap_or(1) as usize,
                overdue: t["overdue"] == true,
            })
        })
        .collect();
    if !marks.is_empty() {
        let today = crate::domain::model::parse_timestamp(&r.generated_at)
            .map_or(chrono::NaiveDate::MIN, crate::domain::deadline::london_date);
        out.push(crate::audit::charts::timeline(
            "Open deadlines by kind: each mark is a day something is due (larger for more; red when overdue)",
            today,
            &marks,
        ));
    }
    out
}

/// The report as plain text.
pub fn text(r: &Report) -> String {
    render_text(&report_doc(r))
}

/// The report as one self-contained, printable, accessible HTML page.
pub fn html(r: &Report) -> String {
    render_html(&report_doc(r))
}

/// A document as plain text: the title, the intro, then each section's heading, caption and table.
pub(crate) fn render_text(d: &Doc) -> String {
    let mut t = format!("{}\n", d.title);
    for line in &d.intro {
        let _ = writeln!(t, "{line}");
    }
    t.push_str("\n== Needs attention\n");
    if d.attention.is_empty() {
        t.push_str("Nothing needs attention today.\n");
    }
    for a in &d.attention {
        let _ = writeln!(t, "- {a}");
    }
    for s in &d.sections {
        let _ = write!(t, "\n== {}\n{}\n", s.heading, s.caption);
        if s.rows.is_empty() {
            if !s.empty.is_empty() {
                let _ = writeln!(t, "{}", s.empty);
            }
        } else {
            t.push_str(&crate::base::encode::table(&s.columns, &s.rows));
        }
    }
    t
}

/// The pages' style: readable on screen, and on A4 every column fits (long words wrap, tables
/// take the page's width), charts scale, and nothing is split across pages that need not be.
const PAGE_CSS: &str = "*{box-sizing:border-box}body{font-family:Arial,Helvetica,sans-serif;font-size:11pt;max-width:62em;margin:2em auto;padding:0 1em;line-height:1.45;color:#111;overflow-wrap:anywhere}table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}caption{text-align:left;font-weight:bold;padding:.3em 0}th,td{border:1px solid #777;padding:.25em .5em;text-align:left;vertical-align:top;overflow-wrap:break-word}th{background:#eee}td.n{text-align:right}figure{margin:1em 0;break-inside:avoid}figure>svg{display:block;width:100%;max-width:46em;height:auto}.legend svg{display:inline-block;width:16px;height:8px;vertical-align:middle}figcaption{font-size:.9em;color:#333}.legend{list-style:none;padding:0;margin:.4em 0;columns:2;font-size:.9em}.legend li{break-inside:avoid}.attention{border-left:6px solid #D55E00;background:#fff4ec;padding:.1em 1em .4em;margin:1em 0}@media print{body{max-width:none;margin:0;padding:0;font-size:9pt}html{-webkit-print-color-adjust:exact;print-color-adjust:exact}thead{display:table-header-group}tr,figure,li,table.keep{break-inside:avoid}h2,caption,thead{break-after:avoid}}";

/// A document as one self-contained, printable, accessible HTML page: one h1, h2 per section,
/// tables with captions and scoped header cells, no script, no outside resources.
pub(crate) fn render_html(d: &Doc) -> String {
    let mut h = String::from("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(h, "<title>{}</title>", esc(&d.title));
    let _ = writeln!(
        h,
        "<style>@page{{size:A4 {};margin:14mm 12mm}}{PAGE_CSS}</style>\n</head>\n<body>\n<main>",
        if d.landscape { "landscape" } else { "portrait" }
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&d.title));
    for line in &d.intro {
        let _ = writeln!(h, "<p>{}</p>", esc(line));
    }
    h.push_str("<section class=\"attention\">\n<h2>Needs attention</h2>\n");
    if d.attention.is_empty() {
        h.push_str("<p>Nothing needs attention today.</p>\n");
    } else {
        h.push_str("<ul>\n");
        for a in &d.attention {
            let _ = writeln!(h, "<li>{}</li>", esc(a));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
    if !d.charts.is_empty() {
        h.push_str("<section>\n<h2>At a glance</h2>\n");
        for c in &d.charts {
            h.push_str(c);
        }
        h.push_str("</section>\n");
    }
    for s in &d.sections {
        let _ = writeln!(h, "<section>\n<h2>{}</h2>", esc(s.heading));
        if s.rows.is_empty() && !s.empty.is_empty() {
            let _ = writeln!(h, "<p>{}</p>", esc(s.empty));
        } else {
            // A short table is kept on one page, its caption and header row with it.
            let keep = if s.rows.len() <= 12 { " class=\"keep\"" } else { "" };
            let _ = writeln!(h, "<table{keep}>\n<caption>{}</caption>\n<thead><tr>", esc(&s.caption));
            for c in &s.columns {
                let _ = write!(h, "<th scope=\"col\">{}</th>", esc(if c.is_empty() { "Item" } else { c }));
            }
            h.push_str("</tr></thead>\n<tbody>\n");
            for row in &s.rows {
                h.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    let numeric = !cell.is_empty() && cell.chars().all(|c| c.is_ascii_digit());
                    if i == 0 {
                        let _ = write!(h, "<th scope=\"row\">{}</th>", esc(cell));
                    } else {
                        let _ = write!(h, "<td{}>{}</td>", if numeric { " class=\"n\"" } else { "" }, esc(cell));
                    }
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</tbody>\n</table>\n");
        }
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    crate::audit::html::print_ready(&h)
}
