"""What a database error means, on SQLite and PostgreSQL: a refusal, a duplicate, or a passing failure.

The distinction decides what a person is told. A trigger's refusal or a unique constraint is the
database's answer ("the vote is closed", "already recorded"); a dropped connection, a lock or
statement timeout, a serialization failure or a deadlock says nothing about the request, only
that it was not recorded and may be tried again.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

# PostgreSQL SQLSTATEs that mean "try again": serialization failure, deadlock, lock not available,
# statement or lock timeout (query_canceled), the server shutting the session down, too many
# connections. Class 08 (connection exceptions) is added below.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300"})
# restrict_violation: what the project's triggers raise (migrations/vote_guards.py and others).
_REFUSAL_SQLSTATE = "23001"
_UNIQUE_SQLSTATE = "23505"
# SQLite result codes: busy and locked (primary), a trigger's RAISE(ABORT), unique and primary keys.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_SQLITE_CONSTRAINT_TRIGGER = 1811
_SQLITE_DUPLICATES = frozenset({2067, 1555})


def _sqlstate(error: DBAPIError) -> str | None:
    orig = error.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def _sqlite_code(error: DBAPIError) -> int | None:
    return getattr(error.orig, "sqlite_errorcode", None)


def is_transient(error: BaseException) -> bool:
    """A failure that says nothing about the request: it was not recorded and may be retried."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = _sqlstate(error)
    if state:
        return state in _TRANSIENT_SQLSTATES or state.startswith("08")
    code = _sqlite_code(error)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    # A driver error with no code at all is a lost connection (psycopg reports it so).
    return type(error.orig).__name__ == "OperationalError"


def is_refusal(error: BaseException) -> bool:
    """A trigger refused the change (on SQLite ``RAISE(ABORT, …)``, on PostgreSQL restrict_violation)."""
    if not isinstance(error, DBAPIError):
        return False
    return _sqlstate(error) == _REFUSAL_SQLSTATE or _sqlite_code(error) == _SQLITE_CONSTRAINT_TRIGGER


def is_duplicate(error: BaseException) -> bool:
    """A unique constraint said the row is already there."""
    if not isinstance(error, DBAPIError):
        return False
    return _sqlstate(error) == _UNIQUE_SQLSTATE or _sqlite_code(error) in _SQLITE_DUPLICATES
