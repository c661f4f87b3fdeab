#!/usr/bin/env bash
# Checks lomake's outputs with standard tools nobody on the team wrote.
# Installs what it needs (Debian packages, npm and PyPI packages) through
# ../shared/validators/install.sh, then runs every external suite.
#
#   bash scripts/external-checks.sh
#
# VALIDATORS (default /tmp/lomake-validators) is where the tools go;
# SHARED (default ../shared) is the folder holding validators/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
VALIDATORS="${VALIDATORS:-/tmp/lomake-validators}"

bash "$SHARED/validators/install.sh" "$VALIDATORS"
bin="$VALIDATORS/bin"
out="target/external-checks"
rm -rf "$out"

cargo build --quiet --release
./target/release/lomake --quiet build surveys/ --out "$out"

passed=0
failed=0
run() {
  local name="$1"
  shift
  if "$@"; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name"
    failed=$((failed + 1))
  fi
}

# The IR's own schema is a valid 2020-12 schema, and every built IR follows it.
run "ir.schema.json is a valid JSON Schema" "$bin/check-jsonschema-meta" --strict docs/ir.schema.json
# The hostile codebook fixture too: display texts with researcher notes.
rm -rf "$out-ir"
./target/release/lomake --quiet build tests/fixtures/codebook/hostile.survey --out "$out-ir"
for ir in "$out"/*/ir.json "$out-ir"/*/ir.json; do
  run "$ir follows docs/ir.schema.json" "$bin/check-instance" docs/ir.schema.json "$ir"
done
# A broken IR must be refused (the check can fail).
python3 - "$out" <<'PY'
import json, sys, glob
path = sorted(glob.glob(sys.argv[1] + "/*/ir.json"))[0]
ir = json.load(open(path))
ir["variables"][0]["name"] = "_bad name"
json.dump(ir, open(sys.argv[1] + "/broken-ir.json", "w"))
PY
run "a broken IR is refused" bash -c "! '$bin/check-instance' docs/ir.schema.json '$out/broken-ir.json' >/dev/null 2>&1"

# Every response schema (and that of the test survey of every kind) is a
# valid 2020-12 schema without unknown keywords (x-lomake-* allowed), with
# every $ref resolving.
./target/release/lomake --quiet build tests/fixtures/schema/kinds.survey --out "$out/fixtures"
for schema in "$out"/*/*/response.schema.json "$out"/fixtures/*/*/response.schema.json; do
  run "$schema is a valid JSON Schema" "$bin/check-jsonschema-meta" --strict "$schema"
done
# Responses: tests/fixtures/responses/schema/<survey-id>--valid-*.json pass
# every language's schema, <survey-id>--invalid-*.json fail it.
responses=tests/fixtures/responses/schema
ls "$responses"/*--valid-*.json "$responses"/*--invalid-*.json >/dev/null
for response in "$responses"/*.json; do
  name="$(basename "$response" .json)"
  survey="${name%%--*}"
  for schema in "$out/$survey"/*/response.schema.json; do
    lang="$(basename "$(dirname "$schema")")"
    case "$name" in
      *--valid-*)
        run "$name passes the $lang schema" "$bin/check-instance" "$schema" "$response" ;;
      *--invalid-*)
        run "$name fails the $lang schema" \
          bash -c "! '$bin/check-instance' '$schema' '$response' >/dev/null 2>&1" ;;
      *)
        run "$name is named <survey-id>--valid-* or --invalid-*" false ;;
    esac
  done
done

# With no threads to be had (a limit on processes, as in some containers),
# the check and the build work on the calling thread alone and write the
# same files: a large synthetic survey (every part of the front end that
# uses threads) and the bundled surveys, as the unprivileged user `nobody`
# under `ulimit -u 1`. Needs root to switch users; skipped otherwise.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  nothreads="$(mktemp -d)"
  cargo run --quiet --release --example synth 4000 > "$nothreads/synthetic.survey"
  cp -r surveys lomake.yaml "$nothreads/"
  cp target/release/lomake "$nothreads/lomake"
  chmod -R a+rwX "$nothreads"
  ./target/release/lomake --quiet build "$nothreads/synthetic.survey" "$nothreads/surveys" --out "$nothreads/threads"
  run "without threads, check and build succeed" su -s /bin/bash nobody -c \
    "cd '$nothreads' && ulimit -u 1 && exec ./lomake --quiet build synthetic.survey surveys --out no-threads"
  run "without threads, the same files" diff -r "$nothreads/threads" "$nothreads/no-threads"
  rm -rf "$nothreads"
else
  echo "skipped: the build without threads (needs root and the user nobody)"
fi

# The suites of the other targets, each one script that installs what it
# needs: the form in Chromium (axe, Nu, random fills, semantics), the
# codebooks (xmllint against DDI 2.5, Nu, PSPP), flatten (PSPP, pyreadstat).
export VALIDATORS SHARED
run "form: scripts/browser-tests.sh" bash scripts/browser-tests.sh
run "codebooks: scripts/codebook-checks.sh" bash scripts/codebook-checks.sh
run "flatten: scripts/flatten-checks.sh" bash scripts/flatten-checks.sh
run "translations: scripts/po-checks.sh" bash scripts/po-checks.sh

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
