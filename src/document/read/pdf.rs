//! PDF reader: text PDFs (with a text layer) → raw blocks over the extracted text.
//!
//! A PDF has no text to point into, so the reader *writes* one: the returned [`Source`] is the
//! extracted text, one line per visual line or table row in reading order, with a page mark
//! line `—— 第 N 页 ——` at the start of each page (see `docs/pdf.md`). Every span points into
//! that text, so `report.pdf:LINE:COL` names a line of it (`regulint inspect --text` prints it
//! with line numbers).
//!
//! Parsing and content-stream interpretation are done by `pdf-extract` (on `lopdf`); this
//! module collects glyph positions and ruling lines ([`extract`]), builds ruled tables
//! ([`grid`]) and lines, paragraphs and joined tables ([`assemble`]).
//!
//! Hostile input gets a [`ReadError::Malformed`], never a panic or unbounded work: the raw
//! bytes are screened first ([`screen`]: nesting depth, total decompressed stream bytes), then
//! pages, objects, glyphs, rules and time are bounded; a panic inside the third-party parser
//! is caught and reported.

mod assemble;
mod extract;
mod grid;

use super::super::ReadError;
use super::super::model::RawBlock;
use crate::source::Source;
use std::io::Read as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// Most pages read. An annual report has 5–30 pages; a thousand-page file is not a report.
pub const MAX_PAGES: usize = 1000;

/// Most indirect objects. A 30-page report has a few thousand; a bomb has millions.
pub const MAX_OBJECTS: usize = 500_000;

/// Most bytes all Flate-compressed streams may decompress to, together. Fonts and images of a
/// real report decompress to a few MiB; the bound stops a small file expanding into gigabytes.
pub const MAX_DECOMPRESSED_BYTES: u64 = 128 * 1024 * 1024;

/// Deepest run of nested arrays/dictionaries (`[[[[`, `<<<<`) accepted. Real PDFs nest a few
/// levels; the parser recurses on nesting, so deep nesting could overflow the stack.
pub const MAX_NESTING: usize = 64;

/// Most glyphs read (a 30-page report has about 60 000; each glyph costs about 30 bytes).
pub const MAX_GLYPHS: usize = 1_000_000;

/// Most ruling-line segments read.
pub const MAX_RULES: usize = 1_000_000;

/// Time budget for interpreting the pages, checked between pages and every 4096 glyphs.
pub const MAX_DURATION: Duration = Duration::from_secs(30);

/// Reads a PDF into its extracted text and raw blocks.
///
/// # Errors
/// [`ReadError::Malformed`] when the file is not a readable text PDF: damaged or truncated,
/// encrypted with a password, over a limit, or without a text layer (a scan).
pub fn read(name: &str, bytes: &[u8]) -> Result<(Source, Vec<RawBlock>), ReadError> {
    if !bytes.starts_with(b"%PDF-")
        && !bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        return Err(malformed("not a PDF file (no %PDF- header)"));
    }
    screen(bytes)?;
    let result = {
        let _quiet = crate::panics::Expected::begin();
        catch_unwind(AssertUnwindSafe(|| extract_pages(bytes)))
    };
    let pages = match result {
        Ok(pages) => pages?,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return Err(malformed(format!(
                "the PDF parser failed on this file ({what}); the file may be damaged or use a \
                 feature regulint does not support"
            )));
        }
    };
    if pages.iter().all(|p| p.glyphs.is_empty()) {
        return Err(malformed(
            "no text layer; OCR is not supported (the PDF is a scan or has text only as images)",
        ));
    }
    let assembled = assemble::assemble(&pages);
    let source = Source::from_text(name, assembled.text);
    Ok((source, assembled.blocks))
}

fn malformed(message: impl Into<String>) -> ReadError {
    ReadError::Malformed {
        format: "pdf",
        message: message.into(),
    }
}

