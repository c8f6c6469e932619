"""The OpenAPI 3.1 document of the API, built in code from the same constants the API checks.

The kinds, sectors, themes, statuses and bounds come from the modules that define them, so the
document cannot drift from what the server accepts. Every object lists all its properties and
forbids others: a response with a field the document does not name fails validation, which is
how the tests prove that nothing undocumented (and so nothing private) leaves the API.

The descriptions are English only: they are reference text for programmers, like the code;
the error messages the API returns are translated.
"""

from __future__ import annotations

import copy
from typing import Any

from ..drafting.models import DOCUMENT_KINDS
from ..forums.models import FORUM_STATUSES
from ..taxonomy import SECTORS, THEMES
from ..voting.counting import THRESHOLDS
from ..voting.models import QUORUM_BASE_LABELS
from ..workshops.models import WORKSHOP_KINDS
from .params import ID_MAX, LIMIT_DEFAULT, LIMIT_MAX, Q_MAX_LENGTH, YEAR_MAX, YEAR_MIN

API_VERSION = "1.0.0"
IMMUTABLE = "public, max-age=31536000, immutable"

_HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_ID = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
_COUNT = {"type": "integer", "minimum": 0}
_URI = {"type": "string", "format": "uri"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = (), description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_SUMMARY_PROPERTIES: dict[str, Any] = {
    "number": {"type": "string", "pattern": "^[0-9]+/[0-9]+$", "description": "year/n, e.g. 2026/3"},
    "year": {
        "type": "integer",
        "minimum": YEAR_MIN,
        "maximum": YEAR_MAX,
        "description": "Year of adoption, in Kyiv time",
    },
    "n": {"type": "integer", "minimum": 1, "description": "Count within the year"},
    "sequence": {"type": "integer", "minimum": 1, "description": "Position in the hash chain"},
    "title": {"type": "string"},
    "kind": {"type": "string", "enum": list(DOCUMENT_KINDS)},
    "adopted_at": {
        "type": "string",
        "format": "date-time",
        "pattern": "Z$",
        "description": "UTC, to the second, as the hash covers it",
    },
    "forum": _ref("ForumRef"),
    "workshop_id": _ID,
    "sectors": {"type": "array", "items": {"type": "string", "enum": list(SECTORS)}},
    "themes": {"type": "array", "items": {"type": "string", "enum": list(THEMES)}},
    "hash": {**_HASH, "description": "SHA-256 of the canonical record (see Resolution)"},
    "previous_hash": {**_nullable(_HASH), "description": "The previous resolution's hash; null for the first"},
    "url": {**_URI, "description": "The public page"},
    "api_url": {**_URI, "description": "This resolution in the API"},
}

_DETAIL_PROPERTIES: dict[str, Any] = {
    "text": {"type": "string", "description": "The adopted text (Markdown), NFC with LF line endings"},
    "paragraphs": {"type": "array", "items": _ref("Paragraph")},
    "rule": _ref("Rule"),
    "tally": _ref("Tally"),
    "contributors": {"type": "array", "items": _ref("Contributor")},
    "revision": _ref("Revision"),
}

_FORUM_PROPERTIES: dict[str, Any] = {
    "id": _ID,
    "title": {"type": "string"},
    "theme": {"type": "string"},
    "description": {"type": "string"},
    "status": {"type": "string", "enum": list(FORUM_STATUSES)},
    "starts_on": {"type": "string", "format": "date"},
    "ends_on": {"type": "string", "format": "date"},
    "place": {"type": "string"},
    "is_online": {"type": "boolean"},
    "resolution_count": _COUNT,
    "url": {**_URI, "description": "The public page"},
    "api_url": _URI,
}

_WORKSHOP_PROPERTIES: dict[str, Any] = {
    "id": _ID,
    "kind": {"type": "string", "enum": list(WORKSHOP_KINDS)},
    "title": {"type": "string"},
    "topic": {"type": "string"},
    "description": {"type": "string"},
    "starts_on": _nullable({"type": "string", "format": "date"}),
    "ends_on": _nullable({"type": "string", "format": "date"}),
    "place": {"type": "string"},
    "is_online": {"type": "boolean"},
    "resolution_count": _COUNT,
    "resolutions": {"type": "array", "items": _ref("ResolutionRef"), "description": "Newest first"},
    "url": {**_URI, "description": "The public page"},
    "api_url": _URI,
}


def _export_schema() -> dict[str, Any]:
    from ..exports.json_out import RESOLUTION_JSON_SCHEMA

    schema = {k: v for k, v in copy.deepcopy(RESOLUTION_JSON_SCHEMA).items() if k != "$schema"}
    schema["description"] = "The JSON download of a resolution, at its page's address plus .json. " + schema.get(
        "description", ""
    )
    return schema


SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {
                        "type": "string",
                        "description": "Stable, for programs: invalid_parameter, "
                        "repeated_parameter, invalid_cursor, not_found, ...",
                    },
                    "message": {"type": "string", "description": "For people, in the site's language"},
                    "parameter": {"type": "string", "description": "The query parameter at fault"},
                },
                optional=("parameter",),
            ),
        }
    ),
    "ForumRef": _object({"id": _ID, "title": {"type": "string", "description": "As it was at adoption"}}),
    "ResolutionSummary": _object(_SUMMARY_PROPERTIES),
    "Resolution": _object(
        {**_SUMMARY_PROPERTIES, **_DETAIL_PROPERTIES},
        description="A resolution never changes. Its hash is the SHA-256 of the RFC 8785 JSON of "
        "number, title, kind, text, adopted_at, forum, rule, tally, contributors, "
        "revision and previous_hash, exactly as given here.",
    ),
    "Paragraph": _object(
        {
            "id": {"type": "string", "description": "Stable id: #p-{id} on the public page"},
            "label": {**_nullable({"type": "string"}), "description": "Point number, e.g. 3 or 3.2; null if none"},
            "text": {"type": "string", "description": "The unit's Markdown as in text, a point with its typed marker"},
        }
    ),
    "Rule": _object(
        {
            "threshold": {"type": "string", "enum": list(THRESHOLDS)},
            "condition": {"type": "string"},
            "quorum_share": {"type": "string", "pattern": "^[0-9]+/[0-9]+$"},
            "quorum_base": {"type": "string", "enum": list(QUORUM_BASE_LABELS)},
            "secret": {"type": "boolean"},
        }
    ),
    "Tally": _object(
        {
            **{name: _COUNT for name in ("for", "against", "abstain", "registered", "present", "participants")},
            "quorum_reached": {"type": "boolean"},
            "hand_counted": {"type": "boolean"},
        }
    ),
    "Contributor": _object({"id": _ID, "name": {"type": "string"}}),
    "Revision": _object({"document_id": _ID, "number": {"type": "integer", "minimum": 1}}),
    "ResolutionRef": _object(
        {"number": _SUMMARY_PROPERTIES["number"], "title": {"type": "string"}, "url": _URI, "api_url": _URI}
    ),
    "Page": _object(
        {
            "items": {"type": "array", "items": _ref("ResolutionSummary")},
            "next_cursor": {**_nullable({"type": "string"}), "description": "null on the last page"},
            "chain_head": {
                **_nullable(_HASH),
                "description": "The hash of the newest resolution of the whole chain "
                "(whatever the filters): keep it, and `deliberation verify --expect HASH` later shows "
                "whether the chain still leads to it. A resolution's own hash was the head at its adoption.",
            },
            "links": _object({"self": _URI, "next": _nullable(_URI)}),
        },
        description="One page of resolutions, newest first",
    ),
    "ForumSummary": _object(_FORUM_PROPERTIES),
    "Forum": _object(
        {
            **_FORUM_PROPERTIES,
            "resolutions": {"type": "array", "items": _ref("ResolutionRef"), "description": "Newest first"},
        }
    ),
    "ForumList": _object({"items": {"type": "array", "items": _ref("ForumSummary")}}),
    "Workshop": _object(_WORKSHOP_PROPERTIES),
    "WorkshopList": _object({"items": {"type": "array", "items": _ref("Workshop")}}),
    "Index": _object({name: _URI for name in ("openapi", "resolutions", "forums", "workshops")}),
}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


