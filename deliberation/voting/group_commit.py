"""First ballots written together: the ballots of a process that wait at the same moment go into
one transaction, each table's rows in one call (group commit).

In a burst each ballot took SQLite's write gate (on PostgreSQL, the audit chain's lock and a flush
to disk) for its own BEGIN, four inserts, the chain's head and COMMIT: a median 1.2 ms for rows a
raw loop stores in 0.15 ms, and the gate was busy 75 % of the burst (bench/README.md). Here the
first ballot of a process to arrive writes: it takes the gate once and writes every first ballot
waiting in its process at that moment, its own among them, then hands the pen to the next ballot
that came meanwhile. Each request is told its own outcome, and answers its own delegate.

Only first ballots come here: a voter whose participation the request did not find when it read
(nearly every ballot of a burst). Whatever is unusual goes back to the one-ballot path, which knows
every answer: if the database refuses a row (the vote closed: its triggers), or a participation or
an idempotency key is there already (the same delegate from two devices at once), the whole
transaction is rolled back and each of its ballots is cast alone, as before. A failure that is not
an answer (a lock timeout, a dropped connection) is every ballot's: none was stored, and each
delegate is told "not recorded, try again", the form keeping its idempotency key.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from ..audit.actions import record_many
from ..db import SessionFactory
from ..db_errors import is_refusal
from . import ballot_rows
from .models import Vote

_shuffle = random.SystemRandom().shuffle

#: At most this many ballots in one transaction (each adds a row to four statements).
MAX_BATCH = 64


@dataclass(eq=False)
class FirstBallot:
    """One first ballot, everything about it decided: only the rows are left to write."""

    vote_id: int
    voter_id: int
    actor_id: int
    choice: str
    key: str
    #: A secret ballot's receipt code (kept by the browser) and its hash (stored); None: roll call.
    receipt: str | None = None
    receipt_hash: str | None = None
    ballot_id: str = ""
    #: True: written; ALONE: to be cast alone; an exception: not written, for this reason.
    outcome: object = None
    turn: threading.Event = field(default_factory=threading.Event)


_VOTE = Vote.__tablename__.removeprefix("delib_")

#: The outcome of a ballot whose transaction the database refused: it is cast alone instead.
ALONE = object()


class _Taken(Exception):
    """A participation or idempotency key of the batch was stored already."""


class BallotWriter:
    """One per app and process: the queue of first ballots waiting to be written, and who writes."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._queue: deque[FirstBallot] = deque()
        self._writing = False

    def write(self, ballot: FirstBallot) -> bool:
        """True once the ballot is stored; False when it must be cast alone (see above). Raises
        what kept it from being stored (a transient database failure)."""
        with self._lock:
            self._queue.append(ballot)
            writer = not self._writing
            self._writing = True
        if not writer:
            ballot.turn.wait()  # written by another, or handed the pen
        if ballot.outcome is None:
            self._write_until(ballot)
        if isinstance(ballot.outcome, BaseException):
            raise ballot.outcome
        return ballot.outcome is True

    def _write_until(self, own: FirstBallot) -> None:
        try:
            while own.outcome is None:
                with self._lock:
                    batch = [self._queue.popleft() for _ in range(min(MAX_BATCH, len(self._queue)))]
                self._write_batch(batch)
        finally:
            with self._lock:
                following = self._queue[0] if self._queue else None
                self._writing = following is not None
            if following is not None:
                following.turn.set()  # its outcome is still None: it writes next

    def _write_batch(self, batch: list[FirstBallot]) -> None:
        outcomes: list[object]
        try:
            self._store(batch)
            outcomes = [True] * len(batch)
        except _Taken:
            outcomes = [ALONE] * len(batch)
        except DBAPIError as error:
            outcomes = [ALONE] * len(batch) if is_refusal(error) else [_copy(error) for _ in batch]
        except BaseException as error:  # a fault of ours: each request fails with it, none hangs
            outcomes = [error] * len(batch)
        for ballot, outcome in zip(batch, outcomes, strict=True):
            ballot.outcome = outcome
            ballot.turn.set()

    def _store(self, batch: list[FirstBallot]) -> None:
        with self._sessions.begin_writing() as db:
            _insert(db, batch)


def _insert(db: Session, batch: list[FirstBallot]) -> None:
    """The batch's rows, in the order the one-ballot path writes them; the audit entries last (on
    PostgreSQL the chain's lock is held from their insert to the commit). Each statement is built
    once and given all the batch's rows in one call (with RETURNING, SQLAlchemy sends them as one
    multi-row INSERT)."""
    connection, statements = db.connection(), ballot_rows.statements(db)
    participations = [{"vote_id": b.vote_id, "voter_id": b.voter_id, "cast_by": b.actor_id} for b in batch]
    if _count(connection.execute(statements.participation, participations)) != len(batch):
        raise _Taken()
    roll_call = [
        {"id": b.ballot_id, "vote_id": b.vote_id, "voter_id": b.voter_id, "choice": b.choice}
        for b in batch
        if b.receipt is None
    ]
    if roll_call:
        connection.execute(ballot_rows.INSERT_BALLOT, roll_call)
    secret = [
        {"id": b.ballot_id, "vote_id": b.vote_id, "choice": b.choice, "receipt_hash": b.receipt_hash}
        for b in batch
        if b.receipt is not None
    ]
    # In a random order: the box's rows must say nothing about the order of the participations
    # written beside them.
    _shuffle(secret)
    if secret:
        connection.execute(ballot_rows.INSERT_BALLOT_BOX, secret)
    keys = [{"vote_id": b.vote_id, "voter_id": b.voter_id, "key": b.key, "changed": False} for b in batch if b.key]
    if keys and _count(connection.execute(statements.key_returning, keys)) != len(keys):
        raise _Taken()
    record_many(
        db,
        [
            {
                "actor_id": b.actor_id,
                "action": "ballot.cast",
                "object_type": _VOTE,
                "object_id": b.vote_id,
                # As the one-ballot path records them: who voted, and how only when the vote is not secret.
                "details": {
                    "voter_id": b.voter_id,
                    **({"secret": True} if b.receipt is not None else {"choice": b.choice}),
                },
            }
            for b in batch
        ],
    )


def _count(result) -> int:
    """How many rows went in: those returned (a multi-row insert's row count is not reliable)."""
    return len(result.all())


def _copy(error: DBAPIError) -> DBAPIError:
    """The same failure for each request of the batch, as its own exception (each is raised, with its
    own traceback, in its own thread)."""
    if error.orig is None:  # pragma: no cover - a DBAPIError always wraps the driver's error
        return error
    return type(error)(
        error.statement,
        error.params,
        error.orig,
        hide_parameters=error.hide_parameters,
        connection_invalidated=error.connection_invalidated,
    )
