"""SQLite's write gate orders the writers of every process on one database file, not only this one's."""

from __future__ import annotations

import fcntl
import os

import pytest

from deliberation.db import SessionFactory, make_engine


def _locked_elsewhere(path: str) -> bool:
    """Whether another open file (as another process has) finds the gate's file lock taken."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_the_writer_at_the_gate_holds_a_file_lock_the_other_processes_wait_for(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    gate = SessionFactory(engine).write_gate
    assert gate.path == str(tmp_path / "site.sqlite3-writegate")
    assert gate.acquire(timeout=5)
    assert _locked_elsewhere(gate.path)
    gate.release()
    assert not _locked_elsewhere(gate.path)
    engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_a_database_in_memory_needs_no_lock_file(url):
    engine = make_engine(url)
    gate = SessionFactory(engine).write_gate
    assert gate.path is None
    assert gate.acquire(timeout=5)
    gate.release()
    engine.dispose()
