"""Changes to accounts. Each function flushes and never commits: the request owns the transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from .. import events
from ..audit.actions import record
from ..db import utcnow
from ..errors import Conflict, DomainError, Forbidden, NotFound, TooManyRequests, ValidationError
from ..i18n import N_, Nn_
from ..rows import add_or_find, flush_or_refuse
from ..settings import LOCALES
from ..validation import Checker, bounded, clean_line, read_text, strip_controls
from . import queries
from .models import (
    Invitation,
    LoginFailure,
    Occupation,
    RegistrationMode,
    SiteSetting,
    ThrottleKind,
    User,
)
from .passwords import hash_password
from .regions import REGIONS
from .strength import password_problem
from .tokens import new_token


@dataclass(frozen=True)
class HostIdentity:
    """Who the host platform says the current person is."""

    external_id: str
    display_name: str
    roles: frozenset[str] = frozenset()
    email: str | None = None


def profile_fields(check: Checker) -> dict:
    return dict(
        display_name=check.text("display_name", max_length=120, min_length=2),
        occupation=check.choice("occupation", Occupation, default=Occupation.OTHER),
        hromada=check.text("hromada", max_length=120, required=False),
        region=check.choice("region", {"": "", **REGIONS}, default=""),
    )


def check_register_user(
    db: Session,
    *,
    data: Mapping[str, str],
    invitation_token: str = "",
    locale: str = "",
    coordinator: bool = False,
    bypass_policy: bool = False,
) -> User:
    """Create a member from a registration form (or the command line, with ``bypass_policy``)."""
    check = Checker(data)
    email = check.email()
    fields = profile_fields(check)
    password = check.password()
    refuse_guessable(check, password, (email, fields["display_name"]))
    invitation = queries.get_valid_invitation(db, invitation_token) if invitation_token else None
    if not bypass_policy and queries.get_registration_mode(db) == RegistrationMode.INVITATION and invitation is None:
        check.fail(
            "invitation",
            "invitation_required",
            N_("Registration is by invitation only. Please use the link a coordinator sent you."),
        )
    if email and "email" not in check.errors and queries.get_user_by_email(db, email):
        check.fail(
            "email",
            "email_taken",
            N_("An account with this e-mail already exists. Try signing in or resetting the password."),
        )
    check.done()
    user = User(
        email=email,
        password_hash=hash_password(password),
        locale=locale if locale in LOCALES else "",
        is_coordinator=coordinator,
        **fields,
    )
    db.add(user)
    flush_unique(
        db, "email", N_("An account with this e-mail already exists. Try signing in or resetting the password.")
    )
    via = "invitation" if invitation else "registration"
    if invitation is not None:
        invitation.used_by, invitation.used_at = user.id, utcnow()
        db.add(invitation)
    record(db, actor_id=user.id, action="user.registered", obj=user, via=via, coordinator=coordinator)
    events.queue(db, events.user_joined, user_id=user.id, display_name=user.display_name, via=via)
    return user


def refuse_guessable(check: Checker, password: str, user_inputs: tuple[str | None, ...]) -> None:
    """Refuse a guessable password, saying why in the visitor's language."""
    if "password" in check.errors:
        return
    problem = password_problem(password, [value for value in user_inputs if value])
    if problem is not None:
        check.fail("password", f"guessable_password_{problem[0]}", problem[1])


def flush_unique(db: Session, field: str, message: str) -> None:
    # Two registrations racing for one address both pass the check; the unique index decides.
    flush_or_refuse(db, ValidationError({field: DomainError("duplicate", message, field=field)}))


