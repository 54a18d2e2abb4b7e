//! `regulint test`: the rule author's workflow, without writing Rust.
//!
//! A test folder holds rule packs (`**/pack.rules`; the built-in packs when there are none),
//! fixtures and snapshots:
//!
//! ```text
//! fixtures/<CODE>/fail-<what>.txt          a report excerpt the rule must flag
//! fixtures/<CODE>/pass-<what>.md           one it must leave alone
//! fixtures/<CODE>/fail-<what>.fixture.toml a real report with one deliberate edit
//! snapshots/<CODE>__<fixture>.snap         the rendered diagnostics, in insta's format
//! ```
//!
//! Each fixture runs *only its rule*, with the pack chosen by the fixture's report year (or
//! `pack = "…"` in a `.fixture.toml`). A fail fixture must produce a finding, a pass fixture
//! none; the rendered output must equal the snapshot. A mismatch prints a diff and writes
//! `<snap>.new` (which `cargo insta review` also understands); `--accept` writes the snapshot.
//! Rules that no fail fixture makes fire are listed as uncovered.

use crate::diagnostic::{FileReport, Outcome};
use crate::dsl::program::Pack;
use crate::lint::{self, LintOptions};
use crate::packs;
use crate::render::human;
use codespan_reporting::term::termcolor::NoColor;
use serde::Deserialize;
use similar::{ChangeTag, TextDiff};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to treat snapshot mismatches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Report mismatches, write `.snap.new` files.
    #[default]
    Check,
    /// Overwrite snapshots with the new output.
    Accept,
    /// Ask for each mismatch.
    Review,
}

/// Totals of a test run.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Fixtures whose expectation and snapshot held.
    pub passed: usize,
    /// Fixtures that failed.
    pub failed: usize,
    /// Snapshots written (accepted).
    pub written: usize,
    /// `pack CODE` pairs no fail fixture covers.
    pub uncovered: Vec<String>,
}

/// A fixture derived from a real report by exact text edits.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Derived {
    /// `corpus:<path under shared/corpus>` or a path relative to the fixture.
    base: String,
    /// Pack to use instead of choosing by year.
    pack: Option<String>,
    /// What the edit does, for readers of the fixture.
    #[serde(default)]
    #[allow(dead_code, reason = "documentation for people reading the fixture")]
    note: Option<String>,
    /// Exact replacements; each `find` must occur exactly once.
    #[serde(default)]
    edit: Vec<Edit>,
    /// The same agency's previous report, for rules across reports (`previous.…`): a path
    /// relative to the fixture (itself a `.fixture.toml` or a report) or `corpus:…`.
    previous: Option<String>,
    /// Every rule of the pack runs, and exactly these fail: `CODE` anywhere, `CODE@LINE` at
    /// that line of the fixture (`["T301@155", "T305"]`).
    expect: Option<Vec<String>>,
    /// With `expect`: exactly these rules are not assessable.
    expect_unassessed: Option<Vec<String>>,
}

/// What a `.fixture.toml` expects of the whole pack, beside its own rule's snapshot.
#[derive(Debug, Default)]
struct Expectations {
    fail: Vec<String>,
    unassessed: Vec<String>,
}

/// Compares what the whole pack found with a fixture's `expect` lists: the problems, if any.
fn check_expectations(expected: &Expectations, report: &FileReport) -> Vec<String> {
    let mut problems = Vec::new();
    let found = |outcome: Outcome| -> Vec<(String, usize)> {
        report
            .findings
            .iter()
            .filter(|f| f.outcome == outcome)
            .map(|f| {
                // 1-based line of the finding in the fixture as linted.
                let line = report
                    .source
                    .as_ref()
                    .map_or(0, |s| s.line_index(f.span.start as usize) + 1);
                (f.code.clone(), line)
            })
            .collect()
    };
    for (wanted, outcome, what) in [
        (&expected.fail, Outcome::Fail, "to fail"),
        (
            &expected.unassessed,
            Outcome::NotAssessable,
            "to be not assessable",
        ),
    ] {
        let found = found(outcome);
        let matches = |entry: &str, (code, line): &(String, usize)| match entry.split_once('@') {
            Some((c, l)) => c == code && l.parse() == Ok(*line),
            None => entry == code,
        };
        for entry in wanted {
            if !found.iter().any(|f| matches(entry, f)) {
                problems.push(format!("expected {entry} {what}, but it did not"));
            }
        }
        for f in &found {
            if !wanted.iter().any(|entry| matches(entry, f)) {
                problems.push(format!("{}@{} was not expected {what}", f.0, f.1));
            }
        }
    }
    problems
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    find: String,
    replace: String,
}

