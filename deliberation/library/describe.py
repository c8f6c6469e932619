"""How a resolution describes itself to machines: summaries, schema.org JSON-LD. Pure, no database.

A resolution never changes, so everything here is a function of its frozen record and the
addresses the caller gives (absolute, built by the web layer for the site it serves).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..i18n import DISPLAY_ZONE
from ..text.markdown import plain_text
from ..text.paragraphs import point_marker, split_units

SUMMARY_MAX = 600
DESCRIPTION_MAX = 300
# A sentence ends at . ! ? or … followed by a space (or the end), not inside "ст. 26" abbreviations
# the network's texts rarely start with; a description may run long, it is cut at DESCRIPTION_MAX.
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def adoption_date(adopted_at: datetime):
    """The calendar day of adoption in Kyiv, where the network meets."""
    return adopted_at.astimezone(DISPLAY_ZONE).date()


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—- ") + "…"


def first_paragraph(text: str) -> str:
    """The first paragraph of prose as plain text: headings are skipped, a numbered point will do."""
    units = split_units(text)
    prose = [u for u in units if not u.startswith("#")]
    chosen = next((u for u in prose if point_marker(u) is None), prose[0] if prose else (units[0] if units else ""))
    return _shorten(" ".join(plain_text(chosen).split()), SUMMARY_MAX)


def first_sentence(text: str) -> str:
    paragraph = first_paragraph(text)
    end = _SENTENCE_END.search(paragraph)
    sentence = paragraph[: end.end()] if end else paragraph
    return _shorten(sentence, DESCRIPTION_MAX)


def legislation(record, *, url: str, forum_url: str, kind_label: str) -> dict[str, Any]:
    """schema.org ``Legislation`` for a resolution (https://schema.org/Legislation).

    The SHA-256 hash is its identifier beside the number, so a copy found elsewhere can be
    checked against the chain.
    """
    forum = {"@type": "Organization", "name": record.forum_title, "url": forum_url}
    return {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": url,
        "url": url,
        "name": record.title,
        "legislationIdentifier": record.number,
        "legislationDate": adoption_date(record.adopted_at).isoformat(),
        "legislationType": kind_label,
        "legislationLegalForce": "InForce",
        "inLanguage": "uk",
        "isPartOf": {"@type": "CreativeWork", "name": record.forum_title, "url": forum_url},
        "legislationPassedBy": forum,
        "author": [{"@type": "Person", "name": person.get("name", "")} for person in record.contributors],
        "identifier": [
            {"@type": "PropertyValue", "propertyID": "resolution number", "value": record.number},
            {"@type": "PropertyValue", "propertyID": "sha256", "value": record.hash},
        ],
        "abstract": first_paragraph(record.text),
    }
