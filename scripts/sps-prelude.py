#!/usr/bin/env python3
"""Writes SPSS syntax that creates an empty dataset of the flat data layout
described by a codebook.csv (its `name` and `format` columns): the prelude
for `check-sps --prelude`, standing in for a .sav from `lomake flatten`."""
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
out = ["INPUT PROGRAM."]
for r in rows:
    name, fmt = r["name"], r["format"]
    kind = "STRING" if fmt.startswith("A") else "NUMERIC"
    out.append(f"{kind} {name} ({fmt}).")
out += ["END CASE.", "END FILE.", "END INPUT PROGRAM."]
sys.stdout.write("\n".join(out) + "\n")
