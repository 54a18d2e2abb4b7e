//! Reader for HTML pages: paragraphs and data tables, every piece spanned into the markup.
//!
//! # Tokenizer
//!
//! [`html5gum`] tokenizes. It is a WHATWG-conformant tokenizer (`forbid(unsafe_code)`, fuzzed,
//! maintained), it reports the byte span of every tag and text run to an emitter with `usize`
//! spans, and on `&str` input it cannot fail: malformed markup comes out as text or as error
//! tokens, which are skipped. Our emitter ([`tokens`]) keeps only what the tree needs of each
//! token, so a page's thousands of `style` attributes are not copied. It switches into raw
//! text after `<script>`, `<style>`, `<title>`, `<noscript>` and the like
//! ([`html5gum::naive_next_state`]), so their bodies are single text tokens, as a browser reads
//! them.
//! Other candidates were weaker for this job: `tl` hands out slices but is not maintained and
//! has no browser-grade recovery; `quick-xml` rejects ordinary HTML (unquoted attributes, `<br>`,
//! stray `&`); `html5ever` builds a DOM without source positions.
//!
//! Text is taken from the *source* slice of each text token, not from html5gum's decoded
//! string, so that runs map verbatim ([`MappedText::push_verbatim`]) and each character
//! reference maps as a whole ([`MappedText::push_mapped`]). An entity is decoded by handing just
//! that reference to html5gum, so the full WHATWG entity table (and its legacy forms without
//! `;`) applies without a copy of it here.
//!
//! # Tree
//!
//! A tokenizer gives no tree, and real pages leave `<p>`, `<td>` and `<tr>` unclosed. A small
//! subset of the HTML tree-construction rules builds one: a block start tag closes an open
//! `<p>`; `<li>`, `<dd>`/`<dt>`, headings, cells and rows close their open predecessor; a cell
//! outside a row gets an implied row; an end tag closes the innermost open element of its name
//! but never reaches out of a table cell; `<html>`, `<body>` tags are dropped. `head`, `script`,
//! `style`, `noscript`, form controls, `svg`/`math`, `iframe` are skipped whole. An element
//! hidden by the `hidden` attribute or an inline `display:none`/`visibility:hidden` stays in the
//! tree (so that its missing end tag is implied as for any element) and is skipped when read,
//! a hidden row or cell included; hiding by a style sheet rule is not seen. The tree is a
//! flat event list (open/close/text/break) with nodes pointing into it, so walking a subtree is
//! a slice walk.
//!
//! # Blocks
//!
//! - Text flows through inline elements (anything not a known block element, so Word's
//!   `<span>`/`<font>`/`<o:p>` runs and custom tags like `<ucapcontent>` join up); each block
//!   element ends the paragraph before it and starts a new one. Whitespace collapses as in a
//!   browser: a run becomes one space, and a run containing a line break (or a `<br>`) between
//!   two CJK characters disappears. `&nbsp;` becomes a space that does not collapse; spaces at
//!   either end of a paragraph are dropped. Zero-width characters (U+200B/C/D, U+2060, U+FEFF,
//!   as text or as references), which editors leave as fillers, are dropped. Lines of a paragraph split by `<br>` stay one
//!   paragraph unless one of them is a numbered heading or a title line (a short line naming a
//!   年度报告), which then stands alone: pasted-text pages write the whole report as lines. (A
//!   title broken over two lines is joined again where the title is found, as in text.)
//! - A `<table>` is a data table unless it is a layout table: a single cell, a table inside one
//!   of its cells, a heading inside a cell, or a cell holding a long run of paragraphs. A layout
//!   table's cells are read as ordinary block content. A data table becomes a
//!   [`TableKind::Markup`] [`RawTable`]: one row per `<tr>` with cells, cell text joined across
//!   its paragraphs (block boundaries collapse like line breaks), `colspan`/`rowspan` clamped to
//!   1..=256, each cell spanning its whole `<td>…</td>` element. Columns at the right edge
//!   that hold no text in any row (an Excel paste's extra column) are dropped, so that their
//!   blank cells are not read as values.
//!
//! # Where the report is
//!
//! Crawled pages wrap the report in site chrome. If the page has an element that clearly holds
//! the report, only it is read: `<ucapcontent>` (the CMS used by many county sites), else the
//! innermost element named `article` or with an id/class like `zoom…`, `content`, `…-content`,
//! `article`, `TRS_Editor`, provided it holds at least half of the page's text. The title usually
//! sits just outside that element (`<h1>`, `<ucaptitle>`), so the nearest heading before it that
//! names a 报告 is read first when the element itself opens without one. `<nav>` is skipped
//! everywhere, and so are small elements whose id/class names a menu, navigation bar or footer.
//!
//! # Bounds
//!
//! At most 256 open elements (deeper tags are ignored and a [`ProblemKind::TooDeep`] is
//! recorded), 500 000 elements and 4 000 000 tree events (then the rest of the page is dropped
//! with a [`ProblemKind::Truncated`]), 65 536 grid positions per table and 1 048 576 per page,
//! and merged cells whose copies would cost more than 4 MiB of text are read unmerged.

mod tokens;

use super::super::mapped::MappedText;
use super::super::model::{Problem, ProblemKind, RawBlock, RawCell, RawRow, RawTable, TableKind};
use super::super::structure::looks_like_heading;
use crate::source::Span;
use html5gum::{Token, Tokenizer};
use std::borrow::Cow;
use std::collections::HashMap;
use tokens::{Piece, intern};

/// Open elements followed; deeper start tags are ignored.
const MAX_DEPTH: usize = 256;
/// Elements kept in the tree.
const MAX_ELEMENTS: usize = 500_000;
/// Tree events (tags and text runs) kept.
const MAX_EVENTS: usize = 4_000_000;
/// Nodes reserved before reading a page (real report pages have a few thousand elements).
const RESERVED_NODES: usize = 1 << 15;
/// Largest `colspan`/`rowspan` honoured.
const MAX_SPAN: u16 = 256;
/// Grid positions (sum of colspan × rowspan) read per table.
const MAX_TABLE_AREA: usize = 65_536;
/// Grid positions read per page.
const MAX_PAGE_AREA: usize = 1_048_576;
/// Text bytes a merged cell may be copied into (text length × area); layout copies the text
/// into every grid position it covers.
const MAX_CELL_COPY_BYTES: usize = 4 << 20;

/// Reads an HTML page into raw blocks.
#[must_use]
pub fn read(text: &str) -> (Vec<RawBlock>, Vec<Problem>) {
    let tree = Tree::build(text);
    let mut reader = Reader {
        src: text,
        tree: &tree,
        blocks: Vec::new(),
        problems: Vec::new(),
        page_area: 0,
    };
    let root = reader.content_root();
    let mut inline = Inline::default();
    reader.flow(root, &mut inline);
    reader.flush(&mut inline);
    if root != ROOT {
        reader.rescue_title(root);
    }
    let has_title = reader
        .blocks
        .iter()
        .take(12)
        .any(|b| matches!(b, RawBlock::Paragraph(p) if is_title_like(&p.text)));
    if !has_title && let Some(title) = head_title(text) {
        reader.blocks.insert(0, RawBlock::Paragraph(title));
    }
    let Reader {
        blocks,
        mut problems,
        ..
    } = reader;
    let mut all = tree.problems;
    all.append(&mut problems);
    (blocks, all)
}

// ---------------------------------------------------------------------------------------------
// Element classes
// ---------------------------------------------------------------------------------------------

/// Elements that start and end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    ) || is_heading(name)
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Start tags that close an open `<p>` (block elements outside table structure).
fn closes_p(name: &str) -> bool {
    is_block(name)
        && !matches!(
            name,
            "body" | "html" | "caption" | "td" | "th" | "tr" | "tbody" | "thead" | "tfoot"
        )
}

/// Elements whose content is never report text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "textarea"
            | "title"
            | "select"
            | "button"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "noembed"
            | "noframes"
            | "xmp"
            | "canvas"
            | "audio"
            | "video"
            | "map"
    )
}

/// Elements that belong in `<head>`; any other start tag there begins the body.
fn is_head_content(name: &str) -> bool {
    matches!(
        name,
        "base"
            | "basefont"
            | "bgsound"
            | "link"
            | "meta"
            | "noscript"
            | "script"
            | "style"
            | "template"
            | "title"
    )
}

