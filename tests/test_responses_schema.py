"""Every Responses and Conversations body the fake answers validates against the official OpenAPI subset
(``openapi-responses.json``), once the deliberate real-vs-spec differences below are undone.

Deliberate differences (the real API, per reference responses-conversations.md, wins over the spec):
- ``user`` is ``null`` when unset: real responses send it (RC-B); the spec types it as a plain string.
- ``usage`` is ``null`` until a response is terminal (and stays null when it failed or was cancelled): real
  responses send it (RC-B, RC-D); the spec does not allow null.
- ``response.function_call_arguments.done`` has no ``name``: real events never carry it (RC-G, RC-J) and the
  SDK type has none; the spec requires it.
- The mid-stream ``error`` event nests the error (``{"type": "error", "error": {...}}``) as real streams do
  (RC-G and issues), so the SDK raises ``APIError``; the spec's ``ResponseErrorEvent`` is flat.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store

from .schema import responses_errors

KEY = "sk-schema"
TOOLS = [
    {"type": "function", "name": "f"},
    {"type": "web_search"},
    {"type": "file_search", "vector_store_ids": []},  # filled with the fixture's vector store (they are checked)
    {"type": "code_interpreter", "container": {"type": "auto"}},
]
INCLUDE = ["web_search_call.action.sources", "file_search_call.results", "code_interpreter_call.outputs"]
RULES = [
    {
        "match": {"contains": "tools"},
        "reply": {
            "tool_calls": [
                {"name": "f", "arguments": {"a": 1}},
                {"type": "web_search", "query": "q", "sources": ["https://example.com"]},
                {"type": "file_search", "queries": ["a"], "results": [{"file_id": "file-1", "text": "t"}]},
                {
                    "type": "code_interpreter",
                    "code": "print(1)",
                    "outputs": ["1", {"type": "image", "url": "https://i"}],
                },
            ]
        },
    },
    {"match": {"contains": "refuse"}, "reply": {"refusal": "no"}},
    {"match": {"contains": "fail"}, "reply": {"fail": True}},
    {"match": {"contains": "long"}, "reply": "z" * 100},
    {
        "match": {"contains": "cite"},
        "reply": {"text": "see doc", "annotations": [{"text": "doc", "file_id": "file-1"}]},
    },
]
TEXTS = ["hi", "tools", "refuse", "fail", "long", "cite"]


def spec_view(body: Any) -> Any:
    """``body`` with the documented differences undone, so the spec can judge everything else."""
    if isinstance(body, list):
        return [spec_view(item) for item in body]
    if not isinstance(body, dict):
        return body
    out = {key: spec_view(value) for key, value in body.items()}
    if out.get("object") == "response":
        if out.get("user") is None:
            out.pop("user", None)
        if out.get("usage") is None:
            out.pop("usage", None)
    if out.get("type") == "response.function_call_arguments.done":
        out["name"] = "f"
    if out.get("type") == "error" and isinstance(out.get("error"), dict):
        nested = out.pop("error")
        out.update(code=nested["code"], message=nested["message"], param=nested["param"])
    return out


def valid(body: Any, schema: str) -> None:
    errors = responses_errors(spec_view(body), schema)
    assert not errors, (schema, errors[:5], json.dumps(body)[:400])


@pytest.fixture
def client() -> Iterator[TestClient]:
    store = Store()
    store.script.add_script_rules(KEY, RULES)
    with TestClient(create_app(store), headers={"Authorization": f"Bearer {KEY}"}) as client:
        assert client.post("/v1/vector_stores", json={"name": "docs"}).status_code == 200
        yield client


def create(client: TestClient, text: str, **extra: Any) -> Any:
    (vector_store,) = client.get("/v1/vector_stores").json()["data"]
    tools = [{**t, "vector_store_ids": [vector_store["id"]]} if t["type"] == "file_search" else t for t in TOOLS]
    body = {"model": "m", "input": text, "tools": tools, "include": INCLUDE, "max_output_tokens": 16, **extra}
    return client.post("/v1/responses", json=body)


def frames(answer: Any) -> list[dict[str, Any]]:
    return [json.loads(block.split("\n")[1].removeprefix("data: ")) for block in answer.text.strip().split("\n\n")]


@pytest.mark.parametrize("text", TEXTS)
def test_responses_and_their_streams_conform(client: TestClient, text: str) -> None:
    valid(create(client, text).json(), "Response")
    for event in frames(create(client, text, stream=True)):
        valid(event, "ResponseStreamEvent")


def test_background_cancel_input_items_and_token_counts_conform(client: TestClient) -> None:
    queued = create(client, "hi", background=True).json()
    valid(queued, "Response")
    valid(client.post(f"/v1/responses/{queued['id']}/cancel").json(), "Response")
    chained = create(client, "again", previous_response_id=create(client, "tools").json()["id"])
    assert chained.status_code == 400, "a call left unanswered"
    first = create(client, "hi").json()
    second = create(client, "more", previous_response_id=first["id"]).json()
    valid(client.get(f"/v1/responses/{second['id']}/input_items").json(), "ResponseItemList")
    valid(client.post("/v1/responses/input_tokens", json={"input": "x"}).json(), "TokenCountsResource")
    for event in frames(create(client, "hi", background=True, stream=True)):
        valid(event, "ResponseStreamEvent")


def test_conversations_conform(client: TestClient) -> None:
    items = [
        {"role": "user", "content": "x"},
        {"type": "message", "role": "user", "content": [{"type": "input_image", "image_url": "https://x"}]},
        {"role": "assistant", "content": "ok"},
    ]
    conversation = client.post("/v1/conversations", json={"items": items, "metadata": {"a": "b"}}).json()
    valid(conversation, "ConversationResource")
    create(client, "tools", conversation=conversation["id"])
    path = f"/v1/conversations/{conversation['id']}"
    listed = client.get(f"{path}/items").json()
    valid(listed, "ConversationItemList")
    for item in listed["data"]:
        valid(client.get(f"{path}/items/{item['id']}").json(), "ConversationItem")
    added = client.post(f"{path}/items", json={"items": [{"role": "user", "content": "y"}]}).json()
    valid(added, "ConversationItemList")
    valid(client.post(path, json={"metadata": {"c": "d"}}).json(), "ConversationResource")
    valid(client.delete(f"{path}/items/{added['data'][0]['id']}").json(), "ConversationResource")
    valid(client.delete(path).json(), "DeletedConversationResource")
