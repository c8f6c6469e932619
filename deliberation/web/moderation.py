"""Moderation: members report what they read; coordinators hide it, keep it, or show it again."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from ..errors import NotFound
from ..i18n import N_, gettext
from ..moderation import actions, queries, rules
from ..moderation.models import Reason, Subject
from ..moderation.sources import Item, source_of
from .context import Ctx, endpoint
from .form_page import form_page


def routes() -> list[Route]:
    thing = "/{subject}/{subject_id:id}"
    return [
        Route("/moderation", queue, name="moderation"),
        Route(f"/moderation{thing}/hide", hide, methods=["GET", "POST"], name="moderation_hide"),
        Route(f"/moderation{thing}/keep", keep, methods=["GET", "POST"], name="moderation_keep"),
        Route(f"/moderation{thing}/restore", restore, methods=["GET", "POST"], name="moderation_restore"),
        Route(f"/report{thing}", report, methods=["GET", "POST"], name="report"),
    ]


def _not_found() -> NotFound:
    return NotFound("not_found", N_("There is nothing here to report, or it is not yours to see."))


def _subject(ctx: Ctx) -> tuple[Subject, int]:
    value = ctx.request.path_params["subject"]
    if value not in Subject.__members__.values():
        raise _not_found()
    return Subject(value), ctx.request.path_params["subject_id"]


def item_href(ctx: Ctx, item: Item) -> str:
    link = item.link
    query = f"?{urlencode(dict(link.query))}" if link.query else ""
    return ctx.url(link.route, **link.params) + query + (f"#{link.fragment}" if link.fragment else "")


@endpoint
def queue(ctx: Ctx) -> Response:
    ctx.require(rules.can_moderate(ctx.actor))
    kind = ctx.request.query_params.get("kind", "")
    subject = Subject(kind) if kind in Subject.__members__.values() else None
    return ctx.render(
        "moderation/queue.html",
        {
            "kinds": Subject.options(),
            "kind": subject,
            "reported": queries.list_reported(ctx.db, subject=subject),
            "hidden": queries.list_hidden(ctx.db, subject=subject),
            "kept": queries.list_kept(ctx.db, subject=subject),
            "href": lambda item: item_href(ctx, item),
        },
    )


def _moderated_item(ctx: Ctx) -> tuple[Subject, int, Item]:
    ctx.require(rules.can_moderate(ctx.actor))
    subject, subject_id = _subject(ctx)
    item = source_of(subject).items(ctx.db, [subject_id]).get(subject_id)
    if item is None:
        raise _not_found()
    return subject, subject_id, item


def _decision(ctx: Ctx, template: str, save, message: str) -> Response:
    subject, subject_id, item = _moderated_item(ctx)
    return form_page(
        ctx,
        template,
        {"item": item, "href": item_href(ctx, item)},
        save=lambda: save(ctx.db, actor=ctx.require_actor(), subject=subject, subject_id=subject_id, data=ctx.form),
        flash=message,
        done=lambda _: ctx.redirect("moderation"),
    )


@endpoint
def hide(ctx: Ctx) -> Response:
    return _decision(ctx, "moderation/hide.html", actions.check_hide, gettext("Hidden. The reason is kept beside it."))


@endpoint
def keep(ctx: Ctx) -> Response:
    return _decision(
        ctx, "moderation/keep.html", actions.check_keep, gettext("Left as it was; the reports about it are closed.")
    )


@endpoint
def restore(ctx: Ctx) -> Response:
    return _decision(ctx, "moderation/restore.html", actions.check_restore, gettext("It is shown again."))


@endpoint
def report(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    subject, subject_id = _subject(ctx)
    item = source_of(subject).readable(ctx.db, actor=actor, subject_id=subject_id)
    if item is None:
        raise _not_found()
    ctx.require(rules.can_report(actor, author_id=item.author_id, hidden=False))
    return form_page(
        ctx,
        "moderation/report.html",
        {"item": item, "href": item_href(ctx, item), "reasons": Reason.options()},
        save=lambda: actions.check_report(ctx.db, actor=actor, subject=subject, subject_id=subject_id, data=ctx.form),
        flash=gettext("Thank you. The coordinators will look at it; nothing changes until they do."),
        done=lambda _: ctx.redirect_to(item_href(ctx, item)),
    )
