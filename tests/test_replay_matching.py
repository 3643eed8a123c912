"""The canonical request key, the one-use FIFO matcher, the miss diff, and secret scrubbing (pure units)."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mockserver.replay.matching import Matcher, request_key
from mockserver.replay.scrub import REDACTED_KEY, find_secrets, keep_headers, scrub_text, scrub_value
from mockserver.replay.wire import encode_body

objects = st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5) | st.booleans(), max_size=5)


def request(method: str, path: str, body: Any = None, query: Any = None, **headers: str) -> dict[str, Any]:
    found: dict[str, Any] = {"method": method, "path": path, "headers": headers}
    if body is not None:
        found["body"] = encode_body(json.dumps(body).encode())
    if query is not None:
        found["query"] = query
    return found


@given(body=objects, seed=st.integers())
def test_key_ignores_body_key_order_query_order_and_headers(body: dict[str, Any], seed: int) -> None:
    items = list(body.items())
    random.Random(seed).shuffle(items)
    a = request("POST", "/v1/x", body, "a=1&b=2", authorization="Bearer one")
    b = request("post", "/v1/x", dict(items), "b=2&a=1", authorization="Bearer two", accept="*/*")
    assert request_key(a) == request_key(b)
    assert request_key(a) != request_key(request("POST", "/v1/x", {**body, "a-longer-key": 1}, "a=1&b=2"))
    assert request_key(a) != request_key(request("POST", "/v1/x", body, "a=1&b=3"))
    assert request_key(a) != request_key(request("POST", "/v1/y", body, "a=1&b=2"))


def recorded(path: str, status: int, body: Any = None) -> dict[str, Any]:
    return {"request": request("POST", path, body), "response": {"status": status}}


def test_identical_requests_are_served_first_recorded_first_once_each() -> None:
    matcher = Matcher([recorded("/a", 1), recorded("/b", 2), recorded("/a", 3)])
    assert matcher.take(request("POST", "/b"))["response"]["status"] == 2  # any order across keys
    assert matcher.take(request("POST", "/a"))["response"]["status"] == 1
    assert matcher.take(request("POST", "/a"))["response"]["status"] == 3
    assert matcher.take(request("POST", "/a")) is None  # exhausted: never "the next response"
    assert matcher.unused() == []
    assert "already used" in matcher.miss(request("POST", "/a")).reason


def test_the_miss_diff_shows_the_closest_recordings_first() -> None:
    matcher = Matcher(
        [
            recorded("/v1/threads", 200, {"metadata": {}}),
            recorded("/v1/threads/t1/messages", 200, {"role": "user", "content": "hello"}),
            recorded("/v1/threads/t1/runs", 200, {"assistant_id": "a"}),
        ]
    )
    miss = matcher.miss(request("POST", "/v1/threads/t1/messages", {"role": "user", "content": "bye"}))
    assert miss.reason.startswith("no recording matches; the closest is #1: POST /v1/threads/t1/messages")
    first = miss.diff.split("--- ")[1]
    assert '-  "content": "hello",' in first and '+  "content": "bye",' in first
    assert miss.diff.count("--- recorded #") == 1  # only the same method and path: not unrelated recordings
    assert Matcher([]).miss(request("GET", "/x")).reason == "the cassette has no recordings"


def test_a_miss_diffs_same_shaped_paths_and_lists_the_rest_without_a_diff() -> None:
    matcher = Matcher(
        [
            recorded("/v1/threads", 200, {"metadata": {}}),
            recorded("/v1/threads/thread_abc/messages", 200, {"role": "user", "content": "hello"}),
            recorded("/v1/threads/thread_abc/runs", 200, {"assistant_id": "a"}),
        ]
    )
    other_id = matcher.miss(request("POST", "/v1/threads/thread_xyz/messages", {"role": "user", "content": "hello"}))
    assert other_id.diff.count("--- recorded #1") == 1 and other_id.diff.count("--- recorded #") == 1
    assert "-POST /v1/threads/thread_abc/messages" in other_id.diff
    unrelated = matcher.miss(request("POST", "/v1/assistants", {"model": "gpt-4o"}))
    assert unrelated.diff == ""
    assert unrelated.reason == (
        "the cassette has no recording of POST /v1/assistants (it has: POST /v1/threads, "
        "POST /v1/threads/thread_abc/messages, POST /v1/threads/thread_abc/runs)"
    )


def test_key_like_strings_are_scrubbed_and_placeholders_are_not() -> None:
    text = "keys sk-proj-abcdefghijklmnopqrstuvwxyz0123 and sk-mockserver, Bearer eyJhbGciOiJIUzI1NiJ9.payload"
    scrubbed = scrub_text(text, extra=("exact-secret",))
    assert "abcdefghijklmnop" not in scrubbed and "eyJhbGci" not in scrubbed
    assert "sk-mockserver" in scrubbed  # too short to be a real key: readable placeholders stay
    assert scrub_text("my exact-secret!", extra=("exact-secret",)) == f"my {REDACTED_KEY}!"
    assert scrub_value({"sk-svcacct-abcdefghijklmnopqrstuvwxyz": ["sk-abcdefghijklmnopqrstuvwxyz"]}) == {
        REDACTED_KEY: [REDACTED_KEY]
    }
    assert find_secrets(scrubbed) == []
    assert keep_headers([("Authorization", "Bearer x"), ("Content-Type", "a/b"), ("X-New-Secret", "y")],
                        frozenset({"content-type", "authorization"})) == {"content-type": "a/b"}  # fmt: skip


def test_a_query_only_miss_reads_plainly_with_repeated_and_bracketed_names() -> None:
    recorded = {"method": "GET", "path": "/v1/threads/t1/runs/r1/steps", "query": {"include[]": ["a.b", "c.d"]}}
    matcher = Matcher([{"request": recorded, "response": {"status": 200}}])
    asked = {"method": "GET", "path": "/v1/threads/t1/runs/r1/steps", "query": {"include[]": "a.b"}}
    miss = matcher.miss(asked)
    assert miss.line == "GET /v1/threads/t1/runs/r1/steps?include[]=a.b"
    assert "-GET /v1/threads/t1/runs/r1/steps?include[]=a.b&include[]=c.d" in miss.diff
