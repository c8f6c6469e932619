"""How a notification reads, where it points, and the e-mails that carry it.

Domain code knows routes, not the site's address: a notification points at a ``Link`` (a route
name and its parameters), and a ``Letter`` is queued on the session with plain data only. Whoever
sends it knows the address and resolves the links then: the request (``web/context.py``, after the
commit) or ``deliberation send-digests`` (``--base-url``). So nothing stored depends on where the
app is mounted, and a rolled-back request sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from markupsafe import Markup
from sqlalchemy import update
from sqlmodel import Session, col

from .. import mail
from ..accounts.models import User
from ..db import SessionFactory, utcnow
from ..i18n import N_, gettext, ngettext, reset_locale, set_locale
from ..outbox.delivery import Pending, add_mail, deliver
from ..outbox.senders import deliverer
from ..settings import Settings
from . import queries
from .models import Notification, NotificationKind

MAIL_QUEUE = "delib_mail"


@dataclass(frozen=True)
class Link:
    """A place in the app by route name; ``path(url)`` builds it with the caller's router."""

    route: str
    params: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    fragment: str = ""

    def path(self, url: Callable[..., str]) -> str:
        return (
            url(self.route, **self.params)
            + (f"?{self.query}" if self.query else "")
            + (f"#{self.fragment}" if self.fragment else "")
        )


Resolve = Callable[[Link], str]


def _comment_link(document: dict, details: dict) -> Link:
    # Comments are shown on their amendment's page or on the document's comments page (the
    # paragraph's comments, when the comment is on a passage).
    fragment = f"comment-{details['comment_id']}"
    if details.get("amendment_id"):
        return Link("amendment", {"amendment_id": details["amendment_id"]}, fragment=fragment)
    # ?comment= finds the page the thread is on, however many comments came before it.
    pid = f"pid={details['pid']}&" if details.get("pid") else ""
    return Link("comments", document, query=f"{pid}comment={details['comment_id']}", fragment=fragment)


#: Kinds about a workshop, and the part of its page each leads to.
_WORKSHOP_LINKS: dict[str, str] = {
    NotificationKind.JOIN_REQUEST: "people",
    NotificationKind.JOIN_ANSWER: "membership",
    NotificationKind.FACILITATOR: "people",
}


def link_for(kind: str, document_id: int | None, details: dict) -> Link:
    """Where a notification leads: the change itself, not just the document; the one place that
    knows, for every kind, which page that is."""
    if kind in _WORKSHOP_LINKS and details.get("workshop_id"):
        return Link("workshop", {"workshop_id": details["workshop_id"]}, fragment=_WORKSHOP_LINKS[kind])
    if kind == NotificationKind.VOTE_OPENED and details.get("vote_id"):
        return Link("vote_booth", {"vote_id": details["vote_id"]})
    if kind == NotificationKind.VOTE_CLOSED and details.get("vote_id"):
        return Link("vote", {"vote_id": details["vote_id"]})
    if kind == NotificationKind.PROPOSAL and details.get("proposal_id"):
        # An accepted proposal leads to what it became; a declined one to its page and the reason;
        # a hidden one, gone for its author, to the list it stood in.
        if details.get("hidden"):
            return Link("proposals")
        if details.get("forum_id"):
            return Link("forum", {"forum_id": details["forum_id"]})
        if details.get("workshop_id"):
            return Link("workshop", {"workshop_id": details["workshop_id"]})
        return Link("proposal", {"proposal_id": details["proposal_id"]})
    if kind in (NotificationKind.CONSULTATION_ASSIGNED, NotificationKind.CONSULTATION_ANSWERED) and details.get(
        "consultation_id"
    ):
        # The page asks who reads it: someone who is no longer a party (a reassigned expert) gets 404.
        return Link("consultation", {"consultation_id": details["consultation_id"]})
    if kind == NotificationKind.REPORT_HIDDEN and details.get("year") and details.get("n"):
        # The report itself is gone for its author; the resolution's reports are where it stood.
        return Link("resolution_reports", {"year": details["year"], "n": details["n"]})
    if document_id is None:
        return Link("notifications")
    document = {"document_id": document_id}
    if kind == NotificationKind.REVISION:
        number = int(details.get("number") or 0)
        if number > 1:
            return Link("document_compare", document, query=f"from={number - 1}&to={number}")
        return Link("document", document)
    if kind in (NotificationKind.REPLY, NotificationKind.COMMENT) and details.get("comment_id"):
        return _comment_link(document, details)
    if kind in (NotificationKind.AMENDMENT, NotificationKind.DECISION) and details.get("amendment_id"):
        return Link("amendment", {"amendment_id": details["amendment_id"]})
    return Link("document", document)


