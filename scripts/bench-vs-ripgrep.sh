#!/usr/bin/env bash
# Times `regulint lint DIR --format json` against ripgrep scanning the same files for ten
# section/contact patterns, in the same run, and prints the ratio (docs/performance.md).
#
#   scripts/bench-vs-ripgrep.sh [N] [RUNS]
#
# The batch is N (default 10000) round-robin copies of the text, Markdown and HTML reports of
# the corpus's seed/ and real/ folders (PDF input is benchmarked apart, `benches/pdf.rs`),
# built once under target/bench-vs-ripgrep/N. Each command runs RUNS times (default 3) after
# one warm-up, alternating, and the best and the median of each are reported. Installs
# ripgrep and hyperfine from the system packages when missing (apt), and builds regulint in
# release mode. The corpus is $REGULINT_CORPUS, else ../shared/corpus beside the checkout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10000}"
runs="${2:-3}"
corpus="${REGULINT_CORPUS:-$here/../shared/corpus}"
target="${CARGO_TARGET_DIR:-$here/target}"

if ! command -v rg >/dev/null; then
  echo "installing ripgrep" >&2
  (apt-get install -y ripgrep || (apt-get update && apt-get install -y ripgrep)) >/dev/null
fi

dir="$target/bench-vs-ripgrep/$n"
if [ ! -d "$dir" ]; then
  mapfile -t sources < <(
    find "$corpus/seed" "$corpus/real" -type f \( -name '*.txt' -o -name '*.md' -o -name '*.html' \) | sort
  )
  mkdir -p "$dir.tmp"
  for ((i = 0; i < n; i++)); do
    src="${sources[i % ${#sources[@]}]}"
    sub="$dir.tmp/$(printf '%03d' $((i / 500)))"
    [ -d "$sub" ] || mkdir "$sub"
    cp "$src" "$sub/$(printf '%05d' "$i")-$(basename "$src")"
  done
  mv "$dir.tmp" "$dir"
fi
echo "batch: $n files from $(find "$corpus/seed" "$corpus/real" -type f \( -name '*.txt' -o -name '*.md' -o -name '*.html' \) | wc -l) reports, $(du -sh "$dir" | cut -f1) in $dir"

(cd "$here" && cargo build --release --quiet)
regulint="$target/release/regulint"

lint() { "$regulint" lint "$dir" --format json --no-config > /dev/null || [ $? -eq 1 ]; }
search() {
  rg -c -e '一、\s*总体情况' -e '二、\s*主动公开政府信息情况' -e '三、\s*收到和处理政府信息公开申请情况' \
    -e '四、\s*政府信息公开行政复议' -e '五、\s*存在的主要问题' -e '六、\s*其他需要报告的事项' \
    -e '0\d{2,3}-\d{7,8}' -e '[\w.-]+@[\w-]+\.[\w.]+' -e '统计期限|统计时限' \
    -e '本年新收政府信息公开申请数量' "$dir" > /dev/null
}
# Seconds (wall) of one call of the named function.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$1"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

lint; search # warm the page cache and both binaries
lints=() searches=()
for ((r = 0; r < runs; r++)); do
  lints+=("$(seconds lint)")
  searches+=("$(seconds search)")
done
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "best %.3f s, median %.3f s", a[1], a[int((NR+1)/2)]}'; }
best() { printf '%s\n' "$@" | sort -n | head -1; }
echo "regulint lint --format json: $(stats "${lints[@]}")"
echo "rg -c (10 patterns):         $(stats "${searches[@]}")"
printf 'ratio (best / best): %.1f\n' "$(echo "$(best "${lints[@]}") / $(best "${searches[@]}")" | bc -l)"
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
