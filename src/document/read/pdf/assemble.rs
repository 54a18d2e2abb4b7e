//! Pages of glyphs and rules → the extracted text (the PDF's [`crate::source::Source`]) and
//! raw blocks whose spans point into it.
//!
//! Per page: ruled grids become tables (glyphs assigned to cells by their centre); the other
//! glyphs are grouped into visual lines by baseline and ordered by x; page footers are
//! recognised; prose lines that were hard-wrapped at the right margin are joined into
//! paragraphs; lines of gap-separated fields with numbers (a table drawn without rules) become
//! a tab-separated table. A table that continues on the next page is joined, its repeated
//! header dropped and a merged label cell cut by the page break re-merged.
//!
//! The text is written as it is read: a page mark line `—— 第 N 页 ——`, then one line per
//! visual line or table row (cells separated by tabs), in reading order.

use super::super::super::mapped::MappedText;
use super::super::super::model::{RawBlock, RawCell, RawRow, RawTable, TableKind};
use super::super::super::structure::looks_like_heading;
use super::extract::{Glyph, Page};
use super::grid::{self, Grid};
use crate::source::Span;
use std::fmt::Write as _;

/// A glyph is on the same line as the previous ones when its centre is within this fraction of
/// the font size of the line's centre.
const SAME_LINE: f32 = 0.45;
/// A horizontal gap wider than this many font sizes separates two fields of a line (columns of
/// a table drawn without rules); justified prose never spreads characters that far.
const FIELD_GAP: f32 = 2.0;
/// Footers and page numbers are only looked for in this bottom fraction of the page.
const FOOTER_BAND: f32 = 0.12;
/// Two rule positions closer than this are the same column boundary across pages.
const SAME_COLUMN: f32 = 3.0;

/// The result: the text and the blocks pointing into it.
#[derive(Debug, Default)]
pub struct Assembled {
    /// The extracted text.
    pub text: String,
    /// Blocks in reading order.
    pub blocks: Vec<RawBlock>,
}

/// A visual line outside tables.
#[derive(Debug, Clone)]
struct Line {
    /// Text (fields separated by tabs).
    text: String,
    left: f32,
    right: f32,
    center: f32,
    size: f32,
    /// Left and right edge of each tab-separated field of `text`.
    fields: Vec<(f32, f32)>,
    /// Not part of the text flow: a page footer, or text that overflowed a table cell at the
    /// page bottom (moved into the cell). Still written to the text, never a paragraph.
    aside: bool,
}

impl Line {
    fn is_fielded(&self) -> bool {
        self.text.contains('\t')
    }
}

/// A table cell being built: grid position and text.
#[derive(Debug, Clone)]
struct CellBuild {
    row: usize,
    col: usize,
    rowspan: usize,
    colspan: usize,
    text: String,
    /// Whether the text's last line reaches the cell's right edge: it was wrapped there, so a
    /// page break may have cut it (its rest then stands in the next page's first row).
    runs_to_edge: bool,
}

/// A ruled table, possibly joined from several pages.
#[derive(Debug, Clone)]
struct TableBuild {
    xs: Vec<f32>,
    rows: usize,
    cells: Vec<CellBuild>,
    /// First row of each page's part (the first is 0).
    parts: Vec<usize>,
    /// The bottom of the (last part's) grid on its page.
    bottom: f32,
}

#[derive(Debug)]
enum Item {
    Line(Line),
    /// Part `part` of table `table` (an index into [`Pages::tables`]).
    Table {
        table: usize,
        part: usize,
    },
}

/// What one page contributes, in reading order.
#[derive(Debug)]
struct PageItems {
    number: u32,
    items: Vec<Item>,
}

/// All pages, and the tables their items refer to.
#[derive(Debug, Default)]
struct Pages {
    pages: Vec<PageItems>,
    tables: Vec<TableBuild>,
}

/// Assembles the document from its pages.
pub fn assemble(pages: &[Page]) -> Assembled {
    let mut all = Pages::default();
    for page in pages {
        let items = page_items(page, &mut all.tables);
        all.pages.push(items);
    }
    join_continued_tables(&mut all);
    for table in &mut all.tables {
        drop_covered_rows(table);
    }
    emit(&all)
}

fn page_items(page: &Page, tables: &mut Vec<TableBuild>) -> PageItems {
    let grids = grid::grids(&page.rules);
    let mut cell_glyphs: Vec<Vec<Vec<&Glyph>>> = grids
        .iter()
        .map(|g| vec![Vec::new(); g.cells.len()])
        .collect();
    let mut free = Vec::with_capacity(page.glyphs.len());
    for glyph in &page.glyphs {
        let (x, y) = (glyph.center_x(), glyph.center_y());
        let hit = grids
            .iter()
            .enumerate()
            .find(|(_, g)| g.contains(x, y))
            .and_then(|(i, g)| g.cell_at(x, y).map(|c| (i, c)));
        match hit {
            Some((g, c)) => cell_glyphs[g][c].push(glyph),
            None => free.push(glyph),
        }
    }
    let mut positioned: Vec<(f32, Item)> = Vec::new();
    for line in lines(page, &free, true) {
        let mut line = line;
        line.aside = is_footer(&line, page.height);
        positioned.push((line.center, Item::Line(line)));
    }
    for (grid, glyphs) in grids.iter().zip(cell_glyphs) {
        if glyphs.iter().all(Vec::is_empty) {
            continue; // a frame or a decoration, not a table
        }
        tables.push(table_build(page, grid, &glyphs));
        let table = tables.len() - 1;
        positioned.push((grid.ys[0], Item::Table { table, part: 0 }));
    }
    positioned.sort_by(|a, b| a.0.total_cmp(&b.0));
    PageItems {
        number: page.number,
        items: positioned.into_iter().map(|(_, item)| item).collect(),
    }
}

