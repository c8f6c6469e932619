"""The demo network's reports on carrying out its resolution, from hromadas in four oblasts, and the
practice one of them offers."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from ..accounts.models import User
from ..places import queries as places
from ..places.regions import REGION_OBLASTS
from ..practices.actions import check_offer_practice
from ..reports.actions import check_submit_report
from ..resolutions.models import Resolution

# e-mail, hromada (as the codifier names it), region, status, what they say, links
REPORTS = [
    (
        "deputy2@demo.example",
        "Вознесенська",
        "mykolaiv",
        "carried_out",
        "Міська рада ухвалила положення про громадський бюджет на другій сесії.\n\n"
        "Що не вдалося: бюджетна комісія двічі переносила розгляд, бо **не було фінансово-економічного "
        "обґрунтування**. Допомогла відкрита зустріч із фінансовим управлінням.",
        "https://voz-rada.example/rishennia/2026-112",
    ),
    (
        "advocate@demo.example",
        "Березнівська",
        "rivne",
        "in_progress",
        "Проєкт рішення зареєстровано, громадські слухання призначено на наступний місяць.",
        "",
    ),
    (
        "journalist@demo.example",
        "Бахмацька",
        "chernihiv",
        "blocked",
        "Секретар ради відмовився вносити проєкт до порядку денного без висновку юридичного відділу, "
        "а висновок не готують уже два місяці.",
        "",
    ),
    (
        "deputy@demo.example",
        "Звягельська",
        "zhytomyr",
        "carried_out",
        "Положення ухвалено; перший конкурс проєктів оголошено, подано 34 проєкти.",
        "https://zvyagel.example/news/hromadskyi-biudzhet",
    ),
]


def load_reports(db: Session, users: dict[str, User], *, today: date) -> None:
    """Reports on the demo's first resolution, one a hromada."""
    resolution = db.exec(select(Resolution).order_by(col(Resolution.id))).first()
    if resolution is None:
        return
    reports = []
    for index, (email, name, region, status, account, link) in enumerate(REPORTS):
        [hromada] = [p for p in places.search_hromadas(db, name) if p.oblast_code == REGION_OBLASTS[region]]
        report = check_submit_report(
            db,
            resolution=resolution,
            actor=users[email],
            data={
                "hromada": hromada.code,
                "status": status,
                "account": account,
                "done_on": (today - timedelta(days=index)).isoformat(),
                "links": link,
            },
        )
        reports.append(report)
    check_offer_practice(
        db,
        report=reports[0],
        actor=users["deputy2@demo.example"],
        data={
            "title": "Громадський бюджет, ухвалений з другої спроби",
            "summary": "Положення про громадський бюджет ухвалили після відкритої зустрічі депутатів із "
            "фінансовим управлінням.\n\n- Готуйте фінансово-економічне обґрунтування заздалегідь.\n"
            "- Запросіть бюджетну комісію на обговорення в майстерні.",
            "sector": "small_business",
            "theme": "budget",
            "share": "1",
            "contact": "deputy2@demo.example",
        },
    )
