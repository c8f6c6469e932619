"""Database plumbing: engines, the ``delib_`` table prefix, sessions and what runs after a commit.

Times are aware UTC datetimes, and ``utcnow()`` is the one clock. Every ``datetime`` field's column is
SQLModel's ``UTCDateTime`` (``tests/test_stored_times.py`` holds that): it refuses a naive datetime,
in a row or a comparison, converts an aware one to UTC, and hands back aware UTC on both backends
(SQLite keeps UTC wall-clock digits, PostgreSQL a ``timestamptz``). Code reading a stored time never
converts it or guesses its zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import (
    CheckConstraint,
    Engine,
    MetaData,
    String,
    Table,
    TypeDecorator,
    event,
    inspect,
    make_url,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, SQLModel, create_engine

from .pool_check import check_idle_connections
from .write_gate import WAIT_S, WriteGate, gate_path

TABLE_PREFIX = "delib_"
VERSION_TABLE = "delib_alembic_version"

# Constraint names must be stable for Alembic to alter them later, and prefixed so they never
# collide with a host's constraints in a shared PostgreSQL schema.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


class StoredEnum(TypeDecorator):
    """A column holding one ``StrEnum``'s values: stored as the plain string (so the schema is a
    ``VARCHAR`` like any other), read back as the member, so a loaded row's ``status.label`` works.

    The database refuses any other value through a CHECK constraint (``allowed``), which the
    migrations create from their own copy of the values and a test compares with the enum.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        # A member binds as its value; an unknown string goes through for the CHECK to refuse.
        return None if value is None else str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)


def allowed(column: str, enum: type[StrEnum]) -> CheckConstraint:
    """The CHECK constraint that keeps ``column`` to ``enum``'s values, named ``ck_<table>_<column>``."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=column)


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Row(Protocol):
    id: int | None


def saved_id(row: _Row) -> int:
    """The id of a row that has been flushed: SQLModel types ``id`` as ``int | None`` until then."""
    row_id = row.id
    assert row_id is not None, f"{type(row).__name__} has no id yet: flush it first"
    return row_id


def stored_ids(ids: Iterable[int | None]) -> list[int]:
    """Ids read from a table (SQLModel types a column ``id`` as ``int | None``; a stored row has one)."""
    return [row_id for row_id in ids if row_id is not None]


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table, for statements that skip the ORM. SQLModel sets ``__table__``
    but its typing does not declare it."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


def make_engine(
    url: str,
    *,
    statement_timeout_ms: int | None = None,
    idle_in_transaction_timeout_ms: int | None = None,
    connect_timeout_s: int | None = None,
    **kwargs: Any,
) -> Engine:
    """An engine with the settings this project relies on for each backend.

    On PostgreSQL the session limits given (``engine_for`` passes the configured ones) travel as
    connection options, so they hold from the first statement of every session without a round
    trip; options already in the URL or in ``connect_args`` (a ``search_path``, say) are kept.
    """
    if url.startswith("sqlite"):
        connect_args = kwargs.pop("connect_args", {})
        # The app serves requests from a thread pool; the connection pool hands one
        # connection to one thread at a time.
        connect_args.setdefault("check_same_thread", False)
        # How long a writer waits for the write lock; tests set it far lower to prove nobody waits.
        timeout = connect_args.setdefault("timeout", 30)
        if ":memory:" not in url and url.rstrip("/") != "sqlite:":
            # A connection for each thread that may run a request (the app's own request threads,
            # Starlette's default pool for the streams' first reads and for uploads being
            # converted): past the pool, each checkout would open a new connection and set its
            # pragmas, again and again under a crowd. The last one returned is handed out first:
            # each connection keeps its own page cache (up to 2 MB), and handing them out in turn
            # filled all forty in every process (bench/hostile.py: peaks of 270-284 MB, 197-203
            # with the most recent first), where a quiet process needs one or two.
            kwargs.setdefault("pool_size", 40)
            kwargs.setdefault("pool_use_lifo", True)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(
            engine,
            "connect",
            lambda dbapi_connection, _record: _sqlite_pragmas(dbapi_connection, busy_ms=int(timeout * 1000)),
        )
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args = dict(kwargs.pop("connect_args", {}))
    options = [make_url(url).query.get("options"), connect_args.get("options")]
    if statement_timeout_ms is not None:
        options.append(f"-c statement_timeout={int(statement_timeout_ms)}")
    if idle_in_transaction_timeout_ms is not None:
        options.append(f"-c idle_in_transaction_session_timeout={int(idle_in_transaction_timeout_ms)}")
    if any(isinstance(o, str) and o for o in options):
        connect_args["options"] = " ".join(o for o in options if isinstance(o, str) and o)
    if connect_timeout_s is not None:
        connect_args.setdefault("connect_timeout", int(connect_timeout_s))
    # Past the pool, each checkout opens a new server process and closes it again: under a crowd
    # of requests (40 threads) that churn cost more than the requests. Two workers keep 20 each.
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    # Not pool_pre_ping: a connection is checked only when it has been idle (see pool_check).
    check_idle_connections(engine)
    return engine


def engine_for(settings: Any, **overrides: Any) -> Engine:
    """The engine ``settings`` describe, with its PostgreSQL session limits: a statement stuck
    behind a lock or a runaway query ends instead of holding a worker and a connection; a
    transaction left open by a stuck request releases its locks; a server that does not answer
    fails in seconds. Maintenance commands pass ``statement_timeout_ms=0``."""
    options = {
        "statement_timeout_ms": settings.pg_statement_timeout_ms,
        "idle_in_transaction_timeout_ms": settings.pg_idle_in_transaction_timeout_ms,
        "connect_timeout_s": settings.pg_connect_timeout_s,
    } | overrides
    return make_engine(settings.database_url, **options)


def _sqlite_pragmas(dbapi_connection, *, busy_ms: int) -> None:
    # pysqlite's own transaction handling begins late and breaks SAVEPOINT; SQLAlchemy's
    # documented recipe is to switch it off and emit BEGIN ourselves (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while one request writes; foreign keys are off by default in SQLite.
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted and overwritten rows are zeroed in the file, not left in free space: the ballot box
    # of a secret vote is emptied at its close (voting.mixing) and must leave nothing behind.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Set while serving a request that writes. In WAL mode a transaction that has read and then
# writes fails at once ("database is locked", not retried by busy_timeout) if another connection
# committed in between; BEGIN IMMEDIATE takes the write lock first and waits its turn instead.
sqlite_write_intent: ContextVar[bool] = ContextVar("delib_sqlite_write_intent", default=False)


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions begun inside begin as writes (BEGIN IMMEDIATE on SQLite), and only those: the
    intent ends with the block, so a command run in a test's process leaves nothing behind."""
    token = sqlite_write_intent.set(True)
    try:
        yield
    finally:
        sqlite_write_intent.reset(token)


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


