//! The document model: what every reader produces and every rule sees.
//!
//! Readers emit a flat list of [`RawBlock`]s (paragraphs and tables of cells, each with its
//! span in the original file). [`super::build`] turns that into a [`Document`]: headings become
//! [`Section`]s, merged cells are expanded into a grid, each table is split into bands with
//! column headers and labelled data rows, and cell text is classified into [`CellValue`]s.

use super::mapped::MappedText;
use super::value::CellValue;
use crate::source::Span;
use serde::Serialize;

/// The input formats regulint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// Plain text exported from PDF or Word (tables as tab-separated rows).
    Text,
    /// Markdown (headings, pipe tables).
    Markdown,
    /// An HTML page as published.
    Html,
    /// A Word document.
    Docx,
    /// Structured statistics in regulint's JSON schema.
    Json,
    /// A text PDF; spans point into the extracted text.
    Pdf,
}

impl InputFormat {
    /// Name as accepted by `--input-format`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
            Self::Html => "html",
            Self::Docx => "docx",
            Self::Json => "json",
            Self::Pdf => "pdf",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reader output
// ---------------------------------------------------------------------------------------------

/// One block as a reader sees it, before structure is inferred.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawBlock {
    /// A paragraph or a line of text (headings included).
    Paragraph(MappedText),
    /// A table.
    Table(RawTable),
}

/// A table as written: rows of cells, merged cells still merged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawTable {
    /// The whole table in the source.
    pub span: Span,
    /// Rows in order.
    pub rows: Vec<RawRow>,
    /// Where the table came from: tab-separated text, where column positions are unreliable;
    /// or markup with explicit cells.
    pub kind: TableKind,
}

impl RawTable {
    /// A table of `rows`, spanning from the first row to the last.
    #[must_use]
    pub fn from_rows(rows: Vec<RawRow>, kind: TableKind) -> Self {
        let span = rows
            .first()
            .zip(rows.last())
            .map(|(a, b)| a.span.cover(b.span))
            .unwrap_or_default();
        Self { span, rows, kind }
    }
}

/// How a table was written, which decides how much its column positions can be trusted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableKind {
    /// Tab-separated rows from a text export: a merged cell is an empty field or nothing.
    #[default]
    TabSeparated,
    /// Markdown pipe table: first row is the header.
    Pipe,
    /// Rows the text reader rebuilt from cells aligned with spaces (`pdftotext -layout`) or
    /// written one per line: a value's column comes from its position or order.
    Aligned,
    /// HTML or Word table with explicit `rowspan`/`colspan`/`gridSpan`/`vMerge`.
    Markup,
}

/// One row as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawRow {
    /// The row in the source.
    pub span: Span,
    /// Cells in order.
    pub cells: Vec<RawCell>,
}

/// One cell as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawCell {
    /// Text of the cell, paragraphs joined.
    pub text: String,
    /// The cell in the source (for markup: the whole `<td>…</td>` element).
    pub span: Span,
    /// Columns spanned (≥ 1).
    pub colspan: u16,
    /// Rows spanned (≥ 1).
    pub rowspan: u16,
}

impl RawCell {
    /// A cell spanning one row and one column.
    #[must_use]
    pub fn new(text: impl Into<String>, span: Span) -> Self {
        Self {
            text: text.into(),
            span,
            colspan: 1,
            rowspan: 1,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/// Index of a section in [`Document::sections`].
pub type SectionId = usize;
/// Index of a table in [`Document::tables`].
pub type TableId = usize;

/// A report, as understood.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    /// The format it was read from.
    pub format: InputFormat,
    /// The title line(s), if found.
    pub title: Option<Title>,
    /// Paragraphs and tables in reading order.
    pub blocks: Vec<Block>,
    /// Numbered headings, in order; a tree through `parent`.
    pub sections: Vec<Section>,
    /// Tables in order.
    pub tables: Vec<Table>,
    /// Things the reader could not make sense of.
    pub problems: Vec<Problem>,
}

/// The report's title, e.g. `石家庄市商务局2020年政府信息公开工作年度报告`.
#[derive(Clone, Debug, Serialize)]
pub struct Title {
    /// Title text, lines joined.
    pub text: String,
    /// Where it is.
    pub span: Span,
    /// The organ's name, when it can be told apart.
    pub agency: Option<String>,
    /// The report year named in the title.
    pub year: Option<i32>,
}

/// A paragraph or a table, in reading order.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    /// A paragraph (headings are paragraphs too, and are also listed as sections).
    Paragraph {
        /// The text and its map to source bytes.
        text: MappedText,
        /// Where it is.
        span: Span,
        /// The innermost section it belongs to (for a heading: the section it opens).
        section: Option<SectionId>,
    },
    /// A table, by index.
    Table {
        /// Index into [`Document::tables`].
        table: TableId,
    },
}

/// A numbered heading and the blocks under it.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// 1 for `一、`, 2 for `（一）`, 3 for `1.` / `1、`.
    pub level: u8,
    /// The number (一 → 1).
    pub number: u32,
    /// The number as written, e.g. `一、` or `（三）`.
    pub marker: String,
    /// The title after the marker, as written.
    pub title: String,
    /// The heading in the source.
    pub span: Span,
    /// The enclosing section.
    pub parent: Option<SectionId>,
    /// Index of the heading's block.
    pub first_block: usize,
    /// One past the last block of the section (subsections included).
    pub end_block: usize,
}

