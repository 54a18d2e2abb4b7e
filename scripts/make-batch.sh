#!/usr/bin/env bash
# Makes a batch of report files for timing `regulint lint DIR` (see docs/performance.md):
# copies every corpus file (txt, md, html, GB18030, UTF-16) and the DOCX and JSON reader
# fixtures round-robin into DIR until it holds N files, 500 to a sub-folder.
#
#   scripts/make-batch.sh DIR [N] [CORPUS]
#
# N defaults to 10000; CORPUS to $REGULINT_CORPUS, else ../shared/corpus beside the checkout.
# DIR must not exist yet. Nothing here is committed; delete DIR when done.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:?usage: make-batch.sh DIR [N] [CORPUS]}"
n="${2:-10000}"
corpus="${3:-${REGULINT_CORPUS:-$here/../shared/corpus}}"
if [ -e "$dir" ]; then
  echo "make-batch.sh: $dir exists; give a new folder" >&2
  exit 2
fi
mapfile -t sources < <(
  find "$corpus" -type f \( -name '*.txt' -o -name '*.md' -o -name '*.html' \) | sort
  echo "$here/tests/fixtures/readers/generated-minimal-report.docx"
  echo "$here/tests/fixtures/readers/seed-as-json.json"
)
mkdir -p "$dir"
for ((i = 0; i < n; i++)); do
  src="${sources[i % ${#sources[@]}]}"
  sub="$dir/$(printf '%03d' $((i / 500)))"
  [ -d "$sub" ] || mkdir "$sub"
  cp "$src" "$sub/$(printf '%05d' "$i")-$(basename "$src")"
done
echo "$n files from ${#sources[@]} sources in $dir ($(du -sh "$dir" | cut -f1))"
