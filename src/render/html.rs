//! The HTML audit page: one self-contained file for a supervisor with a few hundred reports.
//!
//! At the top, an overview table with one row per report (agency, year, pack, errors,
//! warnings, known or waived findings, status, link), sortable by any column and filterable
//! by agency, severity and rule, in plain JavaScript without libraries. Below it, the report a
//! row links to: its tables drawn as grids as the reader understood them, failing cells
//! marked, and prose findings shown as the sentence in context, never raw HTML or DOCX markup.
//!
//! The page streams like every output: each report's details are written as it is linted, as
//! inert text (`<script type="text/html">`, which the browser neither parses nor lays out), and
//! turned into elements only when opened; the overview's rows are written last, as JSON, and
//! drawn by the script. So a page of 2,000 reports costs the browser one table of 2,000 rows
//! at load, not 2,000 reports' worth of elements. All report text is escaped.

use super::{Emitter, Location, UNREADABLE_CODE};
use crate::diagnostic::{FileReport, Finding, Known, Outcome, Severity, Summary};
use crate::document::{Block, Document, InputFormat, Table};
use crate::source::{Source, Span, chars_after, chars_before};
use codespan_reporting::term::termcolor::WriteColor;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;

/// Characters of context shown on each side of a finding's text.
const CONTEXT: usize = 60;

/// The HTML format.
#[derive(Debug, Default)]
pub struct Html {
    rows: Vec<OverviewRow>,
}

/// One row of the overview, as embedded in the page (the script draws the table from these).
#[derive(Debug, Serialize)]
pub struct OverviewRow {
    /// Index of the report, which names its details (`d{id}`) and its link (`#r{id}`).
    pub id: usize,
    /// The file.
    pub path: String,
    /// The organ named in the title, if found.
    pub agency: Option<String>,
    /// Report year.
    pub year: Option<i32>,
    /// Pack applied.
    pub pack: Option<String>,
    /// Errors not already known.
    pub errors: usize,
    /// Warnings not already known.
    pub warnings: usize,
    /// Infos (not-assessable results, mostly) not already known.
    pub infos: usize,
    /// Findings accepted by the baseline or a waiver.
    pub known: usize,
    /// `errors`, `warnings`, `clean` or `unreadable`.
    pub status: &'static str,
    /// Codes of the rules with findings that are not known, for the rule filter.
    pub rules: Vec<String>,
}

