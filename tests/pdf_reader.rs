//! The PDF reader on the real WPS-written report of the corpus, on a second producer
//! (LibreOffice) against the page it was rendered from, and on hostile files.

mod common;

use regulint::document::{self, CellValue, Document, InputFormat, Loaded, ReadError, ReadOptions};
use regulint::inspect;
use regulint::lint::{LintOptions, lint_bytes};
use std::path::PathBuf;

const REAL: &str = "real/huaian-hongze-district-gov-2023.pdf";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/readers/pdf"
    ))
    .join(name)
}

fn real_bytes() -> Vec<u8> {
    std::fs::read(common::corpus().join(REAL)).expect("the real PDF of the corpus")
}

fn load_real() -> Loaded {
    document::load("hongze-2023.pdf", &real_bytes(), ReadOptions::default())
        .expect("the real PDF reads")
}

/// Every data row of the tables in the top-level section whose title contains `section`:
/// (label, values as text; blank cells as `·`).
fn rows_in(doc: &Document, section: &str) -> Vec<(String, Vec<String>)> {
    doc.tables
        .iter()
        .filter(|t| {
            t.section
                .is_some_and(|s| doc.sections[doc.top_section(s)].title.contains(section))
        })
        .flat_map(|t| {
            t.rows
                .iter()
                .filter(|r| r.kind == regulint::document::RowKind::Data)
                .map(|r| {
                    let values = r
                        .aligned
                        .iter()
                        .map(|c| match c.map(|i| &r.cells[i].value) {
                            Some(CellValue::Number(q)) => q.to_string(),
                            Some(CellValue::Blank) | None => "·".to_owned(),
                            Some(other) => format!("{other:?}"),
                        })
                        .collect();
                    (r.label.clone(), values)
                })
        })
        .collect()
}

fn values_of<'a>(rows: &'a [(String, Vec<String>)], label_end: &str) -> &'a [String] {
    let matches: Vec<_> = rows
        .iter()
        .filter(|(l, _)| l.ends_with(label_end))
        .collect();
    assert_eq!(
        matches.len(),
        1,
        "one row ending {label_end:?} in {rows:#?}"
    );
    &matches[0].1
}

#[test]
fn the_real_pdf_reads_into_six_sections_and_three_tables() {
    let loaded = load_real();
    let doc = &loaded.document;
    assert_eq!(doc.format, InputFormat::Pdf);
    let top: Vec<String> = doc
        .sections
        .iter()
        .filter(|s| s.level == 1)
        .map(|s| format!("{}{}", s.marker, s.title))
        .collect();
    assert_eq!(
        top,
        [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ]
    );
    let title = doc.title.as_ref().expect("a title");
    assert_eq!(title.year, Some(2023));
    assert_eq!(title.agency.as_deref(), Some("洪泽区人民政府"));
    assert_eq!(
        doc.tables.len(),
        3,
        "table 2, table 3 (joined over the page break), table 4"
    );
    // The preamble names the full agency and the statistics period, with the footer `-1-`
    // and the page break out of the paragraph that runs from page 1 to page 2.
    let text: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            regulint::document::Block::Paragraph { text, .. } => Some(text.text.as_str()),
            regulint::document::Block::Table { .. } => None,
        })
        .collect();
    assert!(
        text.iter()
            .any(|p| p.contains("本报告由淮安市洪泽区人民政府办公室")
                && p.contains("统计期限自2023年1月1日起至2023年12月31日止"))
    );
    assert!(
        text.iter()
            .any(|p| p.contains("严格执行“分级审核、先审后发”程序"))
    );
    assert!(
        !text
            .iter()
            .any(|p| p.trim() == "-1-" || p.contains("第 2 页"))
    );
}

