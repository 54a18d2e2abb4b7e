//! Step 0: bytes → [`Source`].
//!
//! A `Source` is the decoded UTF-8 text of one input file plus what is needed to point back
//! into it: a line index (for line:column) and a map from decoded offsets to the byte offsets
//! of the *original* file (which differ when the file was GB18030 or UTF-16, or had a BOM).
//! Every span in regulint is a [`Span`] of byte offsets into `Source::text`; renderers convert
//! to original-file offsets only at the edge, through [`Source::original_offset`].

mod decode;

pub use decode::{DecodeError, Encoding, decode};

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// A byte range into a [`Source`]'s decoded text. `Copy`, small, and free of lifetimes so that
/// documents, compiled rules and findings can outlive the text they were read from.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, PartialOrd, Ord)]
pub struct Span {
    /// Inclusive start byte offset.
    pub start: u32,
    /// Exclusive end byte offset.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end`.
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Self {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Self) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// As a `Range<usize>`, for slicing and for codespan labels.
    #[must_use]
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether the span covers no bytes.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

impl fmt::Debug for Span {
    // Compact, so that AST and model snapshots stay readable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A 1-based line and column; the column counts characters, not bytes, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where each line of `text` starts. A line ends at LF, CRLF, or a lone CR: files from old
/// Mac tools and some converters end lines with CR alone, and reading such a file as one line
/// would hide every heading.
#[must_use]
pub fn line_starts(text: &str) -> Vec<usize> {
    line_starts_in_bytes(text.as_bytes())
}

/// [`line_starts`] of undecoded bytes in an encoding whose line ends are the single bytes CR
/// and LF, never part of another character (UTF-8, GB18030).
fn line_starts_in_bytes(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            line_end_bytes(bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        )
        .collect()
}

/// Offsets of every CR and LF byte (line ends are single bytes in every encoding read this way).
fn line_end_bytes(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
}

/// How many characters start in `bytes` (bytes that are not UTF-8 continuation bytes),
/// counted a word at a time: a column on a one-line page counts up to a whole page once.
fn character_starts(bytes: &[u8]) -> usize {
    bytecount::num_chars(bytes)
}

/// One decoded input file.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name shown to users (usually the path as given).
    pub name: String,
    /// The decoded text. All spans index into this.
    pub text: String,
    /// The encoding the bytes were decoded from.
    pub encoding: Encoding,
    line_starts: Vec<usize>,
    /// For each line, the byte offset of its start in the original file.
    original_line_starts: Vec<usize>,
    /// Length of the original file in bytes.
    original_len: usize,
    /// Characters before every [`CHAR_CHECKPOINT`]-th byte, built on first use, so a column
    /// on a megabyte-long line (Word XML, one-line HTML pages) costs a short count, not a scan
    /// of the line.
    char_checkpoints: std::sync::OnceLock<Vec<usize>>,
}

/// Distance in bytes between the character-count checkpoints of a [`Source`].
const CHAR_CHECKPOINT: usize = 256;

impl Source {
    /// A source whose text is already UTF-8 (rule files, tests).
    #[must_use]
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self::new(name.into(), text.into(), Encoding::Utf8 { bom: false })
    }

    /// Decodes `bytes` (detecting the encoding unless `forced`) into a source.
    ///
    /// # Errors
    /// When the bytes are not text in any supported encoding; see [`DecodeError`].
    pub fn decode(
        name: impl Into<String>,
        bytes: &[u8],
        forced: Option<Encoding>,
    ) -> Result<Self, DecodeError> {
        let (text, encoding) = decode(bytes, forced)?;
        let mut source = Self::new(name.into(), text, encoding);
        source.original_len = bytes.len();
        if encoding == Encoding::Gb18030 {
            // GB18030 decoding is not one-to-one (a lone 0x80 reads as €, which encodes as two
            // bytes), so re-encoding can overshoot. Line ends are single bytes that never occur
            // inside a GB18030 character: take line starts from the bytes themselves.
            let starts = line_starts_in_bytes(bytes);
            if starts.len() == source.line_starts.len() {
                source.original_line_starts = starts;
            }
        }
        Ok(source)
    }

    fn new(name: String, text: String, encoding: Encoding) -> Self {
        let line_starts = line_starts(&text);
        let original_line_starts = match encoding {
            Encoding::Utf8 { bom } => {
                let shift = if bom { 3 } else { 0 };
                line_starts.iter().map(|s| s + shift).collect()
            }
            _ => {
                let mut starts = Vec::with_capacity(line_starts.len());
                let mut original = encoding.bom_len();
                let mut memo = HashMap::new();
                for (i, &start) in line_starts.iter().enumerate() {
                    starts.push(original);
                    let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
                    original += encoding.encoded_len_memo(&text[start..end], &mut memo);
                }
                starts
            }
        };
        let original_len = original_line_starts.last().copied().unwrap_or(0)
            + encoding.encoded_len(&text[line_starts.last().copied().unwrap_or(0)..]);
        Self {
            name,
            text,
            encoding,
            line_starts,
            original_line_starts,
            original_len,
            char_checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// The 0-based index of the line containing `offset`.
    #[must_use]
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offsets where each line starts (codespan's `Files` needs them).
    #[must_use]
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// Byte range of the 0-based line `index`, its line break included; `None` past the end.
    #[must_use]
    pub fn line_range(&self, index: usize) -> Option<Range<usize>> {
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        Some(start..end)
    }

    /// Byte range of the 0-based line `index` without its line break.
    #[must_use]
    pub fn line_text_range(&self, index: usize) -> Option<Range<usize>> {
        let range = self.line_range(index)?;
        let text = self.text[range.clone()].trim_end_matches(['\n', '\r']);
        Some(range.start..range.start + text.len())
    }

    /// 1-based line and character column of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_index(offset);
        let line_start = self.line_starts[line];
        let column = if offset - line_start <= CHAR_CHECKPOINT {
            self.text[line_start..offset].chars().count() + 1
        } else {
            self.chars_before(offset) - self.chars_before(line_start) + 1
        };
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// How many characters the text has before `offset` (a char boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = self.char_checkpoints.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut counts = Vec::with_capacity(bytes.len() / CHAR_CHECKPOINT + 1);
            let mut chars = 0;
            for chunk in bytes.chunks(CHAR_CHECKPOINT) {
                counts.push(chars);
                chars += character_starts(chunk);
            }
            counts
        });
        let k = offset / CHAR_CHECKPOINT;
        let from = k * CHAR_CHECKPOINT;
        checkpoints.get(k).copied().unwrap_or(0)
            + character_starts(&self.text.as_bytes()[from.min(offset)..offset])
    }

