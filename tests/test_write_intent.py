"""The intent to write (BEGIN IMMEDIATE on SQLite) ends with the block that declared it: a command
run inside a test's process once left it set, and a later test's reader in the same process then
took SQLite's write lock and kept its own writes waiting (CI, tests/test_wal.py)."""

from __future__ import annotations

from deliberation import maintenance, migrate
from deliberation.db import make_engine, sqlite_write_intent, write_intent


def test_the_intent_ends_with_its_block():
    with write_intent():
        assert sqlite_write_intent.get() is True
    assert sqlite_write_intent.get() is False


def test_a_command_run_in_process_leaves_no_intent_behind(tmp_path, capsys):
    engine = make_engine(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    migrate.upgrade(engine)
    try:
        maintenance._rebuild_search_index(engine)
        maintenance._rebuild_search_index_if_stale(engine)
    finally:
        engine.dispose()
    assert sqlite_write_intent.get() is False
