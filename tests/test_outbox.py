"""Nothing decided is lost between the commit and the outside world.

E-mails and host events are written to the outbox in the change's transaction and delivered after
the commit: by the process that made the change, or, if it died first, by the next process. A
failed delivery is retried with backoff; every event carries a delivery id; a rollback sends
nothing. The crash test runs real processes: one commits and dies before delivering (os._exit, no
clean-up of any kind), the next one delivers the e-mail to a real SMTP server and the event to its
receiver, exactly once.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from deliberation import events, migrate
from deliberation.db import SessionFactory, make_engine, utcnow
from deliberation.mail import Message
from deliberation.outbox.delivery import (
    BATCH,
    MAX_ATTEMPTS,
    add_mail,
    backoff,
    claim_due,
    pending_counts,
    sweep,
)
from deliberation.outbox.models import OutboxEntry
from deliberation.testing import make_user, make_workshop

from .conftest import fresh_engine

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _rows(db):
    return db.execute(select(OutboxEntry).order_by(OutboxEntry.id)).scalars().all()


def test_an_event_is_written_in_the_transaction_and_delivered_after_the_commit(db, events_heard):
    chair = make_user(db, coordinator=True)
    make_workshop(db, creator=chair)
    from deliberation.workshops.actions import check_create_workshop

    check_create_workshop(
        db,
        actor=chair,
        data={
            "kind": "deputies",
            "title": "Відкритий бюджет",
            "topic": "Бюджет",
            "place": "Ніжин",
            "starts_on": "2027-01-10",
            "ends_on": "2027-01-11",
        },
    )
    row = next(r for r in _rows(db) if r.name == "workshop created")
    assert row.delivered_at is None and events_heard == []
    db.commit()
    assert [name for name, _ in events_heard] == ["workshop created"]
    db.refresh(row)
    assert row.delivered_at is not None


def test_a_rolled_back_change_leaves_nothing_in_the_outbox_and_sends_nothing(db, events_heard):
    chair = make_user(db, coordinator=True)
    db.commit()
    before = len(_rows(db))
    nested = db.begin_nested()
    events.queue(db, events.forum_created, forum_id=1, title="Форум", actor_id=chair.id)
    nested.rollback()
    db.commit()
    assert len(_rows(db)) == before and events_heard == []


def test_receivers_hear_the_delivery_id_of_the_row(db):
    heard = []

    def receiver(sender, **payload):
        heard.append(payload)

    with events.forum_created.connected_to(receiver):
        events.queue(db, events.forum_created, forum_id=7, title="Форум громад", actor_id=None)
        db.commit()
    row = _rows(db)[-1]
    assert heard == [{"forum_id": 7, "title": "Форум громад", "actor_id": None, "delivery_id": row.delivery_id}]


def test_a_receiver_that_fails_does_not_undo_the_change_and_is_retried_with_backoff(db):
    calls = []

    def failing(sender, **payload):
        calls.append(payload["delivery_id"])
        raise RuntimeError("host is down")

    with events.forum_created.connected_to(failing):
        events.queue(db, events.forum_created, forum_id=8, title="Форум", actor_id=None)
        db.commit()
    row = _rows(db)[-1]
    db.refresh(row)
    assert len(calls) == 1 and row.delivered_at is None and row.claimed_until is None
    assert "host is down" in row.last_error
    assert row.next_attempt_at > utcnow() + backoff(row.attempts) - timedelta(seconds=5)
    # Not due yet: a sweep leaves it alone; once due, the next sweep delivers it.
    factory = db.info["delib_factory"]
    delivered = []
    assert sweep(factory, delivered.append) == 0
    db.execute(update(OutboxEntry).where(OutboxEntry.id == row.id).values(next_attempt_at=utcnow()))
    db.commit()
    assert sweep(factory, delivered.append) == 1
    assert [p.delivery_id for p in delivered] == [row.delivery_id]
    assert sweep(factory, delivered.append) == 0


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert backoff(30) == timedelta(hours=1)


def test_a_claim_is_taken_once_and_a_dead_claim_runs_out(db):
    letter = add_mail(db, Message(to="a@example.org", subject="Тема", body="Текст"), lease=timedelta(seconds=-1))
    db.commit()
    first = claim_due(db, channels=("mail",), lease=timedelta(minutes=5))
    assert [p.id for p in first] == [letter.id]
    assert claim_due(db, channels=("mail",)) == []


def test_rows_that_failed_too_often_are_left_for_an_operator(db):
    letter = add_mail(db, Message(to="a@example.org", subject="Тема", body="Текст"), lease=timedelta(seconds=-1))
    db.execute(update(OutboxEntry).where(OutboxEntry.id == letter.id).values(attempts=MAX_ATTEMPTS))
    db.commit()
    assert claim_due(db, channels=("mail",)) == []
    assert pending_counts(db) == {"mail": 1}


def test_a_sweep_delivers_more_than_one_batch(db):
    for n in range(BATCH + 5):
        add_mail(db, Message(to=f"p{n}@example.org", subject="Тема", body="Текст"), lease=timedelta(seconds=-1))
    db.commit()
    seen = []
    assert sweep(db.info["delib_factory"], seen.append) == BATCH + 5
    assert len({p.delivery_id for p in seen}) == BATCH + 5


# --- a process dies after the commit ---------------------------------------------------------------

CRASHING_WRITER = textwrap.dedent("""
    import os, sys
    from deliberation.db import SessionFactory, make_engine
    from deliberation.mail import Message
    from deliberation.notifications.delivery import queue_mail
    from deliberation import events
    from deliberation.outbox import delivery
    from datetime import timedelta

    engine = make_engine(sys.argv[1], connect_args=({"options": sys.argv[2]} if sys.argv[2] else {}))
    sessions = SessionFactory(engine, outbox_lease=timedelta(seconds=1))

    # Dies right after the commit, before anything is delivered: no finally, no atexit, nothing.
    def die(*args, **kwargs):
        os._exit(17)

    delivery.deliver = die
    import deliberation.outbox.delivery as d
    with sessions.begin() as db:
        events.queue(db, events.forum_created, forum_id=42, title="Форум громад Полісся", actor_id=None)
        delivery.add_mail(db, Message(to="chair@example.org", subject="Форум відкрито", body="Голосування триває."),
                          lease=timedelta(seconds=1))
    print("committed but not delivered", flush=True)
