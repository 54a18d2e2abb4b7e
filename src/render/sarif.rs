//! SARIF 2.1.0, the format code-scanning services read (GitHub code scanning, Azure DevOps,
//! the SARIF viewer extensions).
//!
//! One run: `tool.driver` describes regulint and its rules, `results` holds one result per
//! finding, and `invocations[0].toolExecutionNotifications` lists the files that could not be
//! read. Columns count Unicode code points (`columnKind: unicodeCodePoints`); each region also
//! carries the byte range in the original file. Paths are relative URIs against `%SRCROOT%`,
//! the working folder.
//!
//! The results are streamed between an opening that holds `tool` (with the rules given up
//! front, so that readers that deserialise a run lazily see its rules before its results) and a
//! closing that holds `invocations`. A finding of a rule not among those given gets a `ruleId`
//! without a `ruleIndex`, which SARIF allows.

use super::{Emitter, Location, UNREADABLE_CODE, UNREADABLE_NAME};
use crate::diagnostic::{FileReport, Finding, Known, Outcome, RuleInfo, Severity, Summary};
use codespan_reporting::term::termcolor::WriteColor;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

/// The schema URI written into `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where users read about regulint: the package's repository or homepage when Cargo.toml names
/// one, else its documentation page.
pub const INFORMATION_URI: &str = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(uri) if !uri.is_empty() => uri,
    _ => "https://docs.rs/regulint",
};

/// The SARIF format.
#[derive(Debug)]
pub struct Sarif {
    rules: Vec<RuleInfo>,
    index: HashMap<String, usize>,
    base: Option<PathBuf>,
    results: usize,
    notifications: Vec<Value>,
    compared_with_baseline: bool,
}

impl Sarif {
    /// A SARIF emitter describing `rules`. Paths are made relative to `base` (normally the
    /// working folder) where they lie under it.
    #[must_use]
    pub fn new(rules: &[RuleInfo], base: Option<PathBuf>) -> Self {
        let index = rules
            .iter()
            .enumerate()
            .map(|(i, rule)| (rule.code.clone(), i))
            .collect();
        Self {
            rules: rules.to_vec(),
            index,
            base,
            results: 0,
            notifications: Vec::new(),
            compared_with_baseline: false,
        }
    }

    /// Says that the run was compared with a baseline: every result then gets a
    /// `baselineState` (`unchanged` when the baseline has it, `new` otherwise).
    #[must_use]
    pub fn compared_with_baseline(mut self, yes: bool) -> Self {
        self.compared_with_baseline = yes;
        self
    }

    fn artifact(&self, path: &str) -> Value {
        let (uri, relative) = uri(path, self.base.as_deref());
        if relative {
            json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
        } else {
            json!({ "uri": uri })
        }
    }

    fn result(&self, report: &FileReport, finding: &Finding) -> Value {
        let source = report.source.as_ref().expect("findings come with a source");
        let artifact = self.artifact(&report.path);
        let mut text = finding.message.clone();
        if finding.outcome == Outcome::NotAssessable {
            text.push_str("\n无法核验");
        }
        for note in &finding.notes {
            text.push('\n');
            text.push_str(note);
        }
        let related: Vec<Value> = finding
            .labels
            .iter()
            .enumerate()
            .map(|(id, label)| {
                // A label in another report (last year's) is located in that file.
                let (artifact, source) = match &label.file {
                    Some(file) => (self.artifact(file.name()), &*file.0),
                    None => (artifact.clone(), source),
                };
                json!({
                    "id": id,
                    "message": { "text": label.message },
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": region(&Location::of(source, label.span), source.slice(label.span)),
                    },
                })
            })
            .collect();
        // A localisation points at the findings it explains: one related location each, at
        // their primary location, unless a label already points there.
        let explained = finding
            .explains
            .iter()
            .filter_map(|&e| report.findings.get(e))
            .filter(|other| finding.labels.iter().all(|l| l.span != other.span))
            .enumerate()
            .map(|(k, other)| {
                json!({
                    "id": finding.labels.len() + k,
                    "message": { "text": format!("{}：{}", other.code, other.message) },
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": region(&Location::of(source, other.span), source.slice(other.span)),
                    },
                })
            });
        let related: Vec<Value> = related.into_iter().chain(explained).collect();
        let mut result = json!({
            "ruleId": finding.code,
            "level": level(finding.severity),
            "message": { "text": text },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": region(&Location::of(source, finding.span), source.slice(finding.span)),
                },
            }],
            "properties": { "outcome": finding.outcome },
        });
        if let Some(&index) = self.index.get(&finding.code) {
            result["ruleIndex"] = json!(index);
        }
        if !finding.triage.fingerprint.is_empty() {
            result["partialFingerprints"] =
                json!({ "regulintEvidence/v1": finding.triage.fingerprint });
        }
        match &finding.triage.known {
            Some(Known::Baseline) => result["baselineState"] = json!("unchanged"),
            Some(Known::Waiver { reason, at, .. }) => {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": reason,
                    "properties": { "waiver": at },
                }]);
            }
            None if self.compared_with_baseline => result["baselineState"] = json!("new"),
            None => {}
        }
        if !related.is_empty() {
            result["relatedLocations"] = Value::Array(related);
        }
        result
    }

    fn rule(rule: &RuleInfo) -> Value {
        let mut full = rule.summary.clone();
        let mut help = rule.help.clone().unwrap_or_else(|| rule.summary.clone());
        if let Some(basis) = &rule.basis {
            full.push_str("\n依据: ");
            full.push_str(basis);
            help.push_str("\n\n依据: ");
            help.push_str(basis);
        }
        let mut value = json!({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": { "text": rule.summary },
            "fullDescription": { "text": full },
            "help": { "text": help },
            "defaultConfiguration": { "level": level(rule.severity) },
        });
        if !rule.pack.is_empty() {
            value["properties"] = json!({ "pack": rule.pack });
        }
        value
    }
}

