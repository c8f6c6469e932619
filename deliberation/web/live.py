"""The forum's event stream (server-sent events) and the fragments its pages fetch when told to.

``GET /forums/{id}/events`` is public like the forum page and sends only ids and counts. Each
message has an ``id:`` (the event log's id), an ``event:`` (the kind) and ``data:`` (JSON facts); a
comment every ``live_heartbeat_seconds`` keeps proxies from closing an idle stream; ``retry:`` tells
the browser how soon to reconnect. A browser that reconnects sends ``Last-Event-ID`` and gets what
it missed, or a ``reload`` event when that is no longer stored. A page may pass ``?after=`` (the
last id when it was rendered) so nothing between rendering and connecting is lost.

The endpoint is plain async: it touches the database only before streaming (in the thread pool,
then the connection goes back), and an open stream is a queue in the per-process broker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from ..db import saved_id
from ..errors import NotFound
from ..forums import queries as forum_queries
from ..i18n import N_
from ..live import store
from ..live.broker import Broker, Subscription
from ..live.store import Event
from ..voting import queries as voting_queries
from . import params
from .context import Ctx, endpoint

#: How soon a browser reconnects after losing the stream (milliseconds).
RETRY_MS = 3000
#: A browser this many events behind reloads its page instead of replaying them.
REPLAY_LIMIT = 500

HEADERS = {
    "Cache-Control": "no-store",
    # Tells nginx (and proxies that follow it) not to buffer the stream.
    "X-Accel-Buffering": "no",
}


def routes() -> list[Route]:
    return [
        Route("/forums/{forum_id:id}/events", forum_events, name="forum_events"),
        Route("/forums/{forum_id:id}/vote-call", forum_vote_call, name="forum_vote_call"),
    ]


def stream_url(ctx: Ctx, forum_id: int) -> str:
    """The stream's address for a page being rendered now: it resumes after the last stored event,
    so an event committed between this render and the browser connecting still arrives."""
    after = store.last_id(ctx.db.connection())
    return ctx.url("forum_events", forum_id=forum_id) + f"?after={after}"


# --- the stream ---------------------------------------------------------------------------------------


def _requested_start(request: Request) -> int | None:
    raw = request.headers.get("last-event-id") or request.query_params.get("after") or ""
    return params.number_or_none(raw.strip(), minimum=0, maximum=10**18 - 1)


def _prepare(state, forum_id: int, start: int | None, live_last: int) -> tuple[bool, list[Event], bool]:
    """Whether the forum exists, the events the browser missed, and whether it must reload instead."""
    db = state.sessions()
    try:
        if forum_queries.get_forum(db, forum_id) is None:
            return False, [], False
        if start is None or start >= live_last:
            return True, [], start is not None and start > live_last and not _exists_up_to(db, start)
        connection = db.connection()
        low, high = store.bounds(connection)
        if high == 0 or start < low - 1:
            return True, [], True  # pruned: what it missed is gone
        missed = store.fetch_after(connection, start, forum_id=forum_id, limit=REPLAY_LIMIT + 1)
        missed = [event for event in missed if event.id <= live_last]
        if len(missed) > REPLAY_LIMIT:
            return True, [], True
        return True, _collapse_turnout(missed), False
    finally:
        db.rollback()
        db.close()


def _exists_up_to(db, start: int) -> bool:
    # An id from the future: another database, or a restored backup. The page is stale either way.
    return store.bounds(db.connection())[1] >= start


def _collapse_turnout(events: list[Event]) -> list[Event]:
    """Of several turnout events of one vote only the last one matters."""
    last_turnout = {}
    for event in events:
        if event.kind == "turnout":
            last_turnout[event.facts.get("vote_id")] = event.id
    return [e for e in events if e.kind != "turnout" or last_turnout[e.facts.get("vote_id")] == e.id]


async def forum_events(request: Request) -> Response:
    state = request.app.state.delib
    forum_id = request.path_params["forum_id"]
    start = _requested_start(request)
    broker = state.live_broker()
    subscription = await broker.subscribe(forum_id)
    # Everything after this id reaches the subscription; everything up to it comes from the log.
    live_last = broker.last_id
    try:
        exists, missed, reload = await run_in_threadpool(_prepare, state, forum_id, start, live_last)
    except BaseException:
        broker.unsubscribe(subscription)
        raise
    if not exists:
        broker.unsubscribe(subscription)
        return state.render_plain(request, 404, N_("There is no such forum."))
    first_id = live_last if start is None or reload else start
    body = _stream(broker, subscription, missed, first_id=first_id, reload=reload)
    return StreamingResponse(body, media_type="text/event-stream", headers=HEADERS)


async def _stream(
    broker: Broker, subscription: Subscription, missed: list[Event], *, first_id: int, reload: bool
) -> AsyncIterator[bytes]:
    try:
        # The id-only message sets the browser's Last-Event-ID without firing any event.
        yield f"retry: {RETRY_MS}\nid: {first_id}\n\n".encode()
        if reload:
            yield b"event: reload\ndata: {}\n\n"
            return
        sent = first_id
        for event in missed:
            sent = event.id
            yield event.message()
        # The broker offers a keep-alive to a quiet stream, and ends it (None) after its lifetime: the
        # browser resumes at once, and a host that mounts the app gets no shutdown signal, so this
        # bounds how long a stopping server waits for its streams.
        while (item := await subscription.queue.get()) is not None:
            event_id, message = item
            if event_id is None:
                yield message
            elif event_id > sent:
                sent = event_id
                yield message
    finally:
        broker.unsubscribe(subscription)


# --- fragments ----------------------------------------------------------------------------------------


@endpoint
def forum_vote_call(ctx: Ctx) -> Response:
    """The call to vote on a forum's pages: fetched when a vote opens or closes."""
    forum = forum_queries.get_forum(ctx.db, ctx.request.path_params["forum_id"])
    if forum is None:
        raise NotFound("forum_not_found", N_("There is no such forum."))
    call = voting_queries.vote_call(ctx.db, forum_id=saved_id(forum), actor=ctx.actor)
    return ctx.render("voting/_vote_call.html", {"forum": forum, "call": call})


def vote_call_context(ctx: Ctx, forum) -> dict:
    """What a forum page needs to show the call to vote and to listen for the next one."""
    return {
        "vote_call": voting_queries.vote_call(ctx.db, forum_id=forum.id, actor=ctx.actor),
        "live_url": stream_url(ctx, forum.id),
    }
