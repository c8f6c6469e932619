"""Casting and changing one ballot, once the voter and the choice are known. Flushes, never commits.

What the database answers is told apart (``deliberation.db_errors``): a trigger's refusal means the
vote closed under us (``VoteNotOpen``, and the page re-reads the vote to show its result); a
duplicate participation means the vote was already cast; anything else (a dropped connection, a
lock timeout) propagates, and the web layer says "not recorded, try again".

Secret ballots carry ``receipt_hash(vote, voter, secret)`` and nothing else that names anyone; they
wait in the ballot box until the close mixes them into the permanent record (``mixing``). The
secret is the device secret the booth gave this browser before the vote (so a delegate whose
answer was lost still holds it), or a fresh one when the browser had none.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..audit.actions import record_now
from ..db import is_sqlite, saved_id
from ..db_errors import is_refusal
from ..errors import Conflict, DomainError, ValidationError
from ..i18n import N_
from . import ballot_rows, queries
from .group_commit import BallotWriter, FirstBallot
from .models import Ballot, BallotBox, BallotKey, Vote
from .receipts import looks_like_ballot_key, looks_like_receipt, new_receipt, receipt_hash


class VoteNotOpen(Conflict):
    """The vote takes no ballot (any more): closed, or its closing time passed by the database clock."""

    def __init__(self) -> None:
        super().__init__("vote_not_open", N_("This vote is closed. Your ballot was not counted."))


def _bad_receipt() -> ValidationError:
    # One message, one status and one path for a mistyped code and for another delegate's code.
    return ValidationError(
        {
            "receipt": DomainError(
                "bad_receipt", N_("This receipt code does not match a ballot in this vote."), field="receipt"
            )
        }
    )


@dataclass(frozen=True)
class Cast:
    """What a voter is told: whether this replaced an earlier choice, and a secret ballot's receipt."""

    voter_id: int
    changed: bool
    receipt: str | None = None


@dataclass(frozen=True)
class Request:
    """One submitted ballot form: whose vote, the choice, its idempotency key, and the secrets at hand
    (a receipt typed in the form, the device secret from this browser's cookie)."""

    voter_id: int
    choice: str
    key: str = ""
    receipt: str = ""
    device_secret: str = ""


def cast(
    db: Session,
    *,
    vote: Vote,
    actor: User,
    request: Request,
    participated: bool | None = None,
    before_writes: Callable[[], None] | None = None,
    savepoints: bool = True,
    writer: BallotWriter | None = None,
) -> Cast:
    """``participated``: whether the voter had voted when the caller read it (None: not read).

    A first ballot reads nothing here: a stored idempotency key always comes with its voter's
    participation, so a form whose voter had not voted cannot be a retry. A voter who had voted
    may be retrying: the stored answer is given without writing, so without the write lock.

    ``savepoints=False``: the caller rolls its whole transaction back when this raises
    ``VoteNotOpen`` (as the booth does, before it reads the closed vote), so on PostgreSQL the
    statements the triggers may refuse need no savepoint to keep the transaction usable: four
    round trips fewer for a first ballot.

    ``writer``: the process's ``group_commit.BallotWriter``; a first ballot is then written with the
    others waiting at the same moment, in their transaction, and cast alone only if that one is
    refused. ``before_writes`` is called only for a ballot cast alone."""
    key = request.key if looks_like_ballot_key(request.key) else ""
    if key and participated is not False:
        known = _known_key(db, vote, request, key)
        if known is not None and (replay := _replay(db, vote, request, known)) is not None:
            return replay
    if writer is not None and participated is False:
        first = _first_ballot(vote, actor, request, key)
        if writer.write(first):
            return Cast(voter_id=request.voter_id, changed=False, receipt=first.receipt)
    if before_writes is not None:
        before_writes()
    db.info[_NO_SAVEPOINTS] = not savepoints
    try:
        if vote.is_secret:
            return _cast_secret(db, vote, actor, request, key)
        return _cast_roll_call(db, vote, actor, request, key)
    finally:
        db.info.pop(_NO_SAVEPOINTS, None)


