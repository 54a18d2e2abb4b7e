//! The roster: the agencies of a jurisdiction that must report, with their aliases, level,
//! parent government and the first year they must report for.
//!
//! CSV, read by the `csv` crate (a header row; columns `agency`, `aliases`, `level`, `parent`, `expected_from`, or
//! `机关`, `别名`, `层级`, `上级`, `起始年度`; aliases separated by `;` `；` `|` or `、`) or
//! TOML (`[[agency]]` tables with `name`, `aliases`, `level`, `parent`, `expected_from`).
//! Any encoding the reports may have (UTF-8 with or without BOM, GB18030, UTF-16) is read.
//! Problems (a row of empty fields, a record the CSV reader cannot make out, a name given twice, two entries that match one name, an unknown
//! level) are findings at their line; the entry is left out and the batch goes on.

use super::agency::{Agencies, fold};
use super::{CollectionFinding, NOT_IN_ROSTER_CODE, NOT_REPORTED_CODE, ROSTER_PROBLEM_CODE};
use crate::engine::recognise::{AGENCY_DEPARTMENT, AGENCY_GOVERNMENT, AGENCY_TOWNSHIP};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// One agency of the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its name.
    pub name: String,
    /// Other names its reports may use.
    pub aliases: Vec<String>,
    /// Its level, as `agency_level()` names levels (县级以上人民政府 / 政府部门 /
    /// 乡镇人民政府、街道办事处).
    pub level: Option<String>,
    /// The government it belongs to.
    pub parent: Option<String>,
    /// The first report year it must report for.
    pub expected_from: Option<i32>,
    /// Its line in the roster file (1-based).
    pub line: usize,
}

/// A roster, read.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    /// The file, as shown to users.
    pub path: String,
    /// Its agencies, in file order.
    pub entries: Vec<Entry>,
    /// Agency key → entry (built by [`Roster::index`]).
    index: HashMap<String, usize>,
}

/// The level a roster cell names, in `agency_level()`'s words.
fn level(text: &str) -> Option<&'static str> {
    let t = fold(text);
    if t.contains("乡") || t.contains("镇") || t.contains("街道") {
        Some(AGENCY_TOWNSHIP)
    } else if t.contains("部门") || t.contains("办公") {
        Some(AGENCY_DEPARTMENT)
    } else if t.contains("政府") {
        Some(AGENCY_GOVERNMENT)
    } else {
        None
    }
}

/// A CSV record: the line it starts on, and its fields.
type CsvRecord = (usize, Vec<String>);

/// Splits one CSV text into records, each with the line it starts on (RFC 4180 quoting, rows
/// of any length), read by the `csv` crate. A record the reader cannot make out is given as
/// an error with its line.
fn csv_records(text: &str) -> Vec<Result<CsvRecord, (usize, String)>> {
    // Line numbers from byte offsets: the reader's own line count points a record that
    // follows skipped blank lines at the first blank line.
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect();
    let line = |position: Option<&csv::Position>| {
        let Some(start) = position.and_then(|p| usize::try_from(p.byte()).ok()) else {
            return 0;
        };
        // The record starts at its first byte that is not a line end.
        let first = text
            .get(start..)
            .and_then(|rest| rest.find(|c| c != '\n' && c != '\r'))
            .map_or(start, |skip| start + skip);
        1 + newlines.partition_point(|&n| n < first)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| match record {
            Ok(record) => Ok((
                line(record.position()),
                record.iter().map(str::to_owned).collect(),
            )),
            Err(error) => Err((line(error.position()), error.to_string())),
        })
        .collect()
}

/// Which column holds what, from the header row.
fn column(header: &[String], names: &[&str]) -> Option<usize> {
    // Folding drops `_` and `-`, so `expected_from` and `expected-from` are one header.
    header.iter().position(|h| {
        let h = fold(h).to_lowercase();
        names.iter().any(|n| h == fold(n))
    })
}

