"""The inserts that store a ballot, built once: for one ballot (``ballots``) and for ballots
written together (``group_commit``). Building an insert and its cache key on every ballot cost more
Python time than the database took to store the rows (bench/forum_day.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, insert
from sqlalchemy.sql.base import Executable
from sqlmodel import Session

from ..db import db_now, table_of
from ..rows import insert_unless_present
from .models import Ballot, BallotBox, BallotKey, Participation

INSERT_BALLOT = insert(table_of(Ballot)).values(
    id=bindparam("id"),
    vote_id=bindparam("vote_id"),
    voter_id=bindparam("voter_id"),
    choice=bindparam("choice"),
    changes=0,
)
INSERT_BALLOT_BOX = insert(table_of(BallotBox)).values(
    id=bindparam("id"), vote_id=bindparam("vote_id"), choice=bindparam("choice"), receipt_hash=bindparam("receipt_hash")
)


@dataclass(frozen=True)
class Statements:
    """The inserts whose form depends on the backend (ON CONFLICT, the database clock). The
    participation returns its id (a row count is not reliable with RETURNING or several rows); the
    key comes without (one ballot) and returning its id (several, to count those that went in)."""

    participation: Executable
    key: Executable
    key_returning: Executable


_BY_BACKEND: dict[str, Statements] = {}


def statements(db: Session) -> Statements:
    backend = db.get_bind().dialect.name
    found = _BY_BACKEND.get(backend)
    if found is None:
        participation, key_table = table_of(Participation), table_of(BallotKey)
        key = insert_unless_present(db, key_table).values(
            vote_id=bindparam("vote_id"),
            voter_id=bindparam("voter_id"),
            key=bindparam("key"),
            changed=bindparam("changed"),
        )
        found = _BY_BACKEND[backend] = Statements(
            participation=insert_unless_present(db, participation)
            .values(
                vote_id=bindparam("vote_id"),
                voter_id=bindparam("voter_id"),
                cast_by=bindparam("cast_by"),
                cast_at=db_now(db),
            )
            .returning(participation.c.id),
            key=key,
            key_returning=key.returning(key_table.c.id),
        )
    return found
