//! Unit tests of the register that cut across its table groups.

use super::evidence::*;
use super::people::*;
use super::{Change, Db};
use crate::domain::consent::ConsentEvent;
use crate::domain::model::forced_ids;
use crate::domain::model::parse_timestamp;
use crate::register::Register;

fn person(id: &str, reference: &str) -> Person {
    Person {
        id: id.into(),
        reference: reference.into(),
        details: crate::domain::people::Details {
            jurisdiction: crate::domain::model::Jurisdiction::EnglandWales,
            adult_confirmed: true,
            ..crate::domain::people::Details::default()
        },
        created_at: "2026-01-01T00:00:00Z".into(),
        erased_at: None,
    }
}

fn basis(id: &str, person_id: &str, purpose: &str) -> BasisEvent {
    BasisEvent {
        id: id.into(),
        person_id: person_id.into(),
        person_ref: String::new(),
        purpose: purpose.into(),
        action: crate::domain::model::BasisAction::Record,
        basis: Some(crate::domain::model::Basis::LegitimateInterests),
        controllers: vec!["trust".into()],
        assessment_ref: None,
        decided_by: "dpl".into(),
        decided_at: "2026-01-02T00:00:00Z".into(),
    }
}

fn notice(id: &str, person_id: &str, sent_at: &str) -> NoticeSent {
    NoticeSent {
        id: id.into(),
        person_id: person_id.into(),
        person_ref: String::new(),
        notice_version: "1".into(),
        sent_at: sent_at.into(),
        channel: crate::domain::model::Channel::Email,
    }
}

fn grant(purpose: &str) -> ConsentEvent {
    let at = parse_timestamp("2026-01-03T00:00:00Z").unwrap();
    ConsentEvent::self_grant(purpose, vec!["trust".into()], at, "facilitator".into())
}

fn count(conn: &Db, table: &str) -> i64 {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// Random ids can repeat. A row whose id is taken gets a new one: it is neither refused (which
/// would fail a whole import) nor, under `ON CONFLICT`, mistaken for a row already recorded.
#[test]
fn a_taken_id_is_drawn_again_and_the_row_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = Register::create(&dir.path().join("r.db"), "test").unwrap();
    // Only the ids are under test here, not the rows they refer to.
    reg.pragma_update("foreign_keys", false).unwrap();
    let now = parse_timestamp("2026-01-04T00:00:00Z").unwrap();
    reg.change(now, |conn| {
        taken_ids(conn, now);
        Ok(())
    })
    .unwrap();
}

