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
//!   Zero-width characters (U+200B/C/D, U+2060, U+FEFF) pasted from web pages are dropped.
//! - `w:tbl` → a [`TableKind::Markup`] table. `w:gridSpan` is the colspan; a vertical merge
//!   (`w:vMerge` restart … continue) becomes a rowspan on the restarting cell, and the
//!   continuation cells are dropped (the layout step expands merged cells again). Columns at
//!   the right edge that hold no text in any row are dropped, as in HTML. A cell's
//!   text is its paragraphs joined without separator. A table nested in a cell is flattened
//!   into that cell's text.
//! - Deleted or moved-away revision text (`w:del`, `w:moveFrom`) and the VML fallback of
//!   drawings (`mc:Fallback`, which repeats text boxes) are skipped, and so is the record of
//!   changed paragraph properties (`w:pPrChange`).
//! - Automatic numbering: a paragraph numbered by a Word list (`w:numPr` in its properties, or
//!   in its paragraph style, `basedOn` followed) gets the number Word prints in front of its
//!   text (`一、`, `（二）`, `3.`), computed from `word/numbering.xml` as Word counts: one
//!   counter per level of each abstract list, a deeper level restarting after a shallower item,
//!   `w:startOverride` applied on a list instance's first paragraph; `w:lvlText` with its
//!   `%1`…`%9`, `w:numFmt` (decimal, Chinese counting and legal, 甲乙丙, circled and
//!   parenthesised digits, letters, roman, full-width), `w:isLgl`, and `w:suff` (a tab, a space
//!   or nothing after the number). Reports number their headings this way, and without the
//!   number a heading is not recognised. The number maps to the paragraph's `w:pPr`. Limits:
//!   bullets print nothing; `w:lvlRestart`, `w:numStyleLink` and numbering set in the
//!   document defaults are not followed; a numbering or styles part that is missing, too large
//!   or broken leaves paragraphs unnumbered rather than refusing the document.
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
/// List definitions of automatic numbering.
const NUMBERING_PART: &str = "word/numbering.xml";
/// Paragraph styles, which may carry numbering.
const STYLES_PART: &str = "word/styles.xml";

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
    let numbering = Numbering::from_parts(
        optional_part(bytes, NUMBERING_PART).as_deref(),
        optional_part(bytes, STYLES_PART).as_deref(),
    );
    let blocks = parse(&source, numbering)?;
    Ok((source, blocks))
}

/// A part other than the main one, if present, readable, bounded and UTF-8; `None` otherwise
/// (such parts only add to what the main part says).
fn optional_part(bytes: &[u8], name: &str) -> Option<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let entry = archive.by_name(name).ok()?;
    if entry.encrypted() || entry.size() > MAX_DOCUMENT_XML_BYTES {
        return None;
    }
    let mut xml = Vec::new();
    entry
        .take(MAX_DOCUMENT_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .ok()?;
    if xml.len() as u64 > MAX_DOCUMENT_XML_BYTES {
        return None;
    }
    String::from_utf8(xml).ok()
}

/// Levels a Word list has.
const LIST_LEVELS: usize = 9;

/// One level of an abstract list.
#[derive(Clone, Debug, Default)]
struct ListLevel {
    start: Option<i64>,
    format: String,
    text: Option<String>,
    suffix: Option<String>,
    legal: bool,
    style: Option<String>,
}

/// A list instance (`w:num`): its abstract list and start overrides by level.
#[derive(Clone, Debug, Default)]
struct ListInstance {
    abstract_id: String,
    start_overrides: Vec<(usize, i64)>,
}

/// Word's automatic numbering: definitions, style links, and the counters while reading.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, Vec<ListLevel>>,
    instances: HashMap<String, ListInstance>,
    /// Paragraph style → (numId, ilvl) after `basedOn`.
    styles: HashMap<String, (Option<String>, Option<usize>)>,
    /// Abstract list → the last number printed at each level (`None`: not started).
    counters: HashMap<String, [Option<i64>; LIST_LEVELS]>,
    /// List instances whose start overrides were applied.
    started: Vec<String>,
}

