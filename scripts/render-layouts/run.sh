#!/usr/bin/env bash
# Regenerates tests/fixtures/layouts/ from the shared corpus (see README.md there).
# Needs: cargo, python3; for the PDFs, chromium and libreoffice (not needed by the tests).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/tests/fixtures/layouts"
dump="$(mktemp -d)"
trap 'rm -rf "$dump"' EXIT
cd "$root"
REGULINT_LAYOUT_DUMP="$dump" cargo test --quiet --test layout_invariance -- --ignored --exact dump_models_for_render_layouts
python3 scripts/render-layouts/render.py "$dump" "$out"
# SKIP_PDF=1: only the generator's own files (no Chromium, no LibreOffice).
[ "${SKIP_PDF:-}" = 1 ] && exit 0
# Chromium writes Noto CJK as Type 3 fonts (about 0.7 MB a file): printed for two reports only,
# one per official format.
chromium_reports="seed shuyang-fgj-2023"
for folder in "$out"/*/; do
    folder="${folder%/}"
    rm -f "$folder"/*.pdf
    if [[ " $chromium_reports " == *" $(basename "$folder") "* ]]; then
    # Word HTML printed by headless Chromium.
    profile="$(mktemp -d)"
    chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$profile" \
        --print-to-pdf="$folder/chromium-word.pdf" --no-pdf-header-footer "$folder/word.html" 2>/dev/null
    rm -rf "$profile"
    fi
    # The DOCX opened by LibreOffice and saved as PDF, as DOCX (its own flavour of
    # WordprocessingML) and as HTML (Writer's `<font>`-nested export).
    lo="$(mktemp -d)"
    for target in pdf "docx:MS Word 2007 XML" html; do
        libreoffice --headless -env:UserInstallation="file://$lo/profile" --convert-to "$target" \
            --outdir "$lo/out" "$folder/word.docx" >/dev/null 2>&1
    done
    # The numbered DOCX saved again by LibreOffice: its own numbering.xml.
    mkdir -p "$lo/numbered"
    libreoffice --headless -env:UserInstallation="file://$lo/profile" --convert-to "docx:MS Word 2007 XML" \
        --outdir "$lo/numbered" "$folder/word-numbered.docx" >/dev/null 2>&1
    mv "$lo/numbered/word-numbered.docx" "$folder/libreoffice-numbered.docx"
    mv "$lo/out/word.pdf" "$folder/libreoffice-docx.pdf"
    mv "$lo/out/word.docx" "$folder/libreoffice.docx"
    mv "$lo/out/word.html" "$folder/libreoffice.html"
    rm -rf "$lo"
done