/// One fixture file.
struct Fixture {
    code: String,
    name: String,
    path: PathBuf,
    expect_fail: bool,
}

impl Fixture {
    /// `snapshots/<CODE>__<name>.snap` (`zj/L101` keeps its folder: `snapshots/zj/L101__…`).
    fn snapshot(&self, dir: &Path) -> PathBuf {
        dir.join("snapshots")
            .join(format!("{}__{}.snap", self.code, self.name))
    }
}

/// Runs the tests in `dirs`, writing progress and diffs to `out`.
///
/// # Errors
/// When a folder cannot be read or its packs do not compile (the errors are written first).
pub fn run(dirs: &[PathBuf], mode: Mode, out: &mut dyn Write) -> std::io::Result<Summary> {
    // `regulint test .` names the folder by its own name, as `regulint test pack` would.
    let dirs: Vec<PathBuf> = dirs
        .iter()
        .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()))
        .collect();
    let mut summary = Summary::default();
    for dir in dirs {
        run_dir(&dir, mode, out, &mut summary)?;
    }
    if !summary.uncovered.is_empty() {
        writeln!(
            out,
            "\nrules no fail fixture makes fire ({}):",
            summary.uncovered.len()
        )?;
        for u in &summary.uncovered {
            writeln!(out, "  {u}")?;
        }
    }
    writeln!(
        out,
        "\n{} passed, {} failed",
        summary.passed, summary.failed
    )?;
    Ok(summary)
}

fn run_dir(
    dir: &Path,
    mode: Mode,
    out: &mut dyn Write,
    summary: &mut Summary,
) -> std::io::Result<()> {
    let packs = load_packs(dir, out)?;
    let fixtures = find_fixtures(&dir.join("fixtures"))?;
    let mut covered: BTreeSet<(String, String)> = BTreeSet::new();
    let stdin = std::io::stdin();
    for fixture in &fixtures {
        match run_fixture(dir, fixture, &packs) {
            Ok((pack, rendered, fired, expectation_problems)) => {
                let mut problems = expectation_problems;
                if fixture.expect_fail && !fired {
                    problems.push(format!("expected {} to fire, but it did not", fixture.code));
                }
                if !fixture.expect_fail && !rendered.trim().is_empty() {
                    problems.push(format!("expected no findings from {}", fixture.code));
                }
                if fixture.expect_fail && fired {
                    covered.insert((pack.clone(), fixture.code.clone()));
                }
                let snap_path = fixture.snapshot(dir);
                let source = relative(&fixture.path, dir);
                let expected = read_snapshot(&snap_path);
                let matches = expected.as_deref() == Some(rendered.as_str());
                let label = format!("{} {}", fixture.code, fixture.name);
                let mut ok = problems.is_empty();
                if matches {
                    // A `.snap.new` left by an earlier failing run is stale now.
                    let _ = std::fs::remove_file(snap_path.with_extension("snap.new"));
                } else {
                    let accept = match mode {
                        Mode::Accept => true,
                        Mode::Check => false,
                        Mode::Review => {
                            write!(
                                out,
                                "{}",
                                diff(expected.as_deref().unwrap_or(""), &rendered)
                            )?;
                            write!(out, "accept the new snapshot for {label}? [y/N] ")?;
                            out.flush()?;
                            let mut answer = String::new();
                            stdin.lock().read_line(&mut answer)?;
                            answer.trim().eq_ignore_ascii_case("y")
                        }
                    };
                    if accept {
                        write_snapshot(&snap_path, &source, &label, &rendered)?;
                        // The pending new snapshot is now the snapshot.
                        let _ = std::fs::remove_file(snap_path.with_extension("snap.new"));
                        summary.written += 1;
                    } else {
                        ok = false;
                        let new_path = snap_path.with_extension("snap.new");
                        write_snapshot(&new_path, &source, &label, &rendered)?;
                        match &expected {
                            None => {
                                problems.push(format!("no snapshot at {}", snap_path.display()))
                            }
                            Some(old) => problems
                                .push(format!("snapshot differs:\n{}", diff(old, &rendered))),
                        }
                    }
                }
                if ok {
                    summary.passed += 1;
                    writeln!(out, "ok     {label} ({pack})")?;
                } else {
                    summary.failed += 1;
                    writeln!(out, "FAILED {label} ({pack})")?;
                    for p in problems {
                        writeln!(out, "  {}", p.replace('\n', "\n  "))?;
                    }
                }
            }
            Err(message) => {
                summary.failed += 1;
                writeln!(out, "FAILED {} {}\n  {message}", fixture.code, fixture.name)?;
            }
        }
    }
    for pack in packs.iter() {
        for rule in &pack.rules {
            // A built-in pack's rules are covered by the built-in fixtures, not this folder's.
            let imported = pack
                .files
                .sources
                .get(rule.file)
                .is_some_and(|s| s.name.starts_with(crate::dsl::compile::BUILTIN_PREFIX));
            if !imported && !covered.contains(&(pack.name.clone(), rule.code.clone())) {
                summary
                    .uncovered
                    .push(format!("{} {} {}", pack.name, rule.code, rule.name));
            }
        }
    }
    Ok(())
}

