//! The compiled form of a rule pack: names resolved, builtins checked, ready to evaluate.
//!
//! Nothing here refers to pest or to the AST; spans point into the pack's [`RuleFiles`].

use super::ast::BinOp;
use super::error::RuleFileId;
use crate::diagnostic::{RuleInfo, Severity};
use crate::source::{Source, Span};
use codespan_reporting::files::{Error as FilesError, Files};
use rust_decimal::Decimal;
use std::ops::Range;

/// The rule files a pack was compiled from, for rendering errors and docs.
#[derive(Clone, Debug, Default)]
pub struct RuleFiles {
    /// Sources, indexed by [`RuleFileId`].
    pub sources: Vec<Source>,
}

impl<'a> Files<'a> for RuleFiles {
    type FileId = RuleFileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: RuleFileId) -> Result<&'a str, FilesError> {
        Ok(&self.sources.get(id).ok_or(FilesError::FileMissing)?.name)
    }

    fn source(&'a self, id: RuleFileId) -> Result<&'a str, FilesError> {
        Ok(&self.sources.get(id).ok_or(FilesError::FileMissing)?.text)
    }

    fn line_index(&'a self, id: RuleFileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .sources
            .get(id)
            .ok_or(FilesError::FileMissing)?
            .line_index(byte_index))
    }

    fn line_range(&'a self, id: RuleFileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let source = self.sources.get(id).ok_or(FilesError::FileMissing)?;
        source
            .line_range(line_index)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: source.line_starts().len() - 1,
            })
    }
}

/// A compiled pack.
#[derive(Clone, Debug)]
pub struct Pack {
    /// Pack name, e.g. `gov-2021`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Legal basis of the whole pack.
    pub basis: Option<String>,
    /// Report years it applies to: first, and last if bounded.
    pub years: (i32, Option<i32>),
    /// Version.
    pub version: String,
    /// Required sections, in order.
    pub sections: Vec<SectionDef>,
    /// Declared tables.
    pub tables: Vec<TableDef>,
    /// Rules, in file order.
    pub rules: Vec<CompiledRule>,
    /// The files it was compiled from.
    pub files: RuleFiles,
}

impl Pack {
    /// Whether the pack applies to reports of `year`.
    #[must_use]
    pub fn applies_to(&self, year: i32) -> bool {
        year >= self.years.0 && self.years.1.is_none_or(|last| year <= last)
    }

    /// Rule metadata for outputs.
    #[must_use]
    pub fn rule_infos(&self) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .map(|r| RuleInfo {
                code: r.code.clone(),
                name: r.name.clone(),
                severity: r.severity,
                summary: r.summary.clone(),
                help: r.help.clone(),
                basis: r.basis.clone(),
                pack: self.name.clone(),
            })
            .collect()
    }

    /// The rule with this code.
    #[must_use]
    pub fn rule(&self, code: &str) -> Option<&CompiledRule> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code))
    }
}

/// A required section.
#[derive(Clone, Debug)]
pub struct SectionDef {
    /// Its number (一 → 1).
    pub number: u32,
    /// The number as written in the rule file.
    pub marker: String,
    /// Name used in rules.
    pub name: String,
    /// Accepted titles; the first is the standard one.
    pub titles: Vec<String>,
    /// Matching keys of `titles`.
    pub keys: Vec<String>,
}

/// A row, column or value declared in a table.
#[derive(Clone, Debug)]
pub struct Named {
    /// Name used in rules.
    pub name: String,
    /// Labels as written in the rule file.
    pub aliases: Vec<String>,
    /// Matching keys of the aliases.
    pub keys: Vec<String>,
}

/// A group of rows.
#[derive(Clone, Debug)]
pub struct GroupDef {
    /// Name used in rules.
    pub name: String,
    /// Leaf rows in the group (indices into `TableDef::rows`).
    pub rows: Vec<usize>,
}

/// A declared table.
#[derive(Clone, Debug)]
pub struct TableDef {
    /// Name used in rules.
    pub name: String,
    /// The required section it sits in.
    pub section: Option<usize>,
    /// Row labels that identify it when the section is not found.
    pub anchors: Vec<String>,
    /// Columns, in order.
    pub columns: Vec<Named>,
    /// Leaf rows, in order.
    pub rows: Vec<Named>,
    /// Groups.
    pub groups: Vec<GroupDef>,
    /// Value sequence (tables read as one row of values).
    pub values: Vec<Named>,
    /// Each cell's names in findings, by row then column (row 0 for a sequence table's
    /// values). Formatted once per pack, not once per cell read.
    pub cell_names: Vec<Vec<CellNames>>,
}

/// How findings name one cell of a declared table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellNames {
    /// The label of its number in arithmetic: `行·列`, or a sequence table's value name.
    pub label: std::sync::Arc<str>,
    /// The cell in full, for a gap: `表三「行」行「列」列`, or `表二「值」`.
    pub what: std::sync::Arc<str>,
}

