//! DOCX reader: the main part `word/document.xml` of a Word (WordprocessingML) package.
//!
//! **Spans point into `word/document.xml`**, the decompressed XML of the document body: that
//! text is the returned [`Source`], named `<file>:word/document.xml` so that a `line:column`
//! shown to users says what it refers to (Word writes the body on one or two very long lines).
//! A paragraph's text maps to the bytes of its `<w:t>` text nodes (entities such as `&amp;` map
//! as a whole); a table cell's span is its whole `<w:tc>…</w:tc>` element.
//!
//! What is read:
//! - `w:p` → a paragraph: the text of its `w:t` runs, `w:tab` as a tab, `w:br`/`w:cr` as
//!   nothing (Chinese text is not separated by spaces; a title broken over two lines joins).
//!   Headings are ordinary paragraphs: structure is inferred later from `一、`/`（一）`.
//! - `w:tbl` → a [`TableKind::Markup`] table. `w:gridSpan` is the colspan; a vertical merge
//!   (`w:vMerge` restart … continue) becomes a rowspan on the restarting cell, and the
//!   continuation cells are dropped (the layout step expands merged cells again). A cell's
//!   text is its paragraphs joined without separator. A table nested in a cell is flattened
//!   into that cell's text.
//! - Deleted or moved-away revision text (`w:del`, `w:moveFrom`) and the VML fallback of
//!   drawings (`mc:Fallback`, which repeats text boxes) are skipped.
//!
//! Hostile input is refused with [`ReadError::Malformed`], never a panic: the decompressed
//! XML is bounded ([`MAX_DOCUMENT_XML_BYTES`], against zip bombs) and so is element nesting
//! ([`MAX_DEPTH`]).

use super::super::ReadError;
use super::super::mapped::MappedText;
use super::super::model::{RawBlock, RawCell, RawRow, RawTable, TableKind};
use crate::source::{DecodeError, Encoding, Source, Span};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::collections::HashMap;
use std::io::Read;

/// Largest decompressed `word/document.xml` read. Real reports are well under 10 MiB of XML;
/// the bound stops a small archive from expanding into gigabytes.
pub const MAX_DOCUMENT_XML_BYTES: u64 = 64 * 1024 * 1024;

/// Deepest element nesting followed. Word documents nest about 30 deep (text boxes inside
/// drawings inside tables); deeper input is refused rather than walked.
pub const MAX_DEPTH: usize = 256;

/// The part holding the document body.
const MAIN_PART: &str = "word/document.xml";