fn table_build(page: &Page, grid: &Grid, glyphs: &[Vec<&Glyph>]) -> TableBuild {
    let cells = grid
        .cells
        .iter()
        .zip(glyphs)
        .map(|(cell, glyphs)| {
            let right_edge = grid.xs[cell.col + cell.colspan];
            let (text, runs_to_edge) = cell_text(page, glyphs, right_edge);
            CellBuild {
                row: cell.row,
                col: cell.col,
                rowspan: cell.rowspan,
                colspan: cell.colspan,
                text,
                runs_to_edge,
            }
        })
        .collect();
    TableBuild {
        xs: grid.xs.clone(),
        rows: grid.rows(),
        cells,
        parts: vec![0],
        bottom: grid.ys[grid.ys.len() - 1],
    }
}

/// The text of one table cell: its lines top to bottom, or, when the cell is set vertically,
/// its columns right to left, each read top to bottom.
fn cell_text(page: &Page, glyphs: &[&Glyph], right_edge: f32) -> (String, bool) {
    let mut text = String::new();
    if let Some(columns) = vertical_columns(page, glyphs) {
        for column in columns {
            for g in column {
                push_joined(&mut text, page.glyph_text(g));
            }
        }
        return (text, false);
    }
    let lines = lines(page, glyphs, false);
    for line in &lines {
        push_joined(&mut text, &line.text);
    }
    // Within two font sizes of the edge: the cell's padding and a glyph that did not fit.
    let runs_to_edge = lines
        .last()
        .is_some_and(|l| l.right >= right_edge - 2.0 * l.size);
    (text, runs_to_edge)
}

/// Most a vertical step (centre to centre, in font sizes) between two glyphs of one column of
/// vertical text: the glyphs follow each other with their advance (1 font size), while lines of
/// horizontal text stand further apart (a line height).
const VERTICAL_ADVANCE: f32 = 1.15;

/// A cell's glyphs as columns of vertical text (right to left, each top to bottom), when they
/// are laid out so: whether the producer rotates the glyphs (WPS's Identity-V) or stacks upright
/// glyphs (LibreOffice's `tbRl` cells), the glyphs of a column follow each other one font size
/// apart, closer than the glyphs of a line beside each other (which belong to other columns).
/// `None` for horizontal text: a single line, or lines whose glyphs are closer side by side
/// than one above the other.
fn vertical_columns<'a>(page: &Page, glyphs: &[&'a Glyph]) -> Option<Vec<Vec<&'a Glyph>>> {
    // Spaces have no place in a column (LibreOffice draws one after a bracket).
    let glyphs: Vec<&Glyph> = glyphs
        .iter()
        .copied()
        .filter(|g| !page.glyph_text(g).trim().is_empty())
        .collect();
    if glyphs.len() < 2 {
        return None;
    }
    let mut sizes: Vec<f32> = glyphs.iter().map(|g| g.size.max(1.0)).collect();
    sizes.sort_by(f32::total_cmp);
    let size = sizes[sizes.len() / 2];
    // Columns: glyphs whose centres share an x (within half a font size), top to bottom.
    let mut order: Vec<&Glyph> = glyphs.clone();
    order.sort_by(|a, b| a.center_x().total_cmp(&b.center_x()));
    let mut columns: Vec<Vec<&Glyph>> = Vec::new();
    for g in order {
        match columns.last_mut() {
            Some(column) if g.center_x() - column[0].center_x() < 0.5 * size => column.push(g),
            _ => columns.push(vec![g]),
        }
    }
    let mut down: Vec<f32> = Vec::new();
    for column in &mut columns {
        column.sort_by(|a, b| a.center_y().total_cmp(&b.center_y()));
        // Glyphs drawn twice at one place (fake bold, shadows) are no step.
        column.dedup_by(|b, a| {
            (b.center_y() - a.center_y()).abs() < 0.5 * size
                && page.glyph_text(a) == page.glyph_text(b)
        });
        down.extend(
            column
                .windows(2)
                .map(|w| (w[1].center_y() - w[0].center_y()) / size)
                .filter(|&step| step >= 0.5),
        );
    }
    if down.is_empty() {
        return None; // one glyph per column: a single line
    }
    down.sort_by(f32::total_cmp);
    let down = down[down.len() / 2];
    if down > VERTICAL_ADVANCE {
        return None;
    }
    // Steps side by side between glyphs on one line (centres within 0.45 font size in y).
    let mut across: Vec<f32> = Vec::new();
    let mut by_y = glyphs;
    by_y.sort_by(|a, b| {
        a.center_y()
            .total_cmp(&b.center_y())
            .then(a.center_x().total_cmp(&b.center_x()))
    });
    for (i, a) in by_y.iter().enumerate() {
        let nearest = by_y[i + 1..]
            .iter()
            .take_while(|b| b.center_y() - a.center_y() < SAME_LINE * size)
            .map(|b| (b.center_x() - a.center_x()).abs())
            .filter(|&dx| dx >= 0.5 * size)
            .min_by(f32::total_cmp);
        across.extend(nearest.map(|dx| dx / size));
    }
    if !across.is_empty() {
        across.sort_by(f32::total_cmp);
        if across[across.len() / 2] < down + 0.15 {
            return None;
        }
    }
    columns.reverse();
    Some(columns)
}

/// Appends a line to text without a separator (Chinese does not separate words, and a number
/// wrapped in a narrow cell must stay one number), except between two Latin letters.
fn push_joined(text: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if let (Some(a), Some(b)) = (text.chars().last(), line.chars().next()) {
        if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() {
            text.push(' ');
        }
    }
    text.push_str(line);
}

