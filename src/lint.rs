//! Linting one file: read it, pick the pack by the report's year, evaluate, and collect
//! findings. Packs are compiled once per process.

use crate::diagnostic::FileReport;
use crate::document::{self, ReadOptions};
use crate::dsl::program::Pack;
use crate::{engine, packs};
use std::sync::{Arc, LazyLock};

/// Options for linting.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// How to read files.
    pub read: ReadOptions,
    /// Use this pack (by name) instead of choosing by year.
    pub pack: Option<String>,
    /// Use this report year instead of the one found in the report.
    pub year: Option<i32>,
    /// Packs to choose from; the built-in packs when `None`.
    pub packs: Option<Arc<Vec<Pack>>>,
    /// Evaluate only these rule codes (rule tests run one rule at a time).
    pub only: Option<Vec<String>>,
    /// How long one file may take; [`FILE_TIME_BUDGET`] when `None`.
    pub time_budget: Option<std::time::Duration>,
    /// The collection the file belongs to (last year's reports, the roster), when linting
    /// one; `None` for reports on their own (rules across reports are then silent).
    pub collection: Option<Arc<crate::collection::Collection>>,
}

static BUILTIN: LazyLock<Arc<Vec<Pack>>> = LazyLock::new(|| {
    // INVARIANT: the built-in packs compile; `tests/packs.rs` fails otherwise.
    Arc::new(
        packs::builtin()
            .unwrap_or_else(|e| panic!("built-in rule packs do not compile: {:?}", e.errors)),
    )
});

/// The built-in packs, compiled on first use.
#[must_use]
pub fn builtin_packs() -> Arc<Vec<Pack>> {
    Arc::clone(&BUILTIN)
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
    let packs = options.packs.clone().unwrap_or_else(builtin_packs);
    let year = options
        .year
        .or_else(|| engine::report_year(&loaded.document));
    let pack = match &options.pack {
        Some(name) => packs::by_name(&packs, name),
        None => packs::choose(&packs, year),
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
