//! The real reports in `../shared/corpus`: what the reader understands of each (`inspect`
//! snapshots) and what the built-in packs report (human output snapshots, uncoloured). Every
//! snapshot here was read against the report itself; see the closing notes of issues 2 and 4.

mod common;

use regulint::document::{self, ReadOptions};
use regulint::inspect;
use regulint::lint::{LintOptions, lint_bytes};

use common::CORPUS_FILES as FILES;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(common::corpus().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn snapshot_name(name: &str) -> String {
    name.replace(['/', '.'], "_")
}

#[test]
fn every_corpus_file_reads_and_its_model_is_as_reviewed() {
    for name in FILES {
        let loaded = document::load(name, &read(name), ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name} does not read: {e}"));
        let tree = inspect::render_tree(&inspect::view(&loaded));
        insta::assert_snapshot!(format!("inspect_{}", snapshot_name(name)), tree);
    }
}

#[test]
fn every_corpus_file_lints_as_reviewed() {
    for name in FILES.iter().filter(|n| !n.starts_with("encodings/")) {
        let report = lint_bytes(name, &read(name), &LintOptions::default());
        assert!(report.error.is_none(), "{name}: {:?}", report.error);
        let rendered = regulint::ruletest::render(&report);
        insta::assert_snapshot!(format!("lint_{}", snapshot_name(name)), rendered);
    }
}

/// The seed's encodings read into the same model: same view apart from the file name and
/// encoding, and the same findings at the same lines.
#[test]
fn encodings_give_the_same_model() {
    let view_of = |name: &str| {
        let loaded = document::load(name, &read(name), ReadOptions::default()).unwrap();
        let mut json = serde_json::to_value(inspect::view(&loaded)).unwrap();
        json["path"] = serde_json::Value::Null;
        json["encoding"] = serde_json::Value::Null;
        json
    };
    let utf8 = view_of("seed/000_89e69b0ea362684d.txt");
    assert_eq!(utf8, view_of("encodings/seed-gb18030.txt"));
    assert_eq!(utf8, view_of("encodings/seed-utf16le.txt"));

    let encodings = |name: &str| {
        let loaded = document::load(name, &read(name), ReadOptions::default()).unwrap();
        loaded.source.encoding.name()
    };
    assert_eq!(encodings("encodings/seed-gb18030.txt"), "gb18030");
    assert_eq!(encodings("encodings/seed-utf16le.txt"), "utf-16le");
}

/// The seed is a 2020 report: the 2019 pack is chosen, and its only error is table 4's row of
/// 16 values, at line 90.
#[test]
fn the_seed_gets_the_2019_pack_and_one_error_at_line_90() {
    let name = "seed/000_89e69b0ea362684d.txt";
    let report = lint_bytes(name, &read(name), &LintOptions::default());
    assert_eq!(report.pack.as_deref(), Some("gov-2019"));
    assert_eq!(report.year, Some(2020));
    let source = report.source.as_ref().unwrap();
    let errors: Vec<(String, usize)> = report
        .findings
        .iter()
        .filter(|f| f.severity == regulint::diagnostic::Severity::Error)
        .map(|f| (f.code.clone(), source.line_col(f.span.start as usize).line))
        .collect();
    assert_eq!(errors, [("T401".to_owned(), 90)]);
}

/// Table 4 of the seed is reported as a shape problem by the reader, too.
#[test]
fn the_seed_table_4_row_shape_is_recorded_in_the_model() {
    let name = "seed/000_89e69b0ea362684d.txt";
    let loaded = document::load(name, &read(name), ReadOptions::default()).unwrap();
    let problems: Vec<(usize, &str)> = loaded
        .document
        .problems
        .iter()
        .map(|p| {
            (
                loaded.source.line_col(p.span.start as usize).line,
                p.message.as_str(),
            )
        })
        .collect();
    assert_eq!(problems, [(90, "数据行有 16 个数值，而表头只有 15 列")]);
}