/// Groups glyphs into visual lines (top to bottom), each ordered left to right. With
/// `fields`, a wide gap becomes a tab; in table cells it is dropped.
fn lines(page: &Page, glyphs: &[&Glyph], fields: bool) -> Vec<Line> {
    let mut order: Vec<&Glyph> = glyphs.to_vec();
    order.sort_by(|a, b| a.center_y().total_cmp(&b.center_y()));
    let mut out = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        let mut center = order[start].center_y();
        let mut size = order[start].size.max(1.0);
        while end < order.len() {
            let g = order[end];
            if g.center_y() - center > SAME_LINE * size.max(g.size) {
                break;
            }
            // Running mean keeps a long line's centre stable.
            center += (g.center_y() - center) / (end - start + 1) as f32;
            size = size.max(g.size);
            end += 1;
        }
        let members = &mut order[start..end];
        members.sort_by(|a, b| a.x.total_cmp(&b.x));
        out.push(line_of(page, members, fields, center, size));
        start = end;
    }
    out.retain(|l| !l.text.is_empty());
    out
}

fn line_of(page: &Page, glyphs: &[&Glyph], fields: bool, center: f32, size: f32) -> Line {
    let mut text = String::new();
    let mut previous: Option<&Glyph> = None;
    let (mut left, mut right) = (f32::MAX, f32::MIN);
    let mut field_edges: Vec<(f32, f32)> = Vec::new();
    for &g in glyphs {
        let piece = page.glyph_text(g);
        // Fake bold and shadows draw the same glyph twice at (almost) the same place.
        if let Some(p) = previous {
            if (g.x - p.x).abs() < 0.08 * g.size.max(1.0) && page.glyph_text(p) == piece {
                continue;
            }
        }
        let blank = piece.trim().is_empty();
        if !blank {
            if let Some(p) = previous {
                let gap = g.x - p.right();
                let last = text.chars().last();
                if fields && gap > FIELD_GAP * g.size.max(p.size) {
                    while text.ends_with(' ') {
                        text.pop();
                    }
                    if !text.is_empty() {
                        text.push('\t');
                        field_edges.push((g.x, g.right()));
                    }
                } else if gap > 0.25 * g.size
                    && last.is_some_and(|c| c.is_ascii_alphanumeric())
                    && piece.starts_with(|c: char| c.is_ascii_alphanumeric())
                {
                    text.push(' ');
                }
            }
            left = left.min(g.x);
            right = right.max(g.right());
            match field_edges.last_mut() {
                Some(edge) => edge.1 = edge.1.max(g.right()),
                None => field_edges.push((g.x, g.right())),
            }
            for c in piece.chars() {
                text.push(if c.is_control() { ' ' } else { c });
            }
            previous = Some(g);
        } else if !text.is_empty() && !text.ends_with([' ', '\t']) {
            text.push(' ');
        }
    }
    let text = text.trim().to_owned();
    Line {
        text,
        left,
        right,
        center,
        size,
        fields: field_edges,
        aside: false,
    }
}

/// A page number line (`- 3 -`, `-3-`, `第 3 页`, `3/5`, and here a bare `3`, or a number
/// dashed on one side) near the bottom of the page.
fn is_footer(line: &Line, page_height: f32) -> bool {
    let text = line.text.trim();
    let bare = text.trim_matches(|c: char| c.is_whitespace() || "-—–－·".contains(c));
    let bare_number = (1..=4).contains(&bare.len()) && bare.bytes().all(|b| b.is_ascii_digit());
    line.center > page_height * (1.0 - FOOTER_BAND)
        && (bare_number || crate::document::structure::is_page_number(text))
}

/// Joins a table that continues over a page break: the last item of a page and the first of
/// the next (footers aside) are tables whose column boundaries agree. The continuation stays
/// in its page's items as a later part of the table, so its rows are written on its page.
fn join_continued_tables(all: &mut Pages) {
    let not_aside = |i: &Item| !matches!(i, Item::Line(l) if l.aside);
    for p in 1..all.pages.len() {
        let mut flow = all.pages[p - 1]
            .items
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, i)| not_aside(i));
        let (last, overflow) = match (flow.next(), flow.next()) {
            (Some((_, &Item::Table { table, .. })), _) => (table, None),
            // A browser splits a row over the page break and lets the cell's text run below
            // the grid: a short line just under the table, inside its width.
            (Some((index, Item::Line(line))), Some((_, &Item::Table { table, .. })))
                if overflows(&all.tables[table], line) =>
            {
                (table, Some(index))
            }
            _ => continue,
        };
        let Some(first) = all.pages[p].items.iter().position(not_aside) else {
            continue;
        };
        let Item::Table {
            table: next,
            part: 0,
        } = all.pages[p].items[first]
        else {
            continue;
        };
        let Some(columns) = union_columns(&all.tables[last].xs, &all.tables[next].xs) else {
            continue;
        };
        if let Some(index) = overflow {
            if let Item::Line(line) = &mut all.pages[p - 1].items[index] {
                line.aside = true;
                absorb_overflow(&mut all.tables[last], line);
            }
        }
        let continuation = std::mem::replace(
            &mut all.tables[next],
            TableBuild {
                xs: Vec::new(),
                rows: 0,
                cells: Vec::new(),
                parts: Vec::new(),
                bottom: 0.0,
            },
        );
        append_continuation(&mut all.tables[last], continuation, &columns);
        let part = all.tables[last].parts.len() - 1;
        all.pages[p].items[first] = Item::Table { table: last, part };
    }
}

/// Whether a line right under a table, within its width, is text overflowing a cell.
fn overflows(table: &TableBuild, line: &Line) -> bool {
    let (Some(&left), Some(&right)) = (table.xs.first(), table.xs.last()) else {
        return false;
    };
    !line.is_fielded()
        && line.center > table.bottom
        && line.center - table.bottom < 2.0 * line.size
        && line.left >= left
        && line.right <= right
}

