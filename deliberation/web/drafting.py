"""Document pages: create, read, edit with merging, history, compare, restore, attribution."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..calendar.queries import list_plan_sessions
from ..db import saved_id
from ..discussion.queries import AcceptedAmendment, list_accepted_amendments, margin_counts, open_amendment_counts
from ..discussion.rules import can_comment
from ..drafting import actions, queries, rules, saving
from ..drafting.models import Document, DocumentKind, DocumentStatus, RevisionOrigin
from ..drafting.queries import paragraphs_of
from ..drafting.saving import MergeConflict
from ..drafting.starters import STARTERS
from ..drafting.words import revision_words
from ..errors import ValidationError
from ..forums import queries as forum_queries
from ..forums import rules as forum_rules
from ..i18n import gettext
from ..notifications.queries import is_following
from ..resolutions.queries import get_resolution_for_document
from ..text import attribution
from ..text.paragraphs import number_points
from ..text.units import render_units
from ..voting.queries import list_document_votes
from . import loaders, params
from .compare import render_compare
from .context import Ctx, endpoint
from .document_text import document_text
from .form_page import form_page
from .rendering import NO_PREVIEW, clash_views, preview_context


def routes() -> list[Route]:
    return [
        Route("/workshops/{workshop_id:id}/documents/new", document_new, methods=["GET", "POST"], name="document_new"),
        Route("/documents/{document_id:id}", document_page, name="document"),
        Route("/documents/{document_id:id}/edit", document_edit, methods=["GET", "POST"], name="document_edit"),
        Route("/documents/{document_id:id}/preview", document_preview, methods=["POST"], name="document_preview"),
        Route("/documents/{document_id:id}/resolve", document_resolve, methods=["POST"], name="document_resolve"),
        Route("/documents/{document_id:id}/history", document_history, name="document_history"),
        Route("/documents/{document_id:id}/revisions/{number:id}", revision_page, name="revision"),
        Route(
            "/documents/{document_id:id}/revisions/{number:id}/restore",
            revision_restore,
            methods=["POST"],
            name="revision_restore",
        ),
        Route("/documents/{document_id:id}/compare", document_compare, name="document_compare"),
        Route("/documents/{document_id:id}/attribution", document_attribution, name="document_attribution"),
        Route("/documents/{document_id:id}/head", document_head, name="document_head"),
        Route("/documents/{document_id:id}/tags", document_tags, methods=["POST"], name="document_tags"),
        Route("/documents/{document_id:id}/status", document_status, methods=["POST"], name="document_status"),
    ]


def _units(revision):
    paragraphs = paragraphs_of(revision)
    return render_units(paragraphs, point_labels=number_points(paragraphs))


def _document_context(ctx: Ctx, view) -> dict:
    membership = loaders.membership(ctx, view.workshop.id)
    document = view.document
    is_head = view.revision.number == document.head_number
    context = {
        "margin": margin_counts(ctx.db, document_id=document.id) if is_head else None,
        "amendment_counts": open_amendment_counts(ctx.db, document_id=document.id) if is_head else {},
        "can_discuss": can_comment(ctx.actor, document),
        "following": is_following(ctx.db, user_id=saved_id(ctx.actor), document_id=saved_id(document))
        if ctx.actor
        else False,
        "view": view,
        "document": document,
        "workshop": view.workshop,
        "revision": view.revision,
        "revision_words": _amendment_words(ctx, document.id, view.revision),
        "is_head": is_head,
        "can_edit": rules.can_edit_document(ctx.actor, membership, document),
        "saved_draft": ctx.session.pop("saved_draft", ""),
        "status_changes": [
            s
            for s in rules.WORKSHOP_STATUS_CHANGES.get(document.status, ())
            if rules.can_change_status(ctx.actor, membership, document, s)
        ],
        **_submit_context(ctx, membership, document),
        # Why the forum sent the text back, while it is a draft again: what the workshop has to fix.
        "returned": forum_queries.last_return(ctx.db, document.id) if document.status == DocumentStatus.DRAFT else None,
        # The forum's record stays with the text: the votes on it and, once adopted, its resolution.
        "forum_votes": list_document_votes(ctx.db, document.id),
        "resolution": get_resolution_for_document(ctx.db, document.id)
        if document.status == DocumentStatus.ADOPTED
        else None,
        # An activity plan lists the sessions that carry it out (they link to it).
        "plan_sessions": list_plan_sessions(ctx.db, document_id=document.id, public_only=ctx.actor is None)
        if document.kind == DocumentKind.ACTIVITY_PLAN
        else None,
    }
    # The paragraphs are rendered only when the text is not already kept for what it shows.
    return context | {"document_text": document_text(ctx, context, units=lambda: _units(view.revision))}


def _submit_context(ctx: Ctx, membership, document: Document) -> dict:
    """The forums a facilitator may submit this draft to (forums/_submit.html), loaded only for them."""
    can_submit = forum_rules.can_submit_document(ctx.actor, membership, document)
    return {
        "can_submit": can_submit,
        "submit_forums": forum_queries.list_forums_open_for_submission(ctx.db) if can_submit else [],
    }


@endpoint
def document_new(ctx: Ctx) -> Response:
    workshop = loaders.workshop(ctx)
    membership = loaders.membership(ctx, saved_id(workshop))
    ctx.require(rules.can_create_document(ctx.actor, membership))

    def initial() -> dict:
        kind = ctx.request.query_params.get("kind", "")
        return {"kind": kind, "body": gettext(STARTERS[kind]) if kind in STARTERS else ""}

    return form_page(
        ctx,
        "drafting/new.html",
        {"workshop": workshop, "starters": {k: gettext(v) for k, v in STARTERS.items()}},
        initial=initial,
        save=lambda: actions.check_create_document(
            ctx.db, workshop=workshop, actor=ctx.require_actor(), membership=membership, data=ctx.form
        ),
        flash=gettext("The document is created. Everyone in the workshop can now edit it."),
        done=lambda document: ctx.redirect("document", document_id=document.id),
    )


@endpoint
def document_page(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    return ctx.render("drafting/document.html", _document_context(ctx, view))


@endpoint
def revision_page(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx, number=ctx.request.path_params["number"])
    return ctx.render("drafting/document.html", _document_context(ctx, view))


@endpoint
def document_edit(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    membership = loaders.membership(ctx, saved_id(view.workshop))
    ctx.require(rules.can_edit_document(ctx.actor, membership, view.document))
    if ctx.reads:
        return _edit_form(
            ctx, view, {"title": view.revision.title, "body": view.revision.body, "base": view.revision.number}
        )
    if ctx.form.get("preview"):
        # The preview button without JavaScript: the same form again, the text as typed, nothing saved.
        return _edit_form(ctx, view, ctx.form, preview=preview_context(ctx.form, "body"))
    try:
        saved = actions.check_save_revision(
            ctx.db, document=view.document, actor=ctx.require_actor(), membership=membership, data=ctx.form
        )
    except ValidationError as error:
        return _edit_form(ctx, view, ctx.form, error.errors, status=422)
    except MergeConflict as conflict:
        return _conflict_page(ctx, view, conflict)
    except saving.NothingChanged as error:
        return _edit_form(ctx, view, ctx.form, {"body": error}, status=422)
    return _after_save(ctx, view.document, saved)


def _after_save(ctx: Ctx, document: Document, saved) -> Response:
    if saved.merged:
        ctx.flash(
            gettext(
                "Someone saved in the meantime; your changes did not overlap theirs, so both are kept "
                "in version %(number)s.",
                number=saved.revision.number,
            )
        )
    else:
        ctx.flash(gettext("Version %(number)s is saved.", number=saved.revision.number))
    # The page after a save tells the browser it may forget the copy it kept while typing.
    ctx.session["saved_draft"] = f"document-{document.id}"
    return ctx.redirect("document", document_id=document.id)


def _edit_form(ctx: Ctx, view, values, errors=None, *, status: int = 200, preview: dict | None = None) -> Response:
    return ctx.render(
        "drafting/edit.html",
        {
            "document": view.document,
            "workshop": view.workshop,
            "revision": view.revision,
            "values": values,
            "errors": errors or {},
        }
        | (preview or NO_PREVIEW),
        status=status,
    )


@endpoint
def document_preview(ctx: Ctx) -> Response:
    """The text being written, rendered as it will read: the editors' live preview (an htmx
    fragment). The document editor sends ``body``, the amendment forms ``proposed``."""
    view = loaders.document_view(ctx)
    ctx.require_actor()
    name = "body" if "body" in ctx.form else "proposed"
    context = preview_context(ctx.form, name) | {"document": view.document}
    return ctx.render("drafting/_preview.html", context, status=422 if context["preview_error"] else 200)


def _conflict_page(ctx: Ctx, view, conflict: MergeConflict) -> Response:
    clashes, rest = clash_views(conflict.result.chunks)
    return ctx.render(
        "drafting/conflict.html",
        {
            "document": view.document,
            "workshop": view.workshop,
            "conflict": conflict,
            "chunks": conflict.result.chunks,
            "clashes": clashes,
            "rest": rest,
            "base": conflict.base,
            "head": conflict.head,
            "mine": conflict.mine,
            "title": conflict.title,
            "summary": conflict.summary,
            "errors": conflict.errors,
        },
        status=422 if conflict.errors else 409,
    )


@endpoint
def document_resolve(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    membership = loaders.membership(ctx, saved_id(view.workshop))
    try:
        saved = actions.check_resolve_conflict(
            ctx.db, document=view.document, actor=ctx.require_actor(), membership=membership, data=ctx.form
        )
    except MergeConflict as conflict:
        return _conflict_page(ctx, view, conflict)
    return _after_save(ctx, view.document, saved)


@endpoint
def revision_restore(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    membership = loaders.membership(ctx, saved_id(view.workshop))
    saved = actions.do_restore_revision(
        ctx.db,
        document=view.document,
        actor=ctx.require_actor(),
        membership=membership,
        number=ctx.request.path_params["number"],
    )
    ctx.flash(
        gettext(
            "Version %(old)s is restored as version %(number)s.",
            old=ctx.request.path_params["number"],
            number=saved.revision.number,
        )
    )
    return ctx.redirect("document", document_id=view.document.id)


@endpoint
def document_history(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    page = params.page(ctx.request.query_params.get("page"))
    history = queries.list_history(ctx.db, document_id=saved_id(view.document), page=page)
    membership = loaders.membership(ctx, saved_id(view.workshop))
    accepted = list_accepted_amendments(
        ctx.db,
        document_id=saved_id(view.document),
        numbers={e.revision.number for e in history.entries if e.revision.origin == RevisionOrigin.AMENDMENT},
    )
    return ctx.render(
        "drafting/history.html",
        {
            "document": view.document,
            "workshop": view.workshop,
            "history": history,
            "words": {e.revision.number: _revision_words(e.revision, accepted) for e in history.entries},
            "amendments": {number: a.amendment.id for number, a in accepted.items()},
            "can_edit": rules.can_edit_document(ctx.actor, membership, view.document),
        },
    )


def _amendment_words(ctx: Ctx, document_id: int, revision):
    """For a version an accepted amendment made, what the page says instead of its stored note («#7»)."""
    if revision.origin != RevisionOrigin.AMENDMENT:
        return None
    accepted = list_accepted_amendments(ctx.db, document_id=document_id, numbers={revision.number})
    return _revision_words(revision, accepted)


def _revision_words(revision, accepted: dict[int, AcceptedAmendment]):
    """How a version came to be, in words; an accepted amendment named with its author."""
    found = accepted.get(revision.number)
    return revision_words(
        origin=revision.origin,
        source_number=revision.source_number,
        amendment_number=found.amendment.id if found else None,
        amendment_author=found.author.display_name if found else None,
        vote_number=found.vote_number if found else None,
    )


@endpoint
def document_compare(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    old, new = loaders.compared_revisions(ctx, view)
    return render_compare(
        ctx,
        "drafting/compare.html",
        {"document": view.document, "workshop": view.workshop},
        old=old,
        new=new,
        newest=view.document.head_number,
    )


@endpoint
def document_attribution(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    revision = view.revision
    spans = attribution.expand(revision.attribution)
    paragraphs = attribution.by_paragraph(revision.body, spans)
    origins = {origin for paragraph in paragraphs for _, origin in paragraph}
    authors = queries.list_revision_authors(ctx.db, document_id=saved_id(view.document), numbers=origins)
    return ctx.render(
        "drafting/attribution.html",
        {
            "document": view.document,
            "workshop": view.workshop,
            "revision": revision,
            "paragraphs": paragraphs,
            "authors": authors,
        },
    )


@endpoint
def document_head(ctx: Ctx) -> Response:
    """Polled by open pages: 204 while the reader's version is the newest, a notice once it is not."""
    view = loaders.document_view(ctx)
    known = params.number(ctx.request.query_params.get("known"), name="known", minimum=0, default=0)
    if view.document.head_number <= known:
        return Response(status_code=204)
    return ctx.render(
        "drafting/_newer.html",
        {"document": view.document, "known": known, "head": view.revision, "head_author": view.author},
    )


@endpoint
def document_tags(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    membership = loaders.membership(ctx, saved_id(view.workshop))
    actions.check_update_tags(
        ctx.db, document=view.document, actor=ctx.require_actor(), membership=membership, data=ctx.form
    )
    ctx.flash(gettext("The tags are saved."))
    return ctx.redirect("document", document_id=view.document.id)


@endpoint
def document_status(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx)
    membership = loaders.membership(ctx, saved_id(view.workshop))
    actions.do_set_document_status(
        ctx.db,
        document=view.document,
        actor=ctx.require_actor(),
        membership=membership,
        status=ctx.form.get("status", ""),
    )
    ctx.flash(gettext("The document's status is changed."))
    return ctx.redirect("document", document_id=view.document.id)
