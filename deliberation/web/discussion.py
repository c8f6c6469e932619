"""Discussion pages: comments on passages, amendments, stances and decisions."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from ..accounts.queries import get_user
from ..discussion import actions, comments, queries, rules
from ..discussion.actions import AmendmentConflict
from ..discussion.models import Amendment, AmendmentKind, Comment
from ..drafting import queries as drafting_queries
from ..drafting.rules import can_read_document
from ..errors import NotFound, ValidationError
from ..i18n import N_, gettext
from ..text.changes import group_changes
from ..text.diff import diff_summary
from ..workshops.queries import get_membership
from . import params
from .context import Ctx, endpoint
from .rendering import NO_PREVIEW, change_rows, clash_views, preview_context

# Threads per page of a document's comments: 2,000 comments on one page were 2.6 MB of HTML.
COMMENTS_PER_PAGE = 50


def routes() -> list[Route]:
    return [
        Route("/documents/{document_id:id}/comments", comments_page, methods=["GET", "POST"], name="comments"),
        Route("/comments/{comment_id:id}/edit", comment_edit, methods=["GET", "POST"], name="comment_edit"),
        Route("/comments/{comment_id:id}/history", comment_history, name="comment_history"),
        Route("/comments/{comment_id:id}/resolve", comment_resolve, methods=["POST"], name="comment_resolve"),
        Route("/comments/{comment_id:id}/hide", comment_hide, methods=["POST"], name="comment_hide"),
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


def _document_view(ctx: Ctx, document_id: int):
    view = drafting_queries.get_document_view(ctx.db, document_id=document_id)
    if view is None or not can_read_document(ctx.actor, view.document):
        if view is not None and ctx.actor is None and ctx.app_state.identity is None:
            ctx.require_actor()
        raise NotFound("document_not_found", N_("There is no such document, or it is not public."))
    return view


def _membership(ctx: Ctx, workshop_id: int):
    return get_membership(ctx.db, workshop_id=workshop_id, user_id=ctx.actor.id if ctx.actor else None)


def _comment(ctx: Ctx) -> tuple[Comment, object, object]:
    comment = queries.get_comment(ctx.db, ctx.request.path_params["comment_id"])
    if comment is None:
        raise NotFound("comment_not_found", N_("There is no such comment."))
    view = _document_view(ctx, comment.document_id)
    membership = _membership(ctx, view.workshop.id)
    if not rules.can_see_comment(ctx.actor, membership, comment):
        # Hidden comments do not exist for anyone but moderators.
        raise NotFound("comment_not_found", N_("There is no such comment."))
    return comment, view, membership


def _back_to_comment(ctx: Ctx, comment: Comment) -> Response:
    if comment.amendment_id:
        return ctx.redirect("amendment", amendment_id=comment.amendment_id, fragment=f"comment-{comment.id}")
    # ?comment= finds the page the comment's thread is on.
    query = ({"pid": comment.anchor_pid} if comment.anchor_pid else {}) | {"comment": comment.id}
    return ctx.redirect("comments", document_id=comment.document_id, query=query, fragment=f"comment-{comment.id}")


def _selection(ctx: Ctx, view) -> dict:
    """The paragraph (and passage) a comment or amendment form is about, from the query or the form."""
    source = ctx.form if ctx.request.method == "POST" else ctx.request.query_params
    pid = source.get("pid", "")
    paragraphs = drafting_queries.paragraphs_of(view.revision)
    paragraph = next((p for p in paragraphs if p.pid == pid), None)
    start = params.number_or_none(source.get("start"), minimum=0)
    end = params.number_or_none(source.get("end"), minimum=0)
    wanted = " ".join(source.get("quote", "").split())
    if paragraph and wanted and (start is None or end is None):
        # The browser sends the selected words as rendered; find them in the paragraph's source.
        found = paragraph.text.find(wanted)
        if found >= 0:
            start, end = found, found + len(wanted)
    quote = ""
    if paragraph and start is not None and end is not None and start < end <= len(paragraph.text):
        quote = paragraph.text[start:end]
        start, end = str(start), str(end)
    else:
        start = end = ""
    return {"pid": pid if paragraph else "", "paragraph": paragraph, "start": start, "end": end, "quote": quote}


@endpoint
def comments_page(ctx: Ctx) -> Response:
    view = _document_view(ctx, ctx.request.path_params["document_id"])
    membership = _membership(ctx, view.workshop.id)
    moderator = rules.is_moderator(ctx.actor, membership)
    errors = {}
    if ctx.request.method == "POST":
        ctx.require_actor()
        try:
            comment = comments.check_post_comment(ctx.db, document=view.document, actor=ctx.actor, data=ctx.form)
        except ValidationError as error:
            errors = error.errors
        else:
            ctx.flash(gettext("Your comment is posted."))
            return _back_to_comment(ctx, comment)
    selection = _selection(ctx, view)
    pid = selection["pid"] or None
    scope = ctx.request.query_params.get("show", "")
    if scope not in ("document", "outdated"):
        scope = ""
    filters = {
        "pid": pid,
        "include_hidden": moderator,
        "outdated": scope == "outdated",
        "whole_document": scope == "document",
    }
    total = queries.count_threads(ctx.db, document_id=view.document.id, **filters)
    pages = max(1, -(-total // COMMENTS_PER_PAGE))
    page = min(
        _comment_page(ctx, view, membership, filters)
        or params.number_or_none(ctx.request.query_params.get("page"), maximum=params.PAGE_MAX)
        or 1,
        pages,
    )
    threads = queries.list_threads(
        ctx.db, document_id=view.document.id, offset=(page - 1) * COMMENTS_PER_PAGE, limit=COMMENTS_PER_PAGE, **filters
    )
    return ctx.render(
        "discussion/comments.html",
        {
            "document": view.document,
            "workshop": view.workshop,
            "revision": view.revision,
            "selection": selection,
            "threads": threads,
            "total": total,
            "page": page,
            "pages": pages,
            "page_hrefs": {n: _page_href(ctx, view.document.id, n, pid, scope) for n in _pager(page, pages)},
            "scope": scope,
            "membership": membership,
            "moderator": moderator,
            "can_comment": rules.can_comment(ctx.actor, view.document),
            "errors": errors,
            "values": ctx.form if errors else {},
            "counts": queries.margin_counts(ctx.db, document_id=view.document.id),
            "rules": rules,
        },
        status=422 if errors else 200,
    )


def _comment_page(ctx: Ctx, view, membership, filters: dict) -> int | None:
    """The page holding ``?comment=``'s thread, so a permalink finds its comment among the pages."""
    wanted = params.id_or_none(ctx.request.query_params.get("comment"))
    comment = queries.get_comment(ctx.db, wanted) if wanted else None
    if (
        comment is None
        or comment.document_id != view.document.id
        or not rules.can_see_comment(ctx.actor, membership, comment)
    ):
        return None
    position = queries.thread_position(ctx.db, comment=comment, document_id=view.document.id, **filters)
    return None if position is None else position // COMMENTS_PER_PAGE + 1


