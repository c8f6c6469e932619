"""Forum pages: the list, one forum, creating, editing and moving its status on."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..dates import local
from ..db import saved_id, utcnow
from ..errors import DomainError, ValidationError
from ..forums import actions, queries, rules
from ..forums.models import Forum, ForumStatus
from ..i18n import N_, gettext
from ..library import queries as library_queries
from . import loaders, params
from .console import checkin_box
from .context import Ctx, endpoint
from .form_page import form_page, saved_values
from .live import vote_call_context


def routes() -> list[Route]:
    return [
        Route("/forums", forum_list, name="forums"),
        Route("/forums/new", forum_new, methods=["GET", "POST"], name="forum_new"),
        Route("/forums/{forum_id:id}", forum_page, name="forum"),
        Route("/forums/{forum_id:id}/edit", forum_edit, methods=["GET", "POST"], name="forum_edit"),
        Route("/forums/{forum_id:id}/status", forum_status, methods=["POST"], name="forum_status"),
    ]


@endpoint
def forum_list(ctx: Ctx) -> Response:
    status = params.choice_or_empty(ctx.request.query_params.get("status"), ForumStatus.__members__.values())
    return ctx.render(
        "forums/list.html",
        {
            "forums": queries.list_forums(ctx.db, status=status or None),
            "status": status,
            "can_create": rules.can_manage_forums(ctx.actor),
        },
    )


@endpoint
def forum_new(ctx: Ctx) -> Response:
    ctx.require(rules.can_manage_forums(ctx.actor))
    return form_page(
        ctx,
        "forums/form.html",
        {"forum": None},
        save=lambda: actions.check_create_forum(ctx.db, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("The forum is created."),
        done=lambda forum: ctx.redirect("forum", forum_id=forum.id),
    )


@endpoint
def forum_edit(ctx: Ctx) -> Response:
    ctx.require(rules.can_manage_forums(ctx.actor))
    forum = loaders.forum(ctx)
    return form_page(
        ctx,
        "forums/form.html",
        {"forum": forum},
        initial=lambda: saved_values(
            forum, "title", "theme", "description", "place", "is_online", "starts_on", "ends_on"
        ),
        save=lambda: actions.check_update_forum(ctx.db, forum=forum, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("The forum is saved."),
        done=lambda _: ctx.redirect("forum", forum_id=forum.id),
    )


@endpoint
def forum_page(ctx: Ctx) -> Response:
    forum = loaders.forum(ctx)
    forum_id = saved_id(forum)
    return ctx.render(
        "forums/page.html",
        {
            "forum": forum,
            "can_manage": rules.can_manage_forums(ctx.actor),
            "next_statuses": forum.status.next,
            "opens_outside_dates": ForumStatus.OPEN in forum.status.next and _outside_dates(forum),
            # The assembly: its agenda, what waits for the committee, what went back, how many delegates.
            "agenda": queries.list_agenda(ctx.db, forum_id),
            "submissions": queries.list_submissions(ctx.db, forum_id),
            "returned": queries.list_returned(ctx.db, forum_id),
            "delegate_count": queries.count_registered(ctx.db, forum_id),
            # What the forum decided: its resolutions, and the texts it voted on and did not adopt.
            "adopted": library_queries.list_forum_resolutions(ctx.db, forum_id=forum_id),
            "rejected": library_queries.list_forum_rejections(ctx.db, forum_id=forum_id),
            "can_manage_agenda": rules.can_manage_agenda(ctx.actor, forum),
            "can_set_current": rules.can_set_current_item(ctx.actor, forum),
            "can_run_sitting": rules.can_run_sitting(ctx.actor),
            "checkin": checkin_box(ctx, forum),
            # The call to vote, and the forum's event stream that brings the next one.
            **vote_call_context(ctx, forum),
        },
    )


@endpoint
def forum_status(ctx: Ctx) -> Response:
    ctx.require(rules.can_manage_forums(ctx.actor))
    forum = loaders.forum(ctx)
    status = ctx.form.get("status", "")
    if status == ForumStatus.OPEN and _outside_dates(forum) and ctx.form.get("outside_dates") != "1":
        raise ValidationError(
            {
                "outside_dates": DomainError(
                    "outside_dates",
                    N_(
                        "Today is outside the forum's dates. To open it anyway, tick the box below the "
                        "warning and press the button again."
                    ),
                    field="outside_dates",
                )
            }
        )
    actions.do_set_forum_status(ctx.db, forum=forum, status=status, actor=ctx.require_actor())
    ctx.flash(gettext("The forum's status is changed."))
    return ctx.redirect("forum", forum_id=forum.id)


def _outside_dates(forum: Forum) -> bool:
    # The forum's dates are Kyiv days, as they are shown.
    return rules.is_outside_dates(forum, local(utcnow()).date())
