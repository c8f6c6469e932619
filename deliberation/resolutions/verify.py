"""Checking the stored chain of resolutions: every hash recomputed, every link followed.

The triggers keep the rows from changing, but whoever reads the chain should not have to trust
the database: this recomputes each hash from the stored fields (``resolutions.record``) and checks
that each ``previous_hash`` is the stored hash of the resolution before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from . import queries, record
from .chain import record_of

# The chain is read a slice at a time, so a long history does not sit in memory at once.
BATCH = 200


@dataclass(frozen=True)
class Report:
    checked: int
    last_hash: str | None
    problems: list[record.Problem] = field(default_factory=list)


def verify_report(db: Session, *, batch: int = BATCH) -> Report:
    """The whole chain checked in sequence order: how many, the last stored hash, the problems."""
    problems: list[record.Problem] = []
    checked, after, previous = 0, 0, None
    while True:
        rows = queries.list_chain(db, after_sequence=after, limit=batch, refresh=True)
        if not rows:
            break
        records = [record_of(row) for row in rows]
        # Each slice must link to the stored hash that ended the slice before it.
        problems += record.verify_chain(records, previous_hash=previous)
        checked += len(rows)
        after, previous = rows[-1].sequence, rows[-1].hash
    return Report(checked=checked, last_hash=previous, problems=problems)


def verify(db: Session) -> list[record.Problem]:
    """Every problem with the stored chain; [] when every hash and every link is right."""
    return verify_report(db).problems
