"""Reading forums, their agendas, delegates and proxies."""

from __future__ import annotations

from sqlmodel import Session, select

from ..accounts.models import User
from .models import AgendaItem, Delegate, Forum, Proxy


def get_forum(db: Session, forum_id: int) -> Forum | None:
    return db.get(Forum, forum_id)


def list_forums(db: Session, *, status: str | None = None) -> list[Forum]:
    query = select(Forum)
    if status:
        query = query.where(Forum.status == status)
    return list(db.exec(query.order_by(Forum.starts_on.desc(), Forum.id.desc())).all())


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
    rows = db.exec(select(Delegate, User).join(User, User.id == Delegate.user_id)
                   .where(Delegate.forum_id == forum_id, Delegate.is_registered == True)  # noqa: E712
                   .order_by(User.display_name, User.id)).all()
    return [(delegate, user) for delegate, user in rows]


def registered_ids(db: Session, forum_id: int) -> set[int]:
    return set(db.exec(select(Delegate.user_id).where(Delegate.forum_id == forum_id,
                                                      Delegate.is_registered == True)).all())  # noqa: E712


def present_ids(db: Session, forum_id: int) -> set[int]:
    """Registered delegates the chair marked present in the hall."""
    return set(db.exec(select(Delegate.user_id).where(Delegate.forum_id == forum_id,
                                                      Delegate.is_registered == True,  # noqa: E712
                                                      Delegate.is_present == True)).all())  # noqa: E712


def live_proxies(db: Session, forum_id: int) -> dict[int, int]:
    """Proxies in force: {giver's user id: holder's user id}."""
    rows = db.exec(select(Proxy.giver_id, Proxy.holder_id).where(Proxy.forum_id == forum_id,
                                                                 Proxy.revoked_at == None)).all()  # noqa: E711
    return {giver: holder for giver, holder in rows}
