"""A pooled PostgreSQL connection is checked before use only when it has sat idle for a while.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` on every checkout. A ballot checks out two
connections (its reads, and the transaction that writes it with the others waiting), so under a
forum's crowd one round trip in four or five was a ping, each a little of this process's time and of
the database server's, both on the same small machine, for connections that had answered a
millisecond before. HikariCP, the Java pool, skips its check for a connection used within the last
500 ms (``aliveBypassWindowMs``); so does this.

What the window leaves: a connection that the server ended in the moment between its last use and
its next (a restart, ``pg_terminate_backend``) fails on its first statement. That request is told
"not recorded, try again" (503), as one whose connection drops mid-statement is, and SQLAlchemy
then replaces every connection the process pooled before the failure, so the next request gets a
fresh one. A connection idle for longer is checked, and replaced unseen when it is dead, as before.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

#: A connection returned to the pool this recently is handed out without a check (as HikariCP's default).
BYPASS_WINDOW_S = 0.5

_LAST_USED = "delib_last_used"


def check_idle_connections(engine: Engine, *, window_s: float = BYPASS_WINDOW_S) -> None:
    """Check a connection on checkout when it was last used ``window_s`` seconds ago or more (0: always)."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection, record) -> None:
        record.info[_LAST_USED] = time.monotonic()  # it has just answered

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        if dbapi_connection is not None:  # None: invalidated, never handed out again
            record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _handed_out(dbapi_connection, record, _proxy) -> None:
        last_used = record.info.get(_LAST_USED)
        if last_used is not None and time.monotonic() - last_used < window_s:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            # The pool closes this one and hands out another (a new connection if need be).
            raise DisconnectionError("a pooled connection did not answer its check") from error
