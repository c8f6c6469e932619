"""A worker of ``deliberation serve`` warms up before its first request (web/warmup.py): the first
crowd of the day (the ballots of a vote that just opened) finds every template compiled and the
database connections open, instead of paying for them one request at a time."""

from __future__ import annotations

import jinja2
import pytest
from sqlalchemy.pool import QueuePool
from starlette.testclient import TestClient

from deliberation.web.app import create_app
from deliberation.web.warmup import warm_up


@pytest.fixture
def compiled(monkeypatch):
    """The names of the templates compiled from here on."""
    names: list[str] = []
    compile_ = jinja2.Environment._compile

    def counted(self, source, filename):
        names.append(filename)
        return compile_(self, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", counted)
    return names


def _first_pages(app) -> None:
    with TestClient(app) as client:
        for path in ("/", "/library", "/forums", "/login", "/no-such-page"):
            assert client.get(path).status_code in (200, 404)


def test_after_the_warm_up_no_request_compiles_a_template(settings, migrated_engine, compiled):
    app = create_app(settings, engine=migrated_engine)
    warm_up(app.state.delib)
    assert len(compiled) > 100  # every template of the app
    compiled.clear()
    _first_pages(app)
    assert compiled == []


def test_without_it_the_first_requests_compile_their_templates(settings, migrated_engine, compiled):
    _first_pages(create_app(settings, engine=migrated_engine))
    assert compiled, "the comparison above proves nothing if the first requests compiled nothing"


def test_the_warm_up_opens_the_pool_connections_and_returns_them(settings, migrated_engine):
    migrated_engine.dispose()  # a pool as a new worker's
    pool = migrated_engine.pool
    warm_up(create_app(settings, engine=migrated_engine).state.delib)
    if isinstance(pool, QueuePool):
        assert pool.checkedin() == pool.size() and pool.checkedout() == 0


def test_an_app_given_a_connection_warms_up_without_opening_any(settings, connection):
    warm_up(create_app(settings, engine=connection).state.delib)
