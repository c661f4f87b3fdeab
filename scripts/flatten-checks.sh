#!/usr/bin/env bash
# scripts/flatten-checks.sh: checks `lomake flatten` with tools nobody on the team wrote.
#
#   scripts/flatten-checks.sh            # N=2000 responses, 10 % partial
#   N=20000 scripts/flatten-checks.sh
#
# 1. `lomake sample` writes N responses of the 2023 Barometer; `lomake flatten` writes them as
#    CSV and, once per survey language, as .sav.
# 2. GNU PSPP (`check-sps --strict`: no error or warning lines) opens every .sav (GET FILE);
#    its DISPLAY DICTIONARY shows the variable labels of that language; its FREQUENCIES equal
#    the frequencies computed from the JSONL (values, nulls, absent = not asked + not reached)
#    and from the CSV; SAVE TRANSLATE gives back the CSV's values.
# 3. pyreadstat (PyPI) reads every .sav with the CSV's names, values, variable and value labels
#    of the language, missing ranges and measurement levels.
# Exit 0 when everything agrees, 1 on any mismatch, 2 when a tool cannot be set up.
#
# Installs what it needs: PSPP (apt `pspp`) if missing; the validators
# (../shared/validators/install.sh) if $VALIDATORS (default /tmp/lomake-validators) has none;
# a Python venv with pyreadstat and pandas in $FLATTEN_VENV (default ~/.cache/lomake-flatten-venv).
# SHARED (default ../shared) holds validators/; LOMAKE=path uses that binary instead of building.
# KEEP=1 keeps the work folder (data, PSPP syntax and output, check.py) for a look afterwards.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-2000}
VALIDATORS=${VALIDATORS:-/tmp/lomake-validators}
SHARED=${SHARED:-$ROOT/../shared}
VENV=${FLATTEN_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/lomake-flatten-venv}
SURVEY="$ROOT/surveys/partnership-barometer-2023.survey"
WORK=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "flatten-checks: keeping $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

say() { printf '%s\n' "$*"; }
die() { say "flatten-checks: $*" >&2; exit 2; }

# --- tools -------------------------------------------------------------------------------
if ! command -v pspp >/dev/null; then
  say "installing pspp (apt)"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get install -y -q pspp >/dev/null || die "cannot install pspp"
fi
if [ ! -x "$VALIDATORS/bin/check-sps" ]; then
  say "installing the validators into $VALIDATORS"
  bash "$SHARED/validators/install.sh" "$VALIDATORS" >/dev/null || die "cannot install the validators"
fi
if ! "$VENV/bin/python" -c 'import pyreadstat, pandas' 2>/dev/null; then
  say "installing pyreadstat and pandas into $VENV"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q pyreadstat pandas >/dev/null \
    || die "cannot install pyreadstat"
fi
if [ -z "${LOMAKE:-}" ]; then
  (cd "$ROOT" && cargo build --release -q) || die "cargo build failed"
  LOMAKE="$ROOT/target/release/lomake"
fi

