//! Linting one file: read it, pick the pack by the report's year, evaluate, and collect
//! findings. Each built-in pack is compiled once per process, when a report first needs it.

use crate::diagnostic::FileReport;
use crate::document::{self, ReadOptions};
use crate::dsl::program::Pack;
use crate::{engine, packs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// Options for linting.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// How to read files.
    pub read: ReadOptions,
    /// Use this pack (by name) instead of choosing by year.
    pub pack: Option<String>,
    /// Use this report year instead of the one found in the report.
    pub year: Option<i32>,
    /// Packs to choose from; the built-in packs when `None` (compiled as reports need them).
    pub packs: Option<Arc<Vec<Pack>>>,
    /// Evaluate only these rule codes (rule tests run one rule at a time).
    pub only: Option<Vec<String>>,
    /// How long one file may take; [`FILE_TIME_BUDGET`] when `None`.
    pub time_budget: Option<std::time::Duration>,
    /// The collection the file belongs to (last year's reports, the roster), when linting
    /// one; `None` for reports on their own (rules across reports are then silent).
    pub collection: Option<Arc<crate::collection::Collection>>,
}

/// The built-in packs, each compiled when a report first needs it (see [`builtin_pack`]).
static BUILTIN: [OnceLock<Pack>; packs::BUILTIN.len()] =
    [const { OnceLock::new() }; packs::BUILTIN.len()];

/// Every built-in pack, as one list (for what lists or explains rules).
static BUILTIN_ALL: OnceLock<Arc<Vec<Pack>>> = OnceLock::new();

/// The process's copy of a built-in pack ([`packs::BUILTIN`]), compiled on first use: a
/// report of 2023 never compiles the 2019 pack, and a batch compiles each pack at most once.
#[must_use]
pub fn builtin_pack(pack: &packs::BuiltinPack) -> &'static Pack {
    let index = packs::BUILTIN
        .iter()
        .position(|p| p == pack)
        .expect("a pack of packs::BUILTIN");
    BUILTIN[index].get_or_init(|| {
        {
            let mut needed = FIRST_NEEDED
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            needed.get_or_insert(index);
            FIRST_NEEDED.1.notify_all();
        }
        // INVARIANT: the built-in packs compile; `tests/packs.rs` fails otherwise.
        let compiled = packs::compile_builtin(pack).unwrap_or_else(|e| {
            panic!(
                "built-in rule pack {} does not compile: {:?}",
                pack.name, e.errors
            )
        });
        ONE_COMPILED.store(true, Ordering::Release);
        compiled
    })
}

/// Whether a built-in pack has been compiled in this process.
static ONE_COMPILED: AtomicBool = AtomicBool::new(false);

/// The first built-in pack a report needed (an index of [`packs::BUILTIN`]), and a signal for
/// the thread of [`prepare_builtin`], which parses its files.
static FIRST_NEEDED: (Mutex<Option<usize>>, Condvar) = (Mutex::new(None), Condvar::new());

/// The first built-in pack needed, waiting for it until `deadline`.
fn first_needed(deadline: std::time::Instant) -> Option<usize> {
    let mut needed = FIRST_NEEDED
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        let now = std::time::Instant::now();
        if needed.is_some() || now >= deadline {
            return *needed;
        }
        needed = FIRST_NEEDED
            .1
            .wait_timeout(needed, deadline - now)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0;
    }
}

/// How long the thread of [`prepare_builtin`] waits for a pack to be compiled (a batch of
/// files that are not reports never compiles one).
const PREPARE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// Prepares the built-in packs on a spare thread (once per process) while the report is
/// read. It parses the rule files and makes their patterns (first the files every pack
/// imports, `common/`, then, once a report's year has chosen a pack, that pack's own; the
/// compiling thread takes files in the opposite order, and waits for a file the other is
/// parsing rather than parsing it again), then builds the patterns' automata, newest first,
/// while the rules run oldest first ([`crate::dsl::regex::build_ahead`]). Parsing and
/// building patterns are most of compiling a pack, and compiling is most of linting one file.
pub fn prepare_builtin() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        crate::dsl::regex::queue_for_build_ahead(true);
        let spawned = std::thread::Builder::new()
            .name("regulint-prepare-rules".to_owned())
            .spawn(|| {
                packs::parse_shared_files();
                let deadline = std::time::Instant::now() + PREPARE_PATIENCE;
                if let Some(index) = first_needed(deadline) {
                    packs::parse_own_files(&packs::BUILTIN[index]);
                }
                crate::dsl::regex::build_ahead(&|| {
                    ONE_COMPILED.load(Ordering::Acquire) || std::time::Instant::now() > deadline
                });
                // The engine's own recognisers (phones, dates, placeholders) come next.
                crate::engine::recognise::warm_up();
            });
        // Without a spare thread, the packs are prepared as they are compiled.
        if spawned.is_err() {
            crate::dsl::regex::queue_for_build_ahead(false);
        }
    });
}

