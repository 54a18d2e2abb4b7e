//! A collection of reports: a jurisdiction's reports for one year, with last year's reports
//! beside them and, optionally, the roster of agencies that must report.
//!
//! Each report is identified by its agency (normalised: full and half width, whitespace, the
//! jurisdiction's own name left out, aliases) and its year. With those identities the
//! collection finds each report's previous report (for `previous.…` rules), and, once the
//! batch is done, says what concerns the collection as a whole: two reports for one agency and
//! year, roster agencies that did not report, reports from agencies the roster does not know.
//!
//! Cost: without `--previous` or `--roster` nothing here runs while files are linted; the
//! batch only keeps each report's (agency, year, path) to look for duplicates at the end.

pub mod agency;
pub mod roster;

use crate::batch;
use crate::diagnostic::{OtherFile, Severity};
use crate::document::{Document, ReadOptions};
use crate::engine::related::{Linked, Related, RelatedReport};
use crate::source::Source;
use agency::Agencies;
use rayon::prelude::*;
use roster::Roster;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The code of the finding that two reports have the same agency and year.
pub const DUPLICATE_CODE: &str = "M001";
/// The code of the finding that a roster agency has no report for the year.
pub const NOT_REPORTED_CODE: &str = "M003";
/// The code of the finding that a report's agency is not in the roster.
pub const NOT_IN_ROSTER_CODE: &str = "M004";
/// The code of the finding that a previous report could not be read or identified.
pub const PREVIOUS_UNREADABLE_CODE: &str = "M005";
/// The code of a problem in the roster file (a duplicate name, an empty row, an ambiguous
/// alias).
pub const ROSTER_PROBLEM_CODE: &str = "M006";

/// Every code regulint gives to findings about a collection (its entries in
/// [`crate::codes::ENGINE_CODES`], where their names, severities and docs are).
pub fn codes() -> impl Iterator<Item = &'static crate::codes::EngineCode> {
    crate::codes::ENGINE_CODES
        .iter()
        .filter(|c| c.code.starts_with('M'))
}

/// A finding about the collection, not about one report: it is shown once, at the top of the
/// HTML page, in the JSON `collection` section, as SARIF results on the roster file or
/// without a location, and after the files in the human output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CollectionFinding {
    /// Stable code (`M001`…).
    pub code: String,
    /// Kebab-case name.
    pub name: String,
    /// Severity.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// The file it is about (a report, or the roster), if one.
    pub file: Option<String>,
    /// The line in that file (1-based), if known.
    pub line: Option<usize>,
    /// Other files it concerns (the first report of a duplicate pair).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl CollectionFinding {
    fn new(code: &str, message: String) -> Self {
        let (name, severity) = crate::codes::find(code)
            .map_or(("collection", Severity::Error), |c| (c.name, c.severity));
        Self {
            code: code.to_owned(),
            name: name.to_owned(),
            severity,
            message,
            file: None,
            line: None,
            related: Vec::new(),
            help: None,
        }
    }

    fn at(mut self, file: &str, line: Option<usize>) -> Self {
        self.file = Some(file.to_owned());
        self.line = line;
        self
    }

    fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    fn help(mut self, help: &str) -> Self {
        self.help = Some(help.to_owned());
        self
    }
}

/// How a report is identified in the collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The agency as the title writes it.
    pub agency: Option<String>,
    /// The agency's key: normalised, the jurisdiction's name left out, aliases resolved.
    pub key: Option<String>,
    /// The roster's name for the agency, when a roster is given and knows it.
    pub roster_name: Option<String>,
    /// The report year.
    pub year: Option<i32>,
}

/// A previous report as read: its model and text, or its name and why it could not be read.
type Loaded = Result<(Document, Source), (String, String)>;

/// A previous-year report, read once and kept for the report that needs it.
#[derive(Debug)]
pub struct PreviousReport {
    /// What the reader understood.
    pub document: Document,
    /// Its text and path (labels in this file).
    pub file: OtherFile,
    /// Its identity.
    pub identity: Identity,
}

/// Where the collection's files come from and what it checks against.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// Last year's reports (files or folders); read, not linted.
    pub previous: Vec<std::path::PathBuf>,
    /// The roster file.
    pub roster: Option<std::path::PathBuf>,
    /// Extra spellings of agency names: alias → canonical name.
    pub aliases: BTreeMap<String, String>,
    /// The jurisdiction's own name (`石家庄市`), left out of agency names when matching;
    /// inferred from the roster or the reports when not given.
    pub jurisdiction: Option<String>,
}

impl Sources {
    /// Whether anything makes the batch a collection beyond duplicate detection.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.previous.is_empty() && self.roster.is_none()
    }
}

