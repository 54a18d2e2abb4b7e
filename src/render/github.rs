//! GitHub Actions workflow commands: one `::error …::message` line per finding, which the
//! runner turns into annotations on the pull request.
//!
//! See "Workflow commands for GitHub Actions": message data escapes `%`, CR and LF; property
//! values additionally escape `:` and `,`.

use super::{Emitter, Location, UNREADABLE_CODE, UNREADABLE_NAME};
use crate::diagnostic::{FileReport, Outcome, Severity, Summary};
use codespan_reporting::term::termcolor::WriteColor;
use std::io;

/// The GitHub annotations format.
#[derive(Debug, Default)]
pub struct Github;

impl Emitter for Github {
    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()> {
        if let Some(error) = &report.error {
            return writeln!(
                out,
                "::error file={},title={}::{}",
                escape_property(&report.path),
                escape_property(&format!("{UNREADABLE_CODE} {UNREADABLE_NAME}")),
                escape_data(error)
            );
        }
        let Some(source) = &report.source else {
            return Ok(());
        };
        // Findings a baseline or waiver accepts are not annotated: they are decided.
        for finding in report.findings.iter().filter(|f| !f.is_known()) {
            let at = Location::of(source, finding.span);
            let command = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = finding.message.clone();
            if finding.outcome == Outcome::NotAssessable {
                message.push_str("\n无法核验");
            }
            for note in &finding.notes {
                message.push('\n');
                message.push_str(note);
            }
            if let Some(help) = &finding.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            if let Some(basis) = &finding.basis {
                message.push_str("\n依据: ");
                message.push_str(basis);
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&report.path),
                at.line,
                at.column,
                at.end_line,
                at.end_column,
                escape_property(&format!("{} {}", finding.code, finding.name)),
                escape_data(&message)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
        // Findings about the collection: on the roster or report they concern.
        for finding in &summary.collection {
            let command = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut at = String::new();
            if let Some(file) = &finding.file {
                at.push_str(&format!("file={},", escape_property(file)));
            }
            if let Some(line) = finding.line {
                at.push_str(&format!("line={line},"));
            }
            writeln!(
                out,
                "::{command} {at}title={}::{}",
                escape_property(&format!("{} {}", finding.code, finding.name)),
                escape_data(&finding.message)
            )?;
        }
        Ok(())
    }
}

/// Escapes a command's message.
#[must_use]
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
#[must_use]
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