def _first_ballot(vote: Vote, actor: User, request: Request, key: str) -> FirstBallot:
    """Everything about a first ballot but its rows, decided before any lock is taken."""
    receipt = hashed = None
    if vote.is_secret:
        receipt = request.device_secret if looks_like_receipt(request.device_secret) else new_receipt()
        hashed = receipt_hash(saved_id(vote), request.voter_id, receipt)
    return FirstBallot(
        vote_id=saved_id(vote),
        voter_id=request.voter_id,
        actor_id=saved_id(actor),
        choice=request.choice,
        key=key,
        receipt=receipt,
        receipt_hash=hashed,
        ballot_id=_ballot_id(),
    )


def _conclude(db: Session, vote: Vote, actor: User, request: Request, key: str, cast: Cast, **details) -> Cast:
    """The idempotency key, then the audit entry, last: on PostgreSQL the audit chain's lock is
    held from its entry to the commit."""
    if key:
        # Never duplicated: a key already stored (the same form sent again with another choice,
        # or twice at once) keeps the answer it was first given.
        db.connection().execute(
            ballot_rows.statements(db).key,
            {"vote_id": vote.id, "voter_id": request.voter_id, "key": key, "changed": cast.changed},
        )
    record_now(
        db,
        actor_id=actor.id,
        action="ballot.changed" if cast.changed else "ballot.cast",
        obj=vote,
        voter_id=request.voter_id,
        **details,
    )
    return cast


# --- idempotency -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KnownKey:
    changed: bool


def _known_key(db: Session, vote: Vote, request: Request, key: str) -> _KnownKey | None:
    if not key:
        return None
    row = db.exec(
        select(BallotKey.voter_id, BallotKey.changed).where(BallotKey.vote_id == vote.id, BallotKey.key == key)
    ).first()
    return _KnownKey(changed=row[1]) if row is not None and row[0] == request.voter_id else None


def _replay(db: Session, vote: Vote, request: Request, known: _KnownKey) -> Cast | None:
    """The answer already given to this form, if this is the same submission again; None when the
    voter now picks another choice with the same form, which is a change like any other."""
    if not vote.is_secret:
        current = queries.own_choice(db, vote=vote, voter_id=request.voter_id)
        return Cast(voter_id=request.voter_id, changed=known.changed) if current == request.choice else None
    for secret in (request.receipt, request.device_secret):
        if looks_like_receipt(secret):
            current = queries.secret_choice(db, vote=vote, voter_id=request.voter_id, receipt=secret)
            if current is not None:
                return (
                    Cast(voter_id=request.voter_id, changed=known.changed, receipt=secret)
                    if current == request.choice
                    else None
                )
    # The secret went with a lost answer to a browser that kept no cookie: the ballot stands.
    return Cast(voter_id=request.voter_id, changed=known.changed)


# --- writing ---------------------------------------------------------------------------------------
#
# The inserts are built once (voting.ballot_rows), for this path and for ballots written together.


#
# A duplicate participation is an ON CONFLICT DO NOTHING that inserts no row. A trigger's refusal
# must leave the caller's transaction usable (it may go on to read the closed vote): on SQLite a
# refused statement undoes only itself; PostgreSQL aborts the whole transaction, so there the
# statements the triggers may refuse run in a savepoint, unless the caller said it rolls back
# after a refusal anyway (``cast(savepoints=False)``).

#: Set in ``db.info`` for the length of one ``cast`` called with ``savepoints=False``.
_NO_SAVEPOINTS = "delib_ballot_without_savepoints"


def _guarded(db: Session):
    return nullcontext() if is_sqlite(db) or db.info.get(_NO_SAVEPOINTS) else db.begin_nested()


def _insert_participation(db: Session, vote: Vote, voter_id: int, actor: User) -> bool:
    """Record that the voter's vote was cast; False if it already was (the unique constraint says so)."""
    values = {"vote_id": vote.id, "voter_id": voter_id, "cast_by": actor.id}
    try:
        # The returned row says whether it went in (a row count is not reliable with RETURNING).
        with _guarded(db):
            return db.connection().execute(ballot_rows.statements(db).participation, values).first() is not None
    except DBAPIError as error:
        # On SQLite the guard against REPLACE (migrations.append_only) refuses an existing
        # participation before the conflict clause sees it: that is "already cast", not "closed".
        # PostgreSQL has no such guard on an insert: there a refusal is the closed vote.
        if (
            is_refusal(error)
            and is_sqlite(db)
            and queries.has_participated(db, vote_id=saved_id(vote), voter_id=voter_id)
        ):
            return False
        raise _refused(error) from None


