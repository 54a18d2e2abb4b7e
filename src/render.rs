//! Step 6: findings → bytes. Renderers format; they decide nothing.

pub mod human;

use crate::dsl::error::RuleError;
use crate::dsl::program::RuleFiles;
use codespan_reporting::term::{self, Config};
use std::io::Write;

/// Writes rule-file errors (uncoloured) with the offending spot underlined.
///
/// # Errors
/// When writing fails.
pub fn rule_errors(
    out: &mut dyn Write,
    errors: &[RuleError],
    files: &RuleFiles,
) -> std::io::Result<()> {
    let config = Config::default();
    for error in errors {
        term::emit_to_io_write(out, &config, files, &error.to_diagnostic()).map_err(
            |e| match e {
                codespan_reporting::files::Error::Io(io) => io,
                other => std::io::Error::other(other.to_string()),
            },
        )?;
    }
    Ok(())
}
