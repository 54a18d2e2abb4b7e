#!/usr/bin/env python3
"""Renders each corpus report into the layouts of real producers, from regulint's own model.

Python 3 standard library only. Input: the JSON dumps of `regulint::document::Document` that
`tests/layout_invariance.rs::dump_models_for_render_layouts` writes (one per original report), so
every rendering carries exactly the words and numbers regulint read from the original: each
paragraph's text, each table's header paths, row labels and cell texts. Output, per report, in
`tests/fixtures/layouts/<report>/`:

- `word.html`     Word "Save as Web Page" (filtered) HTML: `mso-` styles, `<p class=MsoNormal>`,
                  text split into many `<span>` runs at script changes and every few characters,
                  `<o:p>`, empty cells holding `<o:p>&nbsp;</o:p>`, the zero-height
                  `supportMisalignedColumns` width row, merged cells as Word writes them.
- `cms.html`      a government CMS page: site header, navigation, scripts, breadcrumbs, an
                  information table (索引号/发布机构), the title in an `<h1>` outside the content
                  `<div id="zoom" class="TRS_Editor">`, `&nbsp;` indents, a footer; tables with
                  the template's merged cells (三、本年度办理结果 rowspan, 法人或其他组织
                  colspan 5, table 4's three header rows), labels split by `<br>`; hidden text
                  (`display:none`) as anti-copy scripts insert it: stray characters in every
                  third paragraph, a digit after some numbers, a share widget; header rows in
                  `<thead>` as `<th>`; editor leftovers: an empty `<p><br/></p>` before each
                  heading and a zero-width space (U+200B) at its start.
- `nested.html`   an old-style page laid out with tables: the report (its tables included) sits
                  in a cell of a page-layout `<table>` beside a menu cell; its tables pasted
                  from Excel (`x:num`, `<col>`, one empty column too many); encoded GB18030
                  with `<meta charset=gb2312>`.
- `br-lines.html` pasted text: the paragraphs as `<br>`-separated lines of one `<div>`.
- `minimal.html`  bare HTML, ASCII only (every other character a numeric reference `&#20013;`):
                  `<p>` per paragraph, `<th>` headings, one label column holding the whole
                  label (no row merges).
- `word.docx`     WordprocessingML written here: runs split like Word's, rsids, proofing marks,
                  a bookmark, tracked insertions; `w:tbl` with `w:tblGrid`, `w:gridSpan` and
                  `w:vMerge` for the template's merged cells, repeated header rows, long labels
                  broken by `w:br`, long headings typed as two paragraphs.
- `word-numbered.docx`  the same with headings, and the items 1. 2. … in table label cells,
                  numbered by Word's automatic numbering.
- `pdf-converted.docx`  `word.docx` as a PDF-to-Word converter gives it back: a table longer
                  than a page (table 3) cut after its 16th row into two tables, the second
                  without header rows, its merged group cells restarting empty.

Tables in every rendering are laid out as the official template lays them out, rebuilt from
the model: column headers from the columns' header paths (one header row per level, a heading
spanning the columns under it, a leaf heading spanning down to the last header row), a band
caption (第二十条第（一）项) as a row across the whole table, the label column header from the
original's header text, and (but in `minimal.html`) each row label split at its item markers
(`三、` / `（三）` / `3.`) into label columns merged down over the rows that share them. A label
the original wrote without its group (a text export writes 三、本年度办理结果 only on its first
row) gets the group it stands under, as a real table has it; the invariance test therefore
compares labels up to such a group prefix. A band without columns (a fragment of a split table),
and a markup table with a malformed row, keep their grid as read. Values are the cells aligned to the columns; a malformed row, or one
with values that landed in no column, keeps all its values as written.

Usage: render.py DUMP_DIR OUT_DIR  (see run.sh, which also makes the PDFs)
"""

import html
import json
import re
import sys
import zipfile
from pathlib import Path

# --------------------------------------------------------------------------------------------
# The model → a neutral table layout
# --------------------------------------------------------------------------------------------

LEVEL1 = re.compile(r"[一二三四五六七八九十]+、")
LEVEL2 = re.compile(r"[（(][一二三四五六七八九十]+[）)]")
LEVEL3 = re.compile(r"\d{1,2}\s*[.．、](?!\d)")


def marker_level(text, at):
    """The level of an item marker starting at `at` (1 一、, 2 （一）, 3 1.), or 0."""
    if at == 0 and LEVEL1.match(text, at):
        return 1
    if LEVEL2.match(text, at):
        return 2
    if LEVEL3.match(text, at) and (at == 0 or not text[at - 1].isdigit()):
        return 3
    return 0


def split_label(label):
    """Splits a row label at its item markers into (level, text) segments."""
    cuts = [0] + [i for i in range(1, len(label)) if marker_level(label, i) > 1]
    segments = []
    for start, end in zip(cuts, cuts[1:] + [len(label)]):
        segments.append((marker_level(label, start), label[start:end]))
    return segments


