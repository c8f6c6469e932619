"""The `deliberation` command, run as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DELIBERATION_VAR_DIR": str(tmp_path / "var")}
    env.pop("DELIBERATION_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "deliberation.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli")
    assert _run(path, "migrate").returncode == 0
    result = _run(path, "demo", "--if-empty")
    assert result.returncode == 0, result.stderr
    return path, result.stdout


def _scalar(path: Path, sql: str):
    engine = create_engine(f"sqlite:///{path / 'var' / 'deliberation.sqlite3'}")
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


def test_demo_creates_every_kind_of_person_and_workshop_and_a_forum(demo_dir):
    path, output = demo_dir
    assert "coordinator@demo.example" in output
    assert _scalar(path, "SELECT count(DISTINCT kind) FROM delib_workshop") == 4
    assert _scalar(path, "SELECT count(DISTINCT occupation) FROM delib_user") == 5
    assert _scalar(path, "SELECT count(*) FROM delib_forum") >= 1
    assert _scalar(path, "SELECT count(*) FROM delib_user WHERE is_coordinator") == 1


def test_demo_refuses_a_database_with_people_unless_told_if_empty(demo_dir):
    path, _ = demo_dir
    assert _run(path, "demo").returncode == 1
    again = _run(path, "demo", "--if-empty")
    assert again.returncode == 0 and _scalar(path, "SELECT count(*) FROM delib_forum") == 2


def test_secret_key_is_generated_once_and_kept_private(demo_dir):
    path, _ = demo_dir
    key = path / "var" / "secret_key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_text()) >= 40


def test_sqlite_database_runs_in_wal_mode(demo_dir):
    path, _ = demo_dir
    assert _scalar(path, "PRAGMA journal_mode") == "wal"


def test_create_user_makes_a_coordinator(demo_dir):
    path, _ = demo_dir
    result = _run(
        path,
        "create-user",
        "--email",
        "Head@Example.org",
        "--name",
        "Голова Комітету",
        "--password",
        "надійний пароль",
        "--coordinator",
    )
    assert result.returncode == 0, result.stderr
    assert _scalar(path, "SELECT is_coordinator FROM delib_user WHERE email = 'head@example.org'") == 1


def test_create_user_reports_a_short_password(demo_dir):
    path, _ = demo_dir
    result = _run(path, "create-user", "--email", "x@example.org", "--name", "Хтось", "--password", "short")
    assert result.returncode == 1 and "password" in result.stderr


def test_migrate_down_to_base_and_up_again(tmp_path):
    assert _run(tmp_path, "migrate").returncode == 0
    down = _run(tmp_path, "migrate", "base", "--downgrade")
    assert down.returncode == 0 and "revision None" in down.stdout
    assert _run(tmp_path, "migrate").returncode == 0


def test_close_votes_closes_a_remote_vote_whose_time_has_passed(tmp_path):
    _close_a_due_vote_from_cron(tmp_path)


def _close_a_due_vote_from_cron(tmp_path) -> int:
    from datetime import timedelta

    from deliberation.db import SessionFactory, make_engine, utcnow
    from deliberation.forums.models import AgendaItem, Delegate
    from deliberation.testing import make_forum, make_user
    from deliberation.voting.models import Vote

    assert _run(tmp_path, "migrate").returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'deliberation.sqlite3'}")
    with SessionFactory(engine).begin() as db:
        chair = make_user(db, coordinator=True)
        forum = make_forum(db, creator=chair, status="open")
        db.add(Delegate(forum_id=forum.id, user_id=chair.id, registered_by=chair.id))
        item = AgendaItem(forum_id=forum.id, kind="discussion", title="Звіт", status="scheduled", submitted_by=chair.id)
        db.add(item)
        db.flush()
        # Prepared with a time already past (a draft may say anything), then opened: the database
        # refuses every ballot from the start, and the vote is due.
        vote = Vote(
            forum_id=forum.id,
            agenda_item_id=item.id,
            subject="motion",
            title="Звіт",
            mode="remote",
            closes_at=utcnow() - timedelta(minutes=1),
            created_by=chair.id,
        )
        db.add(vote)
        db.flush()
        vote.status, vote.opened_at = "open", utcnow()
        vote_id = vote.id
    engine.dispose()
    result = _run(tmp_path, "close-votes")
    assert result.returncode == 0, result.stderr
    assert f"Votes closed: 1 ({vote_id})" in result.stdout
    assert _scalar(tmp_path, f"SELECT status FROM delib_vote WHERE id = {vote_id}") == "closed"
    assert "Votes closed: 0" in _run(tmp_path, "close-votes").stdout
    return vote_id


def test_the_vote_closed_by_cron_reaches_the_host_through_a_serving_process(tmp_path):
    """Nobody listens in the cron process: its `vote closed` waits in the outbox, and the next
    sweep of a serving app delivers it to the host's receiver, once."""
    import time

    from deliberation import create_app, events
    from deliberation.settings import Settings

    vote_id = _close_a_due_vote_from_cron(tmp_path)
    assert (
        _scalar(tmp_path, "SELECT count(*) FROM delib_outbox WHERE name = 'vote closed' AND delivered_at IS NULL") == 1
    )
    assert "1 host events" in _run(tmp_path, "deliver").stdout
    settings = Settings.from_env(
        {},
        database_url=f"sqlite:///{tmp_path / 'var' / 'deliberation.sqlite3'}",
        secret_key="x" * 40,
        var_dir=tmp_path / "var",
        outbox_interval_seconds=0.2,
        allowed_hosts=("testserver",),
        outbox_lease_seconds=0,
    )
    app = create_app(settings)
    heard = []
    events.vote_closed.connect(lambda sender, **payload: heard.append(payload), sender=app, weak=False)
    from starlette.testclient import TestClient

    with TestClient(app) as client:
        client.get("/healthz")
        client.get("/")  # the first request starts the app's sweeper
        deadline = time.monotonic() + 20
        while not heard and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
    app.state.delib.outbox.stop()
    app.state.delib.bind.dispose()
    assert [payload["vote_id"] for payload in heard] == [vote_id]
    assert _scalar(tmp_path, "SELECT count(*) FROM delib_outbox WHERE delivered_at IS NULL") == 0


