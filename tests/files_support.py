"""Helpers shared by the files, uploads, vector store and models tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


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
