//! A collection of reports end to end: `tests/fixtures/collection/` (made from corpus reports
//! by the edits its README lists) linted with last year's reports and a roster, in every
//! output format; bad rosters and unreadable previous reports; and silence without a
//! collection.

mod common;

use common::{regulint, stderr, stdout};

use std::path::{Path, PathBuf};
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The fixture collection's folder, as the working folder of the runs (paths in the output
/// are then short and stable).
fn fixture() -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/collection")
}

const COLLECTION: &[&str] = &[
    "lint",
    "2025",
    "--previous",
    "2024",
    "--roster",
    "roster.csv",
    "--no-config",
    "--select",
    "H,M",
];

#[test]
fn the_collection_in_human_output() {
    let output = regulint(&fixture(), COLLECTION);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    // Each cross-report finding, the collection's findings, and last year's file labelled.
    for expected in [
        "error[H001/carried-over-differs-from-last-year]",
        "warning[H002/in-force-count-does-not-roll-forward]",
        "warning[H003/narrative-copied-from-last-year]",
        "┌─ 2024/shanghai-stcsm-2024.md:178:17",
        "error[M001/duplicate-report]",
        "warning[M004/agency-not-in-roster]",
        "error[M003/agency-not-reported]: 名单中的「上海市教育委员会」没有 2025 年度的报告",
        "--> roster.csv:4",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    // 上海市数据局 is expected only from 2026; the gov office's carried-over figures agree.
    assert!(!text.contains("上海市数据局"), "{text}");
    assert!(
        !text.contains("┌─ 2025/shanghai-gov-office-2025.md"),
        "{text}"
    );
    insta::assert_snapshot!("collection_human", text);
}

#[test]
fn the_collection_in_json_sarif_github_junit_and_html() {
    let json = stdout(&regulint(
        &fixture(),
        &[COLLECTION, &["--format", "json"]].concat(),
    ));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let collection = value["collection"]
        .as_array()
        .expect("a collection section");
    let codes: Vec<&str> = collection
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["M001", "M004", "M003"]);
    assert_eq!(collection[2]["file"], "roster.csv");
    assert_eq!(collection[2]["line"], 4);
    // A label on last year's cell names its file and line.
    let label = value["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .filter(|f| f["code"] == "H001")
        .flat_map(|f| f["labels"].as_array().unwrap())
        .find(|l| l.get("file").is_some())
        .expect("a label in last year's report");
    assert_eq!(label["file"], "2024/shanghai-stcsm-2024.md");
    assert_eq!(label["line"], 178);
    insta::assert_json_snapshot!("collection_json_section", value["collection"]);

    let sarif = stdout(&regulint(
        &fixture(),
        &[COLLECTION, &["--format", "sarif"]].concat(),
    ));
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let missing = results
        .iter()
        .find(|r| r["ruleId"] == "M003")
        .expect("a SARIF result for the missing agency");
    let location = &missing["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("roster.csv")
    );
    assert_eq!(location["region"]["startLine"], 4);
    let related = results
        .iter()
        .filter(|r| r["ruleId"] == "H001")
        .filter_map(|r| r["relatedLocations"].as_array())
        .flatten()
        .find(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .contains("2024/")
        });
    assert!(related.is_some(), "a related location in last year's file");

    let github = stdout(&regulint(
        &fixture(),
        &[COLLECTION, &["--format", "github"]].concat(),
    ));
    assert!(
        github.contains("::error file=roster.csv,line=4,title=M003"),
        "{github}"
    );
    let junit = stdout(&regulint(
        &fixture(),
        &[COLLECTION, &["--format", "junit"]].concat(),
    ));
    assert!(junit.contains(r#"<testsuite name="collection" tests="3" failures="3""#));

    let html = stdout(&regulint(
        &fixture(),
        &[COLLECTION, &["--format", "html"]].concat(),
    ));
    assert!(html.contains("<div id=\"rl-collection\"><h2>整批报告的问题</h2>"));
    assert!(html.contains("roster.csv:4"));
}

#[test]
fn without_previous_reports_the_rules_across_reports_are_silent() {
    let output = regulint(
        &fixture(),
        &["lint", "2025", "--no-config", "--format", "json"],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(value.get("collection").is_none(), "no collection section");
    for file in value["files"].as_array().unwrap() {
        for finding in file["findings"].as_array().unwrap() {
            let code = finding["code"].as_str().unwrap();
            assert!(!code.starts_with('H') && !code.starts_with('M'), "{code}");
        }
    }
}

#[test]
fn the_collection_section_of_the_configuration_does_what_the_flags_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&fixture(), d);
    std::fs::write(
        d.join("regulint.toml"),
        "[collection]\nprevious = [\"2024\"]\nroster = \"roster.csv\"\n",
    )
    .unwrap();
    let with_config = regulint(d, &["lint", "2025", "--select", "H,M"]);
    let with_flags = regulint(&fixture(), COLLECTION);
    let strip = |o: &Output| {
        stdout(o)
            .lines()
            .filter(|l| !l.contains("regulint.toml"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&with_config), strip(&with_flags));
}

#[test]
fn one_folder_with_both_years() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for year in ["2024", "2025"] {
        for entry in std::fs::read_dir(fixture().join(year)).unwrap().flatten() {
            std::fs::copy(entry.path(), d.join(entry.file_name())).unwrap();
        }
    }
    let output = regulint(
        d,
        &[
            "lint",
            ".",
            "--previous",
            ".",
            "--no-config",
            "--select",
            "H,M002",
            "--format",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    // The 2025 reports are compared with the 2024 ones; the 2024 reports have no year before
    // in the folder, so nothing is said about them (not even M002).
    for file in value["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        let codes: Vec<&str> = file["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        if path.contains("2024") {
            assert!(codes.is_empty(), "{path}: {codes:?}");
        } else if path.contains("stcsm-2025") {
            assert!(codes.contains(&"H001"), "{path}: {codes:?}");
        }
    }
}

#[test]
fn bad_rosters_get_located_findings_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&fixture(), d);
    // A BOM, a blank line (no record: skipped, as CSV readers do, and the lines after it keep
    // their numbers), a name given twice, and an alias that is another agency's name.
    let roster = "\u{feff}机关,别名,层级\n上海市人民政府办公厅,,部门\n\n上海市科学技术委员会,上海市科委,部门\n上海市人民政府办公厅,,部门\n上海市教育委员会,上海市科委,部门\n";
    std::fs::write(d.join("bad.csv"), roster).unwrap();
    let output = regulint(
        d,
        &[
            "lint",
            "2025",
            "--previous",
            "2024",
            "--roster",
            "bad.csv",
            "--no-config",
            "--format",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let problems: Vec<(String, i64)> = value["collection"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "M006")
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_owned(),
                f["line"].as_i64().unwrap(),
            )
        })
        .collect();
    let lines: Vec<i64> = problems.iter().map(|(_, l)| *l).collect();
    assert_eq!(lines, [5, 6], "{problems:?}");
    assert!(problems[0].0.contains("出现两次"));
    assert!(problems[1].0.contains("指同一机关"));
    // Every report was still linted.
    assert_eq!(value["files"].as_array().unwrap().len(), 4);

    // A GB18030 roster reads like the UTF-8 one.
    let text = std::fs::read_to_string(d.join("roster.csv")).unwrap();
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(d.join("gb.csv"), &bytes).unwrap();
    let utf8 = regulint(
        d,
        &[
            "lint",
            "2025",
            "--roster",
            "roster.csv",
            "--no-config",
            "--select",
            "M",
        ],
    );
    let gb = regulint(
        d,
        &[
            "lint",
            "2025",
            "--roster",
            "gb.csv",
            "--no-config",
            "--select",
            "M",
        ],
    );
    assert_eq!(
        stdout(&utf8).replace("roster.csv", "R"),
        stdout(&gb).replace("gb.csv", "R")
    );
}

