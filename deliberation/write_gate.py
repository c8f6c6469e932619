"""The queue for SQLite's one write lock: within a process a mutex, across processes a file lock.

Waiting in SQLite's own busy handler means sleeping in steps of up to 100 ms while the lock may
already be free. Under a crowd that costs more than the writes, and it is unfair: with two worker
processes, the one whose writers hand the lock straight to each other keeps it, while the other's
writer sleeps, wakes to find it taken again, and runs out its busy timeout ("database is locked").
So writers that opt in (a ballot's inserts, the turnout it publishes) queue at this gate: a mutex
orders the threads of one process, and the thread at its head also takes an exclusive ``flock`` on a
file beside the database, which the kernel hands over the moment it is released, and releases by
itself if the holding process dies (even by SIGKILL). Writers that do not opt in meet SQLite's
busy timeout as before.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading

log = logging.getLogger("deliberation.db")

#: Beside the database file, as SQLite's own ``-wal`` and ``-shm``.
SUFFIX = "-writegate"


class WriteGate:
    """``acquire(timeout)`` / ``release()``; ``path`` is the lock file, or None for a database that
    only this process can open (in memory) and needs no lock across processes."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._mutex = threading.Lock()
        self._fd: int | None = None
        self._pid = 0
        self._locked_file = False

    def acquire(self, timeout: float) -> bool:
        """Wait for this process's writers ahead, at most ``timeout`` seconds (False: not taken), then
        for the other processes' writer holding the file lock, if any: a writer holds it only for its
        own transaction."""
        if not self._mutex.acquire(timeout=timeout):
            return False
        self._locked_file = self._lock_file()
        return True

    def release(self) -> None:
        if self._locked_file:
            self._locked_file = False
            assert self._fd is not None  # _lock_file opened it before it locked
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._mutex.release()

    def _lock_file(self) -> bool:
        if self.path is None:
            return False
        try:
            if self._fd is None or self._pid != os.getpid():
                # Opened once per process: a lock belongs to the open file, which a forked child shares.
                self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # releases the GIL while it waits
            return True
        except OSError:
            # A directory we may not write to: SQLite's busy timeout orders the processes instead.
            log.warning("the write gate's lock file %s cannot be locked", self.path, exc_info=True)
            return False


def gate_path(database: str | None) -> str | None:
    """The lock file for a SQLite database file, None for one in memory."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return database + SUFFIX
