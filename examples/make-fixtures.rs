//! Writes the synthetic fixture community under `fixtures/` (seeded: the same output every run).
//!
//! Everyone it writes is invented. Email addresses use the reserved example.org / example.com /
//! example.net domains and phone numbers use Ofcom's drama ranges (01632 960xxx, 07700 900xxx).
//!
//! Run: `cargo run --example make-fixtures` (from the repository root).

use std::fmt::Write as _;

use handover::import::own::{
    BASES_COLUMNS, CONSENT_COLUMNS, DIVERSITY_COLUMNS, NOTICES_SENT_COLUMNS, PEOPLE_COLUMNS, ROLES_COLUMNS,
};
use std::io::Write as _;
use std::path::Path;

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const FIRST: &[&str] = &[
    "Aisha", "Alex", "Amelia", "Ben", "Bethan", "Callum", "Chloe", "Dafydd", "Deepa", "Eleanor", "Emeka", "Fatima",
    "Finn", "Grace", "Harriet", "Idris", "Imogen", "Jack", "Jasmine", "Kofi", "Laura", "Leon", "Maya", "Mohammed",
    "Niamh", "Oliver", "Priya", "Rhys", "Rosa", "Samir", "Siân", "Tariq", "Tegan", "Una", "Vikram", "Wen", "Yusuf",
    "Zara", "Ciarán", "Zoë",
];
const LAST: &[&str] = &[
    "Abbott",
    "Adeyemi",
    "Bailey",
    "Chaudhry",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Garcia",
    "Hughes",
    "Iqbal",
    "Jenkins",
    "Khan",
    "Lloyd-Evans",
    "Morgan",
    "Nowak",
    "O'Neill",
    "Okafor",
    "Patel",
    "Quinn",
    "Rahman",
    "Roberts",
    "Singh",
    "Thompson",
    "Umar",
    "Vaughan",
    "Walsh",
    "Williams",
    "Xu",
    "Young",
    "Zielinski",
    "Ní Bhriain",
    "Field",
];
const ORGS: &[&str] = &[
    "Kent County Council",
    "East Sussex NHS Trust",
    "West Sussex Council",
    "Medway Community Healthcare",
    "Canterbury College",
    "Sussex Partnership NHS Trust",
    "Independent provider",
    "Family Carers Network",
    "",
];
const HUBS: &[&str] = &["Canterbury", "Medway", "Worthing", "Hellingly", "Crawley", "Leatherhead"];
const GROUPS: &[(&str, u64)] = &[
    ("professional", 30),
    ("family_carer", 18),
    ("lived_experience", 10),
    ("education", 8),
    ("health", 12),
    ("social_care", 10),
    ("provider", 6),
    ("commissioner", 3),
    ("other", 3),
];

const OWN: &str = "brightwater-trust";
const RECEIVER: &str = "kscop-steering-group";

struct Person {
    reference: String,
    name: String,
    email: String,
    phone: String,
    organisation: String,
    group: String,
    hub: String,
    jurisdiction: &'static str,
    adult: bool,
    source: &'static str,
    joined: String,
    on_list: bool,
}

fn date(rng: &mut Rng, from_year: i32, to_year: i32) -> (i32, u32, u32) {
    let y = from_year + rng.below((to_year - from_year + 1) as u64) as i32;
    let m = 1 + rng.below(12) as u32;
    let d = 1 + rng.below(28) as u32;
    clamp((y, m, d))
}

/// No event after October 2026: the fixtures describe the past.
fn clamp((y, m, d): (i32, u32, u32)) -> (i32, u32, u32) {
    if y > 2026 || (y == 2026 && m > 10) { (2026, 10, d) } else { (y, m, d) }
}

fn ts((y, m, d): (i32, u32, u32), rng: &mut Rng) -> String {
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z", 9 + rng.below(9), rng.below(60))
}

fn later((y, m, d): (i32, u32, u32), rng: &mut Rng, max_year: i32) -> (i32, u32, u32) {
    let ny = (y + 1 + rng.below(3) as i32).min(max_year);
    clamp(if ny == y { (y, (m + 1).min(12), d) } else { (ny, 1 + rng.below(10) as u32, d) })
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn line(cells: &[&str]) -> String {
    let mut s = cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
    s.push('\n');
    s
}

fn write(path: &Path, body: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}

fn statement_for(purpose: &str, at: &str) -> &'static str {
    match purpose {
        "newsletter" if at < "2021-06-01" => "NL-2017",
        "newsletter" => "NL-2021",
        "successor_newsletter" => "SN-2025",
        "disclose_to_successor" => "DS-2025",
        "diversity_monitoring" => "DM-2019",
        "photos_video" => "PV-2019",
        _ => "NL-2021",
    }
}

