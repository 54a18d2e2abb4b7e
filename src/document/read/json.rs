//! JSON reader: a report's structured data in the `regulint-report/1` schema
//! (documented in `docs/json-input.md`).
//!
//! serde_json does not report where a value sits, and every block regulint emits needs a span,
//! so this module has its own small JSON parser ([`parse`]) that keeps the byte span of every
//! value and maps each string's characters back to the source (escapes such as `\n` or
//! `\u4e00` map as a whole). The parser is strict (RFC 8259: no comments, no trailing commas,
//! no duplicate keys) and bounded in depth ([`MAX_DEPTH`]).
//!
//! The schema is then walked into raw blocks, the same blocks a text report gives:
//! - the title and preamble as paragraphs;
//! - each section as a heading paragraph synthesised from its number and title (`一、总体情况`,
//!   `（一）…`, `1.…` by nesting level; the marker maps to the `number` value, the title to the
//!   `title` string), then its paragraphs, its table, and its subsections;
//! - `tables.table2` / `table3` / `table4` as [`TableKind::Markup`] tables placed in sections
//!   二 / 三 / 四 (at the end of the document when that section is missing). Column paths
//!   become header rows with colspans and rowspans, label paths become label columns with
//!   rowspans, exactly as Word or HTML would merge them. Each cell's span is its JSON value.
//!
//! Schema errors name the JSON path, e.g. `tables.table3.rows[4].values[2]: expected a number,
//! null, or a string holding a number or a mark such as "/"`.

use super::super::ReadError;
use super::super::mapped::MappedText;
use super::super::model::{RawBlock, RawCell, RawRow, RawTable, TableKind};
use super::super::normalize::chinese_number;
use super::super::value::CellValue;
use crate::source::Span;

/// The schema identifier this reader understands.
pub const SCHEMA: &str = "regulint-report/1";

/// Deepest nesting of arrays and objects followed.
pub const MAX_DEPTH: usize = 64;

/// Deepest section nesting (`一、` › `（一）` › `1.`).
const MAX_SECTION_LEVEL: usize = 3;

/// Reads structured JSON into raw blocks.
///
/// # Errors
/// [`ReadError::Malformed`] when the text is not JSON (the message names line, column and
/// byte offset) or does not follow the schema (the message names the JSON path).
pub fn read(text: &str) -> Result<Vec<RawBlock>, ReadError> {
    let root = parse(text).map_err(|e| {
        let (line, column) = line_col(text, e.offset);
        malformed(format!(
            "invalid JSON at line {line}, column {column} (byte {}): {}",
            e.offset, e.message
        ))
    })?;
    Report::default()
        .read(&root)
        .map_err(|e| malformed(format!("{}: {}", e.path, e.message)))
}

fn malformed(message: String) -> ReadError {
    ReadError::Malformed {
        format: "json",
        message,
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

// ---------------------------------------------------------------------------------------------
// A JSON parser that keeps spans
// ---------------------------------------------------------------------------------------------

/// A JSON value with its span (for a string: the span of the whole literal, quotes included).
#[derive(Clone, Debug)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it is.
    pub span: Span,
}

/// A JSON value.
#[derive(Clone, Debug)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false` (no field of the schema takes one)
    Bool,
    /// A number, as written.
    Number(String),
    /// A string, unescaped, mapped to its source bytes.
    String(MappedText),
    /// An array.
    Array(Vec<Node>),
    /// An object's members in order; keys are unique.
    Object(Vec<(String, Node)>),
}

