//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared corpus: `$REGULINT_CORPUS`, else `../shared/corpus` beside the checkout (where CI
/// puts it).
pub fn corpus() -> PathBuf {
    std::env::var_os("REGULINT_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
        PathBuf::from,
    )
}

/// The seed report.
pub fn seed() -> PathBuf {
    corpus().join("seed/000_89e69b0ea362684d.txt")
}

/// The seed with line 90's extra (16th) value removed: clean for today's table-shape check.
pub fn clean_seed() -> Vec<u8> {
    let text = std::fs::read_to_string(seed()).expect("the seed report");
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let line = &mut lines[89];
    let cut = line.rfind('\t').expect("a tab-separated row");
    line.truncate(cut);
    lines.join("\n").into_bytes()
}

/// Every report of the shared corpus, relative to it.
pub const CORPUS_FILES: &[&str] = &[
    "encodings/seed-gb18030.txt",
    "encodings/seed-utf16le.txt",
    "real/shanghai-gov-office-2019.html",
    "real/shanghai-gov-office-2025.md",
    "real/shanghai-stcsm-2024.md",
    "real/shuyang-county-gov-2025.txt",
    "real/shuyang-fgj-2023.html",
    "seed/000_89e69b0ea362684d.txt",
];
