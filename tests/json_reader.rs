//! The JSON reader: the seed report transcribed into the `regulint-report/1` schema reads into
//! the same model as the seed's text; malformed JSON and schema errors are named precisely.

mod common;
mod support;

use regulint::document::{self, Block, InputFormat, ReadError, ReadOptions, TableKind};
use serde_json::Value;
use support::{align_group_labels, summary};

const SEED_JSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/readers/seed-as-json.json"
);

fn load(name: &str, bytes: &[u8]) -> document::Loaded {
    document::load(name, bytes, ReadOptions::default()).expect("readable")
}

fn error(text: &str) -> String {
    match document::load("report.json", text.as_bytes(), ReadOptions::default()) {
        Ok(_) => panic!("expected an error for {text}"),
        Err(e @ ReadError::Malformed { format: "json", .. }) => e.to_string(),
        Err(other) => panic!("expected a json error, got {other:?}"),
    }
}

#[test]
fn seed_as_json_reads_like_the_seed_text() {
    let json = load("seed.json", &std::fs::read(SEED_JSON).expect("fixture"));
    assert_eq!(json.document.format, InputFormat::Json);
    assert!(
        json.document
            .tables
            .iter()
            .all(|t| t.kind == TableKind::Markup)
    );
    let seed = std::fs::read(common::seed()).expect("the seed report in the shared corpus");
    let text = load("seed.txt", &seed);

    let mut json_summary = summary(&json.document);
    let mut text_summary = summary(&text.document);
    // The PDF export of table 4 has a 16th value cell (formats.md §4): the text model flags
    // the row; the JSON transcribes the report's 15 values.
    assert_eq!(
        text_summary["problems"],
        serde_json::json!(["数据行有 16 个数值，而表头只有 15 列"])
    );
    assert_eq!(
        text_summary["tables"][2]["bands"][0]["rows"][0]["malformed"],
        true
    );
    text_summary["problems"] = Value::Array(Vec::new());
    text_summary["tables"][2]["bands"][0]["rows"][0]["malformed"] = Value::Bool(false);

    // Table 3's group labels (三、本年度办理结果, （三）…) are merged cells in the JSON's
    // markup, repeated on every row of the group; the text leaves them empty.
    let prefixed = align_group_labels(&mut json_summary, &text_summary);
    assert_eq!(prefixed, 19);
    assert_eq!(json_summary, text_summary);

    let sections = json_summary["sections"].as_array().expect("sections");
    assert_eq!(sections.len(), 8);
    let t3 = &json_summary["tables"][1]["bands"][0];
    assert_eq!(t3["rows"].as_array().map(Vec::len), Some(23));
    assert_eq!(t3["columns"].as_array().map(Vec::len), Some(7));
    assert_eq!(
        json.document.title.as_ref().map(|t| t.text.as_str()),
        Some("石家庄市商务局2020年政府信息公开工作年度报告")
    );
}

const MINIMAL: &str = r#"{
  "schema": "regulint-report/1",
  "title": "示例局2023年政府信息公开工作年度报告",
  "preamble": ["统计期限为2023年1月1日至2023年12月31日。\n如有疑问请联系。"],
  "sections": [
    {"number": "一", "title": "总体情况", "paragraphs": ["全年主动公开\u4fe1息120条。"],
     "subsections": [{"title": "主动公开", "subsections": [{"number": 2, "title": "平台建设"}]}]},
    {"number": 4, "title": "政府信息公开行政复议、行政诉讼情况"}
  ],
  "tables": {
    "table4": {"columns": [["行政复议", "结果维持"], ["行政复议", "总计"]],
               "rows": [{"values": [1, "/"]}]}
  }
}"#;

