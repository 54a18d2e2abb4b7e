//! The type checker's promise: a rule it accepts never meets a type error at run time.
//!
//! A small seeded generator writes well-typed rules over the 2021 format's sections and tables
//! (numbers, truth values, report text, matches, dates and values that may be `none`, nested in
//! `for`, `if` and `let`), the checker must accept every one of them, and linting the corpus
//! reports with them must produce no "not assessable" finding whose reason is a type error
//! (the engine's wording for those: 规则要求…, …没有字段…, 无法计算 X + Y).

mod common;

use regulint::lint::{LintOptions, lint_bytes};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SECTIONS: &[&str] = &["总体情况", "主动公开", "依申请公开", "复议诉讼", "其他事项"];
const COLUMNS: &[&str] = &["自然人", "商业企业", "其他", "总计"];
const ROWS: &[&str] = &["新收", "上年结转", "结果总计", "结转下年度"];
const REGEXES: &[&str] = &[r"/(\d+)\s*件/", "/电话/", r"/\d{4}年/", "/公开/"];

/// Variables in scope, by kind.
#[derive(Default, Clone)]
struct Env {
    row: Option<String>,
    column: Option<String>,
    matches: Vec<String>,
    numbers: Vec<String>,
    sections: Vec<String>,
}

struct Gen {
    rng: Rng,
    fresh: usize,
}

impl Gen {
    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    fn section(&mut self, env: &Env) -> String {
        if !env.sections.is_empty() && self.rng.below(2) == 0 {
            return env.sections[self.rng.below(env.sections.len())].clone();
        }
        self.rng.pick(SECTIONS).to_owned()
    }

    fn text(&mut self, env: &Env) -> String {
        match self.rng.below(3) {
            0 => "all_text()".to_owned(),
            1 => "preamble()".to_owned(),
            _ => format!("section_text({})", self.section(env)),
        }
    }

    fn matches(&mut self, env: &Env, depth: usize) -> String {
        match self.rng.below(7) {
            0 => format!("find({}, {})", self.text(env), self.rng.pick(REGEXES)),
            1 => format!(
                "find({}, \"{}\")",
                self.text(env),
                self.rng.pick(&["phone", "email", "postcode", "url"])
            ),
            2 => format!("placeholders({})", self.text(env)),
            3 => "blank_cells(表三)".to_owned(),
            4 => format!("headings_within({})", self.section(env)),
            5 if !env.matches.is_empty() => format!(
                "find({}, {})",
                env.matches[self.rng.below(env.matches.len())],
                self.rng.pick(REGEXES)
            ),
            _ => format!(
                "result_shares_off({}, [{}])",
                self.text(env),
                self.number(env, depth + 1)
            ),
        }
    }

    fn cell(&mut self, env: &Env) -> String {
        let row = env
            .row
            .clone()
            .filter(|_| self.rng.below(2) == 0)
            .unwrap_or_else(|| self.rng.pick(ROWS).to_owned());
        let column = env
            .column
            .clone()
            .filter(|_| self.rng.below(2) == 0)
            .unwrap_or_else(|| self.rng.pick(COLUMNS).to_owned());
        format!("表三[{row}, {column}]")
    }

    fn number(&mut self, env: &Env, depth: usize) -> String {
        let leaf = depth > 3;
        match self.rng.below(if leaf { 5 } else { 14 }) {
            0 => format!("{}", self.rng.below(999) + 1),
            1 => "year".to_owned(),
            2 => self.cell(env),
            3 if !env.numbers.is_empty() => env.numbers[self.rng.below(env.numbers.len())].clone(),
            3 | 4 => format!("{}.number", self.section(env)),
            5 => format!("count({})", self.matches(env, depth + 1)),
            6 => "sum(表三[办理结果, 总计])".to_owned(),
            7 => format!(
                "{} {} {}",
                self.number(env, depth + 1),
                self.rng.pick(&["+", "-", "*", "/"]),
                self.number(env, depth + 1)
            ),
            8 => format!("-({})", self.number(env, depth + 1)),
            9 => "count(表四.values)".to_owned(),
            10 => "sum(表三[新收, 自然人..其他])".to_owned(),
            11 => format!(
                "count(missing_rows(表三)) + {}",
                self.number(env, depth + 1)
            ),
            12 => format!("round({}, 1)", self.number(env, depth + 1)),
            _ => "表三.columns.count".to_owned(),
        }
    }