# --- data ---------------------------------------------------------------------------------
cd "$WORK" || die "no work folder"
"$LOMAKE" sample "$SURVEY" -n "$N" --partial 10 -o r.jsonl || die "lomake sample failed"
"$LOMAKE" build "$SURVEY" -o build -q >/dev/null 2>&1
IR=$(ls build/*/ir.json 2>/dev/null | head -1)
[ -f "$IR" ] || die "lomake build wrote no ir.json"
LANGS=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["languages"]))' "$IR")

fail=0
"$LOMAKE" flatten "$SURVEY" r.jsonl --out r.csv || { say "FAIL: flatten to CSV"; fail=1; }
for l in $LANGS; do
  "$LOMAKE" flatten "$SURVEY" r.jsonl --out "r.$l.sav" --lang "$l" -q || { say "FAIL: flatten to .sav ($l)"; fail=1; }
done
cmp -s r.fi.sav <("$LOMAKE" flatten "$SURVEY" r.jsonl --out again.sav --lang fi -q && cat again.sav) \
  || { say "FAIL: two runs gave different .sav bytes"; fail=1; }

# --- PSPP ---------------------------------------------------------------------------------
NUMERIC=$(python3 - "$IR" <<'EOF'
import json, sys
ir = json.load(open(sys.argv[1]))
cols = ["resp_status"]
for v in ir["variables"]:
    if v["kind"] in ("single", "multiple", "integer", "decimal"):
        cols += v["columns"]
print(" ".join(cols))
EOF
)
for l in $LANGS; do
  cat > "get.$l.sps" <<EOF
SET TNUMBERS=VALUES TVARS=NAMES.
GET FILE='r.$l.sav'.
DISPLAY DICTIONARY.
FREQUENCIES /VARIABLES=$NUMERIC /STATISTICS=NONE.
SAVE TRANSLATE /OUTFILE='pspp.$l.csv' /TYPE=CSV /FIELDNAMES /CELLS=VALUES /REPLACE.
EOF
  say "== PSPP: $VALIDATORS/bin/check-sps --strict get.$l.sps"
  if ! "$VALIDATORS/bin/check-sps" --strict "get.$l.sps"; then fail=1; fi
  pspp -O format=csv -o "pspp-out.$l.csv" "get.$l.sps" >/dev/null 2>&1 || { say "FAIL: pspp ($l)"; fail=1; }
done

# --- comparisons --------------------------------------------------------------------------
cat > check.py <<'EOF'
import collections, csv, json, math, sys
import pyreadstat

ir_path, langs = sys.argv[1], sys.argv[2].split()
ir = json.load(open(ir_path, encoding="utf-8"))
problems = []
def fail(msg):
    if len(problems) < 50:
        print("MISMATCH:", msg)
    problems.append(msg)

def text(t, lang):
    if not t:
        return ""
    tr = t["translations"]
    x = tr.get(lang) or next(iter(tr.values()))
    return x.get("plain", x["raw"])

def cut(s, n):
    b = s.encode()
    if len(b) <= n:
        return s
    return b[:n].decode("utf-8", "ignore")

def one_line(s):
    return " ".join(s.split())

lists = {l["name"]: l for l in ir["lists"]}
KIND = {"fi": ["Ei kysytty", "Ei vastattu", "Ei saavutettu (keskeytti)"],
        "sv": ["Inte frågad", "Inte besvarad", "Inte nådd (avbröt)"]}
FLAG = {"fi": ["Ei valittu", "Valittu"], "sv": ["Inte vald", "Vald"]}
STATUS = {"fi": ["Valmis", "Keskeneräinen"], "sv": ["Fullständig", "Ofullständig"]}
ENV = {"fi": ["Vastaajan tunniste", "Vastauksen tila", "Lähetetty"],
       "sv": ["Respondentens id", "Svarets status", "Inskickat"]}
EN = {"kind": ["Not asked", "Not answered", "Not reached (break-off)"],
      "flag": ["Not chosen", "Chosen"], "status": ["Complete", "Partial"],
      "env": ["Respondent id", "Response status", "Submitted"]}

# The expected dictionary, per language: column -> (label, value labels, missing, measure).
def expected(lang):
    kinds = KIND.get(lang, EN["kind"])
    kl = {-1.0: kinds[0], -2.0: kinds[1], -3.0: kinds[2]}
    env = ENV.get(lang, EN["env"])
    out = collections.OrderedDict()
    st = STATUS.get(lang, EN["status"])
    out["resp_id"] = (env[0], {}, [], "nominal", False)
    out["resp_status"] = (env[1], {1.0: st[0], 2.0: st[1]}, [], "nominal", True)
    out["resp_submitted"] = (env[2], {}, [], "nominal", False)
    for v in ir["variables"]:
        label = one_line(text(v["label"], lang))
        lst = lists.get(v.get("list"))
        level = v.get("level") or "nominal"
        if v["kind"] == "multiple":
            declared = v.get("missing_codes", [])
            for col, o in zip(v["columns"], lst["options"]):
                vl = dict(kl)
                f = FLAG.get(lang, EN["flag"])
                vl.update({0.0: f[0], 1.0: f[1]})
                miss = [{"lo": -math.inf, "hi": -1.0}]
                # A substantive option's column holds the declared missing
                # code chosen instead (99 "can't say"), labelled and missing.
                if o["code"] not in declared:
                    for m in lst["options"]:
                        if m["code"] in declared and m.get("label"):
                            vl[float(m["code"])] = cut(one_line(text(m["label"], lang)), 120)
                    pos = [c for c in declared if c >= 0]
                    if pos:
                        miss.append({"lo": float(pos[0]), "hi": float(pos[0])})
                ol = one_line(text(o.get("label"), lang)) if o.get("label") else str(o["code"])
                out[col] = (cut(f"{label}: {ol}", 255), vl, miss, "nominal", True)
        elif v["kind"] in ("single", "integer", "decimal"):
            vl = dict(kl)
            for o in (lst["options"] if lst else []):
                if o.get("label"):
                    vl[float(o["code"])] = cut(one_line(text(o["label"], lang)), 120)
            miss = [{"lo": -math.inf, "hi": -1.0}]
            pos = [c for c in v.get("missing_codes", []) if c >= 0]
            if pos:
                miss.append({"lo": float(pos[0]), "hi": float(pos[0])})
            measure = level if v["kind"] == "single" else "scale"
            for col in v["columns"]:
                out[col] = (cut(label, 255), vl, miss, measure, True)
        else:
            for col in v["columns"]:
                out[col] = (cut(label, 255), {}, [], "nominal", False)
    return out

# Our CSV.
with open("r.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, data = rows[0], rows[1:]
names = list(expected(langs[0]).keys())
if header != names:
    fail(f"CSV header != the flat columns of ir.json")
numeric = {n for n, e in expected(langs[0]).items() if e[4]}
col = {n: i for i, n in enumerate(header)}

# Frequencies from the JSONL, independently of lomake's conversion.
responses = [json.loads(l) for l in open("r.jsonl", encoding="utf-8") if l.strip()]
if len(responses) != len(data):
    fail(f"{len(responses)} responses but {len(data)} CSV rows")
for v in ir["variables"]:
    if v["kind"] == "multiple":
        for ci, (c, o) in enumerate(zip(v["columns"], lists[v["list"]]["options"])):
            values = collections.Counter(row[col[c]] for row in data)
            chosen = sum(1 for r in responses if isinstance(r.get(v["name"]), list) and o["code"] in r[v["name"]])
            nulls = sum(1 for r in responses if v["name"] in r and r[v["name"]] is None)
            absent = sum(1 for r in responses if v["name"] not in r)
            if (values["1"], values["-2"], values["-1"] + values["-3"]) != (chosen, nulls, absent):
                fail(f"{c}: CSV 1/-2/-1+-3 = {values['1']}/{values['-2']}/{values['-1'] + values['-3']}, JSONL {chosen}/{nulls}/{absent}")
            # A declared missing option chosen: the other options' columns hold its code.
            for m in v.get("missing_codes", []):
                if o["code"] in v.get("missing_codes", []):
                    continue
                said = sum(1 for r in responses if isinstance(r.get(v["name"]), list) and m in r[v["name"]])
                if values[str(m)] != said:
                    fail(f"{c}: CSV has {m} {values[str(m)]} times, JSONL chose {m} {said} times")
    elif v["kind"] in ("single", "integer", "decimal"):
        c = v["columns"][0]
        values = collections.Counter(float(row[col[c]]) for row in data)
        from_json = collections.Counter(float(r[v["name"]]) for r in responses if r.get(v["name"]) is not None)
        nulls = sum(1 for r in responses if v["name"] in r and r[v["name"]] is None)
        absent = sum(1 for r in responses if v["name"] not in r)
        ours = {k: n for k, n in values.items() if k >= 0}
        if ours != dict(from_json) or values[-2.0] != nulls or values[-1.0] + values[-3.0] != absent:
            fail(f"{c}: CSV frequencies differ from the JSONL")
    elif v["kind"] in ("text", "date", "hidden"):
        c = v["columns"][0]
        got = [row[col[c]] for row in data]
        want = [r.get(v["name"]) or "" for r in responses]
        if got != want:
            fail(f"{c}: CSV texts differ from the JSONL")
# Not reached only in partial responses.
for row, r in zip(data, responses):
    if r["_status"] == "complete" and any(row[col[c]] == "-3" for c in numeric):
        fail(f"{r.get('_id')}: -3 in a complete response")
        break
print(f"CSV vs JSONL: {len(data)} rows, {len(header)} columns compared")

def same(a, b, numeric_col):
    if numeric_col:
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return False
    return (a or "").rstrip(" ") == (b or "").rstrip(" ")

for lang in langs:
    exp = expected(lang)
    # PSPP: DISPLAY DICTIONARY and FREQUENCIES (CSV output), SAVE TRANSLATE.
    out = list(csv.reader(open(f"pspp-out.{lang}.csv", encoding="utf-8")))
    labels, freqs, table = {}, collections.defaultdict(dict), None
    for row in out:
        if not row:
            table = None
            continue
        if row[0].startswith("Table: "):
            table = row[0][7:]
            continue
        if table == "Variables" and len(row) > 3 and row[0] in exp:
            labels[row[0]] = row[2]
        elif table in numeric and len(row) >= 3 and row[1] not in ("", "Frequency") and row[0] != "Total":
            freqs[table].setdefault(float(row[1]), int(row[2]))
    for n, e in exp.items():
        if labels.get(n, "") != e[0]:
            fail(f"PSPP DISPLAY DICTIONARY ({lang}) {n}: {labels.get(n)!r} != {e[0]!r}")
    for n in numeric:
        ours = collections.Counter(float(row[col[n]]) for row in data)
        if dict(ours) != freqs.get(n):
            fail(f"PSPP FREQUENCIES ({lang}) {n}: {freqs.get(n)} != {dict(ours)}")
    with open(f"pspp.{lang}.csv", newline="", encoding="utf-8") as f:
        prow = list(csv.reader(f))
    if prow[0] != header or len(prow) - 1 != len(data):
        fail(f"PSPP SAVE TRANSLATE ({lang}): names or row count differ")
    else:
        bad = sum(1 for a, b in zip(prow[1:], data) for n, i in col.items() if not same(a[i], b[i], n in numeric))
        if bad:
            fail(f"PSPP SAVE TRANSLATE ({lang}): {bad} cells differ from the CSV")
    print(f"PSPP ({lang}): dictionary labels of {len(labels)} variables, frequencies of {len(freqs)} numeric columns, {len(prow) - 1} cases checked")

    # pyreadstat.
    df, meta = pyreadstat.read_sav(f"r.{lang}.sav", user_missing=True)
    if list(meta.column_names) != header:
        fail(f"pyreadstat ({lang}): names differ from the CSV header")
    if meta.number_rows != len(data) or meta.file_encoding != "UTF-8":
        fail(f"pyreadstat ({lang}): {meta.number_rows} rows, encoding {meta.file_encoding}")
    for n, e in exp.items():
        if meta.column_names_to_labels.get(n) != e[0]:
            fail(f"pyreadstat ({lang}) label of {n}: {meta.column_names_to_labels.get(n)!r} != {e[0]!r}")
        if meta.variable_value_labels.get(n, {}) != e[1]:
            fail(f"pyreadstat ({lang}) value labels of {n} differ")
        if meta.missing_ranges.get(n, []) != e[2]:
            fail(f"pyreadstat ({lang}) missing values of {n}: {meta.missing_ranges.get(n)} != {e[2]}")
        if meta.variable_measure.get(n) != e[3]:
            fail(f"pyreadstat ({lang}) measure of {n}: {meta.variable_measure.get(n)} != {e[3]}")
    bad = 0
    for n, i in col.items():
        column = df[n].tolist()
        for a, row in zip(column, data):
            if not same(a, row[i], n in numeric):
                bad += 1
                if bad <= 3:
                    fail(f"pyreadstat ({lang}) {n}: {a!r} != CSV {row[i]!r}")
    print(f"pyreadstat ({lang}): {len(df)} rows x {len(df.columns)} columns, labels, missing ranges and levels checked; {bad} cells differ")

print(f"summary: {len(problems)} mismatch(es)")
sys.exit(1 if problems else 0)
EOF
say "== comparisons (pyreadstat $("$VENV/bin/python" -c 'import pyreadstat; print(pyreadstat.__version__)'))"
"$VENV/bin/python" check.py "$IR" "$LANGS" || fail=1

if [ "$fail" = 0 ]; then
  say "flatten-checks: OK ($N responses; CSV and .sav in $LANGS; PSPP and pyreadstat agree)"
else
  say "flatten-checks: FAIL"
fi
exit "$fail"
