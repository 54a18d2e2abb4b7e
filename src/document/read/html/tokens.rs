//! html5gum's tokens cut to what the tree builder reads: tag names, the six attributes it
//! looks at, and the span of each text run.
//!
//! html5gum's default emitter copies every tag name, attribute and text run into owned
//! strings and every tag's attributes into a map; Word's pages carry a long `style` on nearly
//! every element, and that copying was a sixth of reading such a page. This callback keeps
//! the default emitter's meaning (names lowercased by the tokenizer, the first of a repeated
//! attribute wins, an end tag's stray attributes are dropped) and copies only what is kept.

use super::{Attrs, lossy};
use html5gum::Span;
use html5gum::emitters::callback::{Callback, CallbackEvent};
use std::borrow::Cow;

/// What the tree builder takes of a token.
#[derive(Debug)]
pub(super) enum Piece {
    Start {
        name: Cow<'static, str>,
        span: (usize, usize),
        self_closing: bool,
        attrs: Attrs,
    },
    End {
        name: Cow<'static, str>,
        span: (usize, usize),
    },
    /// A text run: its span in the source (the builder maps the source, not the decoded text).
    Text { span: (usize, usize) },
}

/// The attributes [`Attrs::read`] asks for.
const WANTED: [&str; 6] = ["id", "class", "colspan", "rowspan", "hidden", "style"];

/// The open start tag's state between html5gum's events.
#[derive(Debug, Default)]
pub(super) struct Lean {
    start: usize,
    name: Cow<'static, str>,
    /// Whether each of [`WANTED`] has been seen on the open start tag.
    present: [bool; WANTED.len()],
    /// Their values (buffers reused from tag to tag).
    values: [Vec<u8>; WANTED.len()],
    /// Which of [`WANTED`] the next attribute value belongs to.
    reading: Option<usize>,
}

impl Lean {
    fn reset(&mut self) {
        self.present = [false; WANTED.len()];
        self.reading = None;
    }

    fn attr(&self, key: &str) -> Option<&[u8]> {
        let i = WANTED.iter().position(|w| *w == key)?;
        self.present[i].then(|| self.values[i].as_slice())
    }
}

impl Callback<Piece, usize> for Lean {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) -> Option<Piece> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.reset();
                self.start = span.start;
                self.name = intern(&lossy(name));
                None
            }
            CallbackEvent::AttributeName { name } => {
                self.reading = WANTED
                    .iter()
                    .position(|w| w.as_bytes() == name)
                    .filter(|&i| !self.present[i]);
                if let Some(i) = self.reading {
                    self.present[i] = true;
                    self.values[i].clear();
                }
                None
            }
            CallbackEvent::AttributeValue { value } => {
                if let Some(i) = self.reading {
                    self.values[i].extend_from_slice(value);
                }
                None
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let name = std::mem::take(&mut self.name);
                let attrs = Attrs::read(&name, |key| self.attr(key));
                self.reset();
                Some(Piece::Start {
                    name,
                    span: (self.start, span.end),
                    self_closing,
                    attrs,
                })
            }
            CallbackEvent::EndTag { name } => {
                self.reset();
                Some(Piece::End {
                    name: intern(&lossy(name)),
                    span: (span.start, span.end),
                })
            }
            CallbackEvent::String { .. } => Some(Piece::Text {
                span: (span.start, span.end),
            }),
            CallbackEvent::Comment { .. }
            | CallbackEvent::Doctype { .. }
            | CallbackEvent::Error(_) => None,
        }
    }
}

