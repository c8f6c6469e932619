"""Test fixtures: a schema built by the migrations, once per backend; a transaction per test.

Every test that touches the database runs on SQLite and, when DELIBERATION_TEST_DATABASE_URL
points at PostgreSQL, on PostgreSQL too. Under CI a missing PostgreSQL fails instead of skipping.
"""

from __future__ import annotations

import os
import sys
import uuid

import pytest
from argon2 import profiles
from sqlalchemy import text

from deliberation import create_app, migrate
from deliberation.accounts import passwords
from deliberation.db import SessionFactory, make_engine
from deliberation.settings import Settings
from deliberation.testing import make_forum, make_user, make_workshop
from deliberation.text.diff import word_diff
from deliberation.wiring import wire

# The domain code announces what it did to the capabilities above it (deliberation.hooks): tests
# run with the handlers the app and the command line register.
wire()
# The suite signs in thousands of times: the same Argon2id, with argon2's cheapest parameters instead
# of a quarter of a second of a core each time. Outside the suite the real cost holds
# (tests/accounts/test_password_cost.py).
passwords.use_parameters(profiles.CHEAPEST)

PG_URL = os.environ.get("DELIBERATION_TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_make_parametrize_id(config, val, argname):
    """Sets named in a fixed order: pytest-xdist's workers must collect the same ids, whatever the hash seed."""
    if isinstance(val, (set, frozenset)):
        return "{" + ", ".join(sorted(map(repr, val))) + "}"
    return None


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI must run every backend)")
    pytest.skip(reason)


def postgres_engine_in_fresh_schema():
    """An engine whose search_path is a new schema, so runs never see each other's tables."""
    if not PG_URL:
        _unavailable("DELIBERATION_TEST_DATABASE_URL is not set; PostgreSQL tests skipped")
    schema = f"delib_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        _unavailable(f"PostgreSQL at {PG_URL} is not reachable: {exc}")
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})

    def drop():
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


def fresh_engine(backend: str, tmp_path_factory):
    if backend == "postgresql":
        return postgres_engine_in_fresh_schema()
    path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    return engine, engine.dispose


@pytest.fixture
def sqlite_file(tmp_path):
    """A fresh, migrated SQLite file for one test (one the test may serve, checkpoint or back up)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request):
    return request.param


def _migrated(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    migrate.upgrade(engine)
    yield engine
    cleanup()


@pytest.fixture(scope="session")
def migrated_engine(backend, tmp_path_factory):
    yield from _migrated(backend, tmp_path_factory)


@pytest.fixture
def own_engine(backend, tmp_path_factory):
    """A migrated database for this test alone: for tests that count every row there is, or whose
    app commits for real."""
    yield from _migrated(backend, tmp_path_factory)


@pytest.fixture
def connection(migrated_engine):
    """One connection inside a transaction that is rolled back after the test."""
    conn = migrated_engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def db(connection):
    session = SessionFactory(connection, join_transaction_mode="create_savepoint")()
    yield session
    session.close()


@pytest.fixture
def settings(tmp_path):
    return Settings.from_env(
        {},
        database_url="sqlite://",
        secret_key="test-secret-key-of-at-least-32-bytes",
        var_dir=tmp_path,
        login_max_failures=5,
        allowed_hosts=("testserver", "127.0.0.1", "localhost"),
    )


@pytest.fixture
def app(settings, connection):
    return create_app(settings, engine=connection)


@pytest.fixture
def client(app):
    from starlette.testclient import TestClient

    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def events_heard():
    """Every Deliberation signal sent during the test, as (name, payload)."""
    from deliberation import events

    heard = []

    def listener(name):
        def hear(sender, *, delivery_id, **payload):
            # Every event carries the outbox row's id, for hosts to drop a duplicate; tests
            # compare the rest of the payload.
            assert len(delivery_id) == 36
            heard.append((name, payload))

        return hear

    receivers = [(signal, listener(signal.name)) for signal in events.ALL]
    for signal, receiver in receivers:
        signal.connect(receiver)
    yield heard
    for signal, receiver in receivers:
        signal.disconnect(receiver)


@pytest.fixture
def diff_calls(monkeypatch) -> list[tuple[str, str]]:
    """Every call of the word diff from here on, as (old text, new text), wherever a module imported
    it from: to prove a page diffs a pair of texts once."""
    calls: list[tuple[str, str]] = []
    original = word_diff

    def counted(a: str, b: str):
        calls.append((a, b))
        return original(a, b)

    for module in list(sys.modules.values()):
        if (
            getattr(module, "__name__", "").startswith("deliberation")
            and getattr(module, "word_diff", None) is original
        ):
            monkeypatch.setattr(module, "word_diff", counted)
    return calls


@pytest.fixture
def people(db) -> dict:
    """The cast of a workshop's text on its way to a forum: a coordinator, the workshop's facilitator
    and member, a guest of the network from outside it, the workshop and a forum."""
    coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко")
    facilitator = make_user(db, display_name="Петро Гнатюк")
    member = make_user(db, display_name="Василь Ткачук")
    guest = make_user(db, display_name="Марія Савчук")
    workshop = make_workshop(
        db, creator=coordinator, facilitators=(facilitator,), members=(member,), title="Майстерня депутатів"
    )
    forum = make_forum(db, creator=coordinator, title="Форум громад")
    return {
        "coordinator": coordinator,
        "facilitator": facilitator,
        "member": member,
        "guest": guest,
        "workshop": workshop,
        "forum": forum,
    }
