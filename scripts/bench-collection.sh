#!/usr/bin/env bash
# Times linting N agencies' reports alone against linting them with last year's reports and a
# roster, in the same run, and prints the ratio (issue 13's target is 1.5 at most;
# docs/performance.md, "Collections").
#
#   scripts/bench-collection.sh [N] [RUNS] [JOBS]
#
# The collection is made once by scripts/bench-collection.py under target/bench-collection/N
# (N agencies, default 2000: this year's reports, last year's, a roster of N rows). Each run
# times the two commands one after the other (alternating, so that a slower minute of the
# machine weighs on both), RUNS times (default 10) after one warm-up of each; the best and
# the median of each and their ratios are printed. JOBS is passed as `--jobs` (default: all
# cores). Builds regulint in release mode. The corpus is $REGULINT_CORPUS, else
# ../shared/corpus beside the checkout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-2000}"
runs="${2:-10}"
jobs="${3:-0}"
target="${CARGO_TARGET_DIR:-$here/target}"

dir="$target/bench-collection/$n"
if [ ! -d "$dir" ]; then
  mkdir -p "$(dirname "$dir")"
  python3 "$here/scripts/bench-collection.py" "$dir.tmp" "$n" > /dev/null
  mv "$dir.tmp" "$dir"
fi
(cd "$here" && cargo build --release --quiet)
regulint="$target/release/regulint"

common=(--no-config --quiet --format json -o /dev/null --jobs "$jobs")
# Exit status 1 means findings, which every report here has.
alone() { "$regulint" lint "$dir/current" "${common[@]}" || [ $? -eq 1 ]; }
collection() {
  "$regulint" lint "$dir/current" --previous "$dir/previous" --roster "$dir/roster.csv" \
    "${common[@]}" || [ $? -eq 1 ]
}
# Seconds (wall) of one call of the named function.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$1"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

alone; collection # warm the page cache
alones=() collections=()
for ((r = 0; r < runs; r++)); do
  alones+=("$(seconds alone)")
  collections+=("$(seconds collection)")
done
best() { printf '%s\n' "$@" | sort -n | head -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf 'alone (%s reports):              best %.3f s, median %.3f s\n' "$n" "$(best "${alones[@]}")" "$(median "${alones[@]}")"
printf 'with --previous and --roster:     best %.3f s, median %.3f s\n' "$(best "${collections[@]}")" "$(median "${collections[@]}")"
printf 'ratio: best / best %.3f, median / median %.3f\n' \
  "$(echo "$(best "${collections[@]}") / $(best "${alones[@]}")" | bc -l)" \
  "$(echo "$(median "${collections[@]}") / $(median "${alones[@]}")" | bc -l)"
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
