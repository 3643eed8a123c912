"""Determinism: the same run requests give byte-identical responses and streams (ids, timestamps, events,
``x-request-id``) after a reset, on a new store, and whatever other projects did meanwhile."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store

from .conftest import HEADERS
from .runs_helpers import WEATHER_RULE, WEATHER_TOOL

PROJECT = "sk-test-key"


def play(api: TestClient, store: Store) -> list[tuple[int, str | None, bytes]]:
    """Assistant, streamed text run, streamed tool loop, create-and-run stream, polled run, cancel and listings."""
    store.script.add_script_rules(
        PROJECT, [WEATHER_RULE, {"match": {"contains": "hello"}, "reply": "Hi there, friend!"}]
    )
    store.script.configure_runs(PROJECT, {"chunk_size": 5})
    out = []

    def call(method: str, url: str, **kwargs: object) -> dict[str, object]:
        response = api.request(method, url, **kwargs)  # type: ignore[arg-type]
        out.append((response.status_code, response.headers.get("x-request-id"), response.content))
        return response.json() if response.headers["content-type"].startswith("application/json") else {}

    asst = call("POST", "/v1/assistants", json={"model": "gpt-4o", "tools": [WEATHER_TOOL]})["id"]
    thread = call("POST", "/v1/threads", json={"messages": [{"role": "user", "content": "hello"}]})["id"]
    call("POST", f"/v1/threads/{thread}/runs", json={"assistant_id": asst, "stream": True})
    weather = call("POST", "/v1/threads", json={"messages": [{"role": "user", "content": "weather?"}]})["id"]
    run = call("POST", f"/v1/threads/{weather}/runs", json={"assistant_id": asst})
    waiting = call("GET", f"/v1/threads/{weather}/runs/{run['id']}")
    calls = waiting["required_action"]["submit_tool_outputs"]["tool_calls"]  # type: ignore[index]
    outputs = [{"tool_call_id": c["id"], "output": "22C"} for c in calls]
    call(
        "POST",
        f"/v1/threads/{weather}/runs/{run['id']}/submit_tool_outputs",
        json={"tool_outputs": outputs, "stream": True},
    )
    body = {"assistant_id": asst, "stream": True, "thread": {"messages": [{"role": "user", "content": "hello"}]}}
    call("POST", "/v1/threads/runs", json=body)
    store.advance_clock(PROJECT, 7)
    polled = call("POST", f"/v1/threads/{thread}/runs", json={"assistant_id": asst})
    call("POST", f"/v1/threads/{thread}/runs/{polled['id']}/cancel")
    call("GET", f"/v1/threads/{thread}/runs/{polled['id']}")
    for thread_id in (thread, weather):
        call("GET", f"/v1/threads/{thread_id}/runs")
        call("GET", f"/v1/threads/{thread_id}/messages")
    call("GET", f"/v1/threads/{weather}/runs/{run['id']}/steps")
    return out


def test_same_requests_after_reset_give_identical_bytes() -> None:
    store = Store()
    with TestClient(create_app(store), headers=HEADERS) as api:
        first = play(api, store)
        store.reset()
        second = play(api, store)
    assert all(status == 200 for status, _, _ in first)
    assert first == second


def test_other_projects_do_not_change_a_project_s_runs() -> None:
    quiet, busy = Store(), Store()
    with TestClient(create_app(quiet), headers=HEADERS) as api:
        expected = play(api, quiet)
    other = {**HEADERS, "OpenAI-Project": "proj_other"}
    with TestClient(create_app(busy), headers=HEADERS) as api:
        assistant = api.post("/v1/assistants", headers=other, json={"model": "m"}).json()
        thread = api.post("/v1/threads", headers=other, json={}).json()
        api.post(f"/v1/threads/{thread['id']}/runs", headers=other, json={"assistant_id": assistant["id"]})
        assert play(api, busy) == expected
