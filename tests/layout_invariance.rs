//! Layout invariance (metamorphic): a report rendered by another producer reads the same.
//!
//! `tests/fixtures/layouts/<report>/` holds renderings of each corpus report made by
//! `scripts/render-layouts/run.sh` from regulint's own model of the original (Word HTML, a CMS
//! page with merged cells and `<br>` labels, nested layout tables, minimal HTML, a DOCX with
//! `gridSpan`/`vMerge`, and PDFs printed from them; see the README there). Every rendering must
//! read like its original, without looking at positions: the same title (text, agency, year),
//! section headings and reader problems, the same tables (section, bands' column labels, row
//! labels, cell values; whitespace ignored), and the same lint findings by (code, message).
//!
//! One difference is allowed by design: a template table merges a group cell such as
//! 三、本年度办理结果 or （三）不予公开 down over its rows, and a reader of merged cells repeats
//! it on every row, while a text export writes it on the first row only. A row label therefore
//! matches when one is the other with such a group in front (the shorter starts at an item
//! marker: `（一）`, `(一)`, `1.`, `一、`).
//!
//! A rendering that reads differently because of a stage this suite does not own is listed in
//! [`KNOWN_FAILURES`] with its cause; the test fails when such an entry starts passing, so the
//! entry is removed as the fix lands.
mod common;

use regulint::document::{self, CellValue, ReadOptions};
use regulint::inspect;
use regulint::lint::{self, LintOptions};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The originals: fixture folder name → report in the shared corpus.
const ORIGINALS: &[(&str, &str)] = &[
    ("seed", "seed/000_89e69b0ea362684d.txt"),
    (
        "shanghai-gov-office-2019",
        "real/shanghai-gov-office-2019.html",
    ),
    (
        "shanghai-gov-office-2025",
        "real/shanghai-gov-office-2025.md",
    ),
    ("shanghai-stcsm-2024", "real/shanghai-stcsm-2024.md"),
    (
        "shuyang-county-gov-2025",
        "real/shuyang-county-gov-2025.txt",
    ),
    ("shuyang-fgj-2023", "real/shuyang-fgj-2023.html"),
];

/// Renderings that read differently for a reason outside the HTML and DOCX readers:
/// (report folder, rendering file or `*` for all of the report's, cause). Remove an entry when
/// its fix lands: the test fails while an entry matches no failing rendering.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[];

/// What a reader understood, without positions.
#[derive(Debug)]
struct Reading {
    /// Title text, agency and year.
    title: Option<(String, Option<String>, Option<i32>)>,
    sections: Vec<String>,
    /// Reader problems, by message.
    problems: Vec<String>,
    tables: Vec<TableReading>,
    findings: Vec<String>,
}

#[derive(Debug)]
struct TableReading {
    section: String,
    bands: Vec<BandReading>,
}

#[derive(Debug)]
struct BandReading {
    columns: Vec<String>,
    rows: Vec<RowReading>,
}