/// The packs of a test folder: every `pack.rules` below it, or the built-in packs.
fn load_packs(dir: &Path, out: &mut dyn Write) -> std::io::Result<Arc<Vec<Pack>>> {
    let mut entries = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .hidden(false)
        .build()
        .flatten()
    {
        if entry.file_name() == "pack.rules" {
            entries.push(entry.into_path());
        }
    }
    entries.sort();
    if entries.is_empty() {
        return Ok(lint::builtin_packs());
    }
    let mut compiled = Vec::new();
    for entry in entries {
        match packs::from_file(&entry.to_string_lossy()) {
            Ok(pack) => compiled.push(pack),
            Err(e) => {
                crate::render::rule_errors(out, &e.errors, &e.files)?;
                return Err(std::io::Error::other(format!(
                    "{} does not compile",
                    entry.display()
                )));
            }
        }
    }
    Ok(Arc::new(compiled))
}

fn find_fixtures(root: &Path) -> std::io::Result<Vec<Fixture>> {
    let mut fixtures = Vec::new();
    let Ok(codes) = std::fs::read_dir(root) else {
        return Ok(fixtures);
    };
    // `fixtures/T301/…`, and for namespaced codes `fixtures/zj/L101/…`.
    let mut code_dirs: Vec<(String, PathBuf)> = Vec::new();
    for entry in codes.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(|c: char| c.is_ascii_lowercase()) {
            for inner in std::fs::read_dir(&path)?.flatten() {
                if inner.path().is_dir() {
                    let code = format!("{name}/{}", inner.file_name().to_string_lossy());
                    code_dirs.push((code, inner.path()));
                }
            }
        } else {
            code_dirs.push((name, path));
        }
    }
    for (code, code_dir) in code_dirs {
        for file in std::fs::read_dir(&code_dir)?.flatten() {
            let path = file.path();
            let file_name = file.file_name().to_string_lossy().into_owned();
            let name = file_name
                .strip_suffix(".fixture.toml")
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    path.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                });
            let expect_fail = if name.starts_with("fail") {
                true
            } else if name.starts_with("pass") {
                false
            } else {
                continue;
            };
            fixtures.push(Fixture {
                code: code.clone(),
                name,
                path,
                expect_fail,
            });
        }
    }
    fixtures.sort_by(|a, b| (&a.code, &a.name).cmp(&(&b.code, &b.name)));
    Ok(fixtures)
}

