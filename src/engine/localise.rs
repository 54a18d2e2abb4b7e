//! Error localisation: which cell is wrong.
//!
//! When one number of a table is mistyped, several identities fail at once (its column's
//! balance, its row's total, the result total). Following the Fellegi–Holt principle used by
//! statistical offices (R's `errorlocate`), this module finds the *fewest* cells whose values
//! can be changed — to non-negative integers — so that every identity of the table holds
//! while the identities that held still hold, and computes their corrected values.
//!
//! The identities are the `expect a == b` of the rules marked `localise <table>`; the engine
//! records each one with its signed cells (numbers remember their cells, see
//! [`super::value::Term`]). Blank cells take part as unknowns `≥ 0`, as everywhere else.
//!
//! The search is exact and small: every single cell, then every pair, each candidate checked
//! by interval propagation over the identities it touches. Sets of three or more cells are
//! not searched (the answer would rarely be unique, and a table with three independent
//! mistakes needs a reader anyway). The work per table is bounded by [`MAX_CHECKS`].

use super::value::Term;
use crate::diagnostic::{Finding, Label, Outcome};
use crate::dsl::program::{CompiledRule, Pack};
use crate::source::Span;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Candidate sets (single cells and pairs) checked per table at most; beyond it the table is
/// reported as not localised. A table 3 of ~180 cells has ~16 000 pairs, but only pairs that
/// touch every failing identity are checked, which is a few dozen in practice.
pub const MAX_CHECKS: usize = 20_000;

/// The weight of changing a total (a cell that alone makes one side of an identity whose
/// other side has several cells: a row's 总计, （七）总计, table 4's 总计).
///
/// Totals are written last, by hand, after the parts are counted; they are the cells left
/// at the template's 0 and the ones not updated when a part is corrected. When the evidence
/// cannot tell a total from one of its parts (one failing identity, as in table 4), the total
/// is the likelier error, so it weighs a little less than a part. The weights never make two
/// cells cheaper than one (2 × 0.9 > 1).
pub const TOTAL_WEIGHT: f64 = 0.9;
/// The weight of changing any other cell.
pub const PART_WEIGHT: f64 = 1.0;
/// Tables with a cell beyond this magnitude are not localised: no count in a report comes
/// near it, and keeping every sum far below `Decimal`'s 28 digits means the search's
/// arithmetic cannot overflow, whatever a hostile file holds.
pub const MAX_CELL_VALUE: i64 = 1_000_000_000_000;
/// Equally good corrections listed at most, when the minimum is not unique.
const MAX_LISTED: usize = 4;
/// A pair whose first cell is not pinned by its identities: values tried for it at most.
const MAX_ENUMERATED: i64 = 1_000;

/// How an identity came out when the rules ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Holds,
    Fails,
    /// Not assessable (blank cells could make it hold).
    Unknown,
}

/// Where a cell of an identity is: its span, or (a blank cell the export dropped) its name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum CellKey {
    At(Span),
    Named(String),
}

/// One cell of a recorded identity.
#[derive(Clone, Debug)]
pub(crate) struct IdentityCell {
    key: CellKey,
    label: String,
    span: Option<Span>,
    /// `None`: blank (any count ≥ 0).
    value: Option<Decimal>,
    /// +1 on the left side, −1 on the right (subtracted terms flip it).
    coef: i64,
    /// The only cell of its side, the other side having several: a total.
    total: bool,
}

impl IdentityCell {
    /// A filled cell of a side.
    pub(crate) fn filled(term: &Term, left: bool) -> Self {
        let coef = if left != term.negated { 1 } else { -1 };
        Self {
            key: CellKey::At(term.span),
            label: term.label.to_string(),
            span: Some(term.span),
            value: Some(term.value),
            coef,
            total: false,
        }
    }

    /// A blank cell of a side.
    pub(crate) fn blank(what: &str, span: Option<Span>, left: bool) -> Self {
        Self {
            key: span.map_or_else(|| CellKey::Named(what.to_owned()), CellKey::At),
            label: what.to_owned(),
            span,
            value: None,
            coef: if left { 1 } else { -1 },
            total: false,
        }
    }
}