fn notice_for(at: &str) -> &'static str {
    if at < "2021-06-01" {
        "PN-2017"
    } else if at < "2025-03-01" {
        "PN-2021"
    } else {
        "PN-2025"
    }
}

// One linear script that writes every fixture file in order, so the files and the order they are
// written in read top to bottom; splitting it would only scatter the seeded draws.
#[allow(clippy::too_many_lines)]
fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut rng = Rng(0x5EED_2026);
    let mut people = Vec::new();
    let mut used = std::collections::HashSet::new();
    for i in 0..856 {
        let (name, email) = loop {
            let f = rng.pick(FIRST);
            let l = rng.pick(LAST);
            let name = format!("{f} {l}");
            let local: String = format!("{f}.{l}")
                .to_lowercase()
                .chars()
                .map(|c| match c {
                    'â' => 'a',
                    'á' => 'a',
                    'ë' => 'e',
                    'í' => 'i',
                    c if c.is_ascii_alphanumeric() || c == '.' => c,
                    _ => '-',
                })
                .collect();
            let domain = ["example.org", "example.com", "example.net"][rng.below(3) as usize];
            let n = rng.below(90) + 10;
            let email = format!("{local}{n}@{domain}");
            if used.insert(email.clone()) {
                break (name, email);
            }
        };
        let mut total = 0;
        let roll = rng.below(100);
        let mut group = "other";
        for (g, w) in GROUPS {
            total += w;
            if roll < total {
                group = g;
                break;
            }
        }
        let on_list = i < 756;
        let jurisdiction = match rng.below(100) {
            0..=1 => "scotland",
            2 => "northern_ireland",
            3 => "eu",
            4..=6 => "unknown",
            _ => "england_wales",
        };
        let (y, m, d) = date(&mut rng, 2017, 2026);
        let joined = format!("{y:04}-{m:02}-{d:02}");
        people.push(Person {
            reference: format!("M{:04}", i + 1),
            name,
            email: if on_list || rng.chance(70) { email } else { String::new() },
            phone: if rng.chance(40) {
                if rng.chance(50) {
                    format!("01632 960{:03}", rng.below(1000))
                } else {
                    format!("07700 900{:03}", rng.below(1000))
                }
            } else {
                String::new()
            },
            organisation: rng.pick(ORGS).to_string(),
            group: group.to_string(),
            hub: if rng.chance(60) { rng.pick(HUBS).to_string() } else { String::new() },
            jurisdiction,
            adult: !rng.chance(3),
            source: if on_list { "signup form" } else { "event sign-in sheet" },
            joined,
            on_list,
        });
    }
    // The steering group (receiving side) and the champions: fixed positions, always adult, E&W.
    let steering =
        [(0usize, "steering_chair", ""), (1, "steering_co_chair", "lived_experience"), (2, "steering_secretary", "")];
    for (i, _, _) in steering {
        people[i].jurisdiction = "england_wales";
        people[i].adult = true;
    }
    people[1].group = "lived_experience".into();
    for (h, hub) in HUBS.iter().enumerate() {
        let p = &mut people[3 + h];
        p.hub = hub.to_string();
        p.jurisdiction = "england_wales";
        p.adult = true;
    }
    // Charity staff.
    for i in [9usize, 10] {
        people[i].organisation = "Brightwater Trust".into();
        people[i].group = "professional".into();
        people[i].jurisdiction = "england_wales";
        people[i].adult = true;
    }

    // people.csv
    let mut out = line(PEOPLE_COLUMNS);
    for p in &people {
        let notes = if p.reference == "M0042" { "Prefers large print; carer attends meetings" } else { "" };
        out.push_str(&line(&[
            &p.reference,
            &p.name,
            &p.email,
            &p.phone,
            &p.organisation,
            &p.group,
            &p.hub,
            p.jurisdiction,
            if p.adult { "yes" } else { "no" },
            p.source,
            &p.joined,
            notes,
        ]));
    }
    write(&root.join("people.csv"), &out);

    // roles.csv
    let mut out = line(ROLES_COLUMNS);
    for (i, role, designation) in steering {
        out.push_str(&line(&[&people[i].reference, "", role, "", "2023-04-01", "", designation]));
    }
    for (h, hub) in HUBS.iter().enumerate() {
        out.push_str(&line(&[&people[3 + h].reference, "", "champion", hub, "2022-09-01", "", ""]));
    }
    out.push_str(&line(&[&people[9].reference, "", "facilitator", "", "2017-01-09", "", ""]));
    out.push_str(&line(&[&people[10].reference, "", "coordinator", "", "2019-05-01", "2026-03-31", ""]));
    write(&root.join("roles.csv"), &out);

    // consent.csv
    let header = CONSENT_COLUMNS;
    let mut out = line(header);
    let methods = [
        "online_checkbox",
        "online_checkbox",
        "online_checkbox",
        "paper_signed",
        "easy_read_form",
        "email_reply",
        "oral_note",
    ];
    let mut n_ev = 0;
    let mut grant = |out: &mut String,
                     rng: &mut Rng,
                     p: &Person,
                     purpose: &str,
                     controllers: &str,
                     channels: &str,
                     at: &str,
                     specials: &str,
                     proxy: bool| {
        n_ev += 1;
        let method =
            if p.group == "lived_experience" && rng.chance(50) { "easy_read_form" } else { rng.pick(&methods) };
        let support = if p.group == "lived_experience" && rng.chance(60) {
            "supported by an advocate; easy-read version and extra time"
        } else {
            ""
        };
        let (given_by, ak, ar, vb, va) = if proxy {
            (
                "lpa_attorney",
                "lpa_health_welfare",
                format!("OPG-LPA-{:07}", rng.below(10_000_000)),
                "facilitator",
                at.to_string(),
            )
        } else {
            ("self", "", String::new(), "", String::new())
        };
        out.push_str(&line(&[
            &p.reference,
            "",
            purpose,
            "grant",
            controllers,
            channels,
            statement_for(purpose, at),
            notice_for(at),
            method,
            &format!("EV-{n_ev:05}"),
            at,
            "facilitator",
            given_by,
            ak,
            &ar,
            vb,
            &va,
            support,
            "yes",
            specials,
        ]));
    };
    let mut withdrawals = Vec::new();
    for (i, p) in people.iter().enumerate() {
        if !p.adult && i > 20 {
            // Not confirmed adult: no consents are recorded (routed to review).
            continue;
        }
        let proxy = p.group == "lived_experience" && i % 23 == 0 && i > 20;
        if p.on_list && !p.email.is_empty() && (i < 20 || !rng.chance(8)) {
            let d = date(&mut rng, 2017, 2026);
            let at = ts(d, &mut rng);
            grant(&mut out, &mut rng, p, "newsletter", OWN, "email", &at, "", proxy);
            if i > 20 && rng.chance(9) {
                let w = later(d, &mut rng, 2026);
                withdrawals.push((p.reference.clone(), "newsletter", ts(w, &mut rng), ""));
            } else if i > 20 && rng.chance(10) && d.0 < 2024 {
                // Stale: refreshed later for a few.
                if rng.chance(40) {
                    let r = later(d, &mut rng, 2026);
                    let at2 = ts(r, &mut rng);
                    grant(&mut out, &mut rng, p, "newsletter", OWN, "email", &at2, "", proxy);
                }
            }
        } else if p.on_list && i > 20 && rng.chance(30) {
            let d = date(&mut rng, 2018, 2026);
            withdrawals.push((p.reference.clone(), "newsletter", ts(d, &mut rng), "refuse"));
        }
        // Consent to pass details to the named successor, and to its newsletter (2025-2026).
        if i < 20 || (p.on_list && rng.chance(40)) {
            let d = (2025 + rng.below(2) as i32, 1 + rng.below(9) as u32, 1 + rng.below(28) as u32);
            let at = ts(d, &mut rng);
            grant(&mut out, &mut rng, p, "disclose_to_successor", &format!("{OWN};{RECEIVER}"), "", &at, "", proxy);
            if !p.email.is_empty() && (i < 20 || rng.chance(70)) {
                grant(&mut out, &mut rng, p, "successor_newsletter", RECEIVER, "email", &at, "", proxy);
            }
            if i > 20 && rng.chance(4) {
                let w = later(d, &mut rng, 2026);
                withdrawals.push((p.reference.clone(), "successor_newsletter", ts(w, &mut rng), ""));
            }
        }
        if i > 20 && rng.chance(10) {
            // Diversity consents are recent (2026), so the answers in diversity.csv are covered
            // by a consent in force when the fixtures are imported (24-month refresh).
            let d = (2026, 1 + rng.below(10) as u32, 1 + rng.below(28) as u32);
            let at = ts(d, &mut rng);
            grant(&mut out, &mut rng, p, "diversity_monitoring", OWN, "", &at, "ethnicity;disability", false);
        }
        if i > 20 && rng.chance(6) {
            let d = date(&mut rng, 2019, 2026);
            let at = ts(d, &mut rng);
            grant(&mut out, &mut rng, p, "photos_video", OWN, "", &at, "health", false);
        }
    }
    for (r, purpose, at, kind) in &withdrawals {
        let action = if kind.is_empty() { "withdraw" } else { "refuse" };
        out.push_str(&line(&[
            r,
            "",
            purpose,
            action,
            "",
            "email",
            "",
            "",
            "email_reply",
            "",
            at,
            "facilitator",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]));
    }
    write(&root.join("consent.csv"), &out);

    // bases.csv: governance contact for role holders; LI disclosure for champions; a few objections.
    let mut out = line(BASES_COLUMNS);
    for p in people.iter().take(11) {
        out.push_str(&line(&[
            &p.reference,
            "",
            "governance_contact",
            "legitimate_interests",
            OWN,
            "LIA-2023-01",
            "dp-lead",
            "2023-04-01T10:00:00Z",
            "record",
        ]));
    }
    let mut li_people = Vec::new();
    for (i, p) in people.iter().enumerate().skip(20) {
        if p.on_list && rng.chance(12) {
            out.push_str(&line(&[
                &p.reference,
                "",
                "disclose_to_successor",
                "legitimate_interests",
                RECEIVER,
                "LIA-2026-02",
                "dp-lead",
                "2026-02-02T10:00:00Z",
                "record",
            ]));
            li_people.push(i);
        }
        if !p.on_list && rng.chance(30) {
            out.push_str(&line(&[
                &p.reference,
                "",
                "attendance_records",
                "legitimate_interests",
                OWN,
                "LIA-2023-02",
                "dp-lead",
                "2023-05-01T10:00:00Z",
                "record",
            ]));
        }
    }
    for (k, i) in li_people.iter().enumerate() {
        if k % 9 == 4 {
            out.push_str(&line(&[
                &people[*i].reference,
                "",
                "disclose_to_successor",
                "",
                "",
                "",
                "facilitator",
                "2026-03-10T12:00:00Z",
                "object",
            ]));
        }
    }
    write(&root.join("bases.csv"), &out);

    // notices-sent.csv: the pre-disclosure notice announcing the receiver, to LI people.
    let mut out = line(NOTICES_SENT_COLUMNS);
    for (k, i) in li_people.iter().enumerate() {
        if k % 7 != 6 {
            let day = 3 + (k % 20);
            out.push_str(&line(&[
                &people[*i].reference,
                "",
                "PD-2026",
                &format!("2026-02-{day:02}T09:00:00Z"),
                "email",
            ]));
        }
    }
    write(&root.join("notices-sent.csv"), &out);

    // diversity.csv: answers only from people with explicit diversity consent (others would be refused).
    let consent_text = std::fs::read_to_string(root.join("consent.csv")).unwrap();
    let mut out = line(DIVERSITY_COLUMNS);
    let ethnicity = ["white_british", "asian_british", "black_british", "mixed", "white_other", "prefer_not_to_say"];
    let disability = ["yes", "no", "prefer_not_to_say"];
    for l in consent_text.lines().filter(|l| l.contains(",diversity_monitoring,grant,")) {
        let r = l.split(',').next().unwrap();
        out.push_str(&line(&[r, "", "ethnicity", rng.pick(&ethnicity)]));
        out.push_str(&line(&[r, "", "disability", rng.pick(&disability)]));
    }
    write(&root.join("diversity.csv"), &out);

    // Statement and notice texts, with their index.
    let texts = [
        (
            "statement",
            "NL-2017",
            "newsletter",
            "standard",
            "2017-01-01",
            "",
            "Yes, Brightwater Trust may email me its community newsletter. I can stop at any time by clicking unsubscribe or telling the facilitator.",
        ),
        (
            "statement",
            "NL-2021",
            "newsletter",
            "standard",
            "2021-06-01",
            "",
            "Tick to get the Brightwater Trust newsletter by email about the community of practice. You can withdraw at any time: every email has an unsubscribe link, or tell us.",
        ),
        (
            "statement",
            "NL-2021",
            "newsletter",
            "easy_read",
            "2021-06-01",
            "",
            "Do you want our emails? Tick yes. You can say stop at any time. Just tell us.",
        ),
        (
            "statement",
            "DS-2025",
            "disclose_to_successor",
            "standard",
            "2025-01-01",
            "",
            "Brightwater Trust will pass my name, contact details and roles to the Kent and Sussex CoP Steering Group (an unincorporated association) so it can keep the community going. I can withdraw at any time.",
        ),
        (
            "statement",
            "DS-2025",
            "disclose_to_successor",
            "easy_read",
            "2025-01-01",
            "",
            "The Steering Group will run the community soon. Can we give them your name and email? You can say no or change your mind.",
        ),
        (
            "statement",
            "SN-2025",
            "successor_newsletter",
            "standard",
            "2025-01-01",
            "",
            "Yes, the Kent and Sussex CoP Steering Group may email me its newsletter. I can unsubscribe at any time.",
        ),
        (
            "statement",
            "DM-2019",
            "diversity_monitoring",
            "standard",
            "2019-01-01",
            "",
            "I explicitly agree that Brightwater Trust may hold my answers about ethnicity and disability for equality monitoring. I can withdraw at any time.",
        ),
        (
            "statement",
            "PV-2019",
            "photos_video",
            "standard",
            "2019-01-01",
            "",
            "I explicitly agree to photos and video of me being used in community reports. This may show information about my health. I can withdraw at any time.",
        ),
        ("notice", "PN-2017", "", "standard", "2017-01-01", "", "Brightwater Trust privacy notice, 2017."),
        ("notice", "PN-2021", "", "standard", "2021-06-01", "", "Brightwater Trust privacy notice, 2021."),
        (
            "notice",
            "PN-2025",
            "",
            "standard",
            "2025-01-01",
            "",
            "Brightwater Trust privacy notice, 2025: the community will pass to a steering group.",
        ),
        (
            "notice",
            "PD-2026",
            "",
            "standard",
            "2026-02-01",
            "kscop-steering-group:disclose_to_successor",
            "Service message, not marketing. From 1 April 2026 the Kent and Sussex CoP Steering Group will run the community. We plan to pass your name, contact details and roles to it, relying on our legitimate interests (LIA-2026-02). You can object by replying to this email before 1 March 2026.",
        ),
    ];
    let mut index =
        line(&["kind", "version", "purpose", "format", "effective_from", "announces", "file", "controllers"]);
    for (kind, version, purpose, format, eff, announces, body) in texts {
        let file = format!("texts/{kind}-{version}-{format}.txt");
        write(&root.join(&file), &format!("{body}\n"));
        // The controllers each statement's wording names.
        let controllers = match (kind, version) {
            ("notice", _) => "",
            (_, "DS-2025") => "brightwater-trust;kscop-steering-group",
            (_, "SN-2025") => "kscop-steering-group",
            _ => "brightwater-trust",
        };
        index.push_str(&line(&[kind, version, purpose, format, eff, announces, &file, controllers]));
    }
    write(&root.join("texts/index.csv"), &index);

    // The assessments the bases and the receiver cite (invented summaries).
    let assessments = [
        (
            "lia",
            "LIA-2023-01",
            "1",
            "2023-03-20",
            "Legitimate interests assessment: contacting steering-group members, champions and hub leads about the running of the community. Purpose test, necessity test and balancing test passed; people expect it; objection honoured at any time.",
        ),
        (
            "lia",
            "LIA-2023-02",
            "1",
            "2023-03-20",
            "Legitimate interests assessment: keeping attendance records of community events for reporting to funders, as counts, for two years.",
        ),
        (
            "lia",
            "LIA-2026-02",
            "1",
            "2026-01-15",
            "Legitimate interests assessment: passing names, contact details and roles of active members to the KSCoP Steering Group so the community continues. Pre-disclosure notice PD-2026 and a 28-day objection window; no special-category data without explicit consent naming the group.",
        ),
        (
            "dpia",
            "DPIA-2026-01",
            "1",
            "2026-01-20",
            "Data protection impact assessment of the handover of the community to the KSCoP Steering Group: risks to people with learning disabilities and autism considered; mitigations: minimisation, encryption, redaction, aggregate statistics only.",
        ),
        (
            "dsa",
            "DSA-2026-01",
            "1",
            "2026-01-25",
            "Data sharing agreement between Brightwater Trust and the KSCoP Steering Group: what is shared (register entries, mailing list, documents, accounts), the lawful basis of each, security in transit (encrypted, signed bundle), the group's duties as a new controller (privacy notice within a month, rotating every password), and how withdrawals and erasures are passed on after the handover.",
        ),
    ];
    let mut aindex = line(&["kind", "ref", "version", "approver", "approved_on", "file"]);
    for (kind, reference, version, approved, body) in assessments {
        let file = format!("assessments/{reference}-v{version}.txt");
        write(&root.join(&file), &format!("{reference} version {version}\n\n{body}\n"));
        aindex.push_str(&line(&[kind, reference, version, "dp-lead", approved, &file]));
    }
    write(&root.join("assessments/index.csv"), &aindex);

    // A Mailchimp audience export of the newsletter (statuses carried by file names).
    let id = "a1b2c3d4e5";
    let head_sub = "\"Email Address\",\"First Name\",\"Last Name\",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\n";
    let head_unsub = "\"Email Address\",\"First Name\",\"Last Name\",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON,UNSUB_REASON_OTHER,LEID,EUID,NOTES,TAGS\n";
    let head_clean = "\"Email Address\",\"First Name\",\"Last Name\",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE,CLEAN_CAMPAIGN_ID,LEID,EUID,NOTES,TAGS\n";
    let (mut sub, mut unsub, mut clean) = (head_sub.to_string(), head_unsub.to_string(), head_clean.to_string());
    for k in 0..60u64 {
        let f = rng.pick(FIRST);
        let l = rng.pick(LAST);
        let email = format!("mc.{}.{k}@example.net", f.to_lowercase().replace(['â', 'ë'], "a"));
        let (y, m, d) = date(&mut rng, 2018, 2025);
        let optin = format!("{y:04}-{m:02}-{d:02} 10:{:02}:00", rng.below(60));
        let confirm = format!("{y:04}-{m:02}-{d:02} 11:{:02}:00", rng.below(60));
        let leid = 100_000 + k;
        let euid = format!("{:010x}", rng.next() & 0xff_ffff_ffff);
        match k % 10 {
            0..=6 => {
                let _ = writeln!(
                    sub,
                    "{email},{f},{},2,\"{optin}\",192.0.2.{k},\"{confirm}\",192.0.2.{k},0,0,Europe/London,GB,ENG,\"{confirm}\",{leid},{euid},,",
                    csv_cell(l)
                );
            }
            7 => {
                // Added by an admin: no OPTIN_TIME or CONFIRM_TIME, so no opt-in evidence (a row
                // with CONFIRM_TIME alone is a confirmed opt-in).
                let _ = writeln!(
                    sub,
                    "{email},{f},{},2,,,,,0,0,Europe/London,GB,ENG,\"2019-03-01 09:00:00\",{leid},{euid},,",
                    csv_cell(l)
                );
            }
            8 => {
                let _ = writeln!(
                    unsub,
                    "{email},{f},{},1,\"{optin}\",198.51.100.{k},\"{confirm}\",198.51.100.{k},0,0,Europe/London,GB,ENG,\"2025-06-01 12:00:00\",\"Spring update\",c0ffee{k},NORMAL,,{leid},{euid},,",
                    csv_cell(l)
                );
            }
            _ => {
                let _ = writeln!(
                    clean,
                    "{email},{f},{},1,\"{optin}\",203.0.113.{k},\"{confirm}\",203.0.113.{k},0,0,Europe/London,GB,ENG,\"2024-02-01 08:00:00\",\"Winter news\",beef{k},{leid},{euid},,",
                    csv_cell(l)
                );
            }
        }
    }
    let zip_path = root.join("exports/mailchimp-audience-export.zip");
    std::fs::create_dir_all(zip_path.parent().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, body) in [
        (format!("subscribed_email_audience_export_{id}.csv"), &sub),
        (format!("unsubscribed_email_audience_export_{id}.csv"), &unsub),
        (format!("cleaned_email_audience_export_{id}.csv"), &clean),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();

    // Small exports of the other kinds.
    let mut lm = String::from("uuid,email,name,attributes,status,created_at,updated_at\n");
    for k in 0..8u64 {
        let status = if k == 7 { "blocklisted" } else { "enabled" };
        let _ = writeln!(
            lm,
            "{:08x}-0000-4000-8000-{:012x},lm.{k}@example.org,List Member {k},\"{{\"\"hub\"\": \"\"Medway\"\"}}\",{status},2024-03-0{} 10:20:30.123456 +0000 +0000,2025-01-0{} 10:20:30.123456 +0000 +0000",
            rng.next() & 0xffff_ffff,
            k,
            1 + k % 8,
            1 + k % 8
        );
    }
    write(&root.join("exports/listmonk-subscribers.csv"), &lm);
    let mut mp = String::from(
        "\u{feff}\"Email\",\"First name\",\"Last name\",\"Subscription IP\",\"Subscription time\",\"Confirmation time\",\"Confirmation IP\",\"List status\",\"Global status\",\"List\"\n",
    );
    for (k, (global, list)) in [
        ("subscribed", "subscribed"),
        ("subscribed", "subscribed"),
        ("subscribed", "unsubscribed"),
        ("unsubscribed", "unsubscribed"),
        ("bounced", "subscribed"),
        ("subscribed", "subscribed"),
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(
            mp,
            "\"mp.{k}@example.com\",\"Sam \\\"Sammy\\\"\",\"Quinn\",\"192.0.2.{k}\",\"2022-04-0{} 10:00:00\",\"2022-04-0{} 10:05:00\",\"192.0.2.{k}\",\"{list}\",\"{global}\",\"Newsletter\"",
            1 + k,
            1 + k
        );
    }
    write(&root.join("exports/mailpoet-subscribers.csv"), &mp);
    let mut wp = String::from("email\n");
    for k in 0..5 {
        let _ = writeln!(wp, "wp.{k}@example.org");
    }
    write(&root.join("exports/wordpress-com-subscribers.csv"), &wp);
    write_docx(&root.join("redaction/minutes.docx"));
    println!(
        "wrote {} people, {} consent grants, {} withdrawals/refusals under {}",
        people.len(),
        n_ev,
        withdrawals.len(),
        root.display()
    );
}

