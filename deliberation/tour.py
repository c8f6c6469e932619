"""Every page type of the site at an address in the demo network, with who looks at it.

The layout sweep (tests/browser/test_layout.py), the page-weight bench (bench/pages.py) and the
screenshots (tools/screenshots.py) walk the same list, so a page type added here is measured,
checked at 320 px and photographed alike. ``build_tour`` loads the demo network into an empty
database and adds what the demo lacks: a comment and an amendment on its draft, and an open forum
with a secret vote under way, its check-in started.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import uvicorn
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from . import create_app, migrate
from .accounts.models import User
from .calendar.models import WorkshopSession
from .consultations.models import Consultation, ConsultationStatus
from .db import SessionFactory, make_engine, saved_id
from .demo import load_demo
from .discussion.actions import check_propose_amendment
from .discussion.comments import check_post_comment
from .drafting.models import Document, Revision
from .forums import presence
from .forums.models import AgendaItem, Forum, ForumStatus
from .moderation import actions as moderation
from .moderation.models import Subject
from .practices.models import Practice
from .proposals import queries as proposal_queries
from .proposals.models import Poll, Proposal, ProposalComment
from .proposals.polls import check_answer_poll
from .proposals.rules import RESULT_SETTLE
from .reports.models import Report, ReportStatus
from .resolutions.models import Resolution
from .settings import Settings
from .testing import make_poll, make_sitting, make_user, signed_in_session
from .voting import actions as voting
from .voting.models import Vote
from .workshops.models import Workshop

#: Who looks: a member of the deputies' workshop, its facilitator, the coordinator, and the chair
#: and a delegate of the sitting under way.
ROLES = ("anonymous", "member", "facilitator", "coordinator", "chair", "delegate")

# Debian's Chromium, and the flags every walker of the tour (and every browser test) launches it with:
# headless in a container, with nothing fetched in the background to disturb a measurement.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
)

_Row = TypeVar("_Row")

#: The tour's closed poll closes this soon after it is put: long enough for its answers to go in.
CLOSING = timedelta(seconds=2)


@dataclass(frozen=True)
class Stop:
    name: str
    path: str
    role: str = "anonymous"
    #: One of the ten pages shown in the README's screenshots.
    main: bool = False


@dataclass
class Tour:
    stops: list[Stop]
    #: Session cookies of each role but the anonymous one, valid for the app's secret key.
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)

    def main(self) -> list[Stop]:
        return [stop for stop in self.stops if stop.main]


def build_tour(db: Session, *, secret_key: str) -> Tour:
    closed_poll = _closed_poll(db)
    load_demo(db)
    people = {
        role: _user(db, email)
        for role, email in (
            ("member", "deputy2@demo.example"),
            ("facilitator", "deputy@demo.example"),
            ("coordinator", "coordinator@demo.example"),
        )
    }
    document = _first(db, select(Document).order_by(col(Document.id)))
    workshop_id = document.workshop_id
    comment, amendment = _discussion(db, document, people["member"])
    _moderation(db, document, comment, people)
    sitting = make_sitting(db, delegates=12)
    vote = voting.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final", "is_secret": "1"}
    )
    voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    presence.do_start_checkin(db, forum=sitting.forum, actor=sitting.chair)
    people |= {"chair": sitting.chair, "delegate": sitting.delegates[0]}
    ids = _ids(db) | {
        "workshop": workshop_id,
        "document": document.id,
        "comment": comment.id,
        "amendment": amendment.id,
        "open_forum": sitting.forum.id,
        "open_item": sitting.item.id,
        "open_vote": vote.id,
        "other_workshop": _other_workshop(db, workshop_id),
        "session": _first(
            db,
            select(WorkshopSession).where(WorkshopSession.workshop_id == workshop_id).order_by(col(WorkshopSession.id)),
        ).id,
        **_proposal_ids(db, people["member"], closed_poll),
    }
    stops = [Stop(name, path.format(**ids), role, main) for name, path, role, main in STOPS]
    cookies = {role: signed_in_session(secret_key, user)[0] for role, user in people.items()}
    return Tour(stops=stops, cookies=cookies)


# name, address (filled from the ids), role, one of the ten main pages
STOPS = [
    ("home", "/", "anonymous", True),
    # What needs them now: a request to join, an amendment and notifications; a vote to cast.
    ("home-facilitator", "/", "facilitator", False),
    ("home-delegate", "/", "delegate", False),
    ("login", "/login", "anonymous", False),
    ("register", "/register", "anonymous", False),
    ("password-forgot", "/password/forgot", "anonymous", False),
    ("not-found", "/no-such-page", "anonymous", False),
    ("workshops", "/workshops", "anonymous", True),
    ("workshop", "/workshops/{workshop}", "facilitator", True),
    ("forums", "/forums", "anonymous", False),
    ("forum-adopted", "/forums/{closed_forum}", "anonymous", False),
    ("forum-under-way", "/forums/{open_forum}", "delegate", True),
    ("agenda-item", "/forums/{closed_forum}/agenda/{closed_item}", "anonymous", False),
    ("delegates", "/forums/{open_forum}/delegates", "chair", False),
    ("minutes", "/forums/{closed_forum}/minutes", "anonymous", False),
    ("vote-closed", "/votes/{closed_vote}", "anonymous", False),
    ("vote-open", "/votes/{open_vote}", "delegate", False),
    ("booth", "/votes/{open_vote}/booth", "delegate", True),
    ("receipt", "/votes/{open_vote}/receipt", "delegate", False),
    ("console", "/forums/{open_forum}/console", "chair", False),
    ("projector", "/forums/{open_forum}/projector", "anonymous", True),
    ("vote-new", "/forums/{open_forum}/agenda/{open_item}/votes/new", "chair", False),
    ("library", "/library", "anonymous", True),
    ("reports", "/reports", "anonymous", False),
    ("resolution-reports", "/resolutions/{resolution}/reports", "coordinator", False),
    ("report-new", "/resolutions/{resolution}/reports/new", "member", False),
    ("practices", "/practices?q=бюджету", "anonymous", False),
    ("practice", "/practices/{practice}", "coordinator", False),
    ("practice-offer", "/reports/{carried_out_report}/practice", "facilitator", False),
    ("experience-register", "/practices/hromadas", "member", False),
    ("resolution", "/resolutions/{resolution}", "anonymous", True),
    ("resolution-history", "/resolutions/{resolution}/history", "anonymous", False),
    ("resolution-compare", "/resolutions/{resolution}/compare?from=1&to=1&view=side", "anonymous", False),
    ("resolution-print", "/resolutions/{resolution}/print", "anonymous", False),
    ("resolution-table", "/resolutions/{resolution}/table", "anonymous", False),
    ("document", "/documents/{document}", "member", True),
    ("document-new", "/workshops/{workshop}/documents/new", "facilitator", False),
    ("document-import", "/workshops/{workshop}/documents/import", "facilitator", False),
    ("document-edit", "/documents/{document}/edit", "member", False),
    ("document-history", "/documents/{document}/history", "member", False),
    ("revision", "/documents/{document}/revisions/1", "member", False),
    ("compare-inline", "/documents/{document}/compare?from=1&to={head}", "member", False),
    ("compare-side", "/documents/{document}/compare?from=1&to={head}&view=side", "member", False),
    ("compare-table", "/documents/{document}/compare/table?from=1&to={head}", "member", False),
    ("attribution", "/documents/{document}/attribution", "member", False),
    ("comments", "/documents/{document}/comments", "member", True),
    ("comment-edit", "/comments/{comment}/edit", "member", False),
    ("comment-history", "/comments/{comment}/history", "member", False),
    ("amendments", "/documents/{document}/amendments", "member", False),
    ("amendment-new", "/documents/{document}/amendments/new?kind=whole", "member", False),
    ("amendment", "/amendments/{amendment}", "member", False),
    ("amendment-edit", "/amendments/{amendment}/edit", "member", False),
    ("notifications", "/notifications", "facilitator", False),
    ("notification-settings", "/account/notifications", "member", False),
    ("account", "/account", "member", False),
    ("account-password", "/account/password", "member", False),
    ("admin", "/admin", "coordinator", False),
    ("admin-people", "/admin/people", "coordinator", False),
    ("admin-audit", "/admin/audit", "coordinator", False),
    ("moderation", "/moderation", "coordinator", False),
    ("moderation-hide", "/moderation/comment/{comment}/hide", "coordinator", False),
    ("report", "/report/comment/{comment}", "facilitator", False),
    ("workshop-new", "/workshops/new", "coordinator", False),
    ("workshop-edit", "/workshops/{other_workshop}/edit", "coordinator", False),
    ("forum-new", "/forums/new", "coordinator", False),
    ("forum-edit", "/forums/{planned_forum}/edit", "coordinator", False),
    ("calendar", "/calendar", "anonymous", False),
    ("session", "/calendar/sessions/{session}", "facilitator", False),
    ("session-new", "/workshops/{workshop}/sessions/new", "facilitator", False),
    ("session-edit", "/calendar/sessions/{session}/edit", "facilitator", False),
    ("consultations", "/consultations", "member", False),
    ("consultation-new", "/consultations/new", "member", False),
    ("consultation-waiting", "/consultations/{new_consultation}", "member", False),
    ("consultation-answered", "/consultations/{answered_consultation}", "coordinator", False),
    ("consultation-queue", "/consultations/queue", "coordinator", False),
    ("consultation-assign", "/consultations/{new_consultation}/assign", "coordinator", False),
    ("proposals", "/proposals", "anonymous", False),
    ("proposal", "/proposals/{proposal}", "member", False),
    ("proposal-coordinator", "/proposals/{commented_proposal}", "coordinator", False),
    ("proposal-new", "/proposals/new", "member", False),
    ("proposal-edit", "/proposals/{own_proposal}/edit", "member", False),
    ("proposal-ranking", "/proposals/ranking?order=breadth", "coordinator", False),
    ("proposal-accept", "/proposals/{proposal}/accept", "coordinator", False),
    ("proposal-decline", "/proposals/{proposal}/decline", "coordinator", False),
    ("proposal-comment-hide", "/proposal-comments/{proposal_comment}/hide", "coordinator", False),
    ("polls", "/polls", "anonymous", False),
    ("poll-open", "/polls/{open_poll}", "member", False),
    ("poll-closed", "/polls/{closed_poll}", "anonymous", False),
    ("poll-new", "/polls/new", "coordinator", False),
]


def _closed_poll(db: Session) -> Poll:
    """A poll that closed with answers in it, for its result page. Answers are taken only before the
    closing time, by the database clock, so the poll is put and answered in a unit of its own that
    commits at once, before the demo's own (SQLite has one writer), and read once it has closed."""
    with SessionFactory(db.get_bind()).begin() as first:
        coordinator = make_user(first, coordinator=True, display_name="Тетяна Руденко", region="volyn")
        voters = [make_user(first, region=region) for region in ("lviv", "sumy", "odesa")]
        poll = make_poll(first, creator=coordinator, options=("Бюджет участі", "Освіта"), closes_in=CLOSING)
        options = proposal_queries.list_poll_options(first, saved_id(poll))
        for voter, option in zip(voters, (0, 0, 1), strict=True):
            check_answer_poll(first, poll=poll, actor=voter, data={"option": str(options[option].id)})
        first.expunge(poll)
    return poll


