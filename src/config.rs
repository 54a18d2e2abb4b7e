//! `regulint.toml`: project defaults, found by walking up from the working folder.
//!
//! ```toml
//! pack = "gov-2021"             # default rule pack (`2021` also works)
//! select = ["T3", "D001"]       # only these codes (prefixes)
//! ignore = ["T305"]             # never these
//! exclude = ["drafts/**"]       # globs, relative to this file's folder, or file names
//!
//! extend-select = ["C"]         # added to `select` (and to the command line's --select)
//! extend-ignore = ["T306"]      # added to `ignore`
//!
//! [severity]                    # per-rule severity overrides
//! T301 = "warning"
//!
//! [[override]]                  # settings for some files (globs as for `exclude`)
//! files = ["district/**"]
//! ignore = ["P005"]             # also select, extend-select, extend-ignore, [override.severity]
//!
//! [[waiver]]                    # accept a known finding, with a reason and an end date
//! file = "reports/huaian-*.txt" # a glob, or `agency = "…"` (the organ named in the title)
//! code = "T402"                 # a code or prefix
//! fingerprint = "T402/…"        # optional: only this finding (see `--format json`)
//! reason = "表四按原件照录，已函告发布单位更正"
//! expires = 2026-06-30          # required: a waiver is a decision to revisit
//! ```
//!
//! Unknown keys and bad values are errors that point into the file (exit 2). Command-line
//! `--select`/`--ignore` replace the file's lists, `--extend-select`/`--extend-ignore` add to
//! them (as in ruff); overrides apply after both. A waiver that cannot be used (no reason or
//! expiry date, a bad glob) is reported with its line and left out; the run goes on. A waiver
//! past its date waives nothing and becomes a `W001` warning in each file it would apply to.
//! A waiver that matched no finding is reported as stale after the run.

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
    /// Codes added to the selection.
    pub extend_select: Vec<String>,
    /// Codes added to the ignored ones.
    pub extend_ignore: Vec<String>,
    /// Per-file settings, in file order.
    pub overrides: Vec<Override>,
    /// Usable waivers.
    pub waivers: Vec<Waiver>,
    /// Problems that do not stop the run (unusable or expired waivers), each located.
    pub problems: Vec<ConfigError>,
    /// Every rule code or prefix the file names, with where (checked against the packs).
    pub codes: Vec<(String, Range<usize>)>,
    /// The file's text, for located messages after loading.
    pub text: String,
    /// `[collection]`: last year's reports, the roster, aliases (paths made relative to the
    /// working folder).
    pub collection: crate::collection::Sources,
}

/// Settings for the files that match some globs.
#[derive(Debug, Clone)]
pub struct Override {
    files: Exclude,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    extend_select: Vec<String>,
    extend_ignore: Vec<String>,
    severity: BTreeMap<String, Severity>,
}

/// A calendar date, for waiver expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// Today in UTC, from the system clock.
    #[must_use]
    pub fn today() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days(i64::try_from(seconds / 86_400).unwrap_or(0))
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
    #[must_use]
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }

    /// Parses `YYYY-MM-DD`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Self { year, month, day })
    }
}

/// The finding an expired waiver becomes in a file it would apply to.
fn waiver_expired(
    waiver: &Waiver,
    first: &crate::diagnostic::Finding,
) -> crate::diagnostic::Finding {
    use crate::diagnostic::{Finding, Outcome, Triage};
    Finding {
        code: WAIVER_EXPIRED_CODE.to_owned(),
        name: "waiver-expired".to_owned(),
        severity: Severity::Warning,
        outcome: Outcome::Fail,
        message: format!(
            "{} 的豁免已于 {} 到期（{}），相关问题重新报告：{}",
            waiver.code, waiver.expires, waiver.at, waiver.reason
        ),
        span: first.span,
        labels: Vec::new(),
        notes: Vec::new(),
        help: Some("修改报告后删除该豁免，或确有必要时更新 expires 续期".to_owned()),
        basis: None,
        explains: Vec::new(),
        triage: Triage {
            fingerprint: crate::fingerprint::of(
                WAIVER_EXPIRED_CODE,
                &format!("{}|{}", waiver.code, first.triage.fingerprint),
            ),
            known: None,
        },
    }
}

