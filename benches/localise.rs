//! What error localisation (`L001`) adds to linting one report (see `docs/performance.md`).
//!
//! For each report, `lint` with every rule of the built-in packs (`with-L001`) against the
//! same rules without the reporting rule (`without-L001`; identities are then not even
//! recorded). The reports: a real one whose identities all hold, and the same with one and
//! with two mistyped cells (the second needs the pair search, and finds a tie).
//!
//! Run with `cargo bench --bench localise`; `cargo test --benches` runs each once as a test.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use regulint::lint::{LintOptions, builtin_packs, lint_bytes};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn corpus() -> PathBuf {
    std::env::var_os("REGULINT_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
        PathBuf::from,
    )
}

/// (name, bytes): the real report and two edits of it, as in `rules/fixtures/L001/`.
fn reports() -> Vec<(&'static str, Vec<u8>)> {
    let text = std::fs::read_to_string(corpus().join("real/shuyang-county-gov-2025.txt"))
        .expect("the corpus report");
    let one = text.replace(
        "| 本年新收政府信息公开申请数量 | 705 | 3 | 0 | 0 | 5 | 0 | 713 |",
        "| 本年新收政府信息公开申请数量 | 706 | 3 | 0 | 0 | 5 | 0 | 713 |",
    );
    let tie = text
        .replace(
            "| 予以公开 | 290 | 1 | 0 | 0 | 3 | 0 | 294 |",
            "| 予以公开 | 291 | 1 | 0 | 0 | 3 | 0 | 294 |",
        )
        .replace(
            "| 99 | 0 | 0 | 0 | 2 | 0 | 101 |",
            "| 99 | 0 | 0 | 0 | 3 | 0 | 101 |",
        );
    vec![
        ("holds", text.into_bytes()),
        ("one-mistyped", one.into_bytes()),
        ("pair-tie", tie.into_bytes()),
    ]
}

fn localise(c: &mut Criterion) {
    let packs = builtin_packs();
    let mut codes: Vec<String> = packs
        .iter()
        .flat_map(|p| p.rules.iter().map(|r| r.code.clone()))
        .filter(|code| code != "L001")
        .collect();
    codes.sort();
    codes.dedup();
    let without = LintOptions {
        only: Some(codes),
        ..LintOptions::default()
    };
    let with = LintOptions::default();
    let mut group = c.benchmark_group("localise");
    group
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    for (name, bytes) in reports() {
        for (variant, options) in [("with-L001", &with), ("without-L001", &without)] {
            group.bench_with_input(BenchmarkId::new(variant, name), &bytes, |b, bytes| {
                b.iter(|| black_box(lint_bytes("report.txt", black_box(bytes), options)));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, localise);
criterion_main!(benches);
