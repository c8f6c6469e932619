"""Kyiv wall-clock times to UTC and back, minding the two nights a year the clocks change.

People enter a session as a day and two times on the clock in Kyiv; it is stored as aware UTC. A
10:00 meeting in March is 08:00 UTC before the last Sunday of March and 07:00 UTC after it, and
the same in reverse in October. On the spring night the hour from 03:00 to 04:00 does not exist
in Kyiv: such a time is refused, never silently moved. On the autumn night 03:00 to 04:00 happens
twice: the first (summer-time) one is meant, which is what ``fold=0`` gives.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ..dates import DISPLAY_ZONE

#: Calendar dates a person may enter: outside these a year is a typo (and year 1 overflows UTC).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def kyiv_moment(day: date, clock: time) -> datetime | None:
    """The UTC moment that reads ``clock`` on ``day`` in Kyiv, or None if the clocks skip it."""
    wall = datetime.combine(day, clock)
    moment = wall.replace(tzinfo=DISPLAY_ZONE)
    if moment.astimezone(UTC).astimezone(DISPLAY_ZONE).replace(tzinfo=None) != wall:
        return None
    return moment.astimezone(UTC)


def kyiv_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the end of ``last`` in Kyiv, as UTC moments."""
    start = datetime.combine(first, time(0), tzinfo=DISPLAY_ZONE).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=DISPLAY_ZONE).astimezone(UTC)
    return start, end


def kyiv_today(now: datetime) -> date:
    return now.astimezone(DISPLAY_ZONE).date()


def kyiv_day(moment: datetime) -> date:
    return moment.astimezone(DISPLAY_ZONE).date()


def kyiv_clock(moment: datetime) -> str:
    """HH:MM in Kyiv, for a form's time field."""
    return moment.astimezone(DISPLAY_ZONE).strftime("%H:%M")