#[derive(Debug)]
struct RowReading {
    label: String,
    cells: Vec<String>,
    malformed: bool,
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn cell_text(value: &CellValue) -> String {
    match value {
        CellValue::Number(q) => q.to_string(),
        CellValue::Blank => "·".to_owned(),
        CellValue::NotApplicable { mark } => format!("n/a({mark})"),
        CellValue::Text { text } => squeeze(text),
    }
}

fn read(name: &str, bytes: &[u8]) -> Result<Reading, String> {
    let loaded = document::load(name, bytes, ReadOptions::default())
        .map_err(|e| format!("{name} could not be read: {e}"))?;
    let view = inspect::view(&loaded);
    let report = lint::lint_bytes(name, bytes, &LintOptions::default());
    let mut findings: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.code, without_first_gap(&f.message)))
        .collect();
    findings.sort();
    let mut problems: Vec<String> = view.problems.iter().map(|p| p.message.clone()).collect();
    problems.sort();
    Ok(Reading {
        title: view
            .title
            .as_ref()
            .map(|t| (squeeze(&t.text), t.agency.clone(), t.year)),
        problems,
        sections: view
            .sections
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s.level,
                    squeeze(&format!("{}{}", s.marker, s.title))
                )
            })
            .collect(),
        tables: view
            .tables
            .iter()
            .map(|t| TableReading {
                section: t.section.as_deref().map_or_else(String::new, squeeze),
                bands: t
                    .bands
                    .iter()
                    .map(|b| BandReading {
                        columns: b.columns.iter().map(|c| squeeze(c)).collect(),
                        rows: b
                            .rows
                            .iter()
                            .map(|r| RowReading {
                                label: squeeze(&r.label),
                                cells: r.cells.iter().map(|c| cell_text(&c.value)).collect(),
                                malformed: r.malformed,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        findings,
    })
}

/// A not-assessable message names its first gap in source order (`138 处无法核验（表三「新收」行
/// 「自然人」列空白）`); which blank cell comes first depends on where each format puts blank
/// cells (a text export has no cell at all, a table an empty one), so only the count is compared.
fn without_first_gap(message: &str) -> String {
    match message.find("处无法核验（") {
        Some(at) => format!("{}处无法核验", &message[..at]),
        None => message.to_owned(),
    }
}

/// Whether `text` starts with an item marker: `（一）`, `(一)`, `1.`, `一、`.
fn starts_with_item_marker(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('（' | '(') => chars.next().is_some_and(is_cjk_numeral),
        Some(c) if c.is_ascii_digit() => true,
        Some(c) if is_cjk_numeral(c) => chars.next() == Some('、'),
        _ => false,
    }
}

fn is_cjk_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// Labels match when equal, or when one is the other with its merged groups in front.
fn same_label(original: &str, rendering: &str) -> bool {
    if original == rendering {
        return true;
    }
    let (long, short) = if original.len() > rendering.len() {
        (original, rendering)
    } else {
        (rendering, original)
    };
    long.ends_with(short) && starts_with_item_marker(short)
}

/// Every way `rendering` reads differently from `original`, one readable line each.
fn differences(original: &Reading, rendering: &Reading) -> Vec<String> {
    let mut out = Vec::new();
    if original.title != rendering.title {
        out.push(format!(
            "title (text, agency, year) differs\n    original:  {:?}\n    rendering: {:?}",
            original.title, rendering.title
        ));
    }
    if original.problems != rendering.problems {
        out.push(format!(
            "reader problems differ\n    original:  {:?}\n    rendering: {:?}",
            original.problems, rendering.problems
        ));
    }
    if original.sections != rendering.sections {
        let diff = similar::TextDiff::from_lines(
            original.sections.join("\n"),
            rendering.sections.join("\n"),
        )
        .unified_diff()
        .header("original", "rendering")
        .to_string();
        out.push(format!("section headings differ:\n{diff}"));
    }
    if original.tables.len() != rendering.tables.len() {
        out.push(format!(
            "{} tables in the original, {} in the rendering",
            original.tables.len(),
            rendering.tables.len()
        ));
    }
    for (t, (a, b)) in original.tables.iter().zip(&rendering.tables).enumerate() {
        let name = format!("table {} (in {})", t + 1, a.section);
        if a.section != b.section {
            out.push(format!("{name}: rendering puts it in {}", b.section));
        }
        if a.bands.len() != b.bands.len() {
            out.push(format!(
                "{name}: {} bands in the original, {} in the rendering",
                a.bands.len(),
                b.bands.len()
            ));
        }
        for (n, (x, y)) in a.bands.iter().zip(&b.bands).enumerate() {
            let name = format!("{name} band {}", n + 1);
            if x.columns != y.columns {
                out.push(format!(
                    "{name}: columns differ\n    original:  {}\n    rendering: {}",
                    x.columns.join(" | "),
                    y.columns.join(" | ")
                ));
            }
            if x.rows.len() != y.rows.len() {
                out.push(format!(
                    "{name}: {} data rows in the original, {} in the rendering\n    original:  {}\n    rendering: {}",
                    x.rows.len(),
                    y.rows.len(),
                    x.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>().join(" / "),
                    y.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>().join(" / "),
                ));
            }
            for (r, (p, q)) in x.rows.iter().zip(&y.rows).enumerate() {
                let row = format!("{name} row {} 「{}」", r + 1, p.label);
                if !same_label(&p.label, &q.label) {
                    out.push(format!("{row}: rendering labels it 「{}」", q.label));
                }
                if p.malformed != q.malformed {
                    out.push(format!(
                        "{row}: malformed {} in the original, {} in the rendering",
                        p.malformed, q.malformed
                    ));
                }
                if p.cells != q.cells {
                    let mut cells = String::new();
                    for (c, column) in x.columns.iter().enumerate() {
                        let (u, v) = (p.cells.get(c), q.cells.get(c));
                        if u != v {
                            let _ = write!(
                                cells,
                                "\n    cell {} ({column}): original {}, rendering {}",
                                c + 1,
                                u.map_or("none", String::as_str),
                                v.map_or("none", String::as_str)
                            );
                        }
                    }
                    if cells.is_empty() {
                        let _ = write!(
                            cells,
                            "\n    original:  {}\n    rendering: {}",
                            p.cells.join(" | "),
                            q.cells.join(" | ")
                        );
                    }
                    out.push(format!("{row}: cells differ{cells}"));
                }
            }
        }
    }
    if original.findings != rendering.findings {
        let mut text = String::from("lint findings differ (code, message):");
        for f in &original.findings {
            if !rendering.findings.contains(f) {
                let _ = write!(text, "\n    only in the original:  {f}");
            }
        }
        for f in &rendering.findings {
            if !original.findings.contains(f) {
                let _ = write!(text, "\n    only in the rendering: {f}");
            }
        }
        if !text.contains('\n') {
            text.push_str(" same findings, different counts");
        }
        out.push(text);
    }
    out
}

fn layouts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layouts")
}

/// Compares every rendering with one of the given extensions against its original; panics
/// with every difference, and with every known failure that no longer fails.
fn check_renderings(extensions: &[&str]) {
    let mut report = String::new();
    let mut checked = 0;
    // Per known failure: whether a rendering it covers was checked, and whether one still fails.
    let mut seen = vec![false; KNOWN_FAILURES.len()];
    let mut still_failing = vec![false; KNOWN_FAILURES.len()];
    for (stem, path) in ORIGINALS {
        let original_path = common::corpus().join(path);
        let bytes = std::fs::read(&original_path)
            .unwrap_or_else(|e| panic!("{}: {e}", original_path.display()));
        let original = read(path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let folder = layouts().join(stem);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .map(|e| e.expect("a folder entry").path())
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| extensions.contains(&e))
            })
            .collect();
        files.sort();
        assert!(
            !files.is_empty(),
            "no {extensions:?} rendering of {stem} in {}",
            folder.display()
        );
        for file in files {
            let file_name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let bytes = std::fs::read(&file).expect("a rendering");
            let diffs = match read(&format!("{stem}/{file_name}"), &bytes) {
                Ok(rendering) => differences(&original, &rendering),
                Err(error) => vec![error],
            };
            checked += 1;
            let known = KNOWN_FAILURES
                .iter()
                .position(|(s, f, _)| s == stem && *f == file_name)
                .or_else(|| {
                    KNOWN_FAILURES
                        .iter()
                        .position(|(s, f, _)| s == stem && *f == "*")
                });
            match known {
                Some(entry) => {
                    seen[entry] = true;
                    still_failing[entry] |= !diffs.is_empty();
                }
                None if !diffs.is_empty() => {
                    let _ = writeln!(
                        report,
                        "{stem}/{file_name} reads differently from {path}:\n  {}\n",
                        diffs.join("\n  ")
                    );
                }
                None => {}
            }
        }
    }
    for (entry, (stem, file, why)) in KNOWN_FAILURES.iter().enumerate() {
        if seen[entry] && !still_failing[entry] {
            let _ = writeln!(
                report,
                "{stem}/{file} now reads like its original: remove it from KNOWN_FAILURES ({why})\n"
            );
        }
    }
    assert!(checked > 0, "no renderings checked");
    assert!(report.is_empty(), "\n{report}");
}

