//! The other reports of a collection that one report's rules can read (`previous.…`), and
//! the comparison of narrative text behind `copied(section)`.
//!
//! The engine stays pure: the caller (`lint`, from `crate::collection`) finds the related
//! reports and hands them in already read. Without a collection nothing here runs: rules that
//! read another report are skipped on a flag, before any work.

use crate::diagnostic::{Finding, OtherFile, Outcome, Severity, Triage};
use crate::document::{Block, Document};
use crate::dsl::program::Relation;
use crate::source::Span;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// What the collection says about one relation of one report.
#[derive(Clone, Debug, Default)]
pub enum Linked<'a> {
    /// The collection holds no reports of that kind at all (no `--previous`, or none for the
    /// year before): rules that read it are silent.
    #[default]
    NotGiven,
    /// Such reports were given, but not this agency's: its rules are not assessable, said
    /// once per report.
    Absent {
        /// The year looked for.
        year: Option<i32>,
    },
    /// The related report.
    Present(RelatedReport<'a>),
}

/// A related report, read.
#[derive(Clone, Debug)]
pub struct RelatedReport<'a> {
    /// What the reader understood.
    pub document: &'a Document,
    /// Its text and path, for labels in that file.
    pub file: OtherFile,
    /// Its report year.
    pub year: Option<i32>,
}

/// The related reports of one report.
#[derive(Clone, Debug, Default)]
pub struct Related<'a> {
    /// The same agency's report for the year before.
    pub previous: Linked<'a>,
    /// The agency's level from the roster (`agency_level()` reads it before guessing from
    /// the name).
    pub level: Option<String>,
}

impl<'a> Related<'a> {
    /// The report for a relation.
    #[must_use]
    pub fn get(&self, relation: Relation) -> &Linked<'a> {
        match relation {
            Relation::Previous => &self.previous,
        }
    }
}

/// The code of the finding that a report's related report was not found.
pub const PREVIOUS_MISSING_CODE: &str = "M002";
/// The name that goes with [`PREVIOUS_MISSING_CODE`].
pub const PREVIOUS_MISSING_NAME: &str = "previous-report-missing";

/// The one finding per report that rules across reports could not run: the collection holds
/// reports for the year before, but not this agency's.
#[must_use]
pub fn previous_missing(year: Option<i32>, rules: &[&str], at: Span) -> Finding {
    let year = year.map_or_else(|| "上一".to_owned(), |y| y.to_string());
    Finding {
        code: PREVIOUS_MISSING_CODE.to_owned(),
        name: PREVIOUS_MISSING_NAME.to_owned(),
        severity: Severity::Info,
        outcome: Outcome::NotAssessable,
        message: format!(
            "未找到同一机关 {year} 年度的报告，跨年度规则 {} 无法核验",
            rules.join("、")
        ),
        span: at,
        labels: Vec::new(),
        notes: vec![format!(
            "previous report for {year} not found; {} not assessable",
            rules.join(", ")
        )],
        help: Some(
            "把该机关上年度的报告放入 --previous 所指的文件夹，或在别名表中登记其名称的其他写法"
                .to_owned(),
        ),
        basis: None,
        explains: Vec::new(),
        triage: Triage::default(),
    }
}

/// Shortest passage, in characters, that counts as copied (shorter runs are set phrases).
pub const MIN_PASSAGE: usize = 12;

/// The characters of some paragraphs that carry meaning (no whitespace, no punctuation), and
/// where each paragraph's first one is: a character's place is found again only for the two
/// ends of the longest passage, not recorded for every character.
struct Letters<'a> {
    chars: Vec<char>,
    /// (index of the paragraph's first character in `chars`, block, its text), in order.
    paragraphs: Vec<(usize, usize, &'a str)>,
}

/// Whether a character is compared.
fn is_letter(c: char) -> bool {
    // CJK ideographs first: the general Unicode tables cost far more than a range test.
    crate::document::normalize::IDEOGRAPHS.contains(&c) || c.is_alphanumeric()
}

fn letters(document: &Document, blocks: std::ops::Range<usize>) -> Letters<'_> {
    let mut out = Letters {
        chars: Vec::new(),
        paragraphs: Vec::new(),
    };
    for b in blocks {
        let Some(Block::Paragraph { text, .. }) = document.blocks.get(b) else {
            continue;
        };
        out.paragraphs.push((out.chars.len(), b, &text.text));
        // Most characters of a report are CJK ideographs (three bytes each): sized for those.
        out.chars.reserve(text.text.len() / 3);
        out.chars
            .extend(text.text.chars().filter(|&c| is_letter(c)));
    }
    out
}

impl Letters<'_> {
    /// The block of the `index`th character and its byte offset in that paragraph's text.
    fn place(&self, index: usize) -> (usize, usize) {
        let p = self
            .paragraphs
            .partition_point(|&(first, _, _)| first <= index)
            - 1;
        let (first, block, text) = self.paragraphs[p];
        let offset = text
            .char_indices()
            .filter(|&(_, c)| is_letter(c))
            .nth(index - first)
            .map_or(text.len(), |(i, _)| i);
        (block, offset)
    }
}

