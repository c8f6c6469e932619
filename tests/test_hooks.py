"""The hook list: a lower capability announces a fact, the higher ones' handlers run at once, in the
announcer's transaction, in the order deliberation.wiring gives them."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select

from deliberation import hooks
from deliberation.audit.actions import record
from deliberation.audit.models import AuditEntry
from deliberation.drafting.actions import check_save_revision
from deliberation.hooks import FACTS, HOOKS, HookList, HooksNotWired, RevisionSaved
from deliberation.search.models import SearchEntry
from deliberation.testing import make_document, make_user, make_workshop
from deliberation.workshops.queries import get_membership

PACKAGE = Path(hooks.__file__).resolve().parent


@dataclass(frozen=True)
class Happened:
    """A fact of these tests' own, on hook lists of their own: the site's list is sealed."""

    what: str


def test_handlers_run_in_the_order_they_were_registered():
    heard = []
    hook_list = HookList()
    hook_list.register(Happened, lambda db, fact: heard.append(("first", fact.what)))
    hook_list.register(Happened, lambda db, fact: heard.append(("second", fact.what)))
    hook_list.seal()
    hook_list.announce(None, Happened("saved"))
    assert heard == [("first", "saved"), ("second", "saved")]


def test_a_fact_nobody_registered_for_is_announced_to_nobody():
    hook_list = HookList()
    hook_list.register(Happened, lambda db, fact: pytest.fail("another fact's handler ran"))
    hook_list.seal()
    hook_list.announce(None, RevisionSaved(document_id=1, revision_id=1, number=1, author_id=1))


def test_announcing_before_the_wiring_is_done_fails_loudly():
    with pytest.raises(HooksNotWired):
        HookList().announce(None, Happened("saved"))


def test_nobody_registers_once_the_wiring_is_done():
    with pytest.raises(RuntimeError, match="wiring"):
        HOOKS.register(Happened, lambda db, fact: None)


def test_a_handler_writes_in_the_announcers_transaction_and_rolls_back_with_it(db):
    hook_list = HookList()
    hook_list.register(Happened, lambda db, fact: record(db, actor_id=None, action="test.heard", what=fact.what))
    hook_list.seal()
    before = len(db.exec(select(AuditEntry)).all())
    with db.begin_nested() as savepoint:
        hook_list.announce(db, Happened("saved"))
        db.flush()
        assert [e.details for e in db.exec(select(AuditEntry).where(AuditEntry.action == "test.heard"))] == [
            {"what": "saved"}
        ]
        savepoint.rollback()
    assert len(db.exec(select(AuditEntry)).all()) == before


def test_a_handler_that_raises_refuses_the_change_it_heard_of(db):
    def refuse(db, fact):
        raise ValueError("refused")

    hook_list = HookList()
    hook_list.register(Happened, refuse)
    hook_list.seal()
    before = len(db.exec(select(AuditEntry)).all())
    with pytest.raises(ValueError, match="refused"), db.begin_nested():
        record(db, actor_id=None, action="test.change")
        hook_list.announce(db, Happened("changed"))
    assert len(db.exec(select(AuditEntry)).all()) == before


def test_a_saved_revision_is_indexed_with_the_save_and_unindexed_when_it_rolls_back(db):
    author = make_user(db)
    workshop = make_workshop(db, creator=make_user(db, coordinator=True), facilitators=(author,))
    document = make_document(db, workshop=workshop, author=author, body="Про водогін у селі.")
    membership = get_membership(db, workshop_id=workshop.id, user_id=author.id)

    def indexed() -> int:
        return db.exec(select(SearchEntry.revision_number).where(SearchEntry.object_id == document.id)).one()

    with db.begin_nested() as savepoint:
        check_save_revision(
            db,
            document=document,
            actor=author,
            membership=membership,
            data={"base": "1", "title": document.title, "body": "Про каналізацію в селі."},
        )
        assert indexed() == 2
        savepoint.rollback()
    assert indexed() == 1


EXPECTED_ORDER = {
    "MembershipRequested": ["deliberation.notifications.workshops.notify_requested_membership"],
    "MembershipDecided": ["deliberation.notifications.workshops.notify_decided_membership"],
    "FacilitatorAppointed": ["deliberation.notifications.workshops.notify_appointed_facilitator"],
    "RevisionSaved": [
        "deliberation.notifications.actions.notify_saved_revision",
        "deliberation.search.index.index_saved_revision",
        "deliberation.discussion.anchoring.refresh_saved_anchors",
    ],
    "DocumentStatusChanged": ["deliberation.search.index.index_status_change"],
    "CommentPosted": ["deliberation.notifications.actions.notify_posted_comment"],
    "AmendmentProposed": ["deliberation.notifications.actions.notify_proposed_amendment"],
    "AmendmentDecided": ["deliberation.notifications.actions.notify_decided_amendment"],
    "ProxiesChanging": ["deliberation.voting.guards.refuse_proxies_during_vote"],
    "AgendaItemReturning": ["deliberation.voting.guards.refuse_return_after_vote"],
    "FinalTextAdopted": ["deliberation.resolutions.actions.adopt_final_text"],
    "ResolutionRecorded": ["deliberation.search.index.index_recorded_resolution"],
}

PRINT_ORDER = """
import sys
for name in sys.argv[1:]:
    __import__(name)
from deliberation.hooks import FACTS, HOOKS
from deliberation.wiring import wire
wire()
for fact in FACTS:
    print(fact.__name__, *(f"{h.__module__}.{h.__qualname__}" for h in HOOKS.handlers(fact)))
"""


def _order(handlers) -> list[str]:
    return [f"{h.__module__}.{h.__qualname__}" for h in handlers]


@pytest.mark.parametrize(
    "imported_first",
    [
        pytest.param(["deliberation.search.index", "deliberation.discussion.anchoring"], id="search first"),
        pytest.param(
            ["deliberation.discussion.anchoring", "deliberation.notifications.actions"], id="discussion first"
        ),
    ],
)
def test_the_handlers_run_in_the_wiring_order_whatever_was_imported_first(imported_first):
    out = subprocess.run(
        [sys.executable, "-c", PRINT_ORDER, *imported_first], capture_output=True, text=True, check=True
    ).stdout
    orders = {line.split()[0]: line.split()[1:] for line in out.splitlines()}
    assert orders == EXPECTED_ORDER
    assert {fact.__name__: _order(HOOKS.handlers(fact)) for fact in FACTS} == EXPECTED_ORDER


def test_every_fact_is_documented_announced_by_the_code_and_heard():
    sources = "\n".join(
        path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py") if path.name not in ("hooks.py",)
    )
    for fact in FACTS:
        # A dataclass without a docstring gets its signature as one.
        assert fact.__doc__ and not fact.__doc__.startswith(f"{fact.__name__}("), f"{fact.__name__} is undocumented"
        assert re.search(rf"announce\(\s*db,\s*{fact.__name__}\(", sources), f"nobody announces {fact.__name__}"
        assert HOOKS.handlers(fact), f"nobody hears {fact.__name__}"
