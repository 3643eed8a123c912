"""Hypothesis: no body, however malformed, yields a 500 or changes state when rejected."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store

from .conftest import HEADERS

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
FIELDS = ["role", "content", "attachments", "metadata", "messages", "tool_resources", "type", "text", "image_url"]
bodies = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system"]), "content": json_values},
        optional={"attachments": json_values, "metadata": json_values},
    ),
)
raw_bodies = st.binary(max_size=40)

ENDPOINTS = [
    ("POST", "/v1/threads"),
    ("POST", "/v1/threads/{thread}"),
    ("POST", "/v1/threads/{thread}/messages"),
    ("POST", "/v1/threads/{thread}/messages/{message}"),
]

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def setup() -> tuple[TestClient, Store, dict[str, str]]:
    store = Store()
    app = create_app(store)
    client = TestClient(app, headers=HEADERS)
    thread = client.post("/v1/threads", json={"messages": [{"role": "user", "content": "seed"}]}).json()
    message = client.get(f"/v1/threads/{thread['id']}/messages").json()["data"][0]
    return client, store, {"thread": thread["id"], "message": message["id"]}


def snapshot(client: TestClient, ids: dict[str, str]) -> Any:
    return (
        client.get(f"/v1/threads/{ids['thread']}").json(),
        client.get(f"/v1/threads/{ids['thread']}/messages", params={"limit": 100}).json(),
    )


@SETTINGS
@given(st.sampled_from(ENDPOINTS), st.one_of(bodies.map(lambda b: json.dumps(b).encode()), raw_bodies))
def test_arbitrary_bodies_never_500_and_rejections_change_nothing(endpoint: tuple[str, str], raw: bytes) -> None:
    client, _, ids = setup()
    before = snapshot(client, ids)
    method, template = endpoint
    response = client.request(method, template.format(**ids), content=raw)
    assert response.status_code in (200, 400), response.text
    body = response.json()
    if response.status_code == 400:
        assert set(body["error"]) == {"message", "type", "param", "code"}
        assert snapshot(client, ids) == before
    assert client.app.state.errors.items == []  # type: ignore[attr-defined]


@SETTINGS
@given(st.dictionaries(st.text(max_size=70), st.text(max_size=520), max_size=18))
def test_metadata_is_accepted_exactly_within_its_limits(metadata: dict[str, str]) -> None:
    client, _, _ = setup()
    response = client.post("/v1/threads", json={"metadata": metadata})
    within = len(metadata) <= 16 and all(len(k) <= 64 and len(v) <= 512 for k, v in metadata.items())
    assert response.status_code == (200 if within else 400), response.text
    if within:
        assert response.json()["metadata"] == metadata


@SETTINGS
@given(st.dictionaries(st.sampled_from(["limit", "order", "after", "before", "run_id"]), st.text(max_size=6)))
def test_arbitrary_list_queries_never_500(query: dict[str, str]) -> None:
    client, _, ids = setup()
    response = client.get(f"/v1/threads/{ids['thread']}/messages", params=query)
    assert response.status_code in (200, 400)
    data: dict[str, Any] = response.json()
    assert ("error" in data) == (response.status_code == 400)
