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
    ColSel, CompiledRule, Expr, ExprKind, GroupDef, LocaliseRole, Named, Pack, Relation, RuleFiles,
    SectionDef, Special, Stmt, TableDef, Template, TemplatePart,
};
use crate::diagnostic::Severity;
use crate::document::normalize::{chinese_number, label_key};
use crate::source::{Source, Span};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// Imports one file may pull in, transitively; a guard against import cycles and fan-out
/// (a built-in pack is about 60 files, and a local pack may import one).
const MAX_FILES: usize = 256;

/// Paths of built-in rule files start with this (`builtin:gov-2021/pack.rules`); the loader
/// reads them from the embedded packs, never from disk.
pub const BUILTIN_PREFIX: &str = "builtin:";

/// The relation a bare name stands for (`previous`), unless a variable of that name hides it.
fn relation_of(expr: &ast::Expr, scope: &Scope) -> Option<Relation> {
    match &expr.kind {
        ast::ExprKind::Name(name) if scope.lookup(name).is_none() => Relation::from_name(name),
        _ => None,
    }
}

/// Fields that may follow `.` in expressions.
pub const FIELDS: &[&str] = &[
    "columns", "rows", "values", "start", "end", "year", "present", "standard", "known", "heading",
    "number", "text", "count", "found",
];

/// Rule texts parsed in this process, by their text: both built-in packs import the same
/// common rules, and parsing them (pest) was a third of `regulint lint`'s start-up. Only
/// texts that parse are kept; [`MAX_PARSED_BYTES`] bounds what is kept.
static PARSED: LazyLock<Mutex<ParsedFiles>> = LazyLock::new(Mutex::default);

/// Bytes of rule text kept, and the syntax tree of each text: set once parsed, or `None` if
/// it does not parse. A thread that needs a text another is parsing waits for that parse
/// (the compiling thread and [`crate::lint::prepare_builtin`]'s thread meet in the middle).
type ParsedFiles = (
    usize,
    HashMap<Arc<str>, Arc<OnceLock<Option<Arc<ast::File>>>>>,
);

/// Bytes of rule text whose syntax trees [`PARSED`] keeps (the built-in packs are ~85 KB).
const MAX_PARSED_BYTES: usize = 1 << 20;

/// [`parser::parse_all`], once per distinct text. The tree has no file ids in it (errors do,
/// and they are not kept), so one tree serves every pack that imports the file.
fn parse_once(id: RuleFileId, text: &str) -> Result<Arc<ast::File>, Vec<RuleError>> {
    let slot = {
        let mut cache = PARSED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(slot) = cache.1.get(text) {
            Some(Arc::clone(slot))
        } else if cache.0 + text.len() <= MAX_PARSED_BYTES {
            cache.0 += text.len();
            let slot = Arc::new(OnceLock::new());
            cache.1.insert(text.into(), Arc::clone(&slot));
            Some(slot)
        } else {
            None
        }
    };
    let mut failure = None;
    let parsed = slot.as_ref().and_then(|slot| {
        slot.get_or_init(|| match parser::parse_all(id, text) {
            Ok(file) => Some(Arc::new(file)),
            Err(errors) => {
                failure = Some(errors);
                None
            }
        })
        .clone()
    });
    match (parsed, failure) {
        (Some(file), _) => Ok(file),
        (None, Some(errors)) => Err(errors),
        // Not kept, or another thread found it does not parse: parse it here, so the errors
        // carry this file's id.
        (None, None) => parser::parse_all(id, text).map(Arc::new),
    }
}

/// Prepares a built-in rule text ahead of the compile that will import it: parses it into the
/// parse cache and makes its patterns ([`crate::dsl::regex::compile_trusted`]: parsed,
/// their required literals found, queued to be built ahead). Run on a spare thread
/// ([`crate::lint::prepare_builtin`]), so that compiling the pack finds both ready.
pub fn prepare_trusted(text: &str) {
    if let Ok(file) = parse_once(0, text) {
        for source in regex_sources(&file) {
            // An invalid pattern is reported by the compile, with its span.
            let _ = crate::dsl::regex::compile_trusted(source);
        }
    }
}

