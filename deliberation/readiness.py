"""Whether the database can serve: what a failure means, in one line, and a cheap probe.

A full or read-only SQLite file, a PostgreSQL server that is down, a statement stopped by its
timeout: each is a state of the site, not a bug, and deserves a 503 and one line in the log
naming the cause, not a traceback per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy import exc as sa_exc

# SQLite result codes (Python's sqlite_errorname) and PostgreSQL SQLSTATEs (or their classes).
_SQLITE_KINDS = {
    "SQLITE_READONLY": "read_only",
    "SQLITE_FULL": "full",
    "SQLITE_CANTOPEN": "unreachable",
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_IOERR": "io_error",
    "SQLITE_CORRUPT": "damaged",
    "SQLITE_NOTADB": "damaged",
    "SQLITE_PERM": "read_only",
}
_PG_KINDS = {
    "57014": "timeout",
    "25P03": "timeout",
    "25006": "read_only",
    "53100": "full",
    "55P03": "busy",
    "08": "unreachable",
    "57P": "unreachable",
    "53": "resources",
}

PROBE_KEY = "delib.readyz"


@dataclass(frozen=True)
class Trouble:
    #: unreachable, read_only, full, timeout, busy, io_error, damaged, resources, error
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} ({self.detail})"

    @property
    def cannot_write(self) -> bool:
        return self.kind in ("read_only", "full")


def trouble_of(error: BaseException) -> Trouble | None:
    """The outage ``error`` means, or None when it is an ordinary error (a bug, a constraint)."""
    if isinstance(error, sa_exc.TimeoutError):
        return Trouble("busy", "no free connection in the pool")
    if not isinstance(error, sa_exc.DBAPIError):
        return None
    original = error.orig
    detail = " ".join(str(original).split())[:300]
    name = getattr(original, "sqlite_errorname", None)
    if name:
        base = name.split("_")[0] + "_" + name.split("_")[1]
        kind = _SQLITE_KINDS.get(base)
        return Trouble(kind, detail) if kind else _generic(error, detail)
    state = getattr(original, "sqlstate", None)
    if state:
        for prefix in (state, state[:3], state[:2]):
            if prefix in _PG_KINDS:
                return Trouble(_PG_KINDS[prefix], detail)
        return _generic(error, detail)
    if error.connection_invalidated or isinstance(error, sa_exc.OperationalError):
        # psycopg gives no SQLSTATE when it never reached the server.
        return Trouble("unreachable" if "connect" in detail.lower() else "error", detail)
    return None


def _generic(error: sa_exc.DBAPIError, detail: str) -> Trouble | None:
    if error.connection_invalidated:
        return Trouble("unreachable", detail)
    return Trouble("error", detail) if isinstance(error, sa_exc.OperationalError) else None


def probe(bind: Engine | Connection) -> Trouble | None:
    """Reach the database and write to it, then roll the write back: None when both work.

    On SQLite the row is two pages long, so a file that cannot grow any more says so here
    instead of at the next member's comment.
    """
    try:
        if isinstance(bind, Connection):
            with bind.begin_nested() as savepoint:
                _write(bind)
                savepoint.rollback()
            return None
        with bind.connect() as connection:
            transaction = connection.begin()
            try:
                _write(connection)
            finally:
                transaction.rollback()
    except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
        return trouble_of(error) or Trouble("error", " ".join(str(error).split())[:300])
    return None


def _write(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        size = 2 * connection.execute(text("PRAGMA page_size")).scalar_one()
    else:
        size = 8
    connection.execute(
        text("INSERT INTO delib_site_setting (key, value) VALUES (:key, :value)"),
        {"key": PROBE_KEY, "value": "x" * size},
    )
