"""The conflict page shows the clashing passages rendered."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from deliberation.testing import make_document, post, sign_in

BODY = "# Про водогін\n\n**Просимо** відремонтувати водогін у селі Іванівка.\n\nКошти передбачити в бюджеті наступного року."


@pytest.fixture
def two_editors(app, client, db, team):
    document = make_document(db, workshop=team["workshop"], author=team["olena"], body=BODY)
    db.commit()
    sign_in(client, team["olena"].email)
    other = TestClient(app)
    sign_in(other, team["petro"].email)
    return document, client, other


def _save(client, document, body, base=1, **extra):
    return post(
        client, f"/documents/{document.id}/edit", {"base": str(base), "title": document.title, "body": body, **extra}
    )


def test_the_conflict_page_shows_each_wording_rendered_in_its_paragraph(two_editors):
    document, olena, petro = two_editors
    _save(olena, document, BODY.replace("відремонтувати", "терміново відремонтувати"))
    page = _save(petro, document, BODY.replace("відремонтувати", "замінити"))
    assert page.status_code == 409
    fieldset = re.search(r"<fieldset class=\"merge-conflict.*?</fieldset>", page.text, re.S).group(0)
    mine, theirs = fieldset.split('<div class="merge-side">')[1:3]
    assert "<strong>Просимо</strong>" in mine and "<strong>Просимо</strong>" in theirs
    assert re.search(r"<ins><span[^>]*>додано: </span>замінити</ins>", mine)
    assert re.search(r"<ins><span[^>]*>додано: </span>терміново</ins>", theirs)
    # The agreed text around the conflict is rendered too, and no passage is shown as typed.
    stable = page.text.split('<div class="merge-text">')[1].split("<fieldset")[0]
    assert "<h3>Про водогін</h3>" in stable
    shown = page.text.split('<div class="merge-text">')[1].split("<details>")[0]
    shown = re.sub(r"<textarea.*?</textarea>", "", shown, flags=re.S)  # the field to rewrite it keeps Markdown
    assert "**" not in shown and "# Про" not in shown
