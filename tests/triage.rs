//! What a new user and a supervisor see: the human output leads with errors and folds what
//! could not be assessed; baselines accept known findings by fingerprint; `--min-severity`,
//! `--errors-only` and `--exit-zero`.

mod common;

use common::{code, regulint, stderr, stdout};

use std::path::Path;
use std::process::Command;

const EXAMPLE: &str = "examples/shijiazhuang-commerce-2020.txt";

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
    assert_eq!(text.matches("   = 无法核验\n").count(), 4, "{text}");
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
    // The audit page counts and marks them.
    let page = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--baseline",
            "baseline.json",
            "--format",
            "html",
            seed,
        ],
    );
    let page = stdout(&page);
    let rows = overview_rows(&page);
    assert_eq!(rows[0]["errors"], 1, "only the new error counts");
    assert!(rows[0]["known"].as_u64().unwrap() >= 1);
    assert!(page.contains("已知（基线）"));
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

/// A folder with the seed report (one T401 error, one T305 warning, four not-assessable
/// notes) and a regulint.toml.
fn with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    std::fs::copy(common::seed(), dir.path().join("reports/shijiazhuang.txt")).unwrap();
    std::fs::write(dir.path().join("regulint.toml"), config).unwrap();
    dir
}

#[test]
fn waivers_accept_findings_with_a_reason_until_they_expire() {
    let dir = with_config(
        "[[waiver]]\nfile = \"reports/*.txt\"\ncode = \"T401\"\nreason = \"表四按原件照录\"\nexpires = 2999-12-31\n",
    );
    let output = regulint(dir.path(), &["lint", "reports", "--format", "json"]);
    assert_eq!(
        code(&output),
        0,
        "the only error is waived: {}",
        stderr(&output)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let t401 = findings_of(&json, "reports/shijiazhuang.txt")
        .into_iter()
        .find(|f| f["code"] == "T401")
        .unwrap();
    assert_eq!(t401["known"]["by"], "waiver");
    assert_eq!(t401["known"]["reason"], "表四按原件照录");
    assert!(
        t401["known"]["at"]
            .as_str()
            .unwrap()
            .ends_with("regulint.toml:1")
    );
    let sarif = regulint(dir.path(), &["lint", "reports", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let waived = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "T401")
        .unwrap();
    assert_eq!(waived["suppressions"][0]["justification"], "表四按原件照录");

    // By agency (the organ the title names), then expired: the finding is back, and the
    // waiver is reported at its line.
    let dir = with_config(
        "[[waiver]]\nagency = \"石家庄市商务局\"\ncode = \"T4\"\nreason = \"r\"\nexpires = 2999-12-31\n",
    );
    assert_eq!(code(&regulint(dir.path(), &["lint", "reports"])), 0);
    let dir = with_config(
        "[[waiver]]\nagency = \"石家庄市商务局\"\ncode = \"T4\"\nreason = \"r\"\nexpires = 2001-01-01\n",
    );
    let output = regulint(dir.path(), &["lint", "reports"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("regulint.toml:5:11"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("expired on 2001-01-01"),
        "{}",
        stderr(&output)
    ); // The expired waiver is a finding of its own, in every format.
    assert!(
        stdout(&output).contains("warning[W001/waiver-expired]"),
        "{}",
        stdout(&output)
    );
    let json = regulint(dir.path(), &["lint", "reports", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = findings_of(&json, "reports/shijiazhuang.txt");
    let expired = findings.iter().find(|f| f["code"] == "W001").unwrap();
    assert_eq!(expired["severity"], "warning");
    assert!(expired["message"].as_str().unwrap().contains("2001-01-01"));
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "T401" && f["known"].is_null())
    );
}

#[test]
fn unusable_and_stale_waivers_are_reported_and_the_run_goes_on() {
    let dir = with_config(concat!(
        "ignore = [\"T305\"]\n",
        "\n",
        "[[waiver]]\n",
        "file = \"reports/*.txt\"\n",
        "code = \"T401\"\n",
        "expires = 2999-12-31\n",
        "\n",
        "[[waiver]]\n",
        "file = \"elsewhere/*.txt\"\n",
        "code = \"T401\"\n",
        "reason = \"another report\"\n",
        "expires = 2999-12-31\n",
        "\n",
        "[[waiver]]\n",
        "file = \"reports/*.txt\"\n",
        "code = \"C0\"\n",
        "reason = \"fixed since\"\n",
        "expires = 2999-12-31\n",
    ));
    let output = regulint(dir.path(), &["lint", "reports"]);
    let err = stderr(&output);
    assert_eq!(
        code(&output),
        1,
        "the waiver without a reason is not used: {err}"
    );
    assert!(err.contains("regulint.toml:3:1"), "{err}");
    assert!(err.contains("waiver without a `reason`"), "{err}");
    assert!(err.contains("regulint.toml:8:1"), "{err}");
    assert!(err.contains("no file of this run matches"), "{err}");
    assert!(err.contains("regulint.toml:14:1"), "{err}");
    assert!(err.contains("matched no finding in this run"), "{err}");
    // The rest of the configuration was used.
    assert!(!stdout(&output).contains("T305"));
}

#[test]
fn overrides_and_extend_semantics() {
    let dir = with_config(concat!(
        "select = [\"T4\"]\n",
        "\n",
        "[[override]]\n",
        "files = [\"reports/**\"]\n",
        "severity = { T401 = \"warning\" }\n",
    ));
    let output = regulint(dir.path(), &["lint", "reports", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<String> = findings_of(&json, "reports/shijiazhuang.txt")
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(codes, ["T401:warning", "T402:info"]);
    assert_eq!(code(&output), 0);
    // --extend-select adds to the configuration's selection; --select replaces it.
    let extended = regulint(
        dir.path(),
        &[
            "lint",
            "reports",
            "--extend-select",
            "T305",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&extended.stdout).unwrap();
    let codes: Vec<String> = findings_of(&json, "reports/shijiazhuang.txt")
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes, ["T305", "T401", "T402"]);
    let replaced = regulint(
        dir.path(),
        &["lint", "reports", "--select", "T305", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&replaced.stdout).unwrap();
    assert_eq!(findings_of(&json, "reports/shijiazhuang.txt").len(), 1);
}

#[test]
fn what_cannot_be_right_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(common::seed(), d.join("report.txt")).unwrap();
    let refused = |args: &[&str], expected: &str| {
        let output = regulint(d, args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    };
    // A code that matches no rule, with the nearest code suggested (a typo no longer turns
    // every check off).
    refused(
        &["lint", "--no-config", "--select", "T4O1", "report.txt"],
        "did you mean `T401`?",
    );
    refused(
        &["lint", "--no-config", "--ignore", "T99", "report.txt"],
        "规则编号 `T99` 不存在",
    );
    refused(
        &["lint", "--no-config", "--extend-select", "Z1", "report.txt"],
        "matches no rule",
    );
    // The same in the configuration, pointing at the code.
    std::fs::write(d.join("bad.toml"), "select = [\"T3\", \"T39\"]\n").unwrap();
    refused(
        &["lint", "--config", "bad.toml", "report.txt"],
        "bad.toml:1:17",
    );
    // A year no pack covers.
    refused(
        &["lint", "--no-config", "--year", "2012", "report.txt"],
        "--year 2012 is outside",
    );
    // -o whose extension is another format's.
    refused(
        &[
            "lint",
            "--no-config",
            "--format",
            "json",
            "-o",
            "out.html",
            "report.txt",
        ],
        "pass --format html",
    );
    // regulint test on a folder with no fixtures.
    refused(&["test", "."], "no rule fixtures in .");
    // --rules whose pack does not cover the report's year: the file's error, named.
    std::fs::write(
        d.join("future.rules"),
        "pack future-only {\n    title \"t\"\n    years 2030..\n    version \"1\"\n}\n",
    )
    .unwrap();
    let output = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--rules",
            "future.rules",
            "report.txt",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("no pack of --rules covers report year 2020"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn files_that_are_not_reports_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(common::seed(), d.join("report.txt")).unwrap();
    std::fs::write(d.join("README.md"), "# 年报\n本文件夹收存各部门年报。\n").unwrap();
    std::fs::write(d.join("notes.txt"), "会议纪要：下周讨论预算。\n").unwrap();
    let first = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--format",
            "json",
            "-o",
            "out.json",
            ".",
        ],
    );
    assert_eq!(code(&first), 1);
    let second = regulint(d, &["lint", "--no-config", "--format", "json", "."]);
    let json: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    let paths: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["report.txt"], "only the report is linted");
    let skipped: Vec<(&str, &str)> = json["summary"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["path"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped
            .iter()
            .any(|(p, r)| *p == "README.md" && r.contains("project file"))
    );
    assert!(
        skipped
            .iter()
            .any(|(p, r)| *p == "out.json" && r.contains("own JSON output"))
    );
    assert!(
        skipped
            .iter()
            .any(|(p, r)| *p == "notes.txt" && r.contains("not a disclosure report"))
    );

    // A file named explicitly but excluded by the configuration is linted, with a note.
    std::fs::write(d.join("regulint.toml"), "exclude = [\"report.txt\"]\n").unwrap();
    let named = regulint(d, &["lint", "report.txt"]);
    assert_eq!(code(&named), 1);
    assert!(stderr(&named).contains("excluded by the configuration, but linted"));
}

/// The rows embedded in an audit page.
fn overview_rows(html: &str) -> Vec<serde_json::Value> {
    let start = html
        .find("<script type=\"application/json\" id=\"rl-rows\">")
        .expect("the rows are embedded")
        + "<script type=\"application/json\" id=\"rl-rows\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str::<Vec<serde_json::Value>>(&html[start..end]).unwrap()
}

#[test]
fn the_audit_page_has_an_overview_and_lazy_details_without_markup() {
    let dir = corpus_copy();
    let output = regulint(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "html",
            "-o",
            "audit.html",
            ".",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let html = std::fs::read_to_string(dir.path().join("audit.html")).unwrap();
    // Self-contained: no external script, style or image.
    for external in ["src=", "<link", "@import", "http://", "https://"] {
        assert!(!html.contains(external), "{external} in the page");
    }
    // The overview's header comes before any report's details, and the rows are data.
    let overview = html.find("<table id=\"overview\">").unwrap();
    let first_detail = html.find("<script type=\"text/html\"").unwrap();
    assert!(overview < first_detail);
    for key in [
        "agency", "year", "pack", "errors", "warnings", "known", "status", "path",
    ] {
        assert!(
            html.contains(&format!("data-key=\"{key}\"")),
            "sortable by {key}"
        );
    }
    let rows = overview_rows(&html);
    assert!(rows.len() >= 8, "{}", rows.len());
    let seed = rows
        .iter()
        .find(|r| r["path"] == "seed/000_89e69b0ea362684d.txt")
        .unwrap();
    assert_eq!(seed["agency"], "石家庄市商务局");
    assert_eq!(seed["year"], 2020);
    assert_eq!(seed["errors"], 1);
    assert_eq!(seed["status"], "errors");
    assert!(seed["rules"].as_array().unwrap().contains(&"T401".into()));
    // Every row has its details, and details are inert until opened.
    for row in &rows {
        let id = format!("<script type=\"text/html\" id=\"d{}\">", row["id"]);
        assert!(html.contains(&id), "{id}");
    }
    // The HTML report's details show extracted text and grids, never its markup.
    let html_report = rows
        .iter()
        .find(|r| r["path"] == "real/shanghai-gov-office-2019.html")
        .unwrap();
    let start = html
        .find(&format!(
            "<script type=\"text/html\" id=\"d{}\">",
            html_report["id"]
        ))
        .unwrap();
    let details = &html[start..start + html[start..].find("</script>").unwrap()];
    for markup in ["&lt;td", "&lt;p", "&lt;span", "&lt;tr", "&lt;/"] {
        assert!(
            !details.contains(markup),
            "raw markup {markup} in the details"
        );
    }
    assert!(
        details.contains("<div class=\"ctx\">"),
        "prose findings in context"
    );
}

/// `filterRows` and `sortRows` are pure; they are run with Node when it is installed (CI
/// without Node checks the page's structure only).
#[test]
fn the_audit_page_filters_and_sorts_rows() {
    let Ok(version) = Command::new("node").arg("--version").output() else {
        eprintln!("node not installed: filter logic not run");
        return;
    };
    assert!(version.status.success());
    let script = format!(
        "{}\n{}",
        regulint::render::html::SCRIPT,
        r#"
const assert = require('assert');
const rows = [
  {id: 1, path: 'a/x.txt', agency: '石家庄市商务局', year: 2020, pack: 'gov-2019', errors: 1, warnings: 1, infos: 4, known: 0, status: 'errors', rules: ['T305', 'T401']},
  {id: 2, path: 'b/y.md', agency: '上海市人民政府办公厅', year: 2025, pack: 'gov-2021', errors: 0, warnings: 3, infos: 0, known: 2, status: 'warnings', rules: ['C006', 'P003']},
  {id: 3, path: 'c/z.html', agency: null, year: null, pack: null, errors: 0, warnings: 0, infos: 0, known: 0, status: 'unreadable', rules: []},
  {id: 4, path: 'd/w.txt', agency: '沭阳县人民政府', year: 2025, pack: 'gov-2021', errors: 2, warnings: 0, infos: 0, known: 0, status: 'errors', rules: ['T301']},
];
const ids = (list) => list.map((r) => r.id);
assert.deepStrictEqual(ids(filterRows(rows, {})), [1, 2, 3, 4]);
assert.deepStrictEqual(ids(filterRows(rows, {agency: '上海'})), [2]);
assert.deepStrictEqual(ids(filterRows(rows, {agency: 'D/W'})), [4], 'paths match too, any case');
assert.deepStrictEqual(ids(filterRows(rows, {severity: 'error'})), [1, 4]);
assert.deepStrictEqual(ids(filterRows(rows, {severity: 'warning'})), [1, 2]);
assert.deepStrictEqual(ids(filterRows(rows, {severity: 'known'})), [2]);
assert.deepStrictEqual(ids(filterRows(rows, {severity: 'unreadable'})), [3]);
assert.deepStrictEqual(ids(filterRows(rows, {rule: 't3'})), [1, 4], 'rule prefixes, any case');
assert.deepStrictEqual(ids(filterRows(rows, {rule: 'T40', severity: 'error'})), [1]);
assert.deepStrictEqual(ids(sortRows(rows, 'errors', -1)), [4, 1, 2, 3]);
assert.deepStrictEqual(ids(sortRows(rows, 'year', 1)), [1, 2, 4, 3], 'unknown years last');
assert.deepStrictEqual(ids(sortRows(rows, 'status', -1)), [3, 1, 4, 2]);
assert.deepStrictEqual(ids(rows), [1, 2, 3, 4], 'the input is not changed');
console.log('ok');
"#
    );
    let output = Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "ok");
}

/// Fingerprints of every finding, by code, in report order.
fn fingerprints(name: &str, text: &str) -> Vec<(String, String)> {
    use regulint::lint::{LintOptions, lint_bytes};
    lint_bytes(name, text.as_bytes(), &LintOptions::default())
        .findings
        .iter()
        .map(|f| (f.code.clone(), f.triage.fingerprint.clone()))
        .collect()
}

#[test]
fn fingerprints_survive_edits_elsewhere_and_change_with_the_evidence() {
    // Prose (C006 on a sentence) and table findings (T401, T30x on table cells) of the seed
    // with one deliberate edit.
    let seed = String::from_utf8(std::fs::read(common::seed()).unwrap()).unwrap();
    let sentence = "2020 年市商务局未收到依申请公开政府信息事项";
    let edited = seed.replacen(
        sentence,
        "2020 年市商务局收到依申请公开政府信息事项2件，其中予以公开2件",
        1,
    );
    let before = fingerprints("a.txt", &edited);
    assert!(before.iter().any(|(code, _)| code == "C006"), "{before:?}");
    assert!(before.iter().any(|(code, _)| code == "T401"), "{before:?}");
    // Lines inserted above everything, and spacing changed in a table row: same fingerprints.
    let first_break = edited.find('\n').unwrap();
    let mut moved = edited.clone();
    moved.insert_str(first_break + 1, "（一）\n（本报告经局务会审议通过。）\n\n");
    assert_eq!(fingerprints("a.txt", &moved), before);
    // The file name is not part of a fingerprint (baselines pair it with the path).
    assert_eq!(fingerprints("elsewhere/b.txt", &edited), before);
    // Another sentence for the prose finding: a new fingerprint for it, the others unchanged.
    let reworded = edited.replacen("2020 年市商务局收到", "2020 年度市商务局共收到", 1);
    let after = fingerprints("a.txt", &reworded);
    let c006 = |list: &[(String, String)]| {
        list.iter()
            .find(|(code, _)| code == "C006")
            .map(|(_, f)| f.clone())
            .expect("C006 fires")
    };
    assert_ne!(c006(&before), c006(&after), "the evidence changed");
    let others = |list: &[(String, String)]| {
        let mut others: Vec<(String, String)> = list
            .iter()
            .filter(|(code, _)| code != "C006")
            .cloned()
            .collect();
        others.sort();
        others
    };
    assert_eq!(others(&before), others(&after));
    // Fingerprints are distinct within the report.
    let mut unique: Vec<&String> = before.iter().map(|(_, f)| f).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len());
}

#[test]
fn known_findings_are_neither_annotations_nor_junit_failures() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(common::seed(), d.join("report.txt")).unwrap();
    let write = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "-q",
            "--write-baseline",
            "b.json",
            "report.txt",
        ],
    );
    assert_eq!(code(&write), 0);
    let before = regulint(
        d,
        &["lint", "--no-config", "--format", "github", "report.txt"],
    );
    assert!(stdout(&before).contains("::error file=report.txt"));
    let github = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--baseline",
            "b.json",
            "--format",
            "github",
            "report.txt",
        ],
    );
    assert_eq!(code(&github), 0);
    assert!(!stdout(&github).contains("::"), "{}", stdout(&github));
    let junit = regulint(
        d,
        &[
            "lint",
            "--no-config",
            "--baseline",
            "b.json",
            "--format",
            "junit",
            "report.txt",
        ],
    );
    assert!(!stdout(&junit).contains("<failure"), "{}", stdout(&junit));
}
