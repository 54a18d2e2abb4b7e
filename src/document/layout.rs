//! Table layout: from a grid of cells to bands, column headers and labelled data rows.
//!
//! One algorithm for every format, because real tables need the same inference whatever
//! they were written in:
//!
//! 1. Merged cells are expanded into a grid (markup) — copies are flagged `merged`.
//! 2. Rows without numbers are headers; rows with numbers are data. A text-only row after data
//!    starts a new band (table 2 has one band per 第二十条 item) unless it is a lone label
//!    fragment away from the first column, which continues the previous row's label (PDF
//!    exports split `…重新出具` / `已获取信息` over two lines).
//! 3. A band's columns are the header leaves to the right of the label columns.
//! 4. Values are aligned to columns by grid position. Tab-separated exports of PDFs do not
//!    keep positions (the seed's table 3 has labels under 自然人 and values under 其他); when
//!    labels intrude into value columns the band is read right-aligned instead, after trailing
//!    empty fields are dropped.
//! 5. In a band whose positions can be trusted, a row with values under no column heading is
//!    `malformed` and recorded as a problem; its values are never shifted to make it fit.
//!    When every one of two or more rows has such values, and more values than headings, the
//!    header is a fragment instead, as below, whatever the format.
//!    In a right-aligned band with more values than headings, the header is what is broken
//!    (extractors split headings into fragments): the row is left unaligned, and rules that
//!    know the table's shape read its values by position.

use super::model::{Band, Cell, Column, Problem, ProblemKind, RawTable, Row, RowKind, TableKind};
use super::structure::{is_band_caption, is_table_row_label};
use super::value::CellValue;
use crate::source::Span;
use regex::Regex;
use std::sync::{Arc, LazyLock};

static RUN_TOGETHER: LazyLock<Regex> =
    LazyLock::new(|| crate::pattern::must(r"^(.*[\p{Han}）)”])(\d[\d,.]*)$"));

/// Where the digits start in a label whose values ran into it (`行政许可550` → 12): text
/// ending in a Chinese character or closing bracket, then digits with no space between.
#[must_use]
pub fn run_together(text: &str) -> Option<usize> {
    // The pattern ends in `\d[\d,.]*`: a line ending otherwise (nearly every line of prose)
    // is rejected before the capture pattern runs over it.
    let trimmed = text.trim();
    if !trimmed.ends_with(|c: char| c.is_ascii_digit() || matches!(c, '０'..='９' | ',' | '.')) {
        return None;
    }
    let caps = RUN_TOGETHER.captures(trimmed)?;
    let label = caps.get(1)?.as_str();
    (label.chars().filter(|c| !c.is_ascii()).count() >= 2 && !label.ends_with(['年', '月', '日']))
        .then(|| label.len() + (text.len() - text.trim_start().len()))
}

/// Bounds the grid so that a hostile `colspan="65535"` cannot allocate without limit.
const MAX_COLUMNS: usize = 256;
/// Bounds the grid positions merged cells may fill in one table.
const MAX_GRID_CELLS: usize = 1 << 20;

/// The laid-out rows and bands of a table, plus problems found.
#[derive(Debug)]
pub struct Layout {
    /// Rows in order.
    pub rows: Vec<Row>,
    /// Bands in order.
    pub bands: Vec<Band>,
    /// Problems (row shape) found while aligning.
    pub problems: Vec<Problem>,
}

/// Lays out one table.
#[must_use]
pub fn layout(table: &RawTable) -> Layout {
    let grid = expand(table);
    let mut rows: Vec<Row> = grid
        .into_iter()
        .zip(&table.rows)
        .map(|(cells, raw)| Row {
            span: raw.span,
            kind: RowKind::Header,
            cells,
            band: 0,
            label: String::new(),
            label_span: None,
            values: Vec::new(),
            aligned: Vec::new(),
            malformed: false,
        })
        .collect();
    let mut problems = Vec::new();
    mark_run_together(&mut rows, &mut problems);
    let band_rows = classify(&mut rows, table.kind);
    let mut bands = Vec::new();
    for (band_index, members) in band_rows.into_iter().enumerate() {
        for &r in &members {
            rows[r].band = band_index;
        }
        bands.push(lay_out_band(&mut rows, members, table.kind, &mut problems));
    }
    Layout {
        rows,
        bands,
        problems,
    }
}

