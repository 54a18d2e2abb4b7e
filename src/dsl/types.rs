//! The contract between the rule language and the engine: the kinds of values, the fields each
//! kind has, and every builtin's argument and result types.
//!
//! [`super::check`] uses this table to reject, at compile time, every expression that the engine
//! could only answer with a type error at run time ("not assessable" for a reason that is the
//! rule author's, not the report's). Blank cells and missing rows are not type errors: a number
//! may always turn out unknown, which is the report's business.

use super::builtins::Builtin;
use super::program::Pack;

/// The static type of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// A number (a cell, a sum, a literal); may be blank or missing at run time.
    Number,
    /// A truth value.
    Bool,
    /// A string written in the rule file, or text read from a match (`m.text`).
    Str,
    /// Paragraphs of the report (`all_text()`, `section_text(s)`).
    Text,
    /// A piece of the report's text with its place.
    Match,
    /// A calendar date.
    Date,
    /// A date range (the statistics period).
    Period,
    /// A regular expression.
    Regex,
    /// A declared column (or value of a sequence table) of the table with this index.
    Column(usize),
    /// A declared row of the table.
    Row(usize),
    /// A declared group of rows of the table.
    Group(usize),
    /// A required section.
    Section,
    /// The declared table with this index.
    Table(usize),
    /// A list of items of one type.
    List(Box<Type>),
    /// The literal `none`.
    None,
    /// A value of the inner type, or `none` (a recogniser that may find nothing).
    Optional(Box<Type>),
    /// Items of a list that are not all of one type: only counted, tested for presence, or
    /// searched for blanks.
    Mixed,
    /// The items of the empty list `[]`: fits any type.
    Nothing,
    /// A function's parameter while its body is checked on its own: anything goes; the
    /// calls are checked with the arguments' types.
    Parameter,
}

impl Type {
    /// `T | none`.
    #[must_use]
    pub fn optional(inner: Self) -> Self {
        match inner {
            Self::Optional(_) | Self::None | Self::Nothing => inner,
            other => Self::Optional(Box::new(other)),
        }
    }

    /// `List(T)`.
    #[must_use]
    pub fn list(item: Self) -> Self {
        Self::List(Box::new(item))
    }

    /// The type without its `none` case.
    #[must_use]
    pub fn required(&self) -> &Self {
        match self {
            Self::Optional(inner) => inner,
            other => other,
        }
    }

    /// Whether `none` is a possible value.
    #[must_use]
    pub fn may_be_none(&self) -> bool {
        matches!(self, Self::Optional(_) | Self::None)
    }

    /// The type both `self` and `other` fit, if any (`T` and `none` join to `T | none`).
    #[must_use]
    pub fn join(&self, other: &Self) -> Option<Self> {
        match (self, other) {
            (a, b) if a == b => Some(a.clone()),
            (Self::Parameter, _) | (_, Self::Parameter) => Some(Self::Parameter),
            (Self::Nothing, x) | (x, Self::Nothing) => Some(x.clone()),
            (Self::None, x) | (x, Self::None) => Some(Self::optional(x.clone())),
            (Self::Optional(a), b) | (b, Self::Optional(a)) => a.join(b).map(Self::optional),
            (Self::List(a), Self::List(b)) => a.join(b).map(Self::list),
            // A variable that holds a match or a string is shown and compared as text.
            (Self::Match, Self::Str) | (Self::Str, Self::Match) => Some(Self::Str),
            _ => None,
        }
    }

    /// The type in words, for error messages: `a number`, `a list of matches`.
    #[must_use]
    pub fn describe(&self, pack: &Pack) -> String {
        let table = |t: &usize| pack.tables.get(*t).map_or("?", |d| d.name.as_str());
        match self {
            Self::Number => "a number".to_owned(),
            Self::Bool => "a truth value".to_owned(),
            Self::Str => "a string".to_owned(),
            Self::Text => "report text".to_owned(),
            Self::Match => "a match".to_owned(),
            Self::Date => "a date".to_owned(),
            Self::Period => "a period".to_owned(),
            Self::Regex => "a regular expression".to_owned(),
            Self::Column(t) => format!("a column of `{}`", table(t)),
            Self::Row(t) => format!("a row of `{}`", table(t)),
            Self::Group(t) => format!("a row group of `{}`", table(t)),
            Self::Section => "a section".to_owned(),
            Self::Table(t) => format!("the table `{}`", table(t)),
            Self::List(item) => format!("a list of {}", plural(&item.describe(pack))),
            Self::None => "`none`".to_owned(),
            Self::Optional(inner) => format!("{} or `none`", inner.describe(pack)),
            Self::Mixed => "values of several kinds".to_owned(),
            Self::Nothing => "nothing".to_owned(),
            Self::Parameter => "a parameter".to_owned(),
        }
    }
}

