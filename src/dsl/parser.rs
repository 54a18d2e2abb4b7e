//! Step 2: rule text → [`File`].
//!
//! pest does the recognising (grammar in `grammar/rules.pest`); this module turns pairs into
//! the AST, applies operator precedence with a Pratt parser, and turns pest's errors into
//! [`RuleError`]s that name what was expected in words. pest types never leave this module.

use super::ast::{
    BinOp, Entry, Expr, ExprKind, File, IndexArg, Name, PackDecl, RowItem, RuleDecl, SectionEntry,
    Stmt, Str, TableDecl,
};
use super::error::{RuleError, RuleFileId};
use crate::diagnostic::Severity;
use crate::source::Span;
use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/rules.pest"]
struct RuleParser;

/// Deepest nesting of blocks and parentheses a rule file may use. Keeps evaluation and the
/// recursive AST builders far from the stack limit on hostile input.
pub const MAX_NESTING: usize = 32;

/// Deepest expression tree a rule may build: operators, prefixes, fields and brackets each add
/// a level. `1 + 1 + …` with 10 000 terms is a located error, not a stack overflow in the
/// compiler, the type checker or the engine (all of which recurse over the tree).
pub const MAX_EXPR_DEPTH: usize = 256;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::infix(Rule::eq_op, Assoc::Left)
            | Op::infix(Rule::ne_op, Assoc::Left)
            | Op::infix(Rule::lt_op, Assoc::Left)
            | Op::infix(Rule::le_op, Assoc::Left)
            | Op::infix(Rule::gt_op, Assoc::Left)
            | Op::infix(Rule::ge_op, Assoc::Left))
        .op(Op::infix(Rule::add_op, Assoc::Left) | Op::infix(Rule::sub_op, Assoc::Left))
        .op(Op::infix(Rule::mul_op, Assoc::Left) | Op::infix(Rule::div_op, Assoc::Left))
        .op(Op::prefix(Rule::not_op) | Op::prefix(Rule::neg_op))
});

/// Parses one rule file.
///
/// # Errors
/// The syntax error, pointing at the spot, with what was expected in words.
pub fn parse(file: RuleFileId, text: &str) -> Result<File, RuleError> {
    check_nesting(file, text)?;
    let mut pairs =
        RuleParser::parse(Rule::file, text).map_err(|e| syntax_error(file, text, &e))?;
    let root = pairs.next().expect("the file rule always yields one pair");
    let mut ast = File::default();
    let builder = Builder {
        file,
        depth: std::cell::Cell::new(0),
    };
    for pair in root.into_inner() {
        match pair.as_rule() {
            Rule::pack_decl => ast.pack = Some(builder.pack(pair)),
            Rule::import_decl => ast.imports.push(builder.string(inner1(pair))),
            Rule::import_builtin => ast.builtin_imports.push(builder.string(inner1(pair))),
            Rule::disable_decl => ast
                .disabled
                .extend(pair.into_inner().map(|p| builder.name(p))),
            Rule::override_decl => ast.overrides.push(builder.override_decl(pair)?),
            Rule::extend_decl => ast.extensions.push(builder.table(pair)),
            Rule::sections_decl => ast
                .sections
                .extend(pair.into_inner().map(|p| builder.section_entry(p))),
            Rule::table_decl => ast.tables.push(builder.table(pair)),
            Rule::rule_decl => ast.rules.push(builder.rule(pair)?),
            Rule::fn_decl => ast.functions.push(builder.function(pair)?),
            Rule::EOI => {}
            other => unreachable!("`file` only contains items, got {other:?}"),
        }
    }
    Ok(ast)
}

/// Whether a word is a keyword after which an operand comes, so that a `/` there opens a
/// regex rather than dividing. Shared by the nesting pre-scan and `regulint fmt`.
pub(crate) fn expects_operand_after(word: &str) -> bool {
    matches!(
        word,
        "and" | "or" | "not" | "in" | "expect" | "if" | "when" | "at" | "within" | "else"
    )
}