def _pager(page: int, pages: int) -> list[int]:
    """The first, the last and the pages around this one."""
    return sorted({1, pages} | {n for n in range(page - 2, page + 3) if 1 <= n <= pages}) if pages > 1 else []


def _page_href(ctx: Ctx, document_id: int, page: int, pid: str | None, scope: str) -> str:
    query = {
        key: value for key, value in (("pid", pid), ("show", scope), ("page", page if page > 1 else None)) if value
    }
    return ctx.url("comments", document_id=document_id) + (f"?{urlencode(query)}" if query else "")


@endpoint
def comment_edit(ctx: Ctx) -> Response:
    comment, view, _ = _comment(ctx)
    ctx.require(rules.can_edit_comment(ctx.actor, comment))
    if ctx.request.method == "GET":
        return ctx.render(
            "discussion/comment_edit.html",
            {"comment": comment, "document": view.document, "values": {"body": comment.body}, "errors": {}},
        )
    try:
        comments.check_edit_comment(ctx.db, comment=comment, actor=ctx.actor, data=ctx.form)
    except ValidationError as error:
        return ctx.render(
            "discussion/comment_edit.html",
            {"comment": comment, "document": view.document, "values": ctx.form, "errors": error.errors},
            status=422,
        )
    ctx.flash(gettext("Your comment is saved; its earlier text is kept in its history."))
    return _back_to_comment(ctx, comment)


