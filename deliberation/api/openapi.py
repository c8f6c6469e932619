"""The OpenAPI 3.1 document of the API, built in code from what the API itself uses.

The component schemas are generated from the pydantic models the serializers fill
(``shapes.py``); the parameters take their choices and bounds from the same types and from
``params.py``, which reads them. So the document cannot drift from what the server accepts or
sends. Every object lists all its properties and forbids others: a response with a field the
document does not name fails validation, which is how the tests prove that nothing undocumented
(and so nothing private) leaves the API.

The descriptions are English only: they are reference text for programmers, like the code;
the error messages the API returns are translated.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from ..exports.json_out import RESOLUTION_JSON_SCHEMA
from . import shapes
from .params import ID_MAX, LIMIT_DEFAULT, LIMIT_MAX, Q_MAX_LENGTH

API_VERSION = "1.0.0"
IMMUTABLE = "public, max-age=31536000, immutable"


def _schema_of(annotation: Any) -> dict[str, Any]:
    return TypeAdapter(annotation).json_schema()


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_ID = _schema_of(shapes.Id)
_YEAR = _schema_of(shapes.Year)


class _Components(GenerateJsonSchema):
    """pydantic's JSON Schema of the shapes, without the titles it makes up from the names (noise in a
    reference), and with each docstring on one line (wrapped only for the source's width)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        json_schema.pop("title", None)
        if "description" in json_schema:
            json_schema["description"] = " ".join(json_schema["description"].split())
        return json_schema


def _export_schema() -> dict[str, Any]:
    schema = {k: v for k, v in copy.deepcopy(RESOLUTION_JSON_SCHEMA).items() if k != "$schema"}
    schema["description"] = "The JSON download of a resolution, at its page's address plus .json. " + schema.get(
        "description", ""
    )
    return schema


@cache
def component_schemas() -> dict[str, Any]:
    """Every model of ``shapes`` by name, plus the resolution's .json download."""
    models = [m for m in vars(shapes).values() if isinstance(m, type) and issubclass(m, shapes.Shape)]
    _, top = models_json_schema(
        [(model, "serialization") for model in models if model is not shapes.Shape],
        ref_template="#/components/schemas/{model}",
        schema_generator=_Components,
    )
    # The resolution's .json download (its canonical record, paragraphs and links) is described
    # here too, so one document holds every public JSON shape.
    return {**top["$defs"], "ResolutionExport": _export_schema()}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


PARAMETERS: dict[str, Any] = {
    "kind": _query("kind", _schema_of(shapes.DocumentKind), "Only this kind of text"),
    "forum": _query("forum", _ID, "Only resolutions of this forum"),
    "workshop": _query("workshop", _ID, "Only resolutions drafted by this workshop"),
    "sector": _query("sector", _schema_of(shapes.Sector), "Only those tagged with this sector"),
    "theme": _query("theme", _schema_of(shapes.Theme), "Only those tagged with this theme"),
    "year": _query("year", _YEAR, "Only those adopted in this year (Kyiv time)"),
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
    "year_path": _path("year", _YEAR, "Year of the number"),
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
                "schemas": component_schemas(),
                "parameters": PARAMETERS,
                "responses": {
                    "BadRequest": _json("Error", "A parameter is not valid"),
                    "NotFound": _json("Error", "There is no such thing"),
                },
            },
        }
    )