SENTENCES = {
    "revision": N_("New version %(number)s of «%(title)s», saved by %(name)s"),
    "comment": N_("%(name)s commented on «%(title)s»"),
    "reply": N_("%(name)s replied to your comment on «%(title)s»"),
    "amendment": N_("New amendment to «%(title)s», proposed by %(name)s"),
    "accepted": N_("The amendment to «%(title)s» is accepted (decided by %(name)s)"),
    "rejected": N_("The amendment to «%(title)s» is rejected (decided by %(name)s)"),
    "join_request": N_("%(name)s asks to join the workshop «%(title)s»"),
    "join_approved": N_("Your request to join the workshop «%(title)s» is approved (decided by %(name)s)"),
    "join_declined": N_("Your request to join the workshop «%(title)s» is declined (decided by %(name)s)"),
    "facilitator": N_("You are now a facilitator of the workshop «%(title)s» (appointed by %(name)s)"),
    "submitted": N_("«%(title)s» is submitted to the forum «%(forum)s» by %(name)s"),
    "scheduled": N_("«%(title)s» is on the agenda of the forum «%(forum)s»"),
    "returned": N_("The forum «%(forum)s» returned «%(title)s» to the workshop. The reason: %(reason)s"),
    "vote_opened": N_("The vote «%(title)s» is open at the forum «%(forum)s»"),
    "proposal_forum": N_(
        "The topic proposal «%(title)s» is accepted and became the forum «%(into)s» (decided by %(name)s)"
    ),
    "proposal_workshop": N_(
        "The topic proposal «%(title)s» is accepted and became the workshop «%(into)s» (decided by %(name)s)"
    ),
    "proposal_declined": N_("The topic proposal «%(title)s» is declined (decided by %(name)s). The reason: %(reason)s"),
    "proposal_hidden": N_("Your topic proposal «%(title)s» was hidden by %(name)s. The reason: %(reason)s"),
    "cons_assign": N_("%(name)s asked you to answer consultation no. %(consultation)s"),
    "cons_assigned_to_expert": N_(
        "Your consultation no. %(consultation)s has an expert to answer it (assigned by %(name)s)"
    ),
    "cons_answer": N_("%(name)s answered your consultation no. %(consultation)s"),
    "report_hide": N_(
        "Your report on the resolution no. %(resolution)s «%(title)s» was hidden by %(name)s. The reason: %(reason)s"
    ),
    "vote_adopted": N_(
        "The vote «%(title)s» at the forum «%(forum)s» is over: adopted "
        "(for: %(for)s, against: %(against)s, abstained: %(abstain)s)."
    ),
    "vote_not_adopted": N_(
        "The vote «%(title)s» at the forum «%(forum)s» is over: not adopted "
        "(for: %(for)s, against: %(against)s, abstained: %(abstain)s)."
    ),
}