@endpoint
def comment_history(ctx: Ctx) -> Response:
    comment, view, _ = _comment(ctx)
    ctx.require_actor()
    return ctx.render(
        "discussion/comment_history.html",
        {
            "comment": comment,
            "document": view.document,
            "edits": queries.list_comment_edits(ctx.db, comment_id=comment.id),
        },
    )


@endpoint
def comment_resolve(ctx: Ctx) -> Response:
    comment, _, membership = _comment(ctx)
    ctx.require_actor()
    comments.do_resolve_comment(
        ctx.db, comment=comment, actor=ctx.actor, membership=membership, resolved=ctx.form.get("resolved") == "1"
    )
    return _back_to_comment(ctx, comment)


@endpoint
def comment_hide(ctx: Ctx) -> Response:
    comment, _, membership = _comment(ctx)
    ctx.require_actor()
    comments.check_hide_comment(ctx.db, comment=comment, actor=ctx.actor, membership=membership, data=ctx.form)
    ctx.flash(gettext("The comment is hidden. Moderators still see it, with the reason."))
    return _back_to_comment(ctx, comment)


# --- amendments ----------------------------------------------------------------------------------


def _amendment(ctx: Ctx) -> tuple[Amendment, object, object]:
    amendment = queries.get_amendment(ctx.db, ctx.request.path_params["amendment_id"])
    if amendment is None:
        raise NotFound("amendment_not_found", N_("There is no such amendment."))
    view = _document_view(ctx, amendment.document_id)
    return amendment, view, _membership(ctx, view.workshop.id)


def _groups(summaries) -> list[list]:
    """Amendments on the same paragraph side by side, in the order of the text."""
    groups: dict = {}
    for summary in summaries:
        groups.setdefault(summary.amendment.target_pid, []).append(summary)
    return list(groups.values())


@endpoint
def amendments_page(ctx: Ctx) -> Response:
    view = _document_view(ctx, ctx.request.path_params["document_id"])
    status = ctx.request.query_params.get("status", "open")
    summaries = queries.list_amendments(
        ctx.db, document_id=view.document.id, status=None if status == "all" else status
    )
    order = {p.pid: i for i, p in enumerate(drafting_queries.paragraphs_of(view.revision))}
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
    view = _document_view(ctx, ctx.request.path_params["document_id"])
    ctx.require(rules.can_propose_amendment(ctx.actor, view.document))
    selection = _selection(ctx, view)
    source = ctx.form if ctx.request.method == "POST" else ctx.request.query_params
    kind = source.get("kind", "replace")
    context = {
        "document": view.document,
        "workshop": view.workshop,
        "revision": view.revision,
        "selection": selection,
        "kind": kind,
        "errors": {},
        "paragraphs": drafting_queries.paragraphs_of(view.revision),
    } | NO_PREVIEW
    if ctx.request.method == "GET":
        proposed = selection["quote"] or (selection["paragraph"].text if selection["paragraph"] else "")
        if kind == AmendmentKind.WHOLE:
            proposed = view.revision.body
        elif kind in (AmendmentKind.INSERT, AmendmentKind.DELETE):
            proposed = ""
        return ctx.render("discussion/amendment_form.html", context | {"values": {"proposed": proposed}})
    if ctx.form.get("preview"):
        # The preview button without JavaScript: the same form again, as filled in, nothing saved.
        return ctx.render(
            "discussion/amendment_form.html", context | {"values": ctx.form} | preview_context(ctx.form, "proposed")
        )
    try:
        amendment = actions.check_propose_amendment(ctx.db, document=view.document, actor=ctx.actor, data=ctx.form)
    except ValidationError as error:
        return ctx.render(
            "discussion/amendment_form.html", context | {"values": ctx.form, "errors": error.errors}, status=422
        )
    ctx.flash(gettext("Your amendment is proposed. Members can now support or oppose it."))
    return ctx.redirect("amendment", amendment_id=amendment.id)


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
        "stances": queries.list_stances(ctx.db, amendment_id=amendment.id),
        "counts": queries.stance_counts(ctx.db, amendment_ids=[amendment.id]).get(amendment.id, queries.StanceCount()),
        "my_stance": queries.get_stance(ctx.db, amendment_id=amendment.id, user_id=ctx.actor.id if ctx.actor else None),
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
    context = _amendment_context(ctx, amendment, view, membership)
    if ctx.request.method == "POST":
        ctx.require_actor()
        try:
            comment = comments.check_post_comment(
                ctx.db, document=view.document, actor=ctx.actor, data=ctx.form, amendment=amendment
            )
        except ValidationError as error:
            return ctx.render(
                "discussion/amendment.html", context | {"errors": error.errors, "values": ctx.form}, status=422
            )
        ctx.flash(gettext("Your comment is posted."))
        return _back_to_comment(ctx, comment)
    return ctx.render("discussion/amendment.html", context)


