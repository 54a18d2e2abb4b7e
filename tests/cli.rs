//! The binary end to end: exit codes, unreadable files in a batch, stdin, broken pipes, and
//! configuration errors.

mod common;

use common::{code, regulint, stderr};

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_regulint");

/// A temporary folder holding a clean and a broken report.
fn reports() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.txt"), common::clean_seed()).unwrap();
    std::fs::copy(common::seed(), dir.path().join("broken.txt")).unwrap();
    dir
}

#[test]
fn exit_codes() {
    let dir = reports();
    let d = dir.path();
    assert_eq!(code(&regulint(d, &["lint", "clean.txt"])), 0);
    assert_eq!(code(&regulint(d, &["lint", "broken.txt"])), 1);
    assert_eq!(code(&regulint(d, &["lint"])), 1, "the folder, by default");
    assert_eq!(
        code(&regulint(d, &["lint", "--ignore", "T401", "broken.txt"])),
        0
    );
    assert_eq!(
        code(&regulint(d, &["lint", "--select", "T3", "broken.txt"])),
        0
    );
    assert_eq!(
        code(&regulint(d, &["lint", "--select", "T4", "broken.txt"])),
        1
    );

    let missing = regulint(d, &["lint", "clean.txt", "nowhere.txt"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("nowhere.txt"),
        "{}",
        stderr(&missing)
    );

    std::fs::create_dir(d.join("empty")).unwrap();
    let empty = regulint(d, &["lint", "empty"]);
    assert_eq!(code(&empty), 2);
    assert!(
        stderr(&empty).contains("no report files found"),
        "{}",
        stderr(&empty)
    );

    assert_eq!(code(&regulint(d, &["lint", "--format", "yaml"])), 2);
    // A pack by name or by year; an unknown pack is the tool's error.
    assert_eq!(
        code(&regulint(d, &["lint", "--pack", "gov-2019", "clean.txt"])),
        0
    );
    assert_eq!(
        code(&regulint(d, &["lint", "--pack", "2021", "clean.txt"])),
        1,
        "the 2020 report uses the 2019 tables"
    );
    assert_eq!(
        code(&regulint(d, &["lint", "--pack", "gov-2030", "clean.txt"])),
        2
    );
    assert_eq!(code(&regulint(d, &["lint", "--select", "t3"])), 2);
    assert_eq!(
        code(&regulint(d, &["lint", "--summary", "--format", "json"])),
        2
    );
}

#[test]
fn severity_overrides_and_fail_on() {
    let dir = reports();
    let d = dir.path();
    std::fs::write(d.join("regulint.toml"), "[severity]\nT401 = \"warning\"\n").unwrap();
    assert_eq!(code(&regulint(d, &["lint", "broken.txt"])), 0);
    assert_eq!(
        code(&regulint(
            d,
            &["lint", "--fail-on", "warning", "broken.txt"]
        )),
        1
    );
    assert_eq!(
        code(&regulint(d, &["lint", "--no-config", "broken.txt"])),
        1
    );
}

#[test]
fn unreadable_files_are_reported_and_never_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let corpus = common::corpus();
    // The whole corpus (MANIFEST.tsv is not a report: the walker skips .tsv).
    for name in common::CORPUS_FILES {
        let to = d.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(corpus.join(name), to).unwrap();
    }
    let mut binary = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    binary.extend((0u8..=255).cycle().take(2000));
    std::fs::write(d.join("binary.txt"), binary).unwrap();
    // Not UTF-8, not GB18030, not UTF-16: a BOM followed by an unpaired surrogate.
    std::fs::write(d.join("garbage.md"), b"\xff\xfe\x00\xd8\x41\x00garbage\x80").unwrap();

    let output = regulint(d, &["lint", ".", "--format", "json", "--jobs", "2"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files = json["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = common::CORPUS_FILES
        .iter()
        .copied()
        .chain(["binary.txt", "garbage.md"])
        .collect();
    expected.sort_unstable();
    assert_eq!(paths, expected, "every file, sorted by path");
    let errors: Vec<(&str, bool)> = files
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["error"].is_string()))
        .collect();
    assert_eq!(
        errors
            .iter()
            .filter(|(_, e)| *e)
            .map(|(p, _)| *p)
            .collect::<Vec<_>>(),
        ["binary.txt", "garbage.md"]
    );
    assert_eq!(json["summary"]["unreadable"], 2);
    assert_eq!(json["summary"]["files"], 10);

    // The human format names them too.
    let human = regulint(d, &["lint", ".", "--color", "never"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("binary.txt: the file looks binary"), "{text}");
    assert!(text.contains("garbage.md: "), "{text}");
    // Errors: the seed and its two encodings (T401), Hongze (T402, X001), Shanghai 2019 (C007:
    // 「行政复议7件，诉讼9件，均获维持」 while its table 4 has cases not yet concluded).
    assert!(
        text.contains("10 files: 0 clean, 4 with errors, 4 with warnings, 2 unreadable"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_unreadable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = reports();
    let locked = dir.path().join("locked.txt");
    std::fs::write(&locked, common::clean_seed()).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        return; // Running as root: permissions do not apply.
    }
    let output = regulint(dir.path(), &["lint", "--summary", "--color", "never"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("locked.txt") && text.contains("unreadable"),
        "{text}"
    );
    assert_eq!(code(&output), 1);
}

#[test]
fn summary_table() {
    let dir = reports();
    let output = regulint(dir.path(), &["lint", "--summary", "--color", "never"]);
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn stdin() {
    let mut child = Command::new(BIN)
        .args(["lint", "-", "--format", "github"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(common::seed()).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 1);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=<stdin>,line=90,col=1,") && l.contains("T401")),
        "{text}"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..200 {
        std::fs::copy(common::seed(), dir.path().join(format!("{i:03}.txt"))).unwrap();
    }
    let mut child = Command::new(BIN)
        .args(["lint", "--color", "never", "--jobs", "2"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then hang up, like `| head -n 1`.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn unknown_configuration_keys_point_into_the_file() {
    let dir = reports();
    std::fs::write(
        dir.path().join("regulint.toml"),
        "pack = \"2021\"\nselects = [\"T3\"]\n\n[severity]\nT301 = \"warning\"\n",
    )
    .unwrap();
    let nested = dir.path().join("sub");
    std::fs::create_dir(&nested).unwrap();
    // Found by walking up from the working folder.
    let output = regulint(&nested, &["lint", "--color", "never", "../clean.txt"]);
    assert_eq!(code(&output), 2);
    let text = stderr(&output).replace(&dir.path().display().to_string(), "[dir]");
    insta::assert_snapshot!(text);
}

#[test]
fn bad_configuration_values_point_at_the_value() {
    let dir = reports();
    std::fs::write(
        dir.path().join("regulint.toml"),
        "exclude = [\"drafts/[\"]\n",
    )
    .unwrap();
    let output = regulint(dir.path(), &["lint", "--color", "never"]);
    assert_eq!(code(&output), 2);
    let text = stderr(&output).replace(&dir.path().display().to_string(), "[dir]");
    insta::assert_snapshot!(text);
}

#[test]
fn exclude_globs_and_gitignore_are_respected() {
    let dir = reports();
    let d = dir.path();
    std::fs::create_dir(d.join("drafts")).unwrap();
    std::fs::copy(common::seed(), d.join("drafts/old.txt")).unwrap();
    std::fs::create_dir(d.join(".hidden")).unwrap();
    std::fs::copy(common::seed(), d.join(".hidden/x.txt")).unwrap();
    std::fs::write(d.join("notes.odt"), b"PK").unwrap();
    std::fs::write(
        d.join("regulint.toml"),
        "exclude = [\"drafts/**\", \"broken.txt\"]\n",
    )
    .unwrap();
    let output = regulint(d, &["lint", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["clean.txt"]);
    assert_eq!(code(&output), 0);
}

#[test]
fn inspect() {
    let output = regulint(
        Path::new("."),
        &[
            "inspect",
            common::seed().to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["encoding"], "utf-8");
}

/// Codes that no rule gives (an unreadable file, a collection's missing agency) are explained
/// like rules, and a misspelt one gets a suggestion.
#[test]
fn explain_documents_the_codes_regulint_gives_itself() {
    let dir = tempfile::tempdir().unwrap();
    for (code, name) in [
        ("M003", "agency-not-reported"),
        ("e0001", "unreadable-file"),
    ] {
        let output = regulint(dir.path(), &["explain", code]);
        assert_eq!(common::code(&output), 0, "{}", stderr(&output));
        let page = common::stdout(&output);
        assert!(
            page.starts_with(&format!("# {} {name}", code.to_ascii_uppercase())),
            "{page}"
        );
        assert!(page.contains("怎么办"), "{page}");
    }
    let output = regulint(dir.path(), &["explain", "M0003"]);
    assert_eq!(common::code(&output), 2);
    assert!(
        stderr(&output).contains("did you mean `M003`?"),
        "{}",
        stderr(&output)
    );
}
