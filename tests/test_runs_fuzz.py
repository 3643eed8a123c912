"""Hypothesis: malformed bodies on the assistants/runs endpoints and script/settings control routes never yield a
500, and a rejected request changes nothing."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.beta.threads import Run
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store

from .conftest import HEADERS

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3000) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
FIELDS = [
    "assistant_id", "model", "instructions", "additional_instructions", "additional_messages", "tools", "metadata",
    "temperature", "top_p", "stream", "max_prompt_tokens", "max_completion_tokens", "truncation_strategy",
    "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort", "thread", "tool_resources",
    "tool_outputs", "name", "description", "rules", "match", "reply", "then", "times", "progress", "reads",
]  # fmt: skip
ENDPOINTS = [
    "/v1/assistants",
    "/v1/assistants/{assistant}",
    "/v1/threads/{thread}/runs",
    "/v1/threads/runs",
    "/v1/threads/{thread}/runs/{run}",
    "/v1/threads/{thread}/runs/{run}/submit_tool_outputs",
    "/__mock__/script",
    "/__mock__/runs/settings",
]


def bodies(ids: dict[str, str]) -> st.SearchStrategy[Any]:
    valid_ids = st.sampled_from([ids["assistant"], "asst_x", 5])
    return st.one_of(
        json_values,
        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
        st.fixed_dictionaries({"assistant_id": valid_ids}, optional={k: json_values for k in FIELDS[1:12]}),
        st.fixed_dictionaries({"rules": st.lists(st.dictionaries(st.sampled_from(FIELDS[-6:]), json_values))}),
    )


def setup() -> tuple[TestClient, Store, dict[str, str]]:
    store = Store()
    client = TestClient(create_app(store), headers=HEADERS)
    tools = [{"type": "function", "function": {"name": "f"}}]
    assistant = client.post("/v1/assistants", json={"model": "m", "tools": tools}).json()
    thread = client.post("/v1/threads", json={"messages": [{"role": "user", "content": "call f"}]}).json()
    store.script.add_script_rules("sk-test-key", [{"reply": {"tool_calls": [{"name": "f"}]}}])
    run = client.post(f"/v1/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"]}).json()
    client.get(f"/v1/threads/{thread['id']}/runs/{run['id']}")
    return client, store, {"assistant": assistant["id"], "thread": thread["id"], "run": run["id"]}


def snapshot(client: TestClient, ids: dict[str, str]) -> Any:
    return (
        client.get("/v1/assistants", params={"limit": 100}).json(),
        client.get(f"/v1/threads/{ids['thread']}/runs", params={"limit": 100}).json(),
        client.get(f"/v1/threads/{ids['thread']}/messages", params={"limit": 100}).json(),
        client.get("/__mock__/script").json(),
        client.get("/__mock__/runs/settings").json(),
    )


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_bad_bodies_are_clean_400s_and_change_nothing(data: st.DataObject) -> None:
    client, _store, ids = setup()
    path = data.draw(st.sampled_from(ENDPOINTS)).format(**ids)
    body = data.draw(st.one_of(bodies(ids).map(lambda b: json.dumps(b).encode()), st.binary(max_size=30)))
    before = snapshot(client, ids)
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"message", "type", "param", "code"}
        assert snapshot(client, ids) == before, f"rejected {path} changed state"


RUN_FIELDS = [*FIELDS[1:17], "thread", "tool_resources"]
nested_keys = st.sampled_from(
    ["type", "function", "name", "file_search", "ranking_options", "score_threshold", "last_messages", "json_schema",
     "schema", "strict", "parameters", "role", "content", "text", "metadata", "messages", "code_interpreter"]
)  # fmt: skip
nested_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3000) | st.text(max_size=6)
    | st.sampled_from(["auto", "function", "f", "last_messages", "json_schema", "user", "low"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(nested_keys, children, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(RUN_FIELDS), nested_values, max_size=3), st.booleans())
def test_run_create_fields_never_500_and_accepted_runs_parse(body: dict[str, Any], create_and_run: bool) -> None:
    """Every run-create field with a valid assistant: a clean 400, or a run the SDK's ``Run`` type parses."""
    client, store, ids = setup()
    store.script.configure_runs("sk-test-key", {"progress": "immediate"})
    if create_and_run:
        response = client.post("/v1/threads/runs", json={"assistant_id": ids["assistant"], **body})
    else:
        thread = client.post("/v1/threads", json={}).json()["id"]
        response = client.post(f"/v1/threads/{thread}/runs", json={"assistant_id": ids["assistant"], **body})
    assert response.status_code < 500, response.text
    if response.status_code == 200 and response.headers["content-type"] == "application/json":
        Run.model_validate(response.json())
