//! Writes a large synthetic community for the benchmarks (seeded: the same files every run).
//! Everyone is invented: names from short lists, emails at the reserved example.org / example.com /
//! example.net domains, phones in Ofcom's drama range.
//!
//! Run: `cargo run --release --example make-scale -- OUT [PEOPLE] [DOCUMENTS]`
//! (defaults: 100,000 people, about ten consent events each, so a million; 20,000 documents of mixed
//! size, mostly small text with some larger already-compressed files, in OUT/docs).
//! The statements and notices they cite are the fixture community's (`fixtures/texts`).

use std::io::Write;
use std::path::PathBuf;

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const FIRST: &[&str] = &[
    "Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jack", "Kiran", "Lena", "Marcus", "Nia",
    "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vic", "Wren", "Yusuf", "Zoë",
];
const LAST: &[&str] = &[
    "Adeyemi",
    "Brown",
    "Chowdhury",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walsh",
    "Young",
];
const GROUPS: &[&str] = &["professional", "family_carer", "education", "health", "social_care", "provider", "member"];
const HUBS: &[&str] = &["Canterbury", "Medway", "Worthing", "Hellingly", "Crawley", "Leatherhead"];
const DOMAINS: &[&str] = &["example.org", "example.com", "example.net"];
const WORDS: &[&str] = &[
    "hub",
    "meeting",
    "minutes",
    "action",
    "carers",
    "network",
    "session",
    "autism",
    "support",
    "agenda",
    "review",
    "notes",
    "training",
    "community",
    "practice",
    "steering",
    "group",
    "report",
    "funding",
    "volunteer",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(args.get(1).map_or("target/scale", String::as_str));
    let people: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let documents: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    std::fs::create_dir_all(out.join("docs")).expect("the output folder");
    let mut rng = Rng(20_261_125);
    let mut p = std::io::BufWriter::new(std::fs::File::create(out.join("people.csv")).expect("people.csv"));
    let mut c = std::io::BufWriter::new(std::fs::File::create(out.join("consent.csv")).expect("consent.csv"));
    writeln!(
        p,
        "ref,name,email,phone,organisation,stakeholder_group,hub,jurisdiction,adult_confirmed,source,joined_on,notes"
    )
    .unwrap();
    writeln!(c, "person_ref,email,purpose,action,controllers,channels,statement_version,notice_version,method,evidence_ref,at,recorded_by,given_by,authority_kind,authority_ref,verified_by,verified_at,support_given,told_can_withdraw,special_categories").unwrap();
    let mut events = 0usize;
    for i in 0..people {
        let (f, l) = (rng.pick(FIRST), rng.pick(LAST));
        let r = format!("S{:06}", i + 1);
        let email = format!("{}.{}{}@{}", f.to_lowercase().replace('ë', "e"), l.to_lowercase(), i, rng.pick(DOMAINS));
        let joined_year = 2017 + rng.below(9);
        writeln!(
            p,
            "{r},{f} {l},{email},07700 9{:05},,{},{},england_wales,yes,signup form,{joined_year}-{:02}-{:02},",
            rng.below(100_000),
            rng.pick(GROUPS),
            rng.pick(HUBS),
            1 + rng.below(12),
            1 + rng.below(28)
        )
        .unwrap();
        // About ten events: newsletter grants every six months or so from joining, a disclosure
        // consent, sometimes a successor-newsletter consent or a withdrawal.
        let mut year = joined_year;
        let mut month = 1 + rng.below(4);
        let mut n = 0;
        while n < 10 && (year, month) <= (2026, 10) {
            let (sv, nv) = if (year, month) < (2021, 6) { ("NL-2017", "PN-2017") } else { ("NL-2021", "PN-2021") };
            writeln!(
                c,
                "{r},,newsletter,grant,brightwater-trust,email,{sv},{nv},online_checkbox,EV-{i}-{n},{year}-{month:02}-{:02}T10:{:02}:00Z,facilitator,self,,,,,,yes,",
                1 + rng.below(28),
                rng.below(60)
            )
            .unwrap();
            n += 1;
            month += 5;
            if month > 12 {
                month -= 12;
                year += 1;
            }
        }
        writeln!(c, "{r},,disclose_to_successor,grant,brightwater-trust;kscop-steering-group,,DS-2025,PN-2025,online_checkbox,EV-{i}-d,2026-0{}-1{}T09:00:00Z,facilitator,self,,,,,,yes,", 1 + rng.below(8), rng.below(10)).unwrap();
        n += 1;
        if rng.below(3) == 0 {
            writeln!(c, "{r},,successor_newsletter,grant,kscop-steering-group,email,SN-2025,PN-2025,online_checkbox,EV-{i}-s,2026-09-1{}T09:00:00Z,facilitator,self,,,,,,yes,", rng.below(10)).unwrap();
            n += 1;
        } else if rng.below(5) == 0 {
            writeln!(
                c,
                "{r},,newsletter,withdraw,,email,,,email_reply,EV-{i}-w,2026-10-0{}T12:00:00Z,facilitator,self,,,,,,,",
                1 + rng.below(9)
            )
            .unwrap();
            n += 1;
        }
        events += n;
    }
    p.flush().unwrap();
    c.flush().unwrap();
    // Documents: most are small text (minutes, notes), some are larger "scans" (random bytes).
    let mut total = 0u64;
    for d in 0..documents {
        let (name, bytes) = if d % 20 == 0 {
            let n = 32 * 1024 + rng.below(192 * 1024) as usize;
            let b: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            (format!("scan-{d:05}.pdf"), b)
        } else {
            let n = 500 + rng.below(12_000) as usize;
            let mut s = String::with_capacity(n + 80);
            while s.len() < n {
                s.push_str(rng.pick(WORDS));
                s.push(if rng.below(12) == 0 { '\n' } else { ' ' });
            }
            (format!("notes-{d:05}.txt"), s.into_bytes())
        };
        total += bytes.len() as u64;
        std::fs::write(out.join("docs").join(name), bytes).expect("a document");
    }
    println!(
        "wrote {people} people, {events} consent events and {documents} documents ({:.1} MB) under {}",
        total as f64 / 1e6,
        out.display()
    );
}
