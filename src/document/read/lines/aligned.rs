//! Tables laid out with spaces: `pdftotext -layout` output and other fixed-width text, where
//! cells are separated by runs of two or more spaces and columns are display positions
//! (full-width CJK characters count two columns, as terminals and extractors count them).
//!
//! A region starts at a row of values (a label then numbers, or two or more numbers) and runs
//! on through header, caption and label-fragment lines, blank lines and page footers, until a
//! section heading or prose. Inside it:
//!
//! - value columns are the positions of the values in the rows with the most values; each
//!   segment (split at page footers and at a new header after data) has its own positions,
//!   since a page break shifts them;
//! - header words are given to the value column under which they stand (`商业` / `企业` on two
//!   lines → `商业企业`); words wider than a column span several (`法人或其他组织`) and are left
//!   out of leaf headings; single lines above the header are captions (`第二十条第（五）项`);
//! - a label wrapped over lines with its values on the last one is one label; a numbered or
//!   single-character line between rows (`（三）不予公开`, a vertical `三 、本 年 度办 理 结果`)
//!   is a group label, prefixed to the next row's label; an unnumbered fragment after a row
//!   continues that row's label;
//! - a value missing under a column is a blank cell, so a skeleton or half-filled table keeps
//!   its shape.
//!
//! Limit: a value that straddles two columns goes to the nearer one; a header word is never
//! split between columns.

use super::super::super::model::{RawCell, RawRow, RawTable, TableKind};
use super::super::super::structure::{
    is_band_caption, is_column_heading, is_table_row_label, looks_like_heading,
};
use super::super::super::value::{CellValue, may_hold_data};
use super::{Line, is_page_footer};
use crate::source::Span;
use std::cell::OnceCell;
use unicode_width::UnicodeWidthChar;

/// A whitespace-free word or a field of words, with its byte range in the line and display
/// columns.
#[derive(Clone, Copy, Debug)]
struct Piece {
    start: usize,
    end: usize,
    col: usize,
    width: usize,
    /// Display width of the whitespace before it.
    gap: usize,
}

impl Piece {
    fn center2(&self) -> usize {
        2 * self.col + self.width
    }
}

/// Words of a line, split at any whitespace.
fn words(text: &str) -> Vec<Piece> {
    let mut words: Vec<Piece> = Vec::new();
    let mut col = 0;
    let mut gap = 0;
    let mut current: Option<Piece> = None;
    for (i, c) in text.char_indices() {
        let w = match c {
            '\t' => 2,
            // The two kinds of character nearly every line is made of, without the table.
            ' '..='~' => 1,
            '\u{4E00}'..='\u{9FFF}' => 2,
            c => c.width().unwrap_or(0),
        };
        if c.is_whitespace() {
            if let Some(word) = current.take() {
                words.push(word);
                gap = 0;
            }
            gap += w.max(1);
        } else {
            match &mut current {
                Some(word) => {
                    word.end = i + c.len_utf8();
                    word.width += w;
                }
                None => {
                    current = Some(Piece {
                        start: i,
                        end: i + c.len_utf8(),
                        col,
                        width: w,
                        gap,
                    });
                }
            }
        }
        col += w;
    }
    words.extend(current);
    words
}

fn is_value(text: &str) -> bool {
    CellValue::is_data_text(text)
}

/// Fields of a line: words joined across single spaces, split at runs of two or more. A field
/// of numbers separated by single spaces is split into numbers, and numbers trailing a label
/// after a space (`行政许可 97`) are split from it.
fn fields(text: &str) -> Vec<Piece> {
    let words = words(text);
    let mut fields = Vec::with_capacity(words.len());
    // Groups of words joined across single spaces, taken in place.
    let mut start = 0;
    while start < words.len() {
        let end = start + 1 + words[start + 1..].iter().take_while(|w| w.gap < 2).count();
        let group = &words[start..end];
        start = end;
        let numeric = |w: &Piece| is_value(&text[w.start..w.end]);
        let split_at = group
            .iter()
            .rposition(|w| !numeric(w))
            .map_or(0, |last_text| last_text + 1);
        if split_at > 0 {
            let head = &group[..split_at];
            fields.push(Piece {
                start: head[0].start,
                end: head[split_at - 1].end,
                col: head[0].col,
                width: head[split_at - 1].col + head[split_at - 1].width - head[0].col,
                gap: head[0].gap,
            });
        }
        fields.extend(group[split_at..].iter().copied());
    }
    fields
}

