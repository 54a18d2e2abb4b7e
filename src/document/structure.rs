//! Numbered headings, sections and the title, inferred from paragraphs.
//!
//! Reports number their parts `一、` (level 1), `（一）` (level 2) and `1.`/`1、` (level 3).
//! Readers do not decide what a heading is: every reader hands over paragraphs, and this module
//! recognises headings the same way for all formats. Table rows such as
//! `四、结转下年度继续办理` are table cells, not headings; when an extractor leaves one as a
//! loose line, [`is_table_row_label`] keeps it from opening a section.

use super::mapped::MappedText;
use super::model::{Block, Section, SectionId, Title};
use super::normalize::chinese_number;
use regex::Regex;
use std::sync::LazyLock;

/// A recognised heading: level, number, and the byte range of its title in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1, 2 or 3.
    pub level: u8,
    /// The number (一 → 1).
    pub number: u32,
    /// The marker as written, e.g. `一、`.
    pub marker: String,
    /// Byte range of the marker and title within the text.
    pub range: (usize, usize),
    /// The title without marker and decoration.
    pub title: String,
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::must(
        r"^(?:[-—–－·]\s*\d{1,4}\s*[-—–－·]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$",
    )
});

/// A page number as extractors and printers leave it on its own line: `— 1 —`, `-3-`,
/// `- 3 -`, `第 3 页`, `第 3 页 共 5 页`, `3/5`. Shared by the text and PDF readers; a bare
/// number counts only where its position says it is a footer (the PDF reader).
#[must_use]
pub fn is_page_number(text: &str) -> bool {
    PAGE_NUMBER.is_match(text.trim())
}

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| crate::pattern::must(r"([0-9０-９]{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*年"));

/// A heading's numbered marker (`一、`, `（一）`, `1.`), read by hand: every line of every
/// report is asked whether it is a heading, several times, and three patterns with captures
/// over the whole line cost a quarter of reading a text report. Accepts exactly what
/// `^([一…十]{1,3})\s*[、.．]\s*(\S.*)$`, `^[（(]\s*([一…十]{1,3})\s*[）)]\s*(\S.*)$` and
/// `^(\d{1,2})\s*[、.．]\s*([^\d\s].*)$` accept, tried in that order (`\d` is `[0-9０-９]`;
/// the test `marker_agrees_with_the_patterns` holds it to them).
struct Marker {
    level: u8,
    number: u32,
    /// Byte offset of the title (the second group) in the body.
    title_start: usize,
}

fn heading_marker(body: &str) -> Option<Marker> {
    /// Numerals `[一二三四五六七八九十]{1,3}` at `at`; returns their end.
    fn numerals(body: &str, at: usize) -> Option<usize> {
        let count = body[at..]
            .chars()
            .take_while(|c| "一二三四五六七八九十".contains(*c))
            .take(4)
            .count();
        // Each numeral is three bytes in UTF-8.
        (1..=3).contains(&count).then_some(at + 3 * count)
    }
    fn spaces(body: &str, at: usize) -> usize {
        at + body[at..].len() - body[at..].trim_start().len()
    }
    fn one_of(body: &str, at: usize, set: &[char]) -> Option<usize> {
        let c = body[at..].chars().next()?;
        set.contains(&c).then_some(at + c.len_utf8())
    }
    fn is_digit(c: char) -> bool {
        c.is_ascii_digit() || ('０'..='９').contains(&c)
    }
    // The title runs to the end of the body on one line (`.*$` does not cross a newline).
    let title = |at: usize, first_ok: &dyn Fn(char) -> bool| -> Option<usize> {
        let at = spaces(body, at);
        let first = body[at..].chars().next()?;
        (first_ok(first) && !body[at..].contains('\n')).then_some(at)
    };
    let not_space = |c: char| !c.is_whitespace();
    let separators = ['、', '.', '．'];
    // Each pattern: the number's byte range and where the title starts.
    let level1 = || {
        let end = numerals(body, 0)?;
        let at = one_of(body, spaces(body, end), &separators)?;
        Some((0, end, title(at, &not_space)?))
    };
    let level2 = || {
        let start = spaces(body, one_of(body, 0, &['（', '('])?);
        let end = numerals(body, start)?;
        let at = one_of(body, spaces(body, end), &['）', ')'])?;
        Some((start, end, title(at, &not_space)?))
    };
    let level3 = || {
        let digits = body.chars().take_while(|c| is_digit(*c)).take(3);
        let (count, end) = digits.fold((0, 0), |(n, end), c| (n + 1, end + c.len_utf8()));
        if !(1..=2).contains(&count) {
            return None;
        }
        let at = one_of(body, spaces(body, end), &separators)?;
        let title_start = title(at, &|c: char| !c.is_whitespace() && !is_digit(c))?;
        Some((0, end, title_start))
    };
    // The first pattern that matches decides: a number that does not parse then means no
    // heading at all, not a try of the next pattern.
    let (level, (start, end, title_start)) = level1()
        .map(|m| (1, m))
        .or_else(|| level2().map(|m| (2, m)))
        .or_else(|| level3().map(|m| (3, m)))?;
    let number = match level {
        3 => body[start..end].parse().ok()?,
        _ => chinese_number(&body[start..end])?,
    };
    Some(Marker {
        level,
        number,
        title_start,
    })
}

