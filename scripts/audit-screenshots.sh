#!/bin/sh
# Regenerates docs/audit-overview.png and docs/audit-report-t301.png: the audit page for the
# corpus's text, Markdown and HTML reports plus one report with a failing table-3 sum (the
# T301 fixture's edit applied to the Shuyang 2025 report). Needs chromium (not needed by the
# tests). Run from the repository root: scripts/audit-screenshots.sh
set -eu
corpus=${REGULINT_CORPUS:-../shared/corpus}
work=$(mktemp -d)
mkdir -p "$work/reports"
cp -r "$corpus/seed" "$corpus/real" "$corpus/encodings" "$work/reports/"
rm -f "$work"/reports/real/*.pdf
sed 's/| 本年新收政府信息公开申请数量 | 705 | 3 | 0 | 0 | 5 | 0 | 713 |/| 本年新收政府信息公开申请数量 | 706 | 3 | 0 | 0 | 5 | 0 | 714 |/' \
    "$corpus/real/shuyang-county-gov-2025.txt" > "$work/reports/real/shuyang-county-gov-2025-t301.txt"
cargo build --quiet
bin=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/debug/regulint
(cd "$work" && "$bin" lint --no-config reports --format html -o audit.html) || true
# The report with the failing sum: its row id in the page.
id=$(grep -o '"id":[0-9]*,"path":"[^"]*t301.txt"' "$work/audit.html" | sed 's/"id":\([0-9]*\).*/\1/')
shot() {
    chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" \
        --screenshot="$1" --window-size=1400,1000 "file://$work/audit.html$2"
}
shot docs/audit-overview.png ""
shot docs/audit-report-t301.png "#r$id"
