"""Closing remote votes whose time has come, in a short unit of work of their own.

Whoever writes next closes them, before its own work: every write request (web.context.endpoint)
and the ``deliberation close-votes`` command. Reads never write; they show a due vote as closed
(``closing.as_seen``).

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

from sqlmodel import col, select

from ..db import SessionFactory, db_now, sqlite_write_intent
from ..notifications.delivery import Resolve, take_mail
from ..outbox.delivery import add_mail
from .closing import close_if_due
from .models import Vote, VoteStatus

log = logging.getLogger("deliberation.voting")


def due_vote_ids(sessions: SessionFactory) -> list[int]:
    """Open votes whose closing time has passed by the database clock: one indexed read."""
    token = sqlite_write_intent.set(False)
    try:
        with sessions.begin() as db:
            due = db.exec(
                select(col(Vote.id)).where(
                    Vote.status == VoteStatus.OPEN,
                    col(Vote.closes_at) != None,  # noqa: E711
                    col(Vote.closes_at) <= db_now(db),
                )
            ).all()
            return [vote_id for vote_id in due if vote_id is not None]
    finally:
        sqlite_write_intent.reset(token)


def close_due_votes_apart(
    sessions: SessionFactory, *, quiet: bool = False, resolve: Resolve | None = None
) -> list[int]:
    """Close every due vote, each in one short write transaction of its own; the ids of those closed.

    Of two processes closing at once, the compare-and-set lets exactly one count each vote. With
    ``quiet``, a vote that cannot be closed now is logged and left for the next writer: a request
    about to do its own work must not fail because of it (a vote left open past its time takes no
    ballot anyway, the triggers refuse by the database clock, and readers see it closed).
    """
    closed = []
    for vote_id in due_vote_ids(sessions):
        token = sqlite_write_intent.set(True)
        try:
            with sessions.begin() as db:
                vote = db.get(Vote, vote_id)
                if vote is not None and close_if_due(db, vote):
                    closed.append(vote_id)
                    _letters_to_outbox(db, resolve)
        except Exception:
            if not quiet:
                raise
            log.warning("closing due vote %s failed; the next write request tries again", vote_id, exc_info=True)
        finally:
            sqlite_write_intent.reset(token)
    return closed


def _letters_to_outbox(db, resolve: Resolve | None) -> None:
    """The letters of delegates who want the result by e-mail at once: written to the outbox in the
    closing's own transaction, for its sweeper to send, when there is an address to link to."""
    messages = take_mail(db, resolve or (lambda link: ""))
    if messages and resolve is None:
        log.warning("Not sending %d e-mail(s) about a closed vote: no address for their links", len(messages))
        return
    for message in messages:
        add_mail(db, message)


def close_due_votes_quietly(sessions: SessionFactory, *, resolve: Resolve | None = None) -> None:
    """Before a write request's own work (web.context.endpoint); whatever goes wrong here is the
    request's own business to meet, if it meets it at all."""
    try:
        close_due_votes_apart(sessions, quiet=True, resolve=resolve)
    except Exception:
        log.warning("looking for due votes failed; the next write request tries again", exc_info=True)
