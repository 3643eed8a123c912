"""Assistants CRUD: real defaults, validation wording, pagination, and the real SDK with strict validation."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest
from starlette.testclient import TestClient

from mockserver.core.ids import DEFAULT_EPOCH, is_valid_id
from mockserver.store import Store


def create(api: TestClient, **body: Any) -> dict[str, Any]:
    response = api.post("/v1/assistants", json={"model": "gpt-4o", **body})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_create_has_real_defaults(api: TestClient) -> None:
    assistant = create(api)
    assert is_valid_id(assistant["id"], "assistant")
    assert assistant == {
        "id": assistant["id"],
        "object": "assistant",
        "created_at": DEFAULT_EPOCH,
        "name": None,
        "description": None,
        "model": "gpt-4o",
        "instructions": None,
        "tools": [],
        "tool_resources": {},
        "metadata": {},
        "top_p": 1.0,
        "temperature": 1.0,
        "reasoning_effort": None,
        "response_format": "auto",
    }


def test_function_tools_are_echoed_with_defaults(api: TestClient) -> None:
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
    assistant = create(api, tools=[tool, {"type": "code_interpreter"}])
    assert assistant["tools"] == [
        {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}, "strict": False}},
        {"type": "code_interpreter"},
    ]


@pytest.mark.parametrize(
    ("body", "status", "param", "fragment"),
    [
        ({}, 400, "model", "Missing required parameter: 'model'."),
        ({"model": 4}, 400, "model", "expected a string"),
        ({"model": "m", "temperature": 3}, 400, "temperature", "Expected a value <= 2"),
        ({"model": "m", "top_p": -1}, 400, "top_p", "Expected a value >= 0"),
        ({"model": "m", "name": "x" * 257}, 400, "name", "maximum length 256"),
        ({"model": "m", "tools": [{"type": "browser"}]}, 400, "tools[0].type", "Invalid value: 'browser'"),
        (
            {"model": "m", "tools": [{"type": "function", "function": {"name": "a b"}}]},
            400,
            "tools[0].function.name",
            "pattern",
        ),
        ({"model": "m", "response_format": "json"}, 400, "response_format", "Invalid value: 'json'"),
        ({"model": "m", "colour": "red"}, 400, None, "Unrecognized request argument supplied: colour"),
    ],
)
def test_create_validation(
    api: TestClient, body: dict[str, Any], status: int, param: str | None, fragment: str
) -> None:
    response = api.post("/v1/assistants", json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["param"] == param and fragment in error["message"]


def test_modify_replaces_given_fields_and_null_resets(api: TestClient) -> None:
    assistant = create(api, name="Bot", instructions="Be brief.", metadata={"a": "1"}, temperature=0.5)
    modified = api.post(f"/v1/assistants/{assistant['id']}", json={"name": None, "metadata": {"b": "2"}}).json()
    assert modified["name"] is None and modified["metadata"] == {"b": "2"}
    assert modified["instructions"] == "Be brief." and modified["temperature"] == 0.5
    assert api.get(f"/v1/assistants/{assistant['id']}").json() == modified


def test_delete_then_404_and_prefix_400(api: TestClient) -> None:
    assistant = create(api)
    deleted = api.delete(f"/v1/assistants/{assistant['id']}").json()
    assert deleted == {"id": assistant["id"], "object": "assistant.deleted", "deleted": True}
    missing = api.get(f"/v1/assistants/{assistant['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == f"No assistant found with id '{assistant['id']}'."
    bad = api.get("/v1/assistants/undefined")
    assert bad.status_code == 400
    assert (
        bad.json()["error"]["message"] == "Invalid 'assistant_id': 'undefined'. Expected an ID that begins with 'asst'."
    )


def test_list_is_desc_and_paginates(api: TestClient) -> None:
    ids = [create(api, name=str(i))["id"] for i in range(5)]
    page = api.get("/v1/assistants", params={"limit": 2}).json()
    assert [a["id"] for a in page["data"]] == ids[::-1][:2] and page["has_more"] is True
    rest = api.get("/v1/assistants", params={"limit": 10, "after": page["last_id"]}).json()
    assert [a["id"] for a in rest["data"]] == ids[::-1][2:] and rest["has_more"] is False
    asc = api.get("/v1/assistants", params={"order": "asc"}).json()
    assert [a["id"] for a in asc["data"]] == ids


def test_seeded_assistant_keeps_explicit_id(store: Store) -> None:
    seeded = store.assistants.create_assistant("p", {"model": "m"}, assistant_id="asst_" + "a" * 24, created_at=5)
    assert seeded["id"] == "asst_" + "a" * 24 and seeded["created_at"] == 5
    assert store.assistants.get_assistant("p", seeded["id"]) == seeded


def test_sdk_round_trip(sdk: Any) -> None:
    assistant = sdk.beta.assistants.create(model="gpt-4o", name="Helper", tools=[{"type": "file_search"}])
    assert assistant.tools[0].type == "file_search"
    updated = sdk.beta.assistants.update(assistant.id, instructions="Answer in French.")
    assert updated.instructions == "Answer in French."
    assert [a.id for a in sdk.beta.assistants.list(limit=1)] == [assistant.id]
    assert sdk.beta.assistants.delete(assistant.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        sdk.beta.assistants.retrieve(assistant.id)


def test_async_sdk_round_trip(async_sdk: Any) -> None:
    async def scenario() -> tuple[Any, Any]:
        assistant = await async_sdk.beta.assistants.create(model="gpt-4o")
        fetched = await async_sdk.beta.assistants.retrieve(assistant.id)
        await async_sdk.close()
        return assistant, fetched

    assistant, fetched = asyncio.run(scenario())
    assert fetched == assistant
