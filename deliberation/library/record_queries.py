"""One resolution of the library: its frozen record, and its drafting history up to the adopted text.

Nothing here returns a draft: the history stops at the revision the forum adopted, and a later
revision of the same document is out of reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ..discussion.queries import list_accepted_amendments
from ..drafting.models import Revision, RevisionOrigin
from ..resolutions.models import Resolution
from .params import page_count

HISTORY_PER_PAGE = 100


def number_in_year(number: str) -> int:
    """ "2026/3" -> 3, for the resolution's address."""
    return int(number.rpartition("/")[2])


@dataclass(frozen=True)
class ResolutionRecord:
    """Everything a resolution's page shows, read in one statement and kept: none of it changes.

    A snapshot rather than the ORM row, so it can be shared between requests and threads.
    """

    id: int
    sequence: int
    number: str
    year: int
    n: int
    title: str
    kind: str
    text: str
    document_id: int
    revision_number: int
    workshop_id: int
    workshop_title: str
    forum_id: int
    forum_title: str
    vote_id: int
    adopted_at: datetime
    sectors: tuple[str, ...]
    themes: tuple[str, ...]
    rule: dict
    tally: dict
    contributors: tuple[dict, ...]
    hash: str
    previous_hash: str | None
    #: The adopted revision's stable paragraph ids, so ``#p-…`` links match the document's.
    paragraph_ids: tuple[str, ...] = field(default=())


def get_resolution_record(db: Session, *, year: int, n: int) -> ResolutionRecord | None:
    row = db.exec(
        select(Resolution, Revision.paragraph_ids)
        .join(
            Revision,
            and_(
                col(Revision.document_id) == col(Resolution.document_id),
                col(Revision.number) == col(Resolution.revision_number),
            ),
            isouter=True,
        )
        .where(col(Resolution.number) == f"{year}/{n}")
    ).first()
    if row is None:
        return None
    # Only what was frozen at adoption: the page is cached as immutable, so a workshop renamed
    # since must not show (see migration 0007).
    r, paragraph_ids = row
    assert r.id is not None  # read from the table, so saved
    workshop_title = r.workshop_title
    return ResolutionRecord(
        id=r.id,
        sequence=r.sequence,
        number=r.number,
        year=r.year,
        n=number_in_year(r.number),
        title=r.title,
        kind=r.kind,
        text=r.text,
        document_id=r.document_id,
        revision_number=r.revision_number,
        workshop_id=r.workshop_id,
        workshop_title=workshop_title or "",
        forum_id=r.forum_id,
        forum_title=r.forum_title,
        vote_id=r.vote_id,
        adopted_at=r.adopted_at,
        sectors=tuple(r.sectors or ()),
        themes=tuple(r.themes or ()),
        rule=dict(r.rule),
        tally=dict(r.tally),
        contributors=tuple(dict(c) for c in r.contributors or ()),
        hash=r.hash,
        previous_hash=r.previous_hash,
        paragraph_ids=tuple(paragraph_ids or ()),
    )


@dataclass(frozen=True)
class HistoryRow:
    number: int
    created_at: datetime
    author_name: str
    summary: str
    origin: str
    source_number: int | None
    #: For a version an accepted amendment made: the amendment's number, and the forum's vote that
    #: adopted it if one did (the author is the version's, ``author_name``).
    amendment_number: int | None = None
    vote_number: int | None = None


@dataclass(frozen=True)
class AdoptedHistory:
    rows: list[HistoryRow]
    page: int
    pages: int
    total: int


def list_adopted_history(
    db: Session, *, record: ResolutionRecord, page: int = 1, per_page: int = HISTORY_PER_PAGE
) -> AdoptedHistory:
    """The document's revisions up to the adopted one, newest first, without their texts.

    Authors are named as the resolution froze them: every author of these revisions is one of its
    contributors, so a later change of name does not rewrite the record. A version an accepted
    amendment made is credited to the amendment's author, so only the amendment's number (and the
    vote that adopted it) is read, in one more query when the page has such versions.
    """
    up_to = (col(Revision.document_id) == record.document_id, col(Revision.number) <= record.revision_number)
    total = db.exec(select(func.count()).select_from(Revision).where(*up_to)).one()
    pages = page_count(total, per_page)
    page = min(max(1, page), pages)
    # SQLModel's select is typed for up to four columns; SQLAlchemy's takes any number.
    rows = db.execute(
        sa_select(
            col(Revision.number),
            col(Revision.created_at),
            col(Revision.author_id),
            col(Revision.summary),
            col(Revision.origin),
            col(Revision.source_number),
        )
        .where(*up_to)
        .order_by(col(Revision.number).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    names = {c.get("id"): c.get("name", "") for c in record.contributors}
    accepted = list_accepted_amendments(
        db,
        document_id=record.document_id,
        numbers={row.number for row in rows if row.origin == RevisionOrigin.AMENDMENT},
    )
    return AdoptedHistory(
        rows=[
            HistoryRow(
                number=number,
                created_at=created_at,
                author_name=names.get(author_id, ""),
                summary=summary,
                origin=origin,
                source_number=source_number,
                amendment_number=accepted[number].amendment.id if number in accepted else None,
                vote_number=accepted[number].vote_number if number in accepted else None,
            )
            for number, created_at, author_id, summary, origin, source_number in rows
        ],
        page=page,
        pages=pages,
        total=total,
    )


def get_adopted_revisions(db: Session, *, record: ResolutionRecord, numbers: list[int]) -> dict[int, Revision]:
    """Revisions of the resolution's document by number, only those up to the adopted one."""
    allowed = sorted({n for n in numbers if 1 <= n <= record.revision_number})
    if not allowed:
        return {}
    rows = db.exec(
        select(Revision).where(col(Revision.document_id) == record.document_id, col(Revision.number).in_(allowed))
    ).all()
    return {r.number: r for r in rows}