    /// The byte offset in the original file of a byte offset into the decoded text.
    #[must_use]
    pub fn original_offset(&self, offset: usize) -> usize {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let line_end = self
            .original_line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.original_len);
        (self.original_line_starts[line] + self.encoding.encoded_len(&self.text[start..offset]))
            .min(line_end)
    }

    /// The text a span covers.
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// The byte offset `n` characters before `offset` in `text` (0 when there are fewer).
#[must_use]
pub fn chars_before(text: &str, offset: usize, n: usize) -> usize {
    text[..offset]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The byte offset `n` characters after `offset` in `text` (its end when there are fewer).
#[must_use]
pub fn chars_after(text: &str, offset: usize, n: usize) -> usize {
    text[offset..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_starts_counts_what_chars_counts() {
        let text = "第一行 abc\n表三，总计 12 件😀\u{3000}é".repeat(7);
        for start in 0..text.len() {
            for end in start..text.len().min(start + 40) {
                if text.is_char_boundary(start) && text.is_char_boundary(end) {
                    let expected = text[start..end].chars().count();
                    assert_eq!(character_starts(&text.as_bytes()[start..end]), expected);
                }
            }
        }
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let source = Source::from_text("t", "第一行\n表三，总计");
        let offset = source.text.find('总').unwrap();
        assert_eq!(source.line_col(offset), LineCol { line: 2, column: 4 });
    }

    #[test]
    fn character_steps_and_line_ranges() {
        let source = Source::from_text("t", "甲乙丙\r\n丁");
        assert_eq!(chars_before(&source.text, 6, 1), 3);
        assert_eq!(chars_before(&source.text, 6, 9), 0);
        assert_eq!(chars_after(&source.text, 0, 2), 6);
        assert_eq!(chars_after(&source.text, 0, 99), source.text.len());
        assert_eq!(source.line_range(0), Some(0..11));
        assert_eq!(source.line_text_range(0), Some(0..9));
        assert_eq!(source.line_range(1), Some(11..14));
        assert_eq!(source.line_range(2), None);
    }

    #[test]
    fn original_offsets_follow_the_encoding() {
        let text = "甲\n乙a";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        let source = Source::decode("t", &bytes, None).unwrap();
        assert_eq!(source.text, text);
        let a = source.text.find('a').unwrap();
        // 甲 (2 bytes) + \n + 乙 (2 bytes) in GB18030.
        assert_eq!(source.original_offset(a), 5);
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn columns_on_long_lines_count_characters() {
        let line = "表三：自然人 0，".repeat(3000);
        let text = format!("标题\n{line}尾\n");
        let source = Source::from_text("r.html", text.clone());
        let at = text.rfind('尾').unwrap();
        assert_eq!(
            source.line_col(at),
            LineCol {
                line: 2,
                column: line.chars().count() + 1
            }
        );
        let mid = text.char_indices().nth(10_001).unwrap().0;
        assert_eq!(source.line_col(mid).column, 10_001 - 3 + 1);
    }

    #[test]
    fn gb18030_offsets_stay_inside_the_file() {
        // Found by fuzzing: 0x80 decodes to € in GB18030, and € encodes as two bytes, so
        // offsets computed by re-encoding ran past the end of the file.
        let mut bytes = b"\x80\x80\x80".to_vec();
        let (gb, _, _) = encoding_rs::GB18030.encode("一、总体情况\n二、主动公开\n");
        bytes.extend_from_slice(&gb);
        let source = Source::decode("r.txt", &bytes, Some(Encoding::Gb18030)).unwrap();
        assert!(source.original_offset(source.text.len()) <= bytes.len());
        let second = source.text.find("二").unwrap();
        let expected = bytes.len() - gb.len() + gb.iter().position(|&b| b == b'\n').unwrap() + 1;
        assert_eq!(source.original_offset(second), expected);
    }

    #[test]
    fn lf_crlf_and_lone_cr_all_end_lines() {
        let source = Source::from_text("r.txt", "一、总体情况\r二、主动公开\r\n三、收到\n四");
        assert_eq!(source.line_starts().len(), 4);
        assert_eq!(source.line_col(source.text.find("三").unwrap()).line, 3);
        assert_eq!(
            &source.text[source.line_text_range(0).unwrap()],
            "一、总体情况"
        );
        assert_eq!(
            &source.text[source.line_text_range(1).unwrap()],
            "二、主动公开"
        );
    }
}
