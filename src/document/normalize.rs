//! Normalisation for *matching only*: spans always stay on the original text.
//!
//! Real reports write the same label many ways: full-width or half-width brackets and digits
//! (`（一）` / `(一)`), spaces inserted by PDF extractors (`2020 年`, `1. 属于国家秘密`), Markdown
//! emphasis left in headings, `、` or `，` or `,` joining two clauses. [`label_key`] folds all of
//! these into one comparable key.

use unicode_normalization::UnicodeNormalization;

/// The CJK Unified Ideographs block: nearly every character of a report, which
/// [`label_key`] keeps as it is (other code relies on that to reject lines early).
pub const IDEOGRAPHS: std::ops::RangeInclusive<char> = '\u{4E00}'..='\u{9FFF}';

/// Folds a label into its matching key: NFKC (full-width → half-width), no whitespace, no
/// Markdown emphasis, unified quotes and clause punctuation.
#[must_use]
pub fn label_key(text: &str) -> String {
    // Most labels are CJK, ASCII and full-width forms, whose NFKC is one known character;
    // mapping those directly is far cheaper than normalising (decomposing and recomposing).
    // One pass: ideographs (nearly every character) are kept as they are, others mapped; a
    // character outside the simple set sends the whole text through NFKC.
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if IDEOGRAPHS.contains(&c) {
            key.push(c);
            continue;
        }
        let Some(simple) = nfkc_simple(c) else {
            return fold_key(text.nfkc());
        };
        fold_char(simple, &mut key);
    }
    key
}

/// The NFKC form of `c` when it is one character that nothing composes with, for the
/// characters found in nearly every label: ASCII, the CJK Unified Ideographs block, the CJK
/// punctuation reports use (themselves), the full-width forms of ASCII (`（` → `(`) and the
/// ideographic space (→ ` `). `None` for anything else.
fn nfkc_simple(c: char) -> Option<char> {
    match c {
        c if c.is_ascii() => Some(c),
        '\u{4E00}'..='\u{9FFF}'
        | '、'
        | '。'
        | '〈'
        | '〉'
        | '《'
        | '》'
        | '「'
        | '」'
        | '『'
        | '』'
        | '【'
        | '】'
        | '〔'
        | '〕'
        | '“'
        | '”'
        | '‘'
        | '’'
        | '—'
        | '·' => Some(c),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

fn fold_key(chars: impl Iterator<Item = char>) -> String {
    let mut key = String::with_capacity(32);
    for c in chars {
        fold_char(c, &mut key);
    }
    key
}

/// Appends one normalised character to a key: no whitespace or Markdown emphasis, one form
/// of quotes, brackets, dashes and clause punctuation.
fn fold_char(c: char, key: &mut String) {
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
    fn the_direct_nfkc_mapping_is_nfkc() {
        let ranges = [
            ('\u{0}', '\u{FF}'),
            ('\u{2000}', '\u{3020}'),
            ('\u{4E00}', '\u{9FFF}'),
            ('\u{FF00}', '\u{FFEF}'),
        ];
        let mut mapped = 0;
        for (first, last) in ranges {
            for c in first..=last {
                if let Some(simple) = nfkc_simple(c) {
                    let nfkc: String = std::iter::once(c).nfkc().collect();
                    assert_eq!(nfkc, simple.to_string(), "U+{:04X}", u32::from(c));
                    mapped += 1;
                }
            }
        }
        assert!(mapped > 21_000, "{mapped}");
        assert_eq!(nfkc_simple('…'), None);
        assert_eq!(label_key("（一）１２　件"), "(一)12件");
    }

    #[test]
    fn full_width_digits_become_ascii() {
        assert_eq!(ascii_digits("２０２０年１月"), "2020年1月");
        assert_eq!(ascii_digits("＋３"), "+3");
    }
}
