//! `regulint lint PATH…`: configuration, file discovery, the parallel batch, the renderer and
//! the exit status.

use super::ExitStatus;
use super::args::{ColorWhen, Format, LintArgs, MinSeverity};
use crate::baseline::{self, Baseline};
use crate::batch::{self, Input, Run};
use crate::config::{self, Config, ConfigError, Policy};
use crate::diagnostic::{FileReport, RuleInfo, Severity, Summary};
use crate::document::ReadOptions;
use crate::lint::{LintOptions, lint_bytes};
use crate::render::human::{Human, SummaryTable};
use crate::render::{Emitter, github::Github, json::Json, junit::Junit, sarif::Sarif};
use anyhow::Context as _;
use codespan_reporting::term::termcolor::{
    Ansi, BufferedStandardStream, ColorChoice, NoColor, StandardStream, WriteColor,
};
use std::io::{BufWriter, IsTerminal as _};
use std::path::PathBuf;

pub(super) fn run(args: &LintArgs) -> anyhow::Result<ExitStatus> {
    let config = match configuration(args) {
        Ok(config) => config,
        Err(error) => {
            let mut stderr = StandardStream::stderr(stderr_colour(args.color));
            error.render(&mut stderr)?;
            return Ok(ExitStatus::Error);
        }
    };
    for code in args.select.iter().chain(&args.ignore).flatten() {
        if let Err(message) = config::check_code(code) {
            eprintln!("regulint: error: {message}");
            return Ok(ExitStatus::Error);
        }
    }
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
    let packs = match load_packs(&args.rules) {
        Ok(packs) => packs,
        Err(status) => return Ok(status),
    };
    let pack = args.pack.clone().or(config.pack.clone());
    if let Some(name) = &pack
        && crate::packs::by_name(&packs, name).is_none()
    {
        let names: Vec<&str> = packs.iter().map(|p| p.name.as_str()).collect();
        eprintln!(
            "regulint: error: unknown pack `{name}`; expected one of {}",
            names.join(", ")
        );
        return Ok(ExitStatus::Error);
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
    let policy = Policy {
        select: args.select.clone().or(config.select).unwrap_or_default(),
        ignore: args.ignore.clone().or(config.ignore).unwrap_or_default(),
        severity: config.severity,
    };

    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let walk = batch::Walk {
        no_ignore: args.no_ignore,
        hidden: args.hidden,
    };
    let collected = batch::collect(&paths, config.exclude.as_ref(), walk);
    for (path, error) in &collected.missing {
        eprintln!("regulint: error: {}: {error}", batch::display(path));
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

    let mut out = output(args)?;
    // One description per code: both built-in packs share most codes, and SARIF rule ids
    // should be unique (the newest pack's wording is kept).
    let mut rules: Vec<RuleInfo> = Vec::new();
    for info in packs.iter().flat_map(|p| p.rule_infos()) {
        if !rules.iter().any(|r| r.code == info.code) {
            rules.push(info);
        }
    }
    let mut emitter = emitter(args, &collected.inputs, &rules);
    let options = LintOptions {
        read: ReadOptions {
            format: args.input_format,
            encoding: args.encoding,
        },
        pack,
        year: args.year,
        packs: Some(packs),
        only: None,
    };
    let lint = |input: &Input| -> FileReport {
        let name = input.name();
        match batch::read(input) {
            Ok(bytes) => {
                let mut report = lint_bytes(&name, &bytes, &options);
                policy.apply(&mut report);
                report.findings.retain(|f| f.severity >= min_severity);
                if let Some(baseline) = &baseline {
                    baseline.apply(&mut report);
                }
                report
            }
            Err(error) => FileReport::unreadable(name, error),
        }
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
        summary.add(&report);
        if let Some(writer) = &mut baseline_writer {
            writer.add(&report);
        }
        emitter.file(&mut *out, &report)?;
        // Stream: each file's output leaves as soon as it is written.
        out.flush()
    })?;
    emitter.finish(&mut *out, &summary)?;
    out.flush()?;
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
