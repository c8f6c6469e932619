"""No GET writes: every GET route of the permission table, for every role, runs no INSERT, UPDATE or
DELETE, even right after a save left comments to re-place and while a remote vote is past its closing
time. On SQLite a read that writes fails with "database is locked" as soon as another request commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from deliberation.db import utcnow
from deliberation.discussion.comments import check_post_comment
from deliberation.drafting.actions import check_save_revision
from deliberation.testing import sign_in
from deliberation.voting.models import Vote
from deliberation.workshops.queries import get_membership

from .test_permissions import ROLES, TABLE, _fill, built_world, connection, world  # noqa: F401 - fixtures

# /readyz proves the database can be written by writing a row in a transaction it rolls back:
# that write is its whole purpose, and it is never committed (tests/web/test_outages.py).
GET_ROWS = [row for row in TABLE if row[1] == "GET" and row[0] != "ready"]
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def stale_world(db, world):
    """The permission table's world, plus a comment on a passage followed by a new version of its text,
    and the assembly's prepared vote turned into a remote vote whose closing time has just passed."""
    document, facilitator = world["document"], world["facilitator"]
    head = document.head_number
    check_post_comment(
        db,
        document=document,
        actor=world["member"],
        data={"body": "Про водогін.", "pid": _first_pid(db, document), "start": "0", "end": "7", "revision": str(head)},
    )
    membership = get_membership(db, workshop_id=world["workshop"].id, user_id=facilitator.id)
    check_save_revision(
        db,
        document=document,
        actor=facilitator,
        membership=membership,
        data={"title": document.title, "base": str(head), "body": "Вступ до петиції.\n\n" + _body(db, document)},
    )
    # A vote opened an hour ago that closed a minute ago: written as the row would be (the
    # application refuses to open a vote whose time is already past, the database does not).
    past = utcnow() - timedelta(minutes=1)
    db.execute(
        update(Vote)
        .where(Vote.id == world["draft_vote"].id)
        .values(
            status="open",
            mode="remote",
            closes_at=past,
            opened_at=past - timedelta(hours=1),
            opened_by=world["coordinator"].id,
        )
    )
    db.commit()
    return world


def _first_pid(db, document) -> str:
    from deliberation.drafting.queries import get_revision

    return get_revision(db, document_id=document.id, number=document.head_number).paragraph_ids[0]


def _body(db, document) -> str:
    from deliberation.drafting.queries import get_revision

    return get_revision(db, document_id=document.id, number=document.head_number).body


@contextmanager
def _writes_on(connection) -> Iterator[list[str]]:
    """The writing statements run on ``connection`` inside the block, their first lines."""
    writes: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        # A session's "last seen" is written after the response, at most once a minute, in a
        # unit of its own that skips rather than waits (accounts.sessions.touch_session): it never
        # makes a read fail. On a slow run it may fall inside this loop.
        if statement.lstrip().upper().startswith(WRITES) and "delib_login_session" not in statement:
            writes.append(statement.split("\n")[0][:120])

    event.listen(connection, "before_cursor_execute", listen)
    try:
        yield writes
    finally:
        event.remove(connection, "before_cursor_execute", listen)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_route_writes_for_any_role_after_a_save_and_past_a_closing_time(client, connection, stale_world, role):
    if role != "anonymous":
        sign_in(client, stale_world[role].email)
    failures = []
    for _name, _method, path, _data, _expected in GET_ROWS:
        url = _fill(path, stale_world)
        with _writes_on(connection) as writes:
            response = client.get(url, follow_redirects=False)
        if writes or response.status_code >= 500:
            failures.append((url, response.status_code, writes))
    assert not failures, "\n".join(f"GET {url} -> {status}: {stmts}" for url, status, stmts in failures)


# --- a host's person met on a GET ------------------------------------------------------------------


@pytest.fixture
def own_engine(backend, tmp_path_factory):
    from deliberation import migrate

    from ..conftest import fresh_engine

    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    migrate.upgrade(engine)
    yield engine
    cleanup()


def test_a_host_person_first_seen_on_a_get_is_written_in_a_write_transaction_of_its_own(own_engine, settings):
    """On SQLite a write inside a read's (deferred) transaction fails as soon as another request has
    committed; so every write must run in a transaction begun as a write (write intent)."""
    from starlette.testclient import TestClient

    from deliberation import create_app
    from deliberation.accounts.models import User
    from deliberation.db import SessionFactory, sqlite_write_intent

    person = {"external_id": "host-17", "display_name": "Ніна Гребенюк", "roles": []}
    app = create_app(settings, engine=own_engine, identity=lambda request: dict(person))
    began_as_write: dict[int, bool] = {}
    stray: list[str] = []

    def begin(conn):
        began_as_write[id(conn.connection)] = sqlite_write_intent.get()

    def execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES) and not began_as_write.get(id(conn.connection)):
            stray.append(statement.split("\n")[0][:120])

    event.listen(own_engine, "begin", begin)
    event.listen(own_engine, "before_cursor_execute", execute)
    try:
        with TestClient(app) as client:
            assert client.get("/").status_code == 200
            assert client.get("/workshops").status_code == 200
            person["display_name"] = "Ніна Гребенюк-Коваль"
            assert client.get("/").status_code == 200
    finally:
        event.remove(own_engine, "begin", begin)
        event.remove(own_engine, "before_cursor_execute", execute)
    assert not stray, stray
    with SessionFactory(own_engine).begin() as db:
        from sqlmodel import select

        assert db.exec(select(User.display_name).where(User.external_id == "host-17")).all() == ["Ніна Гребенюк-Коваль"]


# --- HEAD is a read too ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "facilitator", "member"])
def test_a_head_request_to_any_get_route_writes_nothing_and_answers_as_the_get_would(
    client, connection, stale_world, role
):
    """Starlette routes HEAD to the GET handler: a page that is also a form must show the form for
    it, never run the form's POST path (which CSRF does not guard for HEAD, a safe method)."""
    sign_in(client, stale_world[role].email)
    failures = []
    for _name, _method, path, _data, _expected in GET_ROWS:
        url = _fill(path, stale_world)
        got = client.get(url, follow_redirects=False).status_code
        with _writes_on(connection) as writes:
            response = client.head(url, follow_redirects=False)
        if writes or response.status_code != got:
            failures.append((url, got, response.status_code, writes))
    assert not failures, "\n".join(f"HEAD {url}: GET {g}, HEAD {h}: {stmts}" for url, g, h, stmts in failures)