/// The collection's fixed part, built before the batch: names, last year's reports, roster.
#[derive(Debug, Default)]
pub struct Collection {
    /// How agency names are matched.
    pub agencies: Agencies,
    /// Last year's reports by (agency key, year).
    previous: HashMap<(String, i32), Arc<PreviousReport>>,
    /// Years for which previous reports were given.
    previous_years: BTreeSet<i32>,
    /// The roster, when given.
    pub roster: Option<Roster>,
    /// Problems found while building it (unreadable previous reports, roster problems).
    pub problems: Vec<CollectionFinding>,
}

impl Collection {
    /// Reads the roster and last year's reports (in parallel). Never fails: what cannot be
    /// read becomes a [`CollectionFinding`], and the batch goes on.
    #[must_use]
    pub fn build(sources: &Sources, read: ReadOptions, walk: batch::Walk) -> Self {
        let mut problems = Vec::new();
        let roster = sources.roster.as_ref().map(|path| {
            let (roster, roster_problems) = Roster::load(path);
            problems.extend(roster_problems);
            roster
        });
        let inputs = if sources.previous.is_empty() {
            Vec::new()
        } else {
            let collected = batch::collect(&sources.previous, None, walk);
            for (path, error) in &collected.missing {
                problems.push(
                    CollectionFinding::new(
                        PREVIOUS_UNREADABLE_CODE,
                        format!("上年度报告文件夹无法读取：{error}"),
                    )
                    .at(&batch::display(path), None),
                );
            }
            collected.inputs
        };
        let loaded: Vec<Loaded> = inputs
            .par_iter()
            .map(|input| {
                let name = input.name();
                let bytes = batch::read(input).map_err(|e| (name.clone(), e.to_string()))?;
                crate::document::load(&name, &bytes, read)
                    .map(|l| (l.document, l.source))
                    .map_err(|e| (name, e.to_string()))
            })
            .collect();
        Self::assemble(sources, roster, problems, loaded)
    }

    /// A collection whose previous reports are given as (name, bytes): for tests and for
    /// `regulint test` fixtures that name a previous report.
    #[must_use]
    pub fn with_previous(reports: &[(String, Vec<u8>)], read: ReadOptions) -> Self {
        let loaded: Vec<Loaded> = reports
            .par_iter()
            .map(|(name, bytes)| {
                crate::document::load(name, bytes, read)
                    .map(|l| (l.document, l.source))
                    .map_err(|e| (name.clone(), e.to_string()))
            })
            .collect();
        Self::assemble(&Sources::default(), None, Vec::new(), loaded)
    }

    fn assemble(
        sources: &Sources,
        roster: Option<Roster>,
        mut problems: Vec<CollectionFinding>,
        loaded: Vec<Loaded>,
    ) -> Self {
        // The roster's aliases are the roster's: it resolves them itself ([`Self::key`]), so
        // that an alias given to two agencies is reported instead of silently taking one.
        let aliases = sources.aliases.clone();
        // The jurisdiction: given, else the commonest administrative prefix of the roster's
        // names, else of last year's agencies.
        let names: Vec<String> = match &roster {
            Some(roster) => roster.entries.iter().map(|e| e.name.clone()).collect(),
            None => loaded
                .iter()
                .filter_map(|l| l.as_ref().ok())
                .filter_map(|(d, _)| d.title.as_ref().and_then(|t| t.agency.clone()))
                .collect(),
        };
        let jurisdiction = sources
            .jurisdiction
            .clone()
            .or_else(|| agency::infer_jurisdiction(names.iter().map(String::as_str)));
        let agencies = Agencies::new(jurisdiction, &aliases);
        let mut roster = roster;
        if let Some(roster) = &mut roster {
            problems.extend(roster.index(&agencies));
        }
        let mut collection = Self {
            agencies,
            roster,
            ..Self::default()
        };
        let mut previous: HashMap<(String, i32), Arc<PreviousReport>> = HashMap::new();
        for result in loaded {
            let (document, source) = match result {
                Ok(read) => read,
                Err((name, error)) => {
                    problems.push(
                        CollectionFinding::new(
                            PREVIOUS_UNREADABLE_CODE,
                            format!("上年度报告无法读取：{error}"),
                        )
                        .at(&name, None)
                        .help("检查该文件；其余报告照常检查，只是与它对应的报告缺少上年数据"),
                    );
                    continue;
                }
            };
            let identity = collection.identify(&document, None);
            let name = source.name.clone();
            let (Some(key), Some(year)) = (identity.key.clone(), identity.year) else {
                problems.push(
                    CollectionFinding::new(
                        PREVIOUS_UNREADABLE_CODE,
                        "上年度报告的标题中未能确定机关名称或年度，无法与今年的报告对应".to_owned(),
                    )
                    .at(&name, None),
                );
                continue;
            };
            collection.previous_years.insert(year);
            let report = Arc::new(PreviousReport {
                document,
                file: OtherFile(Arc::new(source)),
                identity,
            });
            if let Some(first) = previous.get(&(key.clone(), year)) {
                problems.push(
                    CollectionFinding::new(
                        DUPLICATE_CODE,
                        format!(
                            "上年度报告中「{}」{year} 年度有两份报告，只用第一份 {}",
                            report.identity.agency.as_deref().unwrap_or(&key),
                            first.file.name()
                        ),
                    )
                    .at(&name, None),
                );
                continue;
            }
            previous.insert((key, year), report);
        }
        collection.previous = previous;
        collection.problems = problems;
        collection
    }

