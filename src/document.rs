//! Step 1: a report file → [`Document`].
//!
//! [`load`] picks the input format (extension, then content), decodes the bytes into a
//! [`Source`], runs the format's reader to get raw blocks, and [`build`]s the model: sections
//! from headings, the title, and laid-out tables. Later stages see only the model.

mod continued;
pub mod layout;
pub mod mapped;
pub mod model;
pub mod normalize;
mod read;
pub mod structure;
pub mod value;

pub use model::*;
pub use value::{CellValue, Date, Quantity, Unit};

use crate::source::{DecodeError, Encoding, Source};
use std::path::Path;
use thiserror::Error;

/// Reports larger than this are refused: the largest real report is a few hundred KB, and a
/// bound keeps a batch's memory proportional to the files in flight.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// How to read a file.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    /// Force the input format instead of detecting it.
    pub format: Option<InputFormat>,
    /// Force the text encoding instead of detecting it.
    pub encoding: Option<Encoding>,
}

/// A file read into the model, with the source its spans point into.
#[derive(Debug)]
pub struct Loaded {
    /// The decoded text (for DOCX: the document's XML; for PDF: the extracted text).
    pub source: Source,
    /// The model.
    pub document: Document,
}

/// Why a file could not be read.
#[derive(Debug, Error)]
pub enum ReadError {
    /// Too large to be a report.
    #[error("the file is {size} bytes; regulint reads reports up to {limit} bytes")]
    TooLarge {
        /// File size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not text.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The container or markup is broken.
    #[error("{format} file could not be read: {message}")]
    Malformed {
        /// The format that was tried.
        format: &'static str,
        /// What is wrong, in words.
        message: String,
    },
}

/// Reads a report file.
///
/// # Errors
/// [`ReadError`] when the file is too large, not text, or broken markup/container.
pub fn load(name: &str, bytes: &[u8], options: ReadOptions) -> Result<Loaded, ReadError> {
    structure::forget_lines();
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let format = options
        .format
        .or_else(|| format_from_extension(name))
        .unwrap_or_else(|| sniff(bytes));
    if format == InputFormat::Docx {
        let (source, blocks) = read::docx::read(name, bytes)?;
        let document = build(InputFormat::Docx, blocks, Vec::new());
        return Ok(Loaded { source, document });
    }
    if format == InputFormat::Pdf {
        let (source, blocks) = read::pdf::read(name, bytes)?;
        let document = build(InputFormat::Pdf, blocks, Vec::new());
        return Ok(Loaded { source, document });
    }
    let source = Source::decode(name, bytes, options.encoding)?;
    let (blocks, problems) = match format {
        InputFormat::Text | InputFormat::Markdown => (read::lines::read(&source.text), Vec::new()),
        InputFormat::Html => read::html::read(&source.text),
        InputFormat::Json => (read::json::read(&source.text)?, Vec::new()),
        InputFormat::Docx | InputFormat::Pdf => unreachable!("handled above"),
    };
    let document = build(format, blocks, problems);
    Ok(Loaded { source, document })
}

/// The format an extension names, if any.
#[must_use]
pub fn format_from_extension(name: &str) -> Option<InputFormat> {
    let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" => InputFormat::Text,
        "md" | "markdown" => InputFormat::Markdown,
        "html" | "htm" | "shtml" | "xhtml" => InputFormat::Html,
        "docx" => InputFormat::Docx,
        "json" => InputFormat::Json,
        "pdf" => InputFormat::Pdf,
        _ => return None,
    })
}

/// Guesses the format from the first bytes.
fn sniff(bytes: &[u8]) -> InputFormat {
    if bytes.starts_with(b"PK\x03\x04") {
        return InputFormat::Docx;
    }
    if bytes.starts_with(b"%PDF-") {
        return InputFormat::Pdf;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        InputFormat::Json
    } else if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || head.contains("<body")
        || head.contains("<table")
    {
        InputFormat::Html
    } else if head
        .lines()
        .any(|l| l.starts_with('#') || l.starts_with('|'))
    {
        InputFormat::Markdown
    } else {
        InputFormat::Text
    }
}

/// Builds the model from a reader's raw blocks.
#[must_use]
pub fn build(format: InputFormat, raw: Vec<RawBlock>, mut problems: Vec<Problem>) -> Document {
    let mut blocks = Vec::with_capacity(raw.len());
    let mut tables = Vec::new();
    for block in continued::join(raw) {
        match block {
            RawBlock::Paragraph(text) => {
                if text.text.trim().is_empty() {
                    continue;
                }
                let span = text.span().unwrap_or_default();
                blocks.push(Block::Paragraph {
                    text,
                    span,
                    section: None,
                });
            }
            RawBlock::Table(raw_table) => {
                if raw_table.rows.is_empty() {
                    continue;
                }
                let laid = layout::layout(&raw_table);
                problems.extend(laid.problems);
                blocks.push(Block::Table {
                    table: tables.len(),
                });
                tables.push(Table {
                    span: raw_table.span,
                    section: None,
                    kind: raw_table.kind,
                    rows: laid.rows,
                    bands: laid.bands,
                });
            }
        }
    }
    let sections = structure::sections(&mut blocks);
    // A table belongs to the innermost section open where it stands.
    let mut current = None;
    for block in &blocks {
        match block {
            Block::Paragraph { section, .. } => current = *section,
            Block::Table { table } => tables[*table].section = current,
        }
    }
    let first_section = sections
        .iter()
        .find(|s| s.level == 1)
        .map_or(blocks.len(), |s| s.first_block);
    let title = structure::title(&blocks, first_section);
    problems.sort_by_key(|p| p.span);
    Document {
        format,
        title,
        blocks,
        sections,
        tables,
        problems,
    }
}
