"""Issue 12, fidelity gaps found by Schemathesis: each refused as the reference says, storing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store

API = {"Authorization": "Bearer sk-fid", "OpenAI-Beta": "assistants=v2"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Store())) as c:
        yield c


def _assistant(client: TestClient, **fields: Any) -> Any:
    return client.post("/v1/assistants", headers=API, json={"model": "gpt-4o", **fields})


@pytest.mark.parametrize(
    "file_search",
    [
        {},
        {"vector_store_ids": ["vs_1"], "vector_stores": [{}]},
        {"vector_stores": [{"file_ids": "nope"}]},
        {"vector_stores": [{"unknown": 1}]},
        {"vector_stores": [{"chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 50}}}]},
        {"vector_stores": [{"metadata": {"k" * 65: "v"}}]},
    ],
)
def test_file_search_resources_take_exactly_one_valid_form(client: TestClient, file_search: Any) -> None:
    response = _assistant(client, tools=[{"type": "file_search"}], tool_resources={"file_search": file_search})
    assert response.status_code == 400, response.text
    assert client.get("/v1/assistants", headers=API).json()["data"] == []


def test_file_search_with_only_vector_store_ids_is_accepted(client: TestClient) -> None:
    store = client.post("/v1/vector_stores", headers=API, json={}).json()["id"]
    response = _assistant(client, tool_resources={"file_search": {"vector_store_ids": [store]}})
    assert response.status_code == 200, response.text


def test_json_schema_schema_may_be_absent_but_not_null(client: TestClient) -> None:
    fmt: dict[str, Any] = {"type": "json_schema", "json_schema": {"name": "x", "schema": None}}
    assert _assistant(client, response_format=fmt).status_code == 400
    del fmt["json_schema"]["schema"]
    assert _assistant(client, response_format=fmt).status_code == 200


@pytest.mark.parametrize("url", ["", "not a url", "example.com/a.png", "ftp://x/y.png", "http://"])
def test_image_urls_must_be_urls(client: TestClient, url: str) -> None:
    thread = client.post("/v1/threads", headers=API, json={}).json()["id"]
    part = {"type": "image_url", "image_url": {"url": url}}
    response = client.post(f"/v1/threads/{thread}/messages", headers=API, json={"role": "user", "content": [part]})
    assert response.status_code == 400 and response.json()["error"]["param"] == "content[0].image_url.url"


@pytest.mark.parametrize("limit", ["1_0", "+5", " 8\r", "\u0665", "8 "])
def test_limit_takes_plain_ascii_digits_only(client: TestClient, limit: str) -> None:
    response = client.get("/v1/assistants", headers=API, params={"limit": limit})
    assert response.status_code == 400 and response.json()["error"]["param"] == "limit"


def test_a_405_names_the_allowed_methods(client: TestClient) -> None:
    response = client.put("/v1/threads", headers=API, json={})
    assert response.status_code == 405 and "POST" in response.headers["allow"]


def test_a_tool_output_without_a_call_id_is_a_missing_parameter() -> None:
    from .runs_helpers import WEATHER_RULE, get_run, setup_thread, start_run

    store = Store()
    store.script.add_script_rules("sk-fid", [WEATHER_RULE])
    api = TestClient(create_app(store), headers=API)
    assistant_id, thread_id = setup_thread(api, text="weather?")
    run = get_run(api, thread_id, start_run(api, thread_id, assistant_id)["id"])
    url = f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs"
    response = api.post(url, json={"tool_outputs": [{"output": "22C"}]})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == "tool_outputs[0].tool_call_id" and "None" not in error["message"]


def test_the_access_log_escapes_control_characters() -> None:
    from mockserver.control.security import log_safe

    assert log_safe("/v1/a\r\nFAKE 200") == "/v1/a\\r\\nFAKE 200"


def test_null_is_refused_where_the_reference_does_not_allow_it(client: TestClient) -> None:
    assistant = _assistant(client).json()["id"]
    thread = client.post("/v1/threads", headers=API, json={}).json()["id"]
    for path, body in [
        ("/v1/assistants", {"model": "gpt-4o", "tools": None}),
        (f"/v1/assistants/{assistant}", {"tools": None}),
        ("/v1/threads", {"messages": None}),
        (f"/v1/threads/{thread}/runs", {"assistant_id": assistant, "parallel_tool_calls": None}),
        ("/v1/threads/runs", {"assistant_id": assistant, "thread": None}),
    ]:
        response = client.post(path, headers=API, json=body)
        assert response.status_code == 400, (path, body, response.text)
    # where the reference says nullable, null still means "absent"
    assert client.post(f"/v1/threads/{thread}/runs", headers=API, json={"assistant_id": assistant, "tools": None})
