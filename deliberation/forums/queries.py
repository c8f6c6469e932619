"""Reading forums, their agendas, delegates and proxies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Mapped, aliased
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from ..accounts.models import User
from ..db import saved_id, stored_ids
from ..drafting.models import Document
from ..workshops.models import Workshop
from .models import AgendaItem, AgendaStatus, Delegate, Forum, Proxy, Speaker, SpeakerStatus

_Row = TypeVar("_Row")


def get_forum(db: Session, forum_id: int) -> Forum | None:
    return db.get(Forum, forum_id)


def list_forums(db: Session, *, status: str | None = None) -> list[Forum]:
    query = select(Forum)
    if status:
        query = query.where(Forum.status == status)
    return list(db.exec(query.order_by(col(Forum.starts_on).desc(), col(Forum.id).desc())).all())


def get_agenda_item(db: Session, item_id: int) -> AgendaItem | None:
    return db.get(AgendaItem, item_id)


def get_delegate(db: Session, *, forum_id: int, user_id: int) -> Delegate | None:
    """The delegate row, registered or not (unregistering keeps it)."""
    return db.exec(select(Delegate).where(Delegate.forum_id == forum_id, Delegate.user_id == user_id)).first()


def is_registered_delegate(db: Session, *, forum_id: int, user_id: int) -> bool:
    delegate = get_delegate(db, forum_id=forum_id, user_id=user_id)
    return delegate is not None and delegate.is_registered


def list_delegates(db: Session, forum_id: int) -> list[tuple[Delegate, User]]:
    """Registered delegates with their people, by name."""
    rows = db.exec(
        select(Delegate, User)
        .join(User, col(User.id) == Delegate.user_id)
        .where(Delegate.forum_id == forum_id, Delegate.is_registered == True)  # noqa: E712
        .order_by(col(User.display_name), col(User.id))
    ).all()
    return [(delegate, user) for delegate, user in rows]


def registered_ids(db: Session, forum_id: int) -> set[int]:
    return set(
        db.exec(select(Delegate.user_id).where(Delegate.forum_id == forum_id, Delegate.is_registered == True)).all()
    )  # noqa: E712


def present_ids(db: Session, forum_id: int) -> set[int]:
    """Registered delegates the chair marked present in the hall."""
    return set(
        db.exec(
            select(Delegate.user_id).where(
                Delegate.forum_id == forum_id,
                Delegate.is_registered == True,  # noqa: E712
                Delegate.is_present == True,
            )
        ).all()
    )  # noqa: E712


def proxy_holder(db: Session, *, forum_id: int, giver_id: int) -> int | None:
    """Who holds the live proxy this delegate gave, if any."""
    return db.exec(
        select(Proxy.holder_id).where(Proxy.forum_id == forum_id, Proxy.giver_id == giver_id, Proxy.revoked_at == None)
    ).first()  # noqa: E711


def live_proxies(db: Session, forum_id: int) -> dict[int, int]:
    """Proxies in force: {giver's user id: holder's user id}."""
    rows = db.exec(
        select(Proxy.giver_id, Proxy.holder_id).where(Proxy.forum_id == forum_id, Proxy.revoked_at == None)
    ).all()  # noqa: E711
    return {giver: holder for giver, holder in rows}


# --- the agenda --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda item with what its pages show: the document and its workshop (for a text), the submitter."""

    item: AgendaItem
    submitter: User
    document: Document | None = None
    workshop: Workshop | None = None


def _entries(db: Session, *conditions, order) -> list[AgendaEntry]:
    rows = db.exec(
        select(AgendaItem, User, Document, Workshop)
        .join(User, col(User.id) == AgendaItem.submitted_by)
        .join(Document, col(Document.id) == AgendaItem.document_id, isouter=True)
        .join(Workshop, col(Workshop.id) == Document.workshop_id, isouter=True)
        .where(*conditions)
        .order_by(*order)
    ).all()
    return [AgendaEntry(item, user, document, workshop) for item, user, document, workshop in rows]


def list_agenda(db: Session, forum_id: int) -> list[AgendaEntry]:
    """The agenda in order: scheduled items and those already decided (they keep their place)."""
    return _entries(
        db,
        AgendaItem.forum_id == forum_id,
        col(AgendaItem.status).in_(("scheduled", "decided")),
        order=(AgendaItem.position, AgendaItem.id),
    )