/// Expands `colspan`/`rowspan` into a rectangular-enough grid.
fn expand(table: &RawTable) -> Vec<Vec<Cell>> {
    // Each row sized for its own cells: rows grown by `resize` would keep up to twice the
    // capacity they need, and a collection keeps last year's tables for the whole run.
    let mut grid: Vec<Vec<Option<Cell>>> = table
        .rows
        .iter()
        .map(|row| Vec::with_capacity(row.cells.len()))
        .collect();
    let mut filled = 0usize;
    for (r, row) in table.rows.iter().enumerate() {
        let mut c = 0;
        for raw in &row.cells {
            while grid[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            if c >= MAX_COLUMNS {
                break;
            }
            // One allocation per written cell: its copies in merged grid positions share it.
            let value = CellValue::parse(&raw.text);
            let trimmed = raw.text.trim();
            let text: Arc<str> = match &value {
                CellValue::Text { text } if **text == *trimmed => text.clone(),
                _ if trimmed.is_empty() => empty_text(),
                _ => trimmed.into(),
            };
            let cell = Cell {
                text,
                span: raw.span,
                value,
                merged: false,
            };
            let mut colspan = usize::from(raw.colspan.max(1)).min(MAX_COLUMNS - c);
            let mut rowspan = usize::from(raw.rowspan.max(1)).min(table.rows.len() - r);
            if filled + colspan * rowspan > MAX_GRID_CELLS {
                (colspan, rowspan) = (1, 1);
            }
            filled += colspan * rowspan;
            for dr in 0..rowspan {
                for dc in 0..colspan {
                    let target = &mut grid[r + dr];
                    if target.len() <= c + dc {
                        target.resize(c + dc + 1, None);
                    }
                    let mut copy = cell.clone();
                    copy.merged = dr > 0 || dc > 0;
                    target[c + dc] = Some(copy);
                }
            }
            c += colspan;
        }
    }
    grid.into_iter()
        .zip(&table.rows)
        .map(|(row, raw)| {
            row.into_iter()
                .map(|cell| {
                    cell.unwrap_or_else(|| Cell {
                        text: empty_text(),
                        span: Span::new(raw.span.end as usize, raw.span.end as usize),
                        value: CellValue::Blank,
                        merged: false,
                    })
                })
                .collect()
        })
        .collect()
}

/// The text of a blank cell. Most cells of a report's tables are blank; they share one
/// allocation per thread (per thread, so that two threads do not contend for one counter).
fn empty_text() -> Arc<str> {
    thread_local! {
        static EMPTY: Arc<str> = Arc::from("");
    }
    EMPTY.with(Arc::clone)
}

fn has_data(row: &Row) -> bool {
    row.cells.iter().any(|c| !c.merged && c.value.is_data())
}

fn text_cells(row: &Row) -> impl Iterator<Item = (usize, &Cell)> {
    row.cells
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.value, CellValue::Text { .. }))
}

