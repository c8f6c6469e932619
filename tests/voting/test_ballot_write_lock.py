"""A ballot under a crowd: on SQLite it reads and checks everything before it takes the database's one
write lock, holds it only for its inserts, and lets it go before the answer is rendered; on both
backends a first ballot costs a handful of statements, however large the forum.
"""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from deliberation import create_app
from deliberation.settings import Settings
from deliberation.testing import make_sitting, signed_in_session
from deliberation.voting import actions, closer, turnout
from deliberation.voting.receipts import new_ballot_key

from .live_server import committed

SECRET_KEY = "write-lock-secret-of-32-bytes-or-more"


@pytest.fixture
def engine(own_engine):
    return own_engine


def _statements_of_one_ballot(engine, tmp_path, *, secret: bool, htmx: bool, warm: bool = False) -> list[str]:
    """Every statement one first ballot sends (by the request's own sessions), with COMMIT marked;
    ``warm``: after another delegate's ballot in the same process, as in a crowd."""
    with committed(engine) as db:
        sitting = make_sitting(db, delegates=40)
        data = {"subject": "final", **({"is_secret": "1"} if secret else {})}
        vote = actions.check_prepare_vote(db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data=data)
        actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
        vote_id = vote.id
        cookies, token = signed_in_session(SECRET_KEY, sitting.delegates[7])
        first = signed_in_session(SECRET_KEY, sitting.delegates[6])
    settings = Settings.from_env(
        {}, database_url=str(engine.url), secret_key=SECRET_KEY, var_dir=tmp_path, allowed_hosts=("testserver",)
    )
    seen: list[str] = []

    def statement(conn, cursor, text, parameters, context, executemany):
        # The turnout is published after the commit, in a thread of its own (voting.turnout).
        if threading.current_thread().name != turnout.THREAD_NAME:
            seen.append(" ".join(text.split()).upper())

    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        if warm:
            client.cookies.update(first[0])
            response = client.post(
                f"/votes/{vote_id}/ballot",
                follow_redirects=False,
                data={"choice": "against", "ballot_key": new_ballot_key(), "csrf_token": first[1]},
            )
            assert response.status_code == 303, response.text[-3000:]
        client.cookies.update(cookies)
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(
            engine,
            "commit",
            lambda conn: threading.current_thread().name != turnout.THREAD_NAME and seen.append("COMMIT"),
        )
        try:
            response = client.post(
                f"/votes/{vote_id}/ballot",
                follow_redirects=False,
                data={"choice": "for", "ballot_key": new_ballot_key(), "csrf_token": token},
                headers={"HX-Request": "true"} if htmx else {},
            )
        finally:
            event.remove(engine, "before_cursor_execute", statement)
    assert response.status_code == (200 if htmx else 303), response.text[-3000:]
    return seen


def _under_the_write_lock(statements: list[str]) -> list[str]:
    start = statements.index("BEGIN IMMEDIATE")
    return statements[start + 1 : statements.index("COMMIT", start)]


@pytest.mark.parametrize("secret", [False, True], ids=["roll-call", "secret"])
@pytest.mark.parametrize("htmx", [False, True], ids=["redirect", "htmx"])
def test_on_sqlite_a_ballot_holds_the_write_lock_only_for_its_inserts(engine, backend, tmp_path, secret, htmx):
    if backend != "sqlite":
        pytest.skip("SQLite's one write lock")
    statements = _statements_of_one_ballot(engine, tmp_path, secret=secret, htmx=htmx)
    assert statements.count("BEGIN IMMEDIATE") == 1
    locked = _under_the_write_lock(statements)
    # Participation, ballot (a secret one into the ballot box), idempotency key and the audit entry
    # linked to the chain's head: no other read, no savepoint, nothing rendered, no turnout counted
    # (that is published after the commit).
    assert [re.match(r"(INSERT INTO \"?\w+|SELECT HASH FROM \w+)", s).group(0) for s in locked] == [
        "INSERT INTO DELIB_PARTICIPATION",
        "INSERT INTO DELIB_BALLOT_BOX" if secret else "INSERT INTO DELIB_BALLOT",
        "INSERT INTO DELIB_BALLOT_KEY",
        "SELECT HASH FROM DELIB_AUDIT_ENTRY",
        "INSERT INTO DELIB_AUDIT_ENTRY",
    ]
    # The checks came before it: the delegate, the proxy and the participation were read unlocked.
    before = statements[: statements.index("BEGIN IMMEDIATE")]
    assert any("DELIB_DELEGATE" in s and "DELIB_PARTICIPATION" in s for s in before)


def test_a_first_ballot_costs_a_handful_of_statements(engine, backend, tmp_path):
    statements = [
        s
        for s in _statements_of_one_ballot(engine, tmp_path, secret=True, htmx=False)
        if s not in ("COMMIT", "BEGIN", "BEGIN IMMEDIATE")
        and not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SELECT 1"))
    ]
    # Due votes (the process's first write looks), the sign-in session with the actor, the vote with
    # the delegate's standing; four inserts, the audit chain's head (on PostgreSQL with its lock,
    # in one round trip). The turnout is counted and published apart, after the commit, for many
    # ballots at once (voting.turnout).
    assert len(statements) == 8, "\n".join(statements)


@pytest.mark.parametrize("secret", [False, True], ids=["roll-call", "secret"])
def test_a_ballot_in_a_crowd_runs_seven_statements_and_no_savepoint(engine, backend, tmp_path, secret, monkeypatch):
    """Every statement of a ballot after another one in the same process, counted so that none
    creeps back: the signed-in session with its member (one statement), the vote with the
    delegate's standing (one), then the writes: participation, ballot, idempotency key, the audit
    chain's head (on PostgreSQL with the chain's lock, in the same round trip) and its entry. No
    look for due votes (the process looked a moment ago), no savepoint (a refused ballot rolls the
    whole request back)."""
    # However slow this machine, the ballot comes within the time the process waits between looks.
    monkeypatch.setattr(closer, "LOOK_EVERY", 3600.0)
    statements = _statements_of_one_ballot(engine, tmp_path, secret=secret, htmx=False, warm=True)
    work = [s for s in statements if s not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
    assert not [s for s in statements if "SAVEPOINT" in s], "\n".join(statements)
    assert not [s for s in work if "CLOSES_AT <=" in s], "\n".join(statements)
    assert "FROM DELIB_LOGIN_SESSION JOIN DELIB_USER" in work[0], "\n".join(statements)
    assert work[1].startswith("SELECT DELIB_VOTE.ID") and "DELIB_DELEGATE" in work[1], "\n".join(statements)
    assert len(work) == 7, "\n".join(statements)
    # The request's reading transaction, then the ballots' own (voting.group_commit), on both: on
    # SQLite the reads hold no write lock, on PostgreSQL the reading one flushes nothing to disk.
    assert statements.count("COMMIT") == 2, "\n".join(statements)
