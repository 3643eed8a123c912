"""The inspector's live journal (``GET /__mock__/ui/api/stream``) against the threaded server: the backlog, new
requests as they happen, filters, resuming after a reconnect, and the stream ending when the server stops."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from mockserver import MockServer

from .clients import tracked


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as s:
        yield s


def _events(response: httpx.Response) -> Iterator[tuple[str, Any]]:
    """(event, data) pairs from an SSE response; comments and retry hints skipped."""
    name, data = None, None
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and name is not None:
            yield name, data
            name, data = None, None


def _until(events: Iterator[tuple[str, Any]], wanted: str) -> list[tuple[str, Any]]:
    seen = []
    for event in events:
        seen.append(event)
        if event[0] == wanted:
            return seen
    raise AssertionError(f"stream ended before {wanted!r}: {seen}")


def _open(server: MockServer, query: str = "", headers: dict[str, str] | None = None) -> Any:
    client = tracked(httpx.Client(timeout=httpx.Timeout(10.0)))
    return client.stream("GET", f"{server.url}/__mock__/ui/api/stream?{query}", headers=headers or {})


def test_backlog_then_live_requests_made_by_the_sdk(server: MockServer) -> None:
    sdk = tracked(server.client())
    thread = sdk.beta.threads.create()
    with _open(server) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _events(response)
        backlog = _until(events, "ready")
        assert [(n, d["path"]) for n, d in backlog[:-1]] == [("request", "/v1/threads")]
        assert backlog[-1] == ("ready", {"next_index": 1})
        sdk.beta.threads.retrieve(thread.id)
        name, entry = next(events)
        assert name == "request" and entry["method"] == "GET" and entry["path"] == f"/v1/threads/{thread.id}"
        assert entry["status"] == 200 and entry["index"] == 1 and entry["project"] == "sk-mockserver"
        assert entry["request_id"].startswith("req_") and "headers" not in entry  # the body is fetched on demand


def test_filters_apply_to_backlog_and_live_entries(server: MockServer) -> None:
    sdk = tracked(server.client())
    other = tracked(server.client(api_key="sk-other"))
    sdk.beta.threads.create()
    with pytest.raises(openai.NotFoundError):
        sdk.beta.threads.retrieve("thread_missing")
    query = "project=sk-mockserver&method=get&status=4xx&path_contains=/threads"
    with _open(server, query) as response:
        events = _events(response)
        backlog = _until(events, "ready")
        assert [d["path"] for n, d in backlog if n == "request"] == ["/v1/threads/thread_missing"]
        with pytest.raises(openai.NotFoundError):
            other.beta.threads.retrieve("thread_elsewhere")  # another project: filtered out
        sdk.beta.threads.create()  # a POST: filtered out
        with pytest.raises(openai.NotFoundError):
            sdk.beta.threads.retrieve("thread_again")
        name, entry = next(events)
        assert (name, entry["path"], entry["status"]) == ("request", "/v1/threads/thread_again", 404)


def test_a_reconnect_resumes_after_the_last_event_id(server: MockServer) -> None:
    sdk = tracked(server.client())
    for _ in range(3):
        sdk.beta.threads.create()
    with _open(server, headers={"Last-Event-ID": "0"}) as response:
        backlog = _until(_events(response), "ready")
        assert [d["index"] for n, d in backlog if n == "request"] == [1, 2]
    with _open(server, "since=2&backlog=5") as response:
        backlog = _until(_events(response), "ready")
        assert [d["index"] for n, d in backlog if n == "request"] == [2]
    with _open(server, "backlog=0") as response:
        assert _until(_events(response), "ready") == [("ready", {"next_index": 3})]


def test_clearing_the_journal_is_announced(server: MockServer) -> None:
    sdk = tracked(server.client())
    with _open(server) as response:
        events = _events(response)
        _until(events, "ready")
        server.reset("sk-mockserver")
        assert next(events) == ("cleared", {"project": "sk-mockserver"})
        sdk.beta.threads.create()
        assert next(events)[0] == "request"


def test_the_stream_ends_when_the_server_stops_so_shutdown_does_not_wait_for_it() -> None:
    server = MockServer().start()
    with _open(server) as response:
        events = _events(response)
        _until(events, "ready")
        stopper = threading.Thread(target=server.stop)
        stopper.start()
        assert next(events) == ("closed", {})
        assert list(events) == []  # and the response is complete
        stopper.join()
    assert not server.running


def test_a_client_that_leaves_is_unsubscribed(server: MockServer) -> None:
    with _open(server) as response:
        events = _events(response)  # kept: a collected reader would close the connection early
        _until(events, "ready")
        assert server.journal.subscriber_count == 1
    deadline = time.monotonic() + 10
    while server.journal.subscriber_count and time.monotonic() < deadline:
        time.sleep(0.01)  # the server notices the closed connection on its own thread
    assert server.journal.subscriber_count == 0
