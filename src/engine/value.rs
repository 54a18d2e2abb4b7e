//! Runtime values of the rule language.
//!
//! Numbers carry the cells they were computed from ([`Term`]s), so a failing identity can
//! label every cell that took part and print the arithmetic. A value that should exist but
//! does not (a blank cell, a row the report lacks) is [`Value::Missing`]: arithmetic on it stays
//! missing, and an expectation on it is *not assessable* rather than false.

use crate::document::Date;
use crate::source::Span;
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// One cell (or stated number) that went into a computed number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// What it is, e.g. `新收·自然人` (shared: the pack formats each cell's label once).
    pub label: std::sync::Arc<str>,
    /// Its value.
    pub value: Decimal,
    /// Where it is.
    pub span: Span,
    /// Subtracted rather than added.
    pub negated: bool,
    /// The unit written in the cell, if any.
    pub unit: Option<crate::document::Unit>,
    /// The report the cell is in when it is not the one being checked (`previous.表三[…]`).
    pub elsewhere: Option<crate::diagnostic::OtherFile>,
}

/// A number and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Num {
    /// The value.
    pub value: Decimal,
    /// The cells summed to get it (empty for literals).
    pub terms: Vec<Term>,
}

/// Why a value is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    /// What is missing, e.g. `表三「新收」行「自然人」列`. Shared: a sum over blank cells
    /// carries each cell's gap through every step of the arithmetic.
    pub what: std::sync::Arc<str>,
    /// Why, e.g. `空白` (most reasons are fixed text).
    pub why: std::borrow::Cow<'static, str>,
    /// Where, if anywhere.
    pub span: Option<Span>,
}

/// A match of a pattern in the report's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The matched text.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// A number known only to lie between two bounds, and what is known of it.
///
/// A blank count cell is `[0, ∞)`; `261 + 12 + blank` is `[273, ∞)`. Comparisons on bounds
/// decide when the ranges cannot meet (`[275, ∞) == 272` is false) and stay not assessable
/// otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounded {
    /// The cells that are known, summed (`value` is their sum).
    pub known: Num,
    /// The lowest possible value (`None`: no lower bound).
    pub low: Option<Decimal>,
    /// The highest possible value (`None`: no upper bound).
    pub high: Option<Decimal>,
    /// The cells that are not known, and why.
    pub gaps: Vec<Gap>,
}

impl Bounded {
    /// A blank count cell: any non-negative number.
    #[must_use]
    pub fn blank(gap: Gap) -> Self {
        Self {
            known: Num {
                value: Decimal::ZERO,
                terms: Vec::new(),
            },
            low: Some(Decimal::ZERO),
            high: None,
            gaps: vec![gap],
        }
    }

    /// `261 + 12 + 空白 + 空白 ≥ 273`: the known cells, a word per unknown one, and the bound.
    #[must_use]
    pub fn arithmetic(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (i, term) in self.known.terms.iter().enumerate() {
            let v = term.value.normalize().to_string();
            parts.push(match (i, term.negated) {
                (0, true) => format!("-{v}"),
                (0, false) => v,
                (_, true) => format!(" - {v}"),
                (_, false) => format!(" + {v}"),
            });
        }
        for _ in &self.gaps {
            parts.push(if parts.is_empty() {
                "空白".to_owned()
            } else {
                " + 空白".to_owned()
            });
        }
        format!("{}{}", parts.concat(), self.range_text())
    }

    /// `≥ 273`, `≤ 5`, `在 3 与 8 之间`, or nothing when nothing is known.
    #[must_use]
    pub fn range_text(&self) -> String {
        match (self.low, self.high) {
            (Some(l), Some(h)) => format!(" 在 {} 与 {} 之间", l.normalize(), h.normalize()),
            (Some(l), None) => format!(" ≥ {}", l.normalize()),
            (None, Some(h)) => format!(" ≤ {}", h.normalize()),
            (None, None) => String::new(),
        }
    }
}

