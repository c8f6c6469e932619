"""Sectors and cross-cutting themes that documents are tagged with.

They come from the network's practice database project: six sectors and three themes that run
through all of them. Stored as codes; shown translated.
"""

from .i18n import N_

SECTORS: dict[str, str] = {
    "education": N_("Education"),
    "housing": N_("Housing and communal services"),
    "environment": N_("Environmental protection"),
    "culture": N_("Preserving cultural traditions"),
    "youth_sport": N_("Youth and sport"),
    "small_business": N_("Small business development"),
}

THEMES: dict[str, str] = {
    "budget": N_("Budget process"),
    "admin_services": N_("Administrative services"),
    "strategic_planning": N_("Strategic planning"),
}
