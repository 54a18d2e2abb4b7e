//! Human output through codespan-reporting, like rustc: code and name, message, the source
//! excerpt with the failing cell underlined, evidence labels, the arithmetic, and help.

use super::window::Windowed;
use super::{Emitter, UNREADABLE_CODE, UNREADABLE_NAME};
use crate::diagnostic::{FileReport, FileStatus, Finding, Known, Outcome, Severity, Summary};
use crate::document::CellValue;
use crate::escape::{Escaped, visible};
use crate::source::{Source, Span};
use codespan_reporting::diagnostic::{Diagnostic, Label, LabelStyle};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config, Styles, StylesWriter};
use std::io;
use std::ops::Range;
use unicode_width::UnicodeWidthStr;

/// Adapts one [`Source`] to codespan's `Files`.
struct OneFile<'a>(&'a Source);

impl<'a> Files<'a> for OneFile<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.0.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.0.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.0.line_index(byte_index))
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        line_range(self.0, line_index)
    }
}

/// A source's line range, or codespan's error for a line past the end.
fn line_range(source: &Source, line_index: usize) -> Result<Range<usize>, FilesError> {
    source
        .line_range(line_index)
        .ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: source.line_starts().len() - 1,
        })
}

/// The codespan diagnostic for a finding.
#[must_use]
pub fn to_diagnostic(finding: &Finding) -> Diagnostic<()> {
    to_diagnostic_mapped(finding, &|span: Span| span.range())
}

/// The codespan diagnostic with spans mapped into a view of the source.
fn to_diagnostic_mapped(finding: &Finding, map: &dyn Fn(Span) -> Range<usize>) -> Diagnostic<()> {
    let severity = match finding.severity {
        Severity::Error => codespan_reporting::diagnostic::Severity::Error,
        Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        Severity::Info => codespan_reporting::diagnostic::Severity::Note,
    };
    let mut labels = vec![Label::new(LabelStyle::Primary, (), map(finding.span))];
    // Labels in another report are drawn after the diagnostic, under that file's name.
    labels.extend(finding.labels.iter().filter(|l| l.file.is_none()).map(|l| {
        Label::new(LabelStyle::Secondary, (), map(l.span)).with_message(visible(&l.message))
    }));
    // Messages quote report text: escape what could drive the terminal.
    let mut notes: Vec<String> = finding
        .notes
        .iter()
        .map(|n| visible(n).into_owned())
        .collect();
    if finding.outcome == Outcome::NotAssessable {
        notes.insert(0, "无法核验".to_owned());
    }
    match &finding.triage.known {
        Some(Known::Baseline) => {
            notes.insert(0, "已知问题：在基线中（known: in the baseline）".to_owned())
        }
        Some(Known::Waiver { reason, at, .. }) => {
            notes.insert(0, format!("已豁免（waived at {at}）：{}", visible(reason)));
        }
        None => {}
    }
    if let Some(help) = &finding.help {
        notes.push(format!("help: {}", visible(help)));
    }
    if let Some(basis) = &finding.basis {
        notes.push(format!("依据: {basis}"));
    }
    Diagnostic::new(severity)
        .with_code(format!("{}/{}", finding.code, finding.name))
        .with_message(visible(&finding.message))
        .with_labels(labels)
        .with_notes(notes)
}

/// Writes a file's findings (or its read error) to `out`, all of them, in report order.
///
/// # Errors
/// When writing fails.
pub fn write_file(out: &mut dyn WriteColor, report: &FileReport) -> std::io::Result<()> {
    let all: Vec<&Finding> = report.findings.iter().collect();
    write_findings(out, report, &all)
}

/// A file's text as the human output shows it: text with control or bidi characters is shown
/// through an escaped copy, and spans move with the escapes. Nearly every file needs none, and
/// then nothing is copied.
struct Shown<'a> {
    original: &'a Source,
    escaped: Option<(Escaped, Source)>,
}

impl<'a> Shown<'a> {
    fn new(original: &'a Source) -> Self {
        let escaped = Escaped::new(&original.text).map(|e| {
            let source = Source::from_text(original.name.clone(), e.text.clone());
            (e, source)
        });
        Self { original, escaped }
    }

