//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs the `regulint` binary in `dir` with `args`; colour is left to the arguments
/// (`NO_COLOR` from the environment is removed), stdin is empty.
pub fn regulint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regulint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// The exit code of a run that exited normally.
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

/// What a run printed on stdout.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What a run printed on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

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
