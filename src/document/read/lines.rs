//! Reader for line-based formats: plain text exports and Markdown.
//!
//! Both arrive the same way in practice: PDF-to-text tools produce hard-wrapped lines,
//! tab-separated table rows, Markdown `#`/`**` left in headings, and sometimes pipe tables.
//! So one reader handles both; the format only changes what is reported.
//!
//! - A run of lines containing tabs (blank lines allowed inside) is a tab-separated table.
//! - A run of lines starting with `|` is a pipe table; `|---|` lines are dropped. Rows written
//!   without the leading `|` (`a | b | c`) are pipe rows too when two or more follow each other.
//! - One cell per line, with `|` or blank lines between cells or `x |` per line, is a table
//!   whose rows are rebuilt from the cells ([`cells`]).
//! - Cells separated by runs of spaces and aligned in columns (`pdftotext -layout`) form a
//!   table read by display column ([`aligned`]).
//! - Other non-blank lines form paragraphs. A line joins the previous one when that line was
//!   hard-wrapped: long, and not ending a sentence. Heading-like lines stand alone.

mod aligned;
mod cells;

use super::super::mapped::MappedText;
use super::super::model::{RawBlock, RawCell, RawRow, RawTable, TableKind};
use super::super::structure::{is_table_row_label, looks_like_heading};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

/// A line of the source: its text without the line break, and its start offset.
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
}

impl Line<'_> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }

    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn is_tabbed(&self) -> bool {
        self.text.contains('\t')
    }

    fn is_pipe(&self) -> bool {
        self.text.trim_start().starts_with('|')
    }

    /// A pipe row without the leading `|`: `a | b | c` or `a | b |` (two cells or more).
    fn is_bare_pipe(&self) -> bool {
        let t = self.text.trim();
        if t.starts_with('|') || !t.contains('|') {
            return false;
        }
        let inner = t.strip_suffix('|').unwrap_or(t);
        inner.contains('|') || !t.ends_with('|') || is_separator(self)
    }
}

/// Reads text or Markdown into raw blocks.
#[must_use]
pub fn read(text: &str) -> Vec<RawBlock> {
    let lines = split_lines(text);
    let mut taken = vec![false; lines.len()];
    let mut regions: Vec<(usize, usize, bool)> = Vec::new();
    for (start, end) in cells::regions(&lines) {
        if lines[start..end].iter().any(|l| l.is_tabbed()) {
            continue;
        }
        taken[start..end].iter_mut().for_each(|t| *t = true);
        regions.push((start, end, false));
    }
    for (i, line) in lines.iter().enumerate() {
        if line.is_tabbed() || line.is_pipe() || line.is_bare_pipe() {
            taken[i] = true;
        }
    }
    for (start, end) in aligned::regions(&lines, &taken) {
        regions.push((start, end, true));
    }
    regions.sort_unstable();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(&(_, end, spaced)) = regions.iter().find(|r| r.0 == i) {
            let (table, loose) = if spaced {
                (aligned::table(&lines[i..end]), Vec::new())
            } else {
                cells::table(&lines[i..end])
            };
            if !table.rows.is_empty() {
                blocks.push(RawBlock::Table(table));
            }
            blocks.extend(loose.into_iter().map(RawBlock::Paragraph));
            i = end;
        } else if line.is_blank() {
            i += 1;
        } else if line.is_bare_pipe()
            && lines
                .get(i + 1)
                .is_some_and(|next| next.is_bare_pipe() || next.is_pipe())
        {
            let end = lines[i..]
                .iter()
                .position(|l| !(l.is_pipe() || l.is_bare_pipe()))
                .map_or(lines.len(), |n| i + n);
            blocks.extend(pipe_tables(&lines[i..end]).into_iter().map(RawBlock::Table));
            i = end;
        } else if line.is_tabbed() {
            let end = run_end(&lines, i, |l| l.is_tabbed());
            blocks.push(RawBlock::Table(tab_table(&lines[i..end])));
            i = end;
        } else if line.is_pipe() {
            let end = lines[i..]
                .iter()
                .position(|l| !l.is_pipe())
                .map_or(lines.len(), |n| i + n);
            blocks.extend(pipe_tables(&lines[i..end]).into_iter().map(RawBlock::Table));
            i = end;
        } else if loose_row(line.text).is_some() {
            let end = lines[i..]
                .iter()
                .position(|l| loose_row(l.text).is_none())
                .map_or(lines.len(), |n| i + n);
            blocks.push(RawBlock::Table(loose_table(&lines[i..end])));
            i = end;
        } else {
            let mut paragraph = MappedText::verbatim(line.text.trim_end(), line.start);
            let mut previous = line;
            i += 1;
            while i < lines.len() && joins_previous(previous, lines[i]) {
                paragraph.push_verbatim(lines[i].text.trim_end(), lines[i].start);
                previous = lines[i];
                i += 1;
            }
            blocks.push(RawBlock::Paragraph(paragraph));
        }
    }
    blocks
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    // The same line ends as `Source` (LF, CRLF, lone CR), so line numbers agree.
    let starts = crate::source::line_starts(text);
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            Line {
                text: text[start..end].trim_end_matches(['\n', '\r']),
                start,
            }
        })
        .collect()
}

