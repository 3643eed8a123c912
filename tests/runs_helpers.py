"""Helpers shared by the runs/streaming tests (in-process HTTP)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
WEATHER_RULE = {
    "name": "weather",
    "match": {"contains": "weather"},
    "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
    "then": "It is {{output}} in Paris.",
}


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def setup_thread(api: TestClient, text: str = "hello", **assistant: Any) -> tuple[str, str]:
    asst = ok(api.post("/v1/assistants", json={"model": "gpt-4o", "tools": [WEATHER_TOOL], **assistant}))
    thread = ok(api.post("/v1/threads", json={"messages": [{"role": "user", "content": text}]}))
    return asst["id"], thread["id"]


def start_run(api: TestClient, thread_id: str, assistant_id: str, **body: Any) -> dict[str, Any]:
    return dict(ok(api.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id, **body})))


def get_run(api: TestClient, thread_id: str, run_id: str) -> dict[str, Any]:
    return dict(ok(api.get(f"/v1/threads/{thread_id}/runs/{run_id}")))


def call_ids(run: dict[str, Any]) -> list[str]:
    return [c["id"] for c in run["required_action"]["submit_tool_outputs"]["tool_calls"]]
