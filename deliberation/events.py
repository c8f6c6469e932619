"""Every event Deliberation sends, in one place.

Events are blinker signals. A host subscribes with ``events.workshop_created.connect(handler)``
(or ``connect(handler, sender=app)`` to hear one app only); ``sender`` is the Starlette app that
``create_app`` returned. Each signal is sent after the change is committed, never before, with the
keyword arguments listed in its docstring. ``tests/test_events.py`` proves that every signal
listed in ``ALL`` is sent by the code and documented in README.md.
"""

from __future__ import annotations

from typing import Any

from blinker import NamedSignal, Namespace

from .db import SessionFactory, deliver_after_commit
from .outbox import delivery
from .outbox.delivery import LEASE, Pending, add_event, still_written

_signals = Namespace()


def _signal(name: str, doc: str) -> NamedSignal:
    return _signals.signal(name, doc=doc)


user_joined = _signal(
    "user joined", "A person became a member: user_id, display_name, via ('registration', 'invitation', 'host')."
)
user_role_changed = _signal(
    "user role changed", "A coordinator granted or removed the coordinator role: user_id, is_coordinator, actor_id."
)
workshop_created = _signal("workshop created", "A coordinator created a workshop: workshop_id, kind, title, actor_id.")
workshop_updated = _signal("workshop updated", "A coordinator edited a workshop: workshop_id, actor_id.")
membership_requested = _signal("membership requested", "A member asked to join a workshop: workshop_id, user_id.")
membership_decided = _signal(
    "membership decided", "A facilitator approved or declined a request: workshop_id, user_id, approved, actor_id."
)
facilitator_appointed = _signal(
    "facilitator appointed",
    "A coordinator appointed or removed a facilitator: workshop_id, user_id, appointed, actor_id.",
)
forum_created = _signal("forum created", "A coordinator created a forum: forum_id, title, actor_id.")
document_created = _signal(
    "document created", "A workshop member started a document: document_id, workshop_id, kind, title, actor_id."
)
document_revised = _signal(
    "document revised",
    "A new revision was saved: document_id, revision_number, author_id, origin ('create', 'edit', 'merge', 'resolve', 'restore').",
)
document_status_changed = _signal(
    "document status changed", "A document was withdrawn or reopened: document_id, status, actor_id."
)
comment_posted = _signal(
    "comment posted", "A comment or reply was posted: comment_id, document_id, author_id, parent_id, amendment_id."
)
amendment_proposed = _signal(
    "amendment proposed", "An amendment was proposed: amendment_id, document_id, author_id, kind."
)
amendment_decided = _signal(
    "amendment decided",
    "A facilitator accepted or rejected an amendment: amendment_id, document_id, accepted, actor_id, revision_number.",
)
vote_opened = _signal(
    "vote opened",
    "The chair opened a vote: vote_id, forum_id, agenda_item_id, subject ('final', 'amendment', 'motion'), actor_id.",
)
vote_closed = _signal(
    "vote closed",
    "A vote closed and its tally is stored: vote_id, forum_id, agenda_item_id, subject, adopted, tally ({'for', 'against', 'abstain'}), actor_id (None when a remote vote closed at its time).",
)
forum_updated = _signal(
    "forum updated", "A coordinator edited a forum or changed its status: forum_id, status, actor_id."
)
resolution_adopted = _signal(
    "resolution adopted",
    "A final vote adopted a text and it was frozen as a resolution: resolution_id, number, document_id, forum_id, vote_id, hash.",
)
# Consultations are private to their requester, assignee and coordinators: their events carry ids
# and statuses only, never a subject, a question, a message or a file name, since a host may
# broadcast what it hears. A host that needs the text asks Deliberation with the id.
consultation_requested = _signal(
    "consultation requested", "A member asked for an expert consultation: consultation_id, requester_id."
)
consultation_assigned = _signal(
    "consultation assigned",
    "A coordinator assigned a consultation (or assigned it anew): consultation_id, assignee_id, actor_id.",
)
consultation_message_posted = _signal(
    "consultation message posted",
    "A message was posted in a consultation's private thread: consultation_id, message_id, author_id, status (after it).",
)
consultation_status_changed = _signal(
    "consultation status changed",
    "A consultation was closed or reopened: consultation_id, status ('closed', 'new', 'assigned'), actor_id.",
)
item_reported = _signal(
    "item reported",
    "A member reported something for moderation: subject ('comment', 'proposal_comment', 'report', 'practice', 'proposal'), subject_id, reason. Who reported it stays in the app.",
)
item_hidden = _signal(
    "item hidden", "A coordinator hid something from the moderation queue: subject, subject_id, actor_id."
)
item_restored = _signal("item restored", "A coordinator showed something hidden again: subject, subject_id, actor_id.")
reports_closed = _signal(
    "reports closed",
    "A coordinator left a reported thing as it is and closed the reports about it: subject, subject_id, actor_id.",
)
session_scheduled = _signal(
    "workshop session scheduled",
    "A coordinator or facilitator scheduled a workshop session: session_id, workshop_id, starts_at, ends_at (ISO 8601, UTC), actor_id.",
)
session_updated = _signal(
    "workshop session updated",
    "A workshop session was changed: session_id, workshop_id, fields (the names changed), sequence (its iCalendar SEQUENCE), actor_id.",
)
session_cancelled = _signal(
    "workshop session cancelled", "A workshop session was cancelled: session_id, workshop_id, actor_id."
)
session_registration = _signal(
    "session registration changed",
    "A member registered for a workshop session or withdrew: session_id, user_id, registered (True or False).",
)

