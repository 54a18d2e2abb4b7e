//! Rule files that are hostile or careless get a located error, never a crash or a hang
//! (issue 11, "Bad input"). Each case compiles on the test's own thread (2 MiB of stack in
//! debug builds), so a recursion the limits miss would overflow it here.

mod common;

use regulint::lint::{LintOptions, lint_bytes};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const HEAD: &str = "pack hostile { years 2019.. }\n";

fn rule(expect: &str) -> String {
    format!(
        "{HEAD}rule T001 hostile {{\n    severity info\n    expect {expect}\n    message \"x\"\n}}\n"
    )
}

/// The compile errors of `text`, as `message` lines, and where the first one points.
fn errors(text: &str) -> (Vec<String>, String) {
    let errors = match regulint::packs::from_text("hostile.rules", text) {
        Ok(_) => panic!("compiled, but should not"),
        Err(e) => e,
    };
    let first = &errors.errors[0];
    let spot = errors.files.sources[first.file].text[first.span.range()].to_owned();
    (
        errors.errors.iter().map(|e| e.message.clone()).collect(),
        spot,
    )
}

fn assert_deep_expression_refused(expect: &str) {
    let (messages, spot) = errors(&rule(expect));
    assert_eq!(
        messages,
        ["expression deeper than 256 levels"],
        "{expect:.40}"
    );
    // Located at the expression, not at the start of the file.
    assert!(
        spot.starts_with(&expect[..expect.len().min(10)]),
        "{spot:.40}"
    );
}

#[test]
fn chains_of_ten_thousand_terms_are_located_errors() {
    assert_deep_expression_refused(&format!("{} > 0", vec!["1"; 10_000].join(" + ")));
    assert_deep_expression_refused(&format!("{}true", "not ".repeat(10_000)));
    assert_deep_expression_refused(&format!("{}1 > 0", "-".repeat(10_000)));
    assert_deep_expression_refused(&format!("表三{} == 1", ".f".repeat(10_000)));
    assert_deep_expression_refused(&format!("{} == 0", vec!["1"; 10_000].join(" * ")));
}

