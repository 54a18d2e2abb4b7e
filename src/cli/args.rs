//! The command line, as clap derive structs. Doc comments are the `--help` text.

use crate::diagnostic::Severity;
use crate::document::InputFormat;
use crate::source::Encoding;
use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A compliance linter for 政府信息公开工作年度报告 (government information disclosure
/// annual reports).
#[derive(Debug, Parser)]
#[command(name = "regulint", version, about, propagate_version = true)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint report files or folders of reports.
    Lint(Box<LintArgs>),
    /// Show what the reader understood of one report: sections, tables, cells.
    Inspect(InspectArgs),
    /// List the rule packs and their rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Compile rule files and report their errors (exit 2 on error).
    CheckRules(CheckRulesArgs),
    /// Run rule fixtures and compare the diagnostics with their snapshots.
    Test(TestArgs),
    /// Lay out rule files uniformly (indentation, blank lines); `--check` only reports.
    Fmt(FmtArgs),
}

/// `regulint fmt`.
#[derive(Debug, ClapArgs)]
pub struct FmtArgs {
    /// Rule files or folders (every `.rules` file below them).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Change nothing; list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

/// `regulint rules`.
#[derive(Debug, ClapArgs)]
pub struct RulesArgs {
    /// Only this pack.
    #[arg(long, value_name = "NAME")]
    pub pack: Option<String>,
    /// Rule files to list instead of the built-in packs.
    #[arg(long, value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Write one Markdown page per rule into this folder (docs/rules).
    #[arg(long, value_name = "DIR")]
    pub write_docs: Option<PathBuf>,
}

/// `regulint explain`.
#[derive(Debug, ClapArgs)]
pub struct ExplainArgs {
    /// The rule code, e.g. T301.
    pub code: String,
    /// Rule files to look in instead of the built-in packs.
    #[arg(long, value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

/// `regulint check-rules`.
#[derive(Debug, ClapArgs)]
pub struct CheckRulesArgs {
    /// Rule files (each an entry file with a `pack`, or a file of rules), or folders: every
    /// pack in a folder (each `.rules` file declaring `pack`, subfolders included).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// `regulint test`.
#[derive(Debug, ClapArgs)]
pub struct TestArgs {
    /// Test folders (with `fixtures/` and `snapshots/`). Default: `rules`.
    pub dirs: Vec<PathBuf>,
    /// Write the new output as the snapshot where it differs.
    #[arg(long, conflicts_with = "review")]
    pub accept: bool,
    /// Ask, for each difference, whether to accept it.
    #[arg(long)]
    pub review: bool,
    /// Fail when a rule has no fail fixture that makes it fire.
    #[arg(long)]
    pub require_coverage: bool,
}

/// Output formats of `lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with source excerpts, like a compiler.
    Human,
    /// One JSON document (see docs/output.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// JUnit XML.
    Junit,
    /// One HTML page for a whole batch: each report's findings with the text marked, then
    /// a summary table (for supervisors).
    Html,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// When writing to a terminal (and `NO_COLOR` is not set).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The lowest severity that makes `lint` exit with status 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors (and unreadable files).
    Error,
    /// Warnings and errors (and unreadable files).
    Warning,
}

impl FailOn {
    /// As a severity threshold.
    #[must_use]
    pub fn threshold(self) -> Severity {
        match self {
            Self::Error => Severity::Error,
            Self::Warning => Severity::Warning,
        }
    }
}

/// The lowest severity shown (`--min-severity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Everything (the default).
    Info,
}

impl MinSeverity {
    /// As a severity.
    #[must_use]
    pub fn severity(self) -> Severity {
        match self {
            Self::Error => Severity::Error,
            Self::Warning => Severity::Warning,
            Self::Info => Severity::Info,
        }
    }
}

/// `regulint lint`.
#[derive(Debug, ClapArgs)]
pub struct LintArgs {
    /// Files or folders to lint; `-` reads standard input. Folders are searched recursively,
    /// respecting .gitignore, for .txt .md .html .htm .shtml .docx .json files. Default: `.`.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the output to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Exit with status 0 even when there are findings (2 still means regulint could not do
    /// its job).
    #[arg(long)]
    pub exit_zero: bool,

    /// Leave out findings below this severity, in every output format; they do not count for
    /// the exit status either.
    #[arg(long, value_enum, value_name = "LEVEL", conflicts_with = "errors_only")]
    pub min_severity: Option<MinSeverity>,

