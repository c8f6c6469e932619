"""The demo network's proposals: themes and topics backed from several regions, with one poll open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from ..accounts.models import User
from ..dates import DISPLAY_ZONE
from ..proposals import actions, polls, queries
from ..proposals.models import Proposal, ProposalKind

PROPOSALS: list[dict[str, Any]] = [
    dict(
        author="expert@demo.example",
        kind=ProposalKind.FORUM_THEME,
        title="Бюджет участі як звична практика малих громад",
        description="Громадський бюджет досі здебільшого мають великі міста. Пропоную присвятити осінній форум "
        "тому, як мала громада може запровадити бюджет участі власними силами:\n\n"
        "- типове положення, яке ухвалює рада;\n- прості правила голосування, зокрема в ЦНАПі й старостатах;\n"
        "- звітування про виконання проєктів.",
        sectors=["education", "youth_sport"],
        themes=["budget"],
        supporters=["deputy@demo.example", "deputy2@demo.example", "advocate@demo.example", "journalist@demo.example"],
    ),
    dict(
        author="advocate@demo.example",
        kind=ProposalKind.WORKSHOP_TOPIC,
        title="Прозорі закупівлі шкільного харчування",
        description="Майстерня громадських адвокатів могла б підготувати кампанію за відкриті договори на "
        "харчування в школах громади: що оприлюднювати, як батькам перевіряти ціни й меню.",
        sectors=["education"],
        themes=["budget", "admin_services"],
        supporters=["member@demo.example", "expert@demo.example"],
        comment=("deputy@demo.example", "У нашій громаді це вже обговорюють батьки, тема на часі."),
    ),
    dict(
        author="deputy2@demo.example",
        kind=ProposalKind.FORUM_THEME,
        title="Адміністративні послуги онлайн у старостинських округах",
        description="Як громадам забезпечити доступ до послуг ЦНАПу у віддалених селах: віддалені робочі місця, "
        "мобільні ЦНАПи, онлайн-записи.",
        sectors=["small_business"],
        themes=["admin_services", "strategic_planning"],
        supporters=["deputy@demo.example", "journalist@demo.example"],
    ),
]


def load_proposals(db: Session, users: dict[str, User]) -> list[Proposal]:
    made = []
    for spec in PROPOSALS:
        data: dict[str, Any] = {"kind": spec["kind"], "title": spec["title"], "description": spec["description"]}
        data["__multi__"] = {"sectors": spec["sectors"], "themes": spec["themes"]}
        proposal = actions.check_create_proposal(db, actor=users[spec["author"]], data=data)
        for email in spec["supporters"]:
            actions.do_support(db, proposal=proposal, actor=users[email], support=True)
        if "comment" in spec:
            email, body = spec["comment"]
            actions.check_comment(db, proposal=proposal, actor=users[email], data={"body": body})
        made.append(proposal)
    _open_poll(db, users, made)
    return made


def _open_poll(db: Session, users: dict[str, User], proposals: list[Proposal]) -> None:
    closes = (queries.database_time(db) + timedelta(days=10)).astimezone(DISPLAY_ZONE)
    themes = [p for p in proposals if p.kind == ProposalKind.FORUM_THEME]
    poll = polls.check_create_poll(
        db,
        actor=users["coordinator@demo.example"],
        data={
            "title": "Яку стратегічну тему взяти для осіннього форуму?",
            "description": "Обирайте одну тему. Підсумки побачимо після завершення опитування.",
            "mode": "single",
            "closes_at": closes.strftime("%Y-%m-%dT%H:00"),
            "free_options": "Молодіжна політика громад",
            "__multi__": {"proposal_ids": [str(p.id) for p in themes]},
        },
    )
    options = queries.list_poll_options(db, poll.id) if poll.id else []
    for email, option in (("deputy@demo.example", 0), ("advocate@demo.example", 0), ("journalist@demo.example", 1)):
        polls.check_answer_poll(db, poll=poll, actor=users[email], data={"option": str(options[option].id)})