#[test]
fn the_real_pdf_tables_hold_every_printed_value() {
    let doc = load_real().document;
    let table2 = rows_in(&doc, "主动公开");
    assert_eq!(values_of(&table2, "规章"), ["0", "0", "0"]);
    assert_eq!(values_of(&table2, "行政规范性文件"), ["0", "5", "5"]);
    assert_eq!(values_of(&table2, "行政许可"), ["550"]);
    assert_eq!(values_of(&table2, "行政处罚"), ["4119"]);
    assert_eq!(values_of(&table2, "行政强制"), ["195"]);
    assert_eq!(values_of(&table2, "行政事业性收费"), ["7730.28"]);

    let table3 = rows_in(&doc, "收到和处理");
    let row = |total: &str, first: &str| {
        let mut v = vec![first.to_owned()];
        v.extend(std::iter::repeat_n("0".to_owned(), 5));
        v.push(total.to_owned());
        v
    };
    let expected = [
        ("一、本年新收政府信息公开申请数量", "21"),
        ("二、上年结转政府信息公开申请数量", "0"),
        ("三、本年度办理结果（一）予以公开", "0"),
        (
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "4",
        ),
        ("（三）不予公开1.属于国家秘密", "1"),
        ("2.其他法律行政止公开", "0"),
        ("3.危及“三安全一稳定”", "0"),
        ("4.保护第三方合法权益", "0"),
        ("5.属于三类内部事务信息", "0"),
        ("6.属于四类过程性信息", "1"),
        ("7.属于行政执法案卷", "1"),
        ("8.属于行政查询事项", "0"),
        ("（四）无法提供1.本机关不掌握相关政府信息", "10"),
        ("2.没有现成信息需要另行制作", "3"),
        // Page 4 from here: the merged labels 三、本年度办理结果 and （四）无法提供 continue.
        (
            "三、本年度办理结果（四）无法提供3.补正后申请内容仍不明确",
            "0",
        ),
        ("（五）不予处理1.信访举报投诉类申请", "1"),
        ("（五）不予处理2.重复申请", "0"),
        ("3.要求提供公开出版物", "0"),
        ("4.无正当理由大量反复申请", "0"),
        ("5.要求行政机关确认或重新出具已获取信息", "0"),
        ("三、本年度办理结果（六）其他处理", "0"),
        ("（七）总计", "21"),
        ("四、结转下年度继续办理", "0"),
    ];
    assert_eq!(table3.len(), expected.len(), "{table3:#?}");
    for (label, value) in expected {
        assert_eq!(values_of(&table3, label), row(value, value), "{label}");
    }
    // Every results row carries the vertical label cell 三、本年度办理结果.
    assert!(
        table3[2..22]
            .iter()
            .all(|(l, _)| l.starts_with("三、本年度办理结果"))
    );
    let table = doc
        .tables
        .iter()
        .find(|t| t.rows.len() > 20)
        .expect("table 3");
    let columns: Vec<&str> = table.bands[0]
        .columns
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(
        columns,
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

    let table4 = rows_in(&doc, "行政复议");
    assert_eq!(table4.len(), 1);
    assert_eq!(
        table4[0].1,
        [
            "10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"
        ]
    );
}

#[test]
fn the_real_pdf_inspect_is_as_reviewed() {
    let loaded = load_real();
    insta::assert_snapshot!(
        "inspect_huaian_hongze_pdf",
        inspect::render_tree(&inspect::view(&loaded))
    );
    insta::assert_snapshot!(
        "text_huaian_hongze_pdf",
        inspect::render_text(&loaded.source)
    );
}

#[test]
fn the_real_pdf_lints_with_the_table4_errors_at_their_cells() {
    let report = lint_bytes("hongze-2023.pdf", &real_bytes(), &LintOptions::default());
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.year, Some(2023));
    let source = report.source.as_ref().expect("source");
    let t402: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "T402")
        .collect();
    assert_eq!(t402.len(), 2, "{t402:#?}");
    assert!(t402[0].message.contains("行政复议") && t402[0].message.contains("10 + 1 + 0 + 0"));
    assert!(t402[1].message.contains("复议后起诉") && t402[1].message.contains("5 + 0 + 0 + 0"));
    for f in &t402 {
        // The 总计 cell reads 0, on the values row of table 4 (page 4).
        assert_eq!(source.slice(f.span), "0");
        let line = source.line_col(f.span.start as usize).line;
        let text = &source.text[source.line_text_range(line - 1).expect("line")];
        assert!(text.starts_with("10\t1\t0\t0\t0"), "{text}");
    }
    assert!(!report.findings.iter().any(|f| f.code == "S006"), "no S006");
    insta::assert_snapshot!(
        "lint_huaian_hongze_pdf",
        regulint::ruletest::render(&report)
    );
}

