#!/usr/bin/env python3
"""Writes the PDF reader's fixtures into tests/fixtures/readers/pdf/.

Hostile and edge-case files (and one small well-formed file with a table drawn without rules) are built here with the standard library only (each file is named
for what it exercises). The real-producer fixture is made from a corpus report with LibreOffice
when it and Chromium are installed (`--producers`); tests never need LibreOffice, they read the committed PDF.

    python3 scripts/make-pdf-fixtures.py              # hostile fixtures
    python3 scripts/make-pdf-fixtures.py --producers  # also re-render the LibreOffice and
                                                      # Chromium fixtures
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "readers", "pdf")
CORPUS = os.environ.get("REGULINT_CORPUS", os.path.join(ROOT, "..", "shared", "corpus"))


def pdf(objects, trailer_extra=b"", root=1):
    """Serialises objects (bytes bodies, numbered from 1) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        trailer_extra,
        xref,
    )
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_page_objects(content):
    """Catalog, pages, one page with Helvetica, and its content stream."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]


SIMPLE_TEXT = b"BT /F1 12 Tf 72 770 Td (Annual report 2023) Tj ET"


def scanned_no_text_layer():
    """A page that only paints an image (here a grey rectangle standing in for a scan)."""
    content = b"q 0.5 g 40 40 515 762 re f Q"
    objects = text_page_objects(content)
    return pdf(objects)


def truncated():
    """A valid one-page text PDF cut in the middle of its objects (no xref, no trailer)."""
    whole = pdf(text_page_objects(SIMPLE_TEXT))
    return whole[: len(whole) // 2]


def deep_nesting():
    """An object nested 100 000 arrays deep: a parser that recurses would overflow its stack."""
    objects = text_page_objects(SIMPLE_TEXT)
    objects.append(b"[" * 100_000 + b"]" * 100_000)
    return pdf(objects)


def flate_bomb():
    """A 150 MiB stream of zeros compressed to ~150 KiB (over the 128 MiB budget)."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    data = b"".join(compressor.compress(chunk) for _ in range(150)) + compressor.flush()
    objects = text_page_objects(SIMPLE_TEXT)
    objects.append(stream(data, b"/Filter /FlateDecode "))
    return pdf(objects)


def page_count_bomb():
    """A page tree whose Kids name the same page 5000 times: a huge page count in 40 KiB."""
    objects = text_page_objects(SIMPLE_TEXT)
    kids = b" ".join([b"3 0 R"] * 5000)
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count 5000 >>"
    return pdf(objects)


PADDING = bytes.fromhex(
    "28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A"
)


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted(user):
    """Standard security handler, RC4 40-bit (R2), with the given user password."""
    owner = b"owner"
    pad = lambda pw: (pw + PADDING)[:32]
    o_key = hashlib.md5(pad(owner)).digest()[:5]
    o_value = rc4(o_key, pad(user))
    permissions = -4
    file_id = hashlib.md5(b"regulint fixture").digest()
    key = hashlib.md5(
        pad(user) + o_value + permissions.to_bytes(4, "little", signed=True) + file_id
    ).digest()[:5]
    u_value = rc4(key, PADDING)
    objects = text_page_objects(SIMPLE_TEXT)
    object_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
    objects[3] = stream(rc4(object_key, SIMPLE_TEXT))
    objects.append(
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (o_value.hex().encode(), u_value.hex().encode(), permissions)
    )
    extra = b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (
        len(objects),
        file_id.hex().encode(),
        file_id.hex().encode(),
    )
    return pdf(objects, extra)


def not_a_pdf():
    """Bytes named .pdf that are not a PDF at all (an HTML error page saved as report.pdf)."""
    return "<html><body>404 Not Found</body></html>\n".encode()


def many_pages():
    """1200 distinct (empty-but-one) pages: over the 1000-page limit."""
    count = 1200
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    objects.append(stream(SIMPLE_TEXT))  # 3: shared content
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")  # 4
    kids = []
    for _ in range(count):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % count
    return pdf(objects)


