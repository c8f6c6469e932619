"""The calendar: the month and the upcoming list, one page per session, and the iCalendar feeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from email.utils import format_datetime as http_date

from babel.dates import format_date as babel_date
from babel.dates import get_day_names
from starlette.responses import Response
from starlette.routing import Route

from ..calendar import actions, queries, rules
from ..calendar.feed import MEDIA_TYPE, build_feed
from ..calendar.grid import by_month, month_grid, month_span
from ..calendar.models import WorkshopSession
from ..calendar.queries import CalendarEvent
from ..calendar.times import kyiv_clock, kyiv_day, kyiv_today
from ..db import saved_id, utcnow
from ..drafting.rules import can_read_document
from ..errors import NotFound
from ..i18n import N_, get_locale, gettext, reset_locale, set_locale
from ..workshops.models import Workshop
from ..workshops.queries import get_workshop
from . import loaders, params
from .caching import etag_matches, strong_etag
from .context import Ctx, endpoint
from .form_page import form_page

#: The upcoming list covers the half-year plan; the feeds a little of the past and the years ahead.
UPCOMING_DAYS = 183
FEED_PAST_DAYS, FEED_FUTURE_DAYS = 60, 3 * 366
# Phone calendars poll a subscription every few hours; an hour's cache spares the server.
FEED_CACHE_CONTROL = "public, max-age=3600"
LANGUAGES = ("uk", "en")


def routes() -> list[Route]:
    return [
        Route("/calendar", calendar_page, name="calendar"),
        Route("/calendar.ics", calendar_feed, name="calendar_feed"),
        Route("/workshops/{workshop_id:id}/calendar.ics", workshop_feed, name="workshop_calendar_feed"),
        Route("/workshops/{workshop_id:id}/sessions/new", session_new, methods=["GET", "POST"], name="session_new"),
        Route("/calendar/sessions/{session_id:id}", session_page, name="session"),
        Route("/calendar/sessions/{session_id:id}/edit", session_edit, methods=["GET", "POST"], name="session_edit"),
        Route("/calendar/sessions/{session_id:id}/cancel", session_cancel, methods=["POST"], name="session_cancel"),
        Route(
            "/calendar/sessions/{session_id:id}/registration",
            session_register,
            methods=["POST"],
            name="session_register",
        ),
        Route(
            "/calendar/sessions/{session_id:id}/withdrawal",
            session_withdraw,
            methods=["POST"],
            name="session_withdraw",
        ),
    ]


def _session(ctx: Ctx) -> tuple[WorkshopSession, Workshop]:
    """The session the path names as the actor may see it (a members-only one does not exist for
    the public: 404, never 403), with its workshop."""
    found = queries.get_session(ctx.db, ctx.request.path_params["session_id"])
    if found is None or not rules.can_view_session(ctx.actor, found):
        if found is not None and ctx.actor is None and ctx.app_state.identity is None:
            ctx.require_actor()
        raise NotFound("session_not_found", N_("There is no such session."))
    workshop = get_workshop(ctx.db, found.workshop_id)
    assert workshop is not None  # a foreign key
    return found, workshop


def _weekdays() -> list[tuple[str, str]]:
    """(short, full) weekday names, Monday first, in the reader's language."""
    short, full = get_day_names("abbreviated", locale=get_locale()), get_day_names("wide", locale=get_locale())
    return [(short[i], full[i]) for i in range(7)]


def _month_name(day: date) -> str:
    # LLLL: the month's standalone name («грудень 2026», not the genitive «грудня»).
    return babel_date(day, format="LLLL y", locale=get_locale())


@endpoint
def calendar_page(ctx: Ctx) -> Response:
    now = utcnow()
    today = kyiv_today(now)
    year, month = params.month_or_none(ctx.request.query_params.get("month")) or (today.year, today.month)
    public_only = ctx.actor is None
    first, last = month_span(year, month)
    grid = month_grid(
        year, month, queries.list_events(ctx.db, first=first, last=last, public_only=public_only), today=today
    )
    upcoming = queries.list_events(
        ctx.db, first=today, last=today + timedelta(days=UPCOMING_DAYS), public_only=public_only
    )
    return ctx.render(
        "calendar/page.html",
        {
            "grid": grid,
            "month_name": _month_name(grid.first),
            "previous_name": _month_name(grid.previous),
            "next_name": _month_name(grid.next),
            "weekdays": _weekdays(),
            "upcoming": [(_month_name(m), events) for m, events in by_month(upcoming, today=today)],
            "feed_url": ctx.absolute(ctx.url("calendar_feed")),
        },
    )


