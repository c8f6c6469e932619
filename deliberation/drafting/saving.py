"""Saving a text as a new revision without ever losing anyone's words: a three-way merge with
whatever was saved since the writer's base, and a compare-and-set on the document's head.

Apart from ``actions`` (the forms that lead here) because every way a text changes ends here:
an edit, a resolved conflict, a restored version, an accepted amendment (discussion.actions).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import Conflict, DomainError, NotFound
from ..hooks import RevisionSaved, announce
from ..i18n import N_
from ..text import attribution
from ..text.canonical import normalize
from ..text.merge import MergeResult, merge3
from ..text.paragraphs import Paragraph, assign_ids
from . import queries
from .models import Document, Revision, RevisionOrigin
from .queries import paragraphs_of

# Saving retries this often when another save lands between reading the head and writing.
SAVE_ATTEMPTS = 3


class MergeConflict(Conflict):
    """Someone saved in between and both changed the same passage: nothing was saved."""

    def __init__(
        self,
        *,
        result: MergeResult,
        base: Revision,
        head: Revision,
        mine: str,
        title: str,
        summary: str,
        errors: dict | None = None,
    ) -> None:
        super().__init__(
            "merge_conflict",
            N_(
                "Someone saved a newer version while you were editing, and you both "
                "changed the same passages. Nothing was overwritten: choose what to keep."
            ),
        )
        self.result, self.base, self.head = result, base, head
        self.mine, self.title, self.summary = mine, title, summary
        #: Choices missing when the person sent the conflict page back.
        self.errors = errors or {}


class NothingChanged(DomainError):
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "nothing_changed", N_("The text is the same as the current version, so there is nothing to save.")
        )


@dataclass(frozen=True)
class Saved:
    revision: Revision
    merged: bool


def new_pid() -> str:
    return secrets.token_hex(4)


def build_revision(
    document: Document,
    *,
    number: int,
    parent: Revision | None,
    author: User,
    title: str,
    body: str,
    paragraphs: list[Paragraph],
    spans: list,
    origin: RevisionOrigin,
    summary: str,
    source_number: int | None = None,
) -> Revision:
    return Revision(
        document_id=saved_id(document),
        number=number,
        parent_number=parent.number if parent else None,
        author_id=saved_id(author),
        summary=summary,
        origin=origin,
        source_number=source_number,
        title=title,
        body=body,
        body_sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        paragraph_ids=[p.pid for p in paragraphs],
        attribution=attribution.compact(spans),
    )


def announce_revision(db: Session, document: Document, revision: Revision) -> None:
    record(
        db,
        actor_id=revision.author_id,
        action="document.revised",
        obj=document,
        number=revision.number,
        origin=revision.origin,
    )
    events.queue(
        db,
        events.document_revised,
        document_id=document.id,
        revision_number=revision.number,
        author_id=revision.author_id,
        origin=revision.origin,
    )
    # Followers hear of it, the search index and the comments' places follow it, all in this
    # transaction (deliberation.wiring lists who does what).
    announce(
        db,
        RevisionSaved(
            document_id=saved_id(document),
            revision_id=saved_id(revision),
            number=revision.number,
            author_id=revision.author_id,
        ),
    )


def existing_revision(db: Session, document: Document, number: int | None) -> Revision:
    revision = queries.get_revision(db, document_id=saved_id(document), number=number) if number else None
    if revision is None:
        raise NotFound("revision_not_found", N_("There is no such version of this document."))
    return revision


def save_text(
    db: Session,
    *,
    document: Document,
    actor: User,
    base_number: int,
    title: str,
    body: str,
    summary: str,
    origin: RevisionOrigin,
    source_number: int | None = None,
) -> Saved:
    """Save ``body`` written from revision ``base_number`` as ``actor``'s, merging with newer saves.

    No permission check here: callers check (an editor saving, a facilitator accepting an
    amendment, which is then credited to the amendment's author).
    """
    for _ in range(SAVE_ATTEMPTS):
        db.refresh(document)
        head = existing_revision(db, document, document.head_number)
        merged = False
        text = body
        if base_number != head.number:
            base = existing_revision(db, document, base_number)
            result = merge3(base.body, body, head.body)
            if not result.clean or result.text is None:
                raise MergeConflict(result=result, base=base, head=head, mine=body, title=title, summary=summary)
            text, merged = normalize(result.text), True
            # A title changed on both sides keeps the newer one unless only this person changed it.
            title = title if title != base.title else head.title
        if text == head.body and title == head.title:
            if merged:
                return Saved(head, True)
            raise NothingChanged()
        revision = build_revision(
            document,
            number=head.number + 1,
            parent=head,
            author=actor,
            title=title,
            body=text,
            paragraphs=assign_ids(paragraphs_of(head), text, new_id=new_pid),
            spans=attribution.carry_spans(head.body, attribution.expand(head.attribution), text, head.number + 1),
            origin=RevisionOrigin.MERGE if merged and origin == RevisionOrigin.EDIT else origin,
            summary=summary[:300],
            source_number=source_number if source_number is not None else (base_number if merged else None),
        )
        if _claim_head(db, document, head.number, revision):
            announce_revision(db, document, revision)
            return Saved(revision, merged)
    raise Conflict("busy", N_("Many people are saving this document at once. Please try again in a moment."))


def _claim_head(db: Session, document: Document, expected: int, revision: Revision) -> bool:
    """Compare-and-set the head: of two saves from the same head, exactly one wins."""
    try:
        with db.begin_nested():
            claimed = db.exec(
                update(Document)
                .where(col(Document.id) == document.id, col(Document.head_number) == expected)
                .values(head_number=revision.number, title=revision.title, updated_at=utcnow())
            )
            if claimed.rowcount != 1:
                raise _LostRace
            db.add(revision)
            db.flush()
    except (_LostRace, IntegrityError):
        return False
    db.refresh(document)
    return True


class _LostRace(Exception):
    pass