impl TableDef {
    /// The names of the cell at `row` and `column` (`row` 0 for a sequence table's values):
    /// the ones formatted with the pack, or formatted now for a table changed since.
    #[must_use]
    pub fn names_of(&self, row: usize, column: usize) -> std::borrow::Cow<'_, CellNames> {
        if let Some(names) = self.cell_names.get(row).and_then(|r| r.get(column)) {
            return std::borrow::Cow::Borrowed(names);
        }
        std::borrow::Cow::Owned(
            match (
                self.rows.get(row),
                self.columns.get(column),
                self.values.get(column),
            ) {
                (Some(r), Some(c), _) => self.row_cell(r, c),
                (_, _, Some(v)) => self.value_cell(v),
                _ => {
                    let label: std::sync::Arc<str> = format!("第{}个", column + 1).into();
                    CellNames {
                        what: format!("{}「{label}」", self.name).into(),
                        label,
                    }
                }
            },
        )
    }

    /// The names of [`TableDef::cell_names`], from the rows, columns and values.
    #[must_use]
    pub fn name_cells(&self) -> Vec<Vec<CellNames>> {
        if self.rows.is_empty() {
            return vec![self.values.iter().map(|v| self.value_cell(v)).collect()];
        }
        self.rows
            .iter()
            .map(|r| self.columns.iter().map(|c| self.row_cell(r, c)).collect())
            .collect()
    }

    fn row_cell(&self, row: &Named, column: &Named) -> CellNames {
        CellNames {
            label: format!("{}·{}", row.name, column.name).into(),
            what: format!("{}「{}」行「{}」列", self.name, row.name, column.name).into(),
        }
    }

    fn value_cell(&self, value: &Named) -> CellNames {
        CellNames {
            label: value.name.as_str().into(),
            what: format!("{}「{}」", self.name, value.name).into(),
        }
    }
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    /// Stable code.
    pub code: String,
    /// Kebab-case name.
    pub name: String,
    /// Severity.
    pub severity: Severity,
    /// Severities that apply instead where their condition holds (first match wins).
    pub severity_overrides: Vec<(Severity, Expr, String)>,
    /// Legal basis.
    pub basis: Option<String>,
    /// Message template.
    pub message: Template,
    /// Help text.
    pub help: Option<String>,
    /// Documentation (doc block), if any.
    pub doc: Option<String>,
    /// First line of the doc, or the message.
    pub summary: String,
    /// `years 2023..`: the report years it applies to (first, last if bounded); `None`: all.
    pub years: Option<(i32, Option<i32>)>,
    /// Whether the rule takes part in error localisation (`localise`).
    pub localise: Option<LocaliseRole>,
    /// Body.
    pub body: Vec<Stmt>,
    /// Number of variable slots the body uses.
    pub slots: usize,
    /// Slot names, for message holes.
    pub slot_names: Vec<String>,
    /// Defining file.
    pub file: RuleFileId,
    /// Where it is defined.
    pub span: Span,
    /// The other reports the rule reads (`previous.…`); empty for a rule of one report. The
    /// engine runs such a rule only when the collection holds those reports.
    pub relations: Vec<Relation>,
}

/// Another report of the collection that a rule can read like the current one.
///
/// Only `previous` exists today; a relation is a name before `.` that switches the report an
/// expression reads, so `parent` (the government a department reports to, from the roster)
/// or `children` can follow without new syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relation {
    /// The same agency's report for the year before.
    Previous,
}

impl Relation {
    /// Every relation and its name in rules.
    pub const ALL: &'static [(&'static str, Self)] = &[("previous", Self::Previous)];

    /// The relation with this name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
    }

    /// Its name in rules.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Previous => "previous",
        }
    }

    /// How it is named in messages (`上年报告`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Previous => "上年报告",
        }
    }
}

impl CompiledRule {
    /// Whether the rule runs on a report of `year`: always without `years`; with `years`, only
    /// when the report's year is known and inside them.
    #[must_use]
    pub fn applies_to(&self, year: Option<i32>) -> bool {
        match (self.years, year) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some((first, last)), Some(y)) => y >= first && last.is_none_or(|l| y <= l),
        }
    }
}

/// A rule's part in error localisation (`src/engine/localise.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocaliseRole {
    /// `localise 表三`: the rule's equalities are identities over the cells of this table.
    Identity {
        /// The declared table.
        table: usize,
    },
    /// Bare `localise`: localisation findings are reported under this rule's code.
    Report,
}

/// A message with `{holes}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// Literal text and holes, in order.
    pub parts: Vec<TemplatePart>,
}

/// A part of a message template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// A variable, by name: every slot that name was given (one per `let`/`for` block);
    /// the message shows the one assigned last.
    Slot(Vec<usize>),
    /// A value of the failing expectation.
    Special(Special),
}

/// Values the engine supplies to every message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// Left side of the failing comparison.
    Lhs,
    /// Right side.
    Rhs,
    /// Left side as its terms: `3 + 0 = 3`.
    LhsTerms,
    /// Right side as its terms.
    RhsTerms,
    /// |lhs − rhs|.
    Diff,
    /// The report year.
    Year,
}

