//! Layout invariance of the text reader (a metamorphic test): every corpus report's tables,
//! rendered back into each text layout that PDF extractors, browsers and web-page text
//! versions produce (tabs, aligned spaces, pipes with and without the leading `|`, one cell
//! per line, split headers), read back into the same row labels and values.

mod common;
#[path = "layouts/render.rs"]
mod render;

use regulint::document::normalize::label_key;
use regulint::document::{Document, InputFormat, ReadOptions, RowKind, load};
use render::Layout;

fn read(name: &str, bytes: &[u8], format: Option<InputFormat>) -> Document {
    load(
        name,
        bytes,
        ReadOptions {
            format,
            ..ReadOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
    .document
}

/// Data rows with at least one value: label key and values (trailing blanks dropped; all
/// blanks dropped when the layout cannot write them).
fn rows(document: &Document, keep_blanks: bool, min_values: usize) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for table in &document.tables {
        let written = table
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Data)
            .flat_map(render::row_values)
            .filter(|v| !v.is_empty())
            .count();
        if written < min_values {
            continue;
        }
        for row in table.rows.iter().filter(|r| r.kind == RowKind::Data) {
            let mut values = render::row_values(row);
            if !keep_blanks {
                values.retain(|v| !v.is_empty());
            }
            while values.last().is_some_and(String::is_empty) {
                values.pop();
            }
            if values.is_empty() {
                continue;
            }
            out.push((label_key(&row.label), values));
        }
    }
    out
}

fn check(name: &str, document: &Document) {
    for layout in Layout::ALL {
        let text = render::render(document, layout);
        if let Some(dir) = std::env::var_os("REGULINT_DUMP_LAYOUTS") {
            let file = format!("{}-{layout:?}.txt", name.replace('/', "_"));
            std::fs::write(std::path::Path::new(&dir).join(file), &text).unwrap();
        }
        let reread = read("rendered.txt", text.as_bytes(), Some(InputFormat::Text));
        let expected = rows(document, layout.keeps_blanks(), layout.min_values());
        let got = rows(&reread, layout.keeps_blanks(), layout.min_values());
        let context = || format!("{name} as {layout:?}:\n{text}");
        assert_eq!(
            got.len(),
            expected.len(),
            "row count differs\nexpected {expected:?}\ngot {got:?}\n{}",
            context()
        );
        for ((label, values), (want_label, want_values)) in got.iter().zip(&expected) {
            // Group labels standing between rows are prefixed to the next row's label, as the
            // binder expects (it matches labels by suffix).
            assert!(
                label.ends_with(want_label.as_str()),
                "label {label} does not end with {want_label}\n{}",
                context()
            );
            assert_eq!(values, want_values, "values of {want_label}\n{}", context());
        }
    }
}

