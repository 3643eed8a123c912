"""Cassette files: exact round trips of bodies and events, validation, and safe concurrent writes."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.replay import CassetteError, load_interactions
from mockserver.replay.cassette import render, save
from mockserver.replay.scrub import scrub_text
from mockserver.replay.wire import EventRecorder, decode_body, encode_body, render_event

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)
styles = st.sampled_from([
    {"separators": (",", ":"), "ensure_ascii": False},
    {"indent": 2, "ensure_ascii": False},
    {"indent": 2},
    {},
])  # fmt: skip


def through_file(value: Any, suffix: str, tmp_path: Path) -> Any:
    path = tmp_path / f"c{suffix}"
    path.write_text(render([{"request": {"method": "GET", "path": "/"}, "response": value}], path))
    return load_interactions(path)[0]["response"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values, style=styles, newline=st.booleans(), suffix=st.sampled_from([".yaml", ".json"]))
def test_json_bodies_survive_the_file_byte_for_byte(
    value: Any, style: dict[str, Any], newline: bool, suffix: str, tmp_path: Path
) -> None:
    raw = (json.dumps(value, **style) + ("\n" if newline else "")).encode()
    if scrub_text(raw.decode()) != raw.decode():
        return  # a key-like string is scrubbed on purpose
    spec = encode_body(raw)
    assert spec is not None
    stored = through_file({"status": 200, "body": spec}, suffix, tmp_path)
    assert decode_body(stored["body"]) == raw


@given(raw=st.binary(min_size=1, max_size=64))
def test_any_bytes_survive_as_text_or_base64(raw: bytes) -> None:
    spec = encode_body(raw)
    assert spec is not None
    decoded = decode_body(yaml.safe_load(yaml.safe_dump(spec)))
    if scrub_text(raw.decode("utf-8", "replace")) == raw.decode("utf-8", "replace"):
        assert decoded == raw


STREAM = (
    b'event: thread.run.created\ndata: {"id":"run_1","object":"thread.run"}\n\n'
    b": keep-alive comment\n\n"
    b"event: thread.message.delta\n"
    b'data: {"id":"msg_1","delta":{"content":[{"index":0,"text":{"value":"h\xc3\xa9"}}]}}\n\n'
    b"event: odd\r\ndata: crlf framing\r\n\r\n"
    b"data: no event name\n\n"
    b"event: done\ndata: [DONE]\n\n"
)


@given(cuts=st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=8))
def test_events_are_the_same_however_the_stream_is_chunked(cuts: list[int]) -> None:
    recorder = EventRecorder()
    bounds = [0, *sorted(cuts), len(STREAM)]
    for start, end in itertools.pairwise(bounds):
        recorder.feed(STREAM[start:end], 0)
    section = recorder.finish(disconnected=False)
    assert b"".join(render_event(event) for event in section["events"]) == STREAM
    assert [event.get("event") for event in section["events"]] == [
        "thread.run.created", None, "thread.message.delta", None, None, "done"
    ]  # fmt: skip
    assert section["events"][0]["data"] == {"id": "run_1", "object": "thread.run"}
    assert section["end"] == "clean" and "tail" not in section


def test_stream_endings_are_told_apart() -> None:
    error = EventRecorder()
    error.feed(b'event: error\ndata: {"error":{"message":"boom"}}\n\nevent: done\ndata: [DONE]\n\n', 5)
    assert error.finish(disconnected=False)["end"] == "error"
    cut = EventRecorder()
    cut.feed(b"event: thread.run.created\ndata: {}\n\nevent: thread.run.que", 7)
    section = cut.finish(disconnected=True)
    assert section["end"] == "disconnect" and section["tail"] == "event: thread.run.que"
    assert section["events"] == [{"at_ms": 7, "event": "thread.run.created", "data": {}}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interactions: []\n", "not a mockserver cassette"),
        ("format: mockserver-cassette\nversion: 99\ninteractions: []\n", "unsupported cassette version 99"),
        ("format: mockserver-cassette\nversion: 1\ninteractions: [{request: {}}]\n", "interactions[0]"),
        ("format: mockserver-cassette\nversion: 1\ninteractions: {}\n", "must be a list"),
        ("{not yaml", "not valid YAML"),
    ],
)
def test_malformed_cassettes_are_rejected_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CassetteError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_interactions(path)


def _append_many(path: str, worker: int, count: int) -> None:
    for n in range(count):
        save(path, [{"request": {"method": "GET", "path": f"/w{worker}/{n}"}, "response": {"status": 200}}])


def test_concurrent_appends_from_processes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    with ProcessPoolExecutor(max_workers=4) as pool:
        list(pool.map(_append_many, [str(path)] * 4, range(4), [15] * 4))
    paths = sorted(x["request"]["path"] for x in load_interactions(path))
    assert paths == sorted(f"/w{w}/{n}" for w in range(4) for n in range(15))
    assert [p.name for p in tmp_path.iterdir()] == ["shared.yaml"]  # no temporary or lock files left


def test_recording_under_xdist_is_safe(tmp_path: Path) -> None:
    """Two xdist workers record into one shared cassette and one cassette per test, concurrently."""
    (tmp_path / "test_recording.py").write_text(
        textwrap.dedent(
            """
            import pytest
            from pathlib import Path
            from mockserver import MockServer

            HERE = Path(__file__).parent

            @pytest.fixture(scope="session")
            def upstream():
                with MockServer(seed="xdist") as server:
                    yield server

            @pytest.mark.parametrize("n", range(6))
            def test_record(upstream, monkeypatch, n):
                monkeypatch.setenv("MOCKSERVER_UPSTREAM_API_KEY", "sk-proj-XdistUpstreamKey0123456789abcd")
                for cassette in (HERE / "shared.yaml", HERE / f"own_{n}.json"):
                    with MockServer(cassette=cassette, record_mode="new_episodes", upstream=upstream.base_url) as s:
                        s.client(api_key="dummy").beta.threads.create(metadata={"n": str(n)})
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-p", "no:mockserver", "-W", "ignore::DeprecationWarning", "test_recording.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout
    shared = load_interactions(tmp_path / "shared.yaml")
    assert sorted(x["request"]["body"]["json"]["metadata"]["n"] for x in shared) == [str(n) for n in range(6)]
    for n in range(6):
        assert len(load_interactions(tmp_path / f"own_{n}.json")) == 1
