"""Fidelity details of runs found in review: request validation order and wording, rejected requests changing
nothing (not even a run's read count or the ID sequence), field inheritance and expiry timestamps."""

from __future__ import annotations

from typing import Any

import pytest
from openai.types.beta.threads import Run
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.core.ids import DEFAULT_EPOCH
from mockserver.store import Store

from .conftest import HEADERS
from .runs_helpers import WEATHER_RULE, WEATHER_TOOL, get_run, ok, setup_thread, start_run

PROJECT = "sk-test-key"
UNKNOWN_ASSISTANT = "asst_" + "x" * 24


def error_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    return dict(response.json()["error"])


def test_run_tools_override_is_validated_and_echoed(api: TestClient) -> None:
    assistant_id, thread_id = setup_thread(api)
    other = {"type": "function", "function": {"name": "lookup"}}
    run = start_run(api, thread_id, assistant_id, tools=[other, {"type": "code_interpreter"}])
    assert run["tools"] == [
        {"type": "function", "function": {"name": "lookup", "parameters": {}, "strict": False}},
        {"type": "code_interpreter"},
    ]
    too_many = api.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id, "tools": [other] * 21})
    assert error_of(too_many)["code"] == "array_above_max_length"


@pytest.mark.parametrize(
    ("name", "message", "code"),
    [
        (
            "a b",
            "Invalid 'tools[0].function.name': string does not match pattern. "
            "Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
            "invalid_value",
        ),
        (
            "a" * 65,
            "Invalid 'tools[0].function.name': string too long. "
            "Expected a string with maximum length 64, but got a string with length 65 instead.",
            "string_above_max_length",
        ),
    ],
)
def test_function_name_errors(api: TestClient, name: str, message: str, code: str) -> None:
    assistant_id, thread_id = setup_thread(api)
    tools = [{"type": "function", "function": {"name": name}}]
    error = error_of(api.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id, "tools": tools}))
    assert (error["message"], error["param"], error["code"]) == (message, "tools[0].function.name", code)


def test_file_search_ranking_options_need_a_score_threshold(api: TestClient) -> None:
    tool = {"type": "file_search", "file_search": {"ranking_options": {"ranker": "auto"}}}
    error = error_of(api.post("/v1/assistants", json={"model": "m", "tools": [tool]}))
    assert error["message"] == "Missing required parameter: 'tools[0].file_search.ranking_options.score_threshold'."


@pytest.mark.parametrize("path", ["/v1/threads/{thread}/runs", "/v1/threads/runs"])
def test_body_errors_come_before_the_assistant_lookup(api: TestClient, path: str) -> None:
    """Schema validation of the whole body happens before the referenced assistant is looked up."""
    _, thread_id = setup_thread(api)
    response = api.post(path.format(thread=thread_id), json={"assistant_id": UNKNOWN_ASSISTANT, "temperature": 5})
    assert error_of(response)["param"] == "temperature"
    missing = api.post(path.format(thread=thread_id), json={"assistant_id": UNKNOWN_ASSISTANT})
    assert missing.status_code == 404


def test_rejected_requests_do_not_count_as_reads(api: TestClient, store: Store) -> None:
    """A bad body on submit/modify, or an unknown step, must not move an ``on_read`` run along."""
    store.script.configure_runs(PROJECT, {"reads": 2})
    assistant_id, thread_id = setup_thread(api)
    run = start_run(api, thread_id, assistant_id)
    base = f"/v1/threads/{thread_id}/runs/{run['id']}"
    headers = {"Content-Type": "application/json"}
    assert api.post(f"{base}/submit_tool_outputs", content=b"{bad", headers=headers).status_code == 400
    assert api.post(base, content=b"{bad", headers=headers).status_code == 400
    assert api.get(f"{base}/steps/step_{'x' * 24}").status_code == 404
    assert get_run(api, thread_id, run["id"])["status"] == "in_progress", "only this GET was a read"
    assert get_run(api, thread_id, run["id"])["status"] == "completed"


