"""A database that fails for a moment during a ballot is not an answer about the vote: the delegate is
told "not recorded, try again" (503) in their language, nothing is written, and the same form sent
again counts once. Only the triggers' refusal says the vote is closed, and then with its result.

The failures are real. On PostgreSQL the request's own backend is terminated (pg_terminate_backend
from another connection) at the moment it inserts the ballot. On SQLite another connection holds the
write lock for longer than the app waits for it.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, text
from sqlmodel import select
from starlette.testclient import TestClient

from deliberation import create_app, migrate
from deliberation.audit.models import AuditEntry
from deliberation.db import utcnow
from deliberation.i18n import DISPLAY_ZONE
from deliberation.settings import Settings
from deliberation.testing import csrf_from, make_sitting, signed_in_session
from deliberation.voting import actions
from deliberation.voting.models import Ballot, BallotBox, BallotKey, Participation, Vote

from ..conftest import fresh_engine
from .live_server import committed

SECRET_KEY = "database-failures-secret-of-32-bytes-or-more"


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
            if armed[0] and statement.lstrip().upper().startswith(
                ("INSERT INTO DELIB_BALLOT ", "INSERT INTO DELIB_BALLOT_BOX ")
            ):
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
        participations, ballots, in_box, keys = (
            db.exec(select(func.count()).select_from(model).where(model.vote_id == vote_id)).one()
            for model in (Participation, Ballot, BallotBox, BallotKey)
        )
        return (participations, ballots + in_box, keys) + (
            db.exec(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("ballot.%"))).one(),
        )


def _sitting(engine, **rule) -> tuple[int, dict]:
    """An open final vote among three delegates; the first delegate's signed-in cookies."""
    with committed(engine) as db:
        sitting = make_sitting(db, delegates=3)
        vote = actions.check_prepare_vote(
            db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final", **rule}
        )
        actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
        cookies, _ = signed_in_session(SECRET_KEY, sitting.delegates[0])
        return vote.id, cookies


@contextmanager
def _client(engine, tmp_path, cookies) -> Iterator[TestClient]:
    settings = Settings.from_env(
        {}, database_url=str(engine.url), secret_key=SECRET_KEY, var_dir=tmp_path, allowed_hosts=("testserver",)
    )
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        client.cookies.update(cookies)
        yield client


def test_a_database_failure_during_a_ballot_answers_503_not_closed_and_the_retry_counts_once(engine, tmp_path):
    vote_id, cookies = _sitting(engine, is_secret="1")
    with _client(engine, tmp_path, cookies) as client:
        booth = client.get(f"/votes/{vote_id}/booth").text
        form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', booth))
        with _failing_at_the_ballot_insert(engine):
            failed = client.post(f"/votes/{vote_id}/ballot", data={**form, "choice": "against"}, follow_redirects=False)
        assert failed.status_code == 503
        assert "Ваш бюлетень не записано" in failed.text and "закрит" not in failed.text
        assert f'name="ballot_key" value="{form["ballot_key"]}"' in failed.text
        assert 'value="against" class="ballot-button ballot-against" aria-pressed="true"' in failed.text
        assert _counts(engine, vote_id) == (0, 0, 0, 0)

        # The form the 503 page offers, sent as it is: counted once, and a second time still once.
        retry = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', failed.text))
        # Masked afresh per page (web/forms.py), the token still stands for the same session's secret.
        assert _unmasked(retry["csrf_token"]) == _unmasked(csrf_from(booth))
        for _ in range(2):
            done = client.post(f"/votes/{vote_id}/ballot", data={**retry, "choice": "against"}, follow_redirects=False)
            assert done.status_code == 303 and done.headers["location"].endswith("?done=cast#booth")
        assert _counts(engine, vote_id) == (1, 1, 1, 1)


def test_a_ballot_the_closing_time_refuses_on_its_way_in_shows_the_result_not_an_error(engine, tmp_path):
    closes = (utcnow() + timedelta(seconds=2)).astimezone(DISPLAY_ZONE).replace(tzinfo=None)
    vote_id, cookies = _sitting(engine, mode="remote", closes_at=closes.isoformat(timespec="microseconds"))
    with committed(engine) as db:
        closes_at = db.get(Vote, vote_id).closes_at

    def arrive_late(conn, cursor, statement, parameters, context, executemany):
        # The request found the vote open; its ballot reaches the table after the closing time.
        if statement.lstrip().upper().startswith("INSERT INTO DELIB_PARTICIPATION"):
            while utcnow() <= closes_at + timedelta(milliseconds=50):
                time.sleep(0.05)

    with _client(engine, tmp_path, cookies) as client:
        form = dict(
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', client.get(f"/votes/{vote_id}/booth").text)
        )
        event.listen(engine, "before_cursor_execute", arrive_late)
        try:
            response = client.post(
                f"/votes/{vote_id}/ballot", data={**form, "choice": "against"}, headers={"HX-Request": "true"}
            )
        finally:
            event.remove(engine, "before_cursor_execute", arrive_late)
    assert response.status_code == 409
    assert re.search(r'id="ballot-confirmation"[^>]*autofocus>Голосування закрилося', response.text)
    assert 'class="tally"' in response.text and "Не вдалося виконати дію" not in response.text
    with committed(engine) as db:
        vote = db.get(Vote, vote_id)
        assert (vote.status, vote.participants_count) == ("closed", 0)
    assert _counts(engine, vote_id) == (0, 0, 0, 0)


def _unmasked(token: str) -> bytes:
    """The session's secret behind a page's token: the page carries a fresh mask and the secret XORed with it."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    half = len(raw) // 2
    return bytes(a ^ b for a, b in zip(raw[:half], raw[half:]))
