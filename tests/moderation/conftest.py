from __future__ import annotations

from datetime import date

import pytest

from deliberation.discussion.comments import check_post_comment
from deliberation.moderation.models import Subject
from deliberation.practices.actions import check_offer_practice
from deliberation.proposals.actions import check_comment
from deliberation.reports.actions import check_submit_report
from deliberation.testing import make_document, make_forum, make_proposal, make_resolution, make_user, make_workshop

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


#: A hromada of Vinnytsia oblast (KATOTTG) the reports come from.
HROMADA = "UA05020030000031457"
REPORT_TEXT = "Сесія ухвалила положення про бюджет участі, проте кошти так і не виділили"
PRACTICE_TEXT = "Учні шкіл самі обирали проєкти бюджету участі"
REMARK = "Автор пропозиції не знає, про що пише"
ADVERT = "Найкращі сонячні панелі для кожної громади: телефонуйте сьогодні, знижка діє до кінця тижня."


def new_things(db, *, author, resolution, proposal) -> dict:
    """A fresh comment on ``proposal``, report on ``resolution``, practice grown from it and topic
    proposal of their own, all by ``author``."""
    report = check_submit_report(
        db,
        resolution=resolution,
        actor=author,
        data={"hromada": HROMADA, "status": "carried_out", "account": REPORT_TEXT, "done_on": date.today().isoformat()},
    )
    practice = check_offer_practice(
        db,
        report=report,
        actor=author,
        data={"title": "Бюджет участі у школах", "summary": PRACTICE_TEXT, "sector": "education", "theme": "budget"},
    )
    remark = check_comment(db, proposal=proposal, actor=author, data={"body": REMARK})
    own = make_proposal(db, author=author, title="Купуйте наші сонячні панелі зі знижкою", description=ADVERT)
    return {Subject.PROPOSAL_COMMENT: remark, Subject.REPORT: report, Subject.PRACTICE: practice, Subject.PROPOSAL: own}


@pytest.fixture
def things(db, people):
    """One of each new kind, by the comment's author; the resolution and the proposal (``discussed``) they are about."""
    coordinator = people["coordinator"]
    document = make_document(db, workshop=people["workshop"], author=people["facilitator"], title="Про бюджет участі")
    resolution = make_resolution(db, forum=make_forum(db, creator=coordinator), document=document, actor=coordinator)
    proposal = make_proposal(db, author=people["facilitator"])
    made = new_things(db, author=people["author"], resolution=resolution, proposal=proposal)
    db.commit()
    return {**made, "resolution": resolution, "discussed": proposal}
