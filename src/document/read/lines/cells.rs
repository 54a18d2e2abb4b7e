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
    /// A line holding only a no-break space: an empty cell.
    EmptyCell,
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
        // A no-break space is what an empty cell holds in a web page (`&nbsp;`): written out
        // alone on its line, it is an empty cell, not a blank line.
        return if text.contains('\u{a0}') {
            Part::EmptyCell
        } else {
            Part::Blank
        };
    }
    if t == "|" {
        return Part::Bar;
    }
    let (body, barred) = match t.strip_suffix('|') {
        Some(body) => (body.trim_end(), true),
        None => (t, false),
    };
    let one_field = !body.contains('|') && !body.contains('\t') && !body.contains("  ");
    let short = (body.len() <= 80 || body.chars().count() <= 80) && !body.contains('。');
    // Asked last, and only when it decides: most lines are settled before it.
    let heading =
        || looks_like_heading(body).is_some_and(|h| h.level <= 2) && !is_table_row_label(body);
    if one_field && short && (barred || bars_around || !heading()) {
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
    CellValue::is_data_text(text)
}

/// How a run of cell lines is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// `|` lines between cells, or `x |` per cell: an empty cell is an empty line between
    /// bars, or a bare `|`.
    Bars,
    /// A blank line after (nearly) every cell: blank lines are separators, empty cells are
    /// lost.
    BlankSeparated,
    /// Cells on consecutive lines (LibreOffice and other text exports of a table): a blank
    /// line is an empty cell.
    Plain,
}

/// What a run of lines holds.
#[derive(Default)]
struct Counts {
    cells: usize,
    values: usize,
    separated: usize,
    bars: usize,
    barred: usize,
    /// Blank lines next to a value: empty cells, if blank lines are cells.
    blank_values: usize,
}

