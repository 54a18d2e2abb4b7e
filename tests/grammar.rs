//! The grammar, rule by rule: each grammar rule in isolation (via `parses_as`) with inputs it
//! must accept whole and inputs it must reject. Chinese names, strings and regexes included.

use regulint::dsl::parser::{parses_as, testable_rules};

/// Asserts every `valid` input parses as `rule` and is consumed whole, and every `invalid`
/// one does not (either a parse error or input left over).
fn check(rule: &str, valid: &[&str], invalid: &[&str]) {
    let mut failures = Vec::new();
    for input in valid {
        if let Err(e) = parses_as(rule, input) {
            failures.push(format!("`{rule}` should accept {input:?}: {e}"));
        }
    }
    for input in invalid {
        if parses_as(rule, input).is_ok() {
            failures.push(format!("`{rule}` should reject {input:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unknown_rule_names_are_an_error_not_a_pass() {
    let err = parses_as("no_such_rule", "x").unwrap_err();
    assert!(err.contains("no grammar rule `no_such_rule`"), "{err}");
    // Every exposed name really is accepted by `parses_as` (it may fail to parse "", but
    // not because the name is unknown).
    for rule in testable_rules() {
        if let Err(e) = parses_as(rule, "") {
            assert!(!e.contains("is exposed"), "{rule}: {e}");
        }
    }
}

#[test]
fn ident() {
    check(
        "ident",
        &[
            "表三",
            "本年增/减",
            "社会公益组织",
            "c",
            "_tmp",
            "x1",
            "lhs_terms",
            "三安全一稳定",
            "表四",
            "sectionsX",
            // A keyword followed by more letters is a name.
            "format",
            "iffy",
            "rows2",
            "errors",
        ],
        &[
            "",
            "1abc",
            "for",
            "in",
            "rows",
            "none",
            "true",
            "error",
            "info",
            "a b",
            "a-b",
            "/x",
            "表三.columns",
            "“表三”",
        ],
    );
}

#[test]
fn keyword() {
    check(
        "keyword",
        &["pack", "rule", "within", "info", "not", "section"],
        &["packs", "rule1", "Pack", "severty"],
    );
}

#[test]
fn code() {
    check(
        "code",
        &["T301", "P008", "X001", "S005"],
        &["t301", "T30", "T3011", "TT01", "T301a", "301", "T-01"],
    );
}

#[test]
fn rule_name() {
    check(
        "rule_name",
        &[
            "table3-column-unbalanced",
            "a",
            "p2-missing",
            "published-after-deadline",
        ],
        &[
            "Table3",
            "3table",
            "table_3",
            "表三-column",
            "table3-列",
            "",
        ],
    );
}

#[test]
fn number() {
    check(
        "number",
        &["0", "15", "2020", "0.01", "20044679", "3.14"],
        &["", "-1", ".5", "1.", "1e3", "15个", "1,000", "12a"],
    );
}

#[test]
fn string() {
    check(
        "string",
        &[
            r#""""#,
            r#""总体情况""#,
            r#""本年收费金额（单位：万元）""#,
            r#""say \"hi\"""#,
            r#""back\\slash""#,
            r#""line\nbreak""#,
            r#""危及“三安全一稳定”""#,
            r#""{c} 列：{lhs_terms}""#,
        ],
        &[
            r#""unclosed"#,
            "\"two\nlines\"",
            r#""a" "b""#,
            "'single'",
            "“中文引号”",
            r#""trailing\""#,
        ],
    );
}

#[test]
fn long_string() {
    check(
        "long_string",
        &[
            r#""""""""#,
            "\"\"\"\n    检查内容：表三每一列。\n    为什么：表注。\n\"\"\"",
            r#""""contains "quotes" inside""""#,
        ],
        &[r#""""unclosed"#, r#"""a""#, r#""""a"""b"#],
    );
}

#[test]
fn regex() {
    check(
        "regex",
        &[
            r"/统计/",
            r"/\d{3,4}-\d{7,8}/",
            r"/共收到政府信息公开申请\s*(\d+)\s*件/",
            r"/a\/b/",
            r"/人民政府\s*(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年/",
            // A `/` inside a character class must be escaped too.
            r"/[^\/]/",
        ],
        &["//", "/a", "/a/b/", "/a\nb/", r"/a\/", "统计", r"/[^/]/"],
    );
}

#[test]
fn doc_line() {
    check(
        "doc_line",
        &["/// 表三的列平衡", "///", "/// Checks table 3."],
        &["// plain comment", "/// two\n/// lines", "#doc"],
    );
}

#[test]
fn pack_decl() {
    check(
        "pack_decl",
        &[
            "pack demo {}",
            "pack gov-2021 { title \"政府信息公开工作年度报告\" years 2021.. version \"1.0.0\" }",
            "pack gov-2019 {\n  title \"…\"\n  basis \"条例 第五十条\"\n  years 2019..2020\n}",
        ],
        &[
            "pack Demo {}",
            "pack demo",
            "pack demo { author \"me\" }",
            "pack demo { years }",
            "pack demo { years ..2020 }",
            "pack 演示 {}",
        ],
    );
    check(
        "years_field",
        &["years 2019..2020", "years 2021..", "years 2021 .. 2022"],
        &["years 2021", "years ..2020", "years 二〇二一.."],
    );
    check(
        "pack_name",
        &["gov-2021", "demo", "a1-b2"],
        &["Gov", "2021-gov", "gov_2021"],
    );
    check(
        "pack_field",
        &[
            "title \"t\"",
            "basis \"b\"",
            "version \"1\"",
            "years 2019..",
        ],
        &["title t", "help \"h\""],
    );
    check("title_field", &["title \"标题\""], &["title"]);
    check("basis_field", &["basis \"条例\""], &["basis 条例"]);
    check("version_field", &["version \"1.0.0\""], &["version 1.0"]);
}

#[test]
fn import_decl() {
    check(
        "import_decl",
        &[
            "import \"tables.rules\"",
            "import \"../common/*.rules\"",
            "import \"*.rules\"",
        ],
        &["import tables.rules", "import", "import \"a\" \"b\""],
    );
}

#[test]
fn sections() {
    check(
        "section_entry",
        &[
            "一 总体情况 = \"总体情况\"",
            "三 依申请公开 = \"收到和处理政府信息公开申请情况\" | \"收到和处理政府信息公开的申请情况\"",
            "六 其他事项 = \"其他需要报告的事项\"\n    | \"其他事项\"",
        ],
        &[
            "一 = \"总体情况\"",
            "一 总体情况",
            "一 总体情况 = 总体情况",
            "一 总体情况 = \"a\" |",
            "1 总体情况 = \"总体情况\"",
        ],
    );
    check(
        "sections_decl",
        &[
            "sections {}",
            "sections {\n  一 总体情况 = \"总体情况\"\n  二 主动公开 = \"主动公开政府信息情况\"\n}",
            "sections { 一 总体情况 = \"总体情况\" // the first\n }",
        ],
        &[
            "sections",
            "sections { 总体情况 }",
            "section { 一 总体情况 = \"总体情况\" }",
        ],
    );
    check(
        "alias_list",
        &["\"a\"", "\"社会公益组织\" | \"社会组织\" | \"社会公益\""],
        &["", "\"a\" | ", "\"a\" \"b\"", "| \"a\""],
    );
}

#[test]
fn tables() {
    check(
        "entry",
        &[
            "总计 = \"总计\"",
            "本年增/减 = \"本年增/减\"",
            "社会公益组织 = \"社会公益组织\" | \"社会组织\"",
            "复议维持 = \"行政复议 结果维持\"",
        ],
        &[
            "总计",
            "总计 = ",
            "\"总计\" = \"总计\"",
            "rows = \"行\"",
            "总计 : \"总计\"",
        ],
    );
    check(
        "columns_block",
        &[
            "columns {}",
            "columns { 自然人 = \"自然人\" 总计 = \"总计\" }",
        ],
        &[
            "columns",
            "columns { group 法人 { 商业企业 = \"商业企业\" } }",
        ],
    );
    check(
        "group",
        &[
            "group 办理结果 { 予以公开 = \"予以公开\" }",
            "group 办理结果 {\n  予以公开 = \"予以公开\"\n  group 不予公开 { 国家秘密 = \"属于国家秘密\" }\n}",
            "group 空 {}",
        ],
        &["group { 予以公开 = \"予以公开\" }", "group 办理结果"],
    );
    check(
        "rows_block",
        &[
            "rows { 新收 = \"本年新收政府信息公开申请数量\" group 办理结果 { 予以公开 = \"予以公开\" } 结果总计 = \"（七）总计\" }",
        ],
        &["rows { 新收 }", "rows [ 新收 = \"新收\" ]"],
    );
    check(
        "values_block",
        &["values { 复议维持 = \"行政复议 结果维持\" 复议纠正 = \"行政复议 结果纠正\" }"],
        &["values { group g { a = \"a\" } }", "values"],
    );
    check(
        "table_section",
        &["in section 依申请公开", "in  section\n三"],
        &["in 依申请公开", "section 依申请公开", "in section \"三\""],
    );
    check(
        "table_anchor",
        &["anchor \"本年新收政府信息公开申请数量\""],
        &["anchor 本年新收", "anchor"],
    );
    check(
        "table_decl",
        &[
            "table 表三 {}",
            "table 表三 {\n  in section 依申请公开\n  anchor \"本年新收政府信息公开申请数量\"\n  columns { 自然人 = \"自然人\" 其他 = \"其他\" 总计 = \"总计\" }\n  rows {\n    新收 = \"本年新收政府信息公开申请数量\"\n    group 办理结果 { 予以公开 = \"予以公开\" group 不予公开 { 国家秘密 = \"属于国家秘密\" } }\n  }\n}",
            "table 表四 { in section 复议诉讼 values { 复议维持 = \"行政复议 结果维持\" } }",
        ],
        &[
            "table {}",
            "table 表三",
            "table 表三 { severity error }",
            "table 表三 { columns { 自然人 } }",
            "table table { }",
        ],
    );
}

#[test]
fn rule_fields() {
    check(
        "severity_field",
        &["severity error", "severity warning", "severity info"],
        &[
            "severity",
            "severity fatal",
            "severty error",
            "severity \"error\"",
        ],
    );
    check(
        "severity",
        &["error", "warning", "info"],
        &["Error", "warn"],
    );
    check(
        "message_field",
        &["message \"表三「{c}」列：相差 {diff}\""],
        &["message 表三", "message"],
    );
    check("help_field", &["help \"按表注核对\""], &["help"]);
    check(
        "doc_field",
        &[
            "doc \"\"\"\n  检查内容：…\n  依据：…\n\"\"\"",
            "doc \"\"\"one line\"\"\"",
        ],
        &["doc \"one line\"", "doc"],
    );
    // `localise 表三` marks identities; bare `localise` is the reporting rule.
    check(
        "localise_field",
        &["localise 表三", "localise", "localise table3"],
        &[
            "localise \"表三\"",
            "localise 表三 表四",
            "localize 表三",
            "localise for",
        ],
    );
}

#[test]
fn rule_decl() {
    check(
        "rule_decl",
        &[
            "rule T301 table3-column-unbalanced {}",
            "rule T301 table3-column-unbalanced {\n  severity error\n  message \"x\"\n  expect true\n}",
            "/// 表三的列平衡\n/// second line\nrule T301 table3-column-unbalanced { severity error }",
            // Fields and statements may come in any order.
            "rule P003 contact-phone-missing {\n  let t = preamble()\n  severity warning\n  expect count(find(t, \"phone\")) > 0\n  message \"缺少电话\"\n  help \"写明电话\"\n  basis \"条例\"\n  doc \"\"\"检查内容：电话。\"\"\"\n}",
            "rule T401 table4-value-count {\n  if present(表四) {\n    let n = count(表四.values)\n    expect n == 15 at 表四\n  }\n  severity error message \"表四应有 15 个数值，实际有 {n} 个\"\n}",
            "rule X001 a { // comment\n severity info }",
        ],
        &[
            "rule T301 {}",
            "rule table3-column-unbalanced {}",
            "rule T301 Table3 {}",
            "rule t301 x {}",
            "rule T301 x { severty error }",
            "rule T301 x { severity error",
            "rule T301 x { pack demo {} }",
            "rule T301 x { table 表三 {} }",
            "/// doc\n\nrule T301 x",
            "rule T301 x { for c in 表三.columns }",
        ],
    );
}

#[test]
fn statements() {
    check(
        "let_stmt",
        &[
            "let p = statistics_period()",
            "let 合计 = sum(表三[新收, 自然人..其他])",
            "let n = count(表四.values)",
        ],
        // `letx = 1` is a name followed by `= 1`, not `let x = 1`.
        &[
            "let = 1",
            "let p",
            "let p == 1",
            "let for = 1",
            "let p = ",
            "letx = 1",
        ],
    );
    check(
        "expect_stmt",
        &[
            "expect true",
            "expect n == 15 at 表四",
            "expect 表三[新收, c] + 表三[上年结转, c] == 表三[结果总计, c] + 表三[结转下年度, c]",
            "expect a == b within 0.01",
            "expect a == b within 0.01 at 表三[总计, c]",
            // A tolerance is an expression (its type is checked later).
            "expect a == b within 0.05 * total",
            "expect a == b within 5%",
            "expect not present(表二)",
        ],
        &[
            "expect",
            "expect a == b at 表四 within 0.01",
            "expect a within",
            "expect a at",
            "expectx",
            "expect a atb",
        ],
    );
    check(
        "within",
        &["within 0.01", "within 1", "within x", "within 5% * b"],
        &["within", "withinx"],
    );
    check("at", &["at 表四", "at 表三[总计, c]", "at d"], &["at"]);
    check(
        "for_stmt",
        &[
            "for c in 表三.columns { expect 表三[新收, c] >= 0 }",
            "for c in 表三.columns {}",
            "for r in missing_rows(表三) { expect false at r }",
            // Nested for/if.
            "for c in 表三.columns {\n  for r in 表三.rows {\n    if present(表三[r, c]) {\n      expect integer(表三[r, c])\n    }\n  }\n}",
            "for s in [总体情况, 主动公开] { expect present(s) }",
        ],
        &[
            "for c 表三.columns {}",
            "for c in {}",
            "for c in 表三.columns",
            "for c in 表三.columns expect true",
            "for 1 in x {}",
            "for c in 表三.columns { severity error }",
            "forc in x {}",
            "for c inx {}",
        ],
    );
    check(
        "if_stmt",
        &[
            "if year >= 2021 { expect present(表二) }",
            "if present(d) { if a > 0 { expect d <= date(year + 1, 3, 31) at d } }",
            "if not present(表三) {}",
            "if x { } else { }",
            "if x { expect a } else if y { expect b } else { expect c }",
        ],
        &[
            "if { }",
            "if x",
            "if x { } else",
            "if x { } else y { }",
            "if x { } elsex { }",
            "if x then { }",
            "ifx {}",
        ],
    );
    check(
        "statement",
        &["let x = 1", "expect x", "if x {}", "for x in y {}"],
        &["severity error", "x = 1", "return x", "x"],
    );
    check(
        "block",
        &[
            "{}",
            "{ let x = 1 expect x }",
            "{\n  let x = 1\n  expect x // why\n}",
        ],
        &["{", "{ severity error }", "{ x }"],
    );
}

#[test]
fn expressions() {
    check(
        "expr",
        &[
            "1",
            "-1",
            "not x",
            "not not x",
            "a + b * c",
            "a - -b",
            "(a + b) * c",
            "a == b and c != d or not e",
            "a <= b",
            "a >= b",
            "a < b",
            "a > b",
            "表三[新收, 总计]",
            "表三[新收, 自然人..其他]",
            "表三[办理结果, c]",
            "表四[复议维持]",
            "sum(表三[新收, 自然人..其他])",
            "表三.columns",
            "p.start.year",
            "表四.values",
            "count(find(preamble(), \"email\")) > 0",
            "find(preamble(), /\\d{3,4}-\\d{7,8}/)",
            "date(year + 1, 3, 31)",
            "stated(/共收到政府信息公开申请\\s*(\\d+)\\s*件/)",
            "[]",
            "a / b",
            "a * 100 / b >= 5%",
            "title()",
            "[总体情况, 主动公开, 其他事项]",
            "[\"本年新制作数量\", \"本年增/减\"]",
            "true",
            "false",
            "none",
            "d == none",
            "f()",
            "x.rows",
            "x.in",
            "a*b",
            "本年增/减",
            "表三 [ 新收 , 总计 ]",
        ],
        &[
            "",
            "a +",
            "+ a",
            "a b",
            "a == ",
            "(a",
            "a)",
            "表三[]",
            "表三[a, b, c]",
            "f(a,)",
            "[a,]",
            "a % b",
            "a && b",
            "a || b",
            "!a",
            "a = b",
            "x.",
            "x.1",
            "for",
            "a..b",
        ],
    );
    check(
        "postfix_expr",
        &["表三[新收, c]", "p.start", "f(x).count", "表三.columns"],
        &["a + b", "-a"],
    );
    check(
        "field",
        &[".columns", ".start", ".rows"],
        &["columns", ". columns x"],
    );
    check(
        "field_name",
        &["columns", "values", "present", "heading"],
        &["1x", ""],
    );
    check(
        "index",
        &[
            "[新收, 总计]",
            "[新收, 自然人..其他]",
            "[复议维持]",
            "[r, c]",
        ],
        &["[]", "[a, b, c]", "[a..]"],
    );
    check(
        "index_arg",
        &["自然人..其他", "c", "新收", "a .. b"],
        &["..其他", "自然人..", "1..2"],
    );
    check(
        "range",
        &["自然人..其他", "a..b"],
        &["a...b", "a..1", "a.b"],
    );
    check(
        "call",
        &[
            "sum(表三[办理结果, c])",
            "date(2020, 12, 31)",
            "preamble()",
            "present(总体情况)",
        ],
        &["sum", "sum(", "sum(a b)", "1(x)", "for(x)"],
    );
    check(
        "list",
        &["[]", "[1, 2, 3]", "[\"a\", /b/, c]"],
        &["[1 2]", "[", "[,]"],
    );
    check("boolean", &["true", "false"], &["True", "yes"]);
    check("none", &["none"], &["None", "null"]);
}

#[test]
fn whole_files_and_comments() {
    check(
        "file",
        &[
            "",
            "// only a comment\n",
            "pack demo { years 2019.. }\nimport \"tables.rules\"\n",
            "/// 表三的列平衡\nrule T301 table3-column-unbalanced {\n  severity error // trailing comment\n  expect true\n  message \"x\"\n}\n",
            "sections { 一 总体情况 = \"总体情况\" }\ntable 表三 { in section 总体情况 }\n",
            // The ideographic space counts as whitespace.
            "pack\u{3000}demo {}",
        ],
        &[
            "pack demo {",
            "rule T301 x { severity error } }",
            "expect true",
            "let x = 1",
            "/* block comment */",
            "# comment",
        ],
    );
    check(
        "item",
        &[
            "pack demo {}",
            "import \"x.rules\"",
            "sections {}",
            "table t {}",
            "rule T001 a {}",
        ],
        &["expect true", "columns {}"],
    );
}

#[test]
fn operator_precedence_shows_in_the_tree() {
    use regulint::dsl::ast::{BinOp, ExprKind, Stmt};
    let file =
        regulint::dsl::parser::parse(0, "rule T001 a { expect a + b * c == d or not e and f }")
            .unwrap();
    let Stmt::Expect { cond, .. } = &file.rules[0].body[0] else {
        panic!("an expect statement");
    };
    // or(==(+(a, *(b, c)), d), and(not e, f))
    let ExprKind::Binary(BinOp::Or, eq, and) = &cond.kind else {
        panic!("`or` binds loosest: {cond:?}");
    };
    let ExprKind::Binary(BinOp::Eq, add, _) = &eq.kind else {
        panic!("`==` under `or`: {eq:?}");
    };
    let ExprKind::Binary(BinOp::Add, _, mul) = &add.kind else {
        panic!("`+` under `==`: {add:?}");
    };
    assert!(matches!(mul.kind, ExprKind::Binary(BinOp::Mul, _, _)));
    let ExprKind::Binary(BinOp::And, not, _) = &and.kind else {
        panic!("`and` under `or`: {and:?}");
    };
    assert!(matches!(not.kind, ExprKind::Not(_)));
    // Subtraction is left-associative: a - b - c is (a - b) - c.
    let file = regulint::dsl::parser::parse(0, "rule T001 a { expect a - b - c }").unwrap();
    let Stmt::Expect { cond, .. } = &file.rules[0].body[0] else {
        panic!("an expect statement");
    };
    let ExprKind::Binary(BinOp::Sub, lhs, rhs) = &cond.kind else {
        panic!("{cond:?}");
    };
    assert!(matches!(lhs.kind, ExprKind::Binary(BinOp::Sub, _, _)));
    assert!(matches!(rhs.kind, ExprKind::Name(ref n) if n == "c"));
}

#[test]
fn word_operators_end_at_a_word_boundary() {
    use regulint::dsl::ast::{BinOp, ExprKind, Stmt};
    // Names that begin with `not`, `or`, `and`, `true`, `false` or `none` are names, not an
    // operator or literal glued to a shorter name.
    check(
        "expr",
        &[
            "nothing",
            "notable and organ",
            "trueish",
            "falsehood",
            "none_left",
            "android",
            "order",
            "not nothing",
        ],
        &["a orb", "a andb", "a or", "not"],
    );
    let cond = |text: &str| {
        let file =
            regulint::dsl::parser::parse(0, &format!("rule T001 a {{ expect {text} }}")).unwrap();
        let Stmt::Expect { cond, .. } = &file.rules[0].body[0] else {
            panic!("an expect statement");
        };
        cond.kind.clone()
    };
    assert_eq!(cond("nothing"), ExprKind::Name("nothing".into()));
    assert_eq!(cond("trueish"), ExprKind::Name("trueish".into()));
    assert_eq!(cond("none_left"), ExprKind::Name("none_left".into()));
    assert!(matches!(cond("not nothing"), ExprKind::Not(_)));
    let ExprKind::Binary(BinOp::And, a, b) = cond("notable and organ") else {
        panic!("`and` of two names");
    };
    assert_eq!(a.kind, ExprKind::Name("notable".into()));
    assert_eq!(b.kind, ExprKind::Name("organ".into()));
}

#[test]
fn functions_and_rule_years() {
    check(
        "fn_decl",
        &[
            "fn share(part, whole) = part * 100 / whole",
            "fn zero() = 0",
            "fn f(x) = g(x) + 1",
        ],
        &[
            "fn (x) = 1",
            "fn f(x)",
            "fn f(x) 1",
            "fnf(x) = 1",
            "fn f(x,) = 1",
        ],
    );
    check(
        "rule_years",
        &["years 2023..", "years 2021..2022"],
        &["years", "years ..2023", "years2023.."],
    );
    check("percent", &["5%", "0.5%", "100%"], &["%", "5 %", "-5%"]);
}
