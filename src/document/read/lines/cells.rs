//! Tables written one cell per line: browser copy-paste and web-page text versions put each
//! cell on its own line, with `|` lines or blank lines between cells, or end each cell with
//! ` |`. Rows are not marked, so they are rebuilt from the cells: a run of text cells is a
//! label (or, when three or more follow values, a new header and a label), and the values
//! after it are its row.
//!
//! A cell line is one field of at most 80 characters with no `。`.
//!
//! Limits: with blank lines as separators a blank cell cannot be told from a separator, so
//! blanks are lost; with `|` separators or ` |` endings an empty cell is kept as a blank value.

use super::super::super::mapped::MappedText;
use super::super::super::model::{RawCell, RawRow, RawTable, TableKind};
use super::super::super::structure::{is_band_caption, is_table_row_label, looks_like_heading};
use super::super::super::value::CellValue;
use super::Line;
use crate::source::Span;

/// How a cell line is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// Blank line.
    Blank,
    /// A line holding only `|`.
    Bar,
    /// One cell; `true` when written `x |`.
    Cell(bool),
    /// Anything else.
    Other,
}

/// How a line is written; `bars_around` says the line stands between `|` lines or before a
/// number, where a heading-like line is a cell too (a section heading is followed by prose).
fn part_of(text: &str, bars_around: bool) -> Part {
    let t = text.trim();
    if t.is_empty() {
        return Part::Blank;
    }
    if t == "|" {
        return Part::Bar;
    }
    let (body, barred) = match t.strip_suffix('|') {
        Some(body) => (body.trim_end(), true),
        None => (t, false),
    };
    let one_field = !body.contains('|') && !body.contains('\t') && !body.contains("  ");
    let short = body.chars().count() <= 80 && !body.contains('。');
    let heading =
        looks_like_heading(body).is_some_and(|h| h.level <= 2) && !is_table_row_label(body);
    if one_field && short && (!heading || barred || bars_around) {
        Part::Cell(barred)
    } else {
        Part::Other
    }
}

/// The parts of lines. A heading-like line followed by a bare `|` line, or whose next
/// non-blank line is a number, is a cell: a section heading is followed by prose.
fn parts(lines: &[Line<'_>]) -> Vec<Part> {
    // Whether the next non-blank line after each line is a number, in one backward pass.
    let mut next_is_value = vec![false; lines.len()];
    let mut following_value = false;
    for (i, line) in lines.iter().enumerate().rev() {
        next_is_value[i] = following_value;
        if !line.text.trim().is_empty() {
            following_value = is_value(cell_text(line.text));
        }
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let next_is_bar = lines.get(i + 1).is_some_and(|n| n.text.trim() == "|");
            part_of(l.text, next_is_bar || next_is_value[i])
        })
        .collect()
}

/// The most values a row of the format holds (table 4 written as one row).
const MAX_ROW_VALUES: usize = 16;
/// The most values a labelled row holds (table 3's seven columns).
const MAX_LABELLED_VALUES: usize = 7;

fn is_value(text: &str) -> bool {
    CellValue::parse(text).is_data()
}

/// Line ranges of one-cell-per-line tables: runs of cell lines, each followed by a separator
/// (or written `x |`). With blank lines only between cells, at least six values that make up at
/// least a quarter of the cells; with bars, one value.
pub(super) fn regions(lines: &[Line<'_>]) -> Vec<(usize, usize)> {
    let parts = parts(lines);
    let mut regions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !matches!(parts[i], Part::Cell(_)) {
            i += 1;
            continue;
        }
        let mut end = i;
        let mut k = i;
        let (mut cells, mut values, mut separated, mut bars, mut barred_cells) = (0, 0, 0, 0, 0);
        while k < lines.len() {
            match parts[k] {
                Part::Cell(barred) => {
                    let next = parts.get(k + 1).copied();
                    let followed = matches!(next, Some(Part::Blank | Part::Bar) | None);
                    if !barred && !followed {
                        break;
                    }
                    if barred {
                        barred_cells += 1;
                    }
                    cells += 1;
                    separated += 1;
                    if is_value(cell_text(lines[k].text)) {
                        values += 1;
                    }
                    end = k + 1;
                }
                Part::Bar => bars += 1,
                Part::Blank => {
                    // Two blank lines in a row end a blank-separated table.
                    if bars == 0 && matches!(parts.get(k + 1), Some(Part::Blank)) {
                        break;
                    }
                    // Between two bars, an empty cell: it counts as a (blank) value.
                    if k > 0
                        && parts[k - 1] == Part::Bar
                        && matches!(parts.get(k + 1), Some(Part::Bar))
                    {
                        cells += 1;
                        separated += 1;
                        values += 1;
                    }
                }
                Part::Other => break,
            }
            k += 1;
        }
        // Bars mark cells explicitly, so a small table is believed; blank lines alone are
        // also how short paragraphs are written, so more evidence is needed.
        let explicit = bars + barred_cells >= cells && cells >= 2;
        let enough = if explicit {
            values >= 1
        } else {
            values >= 6 && values * 4 >= cells
        };
        if enough && separated == cells {
            regions.push((i, end));
            i = end;
        } else {
            i = k.max(i + 1);
        }
    }
    regions
}

fn cell_text(text: &str) -> &str {
    let t = text.trim();
    t.strip_suffix('|').map_or(t, str::trim_end)
}

