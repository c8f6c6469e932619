"""The demo network: a coordinator, members of every kind, a workshop of each kind and forums.

The texts are our own, written on the themes of the network's founding documents: participatory
democracy in new hromadas, public budgets, village water supply, local journalism.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from .accounts.actions import check_register_user
from .accounts.models import User
from .dates import local
from .db import saved_id, utcnow
from .demos.calendar import load_calendar
from .demos.consultations import load_consultations
from .demos.proposals import load_proposals
from .demos.reports import load_reports
from .drafting.actions import check_create_document, check_save_revision
from .forums.actions import check_create_forum, do_set_forum_status
from .forums.agenda import do_accept_item, do_set_current_item, do_submit_document
from .forums.delegates import do_register_delegate
from .forums.models import ForumStatus
from .voting.actions import check_cast_ballot, check_prepare_vote, do_open_vote
from .voting.closing import do_close_vote
from .wiring import wire
from .workshops.actions import check_create_workshop, check_request_membership, do_decide_membership, do_set_facilitator
from .workshops.models import Membership, WorkshopKind
from .workshops.queries import get_membership, get_workshop

PASSWORD = "demo-pass-2026"

PEOPLE = [
    # email, name, occupation, hromada, region, coordinator
    ("coordinator@demo.example", "Олена Коваленко", "advocate", "Ічнянська міська громада", "chernihiv", True),
    ("deputy@demo.example", "Петро Гнатюк", "deputy", "Звягельська міська громада", "zhytomyr", False),
    ("deputy2@demo.example", "Василь Ткачук", "deputy", "Вознесенська міська громада", "mykolaiv", False),
    ("advocate@demo.example", "Марія Савчук", "advocate", "Березнівська міська громада", "rivne", False),
    ("journalist@demo.example", "Андрій Литвин", "journalist", "Бахмацька міська громада", "chernihiv", False),
    ("expert@demo.example", "Ірина Бондар", "expert", "Полтавська міська громада", "poltava", False),
    ("member@demo.example", "Оксана Мельник", "other", "Гадяцька міська громада", "poltava", False),
]

WORKSHOPS: list[dict[str, Any]] = [
    dict(
        kind="deputies",
        title="Громадський бюджет малого міста",
        topic="Положення про громадський бюджет для міських рад малих громад",
        description="Готуємо типовий проєкт рішення міської ради про громадський бюджет, який невелика громада "
        "може ухвалити без сторонніх консультантів.\n\nОкремо домовляємося про пороги підписів, "
        "голосування офлайн для людей старшого віку та звітування про виконання проєктів.",
        place="Ічня, міська бібліотека",
        is_online=False,
        facilitator="deputy@demo.example",
    ),
    dict(
        kind="advocates",
        title="Чиста вода для сіл",
        topic="Петиція про ремонт сільських водогонів у старостинських округах",
        description="Збираємо факти про стан водогонів у селах громад-учасниць і готуємо петицію до місцевих рад "
        "разом з планом публічних акцій.",
        place="",
        is_online=True,
        facilitator="advocate@demo.example",
    ),
    dict(
        kind="journalists",
        title="Місцева демократія зрозумілою мовою",
        topic="Як висвітлювати сесії рад, бюджет і громадські слухання",
        description="Напрацьовуємо пам’ятку для редакцій районних газет і місцевих телеграм-каналів: що дивитися "
        "в порядку денному сесії, як читати бюджет громади, як не загубити голос мешканців.",
        place="Бахмач, редакція газети «Порадник»",
        is_online=True,
        facilitator="journalist@demo.example",
    ),
    dict(
        kind="experts",
        title="Експертиза законопроєкту про місцеві ініціативи",
        topic="Зауваження гільдії експертів до законопроєкту про місцеві ініціативи та громадські слухання",
        description="Порівнюємо чинні статути громад з новими вимогами і готуємо експертний висновок із "
        "конкретними пропозиціями змін.",
        place="Полтава",
        is_online=False,
        facilitator="expert@demo.example",
    ),
]

FORUMS: list[dict[str, Any]] = [
    dict(
        title="Форум мережі «Партисипативна демократія в нових громадах»",
        theme="Належне управління через участь мешканців",
        description="Делегати обговорюють напрацювання майстерень за півріччя: проєкти рішень про громадський "
        "бюджет, петицію про сільські водогони та план публічних акцій.\n\nНа форумі також "
        "затверджується план діяльності мережі до наступного форуму.",
        place="Полтава, обласна універсальна наукова бібліотека",
        is_online=True,
        status=ForumStatus.PLANNED,
    ),
    dict(
        title="Форум мережі: бюджетний процес і адміністративні послуги",
        theme="Прозорий бюджет і доступні послуги в малих містах",
        description="Підсумки роботи майстерень з бюджетного процесу та адміністративних послуг.",
        place="Житомир",
        is_online=False,
        status=ForumStatus.CLOSED,
    ),
]


BUDGET_DECISION = """ПРОЄКТ

