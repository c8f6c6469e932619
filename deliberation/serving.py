"""``deliberation serve``: uvicorn, and what each worker process sets up before it answers."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from unittest import mock

import uvicorn
from uvicorn.supervisors import multiprocess

from . import create_app
from .live.broker import close_all_streams
from .settings import Settings
from .web.fastpath import PublicFastPathMiddleware
from .web.warmup import warm_up

log = logging.getLogger("uvicorn.error")


def serve(args: argparse.Namespace) -> None:
    """uvicorn with the options a public site needs, each worker building its app with ``app_factory``."""
    options = _options(args)
    if args.workers > 1:
        _serve_workers(uvicorn.Config(**options))
    else:
        uvicorn.run(**options)


def _options(args: argparse.Namespace) -> dict:
    # httptools sets TCP_NODELAY; with several workers the default stack would leave Nagle's
    # algorithm on and every keep-alive request would wait about 40 ms.
    return dict(
        app="deliberation.serving:app_factory",
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


# --- several workers: a listening socket each --------------------------------------------------------
#
# uvicorn's workers share one listening socket, and each connection goes to whichever worker's event
# loop calls accept() first. A phone keeps its connection (keep-alive), so the split made when the
# connections open stays: measured, wrk's 64 connections fell 53 to 11 on two workers, and in a vote
# the phones on the fuller worker waited twice as long as the others (bench/README.md). Here each
# worker listens on a socket of its own, all bound to the port with SO_REUSEPORT, and the kernel
# spreads new connections over them evenly (by a hash of each connection's addresses). A worker's
# socket joins the group only once its app is built and warmed up, and leaves it when the worker
# ends, so a dead worker's share goes to the others at once.


def _serve_workers(config: uvicorn.Config) -> None:
    # The supervisor's own socket holds the port (and stays out of the group: it never listens).
    holder = _reuseport_socket(config.host, config.port)
    log.info(
        "Uvicorn running on http://%s:%d, %d workers each with a socket of its own",
        *holder.getsockname()[:2],
        config.workers,
    )
    # uvicorn's supervisor (restarts a dead worker, answers SIGTERM and SIGINT) makes its workers as
    # ``multiprocess.Process``; ours only listens on its own socket (tests/ops/test_serve_workers.py).
    try:
        with mock.patch.object(multiprocess, "Process", _OwnSocketWorker):
            multiprocess.Multiprocess(config, sockets=[holder]).run()
    except KeyboardInterrupt:
        pass
    finally:
        holder.close()


class _OwnSocketWorker(multiprocess.Process):
    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover - a child
        super().target([_reuseport_socket(self.config.host, self.config.port)])


def _reuseport_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


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
