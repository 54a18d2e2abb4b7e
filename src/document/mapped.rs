//! Text extracted from markup, with a map back to the bytes it came from.
//!
//! A paragraph of an HTML page is the concatenation of many text runs between tags, with
//! entities such as `&nbsp;` decoded. To underline one phone number inside that paragraph we
//! need the source bytes of any sub-range of the extracted text: [`MappedText::span_of`].

use crate::source::Span;
use serde::Serialize;

/// Extracted text plus, for each piece of it, where that piece sits in the source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MappedText {
    /// The extracted text.
    pub text: String,
    #[serde(skip)]
    pieces: Vec<Piece>,
}

/// INVARIANT: pieces are sorted by `text_start` and cover `text` without gaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    text_start: u32,
    source: Span,
    /// The text of this piece is a byte-for-byte copy of `source`, so offsets inside it map
    /// one to one. Otherwise (an entity, a tag replaced by a space) the piece maps as a whole.
    verbatim: bool,
}

impl MappedText {
    /// Text that is a verbatim copy of `source` (plain text and Markdown readers).
    #[must_use]
    pub fn verbatim(text: &str, start: usize) -> Self {
        let mut mapped = Self::default();
        mapped.push_verbatim(text, start);
        mapped
    }

    /// Appends text copied verbatim from the source at `start`.
    pub fn push_verbatim(&mut self, text: &str, start: usize) {
        if text.is_empty() {
            return;
        }
        self.pieces.push(Piece {
            text_start: len32(&self.text),
            source: Span::new(start, start + text.len()),
            verbatim: true,
        });
        self.text.push_str(text);
    }

    /// Appends text that stands for the source bytes `source` (an entity, a line break).
    pub fn push_mapped(&mut self, text: &str, source: Span) {
        if text.is_empty() {
            return;
        }
        self.pieces.push(Piece {
            text_start: len32(&self.text),
            source,
            verbatim: false,
        });
        self.text.push_str(text);
    }

    /// Appends another mapped text.
    pub fn append(&mut self, other: &Self) {
        let shift = len32(&self.text);
        self.pieces.extend(other.pieces.iter().map(|p| Piece {
            text_start: p.text_start + shift,
            ..*p
        }));
        self.text.push_str(&other.text);
    }

    /// The source span of the whole text.
    #[must_use]
    pub fn span(&self) -> Option<Span> {
        let first = self.pieces.first()?;
        let last = self.pieces.last()?;
        Some(first.source.cover(last.source))
    }

    /// The source span of the text bytes `start..end`.
    #[must_use]
    pub fn span_of(&self, start: usize, end: usize) -> Option<Span> {
        let from = self.source_offset(start, false)?;
        let to = self.source_offset(end, true)?;
        Some(Span::new(from, to.max(from)))
    }

    fn source_offset(&self, offset: usize, is_end: bool) -> Option<usize> {
        let offset = u32::try_from(offset).ok()?;
        // For an end offset, the piece that *contains* the previous byte.
        let probe = if is_end {
            offset.saturating_sub(1)
        } else {
            offset
        };
        let index = match self.pieces.binary_search_by_key(&probe, |p| p.text_start) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        let piece = self.pieces[index];
        let within = offset - piece.text_start;
        Some(if piece.verbatim {
            (piece.source.start + within) as usize
        } else if is_end || within > 0 {
            piece.source.end as usize
        } else {
            piece.source.start as usize
        })
    }
}

fn len32(text: &str) -> u32 {
    u32::try_from(text.len()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_verbatim_and_entity_pieces() {
        // Source: `<p>电话&nbsp;0311</p>`; text: `电话 0311`.
        let mut text = MappedText::default();
        text.push_verbatim("电话", 3);
        text.push_mapped(" ", Span::new(9, 15));
        text.push_verbatim("0311", 15);
        assert_eq!(text.text, "电话 0311");
        let digits = text.text.find('0').unwrap();
        assert_eq!(
            text.span_of(digits, text.text.len()),
            Some(Span::new(15, 19))
        );
        assert_eq!(text.span_of(0, 6), Some(Span::new(3, 9)));
        assert_eq!(text.span_of(6, 7), Some(Span::new(9, 15)));
        assert_eq!(text.span(), Some(Span::new(3, 19)));
    }
}
