//! Linting one file: read it, pick the pack, evaluate, and collect findings.

use crate::diagnostic::{FileReport, Finding, Outcome, Severity};
use crate::document::{self, ProblemKind, ReadOptions};

/// Options for linting.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// How to read files.
    pub read: ReadOptions,
}

/// Lints one file's bytes. Never fails: an unreadable file is a report with an error.
#[must_use]
pub fn lint_bytes(path: &str, bytes: &[u8], options: &LintOptions) -> FileReport {
    let loaded = match document::load(path, bytes, options.read) {
        Ok(loaded) => loaded,
        Err(error) => return FileReport::unreadable(path, error),
    };
    let mut findings: Vec<Finding> = loaded
        .document
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::RowShape)
        .map(|p| Finding {
            code: "D001".into(),
            name: "table-row-shape".into(),
            severity: Severity::Error,
            outcome: Outcome::Fail,
            message: p.message.clone(),
            span: p.span,
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            basis: None,
        })
        .collect();
    findings.sort_by(|a, b| a.span.cmp(&b.span).then_with(|| a.code.cmp(&b.code)));
    FileReport {
        path: path.to_owned(),
        format: Some(loaded.document.format),
        encoding: Some(loaded.source.encoding),
        pack: None,
        year: loaded.document.title.as_ref().and_then(|t| t.year),
        source: Some(loaded.source),
        findings,
        error: None,
    }
}