/// Whether a label starts with an item number: `2.`, `（三）`, `四、`.
fn starts_with_number(text: &str) -> bool {
    super::structure::looks_like_heading(text).is_some()
        || text
            .trim_start()
            .starts_with(['（', '(', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
}

/// Rows without values whose last text is a label with digits run into it (`规章000`): the
/// row is data with no values, flagged malformed, and a problem is recorded. Only in a table
/// with other data rows, or when the label part is a statistics-table row label, so that a
/// heading such as `附表1` is left alone.
fn mark_run_together(rows: &mut [Row], problems: &mut Vec<Problem>) {
    let table_has_data = rows.iter().any(has_data);
    for row in rows.iter_mut() {
        if has_data(row) {
            continue;
        }
        let Some((i, cell)) = text_cells(row).filter(|(_, c)| !c.merged).last() else {
            continue;
        };
        let Some(cut) = run_together(&cell.text) else {
            continue;
        };
        let label = cell.text[..cut].trim().to_owned();
        if !(table_has_data || is_table_row_label(&label)) {
            continue;
        }
        let span = cell.span;
        row.kind = RowKind::Data;
        row.malformed = true;
        row.label = label;
        row.label_span = Some(span);
        row.values = Vec::new();
        problems.push(Problem {
            kind: ProblemKind::ValuesRunTogether,
            message: format!(
                "「{}」的数值与行名连在一起，无法分辨各栏数值",
                row.cells[i].text
            ),
            span: row.span,
        });
    }
}

/// Whether a row is an empty skeleton row: no values, and its first text is a row label of a
/// statistics table (`规章`, `（一）予以公开`). Printed tables without numbers are tables with
/// blank cells, not headers.
fn is_skeleton_row(row: &Row) -> bool {
    text_cells(row)
        .find(|(_, c)| !c.merged)
        .is_some_and(|(_, c)| is_table_row_label(&c.text) && !is_band_caption(&c.text))
}

/// Assigns row kinds and groups rows into bands.
fn classify(rows: &mut [Row], kind: TableKind) -> Vec<Vec<usize>> {
    let mut bands: Vec<Vec<usize>> = vec![Vec::new()];
    let mut seen_data = false;
    for (r, row) in rows.iter_mut().enumerate() {
        if row.kind == RowKind::Data {
            // Marked before (values run into the label).
            seen_data = true;
            bands.last_mut().expect("at least one band").push(r);
            continue;
        }
        if has_data(row) || is_skeleton_row(row) {
            row.kind = RowKind::Data;
            seen_data = true;
            bands.last_mut().expect("at least one band").push(r);
            continue;
        }
        let texts: Vec<usize> = text_cells(row)
            .filter(|(_, c)| !c.merged)
            .map(|(i, _)| i)
            .collect();
        // After data, a row whose only text is a label is a data row with blank values in
        // markup (rows are explicit there). In text exports it is the second line of a label
        // split over two lines, unless it starts with its own number (`2.`, `（三）`).
        let label_only = seen_data && texts.len() == 1 && texts[0] > 0;
        if label_only && kind == TableKind::Markup {
            row.kind = RowKind::Data;
            bands.last_mut().expect("at least one band").push(r);
            continue;
        }
        let numbered = texts
            .first()
            .is_some_and(|&i| starts_with_number(&row.cells[i].text));
        if texts.is_empty() || (label_only && !numbered) {
            row.kind = RowKind::Continuation;
            bands.last_mut().expect("at least one band").push(r);
        } else {
            if seen_data {
                bands.push(Vec::new());
                seen_data = false;
            }
            row.kind = RowKind::Header;
            bands.last_mut().expect("at least one band").push(r);
        }
    }
    bands.retain(|b| !b.is_empty());
    bands
}

fn lay_out_band(
    rows: &mut [Row],
    members: Vec<usize>,
    kind: TableKind,
    problems: &mut Vec<Problem>,
) -> Band {
    let headers: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&r| rows[r].kind == RowKind::Header)
        .collect();
    let data: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&r| rows[r].kind == RowKind::Data)
        .collect();

    // Label cells of each data row: everything up to its last text cell.
    for &r in &data {
        let row = &mut rows[r];
        if row.malformed && row.label_span.is_some() {
            // Labelled already (values run into the label).
            continue;
        }
        let last_text = text_cells(row).map(|(i, _)| i).last();
        let label_cells: Vec<&Cell> = match last_text {
            Some(last) => row.cells[..=last]
                .iter()
                .filter(|c| !c.text.is_empty())
                .collect(),
            None => Vec::new(),
        };
        let mut label = String::new();
        let mut previous: Option<&Arc<str>> = None;
        for cell in &label_cells {
            // Copies of one merged cell share their text: skip them without comparing it (a
            // long text merged over 256 columns would cost 256 scans of it).
            if previous.is_some_and(|p| std::sync::Arc::ptr_eq(p, &cell.text)) {
                continue;
            }
            previous = Some(&cell.text);
            if !label.ends_with(&*cell.text) {
                label.push_str(&cell.text);
            }
        }
        row.label = label;
        row.label_span = label_cells.iter().map(|c| c.span).reduce(Span::cover);
        let first_value = last_text.map_or(0, |l| l + 1);
        row.values = (first_value..row.cells.len()).collect();
    }
    attach_continuations(rows, &members);

    let stub_width = data
        .iter()
        .filter(|&&r| !rows[r].label.is_empty())
        .map(|&r| {
            rows[r]
                .values
                .first()
                .copied()
                .unwrap_or(rows[r].cells.len())
        })
        .min()
        .unwrap_or(0);
    let columns = columns(rows, &headers, stub_width);
    let caption = headers.first().and_then(|&r| {
        let texts: Vec<&Cell> = rows[r]
            .cells
            .iter()
            .filter(|c| !c.text.is_empty() && !c.merged)
            .collect();
        (texts.len() == 1 && headers.len() > 1).then(|| texts[0].text.to_string())
    });

    // Positions are trusted (markup) or checked (text), unless every row disagrees with the
    // header: more values than headings, some under none, in each of two or more rows say the
    // header is what is broken (a fragment of the real one), not every row.
    let rows_with_values: Vec<usize> = data
        .iter()
        .copied()
        .filter(|&r| {
            rows[r]
                .values
                .iter()
                .any(|&i| !rows[r].cells[i].value.is_blank())
        })
        .collect();
    let header_broken = !columns.is_empty()
        && rows_with_values.len() >= 2
        && rows_with_values
            .iter()
            .all(|&r| has_stray(&rows[r], &columns) && value_count(&rows[r]) > columns.len());
    let regular = !header_broken
        && (kind == TableKind::Markup || is_regular(rows, &data, &columns, stub_width));
    for &r in &data {
        align_row(&mut rows[r], &columns, regular, problems);
    }
    Band {
        caption,
        columns,
        rows: members,
    }
}

