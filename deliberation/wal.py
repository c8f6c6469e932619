"""SQLite's checkpoints moved out of the requests: a thread of each serving process copies the
write-ahead log back into the database file every second, so that no ballot's commit has to.

SQLite checkpoints by itself: the commit that takes the log past 1,000 pages (4 MB) copies it back
into the database file and syncs the file, inside that commit, while the write gate
(write_gate.py) keeps every other writer of the site waiting. Under a burst of ballots that was
one request, and all those queued behind it, stalled for up to a second (bench/forum_day.py). A
passive checkpoint waits for no reader and no writer, and the log restarts from its beginning once
everything in it is copied; run every second from a thread of its own, it keeps the log short, so
the commit-time checkpoint seldom finds anything to do. That one stays on, as the safety net for
processes that run no checkpointer (commands, tests, a host that starts none).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

from .write_gate import gate_path

log = logging.getLogger("deliberation.db")

__all__ = ["CHECKPOINT_EVERY_S", "WalCheckpointer", "needs_checkpointer"]

CHECKPOINT_EVERY_S = 1.0


def needs_checkpointer(engine: Engine) -> bool:
    """A SQLite database in a file (one in memory has no log)."""
    return engine.dialect.name == "sqlite" and gate_path(engine.url.database) is not None


class WalCheckpointer:
    """``start()`` / ``stop()``; ``last`` is the last checkpoint's (busy, frames in the log, frames
    copied), as ``PRAGMA wal_checkpoint`` reports them."""

    def __init__(self, engine: Engine, *, interval: float = CHECKPOINT_EVERY_S) -> None:
        self.engine, self.interval = engine, interval
        self.last: tuple[int, int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="delib-wal-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def checkpoint(self) -> tuple[int, int, int]:
        # The driver's own connection, in autocommit (db._sqlite_pragmas): no transaction around it.
        connection = self.engine.raw_connection()
        try:
            driver = connection.driver_connection
            assert driver is not None  # a live connection from the pool
            row = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            connection.close()
        self.last = (int(row[0]), int(row[1]), int(row[2]))
        return self.last

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.checkpoint()
            except Exception:  # noqa: BLE001 - a busy or missing file now must not end the thread
                log.warning("a WAL checkpoint failed; trying again in %s s", self.interval, exc_info=True)
