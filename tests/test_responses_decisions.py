"""Each [INF] choice of docs/responses.md, pinned over in-process HTTP (the SDK tests pin the others)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store

KEY = "sk-decisions"
F = {"type": "function", "name": "f", "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}}}
G = {"type": "function", "name": "g"}


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def api(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store), headers={"Authorization": f"Bearer {KEY}"}) as client:
        yield client


def rules(store: Store, *rules: dict[str, Any]) -> None:
    store.script.add_script_rules(KEY, list(rules))


def create(api: TestClient, **body: Any) -> Any:
    return api.post("/v1/responses", json={"model": "m", "input": "hi", **body})


def error(answer: Any) -> dict[str, Any]:
    assert answer.status_code >= 400, answer.text
    body: dict[str, Any] = answer.json()["error"]
    return body


def test_billing_on_finished_json_bodies_only(api: TestClient, store: Store) -> None:
    done = create(api).json()
    assert list(done)[:6] == ["id", "object", "created_at", "status", "background", "billing"]
    assert done["billing"] == {"payer": "developer"} and "conversation" not in done
    store.script.configure_runs(KEY, {"progress": "on_clock"})
    queued = create(api, background=True).json()
    assert "billing" not in queued
    assert "billing" not in api.post(f"/v1/responses/{queued['id']}/cancel").json()


def test_delete_body_and_prompt_404(api: TestClient) -> None:
    response_id = create(api).json()["id"]
    assert api.delete(f"/v1/responses/{response_id}").json() == {
        "id": response_id,
        "object": "response",
        "deleted": True,
    }
    answer = create(api, prompt={"id": "pmpt_1"})
    assert answer.status_code == 404 and error(answer)["message"] == "Prompt with id 'pmpt_1' not found."


def test_stream_resume_errors(api: TestClient, store: Store) -> None:
    plain = create(api).json()["id"]
    assert error(api.get(f"/v1/responses/{plain}?stream=true"))["param"] == "stream"
    bad = api.get(f"/v1/responses/{plain}?stream=true&starting_after=x")
    assert error(bad)["message"] == "Invalid 'starting_after': expected an integer, but got 'x' instead."
    store.script.configure_runs(KEY, {"progress": "on_clock"})
    queued = create(api, background=True).json()["id"]
    chained = create(api, previous_response_id=queued)
    assert error(chained)["message"] == f"Previous response with id '{queued}' is still in progress."


def test_path_ids_and_list_errors(api: TestClient) -> None:
    assert error(api.get("/v1/conversations/abc"))["code"] == "invalid_id_prefix"
    assert error(api.get("/v1/responses/resp_a b"))["code"] == "invalid_value"
    conversation = api.post("/v1/conversations", json={}).json()["id"]
    too_many = api.post(
        f"/v1/conversations/{conversation}/items", json={"items": [{"role": "user", "content": "x"}] * 21}
    )
    assert error(too_many)["code"] == "array_above_max_length"
    assert error(api.post(f"/v1/conversations/{conversation}/items", json={"items": []}))["code"] == "empty_array"
    assert error(api.get(f"/v1/conversations/{conversation}/items?limit=101"))["code"] == "integer_above_max_value"
    page = api.get(f"/v1/conversations/{conversation}/items?after=msg_nope").json()
    assert page == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
    assert (
        error(api.get(f"/v1/conversations/{conversation}/items/msg_x"))["message"] == "Item with id 'msg_x' not found."
    )


def test_item_ids_references_and_unstored_responses_in_conversations(api: TestClient) -> None:
    conversation = api.post("/v1/conversations", json={"items": [{"id": "msg_mine", "role": "user", "content": "a"}]})
    conversation_id = conversation.json()["id"]
    again = api.post(
        f"/v1/conversations/{conversation_id}/items",
        json={"items": [{"id": "msg_mine", "role": "user", "content": "b"}]},
    )
    assert again.json()["data"][0]["id"] != "msg_mine"
    ref = api.post(
        f"/v1/conversations/{conversation_id}/items", json={"items": [{"type": "item_reference", "id": "msg_mine"}]}
    )
    copied = ref.json()["data"][0]
    assert copied["content"] == [{"type": "input_text", "text": "a"}] and copied["id"] != "msg_mine"
    unstored = create(api, store=False, conversation=conversation_id).json()
    items = api.get(f"/v1/conversations/{conversation_id}/items").json()["data"]
    assert items[0]["id"] == unstored["output"][0]["id"], "a conversation still receives an unstored response's items"
    stored = create(api, conversation=conversation_id, input="own").json()
    own = api.get(f"/v1/responses/{stored['id']}/input_items").json()["data"]
    assert [i["content"][0]["text"] for i in own] == ["own"], "conversation responses list only their own input"
    assert error(create(api, input=[{"type": "item_reference", "id": "msg_unknown"}]))["param"] == "input"


def test_unanswered_call_blocks_other_input(api: TestClient, store: Store) -> None:
    rules(store, {"reply": {"tool_calls": [{"name": "f"}]}})
    first = create(api, tools=[F]).json()
    answer = create(api, tools=[F], previous_response_id=first["id"], input="something else")
    call_id = first["output"][0]["call_id"]
    assert error(answer) == {
        "message": f"No tool output found for function call {call_id}.",
        "type": "invalid_request_error",
        "param": "input",
        "code": None,
    }


def test_default_reply_follows_the_text_format(api: TestClient, store: Store) -> None:
    obj = create(api, text={"format": {"type": "json_object"}}).json()
    assert json.loads(obj["output"][0]["content"][0]["text"]) == {
        "reply": store.script.run_settings(KEY)["default_reply"]
    }
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer"}},
        "required": ["n"],
        "additionalProperties": False,
    }
    fmt = {"format": {"type": "json_schema", "name": "N", "schema": schema, "strict": True}}
    assert json.loads(create(api, text=fmt).json()["output"][0]["content"][0]["text"]) == {"n": 0}


def test_tool_choice_and_parallel_tool_calls(api: TestClient, store: Store) -> None:
    rules(
        store,
        {
            "match": {"contains": "both"},
            "reply": {"tool_calls": [{"name": "f"}, {"name": "g"}]},
            "then": "done {{output}}",
        },
    )
    none = create(api, input="both", tools=[F, G], tool_choice="none").json()
    assert none["output"][0]["type"] == "message"
    named = create(api, input="both", tools=[F, G], tool_choice={"type": "function", "name": "g"}).json()
    assert [o["name"] for o in named["output"]] == ["g"]
    required = create(api, input="plain text", tools=[F, G], tool_choice="required").json()
    assert required["output"][0]["name"] == "f" and json.loads(required["output"][0]["arguments"]) == {"n": 0}
    first = create(api, input="both", tools=[F, G], parallel_tool_calls=False).json()
    assert [o["name"] for o in first["output"]] == ["f"]
    answer = [{"type": "function_call_output", "call_id": first["output"][0]["call_id"], "output": "1"}]
    second = create(api, input=answer, tools=[F, G], previous_response_id=first["id"]).json()
    assert [o["name"] for o in second["output"]] == ["g"]
    answer = [{"type": "function_call_output", "call_id": second["output"][0]["call_id"], "output": "2"}]
    third = create(api, input=answer, tools=[F, G], previous_response_id=second["id"]).json()
    assert third["output"][0]["content"][0]["text"] == "done 2"


def test_builtin_calls_need_their_tool_and_show_results_per_include(api: TestClient, store: Store) -> None:
    search = {"type": "web_search", "query": "q", "sources": ["https://a"]}
    rules(
        store,
        {"match": {"contains": "search"}, "reply": {"tool_calls": [search]}, "then": "found"},
        {"match": {"contains": "expire"}, "reply": {"expire": True}},
    )
    missing = create(api, input="search")
    assert missing.json()["status"] == "failed" and "has no web_search tool" in missing.json()["error"]["message"]
    plain = create(api, input="search", tools=[{"type": "web_search"}]).json()
    assert [o["type"] for o in plain["output"]] == ["web_search_call", "message"]
    assert "sources" not in plain["output"][0]["action"] and plain["output"][1]["content"][0]["text"] == "found"
    shown = create(api, input="search", tools=[{"type": "web_search"}], include=["web_search_call.action.sources"])
    assert shown.json()["output"][0]["action"]["sources"] == [{"type": "url", "url": "https://a"}]
    expired = create(api, input="expire").json()
    assert expired["status"] == "failed" and expired["error"]["message"] == "The model failed to generate a response."


def test_unknown_sub_paths_are_invalid_urls(api: TestClient) -> None:
    answer = api.post("/v1/conversations/conv_1/messages")
    assert answer.status_code == 404
    assert error(answer) == {
        "message": "Invalid URL (POST /v1/conversations/conv_1/messages)",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    assert api.get("/v1/responses/resp_1/steps").status_code == 404


def test_strict_mode_misses_are_recorded_for_responses(api: TestClient, store: Store) -> None:
    store.script.configure_runs(KEY, {"strict": True})
    rules(store, {"match": {"contains": "hello"}, "reply": "hi"})
    failed = create(api, input="helo").json()
    assert failed["status"] == "failed" and "no script rule matched" in failed["error"]["message"]
    misses = store.script.script_misses(KEY)
    assert misses == [{"response_id": failed["id"], "message": failed["error"]["message"], "project": KEY}]


def test_conversation_items_keep_insertion_order_when_the_clock_moves_back(api: TestClient, store: Store) -> None:
    conversation = api.post("/v1/conversations", json={"items": [{"role": "user", "content": "first"}]}).json()["id"]
    store.set_clock(KEY, 1_000)
    api.post(f"/v1/conversations/{conversation}/items", json={"items": [{"role": "user", "content": "second"}]})
    listed = api.get(f"/v1/conversations/{conversation}/items?order=asc").json()["data"]
    assert [i["content"][0]["text"] for i in listed] == ["first", "second"]
