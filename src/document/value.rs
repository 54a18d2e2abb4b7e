//! Cell values and the numbers and dates found in report text.
//!
//! A cell is a number (with its unit), blank, a not-applicable mark, or text. Blank is *not*
//! zero: the rules must be able to say "this sum is not assessable because a cell is blank".
//! Amounts are [`Decimal`], never floats, so `4068.208` 万元 adds up exactly.

use super::normalize::{ascii_digits, chinese_number};
use regex::Regex;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// The unit written with a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// 件 (items)
    #[serde(rename = "件")]
    Jian,
    /// 条 (entries)
    #[serde(rename = "条")]
    Tiao,
    /// 项 (items)
    #[serde(rename = "项")]
    Xiang,
    /// 次 (times)
    #[serde(rename = "次")]
    Ci,
    /// 元 (yuan)
    #[serde(rename = "元")]
    Yuan,
    /// 万元 (ten thousand yuan)
    #[serde(rename = "万元")]
    WanYuan,
}

impl Unit {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "件" => Self::Jian,
            "条" => Self::Tiao,
            "项" | "个" => Self::Xiang,
            "次" => Self::Ci,
            "元" => Self::Yuan,
            "万元" => Self::WanYuan,
            _ => return None,
        })
    }

    /// The unit as written.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jian => "件",
            Self::Tiao => "条",
            Self::Xiang => "项",
            Self::Ci => "次",
            Self::Yuan => "元",
            Self::WanYuan => "万元",
        }
    }
}

/// A number as written in a cell or sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Quantity {
    /// The exact value.
    pub value: Decimal,
    /// The unit written after it, if any.
    pub unit: Option<Unit>,
    /// Whether an explicit `+` or `-` sign was written (本年增/减 uses `+3`).
    pub signed: bool,
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.signed && self.value.is_sign_positive() {
            f.write_str("+")?;
        }
        write!(f, "{}", self.value.normalize())?;
        if let Some(unit) = self.unit {
            f.write_str(unit.as_str())?;
        }
        Ok(())
    }
}

/// What a table cell holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CellValue {
    /// A number, possibly with a unit and sign.
    Number(Quantity),
    /// Nothing at all.
    Blank,
    /// An explicit "not applicable" mark: `/`, `—`, `-`, `无`.
    NotApplicable {
        /// The mark as written.
        mark: String,
    },
    /// Anything else (labels, notes).
    Text {
        /// The text (shared with the cell's other copies when merged).
        text: std::sync::Arc<str>,
    },
}

impl CellValue {
    /// Classifies the text of a cell.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
        if trimmed.is_empty() {
            return Self::Blank;
        }
        if is_not_applicable_mark(trimmed) {
            return Self::NotApplicable {
                mark: trimmed.to_owned(),
            };
        }
        match parse_quantity(trimmed) {
            Some(quantity) => Self::Number(quantity),
            None => Self::Text {
                text: trimmed.into(),
            },
        }
    }

    /// The number, when the cell holds one.
    #[must_use]
    pub fn number(&self) -> Option<Quantity> {
        match self {
            Self::Number(q) => Some(*q),
            _ => None,
        }
    }

    /// Blank: nothing written.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        matches!(self, Self::Blank)
    }

    /// Whether the cell looks like data (a number or a not-applicable mark) rather than a label.
    #[must_use]
    pub fn is_data(&self) -> bool {
        matches!(self, Self::Number(_) | Self::NotApplicable { .. })
    }

    /// `CellValue::parse(text).is_data()` without building the value: the text readers ask
    /// it of every word of every line, and most are labels or prose.
    #[must_use]
    pub fn is_data_text(text: &str) -> bool {
        let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
        !trimmed.is_empty()
            && (is_not_applicable_mark(trimmed) || parse_quantity(trimmed).is_some())
    }
}

/// The marks written for "not applicable" or "none" in a count cell.
const NOT_APPLICABLE_MARKS: &[&str] = &["/", "／", "—", "——", "-", "－", "–", "无", "\\"];

fn is_not_applicable_mark(text: &str) -> bool {
    NOT_APPLICABLE_MARKS.contains(&text)
}

