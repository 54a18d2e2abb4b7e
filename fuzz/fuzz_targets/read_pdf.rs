//! The PDF reader: any bytes read into a model or give a `ReadError`, never a panic, within
//! the reader's documented limits (libFuzzer's -rss_limit_mb and -timeout enforce them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use regulint::document::{self, InputFormat, ReadOptions};

fuzz_target!(|data: &[u8]| {
    // The PDF reader catches panics of the third-party parser and turns them into a read
    // error, but libFuzzer's panic hook aborts first. A quiet hook lets the reader's own
    // handling work; a panic that escapes the target still aborts through libFuzzer.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let options = ReadOptions {
        format: Some(InputFormat::Pdf),
        encoding: None,
    };
    if let Ok(loaded) = document::load("fuzz.pdf", data, options) {
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