def _proposal_ids(db: Session, member: User, closed_poll: Poll) -> dict:
    proposals = _all(db, select(Proposal).order_by(col(Proposal.id)))
    comment = _first(db, select(ProposalComment).order_by(col(ProposalComment.id)))
    polls = _all(db, select(Poll).order_by(col(Poll.id)))
    # Shown closed, with its result: wait for the database clock to pass the close (a few seconds at most).
    while proposal_queries.database_time(db) < closed_poll.closes_at + RESULT_SETTLE:
        time.sleep(0.1)
    return {
        "proposal": proposals[0].id,
        "commented_proposal": comment.proposal_id,
        "own_proposal": next(p.id for p in proposals if p.author_id == member.id),
        "proposal_comment": comment.id,
        "open_poll": next(p.id for p in polls if p.id != closed_poll.id),
        "closed_poll": closed_poll.id,
    }


def _all(db: Session, statement: SelectOfScalar[_Row]) -> list[_Row]:
    return list(db.exec(statement).all())


def _user(db: Session, email: str):
    return db.exec(select(User).where(User.email == email)).one()


def _discussion(db: Session, document: Document, member):
    head = db.exec(
        select(Revision).where(Revision.document_id == document.id, Revision.number == document.head_number)
    ).one()
    pid = head.paragraph_ids[1]
    comment = check_post_comment(
        db,
        document=document,
        actor=member,
        data={
            "body": "Пропоную уточнити, хто саме подає проєкти: ініціативна група чи окремий мешканець.",
            "pid": pid,
            "revision": str(head.number),
        },
    )
    amendment = check_propose_amendment(
        db,
        document=document,
        actor=member,
        data={
            "kind": "whole",
            "base": str(head.number),
            "rationale": "Коротше й зрозуміліше для мешканців.",
            "proposed": head.body.replace("громадського бюджету", "бюджету участі", 1),
        },
    )
    return comment, amendment