static HEAD_TITLES: std::sync::LazyLock<[regex::Regex; 3]> = std::sync::LazyLock::new(|| {
    [
        r#"(?is)<meta\s[^>]*?name\s*=\s*["']?(?:ArticleTitle|title)["']?[^>]*?content\s*=\s*["']([^"'<>]+)["']"#,
        r#"(?is)<meta\s[^>]*?content\s*=\s*["']([^"'<>]+)["'][^>]*?name\s*=\s*["']?(?:ArticleTitle|title)["']?"#,
        r"(?is)<title[^>]*>([^<]+)</title>",
    ]
    .map(crate::pattern::must)
});

/// The page's title from `<meta name="ArticleTitle">` or `<title>`, for pages whose body does
/// not repeat it. Only a title naming a 年度报告 and written without character references (so
/// that its text is verbatim in the source).
fn head_title(src: &str) -> Option<MappedText> {
    HEAD_TITLES.iter().find_map(|re| {
        let m = re.captures(src)?.get(1)?;
        let text = m.as_str();
        let lead = text.len() - text.trim_start().len();
        let trimmed = text.trim();
        (text.contains("年度报告") && !text.contains('&') && trimmed.chars().count() <= 120)
            .then(|| MappedText::verbatim(trimmed, m.start() + lead))
    })
}

/// A short line naming a 年度报告, as a title is.
fn is_title_like(text: &str) -> bool {
    text.contains("年度报告") && text.chars().count() <= 80 && !text.contains('。')
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

fn is_cell(name: &str) -> bool {
    matches!(name, "td" | "th")
}

fn is_row_group(name: &str) -> bool {
    matches!(name, "tbody" | "thead" | "tfoot")
}

/// An id/class token naming the element that holds an article's body.
fn is_content_token(token: &str) -> bool {
    let t = token.to_ascii_lowercase();
    matches!(t.as_str(), "content" | "article" | "trs_editor")
        || t.contains("zoom")
        || t.ends_with("-content")
        || t.ends_with("_content")
}

/// An id/class token naming site chrome.
fn is_chrome_token(token: &str) -> bool {
    let t = token.to_ascii_lowercase();
    t.starts_with("nav")
        || t.ends_with("nav")
        || t.starts_with("menu")
        || t.ends_with("menu")
        || t.starts_with("footer")
        || t.ends_with("footer")
        || matches!(
            t.as_str(),
            "breadcrumb" | "crumb" | "crumbs" | "sidebar" | "copyright"
        )
}

/// Characters between which a line break in the markup disappears (CSS Text 3, segment break
/// transformation: East Asian wide characters, Hangul excepted).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF
        | 0x3000..=0x303F
        | 0x3040..=0x30FF
        | 0x3100..=0x312F
        | 0x3190..=0x31FF
        | 0x3200..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFF)
}

/// Characters that show nothing: rich-text editors leave a zero-width space (U+200B) as a
/// filler in inline elements, and a stray U+FEFF or word joiner joins pasted text. Read as
/// nothing, so that `<strong>\u{200b}一、总体情况</strong>` is still a heading.
pub(super) fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Whether an element is hidden from readers of the page: the `hidden` attribute, or an
/// inline style with `display:none` (Word's hidden text: `display:none;mso-hide:all`) or
/// `visibility:hidden`. Pages hide metadata, share widgets and, against copying, stray
/// characters inside the text; a browser shows none of it.
fn is_hidden(hidden_attribute: bool, style: Option<&[u8]>) -> bool {
    hidden_attribute
        || style.is_some_and(|style| {
            may_declare(style, &HIDING_VALUE_STARTS) && contains_spaced(&lossy(style), HIDING)
        })
}

/// The declarations of a `style` that hide an element.
const HIDING: [(&str, &str); 2] = [("display", "none"), ("visibility", "hidden")];
/// The first letters of their values ([`may_declare`]).
const HIDING_VALUE_STARTS: [u8; 2] = [HIDING[0].1.as_bytes()[0], HIDING[1].1.as_bytes()[0]];

/// Whether a `style`'s bytes can hold a declaration whose value starts with one of `letters`
/// (lowercase ASCII), in [`contains_spaced`]'s terms: some `:` is followed, past whitespace,
/// by one of them in either case. Word's styles have a dozen colons each and nearly never
/// such a value: this settles them on their bytes, before they are checked as UTF-8 and read
/// as characters. A byte sequence that is not UTF-8 reads as U+FFFD, as in [`lossy`].
fn may_declare(style: &[u8], letters: &[u8]) -> bool {
    // The character `bytes` start with, if any.
    fn first_char(bytes: &[u8]) -> Option<char> {
        match bytes.first() {
            Some(b) if b.is_ascii() => Some(char::from(*b)),
            _ => {
                let chunk = bytes[..bytes.len().min(4)].utf8_chunks().next()?;
                Some(
                    chunk
                        .valid()
                        .chars()
                        .next()
                        .unwrap_or(char::REPLACEMENT_CHARACTER),
                )
            }
        }
    }
    memchr::memchr_iter(b':', style).any(|colon| {
        let mut rest = &style[colon + 1..];
        while let Some(c) = first_char(rest) {
            if !c.is_whitespace() {
                return c.is_ascii() && letters.contains(&(c.to_ascii_lowercase() as u8));
            }
            rest = &rest[c.len_utf8()..];
        }
        false
    })
}

/// Whether `haystack`, with its whitespace removed and ASCII letters lowercased, contains
/// one of `declarations` (`property:value`, each lowercase ASCII without whitespace or `:`),
/// found without building that string: Word's pages carry a long `style` on nearly every
/// element. Every such occurrence has its `:` at one of the haystack's, so only the text
/// around each `:` is read.
fn contains_spaced<const N: usize>(haystack: &str, declarations: [(&str, &str); N]) -> bool {
    // Whether the characters of `chars`, whitespace skipped, begin with `word`.
    fn spells(chars: impl Iterator<Item = char>, mut word: impl Iterator<Item = u8>) -> bool {
        let mut chars = chars.filter(|c| !c.is_whitespace());
        word.all(|w| {
            chars
                .next()
                .is_some_and(|c| c.is_ascii() && c.to_ascii_lowercase() as u8 == w)
        })
    }
    memchr::memchr_iter(b':', haystack.as_bytes()).any(|colon| {
        let (before, after) = (&haystack[..colon], &haystack[colon + 1..]);
        declarations.iter().any(|(property, value)| {
            spells(after.chars(), value.bytes())
                && spells(before.chars().rev(), property.bytes().rev())
        })
    })
}

/// Bytes from the tokenizer as text: borrowed when they are UTF-8, as tag names and
/// attribute values almost always are (faster than `from_utf8_lossy`'s chunking for them).
fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The HTML "rules for parsing non-negative integers", clamped to 1..=[`MAX_SPAN`]; a missing
/// or zero value is 1.
fn parse_span(value: Option<&[u8]>) -> u16 {
    let Some(value) = value else { return 1 };
    let text = lossy(value);
    let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let text = text.strip_prefix('+').unwrap_or(text);
    let mut n: u32 = 0;
    for c in text.chars().take_while(char::is_ascii_digit) {
        n = (n * 10 + c.to_digit(10).unwrap_or(0)).min(u32::from(MAX_SPAN));
    }
    u16::try_from(n.clamp(1, u32::from(MAX_SPAN))).unwrap_or(1)
}

// ---------------------------------------------------------------------------------------------
// Tree
// ---------------------------------------------------------------------------------------------

const ROOT: usize = 0;

#[derive(Clone, Copy, Debug)]
enum Event {
    Open(usize),
    Close,
    /// A text run, as source byte offsets.
    Text(usize, usize),
    /// A `<br>`.
    Break(usize, usize),
}

#[derive(Debug)]
struct Node {
    name: Cow<'static, str>,
    /// Start of the start tag (for an implied row: of its first cell).
    start: usize,
    /// End of the end tag, or of the last thing inside when the element was closed implicitly.
    end: usize,
    /// Index of this node's `Open` event.
    open: usize,
    /// Index of this node's `Close` event.
    close: usize,
    parent: usize,
    /// The nearest enclosing table.
    table: Option<usize>,
    colspan: u16,
    rowspan: u16,
    /// Named like an element holding an article's body.
    content: bool,
    /// Named like a menu, navigation bar or footer.
    chrome: bool,
    /// Hidden from readers of the page ([`is_hidden`]).
    hidden: bool,
    /// Non-whitespace text bytes inside (running count while open).
    text: usize,
}

#[derive(Debug)]
struct Tree {
    nodes: Vec<Node>,
    events: Vec<Event>,
    problems: Vec<Problem>,
}

