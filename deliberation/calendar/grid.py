"""The month as weeks of days with their events, and the upcoming events by month: plain values
for the calendar page, computed from a list of events without touching the database."""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from .queries import CalendarEvent


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    is_today: bool
    events: list[CalendarEvent]


@dataclass(frozen=True)
class MonthGrid:
    first: date
    weeks: list[list[Day]]
    previous: date
    next: date

    @property
    def span(self) -> tuple[date, date]:
        return self.weeks[0][0].day, self.weeks[-1][-1].day


def month_span(year: int, month: int) -> tuple[date, date]:
    """The first and last day the month's grid shows: whole weeks, Monday first (as in Ukraine)."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def month_grid(year: int, month: int, events: list[CalendarEvent], *, today: date) -> MonthGrid:
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first = date(year, month, 1)
    return MonthGrid(
        first=first,
        weeks=[[Day(d, d.month == month, d == today, [e for e in events if e.on(d)]) for d in week] for week in weeks],
        previous=(first - timedelta(days=1)).replace(day=1),
        next=(first + timedelta(days=32)).replace(day=1),
    )


def by_month(events: list[CalendarEvent], *, today: date) -> list[tuple[date, list[CalendarEvent]]]:
    """Upcoming events grouped by the month they start in (an event under way counts from today)."""

    def month_of(event: CalendarEvent) -> date:
        return max(event.first_day, today).replace(day=1)

    return [(month, list(group)) for month, group in groupby(events, key=month_of)]
