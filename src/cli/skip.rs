//! Files in a folder that are not reports: recognised and skipped with a reason instead of
//! being linted into a screenful of missing-section errors.

use crate::batch::Input;
use crate::diagnostic::FileReport;
use serde::Deserialize;
use serde::de::IgnoredAny;

/// Names of the files every repository has and no report is called (compared without the
/// extension, ignoring case).
const NOT_REPORT_NAMES: &[&str] = &[
    "readme",
    "changelog",
    "changes",
    "license",
    "licence",
    "contributing",
    "copying",
    "authors",
    "notice",
    "security",
    "code_of_conduct",
];

/// The keys that tell regulint's own outputs apart (read without parsing the rest).
#[derive(Deserialize)]
struct Probe {
    kind: Option<String>,
    files: Option<IgnoredAny>,
    summary: Option<IgnoredAny>,
    runs: Option<IgnoredAny>,
    #[serde(rename = "$schema")]
    schema: Option<String>,
}

/// Why `input` is not a report, judged before reading it as one: regulint's own JSON output,
/// a SARIF log or a baseline (always); a README-like name (only when found by walking a
/// folder: a file named on the command line is linted as asked).
#[must_use]
pub fn not_a_report(input: &Input, bytes: &[u8], explicit: bool) -> Option<String> {
    let Input::File(path) = input else {
        return None;
    };
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if extension.as_deref() == Some("json")
        && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        && let Ok(probe) = serde_json::from_slice::<Probe>(bytes)
    {
        if probe.kind.as_deref() == Some(crate::baseline::KIND) {
            return Some("a regulint baseline, not a report / regulint 基线文件".to_owned());
        }
        if probe.files.is_some() && probe.summary.is_some() {
            return Some(
                "regulint's own JSON output (--format json), not a report / regulint 自己输出的 JSON"
                    .to_owned(),
            );
        }
        if probe.runs.is_some() && probe.schema.as_deref().is_some_and(|s| s.contains("sarif")) {
            return Some("a SARIF log, not a report / SARIF 结果文件".to_owned());
        }
    }
    if explicit {
        return None;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())?;
    NOT_REPORT_NAMES.contains(&stem.as_str()).then(|| {
        format!(
            "{} is a project file, not a report (name it to lint it anyway) / 项目说明文件，不是年度报告",
            path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        )
    })
}

/// Whether a linted file reads like a disclosure report at all: its title or some paragraph
/// or table cell mentions 信息公开 (every report does, in its title and its first section).
#[must_use]
pub fn looks_like_a_report(report: &FileReport) -> bool {
    let Some(document) = report.document.as_deref() else {
        return true;
    };
    let mentions = |text: &str| text.contains("信息公开") || text.contains("信息 公开");
    document.title.as_ref().is_some_and(|t| mentions(&t.text))
        || document.blocks.iter().any(|block| match block {
            crate::document::Block::Paragraph { text, .. } => mentions(&text.text),
            crate::document::Block::Table { .. } => false,
        })
        || document
            .tables
            .iter()
            .flat_map(|t| &t.rows)
            .flat_map(|r| &r.cells)
            .any(|c| mentions(&c.text))
}
