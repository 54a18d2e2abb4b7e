//! html5gum's tokens cut to what the tree builder reads: tag names, the six attributes it
//! looks at, and the span of each text run.
//!
//! html5gum's own emitters copy every tag name, attribute value, text run and comment into
//! buffers before handing them on; Word's pages carry a long `style` on nearly every element,
//! and that copying, with the callback layer around it, was a quarter of reading such a page.
//! [`Lean`] is an [`Emitter`] of its own: it keeps html5gum's callback emitter's meaning (its
//! spans, its text runs split at comments and tags, names lowercased by the tokenizer, the
//! first of a repeated attribute winning, an end tag's stray attributes dropped, the naive
//! switch into raw text after `script`, `style`, `title` and the like) and copies only the
//! values it keeps. Parse errors are not reported: the reader ignores them, and checking every
//! character for them was a fifth of tokenising.

use super::{Attrs, lossy};
use html5gum::{Emitter, State, naive_next_state};
use std::borrow::Cow;
use std::collections::VecDeque;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    Start,
    End,
}

/// The tokenizer's emitter: the current token's state between html5gum's calls, and the
/// pieces made but not yet taken.
#[derive(Debug, Default)]
pub(super) struct Lean {
    /// The tokenizer's byte offset in the source.
    position: usize,
    pieces: VecDeque<Piece>,
    /// The text run being read: its span, and whether it has any characters yet.
    text: (usize, usize),
    text_pending: bool,
    /// The tag being read, where its `<` is, and its name so far.
    tag: Option<TagKind>,
    tag_start: usize,
    tag_name: Vec<u8>,
    self_closing: bool,
    /// The last start tag's name, for the raw-text states' "appropriate end tag".
    last_start_tag: Vec<u8>,
    /// The open start tag's name, once complete (it starts at `tag_start`: no tag begins
    /// inside another).
    open_name: Cow<'static, str>,
    /// The name of the attribute being read.
    attribute_name: Vec<u8>,
    /// Whether each of [`WANTED`] has been seen on the open start tag.
    present: [bool; WANTED.len()],
    /// Their values (buffers reused from tag to tag).
    values: [Vec<u8>; WANTED.len()],
    /// Which of [`WANTED`] the attribute value being read belongs to.
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

    /// The text run read so far becomes a piece.
    fn flush_text(&mut self) {
        if self.text_pending {
            self.text_pending = false;
            self.pieces.push_back(Piece::Text { span: self.text });
        }
    }

    /// A start tag's name is complete once its first attribute or its end is reached.
    fn flush_open_start_tag(&mut self) {
        self.flush_text();
        if self.tag == Some(TagKind::Start) && !self.tag_name.is_empty() {
            self.reset();
            self.open_name = intern(&self.tag_name);
            self.last_start_tag.clear();
            std::mem::swap(&mut self.last_start_tag, &mut self.tag_name);
        }
    }

    /// An attribute's name is complete once its value or the next attribute begins.
    fn flush_attribute_name(&mut self) {
        self.flush_open_start_tag();
        if !self.attribute_name.is_empty() {
            let name = self.attribute_name.as_slice();
            self.reading = WANTED
                .iter()
                .position(|w| w.as_bytes() == name)
                .filter(|&i| !self.present[i]);
            if let Some(i) = self.reading {
                self.present[i] = true;
                self.values[i].clear();
            }
            self.attribute_name.clear();
        }
    }
}

impl Emitter for Lean {
    type Token = Piece;

    #[inline]
    fn move_position(&mut self, offset: isize) {
        self.position = self.position.saturating_add_signed(offset);
    }

    fn set_last_start_tag(&mut self, last_start_tag: Option<&[u8]>) {
        self.last_start_tag.clear();
        self.last_start_tag
            .extend_from_slice(last_start_tag.unwrap_or_default());
    }

    fn emit_eof(&mut self) {
        self.flush_text();
    }

    fn emit_error(&mut self, _: html5gum::Error) {}

    #[inline]
    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn pop_token(&mut self) -> Option<Piece> {
        self.pieces.pop_front()
    }

    fn init_string(&mut self) {
        if !self.text_pending {
            self.text.0 = self.position;
        }
    }

    fn emit_string(&mut self, s: &[u8]) {
        self.text.1 = self.position;
        self.text_pending |= !s.is_empty();
    }

    fn init_start_tag(&mut self) {
        self.tag_name.clear();
        self.tag = Some(TagKind::Start);
        self.self_closing = false;
    }

    fn init_end_tag(&mut self) {
        self.tag_name.clear();
        self.tag = Some(TagKind::End);
    }

    fn init_comment(&mut self) {
        self.flush_text();
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        self.flush_attribute_name();
        match self.tag {
            Some(TagKind::Start) => {
                self.flush_open_start_tag();
                let name = std::mem::take(&mut self.open_name);
                let attrs = Attrs::read(&name, |key| self.attr(key));
                self.reset();
                self.pieces.push_back(Piece::Start {
                    name,
                    span: (self.tag_start, self.position),
                    self_closing: self.self_closing,
                    attrs,
                });
            }
            Some(TagKind::End) => {
                self.last_start_tag.clear();
                self.reset();
                self.pieces.push_back(Piece::End {
                    name: intern(&self.tag_name),
                    span: (self.tag_start, self.position),
                });
            }
            None => {}
        }
        let next = naive_next_state(&self.last_start_tag);
        if next.is_some() {
            self.init_string();
        }
        next
    }

    fn emit_current_comment(&mut self) {}

    fn emit_current_doctype(&mut self) {}

    fn set_self_closing(&mut self) {
        if self.tag != Some(TagKind::End) {
            self.self_closing = true;
        }
    }

