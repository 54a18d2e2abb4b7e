//! The report year and agency, wherever the title stands, and the fallbacks when it names no
//! year: the statistics period, then an early-in-the-year publication date; when none is
//! found the output says so (Y001) instead of silently using the newest pack.

mod common;

use regulint::document::{Document, ReadOptions, load};
use regulint::engine::year::{self, YearSource};
use regulint::lint::{LintOptions, lint_bytes};

fn document(name: &str, text: &str) -> Document {
    load(name, text.as_bytes(), ReadOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .document
}

/// Year, its source, and the agency named in the title.
fn found(name: &str, text: &str) -> (Option<i32>, Option<YearSource>, Option<String>) {
    let document = document(name, text);
    let year = year::find(&document);
    (
        year.map(|y| y.year),
        year.map(|y| y.source),
        document.title.and_then(|t| t.agency),
    )
}

const BODY: &str = "一、总体情况\n本年度工作平稳推进。\n二、主动公开政府信息情况\n略。\n";

#[test]
fn title_followed_directly_by_the_body() {
    let text = format!(
        "某市商务局2022年政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开条例》要求编制本报告，报告中所列数据由本局办公室提供\n{BODY}"
    );
    let document = document("a.txt", &text);
    let title = document.title.expect("a title");
    assert_eq!(title.text, "某市商务局2022年政府信息公开工作年度报告");
    assert_eq!(title.year, Some(2022));
    assert_eq!(title.agency.as_deref(), Some("某市商务局"));
}

#[test]
fn title_split_over_two_lines() {
    let text = format!("洪泽区人民政府\n      2023 年政府信息公开工作年度报告\n\n{BODY}");
    assert_eq!(
        found("a.txt", &text),
        (
            Some(2023),
            Some(YearSource::Title),
            Some("洪泽区人民政府".into())
        )
    );
    let text = format!("某县水利局2021年\n政府信息公开工作年度报告\n\n{BODY}");
    assert_eq!(
        found("a.txt", &text),
        (
            Some(2021),
            Some(YearSource::Title),
            Some("某县水利局".into())
        )
    );
}

#[test]
fn year_forms_in_the_title() {
    for (title, year) in [
        ("某市商务局 2020 年政府信息公开工作年度报告", 2020),
        ("某市商务局2023年度政府信息公开工作年度报告", 2023),
        ("某市商务局二〇二三年政府信息公开工作年度报告", 2023),
        ("某市商务局二零二二年度政府信息公开工作年度报告", 2022),
        ("某市商务局２０２４年政府信息公开工作年度报告", 2024),
        ("## 2019年某市商务局政府信息公开工作年度报告", 2019),
    ] {
        let text = format!("{title}\n\n{BODY}");
        let (y, source, agency) = found("a.md", &text);
        assert_eq!(
            (y, source),
            (Some(year), Some(YearSource::Title)),
            "{title}"
        );
        assert_eq!(agency.as_deref(), Some("某市商务局"), "{title}");
    }
}

#[test]
fn html_title_h1_and_article_title_meta() {
    let body = "<p>一、总体情况</p><p>本年度工作平稳推进。</p>";
    for page in [
        format!(
            "<html><head><title>某县水利局2022年政府信息公开工作年度报告_某县人民政府</title></head><body>{body}</body></html>"
        ),
        format!(
            "<html><head><meta name=\"ArticleTitle\" content=\"某县水利局2022年政府信息公开工作年度报告\"></head><body>{body}</body></html>"
        ),
        format!(
            "<html><head><title>某县人民政府</title></head><body><h1>某县水利局2022年政府信息公开工作年度报告</h1>{body}</body></html>"
        ),
    ] {
        assert_eq!(
            found("a.html", &page),
            (
                Some(2022),
                Some(YearSource::Title),
                Some("某县水利局".into())
            ),
            "{page}"
        );
    }
}

#[test]
fn year_from_the_statistics_period() {
    let text = format!(
        "某市商务局政府信息公开工作年度报告\n\n本报告所列数据统计期限自2021年1月1日起至2021年12月31日止。\n{BODY}"
    );
    assert_eq!(
        found("a.txt", &text).0.zip(found("a.txt", &text).1),
        Some((2021, YearSource::StatisticsPeriod))
    );
}

#[test]
fn year_from_an_early_publication_date() {
    let text = format!("某市商务局政府信息公开工作年度报告\n\n发布日期：2024-01-20\n{BODY}");
    assert_eq!(
        found("a.txt", &text).0.zip(found("a.txt", &text).1),
        Some((2023, YearSource::PublicationDate))
    );
    // Published in June: late, or not an annual report; not guessed.
    let text = format!("某市商务局政府信息公开工作年度报告\n\n发布日期：2024-06-20\n{BODY}");
    assert_eq!(found("a.txt", &text).0, None);
}

#[test]
fn no_year_found_is_said_with_the_pack_used() {
    let text = format!("某市商务局政府信息公开工作年度报告\n\n{BODY}");
    let mut report = lint_bytes("a.txt", text.as_bytes(), &LintOptions::default());
    assert_eq!(report.year, None);
    let y001: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "Y001")
        .collect();
    assert_eq!(y001.len(), 1, "{:?}", report.findings);
    let pack = report.pack.as_deref().expect("a pack was used");
    assert!(y001[0].message.contains(pack), "{}", y001[0].message);
    assert!(y001[0].message.contains("--year"), "{}", y001[0].message);
    assert_eq!(y001[0].severity, regulint::diagnostic::Severity::Warning);
    // The finding as shown (the other rules' findings on this stub are not this test's).
    report.findings.retain(|f| f.code == "Y001");
    insta::assert_snapshot!("no_year_found", regulint::ruletest::render(&report));

    // Told the year, regulint does not complain.
    let options = LintOptions {
        year: Some(2023),
        ..LintOptions::default()
    };
    let report = lint_bytes("a.txt", text.as_bytes(), &options);
    assert!(report.findings.iter().all(|f| f.code != "Y001"));
}

/// Every corpus report gets its year from its title.
#[test]
fn every_corpus_report_gets_its_year() {
    let expected = [
        ("encodings/seed-gb18030.txt", 2020),
        ("encodings/seed-utf16le.txt", 2020),
        ("real/shanghai-gov-office-2019.html", 2019),
        ("real/shanghai-gov-office-2025.md", 2025),
        ("real/shanghai-stcsm-2024.md", 2024),
        ("real/shuyang-county-gov-2025.txt", 2025),
        ("real/shuyang-fgj-2023.html", 2023),
        ("seed/000_89e69b0ea362684d.txt", 2020),
    ];
    assert_eq!(expected.len(), common::CORPUS_FILES.len());
    for (name, year) in expected {
        assert!(common::CORPUS_FILES.contains(&name), "{name}");
        let bytes = std::fs::read(common::corpus().join(name)).expect("corpus file");
        let document = load(name, &bytes, ReadOptions::default()).unwrap().document;
        let found = year::find(&document).unwrap_or_else(|| panic!("{name}: no year"));
        assert_eq!(
            (found.year, found.source),
            (year, YearSource::Title),
            "{name}"
        );
        let report = lint_bytes(name, &bytes, &LintOptions::default());
        assert_eq!(report.year, Some(year), "{name}");
    }
    // The pdftotext text of the Hongze PDF (tests/fixtures/layouts).
    let hongze = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/layouts/huaian-hongze-2023.pdftotext-layout.txt"
    ))
    .unwrap();
    let document = load("hz.txt", &hongze, ReadOptions::default())
        .unwrap()
        .document;
    assert_eq!(year::find(&document).map(|y| y.year), Some(2023));
}
