"""Reading accounts and the registration policy."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlmodel import Session, col, func, select

from ..db import utcnow
from .models import Invitation, LoginFailure, SiteSetting, User
from .tokens import token_hash


def get_user(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def get_user_by_email(db: Session, email: str) -> User | None:
    return db.exec(select(User).where(User.email == email.strip().lower())).first()


def list_users(db: Session, *, limit: int = 500) -> list[User]:
    return list(db.exec(select(User).order_by(User.display_name).limit(limit)).all())


def display_names(db: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's name by id, in one query; an id with no account is left out."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = db.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    return {user_id: name for user_id, name in rows if user_id is not None}


def get_setting(db: Session, key: str, default: str) -> str:
    row = db.get(SiteSetting, key)
    return row.value if row else default


def get_registration_mode(db: Session) -> str:
    return get_setting(db, "registration_mode", "open")


def get_valid_invitation(db: Session, token: str) -> Invitation | None:
    if not token:
        return None
    invitation = db.exec(select(Invitation).where(Invitation.token_hash == token_hash(token))).first()
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        return None
    return invitation


def list_invitations(db: Session, *, limit: int = 50) -> list[Invitation]:
    return list(db.exec(select(Invitation).order_by(col(Invitation.id).desc()).limit(limit)).all())


def recent_login_failures(
    db: Session, *, email: str, address: str, window_seconds: int, kind: str = "login"
) -> tuple[int, int]:
    """How many attempts of ``kind`` there were lately for this e-mail and for this network address."""
    since = utcnow() - timedelta(seconds=window_seconds)
    by_email = db.exec(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email == email, LoginFailure.kind == kind, LoginFailure.at >= since)
    ).one()
    by_address = db.exec(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.address == address, LoginFailure.kind == kind, LoginFailure.at >= since)
    ).one()
    return by_email, by_address
