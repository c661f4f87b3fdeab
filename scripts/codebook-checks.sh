#!/usr/bin/env bash
# Checks the codebooks with standard tools nobody on the team wrote:
#   xmllint (check-ddi)     every codebook.ddi.xml against DDI-Codebook 2.5
#   Nu Html Checker         every codebook.html
#   GNU PSPP (check-sps)    every codebook.sps, strict (errors AND warnings
#                           fail), applied to a dataset of the flat layout
#                           made from codebook.csv (scripts/sps-prelude.py)
#   Nu Html Checker         every review.html (the review document)
#   axe-core (check-a11y)   the review documents of the 2023 Barometer and of
#                           the lineage fixture, every rule level
# for the bundled surveys, the hostile fixture and the control characters
# (tests/fixtures/codebook/), the review fixture (tests/fixtures/review/),
# and that fixture with wave lineage set by hand: every class of change and
# hostile reasons for a break (written by the test
# `lineage_outputs_for_external_checks` of tests/codebook.rs into
# $out/lineage; the 2023 Barometer has its own lineage to 2020). When the binary has
# `lomake flatten`, also: the names of codebook.csv, of the flatten CSV
# header, of the DDI `var`s and of the SPSS dictionary are the same, and
# codebook.sps applies to the .sav of each language (GET FILE) in PSPP
# without errors or warnings. Exit 1 on any failure.
#
#   bash scripts/codebook-checks.sh
#
# VALIDATORS (default /tmp/lomake-validators) holds the tools; they are
# installed with ../shared/validators/install.sh when missing. LOMAKE (default
# target/release/lomake) is the binary whose sample and flatten are used. SHARED
# (default ../shared) is the folder holding validators/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
VALIDATORS="${VALIDATORS:-/tmp/lomake-validators}"
bin="$VALIDATORS/bin"
if ! [ -x "$bin/check-ddi" ] || ! [ -x "$bin/check-html" ] || ! [ -x "$bin/check-sps" ] \
  || ! [ -x "$bin/check-a11y" ]; then
  bash "$SHARED/validators/install.sh" "$VALIDATORS"
fi

out="target/codebook-checks"
rm -rf "$out"
cargo run --quiet --release -- --quiet build surveys/ --out "$out/surveys"
cargo run --quiet --release -- --quiet build tests/fixtures/codebook/ --out "$out/fixtures"
cargo run --quiet --release -- --quiet build tests/fixtures/review/ --out "$out/fixtures"
LOMAKE_LINEAGE_OUT="$PWD/$out/lineage" cargo test --quiet --test codebook \
  lineage_outputs_for_external_checks >/dev/null

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
review=("$out"/*/*/review.html)
[ ${#ddi[@]} -gt 0 ] && [ ${#html[@]} -gt 0 ] && [ ${#sps[@]} -gt 0 ] && [ ${#review[@]} -gt 0 ] \
  && [ -f "$out/lineage/review_kinds_lineage/codebook.ddi.xml" ] || {
  echo "codebook-checks: no codebooks were built" >&2
  exit 1
}

for f in "${ddi[@]}"; do
  run "$f is valid DDI-Codebook 2.5 (xmllint)" "$bin/check-ddi" "$f"
done
for f in "${html[@]}"; do
  run "$f passes the Nu Html Checker" "$bin/check-html" "$f"
done
for f in "${review[@]}"; do
  run "$f passes the Nu Html Checker" "$bin/check-html" "$f"
done
for f in "$out/surveys/partnership_barometer_2023/review.html" \
  "$out/lineage/review_kinds_lineage/review.html"; do
  run "$f has no axe violations" env AXE_FAIL_ON=minor,moderate,serious,critical "$bin/check-a11y" "$f"
done
for f in "${sps[@]}"; do
  prelude="${f%.sps}.prelude.sps"
  python3 scripts/sps-prelude.py "$(dirname "$f")/codebook.csv" >"$prelude"
  run "$f runs in PSPP without errors or warnings" "$bin/check-sps" --strict --prelude "$prelude" "$f"
done

# With `lomake flatten`: the codebooks against real flat data.
lomake="${LOMAKE:-target/release/lomake}"
if "$lomake" flatten --help >/dev/null 2>&1; then
  work="$out/flat"
  mkdir -p "$work"
  for survey in surveys/*.survey tests/fixtures/codebook/*.survey tests/fixtures/review/*.survey; do
    id="$(awk '$1 == "survey" { print $2; exit }' "$survey")"
    [ -n "$id" ] || continue
    dir="$(dirname "$(ls -d "$out"/*/"$id")")/$id"
    "$lomake" --quiet sample "$survey" -n 200 --seed 1 --partial 20 -o "$work/$id.jsonl"
    "$lomake" --quiet flatten "$survey" "$work/$id.jsonl" --out "$work/$id.csv"
    for csvbook in "$dir"/*/codebook.csv; do
      lang="$(basename "$(dirname "$csvbook")")"
      sav="$work/$id-$lang.sav"
      "$lomake" --quiet flatten "$survey" "$work/$id.jsonl" --out "$sav" --lang "$lang"
      echo "GET FILE='$sav'." >"$work/$id-$lang.get.sps"
      run "$dir/$lang/codebook.sps applies to the .sav of lomake flatten (PSPP)" \
        "$bin/check-sps" --strict --prelude "$work/$id-$lang.get.sps" "$dir/$lang/codebook.sps"
      # The SPSS dictionary after the syntax, as PSPP writes it.
      {
        echo "GET FILE='$sav'."
        cat "$dir/$lang/codebook.sps"
        echo "SAVE TRANSLATE /OUTFILE='$work/$id-$lang.dict.csv' /TYPE=CSV /FIELDNAMES /REPLACE."
      } >"$work/$id-$lang.dict.sps"
      pspp -x compatible --syntax-encoding=UTF-8 --no-output "$work/$id-$lang.dict.sps" >/dev/null 2>&1 || true
      run "$id $lang: codebook.csv names = flatten CSV header = DDI var names = SPSS dictionary" \
        python3 - "$csvbook" "$work/$id.csv" "$dir/codebook.ddi.xml" "$work/$id-$lang.dict.csv" <<'PY'
import csv, sys, xml.etree.ElementTree as ET
book, flat, ddi, spss = sys.argv[1:]
names = [r["name"] for r in csv.DictReader(open(book, encoding="utf-8", newline=""))]
header = next(csv.reader(open(flat, encoding="utf-8", newline="")))
ns = {"d": "ddi:codebook:2_5"}
ddi_names = [v.get("name") for v in ET.parse(ddi).getroot().iterfind(".//d:dataDscr/d:var", ns)]
try:
    dictionary = next(csv.reader(open(spss, encoding="utf-8", newline="")))
except (OSError, StopIteration):
    dictionary = []
ok = names == header == ddi_names == dictionary
if not ok:
    for what, other in [("flatten CSV", header), ("DDI", ddi_names), ("SPSS", dictionary)]:
        if other != names:
            print(f"  {what} differs: {other[:8]}... ({len(other)} names, codebook {len(names)})")
sys.exit(0 if ok else 1)
PY
    done
  done
else
  echo "note: this lomake has no flatten command; the checks against flat data are skipped"
fi

echo
echo "codebook-checks: $passed passed, $failed failed (${#ddi[@]} DDI, ${#html[@]} HTML, ${#sps[@]} SPSS, ${#review[@]} review files)"
for f in "${failures[@]}"; do
  echo "  failed: $f"
done
[ "$failed" -eq 0 ]