/// An identity `Σ coef · cell = 0` recorded while a `localise` rule ran.
#[derive(Clone, Debug)]
pub(crate) struct Identity {
    /// The declared table it belongs to.
    pub table: usize,
    /// The rule's code.
    pub code: String,
    pub status: Status,
    /// The failing finding it produced: (span, message), to link it once findings are sorted.
    pub finding: Option<(Span, String)>,
    cells: Vec<IdentityCell>,
}

impl Identity {
    /// An identity from the cells of its two sides.
    pub(crate) fn new(
        table: usize,
        code: &str,
        status: Status,
        left: Vec<IdentityCell>,
        right: Vec<IdentityCell>,
    ) -> Self {
        let mark_total = |side: &mut Vec<IdentityCell>, other: usize| {
            if side.len() == 1 && other > 1 {
                side[0].total = true;
            }
        };
        let (mut left, mut right) = (left, right);
        let (l, r) = (left.len(), right.len());
        mark_total(&mut left, r);
        mark_total(&mut right, l);
        left.extend(right);
        Self {
            table,
            code: code.to_owned(),
            status,
            finding: None,
            cells: left,
        }
    }
}

/// A reference to a failing finding that a localisation explains: (span, message).
pub(crate) type FindingRef = (Span, String);

/// A cell of the table's system.
struct Cell {
    label: String,
    span: Option<Span>,
    value: Option<Decimal>,
    total: bool,
}

/// One identity over cell indices.
struct Equation {
    terms: Vec<(usize, i64)>,
    status: Status,
    code: String,
    finding: Option<FindingRef>,
}

/// A closed integer range; `None` is unbounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Range {
    lo: Option<Decimal>,
    hi: Option<Decimal>,
}

impl Range {
    const ANY: Self = Self { lo: None, hi: None };

    fn point(v: Decimal) -> Self {
        Self {
            lo: Some(v),
            hi: Some(v),
        }
    }

    fn intersect(self, other: Self) -> Self {
        let max = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let min = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self {
            lo: max(self.lo, other.lo),
            hi: min(self.hi, other.hi),
        }
    }

    fn is_empty(self) -> bool {
        matches!((self.lo, self.hi), (Some(l), Some(h)) if l > h)
    }

    fn single(self) -> Option<Decimal> {
        match (self.lo, self.hi) {
            (Some(l), Some(h)) if l == h => Some(l),
            _ => None,
        }
    }

    fn contains(self, v: Decimal) -> bool {
        self.lo.is_none_or(|l| l <= v) && self.hi.is_none_or(|h| v <= h)
    }

    /// `{x : a·x ∈ self}` over the integers.
    fn divide(self, a: i64) -> Self {
        let a = Decimal::from(a);
        let (lo, hi) = if a.is_sign_positive() {
            (self.lo.map(|l| l / a), self.hi.map(|h| h / a))
        } else {
            (self.hi.map(|h| h / a), self.lo.map(|l| l / a))
        };
        Self {
            lo: lo.map(|l| l.ceil()),
            hi: hi.map(|h| h.floor()),
        }
    }

    /// `self + c`.
    fn shift(self, c: Decimal) -> Self {
        Self {
            lo: self.lo.map(|l| l + c),
            hi: self.hi.map(|h| h + c),
        }
    }

    /// `a·self` as a range.
    fn scale(self, a: i64) -> Self {
        let a = Decimal::from(a);
        let (lo, hi) = (self.lo.map(|l| l * a), self.hi.map(|h| h * a));
        if a.is_sign_negative() {
            Self { lo: hi, hi: lo }
        } else {
            Self { lo, hi }
        }
    }

    fn add(self, other: Self) -> Self {
        Self {
            lo: self.lo.zip(other.lo).map(|(a, b)| a + b),
            hi: self.hi.zip(other.hi).map(|(a, b)| a + b),
        }
    }

