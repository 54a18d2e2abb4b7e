//! Stable fingerprints of findings, so that a finding accepted once (in a baseline or by a
//! waiver) is recognised in the next version of the report.
//!
//! A fingerprint is the rule code plus a hash of the finding's *evidence*, never of its line
//! or byte position:
//!
//! - a finding on a table cell: the table (its top-level section's heading and its ordinal
//!   among that section's tables), the row label and the column's heading path;
//! - a finding on prose: the sentence that holds it (whitespace removed) and where in that
//!   sentence it points;
//! - anything else (a heading, the title): the text it points at, whitespace removed, and the
//!   message with its digits blanked out.
//!
//! So inserting or deleting lines elsewhere in the report leaves every fingerprint unchanged;
//! editing the sentence or the row a finding is about changes it (the finding is then new).
//! When two findings of one rule have the same evidence, the second gets `:2`, and so on, in
//! report order. The hash is 64-bit FNV-1a, written as 16 hex digits: stable across
//! platforms and releases (a change to it would change every baseline, and would need a new
//! baseline version).

use crate::diagnostic::Finding;
use crate::document::{Block, Document};
use crate::source::{Source, Span};
use std::collections::HashMap;

/// Fills in `triage.fingerprint` for every finding of one document.
pub fn assign(document: &Document, source: &Source, findings: &mut [Finding]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for finding in findings {
        let evidence = evidence(document, source, finding);
        let key = format!("{}\u{1f}{evidence}", finding.code);
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        let mut fingerprint = format!("{}/{:016x}", finding.code, fnv1a(key.as_bytes()));
        if *n > 1 {
            fingerprint.push_str(&format!(":{n}"));
        }
        finding.triage.fingerprint = fingerprint;
    }
}

/// The fingerprint of a finding of `code` with this evidence (for findings made outside the
/// engine, whose evidence is not a place in the report).
#[must_use]
pub fn of(code: &str, evidence: &str) -> String {
    let key = format!("{code}\u{1f}{evidence}");
    format!("{code}/{:016x}", fnv1a(key.as_bytes()))
}

/// The evidence of a finding as one normalised string (see the module documentation).
#[must_use]
pub fn evidence(document: &Document, source: &Source, finding: &Finding) -> String {
    if let Some(cell) = cell_evidence(document, finding.span) {
        return cell;
    }
    if let Some(sentence) = sentence_evidence(document, finding.span) {
        return sentence;
    }
    format!(
        "text:{}|message:{}",
        normalise(source.slice(finding.span)),
        normalise(&finding.message)
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect::<String>()
    )
}

/// `table:<section>#<n>|row:<label>|col:<heading path>` for a span inside a table cell.
fn cell_evidence(document: &Document, span: Span) -> Option<String> {
    let (id, table) = document
        .tables
        .iter()
        .enumerate()
        .find(|(_, t)| contains(t.span, span))?;
    let section = table.section.map(|s| document.top_section(s));
    let section_key = section.map_or_else(String::new, |s| {
        let s = &document.sections[s];
        normalise(&format!("{}{}", s.marker, s.title))
    });
    let ordinal = document.tables[..id]
        .iter()
        .filter(|t| t.section.map(|s| document.top_section(s)) == section)
        .count();
    let mut out = format!("table:{section_key}#{ordinal}");
    let Some(row) = table.rows.iter().find(|r| contains(r.span, span)) else {
        return Some(out);
    };
    let label = if row.label.is_empty() {
        // An unlabelled row: its position among the table's rows.
        format!("#{}", table.rows.iter().position(|r| r.span == row.span)?)
    } else {
        normalise(&row.label)
    };
    out.push_str(&format!("|row:{label}"));
    let grid = row
        .cells
        .iter()
        .position(|c| !c.merged && contains(c.span, span))
        .or_else(|| row.cells.iter().position(|c| contains(c.span, span)));
    if let Some(grid) = grid {
        let column = table
            .bands
            .get(row.band)
            .and_then(|band| band.columns.iter().find(|c| c.grid == grid));
        match column {
            Some(column) => out.push_str(&format!("|col:{}", normalise(&column.path.join("/")))),
            None => out.push_str(&format!("|col:#{grid}")),
        }
    }
    Some(out)
}

/// `sentence:<text>|at:<char offset>` for a span inside a paragraph.
fn sentence_evidence(document: &Document, span: Span) -> Option<String> {
    let text = document.blocks.iter().find_map(|block| match block {
        Block::Paragraph { text, span: p, .. } if contains(*p, span) => Some(text),
        _ => None,
    })?;
    // The first character of the extracted text that maps at or after the span's start.
    let offset = text
        .text
        .char_indices()
        .find(|&(i, c)| {
            text.span_of(i, i + c.len_utf8())
                .is_some_and(|s| s.end > span.start)
        })
        .map_or(0, |(i, _)| i);
    let (start, end) = sentence_around(&text.text, offset);
    let sentence = &text.text[start..end];
    let at = normalise(&text.text[start..offset]).chars().count();
    Some(format!("sentence:{}|at:{at}", normalise(sentence)))
}

/// The byte range of the sentence around `offset` (ends at 。；！？ or the paragraph's end).
fn sentence_around(text: &str, offset: usize) -> (usize, usize) {
    let is_end = |c: char| matches!(c, '。' | '；' | '！' | '？' | ';' | '!' | '?');
    let start = text[..offset]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_end(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| is_end(c))
        .map_or(text.len(), |(i, c)| offset + i + c.len_utf8());
    (start, end)
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.start < outer.end.max(outer.start + 1)
}

/// Text without whitespace (line wrapping and spacing differ between exports of one report).
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{3000}')
        .collect()
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_published_function() {
        // Test vectors of the FNV reference (draft-eastlake-fnv).
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn sentences_end_at_chinese_stops() {
        let text = "第一句。第二句有 12 件；第三句";
        let at = text.find("12").unwrap();
        let (s, e) = sentence_around(text, at);
        assert_eq!(&text[s..e], "第二句有 12 件；");
    }
}
