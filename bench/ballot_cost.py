"""What a ballot costs the server in CPU time, beside the trivial endpoint, on one worker.

bench/forum_day.py measures the crowd: two workers, 2,000 streams, readers, the client, all on the
same cores. On a shared machine its figures move by a third from one run to the next, so a change
worth a tenth cannot be seen in them. This measures one thing steadily: ``deliberation serve`` (one
process) on a SQLite file and on a fresh PostgreSQL schema; the chair opens a vote; ``--delegates``
ballots are sent, ``--in-flight`` at a time, and the CPU time the server process used (user and
system, from /proc) is divided by the ballots, split into the event loop's thread and the rest
(request threads, the ballot writer, the turnout publisher). The same is measured for
``GET /healthz``, in the same run, as the reference, with the ratio. The database server's own CPU
(PostgreSQL) is not counted. Every ballot must be acknowledged (exit 1 otherwise).

    .venv/bin/python bench/ballot_cost.py [--delegates 1500] [--in-flight 8]

Linux only (/proc). PostgreSQL as in bench/forum_vote.py; skipped, saying so, when nothing answers.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crowd_failures as cf  # noqa: E402  (ballots sent as phones send them)
import forum_day as fd  # noqa: E402  (the sitting)
import forum_vote as fv  # noqa: E402  (the server, the client, the PostgreSQL schema)

from deliberation import migrate  # noqa: E402
from deliberation.db import make_engine  # noqa: E402
from deliberation.voting.counting import CHOICES  # noqa: E402

TRIVIAL_REQUESTS = 3000
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(the main thread's, every other thread's) CPU seconds so far: the event loop runs in the main one."""
    main = rest = 0.0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a thread that ended meanwhile (a turnout publication)
            continue
        used = (int(fields[11]) + int(fields[12])) / TICK
        if tid == str(pid):
            main += used
        else:
            rest += used
    return main, rest


def per_item(before: tuple[float, float], after: tuple[float, float], count: int) -> tuple[float, float]:
    """Milliseconds a request: in the event loop, in other threads."""
    return tuple(1000 * (b - a) / count for a, b in zip(before, after, strict=True))


async def measure(server: fv.Server, vote_id: int, chair, sessions, in_flight: int) -> dict:
    port, pid = server.port, server.process.pid
    chair_connection = await fv.Connection.open(port)
    status = await chair_connection.send(fv.post_form(f"/votes/{vote_id}/open", {"csrf_token": chair[1]}, chair[0]))
    chair_connection.close()
    if status != 303:
        raise RuntimeError(f"the chair could not open the vote: {status}")
    connections = [await fv.Connection.open(port) for _ in range(in_flight)]
    try:
        await fv.hammer(connections, [fv.get("/healthz")] * 200)  # warm up
        before = cpu_seconds(pid)
        trivial = await fv.hammer(connections, [fv.get("/healthz")] * TRIVIAL_REQUESTS)
        between = cpu_seconds(pid)
        outcome = cf.Outcome()
        rng = random.Random(7)
        ballots = [(voter, cookie, token, rng.choice(CHOICES)) for voter, cookie, token in sessions]
        timed = await cf.send_ballots(port, connections, vote_id, ballots, outcome)
        after = cpu_seconds(pid)
    finally:
        for connection in connections:
            connection.close()
    return {
        "trivial": per_item(before, between, TRIVIAL_REQUESTS),
        "trivial_rate": trivial.rate,
        "ballot": per_item(between, after, len(sessions)),
        "ballot_rate": timed.rate,
        "acknowledged": len(outcome.acknowledged),
    }


def run_backend(name: str, database_url: str, var_dir: Path, args) -> bool:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        vote_id, _forum_id, _chair_id, chair, sessions = fd.seed(engine, args.delegates)
    finally:
        engine.dispose()
    server = fv.Server(database_url, var_dir)
    try:
        server.wait_started()
        found = fv.run_loop(measure(server, vote_id, chair, sessions, args.in_flight))
    finally:
        server.stop()
    ballot, trivial = found["ballot"], found["trivial"]
    print(f"\n{name}: one server process, {args.delegates} ballots, {args.in_flight} in flight")
    print(f"{'CPU ms a request':<32}{'event loop':>12}{'other threads':>15}{'all':>8}{'per s':>9}")
    for label, (loop, rest), rate in (
        ("POST /votes/{id}/ballot", ballot, found["ballot_rate"]),
        ("GET /healthz (reference)", trivial, found["trivial_rate"]),
    ):
        print(f"{label:<32}{loop:>12.3f}{rest:>15.3f}{loop + rest:>8.3f}{rate:>9.0f}")
    total_trivial = sum(trivial) or 1 / TICK
    print(f"a ballot costs {sum(ballot) / total_trivial:.1f}x the trivial endpoint's CPU")
    acknowledged = found["acknowledged"] == args.delegates
    print(f"acknowledged: {found['acknowledged']} of {args.delegates}" + ("" if acknowledged else " (FAILED)"))
    return acknowledged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delegates", type=int, default=1500)
    parser.add_argument("--in-flight", type=int, default=8)
    args = parser.parse_args()
    if not (1 <= args.delegates <= fv.MAX_DELEGATES and 1 <= args.in_flight <= 200):
        parser.error(f"at most {fv.MAX_DELEGATES} delegates and 200 in flight")
    ok = fv.on_each_backend(run_backend, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