/// The report part of `real/shuyang-fgj-2023.html`, printed by LibreOffice Writer (Type 1 CJK
/// fonts, stroked grid rules, a table continued over a page break with subdivided columns) and
/// by Chromium (Type 3 fonts, CID width ranges, every cell border a filled rectangle, a
/// row-spanning cell split over the page break with its text overflowing the grid).
#[test]
fn pdfs_from_two_producers_read_like_the_page_they_were_printed_from() {
    for producer in ["libreoffice", "chromium"] {
        same_as_source(&format!("{producer}-shuyang-fgj-2023.pdf"));
    }
}

fn same_as_source(pdf_name: &str) {
    let pdf_bytes = std::fs::read(fixture(pdf_name)).expect("fixture");
    let html_bytes = std::fs::read(fixture("shuyang-fgj-2023.source.html")).expect("fixture");
    let pdf = document::load("r.pdf", &pdf_bytes, ReadOptions::default()).expect("pdf reads");
    let html = document::load("r.html", &html_bytes, ReadOptions::default()).expect("html reads");
    for section in ["主动公开", "收到和处理", "行政复议"] {
        let from_pdf = rows_in(&pdf.document, section);
        assert!(!from_pdf.is_empty(), "{pdf_name} {section}");
        assert_eq!(
            from_pdf,
            rows_in(&html.document, section),
            "{pdf_name} {section}"
        );
    }
    let columns = |doc: &Document| -> Vec<Vec<String>> {
        doc.tables
            .iter()
            .map(|t| {
                t.bands
                    .iter()
                    .flat_map(|b| b.columns.iter().map(|c| c.path.join("›")))
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        columns(&pdf.document),
        columns(&html.document),
        "{pdf_name}"
    );
    let title = |doc: &Document| doc.title.as_ref().map(|t| (t.text.clone(), t.year));
    assert_eq!(title(&pdf.document), title(&html.document), "{pdf_name}");
    let findings = |name: &str, bytes: &[u8]| -> Vec<(String, String)> {
        let report = lint_bytes(name, bytes, &LintOptions::default());
        assert!(report.error.is_none(), "{:?}", report.error);
        let mut f: Vec<_> = report
            .findings
            .iter()
            .map(|f| (f.code.clone(), f.message.clone()))
            .collect();
        f.sort();
        f
    };
    let from_pdf = findings("r.pdf", &pdf_bytes);
    assert!(!from_pdf.is_empty());
    assert_eq!(from_pdf, findings("r.html", &html_bytes), "{pdf_name}");
}

fn read_error(name: &str) -> String {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    match document::load(name, &bytes, ReadOptions::default()) {
        Err(e @ ReadError::Malformed { format: "pdf", .. }) => e.to_string(),
        Err(other) => panic!("{name}: expected a pdf error, got {other:?}"),
        Ok(_) => panic!("{name}: expected an error"),
    }
}

#[test]
fn hostile_and_unreadable_pdfs_get_their_own_errors() {
    let cases = [
        (
            "scanned-no-text-layer.pdf",
            "no text layer; OCR is not supported",
        ),
        ("encrypted-user-password.pdf", "encrypted PDF"),
        ("truncated-half.pdf", "damaged or truncated"),
        (
            "bomb-deep-nesting.pdf",
            "nests arrays or dictionaries more than 64 deep",
        ),
        ("bomb-flate-150mib.pdf", "decompress to more than 128 MiB"),
        (
            "many-pages-1200.pdf",
            "1200 pages; regulint reads reports of up to 1000 pages",
        ),
        ("not-a-pdf.pdf", "not a PDF file"),
        (
            "parser-panic-unknown-encoding.pdf",
            "the PDF parser failed on this file (unexpected encoding",
        ),
        // Found by `fuzz/fuzz_targets/read_pdf.rs` (hangs, one in each worker): a page that is
        // its own /Parent and has no MediaBox, or no Resources, sent pdf-extract up the chain
        // forever.
        (
            "fuzz-page-its-own-parent-no-mediabox.pdf",
            "page 1's /Parent chain comes back to itself",
        ),
        (
            "fuzz-page-its-own-parent-no-resources.pdf",
            "page 1's /Parent chain comes back to itself",
        ),
    ];
    for (name, expected) in cases {
        let message = read_error(name);
        assert!(message.contains(expected), "{name}: {message}");
    }
}

#[test]
fn a_page_tree_naming_one_page_thousands_of_times_reads_a_few_pages() {
    let bytes = std::fs::read(fixture("bomb-page-count-5000.pdf")).expect("fixture");
    let loaded = document::load("bomb.pdf", &bytes, ReadOptions::default()).expect("reads");
    // lopdf lists each distinct page reference once per tree level it meets, not 5000 times.
    let pages = loaded.source.text.matches("—— 第 ").count();
    assert!((1..=10).contains(&pages), "{pages} pages");
    assert!(loaded.source.text.contains("Annual report 2023"));
}

/// `/Rotate 90`: text and rules are read as the page is displayed (landscape), not as drawn.
#[test]
fn a_rotated_page_reads_as_displayed() {
    let bytes = std::fs::read(fixture("rotated-page-ruled-table.pdf")).expect("fixture");
    let loaded = document::load("r.pdf", &bytes, ReadOptions::default()).expect("reads");
    assert_eq!(
        loaded.source.text,
        "—— 第 1 页 ——\nAnnual report 2023, landscape table page\nItem\tIssued\tRepealed\t\
         Valid\nRules\t0\t0\t0\nRegulations\t3\t1\t12\n"
    );
    let table = &loaded.document.tables[0];
    assert_eq!(table.kind, regulint::document::TableKind::Markup);
    assert_eq!(table.bands[0].columns.len(), 3);
}

#[test]
fn a_pdf_restricted_by_an_owner_password_only_is_read() {
    let bytes = std::fs::read(fixture("encrypted-owner-password-only.pdf")).expect("fixture");
    let loaded = document::load("owner.pdf", &bytes, ReadOptions::default()).expect("reads");
    assert!(loaded.source.text.contains("\nAnnual report 2023\n"));
}

#[test]
fn a_page_of_twelve_thousand_crossing_rules_reads_as_text_in_bounded_time() {
    let bytes = std::fs::read(fixture("bomb-many-rules.pdf")).expect("fixture");
    let started = std::time::Instant::now();
    let loaded = document::load("rules.pdf", &bytes, ReadOptions::default()).expect("reads");
    assert!(loaded.document.tables.is_empty());
    assert!(loaded.source.text.contains("\nAnnual report 2023\n"));
    // Grouping 6000 × 6000 rules would take minutes; skipped, the page takes well under that.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn pdf_is_recognised_by_extension_and_by_content() {
    assert_eq!(
        document::format_from_extension("a/报告.PDF"),
        Some(InputFormat::Pdf)
    );
    let loaded = document::load("report.bin", &real_bytes(), ReadOptions::default())
        .expect("sniffed as PDF");
    assert_eq!(loaded.document.format, InputFormat::Pdf);
}

/// Without rules, columns come from x positions: fields with numbers make a table whose value
/// columns are where the numbers stand, so a blank cell stays in its column; hard-wrapped prose
/// joins; the footer `- 1 -` is no paragraph.
#[test]
fn a_table_without_rules_is_read_from_positions() {
    let bytes = std::fs::read(fixture("unruled-table-and-footer.pdf")).expect("fixture");
    let loaded = document::load("u.pdf", &bytes, ReadOptions::default()).expect("reads");
    let doc = &loaded.document;
    assert_eq!(doc.tables.len(), 1);
    let table = &doc.tables[0];
    assert_eq!(table.kind, regulint::document::TableKind::Markup);
    let columns: Vec<&str> = table.bands[0]
        .columns
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(columns, ["Issued", "Repealed", "Valid"]);
    let rows: Vec<(String, Vec<String>)> = table
        .rows
        .iter()
        .filter(|r| r.kind == regulint::document::RowKind::Data)
        .map(|r| {
            let values = r
                .aligned
                .iter()
                .map(|c| match c.map(|i| &r.cells[i].value) {
                    Some(CellValue::Number(q)) => q.to_string(),
                    _ => "·".to_owned(),
                })
                .collect();
            (r.label.clone(), values)
        })
        .collect();
    let row =
        |label: &str, values: [&str; 3]| (label.to_owned(), values.map(str::to_owned).to_vec());
    assert_eq!(
        rows,
        [
            row("Rules", ["0", "0", "0"]),
            row("Regulations", ["3", "1", "12"]),
            row("Decisions", ["·", "2", "·"]),
        ]
    );
    let paragraphs: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            regulint::document::Block::Paragraph { text, .. } => Some(text.text.as_str()),
            regulint::document::Block::Table { .. } => None,
        })
        .collect();
    assert_eq!(
        paragraphs,
        [
            "Annual report 2023",
            "This line is long enough to reach the right margin of the page text column and \
             continues here.",
        ]
    );
}

