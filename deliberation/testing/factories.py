"""Factories for tests: people, workshops, forums, documents, closed votes, resolutions and a
sitting, made through the domain code. Re-exported by deliberation.testing, their documented home."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sqlmodel import Session

from ..accounts.models import Occupation, User
from ..accounts.passwords import hash_password
from ..db import saved_id, utcnow
from ..drafting.actions import check_create_document, check_save_revision
from ..drafting.models import Document, DocumentStatus
from ..drafting.queries import get_revision
from ..forums.models import AgendaItem, AgendaKind, AgendaStatus, Delegate, Forum, ForumStatus
from ..resolutions.actions import do_adopt_resolution
from ..voting.counting import Counts, Electorate, Rule, decide
from ..voting.mixing import mix
from ..voting.models import (
    Ballot,
    BallotBox,
    Choice,
    Participation,
    QuorumBase,
    Threshold,
    Vote,
    VoteMode,
    VoteStatus,
    VoteSubject,
)
from ..wiring import wire
from ..workshops.models import Membership, MembershipStatus, Workshop
from ..workshops.queries import get_membership

# The factories below change things through the domain code, which announces what it did to the
# capabilities above (deliberation.hooks): a host's tests get the same handlers as the app.
wire()

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_PASSWORD_HASH: str | None = None


def _password_hash() -> str:
    # Argon2 is slow on purpose; tests share one hash of the one test password.
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def make_user(db: Session, *, coordinator: bool = False, **fields) -> User:
    n = next(_counter)
    values: dict[str, Any] = dict(
        email=f"person{n}@example.org",
        display_name=f"Учасниця {n}",
        occupation=Occupation.DEPUTY,
        hromada="Ічнянська міська громада",
        password_hash=_password_hash(),
        is_coordinator=coordinator,
    )
    values.update(fields)
    user = User(**values)
    db.add(user)
    db.flush()
    return user


def make_workshop(
    db: Session, *, creator: User, facilitators: tuple[User, ...] = (), members: tuple[User, ...] = (), **fields
) -> Workshop:
    values: dict[str, Any] = dict(
        kind="deputies",
        title="Громадський бюджет",
        topic="Положення про громадський бюджет",
        place="Ічня",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=1),
    )
    values.update(fields)
    workshop = Workshop(created_by=saved_id(creator), **values)
    db.add(workshop)
    db.flush()
    for user in facilitators:
        db.add(
            Membership(
                workshop_id=saved_id(workshop),
                user_id=saved_id(user),
                status=MembershipStatus.APPROVED,
                is_facilitator=True,
            )
        )
    for user in members:
        db.add(Membership(workshop_id=saved_id(workshop), user_id=saved_id(user), status=MembershipStatus.APPROVED))
    db.flush()
    return workshop


def make_forum(db: Session, *, creator: User, **fields) -> Forum:
    values: dict[str, Any] = dict(
        title="Форум мережі",
        theme="Партисипативна демократія",
        place="Полтава",
        starts_on=date.today() + timedelta(days=30),
        ends_on=date.today() + timedelta(days=31),
    )
    values.update(fields)
    forum = Forum(created_by=saved_id(creator), **values)
    db.add(forum)
    db.flush()
    return forum


def make_document(
    db: Session,
    *,
    workshop: Workshop,
    author: User,
    revisions: int = 1,
    kind: str = "petition",
    title: str = "Петиція про ремонт водогону",
    body: str | None = None,
):
    """A document with ``revisions`` saved versions, each adding a paragraph, through the domain code."""
    membership = get_membership(db, workshop_id=saved_id(workshop), user_id=saved_id(author))
    text = body or "Просимо міську раду відремонтувати водогін у селі Іванівка."
    document = check_create_document(
        db, workshop=workshop, actor=author, membership=membership, data={"kind": kind, "title": title, "body": text}
    )
    for n in range(2, revisions + 1):
        text += f"\n\nАбзац {n}: доповнення до петиції щодо водопостачання."
        check_save_revision(
            db,
            document=document,
            actor=author,
            membership=membership,
            data={"base": str(n - 1), "title": title, "body": text},
        )
    return document


def make_closed_vote(
    db: Session,
    *,
    forum: Forum,
    document,
    actor: User,
    for_: int = 12,
    against: int = 3,
    abstain: int = 1,
    registered: int = 20,
    present: int = 18,
    participants: int | None = None,
    closed_at=None,
    threshold: str = "cast_majority",
    quorum: tuple[int, int] = (1, 2),
    quorum_base: str = "registered",
    secret: bool = False,
    hand_counted: bool = False,
    revision_number: int | None = None,
):
    """A final vote on ``document`` in ``forum``, closed with this tally (and its agenda item).

    The row goes draft, open, closed as the vote triggers require: a closed vote never changes
    and an open one keeps its rule, so each step is flushed on its own.
    """
    number = revision_number or document.head_number
    item = AgendaItem(
        forum_id=saved_id(forum),
        document_id=document.id,
        revision_number=number,
        title=document.title,
        status=AgendaStatus.SCHEDULED,
        submitted_by=saved_id(actor),
    )
    db.add(item)
    db.flush()
    vote = Vote(
        forum_id=saved_id(forum),
        agenda_item_id=saved_id(item),
        subject=VoteSubject.FINAL,
        title=document.title,
        threshold=Threshold(threshold),
        quorum_num=quorum[0],
        quorum_den=quorum[1],
        quorum_base=QuorumBase(quorum_base),
        is_secret=secret,
        mode=VoteMode.HAND if hand_counted else VoteMode.HALL,
        revision_number=number,
        created_by=saved_id(actor),
    )
    db.add(vote)
    db.flush()
    vote.status, vote.opened_by, vote.opened_at = VoteStatus.OPEN, actor.id, utcnow()
    db.add(vote)
    db.flush()
    if not hand_counted:
        _cast_ballots(db, vote=vote, choices=["for"] * for_ + ["against"] * against + ["abstain"] * abstain)
    if secret:
        # Claimed, then mixed, as a close does (the triggers accept a secret ballot only then).
        vote.closed_at = closed_at or utcnow()
        db.add(vote)
        db.flush()
        mix(db, vote)
    counts = Counts(for_=for_, against=against, abstain=abstain)
    electorate = Electorate(
        registered=registered, present=present, participants=counts.cast if participants is None else participants
    )
    outcome = decide(
        Rule(threshold=threshold, quorum_share=Fraction(*quorum), quorum_base=quorum_base, secret=secret),
        counts,
        electorate,
    )
    vote.status, vote.closed_by, vote.closed_at = VoteStatus.CLOSED, actor.id, closed_at or utcnow()
    vote.for_count, vote.against_count, vote.abstain_count = for_, against, abstain
    vote.registered_count, vote.present_count = registered, present
    vote.participants_count = electorate.participants
    vote.quorum_reached, vote.is_adopted, vote.reason = outcome.quorum_reached, outcome.adopted, outcome.reason
    vote.hand_counted = hand_counted
    db.add(vote)
    db.flush()
    return vote


def _cast_ballots(db: Session, *, vote, choices: list[str]) -> None:
    """A ballot and a participation per choice, each by a new member, while ``vote`` is open: so
    ``deliberation verify`` recounts the stored tally from them and finds it right."""
    for choice in choices:
        voter = make_user(db)
        voter_id = saved_id(voter)
        db.add(Participation(vote_id=vote.id, voter_id=voter_id, cast_by=voter_id, cast_at=utcnow()))
        # A secret vote's choices wait in the ballot box; the close mixes them into the record.
        db.add(
            BallotBox(
                id=secrets.token_hex(16), vote_id=vote.id, choice=Choice(choice), receipt_hash=secrets.token_hex(32)
            )
            if vote.is_secret
            else Ballot(id=secrets.token_hex(16), vote_id=vote.id, choice=Choice(choice), voter_id=voter.id)
        )
    db.flush()


def make_resolution(db: Session, *, forum: Forum, document, actor: User, closed_at=None, **vote_fields):
    """Adopt ``document``'s newest revision in a vote closed at ``closed_at``: the next resolution."""
    vote = make_closed_vote(db, forum=forum, document=document, actor=actor, closed_at=closed_at, **vote_fields)
    revision = get_revision(db, document_id=document.id, number=vote.revision_number)
    assert revision is not None  # the vote was on a saved revision
    return do_adopt_resolution(db, vote=vote, document=document, revision=revision, forum=forum)


