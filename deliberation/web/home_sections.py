"""What needs a signed-in member now: the sections their home page starts with.

Each section is one query function (``load``: the session and the member's id, a short list back)
and one partial template, ``templates/home/_<key>.html``, that shows its items with the one action
each asks for. A capability adds what waits for a member ("consultations assigned to me",
"workshops I registered for this week") by adding one ``Section`` to ``SECTIONS``: the page asks
every section once, so its query count stays constant however much data there is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from ..calendar.queries import list_registered_sessions
from ..consultations.queries import list_awaiting_answer
from ..db import utcnow
from ..discussion.queries import list_amendments_to_decide
from ..i18n import N_
from ..notifications.queries import list_notifications
from ..voting.waiting import list_votes_to_cast
from ..workshops.queries import list_requests_to_decide
from .context import Ctx
from .notifications import entries_of

#: How many items a section shows; each links to where the rest are.
LIMIT = 10


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # untranslated; the template translates
    load: Callable[[Session, int], Sequence[Any]]
    #: Turns the rows into what the partial prints, when it needs the request (links, marked text).
    shape: Callable[[Ctx, Sequence[Any]], Sequence[Any]] | None = None


SECTIONS: tuple[Section, ...] = (
    Section(
        "votes",
        N_("Votes waiting for your ballot"),
        lambda db, user_id: list_votes_to_cast(db, user_id=user_id, limit=LIMIT),
    ),
    Section(
        "requests",
        N_("Requests to join your workshops"),
        lambda db, user_id: list_requests_to_decide(db, user_id=user_id, limit=LIMIT),
    ),
    Section(
        "amendments",
        N_("Amendments waiting for your decision"),
        lambda db, user_id: list_amendments_to_decide(db, user_id=user_id, limit=LIMIT),
    ),
    Section(
        "consultations",
        N_("Consultations waiting for your answer"),
        lambda db, user_id: list_awaiting_answer(db, user_id=user_id, limit=LIMIT),
    ),
    Section(
        "sessions",
        N_("Workshop sessions you registered for, in the next seven days"),
        # The next seven days from now rather than the calendar week in Kyiv: on a Sunday evening
        # Monday's session is what a member needs to see.
        lambda db, user_id: list_registered_sessions(db, user_id=user_id, now=utcnow(), days=7, limit=LIMIT),
    ),
    Section(
        "unread",
        N_("Unread notifications"),
        lambda db, user_id: list_notifications(db, user_id=user_id, limit=LIMIT, unread_only=True),
        shape=entries_of,
    ),
)


@dataclass(frozen=True)
class Filled:
    section: Section
    items: Sequence[Any]


def needs_now(ctx: Ctx, user_id: int) -> list[Filled]:
    """The sections with something in them, in order: one query each."""
    filled = []
    for section in SECTIONS:
        items = section.load(ctx.db, user_id)
        if items:
            filled.append(Filled(section, section.shape(ctx, items) if section.shape else items))
    return filled
