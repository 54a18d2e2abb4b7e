//! Renders a parsed document's tables back into each text layout the text reader accepts, for
//! the layout-invariance test: whatever the layout, the re-read tables must have the same row
//! labels and values.

use regulint::document::{Document, Row, RowKind, Table};
use unicode_width::UnicodeWidthStr;

/// The text layouts of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Cells separated by tabs.
    Tabs,
    /// Cells in columns separated by runs of spaces (`pdftotext -layout`).
    Spaces,
    /// As `Spaces`, with every header cell split over two lines (`商业` / `企业`).
    SpacesSplitHeaders,
    /// Markdown pipe rows `| a | b |` with a `|---|` line under the header.
    Pipes,
    /// Pipe rows without the leading and trailing `|`: `a | b`.
    BarePipes,
    /// One cell per line, `|` lines between cells (an empty line is an empty cell).
    CellLinesBars,
    /// One cell per line, blank lines between cells (empty cells cannot be written).
    CellLinesBlank,
    /// One cell per line, each written `x |` (a bare `|` is an empty cell).
    CellLinesTrailingBar,
}

impl Layout {
    pub const ALL: [Self; 8] = [
        Self::Tabs,
        Self::Spaces,
        Self::SpacesSplitHeaders,
        Self::Pipes,
        Self::BarePipes,
        Self::CellLinesBars,
        Self::CellLinesBlank,
        Self::CellLinesTrailingBar,
    ];

    /// The fewest values a table must have to be recognised in this layout: cells separated
    /// by blank lines only look like short paragraphs, so the reader wants six values.
    pub fn min_values(self) -> usize {
        if self == Self::CellLinesBlank { 6 } else { 0 }
    }

    /// Whether the layout can write an empty cell (so blank values survive).
    pub fn keeps_blanks(self) -> bool {
        !matches!(self, Self::CellLinesBlank)
    }
}

