"""The coordinators' queue: what members reported and is still open, and what was hidden lately.

One query for the open reports, one per kind of thing for what they are about, one per kind for
what is hidden: the page's statements do not grow with the queue.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from .models import Flag, Outcome, Reason, Subject
from .sources import SOURCES, Item, source_of

#: The open reports the queue reads at once; a flood beyond it waits for the next page load.
OPEN_LIMIT = 500
HIDDEN_LIMIT = 50


@dataclass(frozen=True)
class Report:
    reporter_name: str
    reason: Reason
    note: str
    created_at: datetime


@dataclass
class Reported:
    """A thing with its open reports, newest report first."""

    item: Item
    reports: list[Report] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[Reason, int]]:
        return Counter(report.reason for report in self.reports).most_common()


@dataclass(frozen=True)
class Closed:
    """Reports a coordinator closed by keeping the thing: who, when, why."""

    subject: Subject
    subject_id: int
    reports: int
    closed_by_name: str
    closed_at: datetime
    note: str


def _subjects(subject: Subject | None) -> list[Subject]:
    return [subject] if subject is not None else list(SOURCES)


def list_reported(db: Session, *, subject: Subject | None = None) -> list[Reported]:
    """Things with open reports, the most reported first, then the longest waiting."""
    query = (
        select(Flag, User.display_name)
        .join(User, col(User.id) == col(Flag.reporter_id))
        .where(col(Flag.closed_at).is_(None), col(Flag.subject).in_(_subjects(subject)))
        .order_by(col(Flag.created_at).desc())
        .limit(OPEN_LIMIT)
    )
    by_thing: dict[tuple[Subject, int], list[Report]] = defaultdict(list)
    for flag, name in db.exec(query).all():
        by_thing[(flag.subject, flag.subject_id)].append(Report(name, flag.reason, flag.note, flag.created_at))
    items: dict[tuple[Subject, int], Item] = {}
    for kind in _subjects(subject):
        ids = [thing_id for thing, thing_id in by_thing if thing == kind]
        items |= {(kind, i): item for i, item in source_of(kind).items(db, ids).items()}
    found = [Reported(items[key], reports) for key, reports in by_thing.items() if key in items]
    return sorted(found, key=lambda r: (-len(r.reports), r.reports[-1].created_at))


def list_hidden(db: Session, *, subject: Subject | None = None, limit: int = HIDDEN_LIMIT) -> list[Item]:
    """What was hidden lately, anywhere, newest first, with who hid it and why."""
    hidden = [item for kind in _subjects(subject) for item in source_of(kind).hidden(db, limit=limit)]
    return sorted(hidden, key=lambda item: item.hidden_at or item.created_at, reverse=True)[:limit]


def list_kept(db: Session, *, subject: Subject | None = None, limit: int = HIDDEN_LIMIT) -> list[Closed]:
    """Reports closed lately with the thing left as it was."""
    closer = aliased(User)
    query = (
        select(Flag, closer.display_name)
        .join(closer, col(closer.id) == col(Flag.closed_by))
        .where(col(Flag.outcome) == Outcome.KEPT, col(Flag.subject).in_(_subjects(subject)))
        .order_by(col(Flag.closed_at).desc())
        .limit(limit * 5)
    )
    grouped: dict[tuple, Closed] = {}
    for flag, name in db.exec(query).all():
        assert flag.closed_at is not None
        # The reports one decision closed share its moment.
        key = (flag.subject, flag.subject_id, flag.closed_at)
        earlier = grouped.get(key)
        count = (earlier.reports if earlier else 0) + 1
        grouped[key] = Closed(flag.subject, flag.subject_id, count, name, flag.closed_at, flag.closed_note)
    return list(grouped.values())[:limit]


def count_waiting(db: Session) -> int:
    """How many things wait for a coordinator's decision (reported, reports still open)."""
    waiting = select(Flag.subject, Flag.subject_id).where(col(Flag.closed_at).is_(None)).distinct().subquery()
    return db.exec(select(func.count()).select_from(waiting)).one()
