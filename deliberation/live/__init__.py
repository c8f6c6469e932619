"""Live events of a forum: what every open page of the forum should refresh, delivered after commit.

Domain code calls ``publish(db, forum_id=..., kind=..., **facts)``. The event is written to the
event log (``delib_live_event``) at the end of the same transaction, so it exists if and only if
the change committed; one listener per process reads the log (woken by PostgreSQL ``NOTIFY``, or
polling on SQLite, which works across worker processes too) and hands each event to the open
streams of that forum (``broker.Broker``). ``web/live.py`` serves them as server-sent events.

Events carry ids and counts only, never anything a visitor of the public forum page could not see;
a page fetches what it shows. The kinds and their facts:

- ``vote-opened``: vote_id, item_id
- ``turnout``: vote_id, participants, registered (coalesced: a few per second per vote at most)
- ``vote-closed``: vote_id, adopted
- ``item``: item_id (None when the chair cleared the current item)
- ``speakers``: item_id (the speakers' list changed)
- ``floor``: item_id, speaker_id (None when the speech ended)
- ``presence``: present (how many delegates are marked present)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from . import store
from .models import LiveKind

_KINDS = frozenset(LiveKind)

_PENDING = "delib_live"


def publish(db: Session, *, forum_id: int, kind: str, **facts: Any) -> None:
    """Record a live event in the current transaction; it is delivered only after the commit."""
    if kind not in _KINDS:
        raise ValueError(f"unknown live event kind {kind!r}")
    for name, value in facts.items():
        # Small facts only: they go to every open page of a public forum.
        if not (value is None or isinstance(value, (bool, int))):
            raise TypeError(f"live event fact {name}={value!r} must be an id, a count or a flag")
    pending = db.info.get(_PENDING)
    if pending is None:
        pending = db.info[_PENDING] = []
        event.listen(db, "before_commit", _write_pending)
        event.listen(db, "after_soft_rollback", _drop_pending)
    pending.append((int(forum_id), kind, dict(facts)))


def _write_pending(session: Session) -> None:
    # Also called when a savepoint is released; the events wait for the real commit.
    if session.in_nested_transaction():
        return
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = []
        store.write(session.connection(), pending)


def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None and session.info.get(_PENDING):
        session.info[_PENDING] = []
