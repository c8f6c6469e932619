"""Path, query and form numbers are read one way: a value that cannot be a number in range is a 4xx, never a 500."""

from __future__ import annotations

import pytest

from deliberation.testing import csrf_token, make_document, make_user, make_workshop, sign_in


@pytest.fixture
def document(db):
    facilitator = make_user(db)
    workshop = make_workshop(db, creator=make_user(db, coordinator=True), facilitators=(facilitator,))
    document = make_document(db, workshop=workshop, author=facilitator, revisions=2)
    db.commit()
    return facilitator, workshop, document


@pytest.mark.parametrize(
    "path",
    [
        "/workshops/99999999999999999999",
        "/workshops/2147483648",
        "/forums/0",
        "/documents/99999999999999999999/history",
        "/votes/99999999999999999999",
        "/resolutions/99999999999999999999/1",
        "/workshops/01",
    ],
)
def test_an_id_no_column_can_hold_is_a_404_page(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert '<html lang="uk">' in response.text


@pytest.mark.parametrize(
    "query", ["page=²", "page=٣", "page=+1", "page=%201", "page=99999999999999999999", "page=10001", "page=0"]
)
def test_a_page_that_is_not_a_page_number_is_a_400_naming_it(client, db, document, query):
    facilitator, _, doc = document
    sign_in(client, facilitator.email)
    response = client.get(f"/documents/{doc.id}/history?{query}")
    assert response.status_code == 400
    assert "page" in response.text


@pytest.mark.parametrize("query", ["from=²&to=2", "from=1&to=99999999999999999999", "known=٣", "from=-1&to=2"])
def test_compare_and_head_refuse_numbers_that_are_not_ascii_digits(client, db, document, query):
    facilitator, _, doc = document
    sign_in(client, facilitator.email)
    target = "head" if query.startswith("known") else "compare"
    assert client.get(f"/documents/{doc.id}/{target}?{query}").status_code == 400


def test_a_huge_revision_in_a_comment_form_falls_back_to_the_current_version(client, db, document):
    facilitator, _, doc = document
    sign_in(client, facilitator.email)
    response = client.post(
        f"/documents/{doc.id}/comments",
        data={
            "body": "Зауваження",
            "revision": "99999999999999999999",
            "parent": "99999999999999999999",
            "csrf_token": csrf_token(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 404  # the parent cannot exist; before, SQLite overflowed (500)


def test_a_query_string_that_is_not_utf8_is_a_400(client, app):
    from tests.web.test_hostile_sweep import raw_get

    response = raw_get(client, "/library", b"q=\xff\xfe")
    assert response.status_code == 400
    assert "UTF-8" in response.text