/// The regex literals of a parsed file (its rules' bodies and severity conditions, and its
/// functions), in the order they are written.
fn regex_sources(file: &ast::File) -> Vec<&str> {
    fn expr<'a>(e: &'a ast::Expr, out: &mut Vec<&'a str>) {
        match &e.kind {
            ast::ExprKind::Regex(source) => out.push(source),
            ast::ExprKind::List(items) | ast::ExprKind::Call(_, items) => {
                items.iter().for_each(|i| expr(i, out));
            }
            ast::ExprKind::Field(inner, _)
            | ast::ExprKind::Not(inner)
            | ast::ExprKind::Neg(inner) => expr(inner, out),
            ast::ExprKind::Index(inner, args) => {
                expr(inner, out);
                for arg in args {
                    if let IndexArg::Expr(e) = arg {
                        expr(e, out);
                    }
                }
            }
            ast::ExprKind::Binary(_, l, r) => {
                expr(l, out);
                expr(r, out);
            }
            ast::ExprKind::Number(_)
            | ast::ExprKind::Str(_)
            | ast::ExprKind::Bool(_)
            | ast::ExprKind::None
            | ast::ExprKind::Name(_) => {}
        }
    }
    fn stmts<'a>(body: &'a [ast::Stmt], out: &mut Vec<&'a str>) {
        for stmt in body {
            match stmt {
                ast::Stmt::For { iter, body, .. } => {
                    expr(iter, out);
                    stmts(body, out);
                }
                ast::Stmt::If {
                    cond,
                    body,
                    otherwise,
                } => {
                    expr(cond, out);
                    stmts(body, out);
                    stmts(otherwise, out);
                }
                ast::Stmt::Let { value, .. } => expr(value, out),
                ast::Stmt::Expect {
                    cond, within, at, ..
                } => {
                    expr(cond, out);
                    within.iter().chain(at).for_each(|e| expr(e, out));
                }
            }
        }
    }
    let mut out = Vec::new();
    for rule in &file.rules {
        for (_, condition, _) in &rule.severity_overrides {
            expr(condition, &mut out);
        }
        stmts(&rule.body, &mut out);
    }
    for function in &file.functions {
        expr(&function.body, &mut out);
    }
    out
}