/// End of a run of lines matching `pred`, allowing single blank lines inside the run (PDF
/// exports put page breaks inside tables).
fn run_end(lines: &[Line<'_>], start: usize, pred: impl Fn(&Line<'_>) -> bool) -> usize {
    let mut end = start;
    let mut i = start;
    while i < lines.len() {
        if pred(&lines[i]) {
            i += 1;
            end = i;
        } else if lines[i].is_blank() && lines.get(i + 1).is_some_and(&pred) {
            i += 1;
        } else {
            break;
        }
    }
    end
}

/// Hard-wrapped lines join; a short line, a sentence end or a heading ends a paragraph.
fn joins_previous(previous: Line<'_>, line: Line<'_>) -> bool {
    if line.is_blank() || line.is_tabbed() || line.is_pipe() {
        return false;
    }
    let prev = previous.text.trim_end();
    if looks_like_heading(prev).is_some() || looks_like_heading(line.text).is_some() {
        return false;
    }
    if is_table_row_label(prev) || is_table_row_label(line.text) {
        return false;
    }
    if line.text.trim_start().starts_with('#') || is_page_footer(line.text) {
        return false;
    }
    let ends_sentence = prev.ends_with(['。', '！', '？', '：', ':', '；']);
    prev.chars().count() >= 20 && !ends_sentence
}

static BROWSER_PAGE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::must(
        r"^(?:\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?:\s*[AP]M)?\s|(?:file|https?)://\S+\s+\d{1,3}/\d{1,3}$)",
    )
});

/// Page footers left by PDF extraction: `— 1 —`, `-3-`, `- 3 -`, `第 3 页`, `3/5`; and the
/// header and footer a browser prints on each page (`11/30/26, 7:38 AM  title`,
/// `https://…  4/9`).
fn is_page_footer(text: &str) -> bool {
    let t = text.trim();
    // Every footer form holds a digit; lines without one are settled before the patterns.
    if !t
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return false;
    }
    let dashed = t.starts_with('—') && t.ends_with('—') && t.chars().any(|c| c.is_ascii_digit());
    dashed || super::super::structure::is_page_number(t) || BROWSER_PAGE_LINE.is_match(t)
}

