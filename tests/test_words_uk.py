"""The words a native editor in local self-government would write, in Ukrainian and English."""

from __future__ import annotations

import pytest

from deliberation import i18n
from deliberation.accounts.regions import REGIONS
from deliberation.discussion.models import AmendmentKind, AmendmentStatus, StanceKind
from deliberation.drafting.starters import STARTERS
from deliberation.taxonomy import SECTORS
from deliberation.text.markdown import render


def _uk(message: str) -> str:
    token = i18n.set_locale("uk")
    try:
        return i18n.gettext(message)
    finally:
        i18n.reset_locale(token)


def _en(message: str) -> str:
    token = i18n.set_locale("en")
    try:
        return i18n.gettext(message)
    finally:
        i18n.reset_locale(token)


def test_the_interface_says_proekt_zminy_vyd_and_vrakhovano():
    assert (
        _uk("Draft") == "Проєкт"
        and "проєкт" in _uk("Only members of the network see drafts. They are not adopted texts.").lower()
    )
    assert "правк" not in _uk("Your edit overlaps a newer one") and "зміни" in _uk("Your edit overlaps a newer one")
    assert _uk("Kind of document") == "Вид документа"
    assert _uk(AmendmentStatus.ACCEPTED.msgid) == "Враховано" and _uk("Accept into the text") == "Врахувати"
    assert _uk("Oppose") == "Не підтримати" and _uk(StanceKind.OPPOSE.msgid) == "проти"
    assert [_uk(AmendmentKind(k).msgids[1]) for k in ("replace", "delete", "insert", "whole")] == [
        "Заміна фрагмента",
        "Вилучення фрагмента",
        "Новий абзац",
        "Нова редакція тексту",
    ]
    assert _uk(SECTORS["environment"]) == "Охорона довкілля" and _uk(SECTORS["youth_sport"]) == "Молодь і спорт"
    assert _uk("New here?") == "Уперше тут?" and _uk("Hello!") == "Вітаємо!"
    assert _uk("Topic") != _uk("Theme")


def test_regions_follow_the_constitutions_order():
    codes = list(REGIONS)
    assert codes[0] == "crimea" and codes[1] == "vinnytsia" and codes[-2:] == ["kyiv-city", "sevastopol"]
    assert codes.index("chernivtsi") < codes.index("chernihiv")


def test_english_has_no_ukrainian_quotes_and_says_local_council_deputy():
    assert _en("Deputy of a local council") == "Local council deputy"
    assert "«" not in _en("Amendment No. %(n)s to «%(title)s»")


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_the_council_decision_starter_has_the_official_parts(locale):
    text = (_uk if locale == "uk" else _en)(STARTERS["council_decision"])
    parts = {
        "uk": [
            "ПРОЄКТ",
            "… РАДА",
            "сесія … скликання",
            "РІШЕННЯ",
            "20… р. № …",
            "пункту … частини першої статті 26",
            "… рада\n",
            "… голова",
        ],
        "en": [
            "DRAFT",
            "… COUNCIL",
            "session of the … convocation",
            "DECISION",
            "No. …",
            "point … of part one of Article 26",
            "the … council\n",
            "Head of the …",
        ],
    }[locale]
    for part in parts:
        assert part in text, part
    assert "міська рада" not in text


def test_a_texts_own_headings_sit_below_the_pages_title():
    html = render("# Про бюджет\n\n## Розділ 1\n\nТекст.")
    assert "<h1" not in html and '<h2 id="про-бюджет">' in html and "<h3" in html
