//! Test helpers shared by the reader tests: a tiny report model that renders both as text
//! (tab-separated tables, as PDF exports and the templates write them) and as a minimal DOCX
//! (tables with `w:gridSpan` / `w:vMerge` as Word writes them), and a span-free summary of a
//! read [`Document`] so that two formats can be compared.

#![allow(dead_code)]

use regulint::document::normalize::label_key;
use regulint::document::{CellValue, Document, RowKind};
use serde_json::{Value, json};
use std::io::Write as _;

/// A logical cell: text plus how many columns and rows it spans. Covered positions are not
/// listed in a row.
#[derive(Clone, Debug)]
pub struct Cell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
}

/// A block of the report.
#[derive(Clone, Debug)]
pub enum Item {
    Paragraph(String),
    Table(Vec<Vec<Cell>>),
}

/// Parses a row written as `text{c3}{r2}|text|…`: cells split at `|`, `{cN}` a colspan,
/// `{rN}` a rowspan.
pub fn row(spec: &str) -> Vec<Cell> {
    spec.split('|')
        .map(|field| {
            let mut text = field.to_owned();
            let mut colspan = 1;
            let mut rowspan = 1;
            while let Some(open) = text.rfind('{') {
                let Some(close) = text[open..].find('}') else {
                    break;
                };
                let mark = text[open + 1..open + close].to_owned();
                let (kind, n) = mark.split_at(1);
                let n: usize = n.parse().expect("span count");
                match kind {
                    "c" => colspan = n,
                    "r" => rowspan = n,
                    _ => panic!("unknown mark {mark}"),
                }
                text.truncate(open);
            }
            Cell {
                text,
                colspan,
                rowspan,
            }
        })
        .collect()
}

pub fn table(rows: &[&str]) -> Item {
    Item::Table(rows.iter().map(|r| row(r)).collect())
}

pub fn paragraph(text: &str) -> Item {
    Item::Paragraph(text.to_owned())
}

/// Where each logical cell sits in the grid: `grid[r][c] = Some((origin row, origin index))`.
type Grid = Vec<Vec<Option<(usize, usize)>>>;

fn grid(rows: &[Vec<Cell>]) -> Grid {
    let mut grid: Grid = vec![Vec::new(); rows.len()];
    for (r, cells) in rows.iter().enumerate() {
        let mut c = 0;
        for (i, cell) in cells.iter().enumerate() {
            while grid[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            for dr in 0..cell.rowspan {
                for dc in 0..cell.colspan {
                    let target = &mut grid[r + dr];
                    if target.len() <= c + dc {
                        target.resize(c + dc + 1, None);
                    }
                    target[c + dc] = Some((r, i));
                }
            }
            c += cell.colspan;
        }
    }
    grid
}

/// The report as text: paragraphs separated by blank lines, tables as tab-separated rows
/// with a merged cell's text at its top-left position and empty fields elsewhere.
pub fn to_text(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        match item {
            Item::Paragraph(text) => {
                out.push_str(text);
                out.push_str("\n\n");
            }
            Item::Table(rows) => {
                let grid = grid(rows);
                let width = grid.iter().map(Vec::len).max().unwrap_or(0);
                for (r, line) in grid.iter().enumerate() {
                    let fields: Vec<&str> = (0..width)
                        .map(|c| match line.get(c).copied().flatten() {
                            Some((or, oi)) if or == r && first_column(line, c, (or, oi)) => {
                                rows[or][oi].text.as_str()
                            }
                            _ => "",
                        })
                        .collect();
                    out.push_str(&fields.join("\t"));
                    out.push('\n');
                }
                out.push('\n');
            }
        }
    }
    out
}

