"""Which amendments compete: adopting one of them lapses the others.

The one definition read by the amendment's page (its competitors), the chair's vote panel (what adopting
an amendment would exclude) and a forum vote's outcome (which amendments lapse), so the three agree.
"""

from __future__ import annotations

from .models import Amendment, AmendmentStatus


def compete(a: Amendment, b: Amendment) -> bool:
    """Two amendments to one text compete when they change the same paragraph, or when either is a
    whole new text: adopting a whole text rewrites every paragraph the other would change, and once a
    vote has changed the text, a whole new text no longer answers the text it was written against."""
    if a.id == b.id or a.document_id != b.document_id:
        return False
    return a.target_pid is None or b.target_pid is None or a.target_pid == b.target_pid


def is_rival(amendment: Amendment, other: Amendment) -> bool:
    """``other`` is still to be decided and competes with ``amendment``: adopting ``amendment`` lapses it.

    Only an open amendment can lapse; ``amendment`` itself may already be decided (a vote's outcome asks
    while it settles the adopted one), which does not change what it competed with."""
    return other.status == AmendmentStatus.OPEN and compete(amendment, other)