    fn set_force_quirks(&mut self) {}

    fn push_tag_name(&mut self, s: &[u8]) {
        self.tag_name.extend_from_slice(s);
    }

    fn push_comment(&mut self, _: &[u8]) {}

    fn push_doctype_name(&mut self, _: &[u8]) {}

    fn init_doctype(&mut self) {
        self.flush_text();
    }

    fn init_attribute(&mut self) {
        self.flush_open_start_tag();
        self.flush_attribute_name();
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        self.attribute_name.extend_from_slice(s);
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        self.flush_attribute_name();
        if let Some(i) = self.reading {
            self.values[i].extend_from_slice(s);
        }
    }

    fn set_doctype_public_identifier(&mut self, _: &[u8]) {}

    fn set_doctype_system_identifier(&mut self, _: &[u8]) {}

    fn push_doctype_public_identifier(&mut self, _: &[u8]) {}

    fn push_doctype_system_identifier(&mut self, _: &[u8]) {}

    fn start_open_tag(&mut self) {
        self.tag_start = self.position.saturating_sub(1);
    }

    fn current_is_appropriate_end_tag_token(&mut self) -> bool {
        !self.last_start_tag.is_empty()
            && self.tag == Some(TagKind::End)
            && self.last_start_tag == self.tag_name
    }
}

/// A tag name, borrowed from a static table for the names report pages are made of (no
/// allocation, nor UTF-8 check, for nearly every element), owned otherwise. The table starts
/// with the names of Word's pages, most frequent first.
pub(super) fn intern(name: &[u8]) -> Cow<'static, str> {
    const COMMON: &[&str] = &[
        "span",
        "p",
        "o:p",
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
    match COMMON.iter().find(|c| c.as_bytes() == name) {
        Some(common) => Cow::Borrowed(common),
        None => Cow::Owned(lossy(name).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use html5gum::{DefaultEmitter, Token, Tokenizer};

    /// The pieces html5gum's default emitter gives for `page`, in [`Lean`]'s terms.
    fn default_pieces(page: &str) -> Vec<String> {
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
        expected
    }

    /// The pieces [`Lean`] gives for `page`, written as [`default_pieces`] writes them.
    fn lean_pieces(page: &str) -> Vec<String> {
        Tokenizer::new_with_emitter(page, Lean::default())
            .map(|piece| match piece {
                Ok(Piece::Start {
                    name,
                    span,
                    self_closing,
                    attrs,
                }) => format!("start {name} {span:?} {self_closing} {attrs:?}"),
                Ok(Piece::End { name, span }) => format!("end {name} {span:?}"),
                Ok(Piece::Text { span }) => format!("text {span:?}"),
            })
            .collect()
    }

    /// Every start tag, end tag and text run [`Lean`] yields is what html5gum's default
    /// emitter yields for the same markup, attributes read the same way: repeated, uppercase,
    /// valueless, unquoted, empty-named and entity-bearing attributes, attributes and a
    /// solidus on end tags, text runs cut by comments, doctypes and character references,
    /// NUL characters, a tag cut off by the end of input, raw-text elements and their
    /// appropriate and inappropriate end tags.
    #[test]
    fn lean_tokens_are_the_default_emitters_tokens() {
        let pages = [
            r#"<P ID="a" id="b" CLASS='x  y' colspan=2 ROWSPAN="3" hidden style="display: NONE">t</P>"#,
            "<td colspan=\"&#50;\" style=\"color:red\">甲&amp;乙</td></tr foo=1><br/>",
            "<div class=\"content\"><span style=\"mso-x:1;visibility :hidden\">x</span></div><o:p></o:p>",
            "<script>if (a<b) {}</script><style>p{}</style><title>x<y</title><noscript><p>n</p></noscript>",
            "<!DOCTYPE html><!-- c --><ucapcontent><custom-el data-x=1 id=q>w</custom-el>",
            "<table><tr><td rowspan=\"2\" class=\"a\" class=\"b\">1<td>2</table><p id=",
            "前<!-- 注 -->后<!DOCTYPE x>又&nbsp;一<br>行</br/>\0<p =\"x\" style=\"display:none\" =y>",
            "<title>a</titlex></title><textarea>b</p></textarea><script>x</script >y<style>",
            "<p style='a:1' STYLE='display:none' id=\"\" class>z</p><a href=x id=nav>m</a>",
            "<p\tid=a\nclass=\"b c\"/>t<!---->u<![CDATA[v]]>w</p",
        ];
        for page in pages {
            let got = lean_pieces(page);
            assert_eq!(got, default_pieces(page), "{page}");
            assert!(got.len() >= 3, "{page}: {got:?}");
        }
    }

    /// The same holds on every report of the corpus (the HTML pages and, trivially, the
    /// text ones).
    #[test]
    fn lean_tokens_are_the_default_emitters_tokens_on_the_corpus() {
        let texts = crate::test_support::corpus_texts();
        let mut tags = 0;
        for text in &texts {
            let got = lean_pieces(text);
            assert_eq!(got, default_pieces(text));
            tags += got.iter().filter(|p| p.starts_with("start")).count();
        }
        assert!(
            tags > 1000,
            "the corpus's pages should hold many tags: {tags}"
        );
    }

    #[test]
    fn common_names_are_borrowed() {
        assert!(matches!(intern(b"td"), Cow::Borrowed("td")));
        assert!(matches!(intern(b"custom-el"), Cow::Owned(ref s) if s == "custom-el"));
        assert!(matches!(intern(b"x\xFF"), Cow::Owned(ref s) if s == "x\u{FFFD}"));
    }
}
