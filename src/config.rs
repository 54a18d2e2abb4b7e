//! `regulint.toml`: project defaults, found by walking up from the working folder.
//!
//! ```toml
//! pack = "gov-2021"             # default rule pack (`2021` also works)
//! select = ["T3", "D001"]       # only these codes (prefixes)
//! ignore = ["T305"]             # never these
//! exclude = ["drafts/**"]       # globs, relative to this file's folder, or file names
//!
//! [severity]                    # per-rule severity overrides
//! T301 = "warning"
//! ```
//!
//! Unknown keys and bad values are errors that point into the file (exit 2). Command-line
//! flags override the file.

use crate::batch::Exclude;
use crate::diagnostic::{FileReport, Severity};
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config as TermConfig};
use globset::{Glob, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The configuration file's name.
pub const FILE_NAME: &str = "regulint.toml";

/// A loaded configuration.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: Option<PathBuf>,
    /// The default rule pack.
    pub pack: Option<String>,
    /// Codes (or prefixes) to report; `None` means all.
    pub select: Option<Vec<String>>,
    /// Codes (or prefixes) never to report.
    pub ignore: Option<Vec<String>>,
    /// Per-rule severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// Paths to leave out.
    pub exclude: Option<Exclude>,
}

/// The file as written. Every field is optional; unknown keys are refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    pack: Option<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
}

/// A configuration file that could not be used, with the place in it that is wrong.
#[derive(Debug)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// Its text (empty when it could not be read).
    pub text: String,
    /// What is wrong.
    pub message: String,
    /// Where, as a byte range into `text`.
    pub span: Option<Range<usize>>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn at(path: &Path, text: &str, message: impl Into<String>, span: Option<Range<usize>>) -> Self {
        Self {
            path: path.to_owned(),
            text: text.to_owned(),
            message: message.into(),
            span,
        }
    }

    /// Renders the error like a compiler does, pointing into the file.
    ///
    /// # Errors
    /// When writing fails.
    pub fn render(&self, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let file = SimpleFile::new(self.path.display().to_string(), self.text.as_str());
        let mut diagnostic = Diagnostic::error()
            .with_message(format!("invalid configuration in {}", self.path.display()));
        match &self.span {
            Some(span) => {
                diagnostic = diagnostic.with_labels(vec![
                    Label::primary((), span.clone()).with_message(&self.message),
                ]);
            }
            None => diagnostic = diagnostic.with_notes(vec![self.message.clone()]),
        }
        term::emit_to_io_write(out, &TermConfig::default(), &file, &diagnostic).map_err(|e| match e
        {
            codespan_reporting::files::Error::Io(io) => io,
            other => std::io::Error::other(other.to_string()),
        })
    }
}

/// The nearest `regulint.toml` in `start` or a folder above it.
#[must_use]
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads and checks a configuration file.
///
/// # Errors
/// When the file cannot be read, is not TOML, has unknown keys or bad values.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::at(path, "", format!("cannot read the file: {e}"), None))?;
    parse(path, &text)
}

/// Checks a configuration file's text.
///
/// # Errors
/// When the text is not TOML, has unknown keys or bad values.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    // A parse error without a place of its own points at the start of the file, so every
    // configuration error is shown with its file, line and column.
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let span = e.span().or(Some(0..text.len().min(1)));
        ConfigError::at(path, text, e.message().trim_end(), span)
    })?;
    let codes = |list: Option<Vec<Spanned<String>>>| -> Result<Option<Vec<String>>, ConfigError> {
        list.map(|list| {
            list.into_iter()
                .map(|code| {
                    check_code(code.get_ref()).map_err(|message| {
                        ConfigError::at(path, text, message, Some(code.span()))
                    })?;
                    Ok(code.into_inner())
                })
                .collect()
        })
        .transpose()
    };
    let mut severity = BTreeMap::new();
    for (code, level) in raw.severity {
        // Keys carry no span of their own here; point at the value, which is on the same line.
        check_code(&code)
            .map_err(|message| ConfigError::at(path, text, message, Some(level.span())))?;
        let parsed: Severity = level
            .get_ref()
            .parse()
            .map_err(|message: String| ConfigError::at(path, text, message, Some(level.span())))?;
        severity.insert(code, parsed);
    }
    let root = path
        .parent()
        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_owned()))
        .unwrap_or_default();
    let exclude = match raw.exclude {
        None => None,
        Some(globs) => {
            // The whole list, for errors that no single glob causes (the set too large).
            let list = globs
                .first()
                .zip(globs.last())
                .map(|(first, last)| first.span().start..last.span().end);
            let mut set = GlobSetBuilder::new();
            for glob in globs {
                let compiled = Glob::new(glob.get_ref()).map_err(|e| {
                    ConfigError::at(
                        path,
                        text,
                        format!("invalid glob: {}", e.kind()),
                        Some(glob.span()),
                    )
                })?;
                set.add(compiled);
            }
            let set = set.build().map_err(|e| {
                ConfigError::at(
                    path,
                    text,
                    format!("the exclude globs cannot be compiled together: {e}; use fewer or simpler globs"),
                    list.clone(),
                )
            })?;
            Some(Exclude::new(root, set))
        }
    };
    Ok(Config {
        path: Some(path.to_owned()),
        pack: raw.pack.map(Spanned::into_inner),
        select: codes(raw.select)?,
        ignore: codes(raw.ignore)?,
        severity,
        exclude,
    })
}

