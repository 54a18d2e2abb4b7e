//! AST snapshots of representative rule files: what the parser builds, with compact spans
//! (`12..34`), so a grammar or builder change shows up as a reviewable diff.

use std::path::Path;

fn ast_of(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).expect("the rule file");
    let file = regulint::dsl::parser::parse(0, &text)
        .unwrap_or_else(|e| panic!("{path} does not parse: {e:?}"));
    format!("{file:#?}")
}

#[test]
fn table3_column_unbalanced() {
    insta::assert_snapshot!(ast_of("rules/common/T301-table3-column-unbalanced.rules"));
}

#[test]
fn sections() {
    insta::assert_snapshot!(ast_of("rules/common/sections.rules"));
}

#[test]
fn gov_2021_tables() {
    insta::assert_snapshot!(ast_of("rules/gov-2021/tables.rules"));
}

#[test]
fn published_after_deadline() {
    insta::assert_snapshot!(ast_of("rules/common/P008-published-after-deadline.rules"));
}

#[test]
fn gov_2019_pack() {
    insta::assert_snapshot!(ast_of("rules/gov-2019/pack.rules"));
}

/// Spans in the tree point at the text they name.
#[test]
fn spans_point_at_their_text() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules/common/T301-table3-column-unbalanced.rules"),
    )
    .unwrap();
    let file = regulint::dsl::parser::parse(0, &text).unwrap();
    let rule = &file.rules[0];
    assert_eq!(&text[rule.code.span.range()], "T301");
    assert_eq!(&text[rule.name.span.range()], "table3-column-unbalanced");
    assert_eq!(&text[rule.span.range()], "T301 table3-column-unbalanced");
    let message = rule.message.as_ref().unwrap();
    assert!(text[message.span.range()].starts_with("\"表三「{c}」列"));
    let (_, severity) = rule.severity.unwrap();
    assert_eq!(&text[severity.range()], "severity error");
}
