"""The audit log reads as sentences in the coordinator's language, never as a code with a Python dict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

from deliberation import i18n
from deliberation.audit import words
from deliberation.forums import agenda
from deliberation.testing import csrf_token, make_sitting, sign_in
from deliberation.text.morphology import _morph
from deliberation.voting import actions as voting
from deliberation.voting import closing

PACKAGE = Path(words.__file__).resolve().parent.parent
RECORDED = re.compile(r'action="([a-z_]+\.[a-z_]+)"')
#: ``audit.hiding`` records ``<what>.hidden`` and ``<what>.restored`` for each thing it is given.
HIDDEN = re.compile(r'what="([a-z_]+)"')


def test_every_action_the_code_records_has_a_sentence():
    texts = [path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")]
    recorded = {m for text in texts for m in RECORDED.findall(text)}
    recorded |= {f"{what}.{done}" for text in texts for what in HIDDEN.findall(text) for done in ("hidden", "restored")}
    assert len(recorded) > 50 and "proposal.restored" in recorded
    assert recorded - set(words.SENTENCES) == set()


def _uk_catalog():
    with (i18n.LOCALE_DIR / "uk" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale="uk")


def _templates() -> set[str]:
    found = {words.UNKNOWN}
    for chosen in words.SENTENCES.values():
        found |= {chosen} if isinstance(chosen, str) else {chosen({}), chosen({"stance": "support", "value": True})}
    return found


def test_every_ukrainian_sentence_about_a_person_has_a_verb_a_woman_agrees_with():
    """«подав» → «подала», «зареєструвався» → «зареєструвалася»: each feminine verb is a dictionary word."""
    catalog = _uk_catalog()
    for template in _templates() - {words.UNKNOWN}:
        uk = catalog.get(template).string
        if not uk.startswith("%(who)s"):
            continue
        feminine = words.feminine(uk)
        assert feminine != uk, uk
        verb = feminine.removeprefix("%(who)s ").removeprefix("не ").split(" ")[0]
        tags = [p[1] for p in _morph().parse(verb)]
        assert any({"VERB", "femn", "past"} <= t.grammemes for t in tags), (uk, verb)


def _client(app, locale: str, user) -> TestClient:
    client = TestClient(app)
    client.post("/language", data={"lang": locale, "csrf_token": csrf_token(client)})
    sign_in(client, user.email)
    return client


WANTED = {
    "uk": [
        "Ганна Мельник подала бюлетень у голосуванні № {secret}",
        "Тарас Бойко подав бюлетень у голосуванні № {roll}",
        "Олена Коваленко розпочала голосування № {secret}",
    ],
    "en": [
        "Ганна Мельник cast a ballot in vote no. {secret}",
        "Тарас Бойко cast a ballot in vote no. {roll}",
        "Олена Коваленко opened vote no. {secret}",
    ],
}


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_the_audit_log_says_who_did_what_in_sentences_and_never_a_secret_choice(app, db, locale):
    sitting = make_sitting(db, delegates=3)
    hanna, taras = sitting.delegates[:2]
    hanna.display_name, taras.display_name = "Ганна Мельник", "Тарас Бойко"
    agenda.do_set_current_item(db, forum=sitting.forum, item=sitting.item, actor=sitting.chair)
    secret = voting.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "motion", "is_secret": "1"}
    )
    voting.do_open_vote(db, vote=secret, forum=sitting.forum, actor=sitting.chair)
    voting.check_cast_ballot(db, vote=secret, actor=hanna, data={"choice": "against"})
    closing.do_close_vote(db, vote=secret, forum=sitting.forum, actor=sitting.chair)
    roll = voting.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final"}
    )
    voting.do_open_vote(db, vote=roll, forum=sitting.forum, actor=sitting.chair)
    voting.check_cast_ballot(db, vote=roll, actor=taras, data={"choice": "for"})
    db.commit()

    html = _client(app, locale, sitting.chair).get("/admin/audit").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    for sentence in WANTED[locale]:
        assert sentence.format(secret=secret.id, roll=roll.id) in text
    assert "ballot.cast" not in text and "{'" not in text and "voter_id" not in text
    hanna_says = next(row for row in html.split("<tr>") if "Ганна Мельник" in row)
    assert not re.search(r"проти|against|secret", hanna_says, re.I)
