//! `regulint rules`, `explain`, `check-rules` and `test`: the rule author's commands.

use super::ExitStatus;
use super::args::{CheckRulesArgs, ExplainArgs, FmtArgs, RulesArgs, TestArgs};
use super::lint::load_packs;
use crate::ruletest::{self, Mode};
use std::io::Write as _;
use std::path::PathBuf;

pub(super) fn list(args: &RulesArgs) -> anyhow::Result<ExitStatus> {
    let packs = match load_packs(&args.rules) {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    if let Some(dir) = &args.write_docs {
        for (name, text) in crate::explain::rule_pages(&packs) {
            std::fs::create_dir_all(dir)?;
            std::fs::write(dir.join(name), text)?;
        }
        return Ok(ExitStatus::Success);
    }
    let mut out = std::io::stdout().lock();
    for pack in packs
        .iter()
        .filter(|p| args.pack.as_ref().is_none_or(|n| n == &p.name))
    {
        out.write_all(crate::explain::pack_listing(pack).as_bytes())?;
    }
    Ok(ExitStatus::Success)
}

pub(super) fn explain(args: &ExplainArgs) -> anyhow::Result<ExitStatus> {
    let packs = match load_packs(&args.rules) {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    match crate::explain::explain(&packs, &args.code) {
        Some(text) => {
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        None => {
            let codes: Vec<&str> = packs
                .iter()
                .flat_map(|p| p.rules.iter().map(|r| r.code.as_str()))
                .chain(crate::codes::ENGINE_CODES.iter().map(|c| c.code))
                .collect();
            let hint = crate::dsl::error::suggest(&args.code.to_ascii_uppercase(), codes)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            eprintln!("regulint: error: no rule `{}`{hint}", args.code);
            Ok(ExitStatus::Error)
        }
    }
}

/// The entry files of the packs in a folder and its subfolders: `.rules` files that declare a
/// `pack`, in path order (hidden folders skipped).
fn pack_entries(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && !hidden {
                stack.push(path);
            } else if kind.is_file()
                && path.extension().is_some_and(|x| x == "rules")
                && std::fs::read_to_string(&path)
                    .is_ok_and(|t| t.lines().any(|l| l.starts_with("pack ")))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every `.rules` file named or below a named folder, in path order.
fn rule_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()).filter(|p| {
                    !p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                }));
            }
        } else if path.extension().is_some_and(|x| x == "rules") || paths.contains(&path) {
            found.push(path);
        }
    }
    found.sort();
    found
}

