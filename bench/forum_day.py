"""A forum day: 2,000 delegates each holding the forum's event stream open while they vote.

For each backend (a SQLite file, a fresh PostgreSQL schema), in one run: ``deliberation serve
--workers 2`` in a subprocess; 2,000 registered delegates, each holding an open event stream
(raw asyncio sockets in this one client process); the chair opens the vote; every delegate casts
one ballot, ``--in-flight`` (200) at a time, while ``--readers`` clients read the library page.
Printed: ballots per second with p50/p95/p99; the time from the chair's "open" to the event
reaching 50 %, 99 % and 100 % of the streams; how many turnout messages each stream got for all the
ballots (coalescing); library reads per second during the burst; and, measured in the same run,
the trivial endpoint (``GET /healthz``) and single-row insert-and-commit into the same database,
with the ratios. The vote is then closed through the domain code and its stored tally must equal
the ballots sent (exit 1 otherwise). Nothing here asserts on time.

Three phases, each on a fresh database, all by default: the plain burst (``--plain``); the burst while
one of the two workers is SIGKILLed (``--kill-worker``; uvicorn's supervisor starts another, the
bench goes on against whichever workers live); and, on PostgreSQL, the burst while every connection
of the app to its database is ended by ``pg_terminate_backend`` three times (``--terminate-connections``).
Ballots are sent as phones send them (bench/crowd_failures.py): an unanswered ballot or a 503 is
sent again with the same idempotency key. Printed beside the figures: every acknowledged ballot
stored once, the 503s, and whether any answer said "closed" while the vote was open.

    .venv/bin/python bench/forum_day.py [--delegates 2000] [--in-flight 200] [--readers 20]
                                        [--plain] [--kill-worker] [--terminate-connections]

PostgreSQL as in bench/forum_vote.py (DELIBERATION_BENCH_DATABASE_URL, DELIBERATION_TEST_DATABASE_URL
or the default address); skipped, saying so, when nothing answers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crowd_failures as cf  # noqa: E402  (phones that retry, and the failures injected)
import forum_vote as fv  # noqa: E402  (its database, server and client pieces)
from sqlalchemy.engine import make_url  # noqa: E402

from deliberation import migrate  # noqa: E402
from deliberation.db import SessionFactory, make_engine  # noqa: E402
from deliberation.testing import make_sitting, signed_in_session  # noqa: E402
from deliberation.voting import actions  # noqa: E402
from deliberation.voting.counting import CHOICES  # noqa: E402

WORKERS = 2
CONNECT_BATCH = 200
# 2,000 ballots take minutes on a small shared machine; forum_vote's 2-minute phase limit is too short.
fv.PHASE_TIMEOUT_S = 900
# With 200 ballots in flight on SQLite's single writer, a ballot may wait long for its turn.
fv.REQUEST_TIMEOUT_S = 180
# Two workers importing the app on a loaded machine may take longer than forum_vote allows.
fv.START_TIMEOUT_S = 120


class Server(fv.Server):
    """``deliberation serve --workers 2``, also watched on PostgreSQL by its application name."""

    # SIGTERM: the workers end their open streams and stop.
    STOP_TIMEOUT_S = 30

    def __init__(self, database_url: str, var_dir: Path) -> None:
        if not database_url.startswith("sqlite"):
            self.admin_url = cf.admin_url(database_url)
            self.application_name = make_url(database_url).query.get("application_name")
        super().__init__(database_url, var_dir, workers=WORKERS)


def seed(engine, delegates: int):
    """An open forum, its delegates and a prepared (not yet open) final vote."""
    with SessionFactory(engine).begin() as db:
        sitting = make_sitting(db, delegates=delegates)
        vote = actions.check_prepare_vote(
            db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final"}
        )

        def session(user):
            cookies, token = signed_in_session(fv.SECRET_KEY, user)
            return "; ".join(f"{k}={v}" for k, v in cookies.items()), token

        return (
            vote.id,
            sitting.forum.id,
            sitting.chair.id,
            session(sitting.chair),
            [(u.id, *session(u)) for u in sitting.delegates],
        )


class Stream:
    """One delegate's open event stream on a raw socket: when the opening arrived, turnouts seen."""

    def __init__(self) -> None:
        self.connected = asyncio.Event()
        self.opened_at: float | None = None
        self.turnouts = 0
        self.closed_seen = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def run(self, port: int, path: str, cookie: str) -> None:
        reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        tail = b""
        while True:
            data = await reader.read(65536)
            if not data:
                return
            now = time.perf_counter()
            chunk = tail + data
            if b"retry:" in chunk:
                self.connected.set()
            if self.opened_at is None and b"event: vote-opened" in chunk:
                self.opened_at = now
            self.turnouts += data.count(b"event: turnout")
            if b"event: vote-closed" in chunk:
                self.closed_seen.set()
            tail = chunk[-32:]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.task is not None:
            self.task.cancel()


