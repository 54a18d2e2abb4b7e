//! Tables continued after a page break.
//!
//! A report converted from PDF to Word (and some written in Word) cuts a long table at a page
//! break into two tables: the second has no header rows, the same width, and nothing but blank
//! paragraphs before it. Read apart, the second table has no columns and the first loses its
//! last rows. Joining them here, before layout, reads the report as printed whatever the
//! format; cells of a vertical merge that ran over the break (`w:vMerge` continued in the new
//! table, or restarted there as an empty cell spanning rows) extend the merged cell above
//! again, so the group labels of the continued rows (（四）无法提供 …) are kept.
//!
//! Linear in the number of cells: a hostile table cut many times costs no more than one.

use super::model::{RawBlock, RawRow, RawTable, TableKind};
use super::value::parse_quantity;

/// Joins every table that continues the table before it; see the module docs.
#[must_use]
pub fn join(raw: Vec<RawBlock>) -> Vec<RawBlock> {
    let mut out: Vec<RawBlock> = Vec::with_capacity(raw.len());
    // Index in `out` of the last table, while only blank paragraphs follow it.
    let mut open: Option<usize> = None;
    // Blank paragraphs since that table (dropped when the next table continues it).
    let mut blanks = 0;
    for block in raw {
        match block {
            RawBlock::Paragraph(text) => {
                if text.text.trim().is_empty() {
                    blanks += 1;
                } else {
                    open = None;
                }
                out.push(RawBlock::Paragraph(text));
            }
            RawBlock::Table(mut table) => {
                let previous = open.and_then(|i| match &mut out[i] {
                    RawBlock::Table(previous) => Some(previous),
                    RawBlock::Paragraph(_) => None,
                });
                // A header repeated on the new page is the table's own: set it aside first.
                let repeated = previous
                    .as_deref()
                    .map_or(0, |previous| repeated_header(previous, &table));
                let header: Vec<_> = table.rows.drain(..repeated).collect();
                let kept = match previous {
                    Some(previous) if !table.rows.is_empty() => join_if_continued(previous, table),
                    _ => Some(table),
                };
                match kept {
                    None => out.truncate(out.len() - blanks),
                    Some(mut table) => {
                        table.rows.splice(0..0, header);
                        open = Some(out.len());
                        out.push(RawBlock::Table(table));
                    }
                }
                blanks = 0;
            }
        }
    }
    out
}

/// How many rows at the top of `next` repeat the header rows of `table` (rows without a number,
/// the same texts in the same order), when data rows follow them.
fn repeated_header(table: &RawTable, next: &RawTable) -> usize {
    let texts = |row: &RawRow| -> Vec<String> {
        row.cells.iter().map(|c| c.text.trim().to_owned()).collect()
    };
    let is_data = |row: &RawRow| {
        row.cells
            .iter()
            .any(|cell| parse_quantity(cell.text.trim()).is_some())
    };
    let count = next
        .rows
        .iter()
        .zip(&table.rows)
        .take_while(|(a, b)| !is_data(a) && !is_data(b) && texts(a) == texts(b))
        .count();
    if next.rows.get(count).is_some_and(is_data) {
        count
    } else {
        0
    }
}

/// Appends `next` to `table` when it continues it (`None`), else gives it back. Both tables'
/// placements are worked out once, for the test and the join.
fn join_if_continued(table: &mut RawTable, next: RawTable) -> Option<RawTable> {
    let placed = placements(table);
    let next_placed = placements(&next);
    if continues(table, &next, &placed, &next_placed) {
        append(table, next, &placed, &next_placed);
        None
    } else {
        Some(next)
    }
}

