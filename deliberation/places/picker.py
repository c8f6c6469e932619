"""What a hromada picker shows: the top level, and the hromadas of the chosen oblast by raion.

Without JavaScript a form chooses the oblast, is sent back with a «show hromadas» button and comes
back with the hromadas of that oblast; with htmx the list follows the oblast at once
(``/places/hromadas``). Both read this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from . import queries
from .models import Place, PlaceCategory


@dataclass(frozen=True)
class Picker:
    oblasts: list[Place]
    oblast_code: str = ""
    groups: list[queries.RaionHromadas] = field(default_factory=list)
    hromada_code: str = ""


def picker(db: Session, *, oblast_code: str = "", hromada_code: str = "") -> Picker:
    """The picker with ``hromada_code`` chosen (its oblast follows from it) or else ``oblast_code``;
    a code that names no current place is dropped, never trusted."""
    hromada = queries.get_hromada(db, hromada_code) if hromada_code else None
    if hromada is not None:
        oblast_code = hromada.oblast_code
    oblast = queries.get_place(db, oblast_code) if oblast_code else None
    if oblast is None or oblast.parent_code is not None or not oblast.current:
        return Picker(oblasts=queries.list_oblasts(db))
    if oblast.category is PlaceCategory.SPECIAL_CITY:
        # Kyiv and Sevastopol are their own hromada: nothing left to choose.
        return Picker(queries.list_oblasts(db), oblast.code, [queries.RaionHromadas(None, [oblast])], oblast.code)
    return Picker(
        oblasts=queries.list_oblasts(db),
        oblast_code=oblast.code,
        groups=queries.hromadas_by_raion(db, oblast.code),
        hromada_code=hromada.code if hromada is not None else "",
    )
