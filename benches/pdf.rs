//! PDF reading speed (see `docs/performance.md`, section PDF).
//!
//! - `pdf-read/FILE`: `document::load` of a PDF (screening, parsing, content interpretation,
//!   tables, paragraphs, model), reported as pages per second.
//! - `pdf-lint/FILE`: the same plus evaluating the built-in packs, one report per iteration.
//!
//! Files: the real WPS report of the corpus (`$REGULINT_CORPUS`, else `../shared/corpus`) and the
//! LibreOffice and Chromium fixtures. Run with `cargo bench --bench pdf`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use regulint::document::{self, ReadOptions};
use regulint::lint::{LintOptions, lint_bytes};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn inputs() -> Vec<(String, Vec<u8>)> {
    let corpus = std::env::var_os("REGULINT_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
        PathBuf::from,
    );
    let files = [
        corpus.join("real/huaian-hongze-district-gov-2023.pdf"),
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/readers/pdf/libreoffice-shuyang-fgj-2023.pdf"
        )),
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/readers/pdf/chromium-shuyang-fgj-2023.pdf"
        )),
    ];
    files
        .iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, bytes))
        })
        .collect()
}

/// Pages of a PDF, counted from the page marks of its extracted text.
fn pages(bytes: &[u8]) -> u64 {
    let loaded = document::load("f.pdf", bytes, ReadOptions::default()).expect("reads");
    loaded.source.text.matches("—— 第 ").count() as u64
}

fn bench(c: &mut Criterion) {
    let inputs = inputs();
    let mut read = c.benchmark_group("pdf-read");
    read.measurement_time(Duration::from_secs(5));
    for (name, bytes) in &inputs {
        read.throughput(Throughput::Elements(pages(bytes)));
        read.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| document::load("f.pdf", black_box(bytes), ReadOptions::default()));
        });
    }
    read.finish();
    let mut lint = c.benchmark_group("pdf-lint");
    lint.measurement_time(Duration::from_secs(5));
    let options = LintOptions::default();
    for (name, bytes) in &inputs {
        lint.throughput(Throughput::Elements(1));
        lint.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| lint_bytes("f.pdf", black_box(bytes), &options));
        });
    }
    lint.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