#[test]
fn an_unreadable_previous_report_is_a_finding_and_the_rest_is_compared() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&fixture(), d);
    std::fs::write(d.join("2024/broken.docx"), b"PK\x03\x04 not really a zip").unwrap();
    let output = regulint(
        d,
        &[
            "lint",
            "2025",
            "--previous",
            "2024",
            "--no-config",
            "--select",
            "H,M",
        ],
    );
    let text = stdout(&output);
    assert!(
        text.contains("error[M005/previous-report-unreadable]"),
        "{text}"
    );
    assert!(text.contains("--> 2024/broken.docx"), "{text}");
    assert!(
        text.contains("error[H001/carried-over-differs-from-last-year]"),
        "{text}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn rules_read_the_agency_level_from_the_roster() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&fixture(), d);
    std::fs::write(
        d.join("level.rules"),
        "pack level { years 2019.. }\n\
         rule A001 agency-level {\n    severity info\n    let v = agency_level()\n    expect false\n    message \"{v}\"\n}\n",
    )
    .unwrap();
    // The roster calls the general office a township (to tell the roster's level from the
    // one guessed from the name, 政府部门).
    std::fs::write(
        d.join("levels.csv"),
        "agency,level\n上海市人民政府办公厅,乡镇街道\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let args = [
            &[
                "lint",
                "2025/shanghai-gov-office-2025.md",
                "--rules",
                "level.rules",
                "--no-config",
            ][..],
            extra,
        ]
        .concat();
        stdout(&regulint(d, &args))
    };
    assert!(run(&[]).contains("note[A001/agency-level]: 政府部门"));
    assert!(
        run(&["--roster", "levels.csv"])
            .contains("note[A001/agency-level]: 乡镇人民政府、街道办事处")
    );
}

#[test]
fn the_collection_findings_show_in_the_summary_table_and_when_quiet() {
    for extra in ["--summary", "--quiet"] {
        let text = stdout(&regulint(&fixture(), &[COLLECTION, &[extra]].concat()));
        assert!(
            text.contains("error[M003/agency-not-reported]"),
            "{extra}:\n{text}"
        );
    }
}