/// Parses one rule file and, when it has syntax errors, reports one per top-level item
/// instead of only the first: each item (a line starting with `rule`, `table`, `pack`,
/// `sections`, `import` or `///` at the start of a line) is parsed on its own.
///
/// # Errors
/// Every syntax error found, in file order.
pub fn parse_all(file: RuleFileId, text: &str) -> Result<File, Vec<RuleError>> {
    let first = match parse(file, text) {
        Ok(ast) => return Ok(ast),
        Err(error) => error,
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // Item starts, each moved up over the `///` doc lines directly above it.
    let mut starts: Vec<usize> = Vec::new();
    for (n, &i) in line_starts.iter().enumerate() {
        let line = &text[i..];
        if [
            "rule ",
            "table ",
            "pack ",
            "sections",
            "import ",
            "fn ",
            "disable ",
            "override ",
            "extend ",
        ]
        .iter()
        .any(|k| line.starts_with(k))
        {
            let mut first = n;
            while first > 0 && text[line_starts[first - 1]..].starts_with("///") {
                first -= 1;
            }
            starts.push(line_starts[first]);
        }
    }
    if starts.len() < 2 {
        return Err(vec![first]);
    }
    let mut errors = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        // Each item alone, its errors moved back to their place in the file: linear in the
        // file's size however many items it has.
        if let Err(mut error) = parse(file, &text[start..end]) {
            let shift =
                |span: Span| Span::new(span.start as usize + start, span.end as usize + start);
            error.span = shift(error.span);
            for label in &mut error.labels {
                label.1 = shift(label.1);
            }
            errors.push(error);
        }
    }
    if errors.is_empty() {
        errors.push(first);
    }
    errors.sort_by_key(|e| e.span);
    errors.dedup_by(|a, b| a.span == b.span);
    Err(errors)
}

/// Rejects brace and bracket nesting deeper than [`MAX_NESTING`] before pest recurses (pest's
/// descent into `{`, `(` and `[` is the one recursion that runs before the syntax tree is
/// built; everything else is limited while building it, by [`MAX_EXPR_DEPTH`]).
///
/// The scan reads tokens as the grammar does: brackets inside strings, `"""` doc blocks,
/// regexes and comments do not count. A `/` opens a regex where the grammar expects an operand
/// (after an operator, a bracket, a comma or a keyword such as `and`), as in the grammar; a
/// string or regex ends at the end of its line at the latest, as in the grammar, so one
/// misread token cannot hide the brackets of the lines after it.
fn check_nesting(file: RuleFileId, text: &str) -> Result<(), RuleError> {
    #[derive(PartialEq)]
    enum State {
        Code,
        Str,
        LongStr,
        Regex,
        Comment,
    }
    let mut state = State::Code;
    let mut depth = 0usize;
    // Whether the last token ends an operand (a name, number, string, regex, `)` or `]`):
    // then `/` divides, else it opens a regex.
    let mut after_operand = false;
    let mut word = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match state {
            State::Comment => {
                if c == '\n' {
                    state = State::Code;
                }
                continue;
            }
            State::LongStr => {
                if text[i..].starts_with("\"\"\"") {
                    chars.next();
                    chars.next();
                    state = State::Code;
                    after_operand = true;
                }
                continue;
            }
            State::Str | State::Regex => {
                let closer = if state == State::Str { '"' } else { '/' };
                if c == '\\' {
                    chars.next_if(|(_, n)| *n != '\n');
                } else if c == closer || c == '\n' {
                    state = State::Code;
                    after_operand = true;
                }
                continue;
            }
            State::Code => {}
        }
        if c.is_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
            after_operand = !super::parser::expects_operand_after(&word);
            continue;
        }
        word.clear();
        match c {
            '"' if text[i..].starts_with("\"\"\"") => {
                chars.next();
                chars.next();
                state = State::LongStr;
            }
            '"' => state = State::Str,
            '/' if text[i..].starts_with("//") => state = State::Comment,
            '/' if !after_operand => state = State::Regex,
            '{' | '(' | '[' => {
                depth += 1;
                after_operand = false;
                if depth > MAX_NESTING {
                    return Err(RuleError::new(
                        file,
                        Span::new(i, i + 1),
                        format!("nesting deeper than {MAX_NESTING} levels"),
                    )
                    .with_help("split the rule into several rules or use `let`"));
                }
            }
            '}' | ')' | ']' => {
                depth = depth.saturating_sub(1);
                after_operand = c != '}';
            }
            c if c.is_whitespace() => {}
            _ => after_operand = false,
        }
    }
    Ok(())
}

fn inner1(pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    pair.into_inner()
        .next()
        .expect("grammar guarantees one inner pair")
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// The span of a pair without the whitespace and comments pest takes after it.
fn trimmed_span(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.start() + s.as_str().trim_end().len())
}

struct Builder {
    file: RuleFileId,
    /// Height of the expression tree above the pair being built (see [`MAX_EXPR_DEPTH`]).
    depth: std::cell::Cell<usize>,
}

