//! Step 3½: the type checker, between compiling and evaluating (like cedar's validator).
//!
//! Every expression of every rule gets a [`Type`] from the contract in [`super::types`]; an
//! expression the engine could only answer with a type error (a field a value does not have,
//! arithmetic on text, a builtin given the wrong kind of argument, an unknown recogniser name)
//! is a compile error with a span and a fix. What the checker accepts never yields a type
//! error at run time; values may still be blank or missing, which is the report's business.
//!
//! Variables are typed flow-sensitively: a `let` may give a variable a value of the same type
//! again (or `none`), and inside `if present(x) { … }` (or `x != none`) a variable that may be
//! `none` is known not to be.

use super::ast::BinOp;
use super::error::{RuleError, RuleFileId, backticked, suggest, unknown};
use super::program::{ColSel, CompiledRule, Expr, ExprKind, Pack, Stmt};
use super::types::{PROBLEM_KINDS, Param, RECOGNISERS, Type, field_type, fields_of, signature};
use crate::dsl::builtins::Builtin;

/// Passes over a loop body until its variables' types settle; real rules settle in two.
const MAX_PASSES: usize = 4;

/// Loop bodies checked in one rule, at most: nested loops that reassign outer variables
/// multiply their passes.
const MAX_WALKS: usize = 10_000;

/// Type-checks every rule of a compiled pack.
///
/// # Errors
/// Every type error, in file order.
pub fn check(pack: &Pack) -> Result<(), Vec<RuleError>> {
    let mut errors = Vec::new();
    for rule in &pack.rules {
        errors.extend(check_rule(pack, rule));
    }
    errors.sort_by_key(|e| (e.file, e.span));
    errors.dedup_by(|a, b| a.file == b.file && a.span == b.span && a.message == b.message);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The type errors of a function body on its own (its parameters may be anything): mistakes
/// that do not depend on the arguments, reported where the function is defined.
#[must_use]
pub fn check_function_body(pack: &Pack, file: RuleFileId, body: &Expr) -> Vec<RuleError> {
    let mut checker = Checker {
        pack,
        file,
        slots: Vec::new(),
        poisoned: Vec::new(),
        walks: 0,
        too_intricate: false,
        names: &[],
        errors: Vec::new(),
    };
    checker.expr(body);
    checker.errors
}

/// The type errors of one rule.
#[must_use]
pub fn check_rule(pack: &Pack, rule: &CompiledRule) -> Vec<RuleError> {
    let mut checker = Checker {
        pack,
        file: rule.file,
        slots: vec![None; rule.slots],
        poisoned: vec![false; rule.slots],
        walks: 0,
        too_intricate: false,
        names: &rule.slot_names,
        errors: Vec::new(),
    };
    for (_, cond, _) in &rule.severity_overrides {
        checker.condition(cond);
    }
    checker.block(&rule.body);
    checker.errors
}

struct Checker<'a> {
    pack: &'a Pack,
    file: RuleFileId,
    /// The type each variable holds at this point of the walk (`None`: not yet assigned).
    slots: Vec<Option<Type>>,
    /// Variables whose value had a type error: their uses are not checked again (one error,
    /// not a cascade).
    poisoned: Vec<bool>,
    /// Loop bodies checked so far (bounded by [`MAX_WALKS`]).
    walks: usize,
    too_intricate: bool,
    names: &'a [String],
    errors: Vec<RuleError>,
}

