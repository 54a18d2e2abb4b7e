//! Errors in rule files, from parsing and compiling, converted to diagnostics in one place.
//!
//! Messages follow one style: a single sentence, lower-case start for English words, no final
//! period, the user's text in backticks; extra guidance goes in `help`.

use crate::source::Span;
use codespan_reporting::diagnostic::{Diagnostic, Label};

/// Index of a rule file in a [`RuleFiles`](super::program::RuleFiles) set.
pub type RuleFileId = usize;

/// One error in a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// The file.
    pub file: RuleFileId,
    /// Where.
    pub span: Span,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Secondary labels (e.g. the first definition of a duplicate code).
    pub labels: Vec<(RuleFileId, Span, String)>,
    /// How to fix it.
    pub help: Option<String>,
}

impl RuleError {
    /// An error at `span`.
    #[must_use]
    pub fn new(file: RuleFileId, span: Span, message: impl Into<String>) -> Self {
        Self {
            file,
            span,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    /// Adds help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, file: RuleFileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push((file, span, message.into()));
        self
    }

    /// The codespan diagnostic.
    #[must_use]
    pub fn to_diagnostic(&self) -> Diagnostic<RuleFileId> {
        let mut labels = vec![Label::primary(self.file, self.span.range())];
        labels.extend(self.labels.iter().map(|(file, span, message)| {
            Label::secondary(*file, span.range()).with_message(message)
        }));
        let mut diagnostic = Diagnostic::error()
            .with_message(&self.message)
            .with_labels(labels);
        if let Some(help) = &self.help {
            diagnostic = diagnostic.with_notes(vec![format!("help: {help}")]);
        }
        diagnostic
    }
}

/// The closest candidate to `name`, for "did you mean" help.
#[must_use]
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(name, c), c))
        // Containment only counts for names of two or more characters: otherwise a one-letter
        // name would "match" every candidate that happens to contain the letter.
        .filter(|(score, c)| {
            *score >= 0.5
                || (name.chars().count() >= 2 && c.contains(name))
                || (c.chars().count() >= 2 && name.contains(c))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "unknown X `n`" with a "did you mean" help when something is close.
#[must_use]
pub fn unknown<'a>(
    file: RuleFileId,
    span: Span,
    what: &str,
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> RuleError {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let error = RuleError::new(file, span, format!("unknown {what} `{name}`"));
    match suggest(name, candidates.iter().copied()) {
        Some(best) => error.with_help(format!("did you mean `{best}`?")),
        None if !candidates.is_empty() && candidates.len() <= 12 => {
            error.with_help(format!("expected one of {}", backticked(&candidates)))
        }
        None => error,
    }
}

/// `a`, `b` and `c` in backticks, comma-separated.
#[must_use]
pub fn backticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_chinese_names() {
        let columns = ["自然人", "商业企业", "社会公益组织", "总计"];
        assert_eq!(suggest("社会组织", columns), Some("社会公益组织"));
        assert_eq!(suggest("总记", columns), Some("总计"));
        assert_eq!(suggest("完全无关的名字", columns), None);
        // A one-letter name is not "contained" in every longer candidate.
        assert_eq!(suggest("m", ["n", "rhs_terms", "diff"]), None);
        assert_eq!(suggest("cc", ["c", "自然人"]), Some("c"));
    }
}