impl Builder {
    /// Builds `inner` `levels` deeper in the expression tree, or refuses past the limit.
    fn deeper<T>(
        &self,
        levels: usize,
        span: Span,
        inner: impl FnOnce() -> Result<T, RuleError>,
    ) -> Result<T, RuleError> {
        let depth = self.depth.get() + levels;
        if depth > MAX_EXPR_DEPTH {
            return Err(RuleError::new(
                self.file,
                span,
                format!("expression deeper than {MAX_EXPR_DEPTH} levels"),
            )
            .with_help("operators, `not`, `-`, fields and brackets each add a level: split the expression with `let`"));
        }
        self.depth.set(depth);
        let result = inner();
        self.depth.set(depth - levels);
        result
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_owned(),
            span: span_of(&pair),
        }
    }

    fn string(&self, pair: Pair<'_, Rule>) -> Str {
        let span = span_of(&pair);
        let raw = inner1(pair).as_str();
        Str {
            text: unescape(raw),
            span,
        }
    }

    fn aliases(&self, pair: Pair<'_, Rule>) -> Vec<Str> {
        pair.into_inner().map(|p| self.string(p)).collect()
    }

    fn pack(&self, pair: Pair<'_, Rule>) -> PackDecl {
        let mut inner = pair.into_inner();
        let mut pack = PackDecl {
            name: self.name(inner.next().expect("pack name")),
            title: None,
            basis: None,
            years: None,
            version: None,
            root: None,
        };
        for field in inner {
            let field = inner1(field);
            match field.as_rule() {
                Rule::title_field => pack.title = Some(self.string(inner1(field))),
                Rule::basis_field => pack.basis = Some(self.string(inner1(field))),
                Rule::version_field => pack.version = Some(self.string(inner1(field))),
                Rule::root_field => pack.root = Some(self.string(inner1(field))),
                Rule::years_field => {
                    let span = span_of(&field);
                    let mut years = field.into_inner().map(|p| p.as_str().parse().unwrap_or(0));
                    let from = years.next().unwrap_or(0);
                    pack.years = Some((from, years.next(), span));
                }
                other => unreachable!("pack_field alternatives only, got {other:?}"),
            }
        }
        pack
    }

    fn section_entry(&self, pair: Pair<'_, Rule>) -> SectionEntry {
        let mut inner = pair.into_inner();
        SectionEntry {
            number: self.name(inner.next().expect("section number")),
            name: self.name(inner.next().expect("section name")),
            titles: self.aliases(inner.next().expect("section titles")),
        }
    }

    fn entry(&self, pair: Pair<'_, Rule>) -> Entry {
        let mut inner = pair.into_inner();
        Entry {
            name: self.name(inner.next().expect("entry name")),
            aliases: self.aliases(inner.next().expect("entry aliases")),
        }
    }

    fn row_items(&self, pairs: pest::iterators::Pairs<'_, Rule>) -> Vec<RowItem> {
        pairs
            .map(|p| match p.as_rule() {
                Rule::entry => RowItem::Row(self.entry(p)),
                Rule::group => {
                    let mut inner = p.into_inner();
                    let name = self.name(inner.next().expect("group name"));
                    RowItem::Group {
                        name,
                        items: self.row_items(inner),
                    }
                }
                other => unreachable!("row items are entries or groups, got {other:?}"),
            })
            .collect()
    }

    fn table(&self, pair: Pair<'_, Rule>) -> TableDecl {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let mut table = TableDecl {
            name: self.name(inner.next().expect("table name")),
            section: None,
            anchors: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            values: Vec::new(),
            span,
        };
        for field in inner {
            match field.as_rule() {
                Rule::table_section => table.section = Some(self.name(inner1(field))),
                Rule::table_anchor => table.anchors.push(self.string(inner1(field))),
                Rule::columns_block => {
                    table
                        .columns
                        .extend(field.into_inner().map(|p| self.entry(p)));
                }
                Rule::values_block => {
                    table
                        .values
                        .extend(field.into_inner().map(|p| self.entry(p)));
                }
                Rule::rows_block => table.rows.extend(self.row_items(field.into_inner())),
                other => unreachable!("table fields only, got {other:?}"),
            }
        }
        table
    }

    fn rule(&self, pair: Pair<'_, Rule>) -> Result<RuleDecl, RuleError> {
        let mut doc_comments = Vec::new();
        let mut inner = pair.into_inner().peekable();
        while inner.peek().is_some_and(|p| p.as_rule() == Rule::doc_line) {
            let line = inner.next().expect("peeked");
            doc_comments.push(inner1(line).as_str().trim().to_owned());
        }
        let code = self.name(inner.next().expect("rule code"));
        let name = self.name(inner.next().expect("rule name"));
        let mut rule = RuleDecl {
            span: code.span.cover(name.span),
            code,
            name,
            doc_comments,
            severity: None,
            severity_overrides: Vec::new(),
            basis: None,
            message: None,
            help: None,
            doc: None,
            localise: None,
            body: Vec::new(),
            years: None,
        };
        for field in inner {
            let span = span_of(&field);
            let duplicate = |what: &str| {
                RuleError::new(
                    self.file,
                    span,
                    format!("`{what}` is given twice in this rule"),
                )
                .with_help("keep one")
            };
            match field.as_rule() {
                Rule::severity_field => {
                    let mut parts = field.into_inner();
                    let keyword = parts.next().expect("a severity");
                    // The field's own span runs on over the whitespace pest tried before the
                    // optional `if`: end it at the severity word.
                    let span = Span::new(span.start as usize, keyword.as_span().end());
                    let level = match keyword.as_str() {
                        "error" => Severity::Error,
                        "warning" => Severity::Warning,
                        _ => Severity::Info,
                    };
                    if let Some(cond) = parts.next() {
                        let text = cond.as_str().trim().to_owned();
                        rule.severity_overrides
                            .push((level, self.expr(cond)?, text));
                    } else if rule.severity.is_some() {
                        return Err(duplicate("severity"));
                    } else {
                        rule.severity = Some((level, span));
                    }
                }
                Rule::basis_field => rule.basis = Some(self.string(inner1(field))),
                Rule::message_field => {
                    if rule.message.is_some() {
                        return Err(duplicate("message"));
                    }
                    rule.message = Some(self.string(inner1(field)));
                }
                Rule::help_field => rule.help = Some(self.string(inner1(field))),
                Rule::rule_years => {
                    if rule.years.is_some() {
                        return Err(duplicate("years"));
                    }
                    let span = Span::new(
                        span.start as usize,
                        span.start as usize + field.as_str().trim_end().len(),
                    );
                    let mut years = field.into_inner().map(|p| p.as_str().parse().unwrap_or(0));
                    let from = years.next().unwrap_or(0);
                    rule.years = Some((from, years.next(), span));
                }
                Rule::doc_field => rule.doc = Some(self.string(inner1(field))),
                Rule::localise_field => {
                    if rule.localise.is_some() {
                        return Err(duplicate("localise"));
                    }
                    let table = field.into_inner().next().map(|t| self.name(t));
                    // The field's span runs on over the whitespace pest tried before the
                    // optional table name: end it at the last word.
                    let end = table
                        .as_ref()
                        .map_or(span.start as usize + "localise".len(), |t| {
                            t.span.end as usize
                        });
                    rule.localise = Some(super::ast::Localise {
                        table,
                        span: Span::new(span.start as usize, end),
                    });
                }
                _ => rule.body.push(self.statement(field)?),
            }
        }
        Ok(rule)
    }

    fn override_decl(&self, pair: Pair<'_, Rule>) -> Result<super::ast::Override, RuleError> {
        let mut inner = pair.into_inner();
        let mut decl = super::ast::Override {
            code: self.name(inner.next().expect("a code")),
            severity: None,
            help: None,
        };
        for field in inner {
            let span = span_of(&field);
            match field.as_rule() {
                Rule::severity_field => {
                    let mut parts = field.into_inner();
                    let keyword = parts.next().expect("a severity");
                    if parts.next().is_some() {
                        return Err(RuleError::new(
                            self.file,
                            span,
                            "an override sets one severity, without `when`",
                        ));
                    }
                    let level = match keyword.as_str() {
                        "error" => Severity::Error,
                        "warning" => Severity::Warning,
                        _ => Severity::Info,
                    };
                    decl.severity = Some((level, span_of(&keyword)));
                }
                _ => decl.help = Some(self.string(inner1(field))),
            }
        }
        Ok(decl)
    }

    fn function(&self, pair: Pair<'_, Rule>) -> Result<super::ast::FnDecl, RuleError> {
        // `///` lines document the function for readers of the rule file.
        let mut inner = pair
            .into_inner()
            .skip_while(|p| p.as_rule() == Rule::doc_line);
        let name = self.name(inner.next().expect("function name"));
        let mut params = Vec::new();
        let mut body = None;
        for part in inner {
            match part.as_rule() {
                Rule::ident => params.push(self.name(part)),
                _ => body = Some(self.expr(part)?),
            }
        }
        Ok(super::ast::FnDecl {
            name,
            params,
            body: body.expect("a function has a body"),
        })
    }

    fn block(&self, pair: Pair<'_, Rule>) -> Result<Vec<Stmt>, RuleError> {
        pair.into_inner().map(|p| self.statement(p)).collect()
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Result<Stmt, RuleError> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        Ok(match rule {
            Rule::for_stmt => Stmt::For {
                var: self.name(inner.next().expect("loop variable")),
                iter: self.expr(inner.next().expect("loop list"))?,
                body: self.block(inner.next().expect("loop body"))?,
            },
            Rule::if_stmt => Stmt::If {
                cond: self.expr(inner.next().expect("condition"))?,
                body: self.block(inner.next().expect("if body"))?,
                otherwise: match inner.next() {
                    None => Vec::new(),
                    Some(clause) => {
                        let branch = inner1(clause);
                        if branch.as_rule() == Rule::if_stmt {
                            vec![self.statement(branch)?]
                        } else {
                            self.block(branch)?
                        }
                    }
                },
            },
            Rule::let_stmt => Stmt::Let {
                var: self.name(inner.next().expect("let name")),
                value: self.expr(inner.next().expect("let value"))?,
            },
            Rule::expect_stmt => {
                let cond = self.expr(inner.next().expect("expectation"))?;
                let mut within = None;
                let mut at = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::within => within = Some(self.expr(inner1(part))?),
                        Rule::at => at = Some(self.expr(inner1(part))?),
                        other => unreachable!("expect clauses, got {other:?}"),
                    }
                }
                Stmt::Expect {
                    cond,
                    within,
                    at,
                    span,
                }
            }
            other => unreachable!("statements only, got {other:?}"),
        })
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr, RuleError> {
        // Operators and prefixes of this expression, counted before the Pratt parser recurses
        // over them (a chain of 10 000 `not` would overflow its stack).
        let operators = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() != Rule::postfix_expr)
            .count();
        let span = trimmed_span(&pair);
        self.deeper(operators + 1, span, || self.pratt(pair))
    }

    fn pratt(&self, pair: Pair<'_, Rule>) -> Result<Expr, RuleError> {
        PRATT
            .map_primary(|p| self.postfix_expr(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = span_of(&op).cover(rhs.span);
                let kind = match op.as_rule() {
                    Rule::not_op => ExprKind::Not(Box::new(rhs)),
                    _ => ExprKind::Neg(Box::new(rhs)),
                };
                Ok(Expr { kind, span })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let op = match op.as_rule() {
                    Rule::or_op => BinOp::Or,
                    Rule::and_op => BinOp::And,
                    Rule::eq_op => BinOp::Eq,
                    Rule::ne_op => BinOp::Ne,
                    Rule::lt_op => BinOp::Lt,
                    Rule::le_op => BinOp::Le,
                    Rule::gt_op => BinOp::Gt,
                    Rule::ge_op => BinOp::Ge,
                    Rule::add_op => BinOp::Add,
                    Rule::sub_op => BinOp::Sub,
                    Rule::mul_op => BinOp::Mul,
                    Rule::div_op => BinOp::Div,
                    other => unreachable!("infix operators only, got {other:?}"),
                };
                let span = lhs.span.cover(rhs.span);
                Ok(Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                })
            })
            .parse(pair.into_inner())
    }

    fn postfix_expr(&self, pair: Pair<'_, Rule>) -> Result<Expr, RuleError> {
        let postfixes = pair.clone().into_inner().count() - 1;
        let span = span_of(&pair);
        self.deeper(postfixes, span, || self.postfixes(pair))
    }

    fn postfixes(&self, pair: Pair<'_, Rule>) -> Result<Expr, RuleError> {
        let mut inner = pair.into_inner();
        let mut expr = self.primary(inner.next().expect("primary"))?;
        for postfix in inner {
            let span = expr.span.cover(span_of(&postfix));
            let kind = match postfix.as_rule() {
                Rule::field => ExprKind::Field(Box::new(expr), self.name(inner1(postfix))),
                Rule::index => {
                    let args = postfix
                        .into_inner()
                        .map(|arg| {
                            let arg = inner1(arg);
                            Ok(match arg.as_rule() {
                                Rule::range => {
                                    let mut ends = arg.into_inner();
                                    IndexArg::Range(
                                        self.name(ends.next().expect("range start")),
                                        self.name(ends.next().expect("range end")),
                                    )
                                }
                                _ => IndexArg::Expr(self.expr(arg)?),
                            })
                        })
                        .collect::<Result<_, RuleError>>()?;
                    ExprKind::Index(Box::new(expr), args)
                }
                other => unreachable!("postfix operators only, got {other:?}"),
            };
            expr = Expr { kind, span };
        }
        Ok(expr)
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Result<Expr, RuleError> {
        let span = span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::number => ExprKind::Number(
                Decimal::from_str(pair.as_str())
                    .map_err(|_| RuleError::new(self.file, span, "number is too large"))?,
            ),
            Rule::percent => ExprKind::Number(
                Decimal::from_str(pair.as_str().trim_end_matches('%'))
                    .map_err(|_| RuleError::new(self.file, span, "number is too large"))?
                    / Decimal::ONE_HUNDRED,
            ),
            Rule::string => ExprKind::Str(unescape(inner1(pair).as_str())),
            Rule::regex => {
                let source = inner1(pair).as_str().replace("\\/", "/");
                ExprKind::Regex(source)
            }
            Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
            Rule::none => ExprKind::None,
            Rule::ident => ExprKind::Name(pair.as_str().to_owned()),
            Rule::list => ExprKind::List(
                pair.into_inner()
                    .map(|p| self.expr(p))
                    .collect::<Result<_, _>>()?,
            ),
            Rule::call => {
                let mut inner = pair.into_inner();
                let name = self.name(inner.next().expect("function name"));
                let args = inner.map(|p| self.expr(p)).collect::<Result<_, _>>()?;
                ExprKind::Call(name, args)
            }
            Rule::expr => return self.expr(pair),
            other => unreachable!("primary expressions only, got {other:?}"),
        };
        Ok(Expr { kind, span })
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts a pest error into a [`RuleError`] naming what was expected in words.
fn syntax_error(file: RuleFileId, text: &str, error: &pest::error::Error<Rule>) -> RuleError {
    let start = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    // Point at the offending token (or the end of the file) rather than at nothing.
    let token_end = text[start..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || "{}()[],".contains(*c))
        .map_or(text.len(), |(i, _)| {
            start + i.max(text[start..].chars().next().map_or(0, char::len_utf8))
        });
    let span = Span::new(start, token_end.max(start));
    let found = if start >= text.len() {
        "the end of the file".to_owned()
    } else {
        format!("`{}`", &text[start..token_end.max(start)])
    };
    match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            // After an operand pest lists every operator and postfix; one phrase reads better.
            let operators = positives.iter().filter(|r| is_operator(**r)).count();
            let mut expected: Vec<&str> = positives
                .iter()
                .flat_map(|r| {
                    if operators > 1 && is_operator(*r) {
                        vec!["an operator"]
                    } else if *r == Rule::keyword {
                        // Statements look ahead for a keyword before their word: what was
                        // expected is one of those words.
                        vec!["`expect`", "`for`", "`if`", "`let`"]
                    } else {
                        vec![describe(*r)]
                    }
                })
                .collect();
            expected.sort_unstable();
            expected.dedup();
            let list = match expected.as_slice() {
                [] => "something else".to_owned(),
                [one] => (*one).to_owned(),
                [init @ .., last] => format!("{} or {last}", init.join(", ")),
            };
            let mut err = RuleError::new(file, span, format!("expected {list}, found {found}"));
            let word = &text[start..token_end.max(start)];
            // Inside a block a statement is expected; in the rule's body a field would be too.
            let in_block =
                positives.contains(&Rule::for_stmt) && !positives.contains(&Rule::message_field);
            if in_block && RULE_FIELDS.contains(&word) {
                err = err.with_help(format!(
                    "is a `}}` missing before `{word}`? `{word}` belongs to the rule, not to a `for` or `if` block"
                ));
            } else if start >= text.len() {
                err = err.with_help("a `}` or `)` may be missing");
            } else if let Some(help) = keyword_typo(word) {
                err = err.with_help(help);
            }
            err
        }
        pest::error::ErrorVariant::CustomError { message } => {
            RuleError::new(file, span, message.clone())
        }
    }
}

