//! The statistics period as written, well formed or not.
//!
//! Reports state the period in one sentence (`本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止`).
//! When that sentence's dates are malformed — digits run together (`202011日`), a six-digit
//! year (`202121年`), a two-digit year, a missing 年/月/日, an impossible month or day, an end
//! before the start — the report has a malformed period, not a missing one: this module says
//! what is wrong and where. `2020年1月1日至12月31日` (second year omitted) and month ranges
//! (`2020年1月至12月`) are well formed.

use crate::document::Date;
use crate::document::mapped::MappedText;

/// What the period sentence says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeriodStatement {
    /// A well-formed range: first day, last day, and the byte range from the first date to
    /// the last in the paragraph.
    Valid(Date, Date, (usize, usize)),
    /// A malformed date or range: the text at fault, why (in Chinese), and its byte range.
    Malformed(String, String, (usize, usize)),
}

/// A run of digits and date separators in a sentence: `2020年1月1日`, `202011日`, `2020.1.1`.
struct Token {
    /// Byte range in the paragraph.
    range: (usize, usize),
    /// The numbers, each with the separator after it (`年`, `月`, `日`, `.`, or none).
    parts: Vec<(String, Option<char>)>,
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn fold(c: char) -> char {
    if ('０'..='９').contains(&c) {
        char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c)
    } else {
        c
    }
}

fn separator(c: char) -> Option<char> {
    match c {
        '年' | '月' | '日' => Some(c),
        '号' => Some('日'),
        '.' | '．' | '-' | '－' | '/' | '／' => Some('.'),
        _ => None,
    }
}

/// Date-like runs in `text[from..to]`.
fn tokens(text: &str, from: usize, to: usize) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text[from..to].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_digit(c) {
            continue;
        }
        let start = from + i;
        let mut end = start + c.len_utf8();
        let mut parts: Vec<(String, Option<char>)> = vec![(fold(c).to_string(), None)];
        while let Some(&(j, c)) = chars.peek() {
            if is_digit(c) {
                let last = parts.last_mut().expect("a token has a part");
                if last.1.is_some() {
                    parts.push((String::new(), None));
                }
                parts.last_mut().expect("just pushed").0.push(fold(c));
            } else if c == ' ' || c == '\u{3000}' {
                // Spaces inside a date (`2020 年 1 月`) are allowed.
            } else if let Some(sep) = separator(c) {
                // `2020.1.1-2020.12.31`: a third dash or dot starts the range's second date.
                let dots = parts.iter().filter(|p| p.1 == Some('.')).count();
                let last = parts.last_mut().expect("a token has a part");
                if last.1.is_some() || (sep == '.' && dots >= 2) {
                    break;
                }
                last.1 = Some(sep);
            } else {
                break;
            }
            end = from + j + c.len_utf8();
            chars.next();
        }
        // A trailing `.` or `-` ends a sentence or a list, not a date.
        if parts.last().is_some_and(|p| p.1 == Some('.')) {
            parts.last_mut().expect("non-empty").1 = None;
            end -= text[..end].chars().next_back().map_or(0, char::len_utf8);
        }
        let trimmed = text[start..end].trim_end();
        out.push(Token {
            range: (start, start + trimmed.len()),
            parts,
        });
    }
    out
}

/// What a token is: a date, a month, not a date at all, or a malformed date with the reason.
enum Reading {
    Date(Date),
    /// A month without a day (`2020年1月`): year, month.
    Month(i32, u32),
    /// A year alone (`2020年度`): not a date, but later dates may omit it.
    Year(i32),
    /// Not a date (a plain number).
    NotDate,
    Malformed(String),
}

