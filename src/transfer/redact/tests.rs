//! The redactor's unit tests.

use super::*;

fn w(id: &str, name: &str, email: Option<&str>, phone: Option<&str>) -> Withheld {
    Withheld { id: id.into(), name: Some(name.into()), email: email.map(String::from), phone: phone.map(String::from) }
}

#[test]
fn names_are_whole_words_and_unicode_aware() {
    let r = Redactor::new(
        &[w("a", "Mark Field", None, None), w("b", "Siân O'Neill", None, None), w("c", "Rhys Lloyd-Evans", None, None)],
        &[],
        None,
    );
    let (out, f) =
        r.redact("The market field report. Mark  Field came; SIÂN O’NEILL and Rhys Lloyd-Evans too. Markfield no.");
    assert_eq!(
        out,
        "The market field report. [name withheld] came; [name withheld] and [name withheld] too. Markfield no."
    );
    assert_eq!(f.len(), 3);
}

#[test]
fn a_name_next_to_text_written_without_spaces_is_still_a_whole_word() {
    let r = Redactor::new(
        &[w("a", "Kevin J. Mitchell", None, None), w("b", "Siân Lloyd", None, None), w("c", "Mark Field", None, None)],
        &[],
        None,
    );
    let (out, f) = r.redact("和Kevin J. Mitchell的书 / 著者はSiân Lloydです。/ ผู้เขียนMark Fieldครับ / marketMark Field");
    assert_eq!(out, "和[name withheld]的书 / 著者は[name withheld]です。/ ผู้เขียน[name withheld]ครับ / marketMark Field");
    assert_eq!(f.len(), 3);
}

#[test]
fn postcodes_and_ni_numbers_in_any_case() {
    let r = Redactor::new(&[], &[], None);
    let (out, _) =
        r.redact("Venue ct1 2ab, or Ct1 2Ab; NI jg 10 37 59 a and jg103759a; ticket 943 476 5918; bg 10 37 59 a.");
    assert_eq!(
        out,
        "Venue [postcode withheld], or [postcode withheld]; NI [NI number withheld] and [NI number withheld]; ticket 943 476 5918; bg 10 37 59 a."
    );
}

#[test]
fn shorter_mentions_of_a_person_named_in_full_are_redacted_or_flagged() {
    let r = Redactor::new(
        &[w("a", "Priya Shah", None, None), w("b", "Tom Reed", None, None)],
        &["Tom Baker".to_string()],
        None,
    );
    let text = "Present: Priya Shah, Tom Reed, Tom Baker.\nPriya agreed. Ms Shah and Dr. Shah will write; Mr Reed too.\n\
                Tom will chair. Priyanka and shah (lower case) are not her. Mr Baker stays.";
    let (out, f) = r.redact(text);
    assert_eq!(
        out,
        "Present: [name withheld], [name withheld], Tom Baker.\n[name withheld] agreed. [name withheld] and [name withheld] will write; [name withheld] too.\n\
         Tom will chair. Priyanka and shah (lower case) are not her. Mr Baker stays."
    );
    // "Tom" alone is shared with Tom Baker, who goes: flagged for the reviewer, not redacted.
    assert_eq!(f.iter().filter(|x| x.detector == "short_mention_to_check").count(), 1, "{f:?}");
    // Without the full name in the document, a first name alone is left.
    assert_eq!(r.redact("Priya agreed.").0, "Priya agreed.");
}

