//! The evaluator: statements, expressions, builtins, and turning failed expectations into
//! findings with the evidence attached.

mod calls;

use super::bind::{self, BoundTable, CellRef, FoundSection};
use super::localise::{self, Identity, IdentityCell, Status};
use super::recognise::PeriodStatement;
use super::related::{Linked, Related};
use super::value::{Bounded, Gap, Match, Num, Term, Value};
use crate::diagnostic::{Finding, Label, OtherFile, Outcome, Severity, Triage};
use crate::document::normalize::label_key;
use crate::document::{Block, CellValue, Date, Document};
use crate::dsl::ast::BinOp;
use crate::dsl::builtins::Builtin;
use crate::dsl::program::{
    CellNames, ColSel, CompiledRule, Expr, ExprKind, LocaliseRole, Pack, Relation, Special, Stmt,
    TemplatePart,
};
use crate::source::Span;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::cell::{Cell, OnceCell, RefCell};
use std::sync::Arc;

/// Loop iterations one rule may run on one document.
const MAX_STEPS: usize = 200_000;
/// Evidence labels shown on one finding.
const MAX_LABELS: usize = 16;
/// Labels on a not-assessable finding: a few show the pattern; the notes give the count.
const MAX_GAP_LABELS: usize = 4;

/// Per-document state shared by the rules of a pack.
struct Ctx<'a> {
    pack: &'a Pack,
    doc: &'a Document,
    year: Option<i32>,
    sections: Vec<Option<FoundSection>>,
    tables: Vec<OnceCell<BoundTable>>,
    /// The statistics period, found once per document (P001 and P002 both ask).
    period: OnceCell<Option<(PeriodStatement, Span)>>,
    /// The report's paragraphs joined, for patterns run once per report.
    prose: OnceCell<super::prose::Prose>,
    /// The report's own dates, found once per document (P008 and P009 both ask).
    publication_dates: OnceCell<Vec<(Date, Span)>>,
    /// The identities stated by `localise` rules, for error localisation.
    identities: RefCell<Vec<Identity>>,
    /// What identity rules do with their identities in this pass.
    recording: Cell<Recording>,
    /// Whether an identity failed (seen while detecting).
    identity_failed: Cell<bool>,
    /// The other reports of the collection (`previous.…`); `None` outside a collection.
    related: Option<&'a Related<'a>>,
    /// The state of the previous report, bound like this one on first use.
    previous: OnceCell<Option<Box<Ctx<'a>>>>,
    /// The label key of every written cell of every table, in order: normalised once per
    /// document for `labels_with`, not once per call.
    cell_keys: OnceCell<Vec<(String, &'a crate::document::Cell)>>,
    /// The label key of every row of every table, in order, for `rows_ending_with`.
    row_keys: OnceCell<Vec<(String, &'a crate::document::Row)>>,
}

/// Identities are recorded only when localisation runs and one of them failed: the first
/// pass only notes failures (free for the usual report, whose identities hold), a second
/// pass of the identity rules records them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Recording {
    Off,
    Detect,
    Record,
}

impl<'a> Ctx<'a> {
    /// A document's state for the rules of `pack`.
    fn new(
        pack: &'a Pack,
        doc: &'a Document,
        year: Option<i32>,
        related: Option<&'a Related<'a>>,
    ) -> Self {
        Ctx {
            pack,
            doc,
            year,
            sections: bind::sections(pack, doc),
            tables: (0..pack.tables.len()).map(|_| OnceCell::new()).collect(),
            period: OnceCell::new(),
            prose: OnceCell::new(),
            publication_dates: OnceCell::new(),
            identities: RefCell::new(Vec::new()),
            recording: Cell::new(Recording::Off),
            identity_failed: Cell::new(false),
            related,
            previous: OnceCell::new(),
            cell_keys: OnceCell::new(),
            row_keys: OnceCell::new(),
        }
    }

    /// The related report's state (bound with this pack, so it reads like this report) and
    /// its file; `None` when the collection does not hold it.
    fn related(&self, relation: Relation) -> Option<(&Ctx<'a>, &OtherFile)> {
        let Linked::Present(report) = self.related?.get(relation) else {
            return None;
        };
        let ctx = self
            .previous
            .get_or_init(|| {
                Some(Box::new(Ctx::new(
                    self.pack,
                    report.document,
                    report.year,
                    None,
                )))
            })
            .as_deref()?;
        Some((ctx, &report.file))
    }
}

impl<'a> Ctx<'a> {
    /// The well-formed statistics period; `None` when it is missing or malformed.
    fn period(&self) -> Option<(Date, Date, Span)> {
        match self.period_statement() {
            Some((PeriodStatement::Valid(start, end, _), span)) => Some((start, end, span)),
            Some((PeriodStatement::Malformed(..), _)) => None,
            None => super::recognise::statistics_period(self.doc),
        }
    }

    /// The statistics period as written, read once per document (P001, P002 and P010 ask).
    fn period_statement(&self) -> Option<(PeriodStatement, Span)> {
        self.period
            .get_or_init(|| super::recognise::period_statement(self.doc))
            .clone()
    }

    /// [`Ctx::prose`], joined on first use.
    fn prose(&self) -> &super::prose::Prose {
        self.prose.get_or_init(|| super::prose::Prose::of(self.doc))
    }

    /// Every date the report gives as its own, best first ([`super::recognise::publication_dates`]);
    /// the first is its publication date.
    fn publication_dates(&self) -> &[(Date, Span)] {
        self.publication_dates
            .get_or_init(|| super::recognise::publication_dates(self.doc))
    }

