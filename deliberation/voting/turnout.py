"""A vote's turnout for its live pages: published after the ballots commit, coalesced per process.

Counting the turnout and storing its live event inside every ballot's transaction put two counts
and an insert (on PostgreSQL also the event log's advisory lock and a NOTIFY, which serialise
commits) under the write lock of every ballot, for messages the streams coalesce to two a second
anyway. So a ballot only tells this process's publisher, after its commit, that its vote's turnout
changed, and the publisher publishes it in a short transaction of its own: at once if it has not
published that vote for ``interval`` seconds, otherwise once that much time has passed since it
last did. Whatever it publishes is counted when it publishes, after the ballots that asked for it
committed, so the last ballot's count always goes out (a ballot arriving while a publication is
waiting is counted by it; one arriving after the count asks for another). Each process publishes
its own; the broker keeps the largest count a stream was sent (``live.broker``).
"""

from __future__ import annotations

import logging
import threading
import time

from ..db import SessionFactory
from ..write_gate import WAIT_S
from .actions import publish_turnout
from .models import Vote, VoteStatus

log = logging.getLogger("deliberation.voting")

#: Its waiting publications run in threads of this name (tests and profiles tell them apart).
THREAD_NAME = "deliberation-turnout"


class TurnoutPublisher:
    """``changed(vote_id)`` after a ballot committed; ``interval`` 0 publishes at once, in the caller's
    thread, every time (an app inside a test's connection, where no other thread may use it)."""

    def __init__(self, sessions: SessionFactory, *, interval: float) -> None:
        self.sessions = sessions
        self.interval = interval
        self._lock = threading.Lock()
        self._last: dict[int, float] = {}
        self._waiting: set[int] = set()
        self._timers: set[threading.Timer] = set()
        self._stopped = False

    def changed(self, vote_id: int) -> None:
        if self.interval <= 0:
            self._publish(vote_id)
            return
        with self._lock:
            if self._stopped:
                return
            if vote_id in self._waiting:
                return  # the publication already waiting counts this ballot too
            self._waiting.add(vote_id)
            delay = max(0.0, self._last.get(vote_id, float("-inf")) + self.interval - time.monotonic())
            # Not a daemon: a publication under way finishes its transaction when the process stops.
            timer = threading.Timer(delay, self._publish, (vote_id,))
            timer.name = THREAD_NAME
            self._timers = {t for t in self._timers if t.is_alive()}
            self._timers.add(timer)
        timer.start()

    def start(self) -> None:
        """The app is serving (again): publications are scheduled as ballots ask for them."""
        with self._lock:
            self._stopped = False

    def stop(self) -> None:
        """The app stops serving, or its engine is being disposed of (a test, a command is done with
        it): publications not yet begun are dropped, and those under way finish first, so that no
        thread holds or opens a connection after the engine's pool is closed."""
        with self._lock:
            self._stopped = True
            timers, self._timers = self._timers, set()
            # Dropped publications wait no more: after start(), the next ballot asks again.
            self._waiting.clear()
        for timer in timers:
            timer.cancel()
            if timer.is_alive() and timer is not threading.current_thread():
                timer.join(timeout=WAIT_S)

    def _publish(self, vote_id: int) -> None:
        with self._lock:
            # Before counting: a ballot that commits after this point asks for a publication of its own.
            self._waiting.discard(vote_id)
            self._last[vote_id] = time.monotonic()
        try:
            self._write(vote_id)
        except Exception:  # the next ballot's publication carries the count; nothing else depends on it
            log.warning("publishing the turnout of vote %s failed", vote_id, exc_info=True)

    def _write(self, vote_id: int) -> None:
        with self.sessions.begin_writing() as db:
            vote = db.get(Vote, vote_id)
            # A vote closed in the meantime has told its pages so with its result.
            if vote is not None and vote.status == VoteStatus.OPEN:
                publish_turnout(db, vote)
