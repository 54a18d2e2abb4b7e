//! Built-in recognisers for facts stated in report text: contact details, the statistics
//! period, the report's own date, and placeholders left from a template.
//!
//! All patterns are compiled once (`LazyLock`) and run on the `regex` crate (linear time).

use crate::document::mapped::MappedText;
use crate::document::value::find_dates;
use crate::document::{Block, Date, Document};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

use super::value::Match;

pub mod period;

pub use period::PeriodStatement;

macro_rules! pattern {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| crate::pattern::must($re));
    };
}

pattern!(
    LANDLINE,
    r"[（(]?0\d{2,3}[)）]?\s?[-－—–]?\s?\d{7,8}(?:\s?[-转]\s?\d{1,5})?"
);
pattern!(MOBILE, r"1[3-9]\d{9}");
pattern!(EMAIL, r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}");
pattern!(POSTCODE, r"(?:邮编|邮政编码)\s*[:：]?\s*(\d+)");
pattern!(
    URL,
    r"(?:https?://|www\.)[A-Za-z0-9._~:/?#\[\]@!$&'*+,;=%\-]+"
);
pattern!(
    ADDRESS,
    r"(?:通讯地址|联系地址|办公地址|地址)\s*[:：]\s*([^，,。；;）)\n]+)"
);
pattern!(
    PLACEHOLDER,
    r"[XＸ]{2,}|[×ｘ]{2,}|（\s*）|\(\s*\)|〔\s*〕|【\s*】|[\p{Han}]( {2,}|　+)(?:条|件|个|次|篇|项|家|人)"
);
pattern!(SINGLE_X, r"[XＸ×][件条个次篇项家人]");
pattern!(
    UNIT_WITHOUT_NUMBER,
    r"(?:共|累计|合计|发布|处理|收到|受理|办理|新增|制发|废止|接待|举办|开展|更新|信息)(?:件|条|篇|项|场|期|人次)"
);
// A counted noun with no count: 「全年收到政府信息公开申请，」「现行有效规范性文件。」. The
// clause says how many were received, issued or in force, and the number is gone.
pattern!(
    NOUN_WITHOUT_COUNT,
    r"(?:(?:共|累计|全年|本年度?)(?:主动|依法)?新?(?:收到|受理|办理|答复|办结|制发|制定|印发|发布|公开|废止|接待|结转)|现行有效)(?:市政府|区政府|县政府|本机关|本单位)?(?:政府信息公开申请|行政规范性文件|规范性文件|规章|政府信息|政务信息|信息|申请|文件|政策文件|解读类?信息|政策解读)"
);
pattern!(COUNT_OF_PARTS, r"等个(?:部分|方面)|共个(?:部分|方面)");
pattern!(
    PUBLISHED_LABEL,
    r"(?:发布日期|公开日期|成文日期|发文日期|印发日期|发布时间)\s*[:：]?\s*"
);

/// Builds every pattern of the recognisers now. Called on a spare thread at start-up
/// ([`crate::lint::prepare_builtin`]), so that the first report does not wait for them.
pub fn warm_up() {
    for pattern in [
        &LANDLINE,
        &MOBILE,
        &EMAIL,
        &POSTCODE,
        &URL,
        &ADDRESS,
        &PLACEHOLDER,
        &SINGLE_X,
        &UNIT_WITHOUT_NUMBER,
        &NOUN_WITHOUT_COUNT,
        &COUNT_OF_PARTS,
        &PUBLISHED_LABEL,
        &BREAKDOWN_TOTAL,
        &BREAKDOWN_PART,
        &BREAKDOWN_END,
        &RESULT_SHARE,
        &ANNOUNCED_PARTS,
    ] {
        LazyLock::force(pattern);
    }
}

/// A named recogniser for `find(text, "name")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recogniser {
    /// A landline with area code.
    Landline,
    /// A mobile number.
    Mobile,
    /// Either.
    Phone,
    /// An email address.
    Email,
    /// The digits after 邮编 (six when well formed).
    Postcode,
    /// A web address.
    Url,
    /// The text after 地址.
    Address,
}

