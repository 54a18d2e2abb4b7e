//! Benchmarks over the shared corpus (see `docs/performance.md`).
//!
//! - `read/FORMAT/FILE`: decode + reader + model (`document::load`), one report per iteration.
//! - `read-bytes/FORMAT/FILE`: the same, reported as bytes/second.
//! - `lint/FORMAT/FILE`: read + evaluate the built-in packs (`lint::lint_bytes`).
//! - `evaluate/PACK/FILE`: the rules alone on a report already read (`engine::evaluate`).
//! - `render/FORMAT/FILE`: one linted report written as JSON, SARIF and human output.
//! - `packs/compile-builtin`: compiling the built-in packs (`packs::builtin`); the CLI
//!   compiles only the pack a report needs, once per process. Within one process the parsed
//!   rule files and compiled regexes are shared, so this measures the compile after the first;
//!   `regulint lint` start-up is timed with hyperfine and callgrind (docs/performance.md).
//!
//! The corpus is `$REGULINT_CORPUS`, else `../shared/corpus` beside the checkout. Run with
//! `cargo bench --bench corpus`; `cargo test --benches` runs each benchmark once as a test.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use regulint::document::{self, ReadOptions};
use regulint::lint::{LintOptions, lint_bytes};
use regulint::packs;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// One benchmarked file: the group it is reported under, its name, and its bytes.
struct Input {
    format: &'static str,
    name: String,
    bytes: Vec<u8>,
}

/// (format group, file): corpus files relative to the corpus, fixtures relative to the crate.
const CORPUS: &[(&str, &str)] = &[
    ("text", "seed/000_89e69b0ea362684d.txt"),
    ("text", "real/shuyang-county-gov-2025.txt"),
    ("markdown", "real/shanghai-gov-office-2025.md"),
    ("markdown", "real/shanghai-stcsm-2024.md"),
    ("html", "real/shanghai-gov-office-2019.html"),
    ("html", "real/shuyang-fgj-2023.html"),
    ("gb18030", "encodings/seed-gb18030.txt"),
    ("utf-16", "encodings/seed-utf16le.txt"),
];

const FIXTURES: &[(&str, &str)] = &[
    (
        "docx",
        "tests/fixtures/readers/generated-minimal-report.docx",
    ),
    ("json", "tests/fixtures/readers/seed-as-json.json"),
];

fn corpus() -> PathBuf {
    std::env::var_os("REGULINT_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
        PathBuf::from,
    )
}

fn inputs() -> Vec<Input> {
    let corpus = corpus();
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = CORPUS
        .iter()
        .map(|(format, path)| (*format, corpus.join(path)))
        .chain(
            FIXTURES
                .iter()
                .map(|(format, path)| (*format, crate_dir.join(path))),
        );
    files
        .map(|(format, path)| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (set REGULINT_CORPUS to the shared corpus)",
                    path.display()
                )
            });
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Input {
                format,
                name,
                bytes,
            }
        })
        .collect()
}

/// How a group measures throughput for an input.
type ThroughputOf = fn(&Input) -> Throughput;

fn read(c: &mut Criterion) {
    let inputs = inputs();
    // The same work twice: criterion 0.7 reports one throughput per group, and we want both
    // reports per second and bytes per second.
    let groups: [(&str, ThroughputOf); 2] = [
        ("read", |_| Throughput::Elements(1)),
        ("read-bytes", |input| {
            Throughput::Bytes(input.bytes.len() as u64)
        }),
    ];
    for (name, throughput) in groups {
        let mut group = c.benchmark_group(name);
        for input in &inputs {
            group.throughput(throughput(input));
            group.bench_with_input(
                BenchmarkId::new(input.format, &input.name),
                input,
                |b, input| {
                    b.iter(|| {
                        document::load(&input.name, black_box(&input.bytes), ReadOptions::default())
                            .expect("corpus files read")
                    });
                },
            );
        }
        group.finish();
    }
}

fn lint(c: &mut Criterion) {
    let inputs = inputs();
    let options = LintOptions::default();
    let mut group = c.benchmark_group("lint");
    for input in &inputs {
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(
            BenchmarkId::new(input.format, &input.name),
            input,
            |b, input| {
                b.iter(|| lint_bytes(&input.name, black_box(&input.bytes), &options));
            },
        );
    }
    group.finish();
}

fn evaluate(c: &mut Criterion) {
    let packs = regulint::lint::builtin_packs();
    let mut group = c.benchmark_group("evaluate");
    for input in &inputs() {
        let loaded = document::load(&input.name, &input.bytes, ReadOptions::default())
            .expect("corpus files read");
        let year = regulint::engine::report_year(&loaded.document);
        let pack = packs::choose(&packs, year).expect("a built-in pack for every year");
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new(&pack.name, &input.name), |b| {
            b.iter(|| regulint::engine::evaluate(pack, black_box(&loaded.document), year));
        });
    }
    group.finish();
}

/// An output format's emitter, given the rules SARIF lists.
type MakeEmitter = fn(&[regulint::diagnostic::RuleInfo]) -> Box<dyn regulint::render::Emitter>;

fn render(c: &mut Criterion) {
    use regulint::render::{human::Human, json::Json, sarif::Sarif};
    let options = LintOptions::default();
    let rules: Vec<_> = regulint::lint::builtin_packs()
        .iter()
        .flat_map(|p| p.rule_infos())
        .collect();
    let mut group = c.benchmark_group("render");
    for input in &inputs() {
        let report = lint_bytes(&input.name, &input.bytes, &options);
        group.throughput(Throughput::Elements(1));
        let emitters: [(&str, MakeEmitter); 3] = [
            ("json", |_| Box::new(Json::default())),
            ("sarif", |rules| Box::new(Sarif::new(rules, None))),
            ("human", |_| Box::new(Human::new(false, false, false))),
        ];
        for (format, make) in emitters {
            group.bench_function(BenchmarkId::new(format, &input.name), |b| {
                b.iter(|| {
                    let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
                    make(&rules)
                        .file(&mut out, black_box(&report))
                        .expect("writing to memory");
                    out.into_inner()
                });
            });
        }
    }
    group.finish();
}

fn compile_packs(c: &mut Criterion) {
    let mut group = c.benchmark_group("packs");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("compile-builtin", |b| {
        b.iter(|| packs::builtin().expect("built-in packs compile"));
    });
    group.finish();
}

/// Short runs: the whole suite stays well under two minutes.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1))
}

criterion_group! {
    name = benches;
    config = config();
    targets = read, lint, evaluate, render, compile_packs
}
criterion_main!(benches);