    /// [`Ctx::cell_keys`], computed on first use.
    fn cell_keys(&self) -> &[(String, &'a crate::document::Cell)] {
        self.cell_keys.get_or_init(|| {
            let doc: &'a Document = self.doc;
            doc.tables
                .iter()
                .flat_map(|table| &table.rows)
                .flat_map(|row| row.cells.iter().filter(|c| !c.merged))
                .map(|cell| (label_key(&cell.text), cell))
                .collect()
        })
    }

    /// [`Ctx::row_keys`], computed on first use.
    fn row_keys(&self) -> &[(String, &'a crate::document::Row)] {
        self.row_keys.get_or_init(|| {
            let doc: &'a Document = self.doc;
            doc.tables
                .iter()
                .flat_map(|table| &table.rows)
                .map(|row| (label_key(&row.label), row))
                .collect()
        })
    }

    fn table(&self, t: usize) -> &BoundTable {
        self.tables[t].get_or_init(|| {
            let def = &self.pack.tables[t];
            let section = def.section.and_then(|s| self.sections[s].as_ref());
            bind::table(def, section, self.doc)
        })
    }

    /// Where a missing required section should have been: the next found section's heading.
    fn section_anchor(&self, s: usize) -> Option<Span> {
        self.sections[s..]
            .iter()
            .flatten()
            .next()
            .map(|f| f.span)
            .or_else(|| {
                self.sections[..s]
                    .iter()
                    .rev()
                    .flatten()
                    .next()
                    .map(|f| f.span)
            })
    }

    fn fallback_span(&self) -> Span {
        self.doc
            .title
            .as_ref()
            .map(|t| t.span)
            .or_else(|| {
                self.doc.blocks.first().map(|b| match b {
                    Block::Paragraph { span, .. } => *span,
                    Block::Table { table } => self.doc.tables[*table].span,
                })
            })
            .unwrap_or_default()
    }
}

pub(super) fn run(
    pack: &Pack,
    doc: &Document,
    year: Option<i32>,
    only: Option<&[&str]>,
    deadline: Option<std::time::Instant>,
    related: Option<&Related<'_>>,
) -> Evaluated {
    let ctx = Ctx::new(pack, doc, year, related);
    // Rules across reports whose related report is absent: said once for the report.
    let mut absent: Vec<&str> = Vec::new();
    let mut absent_year = None;
    // A report older than the pack's format (a 2017 report read with the 2019 pack) follows
    // another structure: only the template-version rules (`X…`) run, so it gets one finding
    // saying so instead of a cascade of missing sections and tables.
    let predates_format = year.is_some_and(|y| y < pack.years.0);
    let mut findings = Vec::new();
    let selected =
        |code: &str| only.is_none_or(|codes| codes.iter().any(|c| c.eq_ignore_ascii_case(code)));
    // The rule that reports localisation, when it is selected: the identity rules then run
    // even when not selected themselves (their findings are dropped), so it has its input.
    let reporter = pack
        .rules
        .iter()
        .find(|r| r.localise == Some(LocaliseRole::Report) && selected(&r.code))
        .filter(|_| !predates_format);
    if reporter.is_some() {
        ctx.recording.set(Recording::Detect);
    }
    let past_deadline = || deadline.is_some_and(|d| std::time::Instant::now() >= d);
    let mut skipped = 0;
    for rule in &pack.rules {
        // The time budget is checked between rules (each rule is bounded by its step budget),
        // so a file that takes too long still reports what ran and says what did not.
        if past_deadline() {
            skipped += 1;
            continue;
        }
        let is_identity = matches!(rule.localise, Some(LocaliseRole::Identity { .. }));
        let silent = !selected(&rule.code);
        if silent && !(is_identity && reporter.is_some()) {
            continue;
        }
        if rule.localise == Some(LocaliseRole::Report) {
            continue;
        }
        if predates_format && !rule.code.starts_with('X') {
            continue;
        }
        // `years 2023..` on the rule: not for reports of other (or unknown) years.
        if !rule.applies_to(year) {
            continue;
        }
        // A rule across reports runs only when every report it reads is there; outside a
        // collection this is one test of an empty list.
        if let Some(linked) = rule
            .relations
            .iter()
            .map(|&r| ctx.related.map_or(&Linked::NotGiven, |rel| rel.get(r)))
            .find(|linked| !matches!(linked, Linked::Present(_)))
        {
            if let Linked::Absent { year } = linked
                && !silent
            {
                absent.push(&rule.code);
                absent_year = *year;
            }
            continue;
        }
        let produced = run_rule(&ctx, rule);
        if !silent {
            findings.extend(produced);
        }
    }
    if reporter.is_some() && ctx.identity_failed.get() && !past_deadline() {
        ctx.recording.set(Recording::Record);
        for rule in &pack.rules {
            if matches!(rule.localise, Some(LocaliseRole::Identity { .. })) {
                let _ = run_rule(&ctx, rule);
            }
        }
    }
    if !absent.is_empty() {
        findings.push(super::related::previous_missing(
            absent_year,
            &absent,
            ctx.fallback_span(),
        ));
    }
    let located = reporter.map_or_else(Vec::new, |reporter| {
        localise::locate(pack, reporter, &ctx.identities.borrow())
    });
    let mut links = Vec::new();
    for located in located {
        links.push((
            (located.finding.span, located.finding.message.clone()),
            located.explains,
        ));
        findings.push(located.finding);
    }
    findings.sort_by(|a, b| a.span.cmp(&b.span).then_with(|| a.code.cmp(&b.code)));
    // Link each localisation to the findings it explains, by their positions once sorted.
    let position = |findings: &[Finding], (span, message): &(Span, String)| {
        findings
            .iter()
            .position(|f| f.span == *span && f.message == *message)
    };
    for (finding, explains) in links {
        let Some(at) = position(&findings, &finding) else {
            continue;
        };
        let mut ids: Vec<usize> = explains
            .iter()
            .filter_map(|e| position(&findings, e))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        findings[at].explains = ids;
    }
    Evaluated {
        findings,
        rules_not_run: skipped,
    }
}

/// What an evaluation produced.
#[derive(Debug)]
pub struct Evaluated {
    /// The findings, sorted by position.
    pub findings: Vec<Finding>,
    /// Rules not run because the deadline passed (0 when every rule ran).
    pub rules_not_run: usize,
}

/// Runs one rule on the document: its findings, severity overrides applied.
fn run_rule(ctx: &Ctx<'_>, rule: &CompiledRule) -> Vec<Finding> {
    let mut run = RuleRun {
        ctx,
        rule,
        slots: vec![Value::None; rule.slots],
        assigned: vec![0; rule.slots],
        clock: 0,
        findings: Vec::new(),
        gaps: Vec::new(),
        steps: 0,
    };
    run.block(&rule.body);
    let overridden = rule
        .severity_overrides
        .iter()
        .find(|(_, cond, _)| matches!(run.truth(cond, &mut Explain::default()), Truth::True))
        .map(|(level, _, _)| *level);
    let mut produced = run.finish();
    if let Some(level) = overridden {
        for finding in produced.iter_mut().filter(|f| f.outcome == Outcome::Fail) {
            finding.severity = level;
        }
    }
    produced
}

/// Three-valued truth: an expectation on a missing value is not assessable.
enum Truth {
    True,
    False,
    Unknown(Vec<Gap>),
}

impl Truth {
    /// Whether this is the known value `value`.
    fn is(&self, value: bool) -> bool {
        matches!((self, value), (Self::True, true) | (Self::False, false))
    }
}

/// What a failed comparison compared, for messages and labels.
#[derive(Default)]
struct Explain {
    lhs: Option<Value>,
    rhs: Option<Value>,
}

struct RuleRun<'a, 'c> {
    ctx: &'c Ctx<'a>,
    rule: &'c CompiledRule,
    slots: Vec<Value>,
    /// For each slot, the `clock` value of its last assignment.
    assigned: Vec<u64>,
    clock: u64,
    findings: Vec<Finding>,
    gaps: Vec<Gap>,
    steps: usize,
}

impl RuleRun<'_, '_> {
    /// Sets a variable and notes when, so a message shows the latest of same-named variables.
    fn assign(&mut self, slot: usize, value: Value) {
        self.clock += 1;
        self.slots[slot] = value;
        self.assigned[slot] = self.clock;
    }

    fn block(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            if self.steps > MAX_STEPS {
                return;
            }
            match stmt {
                Stmt::For { slot, iter, body } => {
                    let items = match self.eval(iter) {
                        Value::List(items) => items,
                        Value::Missing(gaps) | Value::Bounded(Bounded { gaps, .. }) => {
                            self.gaps.extend(gaps);
                            continue;
                        }
                        Value::None => Vec::new(),
                        other => vec![other],
                    };
                    for item in items {
                        self.steps += 1;
                        if self.steps > MAX_STEPS {
                            self.gaps.push(Gap {
                                what: format!("规则 {}", self.rule.code).into(),
                                why: format!("循环超过 {MAX_STEPS} 次，已停止").into(),
                                span: None,
                            });
                            return;
                        }
                        self.assign(*slot, item);
                        self.block(body);
                    }
                }
                Stmt::If {
                    cond,
                    body,
                    otherwise,
                } => match self.truth(cond, &mut Explain::default()) {
                    Truth::True => self.block(body),
                    // `else` runs when the condition is false, not when it is unknown.
                    Truth::False => self.block(otherwise),
                    Truth::Unknown(_) => {}
                },
                Stmt::Let { slot, value } => {
                    let value = self.eval(value);
                    self.assign(*slot, value);
                }
                Stmt::Expect { cond, within, at } => {
                    // A tolerance is an expression (`within 0.05 * total`); an unknown one
                    // makes the expectation unknown.
                    let within = match within.as_ref().map(|w| self.eval(w)) {
                        None => None,
                        Some(Value::Num(n)) => Some(n.value.abs()),
                        Some(other) => {
                            self.gaps
                                .extend(other.gaps().unwrap_or_default().iter().cloned());
                            continue;
                        }
                    };
                    self.expect(cond, within, at.as_ref());
                }
            }
        }
    }

    fn expect(&mut self, cond: &Expr, within: Option<Decimal>, at: Option<&Expr>) {
        let mut explain = Explain::default();
        let truth = match (&cond.kind, within) {
            (ExprKind::Binary(BinOp::Eq, a, b), Some(tolerance)) => {
                let (a, b) = (self.eval(a), self.eval(b));
                let t = compare(BinOp::Eq, &a, &b, tolerance);
                explain.lhs = Some(a);
                explain.rhs = Some(b);
                t
            }
            _ => self.truth(cond, &mut explain),
        };
        let mut identity = self.identity(cond, &explain, &truth);
        match truth {
            Truth::True => {}
            Truth::Unknown(gaps) => self.gaps.extend(gaps),
            Truth::False => {
                let at = at.map(|e| self.eval(e));
                let finding = self.finding(&explain, at.as_ref());
                if let Some(identity) = identity.as_mut() {
                    identity.finding = Some((finding.span, finding.message.clone()));
                }
                self.findings.push(finding);
            }
        }
        if let Some(identity) = identity {
            self.ctx.identities.borrow_mut().push(identity);
        }
    }

    /// The identity an `expect a == b` of a `localise` rule states, with its signed cells;
    /// `None` for other rules and for sides that are not sums of cells.
    fn identity(&self, cond: &Expr, explain: &Explain, truth: &Truth) -> Option<Identity> {
        let Some(LocaliseRole::Identity { table }) = self.rule.localise else {
            return None;
        };
        let ExprKind::Binary(BinOp::Eq, a, b) = &cond.kind else {
            return None;
        };
        match self.ctx.recording.get() {
            Recording::Off => return None,
            Recording::Detect => {
                if matches!(truth, Truth::False) {
                    self.ctx.identity_failed.set(true);
                }
                return None;
            }
            Recording::Record => {}
        }
        let side = |value: &Option<Value>, expr: &Expr, left: bool| -> Option<Vec<IdentityCell>> {
            let (terms, gaps): (&[Term], &[Gap]) = match value.as_ref()? {
                Value::Num(n) => (&n.terms, &[]),
                Value::Bounded(b) => (&b.known.terms, &b.gaps),
                _ => return None,
            };
            // A blank's sign is not kept through a subtraction: such sides do not take part.
            if !gaps.is_empty() && subtracts(expr) {
                return None;
            }
            let mut cells: Vec<IdentityCell> = terms
                .iter()
                .map(|t| IdentityCell::filled(t, left))
                .collect();
            cells.extend(
                gaps.iter()
                    .map(|g| IdentityCell::blank(&g.what, g.span, left)),
            );
            Some(cells)
        };
        let left = side(&explain.lhs, a, true)?;
        let right = side(&explain.rhs, b, false)?;
        if left.is_empty() || right.is_empty() {
            return None;
        }
        let status = match truth {
            Truth::True => Status::Holds,
            Truth::False => Status::Fails,
            Truth::Unknown(_) => Status::Unknown,
        };
        Some(Identity::new(table, &self.rule.code, status, left, right))
    }

    fn finding(&self, explain: &Explain, at: Option<&Value>) -> Finding {
        let mut labels: Vec<Label> = Vec::new();
        for side in [&explain.lhs, &explain.rhs].into_iter().flatten() {
            let (terms, gaps): (&[Term], &[Gap]) = match side {
                Value::Num(n) => (&n.terms, &[]),
                Value::Bounded(b) => (&b.known.terms, &b.gaps),
                _ => (&[], &[]),
            };
            for term in terms {
                labels.push(Label {
                    span: term.span,
                    message: format!("{}：{}", term.label, term.value.normalize()),
                    file: term.elsewhere.clone(),
                });
            }
            for gap in gaps {
                if let Some(span) = gap.span {
                    labels.push(Label {
                        span,
                        message: format!("{}：{}", gap.what, gap.why),
                        file: None,
                    });
                }
            }
        }
        // `at` a list (every blank cell, every old-template label): label each item.
        if let Some(Value::List(items)) = at {
            for item in items.iter().skip(1) {
                if let Some(span) = self.span_of(item) {
                    labels.push(Label {
                        span,
                        message: self.display(item),
                        file: None,
                    });
                }
            }
        }
        // A sum points at its first cell (the total, on the side of the identity that has
        // one); its other cells are labels.
        // Only a cell of this report can be the primary location (a cell of last year's
        // report is a label in that file).
        let here = |t: &&Term| t.elsewhere.is_none();
        let first_term = |v: &Value| match v {
            Value::Num(n) => n.terms.iter().find(here).map(|t| t.span),
            Value::Bounded(b) => b
                .known
                .terms
                .iter()
                .find(here)
                .map(|t| t.span)
                .or_else(|| b.gaps.iter().find_map(|g| g.span)),
            other => self.span_of(other),
        };
        let primary = at
            .and_then(|v| self.span_of(v))
            .or_else(|| explain.rhs.as_ref().and_then(first_term))
            .or_else(|| explain.lhs.as_ref().and_then(first_term))
            .unwrap_or_else(|| self.ctx.fallback_span());
        // The primary location is not repeated as a label unless the label says something.
        labels.retain(|l| l.file.is_some() || l.span != primary);
        labels.dedup_by(|a, b| a.span == b.span && a.file == b.file);
        labels.truncate(MAX_LABELS);
        let mut notes = Vec::new();
        match (&explain.lhs, &explain.rhs) {
            (Some(Value::Num(l)), Some(Value::Num(r)))
                if (l.terms.len() > 1 || r.terms.len() > 1) && adds_up(l) && adds_up(r) =>
            {
                notes.push(format!(
                    "{}；{}；相差 {}",
                    l.arithmetic(),
                    r.arithmetic(),
                    (l.value - r.value).abs().normalize()
                ));
            }
            (Some(l), Some(r)) if l.gaps().is_some() || r.gaps().is_some() => {
                notes.push(format!(
                    "{}；{}；空白单元格按不小于 0 的件数计，两边仍不可能相等",
                    terms_text(l),
                    terms_text(r)
                ));
            }
            _ => {}
        }
        Finding {
            code: self.rule.code.clone(),
            name: self.rule.name.clone(),
            severity: self.rule.severity,
            outcome: Outcome::Fail,
            message: self.message(explain),
            span: primary,
            labels,
            notes,
            help: self.rule.help.clone(),
            basis: self.rule.basis.clone(),
            explains: Vec::new(),
            triage: Triage::default(),
        }
    }

    fn message(&self, explain: &Explain) -> String {
        let mut out = String::new();
        for part in &self.rule.message.parts {
            match part {
                TemplatePart::Text(t) => out.push_str(t),
                TemplatePart::Slot(slots) => {
                    let latest = slots.iter().copied().max_by_key(|&s| self.assigned[s]);
                    if let Some(s) = latest {
                        out.push_str(&self.display(&self.slots[s]));
                    }
                }
                TemplatePart::Special(special) => {
                    let num = |v: &Option<Value>| match v {
                        Some(Value::Num(n)) => Some(n.clone()),
                        _ => None,
                    };
                    let bounded = |v: &Option<Value>| match v {
                        Some(v @ Value::Bounded(_)) => Some(terms_text(v)),
                        _ => None,
                    };
                    let text = match special {
                        Special::Lhs => explain.lhs.as_ref().map(|v| self.display(v)),
                        Special::Rhs => explain.rhs.as_ref().map(|v| self.display(v)),
                        Special::LhsTerms => num(&explain.lhs)
                            .map(|n| n.arithmetic())
                            .or_else(|| bounded(&explain.lhs)),
                        Special::RhsTerms => num(&explain.rhs)
                            .map(|n| n.arithmetic())
                            .or_else(|| bounded(&explain.rhs)),
                        Special::Diff => num(&explain.lhs)
                            .zip(num(&explain.rhs))
                            .map(|(a, b)| (a.value - b.value).abs().normalize().to_string())
                            .or_else(|| least_difference(&explain.lhs, &explain.rhs)),
                        Special::Year => self.ctx.year.map(|y| y.to_string()),
                    };
                    out.push_str(&text.unwrap_or_else(|| "?".to_owned()));
                }
            }
        }
        out
    }

    /// How a value reads in a message.
    fn display(&self, value: &Value) -> String {
        let pack = self.ctx.pack;
        match value {
            Value::None => "无".to_owned(),
            Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
            Value::Num(n) => n.to_string(),
            Value::Missing(gaps) => gaps
                .first()
                .map_or_else(|| "缺失".to_owned(), |g| format!("{}（{}）", g.what, g.why)),
            Value::Bounded(b) if b.known.terms.is_empty() && b.gaps.len() == 1 => {
                format!("{}（{}）", b.gaps[0].what, b.gaps[0].why)
            }
            Value::Bounded(b) => {
                let blanks = format!("（含 {} 个空白单元格）", b.gaps.len());
                match (b.low, b.high) {
                    (Some(l), None) => format!("至少 {}{blanks}", l.normalize()),
                    (None, Some(h)) => format!("至多 {}{blanks}", h.normalize()),
                    _ => format!("{}{blanks}", b.range_text().trim_start()),
                }
            }
            Value::Str(s) => s.clone(),
            Value::Text(_) => "正文".to_owned(),
            Value::Match(m) => m.text.clone(),
            Value::Date(d, _) => d.to_string(),
            Value::Period { start, end, .. } => format!("{start}至{end}"),
            Value::Column(t, c) => {
                let def = &pack.tables[*t];
                def.columns
                    .get(*c)
                    .or_else(|| def.values.get(*c))
                    .map_or_else(String::new, |c| c.name.clone())
            }
            Value::Row(t, r) => pack.tables[*t].rows[*r].name.clone(),
            Value::Group(t, g) => pack.tables[*t].groups[*g].name.clone(),
            Value::Section(s) => {
                let def = &pack.sections[*s];
                format!("{}、{}", def.marker, def.titles[0])
            }
            Value::Table(t) => pack.tables[*t].name.clone(),
            Value::Regex(re) => format!("/{}/", re.source()),
            Value::List(items) => {
                // Long lists (every blank cell of a table) are shown by their first items.
                let shown: Vec<String> = items.iter().take(5).map(|v| self.display(v)).collect();
                let more = items.len().saturating_sub(shown.len());
                if more > 0 {
                    format!("{}等 {} 项", shown.join("、"), items.len())
                } else {
                    shown.join("、")
                }
            }
        }
    }

    fn span_of(&self, value: &Value) -> Option<Span> {
        match value {
            Value::Section(s) => self.ctx.sections[*s]
                .as_ref()
                .map(|f| f.span)
                .or_else(|| self.ctx.section_anchor(*s)),
            Value::Table(t) => {
                let bound = self.ctx.table(*t);
                bound.values_span.or_else(|| bound.span(self.ctx.doc))
            }
            Value::Text(blocks) => blocks.first().and_then(|&b| match &self.ctx.doc.blocks[b] {
                Block::Paragraph { span, .. } => Some(*span),
                Block::Table { .. } => None,
            }),
            Value::Row(t, r) => self.ctx.table(*t).rows[*r]
                .as_ref()
                .map(|row| row.label_span),
            Value::List(items) => items.iter().find_map(|v| self.span_of(v)),
            other => other.span(),
        }
    }

    fn finish(self) -> Vec<Finding> {
        let mut findings = self.findings;
        let mut gaps = self.gaps;
        gaps.sort_by_key(|g| g.span);
        // One gap per place and reason: fifteen values of a malformed row are one gap.
        gaps.dedup_by(|a, b| {
            a.span == b.span && (a.what == b.what || (a.span.is_some() && a.why == b.why))
        });
        if !gaps.is_empty() {
            let first = &gaps[0];
            let span = gaps
                .iter()
                .find_map(|g| g.span)
                .unwrap_or_else(|| self.ctx.fallback_span());
            let labels = gaps
                .iter()
                .filter_map(|g| {
                    g.span.map(|span| Label {
                        span,
                        message: format!("{}：{}", g.what, g.why),
                        file: None,
                    })
                })
                .filter(|l| l.span != span)
                .take(MAX_GAP_LABELS)
                .collect();
            let mut notes: Vec<String> = gaps
                .iter()
                .take(5)
                .map(|g| format!("{}：{}", g.what, g.why))
                .collect();
            if gaps.len() > 5 {
                notes.push(format!("……另有 {} 处", gaps.len() - 5));
            }
            findings.push(Finding {
                code: self.rule.code.clone(),
                name: self.rule.name.clone(),
                severity: Severity::Info,
                outcome: Outcome::NotAssessable,
                message: format!(
                    "{}：{} 处无法核验（{}{}）",
                    self.rule
                        .summary
                        .trim_start_matches("检查内容：")
                        .trim_end_matches('。'),
                    gaps.len(),
                    first.what,
                    first.why
                ),
                span,
                labels,
                notes,
                help: self.rule.help.clone(),
                basis: self.rule.basis.clone(),
                explains: Vec::new(),
                triage: Triage::default(),
            });
        }
        findings
    }

    // -----------------------------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------------------------

    fn truth(&mut self, expr: &Expr, explain: &mut Explain) -> Truth {
        match &expr.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                // `and` is decided by a false side, `or` by a true one; an unknown side
                // leaves the result unknown unless the other side decides it.
                let decisive = *op == BinOp::Or;
                match self.truth(a, &mut Explain::default()) {
                    t if t.is(decisive) => t,
                    Truth::Unknown(mut gaps) => match self.truth(b, &mut Explain::default()) {
                        t if t.is(decisive) => t,
                        Truth::Unknown(more) => {
                            gaps.extend(more);
                            Truth::Unknown(gaps)
                        }
                        _ => Truth::Unknown(gaps),
                    },
                    _ => self.truth(b, explain),
                }
            }
            ExprKind::Not(inner) => match self.truth(inner, explain) {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                unknown @ Truth::Unknown(_) => unknown,
            },
            ExprKind::Binary(op, a, b) if op.is_comparison() => {
                let (a, b) = (self.eval(a), self.eval(b));
                let truth = compare(*op, &a, &b, Decimal::ZERO);
                explain.lhs = Some(a);
                explain.rhs = Some(b);
                truth
            }
            _ => match self.eval(expr) {
                Value::Bool(true) => Truth::True,
                Value::Bool(false) | Value::None => Truth::False,
                Value::Missing(gaps) | Value::Bounded(Bounded { gaps, .. }) => Truth::Unknown(gaps),
                other => Truth::Unknown(vec![self.type_gap("真假值", &other)]),
            },
        }
    }

    fn type_gap(&self, wanted: &str, got: &Value) -> Gap {
        Gap {
            what: format!("规则 {}", self.rule.code).into(),
            why: format!("规则要求{wanted}，实际是{}", got.type_name()).into(),
            span: None,
        }
    }

    fn eval(&mut self, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Number(n) => Value::number(*n),
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Regex(re) => Value::Regex(Arc::clone(re)),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::None => Value::None,
            ExprKind::Slot(s) => self.slots[*s].clone(),
            ExprKind::Year => match self.ctx.year {
                Some(y) => Value::number(Decimal::from(y)),
                None => Value::Missing(vec![Gap {
                    what: "报告年度".into(),
                    why: "标题和统计期限中均未找到".into(),
                    span: None,
                }]),
            },
            ExprKind::Table(t) => Value::Table(*t),
            ExprKind::InReport(relation, inner) => self.in_report(*relation, inner),
            ExprKind::Sections => Value::List(
                (0..self.ctx.pack.sections.len())
                    .map(Value::Section)
                    .collect(),
            ),
            ExprKind::Section(s) => Value::Section(*s),
            ExprKind::Column(t, c) => Value::Column(*t, *c),
            ExprKind::Row(t, r) => Value::Row(*t, *r),
            ExprKind::Group(t, g) => Value::Group(*t, *g),
            ExprKind::Cell { table, row, col } => self.cell(*table, row.as_deref(), col),
            // `count(find(…))`: the matches are counted, not made.
            ExprKind::Call(Builtin::Count, outer)
                if let [inner] = outer.as_slice()
                    && let ExprKind::Call(Builtin::Find | Builtin::Matches, args) = &inner.kind =>
            {
                let args: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
                self.find(&args, calls::Found::Count)
            }
            ExprKind::Call(builtin, args) => {
                let args: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
                self.call(*builtin, args)
            }
            ExprKind::Field(base, field) => {
                let base = self.eval(base);
                self.field(base, field)
            }
            ExprKind::List(items) => Value::List(items.iter().map(|e| self.eval(e)).collect()),
            ExprKind::Not(inner) => match self.truth(inner, &mut Explain::default()) {
                Truth::True => Value::Bool(false),
                Truth::False => Value::Bool(true),
                Truth::Unknown(gaps) => Value::Missing(gaps),
            },
            ExprKind::Neg(inner) => match self.eval(inner) {
                Value::Num(n) => Value::Num(Num {
                    value: -n.value,
                    terms: n
                        .terms
                        .into_iter()
                        .map(|t| Term {
                            negated: !t.negated,
                            ..t
                        })
                        .collect(),
                }),
                Value::Bounded(b) => {
                    arithmetic(BinOp::Sub, Value::number(Decimal::ZERO), Value::Bounded(b))
                }
                other => other,
            },
            ExprKind::Binary(op, a, b) => {
                if op.is_comparison() || matches!(op, BinOp::And | BinOp::Or) {
                    return match self.truth(expr, &mut Explain::default()) {
                        Truth::True => Value::Bool(true),
                        Truth::False => Value::Bool(false),
                        Truth::Unknown(gaps) => Value::Missing(gaps),
                    };
                }
                let (a, b) = (self.eval(a), self.eval(b));
                arithmetic(*op, a, b)
            }
        }
    }

    /// `previous.e`: `e` evaluated in the related report; its cells are marked as being in
    /// that file, and what is missing there is named as such.
    fn in_report(&mut self, relation: Relation, inner: &Expr) -> Value {
        let Some((other, file)) = self.ctx.related(relation) else {
            return Value::Missing(vec![Gap {
                what: relation.label().into(),
                why: "未提供".into(),
                span: None,
            }]);
        };
        let file = file.clone();
        let here = self.ctx;
        self.ctx = other;
        let value = self.eval(inner);
        self.ctx = here;
        elsewhere(value, relation, &file)
    }

    fn cell(&mut self, table: usize, row: Option<&Expr>, col: &ColSel) -> Value {
        let def = &self.ctx.pack.tables[table];
        // Columns are one or a contiguous range; rows one or a group's. Neither is collected:
        // a rule reads cells one by one far more often than in ranges.
        let columns = match col {
            ColSel::Column(c) => *c..=*c,
            ColSel::Range(a, b) => *a..=*b,
            ColSel::Expr(e) => match self.eval(e) {
                Value::Column(t, c) if t == table => c..=c,
                other => {
                    return Value::Missing(vec![self.type_gap("本表的列", &other)]);
                }
            },
        };
        let list_of_columns = matches!(col, ColSel::Range(..));
        let Some(row) = row else {
            // A sequence table: values by position.
            let bound = self.ctx.table(table);
            let expected = def.values.len();
            let values: Vec<Value> = columns
                .map(|c| {
                    let names = def.names_of(0, c);
                    if bound.values.len() != expected {
                        return Value::Missing(vec![Gap {
                            what: Arc::clone(&names.what),
                            why: format!("应有 {expected} 个数值，读到 {} 个", bound.values.len())
                                .into(),
                            span: bound.values_span,
                        }]);
                    }
                    cell_value(Some(&bound.values[c]), &names)
                })
                .collect();
            return single_or_list(values, list_of_columns);
        };
        let one_row;
        let rows: &[usize] = match self.eval(row) {
            Value::Row(t, r) if t == table => {
                one_row = r;
                std::slice::from_ref(&one_row)
            }
            Value::Group(t, g) if t == table => &def.groups[g].rows,
            other => {
                return Value::Missing(vec![self.type_gap("本表的行", &other)]);
            }
        };
        let bound = self.ctx.table(table);
        let value_of = |r: usize, c: usize| {
            let names = def.names_of(r, c);
            match &bound.rows[r] {
                Some(found) => cell_value(found.cells[c].as_ref(), &names),
                None => Value::Missing(vec![Gap {
                    what: Arc::clone(&names.what),
                    why: "报告中未找到该行".into(),
                    span: None,
                }]),
            }
        };
        if let ([r], false) = (rows, list_of_columns) {
            return value_of(*r, *columns.start());
        }
        let list = rows.len() > 1 || list_of_columns;
        let values: Vec<Value> = rows
            .iter()
            .flat_map(|&r| columns.clone().map(move |c| (r, c)))
            .map(|(r, c)| value_of(r, c))
            .collect();
        single_or_list(values, list)
    }

    fn field(&self, base: Value, field: &str) -> Value {
        let ctx = self.ctx;
        match (&base, field) {
            (Value::Table(t), "columns") => {
                let def = &ctx.pack.tables[*t];
                let n = if def.values.is_empty() {
                    def.columns.len()
                } else {
                    def.values.len()
                };
                Value::List((0..n).map(|c| Value::Column(*t, c)).collect())
            }
            (Value::Table(t), "rows") => Value::List(
                (0..ctx.pack.tables[*t].rows.len())
                    .map(|r| Value::Row(*t, r))
                    .collect(),
            ),
            (Value::Table(t), "values") => {
                let bound = ctx.table(*t);
                let def = &ctx.pack.tables[*t];
                Value::List(
                    bound
                        .values
                        .iter()
                        .enumerate()
                        .map(|(i, cell)| {
                            // A sequence table's names are its values'; past them, by position.
                            let names = if def.rows.is_empty() {
                                def.names_of(0, i)
                            } else {
                                let label: Arc<str> = format!("第{}个", i + 1).into();
                                Cow::Owned(CellNames {
                                    what: format!("{}「{label}」", def.name).into(),
                                    label,
                                })
                            };
                            cell_value(Some(cell), &names)
                        })
                        .collect(),
                )
            }
            (Value::Table(t), "present" | "found") => Value::Bool(ctx.table(*t).found()),
            (Value::Group(t, g), "rows") => Value::List(
                ctx.pack.tables[*t].groups[*g]
                    .rows
                    .iter()
                    .map(|&r| Value::Row(*t, r))
                    .collect(),
            ),
            (Value::Section(s), "present" | "found") => Value::Bool(ctx.sections[*s].is_some()),
            (Value::Section(s), "standard") => match &ctx.sections[*s] {
                Some(found) => Value::Bool(found.standard),
                None => Value::None,
            },
            (Value::Section(s), "known") => match &ctx.sections[*s] {
                Some(found) => Value::Bool(found.known),
                None => Value::None,
            },
            (Value::Section(s), "number") => {
                Value::number(Decimal::from(ctx.pack.sections[*s].number))
            }
            (Value::Section(s), "heading") => match &ctx.sections[*s] {
                Some(found) => {
                    let section = &ctx.doc.sections[found.section];
                    Value::Match(Match {
                        text: format!("{}{}", section.marker, section.title),
                        span: found.span,
                    })
                }
                None => Value::None,
            },
            (Value::Period { start, .. }, "start") => Value::Date(*start, base.span()),
            (Value::Period { end, .. }, "end") => Value::Date(*end, base.span()),
            (Value::Date(d, span), "year") => Value::Num(Num {
                value: Decimal::from(d.year),
                terms: span
                    .map(|s| {
                        vec![Term {
                            label: "年份".into(),
                            value: Decimal::from(d.year),
                            span: s,
                            negated: false,
                            unit: None,
                            elsewhere: None,
                        }]
                    })
                    .unwrap_or_default(),
            }),
            (Value::List(items), "count") => Value::number(Decimal::from(items.len())),
            (Value::Match(m), "text") => Value::Str(m.text.clone()),
            (Value::None, _) => Value::None,
            (Value::Missing(_) | Value::Bounded(_), _) => base,
            _ => Value::Missing(vec![Gap {
                what: format!("规则 {}", self.rule.code).into(),
                why: format!("{}没有字段「{field}」", base.type_name()).into(),
                span: None,
            }]),
        }
    }
}