/// A waiver: findings of `code` in the matching files are accepted until `expires`.
#[derive(Debug)]
pub struct Waiver {
    /// `file:line` of the `[[waiver]]` entry.
    pub at: String,
    span: Range<usize>,
    files: Option<Exclude>,
    agency: Option<String>,
    code: String,
    fingerprint: Option<String>,
    reason: String,
    expires: Date,
    /// Where `expires` is, when the date is past: the waiver then waives nothing and each
    /// file it would apply to gets a [`WAIVER_EXPIRED_CODE`] finding instead.
    expired_at: Option<Range<usize>>,
    /// Findings it waived (or, expired, files it turned into a finding).
    used: std::sync::atomic::AtomicUsize,
    /// Linted files its `file`/`agency` matched.
    files_seen: std::sync::atomic::AtomicUsize,
}

/// The code of the finding an expired waiver becomes.
pub const WAIVER_EXPIRED_CODE: &str = "W001";

impl Clone for Waiver {
    fn clone(&self) -> Self {
        Self {
            at: self.at.clone(),
            span: self.span.clone(),
            files: self.files.clone(),
            agency: self.agency.clone(),
            code: self.code.clone(),
            fingerprint: self.fingerprint.clone(),
            reason: self.reason.clone(),
            expires: self.expires,
            expired_at: self.expired_at.clone(),
            used: std::sync::atomic::AtomicUsize::new(
                self.used.load(std::sync::atomic::Ordering::Relaxed),
            ),
            files_seen: std::sync::atomic::AtomicUsize::new(
                self.files_seen.load(std::sync::atomic::Ordering::Relaxed),
            ),
        }
    }
}

impl Waiver {
    /// Whether the waiver is about this file (by `file` or `agency`), whatever its findings.
    fn applies_to(&self, report: &FileReport) -> bool {
        let file_ok = self
            .files
            .as_ref()
            .is_none_or(|files| files.matches(Path::new(&report.path)));
        let agency_ok = self.agency.as_ref().is_none_or(|agency| {
            report
                .agency
                .as_deref()
                .is_some_and(|named| named.contains(agency.as_str()))
        });
        file_ok && agency_ok
    }

    fn matches(&self, report: &FileReport, finding: &crate::diagnostic::Finding) -> bool {
        self.applies_to(report)
            && finding.code.starts_with(self.code.as_str())
            && self
                .fingerprint
                .as_ref()
                .is_none_or(|f| *f == finding.triage.fingerprint)
    }
}

impl Config {
    /// Marks the findings that a waiver accepts as known (the first matching waiver wins).
    pub fn apply_waivers(&self, report: &mut FileReport) {
        if self.waivers.is_empty() {
            return;
        }
        for waiver in &self.waivers {
            if waiver.applies_to(report) {
                waiver
                    .files_seen
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        let mut findings = std::mem::take(&mut report.findings);
        for finding in &mut findings {
            if finding.triage.known.is_some() {
                continue;
            }
            if let Some(waiver) = self
                .waivers
                .iter()
                .find(|w| w.expired_at.is_none() && w.matches(report, finding))
            {
                waiver
                    .used
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                finding.triage.known = Some(crate::diagnostic::Known::Waiver {
                    reason: waiver.reason.clone(),
                    at: waiver.at.clone(),
                    expires: Some(waiver.expires.to_string()),
                });
            }
        }
        // An expired waiver becomes a finding of its own, once per file, at the first finding
        // it would have waived.
        let mut expired = Vec::new();
        for waiver in self.waivers.iter().filter(|w| w.expired_at.is_some()) {
            let Some(first) = findings
                .iter()
                .find(|f| f.triage.known.is_none() && waiver.matches(report, f))
            else {
                continue;
            };
            waiver
                .used
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            expired.push(waiver_expired(waiver, first));
        }
        findings.extend(expired);
        report.findings = findings;
    }

    /// The waivers that matched no finding in this run, as located warnings.
    #[must_use]
    pub fn stale_waivers(&self) -> Vec<ConfigError> {
        let Some(path) = &self.path else {
            return Vec::new();
        };
        self.waivers
            .iter()
            .filter(|w| {
                w.expired_at.is_none() && w.used.load(std::sync::atomic::Ordering::Relaxed) == 0
            })
            .map(|w| {
                let message = if w.files_seen.load(std::sync::atomic::Ordering::Relaxed) == 0 {
                    "stale waiver: no file of this run matches its `file`/`agency` (renamed, or not linted this time?) / 此豁免未匹配本次检查的任何文件"
                } else {
                    "stale waiver: it matched no finding in this run (fixed?); remove it / 此豁免未匹配任何问题，请删除"
                };
                ConfigError::warning(path, &self.text, message, Some(w.span.clone()))
            })
            .collect()
    }
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
    #[serde(rename = "extend-select")]
    extend_select: Option<Vec<Spanned<String>>>,
    #[serde(rename = "extend-ignore")]
    extend_ignore: Option<Vec<Spanned<String>>>,
    #[serde(default, rename = "override")]
    overrides: Vec<Spanned<RawOverride>>,
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
    collection: Option<RawCollection>,
}

/// `[collection]` as written: paths are relative to the configuration's folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollection {
    /// Last year's reports: a folder or file, or a list of them.
    #[serde(default)]
    previous: Vec<String>,
    /// The roster file (CSV or TOML).
    roster: Option<String>,
    /// The jurisdiction's own name (`石家庄市`).
    jurisdiction: Option<String>,
    /// Other spellings of agency names: `"市商务局" = "石家庄市商务局"`.
    #[serde(default)]
    aliases: BTreeMap<String, String>,
}

/// One `[[override]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Vec<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    #[serde(rename = "extend-select")]
    extend_select: Option<Vec<Spanned<String>>>,
    #[serde(rename = "extend-ignore")]
    extend_ignore: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
}

