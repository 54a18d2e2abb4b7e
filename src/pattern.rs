//! Regexes over report text. `\d` in them is a digit as reports write it: ASCII `0-9` or
//! full-width `０-９`.
//!
//! The `regex` crate's `\d` is every Unicode decimal digit (some 70 scripts). Compiling that
//! class into a UTF-8 automaton, once per repetition in `[^。，\d]{0,12}`, was most of the
//! start-up time of `regulint lint` (9 ms of the built-in packs' 12 ms), for digits no report
//! contains. Patterns are rewritten on their syntax tree (`regex-syntax`), so escapes and
//! nested classes keep their meaning.

use regex::Regex;
use regex_syntax::ast::{self, Ast, ClassPerlKind, ClassSet, ClassSetItem, Span};

/// Compiles a pattern of regulint's own (a constant in the source).
///
/// # Panics
/// If the pattern is invalid: a bug caught by the first test that uses it.
#[must_use]
pub fn must(pattern: &str) -> Regex {
    build(pattern, 10 << 20).unwrap_or_else(|e| panic!("invalid built-in pattern: {e}"))
}

/// Compiles `pattern` with report digits and at most `size_limit` (the `regex` crate's measure).
///
/// # Errors
/// The `regex` crate's error, which quotes the pattern as given.
pub fn build(pattern: &str, size_limit: usize) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&report_digits(pattern))
        .size_limit(size_limit)
        .build()
}

/// `pattern` rewritten for report digits ([`report_digits`]) and parsed, or `None` when it
/// does not parse: what building it ([`build_rewritten`]) and bounding its matches
/// ([`literals_of`]) both start from, computed once.
#[must_use]
pub fn parse_rewritten(pattern: &str) -> Option<(String, regex_syntax::hir::Hir)> {
    let rewritten = report_digits(pattern);
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&rewritten)
        .ok()?;
    Some((rewritten, hir))
}

/// [`build`] of a pattern [`report_digits`] has already rewritten.
///
/// # Errors
/// The `regex` crate's error.
pub fn build_rewritten(rewritten: &str, size_limit: usize) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(rewritten)
        .size_limit(size_limit)
        .build()
}

/// Literals one of which every match of `pattern` contains (its prefixes or its suffixes,
/// whichever `regex-syntax` can bound), or `None` when no such set is known. A text that
/// contains none of them cannot match: checking that with `memchr` is many times cheaper
/// than running the automaton over the text, and most paragraphs hold none.
#[must_use]
pub fn required_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    literals_of(&parse_rewritten(pattern)?.1)
}

/// [`required_literals`] of a parsed pattern.
#[must_use]
pub fn literals_of(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    [true, false]
        .into_iter()
        .filter_map(|prefix| {
            let kind = if prefix {
                ExtractKind::Prefix
            } else {
                ExtractKind::Suffix
            };
            let mut seq = Extractor::new().kind(kind).extract(hir);
            if prefix {
                seq.optimize_for_prefix_by_preference();
            } else {
                seq.optimize_for_suffix_by_preference();
            }
            let literals = seq.literals()?;
            (!literals.is_empty() && literals.iter().all(|l| !l.as_bytes().is_empty())).then(|| {
                literals
                    .iter()
                    .map(|l| l.as_bytes().to_vec())
                    .collect::<Vec<_>>()
            })
        })
        // The set whose shortest literal is longest filters best.
        .max_by_key(|literals: &Vec<Vec<u8>>| literals.iter().map(Vec::len).min().unwrap_or(0))
}

/// Literal sets every match of `hir` must hit, each set by one of its literals: the prefix or
/// suffix set of [`literals_of`], then the literals inside the pattern that every match
/// contains (`(?:^|，|其中)\s*(?:予以公开|同意公开)\s*(\d+)\s*件` needs one of 予以公开 or
/// 同意公开 *and* 件). A text missing any one set cannot match. At most [`MAX_REQUIREMENTS`]
/// sets are kept, those with the longest shortest literal first (longer literals are rarer,
/// so the first set checked rules out most texts).
#[must_use]
pub fn requirements_of(hir: &regex_syntax::hir::Hir) -> Vec<Vec<Vec<u8>>> {
    let mut sets: Vec<Vec<Vec<u8>>> = literals_of(hir).into_iter().collect();
    for set in inner_requirements(hir) {
        if !sets.contains(&set) {
            sets.push(set);
        }
    }
    let shortest = |set: &Vec<Vec<u8>>| set.iter().map(Vec::len).min().unwrap_or(0);
    sets.sort_by_key(|set| std::cmp::Reverse(shortest(set)));
    sets.truncate(MAX_REQUIREMENTS);
    sets
}

