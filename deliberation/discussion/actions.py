"""Amending and taking stances. Flushes, never commits.

Comments (posting, editing, resolving, hiding) are in ``comments``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..drafting.models import Document, Revision, RevisionOrigin
from ..drafting.queries import paragraphs_of
from ..drafting.saving import MergeConflict, existing_revision, save_text
from ..errors import Conflict, DomainError, ValidationError, require
from ..hooks import AmendmentDecided, AmendmentProposed, announce
from ..i18n import N_
from ..params import number_or_none
from ..rows import add_or_find
from ..text.amend import AmendError, apply_change
from ..text.canonical import normalize
from ..text.merge import MergeResult, merge3
from ..validation import Checker, read_text, strip_controls
from ..workshops.models import Membership
from . import queries, rules
from .models import Amendment, AmendmentKind, AmendmentStatus, AmendmentVersion, Stance, StanceKind

# --- amendments ----------------------------------------------------------------------------------


def _change(db: Session, document: Document, data: Mapping, check: Checker) -> dict:
    kind = check.choice("kind", AmendmentKind)
    base = existing_revision(db, document, number_or_none(data.get("base")) or document.head_number)
    proposed = normalize(strip_controls(str(data.get("proposed", "") or "")))
    rationale = check.text("rationale", max_length=5000, multiline=True)
    pid = str(data.get("pid", "") or "") or None
    start, end = (number_or_none(data.get(name), minimum=0) for name in ("start", "end"))
    if kind != AmendmentKind.WHOLE and not pid:
        check.fail("pid", "required", N_("Please choose the paragraph the amendment is about."))
    if kind in (AmendmentKind.REPLACE, AmendmentKind.INSERT, AmendmentKind.WHOLE) and not proposed.strip():
        check.fail("proposed", "required", N_("This field is required."))
    elif len(proposed) > 400_000:
        check._too_long("proposed", 400_000, len(proposed))
    check.done()
    paragraphs = paragraphs_of(base)
    original, original_start = "", None
    if kind in (AmendmentKind.REPLACE, AmendmentKind.DELETE):
        text = next((p.text for p in paragraphs if p.pid == pid), None)
        if text is None:
            raise ValidationError(
                {"pid": DomainError("no_paragraph", N_("That paragraph is not in this version."), field="pid")}
            )
        if start is None or end is None or not 0 <= start < end <= len(text):
            start, end = 0, len(text)
        original, original_start = text[start:end], start
    try:
        amended = apply_change(
            base.body,
            paragraphs,
            kind=kind,
            pid=pid,
            start=original_start,
            end=None if original_start is None else original_start + len(original),
            proposed=proposed,
        )
    except AmendError as exc:
        raise ValidationError(
            {"pid": DomainError("no_paragraph", N_("That paragraph is not in this version."), field="pid")}
        ) from exc
    if amended == base.body:
        raise ValidationError(
            {
                "proposed": DomainError(
                    "nothing_changed", N_("The proposed text is the same as the current one."), field="proposed"
                )
            }
        )
    return dict(
        kind=kind,
        base_number=base.number,
        target_pid=pid if kind != AmendmentKind.WHOLE else None,
        original=original,
        original_start=original_start,
        proposed=proposed,
        rationale=rationale,
    )


def check_propose_amendment(db: Session, *, document: Document, actor: User, data: Mapping) -> Amendment:
    require(rules.can_propose_amendment(actor, document))
    fields = _change(db, document, data, Checker(data))
    amendment = Amendment(document_id=saved_id(document), author_id=saved_id(actor), **fields)
    db.add(amendment)
    db.flush()
    db.add(
        AmendmentVersion(
            amendment_id=saved_id(amendment), version=1, proposed=amendment.proposed, rationale=amendment.rationale
        )
    )
    record(
        db, actor_id=actor.id, action="amendment.proposed", obj=amendment, document_id=document.id, kind=amendment.kind
    )
    announce(
        db,
        AmendmentProposed(document_id=saved_id(document), amendment_id=saved_id(amendment), author_id=saved_id(actor)),
    )
    events.queue(
        db,
        events.amendment_proposed,
        amendment_id=amendment.id,
        document_id=document.id,
        author_id=actor.id,
        kind=amendment.kind,
    )
    return amendment


def check_edit_amendment(
    db: Session, *, amendment: Amendment, document: Document, actor: User, data: Mapping
) -> Amendment:
    """A new version of the proposal; stances given to the old one stop counting until confirmed."""
    require(rules.can_edit_amendment(actor, amendment))
    check = Checker(data)
    proposed = normalize(strip_controls(str(data.get("proposed", "") or "")))
    rationale = check.text("rationale", max_length=5000, multiline=True)
    if amendment.kind != AmendmentKind.DELETE and not proposed.strip():
        check.fail("proposed", "required", N_("This field is required."))
    check.done()
    if (proposed, rationale) == (amendment.proposed, amendment.rationale):
        return amendment
    amendment.proposed, amendment.rationale, amendment.version = proposed, rationale, amendment.version + 1
    db.add(amendment)
    db.add(
        AmendmentVersion(
            amendment_id=saved_id(amendment), version=amendment.version, proposed=proposed, rationale=rationale
        )
    )
    db.flush()
    record(db, actor_id=actor.id, action="amendment.edited", obj=amendment, version=amendment.version)
    return amendment


def do_take_stance(db: Session, *, amendment: Amendment, actor: User, stance: str) -> Stance:
    """Support or oppose the current version; the same call confirms a stance on an earlier one."""
    require(rules.can_take_stance(actor, amendment))
    if stance not in StanceKind.__members__.values():
        raise ValidationError(
            {"stance": DomainError("invalid_choice", N_("Please choose one of the options."), field="stance")}
        )
    stance = StanceKind(stance)
    amendment_id, user_id = saved_id(amendment), saved_id(actor)
    current = queries.get_stance(db, amendment_id=amendment_id, user_id=user_id)
    if current is None:
        # A double click may race itself; the other request's row then stands and is updated below.
        current, _ = add_or_find(
            db,
            Stance(amendment_id=amendment_id, user_id=user_id, stance=stance, amendment_version=amendment.version),
            lambda: queries.get_stance(db, amendment_id=amendment_id, user_id=user_id),
        )
    previous = (current.stance, current.amendment_version)
    current.stance, current.amendment_version, current.updated_at = stance, amendment.version, utcnow()
    db.add(current)
    db.flush()
    record(
        db,
        actor_id=actor.id,
        action="amendment.stance",
        obj=amendment,
        stance=stance,
        version=amendment.version,
        previous=list(previous),
    )
    return current


def rebase(db: Session, *, amendment: Amendment, document: Document):
    """The amendment applied to its base and merged onto the newest text: (MergeResult, head)."""
    base = existing_revision(db, document, amendment.base_number)
    head = existing_revision(db, document, document.head_number)
    amended = amended_text(base, amendment)
    return merge3(base.body, amended, head.body), head


@dataclass(frozen=True)
class AmendmentChange:
    """What an amendment changes, in the text it is read against.

    While it is open, that is the current text, onto which it is carried by the merge; ``after``
    is None when the merge clashes (``merge`` then holds the conflicts). Once decided (accepted,
    rejected, withdrawn, lapsed) it is the version it was written against, with the change exactly
    as proposed: the current text may since have moved on for other reasons.
    """

    against: Revision
    current: bool
    before: str
    after: str | None
    merge: MergeResult | None = None


def amendment_change(db: Session, *, amendment: Amendment, document: Document) -> AmendmentChange:
    if amendment.status == AmendmentStatus.OPEN:
        result, head = rebase(db, amendment=amendment, document=document)
        return AmendmentChange(head, True, head.body, result.text if result.clean else None, result)
    base = existing_revision(db, document, amendment.base_number)
    return AmendmentChange(base, False, base.body, amended_text(base, amendment))


def amended_text(base: Revision, amendment: Amendment) -> str:
    start = amendment.original_start
    end = None if start is None else start + len(amendment.original)
    return apply_change(
        base.body,
        paragraphs_of(base),
        kind=amendment.kind,
        pid=amendment.target_pid,
        start=start,
        end=end,
        proposed=amendment.proposed,
    )


class AmendmentConflict(Conflict):
    def __init__(self, result) -> None:
        super().__init__(
            "amendment_conflict",
            N_(
                "The text has changed where this amendment applies, and the "
                "changes clash. Ask the author to update the amendment."
            ),
        )
        self.result = result


def _merge_amendment(db: Session, amendment: Amendment, document: Document) -> Revision:
    """Merge ``amendment`` onto the current text as a new revision credited to its author.

    One merge for both ways an amendment is accepted (by a decider, or by a forum's vote), so the
    two never credit, summarise or report a clash differently.
    """
    author = db.get(User, amendment.author_id)
    assert author is not None, "an amendment's author is kept (its foreign key is required)"
    base = existing_revision(db, document, amendment.base_number)
    try:
        saved = save_text(
            db,
            document=document,
            actor=author,
            base_number=base.number,
            title=document.title,
            body=amended_text(base, amendment),
            summary=f"#{amendment.id}",
            origin=RevisionOrigin.AMENDMENT,
            source_number=base.number,
        )
    except MergeConflict as conflict:
        raise AmendmentConflict(conflict.result) from None
    return saved.revision


def do_accept_amendment(
    db: Session, *, amendment: Amendment, document: Document, actor: User, membership: Membership | None
) -> Revision:
    """Merge the amendment onto the current text as a new revision credited to its author."""
    require(rules.can_decide_amendment(actor, membership, amendment, document))
    revision = _merge_amendment(db, amendment, document)
    amendment.status, amendment.decided_by, amendment.decided_at = AmendmentStatus.ACCEPTED, actor.id, utcnow()
    amendment.accepted_number = revision.number
    db.add(amendment)
    db.flush()
    _decided(db, amendment, document, actor, accepted=True)
    return revision


def check_reject_amendment(
    db: Session, *, amendment: Amendment, document: Document, actor: User, membership: Membership | None, data: Mapping
) -> Amendment:
    require(rules.can_decide_amendment(actor, membership, amendment, document))
    reason = read_text(data, "reason", max_length=2000, multiline=True)
    amendment.status, amendment.decided_by, amendment.decided_at = AmendmentStatus.REJECTED, actor.id, utcnow()
    amendment.decision_reason = reason
    db.add(amendment)
    db.flush()
    _decided(db, amendment, document, actor, accepted=False)
    return amendment


def do_withdraw_amendment(db: Session, *, amendment: Amendment, actor: User) -> Amendment:
    require(rules.can_withdraw_amendment(actor, amendment))
    amendment.status, amendment.decided_at = AmendmentStatus.WITHDRAWN, utcnow()
    db.add(amendment)
    db.flush()
    record(db, actor_id=actor.id, action="amendment.withdrawn", obj=amendment)
    return amendment


def _decided(db: Session, amendment: Amendment, document: Document, actor: User, *, accepted: bool) -> None:
    _settled(db, amendment, document, actor.id, accepted=accepted)


def do_settle_amendment_by_assembly(
    db: Session, *, amendment: Amendment, document: Document, adopted: bool, vote_id: int, actor_id: int | None
) -> Revision | None:
    """A forum's vote decided: an adopted amendment is merged onto the text as a revision credited
    to its author, and the amendments competing with it lapse (see :mod:`.competition`); a rejected one is
    closed with the vote as its reason. Called by the vote's closing, which checked permissions."""
    amendment.decided_by, amendment.decided_at = actor_id, utcnow()
    if not adopted:
        amendment.status, amendment.decision_reason = AmendmentStatus.REJECTED, f"vote:{vote_id}"
        db.add(amendment)
        db.flush()
        _settled(db, amendment, document, actor_id, accepted=False)
        return None
    revision = _merge_amendment(db, amendment, document)
    amendment.status, amendment.accepted_number, amendment.decision_reason = (
        AmendmentStatus.ACCEPTED,
        revision.number,
        f"vote:{vote_id}",
    )
    db.add(amendment)
    for rival in (s.amendment for s in queries.list_competing(db, amendment=amendment)):
        rival.status, rival.decided_at, rival.decided_by = AmendmentStatus.LAPSED, utcnow(), actor_id
        rival.decision_reason = f"lapsed:{amendment.id}"
        db.add(rival)
        record(db, actor_id=actor_id, action="amendment.lapsed", obj=rival, adopted=amendment.id, vote_id=vote_id)
    db.flush()
    _settled(db, amendment, document, actor_id, accepted=True)
    return revision


def _settled(db: Session, amendment: Amendment, document: Document, actor_id: int | None, *, accepted: bool) -> None:
    record(
        db,
        actor_id=actor_id,
        action="amendment.accepted" if accepted else "amendment.rejected",
        obj=amendment,
        revision=amendment.accepted_number,
        reason=amendment.decision_reason,
    )
    announce(
        db,
        AmendmentDecided(
            document_id=saved_id(document), amendment_id=saved_id(amendment), accepted=accepted, actor_id=actor_id
        ),
    )
    events.queue(
        db,
        events.amendment_decided,
        amendment_id=amendment.id,
        document_id=document.id,
        accepted=accepted,
        actor_id=actor_id,
        revision_number=amendment.accepted_number,
    )