/// Appends continuation fragments to the label of the data row before them.
fn attach_continuations(rows: &mut [Row], members: &[usize]) {
    let mut previous_data: Option<usize> = None;
    for &r in members {
        match rows[r].kind {
            RowKind::Data => previous_data = Some(r),
            RowKind::Continuation => {
                let Some(target) = previous_data else {
                    continue;
                };
                let fragments: Vec<(String, Span)> = text_cells(&rows[r])
                    .filter(|(_, c)| !c.merged)
                    .map(|(_, c)| (c.text.to_string(), c.span))
                    .collect();
                for (text, span) in fragments {
                    let row = &mut rows[target];
                    row.label.push_str(&text);
                    row.label_span = Some(row.label_span.map_or(span, |s| s.cover(span)));
                }
            }
            RowKind::Header => previous_data = None,
        }
    }
}

/// The value columns: header leaves at or right of the stub.
fn columns(rows: &[Row], headers: &[usize], stub_width: usize) -> Vec<Column> {
    let width = headers
        .iter()
        .map(|&r| rows[r].cells.len())
        .max()
        .unwrap_or(0);
    let mut columns = Vec::new();
    for c in stub_width..width {
        let leaf = headers.iter().rev().find_map(|&r| {
            rows[r]
                .cells
                .get(c)
                .filter(|cell| !cell.text.is_empty())
                .map(|cell| (r, cell))
        });
        let Some((leaf_row, leaf)) = leaf else {
            continue;
        };
        // A merged copy of the cell to the left is the same heading spanning two columns.
        if leaf.merged
            && c > stub_width
            && rows[leaf_row]
                .cells
                .get(c - 1)
                .is_some_and(|left| left.span == leaf.span)
        {
            continue;
        }
        let mut path: Vec<String> = headers
            .iter()
            .take_while(|&&r| r != leaf_row)
            .filter_map(|&r| {
                rows[r].cells[..=c.min(rows[r].cells.len().saturating_sub(1))]
                    .iter()
                    .rev()
                    .find(|cell| !cell.text.is_empty())
                    .map(|cell| cell.text.to_string())
            })
            .collect();
        path.push(leaf.text.to_string());
        path.dedup();
        columns.push(Column {
            label: leaf.text.to_string(),
            path,
            span: leaf.span,
            grid: c,
        });
    }
    columns
}

