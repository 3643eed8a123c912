"""Validate response bodies against the official OpenAPI schemas (Assistants; Responses and Conversations; the
platform surfaces).

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


REFERENCE = SCHEMA_PATH.parent


@cache
def _registry(document: str) -> Registry:  # type: ignore[type-arg]
    contents = _nullable(json.loads((REFERENCE / document).read_text()))
    resource = Resource.from_contents(contents, default_specification=DRAFT202012)
    return Registry().with_resource(f"urn:{document}", resource)


@cache
def _validator(document: str, schema_name: str) -> Draft202012Validator:
    schema = {"$ref": f"urn:{document}#/components/schemas/{schema_name}"}
    return Draft202012Validator(schema, registry=_registry(document))


def reference_errors(document: str, instance: Any, schema_name: str) -> list[str]:
    """Every violation of ``#/components/schemas/<schema_name>`` in ``../shared/reference/<document>``, as
    ``path: message``; an empty list means the instance conforms."""
    return [
        f"{'/'.join(map(str, err.absolute_path)) or '<root>'}: {err.message}"
        for err in _validator(document, schema_name).iter_errors(instance)
    ]


def schema_errors(instance: Any, schema_name: str) -> list[str]:
    """Against the Assistants endpoints' schema (openapi-assistants.json)."""
    return reference_errors(SCHEMA_PATH.name, instance, schema_name)


def responses_errors(instance: Any, schema_name: str) -> list[str]:
    """Against the Responses and Conversations endpoints' schema (openapi-responses.json)."""
    return reference_errors("openapi-responses.json", instance, schema_name)


def platform_errors(instance: Any, schema_name: str) -> list[str]:
    """Against the files, vector stores, models, chat, embeddings and moderations schema (openapi-platform.json)."""
    return reference_errors("openapi-platform.json", instance, schema_name)
