"""The queue for SQLite's one write lock: within a process a mutex, across processes a file lock.

Waiting in SQLite's own busy handler means sleeping in steps of up to 100 ms while the lock may
already be free. Under a crowd that costs more than the writes, and it is unfair: with two worker
processes, the one whose writers hand the lock straight to each other keeps it, while the other's
writer sleeps, wakes to find it taken again, and runs out its busy timeout ("database is locked").
So writers that opt in (a ballot's inserts, the turnout it publishes) queue at this gate: a queue
orders the threads of one process (first come, first served: see ``FairMutex``), and the thread at its head also takes an exclusive ``flock`` on a
file beside the database, which the kernel hands over the moment it is released, and releases by
itself if the holding process dies (even by SIGKILL). Writers that do not opt in meet SQLite's
busy timeout as before.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections import deque

log = logging.getLogger("deliberation.db")

#: Beside the database file, as SQLite's own ``-wal`` and ``-shm``.
SUFFIX = "-writegate"
#: How long a writer waits at the gate (a ballot, the turnout it publishes, ballots written together)
#: before it passes by and SQLite's own busy timeout decides.
WAIT_S = 10


class FairMutex:
    """A mutex handed to its waiters in the order they came.

    ``threading.Lock`` lets a thread that arrives just as the lock is released take it before the
    waiter the release woke, which first needs a core and the GIL: under a crowd of ballots the
    newcomers kept overtaking, and the few left waiting made the slowest ballots seconds slower
    than the median (bench/forum_day.py). Here ``release`` hands the lock straight to the longest
    waiting thread, and a newcomer queues behind it.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()  # held only to read and change the two fields below
        self._held = False
        self._waiting: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._guard:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        if turn.acquire(timeout=timeout):
            return True  # handed over by release(): the mutex stayed held
        with self._guard:
            if turn in self._waiting:
                self._waiting.remove(turn)
                return False
        return True  # handed over between the timeout and the guard: ours after all

    def release(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._held = False

    @property
    def waiting(self) -> int:
        return len(self._waiting)


class WriteGate:
    """``acquire(timeout)`` / ``release()``; ``path`` is the lock file, or None for a database that
    only this process can open (in memory) and needs no lock across processes."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._mutex = FairMutex()
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