/// One `[[waiver]]` as written: every field optional here, so that a waiver missing one is
/// reported and left out while the rest of the configuration is used.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    file: Option<Spanned<String>>,
    agency: Option<Spanned<String>>,
    code: Option<Spanned<String>>,
    fingerprint: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<toml::Value>>,
}

/// A configuration file that could not be used, with the place in it that is wrong.
#[derive(Debug, Clone)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// Its text (empty when it could not be read).
    pub text: String,
    /// What is wrong.
    pub message: String,
    /// Where, as a byte range into `text`.
    pub span: Option<Range<usize>>,
    /// A warning: the run goes on.
    pub warning: bool,
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
            warning: false,
        }
    }

    /// An error at a byte range of a configuration file.
    #[must_use]
    pub fn at_span(
        path: &Path,
        text: &str,
        message: impl Into<String>,
        span: Range<usize>,
    ) -> Self {
        Self::at(path, text, message, Some(span))
    }

    /// A problem that does not stop the run.
    #[must_use]
    pub fn warning(
        path: &Path,
        text: &str,
        message: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> Self {
        Self {
            warning: true,
            ..Self::at(path, text, message, span)
        }
    }

    /// Renders the error like a compiler does, pointing into the file.
    ///
    /// # Errors
    /// When writing fails.
    pub fn render(&self, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let file = SimpleFile::new(self.path.display().to_string(), self.text.as_str());
        let mut diagnostic = if self.warning {
            Diagnostic::warning().with_message(format!("in configuration {}", self.path.display()))
        } else {
            Diagnostic::error()
                .with_message(format!("invalid configuration in {}", self.path.display()))
        };
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
    let mut named_codes: Vec<(String, Range<usize>)> = Vec::new();
    let mut codes =
        |list: Option<Vec<Spanned<String>>>| -> Result<Option<Vec<String>>, ConfigError> {
            list.map(|list| {
                list.into_iter()
                    .map(|code| {
                        check_code(code.get_ref()).map_err(|message| {
                            ConfigError::at(path, text, message, Some(code.span()))
                        })?;
                        named_codes.push((code.get_ref().clone(), code.span()));
                        Ok(code.into_inner())
                    })
                    .collect()
            })
            .transpose()
        };
    let select = codes(raw.select)?;
    let ignore = codes(raw.ignore)?;
    let extend_select = codes(raw.extend_select)?.unwrap_or_default();
    let extend_ignore = codes(raw.extend_ignore)?.unwrap_or_default();
    let mut raw_overrides = Vec::new();
    for item in raw.overrides {
        let span = item.span();
        let item = item.into_inner();
        raw_overrides.push((
            span,
            item.files,
            codes(item.select)?,
            codes(item.ignore)?,
            codes(item.extend_select)?.unwrap_or_default(),
            codes(item.extend_ignore)?.unwrap_or_default(),
            item.severity,
        ));
    }
    let severity = severities(path, text, raw.severity, &mut named_codes)?;
    let root = path
        .parent()
        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_owned()))
        .unwrap_or_default();
    let exclude = match raw.exclude {
        None => None,
        Some(globs) => Some(globs_of(path, text, &root, globs)?),
    };
    let mut overrides = Vec::new();
    for (span, files, select, ignore, extend_select, extend_ignore, severity) in raw_overrides {
        if files.is_empty() {
            return Err(ConfigError::at(
                path,
                text,
                "an [[override]] needs `files = [\"glob\", …]`",
                Some(span),
            ));
        }
        overrides.push(Override {
            files: globs_of(path, text, &root, files)?,
            select,
            ignore,
            extend_select,
            extend_ignore,
            severity: severities(path, text, severity, &mut named_codes)?,
        });
    }
    let mut problems = Vec::new();
    let mut waivers = Vec::new();
    let today = Date::today();
    for item in raw.waiver {
        match waiver(path, text, &root, item, today, &mut named_codes) {
            Ok(waiver) => {
                if let Some(span) = &waiver.expired_at {
                    problems.push(ConfigError::warning(
                        path,
                        text,
                        format!(
                            "waiver expired on {}: its findings are reported again, each file with a {WAIVER_EXPIRED_CODE} finding; renew it with a new date or fix the report / 豁免已于 {} 到期",
                            waiver.expires, waiver.expires
                        ),
                        Some(span.clone()),
                    ));
                }
                waivers.push(waiver);
            }
            Err(problem) => problems.push(problem),
        }
    }
    Ok(Config {
        path: Some(path.to_owned()),
        pack: raw.pack.map(Spanned::into_inner),
        select,
        ignore,
        severity,
        exclude,
        extend_select,
        extend_ignore,
        overrides,
        waivers,
        problems,
        codes: named_codes,
        text: text.to_owned(),
        collection: collection_sources(path, raw.collection.unwrap_or_default()),
    })
}