/// One band of a table as plain strings: caption, leaf headings, rows (label, values).
struct Band {
    caption: Option<String>,
    headers: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

fn bands(table: &Table) -> Vec<Band> {
    table
        .bands
        .iter()
        .map(|band| Band {
            caption: band.caption.clone(),
            headers: band.columns.iter().map(|c| c.label.clone()).collect(),
            rows: band
                .rows
                .iter()
                .map(|&r| &table.rows[r])
                .filter(|r| r.kind == RowKind::Data)
                .map(|r| (r.label.clone(), row_cells(r)))
                .collect(),
        })
        .collect()
}

/// A row's values by column when the layout aligned them, else as written; trailing blanks
/// dropped.
pub fn row_values(row: &Row) -> Vec<String> {
    let mut values = row_cells(row);
    while values.last().is_some_and(String::is_empty) {
        values.pop();
    }
    values
}

/// A row's value cells by column when the layout aligned every value, else as written (a
/// header that does not describe the columns leaves values unaligned or stray).
fn row_cells(row: &Row) -> Vec<String> {
    let every_value_aligned = row
        .values
        .iter()
        .filter(|&&i| !row.cells[i].value.is_blank() && !row.cells[i].merged)
        .all(|i| row.aligned.contains(&Some(*i)));
    if !row.malformed && every_value_aligned && row.aligned.iter().any(Option::is_some) {
        row.aligned
            .iter()
            .map(|c| c.map_or_else(String::new, |i| row.cells[i].text.to_string()))
            .collect()
    } else {
        row.values
            .iter()
            .filter(|&&i| !row.cells[i].merged)
            .map(|&i| row.cells[i].text.to_string())
            .collect()
    }
}

/// Renders every table of `document` in `layout`, with a sentence between tables.
pub fn render(document: &Document, layout: Layout) -> String {
    let mut out = String::new();
    for (t, table) in document.tables.iter().enumerate() {
        out.push_str(&format!("以下为第{}张表。\n\n", t + 1));
        for band in bands(table) {
            render_band(&mut out, &band, layout);
        }
        out.push('\n');
    }
    out
}

fn render_band(out: &mut String, band: &Band, layout: Layout) {
    let has_labels = band.rows.iter().any(|(l, _)| !l.is_empty());
    let width = band
        .rows
        .iter()
        .map(|(_, v)| v.len())
        .chain([band.headers.len()])
        .max()
        .unwrap_or(0);
    let mut header: Vec<String> = band.headers.clone();
    // Value columns right of the headings get empty headings.
    header.resize(width, String::new());
    let grid_rows: Vec<Vec<String>> = band
        .rows
        .iter()
        .map(|(label, values)| {
            let mut cells = Vec::new();
            if has_labels {
                cells.push(label.clone());
            }
            cells.extend(values.iter().cloned());
            cells
        })
        .collect();
    let header_cells: Vec<String> = if has_labels {
        std::iter::once(String::new())
            .chain(header.iter().cloned())
            .collect()
    } else {
        header.clone()
    };
    let has_header = band.headers.iter().any(|h| !h.is_empty());
    match layout {
        Layout::Tabs => {
            if let Some(c) = &band.caption {
                out.push_str(&format!("{c}\n"));
            }
            if has_header {
                out.push_str(&format!("{}\n", header_cells.join("\t")));
            }
            for row in &grid_rows {
                out.push_str(&format!("{}\n", row.join("\t")));
            }
        }
        Layout::Pipes | Layout::BarePipes => {
            let bare = layout == Layout::BarePipes;
            let line = |cells: &[String]| {
                if bare {
                    format!("{}\n", cells.join(" | "))
                } else {
                    format!("| {} |\n", cells.join(" | "))
                }
            };
            if let Some(c) = &band.caption {
                out.push_str(&format!("{c}\n\n"));
            }
            let head = if has_header {
                header_cells.clone()
            } else {
                vec!["项目".to_owned(); header_cells.len().max(2)]
            };
            out.push_str(&line(&head));
            let rule: Vec<String> = head.iter().map(|_| "---".to_owned()).collect();
            out.push_str(&line(&rule));
            for row in &grid_rows {
                let mut row = row.clone();
                if row.len() < head.len() {
                    row.resize(head.len(), String::new());
                }
                out.push_str(&line(&row));
            }
        }
        Layout::Spaces | Layout::SpacesSplitHeaders => {
            let stub = grid_rows
                .iter()
                .filter(|_| has_labels)
                .map(|r| r[0].width())
                .max()
                .unwrap_or(0)
                + 4;
            let column = header
                .iter()
                .map(|h| h.width())
                .chain(
                    band.rows
                        .iter()
                        .flat_map(|(_, v)| v.iter().map(|s| s.width())),
                )
                .max()
                .unwrap_or(1)
                + 4;
            let centred = |text: &str| {
                let pad = column - text.width();
                format!(
                    "{}{}{}",
                    " ".repeat(pad / 2),
                    text,
                    " ".repeat(pad - pad / 2)
                )
            };
            let stub_pad = if has_labels {
                " ".repeat(stub)
            } else {
                String::new()
            };
            if let Some(c) = &band.caption {
                out.push_str(&format!("{}{c}\n\n", " ".repeat(stub / 2)));
            }
            if has_header {
                let lines: Vec<Vec<String>> = if layout == Layout::SpacesSplitHeaders {
                    let halves: Vec<(String, String)> = header
                        .iter()
                        .map(|h| {
                            let chars: Vec<char> = h.chars().collect();
                            let mid = chars.len().div_ceil(2);
                            (chars[..mid].iter().collect(), chars[mid..].iter().collect())
                        })
                        .collect();
                    vec![
                        halves.iter().map(|h| h.0.clone()).collect(),
                        halves.iter().map(|h| h.1.clone()).collect(),
                    ]
                } else {
                    vec![header.clone()]
                };
                for cells in lines {
                    let body: String = cells.iter().map(|c| centred(c)).collect();
                    out.push_str(&format!("{stub_pad}{}\n", body.trim_end()));
                }
                out.push('\n');
            }
            for (label, values) in &band.rows {
                let mut line = String::new();
                if has_labels {
                    line.push_str(label);
                    line.push_str(&" ".repeat(stub - label.width()));
                }
                for v in values {
                    line.push_str(&centred(v));
                }
                out.push_str(&format!("{}\n", line.trim_end()));
            }
        }
        Layout::CellLinesBars | Layout::CellLinesBlank | Layout::CellLinesTrailingBar => {
            let mut cells: Vec<String> = Vec::new();
            if let Some(c) = &band.caption {
                cells.push(c.clone());
            }
            if has_header {
                cells.extend(header_cells.iter().filter(|h| !h.is_empty()).cloned());
            }
            for row in &grid_rows {
                cells.extend(row.iter().cloned());
            }
            for cell in cells {
                match layout {
                    Layout::CellLinesBars => out.push_str(&format!("{cell}\n|\n")),
                    Layout::CellLinesBlank => {
                        if !cell.is_empty() {
                            out.push_str(&format!("{cell}\n\n"));
                        }
                    }
                    _ => out.push_str(&format!("{cell} |\n")),
                }
            }
            // Bands follow each other without a gap, as in a pasted table.
            return;
        }
    }
    out.push('\n');
}