async def library_reader(connection: fv.Connection, stop: asyncio.Event, done: Counter) -> None:
    while not stop.is_set():
        try:
            status = await asyncio.wait_for(connection.send(fv.get("/library")), fv.REQUEST_TIMEOUT_S)
        except (OSError, TimeoutError):
            done["no answer"] += 1
            return
        done[status] += 1


async def forum_day(server, vote_id: int, forum_id: int, chair, sessions, choices, args, failure) -> dict:
    port = server.port
    streams = [Stream() for _ in sessions]
    path = f"/forums/{forum_id}/events"
    for start in range(0, len(streams), CONNECT_BATCH):
        for stream, (_, cookie, _) in zip(
            streams[start : start + CONNECT_BATCH], sessions[start : start + CONNECT_BATCH]
        ):
            stream.task = asyncio.create_task(stream.run(port, path, cookie))
        await asyncio.wait_for(
            asyncio.gather(*(s.connected.wait() for s in streams[start : start + CONNECT_BATCH])), fv.PHASE_TIMEOUT_S
        )
    chair_connection = await fv.Connection.open(port)
    voters = [await fv.Connection.open(port) for _ in range(args.in_flight)]
    readers = [await fv.Connection.open(port) for _ in range(args.readers)]
    try:
        await fv.hammer(voters, [fv.get("/healthz")] * args.in_flight * 2)  # warm every connection up
        opened = time.perf_counter()
        status = await chair_connection.send(fv.post_form(f"/votes/{vote_id}/open", {"csrf_token": chair[1]}, chair[0]))
        if status != 303:
            raise RuntimeError(f"the chair could not open the vote: {status}")
        deadline = time.perf_counter() + fv.PHASE_TIMEOUT_S
        while sum(s.opened_at is not None for s in streams) < len(streams) and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        reach = sorted((s.opened_at - opened) for s in streams if s.opened_at is not None)

        stop, reads, outcome, report = asyncio.Event(), Counter(), cf.Outcome(), {}
        reading = [asyncio.create_task(library_reader(c, stop, reads)) for c in readers]
        injecting = asyncio.create_task(inject(failure, server, outcome, len(sessions), report))
        read_start = time.perf_counter()
        try:
            ballots = await cf.send_ballots(
                port,
                voters,
                vote_id,
                [(voter_id, cookie, token, choice) for (voter_id, cookie, token), choice in zip(sessions, choices)],
                outcome,
            )
        finally:
            stop.set()
            await asyncio.gather(*reading)
            injecting.cancel()
        read_wall = time.perf_counter() - read_start
        # The last turnout reaches the streams at most one coalescing interval later.
        await asyncio.sleep(1.5)
        turnouts = sorted(s.turnouts for s in streams)
        # Fresh connections: uvicorn closes keep-alive connections idle for 5 s, as these may have been.
        for connection in voters:
            connection.close()
        voters = [await fv.Connection.open(port) for _ in range(args.in_flight)]
        trivial = await fv.hammer(voters, [fv.get("/healthz")] * fv.TRIVIAL_REQUESTS)
    finally:
        for connection in [chair_connection, *voters, *readers]:
            connection.close()
        for stream in streams:
            stream.close()
    return {
        "ballots": ballots,
        "trivial": trivial,
        "reach": reach,
        "streams": len(streams),
        "turnouts": turnouts,
        "reads": reads,
        "read_wall": read_wall,
        "outcome": outcome,
        "report": report,
    }


