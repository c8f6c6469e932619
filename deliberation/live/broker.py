"""One listener per process hands each committed event to the open streams of its forum.

An open stream is a ``Subscription``: an asyncio queue and nothing else, no thread and no database
connection, so one process holds thousands. The listener is one task per process and event loop:
it waits for a wake-up (PostgreSQL ``NOTIFY``, or a short poll on SQLite, which sees what every
worker process committed to the same file) and reads the log after the last id it saw.

The broker also keeps the streams alive: one timer per process (not one per stream and message)
offers a keep-alive comment to each stream quiet for ``heartbeat`` seconds, and ends a stream that
has been open for ``lifetime`` seconds (the browser resumes at once).

Turnout is coalesced here: a burst of ballots becomes at most one turnout message per vote every
``turnout_seconds`` on each stream, the latest one; any other event of that forum first releases a
held turnout, so the ids on every stream keep increasing.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine

from ..db import is_sqlite
from . import store
from .store import Event

log = logging.getLogger("deliberation.live")

#: A stream this far behind (a client that stopped reading) is ended; the browser reconnects and resumes.
QUEUE_LIMIT = 1000
#: The listener stops this long after the last stream closed, and starts again with the next one.
IDLE_SECONDS = 30.0
#: What a quiet stream is offered, with no id: a comment that keeps proxies from closing it.
KEEP_ALIVE = (None, b": keep-alive\n\n")
#: The keep-alive timer looks this often at most (a quarter of the heartbeat when that is shorter).
TICK_SECONDS = 1.0

_brokers: weakref.WeakSet[Broker] = weakref.WeakSet()


@dataclass(eq=False)
class Subscription:
    forum_id: int
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    #: Set when the stream must end: the server shuts down, its lifetime is over, or it fell too far behind.
    ended: bool = False
    #: The event loop's time when the stream was last offered a message, and when it must end.
    offered_at: float = 0.0
    ends_at: float = float("inf")

    def offer(self, item: tuple[int | None, bytes], now: float) -> None:
        if self.ended:
            return
        if self.queue.qsize() >= QUEUE_LIMIT:
            self.end()
            return
        self.offered_at = now
        self.queue.put_nowait(item)

    def end(self) -> None:
        if not self.ended:
            self.ended = True
            self.queue.put_nowait(None)


class Broker:
    """The per-process hub: subscriptions by forum, the listener task, turnout coalescing."""

    def __init__(
        self,
        engine: Engine,
        *,
        poll_seconds: float = 0.25,
        turnout_seconds: float = 0.5,
        heartbeat: float = 15.0,
        lifetime: float = 600.0,
    ) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.turnout_seconds = turnout_seconds
        self.heartbeat = heartbeat
        self.lifetime = lifetime
        self._ticker: asyncio.TimerHandle | None = None
        self.last_id = 0
        self._subscriptions: dict[int, set[Subscription]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self._ready: asyncio.Event | None = None
        self._turnout_sent: dict[tuple[int, object], float] = {}
        self._held: dict[tuple[int, object], Event] = {}
        self._turnout_largest: dict[tuple[int, object], int] = {}
        self._closing = False
        self.loop: asyncio.AbstractEventLoop | None = None
        _brokers.add(self)

    # --- streams ----------------------------------------------------------------------------------

    async def subscribe(self, forum_id: int) -> Subscription:
        """A new stream for the forum; returns once the listener knows where the log stands, so
        everything after ``self.last_id`` reaches this subscription."""
        subscription = Subscription(forum_id)
        if self._closing:
            subscription.end()
            return subscription
        loop = asyncio.get_running_loop()
        subscription.offered_at = now = loop.time()
        subscription.ends_at = now + self.lifetime
        self._subscriptions[forum_id].add(subscription)
        if self._ticker is None:
            self._ticker = loop.call_later(self._tick_seconds, self._tick)
        if self._task is None:
            self.loop = loop
            self._ready = asyncio.Event()
            self._task = self.loop.create_task(self._run(self._ready), name="deliberation-live")
        assert self._ready is not None  # set with the task
        await self._ready.wait()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        streams = self._subscriptions.get(subscription.forum_id)
        if streams is not None:
            streams.discard(subscription)
            if not streams:
                del self._subscriptions[subscription.forum_id]

    @property
    def _tick_seconds(self) -> float:
        return min(TICK_SECONDS, self.heartbeat / 4)

    def _tick(self) -> None:
        """Keep-alives for the quiet streams, an end for the old ones; again while any is open.

        A quiet stream gets its keep-alive at most a tick after ``heartbeat`` seconds of quiet.
        Waiting for the next message with a timeout instead would cost a task and a timer per
        stream and message: with thousands of streams, the largest part of a burst's fan-out."""
        self._ticker = None
        if not self._subscriptions:
            return
        now = asyncio.get_running_loop().time()
        for streams in list(self._subscriptions.values()):
            for subscription in list(streams):
                if now >= subscription.ends_at:
                    subscription.end()
                elif now - subscription.offered_at >= self.heartbeat:
                    subscription.offer(KEEP_ALIVE, now)
        self._ticker = asyncio.get_running_loop().call_later(self._tick_seconds, self._tick)

    @property
    def stream_count(self) -> int:
        return sum(len(streams) for streams in self._subscriptions.values())

    def close_all(self) -> None:
        """End every open stream (the server is shutting down); browsers reconnect elsewhere."""
        self._closing = True
        for streams in list(self._subscriptions.values()):
            for subscription in list(streams):
                subscription.end()

    # --- the listener -----------------------------------------------------------------------------

    async def _run(self, ready: asyncio.Event) -> None:
        waker = PostgresWaker(self.engine) if not is_sqlite(self.engine) else SleepWaker(self.poll_seconds)
        idle_since = None
        try:
            self.last_id = await asyncio.to_thread(self._read_last_id)
            ready.set()
            loop = asyncio.get_running_loop()
            while True:
                await waker.wait()
                await self._catch_up()
                if self._subscriptions:
                    idle_since = None
                elif idle_since is None:
                    idle_since = loop.time()
                elif loop.time() - idle_since > IDLE_SECONDS:
                    # Decided without an await in between: the next subscriber starts a new task.
                    self._task = None
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # pragma: no cover - logged; the next subscriber starts a new listener
            log.exception("The live event listener stopped")
            self._task = None
            for streams in list(self._subscriptions.values()):
                for subscription in list(streams):
                    subscription.end()
        finally:
            ready.set()
            await waker.close()

    def _read_last_id(self) -> int:
        with self.engine.connect() as connection:
            return store.last_id(connection)

    def _read_after(self, last_id: int) -> list[Event]:
        with self.engine.connect() as connection:
            return store.fetch_after(connection, last_id)

    async def _catch_up(self) -> None:
        while True:
            try:
                events = await asyncio.to_thread(self._read_after, self.last_id)
            except Exception:  # a database hiccup: try again on the next wake-up
                log.warning("Could not read live events", exc_info=True)
                return
            for event in events:
                self.last_id = event.id
                self.dispatch(event)
            if len(events) < 1000:
                return

    def dispatch(self, event: Event) -> None:
        if event.kind == "turnout":
            self._coalesce(event)
            return
        self._deliver(event)

    def _coalesce(self, event: Event) -> None:
        key = (event.forum_id, event.facts.get("vote_id"))
        loop = asyncio.get_running_loop()
        # Participations are never removed, so the largest count seen is the truest: each process
        # publishes its own turnout (voting.turnout), and one counted a moment earlier may commit later.
        largest = max(self._turnout_largest.get(key, 0), event.facts.get("participants") or 0)
        self._turnout_largest[key] = largest
        if largest != event.facts.get("participants"):
            event = Event(event.id, event.forum_id, event.kind, {**event.facts, "participants": largest})
        if key in self._held:
            self._held[key] = event
            return
        sent = self._turnout_sent.get(key)
        if sent is None or loop.time() - sent >= self.turnout_seconds:
            self._deliver(event)
            return
        self._held[key] = event
        loop.call_at(sent + self.turnout_seconds, self._release, key)

    def _release(self, key: tuple[int, object]) -> None:
        event = self._held.pop(key, None)
        if event is not None:
            self._send(event)

    def _deliver(self, event: Event) -> None:
        # A held turnout of this forum goes out first, so no stream sees its ids go backwards.
        for key in [k for k, held in self._held.items() if k[0] == event.forum_id and held.id < event.id]:
            self._send(self._held.pop(key))
        self._send(event)

    def _send(self, event: Event) -> None:
        if event.kind == "turnout":
            self._turnout_sent[(event.forum_id, event.facts.get("vote_id"))] = asyncio.get_running_loop().time()
        message, now = event.message(), asyncio.get_running_loop().time()
        for subscription in list(self._subscriptions.get(event.forum_id, ())):
            subscription.offer((event.id, message), now)