/// Why the text is not JSON.
#[derive(Debug)]
pub struct SyntaxError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses JSON text, keeping spans.
///
/// # Errors
/// [`SyntaxError`] at the first byte that is not valid JSON, on duplicate keys, and on nesting
/// deeper than [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    parser.skip_ws();
    let node = parser.value(0)?;
    parser.skip_ws();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("unexpected text after the JSON value"));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message: message.into(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn found(&self) -> String {
        match self.text[self.pos..].chars().next() {
            Some(c) => format!("found {c:?}"),
            None => "found the end of the text".to_owned(),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            Some(b't') => self.literal("true", Value::Bool)?,
            Some(b'f') => self.literal("false", Value::Bool)?,
            Some(b'n') => self.literal("null", Value::Null)?,
            _ => return Err(self.error(format!("expected a value, {}", self.found()))),
        };
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(format!("expected a value, {}", self.found())))
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, SyntaxError> {
        if depth >= MAX_DEPTH {
            return Err(self.error(format!(
                "arrays and objects nest more than {MAX_DEPTH} deep"
            )));
        }
        Ok(depth + 1)
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut members: Vec<(String, Node)> = Vec::new();
        // Keys seen so far, for the duplicate check in linear time (an object with 100,000
        // keys must not take a quadratic scan).
        let mut keys: std::collections::HashSet<String> = std::collections::HashSet::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error(format!("expected a key in quotes, {}", self.found())));
            }
            let key_start = self.pos;
            let key = self.string()?.text;
            if !keys.insert(key.clone()) {
                self.pos = key_start;
                return Err(self.error(format!("duplicate key {key:?}")));
            }
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error(format!("expected ':' after a key, {}", self.found())));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error(format!("expected ',' or '}}', {}", self.found()))),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error(format!("expected ',' or ']', {}", self.found()))),
            }
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos > from
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        if self.bytes.get(self.pos) == Some(&b'0') {
            self.pos += 1;
        } else if !digits(self) {
            return Err(self.error("expected a digit"));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("expected a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        Ok(self.text[start..self.pos].to_owned())
    }

    /// A string literal at `pos` (on the opening quote): its text, mapped.
    fn string(&mut self) -> Result<MappedText, SyntaxError> {
        self.pos += 1;
        let mut text = MappedText::default();
        let mut run_start = self.pos;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error("the string is not closed"));
            };
            match b {
                b'"' => {
                    text.push_verbatim(&self.text[run_start..self.pos], run_start);
                    self.pos += 1;
                    return Ok(text);
                }
                b'\\' => {
                    text.push_verbatim(&self.text[run_start..self.pos], run_start);
                    let escape_start = self.pos;
                    let c = self.escape()?;
                    let mut buf = [0u8; 4];
                    text.push_mapped(c.encode_utf8(&mut buf), Span::new(escape_start, self.pos));
                    run_start = self.pos;
                }
                0x00..=0x1F => {
                    return Err(
                        self.error("control character in a string (write it as \\n or \\t)")
                    );
                }
                _ => self.pos += 1,
            }
        }
    }

    /// An escape at `pos` (on the backslash).
    fn escape(&mut self) -> Result<char, SyntaxError> {
        self.pos += 1;
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err(self.error("the string is not closed"));
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                if (0xD800..0xDC00).contains(&high) {
                    if !self.text[self.pos..].starts_with("\\u") {
                        return Err(self.error("a high surrogate must be followed by a low one"));
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error("invalid low surrogate"));
                    }
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))?
                } else {
                    char::from_u32(high).ok_or_else(|| self.error("lone low surrogate"))?
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.error(format!("invalid escape \\{}", char::from(b))));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("expected four hex digits after \\u"))?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("expected four hex digits"))
    }
}

// ---------------------------------------------------------------------------------------------
// The schema
// ---------------------------------------------------------------------------------------------

/// A schema error: where (a JSON path) and what.
struct SchemaError {
    path: String,
    message: String,
}

fn schema_error(path: &str, message: impl Into<String>) -> SchemaError {
    SchemaError {
        path: if path.is_empty() {
            "(top level)".to_owned()
        } else {
            path.to_owned()
        },
        message: message.into(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// An object's members, checked against the allowed keys.
struct Fields<'a> {
    path: String,
    members: &'a [(String, Node)],
}

impl<'a> Fields<'a> {
    fn new(node: &'a Node, path: &str, allowed: &[&str]) -> Result<Self, SchemaError> {
        let Value::Object(members) = &node.value else {
            return Err(schema_error(
                path,
                format!("expected an object, found {}", kind(&node.value)),
            ));
        };
        if let Some((key, _)) = members.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            return Err(schema_error(
                &join(path, key),
                format!("unknown field; expected one of: {}", allowed.join(", ")),
            ));
        }
        Ok(Self {
            path: path.to_owned(),
            members,
        })
    }

    fn get(&self, key: &str) -> Option<&'a Node> {
        self.members
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v.value, Value::Null))
    }

    fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn required(&self, key: &str) -> Result<&'a Node, SchemaError> {
        self.get(key)
            .ok_or_else(|| schema_error(&self.path(key), "missing required field"))
    }
}

