"""A process runs at most ``request_threads`` handlers at once, in a pool of the app's own; the rest
wait their turn in the event loop, and a handler that only waits runs outside that pool."""

from __future__ import annotations

import asyncio
import threading
import time

import anyio.to_thread
import pytest

from deliberation import create_app
from deliberation.settings import Settings
from deliberation.web import context
from deliberation.web.threads import RequestThreads


@pytest.fixture
def engine(own_engine, backend):
    if backend != "sqlite":
        pytest.skip("the pool is the same whatever the database")
    return own_engine


async def _get(app, path: str, query: str = "") -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    statuses = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses[0]


def test_at_most_the_configured_number_of_handlers_run_at_once_and_the_hosts_pool_is_untouched(
    engine, tmp_path, monkeypatch
):
    settings = Settings.from_env(
        {},
        database_url=str(engine.url),
        secret_key="threads-secret-of-32-bytes-or-more",
        var_dir=tmp_path,
        allowed_hosts=("testserver",),
        request_threads=2,
    )
    app = create_app(settings, engine=engine)
    running, most, calls, default_borrowed, default = 0, 0, 0, [], []
    guard = threading.Lock()
    resolve = context.resolve_actor

    def slow_resolve(ctx):
        nonlocal running, most, calls
        with guard:
            running, calls = running + 1, calls + 1
            most = max(most, running)
        default_borrowed.append(default[0].borrowed_tokens)
        time.sleep(0.05)
        with guard:
            running -= 1
        return resolve(ctx)

    monkeypatch.setattr(context, "resolve_actor", slow_resolve)

    async def crowd():
        default.append(anyio.to_thread.current_default_thread_limiter())
        return await asyncio.gather(*(_get(app, "/forums", f"page={n}") for n in range(8)))

    statuses = asyncio.run(crowd())
    assert statuses == [200] * 8
    assert calls == 8
    assert most == 2
    # Starlette's (and a host's) default pool lent no thread to the app's handlers.
    assert set(default_borrowed) == {0}


def test_a_handler_that_only_waits_is_not_held_up_by_a_full_pool():
    threads = RequestThreads(1)
    release = threading.Event()

    async def run():
        busy = asyncio.ensure_future(threads.run(release.wait, 5))
        await asyncio.sleep(0.05)
        assert threads.limiter().borrowed_tokens == 1
        # The pool's one thread is taken, yet a waiting handler runs at once.
        waited = await asyncio.wait_for(threads.run(lambda: "converted", waits=True), 5)
        queued = asyncio.ensure_future(threads.run(lambda: "ordinary"))
        await asyncio.sleep(0.05)
        ordinary_waited = not queued.done()
        release.set()
        return waited, ordinary_waited, await busy, await queued

    waited, ordinary_waited, busy, queued = asyncio.run(run())
    assert waited == "converted" and busy is True and queued == "ordinary"
    assert ordinary_waited, "an ordinary handler waits for the pool's thread"


def test_the_pool_size_comes_from_the_environment_and_must_be_at_least_one(tmp_path):
    base = {"DELIBERATION_SECRET_KEY": "threads-secret-of-32-bytes-or-more", "DELIBERATION_VAR_DIR": str(tmp_path)}
    assert Settings.from_env(base).request_threads == 8
    assert Settings.from_env({**base, "DELIBERATION_REQUEST_THREADS": "3"}).request_threads == 3
    for wrong in ("0", "-2", "many"):
        with pytest.raises(ValueError, match="DELIBERATION_REQUEST_THREADS"):
            Settings.from_env({**base, "DELIBERATION_REQUEST_THREADS": wrong})
