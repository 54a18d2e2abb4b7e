//! Builtin function calls: what each entry of [`Builtin`] does at run time.

use super::{RuleRun, arithmetic};
use crate::document::normalize::label_key;
use crate::document::{Block, CellValue, Date, RowKind};
use crate::dsl::ast::BinOp;
use crate::dsl::program::Relation;
use crate::engine::bind::CellRef;
use crate::engine::builtins::Builtin;
use crate::engine::recognise::{self, Recogniser};
use crate::engine::related;
use crate::engine::value::{Bounded, Gap, Match, Num, Term, Value};
use crate::source::Span;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A number written in the report's prose, pointing at where it is written.
fn stated_number(value: Decimal, span: crate::source::Span) -> Value {
    Value::Num(Num {
        value,
        terms: vec![Term {
            label: "正文所述".into(),
            value,
            span,
            negated: false,
            unit: None,
            elsewhere: None,
        }],
    })
}

/// A text search: byte ranges of matches.
type Finder = dyn Fn(&str) -> Vec<(usize, usize)>;

/// What a search returns: its matches, or how many there are (`count(find(…))`, which has
/// no use for the matches themselves: a report has thousands of ideographs to count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    Matches,
    Count,
}

impl RuleRun<'_, '_> {
    /// Every match of `finder` in report text, as a list of matches.
    fn matches_in(&self, text: &Value, finder: impl Fn(&str) -> Vec<(usize, usize)>) -> Value {
        self.matches_touched(text, None, finder)
    }

    /// [`RuleRun::matches_in`] for a `finder` that finds only where one of `patterns`
    /// matches: only the paragraphs those touch in the joined prose are searched
    /// ([`crate::engine::prose`]). `None` searches every paragraph.
    fn matches_touched(
        &self,
        text: &Value,
        patterns: Option<&[&regex::Regex]>,
        finder: impl Fn(&str) -> Vec<(usize, usize)>,
    ) -> Value {
        self.found_touched(text, patterns, finder, Found::Matches)
    }

    /// [`RuleRun::matches_touched`], or only how many matches there are.
    fn found_touched(
        &self,
        text: &Value,
        patterns: Option<&[&regex::Regex]>,
        finder: impl Fn(&str) -> Vec<(usize, usize)>,
        found: Found,
    ) -> Value {
        match self.text_blocks(text) {
            Some(mut blocks) => {
                if let Some(patterns) = patterns {
                    blocks = self.touched(blocks, patterns);
                }
                self.found_in(&blocks, finder, found)
            }
            None => Value::Missing(vec![self.type_gap("报告正文", text)]),
        }
    }

    /// What `finder` finds in the paragraphs of `blocks`.
    fn found_in(
        &self,
        blocks: &[usize],
        finder: impl Fn(&str) -> Vec<(usize, usize)>,
        found: Found,
    ) -> Value {
        match found {
            Found::Matches => Value::List(
                recognise::find_in(self.ctx.doc, blocks, finder)
                    .into_iter()
                    .map(Value::Match)
                    .collect(),
            ),
            Found::Count => Value::number(Decimal::from(recognise::count_in(
                self.ctx.doc,
                blocks,
                finder,
            ))),
        }
    }

    /// The blocks of `blocks` whose paragraphs one of `patterns` touches in the joined prose
    /// (none for no pattern).
    fn touched(&self, mut blocks: Vec<usize>, patterns: &[&regex::Regex]) -> Vec<usize> {
        let from = blocks.iter().min().copied().unwrap_or(0);
        let to = blocks.iter().max().copied().unwrap_or(0);
        let mut touched: Vec<usize> = patterns
            .iter()
            .flat_map(|p| self.ctx.prose().touched(p, from, to))
            .collect();
        touched.sort_unstable();
        blocks.retain(|b| touched.binary_search(b).is_ok());
        blocks
    }

