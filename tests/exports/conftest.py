"""A council decision drafted in two versions and adopted as a resolution, and helpers for its exports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deliberation.drafting.actions import check_save_revision
from deliberation.testing import make_document, make_resolution
from deliberation.workshops.queries import get_membership

FIRST = """# Про громадський бюджет

Відповідно до статті 26 Закону України «Про місцеве самоврядування в Україні» міська рада

**вирішила:**

1. Затвердити Положення про громадський бюджет.
2. Доручити виконавчому комітету провести інформаційну кампанію.
3. Контроль покласти на постійну комісію з питань бюджету."""

# Point 2 reworded (a word replaced, one added), a new point 3 inserted (the old 3 becomes 4, unchanged),
# a closing paragraph added.
ADOPTED = """# Про громадський бюджет

Відповідно до статті 26 Закону України «Про місцеве самоврядування в Україні» міська рада

**вирішила:**

1. Затвердити Положення про громадський бюджет.
2. Доручити виконавчому комітету провести широку кампанію *щомісяця*.
3. Оприлюднити звіт про виконання бюджету до 1 березня.
4. Контроль покласти на постійну комісію з питань бюджету.

Рішення набирає чинності з дня оприлюднення."""

POINTS = [
    "Затвердити Положення про громадський бюджет.",
    "Доручити виконавчому комітету провести широку кампанію щомісяця.",
    "Оприлюднити звіт про виконання бюджету до 1 березня.",
    "Контроль покласти на постійну комісію з питань бюджету.",
]

MARCH = datetime(2026, 3, 14, 10, 15, tzinfo=UTC)


def two_versions(db, people, *, kind="council_decision"):
    document = make_document(
        db,
        workshop=people["workshop"],
        author=people["facilitator"],
        kind=kind,
        title="Про громадський бюджет",
        body=FIRST,
    )
    membership = get_membership(db, workshop_id=people["workshop"].id, user_id=people["member"].id)
    check_save_revision(
        db,
        document=document,
        actor=people["member"],
        membership=membership,
        data={"base": "1", "title": document.title, "body": ADOPTED},
    )
    return document


@pytest.fixture
def draft(db, people):
    document = two_versions(db, people)
    db.commit()
    return document


@pytest.fixture
def resolution(db, people):
    document = two_versions(db, people)
    adopted = make_resolution(
        db,
        forum=people["forum"],
        document=document,
        actor=people["coordinator"],
        closed_at=MARCH,
        for_=31,
        against=4,
        abstain=5,
        registered=60,
        present=45,
    )
    db.commit()
    return adopted


def address(resolution) -> str:
    year, _, n = resolution.number.partition("/")
    return f"/resolutions/{year}/{n}"