/// The fields of a rule, which cannot appear in a block.
const RULE_FIELDS: &[&str] = &["severity", "basis", "message", "help", "doc", "localise"];

/// Infix operators and postfixes, summarised as "an operator" when several are expected.
fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::or_op
            | Rule::and_op
            | Rule::eq_op
            | Rule::ne_op
            | Rule::le_op
            | Rule::ge_op
            | Rule::lt_op
            | Rule::gt_op
            | Rule::add_op
            | Rule::sub_op
            | Rule::mul_op
            | Rule::div_op
            | Rule::field
            | Rule::index
            | Rule::infix
            | Rule::postfix
    )
}

/// "did you mean `severity`?" for a misspelt keyword.
fn keyword_typo(word: &str) -> Option<String> {
    const KEYWORDS: &[&str] = &[
        "pack", "import", "sections", "table", "rule", "columns", "rows", "values", "group", "in",
        "section", "anchor", "severity", "basis", "message", "help", "doc", "title", "years",
        "version", "for", "if", "when", "let", "expect", "within", "error", "warning", "info",
        "localise", "else", "fn", "disable", "override", "builtin", "root", "extend",
    ];
    if word.is_empty() || KEYWORDS.contains(&word) {
        return None;
    }
    super::error::suggest(word, KEYWORDS.iter().copied())
        .filter(|best| strsim::damerau_levenshtein(word, best) <= 2)
        .map(|best| format!("did you mean `{best}`?"))
}

