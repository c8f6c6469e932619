"""Validating API JSON against the component schemas of the API's own OpenAPI document."""

from __future__ import annotations

import jsonschema_rs


def assert_matches(document: dict, schema_name: str, instance) -> None:
    """``instance`` is valid against ``#/components/schemas/<schema_name>``, formats included."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{schema_name}",
        "components": document["components"],
    }
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, f"{schema_name}: " + "; ".join(errors[:5])
