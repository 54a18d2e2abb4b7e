//! What the language's newer constructs do on a report: `else`, rule-level `years`, division,
//! percentages and tolerances that are expressions, user-defined functions (across the files
//! of a pack, never recursive), and prose as data (`matches`, `numbers`, `mentions`,
//! `title()`, `publication_dates()`). All run on `tests/fixtures/builtins/report.txt`, a
//! small 2020 report whose table 3 receives 5 applications (3 from natural persons).

use regulint::lint::{LintOptions, lint_bytes};
use std::path::Path;
use std::sync::Arc;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap()
}

/// The 2019-format sections and tables and `body` (rules, functions), as a pack.
fn pack_text(body: &str) -> String {
    format!(
        "pack features {{ years 2019..2020 }}\n{}\n{}\n{}\n{body}",
        read("rules/common/sections.rules"),
        read("rules/gov-2019/tables.rules"),
        read("rules/common/table4.rules"),
    )
}

fn compile(body: &str) -> regulint::dsl::program::Pack {
    regulint::packs::from_text("features.rules", &pack_text(body)).unwrap_or_else(|e| {
        let mut out = Vec::new();
        regulint::render::rule_errors(&mut out, &e.errors, &e.files).unwrap();
        panic!("does not compile:\n{}", String::from_utf8_lossy(&out))
    })
}

