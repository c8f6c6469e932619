"""Reading resolutions. Rows never change, so nothing here needs locking or refreshing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from ..accounts.models import User
from ..drafting.models import Revision
from .models import Resolution

DEFAULT_LIST_LIMIT = 50


@dataclass(frozen=True)
class ResolutionView:
    resolution: Resolution
    #: The adopted revision's stable paragraph ids, so ``#p-…`` links match the document's.
    paragraph_ids: list[str]


def get_resolution(db: Session, resolution_id: int) -> Resolution | None:
    return db.get(Resolution, resolution_id)


def get_resolution_by_number(db: Session, year: int, n: int) -> Resolution | None:
    """The resolution numbered "year/n"."""
    return db.exec(select(Resolution).where(Resolution.number == f"{year}/{n}")).first()


def get_resolution_view(db: Session, year: int, n: int) -> ResolutionView | None:
    """A resolution with what its page needs besides the row: the paragraph ids of its text."""
    resolution = get_resolution_by_number(db, year, n)
    if resolution is None:
        return None
    ids = db.exec(
        select(Revision.paragraph_ids).where(
            Revision.document_id == resolution.document_id, Revision.number == resolution.revision_number
        )
    ).first()
    return ResolutionView(resolution=resolution, paragraph_ids=list(ids or []))


def list_resolutions(db: Session, *, forum_id: int | None = None, limit: int = DEFAULT_LIST_LIMIT) -> list[Resolution]:
    """Newest first (by position in the chain, which is the order of adoption)."""
    query = select(Resolution)
    if forum_id is not None:
        query = query.where(Resolution.forum_id == forum_id)
    return list(db.exec(query.order_by(col(Resolution.sequence).desc()).limit(limit)).all())


def get_resolution_for_document(db: Session, document_id: int) -> Resolution | None:
    """The resolution a document became (the latest, should a text ever be adopted twice)."""
    return db.exec(
        select(Resolution).where(Resolution.document_id == document_id).order_by(col(Resolution.sequence).desc())
    ).first()


def get_resolution_for_vote(db: Session, vote_id: int) -> Resolution | None:
    return db.exec(select(Resolution).where(Resolution.vote_id == vote_id)).first()


def list_chain(
    db: Session, *, after_sequence: int = 0, limit: int | None = None, refresh: bool = False
) -> list[Resolution]:
    """Resolutions in chain order (ascending ``sequence``), optionally a slice of the chain.

    ``refresh`` reloads rows already in the session from the database, so what is read is what
    is stored (``verify`` must not check the session's copies).
    """
    query = select(Resolution).where(col(Resolution.sequence) > after_sequence).order_by(col(Resolution.sequence))
    if limit is not None:
        query = query.limit(limit)
    if refresh:
        query = query.execution_options(populate_existing=True)
    return list(db.exec(query).all())


def get_last_resolution(db: Session) -> Resolution | None:
    """The end of the chain: the resolution with the highest ``sequence``."""
    return db.exec(select(Resolution).order_by(col(Resolution.sequence).desc()).limit(1)).first()


def count_resolutions_in_year(db: Session, year: int) -> int:
    return db.exec(select(func.count()).select_from(Resolution).where(Resolution.year == year)).one()


def list_contributors(db: Session, *, document_id: int, up_to: int) -> list[User]:
    """Distinct authors of a document's revisions 1..``up_to``, by id.

    An accepted amendment is a revision credited to the amendment's author, so they are here.
    """
    authors = select(Revision.author_id).where(Revision.document_id == document_id, Revision.number <= up_to).distinct()
    return list(db.exec(select(User).where(col(User.id).in_(authors)).order_by(col(User.id))).all())
