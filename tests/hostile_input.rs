//! Hostile and careless input (issue 10): regressions for each failure found by mutating
//! reports and folders. Each test names the failure it guards against.

mod common;

use common::{regulint, stderr, stdout};
mod support;

use std::process::Command;

/// Every UTF-8 corpus report with one corrupted byte (a lead byte set to 0xFF) at many places:
/// the error is "invalid utf-8 at offset N" at that byte, never a GB18030 guess.
#[test]
fn a_corrupted_byte_in_utf8_is_named_at_its_offset() {
    let files = [
        "seed/000_89e69b0ea362684d.txt",
        "real/shuyang-county-gov-2025.txt",
        "real/shanghai-stcsm-2024.md",
        "real/shanghai-gov-office-2025.md",
    ];
    let mut checked = 0;
    for file in files {
        let bytes = std::fs::read(common::corpus().join(file)).expect("corpus file");
        let leads: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] >= 0xE0).collect();
        for &at in leads.iter().step_by(leads.len() / 60 + 1) {
            let mut damaged = bytes.clone();
            damaged[at] = 0xFF;
            let error = regulint::source::Source::decode(file, &damaged, None).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("invalid utf-8 byte sequence at offset {at}"),
                "{file} corrupted at {at}"
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked}");
}

/// A file whose lines end with CR alone is read line by line: its headings are sections.
#[test]
fn cr_only_line_ends_are_lines() {
    let text = std::fs::read_to_string(common::seed()).expect("seed");
    let cr = text.replace("\r\n", "\n").replace('\n', "\r");
    let lf = regulint::document::load("r.txt", text.as_bytes(), Default::default()).unwrap();
    let cr = regulint::document::load("r.txt", cr.as_bytes(), Default::default()).unwrap();
    let headings = |l: &regulint::document::Loaded| -> Vec<String> {
        l.document
            .sections
            .iter()
            .map(|s| s.title.clone())
            .collect()
    };
    assert_eq!(headings(&cr), headings(&lf));
    assert!(headings(&lf).len() >= 6);
}

