//! The built-in packs' fixtures: every rule fires on its failing fixture (a real report with
//! one deliberate defect), stays silent on its passing one, and renders as its reviewed
//! snapshot. Same as `regulint test rules`.

mod common;

use regulint::ruletest::{self, Mode};
use std::path::PathBuf;

#[test]
fn every_rule_fixture_matches_its_snapshot_and_every_rule_is_covered() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"));
    let mut out = Vec::new();
    let summary = ruletest::run(&[dir], Mode::Check, &mut out).expect("the rules folder runs");
    let text = String::from_utf8_lossy(&out);
    assert_eq!(summary.failed, 0, "{text}");
    assert!(summary.uncovered.is_empty(), "{text}");
    assert!(summary.passed >= 130, "{text}");
    assert!(
        text.trim_end()
            .ends_with(&format!("{} passed, 0 failed", summary.passed))
    );
}