""")

NEXT_PROCESS = textwrap.dedent("""
    import json, sys, time
    from datetime import timedelta
    from deliberation import events
    from deliberation.db import SessionFactory, make_engine
    from deliberation.outbox.delivery import sweep
    from deliberation.outbox.senders import deliverer
    from deliberation.settings import Settings

    engine = make_engine(sys.argv[1], connect_args=({"options": sys.argv[2]} if sys.argv[2] else {}))
    sessions = SessionFactory(engine)
    heard = []
    events.forum_created.connect(lambda sender, **payload: heard.append(payload), weak=False)
    settings = Settings.from_env({}, database_url=sys.argv[1], secret_key="x" * 40, smtp_host="127.0.0.1",
                                 smtp_port=int(sys.argv[3]), smtp_starttls=False)
    send = deliverer(sender=None, settings=settings)
    time.sleep(1.2)  # the dead writer's claim runs out
    delivered = sweep(sessions, send) + sweep(sessions, send)  # the second sweep finds nothing more
    print(json.dumps({"delivered": delivered, "heard": heard}), flush=True)
""")


def _connect_options(engine) -> str:
    if engine.dialect.name != "postgresql":
        return ""
    with engine.connect() as conn:
        return f"-csearch_path={conn.exec_driver_sql('SELECT current_schema()').scalar()}"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def test_a_process_killed_after_the_commit_leaves_its_mail_and_event_to_the_next_process_once(
    backend, tmp_path_factory, smtp_server
):
    port, inbox = smtp_server
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        url, options = engine.url.render_as_string(hide_password=False), _connect_options(engine)
        env = {**os.environ, "PYTHONPATH": ROOT}
        writer = subprocess.run(
            [sys.executable, "-c", CRASHING_WRITER, url, options], capture_output=True, text=True, env=env, timeout=60
        )
        assert writer.returncode == 17, writer.stderr
        assert "committed but not delivered" not in writer.stdout
        with SessionFactory(engine).begin() as db:
            assert (
                db.execute(
                    select(func.count()).select_from(OutboxEntry).where(OutboxEntry.delivered_at.is_(None))
                ).scalar_one()
                == 2
            )
        nxt = subprocess.run(
            [sys.executable, "-c", NEXT_PROCESS, url, options, str(port)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert nxt.returncode == 0, nxt.stderr
        result = json.loads(nxt.stdout.strip().splitlines()[-1])
        assert result["delivered"] == 2
        assert len(result["heard"]) == 1 and result["heard"][0]["forum_id"] == 42
        assert len(result["heard"][0]["delivery_id"]) == 36
        deadline = time.monotonic() + 10
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [rcpt for rcpt, _ in inbox.messages] == [["chair@example.org"]]
        with SessionFactory(engine).begin() as db:
            assert (
                db.execute(
                    select(func.count()).select_from(OutboxEntry).where(OutboxEntry.delivered_at.is_(None))
                ).scalar_one()
                == 0
            )
    finally:
        engine.dispose()
        cleanup()


def test_a_released_savepoint_delivers_nothing_before_the_transaction_commits(db, events_heard):
    """SQLAlchemy runs after_commit for a savepoint too; delivering then would announce a change
    that may still roll back, and on SQLite wait for the request's own write lock."""
    events.queue(db, events.forum_created, forum_id=9, title="Форум", actor_id=None)
    with db.begin_nested():
        db.flush()
    assert events_heard == []
    db.commit()
    assert [name for name, _ in events_heard] == ["forum created"]


def test_delivery_after_a_commit_needs_no_second_connection_while_the_first_is_held(backend, tmp_path_factory):
    """Delivering while the committed transaction still held its connection took a second one from the
    pool: thirty requests committing at once each waited for a connection another of them held (a
    PostgreSQL crowd saw 30 s stalls). With a pool of one connection, delivery must still go through."""
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        connect_args = {}
        if backend == "postgresql":
            with engine.connect() as connection:
                schema = connection.exec_driver_sql("SHOW search_path").scalar()
            connect_args = {"options": f"-csearch_path={schema}"}
        one = make_engine(
            str(engine.url.render_as_string(hide_password=False)),
            pool_size=1,
            max_overflow=0,
            pool_timeout=2,
            connect_args=connect_args,
        )
        heard = []

        def receiver(sender, **payload):
            heard.append(payload["forum_id"])

        try:
            with events.forum_created.connected_to(receiver), SessionFactory(one).begin() as db:
                events.queue(db, events.forum_created, forum_id=7, title="Форум громад", actor_id=None)
        finally:
            one.dispose()
        assert heard == [7]
        with SessionFactory(engine).begin() as db:
            assert all(row.delivered_at is not None for row in _rows(db))
    finally:
        cleanup()
