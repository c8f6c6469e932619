"""Reading the codifier: the top level, raions, hromadas, one place, a search by name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .data import fold
from .models import HROMADA_LEVEL, TOP_LEVEL, Place, PlaceCategory

#: A name search answers at most this many places.
SEARCH_LIMIT = 20


def get_place(db: Session, code: str) -> Place | None:
    """The place with this code, current or not (reports keep naming a place a new edition dropped)."""
    if not code or len(code) > 19:
        return None
    return db.get(Place, code)


def get_hromada(db: Session, code: str) -> Place | None:
    """A current hromada (or Kyiv, Sevastopol) that a member may name, else None."""
    place = get_place(db, code)
    return place if place is not None and place.current and place.category in HROMADA_LEVEL else None


def list_oblasts(db: Session) -> list[Place]:
    """Crimea, the oblasts, then Kyiv and Sevastopol: the codifier's order (by code)."""
    return list(
        db.exec(
            select(Place)
            .where(col(Place.category).in_(TOP_LEVEL), col(Place.current).is_(True))
            .order_by(col(Place.code))
        ).all()
    )


def list_raions(db: Session, oblast_code: str) -> list[Place]:
    return list(
        db.exec(
            select(Place)
            .where(
                col(Place.parent_code) == oblast_code,
                col(Place.category) == PlaceCategory.RAION,
                col(Place.current).is_(True),
            )
            .order_by(col(Place.code))
        ).all()
    )


@dataclass(frozen=True)
class RaionHromadas:
    raion: Place | None
    hromadas: list[Place]


def list_hromadas(db: Session, *, oblast_code: str = "", raion_code: str = "") -> list[Place]:
    """The hromadas of a raion, or of a whole oblast (in raion order). Kyiv and Sevastopol are
    their own hromada: the codifier has only city districts below them."""
    query = select(Place).where(col(Place.current).is_(True))
    if raion_code:
        query = query.where(col(Place.parent_code) == raion_code, col(Place.category) == PlaceCategory.HROMADA)
    elif oblast_code:
        query = query.where(
            col(Place.oblast_code) == oblast_code,
            col(Place.category).in_(HROMADA_LEVEL),
        )
    else:
        return []
    return list(db.exec(query.order_by(col(Place.parent_code), col(Place.name))).all())


def hromadas_by_raion(db: Session, oblast_code: str) -> list[RaionHromadas]:
    """An oblast's hromadas grouped under their raions, for a picker's ``<optgroup>``s: two queries."""
    raions = {r.code: r for r in list_raions(db, oblast_code)}
    groups: dict[str | None, list[Place]] = {}
    for hromada in list_hromadas(db, oblast_code=oblast_code):
        groups.setdefault(hromada.parent_code if hromada.parent_code in raions else None, []).append(hromada)
    return [RaionHromadas(raions.get(code) if code else None, places) for code, places in groups.items()]


def search_hromadas(db: Session, query: str, *, limit: int = SEARCH_LIMIT) -> list[Place]:
    """Hromadas whose name starts with ``query`` (any case, any apostrophe), shortest names first."""
    wanted = fold(query)[:120]
    if len(wanted) < 2:
        return []
    escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        db.exec(
            select(Place)
            .where(
                col(Place.folded).like(escaped + "%", escape="\\"),
                col(Place.category).in_(HROMADA_LEVEL),
                col(Place.current).is_(True),
            )
            .order_by(col(Place.name), col(Place.code))
            .limit(limit)
        ).all()
    )


def get_places(db: Session, codes: Iterable[str]) -> dict[str, Place]:
    """Places by code, in one query: a page naming many places (reports by oblast) loads them once."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    return {p.code: p for p in db.exec(select(Place).where(col(Place.code).in_(wanted))).all()}


def place_path(db: Session, code: str) -> list[Place]:
    """The place and every level above it, top first (oblast, raion, hromada)."""
    path: list[Place] = []
    place = get_place(db, code)
    while place is not None and len(path) < 4:
        path.insert(0, place)
        place = get_place(db, place.parent_code) if place.parent_code else None
    return path
