"""Preparing, opening and casting votes. Flushes, never commits.

Casting itself (receipts, idempotency keys, what a database error means) is in ``ballots``;
closing and counting are in ``closing``.

The database does the parts that must hold under concurrency: one participation per delegate and
vote (a unique constraint), ballots only while the vote is open and before its closing time (the
triggers of migration 0004, by the database clock), and closing as a compare-and-set on the vote
row, which also waits for ballots being written at that moment (see migrations/vote_guards.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlmodel import Session

from .. import events, live
from ..accounts.models import User
from ..accounts.rules import is_signed_in
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..discussion.actions import rebase
from ..discussion.models import AmendmentStatus
from ..discussion.queries import get_amendment, open_amendment_counts
from ..drafting.queries import get_document
from ..errors import Conflict, DomainError, Forbidden, NotFound, ValidationError, require
from ..forums import queries as forum_queries
from ..forums.models import AgendaItem, AgendaStatus, Forum, ForumStatus
from ..i18n import N_, gettext
from ..params import number_or_none
from ..validation import Checker
from . import ballots, queries, rules
from .ballots import Cast, VoteNotOpen
from .ballots import Request as BallotRequest
from .counting import CHOICES
from .group_commit import BallotWriter
from .models import QuorumBase, Threshold, Vote, VoteMode, VoteStatus, VoteSubject
from .notices import notify_vote_opened

MAX_QUORUM_DEN = 100
TITLE_MAX = 300


def field_error(name: str, code: str, message: str, **params) -> ValidationError:
    return ValidationError({name: DomainError(code, message, field=name, **params)})


# --- preparing ------------------------------------------------------------------------------------


def _rule_fields(check: Checker, data: Mapping) -> dict:
    threshold = check.choice("threshold", Threshold, default=Threshold.CAST_MAJORITY)
    quorum_base = check.choice("quorum_base", QuorumBase, default=QuorumBase.REGISTERED)
    mode = check.choice("mode", VoteMode, default=VoteMode.HALL)
    num, den = form_int(data.get("quorum_num"), 1), form_int(data.get("quorum_den"), 2)
    if num is None or den is None or not (0 <= num <= den and 1 <= den <= MAX_QUORUM_DEN):
        check.fail("quorum_num", "invalid_quorum", N_("The quorum must be a share from 0 to 1, such as 1/2 or 2/3."))
    closes_at = check.closing_time("closes_at", now=utcnow()) if mode == VoteMode.REMOTE else None
    return dict(
        threshold=threshold,
        quorum_base=quorum_base,
        mode=mode,
        quorum_num=num,
        quorum_den=den,
        is_secret=check.flag("is_secret"),
        closes_at=closes_at,
    )


def form_int(value, default: int | None = None) -> int | None:
    """A count or id from the form: ``default`` when left empty, None when it is not a number we can store."""
    if value in (None, ""):
        return default
    return number_or_none(value, minimum=0)


def check_prepare_vote(db: Session, *, item: AgendaItem, forum: Forum, actor: User, data: Mapping) -> Vote:
    """The chair states the question and its rule; nothing is open yet, so it can still be edited."""
    require(rules.can_chair(actor, forum))
    if item.status != AgendaStatus.SCHEDULED:
        raise Conflict("item_not_scheduled", N_("Only an item on the agenda can be put to the vote."))
    check = Checker(data)
    subject = check.choice(
        "subject", VoteSubject, default=VoteSubject.FINAL if item.document_id else VoteSubject.MOTION
    )
    fields = _rule_fields(check, data)
    title = check.text("title", max_length=300, required=False)
    check.done()
    amendment = _subject_amendment(db, item, subject, data)
    if subject == VoteSubject.FINAL and item.document_id is None:
        raise field_error(
            "subject", "no_text", N_("This item has no text to adopt; put a procedural question instead.")
        )
    vote = Vote(
        forum_id=saved_id(forum),
        agenda_item_id=saved_id(item),
        subject=VoteSubject(subject),  # check.done() refused any other value
        amendment_id=amendment.id if amendment else None,
        created_by=saved_id(actor),
        title=title or _default_title(item, subject, amendment),
        **fields,
    )
    db.add(vote)
    db.flush()
    record(
        db,
        actor_id=actor.id,
        action="vote.prepared",
        obj=vote,
        item_id=item.id,
        subject=subject,
        rule=queries.rule_of(vote).describe(),
        mode=vote.mode,
    )
    return vote


def _subject_amendment(db: Session, item: AgendaItem, subject: str, data: Mapping):
    if subject != VoteSubject.AMENDMENT:
        return None
    amendment = get_amendment(db, form_int(data.get("amendment_id")) or 0)
    if amendment is None or amendment.document_id != item.document_id or amendment.status != AmendmentStatus.OPEN:
        raise field_error(
            "amendment_id", "no_amendment", N_("Please choose an amendment of this text that is still open.")
        )
    return amendment


def _default_title(item: AgendaItem, subject: str, amendment) -> str:
    """«Поправка № 3 до «…»» in the chair's language, shortened to fit the column (300 characters)."""
    if subject != VoteSubject.AMENDMENT:
        return item.title[:TITLE_MAX]
    room = TITLE_MAX - len(gettext("Amendment No. %(n)s to «%(title)s»", n=amendment.id, title=""))
    title = item.title if len(item.title) <= room else item.title[: max(0, room - 1)].rstrip() + "…"
    return gettext("Amendment No. %(n)s to «%(title)s»", n=amendment.id, title=title)[:TITLE_MAX]