def label_paths(labels):
    """Each label's path of segments, a marked item inheriting the groups it stands under."""
    paths = []
    context = []
    for label in labels:
        segments = split_label(label)
        first = segments[0][0]
        if first > 0:
            inherited = [s for s in context if 0 < s[0] < first]
            path = inherited + segments
        else:
            path = segments
        context = path
        paths.append([text for _, text in path])
    return paths


class Cell:
    """A cell of a rendered table."""

    def __init__(self, text, colspan=1, rowspan=1, header=False, kind="value"):
        self.text = text
        self.colspan = colspan
        self.rowspan = rowspan
        self.header = header
        self.kind = kind  # "value", "label", "head", "caption"


def grid_rows(table, row_indices):
    """The original's grid rows, merged copies folded back into spans."""
    rows = [table["rows"][r] for r in row_indices]
    out = []
    for ri, row in enumerate(rows):
        cells = []
        gi = 0
        while gi < len(row["cells"]):
            cell = row["cells"][gi]
            if cell.get("merged"):
                gi += 1
                continue
            colspan = 1
            while (
                gi + colspan < len(row["cells"])
                and row["cells"][gi + colspan].get("merged")
                and row["cells"][gi + colspan]["span"] == cell["span"]
            ):
                colspan += 1
            rowspan = 1
            while ri + rowspan < len(rows):
                below = rows[ri + rowspan]["cells"]
                if gi < len(below) and below[gi].get("merged") and below[gi]["span"] == cell["span"]:
                    rowspan += 1
                else:
                    break
            kind = "head" if row["kind"] == "header" else ("label" if gi == 0 else "value")
            cells.append(Cell(cell["text"], colspan, rowspan, row["kind"] == "header", kind))
            gi += colspan
        out.append(cells)
    return out


def row_values(table, row, ncols):
    """The value texts of a data row: aligned to the columns, or all as written if malformed."""
    data = table["rows"][row]
    cells = data["cells"]
    written = [cells[i]["text"] for i in data["values"] if not cells[i].get("merged")]
    landed = len({i for i in data["aligned"] if i is not None and cells[i]["text"] and not cells[i].get("merged")})
    # A value that landed in no column (malformed row, or a fragment whose numbers the layout
    # could not place) is kept: the rendering carries every number the original has.
    if data["malformed"]:
        # Every grid position as read, merged copies included: they are why it is malformed.
        return [cells[i]["text"] for i in data["values"]]
    if len(data["aligned"]) != ncols or landed < sum(1 for t in written if t):
        return written
    return [cells[i]["text"] if i is not None else "" for i in data["aligned"]]


def stub_text(table, band):
    """The original's header text over the label columns (e.g. 信息内容)."""
    first = min(c["grid"] for c in band["columns"])
    seen = []
    for r in band["rows"]:
        row = table["rows"][r]
        if row["kind"] != "header":
            continue
        for gi, cell in enumerate(row["cells"][:first]):
            text = cell["text"]
            if text and not cell.get("merged") and text != band.get("caption") and text not in seen:
                seen.append(text)
    return "".join(seen)


