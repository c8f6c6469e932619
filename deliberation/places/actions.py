"""Bringing ``delib_place`` in step with the codifier shipped in the package (a new edition)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from .data import DATA_FILE, read_rows
from .models import Place, PlaceCategory


@dataclass(frozen=True)
class Reloaded:
    added: int
    changed: int
    withdrawn: int


def do_reload_places(db: Session, *, path: Path = DATA_FILE) -> Reloaded:
    """Add new places, rename or move changed ones, and mark those the edition dropped as no longer
    current. Never deletes: reports name their hromada by code, and their counts must stay whole.
    Idempotent: run it twice and the second run changes nothing. Flushes, never commits."""
    rows = {row.code: row.as_dict() for row in read_rows(path)}
    stored = {p.code: p for p in db.exec(select(Place)).all()}
    added = [row for code, row in rows.items() if code not in stored]
    # Inserted in the file's order: parents come first, so the foreign key holds at each row.
    if added:
        db.execute(insert(Place), added)
    changed = 0
    fields = ("category", "name", "folded", "parent_code", "oblast_code", "current")
    for code, place in stored.items():
        row = rows.get(code)
        if row is None:
            continue
        if any(getattr(place, f) != row[f] for f in fields):
            for f in fields:
                setattr(place, f, PlaceCategory(row[f]) if f == "category" else row[f])
            db.add(place)
            changed += 1
    gone = [code for code, place in stored.items() if code not in rows and place.current]
    if gone:
        db.execute(update(Place).where(col(Place.code).in_(gone)).values(current=False))
    db.flush()
    return Reloaded(added=len(added), changed=changed, withdrawn=len(gone))
