from __future__ import annotations

import pytest

from deliberation.drafting import actions
from deliberation.testing import make_document, make_user, make_workshop, post, sign_in

from ..clients import signed_in_client

BODY = """# Про громадський бюджет

Відповідно до статті 26 Закону України «Про місцеве самоврядування в Україні» міська рада

**вирішила:**

1. Затвердити Положення про громадський бюджет.
2. Доручити виконавчому комітету провести інформаційну кампанію.
3. Контроль покласти на постійну комісію з питань бюджету."""


@pytest.fixture
def team(db):
    coordinator = make_user(db, coordinator=True)
    olena, petro = make_user(db, display_name="Олена"), make_user(db, display_name="Петро")
    outsider = make_user(db, display_name="Сторонній")
    workshop = make_workshop(db, creator=coordinator, facilitators=(olena,), members=(petro,))
    return {"coordinator": coordinator, "olena": olena, "petro": petro, "outsider": outsider, "workshop": workshop}


@pytest.fixture
def document(db, team):
    from deliberation.workshops.queries import get_membership

    membership = get_membership(db, workshop_id=team["workshop"].id, user_id=team["olena"].id)
    doc = actions.check_create_document(
        db,
        workshop=team["workshop"],
        actor=team["olena"],
        membership=membership,
        data={
            "kind": "council_decision",
            "title": "Про громадський бюджет",
            "body": BODY,
            "sectors": "housing",
            "themes": "budget",
        },
    )
    db.commit()
    return doc


@pytest.fixture
def two_editors_of(app, client, db, team):
    """A function making a draft of Olena's with ``body`` and opening it for editing in two browsers:
    hers (``client``) and Petro's; it returns (document, olena, petro)."""

    def make(body: str):
        document = make_document(db, workshop=team["workshop"], author=team["olena"], body=body)
        db.commit()
        sign_in(client, team["olena"].email)
        return document, client, signed_in_client(app, team["petro"])

    return make


def save_edit(client, document, body, base=1, **extra):
    """Send the edit form over HTTP: ``body`` written from version ``base``."""
    return post(
        client, f"/documents/{document.id}/edit", {"base": str(base), "title": document.title, "body": body, **extra}
    )
