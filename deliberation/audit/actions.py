"""Writing the audit log. Every state change in the domain layer records one entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlmodel import Session

from . import chain
from .models import AuditEntry

#: The advisory lock that lets one transaction at a time extend the chain on PostgreSQL.
CHAIN_LOCK = 0x64656C6962  # "delib"
_PENDING = "delib_audit_pending"


def record(db: Session, *, actor_id: int | None, action: str, obj: Any = None,
           object_type: str | None = None, object_id: int | None = None, **details: Any) -> AuditEntry:
    """Append one entry; ``obj`` gives the object type (its table without prefix) and id."""
    if obj is not None:
        object_type = obj.__tablename__.removeprefix("delib_")
        object_id = obj.id
    entry = AuditEntry(actor_id=actor_id, action=action, object_type=object_type or "site",
                       object_id=object_id, details=details)
    db.add(entry)
    # Hashed at flush, in the order recorded (see _chain_new_entries).
    db.info.setdefault(_PENDING, []).append(entry)
    return entry


@event.listens_for(Session, "before_flush")
def _chain_new_entries(db: Session, flush_context, instances) -> None:
    """Link the entries about to be inserted to the chain's head, in the order they were recorded.

    Two transactions extending the chain at once would both link to the same head and fork it.
    On PostgreSQL a transaction-scoped advisory lock makes the second wait until the first commits
    (or rolls back), then it reads the new head; SQLite already lets one writer at a time in. The
    head is read from the database, never remembered, so a rolled-back savepoint cannot leave a
    link to an entry that is gone.
    """
    pending = [entry for entry in db.info.get(_PENDING, ()) if entry in db.new]
    db.info[_PENDING] = []
    if not pending:
        return
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    head = conn.execute(text("SELECT hash FROM delib_audit_entry ORDER BY id DESC LIMIT 1")).scalar()
    for entry in pending:
        entry.previous_hash = head
        entry.hash = head = chain.hash_of(entry, head)
