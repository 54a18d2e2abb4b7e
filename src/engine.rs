//! Step 4: evaluate a compiled [`Pack`] against a [`Document`] → findings.
//!
//! Pure and deterministic: no I/O, no global state; one [`evaluate`] call per document, safe
//! to run on many documents in parallel. Loops only run over finite lists and the total
//! number of loop iterations per rule is bounded, so a rule file from anyone terminates.

pub mod bind;
pub mod builtins;
mod eval;
pub mod localise;
pub mod prose;
pub mod recognise;
pub mod related;
pub mod value;
pub mod year;

pub use eval::Evaluated;

use crate::diagnostic::Finding;
use crate::document::Document;
use crate::dsl::program::Pack;

/// The report year: the title's, else the statistics period's, else the year before an
/// early-in-the-year publication date ([`year::find`] says where it was found).
#[must_use]
pub fn report_year(document: &Document) -> Option<i32> {
    year::find(document).map(|y| y.year)
}

/// Runs every rule of `pack` on `document`.
#[must_use]
pub fn evaluate(pack: &Pack, document: &Document, year: Option<i32>) -> Vec<Finding> {
    eval::run(pack, document, year, None, None, None).findings
}

/// Runs the rules (only those in `only`, when given) until `deadline`: rules not started by
/// then are counted in [`Evaluated::rules_not_run`].
#[must_use]
pub fn evaluate_until(
    pack: &Pack,
    document: &Document,
    year: Option<i32>,
    only: Option<&[&str]>,
    deadline: Option<std::time::Instant>,
) -> Evaluated {
    eval::run(pack, document, year, only, deadline, None)
}

/// [`evaluate_until`] for a report of a collection: rules that read another report
/// (`previous.…`) run when `related` holds it.
#[must_use]
pub fn evaluate_related(
    pack: &Pack,
    document: &Document,
    year: Option<i32>,
    only: Option<&[&str]>,
    deadline: Option<std::time::Instant>,
    related: &related::Related<'_>,
) -> Evaluated {
    eval::run(pack, document, year, only, deadline, Some(related))
}

/// Runs only the rules whose code is in `codes`.
#[must_use]
pub fn evaluate_rules(
    pack: &Pack,
    document: &Document,
    year: Option<i32>,
    codes: &[&str],
) -> Vec<Finding> {
    eval::run(pack, document, year, Some(codes), None, None).findings
}