def check_update_vote(db: Session, *, vote: Vote, forum: Forum, actor: User, data: Mapping) -> Vote:
    """Change the rule while the vote is still being prepared; once open, it is fixed."""
    require(rules.can_chair(actor, forum))
    if vote.status != VoteStatus.DRAFT:
        raise Conflict("rule_fixed", N_("The rule of a vote cannot change once the vote has opened."))
    check = Checker(data)
    fields = _rule_fields(check, data)
    title = check.text("title", max_length=300, required=False)
    check.done()
    for key, value in fields.items():
        setattr(vote, key, value)
    vote.title = title or vote.title
    db.add(vote)
    db.flush()
    record(
        db, actor_id=actor.id, action="vote.updated", obj=vote, rule=queries.rule_of(vote).describe(), mode=vote.mode
    )
    return vote


def do_cancel_vote(db: Session, *, vote: Vote, forum: Forum, actor: User) -> Vote:
    require(rules.can_chair(actor, forum))
    if vote.status != VoteStatus.DRAFT:
        raise Conflict("vote_not_draft", N_("Only a vote that has not opened can be cancelled."))
    vote.status = VoteStatus.CANCELLED
    db.add(vote)
    db.flush()
    record(db, actor_id=actor.id, action="vote.cancelled", obj=vote)
    return vote


# --- opening --------------------------------------------------------------------------------------


def do_open_vote(db: Session, *, vote: Vote, forum: Forum, actor: User) -> Vote:
    require(rules.can_chair(actor, forum))
    if forum.status != ForumStatus.OPEN:
        raise Conflict("forum_not_open", N_("Votes take place while the forum is open."))
    if vote.status != VoteStatus.DRAFT:
        raise Conflict("vote_not_draft", N_("This vote has already been opened."))
    if vote.mode == VoteMode.REMOTE and (vote.closes_at is None or vote.closes_at <= utcnow()):
        raise Conflict("time_in_past", N_("The closing time must be in the future."))
    # Locking the forum row orders this with proxy changes and with another chair opening a vote
    # (both lock it too), so one vote is open at a time and its electorate cannot shift under it.
    forum_queries.get_forum_for_update(db, saved_id(forum))
    if queries.open_vote(db, saved_id(forum)) is not None:
        raise Conflict("another_vote_open", N_("Another vote is open. Close it before opening the next one."))
    if not forum_queries.registered_ids(db, saved_id(forum)):
        raise Conflict("no_delegates", N_("No delegates are registered for this forum."))
    _check_subject_ready(db, vote)
    vote.status, vote.opened_by, vote.opened_at = VoteStatus.OPEN, actor.id, utcnow()
    db.add(vote)
    db.flush()
    record(
        db,
        actor_id=actor.id,
        action="vote.opened",
        obj=vote,
        rule=queries.rule_of(vote).describe(),
        mode=vote.mode,
        closes_at=vote.closes_at.isoformat() if vote.closes_at else None,
        revision=vote.revision_number,
    )
    events.queue(
        db,
        events.vote_opened,
        vote_id=vote.id,
        forum_id=vote.forum_id,
        agenda_item_id=vote.agenda_item_id,
        subject=vote.subject,
        actor_id=actor.id,
    )
    live.publish(db, forum_id=vote.forum_id, kind="vote-opened", vote_id=vote.id, item_id=vote.agenda_item_id)
    notify_vote_opened(db, vote=vote, actor_id=saved_id(actor))
    return vote


def _check_subject_ready(db: Session, vote: Vote) -> None:
    """An amendment must still apply to the text; the final text goes to the vote once no amendment
    is pending, and the vote records which revision it is."""
    item = db.get(AgendaItem, vote.agenda_item_id)
    assert item is not None, "a vote's agenda item is kept (its foreign key is required)"
    if item.document_id is None:
        return
    document = get_document(db, item.document_id)
    assert document is not None, "an item's document is kept (its foreign key is required)"
    if vote.subject == VoteSubject.AMENDMENT:
        amendment = get_amendment(db, vote.amendment_id) if vote.amendment_id is not None else None
        if amendment is None or amendment.status != AmendmentStatus.OPEN:
            raise Conflict("amendment_not_open", N_("This amendment is no longer open."))
        result, _ = rebase(db, amendment=amendment, document=document)
        if not result.clean:
            raise Conflict(
                "amendment_conflict",
                N_(
                    "The text has changed where this amendment applies, and the "
                    "changes clash. Ask the author to update the amendment."
                ),
            )
    elif vote.subject == VoteSubject.FINAL:
        if any(open_amendment_counts(db, document_id=saved_id(document)).values()):
            raise Conflict(
                "amendments_pending",
                N_(
                    "Amendments to this text are still pending. Put them to the "
                    "vote (or let their authors withdraw them) first."
                ),
            )
        vote.revision_number = document.head_number


