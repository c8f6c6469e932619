"""Who is in the hall: the chair checks many delegates in at once, delegates check themselves in
with the short code the hall's screen shows.

The code is derived from a per-forum secret and the current five-minute window, so nothing has to
rotate it and every process computes the same code; the chair issues a new secret to start self
check-in (or to invalidate a code that left the hall) and can stop it. A code is six digits, so
guessing is throttled per delegate: every attempt is counted before the code is compared, in one
atomic update, so a hundred guesses sent at once are counted a hundred times.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, update
from sqlmodel import Session, col

from .. import live
from ..accounts.models import User
from ..accounts.rules import is_signed_in
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import Conflict, DomainError, NotFound, TooManyRequests, ValidationError, require
from ..i18n import N_, Nn_
from . import queries, rules
from .models import Delegate, Forum

CODE_DIGITS = 6
CODE_WINDOW = timedelta(minutes=5)
#: Attempts a delegate may make within THROTTLE_WINDOW; a right code starts the count again.
MAX_ATTEMPTS = 5
THROTTLE_WINDOW = timedelta(minutes=10)


def _open_forum(db: Session, forum: Forum) -> Forum:
    locked = queries.get_forum_for_update(db, saved_id(forum))
    if locked is None:
        raise NotFound("forum_not_found", N_("There is no such forum."))
    if not rules.agenda_is_open(locked):
        raise Conflict("forum_closed", N_("This forum is closed: presence can no longer be changed."))
    return locked


# --- the chair: many delegates at once ----------------------------------------------------------


def do_mark_present_many(
    db: Session, *, forum: Forum, user_ids: Iterable[int], present: bool, actor: User
) -> list[Delegate]:
    """Mark the chosen registered delegates present (or absent) in one go; returns those changed.

    Every id must be a registered delegate of this forum, or nothing changes: a list the chair
    prepared on a stale page must not half-apply.
    """
    require(rules.is_chair(actor))
    chosen = sorted(set(user_ids))
    if not chosen:
        raise ValidationError(
            {"user_id": DomainError("none_chosen", N_("Please choose at least one delegate."), field="user_id")}
        )
    _open_forum(db, forum)
    by_user = {d.user_id: d for d, _ in queries.list_delegates(db, saved_id(forum))}
    if any(user_id not in by_user for user_id in chosen):
        raise Conflict(
            "not_a_delegate",
            N_("Someone you chose is no longer a registered delegate of this forum. Please reload the page."),
        )
    now, changed = utcnow(), []
    for user_id in chosen:
        delegate = by_user[user_id]
        if delegate.is_present == present:
            continue
        mark(db, delegate=delegate, forum=forum, present=present, at=now, actor=actor, bulk=True)
        changed.append(delegate)
    db.flush()
    if changed:
        announce_presence(db, forum)
    return changed


def mark(db: Session, *, delegate: Delegate, forum: Forum, present: bool, at: datetime, actor: User, **logged) -> None:
    """The chair marks one delegate present or absent; the log keeps who did (and ``logged``)."""
    delegate.is_present, delegate.present_marked_at = present, at
    db.add(delegate)
    record(
        db,
        actor_id=actor.id,
        action="delegate.presence_marked",
        obj=delegate,
        forum_id=forum.id,
        user_id=delegate.user_id,
        present=present,
        **logged,
    )


def announce_presence(db: Session, forum: Forum) -> None:
    """Tell the forum's open pages that presence (or the check-in code) changed: the hall screen
    and the console fetch their presence parts again."""
    forum_id = saved_id(forum)
    live.publish(db, forum_id=forum_id, kind="presence", present=len(queries.present_ids(db, forum_id)))


# --- self check-in with a code -----------------------------------------------------------------


def _window(moment: datetime) -> int:
    return int(moment.timestamp() // CODE_WINDOW.total_seconds())


def _code_for(secret: str, window: int) -> str:
    digest = hmac.new(secret.encode(), f"checkin:{window}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def checkin_code(forum: Forum, *, at: datetime | None = None) -> str | None:
    """The code the hall's screen shows now; None while self check-in is off."""
    if not rules.checkin_is_open(forum):
        return None
    assert forum.checkin_secret is not None  # open self check-in has its secret
    return _code_for(forum.checkin_secret, _window(at or utcnow()))


def code_valid_until(*, at: datetime | None = None) -> datetime:
    """When the code shown now gives way to the next one (it is still accepted one window longer)."""
    return datetime.fromtimestamp((_window(at or utcnow()) + 1) * CODE_WINDOW.total_seconds(), UTC)


