//! `regulint lint PATH…`: configuration, file discovery, the parallel batch, the renderer and
//! the exit status.

use super::ExitStatus;
use super::args::{ColorWhen, Format, LintArgs, MinSeverity};
use super::skip;
use crate::baseline::{self, Baseline};
use crate::batch::{self, Input, Run, Skipped};
use crate::config::{self, Config, ConfigError, Policy};
use crate::diagnostic::{FileReport, RuleInfo, Severity, Summary};
use crate::document::ReadOptions;
use crate::lint::{LintOptions, lint_bytes};
use crate::packs::PackKey;
use crate::render::human::{Human, SummaryTable};
use crate::render::{Emitter, github::Github, json::Json, junit::Junit, sarif::Sarif};
use anyhow::Context as _;
use codespan_reporting::term::termcolor::{
    Ansi, BufferedStandardStream, ColorChoice, NoColor, StandardStream, WriteColor,
};
use std::collections::HashSet;
use std::io::{BufWriter, IsTerminal as _};
use std::path::{Path, PathBuf};

pub(super) fn run(args: &LintArgs) -> anyhow::Result<ExitStatus> {
    let mut stderr = StandardStream::stderr(stderr_colour(args.color));
    let config = match configuration(args) {
        Ok(config) => config,
        Err(error) => {
            error.render(&mut stderr)?;
            return Ok(ExitStatus::Error);
        }
    };
    let cli_codes = args
        .select
        .iter()
        .chain(&args.ignore)
        .flatten()
        .chain(&args.extend_select)
        .chain(&args.extend_ignore);
    let min_severity = if args.errors_only {
        Severity::Error
    } else {
        args.min_severity
            .map_or(Severity::Info, MinSeverity::severity)
    };
    if min_severity > args.fail_on.threshold() {
        eprintln!(
            "regulint: error: --fail-on {} cannot fail on findings that --min-severity {} leaves out; drop one of them / --fail-on 与 --min-severity 互相矛盾，请去掉其中一个",
            args.fail_on.threshold(),
            min_severity
        );
        return Ok(ExitStatus::Error);
    }
    if args.summary && args.format != Format::Human {
        eprintln!("regulint: error: --summary prints a table; it cannot be combined with --format");
        return Ok(ExitStatus::Error);
    }
    if let Some(path) = &args.output
        && let Some(message) = output_mismatch(path, args.format)
    {
        eprintln!("regulint: error: {message}");
        return Ok(ExitStatus::Error);
    }
    // The packs of `--rules`; `None` for the built-in packs, which are compiled only when
    // something needs them (a report of their years, or a list of every rule): start-up is
    // most of linting one file.
    let user_packs = if args.rules.is_empty() {
        // The built-in rule files are parsed in the background while the report is read.
        crate::lint::prepare_builtin();
        None
    } else {
        match load_packs(&args.rules) {
            Ok(packs) => Some(packs),
            Err(status) => return Ok(status),
        }
    };
    let all_packs = || {
        user_packs
            .clone()
            .unwrap_or_else(crate::lint::builtin_packs)
    };
    let cli_codes: Vec<&String> = cli_codes.collect();
    // Every rule's code is needed only to check the codes the user named.
    let packs_for_codes = (!cli_codes.is_empty() || !config.codes.is_empty()).then(all_packs);
    // The packs' codes, and the findings regulint itself makes.
    let all_codes: Vec<&str> = packs_for_codes
        .iter()
        .flat_map(|packs| packs.iter())
        .flat_map(|p| p.rules.iter().map(|r| r.code.as_str()))
        .chain(crate::codes::ENGINE_CODES.iter().map(|c| c.code))
        .collect();
    for code in cli_codes {
        if let Err(message) = config::check_code(code) {
            let hint =
                crate::dsl::error::suggest(&code.to_ascii_uppercase(), all_codes.iter().copied())
                    .map(|c| format!("; did you mean `{c}`? / 是否应为 `{c}`？"))
                    .unwrap_or_default();
            eprintln!("regulint: error: {message}{hint}");
            return Ok(ExitStatus::Error);
        }
        if let Some(message) = unknown_code(code, &all_codes) {
            eprintln!("regulint: error: {message}");
            return Ok(ExitStatus::Error);
        }
    }
    for (code, span) in &config.codes {
        if let Some(message) = unknown_code(code, &all_codes)
            && let Some(path) = &config.path
        {
            ConfigError::at_span(path, &config.text, message, span.clone()).render(&mut stderr)?;
            return Ok(ExitStatus::Error);
        }
    }
    if let Some(year) = args.year
        && let Some(message) = match &user_packs {
            Some(packs) => year_outside_packs(year, packs),
            None => year_outside_packs(year, crate::packs::BUILTIN),
        }
    {
        eprintln!("regulint: error: {message}");
        return Ok(ExitStatus::Error);
    }
    let pack = args.pack.clone().or(config.pack.clone());
    if let Some(name) = &pack
        && match &user_packs {
            Some(packs) => crate::packs::by_name(packs, name).is_none(),
            None => crate::packs::by_name(crate::packs::BUILTIN, name).is_none(),
        }
    {
        let names: Vec<&str> = match &user_packs {
            Some(packs) => packs.iter().map(|p| p.name.as_str()).collect(),
            None => crate::packs::BUILTIN.iter().map(|p| p.name).collect(),
        };
        eprintln!(
            "regulint: error: unknown pack `{name}`; expected one of {}",
            names.join(", ")
        );
        return Ok(ExitStatus::Error);
    }
    // Problems that do not stop the run: unusable waivers.
    for problem in &config.problems {
        problem.render(&mut stderr)?;
    }
    // A baseline that cannot be used is reported, and the run goes on without it (exit 2 at
    // the end, so that CI notices).
    let mut tool_error = false;
    let baseline = match &args.baseline {
        None => None,
        Some(path) => match Baseline::load(path) {
            Ok(baseline) => {
                for problem in &baseline.problems {
                    eprintln!("regulint: warning: {problem}");
                }
                Some(baseline)
            }
            Err(problem) => {
                eprintln!("regulint: error: {problem}; the run goes on without the baseline");
                tool_error = true;
                None
            }
        },
    };
    let policy = policy(args, &config);

    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let walk = batch::Walk {
        no_ignore: args.no_ignore,
        hidden: args.hidden,
    };
    let mut collected = batch::collect(&paths, config.exclude.as_ref(), walk);
    for (path, error) in &collected.missing {
        eprintln!("regulint: error: {}: {error}", batch::display(path));
    }
    for path in &collected.named_but_excluded {
        eprintln!(
            "regulint: note: {} is excluded by the configuration, but linted because it was named / 该文件被配置排除，但因在命令行中指定而仍予检查",
            batch::display(path)
        );
    }
    // The file being written is not an input (a second run would read its own output).
    if let Some(output) = &args.output {
        let output = std::path::absolute(output).ok();
        collected.inputs.retain(|input| match input {
            Input::File(path) => std::path::absolute(path).ok() != output,
            _ => true,
        });
    }
    let config_shown = config.path.as_deref().map(batch::display);
    if let Some(shown) = &config_shown
        && !matches!(args.format, Format::Human | Format::Json)
    {
        // The other formats have no summary to name it in.
        eprintln!("regulint: note: using configuration {shown}");
    }
    if collected.inputs.is_empty() {
        if collected.missing.is_empty() {
            let shown: Vec<String> = paths.iter().map(|p| batch::display(p)).collect();
            eprintln!(
                "regulint: error: no report files found in {} (looked for .{})",
                shown.join(", "),
                batch::REPORT_EXTENSIONS.join(" .")
            );
            for skipped in &collected.skipped {
                eprintln!("regulint: skipped {}: {}", skipped.path, skipped.reason);
            }
        }
        return Ok(ExitStatus::Error);
    }
    let named: HashSet<PathBuf> = paths.iter().map(|p| batch::normalize(p)).collect();

    let mut out = output(args)?;
    // One description per code: both built-in packs share most codes, and SARIF rule ids
    // should be unique (the newest pack's wording is kept).
    // Only SARIF lists the rules.
    let mut rules: Vec<RuleInfo> = Vec::new();
    if args.format == Format::Sarif && !args.summary {
        for info in all_packs().iter().flat_map(|p| p.rule_infos()) {
            if !rules.iter().any(|r| r.code == info.code) {
                rules.push(info);
            }
        }
    }
    let mut emitter = emitter(args, &collected.inputs, &rules);
    let pack_years: Vec<String> = user_packs
        .iter()
        .flat_map(|packs| packs.iter().map(years_text))
        .collect();
    let options = LintOptions {
        read: ReadOptions {
            format: args.input_format,
            encoding: args.encoding,
        },
        pack,
        year: args.year,
        packs: user_packs.clone(),
        only: None,
        time_budget: None,
        collection: None,
    };
    let from_rules = !args.rules.is_empty();
    // A collection: last year's reports and the roster are read before the batch starts.
    let mut sources = config.collection.clone();
    if !args.previous.is_empty() {
        sources.previous.clone_from(&args.previous);
    }
    if let Some(roster) = &args.roster {
        sources.roster = Some(roster.clone());
    }
    // Paths from the configuration are joined to its folder: shown from the working folder.
    if let Ok(cwd) = std::env::current_dir() {
        let shorten = |p: &PathBuf| {
            p.strip_prefix(&cwd)
                .map_or_else(|_| p.clone(), Path::to_path_buf)
        };
        sources.previous = sources.previous.iter().map(shorten).collect();
        sources.roster = sources.roster.as_ref().map(shorten);
    }
    let collection = (!sources.is_empty()).then(|| {
        // Last year's reports are read on as many threads as this year's are linted (`-j`).
        let build = || crate::collection::Collection::build(&sources, options.read, walk);
        let threads = batch::thread_count(args.jobs.unwrap_or(0), usize::MAX);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
        std::sync::Arc::new(pool.map_or_else(|_| build(), |pool| pool.install(build)))
    });
    let options = LintOptions {
        collection: collection.clone(),
        ..options
    };
    let mut tally = crate::collection::Tally::default();
    let lint = |input: &Input| -> FileReport {
        let name = input.name();
        let bytes = match batch::read(input) {
            Ok(bytes) => bytes,
            Err(error) => return FileReport::unreadable(name, error),
        };
        let explicit = match input {
            Input::File(path) => named.contains(&batch::normalize(path)),
            _ => true,
        };
        if let Some(reason) = skip::not_a_report(input, &bytes, explicit) {
            return FileReport::not_a_report(name, reason);
        }
        let mut report = lint_bytes(&name, &bytes, &options);
        // The built-in packs cover every year (older reports get the oldest format, on
        // purpose); packs of `--rules` may not, and linting against the wrong format would
        // report nonsense.
        let uncovered = report.pack.is_none()
            || (from_rules
                && options.pack.is_none()
                && report.year.is_some_and(|y| {
                    !options.packs.as_ref().is_some_and(|packs| {
                        packs
                            .iter()
                            .any(|p| Some(&p.name) == report.pack.as_ref() && p.applies_to(y))
                    })
                }));
        if report.error.is_none() && uncovered {
            let year = report
                .year
                .map_or_else(|| "unknown".to_owned(), |y| y.to_string());
            report.error = Some(format!(
                "no pack of --rules covers report year {year} (they cover {}); pass --pack NAME or --year / 所给规则包不适用于该报告年度",
                pack_years.join(", ")
            ));
            report.findings.clear();
        }
        if !explicit && report.error.is_none() && !skip::looks_like_a_report(&report) {
            return FileReport::not_a_report(
                name,
                "not a disclosure report: no 信息公开 anywhere in it (name the file to lint it anyway) / 不是政府信息公开年度报告",
            );
        }
        policy.apply(&mut report);
        config.apply_waivers(&mut report);
        report.retain_findings(|f| f.severity >= min_severity);
        if let Some(baseline) = &baseline {
            baseline.apply(&mut report);
        }
        report
    };
    let run = Run {
        jobs: args.jobs.unwrap_or(0),
        progress: !args.quiet,
    };
    let mut summary = Summary {
        skipped: collected.skipped.clone(),
        config: config_shown,
        ..Summary::default()
    };
    let mut baseline_writer = args.write_baseline.as_deref().map(baseline::Writer::new);
    emitter.begin(&mut *out)?;
    batch::lint_in_order(&collected.inputs, run, lint, |report| {
        if let Some(reason) = report.not_a_report {
            summary.skipped.push(Skipped {
                path: report.path,
                reason,
            });
            return Ok(());
        }
        summary.add(&report);
        if report.error.is_none() && collection.is_some() {
            tally.add(&report.path, report.agency.as_deref(), report.year);
        }
        if let Some(writer) = &mut baseline_writer {
            writer.add(&report);
        }
        emitter.file(&mut *out, &report)?;
        // Stream: each file's output leaves as soon as it is written.
        out.flush()
    })?;
    // Only a declared collection is checked as one: a plain folder may hold one report in
    // several encodings or formats on purpose.
    if let Some(collection) = collection.as_deref() {
        summary.add_collection(tally.finish(Some(collection)));
    }
    emitter.finish(&mut *out, &summary)?;
    out.flush()?;
    for stale in config.stale_waivers() {
        stale.render(&mut stderr)?;
    }
    if let (Some(writer), Some(path)) = (baseline_writer, &args.write_baseline) {
        let n = writer.len();
        std::fs::write(path, writer.text())
            .with_context(|| format!("cannot write the baseline {}", path.display()))?;
        eprintln!(
            "regulint: wrote {n} finding{} to the baseline {}",
            if n == 1 { "" } else { "s" },
            batch::display(path)
        );
    }

    // Last year's reports are left for the process's exit to free: freeing thousands of
    // documents one allocation at a time, on one thread, with the output already written,
    // cost 1.25 % of a collection run's instructions (callgrind, 200 agencies).
    std::mem::forget(options);
    std::mem::forget(collection);

    Ok(if !collected.missing.is_empty() || tool_error {
        ExitStatus::Error
    } else if args.exit_zero || args.write_baseline.is_some() {
        ExitStatus::Success
    } else if summary.fails(args.fail_on.threshold()) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The selection: the command line's `--select`/`--ignore` replace the configuration's;
/// `extend-*` (configuration, then command line) add to them; overrides apply per file.
fn policy(args: &LintArgs, config: &Config) -> Policy {
    let mut select = args
        .select
        .clone()
        .or_else(|| config.select.clone())
        .unwrap_or_default();
    // An empty selection means every rule; extending it would narrow it to the extension.
    if !select.is_empty() {
        select.extend(config.extend_select.iter().cloned());
        select.extend(args.extend_select.iter().cloned());
    }
    let mut ignore = args
        .ignore
        .clone()
        .or_else(|| config.ignore.clone())
        .unwrap_or_default();
    ignore.extend(config.extend_ignore.iter().cloned());
    ignore.extend(args.extend_ignore.iter().cloned());
    Policy {
        select,
        ignore,
        severity: config.severity.clone(),
        overrides: config.overrides.clone(),
    }
}

/// Why `code` (a code or a prefix) cannot be right: it matches no rule of the packs.
fn unknown_code(code: &str, codes: &[&str]) -> Option<String> {
    if codes.iter().any(|c| c.starts_with(code)) {
        return None;
    }
    let hint = crate::dsl::error::suggest(code, codes.iter().copied())
        .map(|c| format!("; did you mean `{c}`? / 是否应为 `{c}`？"))
        .unwrap_or_default();
    Some(format!(
        "`{code}` matches no rule of the packs (see `regulint rules`) / 规则编号 `{code}` 不存在{hint}"
    ))
}

/// The years a pack covers, as text.
fn years_text(pack: &impl PackKey) -> String {
    match pack.years() {
        (first, Some(last)) => format!("{}: {first}–{last}", pack.name()),
        (first, None) => format!("{}: {first}–", pack.name()),
    }
}

/// Why `--year` cannot be right: before every pack, or after every bounded pack, or later
/// than next year.
fn year_outside_packs(year: i32, packs: &[impl PackKey]) -> Option<String> {
    let this_year = config::Date::today().year;
    if packs.iter().any(|p| p.applies_to(year)) && year <= this_year {
        return None;
    }
    let covered: Vec<String> = packs.iter().map(years_text).collect();
    Some(format!(
        "--year {year} is outside the years of the packs ({}) or in the future; pass the report's year, or --pack NAME / 报告年度 {year} 不在规则包适用年度内",
        covered.join(", ")
    ))
}

/// Why `-o PATH` does not fit `--format`: its extension is another format's.
fn output_mismatch(path: &Path, format: Format) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let expected: &[&str] = match format {
        Format::Json => &[".json"],
        Format::Sarif => &[".sarif", ".sarif.json", ".json"],
        Format::Html => &[".html", ".htm"],
        Format::Junit => &[".xml", ".junit"],
        Format::Human | Format::Github => &[".txt", ".log", ".out"],
    };
    let known = [
        ".json", ".sarif", ".html", ".htm", ".xml", ".txt", ".log", ".out", ".junit",
    ];
    let extension_is_known = known.iter().any(|k| name.ends_with(k));
    if !extension_is_known || expected.iter().any(|e| name.ends_with(e)) {
        return None;
    }
    let suggested = if name.ends_with(".sarif") {
        "sarif"
    } else if name.ends_with(".json") {
        "json"
    } else if name.ends_with(".html") || name.ends_with(".htm") {
        "html"
    } else if name.ends_with(".xml") {
        "junit"
    } else {
        "human"
    };
    Some(format!(
        "-o {} does not fit --format {}; pass --format {suggested}, or name the file for the format / 输出文件扩展名与 --format 不符",
        path.display(),
        format_name(format)
    ))
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Human => "human",
        Format::Json => "json",
        Format::Sarif => "sarif",
        Format::Github => "github",
        Format::Junit => "junit",
        Format::Html => "html",
    }
}

