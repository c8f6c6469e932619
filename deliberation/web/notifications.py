"""Notifications: the list, marking read, what to receive, and following a document."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.responses import Response
from starlette.routing import Route

from ..db import saved_id
from ..drafting import queries as drafting_queries
from ..drafting.rules import can_read_document
from ..errors import NotFound
from ..i18n import N_, gettext
from ..notifications import actions, queries, rules
from ..notifications.delivery import describe, link_for
from ..notifications.models import Delivery, NotificationGroup, NotificationKind
from . import params
from .context import Ctx, endpoint
from .form_page import form_page
from .rendering import bdi

PAGE_SIZE = 50


def routes() -> list[Route]:
    return [
        Route("/notifications", notifications_page, name="notifications"),
        Route("/notifications/read", notifications_read, methods=["POST"], name="notifications_read"),
        Route("/account/notifications", notification_settings, methods=["GET", "POST"], name="notification_settings"),
        Route("/documents/{document_id:id}/follow", document_follow, methods=["POST"], name="document_follow"),
    ]


@endpoint
def notifications_page(ctx: Ctx) -> Response:
    ctx.require(rules.can_read_notifications(ctx.actor))
    actor = ctx.require_actor()
    before = params.optional_number(ctx.request.query_params.get("before"), name="before")
    rows = queries.list_notifications(ctx.db, user_id=saved_id(actor), limit=PAGE_SIZE + 1, before_id=before)
    entries = entries_of(ctx, rows[:PAGE_SIZE])
    return ctx.render(
        "notifications/list.html",
        {
            "entries": entries,
            "paged": before is not None,
            "older": entries[-1]["id"] if len(rows) > PAGE_SIZE else None,
        },
    )


def entries_of(ctx: Ctx, rows: Iterable[queries.NotificationRow]) -> list[dict]:
    """What a list of notifications shows: each one's sentence (HTML, what people wrote marked with
    its language) and link, built here so templates only print them."""
    return [
        {
            "id": row.notification.id,
            "unread": row.notification.read_at is None,
            "created_at": row.notification.created_at,
            "text": describe(
                row.notification.kind,
                row.notification.details,
                title=row.document_title,
                actor_name=row.actor_name,
                mark=bdi,
            ),
            "href": link_for(row.notification.kind, row.notification.document_id, row.notification.details).path(
                ctx.url
            ),
        }
        for row in rows
    ]


@endpoint
def notifications_read(ctx: Ctx) -> Response:
    """Mark one (field ``id``, repeatable) or, without ``id``, every notification read."""
    ctx.require(rules.can_read_notifications(ctx.actor))
    ids = None
    if "id" in ctx.form:
        raw = ctx.form.get("__multi__", {}).get("id") or [ctx.form["id"]]
        ids = params.ids(raw, name="id")
    actions.do_mark_read(ctx.db, user=ctx.require_actor(), ids=ids)
    ctx.flash(gettext("Marked as read.") if ids is not None else gettext("All notifications are marked as read."))
    return ctx.redirect("notifications")


@endpoint
def notification_settings(ctx: Ctx) -> Response:
    ctx.require(rules.can_read_notifications(ctx.actor))
    actor = ctx.require_actor()
    return form_page(
        ctx,
        "notifications/settings.html",
        {
            "groups": [
                (group.msgid, {kind.value: kind.msgid for kind in NotificationKind if kind.group == group})
                for group in NotificationGroup
            ],
            "deliveries": Delivery.options(),
            "smtp_configured": bool(ctx.settings.smtp_host),
            "has_email": bool(actor.email),
        },
        initial=lambda: queries.get_preferences(ctx.db, saved_id(actor)),
        # A refused form shows the stored choices with what was sent over them.
        kept=lambda form: (
            queries.get_preferences(ctx.db, saved_id(actor)) | {k: v for k, v in form.items() if isinstance(v, str)}
        ),
        save=lambda: actions.check_set_preferences(ctx.db, user=actor, data=ctx.form),
        flash=gettext("Your notification settings are saved."),
        done=lambda _: ctx.redirect("notification_settings"),
    )


@endpoint
def document_follow(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    document = drafting_queries.get_document(ctx.db, ctx.request.path_params["document_id"])
    if document is None or not can_read_document(actor, document):
        raise NotFound("document_not_found", N_("There is no such document, or it is not public."))
    following = ctx.form.get("follow", "1") == "1"
    if following:
        actions.do_follow(ctx.db, user=actor, document=document)
    else:
        actions.do_unfollow(ctx.db, user=actor, document=document)
    if ctx.is_htmx:
        return ctx.render("notifications/_follow.html", {"document": document, "following": following})
    ctx.flash(gettext("You follow this document now.") if following else gettext("You no longer follow this document."))
    return ctx.redirect("document", document_id=document.id)
