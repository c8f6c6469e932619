"""Following documents, sending notifications, and what each member chooses to receive.

The ``notify_*`` functions are the hooks other capabilities call when something happens; they
write one notification per recipient (never to whoever acted) and queue the e-mails of those who
want them at once. Like all domain code they flush and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Select, and_, case, delete, func, insert, literal, null, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..audit.actions import record
from ..db import table_of, utcnow
from ..discussion.models import Amendment, Comment
from ..discussion.queries import list_stances
from ..drafting.models import Document
from ..errors import require
from ..hooks import (
    AmendmentDecided,
    AmendmentProposed,
    CommentPosted,
    RevisionSaved,
)
from ..validation import Checker
from . import queries, rules
from .delivery import Entry, letter_to, queue_mail
from .models import DEFAULT_DELIVERY, Delivery, Follow, Notification, NotificationKind, NotificationPreference


def _follow(db: Session, *, user_id: int, document_id: int) -> bool:
    """Follow, and say whether this call did it (False when already following)."""
    if queries.is_following(db, user_id=user_id, document_id=document_id):
        return False
    try:
        # A parallel request (two saves, two tabs) may insert the same pair between the check and
        # here; the unique constraint refuses the second, and the savepoint keeps the rest of this
        # request's work.
        with db.begin_nested():
            db.add(Follow(user_id=user_id, document_id=document_id))
            db.flush()
    except IntegrityError:
        return False
    return True


def ensure_following(db: Session, *, user_id: int, document_id: int) -> None:
    """Make someone follow a document (authors and commenters do automatically); idempotent."""
    _follow(db, user_id=user_id, document_id=document_id)


def do_follow(db: Session, *, user: User, document: Document) -> None:
    require(rules.can_follow(user, document))
    assert user.id is not None and document.id is not None
    if _follow(db, user_id=user.id, document_id=document.id):
        record(db, actor_id=user.id, action="document.followed", obj=document)


def do_unfollow(db: Session, *, user: User, document: Document) -> None:
    require(rules.can_follow(user, document))
    removed = db.exec(delete(Follow).where(col(Follow.user_id) == user.id, col(Follow.document_id) == document.id))
    if removed.rowcount:
        record(db, actor_id=user.id, action="document.unfollowed", obj=document)


#: How much of a reason (a text returned, a proposal declined, a report hidden) a notification
#: carries; the page it links to shows the whole reason where its reader may see it.
REASON_LENGTH = 300


def shortened(reason: str) -> str:
    """A reason cut to ``REASON_LENGTH`` characters, an ellipsis saying so."""
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1].rstrip() + "…"


#: Who is to hear: user ids, or a SELECT of one column of user ids (a forum's delegates), which
#: stays in the database so a thousand recipients cost one INSERT ... SELECT.
Recipients = Iterable[int | None] | Select


def notify(
    db: Session,
    *,
    kind: str,
    actor_id: int | None,
    recipients: Recipients,
    details: dict,
    document_id: int | None = None,
) -> list[Notification]:
    """Tell ``recipients`` that something of ``kind`` happened; the one way any capability notifies.

    - Whoever acted (``actor_id``) is never notified, even when listed; nor is anyone deactivated,
      nor anyone who turned ``kind`` off.
    - ``details`` holds what the text and the link need (``delivery.describe``/``link_for``): ids,
      and for a subject other than a document its ``title`` as it is now.
    - One INSERT ... SELECT writes every row, whatever the number of recipients, and marks as
      e-mailed those who chose an e-mail at once (and have an address); their letters, each in
      the recipient's language, are queued to go out after the commit (``delivery.queue_mail``).

    Returns the notifications written, by recipient. Flushes, never commits.
    """
    kind = NotificationKind(kind)  # ValueError for an unknown kind: a typo must not pass silently
    if not isinstance(recipients, Select):
        ids = sorted({user_id for user_id in recipients if user_id is not None and user_id != actor_id})
        if not ids:
            return []
        recipients = ids
    now = utcnow()
    table = table_of(Notification)
    preference = aliased(NotificationPreference)
    delivery = func.coalesce(col(preference.delivery), DEFAULT_DELIVERY.value)
    by_mail = and_(delivery == Delivery.IMMEDIATE.value, col(User.email).is_not(None), col(User.email) != "")
    source = (
        # SQLAlchemy's own select: SQLModel's is typed for at most four columns.
        core_select(
            col(User.id),
            literal(kind, table.c.kind.type),
            literal(document_id, table.c.document_id.type),
            literal(actor_id, table.c.actor_id.type),
            literal(now, table.c.created_at.type),
            literal(dict(details), table.c.details.type),
            case((by_mail, literal(now, table.c.emailed_at.type)), else_=null()),
        )
        .select_from(User)
        .outerjoin(preference, and_(col(preference.user_id) == col(User.id), col(preference.kind) == kind.value))
        .where(col(User.id).in_(recipients), col(User.is_active).is_(True), delivery != Delivery.OFF.value)
    )
    if actor_id is not None:
        source = source.where(col(User.id) != actor_id)
    columns = ["user_id", "kind", "document_id", "actor_id", "created_at", "details", "emailed_at"]
    created = list(db.scalars(insert(Notification).from_select(columns, source).returning(Notification)))
    created.sort(key=lambda notification: notification.user_id)
    mailed = [n.user_id for n in created if n.emailed_at is not None]
    if mailed:
        _queue_letters(db, kind=kind, document_id=document_id, actor_id=actor_id, details=details, user_ids=mailed)
    return created


def _queue_letters(
    db: Session, *, kind: str, document_id: int | None, actor_id: int | None, details: dict, user_ids: list[int]
) -> None:
    document = db.get(Document, document_id) if document_id is not None else None
    actor = db.get(User, actor_id) if actor_id is not None else None
    entry = Entry(
        kind=kind,
        document_id=document_id,
        details=dict(details),
        title=document.title if document else str(details.get("title", "")),
        actor_name=actor.display_name if actor else None,
    )
    for user in queries.list_people(db, user_ids):
        queue_mail(db, letter_to(user, [entry]))


def notify_revision(db: Session, *, document: Document, revision_number: int, author_id: int) -> list[Notification]:
    """A new version was saved: tell the document's followers."""
    assert document.id is not None
    return notify(
        db,
        kind="revision",
        document_id=document.id,
        actor_id=author_id,
        recipients=queries.list_follower_ids(db, document_id=document.id),
        details={"number": revision_number},
    )