impl Recogniser {
    /// Every recogniser name.
    pub const NAMES: &'static [&'static str] = &[
        "landline", "mobile", "phone", "email", "postcode", "url", "address",
    ];

    /// The recogniser with this name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "landline" => Self::Landline,
            "mobile" => Self::Mobile,
            "phone" => Self::Phone,
            "email" => Self::Email,
            "postcode" => Self::Postcode,
            "url" => Self::Url,
            "address" => Self::Address,
            _ => return None,
        })
    }

    /// Byte ranges of matches in `text`.
    #[must_use]
    pub fn find(self, text: &str) -> Vec<(usize, usize)> {
        let standalone = |re: &Regex| -> Vec<(usize, usize)> {
            re.find_iter(text)
                .filter(|m| {
                    let before = text[..m.start()].chars().next_back();
                    let after = text[m.end()..].chars().next();
                    !before.is_some_and(|c| c.is_ascii_digit())
                        && !after.is_some_and(|c| c.is_ascii_digit())
                })
                .map(|m| (m.start(), m.end()))
                .collect()
        };
        let group = |re: &Regex| -> Vec<(usize, usize)> {
            re.captures_iter(text)
                .filter_map(|c| c.get(1))
                .map(|m| (m.start(), m.end()))
                .collect()
        };
        match self {
            Self::Landline => standalone(&LANDLINE),
            Self::Mobile => standalone(&MOBILE),
            Self::Phone => {
                let mut all = standalone(&LANDLINE);
                all.extend(standalone(&MOBILE));
                all.sort_unstable();
                all.dedup_by(|b, a| b.0 < a.1);
                all
            }
            Self::Email => EMAIL
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect(),
            Self::Postcode => group(&POSTCODE),
            Self::Url => URL.find_iter(text).map(|m| (m.start(), m.end())).collect(),
            Self::Address => group(&ADDRESS),
        }
    }
}

/// Matches of a regex or recogniser in paragraphs, mapped to source spans.
pub fn find_in(
    document: &Document,
    blocks: &[usize],
    find: impl Fn(&str) -> Vec<(usize, usize)>,
) -> Vec<Match> {
    let mut found = Vec::new();
    each_found(document, blocks, find, |text, span| {
        found.push(Match {
            text: text.to_owned(),
            span,
        });
    });
    found
}

/// How many matches [`find_in`] returns, without making them.
pub fn count_in(
    document: &Document,
    blocks: &[usize],
    find: impl Fn(&str) -> Vec<(usize, usize)>,
) -> usize {
    let mut count = 0;
    each_found(document, blocks, find, |_, _| count += 1);
    count
}

/// Calls `found` with the text and source span of each match of `find` in the paragraphs of
/// `blocks` (a match with no place in the source is not one).
fn each_found(
    document: &Document,
    blocks: &[usize],
    find: impl Fn(&str) -> Vec<(usize, usize)>,
    mut found: impl FnMut(&str, crate::source::Span),
) {
    for &b in blocks {
        if let Block::Paragraph { text, .. } = &document.blocks[b] {
            for (start, end) in find(&text.text) {
                if let Some(span) = text.span_of(start, end) {
                    found(&text.text[start..end], span);
                }
            }
        }
    }
}

/// The patterns [`placeholders`] finds with: it finds nothing in a text none of them
/// matches. None has a start or end anchor, so each runs as it is over the joined prose
/// ([`crate::engine::prose`]).
#[must_use]
pub fn placeholder_patterns() -> [&'static Regex; 5] {
    [
        &PLACEHOLDER,
        &SINGLE_X,
        &UNIT_WITHOUT_NUMBER,
        &NOUN_WITHOUT_COUNT,
        &COUNT_OF_PARTS,
    ]
}

/// Template text left unfilled: the fixed forms of [`PLACEHOLDER`], a single `X` before a
/// unit (`X件`), and a count word followed directly by its unit with no number between
/// (`共处理件，`, `微博发布信息条。`, `等个部分`), and a counted noun whose count is missing
/// at the end of its clause (`全年收到政府信息公开申请，`, `现行有效规范性文件。`).
#[must_use]
pub fn placeholders(text: &str) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = PLACEHOLDER
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    for m in SINGLE_X.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        if !before.is_some_and(|c| c.is_ascii_alphanumeric()) {
            found.push((m.start(), m.end()));
        }
    }
    for m in UNIT_WITHOUT_NUMBER.find_iter(text) {
        // Only where the clause ends right after the unit: `处理件数`, `信息条目` are words.
        let after = text[m.end()..].chars().next();
        if after.is_none_or(|c| "，,。；;、）)：:".contains(c)) {
            found.push((m.start(), m.end()));
        }
    }
    for m in NOUN_WITHOUT_COUNT.find_iter(text) {
        // Only where the clause ends at the noun: `收到政府信息公开申请 34 件` has its count.
        let after = text[m.end()..].trim_start().chars().next();
        if after.is_some_and(|c| "，,。；;".contains(c)) {
            // Shown from the clause's subject on (`市政府共受理…`), at most 12 characters back.
            let start = text[..m.start()]
                .char_indices()
                .rev()
                .take(12)
                .take_while(|&(_, c)| {
                    !"，,；;。：:".contains(c) && !c.is_numeric() && !c.is_whitespace()
                })
                .last()
                .map_or(m.start(), |(i, _)| i);
            found.push((start, m.end()));
        }
    }
    for m in COUNT_OF_PARTS.find_iter(text) {
        found.push((m.start(), m.end()));
    }
    found.sort_unstable();
    found.dedup_by(|b, a| b.0 < a.1);
    found
}

