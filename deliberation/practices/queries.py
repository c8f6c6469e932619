"""Reading practices: the library's list (searched, filtered), one practice, the register.

A search matches word by word on ``lemmas``: each query word stands for the lemmas it can have
(``text.lemmas.query_terms``, as the resolution search asks), a practice matches when every word
has one of its lemmas among the practice's, and the snippet marks the original words whose lemma
matches. Lemmas are whole space-separated tokens, so a LIKE on ``' ' || lemmas || ' '`` around a
lemma finds exactly that word on both databases, without the full-text index (practices are
hundreds, not the hundreds of thousands of paragraphs the index is built for).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import func, literal, or_
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..places import queries as place_queries
from ..places.models import Place
from ..reports.models import Report
from ..resolutions.models import Resolution
from ..text.lemmas import Highlighter, query_terms
from ..text.markdown import render_excerpt
from .models import ExperienceOffer, Practice

PER_PAGE = 20


def get_practice(db: Session, practice_id: int) -> Practice | None:
    return db.get(Practice, practice_id)


def get_practice_for_report(db: Session, report_id: int) -> Practice | None:
    return db.exec(select(Practice).where(col(Practice.report_id) == report_id)).first()


@dataclass(frozen=True)
class PracticeFilter:
    q: str = ""
    sector: str = ""
    theme: str = ""
    #: A top-level place code (oblast, Kyiv, Sevastopol).
    oblast: str = ""
    page: int = 1


@dataclass(frozen=True)
class PracticeItem:
    practice: Practice
    hromada: Place
    oblast: Place
    resolution: Resolution
    snippet: Markup


@dataclass(frozen=True)
class PracticePage:
    items: list[PracticeItem] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def _escaped(lemma: str) -> str:
    return lemma.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _public(include_hidden: bool) -> list:
    """A practice is public while neither it nor the report it grew from is hidden."""
    if include_hidden:
        return []
    return [col(Practice.hidden_at).is_(None), col(Report.hidden_at).is_(None)]


def _matching(terms) -> list:
    padded = literal(" ") + col(Practice.lemmas) + literal(" ")
    return [or_(*(padded.like(f"% {_escaped(lemma)} %", escape="\\") for lemma in term)) for term in terms]


def list_practices(db: Session, query: PracticeFilter, *, include_hidden: bool = False) -> PracticePage:
    """A page of practices, newest first, filtered and searched: three queries however many."""
    terms = query_terms(query.q or "")
    conditions = [*_public(include_hidden), *_matching(terms)]
    if query.sector:
        conditions.append(col(Practice.sector) == query.sector)
    if query.theme:
        conditions.append(col(Practice.theme) == query.theme)
    if query.oblast:
        conditions.append(col(Practice.oblast_code) == query.oblast)
    base = select(Practice).join(Report, col(Report.id) == col(Practice.report_id)).where(*conditions)
    total = db.exec(select(func.count()).select_from(base.subquery())).one()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, query.page), pages)
    rows = db.exec(
        select(Practice, Resolution)
        .join(Report, col(Report.id) == col(Practice.report_id))
        .join(Resolution, col(Resolution.id) == col(Practice.resolution_id))
        .where(*conditions)
        .order_by(col(Practice.created_at).desc(), col(Practice.id).desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    places = place_queries.get_places(db, {p.hromada_code for p, _ in rows} | {p.oblast_code for p, _ in rows})
    snippet = Highlighter(terms, max_chars=240)
    items = [PracticeItem(p, places[p.hromada_code], places[p.oblast_code], r, snippet(p.summary)) for p, r in rows]
    return PracticePage(items=items, total=total, page=page, pages=pages)


@dataclass(frozen=True)
class PracticeView:
    practice: Practice
    hromada: Place
    oblast: Place
    raion: Place | None
    resolution: Resolution
    author_name: str
    summary_html: Markup
    report: Report


def practice_view(db: Session, practice: Practice) -> PracticeView:
    report = db.get(Report, practice.report_id)
    resolution = db.get(Resolution, practice.resolution_id)
    author = db.get(User, practice.author_id)
    assert report is not None and resolution is not None and author is not None  # foreign keys
    path = {p.category.value: p for p in place_queries.place_path(db, practice.hromada_code)}
    hromada = place_queries.get_place(db, practice.hromada_code)
    oblast = place_queries.get_place(db, practice.oblast_code)
    assert hromada is not None and oblast is not None
    return PracticeView(
        practice=practice,
        hromada=hromada,
        oblast=oblast,
        raion=path.get("P"),
        resolution=resolution,
        author_name=author.display_name,
        summary_html=Markup(render_excerpt(practice.summary)),
        report=report,
    )


@dataclass(frozen=True)
class Offer:
    name: str
    contact: str


@dataclass(frozen=True)
class RegisterEntry:
    hromada: Place
    oblast: Place
    offers: list[Offer]
    practices: int


def list_register(db: Session) -> list[RegisterEntry]:
    """Hromadas offering to share their experience, by oblast then name, with how many public
    practices each has. Three queries."""
    offers = db.exec(
        select(ExperienceOffer, User.display_name)
        .join(User, col(User.id) == col(ExperienceOffer.user_id))
        .order_by(col(ExperienceOffer.created_at))
    ).all()
    codes = {o.hromada_code for o, _ in offers}
    counts = (
        dict(
            db.exec(
                select(Practice.hromada_code, func.count())
                .join(Report, col(Report.id) == col(Practice.report_id))
                .where(col(Practice.hromada_code).in_(codes), *_public(False))
                .group_by(col(Practice.hromada_code))
            ).all()
        )
        if codes
        else {}
    )
    places = place_queries.get_places(db, codes)
    places |= place_queries.get_places(db, {p.oblast_code for p in places.values()})
    grouped: dict[str, list[Offer]] = {}
    for offer, name in offers:
        grouped.setdefault(offer.hromada_code, []).append(Offer(name, offer.contact))
    entries = [
        RegisterEntry(places[code], places[places[code].oblast_code], found, counts.get(code, 0))
        for code, found in grouped.items()
    ]
    return sorted(entries, key=lambda e: (e.oblast.code, e.hromada.name))