def _sentence_key(kind: str, details: dict) -> str:
    """Kinds whose sentence depends on the outcome they report."""
    if kind == NotificationKind.DECISION:
        return "accepted" if details.get("accepted") else "rejected"
    if kind == NotificationKind.JOIN_ANSWER:
        return "join_approved" if details.get("approved") else "join_declined"
    if kind == NotificationKind.VOTE_CLOSED:
        return "vote_adopted" if details.get("adopted") else "vote_not_adopted"
    if kind == NotificationKind.PROPOSAL:
        if details.get("hidden"):
            return "proposal_hidden"
        if not details.get("accepted"):
            return "proposal_declined"
        return "proposal_forum" if details.get("forum_id") else "proposal_workshop"
    if kind == NotificationKind.CONSULTATION_ASSIGNED and not details.get("to_assignee"):
        return "cons_assigned_to_expert"
    return kind


def _turnout(details: dict) -> str:
    """How many took part in a closed vote, in words that agree with the number."""
    if details.get("participants") is None:
        return ""
    num = int(details["participants"])
    return " " + ngettext("%(num)s delegate took part.", "%(num)s delegates took part.", num)


def describe(
    kind: str, details: dict, *, title: str, actor_name: str | None, mark: Callable[[str], Markup] | None = None
) -> str:
    """One sentence in the current locale; the same words on the page and in e-mails.

    ``title`` is the document's; a notification about something else carries its subject's title
    in ``details``. A page passes ``mark``, which wraps what people wrote (titles, names, a reason)
    as escaped HTML marked with its language; the sentence is then HTML (Markup) with the rest
    escaped."""
    key = _sentence_key(kind, details)
    wrap: Callable[[str], str] = mark or (lambda text: text)
    title = wrap(title or str(details.get("title", "")))
    if key not in SENTENCES:
        return title
    name = wrap(actor_name) if actor_name else gettext("a member of the network")
    values = {
        "number": details.get("number", ""),
        "title": title,
        "name": name,
        "forum": wrap(str(details.get("forum", ""))),
        "reason": wrap(str(details.get("reason", ""))),
        "into": wrap(str(details.get("into", ""))),
        # A consultation is named by its number only: its subject is private to its parties, and a
        # notification outlives being one (a reassigned expert keeps theirs).
        "consultation": details.get("consultation_id", ""),
        "resolution": details.get("resolution", ""),
        "for": details.get("for", 0),
        "against": details.get("against", 0),
        "abstain": details.get("abstain", 0),
    }
    sentence = gettext(SENTENCES[key])
    extra = _turnout(details) if kind == NotificationKind.VOTE_CLOSED else ""
    if mark is None:
        return sentence % values + extra
    return Markup.escape(sentence) % values + extra


@dataclass(frozen=True)
class Entry:
    """One notification as a letter tells it: plain values, no database behind them."""

    kind: str
    document_id: int | None
    details: dict
    title: str
    actor_name: str | None

    @classmethod
    def of(cls, notification: Notification, *, title: str, actor_name: str | None) -> Entry:
        return cls(
            kind=notification.kind,
            document_id=notification.document_id,
            details=dict(notification.details),
            title=title,
            actor_name=actor_name,
        )

    def text(self) -> str:
        return describe(self.kind, self.details, title=self.title, actor_name=self.actor_name)

    def link(self) -> Link:
        return link_for(self.kind, self.document_id, self.details)


SETTINGS_LINK = Link("notification_settings")


@dataclass(frozen=True)
class Letter:
    """An e-mail to one person, written in their language when it is sent."""

    to: str
    name: str
    locale: str
    entries: tuple[Entry, ...]
    daily: bool = False

    def render(self, resolve: Resolve) -> mail.Message:
        token = set_locale(self.locale)
        try:
            greeting = gettext("Hello!")
            items = "\n\n".join(f"{entry.text()}\n{resolve(entry.link())}" for entry in self.entries)
            if self.daily:
                subject = ngettext("%(num)s new notification", "%(num)s new notifications", len(self.entries))
                intro = gettext("Here is what happened since the last e-mail:")
                why = gettext(
                    "You receive this e-mail once a day because you chose a daily e-mail for these "
                    "notifications. To change what you receive, open:"
                )
                body = f"{greeting}\n\n{intro}\n\n{items}\n\n-- \n{why}\n{resolve(SETTINGS_LINK)}\n"
            else:
                subject = self.entries[0].text()
                why = gettext(
                    "You receive this e-mail because you chose an e-mail at once for these notifications. "
                    "To change what you receive, open:"
                )
                body = f"{greeting}\n\n{items}\n\n-- \n{why}\n{resolve(SETTINGS_LINK)}\n"
            return mail.Message(to=self.to, subject=subject, body=body)
        finally:
            reset_locale(token)


