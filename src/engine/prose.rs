//! A report's paragraphs joined into one text, so that a pattern runs over the report once
//! instead of once per paragraph: searching is cheap, but each search of the `regex` crate
//! costs some 900 instructions to set up, and a rule that reads a number stated in the text
//! asked that of each of a report's hundred paragraphs. A pattern without start or end
//! anchors, run once over the joined text, says which paragraphs it touches; only those are
//! searched as before, so what is found is unchanged. (Wherever it matches in a paragraph, it
//! matches the same text in the joined prose: `\b` sees the `\n` between paragraphs as it
//! sees a text's edge. A pattern with `^` or `$` must have them made line anchors first.)

use crate::document::{Block, Document};
use regex::Regex;

/// The paragraphs of a report, joined by `\n`.
#[derive(Debug)]
pub struct Prose {
    text: String,
    /// Per paragraph, in document order: where it starts in `text`, and its block.
    starts: Vec<(usize, usize)>,
}

impl Prose {
    /// The prose of `document`.
    #[must_use]
    pub fn of(document: &Document) -> Self {
        let mut text = String::new();
        let mut starts = Vec::new();
        for (block, b) in document.blocks.iter().enumerate() {
            if let Block::Paragraph {
                text: paragraph, ..
            } = b
            {
                if !starts.is_empty() {
                    text.push('\n');
                }
                starts.push((text.len(), block));
                text.push_str(&paragraph.text);
            }
        }
        Prose { text, starts }
    }

    /// The joined text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The blocks of the paragraphs between blocks `from` and `to` (inclusive) that the
    /// matches of `loose` (a pattern without start or end anchors, see the module) touch, in document order.
    /// A match that runs from one paragraph into the next touches both, and the `\n` between
    /// them counts as the end of the first.
    #[must_use]
    pub fn touched(&self, loose: &Regex, from: usize, to: usize) -> Vec<usize> {
        let first = self.starts.partition_point(|&(_, block)| block < from);
        let last = self.starts.partition_point(|&(_, block)| block <= to);
        let mut touched: Vec<usize> = Vec::new();
        let Some(paragraphs) = self.starts.get(first..last).filter(|p| !p.is_empty()) else {
            return touched;
        };
        // The text of those paragraphs: it ends where the last one does, as a paragraph does.
        let end = self
            .starts
            .get(last)
            .map_or(self.text.len(), |&(start, _)| start - 1);
        let text = &self.text[..end];
        // The paragraph (index into `paragraphs`) whose text, or end, holds position `at`.
        let paragraph = |at: usize| paragraphs.partition_point(|&(start, _)| start <= at) - 1;
        let mut at = paragraphs[0].0;
        while let Some(m) = loose.find_at(text, at) {
            let (first, last) = (paragraph(m.start()), paragraph(m.end()));
            touched.extend(paragraphs[first..=last].iter().map(|&(_, block)| block));
            // Which paragraphs a later match touches is all that is asked: the search goes
            // on from the next paragraph (what it finds there does not depend on this one).
            match paragraphs.get(last + 1) {
                Some(&(start, _)) => at = start,
                None => break,
            }
        }
        touched
    }

