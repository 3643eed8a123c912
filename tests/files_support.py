"""Helpers shared by the files, uploads, vector store and models tests."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.testclient import TestClient

from .schema import _nullable


def multipart(fields: list[tuple[str, Any]], boundary: str = "b0undary42") -> tuple[dict[str, str], bytes]:
    """A hand-built multipart body: ``(name, "text")`` fields and ``(name, (filename, bytes, type))`` files."""
    out = b""
    for name, value in fields:
        if isinstance(value, tuple):
            filename, data, content_type = value
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            out += head.encode() + data + b"\r\n"
        else:
            out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    out += f"--{boundary}--\r\n".encode()
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, out


def upload(
    api: TestClient, filename: str = "notes.txt", data: bytes = b"hello", purpose: str = "assistants", **extra: str
) -> dict[str, Any]:
    """``POST /v1/files`` through httpx's own multipart encoding (what the SDK sends)."""
    response = api.post("/v1/files", data={"purpose": purpose, **extra}, files={"file": (filename, data)})
    assert response.status_code == 200, response.text
    return dict(response.json())


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}, body
    return dict(body["error"])


def new_store(api: TestClient, **body: Any) -> dict[str, Any]:
    response = api.post("/v1/vector_stores", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


# -- the official schema of these endpoints (openapi-platform.json beside the checkout) -------------------------

PLATFORM_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "reference" / "openapi-platform.json"
PLATFORM_URI = "urn:openapi-platform"


@cache
def _platform_registry() -> Registry:  # type: ignore[type-arg]
    document = _nullable(json.loads(PLATFORM_SCHEMA.read_text()))
    return Registry().with_resource(PLATFORM_URI, Resource.from_contents(document, default_specification=DRAFT202012))


def platform_errors(instance: Any, schema_name: str) -> list[str]:
    """Every violation of ``#/components/schemas/<schema_name>`` as ``path: message``."""
    validator = Draft202012Validator(
        {"$ref": f"{PLATFORM_URI}#/components/schemas/{schema_name}"}, registry=_platform_registry()
    )
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(instance)]
