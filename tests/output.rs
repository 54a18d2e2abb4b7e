//! Snapshots of every machine-readable format for the seed report, plus a hand-made finding
//! that exercises labels, notes and escaping, plus an unreadable file.

mod common;

use codespan_reporting::term::termcolor::NoColor;
use regulint::diagnostic::{FileReport, Finding, Label, Outcome, RuleInfo, Severity, Summary};
use regulint::lint::{LintOptions, lint_bytes};
use regulint::render::Emitter;
use regulint::render::github::Github;
use regulint::render::json::Json;
use regulint::render::junit::Junit;
use regulint::render::sarif::Sarif;
use regulint::source::Span;
use std::path::PathBuf;

const SEED_NAME: &str = "seed/000_89e69b0ea362684d.txt";

/// The seed as linted today, plus a synthetic T301 with labels, notes and awkward characters.
fn reports() -> Vec<FileReport> {
    let bytes = std::fs::read(common::seed()).unwrap();
    let mut seed = lint_bytes(SEED_NAME, &bytes, &LintOptions::default());
    let source = seed.source.as_ref().unwrap();
    let at = |needle: &str| {
        let start = source.text.find(needle).unwrap();
        Span::new(start, start + needle.len())
    };
    let total = at("二、上年结转政府信息公开申请数量");
    seed.findings.insert(
        0,
        Finding {
            code: "T301".into(),
            name: "received-total-mismatch".into(),
            severity: Severity::Warning,
            outcome: Outcome::NotAssessable,
            message: "总计 9 ≠ 8 + 1, <check> & 100% \"sure\": no".into(),
            span: total,
            labels: vec![Label {
                span: Span::new(total.start as usize, total.start as usize + "二、".len()),
                message: "自然人：8".into(),
                file: None,
            }],
            notes: vec!["8 + 1 = 9\nsecond line".into()],
            help: Some("核对总计列".into()),
            basis: Some("国办公开办函〔2019〕60号".into()),
            explains: Vec::new(),
            triage: regulint::diagnostic::Triage {
                fingerprint: "T301/0123456789abcdef".into(),
                known: None,
            },
        },
    );
    let clean = lint_bytes(
        "clean/报告.txt",
        &common::clean_seed(),
        &LintOptions::default(),
    );
    let unreadable = FileReport::unreadable(
        "broken/binary.txt",
        "the file looks binary (NUL byte at offset 3), not a text report",
    );
    vec![unreadable, clean, seed]
}

fn render(emitter: &mut dyn Emitter) -> String {
    let reports = reports();
    let mut summary = Summary::default();
    let mut out = NoColor::new(Vec::new());
    emitter.begin(&mut out).unwrap();
    for report in &reports {
        summary.add(report);
        emitter.file(&mut out, report).unwrap();
    }
    emitter.finish(&mut out, &summary).unwrap();
    String::from_utf8(out.into_inner()).unwrap()
}

/// The built-in packs' rules (a code shared by both packs is described once).
fn rules() -> Vec<RuleInfo> {
    let mut rules: Vec<RuleInfo> = regulint::lint::builtin_packs()
        .iter()
        .flat_map(|p| p.rule_infos())
        .collect();
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    rules.dedup_by(|a, b| a.code == b.code);
    rules
}

#[test]
fn json() {
    let text = render(&mut Json::default());
    let value: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
    insta::assert_json_snapshot!(value);
}

#[test]
fn json_matches_the_documented_schema() {
    let schema_path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/output.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let value: serde_json::Value = serde_json::from_str(&render(&mut Json::default())).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn sarif() {
    let mut emitter = Sarif::new(&rules(), Some(PathBuf::from("/project")));
    let text = render(&mut emitter);
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
    let driver = &mut value["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    insta::assert_json_snapshot!(value);
}

#[test]
fn github() {
    insta::assert_snapshot!(render(&mut Github));
}

#[test]
fn junit() {
    insta::assert_snapshot!(render(&mut Junit));
}

#[test]
fn byte_offsets_are_in_the_original_file() {
    // The GB18030 and UTF-16 copies of the seed report the finding at the same line and
    // column but at byte offsets of their own encoding.
    let corpus = common::corpus();
    let mut offsets = Vec::new();
    for name in [
        "seed/000_89e69b0ea362684d.txt",
        "encodings/seed-gb18030.txt",
        "encodings/seed-utf16le.txt",
    ] {
        let bytes = std::fs::read(corpus.join(name)).unwrap();
        let report = lint_bytes(name, &bytes, &LintOptions::default());
        let json = serde_json::to_value(regulint::render::json::JsonFile::new(&report)).unwrap();
        let finding = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "T401")
            .expect("the seed's table 4 has 16 values");
        assert_eq!(
            (finding["line"].as_u64(), finding["column"].as_u64()),
            (Some(90), Some(1))
        );
        let (start, end) = (
            finding["byte_start"].as_u64().unwrap() as usize,
            finding["byte_end"].as_u64().unwrap() as usize,
        );
        // The bytes at those offsets decode to the row.
        let slice = &bytes[start..end];
        let text = match name {
            n if n.contains("gb18030") => encoding_rs::GB18030.decode(slice).0.into_owned(),
            n if n.contains("utf16") => encoding_rs::UTF_16LE
                .decode_without_bom_handling(slice)
                .0
                .into_owned(),
            _ => String::from_utf8(slice.to_vec()).unwrap(),
        };
        assert!(text.starts_with("0\t0\t0"), "{name}: {text:?}");
        offsets.push(start);
    }
    assert_ne!(offsets[0], offsets[2]);
}

#[test]
fn html_audit_page() {
    let html = render(&mut regulint::render::html::Html::default());
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    // One inert details block per file, and one overview row per file in the embedded JSON.
    let reports = reports();
    assert_eq!(
        html.matches("<script type=\"text/html\" id=\"d").count(),
        reports.len()
    );
    for (i, report) in reports.iter().enumerate() {
        let row = format!("\"id\":{},\"path\":\"{}\"", i + 1, report.path);
        assert!(html.contains(&row), "no overview row {row}");
    }
    // The seed's table-4 error, and its table drawn with the failing row's first cell marked.
    assert!(html.contains("error T401</b> table4-value-count：表四应有 15 个数值，实际有 16 个"));
    assert!(html.contains("<table class=\"grid\">"));
    assert!(html.contains("<td class=\"fail v\""));
    // The unreadable file is named with its reason; user text is escaped.
    assert!(html.contains("E0001 无法读取：the file looks binary"));
    assert!(!html.contains("<check>"), "message text must be escaped");
    assert!(html.contains("&lt;check&gt;"));
}
