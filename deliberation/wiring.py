"""Who hears which fact (``deliberation.hooks``): every handler, in the order it runs.

One list in one place, so the order never depends on which module happened to be imported first,
and reading it shows everything a saved revision or a closed vote sets off. ``wire()`` registers
them once per process and seals the list; ``create_app``, the command line and
``deliberation.testing`` call it. Until it has run, announcing a fact raises ``HooksNotWired``:
a script that skipped it fails at once instead of leaving the search index or a resolution behind.
"""

from __future__ import annotations

import threading

from .discussion.anchoring import refresh_saved_anchors
from .hooks import (
    HOOKS,
    AgendaItemReturning,
    AmendmentDecided,
    AmendmentProposed,
    CommentPosted,
    DocumentStatusChanged,
    FacilitatorAppointed,
    FinalTextAdopted,
    HookList,
    MembershipDecided,
    MembershipRequested,
    ProxiesChanging,
    ResolutionRecorded,
    RevisionSaved,
)
from .notifications.actions import (
    notify_decided_amendment,
    notify_posted_comment,
    notify_proposed_amendment,
    notify_saved_revision,
)
from .notifications.workshops import (
    notify_appointed_facilitator,
    notify_decided_membership,
    notify_requested_membership,
)
from .resolutions.actions import adopt_final_text
from .search.index import index_recorded_resolution, index_saved_revision, index_status_change
from .voting.guards import refuse_proxies_during_vote, refuse_return_after_vote

_lock = threading.Lock()


def register_all(hooks: HookList) -> None:
    """Every handler of the site, in order. A handler that raises refuses the change, so refusals
    come before work."""
    # Facilitators hear of requests to join, applicants of the answer, members of becoming facilitator.
    hooks.register(MembershipRequested, notify_requested_membership)
    hooks.register(MembershipDecided, notify_decided_membership)
    hooks.register(FacilitatorAppointed, notify_appointed_facilitator)
    # A new head: its author follows the document and the followers hear of it, search finds the
    # new words, the comments move to their passages in it.
    hooks.register(RevisionSaved, notify_saved_revision)
    hooks.register(RevisionSaved, index_saved_revision)
    hooks.register(RevisionSaved, refresh_saved_anchors)
    hooks.register(DocumentStatusChanged, index_status_change)
    hooks.register(CommentPosted, notify_posted_comment)
    hooks.register(AmendmentProposed, notify_proposed_amendment)
    hooks.register(AmendmentDecided, notify_decided_amendment)
    hooks.register(ProxiesChanging, refuse_proxies_during_vote)
    hooks.register(AgendaItemReturning, refuse_return_after_vote)
    hooks.register(FinalTextAdopted, adopt_final_text)
    hooks.register(ResolutionRecorded, index_recorded_resolution)


def wire() -> None:
    """Register every handler on the site's hook list and seal it; later calls do nothing."""
    with _lock:
        if HOOKS.sealed:
            return
        register_all(HOOKS)
        HOOKS.seal()