    /// The blocks of report text `text` whose paragraphs hold a literal of each of
    /// `literals` ([`crate::engine::prose::Prose::holding`]); `None` when it is not text.
    fn blocks_holding(
        &self,
        text: &Value,
        literals: &[Vec<memchr::memmem::Finder<'static>>],
    ) -> Option<Vec<usize>> {
        let mut blocks = self.text_blocks(text)?;
        let holding = self.ctx.prose().holding(literals);
        blocks.retain(|b| holding.binary_search(b).is_ok());
        Some(blocks)
    }

    fn text_blocks(&self, value: &Value) -> Option<Vec<usize>> {
        match value {
            Value::Text(blocks) => Some(blocks.as_ref().clone()),
            _ => None,
        }
    }

    /// `copied(section)`: the share of the section identical to the same section of the
    /// previous report, with the longest shared passage as its two cells.
    fn copied(&self, section: &Value) -> Value {
        let Value::Section(s) = section else {
            return Value::Missing(vec![self.type_gap("报告部分", section)]);
        };
        let Some((other, file)) = self.ctx.related(Relation::Previous) else {
            return Value::Missing(vec![Gap {
                what: Relation::Previous.label().into(),
                why: "未提供".into(),
                span: None,
            }]);
        };
        let blocks = |ctx: &super::Ctx<'_>| {
            ctx.sections[*s].as_ref().map(|found| {
                let section = &ctx.doc.sections[found.section];
                // The heading is the same every year; only the text under it is compared.
                section.first_block + 1..section.end_block
            })
        };
        let (Some(here), Some(there)) = (blocks(self.ctx), blocks(other)) else {
            // A section missing in either report is another rule's finding.
            return Value::None;
        };
        let found = related::copied(self.ctx.doc, here, other.doc, there);
        let percent = Decimal::from(found.percent);
        let mut terms = Vec::new();
        // The cells are the longest shared passage in each report, valued by its length.
        let label = "与上年相同的最长一段（字）";
        let longest = Decimal::from(found.longest);
        if let Some(span) = found.here {
            terms.push(Term {
                label: label.into(),
                value: longest,
                span,
                negated: false,
                unit: None,
                elsewhere: None,
            });
        }
        if let Some(span) = found.there {
            // Negated, so the two cells do not read as a sum of the share.
            terms.push(Term {
                label: format!("{}·{label}", Relation::Previous.label()).into(),
                value: longest,
                span,
                negated: true,
                unit: None,
                elsewhere: Some(file.clone()),
            });
        }
        Value::Num(Num {
            value: percent,
            terms,
        })
    }

    /// `find(text, pattern)` (and `matches`): the matches of a rule's regex or of a named
    /// recogniser in report text, or how many there are.
    pub(super) fn find(&self, args: &[Value], found: Found) -> Value {
        // A rule's pattern is searched only in the paragraphs that hold a literal of each
        // set all its matches have.
        let rule_regex = match &args[1] {
            Value::Regex(re) => Some(Arc::clone(re)),
            _ => None,
        };
        let finder: Box<Finder> = match &args[1] {
            Value::Regex(re) => {
                let re = Arc::clone(re);
                Box::new(move |t: &str| {
                    if !re.may_match(t) {
                        return Vec::new();
                    }
                    re.find_iter(t).map(|m| (m.start(), m.end())).collect()
                })
            }
            Value::Str(name) => match Recogniser::from_name(name) {
                Some(r) => Box::new(move |t: &str| r.find(t)),
                None => {
                    return Value::Missing(vec![Gap {
                        what: format!("规则 {}", self.rule.code).into(),
                        why: format!(
                            "没有名为「{name}」的识别器（可用：{}）",
                            Recogniser::NAMES.join(", ")
                        )
                        .into(),
                        span: None,
                    }]);
                }
            },
            other => {
                return Value::Missing(vec![self.type_gap("正则表达式或识别器名称", other)]);
            }
        };
        match (&args[0], found) {
            (Value::Match(m), Found::Matches) => Value::List(
                finder(&m.text)
                    .into_iter()
                    .map(|(a, b)| {
                        Value::Match(Match {
                            text: m.text[a..b].to_owned(),
                            span: m.span,
                        })
                    })
                    .collect(),
            ),
            (Value::Match(m), Found::Count) => Value::number(Decimal::from(finder(&m.text).len())),
            (other, found) => match &rule_regex {
                Some(re) => match self.blocks_holding(other, re.required()) {
                    Some(blocks) => self.found_in(&blocks, finder, found),
                    None => Value::Missing(vec![self.type_gap("报告正文", other)]),
                },
                None => self.found_touched(other, None, finder, found),
            },
        }
    }