/// Runs one fixture: (pack used, rendered output, whether the rule failed the fixture).
fn run_fixture(
    dir: &Path,
    fixture: &Fixture,
    packs: &Arc<Vec<Pack>>,
) -> Result<(String, String, bool, Vec<String>), String> {
    let (bytes, display_name, pack_override, expectations) = fixture_bytes(&fixture.path)?;
    let collection = previous_of(&fixture.path, dir)?;
    // Shown as `<test folder>/fixtures/…` whatever the working folder, so snapshots are stable.
    let shown_path = if display_name.is_empty() {
        fixture.path.clone()
    } else {
        PathBuf::from(display_name)
    };
    let folder = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let display = { format!("{folder}/{}", relative(&shown_path, dir)) };
    let options = LintOptions {
        pack: pack_override,
        packs: Some(Arc::clone(packs)),
        only: Some(vec![fixture.code.clone()]),
        collection,
        ..LintOptions::default()
    };
    let expectation_problems = match &expectations {
        Some(expected) => {
            let whole = LintOptions {
                only: None,
                ..options.clone()
            };
            check_expectations(expected, &lint::lint_bytes(&display, &bytes, &whole))
        }
        None => Vec::new(),
    };
    let report = lint::lint_bytes(&display, &bytes, &options);
    if let Some(error) = &report.error {
        return Err(format!("the fixture cannot be read: {error}"));
    }
    let pack_name = report
        .pack
        .clone()
        .unwrap_or_else(|| "(no pack)".to_owned());
    let pack = packs.iter().find(|p| Some(&p.name) == report.pack.as_ref());
    if pack.is_none_or(|p| p.rule(&fixture.code).is_none()) {
        return Err(format!("pack {pack_name} has no rule {}", fixture.code));
    }
    let fired = report.findings.iter().any(|f| f.outcome == Outcome::Fail);
    Ok((pack_name, render(&report), fired, expectation_problems))
}

/// What a fixture file gives: its bytes, the name to show, a pack override, and what the
/// whole pack must find (for `.fixture.toml` files with `expect`).
type FixtureContent = (Vec<u8>, String, Option<String>, Option<Expectations>);