/// Reads a one-cell-per-line region into rows.
/// Reads a one-cell-per-line region: the table, and the labels of a scrambled part (see
/// [`MAX_ROW_VALUES`]) as paragraphs, since they are the rows of no values read.
pub(super) fn table(lines: &[Line<'_>]) -> (RawTable, Vec<MappedText>) {
    let parts = parts(lines);
    let barred = parts.iter().any(|p| matches!(p, Part::Cell(true)));
    let with_bars = !barred && parts.contains(&Part::Bar);
    // The cells in order; `None` text is an empty cell.
    let mut cells: Vec<RawCell> = Vec::new();
    let mut last_was_bar = false;
    for (line, part) in lines.iter().zip(&parts) {
        match part {
            Part::Cell(_) => {
                let t = cell_text(line.text);
                let offset = line.start + line.text.find(t).unwrap_or(0);
                cells.push(RawCell::new(t, Span::new(offset, offset + t.len())));
                last_was_bar = false;
            }
            Part::Bar if barred => {
                // `x |` style: a bare bar is an empty cell.
                cells.push(RawCell::new("", Span::new(line.start, line.end())));
            }
            Part::Blank if with_bars && last_was_bar => {
                cells.push(RawCell::new("", Span::new(line.start, line.start)));
                last_was_bar = false;
            }
            Part::Bar => last_was_bar = true,
            _ => {}
        }
    }
    let mut rows: Vec<RawRow> = Vec::new();
    let mut labels: Vec<RawCell> = Vec::new();
    let mut values: Vec<RawCell> = Vec::new();
    let mut loose: Vec<MappedText> = Vec::new();
    let mut flush = |rows: &mut Vec<RawRow>,
                     labels: &mut Vec<RawCell>,
                     values: &mut Vec<RawCell>| {
        if labels.is_empty() && values.is_empty() {
            return;
        }
        if values.is_empty() {
            // Labels after the last values: what they label is not in this region.
            loose.extend(
                labels
                    .drain(..)
                    .map(|l| MappedText::verbatim(&l.text, l.span.start as usize)),
            );
            return;
        }
        let written = values.len()
            - values
                .iter()
                .rev()
                .take_while(|v| v.text.is_empty())
                .count();
        if values.len() > MAX_ROW_VALUES || (!labels.is_empty() && written > MAX_LABELLED_VALUES) {
            // More values than any row of the format holds: the extractor wrote the table
            // column by column or scrambled it. The labels are not rows of these values, and
            // not blank rows either; the values stay unlabelled.
            loose.extend(
                labels
                    .drain(..)
                    .map(|l| MappedText::verbatim(&l.text, l.span.start as usize)),
            );
            rows.push(row_of(std::mem::take(values)));
            return;
        }
        // Rows of the format standing before the label with values were left blank (their
        // empty cells cannot be written in every layout): rows of their own.
        while labels.len() >= 2
            && is_table_row_label(&labels[0].text)
            && !is_band_caption(&labels[0].text)
        {
            let blank_row = labels.remove(0);
            rows.push(row_of(vec![blank_row]));
        }
        let header_zone = rows.is_empty() || labels.len() >= 3;
        let written = values.len()
            - values
                .iter()
                .rev()
                .take_while(|v| v.text.is_empty())
                .count();
        if header_zone && labels.len() >= 2 && labels.len() == written {
            // As many headings as values and no label: a table of values only (table 4).
            rows.push(row_of(std::mem::take(labels)));
            rows.push(row_of(std::mem::take(values)));
            return;
        }
        if header_zone && labels.len() >= 2 {
            // All but the last text cell are a header (a caption first when it stands alone).
            let label = labels.pop().expect("two labels");
            let mut header: Vec<RawCell> = std::mem::take(labels);
            if header.len() >= 2 && looks_like_caption(&header[0].text) {
                let caption = header.remove(0);
                rows.push(row_of(vec![caption]));
            }
            if !rows.is_empty() || !header.is_empty() {
                // A header names the stub, then the value columns.
                if header.len() <= written {
                    header.insert(0, RawCell::new("", header[0].span));
                }
                rows.push(row_of(header));
            }
            labels.push(label);
        }
        let mut label_cell = RawCell::new(String::new(), Span::default());
        for (i, l) in labels.drain(..).enumerate() {
            label_cell.span = if i == 0 {
                l.span
            } else {
                label_cell.span.cover(l.span)
            };
            label_cell.text.push_str(&l.text);
        }
        // A row without a label (table 4's values) has no label cell.
        let mut cells = if label_cell.text.is_empty() {
            Vec::new()
        } else {
            vec![label_cell]
        };
        cells.append(values);
        rows.push(row_of(cells));
    };
    for cell in cells {
        let value = cell.text.is_empty() || is_value(&cell.text);
        if value {
            values.push(cell);
        } else {
            if !values.is_empty() {
                flush(&mut rows, &mut labels, &mut values);
            }
            labels.push(cell);
        }
    }
    flush(&mut rows, &mut labels, &mut values);
    let span = rows
        .iter()
        .map(|r| r.span)
        .reduce(Span::cover)
        .unwrap_or_default();
    let table = RawTable {
        span,
        rows,
        kind: TableKind::Aligned,
    };
    (table, loose)
}

fn looks_like_caption(text: &str) -> bool {
    text.starts_with('第') && text.ends_with('项')
}

fn row_of(cells: Vec<RawCell>) -> RawRow {
    let span = cells
        .iter()
        .map(|c| c.span)
        .filter(|s| s.end > s.start)
        .reduce(Span::cover)
        .unwrap_or_default();
    RawRow { span, cells }
}