/// [`requirements_of`] `hir`, as searchers.
#[must_use]
pub fn required_finders(hir: &regex_syntax::hir::Hir) -> Vec<Vec<memchr::memmem::Finder<'static>>> {
    requirements_of(hir)
        .iter()
        .map(|set| {
            set.iter()
                .map(|l| memchr::memmem::Finder::new(l).into_owned())
                .collect()
        })
        .collect()
}

/// Whether `text` holds a literal of each of `literals` (sets from [`required_finders`]):
/// if not, the pattern they are of cannot match in it.
#[must_use]
pub fn holds_required(literals: &[Vec<memchr::memmem::Finder<'static>>], text: &[u8]) -> bool {
    literals
        .iter()
        .all(|set| set.iter().any(|f| f.find(text).is_some()))
}

/// Literal sets kept by [`requirements_of`]: each costs a `memmem` scan of a paragraph per
/// rule run.
pub const MAX_REQUIREMENTS: usize = 3;

/// Literal sets every match of `hir` contains one of, found by walking the pattern: a
/// literal is required; so is what every part of a concatenation requires, what the body of a
/// repetition of at least one requires, and, of an alternation, one set per branch joined.
fn inner_requirements(hir: &regex_syntax::hir::Hir) -> Vec<Vec<Vec<u8>>> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(literal) if !literal.0.is_empty() => vec![vec![literal.0.to_vec()]],
        HirKind::Capture(capture) => inner_requirements(&capture.sub),
        HirKind::Repetition(repetition) if repetition.min >= 1 => {
            inner_requirements(&repetition.sub)
        }
        HirKind::Concat(parts) => parts.iter().flat_map(inner_requirements).collect(),
        HirKind::Alternation(branches) => {
            let mut joined = Vec::new();
            for branch in branches {
                // A branch that requires nothing makes the alternation require nothing.
                let Some(best) = inner_requirements(branch)
                    .into_iter()
                    .max_by_key(|set| set.iter().map(Vec::len).min().unwrap_or(0))
                else {
                    return Vec::new();
                };
                joined.extend(best);
            }
            joined.sort();
            joined.dedup();
            vec![joined]
        }
        _ => Vec::new(),
    }
}

/// `source` with every `\d` / `\D` meaning ASCII and full-width digits. A pattern that does
/// not parse, or that turns Unicode off anywhere (`(?-u)`, where `\d` is ASCII already), is
/// returned as it is; the `regex` crate then reports its errors against the author's text.
pub(crate) fn report_digits(source: &str) -> String {
    let Ok(mut tree) = ast::parse::Parser::new().parse(source) else {
        return source.to_owned();
    };
    if turns_unicode_off(&tree) || !rewrite(&mut tree) {
        return source.to_owned();
    }
    let mut out = String::with_capacity(source.len() + 16);
    // Printing to a String cannot fail.
    let _ = ast::print::Printer::new().print(&tree, &mut out);
    out
}

/// Whether a flag group clears `u` anywhere in the pattern.
fn turns_unicode_off(tree: &Ast) -> bool {
    struct Flags;
    impl ast::Visitor for Flags {
        type Output = ();
        type Err = ();
        fn finish(self) -> Result<(), ()> {
            Ok(())
        }
        fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
            let flags = match ast {
                Ast::Flags(set) => Some(&set.flags),
                Ast::Group(group) => group.flags(),
                _ => None,
            };
            match flags.and_then(|f| f.flag_state(ast::Flag::Unicode)) {
                Some(false) => Err(()),
                _ => Ok(()),
            }
        }
    }
    ast::visit(tree, Flags).is_err()
}

/// The items `0-9０-９` of a class, with every node at `span`.
fn digit_items(span: Span) -> ClassSetItem {
    let literal = |c: char| ast::Literal {
        span,
        kind: ast::LiteralKind::Verbatim,
        c,
    };
    let range = |start: char, end: char| {
        ClassSetItem::Range(ast::ClassSetRange {
            span,
            start: literal(start),
            end: literal(end),
        })
    };
    ClassSetItem::Union(ast::ClassSetUnion {
        span,
        items: vec![range('0', '9'), range('０', '９')],
    })
}