fn read(token: &Token, carried_year: Option<i32>) -> Reading {
    let seps: Vec<Option<char>> = token.parts.iter().map(|p| p.1).collect();
    let nums: Vec<&str> = token.parts.iter().map(|p| p.0.as_str()).collect();
    let year = |y: &str| -> Result<i32, String> {
        match y.len() {
            4 => y.parse().map_err(|_| format!("年份「{y}」无法识别")),
            1 | 2 => Err(format!("年份「{y}」只写了两位，应写四位年份")),
            _ => Err(format!("年份「{y}」位数不对（数字连写或多写），应为四位")),
        }
    };
    let day_of = |y: i32, m: &str, d: &str| -> Reading {
        let (Ok(m), Ok(d)) = (m.parse::<u32>(), d.parse::<u32>()) else {
            return Reading::Malformed("月或日无法识别".to_owned());
        };
        if !(1..=12).contains(&m) {
            return Reading::Malformed(format!("月份「{m}」不存在"));
        }
        Date::new(y, m, d).map_or_else(
            || Reading::Malformed(format!("{m}月没有{d}日")),
            Reading::Date,
        )
    };
    let with_year = |y: &str, f: &dyn Fn(i32) -> Reading| match year(y) {
        Ok(y) => f(y),
        Err(why) => Reading::Malformed(why),
    };
    match (nums.as_slice(), seps.as_slice()) {
        ([y, m, d], [Some('年'), Some('月'), Some('日')]) => with_year(y, &|y| day_of(y, m, d)),
        // `2020.1.1`; `1.2.3` is a list number, not a date.
        ([y, m, d], [Some('.'), Some('.'), None | Some('日')]) if y.len() == 4 => {
            with_year(y, &|y| day_of(y, m, d))
        }
        // `2020年度`: no date, but the year carries to a following `1月1日`.
        ([y], [Some('年')]) if y.len() == 4 => y.parse().map_or(Reading::NotDate, Reading::Year),
        ([m, d], [Some('月'), Some('日')]) if m.len() <= 2 => match carried_year {
            Some(y) => day_of(y, m, d),
            None => Reading::Malformed("缺少年份".to_owned()),
        },
        ([ym, d], [Some('月'), Some('日')]) => {
            Reading::Malformed(format!("年份与月份连写（「{ym}」），缺少“年”；日为 {d}"))
        }
        ([y, m], [Some('年'), Some('月')]) => with_year(y, &|y| match m.parse::<u32>() {
            Ok(m) if (1..=12).contains(&m) => Reading::Month(y, m),
            _ => Reading::Malformed(format!("月份「{m}」不存在")),
        }),
        ([y, m, _], [Some('年'), Some('月'), None]) => with_year(y, &|_| {
            let _ = m;
            Reading::Malformed("缺少“日”".to_owned())
        }),
        ([m], [Some('月')]) if m.len() <= 2 => match (carried_year, m.parse::<u32>()) {
            (Some(y), Ok(m)) if (1..=12).contains(&m) => Reading::Month(y, m),
            _ => Reading::NotDate,
        },
        ([y, _], [Some('年'), Some('日')]) => {
            with_year(y, &|_| Reading::Malformed("缺少“月”".to_owned()))
        }
        // `202011日`: a year, a month and a day run together (five digits or more; `365日`
        // is a count of days).
        ([digits], [Some('日')]) if digits.len() >= 5 => {
            Reading::Malformed(format!("「{digits}」数字连写，缺少“年”“月”"))
        }
        _ => Reading::NotDate,
    }
}

/// Whether a sentence states the statistics period.
fn states_period(sentence: &str) -> bool {
    sentence.contains("统计")
        && ["至", "到", "起", "止", "—", "~", "～", "－"]
            .iter()
            .any(|w| sentence.contains(w))
}

/// Whether a sentence names the period as such (`统计期限`, `统计时间`, `自…起至…止`): needed
/// before a month range or a malformed date is read as the period, so `据统计，2023年1月至11月…`
/// in the body is not taken for it.
fn names_period(sentence: &str) -> bool {
    [
        "期限", "时限", "时间", "区间", "期间", "周期", "范围", "起止",
    ]
    .iter()
    .any(|w| sentence.contains(w))
        || (sentence.contains('起') && sentence.contains('止'))
}

fn last_day(year: i32, month: u32) -> Option<Date> {
    (28..=31).rev().find_map(|d| Date::new(year, month, d))
}

/// The first sentence that states the statistics period, read strictly.
#[must_use]
pub fn statement(paragraphs: &[&MappedText]) -> Option<(PeriodStatement, usize)> {
    for (index, text) in paragraphs.iter().enumerate() {
        let mut offset = 0;
        for sentence in text.text.split_inclusive(['。', '；', ';']) {
            let from = offset;
            offset += sentence.len();
            if !states_period(sentence) {
                continue;
            }
            if let Some(found) = read_sentence(&text.text, from, offset) {
                return Some((found, index));
            }
        }
    }
    None
}

