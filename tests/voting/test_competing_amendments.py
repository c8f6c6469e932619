"""Which amendments compete, read in the three places that act on it: the amendment's page, the chair's
vote panel on the agenda item, and the vote's outcome, which lapses the adopted amendment's rivals."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation.discussion.actions import check_propose_amendment
from deliberation.discussion.models import Amendment
from deliberation.drafting.queries import get_document_view, paragraphs_of
from deliberation.testing import sign_in

# Two amendments on one paragraph, one on another, and a whole new text: the whole text competes with
# every other open amendment, the two on one paragraph with each other, the disjoint ones not at all.
COMPETING = {
    "first": {"second", "whole"},
    "second": {"first", "whole"},
    "other": {"whole"},
    "whole": {"first", "second", "other"},
}


@pytest.fixture
def amendments(db, assembly) -> dict[str, Amendment]:
    paragraphs = paragraphs_of(get_document_view(db, document_id=assembly.document.id).revision)
    one, two = (next(p for p in paragraphs if p.text.startswith(n)) for n in ("1.", "2."))

    def replace(paragraph, old: str, new: str, by) -> Amendment:
        start = paragraph.text.index(old)
        data = {"kind": "replace", "pid": paragraph.pid, "start": str(start), "end": str(start + len(old))}
        return propose(by, data | {"proposed": new})

    def propose(by, data) -> Amendment:
        return check_propose_amendment(
            db, document=assembly.document, actor=by, data=data | {"rationale": "Так краще."}
        )

    d = assembly.delegates
    proposed = {
        "first": replace(one, "двадцять днів", "тридцять днів", d[0]),
        "second": replace(one, "за двадцять днів до розгляду", "за місяць до розгляду", d[1]),
        "other": replace(two, "бюджету громади", "бюджету області", d[2]),
        "whole": propose(d[3], {"kind": "whole", "proposed": "Форум громад просить оприлюднювати все."}),
    }
    db.commit()
    return proposed


def _names(amendments: dict[str, Amendment], ids) -> set[str]:
    by_id = {a.id: name for name, a in amendments.items()}
    return {by_id[i] for i in ids}


def _on_the_pages(client, assembly, amendments) -> dict[str, set[str]]:
    sign_in(client, assembly.chair.email)
    return {
        name: _names(amendments, (s.amendment.id for s in client.get(f"/amendments/{a.id}").context["competing"]))
        for name, a in amendments.items()
    }


def _on_the_vote_panel(client, assembly, amendments) -> dict[str, set[str]]:
    sign_in(client, assembly.chair.email)
    page = client.get(f"/forums/{assembly.forum.id}/agenda/{assembly.item.id}")
    pending = [entry for group in page.context["pending_amendments"] for entry in group]
    return {
        _names(amendments, [entry.summary.amendment.id]).pop(): _names(
            amendments, (s.amendment.id for s in entry.rivals)
        )
        for entry in pending
    }


def _lapsed_by_adopting(db, assembly, amendment: Amendment) -> set[int]:
    vote = assembly.opened(db, subject="amendment", amendment_id=amendment.id)
    for delegate in assembly.delegates:
        assembly.cast(db, vote, delegate, "for")
    assembly.close(db, vote)
    db.expire_all()
    assert db.get(Amendment, amendment.id).status == "accepted"
    return set(db.exec(select(Amendment.id).where(Amendment.status == "lapsed")).all())


def test_a_whole_text_amendment_page_lists_the_amendments_it_competes_with(client, assembly, amendments):
    assert _on_the_pages(client, assembly, amendments)["whole"] == {"first", "second", "other"}


def test_the_page_and_the_vote_panel_name_the_same_competitors(client, assembly, amendments):
    assert _on_the_pages(client, assembly, amendments) == COMPETING
    assert _on_the_vote_panel(client, assembly, amendments) == COMPETING


@pytest.mark.parametrize("adopted", sorted(COMPETING))
def test_adopting_an_amendment_by_vote_lapses_exactly_the_competitors_its_page_named(
    client, db, assembly, amendments, adopted
):
    named = _on_the_pages(client, assembly, amendments)[adopted]
    client.cookies.clear()
    lapsed = _lapsed_by_adopting(db, assembly, amendments[adopted])
    assert _names(amendments, lapsed) == named == COMPETING[adopted]
