//! Human output through codespan-reporting, like rustc: code and name, message, the source
//! excerpt with the failing cell underlined, evidence labels, the arithmetic, and help.

use crate::diagnostic::{FileReport, Finding, Outcome, Severity};
use crate::source::Source;
use codespan_reporting::diagnostic::{Diagnostic, Label, LabelStyle};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config, Styles, StylesWriter};
use std::ops::Range;

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
        let starts = self.0.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.0.text.len());
        Ok(start..end)
    }
}

/// The codespan diagnostic for a finding.
#[must_use]
pub fn to_diagnostic(finding: &Finding) -> Diagnostic<()> {
    let severity = match finding.severity {
        Severity::Error => codespan_reporting::diagnostic::Severity::Error,
        Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        Severity::Info => codespan_reporting::diagnostic::Severity::Note,
    };
    let mut labels = vec![Label::new(LabelStyle::Primary, (), finding.span.range())];
    labels.extend(
        finding.labels.iter().map(|l| {
            Label::new(LabelStyle::Secondary, (), l.span.range()).with_message(&l.message)
        }),
    );
    let mut notes = finding.notes.clone();
    if finding.outcome == Outcome::NotAssessable {
        notes.insert(0, "无法核验（not assessable）".to_owned());
    }
    if let Some(help) = &finding.help {
        notes.push(format!("help: {help}"));
    }
    if let Some(basis) = &finding.basis {
        notes.push(format!("依据: {basis}"));
    }
    Diagnostic::new(severity)
        .with_code(format!("{}/{}", finding.code, finding.name))
        .with_message(&finding.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Writes a file's findings (or its read error) to `out`.
///
/// # Errors
/// When writing fails.
pub fn write_file(out: &mut dyn WriteColor, report: &FileReport) -> std::io::Result<()> {
    let config = Config::default();
    if let Some(error) = &report.error {
        let diagnostic: Diagnostic<()> = Diagnostic::error()
            .with_code("E0001/unreadable-file")
            .with_message(format!("{}: {error}", report.path));
        let empty = Source::from_text(report.path.clone(), "");
        return emit(out, &config, &OneFile(&empty), &diagnostic);
    }
    let Some(source) = &report.source else {
        return Ok(());
    };
    for finding in &report.findings {
        emit(out, &config, &OneFile(source), &to_diagnostic(finding))?;
    }
    Ok(())
}

fn emit(
    out: &mut dyn WriteColor,
    config: &Config,
    files: &OneFile<'_>,
    diagnostic: &Diagnostic<()>,
) -> std::io::Result<()> {
    let styles = Styles::default();
    let mut writer = StylesWriter::new(out, &styles);
    term::emit_to_write_style(&mut writer, config, files, diagnostic).map_err(|e| match e {
        FilesError::Io(io) => io,
        other => std::io::Error::other(other.to_string()),
    })
}
