from __future__ import annotations

import pytest

from deliberation.discussion.comments import check_post_comment
from deliberation.testing import make_document, make_user, make_workshop

RUDE = "Цей коментар ображає авторів проєкту"


@pytest.fixture
def people(db):
    coordinator = make_user(db, coordinator=True, display_name="Координаторка Оксана")
    facilitator = make_user(db, display_name="Фасилітатор Петро")
    author = make_user(db, display_name="Автор коментаря")
    reader = make_user(db, display_name="Уважна читачка")
    second = make_user(db, display_name="Другий читач")
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    return {
        "coordinator": coordinator,
        "facilitator": facilitator,
        "author": author,
        "reader": reader,
        "second": second,
        "workshop": workshop,
    }


@pytest.fixture
def comment(db, people):
    document = make_document(db, workshop=people["workshop"], author=people["facilitator"], title="Проєкт рішення")
    made = check_post_comment(db, document=document, actor=people["author"], data={"body": RUDE})
    db.commit()
    return made