fn extract_pages(bytes: &[u8]) -> Result<Vec<extract::Page>, ReadError> {
    let mut document = pdf_extract::Document::load_mem(bytes).map_err(|e| {
        let text = e.to_string();
        if text.to_ascii_lowercase().contains("decrypt") || text.contains("password") {
            malformed(format!(
                "encrypted PDF ({text}); save it without a password"
            ))
        } else {
            malformed(format!(
                "the PDF is damaged or truncated and could not be parsed ({text})"
            ))
        }
    })?;
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err(malformed(
            "encrypted PDF: it needs a password to open; save it without a password",
        ));
    }
    if document.is_encrypted() {
        return Err(malformed("encrypted PDF; save it without encryption"));
    }
    if document.objects.len() > MAX_OBJECTS {
        return Err(malformed(format!(
            "the PDF has {} objects; regulint reads up to {MAX_OBJECTS} (a report has a few \
             thousand)",
            document.objects.len()
        )));
    }
    let page_count = document.get_pages().len();
    if page_count > MAX_PAGES {
        return Err(malformed(format!(
            "the PDF has {page_count} pages; regulint reads reports of up to {MAX_PAGES} pages"
        )));
    }
    if page_count == 0 {
        return Err(malformed("the PDF has no pages (it may be truncated)"));
    }
    if let Some(page) = endless_inheritance(&document) {
        return Err(malformed(format!(
            "page {page}'s /Parent chain comes back to itself before it gives the page a \
             MediaBox or Resources; the page tree is damaged"
        )));
    }
    normalize_cid_widths(&mut document);
    let rotations = page_rotations(&document);
    let mut collector = extract::Collector::new(Instant::now() + MAX_DURATION, rotations);
    let outcome = pdf_extract::output_doc(&document, &mut collector);
    if let Some(abort) = collector.aborted {
        return Err(malformed(match abort {
            extract::Abort::Glyphs => {
                format!("the PDF draws more than {MAX_GLYPHS} characters; regulint stops there")
            }
            extract::Abort::Rules => {
                format!("the PDF draws more than {MAX_RULES} lines; regulint stops there")
            }
            extract::Abort::Time => format!(
                "reading the PDF took longer than {} seconds; regulint stops there",
                MAX_DURATION.as_secs()
            ),
        }));
    }
    outcome.map_err(|e| malformed(format!("the PDF's page content could not be read ({e})")))?;
    Ok(collector.pages)
}

/// A page's dictionary and its ancestors up the `/Parent` chain, each once: the walk ends
/// where the chain ends or comes back to a dictionary it has left (then [`Self::looped`]).
struct Ancestors<'a> {
    document: &'a pdf_extract::Document,
    next: Option<pdf_extract::ObjectId>,
    seen: std::collections::HashSet<pdf_extract::ObjectId>,
    looped: bool,
}

impl<'a> Ancestors<'a> {
    fn of(document: &'a pdf_extract::Document, page: pdf_extract::ObjectId) -> Self {
        Self {
            document,
            next: Some(page),
            seen: std::collections::HashSet::new(),
            looped: false,
        }
    }
}

impl<'a> Iterator for Ancestors<'a> {
    type Item = &'a pdf_extract::Dictionary;

    fn next(&mut self) -> Option<Self::Item> {
        let id = self.next.take()?;
        if !self.seen.insert(id) {
            self.looped = true;
            return None;
        }
        let dict = self.document.get_dictionary(id).ok()?;
        self.next = dict
            .get(b"Parent")
            .and_then(pdf_extract::Object::as_reference)
            .ok();
        Some(dict)
    }
}

/// The first page whose inherited `/MediaBox` or `/Resources` `pdf-extract` would look for
/// forever. It walks up `/Parent` until the key is there (a dictionary for `/Resources`, an
/// array for `/MediaBox`) or the chain ends, with no bound: a chain that comes back to a
/// dictionary it has left (a page that is its own parent) without the key never ends. The
/// same walk is made here, remembering where it has been.
fn endless_inheritance(document: &pdf_extract::Document) -> Option<u32> {
    use pdf_extract::Object;
    fn resolve<'a>(document: &'a pdf_extract::Document, object: &'a Object) -> Option<&'a Object> {
        match *object {
            Object::Reference(id) => document.get_object(id).ok(),
            _ => Some(object),
        }
    }
    let has = |dict: &pdf_extract::Dictionary, key: &[u8]| {
        dict.get(key)
            .ok()
            .and_then(|value| resolve(document, value))
            .is_some_and(|value| match key {
                b"MediaBox" => value.as_array().is_ok(),
                _ => value.as_dict().is_ok(),
            })
    };
    document.get_pages().into_iter().find_map(|(number, page)| {
        [&b"MediaBox"[..], b"Resources"]
            .into_iter()
            .find_map(|key| {
                let mut chain = Ancestors::of(document, page);
                (!chain.by_ref().any(|dict| has(dict, key)) && chain.looped).then_some(number)
            })
    })
}

/// Each page's `/Rotate` (inherited from the page tree), where it is 90, 180 or 270 degrees.
fn page_rotations(document: &pdf_extract::Document) -> std::collections::BTreeMap<u32, u16> {
    let mut rotations = std::collections::BTreeMap::new();
    for (number, id) in document.get_pages() {
        // The page tree is shallow; the bound keeps a deep chain short.
        let rotate = Ancestors::of(document, id).take(32).find_map(|dict| {
            dict.get(b"Rotate")
                .and_then(pdf_extract::Object::as_i64)
                .ok()
        });
        if let Some(Ok(degrees @ (90 | 180 | 270))) =
            rotate.map(|r| u16::try_from(r.rem_euclid(360)))
        {
            rotations.insert(number, degrees);
        }
    }
    rotations
}

/// Most character codes one `c_first c_last w` range of a `/W` array may expand to.
const MAX_WIDTH_RANGE: i64 = 65_536;

