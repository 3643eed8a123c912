"""Chat Completions request validation over HTTP: the real status, wording, param and code (section 6.10)."""
# ruff: noqa: E501 (the table of real error texts reads best one case per line)

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.store import Store

U = [{"role": "user", "content": "hi"}]
TOOLS = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}]
CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


def base(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o", "messages": U, **extra}


CASES: list[tuple[str, dict[str, Any], int, str, str | None, str | None]] = [
    ("no model", {"messages": U}, 400, "you must provide a model parameter", None, None),
    ("model null", {"model": None, "messages": U}, 400, "you must provide a model parameter", None, None),
    ("model int", {"model": 7, "messages": U}, 400, "Invalid type for 'model': expected a string, but got an integer instead.", "model", "invalid_type"),
    ("no messages", {"model": "gpt-4o"}, 400, "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"),
    ("empty messages", base(messages=[]), 400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array"),
    ("unknown field", base(foo=1), 400, "Unrecognized request argument supplied: foo", None, None),
    ("bad role", base(messages=[{"role": "model", "content": "x"}]), 400, "Invalid value: 'model'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", "messages[0].role", "invalid_value"),
    ("no role", base(messages=[{"content": "x"}]), 400, "Missing required parameter: 'messages[0].role'.", "messages[0].role", "missing_required_parameter"),
    ("no content", base(messages=[{"role": "user"}]), 400, "Missing required parameter: 'messages[0].content'.", "messages[0].content", "missing_required_parameter"),
    ("content int", base(messages=[{"role": "user", "content": 3}]), 400, "Invalid type for 'messages[0].content': expected one of a string or array of content parts, but got an integer instead.", "messages[0].content", "invalid_type"),
    ("bad part", base(messages=[{"role": "user", "content": [{"type": "video"}]}]), 400, "Invalid value: 'video'. Supported values are: 'text', 'image_url', 'input_audio', and 'file'.", "messages[0].content[0].type", "invalid_value"),
    ("nested unknown", base(messages=[{"role": "user", "content": "x", "bogus": 1}]), 400, "Unknown parameter: 'messages[0].bogus'.", "messages[0].bogus", "unknown_parameter"),
    ("tool first", base(messages=[*U, {"role": "tool", "tool_call_id": "c", "content": "x"}]), 400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", "messages.[1].role", None),
    ("unanswered", base(messages=[*U, {"role": "assistant", "tool_calls": [CALL]}, {"role": "user", "content": "x"}], tools=TOOLS), 400, "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_1", "messages.[1].role", None),
    ("stream_options", base(stream_options={"include_usage": True}), 400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", None),
    ("json word", base(response_format={"type": "json_object"}), 400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages", None),
    ("top_logprobs alone", base(top_logprobs=2), 400, "Invalid value for 'top_logprobs': requires 'logprobs' to be true.", "top_logprobs", None),
    ("n high", base(n=129), 400, "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead.", "n", "integer_above_max_value"),
    ("temperature", base(temperature=3), 400, "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.", "temperature", "decimal_above_max_value"),
    ("temperature str", base(temperature="hot"), 400, "Invalid type for 'temperature': expected a decimal, but got a string instead.", "temperature", "invalid_type"),
    ("stop five", base(stop=["a", "b", "c", "d", "e"]), 400, "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.", "stop", "array_above_max_length"),
    ("tool_choice no tools", base(tool_choice="auto"), 400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice", None),
    ("parallel no tools", base(parallel_tool_calls=False), 400, "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", "parallel_tool_calls", None),
    ("tool_choice bad", base(tools=TOOLS, tool_choice="always"), 400, "Invalid value: 'always'. Supported values are: 'none', 'auto' and 'required'.", "tool_choice", "invalid_value"),
    ("strict schema", base(response_format={"type": "json_schema", "json_schema": {"name": "Out", "strict": True, "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}), 400, "Invalid schema for response_format 'Out': In context=(), 'additionalProperties' is required to be supplied and to be false.", "response_format", "invalid_json_schema"),
    ("schema no name", base(response_format={"type": "json_schema", "json_schema": {"schema": {}}}), 400, "Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name", "missing_required_parameter"),
    ("metadata", base(metadata={str(i): "v" for i in range(17)}), 400, "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.", "metadata", "object_above_max_properties"),
    ("embedding model", base(model="text-embedding-3-small"), 404, "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?", "model", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status", "message", "param", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_requests_get_the_real_errors(
    api: TestClient, store: Store, body: dict[str, Any], status: int, message: str, param: str | None, code: str | None
) -> None:
    response = api.post("/v1/chat/completions", json=body)
    assert response.status_code == status, response.text
    assert response.json() == {
        "error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    }
    assert response.headers["x-should-retry"] == "false"
    # a refused request stores nothing and mints no id
    assert store.id_counters(api.headers["authorization"][7:]) == {"request": 1}


def test_check_order_unknown_field_before_model(api: TestClient) -> None:
    response = api.post("/v1/chat/completions", json={"foo": 1})
    assert response.json()["error"]["message"] == "Unrecognized request argument supplied: foo"


def test_catalogue_is_enforced_once_set(api: TestClient, store: Store) -> None:
    assert api.post("/v1/chat/completions", json=base(model="my-fine-tune")).status_code == 200
    if getattr(store, "models", None) is None:
        pytest.skip("the models surface is not on this branch")
    store.models.set_models("sk-test-key", ["gpt-4o"])
    response = api.post("/v1/chat/completions", json=base(model="gpt-4o-mini"))
    assert response.status_code == 404
    assert response.json()["error"] == {
        "message": "The model `gpt-4o-mini` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }


def test_assistant_messages_echoed_from_a_completion_are_accepted(api: TestClient) -> None:
    first = api.post("/v1/chat/completions", json=base()).json()
    echoed = {**first["choices"][0]["message"], "audio": None, "function_call": None, "tool_calls": None}
    response = api.post("/v1/chat/completions", json=base(messages=[*U, echoed, {"role": "user", "content": "more"}]))
    assert response.status_code == 200, response.text


def test_every_content_part_form_is_accepted(api: TestClient) -> None:
    parts = [
        {"type": "text", "text": "look"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}},
        {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
        {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERi0=", "filename": "a.pdf"}},
    ]
    messages = [
        {"role": "developer", "content": [{"type": "text", "text": "be brief"}]},
        {"role": "system", "content": "sys", "name": "s"},
        {"role": "user", "content": parts, "name": "u"},
        {"role": "assistant", "content": [{"type": "refusal", "refusal": "no"}], "tool_calls": [CALL]},
        {"role": "tool", "tool_call_id": "call_1", "content": [{"type": "text", "text": "out"}]},
        {"role": "function", "name": "f", "content": None},
    ]
    response = api.post("/v1/chat/completions", json=base(messages=messages, tools=TOOLS))
    assert response.status_code == 200, response.text


def test_file_parts_name_uploaded_files(api: TestClient, store: Store) -> None:
    def ask(file_id: str) -> Any:
        part = {"type": "file", "file": {"file_id": file_id}}
        return api.post("/v1/chat/completions", json=base(messages=[{"role": "user", "content": [part]}]))

    missing = ask("file-nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No such File object: file-nope"
    assert missing.json()["error"]["param"] == "messages[0].content[0].file.file_id"
    uploaded = api.post("/v1/files", files={"file": ("a.pdf", b"%PDF-1.4")}, data={"purpose": "user_data"}).json()
    assert ask(uploaded["id"]).status_code == 200
    store.files.set_reference_checks("sk-test-key", False)
    assert ask("file-nope").status_code == 200
