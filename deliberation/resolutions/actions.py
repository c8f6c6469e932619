"""Freezing an adopted text as a resolution. Flushes, never commits.

A resolution is built once, from the vote's stored tally and the adopted revision, and inserted;
nothing in the application ever updates or deletes one. Two guards say so: the database triggers
of migration 0004, and ``_refuse_change`` below, which stops an ORM flush that would update or
delete a ``Resolution`` before any SQL reaches the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import object_session
from sqlmodel import Session

from .. import events
from ..audit.actions import record as audit
from ..db import saved_id, utcnow
from ..drafting.models import Document, DocumentStatus, Revision
from ..drafting.queries import get_revision
from ..errors import Conflict
from ..forums.models import Forum
from ..hooks import DocumentStatusChanged, FinalTextAdopted, ResolutionRecorded, announce
from ..i18n import DISPLAY_ZONE, N_
from ..voting.models import Vote, VoteStatus
from ..voting.queries import rule_of, stored_counts, stored_electorate
from ..workshops.models import Workshop
from . import queries, record
from .chain import record_of
from .models import Resolution

# Each attempt reads the end of the chain again; a loser of a race finds the winner's row the
# next time. More than a few losses in a row means something other than a race is wrong.
ATTEMPTS = 5


class ResolutionIsFinal(RuntimeError):
    """Raised when code tries to update or delete a stored resolution (a programming error)."""


def _refuse_change(mapper, connection, target: Resolution) -> None:
    raise ResolutionIsFinal(f"resolution {target.number} is final: it is never updated or deleted")


def _refuse_update(mapper, connection, target: Resolution) -> None:
    # SQLAlchemy calls this for every dirty instance, even one set to the values it had.
    session = object_session(target)
    if session is None or session.is_modified(target, include_collections=False):
        _refuse_change(mapper, connection, target)


event.listen(Resolution, "before_update", _refuse_update)
event.listen(Resolution, "before_delete", _refuse_change)


def adoption_year(adopted_at: datetime) -> int:
    """Resolutions are numbered by the calendar year in Kyiv, where the network meets."""
    return adopted_at.astimezone(DISPLAY_ZONE).year


def _tally(vote: Vote) -> dict[str, Any]:
    return record.tally_record(
        stored_counts(vote),
        stored_electorate(vote),
        quorum_reached=bool(vote.quorum_reached),
        hand_counted=bool(vote.hand_counted),
    )


def _build(
    db: Session,
    *,
    vote: Vote,
    document: Document,
    revision: Revision,
    forum: Forum,
    workshop_title: str,
    contributors: list[dict[str, Any]],
) -> Resolution:
    """The next link of the chain, as the database stands now."""
    last = queries.get_last_resolution(db)
    adopted_at = vote.closed_at
    assert adopted_at is not None  # do_adopt_resolution refused a vote that has not closed
    year = adoption_year(adopted_at)
    resolution = Resolution(
        sequence=(last.sequence + 1) if last else 1,
        previous_hash=last.hash if last else None,
        number=f"{year}/{queries.count_resolutions_in_year(db, year) + 1}",
        year=year,
        title=revision.title,
        kind=document.kind,
        text=revision.body,
        document_id=saved_id(document),
        revision_number=revision.number,
        workshop_id=document.workshop_id,
        workshop_title=workshop_title,
        forum_id=saved_id(forum),
        forum_title=forum.title,
        vote_id=saved_id(vote),
        adopted_at=adopted_at,
        sectors=list(document.sectors),
        themes=list(document.themes),
        rule=rule_of(vote).describe(),
        tally=_tally(vote),
        contributors=contributors,
        hash="",
    )
    covered = record_of(resolution)
    del covered["hash"]
    resolution.hash = record.resolution_hash(covered)
    return resolution


def do_adopt_resolution(db: Session, *, vote: Vote, document: Document, revision: Revision, forum: Forum) -> Resolution:
    """Freeze the revision a final vote adopted as the next resolution of the chain.

    Called in the transaction that closed ``vote``. Two adoptions at once must not take the same
    place in the chain: both would read the same end, and the unique ``sequence``, ``number`` and
    ``previous_hash`` make the second insert fail. Only the insert runs in a savepoint, so a loser
    rolls back just that, reads the end of the chain again and retries.
    """
    if vote.status != VoteStatus.CLOSED or vote.is_adopted is not True or vote.closed_at is None:
        raise Conflict("vote_not_adopted", N_("This vote did not adopt the text."))
    if vote.forum_id != forum.id or revision.document_id != document.id:
        raise Conflict("vote_mismatch", N_("This vote is not about this text."))
    if vote.revision_number is not None and vote.revision_number != revision.number:
        raise Conflict("vote_mismatch", N_("This vote is not about this text."))
    if queries.get_resolution_for_vote(db, saved_id(vote)) is not None:
        raise Conflict("already_adopted", N_("This text is already a resolution."))
    contributors = [
        {"id": user.id, "name": user.display_name}
        for user in queries.list_contributors(db, document_id=document.id, up_to=revision.number)
    ]
    # Everything the resolution's page shows is frozen with it: it is cached as immutable.
    workshop = db.get(Workshop, document.workshop_id)
    assert workshop is not None, "a document's workshop is kept (its foreign key is required)"
    # Everything the caller changed goes to the database now, outside the savepoint: rolling the
    # savepoint back must undo our insert and nothing else.
    db.flush()
    for attempt in range(ATTEMPTS):
        resolution = _build(
            db,
            vote=vote,
            document=document,
            revision=revision,
            forum=forum,
            workshop_title=workshop.title,
            contributors=contributors,
        )
        try:
            with db.begin_nested():
                db.add(resolution)
                db.flush()
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
            continue
        break
    document.status, document.updated_at = DocumentStatus.ADOPTED, utcnow()
    db.add(document)
    audit(
        db,
        actor_id=vote.closed_by,
        action="resolution.adopted",
        obj=resolution,
        number=resolution.number,
        hash=resolution.hash,
    )
    db.flush()
    # The resolution is public from this commit on; the document stays a members' hit.
    announce(db, ResolutionRecorded(resolution_id=saved_id(resolution)))
    announce(db, DocumentStatusChanged(document_id=document.id))
    events.queue(
        db,
        events.resolution_adopted,
        resolution_id=resolution.id,
        number=resolution.number,
        document_id=document.id,
        forum_id=forum.id,
        vote_id=vote.id,
        hash=resolution.hash,
    )
    return resolution


def adopt_final_text(db: Session, adopted: FinalTextAdopted) -> None:
    """A final vote adopted its revision (voting announces it as the vote closes): freeze it."""
    vote, document = db.get(Vote, adopted.vote_id), db.get(Document, adopted.document_id)
    assert vote is not None and document is not None  # announced in the transaction that closed the vote
    assert vote.revision_number is not None, "a final vote is on one revision"
    revision = get_revision(db, document_id=saved_id(document), number=vote.revision_number)
    forum = db.get(Forum, vote.forum_id)
    assert revision is not None and forum is not None, "a vote's revision and forum are kept"
    do_adopt_resolution(db, vote=vote, document=document, revision=revision, forum=forum)