fn split_aliases(text: &str) -> Vec<String> {
    text.split([';', '；', '|', '、'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Roster {
    /// Reads a roster file. Problems are findings; a file that cannot be read at all gives an
    /// empty roster and one finding.
    #[must_use]
    pub fn load(path: &Path) -> (Self, Vec<CollectionFinding>) {
        let shown = crate::batch::display(path);
        let problem = |message: String, line: Option<usize>| {
            CollectionFinding::new(ROSTER_PROBLEM_CODE, message).at(&shown, line)
        };
        let empty = Self {
            path: shown.clone(),
            ..Self::default()
        };
        // The same size limit as reports: a roster of a few thousand rows is a few hundred KB.
        let bytes = match crate::batch::read(&crate::batch::single(path)) {
            Ok(bytes) => bytes,
            Err(e) => return (empty, vec![problem(format!("名单文件无法读取：{e}"), None)]),
        };
        let is_toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        Self::from_bytes(&shown, &bytes, is_toml)
    }

    /// Reads a roster from its bytes (CSV, or TOML when `is_toml`), shown as `shown` in
    /// findings. Problems are findings, never a panic (the `roster` fuzz target).
    #[must_use]
    pub fn from_bytes(shown: &str, bytes: &[u8], is_toml: bool) -> (Self, Vec<CollectionFinding>) {
        let shown = shown.to_owned();
        let problem = |message: String, line: Option<usize>| {
            CollectionFinding::new(ROSTER_PROBLEM_CODE, message).at(&shown, line)
        };
        let empty = Self {
            path: shown.clone(),
            ..Self::default()
        };
        let text = match crate::source::Source::decode(shown.clone(), bytes, None) {
            Ok(source) => source.text,
            Err(e) => return (empty, vec![problem(format!("名单文件无法解码：{e}"), None)]),
        };
        let (entries, mut problems) = if is_toml {
            Self::parse_toml(&text, &problem)
        } else {
            Self::parse_csv(&text, &problem)
        };
        let mut roster = Self {
            path: shown.clone(),
            entries: Vec::new(),
            index: HashMap::new(),
        };
        let mut names: HashMap<String, usize> = HashMap::new();
        for entry in entries {
            if let Some(first) = names.get(&fold(&entry.name)) {
                problems.push(problem(
                    format!(
                        "名单中「{}」出现两次（第 {first} 行与第 {} 行），只用第一次",
                        entry.name, entry.line
                    ),
                    Some(entry.line),
                ));
                continue;
            }
            names.insert(fold(&entry.name), entry.line);
            roster.entries.push(entry);
        }
        (roster, problems)
    }

    fn parse_csv(
        text: &str,
        problem: &dyn Fn(String, Option<usize>) -> CollectionFinding,
    ) -> (Vec<Entry>, Vec<CollectionFinding>) {
        let mut problems = Vec::new();
        let mut readable = Vec::new();
        for record in csv_records(text) {
            match record {
                Ok(record) => readable.push(record),
                Err((line, error)) => problems.push(problem(
                    format!("名单此行无法读取（{error}），已跳过"),
                    Some(line),
                )),
            }
        }
        let mut records = readable.into_iter();
        let Some((_, header)) = records.next() else {
            return (Vec::new(), vec![problem("名单文件为空".to_owned(), None)]);
        };
        let Some(name_col) = column(
            &header,
            &["agency", "name", "机关", "机关名称", "名称", "单位"],
        ) else {
            return (
                Vec::new(),
                vec![problem(
                    "名单第一行应为表头，且有 agency（或 机关、名称）一栏 / the first row must be a header with an `agency` column".to_owned(),
                    Some(1),
                )],
            );
        };
        let aliases_col = column(&header, &["aliases", "alias", "别名"]);
        let level_col = column(&header, &["level", "层级", "级别"]);
        let parent_col = column(&header, &["parent", "上级", "上级机关"]);
        let from_col = column(
            &header,
            &[
                "expected_from",
                "expected-from",
                "from",
                "起始年度",
                "起报年度",
            ],
        );
        let mut entries = Vec::new();
        for (line, fields) in records {
            let cell = |c: Option<usize>| {
                c.and_then(|c| fields.get(c))
                    .map(|f| f.trim().to_owned())
                    .filter(|f| !f.is_empty())
            };
            let Some(name) = cell(Some(name_col)) else {
                if fields.iter().all(|f| f.trim().is_empty()) {
                    problems.push(
                        problem("名单中有一行各栏都是空的，已跳过".to_owned(), Some(line))
                            .severity(crate::diagnostic::Severity::Warning),
                    );
                } else {
                    problems.push(problem(
                        "名单此行没有机关名称，已跳过".to_owned(),
                        Some(line),
                    ));
                }
                continue;
            };
            let level_text = cell(level_col);
            let level_value = level_text.as_deref().and_then(level);
            if let (Some(text), None) = (&level_text, level_value) {
                problems.push(problem(
                    format!("层级「{text}」不是 县级以上人民政府、部门、乡镇街道 之一，已忽略"),
                    Some(line),
                ));
            }
            let from_text = cell(from_col);
            let expected_from = from_text.as_deref().and_then(|t| t.parse::<i32>().ok());
            if let (Some(text), None) = (&from_text, expected_from) {
                problems.push(problem(
                    format!("起始年度「{text}」不是年份，已忽略"),
                    Some(line),
                ));
            }
            entries.push(Entry {
                name,
                aliases: cell(aliases_col)
                    .map(|a| split_aliases(&a))
                    .unwrap_or_default(),
                level: level_value.map(str::to_owned),
                parent: cell(parent_col),
                expected_from,
                line,
            });
        }
        (entries, problems)
    }

    fn parse_toml(
        text: &str,
        problem: &dyn Fn(String, Option<usize>) -> CollectionFinding,
    ) -> (Vec<Entry>, Vec<CollectionFinding>) {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            agency: Vec<toml::Spanned<Item>>,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        struct Item {
            name: String,
            #[serde(default)]
            aliases: Vec<String>,
            level: Option<String>,
            parent: Option<String>,
            #[serde(alias = "expected_from")]
            expected_from: Option<i32>,
        }
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let file: File = match toml::from_str(text) {
            Ok(file) => file,
            Err(e) => {
                let line = e.span().map(|s| line_of(s.start));
                return (
                    Vec::new(),
                    vec![problem(
                        format!("名单文件不是有效的 TOML：{}", e.message()),
                        line,
                    )],
                );
            }
        };
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for spanned in file.agency {
            let line = line_of(spanned.span().start);
            let item = spanned.into_inner();
            if item.name.trim().is_empty() {
                problems.push(problem(
                    "名单此项没有机关名称，已跳过".to_owned(),
                    Some(line),
                ));
                continue;
            }
            let level_value = item.level.as_deref().and_then(level);
            if let (Some(text), None) = (&item.level, level_value) {
                problems.push(problem(
                    format!("层级「{text}」不是 县级以上人民政府、部门、乡镇街道 之一，已忽略"),
                    Some(line),
                ));
            }
            entries.push(Entry {
                name: item.name.trim().to_owned(),
                aliases: item.aliases,
                level: level_value.map(str::to_owned),
                parent: item.parent,
                expected_from: item.expected_from,
                line,
            });
        }
        (entries, problems)
    }

    /// Indexes the entries by agency key; two entries with one key (a name of one is an alias
    /// of another, or they differ only in width or the jurisdiction's name) are ambiguous:
    /// the second is reported and left out of the index.
    pub fn index(&mut self, agencies: &Agencies) -> Vec<CollectionFinding> {
        let mut problems = Vec::new();
        self.index.clear();
        for (i, entry) in self.entries.iter().enumerate() {
            let names = std::iter::once(&entry.name).chain(&entry.aliases);
            for name in names {
                let key = agencies.key(name);
                match self.index.get(&key) {
                    Some(&j) if j != i => problems.push(
                        CollectionFinding::new(
                            ROSTER_PROBLEM_CODE,
                            format!(
                                "名单中「{name}」与第 {} 行的「{}」指同一机关，无法区分；请删去一项或改用全称",
                                self.entries[j].line, self.entries[j].name
                            ),
                        )
                        .at(&self.path, Some(entry.line)),
                    ),
                    Some(_) => {}
                    None => {
                        self.index.insert(key, i);
                    }
                }
            }
        }
        problems
    }

    /// The entry for an agency key.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.index.get(key).map(|&i| &self.entries[i])
    }

    /// The roster names closest to `name` (at most three), for a report the roster does not
    /// know; `folded` holds the roster's names folded once per check, not once per report.
    fn closest<'a>(folded: &'a [(String, &'a str)], name: &str) -> Vec<&'a str> {
        let name = fold(name);
        let mut scored: Vec<(f64, &str)> = folded
            .iter()
            .map(|(f, n)| (strsim::normalized_levenshtein(&name, f), *n))
            .filter(|(score, _)| *score >= 0.4)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }

    /// Agencies that did not report for the collection's year, and reports from agencies the
    /// roster does not know. The collection's year is the commonest report year.
    #[must_use]
    pub fn check(
        &self,
        agencies: &Agencies,
        seen: &[(String, Option<String>, Option<i32>)],
    ) -> Vec<CollectionFinding> {
        let mut years: BTreeMap<i32, usize> = BTreeMap::new();
        for (_, _, year) in seen {
            if let Some(y) = year {
                *years.entry(*y).or_default() += 1;
            }
        }
        let Some(year) = years
            .iter()
            .max_by_key(|(y, n)| (**n, **y))
            .map(|(y, _)| *y)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut reported: HashSet<usize> = HashSet::new();
        let folded: Vec<(String, &str)> = self
            .entries
            .iter()
            .map(|e| (fold(&e.name), e.name.as_str()))
            .collect();
        for (path, agency, report_year) in seen {
            if *report_year != Some(year) {
                continue;
            }
            let Some(agency) = agency else {
                continue;
            };
            match self.index.get(&agencies.key(agency)) {
                Some(&i) => {
                    reported.insert(i);
                }
                None => {
                    let closest = Self::closest(&folded, agency);
                    let hint = if closest.is_empty() {
                        String::new()
                    } else {
                        format!("；最接近的名单名称：{}", closest.join("、"))
                    };
                    out.push(
                        CollectionFinding::new(
                            NOT_IN_ROSTER_CODE,
                            format!("报告的机关「{agency}」不在名单 {} 中{hint}", self.path),
                        )
                        .at(path, None)
                        .help("名称写法不同时，把它加到名单该机关的 aliases（别名）一栏"),
                    );
                }
            }
        }
        for (i, entry) in self.entries.iter().enumerate() {
            if reported.contains(&i) || entry.expected_from.is_some_and(|from| from > year) {
                continue;
            }
            out.push(
                CollectionFinding::new(
                    NOT_REPORTED_CODE,
                    format!("名单中的「{}」没有 {year} 年度的报告", entry.name),
                )
                .at(&self.path, Some(entry.line))
                .help("催报；或报告标题中的机关名称与名单不同时，在名单中登记别名"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, bytes: &[u8]) -> (Roster, Vec<CollectionFinding>) {
        let dir = std::env::temp_dir().join(format!("regulint-roster-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        Roster::load(&path)
    }

    #[test]
    fn reads_csv_with_bom_quotes_and_chinese_headers() {
        // A blank line is no record (skipped as CSV readers do); a row of empty fields is
        // reported.
        let text = "\u{feff}机关,别名,层级,上级,起始年度\n石家庄市商务局,\"市商务局；商务局\",部门,石家庄市人民政府,2019\n\n,,,,\n某镇人民政府,,乡镇街道,,2022\n";
        let (roster, problems) = load("bom.csv", text.as_bytes());
        assert_eq!(roster.entries.len(), 2);
        assert_eq!(roster.entries[0].aliases, ["市商务局", "商务局"]);
        assert_eq!(roster.entries[0].level.as_deref(), Some(AGENCY_DEPARTMENT));
        assert_eq!(roster.entries[1].line, 5);
        assert_eq!(roster.entries[1].expected_from, Some(2022));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(4), "the row of empty fields");
    }

    #[test]
    fn a_quote_spanning_lines_keeps_the_record_s_first_line() {
        let text = "agency,aliases\n\"某县\n人民政府\",县政府\n某镇人民政府,\n";
        let (roster, problems) = load("multi.csv", text.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(roster.entries.len(), 2);
        assert_eq!(roster.entries[0].line, 2);
        assert_eq!(roster.entries[1].line, 4);
    }

    #[test]
    fn reads_gb18030() {
        let text = "agency,level\n石家庄市商务局,部门\n";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        let (roster, problems) = load("gb.csv", &bytes);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(roster.entries[0].name, "石家庄市商务局");
    }

    #[test]
    fn duplicate_and_ambiguous_names_are_located() {
        let text = "agency,aliases\n商务局,\n民政局,商务局\n商务局,\n";
        let (mut roster, problems) = load("dup.csv", text.as_bytes());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(4));
        assert!(problems[0].message.contains("出现两次"));
        let ambiguous = roster.index(&Agencies::default());
        assert_eq!(ambiguous.len(), 1);
        assert_eq!(ambiguous[0].line, Some(3));
    }

    #[test]
    fn reads_toml_with_lines() {
        let text = "[[agency]]\nname = \"商务局\"\nlevel = \"部门\"\n\n[[agency]]\nname = \"某街道办事处\"\nlevel = \"乡镇街道\"\nexpected-from = 2023\n";
        let (roster, problems) = load("r.toml", text.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(roster.entries[1].expected_from, Some(2023));
        assert_eq!(roster.entries[1].level.as_deref(), Some(AGENCY_TOWNSHIP));
    }
}