fn first_column(line: &[Option<(usize, usize)>], c: usize, origin: (usize, usize)) -> bool {
    c == 0 || line[c - 1] != Some(origin)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A paragraph as Word writes it: text split into runs (Word splits at formatting and
/// spell-check boundaries), so that the reader has to join them.
fn docx_paragraph(text: &str) -> String {
    if text.is_empty() {
        return "<w:p/>".to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let cut = chars.len() / 2;
    let (a, b): (String, String) = (chars[..cut].iter().collect(), chars[cut..].iter().collect());
    let mut runs = String::new();
    for part in [a, b] {
        if part.is_empty() {
            continue;
        }
        runs.push_str(&format!(
            "<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
            escape(&part)
        ));
    }
    format!("<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr>{runs}</w:p>")
}

fn docx_table(rows: &[Vec<Cell>]) -> String {
    let grid = grid(rows);
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>",
    );
    for _ in 0..width {
        out.push_str("<w:gridCol w:w=\"800\"/>");
    }
    out.push_str("</w:tblGrid>");
    for (r, line) in grid.iter().enumerate() {
        out.push_str("<w:tr><w:trPr><w:jc w:val=\"center\"/></w:trPr>");
        let mut c = 0;
        while c < width {
            let Some((or, oi)) = line.get(c).copied().flatten() else {
                out.push_str(
                    "<w:tc><w:tcPr><w:tcW w:w=\"800\" w:type=\"dxa\"/></w:tcPr><w:p/></w:tc>",
                );
                c += 1;
                continue;
            };
            let cell = &rows[or][oi];
            let mut pr = String::from("<w:tcPr><w:tcW w:w=\"800\" w:type=\"dxa\"/>");
            if cell.colspan > 1 {
                pr.push_str(&format!("<w:gridSpan w:val=\"{}\"/>", cell.colspan));
            }
            if cell.rowspan > 1 {
                pr.push_str(if or == r {
                    "<w:vMerge w:val=\"restart\"/>"
                } else {
                    "<w:vMerge/>"
                });
            }
            pr.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
            let body = if or == r {
                docx_paragraph(&cell.text)
            } else {
                "<w:p/>".to_owned()
            };
            out.push_str(&format!("<w:tc>{pr}{body}</w:tc>"));
            c += cell.colspan;
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// The `word/document.xml` of the report.
pub fn document_xml(items: &[Item]) -> String {
    let mut body = String::new();
    for item in items {
        match item {
            Item::Paragraph(text) => body.push_str(&docx_paragraph(text)),
            Item::Table(rows) => {
                body.push_str(&docx_table(rows));
                // Word always puts a paragraph after a table.
                body.push_str("<w:p/>");
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <w:document xmlns:wpc=\"http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas\" \
         xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         mc:Ignorable=\"wpc\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
</Types>";

const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>";

/// A ZIP package with the given parts, deflated.
pub fn zip_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        writer.start_file(*name, options).expect("start part");
        writer.write_all(bytes).expect("write part");
    }
    writer.finish().expect("finish zip").into_inner()
}

/// A minimal valid DOCX package whose main part is `document_xml`.
pub fn docx_with(document_xml: &str) -> Vec<u8> {
    zip_parts(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document_xml.as_bytes()),
    ])
}

/// The report as a DOCX package.
pub fn to_docx(items: &[Item]) -> Vec<u8> {
    docx_with(&document_xml(items))
}

/// A 2019-format report (the seed's format): title, preamble, six sections, and tables 2, 3
/// and 4 with merged cells where Word has them.
pub fn minimal_report() -> Vec<Item> {
    let mut t3 = vec![
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）{c3}{r3}|申请人情况{c7}",
        "自然人{r2}|法人或其他组织{c5}|总计{r2}",
        "商业企业|科研机构|社会公益组织|法律服务机构|其他",
        "一、本年新收政府信息公开申请数量{c3}|3|1|0|0|0|0|4",
        "二、上年结转政府信息公开申请数量{c3}|1|0|0|0|0|0|1",
        "三、本年度办理结果{r20}|（一）予以公开{c2}|2|1|0|0|0|0|3",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）{c2}|1|0|0|0|0|0|1",
        "（三）不予公开{r8}|1.属于国家秘密|0|0|0|0|0|0|0",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    for label in [
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
    ] {
        t3.push(format!("{label}|0|0|0|0|0|0|0"));
    }
    t3.push("（四）无法提供{r3}|1.本机关不掌握相关政府信息|0|0|0|0|0|0|0".into());
    t3.push("2.没有现成信息需要另行制作|0|0|0|0|0|0|0".into());
    t3.push("3.补正后申请内容仍不明确|0|0|0|0|0|0|0".into());
    t3.push("（五）不予处理{r5}|1.信访举报投诉类申请|0|0|0|0|0|0|0".into());
    for label in [
        "2.重复申请",
        "3.要求提供公开出版物",
        "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
    ] {
        t3.push(format!("{label}|0|0|0|0|0|0|0"));
    }
    t3.push("（六）其他处理{c2}|0|0|0|0|0|0|0".into());
    t3.push("（七）总计{c2}|3|1|0|0|0|0|4".into());
    t3.push("四、结转下年度继续办理{c3}|1|0|0|0|0|0|1".into());
    let t3: Vec<&str> = t3.iter().map(String::as_str).collect();

    vec![
        paragraph("示例市示例局2020年政府信息公开工作年度报告"),
        paragraph(
            "本报告依据《中华人民共和国政府信息公开条例》编制。本报告中数据统计时限自2020年1月1日至2020年12月31日。",
        ),
        paragraph("一、总体情况"),
        paragraph("2020年，示例局坚持以公开为常态、不公开为例外。"),
        paragraph("（一）主动公开情况"),
        paragraph("全年主动公开政府信息120条。"),
        paragraph("二、主动公开政府信息情况"),
        table(&[
            "第二十条第（一）项{c4}",
            "信息内容|本年新制作数量|本年新公开数量|对外公开总数量",
            "规章|0|0|0",
            "规范性文件|2|2|4",
            "第二十条第（五）项{c4}",
            "信息内容|上一年项目数量|本年增/减|处理决定数量",
            "行政许可|3|+1|5",
            "其他对外管理服务事项|0|0|0",
            "第二十条第（六）项{c4}",
            "信息内容|上一年项目数量|本年增/减|处理决定数量",
            "行政处罚|5|4|1",
            "行政强制|0|0|0",
            "第二十条第（八）项{c4}",
            "信息内容|上一年项目数量|本年增/减|",
            "行政事业性收费|0|0|",
            "第二十条第（九）项{c4}",
            "信息内容|采购项目数量|采购总金额|",
            "政府集中采购|28|20044679 元|",
        ]),
        paragraph("三、收到和处理政府信息公开申请情况"),
        table(&t3),
        paragraph("四、政府信息公开行政复议、行政诉讼情况"),
        table(&[
            "行政复议{c5}|行政诉讼{c10}",
            "结果维持{r2}|结果纠正{r2}|其他结果{r2}|尚未审结{r2}|总计{r2}|未经复议直接起诉{c5}|复议后起诉{c5}",
            "结果维持|结果纠正|其他结果|尚未审结|总计|结果维持|结果纠正|其他结果|尚未审结|总计",
            "1|0|0|0|1|0|0|0|0|0|0|0|0|0|0",
        ]),
        paragraph("五、存在的主要问题及改进情况"),
        paragraph("信息公开的及时性还需提高。下一步将加强培训。"),
        paragraph("六、其他需要报告的事项"),
        paragraph("无"),
    ]
}

/// Column paths with consecutive repeats removed (see `columns` in `document/layout.rs`:
/// a header cell merged over two header rows repeats in its column's path).
fn path(path: &[String]) -> Vec<String> {
    let mut path = path.to_vec();
    path.dedup();
    path
}

fn value(value: &CellValue) -> Value {
    serde_json::to_value(value).expect("cell value serialises")
}

/// What a document says, without positions: title, sections, and each table's bands with
/// caption, column paths, and data rows (label key and aligned values).
pub fn summary(document: &Document) -> Value {
    let title = document
        .title
        .as_ref()
        .map(|t| json!([t.text, t.agency, t.year]));
    let sections: Vec<Value> = document
        .sections
        .iter()
        .map(|s| json!([s.level, s.number, s.title]))
        .collect();
    let tables: Vec<Value> = document
        .tables
        .iter()
        .map(|t| {
            let bands: Vec<Value> = t
                .bands
                .iter()
                .map(|b| {
                    let columns: Vec<Value> = b
                        .columns
                        .iter()
                        .map(|c| json!({"label": c.label, "path": path(&c.path)}))
                        .collect();
                    let rows: Vec<Value> = b
                        .rows
                        .iter()
                        .map(|&r| &t.rows[r])
                        .filter(|r| r.kind == RowKind::Data)
                        .map(|r| {
                            let values: Vec<Value> = r
                                .aligned
                                .iter()
                                .map(|a| match a {
                                    Some(i) => value(&r.cells[*i].value),
                                    None => value(&CellValue::Blank),
                                })
                                .collect();
                            json!({"label": label_key(&r.label), "values": values, "malformed": r.malformed})
                        })
                        .collect();
                    json!({"caption": b.caption, "columns": columns, "rows": rows})
                })
                .collect();
            let section = t.section.map(|s| {
                let top = &document.sections[document.top_section(s)];
                top.title.clone()
            });
            json!({"section": section, "bands": bands})
        })
        .collect();
    json!({
        "title": title,
        "sections": sections,
        "tables": tables,
        "problems": document.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>(),
    })
}

/// Rows whose label cells are covered by a vertical merge (table 3's `三、本年度办理结果`,
/// `（三）不予公开`, …) carry the merged group label in markup, where the grid repeats it, but
/// not in text, where the covered field is empty. Everything else must be equal.
pub fn align_group_labels(docx: &mut Value, text: &Value) -> usize {
    let mut prefixed = 0;
    let tables = docx["tables"].as_array_mut().expect("tables");
    for (t, table) in tables.iter_mut().enumerate() {
        for (b, band) in table["bands"]
            .as_array_mut()
            .expect("bands")
            .iter_mut()
            .enumerate()
        {
            for (r, row) in band["rows"]
                .as_array_mut()
                .expect("rows")
                .iter_mut()
                .enumerate()
            {
                let want = &text["tables"][t]["bands"][b]["rows"][r]["label"];
                let (Some(have), Some(want)) = (row["label"].as_str(), want.as_str()) else {
                    continue;
                };
                if have != want {
                    assert!(
                        have.ends_with(want),
                        "table {t} band {b} row {r}: docx label {have:?} vs text label {want:?}"
                    );
                    prefixed += 1;
                    row["label"] = Value::String(want.to_owned());
                }
            }
        }
    }
    prefixed
}