/// Whether a text has a character that every data text has one of: a digit of either width
/// or a character of a [`NOT_APPLICABLE_MARKS`] mark (a test holds the two lists together).
/// Readers settle most lines of prose with it before splitting them into fields.
#[must_use]
pub fn may_hold_data(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '0'..='9' | '０'..='９' | '/' | '／' | '—' | '-' | '－' | '–' | '无' | '\\'
        )
    })
}

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::must(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(件|条|项|个|次|元|万元)?$")
});

/// Parses `20044679 元`, `+3`, `1,234`, `4068.208`, full-width digits.
#[must_use]
pub fn parse_quantity(text: &str) -> Option<Quantity> {
    let trimmed = text.trim();
    // Nearly every cell is a plain count (`0`, `12`): read it without the pattern.
    if (1..=18).contains(&trimmed.len()) && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        let count: u64 = trimmed.parse().ok()?;
        return Some(Quantity {
            value: Decimal::from(count),
            unit: None,
            signed: false,
        });
    }
    // Every quantity starts with a sign or a digit (as `ascii_digits` folds them); most
    // texts tried are labels, rejected here without folding and matching.
    let starts_like_a_number = trimmed
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '+' | '-' | '0'..='9' | '０'..='９' | '＋' | '－'));
    if !starts_like_a_number {
        return None;
    }
    // The pattern spans the whole text, so a character it cannot hold rules the text out;
    // most texts that start with a digit are sentences (`2020年…`), stopped at their second
    // or third character here instead of folded and matched whole.
    let could_match = trimmed.chars().all(|c| {
        matches!(c, '+' | '-' | '＋' | '－' | '0'..='9' | '０'..='９' | ',' | '，' | '.' | '．')
            || matches!(c, '件' | '条' | '项' | '个' | '次' | '元' | '万')
            || c.is_whitespace()
    });
    if !could_match {
        return None;
    }
    by_pattern(trimmed)
}

/// [`parse_quantity`] for every form: signs, separators, decimals, units, full-width digits.
fn by_pattern(trimmed: &str) -> Option<Quantity> {
    let ascii = ascii_digits(trimmed);
    let caps = QUANTITY.captures(&ascii)?;
    let sign = caps.get(1).map_or("", |m| m.as_str());
    let digits = caps[2].replace(',', "");
    let fraction = caps.get(3).map_or("", |m| m.as_str());
    let mut value = Decimal::from_str(&format!("{digits}{fraction}")).ok()?;
    if sign == "-" {
        value.set_sign_negative(true);
    }
    Some(Quantity {
        value,
        unit: caps.get(4).and_then(|m| Unit::parse(m.as_str())),
        signed: !sign.is_empty(),
    })
}

/// A calendar date as written in a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    /// Year, e.g. 2020.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

impl Date {
    /// A date, if the day exists in that month.
    #[must_use]
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Self { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年{}月{}日", self.year, self.month, self.day)
    }
}

/// A date found in text, with its byte range in that text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateMatch {
    /// The date. A missing year (`至12月31日`) is filled from the previous date in the text.
    pub date: Date,
    /// Byte range in the searched text.
    pub range: (usize, usize),
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::must(concat!(
        r"(?:(?P<y>\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*)?",
        r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月\s*",
        r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号]",
        r"|(?P<y2>\d{4})\s*[.\-/]\s*(?P<m2>\d{1,2})\s*[.\-/]\s*(?P<d2>\d{1,2})",
    ))
});