/// The configuration: `--config FILE`, none with `--no-config`, else the nearest regulint.toml.
fn configuration(args: &LintArgs) -> Result<Config, ConfigError> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|cwd| config::find(&cwd)),
    };
    match path {
        Some(path) => config::load(&path),
        None => Ok(Config::default()),
    }
}

/// The renderer for `--format` (or the `--summary` table).
fn emitter(args: &LintArgs, inputs: &[Input], rules: &[RuleInfo]) -> Box<dyn Emitter> {
    if args.summary {
        let names: Vec<String> = inputs.iter().map(Input::name).collect();
        return Box::new(SummaryTable::for_paths(
            names.iter().map(String::as_str),
            args.quiet,
        ));
    }
    match args.format {
        Format::Human => Box::new(Human::new(
            args.quiet,
            args.show_unassessed,
            args.show_known,
        )),
        Format::Json => Box::new(Json::default()),
        Format::Sarif => Box::new(
            Sarif::new(rules, std::env::current_dir().ok())
                .compared_with_baseline(args.baseline.is_some()),
        ),
        Format::Github => Box::new(Github),
        Format::Junit => Box::new(Junit),
        Format::Html => Box::new(crate::render::html::Html::default()),
    }
}

/// Where the output goes, coloured only for the human formats and only when wanted.
fn output(args: &LintArgs) -> anyhow::Result<Box<dyn WriteColor>> {
    let coloured_format = args.format == Format::Human || args.summary;
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let file = BufWriter::new(file);
            Ok(if coloured_format && args.color == ColorWhen::Always {
                Box::new(Ansi::new(file))
            } else {
                Box::new(NoColor::new(file))
            })
        }
        None => {
            let choice = if coloured_format {
                match args.color {
                    ColorWhen::Always => ColorChoice::Always,
                    ColorWhen::Never => ColorChoice::Never,
                    ColorWhen::Auto if std::io::stdout().is_terminal() => ColorChoice::Auto,
                    ColorWhen::Auto => ColorChoice::Never,
                }
            } else {
                ColorChoice::Never
            };
            Ok(Box::new(BufferedStandardStream::stdout(choice)))
        }
    }
}

fn stderr_colour(when: ColorWhen) -> ColorChoice {
    match when {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto if std::io::stderr().is_terminal() => ColorChoice::Auto,
        ColorWhen::Auto => ColorChoice::Never,
    }
}

/// The built-in packs, or the packs of `--rules` files (compile errors are printed; exit 2).
pub(super) fn load_packs(
    files: &[PathBuf],
) -> Result<std::sync::Arc<Vec<crate::dsl::program::Pack>>, ExitStatus> {
    if files.is_empty() {
        return Ok(crate::lint::builtin_packs());
    }
    let mut packs = Vec::new();
    for file in files {
        match crate::packs::from_file(&file.to_string_lossy()) {
            Ok(pack) => packs.push(pack),
            Err(e) => {
                let _ = crate::render::rule_errors(&mut std::io::stderr(), &e.errors, &e.files);
                return Err(ExitStatus::Error);
            }
        }
    }
    Ok(std::sync::Arc::new(packs))
}