/// Appends an overflowing line to the cell of the table's last row above it.
fn absorb_overflow(table: &mut TableBuild, line: &Line) {
    let bottom = table.rows;
    let xs = &table.xs;
    if let Some(cell) = table.cells.iter_mut().find(|c| {
        c.row + c.rowspan == bottom
            && xs[c.col] <= line.left + 1.0
            && line.left < xs[c.col + c.colspan]
    }) {
        push_joined(&mut cell.text, &line.text);
    }
}

/// Removes rows in which no cell starts (every position is covered by a cell from above),
/// shortening the covering cells: they carry no text of their own.
fn drop_covered_rows(table: &mut TableBuild) {
    let mut row = 0;
    while row < table.rows {
        if table.cells.iter().any(|c| c.row == row) {
            row += 1;
            continue;
        }
        for c in &mut table.cells {
            if c.row > row {
                c.row -= 1;
            } else if c.row + c.rowspan > row {
                c.rowspan -= 1;
            }
        }
        for start in &mut table.parts {
            if *start > row {
                *start -= 1;
            }
        }
        table.rows -= 1;
    }
}

/// The column boundaries of a table and its continuation together, when the two have the same
/// outer edges and share most inner boundaries (a continuation may subdivide columns the part
/// above spans, or the other way round).
fn union_columns(previous: &[f32], next: &[f32]) -> Option<Vec<f32>> {
    let same = |a: f32, b: f32| (a - b).abs() < SAME_COLUMN;
    // The right edges agree; the continuation may lack leading columns whose merged cells
    // simply go on (a browser does not redraw a split row-spanning cell's left border).
    let left = *next.first()?;
    if !same(*previous.last()?, *next.last()?) || !previous.iter().any(|p| same(*p, left)) {
        return None;
    }
    let shared = next
        .iter()
        .filter(|x| previous.iter().any(|p| same(*p, **x)))
        .count();
    if shared * 2 < previous.len().min(next.len()) {
        return None;
    }
    let mut union: Vec<f32> = previous.to_vec();
    for &x in next {
        if !previous.iter().any(|p| same(*p, x)) {
            union.push(x);
        }
    }
    union.sort_by(f32::total_cmp);
    Some(union)
}

/// Re-expresses a table's cells over finer column boundaries.
fn remap_columns(cells: &mut [CellBuild], xs: &[f32], union: &[f32]) {
    let index = |x: f32| {
        union
            .iter()
            .position(|u| (u - x).abs() < SAME_COLUMN)
            .unwrap_or(0)
    };
    for c in cells {
        let start = index(xs[c.col]);
        let end = index(xs[c.col + c.colspan]);
        c.col = start;
        c.colspan = end.saturating_sub(start).max(1);
    }
}

fn append_continuation(table: &mut TableBuild, next: TableBuild, union: &[f32]) {
    remap_columns(&mut table.cells, &table.xs, union);
    table.xs = union.to_vec();
    let mut cells = next.cells;
    remap_columns(&mut cells, &next.xs, union);
    let lead = union
        .iter()
        .position(|u| (u - next.xs[0]).abs() < SAME_COLUMN)
        .unwrap_or(0);
    let mut rows = next.rows;
    let dropped = repeated_header_rows(&table.cells, table.rows, &cells, rows);
    if dropped > 0 {
        cells.retain(|c| c.row >= dropped);
        for c in &mut cells {
            c.row -= dropped;
        }
        rows -= dropped;
    }
    let bottom = table.rows;
    // Columns the continuation does not draw: the cells above reaching the last row go on.
    for cell in &mut table.cells {
        if cell.row + cell.rowspan == bottom && cell.col + cell.colspan <= lead {
            cell.rowspan += rows;
        }
    }
    if is_split_row(&table.cells, bottom, &cells) {
        merge_split_row(&mut table.cells, bottom, &mut cells);
    }
    // A merged label cell cut by the page break: the continuation's first-row cell is empty
    // under a label cell that reaches the table's last row.
    cells.retain(|c| {
        if c.row != 0 || !c.text.is_empty() {
            return true;
        }
        let above = table.cells.iter_mut().find(|a| {
            a.col == c.col
                && a.colspan == c.colspan
                && a.row + a.rowspan == bottom
                && !a.text.is_empty()
                && !is_number(&a.text)
        });
        match above {
            Some(a) => {
                a.rowspan += c.rowspan;
                false
            }
            None => true,
        }
    });
    for c in &mut cells {
        c.row += bottom;
    }
    table.parts.push(bottom);
    table.rows += rows;
    table.bottom = next.bottom;
    table.cells.extend(cells);
    table.cells.sort_by_key(|c| (c.row, c.col));
}

/// The cell of the table's last row (ending at row `bottom`) right above a continuation cell.
fn cell_above(table: &[CellBuild], bottom: usize, below: &CellBuild) -> Option<usize> {
    table.iter().position(|a| {
        a.col == below.col && a.colspan == below.colspan && a.row + a.rowspan == bottom
    })
}

/// Whether the continuation's first row is the rest of the table's last row, split by the page
/// break (LibreOffice and browsers let a row break across pages, both halves framed): every
/// cell of it stands under a cell of the last row, none is a number, and its text goes on the
/// text of the cell above: it starts no numbered item of its own, and the text above is a
/// numbered item (`4.保护第三方合法权` / `益`) or its last line was wrapped at the cell's edge.
/// A complete row with blank values (`4.无正当理由大量反复申请` under `3.要求提供公开出版物`)
/// stays a row: its label starts an item.
fn is_split_row(table: &[CellBuild], bottom: usize, next: &[CellBuild]) -> bool {
    let first: Vec<&CellBuild> = next.iter().filter(|c| c.row == 0).collect();
    !first.is_empty()
        && first.iter().any(|c| !c.text.is_empty())
        && first.iter().all(|c| {
            !is_number(&c.text)
                && cell_above(table, bottom, c).is_some_and(|a| {
                    let above = &table[a];
                    c.text.is_empty()
                        || (looks_like_heading(&c.text).is_none()
                            && !above.text.is_empty()
                            && !is_number(&above.text)
                            && (above.runs_to_edge || looks_like_heading(&above.text).is_some()))
                })
        })
}