fn paragraphs(document: &Document) -> impl Iterator<Item = (usize, &MappedText)> {
    document
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Paragraph { text, .. } => Some((i, text)),
            Block::Table { .. } => None,
        })
}

/// The paragraphs that belong to tables (block indices, in order): the short line directly
/// above each table — its caption or the heading it sits under, never a sentence ending in
/// 。 — and the notes directly below it (`注：`, `说明`, `备注`, `附注`, `单位：`). A year or
/// a period written there says which year the table's numbers are for.
#[must_use]
pub fn table_notes(document: &Document) -> Vec<usize> {
    /// A caption is a line, not prose: 40 characters at most, not ending a sentence.
    const CAPTION_MAX_CHARS: usize = 40;
    let text_of = |i: usize| match document.blocks.get(i) {
        Some(Block::Paragraph { text, .. }) => Some(text.text.trim()),
        _ => None,
    };
    let is_note = |text: &str| {
        let text = text.trim_start_matches(['（', '(', '*', '※', ' ']);
        ["注", "说明", "备注", "附注", "单位"]
            .iter()
            .any(|word| text.starts_with(word))
    };
    let mut found = Vec::new();
    for (i, block) in document.blocks.iter().enumerate() {
        if !matches!(block, Block::Table { .. }) {
            continue;
        }
        if let Some(caption) = i.checked_sub(1).and_then(text_of) {
            if !caption.is_empty()
                && caption.chars().count() <= CAPTION_MAX_CHARS
                && !caption.ends_with(['。', '；', ';'])
            {
                found.push(i - 1);
            }
        }
        found.extend((i + 1..).map_while(|j| text_of(j).filter(|t| is_note(t)).map(|_| j)));
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// The statistics period: the first sentence naming 统计 with a date range.
#[must_use]
pub fn statistics_period(document: &Document) -> Option<(Date, Date, Span)> {
    for (_, text) in paragraphs(document) {
        let mut offset = 0;
        for sentence in text.text.split_inclusive(['。', '；', ';']) {
            let start = offset;
            offset += sentence.len();
            if !sentence.contains("统计") {
                continue;
            }
            let dates = find_dates(sentence);
            if dates.len() >= 2 {
                let (a, b) = (dates[0], dates[1]);
                let span = text.span_of(start + a.range.0, start + b.range.1)?;
                return Some((a.date, b.date, span));
            }
        }
    }
    None
}

/// The statistics period as stated, read strictly: a well-formed range, or a malformed one
/// with the reason. Spans are the source spans of the dates.
#[must_use]
pub fn period_statement(document: &Document) -> Option<(PeriodStatement, Span)> {
    let texts: Vec<&MappedText> = paragraphs(document).map(|(_, t)| t).collect();
    let (found, index) = period::statement(&texts)?;
    let (a, b) = match &found {
        PeriodStatement::Valid(_, _, r) | PeriodStatement::Malformed(_, _, r) => *r,
    };
    let span = texts[index].span_of(a, b)?;
    Some((found, span))
}

// A stated total and its parts: `接待咨询215人次，其中现场180人次、电话40人次`.
pattern!(
    BREAKDOWN_TOTAL,
    r"(\d+)\s*(人次|件|条|篇|个|项|家|场|期)[^。；;，,\d]{0,3}[，,]?\s*其中[，,：:]?"
);
pattern!(
    BREAKDOWN_PART,
    r"(\d+(?:\.\d+)?)\s*(人次|件|条|篇|个|项|家|场|期|%|％)"
);
// Words between parts that end the breakdown: a new total, a change, a share, another time.
pattern!(
    BREAKDOWN_END,
    r"共|合计|累计|总计|办结|结转|另|此外|同比|较上年|增长|下降|减少|增加|占|上年|去年|以上|以下|超过|不足|近|约|余"
);

/// Literal sets a text holds one of each of wherever [`breakdowns_exceeding`] finds
/// something: those every match of [`BREAKDOWN_TOTAL`], the pattern it reads totals with,
/// has (`其中`, a unit).
#[must_use]
pub fn breakdown_total_literals() -> &'static [Vec<memchr::memmem::Finder<'static>>] {
    static LITERALS: LazyLock<Vec<Vec<memchr::memmem::Finder<'static>>>> =
        LazyLock::new(|| required_of(&BREAKDOWN_TOTAL));
    &LITERALS
}

/// The literal sets every match of `pattern` has ([`crate::pattern::requirements_of`]).
fn required_of(pattern: &Regex) -> Vec<Vec<memchr::memmem::Finder<'static>>> {
    crate::pattern::parse_rewritten(pattern.as_str())
        .map(|(_, hir)| crate::pattern::required_finders(&hir))
        .unwrap_or_default()
}