async def inject(failure: str, server, outcome: cf.Outcome, total: int, report: dict) -> None:
    """The failure of this phase, during the burst: none, one worker SIGKILLed a third of the way in,
    or every connection of the app terminated at a fifth, two fifths and three fifths."""
    if failure == "kill-worker":
        await cf.kill_one_worker(server.process.pid, outcome, total // 3, report)
    elif failure == "terminate-connections":
        await cf.terminate_connections(
            server.admin_url, server.application_name, outcome, [total // 5, 2 * total // 5, 3 * total // 5], report
        )


def share(ordered: list[float], part: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(part * len(ordered)) - 1))]


def run_backend(name: str, database_url: str, var_dir: Path, args, failure: str) -> bool:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        vote_id, forum_id, chair_id, chair, sessions = seed(engine, args.delegates)
        rng = random.Random(fv.SEED)
        choices = [rng.choice(CHOICES) for _ in sessions]
        server = Server(database_url, var_dir)
        try:
            server.wait_started()
            try:
                day = fv.run_loop(forum_day(server, vote_id, forum_id, chair, sessions, choices, args, failure))
            except BaseException:
                print(f"the run failed; the end of the server's log:\n{server.log_path.read_text()[-3000:]}")
                raise
        finally:
            server.stop()
        raw = fv.raw_inserts(database_url, args.inserts)
        once, once_line = cf.stored_once(engine, vote_id, day["outcome"])
        stored, took_part = fv.close_and_count(engine, vote_id, forum_id, chair_id)
    finally:
        engine.dispose()
    print(
        f"\n{name}, {FAILURES[failure]}: {args.delegates} delegates with an open event stream each, "
        f"{args.in_flight} ballots in flight, {args.readers} library readers; deliberation serve --workers "
        f"{WORKERS} on 127.0.0.1"
    )
    print_day(day, raw)
    outcome = day["outcome"]
    sent = Counter(choices)
    exact = stored == sent and took_part == len(choices)
    tally = ", ".join(f"{c} {stored[c]}" for c in CHOICES)
    print(
        f"tally stored after closing: {tally}; {took_part} took part: "
        + ("equals the ballots sent" if exact else "WRONG, sent " + ", ".join(f"{c} {sent[c]}" for c in CHOICES))
    )
    print(f"stored exactly once: {'yes' if once else 'NO'}: {once_line}")
    print(
        f"answers: {dict(sorted(outcome.statuses.items()))}; 503s {outcome.statuses[503]}, no answer "
        f"{outcome.no_answer}, retried {outcome.retried}, given up {outcome.gave_up}; told 'closed' while "
        f"open: {outcome.told_closed}" + "".join(f"; {k}: {v}" for k, v in day["report"].items())
    )
    clean = failure != "none" or set(outcome.statuses) == {303}
    if not clean:
        print(f"REFUSED or FAILED: ballots answered {dict(outcome.statuses)} (server log: {server.log_path})")
    return (
        exact
        and once
        and clean
        and not outcome.told_closed
        and not outcome.gave_up
        and len(day["reach"]) == day["streams"]
    )


