"""Dates and times as people read them: one style per language, for every template and export.

Ukrainian follows the office style of council documents: «6 грудня 2026 р., 14:05», a range of
days within a month «12–13 грудня 2026 р.», across months «30 листопада – 2 грудня 2026 р.».
English uses the same day-month-year order ("6 December 2026, 14:05"), never the US one. No
seconds anywhere: nobody reads them on a page. Stored times are aware UTC; people read them in
Kyiv time.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time

DISPLAY_ZONE = ZoneInfo("Europe/Kyiv")

#: Babel patterns per language: a whole date, a day with its month, the time of day, and how a
#: date and a time are joined. «р.» is quoted: an unquoted letter is a pattern field.
_PATTERNS = {
    "uk": {"date": "d MMMM y 'р.'", "day_month": "d MMMM", "time": "HH:mm", "joined": "{date}, {time}"},
    "en": {"date": "d MMMM y", "day_month": "d MMMM", "time": "HH:mm", "joined": "{date}, {time}"},
}
#: An en dash: closed up between two day numbers, spaced between two dates with words in them.
_DASH, _SPACED_DASH = "\u2013", " \u2013 "


def _patterns(locale: str) -> dict[str, str]:
    return _PATTERNS.get(locale, _PATTERNS["uk"])


def local(value: datetime) -> datetime:
    """An aware moment (every stored time is aware UTC) in Kyiv time.

    A naive one is refused: ``astimezone`` would read it in the server's own zone, a wrong time
    shown without a sign of it."""
    if value.tzinfo is None:
        raise ValueError(f"a naive datetime has no zone to show in Kyiv time: {value!r}")
    return value.astimezone(DISPLAY_ZONE)


def _day(value: date | datetime) -> date:
    return local(value).date() if isinstance(value, datetime) else value


def format_date(value: date | datetime | None, locale: str) -> str:
    if value is None:
        return ""
    return _babel_date(_day(value), format=_patterns(locale)["date"], locale=locale)


def format_time(value: datetime | None, locale: str) -> str:
    if value is None:
        return ""
    return _babel_time(local(value), format=_patterns(locale)["time"], locale=locale)


def format_datetime(value: datetime | None, locale: str) -> str:
    if value is None:
        return ""
    return _patterns(locale)["joined"].format(date=format_date(value, locale), time=format_time(value, locale))


def format_range(start: date | datetime | None, end: date | datetime | None, locale: str) -> str:
    """Two days as one range, saying the month and year once where they are shared."""
    if start is None or end is None:
        return format_date(start if end is None else end, locale)
    first, last = _day(start), _day(end)
    if first == last:
        return format_date(first, locale)
    if first > last:
        first, last = last, first
    whole_end = format_date(last, locale)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{_DASH}{whole_end}"
    if first.year == last.year:
        return _babel_date(first, format=_patterns(locale)["day_month"], locale=locale) + _SPACED_DASH + whole_end
    return format_date(first, locale) + _SPACED_DASH + whole_end