fn string<'a>(node: &'a Node, path: &str) -> Result<&'a MappedText, SchemaError> {
    match &node.value {
        Value::String(s) => Ok(s),
        other => Err(schema_error(
            path,
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

fn array<'a>(node: &'a Node, path: &str) -> Result<&'a [Node], SchemaError> {
    match &node.value {
        Value::Array(items) => Ok(items),
        other => Err(schema_error(
            path,
            format!("expected an array, found {}", kind(other)),
        )),
    }
}

/// A string or an array of strings (a title in lines, a label or column path).
fn strings<'a>(node: &'a Node, path: &str) -> Result<Vec<(&'a MappedText, Span)>, SchemaError> {
    match &node.value {
        Value::String(s) => Ok(vec![(s, content_span(node, s))]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let s = string(item, &format!("{path}[{i}]"))?;
                Ok((s, content_span(item, s)))
            })
            .collect(),
        other => Err(schema_error(
            path,
            format!(
                "expected a string or an array of strings, found {}",
                kind(other)
            ),
        )),
    }
}

/// The span of a string's content (inside the quotes), or of the literal when it is empty.
fn content_span(node: &Node, text: &MappedText) -> Span {
    text.span().unwrap_or(node.span)
}

/// Which tables the schema has, and the section each belongs to.
const TABLES: [(&str, u32); 3] = [("table2", 2), ("table3", 3), ("table4", 4)];

/// Reads the schema into blocks.
#[derive(Default)]
struct Report {
    blocks: Vec<RawBlock>,
}

impl Report {
    fn read(mut self, root: &Node) -> Result<Vec<RawBlock>, SchemaError> {
        let fields = Fields::new(
            root,
            "",
            &[
                "schema", "title", "agency", "year", "preamble", "sections", "tables",
            ],
        )?;
        let schema = string(fields.required("schema")?, "schema")?;
        if schema.text != SCHEMA {
            return Err(schema_error(
                "schema",
                format!(
                    "unsupported schema {:?}; this regulint reads {SCHEMA:?}",
                    schema.text
                ),
            ));
        }
        if let Some(agency) = fields.get("agency") {
            string(agency, "agency")?;
        }
        if let Some(year) = fields.get("year") {
            let ok = matches!(&year.value, Value::Number(n) if n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return Err(schema_error(
                    "year",
                    "expected a four-digit year such as 2023",
                ));
            }
        }
        for (line, _) in strings(fields.required("title")?, "title")? {
            self.paragraph(line.clone());
        }
        if let Some(preamble) = fields.get("preamble") {
            for (i, p) in array(preamble, "preamble")?.iter().enumerate() {
                let text = string(p, &format!("preamble[{i}]"))?;
                self.paragraph(text.clone());
            }
        }

        let mut tables: Vec<(u32, RawTable)> = Vec::new();
        if let Some(node) = fields.get("tables") {
            let keys: Vec<&str> = TABLES.iter().map(|(k, _)| *k).collect();
            let table_fields = Fields::new(node, "tables", &keys)?;
            for (key, section) in TABLES {
                if let Some(table) = table_fields.get(key) {
                    tables.push((section, read_table(table, &table_fields.path(key))?));
                }
            }
        }

        let sections = array(fields.required("sections")?, "sections")?;
        for (i, section) in sections.iter().enumerate() {
            self.section(section, &format!("sections[{i}]"), 1, i, &mut tables)?;
        }
        // Tables whose section is missing still get read, at the end.
        for (_, table) in tables {
            self.blocks.push(RawBlock::Table(table));
        }
        Ok(self.blocks)
    }

    fn paragraph(&mut self, text: MappedText) {
        self.blocks.push(RawBlock::Paragraph(text));
    }

