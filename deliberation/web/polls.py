"""Polls on candidate themes: the list, one poll (the form while it runs, the result after), and
putting a new one."""

from __future__ import annotations

from datetime import timedelta

from starlette.responses import Response
from starlette.routing import Route

from ..errors import ValidationError
from ..i18n import DISPLAY_ZONE, gettext
from ..proposals import polls, queries, rules
from ..proposals.models import Poll
from . import loaders
from .context import Ctx, endpoint
from .form_page import form_page
from .proposals import markdown


def routes() -> list[Route]:
    return [
        Route("/polls", poll_list, name="polls"),
        Route("/polls/new", poll_new, methods=["GET", "POST"], name="poll_new"),
        Route("/polls/{poll_id:id}", poll_page, name="poll"),
        Route("/polls/{poll_id:id}/answer", poll_answer, methods=["POST"], name="poll_answer"),
    ]


@endpoint
def poll_list(ctx: Ctx) -> Response:
    now = queries.database_time(ctx.db)
    return ctx.render(
        "proposals/polls.html",
        {
            "polls": queries.list_polls(ctx.db),
            "now": now,
            "is_open": rules.poll_is_open,
            "can_create": rules.can_create_poll(ctx.actor),
        },
    )


@endpoint
def poll_new(ctx: Ctx) -> Response:
    ctx.require(rules.can_create_poll(ctx.actor))
    # A week ahead, in Kyiv time, at the top of the hour: the form's suggestion.
    suggested = (queries.database_time(ctx.db) + timedelta(days=7)).astimezone(DISPLAY_ZONE)
    return form_page(
        ctx,
        "proposals/poll_form.html",
        {
            "candidates": queries.list_open_proposals(ctx.db),
            "ticked": _ticked(ctx),
        },
        initial=lambda: {"mode": "single", "closes_at": suggested.strftime("%Y-%m-%dT%H:00")},
        save=lambda: polls.check_create_poll(ctx.db, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("The poll is open. It closes by itself at the time you set."),
        done=lambda poll: ctx.redirect("poll", poll_id=poll.id),
    )


def _ticked(ctx: Ctx) -> list[str]:
    if ctx.reads:
        return [ctx.request.query_params.get("proposal", "")]
    multi = ctx.form.get("__multi__", {})
    return multi.get("proposal_ids") or ([ctx.form["proposal_ids"]] if ctx.form.get("proposal_ids") else [])


def _poll_context(ctx: Ctx, poll: Poll, *, errors: dict | None = None) -> dict:
    page = queries.get_poll_page(ctx.db, poll=poll, viewer=ctx.actor, result_visible=rules.can_see_poll_result)
    return {
        "page": page,
        "poll": poll,
        "description": markdown(poll.description),
        "is_open": rules.poll_is_open(poll, page.now),
        "can_answer": rules.can_answer_poll(ctx.actor, poll, page.now),
        "result_shown": rules.can_see_poll_result(poll, page.now),
        "errors": errors or {},
    }


@endpoint
def poll_page(ctx: Ctx) -> Response:
    return ctx.render("proposals/poll.html", _poll_context(ctx, loaders.poll(ctx)))


@endpoint
def poll_answer(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    poll = loaders.poll(ctx)
    try:
        polls.check_answer_poll(ctx.db, poll=poll, actor=actor, data=ctx.form)
    except ValidationError as error:
        # Nothing was written; the poll comes back with the message beside its options.
        ctx.db.rollback()
        return ctx.render("proposals/poll.html", _poll_context(ctx, poll, errors=error.errors), status=422)
    ctx.flash(gettext("Your answer is recorded. You may change it until the poll closes."))
    return ctx.redirect("poll", poll_id=poll.id, fragment="answer")
