//! The markdown reader: any bytes read into a model or give a `ReadError`, never a panic, within
//! the reader's documented limits (libFuzzer's -rss_limit_mb and -timeout enforce them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use regulint::document::{self, InputFormat, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions {
        format: Some(InputFormat::Markdown),
        encoding: None,
    };
    if let Ok(loaded) = document::load("fuzz.markdown", data, options) {
        // Every span the model holds lies inside the text it points into.
        let text_len = loaded.source.text.len();
        for table in &loaded.document.tables {
            assert!(table.span.end as usize <= text_len);
        }
        for section in &loaded.document.sections {
            assert!(section.span.end as usize <= text_len);
        }
    }
});