def _feed(ctx: Ctx, events: list[CalendarEvent], name: str) -> Response:
    """The feed's bytes with a strong ETag and Last-Modified; 304 when the client has them."""
    settings_host = ctx.settings.base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    domain = settings_host or ctx.request.url.hostname or "deliberation"

    def link(event: CalendarEvent) -> str:
        if event.kind == "forum":
            return ctx.absolute(ctx.url("forum", forum_id=event.id))
        return ctx.absolute(ctx.url("session", session_id=event.id))

    body = build_feed(events, name=name, domain=domain, link=link, language=get_locale())
    etag = strong_etag(body)
    headers = {"ETag": etag, "Cache-Control": FEED_CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if events:
        headers["Last-Modified"] = http_date(max(e.changed_at for e in events), usegmt=True)
    if etag_matches(ctx.request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


def _in_feed_language(ctx: Ctx, build) -> Response:
    """A phone's calendar sends no cookie: the feed speaks ``?lang=`` or the site's default language."""
    language = params.choice(
        ctx.request.query_params.get("lang"), LANGUAGES, name="lang", default=ctx.settings.default_locale
    )
    token = set_locale(language)
    try:
        return build()
    finally:
        reset_locale(token)


def _feed_span() -> tuple[date, date]:
    today = kyiv_today(utcnow())
    return today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_FUTURE_DAYS)


@endpoint
def calendar_feed(ctx: Ctx) -> Response:
    """The whole network's public calendar: forums and public sessions of every workshop."""
    first, last = _feed_span()

    def build() -> Response:
        events = queries.list_events(ctx.db, first=first, last=last, public_only=True)
        site = ctx.settings.site_name or gettext("Deliberation")
        return _feed(ctx, events, gettext("Calendar") + f" · {site}")

    return _in_feed_language(ctx, build)


@endpoint
def workshop_feed(ctx: Ctx) -> Response:
    workshop = loaders.workshop(ctx)
    first, last = _feed_span()

    def build() -> Response:
        events = queries.list_events(ctx.db, first=first, last=last, public_only=True, workshop_id=saved_id(workshop))
        return _feed(ctx, events, workshop.title)

    return _in_feed_language(ctx, build)


def _form_context(ctx: Ctx, workshop: Workshop, session: WorkshopSession | None) -> dict:
    plans = [d for d in queries.list_activity_plans(ctx.db) if can_read_document(ctx.actor, d)]
    return {
        "workshop": workshop,
        "session": session,
        "plans": {str(d.id): d.title for d in plans},
    }


@endpoint
def session_new(ctx: Ctx) -> Response:
    workshop = loaders.workshop(ctx)
    membership = loaders.membership(ctx, saved_id(workshop))
    ctx.require(rules.can_manage_sessions(ctx.actor, membership))
    return form_page(
        ctx,
        "calendar/form.html",
        _form_context(ctx, workshop, None),
        initial=lambda: {"place": workshop.place, "plan": ctx.request.query_params.get("plan", "")},
        save=lambda: actions.check_create_session(
            ctx.db, workshop=workshop, actor=ctx.require_actor(), membership=membership, data=ctx.form
        ),
        flash=gettext("The session is in the calendar."),
        done=lambda session: ctx.redirect("session", session_id=session.id),
    )


def _values(session: WorkshopSession) -> dict:
    return {
        "title": session.title,
        "description": session.description,
        "day": kyiv_day(session.starts_at).isoformat(),
        "starts": kyiv_clock(session.starts_at),
        "ends": kyiv_clock(session.ends_at),
        "place": session.place,
        "online_url": session.online_url,
        "capacity": "" if session.capacity is None else str(session.capacity),
        "members_only": not session.is_public,
        "plan": "" if session.plan_document_id is None else str(session.plan_document_id),
    }


@endpoint
def session_edit(ctx: Ctx) -> Response:
    session, workshop = _session(ctx)
    membership = loaders.membership(ctx, saved_id(workshop))
    ctx.require(rules.can_edit_session(ctx.actor, membership, session))
    return form_page(
        ctx,
        "calendar/form.html",
        _form_context(ctx, workshop, session),
        initial=lambda: _values(session),
        save=lambda: actions.check_update_session(
            ctx.db, session=session, actor=ctx.require_actor(), membership=membership, data=ctx.form
        ),
        flash=gettext("The session is saved."),
        done=lambda _: ctx.redirect("session", session_id=session.id),
    )


@endpoint
def session_page(ctx: Ctx) -> Response:
    session, workshop = _session(ctx)
    session_id = saved_id(session)
    membership = loaders.membership(ctx, saved_id(workshop))
    registration = queries.get_registration(ctx.db, session_id=session_id, user_id=ctx.actor.id if ctx.actor else None)
    plan = queries.get_plan_document(ctx.db, session.plan_document_id)
    now = utcnow()
    can_see = rules.can_see_registrations(ctx.actor, membership)
    return ctx.render(
        "calendar/session.html",
        {
            "session": session,
            "workshop": workshop,
            "plan": plan if plan is not None and can_read_document(ctx.actor, plan) else None,
            "registration": registration,
            "is_full": session.capacity is not None and session.registered_count >= session.capacity,
            "can_register": rules.can_register(ctx.actor, session, registration, now=now),
            "can_withdraw": rules.can_withdraw(ctx.actor, session, registration, now=now),
            "can_edit": rules.can_edit_session(ctx.actor, membership, session),
            "registrants": queries.list_registrants(ctx.db, session_id=session_id) if can_see else None,
            "has_started": not rules.has_not_started(session, now),
        },
    )


@endpoint
def session_cancel(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    session, workshop = _session(ctx)
    membership = loaders.membership(ctx, saved_id(workshop))
    actions.check_cancel_session(ctx.db, session=session, actor=actor, membership=membership, data=ctx.form)
    ctx.flash(gettext("The session is cancelled; subscribed calendars will show it struck out."))
    return ctx.redirect("session", session_id=session.id)


@endpoint
def session_register(ctx: Ctx) -> Response:
    return _registration(ctx, actions.do_register, gettext("You are registered for this session."))


@endpoint
def session_withdraw(ctx: Ctx) -> Response:
    return _registration(ctx, actions.do_withdraw, gettext("Your registration is withdrawn."))


def _registration(ctx: Ctx, change: Callable[..., object], flash: str) -> Response:
    """Register for a session or withdraw: the actor's own place, back to the session's page."""
    actor = ctx.require_actor()
    session, _ = _session(ctx)
    change(ctx.db, session=session, actor=actor, now=utcnow())
    ctx.flash(flash)
    return ctx.redirect("session", session_id=session.id)