/// A small Word document for the redaction corpus: a name split across runs with their own
/// formatting, tracked changes by named authors, a header, a footer, a footnote, a comment and
/// document properties naming people.
fn write_docx(path: &Path) {
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#.to_string()),
        ("word/_rels/document.xml.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#.to_string()),
        ("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Steering group minutes (synthetic test document)</w:t></w:r></w:p><w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Minutes taken by Si</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>ân O&apos;Neill</w:t></w:r><w:r><w:t xml:space="preserve"> and Amelia Khan.</w:t></w:r></w:p><w:p><w:ins w:id="1" w:author="Mark Field" w:date="2026-03-12T10:00:00Z"><w:r><w:t>Rhys Lloyd-Evans joined the group.</w:t></w:r></w:ins><w:del w:id="2" w:author="Amelia Khan" w:date="2026-03-12T10:05:00Z"><w:r><w:delText xml:space="preserve"> Call 01632 960001.</w:delText></w:r></w:del></w:p><w:p><w:commentRangeStart w:id="0"/><w:r><w:t>The market field survey is done.</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p><w:sectPr><w:headerReference w:type="default" r:id="rId1"/><w:footerReference w:type="default" r:id="rId2"/></w:sectPr></w:body></w:document>"#)),
        ("word/header1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="{W}"><w:p><w:r><w:t>Prepared by Mark Field</w:t></w:r></w:p></w:hdr>"#)),
        ("word/footer1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{W}"><w:p><w:r><w:t>Contact: sian.oneill@example.org</w:t></w:r></w:p></w:ftr>"#)),
        ("word/footnotes.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}"><w:footnote w:id="1"><w:p><w:r><w:t>Source: Rhys Lloyd-Evans.</w:t></w:r></w:p></w:footnote></w:footnotes>"#)),
        ("word/comments.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Siân O&apos;Neill" w:initials="SO"><w:p><w:r><w:t>Check with Mark Field.</w:t></w:r></w:p></w:comment></w:comments>"#)),
        ("docProps/core.xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Minutes</dc:title><dc:creator>Mark Field</dc:creator><cp:lastModifiedBy>Siân O'Neill</cp:lastModifiedBy></cp:coreProperties>"#.to_string()),
    ];
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, body) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}