/// A folder walk that passes over report files names each one and why; explicit FIFOs and
/// devices are refused instead of hanging; `--no-ignore` and `--hidden` bring them back.
#[cfg(unix)]
#[test]
fn skipped_files_are_named_and_fifos_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let reports = d.join("reports");
    std::fs::create_dir_all(reports.join(".drafts")).unwrap();
    std::fs::create_dir_all(reports.join("old")).unwrap();
    let seed = std::fs::read(common::seed()).unwrap();
    std::fs::write(reports.join("a.txt"), &seed).unwrap();
    std::fs::write(reports.join(".drafts/b.txt"), &seed).unwrap();
    std::fs::write(reports.join("old/c.txt"), &seed).unwrap();
    std::fs::write(reports.join(".ignore"), "old/\n").unwrap();
    std::os::unix::fs::symlink("a.txt", reports.join("link.txt")).unwrap();
    let fifo = reports.join("pipe.txt");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );

    let output = regulint(d, &["lint", "reports", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let linted: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(linted, ["reports/a.txt"]);
    let skipped: Vec<(String, String)> = json["summary"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let reason = |path: &str| {
        skipped
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{path} not named in {skipped:?}"))
    };
    assert!(reason("reports/.drafts/b.txt").starts_with("hidden"));
    assert!(
        reason("reports/old/c.txt").starts_with("ignored by reports/.ignore (pattern `old/`)"),
        "{}",
        reason("reports/old/c.txt")
    );
    assert!(reason("reports/link.txt").starts_with("symbolic link"));
    assert!(reason("reports/pipe.txt").contains("FIFO"));

    let human = regulint(d, &["lint", "reports"]);
    assert!(stdout(&human).contains("4 report files skipped (not linted):"));

    let all = regulint(
        d,
        &[
            "lint",
            "reports",
            "--no-ignore",
            "--hidden",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&all.stdout).expect("json");
    assert_eq!(json["files"].as_array().unwrap().len(), 3);

    // Naming the FIFO does not block: it is refused with a way out.
    let named = regulint(d, &["lint", "reports/pipe.txt"]);
    assert_eq!(named.status.code(), Some(1));
    assert!(
        stdout(&named).contains("not a regular file (a FIFO)"),
        "{}",
        stdout(&named)
    );
    let inspect = regulint(d, &["inspect", "/dev/zero"]);
    assert_eq!(inspect.status.code(), Some(2));
    assert!(stderr(&inspect).contains("not a regular file (a device)"));
}

/// File names that are not UTF-8 print as escaped bytes, so two names never look alike; a
/// newline in a name cannot forge an `error[…]` line.
#[cfg(unix)]
#[test]
fn file_names_print_losslessly() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let seed = std::fs::read(common::seed()).unwrap();
    for name in [
        &b"x-\xff.txt"[..],
        b"x-\xfe.txt",
        b"evil\nerror[T999]: forged.txt",
    ] {
        std::fs::write(d.join(std::ffi::OsStr::from_bytes(name)), &seed).unwrap();
    }
    let output = regulint(d, &["lint", ".", "--summary", "--color", "never"]);
    let out = stdout(&output);
    assert!(out.contains("x-\\xFF.txt"), "{out}");
    assert!(out.contains("x-\\xFE.txt"), "{out}");
    assert!(out.contains("evil\\u{a}error[T999]: forged.txt"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("error[T999]")), "{out}");
}

/// Report text with terminal escapes, a lone CR and bidi controls is shown with visible
/// escapes in the human output, with the underline still under the right text.
#[test]
fn terminal_controls_in_report_text_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = std::fs::read_to_string(common::seed()).unwrap();
    // An OSC title sequence and a right-to-left override right after the contact phone,
    // whose area code is dropped so that a finding shows the line.
    let text = text.replacen("0311-86689429", "86689429\u{1b}]0;pwned\u{7}\u{202e}", 1);
    std::fs::write(d.join("r.txt"), text).unwrap();
    let output = regulint(d, &["lint", "r.txt", "--color", "never"]);
    let out = stdout(&output);
    assert!(!out.contains('\u{1b}'), "raw ESC reached the output");
    assert!(
        !out.contains('\u{202e}'),
        "raw bidi override reached the output"
    );
    let shown = out
        .lines()
        .find(|l| l.contains("\\u{1b}]0;pwned\\u{7}\\u{202e}"))
        .unwrap_or_else(|| panic!("escaped excerpt missing: {out}"));
    // The caret line under it still starts under 电话, the phone's first character.
    assert!(shown.contains("电话86689429"), "{shown}");
}

/// Encodings that used to be read as garbage: UTF-32, and UTF-8 behind a UTF-16 BOM.
#[test]
fn utf32_reads_and_a_false_bom_is_refused() {
    let text = std::fs::read_to_string(common::seed()).unwrap();
    let mut utf32 = vec![0xFF, 0xFE, 0, 0];
    utf32.extend(text.chars().flat_map(|c| u32::from(c).to_le_bytes()));
    let loaded = regulint::document::load("r.txt", &utf32, Default::default()).unwrap();
    assert_eq!(loaded.source.text, text);
    assert_eq!(loaded.source.encoding.name(), "utf-32le");

    let mut false_bom = vec![0xFF, 0xFE];
    false_bom.extend_from_slice(text.as_bytes());
    let error = regulint::document::load("r.txt", &false_bom, Default::default()).unwrap_err();
    assert!(
        error.to_string().contains("UTF-16") || error.to_string().contains("utf-16le"),
        "{error}"
    );
}

/// A regulint.toml in a parent of the reports folder changes what is reported: the output
/// always names it, and `--no-config` leaves it out.
#[test]
fn the_configuration_used_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("regulint.toml"), "ignore = [\"T\", \"S\", \"P\"]\n").unwrap();
    let reports = d.join("reports");
    std::fs::create_dir(&reports).unwrap();
    std::fs::copy(common::seed(), reports.join("a.txt")).unwrap();

    let silenced = regulint(&reports, &["lint", "a.txt"]);
    let out = stdout(&silenced);
    let shown = d.join("regulint.toml");
    assert!(
        out.contains(&format!("configuration: {}", shown.display())),
        "{out}"
    );
    let json = regulint(&reports, &["lint", "a.txt", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        json["summary"]["config"].as_str(),
        Some(shown.to_str().unwrap())
    );
    let sarif = regulint(&reports, &["lint", "a.txt", "--format", "sarif"]);
    assert!(
        stderr(&sarif).contains("using configuration"),
        "{}",
        stderr(&sarif)
    );

    let unconfigured = regulint(&reports, &["lint", "a.txt", "--no-config"]);
    assert_eq!(unconfigured.status.code(), Some(1), "T401 is back");
    assert!(!stdout(&unconfigured).contains("configuration:"));
}