/// The user-facing name of every grammar rule. Exhaustive on purpose: adding a grammar rule
/// does not compile until it has a name people understand.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::WHITESPACE | Rule::COMMENT => "a space or comment",
        Rule::keyword => "a keyword",
        Rule::ident_char => "a letter or digit",
        Rule::item => {
            "`pack`, `import`, `sections`, `table`, `rule`, `fn`, `disable`, `override` or `extend`"
        }
        Rule::table_field => "`in section`, `anchor`, `columns`, `rows` or `values`",
        Rule::row_item => "a row entry or `group`",
        Rule::rule_field => {
            "`severity`, `basis`, `message`, `help`, `doc`, `localise` or a statement"
        }
        Rule::statement => "`for`, `if`, `let` or `expect`",
        Rule::prefix => "`not` or `-`",
        Rule::infix => "an operator",
        Rule::postfix => "`.` or `[`",
        Rule::primary => "a value",
        Rule::literal => "a literal",
        Rule::ident => "a name",
        Rule::code => "a rule code such as `T301`",
        Rule::rule_name => "a kebab-case rule name such as `table3-column-unbalanced`",
        Rule::number => "a number",
        Rule::string | Rule::string_inner => "a quoted string",
        Rule::long_string | Rule::long_inner => "a triple-quoted doc block",
        Rule::regex | Rule::regex_inner => "a regular expression `/…/`",
        Rule::doc_line | Rule::doc_text => "a `///` doc comment",
        Rule::file => "a rule file",
        Rule::pack_decl => "`pack`",
        Rule::pack_name => "a pack name such as `gov-2021`",
        Rule::pack_field => "`title`, `basis`, `years`, `version` or `root`",
        Rule::title_field => "`title`",
        Rule::basis_field => "`basis`",
        Rule::version_field => "`version`",
        Rule::years_field => "`years`",
        Rule::import_decl => "`import`",
        Rule::sections_decl => "`sections`",
        Rule::section_entry => "a section such as `一 总体情况 = \"总体情况\"`",
        Rule::alias_list => "a quoted label",
        Rule::table_decl => "`table`",
        Rule::table_section => "`in section`",
        Rule::table_anchor => "`anchor`",
        Rule::columns_block => "`columns`",
        Rule::rows_block => "`rows`",
        Rule::group => "`group`",
        Rule::values_block => "`values`",
        Rule::entry => "an entry such as `总计 = \"总计\"`",
        Rule::rule_decl => "`rule`",
        Rule::severity_field => "`severity`",
        Rule::severity => "`error`, `warning` or `info`",
        Rule::message_field => "`message`",
        Rule::help_field => "`help`",
        Rule::doc_field => "`doc`",
        Rule::localise_field => "`localise`",
        Rule::for_stmt => "`for`",
        Rule::if_stmt => "`if`",
        Rule::let_stmt => "`let`",
        Rule::expect_stmt => "`expect`",
        Rule::within => "`within`",
        Rule::at => "`at`",
        Rule::block => "a `{ … }` block",
        Rule::expr | Rule::postfix_expr => "an expression",
        Rule::not_op => "`not`",
        Rule::neg_op => "`-`",
        Rule::or_op => "`or`",
        Rule::and_op => "`and`",
        Rule::eq_op => "`==`",
        Rule::ne_op => "`!=`",
        Rule::le_op => "`<=`",
        Rule::ge_op => "`>=`",
        Rule::lt_op => "`<`",
        Rule::gt_op => "`>`",
        Rule::add_op => "`+`",
        Rule::sub_op => "`-`",
        Rule::mul_op => "`*`",
        Rule::div_op => "`/`",
        Rule::percent => "a percentage",
        Rule::else_clause => "`else`",
        Rule::rule_years => "`years`",
        Rule::fn_decl => "`fn`",
        Rule::import_builtin => "`import builtin`",
        Rule::disable_decl => "`disable`",
        Rule::override_decl => "`override`",
        Rule::extend_decl => "`extend table`",
        Rule::root_field => "`root`",
        Rule::field => "`.` and a field name",
        Rule::field_name => "a field name",
        Rule::index => "`[`",
        Rule::index_arg => "a row or column",
        Rule::range => "a range `a..b`",
        Rule::call => "a function call",
        Rule::call_name => "a function name",
        Rule::list => "a list `[…]`",
        Rule::boolean => "`true` or `false`",
        Rule::none => "`none`",
    }
}