/// Moves the continuation's first-row cells into the cells above them (text appended, spans
/// extended); the emptied row is removed later by [`drop_covered_rows`].
fn merge_split_row(table: &mut [CellBuild], bottom: usize, next: &mut Vec<CellBuild>) {
    next.retain(|c| {
        if c.row != 0 {
            return true;
        }
        match cell_above(table, bottom, c) {
            Some(a) => {
                push_joined(&mut table[a].text, &c.text);
                table[a].rowspan += c.rowspan;
                false
            }
            None => true,
        }
    });
}

/// How many leading rows of a continuation repeat the table's header: the most rows `k` such
/// that the continuation's cells above row `k` are the table's cells above row `k` (same
/// places, spans and texts, none a number) and none of them reaches below row `k`. A header
/// of several rows under merged cells (LibreOffice repeats the whole block) is dropped whole.
fn repeated_header_rows(
    table: &[CellBuild],
    table_rows: usize,
    next: &[CellBuild],
    next_rows: usize,
) -> usize {
    (1..=table_rows.min(next_rows))
        .rev()
        .find(|&k| header_block(next, k).is_some_and(|b| Some(b) == header_block(table, k)))
        .unwrap_or(0)
}

/// A cell of a header block: row, column, spans and text without whitespace.
type HeaderCell = (usize, usize, usize, usize, String);

/// The cells above row `k`, sorted, when they form a header block: none reaches below `k` and
/// none is a number.
fn header_block(cells: &[CellBuild], k: usize) -> Option<Vec<HeaderCell>> {
    let above = || cells.iter().filter(|c| c.row < k);
    if !above().all(|c| c.row + c.rowspan <= k) || above().any(|c| is_number(&c.text)) {
        return None;
    }
    let mut out: Vec<HeaderCell> = above()
        .map(|c| (c.row, c.col, c.rowspan, c.colspan, squeezed(&c.text)))
        .collect();
    out.sort();
    (!out.is_empty()).then_some(out)
}

/// Text without whitespace (a repeated header may break its lines elsewhere).
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_number(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '%'))
}

/// A line written into the text: its offset and geometry.
#[derive(Debug)]
struct Written<'a> {
    start: usize,
    line: &'a Line,
}

/// Writes the text and builds the blocks.
fn emit(all: &Pages) -> Assembled {
    let mut out = Assembled::default();
    // Prose lines waiting to become paragraphs or a rule-less table (cleared at each table).
    let mut pending: Vec<Written<'_>> = Vec::new();
    let mut pending_margins: Vec<Column> = Vec::new();
    // Rows written so far of tables whose last part is still to come.
    let mut open_rows: Vec<Vec<RawRow>> = vec![Vec::new(); all.tables.len()];
    for page in &all.pages {
        let _ = writeln!(out.text, "—— 第 {} 页 ——", page.number);
        let margins = text_column(&page.items);
        for item in &page.items {
            match *item {
                Item::Line(ref line) => {
                    let start = out.text.len();
                    out.text.push_str(&line.text);
                    out.text.push('\n');
                    if !line.aside {
                        pending.push(Written { start, line });
                        pending_margins.push(margins);
                    }
                }
                Item::Table { table, part } => {
                    flush(&mut out.blocks, &pending, &pending_margins);
                    pending.clear();
                    pending_margins.clear();
                    let build = &all.tables[table];
                    let rows = &mut open_rows[table];
                    write_rows(&mut out.text, build, part, rows);
                    if part + 1 == build.parts.len() {
                        let rows = std::mem::take(rows);
                        out.blocks.push(RawBlock::Table(RawTable {
                            span: rows
                                .first()
                                .zip(rows.last())
                                .map(|(a, b)| a.span.cover(b.span))
                                .unwrap_or_default(),
                            rows,
                            kind: TableKind::Markup,
                        }));
                    }
                }
            }
        }
    }
    flush(&mut out.blocks, &pending, &pending_margins);
    out
}

/// The text column of a page: left and right edges and the body font size.
#[derive(Clone, Copy, Debug)]
struct Column {
    left: f32,
    right: f32,
    body_size: f32,
}

/// The page's text column, from its prose lines: the edges that several lines reach (a wide
/// title or a stray line does not move them) and the most common font size.
fn text_column(items: &[Item]) -> Column {
    let lines: Vec<&Line> = items
        .iter()
        .filter_map(|i| match i {
            Item::Line(l) if !l.aside && !l.is_fielded() && l.text.chars().count() >= 8 => Some(l),
            _ => None,
        })
        .collect();
    let mut sizes: Vec<f32> = lines.iter().map(|l| (l.size * 2.0).round() / 2.0).collect();
    sizes.sort_by(f32::total_cmp);
    let body_size = mode(&sizes).unwrap_or(12.0);
    let needed = (lines.len() / 4).clamp(1, 3);
    let mut rights: Vec<f32> = lines.iter().map(|l| l.right).collect();
    rights.sort_by(|a, b| b.total_cmp(a));
    let right = rights
        .iter()
        .copied()
        .find(|&r| rights.iter().filter(|&&x| (x - r).abs() < 3.0).count() >= needed)
        .unwrap_or(f32::MAX);
    let mut lefts: Vec<f32> = lines.iter().map(|l| l.left).collect();
    lefts.sort_by(f32::total_cmp);
    let left = lefts
        .iter()
        .copied()
        .find(|&v| lefts.iter().filter(|&&x| (x - v).abs() < 3.0).count() >= needed)
        .unwrap_or(f32::MIN);
    Column {
        left,
        right,
        body_size,
    }
}