const BIN: &str = env!("CARGO_BIN_EXE_regulint");

#[test]
fn inspect_text_prints_the_lines_findings_point_at() {
    let real = common::corpus().join(REAL);
    let output = std::process::Command::new(BIN)
        .args(["inspect", "--text"])
        .arg(&real)
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(text.starts_with("  1 | —— 第 1 页 ——\n"), "{}", &text[..80]);
    assert!(text.contains("\n 92 | 10\t1\t0\t0\t0\t0\t0\t0\t0\t0\t5\t0\t0\t0\t0\n"));
    assert!(text.contains(" | —— 第 4 页 ——\n"));
    let output = std::process::Command::new(BIN)
        .args(["lint", "--color", "never"])
        .arg(&real)
        .output()
        .expect("runs");
    let human = String::from_utf8(output.stdout).expect("utf-8");
    assert!(
        human.contains("huaian-hongze-district-gov-2023.pdf:92:10"),
        "{human}"
    );
    // Any other format prints its decoded text the same way.
    let output = std::process::Command::new(BIN)
        .args(["inspect", "--text"])
        .arg(common::seed())
        .output()
        .expect("runs");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(
        text.lines()
            .nth(2)
            .is_some_and(|l| l.ends_with("| 石家庄市商务局")),
        "{text}"
    );
}