const W_MAIN: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Signature of an OLE compound file: legacy `.doc`, and also what Word writes for an
/// encrypted (password-protected) `.docx`.
const OLE_SIGNATURE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The first entry name that the ZIP central directory lists twice. Readers differ on which
/// copy they take (unzip shows the first, the zip crate the last), so a package built to show
/// one text to a person and another to regulint is refused. Zip64 archives, whose directory
/// is located elsewhere, are not checked (no report is that large).
fn duplicate_entry(bytes: &[u8]) -> Option<String> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const ENTRY: &[u8] = b"PK\x01\x02";
    let tail_start = bytes.len().saturating_sub(22 + usize::from(u16::MAX));
    let eocd = tail_start + bytes[tail_start..].windows(4).rposition(|w| w == EOCD)?;
    let u16_at = |at: usize| -> Option<usize> {
        Some(usize::from(u16::from_le_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let u32_at = |at: usize| -> Option<usize> {
        usize::try_from(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?)).ok()
    };
    let size = u32_at(eocd + 12)?;
    let mut at = u32_at(eocd + 16)?;
    let end = at.checked_add(size)?.min(bytes.len());
    let mut seen = std::collections::HashSet::new();
    while at + 46 <= end && bytes.get(at..at + 4)? == ENTRY {
        let (name_len, extra_len, comment_len) =
            (u16_at(at + 28)?, u16_at(at + 30)?, u16_at(at + 32)?);
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
}

/// Reads a Word document into raw blocks. The returned source is `word/document.xml`.
///
/// # Errors
/// [`ReadError::Malformed`] when the bytes are not a readable DOCX package: not a ZIP archive,
/// truncated, encrypted, a legacy `.doc`, without `word/document.xml`, too large once
/// decompressed, or with broken XML.
pub fn read(name: &str, bytes: &[u8]) -> Result<(Source, Vec<RawBlock>), ReadError> {
    let xml = extract_main_part(bytes)?;
    let source_name = format!("{name}:{MAIN_PART}");
    let encoding = if xml.starts_with(b"\xFF\xFE") {
        Encoding::Utf16Le
    } else if xml.starts_with(b"\xFE\xFF") {
        Encoding::Utf16Be
    } else {
        Encoding::Utf8 { bom: false }
    };
    let source = Source::decode(source_name, &xml, Some(encoding)).map_err(|e| match e {
        DecodeError::Empty => malformed(format!("{MAIN_PART} is empty")),
        other => malformed(format!("{MAIN_PART} is not valid text: {other}")),
    })?;
    let blocks = parse(&source)?;
    Ok((source, blocks))
}

fn malformed(message: impl Into<String>) -> ReadError {
    ReadError::Malformed {
        format: "docx",
        message: message.into(),
    }
}

/// Opens the package and returns the decompressed main part, bounded in size.
fn extract_main_part(bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    if bytes.starts_with(OLE_SIGNATURE) {
        return Err(malformed(
            "this is an OLE compound file, not a ZIP package: either a password-protected \
             (encrypted) Word document or a legacy .doc file; save it as an unprotected .docx",
        ));
    }
    if bytes.is_empty() {
        return Err(malformed("the file is empty"));
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        if bytes.starts_with(b"PK") {
            malformed(format!(
                "the ZIP archive is damaged or truncated ({e}); a .docx is a ZIP package"
            ))
        } else {
            malformed(format!(
                "not a ZIP archive ({e}); a .docx file is a ZIP package starting with \"PK\""
            ))
        }
    })?;
    if let Some(name) = duplicate_entry(bytes) {
        return Err(malformed(format!(
            "the package has two entries named {name}; ZIP tools disagree on which one counts, \
             so regulint reads neither"
        )));
    }
    let entry = archive.by_name(MAIN_PART).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => malformed(format!(
            "the package has no {MAIN_PART}, so it is not a Word document (an .xlsx, .pptx \
             or other ZIP file?)"
        )),
        zip::result::ZipError::UnsupportedArchive(msg)
            if msg == zip::result::ZipError::PASSWORD_REQUIRED =>
        {
            malformed(format!(
                "{MAIN_PART} is password-protected; save the document without a password"
            ))
        }
        other => malformed(format!("{MAIN_PART} could not be opened: {other}")),
    })?;
    if entry.encrypted() {
        return Err(malformed(format!(
            "{MAIN_PART} is password-protected; save the document without a password"
        )));
    }
    if entry.size() > MAX_DOCUMENT_XML_BYTES {
        return Err(too_large());
    }
    let capacity = usize::try_from(entry.size()).unwrap_or(0).min(1 << 24);
    let mut xml = Vec::with_capacity(capacity);
    // The declared size can lie: read through a hard bound whatever the header says.
    entry
        .take(MAX_DOCUMENT_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| {
            malformed(format!(
                "{MAIN_PART} could not be decompressed ({e}); the file may be truncated or damaged"
            ))
        })?;
    if xml.len() as u64 > MAX_DOCUMENT_XML_BYTES {
        return Err(too_large());
    }
    Ok(xml)
}

fn too_large() -> ReadError {
    malformed(format!(
        "{MAIN_PART} decompresses to more than {} MiB; regulint refuses it (a report is far \
         smaller; the file may be a zip bomb)",
        MAX_DOCUMENT_XML_BYTES / (1024 * 1024)
    ))
}

/// A vertical merge mark on a cell.
#[derive(Clone, Copy, PartialEq, Eq)]
enum VMerge {
    Restart,
    Continue,
}

/// A cell being read.
struct CellState {
    start: usize,
    text: String,
    colspan: u16,
    vmerge: Option<VMerge>,
}

/// A row being read: finished cells with their grid column and merge mark.
struct RowState {
    start: usize,
    grid_before: usize,
    cells: Vec<(RawCell, usize, Option<VMerge>)>,
}

/// The outermost table being read.
struct TableState {
    start: usize,
    rows: Vec<RawRow>,
    row: Option<RowState>,
    cell: Option<CellState>,
    /// Open vertical merges: grid column → (row index, cell index) of the restarting cell.
    merges: HashMap<usize, (usize, usize)>,
}

/// Which element an open tag is, as far as this reader cares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Paragraph,
    Run,
    Text,
    Table,
    Row,
    Cell,
    /// Anything else in the WordprocessingML namespace or elsewhere.
    Other,
}

struct Parser<'a> {
    text: &'a str,
    blocks: Vec<RawBlock>,
    /// Open elements.
    stack: Vec<Tag>,
    /// While skipping a subtree: the stack depth at which it was opened.
    skip_from: Option<usize>,
    /// Open paragraphs (a text box's paragraphs nest inside a paragraph).
    paragraphs: Vec<MappedText>,
    /// Number of open tables; only the outermost one has structure.
    table_depth: usize,
    table: Option<TableState>,
}