/// The period in `text[from..to]`, if the sentence has date-like runs.
fn read_sentence(text: &str, from: usize, to: usize) -> Option<PeriodStatement> {
    let named = names_period(&text[from..to]);
    let mut dates: Vec<(Date, Date, (usize, usize))> = Vec::new();
    let mut carried = None;
    let mut months = false;
    for token in tokens(text, from, to) {
        match read(&token, carried) {
            Reading::Date(d) => {
                carried = Some(d.year);
                dates.push((d, d, token.range));
            }
            Reading::Month(y, m) => {
                carried = Some(y);
                months = true;
                let (Some(first), Some(last)) = (Date::new(y, m, 1), last_day(y, m)) else {
                    continue;
                };
                dates.push((first, last, token.range));
            }
            Reading::Year(y) => carried = Some(y),
            Reading::NotDate => {}
            Reading::Malformed(_) if !named => return None,
            Reading::Malformed(why) => {
                let (a, b) = token.range;
                return Some(PeriodStatement::Malformed(
                    text[a..b].to_owned(),
                    why,
                    token.range,
                ));
            }
        }
    }
    if months && !named {
        return None;
    }
    let (first, last) = (dates.first()?, dates.get(1)?);
    let (start, end) = (first.0, last.1);
    let range = (first.2.0, last.2.1);
    if end < start {
        return Some(PeriodStatement::Malformed(
            text[range.0..range.1].to_owned(),
            format!("结束日期 {end} 早于开始日期 {start}"),
            range,
        ));
    }
    Some(PeriodStatement::Valid(start, end, range))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sentence: &str) -> PeriodStatement {
        read_sentence(sentence, 0, sentence.len())
            .unwrap_or_else(|| panic!("{sentence}: no period"))
    }

    fn why(sentence: &str) -> String {
        match one(sentence) {
            PeriodStatement::Malformed(text, why, _) => format!("{text}：{why}"),
            valid @ PeriodStatement::Valid(..) => panic!("{sentence} read as {valid:?}"),
        }
    }

    #[test]
    fn well_formed_periods() {
        let d = |y, m, d| Date::new(y, m, d).expect("valid");
        for s in [
            "本报告统计期限自2020年1月1日起至2020年12月31日止。",
            "统计时限为2020年1月1日至12月31日。",
            "数据统计期限从２０２０年１月１日至２０２０年１２月３１日止",
            "统计期限为2020.1.1-2020.12.31。",
            "本报告统计时间为2020年1月至12月。",
            "统计期限自 2020 年 1 月 1 日至 2020 年 12 月 31 日。",
        ] {
            assert_eq!(
                match one(s) {
                    PeriodStatement::Valid(a, b, _) => (a, b),
                    other => panic!("{s}: {other:?}"),
                },
                (d(2020, 1, 1), d(2020, 12, 31)),
                "{s}"
            );
        }
    }

    #[test]
    fn malformed_periods_say_what_is_wrong() {
        assert_eq!(
            why("统计期限自202011日起至20201231日止。"),
            "202011日：「202011」数字连写，缺少“年”“月”"
        );
        assert!(why("统计期限自2021年1月1日起至202121年12月31日止。").contains("位数不对"));
        assert!(why("统计期限自20年1月1日至20年12月31日。").contains("两位"));
        assert!(why("统计期限自2020年13月1日至2020年12月31日。").contains("月份「13」"));
        assert!(why("统计期限自2020年2月30日至2020年12月31日。").contains("2月没有30日"));
        assert!(why("统计期限自2020年1月1至2020年12月31日。").contains("缺少“日”"));
        assert!(why("统计期限自2020年12月31日至2020年1月1日。").contains("早于"));
        assert!(why("统计期限自20201月1日至2020年12月31日。").contains("缺少“年”"));
    }

    #[test]
    fn body_statistics_are_not_the_period() {
        for s in [
            "据统计，2023年1月至11月，全市共办理申请300件。",
            "据统计，截至2023年12月31日，共收到202311日以来的申请。",
        ] {
            assert!(read_sentence(s, 0, s.len()).is_none(), "{s}");
        }
        // A day-precise range after 统计 is still the period (the old reading).
        let s = "本报告所列数据统计自2020年1月1日至2020年12月31日。";
        assert!(matches!(one(s), PeriodStatement::Valid(..)));
    }

    #[test]
    fn sentences_without_dates_are_not_periods() {
        assert!(read_sentence("统计至今", 0, "统计至今".len()).is_none());
        let s = "2020年度统计数据至年底。";
        assert!(read_sentence(s, 0, s.len()).is_none());
    }
}