/// The class `[0-9０-９]` (or its negation).
fn digit_class(span: Span, negated: bool) -> ast::ClassBracketed {
    ast::ClassBracketed {
        span,
        negated,
        kind: ClassSet::Item(digit_items(span)),
    }
}

/// Replaces the digit classes in `tree`; whether any was found.
fn rewrite(tree: &mut Ast) -> bool {
    match tree {
        Ast::ClassPerl(class) if class.kind == ClassPerlKind::Digit => {
            *tree = Ast::class_bracketed(digit_class(class.span, class.negated));
            true
        }
        Ast::ClassBracketed(class) => rewrite_set(&mut class.kind),
        Ast::Repetition(repetition) => rewrite(&mut repetition.ast),
        Ast::Group(group) => rewrite(&mut group.ast),
        Ast::Alternation(alternation) => alternation
            .asts
            .iter_mut()
            .fold(false, |found, ast| rewrite(ast) | found),
        Ast::Concat(concat) => concat
            .asts
            .iter_mut()
            .fold(false, |found, ast| rewrite(ast) | found),
        _ => false,
    }
}

fn rewrite_set(set: &mut ClassSet) -> bool {
    match set {
        ClassSet::Item(item) => rewrite_item(item),
        ClassSet::BinaryOp(op) => rewrite_set(&mut op.lhs) | rewrite_set(&mut op.rhs),
    }
}

fn rewrite_item(item: &mut ClassSetItem) -> bool {
    match item {
        ClassSetItem::Perl(class) if class.kind == ClassPerlKind::Digit => {
            *item = if class.negated {
                ClassSetItem::Bracketed(Box::new(digit_class(class.span, true)))
            } else {
                digit_items(class.span)
            };
            true
        }
        ClassSetItem::Bracketed(class) => rewrite_set(&mut class.kind),
        ClassSetItem::Union(union) => union
            .items
            .iter_mut()
            .fold(false, |found, item| rewrite_item(item) | found),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_literal_set_is_found_inside_the_pattern() {
        let sets = |pattern: &str| {
            let (_, hir) = parse_rewritten(pattern).unwrap();
            requirements_of(&hir)
                .into_iter()
                .map(|set| {
                    set.into_iter()
                        .map(|l| String::from_utf8(l).unwrap())
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        };
        // Prefixes are unbounded here (`^` or a class), so only the inner walk finds 予以公开;
        // its set, with the longer literals, comes first.
        let c006 =
            sets(r"(?:^|[，,；;。：:、]|其中)\s*(?:同意公开|予以公开)\s*(?:的|申请)?\s*(\d+)\s*件");
        assert_eq!(c006[0], ["予以公开", "同意公开"], "{c006:?}");
        assert!(c006.iter().any(|set| set == &["件"]), "{c006:?}");
        // Optional parts and branches that need nothing require nothing.
        assert!(sets(r"(?:申请)?\d+").is_empty());
        assert!(sets(r"(?:申请|\d)+").is_empty());
        // A repetition of at least one needs its body.
        assert!(sets(r"\d(?:收到)+").iter().any(|set| set == &["收到"]));
        assert!(sets(r"a.b.c.d.e").len() <= MAX_REQUIREMENTS);
    }

    #[test]
    fn digits_become_ascii_and_full_width_wherever_they_stand() {
        assert_eq!(report_digits(r"(\d+)\s*件"), r"([0-9０-９]+)\s*件");
        assert_eq!(report_digits(r"[^。，\d]{0,4}"), r"[^。，0-9０-９]{0,4}");
        assert_eq!(report_digits(r"\D"), r"[^0-9０-９]");
        assert_eq!(report_digits(r"[a\D]"), r"[a[^0-9０-９]]");
        assert_eq!(report_digits(r"[\d&&[^5]]"), r"[0-9０-９&&[^5]]");
    }

    #[test]
    fn escapes_and_other_classes_are_kept() {
        assert_eq!(report_digits(r"\\d"), r"\\d");
        assert_eq!(report_digits(r"\p{Han}\s"), r"\p{Han}\s");
        assert_eq!(report_digits(r"(?-u:\d)"), r"(?-u:\d)");
        assert_eq!(report_digits(r"e-u\d"), r"e-u[0-9０-９]");
        assert_eq!(report_digits(r"(unclosed"), r"(unclosed");
    }
}