def _moderation(db: Session, document: Document, comment, people: dict) -> None:
    """The coordinators' queue with something in it: a report still open and a comment hidden."""
    moderation.check_report(
        db,
        actor=people["facilitator"],
        subject=Subject.COMMENT,
        subject_id=comment.id,
        data={"reason": "off_topic", "note": "Це питання іншої майстерні."},
    )
    rude = check_post_comment(
        db, document=document, actor=people["member"], data={"body": "Купуйте дешеві вікна — пишіть у приватні."}
    )
    moderation.check_hide(
        db, actor=people["coordinator"], subject=Subject.COMMENT, subject_id=saved_id(rude), data={"reason": "Реклама"}
    )


def _first(db: Session, statement: SelectOfScalar[_Row]) -> _Row:
    """The first row ``statement`` finds in the demo network, which always has one."""
    row = db.exec(statement).first()
    assert row is not None, f"the demo network has no row for {statement}"
    return row


def _ids(db: Session) -> dict:
    resolution = _first(db, select(Resolution).order_by(col(Resolution.id)))
    closed = _first(db, select(Forum).where(col(Forum.status) == ForumStatus.CLOSED))
    planned = _first(db, select(Forum).where(col(Forum.status) == ForumStatus.PLANNED))
    item = _first(db, select(AgendaItem).where(col(AgendaItem.forum_id) == closed.id))
    vote = _first(db, select(Vote).where(col(Vote.forum_id) == closed.id))
    document = _first(db, select(Document).order_by(col(Document.id)))
    consultations = {c.status: c.id for c in db.exec(select(Consultation))}
    practice = _first(db, select(Practice).order_by(col(Practice.id)))
    # The facilitator's demo report says «carried out» and is not a practice yet.
    member = _first(db, select(User).where(col(User.email) == "deputy@demo.example"))
    report = _first(
        db,
        select(Report)
        .where(col(Report.author_id) == member.id, col(Report.status) == ReportStatus.CARRIED_OUT)
        .order_by(col(Report.id).desc()),
    )
    return {
        "new_consultation": consultations[ConsultationStatus.NEW],
        "answered_consultation": consultations[ConsultationStatus.ANSWERED],
        "practice": practice.id,
        "carried_out_report": report.id,
        "resolution": resolution.number,
        "closed_forum": closed.id,
        "planned_forum": planned.id,
        "closed_item": item.id,
        "closed_vote": vote.id,
        "head": document.head_number,
    }


def _other_workshop(db: Session, workshop_id: int) -> int:
    other = _first(db, select(col(Workshop.id)).where(col(Workshop.id) != workshop_id).order_by(col(Workshop.id)))
    assert other is not None  # a stored row
    return other


@contextmanager
def serve_tour(folder: Path) -> Iterator[tuple[str, Tour]]:
    """The demo network with the tour's additions, in a new SQLite file in ``folder``, served by
    uvicorn on a free local port in a thread (``make screenshots`` and ``bench/pages.py``).
    Yields the base URL and the tour."""
    engine = make_engine(f"sqlite:///{folder / 'tour.sqlite3'}")
    migrate.upgrade(engine)
    settings = Settings.from_env({}, database_url=str(engine.url), secret_key=secrets.token_urlsafe(32), var_dir=folder)
    with SessionFactory(engine).begin() as db:
        tour = build_tour(db, secret_key=settings.secret_key)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings, engine=engine), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", tour
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        engine.dispose()