fn compile_error(body: &str) -> String {
    match regulint::packs::from_text("features.rules", &pack_text(body)) {
        Ok(_) => panic!("compiled, but should not"),
        Err(e) => e
            .errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// `code: message` of every finding on the fixture report.
fn run(body: &str) -> Vec<String> {
    run_pack(compile(body))
}

fn run_pack(pack: regulint::dsl::program::Pack) -> Vec<String> {
    let bytes = std::fs::read(Path::new(ROOT).join("tests/fixtures/builtins/report.txt")).unwrap();
    let options = LintOptions {
        pack: Some(pack.name.clone()),
        packs: Some(Arc::new(vec![pack])),
        ..LintOptions::default()
    };
    let report = lint_bytes("report.txt", &bytes, &options);
    assert!(report.error.is_none(), "{:?}", report.error);
    report
        .findings
        .iter()
        .map(|f| format!("{}: {}", f.code, f.message))
        .collect()
}

fn rule(code: &str, body: &str, message: &str) -> String {
    format!(
        "rule {code} r-{} {{\n    severity warning\n{body}\n    message \"{message}\"\n}}\n",
        code.to_lowercase()
    )
}

#[test]
fn else_runs_when_false_and_else_if_chains() {
    let body = rule(
        "E001",
        "    if 表三[新收, 总计] > 10 {\n        let branch = \"then\"\n        expect false\n    } else if 表三[新收, 总计] == 5 {\n        let branch = \"else-if\"\n        expect false\n    } else {\n        let branch = \"else\"\n        expect false\n    }",
        "{branch}",
    );
    assert_eq!(run(&body), ["E001: else-if"]);
}

#[test]
fn else_does_not_run_when_the_condition_is_unknown() {
    // A row the 2019 table 3 declares but the report lacks: neither branch runs.
    let body = rule(
        "E002",
        "    let n = stated(/没有这样的句子(\\d+)件/)\n    if n == none {\n        expect false\n    }\n    if 表三[新收, 总计] + none > 0 {\n        expect false\n    } else {\n        expect false\n    }",
        "x",
    );
    // Arithmetic with `none` is a type error.
    assert!(compile_error(&body).contains("the right side of `+` is `none`"));
    // An unknown condition: table 2's 规章 row has no 采购项目数量 cell, a blank count, so
    // `> 5` cannot be decided. Neither branch runs (no finding at all).
    let body = rule(
        "E002",
        "    if 表二[规章, 采购项目数量] > 5 {\n        expect false\n    } else {\n        expect false\n    }",
        "a branch ran",
    );
    assert_eq!(run(&body), Vec::<String>::new());
    // The same rule with a decided condition does run its `else`.
    let body = body.replace(
        "表二[规章, 采购项目数量] > 5",
        "表二[规章, 本年新制作数量] > 5",
    );
    assert_eq!(run(&body), ["E002: a branch ran"]);
}

#[test]
fn rule_years_limit_where_a_rule_runs() {
    let body = rule("Y001", "    years 2021..\n    expect false", "from 2021")
        + &rule(
            "Y002",
            "    years 2019..2020\n    expect false",
            "2019 and 2020",
        )
        + &rule(
            "Y003",
            "    years 2020..2020\n    expect false",
            "2020 only",
        );
    assert_eq!(run(&body), ["Y002: 2019 and 2020", "Y003: 2020 only"]);
    assert!(
        compile_error(&rule("Y004", "    years 2022..2021\n    expect true", "x"))
            .contains("the years run backwards")
    );
}

#[test]
fn division_percentages_and_tolerances_that_are_expressions() {
    let body = rule(
        "D001",
        "    let total = 表三[新收, 总计]\n    let share = round(表三[新收, 自然人] / total, 2)\n    expect share == 50% within 5% at 表三[新收, 自然人]",
        "占比 {share}",
    ) + &rule(
        "D002",
        "    let total = 表三[新收, 总计]\n    expect 表三[新收, 自然人] == 2 within 0.2 * total",
        "within one application: passes",
    ) + &rule(
        "D003",
        "    expect 表三[新收, 总计] / (表三[新收, 总计] - 5) > 0",
        "divided by zero: not assessable",
    );
    let findings = run(&body);
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(findings[0], "D001: 占比 0.6");
    assert!(
        findings[1].starts_with("D003: ") && findings[1].contains("除数为零"),
        "{findings:?}"
    );
}

#[test]
fn functions_expand_where_they_are_called() {
    let body = "fn share(part, whole) = part * 100 / whole\nfn half(x) = share(x, 2) / 100\n"
        .to_owned()
        + &rule(
            "F001",
            "    let s = share(表三[新收, 自然人], 表三[新收, 总计])\n    let h = half(表三[新收, 总计])\n    expect s < 50 and h == 2.5",
            "{s} {h}",
        );
    assert_eq!(run(&body), ["F001: 60 2.5"]);
}

#[test]
fn functions_are_shared_by_the_files_of_a_pack() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("functions.rules"),
        "fn share(part, whole) = part * 100 / whole\n",
    )
    .unwrap();
    let entry = dir.path().join("pack.rules");
    std::fs::write(
        &entry,
        pack_text(&format!(
            "import \"functions.rules\"\n{}",
            rule("F002", "    expect share(1, 4) == 20", "{lhs}")
        )),
    )
    .unwrap();
    let pack = regulint::packs::from_file(entry.to_str().unwrap()).unwrap();
    assert_eq!(run_pack(pack), ["F002: 25"]);
}

#[test]
fn functions_never_recurse_or_explode() {
    let recursion = "fn f(x) = f(x) + 1\n".to_owned() + &rule("F003", "    expect f(1) > 0", "x");
    assert!(compile_error(&recursion).contains("function `f` calls itself"));
    let mutual =
        "fn f(x) = g(x)\nfn g(x) = f(x)\n".to_owned() + &rule("F004", "    expect f(1) > 0", "x");
    assert!(compile_error(&mutual).contains("calls itself through `g`"));
    // Each level quadruples the expansion (4⁷ copies of `f0`): refused before it is built.
    let mut doubling = "fn f0(x) = x + x\n".to_owned();
    for n in 1..8 {
        let m = n - 1;
        doubling.push_str(&format!(
            "fn f{n}(x) = f{m}(x) + f{m}(x) + f{m}(x) + f{m}(x)\n"
        ));
    }
    doubling.push_str(&rule("F005", "    expect f7(1) > 0", "x"));
    assert!(
        compile_error(&doubling)
            .contains("with its functions expanded, this expression is too large")
    );
    let arity = "fn f(a, b) = a + b\n".to_owned() + &rule("F006", "    expect f(1) > 0", "x");
    assert!(compile_error(&arity).contains("`f` takes 2 arguments, but 1 was given"));
    let builtin = "fn sum(a) = a\n".to_owned() + &rule("F007", "    expect true", "x");
    assert!(compile_error(&builtin).contains("`sum` is a builtin function"));
    // A type error that depends on the argument is reported at the call.
    let typed = "fn inc(a) = a + 1\n".to_owned() + &rule("F008", "    expect inc(\"一\") > 0", "x");
    assert!(compile_error(&typed).contains("is a string, not a number"));
}

