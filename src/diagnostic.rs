//! Step 5: findings as data.
//!
//! A [`Finding`] is what the engine reports about one document: which rule, how severe,
//! whether the requirement failed or could not be assessed, the message in the users'
//! language, the primary span (the failing cell, sentence or heading) and the evidence.
//! Renderers only format findings; they decide nothing.

use crate::document::InputFormat;
use crate::source::{Encoding, Source, Span};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; not a defect.
    Info,
    /// Probably a defect; a careful reader should look.
    Warning,
    /// A defect against the format or the regulation.
    Error,
}

impl Severity {
    /// Lower-case name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Self::Info),
            "warning" => Ok(Self::Warning),
            "error" => Ok(Self::Error),
            other => Err(format!(
                "unknown severity `{other}`; expected error, warning or info"
            )),
        }
    }
}

/// Whether the requirement was checked and failed, or could not be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The requirement does not hold.
    Fail,
    /// The requirement could not be checked (e.g. a blank cell in a sum).
    NotAssessable,
}

/// A secondary location: evidence for the finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it shows, e.g. `自然人：3`.
    pub message: String,
    /// The file `span` is in when it is not the finding's own file (last year's report, for
    /// a rule across reports); `None` for the usual label in the same file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<OtherFile>,
}

/// Another report a label points into (last year's, for a rule across reports): its decoded
/// text, so every renderer can give that file's path, line and column.
#[derive(Clone, Debug)]
pub struct OtherFile(pub std::sync::Arc<Source>);

impl OtherFile {
    /// The path as shown to users.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.0.name
    }
}

impl PartialEq for OtherFile {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0) || self.0.name == other.0.name
    }
}

impl Eq for OtherFile {}

impl Serialize for OtherFile {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.name)
    }
}

/// One thing a rule found in one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule code, e.g. `T301`.
    pub code: String,
    /// Kebab-case rule name that names the problem.
    pub name: String,
    /// Severity.
    pub severity: Severity,
    /// Fail or not assessable.
    pub outcome: Outcome,
    /// The message, values interpolated.
    pub message: String,
    /// The primary location.
    pub span: Span,
    /// Evidence.
    pub labels: Vec<Label>,
    /// Extra lines, e.g. the arithmetic.
    pub notes: Vec<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The legal or format basis.
    pub basis: Option<String>,
    /// The findings of the same file this one explains (their positions in the file's sorted
    /// findings): a localisation (`L001`) lists the failing identities its correction repairs.
    pub explains: Vec<usize>,
    /// Its fingerprint and whether it was accepted before this run (filled after evaluation).
    pub triage: Triage,
}

/// What is known about a finding beyond the rule's verdict: its stable fingerprint, and
/// whether a baseline or a waiver already accepts it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Triage {
    /// Rule code plus a hash of the finding's evidence (table, row and column labels, or the
    /// sentence), never of line numbers: see [`crate::fingerprint`]. Empty until assigned.
    pub fingerprint: String,
    /// Set when the finding was accepted before this run; it is then reported as known and
    /// does not fail the run.
    pub known: Option<Known>,
}

/// Why a finding is already accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "lowercase")]
pub enum Known {
    /// Its fingerprint is in the `--baseline` file.
    Baseline,
    /// A `[[waiver]]` of the configuration accepts it.
    Waiver {
        /// The waiver's reason, as written.
        reason: String,
        /// Where the waiver is, `file:line`.
        at: String,
        /// The date it expires, `YYYY-MM-DD`, if any.
        expires: Option<String>,
    },
}

impl Finding {
    /// Whether a baseline or a waiver already accepts the finding.
    #[must_use]
    pub fn is_known(&self) -> bool {
        self.triage.known.is_some()
    }
}

/// The code of the finding that the report year could not be found (not a rule: it is decided
/// before any pack runs).
pub const YEAR_UNKNOWN_CODE: &str = "Y001";
/// The name that goes with [`YEAR_UNKNOWN_CODE`].
pub const YEAR_UNKNOWN_NAME: &str = "report-year-unknown";

