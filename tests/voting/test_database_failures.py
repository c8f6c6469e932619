"""A database that fails for a moment during a ballot is not an answer about the vote: the delegate is
told "not recorded, try again" (503) in their language, nothing is written, and the same form sent
again counts once.

The failures are real. On PostgreSQL the request's own backend is terminated (pg_terminate_backend
from another connection) at the moment it inserts the ballot. On SQLite another connection holds the
write lock for longer than the app waits for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, text
from sqlmodel import select
from starlette.testclient import TestClient

from deliberation import create_app, migrate
from deliberation.audit.models import AuditEntry
from deliberation.settings import Settings
from deliberation.testing import csrf_from, make_sitting, signed_in_session
from deliberation.voting import actions
from deliberation.voting.models import Ballot, BallotKey, Participation

from ..conftest import fresh_engine
from .live_server import committed

SECRET_KEY = "database-failures-secret"


@pytest.fixture
def engine(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    migrate.upgrade(engine)
    if backend == "sqlite":
        # Wait a fifth of a second for the write lock instead of thirty (runs after the app's own pragmas).
        event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=200"))
    yield engine
    cleanup()


@contextmanager
def _failing_at_the_ballot_insert(engine) -> Iterator[None]:
    """While inside the block, the database fails under the next ballot the way it does in real life."""
    if engine.dialect.name == "postgresql":
        killer = engine.connect()
        armed = [True]

        def terminate(conn, cursor, statement, parameters, context, executemany):
            if armed[0] and statement.lstrip().upper().startswith("INSERT INTO DELIB_BALLOT "):
                armed[0] = False
                pid = cursor.connection.info.backend_pid
                # The second argument waits until the backend has really gone.
                killer.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

        event.listen(engine, "before_cursor_execute", terminate)
        try:
            yield
        finally:
            event.remove(engine, "before_cursor_execute", terminate)
            killer.close()
        return
    locker = engine.raw_connection()
    locker.driver_connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        locker.driver_connection.execute("ROLLBACK")
        locker.close()


def _counts(engine, vote_id) -> tuple[int, int, int, int]:
    with committed(engine) as db:
        return tuple(db.exec(select(func.count()).select_from(model).where(model.vote_id == vote_id)).one()
                     for model in (Participation, Ballot, BallotKey)) + (
            db.exec(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("ballot.%"))).one(),)


def test_a_database_failure_during_a_ballot_answers_503_not_closed_and_the_retry_counts_once(engine, tmp_path):
    with committed(engine) as db:
        sitting = make_sitting(db, delegates=3)
        vote = actions.check_prepare_vote(db, item=sitting.item, forum=sitting.forum, actor=sitting.chair,
                                          data={"subject": "final", "is_secret": "1"})
        actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
        vote_id = vote.id
        cookies, _ = signed_in_session(SECRET_KEY, sitting.delegates[0])
    settings = Settings.from_env({}, database_url=str(engine.url), secret_key=SECRET_KEY, var_dir=tmp_path)
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        client.cookies.update(cookies)
        booth = client.get(f"/votes/{vote_id}/booth").text
        form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', booth))
        with _failing_at_the_ballot_insert(engine):
            failed = client.post(f"/votes/{vote_id}/ballot", data={**form, "choice": "against"},
                                 follow_redirects=False)
        assert failed.status_code == 503
        assert "Ваш бюлетень не записано" in failed.text and "закрит" not in failed.text
        assert f'name="ballot_key" value="{form["ballot_key"]}"' in failed.text
        assert 'value="against" class="ballot-button ballot-against" aria-pressed="true"' in failed.text
        assert _counts(engine, vote_id) == (0, 0, 0, 0)

        # The form the 503 page offers, sent as it is: counted once, and a second time still once.
        retry = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', failed.text))
        assert retry["csrf_token"] == csrf_from(booth)
        for _ in range(2):
            done = client.post(f"/votes/{vote_id}/ballot", data={**retry, "choice": "against"},
                               follow_redirects=False)
            assert done.status_code == 303 and done.headers["location"].endswith("?done=cast#booth")
        assert _counts(engine, vote_id) == (1, 1, 1, 1)
