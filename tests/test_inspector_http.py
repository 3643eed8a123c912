"""The inspector's server side in process: the page and its files, its read-only JSON endpoints, and the refusal
of control-plane writes from other origins (the browser tests in test_inspector_browser.py drive the page)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.app import create_app
from mockserver.control.inspector import masked_headers
from mockserver.store import Store

KEY = "sk-inspect-0123456789"
API = {"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"}
OWN = "http://testserver"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Store()), raise_server_exceptions=True) as c:
        yield c


def _post(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=API)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _thread_with_tool_run(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    client.post(
        f"/__mock__/script?project={KEY}",
        json={"rules": [{"name": "weather", "match": {"contains": "weather"}, "reply": {"text": "Sunny."}}]},
    )
    assistant = _post(client, "/v1/assistants", {"model": "gpt-4o"})
    thread = _post(client, "/v1/threads", {"messages": [{"role": "user", "content": "weather in Paris?"}]})
    run = _post(client, f"/v1/threads/{thread['id']}/runs", {"assistant_id": assistant["id"]})
    return thread, run


# -- the page -------------------------------------------------------------------------------------------------


def test_the_page_and_its_files_are_served_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/__mock__/ui")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    for name in ("/__mock__/ui/static/app.js", "/__mock__/ui/static/app.css"):
        assert name in page.text
        assert client.get(name).status_code == 200
    assert client.get("/__mock__/ui/").status_code == 200


@pytest.mark.parametrize("name", ["nope.js", "..%2Finspector.py", "index.txt", "..%2F..%2Fapp.py"])
def test_only_the_pages_own_files_are_served(client: TestClient, name: str) -> None:
    response = client.get(f"/__mock__/ui/static/{name}")
    assert response.status_code == 404 and response.json()["error"]["type"] == "invalid_request_error"


def test_the_static_files_ship_with_the_package() -> None:
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    package_data = pyproject.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    for suffix in ("html", "js", "css"):
        assert f'"**/*.{suffix}"' in package_data


# -- read-only endpoints --------------------------------------------------------------------------------------


def test_overview_lists_projects_with_their_clocks_and_the_fixture_scenarios(tmp_path: Path) -> None:
    (tmp_path / "support_bot.yaml").write_text("version: 1\n")
    (tmp_path / "notes.txt").write_text("not a scenario")
    server = MockServer(fixtures_dir=tmp_path)
    with TestClient(server.app, base_url="http://127.0.0.1") as client:  # a loopback server checks Host
        _post(client, "/v1/threads", {})
        body = client.get("/__mock__/ui/api/overview").json()
        assert body["projects"] == [{"name": KEY, "now": server.store.now(KEY)}]
        assert body["scenarios"] == ["support_bot"] and body["fixtures_dir"] == str(tmp_path)
        # The control plane's scenario loading resolves names against the same directory.
        loaded = client.post(f"/__mock__/scenario?project={KEY}", json={"name": "support_bot"})
        assert loaded.status_code == 200, loaded.text


def test_model_says_which_rule_answered_each_run(client: TestClient) -> None:
    thread, run = _thread_with_tool_run(client)
    client.get(f"/v1/threads/{thread['id']}/runs/{run['id']}", headers=API)
    body = client.get(f"/__mock__/ui/api/model?project={KEY}").json()
    assert [r["name"] for r in body["rules"]] == ["weather"]
    assert body["answers"] == [{"object": "thread.run", "id": run["id"], "thread_id": thread["id"], "rule": "weather"}]
    assert body["uses"] == {"weather": 1} and body["misses"] == []


def test_model_lists_misses_with_their_closest_rules(client: TestClient) -> None:
    client.post(f"/__mock__/runs/settings?project={KEY}", json={"strict": True})
    _, run = _thread_with_tool_run(client)
    other = _post(client, "/v1/threads", {"messages": [{"role": "user", "content": "tell me a joke"}]})
    assistant = run["assistant_id"]
    missed = _post(client, f"/v1/threads/{other['id']}/runs", {"assistant_id": assistant})
    client.get(f"/v1/threads/{other['id']}/runs/{missed['id']}", headers=API)
    body = client.get(f"/__mock__/ui/api/model?project={KEY}").json()
    assert [m["run_id"] for m in body["misses"]] == [missed["id"]]
    assert "weather" in body["misses"][0]["message"]
    assert {a["id"]: a["rule"] for a in body["answers"]}[missed["id"]] is None


def test_reading_the_model_or_an_object_of_an_unknown_project_creates_nothing(client: TestClient) -> None:
    for path in ("/__mock__/ui/api/model?project=ghost", "/__mock__/ui/api/object/thread_x?project=ghost"):
        assert client.get(path).status_code == 404
    assert client.get("/__mock__/ui/api/model").status_code == 400  # no project named
    assert client.app.state.store.project_names() == []  # type: ignore[attr-defined]


def test_object_by_id_is_exactly_what_the_api_returns_and_moves_no_run(client: TestClient) -> None:
    thread, run = _thread_with_tool_run(client)
    assert run["status"] == "queued"
    seen = client.get(f"/__mock__/ui/api/object/{run['id']}?project={KEY}").json()
    assert seen == run  # the run is still queued: looking is not a read that moves it along
    api_run = client.get(f"/v1/threads/{thread['id']}/runs/{run['id']}", headers=API).json()
    assert api_run["status"] == "completed"
    assert client.get(f"/__mock__/ui/api/object/{run['id']}?project={KEY}").json() == api_run
    steps = client.get(f"/v1/threads/{thread['id']}/runs/{run['id']}/steps", headers=API).json()["data"]
    messages = client.get(f"/v1/threads/{thread['id']}/messages", headers=API).json()["data"]
    assistant = client.get(f"/v1/assistants/{run['assistant_id']}", headers=API).json()
    api_thread = client.get(f"/v1/threads/{thread['id']}", headers=API).json()
    for expected in [*steps, *messages, assistant, api_thread]:
        got = client.get(f"/__mock__/ui/api/object/{expected['id']}", headers={"OpenAI-Project": KEY})
        assert got.json() == expected
    missing = client.get(f"/__mock__/ui/api/object/thread_nope?project={KEY}")
    assert missing.status_code == 404 and "thread_nope" in missing.json()["error"]["message"]


def test_a_journal_entry_in_full_with_credentials_masked(client: TestClient) -> None:
    _post(client, "/v1/threads", {"metadata": {"k": "v"}})
    entry = client.get("/__mock__/ui/api/requests/0").json()
    assert entry["method"] == "POST" and entry["path"] == "/v1/threads" and entry["status"] == 200
    assert entry["body"] == {"metadata": {"k": "v"}} and entry["project"] == KEY
    assert entry["headers"]["authorization"] == "Bearer sk-inspe*********6789"
    assert KEY not in str(entry["headers"]) and isinstance(entry["duration_ms"], float)
    for bad in ("1", "x", "-1"):
        assert client.get(f"/__mock__/ui/api/requests/{bad}").status_code == 404


def test_masking_covers_every_credential_header() -> None:
    masked = masked_headers(
        {"api-key": "abcdefghijklmnop", "cookie": "session=secret", "x-mock-token": "t" * 20, "accept": "*/*"}
    )
    assert masked == {
        "api-key": "abcdefgh****mnop",
        "cookie": "session=****cret",
        "x-mock-token": "tttttttt********tttt",
        "accept": "*/*",
    }


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("status=abc", "status"),
        ("status=4xxx", "status"),
        ("since=-1", "since"),
        ("backlog=x", "backlog"),
        ("x=1", "x"),
    ],
)
def test_a_bad_stream_filter_is_a_400_before_streaming(client: TestClient, query: str, param: str) -> None:
    response = client.get(f"/__mock__/ui/api/stream?{query}")
    assert response.status_code == 400 and response.json()["error"]["param"] == param


# -- writes from web pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/__mock__/reset", "{}"),
        ("POST", "/__mock__/clock", '{"advance": 60}'),
        ("POST", "/__mock__/faults", '{"status": 500}'),
        ("DELETE", "/__mock__/faults", ""),
        ("POST", "/__mock__/state", "{}"),
    ],
)
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example", "Content-Type": "text/plain"},
        {"Origin": "http://evil.example", "Content-Type": "application/json"},
        {"Origin": "null", "Content-Type": "application/x-www-form-urlencoded"},
        {"Origin": "http://testserver:8080", "Content-Type": "application/json"},  # another port: another origin
        {"Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"},
    ],
)
def test_control_writes_from_another_origin_are_refused_and_change_nothing(
    client: TestClient, method: str, path: str, body: str, headers: dict[str, str]
) -> None:
    _post(client, "/v1/threads", {})
    before = client.get(f"/__mock__/state?project={KEY}").json()
    response = client.request(method, f"{path}?project={KEY}", content=body, headers=headers)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "cross_origin"
    assert client.get(f"/__mock__/state?project={KEY}").json() == before


def test_browser_writes_of_this_origin_must_be_json(client: TestClient) -> None:
    _post(client, "/v1/threads", {})
    headers = {"Origin": OWN, "Content-Type": "text/plain"}
    refused = client.post(f"/__mock__/clock?project={KEY}", content='{"advance": 60}', headers=headers)
    assert refused.status_code == 415 and refused.json()["error"]["code"] == "unsupported_media_type"
    now = client.get(f"/__mock__/clock?project={KEY}").json()["now"]
    ok = client.post(f"/__mock__/clock?project={KEY}", json={"advance": 60}, headers={"Origin": OWN})
    assert ok.status_code == 200 and ok.json()["now"] == now + 60


def test_reads_from_another_origin_and_non_json_writes_are_refused_the_api_is_not(client: TestClient) -> None:
    _post(client, "/v1/threads", {})
    assert client.get("/__mock__/state", headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.get("/__mock__/state").status_code == 200  # no Origin: a script, not a page
    # curl -d sends a form content type: control writes must say JSON (docs/stub.md, "Security").
    plain = client.post(
        f"/__mock__/clock?project={KEY}",
        content='{"advance": 1}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert plain.status_code == 415
    # The API itself is not the control plane: an Origin there is the client's business.
    assert client.post("/v1/threads", json={}, headers={**API, "Origin": "http://evil.example"}).status_code == 200


def test_overview_without_a_fixtures_directory_lists_no_scenarios(tmp_path: Path) -> None:
    server = MockServer(fixtures_dir=tmp_path / "missing")
    with TestClient(server.app, base_url="http://127.0.0.1") as client:
        assert client.get("/__mock__/ui/api/overview").json()["scenarios"] == []


def test_files_vector_stores_and_batches_by_id_are_what_the_api_returns(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    upload = client.post(
        "/v1/files",
        headers=auth,
        files={"file": ("notes.txt", b"hello world", "text/plain")},
        data={"purpose": "assistants"},
    )
    assert upload.status_code == 200, upload.text
    file = upload.json()
    store = _post(client, "/v1/vector_stores", {"name": "docs", "file_ids": [file["id"]]})
    batch = _post(client, f"/v1/vector_stores/{store['id']}/file_batches", {"file_ids": [file["id"]]})
    for expected in (file, store, batch):
        got = client.get(f"/__mock__/ui/api/object/{expected['id']}?project={KEY}").json()
        assert got == expected  # as created: looking did not move processing along
    assert client.get(f"/v1/files/{file['id']}", headers=auth).json() == file


def test_a_stored_chat_completion_by_id_is_what_the_api_returns(client: TestClient) -> None:
    body = {"model": "gpt-4o", "store": True, "messages": [{"role": "user", "content": "hi"}]}
    completion = _post(client, "/v1/chat/completions", body)
    stored = client.get(f"/v1/chat/completions/{completion['id']}", headers=API).json()
    assert client.get(f"/__mock__/ui/api/object/{completion['id']}?project={KEY}").json() == stored


def test_responses_and_conversations_by_id_and_the_rule_that_answered(client: TestClient) -> None:
    client.post(
        f"/__mock__/script?project={KEY}",
        json={"rules": [{"name": "greet", "match": {"contains": "hello"}, "reply": {"text": "Hi!"}}]},
    )
    conversation = _post(client, "/v1/conversations", {})
    response = _post(client, "/v1/responses", {"model": "gpt-4o", "input": "hello", "conversation": conversation["id"]})
    for expected in (response, client.get(f"/v1/conversations/{conversation['id']}", headers=API).json()):
        assert client.get(f"/__mock__/ui/api/object/{expected['id']}?project={KEY}").json() == expected
    item = response["output"][0]
    assert client.get(f"/__mock__/ui/api/object/{item['id']}?project={KEY}").json() == item
    answers = client.get(f"/__mock__/ui/api/model?project={KEY}").json()["answers"]
    assert {"object": "response", "id": response["id"], "rule": "greet"} in answers