    /// Errors only: the same as `--min-severity error` (what `eslint --quiet` does).
    #[arg(long, short = 'E')]
    pub errors_only: bool,

    /// Human output: show every result that could not be assessed (blank cells in a sum)
    /// instead of one line per report.
    #[arg(long)]
    pub show_unassessed: bool,

    /// Human output: show the findings a baseline or waiver accepts instead of one line per
    /// report.
    #[arg(long)]
    pub show_known: bool,

    /// Report the findings whose fingerprints are in this baseline file as known: they are
    /// shown folded and do not fail the run (see `--write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write every finding of this run to a baseline file (JSON, documented in
    /// docs/output.md), then exit 0 unless regulint could not do its job.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Report only rules whose code starts with one of these (e.g. T3,D001). Replaces
    /// `select` in regulint.toml.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Never report rules whose code starts with one of these. Replaces `ignore` in
    /// regulint.toml.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub ignore: Option<Vec<String>>,

    /// Add these codes (prefixes) to the selection of regulint.toml instead of replacing it.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Add these codes (prefixes) to the ignored ones of regulint.toml instead of replacing
    /// them.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub extend_ignore: Vec<String>,

    /// Do not respect .gitignore, .ignore and git exclude files when walking folders.
    #[arg(long)]
    pub no_ignore: bool,

    /// Walk hidden files and folders too.
    #[arg(long)]
    pub hidden: bool,

    /// Lint on N threads (default: one per core; at most four per core are started).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,

    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Print only a table: one row per file with its counts and status.
    #[arg(long)]
    pub summary: bool,

    /// Print findings only: no closing summary, no progress bar, no encoding notes (the
    /// one-line notes for folded results stay). To leave out warnings and infos, use
    /// `--min-severity` or `-E`.
    #[arg(long, short)]
    pub quiet: bool,

    /// Read text files in this encoding instead of detecting it (utf-8, utf-16le, utf-16be,
    /// gb18030).
    #[arg(long, value_name = "ENC")]
    pub encoding: Option<Encoding>,

    /// Read files as this format instead of detecting it (text, markdown, html, docx, json).
    #[arg(long, value_name = "FMT", value_parser = parse_input_format)]
    pub input_format: Option<InputFormat>,

    /// Check against this pack (gov-2019, gov-2021) instead of choosing by report year.
    #[arg(long, value_name = "NAME")]
    pub pack: Option<String>,

    /// Take this as the report year instead of reading it from the report.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,

    /// Use the packs in these rule files instead of the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Last year's reports (files or folders; may be the folder being linted): each report
    /// is compared with its agency's previous report (rules that read `previous`). They are
    /// read, not linted.
    #[arg(long, value_name = "PATH")]
    pub previous: Vec<PathBuf>,

    /// The roster of agencies that must report (CSV or TOML): agencies without a report,
    /// reports from agencies not in it, and each agency's level for the rules.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,

    /// Use this configuration file instead of searching for regulint.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any regulint.toml.
    #[arg(long)]
    pub no_config: bool,
}

/// Output formats of `inspect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// An indented tree.
    Tree,
    /// JSON.
    Json,
}

/// `regulint inspect`.
#[derive(Debug, ClapArgs)]
pub struct InspectArgs {
    /// The report.
    pub path: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Tree)]
    pub format: InspectFormat,

    /// Print the text that spans and `FILE:LINE:COL` refer to, with line numbers (for a PDF:
    /// the extracted text with page marks; for DOCX: `word/document.xml`).
    #[arg(long)]
    pub text: bool,

    /// Read the file in this encoding instead of detecting it.
    #[arg(long, value_name = "ENC")]
    pub encoding: Option<Encoding>,

    /// Read the file as this format instead of detecting it.
    #[arg(long, value_name = "FMT", value_parser = parse_input_format)]
    pub input_format: Option<InputFormat>,
}

fn parse_input_format(text: &str) -> Result<InputFormat, String> {
    Ok(match text.to_ascii_lowercase().as_str() {
        "text" | "txt" => InputFormat::Text,
        "markdown" | "md" => InputFormat::Markdown,
        "html" | "htm" => InputFormat::Html,
        "docx" => InputFormat::Docx,
        "json" => InputFormat::Json,
        "pdf" => InputFormat::Pdf,
        other => {
            return Err(format!(
                "unknown input format `{other}`; expected text, markdown, html, docx, json or pdf"
            ));
        }
    })
}
