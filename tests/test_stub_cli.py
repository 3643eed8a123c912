"""`mockserver serve` in a subprocess on port 0, driven over HTTP: every control endpoint through
``MockServer.connect``, the serve options, the access log."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from mockserver import MockServer
from mockserver.core.secrets import seal
from mockserver.remote import RemoteError, RemoteServer, StubUnreachableError

from .clients import tracked
from .stub_process import StubProcess

KEY = "sk-cli"


@pytest.fixture(scope="module")
def stub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StubProcess]:
    state = tmp_path_factory.mktemp("stub") / "state.json"
    with StubProcess("--state-file", str(state), "--save-interval", "0", "--seed", "cli") as process:
        yield process


@pytest.fixture
def remote(stub: StubProcess) -> RemoteServer:
    server = MockServer.connect(stub.url + "/v1")  # the base URL works too
    server.reset()
    server.clear_faults()
    return server


def _sdk(stub: StubProcess, key: str = KEY) -> openai.OpenAI:
    client = openai.OpenAI(api_key=key, base_url=stub.base_url, max_retries=0, _strict_response_validation=True)
    tracked(client)
    return client


def test_health(remote: RemoteServer) -> None:
    health = remote.health()
    assert health["status"] == "ok" and health["state_file"]["path"].endswith("state.json")


def test_reset_one_project_and_all(stub: StubProcess, remote: RemoteServer) -> None:
    a = _sdk(stub, "sk-a").beta.threads.create()
    b = _sdk(stub, "sk-b").beta.threads.create()
    remote.reset(project="sk-a")
    with pytest.raises(openai.NotFoundError):
        _sdk(stub, "sk-a").beta.threads.retrieve(a.id)
    assert _sdk(stub, "sk-b").beta.threads.retrieve(b.id).id == b.id
    remote.reset()
    with pytest.raises(openai.NotFoundError):
        _sdk(stub, "sk-b").beta.threads.retrieve(b.id)


def test_export_import_and_save(stub: StubProcess, remote: RemoteServer) -> None:
    thread = _sdk(stub).beta.threads.create(messages=[{"role": "user", "content": "keep me"}])
    state = remote.export_state()
    assert state["seed"] == "cli" and state["projects"][seal(KEY)]["threads"][0]["id"] == thread.id
    assert remote.export_state(project=KEY) == state["projects"][seal(KEY)]
    saved = remote.save()
    assert saved["projects"] == 1 and Path(saved["path"]).exists()
    assert json.loads(Path(saved["path"]).read_text()) == {**state, "epoch": 0, "clean": False}
    remote.reset()
    assert remote.import_state(state) == [seal(KEY)]
    messages = _sdk(stub).beta.threads.messages.list(thread_id=thread.id)
    assert messages.data[0].content[0].text.value == "keep me"  # type: ignore[union-attr]
    with pytest.raises(RemoteError) as info:
        remote.import_state({"format": "mockserver-state", "version": 99, "projects": {}})
    assert info.value.status == 400 and info.value.error["param"] == "version"


def test_load_scenario_inline_and_as_baseline(stub: StubProcess, remote: RemoteServer) -> None:
    thread_id = "thread_" + "S" * 24
    document = {"version": 1, "threads": [{"id": thread_id}]}
    remote.load_scenario(document=document, project=KEY)
    assert _sdk(stub).beta.threads.retrieve(thread_id).id == thread_id
    with pytest.raises(openai.NotFoundError):
        _sdk(stub, "sk-else").beta.threads.retrieve(thread_id)
    remote.load_scenario(document=document)  # no project: every project's baseline
    assert _sdk(stub, "sk-else").beta.threads.retrieve(thread_id).id == thread_id
    remote.load_scenario(document={"version": 1})  # back to an empty baseline
    with pytest.raises(RemoteError) as info:
        remote.load_scenario("no-such-scenario-file")
    assert info.value.status == 400


def test_journal_over_http(stub: StubProcess, remote: RemoteServer) -> None:
    client = _sdk(stub)
    thread = client.beta.threads.create()
    client.beta.threads.retrieve(thread.id)
    entries = remote.requests()
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/v1/threads", 200),
        ("GET", f"/v1/threads/{thread.id}", 200),
    ]
    assert remote.requests(method="GET", project=KEY)[0]["index"] == entries[1]["index"]
    assert remote.requests(path_contains="nothing") == []
    assert remote.requests(since=entries[1]["index"]) == entries[1:]
    remote.clear_requests()
    assert remote.requests() == []


def test_clock_over_http(stub: StubProcess, remote: RemoteServer) -> None:
    start = remote.now(project=KEY)
    assert remote.advance_clock(3600, project=KEY) == start + 3600
    assert _sdk(stub).beta.threads.create().created_at == start + 3600
    assert remote.set_clock(1_800_000_000, project=KEY) == 1_800_000_000
    assert remote.now() == {seal(KEY): 1_800_000_000}  # listings never show a key


def test_faults_over_http(remote: RemoteServer) -> None:
    added = remote.add_faults([{"path": "/v1/threads", "status": 429, "times": 1}], project=KEY)
    assert added[0]["project"] == seal(KEY) and added[0]["remaining"] == 1
    remote.add_fault(status=500, probability=0.1)
    assert [f["project"] for f in remote.faults()] == [seal(KEY), None]
    assert remote.clear_faults(project=KEY) == 1
    assert remote.clear_faults() == 1
    with pytest.raises(RemoteError) as info:
        remote.add_fault(status=500, probability=2)
    assert info.value.error["param"] == "faults[0].probability"


def test_server_errors_endpoint(remote: RemoteServer) -> None:
    assert remote.server_errors() == []


def test_connect_fails_clearly_when_nothing_listens() -> None:
    with pytest.raises(StubUnreachableError, match=r"cannot reach mockserver at http://127\.0\.0\.1:9/__mock__/health"):
        MockServer.connect("http://127.0.0.1:9", timeout=5)


def test_access_log_goes_to_stderr(stub: StubProcess, remote: RemoteServer) -> None:
    _sdk(stub).beta.threads.create()
    remote.health()  # a round trip after the request, so its log line has been written
    assert f'"POST /v1/threads" 200 {seal(KEY)} req_' in stub.stderr() and f" {KEY} " not in stub.stderr()


def test_api_key_body_limit_journal_limit_and_clean_sigint(tmp_path: Path) -> None:
    with StubProcess("--api-key", "sk-right-key-0001", "--max-body-bytes", "200", "--journal-limit", "3") as stub:
        assert stub.url.startswith("http://127.0.0.1:")  # loopback unless told otherwise
        with pytest.raises(openai.AuthenticationError) as info:
            _sdk(stub, "sk-wrong-key-0002").beta.threads.create()
        assert info.value.code == "invalid_api_key" and "sk-wrong*****0002" in info.value.message
        client = _sdk(stub, "sk-right-key-0001")
        with pytest.raises(openai.APIStatusError) as big:
            client.beta.threads.create(metadata={f"k{i}": "v" * 40 for i in range(10)})
        assert big.value.status_code == 413
        for _ in range(5):
            client.beta.threads.create()
        with pytest.raises(RemoteError) as refused:  # --api-key protects the journal too
            RemoteServer(stub.url).requests()
        assert refused.value.status == 401
        assert len(RemoteServer(stub.url, token="sk-right-key-0001").requests()) == 3
        code, out = stub.stop(signal.SIGINT)
    assert code == 0 and "mockserver stopped" in out


def test_a_port_in_use_is_a_clear_start_failure(stub: StubProcess) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--port", str(stub.port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "cannot listen on 127.0.0.1" in done.stderr