/// Just under the limit compiles and runs: the limit, not the stack, decides.
#[test]
fn a_long_chain_under_the_limit_compiles_and_runs() {
    let text = rule(&format!("{} == 120", vec!["1"; 120].join(" + ")));
    let pack = regulint::packs::from_text("long.rules", &text).unwrap();
    let options = LintOptions {
        packs: Some(Arc::new(vec![pack])),
        pack: Some("hostile".to_owned()),
        ..LintOptions::default()
    };
    let report = lint_bytes("seed.txt", &common::clean_seed(), &options);
    assert!(report.error.is_none());
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn nesting_past_the_limit_is_found_despite_quotes_and_regexes() {
    let deep = format!("{}true{}", "(".repeat(40), ")".repeat(40));
    for around in [
        "count(find(all_text(), /\"/)) > 0 and ",
        "\"\\\"\" == \"x\" and ",
        "count(find(all_text(), /[\"(]/)) > 0 and ",
    ] {
        let (messages, spot) = errors(&rule(&format!("{around}{deep}")));
        assert_eq!(messages, ["nesting deeper than 32 levels"], "{around}");
        assert_eq!(spot, "(");
    }
    // A regex opening a quote on one line does not hide the brackets of the next lines.
    let text = format!(
        "{HEAD}rule T001 hostile {{\n    severity info\n    expect count(find(all_text(), /\"/)) > 0\n{}\n    message \"x\"\n}}\n",
        "    expect (((((((((( true ))))))))))\n".to_owned() + &format!("    expect {deep}\n")
    );
    assert_eq!(errors(&text).0, ["nesting deeper than 32 levels"]);
}

/// Brackets inside strings, regexes, comments and doc blocks are text, not nesting.
#[test]
fn brackets_in_text_do_not_count() {
    let many = "(".repeat(40);
    let text = format!(
        "{HEAD}// {many}\nrule T001 texts {{\n    severity info\n    doc \"\"\"\n    {many}\n    \"\"\"\n    expect count(find(all_text(), /\\({{0,3}}/)) >= 0 and \"{many}\" != \"x\"\n    message \"{many}\"\n}}\n"
    );
    regulint::packs::from_text("texts.rules", &text).unwrap();
}

#[test]
fn a_list_that_doubles_itself_in_a_loop_is_refused() {
    let text = format!(
        "{HEAD}rule T001 doubling {{\n    severity info\n    let l = []\n    for m in find(all_text(), /./) {{\n        let l = [l, l]\n    }}\n    expect count(l) > 0\n    message \"x\"\n}}\n"
    );
    let (messages, spot) = errors(&text);
    assert_eq!(
        messages,
        ["`l` holds a larger value on every pass of this loop"]
    );
    assert_eq!(spot, "find(all_text(), /./)");
}

#[test]
fn constant_arithmetic_that_overflows_is_refused() {
    let (messages, spot) = errors(&rule("10000000000000000000000000000 * 10 > 0"));
    assert_eq!(
        messages,
        ["`*` overflows: regulint computes with 28 digits"]
    );
    assert_eq!(spot, "10000000000000000000000000000 * 10");
    // Too large to be a number at all.
    let (messages, _) = errors(&rule("100000000000000000000000000000 > 0"));
    assert_eq!(messages, ["number is too large"]);
}

#[test]
fn a_syntax_error_after_two_thousand_rules_is_reported_quickly() {
    let mut text = HEAD.to_owned();
    for n in 0..2_000 {
        let code = format!(
            "{}{:03}",
            char::from(b'A' + u8::try_from(n / 1000).unwrap()),
            n % 1000
        );
        text.push_str(&format!(
            "rule {code} generated-{n} {{\n    severity info\n    expect 1 + 1 == 2\n    message \"x\"\n}}\n"
        ));
    }
    text.push_str(
        "rule Z999 broken {\n    severity info\n    expect 1 + == 2\n    message \"x\"\n}\n",
    );
    let start = Instant::now();
    let (messages, spot) = errors(&text);
    let took = start.elapsed();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(spot, "==");
    // Linear: about 0.5 s in a debug build on the shared 2-core machine (it was quadratic, over 20 s, before).
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

fn compile_file(path: &Path) -> Vec<String> {
    match regulint::packs::from_file(path.to_str().unwrap()) {
        Ok(_) => panic!("{} compiled", path.display()),
        Err(e) => e.errors.iter().map(|e| e.message.clone()).collect(),
    }
}

#[test]
fn oversized_files_devices_and_fifos_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 50 MB: refused above `MAX_RULE_FILE_BYTES` without being read.
    let big = d.join("big.rules");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let fifo = d.join("pipe.rules");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let messages = compile_file(&big);
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].ends_with("larger than 4 MiB, the limit for a rule file"),
        "{messages:?}"
    );
    // Outside the pack's folder: refused without a look.
    let entry = d.join("entry.rules");
    std::fs::write(&entry, format!("{HEAD}import \"/dev/zero\"\n")).unwrap();
    let messages = compile_file(&entry);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("`/dev/zero` is outside the pack's folder"),
        "{messages:?}"
    );
    // With the whole file system as the pack's folder (`root "/"`), the reader still refuses.
    for import in ["big.rules", "/dev/zero", "pipe.rules"] {
        std::fs::write(
            &entry,
            format!("pack hostile {{ years 2019.. root \"/\" }}\nimport \"{import}\"\n"),
        )
        .unwrap();
        let messages = compile_file(&entry);
        assert_eq!(messages.len(), 1, "{messages:?}");
        let reason = if import == "big.rules" {
            "larger than 4 MiB"
        } else {
            "not a regular file"
        };
        assert!(
            messages[0].starts_with("cannot read imported rule file")
                && messages[0].contains(reason),
            "{import}: {messages:?}"
        );
    }
    // Nothing was read: a FIFO with no writer would block, /dev/zero never ends.
    assert!(start.elapsed() < Duration::from_secs(5));
}