impl OverviewRow {
    /// The row for a report.
    #[must_use]
    pub fn new(id: usize, report: &FileReport) -> Self {
        let rules: BTreeSet<String> = report
            .findings
            .iter()
            .filter(|f| !f.is_known())
            .map(|f| f.code.clone())
            .collect();
        Self {
            id,
            path: report.path.clone(),
            agency: report.agency.clone(),
            year: report.year,
            pack: report.pack.clone(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
            known: report.count_known(),
            status: report.status().name(),
            rules: rules.into_iter().collect(),
        }
    }
}

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON made safe inside a `<script>` element: `</` (written `<\/`, the same JSON string)
/// cannot close it.
fn script_safe(text: &str) -> String {
    text.replace("</", "<\\/")
}

/// Markup made safe inside a `<script type="text/html">` element, whose text is the markup
/// itself: only a closing script tag could end it early, and report text never makes one (it
/// is escaped), but regulint's own markup is checked too.
fn template_safe(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if !lower.contains("</script") {
        return html.to_owned();
    }
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (i, _) in lower.match_indices("</script") {
        out.push_str(&html[at..i]);
        out.push_str("&lt;/script");
        at = i + "</script".len();
    }
    out.push_str(&html[at..]);
    out
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:1.5em;color:#222}\
h1{font-size:1.4em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em}h3{font-size:1.05em;margin:.8em 0 .3em}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}\
#overview th{cursor:pointer;background:#f3f3f3;user-select:none;white-space:nowrap}#overview td.n{text-align:right}\
#overview tr.sel{outline:2px solid #1565c0}#filters{margin:.6em 0}#filters label{margin-right:1em}\
.error{color:#b00020}.warning{color:#8a5a00}.info{color:#555}.clean{color:#2e7d32}.unreadable{color:#b00020}\
.badge{display:inline-block;border-radius:3px;padding:0 .4em;font-size:.85em;background:#eee;margin-left:.4em}\
.finding{border-left:4px solid #ccc;padding:.2em .8em;margin:.6em 0}.finding.f-error{border-color:#b00020}\
.finding.f-warning{border-color:#e0a000}.finding.f-info{border-color:#999}.finding p{margin:.2em 0}\
.grid{font-size:.9em;margin:.4em 0 1em}.grid td.v{text-align:right;min-width:2.5em}.grid td.m{color:#bbb}\
.grid td.h{background:#fafafa;color:#555}.grid td.fail{background:#ffcdd2;font-weight:bold;outline:2px solid #b00020}\
.grid td.ev{background:#e3f2fd}.ctx{background:#f6f6f6;padding:.5em;white-space:pre-wrap}\
mark{background:#ffd54f}.label{background:#e3f2fd}#detail{margin-top:1.5em}";

/// The script: a pure filter and sort over the embedded rows, then the drawing. `filterRows`
/// and `sortRows` take and return plain data, so they can be tested outside a browser.
pub const SCRIPT: &str = r##"'use strict';
function filterRows(rows, f) {
  var agency = (f.agency || '').trim().toLowerCase();
  var rule = (f.rule || '').trim().toUpperCase();
  return rows.filter(function (r) {
    if (agency && ((r.agency || '') + ' ' + r.path).toLowerCase().indexOf(agency) < 0) return false;
    if (f.severity === 'error' && r.errors === 0) return false;
    if (f.severity === 'warning' && r.warnings === 0) return false;
    if (f.severity === 'known' && r.known === 0) return false;
    if ((f.severity === 'clean' || f.severity === 'unreadable') && r.status !== f.severity) return false;
    if (rule && !r.rules.some(function (c) { return c.indexOf(rule) === 0; })) return false;
    return true;
  });
}
function sortRows(rows, key, dir) {
  var rank = { unreadable: 3, errors: 2, warnings: 1, clean: 0 };
  function value(r) { return key === 'status' ? rank[r.status] : r[key]; }
  return rows.slice().sort(function (a, b) {
    var x = value(a), y = value(b);
    if (x === y || (x == null && y == null)) return a.id - b.id;
    if (x == null) return 1;
    if (y == null) return -1;
    return (x < y ? -1 : 1) * dir;
  });
}
if (typeof document !== 'undefined') (function () {
  var rows = JSON.parse(document.getElementById('rl-rows').textContent);
  var state = { agency: '', severity: '', rule: '', key: 'errors', dir: -1 };
  var names = { errors: '有错误', warnings: '有警告', clean: '通过', unreadable: '无法读取' };
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function draw() {
    var shown = sortRows(filterRows(rows, state), state.key, state.dir);
    var html = [];
    for (var i = 0; i < shown.length; i++) {
      var r = shown[i];
      html.push('<tr id="o' + r.id + '"><td>' + esc(r.agency || '') + '</td><td class="n">' + esc(r.year) +
        '</td><td>' + esc(r.pack || '') + '</td><td class="n error">' + r.errors + '</td><td class="n warning">' +
        r.warnings + '</td><td class="n">' + r.known + '</td><td class="' + r.status + '">' + names[r.status] +
        '</td><td><a href="#r' + r.id + '">' + esc(r.path) + '</a></td></tr>');
    }
    document.getElementById('rl-body').innerHTML = html.join('');
    document.getElementById('rl-count').textContent = shown.length + ' / ' + rows.length;
  }
  function open() {
    var m = /^#r(\d+)$/.exec(location.hash);
    var pane = document.getElementById('detail');
    var top = document.getElementById('top');
    if (!m) { pane.innerHTML = ''; top.style.display = ''; return; }
    var source = document.getElementById('d' + m[1]);
    pane.innerHTML = '<p><a href="#">← 返回总览</a></p>' + (source ? source.textContent : '');
    top.style.display = 'none';
    var old = document.querySelector('#overview tr.sel');
    if (old) old.className = '';
    var row = document.getElementById('o' + m[1]);
    if (row) row.className = 'sel';
    window.scrollTo(0, 0);
  }
  ['agency', 'severity', 'rule'].forEach(function (name) {
    var input = document.getElementById('f-' + name);
    input.addEventListener('input', function () { state[name] = input.value; draw(); });
  });
  var heads = document.querySelectorAll('#overview th[data-key]');
  for (var i = 0; i < heads.length; i++) {
    heads[i].addEventListener('click', function () {
      var key = this.getAttribute('data-key');
      state.dir = state.key === key ? -state.dir : (key === 'agency' || key === 'path' ? 1 : -1);
      state.key = key;
      draw();
    });
  }
  window.addEventListener('hashchange', open);
  draw();
  open();
})();
"##;

impl Emitter for Html {
    fn begin(&mut self, out: &mut dyn WriteColor) -> io::Result<()> {
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>regulint 审核报告</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <div id=\"top\"><h1>政府信息公开工作年度报告 审核结果</h1>\n\
             <p>由 regulint {} 生成。点击表头排序，点击报告查看其表格和问题。<span id=\"rl-count\"></span></p>\n\
             <div id=\"filters\"><label>机关 <input id=\"f-agency\" type=\"search\" placeholder=\"名称或路径\"></label>\
             <label>严重程度 <select id=\"f-severity\"><option value=\"\">全部</option>\
             <option value=\"error\">有错误</option><option value=\"warning\">有警告</option>\
             <option value=\"known\">有已知/豁免</option><option value=\"clean\">通过</option>\
             <option value=\"unreadable\">无法读取</option></select></label>\
             <label>规则 <input id=\"f-rule\" type=\"search\" placeholder=\"如 T3、C006\" size=\"8\"></label></div>\n\
             <table id=\"overview\"><thead><tr><th data-key=\"agency\">机关</th><th data-key=\"year\">年度</th>\
             <th data-key=\"pack\">规则包</th><th data-key=\"errors\">错误</th><th data-key=\"warnings\">警告</th>\
             <th data-key=\"known\">已知/豁免</th><th data-key=\"status\">状态</th><th data-key=\"path\">报告</th></tr></thead>\
             <tbody id=\"rl-body\"></tbody></table>\n\
             <noscript><p>汇总表和报告详情需要启用 JavaScript。</p></noscript></div>\n\
             <section id=\"detail\"></section>\n",
            env!("CARGO_PKG_VERSION")
        )
    }

    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()> {
        let id = self.rows.len() + 1;
        self.rows.push(OverviewRow::new(id, report));
        let detail = detail(report);
        writeln!(
            out,
            "<script type=\"text/html\" id=\"d{id}\">{}</script>",
            template_safe(&detail)
        )
    }

    fn finish(&mut self, out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
        let rows = serde_json::to_string(&self.rows)?;
        let mut html = format!(
            "<script type=\"application/json\" id=\"rl-rows\">{}</script>\n",
            script_safe(&rows)
        );
        let _ = writeln!(
            html,
            "<p>共 {} 份：通过 {}，有错误 {}，仅有警告 {}，无法读取 {}；已知或豁免的问题 {} 项（不计入）。</p>",
            summary.files,
            summary.clean,
            summary.with_errors,
            summary.with_warnings,
            summary.unreadable,
            summary.known
        );
        if !summary.collection.is_empty() {
            // Findings about the whole batch (duplicates, the roster) go to the top of the
            // page, above the overview: the page is streamed, so a line of script moves them.
            html.push_str("<div id=\"rl-collection\"><h2>整批报告的问题</h2><ul>\n");
            for finding in &summary.collection {
                let at = match (&finding.file, finding.line) {
                    (Some(file), Some(line)) => format!("（{}:{line}）", escape(file)),
                    (Some(file), None) => format!("（{}）", escape(file)),
                    _ => String::new(),
                };
                let _ = writeln!(
                    html,
                    "<li class=\"{}\"><b>{}</b> {}{at}</li>",
                    finding.severity.name(),
                    escape(&finding.code),
                    escape(&finding.message)
                );
            }
            html.push_str("</ul></div>\n<script>(function(){var t=document.getElementById('top'),c=document.getElementById('rl-collection');t.insertBefore(c,t.children[1]);})();</script>\n");
        }
        if !summary.skipped.is_empty() {
            html.push_str("<details><summary>未检查的文件</summary><ul>\n");
            for skipped in &summary.skipped {
                let _ = writeln!(
                    html,
                    "<li>{}：{}</li>",
                    escape(&skipped.path),
                    escape(&skipped.reason)
                );
            }
            html.push_str("</ul></details>\n");
        }
        let _ = write!(
            html,
            "<script>{}</script>\n</body>\n</html>\n",
            script_safe(SCRIPT)
        );
        out.write_all(html.as_bytes())
    }
}

/// Where a finding points, for drawing it.
enum Place {
    /// A cell of this table.
    Table(usize),
    /// This paragraph block.
    Paragraph(usize),
    /// Elsewhere (the title, a span the model does not hold).
    Other,
}

fn place(document: Option<&Document>, span: Span) -> Place {
    let Some(document) = document else {
        return Place::Other;
    };
    let inside =
        |outer: Span| outer.start <= span.start && span.start < outer.end.max(outer.start + 1);
    if let Some(t) = document.tables.iter().position(|t| inside(t.span)) {
        return Place::Table(t);
    }
    document
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Paragraph { span: p, .. } if inside(*p)))
        .map_or(Place::Other, Place::Paragraph)
}

/// One report's details: what was read, then its findings grouped by where they are.
#[must_use]
pub fn detail(report: &FileReport) -> String {
    let mut html = String::new();
    let _ = writeln!(html, "<h2>{}</h2>", escape(&report.path));
    if let Some(error) = &report.error {
        let _ = writeln!(
            html,
            "<p class=\"error\">{UNREADABLE_CODE} 无法读取：{}</p>",
            escape(error)
        );
        return html;
    }
    let _ = writeln!(
        html,
        "<p>{}，{} 年度，规则包 {}（{}，{}）</p>",
        escape(report.agency.as_deref().unwrap_or("机关名称未识别")),
        report
            .year
            .map_or_else(|| "?".to_owned(), |y| y.to_string()),
        escape(report.pack.as_deref().unwrap_or("（无）")),
        report.format.map_or("?", |f| f.name()),
        report.encoding.map_or("?", |e| e.name()),
    );
    let (Some(source), document) = (&report.source, report.document.as_deref()) else {
        return html;
    };
    let mut shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail || f.is_known())
        .collect();
    shown.sort_by_key(|f| (f.is_known(), std::cmp::Reverse(f.severity)));
    let unassessed: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::NotAssessable && !f.is_known())
        .collect();
    if shown.is_empty() {
        html.push_str("<p class=\"clean\">未发现问题。</p>\n");
    }
    // Findings on one table are drawn with it, once; the table and the other findings come
    // most severe first (then in report order), known ones last.
    let mut units: Vec<(usize, Vec<&Finding>, Place)> = Vec::new();
    for &finding in &shown {
        match place(document, finding.span) {
            Place::Table(t) => match units
                .iter_mut()
                .find(|(_, _, p)| matches!(p, Place::Table(id) if *id == t))
            {
                Some((_, list, _)) => list.push(finding),
                None => units.push((units.len(), vec![finding], Place::Table(t))),
            },
            other => units.push((units.len(), vec![finding], other)),
        }
    }
    units.sort_by_key(|(order, findings, _)| {
        let worst = findings
            .iter()
            .filter(|f| !f.is_known())
            .map(|f| f.severity)
            .max();
        (std::cmp::Reverse(worst), *order)
    });
    for (_, findings, at) in &units {
        match (at, document) {
            (Place::Table(t), Some(document)) => {
                table_unit(&mut html, source, document, *t, findings);
            }
            (Place::Paragraph(b), Some(document)) => {
                finding_head(&mut html, source, findings[0]);
                if let Block::Paragraph { text, .. } = &document.blocks[*b] {
                    let _ = writeln!(
                        html,
                        "<div class=\"ctx\">{}</div>",
                        sentence_in_context(text, findings[0].span)
                    );
                }
                finding_tail(&mut html, findings[0]);
            }
            _ => {
                let finding = findings[0];
                finding_head(&mut html, source, finding);
                if matches!(
                    report.format,
                    Some(InputFormat::Text | InputFormat::Markdown)
                ) {
                    let labels: Vec<Span> = finding
                        .labels
                        .iter()
                        .filter(|l| l.file.is_none())
                        .map(|l| l.span)
                        .collect();
                    let _ = writeln!(
                        html,
                        "<div class=\"ctx\">{}</div>",
                        excerpt(source, finding.span, &labels)
                    );
                }
                finding_tail(&mut html, finding);
            }
        }
    }
    if !unassessed.is_empty() {
        let _ = writeln!(
            html,
            "<details><summary class=\"info\">{} 项勾稽关系无法核验（空白单元格）</summary>",
            unassessed.len()
        );
        for finding in unassessed {
            finding_head(&mut html, source, finding);
            finding_tail(&mut html, finding);
        }
        html.push_str("</details>\n");
    }
    html
}

/// A table's findings, then the table (and every piece of it the evidence is in) drawn.
fn table_unit(
    html: &mut String,
    source: &Source,
    document: &Document,
    t: usize,
    findings: &[&Finding],
) {
    let table = &document.tables[t];
    let _ = writeln!(html, "<h3>{}</h3>", escape(&table_title(document, table)));
    for finding in findings {
        finding_head(html, source, finding);
        finding_tail(html, finding);
    }
    // Extractors split a table into pieces: draw every piece the evidence is in.
    let mut touched: BTreeSet<usize> = BTreeSet::from([t]);
    for finding in findings {
        for label in finding.labels.iter().filter(|l| l.file.is_none()) {
            if let Place::Table(other) = place(Some(document), label.span) {
                touched.insert(other);
            }
        }
    }
    for id in touched {
        grid(html, &document.tables[id], findings);
    }
}

/// `一、… 中的表格`: the top-level section the table is in.
fn table_title(document: &Document, table: &Table) -> String {
    match table.section {
        Some(s) => {
            let top = &document.sections[document.top_section(s)];
            format!("{}{} 中的表格", top.marker, top.title)
        }
        None => "表格".to_owned(),
    }
}

fn finding_head(html: &mut String, source: &Source, finding: &Finding) {
    let class = finding.severity.name();
    let at = Location::of(source, finding.span);
    let badge = match &finding.triage.known {
        Some(Known::Baseline) => "<span class=\"badge\">已知（基线）</span>".to_owned(),
        Some(Known::Waiver { reason, .. }) => {
            format!("<span class=\"badge\">已豁免：{}</span>", escape(reason))
        }
        None => String::new(),
    };
    let _ = writeln!(
        html,
        "<div class=\"finding f-{class}\"><p><b class=\"{class}\">{class} {}</b> {}：{}{badge} <small>第 {} 行</small></p>",
        escape(&finding.code),
        escape(&finding.name),
        escape(&finding.message),
        at.line
    );
}

fn finding_tail(html: &mut String, finding: &Finding) {
    // Evidence in another report (last year's): its file and line, and what it shows.
    for label in &finding.labels {
        if let Some(file) = &label.file {
            let at = file.0.line_col(label.span.start as usize);
            let _ = writeln!(
                html,
                "<p>{}:{}：{}</p>",
                escape(file.name()),
                at,
                escape(&label.message)
            );
        }
    }
    for note in &finding.notes {
        let _ = writeln!(html, "<p>{}</p>", escape(note));
    }
    if let Some(help) = &finding.help {
        let _ = writeln!(html, "<p>建议：{}</p>", escape(help));
    }
    if let Some(basis) = &finding.basis {
        let _ = writeln!(html, "<p><small>依据：{}</small></p>", escape(basis));
    }
    html.push_str("</div>\n");
}

/// The table as the reader understood it: one row per row, merged cells shown once, the
/// findings' cells marked (`fail` for where a finding points, `ev` for its evidence).
fn grid(html: &mut String, table: &Table, findings: &[&Finding]) {
    let covers = |cell: Span, span: Span| {
        cell.start <= span.start && span.start < cell.end.max(cell.start + 1)
    };
    html.push_str("<table class=\"grid\">\n");
    for row in &table.rows {
        html.push_str("<tr>");
        for (i, cell) in row.cells.iter().enumerate() {
            let mut classes: Vec<&str> = Vec::new();
            let mut titles: Vec<String> = Vec::new();
            if cell.merged {
                classes.push("m");
            } else {
                for finding in findings {
                    if covers(cell.span, finding.span) {
                        classes.push("fail");
                        titles.push(format!("{} {}", finding.code, finding.message));
                    } else if let Some(label) = finding
                        .labels
                        .iter()
                        .find(|l| l.file.is_none() && covers(cell.span, l.span))
                    {
                        classes.push("ev");
                        titles.push(label.message.clone());
                    }
                }
            }
            if row.values.contains(&i) || cell.value.is_data() {
                classes.push("v");
            } else if row.kind != crate::document::RowKind::Data {
                classes.push("h");
            }
            classes.dedup();
            let text = if cell.merged { "" } else { &*cell.text };
            let _ = write!(html, "<td class=\"{}\"", classes.join(" "));
            if !titles.is_empty() {
                let _ = write!(html, " title=\"{}\"", escape(&titles.join("\n")));
            }
            let _ = write!(html, ">{}</td>", escape(text));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
}

/// The paragraph's text (as extracted, never markup) around the span, the span marked.
fn sentence_in_context(text: &crate::document::mapped::MappedText, span: Span) -> String {
    let mut first = None;
    let mut last = None;
    for (i, c) in text.text.char_indices() {
        let Some(source) = text.span_of(i, i + c.len_utf8()) else {
            continue;
        };
        if source.start < span.end.max(span.start + 1) && source.end > span.start {
            first.get_or_insert(i);
            last = Some(i + c.len_utf8());
        }
    }
    let body = &text.text;
    let (start, end) = match (first, last) {
        (Some(s), Some(e)) => (s, e),
        _ => return escape(body),
    };
    let from = chars_before(body, start, CONTEXT * 2);
    let to = chars_after(body, end, CONTEXT * 2);
    format!(
        "{}{}<mark>{}</mark>{}{}",
        if from > 0 { "…" } else { "" },
        escape(&body[from..start]),
        escape(&body[start..end]),
        escape(&body[end..to]),
        if to < body.len() { "…" } else { "" }
    )
}

/// The text around a span, with the span in `<mark>` and labels on the same stretch in
/// `<span class="label">`; long stretches are cut to some context on each side. Used only for
/// plain-text and Markdown reports, whose source is what the reader reads.
fn excerpt(source: &Source, span: Span, labels: &[Span]) -> String {
    let text = &source.text;
    let start = span.start as usize;
    let end = (span.end as usize).max(start);
    let from = chars_before(text, start, CONTEXT);
    let to = chars_after(text, end, CONTEXT);
    let mut marks: Vec<(usize, usize, &str)> = vec![(start, end, "mark")];
    marks.extend(
        labels
            .iter()
            .map(|l| (l.start as usize, l.end as usize, "label"))
            .filter(|&(s, e, _)| s >= from && e <= to && (e <= start || s >= end)),
    );
    marks.sort_unstable();
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut at = from;
    for (s, e, kind) in marks {
        if s < at {
            continue;
        }
        out.push_str(&escape(&text[at..s]));
        let tag = if kind == "mark" { "mark" } else { "span" };
        let class = if kind == "mark" {
            ""
        } else {
            " class=\"label\""
        };
        let _ = write!(out, "<{tag}{class}>{}</{tag}>", escape(&text[s..e]));
        at = e;
    }
    out.push_str(&escape(&text[at..to]));
    if to < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_mark_the_span_and_escape_markup() {
        let source = Source::from_text("t.html", "<td>859</td><td>18</td>");
        let at = source.text.find("859").unwrap();
        let label = source.text.find("18").unwrap();
        let html = excerpt(
            &source,
            Span::new(at, at + 3),
            &[Span::new(label, label + 2)],
        );
        assert_eq!(
            html,
            "&lt;td&gt;<mark>859</mark>&lt;/td&gt;&lt;td&gt;<span class=\"label\">18</span>&lt;/td&gt;"
        );
    }

    #[test]
    fn escape_covers_attribute_quotes() {
        assert_eq!(
            escape("a<b & \"c\" 'd'"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;"
        );
    }

    #[test]
    fn sentences_are_extracted_text_with_the_span_marked() {
        // Source `<p>电话&nbsp;0311</p>`: the context is the text, not the markup.
        let mut text = crate::document::mapped::MappedText::default();
        text.push_verbatim("电话", 3);
        text.push_mapped(" ", Span::new(9, 15));
        text.push_verbatim("0311", 15);
        assert_eq!(
            sentence_in_context(&text, Span::new(15, 19)),
            "电话 <mark>0311</mark>"
        );
    }

    #[test]
    fn scripts_cannot_be_closed_by_report_text() {
        assert_eq!(script_safe("a</script>b"), "a<\\/script>b");
        assert_eq!(template_safe("<b>x</b></SCRIPT>"), "<b>x</b>&lt;/script>");
    }
}
