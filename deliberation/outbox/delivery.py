"""Writing to the outbox in the change's transaction, and delivering it after the commit.

- ``add_event`` and ``add_mail`` insert a row in the caller's transaction: a rollback drops it
  with the change, a commit keeps both. The row is born claimed by the process that wrote it for
  ``lease`` seconds, and that process delivers it right after its commit, so nobody waits.
- If that process dies first (after the commit, before delivering), its claim runs out and the
  next ``sweep``, in any process, delivers the row. A failed delivery (a host receiver raised, the
  mail server refused) is retried with exponential backoff, up to ``MAX_ATTEMPTS``.
- Delivery is at least once: a process can die after delivering and before marking the row. So
  every event carries its ``delivery_id``, and a host that hears one twice drops the second.

Claims are compare-and-set updates (``claimed_until`` in the past or empty), so two processes
sweeping at once never both take a row. Times are this server's UTC clock: machines that share a
database should keep their clocks in step (NTP), which the lease tolerates to within its length.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlmodel import Session, col

from .. import mail
from ..db import sqlite_write_intent, utcnow
from .models import Channel, OutboxEntry

log = logging.getLogger("deliberation.outbox")

LEASE = timedelta(seconds=30)
MAX_ATTEMPTS = 12
BATCH = 100
#: Delivered rows are kept this long (for an operator's questions), then removed by a sweep.
KEEP_DELIVERED = timedelta(days=7)


@dataclass(frozen=True)
class Pending:
    """A row to deliver, detached from any session."""

    id: int
    delivery_id: str
    channel: str
    name: str
    payload: dict
    attempts: int


def add_event(db: Session, *, name: str, payload: dict, lease: timedelta = LEASE) -> Pending:
    return _add(db, channel="event", name=name, payload=payload, lease=lease)


def add_mail(db: Session, message: mail.Message, *, lease: timedelta = LEASE) -> Pending:
    payload = {"to": message.to, "subject": message.subject, "body": message.body}
    return _add(db, channel="mail", name="", payload=payload, lease=lease)


def _add(db: Session, *, channel: str, name: str, payload: dict, lease: timedelta) -> Pending:
    now = utcnow()
    entry = OutboxEntry(
        delivery_id=str(uuid.uuid4()),
        channel=Channel(channel),
        name=name,
        payload=payload,
        created_at=now,
        next_attempt_at=now,
        claimed_until=now + lease,
        attempts=1,
    )
    db.add(entry)
    db.flush()
    return _pending(entry)


def _pending(entry: Any) -> Pending:
    return Pending(
        id=entry.id,
        delivery_id=entry.delivery_id,
        channel=entry.channel,
        name=entry.name,
        payload=dict(entry.payload),
        attempts=entry.attempts,
    )


# --- delivering ---------------------------------------------------------------------------------


def still_written(sessions, pending: Sequence[Pending]) -> list[Pending]:
    """The rows of ``pending`` that exist (were not rolled back with a savepoint). A read: on
    SQLite it takes no write lock, whatever the request it follows."""
    token = sqlite_write_intent.set(False)
    try:
        with sessions.begin() as db:
            ids = set(
                db.execute(
                    select(col(OutboxEntry.id)).where(col(OutboxEntry.id).in_([p.id for p in pending]))
                ).scalars()
            )
    finally:
        sqlite_write_intent.reset(token)
    return [p for p in pending if p.id in ids]


Deliver = Callable[[Pending], None]


@contextmanager
def _writing(sessions) -> Any:
    """A short unit of work of its own that writes (BEGIN IMMEDIATE on SQLite)."""
    token = sqlite_write_intent.set(True)
    try:
        with sessions.begin() as db:
            yield db
    finally:
        sqlite_write_intent.reset(token)


def deliver(sessions, pending: Sequence[Pending], deliver_one: Deliver) -> int:
    """Deliver rows this process holds the claim of; mark each delivered, or failed for a retry."""
    delivered, failed = [], []
    for row in pending:
        try:
            deliver_one(row)
        except Exception as error:  # noqa: BLE001 - a receiver's or mail server's failure is retried
            log.warning(
                "Outbox delivery %s (%s %s) failed, attempt %s: %s",
                row.delivery_id,
                row.channel,
                row.name,
                row.attempts,
                error,
            )
            failed.append((row, f"{type(error).__name__}: {error}"[:500]))
        else:
            delivered.append(row.id)
    if delivered or failed:
        with _writing(sessions) as db:
            mark(db, delivered=delivered, failed=failed)
    return len(delivered)


def mark(db: Session, *, delivered: Iterable[int], failed: Iterable[tuple[Pending, str]]) -> None:
    now = utcnow()
    ids = list(delivered)
    if ids:
        db.execute(
            update(OutboxEntry)
            .where(col(OutboxEntry.id).in_(ids))
            .values(delivered_at=now, claimed_until=None, last_error="")
        )
    for row, error in failed:
        db.execute(
            update(OutboxEntry)
            .where(col(OutboxEntry.id) == row.id)
            .values(claimed_until=None, last_error=error, next_attempt_at=now + backoff(row.attempts))
        )


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s … doubling, at most an hour between two tries."""
    return timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 3600))


