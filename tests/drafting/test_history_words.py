"""The history says what happened to each version in words, in both languages, never «(7): «#1»»."""

from __future__ import annotations

import re

import pytest

from deliberation import i18n
from deliberation.discussion import actions as discussion
from deliberation.drafting import actions, queries
from deliberation.drafting.words import revision_words
from deliberation.testing import csrf_token, make_user, sign_in
from deliberation.workshops.queries import get_membership

from .conftest import BODY


@pytest.fixture
def history(db, team, document):
    """Versions 2 (an edit), 3 (Maria's amendment), 4 (Petro's), 5 (version 1 restored)."""
    maria = make_user(db, display_name="Марія Савчук")
    petro = make_user(db, display_name="Петро Гнатюк")
    olena = team["olena"]
    membership = get_membership(db, workshop_id=team["workshop"].id, user_id=olena.id)
    actions.check_save_revision(
        db,
        document=document,
        actor=olena,
        membership=membership,
        data={"base": "1", "title": document.title, "body": BODY + "\n\n4. Оприлюднити рішення.", "summary": "пункт 4"},
    )
    head = queries.get_revision(db, document_id=document.id, number=2)
    numbers = {}
    for person, words in (
        (maria, "Положення про громадський бюджет міста"),
        (petro, "постійну комісію з питань фінансів"),
    ):
        unit = next(
            p for p in queries.paragraphs_of(head) if ("Положення" if person is maria else "Контроль") in p.text
        )
        old = "Положення про громадський бюджет" if person is maria else "постійну комісію з питань бюджету"
        amendment = discussion.check_propose_amendment(
            db,
            document=document,
            actor=person,
            data={
                "kind": "replace",
                "pid": unit.pid,
                "proposed": unit.text.replace(old, words),
                "rationale": "Точніше.",
                "base": str(head.number),
            },
        )
        discussion.do_accept_amendment(db, amendment=amendment, document=document, actor=olena, membership=membership)
        numbers[person.display_name] = amendment.id
    actions.do_restore_revision(db, document=document, actor=olena, membership=membership, number=1)
    db.commit()
    return numbers


def _rows(client, document) -> list[str]:
    page = client.get(f"/documents/{document.id}/history").text
    return [
        re.sub(r"<[^>]+>", "", cell.replace("<br>", "\n")).strip()
        for cell in re.findall(r'<td class="history-what">(.*?)</td>', page, re.S)
    ]


def test_history_in_ukrainian_names_what_happened_and_who_wrote_an_amendment(client, team, document, history):
    sign_in(client, team["petro"].email)
    rows = _rows(client, document)
    maria, petro = history["Марія Савчук"], history["Петро Гнатюк"]
    assert rows == [
        "Відновлено версію 1",
        f"Враховано поправку № {petro} (автор — Петро Гнатюк)",
        f"Враховано поправку № {maria} (авторка — Марія Савчук)",
        "Внесено зміни\n«пункт 4»",
        "Перша версія",
    ]
    page = client.get(f"/documents/{document.id}/history").text
    assert f'href="/amendments/{maria}"' in page and "«#" not in page and f"({maria})" not in page


def test_history_in_english_names_what_happened_and_who_wrote_an_amendment(client, team, document, history):
    sign_in(client, team["petro"].email)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client)})
    rows = _rows(client, document)
    assert rows[:3] == [
        "Version 1 restored",
        f"Amendment No. {history['Петро Гнатюк']} by Петро Гнатюк accepted",
        f"Amendment No. {history['Марія Савчук']} by Марія Савчук accepted",
    ]
    assert rows[3:] == ["Changes made\n“пункт 4”", "First version"]


@pytest.mark.parametrize(
    "locale,expected",
    [
        ("uk", "Поправку № 7 (авторка — Марія Савчук) ухвалено голосуванням № 3"),
        ("en", "Amendment No. 7 by Марія Савчук adopted by vote No. 3"),
    ],
)
def test_an_amendment_a_forum_adopted_names_the_vote(locale, expected):
    token = i18n.set_locale(locale)
    try:
        said = revision_words(
            origin="amendment", source_number=2, amendment_number=7, amendment_author="Марія Савчук", vote_number=3
        )
    finally:
        i18n.reset_locale(token)
    assert re.sub(r"<[^>]+>", "", str(said)) == expected


@pytest.mark.parametrize(
    "origin,source,expected",
    [
        ("merge", 4, "Внесено зміни до версії 4 і поєднано їх зі змінами, збереженими тим часом"),
        ("resolve", None, "Внесено зміни, суперечливі місця узгоджено вручну"),
        ("amendment", 3, "Враховано поправку"),
    ],
)
def test_every_origin_has_its_words(origin, source, expected):
    token = i18n.set_locale("uk")
    try:
        assert str(revision_words(origin=origin, source_number=source)) == expected
    finally:
        i18n.reset_locale(token)


def test_the_page_of_a_version_an_amendment_made_says_so_in_words(client, team, document, history):
    sign_in(client, team["petro"].email)
    page = client.get(f"/documents/{document.id}/revisions/3").text
    meta = re.search(r'<p class="meta">Версія 3.*?</p>', page, re.S).group(0)
    assert f"Враховано поправку № {history['Марія Савчук']} (авторка — " in meta and "«#" not in meta
