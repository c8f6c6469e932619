"""Reading the audit log."""

from __future__ import annotations

from sqlmodel import Session, select

from ..accounts.models import User
from .models import AuditEntry


def list_entries(db: Session, *, limit: int = 50, before_id: int | None = None) -> list[tuple[AuditEntry, User | None]]:
    """Newest first, with each entry's actor, in one query."""
    query = select(AuditEntry, User).join(User, User.id == AuditEntry.actor_id, isouter=True)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(db.exec(query.order_by(AuditEntry.id.desc()).limit(limit)).all())


def audit_chain_problems(db: Session, *, batch: int = 500) -> tuple[int, str | None, list]:
    """(entries checked, the chain's head, problems): every entry's hash recomputed, every link followed."""
    from ..resolutions.record import Problem
    from .chain import hash_of

    problems: list = []
    checked, after, head = 0, 0, None
    while True:
        rows = db.exec(
            select(AuditEntry)
            .where(AuditEntry.id > after)
            .order_by(AuditEntry.id)
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
        after = rows[-1].id