fn count(lines: &[Line<'_>], parts: &[Part], range: std::ops::Range<usize>) -> Counts {
    let mut c = Counts::default();
    for k in range.clone() {
        match parts[k] {
            Part::Cell(barred) => {
                c.cells += 1;
                let next = if k + 1 < range.end {
                    Some(parts[k + 1])
                } else {
                    None
                };
                if barred || matches!(next, Some(Part::Blank | Part::Bar) | None) {
                    c.separated += 1;
                }
                c.barred += usize::from(barred);
                c.values += usize::from(is_value(cell_text(lines[k].text)));
            }
            Part::Bar => c.bars += 1,
            Part::EmptyCell => c.blank_values += 1,
            Part::Blank => {
                // Next to a value, a blank line may be an empty cell (consecutive-line exports).
                let value_at = |j: usize| {
                    matches!(parts[j], Part::Cell(_)) && is_value(cell_text(lines[j].text))
                };
                let before = (range.start..k).rev().find(|&j| parts[j] != Part::Blank);
                let after = (k + 1..range.end).find(|&j| parts[j] != Part::Blank);
                if before.is_some_and(value_at) || after.is_some_and(value_at) {
                    c.blank_values += 1;
                }
            }
            Part::Other => {}
        }
    }
    c
}

impl Counts {
    fn style(&self) -> Style {
        if self.bars + self.barred >= self.cells {
            Style::Bars
        } else if self.separated * 5 >= self.cells * 4 {
            // Most cells followed by a blank line: blank lines separate (an extractor may
            // still put two cells of one line next to each other).
            Style::BlankSeparated
        } else {
            Style::Plain
        }
    }
}

/// Line ranges of one-cell-per-line tables: runs of cell, bar and blank lines. Bars mark
/// cells explicitly, so a table with one value is believed; without bars short lines are
/// also how short paragraphs are written, so at least six values, a quarter of the cells, are
/// wanted.
pub(super) fn regions(lines: &[Line<'_>]) -> Vec<(usize, usize)> {
    let parts = parts(lines);
    let mut regions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !matches!(parts[i], Part::Cell(_)) {
            i += 1;
            continue;
        }
        let mut k = i;
        let mut end = i;
        while k < lines.len() && parts[k] != Part::Other {
            if matches!(parts[k], Part::Cell(_) | Part::Bar | Part::EmptyCell) {
                end = k + 1;
            }
            k += 1;
        }
        let counts = count(lines, &parts, i..end);
        let enough = match counts.style() {
            Style::Bars => counts.cells >= 2 && counts.values >= 1,
            Style::BlankSeparated => counts.values >= 6 && counts.values * 4 >= counts.cells,
            Style::Plain => {
                let filled = counts.values + counts.blank_values;
                counts.values >= 6 && filled * 4 >= counts.cells + counts.blank_values
            }
        };
        if enough {
            regions.push((i, end));
            i = end;
        } else {
            i = end.max(i + 1);
        }
    }
    regions
}

fn cell_text(text: &str) -> &str {
    let t = text.trim();
    t.strip_suffix('|').map_or(t, str::trim_end)
}

/// Reads a one-cell-per-line region: the table, and the labels of a scrambled part (see
/// [`MAX_ROW_VALUES`]) as paragraphs, since they are the rows of no values read.
pub(super) fn table(lines: &[Line<'_>]) -> (RawTable, Vec<MappedText>) {
    let parts = parts(lines);
    let barred = parts.iter().any(|p| matches!(p, Part::Cell(true)));
    let with_bars = !barred && parts.contains(&Part::Bar);
    let plain = count(lines, &parts, 0..lines.len()).style() == Style::Plain;
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
            Part::Blank if plain => {
                cells.push(RawCell::new("", Span::new(line.start, line.start)));
            }
            Part::EmptyCell => {
                cells.push(RawCell::new("", Span::new(line.start, line.end())));
            }
            Part::Bar => last_was_bar = true,
            _ => {}
        }
    }
    if plain && blanks_separate(&cells) {
        cells.retain(|c| !c.text.is_empty());
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
            if !header.is_empty() {
                // A header names the stub, then the value columns.
                if header.len() <= written {
                    header.insert(0, RawCell::new("", header[0].span));
                }
                if header.len() > values.len() + 1 {
                    // More headings than columns: a header of several levels flattened into
                    // one run (`申请人情况`, `法人或其他组织`, then the leaves). Which heading
                    // is over which column cannot be told; keep the text as one caption, so
                    // that values are read by position.
                    let mut caption = RawCell::new(String::new(), header[0].span);
                    for h in &header {
                        caption.text.push_str(&h.text);
                        caption.span = caption.span.cover(h.span);
                    }
                    header = vec![caption];
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
    // An empty cell is a (blank) value inside a run of values, or right after a label when
    // values follow; elsewhere (in a header) it is nothing.
    let next_is_value: Vec<bool> = {
        let mut next = vec![false; cells.len()];
        let mut following = false;
        for (i, cell) in cells.iter().enumerate().rev() {
            next[i] = following;
            if !cell.text.is_empty() {
                following = is_value(&cell.text);
            }
        }
        next
    };
    for (i, cell) in cells.into_iter().enumerate() {
        let value = if cell.text.is_empty() {
            if values.is_empty() && (labels.is_empty() || !next_is_value[i]) {
                continue;
            }
            true
        } else {
            is_value(&cell.text)
        };
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

/// Values in a row, each followed by one blank line, that show blank lines are separators.
const SEPARATED_VALUES: usize = 5;

/// Whether blank lines separate the cells rather than stand for empty ones: some run of
/// values alternates value, blank, value, blank … for five values or more (`21`, ``, `0`, ``,
/// `0` … in plain `pdftotext` output). A text export with empty cells hardly leaves exactly one
/// between every two of five values.
fn blanks_separate(cells: &[RawCell]) -> bool {
    let mut run: Vec<bool> = Vec::new();
    let alternating = |run: &[bool]| {
        // The blank line after the label is a separator too.
        let run = &run[run.iter().position(|v| *v).unwrap_or(run.len())..];
        run.len() >= 2 * SEPARATED_VALUES - 1 && run.windows(2).all(|w| w[0] != w[1])
    };
    for cell in cells {
        if cell.text.is_empty() || is_value(&cell.text) {
            run.push(!cell.text.is_empty());
        } else {
            if alternating(&run) {
                return true;
            }
            run.clear();
        }
    }
    alternating(&run)
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
