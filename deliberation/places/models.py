"""Places from the codifier (KATOTTG): the levels the network counts by.

Codes are the codifier's own (``UA05040230000017028``): a report names its hromada by code, so it
adds up by raion and oblast through ``parent_code`` and ``oblast_code`` whatever a name becomes.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed
from ..i18n import N_, Labelled, gettext


class PlaceCategory(Labelled):
    """The codifier's categories we keep; the letters are its own."""

    OBLAST = "O", N_("Oblast"), N_("%(name)s Oblast")
    SPECIAL_CITY = "K", N_("City with special status")
    RAION = "P", N_("Raion"), N_("%(name)s Raion")
    HROMADA = "H", N_("Hromada"), N_("%(name)s hromada")

    def named(self, name: str) -> str:
        """«Вінницька область», «Бахчисарайський район», «Андріївська громада»; «Київ» as it is."""
        return gettext(self.msgids[1]) % {"name": name} if len(self.msgids) > 1 else name


#: The levels a picker offers at the top: 24 oblasts and Crimea, and Kyiv and Sevastopol, whose
#: city is its own hromada (the codifier has no H below a K, only city districts).
TOP_LEVEL = (PlaceCategory.OBLAST, PlaceCategory.SPECIAL_CITY)
#: What a member can say they report for: a hromada, or a city with special status.
HROMADA_LEVEL = (PlaceCategory.HROMADA, PlaceCategory.SPECIAL_CITY)


class Place(SQLModel, table=True):
    __tablename__ = "delib_place"
    __table_args__ = (
        allowed("category", PlaceCategory),
        Index("ix_delib_place_oblast_category", "oblast_code", "category"),
    )

    code: str = Field(primary_key=True, max_length=19)
    category: PlaceCategory = Field(sa_type=StoredEnum(PlaceCategory, 1))
    #: As the codifier writes it (an adjective for most: «Андріївська»); ``label`` names it.
    name: str = Field(max_length=120)
    #: Casefolded, one apostrophe: what a search by name compares (SQLite's lower() knows only ASCII).
    folded: str = Field(max_length=120, index=True)
    parent_code: str | None = Field(default=None, foreign_key="delib_place.code", max_length=19, index=True)
    #: The top level above it (itself for an oblast or Kyiv): counts by oblast in one GROUP BY.
    oblast_code: str = Field(max_length=19)
    #: False once a new edition of the codifier no longer has it: kept for the reports naming it,
    #: never offered again.
    current: bool = Field(default=True)

    @property
    def label(self) -> str:
        if self.category is PlaceCategory.OBLAST and self.code == CRIMEA:
            return self.name  # «Автономна Республіка Крим» is a full name already
        return self.category.named(self.name)


CRIMEA = "UA01000000000013043"
