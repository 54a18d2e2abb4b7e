//! `regulint fmt`: rule files laid out uniformly, without changing what they mean.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_regulint");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The syntax tree without positions (`a..b` ranges): what a file means.
fn meaning(name: &str, text: &str) -> String {
    let ast = regulint::dsl::parser::parse(0, text)
        .unwrap_or_else(|e| panic!("{name} does not parse: {}", e.message));
    let debug = format!("{ast:?}");
    let chars: Vec<char> = debug.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        // Skip `digits..digits`.
        if chars[i].is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if chars.get(j) == Some(&'.') && chars.get(j + 1) == Some(&'.') {
                let mut k = j + 2;
                while k < chars.len() && chars[k].is_ascii_digit() {
                    k += 1;
                }
                i = k;
                continue;
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Every `.rules` file under a folder.
fn rule_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rules") {
            out.push(path);
        }
    }
}

#[test]
fn the_projects_rule_files_are_formatted() {
    let output = Command::new(BIN)
        .args(["fmt", "--check", "rules/", "examples/"])
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// Scrambled indentation, trailing spaces and tripled blank lines in every rule file of the project: formatting
/// restores each file exactly, and keeps its meaning at every step.
#[test]
fn formatting_restores_scrambled_files_and_keeps_their_meaning() {
    let mut files = Vec::new();
    rule_files(&Path::new(ROOT).join("rules"), &mut files);
    rule_files(&Path::new(ROOT).join("examples"), &mut files);
    assert!(files.len() > 50);
    for path in files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut in_doc = false;
        let scrambled: String = text
            .lines()
            .enumerate()
            .map(|(i, line)| {
                let keep = in_doc;
                if line.matches("\"\"\"").count() % 2 == 1 {
                    in_doc = !in_doc;
                }
                if keep {
                    format!("{line}\n")
                } else if line.trim().is_empty() {
                    // A blank line becomes three (formatting makes them one again).
                    "\n  \n\t\n".to_owned()
                } else {
                    let indent = " ".repeat(i % 7);
                    // Not after a `"""` that opens a doc block: that would be its text.
                    let trailing = if line.contains("\"\"\"") { "" } else { "  " };
                    format!("{indent}{}{trailing}\n", line.trim())
                }
            })
            .collect();
        let formatted = regulint::dsl::fmt::format(&scrambled);
        assert_eq!(formatted, text, "{name} is not restored");
        assert_eq!(regulint::dsl::fmt::format(&formatted), formatted, "{name}");
        assert_eq!(meaning(&name, &scrambled), meaning(&name, &text), "{name}");
    }
}

#[test]
fn check_reports_and_fmt_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("messy.rules");
    let messy = "rule T001 messy {\nseverity info\n  expect true\n     message \"x\"\n}\n";
    std::fs::write(&file, messy).unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let check = run(&["fmt", "--check", "."]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("not formatted: ./messy.rules"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy);
    assert_eq!(run(&["fmt", "messy.rules"]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "rule T001 messy {\n    severity info\n    expect true\n    message \"x\"\n}\n"
    );
    assert_eq!(run(&["fmt", "--check", "."]).status.code(), Some(0));
}

/// Snapshot diffs bracket the characters that changed inside a changed line.
#[test]
fn snapshot_diffs_mark_the_changed_characters() {
    let old = "表三「自然人」列：新收 + 上年结转 = 706 + 36 = 742，相差 1\nsame\n";
    let new = "表三「自然人」列：新收 + 上年结转 = 705 + 36 = 741，相差 1\nsame\n";
    let diff = regulint::ruletest::diff(old, new);
    assert!(
        diff.contains("-表三「自然人」列：新收 + 上年结转 = 70[-6-] + 36 = 74[-2-]，相差 1"),
        "{diff}"
    );
    assert!(
        diff.contains("+表三「自然人」列：新收 + 上年结转 = 70{+5+} + 36 = 74{+1+}，相差 1"),
        "{diff}"
    );
    assert!(diff.contains(" same"), "{diff}");
}
