#!/usr/bin/env bash
# Validates regulint's SARIF output with the Microsoft SARIF multitool and against the SARIF
# 2.1.0 JSON schema that ships with it. Exits non-zero on any validation error.
#
#   .ci/validate-sarif.sh [CORPUS_DIR]   (default: $REGULINT_CORPUS, else ../shared/corpus
#                                         beside the checkout)
#
# Tools are installed on demand under $SARIF_TOOLS (default /tmp/regulint-sarif-tools): the
# multitool from npm, and Python's jsonschema in a venv. Nothing is written to the checkout.
#
# Two facts about the multitool shape this script (checked with 5.7.0):
#  * `validate` exits 0 even when it reports errors, so the verdict is read from the SARIF log
#    it writes (-o): any result of level "error" fails.
#  * it silently accepts some schema violations (an unknown `level` value such as "fatal"), so
#    the same file is also checked against the JSON schema itself.
# Before trusting it, the script feeds it a known-bad log and requires the error to be found.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${1:-${REGULINT_CORPUS:-$here/../shared/corpus}}"
tools="${SARIF_TOOLS:-/tmp/regulint-sarif-tools}"
version="${SARIF_MULTITOOL_VERSION:-5.7.0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$tools"
if [ ! -d "$tools/node_modules/@microsoft/sarif-multitool" ]; then
  echo "installing @microsoft/sarif-multitool@$version" >&2
  npm install --prefix "$tools" --no-audit --no-fund --silent "@microsoft/sarif-multitool@$version" >&2
fi
# npm 11 may skip the package's postinstall (chmod u+x); do it ourselves.
chmod u+x "$tools"/node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool 2>/dev/null || true
schema="$(ls "$tools"/node_modules/@microsoft/sarif-multitool-*/sarif-2.1.0.json | head -n1)"
if [ ! -x "$tools/venv/bin/python" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet jsonschema >&2
fi

multitool() {
  (cd "$tools" && npx --no-install @microsoft/sarif-multitool "$@")
}

# Prints the multitool's findings on $1 and exits non-zero if any is an error.
check_with_multitool() {
  local input="$1" log="$work/validation.sarif"
  rm -f "$log"
  multitool validate "$input" --output "$log" --log ForceOverwrite >"$work/multitool.out" 2>&1 || {
    cat "$work/multitool.out" >&2
    echo "error: the multitool failed to run" >&2
    return 2
  }
  if [ ! -s "$log" ]; then
    cat "$work/multitool.out" >&2
    echo "error: the multitool wrote no log" >&2
    return 2
  fi
  "$tools/venv/bin/python" - "$log" <<'PY'
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
errors = 0
for run in log.get("runs", []):
    rules = {r.get("id"): r for r in run.get("tool", {}).get("driver", {}).get("rules", [])}
    for result in run.get("results", []):
        rule = rules.get(result.get("ruleId"), {})
        level = result.get("level") or rule.get("defaultConfiguration", {}).get("level", "warning")
        message = result.get("message", {})
        text = message.get("text") or " / ".join(message.get("arguments", []))
        print(f"  {level}: {result.get('ruleId')}: {text}")
        errors += level == "error"
    for invocation in run.get("invocations", []):
        for note in invocation.get("toolExecutionNotifications", []):
            if note.get("level") == "error":
                print(f"  tool error: {note.get('message', {}).get('text')}")
                errors += 1
sys.exit(1 if errors else 0)
PY
}

check_with_schema() {
  "$tools/venv/bin/python" - "$schema" "$1" <<'PY'
import json, sys
from jsonschema import validators
schema = json.load(open(sys.argv[1], encoding="utf-8-sig"))
instance = json.load(open(sys.argv[2], encoding="utf-8"))
validator = validators.validator_for(schema)(schema)
errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
for error in errors[:20]:
    print(f"  schema: {'/'.join(map(str, error.absolute_path))}: {error.message}")
sys.exit(1 if errors else 0)
PY
}

# 1. The checks must catch a known-bad log, or they prove nothing.
cat >"$work/canary.sarif" <<'JSON'
{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"canary","version":"1","informationUri":"https://example.org"}},
"results":[{"ruleId":"X1","level":"error","message":{"text":"m"},
"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.txt"},"region":{"startLine":5,"endLine":2}}}]}]}]}
JSON
if check_with_multitool "$work/canary.sarif" >/dev/null; then
  echo "error: the multitool did not flag a region whose endLine precedes its startLine" >&2
  exit 2
fi
sed 's/"level":"error"/"level":"fatal"/' "$work/canary.sarif" >"$work/canary2.sarif"
if check_with_schema "$work/canary2.sarif" >/dev/null; then
  echo "error: the schema check did not flag an unknown level" >&2
  exit 2
fi

# 2. Produce SARIF on the corpus, with an unreadable file so notifications appear too.
cargo build --quiet --manifest-path "$here/Cargo.toml"
binary="$here/target/debug/regulint"
mkdir -p "$work/input"
cp -r "$corpus"/. "$work/input/"
head -c 4096 /dev/urandom >"$work/input/binary.txt"
status=0
(cd "$work/input" && "$binary" lint . --format sarif --output "$work/regulint.sarif") || status=$?
if [ "$status" -gt 1 ]; then
  echo "error: regulint exited with $status" >&2
  exit "$status"
fi

# 3. Validate.
echo "multitool validate:"
multitool_status=0
check_with_multitool "$work/regulint.sarif" || multitool_status=$?
echo "JSON schema ($schema):"
schema_status=0
check_with_schema "$work/regulint.sarif" || schema_status=$?
results=$("$tools/venv/bin/python" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$work/regulint.sarif")
if [ "$multitool_status" -ne 0 ] || [ "$schema_status" -ne 0 ]; then
  echo "SARIF validation failed" >&2
  exit 1
fi
echo "SARIF valid: $results results"
