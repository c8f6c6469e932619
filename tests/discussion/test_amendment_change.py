"""An amendment page reads as a change: the changed paragraph rendered, one paragraph around it,
the whole text behind a disclosure; a clash shows both passages rendered."""

from __future__ import annotations

import re

import pytest

from deliberation.testing import sign_in

from .conftest import BODY, accept, pid_of, propose

PROPOSED = "Просимо міську раду **терміново** відремонтувати водогін у селі Іванівка до 1 жовтня."


@pytest.fixture
def amendment(db, people, document):
    made = propose(
        db,
        document,
        people["guest"],
        kind="replace",
        at="Просимо",
        proposed=PROPOSED,
        rationale="Потрібен строк.",
        base="1",
    )
    db.commit()
    return made


def _section(html: str) -> str:
    return re.search(r'<section aria-labelledby="change-title">.*?</section>', html, re.S).group(0)


def _parts(html: str) -> tuple[str, str]:
    """The excerpts, and the whole text in its disclosure."""
    section = _section(html)
    excerpts, _, whole = section.partition('<details class="whole-change">')
    return excerpts, whole


def test_the_changed_paragraph_is_rendered_with_its_words_marked_and_one_paragraph_around_it(client, people, amendment):
    sign_in(client, people["member"].email)
    page = client.get(f"/amendments/{amendment.id}")
    assert page.status_code == 200
    excerpts, _ = _parts(page.text)
    assert re.search(r"<del><span class=\"visually-hidden\"[^>]*>вилучено: </span>кінця року</del>", excerpts)
    assert re.search(
        r"<strong><ins><span class=\"visually-hidden\"[^>]*>додано: </span>терміново</ins></strong>", excerpts
    )
    assert "1 жовтня" in excerpts
    # One paragraph before (the heading, rendered) and one after (point 1); point 2 is left out.
    assert "<h3>Петиція про ремонт водогону</h3>" in excerpts
    assert "Провести обстеження мереж." in excerpts and "Передбачити кошти" not in excerpts
    assert "1 незмінений абзац не показано" in excerpts
    # Markdown is rendered, never shown as typed.
    assert "**" not in excerpts and "# Петиція" not in excerpts


def test_the_whole_text_with_the_change_is_behind_a_disclosure(client, people, amendment):
    sign_in(client, people["member"].email)
    _, whole = _parts(client.get(f"/amendments/{amendment.id}").text)
    assert "<summary>Показати весь текст зі зміною</summary>" in whole
    assert "Передбачити кошти в бюджеті." in whole and "<del>" in whole and "<ins>" in whole
    assert "**" not in whole


def test_an_accepted_amendment_shows_its_change_against_the_version_it_was_written_for(
    client, db, people, document, amendment, membership_of, member_saves
):
    member_saves(BODY.replace("Передбачити кошти", "Передбачити достатні кошти"))
    accept(db, people, document, amendment, membership_of)
    db.commit()
    sign_in(client, people["member"].email)
    page = client.get(f"/amendments/{amendment.id}")
    excerpts, _ = _parts(page.text)
    assert "порівняно з версією 1</h2>" in excerpts  # the version it was written against
    assert re.search(r"<del><span[^>]*>вилучено: </span>кінця року</del>", excerpts)
    assert re.search(r"<strong><ins><span[^>]*>додано: </span>терміново</ins></strong>", excerpts)
    # The other member's later edit is not part of this amendment's change.
    assert "достатні" not in _section(page.text)
    assert "**" not in excerpts


def test_a_clashing_amendment_shows_both_passages_rendered(client, db, people, document, amendment, member_saves):
    member_saves(
        BODY.replace("відремонтувати водогін", "замінити **весь** водогін").replace("до кінця року", "до кінця весни")
    )
    db.commit()
    sign_in(client, people["member"].email)
    section = _section(client.get(f"/amendments/{amendment.id}").text)
    amendment_side, current_side = section.split('<div class="merge-side">')[1:3]
    assert re.search(r"<strong><ins><span[^>]*>додано: </span>терміново</ins></strong>", amendment_side)
    # One insertion, "замінити **весь**", crosses a tag: closed before it, opened after, labelled once.
    assert re.search(r"<ins><span[^>]*>додано: </span>замінити</ins> <strong><ins>весь</ins></strong>", current_side)
    assert "**" not in section


def test_previewing_a_new_amendment_without_javascript_keeps_the_form_and_proposes_nothing(
    client, db, people, document
):
    from sqlmodel import select

    from deliberation.discussion.models import Amendment
    from deliberation.testing import post

    sign_in(client, people["member"].email)
    pid = pid_of(db, document, "1.")
    page = post(
        client,
        f"/documents/{document.id}/amendments/new",
        {"kind": "replace", "pid": pid, "base": "1", "proposed": "1. Провести **повне** обстеження.", "preview": "1"},
    )
    assert page.status_code == 200 and page.template.name == "discussion/amendment_form.html"
    assert "<strong>повне</strong>" in page.text.split('<div id="preview"')[1]
    assert "1. Провести **повне** обстеження.</textarea>" in page.text
    db.expire_all()
    assert db.exec(select(Amendment).where(Amendment.document_id == document.id)).all() == []


def test_previewing_an_edited_amendment_without_javascript_changes_nothing(client, db, people, amendment):
    from deliberation.testing import post

    sign_in(client, people["guest"].email)
    page = post(
        client,
        f"/amendments/{amendment.id}/edit",
        {"proposed": "Просимо *негайно* відремонтувати.", "rationale": "Інакше.", "preview": "1"},
    )
    assert page.status_code == 200 and "<em>негайно</em>" in page.text.split('<div id="preview"')[1]
    db.refresh(amendment)
    assert amendment.proposed == PROPOSED and amendment.version == 1