PARAMETERS: dict[str, Any] = {
    "kind": _query("kind", {"type": "string", "enum": list(DOCUMENT_KINDS)}, "Only this kind of text"),
    "forum": _query("forum", _ID, "Only resolutions of this forum"),
    "workshop": _query("workshop", _ID, "Only resolutions drafted by this workshop"),
    "sector": _query("sector", {"type": "string", "enum": list(SECTORS)}, "Only those tagged with this sector"),
    "theme": _query("theme", {"type": "string", "enum": list(THEMES)}, "Only those tagged with this theme"),
    "year": _query(
        "year",
        {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
        "Only those adopted in this year (Kyiv time)",
    ),
    "q": _query(
        "q",
        {"type": "string", "maxLength": Q_MAX_LENGTH},
        "Words to search for in the title and text; the order stays newest first",
    ),
    "limit": _query(
        "limit", {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": LIMIT_DEFAULT}, "Items per page"
    ),
    "cursor": _query(
        "cursor", {"type": "string"}, "next_cursor of the previous page, as given; any other value is refused with 400"
    ),
    "year_path": _path("year", {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}, "Year of the number"),
    "n_path": _path("n", {"type": "integer", "minimum": 1, "maximum": ID_MAX}, "Count within the year"),
    "forum_id": _path("forum_id", _ID, "The forum's id"),
    "workshop_id": _path("workshop_id", _ID, "The workshop's id"),
    "if_none_match": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "An ETag from an earlier response: 304 when it still matches",
    },
}


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema_name: str, description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }
    if headers:
        response["headers"] = headers
    return response


