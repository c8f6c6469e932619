"""Reading votes, turnout and, once a vote has closed, its record."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..db import saved_id
from ..discussion.queries import OpenAmendment, list_open_with_rivals
from ..forums.models import AgendaItem, Forum, Speaker, SpeakerStatus
from ..forums.queries import count_registered, live_proxies, registered_ids
from .counting import Counts, Electorate, Rule
from .models import Ballot, BallotBox, Participation, Vote, VoteStatus
from .receipts import receipt_hash
from .rules import can_prepare_vote
from .standing import Standing, standing, vote_with_standing  # noqa: F401 (callers read them here)


def get_vote(db: Session, vote_id: int) -> Vote | None:
    return db.get(Vote, vote_id)


def rule_of(vote: Vote) -> Rule:
    return Rule(
        threshold=vote.threshold,
        quorum_share=Fraction(vote.quorum_num, vote.quorum_den),
        quorum_base=vote.quorum_base,
        secret=vote.is_secret,
    )


def stored_counts(vote: Vote) -> Counts:
    """The tally a closed vote keeps (nothing counted yet reads as zero)."""
    return Counts(for_=vote.for_count or 0, against=vote.against_count or 0, abstain=vote.abstain_count or 0)


def stored_electorate(vote: Vote) -> Electorate:
    """Who could and who did take part, as the closed vote keeps it."""
    return Electorate(
        registered=vote.registered_count or 0,
        present=vote.present_count or 0,
        participants=vote.participants_count or 0,
    )


def list_item_votes(db: Session, item_id: int) -> list[Vote]:
    return list(db.exec(select(Vote).where(col(Vote.agenda_item_id) == item_id).order_by(col(Vote.id))).all())


def list_document_votes(db: Session, document_id: int) -> list[Vote]:
    """Every vote on a document's final text or on its amendments, for the record a workshop keeps."""
    return list(
        db.exec(
            select(Vote)
            .join(AgendaItem, col(AgendaItem.id) == Vote.agenda_item_id)
            .where(AgendaItem.document_id == document_id, Vote.status == VoteStatus.CLOSED)
            .order_by(col(Vote.id))
        ).all()
    )


def open_vote(db: Session, forum_id: int) -> Vote | None:
    """The vote now open in a forum: the chair runs one at a time."""
    return db.exec(select(Vote).where(Vote.forum_id == forum_id, Vote.status == VoteStatus.OPEN)).first()


def has_open_vote(db: Session, forum_id: int) -> bool:
    return (
        db.exec(select(Vote.id).where(Vote.forum_id == forum_id, Vote.status == VoteStatus.OPEN).limit(1)).first()
        is not None
    )


def has_vote_begun(db: Session, item_id: int) -> bool:
    """Whether any vote on the item was opened (a draft or a cancelled vote does not count)."""
    return (
        db.exec(
            select(Vote.id)
            .where(Vote.agenda_item_id == item_id, col(Vote.status).not_in((VoteStatus.DRAFT, VoteStatus.CANCELLED)))
            .limit(1)
        ).first()
        is not None
    )


def due_votes(db: Session, *, forum_id: int | None = None) -> list[Vote]:
    """Open votes with a closing time, candidates for closing (the database clock decides)."""
    query = select(Vote).where(Vote.status == VoteStatus.OPEN, Vote.closes_at != None)  # noqa: E711
    if forum_id is not None:
        query = query.where(Vote.forum_id == forum_id)
    return list(db.exec(query).all())


def turnout(db: Session, vote_id: int) -> int:
    return db.exec(select(func.count()).select_from(Participation).where(Participation.vote_id == vote_id)).one()


def counted(db: Session, vote_id: int) -> Counts:
    """The ballots of a vote, counted by the database: the permanent ones and, while a secret vote
    runs (or is due but not closed yet), those still in its ballot box."""
    cast = union_all(
        select(Ballot.choice).where(Ballot.vote_id == vote_id),
        select(BallotBox.choice).where(BallotBox.vote_id == vote_id),
    ).subquery()
    rows = db.exec(select(cast.c.choice, func.count()).group_by(cast.c.choice)).all()
    by_choice = dict(rows)
    return Counts(
        for_=by_choice.get("for", 0), against=by_choice.get("against", 0), abstain=by_choice.get("abstain", 0)
    )


def participant_ids(db: Session, vote_id: int) -> set[int]:
    return set(db.exec(select(Participation.voter_id).where(Participation.vote_id == vote_id)).all())


def has_participated(db: Session, *, vote_id: int, voter_id: int) -> bool:
    return (
        db.exec(
            select(Participation.id).where(Participation.vote_id == vote_id, Participation.voter_id == voter_id)
        ).first()
        is not None
    )


