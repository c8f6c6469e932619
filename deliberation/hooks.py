"""Hooks: how a capability tells the ones above it that something happened, inside the transaction.

A capability never imports one above it (the layers of the import-linter contract in
pyproject.toml). When it changes something a higher capability keeps in step with (a revision
was saved: notify the followers, index the new words, move the comments along), it announces a
fact here, made of plain values; the handlers the higher capabilities registered run at once:

- in the same session and transaction, so their writes commit or roll back with the change, and a
  handler that raises refuses the change (proxies cannot change while a vote is open);
- in the order ``deliberation.wiring`` registers them, whatever was imported first;
- a fact nobody registered for is announced to nobody.

Handlers are registered once, by ``deliberation.wiring.wire()`` (called by ``create_app``, the
command line and the test helpers); announcing a fact before that raises ``HooksNotWired``, so a
forgotten wiring fails loudly instead of leaving the search index or a resolution behind.

Hooks are the site's own wiring, not an extension point: a host listens to
``deliberation.events``, which are sent after the commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

Fact = TypeVar("Fact")
Handler = Callable[[Session, Fact], None]


@dataclass(frozen=True)
class MembershipRequested:
    """A member asked to join a workshop."""

    workshop_id: int
    user_id: int


@dataclass(frozen=True)
class MembershipDecided:
    """A facilitator approved or declined a request to join a workshop."""

    workshop_id: int
    user_id: int
    approved: bool
    actor_id: int


@dataclass(frozen=True)
class FacilitatorAppointed:
    """A coordinator appointed a facilitator of a workshop (or removed one: ``appointed`` False)."""

    workshop_id: int
    user_id: int
    appointed: bool
    actor_id: int


@dataclass(frozen=True)
class RevisionSaved:
    """A new revision is the document's head: created, edited, merged, restored or amended."""

    document_id: int
    revision_id: int
    number: int
    author_id: int


@dataclass(frozen=True)
class DocumentStatusChanged:
    """A document's status changed (withdrawn, submitted, returned, adopted...); its text did not."""

    document_id: int


@dataclass(frozen=True)
class CommentPosted:
    """A comment or a reply was posted; ``parent_author_id`` is whom a reply answers."""

    document_id: int
    comment_id: int
    author_id: int
    parent_author_id: int | None


@dataclass(frozen=True)
class AmendmentProposed:
    """An amendment to a document was proposed."""

    document_id: int
    amendment_id: int
    author_id: int


@dataclass(frozen=True)
class AmendmentDecided:
    """An amendment was accepted or rejected, by a facilitator or by a forum's vote (``actor_id`` None)."""

    document_id: int
    amendment_id: int
    accepted: bool
    actor_id: int | None


@dataclass(frozen=True)
class ProxiesChanging:
    """A proxy is about to be given or revoked at a forum whose row is locked; a handler raises to refuse."""

    forum_id: int


@dataclass(frozen=True)
class AgendaItemReturning:
    """A scheduled agenda item is about to go back to its workshop; a handler raises to refuse."""

    item_id: int


@dataclass(frozen=True)
class FinalTextAdopted:
    """A closed final vote adopted the revision it was about, of ``document_id``."""

    vote_id: int
    document_id: int


@dataclass(frozen=True)
class ResolutionRecorded:
    """An adopted text was frozen as a resolution."""

    resolution_id: int


#: Every fact, in the order of the capabilities that announce them (tests/test_hooks.py checks that
#: each is announced by the code, heard by someone and documented).
FACTS: tuple[type, ...] = (
    MembershipRequested,
    MembershipDecided,
    FacilitatorAppointed,
    RevisionSaved,
    DocumentStatusChanged,
    CommentPosted,
    AmendmentProposed,
    AmendmentDecided,
    ProxiesChanging,
    AgendaItemReturning,
    FinalTextAdopted,
    ResolutionRecorded,
)


class HooksNotWired(RuntimeError):
    """A fact was announced before ``deliberation.wiring.wire()`` registered the handlers."""


class HookList:
    """Handlers by fact type, run in the order they were registered.

    Registration ends with ``seal()``: after it, the list never changes, so two processes (or two
    test runs) always run the same handlers in the same order.
    """

    def __init__(self) -> None:
        self._handlers: dict[type, list[Callable[[Session, Any], None]]] = {}
        self._sealed = False
        self._lock = threading.Lock()

    @property
    def sealed(self) -> bool:
        return self._sealed

    def register(self, fact_type: type[Fact], handler: Handler[Fact]) -> None:
        with self._lock:
            if self._sealed:
                raise RuntimeError(
                    f"the hooks are already wired; {handler!r} must be registered in deliberation.wiring"
                )
            self._handlers.setdefault(fact_type, []).append(handler)

    def seal(self) -> None:
        with self._lock:
            self._sealed = True

    def handlers(self, fact_type: type) -> tuple[Callable[[Session, Any], None], ...]:
        return tuple(self._handlers.get(fact_type, ()))

    def announce(self, db: Session, fact: object) -> None:
        """Run every handler of ``type(fact)`` now, in ``db``'s transaction; a handler's error propagates."""
        if not self._sealed:
            raise HooksNotWired(
                f"{type(fact).__name__} announced before deliberation.wiring.wire() registered the handlers"
            )
        for handler in self._handlers.get(type(fact), ()):
            handler(db, fact)


#: The site's one hook list.
HOOKS = HookList()


def announce(db: Session, fact: object) -> None:
    """Tell the capabilities above that ``fact`` happened, in ``db``'s transaction (see the module docstring)."""
    HOOKS.announce(db, fact)