**ЗВЯГЕЛЬСЬКА МІСЬКА РАДА**

**… сесія восьмого скликання**

**РІШЕННЯ**

… 2026 р. № …

м. Звягель

# Про затвердження Положення про громадський бюджет

Відповідно до пункту 22 частини першої статті 26 Закону України «Про місцеве самоврядування в Україні», з метою залучення мешканців громади до розподілу частини коштів місцевого бюджету міська рада

**вирішила:**

1. Затвердити Положення про громадський бюджет Звягельської міської територіальної громади (додається).
2. Передбачати щороку на громадський бюджет не менше одного відсотка видатків загального фонду.
3. Доручити виконавчому комітету міської ради забезпечити голосування за проєкти як онлайн, так і в паперовій формі в старостинських округах.
4. Контроль за виконанням цього рішення покласти на постійну комісію з питань бюджету.

Міський голова ________ Власне ім’я ПРІЗВИЩЕ"""

BUDGET_EDITS = [
    (
        "deputy2@demo.example",
        "Додано звіт про виконання",
        lambda t: t.replace(
            "4. Контроль",
            "4. Щороку до 1 березня оприлюднювати звіт про виконання проєктів громадського бюджету.\n5. Контроль",
        ),
    ),
    (
        "expert@demo.example",
        "Уточнено поріг",
        lambda t: t.replace("не менше одного відсотка", "не менше двох відсотків"),
    ),
]


@dataclass(frozen=True)
class DemoLogins:
    password: str
    accounts: list[tuple[str, str]]


def _form_of(spec: dict, starts: date) -> dict[str, str]:
    """A demo workshop's or forum's spec as its form would send it, held from ``starts`` to the next day."""
    return {
        **{k: v for k, v in spec.items() if k != "is_online"},
        "is_online": "1" if spec["is_online"] else "",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=1)).isoformat(),
    }


def _demo_document(db: Session, workshop, users: dict, author) -> None:
    """A draft council decision with a short history by three authors."""
    membership = get_membership(db, workshop_id=workshop.id, user_id=author.id)
    title = "Про затвердження Положення про громадський бюджет"
    document = check_create_document(
        db,
        workshop=workshop,
        actor=author,
        membership=membership,
        data={
            "kind": "council_decision",
            "title": title,
            "body": BUDGET_DECISION,
            "sectors": "housing",
            "themes": "budget",
            "summary": "Перша редакція",
        },
    )
    text = BUDGET_DECISION
    for number, (email, summary, edit) in enumerate(BUDGET_EDITS, start=1):
        text = edit(text)
        editor = users[email]
        check_save_revision(
            db,
            document=document,
            actor=editor,
            membership=get_membership(db, workshop_id=workshop.id, user_id=editor.id),
            data={"base": str(number), "title": title, "body": text, "summary": summary},
        )


WATER_DECLARATION = """# Декларація про право кожного села на чисту воду

Делегати форуму мережі, зібравши відомості про стан водогонів у старостинських округах громад-учасниць,

**заявляють:**

1. Доступ до безпечної питної води є базовою послугою, яку громада має гарантувати кожному селу, а не лише центру громади.
2. Кожна громада-учасниця протягом року оприлюднює карту водогонів із зазначенням їхнього стану та черговості ремонту.
3. Кошти на ремонт сільських водогонів передбачаються в бюджеті громади окремим рядком і обговорюються на громадських слуханнях.
4. Мережа надає громадам методичну допомогу в підготовці проєктів для державних і міжнародних програм."""

# Who came to the past forum, and how they voted on the declaration.
SPRING_BALLOTS = [
    ("coordinator@demo.example", "for"),
    ("deputy@demo.example", "for"),
    ("deputy2@demo.example", "for"),
    ("advocate@demo.example", "for"),
    ("journalist@demo.example", "abstain"),
    ("expert@demo.example", "for"),
]


def _spring_forum(db: Session, forum, users: dict, coordinator) -> None:
    """A past forum with its history: the advocates' declaration submitted, put on the agenda, voted
    by roll call and adopted as the network's first resolution; then the forum closed."""
    advocate = users["advocate@demo.example"]
    workshop_id = next(m.workshop_id for m in _memberships(db, advocate.id) if m.is_facilitator)
    workshop = get_workshop(db, workshop_id)
    assert workshop is not None  # the advocates' workshop was made above
    membership = get_membership(db, workshop_id=saved_id(workshop), user_id=advocate.id)
    document = check_create_document(
        db,
        workshop=workshop,
        actor=advocate,
        membership=membership,
        data={
            "kind": "declaration",
            "title": "Декларація про право кожного села на чисту воду",
            "body": WATER_DECLARATION,
            "sectors": "housing",
            "themes": "budget",
            "summary": "Редакція для форуму",
        },
    )
    item = do_submit_document(db, forum=forum, document=document, actor=advocate, membership=membership)
    do_accept_item(db, item=item, actor=coordinator)
    for email, _ in SPRING_BALLOTS:
        do_register_delegate(db, forum=forum, user=users[email], actor=users[email])
    do_set_forum_status(db, forum=forum, status="open", actor=coordinator)
    do_set_current_item(db, forum=forum, item=item, actor=coordinator)
    vote = check_prepare_vote(db, item=item, forum=forum, actor=coordinator, data={"subject": "final"})
    do_open_vote(db, vote=vote, forum=forum, actor=coordinator)
    for email, choice in SPRING_BALLOTS:
        check_cast_ballot(db, vote=vote, actor=users[email], data={"choice": choice})
    do_close_vote(db, vote=vote, forum=forum, actor=coordinator)
    do_set_forum_status(db, forum=forum, status="closed", actor=coordinator)


