//! Step 6: findings → bytes. Renderers format; they decide nothing.
//!
//! Every renderer is an [`Emitter`]: it is told when a batch begins, gets each file's report in
//! order as soon as it is ready (so output streams), and writes whatever closes the document
//! when the batch ends. Positions are computed here once, by [`Location::of`], so that every
//! machine-readable format agrees on lines, columns and byte offsets.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod window;

use crate::diagnostic::{FileReport, Summary};
use crate::source::{Source, Span};
use codespan_reporting::term::termcolor::WriteColor;
use std::io;

/// The code under which an unreadable file is reported where a format needs a rule code.
pub const UNREADABLE_CODE: &str = "E0001";
/// The name that goes with [`UNREADABLE_CODE`].
pub const UNREADABLE_NAME: &str = "unreadable-file";

/// A renderer that streams a batch: `begin`, then `file` once per file in order, then `finish`.
pub trait Emitter {
    /// Writes what opens the document.
    ///
    /// # Errors
    /// When writing fails.
    fn begin(&mut self, _out: &mut dyn WriteColor) -> io::Result<()> {
        Ok(())
    }

    /// Writes one file's report.
    ///
    /// # Errors
    /// When writing fails.
    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()>;

    /// Writes what closes the document.
    ///
    /// # Errors
    /// When writing fails.
    fn finish(&mut self, _out: &mut dyn WriteColor, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Where a span is, as every output format reports it.
///
/// Lines are 1-based and count the lines of the original file (decoding keeps line breaks).
/// Columns are 1-based and count characters (Unicode scalar values), as editors do; the end
/// position is exclusive (the character just after the span). Byte offsets are into the
/// *original* file, so they stay right for GB18030 and UTF-16 input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// First line.
    pub line: usize,
    /// First column.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column just past the end.
    pub end_column: usize,
    /// Start byte offset in the original file.
    pub byte_start: usize,
    /// End byte offset (exclusive) in the original file.
    pub byte_end: usize,
}

impl Location {
    /// The location of `span` in `source`.
    #[must_use]
    pub fn of(source: &Source, span: Span) -> Self {
        let start = source.line_col(span.start as usize);
        let end = source.line_col(span.end as usize);
        let byte_start = source.original_offset(span.start as usize);
        let byte_end = source.original_offset(span.end as usize).max(byte_start);
        Self {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            byte_start,
            byte_end,
        }
    }
}

/// Writes rule-file errors (uncoloured) with the offending spot underlined.
///
/// # Errors
/// When writing fails.
pub fn rule_errors(
    out: &mut dyn std::io::Write,
    errors: &[crate::dsl::error::RuleError],
    files: &crate::dsl::program::RuleFiles,
) -> io::Result<()> {
    let config = codespan_reporting::term::Config::default();
    for error in errors {
        codespan_reporting::term::emit_to_io_write(out, &config, files, &error.to_diagnostic())
            .map_err(|e| match e {
                codespan_reporting::files::Error::Io(io) => io,
                other => io::Error::other(other.to_string()),
            })?;
    }
    Ok(())
}