impl Checker<'_> {
    fn describe(&self, t: &Type) -> String {
        t.describe(self.pack)
    }

    fn error(&mut self, expr: &Expr, message: String, help: impl Into<String>) {
        self.errors
            .push(RuleError::new(self.file, expr.span, message).with_help(help));
    }

    fn block(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::For { slot, iter, body } => {
                let item = match self.expr(iter) {
                    Some(Type::List(item)) => Some(*item),
                    Some(Type::Optional(inner)) if matches!(*inner, Type::List(_)) => {
                        let Type::List(item) = *inner else {
                            unreachable!("matched a list")
                        };
                        Some(*item)
                    }
                    Some(Type::None) => Some(Type::Nothing),
                    Some(Type::Parameter) => Some(Type::Parameter),
                    Some(other) => {
                        let got = self.describe(&other);
                        self.error(
                            iter,
                            format!("`for` needs a list, but this is {got}"),
                            "loop over a list: `表三.columns`, `sections`, `find(…)`, `[a, b]`",
                        );
                        None
                    }
                    None => None,
                };
                let before = self.slots.clone();
                self.poisoned[*slot] = item.is_none();
                // A body that assigns a variable of the enclosing code runs again with what the
                // previous pass left there: check it until the types settle. A list that
                // contains itself (`let l = [l, l]`) never settles, and would double on every
                // pass at run time.
                let passes = if assigns_before(body, *slot) {
                    MAX_PASSES
                } else {
                    1
                };
                let mut previous: Option<Vec<Option<Type>>> = None;
                for pass in 1..=passes {
                    self.walks += 1;
                    if self.walks > MAX_WALKS {
                        if !self.too_intricate {
                            self.too_intricate = true;
                            self.error(
                                iter,
                                format!("loops nested too deeply to check (more than {MAX_WALKS} passes)"),
                                "split the rule into several rules",
                            );
                        }
                        break;
                    }
                    self.slots[*slot] = item.clone();
                    self.block(body);
                    if previous.as_ref() == Some(&self.slots) {
                        break;
                    }
                    if pass == passes && passes > 1 {
                        let grown: Vec<usize> = (0..*slot)
                            .filter(|&s| previous.as_ref().is_some_and(|p| p[s] != self.slots[s]))
                            .collect();
                        for s in grown {
                            let name = self.names[s].clone();
                            self.error(
                                iter,
                                format!("`{name}` holds a larger value on every pass of this loop"),
                                format!("`{name}` contains itself: build the list from the loop's items instead"),
                            );
                            self.poisoned[s] = true;
                        }
                    }
                    previous = Some(self.slots.clone());
                }
                self.merge(&before, iter);
            }
            Stmt::If {
                cond,
                body,
                otherwise,
            } => {
                self.condition(cond);
                let before = self.slots.clone();
                for slot in present_slots(cond) {
                    if let Some(t) = &self.slots[slot] {
                        self.slots[slot] = Some(t.required().clone());
                    }
                }
                self.block(body);
                let after_body = std::mem::replace(&mut self.slots, before.clone());
                self.block(otherwise);
                // Either branch may have run, or neither (an unknown condition).
                self.merge(&after_body, cond);
                self.merge(&before, cond);
            }
            Stmt::Let { slot, value } => {
                let Some(new) = self.expr(value) else {
                    self.poisoned[*slot] = true;
                    return;
                };
                let joined = match &self.slots[*slot] {
                    None => Some(new.clone()),
                    Some(old) => old.join(&new),
                };
                match joined {
                    Some(t) => self.slots[*slot] = Some(t),
                    None => {
                        let old = self.slots[*slot].clone().expect("joined only fails on two");
                        let name = &self.names[*slot];
                        let message = format!(
                            "`{name}` holds {} here; it cannot also hold {}",
                            self.describe(&old),
                            self.describe(&new)
                        );
                        self.error(value, message, "give the new value another name");
                        self.poisoned[*slot] = true;
                    }
                }
            }
            Stmt::Expect { cond, at, within } => {
                self.condition(cond);
                if let Some(within) = within
                    && let Some(t) = self.expr(within)
                    && t != Type::Number
                {
                    let got = self.describe(&t);
                    self.error(
                        within,
                        format!("a tolerance must be a number, but this is {got}"),
                        "write `within 0.01` or `within 5% * total`",
                    );
                }
                if let Some(at) = at {
                    self.expr(at);
                }
            }
        }
    }

    /// After a block that may not run: each variable holds either what it held before or
    /// what the block left in it.
    /// A variable given different kinds of value on different paths is an error (at `at`,
    /// the statement whose paths part).
    fn merge(&mut self, before: &[Option<Type>], at: &Expr) {
        for (slot, old) in before.iter().enumerate() {
            let after = self.slots[slot].take();
            self.slots[slot] = match (old, after) {
                (Some(a), Some(b)) => match a.join(&b) {
                    Some(joined) => Some(joined),
                    None => {
                        if !self.poisoned[slot] {
                            let message = format!(
                                "`{}` holds {} on one path and {} on another",
                                self.names[slot],
                                self.describe(a),
                                self.describe(&b)
                            );
                            self.error(at, message, "give each kind of value its own name");
                            self.poisoned[slot] = true;
                        }
                        Some(b)
                    }
                },
                (None, after) => after,
                (old, None) => old.clone(),
            };
        }
    }

    /// A condition: a truth value, possibly `none` (which counts as false).
    fn condition(&mut self, expr: &Expr) {
        let Some(t) = self.expr(expr) else {
            return;
        };
        if !matches!(t.required(), Type::Bool | Type::Parameter) && t != Type::None {
            let got = self.describe(&t);
            let help = match t.required() {
                Type::Number => "compare it, e.g. `… > 0`",
                Type::List(_) => "test it, e.g. `count(…) > 0`",
                _ => "test it, e.g. `present(…)`",
            };
            self.error(
                expr,
                format!("a condition must be a truth value, but this is {got}"),
                help,
            );
        }
    }

    /// The type of an expression; `None` when an error was reported inside it.
    fn expr(&mut self, expr: &Expr) -> Option<Type> {
        Some(match &expr.kind {
            ExprKind::Number(_) | ExprKind::Year => Type::Number,
            ExprKind::Str(_) => Type::Str,
            ExprKind::Regex(_) => Type::Regex,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::None => Type::None,
            // A variable read before any assignment is read in a message or after a loop
            // that did not run: it is `none`.
            // A parameter of a function checked on its own.
            ExprKind::Slot(s) if *s >= self.slots.len() => Type::Parameter,
            ExprKind::Slot(s) if self.poisoned[*s] => return None,
            ExprKind::Slot(s) => self.slots[*s].clone().unwrap_or(Type::None),
            ExprKind::Table(t) => Type::Table(*t),
            ExprKind::Sections => Type::list(Type::Section),
            ExprKind::Section(_) => Type::Section,
            ExprKind::Column(t, _) => Type::Column(*t),
            ExprKind::Row(t, _) => Type::Row(*t),
            ExprKind::Group(t, _) => Type::Group(*t),
            ExprKind::Cell { table, row, col } => return self.cell(*table, row.as_deref(), col),
            ExprKind::Call(builtin, args) => return self.call(*builtin, args),
            // Another report's table, section, year or cell: the same type as in this one (a
            // rule reading it runs only when that report is there).
            ExprKind::InReport(_, inner) => return self.expr(inner),
            ExprKind::Field(base, field) => {
                let base_type = self.expr(base)?;
                match field_type(&base_type, field) {
                    Some(t) => t,
                    None => {
                        let what = self.describe(base_type.required());
                        let fields = fields_of(&base_type);
                        let help = match suggest(field, fields.iter().copied()) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None if fields.is_empty() => {
                                format!("{what} has no fields")
                            }
                            None => format!("its fields are {}", backticked(&fields)),
                        };
                        self.error(expr, format!("{what} has no field `{field}`"), help);
                        return None;
                    }
                }
            }
            ExprKind::List(items) => {
                let mut item = Type::Nothing;
                for e in items {
                    let t = self.expr(e)?;
                    item = item.join(&t).unwrap_or(Type::Mixed);
                }
                Type::list(item)
            }
            ExprKind::Not(inner) => {
                self.condition(inner);
                Type::Bool
            }
            ExprKind::Neg(inner) => {
                let t = self.expr(inner)?;
                if !matches!(t.required(), Type::Number | Type::Parameter) {
                    let got = self.describe(&t);
                    self.error(
                        inner,
                        format!("`-` needs a number, but this is {got}"),
                        "negate numbers only",
                    );
                    return None;
                }
                t
            }
            ExprKind::Binary(BinOp::And | BinOp::Or, a, b) => {
                self.condition(a);
                self.condition(b);
                Type::Bool
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => {
                let (ta, tb) = (self.expr(a), self.expr(b));
                let (ta, tb) = (ta?, tb?);
                if !comparable(*op, &ta, &tb) {
                    let message = format!(
                        "cannot compare {} with {} using `{}`",
                        self.describe(&ta),
                        self.describe(&tb),
                        op.symbol()
                    );
                    self.error(
                        expr,
                        message,
                        "compare numbers with numbers, dates with dates, text with text",
                    );
                    return None;
                }
                Type::Bool
            }
            ExprKind::Binary(op, a, b) => {
                let (ta, tb) = (self.expr(a), self.expr(b));
                let (ta, tb) = (ta?, tb?);
                let mut ok = true;
                for (side, t, which) in [(a, &ta, "left"), (b, &tb, "right")] {
                    if matches!(t, Type::Number | Type::Parameter) {
                        continue;
                    }
                    ok = false;
                    let got = self.describe(t);
                    let help = if matches!(t.required(), Type::Number) {
                        "it may be `none`: test it first, `if present(x) { … }`".to_owned()
                    } else {
                        format!("`{}` works on numbers only", op.symbol())
                    };
                    self.error(
                        side,
                        format!(
                            "the {which} side of `{}` is {got}, not a number",
                            op.symbol()
                        ),
                        help,
                    );
                }
                if !ok {
                    return None;
                }
                if let (Some(x), Some(y)) = (constant(a), constant(b))
                    && fold(*op, x, y).is_none()
                {
                    self.error(
                        expr,
                        format!(
                            "`{}` overflows: regulint computes with 28 digits",
                            op.symbol()
                        ),
                        "write a smaller constant",
                    );
                    return None;
                }
                Type::Number
            }
        })
    }

    fn cell(&mut self, table: usize, row: Option<&Expr>, col: &ColSel) -> Option<Type> {
        let mut several = matches!(col, ColSel::Range(..));
        if let ColSel::Expr(e) = col {
            let t = self.expr(e)?;
            if t != Type::Column(table) && t != Type::Parameter {
                let message = format!(
                    "the column of `{}[…]` is {}",
                    self.pack.tables[table].name,
                    self.describe(&t)
                );
                self.error(
                    e,
                    message,
                    format!(
                        "index with a column of this table, e.g. `for c in {}.columns`",
                        self.pack.tables[table].name
                    ),
                );
                return None;
            }
        }
        if let Some(row) = row {
            match self.expr(row)? {
                Type::Row(t) if t == table => {}
                Type::Group(t) if t == table => several = true,
                // A parameter may be a row or a group: the call decides.
                Type::Parameter => {}
                other => {
                    let message = format!(
                        "the row of `{}[…]` is {}",
                        self.pack.tables[table].name,
                        self.describe(&other)
                    );
                    self.error(
                        row,
                        message,
                        format!(
                            "index with a row of this table, e.g. `for r in {}.rows`",
                            self.pack.tables[table].name
                        ),
                    );
                    return None;
                }
            }
        }
        Some(if several {
            Type::list(Type::Number)
        } else {
            Type::Number
        })
    }

    fn call(&mut self, builtin: Builtin, args: &[Expr]) -> Option<Type> {
        let mut types = Vec::new();
        for a in args {
            types.push(self.expr(a));
        }
        let types: Vec<Type> = types.into_iter().collect::<Option<_>>()?;
        let (params, result) = signature(builtin, &types);
        for ((param, t), arg) in params.iter().zip(&types).zip(args) {
            if !param.accepts(t) {
                let got = self.describe(t);
                let help = if t.may_be_none() && param.accepts(t.required()) {
                    "it may be `none`: test it first, `if present(x) { … }`".to_owned()
                } else {
                    format!("usage: {}", builtin.signature())
                };
                self.error(
                    arg,
                    format!(
                        "`{}` expects {}, but this is {got}",
                        builtin.name(),
                        param.describe()
                    ),
                    help,
                );
                continue;
            }
            // Names must be written out, so they can be checked here.
            let names = match param {
                Param::Pattern if *t == Type::Str => Some(("recogniser", RECOGNISERS)),
                Param::ProblemKind if *t != Type::Parameter => {
                    Some(("reader problem kind", PROBLEM_KINDS))
                }
                _ => None,
            };
            if let Some((what, known)) = names {
                match &arg.kind {
                    ExprKind::Str(name) if known.contains(&name.as_str()) => {}
                    ExprKind::Str(name) => {
                        self.errors.push(unknown(
                            self.file,
                            arg.span,
                            what,
                            name,
                            known.iter().copied(),
                        ));
                    }
                    _ => {
                        self.error(
                            arg,
                            format!("the {what} must be written out as a string"),
                            format!("one of {}", backticked(known)),
                        );
                    }
                }
            }
        }
        // The result's type does not depend on the arguments being right: check on.
        Some(result)
    }
}