pub(super) fn fmt(args: &FmtArgs) -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    let mut unformatted = 0;
    for path in rule_files(&args.paths) {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("regulint: error: {}: {e}", path.display());
                return Ok(ExitStatus::Error);
            }
        };
        let formatted = crate::dsl::fmt::format(&text);
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if args.check {
            writeln!(out, "not formatted: {}", path.display())?;
        } else {
            std::fs::write(&path, formatted)?;
            writeln!(out, "formatted: {}", path.display())?;
        }
    }
    Ok(if args.check && unformatted > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// For a rule file that declares no `pack`: the nearest pack (in its folder or one up to two
/// folders above, or their subfolders) whose files include it, and that pack compiled.
fn importing_pack(
    file: &std::path::Path,
) -> Option<(
    PathBuf,
    Result<crate::dsl::program::Pack, crate::packs::PackErrors>,
)> {
    let text = std::fs::read_to_string(file).ok()?;
    if text.lines().any(|l| l.starts_with("pack ")) {
        return None;
    }
    let target = std::fs::canonicalize(file).ok()?;
    let mut dir = target.parent()?.to_path_buf();
    for _ in 0..3 {
        // Packs in this folder and below (`rules/common/x.rules` is imported by
        // `rules/gov-2021/pack.rules`).
        for entry in pack_entries(&dir) {
            let result = crate::packs::from_file(&entry.to_string_lossy());
            let files = match &result {
                Ok(pack) => &pack.files,
                Err(e) => &e.files,
            };
            let includes = files
                .sources
                .iter()
                .any(|s| std::fs::canonicalize(&s.name).is_ok_and(|p| p == target));
            if includes {
                return Some((entry, result));
            }
        }
        dir = dir.parent()?.to_path_buf();
    }
    None
}

pub(super) fn check(args: &CheckRulesArgs) -> anyhow::Result<ExitStatus> {
    let mut status = ExitStatus::Success;
    let mut stderr = std::io::stderr().lock();
    // A folder stands for every pack in it.
    let mut files = Vec::new();
    for file in &args.files {
        if file.is_dir() {
            let entries = pack_entries(file);
            if entries.is_empty() {
                writeln!(
                    stderr,
                    "{}: no pack (no `.rules` file declares `pack`)",
                    file.display()
                )?;
                status = ExitStatus::Error;
            }
            files.extend(entries);
        } else {
            files.push(file.clone());
        }
    }
    for file in &files {
        let path = file.to_string_lossy();
        // A file of rules without `pack` is checked in the context of a pack that imports it.
        if let Some((entry, result)) = importing_pack(file) {
            match result {
                Ok(pack) => writeln!(
                    std::io::stdout().lock(),
                    "{path}: ok (in pack {} of {})",
                    pack.name,
                    entry.display()
                )?,
                Err(e) => {
                    crate::render::rule_errors(&mut stderr, &e.errors, &e.files)?;
                    writeln!(
                        stderr,
                        "{path}: {} error{} (in the pack of {})",
                        e.errors.len(),
                        if e.errors.len() == 1 { "" } else { "s" },
                        entry.display()
                    )?;
                    status = ExitStatus::Error;
                }
            }
            continue;
        }
        match crate::packs::from_file(&path) {
            Ok(pack) => writeln!(
                std::io::stdout().lock(),
                "{path}: ok (pack {}, {} rules)",
                pack.name,
                pack.rules.len()
            )?,
            Err(e) => {
                crate::render::rule_errors(&mut stderr, &e.errors, &e.files)?;
                writeln!(
                    stderr,
                    "{path}: {} error{}",
                    e.errors.len(),
                    if e.errors.len() == 1 { "" } else { "s" }
                )?;
                status = ExitStatus::Error;
            }
        }
    }
    Ok(status)
}

pub(super) fn test(args: &TestArgs) -> anyhow::Result<ExitStatus> {
    let dirs = if args.dirs.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.dirs.clone()
    };
    for dir in &dirs {
        if !has_fixtures(dir) {
            eprintln!(
                "regulint: error: no rule fixtures in {} (expected {}/fixtures/<CODE>/fail-*.txt or pass-*; see CONTRIBUTING.md) / 该目录下没有规则测试用例",
                dir.display(),
                dir.display()
            );
            return Ok(ExitStatus::Error);
        }
    }
    let mode = if args.accept {
        Mode::Accept
    } else if args.review {
        Mode::Review
    } else {
        Mode::Check
    };
    let mut out = std::io::stdout().lock();
    let summary = ruletest::run(&dirs, mode, &mut out)?;
    let uncovered = args.require_coverage && !summary.uncovered.is_empty();
    if uncovered {
        writeln!(
            out,
            "coverage required: {} rule{} without a firing fail fixture",
            summary.uncovered.len(),
            if summary.uncovered.len() == 1 {
                ""
            } else {
                "s"
            }
        )?;
    }
    Ok(if summary.failed > 0 || uncovered {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Whether `dir/fixtures/<CODE>/` holds at least one `fail-…` or `pass-…` file.
fn has_fixtures(dir: &std::path::Path) -> bool {
    let Ok(codes) = std::fs::read_dir(dir.join("fixtures")) else {
        return false;
    };
    // `fixtures/<CODE>/…`, or `fixtures/<namespace>/<CODE>/…` for namespaced codes.
    fn holds_fixtures(dir: &std::path::Path, depth: usize) -> bool {
        std::fs::read_dir(dir).is_ok_and(|files| {
            files.flatten().any(|f| {
                let name = f.file_name().to_string_lossy().into_owned();
                name.starts_with("fail")
                    || name.starts_with("pass")
                    || (depth > 0 && f.path().is_dir() && holds_fixtures(&f.path(), depth - 1))
            })
        })
    }
    codes.flatten().any(|code| holds_fixtures(&code.path(), 1))
}