/// `a number` → `numbers`, for "a list of …".
fn plural(one: &str) -> String {
    let bare = one
        .strip_prefix("a ")
        .or_else(|| one.strip_prefix("an "))
        .unwrap_or(one);
    match bare {
        "match" => "matches".to_owned(),
        "report text" | "nothing" => bare.to_owned(),
        _ if bare.starts_with('`') || bare.contains(" or ") || bare.starts_with("values") => {
            bare.to_owned()
        }
        _ => match bare.split_once(' ') {
            Some((head, rest)) => format!("{head}s {rest}"),
            None => format!("{bare}s"),
        },
    }
}

/// The fields every kind of value has, with their types. Fields of `none` are `none`.
#[must_use]
pub fn field_type(base: &Type, field: &str) -> Option<Type> {
    Some(match (base, field) {
        (Type::Table(t), "columns") => Type::list(Type::Column(*t)),
        (Type::Table(t), "rows") | (Type::Group(t), "rows") => Type::list(Type::Row(*t)),
        (Type::Table(_), "values") => Type::list(Type::Number),
        (Type::Table(_) | Type::Section, "present" | "found") => Type::Bool,
        (Type::Section, "standard" | "known") => Type::optional(Type::Bool),
        (Type::Section, "number") => Type::Number,
        (Type::Section, "heading") => Type::optional(Type::Match),
        (Type::Period, "start" | "end") => Type::Date,
        (Type::Date, "year") => Type::Number,
        (Type::List(_), "count") => Type::Number,
        (Type::Match, "text") => Type::Str,
        (Type::None, _) => Type::None,
        (Type::Parameter, _) => Type::Parameter,
        (Type::Optional(inner), f) => Type::optional(field_type(inner, f)?),
        _ => return None,
    })
}

/// The fields a value of this type has, for "did you mean" and "fields of …" help.
#[must_use]
pub fn fields_of(base: &Type) -> Vec<&'static str> {
    super::compile::FIELDS
        .iter()
        .copied()
        .filter(|f| field_type(base.required(), f).is_some())
        .collect()
}

/// The names `find(text, "…")` accepts as a built-in recogniser. The engine's
/// `Recogniser::NAMES` must list the same (a test checks it).
pub const RECOGNISERS: &[&str] = &[
    "landline", "mobile", "phone", "email", "postcode", "url", "address",
];

/// The kinds `reader_problems("…")` accepts: the reader's problem kinds as serialised.
pub const PROBLEM_KINDS: &[&str] = &["values-run-together", "row-shape", "too-deep", "truncated"];

/// What an argument must be, for one builtin parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Any value at all.
    Any,
    /// A number (or `none` where the builtin treats `none` as no number).
    Number,
    /// A number or a list of numbers (cells).
    Numbers,
    /// Report text.
    Text,
    /// Report text or a match.
    TextOrMatch,
    /// A regular expression.
    Regex,
    /// A regex or the literal name of a built-in recogniser.
    Pattern,
    /// A string or a list of strings.
    Strings,
    /// A required section.
    Section,
    /// A declared table.
    Table,
    /// The literal name of a reader problem kind.
    ProblemKind,
    /// A match, or a list of matches (their numbers in order).
    MatchOrMatches,
    /// A declared row.
    Row,
    /// A match.
    Match,
}

impl Param {
    /// The parameter in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Any => "any value",
            Self::Number => "a number",
            Self::Numbers => "a number or a list of numbers",
            Self::Text => "report text (`all_text()`, `preamble()`, `section_text(…)`)",
            Self::TextOrMatch => "report text or a match",
            Self::Regex => "a regular expression `/…/`",
            Self::Pattern => "a regular expression `/…/` or a recogniser name",
            Self::Strings => "a string or a list of strings",
            Self::Section => "a section",
            Self::Table => "a declared table",
            Self::ProblemKind => "a reader problem kind",
            Self::MatchOrMatches => "a match or a list of matches",
            Self::Row => "a declared row",
            Self::Match => "a match",
        }
    }

    /// Whether a value of type `t` fits.
    #[must_use]
    pub fn accepts(self, t: &Type) -> bool {
        if *t == Type::Parameter {
            return true;
        }
        let numberish = |t: &Type| matches!(t, Type::Number | Type::Nothing);
        match self {
            Self::Any => true,
            Self::Number => matches!(t.required(), Type::Number) || *t == Type::None,
            Self::Numbers => match t {
                Type::List(item) => numberish(item),
                other => numberish(other),
            },
            Self::Text => *t == Type::Text,
            Self::TextOrMatch => matches!(t, Type::Text | Type::Match),
            Self::Regex => *t == Type::Regex,
            Self::Pattern => matches!(t, Type::Regex | Type::Str),
            Self::Strings => match t {
                Type::List(item) => matches!(**item, Type::Str | Type::Nothing),
                other => *other == Type::Str,
            },
            Self::Section => *t == Type::Section,
            Self::Table => matches!(t, Type::Table(_)),
            Self::ProblemKind => *t == Type::Str,
            Self::MatchOrMatches => match t {
                Type::List(item) => matches!(**item, Type::Match | Type::Nothing),
                other => *other == Type::Match,
            },
            Self::Row => matches!(t, Type::Row(_)),
            Self::Match => matches!(t.required(), Type::Match) || *t == Type::None,
        }
    }
}