/// Hashes of every window of `k` characters, rolling (each window costs two multiplications,
/// not `k` hashed characters).
fn shingles(chars: &[char], k: usize) -> impl Iterator<Item = u64> + '_ {
    const BASE: u64 = 0x0100_0000_01b3;
    let top = (1..k).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let first = chars[..k].iter().fold(0u64, |h, &c| {
        h.wrapping_mul(BASE).wrapping_add(u64::from(c))
    });
    let rest = (k..chars.len()).scan(first, move |h, i| {
        *h = h
            .wrapping_sub(u64::from(chars[i - k]).wrapping_mul(top))
            .wrapping_mul(BASE)
            .wrapping_add(u64::from(chars[i]));
        Some(*h)
    });
    std::iter::once(first).chain(rest).map(|h| {
        // Spread the bits, so the map's buckets see all of them.
        let h = (h ^ (h >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    })
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// How much of one section is the same as another's, and the longest shared passage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    /// Characters of the section inside shared passages, in percent (rounded down).
    pub percent: u32,
    /// Characters compared (letters and digits of the section).
    pub compared: usize,
    /// Length of the longest shared passage, in characters.
    pub longest: usize,
    /// The longest passage in this report and in the other.
    pub here: Option<Span>,
    /// The same passage in the other report.
    pub there: Option<Span>,
}

/// Compares the paragraphs `blocks` of `document` with `other_blocks` of `other` by shingles
/// of [`MIN_PASSAGE`] characters: linear in the two texts (hash sets), so a thousand pairs of
/// sections take milliseconds.
#[must_use]
pub fn copied(
    document: &Document,
    blocks: std::ops::Range<usize>,
    other: &Document,
    other_blocks: std::ops::Range<usize>,
) -> Copied {
    let here = letters(document, blocks);
    let there = letters(other, other_blocks);
    let none = Copied {
        percent: 0,
        compared: here.chars.len(),
        longest: 0,
        here: None,
        there: None,
    };
    let k = MIN_PASSAGE;
    if here.chars.len() < k || there.chars.len() < k {
        return none;
    }
    // Where each shingle of the other text first starts, by its rolling hash (a shingle is
    // confirmed character by character before it counts).
    let mut starts: HashMap<u64, usize, BuildHasherDefault<Prehashed>> =
        HashMap::with_capacity_and_hasher(there.chars.len(), BuildHasherDefault::default());
    for (i, hash) in shingles(&there.chars, k).enumerate() {
        starts.entry(hash).or_insert(i);
    }
    // Characters of this text inside some shared shingle: shingles are met in order, so the
    // union of their ranges grows at its end only.
    let mut shared = 0;
    let mut covered_to = 0;
    // The longest run of consecutive shared shingles: (start in here, start in there, length).
    let mut best: Option<(usize, usize, usize)> = None;
    let mut run: Option<(usize, usize)> = None;
    for (i, hash) in shingles(&here.chars, k).enumerate() {
        let found = starts
            .get(&hash)
            .copied()
            .filter(|&j| here.chars[i..i + k] == there.chars[j..j + k]);
        match found {
            Some(j) => {
                shared += i + k - covered_to.max(i);
                covered_to = i + k;
                let (start, other_start) = *run.get_or_insert((i, j));
                let length = i + k - start;
                if best.is_none_or(|(_, _, l)| length > l) {
                    best = Some((start, other_start, length));
                }
            }
            None => run = None,
        }
    }
    let Some((start, other_start, _)) = best else {
        return none;
    };
    // Extend the passage in the other text as far as the characters agree (its shingles may
    // have first occurred elsewhere).
    let mut length = 0;
    while start + length < here.chars.len()
        && other_start + length < there.chars.len()
        && here.chars[start + length] == there.chars[other_start + length]
    {
        length += 1;
    }
    let span_of = |document: &Document, letters: &Letters, from: usize, to: usize| {
        let (first_block, first_start) = letters.place(from);
        let (last_block, last_start) = letters.place(to - 1);
        let last_end = last_start + letters.chars[to - 1].len_utf8();
        let piece = |block: usize, a: usize, b: usize| match &document.blocks[block] {
            Block::Paragraph { text, .. } => text.span_of(a, b),
            Block::Table { .. } => None,
        };
        if first_block == last_block {
            return piece(first_block, first_start, last_end);
        }
        // Across paragraphs: from the first character to the end of its paragraph.
        let end = match &document.blocks[first_block] {
            Block::Paragraph { text, .. } => text.text.len(),
            Block::Table { .. } => first_start,
        };
        piece(first_block, first_start, end)
    };
    Copied {
        percent: u32::try_from(shared * 100 / here.chars.len()).unwrap_or(100),
        compared: here.chars.len(),
        longest: length,
        here: span_of(document, &here, start, start + length),
        there: span_of(other, &there, other_start, other_start + length),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_hashes_equal_for_equal_windows_only() {
        let text: Vec<char> = "本机关认真贯彻落实条例本机关认真贯彻落实条例另有其他"
            .chars()
            .collect();
        let hashes: Vec<u64> = shingles(&text, 5).collect();
        assert_eq!(hashes.len(), text.len() - 4);
        // `本机关认真` starts at 0 and at 11.
        assert_eq!(hashes[0], hashes[11]);
        assert_ne!(hashes[0], hashes[1]);
    }
}