/// Finds every date in `text`: `2020年1月1日`, `二〇二〇年一月一日`, `2020.1.1`, `2020-01-01`,
/// `至12月31日` (year carried over from the previous date), full-width digits.
#[must_use]
pub fn find_dates(text: &str) -> Vec<DateMatch> {
    // Full-width digits are replaced one char for one char, but they are 3 bytes and ASCII
    // digits 1, so search the folded text and map offsets back by character index.
    let folded = ascii_digits(text);
    let original_offsets: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    // Matches come in order: count characters from the previous position, not from the
    // start (a text of thousands of dates would otherwise be quadratic).
    let mut cursor = (0usize, 0usize);
    let mut folded_char_index = |byte: usize| {
        if byte < cursor.0 {
            cursor = (0, 0);
        }
        cursor.1 += folded[cursor.0..byte].chars().count();
        cursor.0 = byte;
        cursor.1
    };
    let mut found = Vec::new();
    let mut last_year = None;
    for caps in DATE.captures_iter(&folded) {
        let number = |name: &str| -> Option<u32> {
            let m = caps.name(name)?.as_str();
            m.parse().ok().or_else(|| chinese_number(m))
        };
        let (year, month, day) = if caps.name("m").is_some() {
            let year = caps
                .name("y")
                .and_then(|y| {
                    y.as_str()
                        .parse()
                        .ok()
                        .or_else(|| chinese_number(y.as_str()))
                })
                .and_then(|y| i32::try_from(y).ok())
                .or(last_year);
            (year, number("m"), number("d"))
        } else {
            (
                number("y2").and_then(|y| i32::try_from(y).ok()),
                number("m2"),
                number("d2"),
            )
        };
        let whole = caps.get(0).expect("group 0 always matches");
        if let (Some(year), Some(month), Some(day)) = (year, month, day) {
            if let Some(date) = Date::new(year, month, day) {
                last_year = Some(year);
                let start = original_offsets[folded_char_index(whole.start())];
                let end = original_offsets[folded_char_index(whole.end())];
                found.push(DateMatch {
                    date,
                    range: (start, end),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`may_hold_data`] names every character of every not-applicable mark.
    #[test]
    fn the_data_prefilter_knows_every_mark() {
        for mark in NOT_APPLICABLE_MARKS {
            assert!(
                mark.chars().all(|c| may_hold_data(&c.to_string())),
                "{mark}"
            );
        }
    }

    #[test]
    fn is_data_text_agrees_with_parse() {
        for text in [
            "",
            " ",
            "0",
            "12",
            "1,234",
            "4068.208",
            "20044679 元",
            "+3",
            "－",
            "/",
            "无",
            "无法提供",
            "——",
            "规章",
            "三、本年度办理结果",
            "１２",
            "\u{a0}5\u{a0}",
            "1.属于国家秘密",
        ] {
            assert_eq!(
                CellValue::is_data_text(text),
                CellValue::parse(text).is_data(),
                "{text:?}"
            );
        }
    }

    fn q(text: &str) -> Quantity {
        parse_quantity(text).unwrap_or_else(|| panic!("`{text}` should parse"))
    }

    #[test]
    fn plain_counts_read_as_the_pattern_reads_them() {
        for text in ["0", "7", "007", "12", " 36 ", "123456789012345678", "1000"] {
            assert!(by_pattern(text.trim()).is_some());
            let fast = parse_quantity(text).unwrap();
            let slow = by_pattern(text.trim()).unwrap();
            assert_eq!(fast.value, slow.value, "{text}");
            assert_eq!(fast.value.scale(), slow.value.scale(), "{text}");
            assert_eq!(fast.to_string(), slow.to_string(), "{text}");
            assert_eq!((fast.unit, fast.signed), (slow.unit, slow.signed), "{text}");
        }
    }

    #[test]
    fn texts_that_cannot_start_a_number_are_not_quantities() {
        for text in ["总计", "（一）", "一、", "元", "．5", "　", "", "a1"] {
            assert!(parse_quantity(text).is_none(), "{text}");
            assert!(by_pattern(text.trim()).is_none(), "{text}");
        }
        assert_eq!(q("－２").value, Decimal::from(-2));
        assert_eq!(q("＋３").to_string(), "+3");
    }

    /// `parse_quantity` answers as the pattern does (`by_pattern`), its shortcuts included:
    /// every string of up to four characters from the pattern's alphabet and a few others,
    /// and every line of the corpus reports.
    #[test]
    fn parse_quantity_agrees_with_the_pattern() {
        let alphabet = [
            '1', '２', ',', '，', '.', '．', '-', '＋', ' ', '件', '万', '元', '年', 'a',
        ];
        let mut texts = Vec::new();
        crate::test_support::each_string(&alphabet, 4, |s| texts.push(s.to_owned()));
        for text in crate::test_support::corpus_texts() {
            texts.extend(text.lines().map(str::to_owned));
            texts.extend(text.split_whitespace().map(str::to_owned));
        }
        let mut quantities = 0;
        for text in &texts {
            let fast = parse_quantity(text);
            let slow = by_pattern(text.trim());
            assert_eq!(fast.is_some(), slow.is_some(), "{text:?}");
            if let (Some(fast), Some(slow)) = (fast, slow) {
                quantities += 1;
                assert_eq!(fast.to_string(), slow.to_string(), "{text:?}");
                assert_eq!(
                    (fast.unit, fast.signed),
                    (slow.unit, slow.signed),
                    "{text:?}"
                );
            }
        }
        assert!(quantities > 1000, "{quantities}");
    }

    #[test]
    fn quantities() {
        assert_eq!(q("0").value, Decimal::ZERO);
        assert_eq!(q("1,234").value, Decimal::from(1234));
        let amount = q("20044679 元");
        assert_eq!(amount.value, Decimal::from(20_044_679));
        assert_eq!(amount.unit, Some(Unit::Yuan));
        let plus = q("+3");
        assert!(plus.signed);
        assert_eq!(plus.value, Decimal::from(3));
        assert_eq!(q("-2").value, Decimal::from(-2));
        assert_eq!(q("4068.208").value, Decimal::from_str("4068.208").unwrap());
        assert_eq!(q("12.5万元").unit, Some(Unit::WanYuan));
        assert_eq!(q("３６").value, Decimal::from(36));
        assert_eq!(q("+1036").to_string(), "+1036");
        assert!(parse_quantity("12a").is_none());
        assert!(parse_quantity("1,23").is_none());
    }

    #[test]
    fn decimals_add_exactly() {
        let sum = q("0.1").value + q("0.2").value;
        assert_eq!(sum, q("0.3").value);
    }

    #[test]
    fn cell_values() {
        assert_eq!(CellValue::parse("  "), CellValue::Blank);
        assert_eq!(CellValue::parse("\u{a0}"), CellValue::Blank);
        assert!(matches!(
            CellValue::parse("/"),
            CellValue::NotApplicable { .. }
        ));
        assert!(matches!(
            CellValue::parse("—"),
            CellValue::NotApplicable { .. }
        ));
        assert!(matches!(
            CellValue::parse("无"),
            CellValue::NotApplicable { .. }
        ));
        assert!(matches!(CellValue::parse("7"), CellValue::Number(_)));
        assert!(matches!(
            CellValue::parse("行政许可"),
            CellValue::Text { .. }
        ));
    }

    fn dates(text: &str) -> Vec<Date> {
        find_dates(text).into_iter().map(|m| m.date).collect()
    }

    #[test]
    fn dates_in_their_real_forms() {
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(
            dates("数据统计时限自2020年1月1日至2020年12月31日。"),
            [d(2020, 1, 1), d(2020, 12, 31)]
        );
        assert_eq!(
            dates("统计周期为 2024 年 1 月 1 日至 12 月 31 日"),
            [d(2024, 1, 1), d(2024, 12, 31)]
        );
        assert_eq!(dates("二〇二〇年一月一日"), [d(2020, 1, 1)]);
        assert_eq!(dates("二〇二〇年十二月三十一日"), [d(2020, 12, 31)]);
        assert_eq!(dates("发布日期：2020.1.31"), [d(2020, 1, 31)]);
        assert_eq!(dates("2020-01-31"), [d(2020, 1, 31)]);
        assert_eq!(dates("２０２１年２月２９日"), Vec::<Date>::new());
        assert_eq!(dates("２０２０年２月２９日"), [d(2020, 2, 29)]);
    }

    #[test]
    fn date_ranges_point_into_the_original_text() {
        let text = "自２０２０年1月1日起";
        let m = find_dates(text)[0];
        assert_eq!(&text[m.range.0..m.range.1], "２０２０年1月1日");
        // Many dates, full-width and ASCII mixed: each range still points at its own date
        // (positions are counted on from the previous match).
        let text = "自２０２０年1月1日起至2020年１２月３１日止，".repeat(50);
        let found = find_dates(&text);
        assert_eq!(found.len(), 100);
        for (i, m) in found.iter().enumerate() {
            let expected = if i % 2 == 0 {
                "２０２０年1月1日"
            } else {
                "2020年１２月３１日"
            };
            assert_eq!(&text[m.range.0..m.range.1], expected, "date {i}");
        }
    }
}
