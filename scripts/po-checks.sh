#!/usr/bin/env bash
# scripts/po-checks.sh: checks `lomake translations export/import` with GNU gettext.
#
#   scripts/po-checks.sh
#
# For every survey in surveys/ (both Barometer waves) and every language but the source one:
# 1. `lomake translations export` writes a PO file; `msgfmt --check --check-header` accepts it
#    with no error and no warning, and compiles it.
# 2. `msgcat` rewrites it the way gettext tools and editors do (strings wrapped at 79 columns);
#    `lomake translations import` of that file changes no byte of the sources.
# 3. A translation marked reviewed against another source text is exported `fuzzy`, and
#    `msgattrib --only-fuzzy` finds exactly that entry.
# 4. A broken PO file is refused by msgfmt (the check can fail).
# Exit 0 when all pass, 1 on any failure, 2 when a tool cannot be set up.
#
# Installs GNU gettext (apt `gettext`) if `msgfmt` is missing. LOMAKE=path uses that binary
# instead of building; KEEP=1 keeps the work folder.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "po-checks: keeping $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

say() { printf '%s\n' "$*"; }
die() { say "po-checks: $*" >&2; exit 2; }

if ! command -v msgfmt >/dev/null; then
  say "installing gettext (apt)"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get install -y -q gettext >/dev/null || die "cannot install gettext"
fi
if [ -z "${LOMAKE:-}" ]; then
  (cd "$ROOT" && cargo build --release -q) || die "cargo build failed"
  LOMAKE="$ROOT/target/release/lomake"
fi

cp -r "$ROOT/surveys" "$WORK/surveys" || die "cannot copy the surveys"
cd "$WORK" || die "no work folder"
snapshot() { find surveys -name '*.survey' -type f | sort | xargs sha256sum; }
before=$(snapshot)

passed=0
failed=0
check() {
  local name="$1"
  shift
  if "$@"; then
    say "ok: $name"
    passed=$((passed + 1))
  else
    say "FAILED: $name"
    failed=$((failed + 1))
  fi
}

# msgfmt with every check, and no warning either.
msgfmt_clean() {
  local out
  out=$(msgfmt --check --check-header -o "$1.mo" "$1" 2>&1) || { say "$out"; return 1; }
  [ -z "$out" ] || { say "$out"; return 1; }
  [ -s "$1.mo" ]
}

surveys=$(grep -l '^survey ' surveys/*.survey | sort)
[ -n "$surveys" ] || die "no surveys"
for survey in $surveys; do
  langs=$(sed -n 's/^ *languages *//p' "$survey" | head -1)
  source_lang=${langs%% *}
  for lang in $langs; do
    [ "$lang" = "$source_lang" ] && continue
    po="$(basename "$survey" .survey).$lang.po"
    check "$po: lomake exports it" "$LOMAKE" -q translations export --lang "$lang" "$survey" -o "$po"
    check "$po: msgfmt --check --check-header accepts it" msgfmt_clean "$po"
    check "$po: msgcat reads it" msgcat -o "$po.msgcat" "$po"
    check "$po: importing msgcat's rewrapped copy changes nothing" \
      "$LOMAKE" -q translations import "$po.msgcat" "$survey"
  done
done
check "the sources are byte-identical after the imports" [ "$(snapshot)" = "$before" ]

# A stale translation is fuzzy, and only it.
survey=surveys/partnership-barometer-2023.survey
sed -i '0,/^    sv "Partnerskapsbarometern 2023"$/s//    sv "Partnerskapsbarometern 2023" reviewed "00000000"/' "$survey"
"$LOMAKE" -q translations export --lang sv "$survey" -o stale.po
check "stale.po: msgfmt accepts a file with fuzzy entries" msgfmt_clean stale.po
fuzzy=$(msgattrib --only-fuzzy --no-wrap stale.po | grep '^msgctxt' || true)
check "stale.po: exactly the stale text is fuzzy" [ "$fuzzy" = 'msgctxt "survey.title"' ]

# The check can fail: a PO file with an unterminated string is refused.
printf 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a\nmsgstr "b"\n' > broken.po
check "msgfmt refuses a broken PO file" bash -c '! msgfmt --check -o /dev/null broken.po 2>/dev/null'

say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
