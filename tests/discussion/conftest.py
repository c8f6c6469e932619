from __future__ import annotations

import pytest

from deliberation.discussion.actions import check_propose_amendment, do_accept_amendment
from deliberation.drafting import queries as drafting_queries
from deliberation.drafting.actions import check_save_revision
from deliberation.testing import make_document, make_user, make_workshop
from deliberation.workshops.queries import get_membership

BODY = """# Петиція про ремонт водогону

Просимо міську раду відремонтувати водогін у селі Іванівка до кінця року.

1. Провести обстеження мереж.
2. Передбачити кошти в бюджеті."""


def pid_of(db, document, startswith):
    """The id of the paragraph of the document's newest version that starts with ``startswith``."""
    head = drafting_queries.get_revision(db, document_id=document.id, number=document.head_number)
    return next(p.pid for p in drafting_queries.paragraphs_of(head) if p.text.startswith(startswith))


def propose(db, document, actor, *, kind, at, **fields):
    """``actor`` proposes an amendment of ``kind`` to the paragraph starting with ``at``."""
    data = {"kind": kind, "pid": pid_of(db, document, at), **fields}
    return check_propose_amendment(db, document=document, actor=actor, data=data)


def accept(db, people, document, amendment, membership_of, who="facilitator"):
    """``who`` (of ``people``) accepts the amendment into a new version."""
    return do_accept_amendment(
        db, amendment=amendment, document=document, actor=people[who], membership=membership_of(who)
    )


@pytest.fixture
def people(db):
    coordinator = make_user(db, coordinator=True, display_name="Координаторка")
    facilitator = make_user(db, display_name="Фасилітаторка")
    member = make_user(db, display_name="Учасник майстерні")
    guest = make_user(db, display_name="Гість мережі")
    other = make_user(db, display_name="Ще одна учасниця")
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,), members=(member,))
    return {
        "coordinator": coordinator,
        "facilitator": facilitator,
        "member": member,
        "guest": guest,
        "other": other,
        "workshop": workshop,
    }


@pytest.fixture
def document(db, people):
    doc = make_document(db, workshop=people["workshop"], author=people["facilitator"], body=BODY)
    db.commit()
    return doc


@pytest.fixture
def membership_of(db, people):
    return lambda who: get_membership(db, workshop_id=people["workshop"].id, user_id=people[who].id)


@pytest.fixture
def member_saves(db, people, document, membership_of):
    """The workshop's member saves ``body`` as the next version of the document, written from
    version ``base`` (the first, unless said otherwise)."""

    def save(body: str, *, base: int = 1):
        return check_save_revision(
            db,
            document=document,
            actor=people["member"],
            membership=membership_of("member"),
            data={"base": str(base), "title": document.title, "body": body},
        )

    return save
