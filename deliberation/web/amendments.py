"""Amendments to a document: proposing and editing them, their page, stances, and the decisions on them."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..accounts.queries import get_user
from ..db import saved_id
from ..discussion import actions, comments, queries, rules
from ..discussion.actions import AmendmentConflict
from ..discussion.models import Amendment, AmendmentKind, Comment
from ..drafting import queries as drafting_queries
from ..drafting.queries import DocumentView
from ..errors import NotFound
from ..i18n import N_, gettext
from ..text.changes import group_changes
from ..text.diff import diff_summary
from ..workshops.models import Membership
from . import loaders
from .comments import back_to_comment, selected_passage
from .context import Ctx, endpoint
from .form_page import form_page
from .rendering import change_rows, clash_views


def routes() -> list[Route]:
    return [
        Route("/documents/{document_id:id}/amendments", amendments_page, name="amendments"),
        Route(
            "/documents/{document_id:id}/amendments/new", amendment_new, methods=["GET", "POST"], name="amendment_new"
        ),
        Route("/amendments/{amendment_id:id}", amendment_page, methods=["GET", "POST"], name="amendment"),
        Route("/amendments/{amendment_id:id}/edit", amendment_edit, methods=["GET", "POST"], name="amendment_edit"),
        Route("/amendments/{amendment_id:id}/stance", amendment_stance, methods=["POST"], name="amendment_stance"),
        Route("/amendments/{amendment_id:id}/accept", amendment_accept, methods=["POST"], name="amendment_accept"),
        Route("/amendments/{amendment_id:id}/reject", amendment_reject, methods=["POST"], name="amendment_reject"),
        Route(
            "/amendments/{amendment_id:id}/withdraw", amendment_withdraw, methods=["POST"], name="amendment_withdraw"
        ),
    ]


def _amendment(ctx: Ctx) -> tuple[Amendment, DocumentView, Membership | None]:
    amendment = queries.get_amendment(ctx.db, ctx.request.path_params["amendment_id"])
    if amendment is None:
        raise NotFound("amendment_not_found", N_("There is no such amendment."))
    view = loaders.document_view(ctx, amendment.document_id)
    return amendment, view, loaders.membership(ctx, saved_id(view.workshop))


def _groups(summaries) -> list[list]:
    """Amendments on the same paragraph side by side, in the order of the text."""
    groups: dict = {}
    for summary in summaries:
        groups.setdefault(summary.amendment.target_pid, []).append(summary)
    return list(groups.values())


@endpoint
def amendments_page(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx, ctx.request.path_params["document_id"])
    status = ctx.request.query_params.get("status", "open")
    summaries = queries.list_amendments(
        ctx.db, document_id=saved_id(view.document), status=None if status == "all" else status
    )
    order: dict[str | None, int] = {p.pid: i for i, p in enumerate(drafting_queries.paragraphs_of(view.revision))}
    summaries.sort(key=lambda s: (order.get(s.amendment.target_pid, -1), s.amendment.id))
    return ctx.render(
        "discussion/amendments.html",
        {
            "document": view.document,
            "workshop": view.workshop,
            "groups": _groups(summaries),
            "status": status,
            "paragraph_texts": {p.pid: p.text for p in drafting_queries.paragraphs_of(view.revision)},
            "can_propose": rules.can_propose_amendment(ctx.actor, view.document),
        },
    )


@endpoint
def amendment_new(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx, ctx.request.path_params["document_id"])
    ctx.require(rules.can_propose_amendment(ctx.actor, view.document))
    selection = selected_passage(ctx, view)
    source = ctx.form if ctx.request.method == "POST" else ctx.request.query_params
    kind = source.get("kind", "replace")

    def initial() -> dict:
        proposed = selection["quote"] or (selection["paragraph"].text if selection["paragraph"] else "")
        if kind == AmendmentKind.WHOLE:
            proposed = view.revision.body
        elif kind in (AmendmentKind.INSERT, AmendmentKind.DELETE):
            proposed = ""
        return {"proposed": proposed}

    return form_page(
        ctx,
        "discussion/amendment_form.html",
        {
            "document": view.document,
            "workshop": view.workshop,
            "revision": view.revision,
            "selection": selection,
            "kind": kind,
            "paragraphs": drafting_queries.paragraphs_of(view.revision),
        },
        initial=initial,
        preview="proposed",
        save=lambda: actions.check_propose_amendment(
            ctx.db, document=view.document, actor=ctx.require_actor(), data=ctx.form
        ),
        flash=gettext("Your amendment is proposed. Members can now support or oppose it."),
        done=lambda amendment: ctx.redirect("amendment", amendment_id=amendment.id),
    )


def _amendment_context(ctx: Ctx, amendment: Amendment, view, membership) -> dict:
    document = view.document
    change = actions.amendment_change(ctx.db, amendment=amendment, document=document)
    context = {
        "amendment": amendment,
        "document": document,
        "workshop": view.workshop,
        "change": change,
        "excerpts": [],
        "whole": [],
        "clashes": clash_views(change.merge.chunks)[0] if change.after is None and change.merge else [],
        "summary": None,
        "author": get_user(ctx.db, amendment.author_id),
        "stances": queries.list_stances(ctx.db, amendment_id=saved_id(amendment)),
        "counts": queries.stance_counts(ctx.db, amendment_ids=[saved_id(amendment)]).get(
            saved_id(amendment), queries.StanceCount()
        ),
        "my_stance": queries.get_stance(
            ctx.db, amendment_id=saved_id(amendment), user_id=saved_id(ctx.actor) if ctx.actor else None
        ),
        "competing": queries.list_competing(ctx.db, amendment=amendment),
        "threads": queries.list_threads(
            ctx.db,
            document_id=document.id,
            amendment_id=amendment.id,
            include_hidden=rules.is_moderator(ctx.actor, membership),
        ),
        "can_stance": rules.can_take_stance(ctx.actor, amendment),
        "can_edit": rules.can_edit_amendment(ctx.actor, amendment),
        "can_decide": rules.can_decide_amendment(ctx.actor, membership, amendment, document),
        "can_comment": rules.can_comment(ctx.actor, document),
        "moderator": rules.is_moderator(ctx.actor, membership),
        "membership": membership,
        "rules": rules,
        "errors": {},
        "values": {},
        "accept_error": "",
    }
    if change.after is not None:
        rows = change_rows(change.before, change.after)
        context["excerpts"] = group_changes(rows)
        context["whole"] = group_changes(rows, context=None)
        context["summary"] = diff_summary(change.before, change.after)
    return context


@endpoint
def amendment_page(ctx: Ctx) -> Response:
    amendment, view, membership = _amendment(ctx)

    def post_comment() -> Comment:
        actor = ctx.require_actor()
        return comments.check_post_comment(
            ctx.db, document=view.document, actor=actor, data=ctx.form, amendment=amendment
        )

    return form_page(
        ctx,
        "discussion/amendment.html",
        _amendment_context(ctx, amendment, view, membership),
        save=post_comment,
        flash=gettext("Your comment is posted."),
        done=lambda comment: back_to_comment(ctx, comment),
    )


@endpoint
def amendment_edit(ctx: Ctx) -> Response:
    amendment, view, _ = _amendment(ctx)
    ctx.require(rules.can_edit_amendment(ctx.actor, amendment))
    return form_page(
        ctx,
        "discussion/amendment_edit.html",
        {"amendment": amendment, "document": view.document},
        initial=lambda: {"proposed": amendment.proposed, "rationale": amendment.rationale},
        preview="proposed",
        save=lambda: actions.check_edit_amendment(
            ctx.db, amendment=amendment, document=view.document, actor=ctx.require_actor(), data=ctx.form
        ),
        flash=gettext("The amendment is updated. Stances given to the earlier version wait for confirmation."),
        done=lambda _: ctx.redirect("amendment", amendment_id=amendment.id),
    )


@endpoint
def amendment_stance(ctx: Ctx) -> Response:
    amendment, _, _ = _amendment(ctx)
    actor = ctx.require_actor()
    actions.do_take_stance(ctx.db, amendment=amendment, actor=actor, stance=ctx.form.get("stance", ""))
    return ctx.redirect("amendment", amendment_id=amendment.id, fragment="stances")


@endpoint
def amendment_accept(ctx: Ctx) -> Response:
    amendment, view, membership = _amendment(ctx)
    actor = ctx.require_actor()
    try:
        revision = actions.do_accept_amendment(
            ctx.db, amendment=amendment, document=view.document, actor=actor, membership=membership
        )
    except AmendmentConflict as conflict:
        context = _amendment_context(ctx, amendment, view, membership)
        return ctx.render("discussion/amendment.html", context | {"accept_error": conflict.message()}, status=409)
    ctx.flash(gettext("The amendment is accepted as version %(number)s.", number=revision.number))
    return ctx.redirect("document", document_id=view.document.id)


@endpoint
def amendment_reject(ctx: Ctx) -> Response:
    amendment, view, membership = _amendment(ctx)
    actor = ctx.require_actor()
    actions.check_reject_amendment(
        ctx.db, amendment=amendment, document=view.document, actor=actor, membership=membership, data=ctx.form
    )
    ctx.flash(gettext("The amendment is rejected."))
    return ctx.redirect("amendment", amendment_id=amendment.id)


@endpoint
def amendment_withdraw(ctx: Ctx) -> Response:
    amendment, _, _ = _amendment(ctx)
    actor = ctx.require_actor()
    actions.do_withdraw_amendment(ctx.db, amendment=amendment, actor=actor)
    ctx.flash(gettext("You have withdrawn the amendment."))
    return ctx.redirect("amendment", amendment_id=amendment.id)
