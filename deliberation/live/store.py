"""Writing and reading the event log, on SQLite and PostgreSQL.

Writing happens at the very end of the transaction (the session's ``before_commit``), so the ids
come out in commit order: on SQLite the single writer guarantees it; on PostgreSQL a transaction
advisory lock, held only from that insert to the commit, does. A reader that saw id N has then
seen every id below N that will ever exist, which is what makes ``id > last`` a complete catch-up
and ``Last-Event-ID`` a safe resumption point. The lock spans one insert and the commit, and
transactions that NOTIFY serialise their commits in PostgreSQL anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlmodel import col

from ..db import is_sqlite, utcnow
from .models import LiveEvent

#: PostgreSQL channel that wakes every process's listener after a commit.
CHANNEL = "delib_live"
#: The advisory lock that orders event ids, the same in every process, one per schema.
_ORDER_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/delib-live-order'))"
#: Events are kept this long for resuming streams; a browser further behind reloads its page.
KEEP = timedelta(hours=2)
#: Pruning runs in one writing transaction out of this many.
PRUNE_EVERY = 200


@dataclass(frozen=True)
class Event:
    id: int
    forum_id: int
    kind: str
    facts: dict

    def message(self) -> bytes:
        """The event as a server-sent events message."""
        data = json.dumps(self.facts, separators=(",", ":"), sort_keys=True)
        return f"id: {self.id}\nevent: {self.kind}\ndata: {data}\n\n".encode()


def write(connection: Connection, pending: list[tuple[int, str, dict]]) -> None:
    """Store the events a transaction published; called just before it commits."""
    postgres = not is_sqlite(connection)
    if postgres:
        connection.execute(text(_ORDER_LOCK_SQL))
    now = utcnow()
    rows = [
        {
            "forum_id": forum_id,
            "kind": kind,
            "created_at": now,
            "facts": json.dumps(facts, separators=(",", ":"), sort_keys=True),
        }
        for forum_id, kind, facts in pending
    ]
    last_id = None
    for row in rows:
        last_id = connection.execute(insert(LiveEvent).values(**row).returning(col(LiveEvent.id))).scalar_one()
    if postgres:
        # Delivered only when (and if) the transaction commits, in commit order.
        connection.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": str(last_id)})
    if last_id is not None and last_id % PRUNE_EVERY == 0:
        connection.execute(delete(LiveEvent).where(col(LiveEvent.created_at) < now - KEEP))


def fetch_after(connection: Connection, last_id: int, *, forum_id: int | None = None, limit: int = 1000) -> list[Event]:
    query = select(LiveEvent).where(col(LiveEvent.id) > last_id).order_by(col(LiveEvent.id)).limit(limit)
    if forum_id is not None:
        query = query.where(col(LiveEvent.forum_id) == forum_id)
    columns = query.with_only_columns(
        col(LiveEvent.id), col(LiveEvent.forum_id), col(LiveEvent.kind), col(LiveEvent.facts)
    )
    return [
        Event(id=r.id, forum_id=r.forum_id, kind=r.kind, facts=json.loads(r.facts)) for r in connection.execute(columns)
    ]


def bounds(connection: Connection) -> tuple[int, int]:
    """The oldest and newest stored ids, (0, 0) when there are none."""
    low, high = connection.execute(select(func.min(LiveEvent.id), func.max(LiveEvent.id))).one()
    return low or 0, high or 0


def last_id(connection: Connection) -> int:
    return connection.execute(select(func.max(LiveEvent.id))).scalar() or 0