    /// `705`, `≥ 3`, `≤ 8`, `3 至 8`.
    fn text(self) -> String {
        match (self.lo, self.hi) {
            (Some(l), Some(h)) if l == h => l.normalize().to_string(),
            (Some(l), Some(h)) => format!("{} 至 {} 之间的数", l.normalize(), h.normalize()),
            (Some(l), None) => format!("不小于 {} 的数", l.normalize()),
            (None, Some(h)) => format!("不大于 {} 的数", h.normalize()),
            (None, None) => "其他数".to_owned(),
        }
    }
}

/// A set of cells and the values that make every identity hold.
#[derive(Clone, Debug)]
struct Correction {
    cells: Vec<usize>,
    values: Vec<Range>,
    weight: f64,
}

/// A localisation finding and the failing findings it explains.
pub(crate) struct Located {
    pub finding: Finding,
    pub explains: Vec<FindingRef>,
}

/// Localises the failing identities of every table; one finding per table with failures.
pub(crate) fn locate(
    pack: &Pack,
    reporter: &CompiledRule,
    identities: &[Identity],
) -> Vec<Located> {
    let mut tables: Vec<usize> = identities.iter().map(|i| i.table).collect();
    tables.sort_unstable();
    tables.dedup();
    tables
        .into_iter()
        .filter_map(|t| {
            let of_table: Vec<&Identity> = identities.iter().filter(|i| i.table == t).collect();
            if of_table.iter().all(|i| i.status != Status::Fails) {
                return None;
            }
            let limit = Decimal::from(MAX_CELL_VALUE);
            let huge = |i: &&Identity| {
                i.cells
                    .iter()
                    .any(|c| c.value.is_some_and(|v| v.abs() > limit))
            };
            if of_table.iter().any(huge) {
                return None;
            }
            locate_table(&pack.tables[t].name, reporter, &of_table)
        })
        .collect()
}

/// The system of one table: its cells and equations.
struct System {
    cells: Vec<Cell>,
    equations: Vec<Equation>,
}

impl System {
    fn new(identities: &[&Identity]) -> Self {
        let mut index: HashMap<CellKey, usize> = HashMap::new();
        let mut cells: Vec<Cell> = Vec::new();
        let mut equations = Vec::new();
        for identity in identities {
            let mut terms: Vec<(usize, i64)> = Vec::new();
            for c in &identity.cells {
                let i = *index.entry(c.key.clone()).or_insert_with(|| {
                    cells.push(Cell {
                        label: c.label.clone(),
                        span: c.span,
                        value: c.value,
                        total: false,
                    });
                    cells.len() - 1
                });
                cells[i].total |= c.total;
                match terms.iter_mut().find(|(j, _)| *j == i) {
                    Some((_, coef)) => *coef += c.coef,
                    None => terms.push((i, c.coef)),
                }
            }
            terms.retain(|&(_, coef)| coef != 0);
            equations.push(Equation {
                terms,
                status: identity.status,
                code: identity.code.clone(),
                finding: identity.finding.clone(),
            });
        }
        Self { cells, equations }
    }

    fn weight(&self, cell: usize) -> f64 {
        if self.cells[cell].total {
            TOTAL_WEIGHT
        } else {
            PART_WEIGHT
        }
    }

    /// The range `Σ coef · x` over the changed cells must lie in, given the fixed cells and
    /// the blanks (`≥ 0`) of the equation; and the changed cells' coefficients.
    fn allowed(&self, eq: &Equation, changed: &[usize]) -> (Range, Vec<(usize, i64)>) {
        let mut fixed = Decimal::ZERO;
        let (mut plus_blank, mut minus_blank) = (false, false);
        let mut vars = Vec::new();
        for &(cell, coef) in &eq.terms {
            if let Some(pos) = changed.iter().position(|&c| c == cell) {
                vars.push((pos, coef));
                continue;
            }
            match self.cells[cell].value {
                Some(v) => fixed += v * Decimal::from(coef),
                None if coef > 0 => plus_blank = true,
                None => minus_blank = true,
            }
        }
        // Σ coef·x + fixed + blanks = 0, blanks ∈ [0, ∞) (+) or (−∞, 0] (−).
        let range = match (plus_blank, minus_blank) {
            (true, true) => Range::ANY,
            (true, false) => Range {
                lo: None,
                hi: Some(-fixed),
            },
            (false, true) => Range {
                lo: Some(-fixed),
                hi: None,
            },
            (false, false) => Range::point(-fixed),
        };
        (range, vars)
    }