/// The most frequent value of a sorted list.
fn mode(sorted: &[f32]) -> Option<f32> {
    let mut best = (0, *sorted.first()?);
    let mut i = 0;
    while i < sorted.len() {
        let run = sorted[i..].iter().take_while(|&&v| v == sorted[i]).count();
        if run > best.0 {
            best = (run, sorted[i]);
        }
        i += run;
    }
    Some(best.1)
}

/// Writes the rows of one part of a table, one line per row, cells separated by tabs.
fn write_rows(text: &mut String, table: &TableBuild, part: usize, rows: &mut Vec<RawRow>) {
    let first = table.parts[part];
    let end = table.parts.get(part + 1).copied().unwrap_or(table.rows);
    let mut next = table.cells.partition_point(|c| c.row < first);
    for row in first..end {
        let start = text.len();
        let mut cells = Vec::new();
        while next < table.cells.len() && table.cells[next].row == row {
            let cell = &table.cells[next];
            if !cells.is_empty() {
                text.push('\t');
            }
            let cell_start = text.len();
            text.push_str(&cell.text);
            cells.push(RawCell {
                text: cell.text.clone(),
                span: Span::new(cell_start, text.len()),
                colspan: u16::try_from(cell.colspan).unwrap_or(u16::MAX),
                rowspan: u16::try_from(cell.rowspan).unwrap_or(u16::MAX),
            });
            next += 1;
        }
        rows.push(RawRow {
            span: Span::new(start, text.len()),
            cells,
        });
        text.push('\n');
    }
}