#[test]
fn possible_names_of_people_in_no_register_are_listed_or_redacted() {
    let r = Redactor::new(&[w("a", "Mark Field", None, None)], &["Amelia Khan".to_string()], None);
    let text = "Apologies from Dr Okonkwo and Mrs Jane Hartley. Priya Shah spoke; Amelia Khan agreed. \
                Mark Field left. The Market Street venue; May the hub grow. Ticket 12345.";
    let (out, f) = r.redact(text);
    let possible: Vec<&str> =
        f.iter().filter(|x| x.detector == "possible_name").map(|x| &text[x.start..x.end]).collect();
    assert_eq!(possible, ["Dr Okonkwo", "Mrs Jane Hartley", "Priya Shah"]);
    assert!(out.contains("Dr Okonkwo") && out.contains("Priya Shah"), "only listed by default: {out}");
    assert!(out.contains("Amelia Khan") && out.contains("[name withheld] left"), "{out}");
    let r = r.with_unknown_names(true);
    let (out, _) = r.redact(text);
    assert_eq!(
        out,
        "Apologies from [name withheld] and [name withheld]. [name withheld] spoke; Amelia Khan agreed. \
         [name withheld] left. The Market Street venue; May the hub grow. Ticket 12345."
    );
}

#[test]
fn two_threads_find_what_one_finds() {
    let r = Redactor::new(&[w("a", "Mark Field", Some("mark@example.org"), Some("01632 960001"))], &[], None);
    let line = "Mark Field (mark@example.org, 01632 960001) met a@b.co.uk at CT1 2AB; NI AB 12 34 56 C.\n";
    let long = line.repeat(PARALLEL_FROM / line.len() + 10);
    let mut one = r.named(&long);
    one.extend(r.numbers(&long));
    let one = r.resolve(&long, one);
    let two = r.find(&long);
    assert_eq!(two.len(), one.len());
    assert!(
        two.iter().zip(&one).all(|(a, b)| (a.start, a.end, a.kind, a.detector) == (b.start, b.end, b.kind, b.detector))
    );
    assert_eq!(two.len() % (long.len() / line.len()), 0, "the same findings on every line");
}

#[test]
fn patterns_for_anyone() {
    let r = Redactor::new(&[], &[], None);
    let text = "Mail jo@example.org or call 01632 960 001, +44 7700 900123, (01632) 960002. \
                NHS 943 476 5919 and 943 476 5918. NI AB 12 34 56 C. Post: CT1 2AB. Order 12345678901.";
    let (out, f) = r.redact(text);
    assert!(out.contains("[email withheld]"));
    assert_eq!(out.matches("[phone withheld]").count(), 3, "{out}");
    assert!(out.contains("NHS [NHS number withheld] and 943 476 5918"), "{out}");
    assert!(out.contains("[NI number withheld]"), "{out}");
    assert!(out.contains("[postcode withheld]"), "{out}");
    assert!(out.contains("Order 12345678901"), "{out}");
    assert!(f.iter().all(|x| x.line == 1));
}

#[test]
fn pseudonyms_keep_one_person_one_placeholder() {
    let r = Redactor::new(&[w("per_1", "Jo Bloggs", Some("jo@example.org"), Some("01632 960001"))], &[], Some(b"key"));
    let (out, f) = r.redact("Jo Bloggs (jo@example.org, 01632 960001) wrote to ann@example.org.");
    let ps: Vec<&str> = f.iter().take(3).map(|x| x.replacement.as_ref()).collect();
    assert!(ps.iter().all(|p| *p == ps[0] && p.starts_with("[person ")), "{out}");
    assert!(f[3].replacement.starts_with("[email "), "{out}");
}

#[test]
fn nhs_modulus_11() {
    assert!(nhs_check("9434765919"));
    assert!(!nhs_check("9434765918"));
}

