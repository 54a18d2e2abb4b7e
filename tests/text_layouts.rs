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
            .flat_map(|r| render::row_values(r))
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