def _is_memory(dbapi_connection) -> bool:
    row = dbapi_connection.execute("PRAGMA database_list").fetchone()
    return not row or not row[2]


def is_sqlite(bind: Engine | Connection | Session) -> bool:
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return bind.dialect.name == "sqlite"


class SessionFactory:
    """Makes sessions bound to one engine (or one connection, in tests) for one app.

    Domain code queues events on the session (``deliver_after_commit``); they are sent only after a
    successful commit, so a subscriber never hears of a change that was rolled back.
    """

    def __init__(
        self,
        bind: Engine | Connection,
        *,
        sender: Any = None,
        join_transaction_mode: str | None = None,
        outbox_lease: timedelta | None = None,
    ) -> None:
        options: dict[str, Any] = {"class_": Session, "expire_on_commit": False}
        if join_transaction_mode:
            options["join_transaction_mode"] = join_transaction_mode
        self.bind = bind
        self.sender = sender
        #: Writers that opt in (web.context.Ctx.begin_writes, the turnout publisher) queue here for
        #: SQLite's one write lock, in this process and across the site's processes (see write_gate).
        self.write_gate = WriteGate(_gate_path(bind))
        self.outbox_lease = outbox_lease
        #: False in commands run from cron: nobody listens there, so their events wait in the
        #: outbox for a serving process (see deliberation.outbox.sweeper).
        self.deliver_events = True
        self._maker = sessionmaker(bind=bind, **options)
        event.listen(self._maker, "after_commit", _hold_for_delivery)
        event.listen(self._maker, "after_transaction_end", _deliver_held)
        event.listen(self._maker, "after_soft_rollback", _drop_queued_events)

    def __call__(self) -> Session:
        session = self._maker()
        session.info["delib_sender"] = self.sender
        session.info["delib_deliveries"] = []
        session.info["delib_factory"] = self
        if not self.deliver_events:
            # Written for someone else to deliver: not claimed by this process at all.
            session.info["delib_outbox_lease"] = timedelta(0)
        elif self.outbox_lease is not None:
            session.info["delib_outbox_lease"] = self.outbox_lease
        return session

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        session = self()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def begin_writing(self, *, gate_timeout: float = WAIT_S) -> Iterator[Session]:
        """One unit of work that writes, begun as a write: on SQLite it first queues at the write
        gate (at most ``gate_timeout`` seconds; then SQLite's busy timeout decides) and holds the
        gate until the commit or rollback is done."""
        gate = self.write_gate if is_sqlite(self.bind) else None
        taken = gate is not None and gate.acquire(timeout=gate_timeout)
        try:
            with write_intent(), self.begin() as session:
                yield session
        finally:
            if taken:
                assert gate is not None  # taken only from a gate
                gate.release()


