"""People, their credentials and the network's registration policy."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled


class Occupation(Labelled):
    DEPUTY = "deputy", N_("Deputy of a local council")
    ADVOCATE = "advocate", N_("Public advocate or activist")
    JOURNALIST = "journalist", N_("Journalist")
    EXPERT = "expert", N_("Expert")
    OTHER = "other", N_("Other")


class RegistrationMode(Labelled):
    """Who may register (a site setting, not a column)."""

    OPEN = "open", N_("Anyone may register")
    INVITATION = "invitation", N_("By invitation only")


class ThrottleKind(StrEnum):
    """What a throttled attempt was (``LoginFailure.kind``); never shown."""

    LOGIN = "login"
    PASSWORD_CHANGE = "password_change"
    PASSWORD_RESET = "password_reset"
    REGISTRATION = "registration"


class User(SQLModel, table=True):
    __tablename__ = "delib_user"
    __table_args__ = (
        UniqueConstraint("email"),
        UniqueConstraint("external_id"),
        allowed("occupation", Occupation),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Emails are stored lower-cased: two spellings of one address are one person.
    email: str | None = Field(default=None, max_length=254)
    #: The host's id for this person, when a host platform provides identities.
    external_id: str | None = Field(default=None, max_length=200)
    display_name: str = Field(max_length=120)
    password_hash: str | None = Field(default=None, max_length=200)
    occupation: Occupation = Field(default=Occupation.OTHER, sa_type=StoredEnum(Occupation, 20))
    hromada: str = Field(default="", max_length=120)
    region: str = Field(default="", max_length=40)
    locale: str = Field(default="", max_length=5)
    is_coordinator: bool = Field(default=False)
    is_active: bool = Field(default=True)
    #: Bumped on password change so sessions signed before it stop working.
    session_epoch: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)


class LoginFailure(SQLModel, table=True):
    """One attempt to throttle, kept so throttling holds across workers and restarts: a failed
    login, a wrong current password on the change page, a password-reset request (``kind``)."""

    __tablename__ = "delib_login_failure"
    __table_args__ = (
        Index("ix_delib_login_failure_email_at", "email", "at"),
        Index("ix_delib_login_failure_address_at", "address", "at"),
        allowed("kind", ThrottleKind),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    address: str = Field(max_length=64)
    kind: ThrottleKind = Field(default=ThrottleKind.LOGIN, sa_type=StoredEnum(ThrottleKind, 20))
    at: datetime = Field(default_factory=utcnow)


class PasswordReset(SQLModel, table=True):
    """A one-time reset link; only the token's hash is stored, so a leaked table opens nothing."""

    __tablename__ = "delib_password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class PendingRegistration(SQLModel, table=True):
    """A registration waiting for its address to be confirmed: the form's answers, no password.

    The password is chosen on the page the e-mailed link opens, so whoever typed someone else's
    address never knows the password of the account that may come of it. Only the token's hash is
    stored; the row is deleted when the link is used (or expires), so it holds nobody's data long."""

    __tablename__ = "delib_pending_registration"
    __table_args__ = (allowed("occupation", Occupation),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=254, index=True)
    display_name: str = Field(max_length=120)
    occupation: Occupation = Field(default=Occupation.OTHER, sa_type=StoredEnum(Occupation, 20))
    hromada: str = Field(default="", max_length=120)
    region: str = Field(default="", max_length=40)
    locale: str = Field(default="", max_length=5)
    #: The invitation the form came with; it is spent when the account is made.
    invitation_id: int | None = Field(default=None, foreign_key="delib_invitation.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class Invitation(SQLModel, table=True):
    __tablename__ = "delib_invitation"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    #: Shown to coordinators so they know which link went to whom.
    note: str = Field(default="", max_length=200)
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_by: int | None = Field(default=None, foreign_key="delib_user.id")
    used_at: datetime | None = None


class SiteSetting(SQLModel, table=True):
    __tablename__ = "delib_site_setting"

    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=500)


class LoginSession(SQLModel, table=True):
    """One signed-in browser. The cookie carries a random id; only its SHA-256 is kept here, so a
    leaked table signs nobody in, and deleting the row ends the session wherever the cookie went."""

    __tablename__ = "delib_login_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
