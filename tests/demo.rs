//! The demo runs end to end on the fixtures.

use crate::util::TestEnv;

#[test]
fn demo_runs_the_story() {
    let env = TestEnv::new();
    let out = env.path().join("demo");
    let r = env.ok(&["demo", "--out", out.to_str().unwrap()]);
    assert!(r.stdout.contains("everyone in it is invented"));
    assert!(r.stdout.contains("re-adding the erased person was refused"));
    assert!(r.stdout.contains("audit log: audit log intact"));
    assert!(r.stdout.contains("newsletter for brightwater-trust: expired"));
    assert!(r.stdout.contains("blockers before review and approval: 5; after: 0"), "{}", r.stdout);
    assert!(r.stdout.contains("the steering group's check: VALID bundle"), "{}", r.stdout);
    assert!(r.stdout.contains("the steering group's import: imported bundle"), "{}", r.stdout);
    assert!(out.join("handover.db").is_file());
    // The folder must be new or empty.
    let again = env.run(&["demo", "--out", out.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("is not empty"));
}
