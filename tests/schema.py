"""Validate response bodies against the official OpenAPI schema of the Assistants endpoints.

The schema file lives in ``../shared/reference`` beside the checkout (CI clones the repository with
``shared/`` next to it): it is reference material shared by every session, not part of what we ship.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "shared" / "reference" / "openapi-assistants.json"
ROOT_URI = "urn:openapi-assistants"


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` (still used in places of this 3.1 document) as JSON Schema understands it."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable(value) for key, value in node.items()}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


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