/// A value read in another report: its cells point into that file, and its gaps are named
/// as that report's (their places are not in this file).
fn elsewhere(value: Value, relation: Relation, file: &OtherFile) -> Value {
    let mark_terms = |terms: Vec<Term>| -> Vec<Term> {
        terms
            .into_iter()
            .map(|t| Term {
                label: format!("{}·{}", relation.label(), t.label).into(),
                elsewhere: Some(file.clone()),
                ..t
            })
            .collect()
    };
    let mark_gaps = |gaps: Vec<Gap>| -> Vec<Gap> {
        gaps.into_iter()
            .map(|g| Gap {
                what: format!("{}{}", relation.label(), g.what).into(),
                span: None,
                ..g
            })
            .collect()
    };
    match value {
        Value::Num(n) => Value::Num(Num {
            value: n.value,
            terms: mark_terms(n.terms),
        }),
        Value::Bounded(b) => Value::Bounded(Bounded {
            known: Num {
                value: b.known.value,
                terms: mark_terms(b.known.terms),
            },
            gaps: mark_gaps(b.gaps),
            ..b
        }),
        Value::Missing(gaps) => Value::Missing(mark_gaps(gaps)),
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|v| elsewhere(v, relation, file))
                .collect(),
        ),
        // Places in the other file cannot be shown as places in this one.
        Value::Match(m) => Value::Str(m.text),
        Value::Date(d, _) => Value::Date(d, None),
        other => other,
    }
}