    pub(super) fn call(&mut self, builtin: Builtin, args: Vec<Value>) -> Value {
        let ctx = self.ctx;
        let doc = ctx.doc;
        let paragraphs = |range: std::ops::Range<usize>| -> Value {
            Value::Text(Arc::new(
                range
                    .filter(|&i| matches!(doc.blocks[i], Block::Paragraph { .. }))
                    .collect(),
            ))
        };
        match builtin {
            Builtin::Sum => {
                let items = match args.into_iter().next() {
                    Some(Value::List(items)) => items,
                    Some(other) => vec![other],
                    None => Vec::new(),
                };
                items
                    .into_iter()
                    .fold(Value::number(Decimal::ZERO), |acc, v| {
                        arithmetic(BinOp::Add, acc, v)
                    })
            }
            Builtin::Count => match args.into_iter().next() {
                Some(Value::List(items)) => Value::number(Decimal::from(items.len())),
                Some(Value::None) => Value::number(Decimal::ZERO),
                Some(Value::Missing(gaps)) => Value::Missing(gaps),
                Some(_) => Value::number(Decimal::ONE),
                None => Value::number(Decimal::ZERO),
            },
            Builtin::Present => Value::Bool(match &args[0] {
                Value::Section(s) => ctx.sections[*s].is_some(),
                Value::Table(t) => ctx.table(*t).found(),
                Value::None | Value::Missing(_) | Value::Bounded(_) => false,
                Value::List(items) => !items.is_empty(),
                _ => true,
            }),
            Builtin::Integer => match &args[0] {
                Value::Num(n) => Value::Bool(n.value.fract().is_zero()),
                Value::Missing(gaps) | Value::Bounded(Bounded { gaps, .. }) => {
                    Value::Missing(gaps.clone())
                }
                _ => Value::Bool(false),
            },
            Builtin::Date => {
                let part = |v: &Value| match v {
                    Value::Num(n) => i32::try_from(n.value.trunc().mantissa()).ok(),
                    _ => None,
                };
                match (part(&args[0]), part(&args[1]), part(&args[2])) {
                    (Some(y), Some(m), Some(d)) => Date::new(
                        y,
                        u32::try_from(m).unwrap_or(0),
                        u32::try_from(d).unwrap_or(0),
                    )
                    .map_or(Value::None, |date| Value::Date(date, None)),
                    _ => {
                        let gaps: Vec<Gap> = args
                            .iter()
                            .filter_map(|a| a.gaps().map(<[Gap]>::to_vec))
                            .flatten()
                            .collect();
                        if gaps.is_empty() {
                            Value::None
                        } else {
                            Value::Missing(gaps)
                        }
                    }
                }
            }
            Builtin::Preamble => {
                let end = doc
                    .sections
                    .iter()
                    .find(|s| s.level == 1)
                    .map_or(doc.blocks.len(), |s| s.first_block);
                paragraphs(0..end)
            }
            Builtin::AllText => paragraphs(0..doc.blocks.len()),
            Builtin::TableNotes => Value::Text(Arc::new(recognise::table_notes(doc))),
            Builtin::Copied => self.copied(&args[0]),
            Builtin::SectionText => match &args[0] {
                Value::Section(s) => match &ctx.sections[*s] {
                    Some(found) => {
                        let section = &doc.sections[found.section];
                        paragraphs(section.first_block..section.end_block)
                    }
                    None => Value::Text(Arc::new(Vec::new())),
                },
                other => Value::Missing(vec![self.type_gap("报告部分", other)]),
            },
            Builtin::Round | Builtin::Abs => {
                let digits = match args.get(1) {
                    Some(Value::Num(d)) => {
                        u32::try_from(d.value.trunc().mantissa().clamp(0, 20)).unwrap_or(0)
                    }
                    Some(other) if other.gaps().is_some() => return other.clone(),
                    _ => 0,
                };
                match &args[0] {
                    Value::Num(n) => Value::Num(Num {
                        value: if builtin == Builtin::Abs {
                            n.value.abs()
                        } else {
                            n.value.round_dp_with_strategy(
                                digits,
                                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                            )
                        },
                        terms: n.terms.clone(),
                    }),
                    Value::Bounded(b) => Value::Missing(b.gaps.clone()),
                    other => other.clone(),
                }
            }
            Builtin::Title => match &doc.title {
                Some(title) => Value::Match(Match {
                    text: title.text.clone(),
                    span: title.span,
                }),
                None => Value::None,
            },
            Builtin::PublicationDates => Value::List(
                ctx.publication_dates()
                    .iter()
                    .map(|&(date, span)| Value::Date(date, Some(span)))
                    .collect(),
            ),
            Builtin::Numbers => {
                let items = match &args[0] {
                    Value::List(items) => items.clone(),
                    other => vec![other.clone()],
                };
                let mut numbers = Vec::new();
                for item in items {
                    if let Value::Match(m) = item {
                        for value in recognise::numbers_in(&m.text) {
                            numbers.push(stated_number(value, m.span));
                        }
                    }
                }
                Value::List(numbers)
            }
            Builtin::Number => {
                let (Value::Match(m), Value::Num(n)) = (&args[0], &args[1]) else {
                    return match args[1].gaps() {
                        Some(gaps) => Value::Missing(gaps.to_vec()),
                        None => Value::None,
                    };
                };
                let index = usize::try_from(n.value.trunc().mantissa()).unwrap_or(0);
                match index
                    .checked_sub(1)
                    .and_then(|i| recognise::numbers_in(&m.text).into_iter().nth(i))
                {
                    Some(value) => stated_number(value, m.span),
                    None => Value::None,
                }
            }
            Builtin::Mentions => match &args[0] {
                Value::Row(t, r) => {
                    let keys = ctx.pack.tables[*t].rows[*r].keys.clone();
                    self.matches_in(&paragraphs(0..doc.blocks.len()), move |text| {
                        recognise::sentences_naming(text, &keys)
                    })
                }
                other => Value::Missing(vec![self.type_gap("表格行", other)]),
            },
            Builtin::Find | Builtin::Matches => self.find(&args, Found::Matches),
            Builtin::Stated => {
                let Value::Regex(re) = &args[0] else {
                    return Value::Missing(vec![self.type_gap("正则表达式", &args[0])]);
                };
                // Most paragraphs lack a literal every match has (`件`), or do not match:
                // only those that hold one of each are asked, which one scan of the report
                // per literal finds, and asking whether they match spares the capture slots.
                for b in ctx.prose().holding(re.required()) {
                    let Block::Paragraph { text, .. } = &doc.blocks[b] else {
                        continue;
                    };
                    if !re.is_match(&text.text) {
                        continue;
                    }
                    let Some(caps) = re.captures(&text.text) else {
                        continue;
                    };
                    let Some(group) = caps.iter().skip(1).flatten().next().or_else(|| caps.get(0))
                    else {
                        continue;
                    };
                    let digits = crate::document::normalize::ascii_digits(group.as_str());
                    let Ok(value) = digits.replace(',', "").trim().parse::<Decimal>() else {
                        continue;
                    };
                    let span = text.span_of(group.start(), group.end()).unwrap_or_default();
                    return stated_number(value, span);
                }
                Value::None
            }
            Builtin::StatisticsPeriod => match ctx.period() {
                Some((start, end, span)) => Value::Period { start, end, span },
                None => Value::None,
            },
            Builtin::MalformedPeriod => match ctx.period_statement() {
                Some((recognise::PeriodStatement::Malformed(text, why, _), span)) => {
                    Value::Match(Match {
                        text: format!("「{text}」：{why}"),
                        span,
                    })
                }
                _ => Value::None,
            },
            Builtin::Agency => match &doc.title {
                Some(title) => title.agency.as_ref().map_or(Value::None, |a| {
                    Value::Match(Match {
                        text: a.clone(),
                        span: title.span,
                    })
                }),
                None => Value::None,
            },
            Builtin::AgencyLevel => match ctx.related.and_then(|r| r.level.as_deref()) {
                Some(level) => Value::Str(level.to_owned()),
                None => doc
                    .title
                    .as_ref()
                    .and_then(|t| t.agency.as_deref())
                    .and_then(recognise::agency_level)
                    .map_or(Value::None, |level| Value::Str(level.to_owned())),
            },
            Builtin::PublicationDate => match ctx.publication_dates().first() {
                Some(&(date, span)) => Value::Date(date, Some(span)),
                None => Value::None,
            },
            // Its patterns match in few reports, and none has a literal to rule out a
            // paragraph: each runs once over the prose, and only the paragraphs it touches
            // are searched.
            Builtin::Placeholders => self.matches_touched(
                &args[0],
                Some(&recognise::placeholder_patterns()),
                recognise::placeholders,
            ),
            Builtin::ResultSharesOff => {
                let mut bases = Vec::new();
                let mut gaps = Vec::new();
                let items = match &args[1] {
                    Value::List(items) => items.clone(),
                    other => vec![other.clone()],
                };
                for item in &items {
                    match item {
                        Value::Num(n) => bases.push(n.value),
                        other => gaps.extend(other.gaps().unwrap_or_default().iter().cloned()),
                    }
                }
                if bases.iter().all(|b| b.is_zero()) {
                    return Value::Missing(gaps);
                }
                // Only the paragraphs that hold the literals of its pattern state a share.
                let Some(blocks) =
                    self.blocks_holding(&args[0], recognise::result_share_literals())
                else {
                    return Value::Missing(vec![self.type_gap("报告正文", &args[0])]);
                };
                let mut found = Vec::new();
                for b in blocks {
                    let Block::Paragraph { text, .. } = &doc.blocks[b] else {
                        continue;
                    };
                    for ((start, end), count, share, exact) in
                        recognise::result_shares_off(&text.text, &bases)
                    {
                        if let Some(span) = text.span_of(start, end) {
                            found.push(Value::Match(Match {
                                text: format!(
                                    "{count} 件占 {share}%，按 {} 计算应为 {}%",
                                    bases[0].normalize(),
                                    exact.normalize()
                                ),
                                span,
                            }));
                        }
                    }
                }
                Value::List(found)
            }
            // Only the paragraphs that hold the literals of its pattern state a breakdown.
            Builtin::BreakdownsExceeding => {
                match self.blocks_holding(&args[0], recognise::breakdown_total_literals()) {
                    Some(blocks) => {
                        self.found_in(&blocks, recognise::breakdowns_exceeding, Found::Matches)
                    }
                    None => Value::Missing(vec![self.type_gap("报告正文", &args[0])]),
                }
            }
            Builtin::ReaderProblems => match &args[0] {
                Value::Str(kind) => Value::List(
                    doc.problems
                        .iter()
                        .filter(|p| {
                            serde_json::to_value(p.kind)
                                .is_ok_and(|v| v.as_str() == Some(kind.as_str()))
                        })
                        .map(|p| {
                            Value::Match(Match {
                                text: p.message.clone(),
                                span: p.span,
                            })
                        })
                        .collect(),
                ),
                other => Value::Missing(vec![self.type_gap("a problem kind", other)]),
            },
            Builtin::MissingRows => match &args[0] {
                Value::Table(t) => {
                    let bound = ctx.table(*t);
                    let missing: Vec<Value> = bound
                        .rows
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.is_none())
                        .map(|(r, _)| Value::Row(*t, r))
                        .collect();
                    // Rows of numbers without a label (an extractor split the labels from the
                    // values) may be the rows not found: then which are missing is unknown.
                    // Looked for in every table of the sections the table was found in.
                    let sections: Vec<_> = bound
                        .tables
                        .iter()
                        .map(|&i| doc.tables[i].section)
                        .collect();
                    let unlabelled: Vec<Span> = doc
                        .tables
                        .iter()
                        .filter(|table| sections.contains(&table.section))
                        .flat_map(|table| &table.rows)
                        .filter(|row| {
                            row.kind == RowKind::Data
                                && row.label.trim().is_empty()
                                && row.values.iter().any(|&c| row.cells[c].value.is_data())
                        })
                        .map(|row| row.span)
                        .collect();
                    if missing.is_empty() || unlabelled.is_empty() {
                        Value::List(missing)
                    } else {
                        Value::Missing(vec![Gap {
                            what: ctx.pack.tables[*t].name.clone().into(),
                            why: format!(
                                "有 {} 行数值没有行名（行名与数值在提取时分开了），无法判断缺少哪些行",
                                unlabelled.len()
                            )
                            .into(),
                            span: unlabelled.first().copied(),
                        }])
                    }
                }
                other => Value::Missing(vec![self.type_gap("表格", other)]),
            },
            Builtin::BlankCells => match &args[0] {
                Value::Table(t) => {
                    let bound = ctx.table(*t);
                    let def = &ctx.pack.tables[*t];
                    let mut found = Vec::new();
                    for (i, cell) in bound.values.iter().enumerate() {
                        if !cell.malformed
                            && matches!(
                                cell.value,
                                CellValue::Blank | CellValue::NotApplicable { .. }
                            )
                        {
                            let name = def.values.get(i).map_or("", |v| v.name.as_str());
                            found.push(Value::Match(Match {
                                text: name.to_owned(),
                                span: cell.span,
                            }));
                        }
                    }
                    for (r, row) in bound.rows.iter().enumerate() {
                        let Some(row) = row else { continue };
                        for (c, cell) in row.cells.iter().enumerate() {
                            let span = match cell {
                                Some(cell) if cell.malformed => continue,
                                Some(cell)
                                    if matches!(
                                        cell.value,
                                        CellValue::Blank | CellValue::NotApplicable { .. }
                                    ) =>
                                {
                                    if cell.span.is_empty() {
                                        row.label_span
                                    } else {
                                        cell.span
                                    }
                                }
                                Some(_) => continue,
                                None => row.label_span,
                            };
                            found.push(Value::Match(Match {
                                text: format!("{}·{}", def.rows[r].name, def.columns[c].name),
                                span,
                            }));
                        }
                    }
                    Value::List(found)
                }
                other => Value::Missing(vec![self.type_gap("表格", other)]),
            },
            Builtin::Blanks => {
                let mut found = Vec::new();
                let mut stack: Vec<&Value> = args.iter().collect();
                while let Some(v) = stack.pop() {
                    match v {
                        Value::List(items) => stack.extend(items.iter().rev()),
                        Value::Bounded(b) if b.known.terms.is_empty() && b.gaps.len() == 1 => {
                            let gap = &b.gaps[0];
                            if let Some(span) = gap.span {
                                found.push(Value::Match(Match {
                                    text: gap.what.to_string(),
                                    span,
                                }));
                            }
                        }
                        _ => {}
                    }
                }
                Value::List(found)
            }
            Builtin::MalformedRows => match &args[0] {
                Value::Table(t) => {
                    let bound = ctx.table(*t);
                    let def = &ctx.pack.tables[*t];
                    Value::List(
                        bound
                            .rows
                            .iter()
                            .enumerate()
                            .filter_map(|(r, row)| {
                                let row = row.as_ref()?;
                                let cells: Vec<&CellRef> = row.cells.iter().flatten().collect();
                                // One merged cell spanning two columns is the same cell twice:
                                // a layout choice, not a missing or extra value.
                                let merged = cells.windows(2).any(|w| w[0].span == w[1].span);
                                (row.misshapen && !merged).then(|| {
                                    Value::Match(Match {
                                        text: def.rows[r].name.clone(),
                                        span: row.label_span,
                                    })
                                })
                            })
                            .collect(),
                    )
                }
                other => Value::Missing(vec![self.type_gap("表格", other)]),
            },
            Builtin::LabelsWith => {
                // Searchers made once for the hundreds of cells: `str::contains` prepares its
                // search anew on each call, most of the cost for a cell holding `0`.
                let wanted: Vec<memchr::memmem::Finder<'_>> = label_keys(&args[0])
                    .iter()
                    .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
                    .collect();
                let mut found = Vec::new();
                for (key, cell) in ctx.cell_keys() {
                    if !key.is_empty() && wanted.iter().any(|w| w.find(key.as_bytes()).is_some()) {
                        found.push(Value::Match(Match {
                            text: cell.text.to_string(),
                            span: cell.span,
                        }));
                    }
                }
                Value::List(found)
            }
            Builtin::RowsEndingWith => {
                let wanted = label_keys(&args[0]);
                let mut found = Vec::new();
                for (key, row) in ctx.row_keys() {
                    let numbered = row
                        .values
                        .iter()
                        .any(|&i| matches!(row.cells[i].value, CellValue::Number(_)));
                    if numbered && wanted.iter().any(|w| key.ends_with(w.as_str())) {
                        found.push(Value::Match(Match {
                            text: row.label.clone(),
                            span: row.label_span.unwrap_or(row.span),
                        }));
                    }
                }
                Value::List(found)
            }
            Builtin::Misordered => {
                let positions: Vec<Option<usize>> = ctx
                    .sections
                    .iter()
                    .map(|f| f.as_ref().map(|f| doc.sections[f.section].first_block))
                    .collect();
                // The sections outside a longest run already in order are the ones that moved:
                // moving 一 after 四 blames 一, not 二, 三 and 四.
                let found: Vec<(usize, usize)> = positions
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| p.map(|p| (i, p)))
                    .collect();
                let in_order = longest_increasing(&found);
                Value::List(
                    found
                        .iter()
                        .filter(|(i, _)| !in_order.contains(i))
                        .map(|&(i, _)| Value::Section(i))
                        .collect(),
                )
            }
            Builtin::Unit => match &args[0] {
                Value::Num(n) => n
                    .terms
                    .iter()
                    .find_map(|t| t.unit)
                    .map_or(Value::None, |u| Value::Str(u.as_str().to_owned())),
                Value::Missing(gaps) | Value::Bounded(Bounded { gaps, .. }) => {
                    Value::Missing(gaps.clone())
                }
                _ => Value::None,
            },
            Builtin::AnnouncedParts => {
                let end = doc
                    .sections
                    .iter()
                    .find(|s| s.level == 1)
                    .map_or(doc.blocks.len(), |s| s.first_block);
                for block in &doc.blocks[..end] {
                    let Block::Paragraph { text, .. } = block else {
                        continue;
                    };
                    if let Some(((a, b), announced, listed)) =
                        recognise::announced_parts_mismatch(&text.text)
                        && let Some(span) = text.span_of(a, b)
                    {
                        let chinese = |n: u32| {
                            [
                                "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                            ]
                            .get(n as usize)
                            .map_or_else(|| n.to_string(), |c| (*c).to_owned())
                        };
                        return Value::Match(Match {
                            text: format!(
                                "称{}个部分，列出{}项",
                                chinese(announced),
                                chinese(listed)
                            ),
                            span,
                        });
                    }
                }
                Value::None
            }
            Builtin::HeadingsWithin => match &args[0] {
                Value::Section(s) => {
                    let Some(found) = &ctx.sections[*s] else {
                        return Value::List(Vec::new());
                    };
                    let start = doc.sections[found.section].first_block;
                    let end = ctx
                        .sections
                        .iter()
                        .flatten()
                        .map(|f| doc.sections[f.section].first_block)
                        .filter(|&b| b > start)
                        .min()
                        .unwrap_or(doc.blocks.len());
                    Value::List(
                        doc.sections
                            .iter()
                            .filter(|h| {
                                h.level == 1 && h.first_block > start && h.first_block < end
                            })
                            .map(|h| {
                                Value::Match(Match {
                                    text: format!("{}{}", h.marker, h.title),
                                    span: h.span,
                                })
                            })
                            .collect(),
                    )
                }
                other => Value::Missing(vec![self.type_gap("报告部分", other)]),
            },
            Builtin::HeadingNumber => match &args[0] {
                Value::Section(s) => match &ctx.sections[*s] {
                    Some(found) => Value::Num(Num {
                        value: Decimal::from(doc.sections[found.section].number),
                        terms: vec![Term {
                            label: "标题序号".into(),
                            value: Decimal::from(doc.sections[found.section].number),
                            span: found.span,
                            negated: false,
                            unit: None,
                            elsewhere: None,
                        }],
                    }),
                    None => Value::None,
                },
                other => Value::Missing(vec![self.type_gap("报告部分", other)]),
            },
        }
    }
}

/// The declared indices of a longest subsequence of `(index, position)` whose positions
/// increase (quadratic; there are six sections).
fn longest_increasing(found: &[(usize, usize)]) -> Vec<usize> {
    let n = found.len();
    let mut length = vec![1usize; n];
    let mut previous: Vec<Option<usize>> = vec![None; n];
    for j in 0..n {
        for k in 0..j {
            if found[k].1 < found[j].1 && length[k] + 1 > length[j] {
                length[j] = length[k] + 1;
                previous[j] = Some(k);
            }
        }
    }
    let mut best = (0..n).max_by_key(|&j| (length[j], std::cmp::Reverse(j)));
    let mut out = Vec::new();
    while let Some(j) = best {
        out.push(found[j].0);
        best = previous[j];
    }
    out
}

/// The label keys of a text argument or a list of texts (other items are ignored).
fn label_keys(arg: &Value) -> Vec<String> {
    match arg {
        Value::List(items) => items
            .iter()
            .filter_map(|v| match v {
                Value::Str(s) => Some(label_key(s)),
                _ => None,
            })
            .collect(),
        Value::Str(s) => vec![label_key(s)],
        _ => Vec::new(),
    }
}
