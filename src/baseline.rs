//! Baselines: the findings accepted at some point, so that only new ones fail the run.
//!
//! `regulint lint --write-baseline regulint-baseline.json` writes every finding of the run;
//! `regulint lint --baseline regulint-baseline.json` then reports the findings whose
//! fingerprint ([`crate::fingerprint`]) is in the file as *known*: shown folded, marked in
//! JSON and SARIF, and not failing the run. The file (documented in `docs/output.md`):
//!
//! ```json
//! {
//!   "kind": "regulint-baseline",
//!   "version": 1,
//!   "findings": [
//!     {"path": "reports/a.txt", "code": "T401", "fingerprint": "T401/89ab…", "message": "…"}
//!   ]
//! }
//! ```
//!
//! One finding per line, sorted, so that a baseline diffs well under version control. Paths
//! are relative to the baseline file's folder (with `/`), so the file works from any working
//! folder. `message` is for people reading the file; only `path` and `fingerprint` are matched.

use crate::diagnostic::{FileReport, Known};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// The value of `kind` that marks a baseline file.
pub const KIND: &str = "regulint-baseline";
/// The baseline format this regulint reads and writes.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The report, relative to the baseline's folder, with `/`.
    pub path: String,
    /// The rule code (for readers; the fingerprint starts with it too).
    pub code: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The message when the baseline was written (for readers; not matched).
    #[serde(default)]
    pub message: String,
}

#[derive(Deserialize)]
struct RawFile {
    kind: Option<String>,
    version: Option<serde_json::Value>,
    findings: Option<Vec<serde_json::Value>>,
}

/// A problem with a baseline file, located by line where it can be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The baseline file, as shown.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, and what to do.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A loaded baseline.
#[derive(Debug, Default)]
pub struct Baseline {
    root: PathBuf,
    accepted: HashSet<(String, String)>,
    /// Entries that could not be used (each skipped; the rest of the file is used).
    pub problems: Vec<Problem>,
}

impl Baseline {
    /// Reads a baseline. A file that cannot be used at all is an `Err` with its place; an
    /// unusable entry is skipped and listed in [`Baseline::problems`].
    ///
    /// # Errors
    /// When the file cannot be read, is not JSON, is not a baseline, or is another version.
    pub fn load(path: &Path) -> Result<Self, Problem> {
        let file = crate::batch::display(path);
        let problem = |line: Option<usize>, message: String| Problem {
            file: file.clone(),
            line,
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            problem(
                None,
                format!(
                    "cannot read the baseline: {e} / 无法读取基线文件；用 --write-baseline 生成"
                ),
            )
        })?;
        let raw: RawFile = serde_json::from_str(&text).map_err(|e| {
            problem(
                Some(e.line()),
                format!(
                    "not a valid baseline (column {}: {e}) / 基线文件不是有效的 JSON；用 --write-baseline 重新生成",
                    e.column()
                ),
            )
        })?;
        if raw.kind.as_deref() != Some(KIND) {
            return Err(problem(
                Some(1),
                format!(
                    "not a regulint baseline (no \"kind\": \"{KIND}\") / 不是 regulint 基线文件；用 --write-baseline 生成"
                ),
            ));
        }
        let version_line = line_of(&text, "\"version\"");
        match raw.version.as_ref().and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(VERSION) => {}
            other => {
                let shown = other.map_or_else(|| "missing".to_owned(), |v| v.to_string());
                return Err(problem(
                    version_line,
                    format!(
                        "baseline version {shown} is not supported: this regulint reads version {VERSION}; write a new one with --write-baseline / 基线版本 {shown} 不受支持（本程序读取第 {VERSION} 版），请用 --write-baseline 重新生成"
                    ),
                ));
            }
        }
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = std::path::absolute(&root).unwrap_or(root);
        let mut baseline = Self {
            root,
            ..Self::default()
        };
        for value in raw.findings.unwrap_or_default() {
            let line = value
                .get("fingerprint")
                .and_then(serde_json::Value::as_str)
                .and_then(|f| line_of(&text, f));
            match serde_json::from_value::<Entry>(value) {
                Ok(entry) => {
                    if !baseline.root.join(&entry.path).is_file() {
                        baseline.problems.push(problem(
                            line,
                            format!(
                                "`{}` is not a file (renamed or deleted?); the entry is unused / 基线中的文件 `{}` 不存在",
                                entry.path, entry.path
                            ),
                        ));
                    }
                    baseline.accepted.insert((entry.path, entry.fingerprint));
                }
                Err(e) => baseline.problems.push(problem(
                    line,
                    format!("entry skipped: {e} / 该条目无法识别，已跳过"),
                )),
            }
        }
        Ok(baseline)
    }

    /// How a report's path is written in this baseline.
    #[must_use]
    pub fn key(&self, report_path: &str) -> String {
        key(&self.root, report_path)
    }

    /// Marks the report's findings that the baseline accepts as known (a waiver's mark is
    /// kept). Returns how many were marked.
    pub fn apply(&self, report: &mut FileReport) -> usize {
        let path = self.key(&report.path);
        let mut marked = 0;
        for finding in &mut report.findings {
            if finding.triage.known.is_none()
                && self
                    .accepted
                    .contains(&(path.clone(), finding.triage.fingerprint.clone()))
            {
                finding.triage.known = Some(Known::Baseline);
                marked += 1;
            }
        }
        marked
    }

    /// How many findings the baseline holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.accepted.len()
    }

    /// Whether the baseline holds no finding.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.accepted.is_empty()
    }
}

