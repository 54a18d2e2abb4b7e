//! JUnit XML, for CI systems that show test results: one `<testsuite>` per file, one
//! `<testcase>` per rule that fired (a `<failure>` listing its findings), and a single passing
//! test case for a clean file. An unreadable file is a test case with an `<error>`.
//!
//! Findings of severity info do not fail a test case; they are listed in `<system-out>`.

use super::{Emitter, Location, UNREADABLE_CODE, UNREADABLE_NAME};
use crate::diagnostic::{FileReport, Finding, Outcome, Severity, Summary};
use codespan_reporting::term::termcolor::WriteColor;
use std::fmt::Write as _;
use std::io;

/// The JUnit XML format.
#[derive(Debug, Default)]
pub struct Junit;

impl Emitter for Junit {
    fn begin(&mut self, out: &mut dyn WriteColor) -> io::Result<()> {
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(out, r#"<testsuites name="regulint">"#)
    }

    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()> {
        out.write_all(render_suite(report).as_bytes())
    }

    fn finish(&mut self, out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
        // Findings about the collection: one suite, one failing test case each.
        if !summary.collection.is_empty() {
            let findings = &summary.collection;
            let failures = findings
                .iter()
                .filter(|f| f.severity != Severity::Info)
                .count();
            writeln!(
                out,
                r#"  <testsuite name="collection" tests="{}" failures="{failures}" errors="0">"#,
                findings.len()
            )?;
            for finding in findings {
                let at = match (&finding.file, finding.line) {
                    (Some(file), Some(line)) => format!("{file}:{line}: "),
                    (Some(file), None) => format!("{file}: "),
                    _ => String::new(),
                };
                let name = attribute(&format!("{} {}", finding.code, finding.name));
                writeln!(
                    out,
                    r#"    <testcase name="{name}" classname="collection">"#
                )?;
                if finding.severity == Severity::Info {
                    writeln!(
                        out,
                        "      <system-out>{}</system-out>",
                        attribute(&format!("{at}{}", finding.message))
                    )?;
                } else {
                    writeln!(
                        out,
                        r#"      <failure message="{}" type="{}">{}</failure>"#,
                        attribute(&finding.message),
                        finding.severity.name(),
                        attribute(&format!("{at}{}", finding.message))
                    )?;
                }
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

/// One file as a `<testsuite>` element.
#[must_use]
pub fn render_suite(report: &FileReport) -> String {
    let path = attribute(&report.path);
    let mut xml = String::new();
    if let Some(error) = &report.error {
        let _ = writeln!(
            xml,
            r#"  <testsuite name="{path}" tests="1" failures="0" errors="1">"#
        );
        let _ = writeln!(
            xml,
            r#"    <testcase name="{UNREADABLE_CODE} {UNREADABLE_NAME}" classname="{path}">"#
        );
        let _ = writeln!(
            xml,
            r#"      <error message="{}" type="{UNREADABLE_NAME}">{}</error>"#,
            attribute(error),
            text(error)
        );
        let _ = writeln!(xml, "    </testcase>\n  </testsuite>");
        return xml;
    }
    // Group findings by rule, keeping the order in which rules first fire.
    let mut rules: Vec<(&str, Vec<&Finding>)> = Vec::new();
    // Findings a baseline or waiver accepts are decided, not failures: left out.
    for finding in report.findings.iter().filter(|f| !f.is_known()) {
        match rules.iter_mut().find(|(code, _)| *code == finding.code) {
            Some((_, group)) => group.push(finding),
            None => rules.push((&finding.code, vec![finding])),
        }
    }
    let failures = rules
        .iter()
        .filter(|(_, group)| group.iter().any(|f| f.severity > Severity::Info))
        .count();
    let tests = rules.len().max(1);
    let _ = writeln!(
        xml,
        r#"  <testsuite name="{path}" tests="{tests}" failures="{failures}" errors="0">"#
    );
    if rules.is_empty() {
        let _ = writeln!(xml, r#"    <testcase name="regulint" classname="{path}"/>"#);
    }
    for (code, group) in &rules {
        let name = attribute(&format!("{code} {}", group[0].name));
        let _ = writeln!(xml, r#"    <testcase name="{name}" classname="{path}">"#);
        let body = group
            .iter()
            .map(|f| describe(report, f))
            .collect::<Vec<_>>()
            .join("\n");
        let worst = group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        if worst > Severity::Info {
            let summary = if group.len() == 1 {
                group[0].message.clone()
            } else {
                format!("{} findings", group.len())
            };
            let _ = writeln!(
                xml,
                r#"      <failure message="{}" type="{worst}">{}</failure>"#,
                attribute(&summary),
                text(&body)
            );
        } else {
            let _ = writeln!(xml, "      <system-out>{}</system-out>", text(&body));
        }
        let _ = writeln!(xml, "    </testcase>");
    }
    let _ = writeln!(xml, "  </testsuite>");
    xml
}

/// `path:line:column: severity: message`, then notes, help and basis.
fn describe(report: &FileReport, finding: &Finding) -> String {
    let mut out = String::new();
    if let Some(source) = &report.source {
        let at = Location::of(source, finding.span);
        let _ = write!(out, "{}:{}:{}: ", report.path, at.line, at.column);
    }
    let _ = write!(out, "{}: {}", finding.severity, finding.message);
    if finding.outcome == Outcome::NotAssessable {
        out.push_str("（无法核验）");
    }
    for note in &finding.notes {
        let _ = write!(out, "\n  = {note}");
    }
    if let Some(help) = &finding.help {
        let _ = write!(out, "\n  = help: {help}");
    }
    if let Some(basis) = &finding.basis {
        let _ = write!(out, "\n  = 依据: {basis}");
    }
    out
}

/// Removes characters XML 1.0 cannot carry at all (most C0 controls).
fn xml_chars(raw: &str) -> String {
    raw.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
        .collect()
}

/// Escapes element text.
fn text(raw: &str) -> String {
    quick_xml::escape::escape(xml_chars(raw)).into_owned()
}

/// Escapes an attribute value; line breaks become character references so that parsers do
/// not normalise them to spaces.
fn attribute(raw: &str) -> String {
    text(raw)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_invalid_characters() {
        assert_eq!(text("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(attribute("x\ny"), "x&#10;y");
    }
}
