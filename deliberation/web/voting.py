"""Votes: preparing them, opening, closing and counting them by hand, and the vote's page.

The delegate's booth is in web/booth.py, the hall's screen in web/projector.py.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.routing import Route

from ..db import saved_id
from ..discussion.queries import list_amendments
from ..errors import NotFound, ValidationError
from ..forums import queries as forum_queries
from ..forums.models import AgendaItem, Forum
from ..i18n import DISPLAY_ZONE, N_, gettext
from ..voting import actions, closing, queries, rules
from ..voting.models import Vote, VoteStatus
from . import loaders
from .console import back_to_console
from .context import Ctx, endpoint
from .form_page import form_page


def routes() -> list[Route]:
    return [
        Route(
            "/forums/{forum_id:id}/agenda/{item_id:id}/votes/new", vote_new, methods=["GET", "POST"], name="vote_new"
        ),
        Route("/votes/{vote_id:id}", vote_page, name="vote"),
        Route("/votes/{vote_id:id}/edit", vote_edit, methods=["GET", "POST"], name="vote_edit"),
        Route("/votes/{vote_id:id}/open", vote_open, methods=["POST"], name="vote_open"),
        Route("/votes/{vote_id:id}/close", vote_close, methods=["POST"], name="vote_close"),
        Route("/votes/{vote_id:id}/cancel", vote_cancel, methods=["POST"], name="vote_cancel"),
        Route("/votes/{vote_id:id}/hand-count", vote_hand_count, methods=["POST"], name="vote_hand_count"),
    ]


# --- loading --------------------------------------------------------------------------------------


def load_vote(ctx: Ctx) -> tuple[Vote, Forum, AgendaItem]:
    vote = actions.get_vote_or_404(ctx.db, ctx.request.path_params["vote_id"])
    if ctx.reads:
        # A write request closed any due vote before it began (voting.closer); a read only shows it.
        vote = closing.as_seen(ctx.db, vote)
    forum = loaders.forum(ctx, vote.forum_id)
    item = ctx.db.get(AgendaItem, vote.agenda_item_id)
    assert item is not None, "a vote's agenda item is kept (its foreign key is required)"
    return vote, forum, item


def _item(ctx: Ctx) -> tuple[AgendaItem, Forum]:
    forum = loaders.forum(ctx, ctx.request.path_params["forum_id"])
    item = forum_queries.get_agenda_item(ctx.db, ctx.request.path_params["item_id"])
    if item is None or item.forum_id != forum.id:
        raise NotFound("item_not_found", N_("There is no such agenda item."))
    return item, forum


def _amendment_choices(ctx: Ctx, item: AgendaItem) -> dict[str, str]:
    if item.document_id is None:
        return {}
    return {
        str(s.amendment.id): gettext("Amendment %(n)s by %(name)s", n=s.amendment.id, name=s.author.display_name)
        for s in list_amendments(ctx.db, document_id=item.document_id, status="open")
    }


def _vote_values(vote: Vote) -> dict:
    closes = vote.closes_at.astimezone(DISPLAY_ZONE).strftime("%Y-%m-%dT%H:%M") if vote.closes_at else ""
    return {
        "title": vote.title,
        "subject": vote.subject,
        "threshold": vote.threshold,
        "quorum_num": str(vote.quorum_num),
        "quorum_den": str(vote.quorum_den),
        "quorum_base": vote.quorum_base,
        "mode": vote.mode,
        "is_secret": vote.is_secret,
        "closes_at": closes,
        "amendment_id": str(vote.amendment_id) if vote.amendment_id else "",
    }


# --- preparing and running ------------------------------------------------------------------------


@endpoint
def vote_new(ctx: Ctx) -> Response:
    item, forum = _item(ctx)
    ctx.require(rules.can_chair(ctx.actor, forum))

    def done(vote: Vote) -> Response:
        if ctx.form.get("back") == "console":
            return ctx.redirect("forum_console", forum_id=forum.id, fragment="console-vote")
        return ctx.redirect("vote", vote_id=vote.id)

    return form_page(
        ctx,
        "voting/form.html",
        {"forum": forum, "item": item, "vote": None, "amendments": _amendment_choices(ctx, item)},
        initial=lambda: _new_vote_values(ctx, item),
        save=lambda: actions.check_prepare_vote(
            ctx.db, item=item, forum=forum, actor=ctx.require_actor(), data=ctx.form
        ),
        flash=gettext("The vote is prepared. Check its rule, then start it."),
        done=done,
    )


def _new_vote_values(ctx: Ctx, item: AgendaItem) -> dict:
    query = ctx.request.query_params
    return {
        "subject": query.get("subject") or ("final" if item.document_id else "motion"),
        "amendment_id": query.get("amendment", ""),
        "threshold": "cast_majority",
        "quorum_num": "1",
        "quorum_den": "2",
        "quorum_base": "registered",
        "mode": "hall",
        "back": query.get("back", ""),
    }


@endpoint
def vote_edit(ctx: Ctx) -> Response:
    vote, forum, item = load_vote(ctx)
    ctx.require(rules.can_chair(ctx.actor, forum))
    return form_page(
        ctx,
        "voting/form.html",
        {"forum": forum, "item": item, "vote": vote, "amendments": _amendment_choices(ctx, item)},
        initial=lambda: _vote_values(vote),
        save=lambda: actions.check_update_vote(
            ctx.db, vote=vote, forum=forum, actor=ctx.require_actor(), data=ctx.form
        ),
        flash=gettext("The vote is saved."),
        done=lambda _: ctx.redirect("vote", vote_id=vote.id),
    )


def _after_chair_action(ctx: Ctx, vote: Vote, message: str) -> Response:
    if ctx.form.get("back", "") == "console":
        return back_to_console(ctx, vote.forum_id, "vote", message)
    ctx.flash(message)
    return ctx.redirect("vote", vote_id=vote.id)


def _run_vote(ctx: Ctx, do: Callable[..., object], message: str) -> Response:
    """Open or close the vote the path names, then back to where the chair pressed the button."""
    vote, forum, _ = load_vote(ctx)
    actor = ctx.require_actor()  # the action decides whether they may
    do(ctx.db, vote=vote, forum=forum, actor=actor)
    return _after_chair_action(ctx, vote, message)


@endpoint
def vote_open(ctx: Ctx) -> Response:
    return _run_vote(ctx, actions.do_open_vote, gettext("The vote is open."))


@endpoint
def vote_close(ctx: Ctx) -> Response:
    return _run_vote(ctx, closing.do_close_vote, gettext("The vote is closed and counted."))


@endpoint
def vote_cancel(ctx: Ctx) -> Response:
    vote, forum, item = load_vote(ctx)
    actor = ctx.require_actor()  # the action decides whether they may
    actions.do_cancel_vote(ctx.db, vote=vote, forum=forum, actor=actor)
    ctx.flash(gettext("The vote is cancelled."))
    return ctx.redirect("agenda_item", forum_id=forum.id, item_id=item.id)


@endpoint
def vote_hand_count(ctx: Ctx) -> Response:
    vote, forum, item = load_vote(ctx)
    actor = ctx.require_actor()  # the action decides whether they may
    try:
        closing.check_record_hand_count(ctx.db, vote=vote, forum=forum, actor=actor, data=ctx.form)
    except ValidationError as error:
        return ctx.render(
            "voting/vote.html",
            {**_vote_context(ctx, vote, forum, item), "errors": error.errors, "values": ctx.form},
            status=422,
        )
    return _after_chair_action(ctx, vote, gettext("The totals are recorded and the vote is closed."))


def _vote_context(ctx: Ctx, vote: Vote, forum: Forum, item: AgendaItem) -> dict:
    published = rules.can_see_voters(ctx.actor, vote)
    return {
        "vote": vote,
        "forum": forum,
        "item": item,
        "rule": queries.rule_of(vote),
        "turnout": queries.turnout(ctx.db, saved_id(vote)),
        "registered": len(forum_queries.registered_ids(ctx.db, saved_id(forum))),
        "voters": queries.list_voters(ctx.db, vote, with_choices=rules.can_see_choices(vote)) if published else [],
        "show_choices": rules.can_see_choices(vote),
        "can_chair": rules.can_chair(ctx.actor, forum),
        # may_try_to_vote holds only for someone signed in.
        "can_vote": rules.may_try_to_vote(ctx.actor, vote)
        and ctx.actor is not None
        and forum_queries.is_registered_delegate(ctx.db, forum_id=saved_id(forum), user_id=saved_id(ctx.actor)),
        "values": {},
        "errors": {},
        "refused": "",
    }


@endpoint
def vote_page(ctx: Ctx) -> Response:
    vote, forum, item = load_vote(ctx)
    if vote.status == VoteStatus.DRAFT:
        ctx.require(rules.can_chair(ctx.actor, forum))
    return ctx.render("voting/vote.html", _vote_context(ctx, vote, forum, item))