/// What the tokens are currently fed to.
enum Skip {
    None,
    /// Inside `<head>`: until `</head>`, `<body>` or body content.
    Head,
    /// Inside a skipped element: its name and nesting count.
    Element(Box<str>, usize),
}

struct Builder {
    nodes: Vec<Node>,
    events: Vec<Event>,
    problems: Vec<Problem>,
    stack: Vec<usize>,
    /// End of the last thing added to the tree.
    last_end: usize,
    /// Non-whitespace text bytes so far.
    text_total: usize,
    too_deep: bool,
    truncated: bool,
}

impl Tree {
    fn build(text: &str) -> Self {
        // Sized from the tags the page can have, so that the arrays are not copied as they
        // grow (an element is one node and two events, a text run one event); at most
        // [`RESERVED_NODES`] up front, so a page of bare `<` characters reserves no more than
        // a large real page does.
        let tags = memchr::memchr_iter(b'<', text.as_bytes()).count();
        let mut nodes = Vec::with_capacity((tags / 2 + 1).min(RESERVED_NODES));
        let mut events = Vec::with_capacity((tags * 2 + 2).min(4 * RESERVED_NODES));
        nodes.push(Node {
            name: intern(b"#document"),
            start: 0,
            end: text.len(),
            open: 0,
            close: 0,
            parent: ROOT,
            table: None,
            colspan: 1,
            rowspan: 1,
            content: false,
            chrome: false,
            hidden: false,
            text: 0,
        });
        events.push(Event::Open(ROOT));
        let mut b = Builder {
            nodes,
            events,
            problems: Vec::new(),
            stack: Vec::new(),
            last_end: 0,
            text_total: 0,
            too_deep: false,
            truncated: false,
        };
        let mut skip = Skip::None;
        for token in Tokenizer::new_with_emitter(text, tokens::Lean::default()) {
            let Ok(token) = token;
            if b.events.len() >= MAX_EVENTS || b.nodes.len() >= MAX_ELEMENTS {
                if !b.truncated {
                    b.truncated = true;
                    b.problems.push(Problem {
                        kind: ProblemKind::Truncated,
                        message: format!(
                            "HTML 页面的元素过多（超过 {MAX_ELEMENTS} 个元素或 {MAX_EVENTS} 段内容），其后部分未读取"
                        ),
                        span: Span::new(b.last_end, text.len()),
                    });
                }
                break;
            }
            match token {
                Piece::Start {
                    name,
                    span,
                    self_closing,
                    attrs,
                } => {
                    match &mut skip {
                        Skip::Element(skipped, depth) => {
                            if **skipped == *name && !self_closing {
                                *depth += 1;
                            }
                            continue;
                        }
                        Skip::Head => {
                            if !is_head_content(&name) {
                                skip = Skip::None;
                            } else {
                                if is_skipped(&name) && !self_closing {
                                    skip = Skip::Element(name.as_ref().into(), 1);
                                }
                                continue;
                            }
                        }
                        Skip::None => {}
                    }
                    if name == "head" && !self_closing {
                        skip = Skip::Head;
                        continue;
                    }
                    if is_skipped(&name) {
                        if !self_closing {
                            skip = Skip::Element(name.as_ref().into(), 1);
                        }
                        continue;
                    }
                    b.start_tag(name, span, self_closing, attrs);
                }
                Piece::End { name, span } => {
                    match &mut skip {
                        Skip::Element(skipped, depth) => {
                            if **skipped == *name {
                                *depth -= 1;
                                if *depth == 0 {
                                    skip = Skip::None;
                                }
                            }
                            continue;
                        }
                        Skip::Head => {
                            if name == "head" || name == "html" {
                                skip = Skip::None;
                            }
                            continue;
                        }
                        Skip::None => {}
                    }
                    b.end_tag(&name, span);
                }
                Piece::Text { span } => {
                    let (start, end) = (span.0, span.1.min(text.len()));
                    let Some(run) = text.get(start..end).filter(|r| !r.is_empty()) else {
                        continue;
                    };
                    // Text in `<head>` means the head was left open: the body has begun.
                    if matches!(skip, Skip::Head) && !run.trim().is_empty() {
                        skip = Skip::None;
                    }
                    if !matches!(skip, Skip::None) {
                        continue;
                    }
                    b.text(run, start, end);
                }
            }
        }
        while let Some(id) = b.stack.pop() {
            let end = b.last_end;
            b.close(id, end);
        }
        b.nodes[ROOT].close = b.events.len();
        b.nodes[ROOT].text = b.text_total;
        b.events.push(Event::Close);
        Tree {
            nodes: b.nodes,
            events: b.events,
            problems: b.problems,
        }
    }

    /// The direct children of `node`, in order.
    fn children(&self, node: usize) -> Children<'_> {
        let n = &self.nodes[node];
        Children {
            tree: self,
            next: n.open + 1,
            end: n.close,
        }
    }

    /// Node ids of `node`'s descendants, in document order (node ids are assigned in order of
    /// the start tags, so a subtree is a contiguous id range).
    fn descendants(&self, node: usize) -> std::ops::Range<usize> {
        let close = self.nodes[node].close;
        let end = self.nodes[node + 1..]
            .iter()
            .position(|n| n.open > close)
            .map_or(self.nodes.len(), |p| node + 1 + p);
        node + 1..end
    }
}

struct Children<'a> {
    tree: &'a Tree,
    next: usize,
    end: usize,
}

#[derive(Clone, Copy)]
enum Child {
    Text(usize, usize),
    Break(usize, usize),
    Element(usize),
}

impl Iterator for Children<'_> {
    type Item = Child;

    fn next(&mut self) -> Option<Child> {
        while self.next < self.end {
            let event = self.tree.events[self.next];
            self.next += 1;
            match event {
                Event::Text(s, e) => return Some(Child::Text(s, e)),
                Event::Break(s, e) => return Some(Child::Break(s, e)),
                Event::Open(id) => {
                    self.next = self.tree.nodes[id].close + 1;
                    return Some(Child::Element(id));
                }
                Event::Close => {}
            }
        }
        None
    }
}

#[derive(Debug)]
struct Attrs {
    colspan: u16,
    rowspan: u16,
    content: bool,
    chrome: bool,
    hidden: bool,
}

impl Attrs {
    /// What the builder needs of a start tag `name`'s attributes (`attr` gives a value by
    /// name).
    fn read<'a>(name: &str, attr: impl Fn(&str) -> Option<&'a [u8]>) -> Self {
        // The words of `id` and `class`, read in place (most tags have neither).
        let id = attr("id").map(lossy).unwrap_or_default();
        let class = attr("class").map(lossy).unwrap_or_default();
        let names = || id.split_whitespace().chain(class.split_whitespace());
        Attrs {
            colspan: parse_span(attr("colspan")),
            rowspan: parse_span(attr("rowspan")),
            content: name == "ucapcontent" || name == "article" || names().any(is_content_token),
            chrome: names().any(is_chrome_token),
            hidden: is_hidden(attr("hidden").is_some(), attr("style")),
        }
    }
}

impl Builder {
    fn name(&self, id: usize) -> &str {
        &self.nodes[id].name
    }

    /// Stack position of the innermost open element matching `target`, searching no further
    /// than an element matching `boundary`.
    fn find_open(
        &self,
        target: impl Fn(&str) -> bool,
        boundary: impl Fn(&str) -> bool,
    ) -> Option<usize> {
        for pos in (0..self.stack.len()).rev() {
            let name = self.name(self.stack[pos]);
            if target(name) {
                return Some(pos);
            }
            if boundary(name) {
                return None;
            }
        }
        None
    }

    /// Closes the elements at stack positions `pos..`; the one at `pos` ends at `end`.
    fn pop_to(&mut self, pos: usize, end: usize) {
        while self.stack.len() > pos {
            let id = self.stack.pop().expect("stack is longer than pos");
            let at = if self.stack.len() == pos {
                end
            } else {
                self.last_end
            };
            self.close(id, at);
        }
    }

    fn close(&mut self, id: usize, end: usize) {
        let node = &mut self.nodes[id];
        node.end = end.max(node.start);
        node.close = self.events.len();
        node.text = self.text_total - node.text;
        self.events.push(Event::Close);
        self.last_end = self.last_end.max(end);
    }

