"""Workshop pages: the list, one workshop, creating and editing, joining and deciding requests."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..accounts.queries import list_users
from ..calendar.queries import list_upcoming_workshop_sessions
from ..calendar.rules import can_manage_sessions
from ..db import saved_id, utcnow
from ..drafting.queries import list_workshop_documents
from ..drafting.rules import can_create_document, can_read_document
from ..errors import NotFound
from ..i18n import N_, gettext
from ..library.queries import list_workshop_resolutions
from ..workshops import actions, queries, rules
from ..workshops.models import Workshop, WorkshopKind
from . import loaders, params
from .context import Ctx, endpoint
from .form_page import form_page, saved_values


def routes() -> list[Route]:
    return [
        Route("/workshops", workshop_list, name="workshops"),
        Route("/workshops/new", workshop_new, methods=["GET", "POST"], name="workshop_new"),
        Route("/workshops/{workshop_id:id}", workshop_page, name="workshop"),
        Route("/workshops/{workshop_id:id}/edit", workshop_edit, methods=["GET", "POST"], name="workshop_edit"),
        Route("/workshops/{workshop_id:id}/join", workshop_join, methods=["POST"], name="workshop_join"),
        Route("/workshops/{workshop_id:id}/leave", workshop_leave, methods=["POST"], name="workshop_leave"),
        Route(
            "/workshops/{workshop_id:id}/requests/{user_id:id}",
            workshop_decide,
            methods=["POST"],
            name="workshop_decide",
        ),
        Route(
            "/workshops/{workshop_id:id}/facilitators",
            workshop_facilitator,
            methods=["POST"],
            name="workshop_facilitator",
        ),
    ]


@endpoint
def workshop_list(ctx: Ctx) -> Response:
    kind = params.choice_or_empty(ctx.request.query_params.get("kind"), WorkshopKind.__members__.values())
    return ctx.render(
        "workshops/list.html",
        {
            "summaries": queries.list_workshops(ctx.db, kind=kind or None),
            "kind": kind,
            "can_create": rules.can_create_workshop(ctx.actor),
        },
    )


@endpoint
def workshop_new(ctx: Ctx) -> Response:
    ctx.require(rules.can_create_workshop(ctx.actor))
    return form_page(
        ctx,
        "workshops/form.html",
        {"workshop": None},
        initial=lambda: {"kind": ctx.request.query_params.get("kind", "")},
        save=lambda: actions.check_create_workshop(ctx.db, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("The workshop is created. Appoint its facilitators on its page."),
        done=lambda workshop: ctx.redirect("workshop", workshop_id=workshop.id),
    )


@endpoint
def workshop_edit(ctx: Ctx) -> Response:
    ctx.require(rules.can_edit_workshop(ctx.actor))
    workshop = loaders.workshop(ctx)
    return form_page(
        ctx,
        "workshops/form.html",
        {"workshop": workshop},
        initial=lambda: saved_values(
            workshop, "kind", "title", "topic", "description", "place", "is_online", "starts_on", "ends_on"
        ),
        save=lambda: actions.check_update_workshop(ctx.db, workshop=workshop, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("The workshop is saved."),
        done=lambda _: ctx.redirect("workshop", workshop_id=workshop.id),
    )


def _page_context(ctx: Ctx, workshop_id: int) -> dict:
    page = queries.get_workshop_page(ctx.db, workshop_id=workshop_id, viewer=ctx.actor)
    if page is None:
        raise NotFound("workshop_not_found", N_("There is no such workshop."))
    membership = page.viewer_membership
    return {
        "page": page,
        "workshop": page.workshop,
        "can_join": rules.can_request_to_join(ctx.actor, membership),
        "can_leave": rules.can_leave(ctx.actor, membership),
        "can_decide": rules.can_decide_membership(ctx.actor, membership),
        "can_edit": rules.can_edit_workshop(ctx.actor),
        "can_appoint": rules.can_appoint_facilitator(ctx.actor),
        "candidates": _facilitator_candidates(ctx, page) if rules.can_appoint_facilitator(ctx.actor) else [],
        "documents": [
            d for d in list_workshop_documents(ctx.db, workshop_id=workshop_id) if can_read_document(ctx.actor, d)
        ],
        "can_create_document": can_create_document(ctx.actor, membership),
        "resolutions": list_workshop_resolutions(ctx.db, workshop_id=workshop_id),
        "sessions": list_upcoming_workshop_sessions(
            ctx.db, workshop_id=workshop_id, now=utcnow(), public_only=ctx.actor is None
        ),
        "can_add_session": can_manage_sessions(ctx.actor, membership),
    }


def _facilitator_candidates(ctx: Ctx, page) -> list:
    facilitator_ids = {u.id for u in page.facilitators}
    return [u for u in list_users(ctx.db) if u.id not in facilitator_ids and u.is_active]


@endpoint
def workshop_page(ctx: Ctx) -> Response:
    return ctx.render("workshops/page.html", _page_context(ctx, ctx.request.path_params["workshop_id"]))


def _answer(ctx: Ctx, workshop: Workshop, partial: str, message: str) -> Response:
    """Under htmx, the part of the workshop's page that changed; a plain form goes back to the page."""
    if ctx.is_htmx:
        return ctx.render(partial, _page_context(ctx, saved_id(workshop)))
    ctx.flash(message)
    return ctx.redirect("workshop", workshop_id=workshop.id)


@endpoint
def workshop_join(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    workshop = loaders.workshop(ctx)
    actions.check_request_membership(ctx.db, workshop=workshop, actor=actor, message=ctx.form.get("message", ""))
    return _answer(
        ctx,
        workshop,
        "workshops/_membership.html",
        gettext("Your request is sent. A facilitator of the workshop will answer it."),
    )


@endpoint
def workshop_leave(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    workshop = loaders.workshop(ctx)
    actions.do_leave_workshop(ctx.db, workshop=workshop, actor=actor)
    return _answer(ctx, workshop, "workshops/_membership.html", gettext("You have left the workshop."))


@endpoint
def workshop_decide(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    workshop = loaders.workshop(ctx)
    approve = ctx.form.get("decision") == "approve"
    actions.do_decide_membership(
        ctx.db, workshop=workshop, user_id=ctx.request.path_params["user_id"], approve=approve, actor=actor
    )
    message = gettext("The request is approved.") if approve else gettext("The request is declined.")
    if ctx.form.get("back") == "home":
        # Decided from the home page's list of what needs the facilitator: back to that list.
        ctx.flash(message)
        return ctx.redirect("home")
    return _answer(ctx, workshop, "workshops/_people.html", message)


@endpoint
def workshop_facilitator(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    workshop = loaders.workshop(ctx)
    user_id = params.id_or_none(ctx.form.get("user_id"))
    if user_id is None:
        raise NotFound("user_not_found", N_("There is no such person."))
    appoint = ctx.form.get("appoint", "1") == "1"
    actions.do_set_facilitator(ctx.db, workshop=workshop, user_id=user_id, appoint=appoint, actor=actor)
    ctx.flash(gettext("The facilitator is appointed.") if appoint else gettext("The facilitator is removed."))
    return ctx.redirect("workshop", workshop_id=workshop.id)