#[test]
fn folder_walks_include_pdf_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(common::corpus().join(REAL), dir.path().join("hongze.pdf")).expect("copy");
    std::fs::write(dir.path().join("notes.bin"), b"%PDF-1.4 not a report").expect("write");
    let output = std::process::Command::new(BIN)
        .args(["lint", "--summary"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let summary = String::from_utf8(output.stdout).expect("utf-8");
    assert!(summary.contains("hongze.pdf"), "{summary}");
    assert!(!summary.contains("notes.bin"), "{summary}");
    assert!(summary.contains("1 file:"), "{summary}");
}

/// Every PDF fixture that reads — the real producers' renderings of the corpus and the
/// readable reader fixtures — has a reviewed snapshot of what `inspect` shows, so a change in
/// how any of them reads is seen in review. (Unreadable ones are checked by their errors.)
#[test]
fn every_readable_pdf_fixture_inspects_as_reviewed() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/pdf_fixtures");
    settings.bind(|| {
        insta::glob!("fixtures/{layouts/*,readers/pdf}/*.pdf", |path| {
            let bytes = std::fs::read(path).expect("fixture");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if let Ok(loaded) = document::load(&name, &bytes, ReadOptions::default()) {
                insta::assert_snapshot!(inspect::render_tree(&inspect::view(&loaded)));
            }
        });
    });
}