/// Breakdowns whose parts add up to more than their total (`215人次，其中现场180人次、电话40人次`):
/// byte ranges of the whole statement. Parts are read in the same unit, within the sentence,
/// until a word that starts another statement; a sum below the total is not reported (the
/// parts need not be exhaustive).
#[must_use]
pub fn breakdowns_exceeding(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for caps in BREAKDOWN_TOTAL.captures_iter(text) {
        let whole = caps.get(0).expect("group 0");
        let (Ok(total), unit) = (caps[1].parse::<u64>(), &caps[2]) else {
            continue;
        };
        let rest_end = text[whole.end()..]
            .find(['。', '；', ';'])
            .map_or(text.len(), |i| whole.end() + i);
        let clause = &text[whole.end()..rest_end];
        let mut sum: u64 = 0;
        let mut parts = 0;
        let mut end = whole.end();
        let mut previous = 0;
        for part in BREAKDOWN_PART.captures_iter(clause) {
            let m = part.get(0).expect("group 0");
            if BREAKDOWN_END.is_match(&clause[previous..m.start()]) {
                break;
            }
            previous = m.end();
            if &part[2] != unit {
                break;
            }
            let Ok(value) = part[1].parse::<u64>() else {
                break;
            };
            sum = sum.saturating_add(value);
            parts += 1;
            end = whole.end() + m.end();
        }
        if parts >= 2 && sum > total {
            found.push((whole.start(), end));
        }
    }
    found
}

// `予以公开及部分公开258件，占33.9%`, `不予公开 20 件（1.68%）`: a count of a result and its share.
pattern!(
    RESULT_SHARE,
    r"((?:公开|提供|处理|答复)[^。；;，,\d]{0,6}?)(\d+)\s*件\s*[，,（(]\s*(?:占(?:比)?(?:为)?)?\s*(\d+(?:\.\d+)?)\s*[%％]"
);

/// Literal sets a text holds one of each of wherever [`result_shares_off`] finds something:
/// those every match of [`RESULT_SHARE`], the pattern it reads shares with, has (a result's
/// verb, `件`).
#[must_use]
pub fn result_share_literals() -> &'static [Vec<memchr::memmem::Finder<'static>>] {
    static LITERALS: LazyLock<Vec<Vec<memchr::memmem::Finder<'static>>>> =
        LazyLock::new(|| required_of(&RESULT_SHARE));
    &LITERALS
}

/// A stated share of a result count that fits none of `bases` (to one unit of its last
/// digit, rounded or truncated): byte range, the count, the share as written, and the share
/// the first base gives.
#[must_use]
pub fn result_shares_off(
    text: &str,
    bases: &[rust_decimal::Decimal],
) -> Vec<((usize, usize), u64, String, rust_decimal::Decimal)> {
    use rust_decimal::Decimal;
    let mut found = Vec::new();
    let Some(&first) = bases.iter().find(|b| !b.is_zero()) else {
        return found;
    };
    for caps in RESULT_SHARE.captures_iter(text) {
        let (Ok(count), Ok(share)) = (caps[2].parse::<u64>(), caps[3].parse::<Decimal>()) else {
            continue;
        };
        let decimals = caps[3].split('.').nth(1).map_or(0, str::len);
        // One unit of the last written digit: 0.1 for `33.9`, 0.01 for `4.34`.
        let unit = Decimal::new(1, u32::try_from(decimals.min(6)).unwrap_or(0));
        let fits = |base: &Decimal| {
            !base.is_zero()
                && (Decimal::from(count) * Decimal::ONE_HUNDRED)
                    .checked_div(*base)
                    .is_some_and(|exact| (exact - share).abs() < unit)
        };
        if !bases.iter().any(fits) {
            let start = caps.get(2).map_or(0, |m| m.start());
            let end = caps.get(0).map_or(0, |m| m.end());
            let exact = (Decimal::from(count) * Decimal::ONE_HUNDRED)
                .checked_div(first)
                .unwrap_or_default()
                .round_dp(2);
            found.push(((start, end), count, caps[3].to_owned(), exact));
        }
    }
    found
}

// `全文包括总体情况、……和其他需要报告的事项等六个部分`: the list and the announced count.
// The list is at most [`MAX_ANNOUNCED_LIST`] characters; the bound is checked in code, since
// `{4,300}` in the pattern compiles to 300 copies of the class (2 ms at start-up).
pattern!(
    ANNOUNCED_PARTS,
    r"(?:包括|分为|包含|涵盖|由|共分)([^。；;]{4,}?)(?:等|共)?\s*([一二三四五六七八九十]|\d{1,2})\s*个?(?:部分|方面)"
);