    /// The blocks of the paragraphs, in document order, that hold a literal of each of
    /// `required` (every paragraph for none): those [`RuleRegex::may_match`] passes, with the
    /// first set's literals found in one pass over the joined prose instead of one search
    /// per paragraph, and the later sets asked only of the paragraphs that hold the first.
    ///
    /// [`RuleRegex::may_match`]: crate::dsl::regex::RuleRegex::may_match
    #[must_use]
    pub fn holding(&self, required: &[Vec<memchr::memmem::Finder<'static>>]) -> Vec<usize> {
        let Some((first, rest)) = required.split_first() else {
            return self.starts.iter().map(|&(_, block)| block).collect();
        };
        if self.starts.is_empty() {
            return Vec::new();
        }
        let bytes = self.text.as_bytes();
        // Where the text of paragraph `p` (its index in `starts`) ends.
        let end_of = |p: usize| {
            self.starts
                .get(p + 1)
                .map_or(bytes.len(), |&(start, _)| start - 1)
        };
        let mut holds = vec![false; self.starts.len()];
        for finder in first {
            let mut at = 0;
            while let Some(found) = finder.find(&bytes[at..]) {
                let start = at + found;
                let p = self.starts.partition_point(|&(s, _)| s <= start) - 1;
                // Inside the paragraph, not across the `\n` after it: the rest of it holds
                // nothing more to learn, so the search goes on from the next one.
                if start + finder.needle().len() <= end_of(p) {
                    holds[p] = true;
                    match self.starts.get(p + 1) {
                        Some(&(next, _)) => at = next,
                        None => break,
                    }
                } else {
                    at = start + 1;
                }
            }
        }
        (0..self.starts.len())
            .filter(|&p| {
                holds[p]
                    && crate::pattern::holds_required(rest, &bytes[self.starts[p].0..end_of(p)])
            })
            .map(|p| self.starts[p].1)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(paragraphs: &[&str]) -> (Prose, Document) {
        let text: String = paragraphs.iter().map(|p| format!("{p}\n\n")).collect();
        let loaded = crate::document::load(
            "report.txt",
            text.as_bytes(),
            crate::document::ReadOptions::default(),
        )
        .expect("readable");
        (Prose::of(&loaded.document), loaded.document)
    }

    /// `pattern` for the joined prose: its start and end of text anchors made line ones.
    fn regex(pattern: &str) -> Regex {
        use regex_syntax::hir::{Capture, Hir, HirKind, Look, Repetition};
        fn loosen(hir: &Hir) -> Hir {
            match hir.kind() {
                HirKind::Look(Look::Start) => Hir::look(Look::StartLF),
                HirKind::Look(Look::End) => Hir::look(Look::EndLF),
                HirKind::Repetition(r) => Hir::repetition(Repetition {
                    min: r.min,
                    max: r.max,
                    greedy: r.greedy,
                    sub: Box::new(loosen(&r.sub)),
                }),
                HirKind::Capture(c) => Hir::capture(Capture {
                    index: c.index,
                    name: c.name.clone(),
                    sub: Box::new(loosen(&c.sub)),
                }),
                HirKind::Concat(subs) => Hir::concat(subs.iter().map(loosen).collect()),
                HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(loosen).collect()),
                HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {
                    hir.clone()
                }
            }
        }
        let (_, hir) = crate::pattern::parse_rewritten(pattern).expect("parses");
        Regex::new(&loosen(&hir).to_string()).expect("builds")
    }

    /// The texts of the paragraphs of `blocks`.
    fn paragraph_texts(document: &Document, blocks: Vec<usize>) -> Vec<&str> {
        blocks
            .into_iter()
            .map(|b| match &document.blocks[b] {
                Block::Paragraph { text, .. } => text.text.as_str(),
                Block::Table { .. } => panic!("a table"),
            })
            .collect()
    }

    /// The paragraph texts of the blocks `touched` returns.
    fn touched<'d>(document: &'d Document, prose: &Prose, pattern: &str) -> Vec<&'d str> {
        paragraph_texts(
            document,
            prose.touched(&regex(pattern), 0, document.blocks.len()),
        )
    }

    #[test]
    fn a_pattern_touches_the_paragraphs_it_matches_in() {
        let (prose, doc) = prose(&["甲共收到申请3件。", "乙无。", "丙予以公开2件。"]);
        assert_eq!(
            touched(&doc, &prose, r"\d+件"),
            ["甲共收到申请3件。", "丙予以公开2件。"]
        );
        // Anchored at a paragraph's start: each paragraph starts a line of the prose.
        assert_eq!(touched(&doc, &prose, r"^乙"), ["乙无。"]);
        assert_eq!(
            touched(&doc, &prose, r"。$"),
            ["甲共收到申请3件。", "乙无。", "丙予以公开2件。"]
        );
        // A match across the joint touches both paragraphs.
        assert_eq!(
            touched(&doc, &prose, r"件。\s*乙"),
            ["甲共收到申请3件。", "乙无。"]
        );
        assert!(touched(&doc, &prose, r"不予公开").is_empty());
        // Only the paragraphs between the blocks asked about are searched.
        let blocks: Vec<usize> = prose.starts.iter().map(|&(_, b)| b).collect();
        let only_second = prose.touched(&regex(r"。"), blocks[1], blocks[1]);
        assert_eq!(only_second, [blocks[1]]);
        assert_eq!(
            prose.touched(&regex(r"。$"), blocks[1], blocks[2]),
            blocks[1..]
        );
    }

    /// What `touched` rules out is never matched: every pattern of a set, anchored and not,
    /// over every paragraph of every corpus report.
    #[test]
    fn a_paragraph_not_touched_never_matches() {
        let patterns = [
            r"(?:^|[，,；;。：:、]|其中)\s*(?:予以公开)\s*(?:的|申请|答复|的申请)?\s*(\d+)\s*件",
            r"^\s*[一二三四五六七八九十]+、",
            r"[。；]$",
            r"\b[A-Za-z]+\b",
            r"\d+\s*$",
            r"^$",
            r"(?m)^\d",
            r"件",
        ];
        let mut searched = 0;
        for text in crate::test_support::corpus_texts() {
            let loaded = crate::document::load(
                "report.txt",
                text.as_bytes(),
                crate::document::ReadOptions::default(),
            )
            .expect("readable");
            let prose = Prose::of(&loaded.document);
            for pattern in patterns {
                let exact = crate::pattern::build(pattern, 10 << 20).expect("builds");
                let touched = prose.touched(&regex(pattern), 0, loaded.document.blocks.len());
                for (b, block) in loaded.document.blocks.iter().enumerate() {
                    if let Block::Paragraph { text, .. } = block {
                        searched += 1;
                        assert!(
                            touched.contains(&b) || !exact.is_match(&text.text),
                            "/{pattern}/ matches {:?}, which it was not found to touch",
                            text.text
                        );
                    }
                }
            }
        }
        assert!(searched > 1000, "{searched}");
    }

    fn finders(sets: &[&[&str]]) -> Vec<Vec<memchr::memmem::Finder<'static>>> {
        sets.iter()
            .map(|set| {
                set.iter()
                    .map(|l| memchr::memmem::Finder::new(l.as_bytes()).into_owned())
                    .collect()
            })
            .collect()
    }

    /// The paragraph texts of the blocks `holding` returns.
    fn holding<'d>(document: &'d Document, prose: &Prose, sets: &[&[&str]]) -> Vec<&'d str> {
        paragraph_texts(document, prose.holding(&finders(sets)))
    }

    #[test]
    fn holding_keeps_the_paragraphs_with_a_literal_of_each_set() {
        // A report without prose.
        let empty = Prose {
            text: String::new(),
            starts: Vec::new(),
        };
        assert!(empty.holding(&finders(&[&["件"]])).is_empty());
        assert!(empty.holding(&finders(&[&[""]])).is_empty());
        let (prose, doc) = prose(&["甲予以公开3件。", "乙件。", "丙同意公开。", "丁同意公开2件"]);
        assert_eq!(
            holding(&doc, &prose, &[&["予以公开", "同意公开"], &["件"]]),
            ["甲予以公开3件。", "丁同意公开2件"]
        );
        // No set: every paragraph; a literal no paragraph has: none.
        assert_eq!(holding(&doc, &prose, &[]).len(), 4);
        assert!(holding(&doc, &prose, &[&["戊"]]).is_empty());
        // A literal at a paragraph's very end, and one only found across two paragraphs
        // (which no paragraph holds, as `may_match` of each says).
        assert_eq!(holding(&doc, &prose, &[&["。"]]).len(), 3);
        assert!(holding(&doc, &prose, &[&["件。\n丙"]]).is_empty());
        assert_eq!(holding(&doc, &prose, &[&["公开。"]]), ["丙同意公开。"]);
        // An empty literal is in every text.
        assert_eq!(holding(&doc, &prose, &[&[""]]).len(), 4);
    }

    /// Every regex of the built-in packs on every corpus report: `holding` keeps exactly the
    /// paragraphs `may_match` passes.
    #[test]
    fn holding_is_may_match_of_each_paragraph_on_the_corpus() {
        crate::packs::builtin().expect("built-in packs compile");
        let regexes = crate::dsl::regex::compiled();
        assert!(regexes.len() >= 30, "{}", regexes.len());
        let mut kept = 0;
        let mut paragraphs = 0;
        for (name, bytes) in crate::test_support::corpus_files() {
            let Ok(loaded) = crate::document::load(&name, &bytes, Default::default()) else {
                continue;
            };
            let document = loaded.document;
            let prose = Prose::of(&document);
            for re in &regexes {
                let expected: Vec<usize> = (0..document.blocks.len())
                    .filter(|&b| match &document.blocks[b] {
                        Block::Paragraph { text, .. } => re.may_match(&text.text),
                        Block::Table { .. } => false,
                    })
                    .collect();
                assert_eq!(
                    prose.holding(re.required()),
                    expected,
                    "/{}/ in {name}",
                    re.source()
                );
                kept += expected.len();
            }
            paragraphs += prose.starts.len();
        }
        assert!(paragraphs > 200 && kept > 0, "{paragraphs} {kept}");
    }
}