def template_rows(table, split=True):
    """The table as the official template lays it out (see the module doc), or None."""
    bands = table["bands"]
    if not bands or any(not b["columns"] for b in bands):
        return None
    if table["kind"] == "markup" and any(table["rows"][r]["malformed"] for b in bands for r in b["rows"]):
        # A misaligned markup table (values under no heading) keeps its own grid: rebuilt, the
        # misalignment could not be reproduced without inventing cells.
        return None
    laid = []
    for band in bands:
        data = [r for r in band["rows"] if table["rows"][r]["kind"] == "data"]
        caption = band.get("caption")
        paths = []
        for col in band["columns"]:
            path = list(col["path"])
            if caption and path and path[0] == caption and len(path) > 1:
                path = path[1:]
            paths.append(path)
        labels = [table["rows"][r]["label"] for r in data]
        labels = label_paths(labels) if split else [[label] for label in labels]
        values = [row_values(table, r, len(band["columns"])) for r in data]
        laid.append((band, caption, paths, labels, values))
    # No label column when no row has a label (table 4: one row of 15 values).
    nlabel = max([0] + [len(p) for _, _, _, labels, _ in laid for p in labels if p != [""]])
    if not split:
        nlabel = min(nlabel, 1)
    nvalue = max([len(paths) for _, _, paths, _, _ in laid] + [len(v) for _, _, _, _, vals in laid for v in vals])
    width = nlabel + nvalue
    out = []
    for band, caption, paths, labels, values in laid:
        if caption:
            out.append([Cell(caption, colspan=width, header=True, kind="caption")])
        depth = max(len(p) for p in paths)
        header = [[] for _ in range(depth)]
        if nlabel:
            header[0].append(Cell(stub_text(table, band), colspan=nlabel, rowspan=depth, header=True, kind="head"))
        ncols = len(paths)
        for level in range(depth):
            c = 0
            while c < ncols:
                path = paths[c]
                if len(path) <= level:
                    c += 1
                    continue
                n = 1
                if len(path) > level + 1:
                    while (
                        c + n < ncols
                        and len(paths[c + n]) > level + 1
                        and paths[c + n][: level + 1] == path[: level + 1]
                    ):
                        n += 1
                rowspan = depth - level if len(path) == level + 1 else 1
                cell = Cell(path[level], colspan=n, rowspan=rowspan, header=True, kind="head")
                if c + n == ncols and ncols < nvalue:
                    cell.colspan += nvalue - ncols
                header[level].append(cell)
                c += n
        out.extend(header)
        # Row labels: a segment merges down over the following rows sharing the path to it.
        for i, (path, vals) in enumerate(zip(labels, values)):
            cells = []
            if path == [""] and not nlabel:
                path = []
            for k, seg in enumerate(path):
                leaf = k == len(path) - 1
                if not leaf and i > 0 and labels[i - 1][: k + 1] == path[: k + 1] and len(labels[i - 1]) > k + 1:
                    continue  # covered by the cell above
                rowspan = 1
                if not leaf:
                    while (
                        i + rowspan < len(labels)
                        and labels[i + rowspan][: k + 1] == path[: k + 1]
                        and len(labels[i + rowspan]) > k + 1
                    ):
                        rowspan += 1
                colspan = nlabel - len(path) + 1 if leaf else 1
                cells.append(Cell(seg, colspan=colspan, rowspan=rowspan, kind="label"))
            for j, v in enumerate(vals):
                cell = Cell(v)
                if j == len(vals) - 1 and len(vals) < nvalue:
                    cell.colspan += nvalue - len(vals)
                cells.append(cell)
            out.append(cells)
    return out


def grid_layout(table):
    return grid_rows(table, range(len(table["rows"])))


def report_blocks(model):
    """The report as ('p', text, role) and ('t', rows) items in reading order."""
    title = (model.get("title") or {}).get("text") or ""
    first_section = next((s["first_block"] for s in model["sections"] if s["level"] == 1), None)
    heading_blocks = {s["first_block"]: s for s in model["sections"]}
    items = []
    for i, block in enumerate(model["blocks"]):
        if block["kind"] == "paragraph":
            text = block["text"]["text"]
            role = "body"
            heading = None
            if i in heading_blocks:
                role = "heading"
                section = heading_blocks[i]
                # The marker as a list number can stand for: only where the text starts with it.
                if text.startswith(section["marker"]):
                    heading = section
            elif (first_section is None or i < first_section) and text and text in title:
                role = "title"
            items.append(("p", text, role, heading))
        else:
            table = model["tables"][block["table"]]
            items.append(("t", table))
    return items


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

def esc(text):
    return html.escape(text, quote=False)


def runs(text, every=7):
    """Splits text as Word splits runs: at changes between CJK and ASCII, and every few chars."""
    out = []
    current = ""
    for ch in text:
        ascii_now = ord(ch) < 0x2E80
        if current and ((ord(current[-1]) < 0x2E80) != ascii_now or len(current) >= every):
            out.append(current)
            current = ""
        current += ch
    if current:
        out.append(current)
    return out


def anti_copy(text, seed):
    """Paragraph text with hidden characters inserted, as some sites do against copying
    (`<span style="display:none">`); every third paragraph, after its 6th character."""
    if seed % 3 or len(text) < 8:
        return esc(text)
    return esc(text[:6]) + f'<span style="display:none">{seed % 10}{seed % 7}</span>' + esc(text[6:])


def br_split(text, at=6):
    """A long label split in two by `<br>`, as CMS editors break narrow cells."""
    if len(text) <= at or text.isdigit():
        return esc(text)
    cut = len(text) // 2
    return esc(text[:cut]) + "<br>" + esc(text[cut:])


def word_runs_html(text):
    parts = []
    for run in runs(text):
        if ord(run[0]) < 0x2E80:
            parts.append(f"<span lang=EN-US style='font-size:16.0pt;font-family:\"Times New Roman\",serif'>{esc(run)}</span>")
        else:
            parts.append(f"<span style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\"'>{esc(run)}</span>")
    return "".join(parts)


