"""Reading what the exports of a resolution need, in one statement."""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from ..drafting.models import Revision
from ..resolutions.models import Resolution
from .source import ResolutionSource, source_of


def get_resolution_source(db: Session, *, year: int, n: int) -> ResolutionSource | None:
    """Resolution "year/n" with its adopted revision's paragraph ids and its document's first revision.

    One query whatever is exported: the web layer keeps the result for the life of the process,
    so a resolution costs the database one statement per process, not one per format.
    """
    adopted, first = aliased(Revision), aliased(Revision)
    # Five entities: more than sqlmodel's select is typed for; SQLAlchemy's builds the same statement.
    row = db.execute(
        sa_select(Resolution, col(adopted.paragraph_ids), col(first.body), col(first.paragraph_ids), col(first.title))
        .join(
            adopted,
            and_(
                col(adopted.document_id) == col(Resolution.document_id),
                col(adopted.number) == col(Resolution.revision_number),
            ),
        )
        .outerjoin(first, and_(col(first.document_id) == col(Resolution.document_id), col(first.number) == 1))
        .where(col(Resolution.number) == f"{year}/{n}")
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