# --- casting --------------------------------------------------------------------------------------


def check_cast_ballot(
    db: Session,
    *,
    vote: Vote,
    actor: User,
    data: Mapping,
    device_secrets: Mapping[int, str] | None = None,
    before_writes: Callable[[], None] | None = None,
    standing: queries.Standing | None = None,
    savepoints: bool = True,
    writer: BallotWriter | None = None,
) -> Cast:
    """Cast or change the actor's own ballot, or the one of a delegate whose proxy they hold.

    ``device_secrets`` are the secrets this browser was given for the vote's ballots, by voter
    (see deliberation/voting/ballots.py); a secret ballot is bound to one of them. A vote past its
    closing time is closed before the request begins (voting.closer), never here: closing inside the
    ballot's own transaction would hold the write lock while counting.

    Every read and check comes first; ``before_writes`` is called once they passed and before the
    first write (the web layer takes SQLite's write lock there), and not at all for a retry that is
    answered from what is stored. What may change in between is guarded by the database itself:
    the triggers refuse a ballot once the vote closed, the unique participation takes one per
    delegate; the electorate and the proxies cannot change while a vote is open.

    ``standing``: the actor's, when the caller read it with the vote (``get_vote_for_ballot``).
    ``savepoints=False`` for a caller that rolls its transaction back when the vote refuses the
    ballot (the booth does): see ``ballots.cast``. ``writer``: the process's ballot writer, which
    writes first ballots together (``group_commit``).
    """
    require(is_signed_in(actor))
    if not rules.takes_ballots(vote):
        raise VoteNotOpen()
    choice = str(data.get("choice", "") or "")
    if choice not in CHOICES:
        raise field_error("choice", "invalid_choice", N_("Please choose for, against or abstain."))
    voter_id, participated = _voter(db, vote, actor, form_int(data.get("voter"), actor.id), own=standing)
    request = BallotRequest(
        voter_id=voter_id,
        choice=choice,
        key=str(data.get("ballot_key", "") or ""),
        receipt=str(data.get("receipt", "") or "").strip(),
        device_secret=(device_secrets or {}).get(voter_id, ""),
    )
    # The turnout the live pages show is published after the commit, coalesced (voting.turnout).
    return ballots.cast(
        db,
        vote=vote,
        actor=actor,
        request=request,
        participated=participated,
        before_writes=before_writes,
        savepoints=savepoints,
        writer=writer,
    )


def publish_turnout(db: Session, vote: Vote) -> None:
    """Tell the vote's live pages how many have voted, counted in this transaction; called after
    ballots committed (voting.turnout), never in a ballot's own transaction."""
    live.publish(
        db,
        forum_id=vote.forum_id,
        kind="turnout",
        vote_id=vote.id,
        participants=queries.turnout(db, saved_id(vote)),
        registered=forum_queries.count_registered(db, vote.forum_id),
    )


def _voter(
    db: Session, vote: Vote, actor: User, voter_id: int | None, *, own: queries.Standing | None = None
) -> tuple[int, bool]:
    """Whose vote this is (the actor's own, or a giver's whose proxy the actor holds; never chained),
    and whether it was cast already."""
    # Single-row lookups, so a ballot costs the same in a forum of 20 delegates or of 2,000.
    actor_id = saved_id(actor)
    if own is None:
        own = queries.standing(db, vote=vote, user_id=actor_id)
    if not own.registered:
        raise Forbidden("not_a_delegate", N_("Only the forum's registered delegates vote."))
    if voter_id == actor_id:
        if own.proxy_holder is not None:
            raise Forbidden("proxy_given", N_("You have given your vote to another delegate for this forum."))
        return actor_id, own.participated
    giver = queries.standing(db, vote=vote, user_id=voter_id or 0)
    if voter_id is None or giver.proxy_holder != actor_id or not giver.registered:
        raise Forbidden("not_your_proxy", N_("You do not hold this delegate's proxy."))
    return voter_id, giver.participated


def get_vote_for_ballot(db: Session, vote_id: int, actor: User | None) -> tuple[Vote, queries.Standing | None]:
    """``get_vote_or_404`` and the actor's standing in the vote, read in one statement: a ballot's
    first read (pass the standing on to ``check_cast_ballot``). No standing without an actor."""
    if actor is None:
        return get_vote_or_404(db, vote_id), None
    found = queries.vote_with_standing(db, vote_id=vote_id, user_id=saved_id(actor))
    if found is None or found[0].status == VoteStatus.CANCELLED:
        raise NotFound("vote_not_found", N_("There is no such vote."))
    return found


def get_vote_or_404(db: Session, vote_id: int) -> Vote:
    vote = queries.get_vote(db, vote_id)
    if vote is None or vote.status == VoteStatus.CANCELLED:
        raise NotFound("vote_not_found", N_("There is no such vote."))
    return vote