/// `[collection]` with its paths taken from the configuration's folder.
fn collection_sources(path: &Path, raw: RawCollection) -> crate::collection::Sources {
    let folder = path.parent().unwrap_or(Path::new(""));
    crate::collection::Sources {
        previous: raw.previous.iter().map(|p| folder.join(p)).collect(),
        roster: raw.roster.map(|r| folder.join(r)),
        aliases: raw.aliases,
        jurisdiction: raw.jurisdiction,
    }
}

/// A `[severity]` table, checked.
fn severities(
    path: &Path,
    text: &str,
    raw: BTreeMap<String, Spanned<String>>,
    named: &mut Vec<(String, Range<usize>)>,
) -> Result<BTreeMap<String, Severity>, ConfigError> {
    let mut severity = BTreeMap::new();
    for (code, level) in raw {
        // Keys carry no span of their own here; point at the value, which is on the same line.
        check_code(&code)
            .map_err(|message| ConfigError::at(path, text, message, Some(level.span())))?;
        named.push((code.clone(), level.span()));
        let parsed: Severity = level
            .get_ref()
            .parse()
            .map_err(|message: String| ConfigError::at(path, text, message, Some(level.span())))?;
        severity.insert(code, parsed);
    }
    Ok(severity)
}

/// Globs matched like `exclude`: against paths relative to the configuration's folder, and
/// against file names.
fn globs_of(
    path: &Path,
    text: &str,
    root: &Path,
    globs: Vec<Spanned<String>>,
) -> Result<Exclude, ConfigError> {
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
            format!("the globs cannot be compiled together: {e}; use fewer or simpler globs"),
            list.clone(),
        )
    })?;
    Ok(Exclude::new(root.to_owned(), set))
}

