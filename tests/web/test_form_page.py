"""The form pages' one skeleton (web/form_page.py), seen through pages that use it: the form as first
shown, a refused form coming back as typed, a password never coming back, the preview button, and
the message and the way on after a save, for a plain browser and for htmx."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from deliberation.forums.models import Forum
from deliberation.testing import csrf_token, make_document, make_user, make_workshop, post, sign_in


@pytest.fixture
def coordinator(client, db):
    user = make_user(db, coordinator=True)
    db.commit()
    sign_in(client, user.email)
    return user


def _forums(db) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Forum)).one()


FORUM = {"title": "Форум громад Полтавщини", "theme": "Бюджет участі", "place": "Полтава"}


def test_the_form_first_shows_the_saved_values(client, db, coordinator):
    workshop = make_workshop(db, creator=coordinator, title="Майстерня з водопостачання")
    db.commit()
    response = client.get(f"/workshops/{workshop.id}/edit")
    assert response.status_code == 200 and response.template.name == "workshops/form.html"
    assert response.context["values"]["title"] == "Майстерня з водопостачання"
    assert response.context["errors"] == {} and response.context["workshop"].id == workshop.id


def test_a_refused_form_comes_back_as_typed_and_writes_nothing(client, db, coordinator):
    before = _forums(db)
    response = post(client, "/forums/new", FORUM | {"starts_on": "2026-12-10", "ends_on": "2026-12-01"})
    assert response.status_code == 422 and response.template.name == "forums/form.html"
    assert "ends_on" in response.context["errors"]
    assert response.context["values"]["title"] == FORUM["title"]
    assert FORUM["title"] in response.text
    assert _forums(db) == before


def test_a_refused_password_is_never_sent_back(client, db, coordinator):
    response = post(
        client,
        "/account/password",
        {"current_password": "Не-той-пароль-2026", "new_password": "коротк", "new_password_confirm": "коротк"},
    )
    assert response.status_code == 422
    assert response.context["values"] == {}
    assert "Не-той-пароль-2026" not in response.text


def test_a_saved_form_says_so_once_and_goes_on_with_see_other(client, db, coordinator):
    before = _forums(db)
    response = post(client, "/forums/new", FORUM | {"starts_on": "2026-12-10", "ends_on": "2026-12-11"})
    assert response.status_code == 303
    assert _forums(db) == before + 1
    page = client.get(response.headers["location"])
    assert "Форум створено." in page.text or "The forum is created." in page.text


def test_under_htmx_a_saved_form_goes_on_with_hx_redirect(client, db, coordinator):
    forum = post(client, "/forums/new", FORUM | {"starts_on": "2026-12-10", "ends_on": "2026-12-11"})
    target = forum.headers["location"]
    response = post(
        client,
        target + "/edit",
        FORUM | {"title": "Форум громад", "starts_on": "2026-12-10", "ends_on": "2026-12-11"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == target


def test_the_preview_button_shows_the_text_and_saves_nothing(client, db, coordinator):
    author = make_user(db)
    workshop = make_workshop(db, creator=coordinator, members=(author,))
    document = make_document(db, workshop=workshop, author=author)
    db.commit()
    client.cookies.clear()
    sign_in(client, author.email)
    response = post(
        client,
        f"/documents/{document.id}/amendments/new",
        {"kind": "whole", "proposed": "Просимо **негайно** відремонтувати водогін.", "preview": "1"},
    )
    assert response.status_code == 200 and response.template.name == "discussion/amendment_form.html"
    assert response.context["preview"] and response.context["preview_error"] == ""
    assert response.context["values"]["proposed"].startswith("Просимо **негайно**")
    assert "<strong>негайно</strong>" in response.text


def test_a_form_page_asks_a_visitor_to_sign_in_before_refusing(client, db):
    response = client.get("/forums/new", follow_redirects=False)
    assert response.status_code == 303 and "/login?next=" in response.headers["location"]
    assert csrf_token(client)  # the visitor's session still works