def letter_to(user: User, entries: Iterable[Entry], *, daily: bool = False) -> Letter:
    return Letter(
        to=user.email or "", name=user.display_name, locale=user.locale or "uk", entries=tuple(entries), daily=daily
    )


def queue_mail(db: Session, message: Letter | mail.Message) -> None:
    """Send once the request's transaction commits; a rollback drops the queue with the session."""
    db.info.setdefault(MAIL_QUEUE, []).append(message)


def take_mail(db: Session, resolve: Resolve) -> list[mail.Message]:
    """Empty the session's queue into finished messages, links made absolute by ``resolve``."""
    queued = db.info.pop(MAIL_QUEUE, None) or []
    return [item.render(resolve) if isinstance(item, Letter) else item for item in queued]


def absolute_links(url_path_for: Callable[..., Any], base_url: str) -> Resolve:
    """Links under ``base_url`` (the app's root, mount path included) from a router's ``url_path_for``."""
    base = base_url.rstrip("/")
    return lambda link: base + link.path(lambda name, **params: str(url_path_for(name, **params)))


def mark_emailed(db: Session, *, ids: list[int]) -> int:
    """Claim notifications for a letter; returns how many were still unclaimed."""
    if not ids:
        return 0
    result = db.exec(
        update(Notification)
        .where(col(Notification.id).in_(ids), col(Notification.emailed_at).is_(None))
        .values(emailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def collect_digests(db: Session) -> list[tuple[User, list[Notification]]]:
    """Per person, the notifications their daily letter should carry (not yet e-mailed), oldest first."""
    digests = []
    for _, rows in groupby(queries.list_daily_pending(db), key=lambda row: row[0].id):
        group = list(rows)
        digests.append((group[0][0], [notification for _, notification in group]))
    return digests


def claim_digests(sessions: SessionFactory, *, resolve: Resolve) -> list[Pending]:
    """The daily letters to send now, each person's notifications claimed for it.

    Each letter's notifications are claimed (``emailed_at``) in a transaction of their own, which
    also writes the letter to the outbox: a second run, even a concurrent one, finds nothing to
    send twice, and a run that dies before sending leaves the letter for the outbox to deliver.
    """
    with sessions.begin() as db:
        digests = collect_digests(db)
        titles, names = queries.list_labels(db, [n for _, batch in digests for n in batch])
        batches = [
            (
                [n.id for n in batch if n.id is not None],
                letter_to(
                    user,
                    (
                        Entry.of(
                            n,
                            title=titles.get(n.document_id, "") if n.document_id is not None else "",
                            actor_name=names.get(n.actor_id) if n.actor_id is not None else None,
                        )
                        for n in batch
                    ),
                    daily=True,
                ),
            )
            for user, batch in digests
        ]
    letters = []
    for ids, letter in batches:
        with sessions.begin() as db:
            claimed = mark_emailed(db, ids=ids)
            if claimed != len(ids):
                # Another run got there first: leave its claim standing and send nothing.
                db.rollback()
                continue
            letters.append(add_mail(db, letter.render(resolve)))
    return letters


def send_digests(sessions: SessionFactory, settings: Settings, *, resolve: Resolve) -> int:
    """Send each person one letter with what they chose to hear daily; meant for cron once a day.

    Idempotent (see ``claim_digests``). A letter the mail server refuses stays in the outbox and is
    retried with backoff by the serving processes (or the next run of ``deliberation deliver``).
    """
    letters = claim_digests(sessions, resolve=resolve)
    deliver(sessions, letters, deliverer(sender=None, settings=settings))
    return len(letters)
