#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with the real pre-commit: a temporary git repository with a
# clean and a broken report and a .pre-commit-config.yaml pointing at this checkout's HEAD.
# The hook must pass on the clean report and fail (reporting T401 (table 4 has 16 values)) on the broken one, both
# through `pre-commit run` and through an actual `git commit`.
#
#   .ci/test-pre-commit.sh [CORPUS_DIR]   (default: $REGULINT_CORPUS, else ../shared/corpus)
#
# pre-commit is installed from PyPI into a venv under $PRE_COMMIT_TOOLS (default
# /tmp/regulint-pre-commit). pre-commit clones this repository at HEAD, so what is tested is
# the last commit, not uncommitted changes; it then builds regulint with `cargo install`
# (minutes on a small machine). CARGO_TARGET_DIR is kept under $PRE_COMMIT_TOOLS so reruns
# build incrementally.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${1:-${REGULINT_CORPUS:-$here/../shared/corpus}}"
tools="${PRE_COMMIT_TOOLS:-/tmp/regulint-pre-commit}"
seed="$corpus/seed/000_89e69b0ea362684d.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$tools"
if [ ! -x "$tools/venv/bin/pre-commit" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet pre-commit >&2
fi
pre_commit="$tools/venv/bin/pre-commit"
"$pre_commit" --version

rev="$(git -C "$here" rev-parse HEAD)"
if [ -n "$(git -C "$here" status --porcelain -- .pre-commit-hooks.yaml Cargo.toml src)" ]; then
  echo "warning: uncommitted changes in $here are not what pre-commit tests (it clones $rev)" >&2
fi

# The repository under test.
repo="$work/repo"
git init --quiet "$repo"
git -C "$repo" config user.email "ci@example.invalid"
git -C "$repo" config user.name "CI"
git -C "$repo" config commit.gpgsign false
cp "$seed" "$repo/broken.txt"
# The seed's line 90 has a 16th value under a 15-column header; without it the report is clean.
python3 - "$seed" "$repo/clean.txt" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
lines[89] = lines[89].rsplit("\t", 1)[0]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
PY
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $here
    rev: $rev
    hooks:
      - id: regulint
YAML

export PRE_COMMIT_HOME="$tools/cache"
export CARGO_TARGET_DIR="$tools/target"
cd "$repo"
git add .pre-commit-config.yaml

echo "--- installing the hook environment (cargo install)"
"$pre_commit" install-hooks

echo "--- clean report: must pass"
"$pre_commit" run regulint --files clean.txt

echo "--- broken report: must fail with T401"
status=0
"$pre_commit" run regulint --files broken.txt >"$work/broken.out" 2>&1 || status=$?
cat "$work/broken.out"
if [ "$status" -eq 0 ] || ! grep -q "T401" "$work/broken.out"; then
  echo "FAIL: the hook did not reject broken.txt (status $status)" >&2
  exit 1
fi

echo "--- git commit through the installed hook"
"$pre_commit" install >/dev/null
git add clean.txt
git commit --quiet -m "clean report"
git add broken.txt
if git commit --quiet -m "broken report" >"$work/commit.out" 2>&1; then
  cat "$work/commit.out"
  echo "FAIL: git commit of broken.txt succeeded" >&2
  exit 1
fi
grep -q "T401" "$work/commit.out"
echo "pre-commit hook: OK (clean passes, broken fails)"