/// Whether `next` is the rest of `table`: explicit cells in both (markup or pipe rows, as a
/// page of the same report may be rendered either way), the same grid width, a first row that
/// is labelled data (text, then a number), and every row laid out as a row of `table` is: from its first
/// text on, its cells stand exactly where that row's cells stand (empty cells before the text
/// may continue merged labels). A repeated or new header is not data; a PDF converted to Word
/// may give the rest of a table a grid of its own, with other columns, and such tables are not
/// joined, since their columns cannot be matched without the page positions.
fn continues(
    table: &RawTable,
    next: &RawTable,
    placed: &[Vec<usize>],
    next_placed: &[Vec<usize>],
) -> bool {
    let explicit = |kind| matches!(kind, TableKind::Markup | TableKind::Pipe);
    if !explicit(table.kind) || !explicit(next.kind) || table.rows.is_empty() {
        return false;
    }
    // A data row with its label: text, then a number. Rows of bare numbers are fragments
    // whose labels are elsewhere (a text export's debris), not a table's continuation.
    let first_number = next.rows[0]
        .cells
        .iter()
        .position(|cell| parse_quantity(cell.text.trim()).is_some());
    let has_number = first_number.is_some_and(|at| {
        next.rows[0].cells[..at]
            .iter()
            .any(|cell| !cell.text.trim().is_empty())
    });
    if !has_number || grid_width(table, placed) != grid_width(next, next_placed) {
        return false;
    }
    // Every way a row of `table` ends: its cells from each of its cells on.
    let mut endings = std::collections::HashSet::new();
    for (row, columns) in table.rows.iter().zip(placed) {
        let cells: Vec<(usize, u16)> = columns
            .iter()
            .zip(&row.cells)
            .map(|(&column, cell)| (column, cell.colspan.max(1)))
            .collect();
        let mut hasher = std::hash::DefaultHasher::new();
        for k in (0..cells.len()).rev() {
            std::hash::Hash::hash(&cells[k], &mut hasher);
            endings.insert(std::hash::Hasher::finish(&hasher));
        }
    }
    next.rows.iter().zip(next_placed).all(|(row, columns)| {
        let Some(first_text) = row.cells.iter().position(|c| !c.text.trim().is_empty()) else {
            return true;
        };
        let mut hasher = std::hash::DefaultHasher::new();
        for k in (first_text..row.cells.len()).rev() {
            let cell = (columns[k], row.cells[k].colspan.max(1));
            std::hash::Hash::hash(&cell, &mut hasher);
        }
        endings.contains(&std::hash::Hasher::finish(&hasher))
    })
}

/// The first grid column of every cell, row by row: cells of rows above that reach down into a
/// row (rowspan) take their columns. Linear in the number of cells and columns.
fn placements(table: &RawTable) -> Vec<Vec<usize>> {
    // Rows still covered, per grid column, by a cell from a row above.
    let mut covered: Vec<u16> = Vec::new();
    let mut placed = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let mut columns = Vec::with_capacity(row.cells.len());
        let mut column = 0;
        for cell in &row.cells {
            while covered.get(column).is_some_and(|&rows| rows > 0) {
                column += 1;
            }
            columns.push(column);
            let span = usize::from(cell.colspan.max(1));
            if covered.len() < column + span {
                covered.resize(column + span, 0);
            }
            for rows in &mut covered[column..column + span] {
                *rows = cell.rowspan.max(1);
            }
            column += span;
        }
        for rows in &mut covered {
            *rows = rows.saturating_sub(1);
        }
        placed.push(columns);
    }
    placed
}

/// The number of grid columns: the widest row, counting cells merged down into it.
fn grid_width(table: &RawTable, placed: &[Vec<usize>]) -> usize {
    let mut width = 0;
    for (row, columns) in table.rows.iter().zip(placed) {
        for (cell, &column) in row.cells.iter().zip(columns) {
            width = width.max(column + usize::from(cell.colspan.max(1)));
        }
    }
    width
}

