"""What a check of the permanent record found wrong, in one shape for every checker.

``deliberation verify`` reports the resolutions' hash chain (``resolutions.record``), the recount
of closed votes (``voting.recount``) and the audit log's chain (``audit.queries``) together; each
documents its own codes. Pure: no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing found wrong: where (``number``: a resolution's number, "vote 7", "audit 12"), what
    (``code``), and the value expected beside the value found."""

    number: Any
    code: str
    expected: str | None
    found: str | None
