//! Every builtin's documented example is a test: it is evaluated against
//! `tests/fixtures/builtins/report.txt` and must display as documented. `docs/builtins.md` is
//! generated from the same table and must not be stale.

use regulint::engine::builtins::Builtin;
use regulint::lint::{LintOptions, lint_bytes};
use std::path::Path;
use std::sync::Arc;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap()
}

/// A pack that imports nothing: the 2019-format sections and tables, and one rule that fails
/// with the example's value as its message.
fn pack_for(expr: &str) -> String {
    format!(
        "pack builtins {{ years 2019..2020 }}\n{}\n{}\n{}\n\
         rule T001 example {{\n    severity info\n    let v = {expr}\n    expect false\n    message \"{{v}}\"\n}}\n",
        read("rules/common/sections.rules"),
        read("rules/gov-2019/tables.rules"),
        read("rules/common/table4.rules"),
    )
}

/// How `expr` reads in a message on the fixture report.
fn evaluate(expr: &str) -> String {
    let pack = regulint::packs::from_text("builtins.rules", &pack_for(expr)).unwrap_or_else(|e| {
        let mut out = Vec::new();
        regulint::render::rule_errors(&mut out, &e.errors, &e.files).unwrap();
        panic!(
            "`{expr}` does not compile:\n{}",
            String::from_utf8_lossy(&out)
        )
    });
    let bytes = std::fs::read(Path::new(ROOT).join("tests/fixtures/builtins/report.txt")).unwrap();
    // Builtins that read another report (`copied`) read the fixture itself as its previous
    // report, declared a year earlier.
    let previous = String::from_utf8(bytes.clone())
        .unwrap()
        .replacen("2020", "2019", 1);
    let collection = regulint::collection::Collection::with_previous(
        &[("previous.txt".to_owned(), previous.into_bytes())],
        regulint::document::ReadOptions::default(),
    );
    let options = LintOptions {
        packs: Some(Arc::new(vec![pack])),
        pack: Some("builtins".to_owned()),
        collection: Some(Arc::new(collection)),
        ..LintOptions::default()
    };
    let report = lint_bytes("report.txt", &bytes, &options);
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.year, Some(2020), "the fixture is a report on 2020");
    assert_eq!(report.findings.len(), 1, "`{expr}`: {:?}", report.findings);
    report.findings[0].message.clone()
}

#[test]
fn every_example_gives_its_documented_value() {
    let mut wrong = Vec::new();
    for b in Builtin::ALL {
        let (example, expected) = b.example();
        assert!(
            example.contains(b.name()),
            "the example of `{}` does not call it: {example}",
            b.name()
        );
        let got = evaluate(example);
        if got != expected {
            wrong.push(format!(
                "{}: `{example}` gives `{got}`, documented `{expected}`",
                b.name()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The harness itself can fail: a wrong expectation is caught.
#[test]
fn the_harness_tells_values_apart() {
    assert_eq!(evaluate("1 + 2"), "3");
    assert_ne!(evaluate("sum(表三[新收, 自然人..其他])"), "6");
}

#[test]
fn docs_builtins_md_is_current() {
    let path = Path::new(ROOT).join("docs/builtins.md");
    let generated = regulint::explain::builtins_page();
    if std::env::var_os("REGULINT_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/builtins.md is stale; run `REGULINT_BLESS=1 cargo test --test builtins`\n{}",
        regulint::ruletest::diff(&current, &generated)
    );
    // Every builtin has a section.
    for b in Builtin::ALL {
        assert!(
            current.contains(&format!("\n## {}\n", b.name())),
            "{}",
            b.name()
        );
    }
}