/// Appends `next`'s rows to `table`. Empty cells at the top of `next`, in the label columns
/// (left of the first number), under a label of `table` that reaches its last row continue
/// that label's merge. Value cells never merge: a blank count stays blank.
fn append(
    table: &mut RawTable,
    mut next: RawTable,
    placed: &[Vec<usize>],
    next_placed: &[Vec<usize>],
) {
    let last = table.rows.len();
    let first_value_column = next.rows[0]
        .cells
        .iter()
        .zip(&next_placed[0])
        .find(|(cell, _)| parse_quantity(cell.text.trim()).is_some())
        .map_or(0, |(_, &column)| column);
    // Labels still open at the end of `table`: (row, cell, grid column, first row of `next`
    // not yet covered).
    let mut still_open: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (r, columns) in placed.iter().enumerate() {
        for (c, &column) in columns.iter().enumerate() {
            let cell = &table.rows[r].cells[c];
            if column < first_value_column
                && r + usize::from(cell.rowspan.max(1)) == last
                && !cell.text.trim().is_empty()
                && parse_quantity(cell.text.trim()).is_none()
            {
                still_open.push((r, c, column, 0));
            }
        }
    }
    let mut removed: Vec<(usize, usize)> = Vec::new();
    for (r, row) in next.rows.iter().enumerate() {
        if still_open.is_empty() {
            break;
        }
        still_open.retain_mut(|(origin_row, origin_cell, column, uncovered)| {
            if r < *uncovered {
                return true; // under an empty cell already merged, which spans rows
            }
            let origin = &mut table.rows[*origin_row].cells[*origin_cell];
            // A row's columns ascend: found in log time, so wide hostile tables stay cheap.
            let here = next_placed[r].binary_search(column).ok();
            match here.map(|c| (c, &row.cells[c])) {
                Some((c, cell))
                    if cell.text.trim().is_empty() && cell.colspan == origin.colspan =>
                {
                    removed.push((r, c));
                    origin.rowspan = origin.rowspan.saturating_add(cell.rowspan.max(1));
                    *uncovered = r + usize::from(cell.rowspan.max(1));
                    true
                }
                _ => false,
            }
        });
    }
    removed.sort_unstable();
    for (r, row) in next.rows.iter_mut().enumerate() {
        let mut index = 0;
        row.cells.retain(|_| {
            let keep = removed.binary_search(&(r, index)).is_err();
            index += 1;
            keep
        });
    }
    table.span = table.span.cover(next.span);
    table.rows.append(&mut next.rows);
}