@dataclass(frozen=True)
class VoterRow:
    """One line of the published list of who voted; ``choice`` only for a closed roll-call vote."""

    voter: User
    cast_by: User
    choice: str | None


def list_voters(db: Session, vote: Vote, *, with_choices: bool) -> list[VoterRow]:
    """Who voted, by name; with each choice only when the caller may publish it."""
    holder = aliased(User)
    query = (
        select(Participation, User, holder)
        .join(User, col(User.id) == Participation.voter_id)
        .join(holder, col(Participation.cast_by) == holder.id)
        .where(Participation.vote_id == vote.id)
        .order_by(col(User.display_name), col(User.id))
    )
    rows = db.exec(query).all()
    # Keyed by voter: a public vote's ballots all name theirs (only a secret ballot's voter is None).
    choices: dict[int | None, str] = {}
    if with_choices and not vote.is_secret:
        choices = dict(
            db.exec(select(col(Ballot.voter_id), col(Ballot.choice)).where(col(Ballot.vote_id) == vote.id)).all()
        )
    return [VoterRow(voter=user, cast_by=by, choice=choices.get(saved_id(user))) for _, user, by in rows]


def own_choice(db: Session, *, vote: Vote, voter_id: int) -> str | None:
    """A roll-call voter's current choice: a form sent again with its idempotency key is the same
    submission only if it asks for this choice (ballots._replay)."""
    if vote.is_secret:
        return None
    return db.exec(select(Ballot.choice).where(Ballot.vote_id == vote.id, Ballot.voter_id == voter_id)).first()


def secret_choice(db: Session, *, vote: Vote, voter_id: int, receipt: str) -> str | None:
    """The choice behind a voter's receipt, shown only to whoever presents it: in the ballot box while
    the vote runs, in the permanent record (the receipt hash carried over) once it closed."""
    digest = receipt_hash(saved_id(vote), voter_id, receipt)
    found = union_all(
        select(BallotBox.choice).where(BallotBox.vote_id == vote.id, BallotBox.receipt_hash == digest),
        select(Ballot.choice).where(Ballot.vote_id == vote.id, Ballot.receipt_hash == digest),
    )
    return db.execute(found.limit(1)).scalar()


def receipt_voters(db: Session, *, vote: Vote, actor_id: int) -> list[int]:
    """Whose receipts the actor may check: their own ballot, and the ones they cast as a proxy holder
    (the published participations say so)."""
    return sorted(
        set(
            db.exec(
                select(Participation.voter_id).where(
                    Participation.vote_id == vote.id,
                    (Participation.voter_id == actor_id) | (Participation.cast_by == actor_id),
                )
            ).all()
        )
        | {actor_id}
    )


def receipt_counted(db: Session, *, vote: Vote, voter_ids: list[int], receipt: str) -> bool:
    """Whether a ballot of one of these voters with this receipt is among the vote's ballots; says
    nothing of its choice. Another delegate's receipt matches nothing, exactly like a wrong one."""
    hashes = [receipt_hash(saved_id(vote), voter_id, receipt) for voter_id in voter_ids]
    # In the ballot box while the vote runs, in the permanent record (the hash carried over) after.
    found = union_all(
        select(col(Ballot.id)).where(col(Ballot.vote_id) == vote.id, col(Ballot.receipt_hash).in_(hashes)),
        select(col(BallotBox.id)).where(col(BallotBox.vote_id) == vote.id, col(BallotBox.receipt_hash).in_(hashes)),
    )
    return db.execute(found.limit(1)).first() is not None


@dataclass(frozen=True)
class LiveState:
    """What the chair's screen and the projector show: a fixed handful of queries, however big
    the forum."""

    forum: Forum
    item: AgendaItem | None
    vote: Vote | None
    turnout: int
    registered: int
    speaker: Speaker | None
    speaker_user: User | None


def get_live_state(db: Session, forum: Forum) -> LiveState:
    item = db.get(AgendaItem, forum.current_item_id) if forum.current_item_id else None
    forum_id = saved_id(forum)
    vote = open_vote(db, forum_id)
    if vote is None and item is not None:
        vote = db.exec(
            select(Vote)
            .where(Vote.agenda_item_id == item.id, Vote.status == VoteStatus.CLOSED)
            .order_by(col(Vote.closed_at).desc(), col(Vote.id).desc())
        ).first()
    speaker = speaker_user = None
    if item is not None:
        row = db.exec(
            select(Speaker, User)
            .join(User, col(User.id) == Speaker.user_id)
            .where(Speaker.agenda_item_id == item.id, Speaker.status == SpeakerStatus.SPEAKING)
        ).first()
        if row:
            speaker, speaker_user = row
    return LiveState(
        forum=forum,
        item=item,
        vote=vote,
        turnout=turnout(db, saved_id(vote)) if vote else 0,
        registered=len(registered_ids(db, forum_id)),
        speaker=speaker,
        speaker_user=speaker_user,
    )