fn parse(source: &Source) -> Result<Vec<RawBlock>, ReadError> {
    let text = source.text.as_str();
    let mut reader = NsReader::from_str(text);
    // Keep the check of end-tag names; entities arrive as separate events.
    reader.config_mut().check_end_names = true;
    let mut parser = Parser {
        text,
        blocks: Vec::new(),
        stack: Vec::new(),
        skip_from: None,
        paragraphs: Vec::new(),
        table_depth: 0,
        table: None,
    };
    loop {
        let before = offset(reader.buffer_position());
        let (ns, event) = match reader.read_resolved_event() {
            Ok(resolved) => resolved,
            Err(e) => {
                let at = offset(reader.error_position());
                let lc = source.line_col(at.min(text.len()));
                return Err(malformed(format!(
                    "{MAIN_PART} is not well-formed XML at byte {at} (line {}, column {}): {e}",
                    lc.line, lc.column
                )));
            }
        };
        let ns = match ns {
            ResolveResult::Bound(ns) if matches!(ns.0, W_MAIN | W_STRICT) => Ns::Word,
            ResolveResult::Bound(ns) if ns.0 == MC => Ns::Compatibility,
            _ => Ns::Other,
        };
        let after = offset(reader.buffer_position());
        match event {
            Event::Start(e) => {
                let tag = classify(ns, &e);
                parser.open(tag, ns, &e, (before, after))?;
            }
            Event::Empty(e) => {
                let tag = classify(ns, &e);
                parser.open(tag, ns, &e, (before, after))?;
                parser.close(after);
            }
            Event::End(_) => parser.close(after),
            Event::Text(_) => parser.text_piece(before, after, None),
            Event::CData(c) => {
                let content: &str = &c;
                parser.text_piece(before, after, Some(content));
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    }
                };
                let Some(c) = resolved else {
                    return Err(malformed(format!(
                        "{MAIN_PART} uses an unknown entity &{}; at byte {before}",
                        &*r
                    )));
                };
                let mut buf = [0u8; 4];
                parser.text_piece(before, after, Some(c.encode_utf8(&mut buf)));
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !parser.stack.is_empty() {
        return Err(malformed(format!(
            "{MAIN_PART} ends with {} element(s) still open: the XML is truncated",
            parser.stack.len()
        )));
    }
    Ok(parser.blocks)
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// The namespace of an element, as far as this reader cares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    /// WordprocessingML (transitional or strict).
    Word,
    /// Markup compatibility (`mc:AlternateContent`).
    Compatibility,
    Other,
}

fn classify(ns: Ns, e: &BytesStart<'_>) -> Tag {
    if ns != Ns::Word {
        return Tag::Other;
    }
    match e.local_name().as_ref() {
        "p" => Tag::Paragraph,
        "r" => Tag::Run,
        "t" => Tag::Text,
        "tbl" => Tag::Table,
        "tr" => Tag::Row,
        "tc" => Tag::Cell,
        _ => Tag::Other,
    }
}

/// The `w:val` attribute of an element.
fn val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "val")
        .map(|a| a.value.into_owned())
}

