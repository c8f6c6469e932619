"""Small helpers shared by the notification tests."""

from __future__ import annotations

from deliberation.drafting import actions as drafting
from deliberation.drafting.queries import get_revision
from deliberation.workshops.queries import get_membership


def save_version(db, document, author, extra: str = "Ще один абзац петиції.") -> int:
    """Save a new revision as ``author`` through the drafting code; returns its number."""
    membership = get_membership(db, workshop_id=document.workshop_id, user_id=author.id)
    head = get_revision(db, document_id=document.id, number=document.head_number)
    saved = drafting.check_save_revision(
        db,
        document=document,
        actor=author,
        membership=membership,
        data={"base": str(head.number), "title": head.title, "body": f"{head.body}\n\n{extra} ({head.number + 1})"},
    )
    db.commit()
    return saved.revision.number