/// Rewrites the `c_first c_last w` ranges of CID fonts' `/W` width arrays as explicit lists
/// (`c_first [w w …]`). `pdf-extract` 0.12 reads only the list form: with a range it gives the
/// glyphs no advance, so every digit of a Chromium-printed `2023` lands on the same x.
fn normalize_cid_widths(document: &mut pdf_extract::Document) {
    use pdf_extract::Object;
    // Indirect `/W` arrays are resolved first, then rewritten in place.
    let mut targets = Vec::new();
    for (id, object) in &document.objects {
        let Ok(dict) = object.as_dict() else { continue };
        let is_cid = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"CIDFontType2" || n == b"CIDFontType0");
        if !is_cid {
            continue;
        }
        match dict.get(b"W") {
            Ok(Object::Reference(target)) => targets.push((*target, None)),
            Ok(Object::Array(_)) => targets.push((*id, Some(()))),
            _ => {}
        }
    }
    for (id, inline) in targets {
        let Some(object) = document.objects.get_mut(&id) else {
            continue;
        };
        let array = match inline {
            Some(()) => object
                .as_dict_mut()
                .ok()
                .and_then(|d| d.get_mut(b"W").ok())
                .and_then(|w| w.as_array_mut().ok()),
            None => object.as_array_mut().ok(),
        };
        let Some(array) = array else { continue };
        let number = |o: &Object| match *o {
            Object::Integer(i) => Some(i as f32),
            Object::Real(r) => Some(r),
            _ => None,
        };
        let mut rewritten = Vec::with_capacity(array.len());
        let mut i = 0;
        while i < array.len() {
            match (array.get(i), array.get(i + 1), array.get(i + 2)) {
                (Some(first), Some(Object::Array(list)), _) => {
                    rewritten.push(first.clone());
                    rewritten.push(Object::Array(list.clone()));
                    i += 2;
                }
                (Some(Object::Integer(first)), Some(Object::Integer(last)), Some(width))
                    if *last >= *first && last - first < MAX_WIDTH_RANGE =>
                {
                    let Some(width) = number(width) else { break };
                    rewritten.push(Object::Integer(*first));
                    rewritten.push(Object::Array(
                        (*first..=*last).map(|_| Object::Real(width)).collect(),
                    ));
                    i += 3;
                }
                _ => break, // malformed: keep what was understood
            }
        }
        *array = rewritten;
    }
}

/// Screens the raw bytes before the parser sees them: bounded nesting of `[`/`<<` outside
/// stream data and inside decompressed streams, and bounded total decompressed size.
fn screen(bytes: &[u8]) -> Result<(), ReadError> {
    check_nesting(bytes)?;
    let mut budget = MAX_DECOMPRESSED_BYTES;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"stream") {
        let keyword = at + found;
        at = keyword + 6;
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        let mut data = at;
        if bytes.get(data) == Some(&b'\r') {
            data += 1;
        }
        if bytes.get(data) != Some(&b'\n') {
            continue;
        }
        data += 1;
        let dictionary = &bytes[keyword.saturating_sub(512)..keyword];
        let end = find(&bytes[data..], b"endstream").map_or(bytes.len(), |n| data + n);
        at = end;
        if find(dictionary, b"FlateDecode").is_none() {
            continue;
        }
        let mut decoder = flate2::read::ZlibDecoder::new(&bytes[data..end]);
        let mut depth = Nesting::default();
        loop {
            match decoder.read(&mut buffer) {
                Ok(0) | Err(_) => break, // broken data is the parser's business
                Ok(n) => {
                    budget = budget.checked_sub(n as u64).ok_or_else(|| {
                        malformed(format!(
                            "the PDF's streams decompress to more than {} MiB; regulint \
                             refuses it (the file may be a decompression bomb)",
                            MAX_DECOMPRESSED_BYTES / (1024 * 1024)
                        ))
                    })?;
                    depth.feed(&buffer[..n])?;
                }
            }
        }
    }
    Ok(())
}

/// Depth of consecutive opening brackets, the shape of a nesting bomb (`[[[[[…`).
#[derive(Default)]
struct Nesting {
    run: usize,
    previous_angle: bool,
}

impl Nesting {
    fn feed(&mut self, bytes: &[u8]) -> Result<(), ReadError> {
        for &b in bytes {
            match b {
                b'[' => self.run += 1,
                b'<' if self.previous_angle => {
                    self.run += 1;
                    self.previous_angle = false;
                    continue;
                }
                b'<' => {
                    self.previous_angle = true;
                    continue;
                }
                b' ' | b'\r' | b'\n' | b'\t' => {}
                _ => self.run = 0,
            }
            self.previous_angle = false;
            if self.run > MAX_NESTING {
                return Err(malformed(format!(
                    "the PDF nests arrays or dictionaries more than {MAX_NESTING} deep; regulint \
                     refuses it (a real PDF nests a few levels)"
                )));
            }
        }
        Ok(())
    }
}

fn check_nesting(bytes: &[u8]) -> Result<(), ReadError> {
    Nesting::default().feed(bytes)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
