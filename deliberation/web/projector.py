"""The hall's screen: what is before the assembly, who speaks, the vote under way, for the projector."""

from __future__ import annotations

from dataclasses import replace

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..db import saved_id
from ..forums import rules as forum_rules
from ..forums.floor import speech_ends_at
from ..forums.models import Forum
from ..forums.presence import checkin_code
from ..voting import closing, queries
from . import loaders
from .context import Ctx, endpoint
from .live import stream_url
from .regions import page_context, region_html, region_response


def routes() -> list[Route]:
    return [
        Route("/forums/{forum_id:id}/live", forum_live, name="forum_live"),
        Route("/forums/{forum_id:id}/live/state", forum_live_state, name="forum_live_state"),
        Route("/forums/{forum_id:id}/projector", forum_projector, name="forum_projector"),
    ]


def _state(ctx: Ctx, forum: Forum) -> dict:
    state = queries.get_live_state(ctx.db, forum)
    if state.vote is not None:
        state = replace(state, vote=closing.as_seen(ctx.db, state.vote))
    item = state.item
    ends_at = speech_ends_at(state.speaker, item.speaking_seconds) if item is not None else None
    # The hall screen's address is public: the check-in code shows only on a chair's own screen,
    # or anyone at home could read it and be counted present. This page says only whether it
    # shows; the code comes in its own small answer (console.checkin_code_shown), so this page
    # can be compressed.
    code_shown = forum_rules.can_run_sitting(ctx.actor) and checkin_code(forum) is not None
    return {
        "forum": forum,
        "state": state,
        "speaker_ends_at": ends_at,
        "code_shown": code_shown,
    }


@endpoint
def forum_live(ctx: Ctx) -> Response:
    """The old chair's screen: the console has taken its place."""
    return RedirectResponse(ctx.url("forum_console", forum_id=ctx.request.path_params["forum_id"]), status_code=301)


@endpoint
def forum_projector(ctx: Ctx) -> Response:
    forum = loaders.forum(ctx, ctx.request.path_params["forum_id"])
    base = page_context(ctx)
    context = _state(ctx, forum)
    return ctx.render(
        "voting/projector.html",
        {
            **base,
            **context,
            "live_url": stream_url(ctx, saved_id(forum)),
            "state_html": region_html(ctx, base, "voting/_state.html", context),
        },
    )


@endpoint
def forum_live_state(ctx: Ctx) -> Response:
    """The hall screen's state: 204 while it is what the screen already shows."""
    forum = loaders.forum(ctx, ctx.request.path_params["forum_id"])
    return region_response(ctx, "voting/_state.html", _state(ctx, forum))