def _memberships(db: Session, user_id: int):
    return db.exec(select(Membership).where(col(Membership.user_id) == user_id)).all()


def _planned_forum(db: Session, forum, users: dict) -> None:
    """Delegates already registered, so a coordinator can open the forum and run a vote at once."""
    for email, _ in SPRING_BALLOTS:
        do_register_delegate(db, forum=forum, user=users[email], actor=users[email])


def network_is_empty(db: Session) -> bool:
    return db.exec(select(func.count()).select_from(User)).one() == 0


def load_demo(db: Session, *, today: date | None = None) -> DemoLogins:
    # The demo is made through the domain code, which tells the capabilities above what it did
    # (a saved text is indexed, the adopting vote makes a resolution): their handlers must be in.
    wire()
    # Kyiv's day, as every date is shown: the past forum's vote happens today there.
    today = today or local(utcnow()).date()
    users = {}
    for email, name, occupation, hromada, region, is_coordinator in PEOPLE:
        users[email] = check_register_user(
            db,
            bypass_policy=True,
            coordinator=is_coordinator,
            locale="uk",
            data={
                "email": email,
                "display_name": name,
                "occupation": occupation,
                "hromada": hromada,
                "region": region,
                "password": PASSWORD,
                "password_confirm": PASSWORD,
            },
        )
    coordinator = users["coordinator@demo.example"]
    for index, spec in enumerate(WORKSHOPS):
        spec = dict(spec)
        facilitator = users[spec.pop("facilitator")]
        starts = today + timedelta(days=7 + 14 * index)
        workshop = check_create_workshop(
            db,
            actor=coordinator,
            data=_form_of(spec, starts),
        )
        do_set_facilitator(db, workshop=workshop, user_id=saved_id(facilitator), appoint=True, actor=coordinator)
        if spec["kind"] == WorkshopKind.DEPUTIES:
            for email in ("deputy2@demo.example", "expert@demo.example"):
                check_request_membership(db, workshop=workshop, actor=users[email], message="")
                do_decide_membership(
                    db, workshop=workshop, user_id=saved_id(users[email]), approve=True, actor=facilitator
                )
            check_request_membership(
                db,
                workshop=workshop,
                actor=users["member@demo.example"],
                message="Працюю в центрі надання адмінпослуг, хочу долучитися до розробки положення.",
            )
            _demo_document(db, workshop, users, facilitator)
    for spec in FORUMS:
        spec = dict(spec)
        status = spec.pop("status")
        # A past forum ends today: its vote runs now, and its resolution must bear a day of the forum.
        starts = today + timedelta(days=45) if status == ForumStatus.PLANNED else today - timedelta(days=1)
        forum = check_create_forum(
            db,
            actor=coordinator,
            data=_form_of(spec, starts),
        )
        if status == ForumStatus.CLOSED:
            _spring_forum(db, forum, users, coordinator)
        else:
            _planned_forum(db, forum, users)
    load_calendar(db, today=today)
    load_consultations(db)
    load_reports(db, users, today=today)
    load_proposals(db, users)
    return DemoLogins(
        PASSWORD,
        [
            ("coordinator@demo.example", "coordinator (coordination committee)"),
            ("deputy@demo.example", "deputy, facilitator of the local deputies' workshop"),
            ("advocate@demo.example", "public advocate, facilitator of the advocates' workshop"),
            ("journalist@demo.example", "journalist, facilitator of the journalists' workshop"),
            ("expert@demo.example", "expert, facilitator of the expert guild's workshop"),
            ("member@demo.example", "member with a pending request to join"),
        ],
    )