def _accepted(forum: Forum, code: str, now: datetime) -> bool:
    # The code read off the screen just before it changed is still good for one more window.
    window = _window(now)
    secret = forum.checkin_secret
    assert secret is not None  # asked only while self check-in is open, which has its secret
    return any(hmac.compare_digest(_code_for(secret, w), code) for w in (window, window - 1))


def do_start_checkin(db: Session, *, forum: Forum, actor: User) -> Forum:
    """Start self check-in with a fresh secret; a code seen before (on a photo, say) stops working."""
    require(rules.is_chair(actor))
    forum = _open_forum(db, forum)
    if not rules.is_in_session(forum):
        raise Conflict("not_in_session", N_("Delegates check themselves in only while the forum is open."))
    restarted = forum.checkin_secret is not None
    forum.checkin_secret = secrets.token_hex(32)
    db.add(forum)
    db.flush()
    record(db, actor_id=actor.id, action="checkin.code_renewed" if restarted else "checkin.started", obj=forum)
    announce_presence(db, forum)
    return forum


def do_stop_checkin(db: Session, *, forum: Forum, actor: User) -> Forum:
    require(rules.is_chair(actor))
    forum = _open_forum(db, forum)
    if forum.checkin_secret is not None:
        forum.checkin_secret = None
        db.add(forum)
        db.flush()
        record(db, actor_id=actor.id, action="checkin.stopped", obj=forum)
        announce_presence(db, forum)
    return forum


@dataclass(frozen=True)
class CheckIn:
    """How a self check-in went: ``present`` now, or the code was wrong (and how many tries are left)."""

    present: bool
    tries_left: int


def check_self_check_in(db: Session, *, forum: Forum, actor: User, data: Mapping) -> CheckIn:
    """A delegate types the code from the hall's screen and is marked present.

    A wrong code is an answer, not an error: the attempt it used is written (the caller commits),
    so the throttle holds across requests.
    """
    require(is_signed_in(actor))
    delegate = queries.get_delegate(db, forum_id=saved_id(forum), user_id=saved_id(actor))
    require(rules.is_delegate(delegate))
    assert delegate is not None  # is_delegate holds only for a registered row
    code = "".join(ch for ch in str(data.get("code", "") or "") if ch.isdigit())
    if len(code) != CODE_DIGITS:
        raise ValidationError(
            {
                "code": DomainError(
                    "bad_code",
                    Nn_(
                        "Please type the %(num)s-digit code shown in the hall.",
                        "Please type the %(num)s-digit code shown in the hall.",
                    ),
                    field="code",
                    n=CODE_DIGITS,
                )
            }
        )
    if not rules.checkin_is_open(forum):
        raise Conflict("checkin_off", N_("Self check-in is not open now. Please ask the chair."))
    if delegate.is_present:
        return CheckIn(present=True, tries_left=MAX_ATTEMPTS)
    now = utcnow()
    attempts = _count_attempt(db, delegate, now)
    if attempts > MAX_ATTEMPTS:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise TooManyRequests(
            "checkin_throttled",
            Nn_(
                "Too many wrong codes. Please wait %(num)s minute and try again.",
                "Too many wrong codes. Please wait %(num)s minutes and try again.",
            ),
            n=minutes,
        )
    if not _accepted(forum, code, now):
        record(db, actor_id=actor.id, action="checkin.code_refused", obj=delegate, forum_id=forum.id, attempt=attempts)
        return CheckIn(present=False, tries_left=MAX_ATTEMPTS - attempts)
    db.refresh(delegate)
    delegate.is_present, delegate.present_marked_at = True, now
    delegate.checkin_attempts, delegate.checkin_attempted_at = 0, None
    db.add(delegate)
    db.flush()
    record(db, actor_id=actor.id, action="delegate.checked_in", obj=delegate, forum_id=forum.id, user_id=actor.id)
    announce_presence(db, forum)
    return CheckIn(present=True, tries_left=MAX_ATTEMPTS)


def _count_attempt(db: Session, delegate: Delegate, now: datetime) -> int:
    """Count this attempt in one UPDATE (it takes the row lock), then read the count back."""
    attempted_at = col(Delegate.checkin_attempted_at)
    stale = (attempted_at == None) | (attempted_at < now - THROTTLE_WINDOW)  # noqa: E711
    db.execute(
        update(Delegate)
        .where(col(Delegate.id) == delegate.id)
        .values(checkin_attempts=case((stale, 1), else_=col(Delegate.checkin_attempts) + 1), checkin_attempted_at=now)
    )
    db.refresh(delegate)
    return delegate.checkin_attempts
