"""Browser tests: Debian's Chromium, driven by Playwright, against a real uvicorn server.

Every test here is marked ``browser``. Each test gets its own migrated SQLite file (real commits,
no rolled-back transactions: the server runs in another thread) and its own server on a free port.
Console errors and uncaught page errors (CSP violations among them) fail the test that caused them.
The helpers the tests import live in ``browser_helpers.py`` beside this file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deliberation import create_app
from deliberation.settings import Settings
from deliberation.tour import CHROMIUM, CHROMIUM_ARGS

from .browser_helpers import assert_no_console_errors, reset_console_log, serve

HERE = Path(__file__).resolve().parent

IN_CI = os.environ.get("CI", "").lower() in ("1", "true")


def _in_this_folder(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Checked after the test body and before teardown, so a console error fails the test itself.
    result = yield
    if _in_this_folder(item):
        assert_no_console_errors()
    return result


@pytest.fixture(autouse=True)
def _console_log():
    log = reset_console_log()
    yield log
    for context in log.contexts:
        try:
            context.close()
        except Exception:  # pragma: no cover - the browser may be gone already
            pass


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`) to run the browser tests"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture
def engine(sqlite_file):
    """A fresh, migrated SQLite file for one test."""
    return sqlite_file


@pytest.fixture
def settings(tmp_path, engine):
    return Settings.from_env(
        {}, database_url=str(engine.url), secret_key="browser-test-secret-key-of-32-bytes-or-more", var_dir=tmp_path
    )


@pytest.fixture
def standalone(engine, settings):
    """The app on its own, at the root of a live server; yields the base URL."""
    with serve(create_app(settings, engine=engine)) as base_url:
        yield base_url
