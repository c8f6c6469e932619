"""A small public library for the API tests: two workshops, two forums, five resolutions over two
years with different kinds and tags, and drafts whose titles must never reach the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from deliberation.forums.models import AgendaItem
from deliberation.testing import make_closed_vote, make_document, make_forum, make_resolution, make_user, make_workshop

# The tally of every resolution in the world: the vote make_resolution closes by default.
TALLY = {
    "for": 12,
    "against": 3,
    "abstain": 1,
    "registered": 20,
    "present": 18,
    "participants": 16,
    "quorum_reached": True,
    "hand_counted": False,
}

BODY = (
    "Форум мережі звертається до міських рад.\n\n"
    "1. Запровадити громадський бюджет у кожній громаді.\n"
    "2. Оприлюднювати звіти про його виконання.\n"
    "3. Проводити слухання щодо {topic}."
)

# Titles no API response may ever contain: a draft, a draft submitted to a forum (so on its
# agenda) and a draft a forum voted on and did not adopt.
DRAFT_TITLE = "Чернетка-невидимка 7f3a9c"
SUBMITTED_TITLE = "Подана чернетка 91c2e4"
REJECTED_TITLE = "Відхилена чернетка 5d08b1"
SECRET_TITLES = (DRAFT_TITLE, SUBMITTED_TITLE, REJECTED_TITLE)

# (title, kind, workshop, forum, sectors, themes, adopted at) in order of adoption.
RESOLUTIONS = [
    (
        "Звернення про громадський бюджет",
        "appeal",
        "deputies",
        "spring",
        ["education"],
        ["budget"],
        datetime(2025, 4, 10, 10, 0, tzinfo=UTC),
    ),
    (
        "Петиція про ремонт шкіл",
        "petition",
        "experts",
        "spring",
        ["housing", "education"],
        [],
        datetime(2025, 4, 11, 11, 0, tzinfo=UTC),
    ),
    (
        "Звернення про спортивні майданчики",
        "appeal",
        "deputies",
        "autumn",
        ["youth_sport"],
        ["budget", "strategic_planning"],
        datetime(2026, 3, 14, 10, 15, tzinfo=UTC),
    ),
    (
        "Проєкт рішення про бюджет участі",
        "council_decision",
        "deputies",
        "autumn",
        ["education"],
        ["budget"],
        datetime(2026, 3, 15, 9, 0, tzinfo=UTC),
    ),
    (
        "Декларація про відкриті послуги",
        "declaration",
        "experts",
        "autumn",
        [],
        ["admin_services"],
        datetime(2026, 5, 1, 12, 30, tzinfo=UTC),
    ),
]
NUMBERS_NEWEST_FIRST = ["2026/3", "2026/2", "2026/1", "2025/2", "2025/1"]


@dataclass
class Library:
    workshops: dict
    forums: dict
    resolutions: list
    drafts: list
    coordinator: object
    authors: dict


def build_library(db: Session) -> Library:
    coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко")
    deputy = make_user(db, display_name="Петро Гнатюк")
    expert = make_user(db, display_name="Ірина Бондар")
    workshops = {
        "deputies": make_workshop(
            db,
            creator=coordinator,
            facilitators=(deputy,),
            kind="deputies",
            title="Майстерня депутатів",
            topic="Громадський бюджет",
        ),
        "experts": make_workshop(
            db,
            creator=coordinator,
            facilitators=(expert,),
            kind="experts",
            title="Експертна гільдія",
            topic="Адміністративні послуги",
            starts_on=None,
            ends_on=None,
            is_online=True,
            place="",
        ),
    }
    authors = {"deputies": deputy, "experts": expert}
    forums = {
        "spring": make_forum(
            db,
            creator=coordinator,
            title="Весняний форум",
            status="closed",
            starts_on=date(2025, 4, 10),
            ends_on=date(2025, 4, 11),
        ),
        "autumn": make_forum(
            db,
            creator=coordinator,
            title="Форум громад",
            status="open",
            starts_on=date(2026, 3, 14),
            ends_on=date(2026, 5, 1),
            place="Полтава",
        ),
    }
    make_forum(db, creator=coordinator, title="Запланований форум")  # nothing adopted yet
    resolutions = []
    for title, kind, workshop, forum, sectors, themes, adopted_at in RESOLUTIONS:
        document = make_document(
            db,
            workshop=workshops[workshop],
            author=authors[workshop],
            kind=kind,
            title=title,
            body=BODY.format(topic=title.lower()),
        )
        document.sectors, document.themes = sectors, themes
        db.add(document)
        db.flush()
        resolutions.append(
            make_resolution(db, forum=forums[forum], document=document, actor=coordinator, closed_at=adopted_at)
        )
    draft = make_document(
        db,
        workshop=workshops["deputies"],
        author=deputy,
        title=DRAFT_TITLE,
        body="Текст, якого громадськість не бачить.",
    )
    submitted = make_document(db, workshop=workshops["deputies"], author=deputy, title=SUBMITTED_TITLE)
    submitted.status = "submitted"
    db.add(submitted)
    db.add(
        AgendaItem(
            forum_id=forums["autumn"].id,
            document_id=submitted.id,
            revision_number=1,
            title=SUBMITTED_TITLE,
            status="scheduled",
            submitted_by=deputy.id,
        )
    )
    rejected = make_document(db, workshop=workshops["experts"], author=expert, title=REJECTED_TITLE)
    make_closed_vote(db, forum=forums["autumn"], document=rejected, actor=coordinator, for_=2, against=10)
    db.flush()
    return Library(
        workshops=workshops,
        forums=forums,
        resolutions=resolutions,
        drafts=[draft, submitted, rejected],
        coordinator=coordinator,
        authors=authors,
    )