/// Recognises a numbered heading line. Markdown `#` and `**` around it are ignored.
#[must_use]
pub fn looks_like_heading(text: &str) -> Option<Heading> {
    let lead = text.len() - text.trim_start_matches(['#', ' ', '\u{3000}', '*']).len();
    let body = text[lead..].trim_end().trim_end_matches('*').trim_end();
    // Every heading pattern starts with a numeral, a digit or a bracket: most lines are
    // rejected here, before three patterns with captures are tried.
    let first = body.chars().next()?;
    let may_start_heading = matches!(
        first,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '（' | '(' | '0'..='9' | '０'..='９'
    );
    if !may_start_heading {
        return None;
    }
    let marker = heading_marker(body)?;
    let (level, number, rest) = (marker.level, marker.number, &body[marker.title_start..]);
    // A heading is short. Level 2 headings may run into their text: `（三）精细化建设公开平台。我县…`.
    let title_text = match level {
        2 => rest.split('。').next().unwrap_or(rest),
        _ => rest,
    };
    let title = title_text.trim_matches(|c: char| c == '*' || c.is_whitespace());
    let max = if level == 3 { 30 } else { 40 };
    if title.chars().count() > max || title.is_empty() {
        return None;
    }
    if level != 2 && title.trim_end_matches('。').contains('。') {
        return None;
    }
    // `一是…` and `二要…` are enumerations in running text, not headings.
    if level == 1 && (title.starts_with('是') || title.starts_with('要')) {
        return None;
    }
    let marker_end = marker.title_start;
    let title_end = lead + marker_end + title_text.len();
    Some(Heading {
        level,
        number,
        marker: body[..marker_end].trim().to_owned(),
        range: (lead, title_end.min(text.len())),
        title: title.to_owned(),
    })
}

/// Row labels and captions of the format's statistics tables (both formats), as label keys
/// without their item number. A line holding one of them is a table row left loose by an
/// extractor, never a section heading.
const TABLE_ROW_LABELS: &[&str] = &[
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "本年度办理结果",
    "结转下年度继续办理",
    "予以公开",
    "部分公开",
    "不予公开",
    "无法提供",
    "不予处理",
    "其他处理",
    "总计",
    "属于国家秘密",
    "其他法律行政法规禁止公开",
    "危及\"三安全一稳定\"",
    "保护第三方合法权益",
    "属于三类内部事务信息",
    "属于四类过程性信息",
    "属于行政执法案卷",
    "属于行政查询事项",
    "本机关不掌握相关政府信息",
    "没有现成信息需要另行制作",
    "补正后申请内容仍不明确",
    "信访举报投诉类申请",
    "重复申请",
    "要求提供公开出版物",
    "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
    "申请人无正当理由逾期不补正",
    "申请人逾期未按收费通知要求缴纳费用",
];

/// Row labels of table 2 (both formats), written without an item number.
const TABLE2_ROW_LABELS: &[&str] = &[
    "规章",
    "规范性文件",
    "行政规范性文件",
    "行政许可",
    "其他对外管理服务事项",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "政府集中采购",
];