    /// New values for `changed` under which every equation holds (or stays assessable only
    /// through blanks), or `None`.
    fn solve(&self, changed: &[usize]) -> Option<Vec<Range>> {
        let non_negative = Range {
            lo: Some(Decimal::ZERO),
            hi: None,
        };
        let mut domains = vec![non_negative; changed.len()];
        let mut pairs: Vec<(i64, i64, Range)> = Vec::new();
        for eq in &self.equations {
            let (range, vars) = self.allowed(eq, changed);
            match vars.as_slice() {
                [] if !range.contains(Decimal::ZERO) => return None,
                [] => {}
                [(pos, a)] => domains[*pos] = domains[*pos].intersect(range.divide(*a)),
                // Coefficients by position in `changed`, whatever the identity's order.
                [(p, a), (_, b)] if *p == 0 => pairs.push((*a, *b, range)),
                [(_, a), (_, b)] => pairs.push((*b, *a, range)),
                _ => return None,
            }
        }
        if domains.iter().any(|d| d.is_empty()) {
            return None;
        }
        if !pairs.is_empty() {
            // Two changed cells in one identity: pin one and derive the other.
            let derive = |pinned: usize, value: Decimal, other: Range| {
                pairs.iter().fold(other, |d, &(a0, a1, range)| {
                    let (a_pinned, a_other) = if pinned == 0 { (a0, a1) } else { (a1, a0) };
                    d.intersect(
                        range
                            .shift(-value * Decimal::from(a_pinned))
                            .divide(a_other),
                    )
                })
            };
            if let Some(x) = domains[0].single() {
                domains[1] = derive(0, x, domains[1]);
            } else if let Some(y) = domains[1].single() {
                domains[0] = derive(1, y, domains[0]);
            } else if let (Some(lo), Some(hi)) = (domains[0].lo, domains[0].hi)
                && hi - lo < Decimal::from(MAX_ENUMERATED)
            {
                let mut feasible = Vec::new();
                let mut x = lo;
                while x <= hi {
                    let d1 = derive(0, x, domains[1]);
                    if !d1.is_empty() {
                        feasible.push((x, d1));
                    }
                    x += Decimal::ONE;
                }
                let (Some(first), Some(last)) = (feasible.first(), feasible.last()) else {
                    return None;
                };
                // The hull of what is feasible (exact when one value is).
                let hull = |pick: fn(&Range) -> Option<Decimal>,
                            widest: fn(Decimal, Decimal) -> Decimal| {
                    feasible
                        .iter()
                        .map(|(_, d)| pick(d))
                        .try_fold(None, |acc: Option<Decimal>, v| {
                            v.map(|v| Some(acc.map_or(v, |a| widest(a, v))))
                        })
                        .flatten()
                };
                domains[1] = Range {
                    lo: hull(|d| d.lo, Decimal::min),
                    hi: hull(|d| d.hi, Decimal::max),
                };
                domains[0] = Range {
                    lo: Some(first.0),
                    hi: Some(last.0),
                };
            } else {
                // Unbounded: the identity must at least be reachable by the two ranges.
                for &(a, b, range) in &pairs {
                    let reach = domains[0].scale(a).add(domains[1].scale(b));
                    if reach.intersect(range).is_empty() {
                        return None;
                    }
                }
            }
        }
        if domains.iter().any(|d| d.is_empty()) {
            return None;
        }
        // Each cell must really change: a set that includes a cell that may keep its value
        // is not minimal (the smaller set is found on its own).
        for (pos, &cell) in changed.iter().enumerate() {
            let original = self.cells[cell].value?;
            if domains[pos].contains(original) {
                return None;
            }
        }
        Some(domains)
    }

