"""The pydantic models every API response is built from: they refuse what the document does not name,
never change a value on its way out, and are the document's component schemas."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from deliberation.api import shapes
from deliberation.api.openapi import build_openapi
from deliberation.drafting.models import DOCUMENT_KINDS
from deliberation.web.api import JSONResponse

from .world import TALLY


def test_a_shape_refuses_a_field_the_document_does_not_name():
    with pytest.raises(ValidationError, match="extra_forbidden|Extra inputs"):
        shapes.Contributor.model_validate({"id": 7, "name": "Петро Гнатюк", "email": "petro@example.org"})


@pytest.mark.parametrize(
    "change",
    [{"for": "12"}, {"for": 12.0}, {"against": True}, {"quorum_reached": 1}, {"present": -1}],
    ids=["string", "float", "bool-as-count", "int-as-bool", "negative"],
)
def test_a_shape_never_coerces_a_value_it_would_send_differently(change):
    # The tally is part of the hashed record: a value that is not exactly right is refused, not converted.
    with pytest.raises(ValidationError):
        shapes.Tally.model_validate({**TALLY, **change})


def test_a_shape_sends_its_values_unchanged_in_its_own_order():
    assert list(shapes.Tally.model_validate(TALLY).model_dump(mode="json").items()) == list(TALLY.items())
    error = shapes.Error(error=shapes.ErrorDetail(code="not_found", message="Немає"))
    assert error.model_dump(mode="json") == {"error": {"code": "not_found", "message": "Немає"}}


def test_a_code_is_one_of_the_constants_and_the_document_lists_them():
    with pytest.raises(ValidationError):
        shapes.ResolutionRef.model_validate({"number": "2026/x", "title": "t", "url": "u", "api_url": "u"})
    schemas = build_openapi(server_url="/api/v1")["components"]["schemas"]
    assert schemas["ResolutionSummary"]["properties"]["kind"] == {"type": "string", "enum": list(DOCUMENT_KINDS)}
    assert schemas["Workshop"]["properties"]["starts_on"] == {
        "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]
    }


def test_every_shape_is_a_closed_schema_of_the_document_without_made_up_titles():
    schemas = build_openapi(server_url="/api/v1")["components"]["schemas"]
    models = [m for m in vars(shapes).values() if isinstance(m, type) and issubclass(m, shapes.Shape)]
    for model in models:
        if model is shapes.Shape:
            continue
        schema = schemas[model.__name__]
        assert schema["additionalProperties"] is False, model
        assert "title" not in schema and all("title" not in p for p in schema["properties"].values()), model


def test_the_api_answers_only_with_a_shape():
    with pytest.raises(TypeError, match="shapes"):
        JSONResponse({"items": [], "secret": "draft"})