/// The longest list of parts, in characters, that a preamble's announcement is read from.
const MAX_ANNOUNCED_LIST: usize = 300;

/// The first announcement whose list is within [`MAX_ANNOUNCED_LIST`]: the leftmost start at
/// which the pattern matches with a list that short. The pattern's list is lazy, so a match
/// whose list is longer is the shortest one from that start; the search goes on from the
/// next character.
fn announced_parts(text: &str) -> Option<regex::Captures<'_>> {
    let mut from = 0;
    while let Some(caps) = ANNOUNCED_PARTS.captures_at(text, from) {
        let list = caps.get(1)?;
        if list.as_str().chars().count() <= MAX_ANNOUNCED_LIST {
            return Some(caps);
        }
        let start = caps.get(0)?.start();
        from = start + text[start..].chars().next()?.len_utf8();
    }
    None
}

/// The six parts' topics, as a preamble's list names them.
const PART_TOPICS: [&[&str]; 6] = [
    &["总体情况", "基本情况", "概述"],
    &["主动公开"],
    &["申请"],
    &["复议", "诉讼"],
    &["问题", "改进", "整改"],
    &["其他需要报告", "其他事项"],
];

/// A preamble that announces a number of parts other than the number of parts it lists
/// (`……等六个部分` after listing five): the byte range of the statement, the announced and
/// the listed count. Only lists naming at least three of the six parts count.
#[must_use]
pub fn announced_parts_mismatch(text: &str) -> Option<((usize, usize), u32, u32)> {
    let caps = announced_parts(text)?;
    let list = caps.get(1)?.as_str();
    let announced_text = caps.get(2)?.as_str();
    let announced = announced_text
        .parse::<u32>()
        .ok()
        .or_else(|| crate::document::normalize::chinese_number(announced_text))?;
    let topics = PART_TOPICS
        .iter()
        .filter(|words| words.iter().any(|w| list.contains(w)))
        .count();
    // Items beyond the six topics: list entries (split on 、，和 及) naming none of them.
    let extra = list
        .split(['、', '，', ',', '；', '和', '及'])
        .filter(|item| {
            let item = item.trim();
            item.chars().count() >= 4
                && (item.ends_with("情况") || item.ends_with("建设") || item.ends_with("事项"))
                && !PART_TOPICS
                    .iter()
                    .flat_map(|ws| ws.iter())
                    .any(|w| item.contains(w))
        })
        .count();
    let listed = u32::try_from(topics + extra).ok()?;
    let whole = caps.get(0)?;
    (topics >= 3 && listed != announced).then_some((
        (whole.start(), whole.end()),
        announced,
        listed,
    ))
}

/// The level of the organ named in the title, for the 条例 第四十九条 deadline.
#[must_use]
pub fn agency_level(agency: &str) -> Option<&'static str> {
    let name: String = agency.chars().filter(|c| !c.is_whitespace()).collect();
    if name.is_empty() {
        return None;
    }
    // The general office of a government is one of its departments.
    if name.ends_with("办公室") || name.ends_with("办公厅") {
        return Some(AGENCY_DEPARTMENT);
    }
    if name.ends_with("街道办事处")
        || name.ends_with("乡人民政府")
        || name.ends_with("镇人民政府")
        || name.ends_with("街道")
    {
        return Some(AGENCY_TOWNSHIP);
    }
    if name.ends_with("人民政府") {
        return Some(AGENCY_GOVERNMENT);
    }
    Some(AGENCY_DEPARTMENT)
}

/// A county-or-above government's own report: due 31 March.
pub const AGENCY_GOVERNMENT: &str = "县级以上人民政府";
/// A department of a government (its general office included): due 31 January.
pub const AGENCY_DEPARTMENT: &str = "政府部门";
/// A township government or street office: due 31 January.
pub const AGENCY_TOWNSHIP: &str = "乡镇人民政府、街道办事处";

/// The report's own date (publication or signing): the first of [`publication_dates`],
/// without looking for the others.
#[must_use]
pub fn publication_date(document: &Document) -> Option<(Date, Span)> {
    publication_date_candidates(document, true)
        .into_iter()
        .next()
}

/// Every date the report gives as its own, in the order [`publication_date`] prefers them
/// (labels, then date lines by the title, then date lines at the end).
pub fn publication_dates(document: &Document) -> Vec<(Date, Span)> {
    let mut found = publication_date_candidates(document, false);
    let mut seen = std::collections::HashSet::new();
    found.retain(|(_, span)| seen.insert(*span));
    found
}

