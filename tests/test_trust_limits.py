"""Issue 12: what a request may store must be servable and reloadable (surrogates, NaN, depth), and other limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.control.journal import Journal
from mockserver.control.persistence import StateFile, export_all, import_all
from mockserver.core import errors as e
from mockserver.store import Store

API = {"Authorization": "Bearer sk-limits", "OpenAI-Beta": "assistants=v2", "Content-Type": "application/json"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Store())) as c:
        yield c


def _thread(client: TestClient) -> str:
    response = client.post("/v1/threads", headers=API, json={})
    assert response.status_code == 200
    return str(response.json()["id"])


@pytest.mark.parametrize(
    "raw",
    [
        b'{"role": "user", "content": "x\\ud800"}',
        b'{"role": "user", "content": "x", "metadata": {"k\\udfff": "v"}}',
        b'{"role": "user", "content": "x", "metadata": {"a": NaN}}',
        b'{"role": "user", "content": [{"type": "text", "text": "x"}], "metadata": {"a": Infinity}}',
        b" \n ",
    ],
)
def test_a_body_that_cannot_be_served_back_is_refused_and_stores_nothing(client: TestClient, raw: bytes) -> None:
    thread = _thread(client)
    response = client.post(f"/v1/threads/{thread}/messages", headers=API, content=raw)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"].startswith("We could not parse the JSON body")
    assert client.get(f"/v1/threads/{thread}/messages", headers=API).json()["data"] == []
    assert client.get("/__mock__/state").status_code == 200
    assert client.get("/__mock__/requests").status_code == 200


def _nested(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def test_one_depth_rule_what_a_request_stores_always_reloads(client: TestClient) -> None:
    def create(levels: int) -> Any:
        tool = {"type": "function", "function": {"name": "f", "parameters": _nested(levels)}}
        return client.post("/v1/assistants", headers=API, json={"model": "gpt-4o", "tools": [tool]})

    refused = create(100)
    assert refused.status_code == 400 and "nested more than 64 levels" in refused.json()["error"]["message"]
    # The deepest accepted body, stored, exported and imported again (the server accepts its own export).
    deepest = 64 - 5  # body -> tools -> tool -> function -> parameters, then two levels per nesting step
    accepted = create(deepest // 2)
    assert accepted.status_code == 200, accepted.text
    exported = client.get("/__mock__/state").json()
    assert client.post("/__mock__/state", json=exported).status_code == 200
    assert client.get("/__mock__/state").json() == exported


def test_a_state_file_with_a_surrogate_or_nan_is_refused_at_load(tmp_path: Path) -> None:
    store = Store()
    store.assistants.create_thread("p", {"metadata": {"k": "v"}})
    document = export_all(store)
    text = json.dumps(document).replace('"v"', '"\\ud800"')
    with pytest.raises(e.MockError, match="lone surrogate"):
        import_all(Store(), json.loads(text))
    target = tmp_path / "state.json"
    target.write_text(json.dumps(document).replace('"v"', "NaN"))
    from mockserver.control.persistence import StateFileError

    with pytest.raises(StateFileError, match="NaN"):
        StateFile(target, Store(), Journal()).load()


def test_an_unknown_top_level_key_in_a_state_document_is_refused() -> None:
    document = {**export_all(Store()), "extra": 1}
    with pytest.raises(e.InvalidRequestError, match="extra"):
        import_all(Store(), document)


def test_a_scenario_name_longer_than_a_file_name_is_a_404_like_not_found(client: TestClient) -> None:
    response = client.post("/__mock__/scenario", json={"name": "a" * 300})
    assert response.status_code == 400 and "not found" in response.json()["error"]["message"]


def test_an_encoded_slash_in_a_path_segment_is_not_a_slash(client: TestClient) -> None:
    thread = _thread(client)
    response = client.get(f"/v1/threads%2F{thread}", headers=API)
    assert response.status_code == 404


def test_the_journal_is_bounded_in_bytes_with_a_marker() -> None:
    journal = Journal(100, body_bytes=10, total_bytes=25)
    for n in range(5):
        journal.record(
            method="POST", path="/v1/x", query="", raw_headers=[], raw_body=b'{"k": "' + b"x" * 100 + b'"}',
            status=400, project="p", request_id=f"r{n}",
        )  # fmt: skip
    kept = journal.entries()
    assert [e.request_id for e in kept] == ["r3", "r4"]  # 10 bytes each, at most 25 in all
    assert kept[0].body_truncated == 109 and kept[0].to_dict()["body"].endswith("...[truncated: 109 bytes]")


def _closed_by_server(sock: Any) -> bool:
    sock.settimeout(30)
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True


def _protocols() -> list[Any]:
    """Both HTTP protocols uvicorn may pick: h11, and httptools (what ``uvicorn[standard]`` installs; the test
    extras install it so this runs both)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    found: list[Any] = [pytest.param(H11Protocol, id="h11")]
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        found.append(pytest.param(None, id="httptools", marks=pytest.mark.skip(reason="httptools not installed")))
    else:
        found.append(pytest.param(HttpToolsProtocol, id="httptools"))
    return found