/// A guard against a quadratic path coming back: the work takes a few seconds of CPU when
/// linear (also in a debug build) and minutes when quadratic, so a generous bound separates
/// the two without measuring performance. CPU time of this thread, not wall time, so that a
/// busy machine does not fail the test.
fn completes_within(seconds: u64, f: impl FnOnce()) {
    let start = thread_cpu_time();
    f();
    let took = thread_cpu_time() - start;
    assert!(
        took < std::time::Duration::from_secs(seconds),
        "took {took:?} of CPU: a quadratic path?"
    );
}

/// This thread's CPU time (Linux: `/proc/thread-self/stat`, in clock ticks of 1/100 s);
/// elsewhere the time since the first call.
fn thread_cpu_time() -> std::time::Duration {
    let ticks = std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the parenthesised command name; utime and stime are 14 and 15.
            let rest = &stat[stat.rfind(')')? + 2..];
            let fields: Vec<&str> = rest.split(' ').collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        });
    match ticks {
        Some(ticks) => std::time::Duration::from_millis(ticks * 10),
        None => {
            static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
            START.get_or_init(std::time::Instant::now).elapsed()
        }
    }
}

/// A JSON object with 100,000 keys was checked for duplicates pair by pair (13–28 s in a
/// release build, 50 s in debug).
#[test]
fn json_objects_with_many_keys_parse_in_linear_time() {
    let members: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\":{i}")).collect();
    let text = format!(
        "{{\"schema\":\"regulint-report/1\",\"x\":{{{}}}}}",
        members.join(",")
    );
    completes_within(10, || {
        let error = regulint::document::load("r.json", text.as_bytes(), Default::default())
            .expect_err("x is not a field of the schema");
        assert!(error.to_string().contains("unknown field"), "{error}");
    });
}

/// `inspect` of a small DOCX with 200,000 numbered paragraphs took 40 s (100,000: 7 s in a
/// release build, over a minute in debug): each position was
/// found by counting the characters of the one-line XML from its start.
#[test]
fn inspect_of_many_paragraphs_on_one_line_is_linear() {
    let paragraph = "<w:p><w:r><w:t>1.事项</w:t></w:r></w:p>";
    let xml = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{}</w:body></w:document>",
        paragraph.repeat(100_000)
    );
    let bytes = support::docx_with(&xml);
    completes_within(30, || {
        let loaded =
            regulint::document::load("r.docx", &bytes, Default::default()).expect("readable");
        let view = regulint::inspect::view(&loaded);
        let json = serde_json::to_value(&view).unwrap();
        let sections = json["sections"].as_array().unwrap();
        assert_eq!(sections.len(), 100_000);
        let last = &sections[99_999]["at"];
        assert_eq!(last["line"], 1);
        let expected = xml.rfind("<w:t>1.事项").unwrap() + "<w:t>".len();
        assert_eq!(
            last["column"].as_u64().unwrap() as usize,
            xml[..expected].chars().count() + 1
        );
    });
}