/// The finding that no report year was found in the title, statistics period or publication
/// date, so `pack` was used by default. Points at the title when there is one, else at the
/// start of the file.
#[must_use]
pub fn year_unknown(pack: &str, title: Option<Span>) -> Finding {
    Finding {
        code: YEAR_UNKNOWN_CODE.to_owned(),
        name: YEAR_UNKNOWN_NAME.to_owned(),
        severity: Severity::Warning,
        outcome: Outcome::Fail,
        message: format!(
            "未能从标题、统计期限或发布日期确定报告年度，已按 {pack} 规则包检查；可用 --year 指定"
        ),
        span: title.unwrap_or_default(),
        labels: Vec::new(),
        notes: Vec::new(),
        help: Some("在标题中写明年度（如“2023年政府信息公开工作年度报告”），或运行时用 --year 指定报告年度".to_owned()),
        basis: None,
        explains: Vec::new(),
        triage: Triage::default(),
    }
}

/// The code of the finding for a file whose checks ran past the time budget.
pub const TIME_BUDGET_CODE: &str = "E0002";
/// The name that goes with [`TIME_BUDGET_CODE`].
pub const TIME_BUDGET_NAME: &str = "time-budget-exceeded";

/// The finding for a file whose checks ran past the per-file time budget: what ran is
/// reported, and this error says how many rules did not run.
#[must_use]
pub fn time_budget_exceeded(budget: std::time::Duration, rules_not_run: usize) -> Finding {
    Finding {
        code: TIME_BUDGET_CODE.to_owned(),
        name: TIME_BUDGET_NAME.to_owned(),
        severity: Severity::Error,
        outcome: Outcome::NotAssessable,
        message: format!(
            "检查超时：超过每个文件 {} 秒的时限，其余 {rules_not_run} 条规则未运行",
            budget.as_secs()
        ),
        span: Span::default(),
        labels: Vec::new(),
        notes: vec![format!(
            "time budget of {} s per file exceeded; {rules_not_run} rules not run",
            budget.as_secs()
        )],
        help: Some("文件异常庞大或结构异常；请检查文件内容，或拆分后再检查".to_owned()),
        basis: None,
        explains: Vec::new(),
        triage: Triage::default(),
    }
}

/// Static facts about a rule, for outputs that describe rules (SARIF, `explain`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable code.
    pub code: String,
    /// Kebab-case name.
    pub name: String,
    /// Default severity.
    pub severity: Severity,
    /// One-line summary.
    pub summary: String,
    /// Help text.
    pub help: Option<String>,
    /// Legal basis.
    pub basis: Option<String>,
    /// The pack it belongs to.
    pub pack: String,
}

/// The result of linting one file.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// The decoded source, when the file could be read.
    pub source: Option<Source>,
    /// Detected input format.
    pub format: Option<InputFormat>,
    /// Encoding used.
    pub encoding: Option<Encoding>,
    /// The pack applied.
    pub pack: Option<String>,
    /// The report year used to pick the pack.
    pub year: Option<i32>,
    /// Findings, sorted by position then code.
    pub findings: Vec<Finding>,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
    /// The organ that published the report, when the title names it.
    pub agency: Option<String>,
    /// What the reader understood (for renderers that draw the tables); `None` when
    /// unreadable.
    pub document: Option<std::sync::Arc<crate::document::Document>>,
    /// Set when the file was recognised as not being a report (a README, regulint's own
    /// output): why. Such a file is listed in [`Summary::skipped`], not linted.
    pub not_a_report: Option<String>,
}

impl FileReport {
    /// Keeps the findings `keep` accepts, and renumbers the `explains` links between them
    /// (a link to a dropped finding is dropped).
    pub fn retain_findings(&mut self, mut keep: impl FnMut(&Finding) -> bool) {
        let kept: Vec<bool> = self.findings.iter().map(&mut keep).collect();
        let mut new_index = Vec::with_capacity(kept.len());
        let mut next = 0;
        for &k in &kept {
            new_index.push(k.then_some(next));
            next += usize::from(k);
        }
        let mut i = 0;
        self.findings.retain(|_| {
            i += 1;
            kept[i - 1]
        });
        for finding in &mut self.findings {
            finding.explains = finding
                .explains
                .iter()
                .filter_map(|&e| new_index.get(e).copied().flatten())
                .collect();
        }
    }

    /// A file that could not be read.
    #[must_use]
    pub fn unreadable(path: impl Into<String>, error: impl fmt::Display) -> Self {
        Self {
            path: path.into(),
            source: None,
            format: None,
            encoding: None,
            pack: None,
            year: None,
            findings: Vec::new(),
            error: Some(error.to_string()),
            agency: None,
            document: None,
            not_a_report: None,
        }
    }

