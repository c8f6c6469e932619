"""A forum votes: 500 delegates' ballots over HTTP to a real server, on SQLite and PostgreSQL.

For each backend, in one run: the server is ``deliberation serve`` (uvicorn with httptools and
uvloop, one worker) in a subprocess on 127.0.0.1, on a database of its own (a SQLite file in a
temporary directory, a fresh PostgreSQL schema). 500 registered delegates, each signed in with a
session cookie, cast one ballot each, CONCURRENCY requests at a time. Printed beside the ballots,
measured the same way in the same run: a trivial endpoint of the same server (``GET /healthz``)
with the same client concurrency, and the raw rate of single-row insert-and-commit into the same
database (one transaction per row, same engine settings). Then the vote is closed through the
domain code and its stored tally must equal the ballots sent: the run exits 1 if it does not, or
if any ballot was refused. Nothing here asserts on time.

    .venv/bin/python bench/forum_vote.py [--delegates 500] [--concurrency 50]

PostgreSQL: DELIBERATION_BENCH_DATABASE_URL, else DELIBERATION_TEST_DATABASE_URL, else the default
address below if something answers there; otherwise it is skipped, and the run says so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httptools  # noqa: E402
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import select  # noqa: E402

from deliberation import migrate  # noqa: E402
from deliberation.accounts.models import User  # noqa: E402
from deliberation.db import SessionFactory, make_engine, sqlite_write_intent, utcnow  # noqa: E402
from deliberation.forums.models import Forum  # noqa: E402
from deliberation.testing import make_sitting, signed_in_session  # noqa: E402
from deliberation.voting import actions, closing  # noqa: E402
from deliberation.voting.counting import CHOICES  # noqa: E402
from deliberation.voting.models import Participation, Vote  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
SECRET_KEY = "bench-forum-vote-secret-of-32-bytes-or-more"
SEED = 2026
TRIVIAL_REQUESTS = 2000
RAW_INSERTS = 2000
MAX_DELEGATES = 5000
START_TIMEOUT_S = 30
PHASE_TIMEOUT_S = 120
REQUEST_TIMEOUT_S = 30


@dataclass
class Timed:
    """One measured phase: how many were done, how long it took, and each one's latency in seconds."""

    count: int
    wall: float
    latencies: list[float]
    statuses: Counter

    @property
    def rate(self) -> float:
        return self.count / self.wall

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# --- databases ------------------------------------------------------------------------------------


def postgres_url() -> tuple[str | None, str]:
    """The PostgreSQL server to use, or None and why it is skipped."""
    url = os.environ.get("DELIBERATION_BENCH_DATABASE_URL") or os.environ.get("DELIBERATION_TEST_DATABASE_URL")
    source = "from the environment"
    if not url:
        url, source = DEFAULT_PG, "at the default address"
    engine = make_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"nothing answers {source} ({make_url(url).render_as_string()}): {first_line}"
    finally:
        engine.dispose()
    return url, source


def fresh_schema(url: str) -> tuple[str, Callable[[], None]]:
    """A URL whose search_path is a new schema, and how to drop it; runs never see each other's tables."""
    schema = f"delib_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), drop


# --- the sitting ----------------------------------------------------------------------------------


def seed(engine, delegates: int) -> tuple[int, int, int, list[tuple[str, str]]]:
    """An open forum, ``delegates`` registered delegates and an open final vote on a submitted appeal.

    Returns the vote, forum and chair ids and each delegate's (session cookie, CSRF token)."""
    with SessionFactory(engine).begin() as db:
        sitting = make_sitting(db, delegates=delegates)
        chair, forum, users = sitting.chair, sitting.forum, sitting.delegates
        vote = actions.check_prepare_vote(db, item=sitting.item, forum=forum, actor=chair, data={"subject": "final"})
        actions.do_open_vote(db, vote=vote, forum=forum, actor=chair)
        sessions = []
        for user in users:
            cookies, token = signed_in_session(SECRET_KEY, user)
            sessions.append(("; ".join(f"{k}={v}" for k, v in cookies.items()), token))
        return vote.id, forum.id, chair.id, sessions