def notify_reply(
    db: Session, *, document_id: int, comment_id: int, parent_author_id: int, actor_id: int
) -> list[Notification]:
    """Someone answered a comment: tell the comment's author. ``comment_id`` is the reply."""
    return notify(
        db,
        kind="reply",
        document_id=document_id,
        actor_id=actor_id,
        recipients=[parent_author_id],
        details=_comment_details(db, comment_id),
    )


def _comment_details(db: Session, comment_id: int) -> dict:
    """Where a comment is shown (its amendment's page, or its paragraph's comments) goes with its
    notification, so the link needs no query when the list is read."""
    comment = db.get(Comment, comment_id)
    details = {
        "comment_id": comment_id,
        "amendment_id": comment.amendment_id if comment else None,
        "pid": comment.anchor_pid if comment else None,
    }
    return {k: v for k, v in details.items() if v is not None}


def notify_amendment(db: Session, *, document_id: int, amendment_id: int, actor_id: int) -> list[Notification]:
    """An amendment was proposed: tell the document's followers."""
    return notify(
        db,
        kind="amendment",
        document_id=document_id,
        actor_id=actor_id,
        recipients=queries.list_follower_ids(db, document_id=document_id),
        details={"amendment_id": amendment_id},
    )


def notify_decision(
    db: Session,
    *,
    document_id: int,
    amendment_id: int,
    accepted: bool,
    actor_id: int | None,
    recipients: Iterable[int],
) -> list[Notification]:
    """An amendment was accepted or rejected: tell its author and those who took a stance."""
    return notify(
        db,
        kind="decision",
        document_id=document_id,
        actor_id=actor_id,
        recipients=recipients,
        details={"amendment_id": amendment_id, "accepted": bool(accepted)},
    )


