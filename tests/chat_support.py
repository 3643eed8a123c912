"""Helpers for the chat, embeddings and moderations tests: the platform schema validator, request helpers."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .schema import _nullable

PLATFORM_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "reference" / "openapi-platform.json"
ROOT_URI = "urn:openapi-platform"
USER = [{"role": "user", "content": "Hello there"}]


@cache
def _registry() -> Registry:  # type: ignore[type-arg]
    document = _nullable(json.loads(PLATFORM_SCHEMA.read_text()))
    return Registry().with_resource(ROOT_URI, Resource.from_contents(document, default_specification=DRAFT202012))


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{ROOT_URI}#/components/schemas/{schema_name}"}, registry=_registry())


def platform_errors(instance: Any, schema_name: str) -> list[str]:
    """Every violation of ``components/schemas/<schema_name>`` in openapi-platform.json, as ``path: message``."""
    return [
        f"{'/'.join(map(str, err.absolute_path)) or '<root>'}: {err.message}"
        for err in _validator(schema_name).iter_errors(instance)
    ]


def sse_chunks(text: str) -> list[Any]:
    """The ``data:`` payloads of a chat stream (``[DONE]`` as the string)."""
    out: list[Any] = []
    for block in text.split("\n\n"):
        if not block:
            continue
        assert block.startswith("data: "), block
        assert "\n" not in block, block
        payload = block[len("data: ") :]
        out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out
