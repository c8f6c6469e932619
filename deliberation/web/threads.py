"""The threads the app's handlers run in: a few per process, not one per waiting request.

A handler is plain Python that waits on its database now and then; within one process only one
thread runs Python at a time (the interpreter lock). With Starlette's default pool, 40 requests
of a burst ran at once in each process and handed the interpreter to each other every half
millisecond, so each of them finished only about when all forty did, and the hand-overs cost time
of their own (bench/forum_day.py: 227–241 ballots a second with 40 threads, 265–449 with 6–12,
in alternating runs on one machine). Requests beyond the pool wait their turn in the event loop,
in arrival order, costing nothing but memory.

The app keeps a limiter of its own, so a host that mounts it keeps its own pool as it set it.
A handler that waits long without running Python (an upload converted in a child process) runs in
the default pool instead, so a few such requests cannot hold every thread of the process.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

T = TypeVar("T")


class RequestThreads:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a process needs at least one request thread")
        self.size = size
        # One limiter per event loop: a limiter's waiters belong to the loop they wait in (a test's
        # client runs each app in a loop of its own).
        self._limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
            weakref.WeakKeyDictionary()
        )

    def limiter(self) -> CapacityLimiter:
        loop = asyncio.get_running_loop()
        found = self._limiters.get(loop)
        if found is None:
            found = self._limiters[loop] = CapacityLimiter(self.size)
        return found

    async def run(self, func: Callable[..., T], *args, waits: bool = False) -> T:
        return await anyio.to_thread.run_sync(func, *args, limiter=None if waits else self.limiter())