/// Compiles a pack from its entry file. `load` maps an import path (relative to the importing
/// file, already joined) to its text, or to why it cannot be read (`larger than 4 MiB`).
///
/// # Errors
/// Every error found, in every file; with the files so they can be rendered.
pub fn compile(
    entry: &str,
    load: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Pack, (Vec<RuleError>, RuleFiles)> {
    compile_with(entry, load, false)
}

/// [`compile`] for rule files whose patterns are known to build (the built-in packs): their
/// automata are built on first use ([`crate::dsl::regex::compile_trusted`]).
///
/// # Errors
/// Every error found, in every file; with the files so they can be rendered.
pub fn compile_trusted(
    entry: &str,
    load: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Pack, (Vec<RuleError>, RuleFiles)> {
    compile_with(entry, load, true)
}

fn compile_with(
    entry: &str,
    load: &dyn Fn(&str) -> Result<String, String>,
    trusted_patterns: bool,
) -> Result<Pack, (Vec<RuleError>, RuleFiles)> {
    let mut files = RuleFiles::default();
    let mut errors = Vec::new();
    let mut parsed: Vec<(RuleFileId, Arc<ast::File>)> = Vec::new();
    let mut seen: HashMap<String, RuleFileId> = HashMap::new();
    let mut queue: Vec<(String, Option<(RuleFileId, Span)>)> = vec![(entry.to_owned(), None)];
    // The folder the pack may read: the entry file's, or its `root`; set once it is parsed.
    let mut root: Option<String> = None;
    while let Some((path, from)) = queue.pop() {
        if seen.contains_key(&path) {
            continue;
        }
        if let (Some(root), Some((file, span))) = (&root, from)
            && !inside(root, &path)
        {
            let shown = if root.is_empty() { "." } else { root.as_str() };
            errors.push(
                RuleError::new(
                    file,
                    span,
                    format!("`{path}` is outside the pack's folder `{shown}`"),
                )
                .with_help("a pack imports files of its own folder; widen it with `root \"..\"` in the `pack` declaration, or `import builtin \"gov-2021\"`"),
            );
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
        match parse_once(id, &files.sources[id].text) {
            Ok(file) => {
                if root.is_none() {
                    let relative = file
                        .pack
                        .as_ref()
                        .and_then(|p| p.root.as_ref())
                        .map_or(".", |r| r.text.as_str());
                    root = Some(folder_of(&join(&path, &format!("{relative}/_"))));
                }
                for import in &file.imports {
                    queue.push((join(&path, &import.text), Some((id, import.span))));
                }
                for name in &file.builtin_imports {
                    queue.push((
                        format!("{BUILTIN_PREFIX}{}/pack.rules", name.text),
                        Some((id, name.span)),
                    ));
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
        trusted_patterns,
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

/// Joins an import path to the directory of the importing file, lexically: `..` steps out of
/// a folder (and is kept when there is none left, so a path that leaves the pack's folder
/// says so); an absolute path stands alone; a built-in file's imports stay built-in.
fn join(from: &str, import: &str) -> String {
    if let Some(inner) = from.strip_prefix(BUILTIN_PREFIX) {
        return format!("{BUILTIN_PREFIX}{}", join(inner, import));
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    if import.starts_with('/') {
        parts = vec![""];
    }
    for part in import.split('/') {
        match part {
            "." | "" => {}
            ".." => match parts.last() {
                // The root of an absolute path has no parent.
                Some(&"") if parts.len() == 1 => {}
                Some(&"..") | None => parts.push(".."),
                Some(_) => {
                    parts.pop();
                }
            },
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The folder of a joined path (`a/b/c.rules` → `a/b`; `c.rules` → ``).
fn folder_of(path: &str) -> String {
    path.rsplit_once('/').map_or_else(String::new, |(dir, _)| {
        if dir.is_empty() {
            "/".to_owned()
        } else {
            dir.to_owned()
        }
    })
}

/// Whether a joined path lies in the pack's folder (built-in files always do).
fn inside(root: &str, path: &str) -> bool {
    if path.starts_with(BUILTIN_PREFIX) {
        return true;
    }
    if root.is_empty() {
        return !path.starts_with('/') && path != ".." && !path.starts_with("../");
    }
    if root == "/" {
        return path.starts_with('/');
    }
    path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[derive(Default)]
struct Compiler {
    errors: Vec<RuleError>,
    /// Build regexes on first use ([`compile_trusted`]).
    trusted_patterns: bool,
    sections: Vec<SectionDef>,
    section_names: HashMap<String, usize>,
    tables: Vec<TableDef>,
    table_names: HashMap<String, usize>,
    rule_codes: HashMap<String, (RuleFileId, Span)>,
    /// The rule with a bare `localise` (the one that reports localisation), once seen.
    localise_reporter: Option<(String, RuleFileId, Span)>,
    /// User-defined functions (`fn`), by name, with their defining file.
    functions: HashMap<String, (RuleFileId, ast::FnDecl)>,
    /// Functions that take part in a cycle or are otherwise unusable (already reported).
    broken_functions: std::collections::HashSet<String>,
    /// While a function body is compiled: its parameters' names (innermost call last).
    params: Vec<Vec<String>>,
    /// Upper bounds of each function's expanded depth and size (memoised).
    function_bounds: HashMap<String, (usize, usize)>,
}

/// Calls of functions inside functions, at most this deep (`f` calls `g` calls `h` …).
const MAX_FUNCTION_CHAIN: usize = 8;

/// Nodes an expression may expand to once its function calls are replaced by their bodies:
/// `f(x) = g(x) + g(x)`, `g(x) = h(x) + h(x)` … doubles at every level.
const MAX_EXPANDED_NODES: usize = 20_000;

/// Slots at and above this number stand for the parameters of the function being compiled;
/// they are replaced by the call's arguments (see [`Compiler::call_function`]).
const PARAM_SLOT: usize = usize::MAX / 2;

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
    fn pack(&mut self, files: &[(RuleFileId, Arc<ast::File>)]) -> Option<Pack> {
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
        for (file, ast) in files {
            for extension in &ast.extensions {
                self.extend(*file, extension);
            }
        }
        for (file, ast) in files {
            for function in &ast.functions {
                self.declare_function(*file, function);
            }
        }
        self.check_functions();
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
        self.layer(files, &mut rules);
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
            cell_names: Vec::new(),
        };
        table.groups = groups
            .into_iter()
            .map(|(name, members)| GroupDef {
                name,
                rows: members,
            })
            .collect();
        table.cell_names = table.name_cells();
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
        if let Some((first, Some(last), span)) = decl.years
            && last < first
        {
            self.errors.push(
                RuleError::new(file, span, "the years run backwards")
                    .with_help(format!("write `years {last}..{first}`")),
            );
        }
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
        let mut relations = Vec::new();
        body.iter().for_each(|s| s.relations(&mut relations));
        let years = decl.years.map(|(first, last, _)| (first, last));
        Some(CompiledRule {
            relations,
            years,
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
                let iter = self.checked_expr(file, iter, scope);
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
            ast::Stmt::If {
                cond,
                body,
                otherwise,
            } => {
                let cond = self.checked_expr(file, cond, scope);
                let body = self.block(file, body, scope);
                let otherwise = self.block(file, otherwise, scope);
                Stmt::If {
                    cond: cond?,
                    body,
                    otherwise,
                }
            }
            ast::Stmt::Let { var, value } => {
                let value = self.checked_expr(file, value, scope);
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
                let cond = self.checked_expr(file, cond, scope);
                let at = at.as_ref().map(|a| self.checked_expr(file, a, scope));
                let within = within.as_ref().map(|w| self.checked_expr(file, w, scope));
                Stmt::Expect {
                    cond: cond?,
                    within: match within {
                        Some(w) => Some(w?),
                        None => None,
                    },
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
            ast::ExprKind::Regex(source) => match if self.trusted_patterns {
                crate::dsl::regex::compile_trusted(source)
            } else {
                crate::dsl::regex::compile(source)
            } {
                Ok(re) => ExprKind::Regex(re),
                Err(e) => {
                    self.errors.push(
                        RuleError::new(file, span, "invalid regular expression").with_help(
                            e.to_string().lines().last().unwrap_or("").trim().to_owned(),
                        ),
                    );
                    return None;
                }
            },
            ast::ExprKind::Bool(b) => ExprKind::Bool(*b),
            ast::ExprKind::None => ExprKind::None,
            ast::ExprKind::Name(name) => return self.name(file, name, span, scope),
            ast::ExprKind::List(items) => ExprKind::List(self.exprs(file, items, scope)?),
            ast::ExprKind::Call(name, args) if self.functions.contains_key(&name.text) => {
                return self.call_function(file, name, args, span, scope);
            }
            ast::ExprKind::Call(name, args) => {
                let Some(builtin) = Builtin::from_name(&name.text) else {
                    self.errors.push(unknown(
                        file,
                        name.span,
                        "function",
                        &name.text,
                        Builtin::ALL
                            .iter()
                            .map(|b| b.name())
                            .chain(self.functions.keys().map(String::as_str))
                            .collect::<Vec<_>>(),
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
                let args = self.exprs(file, args, scope)?;
                // A function reads the current report: `present(previous.表三)` would ask
                // about this year's table. The other report's table is read through a field.
                if let Some(arg) = args.iter().find(|a| {
                    matches!(&a.kind, ExprKind::InReport(_, inner)
                        if matches!(inner.kind, ExprKind::Table(_) | ExprKind::Section(_)))
                }) {
                    self.errors.push(
                        RuleError::new(
                            file,
                            arg.span,
                            "functions read the current report, not the one named before `.`",
                        )
                        .with_help(
                            "read the other report's table or section through a field or a cell: `previous.表三.present`, `previous.表三[结转下年度, 总计]`",
                        ),
                    );
                    return None;
                }
                ExprKind::Call(builtin, args)
            }
            ast::ExprKind::Field(base, field) => {
                if let Some(relation) = relation_of(base, scope) {
                    return self.in_report(file, relation, field, span, scope);
                }
                let base = self.expr(file, base, scope);
                // `previous.表三.present`: the field is read in the other report too.
                if let Some(Expr {
                    kind: ExprKind::InReport(relation, inner),
                    ..
                }) = base.as_ref()
                    && FIELDS.contains(&field.text.as_str())
                {
                    let kind = ExprKind::Field(inner.clone(), field.text.clone());
                    return Some(Expr {
                        kind: ExprKind::InReport(*relation, Box::new(Expr { kind, span })),
                        span,
                    });
                }
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
        let kind = if let Some(i) = self.param(name) {
            ExprKind::Slot(PARAM_SLOT + i)
        } else if let Some(slot) = scope.lookup(name) {
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
        } else if let Some(relation) = Relation::from_name(name) {
            self.errors.push(
                RuleError::new(
                    file,
                    span,
                    format!("`{name}` is another report, not a value"),
                )
                .with_help(format!(
                    "read a table, a section or `year` of {}: `{name}.表三[结转下年度, 总计]`, `{name}.year`",
                    relation.label()
                )),
            );
            return None;
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

    /// `previous.NAME`: a table, a section or `year` of another report.
    fn in_report(
        &mut self,
        file: RuleFileId,
        relation: Relation,
        field: &ast::Name,
        span: Span,
        scope: &Scope,
    ) -> Option<Expr> {
        let kind = if field.text == "year" {
            ExprKind::Year
        } else if let Some(&t) = self.table_names.get(&field.text) {
            ExprKind::Table(t)
        } else if let Some(&s) = self.section_names.get(&field.text) {
            ExprKind::Section(s)
        } else {
            let _ = scope;
            let candidates: Vec<&str> = std::iter::once("year")
                .chain(self.table_names.keys().map(String::as_str))
                .chain(self.section_names.keys().map(String::as_str))
                .collect();
            self.errors.push(
                unknown(
                    file,
                    field.span,
                    &format!("table or section of `{}`", relation.name()),
                    &field.text,
                    candidates,
                )
                .with_help(format!(
                    "`{}.` reads a table, a section or `year` of {}, e.g. `{}.表三[结转下年度, 总计]`",
                    relation.name(),
                    relation.label(),
                    relation.name()
                )),
            );
            return None;
        };
        Some(Expr {
            kind: ExprKind::InReport(relation, Box::new(Expr { kind, span })),
            span,
        })
    }

    /// `extend table NAME { … }`: the declared table gains anchors, columns, rows (and groups)
    /// or values, after its own; names stay unique within it.
    fn extend(&mut self, file: RuleFileId, decl: &ast::TableDecl) {
        let Some(&t) = self.table_names.get(&decl.name.text) else {
            let names: Vec<&str> = self.table_names.keys().map(String::as_str).collect();
            self.errors.push(unknown(
                file,
                decl.name.span,
                "table",
                &decl.name.text,
                names,
            ));
            return;
        };
        if let Some(section) = &decl.section {
            self.errors.push(
                RuleError::new(file, section.span, "an extension cannot move a table")
                    .with_help("`in section` belongs to the table's own declaration"),
            );
        }
        let named = |e: &ast::Entry| Named {
            name: e.name.text.clone(),
            aliases: e.aliases.iter().map(|a| a.text.clone()).collect(),
            keys: e.aliases.iter().map(|a| label_key(&a.text)).collect(),
        };
        let mut rows = Vec::new();
        let mut groups = Vec::new();
        flatten_rows(&decl.rows, &mut rows, &mut groups);
        let table = &mut self.tables[t];
        let mut taken: std::collections::HashSet<String> = table
            .columns
            .iter()
            .chain(&table.rows)
            .chain(&table.values)
            .map(|n| n.name.clone())
            .chain(table.groups.iter().map(|g| g.name.clone()))
            .collect();
        let mut duplicates = Vec::new();
        for entry in decl
            .columns
            .iter()
            .chain(&decl.values)
            .chain(rows.iter().copied())
        {
            if !taken.insert(entry.name.text.clone()) {
                duplicates.push(entry.name.clone());
            }
        }
        let first_row = table.rows.len();
        table
            .anchors
            .extend(decl.anchors.iter().map(|a| label_key(&a.text)));
        table.columns.extend(decl.columns.iter().map(named));
        table.values.extend(decl.values.iter().map(named));
        table.rows.extend(rows.iter().map(|e| named(e)));
        table
            .groups
            .extend(groups.into_iter().map(|(name, members)| GroupDef {
                name,
                rows: members.into_iter().map(|r| r + first_row).collect(),
            }));
        table.cell_names = table.name_cells();
        for name in duplicates {
            self.errors.push(RuleError::new(
                file,
                name.span,
                format!(
                    "`{}` is already declared in table `{}`",
                    name.text, decl.name.text
                ),
            ));
        }
    }

    /// Applies every file's `disable` and `override` to the rules of the pack.
    fn layer(&mut self, files: &[(RuleFileId, Arc<ast::File>)], rules: &mut Vec<CompiledRule>) {
        let find = |this: &mut Self, rules: &[CompiledRule], file, code: &ast::Name| {
            let found = rules.iter().position(|r| r.code == code.text);
            if found.is_none() {
                this.errors.push(unknown(
                    file,
                    code.span,
                    "rule",
                    &code.text,
                    rules.iter().map(|r| r.code.as_str()),
                ));
            }
            found
        };
        for (file, ast) in files {
            for code in &ast.disabled {
                if let Some(i) = find(self, rules, *file, code) {
                    rules.remove(i);
                }
            }
        }
        for (file, ast) in files {
            for o in &ast.overrides {
                let Some(i) = find(self, rules, *file, &o.code) else {
                    continue;
                };
                if let Some((level, _)) = o.severity {
                    rules[i].severity = level;
                    // The new severity is the rule's, everywhere: conditional severities of
                    // the imported rule no longer apply.
                    rules[i].severity_overrides.clear();
                }
                if let Some(help) = &o.help {
                    rules[i].help = Some(help.text.clone());
                }
            }
        }
    }

    /// The index of a parameter of the function being compiled.
    fn param(&self, name: &str) -> Option<usize> {
        self.params.last()?.iter().position(|p| p == name)
    }

    fn declare_function(&mut self, file: RuleFileId, decl: &ast::FnDecl) {
        let name = &decl.name;
        if let Some((first_file, first)) = self.functions.get(&name.text) {
            self.errors.push(
                RuleError::new(
                    file,
                    name.span,
                    format!("function `{}` is defined twice", name.text),
                )
                .with_label(*first_file, first.name.span, "first defined here"),
            );
            return;
        }
        if Builtin::from_name(&name.text).is_some() {
            self.errors.push(
                RuleError::new(
                    file,
                    name.span,
                    format!("`{}` is a builtin function", name.text),
                )
                .with_help("give your function another name"),
            );
            return;
        }
        let mut seen = std::collections::HashSet::new();
        for p in &decl.params {
            if !seen.insert(&p.text) {
                self.errors.push(RuleError::new(
                    file,
                    p.span,
                    format!("parameter `{}` is named twice", p.text),
                ));
            }
        }
        self.functions
            .insert(name.text.clone(), (file, decl.clone()));
    }

    /// Refuses functions that call themselves (directly or through others), call chains
    /// deeper than [`MAX_FUNCTION_CHAIN`], and bodies that fail to compile on their own.
    fn check_functions(&mut self) {
        let mut names: Vec<String> = self.functions.keys().cloned().collect();
        names.sort();
        for name in &names {
            let mut path = vec![name.clone()];
            if let Some(problem) = self.call_chain(&mut path) {
                let (file, decl) = &self.functions[name];
                let error = RuleError::new(*file, decl.name.span, problem).with_help(
                    "functions are expanded where they are called: write the repetition out, or use `for`",
                );
                self.errors.push(error);
                self.broken_functions.insert(name.clone());
            }
        }
        // Each body on its own, with its parameters unknown: names, fields and builtins.
        for name in &names {
            if self.broken_functions.contains(name) {
                continue;
            }
            let (file, decl) = self.functions[name].clone();
            let scope = Scope {
                names: Vec::new(),
                slot_names: Vec::new(),
            };
            self.params
                .push(decl.params.iter().map(|p| p.text.clone()).collect());
            let before = self.errors.len();
            let body = self.expr(file, &decl.body, &scope);
            self.params.pop();
            // Type errors that do not depend on the arguments are reported here, once, not
            // at every call.
            if let Some(body) = body {
                let context = Pack {
                    name: String::new(),
                    title: String::new(),
                    basis: None,
                    years: (0, None),
                    version: String::new(),
                    sections: self.sections.clone(),
                    tables: self.tables.clone(),
                    rules: Vec::new(),
                    files: RuleFiles::default(),
                };
                self.errors
                    .extend(super::check::check_function_body(&context, file, &body));
            }
            if self.errors.len() > before {
                self.broken_functions.insert(name.clone());
            }
        }
    }

    /// Follows the calls of the last function of `path`: a message when one closes a cycle or
    /// the chain grows too long.
    fn call_chain(&self, path: &mut Vec<String>) -> Option<String> {
        let last = path.last().expect("a path starts with a function");
        let mut called = Vec::new();
        calls_in(&self.functions[last].1.body, &mut called);
        called.retain(|c| self.functions.contains_key(c));
        called.sort();
        called.dedup();
        for callee in called {
            if callee == path[0] {
                return Some(if path.len() == 1 {
                    format!("function `{callee}` calls itself")
                } else {
                    format!(
                        "function `{}` calls itself through {}",
                        path[0],
                        backticked(&path[1..].iter().map(String::as_str).collect::<Vec<_>>())
                    )
                });
            }
            if path.contains(&callee) {
                // A cycle that does not pass through `path[0]`: reported from its own start.
                continue;
            }
            if path.len() >= MAX_FUNCTION_CHAIN {
                return Some(format!(
                    "function `{}` calls functions more than {MAX_FUNCTION_CHAIN} deep",
                    path[0]
                ));
            }
            path.push(callee);
            let found = self.call_chain(path);
            path.pop();
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Upper bounds of an expression's depth and size once its function calls are expanded.
    fn expanded_bounds(&mut self, expr: &ast::Expr) -> (usize, usize) {
        let children: Vec<&ast::Expr> = match &expr.kind {
            ast::ExprKind::List(items) | ast::ExprKind::Call(_, items) => items.iter().collect(),
            ast::ExprKind::Field(e, _) | ast::ExprKind::Not(e) | ast::ExprKind::Neg(e) => vec![e],
            ast::ExprKind::Index(e, args) => std::iter::once(&**e)
                .chain(args.iter().filter_map(|a| match a {
                    IndexArg::Expr(e) => Some(e),
                    IndexArg::Range(..) => None,
                }))
                .collect(),
            ast::ExprKind::Binary(_, a, b) => vec![a, b],
            _ => Vec::new(),
        };
        let mut depth = 0;
        let mut size: usize = 1;
        for child in children {
            let (d, n) = self.expanded_bounds(child);
            depth = depth.max(d);
            size = size.saturating_add(n);
        }
        if let ast::ExprKind::Call(name, _) = &expr.kind
            && let Some((_, decl)) = self.functions.get(&name.text).cloned()
            && !self.broken_functions.contains(&name.text)
        {
            let (body_depth, body_size) = match self.function_bounds.get(&name.text) {
                Some(bounds) => *bounds,
                None => {
                    let bounds = self.expanded_bounds(&decl.body);
                    self.function_bounds.insert(name.text.clone(), bounds);
                    bounds
                }
            };
            let uses = count_names(&decl.body, &decl.params);
            // Each use of a parameter is a copy of its argument.
            return (
                body_depth + depth + 1,
                body_size.saturating_add(size.saturating_mul(uses.max(1))),
            );
        }
        (depth + 1, size)
    }

    /// A statement's expression, refused when its expanded form would be too deep or large.
    fn checked_expr(&mut self, file: RuleFileId, expr: &ast::Expr, scope: &Scope) -> Option<Expr> {
        if !self.functions.is_empty() {
            let (depth, size) = self.expanded_bounds(expr);
            if depth > parser::MAX_EXPR_DEPTH || size > MAX_EXPANDED_NODES {
                self.errors.push(
                    RuleError::new(
                        file,
                        expr.span,
                        format!(
                            "with its functions expanded, this expression is too large (deeper than {} levels or more than {MAX_EXPANDED_NODES} parts)",
                            parser::MAX_EXPR_DEPTH
                        ),
                    )
                    .with_help("split it with `let`"),
                );
                return None;
            }
        }
        self.expr(file, expr, scope)
    }

    /// A call of a user-defined function: its body, compiled with the parameters standing for
    /// the arguments, pointing at the call (the body's own spans are in another place, maybe
    /// another file).
    fn call_function(
        &mut self,
        file: RuleFileId,
        name: &ast::Name,
        args: &[ast::Expr],
        span: Span,
        scope: &Scope,
    ) -> Option<Expr> {
        let (def_file, decl) = self.functions[&name.text].clone();
        if decl.params.len() != args.len() {
            self.errors.push(
                RuleError::new(
                    file,
                    span,
                    format!(
                        "`{}` takes {} argument{}, but {} {} given",
                        name.text,
                        decl.params.len(),
                        if decl.params.len() == 1 { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .with_label(def_file, decl.name.span, "defined here"),
            );
            return None;
        }
        let args = self.exprs(file, args, scope)?;
        if self.broken_functions.contains(&name.text) {
            return None;
        }
        let empty = Scope {
            names: Vec::new(),
            slot_names: Vec::new(),
        };
        self.params
            .push(decl.params.iter().map(|p| p.text.clone()).collect());
        let body = self.expr(def_file, &decl.body, &empty);
        self.params.pop();
        let mut body = body?;
        substitute(&mut body, &args, span);
        Some(body)
    }

    fn index(
        &mut self,
        file: RuleFileId,
        base: &ast::Expr,
        args: &[IndexArg],
        span: Span,
        scope: &Scope,
    ) -> Option<Expr> {
        // `previous.表三[行, 列]`: the same cell, read in another report.
        if let ast::ExprKind::Field(inner, table) = &base.kind
            && let Some(relation) = relation_of(inner, scope)
        {
            let local = ast::Expr {
                kind: ast::ExprKind::Name(table.text.clone()),
                span: table.span,
            };
            let cell = self.index(file, &local, args, span, scope)?;
            return Some(Expr {
                kind: ExprKind::InReport(relation, Box::new(cell)),
                span,
            });
        }
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
                ast::ExprKind::Name(n) if scope.lookup(n).is_none() && self.param(n).is_none() => {
                    find(
                        self,
                        &ast::Name {
                            text: n.clone(),
                            span: e.span,
                        },
                    )
                    .map(ColSel::Column)
                }
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
            && self.param(n).is_none()
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
        ast::Stmt::For { body, .. } => body.iter().any(contains_expect),
        ast::Stmt::If {
            body, otherwise, ..
        } => body.iter().chain(otherwise).any(contains_expect),
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

/// Names of the functions called in an expression.
fn calls_in(expr: &ast::Expr, out: &mut Vec<String>) {
    visit(expr, &mut |e| {
        if let ast::ExprKind::Call(name, _) = &e.kind {
            out.push(name.text.clone());
        }
    });
}

/// How many times the parameters are used in a function body.
fn count_names(expr: &ast::Expr, params: &[ast::Name]) -> usize {
    let mut n = 0;
    visit(expr, &mut |e| {
        if let ast::ExprKind::Name(name) = &e.kind
            && params.iter().any(|p| &p.text == name)
        {
            n += 1;
        }
        if let ast::ExprKind::Index(_, args) = &e.kind {
            for arg in args {
                if let IndexArg::Range(a, b) = arg {
                    n += usize::from(params.iter().any(|p| p.text == a.text || p.text == b.text));
                }
            }
        }
    });
    n
}

/// Calls `f` on every node of an expression (the parser bounds its depth).
fn visit(expr: &ast::Expr, f: &mut dyn FnMut(&ast::Expr)) {
    f(expr);
    match &expr.kind {
        ast::ExprKind::List(items) | ast::ExprKind::Call(_, items) => {
            for e in items {
                visit(e, f);
            }
        }
        ast::ExprKind::Field(e, _) | ast::ExprKind::Not(e) | ast::ExprKind::Neg(e) => visit(e, f),
        ast::ExprKind::Index(e, args) => {
            visit(e, f);
            for arg in args {
                if let IndexArg::Expr(e) = arg {
                    visit(e, f);
                }
            }
        }
        ast::ExprKind::Binary(_, a, b) => {
            visit(a, f);
            visit(b, f);
        }
        _ => {}
    }
}

/// Replaces a compiled function body's parameter slots by the arguments, and points the
/// rest of the body at the call.
fn substitute(expr: &mut Expr, args: &[Expr], call: Span) {
    if let ExprKind::Slot(s) = expr.kind
        && s >= PARAM_SLOT
    {
        *expr = args[s - PARAM_SLOT].clone();
        return;
    }
    expr.span = call;
    match &mut expr.kind {
        ExprKind::Cell { row, col, .. } => {
            if let Some(row) = row {
                substitute(row, args, call);
            }
            if let ColSel::Expr(e) = col {
                substitute(e, args, call);
            }
        }
        ExprKind::Call(_, items) | ExprKind::List(items) => {
            for e in items {
                substitute(e, args, call);
            }
        }
        ExprKind::Field(e, _) | ExprKind::Not(e) | ExprKind::Neg(e) => substitute(e, args, call),
        ExprKind::Binary(_, a, b) => {
            substitute(a, args, call);
            substitute(b, args, call);
        }
        _ => {}
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn joins_keep_what_leaves_the_folder() {
        assert_eq!(join("a/b/pack.rules", "../c.rules"), "a/c.rules");
        assert_eq!(join("pack.rules", "../c.rules"), "../c.rules");
        assert_eq!(join("pack.rules", "../../c.rules"), "../../c.rules");
        assert_eq!(join("/p/pack.rules", "../../../etc/passwd"), "/etc/passwd");
        assert_eq!(join("/p/pack.rules", "/dev/zero"), "/dev/zero");
        assert_eq!(
            join("builtin:gov-2021/pack.rules", "../common/*.rules"),
            "builtin:common/*.rules"
        );
    }

    #[test]
    fn the_packs_folder_contains_only_its_own_paths() {
        assert!(inside("", "x.rules"));
        assert!(!inside("", "../x.rules"));
        assert!(!inside("", "/etc/passwd"));
        assert!(inside("/p", "/p/sub/x.rules"));
        assert!(!inside("/p", "/pq/x.rules"));
        assert!(inside("/", "/etc/passwd"));
        assert!(inside("/p", "builtin:gov-2021/pack.rules"));
        assert_eq!(folder_of(&join("/p/pack.rules", "../_")), "/");
        assert_eq!(folder_of(&join("pack.rules", "./_")), "");
    }
}

#[cfg(test)]
mod parse_cache_tests {
    use super::*;

    #[test]
    fn threads_that_need_one_text_at_once_share_one_parse() {
        let text = "// parsed once across threads\nfn parse_cache_probe(x) = x + 1\n";
        let trees: Vec<Arc<ast::File>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|id| scope.spawn(move || parse_once(id, text).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(trees.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
        assert_eq!(trees[0].functions.len(), 1);
    }

    #[test]
    fn every_regex_literal_of_a_file_is_found_in_order() {
        let text = r#"
fn has_unit(t) = matches(t, /fn-body-\d+件/)
rule T998 regex-walk-probe {
    severity warning when contains(title(), /when-\d/)
    message "m"
    let xs = [/list-a/, find(text(), /call-b/)]
    for x in xs {
        if not matches(x, /not-c/) { expect 1 == 1 at 表三[/index-d/] } else { let y = -count(/neg-e/) }
    }
    expect count(/cond-f/) > 0 within count(/within-g/) at 表三[/at-h/]
}
"#;
        let file = parser::parse_all(0, text).unwrap();
        assert_eq!(
            regex_sources(&file),
            [
                r"when-\d",
                "list-a",
                "call-b",
                "not-c",
                "index-d",
                "neg-e",
                "cond-f",
                "within-g",
                "at-h",
                r"fn-body-\d+件"
            ]
        );
    }

    #[test]
    fn a_text_that_does_not_parse_is_reported_against_each_file_that_has_it() {
        let text = "rule T999 parse-cache-probe {";
        for id in [3, 5] {
            let errors = parse_once(id, text).unwrap_err();
            assert!(!errors.is_empty());
            assert!(errors.iter().all(|e| e.file == id), "{errors:?}");
        }
    }
}
