//! Error localisation (L001) in every output: a real report (宿迁市沭阳县 2025) with one
//! deliberate edit — 新收·自然人 705 typed as 706, the row total left at 713 — must get one
//! L001 finding naming that cell with 705, linked to the T301 and T303 findings it explains.

mod common;

use codespan_reporting::term::termcolor::NoColor;
use regulint::diagnostic::{FileReport, Summary};
use regulint::lint::{LintOptions, lint_bytes};
use regulint::render::Emitter;
use regulint::render::json::Json;
use regulint::render::sarif::Sarif;
use std::path::PathBuf;

const NAME: &str = "real/shuyang-county-gov-2025-mistyped.txt";

/// The report with one mistyped part, linted with only the table identities and L001 (so the
/// snapshots show what this test is about, not the report's other findings).
fn report() -> FileReport {
    let text = std::fs::read_to_string(common::corpus().join("real/shuyang-county-gov-2025.txt"))
        .expect("the corpus report");
    let row = "| 本年新收政府信息公开申请数量 | 705 | 3 | 0 | 0 | 5 | 0 | 713 |";
    assert_eq!(text.matches(row).count(), 1, "the edited row is unique");
    let edited = text.replace(
        row,
        "| 本年新收政府信息公开申请数量 | 706 | 3 | 0 | 0 | 5 | 0 | 713 |",
    );
    let options = LintOptions {
        only: Some(
            ["T301", "T302", "T303", "T402", "L001"]
                .map(str::to_owned)
                .to_vec(),
        ),
        ..LintOptions::default()
    };
    lint_bytes(NAME, edited.as_bytes(), &options)
}

fn render(emitter: &mut dyn Emitter, report: &FileReport) -> String {
    let mut summary = Summary::default();
    summary.add(report);
    let mut out = NoColor::new(Vec::new());
    emitter.begin(&mut out).unwrap();
    emitter.file(&mut out, report).unwrap();
    emitter.finish(&mut out, &summary).unwrap();
    String::from_utf8(out.into_inner()).unwrap()
}

#[test]
fn the_mistyped_cell_is_named_with_its_original_value() {
    let report = report();
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "L001").count(),
        1,
        "{codes:?}"
    );
    let located = report.findings.iter().find(|f| f.code == "L001").unwrap();
    assert!(
        located.message.contains("「新收·自然人」") && located.message.contains("改为 705"),
        "{}",
        located.message
    );
    let source = report.source.as_ref().unwrap();
    assert_eq!(source.slice(located.span), "706");
    // It explains exactly the two failing identities, by their positions.
    let explained: Vec<&str> = located
        .explains
        .iter()
        .map(|&i| report.findings[i].code.as_str())
        .collect();
    assert_eq!(explained, ["T303", "T301"]);
}

#[test]
fn human() {
    let report = report();
    let mut out = NoColor::new(Vec::new());
    regulint::render::human::write_file(&mut out, &report).unwrap();
    insta::assert_snapshot!(String::from_utf8(out.into_inner()).unwrap());
}

#[test]
fn json_links_the_explained_findings_and_matches_the_schema() {
    let report = report();
    let value: serde_json::Value =
        serde_json::from_str(&render(&mut Json::default(), &report)).unwrap();
    let schema_path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/output.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    insta::assert_json_snapshot!(value["files"][0]["findings"]);
}

#[test]
fn sarif_relates_the_explained_findings() {
    let report = report();
    let rules: Vec<_> = regulint::lint::builtin_packs()
        .iter()
        .find(|p| p.name == "gov-2021")
        .unwrap()
        .rule_infos();
    let mut emitter = Sarif::new(&rules, Some(PathBuf::from("/project")));
    let value: serde_json::Value = serde_json::from_str(&render(&mut emitter, &report)).unwrap();
    let results = value["runs"][0]["results"].as_array().unwrap();
    let located = results.iter().find(|r| r["ruleId"] == "L001").unwrap();
    insta::assert_json_snapshot!(located);
}

#[test]
fn html_shows_it_like_any_finding() {
    let report = report();
    let html = render(&mut regulint::render::html::Html::default(), &report);
    // Listed with its code, name and message, like the T301 and T303 it explains.
    for needle in [
        "L001</b> likely-mistyped-cell：表三「新收·自然人」很可能填写有误：改为 705 后",
        "T301</b> table3-column-unbalanced：",
        "T303</b> table3-row-total-mismatch：",
    ] {
        assert!(html.contains(needle), "{needle} not listed");
    }
}

/// The real PDF `huaian-hongze-district-gov-2023.pdf`: table 4 reads 行政复议 10 1 0 0 总计 0
/// and 复议后起诉 5 0 0 0 总计 0. No part can shrink to make those totals hold, so the two 总计
/// cells are the fix, 0 → 11 and 0 → 5, and the finding explains both T402 findings.
#[test]
fn the_real_hongze_pdf_gets_its_two_totals_back() {
    let bytes = std::fs::read(common::corpus().join("real/huaian-hongze-district-gov-2023.pdf"))
        .expect("the corpus PDF");
    let report = lint_bytes("hongze-2023.pdf", &bytes, &LintOptions::default());
    assert!(report.error.is_none(), "{:?}", report.error);
    let located: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "L001")
        .collect();
    assert_eq!(located.len(), 1, "{located:#?}");
    let located = located[0];
    assert!(
        located
            .notes
            .iter()
            .any(|n| n == "复议总计：现为 0，应为 11")
            && located
                .notes
                .iter()
                .any(|n| n == "复诉总计：现为 0，应为 5"),
        "{:?}",
        located.notes
    );
    let explained: Vec<&str> = located
        .explains
        .iter()
        .map(|&i| report.findings[i].code.as_str())
        .collect();
    assert_eq!(explained, ["T402", "T402"]);
}
