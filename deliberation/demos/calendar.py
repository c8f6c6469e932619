"""The demo's half-year activity plan: the plan itself (a document of kind "activity plan") and the
workshop sessions that carry it out, in person and online, over the next six months; the forums
already in the demo are the plan's other events."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from ..accounts.models import User
from ..calendar.actions import check_create_session, do_register
from ..db import saved_id, utcnow
from ..drafting.actions import check_create_document
from ..workshops.models import Membership, Workshop, WorkshopKind
from ..workshops.queries import get_membership

PLAN_TEXT = """Координаційний комітет пропонує план діяльності мережі на наступне півріччя.

1. Кожна майстерня проводить щонайменше дві зустрічі між форумами: одну очну в громаді-учасниці, одну онлайн.
2. Майстерня місцевих депутатів готує типовий проєкт рішення про громадський бюджет для малих громад.
3. Майстерня громадських адвокатів збирає факти про стан сільських водогонів і готує петицію.
4. Майстерня журналістів готує матеріали про бюджет участі для місцевих медіа.
5. Гільдія експертів готує висновок щодо проєкту закону про місцеву демократію.
6. Результати майстерень виносяться на наступний форум."""

#: (workshop kind, days from today, start, end, title, place, online link, places)
SESSIONS = [
    (
        WorkshopKind.DEPUTIES,
        10,
        "10:00",
        "13:00",
        "Положення про громадський бюджет: перше читання",
        "Ічня, міська бібліотека",
        "",
        12,
    ),
    (
        WorkshopKind.DEPUTIES,
        70,
        "18:00",
        "19:30",
        "Пороги підписів і голосування офлайн",
        "",
        "https://meet.example.org/deputies",
        None,
    ),
    (
        WorkshopKind.ADVOCATES,
        24,
        "11:00",
        "14:00",
        "Карта сільських водогонів",
        "Березне, центр надання адмінпослуг",
        "",
        20,
    ),
    (
        WorkshopKind.ADVOCATES,
        120,
        "18:00",
        "19:30",
        "Петиція про водогони: останні правки",
        "",
        "https://meet.example.org/advocates",
        None,
    ),
    (
        WorkshopKind.JOURNALISTS,
        38,
        "10:00",
        "12:00",
        "Як писати про бюджет участі",
        "Бахмач, редакція районної газети",
        "",
        15,
    ),
    (
        WorkshopKind.EXPERTS,
        52,
        "14:00",
        "17:00",
        "Висновок щодо законопроєкту про місцеву демократію",
        "Полтава, обласна бібліотека",
        "",
        None,
    ),
    (
        WorkshopKind.EXPERTS,
        150,
        "18:00",
        "19:00",
        "Підсумки півріччя гільдії експертів",
        "",
        "https://meet.example.org/experts",
        None,
    ),
]


def _facilitator(db: Session, workshop: Workshop) -> User:
    user = db.exec(
        select(User)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.workshop_id == workshop.id, col(Membership.is_facilitator).is_(True))
    ).first()
    assert user is not None, "every demo workshop has a facilitator"
    return user


def load_calendar(db: Session, *, today: date) -> None:
    workshops = {w.kind: w for w in db.exec(select(Workshop).order_by(col(Workshop.id))).all()}
    deputies = workshops[WorkshopKind.DEPUTIES]
    author = _facilitator(db, deputies)
    plan = check_create_document(
        db,
        workshop=deputies,
        actor=author,
        membership=get_membership(db, workshop_id=saved_id(deputies), user_id=author.id),
        data={"kind": "activity_plan", "title": "План діяльності мережі на півріччя", "body": PLAN_TEXT},
    )
    for kind, days, starts, ends, title, place, link, places in SESSIONS:
        workshop = workshops[kind]
        facilitator = _facilitator(db, workshop)
        session = check_create_session(
            db,
            workshop=workshop,
            actor=facilitator,
            membership=get_membership(db, workshop_id=saved_id(workshop), user_id=facilitator.id),
            data={
                "title": title,
                "day": (today + timedelta(days=days)).isoformat(),
                "starts": starts,
                "ends": ends,
                "place": place,
                "online_url": link,
                "capacity": "" if places is None else str(places),
                "plan": str(plan.id),
            },
        )
        if kind == WorkshopKind.DEPUTIES and places:
            for email in ("deputy2@demo.example", "expert@demo.example"):
                member = db.exec(select(User).where(User.email == email)).one()
                do_register(db, session=session, actor=member, now=utcnow())