def list_submissions(db: Session, forum_id: int) -> list[AgendaEntry]:
    """Texts waiting for the coordination committee, first submitted first."""
    return _entries(
        db,
        AgendaItem.forum_id == forum_id,
        AgendaItem.status == AgendaStatus.SUBMITTED,
        order=(AgendaItem.submitted_at, AgendaItem.id),
    )


def list_returned(db: Session, forum_id: int) -> list[AgendaEntry]:
    return _entries(
        db,
        AgendaItem.forum_id == forum_id,
        AgendaItem.status == AgendaStatus.RETURNED,
        order=(col(AgendaItem.decided_at).desc(), col(AgendaItem.id).desc()),
    )


def get_agenda_entry(db: Session, item_id: int) -> AgendaEntry | None:
    entries = _entries(db, AgendaItem.id == item_id, order=(AgendaItem.id,))
    return entries[0] if entries else None


def last_return(db: Session, document_id: int) -> tuple[AgendaItem, Forum] | None:
    """The latest time a forum sent this document back to its workshop, with that forum."""
    row = db.exec(
        select(AgendaItem, Forum)
        .join(Forum, col(Forum.id) == AgendaItem.forum_id)
        .where(AgendaItem.document_id == document_id, AgendaItem.status == AgendaStatus.RETURNED)
        .order_by(col(AgendaItem.decided_at).desc(), col(AgendaItem.id).desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def list_forums_open_for_submission(db: Session) -> list[Forum]:
    """Forums whose agenda still takes texts, soonest first."""
    return list(
        db.exec(
            select(Forum)
            .where(col(Forum.status).in_(("planned", "open")))
            .order_by(col(Forum.starts_on), col(Forum.id))
        ).all()
    )


def last_agenda_position(db: Session, forum_id: int) -> int:
    """The highest position on the agenda so far (0 for an empty agenda)."""
    return db.exec(select(func.max(AgendaItem.position)).where(col(AgendaItem.forum_id) == forum_id)).one() or 0


def _neighbour(
    db: Session, query: SelectOfScalar[_Row], position: Mapped[Any], current: int | None, direction: str
) -> _Row | None:
    """The row of ``query`` just before ("up") or just after ("down") the place ``current`` in the
    order of ``position``: the agenda and the line of speakers move the same way."""
    if direction == "up":
        query = query.where(position < current).order_by(position.desc())
    else:
        query = query.where(position > current).order_by(position)
    return db.exec(query.limit(1)).first()


def get_agenda_neighbour(db: Session, item: AgendaItem, direction: str) -> AgendaItem | None:
    """The item just before ("up") or just after ("down") ``item`` on its forum's agenda."""
    query = select(AgendaItem).where(AgendaItem.forum_id == item.forum_id, AgendaItem.position != None)  # noqa: E711
    return _neighbour(db, query, col(AgendaItem.position), item.position, direction)


def agenda_order(db: Session, forum_id: int) -> list[int]:
    """Item ids in agenda order, for the audit log."""
    return stored_ids(
        db.exec(
            select(AgendaItem.id)
            .where(AgendaItem.forum_id == forum_id, AgendaItem.position != None)  # noqa: E711
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        ).all()
    )


def get_forum_for_update(db: Session, forum_id: int) -> Forum | None:
    """The forum row, locked until the transaction ends (PostgreSQL) and read afresh.

    Agenda and proxy changes take this lock so that two at once are applied one after the other;
    SQLite has no row locks but runs one writing transaction at a time, which gives the same order.
    """
    return db.exec(
        select(Forum).where(Forum.id == forum_id).with_for_update().execution_options(populate_existing=True)
    ).first()


def get_item_for_update(db: Session, item_id: int) -> AgendaItem | None:
    """The agenda item, locked: changes to its speakers' list are applied one at a time."""
    return db.exec(
        select(AgendaItem).where(AgendaItem.id == item_id).with_for_update().execution_options(populate_existing=True)
    ).first()


# --- delegates and proxies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProxyRow:
    proxy: Proxy
    giver: User
    holder: User


def count_registered(db: Session, forum_id: int) -> int:
    return db.exec(
        select(func.count()).select_from(Delegate).where(Delegate.forum_id == forum_id, Delegate.is_registered == True)
    ).one()  # noqa: E712


def get_proxy(db: Session, proxy_id: int) -> Proxy | None:
    return db.get(Proxy, proxy_id)


def list_live_proxies(db: Session, forum_id: int) -> list[ProxyRow]:
    """Proxies in force with both people, by the giver's name."""
    giver, holder = aliased(User), aliased(User)
    rows = db.exec(
        select(Proxy, giver, holder)
        .join(giver, col(Proxy.giver_id) == giver.id)
        .join(holder, col(Proxy.holder_id) == holder.id)
        .where(Proxy.forum_id == forum_id, Proxy.revoked_at == None)  # noqa: E711
        .order_by(giver.display_name, col(Proxy.id))
    ).all()
    return [ProxyRow(p, g, h) for p, g, h in rows]


def list_proxies_of(db: Session, *, forum_id: int, user_id: int) -> list[Proxy]:
    """Live proxies the person gives or holds."""
    return list(
        db.exec(
            select(Proxy).where(
                Proxy.forum_id == forum_id,
                Proxy.revoked_at == None,  # noqa: E711
                (Proxy.giver_id == user_id) | (Proxy.holder_id == user_id),
            )
        ).all()
    )


# --- the speakers' list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinutesItem:
    entry: AgendaEntry
    speeches: list[tuple[Speaker, User]] = field(default_factory=list)


def get_speaker(db: Session, speaker_id: int) -> Speaker | None:
    return db.get(Speaker, speaker_id)


def list_speakers(db: Session, item_id: int) -> list[tuple[Speaker, User]]:
    """Everyone on the item's list who has not withdrawn, in the list's order."""
    rows = db.exec(
        select(Speaker, User)
        .join(User, col(User.id) == Speaker.user_id)
        .where(Speaker.agenda_item_id == item_id, Speaker.status != SpeakerStatus.WITHDRAWN)
        .order_by(col(Speaker.position), col(Speaker.id))
    ).all()
    return [(speaker, user) for speaker, user in rows]


def current_speaker(db: Session, item_id: int) -> tuple[Speaker, User] | None:
    row = db.exec(
        select(Speaker, User)
        .join(User, col(User.id) == Speaker.user_id)
        .where(Speaker.agenda_item_id == item_id, Speaker.status == SpeakerStatus.SPEAKING)
    ).first()
    return (row[0], row[1]) if row else None


def get_open_request(db: Session, *, item_id: int, user_id: int) -> Speaker | None:
    """The person's waiting or speaking request on the item, if any."""
    return db.exec(
        select(Speaker).where(
            col(Speaker.agenda_item_id) == item_id,
            col(Speaker.user_id) == user_id,
            col(Speaker.status).in_(("waiting", "speaking")),
        )
    ).first()


def last_speaker_position(db: Session, item_id: int) -> int:
    return db.exec(select(func.coalesce(func.max(Speaker.position), 0)).where(Speaker.agenda_item_id == item_id)).one()


def get_waiting_neighbour(db: Session, speaker: Speaker, direction: str) -> Speaker | None:
    query = select(Speaker).where(
        Speaker.agenda_item_id == speaker.agenda_item_id, Speaker.status == SpeakerStatus.WAITING
    )
    return _neighbour(db, query, col(Speaker.position), speaker.position, direction)


def list_speaking(db: Session, item_id: int) -> list[Speaker]:
    return list(
        db.exec(
            select(Speaker).where(Speaker.agenda_item_id == item_id, Speaker.status == SpeakerStatus.SPEAKING)
        ).all()
    )


def list_waiting_order(db: Session, item_id: int) -> list[int]:
    return stored_ids(
        db.exec(
            select(Speaker.id)
            .where(Speaker.agenda_item_id == item_id, Speaker.status == SpeakerStatus.WAITING)
            .order_by(col(Speaker.position), col(Speaker.id))
        ).all()
    )


def list_minutes(db: Session, forum_id: int) -> list[MinutesItem]:
    """For each agenda item in order, who spoke (or is speaking) and when: two queries in all."""
    agenda = list_agenda(db, forum_id)
    rows = (
        db.exec(
            select(Speaker, User)
            .join(User, col(User.id) == Speaker.user_id)
            .where(
                col(Speaker.agenda_item_id).in_([e.item.id for e in agenda]),
                col(Speaker.status).in_(("spoke", "speaking")),
            )
            .order_by(col(Speaker.started_at), col(Speaker.id))
        ).all()
        if agenda
        else []
    )
    speeches: dict[int, list[tuple[Speaker, User]]] = {}
    for speaker, user in rows:
        speeches.setdefault(speaker.agenda_item_id, []).append((speaker, user))
    return [MinutesItem(entry, speeches.get(saved_id(entry.item), [])) for entry in agenda]