    /// A file recognised as not being a report, with the reason.
    #[must_use]
    pub fn not_a_report(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            error: None,
            not_a_report: Some(reason.into()),
            ..Self::unreadable(path, "")
        }
    }

    /// The highest severity among findings not already known (baseline or waiver).
    #[must_use]
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| !f.is_known())
            .map(|f| f.severity)
            .max()
    }

    /// How many findings a baseline or a waiver already accepts.
    #[must_use]
    pub fn count_known(&self) -> usize {
        self.findings.iter().filter(|f| f.is_known()).count()
    }
}

impl FileReport {
    /// The one-word status of the file, for summaries and tables.
    #[must_use]
    pub fn status(&self) -> FileStatus {
        if self.error.is_some() {
            return FileStatus::Unreadable;
        }
        match self.worst() {
            Some(Severity::Error) => FileStatus::Errors,
            Some(Severity::Warning) => FileStatus::Warnings,
            Some(Severity::Info) | None => FileStatus::Clean,
        }
    }

    /// How many findings not already known have the given severity.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity && !f.is_known())
            .count()
    }
}

/// What a file's worst outcome was. Every file has exactly one status, so the counts in a
/// [`Summary`] add up to the number of files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Readable, and no error or warning (infos allowed).
    Clean,
    /// At least one warning, no error.
    Warnings,
    /// At least one error.
    Errors,
    /// The file could not be read.
    Unreadable,
}

impl FileStatus {
    /// Lower-case name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            Self::Warnings => "warnings",
            Self::Errors => "errors",
            Self::Unreadable => "unreadable",
        }
    }
}

/// Counts of findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

/// Totals over a batch of files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files linted, readable or not.
    pub files: usize,
    /// Files with no error or warning.
    pub clean: usize,
    /// Files with at least one error.
    pub with_errors: usize,
    /// Files whose worst finding is a warning.
    pub with_warnings: usize,
    /// Files that could not be read.
    pub unreadable: usize,
    /// Findings a baseline or waiver already accepts (not counted in the other totals).
    #[serde(skip_serializing_if = "is_zero")]
    pub known: usize,
    /// Findings per rule code.
    pub findings_by_rule: BTreeMap<String, usize>,
    /// Findings per severity.
    pub findings_by_severity: SeverityCounts,
    /// Report files that folder walks passed over, with the reason for each.
    pub skipped: Vec<crate::batch::Skipped>,
    /// The configuration file used, if any (a file found in a parent folder can change what is
    /// reported, so it is always named).
    pub config: Option<String>,
    /// Findings about the collection as a whole (duplicates, the roster), once per batch.
    #[serde(skip)]
    pub collection: Vec<crate::collection::CollectionFinding>,
}

impl Summary {
    /// Adds one file's report.
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        match report.status() {
            FileStatus::Clean => self.clean += 1,
            FileStatus::Warnings => self.with_warnings += 1,
            FileStatus::Errors => self.with_errors += 1,
            FileStatus::Unreadable => self.unreadable += 1,
        }
        for finding in &report.findings {
            if finding.is_known() {
                self.known += 1;
                continue;
            }
            self.count(&finding.code, finding.severity);
        }
    }

    /// Counts one finding by its rule and its severity.
    fn count(&mut self, code: &str, severity: Severity) {
        *self.findings_by_rule.entry(code.to_owned()).or_default() += 1;
        let counts = &mut self.findings_by_severity;
        match severity {
            Severity::Error => counts.error += 1,
            Severity::Warning => counts.warning += 1,
            Severity::Info => counts.info += 1,
        }
    }

    /// Adds the findings about the collection; they count like a file's findings.
    pub fn add_collection(&mut self, findings: Vec<crate::collection::CollectionFinding>) {
        for finding in &findings {
            self.count(&finding.code, finding.severity);
        }
        self.collection = findings;
    }

    /// Whether any file has a finding at or above `threshold`, or could not be read.
    #[must_use]
    pub fn fails(&self, threshold: Severity) -> bool {
        let counts = self.findings_by_severity;
        self.unreadable > 0
            || counts.error > 0
            || (threshold <= Severity::Warning && counts.warning > 0)
            || (threshold <= Severity::Info && counts.info > 0)
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}
