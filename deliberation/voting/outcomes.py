"""What a closed vote changes: an adopted amendment is merged into the text, competing ones lapse;
an adopted final text is frozen as a resolution (resolutions hears ``FinalTextAdopted``), a
rejected one returns to its workshop."""

from __future__ import annotations

from sqlmodel import Session

from .. import events
from ..audit.actions import record
from ..db import utcnow
from ..discussion.actions import do_settle_amendment_by_assembly
from ..discussion.queries import get_amendment
from ..drafting.queries import get_document
from ..forums.models import AgendaItem, AgendaOutcome, AgendaStatus
from ..hooks import DocumentStatusChanged, FinalTextAdopted, announce
from .models import Vote, VoteSubject


def apply_outcome(db: Session, *, vote: Vote) -> None:
    item = db.get(AgendaItem, vote.agenda_item_id)
    if vote.subject == VoteSubject.AMENDMENT:
        _amendment_decided(db, vote, item)
    elif vote.subject == VoteSubject.FINAL:
        _final_decided(db, vote, item)


def _amendment_decided(db: Session, vote: Vote, item: AgendaItem) -> None:
    document = get_document(db, item.document_id)
    do_settle_amendment_by_assembly(
        db,
        amendment=get_amendment(db, vote.amendment_id),
        document=document,
        adopted=bool(vote.is_adopted),
        vote_id=vote.id,
        actor_id=vote.closed_by,
    )


def _final_decided(db: Session, vote: Vote, item: AgendaItem) -> None:
    document = get_document(db, item.document_id)
    item.status, item.outcome = (
        AgendaStatus.DECIDED,
        AgendaOutcome.ADOPTED if vote.is_adopted else AgendaOutcome.REJECTED,
    )
    item.decided_at = utcnow()
    db.add(item)
    if vote.is_adopted:
        announce(db, FinalTextAdopted(vote_id=vote.id, document_id=document.id))
        return
    # Not adopted: the text goes back to its workshop as a draft; the vote stays on its record.
    document.status, document.updated_at = "draft", utcnow()
    db.add(document)
    db.flush()
    announce(db, DocumentStatusChanged(document_id=document.id))
    record(
        db,
        actor_id=vote.closed_by,
        action="document.returned_after_vote",
        obj=document,
        vote_id=vote.id,
        reason=vote.reason,
    )
    events.queue(db, events.document_status_changed, document_id=document.id, status="draft", actor_id=vote.closed_by)
