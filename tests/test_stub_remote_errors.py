"""``MockServer.connect``: an unreachable address, or something that is not a mockserver, fails clearly."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mockserver import MockServer
from mockserver.remote import RemoteError, StubUnreachableError


class _NotAStub(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html>hello</html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def not_a_stub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotAStub)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens there now


def test_connecting_to_nothing_names_the_address() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(StubUnreachableError, match=rf"cannot reach mockserver at {url}/__mock__/health") as info:
        MockServer.connect(url)
    assert isinstance(info.value, ConnectionError)


def test_an_answer_that_is_not_json_is_a_remote_error(not_a_stub: str) -> None:
    with pytest.raises(RemoteError, match="not a mockserver control API answer") as info:
        MockServer.connect(not_a_stub)
    assert info.value.status == 200


def test_a_stub_that_goes_away_fails_the_next_call_clearly() -> None:
    with MockServer() as server:
        remote = MockServer.connect(server.url)
        remote.add_fault(status=503, times=1)
        assert remote.faults()[0]["status"] == 503
    with pytest.raises(StubUnreachableError, match="cannot reach mockserver"):
        remote.faults()


def test_script_rules_and_run_settings_from_another_process_view() -> None:
    with MockServer() as server:
        remote = MockServer.connect(server.url, project="sk-rules")
        remote.add_rule(match={"contains": "hi"}, reply="Hello!")
        assert [r["reply"] for r in remote.rules()] == [server.rules("sk-rules")[0]["reply"]]
        assert remote.configure_runs(chunk_size=4)["chunk_size"] == 4
        assert remote.run_settings()["chunk_size"] == 4 and remote.script_misses() == []
        remote.clear_rules()
        assert remote.rules() == []
        with pytest.raises(RemoteError) as info:
            remote.configure_runs(bogus=1)
        assert info.value.status == 400


def test_file_content_reads_back_any_uploaded_file_from_another_process() -> None:
    with MockServer() as server:
        sdk = server.client(api_key="sk-files", max_retries=0)
        uploaded = sdk.files.create(file=("notes.txt", b"\x00private bytes\xff"), purpose="assistants")
        sdk.close()
        remote = MockServer.connect(server.url, project="sk-files")
        assert remote.file_content(uploaded.id) == b"\x00private bytes\xff", "assistants files too"
        with pytest.raises(RemoteError) as info:
            remote.file_content("file-nope")
        assert (info.value.status, info.value.error["message"]) == (404, "No such File object: file-nope")
        with pytest.raises(RemoteError) as info:
            MockServer.connect(server.url).file_content(uploaded.id)  # which project's file?
        assert info.value.status == 400 and info.value.error["param"] == "project"
        with pytest.raises(RemoteError) as info:
            remote.file_content(uploaded.id, project="sk-someone-else")
        assert info.value.status == 404, "a project sees only its own files"
        assert server.store.project_names() == ["sk-files"], "looking created no project"
        with pytest.raises(RemoteError) as info:
            remote.file_content(uploaded.id, project="")
        assert info.value.status == 400, "an empty project is no project"
