"""One date style per language, with no seconds and ranges that say a shared month and year once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from deliberation import dates

# 12:05 UTC in December is 14:05 in Kyiv (UTC+2); in July 11:05 UTC is 14:05 (UTC+3).
MOMENTS = [datetime(2026, 12, 6, 12, 5, 59, tzinfo=UTC), datetime(2026, 7, 6, 11, 5, 1, tzinfo=UTC)]


@pytest.mark.parametrize(("locale", "wanted"), [("uk", "6 грудня 2026 р., 14:05"), ("en", "6 December 2026, 14:05")])
def test_a_moment_reads_day_month_year_and_the_kyiv_time_without_seconds(locale, wanted):
    assert dates.format_datetime(MOMENTS[0], locale) == wanted
    assert dates.format_datetime(MOMENTS[1], locale).endswith(", 14:05")


@pytest.mark.parametrize(("locale", "wanted"), [("uk", "6 грудня 2026 р."), ("en", "6 December 2026")])
def test_a_day_reads_in_the_same_style_as_a_moment(locale, wanted):
    assert dates.format_date(date(2026, 12, 6), locale) == wanted
    # A moment late in the UTC evening is already the next day in Kyiv.
    assert dates.format_date(datetime(2026, 12, 5, 23, 30, tzinfo=UTC), locale) == wanted


def test_a_naive_moment_is_refused_rather_than_read_in_the_servers_zone():
    with pytest.raises(ValueError, match="naive"):
        dates.format_datetime(datetime(2026, 12, 6, 12, 5), "uk")


@pytest.mark.parametrize(
    ("locale", "start", "end", "wanted"),
    [
        ("uk", date(2026, 12, 12), date(2026, 12, 13), "12–13 грудня 2026 р."),
        ("en", date(2026, 12, 12), date(2026, 12, 13), "12–13 December 2026"),
        ("uk", date(2026, 11, 30), date(2026, 12, 2), "30 листопада – 2 грудня 2026 р."),
        ("en", date(2026, 11, 30), date(2026, 12, 2), "30 November – 2 December 2026"),
        ("uk", date(2026, 12, 30), date(2027, 1, 2), "30 грудня 2026 р. – 2 січня 2027 р."),
        ("en", date(2026, 12, 30), date(2027, 1, 2), "30 December 2026 – 2 January 2027"),
        ("uk", date(2026, 12, 12), date(2026, 12, 12), "12 грудня 2026 р."),
        ("en", date(2026, 12, 12), None, "12 December 2026"),
    ],
)
def test_a_range_says_the_month_and_year_once_where_they_are_shared(locale, start, end, wanted):
    assert dates.format_range(start, end, locale) == wanted


def test_every_template_formats_dates_through_the_one_module():
    """No template asks Babel for a format of its own ("short", "medium", a pattern): one style."""
    import re

    from deliberation.web.rendering import TEMPLATE_DIR

    own = re.compile(r"\|\s*(date|datetime|time|daterange)\s*\(\s*['\"]")
    offenders = [p.name for p in TEMPLATE_DIR.rglob("*.html") if own.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
