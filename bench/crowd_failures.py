"""For bench/forum_day.py: ballots sent as a phone sends them, and the failures injected during the burst.

A phone whose ballot gets no answer (its connection dropped: the worker serving it was killed) or
an honest 503 sends the same form again, with the same idempotency key, on a new connection (which
the kernel gives to whichever worker is alive). Every answer's status is kept, and whether its page
said the vote was closed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field

import forum_vote as fv
import httptools
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.db import SessionFactory
from deliberation.voting.models import Participation
from deliberation.voting.receipts import new_ballot_key

#: What the booth says when a ballot is refused because the vote closed (English and Ukrainian).
CLOSED_WORDS = (b"This vote is closed", "Це голосування завершено".encode())
ATTEMPTS = 20
RETRY_PAUSE_S = 0.2


@dataclass
class Outcome:
    """What the phones saw: acknowledged voters, every status answered, 'closed' answers, retries."""

    acknowledged: set = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)
    told_closed: int = 0
    no_answer: int = 0
    retried: int = 0
    gave_up: int = 0


class _Answer:
    def __init__(self) -> None:
        self.complete, self.body = False, bytearray()

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        self.complete = True


async def _send(connection: fv.Connection, raw: bytes) -> tuple[int, bytes]:
    if connection.writer.is_closing():
        # Reset by a worker that died before it accepted this connection (each worker listens on a
        # socket of its own): uvloop would raise RuntimeError on the write; a phone just reconnects.
        raise ConnectionResetError("the connection was closed before the ballot was sent")
    connection.writer.write(raw)
    answer = _Answer()
    parser = httptools.HttpResponseParser(answer)
    while not answer.complete:
        data = await connection.reader.read(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        parser.feed_data(data)
    return parser.get_status_code(), bytes(answer.body)


async def send_ballots(
    port: int, connections: list[fv.Connection], vote_id: int, ballots: list[tuple], outcome: Outcome
) -> fv.Timed:
    """``ballots``: (voter id, cookie, CSRF token, choice). Each one until acknowledged (303) or refused
    for good (a 4xx), each on one of ``connections`` at a time; latency counts every try of a ballot."""
    pending = iter(ballots)
    latencies: list[float] = []

    async def phone(slot: int) -> None:
        for voter_id, cookie, token, choice in pending:
            form = {"csrf_token": token, "choice": choice, "ballot_key": new_ballot_key()}
            raw = fv.post_form(f"/votes/{vote_id}/ballot", form, cookie)
            start = time.perf_counter()
            for _attempt in range(ATTEMPTS):
                try:
                    status, body = await asyncio.wait_for(_send(connections[slot], raw), fv.REQUEST_TIMEOUT_S)
                except (OSError, TimeoutError):
                    outcome.no_answer += 1
                    connections[slot].close()
                    connections[slot] = await _reconnect(port)
                    status, body = None, b""
                if status is not None:
                    outcome.statuses[status] += 1
                    outcome.told_closed += any(words in body for words in CLOSED_WORDS) or status == 409
                if status == 303:
                    outcome.acknowledged.add(voter_id)
                    break
                if status is not None and status < 500:
                    break  # an answer about the ballot itself: a phone would not send it again
                outcome.retried += 1
                await asyncio.sleep(RETRY_PAUSE_S)
            else:
                outcome.gave_up += 1
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    async with asyncio.timeout(fv.PHASE_TIMEOUT_S), asyncio.TaskGroup() as phones:
        for slot in range(len(connections)):
            phones.create_task(phone(slot))
    return fv.Timed(len(ballots), time.perf_counter() - start, latencies, Counter(outcome.statuses))


async def _reconnect(port: int) -> fv.Connection:
    for _ in range(ATTEMPTS * 5):
        try:
            return await fv.Connection.open(port)
        except OSError:
            await asyncio.sleep(RETRY_PAUSE_S)
    raise ConnectionError("no worker accepts connections any more")


# --- failures --------------------------------------------------------------------------------------


def workers_of(server_pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor started (its children, not multiprocessing's tracker)."""
    children = []
    for task in os.listdir(f"/proc/{server_pid}/task"):
        with open(f"/proc/{server_pid}/task/{task}/children") as listing:
            children += [int(pid) for pid in listing.read().split()]
    workers = []
    for pid in children:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            if b"spawn_main" in cmdline.read():
                workers.append(pid)
    return workers


async def kill_one_worker(server_pid: int, outcome: Outcome, after: int, report: dict) -> None:
    """Once ``after`` ballots were acknowledged, SIGKILL one worker (uvicorn's supervisor starts a new
    one; meanwhile the survivor serves everyone)."""
    while len(outcome.acknowledged) < after:
        await asyncio.sleep(0.01)
    workers = workers_of(server_pid)
    os.kill(workers[0], signal.SIGKILL)
    report["killed"] = f"worker {workers[0]} (of {workers}) after {len(outcome.acknowledged)} acknowledged"


async def terminate_connections(
    admin_url: str, application_name: str, outcome: Outcome, at: list[int], report: dict
) -> None:
    """At each count of acknowledged ballots in ``at``, ``pg_terminate_backend`` every connection of
    the app (its application_name) to this database, and no other."""
    import psycopg

    report["terminated"] = []
    async with await psycopg.AsyncConnection.connect(admin_url, autocommit=True) as admin:
        for mark in at:
            while len(outcome.acknowledged) < mark:
                await asyncio.sleep(0.01)
            cursor = await admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = %s",
                (application_name,),
            )
            report["terminated"].append((len(outcome.acknowledged), (await cursor.fetchone())[0]))


def stored_once(engine, vote_id: int, outcome: Outcome) -> tuple[bool, str]:
    """Every acknowledged ballot stored, each voter once, and one audit entry for each."""
    with SessionFactory(engine).begin() as db:
        voters = list(db.exec(select(Participation.voter_id).where(Participation.vote_id == vote_id)).all())
        cast_entries = db.exec(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.object_type == "vote", AuditEntry.object_id == vote_id, AuditEntry.action == "ballot.cast"
            )
        ).one()
    missing = outcome.acknowledged - set(voters)
    once = len(voters) == len(set(voters)) == cast_entries
    line = (
        f"{len(outcome.acknowledged)} acknowledged, {len(voters)} stored ({len(set(voters))} voters, "
        f"{cast_entries} 'ballot.cast' audit entries), {len(missing)} acknowledged but missing"
    )
    return not missing and once, line


def application_url(url: str, application_name: str) -> str:
    return make_url(url).update_query_dict({"application_name": application_name}).render_as_string(hide_password=False)


def admin_url(url: str) -> str:
    """A libpq address of the same database for the terminating connection (no schema option)."""
    plain = make_url(url).set(drivername="postgresql", query={})
    return plain.render_as_string(hide_password=False)
