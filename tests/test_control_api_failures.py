"""A failed control request changes nothing, and bad control input is a 400 (never a 500)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store

KEY = "sk-fail"
API = {"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"}
STORY = {"version": 1, "threads": [{"id": "thread_" + "a" * 24, "messages": [{"role": "user", "content": "base"}]}]}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Store(seed="f")), raise_server_exceptions=True) as c:
        yield c


def _seed(client: TestClient) -> dict[str, Any]:
    """A project with an assistant, a thread with a queued run and a fault; returns its export."""
    thread = client.post("/v1/threads", headers=API, json={"messages": [{"role": "user", "content": "x"}]}).json()
    assistant = client.post("/v1/assistants", headers=API, json={"model": "gpt-4o"}).json()
    client.post(f"/v1/threads/{thread['id']}/runs", headers=API, json={"assistant_id": assistant["id"]})
    client.post(f"/__mock__/faults?project={KEY}", json={"path": "/v1/nothing", "status": 503})
    client.post("/__mock__/faults", json={"path": "/v1/nowhere", "status": 500})
    document: dict[str, Any] = client.get(f"/__mock__/state?project={KEY}").json()
    return document


def _everything(client: TestClient) -> tuple[Any, Any]:
    return client.get("/__mock__/state").json(), client.get("/__mock__/faults").json()


def _broken_documents(good: dict[str, Any]) -> list[dict[str, Any]]:
    """Documents whose mistakes only show while being applied (after the per-document checks passed)."""
    wrong_thread = copy.deepcopy(good)
    wrong_thread["threads"][0]["runs"][0]["thread_id"] = "thread_" + "b" * 24
    bad_fault = copy.deepcopy(good)
    bad_fault["faults"] = [{"status": 7}]
    return [wrong_thread, bad_fault]


@pytest.mark.parametrize("case", [0, 1])
def test_a_failed_project_import_leaves_the_project_as_it_was(client: TestClient, case: int) -> None:
    document = _seed(client)
    before = _everything(client)
    response = client.post(f"/__mock__/state?project={KEY}", json=_broken_documents(document)[case])
    assert response.status_code == 400, response.text
    assert _everything(client) == before


@pytest.mark.parametrize("case", [0, 1])
def test_a_failed_whole_state_import_leaves_every_project_as_it_was(client: TestClient, case: int) -> None:
    document = _seed(client)
    state = client.get("/__mock__/state").json()
    state["projects"]["sk-other"] = _broken_documents(document)[case]
    before = _everything(client)
    assert client.post("/__mock__/state", json=state).status_code == 400
    assert _everything(client) == before


@pytest.mark.parametrize("project", [KEY, None])
@pytest.mark.parametrize("reset", [False, True])
def test_a_failed_scenario_load_leaves_state_and_baseline_as_they_were(
    client: TestClient, project: str | None, reset: bool
) -> None:
    assert client.post("/__mock__/scenario", json={"document": STORY}).status_code == 200  # a baseline
    _seed(client)
    before = _everything(client)
    broken = {**STORY, "faults": [{"status": 7}]}
    query = f"?project={project}" if project else ""
    response = client.post(f"/__mock__/scenario{query}", json={"document": broken, "reset": reset})
    assert response.status_code == 400, response.text
    assert _everything(client) == before
    client.post("/__mock__/reset")  # the baseline survived too
    other = {**API, "Authorization": "Bearer sk-new"}
    texts = client.get(f"/v1/threads/{'thread_' + 'a' * 24}/messages", headers=other).json()["data"]
    assert [m["content"][0]["text"]["value"] for m in texts] == ["base"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": "x", "fixtures_dir": 5}, "fixtures_dir"),
        ({"name": 5}, "name"),
        ({"path": ["a"]}, "path"),
        ({"document": STORY, "reset": "yes"}, "reset"),
    ],
)
def test_scenario_body_fields_of_the_wrong_type_are_a_400(client: TestClient, body: dict[str, Any], param: str) -> None:
    response = client.post(f"/__mock__/scenario?project={KEY}", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param


@pytest.mark.parametrize("body", [{"set": 10**30}, {"advance": 10**30}, {"advance": 2**63}])
def test_clock_values_beyond_any_timestamp_are_a_400_and_move_nothing(client: TestClient, body: dict[str, Any]) -> None:
    client.post("/v1/threads", headers=API, json={})
    before = client.get("/__mock__/clock").json()
    response = client.post("/__mock__/clock", json=body)
    assert response.status_code == 400, response.text
    assert client.get("/__mock__/clock").json() == before


def test_an_advance_that_would_overflow_one_project_moves_no_project(client: TestClient) -> None:
    client.post("/v1/threads", headers=API, json={})
    client.post("/v1/threads", headers={**API, "Authorization": "Bearer sk-late"}, json={})
    client.post("/__mock__/clock?project=sk-late", json={"set": 253_402_300_000})  # near the year 9999
    before = client.get("/__mock__/clock").json()
    assert client.post("/__mock__/clock", json={"advance": 10_000}).status_code == 400
    assert client.get("/__mock__/clock").json() == before
