"""Words of the assembly, in both languages: a vote «триває» and is «завершене», the rule in words and never as a
formula, totals «утрималися», present «присутні або представлені», turnout «проголосувало делегатів: 1 з 6»."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from deliberation.discussion.actions import check_propose_amendment
from deliberation.forums import agenda
from deliberation.i18n import reset_locale, set_locale
from deliberation.testing import csrf_token, make_document, make_forum, make_resolution, make_sitting, sign_in
from deliberation.voting import actions as voting
from deliberation.voting import closing
from deliberation.voting.counting import Counts, Electorate, Rule, decide

FORMULA = re.compile(r"\d\s*\*\s*for|for\s*\+\s*against|>=|&gt;=|&gt;\s*for")

WORDS = {
    "uk": {
        "threshold": "Не менше двох третин поданих голосів",
        # The mode ends the rule's sentence, after a semicolon: lower case.
        "mode": "; електронно, у залі",
        "open": "триває",
        "closed": "завершене",
        "turnout": "проголосувало делегатів: 1 з 6",
        "abstained": "Утрималися",
        "present": "присутні або представлені",
        "forum_open": "Триває",
        "start": "Розпочати голосування",
        "end": "Завершити голосування й підрахувати голоси",
    },
    "en": {
        "threshold": "At least two thirds of the votes cast",
        "mode": "; electronic, in the hall",
        "open": "open",
        "closed": "closed",
        "turnout": "1 of 6 delegates have voted",
        "abstained": "Abstained",
        "present": "present or represented",
        "forum_open": "Open",
        "start": "Start the vote",
        "end": "End the vote and count the votes",
    },
}
NOT_FOR_STATUS = ("відкрите голосування", "закрите голосування", "Відкрите голосування", "Закрите голосування")


@pytest.fixture
def sitting(db):
    sitting = make_sitting(db, delegates=6)
    agenda.do_set_current_item(db, forum=sitting.forum, item=sitting.item, actor=sitting.chair)
    db.commit()
    return sitting


def _client(app, locale, user=None) -> TestClient:
    client = TestClient(app)
    client.post("/language", data={"lang": locale, "csrf_token": csrf_token(client)})
    if user is not None:
        sign_in(client, user.email)
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_a_running_and_a_finished_vote_are_said_in_the_assemblys_words_and_the_rule_never_as_a_formula(
    app, db, sitting, locale
):
    words = WORDS[locale]
    vote = voting.check_prepare_vote(
        db,
        item=sitting.item,
        forum=sitting.forum,
        actor=sitting.chair,
        data={"subject": "final", "threshold": "two_thirds"},
    )
    db.commit()
    chair = _client(app, locale, sitting.chair)
    draft_page = chair.get(f"/votes/{vote.id}").text
    assert words["start"] in draft_page
    voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    voting.check_cast_ballot(db, vote=vote, actor=sitting.delegates[0], data={"choice": "abstain"})
    db.commit()
    pages = {
        "vote": chair.get(f"/votes/{vote.id}").text,
        "console": chair.get(f"/forums/{sitting.forum.id}/console").text,
        "projector": chair.get(f"/forums/{sitting.forum.id}/projector").text,
    }
    for name, html in pages.items():
        text = _text(html)
        assert words["threshold"] in text, name
        assert words["mode"] in text, name
        assert words["turnout"].lower() in text.lower(), name
        assert not FORMULA.search(text), f"{name} shows the rule as a formula"
        assert not any(phrase in text for phrase in NOT_FOR_STATUS), name
    assert f">{words['open']}<" in pages["vote"]
    assert words["end"] in _text(pages["vote"]) and words["end"] in _text(pages["console"])

    closing.do_close_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    db.commit()
    closed = {
        "vote": chair.get(f"/votes/{vote.id}").text,
        "projector": chair.get(f"/forums/{sitting.forum.id}/projector").text,
        "minutes": chair.get(f"/forums/{sitting.forum.id}/minutes").text,
    }
    for name, html in closed.items():
        text = _text(html)
        assert not FORMULA.search(text), f"{name} shows the rule as a formula"
        assert words["abstained"] in text, name
    assert words["present"] in _text(closed["vote"]) and words["threshold"] in _text(closed["minutes"])
    assert f">{words['closed']}<" in closed["vote"]
    assert f">{words['forum_open']}<" in chair.get(f"/forums/{sitting.forum.id}").text


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_a_resolution_and_its_print_page_say_the_rule_in_words_only(app, db, locale):
    from deliberation.testing import make_user, make_workshop

    chair = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=chair, facilitators=(chair,))
    forum = make_forum(db, creator=chair)
    resolution = make_resolution(
        db,
        forum=forum,
        actor=chair,
        threshold="two_thirds",
        for_=12,
        against=3,
        abstain=1,
        document=make_document(db, workshop=workshop, author=chair, title="Звернення"),
    )
    db.commit()
    reader = _client(app, locale)
    year, n = resolution.number.split("/")
    for path in (f"/resolutions/{year}/{n}", f"/resolutions/{year}/{n}/print"):
        html = reader.get(path).text
        if path.endswith("print"):
            # The print page is the network's record, kept in its language.
            assert WORDS["uk"]["threshold"] in _text(html) or WORDS[locale]["threshold"] in _text(html)
        else:
            assert WORDS[locale]["threshold"] in _text(html)
        assert not FORMULA.search(_text(html)), path
        assert "<code>" not in html.split("vote-heading", 1)[-1].split("</section>", 1)[0]


def test_two_thirds_means_at_least_two_thirds_of_the_votes_cast_abstentions_included():
    rule = Rule("two_thirds", quorum_share="0/1")
    everyone = Electorate(registered=9, present=9, participants=9)
    assert decide(rule, Counts(for_=6, against=3), everyone).adopted  # exactly two thirds
    assert decide(rule, Counts(for_=6, against=2, abstain=1), everyone).adopted  # 6 of 9 cast
    assert not decide(rule, Counts(for_=5, against=2, abstain=2), everyone).adopted  # 5 of 9 cast
    assert decide(rule, Counts(for_=6, abstain=3), everyone).adopted


@pytest.mark.parametrize(
    "locale,expected", [("uk", "Поправка № {n} до «{title}»"), ("en", "Amendment No. {n} to “{title}”")]
)
def test_an_amendment_votes_default_title_is_translated_and_fits_its_column(db, sitting, locale, expected):
    amendment = check_propose_amendment(
        db,
        document=sitting.document,
        actor=sitting.delegates[0],
        data={"kind": "whole", "proposed": "Нова редакція звернення.", "rationale": "Коротше."},
    )
    token = set_locale(locale)
    try:
        vote = voting.check_prepare_vote(
            db,
            item=sitting.item,
            forum=sitting.forum,
            actor=sitting.chair,
            data={"subject": "amendment", "amendment_id": str(amendment.id)},
        )
        assert vote.title == expected.format(n=amendment.id, title=sitting.item.title)
        sitting.item.title = "Дуже" * 75
        long = voting.check_prepare_vote(
            db,
            item=sitting.item,
            forum=sitting.forum,
            actor=sitting.chair,
            data={"subject": "amendment", "amendment_id": str(amendment.id)},
        )
    finally:
        reset_locale(token)
    assert len(long.title) <= 300 and long.title.endswith(expected[-1]) and "…" in long.title
    assert str(amendment.id) in long.title
