//! The syntax tree of a rule file: what the file says, with spans, and no meaning yet.
//!
//! Every node that a compile error can point at carries a [`Span`] into the rule file.
//! Names are resolved later, in [`super::compile`].

use crate::source::Span;

/// A name with its place in the rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The text.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// A string literal with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    /// Unescaped text.
    pub text: String,
    /// Where (quotes included).
    pub span: Span,
}

/// A parsed rule file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    /// `pack` declaration, if any.
    pub pack: Option<PackDecl>,
    /// `import` paths.
    pub imports: Vec<Str>,
    /// `sections` declarations (normally one).
    pub sections: Vec<SectionEntry>,
    /// `table` declarations.
    pub tables: Vec<TableDecl>,
    /// `rule` declarations.
    pub rules: Vec<RuleDecl>,
    /// `fn` declarations.
    pub functions: Vec<FnDecl>,
    /// `import builtin "…"` pack names.
    pub builtin_imports: Vec<Str>,
    /// `disable` codes.
    pub disabled: Vec<Name>,
    /// `override CODE { … }`.
    pub overrides: Vec<Override>,
    /// `extend table NAME { … }`: additions to a declared table.
    pub extensions: Vec<TableDecl>,
}

/// `override T305 { severity warning help "…" }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// The rule's code.
    pub code: Name,
    /// New severity.
    pub severity: Option<(crate::diagnostic::Severity, Span)>,
    /// New help.
    pub help: Option<Str>,
}

/// `fn name(a, b) = expr`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnDecl {
    /// The function's name.
    pub name: Name,
    /// Parameter names.
    pub params: Vec<Name>,
    /// The expression it stands for.
    pub body: Expr,
}

/// `pack NAME { … }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackDecl {
    /// Pack name.
    pub name: Name,
    /// Human title.
    pub title: Option<Str>,
    /// Legal basis.
    pub basis: Option<Str>,
    /// Report years: first, and last if bounded.
    pub years: Option<(i32, Option<i32>, Span)>,
    /// Version string.
    pub version: Option<Str>,
    /// `root ".."`: the folder the pack may import from, relative to the entry file's.
    pub root: Option<Str>,
}

/// `一 总体情况 = "总体情况" | "…"`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionEntry {
    /// The number as written (一).
    pub number: Name,
    /// The name used in rules.
    pub name: Name,
    /// Accepted titles; the first is the standard one.
    pub titles: Vec<Str>,
}

/// `table NAME { … }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableDecl {
    /// Table name.
    pub name: Name,
    /// `in section X`.
    pub section: Option<Name>,
    /// `anchor "…"` row labels.
    pub anchors: Vec<Str>,
    /// Declared columns.
    pub columns: Vec<Entry>,
    /// Declared rows (tree of groups).
    pub rows: Vec<RowItem>,
    /// Declared value sequence (for tables read as one sequence, like table 4).
    pub values: Vec<Entry>,
    /// Where the declaration is.
    pub span: Span,
}

/// `name = "alias" | "alias"`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The name used in rules.
    pub name: Name,
    /// Labels that identify it in reports.
    pub aliases: Vec<Str>,
}

/// A row or a named group of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowItem {
    /// A row.
    Row(Entry),
    /// A group.
    Group {
        /// Group name.
        name: Name,
        /// Members.
        items: Vec<RowItem>,
    },
}

/// A rule's `localise` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Localise {
    /// The table whose identities this rule states; `None` for the reporting rule.
    pub table: Option<Name>,
    /// Where the field is.
    pub span: Span,
}

/// `rule CODE name { … }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDecl {
    /// Stable code.
    pub code: Name,
    /// Kebab-case name.
    pub name: Name,
    /// `///` lines before the rule.
    pub doc_comments: Vec<String>,
    /// Severity, if given.
    pub severity: Option<(crate::diagnostic::Severity, Span)>,
    /// `severity X if cond`: severities that apply where their condition holds.
    pub severity_overrides: Vec<(crate::diagnostic::Severity, Expr, String)>,
    /// Legal basis.
    pub basis: Option<Str>,
    /// Message template.
    pub message: Option<Str>,
    /// Help text.
    pub help: Option<Str>,
    /// Doc block.
    pub doc: Option<Str>,
    /// `localise 表三` (an identity of that table) or bare `localise` (the reporting rule).
    pub localise: Option<Localise>,
    /// Body.
    pub body: Vec<Stmt>,
    /// `years 2023..`: report years the rule applies to (first, last if bounded).
    pub years: Option<(i32, Option<i32>, Span)>,
    /// Where the rule header is (`rule CODE name`).
    pub span: Span,
}

/// A statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `for x in list { … }`
    For {
        /// Loop variable.
        var: Name,
        /// What to loop over.
        iter: Expr,
        /// Body.
        body: Vec<Stmt>,
    },
    /// `if cond { … } else { … }`
    If {
        /// Condition.
        cond: Expr,
        /// Body.
        body: Vec<Stmt>,
        /// `else` body (an `else if` is one `If` here); empty without `else`.
        otherwise: Vec<Stmt>,
    },
    /// `let x = e`
    Let {
        /// Name bound.
        var: Name,
        /// Value.
        value: Expr,
    },
    /// `expect cond within tol at place`
    Expect {
        /// The requirement.
        cond: Expr,
        /// Tolerance for `==` on amounts (an expression: `within 0.05 * total`).
        within: Option<Expr>,
        /// Where to point when it fails.
        at: Option<Expr>,
        /// Where the statement is.
        span: Span,
    },
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// What kind.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Or => "or",
            Self::And => "and",
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
        }
    }

    /// Whether it compares two values.
    #[must_use]
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            Self::Eq | Self::Ne | Self::Lt | Self::Le | Self::Gt | Self::Ge
        )
    }
}

/// Index argument: an expression or a `a..b` range of names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexArg {
    /// An expression.
    Expr(Expr),
    /// `from..to`
    Range(Name, Name),
}

/// Kinds of expressions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// A decimal number.
    Number(rust_decimal::Decimal),
    /// A string.
    Str(String),
    /// A regex (source text).
    Regex(String),
    /// `true` / `false`.
    Bool(bool),
    /// `none`.
    None,
    /// A name.
    Name(String),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `f(a, b)`
    Call(Name, Vec<Expr>),
    /// `e.name`
    Field(Box<Expr>, Name),
    /// `t[a, b]`
    Index(Box<Expr>, Vec<IndexArg>),
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
}