def parser_panic():
    """A simple font whose /Encoding names no encoding: pdf-extract panics on it, and the reader
    must turn the panic into an error."""
    objects = text_page_objects(SIMPLE_TEXT)
    objects[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /NoSuchEncoding >>"
    return pdf(objects)


def unruled_table():
    """Prose, a table drawn without any rule (columns only by x position, one row with blank
    cells) and a page footer: the position-based fallback. Latin text, since the standard 14 fonts have no CJK glyphs."""
    lines = [
        (72, 760, "Annual report 2023"),
        (72, 730, "This line is long enough to reach the right margin of the page text col"),
        (72, 716, "umn and continues here."),
    ]
    rows = [("Item", "Issued", "Repealed", "Valid"), ("Rules", "0", "0", "0"),
            ("Regulations", "3", "1", "12"), ("Decisions", "", "2", "")]
    y = 680
    parts = [b"BT /F1 11 Tf"]
    for x, y0, text in lines:
        parts.append(b"1 0 0 1 %d %d Tm (%s) Tj" % (x, y0, text.encode()))
    for row in rows:
        for x, cell in zip((72, 250, 350, 450), row):
            if not cell:
                continue  # a blank cell: nothing drawn
            parts.append(b"1 0 0 1 %d %d Tm (%s) Tj" % (x, y, cell.encode()))
        y -= 20
    parts.append(b"1 0 0 1 290 40 Tm (- 1 -) Tj ET")
    return pdf(text_page_objects(b"\n".join(parts)))


def many_rules():
    """6000 horizontal and 6000 vertical rules 3 pt apart, all crossing (Flate-compressed, most
    beyond the page edge): as a grid, 36 million cells and 36 million crossings to test; the
    reader reads the page as text only."""
    ops = [SIMPLE_TEXT, b"0.1 w"]
    for i in range(6000):
        at = i * 3
        ops.append(b"0 %d m 18000 %d l S" % (at, at))
        ops.append(b"%d 0 m %d 18000 l S" % (at, at))
    data = zlib.compress(b"\n".join(ops), 9)
    objects = text_page_objects(b"")
    objects[3] = stream(data, b"/Filter /FlateDecode ")
    return pdf(objects)


def rotated_ruled_table():
    """A portrait page with /Rotate 90, drawn so that it displays as a landscape page holding a
    title and a ruled table (as landscape table pages often are): text and rules must be read
    in the displayed orientation."""
    height = 595  # the displayed (landscape) page is 842 wide, 595 tall

    def user(dx, dy):
        # Displayed point (x right, y up on the landscape page) -> user space of the portrait page.
        return height - dy, dx

    parts = [b"0.5 w"]
    xs = [60, 240, 340, 440, 540]
    ys = [500, 480, 460, 440]
    for dy in ys:
        (x0, y0), (x1, y1) = user(xs[0], dy), user(xs[-1], dy)
        parts.append(b"%.1f %.1f m %.1f %.1f l S" % (x0, y0, x1, y1))
    for dx in xs:
        (x0, y0), (x1, y1) = user(dx, ys[0]), user(dx, ys[-1])
        parts.append(b"%.1f %.1f m %.1f %.1f l S" % (x0, y0, x1, y1))
    parts.append(b"BT /F1 11 Tf")

    def text(dx, dy, value):
        x, y = user(dx, dy)
        parts.append(b"0 1 -1 0 %.1f %.1f Tm (%s) Tj" % (x, y, value.encode()))

    text(60, 540, "Annual report 2023, landscape table page")
    rows = [("Item", "Issued", "Repealed", "Valid"), ("Rules", "0", "0", "0"),
            ("Regulations", "3", "1", "12")]
    for top, row in zip(ys, rows):
        for left, cell in zip(xs, row):
            text(left + 4, top - 14, cell)
    parts.append(b"ET")
    objects = text_page_objects(b"\n".join(parts))
    objects[2] = objects[2].replace(b"/MediaBox", b"/Rotate 90 /MediaBox")
    return pdf(objects)


HOSTILE = {
    "rotated-page-ruled-table.pdf": rotated_ruled_table,
    "bomb-many-rules.pdf": many_rules,
    "parser-panic-unknown-encoding.pdf": parser_panic,
    "unruled-table-and-footer.pdf": unruled_table,
    "many-pages-1200.pdf": many_pages,
    "scanned-no-text-layer.pdf": scanned_no_text_layer,
    "truncated-half.pdf": truncated,
    "bomb-deep-nesting.pdf": deep_nesting,
    "bomb-flate-150mib.pdf": flate_bomb,
    "bomb-page-count-5000.pdf": page_count_bomb,
    # Needs the password `secret`: refused.
    "encrypted-user-password.pdf": lambda: encrypted(b"secret"),
    # Restricted by an owner password only (opens with the empty user password): read.
    "encrypted-owner-password-only.pdf": lambda: encrypted(b""),
    "not-a-pdf.pdf": not_a_pdf,
}


def producers():
    """Renders the report part of a corpus HTML page (site navigation removed, table borders
    kept) to PDF with LibreOffice Writer: a second real producer, with Type 1 CJK fonts and
    tables that continue over page breaks."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        sys.exit("libreoffice is not installed")
    page = open(os.path.join(CORPUS, "real", "shuyang-fgj-2023.html"), encoding="utf-8").read()
    start = page.index('<div class="article-content "')
    depth = 0
    for match in re.finditer(r"<(/?)div\b[^>]*>", page[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            end = start + match.end()
            break
    title = "沭阳县发展和改革局2023年政府信息公开年度报告"
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title></head><body>'
        '<h1 style="text-align:center">%s</h1>%s</body></html>\n' % (title, title, page[start:end])
    )
    base = "libreoffice-shuyang-fgj-2023"
    page_source = os.path.join(OUT, "shuyang-fgj-2023.source.html")
    with open(page_source, "w", encoding="utf-8") as f:
        f.write(html)
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, base + ".html")
        shutil.copy(page_source, source)
        subprocess.run(
            [office, "--headless", "--infilter=HTML (StarWriter)",
             "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, source],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shutil.copy(os.path.join(tmp, base + ".pdf"), os.path.join(OUT, base + ".pdf"))
    chromium_print(page_source, "chromium-shuyang-fgj-2023.pdf")


def chromium_print(html, name):
    """Prints the same page with headless Chromium: Type 3 CJK fonts mapped to Kangxi radicals,
    CID widths as ranges, every cell border a separate thin filled rectangle, and rows split
    over page breaks."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        sys.exit("chromium is not installed")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-pdf-header-footer", "--user-data-dir=" + profile,
             "--print-to-pdf=" + os.path.join(OUT, name), "file://" + html],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make in HOSTILE.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(make())
    if "--producers" in sys.argv:
        producers()


if __name__ == "__main__":
    main()