impl Emitter for Sarif {
    fn begin(&mut self, out: &mut dyn WriteColor) -> io::Result<()> {
        let rules: Vec<Value> = self.rules.iter().map(Self::rule).collect();
        let mut run = json!({
            "tool": {
                "driver": {
                    "name": "regulint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                    "notifications": [{
                        "id": UNREADABLE_CODE,
                        "name": UNREADABLE_NAME,
                        "shortDescription": { "text": "The file could not be read as a report." },
                    }],
                },
            },
            "columnKind": "unicodeCodePoints",
        });
        if let Some(base) = &self.base {
            run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": directory_uri(base) } });
        }
        // The run's opening properties, then its `results` array stays open for `file`.
        let run = serde_json::to_string(&run)?;
        write!(
            out,
            "{{\"$schema\":\"{SCHEMA_URI}\",\"version\":\"2.1.0\",\"runs\":[{},\"results\":[",
            &run[..run.len() - 1]
        )
    }

    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()> {
        if let Some(error) = &report.error {
            let notification = json!({
                "level": "error",
                "message": { "text": format!("{}: {error}", report.path) },
                "descriptor": { "id": UNREADABLE_CODE, "index": 0 },
                "locations": [{ "physicalLocation": { "artifactLocation": self.artifact(&report.path) } }],
            });
            self.notifications.push(notification);
            return Ok(());
        }
        for finding in &report.findings {
            let result = self.result(report, finding);
            out.write_all(if self.results == 0 { b"\n" } else { b",\n" })?;
            self.results += 1;
            serde_json::to_writer(&mut *out, &result)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
        // Findings about the collection: on the file they concern (a report, the roster) at
        // its line when known, else without a location.
        for finding in &summary.collection {
            let mut result = json!({
                "ruleId": finding.code,
                "level": level(finding.severity),
                "message": { "text": finding.message },
                "properties": { "outcome": "fail", "scope": "collection" },
            });
            if let Some(file) = &finding.file {
                let mut location = json!({ "artifactLocation": self.artifact(file) });
                if let Some(line) = finding.line {
                    location["region"] = json!({ "startLine": line });
                }
                result["locations"] = json!([{ "physicalLocation": location }]);
            }
            let related: Vec<Value> = finding
                .related
                .iter()
                .enumerate()
                .map(|(id, path)| {
                    json!({
                        "id": id,
                        "physicalLocation": { "artifactLocation": self.artifact(path) },
                    })
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            out.write_all(if self.results == 0 { b"\n" } else { b",\n" })?;
            self.results += 1;
            serde_json::to_writer(&mut *out, &result)?;
        }
        let invocations = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": self.notifications,
        }]);
        out.write_all(b"\n],\"invocations\":")?;
        serde_json::to_writer(&mut *out, &invocations)?;
        out.write_all(b"}]}\n")
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(at: &Location, snippet: &str) -> Value {
    json!({
        "startLine": at.line,
        "startColumn": at.column,
        "endLine": at.end_line,
        "endColumn": at.end_column,
        "byteOffset": at.byte_start,
        "byteLength": at.byte_end - at.byte_start,
        "snippet": { "text": snippet },
    })
}

/// The URI for a path, and whether it is relative to `base`.
fn uri(path: &str, base: Option<&Path>) -> (String, bool) {
    let as_path = Path::new(path);
    if as_path.is_absolute() {
        if let Some(relative) = base.and_then(|b| {
            crate::batch::normalize(as_path)
                .strip_prefix(b)
                .ok()
                .map(Path::to_path_buf)
        }) {
            return (encode(&slashes(&relative)), true);
        }
        let absolute = slashes(as_path);
        let absolute = absolute.trim_start_matches('/');
        return (format!("file:///{}", encode(absolute)), false);
    }
    let relative = slashes(as_path);
    (encode(relative.trim_start_matches("./")), true)
}

/// The URI of a folder, ending in `/` as SARIF requires for base URIs.
fn directory_uri(base: &Path) -> String {
    let path = slashes(base);
    let path = path.trim_matches('/');
    if path.is_empty() {
        "file:///".to_owned()
    } else {
        format!("file:///{}/", encode(path))
    }
}

/// A path with forward slashes.
fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes_and_encoded() {
        let base = Path::new("/repo");
        assert_eq!(
            uri("reports/a b.txt", Some(base)),
            ("reports/a%20b.txt".into(), true)
        );
        assert_eq!(uri("./a.txt", Some(base)), ("a.txt".into(), true));
        assert_eq!(
            uri("/repo/x/../年报.txt", Some(base)),
            ("%E5%B9%B4%E6%8A%A5.txt".into(), true)
        );
        assert_eq!(
            uri("/elsewhere/a.txt", Some(base)),
            ("file:///elsewhere/a.txt".into(), false)
        );
        assert_eq!(directory_uri(base), "file:///repo/");
    }
}
