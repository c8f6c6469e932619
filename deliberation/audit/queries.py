"""Reading the audit log."""

from __future__ import annotations

from sqlmodel import Session, func, select

from ..accounts.models import User
from .models import AuditEntry


def list_entries(db: Session, *, limit: int = 50, before_id: int | None = None) -> list[tuple[AuditEntry, User | None]]:
    """Newest first, with each entry's actor, in one query."""
    query = select(AuditEntry, User).join(User, User.id == AuditEntry.actor_id, isouter=True)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(db.exec(query.order_by(AuditEntry.id.desc()).limit(limit)).all())


def count_entries(db: Session) -> int:
    return db.exec(select(func.count()).select_from(AuditEntry)).one()