static TABLE_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::must(r"^第[一二三四五六七八九十]+条第[(（][一二三四五六七八九十]+[)）]项$")
});

/// Column headings of the format's tables that stand first in a header line.
const HEADER_STARTS: &[&str] = &["信息内容", "申请人情况", "行政复议"];

/// Whether a line is a header line of a statistics table (`信息内容 本年处理决定数量`): it starts
/// with the format's first column heading and holds no number.
#[must_use]
pub fn is_column_heading(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    HEADER_STARTS.iter().any(|h| compact.starts_with(h))
        && !compact.chars().any(|c| c.is_ascii_digit())
}

/// Whether a text is a table-2 band caption such as `第二十条第（一）项`.
#[must_use]
pub fn is_band_caption(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    TABLE_CAPTION.is_match(&compact)
}

thread_local! {
    /// Answers of [`is_table_row_label`] for the document being read: the text readers ask it
    /// of the same line in several passes (layout detection, loose rows, headings), and the
    /// answer depends on the text alone. Emptied for each document ([`forget_lines`]).
    static KNOWN_ROW_LABELS: std::cell::RefCell<std::collections::HashMap<Box<str>, bool>> =
        std::cell::RefCell::default();
}

/// Starts a new document: forgets the lines of the last one on this thread.
pub fn forget_lines() {
    KNOWN_ROW_LABELS.with_borrow_mut(std::collections::HashMap::clear);
}

/// Whether a line is a row label or band caption of a statistics table (`三、本年度办理结果`,
/// `（四）无法提供`, `1.属于国家秘密`, `行政许可`, `第二十条第（一）项`), in any spacing. Such a
/// line, when an extractor leaves it outside its table, is still a table row.
#[must_use]
pub fn is_table_row_label(text: &str) -> bool {
    // The longest label of the format, with its number and a note, is under 80 characters.
    if text.len() > 80 * 4 {
        return false;
    }
    // Nearly every line of prose is settled by its first character, before anything is
    // counted, allocated or hashed.
    let Some(first) = text.chars().find(|&c| !is_label_decoration(c)) else {
        return false;
    };
    // (A text of 80 bytes or fewer has 80 characters or fewer: counted only when longer.)
    if starts_no_row_label(first) || (text.len() > 80 && text.chars().count() > 80) {
        return false;
    }
    if let Some(known) = KNOWN_ROW_LABELS.with_borrow(|known| known.get(text).copied()) {
        return known;
    }
    let answer = table_row_label(text);
    KNOWN_ROW_LABELS.with_borrow_mut(|known| {
        if known.len() >= 4096 {
            known.clear();
        }
        known.insert(text.into(), answer);
    });
    answer
}

/// Whether no row label or caption can start with this character: an ideograph that starts
/// no caption (`第`), no numbered label (`一、`) and no table-2 label. `label_key` keeps
/// ideographs as they are, so a key would start with it too.
fn starts_no_row_label(first: char) -> bool {
    super::normalize::IDEOGRAPHS.contains(&first)
        && first != '第'
        && !"一二三四五六七八九十".contains(first)
        && !TABLE2_ROW_LABELS
            .iter()
            .any(|label| label.starts_with(first))
}

/// What a row label is compared without: spacing and Markdown marks.
fn is_label_decoration(c: char) -> bool {
    c.is_whitespace() || c == '#' || c == '*'
}

fn table_row_label(text: &str) -> bool {
    let mut compact = String::with_capacity(text.len());
    compact.extend(text.chars().filter(|&c| !is_label_decoration(c)));
    if compact.is_empty() {
        return false;
    }
    let key = super::normalize::label_key(&compact);
    if (compact.starts_with('第') && TABLE_CAPTION.is_match(&compact))
        || TABLE2_ROW_LABELS.contains(&key.as_str())
    {
        return true;
    }
    // The item number is required for the table-3 labels: a bare `总计` is a column heading.
    let Some(heading) = looks_like_heading(&compact) else {
        return false;
    };
    let title = super::normalize::label_key(&heading.title);
    let title_is_long = title.chars().nth(5).is_some();
    // The label itself, the label with a note after it, or the first part of a label wrapped
    // over two lines (`5.要求行政机关确认或重新出具` / `已获取信息`).
    TABLE_ROW_LABELS.iter().any(|label| {
        title == *label
            || (title.starts_with(label) && label.chars().nth(3).is_some())
            || (title_is_long && label.starts_with(title.as_str()))
    })
}