#[test]
fn an_erased_persons_shorter_mentions_go_as_a_withheld_persons_do() {
    use hmac::{Hmac, Mac};
    let key = "11".repeat(32);
    let mac = |v: &str| {
        let mut m = Hmac::<sha2::Sha256>::new_from_slice(&hex::decode(&key).unwrap()).unwrap();
        m.update(v.as_bytes());
        hex::encode(m.finalize().into_bytes())
    };
    // Only keyed hashes of the erased person are kept, as erasure keeps them.
    let rows = crate::domain::people::erasable(Some("Eve Evans"), Some("eve@example.org"), None)
        .into_iter()
        .map(|(kind, v)| (kind.to_string(), mac(&v), (kind == "name").then(|| v.split(' ').count() as i64)))
        .collect();
    let r = Redactor::new(&[w("a", "Priya Shah", None, None)], &[], None).with_erased(Erased::new(&key, rows));
    let text = "Eve Evans and Priya Shah came. Eve said she has a diagnosis of autism. Mrs Evans agreed; Priya too.";
    let (out, _) = r.redact(text);
    assert_eq!(
        out,
        "[name withheld] and [name withheld] came. [name withheld] said she has a diagnosis of autism. [name withheld] agreed; [name withheld] too."
    );
    // A document's parts (a docx) are searched with the whole document's shorter mentions.
    let short = r.short_mentions(text);
    let f = r.find_in("Eve phoned.", &short);
    assert_eq!(f.len(), 1, "{f:?}");
}

#[test]
fn a_possessive_is_the_name_plus_a_suffix() {
    let r = Redactor::new(&[w("a", "Priya Shah", None, None), w("b", "Thomas James", None, None)], &[], None);
    let text = "Priya Shah's report. Priya's idea and Priya’s plan; Ms Shah's note, Ms Shah’s too. Thomas James came; Mr James' car.";
    let (out, f) = r.redact(text);
    assert_eq!(
        out,
        "[name withheld]'s report. [name withheld]'s idea and [name withheld]’s plan; [name withheld]'s note, [name withheld]’s too. [name withheld] came; [name withheld]' car."
    );
    assert!(f.iter().all(|x| !x.flag), "{f:?}");
}

#[test]
fn a_surname_next_to_a_redacted_first_name_goes_with_it() {
    let r = Redactor::new(&[w("a", "Priya Shah", None, None)], &["Tom Baker".to_string()], None);
    let text =
        "Priya Shah chaired. Later Priya (Shah) spoke; Priya, Shah wrote; Priya K. Shah agreed. Tom (Baker) stays.";
    let (out, _) = r.redact(text);
    assert_eq!(
        out,
        "[name withheld] chaired. Later [name withheld] ([name withheld]) spoke; [name withheld], [name withheld] wrote; [name withheld] K. [name withheld] agreed. Tom (Baker) stays."
    );
}

/// A place named like a withheld person ("Rose Hill" after Rose Baker, "St Helen's" after Helen
/// Ward) is listed for the reviewer, never replaced; possible names are found whatever their
/// community (a given name on no list, accents, hyphens) and never a place or organisation.
#[test]
fn places_named_like_people_stay_and_names_of_every_community_are_found() {
    let r = Redactor::new(&[w("a", "Rose Baker", None, None), w("b", "Helen Ward", None, None)], &[], None)
        .with_unknown_names(true);
    let (out, f) = r.redact(
        "Rose Baker and Helen Ward came. Rose spoke at Rose Hill; we met at St Helen church. \
         Temitope Danso, Siân Llewellyn, Zoë Hartley and Mary-Jane Okafor joined. \
         Martin Luther King Centre, Alexandra Palace and St John Ambulance helped; the Steering Group agreed.",
    );
    assert!(out.starts_with("[name withheld] and [name withheld] came. [name withheld] spoke at Rose Hill;"), "{out}");
    assert!(out.contains("St Helen church"), "{out}");
    let flagged: Vec<&str> = f
        .iter()
        .filter(|x| x.detector == "short_mention_to_check")
        .map(|x| &"Rose Baker and Helen Ward came. Rose spoke at Rose Hill; we met at St Helen church."[x.start..x.end])
        .collect();
    assert_eq!(flagged, ["Rose", "Helen"], "{f:?}");
    assert!(out.contains("[name withheld], [name withheld], [name withheld] and [name withheld] joined"), "{out}");
    for place in ["Martin Luther King Centre", "Alexandra Palace", "St John Ambulance", "Steering Group"] {
        assert!(out.contains(place), "{place}: {out}");
    }
}