    fn section(
        &mut self,
        node: &Node,
        path: &str,
        level: usize,
        index: usize,
        tables: &mut Vec<(u32, RawTable)>,
    ) -> Result<(), SchemaError> {
        let fields = Fields::new(
            node,
            path,
            &["number", "title", "paragraphs", "subsections"],
        )?;
        let title_node = fields.required("title")?;
        let title = string(title_node, &fields.path("title"))?;
        let (number, number_span) = match fields.get("number") {
            Some(n) => (section_number(n, &fields.path("number"))?, n.span),
            None => (
                u32::try_from(index + 1).unwrap_or(u32::MAX),
                Span::new(
                    title_node.span.start as usize,
                    title_node.span.start as usize,
                ),
            ),
        };
        let marker = match level {
            1 => format!("{}、", chinese_numeral(number)),
            2 => format!("（{}）", chinese_numeral(number)),
            _ => format!("{number}."),
        };
        let mut heading = MappedText::default();
        heading.push_mapped(&marker, number_span);
        heading.append(title);
        self.paragraph(heading);
        if let Some(paragraphs) = fields.get("paragraphs") {
            let path = fields.path("paragraphs");
            for (i, p) in array(paragraphs, &path)?.iter().enumerate() {
                let text = string(p, &format!("{path}[{i}]"))?;
                self.paragraph(text.clone());
            }
        }
        if level == 1 {
            if let Some(at) = tables.iter().position(|(s, _)| *s == number) {
                let (_, table) = tables.remove(at);
                self.blocks.push(RawBlock::Table(table));
            }
        }
        if let Some(subsections) = fields.get("subsections") {
            let path = fields.path("subsections");
            if level >= MAX_SECTION_LEVEL {
                return Err(schema_error(
                    &path,
                    format!(
                        "sections nest at most {MAX_SECTION_LEVEL} levels (一、 › （一） › 1.)"
                    ),
                ));
            }
            for (i, sub) in array(subsections, &path)?.iter().enumerate() {
                self.section(sub, &format!("{path}[{i}]"), level + 1, i, tables)?;
            }
        }
        Ok(())
    }
}

/// A section number: an integer, digits, or a Chinese numeral (`三`).
fn section_number(node: &Node, path: &str) -> Result<u32, SchemaError> {
    let parsed = match &node.value {
        Value::Number(n) => n.parse::<u32>().ok(),
        Value::String(s) => {
            let t = s.text.trim();
            t.parse::<u32>().ok().or_else(|| chinese_number(t))
        }
        _ => None,
    };
    parsed.filter(|n| (1..=99).contains(n)).ok_or_else(|| {
        schema_error(
            path,
            "expected a section number from 1 to 99, as an integer or a numeral such as \"三\"",
        )
    })
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 21 → 二十一.
fn chinese_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = (n / 10, n % 10);
    let mut out = String::new();
    if tens > 1 {
        out.push_str(DIGITS[tens as usize % 10]);
    }
    if tens > 0 {
        out.push('十');
    }
    if ones > 0 || tens == 0 {
        out.push_str(DIGITS[ones as usize]);
    }
    out
}

/// A cell of a table under construction.
fn cell(text: &str, span: Span, colspan: usize, rowspan: usize) -> RawCell {
    let mut c = RawCell::new(text, span);
    c.colspan = u16::try_from(colspan.max(1)).unwrap_or(u16::MAX);
    c.rowspan = u16::try_from(rowspan.max(1)).unwrap_or(u16::MAX);
    c
}

/// A table: one band object, or an array of bands (table 2 has one per 第二十条 item).
fn read_table(node: &Node, path: &str) -> Result<RawTable, SchemaError> {
    let bands: Vec<(&Node, String)> = match &node.value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (item, format!("{path}[{i}]")))
            .collect(),
        _ => vec![(node, path.to_owned())],
    };
    let mut parsed = Vec::with_capacity(bands.len());
    for (band, band_path) in &bands {
        parsed.push(Band::read(band, band_path)?);
    }
    let width = parsed
        .iter()
        .map(|b| b.stub_width() + b.columns.len())
        .max()
        .unwrap_or(0);
    let mut rows = Vec::new();
    for band in &parsed {
        band.emit(width, &mut rows);
    }
    Ok(RawTable {
        span: node.span,
        rows,
        kind: TableKind::Markup,
    })
}

