"""Codes the API has published stay accepted for ever.

The API's response models refuse a value outside the documented codes, so nothing undocumented
leaves it. An adopted resolution keeps its kind, sectors and themes for ever (its hash covers
them), so a code retired from the site would make every page and list carrying it fail. Codes
may be added; removing one is a decision this test makes visible (and needs a migration of the
stored values, which a hash-covered record cannot have)."""

from __future__ import annotations

import pytest

from deliberation.drafting.models import DOCUMENT_KINDS
from deliberation.forums.models import FORUM_STATUSES
from deliberation.taxonomy import SECTORS, THEMES
from deliberation.voting.counting import THRESHOLDS
from deliberation.voting.models import QUORUM_BASE_LABELS
from deliberation.workshops.models import WORKSHOP_KINDS

PUBLISHED = {
    "sectors": (SECTORS, {"culture", "education", "environment", "housing", "small_business", "youth_sport"}),
    "themes": (THEMES, {"admin_services", "budget", "strategic_planning"}),
    "document kinds": (
        DOCUMENT_KINDS,
        {
            "action_plan",
            "activity_plan",
            "appeal",
            "council_decision",
            "declaration",
            "expert_opinion",
            "manifesto",
            "memorandum",
            "petition",
        },
    ),
    "workshop kinds": (WORKSHOP_KINDS, {"advocates", "deputies", "experts", "journalists"}),
    "forum statuses": (FORUM_STATUSES, {"closed", "open", "planned"}),
    "thresholds": (THRESHOLDS, {"cast_majority", "registered_majority", "two_thirds"}),
    "quorum bases": (QUORUM_BASE_LABELS, {"present", "registered"}),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_no_code_the_api_has_published_is_ever_retired(name):
    current, published = PUBLISHED[name]
    assert published <= set(current), f"{name}: retired {sorted(published - set(current))}"