fn publication_date_candidates(document: &Document, first_only: bool) -> Vec<(Date, Span)> {
    let mut found = Vec::new();
    macro_rules! push {
        ($item:expr) => {{
            found.push($item);
            if first_only {
                return found;
            }
        }};
    }
    // 1. An explicit label, in a paragraph or in a table row (crawled pages put it in an
    //    information table above the report).
    for (_, text) in paragraphs(document) {
        for label in PUBLISHED_LABEL.find_iter(&text.text) {
            let rest = &text.text[label.end()..];
            if let Some(d) = find_dates(rest).first().filter(|d| d.range.0 == 0) {
                // A label whose date cannot be placed ends the search (as it always has).
                let Some(span) = text.span_of(label.end() + d.range.0, label.end() + d.range.1)
                else {
                    return found;
                };
                push!((d.date, span));
            }
        }
    }
    for table in &document.tables {
        for row in &table.rows {
            // Written cells only: merged copies share their text, and scanning each copy
            // of a long merged cell would cost its length once per grid position.
            let written: Vec<&crate::document::Cell> =
                row.cells.iter().filter(|c| !c.merged).collect();
            for (i, cell) in written.iter().enumerate() {
                if PUBLISHED_LABEL.is_match(&cell.text) {
                    let inline = find_dates(&cell.text);
                    if let Some(d) = inline.first() {
                        push!((d.date, cell.span));
                    } else if let Some(next) = written.get(i + 1)
                        && let Some(d) = find_dates(&next.text).first()
                    {
                        push!((d.date, next.span));
                    }
                }
            }
        }
    }
    // 2. A line holding only a date, near the title or after the body.
    let is_date_line = |text: &MappedText| -> Option<(Date, Span)> {
        let trimmed = text
            .text
            .trim()
            .trim_matches(|c| matches!(c, '(' | ')' | '（' | '）'));
        let dates = find_dates(trimmed);
        let d = dates.first()?;
        let rest: String = trimmed.replace(&trimmed[d.range.0..d.range.1], "");
        if rest.trim().is_empty() && dates.len() == 1 {
            let offset = text.text.find(&trimmed[d.range.0..d.range.1])?;
            Some((
                d.date,
                text.span_of(offset, offset + (d.range.1 - d.range.0))?,
            ))
        } else {
            None
        }
    };
    let first_section = document
        .sections
        .iter()
        .find(|s| s.level == 1)
        .map_or(0, |s| s.first_block);
    let all: Vec<(usize, &MappedText)> = paragraphs(document).collect();
    let early = all.iter().filter(|(i, _)| *i < first_section).take(6);
    let late = all.iter().rev().take(3);
    for (_, text) in early.chain(late) {
        if let Some(date) = is_date_line(text) {
            push!(date);
        }
    }
    found
}

/// The numbers written in a text, in order (`予以公开258件，占33.9%` → 258, 33.9); full-width
/// digits and thousands separators are read.
#[must_use]
pub fn numbers_in(text: &str) -> Vec<rust_decimal::Decimal> {
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\d[\d,]*(?:\.\d+)?").expect("a valid regex"));
    let digits = crate::document::normalize::ascii_digits(text);
    NUMBER
        .find_iter(&digits)
        .filter_map(|m| m.as_str().replace(',', "").parse().ok())
        .collect()
}

