"""Reading reports: one, a resolution's by oblast and hromada, and the network's counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..places import queries as place_queries
from ..places.models import Place
from ..resolutions.models import Resolution
from ..text.markdown import render_excerpt
from .models import Report, ReportVersion
from .tally import Counts, Reported, hromada_statuses, tally


def get_report(db: Session, report_id: int) -> Report | None:
    return db.get(Report, report_id)


def get_own_report(db: Session, *, resolution_id: int, author_id: int, hromada_code: str) -> Report | None:
    return db.exec(
        select(Report).where(
            col(Report.resolution_id) == resolution_id,
            col(Report.author_id) == author_id,
            col(Report.hromada_code) == hromada_code,
        )
    ).first()


@dataclass(frozen=True)
class ReportView:
    report: Report
    author_name: str
    account_html: Markup
    #: The earlier wordings, newest first (the current one is the report itself).
    earlier: list[ReportVersion] = field(default_factory=list)
    hidden_by_name: str = ""
    #: True for the report its hromada counts as (the newest of its reports).
    counts: bool = False


@dataclass(frozen=True)
class HromadaReports:
    hromada: Place
    raion: Place | None
    reports: list[ReportView]


@dataclass(frozen=True)
class OblastReports:
    oblast: Place
    hromadas: list[HromadaReports]


@dataclass(frozen=True)
class ResolutionReports:
    groups: list[OblastReports]
    counts: Counts
    total: int


def _visible(query, include_hidden: bool):
    return query if include_hidden else query.where(col(Report.hidden_at).is_(None))


def list_resolution_reports(db: Session, resolution_id: int, *, include_hidden: bool = False) -> ResolutionReports:
    """A resolution's reports grouped oblast → hromada, in the codifier's order; hidden ones only
    for ``include_hidden`` (coordinators). Four queries, however many reports."""
    hider = aliased(User)
    rows = db.exec(
        _visible(
            select(Report, User.display_name, hider.display_name)
            .join(User, col(User.id) == col(Report.author_id))
            .outerjoin(hider, col(hider.id) == col(Report.hidden_by))
            .where(col(Report.resolution_id) == resolution_id),
            include_hidden,
        ).order_by(col(Report.updated_at).desc(), col(Report.id).desc())
    ).all()
    reports = [r for r, _, _ in rows]
    hromadas = place_queries.get_places(db, (r.hromada_code for r in reports))
    above = place_queries.get_places(
        db, {p.parent_code or "" for p in hromadas.values()} | {p.oblast_code for p in hromadas.values()}
    )
    versions: dict[int, list[ReportVersion]] = {}
    if reports:
        for version in db.exec(
            select(ReportVersion)
            .where(col(ReportVersion.report_id).in_([r.id for r in reports]))
            .order_by(col(ReportVersion.number).desc())
        ).all():
            versions.setdefault(version.report_id, []).append(version)
    reported = [_reported(r, hromadas[r.hromada_code]) for r in reports if r.hidden_at is None]
    counting = {held.report_id for held in hromada_statuses(reported).values()}
    by_oblast: dict[str, dict[str, list[ReportView]]] = {}
    for report, author, hidden_by in rows:
        place = hromadas[report.hromada_code]
        view = ReportView(
            report=report,
            author_name=author,
            account_html=Markup(render_excerpt(report.account)),
            earlier=[v for v in versions.get(report.id or 0, []) if v.number < report.version],
            hidden_by_name=hidden_by or "",
            counts=report.id in counting,
        )
        by_oblast.setdefault(place.oblast_code, {}).setdefault(place.code, []).append(view)
    groups = [
        OblastReports(
            oblast=above.get(oblast_code) or hromadas[oblast_code],
            hromadas=[
                HromadaReports(hromadas[code], above.get(hromadas[code].parent_code or ""), views)
                for code, views in sorted(
                    places.items(), key=lambda item: (hromadas[item[0]].parent_code or "", hromadas[item[0]].name)
                )
            ],
        )
        for oblast_code, places in sorted(by_oblast.items())
    ]
    counts = tally(reported).get(resolution_id, Counts())
    return ResolutionReports(groups=groups, counts=counts, total=len(reported))


def _reported(report: Report, hromada: Place) -> Reported:
    assert report.id is not None
    return Reported(
        resolution_id=report.resolution_id,
        hromada_code=report.hromada_code,
        raion_code=hromada.parent_code if hromada.category == "H" else None,
        oblast_code=hromada.oblast_code,
        status=report.status,
        updated_at=report.updated_at,
        report_id=report.id,
    )


@dataclass(frozen=True)
class ResolutionProgress:
    resolution: Resolution
    counts: Counts


def network_progress(db: Session) -> list[ResolutionProgress]:
    """Every resolution, newest first, with how its visible reports add up: two queries."""
    resolutions = db.exec(select(Resolution).order_by(col(Resolution.sequence).desc())).all()
    rows = db.exec(
        select(Report, Place)
        .join(Place, col(Place.code) == col(Report.hromada_code))
        .where(col(Report.hidden_at).is_(None))
    ).all()
    counts = tally(_reported(report, place) for report, place in rows)
    return [ResolutionProgress(r, counts.get(r.id or 0, Counts())) for r in resolutions]