/// Whether a number's terms are its summands, so that its arithmetic can be printed. Only a
/// value read across reports can fail this (`copied()` labels two passages of one share).
fn adds_up(n: &Num) -> bool {
    if n.terms.iter().all(|t| t.elsewhere.is_none()) {
        return true;
    }
    let sum: Decimal = n
        .terms
        .iter()
        .map(|t| if t.negated { -t.value } else { t.value })
        .sum();
    sum == n.value
}

/// Whether an expression subtracts or negates anything.
fn subtracts(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Neg(_) | ExprKind::Binary(BinOp::Sub, ..) => true,
        ExprKind::Binary(_, a, b) => subtracts(a) || subtracts(b),
        ExprKind::Not(a) | ExprKind::Field(a, _) => subtracts(a),
        ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().any(subtracts),
        _ => false,
    }
}

fn single_or_list(mut values: Vec<Value>, list: bool) -> Value {
    if !list && values.len() == 1 {
        values.pop().expect("one value")
    } else {
        Value::List(values)
    }
}

/// A cell as a number, or missing with the reason; `names` say which cell it is.
fn cell_value(cell: Option<&CellRef>, names: &CellNames) -> Value {
    let what = || Arc::clone(&names.what);
    let Some(cell) = cell else {
        // The row has no field at all in this column: an export dropped its empty cell.
        return Value::Bounded(Bounded::blank(Gap {
            what: what(),
            why: "空白".into(),
            span: None,
        }));
    };
    if cell.malformed {
        return Value::Missing(vec![Gap {
            what: what(),
            why: "该行数值个数与表头不符".into(),
            span: Some(cell.span),
        }]);
    }
    match &cell.value {
        CellValue::Number(q) => Value::Num(Num {
            value: q.value,
            terms: vec![Term {
                label: Arc::clone(&names.label),
                value: q.value,
                span: cell.span,
                negated: false,
                unit: q.unit,
                elsewhere: None,
            }],
        }),
        // Blank is not zero, but a blank count is some count: [0, ∞).
        CellValue::Blank => Value::Bounded(Bounded::blank(Gap {
            what: what(),
            why: "空白".into(),
            span: Some(cell.span),
        })),
        CellValue::NotApplicable { mark } => Value::Bounded(Bounded::blank(Gap {
            what: what(),
            why: format!("填写为「{mark}」").into(),
            span: Some(cell.span),
        })),
        CellValue::Text { text } => Value::Missing(vec![Gap {
            what: what(),
            why: format!("不是数字：{text}").into(),
            span: Some(cell.span),
        }]),
    }
}

