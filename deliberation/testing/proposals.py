"""Factories for proposals and polls, for tests and the site's own tour."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlmodel import Session

from ..accounts.models import User
from ..db import saved_id, utcnow
from ..proposals import actions, polls
from ..proposals.models import Poll, PollMode, PollOption, Proposal, ProposalKind


def make_proposal(
    db: Session,
    *,
    author: User,
    kind: ProposalKind = ProposalKind.FORUM_THEME,
    title: str = "Бюджет участі в малих громадах",
    description: str = "Як зробити бюджет участі звичною практикою в **малих громадах** області.",
    sectors: tuple[str, ...] = ("education",),
    themes: tuple[str, ...] = ("budget",),
    supporters: Iterable[User] = (),
) -> Proposal:
    data: dict = {"kind": kind, "title": title, "description": description}
    data["__multi__"] = {"sectors": list(sectors), "themes": list(themes)}
    proposal = actions.check_create_proposal(db, actor=author, data=data)
    for supporter in supporters:
        actions.do_support(db, proposal=proposal, actor=supporter, support=True)
    return proposal


def make_poll(
    db: Session,
    *,
    creator: User,
    options: tuple[str, ...] = ("Бюджет участі", "Адміністративні послуги"),
    mode: PollMode = PollMode.SINGLE,
    closes_in: timedelta = timedelta(days=7),
) -> Poll:
    """A poll through the coordinators' own action; ``closes_in`` may be a few seconds."""
    closes = (utcnow() + closes_in).isoformat(timespec="microseconds")
    data = {
        "title": "Яку тему взяти для форуму?",
        "mode": mode,
        "closes_at": closes,
        "free_options": "\n".join(options),
    }
    return polls.check_create_poll(db, actor=creator, data=data)


def make_closed_poll(db: Session, *, creator: User, options: tuple[str, ...] = ("Освіта", "ЖКГ")) -> Poll:
    """A poll whose time has passed, written directly (the action refuses a closing time in the past)."""
    poll = Poll(
        title="Тема осіннього форуму",
        mode=PollMode.SINGLE,
        closes_at=utcnow() - timedelta(days=1),
        created_by=saved_id(creator),
    )
    db.add(poll)
    db.flush()
    db.add_all(PollOption(poll_id=saved_id(poll), position=n, label=label) for n, label in enumerate(options, start=1))
    db.flush()
    return poll