    fn source(&self) -> &Source {
        self.escaped.as_ref().map_or(self.original, |(_, s)| s)
    }

    /// A span of the original text, in the shown text.
    fn shift(&self, span: Span) -> Span {
        match &self.escaped {
            Some((e, _)) => Span::new(e.map(span.start as usize), e.map(span.end as usize)),
            None => span,
        }
    }
}

/// Writes the given findings of a file (or its read error) to `out`.
fn write_findings(
    out: &mut dyn WriteColor,
    report: &FileReport,
    findings: &[&Finding],
) -> std::io::Result<()> {
    let config = Config::default();
    if let Some(error) = &report.error {
        let diagnostic: Diagnostic<()> = Diagnostic::error()
            .with_code(format!("{UNREADABLE_CODE}/{UNREADABLE_NAME}"))
            .with_message(visible(&format!("{}: {error}", report.path)));
        let empty = Source::from_text(report.path.clone(), "");
        return emit(out, &config, &OneFile(&empty), &diagnostic);
    }
    let Some(original) = &report.source else {
        return Ok(());
    };
    let shown = Shown::new(original);
    let source = shown.source();
    let shift = |span: Span| shown.shift(span);
    for &finding in findings {
        let spans: Vec<Span> = std::iter::once(finding.span)
            .chain(
                finding
                    .labels
                    .iter()
                    .filter(|l| l.file.is_none())
                    .map(|l| l.span),
            )
            .map(shift)
            .collect();
        if Windowed::needed(source, &spans) {
            let view = Windowed::new(source, &spans);
            let diagnostic = to_diagnostic_mapped(finding, &|span| view.map(shift(span)));
            emit(out, &config, &view, &diagnostic)?;
        } else {
            let diagnostic = to_diagnostic_mapped(finding, &|span| shift(span).range());
            emit(out, &config, &OneFile(source), &diagnostic)?;
        }
        write_elsewhere(out, &config, finding)?;
    }
    Ok(())
}

/// The labels of a finding that are in another report (last year's), drawn as a note under
/// that file's name, one note per file.
fn write_elsewhere(out: &mut dyn WriteColor, config: &Config, finding: &Finding) -> io::Result<()> {
    let mut files: Vec<&crate::diagnostic::OtherFile> = Vec::new();
    for label in &finding.labels {
        if let Some(file) = &label.file
            && !files.contains(&file)
        {
            files.push(file);
        }
    }
    for file in files {
        let shown = Shown::new(&file.0);
        let source = shown.source();
        let shift = |span: Span| shown.shift(span);
        let mine: Vec<&crate::diagnostic::Label> = finding
            .labels
            .iter()
            .filter(|l| l.file.as_ref() == Some(file))
            .collect();
        let spans: Vec<Span> = mine.iter().map(|l| shift(l.span)).collect();
        let map = |span: Span| -> Range<usize> { shift(span).range() };
        let note = |map: &dyn Fn(Span) -> Range<usize>| {
            Diagnostic::note()
                .with_message(format!(
                    "{} 的对应位置 / where {} is in the other report",
                    finding.code, finding.code
                ))
                .with_labels(
                    mine.iter()
                        .map(|l| {
                            Label::new(LabelStyle::Secondary, (), map(l.span))
                                .with_message(visible(&l.message))
                        })
                        .collect(),
                )
        };
        if Windowed::needed(source, &spans) {
            let view = Windowed::new(source, &spans);
            emit(out, config, &view, &note(&|span| view.map(shift(span))))?;
        } else {
            emit(out, config, &OneFile(source), &note(&map))?;
        }
    }
    Ok(())
}

fn emit<'f>(
    out: &mut dyn WriteColor,
    config: &Config,
    files: &'f impl Files<'f, FileId = ()>,
    diagnostic: &Diagnostic<()>,
) -> std::io::Result<()> {
    let styles = Styles::default();
    let mut writer = StylesWriter::new(out, &styles);
    term::emit_to_write_style(&mut writer, config, files, diagnostic).map_err(|e| match e {
        FilesError::Io(io) => io,
        other => std::io::Error::other(other.to_string()),
    })
}