def table_html(rows, style):
    """A table in one of the HTML styles."""
    out = []
    if style == "word":
        out.append(
            "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
            "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
            "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"
        )
    elif style == "cms":
        out.append('<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;">')
    width = max(sum(c.colspan for c in r) for r in rows) if rows else 0
    if style == "nested":
        # Pasted from Excel: `x:num` cells, `<col>` widths, and one empty column too many.
        out.append(
            "<table x:str border=0 cellpadding=0 cellspacing=0 style='border-collapse:collapse;table-layout:fixed'>"
        )
        out.append(f"<col width=72 span={width + 1} style='width:54pt'>")
    elif style != "word" and style != "cms":
        out.append("<table border=1>")
    header_rows = 0
    while header_rows < len(rows) and all(c.header for c in rows[header_rows]):
        header_rows += 1
    for ri, row in enumerate(rows):
        if style == "cms" and ri == 0:
            # The editor's table: header rows in `<thead>` with `<th>`, the rest in `<tbody>`.
            out.append("<thead>" if header_rows else "<tbody>")
        if style == "cms" and ri == header_rows and header_rows:
            out.append("</thead>\n<tbody>")
        attrs = f" style='mso-yfti-irow:{ri}'" if style == "word" else ""
        out.append(f"<tr{attrs}>")
        for cell in row:
            span = ""
            if cell.colspan > 1:
                span += f" colspan={cell.colspan}" if style == "word" else f' colspan="{cell.colspan}"'
            if cell.rowspan > 1:
                span += f" rowspan={cell.rowspan}" if style == "word" else f' rowspan="{cell.rowspan}"'
            if style == "word":
                paragraphs = [cell.text]
                if cell.kind == "head" and len(cell.text) > 12:
                    # A long heading typed as two paragraphs of the cell.
                    cut = len(cell.text) // 2
                    paragraphs = [cell.text[:cut], cell.text[cut:]]
                if cell.text:
                    parts = [word_runs_html(t).replace("16.0pt", "10.5pt") for t in paragraphs]
                    if cell.header or cell.kind == "caption":
                        parts = [f"<b>{part}</b>" for part in parts]
                    inner = "<o:p></o:p></p>\n<p class=MsoNormal align=center style='text-align:center'>".join(parts)
                else:
                    inner = "<span lang=EN-US><o:p>&nbsp;</o:p></span>"
                # The template's tall group cells (三、本年度办理结果) are written vertically.
                vertical = ";layout-flow:vertical-ideographic" if cell.rowspan >= 4 and cell.kind == "label" else ""
                cell_width = (96 if cell.kind == "label" else 56) * cell.colspan
                out.append(
                    f"<td width={cell_width} valign=top{span} style='border:solid windowtext 1.0pt;"
                    f"mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt{vertical}'>"
                    f"<p class=MsoNormal align=center style='text-align:center'>{inner}<o:p></o:p></p></td>"
                )
            elif style == "cms":
                if not cell.text:
                    inner = "&nbsp;"
                elif cell.kind in ("label", "head"):
                    inner = br_split(cell.text)
                elif ri % 4 == 3:
                    # A hidden digit after the number, as anti-copy scripts insert.
                    inner = esc(cell.text) + '<span style="display:none">7</span>'
                else:
                    inner = esc(cell.text)
                tag = "th" if ri < header_rows else "td"
                out.append(f'<{tag}{span} style="text-align:center;"><p style="text-align:center;">{inner}</p></{tag}>')
            elif style == "nested":
                number = cell.kind == "value" and re.fullmatch(r"-?[0-9.]+", cell.text)
                kind = " class=xl66 x:num" if number else " class=xl65"
                out.append(f"<td{span}{kind}>{esc(cell.text)}</td>")
            else:
                tag = "th" if cell.header else "td"
                out.append(f"<{tag}{span}>{esc(cell.text)}</{tag}>")
        if style == "nested":
            out.append("<td class=xl67></td>")
        out.append("</tr>")
    if style == "word" and width:
        out.append("<![if !supportMisalignedColumns]>")
        out.append("<tr height=0>" + "<td width=64 style='border:none'></td>" * width + "</tr>")
        out.append("<![endif]>")
    if style == "cms":
        out.append("</tbody>" if header_rows < len(rows) else "</thead>")
    out.append("</table>")
    return "\n".join(out)


def laid_table(table, split):
    rows = template_rows(table, split)
    return rows if rows is not None else grid_layout(table)


