from __future__ import annotations

import pytest

from deliberation.notifications.models import NotificationPreference
from deliberation.testing import make_document, make_user, make_workshop


@pytest.fixture
def team(db):
    """Olena facilitates the workshop and wrote the petition; Petro is a member; Iryna reads from outside."""
    coordinator = make_user(db, coordinator=True, display_name="Координаторка")
    olena = make_user(db, display_name="Олена", locale="uk")
    petro = make_user(db, display_name="Петро", locale="uk")
    iryna = make_user(db, display_name="Ірина", locale="en")
    workshop = make_workshop(db, creator=coordinator, facilitators=(olena,), members=(petro,))
    document = make_document(db, workshop=workshop, author=olena)
    db.commit()
    return {
        "coordinator": coordinator,
        "olena": olena,
        "petro": petro,
        "iryna": iryna,
        "workshop": workshop,
        "document": document,
    }


@pytest.fixture
def prefer(db):
    def choose(user, kind: str, delivery: str) -> None:
        db.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
        db.commit()

    return choose