def _gate_path(bind: Engine | Connection) -> str | None:
    engine = bind.engine if isinstance(bind, Connection) else bind
    return gate_path(engine.url.database) if engine.dialect.name == "sqlite" else None


def _hold_for_delivery(session: Session) -> None:
    """The transaction has committed, but its connection is not yet back in the pool: keep what is
    to be delivered and run until it is (``_deliver_held``).

    Delivering here would take a second connection while holding the first; thirty requests
    committing at once would then each wait for a connection another of them holds, and the pool
    runs dry (a PostgreSQL crowd saw 30 s stalls and 503s from exactly that).
    """
    if session.in_nested_transaction():
        # A savepoint was released (SQLAlchemy calls after_commit for those too): the transaction
        # that decides goes on, and so does the queue.
        return
    # The outermost transaction ends right after its commit, so one commit is held at a time.
    session.info["delib_held"] = (
        session.info.get("delib_deliveries") or [],
        session.info.pop("delib_after_commit", None) or [],
    )
    session.info["delib_deliveries"] = []


def _deliver_held(session: Session, transaction) -> None:
    """After the outermost transaction has ended and given its connection back: what its commit held."""
    if transaction.parent is not None or "delib_held" not in session.info:
        return
    queued, tasks = session.info.pop("delib_held")
    _deliver_queued(session, queued)
    for task in tasks:
        task(session.get_bind())


def _deliver_queued(session: Session, queued: list) -> None:
    """Hand each deliverer what a committed transaction held for it, in the order first queued.

    A deliverer that fails does not undo the change (it is committed): the outbox retries its rows.
    """
    factory = session.info.get("delib_factory")
    if not queued or factory is None or not factory.deliver_events:
        return
    batches: dict[Callable[[SessionFactory, list], None], list] = {}
    for deliver, item in queued:
        batches.setdefault(deliver, []).append(item)
    for deliver, items in batches.items():
        deliver(factory, items)


def _drop_queued_events(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info["delib_deliveries"] = []
        session.info.pop("delib_after_commit", None)


def deliver_after_commit(session: Session, item: Any, deliver: Callable[[SessionFactory, list], None]) -> None:
    """Hand ``item`` to ``deliver(factory, items)`` once this session's transaction has committed
    and given its connection back, together with every other item held for the same ``deliver``;
    forgotten if the transaction rolls back. ``deliberation.events.queue`` holds its outbox rows
    here. A factory that does not deliver (``deliver_events`` off: commands run from cron) hands
    nothing over: the rows wait in the outbox for a serving process."""
    session.info.setdefault("delib_deliveries", []).append((deliver, item))


def after_commit(session: Session, task: Callable[[Engine | Connection], None]) -> None:
    """Run ``task(bind)`` once this session's transaction has committed (not when a savepoint is
    released), at most once per task; forgotten if the transaction rolls back. For housekeeping that
    cannot run inside a transaction (PostgreSQL's VACUUM); a task that fails is the task's to log."""
    tasks = session.info.setdefault("delib_after_commit", [])
    if task not in tasks:
        tasks.append(task)


def db_now(bind: Engine | Connection | Session):
    """The database clock as an SQL expression, in the form each backend stores times.

    Ballots are stamped and closing times compared by one clock, the database's, whichever app
    server took the request.
    """
    from sqlalchemy import func, literal_column

    if is_sqlite(bind):
        return literal_column("strftime('%Y-%m-%d %H:%M:%f000', 'now')")
    return func.clock_timestamp()
