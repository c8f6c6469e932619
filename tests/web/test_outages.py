"""A database that is read-only, full or unreachable: a 503 page in the visitor's language, one
line in the log, /readyz 503 and /healthz still 200."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from sqlalchemy import event, text
from starlette.testclient import TestClient

from deliberation import create_app, migrate
from deliberation.db import SessionFactory, make_engine
from deliberation.testing import make_document, make_user, make_workshop, signed_in_session
from deliberation.web.locale import COOKIE_NAME as LANG_COOKIE

MESSAGES = {
    "read_only": {
        "uk": "база даних доступна лише для читання або переповнена",
        "en": "its database is read-only or full",
    },
    "unreachable": {
        "uk": "Сайт зараз не може з’єднатися зі своєю базою даних",
        "en": "The site cannot reach its database just now",
    },
}
MESSAGES["full"] = MESSAGES["read_only"]


@pytest.fixture
def site(tmp_path, settings):
    """A migrated SQLite file with a member, a document to comment on, and the member's session."""
    path = tmp_path / "site.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with SessionFactory(engine).begin() as db:
        member = make_user(db)
        workshop = make_workshop(db, creator=make_user(db, coordinator=True), facilitators=(member,))
        document = make_document(db, workshop=workshop, author=member)
        # Sessions live on the server: the member's is written with the rest.
        ids = {"document": document.id, "member": signed_in_session(settings.secret_key, member)}
    engine.dispose()
    return path, ids


def _client(settings, engine, locale: str, member=None) -> TestClient:
    client = TestClient(create_app(settings, engine=engine), raise_server_exceptions=False)
    client.cookies.set(LANG_COOKIE, locale)
    if member is not None:
        cookies, client.csrf = member
        client.cookies.update(cookies)
    return client


def _comment(client, ids):
    # Longer than a page, so a file that cannot grow cannot take it.
    return client.post(
        f"/documents/{ids['document']}/comments", data={"csrf_token": client.csrf, "body": "Слово " * 800}
    )


def _one_line_in_the_log(caplog, kind: str) -> None:
    lines = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert "Database unavailable" in lines[0].getMessage() and kind in lines[0].getMessage()
    assert lines[0].exc_info is None


def _assert_outage_page(response, kind: str, locale: str) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert MESSAGES[kind][locale] in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_a_read_only_sqlite_file_gives_a_503_page_in_the_visitors_language(site, settings, locale, caplog):
    path, ids = site
    engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    client = _client(settings, engine, locale, ids["member"])
    assert client.get(f"/documents/{ids['document']}").status_code == 200  # reading still works
    caplog.clear()
    _assert_outage_page(_comment(client, ids), "read_only", locale)
    _one_line_in_the_log(caplog, "read_only")
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json() == {"status": "unavailable", "database": "read_only"}
    assert client.get("/healthz").status_code == 200
    engine.dispose()


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_a_full_sqlite_file_gives_a_503_page_and_readyz_says_full(site, settings, locale, caplog):
    path, ids = site
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("VACUUM")  # no free pages left to reuse
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.close()
    engine = make_engine(f"sqlite:///{path}")
    # What a full disk looks like to SQLite, safely: the file may not grow by a single page.
    event.listen(engine, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count = {pages}"))
    client = _client(settings, engine, locale, ids["member"])
    caplog.clear()
    _assert_outage_page(_comment(client, ids), "full", locale)
    _one_line_in_the_log(caplog, "full")
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["database"] == "full"
    engine.dispose()


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_an_unreachable_postgresql_gives_a_503_page_and_readyz_503(settings, locale, caplog):
    # Port 1 on this machine: nothing listens there, the connection is refused at once.
    engine = make_engine("postgresql://deliberation@127.0.0.1:1/deliberation", connect_timeout_s=2)
    client = _client(settings, engine, locale)
    caplog.clear()
    _assert_outage_page(client.get("/"), "unreachable", locale)
    _one_line_in_the_log(caplog, "unreachable")
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json() == {"status": "unavailable", "database": "unreachable"}
    assert client.get("/healthz").status_code == 200
    api = client.get("/api/v1/resolutions")
    assert api.status_code == 503 and api.json()["error"]["code"] == "unavailable"
    engine.dispose()


def test_readyz_answers_ready_when_the_database_can_be_written_and_leaves_nothing_behind(migrated_engine, settings):
    client = TestClient(create_app(settings, engine=migrated_engine))
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    assert ready.headers["cache-control"] == "no-store"
    with migrated_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM delib_site_setting WHERE key = 'delib.readyz'")).scalar() == 0


def test_postgresql_sessions_carry_the_configured_timeouts(backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("the timeouts are PostgreSQL settings")
    from deliberation.db import engine_for
    from deliberation.settings import Settings
    from tests.databases import database_url

    with database_url(backend, tmp_path) as url:
        settings = Settings.from_env(
            {
                "DELIBERATION_DATABASE_URL": url,
                "DELIBERATION_PG_STATEMENT_TIMEOUT": "1500",
                "DELIBERATION_PG_IDLE_IN_TRANSACTION_TIMEOUT": "4000",
            },
            secret_key="k-padded-to-thirty-two-bytes-or-more",
            var_dir=tmp_path,
        )
        for engine in (engine_for(settings), create_app(settings).state.delib.bind):
            with engine.connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "1500ms"
                assert conn.execute(text("SHOW idle_in_transaction_session_timeout")).scalar() == "4s"
                # The search_path given in the URL is kept beside them.
                assert conn.execute(text("SELECT current_schema()")).scalar().startswith("delib_test_")
            engine.dispose()
        maintenance = engine_for(settings, statement_timeout_ms=0)
        with maintenance.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
        maintenance.dispose()
