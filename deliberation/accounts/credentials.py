"""Signing in, and changing or resetting a password: each refused guess or request is counted, so
too many in a while are refused outright. Each function flushes and never commits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlmodel import Session, select

from ..audit.actions import record
from ..db import utcnow
from ..errors import NotFound, TooManyRequests
from ..i18n import N_, Nn_
from ..validation import Checker, strip_controls
from . import queries
from .actions import count_mail_request, refuse_guessable
from .models import LoginFailure, PasswordReset, ThrottleKind, User
from .passwords import hash_password, needs_rehash, verify_password
from .sessions import do_end_other_sessions
from .tokens import new_token, token_hash


def check_login(
    db: Session, *, email: str, password: str, address: str, max_failures: int, window_seconds: int
) -> User | None:
    """The user for these credentials, or None after recording the failure.

    Returns rather than raises on a wrong password so the caller commits the recorded failure;
    refusing outright once too many failures piled up is what throttles guessing.
    """
    # A NUL is no part of any address, and PostgreSQL refuses it in text.
    email = strip_controls(email).strip().lower()[:254]
    by_email, by_address = queries.recent_login_failures(
        db, email=email, address=address, window_seconds=window_seconds
    )
    # An address is allowed more tries than one account: a village library shares one address.
    if by_email >= max_failures or by_address >= max_failures * 4:
        raise _throttled(window_seconds)
    user = queries.get_user_by_email(db, email) if email else None
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        db.add(LoginFailure(email=email, address=address[:64]))
        db.flush()
        return None
    if user.password_hash is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.add(user)
    return user


def check_change_password(
    db: Session,
    *,
    user: User,
    data: Mapping[str, str],
    keep_session: str = "",
    address: str = "",
    max_failures: int = 5,
    window_seconds: int = 900,
) -> User:
    """A new password for ``user``; every session but ``keep_session`` (the one asking) ends.

    A wrong current password is recorded (the caller commits it with the refusal) and, after
    ``max_failures`` in the window, refused outright: a session left open on a shared computer
    must not become a way to guess the password and take the account."""
    by_user, _ = queries.recent_login_failures(
        db, email=_change_key(user), address=address, window_seconds=window_seconds, kind="password_change"
    )
    if by_user >= max_failures:
        raise _throttled(window_seconds)
    check = Checker(data)
    if not verify_password(user.password_hash, str(data.get("current_password", ""))):
        check.fail("current_password", "wrong_password", N_("The current password is not right."))
        db.add(LoginFailure(email=_change_key(user), address=address[:64], kind=ThrottleKind.PASSWORD_CHANGE))
        db.flush()
    password = check.password()
    refuse_guessable(check, password, (user.email, user.display_name))
    check.done()
    _set_password(db, user, password, keep_session=keep_session)
    record(db, actor_id=user.id, action="user.password_changed", obj=user)
    return user


def _change_key(user: User) -> str:
    return f"user:{user.id}"


def _throttled(window_seconds: int) -> TooManyRequests:
    return TooManyRequests(
        "login_throttled",
        Nn_(
            "Too many failed attempts. Please wait %(num)s minute and try again.",
            "Too many failed attempts. Please wait %(num)s minutes and try again.",
        ),
        n=max(1, window_seconds // 60),
    )


def _set_password(db: Session, user: User, password: str, *, keep_session: str = "") -> None:
    user.password_hash = hash_password(password)
    # Kept in step for hosts that read it; sessions themselves end in the session table.
    user.session_epoch += 1
    db.add(user)
    db.flush()
    # Whoever knew the old password, or holds a reset link, is out everywhere else.
    do_end_other_sessions(db, user=user, keep_token=keep_session)


def do_request_password_reset(
    db: Session, *, email: str, valid_hours: int, address: str = "", max_requests: int = 3, window_seconds: int = 3600
) -> tuple[User, str] | None:
    """A reset token for the account with this e-mail, or None when there is no such account.

    Every request is counted, known address or not (see ``count_mail_request``)."""
    email = strip_controls(email).strip().lower()[:254]
    count_mail_request(
        db,
        kind="password_reset",
        email=email,
        address=address,
        max_requests=max_requests,
        window_seconds=window_seconds,
        code="reset_throttled",
    )
    user = queries.get_user_by_email(db, email)
    if user is None or not user.is_active or user.password_hash is None:
        return None
    assert user.id is not None
    token, digest = new_token()
    reset = PasswordReset(user_id=user.id, token_hash=digest, expires_at=utcnow() + timedelta(hours=valid_hours))
    db.add(reset)
    db.flush()
    record(db, actor_id=None, action="user.password_reset_requested", obj=user)
    return user, token


def get_valid_reset(db: Session, token: str) -> PasswordReset | None:
    reset = db.exec(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))).first()
    if reset is None or reset.used_at is not None or reset.expires_at < utcnow():
        return None
    return reset


def check_reset_password(db: Session, *, token: str, data: Mapping[str, str]) -> User:
    reset = get_valid_reset(db, token)
    if reset is None:
        raise NotFound("reset_invalid", N_("This reset link is not valid any more. Please ask for a new one."))
    user = db.get(User, reset.user_id)
    assert user is not None  # a foreign key
    check = Checker(data)
    password = check.password()
    refuse_guessable(check, password, (user.email, user.display_name))
    check.done()
    reset.used_at = utcnow()
    db.add(reset)
    _set_password(db, user, password)
    record(db, actor_id=user.id, action="user.password_reset", obj=user)
    return user