/// The human format: each finding as a rustc-style diagnostic, then (unless quiet) a summary
/// that leads with the files that have errors.
///
/// What matters comes first: within a file, errors, then warnings, then notes (each group in
/// report order). Results that could not be assessed (a blank cell in a sum) are folded into
/// one line per report unless `show_unassessed`, and findings a baseline or a waiver accepts
/// into another unless `show_known`. Machine formats are never folded.
#[derive(Debug, Default)]
pub struct Human {
    /// Leave out the closing summary and the encoding notes.
    pub quiet: bool,
    /// Show every not-assessable result instead of one line per report.
    pub show_unassessed: bool,
    /// Show findings accepted by a baseline or waiver instead of one line per report.
    pub show_known: bool,
    /// Files with errors and how many, for the summary.
    with_errors: Vec<(String, usize)>,
}

impl Human {
    /// The human format with these switches.
    #[must_use]
    pub fn new(quiet: bool, show_unassessed: bool, show_known: bool) -> Self {
        Self {
            quiet,
            show_unassessed,
            show_known,
            with_errors: Vec::new(),
        }
    }
}

/// What the human format leaves out of one report, and says so in one line each.
#[derive(Debug, Default, PartialEq, Eq)]
struct Folded {
    /// Not-assessable results (rules).
    unassessed: usize,
    /// Blank value cells in the report's tables (what makes them not assessable).
    blank_cells: usize,
    /// Findings accepted by the baseline.
    baseline: usize,
    /// Findings accepted by a waiver.
    waived: usize,
}

/// The findings to show, most severe first (report order within a severity), and what is
/// folded.
fn triage(report: &FileReport, show_unassessed: bool, show_known: bool) -> (Vec<&Finding>, Folded) {
    let mut folded = Folded::default();
    let mut shown = Vec::new();
    for finding in &report.findings {
        match &finding.triage.known {
            Some(Known::Baseline) if !show_known => folded.baseline += 1,
            Some(Known::Waiver { .. }) if !show_known => folded.waived += 1,
            _ if finding.outcome == Outcome::NotAssessable && !show_unassessed => {
                folded.unassessed += 1;
            }
            _ => shown.push(finding),
        }
    }
    // Stable: report order is kept within a severity.
    shown.sort_by_key(|f| std::cmp::Reverse(f.severity));
    if folded.unassessed > 0 {
        folded.blank_cells = report.document.as_deref().map_or(0, blank_value_cells);
    }
    (shown, folded)
}

/// Blank or unfilled (`/`, `—`, or no cell at all) value positions of the tables' data rows.
fn blank_value_cells(document: &crate::document::Document) -> usize {
    document
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .filter(|r| r.kind == crate::document::RowKind::Data && !r.malformed)
        .flat_map(|r| {
            r.aligned.iter().map(|cell| {
                cell.is_none_or(|i| {
                    matches!(
                        r.cells[i].value,
                        CellValue::Blank | CellValue::NotApplicable { .. }
                    )
                })
            })
        })
        .filter(|&blank| blank)
        .count()
}

fn write_folded(out: &mut dyn WriteColor, path: &str, folded: &Folded) -> io::Result<()> {
    let note = |out: &mut dyn WriteColor| -> io::Result<()> {
        out.set_color(ColorSpec::new().set_bold(true).set_fg(Some(Color::Blue)))?;
        write!(out, "note")?;
        out.reset()?;
        write!(out, ": {path}: ")
    };
    if folded.unassessed > 0 {
        note(out)?;
        if folded.blank_cells > 0 {
            writeln!(
                out,
                "{} 项勾稽关系因 {} 个空白单元格无法核验，见 --show-unassessed",
                folded.unassessed, folded.blank_cells
            )?;
        } else {
            writeln!(
                out,
                "{} 项勾稽关系无法核验，见 --show-unassessed",
                folded.unassessed
            )?;
        }
    }
    if folded.baseline + folded.waived > 0 {
        note(out)?;
        let mut parts = Vec::new();
        if folded.baseline > 0 {
            parts.push(format!("{} 项在基线中", folded.baseline));
        }
        if folded.waived > 0 {
            parts.push(format!("{} 项已豁免", folded.waived));
        }
        writeln!(
            out,
            "{} 项已知问题未显示（{}），见 --show-known",
            folded.baseline + folded.waived,
            parts.join("，")
        )?;
    }
    Ok(())
}

