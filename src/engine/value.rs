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
    /// What it is, e.g. `新收/自然人`.
    pub label: String,
    /// Its value.
    pub value: Decimal,
    /// Where it is.
    pub span: Span,
    /// Subtracted rather than added.
    pub negated: bool,
    /// The unit written in the cell, if any.
    pub unit: Option<crate::document::Unit>,
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
    /// What is missing, e.g. `表三「新收」行「自然人」列`.
    pub what: String,
    /// Why, e.g. `空白`.
    pub why: String,
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
    Regex(Arc<regex::Regex>),
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

    /// The type name shown in error messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Bool(_) => "a truth value",
            Self::Num(_) => "a number",
            Self::Missing(_) => "a missing value",
            Self::Str(_) => "a string",
            Self::Text(_) => "report text",
            Self::Match(_) => "a text match",
            Self::Date(..) => "a date",
            Self::Period { .. } => "a period",
            Self::Column(..) => "a column",
            Self::Row(..) => "a row",
            Self::Group(..) => "a group of rows",
            Self::Section(_) => "a section",
            Self::Table(_) => "a table",
            Self::Regex(_) => "a regular expression",
            Self::List(_) => "a list",
        }
    }

    /// The span this value points at, if it came from the report.
    #[must_use]
    pub fn span(&self) -> Option<Span> {
        match self {
            Self::Num(n) => n.terms.iter().map(|t| t.span).reduce(Span::cover),
            Self::Missing(gaps) => gaps.iter().find_map(|g| g.span),
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
