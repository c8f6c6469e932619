"""Creating documents, and the forms that save, resolve and restore their texts; tags and status.

The save itself (the merge with newer saves, the claim on the head) is in ``saving``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import DomainError, require
from ..hooks import DocumentStatusChanged, announce
from ..i18n import N_, Nn_
from ..params import number_or_none
from ..taxonomy import SECTORS, THEMES
from ..text import attribution
from ..text.canonical import normalize
from ..text.merge import Custom, merge3, resolve
from ..text.paragraphs import assign_ids, split_units
from ..validation import Checker, strip_controls
from ..workshops.models import Membership, Workshop
from . import rules
from .models import MAX_BODY_CHARS, MAX_PARAGRAPHS, Document, DocumentKind, DocumentStatus, RevisionOrigin
from .saving import (
    MergeConflict,
    NothingChanged,
    Saved,
    announce_revision,
    build_revision,
    existing_revision,
    new_pid,
    save_text,
)


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
    kind = check.choice("kind", DocumentKind)
    title = check.text("title", max_length=300, min_length=3)
    body = _body(check, data)
    sectors, themes = _tags(check, data, "sectors", SECTORS), _tags(check, data, "themes", THEMES)
    check.done()
    document = Document(
        workshop_id=saved_id(workshop),
        kind=DocumentKind(kind),  # check.done() refused any other value
        title=title,
        sectors=sectors,
        themes=themes,
        created_by=saved_id(actor),
        head_number=1,
    )
    db.add(document)
    db.flush()
    paragraphs = assign_ids(None, body, new_id=new_pid)
    revision = build_revision(
        document,
        number=1,
        parent=None,
        author=actor,
        title=title,
        body=body,
        paragraphs=paragraphs,
        spans=attribution.initial_spans(body, 1),
        origin=RevisionOrigin.CREATE,
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
    announce_revision(db, document, revision)
    return document


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
    assert base_number is not None  # check.done() refused the form without it
    return save_text(
        db,
        document=document,
        actor=actor,
        base_number=base_number,
        title=title,
        body=body,
        summary=summary,
        origin=RevisionOrigin.EDIT,
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
    base = existing_revision(db, document, base_number)
    head = existing_revision(db, document, head_number)
    result = merge3(base.body, mine, head.body)
    choices: dict[int, str | Custom] = {}
    missing: dict[str, DomainError] = {}
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
        origin=RevisionOrigin.RESOLVE,
    )


def do_restore_revision(
    db: Session, *, document: Document, actor: User, membership: Membership | None, number: int
) -> Saved:
    """Bring an old text back as a new revision; history is never rewritten."""
    require(rules.can_edit_document(actor, membership, document))
    old = existing_revision(db, document, number)
    head = existing_revision(db, document, document.head_number)
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
        origin=RevisionOrigin.RESTORE,
        source_number=old.number,
    )


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
    # can_change_status allowed only a status WORKSHOP_STATUS_CHANGES names, so it is a member.
    previous, document.status, document.updated_at = document.status, DocumentStatus(status), utcnow()
    db.add(document)
    db.flush()
    record(db, actor_id=actor.id, action="document.status_set", obj=document, previous=previous, status=status)
    announce(db, DocumentStatusChanged(document_id=saved_id(document)))
    events.queue(db, events.document_status_changed, document_id=document.id, status=status, actor_id=actor.id)
    return document