/// A side of a comparison as arithmetic, blanks included (`261 + 12 + 空白 ≥ 273`).
fn terms_text(value: &Value) -> String {
    match value {
        Value::Num(n) => n.arithmetic(),
        Value::Bounded(b) => b.arithmetic(),
        Value::Missing(gaps) => gaps
            .first()
            .map_or_else(|| "缺失".to_owned(), |g| format!("{}（{}）", g.what, g.why)),
        _ => "?".to_owned(),
    }
}

/// How far apart two ranges are at least (`至少 3`), when one side is only partly known.
fn least_difference(a: &Option<Value>, b: &Option<Value>) -> Option<String> {
    let a = as_bounded(a.clone()?).ok()?;
    let b = as_bounded(b.clone()?).ok()?;
    let gap = match (a.low, a.high, b.low, b.high) {
        (Some(al), _, _, Some(bh)) if al > bh => al - bh,
        (_, Some(ah), Some(bl), _) if bl > ah => bl - ah,
        _ => return None,
    };
    Some(format!("至少 {}", gap.normalize()))
}

/// A number as a range: exact numbers are `[v, v]`; blank counts and sums with them are
/// bounded; anything else is not a number.
fn as_bounded(value: Value) -> Result<Bounded, Value> {
    match value {
        Value::Num(n) => Ok(Bounded {
            low: Some(n.value),
            high: Some(n.value),
            known: n,
            gaps: Vec::new(),
        }),
        Value::Bounded(b) => Ok(b),
        other => Err(other),
    }
}