/// Grammar rules that [`parses_as`] can test in isolation, by their name in the grammar.
const TESTABLE: &[(&str, Rule)] = &[
    ("file", Rule::file),
    ("item", Rule::item),
    ("ident", Rule::ident),
    ("keyword", Rule::keyword),
    ("code", Rule::code),
    ("rule_name", Rule::rule_name),
    ("number", Rule::number),
    ("string", Rule::string),
    ("long_string", Rule::long_string),
    ("regex", Rule::regex),
    ("doc_line", Rule::doc_line),
    ("pack_decl", Rule::pack_decl),
    ("pack_name", Rule::pack_name),
    ("pack_field", Rule::pack_field),
    ("title_field", Rule::title_field),
    ("basis_field", Rule::basis_field),
    ("version_field", Rule::version_field),
    ("years_field", Rule::years_field),
    ("import_decl", Rule::import_decl),
    ("sections_decl", Rule::sections_decl),
    ("section_entry", Rule::section_entry),
    ("alias_list", Rule::alias_list),
    ("table_decl", Rule::table_decl),
    ("table_section", Rule::table_section),
    ("table_anchor", Rule::table_anchor),
    ("columns_block", Rule::columns_block),
    ("rows_block", Rule::rows_block),
    ("group", Rule::group),
    ("values_block", Rule::values_block),
    ("entry", Rule::entry),
    ("rule_decl", Rule::rule_decl),
    ("severity_field", Rule::severity_field),
    ("severity", Rule::severity),
    ("message_field", Rule::message_field),
    ("help_field", Rule::help_field),
    ("doc_field", Rule::doc_field),
    ("localise_field", Rule::localise_field),
    ("statement", Rule::statement),
    ("for_stmt", Rule::for_stmt),
    ("if_stmt", Rule::if_stmt),
    ("let_stmt", Rule::let_stmt),
    ("expect_stmt", Rule::expect_stmt),
    ("within", Rule::within),
    ("at", Rule::at),
    ("block", Rule::block),
    ("else_clause", Rule::else_clause),
    ("rule_years", Rule::rule_years),
    ("fn_decl", Rule::fn_decl),
    ("import_builtin", Rule::import_builtin),
    ("disable_decl", Rule::disable_decl),
    ("override_decl", Rule::override_decl),
    ("extend_decl", Rule::extend_decl),
    ("percent", Rule::percent),
    ("expr", Rule::expr),
    ("postfix_expr", Rule::postfix_expr),
    ("field", Rule::field),
    ("field_name", Rule::field_name),
    ("index", Rule::index),
    ("index_arg", Rule::index_arg),
    ("range", Rule::range),
    ("call", Rule::call),
    ("call_name", Rule::call_name),
    ("list", Rule::list),
    ("boolean", Rule::boolean),
    ("none", Rule::none),
];

