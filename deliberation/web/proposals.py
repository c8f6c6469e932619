"""Topic proposals: the list, one proposal with its support and comments, the forms, the
coordinators' ranking and their decision. Polls are in ``web/polls.py``."""

from __future__ import annotations

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import Route

from ..db import saved_id
from ..errors import NotFound
from ..forums.queries import list_forums
from ..i18n import N_, gettext
from ..proposals import actions, queries, rules
from ..proposals.models import Proposal, ProposalKind, ProposalStatus
from ..taxonomy import SECTORS, THEMES
from ..text.units import render_text_units
from ..workshops.queries import list_workshops
from . import loaders, params
from .context import Ctx, endpoint
from .form_page import form_page, saved_values


def routes() -> list[Route]:
    return [
        Route("/proposals", proposal_list, name="proposals"),
        Route("/proposals/new", proposal_new, methods=["GET", "POST"], name="proposal_new"),
        Route("/proposals/ranking", proposal_ranking, name="proposal_ranking"),
        Route("/proposals/{proposal_id:id}", proposal_page, name="proposal"),
        Route("/proposals/{proposal_id:id}/edit", proposal_edit, methods=["GET", "POST"], name="proposal_edit"),
        Route("/proposals/{proposal_id:id}/support", proposal_support, methods=["POST"], name="proposal_support"),
        Route("/proposals/{proposal_id:id}/comments", proposal_comment, methods=["POST"], name="proposal_comment"),
        Route("/proposals/{proposal_id:id}/accept", proposal_accept, methods=["GET", "POST"], name="proposal_accept"),
        Route(
            "/proposals/{proposal_id:id}/decline", proposal_decline, methods=["GET", "POST"], name="proposal_decline"
        ),
        Route(
            "/proposal-comments/{comment_id:id}/hide",
            proposal_comment_hide,
            methods=["GET", "POST"],
            name="proposal_comment_hide",
        ),
    ]


def markdown(text: str) -> Markup:
    """A member's Markdown as safe HTML: the project's renderer, raw HTML never passed through,
    headings one level below the page's title."""
    return Markup("".join(unit.html for unit in render_text_units(text, numbered=False)))


def _filters(ctx: Ctx, *, status: str = "", with_hidden: bool = False) -> queries.Filters:
    query = ctx.request.query_params
    return queries.Filters(
        with_hidden=with_hidden,
        kind=params.choice(query.get("kind"), ProposalKind.options(), name="kind", default=""),
        sector=params.choice(query.get("sector"), SECTORS, name="sector", default=""),
        theme=params.choice(query.get("theme"), THEMES, name="theme", default=""),
        status=params.choice(query.get("status"), ProposalStatus.options(), name="status", default=status),
    )


@endpoint
def proposal_list(ctx: Ctx) -> Response:
    filters = _filters(ctx, with_hidden=rules.can_see_hidden_proposals(ctx.actor))
    summaries = queries.list_proposals(ctx.db, filters=filters)
    return ctx.render(
        "proposals/list.html",
        {
            "summaries": summaries,
            "filters": filters,
            "can_propose": rules.can_propose(ctx.actor),
            "can_rank": rules.can_rank_proposals(ctx.actor),
        },
    )


@endpoint
def proposal_ranking(ctx: Ctx) -> Response:
    ctx.require(rules.can_rank_proposals(ctx.actor))
    query = ctx.request.query_params
    # The ranking is for choosing: open proposals unless the coordinator asks for others.
    filters = _filters(ctx, status="" if "status" in query else ProposalStatus.OPEN)
    order = params.choice(query.get("order"), queries.RANKINGS, name="order", default="support")
    summaries = queries.list_proposals(ctx.db, filters=filters, order=order)
    return ctx.render("proposals/ranking.html", {"summaries": summaries, "filters": filters, "order": order})


def _tag_values(proposal: Proposal | None) -> dict:
    if proposal is None:
        return {"tagged_sectors": [], "tagged_themes": []}
    return {"tagged_sectors": proposal.sectors, "tagged_themes": proposal.themes}


def _typed_tags(ctx: Ctx) -> dict:
    multi = ctx.form.get("__multi__", {}) if not ctx.reads else {}
    tagged = {
        name: multi.get(name) or ([ctx.form[name]] if ctx.form.get(name) else []) for name in ("sectors", "themes")
    }
    return {"tagged_sectors": tagged["sectors"], "tagged_themes": tagged["themes"]}


