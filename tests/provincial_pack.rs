//! The provincial-style pack in `examples/provincial-pack/`: built on the national pack
//! (`import builtin "gov-2021"`), one national rule's severity overridden, five `zj/` rules
//! (percent shares, per-row prose, year agreement, township attributes, a rule for 2023 on),
//! tested with `regulint test` like any pack, plus the author's workflow around it
//! (`regulint test .`, `--require-coverage`, `expect = […]`, accepting removes `.snap.new`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_regulint");

fn pack_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/provincial-pack")
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

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_pack_passes_its_fixtures_with_full_coverage() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = run(
        root,
        &["test", "examples/provincial-pack", "--require-coverage"],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("10 passed, 0 failed"), "{text}");
    // Its own rules only: the national rules are covered by the national fixtures.
    assert!(!text.contains("no fail fixture"), "{text}");
    // The same from inside the folder, with the same snapshots.
    let inside = run(&pack_dir(), &["test", "."]);
    assert_eq!(inside.status.code(), Some(0), "{}", stdout(&inside));
    assert!(stdout(&inside).contains("10 passed, 0 failed"));
}

#[test]
fn the_national_rule_is_a_warning_and_the_provincial_rules_run() {
    let pack = pack_dir().join("pack.rules");
    let lint = |report: &str, provincial: bool| -> serde_json::Value {
        let report = common::corpus().join(report);
        let mut args = vec!["lint", "--format", "json"];
        if provincial {
            args.extend(["--rules", pack.to_str().unwrap()]);
        }
        args.push(report.to_str().unwrap());
        let output = run(Path::new(env!("CARGO_MANIFEST_DIR")), &args);
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let severity_of = |doc: &serde_json::Value, code: &str| -> Vec<String> {
        doc["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == code)
            .map(|f| f["severity"].as_str().unwrap().to_owned())
            .collect()
    };
    // Hongze's table 3 lacks rows (the 2019 template): the national warning is an error here.
    let hongze = "real/huaian-hongze-district-gov-2023.pdf";
    assert_eq!(severity_of(&lint(hongze, false), "T306"), ["warning"]);
    assert_eq!(severity_of(&lint(hongze, true), "T306"), ["error"]);
    // A 2024 report: the rule for 2023 on runs and finds no supervision paragraph.
    let stcsm = "real/shanghai-stcsm-2024.md";
    let (national, provincial) = (lint(stcsm, false), lint(stcsm, true));
    assert_eq!(severity_of(&provincial, "zj/L105"), ["warning"]);
    // Every national finding is still there.
    let codes = |doc: &serde_json::Value| -> Vec<String> {
        let mut codes: Vec<String> = doc["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .filter(|c| !c.starts_with("zj/"))
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(codes(&national), codes(&provincial));
}

/// A copy of the pack in a temporary folder (under the same folder name, which snapshots
/// show), to break on purpose.
fn copy_of_the_pack() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("provincial-pack");
    std::fs::create_dir_all(&copy).unwrap();
    let mut stack = vec![pack_dir()];
    while let Some(from) = stack.pop() {
        for entry in std::fs::read_dir(&from).unwrap().flatten() {
            let to = copy.join(entry.path().strip_prefix(pack_dir()).unwrap());
            if entry.path().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
                stack.push(entry.path());
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
    }
    (dir, copy)
}

#[test]
fn expectations_and_coverage_can_fail() {
    let (_dir, copy) = copy_of_the_pack();
    let d = copy.as_path();
    // A wrong line in `expect`.
    let fixture = d.join("fixtures/zj/L101/fail-share-misstated.fixture.toml");
    let text = std::fs::read_to_string(&fixture).unwrap();
    std::fs::write(&fixture, text.replace("zj/L101@81", "zj/L101@80")).unwrap();
    // A rule no fixture makes fire.
    let pack = std::fs::read_to_string(d.join("pack.rules")).unwrap();
    std::fs::write(
        d.join("pack.rules"),
        format!("{pack}\nrule zj/L199 never-tested {{\n    severity info\n    expect true\n    message \"x\"\n}}\n"),
    )
    .unwrap();
    let output = run(d, &["test", ".", "--require-coverage"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("expected zj/L101@80 to fail, but it did not"),
        "{text}"
    );
    assert!(
        text.contains("zj/L101@81 was not expected to fail"),
        "{text}"
    );
    assert!(
        text.contains("zhejiang-2021 zj/L199 never-tested"),
        "{text}"
    );
    assert!(
        text.contains("coverage required: 1 rule without a firing fail fixture"),
        "{text}"
    );
}

#[test]
fn accepting_a_snapshot_removes_its_pending_new_one() {
    let (_dir, copy) = copy_of_the_pack();
    let d = copy.as_path();
    let snap = d.join("snapshots/zj/L105__fail-2024-no-supervision.snap");
    let text = std::fs::read_to_string(&snap).unwrap();
    std::fs::write(&snap, text.replace("监督考核", "监督")).unwrap();
    let check = run(d, &["test", "."]);
    assert_eq!(check.status.code(), Some(1));
    let pending = snap.with_extension("snap.new");
    assert!(pending.exists());
    let accept = run(d, &["test", ".", "--accept"]);
    assert_eq!(accept.status.code(), Some(0), "{}", stdout(&accept));
    assert!(!pending.exists(), "the .snap.new was left behind");
    assert_eq!(std::fs::read_to_string(&snap).unwrap(), text);
}
