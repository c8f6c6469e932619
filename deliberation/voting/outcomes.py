"""What a closed vote changes: an adopted amendment is merged into the text, competing ones lapse;
an adopted final text is frozen as a resolution (resolutions hears ``FinalTextAdopted``), a
rejected one returns to its workshop."""

from __future__ import annotations

from sqlmodel import Session

from .. import events
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..discussion.actions import do_settle_amendment_by_assembly
from ..discussion.queries import get_amendment
from ..drafting.models import DocumentStatus
from ..drafting.queries import get_document
from ..forums.models import AgendaItem, AgendaOutcome, AgendaStatus
from ..hooks import DocumentStatusChanged, FinalTextAdopted, announce
from .models import Vote, VoteSubject


def apply_outcome(db: Session, *, vote: Vote) -> None:
    item = db.get(AgendaItem, vote.agenda_item_id)
    assert item is not None  # a vote is taken on an agenda item, which is never deleted
    if vote.subject == VoteSubject.AMENDMENT:
        _amendment_decided(db, vote, item)
    elif vote.subject == VoteSubject.FINAL:
        _final_decided(db, vote, item)


def _amendment_decided(db: Session, vote: Vote, item: AgendaItem) -> None:
    # A vote on an amendment is taken on a text's item and names the amendment.
    assert item.document_id is not None and vote.amendment_id is not None
    document = get_document(db, item.document_id)
    amendment = get_amendment(db, vote.amendment_id)
    assert document is not None and amendment is not None
    do_settle_amendment_by_assembly(
        db,
        amendment=amendment,
        document=document,
        adopted=bool(vote.is_adopted),
        vote_id=saved_id(vote),
        actor_id=vote.closed_by,
    )


def _final_decided(db: Session, vote: Vote, item: AgendaItem) -> None:
    assert item.document_id is not None  # a vote on a final text is taken on a text's item
    document = get_document(db, item.document_id)
    assert document is not None
    item.status, item.outcome = (
        AgendaStatus.DECIDED,
        AgendaOutcome.ADOPTED if vote.is_adopted else AgendaOutcome.REJECTED,
    )
    item.decided_at = utcnow()
    db.add(item)
    if vote.is_adopted:
        announce(db, FinalTextAdopted(vote_id=saved_id(vote), document_id=saved_id(document)))
        return
    # Not adopted: the text goes back to its workshop as a draft; the vote stays on its record.
    document.status, document.updated_at = DocumentStatus.DRAFT, utcnow()
    db.add(document)
    db.flush()
    announce(db, DocumentStatusChanged(document_id=saved_id(document)))
    record(
        db,
        actor_id=vote.closed_by,
        action="document.returned_after_vote",
        obj=document,
        vote_id=vote.id,
        reason=vote.reason,
    )
    events.queue(db, events.document_status_changed, document_id=document.id, status="draft", actor_id=vote.closed_by)