def print_day(day: dict, raw: fv.Timed) -> None:
    ballots, trivial = day["ballots"], day["trivial"]
    print(f"{'measure':<46}{'per s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ballots / this':>16}")
    for label, timed in (
        (f"ballots: POST /votes/{{id}}/ballot ({ballots.count:,})", ballots),
        (f"trivial: GET /healthz ({trivial.count:,})", trivial),
        (f"raw: insert + commit, a row each ({raw.count:,})", raw),
    ):
        ratio = "" if timed is ballots else f"{ballots.rate / timed.rate:.3f}x"
        print(
            f"{label:<46}{timed.rate:>10.1f}"
            + "".join(f"{timed.percentile(p) * 1000:>9.2f}" for p in (0.50, 0.95, 0.99))
            + f"{ratio:>16}"
        )
    reach, streams = day["reach"], day["streams"]
    if reach:
        print(
            f"'open' reached the streams: 50% in {share(reach, 0.5) * 1000:.0f} ms, 99% in "
            f"{share(reach, 0.99) * 1000:.0f} ms, all {len(reach)} of {streams} in {reach[-1] * 1000:.0f} ms"
        )
    else:
        print(f"'open' reached none of the {streams} streams")
    turnouts = day["turnouts"]
    print(
        f"turnout messages per stream for {ballots.count} ballots: min {turnouts[0]}, median "
        f"{turnouts[len(turnouts) // 2]}, max {turnouts[-1]}"
    )
    reads = sum(day["reads"].values())
    print(f"library reads during the burst: {reads / day['read_wall']:.1f}/s ({dict(day['reads'])})")


FAILURES = {
    "none": "no failure",
    "kill-worker": "one worker SIGKILLed during the burst",
    "terminate-connections": "the app's database connections terminated 3 times during the burst",
}


def phases(args) -> list[str]:
    chosen = [
        name
        for name, flag in (
            ("none", args.plain),
            ("kill-worker", args.kill_worker),
            ("terminate-connections", args.terminate_connections),
        )
        if flag
    ]
    return chosen or list(FAILURES)


def run_sqlite(tmp: Path, args, failure: str) -> bool:
    if failure == "terminate-connections":
        print("\nSQLite, the app's connections terminated: not applicable (no server to end them)")
        return True
    directory = tmp / f"sqlite-{failure}"
    directory.mkdir()
    return run_backend(
        "SQLite (a file in a temporary directory)",
        f"sqlite:///{(directory / 'bench.sqlite3').as_posix()}",
        directory,
        args,
        failure,
    )


def run_postgres(tmp: Path, url: str, why: str, args, failure: str) -> bool:
    scoped, drop = fv.fresh_schema(url)
    directory = tmp / f"postgresql-{failure}"
    directory.mkdir()
    name = f"delib-bench-{os.getpid()}-{failure}"
    try:
        return run_backend(
            f"PostgreSQL ({why}, a fresh schema)", cf.application_url(scoped, name), directory, args, failure
        )
    finally:
        drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delegates", type=int, default=2000)
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--inserts", type=int, default=fv.RAW_INSERTS)
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--plain", action="store_true", help="the burst without a failure")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one worker during the burst")
    parser.add_argument(
        "--terminate-connections",
        action="store_true",
        help="pg_terminate_backend the app's connections during the burst (PostgreSQL)",
    )
    args = parser.parse_args()
    if not (1 <= args.delegates <= fv.MAX_DELEGATES and 1 <= args.in_flight <= 500 and 0 <= args.readers <= 200):
        parser.error(f"at most {fv.MAX_DELEGATES} delegates, 500 in flight and 200 readers")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = args.delegates + args.in_flight + args.readers + 256
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need * 2, hard), hard))  # the server inherits it
    url, why = fv.postgres_url() if args.backend != "sqlite" else (None, "not asked for")
    ok = True
    with tempfile.TemporaryDirectory(prefix="delib-forum-day-") as tmp:
        for failure in phases(args):
            if args.backend != "postgresql":
                ok &= run_sqlite(Path(tmp), args, failure)
            if url is not None:
                ok &= run_postgres(Path(tmp), url, why, args, failure)
        if url is None:
            print(f"\nPostgreSQL: SKIPPED, {why}. Set DELIBERATION_BENCH_DATABASE_URL to measure it.")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