#[test]
fn every_corpus_report_reads_the_same_in_every_text_layout() {
    for name in common::CORPUS_FILES {
        let bytes = std::fs::read(common::corpus().join(name)).expect("corpus file");
        let document = read(name, &bytes, None);
        assert!(!document.tables.is_empty(), "{name} has tables");
        check(name, &document);
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-made and derived fixtures (`tests/fixtures/layouts/`, see its README)
// ---------------------------------------------------------------------------------------------

use regulint::document::ProblemKind;
use regulint::lint::{LintOptions, lint_bytes};

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/layouts/");
    std::fs::read(format!("{path}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn fixture_document(name: &str) -> Document {
    read(name, &fixture(name), None)
}

fn codes(name: &str) -> Vec<String> {
    let report = lint_bytes(name, &fixture(name), &LintOptions::default());
    assert!(report.error.is_none(), "{name}: {:?}", report.error);
    report.findings.iter().map(|f| f.code.clone()).collect()
}

/// The data row whose label ends with `label` (after normalisation), with its values.
fn row_values(document: &Document, label: &str) -> Vec<String> {
    let key = label_key(label);
    let row = document
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .find(|r| r.kind == RowKind::Data && label_key(&r.label).ends_with(&key))
        .unwrap_or_else(|| panic!("no row labelled {label}"));
    row.values
        .iter()
        .map(|&i| row.cells[i].text.to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

fn top_sections(document: &Document) -> Vec<String> {
    document
        .sections
        .iter()
        .filter(|s| s.level == 1)
        .map(|s| format!("{}{}", s.marker, s.title))
        .collect()
}

const SIX_SECTIONS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// `pdftotext -layout` of the published Hongze PDF: multi-line headers, a vertical label,
/// labels wrapped with their values on the second line, page footers inside table 3, and
/// table 3 continued over a page break. Every table is read; no table row opens a section.
#[test]
fn pdftotext_layout_of_the_hongze_report_reads_every_table() {
    let name = "huaian-hongze-2023.pdftotext-layout.txt";
    let document = fixture_document(name);
    assert_eq!(top_sections(&document), SIX_SECTIONS);
    let title = document.title.as_ref().expect("a title");
    assert_eq!(title.year, Some(2023));
    assert_eq!(title.agency.as_deref(), Some("洪泽区人民政府"));

    // Table 2: four bands, one per 第二十条 item.
    assert_eq!(row_values(&document, "规章"), ["0", "0", "0"]);
    assert_eq!(row_values(&document, "行政规范性文件"), ["0", "5", "5"]);
    assert_eq!(row_values(&document, "行政许可"), ["550"]);
    assert_eq!(row_values(&document, "行政处罚"), ["4119"]);
    assert_eq!(row_values(&document, "行政强制"), ["195"]);
    assert_eq!(row_values(&document, "行政事业性收费"), ["7730.28"]);
    let captions: Vec<Option<String>> = document.tables[0]
        .bands
        .iter()
        .map(|b| b.caption.clone())
        .collect();
    assert_eq!(
        captions,
        [
            "第二十条第（一）项",
            "第二十条第（五）项",
            "第二十条第（六）项",
            "第二十条第（八）项"
        ]
        .map(|c| Some(c.to_owned()))
    );

    // Table 3, on both sides of the page break.
    let seven = |v: [&str; 7]| v.map(str::to_owned).to_vec();
    assert_eq!(
        row_values(&document, "本年新收政府信息公开申请数量"),
        seven(["21", "0", "0", "0", "0", "0", "21"])
    );
    // Wrapped label, values on the line after it.
    assert_eq!(
        row_values(
            &document,
            "部分公开（区分处理的，只计这一情形，不计其他情形）"
        ),
        seven(["4", "0", "0", "0", "0", "0", "4"])
    );
    assert_eq!(
        row_values(&document, "本机关不掌握相关政府信息"),
        seven(["10", "0", "0", "0", "0", "0", "10"])
    );
    // After the page footer `-3-`.
    assert_eq!(
        row_values(&document, "信访举报投诉类申请"),
        seven(["1", "0", "0", "0", "0", "0", "1"])
    );
    assert_eq!(
        row_values(&document, "要求行政机关确认或重新出具已获取信息"),
        seven(["0", "0", "0", "0", "0", "0", "0"])
    );
    assert_eq!(
        row_values(&document, "（七）总计"),
        seven(["21", "0", "0", "0", "0", "0", "21"])
    );

    // Every table found; the two table-4 totals the published PDF gets wrong are reported.
    let codes = codes(name);
    assert!(!codes.contains(&"S006".to_owned()), "{codes:?}");
    assert!(!codes.contains(&"T401".to_owned()), "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| *c == "T402").count(),
        2,
        "{codes:?}"
    );
}

/// A vertical label written one character per line between rows is a group label: it
/// prefixes the next row's label and is never a section. Header cells split over two lines
/// (`商业` / `企业`) are one heading.
#[test]
fn vertical_label_one_character_per_line() {
    let document = fixture_document("vertical-label-one-char-per-line.txt");
    assert_eq!(top_sections(&document), SIX_SECTIONS);
    let table = &document.tables[0];
    let headings: Vec<&str> = table.bands[0]
        .columns
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(
        headings,
        [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计"
        ]
    );
    let row = table
        .rows
        .iter()
        .find(|r| r.label.ends_with("（一）予以公开"))
        .expect("予以公开");
    assert_eq!(
        label_key(&row.label),
        label_key("三、本年度办理结果（一）予以公开")
    );
    assert_eq!(
        row_values(&document, "予以公开"),
        ["3", "1", "0", "0", "0", "0", "4"]
    );
    let name = "vertical-label-one-char-per-line.txt";
    let report = lint_bytes(name, &fixture(name), &LintOptions::default());
    // The fixture has no tables 2 and 4; table 3 is found.
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.code != "S006" || !f.message.contains("表三")),
        "{:?}",
        report.findings
    );
}

/// A vertical label spread over the rows (one character at the start of each) stays in the
/// labels; the values are unchanged.
#[test]
fn vertical_label_spread_across_rows() {
    let document = fixture_document("vertical-label-spread-across-rows.txt");
    assert_eq!(top_sections(&document), SIX_SECTIONS);
    assert_eq!(
        row_values(&document, "（一）予以公开"),
        ["3", "1", "0", "0", "0", "0", "4"]
    );
    assert_eq!(
        row_values(&document, "（七）总计"),
        ["4", "1", "0", "0", "0", "0", "5"]
    );
}

/// `规章000` and `行政许可550`: the row is found, no digit is guessed into a cell, and the
/// problem is recorded with the row's span and reported by T001.
#[test]
fn values_run_together_are_a_problem_not_a_guess() {
    for name in ["values-run-together.txt", "values-run-together.md"] {
        let bytes = fixture(name);
        let text = String::from_utf8(bytes.clone()).unwrap();
        let document = read(name, &bytes, None);
        let problems: Vec<&str> = document
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::ValuesRunTogether)
            .map(|p| &text[p.span.range()])
            .collect();
        assert_eq!(problems.len(), 2, "{name}: {problems:?}");
        assert!(problems[0].contains("规章000"), "{name}: {problems:?}");
        assert!(problems[1].contains("行政许可550"), "{name}: {problems:?}");
        for label in ["规章", "行政许可"] {
            let row = document
                .tables
                .iter()
                .flat_map(|t| &t.rows)
                .find(|r| r.kind == RowKind::Data && r.label == label)
                .unwrap_or_else(|| panic!("{name}: no row {label}"));
            assert!(row.malformed, "{name}: {label}");
            assert!(
                row.cells.iter().all(|c| c.value.number().is_none()),
                "{name}: a number was guessed in {label}"
            );
        }
        let codes = codes(name);
        assert_eq!(
            codes.iter().filter(|c| *c == "T001").count(),
            2,
            "{name}: {codes:?}"
        );
    }
}

/// Table rows and captions left as loose lines (`三、本年度办理结果`, `四、结转下年度继续办理`,
/// `第二十条第（一）项`) never open sections.
#[test]
fn table_rows_left_as_lines_are_not_headings() {
    let document = fixture_document("table-rows-as-loose-lines.txt");
    assert_eq!(top_sections(&document), SIX_SECTIONS);
    assert!(
        document
            .sections
            .iter()
            .all(|s| !s.title.contains("本年度办理结果") && !s.title.contains("结转下年度")),
        "{:?}",
        document.sections
    );
}

/// A table printed without numbers is a table with blank cells: tables 2 and 3 are present
/// (no S006 for them) and the blanks are reported. Table 4, a row of values without labels,
/// cannot be told apart from its header when it has no values (S006 remains for it).
#[test]
fn empty_skeletons_are_tables_with_blank_cells() {
    for name in [
        "huaian-hongze-2023.empty-skeleton.txt",
        "seed.empty-skeleton-tabs.txt",
    ] {
        let report = lint_bytes(name, &fixture(name), &LintOptions::default());
        let missing: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.code == "S006")
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            missing.iter().all(|m| m.contains("表四")),
            "{name}: {missing:?}"
        );
        assert!(
            report.findings.iter().any(|f| f.code == "T305"),
            "{name}: blank cells of table 3 are reported"
        );
        let document = fixture_document(name);
        assert!(row_values(&document, "规章").is_empty());
        assert!(row_values(&document, "本年新收政府信息公开申请数量").is_empty());
    }
}