/// Checks that `code` looks like a rule code or a prefix of one (`T`, `T3`, `T301`).
///
/// # Errors
/// A message saying what is wrong.
pub fn check_code(code: &str) -> Result<(), String> {
    let mut chars = code.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "`{code}` is not a rule code or code prefix (upper-case letters then digits, e.g. T301 or T3)"
        ))
    }
}

/// Which findings to keep and at what severity.
#[derive(Debug, Default, Clone)]
pub struct Policy {
    /// Keep only findings whose code starts with one of these; empty keeps all.
    pub select: Vec<String>,
    /// Drop findings whose code starts with one of these.
    pub ignore: Vec<String>,
    /// Severity overrides by exact code.
    pub severity: BTreeMap<String, Severity>,
}

impl Policy {
    /// Whether findings of rule `code` are reported.
    #[must_use]
    pub fn enabled(&self, code: &str) -> bool {
        let matches = |prefixes: &[String]| prefixes.iter().any(|p| code.starts_with(p.as_str()));
        (self.select.is_empty() || matches(&self.select)) && !matches(&self.ignore)
    }

    /// Drops findings of rules not enabled and applies severity overrides.
    pub fn apply(&self, report: &mut FileReport) {
        report.retain_findings(|f| self.enabled(&f.code));
        for finding in &mut report.findings {
            if let Some(&severity) = self.severity.get(&finding.code) {
                finding.severity = severity;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let text = r#"
pack = "2021"
select = ["T3", "D001"]
ignore = ["T305"]
exclude = ["drafts/**"]

[severity]
T301 = "warning"
"#;
        let config = parse(Path::new("/p/regulint.toml"), text).unwrap();
        assert_eq!(config.pack.as_deref(), Some("2021"));
        assert_eq!(config.select.unwrap(), ["T3", "D001"]);
        assert_eq!(config.ignore.unwrap(), ["T305"]);
        assert_eq!(config.severity["T301"], Severity::Warning);
        let exclude = config.exclude.unwrap();
        assert!(exclude.matches(Path::new("/p/drafts/a.txt")));
        assert!(!exclude.matches(Path::new("/p/final/a.txt")));
    }

    #[test]
    fn unknown_keys_point_at_the_key() {
        let text = "pack = \"2021\"\nselects = [\"T3\"]\n";
        let error = parse(Path::new("regulint.toml"), text).unwrap_err();
        assert_eq!(&text[error.span.clone().unwrap()], "selects");
        assert!(
            error.message.contains("unknown field `selects`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn bad_severity_points_at_the_value() {
        let text = "[severity]\nT301 = \"fatal\"\n";
        let error = parse(Path::new("regulint.toml"), text).unwrap_err();
        assert_eq!(&text[error.span.clone().unwrap()], "\"fatal\"");
    }

    #[test]
    fn every_error_has_a_place() {
        let bad_glob = "exclude = [\"a/[b\"]\n";
        let error = parse(Path::new("regulint.toml"), bad_glob).unwrap_err();
        assert_eq!(&bad_glob[error.span.clone().expect("a place")], "\"a/[b\"");
        for text in [
            "pack = ",
            "[severity]\nT301 = 3\n",
            "select = \"T3\"\n",
            "\u{feff}x",
        ] {
            let error = parse(Path::new("regulint.toml"), text).unwrap_err();
            assert!(error.span.is_some(), "{text:?}: {}", error.message);
        }
    }

    #[test]
    fn selection_is_by_prefix_and_ignore_wins() {
        let policy = Policy {
            select: vec!["T3".into()],
            ignore: vec!["T305".into()],
            ..Policy::default()
        };
        assert!(policy.enabled("T301"));
        assert!(!policy.enabled("T305"));
        assert!(!policy.enabled("D001"));
    }
}
