"""The control plane under /__mock__/ in process: every endpoint, its project scoping and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.core.secrets import seal
from mockserver.store import Store

KEY = "sk-ctl"
API = {"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Store()), raise_server_exceptions=True) as c:
        yield c


def _thread(client: TestClient, key: str = KEY, text: str = "hi") -> dict[str, Any]:
    headers = {**API, "Authorization": f"Bearer {key}"}
    response = client.post("/v1/threads", json={"messages": [{"role": "user", "content": text}]}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_health(client: TestClient) -> None:
    body = client.get("/__mock__/health").json()
    assert body["status"] == "ok" and body["state_file"] is None and body["server_errors"] == 0


def test_control_calls_create_no_project_and_are_not_journaled(client: TestClient) -> None:
    client.get("/__mock__/health")
    client.get("/__mock__/faults")
    assert client.app.state.store.project_names() == []  # type: ignore[attr-defined]
    assert client.get("/__mock__/requests").json()["data"] == []


def test_reset_one_project_or_all(client: TestClient) -> None:
    _thread(client, "sk-a")
    _thread(client, "sk-b")
    assert client.post("/__mock__/reset?project=sk-a").json() == {"ok": True, "project": "sk-a"}
    assert [r["project"] for r in client.get("/__mock__/requests").json()["data"]] == [seal("sk-b")]
    assert client.get("/__mock__/state").json()["projects"].keys() == {seal("sk-b")}
    client.post("/__mock__/reset")
    assert client.get("/__mock__/state").json()["projects"] == {}


def test_export_and_import_round_trip_keeps_ids_and_counters(client: TestClient) -> None:
    thread = _thread(client)
    exported = client.get("/__mock__/state").json()
    assert exported["format"] == "mockserver-state"
    one = client.get("/__mock__/state", headers={"Authorization": f"Bearer {KEY}"}).json()
    assert one == exported["projects"][seal(KEY)]
    next_id = _thread(client)["id"]
    client.post("/__mock__/reset")
    assert client.post("/__mock__/state", json=exported).json() == {"ok": True, "projects": [seal(KEY)]}
    assert client.get(f"/v1/threads/{thread['id']}", headers=API).status_code == 200
    assert _thread(client)["id"] == next_id  # the ID sequence continues where the export left it
    client.post("/__mock__/reset")
    client.post(f"/__mock__/state?project={KEY}", json=one)
    assert client.get(f"/v1/threads/{thread['id']}", headers=API).status_code == 200


def test_import_rejects_a_bad_document_and_changes_nothing(client: TestClient) -> None:
    thread = _thread(client)
    response = client.post(
        "/__mock__/state", json={"format": "mockserver-state", "version": 1, "projects": {"x": {"threads": 3}}}
    )
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalid_request_error"
    assert client.get(f"/v1/threads/{thread['id']}", headers=API).status_code == 200
    wrong = client.post("/__mock__/state", json={"format": "other"}).json()["error"]
    assert wrong["param"] == "format" and "?project=NAME" in wrong["message"]


def test_load_scenario_into_a_project_or_as_baseline(client: TestClient) -> None:
    document = {
        "version": 1,
        "threads": [{"id": "thread_" + "a" * 24, "messages": [{"role": "user", "content": "seeded"}]}],
    }
    ok = client.post("/__mock__/scenario?project=sk-one", json={"document": document})
    assert ok.json() == {"ok": True, "project": "sk-one", "baseline": False}
    seeded = {**API, "Authorization": "Bearer sk-one"}
    assert client.get("/v1/threads/thread_" + "a" * 24, headers=seeded).status_code == 200
    assert client.get("/v1/threads/thread_" + "a" * 24, headers=API).status_code == 404
    assert client.post("/__mock__/scenario", json={"document": document}).json()["baseline"] is True
    assert client.get("/v1/threads/thread_" + "a" * 24, headers=API).status_code == 200
    bad = client.post("/__mock__/scenario", json={"name": "x", "document": document})
    assert bad.status_code == 400 and "exactly one of" in bad.json()["error"]["message"]


def test_journal_filters(client: TestClient) -> None:
    thread = _thread(client)
    client.get(f"/v1/threads/{thread['id']}", headers=API)
    client.get("/v1/threads/thread_" + "b" * 24, headers=API)
    journal = client.get("/__mock__/requests").json()["data"]
    assert [(r["method"], r["status"]) for r in journal] == [("POST", 200), ("GET", 200), ("GET", 404)]
    assert journal[0]["body"]["messages"][0]["content"] == "hi"
    assert len(client.get("/__mock__/requests?method=GET").json()["data"]) == 2
    assert len(client.get("/__mock__/requests?status=404").json()["data"]) == 1
    assert len(client.get("/__mock__/requests?path=/v1/threads").json()["data"]) == 1
    assert [r["index"] for r in client.get("/__mock__/requests?limit=2").json()["data"]] == [1, 2]
    assert [r["index"] for r in client.get("/__mock__/requests?since=2").json()["data"]] == [2]
    assert client.get("/__mock__/requests?project=other").json()["data"] == []
    assert client.get("/__mock__/requests?colour=red").json()["error"]["param"] == "colour"
    assert client.get("/__mock__/requests?status=abc").json()["error"]["param"] == "status"
    client.delete("/__mock__/requests")
    assert client.get("/__mock__/requests").json()["data"] == []


def test_clock(client: TestClient) -> None:
    project = {"OpenAI-Project": "p1"}
    start = client.get("/__mock__/clock", headers=project).json()["now"]
    assert client.post("/__mock__/clock", json={"advance": 90}, headers=project).json() == {
        "project": "p1",
        "now": start + 90,
    }
    assert client.post("/__mock__/clock?project=p1", json={"set": 2_000_000_000}).json()["now"] == 2_000_000_000
    created = client.post("/v1/threads", json={}, headers={**API, "OpenAI-Project": "p1"}).json()
    assert created["created_at"] == 2_000_000_000
    assert client.get("/__mock__/clock").json() == {"projects": {"p1": 2_000_000_000}}
    assert client.post("/__mock__/clock", json={"advance": 10}).json() == {"projects": {"p1": 2_000_000_010}}
    for body in ({}, {"set": 1, "advance": 1}, {"set": "soon"}, {"advance": -5}, {"jump": 1}):
        assert client.post("/__mock__/clock?project=p1", json=body).status_code == 400, body


def test_faults_endpoints(client: TestClient) -> None:
    added = client.post("/__mock__/faults", json={"faults": [{"path": "/v1/threads", "status": 503, "times": 1}]})
    assert added.json()["data"][0]["remaining"] == 1 and added.json()["data"][0]["project"] is None
    client.post(f"/__mock__/faults?project={KEY}", json={"path": "/v1/threads/*", "status": 500})
    response = client.post("/v1/threads", json={}, headers=API)
    assert response.status_code == 503 and "overloaded" in response.json()["error"]["message"]
    assert "x-should-retry" not in response.headers
    assert client.post("/v1/threads", json={}, headers=API).status_code == 200
    listed = client.get("/__mock__/faults").json()["data"]
    assert [(f["project"], f["fired"]) for f in listed] == [(seal(KEY), 0), (None, 1)]
    assert client.get(f"/__mock__/faults?project={KEY}").json()["data"] == listed
    assert client.delete(f"/__mock__/faults?project={KEY}").json()["removed"] == 1
    assert client.delete("/__mock__/faults").json()["removed"] == 1
    bad = client.post("/__mock__/faults", json={"faults": [{"status": 700}]})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "faults[0].status"


def test_control_plane_is_never_faulted(client: TestClient) -> None:
    client.post("/__mock__/faults", json={"status": 500})
    assert client.get("/__mock__/health").status_code == 200


def test_drop_without_a_socket_surfaces_as_a_connection_reset(client: TestClient) -> None:
    client.post("/__mock__/faults", json={"drop": True, "times": 1})
    with pytest.raises(ConnectionResetError):
        client.post("/v1/threads", json={}, headers=API)
    assert client.get("/__mock__/requests").json()["data"][0]["status"] == 0


def test_save_without_a_state_file_is_a_clear_400(client: TestClient) -> None:
    error = client.post("/__mock__/state/save").json()["error"]
    assert error["code"] == "no_state_file" and "--state-file" in error["message"]


def test_errors_endpoint_and_unknown_control_paths(client: TestClient) -> None:
    assert client.get("/__mock__/errors").json() == {"object": "list", "data": []}
    missing = client.get("/__mock__/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_url"
