"""The one way to read a value from a request: path, query string or form.

Every value arrives as text a stranger typed. ``int()`` is no judge of it: it takes ``"+1"``, ``" 1"``,
``"1_000"``, ``"٣"`` (Arabic-Indic three), and ``"²".isdigit()`` is true though ``int("²")`` raises.
A number here is ASCII digits only, no sign, no spaces, within the range its column can hold
(PostgreSQL ``integer``: a larger id cannot exist, and SQLite overflows on it). Anything else
raises ``BadValue`` (a 400 that names the parameter, in the reader's language) or, for the
lenient readers ending in ``_or_none``, gives None so the caller can say "no such thing".

Domain code reads form values through here too, so this module sits beside ``validation`` and
imports nothing from the web layer; ``web.params`` adds the path convertor Starlette needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .errors import DomainError
from .i18n import N_

#: Ids are 32-bit integers on PostgreSQL.
ID_MAX = 2**31 - 1
#: No list is ever longer: past this a page number is an attack or a typo.
PAGE_MAX = 10_000
#: The most ids one request may name (marking notifications read, say).
LIST_MAX = 200
#: Nineteen digits hold any 64-bit number; longer digit strings are refused before ``int()`` ever sees them.
_DIGITS = re.compile(r"[0-9]{1,19}")
_MISSING = object()


class BadValue(DomainError):
    """A query or form value that is not what the parameter allows."""

    status = 400


def _range_error(name: str, minimum: int, maximum: int) -> BadValue:
    return BadValue(
        "invalid_parameter",
        N_("The parameter %(name)s must be a whole number from %(minimum)s to %(maximum)s."),
        field=name,
        name=name,
        minimum=minimum,
        maximum=maximum,
    )


def number_or_none(raw: object, *, minimum: int = 1, maximum: int = ID_MAX) -> int | None:
    """The whole number ``raw`` spells in ASCII digits, if it lies in [minimum, maximum]; else None."""
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        return None
    text = str(raw)
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def id_or_none(raw: object) -> int | None:
    """A row id that could exist (1 to 2^31-1), or None: the caller answers "there is no such thing"."""
    return number_or_none(raw, minimum=1, maximum=ID_MAX)


def number_or_default(raw: object, *, default: int, minimum: int = 1, maximum: int = ID_MAX) -> int:
    """Lenient, for public links where nonsense falls back to the default view: never an error."""
    value = number_or_none(raw, minimum=minimum, maximum=maximum)
    return default if value is None else value


def number(raw: object, *, name: str, minimum: int = 1, maximum: int = ID_MAX, default: object = _MISSING) -> int:
    """A whole number within bounds; a missing or empty value gives ``default`` if there is one."""
    if raw is None or raw == "":
        if default is not _MISSING:
            return default  # type: ignore[return-value]
        raise _range_error(name, minimum, maximum)
    value = number_or_none(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise _range_error(name, minimum, maximum)
    return value


def optional_number(raw: object, *, name: str, minimum: int = 1, maximum: int = ID_MAX) -> int | None:
    """None when the value is absent or empty; otherwise as ``number``."""
    return number(raw, name=name, minimum=minimum, maximum=maximum, default=None)


def page(raw: object, *, name: str = "page") -> int:
    """A page number: 1 when absent, 1 to PAGE_MAX otherwise."""
    return number(raw, name=name, minimum=1, maximum=PAGE_MAX, default=1)


def choice(raw: object, choices: Iterable[str], *, name: str, default: str | None = None) -> str:
    """One of a fixed set of words; absent gives ``default`` when there is one."""
    choices = tuple(choices)
    if (raw is None or raw == "") and default is not None:
        return default
    if not isinstance(raw, str) or raw not in choices:
        raise BadValue(
            "invalid_parameter",
            N_("The parameter %(name)s must be one of: %(choices)s."),
            field=name,
            name=name,
            choices=", ".join(choices),
        )
    return raw


def choice_or_empty(raw: object, choices: Iterable[str]) -> str:
    """A list's filter: one of ``choices``, or empty (no filter) for anything else, so an old link
    with a value that no longer exists still shows the list."""
    return raw if isinstance(raw, str) and raw in tuple(choices) else ""


def flag(raw: object) -> bool:
    """A checkbox or switch: on for "1", "on", "true" or "yes" in any case, off for anything else."""
    return isinstance(raw, str) and raw.lower() in ("1", "on", "true", "yes")


def ids(raws: Iterable[object], *, name: str, max_items: int = LIST_MAX) -> list[int]:
    """A list of row ids, each valid, at most ``max_items`` of them (duplicates kept once, in order)."""
    found: list[int] = []
    for raw in raws:
        if len(found) >= max_items:
            raise _range_error(name, 1, ID_MAX)  # a list this long is not a person's choice
        value = id_or_none(raw)
        if value is None:
            raise _range_error(name, 1, ID_MAX)
        if value not in found:
            found.append(value)
    return found


def day(raw: object, *, name: str) -> date | None:
    """A calendar date as YYYY-MM-DD (what ``<input type=date>`` sends); None when absent."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise BadValue("invalid_date", N_("Please enter a date as YYYY-MM-DD."), field=name)


def month_or_none(raw: object) -> tuple[int, int] | None:
    """A month as YYYY-MM (the calendar's ``?month=``), years 2000 to 2100; None for anything else,
    so a stray link falls back to the current month."""
    if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}", raw):
        return None
    year, month = int(raw[:4]), int(raw[5:])
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None