    fn open(
        &mut self,
        name: Cow<'static, str>,
        span: (usize, usize),
        attrs: &Attrs,
    ) -> Option<usize> {
        if self.stack.len() >= MAX_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.problems.push(Problem {
                    kind: ProblemKind::TooDeep,
                    message: format!("HTML 元素嵌套超过 {MAX_DEPTH} 层，更深的标签未解析"),
                    span: Span::new(span.0, span.1),
                });
            }
            return None;
        }
        let parent = self.stack.last().copied().unwrap_or(ROOT);
        let table = if &*self.nodes[parent].name == "table" {
            Some(parent)
        } else {
            self.nodes[parent].table
        };
        let id = self.nodes.len();
        self.nodes.push(Node {
            name,
            start: span.0,
            end: span.1,
            open: self.events.len(),
            close: usize::MAX,
            parent,
            table,
            colspan: attrs.colspan,
            rowspan: attrs.rowspan,
            content: attrs.content,
            chrome: attrs.chrome,
            hidden: attrs.hidden,
            text: self.text_total,
        });
        self.events.push(Event::Open(id));
        self.stack.push(id);
        self.last_end = self.last_end.max(span.1);
        Some(id)
    }

    fn start_tag(
        &mut self,
        tag: Cow<'static, str>,
        span: (usize, usize),
        self_closing: bool,
        attrs: Attrs,
    ) {
        let name: &str = &tag;
        if name == "br" {
            self.events.push(Event::Break(span.0, span.1));
            self.last_end = span.1;
            return;
        }
        if is_void(name) || matches!(name, "html" | "body") {
            return;
        }
        let in_cell_scope = |n: &str| matches!(n, "table" | "td" | "th" | "caption");
        if closes_p(name) {
            if let Some(pos) = self.find_open(|n| n == "p", in_cell_scope) {
                self.pop_to(pos, self.last_end);
            }
        }
        match name {
            "li" => {
                if let Some(pos) = self.find_open(
                    |n| n == "li",
                    |n| in_cell_scope(n) || matches!(n, "ul" | "ol"),
                ) {
                    self.pop_to(pos, self.last_end);
                }
            }
            "dd" | "dt" => {
                if let Some(pos) = self.find_open(
                    |n| matches!(n, "dd" | "dt"),
                    |n| in_cell_scope(n) || n == "dl",
                ) {
                    self.pop_to(pos, self.last_end);
                }
            }
            _ if is_heading(name)
                && self
                    .stack
                    .last()
                    .is_some_and(|&top| is_heading(self.name(top))) =>
            {
                let pos = self.stack.len() - 1;
                self.pop_to(pos, self.last_end);
            }
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" => {
                let placed = self.table_part(name, span);
                if !placed {
                    return;
                }
            }
            "table" => {
                // A table start tag inside a table but outside a cell closes that table.
                let innermost = self
                    .stack
                    .iter()
                    .rposition(|&id| matches!(self.name(id), "table" | "td" | "th" | "caption"));
                if let Some(pos) = innermost.filter(|&p| self.name(self.stack[p]) == "table") {
                    self.pop_to(pos, self.last_end);
                }
            }
            _ => {}
        }
        if self.open(tag.clone(), span, &attrs).is_some() && (self_closing || name == "hr") {
            let pos = self.stack.len() - 1;
            self.pop_to(pos, span.1);
        }
    }

    /// Closes the open cell or row a table part ends, and opens the row a cell implies.
    /// `false` when that row could not be opened (too deep).
    fn table_part(&mut self, name: &str, span: (usize, usize)) -> bool {
        // Only inside a table; elsewhere these are ordinary elements.
        if self.find_open(|n| n == "table", |_| false).is_none() {
            return true;
        }
        let closes: fn(&str) -> bool = match name {
            "td" | "th" => is_cell,
            "tr" => |n| n == "tr" || is_cell(n),
            _ => |n| n == "tr" || is_cell(n) || is_row_group(n) || n == "caption",
        };
        // The outermost open part of the current table that this one ends (for `<tr>`: the
        // open row, not only its cell); never one of an enclosing table.
        if let Some(mut pos) = self.find_open(closes, |n| n == "table") {
            while let Some(p) = self.stack[..pos]
                .iter()
                .rposition(|&id| closes(self.name(id)))
                .filter(|&p| {
                    !self.stack[p + 1..pos]
                        .iter()
                        .any(|&id| self.name(id) == "table")
                })
            {
                pos = p;
            }
            self.pop_to(pos, self.last_end);
        }
        if is_cell(name) && self.find_open(|n| n == "tr", |n| n == "table").is_none() {
            let row = Attrs {
                colspan: 1,
                rowspan: 1,
                content: false,
                chrome: false,
                hidden: false,
            };
            return self.open(Cow::Borrowed("tr"), span, &row).is_some();
        }
        true
    }

    fn end_tag(&mut self, name: &str, span: (usize, usize)) {
        match name {
            "br" => {
                self.events.push(Event::Break(span.0, span.1));
                self.last_end = span.1;
                return;
            }
            "html" | "body" => return,
            _ => {}
        }
        let pos = match name {
            "table" => self.find_open(|n| n == "table", |_| false),
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" => {
                self.find_open(|n| n == name, |n| n == "table")
            }
            _ => self.find_open(
                |n| n == name,
                |n| matches!(n, "table" | "td" | "th" | "caption"),
            ),
        };
        if let Some(pos) = pos {
            self.pop_to(pos, span.1);
        }
    }

    fn text(&mut self, run: &str, start: usize, end: usize) {
        self.events.push(Event::Text(start, end));
        self.text_total += run.bytes().filter(|b| !b.is_ascii_whitespace()).count();
        self.last_end = end;
    }
}

// ---------------------------------------------------------------------------------------------
// Inline text
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Atom {
    /// Source bytes copied verbatim (no ASCII whitespace inside).
    Text(usize, usize),
    /// Decoded text standing for a source span (an entity, a no-break space).
    Hard(String, Span),
    /// Collapsible whitespace: a run of it, a `<br>`, or a block boundary inside a cell.
    Space {
        newline: bool,
        br: bool,
        start: usize,
        end: usize,
    },
}

impl Atom {
    fn is_blank(&self) -> bool {
        match self {
            Atom::Text(..) => false,
            Atom::Hard(text, _) => text.trim().is_empty(),
            Atom::Space { .. } => true,
        }
    }
}

/// The inline content of a paragraph or cell, being collected.
#[derive(Debug, Default)]
struct Inline {
    atoms: Vec<Atom>,
}

impl Inline {
    fn space(&mut self, start: usize, end: usize, newline: bool, br: bool) {
        if let Some(Atom::Space {
            newline: n,
            br: b,
            start: s,
            end: e,
        }) = self.atoms.last_mut()
        {
            *n |= newline;
            *b |= br;
            *s = (*s).min(start);
            *e = (*e).max(end);
            return;
        }
        self.atoms.push(Atom::Space {
            newline,
            br,
            start,
            end,
        });
    }

    fn verbatim(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        if let Some(Atom::Text(_, e)) = self.atoms.last_mut() {
            if *e == start {
                *e = end;
                return;
            }
        }
        self.atoms.push(Atom::Text(start, end));
    }

    /// Adds the source text `src[start..end]`: whitespace, entities and verbatim runs.
    fn text(&mut self, src: &str, start: usize, end: usize) {
        let raw = &src[start..end];
        let bytes = raw.as_bytes();
        let mut run = 0;
        let mut i = 0;
        while i < raw.len() {
            let c = raw[i..].chars().next().unwrap_or(' ');
            match c {
                ' ' | '\t' | '\n' | '\r' | '\x0c' => {
                    self.verbatim(start + run, start + i);
                    let ws = bytes[i..]
                        .iter()
                        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'))
                        .map_or(raw.len(), |p| i + p);
                    let newline = bytes[i..ws].iter().any(|b| matches!(b, b'\n' | b'\r'));
                    self.space(start + i, start + ws, newline, false);
                    i = ws;
                    run = i;
                }
                '\u{a0}' => {
                    self.verbatim(start + run, start + i);
                    let span = Span::new(start + i, start + i + c.len_utf8());
                    self.atoms.push(Atom::Hard(" ".into(), span));
                    i += c.len_utf8();
                    run = i;
                }
                '&' => {
                    if let Some((len, decoded)) = entity(&raw[i..]) {
                        self.verbatim(start + run, start + i);
                        if !decoded.chars().all(is_zero_width) {
                            let span = Span::new(start + i, start + i + len);
                            self.atoms.push(Atom::Hard(decoded, span));
                        }
                        i += len;
                        run = i;
                    } else {
                        i += 1;
                    }
                }
                c if is_zero_width(c) => {
                    self.verbatim(start + run, start + i);
                    i += c.len_utf8();
                    run = i;
                }
                _ => i += c.len_utf8(),
            }
        }
        self.verbatim(start + run, start + raw.len());
    }