/// A runtime value.
#[derive(Clone, Debug)]
pub enum Value {
    /// Nothing (`none`, or a recogniser that found nothing).
    None,
    /// A truth value.
    Bool(bool),
    /// A number.
    Num(Num),
    /// A value that should be there but is not.
    Missing(Vec<Gap>),
    /// A count known only to lie in a range: a blank count cell, or a sum or difference
    /// with one (blank is not zero, but a blank count is in [0, ∞)).
    Bounded(Bounded),
    /// A string from the rule file.
    Str(String),
    /// Text of the report: paragraph block indices.
    Text(Arc<Vec<usize>>),
    /// A match in the report's text.
    Match(Match),
    /// A date, with where it was written.
    Date(Date, Option<Span>),
    /// A date range (statistics period).
    Period {
        /// First day.
        start: Date,
        /// Last day.
        end: Date,
        /// The sentence stating it.
        span: Span,
    },
    /// A declared column of a table.
    Column(usize, usize),
    /// A declared row.
    Row(usize, usize),
    /// A declared group of rows.
    Group(usize, usize),
    /// A required section.
    Section(usize),
    /// A declared table.
    Table(usize),
    /// A compiled regex.
    Regex(Arc<crate::dsl::regex::RuleRegex>),
    /// A list.
    List(Vec<Value>),
}

impl Value {
    /// A literal number.
    #[must_use]
    pub fn number(value: Decimal) -> Self {
        Self::Num(Num {
            value,
            terms: Vec::new(),
        })
    }

    /// The missing parts of a value that is not (fully) known, if it is one.
    #[must_use]
    pub fn gaps(&self) -> Option<&[Gap]> {
        match self {
            Self::Missing(gaps) => Some(gaps),
            Self::Bounded(b) => Some(&b.gaps),
            _ => None,
        }
    }

    /// The kind of value, in Chinese: it can reach a report's author in a not-assessable reason.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::None => "空值",
            Self::Bool(_) => "真假值",
            Self::Num(_) => "数值",
            Self::Missing(_) => "缺失值",
            Self::Bounded(_) => "部分已知的数值",
            Self::Str(_) => "字符串",
            Self::Text(_) => "报告正文",
            Self::Match(_) => "正文片段",
            Self::Date(..) => "日期",
            Self::Period { .. } => "期间",
            Self::Column(..) => "表格列",
            Self::Row(..) => "表格行",
            Self::Group(..) => "行组",
            Self::Section(_) => "报告部分",
            Self::Table(_) => "表格",
            Self::Regex(_) => "正则表达式",
            Self::List(_) => "列表",
        }
    }

    /// The span this value points at, if it came from the report.
    #[must_use]
    pub fn span(&self) -> Option<Span> {
        match self {
            // Cells of another report have no place in this one.
            Self::Num(n) => n
                .terms
                .iter()
                .filter(|t| t.elsewhere.is_none())
                .map(|t| t.span)
                .reduce(Span::cover),
            Self::Missing(gaps) => gaps.iter().find_map(|g| g.span),
            Self::Bounded(b) => b
                .known
                .terms
                .iter()
                .filter(|t| t.elsewhere.is_none())
                .map(|t| t.span)
                .chain(b.gaps.iter().filter_map(|g| g.span))
                .reduce(Span::cover),
            Self::Match(m) => Some(m.span),
            Self::Date(_, span) => *span,
            Self::Period { span, .. } => Some(*span),
            Self::List(items) => items.iter().find_map(Self::span),
            _ => None,
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value.normalize())
    }
}

impl Num {
    /// `3 + 0 = 3`, or just `3` for a single term or literal.
    #[must_use]
    pub fn arithmetic(&self) -> String {
        if self.terms.len() <= 1 {
            return self.to_string();
        }
        let mut out = String::new();
        for (i, term) in self.terms.iter().enumerate() {
            if i > 0 {
                out.push_str(if term.negated { " - " } else { " + " });
            } else if term.negated {
                out.push('-');
            }
            out.push_str(&term.value.normalize().to_string());
        }
        out.push_str(&format!(" = {}", self.value.normalize()));
        out
    }
}
