"""The coordination committee's pages: registration policy, invitations, people, audit log."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..accounts import actions, queries
from ..accounts.models import RegistrationMode
from ..accounts.rules import can_manage_network
from ..audit import queries as audit_queries
from ..audit import words as audit_words
from ..drafting.models import DocumentStatus
from ..errors import ValidationError
from ..forums.models import ForumStatus
from ..i18n import gettext
from . import params
from .context import Ctx, endpoint

#: Stored values the audit log's sentences put into words, from the capabilities that own them.
_AUDIT_LABELS = {
    "status": {**DocumentStatus.options(), **ForumStatus.options()},
    "mode": RegistrationMode.options(),
}


def routes() -> list[Route]:
    return [
        Route("/admin", overview, name="admin"),
        Route("/admin/registration", registration, methods=["POST"], name="admin_registration"),
        Route("/admin/invitations", invitations, methods=["POST"], name="admin_invitations"),
        Route("/admin/people", people, name="admin_people"),
        Route("/admin/people/{user_id:id}/coordinator", coordinator, methods=["POST"], name="admin_coordinator"),
        Route("/admin/audit", audit, name="admin_audit"),
    ]


def _overview_context(ctx: Ctx) -> dict:
    return {
        "mode": queries.get_registration_mode(ctx.db),
        "invitations": queries.list_invitations(ctx.db),
        "new_link": "",
        "errors": {},
    }


@endpoint
def overview(ctx: Ctx) -> Response:
    ctx.require(can_manage_network(ctx.actor))
    return ctx.render("admin/overview.html", _overview_context(ctx))


@endpoint
def registration(ctx: Ctx) -> Response:
    ctx.require(can_manage_network(ctx.actor))
    actions.do_set_registration_mode(ctx.db, mode=ctx.form.get("mode", ""), actor=ctx.require_actor())
    ctx.flash(gettext("The registration policy is saved."))
    return ctx.redirect("admin")


@endpoint
def invitations(ctx: Ctx) -> Response:
    ctx.require(can_manage_network(ctx.actor))
    try:
        _, token = actions.check_create_invitation(
            ctx.db, actor=ctx.require_actor(), data=ctx.form, valid_days=ctx.settings.invitation_days
        )
    except ValidationError as error:
        return ctx.render("admin/overview.html", _overview_context(ctx) | {"errors": error.errors}, status=422)
    # The link is shown once, now: only its hash is stored. This one answer is sent uncompressed;
    # the overview without a new link is compressed like any page.
    ctx.keep_uncompressed()
    path = ctx.url("register") + f"?invite={token}"
    link = ctx.mail_link(path) or path
    return ctx.render("admin/overview.html", _overview_context(ctx) | {"new_link": link}, status=201)


@endpoint
def people(ctx: Ctx) -> Response:
    ctx.require(can_manage_network(ctx.actor))
    return ctx.render("admin/people.html", {"people": queries.list_users(ctx.db)})


@endpoint
def coordinator(ctx: Ctx) -> Response:
    ctx.require(can_manage_network(ctx.actor))
    value = ctx.form.get("value") == "1"
    actions.do_set_coordinator(
        ctx.db, user_id=ctx.request.path_params["user_id"], value=value, actor=ctx.require_actor()
    )
    ctx.flash(gettext("The role is changed."))
    return ctx.redirect("admin_people")


@endpoint
def audit(ctx: Ctx) -> Response:
    ctx.require(can_manage_network(ctx.actor))
    before = params.optional_number(ctx.request.query_params.get("before"), name="before")
    entries = audit_queries.list_entries(ctx.db, limit=100, before_id=before)
    names = queries.display_names(ctx.db, {entry.actor_id for entry in entries if entry.actor_id is not None})
    rows = [
        (
            entry,
            audit_words.sentence(
                action=entry.action,
                details=entry.details,
                object_id=entry.object_id,
                actor_name=names.get(entry.actor_id) if entry.actor_id is not None else None,
                labels=_AUDIT_LABELS,
            ),
        )
        for entry in entries
    ]
    return ctx.render("admin/audit.html", {"rows": rows, "older": entries[-1].id if len(entries) == 100 else None})