/// Table numbers whose sum passes rust_decimal's range (about 7.9·10²⁸) panicked the engine
/// ("Addition overflowed") and lost the file's findings. Now the identity is not assessable
/// with a reason, and the other rules of the file still run.
#[test]
fn overflowing_sums_are_findings_not_panics() {
    let text = String::from_utf8(common::clean_seed()).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    lines[89] = lines[89]
        .split('\t')
        .map(|_| "50000000000000000000000000000")
        .collect::<Vec<_>>()
        .join("\t");
    let report = regulint::lint::lint_bytes(
        "r.txt",
        lines.join("\n").as_bytes(),
        &regulint::lint::LintOptions::default(),
    );
    assert!(report.error.is_none(), "{:?}", report.error);
    let t402: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "T402")
        .collect();
    assert!(!t402.is_empty(), "table 4 totals are reported");
    assert!(
        t402.iter()
            .any(|f| f.message.contains("数值过大")
                || f.notes.iter().any(|n| n.contains("数值过大"))),
        "{t402:#?}"
    );
    assert!(
        report.findings.iter().any(|f| f.code == "T305"),
        "other rules ran"
    );
}

/// A 61 KB DOCX whose one `gridSpan=256` cell holds a long text was expanded by copying the
/// text into every grid position (8 GiB); vertical merges likewise. Copies now share the text.
#[test]
fn merged_cells_share_their_text() {
    let long = "长".repeat(300_000);
    let row = |cells: &str| format!("<w:tr>{cells}</w:tr>");
    let cell = |props: &str, text: &str| {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    };
    let mut rows = row(&cell(
        "<w:gridSpan w:val=\"256\"/><w:vMerge w:val=\"restart\"/>",
        &long,
    ));
    for _ in 0..40 {
        rows.push_str(&row(&cell("<w:gridSpan w:val=\"256\"/><w:vMerge/>", "")));
    }
    let xml = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:tbl>{rows}</w:tbl></w:body></w:document>"
    );
    let bytes = support::docx_with(&xml);
    assert!(bytes.len() < 200 * 1024, "{}", bytes.len());
    completes_within(30, || {
        let loaded =
            regulint::document::load("r.docx", &bytes, Default::default()).expect("readable");
        let table = &loaded.document.tables[0];
        let first = &table.rows[0].cells[0].text;
        assert_eq!(first.len(), long.len());
        let positions: usize = table.rows.iter().map(|r| r.cells.len()).sum();
        assert!(positions >= 256 * 41, "{positions}");
        // Every grid position holds the same allocation, not a copy.
        for row in &table.rows {
            for cell in &row.cells {
                assert!(std::sync::Arc::ptr_eq(first, &cell.text));
            }
        }
        let report = regulint::lint::lint_bytes("r.docx", &bytes, &Default::default());
        assert!(report.error.is_none(), "{:?}", report.error);
    });
}

/// A file whose checks run past the per-file time budget gets an error saying how many rules
/// did not run; what ran is kept (here a zero budget, so no rule runs).
#[test]
fn the_time_budget_stops_the_rules_with_an_error() {
    let seed = std::fs::read(common::seed()).unwrap();
    let options = regulint::lint::LintOptions {
        time_budget: Some(std::time::Duration::ZERO),
        ..Default::default()
    };
    let report = regulint::lint::lint_bytes("r.txt", &seed, &options);
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["E0002"], "{codes:?}");
    let finding = &report.findings[0];
    assert_eq!(finding.severity, regulint::diagnostic::Severity::Error);
    assert!(
        finding.message.starts_with("检查超时"),
        "{}",
        finding.message
    );
    // With the default budget the same file is checked in full.
    let full = regulint::lint::lint_bytes("r.txt", &seed, &Default::default());
    assert!(full.findings.iter().all(|f| f.code != "E0002"));
    assert!(full.findings.iter().any(|f| f.code == "T401"));
}

/// A panic inside the third-party PDF parser becomes the file's error without the panic's
/// message leaking to standard error first.
#[test]
fn an_expected_parser_panic_prints_nothing_but_the_files_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = regulint(
        dir,
        &[
            "lint",
            "tests/fixtures/readers/pdf/parser-panic-unknown-encoding.pdf",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("the PDF parser failed on this file"));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}