/// Whether every data row keeps its labels left of the value columns and its values in
/// labelled columns — i.e. whether grid positions can be trusted.
fn is_regular(rows: &[Row], data: &[usize], columns: &[Column], stub_width: usize) -> bool {
    let first_column = columns.first().map_or(stub_width, |c| c.grid);
    data.iter().all(|&r| {
        let row = &rows[r];
        let labels_left = text_cells(row).all(|(i, _)| i < first_column);
        let values_placed = row.cells.iter().enumerate().all(|(i, cell)| {
            !cell.value.is_data() || columns.iter().any(|col| col.grid == i) || i >= first_column
        });
        labels_left && values_placed
    })
}

/// The values a row writes (merged copies and blanks not counted).
fn value_count(row: &Row) -> usize {
    row.values
        .iter()
        .filter(|&&i| !row.cells[i].merged && !row.cells[i].value.is_blank())
        .count()
}

/// Whether a row has a value under no column heading.
fn has_stray(row: &Row, columns: &[Column]) -> bool {
    row.values.iter().any(|&i| {
        let cell = &row.cells[i];
        !cell.merged && !cell.value.is_blank() && !columns.iter().any(|c| c.grid == i)
    })
}

fn align_row(row: &mut Row, columns: &[Column], regular: bool, problems: &mut Vec<Problem>) {
    let k = columns.len();
    if regular {
        row.aligned = columns
            .iter()
            .map(|col| (col.grid < row.cells.len()).then_some(col.grid))
            .collect();
        let stray: Vec<usize> = row
            .values
            .iter()
            .copied()
            .filter(|&i| {
                let cell = &row.cells[i];
                !cell.merged && !cell.value.is_blank() && !columns.iter().any(|c| c.grid == i)
            })
            .collect();
        if !stray.is_empty() && k > 0 {
            let count = row
                .values
                .iter()
                .filter(|&&i| !row.cells[i].merged && !row.cells[i].value.is_blank())
                .count();
            flag_shape(row, count, k, problems);
        }
        return;
    }
    // Right-aligned reading: trailing empty fields are export artefacts here; leading
    // blanks beyond the column count are padding between label and values.
    let mut values: Vec<usize> = row.values.clone();
    while values
        .last()
        .is_some_and(|&i| row.cells[i].value.is_blank())
    {
        values.pop();
    }
    while values.len() > k
        && values
            .first()
            .is_some_and(|&i| row.cells[i].value.is_blank())
    {
        values.remove(0);
    }
    if values.len() > k {
        // The header of an irregular (extracted) table does not describe its columns: leave
        // the row unaligned rather than call it malformed. Rules that know how many columns
        // the table must have read `values` by position instead.
        row.aligned = vec![None; k];
        return;
    }
    let pad = k - values.len();
    row.aligned = std::iter::repeat_n(None, pad)
        .chain(values.into_iter().map(Some))
        .collect();
}

fn flag_shape(row: &mut Row, values: usize, columns: usize, problems: &mut Vec<Problem>) {
    row.malformed = true;
    problems.push(Problem {
        kind: ProblemKind::RowShape,
        message: format!("数据行有 {values} 个数值，而表头只有 {columns} 列"),
        span: row.span,
    });
}