/// One band of a table, read.
struct Band<'a> {
    node: &'a Node,
    caption: Option<(&'a MappedText, Span)>,
    stub: Option<(&'a MappedText, Span)>,
    /// Column paths.
    columns: Vec<Vec<(&'a MappedText, Span)>>,
    rows: Vec<DataRow<'a>>,
}

struct DataRow<'a> {
    span: Span,
    label: Vec<(&'a MappedText, Span)>,
    /// Cell text (a number as written, a string, or empty for null) and span.
    values: Vec<(String, Span)>,
}

impl<'a> Band<'a> {
    fn read(node: &'a Node, path: &str) -> Result<Self, SchemaError> {
        let fields = Fields::new(node, path, &["caption", "stub", "columns", "rows"])?;
        let one = |key: &str| -> Result<Option<(&'a MappedText, Span)>, SchemaError> {
            fields
                .get(key)
                .map(|n| string(n, &fields.path(key)).map(|s| (s, content_span(n, s))))
                .transpose()
        };
        let caption = one("caption")?;
        let stub = one("stub")?;
        let columns_path = fields.path("columns");
        let columns = array(fields.required("columns")?, &columns_path)?
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let p = format!("{columns_path}[{i}]");
                let path = strings(c, &p)?;
                if path.is_empty() {
                    return Err(schema_error(&p, "a column path needs at least one label"));
                }
                Ok(path)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let rows_path = fields.path("rows");
        let rows = array(fields.required("rows")?, &rows_path)?
            .iter()
            .enumerate()
            .map(|(i, r)| DataRow::read(r, &format!("{rows_path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            node,
            caption,
            stub,
            columns,
            rows,
        })
    }

    /// Label columns: the longest label path, at least one when there is a stub heading.
    fn stub_width(&self) -> usize {
        let labels = self.rows.iter().map(|r| r.label.len()).max().unwrap_or(0);
        labels.max(usize::from(self.stub.is_some()))
    }

    fn emit(&self, width: usize, rows: &mut Vec<RawRow>) {
        let stub = self.stub_width();
        let empty_at = |span: Span| Span::new(span.start as usize, span.start as usize);
        if let Some((caption, span)) = self.caption {
            rows.push(RawRow {
                span,
                cells: vec![cell(&caption.text, span, width.max(1), 1)],
            });
        }
        // Header rows from the column paths: equal prefixes side by side merge into one cell,
        // a path shorter than the deepest runs down to the last header row.
        let depth = self.columns.iter().map(Vec::len).max().unwrap_or(0);
        for level in 0..depth {
            let mut cells = Vec::new();
            if level == 0 && stub > 0 {
                let (text, span) = self.stub.map_or_else(
                    || (String::new(), empty_at(self.node.span)),
                    |(t, s)| (t.text.clone(), s),
                );
                cells.push(cell(&text, span, stub, depth));
            }
            let mut c = 0;
            while c < self.columns.len() {
                let path = &self.columns[c];
                if path.len() <= level {
                    c += 1;
                    continue;
                }
                let prefix = |p: &Vec<(&MappedText, Span)>| -> Vec<String> {
                    p.iter()
                        .take(level + 1)
                        .map(|(t, _)| t.text.clone())
                        .collect()
                };
                let mine = prefix(path);
                let mut span_cols = 1;
                while c + span_cols < self.columns.len()
                    && self.columns[c + span_cols].len() > level
                    && prefix(&self.columns[c + span_cols]) == mine
                    && path.len() > level + 1
                {
                    span_cols += 1;
                }
                let rowspan = if path.len() == level + 1 {
                    depth - level
                } else {
                    1
                };
                let (text, span) = path[level];
                cells.push(cell(&text.text, span, span_cols, rowspan));
                c += span_cols;
            }
            let span = cells
                .iter()
                .map(|c| c.span)
                .reduce(Span::cover)
                .unwrap_or_else(|| empty_at(self.node.span));
            rows.push(RawRow { span, cells });
        }
        // Data rows: label paths become label columns; a group label equal to the one above
        // (with the same path before it) is one cell spanning both rows, as Word merges it.
        let continued: Vec<Vec<bool>> = self
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                (0..row.label.len())
                    .map(|level| r > 0 && same_group(&self.rows[r - 1].label, &row.label, level))
                    .collect()
            })
            .collect();
        for (r, row) in self.rows.iter().enumerate() {
            let mut cells = Vec::new();
            for (level, (text, span)) in row.label.iter().enumerate() {
                if continued[r][level] {
                    continue;
                }
                let rowspan = 1 + continued[r + 1..]
                    .iter()
                    .take_while(|c| c.get(level).copied().unwrap_or(false))
                    .count();
                let colspan = if level + 1 == row.label.len() {
                    stub - level
                } else {
                    1
                };
                cells.push(cell(&text.text, *span, colspan, rowspan));
            }
            if row.label.is_empty() && stub > 0 {
                cells.push(cell("", empty_at(row.span), stub, 1));
            }
            for (text, span) in &row.values {
                cells.push(cell(text, *span, 1, 1));
            }
            rows.push(RawRow {
                span: row.span,
                cells,
            });
        }
    }
}

/// Whether two label paths share a group at `level`: equal up to it, and both go deeper
/// (the last label of a path is the row's own item, never merged).
fn same_group(a: &[(&MappedText, Span)], b: &[(&MappedText, Span)], level: usize) -> bool {
    a.len() > level + 1
        && b.len() > level + 1
        && a[..=level]
            .iter()
            .zip(&b[..=level])
            .all(|((x, _), (y, _))| x.text == y.text)
}

impl<'a> DataRow<'a> {
    fn read(node: &'a Node, path: &str) -> Result<Self, SchemaError> {
        let fields = Fields::new(node, path, &["label", "values"])?;
        let label = match fields.get("label") {
            Some(l) => strings(l, &fields.path("label"))?,
            None => Vec::new(),
        };
        let values_path = fields.path("values");
        let values = array(fields.required("values")?, &values_path)?
            .iter()
            .enumerate()
            .map(|(i, v)| value_cell(v, &format!("{values_path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            span: node.span,
            label,
            values,
        })
    }
}

const VALUE_EXPECTED: &str =
    "expected a number, null, or a string holding a number or a mark such as \"/\"";

/// A value cell: a number as written, a string that reads as a number or a not-applicable
/// mark (`"/"`, `"20044679 元"`, `"+3"`), or null for a blank cell.
fn value_cell(node: &Node, path: &str) -> Result<(String, Span), SchemaError> {
    let (text, span) = match &node.value {
        Value::Null => return Ok((String::new(), node.span)),
        Value::Number(n) => (n.clone(), node.span),
        Value::String(s) => (s.text.clone(), content_span(node, s)),
        other => {
            return Err(schema_error(
                path,
                format!("{VALUE_EXPECTED}, found {}", kind(other)),
            ));
        }
    };
    match CellValue::parse(&text) {
        CellValue::Text { .. } => Err(schema_error(
            path,
            format!("{VALUE_EXPECTED}, found {text:?}"),
        )),
        _ => Ok((text, span)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_map_escapes_and_verbatim_runs() {
        let text = r#"["电话\n0311\u4e00"]"#;
        let node = parse(text).expect("json");
        let Value::Array(items) = node.value else {
            panic!("array");
        };
        let Value::String(s) = &items[0].value else {
            panic!("string");
        };
        assert_eq!(s.text, "电话\n0311一");
        let digits = s.text.find('0').expect("digits");
        let span = s.span_of(digits, digits + 4).expect("span");
        assert_eq!(&text[span.range()], "0311");
        let one = s.text.find('一').expect("一");
        let span = s.span_of(one, one + 3).expect("span");
        assert_eq!(&text[span.range()], r"\u4e00");
    }

    #[test]
    fn numerals() {
        assert_eq!(chinese_numeral(1), "一");
        assert_eq!(chinese_numeral(10), "十");
        assert_eq!(chinese_numeral(12), "十二");
        assert_eq!(chinese_numeral(20), "二十");
        assert_eq!(chinese_numeral(99), "九十九");
        for n in 1..=99 {
            assert_eq!(chinese_number(&chinese_numeral(n)), Some(n), "{n}");
        }
    }

    #[test]
    fn syntax_errors_name_the_place() {
        for (text, offset) in [
            ("{\"a\": [1, 2,]}", 12),
            ("{\"a\" 1}", 5),
            ("[\"open", 6),
            ("{\"a\": 1, \"a\": 2}", 9),
            ("[01]", 2),
            ("[1] x", 4),
            ("", 0),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.offset, offset, "{text}: {}", e.message);
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep).expect_err("deep").message.contains("nest"));
    }
}