    fn is_empty(&self) -> bool {
        self.atoms.iter().all(Atom::is_blank)
    }

    /// The paragraphs: `<br>`-separated lines stay together unless one is a heading.
    fn paragraphs(&self, src: &str) -> Vec<MappedText> {
        let atoms = &self.atoms;
        let breaks: Vec<usize> = atoms
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a, Atom::Space { br: true, .. }))
            .map(|(i, _)| i)
            .collect();
        if breaks.is_empty() {
            return vec![finish(atoms, src)];
        }
        let mut out = Vec::new();
        let mut group_start = 0;
        let mut line_start = 0;
        let mut previous_line_start = 0;
        for &brk in breaks.iter().chain(std::iter::once(&atoms.len())) {
            let line = finish(&atoms[line_start..brk], src);
            let title = is_title_like(&line.text);
            if title || looks_like_heading(&line.text).is_some() {
                // A title broken over lines (`2024 年某局政府信息公开工作` / `年度报告`): the
                // short line just before the title line stands alone too, as each line does
                // in a text export, so the title is joined the same way from either.
                let mut split = line_start;
                if title && (group_start..line_start).contains(&previous_line_start) {
                    let before = finish(&atoms[previous_line_start..line_start], src);
                    let before = before.text.trim();
                    if !before.is_empty() && before.chars().count() <= 30 && !before.contains('。')
                    {
                        split = previous_line_start;
                    }
                }
                out.push(finish(&atoms[group_start..split], src));
                if split < line_start {
                    out.push(finish(&atoms[split..line_start], src));
                }
                out.push(line);
                group_start = brk;
            }
            previous_line_start = line_start;
            line_start = (brk + 1).min(atoms.len());
        }
        out.push(finish(&atoms[group_start..], src));
        out.retain(|p| !p.text.trim().is_empty());
        out
    }
}

/// Builds the text of `atoms`: blank ends dropped, whitespace collapsed.
fn finish(atoms: &[Atom], src: &str) -> MappedText {
    let mut text = MappedText::default();
    let Some(first) = atoms.iter().position(|a| !a.is_blank()) else {
        return text;
    };
    let last = atoms.iter().rposition(|a| !a.is_blank()).unwrap_or(first);
    let first_char = |a: &Atom| match a {
        Atom::Text(s, e) => src[*s..*e].chars().next(),
        Atom::Hard(t, _) => t.chars().next(),
        Atom::Space { .. } => None,
    };
    for (i, atom) in atoms.iter().enumerate().take(last + 1).skip(first) {
        match atom {
            Atom::Text(s, e) => text.push_verbatim(&src[*s..*e], *s),
            Atom::Hard(t, span) => text.push_mapped(t, *span),
            Atom::Space {
                newline,
                start,
                end,
                ..
            } => {
                let before = text.text.chars().next_back();
                let after = atoms[i + 1..].iter().find_map(first_char);
                let joins = *newline && before.is_some_and(is_cjk) && after.is_some_and(is_cjk);
                if joins || before.is_some_and(char::is_whitespace) {
                    continue;
                }
                if src.get(*start..*end) == Some(" ") {
                    text.push_verbatim(" ", *start);
                } else {
                    text.push_mapped(" ", Span::new(*start, *end));
                }
            }
        }
    }
    text
}

/// A character reference at the start of `s` (which starts with `&`): its length in bytes and
/// its text. `None` when `&` starts no reference.
fn entity(s: &str) -> Option<(usize, String)> {
    let bytes = s.as_bytes();
    let mut j = 1;
    if bytes.get(1) == Some(&b'#') {
        j = 2;
        if matches!(bytes.get(2), Some(b'x' | b'X')) {
            j = 3;
            while j < 12 && bytes.get(j).is_some_and(u8::is_ascii_hexdigit) {
                j += 1;
            }
        } else {
            while j < 12 && bytes.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
        }
    } else {
        while j < 40 && bytes.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        }
    }
    if bytes.get(j) == Some(&b';') {
        j += 1;
    }
    let candidate = &s[..j];
    let mut decoded = String::new();
    for token in Tokenizer::new(candidate) {
        let Ok(token) = token;
        if let Token::String(text) = token {
            decoded.push_str(&String::from_utf8_lossy(&text.value));
        }
    }
    if decoded == candidate {
        return None;
    }
    // A legacy reference without `;` (`&nbspx`) leaves the rest of the name as text: that
    // common tail is not part of the reference.
    let mut tail = 0;
    for (a, b) in decoded.chars().rev().zip(candidate.chars().rev()) {
        if a != b || tail + a.len_utf8() >= decoded.len() {
            break;
        }
        tail += a.len_utf8();
    }
    let text: String = decoded[..decoded.len() - tail]
        .chars()
        .map(|c| {
            if c == '\u{a0}' || c.is_ascii_whitespace() {
                ' '
            } else {
                c
            }
        })
        .collect();
    Some((j - tail, text))
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

struct Reader<'a> {
    src: &'a str,
    tree: &'a Tree,
    blocks: Vec<RawBlock>,
    problems: Vec<Problem>,
    /// Grid positions read so far.
    page_area: usize,
}