    /// Blank cells the correction pins down: the only unknown of an identity.
    fn filled_blanks(&self, correction: &Correction) -> Vec<(usize, Decimal)> {
        let mut out = Vec::new();
        for eq in &self.equations {
            let mut sum = Decimal::ZERO;
            let mut blank: Option<(usize, i64)> = None;
            let mut determined = true;
            for &(cell, coef) in &eq.terms {
                let value = match correction.cells.iter().position(|&c| c == cell) {
                    Some(pos) => correction.values[pos].single(),
                    None => self.cells[cell].value,
                };
                match value {
                    Some(v) => sum += v * Decimal::from(coef),
                    None if blank.is_none() && self.cells[cell].value.is_none() => {
                        blank = Some((cell, coef));
                    }
                    None => determined = false,
                }
            }
            if let (true, Some((cell, coef))) = (determined, blank) {
                let value = -sum / Decimal::from(coef);
                if !out.iter().any(|(c, _)| *c == cell) {
                    out.push((cell, value));
                }
            }
        }
        out
    }
}

fn locate_table(table: &str, reporter: &CompiledRule, identities: &[&Identity]) -> Option<Located> {
    locate_within(table, reporter, identities, MAX_CHECKS)
}

/// [`locate_table`] with the bound on candidate sets given (tests use a small one).
fn locate_within(
    table: &str,
    reporter: &CompiledRule,
    identities: &[&Identity],
    max_checks: usize,
) -> Option<Located> {
    let system = System::new(identities);
    let failing: Vec<usize> = (0..system.equations.len())
        .filter(|&e| system.equations[e].status == Status::Fails)
        .collect();
    if failing.is_empty() {
        return None;
    }
    let explains: Vec<FindingRef> = failing
        .iter()
        .filter_map(|&e| system.equations[e].finding.clone())
        .collect();
    let touches =
        |cell: usize, eq: usize| system.equations[eq].terms.iter().any(|&(c, _)| c == cell);
    // For each cell, which failing identities it is in (a bit per failing identity), so that
    // a candidate set is checked only when it touches them all.
    let words = failing.len().div_ceil(64);
    let hits: Vec<Vec<u64>> = (0..system.cells.len())
        .map(|c| {
            let mut bits = vec![0u64; words];
            for (k, &e) in failing.iter().enumerate() {
                if touches(c, e) {
                    bits[k / 64] |= 1 << (k % 64);
                }
            }
            bits
        })
        .collect();
    let all: Vec<u64> = (0..words)
        .map(|w| {
            let n = failing.len() - w * 64;
            if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
        })
        .collect();
    let covers = |x: usize, y: usize| (0..words).all(|w| hits[x][w] | hits[y][w] == all[w]);
    let filled: Vec<usize> = (0..system.cells.len())
        .filter(|&c| system.cells[c].value.is_some())
        .collect();
    let mut checks = 0usize;
    let mut found: Vec<Correction> = Vec::new();
    let try_set = |set: Vec<usize>, found: &mut Vec<Correction>, checks: &mut usize| {
        *checks += 1;
        if let Some(values) = system.solve(&set) {
            let weight = set.iter().map(|&c| system.weight(c)).sum();
            found.push(Correction {
                cells: set,
                values,
                weight,
            });
        }
    };
    // Every candidate set has a cell in the first failing identity.
    let first: Vec<usize> = filled
        .iter()
        .copied()
        .filter(|&c| touches(c, failing[0]))
        .collect();
    for &c in &first {
        if covers(c, c) {
            try_set(vec![c], &mut found, &mut checks);
        }
    }
    let mut over_budget = false;
    if found.is_empty() {
        'pairs: for &x in &first {
            for &y in &filled {
                // Each pair once: when both are in the first identity, in index order.
                if y == x || (y < x && first.contains(&y)) || !covers(x, y) {
                    continue;
                }
                if checks >= max_checks {
                    over_budget = true;
                    break 'pairs;
                }
                try_set(vec![x, y], &mut found, &mut checks);
            }
        }
    }
    let first_failure = failing
        .iter()
        .find_map(|&e| system.equations[e].finding.as_ref().map(|f| f.0));
    if over_budget {
        let span = first_failure?;
        return Some(Located {
            finding: finding(
                reporter,
                Outcome::NotAssessable,
                format!(
                    "{table}有 {} 项勾稽关系不成立，检验 {max_checks} 种改法后仍未找到最少的改法，未能定位填错的单元格",
                    failing.len()
                ),
                span,
                Vec::new(),
                Vec::new(),
            ),
            explains: Vec::new(),
        });
    }
    let best = found.iter().map(|c| c.weight).fold(f64::INFINITY, f64::min);
    let minimal: Vec<&Correction> = found
        .iter()
        .filter(|c| (c.weight - best).abs() < 1e-9)
        .collect();
    let identity_labels = |cells: &[usize]| -> Vec<Label> {
        failing
            .iter()
            .filter(|&&e| cells.iter().any(|&c| touches(c, e)))
            .filter_map(|&e| {
                let eq = &system.equations[e];
                eq.finding.as_ref().map(|(span, message)| Label {
                    span: *span,
                    message: format!("{}：{message}", eq.code),
                    file: None,
                })
            })
            .collect()
    };
    let name = |c: usize| format!("「{}」", system.cells[c].label);
    match minimal.as_slice() {
        [] => None,
        [only] => {
            let primary = system.cells[only.cells[0]].span.or(first_failure)?;
            let involved = (0..system.equations.len())
                .filter(|&e| {
                    system.equations[e].status != Status::Unknown
                        && only.cells.iter().any(|&c| touches(c, e))
                })
                .count();
            let mut labels: Vec<Label> = only.cells[1..]
                .iter()
                .zip(&only.values[1..])
                .filter_map(|(&c, v)| {
                    system.cells[c].span.map(|span| Label {
                        span,
                        message: format!("{}：改为 {}", system.cells[c].label, v.text()),
                        file: None,
                    })
                })
                .collect();
            let repaired = identity_labels(&only.cells);
            // An identity whose finding points at the corrected cell itself cannot be a label
            // there (the primary location has none): it is named in a note instead.
            let at_primary: Vec<String> = repaired
                .iter()
                .filter(|l| l.span == primary)
                .map(|l| format!("随之成立：{}", l.message))
                .collect();
            labels.extend(repaired);
            labels.retain(|l| l.span != primary);
            let names: String = only.cells.iter().map(|&c| name(c)).collect();
            let message = if only.cells.len() == 1 {
                format!(
                    "{table}{names}很可能填写有误：改为 {} 后，涉及它的 {involved} 项勾稽关系全部成立",
                    only.values[0].text()
                )
            } else {
                let changes: Vec<String> = only
                    .cells
                    .iter()
                    .zip(&only.values)
                    .map(|(&c, v)| format!("{}改为 {}", name(c), v.text()))
                    .collect();
                format!(
                    "{table}{names}很可能填写有误：{} 后，涉及它们的 {involved} 项勾稽关系全部成立",
                    changes.join("、")
                )
            };
            let mut notes: Vec<String> = only
                .cells
                .iter()
                .zip(&only.values)
                .map(|(&c, v)| {
                    format!(
                        "{}：现为 {}，应为 {}",
                        system.cells[c].label,
                        system.cells[c].value.unwrap_or_default().normalize(),
                        v.text()
                    )
                })
                .collect();
            for (blank, value) in system.filled_blanks(only) {
                notes.push(format!(
                    "空白的{}按此应填 {}",
                    system.cells[blank].label,
                    value.normalize()
                ));
            }
            notes.extend(at_primary);
            notes.push("改动最少单元格的唯一改法（Fellegi–Holt 原则）".to_owned());
            Some(Located {
                finding: finding(reporter, Outcome::Fail, message, primary, labels, notes),
                explains,
            })
        }
        several => {
            let primary = first_failure?;
            let mut labels = Vec::new();
            let mut notes = Vec::new();
            for (k, correction) in several.iter().take(MAX_LISTED).enumerate() {
                let changes: Vec<String> = correction
                    .cells
                    .iter()
                    .zip(&correction.values)
                    .map(|(&c, v)| format!("{}改为 {}", name(c), v.text()))
                    .collect();
                notes.push(format!("改法 {}：{}", k + 1, changes.join("、")));
                for (&c, v) in correction.cells.iter().zip(&correction.values) {
                    if let Some(span) = system.cells[c].span {
                        labels.push(Label {
                            span,
                            message: format!("改法 {}：改为 {}", k + 1, v.text()),
                            file: None,
                        });
                    }
                }
            }
            if several.len() > MAX_LISTED {
                notes.push(format!("……另有 {} 种", several.len() - MAX_LISTED));
            }
            labels.retain(|l| l.span != primary);
            let cells = several[0].cells.len();
            let message = format!(
                "{table}有 {} 项勾稽关系不成立，有 {} 种同样简单的改法（各改 {cells} 个单元格）都能使其全部成立，无法确定是哪个单元格填错",
                failing.len(),
                several.len()
            );
            Some(Located {
                finding: finding(reporter, Outcome::Fail, message, primary, labels, notes),
                explains,
            })
        }
    }
}