/// A usable waiver, or the located reason it cannot be used.
fn waiver(
    path: &Path,
    text: &str,
    root: &Path,
    item: Spanned<RawWaiver>,
    today: Date,
    named: &mut Vec<(String, Range<usize>)>,
) -> Result<Waiver, ConfigError> {
    let span = item.span();
    // Point at the `[[waiver]]` header line, which is what people look for.
    let mut end = (span.start + "[[waiver]]".len()).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let header = text[..end]
        .rfind("[[waiver]]")
        .map_or(span.clone(), |at| at..at + "[[waiver]]".len());
    let line = text[..header.start].matches('\n').count() + 1;
    let problem = |message: String, at: Option<Range<usize>>| {
        ConfigError::warning(
            path,
            text,
            format!("{message}; the waiver is not used"),
            Some(at.unwrap_or_else(|| header.clone())),
        )
    };
    let raw = item.into_inner();
    let Some(reason) = raw.reason.filter(|r| !r.get_ref().trim().is_empty()) else {
        return Err(problem(
            "waiver without a `reason` (say why the finding is accepted) / 豁免必须写明理由 reason"
                .to_owned(),
            None,
        ));
    };
    let Some(code) = raw.code else {
        return Err(problem(
            "waiver without a `code` (the rule code or prefix it accepts) / 豁免必须写明规则编号 code".to_owned(),
            None,
        ));
    };
    check_code(code.get_ref()).map_err(|m| problem(m, Some(code.span())))?;
    named.push((code.get_ref().clone(), code.span()));
    if raw.file.is_none() && raw.agency.is_none() {
        return Err(problem(
            "waiver without `file` or `agency` (to accept a rule everywhere, use `ignore`) / 豁免须指定 file 或 agency".to_owned(),
            None,
        ));
    }
    let Some(expires) = raw.expires else {
        return Err(problem(
            "waiver without `expires = YYYY-MM-DD` (a waiver is a decision to revisit) / 豁免必须写明到期日 expires".to_owned(),
            None,
        ));
    };
    let date = match expires.get_ref() {
        toml::Value::String(s) => Date::parse(s),
        toml::Value::Datetime(d) => d.date.map(|d| Date {
            year: i32::from(d.year),
            month: u32::from(d.month),
            day: u32::from(d.day),
        }),
        _ => None,
    };
    let Some(date) = date else {
        return Err(problem(
            "`expires` is not a date; write it as 2026-12-31".to_owned(),
            Some(expires.span()),
        ));
    };
    let expired_at = (date < today).then(|| expires.span());
    let files = match raw.file {
        Some(glob) => Some(globs_of(path, text, root, vec![glob]).map_err(|mut e| {
            e.warning = true;
            e.message.push_str("; the waiver is not used");
            e
        })?),
        None => None,
    };
    Ok(Waiver {
        at: format!("{}:{line}", crate::batch::display(path)),
        span: header,
        files,
        agency: raw.agency.map(Spanned::into_inner),
        code: code.into_inner(),
        fingerprint: raw.fingerprint.map(Spanned::into_inner),
        reason: reason.into_inner(),
        expires: date,
        expired_at,
        used: std::sync::atomic::AtomicUsize::new(0),
        files_seen: std::sync::atomic::AtomicUsize::new(0),
    })
}

/// Checks that `code` looks like a rule code or a prefix of one (`T`, `T3`, `T301`).
///
/// # Errors
/// A message saying what is wrong.
pub fn check_code(code: &str) -> Result<(), String> {
    // A local pack's namespace may come first: `zj/L101`, or `zj/` for all its rules.
    let (namespace, code_part) = code.split_once('/').unwrap_or(("", code));
    let namespace_ok = namespace
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && (code.contains('/') != namespace.is_empty());
    let mut chars = code_part.chars();
    let well_formed = namespace_ok
        && ((!namespace.is_empty() && code_part.is_empty())
            || (chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())));
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "`{code}` is not a rule code or code prefix (upper-case letters then digits, e.g. T301 or T3; a local pack's may start with its namespace, zj/L101 or zj/)"
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
    /// Per-file settings applied on top, in order.
    pub overrides: Vec<Override>,
}

impl Policy {
    /// The policy for one file: this one with every matching override applied.
    #[must_use]
    pub fn for_path(&self, path: &str) -> std::borrow::Cow<'_, Self> {
        let matching: Vec<&Override> = self
            .overrides
            .iter()
            .filter(|o| o.files.matches(Path::new(path)))
            .collect();
        if matching.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut policy = Self {
            overrides: Vec::new(),
            ..self.clone()
        };
        for o in matching {
            if let Some(select) = &o.select {
                policy.select.clone_from(select);
            }
            if let Some(ignore) = &o.ignore {
                policy.ignore.clone_from(ignore);
            }
            if !policy.select.is_empty() {
                policy.select.extend(o.extend_select.iter().cloned());
            }
            policy.ignore.extend(o.extend_ignore.iter().cloned());
            policy
                .severity
                .extend(o.severity.iter().map(|(k, v)| (k.clone(), *v)));
        }
        std::borrow::Cow::Owned(policy)
    }

    /// Whether findings of rule `code` are reported.
    #[must_use]
    pub fn enabled(&self, code: &str) -> bool {
        let matches = |prefixes: &[String]| prefixes.iter().any(|p| code.starts_with(p.as_str()));
        (self.select.is_empty() || matches(&self.select)) && !matches(&self.ignore)
    }

    /// Drops findings of rules not enabled and applies severity overrides (the file's
    /// overrides included).
    pub fn apply(&self, report: &mut FileReport) {
        let policy = self.for_path(&report.path);
        report.retain_findings(|f| policy.enabled(&f.code));
        for finding in &mut report.findings {
            if let Some(&severity) = policy.severity.get(&finding.code) {
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