/// `report_path` relative to `root` with `/`, or as given when it is not under `root`.
fn key(root: &Path, report_path: &str) -> String {
    let absolute = std::path::absolute(report_path)
        .map(|p| crate::batch::normalize(&p))
        .unwrap_or_else(|_| PathBuf::from(report_path));
    let shown = match absolute.strip_prefix(root) {
        Ok(relative) => relative.to_string_lossy().into_owned(),
        Err(_) => report_path.to_owned(),
    };
    shown.replace('\\', "/")
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|at| text[..at].matches('\n').count() + 1)
}

/// Collects the entries of a run, for `--write-baseline`.
#[derive(Debug)]
pub struct Writer {
    root: PathBuf,
    entries: Vec<Entry>,
}

impl Writer {
    /// A writer for a baseline at `path`.
    #[must_use]
    pub fn new(path: &Path) -> Self {
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = std::path::absolute(&root).unwrap_or(root);
        Self {
            root,
            entries: Vec::new(),
        }
    }

    /// Adds every finding of a report.
    pub fn add(&mut self, report: &FileReport) {
        let path = key(&self.root, &report.path);
        for finding in &report.findings {
            self.entries.push(Entry {
                path: path.clone(),
                code: finding.code.clone(),
                fingerprint: finding.triage.fingerprint.clone(),
                message: finding.message.clone(),
            });
        }
    }

    /// How many findings were collected.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was collected.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's text: one entry per line, sorted.
    #[must_use]
    pub fn text(mut self) -> String {
        self.entries.sort();
        self.entries.dedup();
        let mut out =
            format!("{{\n  \"kind\": \"{KIND}\",\n  \"version\": {VERSION},\n  \"findings\": [");
        for (i, entry) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(entry).unwrap_or_default());
        }
        out.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_baselines_read_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        let path = dir.path().join("baseline.json");
        let mut writer = Writer::new(&path);
        writer.entries.push(Entry {
            path: "a.txt".into(),
            code: "T401".into(),
            fingerprint: "T401/0123456789abcdef".into(),
            message: "表四".into(),
        });
        std::fs::write(&path, writer.text()).unwrap();
        let baseline = Baseline::load(&path).unwrap();
        assert_eq!(baseline.len(), 1);
        assert!(baseline.problems.is_empty(), "{:?}", baseline.problems);
    }

    #[test]
    fn bad_files_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "{\n  \"kind\": \"regulint-baseline\",\n  \"version\": 1,\n  \"findings\": [\n    {\"path\": 3}\n  ]\n").unwrap();
        let error = Baseline::load(&path).unwrap_err();
        assert!(error.line.is_some(), "{error}");

        std::fs::write(
            &path,
            "{\n  \"kind\": \"regulint-baseline\",\n  \"version\": 7,\n  \"findings\": []\n}\n",
        )
        .unwrap();
        let error = Baseline::load(&path).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("version 7"), "{error}");
    }
}