/// The bytes of a fixture, the name to show, a pack override and expectations.
fn fixture_bytes(path: &Path) -> Result<FixtureContent, String> {
    let is_derived = path.to_string_lossy().ends_with(".fixture.toml");
    if !is_derived {
        return std::fs::read(path)
            .map(|b| (b, String::new(), None, None))
            .map_err(|e| format!("cannot read {}: {e}", path.display()));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let spec: Derived = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let base = resolve_base(path, &spec.base)?;
    let bytes =
        std::fs::read(&base).map_err(|e| format!("cannot read base {}: {e}", base.display()))?;
    let mut content = String::from_utf8(bytes).map_err(|_| {
        format!(
            "base {} is not UTF-8; derived fixtures edit UTF-8 files",
            base.display()
        )
    })?;
    for edit in &spec.edit {
        let found = content.matches(edit.find.as_str()).count();
        if found != 1 {
            return Err(format!(
                "edit `{}` matches {found} times in {}; it must match once",
                edit.find, spec.base
            ));
        }
        content = content.replacen(&edit.find, &edit.replace, 1);
    }
    let ext = Path::new(&spec.base)
        .extension()
        .map_or_else(String::new, |e| e.to_string_lossy().into_owned());
    // The shown name keeps the base's extension, so the format is detected as for the original.
    let name = format!(
        "{}.{ext}",
        path.to_string_lossy().trim_end_matches(".fixture.toml")
    );
    let expectations = match (spec.expect, spec.expect_unassessed) {
        (None, None) => None,
        (fail, unassessed) => Some(Expectations {
            fail: fail.unwrap_or_default(),
            unassessed: unassessed.unwrap_or_default(),
        }),
    };
    Ok((content.into_bytes(), name, spec.pack, expectations))
}

/// The collection of a fixture that names a `previous` report: that report, read (and
/// derived, if it is a `.fixture.toml`), shown as `<test folder>/fixtures/…`.
fn previous_of(
    path: &Path,
    dir: &Path,
) -> Result<Option<Arc<crate::collection::Collection>>, String> {
    if !path.to_string_lossy().ends_with(".fixture.toml") {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let spec: Derived = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let Some(previous) = spec.previous else {
        return Ok(None);
    };
    let previous_path = resolve_base(path, &previous)?;
    let (bytes, name) = if previous_path.to_string_lossy().ends_with(".fixture.toml") {
        let (bytes, name, _, _) = fixture_bytes(&previous_path)?;
        (bytes, crate::batch::normalize(Path::new(&name)))
    } else {
        let bytes = std::fs::read(&previous_path)
            .map_err(|e| format!("cannot read previous {}: {e}", previous_path.display()))?;
        (bytes, crate::batch::normalize(&previous_path))
    };
    let folder = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let shown = if previous.starts_with("corpus:") {
        previous
    } else {
        format!("{folder}/{}", relative(&name, dir))
    };
    Ok(Some(Arc::new(
        crate::collection::Collection::with_previous(
            &[(shown, bytes)],
            crate::document::ReadOptions::default(),
        ),
    )))
}

/// `corpus:x` is `shared/corpus/x` beside the checkout (searched upwards), or under
/// `$REGULINT_CORPUS`.
fn resolve_base(fixture: &Path, base: &str) -> Result<PathBuf, String> {
    let Some(rest) = base.strip_prefix("corpus:") else {
        return Ok(fixture.parent().unwrap_or(Path::new(".")).join(base));
    };
    if let Some(root) = std::env::var_os("REGULINT_CORPUS").filter(|r| !r.is_empty()) {
        return Ok(Path::new(&root).join(rest));
    }
    let start = std::fs::canonicalize(fixture).unwrap_or_else(|_| fixture.to_path_buf());
    start
        .ancestors()
        .map(|a| a.join("shared").join("corpus"))
        .find(|c| c.is_dir())
        .map(|c| c.join(rest))
        .ok_or_else(|| {
            format!(
                "`{base}`: no shared/corpus folder above {}; set REGULINT_CORPUS",
                fixture.display()
            )
        })
}

fn relative(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The uncoloured human rendering of a report's findings.
#[must_use]
pub fn render(report: &FileReport) -> String {
    let mut buffer = NoColor::new(Vec::new());
    // Writing to memory cannot fail.
    let _ = human::write_file(&mut buffer, report);
    String::from_utf8_lossy(&buffer.into_inner()).into_owned()
}

fn read_snapshot(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    // insta format: `---` header `---` then the content.
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(rest[end + 5..].to_owned())
}

fn write_snapshot(path: &Path, source: &str, label: &str, content: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut text = String::new();
    let _ = write!(
        text,
        "---\nsource: {source}\nexpression: {label:?}\n---\n{content}"
    );
    std::fs::write(path, text)
}

/// A unified, line-based diff of the old and new snapshot.
#[must_use]
pub fn diff(old: &str, new: &str) -> String {
    let mut out = String::new();
    let diff = TextDiff::from_lines(old, new);
    for op in diff.ops() {
        let changes: Vec<_> = diff.iter_changes(op).collect();
        let deleted: Vec<&str> = changes
            .iter()
            .filter(|c| c.tag() == ChangeTag::Delete)
            .map(|c| c.value())
            .collect();
        let inserted: Vec<&str> = changes
            .iter()
            .filter(|c| c.tag() == ChangeTag::Insert)
            .map(|c| c.value())
            .collect();
        // Lines replaced one for one: bracket the characters that changed (`[-706-]`,
        // `{+705+}`), so one digit in a long Chinese line is easy to see.
        if !deleted.is_empty() && deleted.len() == inserted.len() {
            for (old_line, new_line) in deleted.iter().zip(&inserted) {
                let (minus, plus) = marked_line(old_line, new_line);
                let _ = writeln!(out, "-{minus}");
                let _ = writeln!(out, "+{plus}");
            }
            continue;
        }
        for change in changes {
            let sign = match change.tag() {
                ChangeTag::Delete => "-",
                ChangeTag::Insert => "+",
                ChangeTag::Equal => " ",
            };
            let _ = write!(out, "{sign}{change}");
            if change.missing_newline() {
                out.push('\n');
            }
        }
    }
    out
}

/// Two versions of a line with their differing characters bracketed.
fn marked_line(old: &str, new: &str) -> (String, String) {
    let (old, new) = (old.trim_end_matches('\n'), new.trim_end_matches('\n'));
    let mut minus = String::new();
    let mut plus = String::new();
    let diff = TextDiff::from_chars(old, new);
    // Runs of deleted and inserted characters, each bracketed once.
    let mut run: Option<ChangeTag> = None;
    let close = |run: Option<ChangeTag>, minus: &mut String, plus: &mut String| match run {
        Some(ChangeTag::Delete) => minus.push_str("-]"),
        Some(ChangeTag::Insert) => plus.push_str("+}"),
        _ => {}
    };
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        if run != Some(tag) {
            close(run, &mut minus, &mut plus);
            match tag {
                ChangeTag::Delete => minus.push_str("[-"),
                ChangeTag::Insert => plus.push_str("{+"),
                ChangeTag::Equal => {}
            }
            run = Some(tag);
        }
        match tag {
            ChangeTag::Delete => minus.push_str(change.value()),
            ChangeTag::Insert => plus.push_str(change.value()),
            ChangeTag::Equal => {
                minus.push_str(change.value());
                plus.push_str(change.value());
            }
        }
    }
    close(run, &mut minus, &mut plus);
    (minus, plus)
}
