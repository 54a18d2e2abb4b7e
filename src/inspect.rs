//! What the reader understood, for people (`regulint inspect`) and for rule authors' tools
//! (`regulint inspect --format json`): sections, tables with row and column labels, and cell
//! values, each with its line:column.

use crate::document::{Block, CellValue, Document, Loaded, RowKind, Table};
use crate::source::{LineCol, Source};
use serde::Serialize;
use std::fmt::Write as _;

/// The inspect view of a document.
#[derive(Debug, Serialize)]
pub struct View {
    /// File name.
    pub path: String,
    /// Input format.
    pub format: &'static str,
    /// Encoding used.
    pub encoding: &'static str,
    /// Title, if found.
    pub title: Option<TitleView>,
    /// The report year used to choose the pack, if found, and where it was read.
    pub report_year: Option<YearView>,
    /// How a collection identifies the report (agency and year); `None` without an agency.
    pub identity: Option<IdentityView>,
    /// Paragraphs before the first section.
    pub preamble_paragraphs: usize,
    /// Numbered headings.
    pub sections: Vec<SectionView>,
    /// Tables.
    pub tables: Vec<TableView>,
    /// Reader problems.
    pub problems: Vec<ProblemView>,
}

/// A title.
#[derive(Debug, Serialize)]
pub struct TitleView {
    /// Text.
    pub text: String,
    /// Organ.
    pub agency: Option<String>,
    /// Report year.
    pub year: Option<i32>,
    /// Where.
    pub at: LineCol,
}

/// How a collection identifies a report: its agency, normalised for matching, and its year.
/// Two files with the same `key` and `year` are one agency's reports for one year.
#[derive(Debug, Serialize)]
pub struct IdentityView {
    /// The agency as the title writes it.
    pub agency: String,
    /// The administrative division the name begins with (`上海市`): left out when the
    /// collection is that jurisdiction's.
    pub jurisdiction: Option<String>,
    /// The matching key (full/half width and whitespace folded, quotes dropped), within
    /// `jurisdiction`; aliases of a roster or `[collection]` may map it further.
    pub key: String,
    /// The report year.
    pub year: Option<i32>,
}

/// The report year and its source.
#[derive(Debug, Serialize)]
pub struct YearView {
    /// The year.
    pub year: i32,
    /// `title`, `statistics-period` or `publication-date`.
    pub source: crate::engine::year::YearSource,
    /// Where.
    pub at: LineCol,
}

/// A section heading.
#[derive(Debug, Serialize)]
pub struct SectionView {
    /// Nesting level.
    pub level: u8,
    /// Marker as written.
    pub marker: String,
    /// Title.
    pub title: String,
    /// Where.
    pub at: LineCol,
}

/// A table.
#[derive(Debug, Serialize)]
pub struct TableView {
    /// Where.
    pub at: LineCol,
    /// The top-level section it is in.
    pub section: Option<String>,
    /// How it was written.
    pub kind: crate::document::TableKind,
    /// Bands with their columns and rows.
    pub bands: Vec<BandView>,
}

/// A band.
#[derive(Debug, Serialize)]
pub struct BandView {
    /// Caption.
    pub caption: Option<String>,
    /// Column labels (paths joined with ` › `).
    pub columns: Vec<String>,
    /// Data rows.
    pub rows: Vec<RowView>,
}

/// A data row.
#[derive(Debug, Serialize)]
pub struct RowView {
    /// Where.
    pub at: LineCol,
    /// Label.
    pub label: String,
    /// Cell per column.
    pub cells: Vec<CellView>,
    /// Set when the values do not fit the columns.
    pub malformed: bool,
}

/// A cell.
#[derive(Debug, Serialize)]
pub struct CellView {
    /// Where (absent when the row has no cell for the column).
    pub at: Option<LineCol>,
    /// Value.
    pub value: CellValue,
}

/// A reader problem.
#[derive(Debug, Serialize)]
pub struct ProblemView {
    /// Where.
    pub at: LineCol,
    /// What.
    pub message: String,
}

/// Builds the view of a loaded file.
#[must_use]
pub fn view(loaded: &Loaded) -> View {
    let Loaded { source, document } = loaded;
    View {
        path: source.name.clone(),
        format: document.format.name(),
        encoding: source.encoding.name(),
        title: document.title.as_ref().map(|t| TitleView {
            text: t.text.clone(),
            agency: t.agency.clone(),
            year: t.year,
            at: source.line_col(t.span.start as usize),
        }),
        report_year: crate::engine::year::find(document).map(|y| YearView {
            year: y.year,
            source: y.source,
            at: source.line_col(y.span.start as usize),
        }),
        identity: document
            .title
            .as_ref()
            .and_then(|t| t.agency.as_deref())
            .map(|agency| {
                let folded = crate::collection::agency::fold(agency);
                let jurisdiction =
                    crate::collection::agency::division_prefix(&folded).map(str::to_owned);
                let key = crate::collection::agency::Agencies::new(
                    jurisdiction.clone(),
                    &std::collections::BTreeMap::new(),
                )
                .key(agency);
                IdentityView {
                    agency: agency.to_owned(),
                    jurisdiction,
                    key,
                    year: crate::engine::report_year(document),
                }
            }),
        preamble_paragraphs: document
            .preamble_blocks()
            .iter()
            .filter(|b| matches!(b, Block::Paragraph { .. }))
            .count(),
        sections: document
            .sections
            .iter()
            .map(|s| SectionView {
                level: s.level,
                marker: s.marker.clone(),
                title: s.title.clone(),
                at: source.line_col(s.span.start as usize),
            })
            .collect(),
        tables: document
            .tables
            .iter()
            .map(|t| table_view(source, document, t))
            .collect(),
        problems: document
            .problems
            .iter()
            .map(|p| ProblemView {
                at: source.line_col(p.span.start as usize),
                message: p.message.clone(),
            })
            .collect(),
    }
}