/// Whether this process has compiled the built-in `pack` (tests of laziness).
#[must_use]
pub fn is_builtin_compiled(pack: &packs::BuiltinPack) -> bool {
    packs::BUILTIN
        .iter()
        .position(|p| p == pack)
        .is_some_and(|index| BUILTIN[index].get().is_some())
}

/// Every built-in pack (those not compiled yet are compiled in parallel, one thread each).
#[must_use]
pub fn builtin_packs() -> Arc<Vec<Pack>> {
    Arc::clone(BUILTIN_ALL.get_or_init(|| {
        std::thread::scope(|scope| {
            for pack in packs::BUILTIN.iter().skip(1) {
                scope.spawn(move || builtin_pack(pack));
            }
            let _ = builtin_pack(&packs::BUILTIN[0]);
        });
        Arc::new(
            packs::BUILTIN
                .iter()
                .map(|pack| builtin_pack(pack).clone())
                .collect(),
        )
    }))
}

/// How long one file may take to check. Real reports take milliseconds; reading is bounded by
/// the readers' size limits (and the PDF reader's own time limit), and rules are checked
/// against this budget between rules, so a hostile file gets an error (E0002) saying how many
/// rules did not run, and the batch goes on.
pub const FILE_TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// Lints one file's bytes. Never fails: an unreadable file is a report with an error.
#[must_use]
pub fn lint_bytes(path: &str, bytes: &[u8], options: &LintOptions) -> FileReport {
    let budget = options.time_budget.unwrap_or(FILE_TIME_BUDGET);
    let deadline = std::time::Instant::now().checked_add(budget);
    let loaded = match document::load(path, bytes, options.read) {
        Ok(loaded) => loaded,
        Err(error) => return FileReport::unreadable(path, error),
    };
    let year = options
        .year
        .or_else(|| engine::report_year(&loaded.document));
    let pack = match (&options.packs, &options.pack) {
        (Some(packs), Some(name)) => packs::by_name(packs, name),
        (Some(packs), None) => packs::choose(packs, year),
        (None, Some(name)) => packs::by_name(packs::BUILTIN, name).map(builtin_pack),
        (None, None) => packs::choose(packs::BUILTIN, year).map(builtin_pack),
    };
    let only: Option<Vec<&str>> = options
        .only
        .as_ref()
        .map(|codes| codes.iter().map(String::as_str).collect());
    let identity = options
        .collection
        .as_ref()
        .map(|c| c.identify(&loaded.document, year));
    let mut findings = match pack {
        Some(pack) => {
            let evaluated = match (&options.collection, &identity) {
                (Some(collection), Some(identity)) => engine::evaluate_related(
                    pack,
                    &loaded.document,
                    year,
                    only.as_deref(),
                    deadline,
                    &collection.related(identity),
                ),
                _ => {
                    engine::evaluate_until(pack, &loaded.document, year, only.as_deref(), deadline)
                }
            };
            let mut findings = evaluated.findings;
            if evaluated.rules_not_run > 0 {
                findings.push(crate::diagnostic::time_budget_exceeded(
                    budget,
                    evaluated.rules_not_run,
                ));
            }
            findings
        }
        None => Vec::new(),
    };
    if year.is_none() && options.only.is_none() {
        // Links between findings are positions: they move down by the one put first.
        for finding in &mut findings {
            finding.explains.iter_mut().for_each(|e| *e += 1);
        }
        findings.insert(
            0,
            crate::diagnostic::year_unknown(
                pack.map_or("?", |p| p.name.as_str()),
                loaded.document.title.as_ref().map(|t| t.span),
            ),
        );
    }
    crate::fingerprint::assign(&loaded.document, &loaded.source, &mut findings);
    let agency = loaded
        .document
        .title
        .as_ref()
        .and_then(|t| t.agency.clone());
    FileReport {
        path: path.to_owned(),
        format: Some(loaded.document.format),
        encoding: Some(loaded.source.encoding),
        pack: pack.map(|p| p.name.clone()),
        year,
        source: Some(loaded.source),
        findings,
        error: None,
        agency,
        document: Some(Arc::new(loaded.document)),
        not_a_report: None,
    }
}