/// What a line of a spaced table holds.
#[derive(Clone, Debug)]
enum Kind {
    Blank,
    Footer,
    /// Label fields (maybe none) then value fields (maybe none, for a run-together label).
    Data {
        label: Vec<Piece>,
        values: Vec<Piece>,
    },
    Text(Vec<Piece>),
}

fn kind(text: &str) -> Kind {
    if text.trim().is_empty() {
        return Kind::Blank;
    }
    if is_page_footer(text) {
        return Kind::Footer;
    }
    let fields = fields(text);
    let first_value = fields
        .iter()
        .position(|f| is_value(&text[f.start..f.end]))
        .unwrap_or(fields.len());
    let values_after_labels = fields[first_value..]
        .iter()
        .all(|f| is_value(&text[f.start..f.end]));
    if first_value < fields.len() && values_after_labels && first_value <= 3 {
        let mut label = fields;
        let values = label.split_off(first_value);
        return Kind::Data { label, values };
    }
    if fields.len() == 1
        && super::super::super::layout::run_together(&text[fields[0].start..fields[0].end])
            .is_some()
    {
        return Kind::Data {
            label: fields,
            values: Vec::new(),
        };
    }
    Kind::Text(fields)
}

/// A row of values that can start a spaced table: two or more values, or a label and a value
/// set apart by two or more spaces.
fn is_anchor(kind: &Kind) -> bool {
    match kind {
        Kind::Data { label, values } => {
            values.len() >= 2 || (!label.is_empty() && values.len() == 1 && values[0].gap >= 2)
        }
        _ => false,
    }
}

/// A section heading that is not a table row: tables end there.
fn is_real_heading(text: &str) -> bool {
    looks_like_heading(text).is_some_and(|h| h.level <= 2) && !is_table_row_label(text)
}

/// A text line that can belong to a table: header words, a caption, a label fragment.
fn is_table_text(text: &str, kind: &Kind) -> bool {
    let Kind::Text(fields) = kind else {
        return false;
    };
    if is_real_heading(text) {
        return false;
    }
    let trimmed = text.trim();
    if trimmed.ends_with(['。', '；', ';']) {
        return false;
    }
    fields.len() >= 2
        || trimmed.len() <= 30
        || trimmed.chars().count() <= 30
        || is_table_row_label(trimmed)
}

/// The most lines a table's captions and header may take above its first row (which also
/// bounds the backward search, so that many rejected candidates cost linear time).
const MAX_LEAD_LINES: usize = 40;

/// Line ranges `[start, end)` of spaced tables, skipping lines already `taken`.
pub(super) fn regions(lines: &[Line<'_>], taken: &[bool]) -> Vec<(usize, usize)> {
    // Each line is looked at from several candidate tables: classified once, when first
    // looked at. A taken line (a pipe, tab or cell table's) is never looked at.
    let kinds: Vec<OnceCell<Kind>> = lines.iter().map(|_| OnceCell::new()).collect();
    let kind_at = |k: usize| {
        kinds[k].get_or_init(|| {
            if taken[k] {
                Kind::Blank
            } else {
                kind(lines[k].text)
            }
        })
    };
    let blank_rows: Vec<OnceCell<bool>> = lines.iter().map(|_| OnceCell::new()).collect();
    let blank_row =
        |k: usize| *blank_rows[k].get_or_init(|| is_blank_row(lines[k].text, || kind_at(k)));
    let table_text = |k: usize| is_table_text(lines[k].text, kind_at(k));
    // A data row has a value: only lines that may hold one are classified to find anchors.
    let anchor = |k: usize| may_hold_data(lines[k].text) && is_anchor(kind_at(k));
    let mut regions = Vec::new();
    let mut previous_end = 0;
    let mut i = 0;
    while i < lines.len() {
        let skeleton_anchor = || {
            blank_row(i)
                && (i + 1..lines.len().min(i + 17))
                    .filter(|&k| !taken[k] && blank_row(k))
                    .count()
                    >= 2
        };
        if taken[i] || !(anchor(i) || skeleton_anchor()) {
            i += 1;
            continue;
        }
        let mut last = i;
        let mut rows = 1;
        let mut widest = value_count(kind_at(i));
        let mut k = i + 1;
        while k < lines.len() && !taken[k] && k - last <= 12 {
            match kind_at(k) {
                Kind::Data { .. } => {
                    last = k;
                    rows += 1;
                    widest = widest.max(value_count(kind_at(k)));
                }
                Kind::Blank | Kind::Footer => {}
                _ if blank_row(k) => {
                    last = k;
                    rows += 1;
                }
                _ if table_text(k) => {}
                _ => break,
            }
            k += 1;
        }
        let mut start = i;
        let mut b = i;
        while b > previous_end && !taken[b - 1] && i - b < MAX_LEAD_LINES {
            let kind = kind_at(b - 1);
            let keep = match kind {
                Kind::Blank | Kind::Footer | Kind::Data { .. } => true,
                _ => table_text(b - 1),
            };
            if !keep {
                break;
            }
            b -= 1;
            if !matches!(kind, Kind::Blank) {
                start = b;
            }
        }
        // A table without a single value (an empty skeleton) is believed only under a header
        // of two or more cells: loose label lines alone are what extractors leave of a table
        // whose values went elsewhere, and reading them as blank rows would invent blanks.
        // And only when it has no value at all: label lines among numbers written one per
        // line are a table written column by column (`pdftotext` without `-layout`), whose
        // rows cannot be rebuilt; calling them blank would be false.
        let has_values = (start..=last).any(|k| matches!(kind_at(k), Kind::Data { .. }));
        let has_header = (start..i).any(|k| matches!(kind_at(k), Kind::Text(f) if f.len() >= 2));
        let believed = if anchor(i) {
            true
        } else {
            !has_values && has_header
        };
        if (rows >= 2 || widest >= 3) && believed {
            regions.push((start, last + 1));
            previous_end = last + 1;
        }
        i = last + 1;
    }
    regions
}

/// A line holding only a row label of the format (`规章`, `（一）予以公开`): a row printed
/// without numbers (an empty skeleton, or a row left blank). A Markdown heading (`### 三、…`)
/// is an extractor's heading over a table, not a row.
fn is_blank_row<'k>(text: &str, kind: impl FnOnce() -> &'k Kind) -> bool {
    // The row-label test first: it settles nearly every line of prose by its first character,
    // and then the line need not be split into fields at all.
    !text.trim_start().starts_with('#')
        && is_table_row_label(text)
        && matches!(kind(), Kind::Text(fields) if fields.len() == 1)
        && !is_band_caption(text)
}

