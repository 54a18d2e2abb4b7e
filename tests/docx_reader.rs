//! The DOCX reader: a report written as a Word document reads into the same model as the
//! same report written as text; broken, hostile and foreign packages give clear errors.

mod support;

use regulint::document::{self, InputFormat, ReadError, ReadOptions, TableKind};
use serde_json::Value;
use support::{
    align_group_labels, docx_with, minimal_report, summary, to_docx, to_text, zip_parts,
};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/readers/generated-minimal-report.docx"
);

fn load(name: &str, bytes: &[u8]) -> document::Loaded {
    document::load(name, bytes, ReadOptions::default()).expect("readable")
}

fn error(bytes: &[u8]) -> String {
    match document::load("report.docx", bytes, ReadOptions::default()) {
        Ok(_) => panic!("expected an error"),
        Err(e @ ReadError::Malformed { format: "docx", .. }) => e.to_string(),
        Err(other) => panic!("expected a docx error, got {other:?}"),
    }
}

#[test]
fn docx_and_text_read_into_the_same_model() {
    let report = minimal_report();
    let docx = load("report.docx", &to_docx(&report));
    let text = load("report.txt", to_text(&report).as_bytes());
    assert_eq!(docx.document.format, InputFormat::Docx);
    assert_eq!(docx.source.name, "report.docx:word/document.xml");
    assert!(
        docx.document
            .tables
            .iter()
            .all(|t| t.kind == TableKind::Markup)
    );

    let mut docx_summary = summary(&docx.document);
    let text_summary = summary(&text.document);
    let prefixed = align_group_labels(&mut docx_summary, &text_summary);
    // 三 covers 20 rows (19 continued); （三）7, （四）2, （五）4 continue inside it.
    assert_eq!(prefixed, 19);
    assert_eq!(docx_summary, text_summary);

    let sections = text_summary["sections"].as_array().expect("sections");
    assert_eq!(sections.len(), 7, "six sections and one subsection");
    let tables = text_summary["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 3);
    assert_eq!(tables[0]["bands"].as_array().map(Vec::len), Some(5));
    assert_eq!(
        tables[1]["bands"][0]["rows"].as_array().map(Vec::len),
        Some(23)
    );
    assert_eq!(
        tables[1]["bands"][0]["columns"].as_array().map(Vec::len),
        Some(7)
    );
    assert_eq!(
        tables[2]["bands"][0]["columns"].as_array().map(Vec::len),
        Some(15)
    );
    assert_eq!(text_summary["problems"], Value::Array(Vec::new()));
}

#[test]
fn spans_point_into_document_xml() {
    let report = minimal_report();
    let loaded = load("report.docx", &to_docx(&report));
    let xml = &loaded.source.text;
    assert!(xml.starts_with("<?xml"));
    let title = loaded.document.title.as_ref().expect("title");
    assert_eq!(title.text, "示例市示例局2020年政府信息公开工作年度报告");
    // The title was written as two runs: its span covers both text nodes.
    let covered = &xml[title.span.range()];
    assert!(covered.starts_with("示例市示例局2020"), "{covered}");
    assert!(covered.ends_with("年度报告"), "{covered}");
    for section in &loaded.document.sections {
        let covered = &xml[section.span.range()];
        assert!(covered.starts_with(&section.marker[..3]), "{covered}");
    }
    // A cell's span is its whole <w:tc> element.
    let t3 = &loaded.document.tables[1];
    let row = t3
        .rows
        .iter()
        .find(|r| r.label.starts_with("一、"))
        .expect("row 一");
    let total = &row.cells[*row.aligned[6].as_ref().expect("总计 cell")];
    let element = &xml[total.span.range()];
    assert!(element.starts_with("<w:tc>") && element.ends_with("</w:tc>"));
    assert!(element.contains(">4</w:t>"));
    // The table's span is the whole <w:tbl> element.
    assert!(xml[t3.span.range()].starts_with("<w:tbl>"));
    assert!(xml[t3.span.range()].ends_with("</w:tbl>"));
}

#[test]
fn committed_fixture_reads_like_the_generator() {
    let report = minimal_report();
    let bytes = to_docx(&report);
    if std::env::var_os("REGULINT_BLESS").is_some() {
        std::fs::write(FIXTURE, &bytes).expect("write fixture");
    }
    let committed = std::fs::read(FIXTURE).expect("fixture present (REGULINT_BLESS=1 writes it)");
    assert_eq!(
        summary(&load("fixture.docx", &committed).document),
        summary(&load("generated.docx", &bytes).document)
    );
}

fn xml_body(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" \
         xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><w:body>{body}</w:body></w:document>"
    )
}

