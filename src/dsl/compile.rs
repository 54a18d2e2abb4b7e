//! Step 3: AST → [`Pack`].
//!
//! Resolves imports, names (sections, tables, rows, groups, columns, variables, builtins and
//! fields), checks builtin argument counts, compiles regexes and message templates, and
//! rejects duplicate codes. It collects as many errors as it can instead of stopping at the
//! first, and suggests the closest name for every unknown one.

use super::ast::{self, IndexArg, RowItem};
use super::builtins::Builtin;
use super::error::{RuleError, RuleFileId, backticked, unknown};
use super::parser;
use super::program::{
    ColSel, CompiledRule, Expr, ExprKind, GroupDef, LocaliseRole, Named, Pack, RuleFiles,
    SectionDef, Special, Stmt, TableDef, Template, TemplatePart,
};
use crate::diagnostic::Severity;
use crate::document::normalize::{chinese_number, label_key};
use crate::source::{Source, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// Imports one file may pull in, transitively; a guard against import cycles and fan-out.
const MAX_FILES: usize = 64;

/// Fields that may follow `.` in expressions.
pub const FIELDS: &[&str] = &[
    "columns", "rows", "values", "start", "end", "year", "present", "standard", "known", "heading",
    "number", "text", "count", "found",
];

/// Compiles a pack from its entry file. `load` maps an import path (relative to the importing
/// file, already joined) to its text, or to why it cannot be read (`larger than 4 MiB`).
///
/// # Errors
/// Every error found, in every file; with the files so they can be rendered.
pub fn compile(
    entry: &str,
    load: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Pack, (Vec<RuleError>, RuleFiles)> {
    let mut files = RuleFiles::default();
    let mut errors = Vec::new();
    let mut parsed: Vec<(RuleFileId, ast::File)> = Vec::new();
    let mut seen: HashMap<String, RuleFileId> = HashMap::new();
    let mut queue: Vec<(String, Option<(RuleFileId, Span)>)> = vec![(entry.to_owned(), None)];
    while let Some((path, from)) = queue.pop() {
        if seen.contains_key(&path) {
            continue;
        }
        if seen.len() >= MAX_FILES {
            if let Some((file, span)) = from {
                errors.push(RuleError::new(
                    file,
                    span,
                    format!("more than {MAX_FILES} rule files imported"),
                ));
            }
            break;
        }
        let text = match load(&path) {
            Ok(text) => text,
            Err(why) => {
                match from {
                    Some((file, span)) => errors.push(RuleError::new(
                        file,
                        span,
                        format!("cannot read imported rule file `{path}`: {why}"),
                    )),
                    None => {
                        files.sources.push(Source::from_text(path.clone(), ""));
                        errors.push(RuleError::new(
                            files.sources.len() - 1,
                            Span::default(),
                            format!("cannot read rule file `{path}`: {why}"),
                        ));
                    }
                }
                continue;
            }
        };
        let id = files.sources.len();
        files.sources.push(Source::from_text(path.clone(), text));
        seen.insert(path.clone(), id);
        match parser::parse_all(id, &files.sources[id].text) {
            Ok(file) => {
                for import in &file.imports {
                    queue.push((join(&path, &import.text), Some((id, import.span))));
                }
                parsed.push((id, file));
            }
            Err(found) => errors.extend(found),
        }
    }
    // Imports first, so the entry file's definitions come last and can use theirs.
    parsed.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
    let mut compiler = Compiler {
        errors,
        ..Compiler::default()
    };
    let pack = compiler.pack(&parsed);
    if compiler.errors.is_empty() {
        let mut pack = pack.expect("a pack is produced when there are no errors");
        // Types are checked once every name is resolved (`super::check`).
        if let Err(errors) = super::check::check(&pack) {
            return Err((errors, files));
        }
        pack.files = files;
        Ok(pack)
    } else {
        compiler.errors.sort_by_key(|e| (e.file, e.span));
        Err((compiler.errors, files))
    }
}

/// Joins an import path to the directory of the importing file.
fn join(from: &str, import: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    if import.starts_with('/') {
        // An absolute path stands alone (the loader decides what may be read).
        parts = vec![""];
    }
    for part in import.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[derive(Default)]
struct Compiler {
    errors: Vec<RuleError>,
    sections: Vec<SectionDef>,
    section_names: HashMap<String, usize>,
    tables: Vec<TableDef>,
    table_names: HashMap<String, usize>,
    rule_codes: HashMap<String, (RuleFileId, Span)>,
    /// The rule with a bare `localise` (the one that reports localisation), once seen.
    localise_reporter: Option<(String, RuleFileId, Span)>,
}

/// Variables in scope while compiling one rule.
struct Scope {
    names: Vec<(String, usize)>,
    slot_names: Vec<String>,
}

impl Scope {
    fn lookup(&self, name: &str) -> Option<usize> {
        self.names
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, s)| *s)
    }

    fn bind(&mut self, name: &str) -> usize {
        let slot = self.slot_names.len();
        self.slot_names.push(name.to_owned());
        self.names.push((name.to_owned(), slot));
        slot
    }
}

impl Compiler {
    fn pack(&mut self, files: &[(RuleFileId, ast::File)]) -> Option<Pack> {
        for (file, ast) in files {
            for entry in &ast.sections {
                self.section(*file, entry);
            }
        }
        for (file, ast) in files {
            for table in &ast.tables {
                self.table(*file, table);
            }
        }
        let mut rules = Vec::new();
        for (file, ast) in files {
            for rule in &ast.rules {
                if let Some(rule) = self.rule(*file, rule) {
                    rules.push(rule);
                }
            }
        }
        let entry = files.last().map(|(id, f)| (*id, f));
        let decl = entry.and_then(|(_, f)| f.pack.as_ref());
        let Some(decl) = decl else {
            if let Some((file, _)) = entry {
                self.errors.push(
                    RuleError::new(
                        file,
                        Span::default(),
                        "the entry rule file declares no `pack`",
                    )
                    .with_help("start the file with `pack NAME { title \"…\" years 2021.. }`"),
                );
            }
            return None;
        };
        rules.sort_by(|a, b| a.code.cmp(&b.code));
        Some(Pack {
            name: decl.name.text.clone(),
            title: decl
                .title
                .as_ref()
                .map_or_else(|| decl.name.text.clone(), |t| t.text.clone()),
            basis: decl.basis.as_ref().map(|b| b.text.clone()),
            years: decl.years.map_or((0, None), |(from, to, _)| (from, to)),
            version: decl
                .version
                .as_ref()
                .map_or_else(|| "0".to_owned(), |v| v.text.clone()),
            sections: std::mem::take(&mut self.sections),
            tables: std::mem::take(&mut self.tables),
            rules,
            files: RuleFiles::default(),
        })
    }

    fn section(&mut self, file: RuleFileId, entry: &ast::SectionEntry) {
        let Some(number) = chinese_number(&entry.number.text) else {
            self.errors.push(
                RuleError::new(
                    file,
                    entry.number.span,
                    format!("`{}` is not a section number", entry.number.text),
                )
                .with_help("write the number as in the report: 一, 二, … 六"),
            );
            return;
        };
        if self.section_names.contains_key(&entry.name.text) {
            self.errors.push(RuleError::new(
                file,
                entry.name.span,
                format!("section `{}` is declared twice", entry.name.text),
            ));
            return;
        }
        self.section_names
            .insert(entry.name.text.clone(), self.sections.len());
        self.section_names
            .entry(entry.number.text.clone())
            .or_insert(self.sections.len());
        self.sections.push(SectionDef {
            number,
            marker: entry.number.text.clone(),
            name: entry.name.text.clone(),
            titles: entry.titles.iter().map(|t| t.text.clone()).collect(),
            keys: entry.titles.iter().map(|t| label_key(&t.text)).collect(),
        });
    }

    fn table(&mut self, file: RuleFileId, decl: &ast::TableDecl) {
        if self.table_names.contains_key(&decl.name.text) {
            self.errors.push(RuleError::new(
                file,
                decl.name.span,
                format!("table `{}` is declared twice", decl.name.text),
            ));
            return;
        }
        let section = decl.section.as_ref().and_then(|name| {
            let found = self.section_names.get(&name.text).copied();
            if found.is_none() {
                let names: Vec<&str> = self.section_names.keys().map(String::as_str).collect();
                self.errors
                    .push(unknown(file, name.span, "section", &name.text, names));
            }
            found
        });
        let named = |entries: &[ast::Entry]| -> Vec<Named> {
            entries
                .iter()
                .map(|e| Named {
                    name: e.name.text.clone(),
                    aliases: e.aliases.iter().map(|a| a.text.clone()).collect(),
                    keys: e.aliases.iter().map(|a| label_key(&a.text)).collect(),
                })
                .collect()
        };
        let mut rows = Vec::new();
        let mut groups = Vec::new();
        flatten_rows(&decl.rows, &mut rows, &mut groups);
        let mut table = TableDef {
            name: decl.name.text.clone(),
            section,
            anchors: decl.anchors.iter().map(|a| label_key(&a.text)).collect(),
            columns: named(&decl.columns),
            rows: rows
                .iter()
                .map(|e| named(std::slice::from_ref(*e)).remove(0))
                .collect(),
            groups: Vec::new(),
            values: named(&decl.values),
        };
        table.groups = groups
            .into_iter()
            .map(|(name, members)| GroupDef {
                name,
                rows: members,
            })
            .collect();
        // Names must be unique within the table.
        let mut names: HashMap<&str, ()> = HashMap::new();
        let all = decl
            .columns
            .iter()
            .chain(decl.values.iter())
            .chain(rows.iter().copied())
            .map(|e| &e.name);
        for name in all {
            if names.insert(name.text.as_str(), ()).is_some() {
                self.errors.push(RuleError::new(
                    file,
                    name.span,
                    format!(
                        "`{}` is declared twice in table `{}`",
                        name.text, decl.name.text
                    ),
                ));
            }
        }
        self.table_names
            .insert(decl.name.text.clone(), self.tables.len());
        self.tables.push(table);
    }

    fn rule(&mut self, file: RuleFileId, decl: &ast::RuleDecl) -> Option<CompiledRule> {
        if let Some((first_file, first_span)) = self.rule_codes.get(&decl.code.text) {
            self.errors.push(
                RuleError::new(
                    file,
                    decl.code.span,
                    format!("rule code `{}` is used twice", decl.code.text),
                )
                .with_label(*first_file, *first_span, "first used here")
                .with_help("codes are stable identifiers: give the new rule an unused code"),
            );
            return None;
        }
        self.rule_codes
            .insert(decl.code.text.clone(), (file, decl.code.span));
        let errors_before = self.errors.len();
        // A missing severity or message does not stop the rule's body from being checked:
        // every error in the rule is reported at once.
        if decl.severity.is_none() {
            self.errors.push(
                RuleError::new(
                    file,
                    decl.span,
                    format!("rule `{}` has no severity", decl.code.text),
                )
                .with_help("add `severity error`, `severity warning` or `severity info`"),
            );
        }
        if decl.message.is_none() {
            self.errors.push(
                RuleError::new(
                    file,
                    decl.span,
                    format!("rule `{}` has no message", decl.code.text),
                )
                .with_help("add `message \"…\"` in the users' language"),
            );
        }
        let mut scope = Scope {
            names: Vec::new(),
            slot_names: Vec::new(),
        };
        let severity_overrides: Vec<(Severity, Expr, String)> = decl
            .severity_overrides
            .iter()
            .filter_map(|(level, cond, text)| {
                Some((*level, self.expr(file, cond, &scope)?, text.clone()))
            })
            .collect();
        let body = self.block(file, &decl.body, &mut scope);
        let localise = match &decl.localise {
            None => None,
            Some(ast::Localise { table: None, .. }) => Some(LocaliseRole::Report),
            Some(ast::Localise {
                table: Some(name), ..
            }) => match self.table_names.get(&name.text) {
                Some(&table) => Some(LocaliseRole::Identity { table }),
                None => {
                    let names: Vec<&str> = self.table_names.keys().map(String::as_str).collect();
                    let mut err = RuleError::new(
                        file,
                        name.span,
                        format!(
                            "`localise {}`: no table is declared with this name",
                            name.text
                        ),
                    );
                    if let Some(best) = super::error::suggest(&name.text, names.iter().copied()) {
                        err = err.with_help(format!("did you mean `{best}`?"));
                    }
                    self.errors.push(err);
                    None
                }
            },
        };
        // The reporting rule (bare `localise`) checks nothing itself: its findings come from
        // the identities of the other rules.
        let reports_localisation = localise == Some(LocaliseRole::Report);
        if let Some(field) = decl.localise.as_ref().filter(|_| reports_localisation) {
            if let Some((code, first_file, first_span)) = &self.localise_reporter {
                self.errors.push(
                    RuleError::new(
                        file,
                        field.span,
                        format!(
                            "rule `{}` reports localisation, but `{code}` already does",
                            decl.code.text
                        ),
                    )
                    .with_label(*first_file, *first_span, "reported here first")
                    .with_help("a pack has one reporting rule (bare `localise`); mark identity rules with `localise TABLE`"),
                );
            } else {
                self.localise_reporter = Some((decl.code.text.clone(), file, field.span));
            }
        }
        if !reports_localisation && !decl.body.iter().any(contains_expect) {
            self.errors.push(
                RuleError::new(
                    file,
                    decl.span,
                    format!("rule `{}` expects nothing", decl.code.text),
                )
                .with_help("add an `expect …` statement: it is what the rule checks"),
            );
        }
        let template = decl
            .message
            .as_ref()
            .map(|message| (message, self.template(file, message, &scope)));
        let (Some((severity, _)), Some((message, template))) = (decl.severity, template) else {
            return None;
        };
        if self.errors.len() > errors_before {
            return None;
        }
        let doc = decl.doc.as_ref().map(|d| dedent(&d.text));
        let summary = doc
            .as_deref()
            .and_then(|d| {
                d.lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty() && !l.starts_with('#'))
            })
            .or_else(|| decl.doc_comments.first().map(String::as_str))
            .unwrap_or(&message.text)
            .to_owned();
        Some(CompiledRule {
            code: decl.code.text.clone(),
            name: decl.name.text.clone(),
            severity,
            severity_overrides,
            basis: decl.basis.as_ref().map(|b| b.text.clone()),
            message: template,
            help: decl.help.as_ref().map(|h| h.text.clone()),
            doc,
            summary,
            localise,
            body,
            slots: scope.slot_names.len(),
            slot_names: scope.slot_names,
            file,
            span: decl.span,
        })
    }

    fn template(&mut self, file: RuleFileId, message: &ast::Str, scope: &Scope) -> Template {
        let mut parts = Vec::new();
        let text = &message.text;
        let mut rest = text.as_str();
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(TemplatePart::Text(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                self.errors.push(RuleError::new(
                    file,
                    message.span,
                    "unclosed `{` in message",
                ));
                break;
            };
            let hole = &rest[open + 1..open + close];
            // The string's span includes its opening quote; offsets inside are approximate
            // when escapes are used, which is fine for pointing at a hole.
            let start = message.span.start as usize + 1 + offset + open;
            let span = Span::new(start, start + close + 1);
            let slots: Vec<usize> = (0..scope.slot_names.len())
                .filter(|&i| scope.slot_names[i] == hole)
                .collect();
            if !slots.is_empty() {
                parts.push(TemplatePart::Slot(slots));
            } else if let Some((_, special)) = Special::ALL.iter().find(|(n, _)| *n == hole) {
                parts.push(TemplatePart::Special(*special));
            } else {
                let candidates: Vec<&str> = scope
                    .slot_names
                    .iter()
                    .map(String::as_str)
                    .chain(Special::ALL.iter().map(|(n, _)| *n))
                    .collect();
                self.errors
                    .push(unknown(file, span, "message value", hole, candidates));
            }
            offset += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Text(rest.to_owned()));
        }
        Template { parts }
    }

    fn block(&mut self, file: RuleFileId, stmts: &[ast::Stmt], scope: &mut Scope) -> Vec<Stmt> {
        let depth = scope.names.len();
        let out = stmts
            .iter()
            .filter_map(|s| self.stmt(file, s, scope))
            .collect();
        scope.names.truncate(depth);
        out
    }

    fn stmt(&mut self, file: RuleFileId, stmt: &ast::Stmt, scope: &mut Scope) -> Option<Stmt> {
        Some(match stmt {
            ast::Stmt::For { var, iter, body } => {
                let iter = self.expr(file, iter, scope);
                let depth = scope.names.len();
                let slot = scope.bind(&var.text);
                let body = self.block(file, body, scope);
                scope.names.truncate(depth);
                Stmt::For {
                    slot,
                    iter: iter?,
                    body,
                }
            }
            ast::Stmt::If { cond, body } => {
                let cond = self.expr(file, cond, scope);
                let body = self.block(file, body, scope);
                Stmt::If { cond: cond?, body }
            }
            ast::Stmt::Let { var, value } => {
                let value = self.expr(file, value, scope);
                // `let` of a name already in scope assigns it again (messages show the
                // latest value), rather than shadowing it.
                let slot = scope
                    .lookup(&var.text)
                    .unwrap_or_else(|| scope.bind(&var.text));
                Stmt::Let {
                    slot,
                    value: value?,
                }
            }
            ast::Stmt::Expect {
                cond, within, at, ..
            } => {
                let cond = self.expr(file, cond, scope);
                let at = at.as_ref().map(|a| self.expr(file, a, scope));
                Stmt::Expect {
                    cond: cond?,
                    within: within.map(|(w, _)| w),
                    at: match at {
                        Some(a) => Some(a?),
                        None => None,
                    },
                }
            }
        })
    }

    fn expr(&mut self, file: RuleFileId, expr: &ast::Expr, scope: &Scope) -> Option<Expr> {
        let span = expr.span;
        let kind = match &expr.kind {
            ast::ExprKind::Number(n) => ExprKind::Number(*n),
            ast::ExprKind::Str(s) => ExprKind::Str(s.clone()),
            ast::ExprKind::Regex(source) => {
                match regex::RegexBuilder::new(source).size_limit(1 << 20).build() {
                    Ok(re) => ExprKind::Regex(Arc::new(re)),
                    Err(e) => {
                        self.errors.push(
                            RuleError::new(file, span, "invalid regular expression").with_help(
                                e.to_string().lines().last().unwrap_or("").trim().to_owned(),
                            ),
                        );
                        return None;
                    }
                }
            }
            ast::ExprKind::Bool(b) => ExprKind::Bool(*b),
            ast::ExprKind::None => ExprKind::None,
            ast::ExprKind::Name(name) => return self.name(file, name, span, scope),
            ast::ExprKind::List(items) => ExprKind::List(self.exprs(file, items, scope)?),
            ast::ExprKind::Call(name, args) => {
                let Some(builtin) = Builtin::from_name(&name.text) else {
                    self.errors.push(unknown(
                        file,
                        name.span,
                        "function",
                        &name.text,
                        Builtin::ALL.iter().map(|b| b.name()),
                    ));
                    return None;
                };
                let (min, max) = builtin.arity();
                if args.len() < min || args.len() > max {
                    let wanted = if min == max {
                        format!("{min}")
                    } else {
                        format!("{min} to {max}")
                    };
                    self.errors.push(
                        RuleError::new(
                            file,
                            span,
                            format!(
                                "`{}` takes {wanted} argument{}, but {} {} given",
                                builtin.name(),
                                if max == 1 { "" } else { "s" },
                                args.len(),
                                if args.len() == 1 { "was" } else { "were" }
                            ),
                        )
                        .with_help(format!("usage: {}", builtin.signature())),
                    );
                    return None;
                }
                ExprKind::Call(builtin, self.exprs(file, args, scope)?)
            }
            ast::ExprKind::Field(base, field) => {
                let base = self.expr(file, base, scope);
                if !FIELDS.contains(&field.text.as_str()) {
                    self.errors.push(unknown(
                        file,
                        field.span,
                        "field",
                        &field.text,
                        FIELDS.iter().copied(),
                    ));
                    return None;
                }
                ExprKind::Field(Box::new(base?), field.text.clone())
            }
            ast::ExprKind::Index(base, args) => return self.index(file, base, args, span, scope),
            ast::ExprKind::Not(e) => ExprKind::Not(Box::new(self.expr(file, e, scope)?)),
            ast::ExprKind::Neg(e) => ExprKind::Neg(Box::new(self.expr(file, e, scope)?)),
            ast::ExprKind::Binary(op, a, b) => {
                let a = self.expr(file, a, scope);
                let b = self.expr(file, b, scope);
                ExprKind::Binary(*op, Box::new(a?), Box::new(b?))
            }
        };
        Some(Expr { kind, span })
    }

    fn exprs(&mut self, file: RuleFileId, items: &[ast::Expr], scope: &Scope) -> Option<Vec<Expr>> {
        let compiled: Vec<Option<Expr>> = items.iter().map(|e| self.expr(file, e, scope)).collect();
        compiled.into_iter().collect()
    }

    fn name(&mut self, file: RuleFileId, name: &str, span: Span, scope: &Scope) -> Option<Expr> {
        let kind = if let Some(slot) = scope.lookup(name) {
            ExprKind::Slot(slot)
        } else if name == "year" {
            ExprKind::Year
        } else if name == "sections" {
            ExprKind::Sections
        } else if let Some(&t) = self.table_names.get(name) {
            ExprKind::Table(t)
        } else if let Some(&s) = self.section_names.get(name) {
            ExprKind::Section(s)
        } else if let Some(kind) = self.member(file, name, span)? {
            kind
        } else {
            let candidates: Vec<&str> = scope
                .names
                .iter()
                .map(|(n, _)| n.as_str())
                .chain(["year", "sections"])
                .chain(self.table_names.keys().map(String::as_str))
                .chain(self.section_names.keys().map(String::as_str))
                .collect();
            self.errors
                .push(unknown(file, span, "name", name, candidates));
            return None;
        };
        Some(Expr { kind, span })
    }

    /// A bare row, group or column name, when exactly one table declares it.
    fn member(&mut self, file: RuleFileId, name: &str, span: Span) -> Option<Option<ExprKind>> {
        let mut found: Vec<(ExprKind, &str)> = Vec::new();
        for (t, def) in self.tables.iter().enumerate() {
            let columns = if def.values.is_empty() {
                &def.columns
            } else {
                &def.values
            };
            if let Some(c) = columns.iter().position(|c| c.name == name) {
                found.push((ExprKind::Column(t, c), &def.name));
            }
            if let Some(r) = def.rows.iter().position(|r| r.name == name) {
                found.push((ExprKind::Row(t, r), &def.name));
            }
            if let Some(g) = def.groups.iter().position(|g| g.name == name) {
                found.push((ExprKind::Group(t, g), &def.name));
            }
        }
        match found.len() {
            0 => Some(None),
            1 => Some(found.pop().map(|(kind, _)| kind)),
            _ => {
                let tables: Vec<&str> = found.iter().map(|(_, t)| *t).collect();
                self.errors.push(
                    RuleError::new(
                        file,
                        span,
                        format!(
                            "`{name}` is declared in several tables ({})",
                            backticked(&tables)
                        ),
                    )
                    .with_help(format!(
                        "use it inside an index, e.g. `{}[{name}, …]`",
                        tables[0]
                    )),
                );
                None
            }
        }
    }

    fn index(
        &mut self,
        file: RuleFileId,
        base: &ast::Expr,
        args: &[IndexArg],
        span: Span,
        scope: &Scope,
    ) -> Option<Expr> {
        let ast::ExprKind::Name(table_name) = &base.kind else {
            self.errors.push(
                RuleError::new(file, base.span, "only a declared table can be indexed")
                    .with_help("write `TABLE[row, column]`"),
            );
            return None;
        };
        let Some(&table) = self.table_names.get(table_name) else {
            let names: Vec<&str> = self.table_names.keys().map(String::as_str).collect();
            self.errors
                .push(unknown(file, base.span, "table", table_name, names));
            return None;
        };
        let def = self.tables[table].clone();
        let sequence = !def.values.is_empty();
        let expected = if sequence { 1 } else { 2 };
        if args.len() != expected {
            let shape = if sequence {
                "`TABLE[value]`"
            } else {
                "`TABLE[row, column]`"
            };
            self.errors.push(
                RuleError::new(
                    file,
                    span,
                    format!(
                        "table `{table_name}` takes {expected} index{}, but {} {} given",
                        if expected == 1 { "" } else { "es" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .with_help(format!("write {shape}")),
            );
            return None;
        }
        let columns = if sequence { &def.values } else { &def.columns };
        let col = self.column_arg(
            file,
            &def,
            columns,
            args.last().expect("checked length"),
            scope,
        )?;
        let row = if sequence {
            None
        } else {
            Some(Box::new(self.row_arg(file, &def, table, &args[0], scope)?))
        };
        Some(Expr {
            kind: ExprKind::Cell { table, row, col },
            span,
        })
    }

    fn column_arg(
        &mut self,
        file: RuleFileId,
        def: &TableDef,
        columns: &[Named],
        arg: &IndexArg,
        scope: &Scope,
    ) -> Option<ColSel> {
        let find = |this: &mut Self, name: &ast::Name| -> Option<usize> {
            let found = columns.iter().position(|c| c.name == name.text);
            if found.is_none() {
                // A misspelt loop variable is as likely as a misspelt column.
                let candidates = columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .chain(scope.names.iter().map(|(n, _)| n.as_str()));
                this.errors.push(unknown(
                    file,
                    name.span,
                    &format!("column of `{}`", def.name),
                    &name.text,
                    candidates,
                ));
            }
            found
        };
        match arg {
            IndexArg::Range(from, to) => {
                let (a, b) = (find(self, from), find(self, to));
                let (a, b) = (a?, b?);
                if a > b {
                    self.errors.push(
                        RuleError::new(file, from.span.cover(to.span), "the range runs backwards")
                            .with_help(format!("write `{}..{}`", to.text, from.text)),
                    );
                    return None;
                }
                Some(ColSel::Range(a, b))
            }
            IndexArg::Expr(e) => match &e.kind {
                ast::ExprKind::Name(n) if scope.lookup(n).is_none() => find(
                    self,
                    &ast::Name {
                        text: n.clone(),
                        span: e.span,
                    },
                )
                .map(ColSel::Column),
                _ => Some(ColSel::Expr(Box::new(self.expr(file, e, scope)?))),
            },
        }
    }

    fn row_arg(
        &mut self,
        file: RuleFileId,
        def: &TableDef,
        table: usize,
        arg: &IndexArg,
        scope: &Scope,
    ) -> Option<Expr> {
        let IndexArg::Expr(e) = arg else {
            self.errors.push(RuleError::new(
                file,
                Span::default(),
                "rows cannot be given as a range",
            ));
            return None;
        };
        if let ast::ExprKind::Name(n) = &e.kind
            && scope.lookup(n).is_none()
        {
            if let Some(r) = def.rows.iter().position(|r| &r.name == n) {
                return Some(Expr {
                    kind: ExprKind::Row(table, r),
                    span: e.span,
                });
            }
            if let Some(g) = def.groups.iter().position(|g| &g.name == n) {
                return Some(Expr {
                    kind: ExprKind::Group(table, g),
                    span: e.span,
                });
            }
            let candidates = def
                .rows
                .iter()
                .map(|r| r.name.as_str())
                .chain(def.groups.iter().map(|g| g.name.as_str()))
                .chain(scope.names.iter().map(|(n, _)| n.as_str()));
            self.errors.push(unknown(
                file,
                e.span,
                &format!("row of `{}`", def.name),
                n,
                candidates,
            ));
            return None;
        }
        self.expr(file, e, scope)
    }
}

/// Whether a statement (or one nested in it) is an `expect`.
fn contains_expect(stmt: &ast::Stmt) -> bool {
    match stmt {
        ast::Stmt::Expect { .. } => true,
        ast::Stmt::For { body, .. } | ast::Stmt::If { body, .. } => {
            body.iter().any(contains_expect)
        }
        ast::Stmt::Let { .. } => false,
    }
}

fn flatten_rows<'a>(
    items: &'a [RowItem],
    rows: &mut Vec<&'a ast::Entry>,
    groups: &mut Vec<(String, Vec<usize>)>,
) {
    for item in items {
        match item {
            RowItem::Row(entry) => rows.push(entry),
            RowItem::Group { name, items } => {
                let first = rows.len();
                flatten_rows(items, rows, groups);
                groups.push((name.text.clone(), (first..rows.len()).collect()));
            }
        }
    }
}

/// Removes the common indentation of a doc block.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}
