"""PostgreSQL connections are checked on checkout only after sitting idle (deliberation.pool_check).

Real connections, really ended by the server (pg_terminate_backend), on PostgreSQL only: SQLite
has no server to lose."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from deliberation.db import make_engine
from deliberation.db_errors import is_transient
from deliberation.pool_check import check_idle_connections

from .conftest import fresh_engine


@pytest.fixture
def connect(tmp_path_factory):
    """Makes engines on one PostgreSQL schema of this test's own."""
    probe, cleanup = fresh_engine("postgresql", tmp_path_factory)  # skips when there is no PostgreSQL
    made = []

    def engine_with(**kwargs):
        engine = create_engine(probe.url, creator=probe.pool._creator, **kwargs)
        made.append(engine)
        return engine

    yield engine_with
    for engine in made:
        engine.dispose()
    cleanup()


def _checked(connect, window_s: float):
    engine = connect(pool_size=1, max_overflow=0)
    check_idle_connections(engine, window_s=window_s)
    return engine


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(pid: int, connect) -> None:
    with connect().connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar_one()


def test_an_idle_connection_the_server_ended_is_replaced_unseen(connect):
    engine = _checked(connect, window_s=0.05)
    ended = _backend_pid(engine)
    _terminate(ended, connect)
    time.sleep(0.1)  # idle past the window: checked on checkout, found dead, replaced
    assert _backend_pid(engine) != ended


def test_a_connection_used_a_moment_ago_is_handed_out_unchecked_and_then_the_pool_recovers(connect):
    engine = _checked(connect, window_s=60)
    ended = _backend_pid(engine)
    _terminate(ended, connect)  # within the window of its last use: not checked
    with pytest.raises(OperationalError) as failure, engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    # What a request is told then: "not recorded, try again" (web.context), nothing else.
    assert is_transient(failure.value)
    assert _backend_pid(engine) != ended  # the next checkout gets a new connection


def test_the_app_engine_checks_idle_connections_instead_of_every_checkout(connect):
    url = connect().url.render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        assert engine.pool._pre_ping is False
        assert len(engine.pool.dispatch.checkout) == 1
    finally:
        engine.dispose()