# --- what the capabilities below announce (deliberation.wiring registers these) ---------------


def notify_saved_revision(db: Session, saved: RevisionSaved) -> None:
    """Authors follow what they write; followers hear of every new version."""
    ensure_following(db, user_id=saved.author_id, document_id=saved.document_id)
    document = db.get(Document, saved.document_id)
    assert document is not None  # announced in the transaction that saved it
    notify_revision(db, document=document, revision_number=saved.number, author_id=saved.author_id)


def notify_posted_comment(db: Session, posted: CommentPosted) -> None:
    """Commenters follow what they comment on; the author of the comment answered hears of a reply,
    the other followers of a new comment: one notification per person per comment, never two."""
    ensure_following(db, user_id=posted.author_id, document_id=posted.document_id)
    details = _comment_details(db, posted.comment_id)
    answered = posted.parent_author_id
    if answered is not None:
        notify_reply(
            db,
            document_id=posted.document_id,
            comment_id=posted.comment_id,
            parent_author_id=answered,
            actor_id=posted.author_id,
        )
    followers = queries.list_follower_ids(db, document_id=posted.document_id)
    notify(
        db,
        kind=NotificationKind.COMMENT,
        document_id=posted.document_id,
        actor_id=posted.author_id,
        # Whoever was answered heard of it as a reply (or chose not to hear replies).
        recipients=[user_id for user_id in followers if user_id != answered],
        details=details,
    )


def notify_proposed_amendment(db: Session, proposed: AmendmentProposed) -> None:
    """Proposers follow the document; its followers hear of the amendment."""
    ensure_following(db, user_id=proposed.author_id, document_id=proposed.document_id)
    notify_amendment(
        db, document_id=proposed.document_id, amendment_id=proposed.amendment_id, actor_id=proposed.author_id
    )


def notify_decided_amendment(db: Session, decided: AmendmentDecided) -> None:
    """The amendment's author and everyone who took a stance on it hear the decision."""
    amendment = db.get(Amendment, decided.amendment_id)
    assert amendment is not None  # announced in the transaction that decided it
    stances = list_stances(db, amendment_id=decided.amendment_id)
    notify_decision(
        db,
        document_id=decided.document_id,
        amendment_id=decided.amendment_id,
        accepted=decided.accepted,
        actor_id=decided.actor_id,
        recipients={amendment.author_id} | {stance.user_id for stance, _ in stances},
    )


def do_mark_read(db: Session, *, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the member's own notifications read (all of them when ``ids`` is None); returns how many."""
    statement = update(Notification).where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
    if ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        statement = statement.where(col(Notification.id).in_(ids))
    result = db.exec(statement.values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount


def check_set_preferences(db: Session, *, user: User, data: Mapping) -> dict[str, str]:
    """Delivery per kind from a form (field name = kind); a kind left out keeps its setting."""
    assert user.id is not None
    current = queries.get_preferences(db, user.id)
    check = Checker(data)
    chosen: dict[str, str] = {kind: check.choice(kind, Delivery, default=current[kind]) for kind in NotificationKind}
    check.done()
    changed = {kind: Delivery(delivery) for kind, delivery in chosen.items() if delivery != current[kind]}
    if not changed:
        return chosen
    rows: dict[str, NotificationPreference] = {
        row.kind: row
        for row in db.exec(select(NotificationPreference).where(col(NotificationPreference.user_id) == user.id))
    }
    for kind, delivery in changed.items():
        row = rows.get(kind)
        if row is None:
            try:
                # Two tabs saving at once: the second insert meets the unique constraint and updates.
                with db.begin_nested():
                    db.add(NotificationPreference(user_id=user.id, kind=NotificationKind(kind), delivery=delivery))
                    db.flush()
                continue
            except IntegrityError:
                row = db.exec(
                    select(NotificationPreference).where(
                        col(NotificationPreference.user_id) == user.id, col(NotificationPreference.kind) == kind
                    )
                ).one()
        row.delivery = delivery
        db.add(row)
    db.flush()
    record(db, actor_id=user.id, action="notifications.preferences_set", obj=user, changes=changed)
    return chosen
