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

Why not a query per write request: under a crowd of ballots (hundreds a second) the look for due
votes was a transaction of its own in every one of them, on PostgreSQL a connection checkout, its
ping and two round trips more. Each process now remembers when to look next (``NextLook``): the
earliest closing time of the open votes it saw, and at the latest ``LOOK_EVERY`` later, since another
process may have opened a vote meanwhile. Nothing depends on the close happening at the very
moment: the database's triggers refuse a ballot stamped after the closing time whoever is late,
a refused ballot closes the vote at once (``close_due_votes_now``), and pages show a due vote closed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from weakref import WeakKeyDictionary

from sqlmodel import col, select

from ..db import SessionFactory, db_now, sqlite_write_intent, utcnow
from ..notifications.delivery import Resolve, take_mail
from ..outbox.delivery import add_mail
from .closing import close_if_due
from .models import Vote, VoteStatus

log = logging.getLogger("deliberation.voting")

#: The longest a process goes without looking for due votes while requests write: a vote opened
#: by another process is closed at most this late (by a writer; the triggers refuse late ballots).
LOOK_EVERY = 1.0


@dataclass
class NextLook:
    """When this process next looks for due votes, by ``clock``; 0 means at once."""

    at: float = 0.0
    clock: Callable[[], float] = time.monotonic

    def due(self) -> bool:
        return self.clock() >= self.at

    def after(self, closing_times: list[datetime], *, now: datetime) -> None:
        """Look again when the earliest of these closing times comes, and within ``LOOK_EVERY``."""
        wait = LOOK_EVERY
        if closing_times:
            wait = min(wait, max(0.0, (min(closing_times) - now).total_seconds()))
        self.at = self.clock() + wait

    def now(self) -> None:
        self.at = 0.0


_looks: WeakKeyDictionary[SessionFactory, NextLook] = WeakKeyDictionary()
_looks_lock = Lock()


def next_look(sessions: SessionFactory) -> NextLook:
    with _looks_lock:
        return _looks.setdefault(sessions, NextLook())


def due_vote_ids(sessions: SessionFactory) -> list[int]:
    """Open votes whose closing time has passed by the database clock: one indexed read, which
    also tells this process when the next of the others comes (``next_look``)."""
    token = sqlite_write_intent.set(False)
    try:
        with sessions.begin() as db:
            rows = db.exec(
                select(col(Vote.id), col(Vote.closes_at), col(Vote.closes_at) <= db_now(db)).where(
                    Vote.status == VoteStatus.OPEN,
                    col(Vote.closes_at) != None,  # noqa: E711
                )
            ).all()
    finally:
        sqlite_write_intent.reset(token)
    next_look(sessions).after(
        [closes_at for _, closes_at, due in rows if not due and closes_at is not None], now=utcnow()
    )
    return [vote_id for vote_id, _, due in rows if due and vote_id is not None]


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
            next_look(sessions).now()  # the next writer tries again
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
    """Before a write request's own work (web.context.endpoint), when this process's ``next_look``
    says a vote may be due; whatever goes wrong here is the request's own business to meet, if it
    meets it at all."""
    if next_look(sessions).due():
        close_due_votes_now(sessions, resolve=resolve)


def close_due_votes_now(sessions: SessionFactory, *, resolve: Resolve | None = None) -> None:
    """Look now, whatever ``next_look`` says: a ballot the database refused for its closing time
    closes the vote at once, so its answer is the result."""
    try:
        close_due_votes_apart(sessions, quiet=True, resolve=resolve)
    except Exception:
        next_look(sessions).now()
        log.warning("looking for due votes failed; the next write request tries again", exc_info=True)
