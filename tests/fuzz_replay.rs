//! The fuzz targets' seed corpora and every crash the fuzzers found (fuzz/regressions), replayed
//! through the same entry points in the ordinary test run: none may panic.

use crate::util::root;

/// A fuzz target's name and entry point.
type Target = (&'static str, fn(&[u8]));

#[test]
fn fuzz_seeds_and_regressions_replay_without_panics() {
    // (The seeds hold no passphrase-protected key: reading one would ask for its passphrase.)
    let targets: &[Target] = &[
        ("own_csv", handover::fuzzing::own_csv),
        ("export", handover::fuzzing::export),
        ("zip_stream", handover::fuzzing::zip_stream),
        ("bag", handover::fuzzing::bag),
        ("signature", handover::fuzzing::signature),
        ("key_file", handover::fuzzing::key_file),
        ("xlsx", handover::fuzzing::xlsx),
        ("docx", handover::fuzzing::docx),
        ("hostile_bag", |d| {
            handover::fuzzing::hostile_bag(d);
        }),
    ];
    let mut total = 0;
    for (name, f) in targets {
        let seeds = handover::fuzzing::replay(&root().join("fuzz/corpus").join(name), *f);
        assert!(seeds > 0, "no seed corpus for the {name} target");
        total += seeds + handover::fuzzing::replay(&root().join("fuzz/regressions").join(name), *f);
    }
    assert!(total >= 15, "{total}");
}

/// The hostile-bag target starts from a bag that imports: its mutations reach every check.
#[test]
fn the_hostile_bag_seed_imports() {
    let seed = std::fs::read(root().join("fuzz/corpus/hostile_bag/demo-bag")).unwrap();
    assert!(handover::fuzzing::hostile_bag(&seed), "the seed bag does not import");
}