def test_rejected_assistant_create_mints_no_vector_store_id(api: TestClient) -> None:
    upload = {"data": {"purpose": "assistants"}, "files": {"file": ("a.txt", b"x")}}
    helper = {"file_search": {"vector_stores": [{"file_ids": [ok(api.post("/v1/files", **upload))["id"]]}]}}
    bad = api.post("/v1/assistants", json={"model": "m", "tool_resources": helper, "temperature": 9})
    assert bad.status_code == 400
    made = ok(api.post("/v1/assistants", json={"model": "m", "tool_resources": helper}))
    with TestClient(create_app(Store()), headers=HEADERS) as fresh:
        fresh.post("/v1/files", **upload)
        expected = ok(fresh.post("/v1/assistants", json={"model": "m", "tool_resources": helper}))
    assert made["tool_resources"] == expected["tool_resources"]


def test_steps_of_a_run_expired_by_the_clock_carry_the_run_expiry(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(PROJECT, [WEATHER_RULE])
    assistant_id, thread_id = setup_thread(api, text="weather?")
    run = get_run(api, thread_id, start_run(api, thread_id, assistant_id)["id"])
    store.advance_clock(PROJECT, 1000)
    expired = get_run(api, thread_id, run["id"])
    step = ok(api.get(f"/v1/threads/{thread_id}/runs/{run['id']}/steps"))["data"][0]
    assert expired["expires_at"] == DEFAULT_EPOCH + 600
    assert step["status"] == "expired" and step["expired_at"] == step["expires_at"] == DEFAULT_EPOCH + 600


def test_run_inherits_the_assistant_reasoning_effort(api: TestClient) -> None:
    assistant_id, thread_id = setup_thread(api, reasoning_effort="low")
    assert start_run(api, thread_id, assistant_id)["reasoning_effort"] == "low"
    created = ok(api.post("/v1/threads/runs", json={"assistant_id": assistant_id}))
    assert created["reasoning_effort"] == "low"
    _, other_thread = setup_thread(api)
    assert start_run(api, other_thread, assistant_id, reasoning_effort="high")["reasoning_effort"] == "high"


def test_tool_overrides_parse_in_the_sdk_types(api: TestClient) -> None:
    assistant_id, thread_id = setup_thread(api)
    run = start_run(
        api,
        thread_id,
        assistant_id,
        tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        truncation_strategy={"type": "last_messages", "last_messages": 3},
        response_format={"type": "json_schema", "json_schema": {"name": "out", "schema": {"type": "object"}}},
    )
    assert run["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert run["truncation_strategy"] == {"type": "last_messages", "last_messages": 3}
    assert run["response_format"]["json_schema"]["name"] == "out"
    # What the SDK does with _strict_response_validation=True: a shape it cannot parse raises here.
    parsed = Run.model_validate(run)
    assert parsed.tool_choice is not None and parsed.truncation_strategy is not None


@pytest.mark.parametrize(
    "extra",
    [
        {"temperature": 3},
        {"tool_resources": {"file_search": {"vector_store_ids": ["a", "b"]}}},
        {"thread": {"messages": [{"role": "user", "content": "ok"}, {"role": "system", "content": "no"}]}},
        {"assistant_id": UNKNOWN_ASSISTANT},
    ],
)
def test_rejected_create_and_run_leaves_no_thread_and_no_id_used(api: TestClient, extra: dict[str, Any]) -> None:
    assistant_id, _ = setup_thread(api)
    thread = {"messages": [{"role": "user", "content": "hi"}], "metadata": {"k": "v"}}
    body = {"assistant_id": assistant_id, "thread": thread, **extra}
    assert api.post("/v1/threads/runs", json=body).status_code in (400, 404)
    after = ok(api.post("/v1/threads/runs", json={"assistant_id": assistant_id, "thread": thread}))
    with TestClient(create_app(Store()), headers=HEADERS) as fresh:
        fresh_assistant, _ = setup_thread(fresh)
        expected = ok(fresh.post("/v1/threads/runs", json={"assistant_id": fresh_assistant, "thread": thread}))
    assert (after["thread_id"], after["id"]) == (expected["thread_id"], expected["id"])
