#!/usr/bin/env bash
# Coverage-guided fuzzing of regulint on stable Rust: cargo-fuzz with libFuzzer and no
# sanitizer (`-s none`, which needs no nightly flag). See docs/reliability.md.
#
#   scripts/fuzz.sh                 every target, 1,000,000 runs each (or RUNS=…)
#   scripts/fuzz.sh --smoke         every target for a few seconds (CI)
#   scripts/fuzz.sh lint read_html  only these targets
#
# Limits, the same for every target: 1 GiB of memory (-rss_limit_mb), 10 s per input
# (-timeout), inputs up to 256 KiB (-max_len). A crash, leak of the limit or hang stops the
# run with the input saved under fuzz/artifacts/<target>/; turn it into a regression test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

smoke=false
targets=()
for arg in "$@"; do
    case "$arg" in
        --smoke) smoke=true ;;
        *) targets+=("$arg") ;;
    esac
done
all=(decode read_text read_markdown read_html read_docx read_json read_pdf rules lint roster)
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
corpus="${REGULINT_CORPUS:-../shared/corpus}"

# Seeds: the real reports and the project's fixtures, by the format each target reads.
seed() {
    local target=$1 dir=fuzz/corpus/$1
    mkdir -p "$dir"
    local pattern
    case "$target" in
        decode|read_text) pattern='*.txt' ;;
        read_markdown) pattern='*.md' ;;
        read_html) pattern='*.htm*' ;;
        read_docx) pattern='*.docx' ;;
        read_json) pattern='*.json' ;;
        read_pdf) pattern='*.pdf' ;;
        rules) pattern='*.rules' ;;
        lint) pattern='*' ;;
        roster) pattern='*roster*' ;;
    esac
    find "$corpus" rules tests/fixtures examples fuzz/seeds -type f -name "$pattern" -size -256k 2>/dev/null |
        while read -r file; do
            if [ "$target" = lint ]; then
                # The lint target's first byte picks the format: .txt .md .html .docx .json.
                case "$file" in
                    *.txt) pick=0 ;; *.md) pick=1 ;; *.htm*) pick=2 ;; *.docx) pick=3 ;; *.json) pick=4 ;; *.pdf) pick=5 ;;
                    *) continue ;;
                esac
                { printf "\\x0$pick"; cat "$file"; } > "$dir/seed-$(basename "$file")"
            elif [ "$target" = roster ]; then
                # The roster target's first byte picks the format: even CSV, odd TOML.
                case "$file" in *.toml) pick=1 ;; *) pick=0 ;; esac
                { printf "\\x0$pick"; cat "$file"; } > "$dir/seed-$(basename "$file")"
            else
                cp "$file" "$dir/seed-$(basename "$file")"
            fi
        done
}

# One build of every target, with debug assertions and overflow checks: optimised for long
# runs, unoptimised for the smoke run (it compiles in half the time and runs only seconds).
profile=()
$smoke && profile=(--dev)
# The build's log is kept: on failure its end says why (a compiler error, a full disk), where
# cargo-fuzz's own last words are only its error's backtrace.
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! cargo fuzz build -s none -a "${profile[@]}" >"$build_log" 2>&1; then
    echo "fuzz: the build failed; the end of its log:" >&2
    grep -v -E '^ +[0-9]+: |^ +at ' "$build_log" | tail -40 >&2
    df -h . >&2
    exit 1
fi
tail -1 "$build_log"
for target in "${targets[@]}"; do
    seed "$target"
    if $smoke; then
        budget=(-max_total_time=6)
    else
        budget=(-runs="${RUNS:-1000000}")
    fi
    echo "--- fuzz $target"
    (cargo fuzz run -s none -a "${profile[@]}" "$target" -- \
        -rss_limit_mb=1024 -timeout=10 -max_len=262144 "${budget[@]}" \
        -print_final_stats=1 2>&1) | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|Done)|ERROR|panicked' || true
    # A run that found a problem leaves an artifact; fail on it.
    if compgen -G "fuzz/artifacts/$target/*" > /dev/null; then
        echo "fuzz $target: artifacts in fuzz/artifacts/$target" >&2
        exit 1
    fi
done
