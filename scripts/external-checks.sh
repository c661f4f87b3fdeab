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
for ir in "$out"/*/ir.json; do
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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