/// The numbering a paragraph's own properties ask for.
#[derive(Clone, Debug, Default)]
struct ParagraphNumbering {
    style: Option<String>,
    level: Option<usize>,
    instance: Option<String>,
    /// Inside `w:numPr` (where `w:ilvl`/`w:numId` belong).
    in_num_pr: bool,
}

/// The value of attribute `name` (any prefix) of an element.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.into_owned())
}

fn level_index(value: Option<String>) -> Option<usize> {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&l| l < LIST_LEVELS)
}

impl Numbering {
    fn from_parts(numbering: Option<&str>, styles: Option<&str>) -> Self {
        let mut this = Self::default();
        if let Some(xml) = numbering {
            if this.read_numbering(xml).is_err() {
                this.abstracts.clear();
                this.instances.clear();
            }
        }
        if let Some(xml) = styles {
            let mut own = HashMap::new();
            let mut based_on = HashMap::new();
            if read_styles(xml, &mut own, &mut based_on).is_ok() {
                for id in own.keys().chain(based_on.keys()) {
                    if let Some(found) = style_numbering(id, &own, &based_on) {
                        this.styles.insert(id.clone(), found);
                    }
                }
            }
        }
        this
    }

    fn read_numbering(&mut self, xml: &str) -> Result<(), quick_xml::Error> {
        let mut reader = NsReader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut level: Option<usize> = None;
        let mut instance: Option<String> = None;
        let mut override_level: Option<usize> = None;
        loop {
            let (ns, event) = reader.read_resolved_event()?;
            let word = matches!(ns, ResolveResult::Bound(ns) if matches!(ns.0, W_MAIN | W_STRICT));
            match event {
                Event::Start(e) | Event::Empty(e) if word => {
                    let local = e.local_name();
                    match local.as_ref() {
                        "abstractNum" => {
                            abstract_id = attr(&e, "abstractNumId");
                            if let Some(id) = &abstract_id {
                                self.abstracts
                                    .insert(id.clone(), vec![ListLevel::default(); LIST_LEVELS]);
                            }
                        }
                        "lvl" => level = level_index(attr(&e, "ilvl")),
                        "num" => {
                            instance = attr(&e, "numId");
                            if let Some(id) = &instance {
                                self.instances.insert(id.clone(), ListInstance::default());
                            }
                        }
                        "lvlOverride" => override_level = level_index(attr(&e, "ilvl")),
                        "abstractNumId" => {
                            if let (Some(id), Some(value)) = (&instance, val(&e)) {
                                if let Some(i) = self.instances.get_mut(id) {
                                    i.abstract_id = value;
                                }
                            }
                        }
                        "startOverride" => {
                            let start = val(&e).and_then(|v| v.trim().parse::<i64>().ok());
                            if let (Some(id), Some(l), Some(start)) =
                                (&instance, override_level, start)
                            {
                                if let Some(i) = self.instances.get_mut(id) {
                                    i.start_overrides.push((l, start));
                                }
                            }
                        }
                        name => {
                            let target = match (&abstract_id, level, &instance) {
                                (Some(id), Some(l), None) => {
                                    self.abstracts.get_mut(id).and_then(|v| v.get_mut(l))
                                }
                                _ => None,
                            };
                            if let Some(target) = target {
                                match name {
                                    "start" => {
                                        target.start =
                                            val(&e).and_then(|v| v.trim().parse::<i64>().ok());
                                    }
                                    "numFmt" => target.format = val(&e).unwrap_or_default(),
                                    "lvlText" => target.text = val(&e),
                                    "suff" => target.suffix = val(&e),
                                    "isLgl" => {
                                        target.legal =
                                            val(&e).is_none_or(|v| v != "0" && v != "false");
                                    }
                                    "pStyle" => target.style = val(&e),
                                    _ => {}
                                }
                            }
                        }
                    }
                }
                Event::End(e) if word => match e.local_name().as_ref() {
                    "abstractNum" => abstract_id = None,
                    "lvl" => level = None,
                    "num" => instance = None,
                    "lvlOverride" => override_level = None,
                    _ => {}
                },
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// The number Word prints before a paragraph with these properties, counting it.
    fn label(&mut self, paragraph: &ParagraphNumbering) -> Option<String> {
        let from_style = paragraph
            .style
            .as_ref()
            .and_then(|s| self.styles.get(s))
            .cloned()
            .unwrap_or_default();
        let instance_id = paragraph.instance.clone().or(from_style.0)?;
        let instance = self.instances.get(&instance_id)?.clone();
        let levels = self.abstracts.get(&instance.abstract_id)?;
        let level = paragraph
            .level
            .or(from_style.1)
            .or_else(|| {
                let style = paragraph.style.as_ref()?;
                levels.iter().position(|l| l.style.as_ref() == Some(style))
            })
            .unwrap_or(0);
        let definition = levels.get(level)?.clone();
        let counters = self
            .counters
            .entry(instance.abstract_id.clone())
            .or_insert([None; LIST_LEVELS]);
        if !self.started.contains(&instance_id) {
            self.started.push(instance_id);
            for &(l, start) in &instance.start_overrides {
                counters[l] = Some(start - 1);
            }
        }
        let current = counters[level].map_or(definition.start.unwrap_or(1), |c| c + 1);
        counters[level] = Some(current);
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        if definition.format == "bullet" || definition.format == "none" {
            return None;
        }
        let pattern = definition.text.as_deref()?;
        let mut label = String::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            let referenced = (c == '%')
                .then(|| chars.peek().and_then(|d| d.to_digit(10)))
                .flatten()
                .and_then(|d| usize::try_from(d).ok())
                .filter(|d| (1..=LIST_LEVELS).contains(d));
            let Some(d) = referenced else {
                label.push(c);
                continue;
            };
            chars.next();
            let shown = &levels[d - 1];
            let value = counters[d - 1].unwrap_or(shown.start.unwrap_or(1));
            let format = if definition.legal {
                "decimal"
            } else {
                shown.format.as_str()
            };
            label.push_str(&format_number(value, format));
        }
        label.push_str(match definition.suffix.as_deref() {
            Some("nothing") => "",
            Some("space") => " ",
            _ => "\t",
        });
        Some(label)
    }
}

/// Reads each paragraph style's own numbering and its `basedOn`.
fn read_styles(
    xml: &str,
    own: &mut HashMap<String, (Option<String>, Option<usize>)>,
    based_on: &mut HashMap<String, String>,
) -> Result<(), quick_xml::Error> {
    let mut reader = NsReader::from_str(xml);
    let mut style: Option<String> = None;
    loop {
        let (ns, event) = reader.read_resolved_event()?;
        let word = matches!(ns, ResolveResult::Bound(ns) if matches!(ns.0, W_MAIN | W_STRICT));
        match event {
            Event::Start(e) | Event::Empty(e) if word => {
                let Some(id) = &style else {
                    if e.local_name().as_ref() == "style"
                        && attr(&e, "type").as_deref() == Some("paragraph")
                    {
                        style = attr(&e, "styleId");
                    }
                    continue;
                };
                match e.local_name().as_ref() {
                    "basedOn" => {
                        if let Some(parent) = val(&e) {
                            based_on.insert(id.clone(), parent);
                        }
                    }
                    "numId" => own.entry(id.clone()).or_default().0 = val(&e),
                    "ilvl" => own.entry(id.clone()).or_default().1 = level_index(val(&e)),
                    _ => {}
                }
            }
            Event::End(e) if word && e.local_name().as_ref() == "style" => style = None,
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// A style's numbering, its own or inherited through `basedOn` (a chain of at most 16).
fn style_numbering(
    id: &str,
    own: &HashMap<String, (Option<String>, Option<usize>)>,
    based_on: &HashMap<String, String>,
) -> Option<(Option<String>, Option<usize>)> {
    let mut current = id;
    for _ in 0..16 {
        if let Some(found) = own.get(current) {
            if found.0.is_some() {
                return Some(found.clone());
            }
        }
        current = based_on.get(current)?;
    }
    None
}

/// A list number in a `w:numFmt` format; formats not known here, and values outside a
/// format's range, are written in decimal.
fn format_number(value: i64, format: &str) -> String {
    const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";
    const PARENTHESISED: &str = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇";
    const STEMS: &str = "甲乙丙丁戊己庚辛壬癸";
    let nth = |set: &str, limit: i64| {
        (1..=limit)
            .contains(&value)
            .then(|| set.chars().nth(usize::try_from(value - 1).unwrap_or(0)))
            .flatten()
            .map(String::from)
    };
    let shown = match format {
        "chineseCounting" | "taiwaneseCounting" => {
            chinese_number(value, "〇一二三四五六七八九", "十百千", true)
        }
        "chineseCountingThousand" | "taiwaneseCountingThousand" => {
            chinese_number(value, "零一二三四五六七八九", "十百千", true)
        }
        "chineseLegalSimplified" => chinese_number(value, "零壹贰叁肆伍陆柒捌玖", "拾佰仟", false),
        "ideographTraditional" => nth(STEMS, 10),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => nth(CIRCLED, 20),
        "decimalEnclosedParen" => nth(PARENTHESISED, 20),
        "decimalZero" if (0..10).contains(&value) => Some(format!("0{value}")),
        "decimalFullWidth" | "decimalFullWidth2" => Some(
            value
                .to_string()
                .chars()
                .map(|c| match c.to_digit(10) {
                    Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
                    None => c,
                })
                .collect(),
        ),
        "lowerLetter" | "upperLetter" if value >= 1 => {
            // Word repeats the letter: a … z, aa … zz.
            let index = u8::try_from((value - 1) % 26).unwrap_or(0);
            let times = usize::try_from((value - 1) / 26 + 1).unwrap_or(1).min(64);
            let letter = char::from(b'a' + index);
            let letters = letter.to_string().repeat(times);
            Some(if format == "upperLetter" {
                letters.to_uppercase()
            } else {
                letters
            })
        }
        "lowerRoman" | "upperRoman" => roman(value).map(|r| {
            if format == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            }
        }),
        _ => None,
    };
    shown.unwrap_or_else(|| value.to_string())
}

/// 1–9999 in Chinese numerals (`十一`, `二十`, `一百零五`); `None` outside.
fn chinese_number(value: i64, digits: &str, units: &str, short_ten: bool) -> Option<String> {
    if !(1..=9999).contains(&value) {
        return None;
    }
    let digits: Vec<char> = digits.chars().collect();
    let units: Vec<char> = units.chars().collect();
    let places = [value / 1000, value / 100 % 10, value / 10 % 10, value % 10];
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, &d) in places.iter().enumerate() {
        if d == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if pending_zero {
            out.push(digits[0]);
            pending_zero = false;
        }
        out.push(digits[usize::try_from(d).ok()?]);
        if i < 3 {
            out.push(units[2 - i]);
        }
    }
    if short_ten && (10..20).contains(&value) {
        out.remove(0);
    }
    Some(out)
}

/// 1–3999 in roman numerals.
fn roman(mut value: i64) -> Option<String> {
    if !(1..4000).contains(&value) {
        return None;
    }
    let mut out = String::new();
    for (n, s) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while value >= n {
            out.push_str(s);
            value -= n;
        }
    }
    Some(out)
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
    /// A paragraph's properties (`w:pPr`), where its numbering is set.
    ParagraphProperties,
    /// A paragraph's list numbering (`w:numPr`).
    NumberingProperties,
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
    /// Automatic numbering.
    numbering: Numbering,
    /// The numbering asked for by each open paragraph's properties.
    paragraph_numbering: Vec<ParagraphNumbering>,
}

fn parse(source: &Source, numbering: Numbering) -> Result<Vec<RawBlock>, ReadError> {
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
        numbering,
        paragraph_numbering: Vec::new(),
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
        "pPr" => Tag::ParagraphProperties,
        "numPr" => Tag::NumberingProperties,
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
        if (in_word && matches!(local, "del" | "moveFrom" | "pPrChange"))
            || (ns == Ns::Compatibility && local == "Fallback")
        {
            self.skip_from = Some(self.stack.len());
            return Ok(());
        }
        match tag {
            Tag::Paragraph => {
                self.paragraphs.push(MappedText::default());
                self.paragraph_numbering.push(ParagraphNumbering::default());
            }
            Tag::NumberingProperties if self.in_paragraph_properties() => {
                if let Some(n) = self.paragraph_numbering.last_mut() {
                    n.in_num_pr = true;
                }
            }
            Tag::Other if in_word && self.in_paragraph_properties() => {
                if let Some(n) = self.paragraph_numbering.last_mut() {
                    match local {
                        "pStyle" => n.style = val(e),
                        "ilvl" if n.in_num_pr => n.level = level_index(val(e)),
                        "numId" if n.in_num_pr => n.instance = val(e),
                        _ => {}
                    }
                }
            }
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

    /// Whether the innermost paragraph's own `w:pPr` is open (not a run's or a table's).
    fn in_paragraph_properties(&self) -> bool {
        let mut open = self.stack.iter().rev();
        for tag in open.by_ref() {
            match tag {
                Tag::ParagraphProperties => {
                    return open.next() == Some(&Tag::Paragraph);
                }
                Tag::NumberingProperties | Tag::Other => {}
                _ => return false,
            }
        }
        false
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
            Tag::ParagraphProperties if self.stack.last() == Some(&Tag::Paragraph) => {
                // Properties come first in a paragraph: its list number goes in front.
                let Some(asked) = self.paragraph_numbering.last() else {
                    return;
                };
                if asked.instance.as_deref() == Some("0") {
                    return; // numbering switched off for this paragraph
                }
                let asked = asked.clone();
                if let Some(label) = self.numbering.label(&asked) {
                    if let Some(p) = self.paragraphs.last_mut() {
                        p.push_mapped(&label, Span::new(end, end));
                    }
                }
            }
            Tag::Paragraph => {
                self.paragraph_numbering.pop();
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
                        let mut raw = RawTable {
                            span: Span::new(table.start, end),
                            rows: table.rows,
                            kind: TableKind::Markup,
                        };
                        super::html::drop_empty_trailing_columns(&mut raw);
                        self.blocks.push(RawBlock::Table(raw));
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
            Some(text) if text.chars().all(super::html::is_zero_width) => {}
            Some(text) => paragraph.push_mapped(text, Span::new(start, end)),
            None => {
                // Zero-width characters (pasted from web pages) are read as nothing.
                let raw = &self.text[start..end];
                let mut from = 0;
                for (at, c) in raw.char_indices() {
                    if super::html::is_zero_width(c) {
                        paragraph.push_verbatim(&raw[from..at], start + from);
                        from = at + c.len_utf8();
                    }
                }
                paragraph.push_verbatim(&raw[from..], start + from);
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn package(parts: &[(&str, String)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, xml) in parts {
            writer.start_file(*name, options).expect("start part");
            writer.write_all(xml.as_bytes()).expect("write part");
        }
        writer.finish().expect("finish").into_inner()
    }

    fn paragraphs(bytes: &[u8]) -> Vec<String> {
        let (_, blocks) = read("t.docx", bytes).expect("readable");
        blocks
            .into_iter()
            .filter_map(|b| match b {
                RawBlock::Paragraph(p) => Some(p.text),
                RawBlock::Table(_) => None,
            })
            .collect()
    }

    fn numbered(ppr: &str, text: &str) -> String {
        format!("<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn direct(level: u8, num: u8) -> String {
        format!("<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num}\"/></w:numPr>")
    }

    const NUMBERING: &str = "<w:abstractNum w:abstractNumId=\"7\">\
        <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/>\
        <w:suff w:val=\"nothing\"/><w:lvlText w:val=\"%1、\"/></w:lvl>\
        <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/>\
        <w:suff w:val=\"nothing\"/><w:lvlText w:val=\"（%2）\"/></w:lvl>\
        <w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>\
        <w:lvlText w:val=\"%1.%3\"/><w:isLgl/></w:lvl></w:abstractNum>\
        <w:num w:numId=\"1\"><w:abstractNumId w:val=\"7\"/></w:num>\
        <w:num w:numId=\"2\"><w:abstractNumId w:val=\"7\"/>\
        <w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"5\"/></w:lvlOverride></w:num>";

    const STYLES: &str = "<w:style w:type=\"paragraph\" w:styleId=\"H1\"><w:pPr><w:numPr>\
        <w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>\
        <w:style w:type=\"paragraph\" w:styleId=\"MyHeading\"><w:basedOn w:val=\"H1\"/></w:style>";

    fn report(body: &str) -> Vec<u8> {
        package(&[
            (
                "word/document.xml",
                format!("<w:document {W}><w:body>{body}</w:body></w:document>"),
            ),
            (
                "word/numbering.xml",
                format!("<w:numbering {W}>{NUMBERING}</w:numbering>"),
            ),
            (
                "word/styles.xml",
                format!("<w:styles {W}>{STYLES}</w:styles>"),
            ),
        ])
    }

    #[test]
    fn list_numbers_are_printed_as_word_counts_them() {
        let body = [
            numbered("<w:pStyle w:val=\"H1\"/>", "总体情况"),
            numbered(&direct(1, 1), "主动公开"),
            numbered(&direct(1, 1), "依申请公开"),
            // Level 3 shows level 1 too, in decimal (`w:isLgl`), then a tab.
            numbered(&direct(2, 1), "子项"),
            // Through a style based on the numbered style; level 1 restarts.
            numbered("<w:pStyle w:val=\"MyHeading\"/>", "主动公开政府信息情况"),
            numbered(&direct(1, 1), "规章"),
            // Numbering switched off, and a changed-properties record that must not count.
            numbered(
                "<w:pStyle w:val=\"H1\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr>",
                "不编号",
            ),
            numbered(
                &format!(
                    "<w:pPrChange w:id=\"1\"><w:pPr>{}</w:pPr></w:pPrChange>",
                    direct(0, 1)
                ),
                "正文",
            ),
            // A second instance of the same list starting at 5.
            numbered(&direct(0, 2), "其他需要报告的事项"),
        ]
        .concat();
        assert_eq!(
            paragraphs(&report(&body)),
            [
                "一、总体情况",
                "（一）主动公开",
                "（二）依申请公开",
                "1.1\t子项",
                "二、主动公开政府信息情况",
                "（一）规章",
                "不编号",
                "正文",
                "五、其他需要报告的事项",
            ]
        );
    }

    #[test]
    fn numbering_without_definitions_or_with_broken_ones_is_left_out() {
        let body = numbered(&direct(0, 1), "总体情况");
        let document = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        let missing = package(&[("word/document.xml", document.clone())]);
        assert_eq!(paragraphs(&missing), ["总体情况"]);
        let broken = package(&[
            ("word/document.xml", document),
            (
                "word/numbering.xml",
                format!("<w:numbering {W}><w:abstractNum>"),
            ),
        ]);
        assert_eq!(paragraphs(&broken), ["总体情况"]);
    }

    #[test]
    fn zero_width_characters_are_dropped() {
        let body = "<w:p><w:r><w:t>\u{200b}一、总体情况</w:t></w:r></w:p>\
                    <w:p><w:r><w:t>收到2\u{feff}6件</w:t></w:r></w:p>";
        let bytes = package(&[(
            "word/document.xml",
            format!("<w:document {W}><w:body>{body}</w:body></w:document>"),
        )]);
        assert_eq!(paragraphs(&bytes), ["一、总体情况", "收到26件"]);
    }

    #[test]
    fn list_number_formats() {
        let cases = [
            (1, "chineseCounting", "一"),
            (10, "chineseCounting", "十"),
            (11, "chineseCounting", "十一"),
            (20, "chineseCounting", "二十"),
            (105, "chineseCountingThousand", "一百零五"),
            (110, "chineseCounting", "一百一十"),
            (11, "chineseLegalSimplified", "壹拾壹"),
            (3, "ideographTraditional", "丙"),
            (3, "decimalEnclosedCircle", "③"),
            (2, "decimalEnclosedParen", "⑵"),
            (27, "lowerLetter", "aa"),
            (2, "upperLetter", "B"),
            (4, "upperRoman", "IV"),
            (9, "lowerRoman", "ix"),
            (7, "decimalZero", "07"),
            (12, "decimalFullWidth", "１２"),
            (21, "decimalEnclosedCircle", "21"),
            (3, "someFutureFormat", "3"),
        ];
        for (value, format, want) in cases {
            assert_eq!(format_number(value, format), want, "{value} as {format}");
        }
    }
}