impl Emitter for Human {
    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()> {
        // A file that was not plain UTF-8 says how it was read, so a wrong guess is visible.
        if !self.quiet
            && let Some(encoding) = report.encoding
            && encoding.name() != "utf-8"
        {
            writeln!(out, "note: {}: read as {}", report.path, encoding.name())?;
        }
        let errors = report.count(Severity::Error);
        if errors > 0 || report.error.is_some() {
            self.with_errors.push((report.path.clone(), errors));
        }
        let (shown, folded) = triage(report, self.show_unassessed, self.show_known);
        write_findings(out, report, &shown)?;
        write_folded(out, &report.path, &folded)
    }

    fn finish(&mut self, out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
        // Findings about the collection are findings: shown even when quiet.
        write_collection(out, &summary.collection)?;
        if self.quiet {
            return Ok(());
        }
        write_files_with_errors(out, &self.with_errors)?;
        write_summary(out, summary)
    }
}

/// The findings about the collection as a whole (duplicates, the roster), one line each
/// with the file (and line) they are about. Written even when quiet: they are findings.
pub fn write_collection(
    out: &mut dyn WriteColor,
    findings: &[crate::collection::CollectionFinding],
) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    out.set_color(ColorSpec::new().set_bold(true))?;
    writeln!(out, "整批报告 / the collection ({}):", findings.len())?;
    out.reset()?;
    for finding in findings {
        let colour = match finding.severity {
            Severity::Error => Color::Red,
            Severity::Warning => Color::Yellow,
            Severity::Info => Color::Blue,
        };
        out.set_color(ColorSpec::new().set_bold(true).set_fg(Some(colour)))?;
        let level = match finding.severity {
            Severity::Info => "note",
            other => other.name(),
        };
        write!(out, "{level}[{}/{}]", finding.code, finding.name)?;
        out.reset()?;
        writeln!(out, ": {}", visible(&finding.message))?;
        match (&finding.file, finding.line) {
            (Some(file), Some(line)) => writeln!(out, "  --> {file}:{line}")?,
            (Some(file), None) => writeln!(out, "  --> {file}")?,
            _ => {}
        }
        if let Some(help) = &finding.help {
            writeln!(out, "  = help: {}", visible(help))?;
        }
    }
    writeln!(out)
}

/// How many files with errors the summary names before it says "and N more".
const ERROR_FILES_SHOWN: usize = 30;

/// The summary's first part: the files that need work, most errors first.
fn write_files_with_errors(out: &mut dyn WriteColor, files: &[(String, usize)]) -> io::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut files: Vec<&(String, usize)> = files.iter().collect();
    files.sort_by_key(|(path, n)| (std::cmp::Reverse(*n), path.clone()));
    out.set_color(ColorSpec::new().set_bold(true).set_fg(Some(Color::Red)))?;
    write!(out, "有错误的报告 / files with errors")?;
    out.reset()?;
    writeln!(out, " ({}):", files.len())?;
    for (path, n) in files.iter().take(ERROR_FILES_SHOWN) {
        if *n == 0 {
            writeln!(out, "  {path}  (unreadable)")?;
        } else {
            writeln!(
                out,
                "  {path}  {n} {}",
                if *n == 1 { "error" } else { "errors" }
            )?;
        }
    }
    if files.len() > ERROR_FILES_SHOWN {
        writeln!(out, "  … and {} more", files.len() - ERROR_FILES_SHOWN)?;
    }
    Ok(())
}

/// How many skipped files the summary names before it says "and N more".
const SKIPPED_SHOWN: usize = 20;

