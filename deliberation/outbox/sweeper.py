"""A daemon thread per app that delivers what is due in the outbox every few seconds.

It starts with the app's first request (a mounted app gets no lifespan to start it from), and only
for an app on its own engine: a test's app runs inside one connection's transaction, which a
second thread must not touch. Every process runs one, so whatever a crashed process left behind,
and whatever a command run from cron wrote (``deliberation close-votes`` hears no host), is
delivered by the next process that is up.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from .delivery import Deliver, prune, sweep

log = logging.getLogger("deliberation.outbox")

PRUNE_EVERY = 360  # sweeps; an hour at the default interval


class Sweeper:
    def __init__(self, sessions, deliver_one: Deliver, *, interval: float, lease: timedelta) -> None:
        self.sessions, self.deliver_one, self.interval, self.lease = sessions, deliver_one, interval, lease
        self._started = False
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def ensure_running(self) -> None:
        if self._started or self.interval <= 0:
            return
        with self._lock:
            if self._started:
                return
            self._started = True
            threading.Thread(target=self._run, name="delib-outbox", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        rounds = 0
        while not self._stop.wait(self.interval):
            try:
                sweep(self.sessions, self.deliver_one, lease=self.lease)
                rounds += 1
                if rounds % PRUNE_EVERY == 0:
                    prune(self.sessions)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the sweeper
                log.exception("Outbox sweep failed; trying again in %s s", self.interval)