def close_and_count(engine, vote_id: int, forum_id: int, chair_id: int) -> tuple[Counter, int]:
    """Close the vote through the domain code; its stored tally and how many took part."""
    with SessionFactory(engine).begin() as db:
        vote = closing.do_close_vote(
            db, vote=db.get(Vote, vote_id), forum=db.get(Forum, forum_id), actor=db.get(User, chair_id)
        )
        stored = Counter({"for": vote.for_count, "against": vote.against_count, "abstain": vote.abstain_count})
        took_part = db.exec(
            select(func.count()).select_from(Participation).where(Participation.vote_id == vote_id)
        ).one()
    return +stored, took_part


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``deliberation serve`` in a subprocess, on its own port; stopped by its own process handle.
    With ``workers`` above one, the kernel spreads connections over that many processes."""

    STOP_TIMEOUT_S = 10

    def __init__(self, database_url: str, var_dir: Path, *, workers: int = 1) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = var_dir / "server.log"
        env = {
            **os.environ,
            "DELIBERATION_DATABASE_URL": database_url,
            "DELIBERATION_SECRET_KEY": SECRET_KEY,
            "DELIBERATION_VAR_DIR": str(var_dir),
        }
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "deliberation.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *(["--workers", str(workers)] if workers > 1 else []),
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_started(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urlopen(self.base_url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except (URLError, ConnectionError):
                time.sleep(0.05)
        raise RuntimeError(f"the server did not start; its log:\n{self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=self.STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# --- the client -----------------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection, one request at a time, responses parsed by httptools (C).

    httpx costs about a millisecond of client CPU per request: on a small machine the trivial
    endpoint would then measure the client, not the server. This costs some 40 microseconds.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, raw: bytes) -> int:
        """Send one request (the bytes as they go on the wire); the status of its response."""
        self.writer.write(raw)
        response = _Response()
        parser = httptools.HttpResponseParser(response)
        while not response.complete:
            data = await self.reader.read(65536)
            if not data:
                raise ConnectionError("the server closed the connection")
            parser.feed_data(data)
        return parser.get_status_code()

    def close(self) -> None:
        self.writer.close()


class _Response:
    """httptools calls these as it parses; the body is not needed, only where the response ends."""

    def __init__(self) -> None:
        self.complete = False

    def on_message_complete(self) -> None:
        self.complete = True


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def post_form(path: str, form: dict[str, str], cookie: str) -> bytes:
    """A form post as a browser sends it: the session cookie, the CSRF token in the form."""
    body = urlencode(form).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def hammer(connections: list[Connection], requests: list[bytes]) -> Timed:
    """Send ``requests`` over ``connections``, one in flight on each at every moment."""
    pending = iter(requests)
    latencies: list[float] = []
    statuses: Counter = Counter()

    async def worker(connection: Connection) -> None:
        for raw in pending:  # one iterator shared by the workers of one event loop
            start = time.perf_counter()
            status = await asyncio.wait_for(connection.send(raw), REQUEST_TIMEOUT_S)
            latencies.append(time.perf_counter() - start)
            statuses[status] += 1

    start = time.perf_counter()
    async with asyncio.timeout(PHASE_TIMEOUT_S), asyncio.TaskGroup() as workers:  # one failure stops all
        for connection in connections:
            workers.create_task(worker(connection))
    return Timed(len(requests), time.perf_counter() - start, latencies, statuses)


async def over_http(
    port: int, vote_id: int, sessions: list[tuple[str, str]], choices: list[str], concurrency: int
) -> tuple[Timed, Timed]:
    connections = [await Connection.open(port) for _ in range(concurrency)]
    try:
        await hammer(connections, [get("/healthz")] * concurrency * 2)  # warm up every connection
        ballots = await hammer(
            connections,
            [
                post_form(f"/votes/{vote_id}/ballot", {"csrf_token": token, "choice": choice}, cookie)
                for (cookie, token), choice in zip(sessions, choices)
            ],
        )
        trivial = await hammer(connections, [get("/healthz")] * TRIVIAL_REQUESTS)
    finally:
        for connection in connections:
            connection.close()
    return ballots, trivial


def run_loop(coroutine):
    """On uvloop, as the server runs, when it is installed (uvicorn[standard] brings it)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# --- the reference: raw inserts -------------------------------------------------------------------


def raw_inserts(database_url: str, count: int) -> Timed:
    """Single-row insert-and-commit into a scratch table of the same database, one transaction each,
    through an engine made the way the app makes its own (on SQLite: WAL, BEGIN IMMEDIATE)."""
    scratch = Table(
        "bench_scratch_ballot",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("vote_id", Integer, nullable=False),
        Column("voter_id", Integer, nullable=False),
        Column("choice", String(10), nullable=False),
        Column("cast_at", DateTime(timezone=True)),
    )
    engine = make_engine(database_url)
    scratch.create(engine)
    intent = sqlite_write_intent.set(True)
    latencies = []
    try:
        start = time.perf_counter()
        for n in range(count):
            began = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(insert(scratch).values(vote_id=1, voter_id=n, choice=CHOICES[n % 3], cast_at=utcnow()))
            latencies.append(time.perf_counter() - began)
        wall = time.perf_counter() - start
        scratch.drop(engine)
    finally:
        sqlite_write_intent.reset(intent)
        engine.dispose()
    return Timed(count, wall, latencies, Counter())


