//! Rule-file errors as the author sees them: message, caret and help, one snapshot per
//! fixture in `tests/fixtures/rule_errors/` (each file's name says what it exercises).

use std::path::Path;

/// Compiles `text` as a pack named `name` and renders its errors (uncoloured).
fn rendered_errors(name: &str, text: &str) -> (usize, String) {
    let errors = match regulint::packs::from_text(name, text) {
        Ok(pack) => panic!("{name} compiled (pack {}) but should not", pack.name),
        Err(e) => e,
    };
    let mut out = Vec::new();
    regulint::render::rule_errors(&mut out, &errors.errors, &errors.files).unwrap();
    (
        errors.errors.len(),
        String::from_utf8(out).expect("rendered errors are UTF-8"),
    )
}

#[test]
fn rendered_errors_of_every_fixture() {
    insta::glob!("fixtures/rule_errors/*.rules", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let (_, rendered) = rendered_errors(&name, &text);
        insta::assert_snapshot!(rendered);
    });
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rule_errors")
            .join(name),
    )
    .unwrap()
}

/// What each fixture is about appears in its rendering (independently of the snapshots, so
/// accepting a wrong snapshot does not hide a regression).
#[test]
fn each_fixture_says_what_is_wrong() {
    let cases: &[(&str, &[&str])] = &[
        (
            "keyword-typo.rules",
            &["did you mean `severity`?", "severty"],
        ),
        (
            "unknown-column.rules",
            &[
                "unknown column of `表三` `社会组织`",
                "did you mean `社会公益组织`?",
            ],
        ),
        (
            "wrong-argument-count.rules",
            &["`date` takes 3 arguments, but 2 were given"],
        ),
        (
            "unclosed-block.rules",
            &["found `message`", "is a `}` missing before `message`?"],
        ),
        (
            "unclosed-rule.rules",
            &["found the end of the file", "a `}` or `)` may be missing"],
        ),
        ("bad-regex.rules", &["invalid regular expression"]),
        (
            "unknown-function.rules",
            &["unknown function `summ`", "did you mean `sum`?"],
        ),
        (
            "unknown-message-hole.rules",
            &["unknown message value `m`", "expected one of `n`, "],
        ),
        (
            "duplicate-code.rules",
            &["rule code `T001` is used twice", "first used here"],
        ),
        (
            "missing-severity-and-message.rules",
            &["rule `T001` has no severity", "rule `T002` has no message"],
        ),
        (
            "unknown-section.rules",
            &["unknown section `依申请`", "did you mean `依申请公开`?"],
        ),
        ("nesting-too-deep.rules", &["nesting deeper than 32 levels"]),
        (
            "table-has-no-start.rules",
            &[
                "the table `表四` has no field `start`",
                "its fields are `columns`, `rows`, `values`",
            ],
        ),
        (
            "arithmetic-on-truth-and-text.rules",
            &[
                "`sum` expects a number or a list of numbers, but this is a truth value",
                "the right side of `+` is a string, not a number",
            ],
        ),
        (
            "unknown-recogniser.rules",
            &["unknown recogniser `phnoe`", "did you mean `phone`?"],
        ),
        (
            "type-errors.rules",
            &[
                "a condition must be a truth value, but this is a number",
                "cannot compare a date or `none` with a number using `>`",
                "`for` needs a list, but this is a number",
                "a date has no field `text`",
                "the left side of `+` is a number or `none`, not a number",
                "test it first, `if present(x) { … }`",
                "`n` holds a number here; it cannot also hold a string",
            ],
        ),
        (
            "localise-misused.rules",
            &[
                "`localise 表二`: no table is declared with this name",
                "did you mean `表三`?",
                "rule `L002` reports localisation, but `L001` already does",
            ],
        ),
    ];
    for (name, needles) in cases {
        let (_, rendered) = rendered_errors(name, &fixture(name));
        for needle in *needles {
            assert!(
                rendered.contains(needle),
                "{name}: `{needle}` not in\n{rendered}"
            );
        }
    }
}

/// The compiler reports every error of a file, not just the first.
#[test]
fn all_errors_in_a_file_are_reported() {
    let (count, rendered) =
        rendered_errors("several-errors.rules", &fixture("several-errors.rules"));
    let expected = [
        "unknown row of `表三` `新手`",
        "unknown field `colums`",
        "unknown column of `表三` `cc`",
        "did you mean `c`?",
        "rule `T004` has no severity",
        "unknown message value `yaer`",
    ];
    for needle in expected {
        assert!(rendered.contains(needle), "`{needle}` not in\n{rendered}");
    }
    assert_eq!(count, 5, "{rendered}");
    // In file order.
    let positions: Vec<usize> = expected.iter().map(|n| rendered.find(n).unwrap()).collect();
    assert!(positions.is_sorted(), "{rendered}");
}

/// Carets point at the offending text, not at the start of the file.
#[test]
fn carets_point_at_the_offending_text() {
    let cases: &[(&str, &str)] = &[
        ("keyword-typo.rules", "severty"),
        ("unknown-column.rules", "社会组织"),
        ("wrong-argument-count.rules", "date(2020, 1)"),
        ("bad-regex.rules", "/电话(\\d+/"),
        ("unknown-function.rules", "summ"),
        ("unknown-message-hole.rules", "{m}"),
        ("unknown-section.rules", "依申请"),
        ("unclosed-block.rules", "message"),
        ("table-has-no-start.rules", "表四.start"),
        ("arithmetic-on-truth-and-text.rules", "true"),
        ("unknown-recogniser.rules", "\"phnoe\""),
    ];
    for (name, spot) in cases {
        let text = fixture(name);
        let errors = regulint::packs::from_text(name, &text).unwrap_err();
        let error = &errors.errors[0];
        let span = &errors.files.sources[error.file].text[error.span.range()];
        assert_eq!(span, *spot, "{name}: {}", error.message);
    }
}

#[test]
fn syntax_errors_in_several_items_are_all_reported() {
    let (count, text) = rendered_errors(
        "syntax-errors-in-two-rules.rules",
        &fixture("syntax-errors-in-two-rules.rules"),
    );
    assert_eq!(count, 2, "{text}");
    assert!(text.contains("found `severty`"), "{text}");
    assert!(text.contains("did you mean `severity`?"), "{text}");
    assert!(
        text.contains(":14:5"),
        "the second error is at `message` on line 14: {text}"
    );
}

/// The language's recogniser names are the engine's (the contract lives in `dsl::types`).
#[test]
fn recogniser_names_agree_with_the_engine() {
    assert_eq!(
        regulint::dsl::types::RECOGNISERS,
        regulint::engine::recognise::Recogniser::NAMES
    );
}

/// Every type error of a file is reported, and one error does not cascade into others.
#[test]
fn type_errors_are_reported_once_each() {
    let (count, rendered) = rendered_errors("type-errors.rules", &fixture("type-errors.rules"));
    assert_eq!(count, 6, "{rendered}");
}