    /// A report's identity: its agency as the title writes it and as matched, and its year.
    #[must_use]
    pub fn identify(&self, document: &Document, year: Option<i32>) -> Identity {
        let mut identity = identify(&self.agencies, self.roster.as_ref(), document, year);
        identity.key = identity.agency.as_deref().map(|a| self.key(a));
        identity
    }

    /// An agency name's key: the roster's name for it when the roster knows it under any of
    /// its names, so a report titled with an alias matches last year's titled in full.
    #[must_use]
    pub fn key(&self, name: &str) -> String {
        let key = self.agencies.key(name);
        match self.roster.as_ref().and_then(|r| r.entry(&key)) {
            Some(entry) => self.agencies.key(&entry.name),
            None => key,
        }
    }

    /// The reports a report's rules can read.
    #[must_use]
    pub fn related(&self, identity: &Identity) -> Related<'_> {
        let previous = match identity.year {
            Some(year) if self.previous_years.contains(&(year - 1)) => {
                match identity
                    .key
                    .as_ref()
                    .and_then(|key| self.previous.get(&(key.clone(), year - 1)))
                {
                    Some(report) => Linked::Present(RelatedReport {
                        document: &report.document,
                        file: report.file.clone(),
                        year: report.identity.year,
                    }),
                    None => Linked::Absent {
                        year: Some(year - 1),
                    },
                }
            }
            _ => Linked::NotGiven,
        };
        let level = identity
            .agency
            .as_ref()
            .and_then(|name| self.roster.as_ref()?.entry(&self.agencies.key(name)))
            .and_then(|entry| entry.level.clone());
        Related { previous, level }
    }
}

/// A report's identity with the given name matching.
#[must_use]
pub fn identify(
    agencies: &Agencies,
    roster: Option<&Roster>,
    document: &Document,
    year: Option<i32>,
) -> Identity {
    let agency = document.title.as_ref().and_then(|t| t.agency.clone());
    let key = agency.as_deref().map(|a| agencies.key(a));
    let roster_name = key
        .as_ref()
        .and_then(|k| roster?.entry(k))
        .map(|e| e.name.clone());
    Identity {
        agency,
        key,
        roster_name,
        year: year.or_else(|| crate::engine::report_year(document)),
    }
}

/// What the batch saw of each report, for the findings about the whole collection.
#[derive(Debug, Default)]
pub struct Tally {
    seen: Vec<(String, Option<String>, Option<i32>)>,
}

impl Tally {
    /// Notes one linted report: its path, agency as written, and year.
    pub fn add(&mut self, path: &str, agency: Option<&str>, year: Option<i32>) {
        self.seen
            .push((path.to_owned(), agency.map(str::to_owned), year));
    }

    /// The findings about the collection: duplicates, and with a roster, agencies that did
    /// not report and reports the roster does not know. `collection` is `None` for a plain
    /// batch (duplicates only, names matched with the jurisdiction inferred from the reports).
    #[must_use]
    pub fn finish(&self, collection: Option<&Collection>) -> Vec<CollectionFinding> {
        let inferred;
        let agencies = match collection {
            Some(c) => &c.agencies,
            None => {
                let names = self.seen.iter().filter_map(|(_, a, _)| a.as_deref());
                inferred = Agencies::new(agency::infer_jurisdiction(names), &BTreeMap::new());
                &inferred
            }
        };
        let mut out: Vec<CollectionFinding> =
            collection.map(|c| c.problems.clone()).unwrap_or_default();
        let mut first: HashMap<(String, i32), &str> = HashMap::new();
        for (path, agency, year) in &self.seen {
            let (Some(agency), Some(year)) = (agency, year) else {
                continue;
            };
            let key = collection.map_or_else(|| agencies.key(agency), |c| c.key(agency));
            match first.get(&(key.clone(), *year)) {
                Some(earlier) => {
                    let mut finding = CollectionFinding::new(
                        DUPLICATE_CODE,
                        format!(
                            "「{agency}」{year} 年度有两份报告：{earlier} 与 {path}；请确认哪一份是正式发布的"
                        ),
                    )
                    .at(path, None)
                    .help("删去重复提交的一份，或在别名表中区分两个名称相近的机关");
                    finding.related.push((*earlier).to_owned());
                    out.push(finding);
                }
                None => {
                    first.insert((key, *year), path);
                }
            }
        }
        if let Some(roster) = collection.and_then(|c| c.roster.as_ref()) {
            out.extend(roster.check(agencies, &self.seen));
        }
        out
    }
}