/// A cell for tests.
#[cfg(test)]
fn cell(text: &str, colspan: u16, rowspan: u16) -> super::model::RawCell {
    super::model::RawCell {
        colspan,
        rowspan,
        ..super::model::RawCell::new(text, crate::source::Span::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::mapped::MappedText;
    use crate::document::model::{RawCell, RawRow};

    fn table(rows: Vec<Vec<RawCell>>) -> RawTable {
        RawTable::from_rows(
            rows.into_iter()
                .map(|cells| RawRow {
                    span: crate::source::Span::default(),
                    cells,
                })
                .collect(),
            TableKind::Markup,
        )
    }

    fn texts(table: &RawTable) -> Vec<Vec<(String, u16)>> {
        table
            .rows
            .iter()
            .map(|row| {
                row.cells
                    .iter()
                    .map(|c| (c.text.clone(), c.rowspan))
                    .collect()
            })
            .collect()
    }

    fn blank() -> RawBlock {
        RawBlock::Paragraph(MappedText::default())
    }

    /// Table 3 cut after （四）无法提供 1.: the group cell was merged down over the break.
    fn cut_table() -> (RawTable, RawTable) {
        let first = table(vec![
            vec![cell("", 2, 1), cell("自然人", 1, 1), cell("总计", 1, 1)],
            vec![
                cell("（四）无法提供", 1, 1),
                cell("1.不掌握", 1, 1),
                cell("3", 1, 1),
                cell("3", 1, 1),
            ],
        ]);
        let second = table(vec![
            vec![
                cell("", 1, 1),
                cell("2.另行制作", 1, 1),
                cell("1", 1, 1),
                cell("1", 1, 1),
            ],
            vec![cell("（七）总计", 2, 1), cell("4", 1, 1), cell("4", 1, 1)],
        ]);
        (first, second)
    }

    #[test]
    fn a_headerless_continuation_joins_the_table_above_and_its_merge() {
        let (first, second) = cut_table();
        let joined = join(vec![
            RawBlock::Table(first),
            blank(),
            RawBlock::Table(second),
        ]);
        assert_eq!(joined.len(), 1, "{joined:?}");
        let RawBlock::Table(table) = &joined[0] else {
            panic!("a table")
        };
        assert_eq!(
            texts(table),
            [
                vec![("".into(), 1), ("自然人".into(), 1), ("总计".into(), 1)],
                vec![
                    ("（四）无法提供".into(), 2),
                    ("1.不掌握".into(), 1),
                    ("3".into(), 1),
                    ("3".into(), 1)
                ],
                vec![("2.另行制作".into(), 1), ("1".into(), 1), ("1".into(), 1)],
                vec![("（七）总计".into(), 1), ("4".into(), 1), ("4".into(), 1)],
            ]
        );
    }

    /// A PDF-to-Word converter restarts the merges in the new table: empty cells that span
    /// rows themselves. They extend the label above by as many rows, and the rows under them
    /// keep their columns.
    #[test]
    fn an_empty_merged_cell_continues_the_label_for_all_its_rows() {
        let (first, _) = cut_table();
        let second = table(vec![
            vec![
                cell("", 1, 2),
                cell("2.另行制作", 1, 1),
                cell("1", 1, 1),
                cell("1", 1, 1),
            ],
            vec![cell("3.仍不明确", 1, 1), cell("0", 1, 1), cell("0", 1, 1)],
            vec![cell("（七）总计", 2, 1), cell("4", 1, 1), cell("4", 1, 1)],
        ]);
        let joined = join(vec![RawBlock::Table(first), RawBlock::Table(second)]);
        let RawBlock::Table(table) = &joined[0] else {
            panic!("a table")
        };
        let texts = texts(table);
        assert_eq!(texts[1][0], ("（四）无法提供".into(), 3));
        assert_eq!(texts[2][0], ("2.另行制作".into(), 1));
        assert_eq!(texts[3][0], ("3.仍不明确".into(), 1));
        assert_eq!(
            placements(table)[3],
            [1, 2, 3],
            "under the merge, columns are kept"
        );
    }

    #[test]
    fn a_repeated_header_is_dropped_and_the_rest_joined() {
        let (first, second) = cut_table();
        let mut rows = vec![first.rows[0].clone()];
        rows.extend(second.rows);
        let repeated = RawTable::from_rows(rows, TableKind::Markup);
        let joined = join(vec![RawBlock::Table(first), RawBlock::Table(repeated)]);
        assert_eq!(joined.len(), 1, "{joined:?}");
        let RawBlock::Table(table) = &joined[0] else {
            panic!("a table")
        };
        assert_eq!(table.rows.len(), 4, "one header, three data rows");
    }

    #[test]
    fn tables_apart_stay_apart() {
        // Text between them.
        let (first, second) = cut_table();
        let text = RawBlock::Paragraph(MappedText::verbatim("四、政府信息公开行政复议", 0));
        assert_eq!(
            join(vec![RawBlock::Table(first), text, RawBlock::Table(second)]).len(),
            3
        );
        // A header row first: a new table.
        let (first, _) = cut_table();
        let header = table(vec![vec![
            cell("结果维持", 1, 1),
            cell("结果纠正", 1, 1),
            cell("其他", 1, 1),
            cell("总计", 1, 1),
        ]]);
        assert_eq!(
            join(vec![RawBlock::Table(first), RawBlock::Table(header)]).len(),
            2
        );
        // A header, then a header of another table: not a repetition.
        let (first, _) = cut_table();
        let other = table(vec![
            vec![cell("", 2, 1), cell("法人", 1, 1), cell("总计", 1, 1)],
            vec![
                cell("（五）不予处理", 1, 1),
                cell("1.信访", 1, 1),
                cell("2", 1, 1),
                cell("2", 1, 1),
            ],
        ]);
        assert_eq!(
            join(vec![RawBlock::Table(first), RawBlock::Table(other)]).len(),
            2
        );
        // Another width.
        let (first, _) = cut_table();
        let narrow = table(vec![vec![cell("规章", 1, 1), cell("5", 1, 1)]]);
        assert_eq!(
            join(vec![RawBlock::Table(first), RawBlock::Table(narrow)]).len(),
            2
        );
        // Tab-separated text: its cells say nothing about continuation.
        let (mut first, mut second) = cut_table();
        first.kind = TableKind::TabSeparated;
        second.kind = TableKind::TabSeparated;
        assert_eq!(
            join(vec![RawBlock::Table(first), RawBlock::Table(second)]).len(),
            2
        );
    }
}