@dataclass(frozen=True)
class BoothLine:
    """One vote the signed-in delegate can cast: their own, or the one of a delegate they hold a proxy for."""

    voter: User
    is_own: bool
    has_voted: bool
    choice: str | None


def booth_lines(db: Session, *, vote: Vote, actor: User) -> list[BoothLine]:
    registered = registered_ids(db, vote.forum_id)
    if actor.id not in registered:
        return []
    proxies = live_proxies(db, vote.forum_id)
    voter_ids = ([] if actor.id in proxies else [actor.id]) + sorted(
        giver for giver, holder in proxies.items() if holder == actor.id and giver in registered
    )
    if not voter_ids:
        return []
    users = {u.id: u for u in db.exec(select(User).where(col(User.id).in_(voter_ids))).all()}
    voted = set(
        db.exec(
            select(Participation.voter_id).where(
                col(Participation.vote_id) == vote.id, col(Participation.voter_id).in_(voter_ids)
            )
        ).all()
    )
    choices: dict[int | None, str] = {}
    if not vote.is_secret:
        choices = dict(
            db.exec(
                select(col(Ballot.voter_id), col(Ballot.choice)).where(
                    col(Ballot.vote_id) == vote.id, col(Ballot.voter_id).in_(voter_ids)
                )
            ).all()
        )
    return [
        BoothLine(voter=users[v], is_own=v == actor.id, has_voted=v in voted, choice=choices.get(v)) for v in voter_ids
    ]


def votes_by_item(db: Session, forum_id: int) -> dict[int, list[Vote]]:
    """Closed votes of a forum grouped by agenda item, for the minutes."""
    grouped: dict[int, list[Vote]] = {}
    for vote in db.exec(
        select(Vote)
        .where(Vote.forum_id == forum_id, Vote.status == VoteStatus.CLOSED)
        .order_by(col(Vote.closed_at), col(Vote.id))
    ).all():
        grouped.setdefault(vote.agenda_item_id, []).append(vote)
    return grouped


def item_vote_panel(db: Session, *, item, forum, actor) -> dict:
    """What an agenda item's page shows of its votes: the votes (a draft one only to the chair),
    and for the chair the pending amendments to put first, grouped by passage, each with the
    amendments adopting it would lapse."""
    preparing = can_prepare_vote(actor, forum, item)
    votes = [
        v
        for v in list_item_votes(db, item.id)
        if v.status != VoteStatus.CANCELLED and (preparing or v.status != VoteStatus.DRAFT)
    ]
    groups: list[list[OpenAmendment]] = []
    if preparing and item.document_id is not None:
        by_passage: dict[str | None, list[OpenAmendment]] = {}
        for entry in list_open_with_rivals(db, document_id=item.document_id):
            by_passage.setdefault(entry.summary.amendment.target_pid, []).append(entry)
        groups = list(by_passage.values())
    return {"votes": votes, "can_prepare_vote": preparing, "pending_amendments": groups}


@dataclass(frozen=True)
class VoteCall:
    """What a forum's pages say about voting right now: the open vote and whether the reader votes
    in it (and has), or the vote that closed last, for a short while after it closed."""

    vote: Vote | None
    can_vote: bool = False
    has_voted: bool = False
    participants: int = 0
    registered: int = 0


#: A closed vote's result stays on the forum's pages this long after the close.
RECENT_CLOSE_SECONDS = 30 * 60


def vote_call(db: Session, *, forum_id: int, actor: User | None) -> VoteCall:
    from datetime import UTC, datetime, timedelta

    vote = open_vote(db, forum_id)
    if vote is None:
        since = datetime.now(UTC) - timedelta(seconds=RECENT_CLOSE_SECONDS)
        recent = db.exec(
            select(Vote)
            .where(col(Vote.forum_id) == forum_id, col(Vote.status) == VoteStatus.CLOSED, col(Vote.closed_at) >= since)
            .order_by(col(Vote.closed_at).desc(), col(Vote.id).desc())
        ).first()
        return VoteCall(vote=recent)
    participants, registered = turnout(db, saved_id(vote)), count_registered(db, forum_id)
    if actor is None:
        return VoteCall(vote=vote, participants=participants, registered=registered)
    lines = booth_lines(db, vote=vote, actor=actor)
    return VoteCall(
        vote=vote,
        can_vote=bool(lines),
        has_voted=bool(lines) and all(line.has_voted for line in lines),
        participants=participants,
        registered=registered,
    )
