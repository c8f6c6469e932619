"""Signed-in sessions kept on the server: started at sign-in, ended at sign-out, on a password
change, after an idle time and after an absolute lifetime.

Each function takes ``db`` first and flushes, never commits. ``touch_session`` is the exception:
it runs on its own connection after the request, see there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, or_, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from ..db import sqlite_write_intent, table_of, utcnow
from .models import LoginSession, PasswordReset, User
from .tokens import new_token, token_hash

#: "Last seen" moves at most this often: a write per request would serialise every GET on SQLite.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def of(cls, settings) -> Lifetime:
        return cls(
            idle=timedelta(minutes=settings.session_idle_minutes), absolute=timedelta(hours=settings.session_max_hours)
        )

    def alive(self, row: LoginSession, now: datetime) -> bool:
        return now - row.last_seen_at < self.idle and now - row.created_at < self.absolute


def do_start_session(db: Session, *, user: User, lifetime: Lifetime) -> str:
    """A new session for ``user``; returns the id for the cookie (only its hash is stored).

    The user's dead sessions are swept here, so the table holds about one row per live browser."""
    assert user.id is not None
    now = utcnow()
    db.execute(
        delete(LoginSession).where(
            col(LoginSession.user_id) == user.id,
            or_(
                col(LoginSession.last_seen_at) < now - lifetime.idle,
                col(LoginSession.created_at) < now - lifetime.absolute,
            ),
        )
    )
    token, digest = new_token()
    db.add(LoginSession(id_hash=digest, user_id=user.id, created_at=now, last_seen_at=now))
    db.flush()
    return token


def get_session_user(db: Session, *, token: str, lifetime: Lifetime) -> tuple[User, LoginSession] | None:
    """The person signed in by this cookie id, or None when the session ended or never was."""
    if not token or not isinstance(token, str):
        return None
    # One round trip for both: every request of a signed-in member starts here.
    found = db.exec(_SESSION_USER, params={"id_hash": token_hash(token)}).first()
    if found is None:
        return None
    row, user = found
    if not lifetime.alive(row, utcnow()) or not user.is_active:
        return None
    return user, row


# Built once: every request of a signed-in member runs it.
_SESSION_USER = (
    select(LoginSession, User)
    .join(User, col(User.id) == col(LoginSession.user_id))
    .where(col(LoginSession.id_hash) == bindparam("id_hash"))
)


def do_end_session(db: Session, *, token: str) -> None:
    if token and isinstance(token, str):
        db.execute(delete(LoginSession).where(col(LoginSession.id_hash) == token_hash(token)))
        db.flush()


def do_end_other_sessions(db: Session, *, user: User, keep_token: str = "") -> None:
    """End every session of ``user`` but the one with ``keep_token``, and void every outstanding
    reset link: whoever knew the old password, or held an old link, is out."""
    keep = token_hash(keep_token) if keep_token else ""
    db.execute(delete(LoginSession).where(col(LoginSession.user_id) == user.id, col(LoginSession.id_hash) != keep))
    db.execute(
        table_of(PasswordReset)
        .update()
        .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=utcnow())
    )
    db.flush()


def touch_due(row: LoginSession, now: datetime | None = None) -> bool:
    return (now or utcnow()) - row.last_seen_at >= TOUCH_EVERY


def touch_session(bind: Engine | Connection, *, id_hash: str) -> bool:
    """Move the session's "last seen" to now, outside the request's transaction; False if skipped.

    Runs after the request's own transaction ended, on a connection of its own. It never waits:
    on SQLite it gives up at once if another connection holds the write lock (busy timeout 0),
    on PostgreSQL it skips a row another request is touching (SKIP LOCKED). A skipped touch costs
    nothing but a minute of precision; a failed GET would cost the page.
    """
    now = utcnow()
    params = {"h": id_hash, "now": now, "cutoff": now - TOUCH_EVERY}
    # A write begins as a write (BEGIN IMMEDIATE on SQLite), with a busy timeout of 0: it either
    # gets the lock at once or gives up, and never reads first and then finds the snapshot stale.
    intent = sqlite_write_intent.set(True)
    try:
        if isinstance(bind, Connection):  # a test's or host's connection: a savepoint inside it
            with bind.begin_nested():
                return _touch(bind, params)
        with bind.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            # On the driver's connection: through SQLAlchemy the pragma would begin a transaction.
            driver = conn.connection.driver_connection
            assert driver is not None  # None only once the connection is closed
            if sqlite:
                driver.execute("PRAGMA busy_timeout=0")
            try:
                with conn.begin():
                    return _touch(conn, params)
            finally:
                if sqlite:
                    driver.execute("PRAGMA busy_timeout=30000")
    except SQLAlchemyError:
        return False
    finally:
        sqlite_write_intent.reset(intent)


def _touch(conn: Connection, params: dict) -> bool:
    table = table_of(LoginSession)
    if conn.dialect.name == "postgresql":
        sql = text(
            f"UPDATE {table.name} SET last_seen_at = :now WHERE id_hash IN ("
            f"SELECT id_hash FROM {table.name} WHERE id_hash = :h AND last_seen_at < :cutoff "
            "FOR UPDATE SKIP LOCKED)"
        )
        return conn.execute(sql, params).rowcount > 0
    statement = (
        table.update()
        .where(table.c.id_hash == params["h"], table.c.last_seen_at < params["cutoff"])
        .values(last_seen_at=params["now"])
    )
    return conn.execute(statement).rowcount > 0