#[test]
fn headings_are_synthesised_and_spans_point_into_the_json() {
    let loaded = load("r.json", MINIMAL.as_bytes());
    let document = &loaded.document;
    let sections: Vec<(u8, String, String)> = document
        .sections
        .iter()
        .map(|s| (s.level, s.marker.clone(), s.title.clone()))
        .collect();
    assert_eq!(
        sections,
        [
            (1, "一、".to_owned(), "总体情况".to_owned()),
            (2, "（一）".to_owned(), "主动公开".to_owned()),
            (3, "2.".to_owned(), "平台建设".to_owned()),
            (
                1,
                "四、".to_owned(),
                "政府信息公开行政复议、行政诉讼情况".to_owned()
            ),
        ]
    );
    // A heading's span runs from its number to the end of its title.
    let first = &MINIMAL[document.sections[0].span.range()];
    assert!(first.starts_with("\"一\""), "{first}");
    assert!(first.ends_with("总体情况"), "{first}");
    // An escaped character maps to its escape.
    let paragraph = document
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph { text, .. } if text.text.starts_with("全年") => Some(text),
            _ => None,
        })
        .expect("paragraph");
    assert_eq!(paragraph.text, "全年主动公开信息120条。");
    let at = paragraph.text.find('信').expect("信");
    let span = paragraph.span_of(at, at + 3).expect("span");
    assert_eq!(&MINIMAL[span.range()], r"\u4fe1");
    // The table sits in section 四; each value cell's span is its JSON value.
    let table = &document.tables[0];
    let top = table.section.map(|s| document.top_section(s));
    assert_eq!(top, Some(3));
    let row = table.rows.last().expect("data row");
    let cells: Vec<&str> = row
        .aligned
        .iter()
        .map(|i| &MINIMAL[row.cells[i.expect("aligned")].span.range()])
        .collect();
    assert_eq!(cells, ["1", "/"]);
    let columns: Vec<&str> = table.bands[0]
        .columns
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(columns, ["结果维持", "总计"]);
}

#[test]
fn invalid_json_names_line_and_column() {
    let message = error("{\n  \"schema\": \"regulint-report/1\",\n  \"title\": [\"a\",]\n}");
    assert!(
        message.contains("invalid JSON at line 3, column 17"),
        "{message}"
    );
    let message = error("{\"schema\": \"regulint-report/1\", \"schema\": 1}");
    assert!(message.contains("duplicate key \"schema\""), "{message}");
    let message = error(&format!("{{\"a\": {}{}}}", "[".repeat(80), "]".repeat(80)));
    assert!(message.contains("nest more than 64 deep"), "{message}");
}

fn with_table3_value(value: &str) -> String {
    let values: Vec<String> = (0..7)
        .map(|i| {
            if i == 2 {
                value.to_owned()
            } else {
                "0".to_owned()
            }
        })
        .collect();
    let rows: Vec<String> = (0..5)
        .map(|i| {
            let values = if i == 4 {
                values.join(", ")
            } else {
                "0, 0, 0, 0, 0, 0, 0".to_owned()
            };
            format!("{{\"label\": \"行{i}\", \"values\": [{values}]}}")
        })
        .collect();
    format!(
        "{{\"schema\": \"regulint-report/1\", \"title\": \"t\", \"sections\": [], \
         \"tables\": {{\"table3\": {{\"columns\": [\"自然人\"], \"rows\": [{}]}}}}}}",
        rows.join(", ")
    )
}

#[test]
fn schema_errors_name_the_json_path() {
    let message = error(&with_table3_value("true"));
    assert!(
        message.contains(
            "tables.table3.rows[4].values[2]: expected a number, null, or a string holding a number or a mark such as \"/\", found a boolean"
        ),
        "{message}"
    );
    let message = error(&with_table3_value("\"很多\""));
    assert!(
        message.contains("tables.table3.rows[4].values[2]:") && message.contains("\"很多\""),
        "{message}"
    );
    // Numbers, blanks (null) and marks are accepted.
    for ok in ["3", "null", "\"/\"", "\"—\"", "\"12 件\""] {
        let text = with_table3_value(ok);
        document::load("r.json", text.as_bytes(), ReadOptions::default())
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }

    let message = error("{\"schema\": \"regulint-report/1\", \"title\": \"t\"}");
    assert!(
        message.contains("sections: missing required field"),
        "{message}"
    );
    let message = error("{\"schema\": \"regulint-report/2\", \"title\": \"t\", \"sections\": []}");
    assert!(message.contains("schema: unsupported schema"), "{message}");
    let message = error(
        "{\"schema\": \"regulint-report/1\", \"title\": \"t\", \"sections\": [{\"title\": \"a\", \"paragraph\": []}]}",
    );
    assert!(
        message.contains("sections[0].paragraph: unknown field"),
        "{message}"
    );
    let message = error(
        "{\"schema\": \"regulint-report/1\", \"title\": \"t\", \"sections\": [{\"title\": 5}]}",
    );
    assert!(
        message.contains("sections[0].title: expected a string, found a number"),
        "{message}"
    );
    let message = error("[1, 2]");
    assert!(
        message.contains("(top level): expected an object"),
        "{message}"
    );
}