#[test]
fn html_renderings_read_like_their_originals() {
    check_renderings(&["html"]);
}

#[test]
fn docx_renderings_read_like_their_originals() {
    check_renderings(&["docx"]);
}

#[test]
fn pdf_renderings_read_like_their_originals() {
    check_renderings(&["pdf"]);
}

#[test]
fn same_label_allows_only_a_merged_group_in_front() {
    assert!(same_label(
        "2.其他法律行政法规禁止公开",
        "三、本年度办理结果（三）不予公开2.其他法律行政法规禁止公开"
    ));
    assert!(same_label("(六)其他处理", "三、本年度办理结果(六)其他处理"));
    assert!(!same_label("其他处理", "三、本年度办理结果(六)其他处理"));
    assert!(!same_label("1.属于国家秘密", "2.属于国家秘密"));
}

/// Not a check: writes each original's model as JSON for `scripts/render-layouts/render.py`
/// into `$REGULINT_LAYOUT_DUMP` (run by `scripts/render-layouts/run.sh`).
#[test]
#[ignore = "a tool for scripts/render-layouts/run.sh, not a check"]
fn dump_models_for_render_layouts() {
    // Run by `--include-ignored` without the variable: nothing to do (this is no check).
    let Some(out) = std::env::var_os("REGULINT_LAYOUT_DUMP").map(PathBuf::from) else {
        eprintln!("REGULINT_LAYOUT_DUMP is not set: no model dumped");
        return;
    };
    std::fs::create_dir_all(&out).expect("create the dump folder");
    for (stem, path) in ORIGINALS {
        let file = common::corpus().join(path);
        let bytes = std::fs::read(&file).expect("an original report");
        let loaded = document::load(path, &bytes, ReadOptions::default()).expect("readable");
        let json = serde_json::to_string_pretty(&loaded.document).expect("serialisable");
        std::fs::write(out.join(format!("{stem}.json")), json).expect("write the dump");
    }
}
