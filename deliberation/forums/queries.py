"""Reading forums."""

from __future__ import annotations

from sqlmodel import Session, select

from .models import Forum


def get_forum(db: Session, forum_id: int) -> Forum | None:
    return db.get(Forum, forum_id)


def list_forums(db: Session, *, status: str | None = None) -> list[Forum]:
    query = select(Forum)
    if status:
        query = query.where(Forum.status == status)
    return list(db.exec(query.order_by(Forum.starts_on.desc(), Forum.id.desc())).all())
