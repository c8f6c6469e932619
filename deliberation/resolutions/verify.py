"""Checking the stored chain of resolutions: every hash recomputed, every link followed.

The triggers keep the rows from changing, but whoever reads the chain should not have to trust
the database: this recomputes each hash from the stored fields (``resolutions.record``) and checks
that each ``previous_hash`` is the stored hash of the resolution before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from ..audit.queries import audit_chain_problems
from ..problems import Problem
from ..voting.recount import recount_problems
from . import queries, record
from .chain import record_of

# The chain is read a slice at a time, so a long history does not sit in memory at once.
BATCH = 200


@dataclass(frozen=True)
class Report:
    checked: int
    last_hash: str | None
    problems: list[Problem] = field(default_factory=list)
    votes_checked: int = 0
    audit_checked: int = 0
    audit_head: str | None = None


def verify_report(db: Session, *, batch: int = BATCH, expect: Sequence[str] = ()) -> Report:
    """Everything checked: the resolutions' chain in sequence order, each closed vote recounted
    from its ballots and participations, the audit log's chain.

    ``expect``: heads someone outside kept (a resolution's hash, published with it). Recomputing
    every hash after a rewrite makes a chain that checks out on its own; it cannot make a kept
    hash reappear, so each one must still be in the chain.
    """
    checked, last_hash, problems, seen = _chain(db, batch)
    for kept in expect:
        if kept.strip().lower() not in seen:
            problems.append(Problem(None, "expected_hash_missing", kept, None))
    votes_checked, vote_problems = recount_problems(db)
    audit_checked, audit_head, audit_problems = audit_chain_problems(db)
    return Report(
        checked=checked,
        last_hash=last_hash,
        problems=problems + vote_problems + audit_problems,
        votes_checked=votes_checked,
        audit_checked=audit_checked,
        audit_head=audit_head,
    )


def _chain(db: Session, batch: int) -> tuple[int, str | None, list[Problem], set[str]]:
    problems: list[Problem] = []
    seen: set[str] = set()
    checked, after, previous = 0, 0, None
    while True:
        rows = queries.list_chain(db, after_sequence=after, limit=batch, refresh=True)
        if not rows:
            break
        records = [record_of(row) for row in rows]
        # Each slice must link to the stored hash that ended the slice before it.
        problems += record.verify_chain(records, previous_hash=previous)
        seen.update(row.hash for row in rows)
        checked += len(rows)
        after, previous = rows[-1].sequence, rows[-1].hash
    return checked, previous, problems, seen


def verify(db: Session, *, expect: Sequence[str] = ()) -> list[Problem]:
    """Every problem found; [] when every hash, link and recount is right."""
    return verify_report(db, expect=expect).problems
