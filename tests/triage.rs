//! What a new user and a supervisor see: the human output leads with errors and folds what
//! could not be assessed; baselines accept known findings by fingerprint; `--min-severity`,
//! `--errors-only` and `--exit-zero`.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_regulint");
const EXAMPLE: &str = "examples/shijiazhuang-commerce-2020.txt";

fn regulint(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_example_shows_its_error_first_and_folds_what_cannot_be_assessed() {
    let output = regulint(repo(), &["lint", "--no-config", EXAMPLE]);
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    insta::assert_snapshot!("human_example", text);
    let error = text.find("error[T401").expect("the error is shown");
    let warning = text.find("warning[T305").expect("the warning is shown");
    assert!(error < warning, "errors come first");
    assert!(
        text.starts_with("error[T401"),
        "the first thing shown is the error"
    );
    assert!(
        !text.contains("note[T30"),
        "not-assessable results are folded"
    );
    assert!(
        text.contains("4 项勾稽关系因 138 个空白单元格无法核验，见 --show-unassessed"),
        "{text}"
    );
    assert!(
        text.contains("files with errors (1):\n  examples/shijiazhuang-commerce-2020.txt  1 error")
    );
}

#[test]
fn show_unassessed_shows_every_result() {
    let output = regulint(
        repo(),
        &["lint", "--no-config", "--show-unassessed", EXAMPLE],
    );
    let text = stdout(&output);
    assert_eq!(
        text.matches("无法核验（not assessable）").count(),
        4,
        "{text}"
    );
    assert!(!text.contains("见 --show-unassessed"));
    // Still errors first.
    assert!(text.starts_with("error[T401"));
}

#[test]
fn min_severity_and_errors_only() {
    for args in [
        &["lint", "--no-config", "--min-severity", "error", EXAMPLE][..],
        &["lint", "--no-config", "-E", EXAMPLE][..],
    ] {
        let output = regulint(repo(), args);
        assert_eq!(code(&output), 1);
        let text = stdout(&output);
        assert!(text.contains("error[T401"), "{text}");
        assert!(!text.contains("warning["), "{text}");
        assert!(
            !text.contains("无法核验"),
            "infos are left out, folded or not: {text}"
        );
    }
    // Warnings still shown at --min-severity warning; the JSON has only what is asked for.
    let json = regulint(
        repo(),
        &[
            "lint",
            "--no-config",
            "--min-severity",
            "warning",
            "--format",
            "json",
            EXAMPLE,
        ],
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let severities: Vec<&str> = value["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["warning", "error"]);
    // Contradictions are refused.
    let contradiction = regulint(
        repo(),
        &[
            "lint",
            "--no-config",
            "--fail-on",
            "warning",
            "--min-severity",
            "error",
            EXAMPLE,
        ],
    );
    assert_eq!(code(&contradiction), 2);
    assert!(stderr(&contradiction).contains("互相矛盾"));
}

#[test]
fn machine_output_keeps_everything_with_fingerprints() {
    let output = regulint(
        repo(),
        &["lint", "--no-config", "--format", "json", EXAMPLE],
    );
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = value["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 6, "nothing folded in JSON");
    for finding in findings {
        let fingerprint = finding["fingerprint"].as_str().unwrap();
        let code = finding["code"].as_str().unwrap();
        assert!(
            fingerprint.starts_with(&format!("{code}/")),
            "{fingerprint}"
        );
        assert!(finding["known"].is_null());
    }
    let sarif = regulint(
        repo(),
        &["lint", "--no-config", "--format", "sarif", EXAMPLE],
    );
    let value: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = value["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert!(results.iter().all(|r| r["partialFingerprints"].is_object()));
    assert_eq!(
        results.iter().filter(|r| r["level"] == "note").count(),
        4,
        "infos are SARIF notes"
    );
}

#[test]
fn exit_zero() {
    let output = regulint(repo(), &["lint", "--no-config", "--exit-zero", EXAMPLE]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).contains("error[T401"));
}

/// The text reports of the corpus, copied into a temporary folder.
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::corpus();
    for sub in ["seed", "real", "encodings"] {
        let Ok(entries) = std::fs::read_dir(corpus.join(sub)) else {
            continue;
        };
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for entry in entries.flatten() {
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ["txt", "md", "html"].contains(&ext) {
                std::fs::copy(&path, dir.path().join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
    dir
}

fn findings_of(json: &serde_json::Value, path: &str) -> Vec<serde_json::Value> {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} linted"))["findings"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_baseline_keeps_old_findings_known_after_edits_and_reports_new_ones() {
    let dir = corpus_copy();
    let d = dir.path();
    let seed = "seed/000_89e69b0ea362684d.txt";

    let write = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--write-baseline",
            "baseline.json",
            "--quiet",
            ".",
        ],
    );
    assert_eq!(code(&write), 0, "{}", stderr(&write));
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["kind"], "regulint-baseline");
    assert_eq!(baseline["version"], 1);

    let before = regulint(d, &["lint", "--no-config", "--format", "json", "."]);
    let before: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    let old_t401 = findings_of(&before, seed)
        .into_iter()
        .find(|f| f["code"] == "T401")
        .expect("the seed's table-4 error");

    // A new error (C006: the text says 2 requests were granted, table 3 says 0) and an
    // unrelated line inserted near the top, above the old finding, which moves it down a line.
    let text = std::fs::read_to_string(d.join(seed)).unwrap();
    let sentence = "2020 年市商务局未收到依申请公开政府信息事项";
    assert_eq!(text.matches(sentence).count(), 1);
    let mut edited = text.replacen(
        sentence,
        "2020 年市商务局收到依申请公开政府信息事项2件，其中予以公开2件",
        1,
    );
    let first_break = edited.find('\n').unwrap();
    edited.insert_str(first_break + 1, "（本报告经局务会审议通过。）\n");
    std::fs::write(d.join(seed), edited).unwrap();

    let after = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(code(&after), 1, "the new error fails the run");
    let after_json: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    let findings = findings_of(&after_json, seed);
    let t401 = findings.iter().find(|f| f["code"] == "T401").unwrap();
    assert_eq!(
        t401["line"],
        old_t401["line"].as_u64().unwrap() + 1,
        "it moved"
    );
    assert_eq!(
        t401["fingerprint"], old_t401["fingerprint"],
        "fingerprint unchanged"
    );
    assert_eq!(t401["known"]["by"], "baseline");
    let new: Vec<&serde_json::Value> = findings.iter().filter(|f| f["known"].is_null()).collect();
    assert!(
        new.iter()
            .any(|f| f["code"] == "C006" && f["severity"] == "error"),
        "the new error is reported: {new:?}"
    );
    // Every other file's findings are all known.
    for file in after_json["files"].as_array().unwrap() {
        if file["path"] != seed {
            for f in file["findings"].as_array().unwrap() {
                assert_eq!(f["known"]["by"], "baseline", "{}: {f}", file["path"]);
            }
        }
    }

    // Human output: the new error shown, the known ones folded in one line per report.
    let human = regulint(
        d,
        &["lint", "--no-config", "--baseline", "baseline.json", seed],
    );
    let text = stdout(&human);
    assert!(text.contains("error[C006"), "{text}");
    assert!(!text.contains("error[T401"), "{text}");
    assert!(text.contains("项已知问题未显示"), "{text}");
    // SARIF: baselineState.
    let sarif = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--baseline",
            "baseline.json",
            "--format",
            "sarif",
            seed,
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let states: Vec<(&str, &str)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["baselineState"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(states.contains(&("T401", "unchanged")), "{states:?}");
    assert!(states.contains(&("C006", "new")), "{states:?}");
}

#[test]
fn broken_baselines_are_named_with_their_line_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(common::seed(), d.join("report.txt")).unwrap();
    std::fs::write(d.join("bad.json"), "{\n  \"kind\": \"regulint-baseline\",\n  \"version\": 1,\n  \"findings\": [\n    {\"path\": \"report.txt\",}\n  ]\n}\n").unwrap();
    let output = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--baseline",
            "bad.json",
            "report.txt",
        ],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("bad.json:5:"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("error[T401"), "the run went on");

    std::fs::write(
        d.join("v9.json"),
        "{\"kind\": \"regulint-baseline\", \"version\": 9, \"findings\": []}",
    )
    .unwrap();
    let output = regulint(
        d,
        &["lint", "--no-config", "--baseline", "v9.json", "report.txt"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("v9.json:1: baseline version 9"),
        "{}",
        stderr(&output)
    );

    std::fs::write(
        d.join("gone.json"),
        "{\"kind\": \"regulint-baseline\", \"version\": 1, \"findings\": [\n{\"path\": \"gone.txt\", \"code\": \"T401\", \"fingerprint\": \"T401/0000000000000000\", \"message\": \"\"}\n]}",
    )
    .unwrap();
    let output = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--baseline",
            "gone.json",
            "report.txt",
        ],
    );
    assert_eq!(
        code(&output),
        1,
        "an unknown file is a warning, not a failure of the tool"
    );
    assert!(
        stderr(&output).contains("gone.json:2: `gone.txt` is not a file"),
        "{}",
        stderr(&output)
    );
}