/// Builds sections from the blocks' headings; fills each paragraph's `section`.
pub fn sections(blocks: &mut [Block]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut open: Vec<SectionId> = Vec::new();
    // Markdown depth (`#` count) of the open top-level heading: a numbered heading written
    // deeper (`### 一、本年新收…` under `## 三、…`) is a sub-heading, whatever its numeral.
    let mut top_depth: Option<usize> = None;
    for index in 0..blocks.len() {
        let heading = match &blocks[index] {
            Block::Paragraph { text, .. } => looks_like_heading(&text.text)
                .filter(|_| !is_table_row_label(&text.text))
                .map(|h| (h, text)),
            Block::Table { .. } => None,
        };
        if let Some((mut heading, text)) = heading {
            let depth = text
                .text
                .trim_start()
                .chars()
                .take_while(|&c| c == '#')
                .count();
            if heading.level == 1 {
                if top_depth.is_some_and(|top| top > 0 && depth > top) && !open.is_empty() {
                    heading.level = 2;
                } else {
                    top_depth = Some(depth);
                }
            }
            while let Some(&top) = open.last() {
                if sections[top].level >= heading.level {
                    sections[top].end_block = index;
                    open.pop();
                } else {
                    break;
                }
            }
            let span = text
                .span_of(heading.range.0, heading.range.1)
                .or_else(|| text.span())
                .unwrap_or_default();
            sections.push(Section {
                level: heading.level,
                number: heading.number,
                marker: heading.marker,
                title: heading.title,
                span,
                parent: open.last().copied(),
                first_block: index,
                end_block: blocks.len(),
            });
            open.push(sections.len() - 1);
        }
        if let Block::Paragraph { section, .. } = &mut blocks[index] {
            *section = open.last().copied();
        }
    }
    sections
}

/// Finds the title among the first paragraphs: the one naming 年度报告 (or the start of a
/// paragraph up to 年度报告, when the title line ran into the body), joined with the line
/// before it when the title is split over two lines (`洪泽区人民政府` / `2023 年政府信息公开工作
/// 年度报告`, or `某局2023年` / `政府信息公开工作年度报告`).
#[must_use]
pub fn title(blocks: &[Block], first_section_block: usize) -> Option<Title> {
    let paragraphs: Vec<(usize, &MappedText)> = blocks[..first_section_block.min(blocks.len())]
        .iter()
        .enumerate()
        .take(12)
        .filter_map(|(i, b)| match b {
            Block::Paragraph { text, .. } => Some((i, text)),
            Block::Table { .. } => None,
        })
        .collect();
    let (position, title_end) = paragraphs
        .iter()
        .enumerate()
        .find_map(|(p, (_, t))| title_prefix(&t.text).map(|end| (p, end)))?;
    let (_, line) = paragraphs[position];
    let lead = line.text.len() - line.text.trim_start_matches(is_decoration).len();
    let mut text = tidy(&line.text[lead..title_end]);
    let mut span = line.span_of(lead, title_end).or_else(|| line.span())?;
    let year_found = year_in(&text);
    let agency_missing = year_found.is_some_and(|(_, start, end)| {
        start == 0
            && text[end..]
                .trim_start()
                .starts_with(['政', '信', '工', '年'])
    });
    let missing = year_found.is_none() || agency_missing;
    if missing && position > 0 {
        let (_, before) = paragraphs[position - 1];
        let name = tidy(&before.text);
        let fits = !name.is_empty()
            && name.chars().count() <= 30
            && !name.contains(['。', '>', '|', '：', ':'])
            && looks_like_heading(&name).is_none()
            && (year_found.is_some() || year_in(&name).is_some());
        if fits {
            text = format!("{name}{text}");
            span = before.span().map_or(span, |s| s.cover(span));
        }
    }
    let year = year_in(&text).map(|(y, _, _)| y);
    let agency = agency_of(&text);
    Some(Title {
        text,
        span,
        agency,
        year,
    })
}

