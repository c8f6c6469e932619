"""Two app processes on one database (PostgreSQL, and one SQLite file): a page listening on one
hears what is done through the other — the opening, each turnout change and the result — and a
stopping server ends its open streams instead of waiting for them.

Each process is ``deliberation serve``, as a site runs it; the people are signed in with cookies
minted by ``deliberation.testing`` and every POST carries its CSRF token.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx
import pytest
from sqlalchemy import text

from deliberation import migrate
from deliberation.testing import make_sitting, signed_in_session
from deliberation.voting import actions

from ..conftest import PG_URL, fresh_engine
from ..voting.live_server import committed
from .sse_client import EventStream

SECRET_KEY = "two-processes-secret-key-of-32-bytes-or-more"
DELEGATES = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(backend: str, engine) -> str:
    if backend == "sqlite":
        return str(engine.url)
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@contextmanager
def app_processes(database_url: str, var_dir, count: int = 2) -> Iterator[list[tuple[str, subprocess.Popen]]]:
    """``count`` processes of ``deliberation serve`` on one database, started together."""
    started = []
    try:
        for number in range(count):
            port, log_path = _free_port(), var_dir / f"serve-{number}.log"
            env = dict(
                os.environ,
                DELIBERATION_DATABASE_URL=database_url,
                DELIBERATION_SECRET_KEY=SECRET_KEY,
                DELIBERATION_VAR_DIR=str(var_dir),
            )
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        "from deliberation.cli import main; raise SystemExit(main())",
                        "serve",
                        "--port",
                        str(port),
                        "--no-access-log",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            started.append((f"http://127.0.0.1:{port}", process, log_path))
        deadline = time.monotonic() + 120  # a loaded machine imports slowly
        for base_url, process, log_path in started:
            while not _healthy(base_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the app process did not start: " + log_path.read_text()[-2000:])
                time.sleep(0.1)
        yield [(base_url, process) for base_url, process, _ in started]
    finally:
        for _, process, _ in started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


def _healthy(base_url: str) -> bool:
    try:
        return httpx.get(base_url + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def sitting(backend, tmp_path_factory, tmp_path):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        with committed(engine) as db:
            s = make_sitting(db, delegates=DELEGATES)
            vote = actions.check_prepare_vote(db, item=s.item, forum=s.forum, actor=s.chair, data={})
            people = {
                "chair": signed_in_session(SECRET_KEY, s.chair),
                "delegates": [signed_in_session(SECRET_KEY, user) for user in s.delegates],
            }
            ids = {"forum": s.forum.id, "vote": vote.id}
        yield _database_url(backend, engine), ids, people
    finally:
        cleanup()


def _post(base_url: str, path: str, session: tuple[dict, str], **data) -> int:
    cookies, token = session
    with httpx.Client(base_url=base_url, cookies=cookies, follow_redirects=False) as client:
        return client.post(path, data={"csrf_token": token, **data}).status_code


def test_a_stream_on_one_process_hears_a_vote_run_through_another(sitting, tmp_path):
    database_url, ids, people = sitting
    with app_processes(database_url, tmp_path) as [(listening, process_a), (acting, _)]:
        stream = EventStream(f"{listening}/forums/{ids['forum']}/events")
        stream.next()
        vote = ids["vote"]

        assert _post(acting, f"/votes/{vote}/open", people["chair"]) == 303
        opened = stream.next_event()
        assert (opened.event, opened.facts["vote_id"]) == ("vote-opened", vote)

        for number, delegate in enumerate(people["delegates"], start=1):
            assert _post(acting, f"/votes/{vote}/ballot", delegate, choice="for") == 303
            turnout = stream.events_until(
                lambda m, number=number: m.event == "turnout" and m.facts["participants"] >= number
            )[-1]
            assert turnout.facts == {"vote_id": vote, "participants": number, "registered": DELEGATES}

        assert _post(acting, f"/votes/{vote}/close", people["chair"]) == 303
        closed = stream.events_until(lambda m: m.event == "vote-closed")[-1]
        assert closed.facts == {"vote_id": vote, "adopted": True}

        # Told to stop, the listening process ends its open stream and exits instead of waiting for it.
        process_a.send_signal(signal.SIGTERM)
        assert stream.quiet_for(20)[-1] is EventStream.END
        stream.close()
        # uvicorn re-raises the signal it handled once it has shut down cleanly.
        assert process_a.wait(timeout=20) in (0, -signal.SIGTERM)
