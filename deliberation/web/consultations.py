"""Consultation pages: my consultations, the coordinators' queue, one consultation with its thread,
asking for one, assigning it, closing and reopening it, and its attachment.

A consultation is for its requester, its assignee and the coordinators; to anyone else every one
of these addresses answers 404 (``loaders.consultation``), as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from ..accounts.regions import REGIONS
from ..consultations import actions, files, queries, rules
from ..consultations.models import Consultation, ConsultationStatus
from ..db import saved_id
from ..i18n import gettext
from ..text import markdown
from . import loaders, params
from .context import Ctx, endpoint
from .form_page import form_page


def routes() -> list[Route]:
    return [
        Route("/consultations", consultation_list, name="consultations"),
        Route("/consultations/queue", consultation_queue, name="consultation_queue"),
        Route("/consultations/new", consultation_new, methods=["GET", "POST"], name="consultation_new"),
        Route("/consultations/{consultation_id:id}", consultation_page, name="consultation"),
        Route(
            "/consultations/{consultation_id:id}/messages",
            consultation_message,
            methods=["POST"],
            name="consultation_message",
        ),
        Route(
            "/consultations/{consultation_id:id}/assign",
            consultation_assign,
            methods=["GET", "POST"],
            name="consultation_assign",
        ),
        Route(
            "/consultations/{consultation_id:id}/close", consultation_close, methods=["POST"], name="consultation_close"
        ),
        Route(
            "/consultations/{consultation_id:id}/reopen",
            consultation_reopen,
            methods=["POST"],
            name="consultation_reopen",
        ),
        Route(
            "/consultations/{consultation_id:id}/attachment",
            consultation_attachment,
            name="consultation_attachment",
        ),
    ]


@endpoint
def consultation_list(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    ctx.require(rules.can_request_consultation(actor))
    return ctx.render(
        "consultations/list.html",
        {
            "requested": queries.list_requested_by(ctx.db, user_id=saved_id(actor)),
            "assigned": queries.list_assigned_to(ctx.db, user_id=saved_id(actor)),
            "can_see_queue": rules.can_see_queue(actor),
            "ConsultationStatus": ConsultationStatus,
        },
    )


@endpoint
def consultation_queue(ctx: Ctx) -> Response:
    ctx.require(rules.can_see_queue(ctx.actor))
    query = ctx.request.query_params
    status = params.choice(query.get("status"), [s.value for s in ConsultationStatus], name="status", default="")
    region = params.choice(query.get("region"), list(REGIONS), name="region", default="")
    return ctx.render(
        "consultations/queue.html",
        {
            "rows": queries.list_queue(ctx.db, status=ConsultationStatus(status) if status else None, region=region),
            "status": status,
            "region": region,
            "limit": queries.QUEUE_LIMIT,
            "ConsultationStatus": ConsultationStatus,
        },
    )


def _close_uploads(ctx: Ctx) -> None:
    # The form middleware spools uploads to temporary files and leaves them open for the handler.
    for value in ctx.form.values():
        if isinstance(value, UploadFile):
            value.file.close()


@endpoint
def consultation_new(ctx: Ctx) -> Response:
    try:
        actor = ctx.require_actor()
        ctx.require(rules.can_request_consultation(actor))
        return form_page(
            ctx,
            "consultations/new.html",
            {"max_mb": files.MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            initial=lambda: {"region": actor.region, "request_key": actions.new_request_key()},
            # The file does not come back: a browser never fills a file field in again.
            kept=lambda form: {k: v for k, v in form.items() if k != "attachment"},
            save=lambda: actions.check_request_consultation(ctx.db, actor=actor, data=ctx.form),
            flash=gettext("Your request is sent to the coordination committee. You will find the answer here."),
            done=lambda consultation: ctx.redirect("consultation", consultation_id=consultation.id),
        )
    finally:
        _close_uploads(ctx)


def _page_context(ctx: Ctx, consultation: Consultation) -> dict:
    page = queries.get_consultation_page(ctx.db, consultation)
    actor = ctx.actor
    return {
        "page": page,
        "consultation": consultation,
        # Markdown rendered without raw HTML (text/markdown.py), so it is safe to mark as such.
        "question_html": Markup(markdown.render(consultation.question)),
        "message_html": {message.id: Markup(markdown.render(message.body)) for message, _ in page.messages},
        "can_post": rules.can_post_message(actor, consultation),
        "can_assign": rules.can_assign(actor, consultation),
        "can_close": rules.can_close(actor, consultation),
        "can_reopen": rules.can_reopen(actor, consultation),
        "ConsultationStatus": ConsultationStatus,
    }


@endpoint
def consultation_page(ctx: Ctx) -> Response:
    consultation = loaders.consultation(ctx)
    return ctx.render("consultations/page.html", {**_page_context(ctx, consultation), "values": {}, "errors": {}})


@endpoint
def consultation_message(ctx: Ctx) -> Response:
    consultation = loaders.consultation(ctx)
    actor = ctx.require_actor()
    return form_page(
        ctx,
        "consultations/page.html",
        _page_context(ctx, consultation),
        save=lambda: actions.check_post_message(ctx.db, consultation=consultation, actor=actor, data=ctx.form),
        flash=gettext("Your message is posted."),
        done=lambda message: ctx.redirect("consultation", consultation_id=consultation.id, fragment=f"m{message.id}"),
    )


@endpoint
def consultation_assign(ctx: Ctx) -> Response:
    consultation = loaders.consultation(ctx)
    ctx.require(rules.can_assign(ctx.actor, consultation))
    actor = ctx.require_actor()
    return form_page(
        ctx,
        "consultations/assign.html",
        {
            "consultation": consultation,
            "people": [u for u in queries.list_possible_assignees(ctx.db) if u.id != consultation.requester_id],
        },
        initial=lambda: {"assignee_id": str(consultation.assignee_id or "")},
        save=lambda: actions.check_assign_consultation(ctx.db, consultation=consultation, actor=actor, data=ctx.form),
        flash=gettext("The consultation is assigned."),
        done=lambda _: ctx.redirect("consultation", consultation_id=consultation.id),
    )


@endpoint
def consultation_close(ctx: Ctx) -> Response:
    flash = gettext("The consultation is closed. You can reopen it if you need to.")
    return _open_or_close(ctx, actions.do_close_consultation, flash)


@endpoint
def consultation_reopen(ctx: Ctx) -> Response:
    return _open_or_close(ctx, actions.do_reopen_consultation, gettext("The consultation is open again."))


def _open_or_close(ctx: Ctx, change: Callable[..., object], flash: str) -> Response:
    consultation = loaders.consultation(ctx)
    change(ctx.db, consultation=consultation, actor=ctx.require_actor())
    ctx.flash(flash)
    return ctx.redirect("consultation", consultation_id=consultation.id)


@endpoint
def consultation_attachment(ctx: Ctx) -> Response:
    consultation = loaders.consultation(ctx)
    attachment = queries.get_attachment(ctx.db, consultation_id=saved_id(consultation))
    if attachment is None:
        raise loaders.consultation_not_found()
    # The stored name is safe already (files.safe_filename); old clients read the ASCII one.
    name = attachment.filename
    ascii_name = name if name.isascii() else f"consultation-{consultation.id}.{attachment.kind.value}"
    return Response(
        attachment.data,
        media_type=files.CONTENT_TYPES[attachment.kind],
        headers={
            # attachment: never shown inline, so a file can never run as a page of this site.
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
