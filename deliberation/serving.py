"""``deliberation serve``: uvicorn, and what each worker process sets up before it answers."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

import uvicorn

from . import create_app
from .live.broker import close_all_streams
from .settings import Settings
from .web.fastpath import PublicFastPathMiddleware
from .web.warmup import warm_up


def serve(args: argparse.Namespace) -> None:
    """uvicorn with the options a public site needs, each worker building its app with ``app_factory``."""
    # httptools sets TCP_NODELAY; with several workers the default stack would leave Nagle's
    # algorithm on and every keep-alive request would wait about 40 ms.
    uvicorn.run(
        "deliberation.serving:app_factory",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="httptools",
        loop="uvloop",
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="info",
        access_log=args.access_log,
        # A busy worker (thousands of open event streams, a burst of ballots) may answer the
        # supervisor's ping late; after the default 5 s it would be killed with every stream.
        timeout_worker_healthcheck=30,
    )


def app_factory():
    _end_streams_on_exit()
    _share_the_interpreter_fairly()
    # In front of Starlette itself: a public immutable page already sent costs no framework at all
    # (the app's own copy of this middleware, for hosts that mount it, then lets requests through).
    app = create_app(Settings.from_env())
    warm_up(app.state.delib)
    return PublicFastPathMiddleware(app)


# How long a busy thread may keep the interpreter while another waits for it (CPython's default is
# 5 ms). A request that renders a long text is busy for a tenth of a second; every other request of
# the process waits for the interpreter again after each database call and each hand-over between
# the event loop and a worker thread, a dozen times for an ordinary page, so at 5 ms an ordinary
# page took up to five times as long meanwhile (bench/hostile.py). At 0.5 ms each wait is a tenth as
# long; the busy thread pays for the extra switches.
SWITCH_INTERVAL_SECONDS = 0.0005


def _share_the_interpreter_fairly() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def _end_streams_on_exit() -> None:
    """On SIGTERM or SIGINT, end the open event streams first: uvicorn waits for every open
    response before it stops, and a browser reconnects (to another worker) at once."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def handler(signum, frame, previous=previous):
            close_all_streams()
            previous(signum, frame)

        signal.signal(sig, handler)