def make_delegates(db: Session, *, forum: Forum, count: int, registered_by: User) -> list[User]:
    """``count`` new members registered as delegates of ``forum``, written directly (whatever its status)."""
    users = [make_user(db) for _ in range(count)]
    for user in users:
        db.add(Delegate(forum_id=saved_id(forum), user_id=saved_id(user), registered_by=saved_id(registered_by)))
    db.flush()
    return users


SITTING_BODY = (
    "Форум громад звертається до обласної ради.\n\n"
    "1. Оприлюднювати проєкти рішень за двадцять днів до розгляду.\n\n"
    "2. Проводити громадські слухання щодо бюджету громади."
)


@dataclass
class Sitting:
    """An open forum with registered delegates (marked present) and a submitted appeal on its agenda."""

    chair: User
    author: User
    forum: Forum
    document: Document
    item: AgendaItem
    delegates: list[User]


def make_sitting(db: Session, *, delegates: int = 10, present: bool = True) -> Sitting:
    chair = make_user(db, coordinator=True, display_name="Олена Коваленко")
    author = make_user(db, display_name="Петро Гнатюк")
    workshop = make_workshop(db, creator=chair, facilitators=(author,))
    document = make_document(
        db, workshop=workshop, author=author, kind="appeal", title="Звернення про відкритість", body=SITTING_BODY
    )
    document.status = DocumentStatus.SUBMITTED
    forum = make_forum(db, creator=chair, status=ForumStatus.OPEN)
    item = AgendaItem(
        forum_id=saved_id(forum),
        kind=AgendaKind.DOCUMENT,
        document_id=document.id,
        revision_number=1,
        title=document.title,
        status=AgendaStatus.SCHEDULED,
        position=1,
        submitted_by=saved_id(author),
    )
    db.add_all([document, item])
    db.flush()
    people = [make_user(db, display_name=f"Делегат {n:03d}") for n in range(1, delegates + 1)]
    db.add_all(
        [
            Delegate(
                forum_id=saved_id(forum), user_id=saved_id(user), registered_by=saved_id(chair), is_present=present
            )
            for user in people
        ]
    )
    db.flush()
    return Sitting(chair=chair, author=author, forum=forum, document=document, item=item, delegates=people)