/// The grammar rules [`parses_as`] accepts.
#[doc(hidden)]
#[must_use]
pub fn testable_rules() -> Vec<&'static str> {
    TESTABLE.iter().map(|(name, _)| *name).collect()
}

/// Parses a single grammar rule against the whole input (for grammar tests).
///
/// # Errors
/// When `input` is not exactly one `rule`, or the rule is not exposed for tests.
#[doc(hidden)]
pub fn parses_as(rule_name: &str, input: &str) -> Result<(), String> {
    let Some(&(_, rule)) = TESTABLE.iter().find(|(name, _)| *name == rule_name) else {
        return Err(format!(
            "no grammar rule `{rule_name}` is exposed for tests"
        ));
    };
    let pairs = RuleParser::parse(rule, input).map_err(|e| e.to_string())?;
    // Silent rules (`item`, `statement`) yield their inner pairs;
    // the position reached is the end of the last pair.
    let end = pairs.last().map_or(0, |p| p.as_span().end());
    if end == input.len() {
        Ok(())
    } else {
        Err(format!("only {end} of {} bytes consumed", input.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of the grammar's `keyword` rule.
    const KEYWORDS: &[&str] = &[
        "pack", "import", "table", "rule", "columns", "rows", "values", "group", "info", "in",
        "section", "anchor", "severity", "basis", "message", "help", "doc", "title", "years",
        "version", "for", "if", "when", "let", "expect", "at", "within", "and", "or", "not",
        "true", "false", "none", "error", "warning", "localise", "else", "fn", "disable",
        "override", "builtin", "root", "extend",
    ];

    /// How many bytes of `text` the `keyword` rule matches, if it matches.
    fn keyword_length(text: &str) -> Option<usize> {
        RuleParser::parse(Rule::keyword, text)
            .ok()
            .map(|mut pairs| pairs.next().expect("one pair").as_str().len())
    }

    #[test]
    fn the_keyword_rule_matches_exactly_the_keywords() {
        for word in KEYWORDS {
            for after in ["", " ", "(", "\n", "{", "."] {
                assert_eq!(
                    keyword_length(&format!("{word}{after}")),
                    Some(word.len()),
                    "{word:?} + {after:?}"
                );
            }
            // A longer name is not a keyword.
            for after in ["x", "_", "/", "1", "增", "s"] {
                let name = format!("{word}{after}");
                if !KEYWORDS.contains(&name.as_str()) {
                    assert_eq!(keyword_length(&name), None, "{name}");
                }
            }
            // Nor is a prefix of one.
            for end in 1..word.len() {
                let prefix = &word[..end];
                if !KEYWORDS.contains(&prefix) {
                    assert_eq!(keyword_length(prefix), None, "{prefix}");
                    assert_eq!(keyword_length(&format!("{prefix} ")), None, "{prefix}");
                }
            }
        }
        for name in [
            "year", "sum", "c", "p", "text", "ro", "se", "no", "o", "Rows", "表三",
        ] {
            assert_eq!(keyword_length(name), None, "{name}");
        }
    }

    #[test]
    fn comments_are_skipped_and_doc_lines_kept() {
        let file = parse(
            0,
            "// a comment\n/// Documents T001.\nrule T001 x-y { // after the brace\n  severity info\n  message \"m\" }\n",
        )
        .unwrap();
        assert_eq!(file.rules.len(), 1);
        assert!(
            file.rules[0]
                .doc_comments
                .iter()
                .any(|l| l.contains("Documents T001.")),
            "{:?}",
            file.rules[0].doc_comments
        );
    }
}
