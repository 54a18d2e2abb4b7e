//! The demo pack in `examples/demo-pack/`: a pack written from scratch in the rule language,
//! linted with `--rules`, and tested with `regulint test` (including a broken snapshot).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_regulint");

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-pack")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("REGULINT_CORPUS", common::corpus())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

#[test]
fn lint_with_the_demo_pack_finds_only_the_table4_shape_error() {
    let pack = demo().join("pack.rules");
    let seed = common::seed();
    let output = run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "lint",
            "--rules",
            &pack.to_string_lossy(),
            "--format",
            "json",
            &seed.to_string_lossy(),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "an error was found");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = &json["files"][0];
    assert_eq!(file["pack"], "demo");
    let findings: Vec<(String, String, String, u64)> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["outcome"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The seed report, line by line:
    // - D001/D002: all six headings are present and in order (lines 9, 33, 54, 85, 92, 100);
    // - D003: the preamble (line 7) gives 电话0311-86689429 and 电子邮箱sjzswjjy@163.com;
    // - D004: the period is 自2020年1月1日至2020年12月31日 for a report on 2020;
    // - D005: the value row of table 4 (line 90) has 16 numbers, not 15: the one error;
    // - D006: table 3 fills only the 总计 column; there 0 + 0 = 0 + 0 holds, and the six
    //   other columns are blank, so the identity cannot be checked for them: a
    //   not-assessable note (info) at the first blank cell of 新收 (line 59), not a failure.
    assert_eq!(
        findings,
        vec![
            ("D006".into(), "info".into(), "not-assessable".into(), 59),
            ("D005".into(), "error".into(), "fail".into(), 90),
        ],
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn regulint_test_passes_on_the_demo_pack() {
    // Derived fixtures are shown by their path as reached from the working directory, so the
    // snapshots (accepted with `cargo run -- test examples/demo-pack --accept`) name
    // `examples/demo-pack/fixtures/…`: run from the checkout with that relative path.
    let output = run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["test", "examples/demo-pack"],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let fixtures = walk(&demo().join("fixtures")).len();
    assert!(fixtures >= 12, "{fixtures} fixtures");
    assert!(
        stdout.contains(&format!("\n{fixtures} passed, 0 failed")),
        "{stdout}"
    );
    // Every rule of the pack has a fail fixture that makes it fire.
    assert!(!stdout.contains("no fail fixture makes fire"), "{stdout}");
}

#[test]
fn a_wrong_snapshot_fails_with_a_readable_diff() {
    let temp = tempfile::tempdir().unwrap();
    // Same relative path as in the checkout, so only the edited snapshot differs.
    let copy = temp.path().join("examples/demo-pack");
    copy_dir(&demo(), &copy);
    let snap = copy.join("snapshots/D005__fail-seed.snap");
    let text = std::fs::read_to_string(&snap).unwrap();
    let edited = text.replace("实际有 16 个", "实际有 17 个");
    assert_ne!(text, edited, "the snapshot holds the message");
    std::fs::write(&snap, edited).unwrap();

    let output = run(temp.path(), &["test", "examples/demo-pack"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAILED D005 fail-seed"), "{stdout}");
    assert!(stdout.contains("snapshot differs"), "{stdout}");
    let lines: Vec<&str> = stdout.lines().map(str::trim_start).collect();
    assert!(
        lines.contains(&"-error[D005/table4-value-count]: 表四应有 15 个数值，实际有 1[-7-] 个"),
        "{stdout}"
    );
    assert!(
        lines.contains(&"+error[D005/table4-value-count]: 表四应有 15 个数值，实际有 1{+6+} 个"),
        "{stdout}"
    );
    let fixtures = walk(&copy.join("fixtures")).len();
    assert!(
        stdout.contains(&format!("\n{} passed, 1 failed", fixtures - 1)),
        "{stdout}"
    );
    // The new output is kept beside the snapshot for review.
    assert!(copy.join("snapshots/D005__fail-seed.snap.new").is_file());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