/// Turns pending lines into paragraphs and rule-less tables.
fn flush(blocks: &mut Vec<RawBlock>, lines: &[Written<'_>], margins: &[Column]) {
    let mut i = 0;
    while i < lines.len() {
        if lines[i].line.is_fielded() {
            let end = lines[i..]
                .iter()
                .position(|w| !w.line.is_fielded())
                .map_or(lines.len(), |n| i + n);
            let run = &lines[i..end];
            if run
                .iter()
                .any(|w| w.line.text.split('\t').skip(1).any(is_number))
            {
                blocks.push(RawBlock::Table(fielded_table(run)));
            } else {
                for w in run {
                    blocks.push(RawBlock::Paragraph(MappedText::verbatim(
                        &w.line.text,
                        w.start,
                    )));
                }
            }
            i = end;
            continue;
        }
        let mut paragraph = MappedText::verbatim(&lines[i].line.text, lines[i].start);
        let mut previous = i;
        i += 1;
        while i < lines.len()
            && continues(&lines[previous], margins[previous], &lines[i], margins[i])
        {
            paragraph.push_verbatim(&lines[i].line.text, lines[i].start);
            previous = i;
            i += 1;
        }
        blocks.push(RawBlock::Paragraph(paragraph));
    }
}

/// Whether `line` continues the paragraph of `previous`: the previous line reached the right
/// margin (it was hard-wrapped), the line is not indented, the line is no heading and the
/// previous line is no heading standing alone. Lines of a
/// title (larger than the body text, same size, close together) join too.
fn continues(previous: &Written<'_>, before: Column, line: &Written<'_>, column: Column) -> bool {
    let (p, l) = (previous.line, line.line);
    // A heading stands alone, unless its text runs on after the title (`（一）主动公开情况。主要
    // 通过…` wrapped at the margin): then it is the first line of a paragraph.
    let heading_alone = looks_like_heading(&p.text).is_some_and(|h| h.range.1 + 3 >= p.text.len());
    if l.is_fielded() || heading_alone || looks_like_heading(&l.text).is_some() {
        return false;
    }
    let size = p.size.max(l.size).max(1.0);
    let next_below = l.center > p.center && l.center - p.center < 2.0 * size;
    if p.size > 1.2 * before.body_size && (p.size - l.size).abs() < 0.5 && next_below {
        return true;
    }
    let reached_margin = p.right >= before.right - 2.5 * size;
    let indented = l.left > column.left + 0.8 * size;
    // Generous: HTML converted by office suites uses line heights near 3 font sizes.
    let close = l.center - p.center < 4.0 * size;
    let new_page = l.center < p.center;
    reached_margin && !indented && (close || new_page)
}

/// A table drawn without rules, from its lines' fields and their x positions: the value
/// columns are where the numbers of the data rows stand (overlapping extents merged); each
/// field goes to the columns it overlaps (a heading over several columns spans them), fields
/// left of every value column form the label, and a column without a field is a blank cell.
fn fielded_table(lines: &[Written<'_>]) -> RawTable {
    let mut extents: Vec<(f32, f32)> = lines
        .iter()
        .flat_map(|w| {
            w.line
                .text
                .split('\t')
                .zip(&w.line.fields)
                .filter(|(text, _)| is_number(text))
                .map(|(_, &edge)| edge)
        })
        .collect();
    extents.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut columns: Vec<(f32, f32)> = Vec::new();
    for (left, right) in extents {
        match columns.last_mut() {
            Some(last) if left <= last.1 + 1.0 => last.1 = last.1.max(right),
            _ => columns.push((left, right)),
        }
    }
    let overlaps = |(l, r): (f32, f32), (cl, cr): (f32, f32)| l < cr + 1.0 && r > cl - 1.0;
    let rows: Vec<RawRow> = lines
        .iter()
        .map(|w| {
            let end = w.start + w.line.text.len();
            let mut cells: Vec<RawCell> = Vec::new();
            let mut label: Option<RawCell> = None;
            let mut next_column = 0;
            let mut offset = w.start;
            for (text, &edge) in w.line.text.split('\t').zip(&w.line.fields) {
                let span = Span::new(offset, offset + text.len());
                offset += text.len() + 1;
                let first = columns.iter().position(|&c| overlaps(edge, c));
                let Some(first) = first.filter(|&f| f >= next_column) else {
                    if cells.is_empty() {
                        // Left of the value columns: part of the label.
                        match label.as_mut() {
                            Some(l) => {
                                l.text.push_str(text);
                                l.span = l.span.cover(span);
                            }
                            None => label = Some(RawCell::new(text, span)),
                        }
                    }
                    continue;
                };
                let last = columns
                    .iter()
                    .rposition(|&c| overlaps(edge, c))
                    .unwrap_or(first);
                for _ in next_column..first {
                    cells.push(RawCell::new(
                        "",
                        Span::new(span.start as usize, span.start as usize),
                    ));
                }
                let mut cell = RawCell::new(text, span);
                cell.colspan = u16::try_from(last - first + 1).unwrap_or(1);
                cells.push(cell);
                next_column = last + 1;
            }
            for _ in next_column..columns.len() {
                cells.push(RawCell::new("", Span::new(end, end)));
            }
            let label = label.unwrap_or_else(|| RawCell::new("", Span::new(w.start, w.start)));
            cells.insert(0, label);
            RawRow {
                span: Span::new(w.start, end),
                cells,
            }
        })
        .collect();
    RawTable::from_rows(rows, TableKind::Markup)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, left: f32, right: f32, center: f32) -> Line {
        Line {
            text: text.to_owned(),
            left,
            right,
            center,
            size: 12.0,
            fields: Vec::new(),
            aside: false,
        }
    }

    #[test]
    fn page_numbers_near_the_bottom_are_footers() {
        for text in [
            "- 3 -",
            "-3-",
            "— 12 —",
            "3",
            "第 3 页",
            "第3页 共5页",
            "3/5",
        ] {
            assert!(is_footer(&line(text, 280.0, 300.0, 800.0), 842.0), "{text}");
        }
        // Not at the bottom, or not only a page number.
        assert!(!is_footer(&line("- 3 -", 280.0, 300.0, 400.0), 842.0));
        assert!(!is_footer(&line("2023年", 280.0, 300.0, 800.0), 842.0));
        assert!(!is_footer(&line("第3页内容", 280.0, 300.0, 800.0), 842.0));
    }

    fn cell(row: usize, col: usize, rowspan: usize, text: &str) -> CellBuild {
        CellBuild {
            row,
            col,
            rowspan,
            colspan: 1,
            text: text.to_owned(),
            runs_to_edge: false,
        }
    }

    fn texts(table: &TableBuild) -> Vec<(usize, usize, usize, &str)> {
        table
            .cells
            .iter()
            .map(|c| (c.row, c.col, c.rowspan, c.text.as_str()))
            .collect()
    }

    #[test]
    fn a_continuation_drops_its_repeated_header_and_extends_the_cut_label() {
        // Page 1: header row, then a label cell spanning to the page bottom.
        let mut table = TableBuild {
            xs: vec![0.0, 50.0, 100.0],
            rows: 3,
            cells: vec![
                cell(0, 0, 1, "项目"),
                cell(0, 1, 1, "数量"),
                cell(1, 0, 2, "（四）无法提供"),
                cell(1, 1, 1, "1"),
                cell(2, 1, 1, "2"),
            ],
            parts: vec![0],
            bottom: 800.0,
        };
        // Page 2: the header again, then an empty cell under the cut label.
        let next = TableBuild {
            xs: vec![0.5, 50.5, 100.0],
            rows: 2,
            cells: vec![
                cell(0, 0, 1, "项目"),
                cell(0, 1, 1, "数量"),
                cell(1, 0, 1, ""),
                cell(1, 1, 1, "3"),
            ],
            parts: vec![0],
            bottom: 100.0,
        };
        let union = union_columns(&table.xs, &next.xs).expect("same columns");
        append_continuation(&mut table, next, &union);
        assert_eq!(table.rows, 4);
        assert_eq!(table.parts, [0, 3]);
        assert_eq!(
            texts(&table),
            [
                (0, 0, 1, "项目"),
                (0, 1, 1, "数量"),
                (1, 0, 3, "（四）无法提供"),
                (1, 1, 1, "1"),
                (2, 1, 1, "2"),
                (3, 1, 1, "3"),
            ]
        );
    }

    #[test]
    fn tables_with_other_right_edges_are_not_joined() {
        assert!(union_columns(&[0.0, 50.0, 100.0], &[0.0, 50.0, 140.0]).is_none());
        // A continuation that subdivides a column joins, over the finer boundaries.
        assert_eq!(
            union_columns(&[0.0, 50.0, 100.0], &[0.0, 20.0, 50.0, 100.0]),
            Some(vec![0.0, 20.0, 50.0, 100.0])
        );
    }

    fn glyph_page(glyphs: &[(f32, f32, &str)]) -> Page {
        let mut page = Page::default();
        for &(x, y, text) in glyphs {
            let start = u32::try_from(page.text.len()).expect("short");
            page.text.push_str(text);
            page.glyphs.push(Glyph {
                x,
                y,
                width: if text.is_ascii() { 5.0 } else { 10.0 },
                size: 10.0,
                text_start: start,
                text_len: u16::try_from(text.len()).expect("short"),
            });
        }
        page
    }

    fn read_cell(glyphs: &[(f32, f32, &str)]) -> String {
        let page = glyph_page(glyphs);
        let refs: Vec<&Glyph> = page.glyphs.iter().collect();
        cell_text(&page, &refs, 1000.0).0
    }

    /// Characters stacked one font size apart at `x`, from `top` down.
    fn column(x: f32, top: f32, text: &str) -> Vec<(f32, f32, &str)> {
        let mut y = top;
        text.char_indices()
            .map(|(i, c)| {
                y += 10.0;
                (x, y, &text[i..i + c.len_utf8()])
            })
            .collect()
    }

    #[test]
    fn vertical_cell_text_reads_its_columns_right_to_left() {
        // LibreOffice's `tbRl` cell: upright glyphs in two columns 14 pt apart, the left
        // column half a glyph lower, so reading by rows would interleave them.
        let mut glyphs = column(150.0, 0.0, "三、本年");
        glyphs.extend(column(136.0, -4.5, "度办理结果"));
        assert_eq!(read_cell(&glyphs), "三、本年度办理结果");
        // WPS's Identity-V: one column, read top to bottom as before.
        assert_eq!(read_cell(&column(150.0, 0.0, "三、本年度")), "三、本年度");
    }

    #[test]
    fn horizontal_cell_text_is_not_taken_for_vertical() {
        // Two lines of a wrapped label: glyphs side by side (10 apart), lines 14 apart.
        let line = |y: f32, text: &'static str| -> Vec<(f32, f32, &'static str)> {
            text.char_indices()
                .map(|(i, c)| (100.0 + 10.0 * i as f32 / 3.0, y, &text[i..i + c.len_utf8()]))
                .collect()
        };
        let mut glyphs = line(10.0, "保护第三方");
        glyphs.extend(line(24.0, "合法权益"));
        assert_eq!(read_cell(&glyphs), "保护第三方合法权益");
        // Lines set tight (one font size apart) are still lines: side by side is as close.
        let mut tight = line(10.0, "保护第三方");
        tight.extend(line(20.0, "合法权益"));
        assert_eq!(read_cell(&tight), "保护第三方合法权益");
        // A bold label drawn twice at one place, and a space after a bracket.
        let mut bold = line(10.0, "项目");
        bold.extend(line(10.0, "项目"));
        assert_eq!(read_cell(&bold), "项目");
        assert_eq!(
            read_cell(&[
                (100.0, 10.0, "("),
                (105.0, 10.0, "一"),
                (115.0, 10.0, ")"),
                (120.0, 10.0, " "),
                (123.0, 10.0, "予")
            ]),
            "(一) 予"
        );
    }

    #[test]
    fn a_repeated_header_of_several_rows_under_merged_cells_is_dropped_whole() {
        // A header block of two rows: a label cell spanning both, a group over two columns.
        let header = vec![
            CellBuild {
                rowspan: 2,
                ..cell(0, 0, 2, "项目")
            },
            CellBuild {
                colspan: 2,
                ..cell(0, 1, 1, "申请人情况")
            },
            cell(1, 1, 1, "自然人"),
            cell(1, 2, 1, "法人"),
        ];
        let mut table = header.clone();
        table.extend([
            cell(2, 0, 1, "1.甲"),
            cell(2, 1, 1, "1"),
            cell(2, 2, 1, "2"),
        ]);
        let mut next = header;
        next.extend([
            cell(2, 0, 1, "2.乙"),
            cell(2, 1, 1, "3"),
            cell(2, 2, 1, "4"),
        ]);
        assert_eq!(repeated_header_rows(&table, 3, &next, 3), 2);
        // No header on the continuation: nothing dropped.
        let bare = vec![
            cell(0, 0, 1, "2.乙"),
            cell(0, 1, 1, "3"),
            cell(0, 2, 1, "4"),
        ];
        assert_eq!(repeated_header_rows(&table, 3, &bare, 1), 0);
    }

    #[test]
    fn a_row_split_by_the_page_break_is_merged_back() {
        let mut table = TableBuild {
            xs: vec![0.0, 50.0, 100.0],
            rows: 2,
            cells: vec![
                cell(0, 0, 1, "3.危及“三安全一稳定”"),
                cell(0, 1, 1, "1"),
                cell(1, 0, 1, "4.保护第三方合法权"),
                cell(1, 1, 1, "0"),
            ],
            parts: vec![0],
            bottom: 800.0,
        };
        let next = TableBuild {
            xs: vec![0.0, 50.0, 100.0],
            rows: 2,
            cells: vec![
                cell(0, 0, 1, "益"),
                cell(0, 1, 1, ""),
                cell(1, 0, 1, "5.属于三类内部事务信息"),
                cell(1, 1, 1, "8"),
            ],
            parts: vec![0],
            bottom: 100.0,
        };
        let union = union_columns(&table.xs, &next.xs).expect("same columns");
        append_continuation(&mut table, next, &union);
        drop_covered_rows(&mut table);
        assert_eq!(
            texts(&table),
            [
                (0, 0, 1, "3.危及“三安全一稳定”"),
                (0, 1, 1, "1"),
                (1, 0, 1, "4.保护第三方合法权益"),
                (1, 1, 1, "0"),
                (2, 0, 1, "5.属于三类内部事务信息"),
                (2, 1, 1, "8"),
            ]
        );
    }

    #[test]
    fn a_whole_row_with_blank_values_after_the_page_break_stays_a_row() {
        let table = vec![cell(0, 0, 1, "3.要求提供公开出版物"), cell(0, 1, 1, "")];
        let next = vec![cell(0, 0, 1, "4.无正当理由大量反复申请"), cell(0, 1, 1, "")];
        assert!(!is_split_row(&table, 1, &next));
        // The rest of a wrapped item label does go on it.
        let rest = vec![cell(0, 0, 1, "量反复申请"), cell(0, 1, 1, "")];
        let cut = vec![cell(0, 0, 1, "4.无正当理由大"), cell(0, 1, 1, "")];
        assert!(is_split_row(&cut, 1, &rest));
        // Values are never the rest of a row.
        let values = vec![cell(0, 0, 1, ""), cell(0, 1, 1, "3")];
        assert!(!is_split_row(&cut, 1, &values));
    }

    #[test]
    fn rows_where_no_cell_starts_are_removed() {
        let mut table = TableBuild {
            xs: vec![0.0, 50.0],
            rows: 3,
            cells: vec![cell(0, 0, 2, "甲"), cell(2, 0, 1, "乙")],
            parts: vec![0],
            bottom: 0.0,
        };
        drop_covered_rows(&mut table);
        assert_eq!(table.rows, 2);
        assert_eq!(texts(&table), [(0, 0, 1, "甲"), (1, 0, 1, "乙")]);
    }
}