/// Byte ranges of the sentences of `text` (ended by 。；！？ or a line end) whose matching key
/// contains one of `keys` (a declared row's labels, see `label_key`).
#[must_use]
pub fn sentences_naming(text: &str, keys: &[String]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if matches!(c, '。' | '；' | '！' | '？' | '\n') || end == text.len() {
            let sentence = &text[start..end];
            let key = crate::document::normalize::label_key(sentence);
            if !sentence.trim().is_empty()
                && keys
                    .iter()
                    .any(|k| !k.is_empty() && key.contains(k.as_str()))
            {
                found.push((start, end));
            }
            start = end;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(literals: &[Vec<memchr::memmem::Finder<'static>>], text: &str) -> bool {
        crate::pattern::holds_required(literals, text.as_bytes())
    }

    /// [`placeholder_patterns`] run as they are over the joined prose, which is sound only
    /// for patterns without a start or end anchor; shares and breakdowns are found only in
    /// paragraphs that hold the literals of their patterns.
    #[test]
    fn the_patterns_that_gate_recognisers_let_through_what_they_find() {
        for pattern in placeholder_patterns() {
            let (_, hir) = crate::pattern::parse_rewritten(pattern.as_str()).expect("parses");
            let looks = hir.properties().look_set();
            assert!(
                !looks.contains(regex_syntax::hir::Look::Start)
                    && !looks.contains(regex_syntax::hir::Look::End),
                "/{}/ has a start or end anchor",
                pattern.as_str()
            );
        }
        // The literals that gate shares and breakdowns are what a text needs (`其中`; a
        // result's verb and `件`), not nothing.
        assert!(!holds(
            breakdown_total_literals(),
            "接待咨询215人次，现场180人次"
        ));
        assert!(holds(breakdown_total_literals(), "5件，其中"));
        assert!(!holds(result_share_literals(), "予以公开258项，占33.9%"));
        assert!(holds(result_share_literals(), "公开1件"));
        // And a text none of them matches has nothing for the finder that reads with them.
        let shares = [rust_decimal::Decimal::from(805)];
        for text in crate::test_support::corpus_texts() {
            for line in text.lines() {
                assert!(
                    placeholders(line).is_empty()
                        || placeholder_patterns().iter().any(|p| p.is_match(line)),
                    "{line}"
                );
                assert!(
                    result_shares_off(line, &shares).is_empty()
                        || (RESULT_SHARE.is_match(line) && holds(result_share_literals(), line)),
                    "{line}"
                );
                assert!(
                    breakdowns_exceeding(line).is_empty()
                        || (BREAKDOWN_TOTAL.is_match(line)
                            && holds(breakdown_total_literals(), line)),
                    "{line}"
                );
            }
        }
    }

    /// `count(find(…))` counts what `find` returns, without making the matches: on every
    /// corpus report, for a pattern with thousands of matches and for a recogniser.
    #[test]
    fn count_in_counts_what_find_in_finds() {
        let han = crate::pattern::must(r"\p{Han}");
        let mut counted = 0;
        for (name, bytes) in crate::test_support::corpus_files() {
            let Ok(loaded) = crate::document::load(&name, &bytes, Default::default()) else {
                continue;
            };
            let document = loaded.document;
            let blocks: Vec<usize> = (0..document.blocks.len()).collect();
            let by_han = |t: &str| han.find_iter(t).map(|m| (m.start(), m.end())).collect();
            let phones = |t: &str| Recogniser::Phone.find(t);
            assert_eq!(
                count_in(&document, &blocks, by_han),
                find_in(&document, &blocks, by_han).len(),
                "{name}"
            );
            assert_eq!(
                count_in(&document, &blocks, phones),
                find_in(&document, &blocks, phones).len(),
                "{name}"
            );
            counted += count_in(&document, &blocks, by_han);
        }
        assert!(counted > 10_000, "{counted}");
    }

    /// The rules read the publication date as the first of the report's dates, found once;
    /// the search that stops at the first finds the same one, in every corpus report.
    #[test]
    fn the_publication_date_is_the_first_of_the_dates() {
        let mut dated = 0;
        for entry in std::fs::read_dir(crate::test_support::corpus_dir().join("real"))
            .expect("the shared corpus")
            .flatten()
        {
            let name = entry.path().display().to_string();
            let bytes = std::fs::read(entry.path()).expect("readable");
            let Ok(loaded) =
                crate::document::load(&name, &bytes, crate::document::ReadOptions::default())
            else {
                continue;
            };
            let first = publication_dates(&loaded.document).first().copied();
            assert_eq!(publication_date(&loaded.document), first, "{name}");
            dated += usize::from(first.is_some());
        }
        assert!(dated >= 3, "{dated}");
    }

    fn found(r: Recogniser, text: &str) -> Vec<String> {
        r.find(text)
            .into_iter()
            .map(|(a, b)| text[a..b].to_owned())
            .collect()
    }

    #[test]
    fn contact_details() {
        let text = "（地址：石家庄市中山东路216号，电话0311-86689429，电子邮箱sjzswjjy@163.com，邮编：050000）";
        assert_eq!(found(Recogniser::Landline, text), ["0311-86689429"]);
        assert_eq!(found(Recogniser::Email, text), ["sjzswjjy@163.com"]);
        assert_eq!(found(Recogniser::Postcode, text), ["050000"]);
        assert_eq!(found(Recogniser::Address, text), ["石家庄市中山东路216号"]);
        assert_eq!(
            found(Recogniser::Mobile, "手机13912345678。"),
            ["13912345678"]
        );
        assert_eq!(
            found(Recogniser::Phone, "电话：（021）23456789"),
            ["（021）23456789"]
        );
        assert!(found(Recogniser::Landline, "编号20044679123").is_empty());
        assert_eq!(
            found(Recogniser::Url, "网站（https://stcsm.sh.gov.cn）下载"),
            ["https://stcsm.sh.gov.cn"]
        );
    }

    #[test]
    fn breakdowns_that_exceed_their_total() {
        let text = "接待咨询215人次，其中现场180人次、电话40人次。";
        let found: Vec<&str> = breakdowns_exceeding(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect();
        assert_eq!(found, ["215人次，其中现场180人次、电话40人次"]);
        for fine in [
            "接待咨询215人次，其中现场180人次、电话35人次。",
            "共受理申请749件，其中自然人申请741件，法人或其他组织申请8件；共办理718件。",
            "发布信息393件，其中政策文件200件，同比增长300件。",
            "受理10件，其中予以公开6件（60%），其他4件。",
            "收到12件，其中自然人10件。",
        ] {
            assert!(breakdowns_exceeding(fine).is_empty(), "{fine}");
        }
    }

    #[test]
    fn announced_parts_against_the_list() {
        let six = "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况和其他需要报告的事项等六个部分。";
        assert!(announced_parts_mismatch(six).is_none());
        let five = six.replace("、存在的主要问题及改进情况", "");
        assert_eq!(
            announced_parts_mismatch(&five).map(|m| (m.1, m.2)),
            Some((6, 5))
        );
        let seven = six.replace(
            "和其他需要报告的事项等六个部分",
            "、政府信息公开平台建设情况和其他需要报告的事项等六个部分",
        );
        assert_eq!(
            announced_parts_mismatch(&seven).map(|m| (m.1, m.2)),
            Some((6, 7))
        );
        assert!(announced_parts_mismatch("工作分为三个方面。").is_none());
    }

    #[test]
    fn result_shares_against_their_base() {
        use rust_decimal::Decimal;
        let base = [Decimal::from(805)];
        let text = "予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%。";
        let off: Vec<(u64, String)> = result_shares_off(text, &base)
            .into_iter()
            .map(|(_, n, p, _)| (n, p))
            .collect();
        assert_eq!(off, [(258, "33.9".to_owned())]);
        let fine = "予以公开及部分公开 208 件（17.46%），不予公开 20 件（1.68%）";
        assert!(result_shares_off(fine, &[Decimal::from(1191)]).is_empty());
    }

    #[test]
    fn agency_levels_follow_the_title() {
        assert_eq!(agency_level("沭阳县人民政府"), Some(AGENCY_GOVERNMENT));
        assert_eq!(
            agency_level("淮安市洪泽区人民政府"),
            Some(AGENCY_GOVERNMENT)
        );
        assert_eq!(
            agency_level("上海市人民政府办公厅"),
            Some(AGENCY_DEPARTMENT)
        );
        assert_eq!(agency_level("某县人民政府办公室"), Some(AGENCY_DEPARTMENT));
        assert_eq!(agency_level("沭阳县发展和改革局"), Some(AGENCY_DEPARTMENT));
        assert_eq!(agency_level("某县城关镇人民政府"), Some(AGENCY_TOWNSHIP));
        assert_eq!(agency_level("某区新华街道办事处"), Some(AGENCY_TOWNSHIP));
        assert_eq!(agency_level(" "), None);
    }

    #[test]
    fn placeholder_forms() {
        let text = "2020 年主动公开信息  条，XX局，电子版可从（）下载，××年。";
        let found: Vec<&str> = placeholders(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect();
        assert_eq!(found, ["息  条", "XX", "（）", "××"]);
        assert!(placeholders("2020 年市商务局未收到申请。").is_empty());
        let text = "微博发布信息条，共处理件。报告分为总体情况等个部分。办结X件。";
        let found: Vec<&str> = placeholders(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect();
        assert_eq!(found, ["信息条", "处理件", "等个部分", "X件"]);
        // Words, not holes: a count word followed by more text, a unit after a number.
        for fine in [
            "统计处理件数。",
            "信息条目齐全。",
            "共处理3件，",
            "涉及商业秘密等个人隐私。",
            "Box件",
        ] {
            assert!(placeholders(fine).is_empty(), "{fine}");
        }
    }

    /// `warm_up` builds every pattern this module declares.
    #[test]
    fn warm_up_names_every_pattern() {
        let source = include_str!("recognise.rs");
        let declared = source.matches(concat!("pattern", "!(")).count();
        let start = source.find("pub fn warm_up()").expect("warm_up");
        let end = start + source[start..].find("LazyLock::force").expect("its loop");
        let listed = source[start..end].matches('&').count();
        assert_eq!(listed, declared);
        warm_up();
    }

    #[test]
    fn counted_nouns_without_their_count() {
        let text = "全年收到政府信息公开申请，上年结转3件。现行有效规范性文件。市政府共受理政府信息公开申请 ，办结 5 件。";
        let found: Vec<&str> = placeholders(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect();
        assert_eq!(
            found,
            [
                "全年收到政府信息公开申请",
                "现行有效规范性文件",
                "市政府共受理政府信息公开申请"
            ]
        );
        // The count is there, or the clause does not count anything.
        for fine in [
            "全年收到政府信息公开申请 34 件，",
            "全年主动公开市政府规章 22 件、规范性文件 10 件。",
            "全年公开规章、规范性文件共 25 件。",
            "及时公开规范性文件。",
            "本年受理的申请均已办结。",
            "现行有效件数",
        ] {
            assert!(placeholders(fine).is_empty(), "{fine}");
        }
    }
}