def body_html(items, style):
    out = []
    for item in items:
        if item[0] == "p":
            _, text, role, heading = item
            if style == "word" and heading and heading["level"] in (1, 2):
                # Word's export of a list paragraph: the number in a span Word ignores on
                # import, inside a downlevel-revealed conditional comment.
                level = heading["level"]
                marker = heading["marker"]
                out.append(
                    f"<p class=MsoListParagraph style='margin-left:0cm;text-indent:32.0pt;"
                    f"mso-char-indent-count:2.0;line-height:28.0pt;mso-list:l0 level{level} lfo1'>"
                    "<![if !supportLists]><b><span style='font-family:黑体;mso-bidi-font-family:黑体'>"
                    f"<span style='mso-list:Ignore'>{esc(marker)}<span style='font:7.0pt \"Times New Roman\"'>"
                    "&nbsp;&nbsp;&nbsp; </span></span></span></b><![endif]>"
                    f"<b><span style='font-family:黑体'>{word_runs_html(text[len(marker):])}</span></b><o:p></o:p></p>"
                )
            elif style == "word":
                if role == "title":
                    out.append(
                        "<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt'>"
                        f"<b>{word_runs_html(text).replace('仿宋_GB2312', '方正小标宋简体')}</b><o:p></o:p></p>"
                    )
                elif role == "heading":
                    out.append(
                        "<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'>"
                        f"<b><span style='font-family:黑体'>{word_runs_html(text)}</span></b><o:p></o:p></p>"
                    )
                else:
                    out.append(
                        "<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'>"
                        f"{word_runs_html(text)}<o:p></o:p></p>"
                    )
            elif style == "cms":
                if role == "title":
                    out.append(f'<p style="text-align:center;"><strong>{esc(text)}</strong></p>')
                elif role == "heading":
                    # The editor's empty line before a heading, and its zero-width filler
                    # character (U+200B) left in an inline element.
                    out.append("<p><br/></p>")
                    out.append(f'<p style="text-indent:2em;">&nbsp;&nbsp;<strong>\u200b{esc(text)}</strong></p>')
                else:
                    out.append(f'<p style="text-indent:2em;">&nbsp;&nbsp;&nbsp;&nbsp;{anti_copy(text, len(out))}</p>')
            else:
                out.append(f"<p>{esc(text)}</p>")
        else:
            out.append(table_html(laid_table(item[1], split=style != "minimal"), style))
    return "\n".join(out)


WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"
xmlns="http://www.w3.org/TR/REC-html40">

<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<meta name=Originator content="Microsoft Word 15">
<title>{title}</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>admin</o:Author>
  <o:Pages>6</o:Pages>
 </o:DocumentProperties>
</xml><![endif]-->
<!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Print</w:View>
  <w:SpellingState>Clean</w:SpellingState>
  <w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing>
  <w:DisplayHorizontalDrawingGridEvery>0</w:DisplayHorizontalDrawingGridEvery>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face
	{{font-family:仿宋_GB2312;
	panose-1:2 1 6 9 3 1 1 1 1 1;
	mso-font-charset:134;}}
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{mso-style-unhide:no;
	mso-style-qformat:yes;
	mso-style-parent:"";
	margin:0cm;
	text-align:justify;
	text-justify:inter-ideograph;
	mso-pagination:none;
	font-size:10.5pt;
	mso-bidi-font-size:12.0pt;
	font-family:"Calibri",sans-serif;
	mso-fareast-font-family:宋体;
	mso-font-kerning:1.0pt;}}
@page WordSection1
	{{size:595.3pt 841.9pt;
	margin:72.0pt 90.0pt 72.0pt 90.0pt;
	mso-header-margin:42.55pt;
	mso-footer-margin:49.6pt;
	mso-paper-source:0;
	layout-grid:15.6pt;}}
div.WordSection1
	{{page:WordSection1;}}
-->
</style>
</head>

<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>

<div class=WordSection1 style='layout-grid:15.6pt'>
"""


def word_html(items, title):
    return WORD_HEAD.format(title=esc(title)) + body_html(items, "word") + "\n</div>\n\n</body>\n\n</html>\n"


def cms_html(items, title, agency):
    # The title goes outside the content element, as CMS templates print it.
    rest = list(items)
    heading = ""
    if rest and rest[0][0] == "p" and rest[0][2] == "title" and rest[0][1] == title:
        heading = rest.pop(0)[1]
    nav = "".join(
        f'<li><a href="/{slug}/index.html">{name}</a></li>'
        for slug, name in [("", "首页"), ("zwgk", "政务公开"), ("zwfw", "政务服务"), ("hdjl", "互动交流"), ("zjxx", "走进本地")]
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="SiteName" content="政府门户网站">
<meta name="ArticleTitle" content="{html.escape(title)}">
<title>{esc(title)}_政府信息公开年报_政府门户网站</title>
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); hm.src = "/stat.js?id=1"; document.getElementsByTagName("head")[0].appendChild(hm); }})();</script>
</head>
<body>
<div class="top-bar"><div class="w1200"><span>欢迎访问政府门户网站</span><a href="/wza/">无障碍浏览</a> <a href="/en/">English</a></div></div>
<div class="header"><div class="w1200"><a class="logo" href="/"><img src="/images/logo.png" alt="政府门户网站"></a>
<div class="search"><form action="/search"><input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form></div></div></div>
<div class="nav-bar"><ul class="nav">{nav}</ul></div>
<div class="main w1200">
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/gknb/">政府信息公开年报</a></div>
<table class="xxgk-info" width="100%">
<tr><td class="key">索&nbsp;引&nbsp;号：</td><td>014000000/2024-00012</td><td class="key">主题分类：</td><td>政务公开</td></tr>
<tr><td class="key">发布机构：</td><td>{esc(agency or "")}</td><td class="key">文&nbsp;&nbsp;&nbsp;&nbsp;号：</td><td></td></tr>
</table>
<div class="article">
<div class="article-title"><h1>{esc(heading)}</h1></div>
<div class="article-info"><span>来源：本站</span> <span>浏览次数：<script>document.write(123)</script></span> <span class="font-size">字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></span></div>
<div id="zoom" class="TRS_Editor">
{body_html(rest, "cms")}
<div class="share" style="display: none">分享到：微信 微博 阅读量 2024</div>
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div class="footer"><div class="w1200"><p>主办单位：人民政府办公室 &nbsp; 网站标识码：0000000000 &nbsp; 备案号：苏ICP备00000000号</p>
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p></div></div>
<script src="/js/share.js"></script>
</body>
</html>
"""


