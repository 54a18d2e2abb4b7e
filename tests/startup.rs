//! Linting a report compiles only the built-in pack its year needs. One test in this file:
//! which packs are compiled is state of the whole test process.

mod common;

use regulint::lint::{LintOptions, is_builtin_compiled, lint_bytes};
use regulint::packs::BUILTIN;

#[test]
fn a_report_compiles_only_the_pack_of_its_year() {
    let [gov_2021, gov_2019] = BUILTIN else {
        panic!("two built-in packs: {BUILTIN:?}")
    };
    regulint::lint::prepare_builtin();
    let corpus = common::corpus();
    // A report on 2025: the 2021 format.
    let path = corpus.join("real/shuyang-county-gov-2025.txt");
    let report = lint_bytes(
        "shuyang.txt",
        &std::fs::read(&path).unwrap(),
        &LintOptions::default(),
    );
    assert_eq!(report.pack.as_deref(), Some("gov-2021"));
    assert!(is_builtin_compiled(gov_2021));
    assert!(!is_builtin_compiled(gov_2019));
    // A report on 2020 then compiles the 2019 pack, once.
    let path = corpus.join("seed/000_89e69b0ea362684d.txt");
    let report = lint_bytes(
        "seed.txt",
        &std::fs::read(&path).unwrap(),
        &LintOptions::default(),
    );
    assert_eq!(report.pack.as_deref(), Some("gov-2019"));
    assert!(is_builtin_compiled(gov_2019));
    // Every pack, for listing rules, is the packs compiled above.
    let all = regulint::lint::builtin_packs();
    assert_eq!(all.len(), BUILTIN.len());
    assert!(!report.findings.is_empty());
}