fn value_count(kind: &Kind) -> usize {
    match kind {
        Kind::Data { values, .. } => values.len(),
        _ => 0,
    }
}

/// One segment: caption lines, header lines, then body lines, sharing value positions.
#[derive(Default)]
struct Segment {
    captions: Vec<usize>,
    headers: Vec<usize>,
    body: Vec<usize>,
}

/// Reads a spaced table region into rows of cells.
pub(super) fn table(lines: &[Line<'_>]) -> RawTable {
    let kinds: Vec<Kind> = lines.iter().map(|l| kind(l.text)).collect();
    let texts: Vec<&str> = lines.iter().map(|l| l.text).collect();
    let segments = segments(&kinds, &texts);
    let mut rows: Vec<RawRow> = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    for segment in &segments {
        let mut centers = value_centers(&kinds, &segment.body);
        // A segment without a single value is an empty skeleton: each row label is a row,
        // and a fragment continues the row above it.
        let skeleton = centers.is_empty();
        let labels_at = label_center(&kinds, &segment.body);
        if let Some(heads) = header_centers(lines, &kinds, &segment.headers, labels_at)
            && heads.len() > centers.len()
            && values_fit(&kinds, &segment.body, &heads)
        {
            // Sparse values (blank cells): the header says where every column is.
            centers = heads;
        }
        // A table of values only (table 4) has no label column.
        let stub = segment
            .body
            .iter()
            .any(|&b| matches!(&kinds[b], Kind::Data { label, .. } if !label.is_empty()))
            || segment
                .body
                .iter()
                .any(|&b| matches!(kinds[b], Kind::Text(_)));
        for &c in &segment.captions {
            let line = lines[c];
            let t = line.text.trim();
            let start = line.start + (line.text.len() - line.text.trim_start().len());
            rows.push(RawRow {
                span: Span::new(line.start, line.end()),
                cells: vec![RawCell::new(t, Span::new(start, start + t.len()))],
            });
        }
        if !segment.headers.is_empty() && !centers.is_empty() {
            rows.push(header_row(
                lines,
                &kinds,
                &segment.headers,
                &centers,
                labels_at,
                stub,
            ));
        }
        for &b in &segment.body {
            match &kinds[b] {
                Kind::Text(fields) if skeleton => {
                    if is_band_caption(lines[b].text) {
                        let pieces: Vec<(usize, Piece)> = fields.iter().map(|f| (b, *f)).collect();
                        let caption = joined_cell(lines, &pieces, lines[b].end());
                        rows.push(RawRow {
                            span: Span::new(lines[b].start, lines[b].end()),
                            cells: vec![caption],
                        });
                    } else if is_blank_row(lines[b].text, || &kinds[b]) || rows.is_empty() {
                        let pieces: Vec<(usize, Piece)> = fields.iter().map(|f| (b, *f)).collect();
                        rows.push(data_row(lines, b, &pieces, &[], &centers, stub));
                    } else if let Some(previous) = rows.last_mut() {
                        continue_label(previous, lines, b, fields);
                    }
                }
                Kind::Text(_) => pending.push(b),
                Kind::Data { label, values } => {
                    let own: Vec<(usize, Piece)> = label.iter().map(|p| (b, *p)).collect();
                    let mut prefix: Vec<(usize, Piece)> = Vec::new();
                    let values_only = label.is_empty();
                    // Of the fragments before a row written with values only, those before a
                    // numbered one (`（二）…`) end the row above; from there on is its label.
                    let label_from = if values_only {
                        pending
                            .iter()
                            .position(|&p| {
                                let t = lines[p].text.trim();
                                starts_with_marker(t) && !is_bare_marker(t)
                            })
                            .unwrap_or(0)
                    } else {
                        0
                    };
                    for (n, p) in pending.drain(..).enumerate() {
                        let values_only = values_only && n >= label_from;
                        let Kind::Text(fields) = &kinds[p] else {
                            continue;
                        };
                        let text = lines[p].text.trim();
                        let group_label = starts_with_marker(text) || text.chars().count() == 1;
                        let bare_marker = is_bare_marker(text);
                        if bare_marker
                            && let Some(previous) = rows.last_mut()
                            && previous
                                .cells
                                .first()
                                .is_some_and(|c| !starts_with_marker(&c.text))
                        {
                            // The item number of the row above, printed beside its wrapped
                            // label (`危及“三安全一稳 0` / `3.` / `定”`).
                            prefix_label(previous, lines, p, fields);
                        } else if is_band_caption(text) || is_column_heading(text) {
                            // A caption or a header between bands (single-spaced text keeps
                            // no positions): a row of its own, one cell per word.
                            let cells = words(lines[p].text)
                                .into_iter()
                                .map(|w| {
                                    let span =
                                        Span::new(lines[p].start + w.start, lines[p].start + w.end);
                                    RawCell::new(&lines[p].text[w.start..w.end], span)
                                })
                                .collect();
                            rows.push(RawRow {
                                span: Span::new(lines[p].start, lines[p].end()),
                                cells,
                            });
                        } else if !values_only && is_table_row_label(text) && !is_band_caption(text)
                        {
                            // A row of the format left blank: a row of its own.
                            let pieces: Vec<(usize, Piece)> =
                                fields.iter().map(|f| (p, *f)).collect();
                            rows.push(data_row(lines, p, &pieces, &[], &centers, stub));
                        } else if values_only || group_label || rows.is_empty() {
                            prefix.extend(fields.iter().map(|f| (p, *f)));
                        } else if let Some(previous) = rows.last_mut() {
                            continue_label(previous, lines, p, fields);
                        }
                    }
                    prefix.extend(own);
                    rows.push(data_row(lines, b, &prefix, values, &centers, stub));
                }
                Kind::Blank | Kind::Footer => {}
            }
        }
        // Rows of the format left blank at the end of the segment are rows of their own,
        // with the segment's columns.
        let (blank_rows, rest): (Vec<usize>, Vec<usize>) = pending
            .drain(..)
            .partition(|&p| is_blank_row(lines[p].text, || &kinds[p]));
        for p in blank_rows {
            if let Kind::Text(fields) = &kinds[p] {
                let pieces: Vec<(usize, Piece)> = fields.iter().map(|f| (p, *f)).collect();
                rows.push(data_row(lines, p, &pieces, &[], &centers, stub));
            }
        }
        pending = rest;
    }
    // Fragments after the last row continue its label; rows of the format left blank are
    // rows of their own.
    for p in pending {
        let Kind::Text(fields) = &kinds[p] else {
            continue;
        };
        if is_table_row_label(lines[p].text) && !is_band_caption(lines[p].text) {
            let pieces: Vec<(usize, Piece)> = fields.iter().map(|f| (p, *f)).collect();
            let width = rows.last().map_or(1, |r| r.cells.len().saturating_sub(1));
            let centers = vec![0; width];
            rows.push(data_row(lines, p, &pieces, &[], &centers, true));
        } else if let Some(previous) = rows.last_mut() {
            continue_label(previous, lines, p, fields);
        }
    }
    let span = rows
        .iter()
        .map(|r| r.span)
        .reduce(Span::cover)
        .unwrap_or_default();
    RawTable {
        span,
        rows,
        kind: TableKind::Aligned,
    }
}

/// A line holding only an item number: `3.`, `（三）`, `三、`.
fn is_bare_marker(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = compact
        .trim_end_matches(['.', '．', '、'])
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')']);
    !inner.is_empty()
        && inner.len() < compact.len()
        && inner
            .chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
}

