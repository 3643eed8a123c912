"""The recording proxy against a hand-rolled upstream: live stream passthrough, non-JSON errors, headers;
and multipart uploads, whose random boundary must not make every replay a miss."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver import MockServer
from mockserver.replay import UPSTREAM_KEY_ENV, load_interactions
from mockserver.replay.layer import capture_request
from mockserver.replay.matching import request_key

UPSTREAM_KEY = "sk-proj-ProxyEdgeUpstreamKey0123456789ab"
HEADERS = {"authorization": "Bearer sk-dummy", "openai-beta": "assistants=v2"}


class Upstream(BaseHTTPRequestHandler):
    gate = threading.Event()  # the stream's second half waits for the client to have seen the first
    seen_auth: list[str] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.seen_auth.append(self.headers.get("authorization", ""))
        if self.path.endswith("/runs"):
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b'event: thread.run.created\ndata: {"id":"run_1"}\n\n')
            self.wfile.flush()
            released = self.gate.wait(timeout=20)
            self.wfile.write(b"event: done\ndata: [DONE]\n\n" if released else b"event: late\ndata: {}\n\n")
            return
        self.send_response(502)
        self.send_header("content-type", "text/html")
        self.send_header("openai-organization", "org-SecretOrgName")
        self.send_header("set-cookie", "__cf_bm=abc")
        self.end_headers()
        self.wfile.write(b"<html><body>502 Bad Gateway</body></html>")


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv(UPSTREAM_KEY_ENV, UPSTREAM_KEY)
    Upstream.gate.clear()
    Upstream.seen_auth.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)  # HTTP/1.0: the close ends the body
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    Upstream.gate.set()
    server.shutdown()
    server.server_close()


def test_a_stream_reaches_the_client_before_the_upstream_finishes_it(tmp_path: Path, upstream: str) -> None:
    cassette = tmp_path / "live.yaml"
    with MockServer(cassette=cassette, record_mode="all", upstream=upstream) as recorder:
        url = f"{recorder.base_url}/threads/thread_1/runs"
        with httpx.stream("POST", url, json={"assistant_id": "asst_1", "stream": True}, headers=HEADERS) as response:
            chunks = response.iter_bytes()
            first = next(chunks)
            Upstream.gate.set()  # only now may the upstream finish: a buffering proxy would still be waiting
            rest = b"".join(chunks)
    assert first.startswith(b"event: thread.run.created") and rest.endswith(b"event: done\ndata: [DONE]\n\n")
    assert Upstream.seen_auth == [f"Bearer {UPSTREAM_KEY}"]
    stream = load_interactions(cassette)[0]["response"]["stream"]
    assert [event["event"] for event in stream["events"]] == ["thread.run.created", "done"]
    assert stream["end"] == "clean"


def test_a_non_json_upstream_error_is_recorded_and_replayed_as_sent(tmp_path: Path, upstream: str) -> None:
    cassette = tmp_path / "html.yaml"
    with MockServer(cassette=cassette, record_mode="all", upstream=upstream) as recorder:
        live = httpx.post(f"{recorder.base_url}/threads", json={}, headers=HEADERS)
    assert live.status_code == 502 and live.text == "<html><body>502 Bad Gateway</body></html>"
    text = cassette.read_text()
    assert "SecretOrgName" not in text and "__cf_bm" not in text
    with MockServer(cassette=cassette) as replayer:
        replayed = httpx.post(f"{replayer.base_url}/threads", json={}, headers=HEADERS)
    assert (replayed.status_code, replayed.content) == (502, live.content)
    assert replayed.headers["content-type"] == "text/html"


def upload(content: bytes, purpose: str = "assistants") -> dict[str, Any]:
    built = httpx.Request(
        "POST", "http://x/v1/files", files={"file": ("notes.jsonl", content)}, data={"purpose": purpose}
    )
    scope = {"method": "POST", "path": "/v1/files", "query_string": b"", "headers": list(built.headers.raw)}
    return capture_request(scope, built.read())


@pytest.mark.parametrize("content", [b'{"a": 1}\n', b"\x89PNG\r\n\x1a\n\xff\xfe binary"])
def test_multipart_uploads_match_whatever_their_random_boundary(content: bytes) -> None:
    first, second = upload(content), upload(content)
    assert first["body"] != second["body"]  # the boundaries differ...
    assert request_key(first) == request_key(second)  # ...the meaning does not
    assert request_key(upload(content + b"!")) != request_key(first)
    assert request_key(upload(content, purpose="vision")) != request_key(first)
