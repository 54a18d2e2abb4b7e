//! Excerpts of very long lines for the human renderer.
//!
//! Published HTML often holds a whole report on one physical line (the Shanghai 2019 page is
//! one 36 KB line), and Word's `document.xml` is one or two lines. codespan prints the whole
//! line of every label, so a diagnostic there would print the report. [`Windowed`] is a view
//! of a source that keeps, for each line a diagnostic touches, only a window around its
//! labels, with `…` where text was cut; line and column numbers stay those of the original.

use crate::source::{Source, Span, chars_after, chars_before};
use codespan_reporting::files::{Error as FilesError, Files};
use std::ops::Range;

/// Lines longer than this (in characters) are cut down to windows around the labels.
pub const LONG_LINE: usize = 240;
/// Context kept on each side of the labels of a long line, in characters.
const CONTEXT: usize = 40;

/// A view of a source with long lines cut to windows around some spans.
#[derive(Debug)]
pub struct Windowed<'a> {
    source: &'a Source,
    text: String,
    /// For each line of `text`: its start in `text`, the original line index, and the
    /// original bytes it shows.
    lines: Vec<WindowLine>,
}

#[derive(Debug, Clone, Copy)]
struct WindowLine {
    start: usize,
    original_line: usize,
    /// Original offset of the first byte after the leading `…` (or of the line start).
    original_start: usize,
    /// Original offset where the window's text ends.
    original_end: usize,
    /// Length of the leading `…` (0 or 3 bytes).
    lead: usize,
}

impl<'a> Windowed<'a> {
    /// Whether any of `spans` is on a line longer than [`LONG_LINE`].
    #[must_use]
    pub fn needed(source: &Source, spans: &[Span]) -> bool {
        spans.iter().any(|s| {
            let line = source.line_index(s.start as usize);
            source.text[line_text(source, line)].chars().count() > LONG_LINE
        })
    }

    /// A view keeping the lines of `spans`, cut around them. Labels far apart on one line
    /// get windows of their own (shown as lines with the same number).
    #[must_use]
    pub fn new(source: &'a Source, spans: &[Span]) -> Self {
        // (line, start, end) clusters: spans on one line closer than two contexts merge.
        let mut clusters: Vec<(usize, usize, usize)> = Vec::new();
        let mut sorted: Vec<Span> = spans.to_vec();
        sorted.sort_unstable();
        for span in sorted {
            let line = source.line_index(span.start as usize);
            let line_end = line_text(source, line).end;
            let (from, to) = (
                span.start as usize,
                (span.end as usize).min(line_end).max(span.start as usize),
            );
            match clusters.last_mut() {
                Some(last)
                    if last.0 == line && from <= chars_after(&source.text, last.2, 2 * CONTEXT) =>
                {
                    last.2 = last.2.max(to);
                }
                _ => clusters.push((line, from, to)),
            }
        }
        let mut text = String::new();
        let mut lines = Vec::new();
        for (line, first, last) in clusters {
            let Range { start, end } = line_text(source, line);
            let from = chars_before(&source.text, first, CONTEXT).max(start);
            let to = chars_after(&source.text, last, CONTEXT).min(end).max(from);
            let lead = if from > start { "…" } else { "" };
            lines.push(WindowLine {
                start: text.len(),
                original_line: line,
                original_start: from,
                original_end: to,
                lead: lead.len(),
            });
            text.push_str(lead);
            text.push_str(&source.text[from..to]);
            if to < end {
                text.push('…');
            }
            text.push('\n');
        }
        Self {
            source,
            text,
            lines,
        }
    }

    /// Maps a span of the original source into this view.
    #[must_use]
    pub fn map(&self, span: Span) -> Range<usize> {
        let offset_start = span.start as usize;
        let line = self.source.line_index(offset_start);
        let Some(index) = self.lines.iter().position(|w| {
            w.original_line == line
                && w.original_start <= offset_start
                && offset_start <= w.original_end
        }) else {
            return 0..0;
        };
        let window = self.lines[index];
        let map_offset = |offset: usize| -> usize {
            let clamped = offset.clamp(window.original_start, window.original_end);
            window.start + window.lead + (clamped - window.original_start)
        };
        let start = map_offset(offset_start);
        let end = map_offset(span.end as usize).max(start);
        start..end
    }
}

/// The line's text range (without its line break).
fn line_text(source: &Source, line: usize) -> Range<usize> {
    source.line_text_range(line).unwrap_or(0..0)
}

impl<'a> Files<'a> for Windowed<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.source.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(
            match self.lines.binary_search_by_key(&byte_index, |w| w.start) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            },
        )
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.lines.get(line_index).map_or(0, |w| w.original_line) + 1)
    }

    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let window = self
            .lines
            .get(line_index)
            .copied()
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.lines.len(),
            })?;
        let within = byte_index.saturating_sub(window.start + window.lead);
        Ok(self.source.line_col(window.original_start + within).column)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let window = self.lines.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: self.lines.len(),
        })?;
        let end = self
            .lines
            .get(line_index + 1)
            .map_or(self.text.len(), |w| w.start);
        Ok(window.start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_far_apart_get_their_own_windows() {
        let long = format!("<td>12</td>{}<td>34</td>", "甲".repeat(500));
        let source = Source::from_text("t.html", long);
        let a = source.text.find("12").unwrap();
        let b = source.text.find("34").unwrap();
        let spans = [Span::new(a, a + 2), Span::new(b, b + 2)];
        let view = Windowed::new(&source, &spans);
        assert_eq!(view.text.lines().count(), 2);
        assert_eq!(&view.text[view.map(spans[0])], "12");
        assert_eq!(&view.text[view.map(spans[1])], "34");
        assert_eq!(view.line_number((), 1).unwrap(), 1);
    }

    #[test]
    fn long_lines_are_cut_around_the_label_and_keep_their_numbers() {
        let long = format!("{}<td>859</td>{}", "甲".repeat(300), "乙".repeat(300));
        let source = Source::from_text("t.html", format!("title\n{long}\n"));
        let at = source.text.find("859").unwrap();
        let span = Span::new(at, at + 3);
        assert!(Windowed::needed(&source, &[span]));
        let view = Windowed::new(&source, &[span]);
        let range = view.map(span);
        assert_eq!(&view.text[range.clone()], "859");
        assert!(view.text.starts_with('…') && view.text.trim_end().ends_with('…'));
        assert!(view.text.chars().count() < 120);
        assert_eq!(view.line_number((), 0).unwrap(), 2);
        let column = view.column_number((), 0, range.start).unwrap();
        assert_eq!(column, source.line_col(at).column);
    }
}