@endpoint
def proposal_new(ctx: Ctx) -> Response:
    ctx.require(rules.can_propose(ctx.actor))
    kind = params.choice(ctx.request.query_params.get("kind"), ProposalKind.options(), name="kind", default="")
    return form_page(
        ctx,
        "proposals/form.html",
        {"proposal": None, **(_tag_values(None) if ctx.reads else _typed_tags(ctx))},
        initial=lambda: {"kind": kind},
        save=lambda: actions.check_create_proposal(ctx.db, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("Your proposal is published. Members can now support it."),
        done=lambda proposal: ctx.redirect("proposal", proposal_id=proposal.id),
    )


@endpoint
def proposal_edit(ctx: Ctx) -> Response:
    proposal = loaders.proposal(ctx)
    ctx.require(rules.can_edit_proposal(ctx.actor, proposal))
    return form_page(
        ctx,
        "proposals/form.html",
        {"proposal": proposal, **(_tag_values(proposal) if ctx.reads else _typed_tags(ctx))},
        initial=lambda: saved_values(proposal, "kind", "title", "description"),
        save=lambda: actions.check_update_proposal(ctx.db, proposal=proposal, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("The proposal is saved."),
        done=lambda _: ctx.redirect("proposal", proposal_id=proposal.id),
    )


def _page_context(ctx: Ctx, proposal_id: int) -> dict:
    page = queries.get_proposal_page(
        ctx.db, proposal_id=proposal_id, viewer=ctx.actor, with_hidden=rules.can_see_hidden_proposals(ctx.actor)
    )
    if page is None:
        raise NotFound("proposal_not_found", N_("There is no such proposal."))
    proposal = page.summary.proposal
    return {
        "page": page,
        "proposal": proposal,
        "description": markdown(proposal.description),
        "can_edit": rules.can_edit_proposal(ctx.actor, proposal),
        "can_support": rules.can_support(ctx.actor, proposal),
        "can_comment": rules.can_comment_on_proposal(ctx.actor, proposal),
        "can_decide": rules.can_decide_proposal(ctx.actor, proposal),
        "can_hide": rules.can_see_hidden_comments(ctx.actor),
        "can_hide_proposal": rules.can_hide_proposal(ctx.actor, proposal),
        "can_restore_proposal": rules.can_restore_proposal(ctx.actor, proposal),
        "is_author": rules.is_author(ctx.actor, proposal),
    }


@endpoint
def proposal_page(ctx: Ctx) -> Response:
    return ctx.render("proposals/page.html", _page_context(ctx, ctx.request.path_params["proposal_id"]))


@endpoint
def proposal_support(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    proposal = loaders.proposal(ctx)
    support = params.flag(ctx.form.get("support"))
    actions.do_support(ctx.db, proposal=proposal, actor=actor, support=support)
    if ctx.is_htmx:
        return ctx.render("proposals/_support.html", _page_context(ctx, saved_id(proposal)))
    ctx.flash(gettext("You support this proposal.") if support else gettext("Your support is withdrawn."))
    return ctx.redirect("proposal", proposal_id=proposal.id, fragment="support")


@endpoint
def proposal_comment(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    proposal = loaders.proposal(ctx)
    comment = actions.check_comment(ctx.db, proposal=proposal, actor=actor, data=ctx.form)
    ctx.flash(gettext("Your comment is posted."))
    return ctx.redirect("proposal", proposal_id=proposal.id, fragment=f"comment-{comment.id}")


@endpoint
def proposal_comment_hide(ctx: Ctx) -> Response:
    comment = loaders.proposal_comment(ctx)
    ctx.require(rules.can_hide_proposal_comment(ctx.actor, comment))
    return form_page(
        ctx,
        "proposals/hide.html",
        {"comment": comment},
        save=lambda: actions.check_hide_comment(ctx.db, comment=comment, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("The comment is hidden. Coordinators still see it, with your reason."),
        done=lambda _: ctx.redirect("proposal", proposal_id=comment.proposal_id, fragment=f"comment-{comment.id}"),
    )


def _destinations(ctx: Ctx, proposal: Proposal) -> dict:
    if proposal.kind == ProposalKind.FORUM_THEME:
        return {"forums": list_forums(ctx.db), "workshops": []}
    return {"forums": [], "workshops": [s.workshop for s in list_workshops(ctx.db)]}


@endpoint
def proposal_accept(ctx: Ctx) -> Response:
    proposal = loaders.proposal(ctx)
    ctx.require(rules.can_decide_proposal(ctx.actor, proposal))
    return form_page(
        ctx,
        "proposals/decide.html",
        {"proposal": proposal, "accepting": True, **_destinations(ctx, proposal)},
        save=lambda: actions.check_accept_proposal(ctx.db, proposal=proposal, actor=ctx.require_actor(), data=ctx.form),
        flash=gettext("The proposal is accepted. Its author and supporters see it on its page."),
        done=lambda _: ctx.redirect("proposal", proposal_id=proposal.id),
    )


@endpoint
def proposal_decline(ctx: Ctx) -> Response:
    proposal = loaders.proposal(ctx)
    ctx.require(rules.can_decide_proposal(ctx.actor, proposal))
    return form_page(
        ctx,
        "proposals/decide.html",
        {"proposal": proposal, "accepting": False, "forums": [], "workshops": []},
        save=lambda: actions.check_decline_proposal(
            ctx.db, proposal=proposal, actor=ctx.require_actor(), data=ctx.form
        ),
        flash=gettext("The proposal is declined. Its author and supporters see your reason on its page."),
        done=lambda _: ctx.redirect("proposal", proposal_id=proposal.id),
    )
