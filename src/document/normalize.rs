//! Normalisation for *matching only*: spans always stay on the original text.
//!
//! Real reports write the same label many ways: full-width or half-width brackets and digits
//! (`（一）` / `(一)`), spaces inserted by PDF extractors (`2020 年`, `1. 属于国家秘密`), Markdown
//! emphasis left in headings, `、` or `，` or `,` joining two clauses. [`label_key`] folds all of
//! these into one comparable key.

use unicode_normalization::UnicodeNormalization;

/// Folds a label into its matching key: NFKC (full-width → half-width), no whitespace, no
/// Markdown emphasis, unified quotes and clause punctuation.
#[must_use]
pub fn label_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.nfkc() {
        match c {
            c if c.is_whitespace() => {}
            '*' | '#' | '|' | '_' | '`' => {}
            '、' | '，' | ',' | '；' | ';' => key.push(','),
            '“' | '”' | '"' | '「' | '」' | '‘' | '’' | '\'' => key.push('"'),
            '：' => key.push(':'),
            '。' => key.push('.'),
            '〔' | '［' | '【' => key.push('['),
            '〕' | '］' | '】' => key.push(']'),
            '—' | '–' | '－' => key.push('-'),
            c => key.push(c),
        }
    }
    key
}

/// The value of a Chinese numeral from 一 to 九十九 (also 〇…九 digit by digit, as in 二〇二〇).
#[must_use]
pub fn chinese_number(text: &str) -> Option<u32> {
    fn digit(c: char) -> Option<u32> {
        Some(match c {
            '〇' | '零' | '○' | 'Ｏ' => 0,
            '一' | '壹' => 1,
            '二' | '贰' | '两' => 2,
            '三' | '叁' => 3,
            '四' | '肆' => 4,
            '五' | '伍' => 5,
            '六' | '陆' => 6,
            '七' | '柒' => 7,
            '八' | '捌' => 8,
            '九' | '玖' => 9,
            _ => return None,
        })
    }
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return None;
    }
    if !chars.contains(&'十') {
        // Positional digits: 二〇二〇 → 2020, 五 → 5.
        return chars
            .iter()
            .try_fold(0u32, |acc, &c| Some(acc.checked_mul(10)? + digit(c)?));
    }
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', unit] => Some(10 + digit(*unit)?),
        [tens, '十'] => Some(digit(*tens)? * 10),
        [tens, '十', unit] => Some(digit(*tens)? * 10 + digit(*unit)?),
        _ => None,
    }
}

/// Replaces full-width digits with ASCII ones and removes thousands separators inside numbers.
#[must_use]
pub fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            '＋' => '+',
            '－' => '-',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys_survive_real_variants() {
        assert_eq!(label_key("（一）予以公开"), label_key("(一) 予以公开"));
        assert_eq!(label_key("1. 属于国家秘密"), label_key("1.属于国家秘密"));
        assert_eq!(
            label_key("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
            label_key("1. 申请人无正当理由逾期不补正, 行政机关不再处理其政府信息公开申请")
        );
        assert_eq!(label_key("**机构设置方面**"), "机构设置方面");
        assert_eq!(label_key("2020 年"), "2020年");
        assert_eq!(
            label_key("３.危及“三安全一稳定”"),
            label_key("3.危及\"三安全一稳定\"")
        );
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number("一"), Some(1));
        assert_eq!(chinese_number("六"), Some(6));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("十二"), Some(12));
        assert_eq!(chinese_number("二十"), Some(20));
        assert_eq!(chinese_number("二十三"), Some(23));
        assert_eq!(chinese_number("二〇二〇"), Some(2020));
        assert_eq!(chinese_number("二零二一"), Some(2021));
        assert_eq!(chinese_number("是"), None);
        assert_eq!(chinese_number(""), None);
    }

    #[test]
    fn full_width_digits_become_ascii() {
        assert_eq!(ascii_digits("２０２０年１月"), "2020年1月");
        assert_eq!(ascii_digits("＋３"), "+3");
    }
}