/// A tag name, borrowed from a static table for the names report pages are made of (no
/// allocation for nearly every element), owned otherwise.
pub(super) fn intern(name: &str) -> Cow<'static, str> {
    const COMMON: &[&str] = &[
        "p",
        "span",
        "div",
        "td",
        "tr",
        "table",
        "tbody",
        "br",
        "a",
        "strong",
        "b",
        "font",
        "img",
        "li",
        "ul",
        "ol",
        "th",
        "thead",
        "tfoot",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "i",
        "u",
        "sup",
        "sub",
        "section",
        "article",
        "center",
        "col",
        "colgroup",
        "caption",
        "meta",
        "link",
        "script",
        "style",
        "head",
        "html",
        "body",
        "title",
        "input",
        "label",
        "form",
        "button",
        "select",
        "option",
        "iframe",
        "hr",
        "dl",
        "dt",
        "dd",
        "o:p",
        "nav",
        "header",
        "footer",
        "main",
        "small",
        "big",
        "pre",
        "blockquote",
        "ucapcontent",
        "noscript",
        "svg",
        "math",
        "textarea",
        "#document",
    ];
    match COMMON.iter().find(|c| **c == name) {
        Some(common) => Cow::Borrowed(common),
        None => Cow::Owned(name.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use html5gum::{DefaultEmitter, Token, Tokenizer};

    /// Every start tag, end tag and text run the lean callback yields is what html5gum's
    /// default emitter yields for the same markup, attributes read the same way: repeated,
    /// uppercase, valueless, unquoted and entity-bearing attributes, attributes on end tags,
    /// a tag cut off by the end of input, raw-text elements.
    #[test]
    fn lean_tokens_are_the_default_emitters_tokens() {
        let pages = [
            r#"<P ID="a" id="b" CLASS='x  y' colspan=2 ROWSPAN="3" hidden style="display: NONE">t</P>"#,
            "<td colspan=\"&#50;\" style=\"color:red\">甲&amp;乙</td></tr foo=1><br/>",
            "<div class=\"content\"><span style=\"mso-x:1;visibility :hidden\">x</span></div><o:p></o:p>",
            "<script>if (a<b) {}</script><style>p{}</style><title>x<y</title><noscript><p>n</p></noscript>",
            "<!DOCTYPE html><!-- c --><ucapcontent><custom-el data-x=1 id=q>w</custom-el>",
            "<table><tr><td rowspan=\"2\" class=\"a\" class=\"b\">1<td>2</table><p id=",
        ];
        for page in pages {
            let mut lean = html5gum::emitters::callback::CallbackEmitter::new(Lean::default());
            lean.naively_switch_states(true);
            let lean: Vec<Piece> = Tokenizer::new_with_emitter(page, lean)
                .map(|t| {
                    let Ok(t) = t;
                    t
                })
                .collect();
            let mut default = DefaultEmitter::<usize>::new_with_span();
            default.naively_switch_states(true);
            let mut expected = Vec::new();
            for token in Tokenizer::new_with_emitter(page, default) {
                let Ok(token) = token;
                match token {
                    Token::StartTag(tag) => {
                        let name = lossy(&tag.name).into_owned();
                        let attr = |key: &str| {
                            tag.attributes
                                .get(key.as_bytes())
                                .map(|v| v.value.as_slice())
                        };
                        let attrs = Attrs::read(&name, attr);
                        expected.push(format!(
                            "start {name} {:?} {} {attrs:?}",
                            (tag.span.start, tag.span.end),
                            tag.self_closing
                        ));
                    }
                    Token::EndTag(tag) => expected.push(format!(
                        "end {} {:?}",
                        lossy(&tag.name),
                        (tag.span.start, tag.span.end)
                    )),
                    Token::String(s) => {
                        expected.push(format!("text {:?}", (s.span.start, s.span.end)));
                    }
                    Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
                }
            }
            let got: Vec<String> = lean
                .iter()
                .map(|piece| match piece {
                    Piece::Start {
                        name,
                        span,
                        self_closing,
                        attrs,
                    } => format!("start {name} {span:?} {self_closing} {attrs:?}"),
                    Piece::End { name, span } => format!("end {name} {span:?}"),
                    Piece::Text { span } => format!("text {span:?}"),
                })
                .collect();
            assert_eq!(got, expected, "{page}");
            assert!(got.len() >= 3, "{page}: {got:?}");
        }
    }

    #[test]
    fn common_names_are_borrowed() {
        assert!(matches!(intern("td"), Cow::Borrowed("td")));
        assert!(matches!(intern("custom-el"), Cow::Owned(ref s) if s == "custom-el"));
    }
}