# --- one backend ----------------------------------------------------------------------------------


def run_backend(name: str, database_url: str, var_dir: Path, args) -> bool:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        vote_id, forum_id, chair_id, sessions = seed(engine, args.delegates)
        rng = random.Random(SEED)
        choices = [rng.choice(CHOICES) for _ in sessions]
        server = Server(database_url, var_dir)
        try:
            server.wait_started()
            ballots, trivial = run_loop(over_http(server.port, vote_id, sessions, choices, args.concurrency))
        finally:
            server.stop()
        raw = raw_inserts(database_url, args.inserts)
        stored, took_part = close_and_count(engine, vote_id, forum_id, chair_id)
    finally:
        engine.dispose()
    sent = Counter(choices)
    print_table(name, args, ballots, trivial, raw)
    accepted = ballots.statuses == Counter({303: len(choices)})
    if not accepted:
        print(
            f"REFUSED: ballots answered {dict(ballots.statuses)}, every one should be 303 "
            f"(server log: {server.log_path})"
        )
    exact = stored == sent and took_part == len(choices)
    tally = ", ".join(f"{c} {stored[c]}" for c in CHOICES)
    if exact:
        print(f"tally stored after closing: {tally}; {took_part} took part: equals the ballots sent")
    else:
        print(
            f"WRONG TALLY: stored {tally}, {took_part} took part; sent " + ", ".join(f"{c} {sent[c]}" for c in CHOICES)
        )
    if trivial.statuses != Counter({200: trivial.count}):
        print(f"trivial endpoint answered {dict(trivial.statuses)}")
    return accepted and exact


def print_table(name: str, args, ballots: Timed, trivial: Timed, raw: Timed) -> None:
    print(
        f"\n{name}: {args.delegates} ballots, in flight: {args.concurrency}, "
        "deliberation serve (uvicorn, httptools, uvloop, 1 worker) on 127.0.0.1"
    )
    print(f"{'measure':<44}{'per s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ballots / this':>16}")
    rows = [
        (f"ballots: POST /votes/{{id}}/ballot ({ballots.count:,})", ballots),
        (f"trivial: GET /healthz ({trivial.count:,})", trivial),
        (f"raw: insert + commit, a row each ({raw.count:,})", raw),
    ]
    for label, timed in rows:
        ratio = "" if timed is ballots else f"{ballots.rate / timed.rate:.3f}x"
        print(
            f"{label:<44}{timed.rate:>10.1f}"
            + "".join(f"{timed.percentile(p) * 1000:>9.2f}" for p in (0.50, 0.95, 0.99))
            + f"{ratio:>16}"
        )


def on_each_backend(run: Callable[..., bool], args) -> bool:
    """``run(name, database_url, var_dir, args)`` on a SQLite file, then on a fresh PostgreSQL schema
    (skipped, saying why, when nothing answers); True if every run was."""
    ok = True
    with tempfile.TemporaryDirectory(prefix="delib-bench-") as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        ok &= run(
            "SQLite (a file in a temporary directory)",
            f"sqlite:///{(sqlite_dir / 'bench.sqlite3').as_posix()}",
            sqlite_dir,
            args,
        )
        url, why = postgres_url()
        if url is None:
            print(f"\nPostgreSQL: SKIPPED, {why}. Set DELIBERATION_BENCH_DATABASE_URL to measure it.")
        else:
            scoped, drop = fresh_schema(url)
            pg_dir = Path(tmp) / "postgresql"
            pg_dir.mkdir()
            try:
                ok &= run(f"PostgreSQL ({why}, a fresh schema)", scoped, pg_dir, args)
            finally:
                drop()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delegates", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--inserts", type=int, default=RAW_INSERTS)
    args = parser.parse_args()
    if not (1 <= args.delegates <= MAX_DELEGATES and 1 <= args.concurrency <= 200 and 1 <= args.inserts <= 100_000):
        parser.error(f"at most {MAX_DELEGATES} delegates, 200 in flight and 100,000 inserts")
    ok = on_each_backend(run_backend, args)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
