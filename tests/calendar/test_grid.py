"""The month's grid and the upcoming list, from events alone: whole weeks from Monday, a forum on
every day it spans, an event under way listed from today's month."""

from __future__ import annotations

from datetime import UTC, date, datetime

from deliberation.calendar.grid import by_month, month_grid, month_span
from deliberation.calendar.queries import CalendarEvent


def _event(kind: str, first: date, last: date, event_id: int = 1) -> CalendarEvent:
    moment = datetime(first.year, first.month, first.day, 8, tzinfo=UTC) if kind == "session" else None
    return CalendarEvent(
        kind=kind,
        id=event_id,
        title="Подія",
        first_day=first,
        last_day=last,
        starts_at=moment,
        ends_at=moment,
        place="Ічня",
        online_url="",
        is_online=False,
        cancelled=False,
        is_public=True,
        sequence=0,
        changed_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_a_month_is_whole_weeks_from_monday_with_a_forum_on_each_of_its_days():
    forum = _event("forum", date(2026, 11, 30), date(2026, 12, 1))
    grid = month_grid(2026, 12, [forum], today=date(2026, 12, 7))
    assert month_span(2026, 12) == (date(2026, 11, 30), date(2027, 1, 3))
    assert all(len(week) == 7 and week[0].day.weekday() == 0 for week in grid.weeks)
    days = {day.day: day for week in grid.weeks for day in week}
    assert days[date(2026, 11, 30)].events == [forum] and not days[date(2026, 11, 30)].in_month
    assert days[date(2026, 12, 1)].events == [forum] and days[date(2026, 12, 2)].events == []
    assert days[date(2026, 12, 7)].is_today
    assert (grid.previous, grid.next) == (date(2026, 11, 1), date(2027, 1, 1))


def test_the_list_groups_by_month_and_an_event_under_way_counts_from_today():
    under_way = _event("forum", date(2026, 11, 28), date(2026, 12, 8), 1)
    later = _event("session", date(2027, 1, 15), date(2027, 1, 15), 2)
    groups = by_month([under_way, later], today=date(2026, 12, 7))
    assert groups == [(date(2026, 12, 1), [under_way]), (date(2027, 1, 1), [later])]
