"""Closing remote votes whose time has come, in a short unit of work of their own.

Whoever writes next closes them, before its own work: every write request (web.context.endpoint)
and the ``deliberation close-votes`` command. Reads never write; they show a due vote as closed
(``actions.as_seen``).

Why a unit of its own, and why before: on SQLite a write request holds the database's one write
lock from its first statement (BEGIN IMMEDIATE). A close started from inside such a request, in a
second session, waits for a lock its own request holds until the busy timeout runs out, and every
other writer of the site waits behind it; a close inside the request's own transaction keeps the
lock while it counts and turns a late ballot into a refused savepoint under that lock. So the close
takes the write lock alone, compares and sets, counts, commits, and only then does the request
begin. This is the one place outside a request or a command that commits, on purpose.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from ..db import SessionFactory, db_now, sqlite_write_intent
from .actions import close_due_votes
from .models import Vote

log = logging.getLogger("deliberation.voting")


def due_vote_ids(sessions: SessionFactory) -> list[int]:
    """Open votes whose closing time has passed by the database clock: one indexed read."""
    token = sqlite_write_intent.set(False)
    try:
        with sessions.begin() as db:
            return list(db.exec(select(Vote.id).where(Vote.status == "open", Vote.closes_at != None,  # noqa: E711
                                                      Vote.closes_at <= db_now(db))).all())
    finally:
        sqlite_write_intent.reset(token)


def close_due_votes_apart(sessions: SessionFactory, *, forum_id: int | None = None) -> list[int]:
    """Close every due vote in one short write transaction of its own; the ids of those closed.

    Of two processes closing at once, the compare-and-set lets exactly one count each vote.
    """
    if not due_vote_ids(sessions):
        return []
    token = sqlite_write_intent.set(True)
    try:
        with sessions.begin() as db:
            return [vote.id for vote in close_due_votes(db, forum_id=forum_id)]
    finally:
        sqlite_write_intent.reset(token)


def close_due_votes_quietly(sessions: SessionFactory) -> None:
    """The same, for a request about to do its own work: a failure here must not fail that work.

    A vote left open past its time takes no ballot anyway (the triggers refuse by the database
    clock); the next writer closes it.
    """
    try:
        close_due_votes_apart(sessions)
    except DBAPIError:
        log.warning("closing due votes failed; the next request tries again", exc_info=True)