fn taken_ids(conn: &Change<'_>, now: chrono::DateTime<chrono::Utc>) {
    let mut a = person("per_000000000001", "M0001");
    insert_person(conn, &mut a).unwrap();
    forced_ids::push(&["per_000000000002"]);
    let mut b = person("per_000000000001", "M0002");
    insert_person(conn, &mut b).unwrap();
    assert_eq!(b.id, "per_000000000002");
    assert_eq!(count(conn, "people"), 2);

    let mut r1 = Role {
        id: "rol_000000000001".into(),
        person_id: a.id.clone(),
        person_ref: String::new(),
        role: crate::domain::model::RoleKind::Champion,
        hub: None,
        from: "2026-01-01".into(),
        to: None,
        designation: None,
        special: false,
    };
    insert_role(conn, &mut r1.clone(), now).unwrap();
    forced_ids::push(&["rol_000000000002"]);
    r1.person_id = b.id.clone();
    insert_role(conn, &mut r1, now).unwrap();
    assert_eq!(r1.id, "rol_000000000002");

    assert!(insert_basis(conn, &mut basis("bas_000000000001", &a.id, "newsletter"), now).unwrap());
    // The first new draw is taken too: drawn again.
    forced_ids::push(&["bas_000000000001", "bas_000000000003"]);
    let mut other = basis("bas_000000000001", &a.id, "events");
    assert!(insert_basis(conn, &mut other, now).unwrap(), "a new basis with a taken id was taken for a duplicate");
    assert_eq!(other.id, "bas_000000000003");
    // A real duplicate (the same natural key, a free id) is still recognised as one.
    assert!(!insert_basis(conn, &mut basis("bas_000000000009", &a.id, "newsletter"), now).unwrap());
    assert_eq!(count(conn, "bases"), 2);

    assert!(insert_notice_sent(conn, &mut notice("nts_000000000001", &a.id, "2026-01-05T00:00:00Z"), now).unwrap());
    forced_ids::push(&["nts_000000000002"]);
    let mut later = notice("nts_000000000001", &a.id, "2026-02-05T00:00:00Z");
    assert!(insert_notice_sent(conn, &mut later, now).unwrap());
    assert_eq!(later.id, "nts_000000000002");
    assert_eq!(count(conn, "notices_sent"), 2);

    forced_ids::push(&["con_000000000001"]);
    assert_eq!(
        insert_consent(conn, &a.id, &grant("newsletter"), "direct", now).unwrap().as_deref(),
        Some("con_000000000001")
    );
    forced_ids::push(&["con_000000000001", "con_000000000002"]);
    assert_eq!(
        insert_consent(conn, &a.id, &grant("events"), "direct", now).unwrap().as_deref(),
        Some("con_000000000002")
    );
    forced_ids::push(&["con_000000000003"]);
    assert_eq!(insert_consent(conn, &a.id, &grant("events"), "direct", now).unwrap(), None, "the same event twice");
    assert_eq!(count(conn, "consent_events"), 2);

    // Only a taken id is drawn again; any other refusal comes through at once, and so does a
    // run of taken ids that never ends.
    let err = insert_person(conn, &mut person("per_000000000009", "M0001")).unwrap_err();
    assert!(err.to_string().contains("people.ref"), "{err}");
    forced_ids::push(&["per_000000000001"; 7]);
    let err = insert_person(conn, &mut person("per_000000000001", "M0003")).unwrap_err();
    assert!(err.to_string().contains("people.id"), "{err}");
    assert_eq!(count(conn, "people"), 2);
}

fn has_person_index(conn: &Db) -> bool {
    conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'consent_person'", [], |r| {
        r.get::<_, i64>(0)
    })
    .unwrap()
        == 1
}

/// A large consent import builds the index of events by person once, at its end; a small one
/// leaves it alone; one that fails leaves it as it was.
#[test]
fn a_bulk_consent_import_builds_the_person_index_at_its_end_or_leaves_it_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = Register::create(&dir.path().join("r.db"), "test").unwrap();
    let now = parse_timestamp("2026-01-04T00:00:00Z").unwrap();
    reg.change(now, |c| {
        let during = with_bulk_consent(c, 100_000, || Ok(has_person_index(c)))?;
        assert!(!during, "the index is kept up while a large import runs");
        assert!(has_person_index(c), "the index is back at the end");
        assert!(with_bulk_consent(c, 10, || Ok(has_person_index(c)))?, "a small import keeps it");
        Ok(())
    })
    .unwrap();
    let failed: crate::base::error::Result<()> =
        reg.change(now, |c| with_bulk_consent(c, 100_000, || Err(crate::base::error::Error::Internal("stop".into()))));
    assert!(failed.is_err());
    assert!(has_person_index(&reg), "a failed import leaves the index as it was");
}

/// Ids drawn together count up from a random start (a million-row import appends to its indexes);
/// after a taken id, the next ones start elsewhere.
#[test]
fn ids_count_up_from_a_random_start_and_move_after_a_taken_one() {
    let n = |id: &str| u64::from_str_radix(id.split_once('_').unwrap().1, 16).unwrap();
    let a = crate::domain::model::new_id("con");
    let b = crate::domain::model::new_id("con");
    assert_eq!(a.len(), 16);
    // Other tests draw ids at the same time: b follows a, or comes a few after it.
    assert!(n(&b) > n(&a) && n(&b) - n(&a) < 1_000, "{a} {b}");
    crate::domain::model::reseed_ids();
    let c = crate::domain::model::new_id("con");
    assert!(n(&c).abs_diff(n(&b)) > 1_000, "{b} {c}");
}