fn table_view(source: &Source, document: &Document, table: &Table) -> TableView {
    TableView {
        at: source.line_col(table.span.start as usize),
        section: table.section.map(|s| {
            let top = &document.sections[document.top_section(s)];
            format!("{}{}", top.marker, top.title)
        }),
        kind: table.kind,
        bands: table
            .bands
            .iter()
            .map(|band| BandView {
                caption: band.caption.clone(),
                columns: band.columns.iter().map(|c| c.path.join(" › ")).collect(),
                rows: band
                    .rows
                    .iter()
                    .map(|&r| &table.rows[r])
                    .filter(|row| row.kind == RowKind::Data)
                    .map(|row| RowView {
                        at: source.line_col(row.span.start as usize),
                        label: row.label.clone(),
                        malformed: row.malformed,
                        cells: row
                            .aligned
                            .iter()
                            .map(|cell| match cell {
                                Some(i) => CellView {
                                    at: Some(source.line_col(row.cells[*i].span.start as usize)),
                                    value: row.cells[*i].value.clone(),
                                },
                                None => CellView {
                                    at: None,
                                    value: CellValue::Blank,
                                },
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Renders the view as an indented tree.
#[must_use]
pub fn render_tree(view: &View) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}, {})", view.path, view.format, view.encoding);
    match &view.title {
        Some(t) => {
            let _ = writeln!(
                out,
                "title {}: {} (agency: {}, year: {})",
                t.at,
                t.text,
                t.agency.as_deref().unwrap_or("?"),
                t.year.map_or_else(|| "?".to_owned(), |y| y.to_string())
            );
        }
        None => out.push_str("title: not found\n"),
    }
    match &view.report_year {
        Some(y) => {
            let _ = writeln!(
                out,
                "report year: {} (from the {} at {})",
                y.year,
                y.source.name(),
                y.at
            );
        }
        None => out.push_str("report year: not found\n"),
    }
    if let Some(identity) = &view.identity {
        let _ = writeln!(
            out,
            "identity: {} {} (matched as `{}`{})",
            identity.agency,
            identity
                .year
                .map_or_else(|| "year ?".to_owned(), |y| y.to_string()),
            identity.key,
            identity
                .jurisdiction
                .as_ref()
                .map_or_else(String::new, |j| format!(" within {j}"))
        );
    }
    let _ = writeln!(out, "preamble: {} paragraph(s)", view.preamble_paragraphs);
    for s in &view.sections {
        let indent = "  ".repeat(usize::from(s.level));
        let _ = writeln!(out, "{indent}{} {}{}", s.at, s.marker, s.title);
    }
    for (i, t) in view.tables.iter().enumerate() {
        let _ = writeln!(
            out,
            "table {} at {} in {} ({})",
            i + 1,
            t.at,
            t.section.as_deref().unwrap_or("(no section)"),
            serde_json::to_value(t.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        );
        for (b, band) in t.bands.iter().enumerate() {
            let _ = writeln!(
                out,
                "  band {}{}: {}",
                b + 1,
                band.caption
                    .as_ref()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default(),
                band.columns.join(" | ")
            );
            for row in &band.rows {
                let cells: Vec<String> = row.cells.iter().map(cell_text).collect();
                let _ = writeln!(
                    out,
                    "    {} {}{}: {}",
                    row.at,
                    if row.label.is_empty() {
                        "(no label)"
                    } else {
                        &row.label
                    },
                    if row.malformed { " [malformed]" } else { "" },
                    cells.join(" | ")
                );
            }
        }
    }
    for p in &view.problems {
        let _ = writeln!(out, "problem {}: {}", p.at, p.message);
    }
    out
}

/// The source text with 1-based line numbers, as `FILE:LINE:COL` in findings counts them.
/// Tabs (between table cells) are printed as they are: a tab counts as one column.
#[must_use]
pub fn render_text(source: &Source) -> String {
    let lines = source.line_starts().len();
    let width = lines.to_string().len();
    let mut out = String::with_capacity(source.text.len() + lines * (width + 3));
    for index in 0..lines {
        let Some(range) = source.line_text_range(index) else {
            break;
        };
        let line = &source.text[range];
        if index + 1 == lines && line.is_empty() {
            break;
        }
        let _ = writeln!(out, "{:>width$} | {}", index + 1, line);
    }
    out
}

fn cell_text(cell: &CellView) -> String {
    let value = match &cell.value {
        CellValue::Number(q) => q.to_string(),
        CellValue::Blank => "·".to_owned(),
        CellValue::NotApplicable { mark } => format!("n/a({mark})"),
        CellValue::Text { text } => format!("{text:?}"),
    };
    match cell.at {
        Some(at) if !matches!(cell.value, CellValue::Blank) => format!("{value}@{at}"),
        _ => value,
    }
}
