"""SQLite's write gate orders the writers of every process on one database file, not only this one's."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest

from deliberation.db import SessionFactory, make_engine
from deliberation.write_gate import FairMutex


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


def _queue(mutex: FairMutex, order: list[int], n: int) -> threading.Thread:
    """A thread that waits for ``mutex``, notes its turn and lets it go; returned once it is queued."""

    def turn() -> None:
        assert mutex.acquire(timeout=10)
        order.append(n)
        mutex.release()

    thread = threading.Thread(target=turn)
    thread.start()
    deadline = time.monotonic() + 10
    while mutex.waiting < n and time.monotonic() < deadline:
        time.sleep(0.001)
    return thread


def test_the_gate_goes_to_the_writers_in_the_order_they_came():
    mutex, order = FairMutex(), []
    assert mutex.acquire(timeout=1)
    threads = [_queue(mutex, order, n) for n in range(1, 21)]
    mutex.release()
    for thread in threads:
        thread.join(10)
    assert order == list(range(1, 21))


def test_a_newcomer_cannot_overtake_a_writer_already_waiting():
    mutex, order = FairMutex(), []
    assert mutex.acquire(timeout=1)
    waiting = _queue(mutex, order, 1)
    mutex.release()  # handed to the waiting thread, whether or not it has run yet
    assert mutex.acquire(timeout=5)
    assert order == [1], "the newcomer got the gate before the writer that was waiting"
    mutex.release()
    waiting.join(10)


def test_a_writer_that_gives_up_leaves_the_queue():
    mutex = FairMutex()
    assert mutex.acquire(timeout=1)
    assert not mutex.acquire(timeout=0.05)
    assert mutex.waiting == 0
    mutex.release()
    assert mutex.acquire(timeout=0.05)
    mutex.release()
