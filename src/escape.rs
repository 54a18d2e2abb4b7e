//! Making untrusted text safe to print on a terminal.
//!
//! Report text and file names come from anyone. Printed raw, an ESC or OSC sequence can
//! recolour or retitle the terminal, a carriage return can overwrite what was printed before
//! it, a newline in a file name can forge an `error[…]` line, and bidi controls can make text
//! read differently from what it is (CVE-2021-42574, "Trojan Source"). Such characters are
//! shown as visible escapes instead: `\u{1b}`, `\u{202e}`.

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls other than tab and
/// line feed, DEL, and the Unicode bidi controls and marks.
#[must_use]
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Whether `c` must be escaped in a name shown on one line (also tab and line feed).
fn is_unsafe_in_name(c: char) -> bool {
    c == '\t' || c == '\n' || is_unsafe(c)
}

/// Appends `c` to `out`, as `\u{…}` when it is unsafe in a name or a single-line message.
pub fn push_visible(out: &mut String, c: char) {
    if is_unsafe_in_name(c) {
        push_escape(out, c);
    } else {
        out.push(c);
    }
}

fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

/// `text` with unsafe characters escaped; line feeds and tabs kept (multi-line text).
#[must_use]
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A text with unsafe characters escaped, and the map from offsets in the original to
/// offsets in the escaped text (so spans can follow).
#[derive(Debug)]
pub struct Escaped {
    /// The escaped text.
    pub text: String,
    /// `(original offset, bytes added before it)` at each escaped character, in order.
    shifts: Vec<(usize, usize)>,
}

impl Escaped {
    /// Escapes `text`, or `None` when nothing in it needs escaping (the common case).
    /// Carriage returns stay: [`crate::source::Source`] reads CR, LF and CRLF as line ends,
    /// so a CR never reaches the terminal in the middle of a line.
    #[must_use]
    pub fn new(text: &str) -> Option<Self> {
        let needs = |(_, c): (usize, char)| is_unsafe(c) && c != '\r';
        if !text.char_indices().any(needs) {
            return None;
        }
        let mut out = String::with_capacity(text.len() + 64);
        let mut shifts = Vec::new();
        let mut added = 0;
        for (i, c) in text.char_indices() {
            if needs((i, c)) {
                let before = out.len();
                push_escape(&mut out, c);
                // Offsets after this character move by what the escape adds.
                added += out.len() - before - c.len_utf8();
                shifts.push((i + c.len_utf8(), added));
            } else {
                out.push(c);
            }
        }
        Some(Self { text: out, shifts })
    }

    /// Where `offset` of the original text is in the escaped text.
    #[must_use]
    pub fn map(&self, offset: usize) -> usize {
        let n = self.shifts.partition_point(|&(at, _)| at <= offset);
        offset + if n == 0 { 0 } else { self.shifts[n - 1].1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_escape_controls_newlines_and_bidi() {
        let mut out = String::new();
        for c in "a\nerror[X]\u{1b}]0;t\u{7}\u{202e}b".chars() {
            push_visible(&mut out, c);
        }
        assert_eq!(out, "a\\u{a}error[X]\\u{1b}]0;t\\u{7}\\u{202e}b");
    }

    #[test]
    fn escaped_text_keeps_spans_in_step() {
        let text = "电话\u{1b}[31m：0311\r\n第二行\r覆盖";
        let escaped = Escaped::new(text).unwrap();
        assert_eq!(escaped.text, "电话\\u{1b}[31m：0311\r\n第二行\r覆盖");
        let at = text.find("0311").unwrap();
        assert_eq!(&escaped.text[escaped.map(at)..escaped.map(at + 4)], "0311");
        let at = text.find("覆盖").unwrap();
        assert_eq!(&escaped.text[escaped.map(at)..], "覆盖");
        assert_eq!(escaped.map(0), 0);
        assert!(Escaped::new("干净的文本\r\n\t表三").is_none());
    }
}
