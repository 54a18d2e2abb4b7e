//! Glyphs and ruling lines of each page, collected through `pdf-extract`'s [`OutputDev`].
//!
//! `pdf-extract` interprets the content streams (text state, CID fonts with Identity-H/V
//! encodings, `ToUnicode` maps, the graphics state) and calls back with every character's
//! text-rendering matrix and every stroked or filled path. This module keeps, per page, the
//! glyphs (position, advance, size, text) and the horizontal and vertical rules, in *page
//! coordinates with y growing downwards* (top of the page is 0), which is how tables are read.

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};
use std::time::Instant;

/// How user space maps to the page as displayed: the media box and the page's `/Rotate`
/// (which `pdf-extract` ignores; a landscape table page is often a portrait page rotated).
#[derive(Clone, Copy, Debug, Default)]
struct Frame {
    /// 0, 90, 180 or 270 degrees clockwise.
    rotate: u16,
    llx: f64,
    lly: f64,
    urx: f64,
    ury: f64,
}

impl Frame {
    /// A user-space point on the displayed page: x to the right, y down from the top.
    fn display(&self, x: f64, y: f64) -> (f64, f64) {
        match self.rotate {
            90 => (y - self.lly, x - self.llx),
            180 => (self.urx - x, y - self.lly),
            270 => (self.ury - y, self.urx - x),
            _ => (x - self.llx, self.ury - y),
        }
    }

    /// Height of the displayed page.
    fn height(&self) -> f64 {
        match self.rotate {
            90 | 270 => (self.urx - self.llx).abs(),
            _ => (self.ury - self.lly).abs(),
        }
    }
}

/// A rule thinner than this (in points) drawn as a filled rectangle is a line (Chromium and
/// LibreOffice draw table borders as thin filled rectangles).
const THIN_RECT: f64 = 3.0;

/// One character as drawn.
#[derive(Clone, Copy, Debug)]
pub struct Glyph {
    /// Left edge (origin) of the glyph.
    pub x: f32,
    /// Baseline, measured from the top of the page.
    pub y: f32,
    /// Horizontal advance.
    pub width: f32,
    /// Font size in page units.
    pub size: f32,
    /// Byte range of the glyph's text in [`Page::text`].
    pub text_start: u32,
    /// Length of the text in bytes.
    pub text_len: u16,
}

impl Glyph {
    /// Horizontal centre.
    pub fn center_x(&self) -> f32 {
        self.x + self.width / 2.0
    }

    /// Vertical centre (the baseline is near the bottom of a CJK glyph).
    pub fn center_y(&self) -> f32 {
        self.y - self.size * 0.35
    }

    /// Right edge.
    pub fn right(&self) -> f32 {
        self.x + self.width
    }
}

/// A horizontal (`vertical == false`: y = `at`, x from `from` to `to`) or vertical rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    /// Whether the rule is vertical.
    pub vertical: bool,
    /// The y of a horizontal rule, the x of a vertical one.
    pub at: f32,
    /// Start along the rule.
    pub from: f32,
    /// End along the rule.
    pub to: f32,
}

/// What one page holds.
#[derive(Debug, Default)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Page height.
    pub height: f32,
    /// Glyph texts, concatenated (one allocation per page, not per glyph).
    pub text: String,
    /// Glyphs in drawing order.
    pub glyphs: Vec<Glyph>,
    /// Ruling lines.
    pub rules: Vec<Rule>,
}

impl Page {
    /// The text of a glyph.
    pub fn glyph_text(&self, glyph: &Glyph) -> &str {
        let start = glyph.text_start as usize;
        &self.text[start..start + usize::from(glyph.text_len)]
    }
}

/// Which limit stopped collection early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abort {
    /// More glyphs than [`super::MAX_GLYPHS`].
    Glyphs,
    /// More rules than [`super::MAX_RULES`].
    Rules,
    /// Past the time budget.
    Time,
}

/// The [`OutputDev`] that records pages.
#[derive(Debug)]
pub struct Collector {
    /// Finished pages.
    pub pages: Vec<Page>,
    current: Option<Page>,
    frame: Frame,
    /// `/Rotate` of each page (1-based page number), where not 0.
    rotations: std::collections::BTreeMap<u32, u16>,
    glyph_count: usize,
    rule_count: usize,
    deadline: Instant,
    /// Set when collection was stopped by a limit.
    pub aborted: Option<Abort>,
}

impl Collector {
    /// A collector that stops at `deadline`; `rotations` gives pages' `/Rotate` in degrees.
    pub fn new(deadline: Instant, rotations: std::collections::BTreeMap<u32, u16>) -> Self {
        Self {
            pages: Vec::new(),
            current: None,
            frame: Frame::default(),
            rotations,
            glyph_count: 0,
            rule_count: 0,
            deadline,
            aborted: None,
        }
    }

    fn abort(&mut self, why: Abort) -> OutputError {
        self.aborted = Some(why);
        OutputError::FormatError(std::fmt::Error)
    }

    fn add_rule(&mut self, rule: Rule) -> Result<(), OutputError> {
        self.rule_count += 1;
        if self.rule_count > super::MAX_RULES {
            return Err(self.abort(Abort::Rules));
        }
        if let Some(page) = self.current.as_mut() {
            page.rules.push(rule);
        }
        Ok(())
    }

