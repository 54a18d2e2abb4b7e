//! JSON: one document, `{"version":1,"files":[…],"summary":{…}}`, documented in
//! `docs/output.md` and described by `docs/output.schema.json`.
//!
//! The document is streamed: the opening is written first, then one file object per line as
//! files finish, then the summary. Consumers that parse the whole document see ordinary JSON.

use super::{Emitter, Location};
use crate::diagnostic::{FileReport, Finding, Known, Outcome, Severity, Summary};
use crate::source::Source;
use codespan_reporting::term::termcolor::WriteColor;
use serde::Serialize;
use std::io;

/// The version of the JSON document's shape. Bumped on incompatible changes only.
pub const SCHEMA_VERSION: u32 = 1;

/// One file in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonFile<'a> {
    /// The path as given.
    pub path: &'a str,
    /// Detected input format, `null` when unreadable.
    pub format: Option<&'static str>,
    /// Encoding used, `null` when unreadable.
    pub encoding: Option<&'static str>,
    /// Rule pack applied.
    pub pack: Option<&'a str>,
    /// Report year detected.
    pub year: Option<i32>,
    /// Findings in source order.
    pub findings: Vec<JsonFinding<'a>>,
    /// Why the file could not be read, or `null`.
    pub error: Option<&'a str>,
}

/// One finding in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    /// Its position in the file's `findings` (0-based): what `explains` refers to.
    pub id: usize,
    /// Rule code.
    pub code: &'a str,
    /// Rule name.
    pub name: &'a str,
    /// Severity.
    pub severity: Severity,
    /// Fail or not assessable.
    pub outcome: Outcome,
    /// Message.
    pub message: &'a str,
    /// How to fix it.
    pub help: Option<&'a str>,
    /// Legal or format basis.
    pub basis: Option<&'a str>,
    /// Extra lines.
    pub notes: &'a [String],
    /// Where it is (line, column, end, byte range), flattened into this object.
    #[serde(flatten)]
    pub at: Location,
    /// Evidence.
    pub labels: Vec<JsonLabel<'a>>,
    /// The `id`s of the findings of the same file this one explains (a localisation lists
    /// the failing identities its correction repairs); left out when empty.
    #[serde(skip_serializing_if = "<[usize]>::is_empty")]
    pub explains: &'a [usize],
    /// Stable fingerprint: rule code and a hash of the evidence, not of positions.
    pub fingerprint: &'a str,
    /// `null`, or why the finding is already accepted (`{"by":"baseline"}` or
    /// `{"by":"waiver","reason":…,"at":…,"expires":…}`); known findings do not fail the run.
    pub known: Option<&'a Known>,
}

/// One evidence label in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonLabel<'a> {
    /// What it shows.
    pub message: &'a str,
    /// The file it is in when that is not the finding's (last year's report); left out
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
    /// Where it is (line, column, end, byte range), flattened into this object.
    #[serde(flatten)]
    pub at: Location,
}

impl<'a> JsonFile<'a> {
    /// The JSON view of a report.
    #[must_use]
    pub fn new(report: &'a FileReport) -> Self {
        let findings = match &report.source {
            Some(source) => report
                .findings
                .iter()
                .enumerate()
                .map(|(id, f)| JsonFinding::new(source, id, f))
                .collect(),
            None => Vec::new(),
        };
        Self {
            path: &report.path,
            format: report.format.map(|f| f.name()),
            encoding: report.encoding.map(|e| e.name()),
            pack: report.pack.as_deref(),
            year: report.year,
            findings,
            error: report.error.as_deref(),
        }
    }
}

impl<'a> JsonFinding<'a> {
    fn new(source: &Source, id: usize, finding: &'a Finding) -> Self {
        Self {
            id,
            explains: &finding.explains,
            code: &finding.code,
            name: &finding.name,
            severity: finding.severity,
            outcome: finding.outcome,
            message: &finding.message,
            help: finding.help.as_deref(),
            basis: finding.basis.as_deref(),
            notes: &finding.notes,
            at: Location::of(source, finding.span),
            labels: finding
                .labels
                .iter()
                .map(|label| JsonLabel {
                    message: &label.message,
                    file: label.file.as_ref().map(|f| f.name()),
                    at: Location::of(label.file.as_ref().map_or(source, |f| &*f.0), label.span),
                })
                .collect(),
            fingerprint: &finding.triage.fingerprint,
            known: finding.triage.known.as_ref(),
        }
    }
}

/// The JSON format.
#[derive(Debug, Default)]
pub struct Json {
    files: usize,
    /// One file's JSON, written whole: serde writes many small pieces, and each written to
    /// the output stream directly costs a call through its colour and buffering layers.
    buffer: Vec<u8>,
}

impl Emitter for Json {
    fn begin(&mut self, out: &mut dyn WriteColor) -> io::Result<()> {
        write!(out, "{{\"version\":{SCHEMA_VERSION},\"files\":[")
    }

    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()> {
        if self.files > 0 {
            out.write_all(b",")?;
        }
        self.files += 1;
        self.buffer.clear();
        self.buffer.push(b'\n');
        serde_json::to_writer(&mut self.buffer, &JsonFile::new(report))?;
        out.write_all(&self.buffer)
    }

    fn finish(&mut self, out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
        out.write_all(b"\n]")?;
        // Findings about the collection as a whole; the key is left out when there are none.
        if !summary.collection.is_empty() {
            out.write_all(b",\"collection\":")?;
            serde_json::to_writer(&mut *out, &summary.collection)?;
        }
        out.write_all(b",\"summary\":")?;
        serde_json::to_writer(&mut *out, summary)?;
        out.write_all(b"}\n")
    }
}
