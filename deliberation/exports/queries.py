"""Reading what the exports of a resolution need, in one statement."""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..drafting.models import Revision
from ..resolutions.models import Resolution
from .source import ResolutionSource, source_of


def get_resolution_source(db: Session, *, year: int, n: int) -> ResolutionSource | None:
    """Resolution "year/n" with its adopted revision's paragraph ids and its document's first revision.

    One query whatever is exported: the web layer keeps the result for the life of the process,
    so a resolution costs the database one statement per process, not one per format.
    """
    adopted, first = aliased(Revision), aliased(Revision)
    row = db.exec(
        select(Resolution, adopted.paragraph_ids, first.body, first.paragraph_ids, first.title)
        .join(
            adopted, and_(adopted.document_id == Resolution.document_id, adopted.number == Resolution.revision_number)
        )
        .outerjoin(first, and_(first.document_id == Resolution.document_id, first.number == 1))
        .where(Resolution.number == f"{year}/{n}")
    ).first()
    if row is None:
        return None
    resolution, paragraph_ids, first_body, first_ids, first_title = row
    return source_of(
        resolution,
        paragraph_ids=paragraph_ids or (),
        first_text=first_body,
        first_paragraph_ids=first_ids or (),
        first_title=first_title,
    )
