"""Schemathesis against /api/v1/openapi.json: generated requests, positive and negative, for every
operation; no server error, no response that breaks the document.

The document is read from the API itself when the module is collected, from an app whose database
is never touched (the document needs none). Requests then go to an app on a migrated SQLite file
seeded once for the module with the library the other API tests use: the API only reads, so the
examples cannot disturb each other. (``schemathesis.pytest.from_fixture`` would do both with one
app, but its lazy loader reads ``request.node._nodeid``, which pytest 9 no longer has.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from deliberation import create_app, migrate
from deliberation.db import SessionFactory, make_engine
from deliberation.settings import Settings

from .world import build_library


def _app(engine, directory=None):
    # Schemathesis talks to the app as Starlette's test client does, for the host "testserver".
    return create_app(
        Settings.from_env(
            {},
            database_url=str(engine.url),
            secret_key="schemathesis-secret-key-of-32-bytes-or-more",
            var_dir=directory or "var",
            allowed_hosts=("testserver", "localhost"),
        ),
        engine=engine,
    )


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _app(make_engine("sqlite://")))


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("api")
    engine = make_engine(f"sqlite:///{directory / 'api.sqlite3'}")
    migrate.upgrade(engine)
    with SessionFactory(engine).begin() as db:
        build_library(db)
    yield _app(engine, directory)
    engine.dispose()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_openapi_document(case, seeded_app):
    excluded = []
    if "cursor" in (case.query or {}):
        # Any string is a well-formed cursor, but only those the API issued are valid: a made-up
        # one is rightly refused with 400 (tests/api/test_api_resolutions.py proves which).
        excluded.append(positive_data_acceptance)
    case.call_and_validate(app=seeded_app, excluded_checks=excluded)