    fn condition(&mut self, env: &Env, depth: usize) -> String {
        let leaf = depth > 3;
        match self.rng.below(if leaf { 4 } else { 12 }) {
            0 => self.rng.pick(&["true", "false"]).to_owned(),
            1 => format!("{}.present", self.section(env)),
            2 => format!("{}.standard", self.section(env)),
            3 => format!(
                "{} {} {}",
                self.number(env, depth + 1),
                self.rng.pick(&["==", "!=", "<", "<=", ">", ">="]),
                self.number(env, depth + 1)
            ),
            4 => format!("integer({})", self.number(env, depth + 1)),
            5 => format!("not ({})", self.condition(env, depth + 1)),
            6 => format!(
                "{} {} {}",
                self.condition(env, depth + 1),
                self.rng.pick(&["and", "or"]),
                self.condition(env, depth + 1)
            ),
            7 => "statistics_period().start <= date(year, 1, 1)".to_owned(),
            8 => "publication_date() > date(year, 12, 31)".to_owned(),
            9 if !env.matches.is_empty() => format!(
                "{}.text != \"无\"",
                env.matches[self.rng.below(env.matches.len())]
            ),
            9 => "present(agency())".to_owned(),
            10 => "stated(/共(\\d+)件/) == 表三[新收, 总计]".to_owned(),
            _ => format!("present({})", self.matches(env, depth + 1)),
        }
    }