@endpoint
def amendment_edit(ctx: Ctx) -> Response:
    amendment, view, _ = _amendment(ctx)
    ctx.require(rules.can_edit_amendment(ctx.actor, amendment))
    context = {"amendment": amendment, "document": view.document, "errors": {}} | NO_PREVIEW
    if ctx.request.method == "GET":
        return ctx.render(
            "discussion/amendment_edit.html",
            context | {"values": {"proposed": amendment.proposed, "rationale": amendment.rationale}},
        )
    if ctx.form.get("preview"):
        return ctx.render(
            "discussion/amendment_edit.html", context | {"values": ctx.form} | preview_context(ctx.form, "proposed")
        )
    try:
        actions.check_edit_amendment(
            ctx.db, amendment=amendment, document=view.document, actor=ctx.actor, data=ctx.form
        )
    except ValidationError as error:
        return ctx.render(
            "discussion/amendment_edit.html", context | {"values": ctx.form, "errors": error.errors}, status=422
        )
    ctx.flash(gettext("The amendment is updated. Stances given to the earlier version wait for confirmation."))
    return ctx.redirect("amendment", amendment_id=amendment.id)


@endpoint
def amendment_stance(ctx: Ctx) -> Response:
    amendment, _, _ = _amendment(ctx)
    ctx.require_actor()
    actions.do_take_stance(ctx.db, amendment=amendment, actor=ctx.actor, stance=ctx.form.get("stance", ""))
    return ctx.redirect("amendment", amendment_id=amendment.id, fragment="stances")


@endpoint
def amendment_accept(ctx: Ctx) -> Response:
    amendment, view, membership = _amendment(ctx)
    ctx.require_actor()
    try:
        revision = actions.do_accept_amendment(
            ctx.db, amendment=amendment, document=view.document, actor=ctx.actor, membership=membership
        )
    except AmendmentConflict as conflict:
        context = _amendment_context(ctx, amendment, view, membership)
        return ctx.render("discussion/amendment.html", context | {"accept_error": conflict.message()}, status=409)
    ctx.flash(gettext("The amendment is accepted as version %(number)s.", number=revision.number))
    return ctx.redirect("document", document_id=view.document.id)


@endpoint
def amendment_reject(ctx: Ctx) -> Response:
    amendment, view, membership = _amendment(ctx)
    ctx.require_actor()
    actions.check_reject_amendment(
        ctx.db, amendment=amendment, document=view.document, actor=ctx.actor, membership=membership, data=ctx.form
    )
    ctx.flash(gettext("The amendment is rejected."))
    return ctx.redirect("amendment", amendment_id=amendment.id)


@endpoint
def amendment_withdraw(ctx: Ctx) -> Response:
    amendment, _, _ = _amendment(ctx)
    ctx.require_actor()
    actions.do_withdraw_amendment(ctx.db, amendment=amendment, actor=ctx.actor)
    ctx.flash(gettext("You have withdrawn the amendment."))
    return ctx.redirect("amendment", amendment_id=amendment.id)
