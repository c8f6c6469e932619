"""Reading the audit log."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..problems import Problem
from .chain import hash_of
from .models import AuditEntry


def list_entries(db: Session, *, limit: int = 50, before_id: int | None = None) -> list[AuditEntry]:
    """Newest first. Entries name their actor by id: every capability records here, so the log
    reads no table above it (``accounts.queries.display_names`` puts names to the ids)."""
    query = select(AuditEntry)
    if before_id:
        query = query.where(col(AuditEntry.id) < before_id)
    return list(db.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit)).all())


def audit_chain_problems(db: Session, *, batch: int = 500) -> tuple[int, str | None, list[Problem]]:
    """(entries checked, the chain's head, problems): every entry's hash recomputed, every link followed."""
    problems: list[Problem] = []
    checked, after, head = 0, 0, None
    while True:
        rows = db.exec(
            select(AuditEntry)
            .where(col(AuditEntry.id) > after)
            .order_by(col(AuditEntry.id))
            .limit(batch)
            .execution_options(populate_existing=True)
        ).all()
        if not rows:
            return checked, head, problems
        for entry in rows:
            name = f"audit {entry.id}"
            if entry.previous_hash != head:
                problems.append(Problem(name, "chain_broken", head, entry.previous_hash))
            computed = hash_of(entry, entry.previous_hash)
            if entry.hash != computed:
                problems.append(Problem(name, "hash_mismatch", computed, entry.hash))
            head = entry.hash
        checked += len(rows)
        last_id = rows[-1].id
        assert last_id is not None  # a stored row
        after = last_id