impl<'a> Reader<'a> {
    fn node(&self, id: usize) -> &'a Node {
        &self.tree.nodes[id]
    }

    /// The element holding the report, or the document.
    fn content_root(&self) -> usize {
        let total = self.node(ROOT).text;
        let holds_report = |id: usize| {
            let text = self.node(id).text;
            text >= 200 && text * 2 >= total
        };
        let candidates =
            || (1..self.tree.nodes.len()).filter(|&id| self.node(id).content && holds_report(id));
        if let Some(id) = candidates().find(|&id| &*self.node(id).name == "ucapcontent") {
            return id;
        }
        candidates()
            .min_by_key(|&id| self.node(id).text)
            .unwrap_or(ROOT)
    }

    /// Puts the heading that titles the content root before it, when the root has none.
    ///
    /// A title is recognised the way [`super::super::structure::title`] does: a short line
    /// naming a 年度报告, not a sentence (the preamble names the 年度报告 too).
    fn rescue_title(&mut self, root: usize) {
        let has_title = self
            .blocks
            .iter()
            .take(8)
            .any(|b| matches!(b, RawBlock::Paragraph(p) if is_title_like(&p.text)));
        if has_title {
            return;
        }
        let root_open = self.node(root).open;
        let heading = (1..root).rev().find(|&id| {
            let n = self.node(id);
            n.close < root_open && (matches!(&*n.name, "h1" | "h2" | "h3" | "ucaptitle")) && {
                let mut inline = Inline::default();
                self.inline(id, &mut inline, false);
                finish(&inline.atoms, self.src).text.contains("报告")
            }
        });
        if let Some(id) = heading {
            let mut inline = Inline::default();
            self.inline(id, &mut inline, false);
            let paragraphs = inline.paragraphs(self.src);
            self.blocks
                .splice(0..0, paragraphs.into_iter().map(RawBlock::Paragraph));
        }
    }

    fn skipped(&self, id: usize) -> bool {
        let n = self.node(id);
        n.hidden || &*n.name == "nav" || (n.chrome && n.text < 500 && !n.content)
    }

    /// Whether `node` or an element between it and `table` is hidden (a hidden row or cell).
    fn hidden_in_table(&self, mut node: usize, table: usize) -> bool {
        while node != table && node != ROOT {
            if self.node(node).hidden {
                return true;
            }
            node = self.node(node).parent;
        }
        false
    }

    fn flush(&mut self, inline: &mut Inline) {
        if !inline.is_empty() {
            for paragraph in inline.paragraphs(self.src) {
                self.blocks.push(RawBlock::Paragraph(paragraph));
            }
        }
        inline.atoms.clear();
    }

    /// Reads the content of `node` as flowing text and blocks.
    fn flow(&mut self, node: usize, inline: &mut Inline) {
        for child in self.tree.children(node) {
            match child {
                Child::Text(s, e) => inline.text(self.src, s, e),
                Child::Break(s, e) => inline.space(s, e, true, true),
                Child::Element(id) => {
                    if self.skipped(id) {
                        continue;
                    }
                    let name = &*self.node(id).name;
                    if name == "table" {
                        self.flush(inline);
                        self.table(id, inline);
                        self.flush(inline);
                    } else if is_block(name) {
                        self.flush(inline);
                        self.flow(id, inline);
                        self.flush(inline);
                    } else {
                        self.flow(id, inline);
                    }
                }
            }
        }
    }

    /// Collects all text inside `node`; block boundaries become line breaks (`cell` is set for
    /// table cells, where they never start a new paragraph).
    fn inline(&self, node: usize, inline: &mut Inline, cell: bool) {
        for child in self.tree.children(node) {
            match child {
                Child::Text(s, e) => inline.text(self.src, s, e),
                Child::Break(s, e) => inline.space(s, e, true, !cell),
                Child::Element(id) => {
                    if self.skipped(id) {
                        continue;
                    }
                    let block = is_block(&self.node(id).name);
                    let at = self.node(id).start;
                    if block {
                        inline.space(at, at, true, false);
                    }
                    self.inline(id, inline, cell);
                    if block {
                        let end = self.node(id).end;
                        inline.space(end, end, true, false);
                    }
                }
            }
        }
    }

    fn table(&mut self, id: usize, inline: &mut Inline) {
        let cells: Vec<usize> = self
            .tree
            .descendants(id)
            .filter(|&d| self.node(d).table == Some(id) && is_cell(&self.node(d).name))
            .filter(|&d| !self.hidden_in_table(d, id))
            .collect();
        if self.is_layout(id, &cells) {
            self.flow(id, inline);
            return;
        }
        for caption in self
            .tree
            .children(id)
            .filter_map(|c| match c {
                Child::Element(e) if &*self.node(e).name == "caption" => Some(e),
                _ => None,
            })
            .collect::<Vec<_>>()
        {
            self.flow(caption, inline);
            self.flush(inline);
        }
        let table = self.data_table(id, &cells);
        if !table.rows.is_empty() {
            self.blocks.push(RawBlock::Table(table));
        }
    }

    /// Whether a table only arranges content: one cell, or cells holding tables, headings or
    /// long runs of paragraphs.
    fn is_layout(&self, id: usize, cells: &[usize]) -> bool {
        if cells.len() < 2 {
            return true;
        }
        let nested = self
            .tree
            .descendants(id)
            .any(|d| self.node(d).table == Some(id) && &*self.node(d).name == "table");
        if nested {
            return true;
        }
        cells.iter().any(|&cell| {
            let text = self.node(cell).text;
            let mut paragraphs = 0;
            for d in self.tree.descendants(cell) {
                let name = &*self.node(d).name;
                if is_heading(name) || name == "table" {
                    return true;
                }
                if matches!(name, "p" | "div" | "li") {
                    paragraphs += 1;
                }
            }
            text > 1800 || (paragraphs >= 3 && text > 600)
        })
    }

    fn data_table(&mut self, id: usize, cells: &[usize]) -> RawTable {
        let table = self.node(id);
        let mut raw = RawTable {
            span: Span::new(table.start, table.end),
            rows: Vec::new(),
            kind: TableKind::Markup,
        };
        let mut rows: HashMap<usize, usize> = HashMap::new();
        let mut area = 0;
        for &cell in cells {
            let node = self.node(cell);
            let mut row_id = node.parent;
            while row_id != id && row_id != ROOT && &*self.node(row_id).name != "tr" {
                row_id = self.node(row_id).parent;
            }
            let mut text = Inline::default();
            self.inline(cell, &mut text, true);
            let text = finish(&text.atoms, self.src).text;
            let (mut colspan, mut rowspan) = (node.colspan, node.rowspan);
            let mut cell_area = usize::from(colspan) * usize::from(rowspan);
            if cell_area > 1 && text.len().saturating_mul(cell_area) > MAX_CELL_COPY_BYTES {
                self.problems.push(Problem {
                    kind: ProblemKind::Truncated,
                    message: "合并单元格的文字过长，已按未合并的单元格读取".into(),
                    span: Span::new(node.start, node.end),
                });
                (colspan, rowspan, cell_area) = (1, 1, 1);
            }
            if area + cell_area > MAX_TABLE_AREA || self.page_area + cell_area > MAX_PAGE_AREA {
                self.problems.push(Problem {
                    kind: ProblemKind::Truncated,
                    message: "表格过大，其后的单元格未读取".into(),
                    span: Span::new(node.start, table.end),
                });
                break;
            }
            area += cell_area;
            self.page_area += cell_area;
            let index = *rows.entry(row_id).or_insert_with(|| {
                let row = self.node(row_id);
                let span = if row_id == id {
                    Span::new(node.start, node.end)
                } else {
                    Span::new(row.start, row.end)
                };
                raw.rows.push(RawRow {
                    span,
                    cells: Vec::new(),
                });
                raw.rows.len() - 1
            });
            raw.rows[index].cells.push(RawCell {
                text,
                span: Span::new(node.start, node.end),
                colspan,
                rowspan,
            });
        }
        drop_empty_trailing_columns(&mut raw);
        raw
    }
}

/// Widest grid followed when looking for empty columns (as wide as layout expands a table).
const MAX_GRID_COLUMNS: usize = 256;