fn finding(
    reporter: &CompiledRule,
    outcome: Outcome,
    message: String,
    span: Span,
    labels: Vec<Label>,
    notes: Vec<String>,
) -> Finding {
    Finding {
        code: reporter.code.clone(),
        name: reporter.name.clone(),
        severity: reporter.severity,
        outcome,
        message,
        span,
        labels,
        notes,
        help: reporter.help.clone(),
        basis: reporter.basis.clone(),
        explains: Vec::new(),
        triage: crate::diagnostic::Triage::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(name: &str, value: Option<i64>, at: u32, left: bool) -> IdentityCell {
        let span = Span::new(at as usize, at as usize + 1);
        match value {
            Some(v) => IdentityCell::filled(
                &Term {
                    label: name.into(),
                    value: Decimal::from(v),
                    span,
                    negated: false,
                    unit: None,
                    elsewhere: None,
                },
                left,
            ),
            None => IdentityCell::blank(name, Some(span), left),
        }
    }

    fn identity(status: Status, total: IdentityCell, parts: Vec<IdentityCell>) -> Identity {
        let mut identity = Identity::new(0, "T402", status, vec![total], parts);
        identity.finding = (status == Status::Fails).then(|| (Span::new(0, 1), "x".to_owned()));
        identity
    }

    fn solve_one(identities: &[Identity]) -> Vec<Correction> {
        let refs: Vec<&Identity> = identities.iter().collect();
        let system = System::new(&refs);
        (0..system.cells.len())
            .filter_map(|c| {
                system.solve(&[c]).map(|values| Correction {
                    cells: vec![c],
                    values,
                    weight: system.weight(c),
                })
            })
            .collect()
    }

    #[test]
    fn a_total_left_at_zero_is_the_only_single_fix() {
        // 行政复议 10 1 0 0 总计 0: no part can shrink to make 11 into 0.
        let ids = [identity(
            Status::Fails,
            cell("复议总计", Some(0), 5, true),
            vec![
                cell("复议维持", Some(10), 1, false),
                cell("复议纠正", Some(1), 2, false),
                cell("复议其他", Some(0), 3, false),
                cell("复议未审结", Some(0), 4, false),
            ],
        )];
        let fixes = solve_one(&ids);
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].values[0].single(), Some(Decimal::from(11)));
        assert!((fixes[0].weight - TOTAL_WEIGHT).abs() < 1e-9);
    }

    fn reporter() -> CompiledRule {
        let packs = crate::lint::builtin_packs();
        let pack = packs
            .iter()
            .find(|p| p.name == "gov-2021")
            .expect("the 2021 pack");
        pack.rule("L001").expect("the reporting rule").clone()
    }

    #[test]
    fn the_bound_says_not_localised_in_chinese() {
        // Two groups both off: no single cell explains them, and a bound of 1 stops the pairs.
        let group = |base: u32, total: i64| {
            let mut identity = identity(
                Status::Fails,
                cell("总计", Some(total), base, true),
                vec![
                    cell("甲", Some(1), base + 1, false),
                    cell("乙", Some(1), base + 2, false),
                ],
            );
            identity.finding = Some((Span::new(base as usize, base as usize + 1), "x".into()));
            identity
        };
        let ids = [group(10, 3), group(20, 5)];
        let refs: Vec<&Identity> = ids.iter().collect();
        let bounded = locate_within("表四", &reporter(), &refs, 1).expect("a finding");
        assert_eq!(bounded.finding.outcome, Outcome::NotAssessable);
        assert!(
            bounded.finding.message.contains("未能定位"),
            "{}",
            bounded.finding.message
        );
        // With the real bound, the two totals are found (each weighs less than a part).
        let found = locate_within("表四", &reporter(), &refs, MAX_CHECKS).expect("a finding");
        assert_eq!(found.finding.outcome, Outcome::Fail);
        assert!(
            found
                .finding
                .notes
                .iter()
                .any(|n| n == "总计：现为 3，应为 2"),
            "{:?}",
            found.finding.notes
        );
        assert_eq!(found.explains.len(), 2);
    }

    #[test]
    fn huge_values_are_left_alone_not_a_panic() {
        let huge = |v: Decimal, at: u32, left: bool| {
            IdentityCell::filled(
                &Term {
                    label: "大数".into(),
                    value: v,
                    span: Span::new(at as usize, at as usize + 1),
                    negated: false,
                    unit: None,
                    elsewhere: None,
                },
                left,
            )
        };
        let mut ids = vec![Identity::new(
            0,
            "T402",
            Status::Fails,
            vec![huge(Decimal::MAX, 1, true)],
            vec![huge(Decimal::MAX, 2, false), huge(Decimal::MAX, 3, false)],
        )];
        ids[0].finding = Some((Span::new(1, 2), "x".to_owned()));
        let packs = crate::lint::builtin_packs();
        let pack = packs.iter().find(|p| p.name == "gov-2021").expect("pack");
        assert!(locate(pack, &reporter(), &ids).is_empty());
    }

    #[test]
    fn two_cells_in_one_identity_take_their_own_coefficients() {
        // 总计 10 = 甲 3 + 乙 4 + 丙 5, and 合计 9 = 甲 + 丁 5: 甲 must be 4, so 总计 13.
        let mut first = Identity::new(
            0,
            "T303",
            Status::Fails,
            vec![cell("总计", Some(10), 1, true)],
            vec![
                cell("甲", Some(3), 2, false),
                cell("乙", Some(4), 3, false),
                cell("丙", Some(5), 4, false),
            ],
        );
        first.finding = Some((Span::new(1, 2), "x".to_owned()));
        let second = Identity::new(
            0,
            "T301",
            Status::Fails,
            vec![cell("合计", Some(9), 5, true)],
            vec![cell("甲", Some(3), 2, false), cell("丁", Some(5), 6, false)],
        );
        let refs = [&first, &second];
        let system = System::new(&refs);
        // Cells in order: 总计 0, 甲 1, 乙 2, 丙 3, 合计 4, 丁 5; 甲 first in the set.
        let values = system
            .solve(&[1, 0])
            .expect("甲 and 总计 together fix both");
        assert_eq!(values[0].single(), Some(Decimal::from(4)));
        assert_eq!(values[1].single(), Some(Decimal::from(13)));
        let values = system
            .solve(&[0, 1])
            .expect("the same, the other way round");
        assert_eq!(values[0].single(), Some(Decimal::from(13)));
        assert_eq!(values[1].single(), Some(Decimal::from(4)));
    }

    #[test]
    fn blanks_are_unknowns_not_zeros() {
        // 总计 5 = 3 + 空白 + 4: the filled parts already exceed it, so only a change helps;
        // lowering the 4 to 2 leaves the blank at 0, lowering it further is impossible.
        let ids = [identity(
            Status::Fails,
            cell("总计", Some(5), 9, true),
            vec![
                cell("甲", Some(3), 1, false),
                cell("乙", None, 2, false),
                cell("丙", Some(4), 3, false),
            ],
        )];
        let refs: Vec<&Identity> = ids.iter().collect();
        let system = System::new(&refs);
        let total = system.solve(&[0]).expect("raising the total works");
        assert_eq!(total[0].text(), "不小于 7 的数");
        let third = system.solve(&[3]).expect("lowering 丙 works");
        assert_eq!(third[0].text(), "0 至 2 之间的数");
    }
}
