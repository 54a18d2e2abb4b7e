//! The HTML audit report: one self-contained page for a whole batch, for supervisors who
//! read rather than run tools. Each report gets a section with its findings and the source
//! excerpt of each, the failing text marked; the page ends with the summary table (it streams,
//! so the totals come last) and the findings per rule.

use super::{Emitter, Location, UNREADABLE_CODE};
use crate::diagnostic::{FileReport, Finding, Outcome, Severity, Summary};
use crate::source::{Source, Span, chars_after, chars_before};
use codespan_reporting::term::termcolor::WriteColor;
use std::fmt::Write as _;
use std::io;

/// Characters of context shown on each side of a finding's text.
const CONTEXT: usize = 60;

/// The HTML format.
#[derive(Debug, Default)]
pub struct Html {
    rows: Vec<SummaryRow>,
}

/// One line of the closing table.
#[derive(Debug)]
struct SummaryRow {
    anchor: usize,
    path: String,
    pack: String,
    errors: usize,
    warnings: usize,
    infos: usize,
    unreadable: bool,
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

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;max-width:70em}\
h2{border-bottom:1px solid #ccc;padding-bottom:.2em}table{border-collapse:collapse}\
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}\
.error{color:#b00020}.warning{color:#8a5a00}.info{color:#555}\
pre{background:#f6f6f6;padding:.6em;white-space:pre-wrap;word-break:break-all}\
mark{background:#ffd54f}.label{background:#e3f2fd}";

impl Emitter for Html {
    fn begin(&mut self, out: &mut dyn WriteColor) -> io::Result<()> {
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>regulint 审核报告</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <h1>政府信息公开工作年度报告 审核结果</h1>\n\
             <p>由 regulint {} 生成。每份报告的问题列在下面，汇总表在页末（<a href=\"#summary\">跳到汇总</a>）。</p>\n",
            env!("CARGO_PKG_VERSION")
        )
    }

    fn file(&mut self, out: &mut dyn WriteColor, report: &FileReport) -> io::Result<()> {
        let anchor = self.rows.len() + 1;
        let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
        self.rows.push(SummaryRow {
            anchor,
            path: report.path.clone(),
            pack: report.pack.clone().unwrap_or_default(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            unreadable: report.error.is_some(),
        });
        let mut html = String::new();
        let _ = writeln!(
            html,
            "<section id=\"f{anchor}\">\n<h2>{}</h2>",
            escape(&report.path)
        );
        if let Some(error) = &report.error {
            let _ = writeln!(
                html,
                "<p class=\"error\">{UNREADABLE_CODE} 无法读取：{}</p>\n</section>",
                escape(error)
            );
            return out.write_all(html.as_bytes());
        }
        let _ = writeln!(
            html,
            "<p>格式 {}，编码 {}，规则包 {}，报告年度 {}</p>",
            report.format.map_or("?", |f| f.name()),
            report.encoding.map_or("?", |e| e.name()),
            escape(report.pack.as_deref().unwrap_or("（无）")),
            report
                .year
                .map_or_else(|| "?".to_owned(), |y| y.to_string()),
        );
        if report.findings.is_empty() {
            html.push_str("<p>未发现问题。</p>\n");
        }
        if let Some(source) = &report.source {
            for finding in &report.findings {
                finding_html(&mut html, source, finding);
            }
        }
        html.push_str("</section>\n");
        out.write_all(html.as_bytes())
    }

    fn finish(&mut self, out: &mut dyn WriteColor, summary: &Summary) -> io::Result<()> {
        let mut html = String::from(
            "<h2 id=\"summary\">汇总</h2>\n<table>\n<tr><th>报告</th><th>规则包</th><th>错误</th><th>警告</th><th>提示</th><th>状态</th></tr>\n",
        );
        for row in &self.rows {
            let status = if row.unreadable {
                "<span class=\"error\">无法读取</span>"
            } else if row.errors > 0 {
                "<span class=\"error\">有错误</span>"
            } else if row.warnings > 0 {
                "<span class=\"warning\">有警告</span>"
            } else {
                "通过"
            };
            let _ = writeln!(
                html,
                "<tr><td><a href=\"#f{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{status}</td></tr>",
                row.anchor,
                escape(&row.path),
                escape(&row.pack),
                row.errors,
                row.warnings,
                row.infos
            );
        }
        let _ = writeln!(
            html,
            "</table>\n<p>共 {} 份：通过 {}，有错误 {}，仅有警告 {}，无法读取 {}。</p>",
            summary.files,
            summary.clean,
            summary.with_errors,
            summary.with_warnings,
            summary.unreadable
        );
        if !summary.findings_by_rule.is_empty() {
            html.push_str("<table>\n<tr><th>规则</th><th>次数</th></tr>\n");
            for (code, n) in &summary.findings_by_rule {
                let _ = writeln!(html, "<tr><td>{}</td><td>{n}</td></tr>", escape(code));
            }
            html.push_str("</table>\n");
        }
        html.push_str("</body>\n</html>\n");
        out.write_all(html.as_bytes())
    }
}

fn finding_html(html: &mut String, source: &Source, finding: &Finding) {
    let class = finding.severity.name();
    let at = Location::of(source, finding.span);
    let outcome = match finding.outcome {
        Outcome::Fail => "",
        Outcome::NotAssessable => "（无法核验）",
    };
    let _ = writeln!(
        html,
        "<div class=\"finding\">\n<h3 class=\"{class}\">{class} {} {}{outcome}：{}</h3>\n<p>第 {} 行第 {} 列</p>",
        escape(&finding.code),
        escape(&finding.name),
        escape(&finding.message),
        at.line,
        at.column
    );
    let _ = writeln!(
        html,
        "<pre>{}</pre>",
        excerpt(
            source,
            finding.span,
            &finding.labels.iter().map(|l| l.span).collect::<Vec<_>>()
        )
    );
    if !finding.labels.is_empty() {
        html.push_str("<ul>\n");
        for label in &finding.labels {
            let at = Location::of(source, label.span);
            let _ = writeln!(
                html,
                "<li>第 {} 行：{}</li>",
                at.line,
                escape(&label.message)
            );
        }
        html.push_str("</ul>\n");
    }
    for note in &finding.notes {
        let _ = writeln!(html, "<p>{}</p>", escape(note));
    }
    if let Some(help) = &finding.help {
        let _ = writeln!(html, "<p>建议：{}</p>", escape(help));
    }
    if let Some(basis) = &finding.basis {
        let _ = writeln!(html, "<p>依据：{}</p>", escape(basis));
    }
    html.push_str("</div>\n");
}

/// The text around a span, with the span in `<mark>` and labels on the same stretch in
/// `<span class="label">`; long stretches are cut to some context on each side.
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
}