/// Drops the columns at the right edge of a table that hold no text in any row.
///
/// Tables pasted from Excel, and hand-edited CMS tables, often carry one empty column beyond
/// the last heading; its blank cells would otherwise be read as blank values (table 4 read as
/// 16 values for 15 columns). A column with a heading or any value is kept, and so is a table
/// that is empty throughout. Shared with the DOCX reader.
pub(super) fn drop_empty_trailing_columns(table: &mut RawTable) {
    // Place cells on the grid as `layout` expands them: (row, cell, first column, colspan).
    let mut occupied: Vec<Vec<bool>> = vec![Vec::new(); table.rows.len()];
    let mut placed = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let mut c = 0;
        for (i, cell) in row.cells.iter().enumerate() {
            while occupied[r].get(c).copied().unwrap_or(false) {
                c += 1;
            }
            if c >= MAX_GRID_COLUMNS {
                return; // wider than layout reads: leave it as it is
            }
            let colspan = usize::from(cell.colspan.max(1)).min(MAX_GRID_COLUMNS - c);
            let rowspan = usize::from(cell.rowspan.max(1)).min(table.rows.len() - r);
            for covered in &mut occupied[r..r + rowspan] {
                if covered.len() < c + colspan {
                    covered.resize(c + colspan, false);
                }
                covered[c..c + colspan].fill(true);
            }
            placed.push((r, i, c, colspan));
            c += colspan;
        }
    }
    let width = placed.iter().map(|&(_, _, c, n)| c + n).max().unwrap_or(0);
    let mut has_text = vec![false; width];
    for &(r, i, c, n) in &placed {
        if !table.rows[r].cells[i].text.trim().is_empty() {
            has_text[c..c + n].fill(true);
        }
    }
    let Some(kept) = has_text.iter().rposition(|&t| t).map(|last| last + 1) else {
        return;
    };
    if kept == width {
        return;
    }
    // Cells wholly right of the kept columns go (each is the last of its row); cells reaching
    // into them are narrowed.
    for &(r, i, c, n) in placed.iter().rev() {
        if c >= kept {
            table.rows[r].cells.remove(i);
        } else if c + n > kept {
            table.rows[r].cells[i].colspan = u16::try_from(kept - c).unwrap_or(u16::MAX);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::paragraph_texts as paragraphs;

    use super::super::tables;

    /// `contains_spaced` answers as the string it avoids building would: every string of up
    /// to four characters drawn from the needle's letters, its case variants, whitespace
    /// (ASCII and U+3000) and a non-ASCII letter, with the needle put in at each place.
    #[test]
    fn contains_spaced_is_contains_on_the_compacted_lowercase_text() {
        fn reference(haystack: &str, needle: &str) -> bool {
            haystack
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase()
                .contains(needle)
        }
        let needle = "display:none";
        let alphabet = ['d', 'D', 'i', 'n', 'o', 'e', ':', ' ', '\u{3000}', '甲'];
        let mut checked = 0;
        crate::test_support::each_string(&alphabet, 4, |s| {
            for (i, _) in s.char_indices().chain([(s.len(), ' ')]) {
                for inserted in [
                    "",
                    "display:none",
                    "DISPLAY : NONE",
                    "displa y:no",
                    "dd isplay:none",
                ] {
                    let haystack = format!("{}{inserted}{}", &s[..i], &s[i..]);
                    assert_eq!(
                        contains_spaced(&haystack, [("display", "none")]),
                        reference(&haystack, needle),
                        "{haystack:?}"
                    );
                    checked += 1;
                }
            }
        });
        assert!(checked > 100_000, "{checked}");
        let hiding = [("display", "none"), ("visibility", "hidden")];
        assert!(contains_spaced("Visibility: Hidden", hiding));
        assert!(!contains_spaced("visibility:visible", hiding));
        assert!(contains_spaced("color:red; DISPLAY :\u{3000}None", hiding));
        assert!(!contains_spaced("display:block;visibility:visible", hiding));
    }

    /// `may_declare` rules out only styles in which `contains_spaced` finds nothing: every
    /// string of up to five of the bytes that matter (both cases of the values' first
    /// letters, the ASCII whitespace `char::is_whitespace` counts, the ideographic space, an
    /// ideograph, a byte that is not UTF-8), around each spelling of the two declarations.
    #[test]
    fn may_declare_rules_out_only_styles_without_the_declarations() {
        let alphabet: [&[u8]; 10] = [
            b":",
            b"n",
            b"H",
            b"x",
            b" ",
            b"\x0B",
            "\u{3000}".as_bytes(),
            "甲".as_bytes(),
            b"\xFF",
            b";",
        ];
        let mut checked = 0;
        let mut ruled_out = 0;
        let mut each = |bytes: &[u8]| {
            for inserted in [
                "",
                "display:none",
                "DISPLAY :\u{3000}NONE",
                "visibility:\x0Bhidden",
            ] {
                for at in [0, bytes.len()] {
                    let mut style = bytes[..at].to_vec();
                    style.extend_from_slice(inserted.as_bytes());
                    style.extend_from_slice(&bytes[at..]);
                    let found = contains_spaced(&lossy(&style), HIDING);
                    if !may_declare(&style, &HIDING_VALUE_STARTS) {
                        assert!(!found, "{:?}", String::from_utf8_lossy(&style));
                        ruled_out += 1;
                    }
                    checked += 1;
                }
            }
        };
        // Every string of 0 to 5 pieces, one length at a time.
        let mut level: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..=5 {
            level.iter().for_each(|s| each(s));
            level = level
                .iter()
                .flat_map(|s| {
                    alphabet
                        .iter()
                        .map(move |piece| [s.as_slice(), piece].concat())
                })
                .collect();
        }
        assert!(checked > 100_000, "{checked}");
        // It rules out a good share, not only colon-free strings.
        assert!(ruled_out > checked / 10, "{ruled_out} of {checked}");
        assert!(!may_declare(
            b"font-size:12.0pt;font-family:\xE5\xAE\x8B\xE4\xBD\x93;color:red",
            &HIDING_VALUE_STARTS
        ));
        assert!(may_declare(
            b"mso-hide:all;display:none",
            &HIDING_VALUE_STARTS
        ));
        assert!(may_declare(
            b"color: \xE3\x80\x80hidden",
            &HIDING_VALUE_STARTS
        ));
        assert!(!may_declare(
            b"color: \xE3\x80\x80red;x:\xFFn",
            &HIDING_VALUE_STARTS
        ));
    }

    #[test]
    fn nbsp_and_entities_map_to_their_markup() {
        let html = "<p>联系电话：&nbsp;0527-83593059&#xFF0C;邮编&amp;223600 &nbspx</p>";
        let (blocks, problems) = read(html);
        assert!(problems.is_empty());
        let [RawBlock::Paragraph(p)] = blocks.as_slice() else {
            panic!("{blocks:?}");
        };
        assert_eq!(p.text, "联系电话： 0527-83593059，邮编&223600  x");
        let phone = p.text.find("0527").unwrap();
        let span = p.span_of(phone, phone + "0527-83593059".len()).unwrap();
        assert_eq!(&html[span.range()], "0527-83593059");
        let nbsp = p.text.find(' ').unwrap();
        assert_eq!(&html[p.span_of(nbsp, nbsp + 1).unwrap().range()], "&nbsp;");
        let comma = p.text.find('，').unwrap();
        let span = p.span_of(comma, comma + '，'.len_utf8()).unwrap();
        assert_eq!(&html[span.range()], "&#xFF0C;");
        // `&nbspx`: the legacy reference is `&nbsp`, the `x` stays text.
        let x = p.text.len() - 1;
        assert_eq!(&html[p.span_of(x, x + 1).unwrap().range()], "x");
    }

    #[test]
    fn whitespace_collapses_and_line_breaks_vanish_between_cjk() {
        let html = "<div>\n  <p>政府\n  信息 公开\nweb\n  site 2023\n年</p>\n</div>";
        let (blocks, _) = read(html);
        assert_eq!(paragraphs(&blocks), ["政府信息 公开 web site 2023 年"]);
    }

    #[test]
    fn word_runs_join_into_one_heading() {
        let html = "<p align=''><span><font face='黑体'>一、</font></span><span><font>总体</font>\
                    情况</span><span><o:p></o:p></span></p><p>正文。</p>";
        let (blocks, _) = read(html);
        assert_eq!(paragraphs(&blocks), ["一、总体情况", "正文。"]);
    }

    /// The title the whole pipeline finds in `html`.
    fn title_of(html: &str) -> String {
        let loaded = crate::document::load(
            "report.html",
            html.as_bytes(),
            crate::document::ReadOptions::default(),
        )
        .expect("readable");
        loaded.document.title.expect("a title").text
    }

    #[test]
    fn br_lines_stay_together_unless_one_is_a_heading() {
        let html = "<p>某某局<br>2019年政府信息公开工作年度报告</p>\
                    <p>一、总体情况<br/>2019年，本局认真贯彻。<br>继续推进。</p>";
        let (blocks, _) = read(html);
        assert_eq!(
            paragraphs(&blocks),
            [
                "某某局",
                "2019年政府信息公开工作年度报告",
                "一、总体情况",
                "2019年，本局认真贯彻。继续推进。"
            ]
        );
        // The title's two lines are one title again, as in a text export.
        assert_eq!(title_of(html), "某某局2019年政府信息公开工作年度报告");
    }

    #[test]
    fn script_style_head_comments_and_nav_are_ignored() {
        let html = "<html><head><title>标题</title><style>p{}</style></head><body>\
                    <nav><a>首页</a></nav><div class='mainNav'><a>走进</a></div>\
                    <script>var a = '<p>脚本</p>';</script><!-- <p>注释</p> -->\
                    <p>正文</p><noscript>请启用</noscript></body></html>";
        let (blocks, _) = read(html);
        assert_eq!(paragraphs(&blocks), ["正文"]);
    }

    #[test]
    fn table_cells_spans_and_merges() {
        let html = "<table border=1><tr><td colspan=\"2\" rowspan=99999><p>信息</p><p>内容</p></td>\
                    <th colspan='2px'>本年新<br />制作数量</th></tr>\
                    <tr><td>规章<td>&nbsp;13 </td><td colspan=0>x</tr></table>";
        let (blocks, _) = read(html);
        let found = tables(&blocks);
        let [table] = found.as_slice() else {
            panic!("{blocks:?}");
        };
        assert_eq!(table.kind, TableKind::Markup);
        assert_eq!(&html[table.span.range()], html);
        let texts: Vec<Vec<&str>> = table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            [vec!["信息内容", "本年新制作数量"], vec!["规章", "13", "x"]]
        );
        let first = &table.rows[0].cells[0];
        assert_eq!((first.colspan, first.rowspan), (2, MAX_SPAN));
        assert_eq!(table.rows[0].cells[1].colspan, 2);
        assert_eq!(table.rows[1].cells[2].colspan, 1);
        assert_eq!(
            &html[first.span.range()],
            "<td colspan=\"2\" rowspan=99999><p>信息</p><p>内容</p></td>"
        );
        // Unclosed cells end where the next one starts.
        assert_eq!(&html[table.rows[1].cells[0].span.range()], "<td>规章");
        assert!(html[table.rows[1].span.range()].starts_with("<tr><td>规章"));
    }

    #[test]
    fn empty_columns_right_of_the_last_heading_are_dropped() {
        // Pasted from Excel: one empty column too many, and a heading spanning into it.
        let html = "<table><tr><td colspan=3>行政复议</td><td></td></tr>\
                    <tr><td>结果维持</td><td>总计</td><td colspan=2></td></tr>\
                    <tr><td x:num>0</td><td x:num>1</td><td>&nbsp;</td><td> </td></tr></table>";
        let (blocks, _) = read(html);
        let found = tables(&blocks);
        let [table] = found.as_slice() else {
            panic!("{blocks:?}");
        };
        let shape: Vec<Vec<(&str, u16)>> = table
            .rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| (c.text.as_str(), c.colspan))
                    .collect()
            })
            .collect();
        assert_eq!(
            shape,
            [
                vec![("行政复议", 3)],
                vec![("结果维持", 1), ("总计", 1), ("", 1)],
                vec![("0", 1), ("1", 1), ("", 1)],
            ]
        );
    }

    #[test]
    fn a_title_line_among_br_lines_stands_alone() {
        let html = "<div>正文<br>&nbsp;&nbsp;某某局2023年政府信息公开工作年度报告<br>\
                    &nbsp;&nbsp;本报告依据条例编制<br>特此报告<br>一、总体情况<br>正文</div>";
        let (blocks, _) = read(html);
        assert_eq!(
            paragraphs(&blocks),
            [
                "正文",
                "某某局2023年政府信息公开工作年度报告",
                "本报告依据条例编制特此报告",
                "一、总体情况",
                "正文"
            ]
        );
    }

    /// A title broken over two `<br>` lines after a label line: each line stands alone, as in
    /// a text export, so the title is the two lines and not the label.
    #[test]
    fn the_first_half_of_a_broken_title_stands_alone() {
        let html = "<div>正文<br>2024 年上海市某局政府信息公开工作<br>年度报告<br>\
                    根据条例编制本报告。<br>一、总体情况</div>";
        let (blocks, _) = read(html);
        assert_eq!(
            paragraphs(&blocks),
            [
                "正文",
                "2024 年上海市某局政府信息公开工作",
                "年度报告",
                "根据条例编制本报告。",
                "一、总体情况"
            ]
        );
        assert_eq!(title_of(html), "2024年上海市某局政府信息公开工作年度报告");
    }

    #[test]
    fn zero_width_fillers_are_dropped() {
        let html = "<p><strong>\u{200b}一、总体情况</strong></p><p>收到申请2&#8203;6件\u{feff}</p>";
        let (blocks, _) = read(html);
        assert_eq!(paragraphs(&blocks), ["一、总体情况", "收到申请26件"]);
        let RawBlock::Paragraph(p) = &blocks[1] else {
            panic!("{blocks:?}");
        };
        // The text still maps into the markup around the dropped characters.
        let digits = p
            .span_of("收到申请".len(), "收到申请26".len())
            .expect("mapped");
        assert_eq!(&html[digits.range()], "2&#8203;6");
    }

    #[test]
    fn hidden_text_is_not_read() {
        let html = "<div style=\"display:none\">分享到：微信 2019</div>\
                    <p>本机关共收到<span style=\"DISPLAY: none\">78</span>申请12件\
                    <span style='display:none;mso-hide:all'>（草稿）</span></p>\
                    <p hidden>隐藏<p>其后<b style=\"visibility:hidden\">9</b>可见</p>\
                    <section hidden><p>不可见</p></section><p>尾</p>\
                    <table><tr><td>规章</td><td style=\"display:none\">7</td><td>0</td></tr>\
                    <tr style=\"display:none\"><td>隐藏行</td><td>1</td></tr></table>";
        let (blocks, _) = read(html);
        // The hidden `<p>` left open ends where the next one starts, as any `<p>`.
        assert_eq!(
            paragraphs(&blocks),
            ["本机关共收到申请12件", "其后可见", "尾"]
        );
        let found = tables(&blocks);
        let [table] = found.as_slice() else {
            panic!("{blocks:?}");
        };
        let texts: Vec<Vec<&str>> = table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(texts, [vec!["规章", "0"]]);
    }

    #[test]
    fn a_blank_column_under_a_heading_is_kept() {
        let html = "<table><tr><td>结果维持</td><td>总计</td></tr>\
                    <tr><td>0</td><td></td></tr></table>";
        let (blocks, _) = read(html);
        let found = tables(&blocks);
        let [table] = found.as_slice() else {
            panic!("{blocks:?}");
        };
        assert_eq!(table.rows[1].cells.len(), 2);
    }

    #[test]
    fn layout_tables_are_read_as_content() {
        let html = "<table><tr><td><p>2019年政府信息公开工作年度报告</p></td></tr>\
                    <tr><td><p>一、总体情况</p><table><tr><td>规章</td><td>3</td></tr></table>\
                    <p>二、主动公开政府信息情况</p></td></tr></table>";
        let (blocks, _) = read(html);
        assert_eq!(
            paragraphs(&blocks),
            [
                "2019年政府信息公开工作年度报告",
                "一、总体情况",
                "二、主动公开政府信息情况"
            ]
        );
        let found = tables(&blocks);
        let [table] = found.as_slice() else {
            panic!("{blocks:?}");
        };
        assert_eq!(table.rows[0].cells[1].text, "3");
        assert!(matches!(blocks[2], RawBlock::Table(_)));
    }

    #[test]
    fn content_element_is_preferred_and_its_title_kept() {
        let filler = "本机关认真贯彻落实条例要求，".repeat(20);
        let html = format!(
            "<body><div class='header'><a>首页</a><a>政务公开</a></div>\
             <table><tr><td>索引号</td><td>0001/2024</td></tr></table>\
             <h1><ucaptitle>某局2023年政府信息公开工作年度报告</ucaptitle></h1>\
             <div id='zoom'><ucapcontent><p>根据条例，现公布本机关2023年度政府信息公开年度报告。</p>\
             <p>一、总体情况</p><p>{filler}</p></ucapcontent></div>\
             <div class='footer'>版权所有</div></body>"
        );
        let (blocks, _) = read(&html);
        let texts = paragraphs(&blocks);
        assert_eq!(texts[0], "某局2023年政府信息公开工作年度报告");
        assert_eq!(texts[2], "一、总体情况");
        assert_eq!(texts.len(), 4);
        assert!(tables(&blocks).is_empty());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let html = format!("{}<p>底</p>", "<div><span>".repeat(10_000));
        let (blocks, problems) = read(&html);
        assert_eq!(paragraphs(&blocks), ["底"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::TooDeep);
        let tables = format!("{}x", "<table><tr><td>".repeat(5_000));
        let (_, problems) = read(&tables);
        assert!(problems.iter().any(|p| p.kind == ProblemKind::TooDeep));
    }

    #[test]
    fn huge_merged_cells_are_bounded() {
        let row = "<tr><td colspan=256 rowspan=256>合并</td><td>1</td></tr>";
        let html = format!("<table>{}</table>", row.repeat(50));
        let (blocks, problems) = read(&html);
        let found = tables(&blocks);
        let [table] = found.as_slice() else {
            panic!("{blocks:?}");
        };
        let area: usize = table
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(|c| usize::from(c.colspan) * usize::from(c.rowspan))
            .sum();
        assert!(area <= MAX_TABLE_AREA);
        assert!(problems.iter().any(|p| p.kind == ProblemKind::Truncated));
    }

    #[test]
    fn garbage_does_not_panic() {
        let inputs = [
            "",
            "<",
            "&",
            "&#",
            "&#x;",
            "&#99999999999;",
            "</p></td></tr></table></div>",
            "<td>a<tr>b<th>c</table>d</td>",
            "<table><table><tr><td><table>x",
            "<p><div><p>a</div>b</p></p>",
            "<li>1<li>2<ul><li>3</ul><dd>4<dt>5",
            "<h1>a<h2>b</h1>c",
            "<head><p>正文在头里",
            "<head>文本<title>t",
            "<script>never closed <p>x</p>",
            "<svg><svg></svg><p>x</p></svg><p>y</p>",
            "<a href='\u{0}'>\u{0}\r\n\r</a>&nbsp\u{a0}&amp&lt;&gt",
            "<tr><td>outside a table</td></tr>",
            "<caption>c</caption><tbody><td>1</td>",
            "<p>中文\n<br>\n中文</p><<>>&&;;",
        ];
        for html in inputs {
            let (blocks, _) = read(html);
            for block in &blocks {
                match block {
                    RawBlock::Paragraph(p) => {
                        let span = p.span().unwrap_or_default();
                        assert!(html.get(span.range()).is_some(), "{html:?}");
                    }
                    RawBlock::Table(t) => {
                        for cell in t.rows.iter().flat_map(|r| &r.cells) {
                            assert!(html.get(cell.span.range()).is_some(), "{html:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn attribute_spans_parse_like_html() {
        assert_eq!(parse_span(None), 1);
        assert_eq!(parse_span(Some(b" 3")), 3);
        assert_eq!(parse_span(Some(b"+2;")), 2);
        assert_eq!(parse_span(Some(b"0")), 1);
        assert_eq!(parse_span(Some(b"-4")), 1);
        assert_eq!(parse_span(Some(b"99999999999999")), MAX_SPAN);
    }
}
