"""Writing the audit log. Every state change in the domain layer records one entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from ..db import utcnow
from .models import AuditEntry


def record(db: Session, *, actor_id: int | None, action: str, obj: Any = None,
           object_type: str | None = None, object_id: int | None = None, **details: Any) -> AuditEntry:
    """Append one entry; ``obj`` gives the object type (its table without prefix) and id."""
    if obj is not None:
        object_type = obj.__tablename__.removeprefix("delib_")
        object_id = obj.id
    entry = AuditEntry(actor_id=actor_id, action=action, object_type=object_type or "site",
                       object_id=object_id, details=details)
    db.add(entry)
    return entry


def record_now(db: Session, *, actor_id: int | None, action: str, obj: Any, **details: Any) -> None:
    """Append one entry with a single INSERT, now, without an ORM object: for the hot paths (a
    ballot), where the unit of work's bookkeeping costs more than the row."""
    db.execute(insert(AuditEntry).values(at=utcnow(), actor_id=actor_id, action=action,
                                         object_type=obj.__tablename__.removeprefix("delib_"), object_id=obj.id,
                                         details=details))
