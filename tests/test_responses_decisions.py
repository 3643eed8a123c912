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


#: Rows of reference section 6.2, checked word for word (message, param, code).
WORDING = [
    ({"model": None}, "Invalid type for 'model': expected a string, but got an object instead.", "model",
     "invalid_type"),
    ({"model": 7}, "Invalid type for 'model': expected a string, but got an integer instead.", "model", "invalid_type"),
    ({"model": ""}, "The requested model '' does not exist.", "model", "model_not_found"),
    ({"messages": []}, "Unsupported parameter: 'messages'. In the Responses API, this parameter has moved to 'input'. "
     "Try again with the new parameter. See the API documentation for more information: "
     "https://platform.openai.com/docs/api-reference/responses/create.", None, "unsupported_parameter"),
    ({"input": None}, "Invalid type for 'input': expected a string, but got an object instead.", "input",
     "invalid_type"),
    ({"input": 7}, "Invalid type for 'input': expected one of a string or array of input items, but got an integer "
     "instead.", "input", "invalid_type"),
    ({"input": [None]}, "Invalid type for 'input[0]': expected an input item, but got null instead.", "input[0]",
     "invalid_type"),
    ({"input": [{"role": "user"}]}, "Missing required parameter: 'input[0].content'.", "input[0].content",
     "missing_required_parameter"),
    ({"input": [{"role": "user", "content": "x", "bogus": 1}]}, "Unknown parameter: 'input[0].bogus'.",
     "input[0].bogus", "unknown_parameter"),
    ({"input": [{"role": "user", "content": [{"type": "output_text", "text": "x"}]}]}, "Invalid value: 'output_text'. "
     "Supported values are: 'input_text', 'input_image', 'input_file', 'scoped_content', and 'input_audio'.",
     "input[0].content[0]", "invalid_value"),
    ({"input": [{"role": "assistant", "content": [{"type": "input_text", "text": "x"}]}]}, "Invalid value: "
     "'input_text'. Supported values are: 'output_text' and 'refusal'.", "input[0].content[0]", "invalid_value"),
    ({"input": [{"role": "user", "content": [{"type": "input_text"}]}]}, "Missing required parameter: "
     "'input[0].content[0].text'.", "input[0].content[0].text", "missing_required_parameter"),
    ({"tools": "x"}, "Invalid type for 'tools': expected an array of tools, but got a string instead.", "tools",
     "invalid_type"),
    ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "Missing required parameter: 'tools[0].name'.",
     "tools[0].name", "missing_required_parameter"),
    ({"tool_choice": "bogus"}, "Invalid value: 'bogus'. Supported values are: 'none', 'auto', and 'required'.",
     "tool_choice", "invalid_value"),
    ({"tool_choice": {"type": "function"}}, "Missing required parameter: 'tool_choice.name'.", "tool_choice.name",
     "missing_required_parameter"),
    ({"tool_choice": 7}, "Invalid type for 'tool_choice': expected one of an object or 'none', 'auto', or 'required', "
     "but got an integer instead.", "tool_choice", "invalid_type"),
    ({"text": {"format": {"type": "bogus"}}}, "Invalid value: 'bogus'. Supported values are: 'json_object', 'text', "
     "and 'json_schema'.", "text.format.type", "invalid_value"),
    ({"text": {"format": {"type": "json_schema", "schema": {}}}}, "Missing required parameter: 'text.format.name'.",
     "text.format.name", "missing_required_parameter"),
    ({"include": ["bogus.thing"]}, "Invalid value: 'bogus.thing'. Supported values are: 'file_search_call.results', "
     "'web_search_call.results', 'web_search_call.action.sources', 'message.input_image.image_url', "
     "'computer_call_output.output.image_url', 'code_interpreter_call.outputs', 'reasoning.encrypted_content', and "
     "'message.output_text.logprobs'.", "include[0]", "invalid_value"),
    ({"max_output_tokens": 15}, "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, "
     "but got 15 instead.", "max_output_tokens", "integer_below_min_value"),
    ({"max_tool_calls": 0}, "Invalid 'max_tool_calls': integer below minimum value. Expected a value >= 1, but got 0 "
     "instead.", "max_tool_calls", "integer_below_min_value"),
    ({"temperature": "hot"}, "Invalid type for 'temperature': expected a decimal, but got a string instead.",
     "temperature", "invalid_type"),
    ({"metadata": {str(i): "v" for i in range(17)}}, "Invalid 'metadata': too many properties. Expected an object "
     "with at most 16 properties, but got an object with 17 properties instead.", "metadata",
     "object_above_max_properties"),
    ({"metadata": "x"}, "Invalid type for 'metadata': expected a metadata object, but got a string instead.",
     "metadata", "invalid_type"),
    ({"store": "yes"}, "Invalid type for 'store': expected a boolean, but got a string instead.", "store",
     "invalid_type"),
    ({"instructions": {}}, "Invalid type for 'instructions': expected a string, but got an object instead.",
     "instructions", "invalid_type"),
    ({"stream_options": {"include_usage": True}}, "Unknown parameter: 'stream_options.include_usage'.",
     "stream_options.include_usage", "unknown_parameter"),
    ({"service_tier": "bogus"}, "Invalid value: 'bogus'. Supported values are: 'auto', 'default', 'fast', 'flex', "
     "and 'priority'.", "service_tier", "invalid_value"),
    ({"previous_response_id": "gen-123"}, "Invalid 'previous_response_id': 'gen-123'. Expected an ID that begins "
     "with 'resp'.", "previous_response_id", "invalid_id_prefix"),
    ({"previous_response_id": "@results.ress"}, "Invalid 'previous_response_id': '@results.ress'. Expected an ID "
     "that contains letters, numbers, underscores, or dashes, but this value contained additional characters.",
     "previous_response_id", "invalid_value"),
    ({"conversation": "50370640246"}, "Invalid 'conversation': '50370640246'. Expected an ID that begins with "
     "'conv'.", "conversation", "invalid_value"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message", "param", "code"), WORDING)
def test_reference_wording(api: TestClient, body: dict[str, Any], message: str, param: str, code: str) -> None:
    answer = api.post("/v1/responses", json={"model": "m", "input": "hi", **body})
    assert answer.status_code == 400
    assert error(answer) == {"message": message, "type": "invalid_request_error", "param": param, "code": code}


def test_conversation_update_with_null_metadata_clears_it(api: TestClient) -> None:
    conversation = api.post("/v1/conversations", json={"metadata": {"a": "b"}}).json()["id"]
    assert api.post(f"/v1/conversations/{conversation}", json={"metadata": None}).json()["metadata"] == {}
    missing = api.post(f"/v1/conversations/{conversation}", json={})
    assert error(missing)["message"] == "Missing required parameter: 'metadata'."