def count_mail_request(
    db: Session, *, kind: str, email: str, address: str, max_requests: int, window_seconds: int, code: str
) -> None:
    """Count one request that sends a letter, or refuse it when there were too many lately.

    Counted per e-mail and per network address (an address gets four times as many: a village
    library shares one), whether the e-mail has an account or not, so the count reveals nothing
    while the form cannot become a way to flood someone's mailbox."""
    by_email, by_address = queries.recent_login_failures(
        db, email=email, address=address, window_seconds=window_seconds, kind=kind
    )
    if by_email >= max_requests or by_address >= max_requests * 4:
        raise TooManyRequests(
            code,
            Nn_(
                "Too many requests. Please wait %(num)s minute and try again.",
                "Too many requests. Please wait %(num)s minutes and try again.",
            ),
            n=max(1, window_seconds // 60),
        )
    db.add(LoginFailure(email=email, address=address[:64], kind=ThrottleKind(kind)))
    db.flush()


def check_update_profile(db: Session, *, user: User, data: Mapping[str, str]) -> User:
    check = Checker(data)
    fields = profile_fields(check)
    check.done()
    changed = {k: v for k, v in fields.items() if getattr(user, k) != v}
    for key, value in changed.items():
        setattr(user, key, value)
    db.add(user)
    db.flush()
    if changed:
        record(db, actor_id=user.id, action="user.profile_updated", obj=user, fields=sorted(changed))
    return user


def do_set_locale(db: Session, *, user: User, locale: str) -> None:
    if locale in LOCALES and user.locale != locale:
        user.locale = locale
        db.add(user)
        db.flush()


def do_set_registration_mode(db: Session, *, mode: str, actor: User) -> None:
    if mode not in RegistrationMode.__members__.values():
        raise ValidationError(
            {"mode": DomainError("invalid_choice", N_("Please choose one of the options."), field="mode")}
        )
    setting = db.get(SiteSetting, "registration_mode") or SiteSetting(key="registration_mode", value=mode)
    setting.value = mode
    db.add(setting)
    db.flush()
    record(db, actor_id=actor.id, action="site.registration_mode_set", mode=mode)


def check_create_invitation(
    db: Session, *, actor: User, data: Mapping[str, str], valid_days: int
) -> tuple[Invitation, str]:
    note = read_text(data, "note", max_length=200, required=False)
    assert actor.id is not None
    token, digest = new_token()
    invitation = Invitation(
        token_hash=digest, note=note, created_by=actor.id, expires_at=utcnow() + timedelta(days=valid_days)
    )
    db.add(invitation)
    db.flush()
    record(db, actor_id=actor.id, action="invitation.created", obj=invitation, note=note)
    return invitation, token


def do_set_coordinator(db: Session, *, user_id: int, value: bool, actor: User) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found", N_("There is no such person."))
    if not value and user.is_coordinator and _coordinator_count(db) <= 1:
        raise Forbidden("last_coordinator", N_("The network needs at least one coordinator."))
    if user.is_coordinator != value:
        user.is_coordinator = value
        db.add(user)
        db.flush()
        record(db, actor_id=actor.id, action="user.coordinator_set", obj=user, value=value)
        events.queue(db, events.user_role_changed, user_id=user.id, is_coordinator=value, actor_id=actor.id)
    return user


def _coordinator_count(db: Session) -> int:
    return len(db.exec(select(User.id).where(User.is_coordinator == True)).all())  # noqa: E712


def host_user_in_step(db: Session, *, identity: HostIdentity) -> User | None:
    """The local row for a host-provided person if it exists and needs no change (a read)."""
    if not identity.external_id or not identity.display_name:
        return None
    user = db.exec(select(User).where(User.external_id == identity.external_id)).first()
    if (
        user is None
        or user.display_name != identity.display_name[:120]
        or user.is_coordinator != ("coordinator" in identity.roles)
    ):
        return None
    return user


def do_sync_host_user(db: Session, *, identity: HostIdentity) -> User:
    """The local row for a host-provided person, created on first sight and kept in step."""
    # The host's values are input too: cleaned and cut to their columns like a form's.
    external_id = strip_controls(identity.external_id or "")[:200]
    display_name = bounded(clean_line(identity.display_name or ""), 120)
    if not external_id or not display_name:
        raise Forbidden(
            "bad_identity",
            N_("We could not confirm who you are through the site you came from. Please sign in there again."),
        )
    user = db.exec(select(User).where(User.external_id == external_id)).first()
    coordinator = "coordinator" in identity.roles
    if user is None:
        user = User(
            external_id=external_id,
            display_name=display_name,
            email=clean_line(identity.email or "").lower()[:254] or None,
            is_coordinator=coordinator,
        )
        # Another request may have created the same person a moment ago: that row is theirs.
        user, added = add_or_find(
            db,
            user,
            lambda: db.exec(select(User).where(User.external_id == external_id)).first(),
            refusal=Conflict("identity_conflict", N_("This account could not be set up. Please try again.")),
        )
        if not added:
            return user
        record(db, actor_id=user.id, action="user.joined_from_host", obj=user)
        events.queue(db, events.user_joined, user_id=user.id, display_name=user.display_name, via="host")
        return user
    if user.display_name != display_name or user.is_coordinator != coordinator:
        user.display_name = display_name
        if user.is_coordinator != coordinator:
            record(db, actor_id=user.id, action="user.coordinator_set", obj=user, value=coordinator, by="host")
        user.is_coordinator = coordinator
        db.add(user)
        db.flush()
    return user
