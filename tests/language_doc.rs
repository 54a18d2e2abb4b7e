//! Every example in `docs/language.md` is a test: ```` ```rules ```` blocks must compile,
//! ```` ```rules-error ```` blocks must not, with the error inside the block itself.

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap()
}

/// (info string, first line number, body) of every fenced block.
fn blocks(markdown: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), i + 2, String::new())),
            (Some(_), Some("")) => out.push(current.take().expect("in a block")),
            (Some((_, _, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(current.is_none(), "an unclosed code block");
    out
}

/// The text to compile for a block, the file name to compile it as, and where the block
/// starts in that text. A block without `pack` gets one; without `sections` the standard
/// sections; with neither sections nor tables the 2019-format tables. A block that imports is compiled as a
/// file of `rules/gov-2019/`, so its relative imports resolve.
fn wrap(block: &str) -> (String, String, usize) {
    let declares = |word: &str| block.lines().any(|l| l.trim_start().starts_with(word));
    let mut prelude = String::new();
    if !declares("pack ") {
        prelude.push_str("pack doc { years 2019..2020 }\n");
    }
    let name = if declares("import ") {
        format!("{ROOT}/rules/gov-2019/language-doc.rules")
    } else {
        let (sections, tables) = (declares("sections "), declares("table "));
        if !sections {
            prelude.push_str(&read("rules/common/sections.rules"));
        }
        // The standard tables need the standard sections.
        if !sections && !tables {
            prelude.push_str(&read("rules/gov-2019/tables.rules"));
            prelude.push_str(&read("rules/common/table4.rules"));
        }
        "language-doc.rules".to_owned()
    };
    let start = prelude.len();
    (format!("{prelude}\n{block}"), name, start)
}

/// Lints the seed report (a 2020 report) with the example's pack: `None` when it runs
/// without an error and without a not-assessable note that is a type error.
fn run_on_the_seed(pack: regulint::dsl::program::Pack) -> Option<String> {
    let bytes = std::fs::read(
        std::env::var_os("REGULINT_CORPUS")
            .map_or_else(
                || Path::new(ROOT).join("../shared/corpus"),
                std::path::PathBuf::from,
            )
            .join("seed/000_89e69b0ea362684d.txt"),
    )
    .expect("the seed report");
    let options = regulint::lint::LintOptions {
        pack: Some(pack.name.clone()),
        packs: Some(std::sync::Arc::new(vec![pack])),
        ..regulint::lint::LintOptions::default()
    };
    let report = regulint::lint::lint_bytes("seed.txt", &bytes, &options);
    if let Some(error) = report.error {
        return Some(format!("does not run: {error:?}"));
    }
    report
        .findings
        .iter()
        .flat_map(|f| std::iter::once(&f.message).chain(&f.notes))
        .find(|text| text.contains("规则要求") || text.contains("没有字段"))
        .map(|text| format!("meets a type error at run time: {text}"))
}

fn render(errors: &regulint::packs::PackErrors) -> String {
    let mut out = Vec::new();
    regulint::render::rule_errors(&mut out, &errors.errors, &errors.files).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn every_example_in_the_language_reference_behaves_as_marked() {
    let doc = read("docs/language.md");
    let blocks = blocks(&doc);
    let mut problems = Vec::new();
    let (mut good, mut bad) = (0, 0);
    for (info, line, body) in &blocks {
        let expect_error = match info.as_str() {
            "rules" => false,
            "rules-error" => true,
            _ => continue,
        };
        let (text, name, start) = wrap(body);
        match (regulint::packs::from_text(&name, &text), expect_error) {
            (Ok(pack), false) => {
                // And run: on the seed report, with no run-time type error.
                if let Some(problem) = run_on_the_seed(pack) {
                    problems.push(format!("docs/language.md:{line}: {problem}"));
                }
                good += 1;
            }
            (Err(e), false) => problems.push(format!(
                "docs/language.md:{line}: does not compile:\n{}",
                render(&e)
            )),
            (Ok(_), true) => {
                problems.push(format!(
                    "docs/language.md:{line}: compiles but is marked rules-error"
                ));
            }
            (Err(e), true) => {
                // The error must come from the example, not from the wrapping.
                let entry = e
                    .errors
                    .iter()
                    .all(|err| err.file == 0 && err.span.start as usize >= start);
                if entry {
                    bad += 1;
                } else {
                    problems.push(format!(
                        "docs/language.md:{line}: fails outside the example:\n{}",
                        render(&e)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(
        good >= 10 && bad >= 8,
        "{good} compiling and {bad} failing examples"
    );
}

#[test]
fn the_block_extractor_finds_blocks() {
    let md = "text\n```rules\nrule A\n```\n\n```rules-error\nx\ny\n```\n";
    assert_eq!(
        blocks(md),
        vec![
            ("rules".to_owned(), 3, "rule A\n".to_owned()),
            ("rules-error".to_owned(), 7, "x\ny\n".to_owned()),
        ]
    );
}