def nested_html(items, title):
    menu = "".join(f'<tr><td height="28"><a href="/list{i}.html">{name}</a></td></tr>' for i, name in enumerate(["机构职能", "政策文件", "规划计划", "政府信息公开年报", "依申请公开"]))
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{esc(title)}</title>
</head>
<body topmargin="0" leftmargin="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td colspan="2" height="120" background="/images/banner.jpg">&nbsp;</td></tr>
<tr>
<td width="200" valign="top"><table width="100%" border="0" cellspacing="0" cellpadding="0">{menu}</table></td>
<td width="780" valign="top">
<table width="100%" border="0" cellspacing="0" cellpadding="8">
<tr><td class="content">
{body_html(items, "nested")}
</td></tr>
</table>
</td>
</tr>
<tr><td colspan="2" align="center" height="60">版权所有 &copy; 人民政府</td></tr>
</table>
</body>
</html>
"""


def br_lines_html(items, title):
    """A pasted-text CMS page: the report's paragraphs as lines of one `<div>`, split by `<br>`
    and indented with two ideographic spaces (U+3000), its tables among them."""
    out = []
    lines = []

    def flush():
        if lines:
            out.append("<br>\n".join(lines))
            lines.clear()

    for item in items:
        if item[0] == "p":
            lines.append("\u3000\u3000" + esc(item[1]))
        else:
            flush()
            out.append(table_html(laid_table(item[1], split=True), "cms"))
    flush()
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{esc(title)}</title></head>\n<body>\n'
        + '<div class="content">\n'
        + "\n".join(out)
        + "\n</div>\n</body></html>\n"
    )


def minimal_html(items, title):
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{esc(title)}</title></head>\n<body>\n'
        + body_html(items, "minimal")
        + "\n</body></html>\n"
    )


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def xesc(text):
    return html.escape(text, quote=True)


def docx_runs(text, bold=False, size=32):
    out = []
    rpr_b = "<w:b/><w:bCs/>" if bold else ""
    for run in runs(text, every=9):
        fonts = '<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/>'
        space = ' xml:space="preserve"' if run != run.strip() else ""
        out.append(f"<w:r><w:rPr>{fonts}{rpr_b}<w:sz w:val=\"{size}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr><w:t{space}>{xesc(run)}</w:t></w:r>")
    return "".join(out)


def word_noise(runs_xml, index):
    """What Word leaves between runs: proofing marks, a bookmark, a tracked insertion."""
    if len(runs_xml) > 2:
        runs_xml[1] = '<w:proofErr w:type="gramStart"/>' + runs_xml[1] + '<w:proofErr w:type="gramEnd"/>'
    if index % 5 == 0 and len(runs_xml) > 1:
        runs_xml[-1] = (
            f'<w:ins w:id="{index + 100}" w:author="admin" w:date="2024-01-10T09:00:00Z">{runs_xml[-1]}</w:ins>'
        )
    if index == 0:
        runs_xml.insert(0, '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>')
    return "".join(runs_xml)


def docx_run_list(text, bold=False, size=32):
    return [r for r in re.findall(r"<w:r>.*?</w:r>", docx_runs(text, bold, size))]


LIST_LEVELS = {1: ("%1、", "chineseCounting"), 2: ("（%2）", "chineseCounting")}


def list_marker(level, number):
    """The marker Word's numbering prints for `number` at `level` (levels 1 and 2 only)."""
    digits = "一二三四五六七八九十"
    if not 1 <= number <= 10:
        return None
    return LIST_LEVELS[level][0].replace(f"%{level}", digits[number - 1]) if level in LIST_LEVELS else None