    fn block(&mut self, env: &Env, depth: usize, out: &mut String) {
        let indent = "    ".repeat(depth + 1);
        let mut env = env.clone();
        for _ in 0..=self.rng.below(3) {
            match self.rng.below(if depth > 2 { 3 } else { 7 }) {
                0 | 1 => {
                    let at = if self.rng.below(2) == 0 {
                        format!(" at {}", self.cell(&env))
                    } else {
                        String::new()
                    };
                    let cond = self.condition(&env, 0);
                    writeln!(out, "{indent}expect {cond}{at}").unwrap();
                }
                2 => {
                    let name = self.fresh("n");
                    let value = self.number(&env, 0);
                    writeln!(out, "{indent}let {name} = {value}").unwrap();
                    env.numbers.push(name);
                }
                3 => {
                    let cond = self.condition(&env, 0);
                    writeln!(out, "{indent}if {cond} {{").unwrap();
                    self.block(&env, depth + 1, out);
                    if self.rng.below(2) == 0 {
                        writeln!(out, "{indent}}} else {{").unwrap();
                        self.block(&env, depth + 1, out);
                    }
                    writeln!(out, "{indent}}}").unwrap();
                }
                4 => {
                    let mut inner = env.clone();
                    let (var, list) = match self.rng.below(4) {
                        0 => {
                            let v = self.fresh("r");
                            inner.row = Some(v.clone());
                            (v, "表三.rows".to_owned())
                        }
                        1 => {
                            let v = self.fresh("c");
                            inner.column = Some(v.clone());
                            (v, "表三.columns".to_owned())
                        }
                        2 => {
                            let v = self.fresh("s");
                            inner.sections.push(v.clone());
                            (v, "sections".to_owned())
                        }
                        _ => {
                            let v = self.fresh("m");
                            inner.matches.push(v.clone());
                            let list = self.matches(&env, 0);
                            (v, list)
                        }
                    };
                    writeln!(out, "{indent}for {var} in {list} {{").unwrap();
                    self.block(&inner, depth + 1, out);
                    writeln!(out, "{indent}}}").unwrap();
                }
                5 => {
                    // A value that may be `none`, used only once shown to be there.
                    let name = self.fresh("p");
                    writeln!(
                        out,
                        "{indent}let {name} = stated({})",
                        self.rng.pick(REGEXES)
                    )
                    .unwrap();
                    writeln!(out, "{indent}if present({name}) {{").unwrap();
                    writeln!(
                        out,
                        "{indent}    expect {name} + 1 > {}",
                        self.number(&env, 2)
                    )
                    .unwrap();
                    writeln!(out, "{indent}}}").unwrap();
                }
                _ => {
                    let name = self.fresh("d");
                    writeln!(out, "{indent}let {name} = statistics_period()").unwrap();
                    writeln!(
                        out,
                        "{indent}expect {name}.end.year == year or {name}.start.year < year"
                    )
                    .unwrap();
                }
            }
        }
        // Every rule expects something (a compile error otherwise).
        if depth == 0 {
            writeln!(out, "{indent}expect true").unwrap();
        }
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn generated_pack(seed: u64, rules: usize) -> String {
    let mut out = format!(
        "pack generated {{ years 2019.. }}\n{}\n{}\n{}\n",
        read("rules/common/sections.rules"),
        read("rules/gov-2021/tables.rules"),
        read("rules/common/table4.rules"),
    );
    let mut generator = Gen {
        rng: Rng(seed | 1),
        fresh: 0,
    };
    for n in 0..rules {
        writeln!(out, "rule G{n:03} generated-{n} {{\n    severity warning").unwrap();
        generator.block(&Env::default(), 0, &mut out);
        writeln!(out, "    message \"生成的规则 {n}\"\n}}").unwrap();
    }
    out
}

/// The engine's words for a type error in a not-assessable reason.
fn is_type_reason(text: &str) -> bool {
    text.contains("规则要求")
        || text.contains("没有字段")
        || text.contains("识别器")
        || (text.contains("无法计算") && !text.contains("数值过大"))
}

#[test]
fn well_typed_rules_meet_no_type_error_on_the_corpus() {
    let mut checked_rules = 0;
    let mut findings = 0;
    for seed in [1_u64, 7, 2026] {
        let text = generated_pack(seed, 100);
        let pack = regulint::packs::from_text("generated.rules", &text).unwrap_or_else(|e| {
            let mut out = Vec::new();
            regulint::render::rule_errors(&mut out, &e.errors, &e.files).unwrap();
            panic!(
                "the checker rejected a well-typed rule (seed {seed}):\n{}",
                String::from_utf8_lossy(&out)
            )
        });
        checked_rules += pack.rules.len();
        let options = LintOptions {
            packs: Some(Arc::new(vec![pack])),
            pack: Some("generated".to_owned()),
            ..LintOptions::default()
        };
        for name in common::CORPUS_FILES {
            let bytes = std::fs::read(common::corpus().join(name)).unwrap();
            let report = lint_bytes(name, &bytes, &options);
            assert!(report.error.is_none(), "{name}: {:?}", report.error);
            for finding in &report.findings {
                findings += 1;
                let reasons = std::iter::once(&finding.message).chain(&finding.notes);
                for reason in reasons {
                    assert!(
                        !is_type_reason(reason),
                        "seed {seed}, {name}, rule {}: a type error at run time: {reason}",
                        finding.code
                    );
                }
            }
        }
    }
    assert_eq!(checked_rules, 300);
    // The generated rules do run and report (they are not vacuous).
    assert!(findings > 100, "only {findings} findings");
}

/// The same kind of rule with a type error is rejected: the generator's oracle can fail.
#[test]
fn an_ill_typed_rule_is_rejected() {
    let mut text = generated_pack(1, 1);
    text.push_str(
        "rule G999 ill-typed {\n    severity warning\n    expect all_text() + 1 > 0\n    message \"x\"\n}\n",
    );
    let errors = regulint::packs::from_text("generated.rules", &text).unwrap_err();
    assert_eq!(errors.errors.len(), 1);
    assert!(
        errors.errors[0]
            .message
            .contains("the left side of `+` is report text"),
        "{}",
        errors.errors[0].message
    );
}
