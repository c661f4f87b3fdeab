#!/usr/bin/env bash
# The HTML form in a real browser (issue #5). Installs what it needs, builds
# the forms with the release binary, then runs
#   - tests/browser/run.js (node + playwright-core, Debian's Chromium): the
#     routing-semantics cases against the page's evaluator, seeded random
#     fills of every wave and language validated with the generated schema and
#     `lomake validate`, routing, input rules, reload, language switch, a
#     failing endpoint, a hostile survey, keyboard-only completion, no-JS;
#   - check-html (Nu Html Checker) on every built form;
#   - check-a11y --walk (axe-core) on every built form, one file at a time
#     (a fresh browser profile each, so no form starts from another's answers);
#   - e2e-fill (the shared random filler) on a form of each Barometer wave.
# Exits non-zero on any failure and prints a summary with timings.
#
#   bash scripts/browser-tests.sh            # RUNS=20 random fills per wave and language
#
# VALIDATORS (default /tmp/lomake-validators): the validators' folder;
# SHARED (default ../shared): where validators/install.sh is, used when
# VALIDATORS is not installed yet. CHROMIUM_PATH (default /usr/bin/chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
VALIDATORS="${VALIDATORS:-/tmp/lomake-validators}"
SHARED="${SHARED:-../shared}"
RUNS="${RUNS:-20}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
out="target/browser-tests"
start=$(date +%s)
declare -a summary=()
failed=0

step() {
  local name="$1"
  shift
  local t0
  t0=$(date +%s)
  if "$@"; then
    summary+=("ok     $(($(date +%s) - t0))s  $name")
  else
    summary+=("FAILED $(($(date +%s) - t0))s  $name")
    failed=$((failed + 1))
  fi
}

# ---- What the tests need.
if [ ! -x "$CHROMIUM_PATH" ]; then
  apt-get install -y chromium >/dev/null || { echo "cannot install chromium"; exit 2; }
fi
if [ ! -x "$VALIDATORS/bin/check-html" ] && [ -f "$SHARED/validators/install.sh" ]; then
  bash "$SHARED/validators/install.sh" "$VALIDATORS" || { echo "cannot install the validators"; exit 2; }
fi
for tool in check-html check-a11y check-instance e2e-fill; do
  [ -x "$VALIDATORS/bin/$tool" ] || { echo "missing $VALIDATORS/bin/$tool"; exit 2; }
done
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; exit 2; }

# ---- The forms.
rm -rf "$out"
t0=$(date +%s)
cargo build --quiet --release || exit 2
lomake="$PWD/target/release/lomake"
"$lomake" --quiet build surveys/partnership-barometer-2023.survey surveys/partnership-barometer-2020.survey \
  tests/fixtures/form/hostile.survey tests/fixtures/form/edge.survey tests/fixtures/schema/kinds.survey --out "$out/plain" || exit 2
"$lomake" --quiet build surveys/partnership-barometer-2023.survey surveys/partnership-barometer-2020.survey \
  --submit-url https://lomake.test/responses --out "$out/post" || exit 2
summary+=("ok     $(($(date +%s) - t0))s  build (release) and write the forms")

forms=("$out"/plain/*/*/index.html)

# ---- Page weight.
weights=()
for f in "$out"/plain/partnership_barometer_*/*/index.html "$out"/post/partnership_barometer_2023/fi/index.html; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9c "$f" | wc -c)
  weights+=("$(printf '%-60s %7d bytes, %6d gzipped' "${f#"$out"/}" "$raw" "$gz")")
  if [ "$gz" -ge 61440 ]; then
    echo "FAILED: $f is $gz bytes gzipped (target: under 60 KB)"
    failed=$((failed + 1))
  fi
done

# ---- The suites.
step "browser suite (tests/browser/run.js, $RUNS random fills per wave and language)" \
  node tests/browser/run.js --forms "$out" --lomake "$lomake" --validators "$VALIDATORS" --runs "$RUNS"
post_forms=("$out"/post/*/*/index.html)
step "Nu Html Checker: $((${#forms[@]} + ${#post_forms[@]})) forms" "$VALIDATORS/bin/check-html" "${forms[@]}" "${post_forms[@]}"
a11y() {
  local bad=0
  for f in "${forms[@]}"; do
    "$VALIDATORS/bin/check-a11y" --walk '[data-action=next]' "$f" || bad=1
  done
  return $bad
}
step "axe-core, every page walked: ${#forms[@]} forms" a11y
e2e() {
  # The shared random filler knows no minimum selections and no lengths in
  # code points, so it runs on the Barometer forms (which have neither).
  local bad=0 n=0 f id lang resp
  for f in "$out"/plain/partnership_barometer_2023/fi/index.html "$out"/plain/partnership_barometer_2020/sv/index.html; do
    n=$((n + 1))
    id=$(basename "$(dirname "$(dirname "$f")")")
    lang=$(basename "$(dirname "$f")")
    resp="$out/responses/e2e-$id-$lang.json"
    if "$VALIDATORS/bin/e2e-fill" "$f" "$resp" --seed "$n" --next '[data-action=next]' --capture event >"$resp.log" 2>&1 \
      && "$VALIDATORS/bin/check-instance" "$(dirname "$f")/response.schema.json" "$resp" \
      && "$lomake" --quiet validate "surveys/partnership-barometer-${id##*_}.survey" "$resp"; then
      echo "e2e-fill: $f: response captured and valid"
    else
      echo "e2e-fill failed on $f:"
      tail -5 "$resp.log"
      bad=1
    fi
  done
  return $bad
}
step "e2e-fill on a form of each Barometer wave, responses validated" e2e

echo
echo "== Page weight"
printf '  %s\n' "${weights[@]}"
echo "== Summary"
printf '  %s\n' "${summary[@]}"
echo "  total $(($(date +%s) - start))s"
if [ "$failed" -ne 0 ]; then
  echo "browser tests: $failed failed"
  exit 1
fi
echo "browser tests: all passed"
