"""The compare pages of a draft and of a resolution: one word diff per pair of versions, the same
changes shown for the same two versions on either page."""

from __future__ import annotations

import uuid

import pytest

from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop, sign_in


@pytest.fixture
def adopted(db):
    """A resolution adopted from the third version of its document, on a text no other test uses: the
    process-wide cache of diffs between stored versions has never seen its versions."""
    coordinator = make_user(db, coordinator=True)
    author = make_user(db, display_name="Петро Гнатюк")
    workshop = make_workshop(db, creator=coordinator, facilitators=(author,))
    body = f"Просимо облаштувати сквер біля школи № {uuid.uuid4().hex}."
    document = make_document(db, workshop=workshop, author=author, body=body, revisions=3)
    resolution = make_resolution(db, forum=make_forum(db, creator=coordinator), document=document, actor=coordinator)
    db.commit()
    return author, document, resolution


def _path(page: str, document, resolution) -> str:
    if page == "draft":
        return f"/documents/{document.id}/compare"
    return f"/resolutions/{resolution.year}/{resolution.number.split('/')[1]}/compare"


@pytest.mark.parametrize("view", ["inline", "side"])
@pytest.mark.parametrize("page", ["draft", "resolution"])
def test_a_compare_page_diffs_its_two_versions_once(client, adopted, diff_calls, page, view):
    author, document, resolution = adopted
    sign_in(client, author.email)
    response = client.get(_path(page, document, resolution), params={"from": "1", "to": "3", "view": view})
    assert response.status_code == 200
    old, new = response.context["old"], response.context["new"]
    assert diff_calls == [(old.body, new.body)]
    assert response.context["summary"].paragraphs_added == 2


@pytest.mark.parametrize("page", ["draft", "resolution"])
def test_both_views_of_one_pair_of_versions_share_one_diff(client, adopted, diff_calls, page):
    author, document, resolution = adopted
    sign_in(client, author.email)
    for view in ("inline", "side", "inline"):
        response = client.get(_path(page, document, resolution), params={"from": "2", "to": "3", "view": view})
        assert response.status_code == 200
    assert len(diff_calls) == 1


def test_a_draft_and_its_resolution_show_the_same_changes_between_two_versions(client, adopted):
    author, document, resolution = adopted
    sign_in(client, author.email)
    for view in ("inline", "side"):
        draft, adopted_page = (
            client.get(_path(page, document, resolution), params={"from": "1", "to": "3", "view": view}).context
            for page in ("draft", "resolution")
        )
        for key in ("summary", "inline_html", "rows", "mode", "numbers"):
            assert draft[key] == adopted_page[key], key