fn is_decoration(c: char) -> bool {
    c == '#' || c == '*' || c.is_whitespace()
}

/// The byte end of a title at the start of `text`: up to 年度报告 (and a bracketed note after
/// it, `（2023年度）`), when that part is short and not a sentence. Text after it is not the
/// title: a site suffix (`_某县人民政府`) or the body that ran into the title line.
fn title_prefix(text: &str) -> Option<usize> {
    let trimmed = text.trim_end_matches(is_decoration);
    let at = trimmed
        .find("年度报告")
        .or_else(|| trimmed.find("工作报告"))?;
    let mut end = at + "年度报告".len();
    let head = &trimmed[..end];
    // A sentence that mentions the report (`根据《条例》，编制本年度报告`) is not its title.
    if head.contains(['。', '；', '！', '，', ',', '《']) || head.chars().count() > 60 {
        return None;
    }
    let rest = &trimmed[end..];
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = rest.strip_prefix(open)
            && let Some(close_at) = inner.find(close)
            && close_at < 40
        {
            end += open.len_utf8() + close_at + close.len_utf8();
            break;
        }
    }
    Some(end)
}

/// Whitespace and Markdown decoration trimmed; spaces between Chinese characters and digits,
/// which extractors insert (`2023 年`), removed.
fn tidy(text: &str) -> String {
    let t = text.trim_matches(is_decoration);
    let chars: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let before = out.chars().next_back();
            let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            let wide = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii() || c.is_ascii_digit());
            if wide(before.as_ref()) && wide(after) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The report year named in a title: `2023年`, `2023 年度`, `二〇二三年`, `二零二三年`,
/// full-width `２０２３年`. Returns the year and the byte range of the match in `text`.
#[must_use]
pub fn year_in(text: &str) -> Option<(i32, usize, usize)> {
    for caps in YEAR.captures_iter(text) {
        let whole = caps.get(0).expect("group 0");
        let digits: String = caps[1]
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                c => c,
            })
            .collect();
        let year = digits
            .parse::<i32>()
            .ok()
            .or_else(|| chinese_number(&digits).and_then(|n| i32::try_from(n).ok()));
        if let Some(y) = year.filter(|y| (2000..=2100).contains(y)) {
            return Some((y, whole.start(), whole.end()));
        }
    }
    None
}