fn paragraphs(loaded: &document::Loaded) -> Vec<String> {
    loaded
        .document
        .blocks
        .iter()
        .filter_map(|b| match b {
            document::Block::Paragraph { text, .. } => Some(text.text.clone()),
            document::Block::Table { .. } => None,
        })
        .collect()
}

#[test]
fn runs_entities_tabs_and_breaks() {
    let xml = xml_body(
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"840\"/></w:tabs></w:pPr>\
         <w:r><w:t>电话</w:t></w:r><w:r><w:tab/><w:t>0311&amp;</w:t></w:r>\
         <w:r><w:br/><w:t>86689429</w:t></w:r>\
         <w:del><w:r><w:delText>删除</w:delText><w:t>旧</w:t></w:r></w:del>\
         <w:r><w:instrText> PAGE </w:instrText></w:r></w:p>\
         <w:p><w:r><w:t>&#x4E00;、总体情况</w:t></w:r></w:p>\
         <w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></mc:Choice>\
         <mc:Fallback><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r>\
         <w:r><w:t>正文</w:t></w:r></w:p>\
         <w:p><a:p><a:r><a:t>not word</a:t></a:r></a:p></w:p>",
    );
    let loaded = load("x.docx", &docx_with(&xml));
    assert_eq!(
        paragraphs(&loaded),
        ["电话\t0311&86689429", "一、总体情况", "框内正文"]
    );
    // `&amp;` maps to the entity; the digits after it map verbatim.
    let document::Block::Paragraph { text, .. } = &loaded.document.blocks[0] else {
        panic!("paragraph");
    };
    let amp = text.text.find('&').expect("&");
    let span = text.span_of(amp, amp + 1).expect("span");
    assert_eq!(&loaded.source.text[span.range()], "&amp;");
    let digits = text.text.find("8668").expect("digits");
    let span = text.span_of(digits, digits + 4).expect("span");
    assert_eq!(&loaded.source.text[span.range()], "8668");
    let tab = text.text.find('\t').expect("tab");
    let span = text.span_of(tab, tab + 1).expect("span");
    assert_eq!(&loaded.source.text[span.range()], "<w:tab/>");
}

#[test]
fn merged_cells_become_spans_and_nested_tables_flatten() {
    let xml = xml_body(
        "<w:tbl><w:tr>\
           <w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>组</w:t></w:r></w:p></w:tc>\
           <w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc>\
         </w:tr><w:tr>\
           <w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>\
           <w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>\
           <w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>表</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc>\
         </w:tr><w:tr>\
           <w:tc><w:tcPr><w:vMerge w:val=\"continue\"/></w:tcPr><w:p/></w:tc>\
           <w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc>\
         </w:tr><w:tr>\
           <w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>孤</w:t></w:r></w:p></w:tc>\
         </w:tr></w:tbl>",
    );
    // The last row's continuation follows a row that did continue, so it extends the merge;
    // check the raw shape through the model: grid copies are flagged merged.
    let loaded = load("x.docx", &docx_with(&xml));
    let table = &loaded.document.tables[0];
    let texts: Vec<Vec<(&str, bool)>> = table
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| (&*c.text, c.merged)).collect())
        .collect();
    assert_eq!(
        texts,
        vec![
            vec![("组", false), ("甲乙", false), ("甲乙", true)],
            vec![("组", true), ("1", false), ("内表", false)],
            vec![("组", true), ("2", false), ("", false)],
            vec![("组", true)],
        ]
    );
}

#[test]
fn a_continuation_without_restart_is_an_ordinary_cell() {
    let xml = xml_body(
        "<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>孤</w:t></w:r></w:p></w:tc>\
         <w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
    );
    let loaded = load("x.docx", &docx_with(&xml));
    let cells: Vec<&str> = loaded.document.tables[0].rows[0]
        .cells
        .iter()
        .map(|c| &*c.text)
        .collect();
    assert_eq!(cells, ["孤", "3"]);
}

#[test]
fn not_a_zip() {
    let message = error(b"this is plain text, not a package");
    assert!(message.contains("not a ZIP archive"), "{message}");
}

