//! The HTML reader on real published reports (`shared/corpus/real`).

mod common;

use regulint::document::{Block, Document, Loaded, ReadOptions, Row, RowKind, Table, load};

fn load_real(name: &str) -> (Loaded, String) {
    let path = common::corpus().join("real").join(name);
    let bytes = std::fs::read(&path).expect("readable corpus file");
    let loaded = load(&path.to_string_lossy(), &bytes, ReadOptions::default()).expect("loads");
    let text = loaded.source.text.clone();
    (loaded, text)
}

fn top_sections(doc: &Document) -> Vec<(u32, String)> {
    doc.sections
        .iter()
        .filter(|s| s.level == 1)
        .map(|s| (s.number, s.title.clone()))
        .collect()
}

/// The data row whose label contains `label`.
fn row<'a>(table: &'a Table, label: &str) -> &'a Row {
    table
        .rows
        .iter()
        .find(|r| r.kind == RowKind::Data && r.label.contains(label))
        .unwrap_or_else(|| panic!("no row labelled {label}"))
}

/// The text of `row` under the band column labelled `column`.
fn value<'a>(table: &'a Table, row: &'a Row, column: &str) -> &'a str {
    let band = &table.bands[row.band];
    let col = band
        .columns
        .iter()
        .find(|c| c.label == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    &row.cells[col.grid].text
}

#[test]
fn shanghai_2019_sections_title_and_tables() {
    let (loaded, source) = load_real("shanghai-gov-office-2019.html");
    let doc = &loaded.document;
    let title = doc.title.as_ref().expect("a title");
    assert_eq!(title.year, Some(2019));
    assert_eq!(
        title.text,
        "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    );
    let sections = top_sections(doc);
    let numbers: Vec<u32> = sections.iter().map(|s| s.0).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    assert_eq!(sections[0].1, "总体情况");
    assert_eq!(sections[5].1, "其他需要报告的事项");
    assert!(doc.problems.iter().all(|p| !matches!(
        p.kind,
        regulint::document::ProblemKind::TooDeep | regulint::document::ProblemKind::Truncated
    )));

    assert_eq!(doc.tables.len(), 3);
    // Table 2: five 第二十条 bands; `本年新<br />制作数量` reads as one word.
    let t2 = &doc.tables[0];
    assert_eq!(t2.bands.len(), 5);
    assert!(
        t2.bands[0]
            .columns
            .iter()
            .any(|c| c.label == "本年新制作数量")
    );
    assert_eq!(value(t2, row(t2, "规章"), "对外公开总数量"), "524");
    assert_eq!(value(t2, row(t2, "政府集中采购"), "采购总金额"), "251000元");

    // Table 3: 7 numeric columns; 859 received, 805 handled, 72 carried over (T3-1 holds).
    let t3 = &doc.tables[1];
    let columns: Vec<&str> = t3.bands[0]
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
    assert_eq!(value(t3, row(t3, "一、本年新收"), "总计"), "859");
    assert_eq!(value(t3, row(t3, "一、本年新收"), "自然人"), "821");
    assert_eq!(value(t3, row(t3, "二、上年结转"), "总计"), "18");
    let total = row(t3, "（七）总计");
    assert_eq!(value(t3, total, "总计"), "805");
    assert_eq!(value(t3, row(t3, "四、结转下年度"), "总计"), "72");

    // A cell's span is its whole `<td …>…</td>` element.
    let cell = &total.cells[t3.bands[0].columns[6].grid];
    let markup = &source[cell.span.range()];
    assert!(markup.starts_with("<td"), "{markup}");
    assert!(markup.ends_with("</td>"), "{markup}");
    assert!(markup.contains(">805<"), "{markup}");

    // Table 4: one unlabelled row of 15 values.
    let t4 = &doc.tables[2];
    let data: Vec<&Row> = t4.rows.iter().filter(|r| r.kind == RowKind::Data).collect();
    assert_eq!(data.len(), 1);
    assert_eq!(t4.bands[0].columns.len(), 15);
    assert_eq!(value(t4, data[0], "结果维持"), "5");
}

#[test]
fn shanghai_2019_entities_map_back_to_their_markup() {
    let (loaded, source) = load_real("shanghai-gov-office-2019.html");
    let text = loaded
        .document
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph { text, .. } if text.text.contains("<长江三角洲") => Some(text),
            _ => None,
        })
        .expect("the paragraph quoting 《上海市贯彻<长江三角洲…>实施方案》");
    let lt = text.text.find("<长江").expect("decoded &lt;");
    let span = text.span_of(lt, lt + 1).expect("mapped");
    assert_eq!(&source[span.range()], "&lt;");
    let name = "长江三角洲区域一体化发展规划纲要";
    let at = text.text.find(name).expect("name");
    let span = text.span_of(at, at + name.len()).expect("mapped");
    assert_eq!(&source[span.range()], name);
}

#[test]
fn shuyang_2023_crawled_page() {
    let (loaded, source) = load_real("shuyang-fgj-2023.html");
    let doc = &loaded.document;
    let title = doc
        .title
        .as_ref()
        .expect("the <h1> title before <ucapcontent>");
    assert_eq!(title.year, Some(2023));
    assert_eq!(title.agency.as_deref(), Some("沭阳县发展和改革局"));
    let numbers: Vec<u32> = top_sections(doc).iter().map(|s| s.0).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    // Site chrome and the 索引号 box are outside <ucapcontent>: nothing of them is read.
    for block in &doc.blocks {
        if let Block::Paragraph { text, .. } = block {
            for chrome in ["繁體版", "首页", "索引号", "采集时间", "websiteId"] {
                assert!(!text.text.contains(chrome), "{chrome} read: {}", text.text);
            }
        }
    }

    assert_eq!(doc.tables.len(), 3);
    let t2 = &doc.tables[0];
    assert_eq!(value(t2, row(t2, "规范性文件"), "现行有效件数"), "18");
    let t3 = &doc.tables[1];
    assert_eq!(t3.bands[0].columns.len(), 7);
    assert_eq!(value(t3, row(t3, "一、本年新收"), "总计"), "26");
    assert_eq!(value(t3, row(t3, "（一）予以公开"), "自然人"), "26");
    assert_eq!(value(t3, row(t3, "（七）总计"), "总计"), "26");
    // 2021 format: （六） has three sub-items, labels joined from their merged group cells.
    assert!(
        row(t3, "（六）其他处理3.其他")
            .label
            .starts_with("三、本年度办理结果")
    );
    let t4 = &doc.tables[2];
    assert_eq!(t4.bands[0].columns.len(), 15);

    // The Word-style paragraph split over dozens of <span>/<font> runs reads as one text,
    // and a phone number split across runs maps back to the markup between its digits.
    let preamble = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph { text, .. } if text.text.starts_with("根据《") => Some(text),
            _ => None,
        })
        .expect("preamble");
    assert!(
        preamble
            .text
            .contains("统计时限为2023年1月1日至2023年12月31日。")
    );
    let phone = "0527—83593059";
    let at = preamble.text.find(phone).expect("phone");
    let span = preamble.span_of(at, at + phone.len()).expect("mapped");
    let markup = &source[span.range()];
    assert!(markup.starts_with("0527—83593</font>"), "{markup}");
    assert!(markup.ends_with("059"), "{markup}");
}
