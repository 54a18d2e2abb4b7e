//! Decoding: any bytes give text or a `DecodeError`, never a panic; the text's line index
//! and original offsets stay in bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regulint::source::Source;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = Source::decode("fuzz.txt", data, None) {
        let end = source.text.len();
        assert!(source.original_offset(end) <= data.len());
        let _ = source.line_col(end);
    }
});