/// Names the files a walk passed over, and the configuration file used.
fn write_skipped_and_config(out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
    if !summary.skipped.is_empty() {
        let n = summary.skipped.len();
        writeln!(
            out,
            "{n} {} skipped (not linted):",
            if n == 1 {
                "report file"
            } else {
                "report files"
            }
        )?;
        for skipped in summary.skipped.iter().take(SKIPPED_SHOWN) {
            writeln!(out, "  {}: {}", skipped.path, skipped.reason)?;
        }
        if n > SKIPPED_SHOWN {
            writeln!(out, "  … and {} more", n - SKIPPED_SHOWN)?;
        }
    }
    if let Some(config) = &summary.config {
        writeln!(out, "configuration: {config}")?;
    }
    Ok(())
}

/// Writes the closing summary: file counts, then findings per rule.
///
/// # Errors
/// When writing fails.
pub fn write_summary(out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "{}", plural(summary.files, "file", "files"))?;
    out.reset()?;
    writeln!(
        out,
        ": {} clean, {} with errors, {} with warnings, {} unreadable",
        summary.clean, summary.with_errors, summary.with_warnings, summary.unreadable
    )?;
    write_skipped_and_config(out, summary)?;
    if summary.known > 0 {
        writeln!(
            out,
            "{} accepted by the baseline or a waiver (not counted below)",
            plural(summary.known, "known finding", "known findings")
        )?;
    }
    let counts = summary.findings_by_severity;
    let total = counts.error + counts.warning + counts.info;
    if total == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "{}: {}, {}, {}",
        plural(total, "finding", "findings"),
        plural(counts.error, "error", "errors"),
        plural(counts.warning, "warning", "warnings"),
        plural(counts.info, "info", "infos"),
    )?;
    for (code, n) in &summary.findings_by_rule {
        writeln!(out, "  {code:<8} {n:>6}")?;
    }
    Ok(())
}

/// `--summary`: one row per file (path, errors, warnings, infos, status), then the totals.
#[derive(Debug)]
pub struct SummaryTable {
    /// Display width of the path column (the widest path in the batch).
    pub path_width: usize,
    /// Leave out the closing totals.
    pub quiet: bool,
}

impl SummaryTable {
    /// A table wide enough for `paths`.
    #[must_use]
    pub fn for_paths<'a>(paths: impl IntoIterator<Item = &'a str>, quiet: bool) -> Self {
        let path_width = paths
            .into_iter()
            .map(UnicodeWidthStr::width)
            .max()
            .unwrap_or(0)
            .max("path".len());
        Self { path_width, quiet }
    }

    fn pad(&self, text: &str) -> String {
        let fill = self.path_width.saturating_sub(text.width());
        format!("{text}{}", " ".repeat(fill))
    }
}

impl Emitter for SummaryTable {
    fn begin(&mut self, out: &mut dyn WriteColor) -> io::Result<()> {
        out.set_color(ColorSpec::new().set_bold(true))?;
        write!(
            out,
            "{}  {:>6}  {:>8}  {:>5}  status",
            self.pad("path"),
            "errors",
            "warnings",
            "infos"
        )?;
        out.reset()?;
        writeln!(out)
    }

    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()> {
        let status = report.status();
        write!(
            out,
            "{}  {:>6}  {:>8}  {:>5}  ",
            self.pad(&report.path),
            report.count(Severity::Error),
            report.count(Severity::Warning),
            report.count(Severity::Info),
        )?;
        let colour = match status {
            FileStatus::Clean => Color::Green,
            FileStatus::Warnings => Color::Yellow,
            FileStatus::Errors | FileStatus::Unreadable => Color::Red,
        };
        out.set_color(ColorSpec::new().set_fg(Some(colour)))?;
        write!(out, "{}", status.name())?;
        out.reset()?;
        match &report.error {
            Some(error) => writeln!(out, " ({error})"),
            None => writeln!(out),
        }
    }

    fn finish(&mut self, out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
        if !summary.collection.is_empty() {
            writeln!(out)?;
            write_collection(out, &summary.collection)?;
        }
        if self.quiet {
            return Ok(());
        }
        writeln!(out)?;
        write_summary(out, summary)
    }
}