def docx_paragraph(text, role, index=1, numbering=None):
    """A paragraph; `numbering` = (style, ilvl) makes Word's list numbering print the marker."""
    rsid = f' w:rsidR="00{index:06X}" w:rsidRDefault="00{index:06X}"'
    if role == "title":
        ppr = '<w:pPr><w:jc w:val="center"/><w:spacing w:line="560" w:lineRule="exact"/></w:pPr>'
        return f"<w:p{rsid}>{ppr}{word_noise(docx_run_list(text, bold=True, size=44), index)}</w:p>"
    indent = '<w:ind w:firstLineChars="200" w:firstLine="640"/><w:spacing w:line="560" w:lineRule="exact"/>'
    if numbering:
        how, marker = numbering
        text = text[len(marker):]
        numpr = f'<w:pStyle w:val="{how}"/>' if how.startswith("Heading") else f'<w:numPr><w:ilvl w:val="{how}"/><w:numId w:val="1"/></w:numPr>'
        ppr = f"<w:pPr>{numpr}{indent}</w:pPr>"
    else:
        ppr = f"<w:pPr>{indent}</w:pPr>"
    if role == "heading" and not numbering:
        text = "\u200b" + text  # pasted from a web page: the editor's zero-width filler
    return f"<w:p{rsid}>{ppr}{word_noise(docx_run_list(text, bold=role == 'heading'), index)}</w:p>"


def docx_table(rows, lists=None, split_after=None):
    """A table; with `lists` (a dict shared across the document), item labels `1.`, `2.` …
    in label cells are numbered by Word lists, one list instance per run of items restarting
    at 1 (`w:startOverride`), as authors number 1.属于国家秘密 … under each group. With
    `split_after`, a long table is cut there into two tables (a page break in a PDF converted to
    Word), the second without header rows, merged cells restarting empty."""
    # Place cells on the grid so vertically merged positions get their continue cells.
    width = max(sum(c.colspan for c in r) for r in rows)
    grid = [[None] * width for _ in rows]
    for ri, row in enumerate(rows):
        col = 0
        for cell in row:
            while col < width and grid[ri][col] is not None:
                col += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if ri + dr < len(rows) and col + dc < width:
                        grid[ri + dr][col + dc] = ("start" if dr == 0 else "cont", cell) if dc == 0 else ("skip", cell)
            col += cell.colspan
    # Label columns wide, value columns sharing the rest (twentieths of a point).
    label_columns = {
        c for r in range(len(rows)) for c in range(width) if grid[r][c] and grid[r][c][1].kind == "label"
    }
    label_width = 1500 if label_columns else 0
    value_width = max(480, (8300 - label_width * len(label_columns)) // max(1, width - len(label_columns)))
    widths = [label_width if c in label_columns else value_width for c in range(width)]
    out = [
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/><w:tblBorders>'
        + "".join(f'<w:{b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for b in ["top", "left", "bottom", "right", "insideH", "insideV"])
        + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr>'
    ]
    out.append("<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>")
    opening = "".join(out)
    if split_after is not None and (len(rows) < split_after + 6 or all(c.header for c in rows[split_after])):
        split_after = None
    for ri in range(len(rows)):
        if ri == split_after:
            # A page break, as a PDF-to-Word converter writes it: a new table, no header.
            out.append("</w:tbl><w:p/>" + opening)
        # Header rows repeat on each page, as the template sets them.
        header_row = all(c.header for c in rows[ri]) and split_after is None
        out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if header_row else "<w:tr>")
        for ci in range(width):
            slot = grid[ri][ci]
            if slot is None:
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[ci]}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
                continue
            what, cell = slot
            if what == "skip":
                continue
            props = f'<w:tcW w:w="{sum(widths[ci:ci + cell.colspan])}" w:type="dxa"/>'
            if cell.colspan > 1:
                props += f'<w:gridSpan w:val="{cell.colspan}"/>'
            if what == "cont" and ri == split_after:
                # The merged cell's rest after the break: a new, empty merged cell.
                continues = ri + 1 < len(rows) and grid[ri + 1][ci] == ("cont", cell)
                props += '<w:vMerge w:val="restart"/>' if continues else ""
                out.append(f"<w:tc><w:tcPr>{props}</w:tcPr><w:p/></w:tc>")
                continue
            if cell.rowspan > 1:
                props += '<w:vMerge w:val="restart"/>' if what == "start" else "<w:vMerge/>"
            if cell.rowspan >= 4 and cell.kind == "label":
                # The template's tall group cells (三、本年度办理结果) are written vertically.
                props += '<w:textDirection w:val="tbRlV"/>'
            props += '<w:vAlign w:val="center"/>'
            centre = '<w:pPr><w:jc w:val="center"/></w:pPr>'
            text = cell.text
            item = re.match(r"(\d{1,2})\.(?!\d)", text) if lists is not None and cell.kind == "label" else None
            if item and what == "start":
                number = int(item.group(1))
                if number == 1:
                    lists["instances"].append(lists["next_id"])
                    lists["next_id"] += 1
                    lists["expected"] = 1
                if lists["instances"] and number == lists["expected"]:
                    lists["expected"] += 1
                    text = text[item.end():]
                    centre = (
                        f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{lists["instances"][-1]}"/></w:numPr>'
                        '<w:jc w:val="center"/></w:pPr>'
                    )
            if what == "cont" or not text:
                body = "<w:p/>"
            elif cell.kind == "head" and len(text) > 12:
                # A long heading typed as two paragraphs.
                cut = len(text) // 2
                body = "".join(
                    f"<w:p>{centre}{docx_runs(part, bold=True, size=18)}</w:p>" for part in (text[:cut], text[cut:])
                )
            elif cell.kind in ("label", "head") and len(text) > 8:
                # A long label broken by a manual line break (Shift+Enter).
                cut = len(text) // 2
                body = (
                    f"<w:p>{centre}{docx_runs(text[:cut], bold=cell.header, size=18)}"
                    f"<w:r><w:br/></w:r>{docx_runs(text[cut:], bold=cell.header, size=18)}</w:p>"
                )
            else:
                body = f"<w:p>{centre}{docx_runs(text, bold=cell.header, size=18)}</w:p>"
            out.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def numbering_xml(item_lists):
    """Heading numbering (abstract list 0, instance 1) and one instance of the item list
    (abstract list 1, `%1.`) per run of numbered table items."""
    items = "".join(
        f'<w:num w:numId="{i}"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        for i in item_lists
    )
    return NUMBERING_XML.replace("</w:numbering>", items + "</w:numbering>")


