"""Reports on carrying out resolutions: a resolution's reports, the form, hiding, the network's page.

A resolution's own page is immutable and cached as such (web/caching.py): reports change, so they
live on a page of their own beside it, which the resolution's page links to.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..errors import NotFound
from ..i18n import N_, gettext
from ..places import queries as place_queries
from ..places.picker import picker
from ..practices import rules as practice_rules
from ..reports import actions, queries, rules
from ..reports.charts import progress_chart
from ..reports.models import Report, ReportStatus
from ..resolutions import queries as resolution_queries
from ..resolutions.models import Resolution, address
from .context import Ctx, endpoint
from .form_page import form_page

FORM = "reports/form.html"


def routes() -> list[Route]:
    return [
        Route("/reports", network_reports, name="network_reports"),
        Route("/resolutions/{year:id}/{n:id}/reports", resolution_reports, name="resolution_reports"),
        Route("/resolutions/{year:id}/{n:id}/reports/new", report_new, methods=["GET", "POST"], name="report_new"),
        Route("/reports/{report_id:id}/edit", report_edit, methods=["GET", "POST"], name="report_edit"),
        Route("/reports/{report_id:id}/hide", report_hide, methods=["POST"], name="report_hide"),
    ]


def _resolution(ctx: Ctx) -> Resolution:
    path = ctx.request.path_params
    found = resolution_queries.get_resolution_by_number(ctx.db, path["year"], path["n"])
    if found is None:
        raise NotFound("resolution_not_found", N_("There is no such resolution."))
    return found


def _report(ctx: Ctx) -> tuple[Report, Resolution]:
    report = queries.get_report(ctx.db, ctx.request.path_params["report_id"])
    if report is None or not rules.can_see_report(ctx.actor, report):
        # A hidden report does not exist for anyone but coordinators.
        raise NotFound("report_not_found", N_("There is no such report."))
    resolution = resolution_queries.get_resolution(ctx.db, report.resolution_id)
    assert resolution is not None  # a foreign key
    return report, resolution


def _back(ctx: Ctx, resolution: Resolution, report: Report) -> Response:
    return ctx.redirect_to(ctx.url("resolution_reports", **address(resolution.number)) + f"#report-{report.id}")


@endpoint
def resolution_reports(ctx: Ctx) -> Response:
    resolution = _resolution(ctx)
    coordinator = rules.is_coordinator(ctx.actor)
    reports = queries.list_resolution_reports(ctx.db, resolution.id or 0, include_hidden=coordinator)
    return ctx.render(
        "reports/resolution.html",
        {
            "resolution": resolution,
            "address": address(resolution.number),
            "reports": reports,
            "chart": progress_chart(reports.counts, key=f"r{resolution.id}"),
            "can_submit": rules.can_report(ctx.actor),
            "rules": rules,
            "can_offer": practice_rules.can_offer_practice,
        },
    )


@endpoint
def network_reports(ctx: Ctx) -> Response:
    rows = queries.network_progress(ctx.db)
    return ctx.render(
        "reports/network.html",
        {
            "rows": [
                (row, address(row.resolution.number), progress_chart(row.counts, key=f"r{row.resolution.id}"))
                for row in rows
            ],
        },
    )


def _picker_values(ctx: Ctx) -> dict:
    source = ctx.form if not ctx.reads else ctx.request.query_params
    return {"oblast_code": str(source.get("oblast", ""))[:19], "hromada_code": str(source.get("hromada", ""))[:19]}


@endpoint
def report_new(ctx: Ctx) -> Response:
    resolution = _resolution(ctx)
    ctx.require(rules.can_report(ctx.actor))
    actor = ctx.require_actor()
    context = {
        "resolution": resolution,
        "address": address(resolution.number),
        "report": None,
        "picker": picker(ctx.db, **_picker_values(ctx)),
        "action": ctx.url("report_new", **address(resolution.number)),
    }
    if not ctx.reads and ctx.form.get("choose_oblast"):
        # The picker's step without JavaScript: the form comes back with the oblast's hromadas.
        return ctx.render(FORM, {**context, "values": ctx.form, "errors": {}})
    return form_page(
        ctx,
        FORM,
        context,
        save=lambda: actions.check_submit_report(ctx.db, resolution=resolution, actor=actor, data=ctx.form),
        done=lambda report: _back(ctx, resolution, report),
        flash=gettext("Your report is saved. Thank you for telling the network."),
        initial=lambda: {"status": ReportStatus.IN_PROGRESS.value},
    )


@endpoint
def report_edit(ctx: Ctx) -> Response:
    report, resolution = _report(ctx)
    ctx.require(rules.can_update_report(ctx.actor, report))
    actor = ctx.require_actor()
    return form_page(
        ctx,
        FORM,
        {
            "resolution": resolution,
            "address": address(resolution.number),
            "report": report,
            "hromada": place_queries.get_place(ctx.db, report.hromada_code),
            "action": ctx.url("report_edit", report_id=report.id),
        },
        save=lambda: actions.check_update_report(ctx.db, report=report, actor=actor, data=ctx.form),
        done=lambda saved: _back(ctx, resolution, saved),
        flash=gettext("Your report is updated; its earlier wording stays in its history."),
        initial=lambda: {
            "status": report.status.value,
            "account": report.account,
            "done_on": report.done_on.isoformat(),
            "links": "\n".join(report.links),
        },
    )


@endpoint
def report_hide(ctx: Ctx) -> Response:
    report, resolution = _report(ctx)
    actor = ctx.require_actor()
    actions.check_hide_report(ctx.db, report=report, actor=actor, data=ctx.form)
    ctx.flash(gettext("The report is hidden. Coordinators still see it, with your reason."))
    return _back(ctx, resolution, report)