def test_demo_holds_an_adopted_resolution_and_a_forum_ready_to_vote(demo_dir):
    path, _ = demo_dir
    assert _scalar(path, "SELECT count(*) FROM delib_resolution") == 1
    assert _scalar(path, "SELECT count(*) FROM delib_vote WHERE status = 'closed' AND is_adopted") == 1
    assert (
        _scalar(
            path,
            "SELECT count(*) FROM delib_delegate d JOIN delib_forum f ON f.id = d.forum_id "
            "WHERE f.status = 'planned' AND d.is_registered",
        )
        == 6
    )
    result = _run(path, "verify")
    assert result.returncode == 0 and "Checked 1 resolutions" in result.stdout


def test_the_demo_forums_resolution_is_adopted_on_a_day_of_that_forum(demo_dir):
    """The adoption day, in Kyiv time as the resolution shows it, lies within its forum's dates."""
    from datetime import UTC, date, datetime

    from deliberation.dates import local

    path, _ = demo_dir
    adopted_at = _scalar(path, "SELECT adopted_at FROM delib_resolution")
    starts = _scalar(path, "SELECT f.starts_on FROM delib_resolution r JOIN delib_forum f ON f.id = r.forum_id")
    ends = _scalar(path, "SELECT f.ends_on FROM delib_resolution r JOIN delib_forum f ON f.id = r.forum_id")
    # Read past the column type: SQLite keeps the UTC wall-clock digits, without a zone.
    day = local(datetime.fromisoformat(str(adopted_at)).replace(tzinfo=UTC)).date()
    assert date.fromisoformat(str(starts)) <= day <= date.fromisoformat(str(ends))
