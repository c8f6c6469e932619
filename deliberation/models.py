"""Imports every table model so ``metadata`` knows them all (Alembic and the drift test use it)."""

from .accounts.models import Invitation, LoginFailure, PasswordReset, PendingRegistration, SiteSetting, User
from .audit.models import AuditEntry
from .db import metadata
from .forums.models import Forum
from .workshops.models import Membership, Workshop

__all__ = [
    "AuditEntry",
    "Forum",
    "Invitation",
    "LoginFailure",
    "Membership",
    "PasswordReset",
    "PendingRegistration",
    "SiteSetting",
    "User",
    "Workshop",
    "metadata",
]
from .drafting.models import Document, Revision  # noqa: E402

__all__ += ["Document", "Revision"]
from .discussion.models import Amendment, AmendmentVersion, Comment, CommentEdit, Stance  # noqa: E402
from .notifications.models import Follow, Notification, NotificationPreference  # noqa: E402

__all__ += [
    "Amendment",
    "AmendmentVersion",
    "Comment",
    "CommentEdit",
    "Stance",
    "Follow",
    "Notification",
    "NotificationPreference",
]
from .forums.models import AgendaItem, Delegate, Proxy, Speaker  # noqa: E402
from .resolutions.models import Resolution  # noqa: E402
from .voting.models import Ballot, BallotBox, BallotKey, Participation, Vote  # noqa: E402

__all__ += [
    "AgendaItem",
    "Delegate",
    "Proxy",
    "Speaker",
    "Vote",
    "Participation",
    "Ballot",
    "BallotBox",
    "BallotKey",
    "Resolution",
]
from .outbox.models import OutboxEntry  # noqa: E402
from .search.models import SearchEntry  # noqa: E402

__all__ += ["SearchEntry", "OutboxEntry"]
from .live.models import LiveEvent  # noqa: E402

__all__ += ["LiveEvent"]
from .consultations.models import Consultation, ConsultationAttachment, ConsultationMessage  # noqa: E402

__all__ += ["Consultation", "ConsultationAttachment", "ConsultationMessage"]
from .moderation.models import Flag  # noqa: E402

__all__ += ["Flag"]
from .calendar.models import SessionRegistration, WorkshopSession  # noqa: E402

__all__ += ["SessionRegistration", "WorkshopSession"]
from .places.models import Place  # noqa: E402

__all__ += ["Place"]
from .reports.models import Report, ReportVersion  # noqa: E402

__all__ += ["Report", "ReportVersion"]
from .practices.models import ExperienceOffer, Practice  # noqa: E402

__all__ += ["Practice", "ExperienceOffer"]
from .proposals.models import Poll, PollAnswer, PollChoice, PollOption, Proposal, ProposalComment, Support  # noqa: E402

__all__ += ["Proposal", "Support", "ProposalComment", "Poll", "PollOption", "PollAnswer", "PollChoice"]
