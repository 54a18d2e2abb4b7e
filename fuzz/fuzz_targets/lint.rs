//! Lint end to end with the built-in packs: the first byte picks the input format, the rest
//! is the file. Findings or a per-file error, never a panic; every finding's span lies in the
//! source it points into.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regulint::lint::{LintOptions, lint_bytes};

const NAMES: &[&str] = &["r.txt", "r.md", "r.html", "r.docx", "r.json", "r.pdf"];

fuzz_target!(|data: &[u8]| {
    // The PDF reader catches panics of the third-party parser and turns them into a read
    // error, but libFuzzer's panic hook aborts first. A quiet hook lets the reader's own
    // handling work; a panic that escapes the target still aborts through libFuzzer.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let report = lint_bytes(name, file, &LintOptions::default());
    if let Some(source) = &report.source {
        for finding in &report.findings {
            assert!(finding.span.end as usize <= source.text.len());
        }
    }
});
