"""Comments on a document: on its passages or the whole text, threads a page at a time, editing,
resolving and hiding them. Amendments, which are commented on too, are in web/amendments.py."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from ..db import saved_id
from ..discussion import comments, queries, rules
from ..discussion.models import Comment
from ..drafting import queries as drafting_queries
from ..drafting.queries import DocumentView
from ..errors import NotFound, ValidationError
from ..i18n import N_, gettext
from ..workshops.models import Membership
from . import loaders, params
from .context import Ctx, endpoint
from .form_page import form_page

# Threads per page of a document's comments: 2,000 comments on one page were 2.6 MB of HTML.
COMMENTS_PER_PAGE = 50


def routes() -> list[Route]:
    return [
        Route("/documents/{document_id:id}/comments", comments_page, methods=["GET", "POST"], name="comments"),
        Route("/comments/{comment_id:id}/edit", comment_edit, methods=["GET", "POST"], name="comment_edit"),
        Route("/comments/{comment_id:id}/history", comment_history, name="comment_history"),
        Route("/comments/{comment_id:id}/resolve", comment_resolve, methods=["POST"], name="comment_resolve"),
        Route("/comments/{comment_id:id}/hide", comment_hide, methods=["POST"], name="comment_hide"),
    ]


def _comment(ctx: Ctx) -> tuple[Comment, DocumentView, Membership | None]:
    comment = queries.get_comment(ctx.db, ctx.request.path_params["comment_id"])
    if comment is None:
        raise NotFound("comment_not_found", N_("There is no such comment."))
    view = loaders.document_view(ctx, comment.document_id)
    membership = loaders.membership(ctx, saved_id(view.workshop))
    if not rules.can_see_comment(ctx.actor, membership, comment):
        # Hidden comments do not exist for anyone but moderators.
        raise NotFound("comment_not_found", N_("There is no such comment."))
    return comment, view, membership


def back_to_comment(ctx: Ctx, comment: Comment) -> Response:
    if comment.amendment_id:
        return ctx.redirect("amendment", amendment_id=comment.amendment_id, fragment=f"comment-{comment.id}")
    # ?comment= finds the page the comment's thread is on.
    query = ({"pid": comment.anchor_pid} if comment.anchor_pid else {}) | {"comment": comment.id}
    return ctx.redirect("comments", document_id=comment.document_id, query=query, fragment=f"comment-{comment.id}")


def selected_passage(ctx: Ctx, view: DocumentView) -> dict:
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
    if paragraph and start is not None and end is not None and start < end <= len(paragraph.text):
        passage = {"start": str(start), "end": str(end), "quote": paragraph.text[start:end]}
    else:
        passage = {"start": "", "end": "", "quote": ""}
    return {"pid": pid if paragraph else "", "paragraph": paragraph} | passage


@endpoint
def comments_page(ctx: Ctx) -> Response:
    view = loaders.document_view(ctx, ctx.request.path_params["document_id"])
    membership = loaders.membership(ctx, saved_id(view.workshop))
    moderator = rules.is_moderator(ctx.actor, membership)
    errors = {}
    if ctx.request.method == "POST":
        actor = ctx.require_actor()
        try:
            comment = comments.check_post_comment(ctx.db, document=view.document, actor=actor, data=ctx.form)
        except ValidationError as error:
            errors = error.errors
        else:
            ctx.flash(gettext("Your comment is posted."))
            return back_to_comment(ctx, comment)
    selection = selected_passage(ctx, view)
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
    total = queries.count_threads(ctx.db, document_id=saved_id(view.document), **filters)
    pages = max(1, -(-total // COMMENTS_PER_PAGE))
    page = min(
        _comment_page(ctx, view, membership, filters)
        or params.number_or_none(ctx.request.query_params.get("page"), maximum=params.PAGE_MAX)
        or 1,
        pages,
    )
    threads = queries.list_threads(
        ctx.db,
        document_id=saved_id(view.document),
        offset=(page - 1) * COMMENTS_PER_PAGE,
        limit=COMMENTS_PER_PAGE,
        **filters,
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
            "page_hrefs": {n: _page_href(ctx, saved_id(view.document), n, pid, scope) for n in _pager(page, pages)},
            "scope": scope,
            "membership": membership,
            "moderator": moderator,
            "can_comment": rules.can_comment(ctx.actor, view.document),
            "errors": errors,
            "values": ctx.form if errors else {},
            "counts": queries.margin_counts(ctx.db, document_id=saved_id(view.document)),
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
    return form_page(
        ctx,
        "discussion/comment_edit.html",
        {"comment": comment, "document": view.document},
        initial=lambda: {"body": comment.body},
        save=lambda: comments.check_edit_comment(ctx.db, comment=comment, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("Your comment is saved; its earlier text is kept in its history."),
        done=lambda _: back_to_comment(ctx, comment),
    )


@endpoint
def comment_history(ctx: Ctx) -> Response:
    comment, view, _ = _comment(ctx)
    ctx.require_actor()
    return ctx.render(
        "discussion/comment_history.html",
        {
            "comment": comment,
            "document": view.document,
            "edits": queries.list_comment_edits(ctx.db, comment_id=saved_id(comment)),
        },
    )


@endpoint
def comment_resolve(ctx: Ctx) -> Response:
    comment, _, membership = _comment(ctx)
    actor = ctx.require_actor()
    comments.do_resolve_comment(
        ctx.db, comment=comment, actor=actor, membership=membership, resolved=ctx.form.get("resolved") == "1"
    )
    return back_to_comment(ctx, comment)


@endpoint
def comment_hide(ctx: Ctx) -> Response:
    comment, _, membership = _comment(ctx)
    actor = ctx.require_actor()
    comments.check_hide_comment(ctx.db, comment=comment, actor=actor, membership=membership, data=ctx.form)
    ctx.flash(gettext("The comment is hidden. Moderators still see it, with the reason."))
    return back_to_comment(ctx, comment)
