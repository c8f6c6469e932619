"""Streams kept alive by one timer per process: a keep-alive for a quiet stream only, an end after
the stream's lifetime, and no task or timer per stream and message while thousands wait."""

from __future__ import annotations

import asyncio

import pytest

from deliberation.live.broker import KEEP_ALIVE, Broker
from deliberation.live.store import Event
from deliberation.web.live import _stream


@pytest.fixture
def engine(migrated_engine, backend):
    if backend != "sqlite":
        pytest.skip("the timer is the same whatever the database; the listener is tested over HTTP on both")
    return migrated_engine


def _drain(queue: asyncio.Queue) -> list:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def test_only_a_quiet_stream_is_offered_a_keep_alive(engine):
    async def run():
        broker = Broker(engine, poll_seconds=3600, heartbeat=0.2)
        quiet, busy = await broker.subscribe(1), await broker.subscribe(2)
        for number in range(1, 13):
            broker.dispatch(Event(number, 2, "item", {"item_id": number}))
            await asyncio.sleep(0.05)
        return _drain(quiet.queue), _drain(busy.queue)

    quiet, busy = asyncio.run(run())
    assert quiet and all(item == KEEP_ALIVE for item in quiet)
    assert len(busy) == 12 and KEEP_ALIVE not in busy


def test_a_stream_ends_after_its_lifetime_and_the_timer_stops_with_the_last_stream(engine):
    async def run():
        broker = Broker(engine, poll_seconds=3600, heartbeat=10, lifetime=0.2)
        subscription = await broker.subscribe(1)
        ended = await asyncio.wait_for(subscription.queue.get(), 5)
        broker.unsubscribe(subscription)
        await asyncio.sleep(broker._tick_seconds * 2)
        return ended, broker._ticker

    ended, ticker = asyncio.run(run())
    assert ended is None
    assert ticker is None


def test_waiting_streams_hold_no_task_or_timer_per_message(engine):
    """A stream between messages is its response's task waiting on a queue, and nothing else: 300
    of them, 20 events each, and besides those tasks the event loop holds the listener and the one
    keep-alive timer, however many streams wait (a timeout per wait held a task and a timer each)."""
    streams = 300

    async def run():
        broker = Broker(engine, poll_seconds=3600, heartbeat=0.2)
        loop = asyncio.get_running_loop()
        received = [0] * streams

        async def respond(number: int) -> None:  # as the streaming response iterates the body
            subscription = await broker.subscribe(1)
            async for _ in _stream(broker, subscription, [], first_id=0, reload=False):
                received[number] += 1

        responses = [asyncio.create_task(respond(n)) for n in range(streams)]
        await asyncio.sleep(0.05)
        counts = []
        for number in range(1, 21):
            broker.dispatch(Event(number, 1, "item", {"item_id": number}))
            await asyncio.sleep(0.005)
            others = [t for t in asyncio.all_tasks() if t not in responses and t is not asyncio.current_task()]
            counts.append((len(others), len(loop._scheduled)))
        for task in responses:
            task.cancel()
        await asyncio.gather(*responses, return_exceptions=True)
        return received, counts

    received, counts = asyncio.run(run())
    assert min(received) >= 21  # the retry hint and every event (a keep-alive or two besides)
    assert all(tasks <= 1 and timers <= 3 for tasks, timers in counts), counts
