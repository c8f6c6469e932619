"""Imports every table model so ``metadata`` knows them all (Alembic and the drift test use it)."""

from .accounts.models import Invitation, LoginFailure, PasswordReset, SiteSetting, User
from .audit.models import AuditEntry
from .db import metadata
from .forums.models import Forum
from .workshops.models import Membership, Workshop

__all__ = [
    "AuditEntry", "Forum", "Invitation", "LoginFailure", "Membership", "PasswordReset",
    "SiteSetting", "User", "Workshop", "metadata",
]
from .drafting.models import Document, Revision  # noqa: E402

__all__ += ["Document", "Revision"]
