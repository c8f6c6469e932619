"""A stored resolution as the record its hash covers (see ``resolutions.record``)."""

from __future__ import annotations

from typing import Any

from .models import Resolution


def record_of(resolution: Resolution) -> dict[str, Any]:
    """The eleven members of the canonical form, plus the stored ``hash`` for ``verify_chain``."""
    return {
        "number": resolution.number,
        "title": resolution.title,
        "kind": resolution.kind,
        "text": resolution.text,
        "adopted_at": resolution.adopted_at,
        "forum": {"id": resolution.forum_id, "title": resolution.forum_title},
        "rule": resolution.rule,
        "tally": resolution.tally,
        "contributors": resolution.contributors,
        "revision": {"document_id": resolution.document_id, "number": resolution.revision_number},
        "previous_hash": resolution.previous_hash,
        "hash": resolution.hash,
    }