/// Puts a fragment line in front of the label of a row.
fn prefix_label(row: &mut RawRow, lines: &[Line<'_>], at: usize, fields: &[Piece]) {
    let Some(label) = row.cells.first_mut() else {
        return;
    };
    let pieces: Vec<(usize, Piece)> = fields.iter().map(|f| (at, *f)).collect();
    let extra = joined_cell(lines, &pieces, lines[at].end());
    label.text.insert_str(0, &extra.text);
    label.span = label.span.cover(extra.span);
    row.span = row.span.cover(Span::new(lines[at].start, lines[at].end()));
}

fn starts_with_marker(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    looks_like_heading(&compact).is_some()
}

/// Splits the region's lines into segments: a page footer after data, or a header line after
/// data, starts a new one; label fragments just before a new header are its captions.
fn segments(kinds: &[Kind], texts: &[&str]) -> Vec<Segment> {
    let mut segments = vec![Segment::default()];
    let mut seen_data = false;
    // Leftmost value column of the segment's rows so far: a text line starting there or to
    // its right stands over the values, i.e. is a header.
    let mut values_left = usize::MAX;
    // Leftmost label of the segment's rows so far: a header starts right of it.
    let mut labels_left = usize::MAX;
    for (i, kind) in kinds.iter().enumerate() {
        if let Kind::Data { label, values } = kind
            && let Some(first_label) = label.first()
        {
            labels_left = labels_left.min(first_label.col);
            if let Some(first) = values.first() {
                values_left = values_left.min(first.col);
            }
        }
        let segment = segments.last_mut().expect("one segment");
        match kind {
            Kind::Blank => {}
            Kind::Footer => {
                if seen_data {
                    // Band captions just before the page break belong to what follows it.
                    let keep = segment
                        .body
                        .iter()
                        .rposition(|&b| !is_band_caption(texts[b]))
                        .map_or(0, |p| p + 1);
                    let captions = segment.body.split_off(keep);
                    segments.push(Segment {
                        captions,
                        ..Segment::default()
                    });
                    seen_data = false;
                    values_left = usize::MAX;
                    labels_left = usize::MAX;
                }
            }
            Kind::Data { .. } => {
                seen_data = true;
                segment.body.push(i);
            }
            Kind::Text(fields) => {
                if fields.len() == 1 && is_table_row_label(texts[i]) && !is_band_caption(texts[i]) {
                    // A row printed without numbers.
                    seen_data = true;
                    segment.body.push(i);
                } else if !seen_data && segment.body.is_empty() {
                    segment.headers.push(i);
                } else if seen_data
                    && (fields.len() >= 2
                        || fields.first().is_some_and(|f| {
                            f.col + f.width > values_left
                                && f.col > labels_left.saturating_add(4)
                                && !is_band_caption(texts[i])
                        }))
                {
                    // A new header after data: trailing fragments become its captions.
                    let trailing = segment
                        .body
                        .iter()
                        .rposition(|&b| matches!(kinds[b], Kind::Data { .. }))
                        .map_or(0, |p| p + 1);
                    let captions = segment.body.split_off(trailing);
                    segments.push(Segment {
                        captions,
                        headers: vec![i],
                        body: Vec::new(),
                    });
                    seen_data = false;
                    values_left = usize::MAX;
                    labels_left = usize::MAX;
                } else {
                    segment.body.push(i);
                }
            }
        }
    }
    // Header lines before any multi-field one are captions (`申请人情况`, `第二十条第（一）项`),
    // and so is a band caption anywhere in the header.
    for segment in &mut segments {
        let (captions, headers): (Vec<usize>, Vec<usize>) = segment
            .headers
            .iter()
            .partition(|&&h| is_band_caption(texts[h]));
        segment.captions.extend(captions);
        segment.headers = headers;
        let first_multi = segment
            .headers
            .iter()
            .position(|&h| matches!(&kinds[h], Kind::Text(f) if f.len() >= 2))
            .unwrap_or(0);
        let leading: Vec<usize> = segment.headers.drain(..first_multi).collect();
        segment.captions.extend(leading);
        // Trailing fragments left in a segment without data carry on to the next one.
    }
    segments
}

/// Doubled display centres of the value columns: the positions of the values in the rows with
/// the most values.
fn value_centers(kinds: &[Kind], body: &[usize]) -> Vec<usize> {
    let rows: Vec<&Vec<Piece>> = body
        .iter()
        .filter_map(|&b| match &kinds[b] {
            Kind::Data { values, .. } => Some(values),
            _ => None,
        })
        .collect();
    let widest = rows.iter().map(|v| v.len()).max().unwrap_or(0);
    if widest == 0 {
        return Vec::new();
    }
    let full: Vec<&&Vec<Piece>> = rows.iter().filter(|v| v.len() == widest).collect();
    (0..widest)
        .map(|j| full.iter().map(|v| v[j].center2()).sum::<usize>() / full.len())
        .collect()
}

/// Doubled centres of the header's columns: header words grouped by position (words within
/// one display column of each other are one column), the group nearest the labels left out.
fn header_centers(
    lines: &[Line<'_>],
    kinds: &[Kind],
    headers: &[usize],
    label_center: Option<usize>,
) -> Option<Vec<usize>> {
    let words: Vec<(usize, Piece)> = headers
        .iter()
        .filter(|&&h| matches!(&kinds[h], Kind::Text(f) if f.len() >= 2))
        .flat_map(|&h| fields(lines[h].text).into_iter().map(move |w| (h, w)))
        .collect();
    let groups = {
        let mut sorted = words.clone();
        sorted.sort_by_key(|(_, w)| w.center2());
        let mut groups: Vec<Vec<(usize, Piece)>> = Vec::new();
        for (h, w) in sorted {
            match groups.last_mut() {
                Some(g) if w.center2().abs_diff(g[g.len() - 1].1.center2()) <= 2 => {
                    g.push((h, w));
                }
                _ => groups.push(vec![(h, w)]),
            }
        }
        let first_is_stub = label_center.is_some_and(|l| {
            groups.len() >= 2
                && l.abs_diff(groups[0][0].1.center2())
                    < groups[1][0].1.center2() - groups[0][0].1.center2()
        });
        if first_is_stub {
            groups.remove(0);
        }
        groups
    };
    let centers: Vec<usize> = groups
        .iter()
        .map(|g| g.iter().map(|(_, w)| w.center2()).sum::<usize>() / g.len())
        .collect();
    (!centers.is_empty()).then_some(centers)
}

/// Whether every value stands within half a column of a header column.
fn values_fit(kinds: &[Kind], body: &[usize], centers: &[usize]) -> bool {
    let spacing = centers
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .min()
        .unwrap_or(usize::MAX / 4);
    body.iter().all(|&b| match &kinds[b] {
        Kind::Data { values, .. } => values.iter().all(|v| {
            let c = v.center2();
            2 * centers[nearest(centers, c)].abs_diff(c) <= spacing
        }),
        _ => true,
    })
}

/// The column whose centre is nearest.
fn nearest(centers: &[usize], center2: usize) -> usize {
    centers
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| c.abs_diff(center2))
        .map_or(0, |(j, _)| j)
}

/// Assigns each value to a column: in order when it has a value per column, else to the
/// nearest column (never two values to one column; later values move right).
fn place(values: &[Piece], centers: &[usize]) -> Vec<Option<usize>> {
    let mut slots = vec![None; centers.len().max(values.len())];
    if values.len() >= centers.len() {
        for (j, _) in values.iter().enumerate() {
            slots[j] = Some(j);
        }
        return slots;
    }
    let mut next_free = 0;
    for (v, value) in values.iter().enumerate() {
        let mut j = nearest(centers, value.center2()).max(next_free);
        // Leave room for the values still to place.
        j = j.min(centers.len() - (values.len() - v));
        slots[j] = Some(v);
        next_free = j + 1;
    }
    slots
}

fn header_row(
    lines: &[Line<'_>],
    kinds: &[Kind],
    headers: &[usize],
    centers: &[usize],
    label_center: Option<usize>,
    stub_column: bool,
) -> RawRow {
    let spacing = centers
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .min()
        .unwrap_or(usize::MAX / 4);
    let words: Vec<(usize, Piece)> = headers
        .iter()
        .filter(|&&h| matches!(kinds[h], Kind::Text(_)))
        .flat_map(|&h| words(lines[h].text).into_iter().map(move |w| (h, w)))
        .collect();
    let (stub, columns) = by_position(&words, centers, spacing, label_center)
        .or_else(|| by_order(&words, centers.len(), label_center))
        .unwrap_or_else(|| {
            // Neither: keep the words left of every value as the stub heading, no leaves.
            let left = centers[0].saturating_sub(spacing.min(centers[0]));
            let stub = words
                .iter()
                .filter(|(_, w)| 2 * (w.col + w.width) <= left)
                .copied()
                .collect();
            (stub, vec![Vec::new(); centers.len()])
        });
    let first = headers[0];
    let last = *headers.last().expect("headers");
    let mut cells = Vec::new();
    if stub_column {
        cells.push(joined_cell(lines, &stub, lines[first].end()));
    }
    for words in &columns {
        cells.push(joined_cell(lines, words, lines[last].end()));
    }
    RawRow {
        span: Span::new(lines[first].start, lines[last].end()),
        cells,
    }
}

type Assigned = (Vec<(usize, Piece)>, Vec<Vec<(usize, Piece)>>);

/// Header words given to the value column under which they stand. `None` when the header does
/// not stand over the values (extractors shift body rows against the header), i.e. when a
/// column gets no word or a word stands more than half a column away.
fn by_position(
    words: &[(usize, Piece)],
    centers: &[usize],
    spacing: usize,
    label_center: Option<usize>,
) -> Option<Assigned> {
    let mut stub = Vec::new();
    let mut columns: Vec<Vec<(usize, Piece)>> = vec![Vec::new(); centers.len()];
    for &(h, word) in words {
        let c2 = word.center2();
        let column = nearest(centers, c2);
        let to_label = label_center.map_or(usize::MAX, |l| l.abs_diff(c2));
        if to_label < centers[column].abs_diff(c2) {
            stub.push((h, word));
        } else if centers.len() > 1 && 4 * word.width > 3 * spacing {
            // Wider than one and a half columns: a group heading, not a leaf.
        } else if centers.len() > 1 && 2 * centers[column].abs_diff(c2) > spacing {
            return None;
        } else {
            columns[column].push((h, word));
        }
    }
    columns
        .iter()
        .all(|c| !c.is_empty())
        .then_some((stub, columns))
}

/// Header words grouped by their own positions (words within one display column of each
/// other stand in one column), given to the value columns in order when the groups are as
/// many as the columns (or one more: the stub heading first).
fn by_order(
    words: &[(usize, Piece)],
    columns: usize,
    label_center: Option<usize>,
) -> Option<Assigned> {
    let mut sorted: Vec<(usize, Piece)> = words.to_vec();
    sorted.sort_by_key(|(h, w)| (w.center2(), *h));
    let mut groups: Vec<Vec<(usize, Piece)>> = Vec::new();
    for (h, w) in sorted {
        match groups.last_mut() {
            Some(g) if w.center2().abs_diff(g[g.len() - 1].1.center2()) <= 2 => g.push((h, w)),
            _ => groups.push(vec![(h, w)]),
        }
    }
    for g in &mut groups {
        g.sort_by_key(|(h, w)| (*h, w.col));
    }
    let center = |g: &Vec<(usize, Piece)>| g[0].1.center2();
    let first_is_stub = groups.len() >= 2
        && label_center.is_none_or(|l| {
            l.abs_diff(center(&groups[0])) < center(&groups[1]) - center(&groups[0])
        });
    if groups.len() == columns + 1 && first_is_stub {
        let stub = groups.remove(0);
        Some((stub, groups))
    } else if groups.len() == columns {
        Some((Vec::new(), groups))
    } else {
        None
    }
}

/// Doubled display centre of the label fields of the data rows.
fn label_center(kinds: &[Kind], body: &[usize]) -> Option<usize> {
    let centers: Vec<usize> = body
        .iter()
        .filter_map(|&b| match &kinds[b] {
            Kind::Data { label, .. } | Kind::Text(label) if !label.is_empty() => {
                let first = label[0];
                let last = label[label.len() - 1];
                Some(first.col + last.col + last.width)
            }
            _ => None,
        })
        .collect();
    (!centers.is_empty()).then(|| centers.iter().sum::<usize>() / centers.len())
}

/// One cell from pieces on several lines: texts joined without spaces, span covering them.
fn joined_cell(lines: &[Line<'_>], pieces: &[(usize, Piece)], empty_at: usize) -> RawCell {
    let mut text = String::new();
    let mut span: Option<Span> = None;
    for (l, p) in pieces {
        let line = lines[*l];
        let piece: String = line.text[p.start..p.end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        text.push_str(&piece);
        let s = Span::new(line.start + p.start, line.start + p.end);
        span = Some(span.map_or(s, |a| a.cover(s)));
    }
    RawCell::new(text, span.unwrap_or_else(|| Span::new(empty_at, empty_at)))
}

fn data_row(
    lines: &[Line<'_>],
    at: usize,
    label: &[(usize, Piece)],
    values: &[Piece],
    centers: &[usize],
    stub_column: bool,
) -> RawRow {
    let line = lines[at];
    let mut span = Span::new(line.start, line.end());
    if let Some(first) = label.first() {
        span = span.cover(Span::new(lines[first.0].start, lines[first.0].end()));
    }
    let mut cells = Vec::new();
    if stub_column || !label.is_empty() {
        cells.push(joined_cell(lines, label, line.start));
    }
    for slot in place(values, centers) {
        cells.push(match slot {
            Some(v) => {
                let p = values[v];
                RawCell::new(
                    &line.text[p.start..p.end],
                    Span::new(line.start + p.start, line.start + p.end),
                )
            }
            None => RawCell::new("", Span::new(line.end(), line.end())),
        });
    }
    RawRow { span, cells }
}

/// Appends a fragment line to the label of the row before it.
fn continue_label(row: &mut RawRow, lines: &[Line<'_>], at: usize, fields: &[Piece]) {
    let Some(label) = row.cells.first_mut() else {
        return;
    };
    let pieces: Vec<(usize, Piece)> = fields.iter().map(|f| (at, *f)).collect();
    let extra = joined_cell(lines, &pieces, lines[at].end());
    label.text.push_str(&extra.text);
    label.span = if label.text == extra.text {
        extra.span
    } else {
        label.span.cover(extra.span)
    };
    row.span = row.span.cover(Span::new(lines[at].start, lines[at].end()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_at_two_spaces_and_numbers_split_from_labels() {
        let text = "规章               0          0       0";
        let f: Vec<&str> = fields(text).iter().map(|p| &text[p.start..p.end]).collect();
        assert_eq!(f, ["规章", "0", "0", "0"]);
        let text = "4.无正当理由大量反复 申请        0 0";
        let f: Vec<&str> = fields(text).iter().map(|p| &text[p.start..p.end]).collect();
        assert_eq!(f, ["4.无正当理由大量反复 申请", "0", "0"]);
    }

    /// The prefilter of [`regions`] never hides a value: every text that is a value has a
    /// character it looks for. Checked on every string of up to four characters drawn from
    /// the characters values, marks and their neighbours are made of.
    #[test]
    fn every_value_has_a_character_the_prefilter_looks_for() {
        let alphabet: Vec<char> = "0９+-－＋.．,，/／—–无\\ 　\t件条项个次元万ab行"
            .chars()
            .collect();
        let checked = crate::test_support::each_string(&alphabet, 4, |t| {
            if CellValue::is_data_text(t) {
                assert!(may_hold_data(t), "{t:?} is a value");
            }
        });
        assert!(checked > 100_000);
        assert!(may_hold_data("——") && !may_hold_data("本年度政府信息公开工作"));
    }

    #[test]
    fn full_width_characters_count_two_columns() {
        let w = words("自然人  21");
        assert_eq!(w[1].col, 8);
    }

    fn labels_and_values(text: &str) -> Vec<(String, Vec<String>)> {
        let blocks = super::super::read(text);
        let mut out = Vec::new();
        for block in blocks {
            if let super::super::RawBlock::Table(table) = block {
                for row in table.rows {
                    let mut cells = row.cells.into_iter().map(|c| c.text);
                    let label = cells.next().unwrap_or_default();
                    out.push((label, cells.filter(|c| !c.is_empty()).collect()));
                }
            }
        }
        out
    }

    #[test]
    fn wrapped_labels_and_item_numbers_printed_beside_them() {
        let text = "\
            一、本年新收政府信息公开申请数量        3        3
危及“三安全一稳          0        0
3.
定”
保护第三方合法            1        1
4.
权益
（二）部分公开（区分处理的，只计这一情
形，不计其他情形）
                          2        2
";
        let rows = labels_and_values(text);
        let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "一、本年新收政府信息公开申请数量",
                "3.危及“三安全一稳定”",
                "4.保护第三方合法权益",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            ]
        );
        assert_eq!(rows[3].1, ["2", "2"]);
    }

    #[test]
    fn page_footer_and_page_break_inside_a_table() {
        let text = "\
                                   自然人      总计
一、本年新收政府信息公开申请数量     4          4

                 -3-
                                   ... 
二、上年结转政府信息公开申请数量        1          1
";
        let rows = labels_and_values(text);
        assert!(
            rows.iter()
                .any(|(l, v)| l == "二、上年结转政府信息公开申请数量" && v == &["1", "1"])
        );
        assert!(rows.iter().all(|(l, _)| !l.contains("-3-")));
    }
}