#[test]
fn prose_as_data() {
    let body = rule(
        "P001",
        "    for m in matches(all_text(), /共收到政府信息公开申请\\d+件/) {\n        let n = sum(numbers(m))\n        expect n != 5 at m\n    }",
        "正文称 {n} 件",
    ) + &rule(
        "P002",
        "    for d in publication_dates() {\n        expect false at d\n    }",
        "日期 {d}",
    ) + &rule(
        "P003",
        "    let t = title()\n    if present(t) {\n        expect false at t\n    }",
        "{t}",
    ) + &rule(
        "P004",
        "    for s in mentions(新收) {\n        expect false at s\n    }\n    expect count(mentions(新收)) > 0",
        "no sentence names the row",
    );
    let findings = run(&body);
    assert!(
        findings.contains(&"P001: 正文称 5 件".to_owned()),
        "{findings:?}"
    );
    assert!(
        findings.contains(&"P002: 日期 2021年1月20日".to_owned()),
        "{findings:?}"
    );
    assert!(
        findings.contains(&"P003: 石家庄市示例局2020年政府信息公开工作年度报告".to_owned()),
        "{findings:?}"
    );
    assert!(
        findings.contains(&"P004: no sentence names the row".to_owned()),
        "{findings:?}"
    );
}

#[test]
fn numbers_and_mentions_read_sentences() {
    assert_eq!(
        regulint::engine::recognise::numbers_in("予以公开２５８件，占33.9%，合计1,234件"),
        [
            rust_decimal::Decimal::from(258),
            "33.9".parse().unwrap(),
            rust_decimal::Decimal::from(1234)
        ]
    );
    let text = "本年新收政府信息公开申请数量为5件。其他事项。";
    let keys = [regulint::document::normalize::label_key(
        "本年新收政府信息公开申请数量",
    )];
    let found = regulint::engine::recognise::sentences_naming(text, &keys);
    assert_eq!(found.len(), 1);
    assert_eq!(
        &text[found[0].0..found[0].1],
        "本年新收政府信息公开申请数量为5件。"
    );
}

/// A variable given a number on one branch and a string on the other cannot be used as
/// either afterwards: a compile error, not a run-time type error.
#[test]
fn branches_must_agree_on_a_variables_kind() {
    let body = rule(
        "B001",
        "    let x = none\n    if year > 2000 {\n        let x = 1\n    } else {\n        let x = \"一\"\n    }\n    expect x + 1 > 0",
        "x",
    );
    let error = compile_error(&body);
    assert!(
        error
            .contains("`x` holds a number or `none` on one path and a string or `none` on another"),
        "{error}"
    );
}

/// A type error in a function body that does not depend on its arguments is reported where
/// the function is defined, once, even when nothing calls it.
#[test]
fn function_bodies_are_checked_where_they_are_defined() {
    let unused =
        "fn start_of_table() = 表四.start\n".to_owned() + &rule("F010", "    expect true", "x");
    assert_eq!(
        compile_error(&unused),
        "the table `表四` has no field `start`"
    );
    let called = "fn text_plus(a) = all_text() + a\n".to_owned()
        + &rule(
            "F011",
            "    expect text_plus(1) > 0 and text_plus(2) > 0",
            "x",
        );
    assert_eq!(
        compile_error(&called),
        "the left side of `+` is report text, not a number"
    );
    // Parameters may be anything until a call says what they are.
    let generic = "fn bigger(a, b) = a > b\n".to_owned()
        + &rule(
            "F012",
            "    expect bigger(2, 1) and bigger(date(year, 2, 1), date(year, 1, 1))",
            "x",
        );
    compile(&generic);
}