class SleepWaker:
    """SQLite: look again after a short pause. One cheap indexed query per process, whatever the
    number of streams, and it sees the commits of every process that writes to the file."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def wait(self) -> None:
        await asyncio.sleep(self.seconds)

    async def close(self) -> None:
        return None


class PostgresWaker:
    """PostgreSQL: one connection per process LISTENs; a commit that published NOTIFYs it.

    It also wakes every few seconds, and reconnects after losing its connection, so an event is at
    worst late, never lost: the catch-up reads the log, not the notifications.
    """

    SAFETY_SECONDS = 5.0
    BATCH_SECONDS = 0.01

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection = None

    async def _connect(self):
        import psycopg

        args, params = self.engine.dialect.create_connect_args(self.engine.url)
        connection = await psycopg.AsyncConnection.connect(*args, autocommit=True, **params)
        try:
            await connection.execute(f"LISTEN {store.CHANNEL}")
        except BaseException:
            # Cancelled (the server stopping, a test's event loop closing) or refused between the
            # connect and the LISTEN: the connection is nobody's yet, so close it here, or it stays
            # open until the garbage collector finds it.
            await connection.close()
            raise
        return connection

    async def wait(self) -> None:
        try:
            if self.connection is None:
                self.connection = await self._connect()
                return  # catch up with whatever was committed while we were not listening
            async for _ in self.connection.notifies(timeout=self.SAFETY_SECONDS, stop_after=1):
                break
            # Commits come in bursts; one read after a short pause serves the whole burst.
            await asyncio.sleep(self.BATCH_SECONDS)
            async for _ in self.connection.notifies(timeout=0.0001):
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("The live event listener lost its database connection; reconnecting", exc_info=True)
            await self.close()
            await asyncio.sleep(1.0)

    async def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:  # pragma: no cover - already gone
                pass


def close_all_streams() -> None:
    """End every open stream in this process (called when the server is told to stop).

    Safe from a signal handler: each broker is asked in its own event loop."""
    for broker in list(_brokers):
        loop = broker.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(broker.close_all)