/// The gap recorded when a computation overflows (`Decimal` holds 28 digits).
fn overflow_gap() -> Gap {
    Gap {
        what: "算式".into(),
        why: "数值过大，无法计算".into(),
        span: None,
    }
}

/// `a ± b` on optional bounds (`None` is infinite); `None` also when it overflows.
fn bound_add(a: Option<Decimal>, b: Option<Decimal>) -> Option<Decimal> {
    a?.checked_add(b?)
}

fn arithmetic(op: BinOp, a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Num(a), Value::Num(b)) => {
            let value = match op {
                BinOp::Add => a.value.checked_add(b.value),
                BinOp::Sub => a.value.checked_sub(b.value),
                BinOp::Mul => a.value.checked_mul(b.value),
                BinOp::Div if b.value.is_zero() => {
                    return Value::Missing(vec![Gap {
                        what: "算式".into(),
                        why: "除数为零".into(),
                        span: b.terms.first().map(|t| t.span),
                    }]);
                }
                BinOp::Div => a.value.checked_div(b.value),
                _ => unreachable!("only arithmetic operators reach here"),
            };
            let Some(value) = value else {
                return Value::Missing(vec![overflow_gap()]);
            };
            let mut terms = a.terms;
            match op {
                BinOp::Sub => terms.extend(b.terms.into_iter().map(|t| Term {
                    negated: !t.negated,
                    ..t
                })),
                BinOp::Mul | BinOp::Div => terms.clear(),
                _ => terms.extend(b.terms),
            }
            Value::Num(Num { value, terms })
        }
        (Value::Missing(mut a), Value::Missing(b)) => {
            a.extend(b);
            Value::Missing(a)
        }
        (Value::Missing(mut a), other) | (other, Value::Missing(mut a)) => {
            // The other side's unknown cells are worth naming too.
            if let Some(more) = other.gaps() {
                a.extend(more.iter().cloned());
            }
            Value::Missing(a)
        }
        (a @ (Value::Num(_) | Value::Bounded(_)), b @ (Value::Num(_) | Value::Bounded(_))) => {
            let (Ok(a), Ok(b)) = (as_bounded(a), as_bounded(b)) else {
                unreachable!("numbers and bounded numbers are ranges")
            };
            bounded_arithmetic(op, a, b)
        }
        (a, b) => Value::Missing(vec![Gap {
            what: "算式".into(),
            why: format!(
                "无法计算{} {} {}",
                a.type_name(),
                op.symbol(),
                b.type_name()
            )
            .into(),
            span: None,
        }]),
    }
}

