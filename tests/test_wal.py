"""A served app on a SQLite file checkpoints the write-ahead log in a thread of its own
(deliberation/wal.py), so that no request's commit copies the log back into the file while the
write gate keeps every other writer waiting."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from deliberation.db import SessionFactory, make_engine
from deliberation.settings import Settings
from deliberation.testing import make_user
from deliberation.wal import WalCheckpointer, needs_checkpointer
from deliberation.web.app import create_app


def _write(engine, rows: int) -> None:
    for _ in range(rows):
        with SessionFactory(engine).begin() as db:
            make_user(db)


def test_a_served_app_on_a_sqlite_file_checkpoints_the_log_in_its_own_thread(sqlite_file, tmp_path):
    settings = Settings.from_env({}, database_url=str(sqlite_file.url), var_dir=tmp_path)
    app = create_app(settings, engine=sqlite_file)
    checkpointer = app.state.delib.checkpointer
    checkpointer.interval = 0.05
    with TestClient(app):
        _write(sqlite_file, 20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            last = checkpointer.last
            if last is not None and last[1] > 0 and last[1] == last[2]:
                break
            time.sleep(0.02)
        busy, frames, copied = checkpointer.last
        assert frames > 0 and copied == frames, checkpointer.last
    # The lifespan's end stops the thread.
    assert checkpointer._thread is not None and not checkpointer._thread.is_alive()


def test_a_checkpoint_never_waits_for_a_reader_it_cannot_pass(sqlite_file):
    _write(sqlite_file, 5)
    with sqlite_file.connect() as reader:
        reader.execute(text("SELECT count(*) FROM delib_user")).one()  # holds its snapshot
        _write(sqlite_file, 5)
        busy, frames, copied = WalCheckpointer(sqlite_file).checkpoint()
        # Passive: what the reader still needs stays in the log, and the call returns at once.
        assert copied <= frames
        reader.rollback()
    # Once the reader is gone, the next one copies the rest.
    busy, frames, copied = WalCheckpointer(sqlite_file).checkpoint()
    assert busy == 0 and copied == frames


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "postgresql://postgres@127.0.0.1:5432/test"])
def test_only_a_database_file_needs_one(url):
    engine = make_engine(url)
    try:
        assert not needs_checkpointer(engine)
    finally:
        engine.dispose()


def test_an_app_inside_a_tests_connection_runs_none(settings, connection):
    assert create_app(settings, engine=connection).state.delib.checkpointer is None