def claim_due(db: Session, *, channels: Sequence[str], lease: timedelta = LEASE, limit: int = BATCH) -> list[Pending]:
    """Take up to ``limit`` rows that are due and unclaimed (or whose claim ran out), oldest first."""
    now = utcnow()
    claimable = and_(
        col(OutboxEntry.delivered_at).is_(None),
        col(OutboxEntry.next_attempt_at) <= now,
        col(OutboxEntry.attempts) < MAX_ATTEMPTS,
        col(OutboxEntry.channel).in_(channels),
        or_(col(OutboxEntry.claimed_until).is_(None), col(OutboxEntry.claimed_until) < now),
    )
    ids = (
        db.execute(select(col(OutboxEntry.id)).where(claimable).order_by(col(OutboxEntry.id)).limit(limit))
        .scalars()
        .all()
    )
    if not ids:
        return []
    # The condition again in the update: on PostgreSQL a concurrent sweeper that claimed a row
    # first makes it fail here (READ COMMITTED re-checks the updated row), so each row goes once.
    rows = db.execute(
        update(OutboxEntry)
        .where(col(OutboxEntry.id).in_(ids), claimable)
        .values(claimed_until=now + lease, attempts=col(OutboxEntry.attempts) + 1)
        .returning(
            col(OutboxEntry.id),
            col(OutboxEntry.delivery_id),
            col(OutboxEntry.channel),
            col(OutboxEntry.name),
            col(OutboxEntry.payload),
            col(OutboxEntry.attempts),
        )
    ).all()
    return sorted((_pending(row) for row in rows), key=lambda p: p.id)


def sweep(
    sessions, deliver_one: Deliver, *, channels: Sequence[str] = ("event", "mail"), lease: timedelta = LEASE
) -> int:
    """Deliver whatever is due, batch after batch; returns how many were delivered."""
    total = 0
    while True:
        with _writing(sessions) as db:
            pending = claim_due(db, channels=channels, lease=lease)
        if not pending:
            return total
        total += deliver(sessions, pending, deliver_one)
        if len(pending) < BATCH:
            return total


def prune(sessions) -> int:
    with _writing(sessions) as db:
        return db.execute(delete(OutboxEntry).where(col(OutboxEntry.delivered_at) < utcnow() - KEEP_DELIVERED)).rowcount


def pending_counts(db: Session) -> dict[str, int]:
    from sqlalchemy import func

    rows = db.execute(
        select(col(OutboxEntry.channel), func.count())
        .where(col(OutboxEntry.delivered_at).is_(None))
        .group_by(col(OutboxEntry.channel))
    ).all()
    return {channel: count for channel, count in rows}


def last_delivery_error(db: Session) -> tuple[datetime, str] | None:
    row = db.execute(
        select(col(OutboxEntry.next_attempt_at), col(OutboxEntry.last_error))
        .where(col(OutboxEntry.delivered_at).is_(None), col(OutboxEntry.last_error) != "")
        .order_by(col(OutboxEntry.id).desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None
