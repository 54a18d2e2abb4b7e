#!/usr/bin/env python3
"""Makes a collection for timing `regulint lint` with last year's reports and a roster
(docs/performance.md, "Collections"): N agencies, each with a report for its year and one for
the year before, and a roster of the N agencies.

    scripts/bench-collection.py DIR [N] [CORPUS]

Writes DIR/current/, DIR/previous/ (N files each, 500 to a sub-folder) and DIR/roster.csv.
Each report is a UTF-8 corpus report (text or Markdown, round-robin) with its agency's name
replaced by `示例市第<i>局` everywhere; last year's has the title's year one less. DIR must not
exist. Nothing here is committed; delete DIR when done. scripts/bench-collection.sh makes the
collection with this script and times both runs, alternating; by hand, for example:

    hyperfine -w 1 -r 5 \\
      'regulint lint DIR/current --no-config --quiet --format json -o /dev/null' \\
      'regulint lint DIR/current --previous DIR/previous --roster DIR/roster.csv --no-config --quiet --format json -o /dev/null'
"""
import os
import re
import sys

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if len(sys.argv) < 2:
    sys.exit(__doc__)
out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
corpus = sys.argv[3] if len(sys.argv) > 3 else os.environ.get(
    "REGULINT_CORPUS", os.path.join(here, "..", "shared", "corpus"))
if os.path.exists(out):
    sys.exit(f"bench-collection.py: {out} exists; give a new folder")

# (file, the agency names its title and text use)
bases = [
    ("seed/000_89e69b0ea362684d.txt", ["石家庄市商务局", "市商务局"]),
    ("real/shuyang-county-gov-2025.txt", ["沭阳县人民政府", "沐阳县人民政府"]),
    ("real/shanghai-stcsm-2024.md", ["上海市科学技术委员会", "上海市科委", "市科委"]),
    ("real/shanghai-gov-office-2025.md", ["上海市人民政府办公厅"]),
]
texts = []
for path, names in bases:
    with open(os.path.join(corpus, path), encoding="utf-8") as f:
        texts.append((os.path.basename(path), f.read(), names))

for kind in ("current", "previous"):
    os.makedirs(os.path.join(out, kind))
with open(os.path.join(out, "roster.csv"), "w", encoding="utf-8") as roster:
    roster.write("agency,aliases,level,parent,expected_from\n")
    for i in range(n):
        name, text, names = texts[i % len(texts)]
        agency = f"示例市第{i}局"
        for old in names:
            text = text.replace(old, agency)
        # The title's year (the first four-digit year of the first lines) minus one.
        head, rest = text[:200], text[200:]
        match = re.search(r"(20\d\d)", head)
        year = int(match.group(1))
        previous = head[: match.start()] + str(year - 1) + head[match.end():] + rest
        sub = f"{i // 500:03d}"
        for kind, body in (("current", text), ("previous", previous)):
            folder = os.path.join(out, kind, sub)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"{i:05d}-{name}"), "w", encoding="utf-8") as f:
                f.write(body)
        roster.write(f"{agency},,部门,示例市人民政府,2019\n")