/// Interval arithmetic for sums and differences with blank counts. A product with an
/// unknown factor is not assessable.
fn bounded_arithmetic(op: BinOp, a: Bounded, b: Bounded) -> Value {
    let mut gaps = a.gaps;
    gaps.extend(b.gaps.iter().cloned());
    let (low, high, known) = match op {
        BinOp::Add => (
            bound_add(a.low, b.low),
            bound_add(a.high, b.high),
            arithmetic(op, Value::Num(a.known), Value::Num(b.known)),
        ),
        BinOp::Sub => (
            bound_add(a.low, b.high.map(|h| -h)),
            bound_add(a.high, b.low.map(|l| -l)),
            arithmetic(op, Value::Num(a.known), Value::Num(b.known)),
        ),
        _ => return Value::Missing(gaps),
    };
    match known {
        Value::Num(known) => Value::Bounded(Bounded {
            known,
            low,
            high,
            gaps,
        }),
        Value::Missing(more) => {
            gaps.extend(more);
            Value::Missing(gaps)
        }
        _ => Value::Missing(gaps),
    }
}

/// Compares two ranges: decided when they cannot overlap (or both are exact), else unknown.
fn compare_bounded(op: BinOp, a: &Bounded, b: &Bounded, tolerance: Decimal) -> Truth {
    let unknown = || {
        let mut gaps = a.gaps.clone();
        gaps.extend(b.gaps.iter().cloned());
        Truth::Unknown(gaps)
    };
    // a is surely below b when a's highest is below b's lowest (beyond the tolerance).
    let below = |x: &Bounded, y: &Bounded| match (x.high, y.low) {
        (Some(h), Some(l)) => h + tolerance < l,
        _ => false,
    };
    let a_below = below(a, b);
    let b_below = below(b, a);
    // Neither can be below the other: a's lowest ≥ b's highest and vice versa.
    let not_below = |x: &Bounded, y: &Bounded| match (x.low, y.high) {
        (Some(l), Some(h)) => l + tolerance >= h,
        _ => false,
    };
    let a_not_below = not_below(a, b);
    let b_not_below = not_below(b, a);
    let decided = |holds: bool| if holds { Truth::True } else { Truth::False };
    match op {
        BinOp::Eq if a_below || b_below => Truth::False,
        BinOp::Ne if a_below || b_below => Truth::True,
        BinOp::Lt if a_below => Truth::True,
        BinOp::Lt if a_not_below => Truth::False,
        BinOp::Gt if b_below => Truth::True,
        BinOp::Gt if b_not_below => Truth::False,
        BinOp::Le if b_below => Truth::False,
        BinOp::Le if b_not_below => Truth::True,
        BinOp::Ge if a_below => Truth::False,
        BinOp::Ge if a_not_below => Truth::True,
        // Only reached when the ranges touch; equal when both are the same point.
        BinOp::Eq | BinOp::Ne if a_not_below && b_not_below => decided(op == BinOp::Eq),
        _ => unknown(),
    }
}