#[test]
fn truncated_zip() {
    let bytes = to_docx(&minimal_report());
    let message = error(&bytes[..bytes.len() / 2]);
    assert!(
        message.contains("damaged or truncated") || message.contains("could not be decompressed"),
        "{message}"
    );
}

#[test]
fn truncated_inside_the_compressed_part() {
    // Keep the central directory but cut the compressed data: a corrupt deflate stream.
    let xml = xml_body(&"<w:p><w:r><w:t>总体情况</w:t></w:r></w:p>".repeat(200));
    let mut bytes = docx_with(&xml);
    let at = bytes
        .windows(17)
        .position(|w| w == b"word/document.xml")
        .expect("local header")
        + 17;
    for b in &mut bytes[at + 10..at + 60] {
        *b = 0xFF;
    }
    let message = error(&bytes);
    assert!(
        message.contains("could not be decompressed") || message.contains("damaged"),
        "{message}"
    );
}

#[test]
fn ole_compound_file() {
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(4096, 0);
    let message = error(&bytes);
    assert!(message.contains("password-protected"), "{message}");
    assert!(message.contains("legacy .doc"), "{message}");
}

#[test]
fn missing_document_xml() {
    let bytes = zip_parts(&[("xl/workbook.xml", b"<workbook/>")]);
    let message = error(&bytes);
    assert!(message.contains("no word/document.xml"), "{message}");
}

#[test]
fn zip_bomb_is_refused() {
    // 80 MiB of spaces deflate to about 80 KB.
    let mut xml = String::from("<?xml version=\"1.0\"?><w:document>");
    xml.push_str(&" ".repeat(80 * 1024 * 1024));
    let bytes = docx_with(&xml);
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    let message = error(&bytes);
    assert!(message.contains("more than 64 MiB"), "{message}");
}

#[test]
fn zip_bomb_with_a_lying_size_header_is_refused() {
    let mut xml = String::from("<?xml version=\"1.0\"?><w:document>");
    xml.push_str(&" ".repeat(70 * 1024 * 1024));
    let mut bytes = docx_with(&xml);
    // Declare 1 000 bytes in the local and central headers of word/document.xml.
    let name = b"word/document.xml";
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let header = &bytes[at..at + 4];
        let (size_at, name_at) = match header {
            b"PK\x03\x04" => (at + 22, at + 30),
            b"PK\x01\x02" => (at + 24, at + 46),
            _ => continue,
        };
        if bytes.get(name_at..name_at + name.len()) == Some(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&1000u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2);
    let message = error(&bytes);
    assert!(
        message.contains("more than 64 MiB") || message.contains("could not be decompressed"),
        "{message}"
    );
}

#[test]
fn broken_xml_names_the_offset() {
    let xml = xml_body("<w:p><w:r><w:t>总体</w:r></w:p>");
    let message = error(&docx_with(&xml));
    assert!(message.contains("not well-formed XML at byte"), "{message}");
    let xml = xml_body("<w:p><w:r><w:t>总体</w:t></w:r></w:p>");
    let truncated = &xml[..xml.find("</w:body>").expect("body end")];
    let message = error(&docx_with(truncated));
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn deep_nesting_is_refused() {
    let xml = xml_body(&format!(
        "{}{}",
        "<w:sdt>".repeat(300),
        "</w:sdt>".repeat(300)
    ));
    let message = error(&docx_with(&xml));
    assert!(message.contains("more than 256 deep"), "{message}");
}

#[test]
fn duplicate_entry_names_are_refused() {
    // Two parts whose names differ in one letter, then patched to the same name everywhere:
    // unzip would show the first document, the zip crate the last.
    let shown = xml_body("<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>");
    let hidden = xml_body("<w:p><w:r><w:t>另一份内容</w:t></w:r></w:p>");
    let mut bytes = zip_parts(&[
        ("word/document.xml", shown.as_bytes()),
        ("word/documenX.xml", hidden.as_bytes()),
    ]);
    let mut patched = 0;
    for at in 0..bytes.len() - 17 {
        if &bytes[at..at + 17] == b"word/documenX.xml" {
            bytes[at + 12] = b't';
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local and central header");
    let message = error(&bytes);
    assert!(
        message.contains("two entries named word/document.xml"),
        "{message}"
    );
}
