"""Validate bodies against the official OpenAPI subset of the Responses and Conversations endpoints
(``../shared/reference/openapi-responses.json``), as tests/schema.py does for the Assistants endpoints."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .schema import _nullable

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "shared" / "reference" / "openapi-responses.json"
ROOT_URI = "urn:openapi-responses"


@cache
def _registry() -> Registry:  # type: ignore[type-arg]
    document = _nullable(json.loads(SCHEMA_PATH.read_text()))
    return Registry().with_resource(ROOT_URI, Resource.from_contents(document, default_specification=DRAFT202012))


@cache
def validator(schema_name: str) -> Draft202012Validator:
    schema = {"$ref": f"{ROOT_URI}#/components/schemas/{schema_name}"}
    return Draft202012Validator(schema, registry=_registry())


def schema_errors(instance: Any, schema_name: str) -> list[str]:
    """Every violation as ``path: message``; an empty list means the instance conforms."""
    return [
        f"{'/'.join(map(str, err.absolute_path)) or '<root>'}: {err.message}"
        for err in validator(schema_name).iter_errors(instance)
    ]
