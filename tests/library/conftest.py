"""A small library: resolutions of two forums and two workshops, of several kinds, sectors, themes
and years, beside a draft that must never show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop

DRAFT_TITLE = "Чернетка, яку ніхто не ухвалював"
DRAFT_WORDS = "Таємний абзац чернетки про бруківку."


@dataclass
class Shelf:
    db: object
    coordinator: object
    author: object
    forums: dict = field(default_factory=dict)
    workshops: dict = field(default_factory=dict)
    resolutions: dict = field(default_factory=dict)
    draft: object = None

    def adopt(
        self,
        key: str,
        *,
        title: str,
        forum: str = "spring",
        workshop: str = "deputies",
        kind: str = "petition",
        sectors: tuple[str, ...] = (),
        themes: tuple[str, ...] = (),
        when: datetime,
        body: str | None = None,
        revisions: int = 1,
        **vote,
    ):
        document = make_document(
            self.db,
            workshop=self.workshops[workshop],
            author=self.author,
            kind=kind,
            title=title,
            body=body,
            revisions=revisions,
        )
        document.sectors, document.themes = list(sectors), list(themes)
        self.db.add(document)
        self.db.flush()
        resolution = make_resolution(
            self.db, forum=self.forums[forum], document=document, actor=self.coordinator, closed_at=when, **vote
        )
        self.resolutions[key] = resolution
        return resolution


def n_of(resolution) -> int:
    return int(resolution.number.split("/")[1])


def path_of(resolution, suffix: str = "") -> str:
    return f"/resolutions/{resolution.year}/{n_of(resolution)}{suffix}"


@pytest.fixture
def empty_shelf(db):
    coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко")
    author = make_user(db, display_name="Петро Гнатюк")
    shelf = Shelf(db=db, coordinator=coordinator, author=author)
    shelf.workshops = {
        "deputies": make_workshop(db, creator=coordinator, facilitators=(author,), title="Майстерня депутатів"),
        "experts": make_workshop(
            db, creator=coordinator, facilitators=(author,), kind="experts", title="Експертна гільдія"
        ),
    }
    shelf.forums = {
        "spring": make_forum(db, creator=coordinator, title="Весняний форум"),
        "autumn": make_forum(db, creator=coordinator, title="Осінній форум"),
    }
    # A draft of the same workshop, tagged like the resolutions: nothing public may show it.
    shelf.draft = make_document(
        db,
        workshop=shelf.workshops["deputies"],
        author=author,
        title=DRAFT_TITLE,
        body=f"Просимо відремонтувати водогін.\n\n{DRAFT_WORDS}",
    )
    shelf.draft.sectors = ["housing"]
    db.add(shelf.draft)
    db.flush()
    return shelf


@pytest.fixture
def shelf(empty_shelf, db):
    """Five resolutions:

    ============  ======  ========  ==============  ============================  ====
    key           forum   workshop  kind            sectors / themes              year
    ============  ======  ========  ==============  ============================  ====
    water         spring  deputies  petition        housing / budget              2025
    school        spring  experts   appeal          education                     2025
    budget        autumn  deputies  petition        housing, youth_sport / budget  2026
    museum        autumn  experts   declaration     culture / strategic_planning  2026
    youth         autumn  deputies  appeal          youth_sport                   2026
    ============  ======  ========  ==============  ============================  ====
    """
    s = empty_shelf
    s.adopt(
        "water",
        title="Петиція про водогін",
        sectors=("housing",),
        themes=("budget",),
        when=datetime(2025, 4, 10, 12, tzinfo=UTC),
        body="Просимо відремонтувати водогін у селі. Це важливо.",
    )
    s.adopt(
        "school",
        title="Звернення про шкільний автобус",
        workshop="experts",
        kind="appeal",
        sectors=("education",),
        when=datetime(2025, 9, 1, 9, tzinfo=UTC),
    )
    s.adopt(
        "budget",
        title="Петиція про громадський бюджет",
        forum="autumn",
        sectors=("housing", "youth_sport"),
        themes=("budget",),
        when=datetime(2026, 3, 14, 10, tzinfo=UTC),
    )
    s.adopt(
        "museum",
        title="Декларація про музей",
        forum="autumn",
        workshop="experts",
        kind="declaration",
        sectors=("culture",),
        themes=("strategic_planning",),
        when=datetime(2026, 5, 1, 9, tzinfo=UTC),
    )
    s.adopt(
        "youth",
        title="Звернення про молодіжний центр",
        forum="autumn",
        kind="appeal",
        sectors=("youth_sport",),
        when=datetime(2026, 6, 20, 15, tzinfo=UTC),
    )
    db.commit()
    return s