impl Special {
    /// Every special and its hole name.
    pub const ALL: &'static [(&'static str, Self)] = &[
        ("lhs", Self::Lhs),
        ("rhs", Self::Rhs),
        ("lhs_terms", Self::LhsTerms),
        ("rhs_terms", Self::RhsTerms),
        ("diff", Self::Diff),
        ("year", Self::Year),
    ];
}

/// A compiled statement.
#[derive(Clone, Debug)]
pub enum Stmt {
    /// Loop over a finite list.
    For {
        /// Slot of the loop variable.
        slot: usize,
        /// The list.
        iter: Expr,
        /// Body.
        body: Vec<Stmt>,
    },
    /// Run the body when the condition holds, the `else` body when it does not (neither when
    /// it is unknown).
    If {
        /// Condition.
        cond: Expr,
        /// Body.
        body: Vec<Stmt>,
        /// `else` body; empty without `else`.
        otherwise: Vec<Stmt>,
    },
    /// Bind a slot.
    Let {
        /// Slot.
        slot: usize,
        /// Value.
        value: Expr,
    },
    /// A requirement.
    Expect {
        /// Condition.
        cond: Expr,
        /// Tolerance for `==` (a number expression, evaluated on the report).
        within: Option<Expr>,
        /// Where to point.
        at: Option<Expr>,
    },
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub struct Expr {
    /// What kind.
    pub kind: ExprKind,
    /// Where in the rule file.
    pub span: Span,
}

/// Which builtin function.
pub use super::builtins::Builtin;

/// Column selector in a cell reference.
#[derive(Clone, Debug)]
pub enum ColSel {
    /// A declared column (or value of a sequence table).
    Column(usize),
    /// A range of columns, inclusive.
    Range(usize, usize),
    /// A column held in a variable.
    Expr(Box<Expr>),
}

/// Kinds of compiled expressions.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A number.
    Number(Decimal),
    /// A string.
    Str(String),
    /// A compiled regex.
    Regex(std::sync::Arc<crate::dsl::regex::RuleRegex>),
    /// A boolean.
    Bool(bool),
    /// `none`.
    None,
    /// A variable.
    Slot(usize),
    /// The report year.
    Year,
    /// A declared table.
    Table(usize),
    /// The list of required sections.
    Sections,
    /// One required section.
    Section(usize),
    /// A declared column of a table.
    Column(usize, usize),
    /// A declared row.
    Row(usize, usize),
    /// A declared group of rows.
    Group(usize, usize),
    /// `T[row, col]` (or `T[value]` for sequence tables).
    Cell {
        /// Table.
        table: usize,
        /// Row selector (absent for sequence tables).
        row: Option<Box<Expr>>,
        /// Column selector.
        col: ColSel,
    },
    /// A builtin call.
    Call(Builtin, Vec<Expr>),
    /// A field access.
    Field(Box<Expr>, String),
    /// A list.
    List(Vec<Expr>),
    /// `not e`.
    Not(Box<Expr>),
    /// `-e`.
    Neg(Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `previous.e`: `e` read in another report of the collection.
    InReport(Relation, Box<Expr>),
}

impl Expr {
    /// The relations the expression reads through (`previous.…`, `copied(…)`), added to `out`.
    pub fn relations(&self, out: &mut Vec<Relation>) {
        let mut push = |r: Relation| {
            if !out.contains(&r) {
                out.push(r);
            }
        };
        match &self.kind {
            ExprKind::InReport(r, inner) => {
                push(*r);
                inner.relations(out);
            }
            ExprKind::Call(builtin, args) => {
                if let Some(r) = builtin.relation() {
                    push(r);
                }
                args.iter().for_each(|a| a.relations(out));
            }
            ExprKind::Cell { row, col, .. } => {
                if let Some(row) = row {
                    row.relations(out);
                }
                if let ColSel::Expr(e) = col {
                    e.relations(out);
                }
            }
            ExprKind::Field(e, _) | ExprKind::Not(e) | ExprKind::Neg(e) => e.relations(out),
            ExprKind::List(items) => items.iter().for_each(|e| e.relations(out)),
            ExprKind::Binary(_, a, b) => {
                a.relations(out);
                b.relations(out);
            }
            _ => {}
        }
    }
}

impl Stmt {
    /// The relations the statement (and its body) reads through, added to `out`.
    pub fn relations(&self, out: &mut Vec<Relation>) {
        match self {
            Self::For { iter, body, .. } => {
                iter.relations(out);
                body.iter().for_each(|s| s.relations(out));
            }
            Self::If {
                cond,
                body,
                otherwise,
            } => {
                cond.relations(out);
                body.iter().chain(otherwise).for_each(|s| s.relations(out));
            }
            Self::Let { value, .. } => value.relations(out),
            Self::Expect { cond, at, .. } => {
                cond.relations(out);
                if let Some(at) = at {
                    at.relations(out);
                }
            }
        }
    }
}
