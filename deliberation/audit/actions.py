"""Writing the audit log. Every state change in the domain layer records one entry."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, event, insert, text
from sqlmodel import Session

from ..db import table_of, utcnow
from . import chain
from .models import AuditEntry

#: The advisory lock that lets one transaction at a time extend the chain on PostgreSQL, one per
#: schema: two networks (or two test runs) in one database do not wait for each other.
CHAIN_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/delib-audit-chain'))"
_PENDING = "delib_audit_pending"


def record(
    db: Session,
    *,
    actor_id: int | None,
    action: str,
    obj: Any = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Append one entry; ``obj`` gives the object type (its table without prefix) and id."""
    if obj is not None:
        object_type = obj.__tablename__.removeprefix("delib_")
        object_id = obj.id
    entry = AuditEntry(
        actor_id=actor_id, action=action, object_type=object_type or "site", object_id=object_id, details=details
    )
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
    head = _chain_head(db)
    for entry in pending:
        entry.previous_hash = head
        entry.hash = head = chain.hash_of(entry, head)


def _chain_head(db: Session) -> str | None:
    """The hash of the last entry, once this transaction may extend the chain (see above)."""
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        # The lock and the head in one round trip (two statements, no parameters: the simple query
        # protocol), since the chain's lock is held from here to the commit and every round trip
        # under it makes every other writer wait. Each statement of such a string takes its own
        # snapshot under READ COMMITTED, so the head is read after the lock is granted and sees
        # the entry of whoever held it before.
        result = conn.exec_driver_sql(f"{CHAIN_LOCK_SQL}; {_HEAD_SQL}")
        try:
            cursor = result.cursor
            cursor.nextset()
            row = cursor.fetchone()
        finally:
            result.close()
        return row[0] if row else None
    return conn.execute(_CHAIN_HEAD).scalar()


_HEAD_SQL = "SELECT hash FROM delib_audit_entry ORDER BY id DESC LIMIT 1"
_CHAIN_HEAD = text(_HEAD_SQL)


def record_now(db: Session, *, actor_id: int | None, action: str, obj: Any, **details: Any) -> None:
    """Append one entry now, with one INSERT and no ORM object, linked to the chain like any other:
    for a hot path (a ballot), where the unit of work's bookkeeping costs more than the row. Call it
    as the transaction's last write: on PostgreSQL the chain's lock is held from here to the commit."""
    record_many(
        db,
        [
            {
                "actor_id": actor_id,
                "action": action,
                "object_type": obj.__tablename__.removeprefix("delib_"),
                "object_id": obj.id,
                "details": details,
            }
        ],
    )


def record_many(db: Session, entries: list[dict[str, Any]]) -> None:
    """Append several entries now, in the order given, with one INSERT: ``record_now`` for a
    transaction that writes many ballots at once (voting.group_commit). Each entry is a dict of
    ``actor_id``, ``action``, ``object_type`` (a table without its prefix), ``object_id`` and
    ``details``. The last write of its transaction, as there."""
    if not entries:
        return
    db.flush()  # entries recorded earlier in this transaction come first in the chain
    at = utcnow()
    head = _chain_head(db)
    rows = []
    for entry in entries:
        values = {"at": at, **{name: entry[name] for name in _ENTRY_FIELDS}}
        digest = chain.hash_of(SimpleNamespace(**values), head)
        rows.append({**values, "previous_hash": head, "hash": digest})
        head = digest
    # One row goes as one statement; several as one call.
    db.connection().execute(_INSERT_ENTRY, rows[0] if len(rows) == 1 else rows)


_ENTRY_FIELDS = ("actor_id", "action", "object_type", "object_id", "details")

# Built once: on a hot path, building the insert cost more than running it.
_INSERT_ENTRY = insert(table_of(AuditEntry)).values(
    {name: bindparam(name) for name in ("at", "actor_id", "action", "object_type", "object_id", "details")}
    | {"previous_hash": bindparam("previous_hash"), "hash": bindparam("hash")}
)