_ERROR_400 = {"$ref": "#/components/responses/BadRequest"}
_ERROR_404 = {"$ref": "#/components/responses/NotFound"}
_CACHE_HEADERS = {
    "ETag": {
        "description": "Strong validator of this representation",
        "required": True,
        "schema": {"type": "string", "pattern": '^"[0-9a-f]+"$'},
    },
    "Cache-Control": {
        "description": "Resolutions never change",
        "required": True,
        "schema": {"type": "string", "const": IMMUTABLE},
    },
}


def _operation(operation_id: str, summary: str, parameters: list[str], responses: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = [_param(name) for name in parameters]
    return {"get": operation}


PATHS: dict[str, Any] = {
    "/": _operation("index", "Where everything is", [], {"200": _json("Index", "Links to the endpoints")}),
    "/openapi.json": _operation(
        "openapi",
        "This document",
        [],
        {
            "200": {
                "description": "The OpenAPI document",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    ),
    "/resolutions": _operation(
        "listResolutions",
        "Adopted resolutions, newest first, a page at a time",
        ["kind", "forum", "workshop", "sector", "theme", "year", "q", "limit", "cursor"],
        {"200": _json("Page", "A page of resolutions"), "400": _ERROR_400},
    ),
    "/resolutions/{year}/{n}": _operation(
        "getResolution",
        "One resolution by its number, with its text, vote and hash",
        ["year_path", "n_path", "if_none_match"],
        {
            "200": _json("Resolution", "The resolution", _CACHE_HEADERS),
            "304": {"description": "Not modified: the ETag sent still matches", "headers": _CACHE_HEADERS},
            "404": _ERROR_404,
        },
    ),
    "/forums": _operation("listForums", "Every forum, the newest first", [], {"200": _json("ForumList", "The forums")}),
    "/forums/{forum_id}": _operation(
        "getForum",
        "One forum with its resolutions",
        ["forum_id"],
        {"200": _json("Forum", "The forum"), "404": _ERROR_404},
    ),
    "/workshops": _operation(
        "listWorkshops", "Every workshop with its resolutions", [], {"200": _json("WorkshopList", "The workshops")}
    ),
    "/workshops/{workshop_id}": _operation(
        "getWorkshop",
        "One workshop with its resolutions",
        ["workshop_id"],
        {"200": _json("Workshop", "The workshop"), "404": _ERROR_404},
    ),
}


def build_openapi(*, server_url: str) -> dict[str, Any]:
    """The document; ``server_url`` is where the API is mounted (relative, with any host prefix)."""
    # A copy: the module's tables are shared by every request and must never be changed by one.
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Deliberation open data",
                "version": API_VERSION,
                "description": "Read-only, public, no sign-in: the resolutions forums adopted, the forums and "
                'the workshops. JSON in UTF-8; errors are {"error": {"code", "message"}}. '
                "Drafts are never here. CORS is open to every origin.",
            },
            "servers": [{"url": server_url}],
            "paths": PATHS,
            "components": {
                # The resolution's .json download (its canonical record, paragraphs and links) is
                # described here too, so one document holds every public JSON shape.
                "schemas": {**SCHEMAS, "ResolutionExport": _export_schema()},
                "parameters": PARAMETERS,
                "responses": {
                    "BadRequest": _json("Error", "A parameter is not valid"),
                    "NotFound": _json("Error", "There is no such thing"),
                },
            },
        }
    )
