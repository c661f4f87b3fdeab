#!/usr/bin/env bash
# Checks the codebooks with standard tools nobody on the team wrote:
#   xmllint (check-ddi)     every codebook.ddi.xml against DDI-Codebook 2.5
#   Nu Html Checker         every codebook.html
#   GNU PSPP (check-sps)    every codebook.sps, strict (errors AND warnings
#                           fail), applied to a dataset of the flat layout
#                           made from codebook.csv (scripts/sps-prelude.py)
# for the bundled surveys and the hostile fixture
# (tests/fixtures/codebook/hostile.survey). Exit 1 on any failure.
#
#   bash scripts/codebook-checks.sh
#
# VALIDATORS (default /tmp/lomake-validators) holds the tools; they are
# installed with ../shared/validators/install.sh when missing. SHARED
# (default ../shared) is the folder holding validators/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
VALIDATORS="${VALIDATORS:-/tmp/lomake-validators}"
bin="$VALIDATORS/bin"
if ! [ -x "$bin/check-ddi" ] || ! [ -x "$bin/check-html" ] || ! [ -x "$bin/check-sps" ]; then
  bash "$SHARED/validators/install.sh" "$VALIDATORS"
fi

out="target/codebook-checks"
rm -rf "$out"
cargo run --quiet --release -- --quiet build surveys/ --out "$out/surveys"
cargo run --quiet --release -- --quiet build tests/fixtures/codebook/hostile.survey --out "$out/hostile"

passed=0
failed=0
failures=()
run() {
  local name="$1"
  shift
  if "$@"; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name"
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

shopt -s nullglob
ddi=("$out"/*/*/codebook.ddi.xml)
html=("$out"/*/*/*/codebook.html)
sps=("$out"/*/*/*/codebook.sps)
[ ${#ddi[@]} -gt 0 ] && [ ${#html[@]} -gt 0 ] && [ ${#sps[@]} -gt 0 ] || {
  echo "codebook-checks: no codebooks were built" >&2
  exit 1
}

for f in "${ddi[@]}"; do
  run "$f is valid DDI-Codebook 2.5 (xmllint)" "$bin/check-ddi" "$f"
done
for f in "${html[@]}"; do
  run "$f passes the Nu Html Checker" "$bin/check-html" "$f"
done
for f in "${sps[@]}"; do
  prelude="${f%.sps}.prelude.sps"
  python3 scripts/sps-prelude.py "$(dirname "$f")/codebook.csv" >"$prelude"
  run "$f runs in PSPP without errors or warnings" "$bin/check-sps" --strict --prelude "$prelude" "$f"
done

echo
echo "codebook-checks: $passed passed, $failed failed (${#ddi[@]} DDI, ${#html[@]} HTML, ${#sps[@]} SPSS files)"
for f in "${failures[@]}"; do
  echo "  failed: $f"
done
[ "$failed" -eq 0 ]
