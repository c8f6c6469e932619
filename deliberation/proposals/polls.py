"""Polls on candidate themes: putting one, and answering it until it closes.

A poll closes at its time with nothing running then. It has no status to flip: it is open while
the database clock is before ``closes_at`` and closed after, and every reader decides the same way.
What makes the count exact:

- the triggers of ``migrations/poll_guards.py`` refuse every answer or choice written at or after
  the closing time by the database clock, whatever writes it;
- an answer's transaction ends with one more statement, at the very end, right before its commit
  (the session's ``before_commit``): it stamps ``answered_at`` with the database clock, which the
  trigger checks again. An answer whose statements ran before the time but whose request went on
  past it (a slow page, a lock wait) is refused there, and nothing of it is written;
- the result is shown from a moment after the close (``rules.RESULT_SETTLE``), so a commit that
  passed its last check just before the time is visible to whoever counts, and the result counts
  only answers stamped before the time.

Members may change their answer until the close: a poll asks which theme the network should take
up, and the discussion of the candidates goes on while it runs; a changed answer replaces the
earlier one (the log keeps that it changed, not what it was).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, event, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import db_now, saved_id, table_of
from ..errors import Conflict, require
from ..i18n import N_, Nn_
from ..params import BadValue, ids
from ..rows import add_or_find
from ..validation import Checker, clean_line
from . import queries, rules
from .models import (
    DESCRIPTION_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    TITLE_MAX,
    Poll,
    PollAnswer,
    PollChoice,
    PollMode,
    PollOption,
    ProposalStatus,
)

_PENDING = "delib_poll_answers"


def closed_error() -> Conflict:
    return Conflict("poll_closed", N_("This poll has closed; answers are no longer taken."))


def _multi(data: Mapping, name: str) -> list:
    multi = data.get("__multi__", {}) or {}
    return list(multi.get(name) or ([data[name]] if data.get(name) else []))


def _options(db: Session, check: Checker, data: Mapping) -> list[tuple[str, int | None]]:
    """The candidates: open proposals ticked, then free options, one per line."""
    chosen: list[tuple[str, int | None]] = []
    try:
        proposal_ids = ids(_multi(data, "proposal_ids"), name="proposal_ids", max_items=OPTIONS_MAX)
    except BadValue:
        check.fail("proposal_ids", "invalid_choice", N_("Please choose one of the options."))
        proposal_ids = []
    open_ones = {p.id: p for p in queries.list_open_proposals(db)}
    for proposal_id in proposal_ids:
        proposal = open_ones.get(proposal_id)
        if proposal is None or proposal.status != ProposalStatus.OPEN:
            check.fail("proposal_ids", "invalid_choice", N_("Please choose one of the options."))
            continue
        chosen.append((proposal.title[:OPTION_MAX], proposal_id))
    free = str(data.get("free_options", "") or "")
    for line in free.splitlines():
        label = clean_line(line)
        if len(label) > OPTION_MAX:
            check.fail(
                "free_options",
                "too_long",
                Nn_(
                    "Please keep each option to %(num)s character or fewer.",
                    "Please keep each option to %(num)s characters or fewer.",
                ),
                n=OPTION_MAX,
            )
        elif label and label not in (c[0] for c in chosen):
            chosen.append((label, None))
    if len(chosen) < 2:
        check.fail("free_options", "too_few_options", N_("Please give at least two options."))
    elif len(chosen) > OPTIONS_MAX:
        check.fail(
            "free_options",
            "too_many_options",
            Nn_("Please give at most %(num)s option.", "Please give at most %(num)s options."),
            n=OPTIONS_MAX,
        )
    return chosen


def check_create_poll(db: Session, *, actor: User, data: Mapping) -> Poll:
    require(rules.can_create_poll(actor))
    check = Checker(data)
    title = check.text("title", max_length=TITLE_MAX, min_length=5)
    description = check.text("description", max_length=DESCRIPTION_MAX, required=False, multiline=True)
    mode = check.choice("mode", PollMode)
    closes_at = check.closing_time("closes_at", now=queries.database_time(db))
    options = _options(db, check, data)
    check.done()
    assert closes_at is not None  # the checker refused otherwise
    poll = Poll(
        title=title, description=description, mode=PollMode(mode), closes_at=closes_at, created_by=saved_id(actor)
    )
    db.add(poll)
    db.flush()
    db.add_all(
        PollOption(poll_id=saved_id(poll), position=n, label=label, proposal_id=proposal_id)
        for n, (label, proposal_id) in enumerate(options, start=1)
    )
    db.flush()
    record(db, actor_id=actor.id, action="poll.created", obj=poll, options=len(options))
    events.queue(
        db,
        events.poll_created,
        poll_id=poll.id,
        mode=poll.mode,
        closes_at=closes_at.isoformat(),
        options=len(options),
        actor_id=actor.id,
    )
    return poll


def _chosen_options(poll: Poll, options: list[PollOption], data: Mapping) -> list[int]:
    check = Checker(data)
    valid = {o.id for o in options}
    try:
        chosen = ids(_multi(data, "option"), name="option", max_items=OPTIONS_MAX)
    except BadValue:
        chosen = [0]
    if not chosen:
        check.fail("option", "required", N_("Please choose an option."))
    elif any(c not in valid for c in chosen):
        check.fail("option", "invalid_choice", N_("Please choose one of the options."))
    elif poll.mode == PollMode.SINGLE and len(chosen) > 1:
        check.fail("option", "one_option", N_("This poll takes one choice."))
    check.done()
    return chosen


def check_answer_poll(db: Session, *, poll: Poll, actor: User, data: Mapping) -> PollAnswer:
    """Answer, or change the answer; refused once the poll has closed by the database clock."""
    now = queries.database_time(db)
    if not rules.poll_is_open(poll, now):
        raise closed_error()
    require(rules.can_answer_poll(actor, poll, now))
    options = queries.list_poll_options(db, saved_id(poll))
    chosen = _chosen_options(poll, options, data)
    try:
        answer = _answer_row(db, poll, actor)
        changed = answer.changes > 0
        db.execute(delete(PollChoice).where(col(PollChoice.answer_id) == answer.id))
        db.add_all(PollChoice(answer_id=saved_id(answer), poll_id=saved_id(poll), option_id=o) for o in chosen)
        db.flush()
    except IntegrityError as exc:
        # The triggers refused by the database clock: the time passed while this request ran.
        raise closed_error() from exc
    record(db, actor_id=actor.id, action="poll.answer_changed" if changed else "poll.answered", obj=poll)
    events.queue(db, events.poll_answered, poll_id=poll.id, user_id=actor.id, changed=changed)
    _check_at_commit(db, saved_id(answer))
    return answer


def _answer_row(db: Session, poll: Poll, actor: User) -> PollAnswer:
    """The actor's answer row, made on first answer. Two first answers at once: the unique pair
    lets one in, and the other becomes a change of it."""
    answer = queries.get_answer(db, poll_id=saved_id(poll), user_id=saved_id(actor))
    if answer is None:
        answer, added = add_or_find(
            db,
            PollAnswer(poll_id=saved_id(poll), user_id=saved_id(actor)),
            lambda: queries.get_answer(db, poll_id=saved_id(poll), user_id=saved_id(actor)),
        )
        if added:
            return answer
    answer.changes += 1
    db.add(answer)
    db.flush()
    return answer


def _check_at_commit(db: Session, answer_id: int) -> None:
    pending = db.info.get(_PENDING)
    if pending is None:
        pending = db.info[_PENDING] = []
        event.listen(db, "before_commit", _stamp_pending)
        event.listen(db, "after_soft_rollback", _drop_pending)
    pending.append(answer_id)


def _stamp_pending(session: Session) -> None:
    """The last statement before the commit: stamp each answer with the database clock, which the
    trigger compares with the closing time. Past it, the commit is refused and nothing is written."""
    if session.in_nested_transaction():
        return
    pending, session.info[_PENDING] = session.info.get(_PENDING) or [], []
    for answer_id in pending:
        statement = update(table_of(PollAnswer)).where(col(PollAnswer.id) == answer_id)
        try:
            session.connection().execute(statement.values(answered_at=db_now(session)))
        except IntegrityError as exc:
            raise closed_error() from exc


def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None and session.info.get(_PENDING):
        session.info[_PENDING] = []
