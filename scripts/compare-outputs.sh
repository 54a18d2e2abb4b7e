#!/usr/bin/env bash
# Checks that two regulint binaries print the same findings for every report regulint has:
# the shared corpus and the test fixtures, in JSON, SARIF and human form (the rule fixtures
# are compared by `regulint test rules` against their snapshots). Used to
# show that a performance change is byte-identical (docs/performance.md).
#
#   scripts/compare-outputs.sh BEFORE AFTER
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
before="${1:?usage: compare-outputs.sh BEFORE AFTER}"
after="${2:?usage: compare-outputs.sh BEFORE AFTER}"
corpus="${REGULINT_CORPUS:-$here/../shared/corpus}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for dir in "$corpus" "$here/tests/fixtures"; do
  for format in json human sarif; do
    name="$(basename "$dir")-$format"
    for bin in before after; do
      exe="$before"; [ "$bin" = after ] && exe="$after"
      (cd "$here" && "$exe" lint "$dir" --no-config --no-ignore --format "$format" --color never \
        > "$out/$name.$bin" 2> "$out/$name.$bin.err") || true
    done
    if cmp -s "$out/$name.before" "$out/$name.after" && cmp -s "$out/$name.before.err" "$out/$name.after.err"; then
      echo "same: $name ($(wc -c < "$out/$name.after") bytes)"
    else
      echo "DIFFERENT: $name"
      diff "$out/$name.before" "$out/$name.after" | head -20 || true
      diff "$out/$name.before.err" "$out/$name.after.err" | head -5 || true
      status=1
    fi
  done
done
exit $status