/// A table after merged cells are expanded and its layout is inferred.
#[derive(Clone, Debug, Serialize)]
pub struct Table {
    /// The whole table in the source.
    pub span: Span,
    /// The innermost section containing it.
    pub section: Option<SectionId>,
    /// How it was written.
    pub kind: TableKind,
    /// Rows, in order.
    pub rows: Vec<Row>,
    /// Column-header bands (table 2 has one per 第二十条 item).
    pub bands: Vec<Band>,
}

/// The role of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowKind {
    /// Column headings (no numbers).
    Header,
    /// A labelled row of values.
    Data,
    /// A label that continues the previous data row's label (split over two lines).
    Continuation,
}

/// A row of a table.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The row in the source.
    pub span: Span,
    /// The role of the row.
    pub kind: RowKind,
    /// Cells in grid order (merged cells repeated, flagged `merged`).
    pub cells: Vec<Cell>,
    /// Index of the band this row belongs to.
    pub band: usize,
    /// For data rows: the label (label cells joined), empty when unlabelled.
    pub label: String,
    /// Where the label is; `None` for an unlabelled row.
    pub label_span: Option<Span>,
    /// For data rows: the cells after the label, in order, as written (trailing blanks kept).
    pub values: Vec<usize>,
    /// For data rows: for each column of the band, the cell holding its value.
    pub aligned: Vec<Option<usize>>,
    /// Set when the row's values do not fit the band's columns; rules must not trust them.
    pub malformed: bool,
}

/// One cell of the grid.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// Text as written (whitespace trimmed). Shared by the copies of a merged cell, so a
    /// long text merged over many grid positions is stored once.
    pub text: std::sync::Arc<str>,
    /// The cell in the source.
    pub span: Span,
    /// What it holds.
    pub value: CellValue,
    /// A copy of a cell that spans into this grid position.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub merged: bool,
}

/// A group of rows sharing one set of column headers.
#[derive(Clone, Debug, Serialize)]
pub struct Band {
    /// The caption row's text (e.g. `第二十条第（一）项`), if the band has one.
    pub caption: Option<String>,
    /// The value columns.
    pub columns: Vec<Column>,
    /// Rows in this band (indices into [`Table::rows`]).
    pub rows: Vec<usize>,
}

/// A value column of a band.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    /// The leaf heading, e.g. `总计`.
    pub label: String,
    /// The headings above it, outermost first, leaf last.
    pub path: Vec<String>,
    /// Where the leaf heading is.
    pub span: Span,
    /// Grid position of the column.
    pub grid: usize,
}

/// Something a reader noticed and could not resolve.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Human-readable description (Chinese, as shown to users).
    pub message: String,
    /// Where it is.
    pub span: Span,
}

/// Kinds of reader problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// A data row with more values than the table has columns.
    RowShape,
    /// A row whose values ran into its label (`规章000`, `行政许可550`): the digits cannot be
    /// split into values without guessing, so the row has none.
    ValuesRunTogether,
    /// Markup nested deeper than regulint follows.
    TooDeep,
    /// A part of the file was left out (too large, unsupported).
    Truncated,
}

impl Document {
    /// Blocks before the first top-level section (title and preamble).
    #[must_use]
    pub fn preamble_blocks(&self) -> &[Block] {
        let end = self
            .sections
            .iter()
            .find(|s| s.level == 1)
            .map_or(self.blocks.len(), |s| s.first_block);
        &self.blocks[..end]
    }

    /// Blocks of a section (its heading first).
    #[must_use]
    pub fn section_blocks(&self, section: SectionId) -> &[Block] {
        let s = &self.sections[section];
        &self.blocks[s.first_block..s.end_block]
    }

    /// Whether `inner` is `outer` or nested in it.
    #[must_use]
    pub fn section_within(&self, inner: SectionId, outer: SectionId) -> bool {
        let mut current = Some(inner);
        while let Some(id) = current {
            if id == outer {
                return true;
            }
            current = self.sections[id].parent;
        }
        false
    }

    /// The top-level section containing `section`.
    #[must_use]
    pub fn top_section(&self, mut section: SectionId) -> SectionId {
        while let Some(parent) = self.sections[section].parent {
            section = parent;
        }
        section
    }
}
