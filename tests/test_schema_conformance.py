"""Every threads/messages response validates against the official schema (``tests/schema.py`` says where it lives).

Documented exceptions, where the real API differs from the schema: none so far for threads and messages.
(Message ``status`` is always a string here: the schema and the SDK require it; real REST reads showed null.)
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from .files_support import upload
from .schema import SCHEMA_PATH, schema_errors

pytestmark = pytest.mark.skipif(not SCHEMA_PATH.exists(), reason=f"official schema not found at {SCHEMA_PATH}")


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_thread_and_message_responses_conform(api: TestClient) -> None:
    checks: list[tuple[Any, str]] = []
    doc, image = upload(api, "doc.txt"), upload(api, "pic.png", purpose="vision")
    store_id = ok(api.post("/v1/vector_stores", json={}))["id"]
    thread = ok(
        api.post(
            "/v1/threads",
            json={
                "messages": [
                    {
                        "role": "user",
                        "content": "hello",
                        "attachments": [{"file_id": doc["id"], "tools": [{"type": "code_interpreter"}]}],
                    },
                    {
                        "role": "assistant",
                        "content": [
                            {"type": "text", "text": "see"},
                            {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                            {"type": "image_file", "image_file": {"file_id": image["id"]}},
                        ],
                    },
                ],
                "metadata": {"k": "v"},
                "tool_resources": {
                    "code_interpreter": {"file_ids": [doc["id"]]},
                    "file_search": {"vector_store_ids": [store_id]},
                },
            },
        )
    )
    checks.append((thread, "ThreadObject"))
    tid = thread["id"]
    checks.append((ok(api.get(f"/v1/threads/{tid}")), "ThreadObject"))
    checks.append((ok(api.post(f"/v1/threads/{tid}", json={"metadata": {}})), "ThreadObject"))
    message = ok(api.post(f"/v1/threads/{tid}/messages", json={"role": "user", "content": "more"}))
    checks.append((message, "MessageObject"))
    listing = ok(api.get(f"/v1/threads/{tid}/messages", params={"limit": 2}))
    checks.append((listing, "ListMessagesResponse"))
    checks.append((ok(api.get(f"/v1/threads/{tid}/messages/{message['id']}")), "MessageObject"))
    checks.append(
        (ok(api.post(f"/v1/threads/{tid}/messages/{message['id']}", json={"metadata": {"a": "b"}})), "MessageObject")
    )
    checks.append((ok(api.delete(f"/v1/threads/{tid}/messages/{message['id']}")), "DeleteMessageResponse"))
    checks.append((ok(api.delete(f"/v1/threads/{tid}")), "DeleteThreadResponse"))
    for instance, schema in checks:
        assert schema_errors(instance, schema) == [], (schema, instance)


def test_error_bodies_conform(api: TestClient) -> None:
    for response in (
        api.get("/v1/threads/thread_missing"),
        api.get("/v1/threads/bad"),
        api.post("/v1/threads", content=b"{"),
        api.get("/v1/unknown"),
        api.get("/v1/threads", headers={"Authorization": ""}),
    ):
        assert response.status_code >= 400
        assert schema_errors(response.json(), "ErrorResponse") == []


def test_the_checker_catches_a_wrong_shape() -> None:
    """Guards the guard: a thread missing ``created_at`` must be reported."""
    assert schema_errors({"id": "thread_x", "object": "thread", "metadata": {}, "tool_resources": {}}, "ThreadObject")