fn finding_codes(name: &str) -> Vec<String> {
    let mut codes = codes(name);
    codes.sort();
    codes
}

/// `pdftotext -raw` (single spaces, headers on one line) reads like `-layout`: same findings.
#[test]
fn pdftotext_raw_reads_like_layout() {
    assert_eq!(
        finding_codes("huaian-hongze-2023.pdftotext-raw.txt"),
        finding_codes("huaian-hongze-2023.pdftotext-layout.txt")
    );
    let document = fixture_document("huaian-hongze-2023.pdftotext-raw.txt");
    assert_eq!(row_values(&document, "规章"), ["0", "0", "0"]);
    assert_eq!(row_values(&document, "行政事业性收费"), ["7730.28"]);
    assert_eq!(
        row_values(&document, "本年新收政府信息公开申请数量"),
        ["21", "0", "0", "0", "0", "0", "21"]
    );
}

/// Plain `pdftotext` writes the tables column by column: regulint cannot rebuild the rows,
/// says they are missing, and neither invents blank cells nor misses the tables wholesale.
#[test]
fn pdftotext_plain_column_order_is_not_read_as_blanks() {
    let codes = finding_codes("huaian-hongze-2023.pdftotext-plain.txt");
    for wrong in ["S006", "T305", "T202"] {
        assert!(!codes.contains(&wrong.to_owned()), "{wrong}: {codes:?}");
    }
    assert!(codes.contains(&"T306".to_owned()), "{codes:?}");
}

fn table_findings(report: &regulint::diagnostic::FileReport) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.code.starts_with('T') || f.code.starts_with('S'))
        // The message up to its first example: counts are compared, not which cell a
        // not-assessable note names first (spans of empty cells differ between formats).
        .map(|f| {
            let head = f.message.split('（').next().unwrap_or_default();
            (f.code.clone(), head.to_owned())
        })
        .collect();
    v.sort();
    v
}

/// LibreOffice's text export of an HTML page (cells on consecutive lines, empty cells as blank
/// lines or a lone no-break space) reads like the page itself: same table findings, same
/// blank cells.
#[test]
fn libreoffice_text_export_reads_like_the_html_page() {
    for (page, export) in [
        (
            "real/shuyang-fgj-2023.html",
            "shuyang-fgj-2023.libreoffice-text.txt",
        ),
        (
            "real/shanghai-gov-office-2019.html",
            "shanghai-gov-office-2019.libreoffice-text.txt",
        ),
    ] {
        let html = std::fs::read(common::corpus().join(page)).unwrap();
        let page_report = lint_bytes(page, &html, &LintOptions::default());
        let text_report = lint_bytes(export, &fixture(export), &LintOptions::default());
        assert_eq!(
            table_findings(&text_report),
            table_findings(&page_report),
            "{export}"
        );
    }
    let document = fixture_document("shuyang-fgj-2023.libreoffice-text.txt");
    assert_eq!(row_values(&document, "规范性文件"), ["8", "0", "18"]);
    assert_eq!(
        row_values(&document, "本年新收政府信息公开申请数量"),
        ["26", "26"]
    );
}
