"""The audit log as a hash chain, like the resolutions' (pure: no database).

An entry's hash is the SHA-256 (lowercase hex) of the RFC 8785 serialisation of::

    {"action": str, "actor_id": int | null, "at": "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC),
     "details": the stored JSON, "object_id": int | null, "object_type": str,
     "previous_hash": the previous entry's hash (by id) or null for the first}

so removing, changing or inserting an entry anywhere breaks every link after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import rfc8785


def entry_content(
    *,
    action: str,
    actor_id: int | None,
    at: datetime,
    details: Any,
    object_id: int | None,
    object_type: str,
    previous_hash: str | None,
) -> dict[str, Any]:
    return {
        "action": action,
        "actor_id": actor_id,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        # As the JSON column stores it: tuples become lists, keys become strings.
        "details": json.loads(json.dumps(details)),
        "object_id": object_id,
        "object_type": object_type,
        "previous_hash": previous_hash,
    }


def entry_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(rfc8785.dumps(dict(content))).hexdigest()


def hash_of(entry: Any, previous_hash: str | None) -> str:
    """The hash ``entry`` (anything with the audit entry's attributes) has after ``previous_hash``."""
    return entry_hash(
        entry_content(
            action=entry.action,
            actor_id=entry.actor_id,
            at=entry.at,
            details=entry.details,
            object_id=entry.object_id,
            object_type=entry.object_type,
            previous_hash=previous_hash,
        )
    )