fn tab_table(lines: &[Line<'_>]) -> RawTable {
    let rows: Vec<RawRow> = lines
        .iter()
        .filter(|l| !l.is_blank())
        .map(|line| {
            let mut cells = Vec::new();
            let mut offset = line.start;
            for field in line.text.split('\t') {
                cells.push(field_cell(field, offset, line.end()));
                offset += field.len() + 1;
            }
            RawRow {
                span: Span::new(line.start, line.end()),
                cells,
            }
        })
        .collect();
    RawTable::from_rows(rows, TableKind::TabSeparated)
}

static LOOSE_ROW: LazyLock<Regex> = LazyLock::new(|| {
    crate::pattern::must(
        r"^\s*([\p{Han}（）()“”/]{2,20}?)\s*((?:[+-]?\d[\d,.]*(?:\s*万?元)?\s*){1,3})$",
    )
});

/// A table row that a PDF extractor left as a plain line: a short label and one to three
/// numbers, e.g. `行政许可 97`. Returns the byte ranges of the label and of each number.
fn loose_row(text: &str) -> Option<Vec<(usize, usize)>> {
    if looks_like_heading(text).is_some() {
        return None;
    }
    let caps = LOOSE_ROW.captures(text)?;
    let label = caps.get(1)?;
    let numbers = caps.get(2)?;
    if label.end() == numbers.start() {
        // `行政许可550`: the values ran into the label. Keep it as one cell; the layout records
        // the problem instead of guessing where the label ends.
        return Some(vec![(
            label.start(),
            numbers.start() + numbers.as_str().trim_end().len(),
        )]);
    }
    let mut ranges = vec![(label.start(), label.end())];
    let mut offset = numbers.start();
    for piece in numbers.as_str().split_whitespace() {
        let start = offset + numbers.as_str()[offset - numbers.start()..].find(piece)?;
        ranges.push((start, start + piece.len()));
        offset = start + piece.len();
    }
    Some(ranges)
}

fn loose_table(lines: &[Line<'_>]) -> RawTable {
    let rows: Vec<RawRow> = lines
        .iter()
        .map(|line| RawRow {
            span: Span::new(line.start, line.end()),
            cells: loose_row(line.text)
                .unwrap_or_default()
                .into_iter()
                .map(|(a, b)| {
                    RawCell::new(&line.text[a..b], Span::new(line.start + a, line.start + b))
                })
                .collect(),
        })
        .collect();
    RawTable {
        span: Span::new(lines[0].start, lines[lines.len() - 1].end()),
        rows,
        kind: TableKind::TabSeparated,
    }
}

/// A cell from a separated field starting at `offset`. An empty cell's span covers its
/// whitespace, or the separator after it, so a diagnostic can still point at it.
fn field_cell(field: &str, offset: usize, line_end: usize) -> RawCell {
    let trimmed = field.trim();
    if trimmed.is_empty() {
        let end = if field.is_empty() {
            (offset + 1).min(line_end)
        } else {
            offset + field.len()
        };
        return RawCell::new("", Span::new(offset, end));
    }
    let start = offset + (field.len() - field.trim_start().len());
    RawCell::new(trimmed, Span::new(start, start + trimmed.len()))
}

fn is_separator(line: &Line<'_>) -> bool {
    let t = line.text.trim();
    t.contains('|') && t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// Splits a run of pipe lines into tables: a row followed by a `|---|` line starts a table.
fn pipe_tables(lines: &[Line<'_>]) -> Vec<RawTable> {
    let mut tables: Vec<RawTable> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if is_separator(line) {
            continue;
        }
        let starts_table = lines.get(i + 1).is_some_and(is_separator);
        if starts_table || tables.is_empty() {
            tables.push(RawTable {
                kind: TableKind::Pipe,
                ..RawTable::default()
            });
        }
        let table = tables.last_mut().expect("a table was pushed above");
        let row = pipe_row(line);
        table.span = if table.rows.is_empty() {
            row.span
        } else {
            table.span.cover(row.span)
        };
        table.rows.push(row);
    }
    tables
}

fn pipe_row(line: &Line<'_>) -> RawRow {
    let text = line.text;
    let inner_start = if line.is_pipe() {
        text.find('|').map_or(0, |p| p + 1)
    } else {
        0
    };
    let inner_end = text
        .trim_end()
        .strip_suffix('|')
        .map_or(text.len(), str::len);
    let inner_end = inner_end.max(inner_start);
    let mut cells = Vec::new();
    let mut offset = line.start + inner_start;
    for field in text[inner_start..inner_end].split('|') {
        cells.push(field_cell(field, offset, line.end()));
        offset += field.len() + 1;
    }
    RawRow {
        span: Span::new(line.start, line.end()),
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::paragraph_texts as paragraphs;

    #[test]
    fn hard_wrapped_lines_join_and_headings_stand_alone() {
        let text = "根据《中华人民共和国政府信息公开条例》和《上海市政府\n信息公开规定》的要求。\n一、总体情况\n上海市科委 2024 年深入贯彻。\n";
        let blocks = read(text);
        assert_eq!(
            paragraphs(&blocks),
            [
                "根据《中华人民共和国政府信息公开条例》和《上海市政府信息公开规定》的要求。",
                "一、总体情况",
                "上海市科委 2024 年深入贯彻。"
            ]
        );
    }

    #[test]
    fn loose_label_number_lines_become_rows() {
        let text =
            "信息内容本年处理决定数量\n行政许可 97\n行政处罚 0\n上海市科委 2024 年深入贯彻。\n";
        let blocks = read(text);
        let tables: Vec<&RawTable> = blocks
            .iter()
            .filter_map(|b| {
                if let RawBlock::Table(t) = b {
                    Some(t)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(tables.len(), 1);
        let cells: Vec<&str> = tables[0].rows[0]
            .cells
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(cells, ["行政许可", "97"]);
        assert_eq!(&text[tables[0].rows[1].cells[1].span.range()], "0");
        assert!(loose_row("2024 年上海市科委政府信息公开工作").is_none());
        assert!(loose_row("二、主动公开政府信息情况").is_none());
    }

    #[test]
    fn tab_rows_keep_empty_fields_and_spans() {
        let text = "规章\t0\t\t4\n\n行政许可\t1\t2\t3\n";
        let blocks = read(text);
        let [RawBlock::Table(table)] = blocks.as_slice() else {
            panic!("expected one table, got {blocks:?}");
        };
        assert_eq!(table.rows.len(), 2);
        let cells: Vec<&str> = table.rows[0]
            .cells
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(cells, ["规章", "0", "", "4"]);
        let four = &table.rows[0].cells[3];
        assert_eq!(&text[four.span.range()], "4");
    }

    #[test]
    fn pipe_tables_split_at_header_separators() {
        let text = "| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n| 类别 | 总计 |\n|---|---|\n| 予以公开 | 3 |\n";
        let blocks = read(text);
        assert_eq!(blocks.len(), 2);
        let RawBlock::Table(second) = &blocks[1] else {
            panic!("expected a table");
        };
        let three = &second.rows[1].cells[1];
        assert_eq!(three.text, "3");
        assert_eq!(&text[three.span.range()], "3");
    }

    use super::super::tables;

    fn texts(row: &RawRow) -> Vec<&str> {
        row.cells.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn pipe_rows_without_the_leading_bar() {
        let text = "信息内容 | 本年制发件数 | 本年废止件数\n---|---|---\n规章 | 0 | 4\n";
        let blocks = read(text);
        let tables = tables(&blocks);
        assert_eq!(tables.len(), 1);
        assert_eq!(texts(&tables[0].rows[1]), ["规章", "0", "4"]);
        let four = &tables[0].rows[1].cells[2];
        assert_eq!(&text[four.span.range()], "4");
        // One bar in prose is not a table.
        assert!(tables_of("上海市科委 | 2024 年深入贯彻。\n").is_empty());
    }

    fn tables_of(text: &str) -> Vec<RawTable> {
        read(text)
            .into_iter()
            .filter_map(|b| match b {
                RawBlock::Table(t) => Some(t),
                RawBlock::Paragraph(_) => None,
            })
            .collect()
    }

    #[test]
    fn one_cell_per_line_with_trailing_bars() {
        let text = "信息内容 |\n本年制发件数 |\n本年废止件数 |\n规章 |\n0 |\n |\n行政规范性文件 |\n2 |\n5 |\n";
        let tables = tables_of(text);
        assert_eq!(tables.len(), 1);
        let rows: Vec<Vec<&str>> = tables[0].rows.iter().map(texts).collect();
        assert_eq!(
            rows,
            [
                vec!["信息内容", "本年制发件数", "本年废止件数"],
                vec!["规章", "0", ""],
                vec!["行政规范性文件", "2", "5"],
            ]
        );
    }

    #[test]
    fn page_footers() {
        for footer in [
            "— 3 —",
            "-3-",
            "- 12 -",
            "第 3 页",
            "第3页，共5页",
            "3/5",
            "11/30/26, 7:38 AM  某局年度报告",
            "https://www.example.gov.cn/a.html  4/9",
        ] {
            assert!(is_page_footer(footer), "{footer}");
        }
        for text in ["2023年", "规章 0 0 0", "-", "一、总体情况"] {
            assert!(!is_page_footer(text), "{text}");
        }
    }

    #[test]
    fn run_together_loose_line_is_one_cell() {
        assert_eq!(
            loose_row("行政许可550"),
            Some(vec![(0, "行政许可550".len())])
        );
        assert_eq!(loose_row("行政许可 550").map(|r| r.len()), Some(2));
    }
}
