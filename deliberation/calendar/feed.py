"""The calendar as iCalendar (RFC 5545), for phone calendars to subscribe to.

Every event keeps one UID forever (``forum-7@host``, ``workshop-session-12@host``), so a client
updates the entry it has instead of adding a second. SEQUENCE counts the changes subscribers must
take in and DTSTAMP is when the event last changed (not the time of the request: the same data
make the same bytes, which is what lets a client's ETag match). A cancelled session stays in the
feed with STATUS:CANCELLED, so calendars that had it strike it out. Session times carry
TZID=Europe/Kyiv with a VTIMEZONE built by the library from the zone database, covering only the
years the feed's events fall in; forums are whole days (VALUE=DATE, DTEND the day after).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from icalendar import Calendar, Event

from ..dates import DISPLAY_ZONE
from ..i18n import gettext
from .queries import CalendarEvent

MEDIA_TYPE = "text/calendar; charset=utf-8"


def uid(event: CalendarEvent, domain: str) -> str:
    name = "forum" if event.kind == "forum" else "workshop-session"
    return f"{name}-{event.id}@{domain}"


def _summary(event: CalendarEvent) -> str:
    if event.kind == "forum":
        return gettext("Forum: %(title)s", title=event.title)
    return event.title


def _description(event: CalendarEvent) -> str:
    lines = []
    if event.kind == "session" and event.workshop_kind is not None:
        lines.append(f"{event.workshop_kind.label}: {event.workshop_title}")
    if event.kind == "forum" and event.description:
        lines.append(gettext("Theme: %(theme)s", theme=event.description))
    elif event.description:
        lines.append(event.description)
    if event.online_url:
        lines.append(gettext("Join online: %(url)s", url=event.online_url))
    return "\n\n".join(lines)


def _location(event: CalendarEvent) -> str:
    if event.place:
        return event.place
    return gettext("Online") if event.is_online else ""


def _vevent(event: CalendarEvent, *, domain: str, link: Callable[[CalendarEvent], str]) -> Event:
    vevent = Event()
    vevent.add("uid", uid(event, domain))
    vevent.add("dtstamp", event.changed_at)
    vevent.add("sequence", event.sequence)
    vevent.add("summary", _summary(event))
    if event.starts_at is not None and event.ends_at is not None:
        vevent.add("dtstart", event.starts_at.astimezone(DISPLAY_ZONE))
        vevent.add("dtend", event.ends_at.astimezone(DISPLAY_ZONE))
    else:
        vevent.add("dtstart", event.first_day)
        vevent.add("dtend", event.last_day + timedelta(days=1))
    location = _location(event)
    if location:
        vevent.add("location", location)
    description = _description(event)
    if description:
        vevent.add("description", description)
    vevent.add("url", link(event))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return vevent


def build_feed(
    events: list[CalendarEvent], *, name: str, domain: str, link: Callable[[CalendarEvent], str], language: str
) -> bytes:
    """The feed's bytes: the same events, name and language always give the same bytes."""
    calendar = Calendar()
    calendar.add("prodid", "-//Deliberation//Calendar//" + language.upper())
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # Read by Apple, Google and Outlook clients for the subscribed calendar's name and zone.
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", DISPLAY_ZONE.key)
    for event in events:
        calendar.add_component(_vevent(event, domain=domain, link=link))
    timed = [event.first_day for event in events if not event.all_day]
    if timed:
        # The zone's rules for the years the sessions fall in: enough for any client, and light.
        calendar.add_missing_timezones(
            first_date=date(min(timed).year, 1, 1), last_date=date(max(timed).year + 1, 12, 31)
        )
    return calendar.to_ical()
