"""The tally of the example vote the resolution tests and the export tests adopt texts with."""

from __future__ import annotations

# 31 for, 4 against, 5 abstaining: 40 of the 45 present took part, of 60 registered.
TALLY = {
    "for": 31,
    "against": 4,
    "abstain": 5,
    "registered": 60,
    "present": 45,
    "participants": 40,
    "quorum_reached": True,
    "hand_counted": False,
}
