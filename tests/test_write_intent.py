"""The intent to write (BEGIN IMMEDIATE on SQLite) ends with the block that declared it: a command
run inside a test's process once left it set, and a later test's reader in the same process then
took SQLite's write lock and kept its own writes waiting (CI, tests/test_wal.py)."""

from __future__ import annotations

from deliberation import maintenance
from deliberation.db import sqlite_write_intent, write_intent


def test_the_intent_ends_with_its_block():
    with write_intent():
        assert sqlite_write_intent.get() is True
    assert sqlite_write_intent.get() is False


def test_a_command_run_in_process_leaves_no_intent_behind(sqlite_file, capsys):
    maintenance._rebuild_search_index(sqlite_file)
    maintenance._rebuild_search_index_if_stale(sqlite_file)
    assert sqlite_write_intent.get() is False
