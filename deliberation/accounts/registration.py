"""Registration that confirms the address before an account exists.

The form's answer is the same whether the address is new or already has an account, so the form
cannot tell anyone who is a member: a new address is sent a link that finishes the registration,
a taken one a warning to its owner. Both paths do the same work (validate, count the request, make
a token, build one letter); only the new one keeps a row, under the token's hash.

The password is chosen on the page the link opens, not in the form: whoever types someone else's
address never knows the password of the account that may come of it.

Each function flushes and never commits: the request owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from .. import events
from ..audit.actions import record
from ..db import utcnow
from ..errors import Forbidden, NotFound
from ..i18n import N_
from ..settings import LOCALES
from ..validation import Checker
from . import queries
from .actions import count_mail_request, flush_unique, profile_fields, refuse_guessable
from .models import Invitation, PendingRegistration, RegistrationMode, User
from .passwords import hash_password
from .tokens import new_token, token_hash


@dataclass(frozen=True)
class Requested:
    """What a registration request leads to: a letter to ``email``, of one kind or the other.

    ``owner`` is the account that already has the address (it gets the warning, nothing is made);
    otherwise ``token`` goes into the link that finishes the registration."""

    email: str
    display_name: str
    locale: str
    token: str
    owner: User | None = None


def check_request_registration(
    db: Session,
    *,
    data: Mapping[str, str],
    invitation_token: str = "",
    locale: str = "",
    address: str = "",
    valid_hours: int = 24,
    max_requests: int = 3,
    window_seconds: int = 3600,
) -> Requested:
    """Check the form and decide the letter; a pending row only for an address with no account."""
    check = Checker(data)
    email = check.email()
    fields = profile_fields(check)
    invitation = queries.get_valid_invitation(db, invitation_token) if invitation_token else None
    if queries.get_registration_mode(db) == RegistrationMode.INVITATION and invitation is None:
        check.fail(
            "invitation",
            "invitation_required",
            N_("Registration is by invitation only. Please use the link a coordinator sent you."),
        )
    check.done()
    count_mail_request(
        db,
        kind="registration",
        email=email,
        address=address,
        max_requests=max_requests,
        window_seconds=window_seconds,
        code="registration_throttled",
    )
    # Expired requests go on every request, new address or taken: nobody's answers stay long.
    db.execute(delete(PendingRegistration).where(col(PendingRegistration.expires_at) < utcnow()))
    token, digest = new_token()
    locale = locale if locale in LOCALES else ""
    owner = queries.get_user_by_email(db, email)
    # The row is written on both paths and kept only for a new address: a taken one's is rolled
    # back with its savepoint, so the two answers cost the database the same and time alike.
    with db.begin_nested() as written:
        db.add(
            PendingRegistration(
                token_hash=digest,
                email=email,
                locale=locale,
                invitation_id=invitation.id if invitation else None,
                expires_at=utcnow() + timedelta(hours=valid_hours),
                **fields,
            )
        )
        db.flush()
        if owner is not None:
            written.rollback()
    if owner is not None:
        return Requested(
            email=email, display_name=owner.display_name, locale=owner.locale or locale, token=token, owner=owner
        )
    return Requested(email=email, display_name=fields["display_name"], locale=locale, token=token)


def get_valid_pending(db: Session, token: str) -> PendingRegistration | None:
    if not token:
        return None
    pending = db.exec(select(PendingRegistration).where(PendingRegistration.token_hash == token_hash(token))).first()
    if pending is None or pending.expires_at < utcnow():
        return None
    return pending


def check_confirm_registration(db: Session, *, token: str, data: Mapping[str, str]) -> User:
    """The account a confirmed link makes, with the password chosen now; the link is spent."""
    pending = get_valid_pending(db, token)
    if pending is None:
        raise NotFound(
            "registration_link_invalid",
            N_("This link is not valid any more: it was used already or it has expired. Please register again."),
        )
    check = Checker(data)
    password = check.password()
    refuse_guessable(check, password, (pending.email, pending.display_name))
    check.done()
    invitation = _unspent_invitation(db, pending)
    user = User(
        email=pending.email,
        password_hash=hash_password(password),
        locale=pending.locale,
        display_name=pending.display_name,
        occupation=pending.occupation,
        hromada=pending.hromada,
        region=pending.region,
    )
    db.add(user)
    # Someone finished another link to this address first: the address is theirs already.
    flush_unique(
        db, "email", N_("An account with this e-mail already exists. Try signing in or resetting the password.")
    )
    # Every link to this address is spent: one address, one account.
    db.execute(delete(PendingRegistration).where(col(PendingRegistration.email) == pending.email))
    via = "invitation" if invitation else "registration"
    if invitation is not None:
        invitation.used_by, invitation.used_at = user.id, utcnow()
        db.add(invitation)
    db.flush()
    record(db, actor_id=user.id, action="user.registered", obj=user, via=via, coordinator=False)
    events.queue(db, events.user_joined, user_id=user.id, display_name=user.display_name, via=via)
    return user


def _unspent_invitation(db: Session, pending: PendingRegistration) -> Invitation | None:
    """The request's invitation if nobody has used it since; while registration is by invitation
    only, a request whose invitation was used meanwhile makes no account."""
    invitation = db.get(Invitation, pending.invitation_id) if pending.invitation_id else None
    if invitation is not None and invitation.used_at is None:
        return invitation
    if queries.get_registration_mode(db) == RegistrationMode.INVITATION:
        raise Forbidden(
            "invitation_used",
            N_(
                "The invitation this registration came with has been used by someone else. Please ask a coordinator for a new one."
            ),
        )
    return None
