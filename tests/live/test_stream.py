"""The forum's event stream over real HTTP (uvicorn in a thread, through every middleware), on
SQLite and PostgreSQL: events after the commit only, none after a rollback, in order, resumed with
Last-Event-ID, a heartbeat, turnout bursts coalesced, and streams that end when the server stops."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from deliberation import create_app, live, migrate
from deliberation.live.broker import close_all_streams
from deliberation.settings import Settings
from deliberation.testing import make_forum, make_user

from ..conftest import fresh_engine
from ..voting.live_server import committed, serve
from .sse_client import EventStream

HEARTBEAT = 0.5
# Longer than any burst below takes, however slow the machine: the count of messages is then exact.
TURNOUT_INTERVAL = 60.0


@dataclass
class Site:
    engine: object
    base_url: str
    forum_id: int
    other_forum_id: int

    def stream(self, forum_id: int | None = None, **headers) -> EventStream:
        return EventStream(f"{self.base_url}/forums/{forum_id or self.forum_id}/events", headers=headers)

    def publish(self, kind: str, forum_id: int | None = None, **facts) -> None:
        with committed(self.engine) as db:
            live.publish(db, forum_id=forum_id or self.forum_id, kind=kind, **facts)


@pytest.fixture
def site(backend, tmp_path_factory, tmp_path) -> Iterator[Site]:
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        with committed(engine) as db:
            chair = make_user(db, coordinator=True)
            forum_id, other_id = make_forum(db, creator=chair).id, make_forum(db, creator=chair).id
        settings = Settings.from_env(
            {},
            database_url=str(engine.url),
            secret_key="live-secret-key-of-32-bytes-or-more",
            var_dir=tmp_path,
            live_heartbeat_seconds=HEARTBEAT,
            live_poll_seconds=0.05,
            live_turnout_seconds=TURNOUT_INTERVAL,
        )
        with serve(create_app(settings, engine=engine)) as base_url:
            yield Site(engine, base_url, forum_id, other_id)
            close_all_streams()
    finally:
        cleanup()


def test_the_stream_is_text_event_stream_with_a_retry_hint_and_no_caching(site):
    stream = site.stream()
    first = stream.next()
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["cache-control"] == "no-store"
    assert "content-encoding" not in stream.headers
    assert first.retry == "3000" and first.id is not None and first.event is None
    stream.close()


def test_an_event_is_sent_only_after_its_transaction_commits(site):
    stream = site.stream()
    stream.next()
    with committed(site.engine) as db:
        live.publish(db, forum_id=site.forum_id, kind="item", item_id=7)
        db.flush()
        # Several polls and wake-ups pass while the transaction is still open.
        assert stream.quiet_for(0.6) == []
    message = stream.next_event()
    assert (message.event, message.facts) == ("item", {"item_id": 7})
    stream.close()


def test_a_rolled_back_transaction_sends_nothing(site):
    stream = site.stream()
    stream.next()
    with pytest.raises(RuntimeError), committed(site.engine) as db:
        live.publish(db, forum_id=site.forum_id, kind="vote-opened", vote_id=1, item_id=2)
        raise RuntimeError("the action failed after publishing")
    site.publish("item", item_id=3)
    assert stream.next_event().facts == {"item_id": 3}
    stream.close()


def test_events_arrive_in_commit_order_with_increasing_ids_and_only_for_their_forum(site):
    stream = site.stream()
    stream.next()
    site.publish("vote-opened", vote_id=5, item_id=1)
    site.publish("speakers", forum_id=site.other_forum_id, item_id=9)
    site.publish("floor", item_id=1, speaker_id=4)
    site.publish("presence", present=12)
    site.publish("vote-closed", vote_id=5, adopted=True)
    messages = stream.events_until(lambda m: m.event == "vote-closed")
    assert [m.event for m in messages] == ["vote-opened", "floor", "presence", "vote-closed"]
    ids = [int(m.id) for m in messages]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert messages[-1].facts == {"vote_id": 5, "adopted": True}
    stream.close()


def test_resuming_with_last_event_id_replays_what_was_missed(site):
    site.publish("item", item_id=1)
    stream = site.stream()
    stream.next()
    site.publish("item", item_id=2)
    seen = stream.next_event()
    stream.close()
    # The browser is away while three things happen, one of them in another forum.
    site.publish("speakers", item_id=2)
    site.publish("speakers", forum_id=site.other_forum_id, item_id=8)
    site.publish("floor", item_id=2, speaker_id=3)
    resumed = site.stream(**{"Last-Event-ID": seen.id})
    messages = resumed.events_until(lambda m: m.event == "floor")
    assert [(m.event, m.facts) for m in messages] == [
        ("speakers", {"item_id": 2}),
        ("floor", {"item_id": 2, "speaker_id": 3}),
    ]
    assert int(messages[0].id) > int(seen.id)
    # And it goes on live after the replay.
    site.publish("item", item_id=None)
    assert resumed.next_event().facts == {"item_id": None}
    resumed.close()


def test_a_page_rendered_before_an_event_gets_it_through_after(site):
    with committed(site.engine) as db:
        from deliberation.live import store

        rendered_at = store.last_id(db.connection())
    site.publish("vote-opened", vote_id=3, item_id=1)
    stream = EventStream(f"{site.base_url}/forums/{site.forum_id}/events?after={rendered_at}")
    assert stream.next_event().event == "vote-opened"
    stream.close()


def test_a_last_event_id_that_is_no_longer_stored_asks_the_page_to_reload(site):
    site.publish("item", item_id=1)
    stream = site.stream(**{"Last-Event-ID": "999999"})
    assert stream.next_event().event == "reload"
    assert stream.next() is EventStream.END
    stream.close()


def test_an_idle_stream_gets_a_heartbeat_comment(site):
    stream = site.stream()
    stream.next()
    heartbeat = stream.next(timeout=HEARTBEAT * 10)
    assert heartbeat.comments == ["keep-alive"] and heartbeat.event is None
    stream.close()


def test_a_burst_of_turnout_events_is_coalesced_and_ends_on_the_latest_count(site):
    stream = site.stream()
    stream.next()
    burst = 60
    for participants in range(1, burst + 1):
        site.publish("turnout", vote_id=4, participants=participants, registered=200)
    site.publish("vote-closed", vote_id=4, adopted=False)
    messages = stream.events_until(lambda m: m.event == "vote-closed")
    turnouts = [m for m in messages if m.event == "turnout"]
    # The first goes out at once; the rest wait for the interval, and the close releases the latest
    # of them first, so the stream's ids still increase.
    assert 1 <= len(turnouts) <= 2
    assert turnouts[-1].facts == {"vote_id": 4, "participants": burst, "registered": 200}
    ids = [int(m.id) for m in messages]
    assert ids == sorted(ids)
    stream.close()


def test_a_turnout_counted_earlier_but_stored_later_never_lowers_a_streams_count(site):
    # Each process publishes its own turnout (voting.turnout): one counted a moment before another
    # may commit after it. Participations are never removed, so the larger count is the true one.
    stream = site.stream()
    stream.next()
    site.publish("turnout", vote_id=4, participants=7, registered=200)
    site.publish("turnout", vote_id=4, participants=5, registered=200)
    site.publish("vote-closed", vote_id=4, adopted=False)
    turnouts = [m for m in stream.events_until(lambda m: m.event == "vote-closed") if m.event == "turnout"]
    assert [m.facts["participants"] for m in turnouts] == [7, 7]
    stream.close()


def test_streams_end_when_the_server_stops_them(site):
    streams = [site.stream(), site.stream(site.other_forum_id)]
    for stream in streams:
        stream.next()
    close_all_streams()
    for stream in streams:
        rest = stream.quiet_for(3)
        assert rest and rest[-1] is EventStream.END
        stream.close()


def test_the_stream_of_a_forum_that_does_not_exist_is_404(site):
    stream = site.stream(forum_id=987654)
    assert stream.status == 404
    stream.close()


def test_publish_refuses_anything_but_ids_counts_and_flags(db):
    with pytest.raises(TypeError):
        live.publish(db, forum_id=1, kind="item", item_id="<script>")
    with pytest.raises(ValueError):
        live.publish(db, forum_id=1, kind="ballot-choice", vote_id=1)
