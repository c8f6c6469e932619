"""The codifier as shipped in this package (``katottg.csv.gz``, written by ``tools/import_katottg.py``).

Pure: reads the file, never the database, so the migration that fills ``delib_place`` and the
refresh in ``actions.py`` read one source.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "katottg.csv.gz"
_APOSTROPHES = str.maketrans({c: "ʼ" for c in "'’`´‘"})


def fold(text: str) -> str:
    """A name as a search compares it: case and apostrophe forms do not matter."""
    return " ".join(text.translate(_APOSTROPHES).casefold().split())


@dataclass(frozen=True)
class Row:
    code: str
    category: str
    name: str
    parent_code: str | None
    oblast_code: str

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "category": self.category,
            "name": self.name,
            "folded": fold(self.name),
            "parent_code": self.parent_code,
            "oblast_code": self.oblast_code,
            "current": True,
        }


def read_rows(path: Path = DATA_FILE) -> Iterator[Row]:
    """Every place, parents before their children (the file's order is the codifier's)."""
    oblast_of: dict[str, str] = {}
    with gzip.open(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        for record in csv.DictReader(text):
            parent = record["parent"] or None
            oblast = oblast_of[parent] if parent else record["code"]
            oblast_of[record["code"]] = oblast
            yield Row(record["code"], record["category"], record["name"], parent, oblast)
