"""The rule of competing amendments on its own, without a database: adopting one lapses the others."""

from __future__ import annotations

import pytest

from deliberation.discussion.competition import compete, is_rival
from deliberation.discussion.models import Amendment

_ids = iter(range(1, 1000))


def _amendment(pid: str | None, *, document_id: int = 1, status: str = "open") -> Amendment:
    kind = "whole" if pid is None else "replace"
    return Amendment(
        id=next(_ids), document_id=document_id, author_id=1, kind=kind, base_number=1, target_pid=pid, status=status
    )


def test_amendments_to_the_same_paragraph_compete():
    assert compete(_amendment("p1"), _amendment("p1"))


def test_amendments_to_different_paragraphs_do_not_compete():
    assert not compete(_amendment("p1"), _amendment("p2"))


@pytest.mark.parametrize("other", ["p1", None])
def test_a_whole_new_text_competes_with_every_other_amendment_of_its_text(other):
    whole, another = _amendment(None), _amendment(other)
    assert compete(whole, another) and compete(another, whole)


def test_amendments_to_different_texts_never_compete():
    assert not compete(_amendment(None, document_id=1), _amendment(None, document_id=2))
    assert not compete(_amendment("p1", document_id=1), _amendment("p1", document_id=2))


def test_an_amendment_does_not_compete_with_itself():
    whole = _amendment(None)
    assert not compete(whole, whole)


@pytest.mark.parametrize("status", ["accepted", "rejected", "withdrawn", "lapsed"])
def test_only_an_open_amendment_is_a_rival_that_adopting_another_would_lapse(status):
    adopted = _amendment("p1")
    assert is_rival(adopted, _amendment("p1"))
    assert not is_rival(adopted, _amendment("p1", status=status))


def test_a_decided_amendment_still_names_the_open_ones_it_competed_with():
    # A vote's outcome settles the adopted amendment first and lapses its rivals after.
    assert is_rival(_amendment(None, status="accepted"), _amendment("p2"))
