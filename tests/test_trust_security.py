"""Issue 12, security: file disclosure, Host, content type, Origin, control token, masking of keys."""

from __future__ import annotations

import http.client
import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.app import create_app
from mockserver.config import ServerConfig
from mockserver.remote import RemoteError, RemoteServer
from mockserver.store import Store

KEY = "sk-proj-secretsecretsecret1234"
API = {"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"}
SCENARIO = "version: 1\nthreads:\n  - id: thread_aaaaaaaaaaaaaaaaaaaaaaaa\n"


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    root = tmp_path / "fixtures"
    root.mkdir()
    (root / "ok.yaml").write_text(SCENARIO)
    (tmp_path / "secret.yaml").write_text("root:x:0:0:SECRET-CONTENT\n")
    (root / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    return root


@pytest.fixture
def server(fixtures: Path) -> Iterator[MockServer]:
    with MockServer(fixtures_dir=fixtures) as s:
        yield s


def _post(server: MockServer, path: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


@pytest.mark.parametrize(
    "body",
    [
        {"path": "SECRET"},
        {"name": "../secret"},
        {"name": "../secret.yaml"},
        {"name": "SECRET"},
        {"name": "link"},
        {"name": "ok", "fixtures_dir": ".."},
        {"document": {"version": 1, "include": ["SECRET"]}},
        {"document": {"version": 1, "include": ["../secret"]}},
    ],
)
def test_the_control_plane_reads_no_file_outside_the_fixtures_directory(
    server: MockServer, fixtures: Path, body: dict[str, Any]
) -> None:
    secret = str(fixtures.parent / "secret.yaml")
    text = json.dumps(body).replace("SECRET", secret)
    status, answer = _post(server, "/__mock__/scenario?project=p", json.loads(text))
    assert status == 400, answer
    assert "SECRET-CONTENT" not in json.dumps(answer) and "root:x" not in json.dumps(answer)


def test_a_name_inside_the_fixtures_directory_still_loads(server: MockServer) -> None:
    status, answer = _post(server, "/__mock__/scenario?project=p", {"name": "ok"})
    assert status == 200, answer
    assert server.store.assistants.get_thread("p", "thread_aaaaaaaaaaaaaaaaaaaaaaaa")["id"]


def _get(server: MockServer, path: str, host: str, headers: dict[str, str] | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.parametrize("path", ["/__mock__/health", "/v1/models"])
def test_a_loopback_server_answers_only_loopback_host_names(server: MockServer, path: str) -> None:
    assert _get(server, path, "attacker.example") == 403  # DNS rebinding
    assert _get(server, path, f"attacker.example:{server.port}") == 403
    assert _get(server, "/__mock__/health", f"localhost:{server.port}") == 200
    assert _get(server, "/__mock__/health", f"127.0.0.1:{server.port}") == 200


def test_control_writes_refuse_cross_site_requests(server: MockServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("POST", "/__mock__/reset", "{}", {"Content-Type": "text/plain"})
    response = conn.getresponse()
    assert response.status == 415 and "application/json" in json.loads(response.read())["error"]["message"]
    conn.close()
    origin = {"Origin": "http://attacker.example"}
    assert _post(server, "/__mock__/reset", {}, origin)[0] == 403
    assert _get(server, "/__mock__/requests", f"127.0.0.1:{server.port}", origin) == 403
    same = {"Origin": f"http://127.0.0.1:{server.port}"}
    assert _post(server, "/__mock__/reset", {}, same)[0] == 200


def test_a_control_token_is_required_when_configured() -> None:
    with MockServer(config=ServerConfig(control_token="tok")) as server:
        with pytest.raises(RemoteError) as info:
            RemoteServer(server.url).health()
        assert info.value.status == 401
        assert RemoteServer(server.url, token="tok").health()["status"] == "ok"
    with MockServer(config=ServerConfig(api_key="sk-only")) as server:  # --api-key protects the journal
        assert server.control_token == "sk-only"
        with pytest.raises(RemoteError):
            RemoteServer(server.url).requests()
    assert MockServer(host="0.0.0.0").control_token  # off loopback: always a token


def test_cors_preflight_on_the_data_plane_only() -> None:
    client = TestClient(create_app(Store()))
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    answer = client.options("/v1/threads", headers=preflight)
    assert answer.status_code == 204 and answer.headers["access-control-allow-origin"] == "https://app.example"
    assert client.options("/__mock__/reset", headers=preflight).status_code != 204


def test_keys_are_masked_in_the_journal_logs_listings_and_state_file(tmp_path: Path, caplog: Any) -> None:
    state = tmp_path / "state.json"
    caplog.set_level(logging.INFO, logger="mockserver.access")
    with MockServer(config=ServerConfig(state_file=str(state), save_interval=0), access_log=True) as server:
        client = server.client(api_key=KEY)
        client.beta.threads.create()
        entry = server.requests()[0]
        assert KEY not in json.dumps(entry.to_dict()) and KEY not in str(entry.raw_headers)
        assert entry.headers["authorization"].startswith("Bearer sk-proj-")
        remote = RemoteServer(server.url)
        assert KEY not in json.dumps(remote.now()) and KEY not in json.dumps(remote.export_state())
        thread = client.beta.threads.create()
    assert KEY not in caplog.text and KEY not in state.read_text()
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    with MockServer(config=ServerConfig(state_file=str(state), save_interval=0)) as server:
        # the sealed project is claimed back by its key: same objects, same ID sequence
        assert server.client(api_key=KEY).beta.threads.retrieve(thread.id).id == thread.id


def test_a_rejected_request_allocates_nothing() -> None:
    store = Store()
    client = TestClient(create_app(store, ServerConfig(api_key="sk-the-only-key")))
    for n in range(5):
        bad = {**API, "Authorization": f"Bearer sk-wrong-{n}"}
        assert client.post("/v1/threads", headers=bad, json={}).status_code == 401
    assert store.project_names() == []


@pytest.mark.parametrize("path", ["/v1/../secret", "/v1/%2e%2e/secret", "/v1/threads/%2E%2E/%2e%2e/secret"])
def test_the_recording_proxy_never_leaves_v1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    from mockserver.replay import UPSTREAM_KEY_ENV

    seen: list[str] = []

    class Upstream(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    monkeypatch.setenv(UPSTREAM_KEY_ENV, "sk-real-upstream-key-0000")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    Thread(target=upstream.serve_forever, daemon=True).start()
    cassette = tmp_path / "c.yaml"
    try:
        base = f"http://127.0.0.1:{upstream.server_address[1]}/api/v1"
        with MockServer(cassette=cassette, record_mode="all", upstream=base) as recorder:
            conn = http.client.HTTPConnection("127.0.0.1", recorder.port, timeout=10)
            conn.request("POST", path, "{}", {"Authorization": "Bearer sk-dummy", "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            conn.close()
            assert response.status == 404
            conn = http.client.HTTPConnection("127.0.0.1", recorder.port, timeout=10)
            conn.putrequest("POST", "/v1/threads", skip_host=True)
            conn.putheader("Host", "attacker.example")
            conn.putheader("Content-Length", "0")
            conn.endheaders()
            assert conn.getresponse().status == 403  # no relaying for another Host either
            conn.close()
    finally:
        upstream.shutdown()
        upstream.server_close()
    assert seen == []
    assert not cassette.exists() or "secret" not in cassette.read_text()
