"""Practices: the library of practices (searched, filtered), a practice, offering one, hiding
one, and the register of hromadas ready to share their experience."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from ..errors import NotFound
from ..i18n import N_, gettext
from ..places import queries as place_queries
from ..places.regions import OBLAST_REGIONS
from ..practices import actions, queries, rules
from ..practices.models import Practice
from ..reports import queries as report_queries
from ..reports import rules as report_rules
from ..resolutions.models import address
from ..taxonomy import SECTORS, THEMES
from . import params
from .context import Ctx, endpoint
from .form_page import form_page

#: A search longer than this is not a search.
QUERY_MAX = 200


def routes() -> list[Route]:
    return [
        Route("/practices", practice_library, name="practices"),
        Route("/practices/hromadas", experience_register, name="experience_register"),
        Route("/practices/{practice_id:id}", practice_page, name="practice"),
        Route("/practices/{practice_id:id}/hide", practice_hide, methods=["POST"], name="practice_hide"),
        Route("/reports/{report_id:id}/practice", practice_offer, methods=["GET", "POST"], name="practice_offer"),
    ]


def _filter(ctx: Ctx) -> queries.PracticeFilter:
    """The library's filters from the query string; a value outside its set is a 400 naming it."""
    query = ctx.request.query_params
    return queries.PracticeFilter(
        q=" ".join(query.get("q", "").split())[:QUERY_MAX],
        sector=params.choice(query.get("sector"), SECTORS, name="sector", default=""),
        theme=params.choice(query.get("theme"), THEMES, name="theme", default=""),
        oblast=params.choice(query.get("region"), OBLAST_REGIONS, name="region", default=""),
        page=params.page(query.get("page")),
    )


@endpoint
def practice_library(ctx: Ctx) -> Response:
    wanted = _filter(ctx)
    found = queries.list_practices(ctx.db, wanted)
    context = {
        "filters": wanted,
        "found": found,
        "oblasts": [(place.code, place.label) for place in place_queries.list_oblasts(ctx.db)],
        "page_hrefs": {n: _page_href(ctx, wanted, n) for n in range(1, found.pages + 1)} if found.pages > 1 else {},
    }
    if ctx.is_htmx:
        return ctx.render("practices/_results.html", context)
    return ctx.render("practices/library.html", context)


def _page_href(ctx: Ctx, wanted: queries.PracticeFilter, page: int) -> str:
    pairs = {"q": wanted.q, "sector": wanted.sector, "theme": wanted.theme, "region": wanted.oblast, "page": str(page)}
    return ctx.url("practices") + "?" + urlencode({k: v for k, v in pairs.items() if v})


def _practice(ctx: Ctx) -> Practice:
    practice = queries.get_practice(ctx.db, ctx.request.path_params["practice_id"])
    report = report_queries.get_report(ctx.db, practice.report_id) if practice is not None else None
    if practice is None or report is None or not rules.can_see_practice(ctx.actor, practice, report):
        # Hidden (or grown from a hidden report), it does not exist for anyone but coordinators.
        raise NotFound("practice_not_found", N_("There is no such practice."))
    return practice


@endpoint
def practice_page(ctx: Ctx) -> Response:
    view = queries.practice_view(ctx.db, _practice(ctx))
    return ctx.render(
        "practices/practice.html",
        {"view": view, "address": address(view.resolution.number), "rules": rules},
    )


@endpoint
def practice_hide(ctx: Ctx) -> Response:
    practice = _practice(ctx)
    actor = ctx.require_actor()
    actions.check_hide_practice(ctx.db, practice=practice, actor=actor, data=ctx.form)
    ctx.flash(gettext("The practice is hidden. Coordinators still see it, with your reason."))
    return ctx.redirect("practice", practice_id=practice.id)


@endpoint
def practice_offer(ctx: Ctx) -> Response:
    report = report_queries.get_report(ctx.db, ctx.request.path_params["report_id"])
    if report is None or not report_rules.can_see_report(ctx.actor, report):
        raise NotFound("report_not_found", N_("There is no such report."))
    ctx.require(rules.can_offer_practice(ctx.actor, report))
    actor = ctx.require_actor()
    held = queries.get_practice_for_report(ctx.db, report.id or 0)
    if held is not None:
        return ctx.redirect("practice", practice_id=held.id)
    return form_page(
        ctx,
        "practices/offer.html",
        {"report": report, "hromada": place_queries.get_place(ctx.db, report.hromada_code)},
        save=lambda: actions.check_offer_practice(ctx.db, report=report, actor=actor, data=ctx.form),
        done=lambda practice: ctx.redirect("practice", practice_id=practice.id),
        flash=gettext("Your practice is in the library. Thank you for sharing it."),
        initial=lambda: {"title": "", "summary": report.account, "share": "1", "contact": actor.email or ""},
    )


@endpoint
def experience_register(ctx: Ctx) -> Response:
    return ctx.render(
        "practices/register.html",
        {"entries": queries.list_register(ctx.db), "show_contacts": rules.can_see_contacts(ctx.actor)},
    )
