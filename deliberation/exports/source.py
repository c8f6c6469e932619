"""What every export of a resolution is made from: its canonical record and the texts around it.

A ``ResolutionSource`` is plain frozen data taken from a stored row (``source_of``), so renderers
never touch the database and a source can be kept in memory for as long as the process lives:
a resolution never changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..drafting.models import DocumentKind
from ..i18n import DISPLAY_ZONE, format_date, format_number, gettext
from ..resolutions.chain import record_of
from ..resolutions.record import canonical_record
from ..resolutions.wording import rule_in_words
from ..voting.models import Choice, Reason
from .structure import Unit, units_of

__all__ = ["ResolutionSource", "source_of"]


@dataclass(frozen=True)
class ResolutionSource:
    #: The eleven members the hash covers, normalised (``resolutions.record.canonical_record``).
    record: Mapping[str, Any]
    hash: str
    #: The adopted revision's stable paragraph ids, in the order of its units.
    paragraph_ids: tuple[str, ...]
    #: The first revision of the document, for the comparative table (None if unknown).
    first_text: str | None = None
    first_paragraph_ids: tuple[str, ...] = ()
    first_title: str | None = None
    units: tuple[Unit, ...] = field(default=(), compare=False)

    @property
    def number(self) -> str:
        return self.record["number"]

    @property
    def year(self) -> int:
        return int(self.number.partition("/")[0])

    @property
    def n(self) -> int:
        return int(self.number.rpartition("/")[2])

    @property
    def title(self) -> str:
        return self.record["title"]

    @property
    def kind(self) -> str:
        return self.record["kind"]

    @property
    def text(self) -> str:
        return self.record["text"]

    @property
    def adopted_at(self) -> datetime:
        return datetime.strptime(self.record["adopted_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)

    @property
    def adopted_on(self) -> str:
        """The day of adoption, ISO (Kyiv time, as the number's year is)."""
        return self.adopted_at.astimezone(DISPLAY_ZONE).date().isoformat()

    @property
    def forum(self) -> Mapping[str, Any]:
        return self.record["forum"]

    @property
    def tally(self) -> Mapping[str, Any]:
        return self.record["tally"]

    @property
    def rule(self) -> Mapping[str, Any]:
        return self.record["rule"]

    @property
    def previous_hash(self) -> str | None:
        return self.record["previous_hash"]

    @property
    def body_units(self) -> tuple[Unit, ...]:
        """The units without a first heading that only repeats the title (most texts open with
        one), for formats that print the title themselves; Markdown keeps the text as stored."""
        units = self.units
        if units and units[0].kind == "heading" and _same_words(units[0].text, self.title):
            return units[1:]
        return units

    @property
    def stem(self) -> str:
        """The file name without extension: resolution-2026-3."""
        return f"resolution-{self.year}-{self.n}"

    # --- Words, in the current locale -------------------------------------------------------

    def heading(self) -> str:
        return gettext("Resolution %(number)s", number=self.number)

    def kind_label(self) -> str:
        return DocumentKind(self.kind).label

    def date_label(self) -> str:
        return format_date(self.adopted_at)

    def rule_words(self) -> list[str]:
        """The frozen rule as sentences (the same wording as the resolution page)."""
        return rule_in_words(dict(self.rule))

    def tally_rows(self) -> list[tuple[str, str]]:
        tally = self.tally
        return [
            (Choice.FOR.total_label, format_number(tally[Choice.FOR])),
            (Choice.AGAINST.total_label, format_number(tally[Choice.AGAINST])),
            (Choice.ABSTAIN.total_label, format_number(tally[Choice.ABSTAIN])),
            (gettext("Registered delegates"), format_number(tally["registered"])),
            (gettext("Delegates present or represented"), format_number(tally["present"])),
            (gettext("Delegates who voted"), format_number(tally["participants"])),
        ]

    def result_words(self) -> str:
        """One line: "For: 31, against: 4, abstained: 5. Adopted."."""
        tally = self.tally
        counts = ", ".join(f"{choice.total_label}: {format_number(tally[choice])}" for choice in Choice)
        words = [counts, Reason.ADOPTED.label]
        if tally.get("hand_counted"):
            words.append(gettext("Counted by hand in the hall"))
        return ". ".join(words) + "."

    def contributor_names(self) -> list[str]:
        return [person["name"] for person in self.record["contributors"]]


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def source_of(
    resolution: Any,
    *,
    paragraph_ids: Sequence[str] = (),
    first_text: str | None = None,
    first_paragraph_ids: Sequence[str] = (),
    first_title: str | None = None,
) -> ResolutionSource:
    """The source of a stored ``Resolution`` (any object with its fields), with the adopted
    revision's paragraph ids and, for the comparative table, the document's first revision."""
    record = canonical_record(record_of(resolution))
    ids = tuple(paragraph_ids)
    return ResolutionSource(
        record=record,
        hash=resolution.hash,
        paragraph_ids=ids,
        first_text=first_text,
        first_paragraph_ids=tuple(first_paragraph_ids),
        first_title=first_title,
        units=tuple(units_of(record["text"], ids)),
    )