    /// Records a straight axis-aligned segment between two points (page coordinates, y down).
    fn add_segment(
        &mut self,
        (x0, y0): (f64, f64),
        (x1, y1): (f64, f64),
    ) -> Result<(), OutputError> {
        let (dx, dy) = ((x1 - x0).abs(), (y1 - y0).abs());
        if dy < 1.0 && dx >= 1.0 {
            self.add_rule(Rule {
                vertical: false,
                at: ((y0 + y1) / 2.0) as f32,
                from: x0.min(x1) as f32,
                to: x0.max(x1) as f32,
            })
        } else if dx < 1.0 && dy >= 1.0 {
            self.add_rule(Rule {
                vertical: true,
                at: ((x0 + x1) / 2.0) as f32,
                from: y0.min(y1) as f32,
                to: y0.max(y1) as f32,
            })
        } else {
            Ok(())
        }
    }

    /// Records the rules a path draws: its straight segments, and a rectangle's four edges (or
    /// a thin rectangle as one line).
    fn add_path(&mut self, ctm: &Transform, path: &Path, filled: bool) -> Result<(), OutputError> {
        let frame = self.frame;
        let to_page = |x: f64, y: f64| {
            let px = ctm.m11 * x + ctm.m21 * y + ctm.m31;
            let py = ctm.m12 * x + ctm.m22 * y + ctm.m32;
            frame.display(px, py)
        };
        let mut start = None;
        let mut last = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    let p = to_page(x, y);
                    start = Some(p);
                    last = Some(p);
                }
                PathOp::LineTo(x, y) => {
                    let p = to_page(x, y);
                    if let Some(from) = last {
                        if !filled {
                            self.add_segment(from, p)?;
                        }
                    }
                    last = Some(p);
                }
                PathOp::CurveTo(.., x, y) => last = Some(to_page(x, y)),
                PathOp::Close => {
                    if let (Some(from), Some(to)) = (last, start) {
                        if !filled {
                            self.add_segment(from, to)?;
                        }
                    }
                    last = start;
                }
                PathOp::Rect(x, y, w, h) => {
                    let a = to_page(x, y);
                    let b = to_page(x + w, y + h);
                    let (left, right) = (a.0.min(b.0), a.0.max(b.0));
                    let (upper, lower) = (a.1.min(b.1), a.1.max(b.1));
                    if lower - upper < THIN_RECT {
                        let mid = (upper + lower) / 2.0;
                        self.add_segment((left, mid), (right, mid))?;
                    } else if right - left < THIN_RECT {
                        let mid = (left + right) / 2.0;
                        self.add_segment((mid, upper), (mid, lower))?;
                    } else if !filled {
                        // A stroked box: four edges. (A large filled box is a background.)
                        self.add_segment((left, upper), (right, upper))?;
                        self.add_segment((left, lower), (right, lower))?;
                        self.add_segment((left, upper), (left, lower))?;
                        self.add_segment((right, upper), (right, lower))?;
                    }
                    start = None;
                    last = None;
                }
            }
        }
        Ok(())
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        if Instant::now() > self.deadline {
            return Err(self.abort(Abort::Time));
        }
        if let Some(page) = self.current.take() {
            self.pages.push(page);
        }
        self.frame = Frame {
            rotate: self.rotations.get(&page_num).copied().unwrap_or(0),
            llx: media_box.llx.min(media_box.urx),
            lly: media_box.lly.min(media_box.ury),
            urx: media_box.llx.max(media_box.urx),
            ury: media_box.lly.max(media_box.ury),
        };
        self.current = Some(Page {
            number: page_num,
            height: self.frame.height() as f32,
            ..Page::default()
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        if let Some(page) = self.current.take() {
            self.pages.push(page);
        }
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        self.glyph_count += 1;
        if self.glyph_count > super::MAX_GLYPHS {
            return Err(self.abort(Abort::Glyphs));
        }
        if self.glyph_count % 4096 == 0 && Instant::now() > self.deadline {
            return Err(self.abort(Abort::Time));
        }
        let frame = self.frame;
        let Some(page) = self.current.as_mut() else {
            return Ok(());
        };
        let text = char.trim_matches('\0');
        if text.is_empty() || text.len() > usize::from(u16::MAX) {
            return Ok(());
        }
        let scale_x = trm.m11.hypot(trm.m12);
        let scale_y = trm.m21.hypot(trm.m22);
        let size = (font_size * scale_y).abs();
        let advance = ((width * font_size + spacing) * scale_x).abs();
        let (x, y) = frame.display(trm.m31, trm.m32);
        if !(x.is_finite() && y.is_finite() && size.is_finite() && advance.is_finite()) {
            return Ok(());
        }
        let start = u32::try_from(page.text.len()).unwrap_or(u32::MAX);
        for c in text.chars() {
            page.text.push(fold_radical(c));
        }
        let len = page.text.len() - start as usize;
        page.glyphs.push(Glyph {
            x: x as f32,
            y: y as f32,
            width: advance as f32,
            size: size as f32,
            text_start: start,
            text_len: u16::try_from(len).unwrap_or(u16::MAX),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.add_path(ctm, path, false)
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.add_path(ctm, path, true)
    }
}

/// Kangxi radicals (U+2F00–U+2FD5) and CJK radical supplements that some producers (Chromium's
/// Type 3 fonts) map glyphs to in `ToUnicode`: `⾰` for `革`. They fold to the ideograph.
fn fold_radical(c: char) -> char {
    if ('\u{2E80}'..='\u{2FDF}').contains(&c) {
        use unicode_normalization::UnicodeNormalization as _;
        let mut folded = std::iter::once(c).nfkc();
        if let (Some(first), None) = (folded.next(), folded.next()) {
            return first;
        }
    }
    c
}
