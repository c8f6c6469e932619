"""The app served over real HTTP: uvicorn in a thread on 127.0.0.1, with data committed for real.

The tests in this folder otherwise run inside a rolled-back transaction; a server answering many
clients at once needs its own database (a SQLite file or a fresh PostgreSQL schema) and commits.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from deliberation.db import SessionFactory, write_intent


@contextmanager
def committed(engine) -> Iterator:
    """A unit of work that commits, for building data with the domain code and the factories.

    On SQLite it begins with the write lock (BEGIN IMMEDIATE), as the app's own writers do: a
    deferred transaction that has read, and then meets a write another connection committed
    meanwhile (the server's turnout publisher, say), cannot write at all; SQLite answers "database
    is locked" at once, without waiting out its busy timeout."""
    with write_intent(), SessionFactory(engine).begin() as db:
        yield db


@contextmanager
def serve(app, *, start_timeout: float = 10) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yields ``http://127.0.0.1:PORT``.

    httptools and uvloop, as ``deliberation serve`` runs it. The socket is bound here and handed to
    uvicorn, so no other process can take the port between choosing it and listening on it.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        http="httptools",
        loop="uvloop",
        log_level="warning",
        lifespan="off",
        backlog=512,
        # A browser's live stream stays open until its page closes: do not wait for it.
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