impl Parser<'_> {
    fn open(
        &mut self,
        tag: Tag,
        ns: Ns,
        e: &BytesStart<'_>,
        (start, end): (usize, usize),
    ) -> Result<(), ReadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(malformed(format!(
                "{MAIN_PART} nests elements more than {MAX_DEPTH} deep (at byte {start}); \
                 regulint does not follow markup that deep"
            )));
        }
        self.stack.push(tag);
        if self.skip_from.is_some() {
            return Ok(());
        }
        let local = e.local_name();
        let local: &str = local.as_ref();
        let in_word = ns == Ns::Word;
        if (in_word && matches!(local, "del" | "moveFrom"))
            || (ns == Ns::Compatibility && local == "Fallback")
        {
            self.skip_from = Some(self.stack.len());
            return Ok(());
        }
        match tag {
            Tag::Paragraph => self.paragraphs.push(MappedText::default()),
            Tag::Table => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.table = Some(TableState {
                        start,
                        rows: Vec::new(),
                        row: None,
                        cell: None,
                        merges: HashMap::new(),
                    });
                }
            }
            Tag::Row if self.table_depth == 1 => {
                if let Some(table) = &mut self.table {
                    table.row = Some(RowState {
                        start,
                        grid_before: 0,
                        cells: Vec::new(),
                    });
                }
            }
            Tag::Cell if self.table_depth == 1 => {
                if let Some(table) = &mut self.table {
                    table.cell = Some(CellState {
                        start,
                        text: String::new(),
                        colspan: 1,
                        vmerge: None,
                    });
                }
            }
            Tag::Other if in_word => {
                if self.table_depth == 1 {
                    self.table_property(local, e);
                }
                // Run content other than text: a tab, a hyphen. Breaks add nothing.
                let piece = match local {
                    "tab" => "\t",
                    "noBreakHyphen" => "-",
                    _ => "",
                };
                if !piece.is_empty() && self.in_run() {
                    if let Some(p) = self.paragraphs.last_mut() {
                        p.push_mapped(piece, Span::new(start, end));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads `w:gridSpan`, `w:vMerge` and `w:gridBefore` of the outermost table.
    fn table_property(&mut self, local: &str, e: &BytesStart<'_>) {
        let Some(table) = &mut self.table else {
            return;
        };
        match local {
            "gridSpan" => {
                if let Some(cell) = &mut table.cell {
                    cell.colspan = val(e)
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .map_or(1, |n| u16::try_from(n.max(1)).unwrap_or(u16::MAX));
                }
            }
            "vMerge" => {
                if let Some(cell) = &mut table.cell {
                    cell.vmerge = Some(match val(e).as_deref() {
                        Some("restart") => VMerge::Restart,
                        _ => VMerge::Continue,
                    });
                }
            }
            "gridBefore" if table.cell.is_none() => {
                if let Some(row) = &mut table.row {
                    row.grid_before = val(e)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0)
                        .min(1024);
                }
            }
            _ => {}
        }
    }

    /// Whether a run is open (inside the innermost paragraph).
    fn in_run(&self) -> bool {
        self.stack.iter().rev().skip(1).any(|t| *t == Tag::Run)
    }

    fn close(&mut self, end: usize) {
        let depth = self.stack.len();
        let Some(tag) = self.stack.pop() else {
            return;
        };
        if let Some(from) = self.skip_from {
            if depth == from {
                self.skip_from = None;
            }
            return;
        }
        match tag {
            Tag::Paragraph => {
                let Some(paragraph) = self.paragraphs.pop() else {
                    return;
                };
                if let Some(outer) = self.paragraphs.last_mut() {
                    // A text box's paragraph: its text joins the anchoring paragraph.
                    outer.append(&paragraph);
                } else if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
                    join_cell_text(&mut cell.text, &paragraph.text);
                } else if self.table_depth == 0 {
                    self.blocks.push(RawBlock::Paragraph(paragraph));
                }
            }
            Tag::Cell if self.table_depth == 1 => self.close_cell(end),
            Tag::Row if self.table_depth == 1 => self.close_row(end),
            Tag::Table => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0 {
                    if let Some(table) = self.table.take() {
                        self.blocks.push(RawBlock::Table(RawTable {
                            span: Span::new(table.start, end),
                            rows: table.rows,
                            kind: TableKind::Markup,
                        }));
                    }
                }
            }
            _ => {}
        }
    }

    fn close_cell(&mut self, end: usize) {
        let Some(table) = &mut self.table else {
            return;
        };
        let Some(cell) = table.cell.take() else {
            return;
        };
        let Some(row) = &mut table.row else {
            return;
        };
        let column = row.grid_before
            + row
                .cells
                .iter()
                .map(|(c, _, _)| usize::from(c.colspan))
                .sum::<usize>();
        let mut raw = RawCell::new(cell.text, Span::new(cell.start, end));
        raw.colspan = cell.colspan;
        row.cells.push((raw, column, cell.vmerge));
    }

    /// Ends a row: continuation cells of a vertical merge extend the restarting cell above.
    fn close_row(&mut self, end: usize) {
        let Some(table) = &mut self.table else {
            return;
        };
        let Some(row) = table.row.take() else {
            return;
        };
        let row_index = table.rows.len();
        let mut merges = HashMap::new();
        let mut cells = Vec::with_capacity(row.cells.len());
        for (cell, column, vmerge) in row.cells {
            let open = table.merges.get(&column).copied();
            if let (Some(VMerge::Continue), Some((r, c))) = (vmerge, open) {
                let origin = &mut table.rows[r].cells[c];
                origin.rowspan = origin.rowspan.saturating_add(1);
                merges.insert(column, (r, c));
                continue;
            }
            if vmerge == Some(VMerge::Restart) {
                merges.insert(column, (row_index, cells.len()));
            }
            cells.push(cell);
        }
        // A merge not continued in this row is over.
        table.merges = merges;
        table.rows.push(RawRow {
            span: Span::new(row.start, end),
            cells,
        });
    }

    /// Text inside `w:t`: verbatim from the source unless `decoded` (an entity) is given.
    fn text_piece(&mut self, start: usize, end: usize, decoded: Option<&str>) {
        if self.skip_from.is_some() || self.stack.last() != Some(&Tag::Text) {
            return;
        }
        let Some(paragraph) = self.paragraphs.last_mut() else {
            return;
        };
        match decoded {
            Some(text) => paragraph.push_mapped(text, Span::new(start, end)),
            None => paragraph.push_verbatim(&self.text[start..end], start),
        }
    }
}

/// Joins a cell's paragraphs: no separator between Chinese text, a space between words.
fn join_cell_text(cell: &mut String, paragraph: &str) {
    let needs_space = cell
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && paragraph
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if needs_space {
        cell.push(' ');
    }
    cell.push_str(paragraph);
}