report_submitted = _signal(
    "report submitted",
    "A member reported (or updated their report on) carrying out a resolution in a hromada: report_id, "
    "resolution_id, hromada_code (KATOTTG), status, version, author_id.",
)
report_hidden = _signal(
    "report hidden",
    "A coordinator hid a report on carrying out a resolution: report_id, resolution_id, actor_id.",
)
report_restored = _signal(
    "report restored",
    "A coordinator showed a hidden report on carrying out a resolution again: report_id, resolution_id, actor_id.",
)

practice_offered = _signal(
    "practice offered",
    "A member offered a carried-out report as a practice: practice_id, report_id, resolution_id, hromada_code, "
    "sector, theme, shares_experience (the hromada joined the register), author_id.",
)
practice_hidden = _signal("practice hidden", "A coordinator hid a practice: practice_id, actor_id.")
practice_restored = _signal("practice restored", "A coordinator showed a hidden practice again: practice_id, actor_id.")

proposal_created = _signal(
    "proposal created", "A member proposed a forum theme or a workshop topic: proposal_id, kind, title, author_id."
)
proposal_updated = _signal("proposal updated", "The author edited an open proposal: proposal_id, actor_id.")
proposal_support_changed = _signal(
    "proposal support changed", "A member gave or withdrew their support: proposal_id, user_id, supported."
)
proposal_comment_posted = _signal(
    "proposal comment posted", "A member commented on a proposal: comment_id, proposal_id, author_id."
)
proposal_comment_hidden = _signal(
    "proposal comment hidden", "A coordinator hid a comment on a proposal: comment_id, proposal_id, actor_id."
)
proposal_comment_restored = _signal(
    "proposal comment restored",
    "A coordinator showed a hidden comment on a proposal again: comment_id, proposal_id, actor_id.",
)
proposal_hidden = _signal(
    "proposal hidden",
    "A coordinator hid a proposal (it leaves every list; its author is told why): proposal_id, actor_id.",
)
proposal_restored = _signal("proposal restored", "A coordinator showed a hidden proposal again: proposal_id, actor_id.")
proposal_decided = _signal(
    "proposal decided",
    "A coordinator accepted a proposal (naming the forum or workshop it became) or declined it: proposal_id, accepted, forum_id, workshop_id, actor_id.",
)
poll_created = _signal(
    "poll created",
    "A coordinator put candidate themes to a poll: poll_id, mode ('single', 'multiple'), closes_at (ISO 8601, UTC), options, actor_id.",
)
poll_answered = _signal(
    "poll answered", "A member answered a poll or changed their answer before it closed: poll_id, user_id, changed."
)

ALL: tuple[NamedSignal, ...] = (
    user_joined,
    user_role_changed,
    workshop_created,
    workshop_updated,
    membership_requested,
    membership_decided,
    facilitator_appointed,
    forum_created,
    forum_updated,
    document_created,
    document_revised,
    document_status_changed,
    comment_posted,
    amendment_proposed,
    amendment_decided,
    vote_opened,
    vote_closed,
    resolution_adopted,
    consultation_requested,
    consultation_assigned,
    consultation_message_posted,
    consultation_status_changed,
    item_reported,
    item_hidden,
    item_restored,
    reports_closed,
    session_scheduled,
    session_updated,
    session_cancelled,
    session_registration,
    report_submitted,
    report_hidden,
    report_restored,
    practice_offered,
    practice_hidden,
    practice_restored,
    proposal_created,
    proposal_updated,
    proposal_support_changed,
    proposal_comment_posted,
    proposal_comment_hidden,
    proposal_comment_restored,
    proposal_hidden,
    proposal_restored,
    proposal_decided,
    poll_created,
    poll_answered,
)


_BY_NAME: dict[str, NamedSignal] = {signal.name: signal for signal in ALL}


def queue(db: Any, signal: NamedSignal, **payload: Any) -> None:
    """Send ``signal`` once the session's transaction commits (dropped if it rolls back).

    The event is written to the outbox in the same transaction (``deliberation.outbox``), so it
    survives a crash between the commit and its delivery; receivers also get ``delivery_id``.
    """
    row = add_event(db, name=signal.name, payload=payload, lease=db.info.get("delib_outbox_lease", LEASE))
    deliver_after_commit(db, row, _deliver_committed)


def send(sender: Any, row: Pending) -> None:
    """An outbox row of the event channel, sent through its signal with the row's ``delivery_id``."""
    _BY_NAME[row.name].send(sender, **row.payload, delivery_id=row.delivery_id)


def _deliver_committed(sessions: SessionFactory, rows: list[Pending]) -> None:
    # A savepoint rolled back inside the transaction took its rows with it: only what was
    # committed is delivered.
    # Looked up at each commit, not bound at import, so a test can stand in for it (tests/test_outbox.py).
    delivery.deliver(sessions, still_written(sessions, rows), lambda row: send(sessions.sender, row))