fn compare(op: BinOp, a: &Value, b: &Value, tolerance: Decimal) -> Truth {
    use std::cmp::Ordering;
    if matches!(a, Value::Bounded(_)) || matches!(b, Value::Bounded(_)) {
        let as_range = |v: &Value| as_bounded(v.clone()).ok();
        if let (Some(x), Some(y)) = (as_range(a), as_range(b)) {
            return compare_bounded(op, &x, &y, tolerance);
        }
    }
    let ordering: Option<Ordering> = match (a, b) {
        (Value::Missing(x), Value::Missing(y)) => {
            let mut gaps = x.clone();
            gaps.extend(y.iter().cloned());
            return Truth::Unknown(gaps);
        }
        (Value::Missing(x), _) | (_, Value::Missing(x)) => return Truth::Unknown(x.clone()),
        (Value::Bounded(x), _) | (_, Value::Bounded(x)) => {
            return Truth::Unknown(x.gaps.clone());
        }
        (Value::Num(x), Value::Num(y)) => {
            if (x.value - y.value).abs() <= tolerance {
                Some(Ordering::Equal)
            } else {
                Some(x.value.cmp(&y.value))
            }
        }
        (Value::Date(x, _), Value::Date(y, _)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::None, Value::None) => Some(Ordering::Equal),
        (Value::None, _) | (_, Value::None) => None,
        (Value::Str(x), Value::Str(y)) => Some(label_key(x).cmp(&label_key(y))),
        (Value::Match(m), Value::Str(s)) | (Value::Str(s), Value::Match(m)) => {
            Some(label_key(&m.text).cmp(&label_key(s)))
        }
        (Value::Section(x), Value::Section(y)) => Some(x.cmp(y)),
        (Value::Column(t, x), Value::Column(u, y)) | (Value::Row(t, x), Value::Row(u, y)) => {
            Some((t, x).cmp(&(u, y)))
        }
        _ => None,
    };
    let holds = match (op, ordering) {
        (BinOp::Eq, Some(o)) => o == Ordering::Equal,
        (BinOp::Ne, Some(o)) => o != Ordering::Equal,
        (BinOp::Eq, None) => false,
        (BinOp::Ne, None) => true,
        (BinOp::Lt, Some(o)) => o == Ordering::Less,
        (BinOp::Le, Some(o)) => o != Ordering::Greater,
        (BinOp::Gt, Some(o)) => o == Ordering::Greater,
        (BinOp::Ge, Some(o)) => o != Ordering::Less,
        _ => false,
    };
    if holds { Truth::True } else { Truth::False }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: i64) -> Value {
        Value::number(Decimal::from(v))
    }

    fn blank() -> Value {
        Value::Bounded(Bounded::blank(Gap {
            what: "表三「某」行".into(),
            why: "空白".into(),
            span: None,
        }))
    }

    fn sum(values: Vec<Value>) -> Value {
        values
            .into_iter()
            .fold(num(0), |acc, v| arithmetic(BinOp::Add, acc, v))
    }

    #[test]
    fn filled_parts_beyond_the_total_are_false_even_with_blanks() {
        let parts = sum(vec![num(261), num(12), num(1), num(1), blank(), blank()]);
        assert!(compare(BinOp::Eq, &parts, &num(272), Decimal::ZERO).is(false));
    }

    #[test]
    fn blanks_that_could_make_up_the_difference_are_unknown() {
        let parts = sum(vec![num(261), blank()]);
        assert!(matches!(
            compare(BinOp::Eq, &parts, &num(272), Decimal::ZERO),
            Truth::Unknown(_)
        ));
        // A blank total is ≥ 0, so `total ≥ 0` holds and `total < 0` fails.
        assert!(compare(BinOp::Ge, &blank(), &num(0), Decimal::ZERO).is(true));
        assert!(compare(BinOp::Lt, &blank(), &num(0), Decimal::ZERO).is(false));
    }

    #[test]
    fn differences_reverse_the_bounds() {
        // 10 - blank ≤ 10, so it can never equal 11.
        let d = arithmetic(BinOp::Sub, num(10), blank());
        assert!(compare(BinOp::Eq, &d, &num(11), Decimal::ZERO).is(false));
        assert!(matches!(
            compare(BinOp::Eq, &d, &num(3), Decimal::ZERO),
            Truth::Unknown(_)
        ));
    }

    #[test]
    fn overflow_is_not_assessable_not_a_panic() {
        let huge = Value::number(Decimal::MAX);
        let v = arithmetic(BinOp::Add, huge.clone(), huge);
        let Value::Missing(gaps) = v else {
            panic!("overflow must be missing")
        };
        assert_eq!(gaps[0].why, "数值过大，无法计算");
    }
}