/// The organ's name in a title: the text before the year, else the text between the year and
/// 政府信息公开.
fn agency_of(text: &str) -> Option<String> {
    let (_, start, end) = year_in(text)?;
    let before = text[..start].trim();
    let after = text[end..]
        .trim_start_matches('度')
        .split("政府信息公开")
        .next()
        .unwrap_or("")
        .trim();
    let name = if before.is_empty() { after } else { before };
    let name = name
        .trim_start_matches("关于")
        .trim_end_matches(['（', '('])
        .trim();
    (!name.is_empty() && name.chars().count() <= 40).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(text: &str) -> Option<(u8, u32, String)> {
        looks_like_heading(text).map(|h| (h.level, h.number, h.title))
    }

    /// The hand-written marker reader against the three patterns it replaced, on every
    /// string of up to five characters over an alphabet of the characters that matter
    /// (numerals, brackets, separators, digits of both widths, spaces, a newline, a letter).
    #[test]
    fn marker_agrees_with_the_patterns() {
        let must = crate::pattern::must;
        let level1 = must(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*(\S.*)$");
        let level2 = must(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*(\S.*)$");
        let level3 = must(r"^(\d{1,2})\s*[、.．]\s*([^\d\s].*)$");
        let by_patterns = |body: &str| -> Option<(u8, u32, usize)> {
            let (level, caps) = if let Some(c) = level1.captures(body) {
                (1, c)
            } else if let Some(c) = level2.captures(body) {
                (2, c)
            } else {
                (3, level3.captures(body)?)
            };
            let number = match level {
                3 => caps[1].parse().ok()?,
                _ => chinese_number(&caps[1])?,
            };
            Some((level, number, caps.get(2)?.start()))
        };
        let alphabet = [
            '一', '十', '三', '（', '(', '）', ')', '、', '.', '．', '1', '２', ' ', '\u{3000}',
            '\n', '是',
        ];
        let checked = crate::test_support::each_string(&alphabet, 5, |body| {
            let by_hand = heading_marker(body).map(|m| (m.level, m.number, m.title_start));
            assert_eq!(by_hand, by_patterns(body), "{body:?}");
        });
        assert!(checked > 1_000_000);
    }

    #[test]
    fn recognises_numbered_headings() {
        assert_eq!(level("一、总体情况"), Some((1, 1, "总体情况".into())));
        assert_eq!(level("## 一、总体情况"), Some((1, 1, "总体情况".into())));
        assert_eq!(
            level("**六、其他需要报告的事项**"),
            Some((1, 6, "其他需要报告的事项".into()))
        );
        assert_eq!(
            level("（二）主动公开政府信息情况"),
            Some((2, 2, "主动公开政府信息情况".into()))
        );
        assert_eq!(
            level("### (一) 系统化推进主动公开。"),
            Some((2, 1, "系统化推进主动公开".into()))
        );
        assert_eq!(
            level("1. 属于国家秘密"),
            Some((3, 1, "属于国家秘密".into()))
        );
    }

    #[test]
    fn rejects_running_text() {
        assert_eq!(
            level("一是拓宽主动公开渠道。强化县政府门户网站信息公开主阵地功能"),
            None
        );
        assert_eq!(
            level("2020年，市商务局紧紧围绕国务院和省、市关于政府信息公开工作的总体要求"),
            None
        );
        assert_eq!(
            level("1、**机构设置方面**。成立了由局主要领导任组长、副局长任副组长的领导小组。"),
            None
        );
        assert_eq!(level("2020.1.1"), None);
    }

    #[test]
    fn heading_range_covers_marker_and_title() {
        let text = "## 一、总体情况";
        let h = looks_like_heading(text).unwrap();
        assert_eq!(&text[h.range.0..h.range.1], "一、总体情况");
    }

    #[test]
    fn table_rows_and_captions_are_recognised() {
        for row in [
            "一、本年新收政府信息公开申请数量",
            "三 、本 年 度办 理 结果",
            "三、本年度办理结果",
            "（四）无法提供",
            "(七) 总计",
            "四、结转下年度继续办理",
            "5.要求行政机关确认或重新出具",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "行政许可",
            "第二十条第（一）项",
        ] {
            assert!(is_table_row_label(row), "{row}");
        }
        for heading in [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "（一）主动公开情况",
            "总计",
            "2023 年，市商务局紧紧围绕",
        ] {
            assert!(!is_table_row_label(heading), "{heading}");
        }
        assert!(is_band_caption("第二十条第（五）项"));
        assert!(is_column_heading("信息内容 本年处理决定数量"));
        assert!(!is_column_heading("信息内容 2023"));
    }

    #[test]
    fn years_in_titles() {
        let year = |t: &str| year_in(t).map(|(y, _, _)| y);
        assert_eq!(year("某局2023年政府信息公开工作年度报告"), Some(2023));
        assert_eq!(year("某局 2020 年政府信息公开"), Some(2020));
        assert_eq!(year("某局2023年度政府信息公开"), Some(2023));
        assert_eq!(year("某局二〇二三年政府信息公开"), Some(2023));
        assert_eq!(year("某局二零二二年度"), Some(2022));
        assert_eq!(year("某局２０２４年"), Some(2024));
        assert_eq!(year("共1136条信息，0000年"), None);
        assert_eq!(
            tidy("# 沐阳县人民政府 2025 年 政府信息公开工作年度报告"),
            "沐阳县人民政府2025年政府信息公开工作年度报告"
        );
    }

    #[test]
    fn title_prefix_of_a_paragraph_that_ran_on() {
        let text = "某局2022年政府信息公开工作年度报告根据条例编制本报告。";
        let end = title_prefix(text).unwrap();
        assert_eq!(&text[..end], "某局2022年政府信息公开工作年度报告");
        assert!(title_prefix("本报告由办公室编制。本年度报告如下").is_none());
        assert!(title_prefix("根据《条例》要求，编制本年度报告").is_none());
    }
}
