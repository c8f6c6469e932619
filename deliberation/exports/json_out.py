"""A resolution as JSON: its canonical record and hash, its paragraphs with their anchors, and links.

``RESOLUTION_JSON_SCHEMA`` (JSON Schema 2020-12) describes the object; the open data API
(/api/v1) serves the same object and reuses the schema in its OpenAPI document. The eleven
members the hash covers are exactly the canonical record (``resolutions.record``: NFC strings, LF
line ends, the time in UTC), so ``hash`` can be recomputed from this file alone: take those
eleven members, serialise them with RFC 8785 and hash the bytes with SHA-256.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..resolutions.record import FIELDS
from .source import ResolutionSource

__all__ = ["RESOLUTION_JSON_SCHEMA", "resolution_json", "resolution_object"]

_HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_COUNT = {"type": "integer", "minimum": 0}
_LINK = {"type": "string", "format": "uri-reference"}

RESOLUTION_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Resolution",
    "description": "An adopted text frozen as a numbered resolution. The members number, title, kind, text, "
    "adopted_at, forum, rule, tally, contributors, revision and previous_hash are the "
    "canonical record; hash is the SHA-256 of their RFC 8785 serialisation.",
    "type": "object",
    "required": [*FIELDS, "hash", "year", "n", "paragraphs", "links"],
    "additionalProperties": False,
    "properties": {
        "number": {
            "type": "string",
            "pattern": "^[0-9]{4}/[1-9][0-9]*$",
            "description": "Year of adoption (Kyiv time) and the count within that year.",
        },
        "year": {"type": "integer"},
        "n": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "minLength": 1},
        "kind": {"type": "string", "description": "Kind of document, e.g. council_decision, petition, appeal."},
        "text": {"type": "string", "description": "The adopted text, Markdown (CommonMark with tables), NFC, LF."},
        "adopted_at": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
            "description": "When the final vote closed, UTC.",
        },
        "forum": {
            "type": "object",
            "required": ["id", "title"],
            "additionalProperties": False,
            "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
        },
        "rule": {
            "type": "object",
            "required": ["threshold", "condition", "quorum_share", "quorum_base", "secret"],
            "properties": {
                "threshold": {"type": "string"},
                "condition": {"type": "string"},
                "quorum_share": {"type": "string", "pattern": "^[0-9]+/[1-9][0-9]*$"},
                "quorum_base": {"type": "string"},
                "secret": {"type": "boolean"},
            },
        },
        "tally": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "for",
                "against",
                "abstain",
                "registered",
                "present",
                "participants",
                "quorum_reached",
                "hand_counted",
            ],
            "properties": {
                "for": _COUNT,
                "against": _COUNT,
                "abstain": _COUNT,
                "registered": _COUNT,
                "present": _COUNT,
                "participants": _COUNT,
                "quorum_reached": {"type": "boolean"},
                "hand_counted": {"type": "boolean"},
            },
        },
        "contributors": {
            "type": "array",
            "description": "Everyone who wrote the text, by id.",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "additionalProperties": False,
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
        },
        "revision": {
            "type": "object",
            "required": ["document_id", "number"],
            "additionalProperties": False,
            "properties": {"document_id": {"type": "integer"}, "number": {"type": "integer", "minimum": 1}},
        },
        "previous_hash": {"oneOf": [_HASH, {"type": "null"}]},
        "hash": _HASH,
        "paragraphs": {
            "type": "array",
            "description": "The text's units in order: each paragraph, heading and numbered point with its "
            "stable id (the #p-… anchor on the resolution's page) and the number the site shows.",
            "items": {
                "type": "object",
                "required": ["id", "anchor", "kind", "label", "text"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "anchor": _LINK,
                    "kind": {"enum": ["heading", "point", "paragraph", "list", "table", "quote", "other"]},
                    "label": {"type": ["string", "null"], "description": 'A point\'s number: "3", "2.1".'},
                    "text": {"type": "string", "description": "The unit without markup (a point without its number)."},
                },
            },
        },
        "links": {
            "type": "object",
            "description": "Addresses on this site (paths under its root).",
            "required": ["html"],
            "additionalProperties": _LINK,
            "properties": {
                "html": _LINK,
                "md": _LINK,
                "txt": _LINK,
                "docx": _LINK,
                "json": _LINK,
                "akn": _LINK,
                "print": _LINK,
                "table": _LINK,
            },
        },
    },
}


def resolution_object(source: ResolutionSource, *, links: Mapping[str, str]) -> dict[str, Any]:
    """The object the schema describes. ``links`` maps format names to addresses; ``html`` (the
    resolution's page) is also the base of each paragraph's anchor."""
    page = links["html"]
    record = {name: source.record[name] for name in FIELDS}
    return {
        **record,
        "hash": source.hash,
        "year": source.year,
        "n": source.n,
        "paragraphs": [
            {
                "id": unit.pid,
                "anchor": f"{page}#p-{unit.pid}",
                "kind": unit.kind,
                "label": unit.label,
                "text": unit.text,
            }
            for unit in source.units
        ],
        "links": dict(links),
    }


def resolution_json(source: ResolutionSource, *, links: Mapping[str, str]) -> bytes:
    """UTF-8 JSON, Cyrillic unescaped, keys in a fixed order, so the bytes (and the ETag) are stable."""
    return (json.dumps(resolution_object(source, links=links), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