/// A builtin's parameters, and its result type given the argument types.
#[must_use]
pub fn signature(builtin: Builtin, args: &[Type]) -> (Vec<Param>, Type) {
    use Param as P;
    let matches = || Type::list(Type::Match);
    match builtin {
        Builtin::Sum => (vec![P::Numbers], Type::Number),
        Builtin::Count => (vec![P::Any], Type::Number),
        Builtin::Present => (vec![P::Any], Type::Bool),
        Builtin::Integer => (vec![P::Number], Type::Bool),
        Builtin::Date => (
            vec![P::Number, P::Number, P::Number],
            Type::optional(Type::Date),
        ),
        Builtin::Preamble | Builtin::AllText | Builtin::TableNotes => (vec![], Type::Text),
        Builtin::SectionText => (vec![P::Section], Type::Text),
        Builtin::Find => (vec![P::TextOrMatch, P::Pattern], matches()),
        Builtin::Stated => (vec![P::Regex], Type::optional(Type::Number)),
        Builtin::StatisticsPeriod => (vec![], Type::optional(Type::Period)),
        Builtin::PublicationDate => (vec![], Type::optional(Type::Date)),
        Builtin::MalformedPeriod | Builtin::Agency | Builtin::AnnouncedParts => {
            (vec![], Type::optional(Type::Match))
        }
        Builtin::AgencyLevel => (vec![], Type::optional(Type::Str)),
        Builtin::Placeholders | Builtin::BreakdownsExceeding => (vec![P::Text], matches()),
        Builtin::ResultSharesOff => (vec![P::Text, P::Numbers], matches()),
        Builtin::MissingRows => {
            let table = match args.first() {
                Some(Type::Table(t)) => Type::Row(*t),
                _ => Type::Mixed,
            };
            (vec![P::Table], Type::list(table))
        }
        Builtin::BlankCells | Builtin::MalformedRows => (vec![P::Table], matches()),
        Builtin::Blanks => (vec![P::Any], matches()),
        Builtin::LabelsWith | Builtin::RowsEndingWith => (vec![P::Strings], matches()),
        Builtin::Misordered => (vec![], Type::list(Type::Section)),
        Builtin::HeadingNumber | Builtin::Copied => {
            (vec![P::Section], Type::optional(Type::Number))
        }
        Builtin::HeadingsWithin => (vec![P::Section], matches()),
        Builtin::Unit => (vec![P::Number], Type::optional(Type::Str)),
        Builtin::ReaderProblems => (vec![P::ProblemKind], matches()),
        // `none` in, `none` out.
        Builtin::Round | Builtin::Abs => {
            let params = if builtin == Builtin::Round {
                vec![P::Number, P::Number]
            } else {
                vec![P::Number]
            };
            let result = if args.first().is_some_and(Type::may_be_none) {
                Type::optional(Type::Number)
            } else {
                Type::Number
            };
            (params, result)
        }
        Builtin::Matches => (vec![P::TextOrMatch, P::Regex], matches()),
        Builtin::Numbers => (vec![P::MatchOrMatches], Type::list(Type::Number)),
        Builtin::Mentions => (vec![P::Row], matches()),
        Builtin::Number => (vec![P::Match, P::Number], Type::optional(Type::Number)),
        Builtin::Title => (vec![], Type::optional(Type::Match)),
        Builtin::PublicationDates => (vec![], Type::list(Type::Date)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_as_many_parameters_as_its_arity() {
        for &b in Builtin::ALL {
            let (params, _) = signature(b, &[]);
            let (min, max) = b.arity();
            assert!(
                (min..=max).contains(&params.len()),
                "{}: {} parameters, arity {min}..{max}",
                b.name(),
                params.len()
            );
        }
    }

    #[test]
    fn problem_kinds_are_the_readers() {
        use crate::document::ProblemKind as K;
        let kinds: Vec<String> = [K::ValuesRunTogether, K::RowShape, K::TooDeep, K::Truncated]
            .iter()
            .map(|k| {
                serde_json::to_value(k)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(kinds, PROBLEM_KINDS);
    }

    #[test]
    fn none_joins_to_optional() {
        assert_eq!(
            Type::Number.join(&Type::None),
            Some(Type::optional(Type::Number))
        );
        assert_eq!(Type::Number.join(&Type::Str), None);
        assert_eq!(
            Type::list(Type::Nothing).join(&Type::list(Type::Match)),
            Some(Type::list(Type::Match))
        );
    }

    #[test]
    fn fields_follow_the_kind() {
        assert_eq!(field_type(&Type::Table(0), "start"), None);
        assert_eq!(
            field_type(&Type::optional(Type::Period), "start"),
            Some(Type::optional(Type::Date))
        );
        assert_eq!(fields_of(&Type::Match), vec!["text"]);
    }
}