def _refused(error: DBAPIError) -> BaseException:
    """The triggers refused: the vote closed (or its time ran out) while this request was on its way.
    Any other error is not an answer about the vote and goes up as it is."""
    return VoteNotOpen() if is_refusal(error) else error


def _write(db: Session, statement: UpdateBase, values: dict | None = None) -> int:
    try:
        with _guarded(db):
            if values is not None:  # one of the prebuilt statements, with its values
                return db.connection().execute(statement, values).rowcount
            return db.exec(statement).rowcount
    except DBAPIError as error:
        raise _refused(error) from None


def _replay_after_race(db: Session, vote: Vote, request: Request, key: str) -> Cast | None:
    """The participation was there already: perhaps the first copy of this very form, which
    committed while this one waited on the unique constraint."""
    known = _known_key(db, vote, request, key)
    return _replay(db, vote, request, known) if known is not None else None


def _cast_roll_call(db: Session, vote: Vote, actor: User, request: Request, key: str) -> Cast:
    voter_id, choice = request.voter_id, request.choice
    if _insert_participation(db, vote, voter_id, actor):
        _write(
            db,
            ballot_rows.INSERT_BALLOT,
            {"id": _ballot_id(), "vote_id": vote.id, "voter_id": voter_id, "choice": choice},
        )
        return _conclude(db, vote, actor, request, key, Cast(voter_id=voter_id, changed=False), choice=choice)
    if (replay := _replay_after_race(db, vote, request, key)) is not None:
        return replay
    changed = _write(
        db,
        update(Ballot)
        .where(col(Ballot.vote_id) == vote.id, col(Ballot.voter_id) == voter_id)
        .values(choice=choice, changes=Ballot.changes + 1),
    )
    if changed != 1:  # pragma: no cover - a participation always comes with its ballot
        raise VoteNotOpen()
    return _conclude(db, vote, actor, request, key, Cast(voter_id=voter_id, changed=True), choice=choice)


def _cast_secret(db: Session, vote: Vote, actor: User, request: Request, key: str) -> Cast:
    """Participation names the voter; the ballot names nobody and is found again only by its receipt."""
    voter_id = request.voter_id
    if _insert_participation(db, vote, voter_id, actor):
        code = request.device_secret if looks_like_receipt(request.device_secret) else new_receipt()
        # Into the ballot box: the close mixes it into the permanent record (voting.mixing).
        _write(
            db,
            ballot_rows.INSERT_BALLOT_BOX,
            {
                "id": _ballot_id(),
                "vote_id": vote.id,
                "choice": request.choice,
                "receipt_hash": receipt_hash(saved_id(vote), voter_id, code),
            },
        )
        # The audit log says who voted, never how.
        return _conclude(
            db, vote, actor, request, key, Cast(voter_id=voter_id, changed=False, receipt=code), secret=True
        )
    if (replay := _replay_after_race(db, vote, request, key)) is not None:
        return replay
    if request.receipt:
        return _change_secret(db, vote, actor, request, key, request.receipt, refuse=_bad_receipt)
    # Nothing typed: this device's secret, if it is the one the ballot was cast with.
    return _change_secret(db, vote, actor, request, key, request.device_secret, refuse=_already_voted)


def _already_voted() -> Conflict:
    return Conflict(
        "already_voted",
        N_(
            "This vote has already been cast. To change the choice, enter the "
            "receipt code that was shown when it was cast."
        ),
    )


def _change_secret(db: Session, vote: Vote, actor: User, request: Request, key: str, code: str, *, refuse) -> Cast:
    if not looks_like_receipt(code):
        raise refuse()
    # Only the choice changes: a change counter on the ballot could be matched with the audit log.
    changed = _write(
        db,
        update(BallotBox)
        .where(
            col(BallotBox.vote_id) == vote.id,
            col(BallotBox.receipt_hash) == receipt_hash(saved_id(vote), request.voter_id, code),
        )
        .values(choice=request.choice),
    )
    if changed != 1:
        raise refuse()
    return _conclude(
        db, vote, actor, request, key, Cast(voter_id=request.voter_id, changed=True, receipt=code), secret=True
    )


def _ballot_id() -> str:
    return secrets.token_hex(16)