@pytest.mark.parametrize("protocol", _protocols())
def test_silent_partial_headers_and_stalled_bodies_are_closed_and_a_stall_is_no_server_error(
    protocol: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from mockserver import MockServer
    from mockserver import server as server_module
    from mockserver.config import ServerConfig

    monkeypatch.setattr(server_module, "HTTP_PROTOCOL", protocol)
    with MockServer(config=ServerConfig(read_timeout=0.2)) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as idle:
            assert _closed_by_server(idle)
        with socket.create_connection(("127.0.0.1", server.port)) as partial:
            partial.sendall(b"POST /v1/threads HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            assert _closed_by_server(partial)
        with socket.create_connection(("127.0.0.1", server.port)) as stalled:
            head = b"POST /v1/threads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-x\r\n"
            stalled.sendall(head + b"OpenAI-Beta: assistants=v2\r\nContent-Length: 100\r\n\r\n{")
            answer = b""
            stalled.settimeout(30)
            while chunk := stalled.recv(65536):
                answer += chunk
        assert server.errors.items == []  # a client that leaves mid-body is its event, not a bug in the fake
        assert [e.status for e in server.requests()] == [499]


def test_connections_beyond_the_cap_get_a_503() -> None:
    import socket

    from mockserver import MockServer
    from mockserver.config import ServerConfig

    with MockServer(config=ServerConfig(max_connections=2)) as server:
        held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(2)]
        try:
            with socket.create_connection(("127.0.0.1", server.port)) as extra:
                extra.sendall(b"GET /__mock__/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                extra.settimeout(30)
                assert extra.recv(65536).startswith(b"HTTP/1.1 503")
        finally:
            for sock in held:
                sock.close()


BOMB = """format: mockserver-cassette
version: 1
a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
interactions:
  - request: {method: POST, path: /v1/threads, body: *f}
    response: {status: 200, body: {}}
"""


def test_a_cassette_alias_bomb_is_flagged_by_lint_and_refused_by_load_and_import(tmp_path: Path) -> None:
    from mockserver.replay import load_interactions
    from mockserver.replay.cassette import CassetteError
    from mockserver.replay.lint import lint_file
    from mockserver.replay.vcr import import_vcr

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    assert any("aliases expand" in str(finding) for finding in lint_file(bomb))
    with pytest.raises(CassetteError, match="aliases expand"):
        load_interactions(bomb)
    with pytest.raises(CassetteError, match="aliases expand"):
        import_vcr(bomb, tmp_path / "out.yaml")


@pytest.mark.parametrize("protocol", _protocols())
def test_a_large_body_the_server_is_slow_to_read_is_not_a_stalled_client(
    protocol: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ~64 KiB uvicorn stops reading until the app takes the body; a latency fault delays that. The deadline
    must not take the server's own pause for a silent client (it did: the upload failed mid-way)."""
    import openai

    from mockserver import MockServer
    from mockserver import server as server_module
    from mockserver.config import ServerConfig

    monkeypatch.setattr(server_module, "HTTP_PROTOCOL", protocol)
    with MockServer(config=ServerConfig(read_timeout=0.2)) as server:
        server.add_fault(method="POST", path="/v1/files", latency_ms=700, times=1, project="sk-slow")
        client = server.client(api_key="sk-slow", max_retries=0)
        try:
            uploaded = client.files.create(file=("big.bin", b"\x01" * 2_000_000), purpose="user_data")
        except openai.APIConnectionError:
            pytest.fail("the connection was closed while the server, not the client, was waiting")
        finally:
            client.close()
        assert server.file_content(uploaded.id, "sk-slow") == b"\x01" * 2_000_000
        assert server.errors.items == []
