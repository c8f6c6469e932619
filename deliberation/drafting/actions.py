"""Creating documents and saving revisions without ever losing anyone's words."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import utcnow
from ..errors import Conflict, DomainError, NotFound, require
from ..hooks import DocumentStatusChanged, RevisionSaved, announce
from ..i18n import N_, Nn_
from ..params import number_or_none
from ..taxonomy import SECTORS, THEMES
from ..text import attribution
from ..text.canonical import normalize
from ..text.merge import Custom, MergeResult, merge3, resolve
from ..text.paragraphs import Paragraph, assign_ids, split_units
from ..validation import Checker, strip_controls
from ..workshops.models import Membership, Workshop
from . import queries, rules
from .models import DOCUMENT_KINDS, MAX_BODY_CHARS, MAX_PARAGRAPHS, Document, Revision
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


def _new_pid() -> str:
    return secrets.token_hex(4)


def _tags(check: Checker, data: Mapping, name: str, choices: Mapping[str, str]) -> list[str]:
    multi = data.get("__multi__", {}) if hasattr(data, "get") else {}
    values = multi.get(name) or ([data[name]] if data.get(name) else [])
    if any(v not in choices for v in values):
        check.fail(name, "invalid_choice", N_("Please choose one of the options."))
    return sorted(set(values) & set(choices))


def _body(check: Checker, data: Mapping, name: str = "body") -> str:
    body = normalize(strip_controls(str(data.get(name, "") or "")))
    if not body.strip():
        check.fail(name, "required", N_("This field is required."))
    elif len(body) > MAX_BODY_CHARS:
        check._too_long(name, MAX_BODY_CHARS, len(body))
    elif len(units := split_units(body)) > MAX_PARAGRAPHS:
        check.fail(
            name,
            "too_many_paragraphs",
            Nn_(
                "Please keep the text to %(num)s paragraph or fewer (now %(count)s); a blank line starts a new one.",
                "Please keep the text to %(num)s paragraphs or fewer (now %(count)s); a blank line starts a new one.",
            ),
            n=MAX_PARAGRAPHS,
            count=len(units),
        )
    return body


def check_create_document(
    db: Session, *, workshop: Workshop, actor: User, membership: Membership | None, data: Mapping
) -> Document:
    require(rules.can_create_document(actor, membership))
    check = Checker(data)
    kind = check.choice("kind", DOCUMENT_KINDS)
    title = check.text("title", max_length=300, min_length=3)
    body = _body(check, data)
    sectors, themes = _tags(check, data, "sectors", SECTORS), _tags(check, data, "themes", THEMES)
    check.done()
    document = Document(
        workshop_id=workshop.id,
        kind=kind,
        title=title,
        sectors=sectors,
        themes=themes,
        created_by=actor.id,
        head_number=1,
    )
    db.add(document)
    db.flush()
    paragraphs = assign_ids(None, body, new_id=_new_pid)
    revision = _revision(
        document,
        number=1,
        parent=None,
        author=actor,
        title=title,
        body=body,
        paragraphs=paragraphs,
        spans=attribution.initial_spans(body, 1),
        origin="create",
        summary=check.text("summary", max_length=300, required=False),
    )
    db.add(revision)
    db.flush()
    record(db, actor_id=actor.id, action="document.created", obj=document, workshop_id=workshop.id, kind=kind)
    events.queue(
        db,
        events.document_created,
        document_id=document.id,
        workshop_id=workshop.id,
        kind=kind,
        title=title,
        actor_id=actor.id,
    )
    _revised(db, document, revision)
    return document


def _revision(
    document: Document,
    *,
    number: int,
    parent: Revision | None,
    author: User,
    title: str,
    body: str,
    paragraphs: list[Paragraph],
    spans: list,
    origin: str,
    summary: str,
    source_number: int | None = None,
) -> Revision:
    return Revision(
        document_id=document.id,
        number=number,
        parent_number=parent.number if parent else None,
        author_id=author.id,
        summary=summary,
        origin=origin,
        source_number=source_number,
        title=title,
        body=body,
        body_sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        paragraph_ids=[p.pid for p in paragraphs],
        attribution=attribution.compact(spans),
    )


def _revised(db: Session, document: Document, revision: Revision) -> None:
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
            document_id=document.id, revision_id=revision.id, number=revision.number, author_id=revision.author_id
        ),
    )


def check_save_revision(
    db: Session, *, document: Document, actor: User, membership: Membership | None, data: Mapping
) -> Saved:
    """Save an edit made from revision ``base``; merge with whatever was saved since.

    A clean three-way merge is saved as a revision that says so. Overlapping changes raise
    MergeConflict with both texts and the conflicting passages, and nothing is written.
    """
    require(rules.can_edit_document(actor, membership, document))
    check = Checker(data)
    title = check.text("title", max_length=300, min_length=3)
    summary = check.text("summary", max_length=300, required=False)
    body = _body(check, data)
    base_number = number_or_none(data.get("base"))
    if base_number is None:
        check.fail(
            "base", "missing_base", N_("The form is missing the version it started from. Please reload and try again.")
        )
    check.done()
    return save_text(
        db,
        document=document,
        actor=actor,
        base_number=base_number,
        title=title,
        body=body,
        summary=summary,
        origin="edit",
    )


def check_preview_text(data: Mapping, *, name: str = "body") -> str:
    """The text an editor asks to see rendered before saving, held to the limits of a save (its
    length and its number of paragraphs); an empty text is no error here. Nothing is written."""
    check = Checker(data)
    body = _body(check, data, name) if str(data.get(name, "") or "").strip() else ""
    check.done()
    return body


def check_resolve_conflict(
    db: Session, *, document: Document, actor: User, membership: Membership | None, data: Mapping
) -> Saved:
    """Save the text a person assembled on the conflict page, from base, their text and the head."""
    require(rules.can_edit_document(actor, membership, document))
    check = Checker(data)
    title = check.text("title", max_length=300, min_length=3)
    summary = check.text("summary", max_length=300, required=False)
    mine = _body(check, data, "mine")
    base_number, head_number = number_or_none(data.get("base")), number_or_none(data.get("head"))
    check.done()
    base = _existing(db, document, base_number)
    head = _existing(db, document, head_number)
    result = merge3(base.body, mine, head.body)
    choices, missing = {}, {}
    for conflict in result.conflicts:
        name = f"choice-{conflict.index}"
        choice = str(data.get(name, "") or "")
        if choice == "custom":
            choices[conflict.index] = Custom(
                normalize(strip_controls(str(data.get(f"custom-{conflict.index}", "") or "")))
            )
        elif choice in ("mine", "theirs", "both"):
            choices[conflict.index] = choice
        else:
            missing[name] = DomainError(
                "choice_required", N_("Please choose what to keep in this passage."), field=name
            )
    if missing:
        raise MergeConflict(
            result=result, base=base, head=head, mine=mine, title=title, summary=summary, errors=missing
        )
    text = normalize(resolve(result.chunks, choices)) if result.conflicts else (result.text or mine)
    # The head may have moved again while the person was choosing: merge onto it as usual.
    return save_text(
        db,
        document=document,
        actor=actor,
        base_number=head.number,
        title=title,
        body=text,
        summary=summary,
        origin="resolve",
    )


def do_restore_revision(
    db: Session, *, document: Document, actor: User, membership: Membership | None, number: int
) -> Saved:
    """Bring an old text back as a new revision; history is never rewritten."""
    require(rules.can_edit_document(actor, membership, document))
    old = _existing(db, document, number)
    head = _existing(db, document, document.head_number)
    if old.body == head.body and old.title == head.title:
        raise NothingChanged()
    return save_text(
        db,
        document=document,
        actor=actor,
        base_number=head.number,
        title=old.title,
        body=old.body,
        summary="",
        origin="restore",
        source_number=old.number,
    )


def _existing(db: Session, document: Document, number: int | None) -> Revision:
    revision = queries.get_revision(db, document_id=document.id, number=number) if number else None
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
    origin: str,
    source_number: int | None = None,
) -> Saved:
    """Save ``body`` written from revision ``base_number`` as ``actor``'s, merging with newer saves.

    No permission check here: callers check (an editor saving, a facilitator accepting an
    amendment, which is then credited to the amendment's author).
    """
    for _ in range(SAVE_ATTEMPTS):
        db.refresh(document)
        head = _existing(db, document, document.head_number)
        merged = False
        text = body
        if base_number != head.number:
            base = _existing(db, document, base_number)
            result = merge3(base.body, body, head.body)
            if not result.clean:
                raise MergeConflict(result=result, base=base, head=head, mine=body, title=title, summary=summary)
            text, merged = normalize(result.text), True
            # A title changed on both sides keeps the newer one unless only this person changed it.
            title = title if title != base.title else head.title
        if text == head.body and title == head.title:
            if merged:
                return Saved(head, True)
            raise NothingChanged()
        revision = _revision(
            document,
            number=head.number + 1,
            parent=head,
            author=actor,
            title=title,
            body=text,
            paragraphs=assign_ids(paragraphs_of(head), text, new_id=_new_pid),
            spans=attribution.carry_spans(head.body, attribution.expand(head.attribution), text, head.number + 1),
            origin="merge" if merged and origin == "edit" else origin,
            summary=summary[:300],
            source_number=source_number if source_number is not None else (base_number if merged else None),
        )
        if _claim_head(db, document, head.number, revision):
            _revised(db, document, revision)
            return Saved(revision, merged)
    raise Conflict("busy", N_("Many people are saving this document at once. Please try again in a moment."))


def _claim_head(db: Session, document: Document, expected: int, revision: Revision) -> bool:
    """Compare-and-set the head: of two saves from the same head, exactly one wins."""
    try:
        with db.begin_nested():
            claimed = db.execute(
                update(Document)
                .where(Document.id == document.id, Document.head_number == expected)
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


def check_update_tags(
    db: Session, *, document: Document, actor: User, membership: Membership | None, data: Mapping
) -> Document:
    require(rules.can_edit_document(actor, membership, document))
    check = Checker(data)
    sectors, themes = _tags(check, data, "sectors", SECTORS), _tags(check, data, "themes", THEMES)
    check.done()
    if (sectors, themes) != (document.sectors, document.themes):
        document.sectors, document.themes, document.updated_at = sectors, themes, utcnow()
        db.add(document)
        db.flush()
        record(db, actor_id=actor.id, action="document.tagged", obj=document, sectors=sectors, themes=themes)
    return document


def do_set_document_status(
    db: Session, *, document: Document, actor: User, membership: Membership | None, status: str
) -> Document:
    require(rules.can_change_status(actor, membership, document, status))
    previous, document.status, document.updated_at = document.status, status, utcnow()
    db.add(document)
    db.flush()
    record(db, actor_id=actor.id, action="document.status_set", obj=document, previous=previous, status=status)
    announce(db, DocumentStatusChanged(document_id=document.id))
    events.queue(db, events.document_status_changed, document_id=document.id, status=status, actor_id=actor.id)
    return document