NUMBERING_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{W}">'
    '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="Heading1"/>'
    '<w:suff w:val="nothing"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
    '<w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:lvlJc w:val="left"/></w:lvl>'
    '</w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/>'
    '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    "</w:numbering>"
)

STYLES_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
    '<w:qFormat/><w:pPr><w:keepNext/><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr>'
    '<w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="32"/></w:rPr></w:style>'
    "</w:styles>"
)

DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)


def docx_bytes(items, numbered=False, split_after=None):
    """The DOCX; `numbered`: headings 一、 and （一） numbered by Word's automatic numbering
    (level 1 through the Heading1 paragraph style, level 2 by direct `w:numPr`), wherever the
    number written is the one the list would print; other headings keep their typed marker."""
    body = []
    counters = {1: 0, 2: 0}
    lists = {"next_id": 10, "instances": [], "expected": 0}
    for index, item in enumerate(items):
        if item[0] == "p":
            numbering = None
            heading = item[3]
            if numbered and heading and heading["level"] in (1, 2):
                level, number = heading["level"], heading["number"]
                marker = list_marker(level, counters[level] + 1)
                if number == counters[level] + 1 and marker == heading["marker"]:
                    counters[level] += 1
                    if level == 1:
                        counters[2] = 0
                    numbering = ("Heading1" if level == 1 else "1", marker)
            body.append(docx_paragraph(item[1], item[2], index, numbering))
        else:
            body.append(docx_table(laid_table(item[1], True), lists if numbered else None, split_after))
            body.append("<w:p/>")
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<w:body>" + "".join(body)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" '
        'w:left="1800" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        + (
            '<Override PartName="/word/numbering.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
            '<Override PartName="/word/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
            if numbered
            else ""
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        # A fixed timestamp keeps regenerated files byte-identical.
        parts = [("[Content_Types].xml", content_types), ("_rels/.rels", rels), ("word/document.xml", document)]
        if numbered:
            parts += [("word/numbering.xml", numbering_xml(lists["instances"])), ("word/styles.xml", STYLES_XML), ("word/_rels/document.xml.rels", DOCUMENT_RELS)]
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------


def main():
    dump, out = Path(sys.argv[1]), Path(sys.argv[2])
    for path in sorted(dump.glob("*.json")):
        model = json.loads(path.read_text(encoding="utf-8"))
        stem = path.stem
        items = report_blocks(model)
        title = (model.get("title") or {}).get("text") or stem
        agency = (model.get("title") or {}).get("agency")
        folder = out / stem
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "word.html").write_text(word_html(items, title), encoding="utf-8")
        (folder / "cms.html").write_text(cms_html(items, title, agency), encoding="utf-8")
        # Old sites serve GBK (GB18030 is its superset: every character of the report fits).
        (folder / "nested.html").write_bytes(nested_html(items, title).encode("gb18030"))
        # Some generators write everything outside ASCII as numeric character references.
        ascii_only = re.sub(r"[^\x00-\x7f]", lambda m: f"&#{ord(m.group())};", minimal_html(items, title))
        (folder / "minimal.html").write_text(ascii_only, encoding="ascii")
        (folder / "br-lines.html").write_text(br_lines_html(items, title), encoding="utf-8")
        (folder / "word.docx").write_bytes(docx_bytes(items))
        (folder / "word-numbered.docx").write_bytes(docx_bytes(items, numbered=True))
        # Only where a table is long enough to be cut; otherwise it would be word.docx again.
        converted = docx_bytes(items, split_after=16)
        if converted != docx_bytes(items):
            (folder / "pdf-converted.docx").write_bytes(converted)
        else:
            (folder / "pdf-converted.docx").unlink(missing_ok=True)
        print(f"rendered {stem}")


if __name__ == "__main__":
    main()
