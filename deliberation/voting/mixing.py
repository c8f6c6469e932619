"""Mixing a secret vote's ballots into the permanent record, in the transaction that closes it.

While a secret vote runs, each choice waits in the ballot box (``BallotBox``), written in the same
transaction as its voter's participation. The database keeps traces of that: on PostgreSQL the two
rows share a transaction id (``xmin``) and rows sit in the heap, and come out of ``pg_dump``, in the
order they were written; on any database a row written at a moment can be matched with the
published participation of that moment. None of that may survive the close. So the close copies
the box's choices and receipt hashes into ``Ballot`` in an order drawn from the operating system's
randomness (``secrets``), with fresh random keys handed out in ascending order along that order (a
SQLite table without rowid, and a dump, list rows by key, so key order is the shuffle's order too),
all in one batch of inserts in the close's transaction, then deletes the box's rows of the vote. Every
permanent ballot of the vote then carries the close's transaction id, and its place says nothing.

The receipt hash is carried over unchanged, so a voter with their code can still check that their
ballot was counted (``queries.receipt_counted``). The deleted box rows are dead tuples on
PostgreSQL until a VACUUM prunes them: one runs on the box right after the commit
(``prune_box``); SQLite zeroes deleted rows in place (``PRAGMA secure_delete``, see ``db``).

The database allows exactly this and nothing else (migration 0016): permanent secret ballots go
in, and box rows come out, only while the vote is being closed.
"""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import Connection, Engine, delete, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from ..db import after_commit
from .models import Ballot, BallotBox, Vote

log = logging.getLogger("deliberation.voting")

_RANDOM = secrets.SystemRandom()


def shuffle(rows: list) -> None:
    """Put ``rows`` in a uniformly random order, in place, from the operating system's randomness."""
    _RANDOM.shuffle(rows)


def new_key() -> str:
    return secrets.token_hex(16)


def mix(db: Session, vote: Vote) -> int:
    """Move a secret vote's ballots from the box into the permanent record; how many moved.

    Called by the close after it claimed the vote (``closing._claim_close``) and before it counts."""
    rows = [
        {"choice": choice, "receipt_hash": digest}
        for choice, digest in db.execute(
            select(col(BallotBox.choice), col(BallotBox.receipt_hash)).where(col(BallotBox.vote_id) == vote.id)
        ).all()
    ]
    if not rows:
        return 0
    shuffle(rows)
    keys = sorted(new_key() for _ in rows)
    db.execute(
        insert(Ballot),
        [
            {"id": key, "vote_id": vote.id, "voter_id": None, "changes": 0, **row}
            for key, row in zip(keys, rows, strict=True)
        ],
    )
    db.execute(delete(BallotBox).where(col(BallotBox.vote_id) == vote.id))
    after_commit(db, prune_box)
    return len(rows)


def prune_box(bind: Engine | Connection) -> None:
    """PostgreSQL: VACUUM the ballot box, outside any transaction, once the close committed, so the
    removed rows' tuples are pruned (unless a running transaction could still see them) and an
    empty box's pages given back (when the lock for that is free at once). Cheap: the box
    holds only the ballots of votes now open. Nothing to do on SQLite, or on a connection lent by
    a caller (a test's transaction), which has not committed anything yet."""
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        return
    try:
        with bind.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text(f"VACUUM {BallotBox.__tablename__}"))
    except DBAPIError:
        # The close has committed; a VACUUM that failed is done by autovacuum later.
        log.warning("VACUUM of the ballot box after a close failed", exc_info=True)
