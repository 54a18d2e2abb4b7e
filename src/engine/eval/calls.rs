//! Builtin function calls: what each entry of [`Builtin`] does at run time.

use super::{RuleRun, arithmetic};
use crate::document::normalize::label_key;
use crate::document::{Block, CellValue, Date};
use crate::dsl::ast::BinOp;
use crate::engine::builtins::Builtin;
use crate::engine::recognise::{self, Recogniser};
use crate::engine::value::{Gap, Match, Num, Term, Value};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A text search: byte ranges of matches.
type Finder = dyn Fn(&str) -> Vec<(usize, usize)>;

impl RuleRun<'_, '_> {
    /// Every match of `finder` in report text, as a list of matches.
    fn matches_in(&self, text: &Value, finder: impl Fn(&str) -> Vec<(usize, usize)>) -> Value {
        match self.text_blocks(text) {
            Some(blocks) => Value::List(
                recognise::find_in(self.ctx.doc, &blocks, finder)
                    .into_iter()
                    .map(Value::Match)
                    .collect(),
            ),
            None => Value::Missing(vec![self.type_gap("report text", text)]),
        }
    }

    fn text_blocks(&self, value: &Value) -> Option<Vec<usize>> {
        match value {
            Value::Text(blocks) => Some(blocks.as_ref().clone()),
            _ => None,
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
                Value::None | Value::Missing(_) => false,
                Value::List(items) => !items.is_empty(),
                _ => true,
            }),
            Builtin::Integer => match &args[0] {
                Value::Num(n) => Value::Bool(n.value.fract().is_zero()),
                Value::Missing(gaps) => Value::Missing(gaps.clone()),
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
                            .filter_map(|a| {
                                if let Value::Missing(g) = a {
                                    Some(g.clone())
                                } else {
                                    None
                                }
                            })
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
            Builtin::SectionText => match &args[0] {
                Value::Section(s) => match &ctx.sections[*s] {
                    Some(found) => {
                        let section = &doc.sections[found.section];
                        paragraphs(section.first_block..section.end_block)
                    }
                    None => Value::Text(Arc::new(Vec::new())),
                },
                other => Value::Missing(vec![self.type_gap("a section", other)]),
            },
            Builtin::Find => {
                let finder: Box<Finder> = match &args[1] {
                    Value::Regex(re) => {
                        let re = Arc::clone(re);
                        Box::new(move |t: &str| {
                            re.find_iter(t).map(|m| (m.start(), m.end())).collect()
                        })
                    }
                    Value::Str(name) => match Recogniser::from_name(name) {
                        Some(r) => Box::new(move |t: &str| r.find(t)),
                        None => {
                            return Value::Missing(vec![Gap {
                                what: format!("规则 {}", self.rule.code),
                                why: format!(
                                    "unknown recogniser `{name}`; expected one of {}",
                                    Recogniser::NAMES.join(", ")
                                ),
                                span: None,
                            }]);
                        }
                    },
                    other => {
                        return Value::Missing(vec![
                            self.type_gap("a regex or recogniser name", other),
                        ]);
                    }
                };
                match &args[0] {
                    Value::Match(m) => Value::List(
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
                    other => self.matches_in(other, finder),
                }
            }
            Builtin::Stated => {
                let Value::Regex(re) = &args[0] else {
                    return Value::Missing(vec![self.type_gap("a regex", &args[0])]);
                };
                for block in &doc.blocks {
                    let Block::Paragraph { text, .. } = block else {
                        continue;
                    };
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
                    return Value::Num(Num {
                        value,
                        terms: vec![Term {
                            label: "正文所述".to_owned(),
                            value,
                            span,
                            negated: false,
                            unit: None,
                        }],
                    });
                }
                Value::None
            }
            Builtin::StatisticsPeriod => match ctx.period() {
                Some((start, end, span)) => Value::Period { start, end, span },
                None => Value::None,
            },
            Builtin::PublicationDate => match recognise::publication_date(doc) {
                Some((date, span)) => Value::Date(date, Some(span)),
                None => Value::None,
            },
            Builtin::Placeholders => self.matches_in(&args[0], recognise::placeholders),
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
                    Value::List(
                        bound
                            .rows
                            .iter()
                            .enumerate()
                            .filter(|(_, r)| r.is_none())
                            .map(|(r, _)| Value::Row(*t, r))
                            .collect(),
                    )
                }
                other => Value::Missing(vec![self.type_gap("a table", other)]),
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
                other => Value::Missing(vec![self.type_gap("a table", other)]),
            },
            Builtin::LabelsWith => {
                let wanted: Vec<String> = match &args[0] {
                    Value::List(items) => items
                        .iter()
                        .filter_map(|v| {
                            if let Value::Str(s) = v {
                                Some(label_key(s))
                            } else {
                                None
                            }
                        })
                        .collect(),
                    Value::Str(s) => vec![label_key(s)],
                    _ => Vec::new(),
                };
                let mut found = Vec::new();
                for table in &doc.tables {
                    for row in &table.rows {
                        for cell in row.cells.iter().filter(|c| !c.merged) {
                            let key = label_key(&cell.text);
                            if !key.is_empty() && wanted.iter().any(|w| key.contains(w.as_str())) {
                                found.push(Value::Match(Match {
                                    text: cell.text.clone(),
                                    span: cell.span,
                                }));
                            }
                        }
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
                Value::Missing(gaps) => Value::Missing(gaps.clone()),
                _ => Value::None,
            },
            Builtin::HeadingNumber => match &args[0] {
                Value::Section(s) => match &ctx.sections[*s] {
                    Some(found) => Value::Num(Num {
                        value: Decimal::from(doc.sections[found.section].number),
                        terms: vec![Term {
                            label: "标题序号".to_owned(),
                            value: Decimal::from(doc.sections[found.section].number),
                            span: found.span,
                            negated: false,
                            unit: None,
                        }],
                    }),
                    None => Value::None,
                },
                other => Value::Missing(vec![self.type_gap("a section", other)]),
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