/// Whether `a op b` compares values the engine can compare (`none` compares with anything:
/// it equals only `none`).
fn comparable(op: BinOp, a: &Type, b: &Type) -> bool {
    if *a == Type::Parameter || *b == Type::Parameter {
        return true;
    }
    if *a == Type::None || *b == Type::None {
        return matches!(op, BinOp::Eq | BinOp::Ne);
    }
    let (a, b) = (a.required(), b.required());
    let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
    match (a, b) {
        (Type::Number, Type::Number) | (Type::Date, Type::Date) => true,
        (Type::Bool, Type::Bool)
        | (Type::Str, Type::Str)
        | (Type::Match, Type::Str)
        | (Type::Str, Type::Match)
        | (Type::Section, Type::Section)
        | (Type::Column(_), Type::Column(_))
        | (Type::Row(_), Type::Row(_)) => !ordered,
        _ => false,
    }
}

/// Variables a condition proves not `none` when it holds: `present(x)`, `x != none`, and
/// those of both sides of an `and`.
fn present_slots(cond: &Expr) -> Vec<usize> {
    match &cond.kind {
        ExprKind::Call(Builtin::Present, args) => match args.first().map(|a| &a.kind) {
            Some(ExprKind::Slot(s)) => vec![*s],
            _ => Vec::new(),
        },
        ExprKind::Binary(BinOp::Ne, a, b) => match (&a.kind, &b.kind) {
            (ExprKind::Slot(s), ExprKind::None) | (ExprKind::None, ExprKind::Slot(s)) => vec![*s],
            _ => Vec::new(),
        },
        ExprKind::Binary(BinOp::And, a, b) => {
            let mut slots = present_slots(a);
            slots.extend(present_slots(b));
            slots
        }
        _ => Vec::new(),
    }
}

/// The value of a constant number expression (literals, `-` and arithmetic on them); `None`
/// for anything else and for a constant that overflows (reported where it does).
fn constant(expr: &Expr) -> Option<rust_decimal::Decimal> {
    match &expr.kind {
        ExprKind::Number(n) => Some(*n),
        ExprKind::Neg(inner) => constant(inner).map(|n| -n),
        ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b) => {
            fold(*op, constant(a)?, constant(b)?)
        }
        _ => None,
    }
}

/// `x op y` on constants, `None` on overflow.
fn fold(
    op: BinOp,
    x: rust_decimal::Decimal,
    y: rust_decimal::Decimal,
) -> Option<rust_decimal::Decimal> {
    match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Div if y.is_zero() => None,
        BinOp::Div => x.checked_div(y),
        _ => None,
    }
}

/// Whether a loop body assigns (`let`) a variable declared before the loop's own variable
/// (slots are numbered in the order names are bound).
fn assigns_before(body: &[Stmt], loop_slot: usize) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Let { slot, .. } => *slot < loop_slot,
        Stmt::For { body, .. } | Stmt::If { body, .. } => assigns_before(body, loop_slot),
        Stmt::Expect { .. } => false,
    })
}
